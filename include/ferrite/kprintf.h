/*
 * Formatted output into memory (lib/vsprintf.c): C's printf conversions
 * without floating point, which the kernel cannot use (no SSE state).
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%, flags - 0 + space #, width and
 * precision (also as *), length modifiers hh h l ll z t j. %s of NULL prints
 * "(null)"; %p prints 0x-prefixed hex like glibc ("(nil)" for NULL). An
 * unknown conversion is copied to the output as written and consumes no
 * argument. %n is not supported (it is treated as unknown).
 */
#ifndef FERRITE_KPRINTF_H
#define FERRITE_KPRINTF_H

#include <stdarg.h>
#include <ferrite/compiler.h>

/*
 * Format into @buf of @size bytes. The output is always NUL-terminated when
 * @size > 0. Returns the length the full output would have had (excluding
 * the NUL), as C's vsnprintf; the output was truncated when that is >= @size.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/*
 * As vsnprintf/snprintf but return the number of characters actually stored
 * in @buf (excluding the NUL): 0 when @size is 0, at most @size - 1. Handy
 * for appending: pos += scnprintf(buf + pos, size - pos, ...).
 */
int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int scnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
