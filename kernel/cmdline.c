/*
 * Kernel command line parsing with Linux's rules (what a parameter is, how
 * quotes work, what "--" means, what reaches init); the contract and the list
 * of parameters are in the header. Parameters are cut out of a private copy
 * in place, so the parser needs no memory of its own.
 */
#include <ferrite/cmdline.h>
#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <ferrite/string.h>

/*
 * One parameter the kernel consumes: either a handler, or (set == NULL) a
 * field of struct cmdline at @field to store the value (a const char *) or,
 * for a bare word, true (a bool).
 */
struct cmdline_key {
	const char *name;
	bool has_value;		/* "name=value"; else the bare word "name" */
	void (*set)(struct cmdline *cl, char *val);
	size_t field;
};

static __printf(2, 3) void cmdline_warn(struct cmdline *cl, const char *fmt, ...)
{
	va_list ap;

	if (cl->nr_warnings == CMDLINE_MAX_WARNINGS) {
		cl->warnings_dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(cl->warnings[cl->nr_warnings++], CMDLINE_WARNING_LEN, fmt, ap);
	va_end(ap);
}

/* Parse an int for @key or warn and return false. */
static bool parse_int(struct cmdline *cl, const char *key, const char *val, int *out)
{
	if (kstrtoint(val, 0, out) == 0)
		return true;
	cmdline_warn(cl, "Malformed option '%s=%s', ignored", key, val);
	return false;
}

static void set_console(struct cmdline *cl, char *val)
{
	if (cl->nr_consoles == CMDLINE_MAX_CONSOLES) {
		cmdline_warn(cl, "Too many console= options, 'console=%s' ignored", val);
		return;
	}
	cl->console[cl->nr_consoles++] = val;
}

static void set_ro(struct cmdline *cl, char *val)
{
	(void)val;
	cl->root_mode = CMDLINE_ROOT_RO;
}

static void set_rw(struct cmdline *cl, char *val)
{
	(void)val;
	cl->root_mode = CMDLINE_ROOT_RW;
}

static void set_ignore(struct cmdline *cl, char *val)
{
	(void)cl;
	(void)val;
}

static void set_quiet(struct cmdline *cl, char *val)
{
	(void)val;
	cl->loglevel = CONSOLE_LOGLEVEL_QUIET;
}

static void set_debug(struct cmdline *cl, char *val)
{
	(void)val;
	cl->loglevel = CONSOLE_LOGLEVEL_DEBUG;
}

static void set_loglevel(struct cmdline *cl, char *val)
{
	int level;

	if (!parse_int(cl, "loglevel", val, &level))
		return;
	if (level < 0 || level > 15) {
		cmdline_warn(cl, "loglevel=%d out of range 0..15, ignored", level);
		return;
	}
	cl->loglevel = level;
}

static void set_panic(struct cmdline *cl, char *val)
{
	int secs;

	if (parse_int(cl, "panic", val, &secs))
		cl->panic_timeout = secs;
}

static void set_maxcpus(struct cmdline *cl, char *val)
{
	int n;

	if (!parse_int(cl, "maxcpus", val, &n))
		return;
	if (n < 0) {
		cmdline_warn(cl, "maxcpus=%d is negative, ignored", n);
		return;
	}
	cl->maxcpus = n;
}

static void set_ktest_all(struct cmdline *cl, char *val)
{
	(void)val;
	cl->ktest = true;
	cl->ktest_filter = "";
}

static void set_ktest_filter(struct cmdline *cl, char *val)
{
	cl->ktest = true;
	cl->ktest_filter = val;
}

static void set_acpi(struct cmdline *cl, char *val)
{
	if (strcmp(val, "off") == 0)
		cl->acpi_off = true;
	else
		cmdline_warn(cl, "acpi=%s is not supported (only acpi=off), ignored", val);
}

#define KEY_FN(n, v, fn)	{ .name = (n), .has_value = (v), .set = (fn) }
#define KEY_STR(n, f)	{ .name = (n), .has_value = true, .field = CL_FIELD(f) }
#define KEY_FLAG(n, f)	{ .name = (n), .has_value = false, .field = CL_FIELD(f) }
#define CL_FIELD(f)	offsetof(struct cmdline, f)

static const struct cmdline_key cmdline_keys[] = {
	KEY_FN("console", true, set_console),
	KEY_STR("init", init),
	KEY_STR("rdinit", rdinit),
	KEY_STR("root", root),
	KEY_STR("rootfstype", rootfstype),
	KEY_STR("ip", ip),
	KEY_FLAG("rootwait", rootwait),
	KEY_FN("ro", false, set_ro),
	KEY_FN("rw", false, set_rw),
	KEY_FN("quiet", false, set_quiet),
	KEY_FN("debug", false, set_debug),
	KEY_FN("loglevel", true, set_loglevel),
	KEY_FN("panic", true, set_panic),
	KEY_FN("ktest", false, set_ktest_all),
	KEY_FN("ktest", true, set_ktest_filter),
	KEY_STR("ktest.fault", ktest_fault),
	KEY_FLAG("nosmp", nosmp),
	KEY_FN("maxcpus", true, set_maxcpus),
	KEY_FN("acpi", true, set_acpi),
	KEY_FN("earlyprintk", false, set_ignore),
	KEY_FN("earlyprintk", true, set_ignore),
};

/* Apply known parameter @k with value @val (NULL for a bare word). */
static void key_apply(struct cmdline *cl, const struct cmdline_key *k, char *val)
{
	char *field = (char *)cl + k->field;

	if (k->set)
		k->set(cl, val);
	else if (k->has_value)
		*(const char **)field = val;
	else
		*(bool *)field = true;
}

/*
 * The entry for @key (of @len bytes) in the form given (@has_value). If only
 * the other form exists, *@wrong_form is set and NULL returned.
 */
static const struct cmdline_key *find_key(const char *key, size_t len, bool has_value,
					  bool *wrong_form)
{
	const struct cmdline_key *k;

	*wrong_form = false;
	for (k = cmdline_keys; k < cmdline_keys + ARRAY_SIZE(cmdline_keys); k++) {
		if (strlen(k->name) != len || strncmp(k->name, key, len) != 0)
			continue;
		if (k->has_value == has_value)
			return k;
		*wrong_form = true;
	}
	return NULL;
}

static void add_init_arg(struct cmdline *cl, const char *param)
{
	if (cl->init_argc == MAX_INIT_ARGS - 1) {
		cmdline_warn(cl, "Too many boot init args, '%s' dropped", param);
		return;
	}
	cl->init_argv[cl->init_argc++] = param;
	cl->init_argv[cl->init_argc] = NULL;
}

/* Add "key=value" @param (key of @keylen bytes), replacing the same key. */
static void add_init_env(struct cmdline *cl, const char *param, size_t keylen)
{
	int i;

	for (i = 0; i < cl->init_envc; i++) {
		if (strncmp(cl->init_envp[i], param, keylen + 1) == 0) {
			cl->init_envp[i] = param;
			return;
		}
	}
	if (cl->init_envc == MAX_INIT_ENVS) {
		cmdline_warn(cl, "Too many boot env vars, '%s' dropped", param);
		return;
	}
	cl->init_envp[cl->init_envc++] = param;
	cl->init_envp[cl->init_envc] = NULL;
}

/* A parameter the kernel does not know: to init, unless a module's. */
static void handle_unknown(struct cmdline *cl, const char *param, const char *eq)
{
	size_t keylen = eq ? (size_t)(eq - param) : strlen(param);

	if (memchr(param, '.', keylen))
		return;			/* module.param: no module here takes it */
	if (cl->nr_unknown < CMDLINE_MAX_UNKNOWN)
		cl->unknown[cl->nr_unknown++] = param;
	if (eq)
		add_init_env(cl, param, keylen);
	else
		add_init_arg(cl, param);
}

/* Handle one parameter before "--"; @eq is its first '=' or NULL. */
static void handle_param(struct cmdline *cl, char *param, char *eq)
{
	size_t keylen = eq ? (size_t)(eq - param) : strlen(param);
	const struct cmdline_key *k;
	bool wrong_form;

	k = find_key(param, keylen, eq != NULL, &wrong_form);
	if (k) {
		key_apply(cl, k, eq ? eq + 1 : NULL);
		return;
	}
	if (wrong_form && !eq) {
		cmdline_warn(cl, "Option '%s' needs a value, ignored", param);
		return;
	}
	handle_unknown(cl, param, eq);
}

/*
 * Remove the quotes of @p (@len bytes, NUL-terminated): a closing quote when
 * the whole parameter was quoted (@quoted), and the quotes around a value
 * ("key=\"a b\"" gives key=a b). Returns the new length.
 */
static size_t unquote(char *p, size_t len, bool quoted, char *eq)
{
	if (quoted && len && p[len - 1] == '"')
		p[--len] = '\0';
	if (eq && eq[1] == '"') {
		memmove(eq + 1, eq + 2, len - (size_t)(eq + 2 - p) + 1);
		len--;
		if (p + len - 1 > eq && p[len - 1] == '"')
			p[--len] = '\0';
	}
	return len;
}

/*
 * Cut the next parameter out of the text at *@pos: skip white space, then run
 * to the next white space outside double quotes. Returns it NUL-terminated
 * and unquoted, with *@eq at its first '=' (NULL if none) and *@pos after it;
 * NULL at the end of the text.
 */
static char *next_param(struct cmdline *cl, char **pos, char **eq)
{
	char *p = *pos, *end;
	bool in_quote = false, quoted = false;

	while (ascii_isspace(*p))
		p++;
	if (!*p)
		return NULL;
	if (*p == '"') {
		p++;
		in_quote = quoted = true;
	}
	*eq = NULL;
	for (end = p; *end && (in_quote || !ascii_isspace(*end)); end++) {
		if (*end == '=' && !*eq && end != p)
			*eq = end;
		if (*end == '"')
			in_quote = !in_quote;
	}
	*pos = *end ? end + 1 : end;
	*end = '\0';
	if (in_quote)
		cmdline_warn(cl, "Unterminated quote in parameter '%s'", p);
	unquote(p, (size_t)(end - p), quoted, *eq);
	return p;
}

/* Empty everything and set the defaults Linux starts from. */
static void cmdline_init(struct cmdline *cl)
{
	memset(cl, 0, sizeof(*cl));
	cl->loglevel = -1;
	cl->maxcpus = -1;
	cl->init_envp[cl->init_envc++] = "HOME=/";
	cl->init_envp[cl->init_envc++] = "TERM=linux";
}

int cmdline_parse(struct cmdline *cl, const char *text)
{
	size_t len = text ? strnlen(text, COMMAND_LINE_SIZE) : 0;
	bool after_dashes = false;
	char *pos, *param, *eq;
	int ret = 0;

	cmdline_init(cl);
	if (len == COMMAND_LINE_SIZE) {
		len = COMMAND_LINE_SIZE - 1;
		cmdline_warn(cl, "Command line longer than %d bytes, truncated",
			     COMMAND_LINE_SIZE - 1);
		ret = -E2BIG;
	}
	memcpy(cl->saved, text ? text : "", len);
	memcpy(cl->buf, cl->saved, len + 1);
	pos = cl->buf;
	while ((param = next_param(cl, &pos, &eq)) != NULL) {
		if (after_dashes)
			add_init_arg(cl, param);
		else if (!eq && strcmp(param, "--") == 0)
			after_dashes = true;
		else if (*param)
			handle_param(cl, param, eq);
	}
	return ret;
}

void cmdline_report(const struct cmdline *cl)
{
	int i;

	for (i = 0; i < cl->nr_warnings; i++)
		pr_warn("%s\n", cl->warnings[i]);
	if (cl->warnings_dropped)
		pr_warn("... and %d more command line warnings\n", cl->warnings_dropped);
	if (!cl->nr_unknown)
		return;
	pr_notice("Unknown kernel command line parameters \"");
	for (i = 0; i < cl->nr_unknown; i++)
		pr_cont("%s%s", i ? " " : "", cl->unknown[i]);
	pr_cont("\", will be passed to user space.\n");
}
