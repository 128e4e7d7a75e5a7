/*
 * tmpfs option parsing (see tmpfs_opts.h): memparse-style numbers (base
 * 0: decimal, 0x hex, 0 octal) with binary suffixes, "size=N%" of RAM.
 */
#include <ferrite/errno.h>
#include <ferrite/string.h>
#include <arch/memlayout.h>
#include "tmpfs_opts.h"

/* Parse an unsigned number in base @base (0: by prefix) from [s, end); false if malformed. */
static bool parse_num(const char *s, const char *end, unsigned int base, uint64_t *out,
		      const char **stop)
{
	uint64_t v = 0;
	const char *p = s;

	if (base == 0) {
		base = 10;
		if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
			base = 16;
			p += 2;
		} else if (end - p > 1 && p[0] == '0') {
			base = 8;
		}
	}
	if (p == end)
		return false;
	for (; p < end; p++) {
		unsigned int d;

		if (ascii_isdigit(*p))
			d = (unsigned int)(*p - '0');
		else if (ascii_isxdigit(*p))
			d = (unsigned int)(ascii_tolower(*p) - 'a' + 10);
		else
			break;
		if (d >= base)
			break;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	if (p == s)
		return false;
	*out = v;
	*stop = p;
	return true;
}

/* A size with an optional suffix (k, m, g, t, p, e) or "%" of RAM, in bytes. */
static bool parse_size(const char *s, const char *end, uint64_t total_pages, uint64_t *bytes)
{
	const char *p;
	uint64_t v;
	unsigned int shift = 0;

	if (!parse_num(s, end, 0, &v, &p))
		return false;
	if (p < end && *p == '%' && p + 1 == end) {
		if (v > 100)
			return false;
		*bytes = total_pages * PAGE_SIZE / 100 * v;
		return true;
	}
	if (p < end) {
		switch (ascii_tolower(*p)) {
		case 'k': shift = 10; break;
		case 'm': shift = 20; break;
		case 'g': shift = 30; break;
		case 't': shift = 40; break;
		case 'p': shift = 50; break;
		case 'e': shift = 60; break;
		default: return false;
		}
		if (p + 1 != end)
			return false;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return false;
	*bytes = v << shift;
	return true;
}

static bool key_is(const char *s, const char *eq, const char *key)
{
	size_t n = strlen(key);

	return (size_t)(eq - s) == n && !memcmp(s, key, n);
}

/* One "key=value" option in [s, end). */
static int parse_one(const char *s, const char *end, uint64_t total_pages, struct tmpfs_opts *o)
{
	const char *eq = memchr(s, '=', (size_t)(end - s)), *v, *stop;
	uint64_t n;

	if (!eq)
		return -EINVAL;
	v = eq + 1;
	if (key_is(s, eq, "size")) {
		if (!parse_size(v, end, total_pages, &n))
			return -EINVAL;
		o->max_pages = (n + PAGE_SIZE - 1) / PAGE_SIZE;
		o->has_size = true;
	} else if (key_is(s, eq, "nr_blocks")) {
		if (!parse_size(v, end, 0, &n))
			return -EINVAL;
		o->max_pages = n;
		o->has_size = true;
	} else if (key_is(s, eq, "nr_inodes")) {
		if (!parse_size(v, end, 0, &n))
			return -EINVAL;
		o->max_inodes = n;
		o->has_inodes = true;
	} else if (key_is(s, eq, "mode")) {
		if (!parse_num(v, end, 8, &n, &stop) || stop != end || n > 07777)
			return -EINVAL;
		o->mode = (unsigned int)n;
		o->has_mode = true;
	} else if (key_is(s, eq, "uid") || key_is(s, eq, "gid")) {
		if (!parse_num(v, end, 10, &n, &stop) || stop != end || n > 0x7fffffff)
			return -EINVAL;
		if (s[0] == 'u') {
			o->uid = (int)n;
			o->has_uid = true;
		} else {
			o->gid = (int)n;
			o->has_gid = true;
		}
	} else {
		return -EINVAL;
	}
	return 0;
}

int tmpfs_parse_opts(const char *data, uint64_t total_pages, struct tmpfs_opts *o,
		     const char **bad)
{
	const char *s = data;

	if (!data)
		return 0;
	while (*s) {
		const char *end = strchr(s, ',');

		if (!end)
			end = s + strlen(s);
		if (end > s && parse_one(s, end, total_pages, o)) {
			*bad = s;
			return -EINVAL;
		}
		s = *end ? end + 1 : end;
	}
	return 0;
}
