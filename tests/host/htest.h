/*
 * A tiny unit-test harness for pure kernel code built on the host with
 * -fsanitize=address,undefined. Each test file defines tests with
 * HTEST(name) { ... } and ends with HTEST_MAIN(). Results are TAP lines
 * ("ok N - name" / "not ok N - name") on stdout; the exit status is non-zero
 * when any test failed. A test fails on the first EXPECT that does not hold.
 *
 * The first line of a test file names the kernel sources it is built with:
 *	// host-test-sources: mm/buddy.c lib/string.c
 */
#ifndef HTEST_H
#define HTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct htest {
	const char *name;
	void (*fn)(int *failed);
};

#define HTEST_MAX 512
extern struct htest htest_table[HTEST_MAX];
extern int htest_count;

#define HTEST(tname)							\
	static void htest_fn_##tname(int *htest_failed);		\
	__attribute__((constructor)) static void htest_reg_##tname(void) \
	{								\
		if (htest_count < HTEST_MAX)				\
			htest_table[htest_count++] = (struct htest){	\
				#tname, htest_fn_##tname };		\
	}								\
	static void htest_fn_##tname(int *htest_failed)

#define EXPECT(cond)							\
	do {								\
		if (!(cond)) {						\
			printf("# %s:%d: expected %s\n", __FILE__,	\
			       __LINE__, #cond);			\
			*htest_failed = 1;				\
			return;						\
		}							\
	} while (0)

#define EXPECT_EQ(a, b)							\
	do {								\
		long long htest_a = (long long)(a);			\
		long long htest_b = (long long)(b);			\
		if (htest_a != htest_b) {				\
			printf("# %s:%d: expected %s == %s (%lld != %lld)\n", \
			       __FILE__, __LINE__, #a, #b, htest_a, htest_b); \
			*htest_failed = 1;				\
			return;						\
		}							\
	} while (0)

#define EXPECT_STREQ(a, b)						\
	do {								\
		const char *htest_a = (a), *htest_b = (b);		\
		if (strcmp(htest_a, htest_b) != 0) {			\
			printf("# %s:%d: expected \"%s\" == \"%s\"\n",	\
			       __FILE__, __LINE__, htest_a, htest_b);	\
			*htest_failed = 1;				\
			return;						\
		}							\
	} while (0)

#define HTEST_MAIN()							\
	struct htest htest_table[HTEST_MAX];				\
	int htest_count;						\
	int main(void)							\
	{								\
		int bad = 0;						\
		setvbuf(stdout, NULL, _IOLBF, 0);			\
		printf("1..%d\n", htest_count);				\
		for (int i = 0; i < htest_count; i++) {			\
			int failed = 0;					\
			htest_table[i].fn(&failed);			\
			printf("%s %d - %s\n", failed ? "not ok" : "ok", \
			       i + 1, htest_table[i].name);		\
			bad |= failed;					\
		}							\
		return bad;						\
	}

#endif
