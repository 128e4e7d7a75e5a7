// host-test-sources: kernel/signal_frame.c
/*
 * Host tests for kernel/signal_frame.c: the sigcontext layout against the
 * register indices C libraries use (glibc's REG_*), where a frame lands on
 * the normal and the alternate stack, what the frame holds, the handler's
 * entry registers, rt_sigreturn's sanitizing, the FPU helpers and the
 * default-action table.
 */
#include "htest.h"
#include <ferrite/errno.h>
/* the uapi headers the kernel uses, renamed where glibc's own types clash */
#define timeval uapi_timeval
#define itimerspec uapi_itimerspec
#define itimerval uapi_itimerval
#define timezone uapi_timezone
#define sigset_t uapi_sigset_t
#define sigval uapi_sigval
#define sigval_t uapi_sigval_t
#define siginfo uapi_siginfo
#define siginfo_t uapi_siginfo_t
#define stack_t uapi_stack_t
#define sigaltstack uapi_sigaltstack
#define sigaction uapi_sigaction
#include "../../kernel/signal_frame.h"
#include <asm-generic/siginfo.h>

/* glibc's <sys/ucontext.h> gregs indices: user space reads the frame through these. */
enum { G_R8, G_R9, G_R10, G_R11, G_R12, G_R13, G_R14, G_R15, G_RDI, G_RSI, G_RBP, G_RBX,
       G_RDX, G_RAX, G_RCX, G_RSP, G_RIP, G_EFL, G_CSGSFS, G_ERR, G_TRAPNO, G_OLDMASK, G_CR2 };

#define GREG_OFF(r) ((r) * 8)

HTEST(sigcontext_matches_libc_gregs)
{
	EXPECT_EQ(offsetof(struct sigcontext, r8), GREG_OFF(G_R8));
	EXPECT_EQ(offsetof(struct sigcontext, r15), GREG_OFF(G_R15));
	EXPECT_EQ(offsetof(struct sigcontext, rdi), GREG_OFF(G_RDI));
	EXPECT_EQ(offsetof(struct sigcontext, rbx), GREG_OFF(G_RBX));
	EXPECT_EQ(offsetof(struct sigcontext, rax), GREG_OFF(G_RAX));
	EXPECT_EQ(offsetof(struct sigcontext, rsp), GREG_OFF(G_RSP));
	EXPECT_EQ(offsetof(struct sigcontext, rip), GREG_OFF(G_RIP));
	EXPECT_EQ(offsetof(struct sigcontext, eflags), GREG_OFF(G_EFL));
	EXPECT_EQ(offsetof(struct sigcontext, cs), GREG_OFF(G_CSGSFS));
	EXPECT_EQ(offsetof(struct sigcontext, ss), GREG_OFF(G_CSGSFS) + 6);
	EXPECT_EQ(offsetof(struct sigcontext, err), GREG_OFF(G_ERR));
	EXPECT_EQ(offsetof(struct sigcontext, trapno), GREG_OFF(G_TRAPNO));
	EXPECT_EQ(offsetof(struct sigcontext, oldmask), GREG_OFF(G_OLDMASK));
	EXPECT_EQ(offsetof(struct sigcontext, cr2), GREG_OFF(G_CR2));
	EXPECT_EQ(offsetof(struct sigcontext, fpstate), 23 * 8);	/* glibc's fpregs */
	/* ucontext_t: uc_mcontext at 40, uc_sigmask right after the 256-byte mcontext */
	EXPECT_EQ(offsetof(struct ucontext, uc_mcontext), 40);
	EXPECT_EQ(offsetof(struct ucontext, uc_sigmask), 296);
	EXPECT_EQ(sizeof(struct rt_sigframe), 440);
	EXPECT_EQ(offsetof(siginfo_t, si_addr), 16);
	EXPECT_EQ(offsetof(siginfo_t, si_pid), 16);
	EXPECT_EQ(offsetof(siginfo_t, si_uid), 20);
	EXPECT_EQ(offsetof(siginfo_t, si_status), 24);
}

HTEST(default_actions_are_linux_table)
{
	static const int core[] = { SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE,
				    SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS };
	static const int stop[] = { SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU };
	static const int ign[] = { SIGCHLD, SIGWINCH, SIGURG };
	int want[SIG_COUNT + 1];

	for (int s = 1; s <= SIG_COUNT; s++)
		want[s] = SIGACT_TERM;
	for (size_t i = 0; i < ARRAY_SIZE(core); i++)
		want[core[i]] = SIGACT_CORE;
	for (size_t i = 0; i < ARRAY_SIZE(stop); i++)
		want[stop[i]] = SIGACT_STOP;
	for (size_t i = 0; i < ARRAY_SIZE(ign); i++)
		want[ign[i]] = SIGACT_IGN;
	want[SIGCONT] = SIGACT_CONT;
	for (int s = 1; s <= SIG_COUNT; s++) {
		if (sigframe_default_action(s) != want[s])
			printf("# signal %d\n", s);
		EXPECT_EQ(sigframe_default_action(s), want[s]);
	}
	EXPECT_EQ(sigframe_default_action(SIGKILL), SIGACT_TERM);
	EXPECT_EQ(sigframe_default_action(SIGRTMIN), SIGACT_TERM);
	EXPECT_EQ(sigframe_default_action(64), SIGACT_TERM);
}

HTEST(next_signal_faults_first_then_lowest)
{
	EXPECT_EQ(sigframe_next_signal(0), 0);
	EXPECT_EQ(sigframe_next_signal(SIG_BIT(SIGUSR1) | SIG_BIT(SIGTERM)), SIGUSR1);
	EXPECT_EQ(sigframe_next_signal(SIG_BIT(SIGHUP) | SIG_BIT(SIGSEGV)), SIGSEGV);
	EXPECT_EQ(sigframe_next_signal(SIG_BIT(SIGSEGV) | SIG_BIT(SIGILL)), SIGILL);
	EXPECT_EQ(sigframe_next_signal(SIG_BIT(64)), 64);
	EXPECT_EQ(sigframe_next_signal(SIG_BIT(SIGKILL) | SIG_BIT(SIGSYS)), SIGSYS);
}

static const struct sigframe_altstack no_alt = { 0, 0, 0 };

HTEST(frame_below_red_zone_and_aligned)
{
	for (uint64_t rsp = 0x7ffffff0e000; rsp > 0x7ffffff0d000; rsp -= 8) {
		struct sigframe_place at;

		EXPECT_EQ(sigframe_place(&no_alt, rsp, false, &at), 0);
		EXPECT_EQ((at.frame + 8) % 16, 0);		/* as after a call */
		EXPECT_EQ(at.fpstate % 64, 0);
		EXPECT(at.frame + sizeof(struct rt_sigframe) <= at.fpstate);
		EXPECT(at.fpstate + SIGFRAME_FPU_SIZE <= rsp - 128);
		EXPECT(rsp - 128 - (at.fpstate + SIGFRAME_FPU_SIZE) < 64);
		EXPECT(at.fpstate - (at.frame + sizeof(struct rt_sigframe)) < 32);
	}
	/* one exact case worked by hand the way Linux's get_sigframe does it */
	struct sigframe_place at;
	EXPECT_EQ(sigframe_place(&no_alt, 0x7fff0000, false, &at), 0);
	EXPECT_EQ(at.fpstate, 0x7ffefd80);
	EXPECT_EQ(at.frame, 0x7ffefbb8);
}

HTEST(frame_on_alternate_stack)
{
	struct sigframe_altstack as = { 0x10000000, 0x4000, 0 };
	struct sigframe_place at;

	/* entering: the frame goes to the top of the alternate stack */
	EXPECT_EQ(sigframe_place(&as, 0x7fff0000, true, &at), 0);
	EXPECT(at.frame > as.sp && at.fpstate + SIGFRAME_FPU_SIZE <= as.sp + as.size);
	EXPECT_EQ(at.fpstate, as.sp + as.size - SIGFRAME_FPU_SIZE);
	/* without SA_ONSTACK the normal stack */
	EXPECT_EQ(sigframe_place(&as, 0x7fff0000, false, &at), 0);
	EXPECT(at.frame > 0x7ff00000);
	/* nested: already on it, continue below the current sp */
	EXPECT_EQ(sigframe_place(&as, 0x10002000, true, &at), 0);
	EXPECT(at.fpstate + SIGFRAME_FPU_SIZE <= 0x10002000 - 128);
	EXPECT(at.frame > as.sp);
	/* nested and out of room: Linux gives up (SIGSEGV) */
	EXPECT_EQ(sigframe_place(&as, 0x10000400, true, &at), -EFAULT);
	EXPECT_EQ(sigframe_place(&as, 0x10000400, false, &at), -EFAULT);
	/* too small an alternate stack overflows at once */
	struct sigframe_altstack tiny = { 0x10000000, 512, 0 };
	EXPECT_EQ(sigframe_place(&tiny, 0x7fff0000, true, &at), -EFAULT);
	/* SS_AUTODISARM: never "on" the stack, so a nested signal starts at the top again */
	struct sigframe_altstack ad = { 0x10000000, 0x4000, (int)SS_AUTODISARM };
	EXPECT_EQ(sigframe_place(&ad, 0x10002000, true, &at), 0);
	EXPECT_EQ(at.fpstate, ad.sp + ad.size - SIGFRAME_FPU_SIZE);
}

HTEST(altstack_flags)
{
	struct sigframe_altstack as = { 0x10000000, 0x4000, 0 };

	EXPECT_EQ(sigframe_sas_flags(&no_alt, 0x7fff0000), SS_DISABLE);
	EXPECT_EQ(sigframe_saved_flags(&no_alt), SS_DISABLE);
	EXPECT_EQ(sigframe_sas_flags(&as, 0x7fff0000), 0);
	EXPECT_EQ(sigframe_sas_flags(&as, 0x10004000), SS_ONSTACK);	/* top is inside */
	EXPECT_EQ(sigframe_sas_flags(&as, 0x10000000), 0);		/* base is not */
	EXPECT_EQ(sigframe_saved_flags(&as), 0);
	as.flags = (int)SS_AUTODISARM;
	EXPECT_EQ(sigframe_sas_flags(&as, 0x10002000), 0);
	EXPECT_EQ(sigframe_saved_flags(&as), (int)SS_AUTODISARM);
}

static void fill_regs(struct trap_frame *r)
{
	uint64_t *w = (uint64_t *)r;

	for (size_t i = 0; i < sizeof(*r) / 8; i++)
		w[i] = 0x1000 + i;
	r->cs = 0x33;
	r->ss = 0x2b;
	r->rflags = 0x246;
}

HTEST(frame_contents)
{
	struct sigframe_altstack as = { 0x10000000, 0x4000, 0 };
	struct sigframe_fault fault = { 14, 6, 0xdead000 };
	struct trap_frame r;
	struct rt_sigframe f;
	siginfo_t info;

	fill_regs(&r);
	memset(&info, 0, sizeof(info));
	info.si_signo = SIGSEGV;
	info.si_code = SEGV_MAPERR;
	info.si_addr = (void *)0xdead000;
	sigframe_fill(&f, &r, &info, 0x401000, 0x5, &as, 0x7ffefd80, &fault);
	EXPECT_EQ(f.pretcode, 0x401000);
	EXPECT_EQ(f.uc.uc_flags, UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS);
	EXPECT(f.uc.uc_link == NULL);
	EXPECT_EQ((uint64_t)f.uc.uc_stack.ss_sp, 0x10000000);
	EXPECT_EQ(f.uc.uc_stack.ss_size, 0x4000);
	EXPECT_EQ(f.uc.uc_stack.ss_flags, 0);
	EXPECT_EQ(f.uc.uc_mcontext.r8, r.r8);
	EXPECT_EQ(f.uc.uc_mcontext.r15, r.r15);
	EXPECT_EQ(f.uc.uc_mcontext.rdi, r.rdi);
	EXPECT_EQ(f.uc.uc_mcontext.rsi, r.rsi);
	EXPECT_EQ(f.uc.uc_mcontext.rbp, r.rbp);
	EXPECT_EQ(f.uc.uc_mcontext.rbx, r.rbx);
	EXPECT_EQ(f.uc.uc_mcontext.rdx, r.rdx);
	EXPECT_EQ(f.uc.uc_mcontext.rax, r.rax);
	EXPECT_EQ(f.uc.uc_mcontext.rcx, r.rcx);
	EXPECT_EQ(f.uc.uc_mcontext.rsp, r.rsp);
	EXPECT_EQ(f.uc.uc_mcontext.rip, r.rip);
	EXPECT_EQ(f.uc.uc_mcontext.eflags, 0x246);
	EXPECT_EQ(f.uc.uc_mcontext.cs, 0x33);
	EXPECT_EQ(f.uc.uc_mcontext.ss, 0x2b);
	EXPECT_EQ(f.uc.uc_mcontext.trapno, 14);
	EXPECT_EQ(f.uc.uc_mcontext.err, 6);
	EXPECT_EQ(f.uc.uc_mcontext.cr2, 0xdead000);
	EXPECT_EQ(f.uc.uc_mcontext.oldmask, 5);
	EXPECT_EQ((uint64_t)f.uc.uc_mcontext.fpstate, 0x7ffefd80);
	EXPECT_EQ(f.uc.uc_sigmask, 5);
	EXPECT_EQ(f.info.si_signo, SIGSEGV);
	EXPECT_EQ(f.info.si_code, SEGV_MAPERR);
	EXPECT_EQ((uint64_t)f.info.si_addr, 0xdead000);
	/* no altstack: the frame says SS_DISABLE, as Linux's */
	sigframe_fill(&f, &r, &info, 0x401000, 0, &no_alt, 0, &fault);
	EXPECT_EQ(f.uc.uc_stack.ss_flags, SS_DISABLE);
}

HTEST(handler_entry_registers)
{
	struct trap_frame r;

	fill_regs(&r);
	r.rflags = 0x246 | 0x400 | 0x100 | 0x10000 | 0x1;	/* DF TF RF CF */
	sigframe_enter_handler(&r, SIGUSR1, 0x7ffefbb8, 0x401234);
	EXPECT_EQ(r.rdi, SIGUSR1);
	EXPECT_EQ(r.rsi, 0x7ffefbb8 + 312);
	EXPECT_EQ(r.rdx, 0x7ffefbb8 + 8);
	EXPECT_EQ(r.rax, 0);
	EXPECT_EQ(r.rsp, 0x7ffefbb8);
	EXPECT_EQ(r.rip, 0x401234);
	EXPECT_EQ(r.cs, 0x33);
	EXPECT_EQ(r.ss, 0x2b);
	EXPECT_EQ(r.rflags, 0x247);
}

HTEST(sigreturn_sanitizes)
{
	struct trap_frame r, before;
	struct sigcontext sc;

	fill_regs(&r);
	memset(&sc, 0, sizeof(sc));
	sc.rip = 0x401000;
	sc.rsp = 0x7ffe0000;
	sc.rax = (uint64_t)-4;
	sc.r11 = 77;
	sc.cs = 0x08;			/* kernel code segment: must not stick */
	sc.ss = 0x10;
	sc.eflags = 0xffffffffffffffffUL;	/* IOPL, VM, NT, IF games */
	EXPECT_EQ(sigframe_restore(&r, &sc), 0);
	EXPECT_EQ(r.rip, 0x401000);
	EXPECT_EQ(r.rsp, 0x7ffe0000);
	EXPECT_EQ(r.rax, (uint64_t)-4);
	EXPECT_EQ(r.r11, 77);
	EXPECT_EQ(r.cs, 0x33);
	EXPECT_EQ(r.ss, 0x2b);
	EXPECT_EQ(r.rflags, SIGFRAME_FIX_EFLAGS | 0x202);
	EXPECT_EQ(r.rflags & 0x3000, 0);	/* IOPL stays 0 */
	EXPECT_EQ(r.rflags & (1UL << 17), 0);	/* no VM */
	sc.eflags = 0;
	EXPECT_EQ(sigframe_restore(&r, &sc), 0);
	EXPECT_EQ(r.rflags, 0x202);
	/* non-canonical rip or rsp: refused, registers untouched */
	before = r;
	sc.rip = 0x0000800000000000UL;
	EXPECT_EQ(sigframe_restore(&r, &sc), -EFAULT);
	EXPECT(memcmp(&r, &before, sizeof(r)) == 0);
	sc.rip = 0x401000;
	sc.rsp = 0x8000000000000000UL;
	EXPECT_EQ(sigframe_restore(&r, &sc), -EFAULT);
	EXPECT(sigframe_canonical(0xffff800000000000UL));
	EXPECT(!sigframe_canonical(0xfff0800000000000UL));
}

HTEST(fpu_helpers)
{
	struct _fpstate_64 fx;

	memset(&fx, 0xaa, sizeof(fx));
	sigframe_fpu_to_user(&fx);
	EXPECT_EQ(fx.sw_reserved.magic1, 0);	/* no FP_XSTATE_MAGIC1: plain FXSAVE */
	EXPECT_EQ(fx.sw_reserved.extended_size, 0);
	EXPECT_EQ(fx.cwd, 0xaaaa);		/* the registers stay */

	fx.mxcsr = 0xffffffff;
	fx.mxcsr_mask = 0;
	EXPECT_EQ(sigframe_fpu_mxcsr_mask(&fx), 0xffbf);
	sigframe_fpu_from_user(&fx, sigframe_fpu_mxcsr_mask(&fx));
	EXPECT_EQ(fx.mxcsr, 0xffbf);
	fx.mxcsr_mask = 0xffff;
	EXPECT_EQ(sigframe_fpu_mxcsr_mask(&fx), 0xffff);

	/* x87: unmasked exceptions are status bits whose mask bit is clear */
	fx.cwd = 0x037f & ~0x4;		/* zero-divide unmasked */
	fx.swd = 0x0004 | 0x0020;
	EXPECT_EQ(sigframe_fpu_exception_code(&fx, VEC_MF), FPE_FLTDIV);
	fx.cwd = 0x037f;
	EXPECT_EQ(sigframe_fpu_exception_code(&fx, VEC_MF), 0);	/* spurious */
	fx.cwd = 0x0300;
	fx.swd = 0x0001 | 0x0004;
	EXPECT_EQ(sigframe_fpu_exception_code(&fx, VEC_MF), FPE_FLTINV);
	/* SSE: flags in bits 0-5, masks in 7-12 */
	fx.mxcsr = 0x1f80 & ~(0x08 << 7);	/* overflow unmasked */
	fx.mxcsr |= 0x08 | 0x20;
	EXPECT_EQ(sigframe_fpu_exception_code(&fx, VEC_XM), FPE_FLTOVF);
	fx.mxcsr = 0x1f80 & ~(0x10 << 7);
	fx.mxcsr |= 0x10;
	EXPECT_EQ(sigframe_fpu_exception_code(&fx, VEC_XM), FPE_FLTUND);
	fx.mxcsr = 0x1f80 | 0x3f;
	EXPECT_EQ(sigframe_fpu_exception_code(&fx, VEC_XM), 0);
	fx.mxcsr = 0x1f80 & ~(0x20 << 7);
	fx.mxcsr |= 0x20;
	EXPECT_EQ(sigframe_fpu_exception_code(&fx, VEC_XM), FPE_FLTRES);
}

HTEST_MAIN()
