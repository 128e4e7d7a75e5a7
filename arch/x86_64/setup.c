/*
 * arch_init: the machine-dependent half of boot after memory is up:
 * ACPI tables, interrupt controllers, timers, the other CPUs, and the
 * framebuffer console when GRUB gave us one.
 */
#include <ferrite/acpi.h>
#include <ferrite/boot.h>
#include <ferrite/fbcon.h>
#include <ferrite/init.h>
#include <ferrite/printk.h>
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/smp.h>
#include <arch/timer.h>

void arch_init(void)
{
	int err, apic_err;

	if (boot_info.fb.phys) {
		err = fbcon_init(&boot_info.fb);
		if (err)
			pr_warn("fbcon: framebuffer console unavailable (%d)\n", err);
	}
	if (kernel_cmdline.acpi_off)
		pr_warn("ACPI: disabled by acpi=off\n");
	else if (acpi_tables_init(boot_info.rsdp_phys))
		pr_warn("ACPI: no usable tables; one CPU, no power management\n");
	apic_err = apic_init();
	if (apic_err)
		pr_warn("APIC: not available (%d); running without device interrupts\n", apic_err);
	err = timer_init();
	if (err)
		pr_warn("timer: calibration failed (%d)\n", err);
	arch_irq_enable();
	if (!apic_err && !err)
		smp_init();
}
