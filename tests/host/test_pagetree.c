// host-test-sources: fs/pagetree.c
/*
 * Host tests for the tmpfs page-index radix tree: lookups, growth in
 * height, sparse indices, removal, truncation at every kind of boundary,
 * ptree_next, the EFBIG limit, and that every node is freed (ASan's leak
 * checker sees what is left).
 */
#include <stdint.h>
#include "htest.h"
#include "../../fs/pagetree.h"

void *kzalloc(size_t size)
{
	return calloc(1, size);
}

void kfree(const void *p)
{
	free((void *)p);
}

static int freed;

static void count_free(void *item, void *arg)
{
	(void)item;
	(void)arg;
	freed++;
}

static void *item(uint64_t i)
{
	return (void *)(uintptr_t)((i << 4) | 8);
}

HTEST(empty_tree_finds_nothing)
{
	struct ptree t = PTREE_INIT;

	EXPECT(ptree_lookup(&t, 0) == NULL);
	EXPECT(ptree_lookup(&t, 123456789) == NULL);
	EXPECT(ptree_remove(&t, 5) == NULL);
	EXPECT_EQ(ptree_next(&t, 0), -1);
	ptree_truncate(&t, 0, count_free, NULL);
	EXPECT_EQ(t.height, 0);
}

HTEST(insert_lookup_and_growth)
{
	struct ptree t = PTREE_INIT;
	uint64_t idx[] = { 0, 1, 511, 512, 513, 262143, 262144, 1000000, 134217727,
			   134217728, PTREE_MAX_INDEX };

	for (size_t i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
		EXPECT_EQ(ptree_insert(&t, idx[i], item(idx[i])), 0);
		for (size_t j = 0; j <= i; j++)
			EXPECT(ptree_lookup(&t, idx[j]) == item(idx[j]));
	}
	EXPECT_EQ(t.height, 4);
	EXPECT(ptree_lookup(&t, 2) == NULL);
	EXPECT(ptree_lookup(&t, 1000001) == NULL);
	freed = 0;
	ptree_truncate(&t, 0, count_free, NULL);
	EXPECT_EQ(freed, (int)(sizeof(idx) / sizeof(idx[0])));
	EXPECT_EQ(t.height, 0);
	EXPECT(t.root == NULL);
}

HTEST(index_beyond_limit_is_efbig)
{
	struct ptree t = PTREE_INIT;

	EXPECT_EQ(ptree_insert(&t, PTREE_MAX_INDEX + 1, item(1)), -27 /* EFBIG */);
	EXPECT_EQ(ptree_insert(&t, ~0ULL, item(1)), -27);
	ptree_truncate(&t, 0, count_free, NULL);
}

HTEST(truncate_keeps_lower_indices)
{
	struct ptree t = PTREE_INIT;

	for (uint64_t i = 0; i < 2000; i++)
		EXPECT_EQ(ptree_insert(&t, i * 3, item(i * 3)), 0);
	freed = 0;
	ptree_truncate(&t, 1537, count_free, NULL);
	for (uint64_t i = 0; i < 2000; i++) {
		if (i * 3 < 1537)
			EXPECT(ptree_lookup(&t, i * 3) == item(i * 3));
		else
			EXPECT(ptree_lookup(&t, i * 3) == NULL);
	}
	EXPECT_EQ(freed, 2000 - 513);
	freed = 0;
	ptree_truncate(&t, 512, count_free, NULL);
	EXPECT(ptree_lookup(&t, 510) == item(510));
	EXPECT(ptree_lookup(&t, 513) == NULL);
	EXPECT_EQ(freed, (1536 - 513) / 3 + 1);
	ptree_truncate(&t, 0, count_free, NULL);
	EXPECT_EQ(t.height, 0);
}

HTEST(remove_and_next)
{
	struct ptree t = PTREE_INIT;

	EXPECT_EQ(ptree_insert(&t, 7, item(7)), 0);
	EXPECT_EQ(ptree_insert(&t, 70000, item(70000)), 0);
	EXPECT_EQ(ptree_insert(&t, 9000000, item(9000000)), 0);
	EXPECT_EQ(ptree_next(&t, 0), 7);
	EXPECT_EQ(ptree_next(&t, 7), 7);
	EXPECT_EQ(ptree_next(&t, 8), 70000);
	EXPECT_EQ(ptree_next(&t, 70001), 9000000);
	EXPECT_EQ(ptree_next(&t, 9000001), -1);
	EXPECT(ptree_remove(&t, 70000) == item(70000));
	EXPECT(ptree_remove(&t, 70000) == NULL);
	EXPECT_EQ(ptree_next(&t, 8), 9000000);
	EXPECT_EQ(ptree_insert(&t, 70000, item(5)), 0);
	EXPECT(ptree_lookup(&t, 70000) == item(5));
	ptree_truncate(&t, 0, count_free, NULL);
}

HTEST_MAIN()
