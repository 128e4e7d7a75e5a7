/*
 * printk: the kernel log. Each message becomes a record (sequence number,
 * level, time since boot, text) in a byte ring buffer that drops its oldest
 * records when full, and is written to every registered console in Linux's
 * format, "[    1.234567] text\n", when its level is below the console log
 * level. A KERN_CONT message extends the newest record while that one has
 * not ended with a newline.
 *
 * One spinlock, printk_lock (irqsave), covers the ring, the console list and
 * console output, so one record reaches the consoles whole, never mixed with
 * another CPU's. It is a leaf lock: console write functions run under it and
 * must neither printk nor take a lock held around printk. After
 * printk_enter_panic_mode() a CPU that cannot get the lock in bounded time
 * writes to the consoles without it.
 */
#include <ferrite/printk.h>
#include <ferrite/spinlock.h>
#include <ferrite/string.h>
#include <ferrite/time.h>
#include <arch/cpu.h>

#define LOG_OPEN	0x01	/* no newline yet: KERN_CONT may extend it */

/* Header of a record in the ring; its text_len bytes of text follow it. */
struct log_rec {
	uint64_t seq;
	uint64_t ts_ns;
	uint16_t text_len;
	uint8_t level;
	uint8_t flags;		/* LOG_OPEN */
};

BUILD_BUG_ON(PRINTK_RECORD_MAX > 0xffff);
BUILD_BUG_ON(2 * (sizeof(struct log_rec) + PRINTK_RECORD_MAX) > PRINTK_LOG_BUF_SIZE);

/* One printk call, parsed. */
struct printk_msg {
	const char *text;	/* without level prefix and final newline */
	size_t len;
	int level;		/* -1: none given */
	bool cont;		/* KERN_CONT */
	bool open;		/* did not end with a newline */
};

/* Where formatted log lines go: all consoles, one console, or a buffer. */
struct log_writer {
	void (*put)(struct log_writer *w, const char *s, size_t n);
	struct console *con;	/* put_consoles: only this one; NULL for all */
	char *buf;		/* put_buffer: stores what fits in size... */
	size_t size;
	size_t len;		/* ...and counts everything */
};

#define PANIC_LOCK_TRIES (1u << 20)

static DEFINE_SPINLOCK(printk_lock);
static uint8_t log_buf[PRINTK_LOG_BUF_SIZE];	/* [printk_lock] */
static uint64_t log_head;	/* [printk_lock] bytes ever written; next at head % size */
static uint64_t log_tail;	/* [printk_lock] start of the oldest record kept */
static uint64_t log_last;	/* [printk_lock] start of the newest record */
static bool log_last_open;	/* [printk_lock] newest record exists and is LOG_OPEN */
static int log_last_level;	/* [printk_lock] level of the newest record */
static uint64_t log_next_seq;	/* [printk_lock] */
static bool console_mid_line;	/* [printk_lock] consoles' last output lacked '\n' */
static char rec_text[PRINTK_RECORD_MAX];	/* [printk_lock] scratch for reading */
static LIST_HEAD(console_list);	/* [printk_lock] */
static int console_loglevel = CONSOLE_LOGLEVEL_DEFAULT;	/* [a] */
static bool panic_mode;		/* [a] */
static bool panic_lock_abandoned;	/* [a] a panic-mode printk gave up the lock */

static void ring_write(uint64_t pos, const void *src, size_t n)
{
	size_t off = pos % PRINTK_LOG_BUF_SIZE;
	size_t first = MIN(n, PRINTK_LOG_BUF_SIZE - off);

	memcpy(log_buf + off, src, first);
	memcpy(log_buf, (const char *)src + first, n - first);
}

static void ring_read(void *dst, uint64_t pos, size_t n)
{
	size_t off = pos % PRINTK_LOG_BUF_SIZE;
	size_t first = MIN(n, PRINTK_LOG_BUF_SIZE - off);

	memcpy(dst, log_buf + off, first);
	memcpy((char *)dst + first, log_buf, n - first);
}

static size_t rec_size(const struct log_rec *r)
{
	return sizeof(*r) + r->text_len;
}

/* Read the record at *@pos (header into @r, text into rec_text); advance. */
static void rec_fetch(uint64_t *pos, struct log_rec *r)
{
	ring_read(r, *pos, sizeof(*r));
	ring_read(rec_text, *pos + sizeof(*r), r->text_len);
	*pos += rec_size(r);
}

/* Drop the oldest records until @n more bytes fit. Needs printk_lock. */
static void ring_reserve(size_t n)
{
	struct log_rec r;

	while (log_head + n - log_tail > PRINTK_LOG_BUF_SIZE) {
		ring_read(&r, log_tail, sizeof(r));
		log_tail += rec_size(&r);
	}
}

/* Mark the newest record finished. Needs printk_lock. */
static void log_close_last(void)
{
	struct log_rec r;

	if (!log_last_open)
		return;
	ring_read(&r, log_last, sizeof(r));
	r.flags &= ~LOG_OPEN;
	ring_write(log_last, &r, sizeof(r));
	log_last_open = false;
}

/* Append a new record for @m, filling in @r. Needs printk_lock. */
static void log_store(const struct printk_msg *m, int level, struct log_rec *r)
{
	*r = (struct log_rec){
		.seq = log_next_seq++,
		.ts_ns = time_boot_ns(),
		.text_len = (uint16_t)m->len,
		.level = (uint8_t)level,
		.flags = m->open ? LOG_OPEN : 0,
	};
	ring_reserve(rec_size(r));
	ring_write(log_head, r, sizeof(*r));
	ring_write(log_head + sizeof(*r), m->text, m->len);
	log_last = log_head;
	log_head += rec_size(r);
	log_last_open = m->open;
	log_last_level = level;
}

/*
 * Append @m's text to the newest record if it is open and has room; @r gets
 * the updated header. Returns false (nothing done) otherwise. Needs the lock.
 */
static bool log_extend(const struct printk_msg *m, struct log_rec *r)
{
	if (!log_last_open)
		return false;
	ring_read(r, log_last, sizeof(*r));
	if (r->text_len + m->len > PRINTK_RECORD_MAX)
		return false;
	ring_reserve(m->len);	/* cannot reach the newest record: see BUILD_BUG_ON */
	ring_write(log_head, m->text, m->len);
	log_head += m->len;
	r->text_len = (uint16_t)(r->text_len + m->len);
	r->flags = m->open ? LOG_OPEN : 0;
	ring_write(log_last, r, sizeof(*r));
	log_last_open = m->open;
	return true;
}

static void put_consoles(struct log_writer *w, const char *s, size_t n)
{
	struct console *con;

	if (w->con) {
		w->con->write(w->con, s, n);
		return;
	}
	list_for_each_entry(con, &console_list, node)
		con->write(con, s, n);
}

static void put_buffer(struct log_writer *w, const char *s, size_t n)
{
	if (w->len < w->size)
		memcpy(w->buf + w->len, s, MIN(n, w->size - w->len));
	w->len += n;
}

/* "<level>" (syslog form only) then "[sssss.uuuuuu] ". */
static void put_prefix(struct log_writer *w, const struct log_rec *r, bool syslog)
{
	char p[48];
	int n = 0;

	if (syslog)
		n = scnprintf(p, sizeof(p), "<%u>", r->level);
	n += scnprintf(p + n, sizeof(p) - (size_t)n, "[%5llu.%06llu] ",
		       (unsigned long long)(r->ts_ns / NSEC_PER_SEC),
		       (unsigned long long)(r->ts_ns % NSEC_PER_SEC / NSEC_PER_USEC));
	w->put(w, p, (size_t)n);
}

/*
 * Write @len bytes of @r's text. A '\n' inside the text ends a line and the
 * next one gets the prefix again, as Linux prints multi-line records;
 * @line_start says whether the first piece begins a line.
 */
static void put_text(struct log_writer *w, const struct log_rec *r, const char *text,
		     size_t len, bool line_start, bool syslog)
{
	for (;;) {
		const char *nl = memchr(text, '\n', len);
		size_t seg = nl ? (size_t)(nl - text) : len;

		if (line_start)
			put_prefix(w, r, syslog);
		if (seg)
			w->put(w, text, seg);
		if (!nl)
			return;
		w->put(w, "\n", 1);
		text += seg + 1;
		len -= seg + 1;
		line_start = true;
	}
}

static bool level_shown(int level)
{
	return level < __atomic_load_n(&console_loglevel, __ATOMIC_RELAXED);
}

/* Write a new record to the consoles, ending a line left open before. */
static void console_emit_new(const struct log_rec *r, const char *text)
{
	struct log_writer w = { .put = put_consoles };

	if (!level_shown(r->level))
		return;
	if (console_mid_line)
		w.put(&w, "\n", 1);
	put_text(&w, r, text, r->text_len, true, false);
	if (!(r->flags & LOG_OPEN))
		w.put(&w, "\n", 1);
	console_mid_line = r->flags & LOG_OPEN;
}

/* Write a continuation of record @r (already updated) to the consoles. */
static void console_emit_cont(const struct log_rec *r, const char *text, size_t len)
{
	struct log_writer w = { .put = put_consoles };

	if (!level_shown(r->level))
		return;
	put_text(&w, r, text, len, !console_mid_line, false);
	if (!(r->flags & LOG_OPEN))
		w.put(&w, "\n", 1);
	console_mid_line = r->flags & LOG_OPEN;
}

/* Log @m and write it to the consoles. Needs printk_lock. */
static void log_emit(const struct printk_msg *m)
{
	struct log_rec r;
	int level = m->level >= 0 ? m->level : LOGLEVEL_DEFAULT;

	if (m->cont && log_extend(m, &r)) {
		console_emit_cont(&r, m->text, m->len);
		return;
	}
	if (m->cont && m->level < 0 && log_last_open)
		level = log_last_level;		/* continuation too long: same level */
	log_close_last();
	log_store(m, level, &r);
	console_emit_new(&r, m->text);
}

/* Panic mode without the lock: consoles only, the ring may be mid-update. */
static void log_emit_unlocked(const struct printk_msg *m)
{
	struct log_rec r = {
		.ts_ns = time_boot_ns(),
		.text_len = (uint16_t)m->len,
		.level = (uint8_t)(m->level >= 0 ? m->level : LOGLEVEL_DEFAULT),
		.flags = m->open ? LOG_OPEN : 0,
	};

	if (m->cont && console_mid_line)
		console_emit_cont(&r, m->text, m->len);
	else
		console_emit_new(&r, m->text);
}

/*
 * Split the level prefixes off @text (@full: its untruncated length) and
 * strip one final newline. A message cut at PRINTK_LINE_MAX is closed even
 * though its newline was lost.
 */
static void printk_parse(const char *text, int full, struct printk_msg *m)
{
	bool cut = full >= PRINTK_LINE_MAX;
	size_t len = cut ? PRINTK_LINE_MAX - 1 : (size_t)full;

	m->level = -1;
	m->cont = false;
	for (; len >= 2 && text[0] == KERN_SOH[0]; text += 2, len -= 2) {
		if (text[1] >= '0' && text[1] <= '7')
			m->level = text[1] - '0';
		else if (text[1] == 'd')
			m->level = LOGLEVEL_DEFAULT;
		else if (text[1] == 'c')
			m->cont = true;
		else
			break;
	}
	m->open = !cut;
	if (len && text[len - 1] == '\n') {
		len--;
		m->open = false;
	}
	m->text = text;
	m->len = len;
}

/* Take printk_lock; in panic mode give up after a while. True if taken. */
static bool printk_lock_get(unsigned long *flags)
{
	unsigned int tries = PANIC_LOCK_TRIES;

	if (!__atomic_load_n(&panic_mode, __ATOMIC_ACQUIRE)) {
		*flags = spin_lock_irqsave(&printk_lock);
		return true;
	}
	*flags = arch_irq_save();
	if (__atomic_load_n(&panic_lock_abandoned, __ATOMIC_RELAXED))
		tries = 1;	/* it did not come free before; do not stall every line */
	while (tries--) {
		if (spin_trylock(&printk_lock))
			return true;
		arch_cpu_relax();
	}
	__atomic_store_n(&panic_lock_abandoned, true, __ATOMIC_RELAXED);
	return false;
}

static void printk_lock_put(bool locked, unsigned long flags)
{
	if (locked)
		spin_unlock_irqrestore(&printk_lock, flags);
	else
		arch_irq_restore(flags);
}

int vprintk(const char *fmt, va_list ap)
{
	char text[PRINTK_LINE_MAX];
	struct printk_msg m;
	unsigned long flags;
	bool locked;

	printk_parse(text, vsnprintf(text, sizeof(text), fmt, ap), &m);
	locked = printk_lock_get(&flags);
	if (locked)
		log_emit(&m);
	else
		log_emit_unlocked(&m);
	printk_lock_put(locked, flags);
	return (int)m.len;
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

/* Write the whole log to @con alone. Needs printk_lock. */
static void console_replay(struct console *con)
{
	struct log_writer w = { .put = put_consoles, .con = con };
	uint64_t pos = log_tail;
	struct log_rec r;

	while (pos != log_head) {
		rec_fetch(&pos, &r);
		if (!level_shown(r.level))
			continue;
		put_text(&w, &r, rec_text, r.text_len, true, false);
		/* Leave the newest line open if the other consoles have it open. */
		if (!(pos == log_head && (r.flags & LOG_OPEN) && console_mid_line))
			w.put(&w, "\n", 1);
	}
}

void console_register(struct console *con)
{
	unsigned long flags;
	bool locked = printk_lock_get(&flags);

	list_add_tail(&con->node, &console_list);
	console_replay(con);
	printk_lock_put(locked, flags);
}

void console_unregister(struct console *con)
{
	unsigned long flags;
	bool locked = printk_lock_get(&flags);

	list_del(&con->node);
	printk_lock_put(locked, flags);
}

void printk_set_console_loglevel(int level)
{
	level = level < 0 ? 0 : level > 15 ? 15 : level;
	__atomic_store_n(&console_loglevel, level, __ATOMIC_RELAXED);
}

int printk_get_console_loglevel(void)
{
	return __atomic_load_n(&console_loglevel, __ATOMIC_RELAXED);
}

/* Length of record @r (text in rec_text) formatted as log lines. */
static size_t rec_formatted_len(const struct log_rec *r, bool syslog)
{
	struct log_writer w = { .put = put_buffer };

	put_text(&w, r, rec_text, r->text_len, true, syslog);
	return w.len + 1;
}

/* printk_read_all and printk_read_all_syslog. Takes printk_lock. */
static size_t log_read(char *buf, size_t size, bool syslog)
{
	struct log_writer w = { .put = put_buffer, .buf = buf, .size = size };
	struct log_rec r;
	uint64_t pos, start;
	size_t total = 0;
	unsigned long flags;
	bool locked = printk_lock_get(&flags);

	if (!locked)		/* panic mode and the ring is not ours */
		goto out;
	for (pos = log_tail; pos != log_head;) {
		rec_fetch(&pos, &r);
		total += rec_formatted_len(&r, syslog);
	}
	/* Leave out the oldest records until the rest fits (keep the newest). */
	for (start = log_tail; total > size && start != log_last;) {
		rec_fetch(&start, &r);
		total -= rec_formatted_len(&r, syslog);
	}
	for (pos = start; pos != log_head;) {
		rec_fetch(&pos, &r);
		put_text(&w, &r, rec_text, r.text_len, true, syslog);
		w.put(&w, "\n", 1);
	}
out:
	printk_lock_put(locked, flags);
	return MIN(w.len, size);
}

size_t printk_read_all(char *buf, size_t size)
{
	return log_read(buf, size, false);
}

size_t printk_read_all_syslog(char *buf, size_t size)
{
	return log_read(buf, size, true);
}

void printk_enter_panic_mode(void)
{
	__atomic_store_n(&panic_mode, true, __ATOMIC_RELEASE);
}
