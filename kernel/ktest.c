/*
 * The in-kernel test runner: walks the .ktest section, runs the selected
 * tests one after another on the boot CPU and prints TAP.
 */
#include <ferrite/ktest.h>
#include <ferrite/page_alloc.h>
#include <ferrite/string.h>

extern const struct ktest __ktest_start[], __ktest_end[];

static bool ktest_selected(const struct ktest *t, const char *prefix)
{
	return strncmp(t->name, prefix, strlen(prefix)) == 0;
}

int ktest_run(const char *prefix)
{
	const struct ktest *t;
	int total = 0, failed = 0, n = 0;

	for (t = __ktest_start; t < __ktest_end; t++)
		total += ktest_selected(t, prefix);
	printk(KERN_INFO "KTAP version 1\n");
	printk(KERN_INFO "1..%d\n", total);
	for (t = __ktest_start; t < __ktest_end; t++) {
		struct ktest_ctx ctx = { .failed = false };

		if (!ktest_selected(t, prefix))
			continue;
		t->fn(&ctx);
		n++;
		failed += ctx.failed;
		printk(KERN_INFO "%s %d - %s\n", ctx.failed ? "not ok" : "ok", n, t->name);
	}
	printk(KERN_INFO "# ktest: %d passed, %d failed\n", total - failed, failed);
	return failed;
}
