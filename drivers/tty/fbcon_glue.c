/*
 * Framebuffer console, the kernel glue: maps the boot loader's framebuffer
 * write-combining, sets up the drawing state on it and registers it as the
 * printk console "fb0". The drawing itself is in fbcon.c.
 */
#include <ferrite/fbcon.h>
#include <ferrite/errno.h>
#include <ferrite/io.h>
#include <ferrite/printk.h>

struct fbcon_console {
	struct console con;		/* [I] once registered */
	struct fbcon fc;
};

static void fbcon_console_write(struct console *con, const char *s, size_t len);

static struct fbcon_console fbcon_fb0 = {
	.con = { .name = "fb0", .write = fbcon_console_write },
};
static bool fbcon_fb0_claimed;		/* [a] fbcon_init ran or is running */

static void fbcon_console_write(struct console *con, const char *s, size_t len)
{
	struct fbcon_console *fcc = container_of(con, struct fbcon_console, con);

	fbcon_write(&fcc->fc, s, len);
}

int fbcon_init(const struct boot_framebuffer *fb)
{
	size_t size;
	void *pixels;
	int err;

	if (!fb->phys)
		return -ENODEV;
	err = fbcon_check_format(fb);
	if (err)
		return err;
	if (__atomic_exchange_n(&fbcon_fb0_claimed, true, __ATOMIC_ACQ_REL))
		return -EBUSY;
	size = (size_t)fb->pitch * fb->height;
	pixels = ioremap(fb->phys, size, IOREMAP_WC);
	if (!pixels) {
		err = -ENOMEM;
		goto out_unclaim;
	}
	err = fbcon_setup(&fbcon_fb0.fc, pixels, fb);
	if (err)
		goto out_unmap;
	console_register(&fbcon_fb0.con);
	pr_info("Console: switching to colour frame buffer device %ux%u\n", fb->width / 8,
		fb->height / 16);
	return 0;

out_unmap:
	iounmap(pixels, size);
out_unclaim:
	__atomic_store_n(&fbcon_fb0_claimed, false, __ATOMIC_RELEASE);
	return err;
}
