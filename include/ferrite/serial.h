/* The COM1 serial console (16550 UART). */
#ifndef FERRITE_SERIAL_H
#define FERRITE_SERIAL_H

#include <ferrite/compiler.h>

int serial_init(void);
void serial_write(const char *s, size_t len);

#endif
