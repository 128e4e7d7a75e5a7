/*
 * printk: the kernel log. Messages carry a Linux-style level prefix
 * (KERN_ERR ...), are stamped with the time since boot, kept in a ring
 * buffer that dmesg can read, and written to every registered console when
 * their level is below the console log level ("loglevel=" / "quiet").
 */
#ifndef FERRITE_PRINTK_H
#define FERRITE_PRINTK_H

#include <stdarg.h>
#include <ferrite/compiler.h>
#include <ferrite/list.h>

#define KERN_SOH	"\001"
#define KERN_EMERG	KERN_SOH "0"
#define KERN_ALERT	KERN_SOH "1"
#define KERN_CRIT	KERN_SOH "2"
#define KERN_ERR	KERN_SOH "3"
#define KERN_WARNING	KERN_SOH "4"
#define KERN_NOTICE	KERN_SOH "5"
#define KERN_INFO	KERN_SOH "6"
#define KERN_DEBUG	KERN_SOH "7"
#define KERN_CONT	KERN_SOH "c"

#define LOGLEVEL_DEFAULT 4	/* level of a message without a prefix */

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

#define pr_emerg(fmt, ...)  printk(KERN_EMERG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_alert(fmt, ...)  printk(KERN_ALERT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...)   printk(KERN_CRIT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)    printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)   printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)   printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)  printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_cont(fmt, ...)   printk(KERN_CONT fmt, ##__VA_ARGS__)

/* A sink for log text: serial port, framebuffer console. */
struct console {
	const char *name;					/* [I] */
	void (*write)(struct console *con, const char *s, size_t len); /* [I] */
	struct list_head node;		/* [printk_lock] */
};

#define KERN_DEFAULT	KERN_SOH "d"	/* explicitly LOGLEVEL_DEFAULT */

#define CONSOLE_LOGLEVEL_DEFAULT 7	/* consoles show levels below this */
#define CONSOLE_LOGLEVEL_QUIET	 4	/* "quiet" */
#define CONSOLE_LOGLEVEL_DEBUG	 10	/* "debug": everything */

#define PRINTK_LINE_MAX		1024	/* text of one printk, NUL included */
#define PRINTK_RECORD_MAX	1024	/* text of one record with its continuations */
#define PRINTK_LOG_BUF_SIZE	(256 * 1024)

/*
 * Log a message. A leading KERN_<LEVEL> sets its level (LOGLEVEL_DEFAULT if
 * none); KERN_CONT appends to the previous record if that one did not end in
 * a newline. The text (at most PRINTK_LINE_MAX - 1 bytes, longer is cut) goes
 * into the ring buffer with a sequence number and time_boot_ns(), and to
 * every console as "[    1.234567] text\n" if its level is below the console
 * log level. Safe from any context, interrupts included; takes printk_lock
 * (irqsave), so a console's write must not call printk. Returns the length
 * of the message text without the level prefix.
 */
int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);

/*
 * Add @con to the consoles and write the records already logged (those its
 * level filter passes) to it first, so early messages are not lost. Takes
 * printk_lock. @con must stay valid until console_unregister().
 */
void console_register(struct console *con);
/* Remove @con; printk no longer calls it once this returns. */
void console_unregister(struct console *con);

/* Console log level: consoles get records whose level is below it. [a] */
void printk_set_console_loglevel(int level);
int printk_get_console_loglevel(void);

/*
 * Copy the log as dmesg prints it, "[    0.123456] text\n" per line, oldest
 * first, into @buf of @size bytes (not NUL-terminated). When the whole log
 * does not fit, the oldest records are left out so that the newest fit, as
 * Linux's syslog(SYSLOG_ACTION_READ_ALL) does; a single record larger than
 * @size is cut. Returns the number of bytes stored. Takes printk_lock.
 */
size_t printk_read_all(char *buf, size_t size);
/* The same with each line prefixed by "<level>", as "dmesg -r" shows it. */
size_t printk_read_all_syslog(char *buf, size_t size);

/*
 * From now on printk does not wait for printk_lock forever: the CPU holding
 * it may have crashed. After a bounded number of attempts it writes to the
 * consoles without the lock (and without logging to the ring buffer, whose
 * state cannot be trusted). Called by panic and fatal-exception paths; there
 * is no way back.
 */
void printk_enter_panic_mode(void);

/* Print once per call site (for "not supported yet" lines that user space could repeat). */
#define pr_info_once(...)						      \
	({								      \
		static bool __printed;					      \
		if (!__atomic_exchange_n(&__printed, true, __ATOMIC_RELAXED))	      \
			pr_info(__VA_ARGS__);				      \
	})

#endif
