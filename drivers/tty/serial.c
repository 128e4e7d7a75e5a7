/*
 * 16550 UART on COM1 (I/O port 0x3F8), polled output at 115200 8N1. It is
 * the kernel's first console and carries the test harness's TAP output.
 * Input and interrupts come with the tty layer.
 */
#include <ferrite/printk.h>
#include <ferrite/serial.h>
#include <ferrite/errno.h>
#include <arch/cpu.h>

#define COM1		0x3f8
#define UART_THR	0	/* transmit holding register */
#define UART_IER	1	/* interrupt enable */
#define UART_DLL	0	/* divisor latch, low (DLAB = 1) */
#define UART_DLM	1	/* divisor latch, high (DLAB = 1) */
#define UART_FCR	2	/* FIFO control */
#define UART_LCR	3	/* line control */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */
#define UART_SCR	7	/* scratch */
#define LSR_THRE	0x20	/* transmit holding register empty */

static bool serial_present;

static void serial_putc(char c)
{
	int spins = 100000;

	while (!(arch_inb(COM1 + UART_LSR) & LSR_THRE) && --spins)
		arch_cpu_relax();
	arch_outb(COM1 + UART_THR, (uint8_t)c);
}

/* Write @len bytes of @s, turning "\n" into "\r\n" for terminals. */
void serial_write(const char *s, size_t len)
{
	if (!serial_present)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

static void serial_console_write(struct console *con, const char *s, size_t len)
{
	(void)con;
	serial_write(s, len);
}

static struct console serial_console = {
	.name = "ttyS0",
	.write = serial_console_write,
};

/*
 * Program COM1 for 115200 8N1 with FIFOs and register it as a console.
 * Returns 0, or -ENODEV when no UART answers (the scratch register test).
 */
int serial_init(void)
{
	arch_outb(COM1 + UART_SCR, 0x5a);
	if (arch_inb(COM1 + UART_SCR) != 0x5a)
		return -ENODEV;
	arch_outb(COM1 + UART_IER, 0x00);
	arch_outb(COM1 + UART_LCR, 0x80);
	arch_outb(COM1 + UART_DLL, 1);	/* 115200 / 1 */
	arch_outb(COM1 + UART_DLM, 0);
	arch_outb(COM1 + UART_LCR, 0x03);
	arch_outb(COM1 + UART_FCR, 0xc7);
	arch_outb(COM1 + UART_MCR, 0x0b);
	serial_present = true;
	console_register(&serial_console);
	return 0;
}
