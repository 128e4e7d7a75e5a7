/*
 * The register frame an interrupt or exception leaves on the kernel stack
 * (built by trap_common), and the vector numbers the kernel uses.
 */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <ferrite/compiler.h>

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;	/* pushed by the CPU */
};

/* Exceptions, Intel SDM vol. 3 §6.3.1 */
#define VEC_DE		0
#define VEC_DB		1
#define VEC_NMI		2
#define VEC_BP		3
#define VEC_OF		4
#define VEC_BR		5
#define VEC_UD		6
#define VEC_NM		7
#define VEC_DF		8
#define VEC_TS		10
#define VEC_NP		11
#define VEC_SS		12
#define VEC_GP		13
#define VEC_PF		14
#define VEC_MF		16
#define VEC_AC		17
#define VEC_MC		18
#define VEC_XM		19
#define VEC_VE		20
#define VEC_CP		21

/* Device interrupts through the I/O APIC: VEC_IRQ_BASE + GSI */
#define VEC_IRQ_BASE	0x30
#define VEC_IRQ_LAST	0xdf
/* Local APIC and inter-processor interrupts */
#define VEC_TIMER	0xef
#define VEC_IPI_CALL	0xf0	/* run a function on another CPU */
#define VEC_IPI_TLB	0xf1	/* TLB shoot-down */
#define VEC_IPI_RESCHED	0xf2
#define VEC_IPI_STOP	0xf3	/* panic: stop this CPU */
#define VEC_SPURIOUS	0xff

typedef void (*trap_handler_fn)(struct trap_frame *frame, void *arg);

/*
 * Route @vector (0x20..0xff) to @fn; returns 0, or -EBUSY if it is taken
 * and -EINVAL for an exception vector.
 */
int trap_register(unsigned int vector, trap_handler_fn fn, void *arg);
void trap_unregister(unsigned int vector);
void trap_dispatch(struct trap_frame *frame);
void trap_init(void);		/* boot CPU: build the IDT */
void trap_load_idt(void);	/* every CPU: load it */
void trap_dump_frame(const struct trap_frame *frame);
void arch_backtrace(uint64_t rbp, uint64_t rip);
void arch_backtrace_trap(uint64_t rip, uint64_t rsp, uint64_t rbp);

static inline bool trap_from_user(const struct trap_frame *frame)
{
	return (frame->cs & 3) != 0;
}

#endif
