/*
 * Kernel string and memory functions, and the strict kstrto* number parsers
 * (Linux semantics). Plain C, no assembly: memory functions move a machine
 * word at a time when the pointers allow it, bytes otherwise.
 *
 * GCC may turn a copy or fill loop into a call to memcpy/memset; inside those
 * very functions that would recurse forever, so every loop here that looks
 * like one is compiled with loop-to-libcall disabled (the pragma below).
 *
 * The functions are defined as "(name)" so the macros in <ferrite/string.h>
 * that map memcpy() to __builtin_memcpy() do not rewrite the definitions. The
 * host tests include this file with the libc-clashing names renamed.
 */
#include <ferrite/string.h>
#include <ferrite/errno.h>

#pragma GCC push_options
#pragma GCC optimize("no-tree-loop-distribute-patterns")

typedef unsigned long __attribute__((may_alias)) ulong_alias;
#define WORD_SIZE sizeof(unsigned long)
#define WORD_MASK (WORD_SIZE - 1)
#define BYTES_ONES (~0UL / 0xff)	/* 0x0101...01 */

/* Copy @n bytes upwards; safe for overlap when dst <= src. */
static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	if ((((uintptr_t)d ^ (uintptr_t)s) & WORD_MASK) == 0) {
		for (; n && ((uintptr_t)d & WORD_MASK); n--)
			*d++ = *s++;
		for (; n >= WORD_SIZE; n -= WORD_SIZE, d += WORD_SIZE, s += WORD_SIZE)
			*(ulong_alias *)d = *(const ulong_alias *)s;
	}
	for (; n; n--)
		*d++ = *s++;
}

/* Copy @n bytes downwards, last byte first; safe for overlap when dst > src. */
static void copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
	d += n;
	s += n;
	if ((((uintptr_t)d ^ (uintptr_t)s) & WORD_MASK) == 0) {
		for (; n && ((uintptr_t)d & WORD_MASK); n--)
			*--d = *--s;
		for (; n >= WORD_SIZE; n -= WORD_SIZE) {
			d -= WORD_SIZE;
			s -= WORD_SIZE;
			*(ulong_alias *)d = *(const ulong_alias *)s;
		}
	}
	for (; n; n--)
		*--d = *--s;
}

/* Copy @n bytes from @src to @dst (no overlap); returns @dst. */
void *(memcpy)(void *restrict dst, const void *restrict src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

/* Copy @n bytes from @src to @dst; the areas may overlap. Returns @dst. */
void *(memmove)(void *dst, const void *src, size_t n)
{
	if ((uintptr_t)dst - (uintptr_t)src >= n)
		copy_forward(dst, src, n);	/* dst before src, or apart */
	else
		copy_backward(dst, src, n);
	return dst;
}

/* Fill @n bytes at @s with the byte @c; returns @s. */
void *(memset)(void *s, int c, size_t n)
{
	unsigned char *p = s;
	unsigned long pattern = (unsigned char)c * BYTES_ONES;

	for (; n && ((uintptr_t)p & WORD_MASK); n--)
		*p++ = (unsigned char)c;
	for (; n >= WORD_SIZE; n -= WORD_SIZE, p += WORD_SIZE)
		*(ulong_alias *)p = pattern;
	for (; n; n--)
		*p++ = (unsigned char)c;
	return s;
}

/* Compare @n bytes as unsigned chars; <0, 0 or >0 like C's memcmp. */
int (memcmp)(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	if ((((uintptr_t)x | (uintptr_t)y) & WORD_MASK) == 0) {
		for (; n >= WORD_SIZE; n -= WORD_SIZE, x += WORD_SIZE, y += WORD_SIZE)
			if (*(const ulong_alias *)x != *(const ulong_alias *)y)
				break;
	}
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

/* First occurrence of byte @c in @n bytes at @s, or NULL. */
void *(memchr)(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t (strlen)(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

/* Length of @s, but at most @maxlen; never reads past s[maxlen - 1]. */
size_t (strnlen)(const char *s, size_t maxlen)
{
	size_t n = 0;

	while (n < maxlen && s[n])
		n++;
	return n;
}

int (strcmp)(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return *x - *y;
}

int (strncmp)(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
		if (!*x)
			break;
	}
	return 0;
}

/* As strcmp, ignoring ASCII case. */
int (strcasecmp)(const char *a, const char *b)
{
	return strncasecmp(a, b, (size_t)-1);
}

/* As strncmp, ignoring ASCII case. */
int (strncasecmp)(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; n; n--, x++, y++) {
		int cx = ascii_tolower(*x), cy = ascii_tolower(*y);

		if (cx != cy)
			return cx - cy;
		if (!cx)
			break;
	}
	return 0;
}

/* First @c in @s (the terminating NUL counts when @c is 0), or NULL. */
char *(strchr)(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

/* Last @c in @s (the terminating NUL counts when @c is 0), or NULL. */
char *(strrchr)(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

/* First occurrence of @needle in @haystack; @haystack if @needle is "". */
char *(strstr)(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0)
		return (char *)haystack;
	for (; *haystack; haystack++)
		if (*haystack == *needle && strncmp(haystack, needle, n) == 0)
			return (char *)haystack;
	return NULL;
}

/* Length of the leading run of @s made only of characters in @accept. */
size_t (strspn)(const char *s, const char *accept)
{
	size_t n = 0;

	while (s[n] && strchr(accept, s[n]))
		n++;
	return n;
}

/* Length of the leading run of @s made of characters not in @reject. */
size_t (strcspn)(const char *s, const char *reject)
{
	size_t n = 0;

	while (s[n] && !strchr(reject, s[n]))
		n++;
	return n;
}

/* First character of @s that is in @accept, or NULL. */
char *(strpbrk)(const char *s, const char *accept)
{
	s += strcspn(s, accept);
	return *s ? (char *)s : NULL;
}

/*
 * Split off the token at *@stringp ending at the first character of @delim:
 * the delimiter is overwritten with NUL and *@stringp moves past it (NULL
 * when there was none). Returns the token, or NULL if *@stringp was NULL.
 */
char *(strsep)(char **stringp, const char *delim)
{
	char *tok = *stringp, *end;

	if (!tok)
		return NULL;
	end = strpbrk(tok, delim);
	if (end)
		*end++ = '\0';
	*stringp = end;
	return tok;
}

long strscpy(char *dst, const char *src, size_t size)
{
	size_t i;

	if (size == 0)
		return -E2BIG;
	for (i = 0; i < size; i++) {
		dst[i] = src[i];
		if (!src[i])
			return (long)i;
	}
	dst[size - 1] = '\0';
	return -E2BIG;
}

/* Value of digit @c, or 36 (larger than any base) if it is not one. */
static unsigned int digit_value(char c)
{
	if (ascii_isdigit(c))
		return (unsigned int)(c - '0');
	if (ascii_isalpha(c))
		return (unsigned int)(ascii_tolower(c) - 'a' + 10);
	return 36;
}

/* Resolve base 0 from the prefix and skip a "0x" prefix for base 16. */
static const char *kstrto_radix(const char *s, unsigned int *base)
{
	bool hex_prefix = s[0] == '0' && ascii_tolower(s[1]) == 'x';

	if (*base == 0) {
		if (hex_prefix && ascii_isxdigit(s[2]))
			*base = 16;
		else if (s[0] == '0')
			*base = 8;
		else
			*base = 10;
	}
	if (*base == 16 && hex_prefix)
		s += 2;
	return s;
}

/*
 * Parse an unsigned number with no sign: digits, one optional '\n', end.
 * Returns 0, -EINVAL (no digits, junk, bad base) or -ERANGE (overflow; the
 * digits are all read first so "99...9x" is a range error, as in Linux).
 */
static int kstrto_unsigned(const char *s, unsigned int base, unsigned long long *res)
{
	unsigned long long val = 0;
	bool overflow = false;
	const char *start;
	unsigned int d;

	s = kstrto_radix(s, &base);
	if (base < 2 || base > 36)
		return -EINVAL;
	for (start = s; (d = digit_value(*s)) < base; s++) {
		if (val > (~0ULL - d) / base)
			overflow = true;
		val = val * base + d;
	}
	if (overflow)
		return -ERANGE;
	if (s == start)
		return -EINVAL;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = val;
	return 0;
}

int kstrtoull(const char *s, unsigned int base, unsigned long long *res)
{
	if (s[0] == '+')
		s++;
	return kstrto_unsigned(s, base, res);
}

int kstrtoll(const char *s, unsigned int base, long long *res)
{
	unsigned long long mag;
	int err;

	if (s[0] == '-') {
		err = kstrto_unsigned(s + 1, base, &mag);
		if (err)
			return err;
		if (mag > (unsigned long long)__LONG_LONG_MAX__ + 1)
			return -ERANGE;
		*res = (long long)(0 - mag);
		return 0;
	}
	err = kstrtoull(s, base, &mag);
	if (err)
		return err;
	if (mag > (unsigned long long)__LONG_LONG_MAX__)
		return -ERANGE;
	*res = (long long)mag;
	return 0;
}

int kstrtoul(const char *s, unsigned int base, unsigned long *res)
{
	unsigned long long v;
	int err = kstrtoull(s, base, &v);

	if (err)
		return err;
	if (v > (unsigned long long)__LONG_MAX__ * 2 + 1)
		return -ERANGE;
	*res = (unsigned long)v;
	return 0;
}

int kstrtol(const char *s, unsigned int base, long *res)
{
	long long v;
	int err = kstrtoll(s, base, &v);

	if (err)
		return err;
	if (v > __LONG_MAX__ || v < -__LONG_MAX__ - 1)
		return -ERANGE;
	*res = (long)v;
	return 0;
}

int kstrtouint(const char *s, unsigned int base, unsigned int *res)
{
	unsigned long long v;
	int err = kstrtoull(s, base, &v);

	if (err)
		return err;
	if (v > (unsigned long long)__INT_MAX__ * 2 + 1)
		return -ERANGE;
	*res = (unsigned int)v;
	return 0;
}

int kstrtoint(const char *s, unsigned int base, int *res)
{
	long long v;
	int err = kstrtoll(s, base, &v);

	if (err)
		return err;
	if (v > __INT_MAX__ || v < -__INT_MAX__ - 1)
		return -ERANGE;
	*res = (int)v;
	return 0;
}

int kstrtobool(const char *s, bool *res)
{
	if (!s)
		return -EINVAL;
	switch (s[0]) {
	case '1': case 'y': case 'Y': case 't': case 'T':
		*res = true;
		return 0;
	case '0': case 'n': case 'N': case 'f': case 'F':
		*res = false;
		return 0;
	case 'o': case 'O':
		if (s[1] == 'n' || s[1] == 'N') {
			*res = true;
			return 0;
		}
		if (s[1] == 'f' || s[1] == 'F') {
			*res = false;
			return 0;
		}
		return -EINVAL;
	default:
		return -EINVAL;
	}
}

#pragma GCC pop_options
