// host-test-sources: fs/proc_fmt.c lib/seqbuf.c
/*
 * Host tests for the growable text buffer (lib/seqbuf.c) and the /proc
 * formatters (fs/proc_fmt.c): each file's text for made-up process, memory
 * and CPU data must be exactly what Linux prints for the same figures, since
 * ps, top, free and uptime parse it. Expected lines were checked against a
 * Linux machine's /proc where the format is version-independent.
 */
#include <stdarg.h>
#include <stdlib.h>
#include "htest.h"
#include <errno.h>
#include <ferrite/procfs_fmt.h>
#include <ferrite/seqbuf.h>
#include <ferrite/vm.h>

/* kmalloc for seqbuf.c, with a switch to make allocations fail. */
static int fail_allocs;

void *krealloc(void *p, size_t size)
{
	if (fail_allocs)
		return NULL;
	return realloc(p, size);
}

void kfree(const void *p)
{
	free((void *)p);
}

/* The line of @text that starts with @prefix, copied (without newline) into a static buffer. */
static const char *line_of(const char *text, const char *prefix)
{
	static char line[4096];
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (!strncmp(p, prefix, strlen(prefix)) && len < sizeof(line)) {
			memcpy(line, p, len);
			line[len] = '\0';
			return line;
		}
		p = nl ? nl + 1 : NULL;
	}
	return "(missing)";
}

HTEST(seqbuf_grows_and_formats)
{
	struct seqbuf sb = SEQBUF_INIT;
	char big[1000];

	EXPECT_STREQ(seqbuf_text(&sb), "");
	for (int i = 0; i < 2000; i++)
		EXPECT_EQ(seqbuf_printf(&sb, "%d,", i % 10), 0);
	EXPECT_EQ(sb.len, 4000);
	EXPECT(!strncmp(sb.buf, "0,1,2,3,", 8));
	EXPECT_EQ(strlen(sb.buf), 4000);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	seqbuf_reset(&sb);
	EXPECT_EQ(seqbuf_printf(&sb, "<%s>", big), 0);
	EXPECT_EQ(sb.len, 1001);
	EXPECT_EQ(sb.buf[1000], '>');
	EXPECT_EQ(seqbuf_error(&sb), 0);
	seqbuf_free(&sb);
	EXPECT(sb.buf == NULL);
}

HTEST(seqbuf_pad_and_write)
{
	struct seqbuf sb = SEQBUF_INIT;

	seqbuf_puts(&sb, "ab");
	seqbuf_pad(&sb, 0, 6, '.');
	seqbuf_putc(&sb, '|');
	seqbuf_write(&sb, "c\0d", 3);
	EXPECT_EQ(sb.len, 10);
	EXPECT(!memcmp(sb.buf, "ab....|c\0d", 10));
	seqbuf_pad(&sb, 0, 4, '!');	/* already longer: nothing */
	EXPECT_EQ(sb.len, 10);
	seqbuf_free(&sb);
}

HTEST(seqbuf_failure_is_sticky)
{
	struct seqbuf sb = SEQBUF_INIT;

	seqbuf_puts(&sb, "ok");
	fail_allocs = 1;
	for (int i = 0; i < 300; i++)
		seqbuf_putc(&sb, 'z');
	fail_allocs = 0;
	EXPECT_EQ(seqbuf_error(&sb), -ENOMEM);
	EXPECT_EQ(seqbuf_puts(&sb, "more"), -ENOMEM);
	EXPECT(sb.len < 256);
	EXPECT_EQ(strlen(sb.buf), sb.len);
	seqbuf_reset(&sb);
	EXPECT_EQ(seqbuf_error(&sb), 0);
	EXPECT_EQ(seqbuf_puts(&sb, "again"), 0);
	EXPECT_STREQ(sb.buf, "again");
	seqbuf_free(&sb);
}

HTEST(seqbuf_refuses_beyond_cap)
{
	struct seqbuf sb = SEQBUF_INIT;

	EXPECT_EQ(seqbuf_write(&sb, "x", SEQBUF_MAX), -ENOMEM);
	EXPECT_EQ(sb.len, 0);
	seqbuf_free(&sb);
}

static struct proc_pid_info sample_process(void)
{
	static const int groups[] = { 0, 10, 27 };
	struct proc_pid_info pi = {
		.pid = 42, .ppid = 1, .pgid = 42, .sid = 7, .tty_nr = 1025, .tpgid = 42,
		.comm = "my prog)", .state = 'S', .flags = 0x400000, .nice = -5,
		.num_threads = 3, .processor = 1, .exit_signal = 17, .exit_code = 0,
		.minflt = 100, .majflt = 2, .cminflt = 0, .cmajflt = 0,
		.utime_ns = 1234567890, .stime_ns = 10000000, .cutime_ns = 0, .cstime_ns = 20000000,
		.start_ns = 5 * 1000000000ULL + 990000000ULL, .has_mm = true,
		.vm_pages = 1000, .rss_pages = 200, .stack_pages = 33, .data_pages = 90,
		.exe_pages = 5, .lib_pages = 0, .file_rss_pages = 50,
		.rsslim = ~0ULL, .start_code = 0x400000, .end_code = 0x405000,
		.start_stack = 0x7ffc0000, .start_data = 0x406000, .end_data = 0x407000,
		.start_brk = 0x408000, .arg_start = 0x7ffd0000, .arg_end = 0x7ffd0010,
		.env_start = 0x7ffd0010, .env_end = 0x7ffd0100,
		.sig_pending = 1ULL << 32 | 2, .sig_shared = 0, .sig_blocked = 1ULL << 16,
		.sig_ignored = 1ULL << 12, .sig_caught = 1ULL << 16 | 1ULL << 1,
		.sigq_limit = 15000, .sigq_count = 1,
		.uid = { 1000, 1000, 1000, 1000 }, .gid = { 100, 100, 100, 100 }, .umask = 022,
		.fdsize = 64, .groups = groups, .ngroups = 3, .nr_cpu_ids = 4,
		.nvcsw = 12, .nivcsw = 3,
	};

	pi.cpus_allowed[0] = 0xd;
	return pi;
}

HTEST(pid_stat_exact)
{
	struct proc_pid_info pi = sample_process();
	struct seqbuf sb = SEQBUF_INIT;

	proc_fmt_pid_stat(&sb, &pi);
	EXPECT_STREQ(sb.buf,
		     "42 (my prog)) S 1 42 7 1025 42 4194304 100 0 2 0 123 1 0 2 15 -5 3 0 599 "
		     "4096000 200 18446744073709551615 4194304 4214784 2147221504 0 0 2 65536 "
		     "4096 65538 1 0 0 17 1 0 0 0 0 0 4218880 4222976 4227072 2147287040 "
		     "2147287056 2147287056 2147287296 0\n");
	seqbuf_free(&sb);
}

/* The number of fields after the last ')' plus the two before it: 52 in Linux 6.1. */
static int stat_fields(const char *s)
{
	const char *p = strrchr(s, ')');
	int n = 2;

	for (p++; *p; p++)
		if (*p == ' ')
			n++;
	return n;
}

HTEST(pid_stat_zombie_and_field_count)
{
	struct proc_pid_info pi = sample_process();
	struct seqbuf sb = SEQBUF_INIT;

	EXPECT_EQ((proc_fmt_pid_stat(&sb, &pi), stat_fields(sb.buf)), 52);
	seqbuf_reset(&sb);
	pi.state = 'Z';
	pi.has_mm = false;
	pi.exit_code = 0x100;
	proc_fmt_pid_stat(&sb, &pi);
	EXPECT_EQ(stat_fields(sb.buf), 52);
	EXPECT(strstr(sb.buf, " Z 1 42 7 "));
	EXPECT(strstr(sb.buf, " 599 0 0 18446744073709551615 0 0 0 0 0 "));
	EXPECT(strstr(sb.buf, " 0 0 0 0 0 0 0 256\n"));
	seqbuf_free(&sb);
}

HTEST(pid_status_lines)
{
	struct proc_pid_info pi = sample_process();
	struct seqbuf sb = SEQBUF_INIT;
	const char *t;

	proc_fmt_pid_status(&sb, &pi);
	t = sb.buf;
	EXPECT(!strncmp(t, "Name:\tmy prog)\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t42\n"
			   "Ngid:\t0\nPid:\t42\nPPid:\t1\nTracerPid:\t0\n", 85));
	EXPECT_STREQ(line_of(t, "Uid:"), "Uid:\t1000\t1000\t1000\t1000");
	EXPECT_STREQ(line_of(t, "Gid:"), "Gid:\t100\t100\t100\t100");
	EXPECT_STREQ(line_of(t, "Groups:"), "Groups:\t0 10 27 ");
	EXPECT_STREQ(line_of(t, "VmSize:"), "VmSize:\t    4000 kB");
	EXPECT_STREQ(line_of(t, "VmRSS:"), "VmRSS:\t     800 kB");
	EXPECT_STREQ(line_of(t, "RssFile:"), "RssFile:\t     200 kB");
	EXPECT_STREQ(line_of(t, "VmStk:"), "VmStk:\t     132 kB");
	EXPECT_STREQ(line_of(t, "Threads:"), "Threads:\t3");
	EXPECT_STREQ(line_of(t, "SigQ:"), "SigQ:\t1/15000");
	EXPECT_STREQ(line_of(t, "SigPnd:"), "SigPnd:\t0000000100000002");
	EXPECT_STREQ(line_of(t, "SigCgt:"), "SigCgt:\t0000000000010002");
	EXPECT_STREQ(line_of(t, "CapEff:"), "CapEff:\t0000000000000000");
	EXPECT_STREQ(line_of(t, "Cpus_allowed:"), "Cpus_allowed:\td");
	EXPECT_STREQ(line_of(t, "Cpus_allowed_list:"), "Cpus_allowed_list:\t0,2-3");
	EXPECT_EQ(strlen(line_of(t, "Mems_allowed:")), 14 + 32 * 9 - 1);
	EXPECT_STREQ(line_of(t, "voluntary_ctxt_switches:"), "voluntary_ctxt_switches:\t12");
	EXPECT_STREQ(line_of(t, "nonvoluntary_ctxt_switches:"), "nonvoluntary_ctxt_switches:\t3");
	EXPECT_EQ(t[sb.len - 1], '\n');
	seqbuf_free(&sb);
}

HTEST(pid_status_kernel_thread_and_root)
{
	struct proc_pid_info pi = sample_process();
	struct seqbuf sb = SEQBUF_INIT;

	pi.has_mm = false;
	pi.umask = -1;
	pi.ngroups = 0;
	pi.uid[1] = 0;
	proc_fmt_pid_status(&sb, &pi);
	EXPECT(!strstr(sb.buf, "Umask:"));
	EXPECT(!strstr(sb.buf, "VmSize:"));
	EXPECT_STREQ(line_of(sb.buf, "Groups:"), "Groups:\t ");
	EXPECT_STREQ(line_of(sb.buf, "CapEff:"), "CapEff:\t000001ffffffffff");
	seqbuf_free(&sb);
}

HTEST(pid_statm)
{
	struct proc_pid_info pi = sample_process();
	struct seqbuf sb = SEQBUF_INIT;

	proc_fmt_pid_statm(&sb, &pi);
	EXPECT_STREQ(sb.buf, "1000 200 50 5 0 123 0\n");
	seqbuf_free(&sb);
}

HTEST(maps_lines)
{
	struct seqbuf sb = SEQBUF_INIT;
	struct proc_map_entry file = {
		.start = 0x5617c11ed000, .end = 0x5617c11ef000, .flags = VMA_READ,
		.offset = 0, .major = 0xfe, .minor = 0, .ino = 247498, .name = "/usr/bin/head",
	};
	struct proc_map_entry anon = {
		.start = 0x7f1c3e5d3000, .end = 0x7f1c3e5d6000, .flags = VMA_READ | VMA_WRITE,
	};
	struct proc_map_entry stack = {
		.start = 0x7ffd1000, .end = 0x7ffd3000, .flags = VMA_READ | VMA_WRITE | VMA_EXEC |
		VMA_SHARED, .offset = 0x2000, .major = 8, .minor = 1, .ino = 1, .name = "[stack]",
	};

	proc_fmt_maps_entry(&sb, &file);
	proc_fmt_maps_entry(&sb, &anon);
	proc_fmt_maps_entry(&sb, &stack);
	EXPECT_STREQ(sb.buf,
		     "5617c11ed000-5617c11ef000 r--p 00000000 fe:00 247498"
		     "                     /usr/bin/head\n"
		     "7f1c3e5d3000-7f1c3e5d6000 rw-p 00000000 00:00 0 \n"
		     "7ffd1000-7ffd3000 rwxs 00002000 08:01 1"
		     "                                  [stack]\n");
	seqbuf_free(&sb);
}

HTEST(meminfo_layout)
{
	struct proc_meminfo mi = {
		.total = 8048576, .free = 123, .available = 4000000, .cached = 2048,
		.swap_total = 0, .slab = 5120, .sreclaimable = 1000, .sunreclaim = 4120,
		.vmalloc_total = 34359738367ULL, .direct_map_2m = 1048576,
	};
	struct seqbuf sb = SEQBUF_INIT;
	const char *t;

	proc_fmt_meminfo(&sb, &mi);
	t = sb.buf;
	EXPECT(!strncmp(t, "MemTotal:        8048576 kB\nMemFree:             123 kB\n"
			   "MemAvailable:    4000000 kB\nBuffers:               0 kB\n", 108));
	EXPECT_STREQ(line_of(t, "Active(anon):"), "Active(anon):          0 kB");
	EXPECT_STREQ(line_of(t, "SReclaimable:"), "SReclaimable:       1000 kB");
	EXPECT_STREQ(line_of(t, "VmallocTotal:"), "VmallocTotal:   34359738367 kB");
	EXPECT_STREQ(line_of(t, "HardwareCorrupted:"), "HardwareCorrupted:     0 kB");
	EXPECT_STREQ(line_of(t, "HugePages_Total:"), "HugePages_Total:       0");
	EXPECT_STREQ(line_of(t, "Hugepagesize:"), "Hugepagesize:       2048 kB");
	EXPECT_STREQ(line_of(t, "DirectMap2M:"), "DirectMap2M:     1048576 kB");
	/* Each line is "Name: value kB" or a HugePages_ count. */
	for (const char *p = t; *p; p = strchr(p, '\n') + 1) {
		const char *nl = strchr(p, '\n');

		EXPECT(nl);
		EXPECT(!strncmp(nl - 3, " kB", 3) || !strncmp(p, "HugePages_", 10));
	}
	seqbuf_free(&sb);
}

HTEST(uptime_and_loadavg)
{
	unsigned long avg[3] = { 2703, 1352, 1311 };	/* 1.32 0.66 0.64 as Linux rounds */
	struct seqbuf sb = SEQBUF_INIT;

	proc_fmt_uptime(&sb, 2090999999999ULL, 2769760000001ULL);
	EXPECT_STREQ(sb.buf, "2090.99 2769.76\n");
	seqbuf_reset(&sb);
	proc_fmt_loadavg(&sb, avg, 2, 110, 22059);
	EXPECT_STREQ(sb.buf, "1.32 0.66 0.64 2/110 22059\n");
	seqbuf_reset(&sb);
	avg[0] = avg[1] = avg[2] = 0;
	proc_fmt_loadavg(&sb, avg, 1, 1, 1);
	EXPECT_STREQ(sb.buf, "0.00 0.00 0.00 1/1 1\n");
	seqbuf_free(&sb);
}

HTEST(stat_layout)
{
	const struct proc_cpu_times cpu[2] = {
		{ .user = 409350000000ULL, .system = 207210000000ULL, .idle = 1436880000000ULL,
		  .iowait = 940000000ULL, .softirq = 240000000, .steal = 730000000 },
		{ .user = 469380000000ULL, .system = 245110000000ULL, .idle = 1332880000000ULL,
		  .iowait = 7880000000ULL, .softirq = 1530000000, .steal = 710000000 },
	};
	struct proc_stat_info st = {
		.nr_cpus = 2, .cpu = cpu, .intr = 12345, .ctxt = 999, .btime = 1700000000,
		.processes = 22060, .running = 2, .blocked = 0,
	};
	struct seqbuf sb = SEQBUF_INIT;

	proc_fmt_stat(&sb, &st);
	EXPECT_STREQ(sb.buf, "cpu  87873 0 45232 276976 882 0 177 144 0 0\n"
			     "cpu0 40935 0 20721 143688 94 0 24 73 0 0\n"
			     "cpu1 46938 0 24511 133288 788 0 153 71 0 0\n"
			     "intr 12345\nctxt 999\nbtime 1700000000\nprocesses 22060\n"
			     "procs_running 2\nprocs_blocked 0\n"
			     "softirq 0 0 0 0 0 0 0 0 0 0 0\n");
	seqbuf_free(&sb);
}

HTEST(cpuinfo_block)
{
	struct proc_cpuinfo ci = {
		.vendor = "GenuineIntel", .model_name = "QEMU Virtual CPU version 2.5+",
		.family = 6, .model = 6, .stepping = 3, .cpuid_level = 13, .tsc_khz = 2399998,
		.cache_kb = 16384, .leaf1_edx = 1u << 0 | 1u << 4 | 1u << 25 | 1u << 26,
		.leaf1_ecx = 1u << 0 | 1u << 31, .ext1_edx = 1u << 11 | 1u << 20 | 1u << 29,
		.ext1_ecx = 1u << 0, .leaf7_ebx = 0, .leaf7_ecx = 1u << 2,
		.clflush_size = 64, .phys_bits = 40, .virt_bits = 48, .nr_cpus = 2,
	};
	struct seqbuf sb = SEQBUF_INIT;

	proc_fmt_cpuinfo_cpu(&sb, &ci, 1, 1);
	EXPECT_STREQ(sb.buf,
		     "processor\t: 1\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 6\n"
		     "model name\t: QEMU Virtual CPU version 2.5+\nstepping\t: 3\n"
		     "cpu MHz\t\t: 2399.998\ncache size\t: 16384 KB\nphysical id\t: 0\n"
		     "siblings\t: 2\ncore id\t\t: 1\ncpu cores\t: 2\napicid\t\t: 1\n"
		     "initial apicid\t: 1\nfpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: 13\n"
		     "wp\t\t: yes\nflags\t\t: fpu tsc sse sse2 syscall nx lm cpuid pni hypervisor"
		     " lahf_lm umip\nbugs\t\t:\nbogomips\t: 4799.99\nclflush size\t: 64\n"
		     "cache_alignment\t: 64\naddress sizes\t: 40 bits physical, 48 bits virtual\n"
		     "power management:\n\n");
	seqbuf_free(&sb);
}

HTEST(cpumask_formats)
{
	uint64_t m[PROC_CPUMASK_WORDS] = { 0 };
	const uint64_t none[PROC_CPUMASK_WORDS] = { 0 };
	struct seqbuf sb = SEQBUF_INIT;

	m[0] = 0xf;
	proc_fmt_cpumask_hex(&sb, m, 4);
	EXPECT_STREQ(sb.buf, "f");
	seqbuf_reset(&sb);
	proc_fmt_cpumask_hex(&sb, m, 8);
	EXPECT_STREQ(sb.buf, "0f");
	seqbuf_reset(&sb);
	m[0] = 1ULL << 35 | 1;
	proc_fmt_cpumask_hex(&sb, m, 36);
	EXPECT_STREQ(sb.buf, "8,00000001");
	seqbuf_reset(&sb);
	proc_fmt_cpumask_hex(&sb, m, 64);
	EXPECT_STREQ(sb.buf, "00000008,00000001");
	seqbuf_reset(&sb);
	proc_fmt_cpumask_list(&sb, m, 64);
	EXPECT_STREQ(sb.buf, "0,35");
	seqbuf_reset(&sb);
	m[0] = 0x7ULL | 0xf0ULL;
	m[3] = 1ULL << 63;
	proc_fmt_cpumask_list(&sb, m, 256);
	EXPECT_STREQ(sb.buf, "0-2,4-7,255");
	seqbuf_reset(&sb);
	proc_fmt_cpumask_list(&sb, none, 8);
	EXPECT_STREQ(sb.buf, "");
	seqbuf_free(&sb);
}

HTEST(version_line)
{
	struct seqbuf sb = SEQBUF_INIT;

	proc_fmt_version(&sb, "6.1.0-ferrite", "gcc 12.2.0", "#1 SMP Sat Nov 21 2026");
	EXPECT_STREQ(sb.buf, "Linux version 6.1.0-ferrite (ferrite@ferrite) (gcc 12.2.0) "
			     "#1 SMP Sat Nov 21 2026\n");
	seqbuf_free(&sb);
}

HTEST(state_names)
{
	EXPECT_STREQ(proc_state_name('R'), "R (running)");
	EXPECT_STREQ(proc_state_name('D'), "D (disk sleep)");
	EXPECT_STREQ(proc_state_name('T'), "T (stopped)");
	EXPECT_STREQ(proc_state_name('Z'), "Z (zombie)");
	EXPECT_STREQ(proc_state_name('X'), "X (dead)");
}

HTEST_MAIN()
