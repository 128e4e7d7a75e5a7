/*
 * The scheduler: one run queue per CPU, fair sharing by weighted virtual
 * run time (a small CFS: the runnable task with the least vruntime runs;
 * nice levels scale how fast vruntime grows), preemption at the timer tick
 * (taken on the way back to user space, or in the idle loop), wake-ups that
 * place a task on an idle CPU its affinity allows, and idle CPUs that pull
 * waiting tasks from busy ones.
 *
 * Locking: each run queue has a lock (irqsave). A task's pi_lock serializes
 * wake-ups of it; order: pi_lock, then run-queue locks (two run-queue locks
 * in CPU-number order). A task switched out is still "on_cpu" until the next
 * task finished the switch; a waker that wants to move it to another CPU
 * waits for that (as Linux's try_to_wake_up does).
 */
#include <ferrite/errno.h>
#include <ferrite/mm.h>
#include <ferrite/panic.h>
#include <ferrite/printk.h>
#include <ferrite/proc.h>
#include <ferrite/sched.h>
#include <ferrite/signal.h>
#include <ferrite/slab.h>
#include <ferrite/string.h>
#include <ferrite/time.h>
#include <ferrite/vm.h>
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <arch/task.h>
#include <arch/trap.h>

#define SCHED_SLICE_NS		3000000ULL	/* a task runs at least this long when others wait */
#define SCHED_WAKE_BONUS_NS	6000000ULL	/* how far behind min_vruntime a waker may be placed */
#define NICE_0_WEIGHT		1024

struct rq {
	struct spinlock lock;
	struct list_head queue;		/* [L] runnable tasks not running, by vruntime */
	struct task *curr;		/* [L] */
	struct task *idle;		/* [I] */
	int nr_queued;			/* [L] */
	uint64_t min_vruntime;		/* [L] */
	uint64_t busy_user_ns;		/* [L] */
	uint64_t busy_sys_ns;		/* [L] */
	uint64_t idle_ns;		/* [L] */
	uint64_t last_account;		/* [L] */
	struct list_head timers;	/* [T] armed ktimers by deadline */
	struct spinlock timer_lock;
};

static uint64_t nr_switches;		/* [a] */
static unsigned long loadavg[3];	/* [a] fixed point, FSHIFT 11 */
static uint32_t nice_weight[40];	/* [I] weight of nice -20..19 */

#define FSHIFT		11
#define FIXED_1		(1 << FSHIFT)

/* CPU @cpu's struct cpu; before (or without) SMP start-up only the boot CPU exists. */
static struct cpu *sched_cpu(int cpu)
{
	struct cpu **table = __atomic_load_n(&cpus, __ATOMIC_ACQUIRE);

	return table ? table[cpu] : &boot_cpu;
}

/* CPU @cpu's run queue, or NULL while that CPU is still coming up. */
static struct rq *cpu_rq(int cpu)
{
	return __atomic_load_n(&sched_cpu(cpu)->rq, __ATOMIC_ACQUIRE);
}

/* True if @cpu can take tasks: online with a run queue. */
static bool sched_cpu_ready(int cpu)
{
	struct cpu *c = sched_cpu(cpu);

	return c && READ_ONCE(c->online) && cpu_rq(cpu);
}

static struct rq *this_rq(void)
{
	return this_cpu()->rq;
}

struct task *current_task(void)
{
	return this_cpu()->curr_task;
}

/* 1024 * 1.25^-nice, in integers: each nice step is about 10% of CPU. */
static void sched_init_weights(void)
{
	uint64_t w = NICE_0_WEIGHT;

	nice_weight[20] = NICE_0_WEIGHT;
	for (int n = 1; n < 20; n++) {
		w = w * 4 / 5;
		nice_weight[20 + n] = MAX(w, 15u);
	}
	w = NICE_0_WEIGHT;
	for (int n = 1; n <= 20; n++) {
		w = w * 5 / 4;
		nice_weight[20 - n] = w;
	}
}

/* Virtual time for @ns of real run time at @t's nice level. */
static uint64_t sched_scale(const struct task *t, uint64_t ns)
{
	return ns * NICE_0_WEIGHT / nice_weight[t->nice + 20];
}

/* Insert @t into @rq's queue by vruntime. Needs rq->lock. */
static void rq_enqueue_locked(struct rq *rq, struct task *t)
{
	struct task *pos;

	list_for_each_entry(pos, &rq->queue, rq_node) {
		if (pos->vruntime > t->vruntime) {
			__list_add(&t->rq_node, pos->rq_node.prev, &pos->rq_node);
			rq->nr_queued++;
			return;
		}
	}
	list_add_tail(&t->rq_node, &rq->queue);
	rq->nr_queued++;
}

static void rq_dequeue_locked(struct rq *rq, struct task *t)
{
	list_del(&t->rq_node);
	rq->nr_queued--;
}

/* Charge the running task for the time since it was last charged. Needs rq->lock. */
static void rq_account_locked(struct rq *rq, bool user)
{
	uint64_t now = time_boot_ns();
	uint64_t delta = now - rq->last_account;
	struct task *t = rq->curr;

	rq->last_account = now;
	if (t == rq->idle) {
		rq->idle_ns += delta;
		return;
	}
	t->vruntime += sched_scale(t, delta);
	if (user) {
		t->utime_ns += delta;
		rq->busy_user_ns += delta;
	} else {
		t->stime_ns += delta;
		rq->busy_sys_ns += delta;
	}
	if (!list_empty(&rq->queue)) {
		struct task *first = list_first_entry(&rq->queue, struct task, rq_node);

		rq->min_vruntime = MAX(rq->min_vruntime, MIN(t->vruntime, first->vruntime));
	} else {
		rq->min_vruntime = MAX(rq->min_vruntime, t->vruntime);
	}
}

static void sched_kick_cpu(int cpu)
{
	if (cpu != this_cpu_id())
		lapic_send_ipi(sched_cpu(cpu)->apic_id, VEC_IPI_RESCHED);
}

/* Should @t, just queued on @rq, take the CPU from rq->curr? Needs rq->lock. */
static void rq_check_preempt_locked(struct rq *rq, int cpu, struct task *t)
{
	struct task *curr = rq->curr;

	if (curr == rq->idle || t->vruntime + SCHED_SLICE_NS < curr->vruntime) {
		__atomic_store_n(&curr->need_resched, true, __ATOMIC_RELEASE);
		sched_kick_cpu(cpu);
	}
}

/* A CPU @t may run on: its last one if idle, else the least loaded. */
static int sched_select_cpu(struct task *t)
{
	int best = -1, best_load = 0x7fffffff;

	if (t->cpu >= 0 && t->cpu < nr_cpus && sched_cpu_ready(t->cpu) &&
	    cpumask_test(&t->affinity, t->cpu)) {
		struct rq *rq = cpu_rq(t->cpu);

		if (READ_ONCE(rq->curr) == rq->idle && READ_ONCE(rq->nr_queued) == 0)
			return t->cpu;
	}
	for (int c = 0; c < nr_cpus; c++) {
		struct rq *rq;
		int load;

		if (!sched_cpu_ready(c) || !cpumask_test(&t->affinity, c))
			continue;
		rq = cpu_rq(c);
		load = READ_ONCE(rq->nr_queued) + (READ_ONCE(rq->curr) != rq->idle);
		if (c == t->cpu)
			load--;		/* cache warmth breaks ties */
		if (load < best_load) {
			best = c;
			best_load = load;
		}
	}
	return best >= 0 ? best : this_cpu_id();
}

/* Queue the sleeping (not on_rq, not on_cpu) task @t somewhere. Needs t->pi_lock. */
static void sched_activate(struct task *t)
{
	int cpu = sched_select_cpu(t);
	struct rq *rq = cpu_rq(cpu);

	spin_lock(&rq->lock);
	t->cpu = cpu;
	t->state = TASK_RUNNING;
	if (t->vruntime + SCHED_WAKE_BONUS_NS < rq->min_vruntime)
		t->vruntime = rq->min_vruntime - SCHED_WAKE_BONUS_NS;
	t->on_rq = true;
	rq_enqueue_locked(rq, t);
	rq_check_preempt_locked(rq, cpu, t);
	spin_unlock(&rq->lock);
}

static bool sched_state_matches(int state, int want)
{
	if (want == TASK_SLEEPING)
		return state == TASK_INTERRUPTIBLE || state == TASK_UNINTERRUPTIBLE;
	return state == want;
}

/* Wake @t if its state is @want (or any sleep for TASK_SLEEPING); true if woken. Any context. */
static bool sched_try_wake(struct task *t, int want)
{
	unsigned long flags = spin_lock_irqsave(&t->pi_lock);
	struct rq *rq;
	bool woken = false;

	if (!sched_state_matches(READ_ONCE(t->state), want))
		goto out;
	rq = cpu_rq(t->cpu);
	spin_lock(&rq->lock);
	if (t->on_rq) {
		/* it has not switched away yet: it will simply keep running */
		t->state = TASK_RUNNING;
		spin_unlock(&rq->lock);
		woken = true;
		goto out;
	}
	spin_unlock(&rq->lock);
	while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
		arch_cpu_relax();
	sched_activate(t);
	woken = true;
out:
	spin_unlock_irqrestore(&t->pi_lock, flags);
	return woken;
}

void sched_wake(struct task *t)
{
	sched_try_wake(t, TASK_SLEEPING);
}

bool sched_wake_state(struct task *t, int state)
{
	return sched_try_wake(t, state);
}

/* Pick the next task on @rq. Needs rq->lock. */
static struct task *rq_pick_locked(struct rq *rq)
{
	struct task *next;

	if (list_empty(&rq->queue))
		return rq->idle;
	next = list_first_entry(&rq->queue, struct task, rq_node);
	rq_dequeue_locked(rq, next);
	return next;
}

/* Load @next's address space, kernel stack, FS base and FPU state. */
static void sched_switch_context(struct task *prev, struct task *next)
{
	if (prev->fpu)
		arch_fpu_save(prev->fpu);
	if (prev->vm)
		prev->fs_base = arch_get_fs_base();
	if (next->vm != prev->vm)
		vm_activate(next->vm);
	arch_set_kernel_stack(next->kstack_top);
	if (next->vm)
		arch_set_fs_base(next->fs_base);
	if (next->fpu)
		arch_fpu_restore(next->fpu);
}

/*
 * Second half of a switch, run by the task that now owns the CPU: let the
 * previous task go (wakers may move it now), drop the run-queue lock taken
 * by schedule(), and free a dead task's last reference.
 */
void sched_finish_switch(struct task *prev)
{
	struct rq *rq = this_rq();
	bool dead = prev->state == TASK_DEAD;
	bool migrate = prev->migrate;

	prev->migrate = false;
	__atomic_store_n(&prev->on_cpu, 0, __ATOMIC_RELEASE);
	spin_unlock(&rq->lock);
	arch_irq_enable();
	if (migrate)
		sched_try_wake(prev, TASK_UNINTERRUPTIBLE);
	if (dead)
		task_put(prev);
}

void schedule(void)
{
	unsigned long flags = arch_irq_save();
	struct rq *rq = this_rq();
	struct task *prev, *next;

	spin_lock(&rq->lock);
	prev = rq->curr;
	rq_account_locked(rq, false);
	__atomic_store_n(&prev->need_resched, false, __ATOMIC_RELAXED);
	if (prev != rq->idle) {
		if (prev->state == TASK_INTERRUPTIBLE && signal_pending(prev))
			prev->state = TASK_RUNNING;
		if (prev->state == TASK_RUNNING && !cpumask_test(&prev->affinity, rq->idle->cpu)) {
			/* not allowed here any more: leave, and be woken elsewhere */
			prev->state = TASK_UNINTERRUPTIBLE;
			prev->migrate = true;
		}
		if (prev->state == TASK_RUNNING)
			rq_enqueue_locked(rq, prev);
		else
			prev->on_rq = false;
	}
	next = rq_pick_locked(rq);
	if (next == prev) {
		spin_unlock(&rq->lock);
		arch_irq_restore(flags);
		return;
	}
	if (prev->state == TASK_RUNNING && prev != rq->idle)
		prev->nivcsw++;
	else
		prev->nvcsw++;
	__atomic_store_n(&next->on_cpu, 1, __ATOMIC_RELAXED);
	next->exec_start = rq->last_account;
	rq->curr = next;
	this_cpu()->curr_task = next;
	__atomic_fetch_add(&nr_switches, 1, __ATOMIC_RELAXED);
	sched_switch_context(prev, next);
	prev = arch_switch_to(prev, next);
	sched_finish_switch(prev);
	arch_irq_restore(flags);
}

void sched_sleep(int state)
{
	WRITE_ONCE(current->state, state);
	schedule();
}

void sched_yield_current(void)
{
	struct rq *rq = this_rq();
	unsigned long flags = spin_lock_irqsave(&rq->lock);
	struct task *t = rq->curr;

	/* go behind every task now waiting here */
	if (!list_empty(&rq->queue)) {
		struct task *last = list_entry(rq->queue.prev, struct task, rq_node);

		t->vruntime = MAX(t->vruntime, last->vruntime + 1);
	}
	spin_unlock_irqrestore(&rq->lock, flags);
	schedule();
}

void sched_preempt_point(void)
{
	if (__atomic_load_n(&current->need_resched, __ATOMIC_ACQUIRE))
		schedule();
}

/* Pull one waiting task that may run here from the busiest other CPU. */
static void sched_balance_idle(void)
{
	int me = this_cpu_id(), busiest = -1, most = 0;

	for (int c = 0; c < nr_cpus; c++) {
		int n;

		if (c == me || !sched_cpu_ready(c))
			continue;
		n = READ_ONCE(cpu_rq(c)->nr_queued);
		if (n > most) {
			most = n;
			busiest = c;
		}
	}
	if (busiest < 0)
		return;
	struct rq *src = cpu_rq(busiest), *dst = this_rq();
	struct rq *first = me < busiest ? dst : src, *second = me < busiest ? src : dst;
	unsigned long flags = arch_irq_save();
	struct task *t, *moved = NULL;

	spin_lock(&first->lock);
	spin_lock(&second->lock);
	list_for_each_entry(t, &src->queue, rq_node) {
		if (cpumask_test(&t->affinity, me)) {
			moved = t;
			break;
		}
	}
	if (moved) {
		rq_dequeue_locked(src, moved);
		moved->vruntime = moved->vruntime - src->min_vruntime + dst->min_vruntime;
		moved->cpu = me;
		rq_enqueue_locked(dst, moved);
		__atomic_store_n(&dst->curr->need_resched, true, __ATOMIC_RELAXED);
	}
	spin_unlock(&second->lock);
	spin_unlock(&first->lock);
	arch_irq_restore(flags);
}

__noreturn void sched_idle_loop(void)
{
	for (;;) {
		if (READ_ONCE(this_rq()->nr_queued) == 0 && nr_cpus_online > 1)
			sched_balance_idle();
		if (READ_ONCE(this_rq()->nr_queued)) {
			schedule();
			continue;
		}
		arch_irq_disable();
		if (READ_ONCE(this_rq()->nr_queued) == 0)
			arch_safe_halt();	/* sti; hlt: no lost wake-up */
		else
			arch_irq_enable();
	}
}

void smp_ap_idle(void)
{
	sched_init_cpu_ap();
	sched_idle_loop();
}

/* ------------------------------------------------------------------------ */
/* Timers and the tick                                                      */

void ktimer_init(struct ktimer *t, void (*fn)(struct ktimer *t), void *data)
{
	list_init(&t->node);
	t->fn = fn;
	t->data = data;
	t->cpu = -1;
	t->deadline = 0;
}

void ktimer_start(struct ktimer *t, uint64_t deadline_ns)
{
	unsigned long flags = arch_irq_save();
	struct rq *rq = this_rq();
	struct ktimer *pos;

	ktimer_cancel(t);
	spin_lock(&rq->timer_lock);
	t->deadline = deadline_ns;
	t->cpu = this_cpu_id();
	list_for_each_entry(pos, &rq->timers, node) {
		if (pos->deadline > deadline_ns)
			break;
	}
	__list_add(&t->node, pos->node.prev, &pos->node);
	spin_unlock(&rq->timer_lock);
	arch_irq_restore(flags);
}

bool ktimer_cancel(struct ktimer *t)
{
	for (;;) {
		int cpu = READ_ONCE(t->cpu);
		struct rq *rq;
		unsigned long flags;

		if (cpu < 0)
			return false;
		rq = cpu_rq(cpu);
		flags = spin_lock_irqsave(&rq->timer_lock);
		if (t->cpu == cpu) {
			list_del(&t->node);
			t->cpu = -1;
			spin_unlock_irqrestore(&rq->timer_lock, flags);
			return true;
		}
		/* it fired (and its fn has finished: fn runs under this lock) */
		spin_unlock_irqrestore(&rq->timer_lock, flags);
	}
}

/* Run this CPU's expired timers. Interrupts are off. */
static void ktimer_run(struct rq *rq, uint64_t now)
{
	spin_lock(&rq->timer_lock);
	while (!list_empty(&rq->timers)) {
		struct ktimer *t = list_first_entry(&rq->timers, struct ktimer, node);

		if (t->deadline > now)
			break;
		/* unlinked but still "on" this CPU: ktimer_cancel waits for fn on our lock */
		list_del(&t->node);
		t->fn(t);
		t->cpu = -1;
	}
	spin_unlock(&rq->timer_lock);
}

static void sched_update_loadavg(void)
{
	/* exp(-5s/1min), exp(-5s/5min), exp(-5s/15min) in FSHIFT fixed point */
	static const unsigned long exp_k[3] = { 1884, 2014, 2037 };
	unsigned long active = (unsigned long)sched_nr_running() * FIXED_1;

	for (int i = 0; i < 3; i++) {
		unsigned long a = loadavg[i];

		a = (a * exp_k[i] + active * (FIXED_1 - exp_k[i])) >> FSHIFT;
		__atomic_store_n(&loadavg[i], a, __ATOMIC_RELAXED);
	}
}

void sched_tick(void)
{
	struct rq *rq = this_rq();
	struct task *curr;
	uint64_t now;

	if (!rq)
		return;
	now = time_boot_ns();
	ktimer_run(rq, now);
	spin_lock(&rq->lock);
	curr = rq->curr;
	rq_account_locked(rq, this_cpu()->tick_from_user);
	if (!list_empty(&rq->queue) && curr != rq->idle) {
		struct task *first = list_first_entry(&rq->queue, struct task, rq_node);

		if (now - curr->exec_start >= SCHED_SLICE_NS || first->vruntime < curr->vruntime)
			__atomic_store_n(&curr->need_resched, true, __ATOMIC_RELAXED);
	}
	spin_unlock(&rq->lock);
	if (this_cpu_id() == 0 && this_cpu()->ticks % 5000 == 0)
		sched_update_loadavg();
}

static void sched_timer_wake(struct ktimer *kt)
{
	sched_wake(kt->data);
}

bool schedule_deadline(uint64_t deadline_ns)
{
	struct ktimer kt;

	if (time_boot_ns() >= deadline_ns) {
		WRITE_ONCE(current->state, TASK_RUNNING);
		return true;
	}
	ktimer_init(&kt, sched_timer_wake, current);
	ktimer_start(&kt, deadline_ns);
	schedule();
	ktimer_cancel(&kt);
	return time_boot_ns() >= deadline_ns;
}

int sched_sleep_ns(uint64_t ns, uint64_t *rem)
{
	uint64_t deadline = time_boot_ns() + ns;

	for (;;) {
		WRITE_ONCE(current->state, TASK_INTERRUPTIBLE);
		if (schedule_deadline(deadline))
			break;
		if (signal_pending(current)) {
			uint64_t now = time_boot_ns();

			if (rem)
				*rem = deadline > now ? deadline - now : 0;
			return -EINTR;
		}
	}
	if (rem)
		*rem = 0;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Settings and statistics                                                  */

void sched_set_nice(struct task *t, int nice)
{
	nice = MAX(-20, MIN(19, nice));
	WRITE_ONCE(t->nice, nice);
}

int sched_set_affinity(struct task *t, const struct cpumask *mask)
{
	bool any = false;
	unsigned long flags;

	for (int c = 0; c < nr_cpus; c++)
		if (cpumask_test(mask, c) && sched_cpu_ready(c))
			any = true;
	if (!any)
		return -EINVAL;
	flags = spin_lock_irqsave(&t->pi_lock);
	t->affinity = *mask;
	spin_unlock_irqrestore(&t->pi_lock, flags);
	/* if it runs where it may not, its next switch moves it (see schedule) */
	if (t == current && !cpumask_test(mask, this_cpu_id()))
		schedule();
	return 0;
}

void sched_get_affinity(struct task *t, struct cpumask *mask)
{
	unsigned long flags = spin_lock_irqsave(&t->pi_lock);

	*mask = t->affinity;
	spin_unlock_irqrestore(&t->pi_lock, flags);
}

int sched_nr_running(void)
{
	int n = 0;

	for (int c = 0; c < nr_cpus; c++) {
		struct rq *rq;

		if (!sched_cpu_ready(c) || !(rq = cpu_rq(c)))
			continue;
		n += READ_ONCE(rq->nr_queued) + (READ_ONCE(rq->curr) != rq->idle);
	}
	return n;
}

void sched_loadavg(unsigned long avg[3])
{
	for (int i = 0; i < 3; i++)
		avg[i] = __atomic_load_n(&loadavg[i], __ATOMIC_RELAXED);
}

uint64_t sched_nr_switches(void)
{
	return __atomic_load_n(&nr_switches, __ATOMIC_RELAXED);
}

void sched_cpu_times(int cpu, uint64_t *user_ns, uint64_t *system_ns, uint64_t *idle_ns)
{
	struct rq *rq = cpu_rq(cpu);
	unsigned long flags;

	if (!rq) {
		*user_ns = *system_ns = *idle_ns = 0;
		return;
	}
	flags = spin_lock_irqsave(&rq->lock);
	*user_ns = rq->busy_user_ns;
	*system_ns = rq->busy_sys_ns;
	*idle_ns = rq->idle_ns;
	spin_unlock_irqrestore(&rq->lock, flags);
}

/* ------------------------------------------------------------------------ */
/* Start-up                                                                 */

static void sched_resched_ipi(struct trap_frame *frame __unused, void *arg __unused)
{
	lapic_eoi();
}

/* Give the running CPU a run queue whose idle task is the code running now. */
static void sched_init_this_cpu(void)
{
	struct cpu *c = this_cpu();
	struct rq *rq = kzalloc(sizeof(*rq));
	struct task *idle = kzalloc(sizeof(*idle));

	if (!rq || !idle)
		panic("sched: no memory for CPU %d's run queue", c->id);
	spin_lock_init(&rq->lock, "rq");
	spin_lock_init(&rq->timer_lock, "rq_timers");
	list_init(&rq->queue);
	list_init(&rq->timers);
	idle->tid = 0;
	idle->state = TASK_RUNNING;
	idle->cpu = c->id;
	idle->on_cpu = 1;
	idle->refcount = 1;
	idle->kstack_top = c->stack_top;
	spin_lock_init(&idle->pi_lock, "pi_lock");
	list_init(&idle->rq_node);
	strscpy(idle->kname, "swapper", sizeof(idle->kname));
	idle->proc = &kernel_process;
	rq->idle = idle;
	rq->curr = idle;
	rq->last_account = time_boot_ns();
	c->curr_task = idle;
	__atomic_store_n(&c->rq, rq, __ATOMIC_RELEASE);
	arch_syscall_init_cpu();
	arch_fpu_init_cpu();
}

void sched_init_cpu_ap(void)
{
	sched_init_this_cpu();
}

void sched_init(void)
{
	sched_init_weights();
	sched_init_this_cpu();
	if (trap_register(VEC_IPI_RESCHED, sched_resched_ipi, NULL))
		panic("sched: reschedule vector taken");
}
