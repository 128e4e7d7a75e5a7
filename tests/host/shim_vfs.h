/* Host shim for the VFS unit tests (see shim_vfs.c). */
#ifndef SHIM_VFS_H
#define SHIM_VFS_H

#include <ferrite/sched.h>

#define SHIM_BAD_LIMIT	0x10000UL	/* "user" addresses below this fault */

extern struct task shim_task;
extern struct process shim_proc;
extern long shim_pages_live;
extern int shim_spin_depth;
extern int shim_last_signal;

#endif
