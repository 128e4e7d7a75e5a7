/*
 * Resource-limit rules shared by setrlimit and prlimit64: the defaults the
 * first process starts with (Linux's INIT_RLIMITS plus what fork_init
 * derives from the memory size) and the checks a new limit must pass.
 * Pure functions of their arguments and the page count, so the host tests
 * run them directly.
 */
#include <ferrite/errno.h>
#include <ferrite/page_alloc.h>
#include <ferrite/rlimit.h>
#include <ferrite/sysinfo.h>
#include <linux/resource.h>

#define RLIM_INF		RLIM64_INFINITY
#define INR_OPEN_CUR		1024	/* Linux's initial NOFILE soft limit */
#define INR_OPEN_MAX		4096	/* and hard limit */
#define NR_OPEN_MAX		(1024 * 1024)	/* fs.nr_open: the highest NOFILE hard limit */
#define MQ_BYTES_MAX		819200
#define RLIMIT_THREAD_SIZE	16384	/* Linux's x86_64 THREAD_SIZE, the unit of max_threads */
#define MIN_THREADS		20
#define MAX_THREADS		0x3fffffff	/* FUTEX_TID_MASK */

uint64_t rlimit_max_threads(uint64_t total_pages)
{
	uint64_t threads;

	/* Linux's set_max_threads: a thread's stack may use an eighth of memory. */
	if (total_pages > UINT64_MAX / PAGE_SIZE)
		threads = MAX_THREADS;
	else
		threads = total_pages * PAGE_SIZE / (RLIMIT_THREAD_SIZE * 8ULL);
	if (threads < MIN_THREADS)
		threads = MIN_THREADS;
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	return threads;
}

void rlimit_defaults_for(struct rlimit64 *rlim, uint64_t total_pages)
{
	uint64_t tasks = rlimit_max_threads(total_pages) / 2;

	for (int i = 0; i < RLIM_NLIMITS; i++)
		rlim[i] = (struct rlimit64){ RLIM_INF, RLIM_INF };
	rlim[RLIMIT_STACK].rlim_cur = _STK_LIM;
	rlim[RLIMIT_CORE].rlim_cur = 0;
	rlim[RLIMIT_NPROC] = (struct rlimit64){ tasks, tasks };
	rlim[RLIMIT_NOFILE] = (struct rlimit64){ INR_OPEN_CUR, INR_OPEN_MAX };
	rlim[RLIMIT_MEMLOCK] = (struct rlimit64){ MLOCK_LIMIT, MLOCK_LIMIT };
	rlim[RLIMIT_SIGPENDING] = (struct rlimit64){ tasks, tasks };
	rlim[RLIMIT_MSGQUEUE] = (struct rlimit64){ MQ_BYTES_MAX, MQ_BYTES_MAX };
	rlim[RLIMIT_NICE] = (struct rlimit64){ 0, 0 };
	rlim[RLIMIT_RTPRIO] = (struct rlimit64){ 0, 0 };
}

void rlimit_init_defaults(struct rlimit64 *rlim)
{
	rlimit_defaults_for(rlim, page_alloc_total_pages());
}

int rlimit_check(int resource, const struct rlimit64 *old, const struct rlimit64 *new,
		 bool privileged)
{
	if (resource < 0 || resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (new->rlim_cur > new->rlim_max)
		return -EINVAL;
	if (resource == RLIMIT_NOFILE && new->rlim_max > NR_OPEN_MAX)
		return -EPERM;
	if (new->rlim_max > old->rlim_max && !privileged)
		return -EPERM;
	return 0;
}
