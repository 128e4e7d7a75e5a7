/*
 * vsnprintf and friends: C99 printf formatting into a bounded buffer,
 * without floating point. Output goes through a small cursor that counts
 * every character the full result would have and stores only those that fit,
 * so truncation and the C return value fall out of one code path.
 *
 * Behaviour follows C99 7.19.6.1 and, where C leaves it to the library
 * (%p, "(null)"), glibc's choices, so the host tests can compare against the
 * host's snprintf.
 */
#include <ferrite/kprintf.h>
#include <ferrite/string.h>

#define F_LEFT	0x01	/* '-': pad on the right */
#define F_ZERO	0x02	/* '0': pad numbers with zeros */
#define F_PLUS	0x04	/* '+': sign on non-negative numbers */
#define F_SPACE	0x08	/* ' ': space on non-negative numbers */
#define F_ALT	0x10	/* '#': 0x / leading 0 */

enum fmt_length { LEN_INT, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

struct fmt_spec {
	unsigned int flags;
	int width;		/* 0 if none */
	int prec;		/* -1 if none */
	enum fmt_length length;
	char conv;
};

struct fmt_out {
	char *buf;
	size_t size;		/* capacity of buf, including the NUL */
	size_t len;		/* characters the whole output has so far */
};

static void out_char(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_repeat(struct fmt_out *o, char c, size_t n)
{
	while (n--)
		out_char(o, c);
}

static void out_mem(struct fmt_out *o, const char *s, size_t n)
{
	while (n--)
		out_char(o, *s++);
}

/* Read a decimal field (width/precision), saturating instead of overflowing. */
static int parse_decimal(const char **fmt)
{
	int v = 0;

	for (; ascii_isdigit(**fmt); (*fmt)++) {
		int d = **fmt - '0';

		v = v > (__INT_MAX__ - d) / 10 ? __INT_MAX__ : v * 10 + d;
	}
	return v;
}

static const char *parse_flags(const char *fmt, struct fmt_spec *sp)
{
	for (;; fmt++) {
		switch (*fmt) {
		case '-': sp->flags |= F_LEFT; break;
		case '0': sp->flags |= F_ZERO; break;
		case '+': sp->flags |= F_PLUS; break;
		case ' ': sp->flags |= F_SPACE; break;
		case '#': sp->flags |= F_ALT; break;
		default: return fmt;
		}
	}
}

/* Width and precision, either digits or '*' taken from the arguments. */
static const char *parse_width_prec(const char *fmt, struct fmt_spec *sp, va_list *ap)
{
	if (*fmt == '*') {
		int w = va_arg(*ap, int);

		fmt++;
		if (w < 0) {
			sp->flags |= F_LEFT;
			w = w == -__INT_MAX__ - 1 ? __INT_MAX__ : -w;
		}
		sp->width = w;
	} else {
		sp->width = parse_decimal(&fmt);
	}
	if (*fmt != '.')
		return fmt;
	fmt++;
	if (*fmt == '*') {
		int p = va_arg(*ap, int);

		fmt++;
		sp->prec = p < 0 ? -1 : p;	/* negative: as if omitted */
	} else {
		sp->prec = parse_decimal(&fmt);
	}
	return fmt;
}

static const char *parse_length(const char *fmt, struct fmt_spec *sp)
{
	switch (*fmt) {
	case 'h':
		if (fmt[1] == 'h') {
			sp->length = LEN_HH;
			return fmt + 2;
		}
		sp->length = LEN_H;
		return fmt + 1;
	case 'l':
		if (fmt[1] == 'l') {
			sp->length = LEN_LL;
			return fmt + 2;
		}
		sp->length = LEN_L;
		return fmt + 1;
	case 'z': sp->length = LEN_Z; return fmt + 1;
	case 't': sp->length = LEN_T; return fmt + 1;
	case 'j': sp->length = LEN_J; return fmt + 1;
	default: return fmt;
	}
}

/*
 * Parse one conversion specification; @fmt points just after the '%'.
 * Returns the position after it; sp->conv is 0 if the format ended early.
 */
static const char *parse_spec(const char *fmt, struct fmt_spec *sp, va_list *ap)
{
	sp->flags = 0;
	sp->width = 0;
	sp->prec = -1;
	sp->length = LEN_INT;
	fmt = parse_flags(fmt, sp);
	fmt = parse_width_prec(fmt, sp, ap);
	fmt = parse_length(fmt, sp);
	sp->conv = *fmt;
	return *fmt ? fmt + 1 : fmt;
}

static long long fetch_signed(enum fmt_length len, va_list *ap)
{
	switch (len) {
	case LEN_HH: return (signed char)va_arg(*ap, int);
	case LEN_H: return (short)va_arg(*ap, int);
	case LEN_L: return va_arg(*ap, long);
	case LEN_LL: return va_arg(*ap, long long);
	case LEN_Z: return va_arg(*ap, __PTRDIFF_TYPE__);	/* ssize_t */
	case LEN_T: return va_arg(*ap, __PTRDIFF_TYPE__);
	case LEN_J: return va_arg(*ap, __INTMAX_TYPE__);
	default: return va_arg(*ap, int);
	}
}

static unsigned long long fetch_unsigned(enum fmt_length len, va_list *ap)
{
	switch (len) {
	case LEN_HH: return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H: return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L: return va_arg(*ap, unsigned long);
	case LEN_LL: return va_arg(*ap, unsigned long long);
	case LEN_Z: return va_arg(*ap, __SIZE_TYPE__);
	case LEN_T: return (__SIZE_TYPE__)va_arg(*ap, __PTRDIFF_TYPE__);
	case LEN_J: return va_arg(*ap, __UINTMAX_TYPE__);
	default: return va_arg(*ap, unsigned int);
	}
}

/* Write @n digits of @v in @base into the end of @tmp; returns the count. */
static int to_digits(char *tmp, int size, unsigned long long v, unsigned int base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		tmp[size - 1 - n++] = digits[v % base];
		v /= base;
	} while (v);
	return n;
}

/*
 * Emit a number: @prefix is the sign and/or "0x" to put before the digits.
 * Precision gives the minimum digit count (and turns off zero padding); an
 * explicit precision of 0 prints no digits for the value 0.
 */
static void emit_number(struct fmt_out *o, const struct fmt_spec *sp, unsigned long long v,
			unsigned int base, const char *prefix)
{
	char tmp[24];
	int ndigits = 0, zeros, plen = (int)strlen(prefix), body, pad;

	if (v != 0 || sp->prec != 0)
		ndigits = to_digits(tmp, sizeof(tmp), v, base, sp->conv == 'X');
	zeros = sp->prec > ndigits ? sp->prec - ndigits : 0;
	/* '#' with 'o' makes the first digit a 0, adding one only if needed. */
	if ((sp->flags & F_ALT) && base == 8 && zeros == 0 &&
	    (ndigits == 0 || tmp[sizeof(tmp) - ndigits] != '0'))
		zeros = 1;
	body = plen + zeros + ndigits;
	pad = sp->width > body ? sp->width - body : 0;
	if (!(sp->flags & F_LEFT) && !((sp->flags & F_ZERO) && sp->prec < 0)) {
		out_repeat(o, ' ', (size_t)pad);
		pad = 0;
	}
	out_mem(o, prefix, (size_t)plen);
	if (!(sp->flags & F_LEFT)) {
		zeros += pad;		/* zero padding goes after the sign */
		pad = 0;
	}
	out_repeat(o, '0', (size_t)zeros);
	out_mem(o, tmp + sizeof(tmp) - ndigits, (size_t)ndigits);
	out_repeat(o, ' ', (size_t)pad);
}

/* The sign prefix for a signed conversion: "-", "+", " " or "". */
static const char *sign_prefix(const struct fmt_spec *sp, bool negative)
{
	if (negative)
		return "-";
	if (sp->flags & F_PLUS)
		return "+";
	if (sp->flags & F_SPACE)
		return " ";
	return "";
}

static void fmt_integer(struct fmt_out *o, const struct fmt_spec *sp, va_list *ap)
{
	unsigned long long v;

	switch (sp->conv) {
	case 'd':
	case 'i': {
		long long sv = fetch_signed(sp->length, ap);

		v = sv < 0 ? 0 - (unsigned long long)sv : (unsigned long long)sv;
		emit_number(o, sp, v, 10, sign_prefix(sp, sv < 0));
		return;
	}
	case 'u':
		emit_number(o, sp, fetch_unsigned(sp->length, ap), 10, "");
		return;
	case 'o':
		emit_number(o, sp, fetch_unsigned(sp->length, ap), 8, "");
		return;
	default:	/* 'x', 'X' */
		v = fetch_unsigned(sp->length, ap);
		if ((sp->flags & F_ALT) && v)
			emit_number(o, sp, v, 16, sp->conv == 'X' ? "0X" : "0x");
		else
			emit_number(o, sp, v, 16, "");
	}
}

/* Emit @s of @len characters padded with spaces to the field width. */
static void emit_padded(struct fmt_out *o, const struct fmt_spec *sp, const char *s, size_t len)
{
	size_t pad = (size_t)sp->width > len ? (size_t)sp->width - len : 0;

	if (!(sp->flags & F_LEFT))
		out_repeat(o, ' ', pad);
	out_mem(o, s, len);
	if (sp->flags & F_LEFT)
		out_repeat(o, ' ', pad);
}

static void fmt_string(struct fmt_out *o, const struct fmt_spec *sp, const char *s)
{
	size_t len;

	if (!s)		/* glibc: "(null)", or nothing if the precision cuts it */
		s = sp->prec < 0 || sp->prec >= 6 ? "(null)" : "";
	len = sp->prec < 0 ? strlen(s) : strnlen(s, (size_t)sp->prec);
	emit_padded(o, sp, s, len);
}

/* %p as glibc: "(nil)" for NULL, else like %#lx (sign flags honoured). */
static void fmt_pointer(struct fmt_out *o, const struct fmt_spec *sp, const void *p)
{
	const char *prefix = "0x";

	if (!p) {
		emit_padded(o, sp, "(nil)", 5);
		return;
	}
	if (sp->flags & F_PLUS)
		prefix = "+0x";
	else if (sp->flags & F_SPACE)
		prefix = " 0x";
	emit_number(o, sp, (uintptr_t)p, 16, prefix);
}

/* Emit one conversion; false if @sp->conv is not one we know. */
static bool fmt_one(struct fmt_out *o, const struct fmt_spec *sp, va_list *ap)
{
	char c;

	switch (sp->conv) {
	case 'd': case 'i': case 'u': case 'o': case 'x': case 'X':
		fmt_integer(o, sp, ap);
		return true;
	case 'c':
		c = (char)va_arg(*ap, int);
		emit_padded(o, sp, &c, 1);
		return true;
	case 's':
		fmt_string(o, sp, va_arg(*ap, const char *));
		return true;
	case 'p':
		fmt_pointer(o, sp, va_arg(*ap, const void *));
		return true;
	case '%':
		out_char(o, '%');
		return true;
	default:
		return false;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { .buf = buf, .size = size, .len = 0 };
	struct fmt_spec sp;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;

		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &args);
		if (!fmt_one(&o, &sp, &args))	/* unknown: copy it as written */
			out_mem(&o, start, (size_t)(fmt - start));
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > __INT_MAX__ ? __INT_MAX__ : (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);

	if (size == 0)
		return 0;
	return (size_t)n < size ? n : (int)(size - 1);
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
