// host-test-sources:
/*
 * Host tests for lib/string.c. The kernel's functions are built into this
 * file through shim_lib.c under k-prefixed names (kmemcpy ...) so they can be
 * checked against the host libc's own, which stay available as usual.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include "htest.h"
#include "shim_lib.c"

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* Fill @p with a pattern that differs for every offset and seed. */
static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + seed * 13 + 1);
}

HTEST(memcpy_all_alignments_and_lengths)
{
	unsigned char src[160], dst[160], ref[160];

	for (size_t so = 0; so < 16; so++)
		for (size_t doff = 0; doff < 16; doff++)
			for (size_t n = 0; n <= 128; n++) {
				fill(src, sizeof(src), 1);
				fill(dst, sizeof(dst), 2);
				memcpy(ref, dst, sizeof(ref));
				memcpy(ref + doff, src + so, n);
				EXPECT(kmemcpy(dst + doff, src + so, n) == dst + doff);
				EXPECT(memcmp(dst, ref, sizeof(dst)) == 0);
			}
}

HTEST(memmove_overlapping_both_ways)
{
	unsigned char buf[200], ref[200];

	for (size_t from = 0; from < 40; from++)
		for (size_t to = 0; to < 40; to++)
			for (size_t n = 0; n <= 150; n += (n < 20 ? 1 : 13)) {
				fill(buf, sizeof(buf), 3);
				memcpy(ref, buf, sizeof(ref));
				memmove(ref + to, ref + from, n);
				EXPECT(kmemmove(buf + to, buf + from, n) == buf + to);
				EXPECT(memcmp(buf, ref, sizeof(buf)) == 0);
			}
}

HTEST(memset_fills_exactly_and_truncates_value)
{
	unsigned char buf[100], ref[100];

	for (size_t off = 0; off < 16; off++)
		for (size_t n = 0; n <= 80; n++) {
			fill(buf, sizeof(buf), 4);
			memcpy(ref, buf, sizeof(ref));
			memset(ref + off, 0xab, n);
			EXPECT(kmemset(buf + off, 0x1ab, n) == buf + off);
			EXPECT(memcmp(buf, ref, sizeof(buf)) == 0);
		}
}

HTEST(memcmp_sign_and_unsigned_bytes)
{
	unsigned char a[64], b[64];

	for (size_t off = 0; off < 8; off++)
		for (size_t pos = 0; pos < 40; pos++) {
			fill(a, sizeof(a), 5);
			memcpy(b, a, sizeof(b));
			EXPECT_EQ(kmemcmp(a + off, b + off, 40), 0);
			b[off + pos] = 0x80;
			a[off + pos] = 0x7f;
			EXPECT(kmemcmp(a + off, b + off, 40) < 0);
			EXPECT(kmemcmp(b + off, a + off, 40) > 0);
			EXPECT_EQ(kmemcmp(a + off, b + off, pos), 0);
		}
	EXPECT_EQ(kmemcmp("abc", "abd", 0), 0);
}

HTEST(memchr_finds_first_within_bounds)
{
	const char s[] = "abcabc\0xyz";

	EXPECT(kmemchr(s, 'c', sizeof(s)) == s + 2);
	EXPECT(kmemchr(s, 'x', sizeof(s)) == s + 7);
	EXPECT(kmemchr(s, 'x', 7) == NULL);
	EXPECT(kmemchr(s, 'a' + 256, 3) == s);
	EXPECT(kmemchr(s, 'a', 0) == NULL);
}

HTEST(strlen_and_strnlen)
{
	char *exact = malloc(5);	/* no NUL: ASan catches any over-read */

	memcpy(exact, "hello", 5);
	EXPECT_EQ(kstrlen(""), 0);
	EXPECT_EQ(kstrlen("hello"), 5);
	EXPECT_EQ(kstrnlen(exact, 5), 5);
	EXPECT_EQ(kstrnlen(exact, 3), 3);
	EXPECT_EQ(kstrnlen("hi", 10), 2);
	EXPECT_EQ(kstrnlen("hi", 0), 0);
	free(exact);
}

HTEST(strcmp_family_matches_libc_sign)
{
	static const char *const s[] = {
		"", "a", "b", "ab", "abc", "abd", "ABC", "\x80", "\x7f", "a\xff", "a\x01",
	};

	for (size_t i = 0; i < ARRAY_SIZE(s); i++)
		for (size_t j = 0; j < ARRAY_SIZE(s); j++) {
			EXPECT_EQ(sign(kstrcmp(s[i], s[j])), sign(strcmp(s[i], s[j])));
			for (size_t n = 0; n < 4; n++)
				EXPECT_EQ(sign(kstrncmp(s[i], s[j], n)),
					  sign(strncmp(s[i], s[j], n)));
			EXPECT_EQ(sign(kstrcasecmp(s[i], s[j])), sign(strcasecmp(s[i], s[j])));
		}
	EXPECT_EQ(kstrcasecmp("HeLLo", "hello"), 0);
	EXPECT_EQ(kstrncasecmp("HeLLo!", "hellO?", 5), 0);
	EXPECT(kstrncasecmp("HeLLo!", "hellO?", 6) != 0);
}

HTEST(strchr_strrchr)
{
	const char *s = "path/to/file";

	EXPECT(kstrchr(s, '/') == s + 4);
	EXPECT(kstrrchr(s, '/') == s + 7);
	EXPECT(kstrchr(s, 'z') == NULL);
	EXPECT(kstrrchr(s, 'z') == NULL);
	EXPECT(kstrchr(s, '\0') == s + 12);
	EXPECT(kstrrchr(s, '\0') == s + 12);
	EXPECT(kstrchr(s, 'p') == s);
	EXPECT(kstrrchr("", 'a') == NULL);
}

HTEST(strstr_cases)
{
	const char *h = "aaab ababc abc";

	EXPECT(kstrstr(h, "abc") == strstr(h, "abc"));
	EXPECT(kstrstr(h, "aab") == h + 1);
	EXPECT(kstrstr(h, "") == h);
	EXPECT(kstrstr("", "") != NULL);
	EXPECT(kstrstr("", "a") == NULL);
	EXPECT(kstrstr(h, "abcd") == NULL);
	EXPECT(kstrstr(h, " abc") == h + 10);
}

HTEST(strspn_strcspn_strpbrk)
{
	EXPECT_EQ(kstrspn("  \tword", " \t"), 3);
	EXPECT_EQ(kstrspn("word", " "), 0);
	EXPECT_EQ(kstrspn("", "abc"), 0);
	EXPECT_EQ(kstrcspn("key=value", "=,"), 3);
	EXPECT_EQ(kstrcspn("key", "=,"), 3);
	EXPECT(kstrpbrk("a,b=c", "=,") == strpbrk("a,b=c", "=,"));
	EXPECT(kstrpbrk("abc", "xyz") == NULL);
}

HTEST(strsep_splits_and_ends)
{
	char buf[] = "a,,b;c";
	char *p = buf;

	EXPECT_STREQ(kstrsep(&p, ",;"), "a");
	EXPECT_STREQ(kstrsep(&p, ",;"), "");
	EXPECT_STREQ(kstrsep(&p, ",;"), "b");
	EXPECT_STREQ(kstrsep(&p, ",;"), "c");
	EXPECT(p == NULL);
	EXPECT(kstrsep(&p, ",;") == NULL);
}

HTEST(strscpy_fits_truncates_and_terminates)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ(strscpy(buf, "abc", sizeof(buf)), 3);
	EXPECT_STREQ(buf, "abc");
	EXPECT_EQ(strscpy(buf, "1234567", sizeof(buf)), 7);
	EXPECT_STREQ(buf, "1234567");
	EXPECT_EQ(strscpy(buf, "12345678", sizeof(buf)), -E2BIG);
	EXPECT_STREQ(buf, "1234567");
	EXPECT_EQ(strscpy(buf, "abc", 1), -E2BIG);
	EXPECT_STREQ(buf, "");
	buf[0] = 'q';
	EXPECT_EQ(strscpy(buf, "abc", 0), -E2BIG);
	EXPECT_EQ(buf[0], 'q');
	EXPECT_EQ(strscpy(buf, "", sizeof(buf)), 0);
	EXPECT_STREQ(buf, "");
}

struct ull_case {
	const char *s;
	unsigned int base;
	int err;
	unsigned long long val;
};

static const struct ull_case ull_cases[] = {
	{ "0", 10, 0, 0 },
	{ "123", 10, 0, 123 },
	{ "+123", 10, 0, 123 },
	{ "123\n", 10, 0, 123 },
	{ "123\n\n", 10, -EINVAL, 0 },
	{ "", 10, -EINVAL, 0 },
	{ "\n", 10, -EINVAL, 0 },
	{ "+", 10, -EINVAL, 0 },
	{ " 1", 10, -EINVAL, 0 },
	{ "1 ", 10, -EINVAL, 0 },
	{ "12a", 10, -EINVAL, 0 },
	{ "-1", 10, -EINVAL, 0 },
	{ "0x1f", 0, 0, 31 },
	{ "0X1F", 0, 0, 31 },
	{ "0x1f", 16, 0, 31 },
	{ "1f", 16, 0, 31 },
	{ "0x", 0, -EINVAL, 0 },
	{ "0x", 16, -EINVAL, 0 },
	{ "0xg", 0, -EINVAL, 0 },
	{ "017", 0, 0, 15 },
	{ "08", 0, -EINVAL, 0 },
	{ "0", 0, 0, 0 },
	{ "10", 0, 0, 10 },
	{ "0x10", 10, -EINVAL, 0 },
	{ "101", 2, 0, 5 },
	{ "102", 2, -EINVAL, 0 },
	{ "zZ", 36, 0, 1295 },
	{ "1", 1, -EINVAL, 0 },
	{ "1", 37, -EINVAL, 0 },
	{ "18446744073709551615", 10, 0, ULLONG_MAX },
	{ "18446744073709551616", 10, -ERANGE, 0 },
	{ "99999999999999999999x", 10, -ERANGE, 0 },
	{ "0xffffffffffffffff", 0, 0, ULLONG_MAX },
	{ "0x10000000000000000", 0, -ERANGE, 0 },
	{ "1777777777777777777777", 8, 0, ULLONG_MAX },
};

HTEST(kstrtoull_table)
{
	for (size_t i = 0; i < ARRAY_SIZE(ull_cases); i++) {
		const struct ull_case *c = &ull_cases[i];
		unsigned long long v = 4242;
		int err = kstrtoull(c->s, c->base, &v);

		if (err != c->err || (err == 0 && v != c->val) || (err && v != 4242))
			printf("# case \"%s\" base %u: err %d val %llu\n", c->s, c->base, err, v);
		EXPECT_EQ(err, c->err);
		EXPECT(err ? v == 4242 : v == c->val);
	}
}

HTEST(kstrtoll_limits_and_signs)
{
	long long v = 7;

	EXPECT_EQ(kstrtoll("-9223372036854775808", 10, &v), 0);
	EXPECT(v == LLONG_MIN);
	EXPECT_EQ(kstrtoll("9223372036854775807", 10, &v), 0);
	EXPECT(v == LLONG_MAX);
	v = 7;
	EXPECT_EQ(kstrtoll("-9223372036854775809", 10, &v), -ERANGE);
	EXPECT_EQ(kstrtoll("9223372036854775808", 10, &v), -ERANGE);
	EXPECT_EQ(v, 7);
	EXPECT_EQ(kstrtoll("-0", 10, &v), 0);
	EXPECT_EQ(v, 0);
	EXPECT_EQ(kstrtoll("-0x10", 0, &v), 0);
	EXPECT_EQ(v, -16);
	EXPECT_EQ(kstrtoll("+5\n", 10, &v), 0);
	EXPECT_EQ(v, 5);
	EXPECT_EQ(kstrtoll("-+1", 10, &v), -EINVAL);
	EXPECT_EQ(kstrtoll("--1", 10, &v), -EINVAL);
	EXPECT_EQ(kstrtoll("-", 10, &v), -EINVAL);
}

HTEST(kstrtoint_kstrtouint_kstrtol_ranges)
{
	int i = 1;
	unsigned int u = 1;
	long l = 1;
	unsigned long ul = 1;

	EXPECT_EQ(kstrtoint("2147483647", 10, &i), 0);
	EXPECT_EQ(i, INT_MAX);
	EXPECT_EQ(kstrtoint("-2147483648", 10, &i), 0);
	EXPECT_EQ(i, INT_MIN);
	EXPECT_EQ(kstrtoint("2147483648", 10, &i), -ERANGE);
	EXPECT_EQ(kstrtoint("-2147483649", 10, &i), -ERANGE);
	EXPECT_EQ(i, INT_MIN);
	EXPECT_EQ(kstrtouint("4294967295", 10, &u), 0);
	EXPECT_EQ(u, UINT_MAX);
	EXPECT_EQ(kstrtouint("4294967296", 10, &u), -ERANGE);
	EXPECT_EQ(kstrtouint("-1", 10, &u), -EINVAL);
	EXPECT_EQ(kstrtol("-42", 0, &l), 0);
	EXPECT_EQ(l, -42);
	EXPECT_EQ(kstrtoul("0777", 0, &ul), 0);
	EXPECT_EQ(ul, 0777);
	EXPECT_EQ(kstrtoint("junk", 10, &i), -EINVAL);
}

HTEST(kstrtobool_words)
{
	static const char *const yes[] = { "1", "y", "Y", "yes", "t", "true", "on", "ON" };
	static const char *const no[] = { "0", "n", "N", "no", "f", "false", "off", "OFF" };
	static const char *const bad[] = { "", "o", "2", "maybe", "x" };
	bool b;

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		b = false;
		EXPECT_EQ(kstrtobool(yes[i], &b), 0);
		EXPECT(b);
	}
	for (size_t i = 0; i < ARRAY_SIZE(no); i++) {
		b = true;
		EXPECT_EQ(kstrtobool(no[i], &b), 0);
		EXPECT(!b);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(kstrtobool(bad[i], &b), -EINVAL);
	EXPECT_EQ(kstrtobool(NULL, &b), -EINVAL);
}

HTEST(ascii_classes_match_c_locale)
{
	for (int c = 0; c < 256; c++) {
		EXPECT_EQ(ascii_isdigit(c), !!isdigit(c));
		EXPECT_EQ(ascii_isxdigit(c), !!isxdigit(c));
		EXPECT_EQ(ascii_isalpha(c), !!isalpha(c));
		EXPECT_EQ(ascii_isalnum(c), !!isalnum(c));
		EXPECT_EQ(ascii_isspace(c), !!isspace(c));
		EXPECT_EQ(ascii_isprint(c), !!isprint(c));
		EXPECT_EQ(ascii_isupper(c), !!isupper(c));
		EXPECT_EQ(ascii_tolower(c), tolower(c));
		EXPECT_EQ(ascii_toupper(c), toupper(c));
	}
}

HTEST_MAIN()
