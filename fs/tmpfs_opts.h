/*
 * tmpfs mount options (Linux's: size=, nr_blocks=, nr_inodes=, mode=,
 * uid=, gid=), parsed by pure code that the host tests build too.
 */
#ifndef FS_TMPFS_OPTS_H
#define FS_TMPFS_OPTS_H

#include <ferrite/compiler.h>

struct tmpfs_opts {
	uint64_t max_pages;		/* 0: no limit */
	uint64_t max_inodes;		/* 0: no limit */
	unsigned int mode;		/* root directory permission bits */
	int uid, gid;			/* root directory owner */
	bool has_size, has_inodes, has_mode, has_uid, has_gid;
};

/*
 * Parse the comma-separated option string @data (NULL or "" is no option)
 * into @o, leaving fields of options not given alone. "size=" takes a
 * number of bytes with an optional k, m, g, t suffix or a percentage of
 * @total_pages of RAM (rounded up to pages). 0, or -EINVAL for an unknown
 * option or a bad value (*@bad then points at the option).
 */
int tmpfs_parse_opts(const char *data, uint64_t total_pages, struct tmpfs_opts *o,
		     const char **bad);

#endif
