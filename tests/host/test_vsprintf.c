// host-test-sources:
/*
 * Host tests for lib/vsprintf.c. The kernel's vsnprintf is built into this
 * file through shim_lib.c as kvsnprintf/ksnprintf, and every format in a large
 * generated table (flags x width x precision x conversion x value, all length
 * modifiers, strings, characters, pointers) must give exactly what the host
 * libc's vsnprintf gives: the same text, the same return value, and the same
 * bytes for every buffer size from 0 to past the end (truncation).
 */
#include <limits.h>
#include <stdint.h>
#include <stddef.h>
#include "htest.h"
#include "shim_lib.c"

#pragma GCC diagnostic ignored "-Wformat"	/* '#' with %d etc. on purpose */
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-overflow"

#define BUF 512
static int cmp_count;

/*
 * Format with both implementations at every size from 0 to the full length
 * + 2 and compare buffers byte for byte (guard bytes catch overruns).
 */
static __attribute__((noinline)) bool cmp_fmt(int line, const char *fmt, ...)
{
	char want[BUF + 8], got[BUF + 8];
	va_list ap, a1, a2;
	int wn, gn;

	va_start(ap, fmt);
	va_copy(a1, ap);
	wn = vsnprintf(want, BUF, fmt, a1);
	va_end(a1);
	for (size_t size = 0; size <= (size_t)wn + 2 && size <= BUF; size++) {
		memset(want, 0x5a, sizeof(want));
		memset(got, 0x5a, sizeof(got));
		va_copy(a1, ap);
		va_copy(a2, ap);
		wn = vsnprintf(want, size, fmt, a1);
		gn = kvsnprintf(got, size, fmt, a2);
		va_end(a1);
		va_end(a2);
		if (wn != gn || memcmp(want, got, sizeof(want)) != 0) {
			printf("# line %d fmt \"%s\" size %zu: libc %d \"%.*s\" "
			       "kernel %d \"%.*s\"\n",
			       line, fmt, size, wn, (int)(size ? size - 1 : 0), want, gn,
			       (int)(size ? size - 1 : 0), got);
			va_end(ap);
			return false;
		}
	}
	va_end(ap);
	cmp_count++;
	return true;
}

#define CMP(...)							\
	do {								\
		if (!cmp_fmt(__LINE__, __VA_ARGS__)) {			\
			*htest_failed = 1;				\
			return;						\
		}							\
	} while (0)

static const char *const flag_sets[] = {
	"", "-", "0", "+", " ", "#", "-+", "0+", "0 ", "#0", "-#", "+ ", "-0", "0#+",
};
static const char *const widths[] = { "", "1", "3", "8", "21", "*" };
static const char *const precs[] = { "", ".", ".0", ".1", ".4", ".25", ".*" };

/* Run @conv (with length @len) over every flag/width/precision with @v. */
#define SWEEP(len, conv, type, v)					\
	do {								\
		for (size_t f = 0; f < ARRAY_SIZE(flag_sets); f++)	\
		for (size_t w = 0; w < ARRAY_SIZE(widths); w++)		\
		for (size_t p = 0; p < ARRAY_SIZE(precs); p++) {	\
			char fmt[64];					\
			bool sw = widths[w][0] == '*';			\
			bool sp = strchr(precs[p], '*') != NULL;			\
			snprintf(fmt, sizeof(fmt), "<%%%s%s%s%s%s>", flag_sets[f], \
				 widths[w], precs[p], len, conv);	\
			if (sw && sp) {					\
				CMP(fmt, 9, 3, (type)(v));		\
				CMP(fmt, -9, -1, (type)(v));		\
			} else if (sw) {				\
				CMP(fmt, 6, (type)(v));			\
				CMP(fmt, -6, (type)(v));		\
			} else if (sp) {				\
				CMP(fmt, 2, (type)(v));			\
				CMP(fmt, -3, (type)(v));		\
			} else {					\
				CMP(fmt, (type)(v));			\
			}						\
		}							\
	} while (0)

static const char *const int_convs[] = { "d", "i", "u", "x", "X", "o" };

HTEST(int_conversions_match_libc)
{
	static const int vals[] = { 0, 1, -1, 7, 42, -42, 255, 0x1234, INT_MAX, INT_MIN };

	for (size_t c = 0; c < ARRAY_SIZE(int_convs); c++)
		for (size_t i = 0; i < ARRAY_SIZE(vals); i++)
			SWEEP("", int_convs[c], int, vals[i]);
	EXPECT(cmp_count > 30000);
}

HTEST(length_modifiers_match_libc)
{
	for (size_t c = 0; c < ARRAY_SIZE(int_convs); c++) {
		const char *cv = int_convs[c];

		SWEEP("hh", cv, int, 300);
		SWEEP("hh", cv, int, -129);
		SWEEP("h", cv, int, 70000);
		SWEEP("h", cv, int, -32768);
		SWEEP("l", cv, long, LONG_MIN);
		SWEEP("l", cv, long, LONG_MAX);
		SWEEP("ll", cv, long long, LLONG_MIN);
		SWEEP("ll", cv, unsigned long long, ULLONG_MAX);
		SWEEP("ll", cv, long long, -1234567890123LL);
		SWEEP("z", cv, size_t, SIZE_MAX);
		SWEEP("z", cv, ssize_t, -5);
		SWEEP("t", cv, ptrdiff_t, PTRDIFF_MIN);
		SWEEP("t", cv, ptrdiff_t, -77);
		SWEEP("j", cv, intmax_t, INTMAX_MIN);
		SWEEP("j", cv, uintmax_t, UINTMAX_MAX);
	}
}

HTEST(strings_and_chars_match_libc)
{
	static const char *const strs[] = {
		"", "a", "hello", "a much longer string, 37 characters",
	};
	static const char *const sflags[] = { "", "-" };

	for (size_t s = 0; s < ARRAY_SIZE(strs); s++)
		for (size_t f = 0; f < ARRAY_SIZE(sflags); f++)
			for (size_t w = 0; w < ARRAY_SIZE(widths); w++)
				for (size_t p = 0; p < ARRAY_SIZE(precs); p++) {
					char fmt[32];

					if (strchr(widths[w], '*') || strchr(precs[p], '*'))
						continue;
					snprintf(fmt, sizeof(fmt), "[%%%s%s%ss]", sflags[f],
						 widths[w], precs[p]);
					CMP(fmt, strs[s]);
				}
	CMP("%*s|%-*s|%.*s|%.*s", 7, "ab", 7, "cd", 3, "efghij", -1, "klm");
	CMP("%c%c%c", 'a', 0x100 + 'b', -1);
	CMP("[%5c][%-5c][%1c]", 'x', 'y', 'z');
	CMP("%s and %s make %d%%", "this", "that", 2);
	CMP("100%%");
}

HTEST(pointers_match_libc)
{
	static void *const ptrs[] = { (void *)1, (void *)0x1234, (void *)0xffffffff80001000UL,
				      (void *)UINTPTR_MAX };
	static const char *const pfmt[] = {
		"%p", "%20p", "%-20p", "%020p", "%+p", "% p", "%5p", "%.3p", "%#p",
	};

	for (size_t i = 0; i < ARRAY_SIZE(ptrs); i++)
		for (size_t f = 0; f < ARRAY_SIZE(pfmt); f++)
			CMP(pfmt[f], ptrs[i]);
	CMP("%p", NULL);
	CMP("[%10p][%-10p]", NULL, NULL);
}

HTEST(mixed_formats_match_libc)
{
	CMP("");
	CMP("plain text");
	CMP("%d %s %x %c %lu %p", -3, "str", 0xbeef, 'q', 123456789UL, (void *)0xabc);
	CMP("%08.3d|%-08d|%+08d|% 08d", 5, -5, 5, 5);
	CMP("%#08x|%#-8x|%#8.5x|%#o|%#.0o", 0x1f, 0x1f, 0x1f, 0, 0);
}

HTEST(null_string_and_unknown_conversions)
{
	char buf[64];
	int n;

	n = ksnprintf(buf, sizeof(buf), "%s|%10s|%-8s|", (char *)NULL, (char *)NULL, (char *)NULL);
	EXPECT_STREQ(buf, "(null)|    (null)|(null)  |");
	EXPECT_EQ(n, 27);
	n = ksnprintf(buf, sizeof(buf), "a%yb%5.2kc%nd%");
	EXPECT_STREQ(buf, "a%yb%5.2kc%nd%");
	EXPECT_EQ(n, 14);
	n = ksnprintf(buf, sizeof(buf), "%5%|%-5%|");	/* glibc too */
	EXPECT_STREQ(buf, "%|%|");
	EXPECT_EQ(n, 4);
	n = ksnprintf(buf, sizeof(buf), "x%-5");
	EXPECT_STREQ(buf, "x%-5");
	EXPECT_EQ(n, 4);
}

HTEST(return_values_and_termination)
{
	char buf[8];

	EXPECT_EQ(ksnprintf(NULL, 0, "%d", 123456), 6);
	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ(ksnprintf(buf, 1, "abc"), 3);
	EXPECT_EQ(buf[0], '\0');
	EXPECT_EQ(buf[1], 'x');
	EXPECT_EQ(ksnprintf(buf, sizeof(buf), "%s", "0123456789"), 10);
	EXPECT_STREQ(buf, "0123456");
	EXPECT_EQ(scnprintf(buf, sizeof(buf), "%s", "0123456789"), 7);
	EXPECT_EQ(scnprintf(buf, sizeof(buf), "%s", "abc"), 3);
	EXPECT_STREQ(buf, "abc");
	EXPECT_EQ(scnprintf(buf, 0, "%s", "abc"), 0);
	EXPECT_EQ(scnprintf(buf, 1, "%s", "abc"), 0);
	EXPECT_EQ(buf[0], '\0');
}

HTEST(scnprintf_appends)
{
	char buf[16];
	int pos = 0;

	for (int i = 0; i < 10; i++)
		pos += scnprintf(buf + pos, sizeof(buf) - (size_t)pos, "%d,", i);
	EXPECT_EQ(pos, 15);
	EXPECT_STREQ(buf, "0,1,2,3,4,5,6,7");
}

HTEST(wide_field_is_counted_beyond_buffer)
{
	char buf[16];

	EXPECT_EQ(ksnprintf(buf, sizeof(buf), "%1000d", 1), 1000);
	EXPECT_STREQ(buf, "               ");
	EXPECT_EQ(ksnprintf(buf, sizeof(buf), "%-*d|", 300, 7), 301);
	EXPECT_STREQ(buf, "7              ");
}

HTEST_MAIN()
