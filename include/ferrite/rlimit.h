/*
 * Resource-limit rules (Linux's do_prlimit and INIT_RLIMITS). The limits
 * themselves live in struct process (sched.h); these functions only decide.
 * rlimit_init_defaults is declared in sysinfo.h for the code that creates
 * the first process.
 */
#ifndef FERRITE_RLIMIT_H
#define FERRITE_RLIMIT_H

#include <ferrite/compiler.h>

struct rlimit64;

/* Linux's max_threads for a machine of @total_pages pages (20 .. 2^30-1). */
uint64_t rlimit_max_threads(uint64_t total_pages);
/* The default limits for a machine of @total_pages pages. */
void rlimit_defaults_for(struct rlimit64 *rlim, uint64_t total_pages);
/*
 * May resource @resource go from @old to @new? 0, -EINVAL (unknown
 * resource, soft above hard), or -EPERM (raising the hard limit without
 * @privileged, or NOFILE's hard limit above fs.nr_open, 1048576).
 */
int rlimit_check(int resource, const struct rlimit64 *old, const struct rlimit64 *new,
		 bool privileged);

#endif
