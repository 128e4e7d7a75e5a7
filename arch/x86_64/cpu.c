/*
 * Per-CPU processor set-up: the GDT (Linux's selector layout, so user
 * programs see the same CS/SS values), the TSS with IST stacks for #DF, NMI
 * and #MC, the GS base pointing at struct cpu, the IDT, and the protection
 * features the CPU offers (NX, SMEP, SMAP, UMIP, CR0.WP). Intel SDM vol. 3
 * §3.4.5 (descriptors), §7.7 (64-bit TSS), §4.6 (access rights).
 */
#include <ferrite/printk.h>
#include <ferrite/panic.h>
#include <ferrite/string.h>
#include <arch/cpu.h>
#include <arch/cpufeature.h>
#include <arch/percpu.h>
#include <arch/trap.h>

#define MSR_EFER		0xc0000080
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define EFER_NXE		(1UL << 11)
#define CR0_WP			(1UL << 16)
#define CR4_UMIP		(1UL << 11)
#define CR4_SMEP		(1UL << 20)
#define CR4_SMAP		(1UL << 21)

struct cpu boot_cpu;
struct cpu **cpus;
int nr_cpus = 1;
int nr_cpus_online;
struct cpu_features cpu_features;

static uint8_t boot_ist_stacks[3][IST_STACK_SIZE] __aligned(16);

/* Read the features we use from CPUID (Intel SDM vol. 2A, CPUID). */
void cpu_detect_features(void)
{
	struct cpu_features *f = &cpu_features;
	uint32_t a, b, c, d, max;

	arch_cpuid(0, 0, &max, &b, &c, &d);
	memcpy(f->vendor, &b, 4);
	memcpy(f->vendor + 4, &d, 4);
	memcpy(f->vendor + 8, &c, 4);
	f->vendor[12] = '\0';
	arch_cpuid(1, 0, &a, &b, &c, &d);
	f->family = (a >> 8) & 0xf;
	f->model = (a >> 4) & 0xf;
	f->stepping = a & 0xf;
	if (f->family == 0xf)
		f->family += (a >> 20) & 0xff;
	if (f->family >= 6)
		f->model |= ((a >> 16) & 0xf) << 4;
	f->leaf1_ecx = c;
	f->leaf1_edx = d;
	if (max >= 7) {
		arch_cpuid(7, 0, &a, &b, &c, &d);
		f->leaf7_ebx = b;
		f->leaf7_ecx = c;
	}
	arch_cpuid(0x80000000, 0, &max, &b, &c, &d);
	if (max >= 0x80000001) {
		arch_cpuid(0x80000001, 0, &a, &b, &c, &d);
		f->ext1_ecx = c;
		f->ext1_edx = d;
	}
	if (max >= 0x80000004) {
		uint32_t *p = (uint32_t *)f->model_name;

		for (uint32_t leaf = 0x80000002; leaf <= 0x80000004; leaf++, p += 4)
			arch_cpuid(leaf, 0, &p[0], &p[1], &p[2], &p[3]);
		f->model_name[48] = '\0';
	}
	if (max >= 0x80000007) {
		arch_cpuid(0x80000007, 0, &a, &b, &c, &d);
		f->invariant_tsc = d & (1u << 8);
	}
}

static uint64_t gdt_segment(uint32_t flags_access)
{
	/* base 0, limit 0xfffff; flags and access byte in their places */
	return 0x000f00000000ffffULL | ((uint64_t)flags_access << 40);
}

static void cpu_load_gdt(struct cpu *cpu)
{
	uint64_t tss = (uint64_t)&cpu->tss;
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed gdtr = { sizeof(cpu->gdt) - 1, (uint64_t)cpu->gdt };

	cpu->gdt[0] = 0;
	cpu->gdt[1] = gdt_segment(0xc09b);	/* kernel code 32 (unused) */
	cpu->gdt[2] = gdt_segment(0xa09b);	/* 0x10 kernel code 64 */
	cpu->gdt[3] = gdt_segment(0xc093);	/* 0x18 kernel data */
	cpu->gdt[4] = gdt_segment(0xc0fb);	/* 0x23 user code 32 */
	cpu->gdt[5] = gdt_segment(0xc0f3);	/* 0x2b user data */
	cpu->gdt[6] = gdt_segment(0xa0fb);	/* 0x33 user code 64 */
	cpu->gdt[7] = 0;
	cpu->gdt[8] = (sizeof(struct tss) - 1) | ((tss & 0xffffff) << 16) |
		      (0x89ULL << 40) | ((tss >> 24) & 0xff) << 56;
	cpu->gdt[9] = tss >> 32;
	arch_load_gdt(&gdtr, GDT_KERNEL_CS, GDT_KERNEL_DS);
	arch_load_tr(GDT_TSS);
}

/* Turn on NX, SMEP, SMAP, UMIP and write protection where the CPU has them. */
static void cpu_enable_protection(void)
{
	uint64_t cr4 = arch_read_cr4();

	if (cpu_has(X86_NX))
		arch_wrmsr(MSR_EFER, arch_rdmsr(MSR_EFER) | EFER_NXE);
	arch_write_cr0(arch_read_cr0() | CR0_WP);
	if (cpu_has(X86_SMEP))
		cr4 |= CR4_SMEP;
	if (cpu_has(X86_SMAP))
		cr4 |= CR4_SMAP;
	if (cpu_has(X86_UMIP))
		cr4 |= CR4_UMIP;
	arch_write_cr4(cr4);
}

/*
 * Make @cpu the running CPU's per-CPU area and give the CPU its descriptor
 * tables and protections. @cpu->stack_top and the IST stacks must be set.
 */
void cpu_setup(struct cpu *cpu)
{
	cpu->self = cpu;
	memset(&cpu->tss, 0, sizeof(cpu->tss));
	cpu->tss.iomap_base = sizeof(struct tss);
	cpu->tss.rsp[0] = cpu->stack_top;
	for (int i = 0; i < 3; i++)
		cpu->tss.ist[i] = cpu->ist_top[i];
	cpu_load_gdt(cpu);
	arch_wrmsr(MSR_GS_BASE, (uint64_t)cpu);
	arch_wrmsr(MSR_KERNEL_GS_BASE, 0);
	trap_load_idt();
	cpu_enable_protection();
}

/* Set up the boot CPU's per-CPU area on its boot stack. */
void cpu_setup_boot(uint64_t stack_top)
{
	boot_cpu.id = 0;
	boot_cpu.stack_top = stack_top;
	for (int i = 0; i < 3; i++)
		boot_cpu.ist_top[i] = (uint64_t)boot_ist_stacks[i] + IST_STACK_SIZE;
	cpu_setup(&boot_cpu);
	boot_cpu.online = true;
	nr_cpus_online = 1;
}

/* Stop this CPU for good: interrupts off, halt forever (NMIs return to hlt). */
__noreturn void arch_cpu_stop(void)
{
	arch_irq_disable();
	__atomic_store_n(&this_cpu()->online, false, __ATOMIC_RELEASE);
	for (;;)
		arch_halt();
}
