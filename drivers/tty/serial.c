/*
 * 16550 UART on COM1 (I/O port 0x3F8, ISA IRQ 4), 115200 8N1 with FIFOs.
 * It is the kernel's first console (printk, the test harness's TAP output)
 * and the tty line ttyS0: output is polled (the transmitter is fast next to
 * everything that writes to it), input comes by the "received data" and
 * "character timeout" interrupts, routed through the I/O APIC.
 *
 * The transmitter is shared by printk and the tty under uart_lock, a leaf
 * taken irqsave, held for one burst of up to a FIFO's worth of bytes so
 * neither side waits long. Registers: National Semiconductor PC16550D
 * datasheet.
 */
#define pr_fmt(fmt) "serial: " fmt

#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <ferrite/serial.h>
#include <ferrite/string.h>
#include <ferrite/tty.h>
#include <ferrite/uaccess.h>
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/trap.h>
#include <linux/serial.h>

#define COM1		0x3f8
#define COM1_IRQ	4	/* ISA IRQ */
#define UART_CLOCK_BAUD	115200	/* 1.8432 MHz / 16 */
#define UART_RBR	0	/* receive buffer (read) */
#define UART_THR	0	/* transmit holding register (write) */
#define UART_IER	1	/* interrupt enable */
#define UART_DLL	0	/* divisor latch, low (DLAB = 1) */
#define UART_DLM	1	/* divisor latch, high (DLAB = 1) */
#define UART_IIR	2	/* interrupt identification (read) */
#define UART_FCR	2	/* FIFO control (write) */
#define UART_LCR	3	/* line control */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */
#define UART_SCR	7	/* scratch */
#define IER_RDI		0x01	/* received data available (and FIFO timeout) */
#define IIR_NO_INT	0x01	/* no interrupt pending */
#define FCR_ENABLE_1	0x07	/* FIFOs on and cleared, interrupt at 1 byte */
#define LCR_DLAB	0x80
#define MCR_DTR_RTS_OUT2 0x0b	/* OUT2 gates the interrupt line on PCs */
#define LSR_DR		0x01	/* data ready */
#define LSR_THRE	0x20	/* transmit holding register empty */
#define UART_FIFO_SIZE	16
#define RX_BURST	64	/* bytes handed to the tty per call */

static bool serial_present;			/* [I] after serial_init */
static DEFINE_SPINLOCK(uart_lock);		/* transmitter, LCR/divisor */

/* Wait for the holding register (bounded: a missing UART must not hang us). */
static void serial_wait_thre(void)
{
	int spins = 100000;

	while (!(arch_inb(COM1 + UART_LSR) & LSR_THRE) && --spins)
		arch_cpu_relax();
}

/* Send @len raw bytes (no translation). Takes uart_lock per FIFO burst. */
void serial_tx(const char *s, size_t len)
{
	if (!serial_present)
		return;
	while (len) {
		size_t burst = MIN(len, (size_t)UART_FIFO_SIZE);
		unsigned long flags = spin_lock_irqsave(&uart_lock);

		for (size_t i = 0; i < burst; i++) {
			serial_wait_thre();
			arch_outb(COM1 + UART_THR, (uint8_t)s[i]);
		}
		spin_unlock_irqrestore(&uart_lock, flags);
		s += burst;
		len -= burst;
	}
}

/*
 * Take uart_lock for console output, giving up after a bounded wait: a CPU
 * that crashed holding it must not silence the panic messages. True if held.
 */
static bool serial_console_lock(unsigned long *flags)
{
	*flags = arch_irq_save();
	for (int tries = 0; tries < 1000000; tries++) {
		if (spin_trylock(&uart_lock))
			return true;
		arch_cpu_relax();
	}
	return false;
}

/* Write @len bytes of @s for the console, turning "\n" into "\r\n". */
void serial_write(const char *s, size_t len)
{
	unsigned long flags;
	bool locked;

	if (!serial_present)
		return;
	locked = serial_console_lock(&flags);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n') {
			serial_wait_thre();
			arch_outb(COM1 + UART_THR, '\r');
		}
		serial_wait_thre();
		arch_outb(COM1 + UART_THR, (uint8_t)s[i]);
	}
	if (locked)
		spin_unlock(&uart_lock);
	arch_irq_restore(flags);
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
 * Interrupts stay off until serial_tty_create(). Returns 0, or -ENODEV
 * when no UART answers (the scratch register test).
 */
int serial_init(void)
{
	arch_outb(COM1 + UART_SCR, 0x5a);
	if (arch_inb(COM1 + UART_SCR) != 0x5a)
		return -ENODEV;
	arch_outb(COM1 + UART_IER, 0x00);
	arch_outb(COM1 + UART_LCR, LCR_DLAB);
	arch_outb(COM1 + UART_DLL, 1);	/* 115200 / 1 */
	arch_outb(COM1 + UART_DLM, 0);
	arch_outb(COM1 + UART_LCR, 0x03);
	arch_outb(COM1 + UART_FCR, FCR_ENABLE_1);
	arch_outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
	serial_present = true;
	console_register(&serial_console);
	return 0;
}

bool serial_is_present(void)
{
	return serial_present;
}

/* ---- the ttyS0 line ---- */

/* Hand every byte waiting in the receive FIFO to @tty. */
static void serial_rx_drain(struct tty *tty)
{
	char buf[RX_BURST];
	size_t n;

	do {
		n = 0;
		while (n < sizeof(buf) && (arch_inb(COM1 + UART_LSR) & LSR_DR))
			buf[n++] = (char)arch_inb(COM1 + UART_RBR);
		if (n)
			tty_receive(tty, buf, n);
	} while (n == sizeof(buf));
}

/*
 * COM1 interrupt: drain the receive FIFO until the UART says nothing is
 * pending. IRQ 4 is edge-triggered, so returning while the UART still
 * holds its line up would lose every later interrupt; hence the IIR loop.
 */
static void serial_interrupt(struct trap_frame *frame, void *arg)
{
	int rounds = 64;

	(void)frame;
	while (!(arch_inb(COM1 + UART_IIR) & IIR_NO_INT) && --rounds) {
		serial_rx_drain(arg);
		(void)arch_inb(COM1 + UART_LSR);	/* clears a line-status event */
	}
	lapic_eoi();
}

static void serial_tty_write(struct tty *tty, const char *s, size_t len)
{
	(void)tty;
	serial_tx(s, len);
}

/*
 * New termios: program the divisor and the line control register from
 * the termios (c_ospeed; CSIZE, CSTOPB, PARENB, PARODD of c_cflag), as
 * Linux's serial8250_do_set_termios does. B0 (hang up) and speeds the UART
 * cannot make leave the speed alone. Called with tty->lock held.
 */
static void serial_tty_set_termios(struct tty *tty, const struct ktermios *old)
{
	unsigned int cflag = tty->termios.c_cflag;
	unsigned int baud = tty->termios.c_ospeed;
	unsigned long flags;
	uint8_t lcr;

	if (old && old->c_cflag == cflag && old->c_ospeed == baud)
		return;
	/* The divisor makes 115200 / n; other rates (and B0) keep the old one. */
	if (!baud || baud > UART_CLOCK_BAUD || UART_CLOCK_BAUD % baud)
		baud = 0;
	lcr = (uint8_t)(((cflag & CSIZE) >> 4) & 3);	/* CS5..CS8 -> 0..3 */
	if (cflag & CSTOPB)
		lcr |= 0x04;
	if (cflag & PARENB)
		lcr |= 0x08;
	if ((cflag & PARENB) && !(cflag & PARODD))
		lcr |= 0x10;
	flags = spin_lock_irqsave(&uart_lock);
	serial_wait_thre();
	if (baud) {
		unsigned int div = UART_CLOCK_BAUD / baud;

		arch_outb(COM1 + UART_LCR, LCR_DLAB);
		arch_outb(COM1 + UART_DLL, (uint8_t)div);
		arch_outb(COM1 + UART_DLM, (uint8_t)(div >> 8));
	}
	arch_outb(COM1 + UART_LCR, lcr);
	spin_unlock_irqrestore(&uart_lock, flags);
}

/* TIOCGSERIAL: describe the port as Linux's 8250 driver does. */
static long serial_get_serial(uint64_t arg)
{
	struct serial_struct ss;

	memset(&ss, 0, sizeof(ss));
	ss.type = PORT_16550A;
	ss.line = 0;
	ss.port = COM1;
	ss.irq = COM1_IRQ;
	ss.xmit_fifo_size = UART_FIFO_SIZE;
	ss.baud_base = UART_CLOCK_BAUD;
	ss.close_delay = 50;
	ss.closing_wait = 3000;
	ss.io_type = 0;		/* SERIAL_IO_PORT */
	return copy_to_user((void *)arg, &ss, sizeof(ss)) ? -EFAULT : 0;
}

/* TIOCMGET: modem lines from the MCR and MSR. */
static long serial_get_mctrl(uint64_t arg)
{
	uint8_t mcr = arch_inb(COM1 + UART_MCR), msr = arch_inb(COM1 + 6);
	int bits = 0;

	bits |= (mcr & 0x01) ? TIOCM_DTR : 0;
	bits |= (mcr & 0x02) ? TIOCM_RTS : 0;
	bits |= (msr & 0x10) ? TIOCM_CTS : 0;
	bits |= (msr & 0x20) ? TIOCM_DSR : 0;
	bits |= (msr & 0x40) ? TIOCM_RNG : 0;
	bits |= (msr & 0x80) ? TIOCM_CAR : 0;
	return copy_to_user((void *)arg, &bits, sizeof(bits)) ? -EFAULT : 0;
}

/* Hold the line in the break condition (LCR bit 6) or release it. */
static void serial_tty_break(struct tty *tty, bool on)
{
	unsigned long flags = spin_lock_irqsave(&uart_lock);
	uint8_t lcr = arch_inb(COM1 + UART_LCR);

	(void)tty;
	serial_wait_thre();
	arch_outb(COM1 + UART_LCR, on ? (lcr | 0x40) : (lcr & ~0x40));
	spin_unlock_irqrestore(&uart_lock, flags);
}

static long serial_tty_ioctl(struct tty *tty, unsigned int cmd, uint64_t arg)
{
	(void)tty;
	switch (cmd) {
	case TIOCGSERIAL:
		return serial_get_serial(arg);
	case TIOCMGET:
		return serial_get_mctrl(arg);
	default:
		return -ENOIOCTLCMD;
	}
}

static const struct tty_driver_ops serial_tty_ops = {
	.write = serial_tty_write,
	.set_termios = serial_tty_set_termios,
	.ioctl = serial_tty_ioctl,
	.break_ctl = serial_tty_break,
};

/*
 * Create the ttyS0 tty (major 4, minor 64) on COM1 and start receiving:
 * COM1's IRQ goes to this CPU on vector VEC_IRQ_BASE + 4 and the UART's
 * receive interrupt is enabled. The console's termios is Linux's for a
 * serial console at 115200 (CLOCAL set). Returns the tty, or NULL without a
 * UART or memory. Without interrupt routing the tty is output-only (logged).
 */
struct tty *serial_tty_create(void)
{
	struct tty *tty;
	unsigned int vector = VEC_IRQ_BASE + COM1_IRQ;
	int err;

	if (!serial_present)
		return NULL;
	tty = tty_alloc("ttyS0", 4, 64, &serial_tty_ops, NULL);
	if (!tty)
		return NULL;
	tty->termios.c_cflag = B115200 | CS8 | CREAD | HUPCL | CLOCAL;
	tty->termios.c_ispeed = tty->termios.c_ospeed = 115200;
	err = trap_register(vector, serial_interrupt, tty);
	if (!err)
		err = ioapic_route_isa_irq(COM1_IRQ, (uint8_t)vector, lapic_id());
	if (err) {
		pr_err("no receive interrupt for COM1 (%d): ttyS0 is output-only\n", err);
		return tty;
	}
	arch_outb(COM1 + UART_IER, IER_RDI);
	/* Bytes typed before now raised no interrupt: take them. */
	serial_rx_drain(tty);
	pr_info("ttyS0 at I/O %#x (irq = %d, vector %#x) is a 16550A\n", COM1, COM1_IRQ, vector);
	return tty;
}
