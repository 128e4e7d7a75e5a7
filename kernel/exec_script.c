/*
 * The "#!" line of a script, parsed exactly as Linux's fs/binfmt_script.c
 * does it (load_script), so the same files run with the same arguments or
 * fail with the same errno. Pure: built into the kernel and into a host
 * unit test.
 */
#include <ferrite/compiler.h>
#include <ferrite/errno.h>
#include <ferrite/exec.h>
#include <ferrite/string.h>

static bool spacetab(char c)
{
	return c == ' ' || c == '\t';
}

/* First byte in [first, last] that is not a space or tab, or NULL. */
static char *next_non_spacetab(char *first, const char *last)
{
	for (; first <= last; first++)
		if (!spacetab(*first))
			return first;
	return NULL;
}

/* First space, tab or NUL in [first, last], or NULL. */
static char *next_terminator(char *first, const char *last)
{
	for (; first <= last; first++)
		if (spacetab(*first) || !*first)
			return first;
	return NULL;
}

int exec_parse_script(char *buf, size_t size, const char **interp, const char **arg)
{
	char *buf_end = buf + size - 1;
	char *i_end, *i_name, *i_sep, *i_arg = NULL;

	if (size < 3 || buf[0] != '#' || buf[1] != '!')
		return -ENOEXEC;
	/* a newline before any NUL means the line is whole (Linux's strnchr stops at NUL) */
	i_end = memchr(buf, '\n', strnlen(buf, size));
	if (!i_end) {
		i_end = next_non_spacetab(buf + 2, buf_end);
		if (!i_end)
			return -ENOEXEC;	/* nothing but spaces */
		/* no terminator after the name: it may be truncated, refuse it */
		if (!next_terminator(i_end, buf_end))
			return -ENOEXEC;
		i_end = buf_end;
	}
	while (spacetab(i_end[-1]))
		i_end--;
	i_name = next_non_spacetab(buf + 2, i_end);
	if (!i_name || i_name == i_end)
		return -ENOEXEC;	/* no interpreter */
	i_sep = next_terminator(i_name, i_end);
	if (i_sep && *i_sep)
		i_arg = next_non_spacetab(i_sep, i_end);
	*i_end = '\0';
	if (i_arg)
		*i_sep = '\0';
	*interp = i_name;
	*arg = i_arg;
	return 0;
}
