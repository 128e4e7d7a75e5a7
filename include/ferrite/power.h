/* Power-off and restart of the whole machine. */
#ifndef FERRITE_POWER_H
#define FERRITE_POWER_H

#include <ferrite/compiler.h>

/* Switch the machine off (ACPI S5); returns only if that failed. */
void machine_power_off(void);
/* Restart: ACPI reset register, then the 8042, then a triple fault. */
__noreturn void machine_restart(void);
/* Leave QEMU with exit status (code << 1) | 1 through isa-debug-exit, if present. */
void machine_debug_exit(int code);

#endif
