/*
 * The legacy 8259A interrupt controller pair (Intel 8259A datasheet).
 * Ferrite takes device interrupts through the I/O APIC only, so the pair is
 * re-initialised with its vectors moved to 0x20-0x2f, clear of the CPU
 * exceptions, and then fully masked. A spurious IRQ 7/15 could still be
 * raised while a line is being masked; those vectors are swallowed.
 */
#include <ferrite/printk.h>
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/trap.h>

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define PIC_VECTOR_BASE	0x20

#define ICW1_INIT	0x10
#define ICW1_ICW4	0x01
#define ICW4_8086	0x01

/* A write to the unused port 0x80 gives old PICs time between commands. */
static void pic_io_wait(void)
{
	arch_outb(0x80, 0);
}

static void pic_write(uint16_t port, uint8_t v)
{
	arch_outb(port, v);
	pic_io_wait();
}

static void pic_spurious(struct trap_frame *frame __unused, void *arg __unused)
{
	/* Spurious 8259 interrupts take no EOI. */
}

/*
 * Boot CPU, from apic_init: remap the pair to vectors 0x20-0x2f and mask
 * every line. Idempotent; needs no lock (runs before other CPUs).
 */
void pic_disable(void)
{
	pic_write(PIC1_CMD, ICW1_INIT | ICW1_ICW4);
	pic_write(PIC2_CMD, ICW1_INIT | ICW1_ICW4);
	pic_write(PIC1_DATA, PIC_VECTOR_BASE);		/* ICW2: vector base */
	pic_write(PIC2_DATA, PIC_VECTOR_BASE + 8);
	pic_write(PIC1_DATA, 1 << 2);			/* ICW3: slave on IRQ 2 */
	pic_write(PIC2_DATA, 2);			/* ICW3: cascade identity */
	pic_write(PIC1_DATA, ICW4_8086);
	pic_write(PIC2_DATA, ICW4_8086);
	pic_write(PIC1_DATA, 0xff);			/* OCW1: mask everything */
	pic_write(PIC2_DATA, 0xff);
	trap_register(PIC_VECTOR_BASE + 7, pic_spurious, NULL);
	trap_register(PIC_VECTOR_BASE + 15, pic_spurious, NULL);
}
