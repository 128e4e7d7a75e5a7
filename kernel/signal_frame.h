/*
 * The pure part of signal handling, kept apart so that host unit tests can
 * check it against Linux's layouts: the default-action table, the choice of
 * the next signal, and the x86_64 rt_sigframe (where it goes on the user or
 * alternate stack, what it holds, how rt_sigreturn reads it back). Nothing
 * here takes a lock or touches user memory; kernel/signal*.c do that.
 */
#ifndef FERRITE_SIGNAL_FRAME_H
#define FERRITE_SIGNAL_FRAME_H

#include <ferrite/compiler.h>
#include <linux/signal.h>
#include <asm/sigcontext.h>
#include <asm/ucontext.h>
#include <arch/trap.h>

#define SIG_COUNT	64	/* Linux's _NSIG on x86_64 */
#define SIG_BIT(sig)	(1UL << ((sig) - 1))

/* Signals a task cannot block, catch or ignore. */
#define SIG_KERNEL_ONLY_MASK	(SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))
/* Faults taken before any other pending signal (Linux's SYNCHRONOUS_MASK). */
#define SIG_SYNC_MASK	(SIG_BIT(SIGSEGV) | SIG_BIT(SIGBUS) | SIG_BIT(SIGILL) | \
			 SIG_BIT(SIGTRAP) | SIG_BIT(SIGFPE) | SIG_BIT(SIGSYS))
#define SIG_STOP_MASK	(SIG_BIT(SIGSTOP) | SIG_BIT(SIGTSTP) | SIG_BIT(SIGTTIN) | \
			 SIG_BIT(SIGTTOU))

/* Default actions, Linux's table (signal(7)). */
enum sig_default_action {
	SIGACT_TERM,
	SIGACT_CORE,
	SIGACT_STOP,
	SIGACT_CONT,
	SIGACT_IGN,
};

/* The default action of @sig (1..SIG_COUNT); realtime signals terminate. */
int sigframe_default_action(int sig);
/* The signal to take next from @set: the lowest fault first, else the lowest; 0 if empty. */
int sigframe_next_signal(uint64_t set);

/* Linux's x86_64 struct rt_sigframe: what a handler finds at its rsp. */
struct rt_sigframe {
	uint64_t pretcode;		/* sa_restorer: the handler returns there */
	struct ucontext uc;
	siginfo_t info;
	/* the 64-byte aligned FXSAVE image lies above, at uc.uc_mcontext.fpstate */
};

#define SIGFRAME_FPU_SIZE	512	/* FXSAVE image (no XSAVE state) */
#define SIGFRAME_REDZONE	128	/* SysV ABI red zone below the user rsp */

/* RFLAGS bits a frame may change on rt_sigreturn (Linux's FIX_EFLAGS). */
#define SIGFRAME_FIX_EFLAGS	0x50dd5UL	/* AC RF OF DF TF SF ZF AF PF CF */
#define SIGFRAME_HANDLER_CLEAR	0x10500UL	/* RF DF TF: cleared at handler entry */

/* A task's sigaltstack settings. */
struct sigframe_altstack {
	uint64_t sp, size;
	int flags;			/* as set by sigaltstack: SS_AUTODISARM, SS_DISABLE ... */
};

/* Fault context saved in the sigcontext (trapno, err, cr2). */
struct sigframe_fault {
	uint64_t trapno, error, cr2;
};

/* Where a frame goes: the rt_sigframe and the FXSAVE image above it. */
struct sigframe_place {
	uint64_t frame, fpstate;
};

/* True if @sp lies on the alternate stack @as (never with SS_AUTODISARM, as Linux). */
bool sigframe_on_altstack(const struct sigframe_altstack *as, uint64_t sp);
/* sigaltstack's view of @as for a task at @sp: SS_DISABLE, SS_ONSTACK or 0. */
int sigframe_sas_flags(const struct sigframe_altstack *as, uint64_t sp);
/* The flags word saved in uc_stack (SS_DISABLE when no stack is set). */
int sigframe_saved_flags(const struct sigframe_altstack *as);
/* True if @addr is canonical (bits 63..47 equal). */
bool sigframe_canonical(uint64_t addr);

/*
 * Choose the frame's place for a task whose user rsp is @rsp: below the red
 * zone, or at the top of the alternate stack if @onstack asks and the task
 * is not on it already. Returns 0, or -EFAULT if the frame would overflow
 * the alternate stack (Linux then forces SIGSEGV).
 */
int sigframe_place(const struct sigframe_altstack *as, uint64_t rsp, bool onstack,
		   struct sigframe_place *out);

/*
 * Fill @f, a kernel copy of the frame: return address @restorer, @info,
 * the registers of @regs, @oldmask (restored by rt_sigreturn), the
 * altstack @as, the FXSAVE image's user address @fpstate and @fault.
 */
void sigframe_fill(struct rt_sigframe *f, const struct trap_frame *regs, const siginfo_t *info,
		   uint64_t restorer, uint64_t oldmask, const struct sigframe_altstack *as,
		   uint64_t fpstate, const struct sigframe_fault *fault);
/* Point @regs at handler @handler for @sig with its frame at user address @frame. */
void sigframe_enter_handler(struct trap_frame *regs, int sig, uint64_t frame, uint64_t handler);
/*
 * Load the registers saved in @sc into @regs as rt_sigreturn does: CS and
 * SS forced to the 64-bit user selectors, only FIX_EFLAGS bits of RFLAGS
 * taken. Returns 0, or -EFAULT (and leaves @regs alone) if rip or rsp is
 * not canonical, which iretq would refuse in kernel mode.
 */
int sigframe_restore(struct trap_frame *regs, const struct sigcontext *sc);

/* Prepare an FXSAVE image for the user frame: the software-reserved bytes cleared. */
void sigframe_fpu_to_user(void *fx);
/* Make a user-supplied FXSAVE image safe for fxrstor: MXCSR limited to @mxcsr_mask. */
void sigframe_fpu_from_user(void *fx, uint32_t mxcsr_mask);
/* The MXCSR_MASK an FXSAVE image reports (Intel's default 0xffbf when it says 0). */
uint32_t sigframe_fpu_mxcsr_mask(const void *fx);
/* si_code of SIGFPE for an x87 (#MF) or SIMD (#XM) exception, from the image; 0 if spurious. */
int sigframe_fpu_exception_code(const void *fx, unsigned int vector);

#endif
