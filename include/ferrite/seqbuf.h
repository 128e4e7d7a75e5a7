/*
 * Growable text buffers for generated files (/proc): a generator appends
 * with seqbuf_printf/puts/putc/write and never worries about sizes; the
 * buffer doubles (kmalloc/krealloc) as needed up to SEQBUF_MAX bytes. An
 * allocation failure or the cap makes the buffer sticky-failed: later
 * appends do nothing and seqbuf_error() reports -ENOMEM, so generators can
 * append freely and check once at the end.
 *
 * A seqbuf is owned by one thread at a time: it has no lock of its own.
 */
#ifndef FERRITE_SEQBUF_H
#define FERRITE_SEQBUF_H

#include <stdarg.h>
#include <ferrite/compiler.h>

#define SEQBUF_MAX	(64UL << 20)	/* no generated file is larger than 64 MiB */

struct seqbuf {
	char *buf;		/* kmalloc'd, NUL-terminated when non-NULL */
	size_t len;		/* bytes of text */
	size_t size;		/* bytes allocated */
	int error;		/* 0 or -ENOMEM, sticky */
};

#define SEQBUF_INIT { NULL, 0, 0, 0 }

void seqbuf_init(struct seqbuf *sb);
/* Free the text and reset @sb to empty (and not failed). */
void seqbuf_free(struct seqbuf *sb);
/* Empty the text but keep the memory; clears a failure. */
void seqbuf_reset(struct seqbuf *sb);

/* Append; each returns 0 or -ENOMEM (also when an earlier append failed). */
int seqbuf_write(struct seqbuf *sb, const void *data, size_t len);
int seqbuf_puts(struct seqbuf *sb, const char *s);
int seqbuf_putc(struct seqbuf *sb, char c);
int seqbuf_printf(struct seqbuf *sb, const char *fmt, ...) __printf(2, 3);
int seqbuf_vprintf(struct seqbuf *sb, const char *fmt, va_list ap);
/* Append @c until the text since offset @line_start is @width bytes long. */
int seqbuf_pad(struct seqbuf *sb, size_t line_start, size_t width, char c);

/* 0, or -ENOMEM if some append failed. */
static inline int seqbuf_error(const struct seqbuf *sb)
{
	return sb->error;
}

/* The text (never NULL; "" when empty). */
static inline const char *seqbuf_text(const struct seqbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

#endif
