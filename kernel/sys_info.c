/*
 * System identity and whole-system calls: uname, sethostname,
 * setdomainname, sysinfo and reboot, with Linux's semantics and errno
 * values (uname(2), sethostname(2), sysinfo(2), reboot(2)). The uname data
 * lives in one structure guarded by uts_lock; the kernel calls itself Linux
 * (see sysinfo.h for why).
 */
#include <ferrite/errno.h>
#include <ferrite/page_alloc.h>
#include <ferrite/power.h>
#include <ferrite/printk.h>
#include <ferrite/sched.h>
#include <ferrite/spinlock.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include <ferrite/sysinfo.h>
#include <ferrite/time.h>
#include <ferrite/uaccess.h>
#include <ferrite/version.h>
#include <linux/reboot.h>
#include <linux/sysinfo.h>

#define UTS_VERSION	"#1 SMP " FERRITE_DATE

static DEFINE_SPINLOCK(uts_lock);
static struct new_utsname uts_name = {	/* [uts_lock] */
	.sysname = UTS_SYSNAME,
	.nodename = UTS_DEFAULT_NAME,
	.release = UTS_RELEASE,
	.version = UTS_VERSION,
	.machine = UTS_MACHINE,
	.domainname = UTS_DEFAULT_NAME,
};

BUILD_BUG_ON(sizeof(struct new_utsname) != 390);
BUILD_BUG_ON(sizeof(struct sysinfo) != 112);

void uts_get(struct new_utsname *u)
{
	unsigned long flags = spin_lock_irqsave(&uts_lock);

	*u = uts_name;
	spin_unlock_irqrestore(&uts_lock, flags);
}

const char *uts_version(void)
{
	return UTS_VERSION;
}

SYSCALL_DEFINE(uname, __NR_uname, struct new_utsname *buf)
{
	struct new_utsname u;

	uts_get(&u);
	return copy_to_user(buf, &u, sizeof(u));
}

int uts_set_name(bool domain, const char *name, size_t len)
{
	char buf[__NEW_UTS_LEN + 1];
	unsigned long flags;

	if (len > __NEW_UTS_LEN)
		return -EINVAL;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, name, len);
	flags = spin_lock_irqsave(&uts_lock);
	memcpy(domain ? uts_name.domainname : uts_name.nodename, buf, sizeof(buf));
	spin_unlock_irqrestore(&uts_lock, flags);
	return 0;
}

/*
 * sethostname and setdomainname: root only (CAP_SYS_ADMIN), @len 0..64
 * (Linux: EINVAL otherwise), the name NUL-padded.
 */
static long uts_set_from_user(bool domain, const char *uname, int len)
{
	char name[__NEW_UTS_LEN];

	if (current_proc->euid != 0)
		return -EPERM;
	if (len < 0 || len > __NEW_UTS_LEN)
		return -EINVAL;
	if (copy_from_user(name, uname, (size_t)len))
		return -EFAULT;
	return uts_set_name(domain, name, (size_t)len);
}

SYSCALL_DEFINE(sethostname, __NR_sethostname, const char *name, int len)
{
	return uts_set_from_user(false, name, len);
}

SYSCALL_DEFINE(setdomainname, __NR_setdomainname, const char *name, int len)
{
	return uts_set_from_user(true, name, len);
}

/* Threads in the system (sysinfo's procs, as Linux's nr_threads). */
static unsigned long sysinfo_nr_threads(void)
{
	unsigned long n = 0, flags;
	struct process *p;

	flags = spin_lock_irqsave(&process_tree_lock);
	list_for_each_entry(p, &process_list, all_node)
		n += (unsigned long)READ_ONCE(p->nr_tasks);
	spin_unlock_irqrestore(&process_tree_lock, flags);
	return n;
}

SYSCALL_DEFINE(sysinfo, __NR_sysinfo, struct sysinfo *uinfo)
{
	struct sysinfo info;
	unsigned long avg[3];
	uint64_t up = time_boot_ns();
	unsigned long n;

	memset(&info, 0, sizeof(info));
	/* Linux rounds the uptime up to whole seconds. */
	info.uptime = (long)((up + NSEC_PER_SEC - 1) / NSEC_PER_SEC);
	sched_loadavg(avg);
	for (int i = 0; i < 3; i++)	/* 11-bit fixed point to SI_LOAD_SHIFT (16) */
		info.loads[i] = avg[i] << (SI_LOAD_SHIFT - 11);
	info.totalram = page_alloc_total_pages() * PAGE_SIZE;
	info.freeram = page_alloc_free_pages() * PAGE_SIZE;
	n = sysinfo_nr_threads();
	info.procs = n > 0xffff ? 0xffff : (uint16_t)n;
	info.mem_unit = 1;
	return copy_to_user(uinfo, &info, sizeof(info));
}

static bool reboot_magic_ok(unsigned int magic1, unsigned int magic2)
{
	return magic1 == LINUX_REBOOT_MAGIC1 &&
	       (magic2 == LINUX_REBOOT_MAGIC2 || magic2 == LINUX_REBOOT_MAGIC2A ||
		magic2 == LINUX_REBOOT_MAGIC2B || magic2 == LINUX_REBOOT_MAGIC2C);
}

/*
 * Power off (also for HALT: QEMU should exit rather than sit halted, and
 * HALT's "System halted." is printed first). If the machine is still on,
 * the calling process exits as Linux's reboot(2) does after a failed
 * kernel_power_off().
 */
static __noreturn void reboot_power_off(bool halt)
{
	if (halt)
		pr_emerg("reboot: System halted\n");
	machine_power_off();
	process_exit_group(0);
}

SYSCALL_DEFINE(reboot, __NR_reboot, unsigned int magic1, unsigned int magic2,
	       unsigned int cmd, const char *arg)
{
	/* Linux checks the capability before the magic numbers. */
	if (current_proc->euid != 0)
		return -EPERM;
	if (!reboot_magic_ok(magic1, magic2))
		return -EINVAL;
	switch (cmd) {
	case LINUX_REBOOT_CMD_RESTART:
	case LINUX_REBOOT_CMD_RESTART2:	/* the command string is not used by x86 */
		pr_emerg("reboot: Restarting system\n");
		machine_restart();
	case LINUX_REBOOT_CMD_POWER_OFF:
		reboot_power_off(false);
	case LINUX_REBOOT_CMD_HALT:
		reboot_power_off(true);
	case LINUX_REBOOT_CMD_CAD_ON:
	case LINUX_REBOOT_CMD_CAD_OFF:
		return 0;	/* no keyboard sends Ctrl-Alt-Del to the kernel here */
	default:	/* SW_SUSPEND, KEXEC: not configured, as on a Linux without them */
		return -EINVAL;
	}
}
