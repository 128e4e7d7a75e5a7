/*
 * The memory character devices of major 1, as Linux numbers them:
 * /dev/null (1,3), /dev/zero (1,5), /dev/full (1,7), /dev/random (1,8) and
 * /dev/urandom (1,9). None keeps state; reads and writes go through
 * file_copy_out/in so kernel_read/kernel_write work on them too. Large
 * reads stop early, with what was done, when a signal is pending (Linux
 * returns -ERESTARTSYS only if nothing was read yet).
 */
#define pr_fmt(fmt) "mem: " fmt

#include <ferrite/chacha20.h>
#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <ferrite/proc.h>
#include <ferrite/random.h>
#include <ferrite/signal.h>
#include <ferrite/uaccess.h>
#include <ferrite/vfs.h>
#include <linux/random.h>

#define MEM_MAJOR	1
#define CHUNK		4096

static const char zero_page[CHUNK];

/* lseek on null, zero and full: the position stays 0 (Linux's null_lseek). */
static long mem_null_llseek(struct file *f, int64_t off, int whence)
{
	return 0;
}

/* lseek on random and urandom: nothing moves, the position is reported (noop_llseek). */
static long mem_noop_llseek(struct file *f, int64_t off, int whence)
{
	return (long)f->pos;
}

static long null_read(struct file *f, char *ubuf, size_t len, uint64_t *pos)
{
	return 0;
}

static long null_write(struct file *f, const char *ubuf, size_t len, uint64_t *pos)
{
	return (long)len;
}

/* Fill @len bytes of @ubuf with zeros; bytes stored, -EFAULT, or -ERESTARTSYS. */
static long zero_read(struct file *f, char *ubuf, size_t len, uint64_t *pos)
{
	size_t done = 0;

	while (done < len) {
		size_t n = MIN(len - done, (size_t)CHUNK);

		if (done && signal_pending_current())
			break;
		if (file_copy_out(f, ubuf + done, zero_page, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return (long)done;
}

static long full_write(struct file *f, const char *ubuf, size_t len, uint64_t *pos)
{
	return -ENOSPC;
}

/* Random bytes from one key stream; bytes stored, or -EFAULT if none. */
static long random_read(struct file *f, char *ubuf, size_t len, uint64_t *pos)
{
	uint8_t buf[256];
	struct random_stream st;
	size_t done = 0;

	random_stream_begin(&st);
	while (done < len) {
		size_t n = MIN(len - done, sizeof(buf));

		if (done && done % CHUNK == 0 && signal_pending_current())
			break;
		random_stream_fill(&st, buf, n);
		if (file_copy_out(f, ubuf + done, buf, n))
			break;
		done += n;
	}
	random_stream_end(&st);
	chacha20_wipe(buf, sizeof(buf));
	if (done == 0 && len > 0)
		return -EFAULT;
	return (long)done;
}

/* Writes are mixed into the generator (credited nothing), as on Linux. */
static long random_write(struct file *f, const char *ubuf, size_t len, uint64_t *pos)
{
	uint8_t buf[256];
	size_t done = 0;

	while (done < len) {
		size_t n = MIN(len - done, sizeof(buf));

		if (file_copy_in(f, buf, ubuf + done, n))
			return done ? (long)done : -EFAULT;
		random_add_data(buf, n);
		done += n;
	}
	return (long)done;
}

static bool mem_capable(void)
{
	return current_proc->euid == 0;
}

/* RNDADDENTROPY: struct rand_pool_info { int entropy_count; int buf_size; __u32 buf[]; }. */
static long random_add_entropy(uint64_t arg)
{
	int hdr[2];
	uint8_t buf[256];
	size_t left, off = 0;

	if (copy_from_user(hdr, (void *)arg, sizeof(hdr)))
		return -EFAULT;
	if (hdr[0] < 0 || hdr[1] < 0)
		return -EINVAL;
	left = (size_t)hdr[1];
	while (left > 0) {
		size_t n = MIN(left, sizeof(buf));

		if (copy_from_user(buf, (char *)arg + sizeof(hdr) + off, n))
			return -EFAULT;
		random_add_data(buf, n);
		off += n;
		left -= n;
	}
	return 0;
}

/*
 * The random ioctls of linux/random.h. The generator is always ready, so
 * the entropy count reads as full (256 bits) and the counting calls change
 * nothing; all but RNDGETENTCNT need root (CAP_SYS_ADMIN on Linux).
 */
static long random_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	int full = 256;

	if (cmd == RNDGETENTCNT)
		return put_user(full, (int *)arg);
	switch (cmd) {
	case RNDADDTOENTCNT:
	case RNDADDENTROPY:
	case RNDZAPENTCNT:
	case RNDCLEARPOOL:
	case RNDRESEEDCRNG:
		if (!mem_capable())
			return -EPERM;
		if (cmd == RNDADDENTROPY)
			return random_add_entropy(arg);
		if (cmd == RNDRESEEDCRNG)
			random_reseed();
		return 0;
	}
	return -ENOTTY;
}

static unsigned int random_poll(struct file *f, struct poll_table *pt)
{
	return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
}

static const struct file_ops null_fops = {
	.read = null_read, .write = null_write, .llseek = mem_null_llseek,
};

static const struct file_ops zero_fops = {
	.read = zero_read, .write = null_write, .llseek = mem_null_llseek,
};

static const struct file_ops full_fops = {
	.read = zero_read, .write = full_write, .llseek = mem_null_llseek,
};

static const struct file_ops random_fops = {
	.read = random_read, .write = random_write, .llseek = mem_noop_llseek,
	.ioctl = random_ioctl, .poll = random_poll,
};

static const struct {
	const char *name;
	unsigned int minor;
	const struct file_ops *ops;
} mem_devices[] = {
	{ "null", 3, &null_fops },
	{ "zero", 5, &zero_fops },
	{ "full", 7, &full_fops },
	{ "random", 8, &random_fops },
	{ "urandom", 9, &random_fops },
};

void mem_devices_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(mem_devices); i++) {
		int err = devfs_register(mem_devices[i].name, S_IFCHR | 0666, MEM_MAJOR,
					 mem_devices[i].minor, mem_devices[i].ops, NULL);

		if (err)
			pr_err("cannot register /dev/%s: error %d\n", mem_devices[i].name, err);
	}
}
