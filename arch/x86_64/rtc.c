/*
 * Calendar arithmetic for the CMOS real-time clock: turning the clock's
 * registers (BCD or binary, 12- or 24-hour, MC146818 layout) into Unix
 * time. Pure code, no I/O: the port access lives in cmos.c, and these
 * functions are unit-tested on the host. Gregorian calendar, UTC (the RTC
 * is assumed to keep UTC, as Linux assumes on x86 unless told otherwise).
 */
#include <ferrite/errno.h>
#include <arch/timer.h>

#define RTC_B_24H	0x02
#define RTC_B_BINARY	0x04
#define RTC_HOUR_PM	0x80
#define SECS_PER_DAY	86400

/* Days before the first of each month in a common year. */
static const uint16_t rtc_days_before[12] = {
	0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334,
};

static bool rtc_leap(unsigned int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Leap years in 1..@y. */
static unsigned int rtc_leaps_through(unsigned int y)
{
	return y / 4 - y / 100 + y / 400;
}

static unsigned int rtc_month_days(unsigned int y, unsigned int mon)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return days[mon - 1] + (mon == 2 && rtc_leap(y));
}

int64_t rtc_to_epoch(unsigned int year, unsigned int mon, unsigned int day, unsigned int hour,
		     unsigned int min, unsigned int sec)
{
	int64_t days;

	if (year < 1970 || year > 9999 || mon < 1 || mon > 12 || day < 1 ||
	    day > rtc_month_days(year, mon) || hour > 23 || min > 59 || sec > 59)
		return -EINVAL;
	days = 365LL * (year - 1970) + rtc_leaps_through(year - 1) - rtc_leaps_through(1969);
	days += rtc_days_before[mon - 1] + (mon > 2 && rtc_leap(year)) + day - 1;
	return days * SECS_PER_DAY + hour * 3600 + min * 60 + sec;
}

/* Two BCD digits to binary; a nibble above 9 gives a value rtc_to_epoch rejects. */
static unsigned int rtc_bcd(uint8_t v)
{
	if ((v & 0x0f) > 9 || (v >> 4) > 9)
		return 0xff;
	return (v >> 4) * 10 + (v & 0x0f);
}

int64_t rtc_regs_to_epoch(const struct rtc_regs *r)
{
	bool binary = r->status_b & RTC_B_BINARY;
	bool pm = !(r->status_b & RTC_B_24H) && (r->hour & RTC_HOUR_PM);
	uint8_t hour_reg = (r->status_b & RTC_B_24H) ? r->hour : (r->hour & ~RTC_HOUR_PM);
	unsigned int sec, min, hour, day, mon, year, century;

	sec = binary ? r->sec : rtc_bcd(r->sec);
	min = binary ? r->min : rtc_bcd(r->min);
	hour = binary ? hour_reg : rtc_bcd(hour_reg);
	day = binary ? r->day : rtc_bcd(r->day);
	mon = binary ? r->mon : rtc_bcd(r->mon);
	year = binary ? r->year : rtc_bcd(r->year);
	century = binary ? r->century : rtc_bcd(r->century);
	if (!(r->status_b & RTC_B_24H)) {
		/* 12-hour clock: 12 AM is midnight, 12 PM is noon. */
		if (hour < 1 || hour > 12)
			return -EINVAL;
		hour = hour % 12 + (pm ? 12 : 0);
	}
	if (year > 99)
		return -EINVAL;
	if (!r->century)
		century = 20;
	return rtc_to_epoch(century * 100 + year, mon, day, hour, min, sec);
}
