/*
 * procfs formatters: the text of every /proc file from a snapshot
 * structure (procfs.h). The layouts are Linux 6.1's (fs/proc/array.c,
 * meminfo.c, stat.c, uptime.c, loadavg.c, task_mmu.c; arch/x86
 * cpuinfo), documented in proc(5); programs such as ps, top, free and
 * uptime parse them, so spacing and field order matter. These functions
 * touch nothing but their arguments and run in the host unit tests.
 */
#include <ferrite/cputime.h>
#include <ferrite/procfs_fmt.h>
#include <ferrite/seqbuf.h>
#include <ferrite/vm.h>
#include <arch/memlayout.h>

#define KB_PER_PAGE	4	/* 4 KiB pages */
#define CAP_FULL_SET	0x000001ffffffffffULL	/* capabilities 0..40 (Linux 6.1) */
#define MAX_NUMNODES	1024	/* width of Mems_allowed, as Debian's kernels print it */
#define FSHIFT		11
#define FIXED_1		(1UL << FSHIFT)

static unsigned long long ticks(uint64_t ns)
{
	return (unsigned long long)cputime_ns_to_ticks(ns);
}

const char *proc_state_name(char state)
{
	switch (state) {
	case 'R':
		return "R (running)";
	case 'S':
		return "S (sleeping)";
	case 'D':
		return "D (disk sleep)";
	case 'T':
		return "T (stopped)";
	case 'Z':
		return "Z (zombie)";
	case 'I':
		return "I (idle)";
	default:
		return "X (dead)";
	}
}

/* Fields 1-21 of /proc/PID/stat. */
static void stat_ids_and_times(struct seqbuf *sb, const struct proc_pid_info *pi)
{
	seqbuf_printf(sb, "%d (%s) %c %d %d %d %d %d %u", pi->pid, pi->comm, pi->state, pi->ppid,
		      pi->pgid, pi->sid, pi->tty_nr, pi->tpgid, pi->flags);
	seqbuf_printf(sb, " %llu %llu %llu %llu", (unsigned long long)pi->minflt,
		      (unsigned long long)pi->cminflt, (unsigned long long)pi->majflt,
		      (unsigned long long)pi->cmajflt);
	seqbuf_printf(sb, " %llu %llu %lld %lld %d %d %d 0", ticks(pi->utime_ns),
		      ticks(pi->stime_ns), (long long)ticks(pi->cutime_ns),
		      (long long)ticks(pi->cstime_ns), 20 + pi->nice, pi->nice, pi->num_threads);
}

/* Fields 22-30: start time, sizes, code and stack addresses (kstkesp/eip are 0, as Linux shows). */
static void stat_memory(struct seqbuf *sb, const struct proc_pid_info *pi)
{
	seqbuf_printf(sb, " %llu %llu %llu %llu", ticks(pi->start_ns),
		      (unsigned long long)(pi->has_mm ? pi->vm_pages * PAGE_SIZE : 0),
		      (unsigned long long)(pi->has_mm ? pi->rss_pages : 0),
		      (unsigned long long)pi->rsslim);
	if (pi->has_mm)
		seqbuf_printf(sb, " %llu %llu %llu 0 0", (unsigned long long)pi->start_code,
			      (unsigned long long)pi->end_code,
			      (unsigned long long)pi->start_stack);
	else
		seqbuf_puts(sb, " 0 0 0 0 0");
}

void proc_fmt_pid_stat(struct seqbuf *sb, const struct proc_pid_info *pi)
{
	const unsigned long long low31 = 0x7fffffffULL;

	stat_ids_and_times(sb, pi);
	stat_memory(sb, pi);
	/* Signals (old 31-bit sets), wchan flag, nswap, cnswap. */
	seqbuf_printf(sb, " %llu %llu %llu %llu %d 0 0", pi->sig_pending & low31,
		      pi->sig_blocked & low31, pi->sig_ignored & low31, pi->sig_caught & low31,
		      pi->state != 'R');
	/* exit_signal, processor, rt_priority, policy, blkio ticks, guest times. */
	seqbuf_printf(sb, " %d %d 0 0 0 0 0", pi->exit_signal, pi->processor);
	if (pi->has_mm)
		seqbuf_printf(sb, " %llu %llu %llu %llu %llu %llu %llu",
			      (unsigned long long)pi->start_data, (unsigned long long)pi->end_data,
			      (unsigned long long)pi->start_brk, (unsigned long long)pi->arg_start,
			      (unsigned long long)pi->arg_end, (unsigned long long)pi->env_start,
			      (unsigned long long)pi->env_end);
	else
		seqbuf_puts(sb, " 0 0 0 0 0 0 0");
	seqbuf_printf(sb, " %d\n", pi->exit_code);
}

/* Name through Groups and the NS lines of /proc/PID/status (Linux's task_state). */
static void status_ids(struct seqbuf *sb, const struct proc_pid_info *pi)
{
	seqbuf_printf(sb, "Name:\t%s\n", pi->comm);
	if (pi->umask >= 0)
		seqbuf_printf(sb, "Umask:\t%04o\n", pi->umask);
	seqbuf_printf(sb, "State:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
		      proc_state_name(pi->state), pi->pid, pi->pid, pi->ppid);
	seqbuf_printf(sb, "Uid:\t%u\t%u\t%u\t%u\n", pi->uid[0], pi->uid[1], pi->uid[2], pi->uid[3]);
	seqbuf_printf(sb, "Gid:\t%u\t%u\t%u\t%u\n", pi->gid[0], pi->gid[1], pi->gid[2], pi->gid[3]);
	seqbuf_printf(sb, "FDSize:\t%d\nGroups:\t", pi->fdsize);
	for (int i = 0; i < pi->ngroups; i++)
		seqbuf_printf(sb, i ? " %u" : "%u", pi->groups[i]);
	/* Linux keeps the historical trailing space. */
	seqbuf_printf(sb, " \nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", pi->pid, pi->pid,
		      pi->pgid, pi->sid);
}

static void status_kb(struct seqbuf *sb, const char *name, uint64_t pages)
{
	seqbuf_printf(sb, "%s:\t%8llu kB\n", name, (unsigned long long)(pages * KB_PER_PAGE));
}

/* The Vm* and Rss* lines (Linux's task_mem); no high-water marks are kept, so peaks are now. */
static void status_memory(struct seqbuf *sb, const struct proc_pid_info *pi)
{
	uint64_t file = pi->file_rss_pages > pi->rss_pages ? pi->rss_pages : pi->file_rss_pages;

	status_kb(sb, "VmPeak", pi->vm_pages);
	status_kb(sb, "VmSize", pi->vm_pages);
	status_kb(sb, "VmLck", 0);
	status_kb(sb, "VmPin", 0);
	status_kb(sb, "VmHWM", pi->rss_pages);
	status_kb(sb, "VmRSS", pi->rss_pages);
	status_kb(sb, "RssAnon", pi->rss_pages - file);
	status_kb(sb, "RssFile", file);
	status_kb(sb, "RssShmem", 0);
	status_kb(sb, "VmData", pi->data_pages);
	status_kb(sb, "VmStk", pi->stack_pages);
	status_kb(sb, "VmExe", pi->exe_pages);
	status_kb(sb, "VmLib", pi->lib_pages);
	status_kb(sb, "VmPTE", 0);
	status_kb(sb, "VmSwap", 0);
	seqbuf_printf(sb, "HugetlbPages:\t%8u kB\nCoreDumping:\t0\nTHP_enabled:\t1\n", 0);
}

/* Threads through the capability, seccomp and speculation lines. */
static void status_signals(struct seqbuf *sb, const struct proc_pid_info *pi)
{
	unsigned long long cap = pi->uid[1] == 0 ? CAP_FULL_SET : 0;

	seqbuf_printf(sb, "Threads:\t%d\nSigQ:\t%u/%llu\n", pi->num_threads, pi->sigq_count,
		      (unsigned long long)pi->sigq_limit);
	seqbuf_printf(sb, "SigPnd:\t%016llx\nShdPnd:\t%016llx\nSigBlk:\t%016llx\n",
		      (unsigned long long)pi->sig_pending, (unsigned long long)pi->sig_shared,
		      (unsigned long long)pi->sig_blocked);
	seqbuf_printf(sb, "SigIgn:\t%016llx\nSigCgt:\t%016llx\n",
		      (unsigned long long)pi->sig_ignored, (unsigned long long)pi->sig_caught);
	seqbuf_printf(sb, "CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\n", 0ULL, cap, cap);
	seqbuf_printf(sb, "CapBnd:\t%016llx\nCapAmb:\t%016llx\n", CAP_FULL_SET, 0ULL);
	seqbuf_puts(sb, "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n"
			"Speculation_Store_Bypass:\tunknown\nSpeculationIndirectBranch:\tunknown\n");
}

/* Cpus_allowed, Mems_allowed (one node) and the context-switch counts. */
static void status_cpus(struct seqbuf *sb, const struct proc_pid_info *pi)
{
	seqbuf_puts(sb, "Cpus_allowed:\t");
	proc_fmt_cpumask_hex(sb, pi->cpus_allowed, pi->nr_cpu_ids);
	seqbuf_puts(sb, "\nCpus_allowed_list:\t");
	proc_fmt_cpumask_list(sb, pi->cpus_allowed, pi->nr_cpu_ids);
	seqbuf_puts(sb, "\nMems_allowed:\t");
	for (int i = 0; i < MAX_NUMNODES / 32 - 1; i++)
		seqbuf_puts(sb, "00000000,");
	seqbuf_puts(sb, "00000001\nMems_allowed_list:\t0\n");
	seqbuf_printf(sb, "voluntary_ctxt_switches:\t%llu\nnonvoluntary_ctxt_switches:\t%llu\n",
		      (unsigned long long)pi->nvcsw, (unsigned long long)pi->nivcsw);
}

void proc_fmt_pid_status(struct seqbuf *sb, const struct proc_pid_info *pi)
{
	status_ids(sb, pi);
	if (pi->has_mm)
		status_memory(sb, pi);
	status_signals(sb, pi);
	status_cpus(sb, pi);
}

void proc_fmt_pid_statm(struct seqbuf *sb, const struct proc_pid_info *pi)
{
	uint64_t size = 0, rss = 0, shared = 0, text = 0, data = 0;

	if (pi->has_mm) {
		size = pi->vm_pages;
		rss = pi->rss_pages;
		shared = pi->file_rss_pages;
		text = pi->exe_pages;
		data = pi->data_pages + pi->stack_pages;
	}
	seqbuf_printf(sb, "%llu %llu %llu %llu 0 %llu 0\n", (unsigned long long)size,
		      (unsigned long long)rss, (unsigned long long)shared,
		      (unsigned long long)text, (unsigned long long)data);
}

/*
 * "start-end perms offset major:minor inode", then, when there is a name,
 * spaces to column 73 and the name (Linux's show_map_vma: seq_pad to
 * 25 + 6 * sizeof(void *) - 1 characters, then one space).
 */
void proc_fmt_maps_entry(struct seqbuf *sb, const struct proc_map_entry *e)
{
	size_t line = sb->len;

	seqbuf_printf(sb, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu ",
		      (unsigned long long)e->start, (unsigned long long)e->end,
		      e->flags & VMA_READ ? 'r' : '-', e->flags & VMA_WRITE ? 'w' : '-',
		      e->flags & VMA_EXEC ? 'x' : '-', e->flags & VMA_SHARED ? 's' : 'p',
		      (unsigned long long)e->offset, e->major, e->minor,
		      (unsigned long long)e->ino);
	if (e->name) {
		seqbuf_pad(sb, line, 25 + 6 * 8 - 1, ' ');
		seqbuf_putc(sb, ' ');
		seqbuf_puts(sb, e->name);
	}
	seqbuf_putc(sb, '\n');
}

/* "Label:" padded to 16 columns, the value in 8, " kB" (Linux's show_val_kb). */
static void meminfo_line(struct seqbuf *sb, const char *label, uint64_t kb)
{
	seqbuf_printf(sb, "%-16s%8llu kB\n", label, (unsigned long long)kb);
}

void proc_fmt_meminfo(struct seqbuf *sb, const struct proc_meminfo *mi)
{
	const struct {
		const char *label;
		uint64_t kb;
	} lines[] = {
		{ "MemTotal:", mi->total }, { "MemFree:", mi->free },
		{ "MemAvailable:", mi->available }, { "Buffers:", mi->buffers },
		{ "Cached:", mi->cached }, { "SwapCached:", mi->swap_cached },
		{ "Active:", mi->active }, { "Inactive:", mi->inactive },
		{ "Active(anon):", mi->active_anon }, { "Inactive(anon):", mi->inactive_anon },
		{ "Active(file):", mi->active_file }, { "Inactive(file):", mi->inactive_file },
		{ "Unevictable:", 0 }, { "Mlocked:", 0 },
		{ "SwapTotal:", mi->swap_total }, { "SwapFree:", mi->swap_free },
		{ "Zswap:", 0 }, { "Zswapped:", 0 },
		{ "Dirty:", mi->dirty }, { "Writeback:", mi->writeback },
		{ "AnonPages:", mi->anon_pages }, { "Mapped:", mi->mapped },
		{ "Shmem:", mi->shmem }, { "KReclaimable:", mi->kreclaimable },
		{ "Slab:", mi->slab }, { "SReclaimable:", mi->sreclaimable },
		{ "SUnreclaim:", mi->sunreclaim }, { "KernelStack:", mi->kernel_stack },
		{ "PageTables:", mi->page_tables }, { "NFS_Unstable:", 0 },
		{ "Bounce:", 0 }, { "WritebackTmp:", 0 },
		{ "CommitLimit:", mi->commit_limit }, { "Committed_AS:", mi->committed_as },
		{ "VmallocTotal:", mi->vmalloc_total }, { "VmallocUsed:", mi->vmalloc_used },
		{ "VmallocChunk:", 0 }, { "Percpu:", mi->percpu },
	};

	for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
		meminfo_line(sb, lines[i].label, lines[i].kb);
	seqbuf_printf(sb, "HardwareCorrupted: %5u kB\n", 0);
	meminfo_line(sb, "AnonHugePages:", 0);
	meminfo_line(sb, "ShmemHugePages:", 0);
	meminfo_line(sb, "ShmemPmdMapped:", 0);
	meminfo_line(sb, "FileHugePages:", 0);
	meminfo_line(sb, "FilePmdMapped:", 0);
	seqbuf_printf(sb, "HugePages_Total:   %5u\nHugePages_Free:    %5u\n"
			  "HugePages_Rsvd:    %5u\nHugePages_Surp:    %5u\n", 0, 0, 0, 0);
	meminfo_line(sb, "Hugepagesize:", 2048);
	meminfo_line(sb, "Hugetlb:", 0);
	meminfo_line(sb, "DirectMap4k:", mi->direct_map_4k);
	meminfo_line(sb, "DirectMap2M:", mi->direct_map_2m);
	meminfo_line(sb, "DirectMap1G:", mi->direct_map_1g);
}

void proc_fmt_uptime(struct seqbuf *sb, uint64_t uptime_ns, uint64_t idle_ns)
{
	const uint64_t cs = 1000000000ULL / 100;

	seqbuf_printf(sb, "%llu.%02llu %llu.%02llu\n",
		      (unsigned long long)(uptime_ns / 1000000000ULL),
		      (unsigned long long)(uptime_ns % 1000000000ULL / cs),
		      (unsigned long long)(idle_ns / 1000000000ULL),
		      (unsigned long long)(idle_ns % 1000000000ULL / cs));
}

void proc_fmt_loadavg(struct seqbuf *sb, const unsigned long avg[3], int running, int threads,
		      int last_pid)
{
	unsigned long a[3];

	for (int i = 0; i < 3; i++)	/* Linux rounds to two decimals: + FIXED_1/200 */
		a[i] = avg[i] + FIXED_1 / 200;
	seqbuf_printf(sb, "%lu.%02lu %lu.%02lu %lu.%02lu %d/%d %d\n", a[0] >> FSHIFT,
		      ((a[0] & (FIXED_1 - 1)) * 100) >> FSHIFT, a[1] >> FSHIFT,
		      ((a[1] & (FIXED_1 - 1)) * 100) >> FSHIFT, a[2] >> FSHIFT,
		      ((a[2] & (FIXED_1 - 1)) * 100) >> FSHIFT, running, threads, last_pid);
}

/* The ten figures of a "cpu" line in USER_HZ ticks (guest times are 0). */
static void stat_cpu_fields(struct seqbuf *sb, const struct proc_cpu_times *t)
{
	seqbuf_printf(sb, " %llu %llu %llu %llu %llu %llu %llu %llu 0 0\n", ticks(t->user),
		      ticks(t->nice), ticks(t->system), ticks(t->idle), ticks(t->iowait),
		      ticks(t->irq), ticks(t->softirq), ticks(t->steal));
}

void proc_fmt_stat(struct seqbuf *sb, const struct proc_stat_info *st)
{
	struct proc_cpu_times sum = { 0 };

	for (int i = 0; i < st->nr_cpus; i++) {
		const struct proc_cpu_times *c = &st->cpu[i];

		sum.user += c->user, sum.nice += c->nice, sum.system += c->system;
		sum.idle += c->idle, sum.iowait += c->iowait, sum.irq += c->irq;
		sum.softirq += c->softirq, sum.steal += c->steal;
	}
	seqbuf_puts(sb, "cpu ");
	stat_cpu_fields(sb, &sum);
	for (int i = 0; i < st->nr_cpus; i++) {
		seqbuf_printf(sb, "cpu%d", i);
		stat_cpu_fields(sb, &st->cpu[i]);
	}
	seqbuf_printf(sb, "intr %llu\nctxt %llu\nbtime %llu\nprocesses %llu\n",
		      (unsigned long long)st->intr, (unsigned long long)st->ctxt,
		      (unsigned long long)st->btime, (unsigned long long)st->processes);
	seqbuf_printf(sb, "procs_running %d\nprocs_blocked %d\n", st->running, st->blocked);
	seqbuf_puts(sb, "softirq 0 0 0 0 0 0 0 0 0 0 0\n");
}

/* Linux's x86 capability names, by register, bit order (NULL: not shown). */
static const char *const flags_leaf1_edx[32] = {
	"fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", NULL, "sep",
	"mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", NULL, "dts", "acpi",
	"mmx", "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe",
};
static const char *const flags_ext1_edx[32] = {
	[11] = "syscall", [19] = "mp", [20] = "nx", [22] = "mmxext", [25] = "fxsr_opt",
	[26] = "pdpe1gb", [27] = "rdtscp", [29] = "lm", [30] = "3dnowext", [31] = "3dnow",
};
static const char *const flags_leaf1_ecx[32] = {
	"pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2",
	"ssse3", "cid", "sdbg", "fma", "cx16", "xtpr", "pdcm", NULL, "pcid", "dca", "sse4_1",
	"sse4_2", "x2apic", "movbe", "popcnt", "tsc_deadline_timer", "aes", "xsave", NULL,
	"avx", "f16c", "rdrand", "hypervisor",
};
static const char *const flags_ext1_ecx[32] = {
	"lahf_lm", "cmp_legacy", "svm", "extapic", "cr8_legacy", "abm", "sse4a",
	"misalignsse", "3dnowprefetch", "osvw", "ibs", "xop", "skinit", "wdt", NULL, "lwp",
	"fma4", "tce", NULL, "nodeid_msr", NULL, "tbm", "topoext", "perfctr_core",
	"perfctr_nb", NULL, "bpext", "ptsc", "perfctr_llc", "mwaitx",
};
static const char *const flags_leaf7_ebx[32] = {
	"fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", NULL, "smep", "bmi2", "erms",
	"invpcid", "rtm", "cqm", NULL, "mpx", "rdt_a", "avx512f", "avx512dq", "rdseed", "adx",
	"smap", "avx512ifma", NULL, "clflushopt", "clwb", "intel_pt", "avx512pf", "avx512er",
	"avx512cd", "sha_ni", "avx512bw", "avx512vl",
};
static const char *const flags_leaf7_ecx[32] = {
	[1] = "avx512vbmi", [2] = "umip", [3] = "pku", [4] = "ospke", [5] = "waitpkg",
	[6] = "avx512_vbmi2", [8] = "gfni", [9] = "vaes", [10] = "vpclmulqdq",
	[11] = "avx512_vnni", [12] = "avx512_bitalg", [13] = "tme",
	[14] = "avx512_vpopcntdq", [16] = "la57", [22] = "rdpid", [24] = "bus_lock_detect",
	[25] = "cldemote", [27] = "movdiri", [28] = "movdir64b", [29] = "enqcmd",
	[30] = "sgx_lc",
};

static void cpuinfo_flag_word(struct seqbuf *sb, uint32_t word, const char *const names[32])
{
	for (int bit = 0; bit < 32; bit++)
		if ((word >> bit) & 1 && names[bit])
			seqbuf_printf(sb, " %s", names[bit]);
}

/* The flags line in Linux's order: its capability words 0, 1, 3 (synthetic), 4, 6, 9, 16. */
static void cpuinfo_flags(struct seqbuf *sb, const struct proc_cpuinfo *ci)
{
	seqbuf_puts(sb, "flags\t\t:");
	cpuinfo_flag_word(sb, ci->leaf1_edx, flags_leaf1_edx);
	cpuinfo_flag_word(sb, ci->ext1_edx, flags_ext1_edx);
	if (ci->invariant_tsc)
		seqbuf_puts(sb, " constant_tsc nonstop_tsc");
	seqbuf_puts(sb, " cpuid");
	cpuinfo_flag_word(sb, ci->leaf1_ecx, flags_leaf1_ecx);
	cpuinfo_flag_word(sb, ci->ext1_ecx, flags_ext1_ecx);
	cpuinfo_flag_word(sb, ci->leaf7_ebx, flags_leaf7_ebx);
	cpuinfo_flag_word(sb, ci->leaf7_ecx, flags_leaf7_ecx);
	seqbuf_puts(sb, "\nbugs\t\t:\n");
}

void proc_fmt_cpuinfo_cpu(struct seqbuf *sb, const struct proc_cpuinfo *ci, int cpu,
			  unsigned int apicid)
{
	/* BogoMIPS as Linux derives it from a TSC delay loop: twice the clock in MHz. */
	unsigned long long bogo = ci->tsc_khz * 2 / 10;

	seqbuf_printf(sb, "processor\t: %d\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n",
		      cpu, ci->vendor[0] ? ci->vendor : "unknown", ci->family, ci->model);
	seqbuf_printf(sb, "model name\t: %s\nstepping\t: %u\n",
		      ci->model_name[0] ? ci->model_name : "unknown", ci->stepping);
	if (ci->leaf1_edx & (1u << 4))	/* TSC */
		seqbuf_printf(sb, "cpu MHz\t\t: %llu.%03llu\n",
			      (unsigned long long)(ci->tsc_khz / 1000),
			      (unsigned long long)(ci->tsc_khz % 1000));
	if (ci->cache_kb)
		seqbuf_printf(sb, "cache size\t: %u KB\n", ci->cache_kb);
	seqbuf_printf(sb, "physical id\t: 0\nsiblings\t: %d\ncore id\t\t: %d\ncpu cores\t: %d\n",
		      ci->nr_cpus, cpu, ci->nr_cpus);
	seqbuf_printf(sb, "apicid\t\t: %u\ninitial apicid\t: %u\n", apicid, apicid);
	seqbuf_printf(sb, "fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: %u\nwp\t\t: yes\n",
		      ci->cpuid_level);
	cpuinfo_flags(sb, ci);
	seqbuf_printf(sb, "bogomips\t: %llu.%02llu\n", bogo / 100, bogo % 100);
	seqbuf_printf(sb, "clflush size\t: %u\ncache_alignment\t: %u\n", ci->clflush_size,
		      ci->clflush_size);
	seqbuf_printf(sb, "address sizes\t: %u bits physical, %u bits virtual\n", ci->phys_bits,
		      ci->virt_bits);
	seqbuf_puts(sb, "power management:\n\n");
}

void proc_fmt_version(struct seqbuf *sb, const char *release, const char *compiler,
		      const char *version)
{
	seqbuf_printf(sb, "Linux version %s (ferrite@ferrite) (%s) %s\n", release, compiler,
		      version);
}

#define MASK_BITS	(PROC_CPUMASK_WORDS * 64)

static bool mask_test(const uint64_t *bits, int bit)
{
	return bit < MASK_BITS && (bits[bit / 64] >> (bit % 64)) & 1;
}

/* Bits [bit, bit + n) of @bits, n <= 32. */
static uint32_t mask_chunk(const uint64_t *bits, int bit, int n)
{
	uint32_t v = 0;

	for (int i = 0; i < n; i++)
		if (mask_test(bits, bit + i))
			v |= 1u << i;
	return v;
}

void proc_fmt_cpumask_hex(struct seqbuf *sb, const uint64_t *bits, int nbits)
{
	int first = nbits % 32 ? nbits % 32 : 32;
	int bit = nbits - first;

	if (nbits <= 0)
		return;
	/* The most significant group first, as wide as its bits need; then full groups. */
	seqbuf_printf(sb, "%0*x", (first + 3) / 4, mask_chunk(bits, bit, first));
	for (bit -= 32; bit >= 0; bit -= 32)
		seqbuf_printf(sb, ",%08x", mask_chunk(bits, bit, 32));
}

void proc_fmt_cpumask_list(struct seqbuf *sb, const uint64_t *bits, int nbits)
{
	bool first = true;

	if (nbits > MASK_BITS)
		nbits = MASK_BITS;
	for (int i = 0; i < nbits; i++) {
		int j = i;

		if (!mask_test(bits, i))
			continue;
		while (j + 1 < nbits && mask_test(bits, j + 1))
			j++;
		seqbuf_printf(sb, j > i ? "%s%d-%d" : "%s%d", first ? "" : ",", i, j);
		first = false;
		i = j;
	}
}
