/*
 * Access to user memory. Every user pointer passes through these: they
 * refuse addresses outside the user half, and a fault on the way (an unmapped
 * or protected page that the fault handler cannot fill) becomes -EFAULT
 * instead of a kernel oops, through the exception fix-up table.
 *
 * They may take page faults (and so the address-space lock): never call
 * them holding a spinlock or the current address space's lock.
 */
#ifndef FERRITE_UACCESS_H
#define FERRITE_UACCESS_H

#include <ferrite/compiler.h>
#include <arch/memlayout.h>

/* Highest user address + 1 (47-bit canonical half, minus the guard page Linux keeps). */
#define USER_ADDR_END	0x00007ffffffff000UL

/* True if [addr, addr+len) lies in the user half. */
static inline bool uaccess_ok(uint64_t addr, uint64_t len)
{
	return addr <= USER_ADDR_END && len <= USER_ADDR_END - addr;
}

/* Copy @len bytes; 0 or -EFAULT. */
int copy_from_user(void *dst, const void *usrc, size_t len);
int copy_to_user(void *udst, const void *src, size_t len);
/* Clear @len user bytes; 0 or -EFAULT. */
int clear_user(void *udst, size_t len);
/*
 * Copy a NUL-terminated string of at most @max bytes (NUL included) from
 * user space. Returns its length without the NUL, -EFAULT, or
 * -ENAMETOOLONG when no NUL came within @max bytes.
 */
long strncpy_from_user(char *dst, const char *usrc, size_t max);
/* Length of a user string including its NUL, capped at @max+1; -EFAULT on a fault. */
long strnlen_user(const char *usrc, size_t max);

#define get_user(x, uptr)  copy_from_user(&(x), (uptr), sizeof(*(uptr)))
#define put_user(x, uptr)  ({ __typeof__(*(uptr)) __v = (x); copy_to_user((uptr), &__v, sizeof(__v)); })

/*
 * Copy a path name from user space into a new kmalloc'd buffer of PATH_MAX
 * bytes; returns it or an ERR_PTR (-EFAULT, -ENAMETOOLONG, -ENOENT for "").
 * Free with kfree.
 */
char *user_path_dup(const char *upath);

#endif
