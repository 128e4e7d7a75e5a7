/*
 * Host shim for the memory-management unit tests: printk prints to stdout
 * with a "# " prefix (TAP comments) and counts messages by level so tests
 * can check that bad calls were reported.
 */
#ifndef SHIM_MM_H
#define SHIM_MM_H

extern int shim_mm_errors;	/* printk messages at KERN_ERR or more severe */
extern int shim_mm_warnings;	/* printk messages at KERN_WARNING */
extern int shim_mm_infos;	/* printk messages at KERN_NOTICE .. KERN_DEBUG */

#endif
