/*
 * The CPU side of tasks: the first frame on a new kernel stack, the
 * syscall MSRs (AMD APM vol. 2 §6.1.1), the per-CPU kernel stack pointers,
 * SSE/FPU enabling and state (Intel SDM vol. 1 §10.5, FXSAVE) and the user
 * FS base.
 */
#include <ferrite/sched.h>
#include <ferrite/string.h>
#include <arch/cpu.h>
#include <arch/cpufeature.h>
#include <arch/percpu.h>
#include <arch/task.h>

#define MSR_EFER	0xc0000080
#define MSR_STAR	0xc0000081
#define MSR_LSTAR	0xc0000082
#define MSR_CSTAR	0xc0000083
#define MSR_SFMASK	0xc0000084
#define MSR_FS_BASE	0xc0000100
#define EFER_SCE	(1UL << 0)

#define CR0_MP		(1UL << 1)
#define CR0_EM		(1UL << 2)
#define CR0_TS		(1UL << 3)
#define CR0_NE		(1UL << 5)
#define CR4_OSFXSR	(1UL << 9)
#define CR4_OSXMMEXCPT	(1UL << 10)
#define CR4_FSGSBASE	(1UL << 16)

extern char syscall_entry[];
extern char task_first_entry[];
extern uint8_t uaccess_smap;

/* Callee-saved registers as arch_switch_to pops them. */
struct switch_frame {
	uint64_t r15, r14, r13, r12, rbx, rbp;
	uint64_t ret;
};

void arch_task_init_stack(struct task *t, void (*fn)(void *), void *arg)
{
	/* below the user frame that every task keeps at the top of its stack */
	uint64_t top = t->kstack_top - sizeof(struct trap_frame);
	struct switch_frame *sf = (struct switch_frame *)(ALIGN_DOWN(top, 16) - sizeof(*sf) - 8);

	memset(sf, 0, sizeof(*sf));
	sf->r12 = (uint64_t)fn;
	sf->r13 = (uint64_t)arg;
	sf->ret = (uint64_t)task_first_entry;
	t->ksp = (uint64_t)sf;
}

void arch_set_kernel_stack(uint64_t top)
{
	struct cpu *c = this_cpu();

	c->tss.rsp[0] = top;
	c->syscall_rsp = top;
}

void arch_syscall_init_cpu(void)
{
	arch_wrmsr(MSR_STAR, ((uint64_t)GDT_USER32_CS << 48) | ((uint64_t)GDT_KERNEL_CS << 32));
	arch_wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	arch_wrmsr(MSR_CSTAR, 0);
	/* IF, TF, DF, AC, NT and IOPL cleared on entry, as Linux does */
	arch_wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | (1UL << 14) |
				       (3UL << 12));
	arch_wrmsr(MSR_EFER, arch_rdmsr(MSR_EFER) | EFER_SCE);
	if (cpu_has(X86_SMAP))
		uaccess_smap = 1;
}

void arch_fpu_init_cpu(void)
{
	arch_write_cr0((arch_read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
	arch_write_cr4(arch_read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	__asm__ __volatile__("fninit");
}

void arch_fpu_save(void *area)
{
	__asm__ __volatile__("fxsave64 %0" : "=m"(*(char (*)[FPU_STATE_SIZE])area));
}

void arch_fpu_restore(const void *area)
{
	__asm__ __volatile__("fxrstor64 %0" : : "m"(*(const char (*)[FPU_STATE_SIZE])area));
}

void arch_fpu_init_state(void *area)
{
	uint8_t *b = area;

	memset(area, 0, FPU_STATE_SIZE);
	b[0] = 0x7f;		/* FCW 0x037f */
	b[1] = 0x03;
	b[24] = 0x80;		/* MXCSR 0x1f80 */
	b[25] = 0x1f;
	b[28] = 0xff;		/* MXCSR_MASK: report every bit writable that the CPU knows */
	b[29] = 0xff;
}

void arch_set_fs_base(uint64_t base)
{
	arch_wrmsr(MSR_FS_BASE, base);
}

uint64_t arch_get_fs_base(void)
{
	return arch_rdmsr(MSR_FS_BASE);
}
