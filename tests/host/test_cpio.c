// host-test-sources: fs/cpio.c lib/inflate.c
/*
 * Host tests for the cpio parser (fs/cpio.c): archives written by the
 * host's cpio in newc and crc formats from a tree made here (files of
 * awkward sizes, directories, symlinks, hard links, a FIFO) must yield
 * every entry with its attributes and exact contents, however the input is
 * cut into pieces; concatenated and padded archives, truncated, corrupted
 * and hand-made malformed ones are refused cleanly (ASan watches).
 * Work files go to build/host/cpio/.
 */
#define _GNU_SOURCE
#include "htest.h"
#include <errno.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/stat.h>
#include <ferrite/cpio.h>
#include <ferrite/inflate.h>

#define WORK "build/host/cpio"

void *vmalloc(size_t size)
{
	return calloc(1, size);
}

void vfree(const void *p)
{
	free((void *)p);
}

static bool quiet;

struct rec {
	char name[CPIO_NAME_MAX];
	char link[CPIO_NAME_MAX];
	struct cpio_entry e;
	unsigned char *data;
	size_t len;
	int status;		/* entry_end's, or 99 if it never came */
};

struct sink {
	struct rec *recs;
	int n, cap;
	int bad, trailers;
	int data_fail_at;	/* refuse data of the entry with this index (-1: none) */
	int stop_at;		/* ->entry returns -ENOSPC for this index (-1: none) */
};

static int t_entry(void *arg, const struct cpio_entry *e)
{
	struct sink *s = arg;
	struct rec *r;

	if (s->n == s->stop_at)
		return -ENOSPC;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->recs = realloc(s->recs, s->cap * sizeof(*s->recs));
	}
	r = &s->recs[s->n++];
	memset(r, 0, sizeof(*r));
	r->e = *e;
	r->status = 99;
	snprintf(r->name, sizeof(r->name), "%s", e->name);
	if (e->link)
		snprintf(r->link, sizeof(r->link), "%s", e->link);
	return S_ISREG(e->mode) ? 0 : (S_ISLNK(e->mode) ? 0 : CPIO_SKIP_DATA);
}

static int t_data(void *arg, const void *buf, size_t len)
{
	struct sink *s = arg;
	struct rec *r = &s->recs[s->n - 1];

	if (s->n - 1 == s->data_fail_at)
		return -ENOSPC;
	r->data = realloc(r->data, r->len + len);
	memcpy(r->data + r->len, buf, len);
	r->len += len;
	return 0;
}

static void t_end(void *arg, const struct cpio_entry *e, int status)
{
	struct sink *s = arg;

	(void)e;
	s->recs[s->n - 1].status = status;
}

static void t_bad(void *arg, const char *name, const char *why)
{
	struct sink *s = arg;

	if (!quiet)
		printf("# refused \"%s\": %s\n", name, why);
	s->bad++;
}

static void t_trailer(void *arg)
{
	((struct sink *)arg)->trailers++;
}

static const struct cpio_ops t_ops = {
	.entry = t_entry, .data = t_data, .entry_end = t_end, .bad = t_bad, .trailer = t_trailer,
};

static void sink_free(struct sink *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->recs[i].data);
	free(s->recs);
	memset(s, 0, sizeof(*s));
}

static struct cpio_parser parser;

/* Parse @len bytes fed in pieces of @chunk (0: random sizes); the finish result. */
static int parse(struct sink *s, const void *buf, size_t len, size_t chunk, int *feed_err)
{
	const unsigned char *b = buf;
	size_t off = 0;
	unsigned int seed = 12345;

	memset(s, 0, sizeof(*s));
	s->data_fail_at = s->stop_at = -1;
	cpio_parser_init(&parser, &t_ops, s);
	*feed_err = 0;
	while (off < len) {
		size_t n = chunk ? chunk : 1 + (seed = seed * 1103515245 + 12345) % 700;

		if (n > len - off)
			n = len - off;
		/* An exact-size copy, so ASan catches reads past the piece. */
		unsigned char *piece = malloc(n);

		memcpy(piece, b + off, n);
		*feed_err = cpio_parser_feed(&parser, piece, n);
		free(piece);
		off += n;
		if (*feed_err)
			return *feed_err;
	}
	return cpio_parser_finish(&parser);
}

static void run(const char *cmd)
{
	if (system(cmd) != 0) {
		fprintf(stderr, "command failed: %s\n", cmd);
		exit(2);
	}
}

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
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

static void write_bytes(const char *path, size_t len, unsigned int seed)
{
	FILE *f = fopen(path, "wb");

	for (size_t i = 0; i < len; i++)
		fputc((int)((seed = seed * 1664525 + 1013904223) >> 24), f);
	fclose(f);
}

/* Build the sample tree once and archive it as newc and crc. */
static void make_archives(void)
{
	static bool done;
	static const size_t sizes[] = { 0, 1, 2, 3, 4, 5, 7, 8, 511, 512, 513, 4096, 100003 };
	char path[256];

	if (done)
		return;
	done = true;
	run("rm -rf " WORK " && mkdir -p " WORK "/tree/dir/sub " WORK "/tree/empty");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(path, sizeof(path), WORK "/tree/dir/f%zu", sizes[i]);
		write_bytes(path, sizes[i], (unsigned int)i + 1);
	}
	run("cd " WORK "/tree && ln -s dir/f5 link && ln -s ../../some/where/far dir/sub/dangling"
	    " && ln dir/f100003 hard1 && ln dir/f100003 dir/sub/hard2 && mkfifo fifo"
	    " && chmod 4755 dir/f7 && chmod 0700 empty && printf 'x' > 'name with spaces'"
	    " && touch -d @1234567890 dir/f3");
	run("cd " WORK "/tree && find . | LC_ALL=C sort | cpio --quiet -o -H newc > ../a.newc");
	run("cd " WORK "/tree && find . | LC_ALL=C sort | cpio --quiet -o -H crc > ../a.crc");
}

/* Check one parsed entry against the file it came from. */
static bool entry_matches(const struct rec *r)
{
	char path[CPIO_NAME_MAX + 64], target[CPIO_NAME_MAX];
	struct stat st;
	size_t len;
	unsigned char *data;
	bool ok;

	snprintf(path, sizeof(path), WORK "/tree/%s", r->name);
	if (lstat(path, &st) != 0)
		return false;
	if (r->e.mode != st.st_mode || r->e.uid != st.st_uid || r->e.gid != st.st_gid ||
	    r->e.mtime != (uint32_t)st.st_mtime || r->e.nlink != st.st_nlink)
		return false;
	if (S_ISLNK(st.st_mode)) {
		ssize_t n = readlink(path, target, sizeof(target) - 1);

		target[n < 0 ? 0 : n] = '\0';
		return r->status == 0 && strcmp(r->link, target) == 0;
	}
	if (!S_ISREG(st.st_mode))
		return r->status == 99 && r->len == 0;
	if (r->status != 0)
		return false;
	if (r->e.filesize == 0)	/* a hard link whose data comes with another name */
		return r->len == 0 && (st.st_size == 0 || st.st_nlink > 1);
	data = read_file(path, &len);
	ok = len == r->len && (len == 0 || memcmp(data, r->data, len) == 0);
	free(data);
	return ok;
}

static bool archive_ok(const char *file, size_t chunk)
{
	size_t len;
	unsigned char *a = read_file(file, &len);
	struct sink s;
	int feed_err, err = parse(&s, a, len, chunk, &feed_err);
	bool ok = err == 0 && s.bad == 0 && s.trailers == 1 && s.n >= 20;

	for (int i = 0; ok && i < s.n; i++) {
		if (!entry_matches(&s.recs[i])) {
			printf("# entry %s differs\n", s.recs[i].name);
			ok = false;
		}
	}
	if (!ok)
		printf("# %s chunk %zu: err %d bad %d entries %d\n", file, chunk, err, s.bad, s.n);
	sink_free(&s);
	free(a);
	return ok;
}

HTEST(newc_whole_and_pieces)
{
	make_archives();
	EXPECT(archive_ok(WORK "/a.newc", 1 << 30));
	EXPECT(archive_ok(WORK "/a.newc", 1));
	EXPECT(archive_ok(WORK "/a.newc", 3));
	EXPECT(archive_ok(WORK "/a.newc", 0));
}

HTEST(crc_format)
{
	make_archives();
	EXPECT(archive_ok(WORK "/a.crc", 1 << 30));
	EXPECT(archive_ok(WORK "/a.crc", 0));
}

HTEST(hard_links_share_inode)
{
	size_t len;
	unsigned char *a;
	struct sink s;
	int feed_err, group = 0, with_data = 0;
	uint32_t ino = 0;

	make_archives();
	a = read_file(WORK "/a.newc", &len);
	EXPECT_EQ(parse(&s, a, len, 4096, &feed_err), 0);
	for (int i = 0; i < s.n; i++) {
		if (strcmp(s.recs[i].name, "hard1") == 0)
			ino = s.recs[i].e.ino;
	}
	for (int i = 0; i < s.n; i++) {
		if (s.recs[i].e.ino == ino && S_ISREG(s.recs[i].e.mode)) {
			group++;
			with_data += s.recs[i].len == 100003;
			EXPECT_EQ(s.recs[i].e.nlink, 3);
		}
	}
	EXPECT_EQ(group, 3);
	EXPECT_EQ(with_data, 1);
	sink_free(&s);
	free(a);
}

HTEST(concatenated_with_padding)
{
	size_t alen, blen;
	unsigned char *a, *b, *cat;
	struct sink s;
	int feed_err;

	make_archives();
	a = read_file(WORK "/a.newc", &alen);
	b = read_file(WORK "/a.crc", &blen);
	cat = calloc(1, 16 + alen + 36 + blen + 4);
	memcpy(cat + 16, a, alen);
	memcpy(cat + 16 + alen + 36, b, blen);
	EXPECT_EQ(parse(&s, cat, 16 + alen + 36 + blen + 4, 0, &feed_err), 0);
	EXPECT_EQ(s.trailers, 2);
	EXPECT_EQ(s.bad, 0);
	for (int i = 0; i < s.n; i++)
		EXPECT(entry_matches(&s.recs[i]));
	sink_free(&s);
	free(cat);
	free(a);
	free(b);
}

HTEST(truncated_everywhere)
{
	quiet = true;
	size_t len;
	unsigned char *a;

	make_archives();
	a = read_file(WORK "/a.newc", &len);
	/* The archive body ends before its 512-byte zero padding; cuts inside that are fine. */
	for (size_t cut = 0; cut < len; cut += (cut < 2000 || len - cut < 2000) ? 1 : 97) {
		struct sink s;
		int feed_err, err = parse(&s, a, cut, 0, &feed_err);

		if (s.trailers == 0 && cut > 0 && err != -EINVAL) {
			printf("# cut %zu: %d\n", cut, err);
			EXPECT(0);
		}
		for (int i = 0; i < s.n; i++)
			EXPECT(s.recs[i].status != 99 || !S_ISREG(s.recs[i].e.mode));
		sink_free(&s);
	}
	free(a);
}

HTEST(corrupted_never_overrun)
{
	quiet = true;
	size_t len;
	unsigned char *a, *c;
	unsigned int seed = 7;

	make_archives();
	a = read_file(WORK "/a.crc", &len);
	c = malloc(len);
	for (int round = 0; round < 4000; round++) {
		struct sink s;
		int feed_err;

		memcpy(c, a, len);
		for (int k = 0; k < 1 + round % 5; k++) {
			seed = seed * 1103515245 + 12345;
			c[(seed >> 4) % len] = (unsigned char)(seed >> 20);
		}
		parse(&s, c, len, 0, &feed_err);
		EXPECT(feed_err == 0 || feed_err == -EINVAL);
		sink_free(&s);
	}
	free(c);
	free(a);
}

HTEST(crc_mismatch_reported)
{
	quiet = false;
	size_t len;
	unsigned char *a, *p;
	struct sink s;
	int feed_err, found = 0;

	make_archives();
	a = read_file(WORK "/a.crc", &len);
	/* Change one byte in the data of "name with spaces" (content "x"). */
	p = memmem(a, len, "name with spaces", 17);
	EXPECT(p != NULL);
	p += 17;
	while ((p - a) % 4)
		p++;
	EXPECT_EQ(*p, 'x');
	*p = 'y';
	EXPECT_EQ(parse(&s, a, len, 0, &feed_err), 0);
	for (int i = 0; i < s.n; i++) {
		if (strcmp(s.recs[i].name, "name with spaces") == 0) {
			EXPECT_EQ(s.recs[i].status, -EBADMSG);
			found = 1;
		} else {
			EXPECT(s.recs[i].status != -EBADMSG);
		}
	}
	EXPECT(found);
	sink_free(&s);
	free(a);
}

/* A header for one entry: fields in order ino mode uid gid nlink mtime size dmaj dmin rmaj rmin namesize check. */
static size_t put_entry(char *out, const char *magic, uint32_t mode, const char *name,
			uint32_t namesize, const char *data, uint32_t size)
{
	size_t n = (size_t)sprintf(out, "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
				   magic, 1u, mode, 0u, 0u, 1u, 0u, size, 0u, 0u, 0u, 0u,
				   namesize, 0u);

	memcpy(out + n, name, namesize);
	n += namesize;
	while (n % 4)
		out[n++] = 0;
	memcpy(out + n, data, size);
	n += size;
	while (n % 4)
		out[n++] = 0;
	return n;
}

HTEST(malformed_entries_refused)
{
	static char buf[3 * CPIO_NAME_MAX + 10000];
	static char longname[CPIO_NAME_MAX + 10];
	struct sink s;
	size_t n = 0;
	int feed_err;

	memset(longname, 'a', sizeof(longname));
	longname[sizeof(longname) - 1] = 0;
	n += put_entry(buf + n, "070701", S_IFREG | 0644, "good", 5, "abc", 3);
	n += put_entry(buf + n, "070701", S_IFREG | 0644, "nonul", 5, "abc", 3);	/* 5 bytes, no NUL */
	n += put_entry(buf + n, "070701", 0170000 | 0644, "weird", 6, "", 0);
	n += put_entry(buf + n, "070701", S_IFREG | 0644, longname, sizeof(longname), "zz", 2);
	n += put_entry(buf + n, "070701", S_IFLNK | 0777, "emptylink", 10, "", 0);
	n += put_entry(buf + n, "070701", S_IFREG | 0600, "good2", 6, "12345", 5);
	n += put_entry(buf + n, "070701", 0, "TRAILER!!!", 11, "", 0);
	EXPECT_EQ(parse(&s, buf, n, 0, &feed_err), 0);
	EXPECT_EQ(s.bad, 4);
	EXPECT_EQ(s.n, 2);
	EXPECT_STREQ(s.recs[0].name, "good");
	EXPECT(s.recs[0].len == 3 && !memcmp(s.recs[0].data, "abc", 3));
	EXPECT_STREQ(s.recs[1].name, "good2");
	EXPECT(s.recs[1].len == 5 && !memcmp(s.recs[1].data, "12345", 5));
	EXPECT_EQ(s.trailers, 1);
	sink_free(&s);

	/* Bad magic and bad hex digits stop the parse. */
	n = put_entry(buf, "070707", S_IFREG | 0644, "old", 4, "", 0);
	EXPECT_EQ(parse(&s, buf, n, 0, &feed_err), -EINVAL);
	EXPECT_EQ(s.bad, 1);
	sink_free(&s);
	n = put_entry(buf, "070701", S_IFREG | 0644, "hex", 4, "", 0);
	buf[20] = 'g';
	EXPECT_EQ(parse(&s, buf, n, 0, &feed_err), -EINVAL);
	sink_free(&s);
	/* Junk that is not a header at all. */
	EXPECT_EQ(parse(&s, "\0\0\0\0garbage", 11, 0, &feed_err), -EINVAL);
	sink_free(&s);
	/* Nothing or only padding is fine. */
	EXPECT_EQ(parse(&s, "\0\0\0\0\0\0\0\0", 8, 0, &feed_err), 0);
	EXPECT_EQ(s.n, 0);
	sink_free(&s);
}

HTEST(consumer_errors)
{
	size_t len;
	unsigned char *a;
	struct sink s;
	int feed_err, err;
	const unsigned char *b;

	make_archives();
	a = read_file(WORK "/a.newc", &len);
	/* ->entry failing stops everything with its error. */
	memset(&s, 0, sizeof(s));
	s.data_fail_at = -1;
	s.stop_at = 3;
	cpio_parser_init(&parser, &t_ops, &s);
	err = cpio_parser_feed(&parser, a, len);
	EXPECT_EQ(err, -ENOSPC);
	EXPECT_EQ(cpio_parser_feed(&parser, a, 10), -EINVAL);
	sink_free(&s);
	/* ->data failing refuses that entry only. */
	memset(&s, 0, sizeof(s));
	s.stop_at = -1;
	s.data_fail_at = 5;
	cpio_parser_init(&parser, &t_ops, &s);
	b = a;
	err = cpio_parser_feed(&parser, b, len);
	EXPECT_EQ(err, 0);
	EXPECT_EQ(cpio_parser_finish(&parser), 0);
	for (int i = 0; i < s.n; i++) {
		if (i == 5 && s.recs[i].e.filesize > 0 && S_ISREG(s.recs[i].e.mode))
			EXPECT_EQ(s.recs[i].status, -EIO);
		else if (S_ISREG(s.recs[i].e.mode))
			EXPECT_EQ(s.recs[i].status, 0);
	}
	(void)feed_err;
	sink_free(&s);
	free(a);
}

/* Parse a whole image with cpio_parse_image; its result. */
static int parse_image(struct sink *s, const void *buf, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->data_fail_at = s->stop_at = -1;
	cpio_parser_init(&parser, &t_ops, s);
	return cpio_parse_image(&parser, buf, len);
}

/* An image: newc archive, NULs, gzip(crc archive) as two members, NULs. */
static unsigned char *make_image(size_t *len, size_t *gz_off)
{
	size_t alen, glen;
	unsigned char *a, *g, *img;

	make_archives();
	run("head -c 30000 " WORK "/a.crc | gzip -n -6 > " WORK "/part1.gz && tail -c +30001 "
	    WORK "/a.crc | gzip -n -1 > " WORK "/part2.gz && cat " WORK "/part1.gz " WORK
	    "/part2.gz > " WORK "/a.crc.gz");
	a = read_file(WORK "/a.newc", &alen);
	g = read_file(WORK "/a.crc.gz", &glen);
	img = calloc(1, alen + 8 + glen + 16);
	memcpy(img, a, alen);
	memcpy(img + alen + 8, g, glen);
	*len = alen + 8 + glen + 16;
	*gz_off = alen + 8;
	free(a);
	free(g);
	return img;
}

HTEST(image_plain_then_gzip)
{
	size_t len, gz_off;
	unsigned char *img = make_image(&len, &gz_off);
	struct sink s;

	quiet = false;
	EXPECT_EQ(parse_image(&s, img, len), 0);
	EXPECT_EQ(s.trailers, 2);
	EXPECT_EQ(s.bad, 0);
	EXPECT(s.n >= 40);
	for (int i = 0; i < s.n; i++)
		EXPECT(entry_matches(&s.recs[i]));
	sink_free(&s);
	free(img);
}

HTEST(image_errors)
{
	size_t len, gz_off;
	unsigned char *img = make_image(&len, &gz_off);
	struct sink s;
	int n_plain;

	quiet = true;
	EXPECT_EQ(parse_image(&s, img, gz_off), 0);
	n_plain = s.n;
	EXPECT(n_plain >= 20);
	sink_free(&s);
	/* Corrupt compressed data: the plain archive's entries are there, then an error. */
	img[gz_off + 200] ^= 0x55;
	EXPECT(parse_image(&s, img, len) < 0);
	EXPECT(s.trailers >= 1);
	EXPECT(s.n >= n_plain);
	sink_free(&s);
	img[gz_off + 200] ^= 0x55;
	/* Junk where an archive should start. */
	img[gz_off - 1] = 'x';
	EXPECT_EQ(parse_image(&s, img, len), -EINVAL);
	EXPECT_EQ(s.n, n_plain);
	EXPECT(s.bad >= 1);
	sink_free(&s);
	img[gz_off - 1] = 0;
	/* Compressed data cut short. */
	EXPECT(parse_image(&s, img, gz_off + 300) < 0);
	sink_free(&s);
	/* Truncated everywhere in the compressed part: never a crash, every taken entry ended. */
	for (size_t cut = gz_off; cut < len; cut += 37) {
		parse_image(&s, img, cut);
		for (int i = 0; i < s.n; i++)
			EXPECT(s.recs[i].status != 99 || !S_ISREG(s.recs[i].e.mode));
		sink_free(&s);
	}
	free(img);
}

HTEST_MAIN()
