/*
 * The kernel's own symbol table (.ksyms, generated at link time from the
 * first link's `nm -n`): maps a text address to "function+0xoff/0xsize".
 */
#include <ferrite/ksyms.h>
#include <ferrite/string.h>

struct ksym {
	uint64_t addr;
	uint64_t name_off;
};

extern const uint64_t ksyms_count;
extern const struct ksym ksyms_table[] __weak;
extern const char ksyms_names[] __weak;
extern const char _text[], _etext[];

/*
 * Find the symbol containing @addr. Returns its name and sets *@offset and
 * *@size, or returns NULL when @addr is outside the kernel's text.
 */
const char *ksyms_lookup(uint64_t addr, uint64_t *offset, uint64_t *size)
{
	uint64_t lo = 0, hi = ksyms_count;

	if (addr < (uint64_t)_text || addr >= (uint64_t)_etext || hi == 0)
		return NULL;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (ksyms_table[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (ksyms_table[lo].addr > addr)
		return NULL;
	*offset = addr - ksyms_table[lo].addr;
	*size = (lo + 1 < ksyms_count ? ksyms_table[lo + 1].addr : (uint64_t)_etext) -
		ksyms_table[lo].addr;
	return ksyms_names + ksyms_table[lo].name_off;
}

/* Format @addr as Linux does in backtraces: "name+0x1f/0x80" or the hex address. */
int ksyms_format(char *buf, size_t size, uint64_t addr)
{
	uint64_t off, len;
	const char *name = ksyms_lookup(addr, &off, &len);

	if (!name)
		return snprintf(buf, size, "0x%016lx", (unsigned long)addr);
	return snprintf(buf, size, "%s+0x%lx/0x%lx", name, (unsigned long)off,
			(unsigned long)len);
}
