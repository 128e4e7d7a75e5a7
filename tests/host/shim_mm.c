/*
 * Host shim for the memory-management unit tests: printk and vprintk for
 * host builds. Messages go to stdout prefixed with "# " so they read as TAP
 * comments; each is counted by its level (see shim_mm.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <ferrite/printk.h>
#include "shim_mm.h"

int shim_mm_errors;
int shim_mm_warnings;
int shim_mm_infos;

int vprintk(const char *fmt, va_list ap)
{
	int level = LOGLEVEL_DEFAULT;

	if (fmt[0] == KERN_SOH[0] && fmt[1] >= '0' && fmt[1] <= '7') {
		level = fmt[1] - '0';
		fmt += 2;
	}
	if (level <= 3)
		shim_mm_errors++;
	else if (level == 4)
		shim_mm_warnings++;
	else
		shim_mm_infos++;
	fputs("# ", stdout);
	return vprintf(fmt, ap);
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

/*
 * Line-buffer stdout: LeakSanitizer ends a leaking test program with _exit,
 * which would otherwise drop the TAP lines still sitting in the buffer.
 */
__attribute__((constructor)) static void shim_mm_line_buffered(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}
