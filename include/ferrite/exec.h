/*
 * Program execution: execve(2), execveat(2) and the kernel's own exec of
 * /init, as Linux's fs/exec.c, fs/binfmt_elf.c and fs/binfmt_script.c do
 * them. Static ELF64 x86_64 programs (ET_EXEC and static-PIE ET_DYN) and
 * "#!" scripts; programs with PT_INTERP are refused for now (-ENOEXEC).
 *
 * The ELF side is split in two: the pure part (header and program-header
 * checks, the load plan, the initial-stack layout; no I/O, no allocation,
 * host-tested) and exec proper, which reads the file, builds the new address
 * space and switches the process over to it.
 *
 * Address-space layout (ASLR is off for now, so it is Linux's layout under
 * "setarch -R"): stack top at EXEC_STACK_TOP, mmap region below the stack
 * gap, ET_EXEC at its link addresses, static-PIE at the top of the mmap
 * region, brk after the image (ET_EXEC) or at ELF_ET_DYN_BASE (static-PIE).
 */
#ifndef FERRITE_EXEC_H
#define FERRITE_EXEC_H

#include <ferrite/compiler.h>
#include <arch/memlayout.h>
#include <linux/elf.h>

/* Linux's TASK_SIZE_MAX with 4-level paging: the end of the user half less a guard page. */
#define EXEC_TASK_SIZE		0x00007ffffffff000UL
#define EXEC_STACK_TOP		EXEC_TASK_SIZE
/* Linux's x86_64 ELF_ET_DYN_BASE: 2/3 of the (default-window) task size. */
#define ELF_ET_DYN_BASE		(EXEC_TASK_SIZE / 3 * 2)

/* Limits of fs/exec.c and include/uapi/linux/binfmts.h. */
#define BINPRM_BUF_SIZE		256			/* bytes read for format detection */
#define MAX_ARG_STRLEN		(32 * PAGE_SIZE)	/* one string, NUL included */
#define MAX_ARG_STRINGS		0x7fffffff
#define EXEC_ARG_MAX		(32 * PAGE_SIZE)	/* strings allowed even with tiny stacks */
#define EXEC_STK_LIM		(8UL << 20)		/* _STK_LIM, the default stack rlimit */
#define EXEC_STACK_EXPAND	(128UL << 10)		/* room setup_arg_pages adds below the strings */
#define EXEC_STACK_GUARD_GAP	(256 * PAGE_SIZE)	/* stack_guard_gap */
#define EXEC_MMAP_GAP_MIN	(128UL << 20)		/* least gap between mmap_base and the stack */
/* binfmt rewrites (scripts) allowed: Linux's exec_binprm gives up when depth > 5. */
#define EXEC_MAX_DEPTH		5
/*
 * AT_MINSIGSTKSZ: Linux sends the size its signal frame needs; with the
 * 512-byte FXSAVE state ours fits in the classic MINSIGSTKSZ.
 */
#define EXEC_MINSIGSTKSZ	2048
/* AT_PLATFORM, what uname -m says. */
#define EXEC_PLATFORM		"x86_64"

/* What the header and program headers say, before anything is mapped. */
struct elf_info {
	Elf64_Ehdr eh;
	uint64_t phdrs_size;		/* bytes of program headers at eh.e_phoff */
	bool interp;			/* has PT_INTERP: needs a dynamic loader */
	bool exec_stack;		/* PT_GNU_STACK asks for PF_X */
};

/* Where the image goes: every address here has the load bias added. */
struct elf_plan {
	uint64_t bias;			/* 0 for ET_EXEC */
	uint64_t entry;			/* AT_ENTRY and the first rip */
	uint64_t phdr_addr;		/* AT_PHDR: program headers in memory, or 0 */
	uint64_t brk;			/* brk_start: page aligned */
	uint64_t start, end;		/* page-aligned extent of all PT_LOADs */
};

/* One PT_LOAD, as it is mapped (fs/binfmt_elf.c elf_load). */
struct elf_segment {
	uint64_t start;			/* first page */
	uint64_t file_end;		/* end of the file-backed pages (== start: none) */
	uint64_t file_off;		/* file offset of @start (page aligned) */
	uint64_t zero_start;		/* bytes from here to the page end are zeroed (0: none) */
	uint64_t bss_end;		/* end of the anonymous pages after file_end (<= file_end: none) */
	uint32_t pflags;		/* PF_R | PF_W | PF_X */
};

/*
 * Check the ELF header in @buf (@len bytes, zero padded as exec reads it)
 * for an x86_64 executable of a @file_size-byte file and fill @info from
 * it. 0 or -ENOEXEC (what Linux returns before its point of no return).
 */
int elf_check_header(const void *buf, size_t len, uint64_t file_size, struct elf_info *info);
/* Scan the program headers @ph (info->eh.e_phnum of them) for PT_INTERP and PT_GNU_STACK. */
void elf_scan_phdrs(struct elf_info *info, const Elf64_Phdr *ph);
/*
 * Work out where the PT_LOAD segments go in a space whose mmap region ends
 * at @mmap_base. 0, -EINVAL (no PT_LOAD, p_vaddr and p_offset not congruent
 * modulo the page size, p_filesz > p_memsz, entry outside the user half),
 * -ENOMEM (a segment outside the user half or wrapping) or -EOVERFLOW (a
 * file range past the largest file size). Linux meets all of these after
 * its point of no return: the caller kills the process. Data past the end
 * of the file is accepted, as Linux does (touching it raises SIGBUS).
 */
int elf_plan_load(const struct elf_info *info, const Elf64_Phdr *ph, uint64_t mmap_base,
		  struct elf_plan *plan);
/* The mapping of one PT_LOAD @ph (already checked by elf_plan_load) with load bias @bias. */
void elf_segment_layout(const Elf64_Phdr *ph, uint64_t bias, struct elf_segment *seg);

/* Where create_elf_tables puts things under the argument strings. */
struct elf_stack_layout {
	uint64_t platform;		/* AT_PLATFORM string */
	uint64_t random;		/* AT_RANDOM: 16 bytes */
	uint64_t sp;			/* rsp at entry: argc, 16-byte aligned */
	uint64_t argv, envp, auxv;	/* the three arrays, each after the other */
};

/*
 * Lay out the initial stack below @arg_start (the lowest argument string)
 * for @argc and @envc pointers and @nr_aux auxv pairs (AT_NULL included),
 * with a @platform_len-byte platform string (NUL included).
 */
void elf_stack_layout(uint64_t arg_start, uint64_t argc, uint64_t envc, unsigned int nr_aux,
		      size_t platform_len, struct elf_stack_layout *l);

/*
 * Parse the "#!" line of a script in @buf (@size bytes read from the file,
 * zero padded past its end) as Linux's binfmt_script does. On success the
 * interpreter path and the optional argument (everything after the first
 * run of blanks, trailing blanks stripped; NULL if none) are NUL-terminated
 * in place in @buf. -ENOEXEC: not a script, no interpreter, or a path that
 * may have been cut by the buffer's end.
 */
int exec_parse_script(char *buf, size_t size, const char **interp, const char **arg);

/* The mmap_base Linux picks below a stack with rlimit @rlim_stack (no randomization). */
uint64_t exec_mmap_base(uint64_t rlim_stack);
/* The space the argument strings may use under stack rlimit @rlim_stack (bprm_stack_limits). */
uint64_t exec_arg_limit(uint64_t rlim_stack);
/*
 * Start of the initial stack area (setup_arg_pages): @strings_start is the
 * lowest argument string, @sp the final stack pointer.
 */
uint64_t exec_stack_start(uint64_t strings_start, uint64_t sp, uint64_t rlim_stack);

/*
 * Run @path from a kernel thread (the first user program): @argv and @envp
 * are NULL-terminated arrays of kernel strings. On success returns 0 with
 * current's address space, registers (current->user_frame) and process
 * state replaced; the caller then returns to user space through the frame.
 * On failure returns -errno and nothing has changed. The task must have an
 * FPU area and a user frame.
 */
int exec_kernel(const char *path, const char *const argv[], const char *const envp[]);

#endif
