/*
 * System identity and resource-limit defaults: what uname(2) reports (the
 * kernel presents itself as Linux so that C libraries and programs that test
 * the system name or release behave as on Linux), the host and domain names
 * that sethostname/setdomainname change, and the initial resource limits
 * the first process starts with (Linux's INIT_RLIMITS).
 */
#ifndef FERRITE_SYSINFO_H
#define FERRITE_SYSINFO_H

#include <ferrite/compiler.h>
#include <linux/utsname.h>

struct rlimit64;

#define UTS_SYSNAME	"Linux"
#define UTS_RELEASE	"6.1.0-ferrite"	/* new enough for glibc's and musl's checks */
#define UTS_MACHINE	"x86_64"
#define UTS_DEFAULT_NAME "(none)"	/* nodename and domainname until set */

/* Copy the current uname data into @u. Takes uts_lock. */
void uts_get(struct new_utsname *u);
/*
 * Set the host name (@domain false) or the NIS domain name to the @len
 * bytes at @name (no permission check: the callers make it). 0, or -EINVAL
 * when @len is over 64. Takes uts_lock.
 */
int uts_set_name(bool domain, const char *name, size_t len);
/* The version string uname reports: "#1 SMP <build date>". */
const char *uts_version(void);

/*
 * Fill @rlim (RLIM_NLIMITS entries) with Linux's defaults for the first
 * process: unlimited except STACK 8 MiB soft, CORE 0 soft, NOFILE
 * 1024/4096, MEMLOCK 8 MiB, MSGQUEUE 819200, NICE and RTPRIO 0, and NPROC
 * and SIGPENDING derived from the memory size as Linux's fork_init does.
 */
void rlimit_init_defaults(struct rlimit64 *rlim);

#endif
