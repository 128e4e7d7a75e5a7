/*
 * procfs formatters: the text of each /proc file from a plain snapshot
 * structure. Nothing here depends on kernel state or on sched.h, so the
 * formats are tested on the host with made-up data (procfs.h has the
 * collectors that fill these structures from the live kernel).
 */
#ifndef FERRITE_PROCFS_FMT_H
#define FERRITE_PROCFS_FMT_H

#include <ferrite/compiler.h>

struct seqbuf;

#define PROC_COMM_LEN		16	/* TASK_COMM_LEN */
#define PROC_CPUMASK_WORDS	4	/* CPUMASK_WORDS: bits of a CPU mask / 64 */
#define PF_KTHREAD		0x00200000	/* Linux's task flag for kernel threads */

/* One process (its main thread for per-thread fields) as /proc/PID shows it. */
struct proc_pid_info {
	int pid, ppid, pgid, sid;
	int tty_nr;			/* new_encode_dev() of the controlling tty, or 0 */
	int tpgid;			/* its foreground group, or -1 */
	char comm[PROC_COMM_LEN];
	char state;			/* R S D T Z X */
	unsigned int flags;		/* PF_* */
	int nice;
	int num_threads;
	int processor;			/* CPU of the main thread */
	int exit_signal;
	int exit_code;			/* wait status once a zombie, else 0 */
	uint64_t minflt, majflt, cminflt, cmajflt;
	uint64_t utime_ns, stime_ns, cutime_ns, cstime_ns;
	uint64_t start_ns;		/* since boot */
	bool has_mm;			/* a user address space (not a kernel thread or zombie) */
	uint64_t vm_pages, rss_pages;
	uint64_t stack_pages, data_pages, exe_pages, lib_pages, file_rss_pages;
	uint64_t rsslim;
	uint64_t start_code, end_code, start_stack;
	uint64_t start_data, end_data, start_brk;
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t sig_pending, sig_shared, sig_blocked, sig_ignored, sig_caught;
	uint64_t sigq_limit;		/* RLIMIT_SIGPENDING */
	unsigned int sigq_count;	/* signals queued for the process */
	int uid[4], gid[4];		/* real, effective, saved, fs */
	int umask;			/* -1: not known (no fs context) */
	int fdsize;			/* size of the descriptor table, 0 if none */
	const int *groups;		/* supplementary groups, sorted */
	int ngroups;
	uint64_t cpus_allowed[PROC_CPUMASK_WORDS];
	int nr_cpu_ids;			/* CPUs the machine can have (mask width) */
	uint64_t nvcsw, nivcsw;		/* context switches of all threads */
};

/* One line of /proc/PID/maps. */
struct proc_map_entry {
	uint64_t start, end;
	unsigned int flags;		/* VMA_* */
	uint64_t offset;		/* bytes into the file; 0 for anonymous areas */
	unsigned int major, minor;	/* device of the file */
	uint64_t ino;
	const char *name;		/* path, "[heap]", "[stack]", or NULL */
};

/* /proc/meminfo's figures, in KiB. */
struct proc_meminfo {
	uint64_t total, free, available, buffers, cached, swap_cached;
	uint64_t active, inactive, active_anon, inactive_anon, active_file, inactive_file;
	uint64_t swap_total, swap_free, dirty, writeback, anon_pages, mapped, shmem;
	uint64_t kreclaimable, slab, sreclaimable, sunreclaim, kernel_stack, page_tables;
	uint64_t commit_limit, committed_as, vmalloc_total, vmalloc_used, percpu;
	uint64_t direct_map_4k, direct_map_2m, direct_map_1g;
};

/* One CPU's time for /proc/stat, in nanoseconds. */
struct proc_cpu_times {
	uint64_t user, nice, system, idle, iowait, irq, softirq, steal;
};

/* /proc/stat's figures. */
struct proc_stat_info {
	int nr_cpus;
	const struct proc_cpu_times *cpu;	/* nr_cpus entries */
	uint64_t intr;			/* interrupts taken */
	uint64_t ctxt, btime, processes;
	int running, blocked;
};

/* What /proc/cpuinfo says of the CPUs (all alike but their numbers). */
struct proc_cpuinfo {
	char vendor[13];
	char model_name[49];
	unsigned int family, model, stepping;
	unsigned int cpuid_level;
	uint64_t tsc_khz;
	unsigned int cache_kb;		/* 0: line omitted */
	uint32_t leaf1_edx, leaf1_ecx, ext1_edx, ext1_ecx, leaf7_ebx, leaf7_ecx;
	bool invariant_tsc;
	unsigned int clflush_size;
	unsigned int phys_bits, virt_bits;
	int nr_cpus;
};

/* Formatters: append the file's text for the snapshot to @sb. */
void proc_fmt_pid_stat(struct seqbuf *sb, const struct proc_pid_info *pi);
void proc_fmt_pid_status(struct seqbuf *sb, const struct proc_pid_info *pi);
void proc_fmt_pid_statm(struct seqbuf *sb, const struct proc_pid_info *pi);
void proc_fmt_maps_entry(struct seqbuf *sb, const struct proc_map_entry *e);
void proc_fmt_meminfo(struct seqbuf *sb, const struct proc_meminfo *mi);
void proc_fmt_uptime(struct seqbuf *sb, uint64_t uptime_ns, uint64_t idle_ns);
void proc_fmt_loadavg(struct seqbuf *sb, const unsigned long avg[3], int running, int threads,
		      int last_pid);
void proc_fmt_stat(struct seqbuf *sb, const struct proc_stat_info *st);
/* One "processor : N" block of /proc/cpuinfo. */
void proc_fmt_cpuinfo_cpu(struct seqbuf *sb, const struct proc_cpuinfo *ci, int cpu,
			  unsigned int apicid);
/* The /proc/version line. */
void proc_fmt_version(struct seqbuf *sb, const char *release, const char *compiler,
		      const char *version);
/* A CPU mask of @nbits bits as Linux's "%*pb" (hex, 32-bit groups) and "%*pbl" (ranges). */
void proc_fmt_cpumask_hex(struct seqbuf *sb, const uint64_t *bits, int nbits);
void proc_fmt_cpumask_list(struct seqbuf *sb, const uint64_t *bits, int nbits);
/* The state letter's name as the Status file shows it ("S (sleeping)"). */
const char *proc_state_name(char state);

#endif
