/*
 * Boot-time timer set-up and the periodic tick. The TSC and the local APIC
 * timer are calibrated together over one short window of a reference
 * counter: the HPET when the ACPI tables give one, else PIT channel 2
 * counting down in mode 0 and read through latch commands (Intel 8254
 * datasheet). Every counter is read between two TSC reads, so each value
 * carries the TSC time it was taken at; read latencies then cancel out
 * instead of biasing the result (they are large and uneven under
 * emulation). The TSC rate drives the kernel clock; the APIC rate gives
 * every CPU its TIMER_HZ periodic tick, whose handler counts the tick,
 * acknowledges it and calls the scheduler's hook. The CMOS clock, read
 * once, gives the wall-clock time at boot.
 *
 * Locking: the calibration results are [I] once timer_init() has run on
 * the boot CPU, before other CPUs start; each CPU's tick count is its own.
 */
#include <ferrite/acpi.h>
#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <ferrite/time.h>
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <arch/timer.h>
#include <arch/trap.h>

#define PIT_HZ		1193182ULL
#define PIT_PERIOD_FS	838095345ULL	/* 10^15 / PIT_HZ */
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PIT_CMD_CH2_MODE0 0xb0	/* channel 2, low then high byte, mode 0, binary */
#define PIT_CMD_CH2_LATCH 0x80
#define PIT_GATE	0x61
#define PIT_GATE_ON	0x01
#define PIT_SPEAKER	0x02

/* The calibration window: about 5 ppm under QEMU/TCG with the HPET. */
#define CALIB_WINDOW_NS	(5 * NSEC_PER_MSEC)
#define STAMP_TRIES	4

/* A reference counter: counts up by one every @period_fs, wrapping at @mask. */
struct timer_ref {
	const char *name;
	uint64_t (*read)(void);
	uint64_t mask;
	uint64_t period_fs;
};

/* A counter value and the TSC at the moment it was read (midpoint of a bracket). */
struct timer_stamp {
	uint64_t value;
	uint64_t tsc;
};

static uint64_t lapic_timer_hz;		/* [I] */
static uint32_t lapic_tick_count;	/* [I] initial count for TIMER_HZ */

/* The scheduler overrides this; until then a tick only counts. */
__weak void sched_tick(void)
{
}

static uint64_t timer_read_lapic(void)
{
	return lapic_timer_current();
}

/* PIT channel 2's count, latched, as a count up from its start at 0xffff. */
static uint64_t timer_read_pit(void)
{
	uint8_t lo, hi;

	arch_outb(PIT_CMD, PIT_CMD_CH2_LATCH);
	lo = arch_inb(PIT_CH2);
	hi = arch_inb(PIT_CH2);
	return 0xffff - (uint16_t)(lo | hi << 8);
}

/* Start PIT channel 2 counting down from 0xffff (55 ms before it wraps). */
static void timer_start_pit(void)
{
	uint8_t gate = arch_inb(PIT_GATE) & ~PIT_SPEAKER;

	arch_outb(PIT_GATE, gate | PIT_GATE_ON);
	arch_outb(PIT_CMD, PIT_CMD_CH2_MODE0);
	arch_outb(PIT_CH2, 0xff);
	arch_outb(PIT_CH2, 0xff);
	/* The count loads on the next input clock; reads before that are stale. */
	for (int i = 0; i < 1000 && timer_read_pit() == 0; i++)
		arch_cpu_relax();
}

/*
 * Read @read between two TSC reads, keeping the narrowest bracket of a few
 * tries: a device read can stall (an SMI, a lock in an emulator), and the
 * TSC midpoint is only as good as the bracket is narrow.
 */
static void timer_stamp(struct timer_stamp *s, uint64_t (*read)(void))
{
	uint64_t best = ~0ULL;

	for (int i = 0; i < STAMP_TRIES; i++) {
		uint64_t t1 = arch_rdtsc(), v = read(), t2 = arch_rdtsc();

		if (t2 - t1 < best) {
			best = t2 - t1;
			s->value = v;
			s->tsc = t1 + (t2 - t1) / 2;
		}
	}
}

/*
 * Measure the TSC rate into *@tsc_hz and the local APIC timer rate (at
 * divide-by-16, 0 without one) into *@apic_hz over CALIB_WINDOW_NS of
 * @ref. The APIC count is timed by the TSC stamps taken with it.
 */
static void timer_calibrate(const struct timer_ref *ref, uint64_t *tsc_hz, uint64_t *apic_hz)
{
	uint64_t want = CALIB_WINDOW_NS * 1000000ULL / ref->period_fs, ns, lapic_tsc;
	struct timer_stamp r0, r1, l0 = { 0, 0 }, l1 = { 0, 0 };
	unsigned long flags = arch_irq_save();
	bool lapic = lapic_present();

	if (lapic)
		lapic_timer_start(VEC_TIMER, 0xffffffffu, false, true);
	timer_stamp(&r0, ref->read);
	if (lapic)
		timer_stamp(&l0, timer_read_lapic);
	while (((ref->read() - r0.value) & ref->mask) < want)
		arch_cpu_relax();
	timer_stamp(&r1, ref->read);
	if (lapic) {
		timer_stamp(&l1, timer_read_lapic);
		lapic_timer_stop();
	}
	arch_irq_restore(flags);
	ns = ((r1.value - r0.value) & ref->mask) * ref->period_fs / 1000000ULL;
	*tsc_hz = ns ? (r1.tsc - r0.tsc) * NSEC_PER_SEC / ns : 0;
	lapic_tsc = l1.tsc - l0.tsc;
	*apic_hz = lapic_tsc ? (uint32_t)(l0.value - l1.value) * *tsc_hz / lapic_tsc : 0;
}

/* The HPET if there is one, else PIT channel 2, started. */
static void timer_pick_ref(struct timer_ref *ref)
{
	int err = hpet_init();

	if (err == 0) {
		*ref = (struct timer_ref){ "HPET", hpet_read, hpet_mask(), hpet_period_fs() };
		return;
	}
	if (err != -ENOENT)
		pr_warn("hpet: unusable (%d); calibrating against the PIT\n", err);
	timer_start_pit();
	*ref = (struct timer_ref){ "PIT", timer_read_pit, 0xffff, PIT_PERIOD_FS };
}

static void timer_interrupt(struct trap_frame *frame __unused, void *arg __unused)
{
	struct cpu *c = this_cpu();

	WRITE_ONCE(c->ticks, c->ticks + 1);
	lapic_eoi();
	sched_tick();
}

/* Start the running CPU's periodic tick. */
static void timer_start_tick(void)
{
	lapic_timer_start(VEC_TIMER, lapic_tick_count, true, false);
}

/* Read the CMOS clock into the kernel's boot epoch, unless the FADT says there is none. */
static void timer_read_rtc(void)
{
	struct acpi_fadt_info fadt;
	uint8_t century = 0;
	int64_t t;

	if (acpi_parse_fadt(&fadt) == 0) {
		if (fadt.iapc_boot_arch & ACPI_FADT_BOOT_NO_CMOS_RTC) {
			pr_warn("rtc_cmos: the FADT says there is no CMOS clock\n");
			return;
		}
		century = fadt.century;
	}
	t = rtc_read_epoch(century);
	if (t < 0) {
		pr_warn("rtc_cmos: cannot read the clock (%lld)\n", (long long)t);
		return;
	}
	time_set_boot_epoch(t);
	pr_info("rtc_cmos: setting system clock to %lld (Unix time)\n", (long long)t);
}

/*
 * Boot CPU, after apic_init: calibrate the TSC (publishing the kernel
 * clock's rate) and the local APIC timer, read the RTC, register the tick
 * handler and start this CPU's tick. Returns 0, -EIO when calibration gave
 * nonsense, -ENODEV without a local APIC (the clock works, the tick not).
 */
int timer_init(void)
{
	struct timer_ref ref;
	uint64_t tsc_hz, apic_hz;
	int err;

	timer_pick_ref(&ref);
	timer_calibrate(&ref, &tsc_hz, &apic_hz);
	if (tsc_hz < 1000000) {
		pr_err("tsc: calibration failed (%llu Hz)\n", (unsigned long long)tsc_hz);
		return -EIO;
	}
	time_set_tsc_hz(tsc_hz);
	pr_info("tsc: Detected %llu.%03llu MHz processor (against the %s)\n",
		(unsigned long long)(tsc_hz / 1000000), (unsigned long long)(tsc_hz / 1000 % 1000),
		ref.name);
	timer_read_rtc();
	if (!lapic_present())
		return -ENODEV;
	if (apic_hz < TIMER_HZ) {
		pr_err("APIC: timer calibration failed (%llu Hz)\n", (unsigned long long)apic_hz);
		return -EIO;
	}
	lapic_timer_hz = apic_hz;
	lapic_tick_count = apic_hz / TIMER_HZ;
	pr_info("APIC: timer calibrated: %llu Hz, tick every %u counts (%u Hz)\n",
		(unsigned long long)apic_hz, lapic_tick_count, TIMER_HZ);
	err = trap_register(VEC_TIMER, timer_interrupt, NULL);
	if (err)
		return err;
	timer_start_tick();
	return 0;
}

/* Every other CPU, after apic_init_ap: start its tick at the boot CPU's rate. */
void timer_init_ap(void)
{
	if (lapic_tick_count)
		timer_start_tick();
}

/* Ticks taken by the running CPU. */
uint64_t timer_ticks(void)
{
	return READ_ONCE(this_cpu()->ticks);
}

uint64_t timer_ticks_all(void)
{
	uint64_t sum = 0;

	if (!cpus)
		return READ_ONCE(boot_cpu.ticks);
	for (int i = 0; i < nr_cpus; i++)
		if (cpus[i])
			sum += READ_ONCE(cpus[i]->ticks);
	return sum;
}

uint64_t timer_lapic_hz(void)
{
	return lapic_timer_hz;
}
