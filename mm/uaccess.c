/*
 * Checked access to user memory on top of the arch primitives (whose faults
 * become -EFAULT through the fix-up in the page-fault handler), and the
 * page-fault entry point that fills user pages on demand.
 */
#include <ferrite/errno.h>
#include <ferrite/panic.h>
#include <ferrite/printk.h>
#include <ferrite/sched.h>
#include <ferrite/signal.h>
#include <ferrite/slab.h>
#include <ferrite/uaccess.h>
#include <ferrite/vm.h>
#include <linux/limits.h>
#include <arch/cpu.h>
#include <arch/trap.h>

long arch_copy_user(void *dst, const void *src, size_t len);
long arch_clear_user(void *dst, size_t len);
long arch_strncpy_user(char *dst, const char *src, size_t max);
extern char uaccess_start[], uaccess_end[], uaccess_fixup[];

int copy_from_user(void *dst, const void *usrc, size_t len)
{
	if (!uaccess_ok((uint64_t)usrc, len))
		return -EFAULT;
	return len ? arch_copy_user(dst, usrc, len) : 0;
}

int copy_to_user(void *udst, const void *src, size_t len)
{
	if (!uaccess_ok((uint64_t)udst, len))
		return -EFAULT;
	return len ? arch_copy_user(udst, src, len) : 0;
}

int clear_user(void *udst, size_t len)
{
	if (!uaccess_ok((uint64_t)udst, len))
		return -EFAULT;
	return len ? arch_clear_user(udst, len) : 0;
}

long strncpy_from_user(char *dst, const char *usrc, size_t max)
{
	uint64_t a = (uint64_t)usrc;
	long n;

	if (a >= USER_ADDR_END)
		return -EFAULT;
	/* never read past the end of the user half */
	n = arch_strncpy_user(dst, usrc, MIN(max, USER_ADDR_END - a));
	if (n < 0)
		return n;
	if ((size_t)n == max)
		return -ENAMETOOLONG;
	if ((size_t)n == USER_ADDR_END - a)
		return -EFAULT;
	return n;
}

long strnlen_user(const char *usrc, size_t max)
{
	char buf[64];
	size_t done = 0;

	while (done <= max) {
		size_t chunk = MIN(sizeof(buf), max + 1 - done);
		long n = strncpy_from_user(buf, usrc + done, chunk);

		if (n >= 0)
			return done + n + 1;
		if (n != -ENAMETOOLONG)
			return n;
		done += chunk;
	}
	return max + 1;
}

char *user_path_dup(const char *upath)
{
	char *buf = kmalloc(PATH_MAX);
	long n;

	if (!buf)
		return ERR_PTR(-ENOMEM);
	n = strncpy_from_user(buf, upath, PATH_MAX);
	if (n < 0 || n == 0) {
		kfree(buf);
		return ERR_PTR(n ? n : -ENOENT);
	}
	return buf;
}

/* Page-fault error code bits, Intel SDM vol. 3 §4.7. */
#define PF_PROT		(1u << 0)
#define PF_WRITE	(1u << 1)
#define PF_USER		(1u << 2)
#define PF_RSVD		(1u << 3)
#define PF_INSTR	(1u << 4)

static bool uaccess_in_copy(const struct trap_frame *frame)
{
	return frame->rip >= (uint64_t)uaccess_start && frame->rip < (uint64_t)uaccess_end;
}

/*
 * #PF: user faults and kernel faults inside the uaccess primitives are
 * resolved through vm_fault (or turned into a signal / -EFAULT); any other
 * kernel fault is fatal. Returns true if the fault was handled.
 */
bool mm_page_fault(struct trap_frame *frame)
{
	uint64_t addr = arch_read_cr2();
	bool user = trap_from_user(frame);
	int sig, code;

	if (!user && !uaccess_in_copy(frame))
		return false;
	if (frame->error & PF_RSVD)
		return false;
	if (frame->rflags & (1UL << 9))
		arch_irq_enable();
	sig = vm_fault(addr, frame->error & PF_WRITE, frame->error & PF_INSTR, user, &code);
	arch_irq_disable();
	if (!sig)
		return true;
	if (!user) {
		frame->rip = (uint64_t)uaccess_fixup;
		return true;
	}
	if (sig == SIGKILL) {
		signal_send_task(current, SIGKILL);
		return true;
	}
	signal_force_fault(sig, code, addr);
	return true;
}
