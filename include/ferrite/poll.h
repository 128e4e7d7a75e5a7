/*
 * Polling (poll, ppoll, select, pselect6): a poll table collects the wait
 * queues a task sleeps on while it waits for any of several files. A
 * file's ->poll calls poll_wait(f, queue, pt) for each queue that signals
 * a change of its ready mask, then returns the mask; the table adds the
 * current task to each queue on the first pass only, and takes them all
 * off in poll_table_free. A table lives on the polling task's stack and
 * is used by that task alone.
 */
#ifndef FERRITE_POLL_H
#define FERRITE_POLL_H

#include <ferrite/vfs.h>
#include <ferrite/wait.h>

/* The mask of a file without ->poll: always readable and writable (Linux's DEFAULT_POLLMASK). */
#define POLL_DEFAULT_MASK	(POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

/* What select(2) counts as readable, writable and exceptional (Linux's POLL*_SET). */
#define POLLIN_SET	(POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLLOUT_SET	(POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLLEX_SET	(POLLPRI)

struct poll_entry {
	struct wait_entry wait;		/* on *q while registered */
	struct wait_queue *q;
	struct file *file;		/* referenced while registered */
};

struct poll_block {
	struct poll_block *next;
	unsigned int used;
	struct poll_entry entries[];
};

#define POLL_INLINE_ENTRIES	8

struct poll_table {
	bool registering;		/* poll_wait adds entries (first pass only) */
	int error;			/* -ENOMEM if an entry could not be added */
	unsigned int inline_used;
	struct poll_entry inline_entries[POLL_INLINE_ENTRIES];
	struct poll_block *blocks;	/* further entries, kmalloc'd pages */
};

void poll_table_init(struct poll_table *pt, bool registering);
/* Take the task off every queue and drop the file references. */
void poll_table_free(struct poll_table *pt);

/*
 * The ready mask of @f (POLL_DEFAULT_MASK without ->poll), registering
 * through @pt (NULL: just ask).
 */
unsigned int poll_file(struct file *f, struct poll_table *pt);

/*
 * Deadlines for poll_table_wait: POLL_NO_WAIT does one pass,
 * POLL_FOREVER never times out, anything else is a time_boot_ns().
 */
#define POLL_NO_WAIT	0ULL
#define POLL_FOREVER	UINT64_MAX

/*
 * Call @pass(@arg, @pt) until it returns non-zero (a count of ready
 * objects, or -errno), @deadline passes, or a signal is pending. The task
 * is marked sleeping before each pass, so a wake-up on a registered queue
 * during the pass is never lost. Returns the last pass's result, 0 on
 * timeout, @pt's error, or -ERESTARTNOHAND when a signal came first.
 */
long poll_table_wait(struct poll_table *pt, long (*pass)(void *arg, struct poll_table *pt),
		     void *arg, uint64_t deadline);

#endif
