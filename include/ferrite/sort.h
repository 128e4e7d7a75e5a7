/* In-place sorting of arrays (heapsort: no recursion, no allocation). */
#ifndef FERRITE_SORT_H
#define FERRITE_SORT_H

#include <ferrite/compiler.h>

void sort_array(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

#endif
