/*
 * User address spaces: a page-table root for the user half (the kernel half
 * is shared by every space) and a sorted list of areas (VMAs). Pages arrive
 * on demand from the page-fault handler: anonymous areas get zeroed pages,
 * file areas get the file's pages through its inode's getpage op (shared
 * read-only until written, then copied for private areas). fork copies the
 * areas and shares every private page copy-on-write.
 *
 * Lock legend: [V] the space's mutex; [a] atomic.
 * Lock order: vm_space.lock is taken before any file-system lock it may need
 * for a fault, and never while holding a spinlock.
 */
#ifndef FERRITE_VM_H
#define FERRITE_VM_H

#include <ferrite/compiler.h>
#include <ferrite/list.h>
#include <ferrite/mutex.h>

struct file;

/* Area flags (vma.flags): Linux's VM_* meaning. */
#define VMA_READ	(1u << 0)
#define VMA_WRITE	(1u << 1)
#define VMA_EXEC	(1u << 2)
#define VMA_SHARED	(1u << 3)
#define VMA_GROWSDOWN	(1u << 4)	/* the main stack */
#define VMA_STACK	(1u << 5)	/* shown as [stack] */
#define VMA_HEAP	(1u << 6)	/* brk area, shown as [heap] */

struct vma {
	struct list_head node;		/* [V] in vm_space.vmas, by address */
	uint64_t start, end;		/* [V] page aligned, end exclusive */
	unsigned int flags;		/* [V] VMA_* */
	struct file *file;		/* [V] referenced, or NULL for anonymous */
	uint64_t pgoff;			/* [V] file offset of start, in pages */
};

struct vm_space {
	struct mutex lock;
	uint64_t pgd;			/* [I] physical address of the PML4 */
	int refcount;			/* [a] threads and vfork children using it */
	struct list_head vmas;		/* [V] */
	uint64_t brk_start, brk;	/* [V] */
	uint64_t mmap_base;		/* [V] top of the mmap region (grows down) */
	uint64_t stack_top;		/* [V] */
	uint64_t arg_start, arg_end;	/* [V] for /proc/PID/cmdline */
	uint64_t env_start, env_end;	/* [V] */
	uint64_t rss_pages;		/* [a] resident pages, for /proc */
	uint64_t total_pages;		/* [V] mapped size in pages */
	int cpus_active;		/* [a] CPUs with this space loaded */
};

/* A new, empty address space (refcount 1), or NULL. */
struct vm_space *vm_create(void);
void vm_get(struct vm_space *vm);
/* Drop a reference; the last one frees every page and area. */
void vm_put(struct vm_space *vm);
/* A copy-on-write copy of @vm for fork; NULL when out of memory. */
struct vm_space *vm_fork(struct vm_space *vm);
/* Load @vm's page tables on this CPU (NULL: kernel tables only). */
void vm_activate(struct vm_space *vm);

/* How vm_map places an area. */
enum vm_place {
	VM_MAP_HINT,		/* @addr is a hint; a free range is chosen */
	VM_MAP_FIXED,		/* exactly at @addr, replacing what was there */
	VM_MAP_NOREPLACE,	/* exactly at @addr, -EEXIST if anything is there */
};

/*
 * Map [addr, addr+len) with VMA_* @flags, backed by @file at byte offset
 * @off (page aligned) or anonymous if @file is NULL, placed as @place says.
 * Returns the address or -errno. Takes vm->lock.
 */
long vm_map(struct vm_space *vm, uint64_t addr, uint64_t len, unsigned int flags,
	    struct file *file, uint64_t off, enum vm_place place);
/* Unmap [addr, addr+len); 0 or -errno. Takes vm->lock. */
int vm_unmap(struct vm_space *vm, uint64_t addr, uint64_t len);
/* Change the protection of [addr, addr+len); 0 or -errno (-ENOMEM on holes). */
int vm_protect(struct vm_space *vm, uint64_t addr, uint64_t len, unsigned int prot_flags);
/* True if every page of [addr, addr+len) is in some area. */
bool vm_range_mapped(struct vm_space *vm, uint64_t addr, uint64_t len);
/* Drop the private pages of [addr, addr+len) (MADV_DONTNEED); 0, -EINVAL or -ENOMEM. */
int vm_discard(struct vm_space *vm, uint64_t addr, uint64_t len);
void vm_init(void);
/* mremap: resize [old, old+old_len) to @new_len, moving it if @maymove; address or -errno. */
long vm_remap(struct vm_space *vm, uint64_t old, uint64_t old_len, uint64_t new_len, bool maymove);
/* Set the program break; returns the new (or unchanged) break. */
uint64_t vm_brk(struct vm_space *vm, uint64_t newbrk);
/*
 * Copy @len bytes into @vm at @addr, whether or not @vm is the current
 * space and whatever the area's protection (for execve building the stack,
 * ptrace-like readers). 0 or -EFAULT if part of the range is not mapped.
 */
int vm_write_remote(struct vm_space *vm, uint64_t addr, const void *src, size_t len);
/* As vm_write_remote, reading; for /proc/PID/cmdline and environ. */
int vm_read_remote(struct vm_space *vm, uint64_t addr, void *dst, size_t len);

/*
 * Handle a page fault at @addr in the current task's space; @write, @exec
 * and @user describe the access. Returns 0 when the page is now there, or
 * the signal to send (SIGSEGV, SIGBUS); *code gets the si_code.
 */
int vm_fault(uint64_t addr, bool write, bool exec, bool user, int *code);

/* Free pages for /proc/meminfo and sysinfo. */
uint64_t vm_free_pages(void);

#endif
