/*
 * Error numbers: Linux's own, from the UAPI headers, so the values returned
 * to user space are exactly Linux's. Kernel functions return -ERRNO.
 */
#ifndef FERRITE_ERRNO_H
#define FERRITE_ERRNO_H

#include <asm-generic/errno.h>

#define MAX_ERRNO	4095
#define IS_ERR_VALUE(x)	((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)

static inline void *ERR_PTR(long error)
{
	return (void *)error;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline int IS_ERR(const void *ptr)
{
	return IS_ERR_VALUE((unsigned long)ptr);
}

static inline int IS_ERR_OR_NULL(const void *ptr)
{
	return !ptr || IS_ERR_VALUE((unsigned long)ptr);
}

#endif
