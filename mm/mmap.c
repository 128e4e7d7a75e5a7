/*
 * The memory syscalls: brk, mmap, munmap, mprotect, madvise, msync,
 * arch_prctl, prctl's name calls. Argument rules and errors are Linux's
 * (mm/mmap.c, mm/mprotect.c, arch/x86/kernel/process_64.c).
 */
#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <ferrite/sched.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include <ferrite/uaccess.h>
#include <ferrite/vfs.h>
#include <ferrite/vm.h>
#include <linux/mman.h>
#include <linux/prctl.h>
#include <arch/memlayout.h>
#include <arch/task.h>

#define ARCH_SET_GS	0x1001
#define ARCH_SET_FS	0x1002
#define ARCH_GET_FS	0x1003
#define ARCH_GET_GS	0x1004

#define MAP_KNOWN (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN |     \
		   MAP_DENYWRITE | MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | \
		   MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_FIXED_NOREPLACE)

static unsigned int mmap_prot_flags(unsigned long prot)
{
	return ((prot & PROT_READ) ? VMA_READ : 0) | ((prot & PROT_WRITE) ? VMA_WRITE : 0) |
	       ((prot & PROT_EXEC) ? VMA_EXEC : 0);
}

static enum vm_place mmap_place(unsigned long flags)
{
	if (flags & MAP_FIXED_NOREPLACE)
		return VM_MAP_NOREPLACE;
	return (flags & MAP_FIXED) ? VM_MAP_FIXED : VM_MAP_HINT;
}

/* Touch every page of [addr, addr+len) so that it is present (MAP_POPULATE, shared anon). */
static int mmap_populate(struct vm_space *vm, uint64_t addr, uint64_t len, bool write)
{
	for (uint64_t a = addr; a < addr + len; a += PAGE_SIZE) {
		char b = 0;

		if (vm_read_remote(vm, a, &b, 1) ||
		    (write && vm_write_remote(vm, a, &b, 1)))
			return -ENOMEM;
	}
	return 0;
}

/* Check a file mapping's access against how @f was opened. */
static int mmap_check_file(struct file *f, unsigned long prot, unsigned long type)
{
	if (!file_can_mmap(f))
		return -ENODEV;
	if (!(f->mode & FMODE_READ))
		return -EACCES;
	if (type != MAP_PRIVATE && (prot & PROT_WRITE) && !(f->mode & FMODE_WRITE))
		return -EACCES;
	if (type != MAP_PRIVATE && (prot & PROT_WRITE) && (f->flags & O_APPEND))
		return -EACCES;
	return 0;
}

SYSCALL_DEFINE(mmap, __NR_mmap, uint64_t addr, uint64_t len, unsigned long prot,
	       unsigned long flags, int fd, uint64_t off)
{
	struct vm_space *vm = current->vm;
	unsigned long type = flags & MAP_TYPE;
	struct file *f = NULL;
	unsigned int vflags;
	long ret;

	if (!len || (off & (PAGE_SIZE - 1)))
		return -EINVAL;
	if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (type == MAP_SHARED_VALIDATE && (flags & ~MAP_KNOWN))
		return -EOPNOTSUPP;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if (ALIGN_UP(len, PAGE_SIZE) < len || ALIGN_UP(len, PAGE_SIZE) > USER_ADDR_END)
		return -ENOMEM;
	if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && (addr & (PAGE_SIZE - 1)))
		return -EINVAL;
	if (flags & MAP_HUGETLB)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		f = fd_get(fd);
		if (!f)
			return -EBADF;
		ret = mmap_check_file(f, prot, type);
		if (ret)
			goto out;
		if (off + ALIGN_UP(len, PAGE_SIZE) < off) {
			ret = -EOVERFLOW;
			goto out;
		}
	}
	vflags = mmap_prot_flags(prot) | (type != MAP_PRIVATE ? VMA_SHARED : 0);
	ret = vm_map(vm, addr, len, vflags, f, f ? off : 0, mmap_place(flags));
	if (ret < 0)
		goto out;
	if (((flags & MAP_POPULATE) || (!f && type != MAP_PRIVATE)) &&
	    mmap_populate(vm, ret, ALIGN_UP(len, PAGE_SIZE), !f && type != MAP_PRIVATE)) {
		vm_unmap(vm, ret, len);
		ret = -ENOMEM;
	}
out:
	if (f)
		file_put(f);
	return ret;
}

SYSCALL_DEFINE(munmap, __NR_munmap, uint64_t addr, uint64_t len)
{
	return vm_unmap(current->vm, addr, len);
}

SYSCALL_DEFINE(mprotect, __NR_mprotect, uint64_t addr, uint64_t len, unsigned long prot)
{
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
		return -EINVAL;
	return vm_protect(current->vm, addr, len, mmap_prot_flags(prot));
}

SYSCALL_DEFINE(brk, __NR_brk, uint64_t newbrk)
{
	return vm_brk(current->vm, newbrk);
}

SYSCALL_DEFINE(mremap, __NR_mremap, uint64_t old, uint64_t old_len, uint64_t new_len,
	       unsigned long flags, uint64_t new_addr)
{
	if (flags & ~(unsigned long)(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
		return -EINVAL;
	if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) {
		if (!(flags & MREMAP_MAYMOVE))
			return -EINVAL;
		pr_info_once("mremap: MREMAP_FIXED/DONTUNMAP not supported yet\n");
		return -EINVAL;
	}
	return vm_remap(current->vm, old, old_len, new_len, flags & MREMAP_MAYMOVE);
}

SYSCALL_DEFINE(madvise, __NR_madvise, uint64_t addr, uint64_t len, int advice)
{
	uint64_t end = addr + ALIGN_UP(len, PAGE_SIZE);

	if ((addr & (PAGE_SIZE - 1)) || end < addr)
		return -EINVAL;
	switch (advice) {
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case MADV_DONTFORK:
	case MADV_DOFORK:
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
	case MADV_DONTDUMP:
	case MADV_DODUMP:
	case MADV_DONTNEED:
	case MADV_FREE:
		break;
	default:
		return -EINVAL;
	}
	if (!len)
		return 0;
	if (end > USER_ADDR_END || !vm_range_mapped(current->vm, addr, len))
		return -ENOMEM;
	if (advice == MADV_DONTNEED || advice == MADV_FREE)
		return vm_discard(current->vm, addr, len);
	return 0;	/* the others are advice that Linux may ignore too */
}

/* x86_64 struct robust_list_head: three 8-byte fields. */
#define ROBUST_LIST_HEAD_SIZE	24

SYSCALL_DEFINE(set_robust_list, __NR_set_robust_list, uint64_t head, size_t len)
{
	if (len != ROBUST_LIST_HEAD_SIZE)
		return -EINVAL;
	current->robust_list = head;
	return 0;
}

SYSCALL_DEFINE(get_robust_list, __NR_get_robust_list, int pid, uint64_t *uhead, size_t *ulen)
{
	struct task *t = pid ? task_find_get(pid) : task_get(current);
	uint64_t head;
	int err;

	if (!t)
		return -ESRCH;
	head = t->robust_list;
	task_put(t);
	err = put_user(head, uhead);
	if (!err)
		err = put_user((size_t)ROBUST_LIST_HEAD_SIZE, ulen);
	return err;
}

SYSCALL_DEFINE(msync, __NR_msync, uint64_t addr, uint64_t len, int flags)
{
	if ((addr & (PAGE_SIZE - 1)) || (flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	/* shared file pages are the page cache itself: nothing to write back */
	return vm_range_mapped(current->vm, addr, len) ? 0 : -ENOMEM;
}

SYSCALL_DEFINE(arch_prctl, __NR_arch_prctl, int code, uint64_t arg)
{
	switch (code) {
	case ARCH_SET_FS:
		if (!arch_user_canonical(arg))
			return -EPERM;
		current->fs_base = arg;
		arch_set_fs_base(arg);
		return 0;
	case ARCH_GET_FS:
		return put_user(arch_get_fs_base(), (uint64_t *)arg);
	case ARCH_SET_GS:
	case ARCH_GET_GS:
		pr_info_once("arch_prctl: GS base not supported yet\n");
		return -EINVAL;
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE(prctl, __NR_prctl, int option, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	char name[TASK_COMM_LEN];
	long n;

	switch (option) {
	case PR_SET_NAME:
		n = strncpy_from_user(name, (const char *)a2, sizeof(name));
		if (n == -ENAMETOOLONG) {
			if (copy_from_user(name, (const char *)a2, sizeof(name) - 1))
				return -EFAULT;
			name[sizeof(name) - 1] = 0;
		} else if (n < 0) {
			return n;
		}
		memcpy(current_proc->comm, name, sizeof(name));
		return 0;
	case PR_GET_NAME:
		return copy_to_user((void *)a2, current_proc->comm, TASK_COMM_LEN);
	default:
		pr_info_once("prctl: option %d not supported yet\n", option);
		return -EINVAL;
	}
}
