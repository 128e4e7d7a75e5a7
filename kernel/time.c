/*
 * The kernel clock: nanoseconds since kernel entry, from the TSC once its
 * rate is known (calibrated against the HPET or the PIT by the timer code),
 * and busy-wait delays that work before that through PIT channel 2.
 */
#include <ferrite/time.h>
#include <ferrite/printk.h>
#include <arch/cpu.h>

#define PIT_HZ		1193182ULL
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PIT_GATE	0x61

static uint64_t tsc_at_entry;	/* [I] TSC when the boot CPU entered kernel_main */
static uint64_t tsc_mult;	/* [I after calibration] ns = delta * mult >> 32 */
static uint64_t tsc_hz;		/* [I after calibration] */
static int64_t boot_epoch;	/* [I] Unix time at boot from the RTC */

/* Record the TSC at kernel entry; the first thing the boot CPU does. */
void time_mark_entry(void)
{
	tsc_at_entry = arch_rdtsc();
}

/* Publish the TSC rate measured by the timer code. */
void time_set_tsc_hz(uint64_t hz)
{
	tsc_hz = hz;
	__atomic_store_n(&tsc_mult, (uint64_t)((NSEC_PER_SEC << 32) / hz), __ATOMIC_RELEASE);
}

uint64_t time_tsc_hz(void)
{
	return tsc_hz;
}

uint64_t time_boot_ns(void)
{
	uint64_t mult = __atomic_load_n(&tsc_mult, __ATOMIC_ACQUIRE);

	if (!mult)
		return 0;
	return (uint64_t)(((unsigned __int128)(arch_rdtsc() - tsc_at_entry) * mult) >> 32);
}

/*
 * Spin on PIT channel 2 (one-shot, gate through port 0x61) for @ticks
 * of its 1.193182 MHz clock, at most 65535 per round.
 */
static void pit_wait_ticks(uint64_t ticks)
{
	while (ticks) {
		uint16_t n = ticks > 0xffff ? 0xffff : (uint16_t)ticks;
		uint8_t gate = arch_inb(PIT_GATE);

		arch_outb(PIT_GATE, (gate & ~0x02) & ~0x01);	/* speaker off, gate low */
		arch_outb(PIT_CMD, 0xb0);	/* channel 2, lobyte/hibyte, mode 0 */
		arch_outb(PIT_CH2, n & 0xff);
		arch_outb(PIT_CH2, n >> 8);
		arch_outb(PIT_GATE, (arch_inb(PIT_GATE) & ~0x02) | 0x01);	/* start */
		while (!(arch_inb(PIT_GATE) & 0x20))
			arch_cpu_relax();
		ticks -= n;
	}
}

void time_delay_ns(uint64_t ns)
{
	uint64_t start;

	if (!__atomic_load_n(&tsc_mult, __ATOMIC_ACQUIRE)) {
		pit_wait_ticks((ns * PIT_HZ + NSEC_PER_SEC - 1) / NSEC_PER_SEC);
		return;
	}
	start = time_boot_ns();
	while (time_boot_ns() - start < ns)
		arch_cpu_relax();
}

void time_set_boot_epoch(int64_t epoch)
{
	boot_epoch = epoch;
}

int64_t time_boot_epoch(void)
{
	return boot_epoch;
}

void time_realtime(int64_t *sec, long *nsec)
{
	uint64_t ns = time_boot_ns();

	*sec = boot_epoch + (int64_t)(ns / NSEC_PER_SEC);
	*nsec = (long)(ns % NSEC_PER_SEC);
}
