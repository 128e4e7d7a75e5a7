// host-test-sources: kernel/elf.c
/*
 * Host tests for kernel/elf.c. Malformed executables (a table of one-field
 * mutations of a small hand-built ELF, each with the errno Linux's loader
 * ends with), segment layouts (file pages, tail zeroing, bss), the stack
 * and mmap limits, and real static programs (musl and glibc, static and
 * static-PIE, busybox) whose headers and whose placement by Linux were
 * recorded by tools/gen-elf-samples.py: the kernel's plan must put entry,
 * program headers, brk and every initial-stack object where Linux did.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include "htest.h"
#include <ferrite/errno.h>
#include <ferrite/exec.h>

struct elf_sample {
	const char *name;
	const uint8_t *head;
	size_t head_len;
	uint64_t file_size;
	int has_stack;
	int argc, envc, nr_aux;
	uint64_t sp, argv0, at_phdr, at_entry, at_base, at_execfn, at_random, at_platform;
	uint64_t start_brk, arg_start, arg_end, env_start, env_end, stack_start;
};

#include "data/elf_samples.h"

#define MMAP_BASE_8M	0x7ffff7fff000UL
#define NPH		1200

/* A small static executable: header, program headers, file size. */
struct fake {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[NPH];
	uint64_t size;
};

static struct fake f;

static void fake_init(void)
{
	static const Elf64_Phdr ph[] = {
		{ PT_LOAD, PF_R, 0, 0x400000, 0x400000, 0x200, 0x200, 0x1000 },
		{ PT_LOAD, PF_R | PF_X, 0x1000, 0x401000, 0x401000, 0x500, 0x500, 0x1000 },
		{ PT_LOAD, PF_R | PF_W, 0x2800, 0x403800, 0x403800, 0x100, 0x2000, 0x1000 },
		{ PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 0x10 },
	};

	memset(&f, 0, sizeof(f));
	memcpy(f.eh.e_ident, ELFMAG, SELFMAG);
	f.eh.e_ident[EI_CLASS] = ELFCLASS64;
	f.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	f.eh.e_ident[EI_VERSION] = EV_CURRENT;
	f.eh.e_type = ET_EXEC;
	f.eh.e_machine = EM_X86_64;
	f.eh.e_version = EV_CURRENT;
	f.eh.e_entry = 0x401000;
	f.eh.e_phoff = sizeof(Elf64_Ehdr);
	f.eh.e_ehsize = sizeof(Elf64_Ehdr);
	f.eh.e_phentsize = sizeof(Elf64_Phdr);
	f.eh.e_phnum = ARRAY_SIZE(ph);
	memcpy(f.ph, ph, sizeof(ph));
	f.size = 0x2900;
}

/* The buffer exec hands the checker: the first 256 bytes, zero padded. */
static int check_header(struct elf_info *info)
{
	uint8_t buf[BINPRM_BUF_SIZE] = { 0 };

	memcpy(buf, &f.eh, MIN(sizeof(f.eh), f.size));
	return elf_check_header(buf, sizeof(buf), f.size, info);
}

/* Header, program headers and plan, in exec's order; the first error. */
static int load(struct elf_plan *plan, struct elf_info *info)
{
	int err = check_header(info);

	if (err)
		return err;
	elf_scan_phdrs(info, f.ph);
	return elf_plan_load(info, f.ph, MMAP_BASE_8M, plan);
}

struct bad_case {
	const char *name;
	void (*mutate)(void);
	int err;
};

#define MUT(n, body) static void mut_##n(void) { body; }
MUT(truncated_header, f.size = 40)
MUT(empty_file, f.size = 0)
MUT(bad_magic, f.eh.e_ident[EI_MAG1] = 'e')
MUT(class32, f.eh.e_ident[EI_CLASS] = ELFCLASS32)
MUT(class_none, f.eh.e_ident[EI_CLASS] = ELFCLASSNONE)
MUT(big_endian, f.eh.e_ident[EI_DATA] = ELFDATA2MSB)
MUT(ident_version, f.eh.e_ident[EI_VERSION] = EV_NONE)
MUT(machine_i386, f.eh.e_machine = EM_386)
MUT(machine_aarch64, f.eh.e_machine = EM_AARCH64)
MUT(type_rel, f.eh.e_type = ET_REL)
MUT(type_core, f.eh.e_type = ET_CORE)
MUT(phentsize_small, f.eh.e_phentsize = sizeof(Elf32_Phdr))
MUT(phentsize_big, f.eh.e_phentsize = sizeof(Elf64_Phdr) + 8)
MUT(phnum_zero, f.eh.e_phnum = 0)
MUT(phnum_over_64k, f.eh.e_phnum = 65536 / sizeof(Elf64_Phdr) + 1; f.size = 1 << 20)
MUT(phnum_max, f.eh.e_phnum = 0xffff; f.size = 1 << 24)
MUT(phdrs_past_eof, f.eh.e_phoff = f.size - sizeof(Elf64_Phdr))
MUT(phoff_past_eof, f.eh.e_phoff = f.size + 1)
MUT(phoff_wraps, f.eh.e_phoff = UINT64_MAX - 8)
MUT(no_pt_load, for (int i = 0; i < 3; i++) f.ph[i].p_type = PT_NOTE)
MUT(misaligned, f.ph[2].p_vaddr = 0x403900)
MUT(misaligned_first, f.ph[0].p_offset = 0x10)
MUT(filesz_over_memsz, f.ph[2].p_filesz = 0x2001)
MUT(offset_wraps, f.ph[2].p_offset = 0xfffffffffffff800)
MUT(offset_huge, f.ph[2].p_offset = 0x8000000000000800)
MUT(kernel_vaddr, f.ph[1].p_vaddr = 0xffffffff80001000)
MUT(vaddr_at_task_size, f.ph[1].p_vaddr = EXEC_TASK_SIZE)
MUT(memsz_past_task_size, f.ph[2].p_memsz = EXEC_TASK_SIZE - 0x403800 + 1)
MUT(memsz_wraps, f.ph[2].p_memsz = 0xffffffffffffff00)
MUT(filesz_wraps, f.ph[2].p_filesz = 0xffffffffffffff00; f.ph[2].p_memsz = 0xffffffffffffff00)
MUT(entry_in_kernel, f.eh.e_entry = 0xffffffff81000000)
MUT(entry_at_task_size, f.eh.e_entry = EXEC_TASK_SIZE)

static const struct bad_case bad_cases[] = {
	{ "truncated header", mut_truncated_header, -ENOEXEC },
	{ "empty file", mut_empty_file, -ENOEXEC },
	{ "bad magic", mut_bad_magic, -ENOEXEC },
	{ "ELFCLASS32", mut_class32, -ENOEXEC },
	{ "ELFCLASSNONE", mut_class_none, -ENOEXEC },
	{ "big endian", mut_big_endian, -ENOEXEC },
	{ "EI_VERSION 0", mut_ident_version, -ENOEXEC },
	{ "EM_386", mut_machine_i386, -ENOEXEC },
	{ "EM_AARCH64", mut_machine_aarch64, -ENOEXEC },
	{ "ET_REL", mut_type_rel, -ENOEXEC },
	{ "ET_CORE", mut_type_core, -ENOEXEC },
	{ "phentsize 32", mut_phentsize_small, -ENOEXEC },
	{ "phentsize 64", mut_phentsize_big, -ENOEXEC },
	{ "phnum 0", mut_phnum_zero, -ENOEXEC },
	{ "phnum 1171 (over 64 KiB)", mut_phnum_over_64k, -ENOEXEC },
	{ "phnum 65535", mut_phnum_max, -ENOEXEC },
	{ "program headers past EOF", mut_phdrs_past_eof, -ENOEXEC },
	{ "e_phoff past EOF", mut_phoff_past_eof, -ENOEXEC },
	{ "e_phoff wraps", mut_phoff_wraps, -ENOEXEC },
	{ "no PT_LOAD", mut_no_pt_load, -EINVAL },
	{ "vaddr/offset not congruent", mut_misaligned, -EINVAL },
	{ "first segment not congruent", mut_misaligned_first, -EINVAL },
	{ "p_filesz > p_memsz", mut_filesz_over_memsz, -EINVAL },
	{ "p_offset + p_filesz wraps", mut_offset_wraps, -EOVERFLOW },
	{ "p_offset past the largest file", mut_offset_huge, -EOVERFLOW },
	{ "vaddr in kernel space", mut_kernel_vaddr, -ENOMEM },
	{ "vaddr at TASK_SIZE", mut_vaddr_at_task_size, -ENOMEM },
	{ "memsz past TASK_SIZE", mut_memsz_past_task_size, -ENOMEM },
	{ "vaddr + memsz wraps", mut_memsz_wraps, -ENOMEM },
	{ "vaddr + filesz wraps", mut_filesz_wraps, -ENOMEM },
	{ "entry in kernel space", mut_entry_in_kernel, -EINVAL },
	{ "entry at TASK_SIZE", mut_entry_at_task_size, -EINVAL },
};

HTEST(malformed_table)
{
	struct elf_plan plan;
	struct elf_info info;

	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		int err;

		fake_init();
		EXPECT_EQ(load(&plan, &info), 0);
		bad_cases[i].mutate();
		err = load(&plan, &info);
		if (err != bad_cases[i].err)
			printf("# case \"%s\": got %d, want %d\n", bad_cases[i].name, err,
			       bad_cases[i].err);
		EXPECT_EQ(err, bad_cases[i].err);
	}
}

HTEST(good_fake_plan)
{
	struct elf_plan plan;
	struct elf_info info;

	fake_init();
	EXPECT_EQ(load(&plan, &info), 0);
	EXPECT(!info.interp);
	EXPECT(!info.exec_stack);
	EXPECT_EQ(info.phdrs_size, 4 * sizeof(Elf64_Phdr));
	EXPECT_EQ(plan.bias, 0);
	EXPECT_EQ(plan.entry, 0x401000);
	EXPECT_EQ(plan.phdr_addr, 0x400040);
	EXPECT_EQ(plan.start, 0x400000);
	EXPECT_EQ(plan.end, 0x406000);
	EXPECT_EQ(plan.brk, 0x406000);
}

HTEST(boundaries_accepted)
{
	struct elf_plan plan;
	struct elf_info info;

	/* the largest program-header table Linux reads: 1170 entries */
	fake_init();
	f.eh.e_phnum = 65536 / sizeof(Elf64_Phdr);
	f.size = 1 << 20;
	EXPECT_EQ(load(&plan, &info), 0);
	/* a segment ending exactly at TASK_SIZE */
	fake_init();
	f.ph[2].p_memsz = EXEC_TASK_SIZE - 0x403800;
	EXPECT_EQ(load(&plan, &info), 0);
	EXPECT_EQ(plan.end, EXEC_TASK_SIZE);
	/* a pure-bss segment need not be congruent (nothing of the file is mapped) */
	fake_init();
	f.ph[2].p_filesz = 0;
	f.ph[2].p_offset = 0x123;
	EXPECT_EQ(load(&plan, &info), 0);
	/* file data ending exactly at EOF */
	fake_init();
	f.size = 0x2800 + 0x100;
	EXPECT_EQ(load(&plan, &info), 0);
	/* file data past EOF: Linux maps it (touching it is SIGBUS), so do we */
	fake_init();
	f.ph[2].p_filesz = 0x101;
	EXPECT_EQ(load(&plan, &info), 0);
	fake_init();
	f.ph[1].p_offset = 0x4000;
	EXPECT_EQ(load(&plan, &info), 0);
	/* overlapping segments: Linux maps them in order, the later wins */
	fake_init();
	f.ph[1].p_vaddr = 0x400000;
	f.ph[1].p_offset = 0x1000;
	EXPECT_EQ(load(&plan, &info), 0);
}

HTEST(interp_and_stack_flags)
{
	struct elf_plan plan;
	struct elf_info info;

	fake_init();
	f.ph[3].p_type = PT_INTERP;
	EXPECT_EQ(load(&plan, &info), 0);
	EXPECT(info.interp);
	EXPECT(!info.exec_stack);	/* no PT_GNU_STACK: not executable on x86_64 */

	fake_init();
	f.ph[3].p_flags = PF_R | PF_W | PF_X;
	EXPECT_EQ(load(&plan, &info), 0);
	EXPECT(info.exec_stack);

	/* only the first PT_GNU_STACK counts */
	fake_init();
	f.eh.e_phnum = 5;
	f.ph[4] = f.ph[3];
	f.ph[4].p_flags |= PF_X;
	EXPECT_EQ(load(&plan, &info), 0);
	EXPECT(!info.exec_stack);
}

/* AT_PHDR is found through the segment that maps e_phoff, not PT_PHDR. */
HTEST(phdr_address)
{
	struct elf_plan plan;
	struct elf_info info;

	fake_init();
	f.ph[0].p_filesz = 0x40;	/* the headers are no longer mapped */
	f.ph[0].p_memsz = 0x40;
	EXPECT_EQ(load(&plan, &info), 0);
	EXPECT_EQ(plan.phdr_addr, 0);

	fake_init();
	f.eh.e_phoff = 0x1040;		/* inside the text segment */
	f.size = 0x3000;
	EXPECT_EQ(load(&plan, &info), 0);
	EXPECT_EQ(plan.phdr_addr, 0x401040);
}

HTEST(static_pie_placement)
{
	struct elf_plan plan;
	struct elf_info info;

	fake_init();
	f.eh.e_type = ET_DYN;
	f.eh.e_entry = 0x1000;
	for (int i = 0; i < 3; i++)
		f.ph[i].p_vaddr -= 0x400000;
	EXPECT_EQ(load(&plan, &info), 0);
	/* the whole image (6 pages) right under mmap_base */
	EXPECT_EQ(plan.start, MMAP_BASE_8M - 0x6000);
	EXPECT_EQ(plan.end, MMAP_BASE_8M);
	EXPECT_EQ(plan.bias, MMAP_BASE_8M - 0x6000);
	EXPECT_EQ(plan.entry, plan.bias + 0x1000);
	EXPECT_EQ(plan.phdr_addr, plan.bias + 0x40);
	EXPECT_EQ(plan.brk, 0x555555555000);

	/* p_align 2 MiB: the start is aligned down to it */
	for (int i = 0; i < 3; i++)
		f.ph[i].p_align = 0x200000;
	EXPECT_EQ(load(&plan, &info), 0);
	EXPECT_EQ(plan.bias, ALIGN_DOWN(MMAP_BASE_8M - 0x6000, 0x200000));
	/* a p_align that is not a power of two is ignored */
	f.ph[0].p_align = 0x300000;
	f.ph[1].p_align = f.ph[2].p_align = 0x1000;
	EXPECT_EQ(load(&plan, &info), 0);
	EXPECT_EQ(plan.bias, MMAP_BASE_8M - 0x6000);
}

HTEST(segment_layout)
{
	struct elf_segment s;
	Elf64_Phdr text = { PT_LOAD, PF_R | PF_X, 0x1000, 0x401000, 0x401000, 0x500, 0x500, 0x1000 };
	Elf64_Phdr data = { PT_LOAD, PF_R | PF_W, 0x2800, 0x403800, 0x403800, 0x100, 0x2000, 0x1000 };
	Elf64_Phdr small_bss = { PT_LOAD, PF_R | PF_W, 0x2800, 0x403800, 0, 0x100, 0x200, 0 };
	Elf64_Phdr page_end = { PT_LOAD, PF_R | PF_W, 0x2800, 0x403800, 0, 0x800, 0x1800, 0 };
	Elf64_Phdr bss_only = { PT_LOAD, PF_R | PF_W, 0x123, 0x405100, 0, 0, 0x3000, 0 };
	Elf64_Phdr empty = { PT_LOAD, PF_R, 0, 0x406000, 0, 0, 0, 0 };

	elf_segment_layout(&text, 0, &s);
	EXPECT_EQ(s.start, 0x401000);
	EXPECT_EQ(s.file_end, 0x402000);
	EXPECT_EQ(s.file_off, 0x1000);
	EXPECT_EQ(s.zero_start, 0);	/* p_memsz == p_filesz: the page tail stays file data */
	EXPECT(s.bss_end <= s.file_end);
	EXPECT_EQ(s.pflags, PF_R | PF_X);

	elf_segment_layout(&data, 0, &s);
	EXPECT_EQ(s.start, 0x403000);
	EXPECT_EQ(s.file_off, 0x2000);
	EXPECT_EQ(s.file_end, 0x404000);
	EXPECT_EQ(s.zero_start, 0x403900);
	EXPECT_EQ(s.bss_end, 0x406000);

	elf_segment_layout(&small_bss, 0, &s);	/* bss inside the last file page */
	EXPECT_EQ(s.zero_start, 0x403900);
	EXPECT_EQ(s.bss_end, 0x404000);
	EXPECT_EQ(s.file_end, 0x404000);

	elf_segment_layout(&page_end, 0, &s);	/* file data ends on a page boundary */
	EXPECT_EQ(s.zero_start, 0);
	EXPECT_EQ(s.file_end, 0x404000);
	EXPECT_EQ(s.bss_end, 0x405000);

	elf_segment_layout(&bss_only, 0, &s);
	EXPECT_EQ(s.start, 0x405000);
	EXPECT_EQ(s.file_end, 0x405000);
	EXPECT_EQ(s.zero_start, 0);
	EXPECT_EQ(s.bss_end, 0x409000);

	elf_segment_layout(&empty, 0, &s);
	EXPECT(s.file_end == s.start && s.bss_end <= s.file_end);

	elf_segment_layout(&data, 0x7ffff7000000, &s);	/* biased */
	EXPECT_EQ(s.start, 0x7ffff7403000);
	EXPECT_EQ(s.file_off, 0x2000);
	EXPECT_EQ(s.zero_start, 0x7ffff7403900);
}

HTEST(limits)
{
	EXPECT_EQ(ELF_ET_DYN_BASE, 0x555555554aaa);
	EXPECT_EQ(exec_mmap_base(8 << 20), MMAP_BASE_8M);
	EXPECT_EQ(exec_mmap_base(0), MMAP_BASE_8M);
	EXPECT_EQ(exec_mmap_base(1UL << 30), EXEC_TASK_SIZE - (1UL << 30) - (1UL << 20));
	EXPECT_EQ(exec_mmap_base(UINT64_MAX), ALIGN_UP(EXEC_TASK_SIZE - EXEC_TASK_SIZE / 6 * 5, 4096));
	EXPECT_EQ(exec_arg_limit(8 << 20), 2 << 20);
	EXPECT_EQ(exec_arg_limit(64 << 20), 6 << 20);
	EXPECT_EQ(exec_arg_limit(UINT64_MAX), 6 << 20);
	EXPECT_EQ(exec_arg_limit(0), 128 << 10);
	EXPECT_EQ(exec_arg_limit(256 << 10), 128 << 10);
}

HTEST(stack_start)
{
	const uint64_t top = EXEC_STACK_TOP;

	/* one page of strings: that page plus 128 KiB */
	EXPECT_EQ(exec_stack_start(top - 100, top - 400, 8 << 20), top - 0x21000);
	/* strings over three pages */
	EXPECT_EQ(exec_stack_start(top - 0x2100, top - 0x2400, 8 << 20), top - 0x23000);
	/* infinite rlimit: the same */
	EXPECT_EQ(exec_stack_start(top - 100, top - 400, UINT64_MAX), top - 0x21000);
	/* a 64 KiB rlimit caps the expansion */
	EXPECT_EQ(exec_stack_start(top - 100, top - 400, 64 << 10), top - 0x10000);
	/* but never leaves the strings or the tables outside */
	EXPECT_EQ(exec_stack_start(top - 0x1100, top - 0x5010, 4096), top - 0x6000);
}

/* Where create_elf_tables puts things, checked by hand for one case. */
HTEST(stack_layout_by_hand)
{
	struct elf_stack_layout l;

	/* argv[0] at ...efd7: aligned to ...efd0, "x86_64" at ...efc9, random at ...efb9 */
	elf_stack_layout(0x7fffffffefd7, 3, 2, 23, sizeof(EXEC_PLATFORM), &l);
	EXPECT_EQ(l.platform, 0x7fffffffefc9);
	EXPECT_EQ(l.random, 0x7fffffffefb9);
	EXPECT_EQ(l.sp % 16, 0);
	EXPECT_EQ(l.argv, l.sp + 8);
	EXPECT_EQ(l.envp, l.argv + 4 * 8);
	EXPECT_EQ(l.auxv, l.envp + 3 * 8);
	EXPECT(l.auxv + 23 * 16 <= l.random);
	EXPECT(l.random - (l.auxv + 23 * 16) < 16);
	/* argc 0 still gets its NULL; odd counts still give an aligned sp */
	for (uint64_t argc = 0; argc < 5; argc++) {
		elf_stack_layout(0x7fffffffe001, argc, 7, 20, 7, &l);
		EXPECT_EQ(l.sp % 16, 0);
		EXPECT(l.auxv + 20 * 16 <= l.random);
	}
}

static bool sample_plan(const struct elf_sample *s, struct elf_info *info, struct elf_plan *plan)
{
	if (elf_check_header(s->head, s->head_len, s->file_size, info))
		return false;
	elf_scan_phdrs(info, (const Elf64_Phdr *)(s->head + info->eh.e_phoff));
	return elf_plan_load(info, (const Elf64_Phdr *)(s->head + info->eh.e_phoff),
			     exec_mmap_base(8 << 20), plan) == 0;
}

/* Real programs: entry, AT_PHDR and brk where Linux put them. */
HTEST(real_samples_as_linux)
{
	for (size_t i = 0; i < ARRAY_SIZE(elf_samples); i++) {
		const struct elf_sample *s = &elf_samples[i];
		struct elf_plan plan;
		struct elf_info info;

		printf("# sample %s\n", s->name);
		EXPECT(sample_plan(s, &info, &plan));
		EXPECT(!info.interp);
		EXPECT(!info.exec_stack);
		EXPECT_EQ(plan.entry, s->at_entry);
		EXPECT_EQ(plan.phdr_addr, s->at_phdr);
		EXPECT_EQ(plan.brk, s->start_brk);
	}
}

/* The initial stack of the real runs, object by object. */
HTEST(real_samples_stack_as_linux)
{
	static const char filename[] = "./sample";
	static const char strings_env[] = "A=1\0BB=22";
	static const char strings_arg[] = "./sample\0x\0yz";

	for (size_t i = 0; i < ARRAY_SIZE(elf_samples); i++) {
		const struct elf_sample *s = &elf_samples[i];
		struct elf_stack_layout l;

		if (!s->has_stack)
			continue;
		printf("# sample %s\n", s->name);
		/* strings from the top: 8 zero bytes, file name, environment, arguments */
		EXPECT_EQ(s->at_execfn, EXEC_STACK_TOP - 8 - sizeof(filename));
		EXPECT_EQ(s->env_end, s->at_execfn);
		EXPECT_EQ(s->env_start, s->env_end - sizeof(strings_env));
		EXPECT_EQ(s->arg_end, s->env_start);
		EXPECT_EQ(s->arg_start, s->arg_end - sizeof(strings_arg));
		EXPECT_EQ(s->argv0, s->arg_start);
		elf_stack_layout(s->arg_start, s->argc, s->envc, s->nr_aux, sizeof(EXEC_PLATFORM), &l);
		EXPECT_EQ(l.platform, s->at_platform);
		EXPECT_EQ(l.random, s->at_random);
		EXPECT_EQ(l.sp, s->sp);
		EXPECT_EQ(exec_stack_start(s->arg_start, l.sp, 8 << 20), s->stack_start);
	}
}

/* Whatever busybox this host has must be accepted (if it has one). */
HTEST(host_busybox_accepted)
{
	static uint8_t buf[70000];
	struct elf_plan plan;
	struct elf_info info;
	struct stat st;
	FILE *fp = fopen("/bin/busybox", "rb");
	size_t len;

	if (!fp) {
		printf("# no /bin/busybox here: skipped\n");
		return;
	}
	len = fread(buf, 1, sizeof(buf), fp);
	EXPECT(fstat(fileno(fp), &st) == 0);
	fclose(fp);
	EXPECT_EQ(elf_check_header(buf, len, st.st_size, &info), 0);
	EXPECT(info.eh.e_phoff + info.phdrs_size <= len);
	elf_scan_phdrs(&info, (const Elf64_Phdr *)(buf + info.eh.e_phoff));
	if (info.interp) {
		printf("# /bin/busybox here is dynamic: plan not checked\n");
		return;
	}
	EXPECT_EQ(elf_plan_load(&info, (const Elf64_Phdr *)(buf + info.eh.e_phoff), MMAP_BASE_8M,
				&plan), 0);
	EXPECT(plan.entry >= plan.start && plan.entry < plan.end);
}

HTEST_MAIN()
