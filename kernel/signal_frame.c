/*
 * Signal frames as Linux builds them on x86_64 (arch/x86/kernel/signal.c
 * and signal_64.c): the rt_sigframe layout, its place below the red zone or
 * on the alternate stack, the sigcontext that rt_sigreturn reads back, and
 * the FXSAVE image that goes with it (no XSAVE state: uc_flags lacks
 * UC_FP_XSTATE and the image's software-reserved bytes stay zero). Also the
 * default-action table and the order in which pending signals are taken.
 * Pure functions over kernel copies; host-tested against the uapi layouts.
 */
#include <ferrite/errno.h>
#include <ferrite/string.h>
#include <asm-generic/siginfo.h>
#include "signal_frame.h"

/* Linux's layout, as user space (glibc, musl, libunwind) reads it. */
BUILD_BUG_ON(sizeof(struct sigcontext) != 256);
BUILD_BUG_ON(offsetof(struct sigcontext, rip) != 128);
BUILD_BUG_ON(offsetof(struct sigcontext, fpstate) != 184);
BUILD_BUG_ON(sizeof(struct ucontext) != 304);
BUILD_BUG_ON(offsetof(struct ucontext, uc_stack) != 16);
BUILD_BUG_ON(offsetof(struct ucontext, uc_mcontext) != 40);
BUILD_BUG_ON(offsetof(struct ucontext, uc_sigmask) != 296);
BUILD_BUG_ON(sizeof(siginfo_t) != 128);
BUILD_BUG_ON(offsetof(struct rt_sigframe, uc) != 8);
BUILD_BUG_ON(offsetof(struct rt_sigframe, info) != 312);
BUILD_BUG_ON(sizeof(struct rt_sigframe) != 440);
BUILD_BUG_ON(sizeof(struct _fpstate_64) != SIGFRAME_FPU_SIZE);
BUILD_BUG_ON(offsetof(struct _fpstate_64, mxcsr) != 24);
BUILD_BUG_ON(offsetof(struct _fpstate_64, sw_reserved) != 464);

static const uint8_t sig_defaults[SIG_COUNT + 1] = {
	[SIGQUIT] = SIGACT_CORE, [SIGILL] = SIGACT_CORE,   [SIGTRAP] = SIGACT_CORE,
	[SIGABRT] = SIGACT_CORE, [SIGBUS] = SIGACT_CORE,   [SIGFPE] = SIGACT_CORE,
	[SIGSEGV] = SIGACT_CORE, [SIGXCPU] = SIGACT_CORE,  [SIGXFSZ] = SIGACT_CORE,
	[SIGSYS] = SIGACT_CORE,  [SIGSTOP] = SIGACT_STOP,  [SIGTSTP] = SIGACT_STOP,
	[SIGTTIN] = SIGACT_STOP, [SIGTTOU] = SIGACT_STOP,  [SIGCONT] = SIGACT_CONT,
	[SIGCHLD] = SIGACT_IGN,  [SIGWINCH] = SIGACT_IGN,  [SIGURG] = SIGACT_IGN,
	/* every other entry is 0, SIGACT_TERM */
};

int sigframe_default_action(int sig)
{
	if (sig < 1 || sig > SIG_COUNT)
		return SIGACT_TERM;
	return sig_defaults[sig];
}

int sigframe_next_signal(uint64_t set)
{
	if (!set)
		return 0;
	if (set & SIG_SYNC_MASK)
		set &= SIG_SYNC_MASK;
	return __builtin_ctzll(set) + 1;
}

bool sigframe_canonical(uint64_t addr)
{
	return (uint64_t)((int64_t)(addr << 16) >> 16) == addr;
}

bool sigframe_on_altstack(const struct sigframe_altstack *as, uint64_t sp)
{
	if ((unsigned int)as->flags & SS_AUTODISARM)
		return false;
	return sp > as->sp && sp - as->sp <= as->size;
}

int sigframe_sas_flags(const struct sigframe_altstack *as, uint64_t sp)
{
	if (!as->size)
		return SS_DISABLE;
	return sigframe_on_altstack(as, sp) ? SS_ONSTACK : 0;
}

int sigframe_saved_flags(const struct sigframe_altstack *as)
{
	return as->size ? as->flags : as->flags | SS_DISABLE;
}

int sigframe_place(const struct sigframe_altstack *as, uint64_t rsp, bool onstack,
		   struct sigframe_place *out)
{
	bool nested = sigframe_on_altstack(as, rsp), entering = false;
	uint64_t sp = rsp - SIGFRAME_REDZONE;

	if (onstack && sigframe_sas_flags(as, sp) == 0) {
		sp = as->sp + as->size;
		entering = true;
	}
	sp = ALIGN_DOWN(sp - SIGFRAME_FPU_SIZE, 64);
	out->fpstate = sp;
	sp -= sizeof(struct rt_sigframe);
	sp = ALIGN_DOWN(sp, 16) - 8;		/* (rsp + 8) % 16 == 0 at handler entry */
	out->frame = sp;
	/* on the alternate stack and about to leave it: Linux gives up */
	if ((nested || entering) && !(sp > as->sp && sp - as->sp <= as->size))
		return -EFAULT;
	return 0;
}

/* The registers of @regs in Linux's struct sigcontext order. */
static void sigframe_save_regs(struct sigcontext *sc, const struct trap_frame *regs)
{
	sc->r8 = regs->r8, sc->r9 = regs->r9, sc->r10 = regs->r10, sc->r11 = regs->r11;
	sc->r12 = regs->r12, sc->r13 = regs->r13, sc->r14 = regs->r14, sc->r15 = regs->r15;
	sc->rdi = regs->rdi, sc->rsi = regs->rsi, sc->rbp = regs->rbp, sc->rbx = regs->rbx;
	sc->rdx = regs->rdx, sc->rax = regs->rax, sc->rcx = regs->rcx, sc->rsp = regs->rsp;
	sc->rip = regs->rip;
	sc->eflags = regs->rflags;
	sc->cs = regs->cs;
	sc->gs = 0;
	sc->fs = 0;
	sc->ss = regs->ss;
}

void sigframe_fill(struct rt_sigframe *f, const struct trap_frame *regs, const siginfo_t *info,
		   uint64_t restorer, uint64_t oldmask, const struct sigframe_altstack *as,
		   uint64_t fpstate, const struct sigframe_fault *fault)
{
	struct sigcontext *sc = &f->uc.uc_mcontext;

	memset(f, 0, sizeof(*f));
	f->pretcode = restorer;
	f->uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	f->uc.uc_link = NULL;
	f->uc.uc_stack.ss_sp = (void *)as->sp;
	f->uc.uc_stack.ss_flags = sigframe_saved_flags(as);
	f->uc.uc_stack.ss_size = as->size;
	sigframe_save_regs(sc, regs);
	sc->err = fault->error;
	sc->trapno = fault->trapno;
	sc->oldmask = oldmask;
	sc->cr2 = fault->cr2;
	sc->fpstate = (struct _fpstate_64 *)fpstate;
	f->uc.uc_sigmask = oldmask;
	f->info = *info;
}

void sigframe_enter_handler(struct trap_frame *regs, int sig, uint64_t frame, uint64_t handler)
{
	regs->rdi = (uint64_t)sig;
	regs->rsi = frame + offsetof(struct rt_sigframe, info);
	regs->rdx = frame + offsetof(struct rt_sigframe, uc);
	regs->rax = 0;
	regs->rsp = frame;
	regs->rip = handler;
	regs->cs = 0x33;
	regs->ss = 0x2b;
	regs->rflags &= ~SIGFRAME_HANDLER_CLEAR;
}

int sigframe_restore(struct trap_frame *regs, const struct sigcontext *sc)
{
	if (!sigframe_canonical(sc->rip) || !sigframe_canonical(sc->rsp))
		return -EFAULT;
	regs->r8 = sc->r8, regs->r9 = sc->r9, regs->r10 = sc->r10, regs->r11 = sc->r11;
	regs->r12 = sc->r12, regs->r13 = sc->r13, regs->r14 = sc->r14, regs->r15 = sc->r15;
	regs->rdi = sc->rdi, regs->rsi = sc->rsi, regs->rbp = sc->rbp, regs->rbx = sc->rbx;
	regs->rdx = sc->rdx, regs->rax = sc->rax, regs->rcx = sc->rcx, regs->rsp = sc->rsp;
	regs->rip = sc->rip;
	/* CPL 3 in 64-bit mode whatever the frame says: no other selector is ours to give */
	regs->cs = 0x33;
	regs->ss = 0x2b;
	regs->rflags = (regs->rflags & ~SIGFRAME_FIX_EFLAGS) | (sc->eflags & SIGFRAME_FIX_EFLAGS);
	regs->rflags |= 0x202;		/* IF and the always-one bit 1 */
	return 0;
}

void sigframe_fpu_to_user(void *fx)
{
	struct _fpstate_64 *f = fx;

	memset(&f->sw_reserved, 0, sizeof(f->sw_reserved));
}

uint32_t sigframe_fpu_mxcsr_mask(const void *fx)
{
	const struct _fpstate_64 *f = fx;

	return f->mxcsr_mask ? f->mxcsr_mask : 0xffbf;
}

void sigframe_fpu_from_user(void *fx, uint32_t mxcsr_mask)
{
	struct _fpstate_64 *f = fx;

	f->mxcsr &= mxcsr_mask;
}

int sigframe_fpu_exception_code(const void *fx, unsigned int vector)
{
	const struct _fpstate_64 *f = fx;
	unsigned int err;

	if (vector == VEC_MF)
		err = f->swd & ~f->cwd;
	else
		err = ~(f->mxcsr >> 7) & f->mxcsr;
	if (err & 0x001)
		return FPE_FLTINV;
	if (err & 0x004)
		return FPE_FLTDIV;
	if (err & 0x008)
		return FPE_FLTOVF;
	if (err & 0x012)
		return FPE_FLTUND;
	if (err & 0x020)
		return FPE_FLTRES;
	return 0;
}
