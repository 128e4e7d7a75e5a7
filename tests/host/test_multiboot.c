// host-test-sources: arch/x86_64/multiboot.c
/*
 * Boot information parsing (Multiboot and Multiboot2) on hand-built
 * structures, good and bad: the kernel must keep what is sane, drop what is
 * absurd with a warning, and refuse what it cannot boot from. Buffers come
 * from mmap(MAP_32BIT) because boot information lives below 4 GiB.
 */
#include <stdarg.h>
#include <stdint.h>
#include <sys/mman.h>
#include "htest.h"
#include <ferrite/boot.h>
#include <ferrite/errno.h>

int multiboot_parse(uint32_t magic, uint64_t info_phys);

static int warnings;

int printk(const char *fmt, ...)
{
	va_list ap;

	warnings++;
	va_start(ap, fmt);
	printf("# printk: ");
	vprintf(fmt + (fmt[0] == '\001' ? 2 : 0), ap);
	va_end(ap);
	return 0;
}

static uint8_t *low_buf(void)
{
	void *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
		       -1, 0);

	if (p == MAP_FAILED)
		abort();
	return p;
}

static void reset(void)
{
	memset(&boot_info, 0, sizeof(boot_info));
	warnings = 0;
}

static uint64_t addr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* Multiboot 1 info at buf, mmap entries at buf+0x100, strings at buf+0x800. */
static void mb1_put_mmap(uint8_t *buf, int i, uint64_t base, uint64_t len, uint32_t type)
{
	uint8_t *e = buf + 0x100 + i * 24;

	*(uint32_t *)e = 20;
	memcpy(e + 4, &base, 8);
	memcpy(e + 12, &len, 8);
	memcpy(e + 20, &type, 4);
}

HTEST(mb1_map_cmdline_and_modules)
{
	uint8_t *buf = low_buf();
	uint32_t *info = (uint32_t *)buf;

	reset();
	info[0] = (1 << 2) | (1 << 3) | (1 << 6) | (1 << 9);
	strcpy((char *)buf + 0x800, "/boot/ferrite console=ttyS0 quiet");
	info[4] = (uint32_t)addr(buf + 0x800);
	mb1_put_mmap(buf, 0, 0, 0x9fc00, 1);
	mb1_put_mmap(buf, 1, 0x100000, 0x7f00000, 1);
	mb1_put_mmap(buf, 2, 0xfffc0000, 0x40000, 2);
	info[11] = 3 * 24;
	info[12] = (uint32_t)addr(buf + 0x100);
	/* two modules: one good, one with end before start */
	uint32_t *mods = (uint32_t *)(buf + 0x400);
	mods[0] = 0x200000; mods[1] = 0x300000; mods[2] = (uint32_t)addr(buf + 0x900); mods[3] = 0;
	mods[4] = 0x500000; mods[5] = 0x400000; mods[6] = 0; mods[7] = 0;
	strcpy((char *)buf + 0x900, "initramfs");
	info[5] = 2;
	info[6] = (uint32_t)addr(mods);
	strcpy((char *)buf + 0xa00, "QEMU");
	info[16] = (uint32_t)addr(buf + 0xa00);

	EXPECT_EQ(multiboot_parse(0x2BADB002, addr(buf)), 0);
	EXPECT_EQ(boot_info.protocol, 1);
	EXPECT_STREQ(boot_info.cmdline, "console=ttyS0 quiet");
	EXPECT_STREQ(boot_info.loader, "QEMU");
	EXPECT_EQ(boot_info.nr_mmap, 3);
	EXPECT_EQ(boot_info.mmap[1].base, 0x100000);
	EXPECT_EQ(boot_info.mmap[1].size, 0x7f00000);
	EXPECT_EQ(boot_info.mmap[2].type, BOOT_MEM_RESERVED);
	EXPECT_EQ(boot_info.nr_modules, 1);
	EXPECT_EQ(boot_info.modules[0].end, 0x300000);
	EXPECT_STREQ(boot_info.modules[0].cmdline, "initramfs");
	EXPECT(warnings >= 1);	/* the malformed module */
}

HTEST(mb1_absurd_regions_dropped)
{
	uint8_t *buf = low_buf();
	uint32_t *info = (uint32_t *)buf;

	reset();
	info[0] = 1 << 6;
	mb1_put_mmap(buf, 0, 0x100000, 0, 1);			/* empty */
	mb1_put_mmap(buf, 1, 0xfffffffffffff000ULL, 0x2000, 1);	/* wraps */
	mb1_put_mmap(buf, 2, 0x100000, 0x1000000, 7);		/* unknown type */
	info[11] = 3 * 24;
	info[12] = (uint32_t)addr(buf + 0x100);
	EXPECT_EQ(multiboot_parse(0x2BADB002, addr(buf)), 0);
	EXPECT_EQ(boot_info.nr_mmap, 1);
	EXPECT_EQ(boot_info.mmap[0].type, BOOT_MEM_RESERVED);
	EXPECT_EQ(warnings, 2);
	EXPECT_STREQ(boot_info.cmdline, "");
}

HTEST(mb1_truncated_map_entry)
{
	uint8_t *buf = low_buf();
	uint32_t *info = (uint32_t *)buf;

	reset();
	info[0] = 1 << 6;
	mb1_put_mmap(buf, 0, 0x100000, 0x1000000, 1);
	*(uint32_t *)(buf + 0x100 + 24) = 0;		/* size 0 would loop forever */
	info[11] = 3 * 24;
	info[12] = (uint32_t)addr(buf + 0x100);
	EXPECT_EQ(multiboot_parse(0x2BADB002, addr(buf)), 0);
	EXPECT_EQ(boot_info.nr_mmap, 1);
}

HTEST(mb1_no_map_falls_back_to_basic_sizes)
{
	uint8_t *buf = low_buf();
	uint32_t *info = (uint32_t *)buf;

	reset();
	info[0] = 1 << 0;
	info[1] = 639;
	info[2] = 130048;
	EXPECT_EQ(multiboot_parse(0x2BADB002, addr(buf)), 0);
	EXPECT_EQ(boot_info.nr_mmap, 2);
	EXPECT_EQ(boot_info.mmap[1].base, 0x100000);
	EXPECT_EQ(boot_info.mmap[1].size, 130048ULL * 1024);
}

HTEST(no_memory_information_is_refused)
{
	uint8_t *buf = low_buf();

	reset();
	memset(buf, 0, 64);
	EXPECT_EQ(multiboot_parse(0x2BADB002, addr(buf)), -EINVAL);
}

HTEST(bad_magic_and_pointer_refused)
{
	uint8_t *buf = low_buf();

	reset();
	EXPECT_EQ(multiboot_parse(0x12345678, addr(buf)), -EINVAL);
	EXPECT_EQ(multiboot_parse(0x2BADB002, 0), -EINVAL);
	EXPECT_EQ(multiboot_parse(0x2BADB002, 0x100000000ULL), -EINVAL);
}

/* Multiboot2: append a tag at *off and return a pointer to it. */
static uint8_t *mb2_tag(uint8_t *buf, uint32_t *off, uint32_t type, uint32_t size)
{
	uint8_t *t = buf + *off;

	((uint32_t *)t)[0] = type;
	((uint32_t *)t)[1] = size;
	*off = (*off + size + 7) & ~7u;
	return t;
}

static uint32_t mb2_build(uint8_t *buf, bool truncate_mmap)
{
	uint32_t off = 8;
	uint8_t *t;

	t = mb2_tag(buf, &off, 1, 8 + 14);
	memcpy(t + 8, "console=ttyS0", 14);
	t = mb2_tag(buf, &off, 6, 16 + 2 * 24);
	((uint32_t *)t)[2] = 24;
	uint64_t e0[3] = { 0, 0x9fc00, 1 }, e1[3] = { 0x100000, 0x3ff00000, 1 };
	memcpy(t + 16, e0, 24);
	memcpy(t + 40, e1, 24);
	if (truncate_mmap)
		((uint32_t *)t)[1] = 4096;	/* runs past the end */
	t = mb2_tag(buf, &off, 3, 16 + 10);
	((uint32_t *)t)[2] = 0x800000;
	((uint32_t *)t)[3] = 0x900000;
	memcpy(t + 16, "initramfs", 10);
	t = mb2_tag(buf, &off, 8, 38);
	uint64_t fb = 0xfd000000;
	memcpy(t + 8, &fb, 8);
	((uint32_t *)t)[4] = 4096;	/* pitch */
	((uint32_t *)t)[5] = 1024;
	((uint32_t *)t)[6] = 768;
	t[28] = 32;
	t[29] = 1;
	t[32] = 16; t[33] = 8; t[34] = 8; t[35] = 8; t[36] = 0; t[37] = 8;
	t = mb2_tag(buf, &off, 14, 8 + 20);
	mb2_tag(buf, &off, 0, 8);
	((uint32_t *)buf)[0] = off;
	return off;
}

HTEST(mb2_tags)
{
	uint8_t *buf = low_buf();

	reset();
	mb2_build(buf, false);
	EXPECT_EQ(multiboot_parse(0x36d76289, addr(buf)), 0);
	EXPECT_EQ(boot_info.protocol, 2);
	EXPECT_STREQ(boot_info.cmdline, "console=ttyS0");
	EXPECT_EQ(boot_info.nr_mmap, 2);
	EXPECT_EQ(boot_info.mmap[1].size, 0x3ff00000);
	EXPECT_EQ(boot_info.nr_modules, 1);
	EXPECT_STREQ(boot_info.modules[0].cmdline, "initramfs");
	EXPECT_EQ(boot_info.fb.phys, 0xfd000000);
	EXPECT_EQ(boot_info.fb.width, 1024);
	EXPECT_EQ(boot_info.fb.bpp, 32);
	EXPECT_EQ(boot_info.fb.red_pos, 16);
	EXPECT_EQ(boot_info.fb.blue_size, 8);
	EXPECT(boot_info.rsdp_phys != 0);
}

HTEST(mb2_tag_past_end_stops_parsing)
{
	uint8_t *buf = low_buf();

	reset();
	mb2_build(buf, true);
	/* the memory map tag is malformed, so nothing after it is trusted and
	 * there is no memory map: the boot information is refused */
	EXPECT_EQ(multiboot_parse(0x36d76289, addr(buf)), -EINVAL);
	EXPECT_STREQ(boot_info.cmdline, "console=ttyS0");
	EXPECT(warnings >= 1);
}

HTEST(mb2_absurd_total_size)
{
	uint8_t *buf = low_buf();

	reset();
	((uint32_t *)buf)[0] = 4;
	EXPECT_EQ(multiboot_parse(0x36d76289, addr(buf)), -EINVAL);
	((uint32_t *)buf)[0] = 0x7fffffff;
	EXPECT_EQ(multiboot_parse(0x36d76289, addr(buf)), -EINVAL);
}

HTEST_MAIN()
