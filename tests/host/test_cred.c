// host-test-sources: kernel/cred.c kernel/rlimit.c lib/sort.c
/*
 * Host tests for the credential and resource-limit rules: the id
 * transitions of setuid, setreuid, setresuid and setfsuid (Linux's
 * kernel/sys.c semantics, root standing for CAP_SETUID), supplementary
 * group lists, and the default and allowed resource limits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/resource.h>
#include "htest.h"
#include <ferrite/cred.h>
#include <ferrite/rlimit.h>

void *kmalloc(size_t size)
{
	return malloc(size);
}

void kfree(const void *p)
{
	free((void *)p);
}

static uint64_t fake_total_pages = 32768;	/* 128 MiB */

uint64_t page_alloc_total_pages(void)
{
	return fake_total_pages;
}

void rlimit_init_defaults(struct rlimit64 *rlim);

#define IDS(a, b, c, d) ((struct cred_ids){ a, b, c, d })

static bool ids_eq(struct cred_ids x, struct cred_ids y)
{
	return x.r == y.r && x.e == y.e && x.s == y.s && x.fs == y.fs;
}

HTEST(setuid_root_sets_all_four)
{
	struct cred_ids c = IDS(0, 0, 0, 0);
	const int arg[3] = { 1000 };

	EXPECT_EQ(cred_rule_set(&c, true, arg), 0);
	EXPECT(ids_eq(c, IDS(1000, 1000, 1000, 1000)));
}

HTEST(setuid_user_to_real_or_saved_only)
{
	struct cred_ids c = IDS(1000, 2000, 3000, 2000);
	int arg[3] = { 3000 };

	EXPECT_EQ(cred_rule_set(&c, false, arg), 0);
	EXPECT(ids_eq(c, IDS(1000, 3000, 3000, 3000)));
	arg[0] = 1000;
	EXPECT_EQ(cred_rule_set(&c, false, arg), 0);
	EXPECT(ids_eq(c, IDS(1000, 1000, 3000, 1000)));
	arg[0] = 4000;
	EXPECT_EQ(cred_rule_set(&c, false, arg), -EPERM);
	EXPECT(ids_eq(c, IDS(1000, 1000, 3000, 1000)));
}

HTEST(setreuid_rules)
{
	struct cred_ids c = IDS(1000, 2000, 2000, 2000);
	int arg[3] = { 2000, 1000 };

	/* Swapping real and effective: the saved id follows the new effective one. */
	EXPECT_EQ(cred_rule_setre(&c, false, arg), 0);
	EXPECT(ids_eq(c, IDS(2000, 1000, 1000, 1000)));
	/* Effective to the old real id only: saved unchanged. */
	c = IDS(1000, 2000, 2000, 2000);
	arg[0] = ID_UNCHANGED, arg[1] = 1000;
	EXPECT_EQ(cred_rule_setre(&c, false, arg), 0);
	EXPECT(ids_eq(c, IDS(1000, 1000, 2000, 1000)));
	/* Back to the saved id: allowed, and saved becomes it (it is not the real id). */
	arg[1] = 2000;
	EXPECT_EQ(cred_rule_setre(&c, false, arg), 0);
	EXPECT(ids_eq(c, IDS(1000, 2000, 2000, 2000)));
	/* Real id to the saved id is not allowed for a user (only real or effective). */
	c = IDS(1000, 1000, 3000, 1000);
	arg[0] = 3000, arg[1] = ID_UNCHANGED;
	EXPECT_EQ(cred_rule_setre(&c, false, arg), -EPERM);
	EXPECT(ids_eq(c, IDS(1000, 1000, 3000, 1000)));
	/* A failing second half leaves everything unchanged. */
	arg[0] = 1000, arg[1] = 5000;
	EXPECT_EQ(cred_rule_setre(&c, false, arg), -EPERM);
	EXPECT(ids_eq(c, IDS(1000, 1000, 3000, 1000)));
	/* Root may set anything. */
	c = IDS(0, 0, 0, 0);
	arg[0] = 7, arg[1] = 8;
	EXPECT_EQ(cred_rule_setre(&c, true, arg), 0);
	EXPECT(ids_eq(c, IDS(7, 8, 8, 8)));
	/* (-1, -1) changes nothing but realigns fs with effective. */
	c = IDS(1, 2, 3, 4);
	arg[0] = arg[1] = ID_UNCHANGED;
	EXPECT_EQ(cred_rule_setre(&c, false, arg), 0);
	EXPECT(ids_eq(c, IDS(1, 2, 3, 2)));
}

HTEST(setresuid_rules)
{
	struct cred_ids c = IDS(1000, 2000, 3000, 2000);
	int arg[3] = { 3000, 1000, 2000 };

	EXPECT_EQ(cred_rule_setres(&c, false, arg), 0);
	EXPECT(ids_eq(c, IDS(3000, 1000, 2000, 1000)));
	arg[0] = ID_UNCHANGED, arg[1] = 4000, arg[2] = ID_UNCHANGED;
	EXPECT_EQ(cred_rule_setres(&c, false, arg), -EPERM);
	EXPECT(ids_eq(c, IDS(3000, 1000, 2000, 1000)));
	EXPECT_EQ(cred_rule_setres(&c, true, arg), 0);
	EXPECT(ids_eq(c, IDS(3000, 4000, 2000, 4000)));
}

HTEST(setfsuid_rules)
{
	struct cred_ids c = IDS(1000, 2000, 3000, 2000);

	EXPECT(cred_rule_setfs(&c, false, 3000));
	EXPECT_EQ(c.fs, 3000);
	EXPECT(!cred_rule_setfs(&c, false, 4000));
	EXPECT_EQ(c.fs, 3000);
	EXPECT(!cred_rule_setfs(&c, true, ID_UNCHANGED));
	EXPECT(cred_rule_setfs(&c, true, 4000));
	EXPECT_EQ(c.fs, 4000);
	EXPECT(cred_rule_setfs(&c, false, 4000));	/* the current fs id itself */
}

HTEST(groups_sorted_and_searched)
{
	struct group_info *gi = groups_alloc(5);
	const int in[5] = { 100, 4, -2, 27, 0 };

	EXPECT(gi);
	memcpy(gi->gid, in, sizeof(in));
	groups_sort(gi);
	/* Sorted as unsigned gid_t: (gid_t)-2 is the largest. */
	EXPECT_EQ(gi->gid[0], 0);
	EXPECT_EQ(gi->gid[1], 4);
	EXPECT_EQ(gi->gid[3], 100);
	EXPECT_EQ(gi->gid[4], -2);
	EXPECT(groups_search(gi, 27));
	EXPECT(groups_search(gi, -2));
	EXPECT(groups_search(gi, 0));
	EXPECT(!groups_search(gi, 5));
	EXPECT(!groups_search(NULL, 0));
	EXPECT(groups_get(gi) == gi);
	groups_put(gi);
	groups_put(gi);
	groups_put(NULL);
	EXPECT(groups_alloc(-1) == NULL);
	EXPECT(groups_alloc(CRED_NGROUPS_MAX + 1) == NULL);
	gi = groups_alloc(0);
	EXPECT(gi && gi->ngroups == 0 && !groups_search(gi, 0));
	groups_put(gi);
}

HTEST(rlimit_defaults_are_linux)
{
	struct rlimit64 r[RLIM_NLIMITS];

	rlimit_init_defaults(r);
	EXPECT(r[RLIMIT_CPU].rlim_cur == RLIM64_INFINITY && r[RLIMIT_CPU].rlim_max == RLIM64_INFINITY);
	EXPECT_EQ(r[RLIMIT_STACK].rlim_cur, 8 << 20);
	EXPECT(r[RLIMIT_STACK].rlim_max == RLIM64_INFINITY);
	EXPECT_EQ(r[RLIMIT_CORE].rlim_cur, 0);
	EXPECT(r[RLIMIT_CORE].rlim_max == RLIM64_INFINITY);
	EXPECT_EQ(r[RLIMIT_NOFILE].rlim_cur, 1024);
	EXPECT_EQ(r[RLIMIT_NOFILE].rlim_max, 4096);
	EXPECT_EQ(r[RLIMIT_MEMLOCK].rlim_cur, 8 << 20);
	EXPECT_EQ(r[RLIMIT_MSGQUEUE].rlim_max, 819200);
	EXPECT_EQ(r[RLIMIT_NICE].rlim_max, 0);
	EXPECT_EQ(r[RLIMIT_RTPRIO].rlim_cur, 0);
	EXPECT(r[RLIMIT_RTTIME].rlim_cur == RLIM64_INFINITY);
	/* 128 MiB: max_threads 1024, NPROC and SIGPENDING half of it. */
	EXPECT_EQ(r[RLIMIT_NPROC].rlim_cur, 512);
	EXPECT_EQ(r[RLIMIT_SIGPENDING].rlim_max, 512);
	EXPECT_EQ(rlimit_max_threads(1), 20);
	EXPECT_EQ(rlimit_max_threads(UINT64_MAX), 0x3fffffff);
	EXPECT_EQ(rlimit_max_threads(4ULL << 20), 131072);	/* 16 GiB */
}

HTEST(rlimit_changes)
{
	struct rlimit64 old = { 1024, 4096 }, new = { 2048, 4096 };

	EXPECT_EQ(rlimit_check(RLIMIT_NOFILE, &old, &new, false), 0);
	new = (struct rlimit64){ 4097, 4096 };
	EXPECT_EQ(rlimit_check(RLIMIT_NOFILE, &old, &new, true), -EINVAL);
	new = (struct rlimit64){ 1024, 8192 };
	EXPECT_EQ(rlimit_check(RLIMIT_NOFILE, &old, &new, false), -EPERM);
	EXPECT_EQ(rlimit_check(RLIMIT_NOFILE, &old, &new, true), 0);
	new = (struct rlimit64){ 1024, (1 << 20) + 1 };
	EXPECT_EQ(rlimit_check(RLIMIT_NOFILE, &old, &new, true), -EPERM);
	new = (struct rlimit64){ 0, 0 };
	EXPECT_EQ(rlimit_check(RLIMIT_CORE, &old, &new, false), 0);
	EXPECT_EQ(rlimit_check(RLIM_NLIMITS, &old, &new, true), -EINVAL);
	EXPECT_EQ(rlimit_check(-1, &old, &new, true), -EINVAL);
	old = (struct rlimit64){ RLIM64_INFINITY, RLIM64_INFINITY };
	new = (struct rlimit64){ RLIM64_INFINITY, RLIM64_INFINITY };
	EXPECT_EQ(rlimit_check(RLIMIT_STACK, &old, &new, false), 0);
}

HTEST_MAIN()
