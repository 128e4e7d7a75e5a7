// host-test-sources: lib/inflate.c
/*
 * Host tests for lib/inflate.c: data compressed by the host's gzip at
 * levels 1, 6 and 9 (text, the kernel's own sources, binary-like and
 * incompressible bytes, runs, empty and one-byte files) must come back
 * byte for byte; multi-member files, every header flag, raw streams and
 * trailing bytes are checked; truncated and corrupted inputs must fail
 * cleanly (ASan watches every access). Work files go to build/host/inflate/.
 */
#include "htest.h"
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <ferrite/inflate.h>

#define WORKDIR "build/host/inflate"

void *vmalloc(size_t size)
{
	return calloc(1, size);
}

void vfree(const void *p)
{
	free((void *)p);
}

struct buf {
	unsigned char *data;
	size_t len, cap;
	size_t calls;
	size_t fail_after;	/* sink returns -ENOSPC on this call (0: never) */
};

static int buf_sink(void *arg, const void *data, size_t len)
{
	struct buf *b = arg;

	if (len == 0)
		return -EPROTO;	/* the contract says never */
	if (++b->calls == b->fail_after)
		return -ENOSPC;
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2;
		b->data = realloc(b->data, b->cap);
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

static void buf_free(struct buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len) {
		perror(path);
		exit(2);
	}
	fclose(f);
}

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;
	size_t cap = 0, n = 0, r;

	if (!f) {
		perror(path);
		exit(2);
	}
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			p = realloc(p, cap);
		}
		r = fread(p + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	*len = n;
	return p;
}

static void run(const char *cmd)
{
	if (system(cmd) != 0) {
		fprintf(stderr, "command failed: %s\n", cmd);
		exit(2);
	}
}

/* gzip @data at @level (with -n: no name) and return the compressed bytes. */
static unsigned char *gzip_level(const char *name, const void *data, size_t len, int level,
				 size_t *gzlen)
{
	char path[256], cmd[600];

	mkdir("build", 0755);
	mkdir("build/host", 0755);
	mkdir(WORKDIR, 0755);
	snprintf(path, sizeof(path), WORKDIR "/%s", name);
	write_file(path, data, len);
	snprintf(cmd, sizeof(cmd), "gzip -n -%d -c %s > %s.%d.gz", level, path, path, level);
	run(cmd);
	snprintf(path, sizeof(path), WORKDIR "/%s.%d.gz", name, level);
	return read_file(path, gzlen);
}

/* Inflate @gz and compare with @data; true if equal and the whole input was used. */
static bool roundtrip_ok(const unsigned char *gz, size_t gzlen, const void *data, size_t len)
{
	struct buf out = { 0 };
	size_t used = 0;
	bool ok;
	int err = inflate_gzip(gz, gzlen, &used, buf_sink, &out);

	ok = err == 0 && used == gzlen && out.len == len && (len == 0 || !memcmp(out.data, data, len));
	if (!ok)
		printf("# err %d used %zu/%zu out %zu/%zu\n", err, used, gzlen, out.len, len);
	buf_free(&out);
	return ok;
}

static bool check_levels(const char *name, const void *data, size_t len)
{
	static const int levels[] = { 1, 6, 9 };

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		size_t gzlen;
		unsigned char *gz = gzip_level(name, data, len, levels[i], &gzlen);
		bool ok = roundtrip_ok(gz, gzlen, data, len);

		free(gz);
		if (!ok) {
			printf("# %s at level %d\n", name, levels[i]);
			return false;
		}
	}
	return true;
}

/* Text made of words drawn from a small vocabulary: compresses with long matches. */
static unsigned char *make_text(size_t len)
{
	static const char *words[] = { "the ", "kernel ", "inflate ", "huffman ", "window ",
				       "distance ", "length ", "literal ", "block\n", "of ",
				       "a ", "table ", "code ", "bits ", "stream, " };
	unsigned char *p = malloc(len);
	size_t n = 0;

	while (n < len) {
		const char *w = words[rng() % (sizeof(words) / sizeof(words[0]))];
		size_t l = strlen(w);

		memcpy(p + n, w, l < len - n ? l : len - n);
		n += l < len - n ? l : len - n;
	}
	return p;
}

static unsigned char *make_random(size_t len)
{
	unsigned char *p = malloc(len);

	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)rng();
	return p;
}

/* Binary-looking data: skewed byte values, short repeats, zero runs. */
static unsigned char *make_binary(size_t len)
{
	unsigned char *p = malloc(len);
	size_t i = 0;

	while (i < len) {
		uint64_t r = rng();
		size_t run = 1 + (r >> 8) % 40;

		for (size_t k = 0; k < run && i < len; k++, i++) {
			if ((r & 3) == 0)
				p[i] = 0;
			else if ((r & 3) == 1 && i >= 300)
				p[i] = p[i - 300 + (r >> 20) % 200];
			else
				p[i] = (unsigned char)(rng() % ((r & 4) ? 16 : 256));
		}
	}
	return p;
}

HTEST(crc32_known_values)
{
	EXPECT_EQ(inflate_crc32(0, "", 0), 0);
	EXPECT_EQ(inflate_crc32(0, "123456789", 9), 0xcbf43926u);
	EXPECT_EQ(inflate_crc32(inflate_crc32(0, "1234", 4), "56789", 5), 0xcbf43926u);
	EXPECT_EQ(inflate_crc32(0, "The quick brown fox jumps over the lazy dog", 43), 0x414fa339u);
}

HTEST(empty_and_tiny)
{
	EXPECT(check_levels("empty", "", 0));
	EXPECT(check_levels("one", "x", 1));
	EXPECT(check_levels("two", "ab", 2));
	EXPECT(check_levels("short", "hello, hello, hello world\n", 26));
}

HTEST(text_levels)
{
	unsigned char *t = make_text(3 * 1024 * 1024 + 17);
	bool ok = check_levels("text", t, 3 * 1024 * 1024 + 17);

	free(t);
	EXPECT(ok);
}

HTEST(kernel_sources)
{
	size_t len;
	unsigned char *src;
	bool ok;

	run("cat lib/*.c include/ferrite/*.h > " WORKDIR "/sources 2>/dev/null");
	src = read_file(WORKDIR "/sources", &len);
	EXPECT(len > 10000);
	ok = check_levels("sources", src, len);
	free(src);
	EXPECT(ok);
}

HTEST(random_incompressible)
{
	unsigned char *r = make_random(1024 * 1024 + 5);
	bool ok = check_levels("random", r, 1024 * 1024 + 5);

	free(r);
	EXPECT(ok);
}

HTEST(binary_like)
{
	unsigned char *b = make_binary(2 * 1024 * 1024);
	bool ok = check_levels("binary", b, 2 * 1024 * 1024);

	free(b);
	EXPECT(ok);
}

HTEST(long_runs)
{
	size_t len = 1024 * 1024;
	unsigned char *z = calloc(1, len);
	bool ok;

	for (size_t i = len / 2; i < len; i++)
		z[i] = "ab"[i & 1];	/* distance 2 */
	ok = check_levels("runs", z, len);
	free(z);
	EXPECT(ok);
}

HTEST(multi_member_and_trailing)
{
	unsigned char *a = make_text(100000), *b = make_random(70000);
	size_t alen, blen, used = 0;
	unsigned char *ga = gzip_level("ma", a, 100000, 6, &alen);
	unsigned char *gb = gzip_level("mb", b, 70000, 1, &blen);
	unsigned char *cat = malloc(alen + blen + 64);
	struct buf out = { 0 };
	int err;

	memcpy(cat, ga, alen);
	memcpy(cat + alen, gb, blen);
	memset(cat + alen + blen, 0, 64);	/* padding such as an initramfs has */
	err = inflate_gzip(cat, alen + blen + 64, &used, buf_sink, &out);
	EXPECT_EQ(err, 0);
	EXPECT_EQ(used, alen + blen);
	EXPECT_EQ(out.len, 170000);
	EXPECT(!memcmp(out.data, a, 100000) && !memcmp(out.data + 100000, b, 70000));
	buf_free(&out);
	free(a);
	free(b);
	free(ga);
	free(gb);
	free(cat);
}

/* Append a CRC16 of the header so far (FHCRC) in little-endian. */
static size_t put_hcrc(unsigned char *h, size_t n)
{
	uint32_t c = inflate_crc32(0, h, n);

	h[n] = c & 0xff;
	h[n + 1] = (c >> 8) & 0xff;
	return n + 2;
}

HTEST(header_flags)
{
	unsigned char *t = make_text(50000);
	size_t gzlen, n = 10;
	unsigned char *gz = gzip_level("flags", t, 50000, 9, &gzlen);
	unsigned char *m = malloc(gzlen + 200);
	struct buf out = { 0 };
	int err;

	EXPECT_EQ(gz[3], 0);	/* -n: plain header, we add the fields */
	memcpy(m, gz, 10);
	m[3] = 0x02 | 0x04 | 0x08 | 0x10;
	m[n++] = 5;	/* XLEN */
	m[n++] = 0;
	memcpy(m + n, "AB\3\0z", 5);
	n += 5;
	memcpy(m + n, "name.txt", 9);
	n += 9;
	memcpy(m + n, "a comment", 10);
	n += 10;
	n = put_hcrc(m, n);
	memcpy(m + n, gz + 10, gzlen - 10);
	EXPECT(roundtrip_ok(m, n + gzlen - 10, t, 50000));

	m[n - 1] ^= 1;	/* header CRC wrong */
	err = inflate_gzip(m, n + gzlen - 10, NULL, buf_sink, &out);
	EXPECT_EQ(err, -EBADMSG);
	m[n - 1] ^= 1;
	m[3] |= 0x20;	/* reserved flag */
	err = inflate_gzip(m, n + gzlen - 10, NULL, buf_sink, &out);
	EXPECT_EQ(err, -EINVAL);
	m[3] &= ~0x20;
	m[2] = 7;	/* not deflate */
	err = inflate_gzip(m, n + gzlen - 10, NULL, buf_sink, &out);
	EXPECT_EQ(err, -EINVAL);
	EXPECT_EQ(inflate_gzip("\x1f\x8c", 2, NULL, buf_sink, &out), -EINVAL);
	EXPECT_EQ(inflate_gzip("", 0, NULL, buf_sink, &out), -EINVAL);
	buf_free(&out);
	free(m);
	free(gz);
	free(t);
}

HTEST(name_field_from_gzip)
{
	char cmd[300];
	size_t len, gzlen;
	unsigned char *t = make_text(20000), *gz;

	write_file(WORKDIR "/named", t, 20000);
	snprintf(cmd, sizeof(cmd), "gzip -f -k -9 %s", WORKDIR "/named");
	run(cmd);
	gz = read_file(WORKDIR "/named.gz", &gzlen);
	EXPECT(gz[3] & 0x08);	/* FNAME */
	len = 20000;
	EXPECT(roundtrip_ok(gz, gzlen, t, len));
	free(gz);
	free(t);
}

HTEST(raw_stream_and_consumed)
{
	unsigned char *t = make_text(30000);
	size_t gzlen, used = 0;
	unsigned char *gz = gzip_level("raw", t, 30000, 6, &gzlen);
	unsigned char *raw = malloc(gzlen + 4);
	struct buf out = { 0 };

	/* The DEFLATE data sits between the 10-byte header and the 8-byte trailer. */
	memcpy(raw, gz + 10, gzlen - 10);
	EXPECT_EQ(inflate_raw(raw, gzlen - 10, &used, buf_sink, &out), 0);
	EXPECT_EQ(used, gzlen - 18);
	EXPECT_EQ(out.len, 30000);
	EXPECT(!memcmp(out.data, t, 30000));
	buf_free(&out);
	free(raw);
	free(gz);
	free(t);
}

HTEST(hand_made_blocks)
{
	/* A stored block "abc", then a fixed block with "a" and a match of length 3, distance 1. */
	static const unsigned char stored[] = { 0x01, 0x03, 0x00, 0xfc, 0xff, 'a', 'b', 'c' };
	static const unsigned char bad_nlen[] = { 0x01, 0x03, 0x00, 0xfc, 0xfe, 'a', 'b', 'c' };
	static const unsigned char short_stored[] = { 0x01, 0x05, 0x00, 0xfa, 0xff, 'a', 'b' };
	static const unsigned char type3[] = { 0x07 };
	/* Fixed block whose first code is a match: distance beyond the start. */
	static const unsigned char far_match[] = { 0x03, 0x02, 0x00 };
	struct buf out = { 0 };

	EXPECT_EQ(inflate_raw(stored, sizeof(stored), NULL, buf_sink, &out), 0);
	EXPECT_EQ(out.len, 3);
	EXPECT(!memcmp(out.data, "abc", 3));
	buf_free(&out);
	EXPECT_EQ(inflate_raw(bad_nlen, sizeof(bad_nlen), NULL, buf_sink, &out), -EBADMSG);
	EXPECT_EQ(inflate_raw(short_stored, sizeof(short_stored), NULL, buf_sink, &out), -EBADMSG);
	EXPECT_EQ(inflate_raw(type3, sizeof(type3), NULL, buf_sink, &out), -EBADMSG);
	EXPECT_EQ(inflate_raw(far_match, sizeof(far_match), NULL, buf_sink, &out), -EBADMSG);
	EXPECT_EQ(inflate_raw("", 0, NULL, buf_sink, &out), -EBADMSG);
	buf_free(&out);
}

HTEST(sink_error_stops)
{
	unsigned char *r = make_random(600000);
	size_t gzlen;
	unsigned char *gz = gzip_level("sinkerr", r, 600000, 6, &gzlen);
	struct buf out = { .fail_after = 2 };

	EXPECT_EQ(inflate_gzip(gz, gzlen, NULL, buf_sink, &out), -ENOSPC);
	EXPECT_EQ(out.calls, 2);
	buf_free(&out);
	free(gz);
	free(r);
}

HTEST(truncated_inputs_fail)
{
	unsigned char *t = make_binary(40000);
	size_t gzlen;
	unsigned char *gz = gzip_level("trunc", t, 40000, 6, &gzlen);

	for (size_t cut = 0; cut < gzlen; cut++) {
		struct buf out = { 0 };
		unsigned char *copy = malloc(cut ? cut : 1);	/* exact size: ASan sees overreads */
		int err;

		memcpy(copy, gz, cut);
		err = inflate_gzip(copy, cut, NULL, buf_sink, &out);
		free(copy);
		buf_free(&out);
		if (err != -EBADMSG && err != -EINVAL) {
			printf("# cut at %zu: %d\n", cut, err);
			EXPECT(0);
		}
	}
	free(gz);
	free(t);
}

HTEST(corrupted_inputs_fail_or_match)
{
	unsigned char *t = make_text(200000);
	size_t gzlen, failures = 0;
	unsigned char *gz = gzip_level("corrupt", t, 200000, 9, &gzlen);
	unsigned char *copy = malloc(gzlen);

	for (int round = 0; round < 3000; round++) {
		struct buf out = { 0 };
		int flips = 1 + rng() % 4, err;

		memcpy(copy, gz, gzlen);
		for (int k = 0; k < flips; k++) {
			size_t at = 10 + rng() % (gzlen - 10);

			copy[at] ^= (unsigned char)(1 + rng() % 255);
		}
		err = inflate_gzip(copy, gzlen, NULL, buf_sink, &out);
		if (err == 0 && (out.len != 200000 || memcmp(out.data, t, 200000))) {
			printf("# round %d: corrupt data accepted\n", round);
			EXPECT(0);
		}
		if (err)
			failures++;
		EXPECT(err == 0 || err == -EBADMSG);
		buf_free(&out);
	}
	EXPECT(failures > 2900);
	free(copy);
	free(gz);
	free(t);
}

HTEST(garbage_streams)
{
	/* Random bits as DEFLATE data: must end in an error or a clean stop, never out of bounds. */
	for (int round = 0; round < 20000; round++) {
		size_t len = 1 + rng() % 2000;
		unsigned char *g = make_random(len);
		struct buf out = { 0 };
		int err;

		if (round & 1)
			g[0] = (g[0] & ~6) | 4;	/* dynamic block header: exercise table building */
		err = inflate_raw(g, len, NULL, buf_sink, &out);
		free(g);
		buf_free(&out);
		EXPECT(err == 0 || err == -EBADMSG);
	}
}

HTEST(speed_busybox_sized)
{
	unsigned char *b = make_binary(8 * 1024 * 1024);
	size_t gzlen;
	unsigned char *gz = gzip_level("speed", b, 8 * 1024 * 1024, 9, &gzlen);
	struct buf out = { 0 };
	clock_t t0 = clock();
	int err = inflate_gzip(gz, gzlen, NULL, buf_sink, &out);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;

	printf("# 8 MiB from %zu bytes in %.3f s (with ASan)\n", gzlen, secs);
	EXPECT_EQ(err, 0);
	EXPECT(out.len == 8 * 1024 * 1024 && !memcmp(out.data, b, out.len));
	buf_free(&out);
	free(gz);
	free(b);
}

HTEST_MAIN()
