// host-test-sources: arch/x86_64/rtc.c
/*
 * Host tests of the RTC calendar code: Unix time of known dates (checked
 * against the host's timegm), leap-year rules, rejection of impossible
 * dates, and decoding of raw CMOS registers in BCD/binary, 12/24-hour form.
 */
#include "htest.h"
#include <ferrite/errno.h>
#include <arch/timer.h>

HTEST(rtc_epoch_known_dates)
{
	EXPECT_EQ(rtc_to_epoch(1970, 1, 1, 0, 0, 0), 0);
	EXPECT_EQ(rtc_to_epoch(1999, 12, 31, 23, 59, 59), 946684799);
	EXPECT_EQ(rtc_to_epoch(2000, 1, 1, 0, 0, 0), 946684800);
	EXPECT_EQ(rtc_to_epoch(2024, 2, 29, 12, 34, 56), 1709210096);
	EXPECT_EQ(rtc_to_epoch(2024, 12, 31, 23, 59, 59), 1735689599);
	EXPECT_EQ(rtc_to_epoch(2038, 1, 19, 3, 14, 8), 2147483648LL);
	EXPECT_EQ(rtc_to_epoch(2099, 12, 31, 23, 59, 59), 4102444799LL);
}

HTEST(rtc_epoch_leap_years)
{
	/* 2000 is a leap year (divisible by 400), 2100 is not (by 100), 2023 is not. */
	EXPECT_EQ(rtc_to_epoch(2000, 2, 29, 0, 0, 0), 951782400);
	EXPECT_EQ(rtc_to_epoch(2000, 3, 1, 0, 0, 0), 951868800);
	EXPECT_EQ(rtc_to_epoch(2000, 3, 1, 0, 0, 0) - rtc_to_epoch(2000, 2, 28, 0, 0, 0),
		  2 * 86400);
	EXPECT_EQ(rtc_to_epoch(2100, 2, 29, 0, 0, 0), -EINVAL);
	EXPECT_EQ(rtc_to_epoch(2100, 3, 1, 0, 0, 0), 4107542400LL);
	EXPECT_EQ(rtc_to_epoch(2023, 2, 29, 0, 0, 0), -EINVAL);
	EXPECT_EQ(rtc_to_epoch(2023, 3, 1, 0, 0, 0), 1677628800);
}

HTEST(rtc_epoch_rejects_bad_fields)
{
	EXPECT_EQ(rtc_to_epoch(1969, 12, 31, 23, 59, 59), -EINVAL);
	EXPECT_EQ(rtc_to_epoch(2024, 0, 1, 0, 0, 0), -EINVAL);
	EXPECT_EQ(rtc_to_epoch(2024, 13, 1, 0, 0, 0), -EINVAL);
	EXPECT_EQ(rtc_to_epoch(2024, 1, 0, 0, 0, 0), -EINVAL);
	EXPECT_EQ(rtc_to_epoch(2024, 1, 32, 0, 0, 0), -EINVAL);
	EXPECT_EQ(rtc_to_epoch(2024, 4, 31, 0, 0, 0), -EINVAL);
	EXPECT_EQ(rtc_to_epoch(2024, 6, 31, 0, 0, 0), -EINVAL);
	EXPECT_EQ(rtc_to_epoch(2024, 1, 1, 24, 0, 0), -EINVAL);
	EXPECT_EQ(rtc_to_epoch(2024, 1, 1, 0, 60, 0), -EINVAL);
	EXPECT_EQ(rtc_to_epoch(2024, 1, 1, 0, 0, 60), -EINVAL);
	EXPECT(rtc_to_epoch(2024, 4, 30, 0, 0, 0) > 0);
	EXPECT(rtc_to_epoch(2024, 1, 31, 0, 0, 0) > 0);
}

/* Days in @mon of @y by the Gregorian rule, written independently of rtc.c. */
static unsigned int test_month_days(unsigned int y, unsigned int mon)
{
	if (mon == 2)
		return (y % 400 == 0 || (y % 4 == 0 && y % 100 != 0)) ? 29 : 28;
	return (mon == 4 || mon == 6 || mon == 9 || mon == 11) ? 30 : 31;
}

HTEST(rtc_epoch_every_day_2000_2099)
{
	unsigned int y = 2000, m = 1, d = 1, days = 0;
	int64_t prev = rtc_to_epoch(y, m, d, 0, 0, 0);

	/* Walk day by day: each midnight is exactly one day after the last. */
	while (y < 2100) {
		int64_t t;

		EXPECT_EQ(rtc_to_epoch(y, m, d, 23, 59, 59), prev + 86399);
		if (++d > test_month_days(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
		t = rtc_to_epoch(y, m, d, 0, 0, 0);
		EXPECT_EQ(t, prev + 86400);
		prev = t;
		days++;
	}
	EXPECT_EQ(days, 36525);	/* 100 years, 25 of them leap */
	EXPECT_EQ(prev, 4102444800LL);
}

HTEST(rtc_regs_bcd_24h)
{
	struct rtc_regs r = { .sec = 0x56, .min = 0x34, .hour = 0x12, .day = 0x29, .mon = 0x02,
			      .year = 0x24, .status_b = 0x02 };

	EXPECT_EQ(rtc_regs_to_epoch(&r), 1709210096);
	r.century = 0x20;
	EXPECT_EQ(rtc_regs_to_epoch(&r), 1709210096);
	r.century = 0x21;
	EXPECT_EQ(rtc_regs_to_epoch(&r), rtc_to_epoch(2124, 2, 29, 12, 34, 56));
	r.sec = 0x5a;	/* not BCD */
	EXPECT_EQ(rtc_regs_to_epoch(&r), -EINVAL);
}

HTEST(rtc_regs_binary_24h)
{
	struct rtc_regs r = { .sec = 0, .min = 30, .hour = 18, .day = 15, .mon = 6, .year = 25,
			      .status_b = 0x06 };

	EXPECT_EQ(rtc_regs_to_epoch(&r), 1750012200);
	r.century = 20;
	EXPECT_EQ(rtc_regs_to_epoch(&r), 1750012200);
	r.year = 100;
	EXPECT_EQ(rtc_regs_to_epoch(&r), -EINVAL);
}

HTEST(rtc_regs_12_hour)
{
	struct rtc_regs r = { .sec = 0, .min = 0x05, .hour = 0x12, .day = 0x15, .mon = 0x06,
			      .year = 0x25, .status_b = 0x00 };

	/* BCD, 12-hour: 12 AM is 00:05, 12 PM is 12:05, 6 PM is 18:05. */
	EXPECT_EQ(rtc_regs_to_epoch(&r), 1749945900);
	r.hour = 0x80 | 0x12;
	EXPECT_EQ(rtc_regs_to_epoch(&r), 1749989100);
	r.hour = 0x80 | 0x06;
	EXPECT_EQ(rtc_regs_to_epoch(&r), 1749989100 + 6 * 3600);
	r.hour = 0x06;
	EXPECT_EQ(rtc_regs_to_epoch(&r), 1749945900 + 6 * 3600);
	r.hour = 0x00;	/* there is no hour 0 on a 12-hour clock */
	EXPECT_EQ(rtc_regs_to_epoch(&r), -EINVAL);
	/* Binary 12-hour: PM flag on 11 gives 23. */
	r.status_b = 0x04;
	r.min = 5;
	r.day = 15;
	r.mon = 6;
	r.year = 25;
	r.hour = 0x80 | 11;
	EXPECT_EQ(rtc_regs_to_epoch(&r), 1749945900 + 23 * 3600);
}

HTEST_MAIN()
