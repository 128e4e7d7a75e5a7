/*
 * In-kernel tests of the timers: the periodic tick's rate on every CPU,
 * the kernel clock (monotonic, advancing, agreeing with the HPET), the
 * calibrated rates, and the wall-clock time read from the RTC.
 */
#include <ferrite/ktest.h>
#include <ferrite/time.h>
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <arch/timer.h>

#define EPOCH_2024	1704067200LL	/* 2024-01-01T00:00:00Z */
#define EPOCH_2100	4102444800LL

KTEST(timer_tick_rate)
{
	uint64_t t0, d;

	KEXPECT(lapic_present());
	KEXPECT(arch_irq_enabled());
	t0 = timer_ticks();
	time_delay_ns(100 * NSEC_PER_MSEC);
	d = timer_ticks() - t0;
	/* 100 expected at 1000 Hz; emulation may drop a few, never double. */
	printk(KERN_INFO "# %llu ticks in 100 ms\n", (unsigned long long)d);
	KEXPECT(d >= 100 * TIMER_HZ / 1000 * 4 / 10);
	KEXPECT(d <= 100 * TIMER_HZ / 1000 * 3 / 2);
}

KTEST(timer_ticks_on_every_cpu)
{
	uint64_t before[64] = { 0 };
	int n = cpus ? (nr_cpus < 64 ? nr_cpus : 64) : 0;

	KEXPECT(timer_ticks_all() >= timer_ticks());
	for (int i = 0; i < n; i++)
		if (cpus[i])
			before[i] = READ_ONCE(cpus[i]->ticks);
	time_delay_ns(50 * NSEC_PER_MSEC);
	for (int i = 0; i < n; i++) {
		if (!cpus[i] || !READ_ONCE(cpus[i]->online))
			continue;
		KEXPECT(READ_ONCE(cpus[i]->ticks) - before[i] >= 5);
	}
}

KTEST(timer_boot_ns_monotonic)
{
	uint64_t prev = time_boot_ns(), t0, t1;

	KEXPECT(prev > 0);
	for (int i = 0; i < 10000; i++) {
		uint64_t now = time_boot_ns();

		KEXPECT(now >= prev);
		prev = now;
	}
	t0 = time_boot_ns();
	time_delay_ns(20 * NSEC_PER_MSEC);
	t1 = time_boot_ns();
	KEXPECT(t1 - t0 >= 20 * NSEC_PER_MSEC);
	KEXPECT(t1 - t0 < 2 * NSEC_PER_SEC);
}

KTEST(timer_rates_plausible)
{
	KEXPECT(time_tsc_hz() >= 100000000ULL);		/* 100 MHz */
	KEXPECT(time_tsc_hz() <= 20000000000ULL);	/* 20 GHz */
	KEXPECT(timer_lapic_hz() >= 1000000ULL);
	KEXPECT(timer_lapic_hz() <= 1000000000ULL);
}

KTEST(timer_tsc_agrees_with_hpet)
{
	uint64_t t0a, t0b, t1a, t1b, h0, h1, ns, lo, hi;

	if (!hpet_present()) {
		printk(KERN_INFO "# SKIP no HPET\n");
		return;
	}
	/* Each HPET read is bracketed by the kernel clock: the HPET's span must
	 * lie between the inner and the outer span, give or take 0.5%. */
	t0a = time_boot_ns();
	h0 = hpet_read();
	t0b = time_boot_ns();
	time_delay_ns(20 * NSEC_PER_MSEC);
	t1a = time_boot_ns();
	h1 = hpet_read();
	t1b = time_boot_ns();
	ns = ((h1 - h0) & hpet_mask()) * hpet_period_fs() / 1000000;
	lo = t1a - t0b;
	hi = t1b - t0a;
	printk(KERN_INFO "# HPET span %llu ns, kernel clock %llu-%llu ns\n",
	       (unsigned long long)ns, (unsigned long long)lo, (unsigned long long)hi);
	KEXPECT(lo >= 20 * NSEC_PER_MSEC);
	KEXPECT(ns >= lo - lo / 200);
	KEXPECT(ns <= hi + hi / 200);
}

KTEST(timer_rtc_epoch_after_2024)
{
	int64_t boot = time_boot_epoch(), now = rtc_read_epoch(0), sec;
	long nsec;

	KEXPECT(boot > EPOCH_2024);
	KEXPECT(boot < EPOCH_2100);
	/* The clock read again agrees with boot time plus the time since. */
	time_realtime(&sec, &nsec);
	KEXPECT(now >= boot);
	KEXPECT(now - sec <= 2 && sec - now <= 2);
	KEXPECT(nsec >= 0 && nsec < (long)NSEC_PER_SEC);
}
