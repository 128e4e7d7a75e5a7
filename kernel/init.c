/*
 * Process 1: unpack the initramfs into the root tmpfs, give init the
 * console as descriptors 0, 1 and 2, and exec the first program that
 * works: rdinit= (default /init), then init=, then Linux's fallbacks.
 */
#include <ferrite/boot.h>
#include <ferrite/cmdline.h>
#include <ferrite/errno.h>
#include <ferrite/exec.h>
#include <ferrite/init.h>
#include <ferrite/mm.h>
#include <ferrite/panic.h>
#include <ferrite/printk.h>
#include <ferrite/proc.h>
#include <ferrite/sched.h>
#include <ferrite/vfs.h>
#include <linux/fcntl.h>

/* Unpack every boot module as an initramfs (Linux takes the first; several do no harm). */
static void init_unpack_initramfs(void)
{
	for (int i = 0; i < boot_info.nr_modules; i++) {
		const struct boot_module *m = &boot_info.modules[i];
		int err;

		if (m->end <= m->start)
			continue;
		err = initramfs_unpack(phys_to_virt(m->start), m->end - m->start);
		if (err)
			pr_err("Initramfs unpacking failed: %d\n", err);
	}
}

/* Open /dev/console on descriptors 0, 1 and 2, as Linux's console_on_rootfs. */
static void init_open_console(void)
{
	struct file *f = vfs_open("/dev/console", O_RDWR, 0);

	if (IS_ERR(f)) {
		pr_warn("Warning: unable to open an initial console.\n");
		return;
	}
	fd_install(f, false);
	fd_install(file_get(f), false);
	fd_install(file_get(f), false);
}

/* Try to exec @path with the command line's arguments; returns only on failure. */
static int init_try(const char *path)
{
	const struct cmdline *cl = &kernel_cmdline;
	const char *argv[MAX_INIT_ARGS + 1];
	int n = 0, err;

	argv[n++] = path;
	for (int i = 0; i < cl->init_argc && n < MAX_INIT_ARGS; i++)
		argv[n++] = cl->init_argv[i];
	argv[n] = NULL;
	err = exec_kernel(path, argv, cl->init_envp);
	if (err)
		pr_err("Failed to execute %s (error %d)\n", path, err);
	return err;
}

static int init_main(void *arg)
{
	const struct cmdline *cl = &kernel_cmdline;
	static const char *const fallback[] = { "/sbin/init", "/etc/init", "/bin/init", "/bin/sh" };

	init_unpack_initramfs();
	init_open_console();
	if (!init_try(cl->rdinit ? cl->rdinit : "/init"))
		return 0;
	if (cl->init && !init_try(cl->init))
		return 0;
	for (unsigned int i = 0; i < ARRAY_SIZE(fallback); i++)
		if (!init_try(fallback[i]))
			return 0;
	panic("No working init found.  Try passing init= option to kernel. "
	      "See Linux Documentation/admin-guide/init.rst for guidance.");
}

void init_start(void)
{
	process_create_init(init_main, NULL);
}
