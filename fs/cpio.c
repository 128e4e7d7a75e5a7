/*
 * Streaming parser for cpio "newc" and "crc" archives (see cpio.h). A
 * state machine consumes the input a piece at a time: NULs between
 * archives, the 110-byte header of 8-digit hex fields, the name, padding
 * to four bytes, the data (handed to the consumer, collected for
 * symlinks), padding again. Padding is counted from the start of each
 * header, which is where a well-formed archive has its alignment anyway.
 */
#include <ferrite/cpio.h>
#include <ferrite/errno.h>
#include <ferrite/inflate.h>
#include <ferrite/string.h>

#define CPIO_TRAILER	"TRAILER!!!"

void cpio_parser_init(struct cpio_parser *p, const struct cpio_ops *ops, void *arg)
{
	p->ops = ops;
	p->arg = arg;
	p->state = CPIO_ST_START;
	p->off = 0;
	p->want = p->have = 0;
	p->take = p->refused = p->trailer = p->in_archive = false;
}

/* Refuse the current entry with a reason; its bytes are still skipped. */
static void refuse(struct cpio_parser *p, const char *why)
{
	p->refused = true;
	p->ops->bad(p->arg, p->entry.name ? p->entry.name : "", why);
}

/* An 8-digit hex field; false if a character is not a hex digit. */
static bool hex8(const char *s, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		int c = s[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = (v << 4) | (uint32_t)d;
	}
	*out = v;
	return true;
}

static bool type_known(uint32_t mode)
{
	switch (mode & CPIO_S_IFMT) {
	case CPIO_S_IFREG: case CPIO_S_IFDIR: case CPIO_S_IFLNK: case CPIO_S_IFCHR:
	case CPIO_S_IFBLK: case CPIO_S_IFIFO: case CPIO_S_IFSOCK:
		return true;
	}
	return false;
}

/* Decode the collected header. 0, or -EINVAL when it is unreadable (parsing stops). */
static int parse_header(struct cpio_parser *p)
{
	struct cpio_entry *e = &p->entry;
	uint32_t f[13];

	e->name = "";
	if (memcmp(p->hdr, "07070", 5) != 0 || (p->hdr[5] != '1' && p->hdr[5] != '2')) {
		p->ops->bad(p->arg, "", "bad magic (not a newc/crc cpio header)");
		return -EINVAL;
	}
	for (int i = 0; i < 13; i++) {
		if (!hex8(p->hdr + 6 + 8 * i, &f[i])) {
			p->ops->bad(p->arg, "", "bad hex field in header");
			return -EINVAL;
		}
	}
	*e = (struct cpio_entry){
		.name = "", .ino = f[0], .mode = f[1], .uid = f[2], .gid = f[3],
		.nlink = f[4], .mtime = f[5], .filesize = f[6], .dev_major = f[7],
		.dev_minor = f[8], .rdev_major = f[9], .rdev_minor = f[10], .check = f[12],
		.has_crc = p->hdr[5] == '2',
	};
	p->refused = p->take = p->trailer = false;
	p->in_archive = true;
	p->sum = 0;
	p->status = 0;
	p->state = CPIO_ST_NAME;
	p->want = f[11];
	p->have = 0;
	if (f[11] == 0 || f[11] > CPIO_NAME_MAX)
		refuse(p, f[11] ? "name too long" : "empty name");
	return 0;
}

/* The name is in: check it and go to the padding after it. */
static void name_done(struct cpio_parser *p)
{
	struct cpio_entry *e = &p->entry;
	size_t len = p->have;

	if (!p->refused) {
		if (p->name[len - 1] != '\0') {
			p->name[len - 1] = '\0';
			e->name = p->name;
			refuse(p, "name not NUL-terminated");
		} else {
			e->name = p->name;
			if (strcmp(p->name, CPIO_TRAILER) == 0)
				p->trailer = true;
			else if (p->name[0] == '\0')
				refuse(p, "empty name");
			else if (!type_known(e->mode))
				refuse(p, "unknown file type");
		}
	}
	p->state = CPIO_ST_NAME_PAD;
	p->want = ALIGN_UP(p->off, 4) - p->off;
}

/* Offer the entry to the consumer; its data comes next. 0 or the consumer's -errno. */
static int offer_entry(struct cpio_parser *p)
{
	int ret = p->ops->entry(p->arg, &p->entry);

	if (ret < 0)
		return ret;
	p->take = ret == 0;
	p->state = CPIO_ST_DATA;
	return 0;
}

/* The padding after the name is skipped: collect a symlink target, or offer the entry. */
static int data_begin(struct cpio_parser *p)
{
	struct cpio_entry *e = &p->entry;

	p->want = e->filesize;
	p->have = 0;
	p->state = CPIO_ST_DATA;
	if (p->trailer || p->refused)
		return 0;
	if ((e->mode & CPIO_S_IFMT) == CPIO_S_IFLNK) {
		if (e->filesize == 0 || e->filesize >= CPIO_NAME_MAX)
			refuse(p, e->filesize ? "symlink target too long" : "empty symlink target");
		else
			p->state = CPIO_ST_LINK;
		return 0;
	}
	return offer_entry(p);
}

static void data_end(struct cpio_parser *p)
{
	struct cpio_entry *e = &p->entry;
	int status = p->status;

	if (p->take) {
		/* Only regular files are summed: cpio writes 0 for symlinks. */
		if (!status && e->has_crc && (e->mode & CPIO_S_IFMT) == CPIO_S_IFREG &&
		    p->sum != e->check)
			status = -EBADMSG;
		p->ops->entry_end(p->arg, e, status);
		p->take = false;
	}
	if (p->trailer) {
		p->in_archive = false;
		if (p->ops->trailer)
			p->ops->trailer(p->arg);
	}
	p->state = CPIO_ST_DATA_PAD;
	p->want = ALIGN_UP(p->off, 4) - p->off;
}

/* Move on from every state that has nothing more to consume. 0 or -errno. */
static int advance(struct cpio_parser *p)
{
	int err = 0;

	while (p->want == 0 && !err) {
		switch (p->state) {
		case CPIO_ST_NAME:
			name_done(p);
			break;
		case CPIO_ST_NAME_PAD:
			err = data_begin(p);
			break;
		case CPIO_ST_LINK:
			p->link[p->have] = '\0';
			p->entry.link = p->link;
			err = offer_entry(p);
			break;
		case CPIO_ST_DATA:
			data_end(p);
			break;
		case CPIO_ST_DATA_PAD:
			p->state = CPIO_ST_START;
			return 0;
		default:
			return 0;
		}
	}
	return err;
}

static uint32_t byte_sum(const uint8_t *b, size_t n)
{
	uint32_t s = 0;

	while (n--)
		s += *b++;
	return s;
}

/* Consume up to @len bytes in the current state; the count consumed, or -errno. */
static long consume(struct cpio_parser *p, const uint8_t *b, size_t len)
{
	size_t n = 0;

	switch (p->state) {
	case CPIO_ST_START:
		while (n < len && b[n] == 0)
			n++;
		if (n < len) {
			p->state = CPIO_ST_HEADER;
			p->off = 0;
			p->have = 0;
			p->want = CPIO_HDR_LEN;
		}
		return (long)n;
	case CPIO_ST_HEADER:
		n = MIN(len, p->want);
		memcpy(p->hdr + p->have, b, n);
		break;
	case CPIO_ST_NAME:
		n = MIN(len, p->want);
		if (!p->refused)
			memcpy(p->name + p->have, b, n);
		break;
	case CPIO_ST_LINK:
		n = MIN(len, p->want);
		memcpy(p->link + p->have, b, n);
		p->sum += byte_sum(b, n);
		break;
	case CPIO_ST_DATA:
		n = MIN(len, p->want);
		if (p->entry.has_crc)
			p->sum += byte_sum(b, n);
		if (p->take && !p->status && p->ops->data(p->arg, b, n) < 0)
			p->status = -EIO;
		break;
	case CPIO_ST_NAME_PAD:
	case CPIO_ST_DATA_PAD:
		n = MIN(len, p->want);
		break;
	case CPIO_ST_FAILED:
		return -EINVAL;
	}
	p->have += n;
	p->want -= n;
	p->off += n;
	return (long)n;
}

/*
 * Consume @len bytes, or with @stop_idle only up to the end of the first
 * entry completed. Bytes consumed, or -errno (the parser is then failed).
 */
static long parser_run(struct cpio_parser *p, const uint8_t *b, size_t len, bool stop_idle)
{
	size_t done = 0;
	long n;
	int err;

	while (done < len || (p->want == 0 && p->state != CPIO_ST_START &&
			      p->state != CPIO_ST_FAILED)) {
		n = consume(p, b + done, len - done);
		if (n < 0)
			return n;
		done += (size_t)n;
		if (p->want != 0)
			continue;
		err = p->state == CPIO_ST_HEADER ? parse_header(p) : 0;
		if (!err)
			err = advance(p);
		if (err) {
			p->state = CPIO_ST_FAILED;
			return err;
		}
		if (stop_idle && p->state == CPIO_ST_START)
			break;
	}
	return (long)done;
}

int cpio_parser_feed(struct cpio_parser *p, const void *buf, size_t len)
{
	long n = parser_run(p, buf, len, false);

	return n < 0 ? (int)n : 0;
}

long cpio_parser_feed_some(struct cpio_parser *p, const void *buf, size_t len)
{
	return parser_run(p, buf, len, true);
}

bool cpio_parser_idle(const struct cpio_parser *p)
{
	return p->state == CPIO_ST_START;
}

int cpio_parser_finish(struct cpio_parser *p)
{
	if (p->state == CPIO_ST_START && !p->in_archive)
		return 0;
	if (p->state == CPIO_ST_FAILED)
		return -EINVAL;
	if (p->state == CPIO_ST_START) {
		p->ops->bad(p->arg, "", "archive ends without TRAILER!!!");
		p->state = CPIO_ST_FAILED;
		return -EINVAL;
	}
	p->ops->bad(p->arg, p->state == CPIO_ST_HEADER ? "" : p->entry.name,
		    "archive ends inside this entry");
	if (p->take)
		p->ops->entry_end(p->arg, &p->entry, -EINVAL);
	p->take = false;
	p->state = CPIO_ST_FAILED;
	return -EINVAL;
}

/* ---- whole initramfs images ---- */

static int image_sink(void *arg, const void *data, size_t len)
{
	return cpio_parser_feed(arg, data, len);
}

/* Give up in the middle of an entry: its consumer hears of it, nothing more is parsed. */
static void parser_abort(struct cpio_parser *p)
{
	if (p->take)
		p->ops->entry_end(p->arg, &p->entry, -EINVAL);
	p->take = false;
	p->state = CPIO_ST_FAILED;
}

/* One gzip-compressed part at @b: 0 and its length in *@used, or -errno. */
static int image_gzip_part(struct cpio_parser *p, const uint8_t *b, size_t len, size_t *used)
{
	int err = inflate_gzip(b, len, used, image_sink, p);

	if (err) {
		if (p->state != CPIO_ST_FAILED)	/* else the parser has said why */
			p->ops->bad(p->arg, "", "corrupt gzip data");
		parser_abort(p);
		return err;
	}
	if (!cpio_parser_idle(p)) {
		p->ops->bad(p->arg, p->entry.name, "junk at the end of compressed archive");
		parser_abort(p);
		return -EINVAL;
	}
	return 0;
}

int cpio_parse_image(struct cpio_parser *p, const void *data, size_t len)
{
	const uint8_t *b = data;
	size_t off = 0, used;
	long n;
	int err;

	while (off < len) {
		if (cpio_parser_idle(p)) {
			if (b[off] == 0) {
				off++;
				continue;
			}
			if (inflate_is_gzip(b + off, len - off)) {
				err = image_gzip_part(p, b + off, len - off, &used);
				if (err)
					return err;
				off += used;
				continue;
			}
			if (b[off] != '0') {
				p->ops->bad(p->arg, "", "invalid magic at start of archive");
				p->state = CPIO_ST_FAILED;
				return -EINVAL;
			}
		}
		n = cpio_parser_feed_some(p, b + off, len - off);
		if (n < 0)
			return (int)n;
		off += (size_t)n;
	}
	return cpio_parser_finish(p);
}
