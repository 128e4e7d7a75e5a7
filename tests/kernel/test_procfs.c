/*
 * In-kernel tests of the /proc collectors against the live kernel: the
 * memory, CPU and identity files agree with the allocator, the CPU list and
 * uname; the per-process files of the running (kernel) process have their
 * Linux shapes; the first process's default limits are Linux's.
 */
#include <ferrite/errno.h>
#include <ferrite/ktest.h>
#include <ferrite/page_alloc.h>
#include <ferrite/procfs.h>
#include <ferrite/sched.h>
#include <ferrite/seqbuf.h>
#include <ferrite/string.h>
#include <ferrite/sysinfo.h>
#include <linux/resource.h>
#include <arch/percpu.h>

/* The number after @label in @text (0 if absent). */
static unsigned long long procfs_value(const char *text, const char *label)
{
	const char *p = strstr(text, label);
	unsigned long long v = 0;

	if (!p)
		return 0;
	for (p += strlen(label); *p == ' ' || *p == '\t'; p++)
		;
	while (ascii_isdigit(*p))
		v = v * 10 + (unsigned long long)(*p++ - '0');
	return v;
}

static int procfs_count(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

KTEST(procfs_meminfo_matches_allocator)
{
	struct seqbuf sb = SEQBUF_INIT;
	unsigned long long total, freekb;

	KEXPECT_EQ(proc_meminfo_show(&sb), 0);
	total = procfs_value(sb.buf, "MemTotal:");
	freekb = procfs_value(sb.buf, "MemFree:");
	KEXPECT_EQ(total, page_alloc_total_pages() * 4);
	KEXPECT(freekb > 0 && freekb <= total);
	KEXPECT(procfs_value(sb.buf, "Slab:") > 0);
	KEXPECT(strstr(sb.buf, "\nSwapFree:              0 kB\n"));
	seqbuf_free(&sb);
}

KTEST(procfs_stat_and_cpuinfo_list_every_cpu)
{
	struct seqbuf sb = SEQBUF_INIT;

	KEXPECT_EQ(proc_stat_show(&sb), 0);
	KEXPECT(!strncmp(sb.buf, "cpu  ", 5));
	KEXPECT_EQ(procfs_count(sb.buf, "\ncpu"), nr_cpus);
	KEXPECT(procfs_value(sb.buf, "\nbtime ") > 1577836800ULL);
	seqbuf_reset(&sb);
	KEXPECT_EQ(proc_cpuinfo_show(&sb), 0);
	KEXPECT_EQ(procfs_count(sb.buf, "processor\t: "), nr_cpus_online);
	KEXPECT(strstr(sb.buf, "flags\t\t: fpu "));
	seqbuf_free(&sb);
}

KTEST(procfs_identity_files)
{
	struct seqbuf sb = SEQBUF_INIT;
	struct new_utsname u;

	uts_get(&u);
	KEXPECT(!strcmp(u.sysname, "Linux"));
	KEXPECT(!strcmp(u.release, UTS_RELEASE));
	KEXPECT_EQ(proc_version_show(&sb), 0);
	KEXPECT(!strncmp(sb.buf, "Linux version " UTS_RELEASE " (", 14 + strlen(UTS_RELEASE) + 2));
	seqbuf_reset(&sb);
	KEXPECT_EQ(proc_ostype_show(&sb), 0);
	KEXPECT(!strcmp(sb.buf, "Linux\n"));
	seqbuf_reset(&sb);
	KEXPECT_EQ(proc_uptime_show(&sb), 0);
	KEXPECT(strchr(sb.buf, '.') && strchr(sb.buf, ' '));
	seqbuf_free(&sb);
}

KTEST(procfs_kernel_process_stat)
{
	struct seqbuf sb = SEQBUF_INIT;
	const char *paren;
	int fields = 2;

	KEXPECT_EQ(proc_pid_stat_show(&sb, current_proc), 0);
	paren = strrchr(sb.buf, ')');
	KEXPECT(paren);
	for (const char *p = paren + 1; *p; p++)
		fields += *p == ' ';
	KEXPECT_EQ(fields, 52);
	seqbuf_reset(&sb);
	KEXPECT_EQ(proc_pid_status_show(&sb, current_proc), 0);
	KEXPECT(strstr(sb.buf, "\nThreads:\t"));
	KEXPECT(!strstr(sb.buf, "VmSize:"));	/* a kernel thread has no address space */
	seqbuf_free(&sb);
}

KTEST(procfs_rlimit_defaults)
{
	struct rlimit64 r[RLIM_NLIMITS];

	rlimit_init_defaults(r);
	KEXPECT_EQ(r[RLIMIT_NOFILE].rlim_cur, 1024);
	KEXPECT_EQ(r[RLIMIT_NOFILE].rlim_max, 4096);
	KEXPECT_EQ(r[RLIMIT_STACK].rlim_cur, 8 << 20);
	KEXPECT(r[RLIMIT_STACK].rlim_max == RLIM64_INFINITY);
	KEXPECT(r[RLIMIT_NPROC].rlim_cur >= 10);
}
