/*
 * The system-call table. Each handler is declared where it is implemented
 * with SYSCALL_DEFINE(name, nr), which puts an entry in the .syscalls
 * section; the dispatcher builds its table from those at boot, so no file
 * lists every call. Numbers are Linux's (asm/unistd_64.h). A handler takes
 * the six argument registers as uint64_t and returns a value or -errno.
 * The user's registers are current->user_frame (fork, execve, sigreturn).
 */
#ifndef FERRITE_SYSCALL_H
#define FERRITE_SYSCALL_H

#include <ferrite/compiler.h>
#include <asm/unistd_64.h>

typedef long (*syscall_fn)(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
			   uint64_t a4, uint64_t a5);

struct syscall_entry {
	unsigned int nr;
	const char *name;
	syscall_fn fn;
};

/*
 * SYSCALL_DEFINE(read, __NR_read, int fd, char *buf, size_t len) { ... }
 * defines sys_read with its real parameter types (SysV passes them in the
 * same registers; narrower ones see the low bits, as on Linux) and files it
 * under its number. No arguments: SYSCALL_DEFINE(getpid, __NR_getpid, void).
 */
#define SYSCALL_DEFINE(sname, snr, ...)					      \
	static long sys_##sname(__VA_ARGS__);				      \
	static const struct syscall_entry __syscall_##sname		      \
		__used __section(".syscalls") __aligned(8) =		      \
		{ (snr), #sname, (syscall_fn)(void *)sys_##sname };	      \
	static long sys_##sname(__VA_ARGS__)

/* Build the table from .syscalls (boot, once); duplicate numbers panic. */
void syscall_init(void);
/* Set up the syscall MSRs on the running CPU. */
void arch_syscall_init_cpu(void);

#endif
