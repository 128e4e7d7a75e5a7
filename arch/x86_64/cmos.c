/*
 * The CMOS real-time clock's registers (MC146818 and compatibles) through
 * the index/data ports 0x70/0x71. The clock is read between updates: wait
 * for update-in-progress to clear, read every field, and repeat until two
 * reads agree, so that a rollover between fields is never mixed in.
 *
 * Locking: cmos_lock serializes the index/data pair; taken with
 * interrupts off. A leaf lock.
 */
#define pr_fmt(fmt) "rtc_cmos: " fmt

#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <ferrite/spinlock.h>
#include <ferrite/time.h>
#include <arch/cpu.h>
#include <arch/timer.h>

#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71
#define RTC_SEC		0x00
#define RTC_MIN		0x02
#define RTC_HOUR	0x04
#define RTC_DAY		0x07
#define RTC_MON		0x08
#define RTC_YEAR	0x09
#define RTC_STATUS_A	0x0a
#define RTC_STATUS_B	0x0b
#define RTC_A_UIP	0x80

#define RTC_READ_TRIES	5
/* An update takes under 2 ms after UIP rises; allow 10 ms. */
#define RTC_UIP_WAIT_NS	(10 * NSEC_PER_MSEC)

static DEFINE_SPINLOCK(cmos_lock);

/* Read CMOS register @reg. Caller holds cmos_lock. */
static uint8_t cmos_read_locked(uint8_t reg)
{
	arch_outb(CMOS_INDEX, reg);	/* bit 7 clear: NMIs stay enabled */
	return arch_inb(CMOS_DATA);
}

/* Wait until no update is in progress; false after RTC_UIP_WAIT_NS. Caller holds cmos_lock. */
static bool cmos_wait_uip_locked(void)
{
	uint64_t hz = time_tsc_hz() ? time_tsc_hz() : 1000000000ULL;
	uint64_t start = arch_rdtsc(), limit = hz / 1000 * (RTC_UIP_WAIT_NS / NSEC_PER_MSEC);

	while (cmos_read_locked(RTC_STATUS_A) & RTC_A_UIP) {
		if (arch_rdtsc() - start > limit)
			return false;
		arch_cpu_relax();
	}
	return true;
}

/* One read of every field, after update-in-progress clears. Caller holds cmos_lock. */
static bool cmos_read_clock_locked(struct rtc_regs *r, uint8_t century_index)
{
	if (!cmos_wait_uip_locked())
		return false;
	r->sec = cmos_read_locked(RTC_SEC);
	r->min = cmos_read_locked(RTC_MIN);
	r->hour = cmos_read_locked(RTC_HOUR);
	r->day = cmos_read_locked(RTC_DAY);
	r->mon = cmos_read_locked(RTC_MON);
	r->year = cmos_read_locked(RTC_YEAR);
	r->century = century_index ? cmos_read_locked(century_index) : 0;
	r->status_b = cmos_read_locked(RTC_STATUS_B);
	return true;
}

static bool rtc_regs_equal(const struct rtc_regs *a, const struct rtc_regs *b)
{
	return a->sec == b->sec && a->min == b->min && a->hour == b->hour && a->day == b->day &&
	       a->mon == b->mon && a->year == b->year && a->century == b->century &&
	       a->status_b == b->status_b;
}

/*
 * The CMOS clock as Unix time; @century_index is the FADT's century
 * register (0: assume 20xx). Returns the time, -ETIMEDOUT when the clock
 * never settles, -EINVAL when it holds an impossible date. Takes cmos_lock.
 */
int64_t rtc_read_epoch(uint8_t century_index)
{
	struct rtc_regs a, b;
	unsigned long flags;
	bool stable = false;

	if (century_index >= 0x80)
		century_index = 0;	/* bit 7 of the index port is the NMI mask */
	flags = spin_lock_irqsave(&cmos_lock);
	for (int i = 0; i < RTC_READ_TRIES && !stable; i++)
		stable = cmos_read_clock_locked(&a, century_index) &&
			 cmos_read_clock_locked(&b, century_index) && rtc_regs_equal(&a, &b);
	spin_unlock_irqrestore(&cmos_lock, flags);
	if (!stable)
		return -ETIMEDOUT;
	return rtc_regs_to_epoch(&a);
}
