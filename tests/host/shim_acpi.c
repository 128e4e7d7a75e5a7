/*
 * Host shim for the ACPI table parser tests: printk, which keeps the log in
 * memory (without level prefixes) so tests can check what was reported and
 * also echoes it as TAP comments; and kmalloc/kzalloc/kfree on top of
 * malloc/calloc/free, with a switch that makes the next allocations fail.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ferrite/printk.h>
#include <ferrite/slab.h>

char *shim_acpi_log;		/* every message since shim_acpi_log_reset() */
static size_t shim_acpi_log_len;
int shim_acpi_warnings;		/* messages at KERN_WARNING or more urgent */
int shim_acpi_fail_allocs;	/* this many next allocations fail */

void shim_acpi_log_reset(void)
{
	free(shim_acpi_log);
	shim_acpi_log = NULL;
	shim_acpi_log_len = 0;
	shim_acpi_warnings = 0;
}

int vprintk(const char *fmt, va_list ap)
{
	int level = LOGLEVEL_DEFAULT;
	va_list ap2;
	char *msg;
	int n;

	if (fmt[0] == KERN_SOH[0] && fmt[1] >= '0' && fmt[1] <= '7') {
		level = fmt[1] - '0';
		fmt += 2;
	}
	if (level <= 4)
		shim_acpi_warnings++;
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return n;
	msg = malloc((size_t)n + 1);
	if (!msg)
		abort();
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	shim_acpi_log = realloc(shim_acpi_log, shim_acpi_log_len + (size_t)n + 1);
	if (!shim_acpi_log)
		abort();
	memcpy(shim_acpi_log + shim_acpi_log_len, msg, (size_t)n + 1);
	shim_acpi_log_len += (size_t)n;
	printf("# %s", msg);
	free(msg);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void *kmalloc(size_t size)
{
	if (shim_acpi_fail_allocs > 0) {
		shim_acpi_fail_allocs--;
		return NULL;
	}
	return malloc(size ? size : 1);
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(const void *p)
{
	free((void *)p);
}
