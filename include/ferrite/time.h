/*
 * Kernel time: a monotonic nanosecond clock since boot (from the TSC once it
 * is calibrated; 0 before), busy-wait delays, and wall-clock time read from
 * the CMOS RTC at boot.
 */
#ifndef FERRITE_TIME_H
#define FERRITE_TIME_H

#include <ferrite/compiler.h>

#define NSEC_PER_SEC	1000000000ULL
#define NSEC_PER_MSEC	1000000ULL
#define NSEC_PER_USEC	1000ULL

/* Nanoseconds since the kernel was entered; monotonic, callable anywhere. */
uint64_t time_boot_ns(void);

/* Spin for at least @ns nanoseconds (works before the TSC is calibrated). */
void time_delay_ns(uint64_t ns);

/* Seconds since the Unix epoch at boot, from the RTC; 0 if unknown. */
int64_t time_boot_epoch(void);

/* Wall-clock time now: boot epoch plus time since boot. */
void time_realtime(int64_t *sec, long *nsec);

/* For the boot and timer code. */
void time_mark_entry(void);
void time_set_tsc_hz(uint64_t hz);
uint64_t time_tsc_hz(void);
void time_set_boot_epoch(int64_t epoch);

#endif
