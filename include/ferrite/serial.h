/*
 * The COM1 serial port (16550 UART): the kernel's first console and the
 * tty line ttyS0.
 */
#ifndef FERRITE_SERIAL_H
#define FERRITE_SERIAL_H

#include <ferrite/compiler.h>

struct tty;

/* Boot, first thing: program the UART and register the printk console. 0 or -ENODEV. */
int serial_init(void);
/* True once serial_init found a UART. */
bool serial_is_present(void);
/* Console output: "\n" becomes "\r\n". Any context; takes the UART lock (bounded wait). */
void serial_write(const char *s, size_t len);
/* Raw output for the tty. Any context; takes the UART lock per FIFO burst. */
void serial_tx(const char *s, size_t len);
/*
 * From tty_init (after the I/O APIC is up): create ttyS0 and enable the
 * receive interrupt on this CPU. The tty, or NULL without a UART or memory.
 */
struct tty *serial_tty_create(void);

#endif
