/*
 * Local APIC, I/O APIC and the legacy 8259 PIC (masked). The local APIC is
 * used in xAPIC mode through MMIO (x2APIC when the CPU has it is optional).
 * Intel SDM vol. 3 §11; 82093AA I/O APIC datasheet.
 */
#ifndef ARCH_APIC_H
#define ARCH_APIC_H

#include <ferrite/compiler.h>

/* Boot CPU: parse the MADT, mask the PIC, map and enable the local APIC and
 * every I/O APIC. Returns 0 or -errno (then the kernel runs on one CPU
 * without device interrupts, with a warning). */
int apic_init(void);
/* Every other CPU, as it starts: enable its local APIC. */
void apic_init_ap(void);

uint32_t lapic_id(void);		/* APIC id of the running CPU */
void lapic_eoi(void);
/* Send @vector to the CPU with APIC id @apic_id (fixed delivery). */
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
/* Send @vector to every CPU but this one. */
void lapic_send_ipi_others(uint8_t vector);
/* NMI to every CPU but this one (panic stop). */
void lapic_send_nmi_others(void);
/* AP start-up: INIT assert, then STARTUP with the page number of the
 * real-mode trampoline, waiting for delivery each time. 0 or -ETIMEDOUT. */
int lapic_send_init(uint32_t apic_id);
int lapic_send_startup(uint32_t apic_id, uint8_t page);

/* Route ISA IRQ @irq (applying MADT overrides) or GSI @gsi to @vector on
 * the CPU with @apic_id, unmasked. 0 or -ENODEV/-EINVAL. */
int ioapic_route_isa_irq(uint8_t irq, uint8_t vector, uint32_t apic_id);
int ioapic_route_gsi(uint32_t gsi, uint8_t vector, uint32_t apic_id, bool level, bool active_low);
void ioapic_mask_gsi(uint32_t gsi);

/* APIC ids of the CPUs the MADT lists as usable, in MADT order, boot CPU
 * included; @max entries at most; returns how many there are. */
int apic_cpu_ids(uint32_t *ids, int max);

/* True once the boot CPU's local APIC is mapped and enabled (also without
 * a MADT: the local APIC itself needs no ACPI). */
bool lapic_present(void);

/*
 * The running CPU's local APIC timer, clocked at the bus rate divided by
 * 16. Start it counting down from @count, one-shot or periodic, raising
 * @vector at zero unless @masked; lapic_timer_current() reads the count
 * left; lapic_timer_stop() masks it and clears the count. For the timer code.
 */
void lapic_timer_start(uint8_t vector, uint32_t count, bool periodic, bool masked);
uint32_t lapic_timer_current(void);
void lapic_timer_stop(void);

/* For apic_init: the legacy 8259 pair remapped to 0x20-0x2f and fully
 * masked; the I/O APICs of @madt mapped with every pin masked (the MADT
 * info must stay alive: the overrides are read from it later). */
struct acpi_madt_info;
void pic_disable(void);
int ioapic_init(const struct acpi_madt_info *madt);

#endif
