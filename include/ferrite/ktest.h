/*
 * In-kernel tests, KUnit style. A test is a function registered with
 * KTEST(name) in the .ktest section; "ktest" on the command line runs them
 * all after boot ("ktest=prefix" runs those whose name starts with prefix),
 * prints TAP on the console, and leaves QEMU through isa-debug-exit with
 * status 1 when all passed, 3 when any failed.
 */
#ifndef FERRITE_KTEST_H
#define FERRITE_KTEST_H

#include <ferrite/compiler.h>
#include <ferrite/printk.h>

struct ktest_ctx {
	bool failed;
};

struct ktest {
	const char *name;
	void (*fn)(struct ktest_ctx *ctx);
};

#define KTEST(tname)							\
	static void ktest_fn_##tname(struct ktest_ctx *ktest_ctx);	\
	static const struct ktest ktest_##tname __used			\
		__section(".ktest") __aligned(8) = { #tname, ktest_fn_##tname }; \
	static void ktest_fn_##tname(struct ktest_ctx *ktest_ctx)

#define KEXPECT(cond)							\
	do {								\
		if (!(cond)) {						\
			printk(KERN_ERR "# %s:%d: expected %s\n",	\
			       __FILE__, __LINE__, #cond);		\
			ktest_ctx->failed = true;			\
			return;						\
		}							\
	} while (0)

#define KEXPECT_EQ(a, b)						\
	do {								\
		long long __a = (long long)(a), __b = (long long)(b);	\
		if (__a != __b) {					\
			printk(KERN_ERR "# %s:%d: expected %s == %s (%lld != %lld)\n", \
			       __FILE__, __LINE__, #a, #b, __a, __b);	\
			ktest_ctx->failed = true;			\
			return;						\
		}							\
	} while (0)

/* Run the tests whose names start with @prefix ("" = all); returns failures. */
int ktest_run(const char *prefix);

#endif
