/*
 * procfs system-wide files: collectors for /proc/{meminfo,uptime,loadavg,
 * stat,cpuinfo,version,cmdline,filesystems,mounts} and the
 * /proc/sys/kernel name files, each filling a snapshot from the live kernel
 * and formatting it (procfs_fmt.h).
 */
#include <ferrite/boot.h>
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/page_alloc.h>
#include <ferrite/procfs.h>
#include <ferrite/seqbuf.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <ferrite/sysinfo.h>
#include <ferrite/time.h>
#include <ferrite/version.h>
#include <arch/cpu.h>
#include <arch/cpufeature.h>
#include <arch/memlayout.h>
#include <arch/percpu.h>

#define KB(pages)	((pages) * (PAGE_SIZE / 1024))
#define VFS_TEXT_MAX	(1UL << 20)	/* largest mounts/filesystems text accepted */

static void meminfo_slab_cb(const struct kmem_cache_stats *st, void *arg)
{
	*(uint64_t *)arg += (uint64_t)st->num_slabs * st->pages_per_slab;
}

/* Threads in the system, and those in uninterruptible sleep. Takes process_tree_lock. */
static void proc_count_tasks(int *threads, int *blocked)
{
	unsigned long flags;
	struct process *p;
	struct task *t;

	*threads = *blocked = 0;
	flags = spin_lock_irqsave(&process_tree_lock);
	list_for_each_entry(p, &process_list, all_node) {
		spin_lock(&p->sig_lock);
		list_for_each_entry(t, &p->tasks, proc_node) {
			(*threads)++;
			if (READ_ONCE(t->state) == TASK_UNINTERRUPTIBLE)
				(*blocked)++;
		}
		spin_unlock(&p->sig_lock);
	}
	spin_unlock_irqrestore(&process_tree_lock, flags);
}

/*
 * The memory figures. Page-cache, buffer and shared-memory sizes are not
 * counted by the kernel yet and show as 0; what is available is what is
 * free; Committed_AS is the memory in use.
 */
int proc_meminfo_show(struct seqbuf *sb)
{
	struct proc_meminfo mi = { 0 };
	uint64_t total = page_alloc_total_pages(), free = page_alloc_free_pages();
	uint64_t slab = 0;
	int threads, blocked;

	slab_for_each_cache(meminfo_slab_cb, &slab);
	proc_count_tasks(&threads, &blocked);
	mi.total = KB(total);
	mi.free = KB(free);
	mi.available = mi.free;
	mi.slab = mi.sunreclaim = KB(slab);
	mi.kernel_stack = (uint64_t)threads * (KSTACK_SIZE / 1024);
	mi.commit_limit = mi.total / 2;
	mi.committed_as = mi.total - mi.free;
	mi.vmalloc_total = (VMALLOC_END - VMALLOC_START) / 1024;
	mi.vmalloc_used = KB(vmalloc_used_pages());
	proc_fmt_meminfo(sb, &mi);
	return seqbuf_error(sb);
}

/* Idle time of every CPU, summed, in ns. */
static uint64_t proc_idle_ns(void)
{
	uint64_t sum = 0, u, s, i;

	for (int cpu = 0; cpu < nr_cpus; cpu++) {
		sched_cpu_times(cpu, &u, &s, &i);
		sum += i;
	}
	return sum;
}

int proc_uptime_show(struct seqbuf *sb)
{
	proc_fmt_uptime(sb, time_boot_ns(), proc_idle_ns());
	return seqbuf_error(sb);
}

/* The pid most recently handed out: the newest process still listed. Takes process_tree_lock. */
static int proc_last_pid(void)
{
	unsigned long flags = spin_lock_irqsave(&process_tree_lock);
	int pid = 0;

	if (!list_empty(&process_list))
		pid = list_entry(process_list.prev, struct process, all_node)->pid;
	spin_unlock_irqrestore(&process_tree_lock, flags);
	return pid;
}

int proc_loadavg_show(struct seqbuf *sb)
{
	unsigned long avg[3];
	int threads, blocked;

	sched_loadavg(avg);
	proc_count_tasks(&threads, &blocked);
	proc_fmt_loadavg(sb, avg, sched_nr_running(), threads, proc_last_pid());
	return seqbuf_error(sb);
}

int proc_stat_show(struct seqbuf *sb)
{
	struct proc_cpu_times *cpu = kcalloc((size_t)nr_cpus, sizeof(*cpu));
	struct proc_stat_info st = { .nr_cpus = nr_cpus, .cpu = cpu };
	int threads;

	if (!cpu)
		return -ENOMEM;
	for (int i = 0; i < nr_cpus; i++) {
		sched_cpu_times(i, &cpu[i].user, &cpu[i].system, &cpu[i].idle);
		if (cpus[i])
			st.intr += READ_ONCE(cpus[i]->ticks);
	}
	st.ctxt = sched_nr_switches();
	st.btime = (uint64_t)time_boot_epoch();
	st.processes = sched_nr_forks();
	st.running = sched_nr_running();
	proc_count_tasks(&threads, &st.blocked);
	proc_fmt_stat(sb, &st);
	kfree(cpu);
	return seqbuf_error(sb);
}

/* Size in KiB of the largest cache CPUID reports (leaf 4; AMD: L2 from 0x80000006). */
static unsigned int proc_cache_kb(unsigned int max_leaf, unsigned int max_ext)
{
	uint32_t a, b, c, d, best = 0;

	if (max_leaf >= 4 && !strcmp(cpu_features.vendor, "GenuineIntel")) {
		for (uint32_t i = 0; i < 16; i++) {
			arch_cpuid(4, i, &a, &b, &c, &d);
			if (!(a & 0x1f))
				break;
			best = (((b >> 22) + 1) * (((b >> 12) & 0x3ff) + 1) * ((b & 0xfff) + 1) *
				(c + 1)) / 1024;
		}
		return best;
	}
	if (max_ext >= 0x80000006) {
		arch_cpuid(0x80000006, 0, &a, &b, &c, &d);
		return c >> 16;
	}
	return 0;
}

static void proc_cpuinfo_collect(struct proc_cpuinfo *ci)
{
	uint32_t a, b, c, d, max_ext;

	memcpy(ci->vendor, cpu_features.vendor, sizeof(ci->vendor));
	memcpy(ci->model_name, cpu_features.model_name, sizeof(ci->model_name));
	ci->family = cpu_features.family;
	ci->model = cpu_features.model;
	ci->stepping = cpu_features.stepping;
	ci->leaf1_edx = cpu_features.leaf1_edx, ci->leaf1_ecx = cpu_features.leaf1_ecx;
	ci->ext1_edx = cpu_features.ext1_edx, ci->ext1_ecx = cpu_features.ext1_ecx;
	ci->leaf7_ebx = cpu_features.leaf7_ebx, ci->leaf7_ecx = cpu_features.leaf7_ecx;
	ci->invariant_tsc = cpu_features.invariant_tsc;
	ci->tsc_khz = time_tsc_hz() / 1000;
	ci->nr_cpus = nr_cpus_online;
	arch_cpuid(0, 0, &a, &b, &c, &d);
	ci->cpuid_level = a;
	arch_cpuid(1, 0, &a, &b, &c, &d);
	ci->clflush_size = ((b >> 8) & 0xff) * 8;
	arch_cpuid(0x80000000, 0, &max_ext, &b, &c, &d);
	ci->phys_bits = 36, ci->virt_bits = 48;
	if (max_ext >= 0x80000008) {
		arch_cpuid(0x80000008, 0, &a, &b, &c, &d);
		ci->phys_bits = a & 0xff;
		ci->virt_bits = (a >> 8) & 0xff;
	}
	ci->cache_kb = proc_cache_kb(ci->cpuid_level, max_ext);
}

int proc_cpuinfo_show(struct seqbuf *sb)
{
	struct proc_cpuinfo *ci = kzalloc(sizeof(*ci));

	if (!ci)
		return -ENOMEM;
	proc_cpuinfo_collect(ci);
	for (int i = 0; i < nr_cpus; i++)
		if (cpus[i] && __atomic_load_n(&cpus[i]->online, __ATOMIC_RELAXED))
			proc_fmt_cpuinfo_cpu(sb, ci, i, cpus[i]->apic_id);
	kfree(ci);
	return seqbuf_error(sb);
}

int proc_version_show(struct seqbuf *sb)
{
	struct new_utsname *u = kmalloc(sizeof(*u));

	if (!u)
		return -ENOMEM;
	uts_get(u);
	proc_fmt_version(sb, u->release, FERRITE_COMPILER, u->version);
	kfree(u);
	return seqbuf_error(sb);
}

int proc_cmdline_show(struct seqbuf *sb)
{
	seqbuf_printf(sb, "%s\n", boot_info.cmdline);
	return seqbuf_error(sb);
}

/* Text from a VFS function that fills a buffer: grown until the text fits. */
static int proc_vfs_text(struct seqbuf *sb, size_t (*show)(char *buf, size_t size))
{
	for (size_t size = 4096; size <= VFS_TEXT_MAX; size *= 2) {
		char *buf = kmalloc(size);
		size_t n;

		if (!buf)
			return -ENOMEM;
		n = show(buf, size);
		if (n + 1 < size) {	/* room to spare: nothing was cut */
			seqbuf_write(sb, buf, n);
			kfree(buf);
			return seqbuf_error(sb);
		}
		kfree(buf);
	}
	return -ENOMEM;
}

int proc_filesystems_show(struct seqbuf *sb)
{
	return proc_vfs_text(sb, vfs_filesystems_show);
}

int proc_mounts_show(struct seqbuf *sb)
{
	return proc_vfs_text(sb, vfs_mounts_show);
}

int proc_mountinfo_show(struct seqbuf *sb)
{
	return proc_vfs_text(sb, vfs_mountinfo_show);
}

/* /proc/sys/kernel/{hostname,domainname,ostype,osrelease,version}: one uname field and "\n". */
static int proc_uts_field(struct seqbuf *sb, size_t offset)
{
	struct new_utsname *u = kmalloc(sizeof(*u));

	if (!u)
		return -ENOMEM;
	uts_get(u);
	seqbuf_printf(sb, "%s\n", (const char *)u + offset);
	kfree(u);
	return seqbuf_error(sb);
}

int proc_hostname_show(struct seqbuf *sb)
{
	return proc_uts_field(sb, offsetof(struct new_utsname, nodename));
}

int proc_domainname_show(struct seqbuf *sb)
{
	return proc_uts_field(sb, offsetof(struct new_utsname, domainname));
}

int proc_ostype_show(struct seqbuf *sb)
{
	return proc_uts_field(sb, offsetof(struct new_utsname, sysname));
}

int proc_osrelease_show(struct seqbuf *sb)
{
	return proc_uts_field(sb, offsetof(struct new_utsname, release));
}

int proc_kversion_show(struct seqbuf *sb)
{
	return proc_uts_field(sb, offsetof(struct new_utsname, version));
}
