/*
 * A streaming parser for cpio archives in the "newc" (070701) and "crc"
 * (070702) formats, as the initramfs uses them (Linux's
 * Documentation/driver-api/early-userspace/buffer-format.rst). Bytes are
 * fed in pieces of any size; the parser calls the consumer back for each
 * entry and for the data of the entries it takes. Several archives may
 * follow each other, with NUL padding before, between and after them.
 *
 * The parser never looks past what it was given and copies names and
 * symlink targets into its own bounded buffers. A header it cannot read
 * (bad magic or hex field) ends parsing: nothing after it can be trusted
 * to be aligned. An entry whose header reads but whose content is wrong
 * (name not NUL-terminated or too long, unknown file type, symlink target
 * too long) is refused through ->bad and skipped.
 *
 * The parser is pure (no allocation, no locks): one parser, one caller.
 */
#ifndef FERRITE_CPIO_H
#define FERRITE_CPIO_H

#include <ferrite/compiler.h>

/* File types in c_mode, as POSIX's <cpio.h> defines them (the same as Linux's S_IF*). */
#define CPIO_S_IFMT	0170000
#define CPIO_S_IFSOCK	0140000
#define CPIO_S_IFLNK	0120000
#define CPIO_S_IFREG	0100000
#define CPIO_S_IFBLK	0060000
#define CPIO_S_IFDIR	0040000
#define CPIO_S_IFCHR	0020000
#define CPIO_S_IFIFO	0010000

#define CPIO_HDR_LEN	110
#define CPIO_NAME_MAX	4096	/* name bytes with the NUL, and symlink target bytes + 1 */

struct cpio_entry {
	const char *name;	/* NUL-terminated, in the parser's buffer */
	const char *link;	/* S_IFLNK: the target, NUL-terminated; else NULL */
	uint32_t ino, mode, uid, gid, nlink, mtime, filesize;
	uint32_t dev_major, dev_minor, rdev_major, rdev_minor;
	uint32_t check;		/* "crc" format: the sum of the data bytes */
	bool has_crc;		/* the archive is in the "crc" format */
};

/* ->entry's answer when it does not want the entry's data. */
#define CPIO_SKIP_DATA	1

struct cpio_ops {
	/*
	 * A new entry (symlinks: once their target is read). Return 0 to get
	 * its data through ->data, CPIO_SKIP_DATA to have it skipped, or -errno
	 * to stop the whole parse with that error.
	 */
	int (*entry)(void *arg, const struct cpio_entry *e);
	/*
	 * Data of the current accepted entry, in order. 0 to go on; -errno
	 * refuses the rest of this entry's data (parsing goes on).
	 */
	int (*data)(void *arg, const void *buf, size_t len);
	/*
	 * End of an accepted entry: @status 0, -EBADMSG if the "crc" format
	 * sum of a regular file did not match, -EIO if ->data refused, or -EINVAL if the
	 * archive ended inside the data.
	 */
	void (*entry_end)(void *arg, const struct cpio_entry *e, int status);
	/* An entry refused by the parser; @name may be "" when unreadable. */
	void (*bad)(void *arg, const char *name, const char *why);
	/* "TRAILER!!!": the end of one archive (hard links do not cross it). */
	void (*trailer)(void *arg);
};

enum cpio_state {
	CPIO_ST_START,		/* skipping NULs before a header */
	CPIO_ST_HEADER,
	CPIO_ST_NAME,
	CPIO_ST_NAME_PAD,
	CPIO_ST_LINK,
	CPIO_ST_DATA,
	CPIO_ST_DATA_PAD,
	CPIO_ST_FAILED,		/* an unreadable header: everything else is refused */
};

struct cpio_parser {
	const struct cpio_ops *ops;	/* [I] */
	void *arg;			/* [I] */
	enum cpio_state state;
	uint64_t off;		/* bytes since the current header began */
	size_t want;		/* bytes left in the current state */
	size_t have;		/* bytes collected in the current state */
	uint32_t sum;		/* byte sum of the data so far */
	int status;		/* of the current entry's data */
	bool take;		/* the consumer takes the data */
	bool refused;		/* the entry is skipped (already reported) */
	bool trailer;		/* the current entry is TRAILER!!! */
	bool in_archive;	/* a header came since the last trailer */
	struct cpio_entry entry;
	char hdr[CPIO_HDR_LEN];
	char name[CPIO_NAME_MAX];
	char link[CPIO_NAME_MAX];
};

void cpio_parser_init(struct cpio_parser *p, const struct cpio_ops *ops, void *arg);
/*
 * Parse @len more bytes. 0; -EINVAL after an unreadable header (reported
 * through ->bad; later calls fail the same way); or ->entry's -errno.
 */
int cpio_parser_feed(struct cpio_parser *p, const void *buf, size_t len);
/*
 * As cpio_parser_feed, but stop right after the first entry that ends in
 * these bytes (its padding included; NULs after it are left alone), so
 * that the caller can look at what follows (another compressed part of an
 * initramfs). Bytes consumed, or -errno as cpio_parser_feed.
 */
long cpio_parser_feed_some(struct cpio_parser *p, const void *buf, size_t len);
/* True between entries: the next non-NUL byte would start a header. */
bool cpio_parser_idle(const struct cpio_parser *p);
/*
 * Parse a whole initramfs image as Linux reads one: cpio archives, each
 * uncompressed or gzip-compressed (one or several members), with NUL
 * padding around them; a compressed part must end between entries. Then
 * cpio_parser_finish. 0 or -errno (reported through ->bad); entries before
 * an error have been handed to the consumer.
 */
int cpio_parse_image(struct cpio_parser *p, const void *data, size_t len);
/*
 * The input is over: 0 if it ended between archives, -EINVAL (reported
 * through ->bad) if inside one or without the last archive's TRAILER!!!.
 */
int cpio_parser_finish(struct cpio_parser *p);

#endif
