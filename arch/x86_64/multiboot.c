/*
 * Reading the boot information of either protocol into struct boot_info:
 * Multiboot (QEMU -kernel; info structure, Multiboot 0.6.96 §3.3) and
 * Multiboot2 (GRUB; tag list, Multiboot2 §3.6). Everything is copied into
 * kernel memory so the loader's structures can be recycled later.
 * Structures are reached through the direct map, which the boot page
 * tables already provide for the low 4 GiB. The input is not trusted:
 * lengths are checked, absurd entries dropped with a warning.
 */
#include <ferrite/boot.h>
#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <ferrite/string.h>
#include <arch/memlayout.h>

#define MB1_BOOT_MAGIC	0x2BADB002
#define MB2_BOOT_MAGIC	0x36d76289

#define MB1_INFO_MEM	(1u << 0)
#define MB1_INFO_CMDLINE (1u << 2)
#define MB1_INFO_MODS	(1u << 3)
#define MB1_INFO_MMAP	(1u << 6)
#define MB1_INFO_LOADER	(1u << 9)

#define MB2_TAG_END	0
#define MB2_TAG_CMDLINE	1
#define MB2_TAG_LOADER	2
#define MB2_TAG_MODULE	3
#define MB2_TAG_MEMINFO	4
#define MB2_TAG_MMAP	6
#define MB2_TAG_FB	8
#define MB2_TAG_ACPI1	14
#define MB2_TAG_ACPI2	15

#define BOOT_STR_SPACE	4096
#define INFO_LIMIT	(1UL << 32)	/* both protocols hand us 32-bit pointers */

struct mb1_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
} __packed;

struct mb1_mmap {
	uint32_t size;		/* of the rest of the entry */
	uint64_t addr, len;
	uint32_t type;
} __packed;

struct mb1_module {
	uint32_t start, end, string, reserved;
} __packed;

struct mb2_tag {
	uint32_t type, size;
} __packed;

struct mb2_mmap {
	uint32_t type, size, entry_size, entry_version;
} __packed;

struct mb2_mmap_entry {
	uint64_t addr, len;
	uint32_t type, reserved;
} __packed;

struct mb2_module {
	uint32_t type, size, start, end;
	char cmdline[];
} __packed;

struct mb2_fb {
	uint32_t type, size;
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp, fb_type;
	uint16_t reserved;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
} __packed;

struct boot_info boot_info;
static char boot_strings[BOOT_STR_SPACE];
static size_t boot_strings_used;

/*
 * Copy the NUL-terminated string at physical @phys (at most @max bytes are
 * read) into kernel memory; returns it, or "" when out of space or @phys is
 * not a sane address.
 */
static const char *boot_copy_str(uint64_t phys, size_t max)
{
	const char *src;
	size_t len;
	char *dst;

	if (phys == 0 || phys >= INFO_LIMIT)
		return "";
	src = phys_to_virt(phys);
	len = strnlen(src, max);
	if (boot_strings_used + len + 1 > sizeof(boot_strings)) {
		pr_warn("boot: string at %#lx too long, dropped\n", (unsigned long)phys);
		return "";
	}
	dst = boot_strings + boot_strings_used;
	memcpy(dst, src, len);
	dst[len] = '\0';
	boot_strings_used += len + 1;
	return dst;
}

static void boot_add_mmap(struct boot_info *bi, uint64_t base, uint64_t len, uint32_t type)
{
	if (len == 0 || base + len < base) {
		pr_warn("boot: memory map entry %#llx+%#llx is absurd, ignored\n",
			(unsigned long long)base, (unsigned long long)len);
		return;
	}
	if (bi->nr_mmap >= BOOT_MAX_MMAP) {
		pr_warn("boot: more than %d memory map entries, rest ignored\n", BOOT_MAX_MMAP);
		return;
	}
	if (type < BOOT_MEM_USABLE || type > BOOT_MEM_BAD)
		type = BOOT_MEM_RESERVED;
	bi->mmap[bi->nr_mmap++] = (struct boot_mmap_entry){ base, len, type };
}

static void boot_add_module(struct boot_info *bi, uint64_t start, uint64_t end,
			    const char *cmdline)
{
	if (end < start || end > INFO_LIMIT) {
		pr_warn("boot: module %#llx-%#llx is malformed, ignored\n",
			(unsigned long long)start, (unsigned long long)end);
		return;
	}
	if (bi->nr_modules >= BOOT_MAX_MODULES) {
		pr_warn("boot: more than %d modules, rest ignored\n", BOOT_MAX_MODULES);
		return;
	}
	bi->modules[bi->nr_modules++] = (struct boot_module){ start, end, cmdline };
}

static void mb1_parse_mmap(struct boot_info *bi, const struct mb1_info *info)
{
	uint64_t p = info->mmap_addr, end = p + info->mmap_length;

	while (p + sizeof(struct mb1_mmap) <= end) {
		const struct mb1_mmap *e = phys_to_virt(p);

		if (e->size < 20) {
			pr_warn("boot: memory map entry of size %u, map truncated\n", e->size);
			break;
		}
		boot_add_mmap(bi, e->addr, e->len, e->type);
		p += e->size + sizeof(e->size);
	}
}

/*
 * Multiboot loaders (QEMU's, GRUB's "multiboot") put the kernel image's
 * path first in the command line; Linux's loaders do not, so drop it.
 */
static const char *mb1_skip_image_name(const char *cmdline)
{
	while (*cmdline == ' ')
		cmdline++;
	while (*cmdline && *cmdline != ' ')
		cmdline++;
	while (*cmdline == ' ')
		cmdline++;
	return cmdline;
}

static int mb1_parse(struct boot_info *bi, uint64_t info_phys)
{
	const struct mb1_info *info = phys_to_virt(info_phys);

	bi->protocol = 1;
	bi->info_phys = info_phys;
	bi->info_size = sizeof(*info);
	if (info->flags & MB1_INFO_CMDLINE)
		bi->cmdline = mb1_skip_image_name(boot_copy_str(info->cmdline, 4096));
	if (info->flags & MB1_INFO_LOADER)
		bi->loader = boot_copy_str(info->boot_loader_name, 256);
	if ((info->flags & MB1_INFO_MMAP) && info->mmap_length < 65536)
		mb1_parse_mmap(bi, info);
	if (bi->nr_mmap == 0 && (info->flags & MB1_INFO_MEM)) {
		pr_warn("boot: no memory map, using the basic lower/upper memory sizes\n");
		boot_add_mmap(bi, 0, (uint64_t)info->mem_lower * 1024, BOOT_MEM_USABLE);
		boot_add_mmap(bi, MiB(1), (uint64_t)info->mem_upper * 1024, BOOT_MEM_USABLE);
	}
	if ((info->flags & MB1_INFO_MODS) && info->mods_count <= 1024) {
		const struct mb1_module *m = phys_to_virt(info->mods_addr);

		for (uint32_t i = 0; i < info->mods_count; i++)
			boot_add_module(bi, m[i].start, m[i].end, boot_copy_str(m[i].string, 1024));
	}
	return 0;
}

static void mb2_parse_mmap(struct boot_info *bi, const struct mb2_tag *tag)
{
	const struct mb2_mmap *mm = (const void *)tag;
	const uint8_t *p = (const uint8_t *)(mm + 1), *end = (const uint8_t *)tag + tag->size;

	if (tag->size < sizeof(*mm) || mm->entry_size < sizeof(struct mb2_mmap_entry)) {
		pr_warn("boot: malformed Multiboot2 memory map tag\n");
		return;
	}
	for (; p + mm->entry_size <= end; p += mm->entry_size) {
		const struct mb2_mmap_entry *e = (const void *)p;

		boot_add_mmap(bi, e->addr, e->len, e->type);
	}
}

static void mb2_parse_fb(struct boot_info *bi, const struct mb2_tag *tag)
{
	const struct mb2_fb *fb = (const void *)tag;

	if (tag->size < sizeof(*fb) || fb->fb_type != 1)
		return;	/* only direct RGB colour; indexed and EGA text are not used */
	bi->fb = (struct boot_framebuffer){
		.phys = fb->addr, .pitch = fb->pitch, .width = fb->width,
		.height = fb->height, .bpp = fb->bpp,
		.red_pos = fb->red_pos, .red_size = fb->red_size,
		.green_pos = fb->green_pos, .green_size = fb->green_size,
		.blue_pos = fb->blue_pos, .blue_size = fb->blue_size,
	};
}

static void mb2_parse_tag(struct boot_info *bi, const struct mb2_tag *tag, uint64_t tag_phys)
{
	switch (tag->type) {
	case MB2_TAG_CMDLINE:
		bi->cmdline = boot_copy_str(tag_phys + 8, tag->size - 8);
		break;
	case MB2_TAG_LOADER:
		bi->loader = boot_copy_str(tag_phys + 8, tag->size - 8);
		break;
	case MB2_TAG_MODULE:
		if (tag->size >= sizeof(struct mb2_module)) {
			const struct mb2_module *m = (const void *)tag;

			boot_add_module(bi, m->start, m->end,
					boot_copy_str(tag_phys + 16, tag->size - 16));
		}
		break;
	case MB2_TAG_MMAP:
		mb2_parse_mmap(bi, tag);
		break;
	case MB2_TAG_FB:
		mb2_parse_fb(bi, tag);
		break;
	case MB2_TAG_ACPI1:
	case MB2_TAG_ACPI2:
		/* the tag holds a copy of the RSDP; prefer the v2 copy */
		if (!bi->rsdp_phys || tag->type == MB2_TAG_ACPI2)
			bi->rsdp_phys = tag_phys + 8;
		break;
	default:
		break;
	}
}

static int mb2_parse(struct boot_info *bi, uint64_t info_phys)
{
	uint32_t total = *(const uint32_t *)phys_to_virt(info_phys);
	uint64_t p = info_phys + 8, end = info_phys + total;

	bi->protocol = 2;
	bi->info_phys = info_phys;
	bi->info_size = total;
	if (total < 16 || total > MiB(1)) {
		pr_err("boot: Multiboot2 information of absurd size %u\n", total);
		return -EINVAL;
	}
	while (p + sizeof(struct mb2_tag) <= end) {
		const struct mb2_tag *tag = phys_to_virt(p);

		if (tag->type == MB2_TAG_END)
			break;
		if (tag->size < 8 || p + tag->size > end) {
			pr_warn("boot: Multiboot2 tag %u of size %u is malformed, rest ignored\n",
				tag->type, tag->size);
			break;
		}
		mb2_parse_tag(bi, tag, p);
		p = ALIGN_UP(p + tag->size, 8);
	}
	return 0;
}

/*
 * Fill boot_info from the boot loader's information at @info_phys, given
 * the @magic the loader left in EAX. Returns 0, or -EINVAL when the magic
 * is unknown or the information unusable (no memory map at all).
 */
int multiboot_parse(uint32_t magic, uint64_t info_phys)
{
	struct boot_info *bi = &boot_info;
	int err;

	bi->cmdline = "";
	bi->loader = "";
	if (info_phys == 0 || info_phys >= INFO_LIMIT) {
		pr_err("boot: boot information pointer %#llx is invalid\n",
		       (unsigned long long)info_phys);
		return -EINVAL;
	}
	if (magic == MB1_BOOT_MAGIC) {
		err = mb1_parse(bi, info_phys);
	} else if (magic == MB2_BOOT_MAGIC) {
		err = mb2_parse(bi, info_phys);
	} else {
		pr_err("boot: unknown boot loader magic %#x\n", magic);
		return -EINVAL;
	}
	if (err)
		return err;
	if (bi->nr_mmap == 0) {
		pr_err("boot: the boot loader gave no memory map\n");
		return -EINVAL;
	}
	return 0;
}
