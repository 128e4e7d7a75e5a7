/*
 * Heapsort of an array of fixed-size elements with a comparison function,
 * like the C library's qsort but O(n log n) in the worst case with constant
 * stack use, which suits kernel stacks. Not stable.
 */
#include <ferrite/sort.h>

static void sort_swap(char *a, char *b, size_t size)
{
	while (size--) {
		char t = *a;

		*a++ = *b;
		*b++ = t;
	}
}

/* Move element @i down the max-heap of @n elements until the heap holds. */
static void sort_sift_down(char *base, size_t i, size_t n, size_t size,
			   int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= n)
			return;
		if (child + 1 < n && cmp(base + child * size, base + (child + 1) * size) < 0)
			child++;
		if (cmp(base + i * size, base + child * size) >= 0)
			return;
		sort_swap(base + i * size, base + child * size, size);
		i = child;
	}
}

/* Sort @n elements of @size bytes at @base into ascending order by @cmp. */
void sort_array(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	char *b = base;

	if (n < 2)
		return;
	for (size_t i = n / 2; i-- > 0;)
		sort_sift_down(b, i, n, size, cmp);
	for (size_t end = n - 1; end > 0; end--) {
		sort_swap(b, b + end * size, size);
		sort_sift_down(b, 0, end, size, cmp);
	}
}
