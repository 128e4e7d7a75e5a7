/*
 * String and memory functions for the kernel (lib/string.c), ASCII character
 * tests, and Linux's strict number parsers (kstrto*). The mem* names are the
 * C library's because GCC emits calls to memcpy, memset, memmove and memcmp
 * by itself (structure copies, large initialisers), even with -ffreestanding.
 *
 * -ffreestanding also stops GCC from treating these names as builtins, so a
 * small constant memcpy would become a call. The macros below route the hot
 * ones through __builtin_*, which GCC expands inline when it can and turns
 * into a call to our function otherwise. A file that must see the plain names
 * (lib/string.c defines them as "(memcpy)" so the macros do not apply; the
 * host tests rename them) defines FERRITE_STRING_NO_BUILTIN_MACROS first.
 */
#ifndef FERRITE_STRING_H
#define FERRITE_STRING_H

#include <ferrite/compiler.h>
#include <ferrite/kprintf.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strpbrk(const char *s, const char *accept);
char *strsep(char **stringp, const char *delim);

/*
 * Copy the string @src into @dst of @size bytes, always NUL-terminated when
 * @size > 0. Returns the length copied (excluding the NUL), or -E2BIG if
 * @src did not fit (then @dst holds the truncated string). Linux's strscpy.
 */
long strscpy(char *dst, const char *src, size_t size);

/*
 * Strict number parsing, Linux semantics: the whole string must be a number,
 * optionally followed by one '\n'. Base 0 picks 16 for "0x", 8 for a leading
 * "0", else 10; base 16 also accepts a "0x" prefix. A leading '+' is allowed
 * ('-' for the signed forms). Returns 0 and stores the value, -EINVAL on a
 * malformed string, -ERANGE on overflow; *res is untouched on error.
 */
int kstrtoull(const char *s, unsigned int base, unsigned long long *res);
int kstrtoll(const char *s, unsigned int base, long long *res);
int kstrtoul(const char *s, unsigned int base, unsigned long *res);
int kstrtol(const char *s, unsigned int base, long *res);
int kstrtouint(const char *s, unsigned int base, unsigned int *res);
int kstrtoint(const char *s, unsigned int base, int *res);

/*
 * Parse a yes/no word as Linux's kstrtobool: a string starting with 1, y, Y,
 * t, T, "on" or "oN"... gives true; 0, n, N, f, F or "of"... gives false (only
 * the first one or two characters are looked at). Returns 0 or -EINVAL.
 */
int kstrtobool(const char *s, bool *res);

#ifndef FERRITE_STRING_NO_BUILTIN_MACROS
#define memcpy(d, s, n)		__builtin_memcpy(d, s, n)
#define memmove(d, s, n)	__builtin_memmove(d, s, n)
#define memset(s, c, n)		__builtin_memset(s, c, n)
#define memcmp(a, b, n)		__builtin_memcmp(a, b, n)
#define strlen(s)		__builtin_strlen(s)
#endif

/* ASCII character classes: the kernel has no locale. */
static inline bool ascii_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static inline bool ascii_isxdigit(int c)
{
	return ascii_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline bool ascii_isupper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static inline bool ascii_islower(int c)
{
	return c >= 'a' && c <= 'z';
}

static inline bool ascii_isalpha(int c)
{
	return ascii_isupper(c) || ascii_islower(c);
}

static inline bool ascii_isalnum(int c)
{
	return ascii_isalpha(c) || ascii_isdigit(c);
}

/* Space, \t, \n, \v, \f, \r: C's isspace() in the "C" locale. */
static inline bool ascii_isspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static inline bool ascii_isprint(int c)
{
	return c >= 0x20 && c < 0x7f;
}

static inline int ascii_tolower(int c)
{
	return ascii_isupper(c) ? c + ('a' - 'A') : c;
}

static inline int ascii_toupper(int c)
{
	return ascii_islower(c) ? c - ('a' - 'A') : c;
}

#endif
