/*
 * The pure half of ELF loading: header and program-header checks, where the
 * PT_LOAD segments go, and the layout of the initial stack, following
 * Linux's fs/binfmt_elf.c (load_elf_binary, elf_load, create_elf_tables)
 * and fs/exec.c (bprm_stack_limits, setup_arg_pages) and the System V
 * gABI / x86-64 psABI §3.4 (process initialization). No I/O and no
 * allocation, so it is built into the kernel and into a host unit test.
 *
 * Randomization is off: the numbers are those Linux gives a program run
 * under "setarch -R".
 */
#include <ferrite/compiler.h>
#include <ferrite/errno.h>
#include <ferrite/exec.h>
#include <ferrite/string.h>

#define PAGE_OFF(x)	((x) & (PAGE_SIZE - 1))

/* e_phnum limit: Linux reads at most 64 KiB of program headers. */
#define ELF_PHDRS_MAX	65536UL
/* MAX_LFS_FILESIZE: no file offset can be mapped beyond it. */
#define ELF_MAX_FILE	0x7fffffffffffffffUL

/*
 * Magic, class, byte order and version. Stricter than Linux, whose 64-bit
 * loader looks only at the magic and e_machine (it runs an x86_64 file
 * marked ELFCLASS32 or big-endian): such files are malformed, so ENOEXEC.
 */
static bool elf_ident_ok(const Elf64_Ehdr *eh)
{
	return memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 &&
	       eh->e_ident[EI_CLASS] == ELFCLASS64 && eh->e_ident[EI_DATA] == ELFDATA2LSB &&
	       eh->e_ident[EI_VERSION] == EV_CURRENT;
}

int elf_check_header(const void *buf, size_t len, uint64_t file_size, struct elf_info *info)
{
	Elf64_Ehdr *eh = &info->eh;

	memset(info, 0, sizeof(*info));
	if (len < sizeof(*eh) || file_size < sizeof(*eh))
		return -ENOEXEC;
	memcpy(eh, buf, sizeof(*eh));
	if (!elf_ident_ok(eh))
		return -ENOEXEC;
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return -ENOEXEC;
	if (eh->e_machine != EM_X86_64 || eh->e_phentsize != sizeof(Elf64_Phdr))
		return -ENOEXEC;
	info->phdrs_size = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
	if (info->phdrs_size == 0 || info->phdrs_size > ELF_PHDRS_MAX)
		return -ENOEXEC;
	/* Linux's short read of the program headers: -EIO turned into -ENOEXEC */
	if (eh->e_phoff > file_size || info->phdrs_size > file_size - eh->e_phoff)
		return -ENOEXEC;
	return 0;
}

void elf_scan_phdrs(struct elf_info *info, const Elf64_Phdr *ph)
{
	bool stack_seen = false;

	for (unsigned int i = 0; i < info->eh.e_phnum; i++) {
		if (ph[i].p_type == PT_INTERP)
			info->interp = true;
		/* the first PT_GNU_STACK decides, as in load_elf_binary */
		if (ph[i].p_type == PT_GNU_STACK && !stack_seen) {
			info->exec_stack = ph[i].p_flags & PF_X;
			stack_seen = true;
		}
	}
}

/* Largest power-of-two p_align of the PT_LOADs, at least a page (maximum_alignment). */
static uint64_t elf_max_align(const Elf64_Phdr *ph, unsigned int n)
{
	uint64_t align = PAGE_SIZE;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t a = ph[i].p_align;

		if (ph[i].p_type != PT_LOAD || a == 0 || (a & (a - 1)))
			continue;
		align = MAX(align, a);
	}
	return align;
}

/*
 * Extent of the PT_LOADs before biasing: the first page of the lowest and
 * the highest end (not page aligned, may have wrapped: checked later).
 * Returns the first PT_LOAD in file order, or NULL if there is none.
 */
static const Elf64_Phdr *elf_extent(const Elf64_Phdr *ph, unsigned int n, uint64_t *lo,
				    uint64_t *hi)
{
	const Elf64_Phdr *first = NULL;

	*lo = UINT64_MAX;
	*hi = 0;
	for (unsigned int i = 0; i < n; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (!first)
			first = &ph[i];
		*lo = MIN(*lo, ALIGN_DOWN(ph[i].p_vaddr, PAGE_SIZE));
		*hi = MAX(*hi, ph[i].p_vaddr + ph[i].p_memsz);
	}
	return first;
}

/*
 * Load bias of a static-PIE: Linux maps it like a loader run directly, at
 * the top of the mmap region (the first free range below @mmap_base that
 * holds every segment, aligned to the largest p_align).
 */
static int elf_dyn_bias(const Elf64_Phdr *ph, unsigned int n, uint64_t mmap_base,
			uint64_t *bias)
{
	uint64_t lo, hi, span, base;
	const Elf64_Phdr *first = elf_extent(ph, n, &lo, &hi);

	if (hi < lo || hi > EXEC_TASK_SIZE)
		return -ENOMEM;
	span = ALIGN_UP(hi, PAGE_SIZE) - lo;
	if (span > mmap_base)
		return -ENOMEM;
	base = ALIGN_DOWN(mmap_base - span, elf_max_align(ph, n));
	*bias = base - ALIGN_DOWN(first->p_vaddr, PAGE_SIZE);
	return 0;
}

/*
 * Check one PT_LOAD in the order Linux meets the failures: the mmap of the
 * file part (offset congruence -EINVAL, placement -ENOMEM, a file range
 * past the largest file size -EOVERFLOW), then the p_filesz <= p_memsz check. File data
 * past the end of the file is not an error: Linux maps it, and the program
 * gets SIGBUS if it touches the missing pages.
 */
static int elf_check_load(const Elf64_Phdr *p, uint64_t bias)
{
	uint64_t addr = p->p_vaddr + bias;
	uint64_t size = MAX(p->p_filesz, p->p_memsz);

	if (p->p_filesz && PAGE_OFF(p->p_vaddr) != PAGE_OFF(p->p_offset))
		return -EINVAL;
	if (addr >= EXEC_TASK_SIZE || size > EXEC_TASK_SIZE - addr)
		return -ENOMEM;
	if (p->p_filesz && (p->p_offset > ELF_MAX_FILE || p->p_filesz > ELF_MAX_FILE - p->p_offset))
		return -EOVERFLOW;	/* file_mmap_ok: past MAX_LFS_FILESIZE */
	if (p->p_filesz > p->p_memsz)
		return -EINVAL;
	return 0;
}

int elf_plan_load(const struct elf_info *info, const Elf64_Phdr *ph, uint64_t mmap_base,
		  struct elf_plan *plan)
{
	const Elf64_Ehdr *eh = &info->eh;
	unsigned int n = eh->e_phnum;
	uint64_t lo, hi, phdr = 0;
	int err;

	memset(plan, 0, sizeof(*plan));
	if (!elf_extent(ph, n, &lo, &hi))
		return -EINVAL;	/* Linux would map nothing and crash at the entry */
	if (eh->e_type == ET_DYN) {
		err = elf_dyn_bias(ph, n, mmap_base, &plan->bias);
		if (err)
			return err;
	}
	for (unsigned int i = 0; i < n; i++) {
		const Elf64_Phdr *p = &ph[i];

		if (p->p_type != PT_LOAD)
			continue;
		err = elf_check_load(p, plan->bias);
		if (err)
			return err;
		/* AT_PHDR: the segment whose file part holds the program headers */
		if (p->p_offset <= eh->e_phoff && eh->e_phoff - p->p_offset < p->p_filesz)
			phdr = eh->e_phoff - p->p_offset + p->p_vaddr;
	}
	plan->entry = eh->e_entry + plan->bias;
	if (plan->entry >= EXEC_TASK_SIZE)
		return -EINVAL;
	plan->phdr_addr = phdr + plan->bias;
	plan->start = lo + plan->bias;
	plan->end = ALIGN_UP(hi, PAGE_SIZE) + plan->bias;
	/*
	 * brk: after the image for ET_EXEC; a static-PIE (a "loader" to Linux)
	 * gets it moved out of the mmap region to ELF_ET_DYN_BASE.
	 */
	plan->brk = eh->e_type == ET_DYN ? ALIGN_UP(ELF_ET_DYN_BASE, PAGE_SIZE) : plan->end;
	return 0;
}

void elf_segment_layout(const Elf64_Phdr *ph, uint64_t bias, struct elf_segment *seg)
{
	uint64_t addr = ph->p_vaddr + bias;

	memset(seg, 0, sizeof(*seg));
	seg->start = ALIGN_DOWN(addr, PAGE_SIZE);
	seg->file_end = seg->start;
	seg->pflags = ph->p_flags & (PF_R | PF_W | PF_X);
	if (ph->p_filesz) {
		seg->file_end = ALIGN_UP(addr + ph->p_filesz, PAGE_SIZE);
		seg->file_off = ph->p_offset - PAGE_OFF(addr);
	}
	if (ph->p_memsz <= ph->p_filesz)
		return;
	/* bss: zero the rest of the last file page, then anonymous pages */
	if (ph->p_filesz && PAGE_OFF(addr + ph->p_filesz))
		seg->zero_start = addr + ph->p_filesz;
	seg->bss_end = ALIGN_UP(addr + ph->p_memsz, PAGE_SIZE);
}

void elf_stack_layout(uint64_t arg_start, uint64_t argc, uint64_t envc, unsigned int nr_aux,
		      size_t platform_len, struct elf_stack_layout *l)
{
	uint64_t p = ALIGN_DOWN(arg_start, 16);	/* arch_align_stack without randomization */
	uint64_t items = (argc + 1) + (envc + 1) + 1;

	p -= platform_len;
	l->platform = p;
	p -= 16;
	l->random = p;
	p -= (uint64_t)nr_aux * 2 * sizeof(uint64_t);
	l->sp = ALIGN_DOWN(p - items * sizeof(uint64_t), 16);
	l->argv = l->sp + sizeof(uint64_t);
	l->envp = l->argv + (argc + 1) * sizeof(uint64_t);
	l->auxv = l->envp + (envc + 1) * sizeof(uint64_t);
}

uint64_t exec_mmap_base(uint64_t rlim_stack)
{
	uint64_t gap = rlim_stack;
	uint64_t gap_max = EXEC_TASK_SIZE / 6 * 5;

	if (gap + EXEC_STACK_GUARD_GAP > gap)
		gap += EXEC_STACK_GUARD_GAP;
	gap = MAX(gap, EXEC_MMAP_GAP_MIN);
	gap = MIN(gap, gap_max);
	return ALIGN_UP(EXEC_TASK_SIZE - gap, PAGE_SIZE);
}

uint64_t exec_arg_limit(uint64_t rlim_stack)
{
	uint64_t limit = MIN(EXEC_STK_LIM / 4 * 3, rlim_stack / 4);

	return MAX(limit, EXEC_ARG_MAX);
}

uint64_t exec_stack_start(uint64_t strings_start, uint64_t sp, uint64_t rlim_stack)
{
	uint64_t vm_start = ALIGN_DOWN(strings_start, PAGE_SIZE);
	uint64_t size = EXEC_STACK_TOP - vm_start;
	uint64_t rlim = rlim_stack & ~(PAGE_SIZE - 1);
	uint64_t base;

	if (size + EXEC_STACK_EXPAND > rlim)
		base = EXEC_STACK_TOP - MIN(rlim, EXEC_STACK_TOP);
	else
		base = vm_start - EXEC_STACK_EXPAND;
	/* never above what the strings and the tables already use */
	return MIN(MIN(base, vm_start), ALIGN_DOWN(sp, PAGE_SIZE));
}
