/*
 * execve(2), execveat(2) and exec_kernel (the first program): replace the
 * calling process's program, as Linux's fs/exec.c, fs/binfmt_elf.c and
 * fs/binfmt_script.c do.
 *
 * The new image is built in a fresh address space that nothing else can
 * see (Linux's bprm->mm): the argument strings go straight onto its stack,
 * "#!" lines rewrite them, then the ELF segments are mapped and the tables
 * of the initial stack written. Only then does exec_commit switch the
 * process over, and that step cannot fail. Errors found before the mapping
 * starts are returned with the caller untouched (ENOENT, EACCES, ENOTDIR,
 * ELOOP, ENAMETOOLONG, E2BIG, EFAULT, ENOEXEC, ENOMEM; EBADF and EINVAL
 * from execveat). Errors Linux meets
 * only after its point of no return (a segment it cannot map: EINVAL,
 * ENOMEM, EOVERFLOW) kill the caller with SIGSEGV, as Linux's
 * force_fatal_sig(SIGSEGV) does, so a parent sees the same wait status.
 *
 * Not done yet (refused or ignored, never faked): programs with PT_INTERP
 * (-ENOEXEC and a log line); set-user-ID and set-group-ID bits (ignored:
 * the program runs with the caller's ids, AT_SECURE 0); randomization (the
 * layout is Linux's under "setarch -R"); killing the other threads of a
 * multi-threaded caller; ETXTBSY; a vDSO (no AT_SYSINFO_EHDR); resetting a
 * user GS base set through arch_prctl.
 *
 * Files are found with the VFS's path walk (fs.h: path_lookup_at,
 * vfs_open_path) so that exec checks the file type before opening, as
 * do_open_execat does: a FIFO or a device is never opened.
 */
#include <ferrite/errno.h>
#include <ferrite/exec.h>
#include <ferrite/fs.h>
#include <ferrite/printk.h>
#include <ferrite/proc.h>
#include <ferrite/random.h>
#include <ferrite/sched.h>
#include <ferrite/signal.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include <ferrite/uaccess.h>
#include <ferrite/vfs.h>
#include <ferrite/vm.h>
#include <linux/auxvec.h>
#include <linux/limits.h>
#include <arch/cpu.h>
#include <arch/cpufeature.h>
#include <arch/percpu.h>
#include <arch/task.h>

#define EXEC_AUX_MAX	24		/* auxv pairs we have room for, AT_NULL included */
#define EXEC_CLK_TCK	100		/* AT_CLKTCK: USER_HZ */
#define EXEC_FDPATH_MAX	(PATH_MAX + 32)	/* "/dev/fd/N/" and a path */
#define EXEC_RFLAGS	(RFLAGS_IF | 0x2)	/* bit 1 always reads as 1 */

BUILD_BUG_ON(EXEC_TASK_SIZE != USER_ADDR_END);

/* argv or envp as the caller passed it. */
struct exec_strv {
	const void *array;	/* NULL-terminated array of string pointers; NULL: empty */
	bool kernel;		/* the array and its strings are kernel memory */
};

/*
 * One exec in progress (Linux's struct linux_binprm). Only the exec'ing
 * task sees it; the new space is unreachable by anyone else until
 * exec_commit, so its [V] fields are written without its lock.
 */
struct binprm {
	struct vm_space *vm;		/* the new space: ours alone until exec_commit */
	struct files *files;		/* a private copy of the descriptor table */
	struct file *file;		/* the file examined now: referenced */
	char *filename;			/* kmalloc'd: the name as given (AT_EXECFN) */
	const char *interp;		/* name a "#!" pushes: filename, then each interpreter */
	bool path_inaccessible;		/* filename names an O_CLOEXEC descriptor */
	bool fdpath;			/* filename is made up ("/dev/fd/N...") */
	char *wbuf, *rbuf;		/* a page each, one allocation */
	uint64_t rwin, rwin_len;	/* rbuf holds [rwin, rwin + rwin_len) of the new stack */
	uint64_t file_size;
	uint64_t rlim_stack;		/* RLIMIT_STACK soft limit */
	uint64_t stack_map;		/* bottom of the stack area as first mapped */
	uint64_t p;			/* lowest argument-string byte so far */
	uint64_t argmin;		/* p may not go below (bprm_stack_limits) */
	uint64_t exec_fn;		/* AT_EXECFN: where filename went */
	uint64_t argc, envc;
	uint64_t sp;			/* rsp at entry */
	Elf64_Phdr *phdrs;		/* kmalloc'd */
	struct elf_info elf;
	struct elf_plan plan;
	uint64_t aux[2 * EXEC_AUX_MAX];
	char interp_buf[BINPRM_BUF_SIZE];
	char buf[BINPRM_BUF_SIZE];	/* the file's first bytes, zero padded */
};

/* ------------------------------------------------------------------------ */
/* Argument strings                                                         */

/* String @i of @v into *@s (NULL at the end). 0 or -EFAULT. */
static int exec_strv_get(const struct exec_strv *v, uint64_t i, const char **s)
{
	uint64_t up;

	if (v->kernel) {
		*s = ((const char *const *)v->array)[i];
		return 0;
	}
	if (copy_from_user(&up, (const uint64_t *)v->array + i, sizeof(up)))
		return -EFAULT;
	*s = (const char *)up;
	return 0;
}

/*
 * Count the strings of @v (Linux's count()): -EFAULT on a bad pointer,
 * -E2BIG past MAX_ARG_STRINGS or past @max (more than the stack could hold
 * pointers for: bprm_stack_limits would refuse them anyway).
 */
static int exec_strv_count(const struct exec_strv *v, uint64_t max, uint64_t *count)
{
	const char *s;
	int err;

	*count = 0;
	if (!v->array)
		return 0;
	for (;;) {
		err = exec_strv_get(v, *count, &s);
		if (err)
			return err;
		if (!s)
			return 0;
		if (*count >= MAX_ARG_STRINGS || *count >= max)
			return -E2BIG;
		(*count)++;
	}
}

/* Copy @len bytes from @src (kernel or user) to @dst in the new space; the last becomes NUL. */
static int exec_copy_in(struct binprm *b, uint64_t dst, const char *src, size_t len, bool kernel)
{
	b->rwin_len = 0;	/* what rbuf caches may be overwritten */
	for (size_t off = 0; off < len;) {
		size_t n = MIN(len - off, PAGE_SIZE);

		if (kernel)
			memcpy(b->wbuf, src + off, n);
		else if (copy_from_user(b->wbuf, src + off, n))
			return -EFAULT;
		if (off + n == len)
			b->wbuf[n - 1] = '\0';	/* the string may have changed under us */
		if (vm_write_remote(b->vm, dst + off, b->wbuf, n))
			return -ENOMEM;
		off += n;
	}
	return 0;
}

/* Push the string @src below the others (copy_strings, copy_string_kernel). */
static int exec_push_string(struct binprm *b, const char *src, bool kernel)
{
	long len;

	if (kernel)
		len = strnlen(src, MAX_ARG_STRLEN) + 1;
	else
		len = strnlen_user(src, MAX_ARG_STRLEN);
	if (len <= 0)
		return -EFAULT;
	if (len > (long)MAX_ARG_STRLEN || b->p - b->argmin < (uint64_t)len)
		return -E2BIG;
	b->p -= len;
	return exec_copy_in(b, b->p, src, len, kernel);
}

/* Push the @count strings of @v, last first, so that they end up in order. */
static int exec_push_strv(struct binprm *b, const struct exec_strv *v, uint64_t count)
{
	while (count--) {
		const char *s;
		int err = exec_strv_get(v, count, &s);

		if (!err)
			err = exec_push_string(b, s, v->kernel);
		if (err)
			return err;
	}
	return 0;
}

/* Advance *@a past the NUL of the string there (strings of the new stack, read through rbuf). */
static int exec_skip_string(struct binprm *b, uint64_t *a)
{
	for (;;) {
		const char *s, *nul;

		if (*a < b->rwin || *a >= b->rwin + b->rwin_len) {
			size_t n = MIN(PAGE_SIZE - (*a & (PAGE_SIZE - 1)), EXEC_STACK_TOP - *a);

			if (!n || vm_read_remote(b->vm, *a, b->rbuf, n))
				return -EFAULT;
			b->rwin = *a;
			b->rwin_len = n;
		}
		s = b->rbuf + (*a - b->rwin);
		nul = memchr(s, 0, b->rwin + b->rwin_len - *a);
		if (nul) {
			*a += nul - s + 1;
			return 0;
		}
		*a = b->rwin + b->rwin_len;
	}
}

/*
 * The new space, with the stack area the strings and tables will fill
 * (room for @limit bytes of strings and pointers and a page of tables and
 * slack; exec_finish_stack trims it to Linux's size).
 */
static int exec_new_space(struct binprm *b, uint64_t limit)
{
	uint64_t map_size = ALIGN_UP(limit, PAGE_SIZE) + 2 * PAGE_SIZE;
	long ret;

	b->vm = vm_create();
	if (!b->vm)
		return -ENOMEM;
	b->vm->mmap_base = exec_mmap_base(b->rlim_stack);
	b->vm->stack_top = EXEC_STACK_TOP;
	b->stack_map = EXEC_STACK_TOP - map_size;
	ret = vm_map(b->vm, b->stack_map, map_size,
		     VMA_READ | VMA_WRITE | VMA_GROWSDOWN | VMA_STACK, NULL, 0, VM_MAP_FIXED);
	return ret < 0 ? (int)ret : 0;
}

/*
 * Count the arguments, create the new space and copy the file name, the
 * environment and the arguments onto its stack, as do_execveat_common does.
 */
static int exec_setup_args(struct binprm *b, const struct exec_strv *argv,
			   const struct exec_strv *envp)
{
	uint64_t limit, ptrs;
	int err;

	b->rlim_stack = current_proc->rlim[RLIMIT_STACK].rlim_cur;
	limit = exec_arg_limit(b->rlim_stack);
	err = exec_strv_count(argv, limit / sizeof(uint64_t), &b->argc);
	if (!err)
		err = exec_strv_count(envp, limit / sizeof(uint64_t), &b->envc);
	if (err)
		return err;
	if (!b->argc)
		pr_info_once("exec: %s started %s with an empty argv: \"\" added\n",
			     current_proc->comm, b->filename);
	/* room for the pointers comes off the strings' share (bprm_stack_limits) */
	ptrs = (MAX(b->argc, 1) + b->envc) * sizeof(uint64_t);
	if (limit <= ptrs)
		return -E2BIG;
	err = exec_new_space(b, limit);
	if (err)
		return err;
	b->p = EXEC_STACK_TOP - sizeof(uint64_t);	/* 8 zero bytes at the very top */
	b->argmin = b->p - (limit - ptrs);
	err = exec_push_string(b, b->filename, true);
	if (err)
		return err;
	b->exec_fn = b->p;
	err = exec_push_strv(b, envp, b->envc);
	if (!err)
		err = exec_push_strv(b, argv, b->argc);
	if (!err && !b->argc) {
		/* since Linux 5.18 an empty argv gets "" so argv[1] is never envp[0] */
		err = exec_push_string(b, "", true);
		b->argc = 1;
	}
	return err;
}

/* ------------------------------------------------------------------------ */
/* Files                                                                    */

/*
 * Open @name (at @dfd, LOOKUP_* @lflags) for exec as do_open_execat does:
 * only a regular file that the caller may execute, on a mount without
 * noexec; -EACCES otherwise. Checked before opening, so a FIFO or device
 * is never opened. Returns the file or an ERR_PTR.
 */
static struct file *exec_open(int dfd, const char *name, unsigned int lflags)
{
	struct path path;
	struct file *f;
	unsigned int mode;
	int err;

	err = path_lookup_at(dfd, name, lflags, &path);
	if (err)
		return ERR_PTR(err);
	mode = path.dentry->inode->mode;
	if (S_ISLNK(mode))
		f = ERR_PTR(-ELOOP);	/* AT_SYMLINK_NOFOLLOW met a symlink */
	else if (!S_ISREG(mode))
		f = ERR_PTR(-EACCES);
	else
		f = vfs_open_path(&path, O_RDONLY | O_EXEC_OPEN);
	path_put(&path);
	if (IS_ERR(f))
		return f;
	err = vfs_exec_check(f);
	if (err) {
		file_put(f);
		return ERR_PTR(err);
	}
	return f;
}

/* Read the first BINPRM_BUF_SIZE bytes of b->file (zero padded) and its size. */
static int exec_read_head(struct binprm *b)
{
	struct stat st;
	long n;
	int err;

	memset(b->buf, 0, sizeof(b->buf));
	n = kernel_read(b->file, b->buf, sizeof(b->buf), 0);
	if (n < 0)
		return (int)n;
	err = vfs_getattr(b->file, &st);
	if (err)
		return err;
	b->file_size = st.st_size;
	return 0;
}

/*
 * A "#!" script (load_script): argv[0] gives way to the interpreter, its
 * optional argument and the script's name, and b->file becomes the
 * interpreter. -ENOEXEC if b->buf is not a script.
 */
static int exec_load_script(struct binprm *b)
{
	const char *name, *arg;
	struct file *f;
	int err;

	err = exec_parse_script(b->buf, sizeof(b->buf), &name, &arg);
	if (err)
		return err;
	if (b->path_inaccessible)
		return -ENOENT;	/* the interpreter could not open /dev/fd/N after exec */
	/* remove_arg_zero: there is always one (exec pushes "" for an empty argv) */
	err = exec_skip_string(b, &b->p);
	if (err)
		return err;
	b->argc--;
	err = exec_push_string(b, b->interp, true);
	if (!err && arg)
		err = exec_push_string(b, arg, true);
	if (!err)
		err = exec_push_string(b, name, true);
	if (err)
		return err;
	b->argc += arg ? 3 : 2;
	strscpy(b->interp_buf, name, sizeof(b->interp_buf));
	b->interp = b->interp_buf;
	/* "" is the current directory to Linux here: -EACCES, as it reports */
	f = exec_open(AT_FDCWD, b->interp, LOOKUP_FOLLOW | LOOKUP_EMPTY);
	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	file_put(b->file);
	b->file = f;
	return 0;
}

/*
 * A program that needs a dynamic loader: as Linux, a missing or unreadable
 * interpreter gives that error (ENOENT, EACCES, ...); an interpreter that
 * exists is refused with ENOEXEC because loading it is not done yet.
 */
static int exec_refuse_interp(struct binprm *b)
{
	const Elf64_Phdr *ph = b->phdrs;
	char *path;
	struct file *f;
	int err = -ENOEXEC;

	for (int i = 0; i < b->elf.eh.e_phnum; i++, ph++) {
		if (ph->p_type != PT_INTERP)
			continue;
		if (ph->p_filesz > PATH_MAX || ph->p_filesz < 2)
			return -ENOEXEC;
		path = kmalloc(ph->p_filesz);
		if (!path)
			return -ENOMEM;
		if (kernel_read(b->file, path, ph->p_filesz, ph->p_offset) != (long)ph->p_filesz ||
		    path[ph->p_filesz - 1]) {
			kfree(path);
			return -ENOEXEC;
		}
		f = vfs_open(path, O_RDONLY, 0);
		if (IS_ERR(f)) {
			err = PTR_ERR(f);
		} else {
			file_put(f);
			pr_info_once("exec: %s: dynamic executables (interpreter %s) not supported yet\n",
				     b->filename, path);
		}
		kfree(path);
		break;
	}
	return err;
}

/* The ELF checks Linux makes before its point of no return; 0 or -errno. */
static int exec_check_elf(struct binprm *b)
{
	uint64_t size;
	long n;
	int err;

	err = elf_check_header(b->buf, sizeof(b->buf), b->file_size, &b->elf);
	if (err)
		return err;
	if (!file_can_mmap(b->file))
		return -ENOEXEC;
	size = b->elf.phdrs_size;
	b->phdrs = kmalloc(size);
	if (!b->phdrs)
		return -ENOMEM;
	n = kernel_read(b->file, b->phdrs, size, b->elf.eh.e_phoff);
	if (n != (long)size)
		return -ENOEXEC;	/* load_elf_phdrs failing */
	elf_scan_phdrs(&b->elf, b->phdrs);
	if (b->elf.interp)
		return exec_refuse_interp(b);
	return 0;
}

/* Find the program to run, through up to EXEC_MAX_DEPTH scripts (exec_binprm). */
static int exec_find_binary(struct binprm *b)
{
	int err;

	for (int depth = 0;; depth++) {
		if (depth > EXEC_MAX_DEPTH)
			return -ELOOP;
		err = exec_read_head(b);
		if (err)
			return err;
		err = exec_load_script(b);
		if (err != -ENOEXEC) {
			if (err)
				return err;
			continue;
		}
		return exec_check_elf(b);
	}
}

/* ------------------------------------------------------------------------ */
/* The new image                                                            */

static unsigned int exec_prot(uint32_t pflags)
{
	return ((pflags & PF_R) ? VMA_READ : 0) | ((pflags & PF_W) ? VMA_WRITE : 0) |
	       ((pflags & PF_X) ? VMA_EXEC : 0);
}

/* Map one PT_LOAD as elf_load does: file pages, zeroed tail, anonymous bss. */
static int exec_map_segment(struct binprm *b, const Elf64_Phdr *ph)
{
	struct elf_segment s;
	unsigned int prot = exec_prot(ph->p_flags);
	long ret;

	elf_segment_layout(ph, b->plan.bias, &s);
	if (s.file_end > s.start) {
		ret = vm_map(b->vm, s.start, s.file_end - s.start, prot, b->file, s.file_off, VM_MAP_FIXED);
		if (ret < 0)
			return (int)ret;
	}
	if (s.zero_start) {
		/*
		 * A private copy of the last file page, its tail cleared. It
		 * fails only if that page lies past the end of the file, which
		 * Linux's padzero ignores unless the segment is writable.
		 */
		memset(b->wbuf, 0, PAGE_SIZE);
		if (vm_write_remote(b->vm, s.zero_start, b->wbuf,
				    ALIGN_UP(s.zero_start, PAGE_SIZE) - s.zero_start) &&
		    (prot & VMA_WRITE))
			return -EFAULT;
	}
	if (s.bss_end > s.file_end) {
		/* vm_brk_flags: bss is readable and writable whatever the segment says */
		ret = vm_map(b->vm, s.file_end, s.bss_end - s.file_end,
			     VMA_READ | VMA_WRITE | (prot & VMA_EXEC), NULL, 0, VM_MAP_FIXED);
		if (ret < 0)
			return (int)ret;
	}
	return 0;
}

/* Fill b->aux (create_elf_tables' order); returns the number of pairs, AT_NULL included. */
static unsigned int exec_fill_auxv(struct binprm *b, uint64_t random, uint64_t platform)
{
	const struct process *p = current_proc;
	const uint64_t v[][2] = {
		{ AT_MINSIGSTKSZ, EXEC_MINSIGSTKSZ },
		{ AT_HWCAP, cpu_features.leaf1_edx },
		{ AT_PAGESZ, PAGE_SIZE },
		{ AT_CLKTCK, EXEC_CLK_TCK },
		{ AT_PHDR, b->plan.phdr_addr },
		{ AT_PHENT, sizeof(Elf64_Phdr) },
		{ AT_PHNUM, b->elf.eh.e_phnum },
		{ AT_BASE, 0 },
		{ AT_FLAGS, 0 },
		{ AT_ENTRY, b->plan.entry },
		{ AT_UID, (uint64_t)p->uid },
		{ AT_EUID, (uint64_t)p->euid },
		{ AT_GID, (uint64_t)p->gid },
		{ AT_EGID, (uint64_t)p->egid },
		{ AT_SECURE, 0 },
		{ AT_RANDOM, random },
		{ AT_HWCAP2, 0 },
		{ AT_EXECFN, b->exec_fn },
		{ AT_PLATFORM, platform },
		{ AT_NULL, 0 },
	};

	BUILD_BUG_ON(ARRAY_SIZE(v) > EXEC_AUX_MAX);
	memcpy(b->aux, v, sizeof(v));
	return ARRAY_SIZE(v);
}

/* Buffered writes of 8-byte words upward from an address of the new space. */
struct exec_writer {
	struct binprm *b;
	uint64_t addr;		/* where wbuf goes */
	size_t fill;
	int err;
};

static void exec_put(struct exec_writer *w, uint64_t v)
{
	if (w->fill == PAGE_SIZE) {
		if (!w->err && vm_write_remote(w->b->vm, w->addr, w->b->wbuf, w->fill))
			w->err = -EFAULT;
		w->addr += w->fill;
		w->fill = 0;
	}
	memcpy(w->b->wbuf + w->fill, &v, sizeof(v));
	w->fill += sizeof(v);
}

static int exec_flush(struct exec_writer *w)
{
	if (!w->err && w->fill && vm_write_remote(w->b->vm, w->addr, w->b->wbuf, w->fill))
		w->err = -EFAULT;
	return w->err;
}

/* Pointers to the @count strings from *@a on, then NULL; *@a ends past them. */
static int exec_put_ptrs(struct exec_writer *w, uint64_t *a, uint64_t count)
{
	for (uint64_t i = 0; i < count; i++) {
		int err;

		exec_put(w, *a);
		err = exec_skip_string(w->b, a);
		if (err)
			return err;
	}
	exec_put(w, 0);
	return 0;
}

/*
 * The initial stack under the strings (create_elf_tables): "x86_64", 16
 * random bytes, then from the 16-aligned rsp argc, argv[], NULL, envp[],
 * NULL and the auxiliary vector. Also sets the /proc cmdline bounds.
 */
static int exec_create_tables(struct binprm *b)
{
	struct exec_writer w = { b, 0, 0, 0 };
	struct elf_stack_layout l;
	uint8_t rnd[16];
	uint64_t a = b->p;
	unsigned int nr_aux;
	int err;

	/* where the platform string and random bytes go does not depend on nr_aux */
	elf_stack_layout(b->p, b->argc, b->envc, 0, sizeof(EXEC_PLATFORM), &l);
	nr_aux = exec_fill_auxv(b, l.random, l.platform);
	elf_stack_layout(b->p, b->argc, b->envc, nr_aux, sizeof(EXEC_PLATFORM), &l);
	random_get_bytes(rnd, sizeof(rnd));
	if (vm_write_remote(b->vm, l.platform, EXEC_PLATFORM, sizeof(EXEC_PLATFORM)) ||
	    vm_write_remote(b->vm, l.random, rnd, sizeof(rnd)))
		return -EFAULT;
	w.addr = l.sp;
	exec_put(&w, b->argc);
	err = exec_put_ptrs(&w, &a, b->argc);
	b->vm->arg_start = b->p;
	b->vm->arg_end = b->vm->env_start = a;
	if (!err)
		err = exec_put_ptrs(&w, &a, b->envc);
	b->vm->env_end = a;
	for (unsigned int i = 0; i < 2 * nr_aux; i++)
		exec_put(&w, b->aux[i]);
	b->sp = l.sp;
	return err ? err : exec_flush(&w);
}

/* Cut the stack area down to what setup_arg_pages leaves; make it executable if asked. */
static int exec_finish_stack(struct binprm *b)
{
	uint64_t start = exec_stack_start(b->p, b->sp, b->rlim_stack);
	int err;

	if (start > b->stack_map) {
		err = vm_unmap(b->vm, b->stack_map, start - b->stack_map);
		if (err)
			return err;
	}
	start = MAX(start, b->stack_map);
	if (b->elf.exec_stack)
		return vm_protect(b->vm, start, EXEC_STACK_TOP - start,
				  VMA_READ | VMA_WRITE | VMA_EXEC);
	return 0;
}

/*
 * Map the program and finish the stack. The errors here are those Linux
 * meets after its point of no return.
 */
static int exec_build_image(struct binprm *b)
{
	struct vm_space *vm = b->vm;
	int err;

	err = elf_plan_load(&b->elf, b->phdrs, vm->mmap_base, &b->plan);
	for (unsigned int i = 0; !err && i < b->elf.eh.e_phnum; i++)
		if (b->phdrs[i].p_type == PT_LOAD)
			err = exec_map_segment(b, &b->phdrs[i]);
	if (err)
		return err;
	vm->brk_start = vm->brk = b->plan.brk;
	err = exec_create_tables(b);
	if (!err)
		err = exec_finish_stack(b);
	return err;
}

/* ------------------------------------------------------------------------ */
/* The point of no return                                                   */

/* A fresh FPU/SSE state and no TLS, in the registers and in the task. */
static void exec_reset_cpu(struct task *t)
{
	unsigned long irq = arch_irq_save();

	arch_fpu_init_state(t->fpu);
	arch_fpu_restore(t->fpu);
	t->fs_base = 0;
	arch_set_fs_base(0);
	arch_irq_restore(irq);
}

/* Registers at the entry point: all zero (ELF_PLAT_INIT) but rip, rsp, rflags, cs, ss. */
static void exec_set_frame(struct trap_frame *f, uint64_t entry, uint64_t sp)
{
	uint64_t vector = f->vector, error = f->error;

	memset(f, 0, sizeof(*f));
	f->vector = vector;	/* how the kernel was entered: the way out depends on it */
	f->error = error;
	f->rip = entry;
	f->rsp = sp;
	f->rflags = EXEC_RFLAGS;
	f->cs = GDT_USER_CS;
	f->ss = GDT_USER_DS;
}

/* The new program's name for comm: the file name's last part, or the file's own for /dev/fd. */
static void exec_set_comm(struct binprm *b, struct process *p)
{
	const char *name = b->filename, *slash;

	if (b->fdpath) {
		/* file_path writes into the page we no longer need */
		name = file_path(b->file, b->wbuf, PAGE_SIZE);
		if (IS_ERR_OR_NULL(name))
			name = b->filename;
	}
	slash = strrchr(name, '/');
	strscpy(p->comm, slash ? slash + 1 : name, sizeof(p->comm));
}

/*
 * Switch the current process to the image in @b (begin_new_exec,
 * setup_new_exec, start_thread). Cannot fail. Other threads of the
 * process, if there were any, would keep running the old image: killing
 * them (de_thread) comes with threads.
 */
static void exec_commit(struct binprm *b)
{
	struct task *t = current;
	struct process *p = t->proc;
	struct vm_space *old = p->vm;
	unsigned long irq;

	if (READ_ONCE(p->nr_tasks) > 1)
		pr_info_once("exec: %s[%d] has other threads: they are not stopped yet\n",
			     p->comm, p->pid);
	t->vm = b->vm;
	p->vm = b->vm;
	vm_activate(b->vm);
	b->vm = NULL;
	process_vfork_release(t);
	if (old)
		vm_put(old);
	t->clear_child_tid = 0;
	if (b->files) {
		/* a table shared through CLONE_FILES stays with the others (unshare_files) */
		struct files *old_files = p->files;

		p->files = b->files;
		b->files = NULL;
		files_put(old_files);
		files_close_on_exec(p->files);
	}
	signal_exec();
	exec_set_comm(b, p);
	irq = spin_lock_irqsave(&process_tree_lock);
	p->did_exec = true;
	spin_unlock_irqrestore(&process_tree_lock, irq);
	exec_reset_cpu(t);
	exec_set_frame(t->user_frame, b->plan.entry, b->sp);
}

/* ------------------------------------------------------------------------ */
/* Entry points                                                             */

static void exec_free(struct binprm *b)
{
	if (b->vm)
		vm_put(b->vm);
	if (b->files)
		files_put(b->files);
	if (b->file)
		file_put(b->file);
	kfree(b->filename);
	kfree(b->wbuf);
	kfree(b->phdrs);
	kfree(b);
}

/*
 * The common exec: @b has its file and filename. Returns 0 (switched),
 * or -errno with *@fatal set when Linux would already have passed its
 * point of no return.
 */
static int exec_run(struct binprm *b, const struct exec_strv *argv, const struct exec_strv *envp,
		    bool *fatal)
{
	int err;

	*fatal = false;
	if (!current->fpu || !current->user_frame) {
		pr_err("exec: task %d has no FPU area or user frame\n", current->tid);
		return -EINVAL;
	}
	b->wbuf = kmalloc(2 * PAGE_SIZE);
	if (!b->wbuf)
		return -ENOMEM;
	b->rbuf = b->wbuf + PAGE_SIZE;
	b->interp = b->filename;
	err = exec_setup_args(b, argv, envp);
	if (!err)
		err = exec_find_binary(b);
	if (err)
		return err;
	err = exec_build_image(b);
	if (err) {
		*fatal = true;
		return err;
	}
	if (current_proc->files) {
		b->files = files_dup(current_proc->files);
		if (!b->files)
			return -ENOMEM;
	}
	exec_commit(b);
	return 0;
}

/* The name execveat gives the program (alloc_bprm): "/dev/fd/N[/name]" for a relative @dfd. */
static int exec_make_filename(struct binprm *b, int dfd, const char *name)
{
	int cloexec;

	b->filename = kmalloc(EXEC_FDPATH_MAX);
	if (!b->filename)
		return -ENOMEM;
	if (dfd == AT_FDCWD || name[0] == '/') {
		strscpy(b->filename, name, EXEC_FDPATH_MAX);
		return 0;
	}
	if (name[0])
		snprintf(b->filename, EXEC_FDPATH_MAX, "/dev/fd/%d/%s", dfd, name);
	else
		snprintf(b->filename, EXEC_FDPATH_MAX, "/dev/fd/%d", dfd);
	b->fdpath = true;
	cloexec = fd_get_cloexec(dfd);
	b->path_inaccessible = cloexec > 0;
	return 0;
}

/* execveat with a path already in kernel memory; @flags AT_*. */
static int exec_at(int dfd, const char *name, int flags, const struct exec_strv *argv,
		   const struct exec_strv *envp, bool *fatal)
{
	unsigned int lflags = LOOKUP_FOLLOW;
	struct binprm *b;
	int err;

	*fatal = false;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (flags & AT_SYMLINK_NOFOLLOW)
		lflags &= ~LOOKUP_FOLLOW;
	if (flags & AT_EMPTY_PATH)
		lflags |= LOOKUP_EMPTY;
	b = kzalloc(sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->file = exec_open(dfd, name, lflags);
	if (IS_ERR(b->file)) {
		err = (int)PTR_ERR(b->file);
		b->file = NULL;
		goto out;
	}
	err = exec_make_filename(b, dfd, name);
	if (!err)
		err = exec_run(b, argv, envp, fatal);
out:
	exec_free(b);
	return err;
}

int exec_kernel(const char *path, const char *const argv[], const char *const envp[])
{
	const struct exec_strv av = { argv, true }, ev = { envp, true };
	bool fatal;

	return exec_at(AT_FDCWD, path, 0, &av, &ev, &fatal);
}

/* The user side of execve/execveat: copy the path, run, kill if past the point of no return. */
static long exec_user(int dfd, const char *upath, const char *const *uargv,
		      const char *const *uenvp, int flags)
{
	const struct exec_strv av = { uargv, false }, ev = { uenvp, false };
	char *name = kmalloc(PATH_MAX);
	bool fatal = false;
	long n;
	int err;

	if (!name)
		return -ENOMEM;
	n = strncpy_from_user(name, upath, PATH_MAX);
	if (n < 0)
		err = (int)n;
	else if (n == 0 && !(flags & AT_EMPTY_PATH))
		err = -ENOENT;
	else
		err = exec_at(dfd, name, flags, &av, &ev, &fatal);
	kfree(name);
	if (err && fatal) {
		pr_debug("exec: %s[%d]: new image failed (%d): killed by SIGSEGV\n",
			current_proc->comm, current_proc->pid, err);
		process_exit_group(SIGSEGV);
	}
	return err;
}

SYSCALL_DEFINE(execve, __NR_execve, const char *path, const char *const *argv,
	       const char *const *envp)
{
	return exec_user(AT_FDCWD, path, argv, envp, 0);
}

SYSCALL_DEFINE(execveat, __NR_execveat, int dfd, const char *path, const char *const *argv,
	       const char *const *envp, int flags)
{
	return exec_user(dfd, path, argv, envp, flags);
}
