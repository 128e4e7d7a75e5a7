/*
 * Growable text buffers (see seqbuf.h). The text is kept NUL-terminated so
 * tests and callers can treat it as a C string; the NUL is not counted.
 */
#include <ferrite/errno.h>
#include <ferrite/kprintf.h>
#include <ferrite/seqbuf.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>

void seqbuf_init(struct seqbuf *sb)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->size = 0;
	sb->error = 0;
}

void seqbuf_free(struct seqbuf *sb)
{
	kfree(sb->buf);
	seqbuf_init(sb);
}

void seqbuf_reset(struct seqbuf *sb)
{
	sb->len = 0;
	sb->error = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

/* Make room for @extra more bytes plus the NUL; 0 or -ENOMEM (sticky). */
static int seqbuf_reserve(struct seqbuf *sb, size_t extra)
{
	size_t need, size;
	char *p;

	if (sb->error)
		return sb->error;
	if (extra > SEQBUF_MAX || sb->len + extra + 1 > SEQBUF_MAX)
		goto fail;
	need = sb->len + extra + 1;
	if (need <= sb->size)
		return 0;
	size = sb->size ? sb->size : 256;
	while (size < need)
		size *= 2;
	p = krealloc(sb->buf, size);
	if (!p)
		goto fail;
	sb->buf = p;
	sb->size = size;
	return 0;
fail:
	sb->error = -ENOMEM;
	return sb->error;
}

int seqbuf_write(struct seqbuf *sb, const void *data, size_t len)
{
	int err = seqbuf_reserve(sb, len);

	if (err)
		return err;
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
	return 0;
}

int seqbuf_puts(struct seqbuf *sb, const char *s)
{
	return seqbuf_write(sb, s, strlen(s));
}

int seqbuf_putc(struct seqbuf *sb, char c)
{
	return seqbuf_write(sb, &c, 1);
}

int seqbuf_vprintf(struct seqbuf *sb, const char *fmt, va_list ap)
{
	va_list aq;
	int n, err;

	/* Format into what is left; if that was too small, grow and format again. */
	err = seqbuf_reserve(sb, 0);
	if (err)
		return err;
	va_copy(aq, ap);
	n = vsnprintf(sb->buf + sb->len, sb->size - sb->len, fmt, aq);
	va_end(aq);
	if (n < 0) {
		sb->buf[sb->len] = '\0';
		return 0;
	}
	if ((size_t)n >= sb->size - sb->len) {
		err = seqbuf_reserve(sb, (size_t)n);
		if (err) {
			sb->buf[sb->len] = '\0';
			return err;
		}
		va_copy(aq, ap);
		vsnprintf(sb->buf + sb->len, sb->size - sb->len, fmt, aq);
		va_end(aq);
	}
	sb->len += (size_t)n;
	return 0;
}

int seqbuf_printf(struct seqbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = seqbuf_vprintf(sb, fmt, ap);
	va_end(ap);
	return err;
}

int seqbuf_pad(struct seqbuf *sb, size_t line_start, size_t width, char c)
{
	int err = 0;

	while (!err && sb->len < line_start + width)
		err = seqbuf_putc(sb, c);
	return err;
}
