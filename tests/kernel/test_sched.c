/*
 * In-kernel tests of the scheduler: kernel threads start and end, wait
 * queues hand over a condition, a mutex keeps a counter exact under
 * contention from threads on every CPU, sleeps last at least as asked,
 * timers fire, affinity pins a thread to one CPU.
 */
#include <ferrite/errno.h>
#include <ferrite/ktest.h>
#include <ferrite/mutex.h>
#include <ferrite/sched.h>
#include <ferrite/time.h>
#include <ferrite/wait.h>
#include <arch/percpu.h>

#define MUTEX_THREADS	4
#define MUTEX_ROUNDS	500

static struct wait_queue test_wq = WAIT_QUEUE_INIT(test_wq);
static int test_flag;
static int test_done;

static int test_set_flag(void *arg)
{
	sched_sleep_ns(2000000, NULL);
	__atomic_store_n(&test_flag, (int)(long)arg, __ATOMIC_RELEASE);
	wake_up(&test_wq);
	return 1;
}

KTEST(sched_kthread_wait_queue)
{
	struct task *t;

	test_flag = 0;
	t = kthread_create("ktest-flag", test_set_flag, (void *)42L);
	KEXPECT(!IS_ERR(t));
	wait_event(test_wq, __atomic_load_n(&test_flag, __ATOMIC_ACQUIRE) != 0);
	KEXPECT_EQ(test_flag, 42);
	task_put(t);
}

static DEFINE_MUTEX(test_mutex);
static long test_counter;

static int test_mutex_worker(void *arg)
{
	for (int i = 0; i < MUTEX_ROUNDS; i++) {
		mutex_lock(&test_mutex);
		long v = test_counter;

		if (i % 7 == 0)
			sched_yield_current();	/* let others contend while we hold it */
		test_counter = v + 1;
		mutex_unlock(&test_mutex);
	}
	__atomic_fetch_add(&test_done, 1, __ATOMIC_RELEASE);
	wake_up(&test_wq);
	return 1;
}

KTEST(sched_mutex_contention)
{
	struct task *t[MUTEX_THREADS];

	test_counter = 0;
	test_done = 0;
	for (int i = 0; i < MUTEX_THREADS; i++)
		t[i] = kthread_create("ktest-mutex", test_mutex_worker, NULL);
	wait_event(test_wq, __atomic_load_n(&test_done, __ATOMIC_ACQUIRE) == MUTEX_THREADS);
	KEXPECT_EQ(test_counter, MUTEX_THREADS * MUTEX_ROUNDS);
	for (int i = 0; i < MUTEX_THREADS; i++)
		if (!IS_ERR(t[i]))
			task_put(t[i]);
}

KTEST(sched_sleep_duration)
{
	uint64_t t0 = time_boot_ns();

	KEXPECT_EQ(sched_sleep_ns(10000000, NULL), 0);
	KEXPECT(time_boot_ns() - t0 >= 10000000);
	KEXPECT(time_boot_ns() - t0 < 1000000000);
}

static void test_timer_fn(struct ktimer *kt)
{
	__atomic_store_n((int *)kt->data, 1, __ATOMIC_RELEASE);
}

KTEST(sched_timer_fires_and_cancels)
{
	struct ktimer a, b;
	int fired_a = 0, fired_b = 0;

	ktimer_init(&a, test_timer_fn, &fired_a);
	ktimer_init(&b, test_timer_fn, &fired_b);
	ktimer_start(&a, time_boot_ns() + 3000000);
	ktimer_start(&b, time_boot_ns() + 5000000);
	KEXPECT(ktimer_cancel(&b));
	sched_sleep_ns(10000000, NULL);
	KEXPECT_EQ(__atomic_load_n(&fired_a, __ATOMIC_ACQUIRE), 1);
	KEXPECT_EQ(fired_b, 0);
	KEXPECT(!ktimer_cancel(&a));
}

static int test_pinned_cpu;

static int test_pinned(void *arg)
{
	struct cpumask m = { 0 };

	cpumask_set(&m, nr_cpus - 1);
	if (sched_set_affinity(current, &m) == 0) {
		for (int i = 0; i < 5; i++)
			sched_yield_current();
		__atomic_store_n(&test_pinned_cpu, this_cpu_id() + 1, __ATOMIC_RELEASE);
	}
	wake_up(&test_wq);
	return 1;
}

KTEST(sched_affinity_pins)
{
	struct task *t;

	test_pinned_cpu = 0;
	t = kthread_create("ktest-pin", test_pinned, NULL);
	wait_event(test_wq, __atomic_load_n(&test_pinned_cpu, __ATOMIC_ACQUIRE) != 0);
	KEXPECT_EQ(test_pinned_cpu, nr_cpus);
	if (!IS_ERR(t))
		task_put(t);
}
