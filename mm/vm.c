/*
 * User address spaces: areas (VMAs) on a sorted list, page tables filled on
 * demand by the page-fault handler, copy-on-write after fork. See
 * include/ferrite/vm.h for the model.
 *
 * Page ownership: every user PTE holds one reference to its page
 * (page_get/page_put). A private page shared after fork, or a file's page
 * mapped by a private area, is mapped read-only; a write fault copies it,
 * unless the area is anonymous and the page has no other user.
 * PTE_SW1 marks a private mapping of a file's page-cache page (always
 * copied on write, even with one reference).
 *
 * TLB: a space runs on one CPU at a time while processes are single
 * threaded (CLONE_VM children share it only across vfork, while the parent
 * sleeps), so changes flush the local TLB when the space is loaded here.
 */
#include <ferrite/errno.h>
#include <ferrite/mm.h>
#include <ferrite/page_alloc.h>
#include <ferrite/printk.h>
#include <ferrite/sched.h>
#include <ferrite/signal.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <ferrite/uaccess.h>
#include <ferrite/vfs.h>
#include <ferrite/vm.h>
#include <asm-generic/siginfo.h>
#include <arch/cpu.h>
#include <arch/memlayout.h>
#include <arch/pgtable.h>
#include <arch/tlb.h>

#define PTE_COW_FILE	PTE_SW1
#define STACK_GUARD_GAP	(256UL * PAGE_SIZE)	/* Linux's stack_guard_gap */
#define MMAP_MIN_ADDR	0x10000UL		/* vm.mmap_min_addr */

static struct kmem_cache *vma_cache, *vm_cache;

void vm_init(void)
{
	vma_cache = kmem_cache_create("vma", sizeof(struct vma), 8);
	vm_cache = kmem_cache_create("vm_space", sizeof(struct vm_space), 8);
}

/* ------------------------------------------------------------------------ */
/* Spaces                                                                   */

struct vm_space *vm_create(void)
{
	struct vm_space *vm = kmem_cache_zalloc(vm_cache);
	struct page *pml4 = page_alloc_zeroed(0);

	if (!vm || !pml4)
		goto out_free;
	vm->pgd = page_to_phys(pml4);
	/* the kernel half: every slot was filled at boot, so copies stay in step */
	memcpy((uint64_t *)page_to_virt(pml4) + 256,
	       (uint64_t *)phys_to_virt(kernel_pgtable_root) + 256, 256 * sizeof(uint64_t));
	mutex_init(&vm->lock, "vm");
	list_init(&vm->vmas);
	vm->refcount = 1;
	return vm;
out_free:
	if (pml4)
		page_free(pml4, 0);
	if (vm)
		kmem_cache_free(vm_cache, vm);
	return NULL;
}

void vm_get(struct vm_space *vm)
{
	__atomic_fetch_add(&vm->refcount, 1, __ATOMIC_RELAXED);
}

/* True if @vm's tables are loaded on this CPU. */
static bool vm_is_live(const struct vm_space *vm)
{
	return arch_read_cr3() == vm->pgd;
}

static void vm_flush(struct vm_space *vm, uint64_t start, uint64_t end)
{
	if (!vm_is_live(vm))
		return;
	if (end - start > 32 * PAGE_SIZE)
		arch_write_cr3(vm->pgd);
	else
		tlb_flush_local_range(start, end - start);
}

void vm_activate(struct vm_space *vm)
{
	uint64_t root = vm ? vm->pgd : kernel_pgtable_root;

	if (arch_read_cr3() != root)
		arch_write_cr3(root);
}

/* Drop the page references of the leaves in [start, end) and unmap them. Needs vm->lock. */
static int vm_zap_leaf(uint64_t va, uint64_t pa, uint64_t flags, unsigned int level, void *arg)
{
	struct vm_space *vm = arg;
	struct page *pg = phys_to_page(pa);

	if (pg && !(pg->flags & PG_RESERVED)) {
		page_put(pg);
		__atomic_fetch_sub(&vm->rss_pages, 1, __ATOMIC_RELAXED);
	}
	return 0;
}

static void vm_zap_range(struct vm_space *vm, uint64_t start, uint64_t end)
{
	if (start >= end)
		return;
	pgtable_walk(vm->pgd, start, end - start, vm_zap_leaf, vm);
	pgtable_unmap(vm->pgd, start, end - start);
	vm_flush(vm, start, end);
}

static void vma_free(struct vma *v)
{
	if (v->file)
		file_put(v->file);
	kmem_cache_free(vma_cache, v);
}

void vm_put(struct vm_space *vm)
{
	struct vma *v, *n;

	if (!vm || __atomic_sub_fetch(&vm->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	list_for_each_entry_safe(v, n, &vm->vmas, node) {
		pgtable_walk(vm->pgd, v->start, v->end - v->start, vm_zap_leaf, vm);
		list_del(&v->node);
		vma_free(v);
	}
	pgtable_free_user(vm->pgd);
	page_free(phys_to_page(vm->pgd), 0);
	kmem_cache_free(vm_cache, vm);
}

/* ------------------------------------------------------------------------ */
/* Areas                                                                    */

/* The area containing @addr, or NULL. Needs vm->lock. */
static struct vma *vma_find(struct vm_space *vm, uint64_t addr)
{
	struct vma *v;

	list_for_each_entry(v, &vm->vmas, node) {
		if (addr < v->start)
			return NULL;
		if (addr < v->end)
			return v;
	}
	return NULL;
}

/* Link @nv into the sorted list. Needs vm->lock; the range must be free. */
static void vma_insert(struct vm_space *vm, struct vma *nv)
{
	struct vma *v;

	list_for_each_entry(v, &vm->vmas, node) {
		if (v->start >= nv->end) {
			__list_add(&nv->node, v->node.prev, &v->node);
			return;
		}
	}
	list_add_tail(&nv->node, &vm->vmas);
}

/* Split @v at @addr (inside it); the new upper part follows it on the list. */
static int vma_split(struct vma *v, uint64_t addr)
{
	struct vma *hi = kmem_cache_alloc(vma_cache);

	if (!hi)
		return -ENOMEM;
	*hi = *v;
	hi->start = addr;
	hi->pgoff = v->pgoff + (addr - v->start) / PAGE_SIZE;
	if (hi->file)
		file_get(hi->file);
	v->end = addr;
	__list_add(&hi->node, &v->node, v->node.next);
	return 0;
}

/* Remove every area and page in [start, end). Needs vm->lock. */
static int vm_unmap_locked(struct vm_space *vm, uint64_t start, uint64_t end)
{
	struct vma *v, *n;

	list_for_each_entry_safe(v, n, &vm->vmas, node) {
		if (v->end <= start || v->start >= end)
			continue;
		if (v->start < start) {
			if (vma_split(v, start))
				return -ENOMEM;
			/* the upper part, linked right after v, is handled next */
			n = list_entry(v->node.next, struct vma, node);
			continue;
		}
		if (v->end > end && vma_split(v, end))
			return -ENOMEM;
		vm_zap_range(vm, v->start, v->end);
		vm->total_pages -= (v->end - v->start) / PAGE_SIZE;
		list_del(&v->node);
		vma_free(v);
	}
	return 0;
}

/* True if some area overlaps [start, end). Needs vm->lock. */
static bool vm_range_overlaps_locked(struct vm_space *vm, uint64_t start, uint64_t end)
{
	struct vma *v;

	list_for_each_entry(v, &vm->vmas, node)
		if (v->start < end && v->end > start)
			return true;
	return false;
}

/* A free range of @len bytes below mmap_base (top-down, as Linux), or 0. */
static uint64_t vm_find_free(struct vm_space *vm, uint64_t len, uint64_t hint)
{
	uint64_t top = vm->mmap_base ? vm->mmap_base : USER_ADDR_END;
	struct vma *v;

	if (hint && hint >= MMAP_MIN_ADDR && hint + len <= USER_ADDR_END && hint + len > hint &&
	    !vm_range_overlaps_locked(vm, hint, hint + len))
		return hint;
	/* walk the areas from the top, looking for a gap under @top */
	list_for_each_entry_reverse(v, &vm->vmas, node) {
		if (v->start >= top)
			continue;
		if (v->end <= top && top - v->end >= len)
			return top - len;
		top = MIN(top, v->start);
	}
	return top - len >= MMAP_MIN_ADDR && top >= len ? top - len : 0;
}

long vm_map(struct vm_space *vm, uint64_t addr, uint64_t len, unsigned int flags,
	    struct file *file, uint64_t off, enum vm_place place)
{
	struct vma *nv;
	long ret;

	len = ALIGN_UP(len, PAGE_SIZE);
	if (!len || (addr & (PAGE_SIZE - 1)) || (off & (PAGE_SIZE - 1)))
		return -EINVAL;
	if (len > USER_ADDR_END)
		return -ENOMEM;
	/* Linux's heuristic overcommit: one private writable mapping larger than all RAM fails */
	if ((flags & VMA_WRITE) && !(flags & VMA_SHARED) && len / PAGE_SIZE > page_alloc_total_pages())
		return -ENOMEM;
	nv = kmem_cache_zalloc(vma_cache);
	if (!nv)
		return -ENOMEM;
	mutex_lock(&vm->lock);
	if (place != VM_MAP_HINT) {
		ret = -ENOMEM;
		if (addr + len > USER_ADDR_END || addr + len < addr)
			goto out_free;
		if (place == VM_MAP_NOREPLACE)
			ret = vm_range_overlaps_locked(vm, addr, addr + len) ? -EEXIST : 0;
		else
			ret = vm_unmap_locked(vm, addr, addr + len);
		if (ret)
			goto out_free;
	} else {
		addr = vm_find_free(vm, len, addr);
		ret = -ENOMEM;
		if (!addr)
			goto out_free;
	}
	nv->start = addr;
	nv->end = addr + len;
	nv->flags = flags;
	nv->file = file ? file_get(file) : NULL;
	nv->pgoff = off / PAGE_SIZE;
	vma_insert(vm, nv);
	vm->total_pages += len / PAGE_SIZE;
	mutex_unlock(&vm->lock);
	return addr;
out_free:
	mutex_unlock(&vm->lock);
	kmem_cache_free(vma_cache, nv);
	return ret;
}

int vm_unmap(struct vm_space *vm, uint64_t addr, uint64_t len)
{
	int ret;

	if ((addr & (PAGE_SIZE - 1)) || !len)
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (addr >= USER_ADDR_END || len > USER_ADDR_END - addr)
		return -EINVAL;
	mutex_lock(&vm->lock);
	ret = vm_unmap_locked(vm, addr, addr + len);
	mutex_unlock(&vm->lock);
	return ret;
}

/* PTE flags for an area's pages (write is granted by the fault handler). */
static uint64_t vma_pte_flags(unsigned int flags, bool writable)
{
	uint64_t f = PTE_PRESENT | PTE_USER;

	if (writable)
		f |= PTE_WRITE;
	if (!(flags & VMA_EXEC))
		f |= PTE_NX;
	return f;
}

struct vm_protect_ctx {
	struct vm_space *vm;
	struct vma *v;
};

static int vm_protect_leaf(uint64_t va, uint64_t pa, uint64_t flags, unsigned int level,
			   void *arg)
{
	struct vm_protect_ctx *ctx = arg;
	struct vma *v = ctx->v;
	uint64_t nf = vma_pte_flags(v->flags, (v->flags & VMA_WRITE) && (flags & PTE_WRITE));

	nf |= flags & PTE_COW_FILE;
	if (!(v->flags & (VMA_READ | VMA_WRITE | VMA_EXEC)))
		nf &= ~PTE_USER;	/* PROT_NONE: keep the page, forbid access */
	return pgtable_protect(ctx->vm->pgd, va, PAGE_SIZE, nf) ? 1 : 0;
}

int vm_protect(struct vm_space *vm, uint64_t addr, uint64_t len, unsigned int prot)
{
	uint64_t end;
	struct vma *v, *n;
	int ret = 0;

	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	end = addr + len;
	if (end < addr || end > USER_ADDR_END)
		return -ENOMEM;
	if (!len)
		return 0;
	mutex_lock(&vm->lock);
	/* every page of the range must be mapped */
	for (uint64_t a = addr; a < end;) {
		v = vma_find(vm, a);
		if (!v) {
			ret = -ENOMEM;
			goto out;
		}
		a = v->end;
	}
	list_for_each_entry_safe(v, n, &vm->vmas, node) {
		if (v->end <= addr || v->start >= end)
			continue;
		if (v->start < addr) {
			if (vma_split(v, addr)) {
				ret = -ENOMEM;
				goto out;
			}
			n = list_entry(v->node.next, struct vma, node);
			continue;
		}
		if (v->end > end && vma_split(v, end)) {
			ret = -ENOMEM;
			goto out;
		}
		struct vm_protect_ctx ctx = { vm, v };

		v->flags = (v->flags & ~(VMA_READ | VMA_WRITE | VMA_EXEC)) | prot;
		pgtable_walk(vm->pgd, v->start, v->end - v->start, vm_protect_leaf, &ctx);
		vm_flush(vm, v->start, v->end);
	}
out:
	mutex_unlock(&vm->lock);
	return ret;
}

uint64_t vm_brk(struct vm_space *vm, uint64_t newbrk)
{
	uint64_t old_end, new_end;
	struct vma *v;

	mutex_lock(&vm->lock);
	if (newbrk < vm->brk_start || newbrk >= vm->mmap_base - STACK_GUARD_GAP)
		goto out;
	old_end = ALIGN_UP(vm->brk, PAGE_SIZE);
	new_end = ALIGN_UP(newbrk, PAGE_SIZE);
	if (new_end < old_end) {
		if (vm_unmap_locked(vm, new_end, old_end))
			goto out;
	} else if (new_end > old_end) {
		struct vma *heap = NULL, *nv;

		list_for_each_entry(v, &vm->vmas, node) {
			if (v->start < new_end && v->end > old_end)
				goto out;	/* would run into another mapping */
			if (v->end == old_end && (v->flags & VMA_HEAP))
				heap = v;
		}
		vm->total_pages += (new_end - old_end) / PAGE_SIZE;
		if (heap) {
			heap->end = new_end;
			goto done;
		}
		nv = kmem_cache_zalloc(vma_cache);
		if (!nv) {
			vm->total_pages -= (new_end - old_end) / PAGE_SIZE;
			goto out;
		}
		nv->start = old_end;
		nv->end = new_end;
		nv->flags = VMA_READ | VMA_WRITE | VMA_HEAP;
		vma_insert(vm, nv);
	}
done:
	vm->brk = newbrk;
out:
	newbrk = vm->brk;
	mutex_unlock(&vm->lock);
	return newbrk;
}

/* True if every page of [addr, addr+len) belongs to some area. Needs vm->lock. */
static bool vm_range_mapped_locked(struct vm_space *vm, uint64_t addr, uint64_t end)
{
	while (addr < end) {
		struct vma *v = vma_find(vm, addr);

		if (!v)
			return false;
		addr = v->end;
	}
	return true;
}

bool vm_range_mapped(struct vm_space *vm, uint64_t addr, uint64_t len)
{
	bool ok;

	mutex_lock(&vm->lock);
	ok = vm_range_mapped_locked(vm, addr, addr + ALIGN_UP(len, PAGE_SIZE));
	mutex_unlock(&vm->lock);
	return ok;
}

int vm_discard(struct vm_space *vm, uint64_t addr, uint64_t len)
{
	uint64_t end = addr + ALIGN_UP(len, PAGE_SIZE);
	struct vma *v;
	int ret = 0;

	if (end < addr || end > USER_ADDR_END)
		return -EINVAL;
	mutex_lock(&vm->lock);
	if (!vm_range_mapped_locked(vm, addr, end)) {
		ret = -ENOMEM;
		goto out;
	}
	list_for_each_entry(v, &vm->vmas, node) {
		uint64_t s = MAX(v->start, addr), e = MIN(v->end, end);

		/* shared pages hold the shared contents: keep them */
		if (s < e && !(v->flags & VMA_SHARED))
			vm_zap_range(vm, s, e);
	}
out:
	mutex_unlock(&vm->lock);
	return ret;
}

struct vm_move_ctx {
	struct vm_space *vm;
	uint64_t delta;
	int err;
};

/* Map one leaf again @delta bytes further (the page gains a reference). */
static int vm_move_leaf(uint64_t va, uint64_t pa, uint64_t flags, unsigned int level, void *arg)
{
	struct vm_move_ctx *ctx = arg;
	int err = pgtable_map(ctx->vm->pgd, va + ctx->delta, pa, PAGE_SIZE, flags, 0);

	if (err) {
		ctx->err = err;
		return 1;
	}
	page_get(phys_to_page(pa));
	__atomic_fetch_add(&ctx->vm->rss_pages, 1, __ATOMIC_RELAXED);
	return 0;
}

long vm_remap(struct vm_space *vm, uint64_t old, uint64_t old_len, uint64_t new_len, bool maymove)
{
	struct vma *v, *nv;
	uint64_t dst;
	long ret;

	old_len = ALIGN_UP(old_len, PAGE_SIZE);
	new_len = ALIGN_UP(new_len, PAGE_SIZE);
	if ((old & (PAGE_SIZE - 1)) || !new_len)
		return -EINVAL;
	if (old + old_len < old || old + old_len > USER_ADDR_END || new_len > USER_ADDR_END)
		return -EINVAL;
	mutex_lock(&vm->lock);
	v = vma_find(vm, old);
	ret = -EFAULT;
	if (!v || old + old_len > v->end)
		goto out;
	if (new_len <= old_len) {
		ret = vm_unmap_locked(vm, old + new_len, old + old_len);
		ret = ret ? ret : (long)old;
		goto out;
	}
	/* grow in place: the area ends here and the space after it is free */
	if (v->end == old + old_len) {
		bool free = old + new_len <= USER_ADDR_END;
		struct vma *w;

		list_for_each_entry(w, &vm->vmas, node)
			if (w != v && w->start < old + new_len && w->end > v->end)
				free = false;
		if (free) {
			vm->total_pages += (old + new_len - v->end) / PAGE_SIZE;
			v->end = old + new_len;
			ret = old;
			goto out;
		}
	}
	ret = -ENOMEM;
	if (!maymove)
		goto out;
	dst = vm_find_free(vm, new_len, 0);
	nv = dst ? kmem_cache_alloc(vma_cache) : NULL;
	if (!nv)
		goto out;
	*nv = *v;
	nv->start = dst;
	nv->end = dst + new_len;
	nv->pgoff = v->pgoff + (old - v->start) / PAGE_SIZE;
	if (nv->file)
		file_get(nv->file);
	struct vm_move_ctx ctx = { vm, dst - old, 0 };

	pgtable_walk(vm->pgd, old, old_len, vm_move_leaf, &ctx);
	if (ctx.err) {
		vm_zap_range(vm, dst, dst + old_len);
		vma_free(nv);
		goto out;
	}
	vma_insert(vm, nv);
	vm->total_pages += new_len / PAGE_SIZE;
	ret = vm_unmap_locked(vm, old, old + old_len);
	ret = ret ? ret : (long)dst;
out:
	mutex_unlock(&vm->lock);
	return ret;
}

/* ------------------------------------------------------------------------ */
/* Faults                                                                   */

/* Map @pg at @va with @flags, taking over the caller's reference. Needs vm->lock. */
static int vm_install(struct vm_space *vm, uint64_t va, struct page *pg, uint64_t flags)
{
	int err = pgtable_map(vm->pgd, va, page_to_phys(pg), PAGE_SIZE, flags, 0);

	if (err) {
		page_put(pg);
		return err;
	}
	__atomic_fetch_add(&vm->rss_pages, 1, __ATOMIC_RELAXED);
	return 0;
}

/* First touch of a page of @v at @va. Needs vm->lock; 0, SIGBUS or -ENOMEM. */
static int vm_fault_missing(struct vm_space *vm, struct vma *v, uint64_t va, bool write)
{
	struct page *pg, *copy;
	bool shared = v->flags & VMA_SHARED;

	if (!v->file) {
		pg = page_alloc_zeroed(0);
		if (!pg)
			return -ENOMEM;
		return vm_install(vm, va, pg, vma_pte_flags(v->flags, v->flags & VMA_WRITE));
	}
	pg = file_getpage(v->file, v->pgoff + (va - v->start) / PAGE_SIZE);
	if (IS_ERR_OR_NULL(pg))
		return pg == ERR_PTR(-ENOMEM) ? -ENOMEM : SIGBUS;
	if (shared || !write)
		return vm_install(vm, va, pg,
				  vma_pte_flags(v->flags, shared && (v->flags & VMA_WRITE)) |
					  (shared ? 0 : PTE_COW_FILE));
	copy = page_alloc(0);
	if (!copy) {
		page_put(pg);
		return -ENOMEM;
	}
	memcpy(page_to_virt(copy), page_to_virt(pg), PAGE_SIZE);
	page_put(pg);
	return vm_install(vm, va, copy, vma_pte_flags(v->flags, true));
}

/* Write to a present read-only page of a writable area. Needs vm->lock. */
static int vm_fault_cow(struct vm_space *vm, struct vma *v, uint64_t va, uint64_t pa,
			uint64_t flags)
{
	struct page *old = phys_to_page(pa), *copy;

	if ((v->flags & VMA_SHARED) ||
	    (!(flags & PTE_COW_FILE) && page_ref_count(old) == 1)) {
		pgtable_protect(vm->pgd, va, PAGE_SIZE, (flags | PTE_WRITE) & ~PTE_COW_FILE);
		vm_flush(vm, va, va + PAGE_SIZE);
		return 0;
	}
	copy = page_alloc(0);
	if (!copy)
		return -ENOMEM;
	memcpy(page_to_virt(copy), phys_to_virt(pa), PAGE_SIZE);
	pgtable_unmap(vm->pgd, va, PAGE_SIZE);
	vm_flush(vm, va, va + PAGE_SIZE);
	page_put(old);
	__atomic_fetch_sub(&vm->rss_pages, 1, __ATOMIC_RELAXED);
	return vm_install(vm, va, copy, vma_pte_flags(v->flags, true));
}

/* Grow the stack area down to cover @addr if it is close enough. Needs vm->lock. */
static struct vma *vm_grow_stack(struct vm_space *vm, uint64_t addr)
{
	struct vma *v;
	uint64_t limit = current_proc->rlim[RLIMIT_STACK].rlim_cur;

	list_for_each_entry(v, &vm->vmas, node) {
		if (v->start <= addr)
			continue;
		if (!(v->flags & VMA_GROWSDOWN))
			return NULL;
		uint64_t nstart = ALIGN_DOWN(addr, PAGE_SIZE);

		if (v->end - nstart > limit)
			return NULL;
		if (v->node.prev != &vm->vmas) {
			struct vma *below = list_entry(v->node.prev, struct vma, node);

			if (below->end + STACK_GUARD_GAP > nstart)
				return NULL;
		}
		vm->total_pages += (v->start - nstart) / PAGE_SIZE;
		v->start = nstart;
		return v;
	}
	return NULL;
}

/*
 * Resolve a fault at @addr in @vm. @force (remote access) ignores the
 * area's protection. Returns 0, or a signal number with *code set.
 * Needs vm->lock.
 */
static int vm_fault_locked(struct vm_space *vm, uint64_t addr, bool write, bool exec,
			   bool force, int *code)
{
	uint64_t va = ALIGN_DOWN(addr, PAGE_SIZE), pa, flags;
	struct vma *v = vma_find(vm, addr);
	int err;

	*code = SEGV_MAPERR;
	if (!v)
		v = vm_grow_stack(vm, addr);
	if (!v)
		return SIGSEGV;
	*code = SEGV_ACCERR;
	if (!force && ((write && !(v->flags & VMA_WRITE)) || (exec && !(v->flags & VMA_EXEC)) ||
		       !(v->flags & (VMA_READ | VMA_WRITE | VMA_EXEC))))
		return SIGSEGV;
	if (pgtable_lookup(vm->pgd, va, &pa, &flags, NULL) == 0) {
		if (!write || (flags & PTE_WRITE))
			return 0;	/* raced with another fault, or spurious */
		if (!(v->flags & VMA_WRITE) && !force)
			return SIGSEGV;
		err = vm_fault_cow(vm, v, va, pa & PTE_ADDR_MASK, flags);
	} else {
		err = vm_fault_missing(vm, v, va, write);
	}
	if (err == SIGBUS) {
		*code = BUS_ADRERR;
		return SIGBUS;
	}
	if (err == -ENOMEM) {
		pr_warn("Out of memory: killing process %d (%s)\n", current_proc->pid,
			current_proc->comm);
		return SIGKILL;
	}
	return err ? SIGSEGV : 0;
}

int vm_fault(uint64_t addr, bool write, bool exec, bool user, int *code)
{
	struct vm_space *vm = current->vm;
	int sig;

	*code = SEGV_MAPERR;
	if (!vm || addr >= USER_ADDR_END)
		return SIGSEGV;
	mutex_lock(&vm->lock);
	sig = vm_fault_locked(vm, addr, write, exec, false, code);
	mutex_unlock(&vm->lock);
	if (!sig)
		__atomic_fetch_add(&current_proc->minflt, 1, __ATOMIC_RELAXED);
	return sig;
}

/* Copy between kernel memory and @vm page by page, faulting pages in. */
static int vm_access_remote(struct vm_space *vm, uint64_t addr, void *buf, size_t len,
			    bool write)
{
	int code, ret = 0;

	mutex_lock(&vm->lock);
	while (len) {
		uint64_t pa, flags, off = addr & (PAGE_SIZE - 1);
		size_t n = MIN(len, PAGE_SIZE - off);

		if (vm_fault_locked(vm, addr, write, false, true, &code) ||
		    pgtable_lookup(vm->pgd, addr, &pa, &flags, NULL)) {
			ret = -EFAULT;
			break;
		}
		if (write)
			memcpy(phys_to_virt(pa), buf, n);
		else
			memcpy(buf, phys_to_virt(pa), n);
		addr += n;
		buf = (char *)buf + n;
		len -= n;
	}
	mutex_unlock(&vm->lock);
	return ret;
}

int vm_write_remote(struct vm_space *vm, uint64_t addr, const void *src, size_t len)
{
	if (!uaccess_ok(addr, len))
		return -EFAULT;
	return vm_access_remote(vm, addr, (void *)src, len, true);
}

int vm_read_remote(struct vm_space *vm, uint64_t addr, void *dst, size_t len)
{
	if (!uaccess_ok(addr, len))
		return -EFAULT;
	return vm_access_remote(vm, addr, dst, len, false);
}

/* ------------------------------------------------------------------------ */
/* fork                                                                     */

struct vm_fork_ctx {
	struct vm_space *child;
	struct vma *v;
	int err;
};

/* Share one leaf of the parent with the child, write-protecting private pages. */
static int vm_fork_leaf(uint64_t va, uint64_t pa, uint64_t flags, unsigned int level, void *arg)
{
	struct vm_fork_ctx *ctx = arg;
	struct page *pg = phys_to_page(pa);
	int err;

	if (!(ctx->v->flags & VMA_SHARED) && (flags & PTE_WRITE)) {
		flags &= ~PTE_WRITE;
		pgtable_protect(current->vm->pgd, va, PAGE_SIZE, flags);
	}
	err = pgtable_map(ctx->child->pgd, va, pa, PAGE_SIZE, flags & ~(PTE_ACCESSED | PTE_DIRTY), 0);
	if (err) {
		ctx->err = err;
		return 1;
	}
	page_get(pg);
	__atomic_fetch_add(&ctx->child->rss_pages, 1, __ATOMIC_RELAXED);
	return 0;
}

struct vm_space *vm_fork(struct vm_space *vm)
{
	struct vm_space *child = vm_create();
	struct vm_fork_ctx ctx = { .child = child };
	struct vma *v;

	if (!child)
		return NULL;
	mutex_lock(&vm->lock);
	list_for_each_entry(v, &vm->vmas, node) {
		struct vma *nv = kmem_cache_alloc(vma_cache);

		if (!nv) {
			ctx.err = -ENOMEM;
			break;
		}
		*nv = *v;
		if (nv->file)
			file_get(nv->file);
		list_add_tail(&nv->node, &child->vmas);
		ctx.v = v;
		pgtable_walk(vm->pgd, v->start, v->end - v->start, vm_fork_leaf, &ctx);
		if (ctx.err)
			break;
	}
	child->brk_start = vm->brk_start;
	child->brk = vm->brk;
	child->mmap_base = vm->mmap_base;
	child->stack_top = vm->stack_top;
	child->arg_start = vm->arg_start;
	child->arg_end = vm->arg_end;
	child->env_start = vm->env_start;
	child->env_end = vm->env_end;
	child->total_pages = vm->total_pages;
	if (vm_is_live(vm))
		arch_write_cr3(vm->pgd);	/* the parent's pages are read-only now */
	mutex_unlock(&vm->lock);
	if (ctx.err) {
		vm_put(child);
		return NULL;
	}
	return child;
}

uint64_t vm_free_pages(void)
{
	return page_alloc_free_pages();
}
