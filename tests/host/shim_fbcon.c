/*
 * Host stand-ins for what the framebuffer console's kernel glue calls:
 * ioremap (the identity, since test "physical memory" is a host buffer) and
 * console_register, both recording their arguments for test_fbcon.c.
 */
#include <ferrite/io.h>
#include <ferrite/printk.h>
#include <arch/memlayout.h>

struct console *shim_fbcon_console;	/* last console registered */
uint64_t shim_fbcon_map_phys;		/* last ioremap's arguments */
size_t shim_fbcon_map_size;
int shim_fbcon_map_mode = -1;
int shim_fbcon_map_fail;		/* make ioremap return NULL */
int shim_fbcon_unmaps;			/* iounmap calls */

void *ioremap(uint64_t phys, size_t size, int mode)
{
	shim_fbcon_map_phys = phys;
	shim_fbcon_map_size = size;
	shim_fbcon_map_mode = mode;
	return shim_fbcon_map_fail ? NULL : phys_to_virt(phys);
}

void iounmap(void *addr, size_t size)
{
	(void)addr;
	(void)size;
	shim_fbcon_unmaps++;
}

void console_register(struct console *con)
{
	shim_fbcon_console = con;
}

/* fbcon_init announces the console; the tests do not look at the text. */
int printk(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}
