/*
 * Timers: the HPET (or the PIT when there is none) as the reference to
 * calibrate the TSC and the local APIC timer against; the periodic local
 * APIC tick on every CPU; the CMOS RTC for wall-clock time at boot.
 */
#ifndef ARCH_TIMER_H
#define ARCH_TIMER_H

#include <ferrite/compiler.h>

#define TIMER_HZ	1000	/* scheduler tick rate (Linux's CONFIG_HZ_1000) */

/* Boot CPU: calibrate TSC (publishes time_set_tsc_hz) and LAPIC timer,
 * read the RTC (publishes time_set_boot_epoch), start this CPU's tick. */
int timer_init(void);
/* Every other CPU: start its tick with the calibrated LAPIC rate. */
void timer_init_ap(void);
/* Ticks taken by the running CPU since it started its tick. */
uint64_t timer_ticks(void);
/* Ticks taken by all CPUs together since boot. */
uint64_t timer_ticks_all(void);
/* The local APIC timer's calibrated rate (bus clock / 16), 0 if unknown. */
uint64_t timer_lapic_hz(void);

/*
 * Called on every tick of every CPU, with interrupts off, after the EOI.
 * The default (weak) does nothing; the scheduler provides the real one.
 */
void sched_tick(void);

/*
 * Unix time of a calendar date and time (UTC, full year 1970-9999, month
 * 1-12); pure. Returns the seconds (>= 0), or -EINVAL for a field out of
 * range, including a day past the end of its month.
 */
int64_t rtc_to_epoch(unsigned int year, unsigned int mon, unsigned int day, unsigned int hour,
		     unsigned int min, unsigned int sec);

/* CMOS RTC registers as read (MC146818 layout), before decoding. */
struct rtc_regs {
	uint8_t sec, min, hour, day, mon, year;
	uint8_t century;	/* from the FADT's century register; 0: none */
	uint8_t status_b;	/* bit 2: binary (else BCD), bit 1: 24-hour (else 12) */
};

/* Decode @r (BCD or binary, 12 or 24 hour, 20xx without a century) into
 * Unix time; pure. Returns as rtc_to_epoch. */
int64_t rtc_regs_to_epoch(const struct rtc_regs *r);

/* Read the CMOS clock (century from CMOS index @century_index when
 * non-zero) into Unix time. Returns it, -ETIMEDOUT or -EINVAL. */
int64_t rtc_read_epoch(uint8_t century_index);

/*
 * The HPET (IA-PC HPET 1.0a) as a free-running reference: hpet_init maps
 * the one the ACPI table names and starts its main counter (0, -ENOENT,
 * -ENOMEM, -EINVAL for a bad period); hpet_read gives the counter, which
 * wraps at hpet_mask(); one count lasts hpet_period_fs() femtoseconds.
 * The last three only once hpet_present().
 */
int hpet_init(void);
bool hpet_present(void);
uint64_t hpet_read(void);
uint64_t hpet_mask(void);
uint32_t hpet_period_fs(void);

#endif
