/*
 * The \_S5_ (soft-off) sleep type values, found in the DSDT/SSDT AML by
 * pattern rather than by an AML interpreter (ACPI 6.5 §20.2 grammar):
 *
 *	NameOp(0x08) ['\' | '^'...] "_S5_" PackageOp(0x12) PkgLength NumElements
 *	    element element ...
 *
 * PkgLength is 1 to 4 bytes: the lead byte's top two bits give the number
 * of bytes that follow; with none, its low six bits are the length; else
 * its low four bits are the lowest nibble and each following byte adds
 * eight more bits. The length counts from the PkgLength's first byte.
 * Elements are integers: ZeroOp 0x00, OneOp 0x01, OnesOp 0xff, BytePrefix
 * 0x0a, WordPrefix 0x0b, DWordPrefix 0x0c, QWordPrefix 0x0e, or (as some
 * firmware writes them) a bare byte 0x02-0x09. Every read is bounded by
 * the package's end, itself bounded by the table's.
 */
#include <ferrite/acpi.h>
#include <ferrite/errno.h>
#include <ferrite/string.h>

#define AML_ZERO_OP		0x00
#define AML_ONE_OP		0x01
#define AML_NAME_OP		0x08
#define AML_BYTE_PREFIX		0x0a
#define AML_WORD_PREFIX		0x0b
#define AML_DWORD_PREFIX	0x0c
#define AML_QWORD_PREFIX	0x0e
#define AML_PACKAGE_OP		0x12
#define AML_ROOT_CHAR		0x5c	/* '\' */
#define AML_PARENT_CHAR		0x5e	/* '^' */
#define AML_ONES_OP		0xff

/*
 * Decode a PkgLength at @p (bounded by @end). Returns the position after
 * it and stores in *@pkg_end the position where the package ends, or
 * returns 0 when it is malformed or runs past @end.
 */
static size_t aml_pkg_length(const uint8_t *aml, size_t p, size_t end, size_t *pkg_end)
{
	size_t start = p, nbytes, i;
	uint32_t len;

	if (p >= end)
		return 0;
	nbytes = aml[p] >> 6;
	if (p + 1 + nbytes > end)
		return 0;
	if (nbytes == 0) {
		len = aml[p] & 0x3f;
	} else {
		len = aml[p] & 0x0f;
		for (i = 0; i < nbytes; i++)
			len |= (uint32_t)aml[p + 1 + i] << (4 + 8 * i);
	}
	p += 1 + nbytes;
	if (len < p - start || len > end - start)
		return 0;
	*pkg_end = start + len;
	return p;
}

/* Little-endian integer of @n bytes at @p. */
static uint64_t aml_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

/*
 * Decode an integer element at *@p (bounded by @end) into *@val and advance
 * *@p past it. Returns 0, or -EINVAL for anything else.
 */
static int aml_integer(const uint8_t *aml, size_t *p, size_t end, uint64_t *val)
{
	static const uint8_t prefix_bytes[] = {
		[AML_BYTE_PREFIX] = 1, [AML_WORD_PREFIX] = 2,
		[AML_DWORD_PREFIX] = 4, [AML_QWORD_PREFIX] = 8,
	};
	uint8_t op;
	size_t n;

	if (*p >= end)
		return -EINVAL;
	op = aml[*p];
	if (op == AML_ONES_OP || op <= 0x09) {
		/* ZeroOp, OneOp, OnesOp, or a bare constant */
		*val = op == AML_ONES_OP ? ~0ull : op;
		*p += 1;
		return 0;
	}
	if (op >= ARRAY_SIZE(prefix_bytes) || !prefix_bytes[op])
		return -EINVAL;
	n = prefix_bytes[op];
	if (n > end - *p - 1)
		return -EINVAL;
	*val = aml_le(aml + *p + 1, n);
	*p += 1 + n;
	return 0;
}

/* Is the "_S5_" at @i the name of a NameOp (with optional '\' / '^' prefixes)? */
static bool aml_is_named(const uint8_t *aml, size_t i)
{
	while (i > 0 && (aml[i - 1] == AML_ROOT_CHAR || aml[i - 1] == AML_PARENT_CHAR))
		i--;
	return i > 0 && aml[i - 1] == AML_NAME_OP;
}

/* Decode the package following the "_S5_" at @i. Returns 0 or -EINVAL. */
static int aml_decode_s5(const uint8_t *aml, size_t len, size_t i, uint8_t *a, uint8_t *b)
{
	size_t p = i + 4, pkg_end;
	uint64_t va, vb;

	if (!aml_is_named(aml, i) || p >= len || aml[p] != AML_PACKAGE_OP)
		return -EINVAL;
	p = aml_pkg_length(aml, p + 1, len, &pkg_end);
	if (!p || p >= pkg_end)
		return -EINVAL;
	if (aml[p++] < 2)	/* NumElements */
		return -EINVAL;
	if (aml_integer(aml, &p, pkg_end, &va) || aml_integer(aml, &p, pkg_end, &vb))
		return -EINVAL;
	*a = (uint8_t)va;
	*b = (uint8_t)vb;
	return 0;
}

int acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb)
{
	size_t i;

	for (i = 0; i + 4 <= len; i++) {
		if (memcmp(aml + i, "_S5_", 4) != 0)
			continue;
		if (aml_decode_s5(aml, len, i, slp_typa, slp_typb) == 0)
			return 0;
	}
	return -ENOENT;
}

/* Search the body of the checked table @h. */
static int acpi_table_find_s5(const struct acpi_sdt_header *h, uint8_t *a, uint8_t *b)
{
	return acpi_aml_find_s5((const uint8_t *)(h + 1), h->length - sizeof(*h), a, b);
}

int acpi_find_s5(uint8_t *slp_typa, uint8_t *slp_typb)
{
	const struct acpi_sdt_header *h = acpi_find_table("DSDT", 0);
	int i;

	if (h && acpi_table_find_s5(h, slp_typa, slp_typb) == 0)
		return 0;
	for (i = 0; (h = acpi_find_table("SSDT", i)); i++) {
		if (acpi_table_find_s5(h, slp_typa, slp_typb) == 0)
			return 0;
	}
	return -ENOENT;
}
