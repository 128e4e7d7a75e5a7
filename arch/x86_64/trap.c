/*
 * The IDT and trap dispatch. Exceptions taken in kernel mode are fatal:
 * the report gives the registers, the faulting address and error code and a
 * symbolized backtrace, then the CPU stops (and with it the others, through
 * panic). Exceptions from user mode are handed to trap_user_exception,
 * which the process layer provides. Vectors 0x20 and up are routed to
 * handlers registered with trap_register.
 */
#include <ferrite/errno.h>
#include <ferrite/ksyms.h>
#include <ferrite/panic.h>
#include <ferrite/printk.h>
#include <ferrite/spinlock.h>
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <arch/trap.h>

struct idt_entry {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __packed;
BUILD_BUG_ON(sizeof(struct idt_entry) != 16);

struct trap_slot {
	trap_handler_fn fn;	/* [trap_lock] */
	void *arg;		/* [trap_lock] */
};

extern const uint64_t trap_stubs[256];

static struct idt_entry idt[256] __aligned(16);
static struct trap_slot trap_slots[256];	/* one per vector: the IDT's own size */
static DEFINE_SPINLOCK(trap_lock);

static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range exceeded",
	"invalid opcode", "device not available", "double fault", "coprocessor overrun",
	"invalid TSS", "segment not present", "stack segment fault", "general protection fault",
	"page fault", "reserved", "x87 floating point error", "alignment check",
	"machine check", "SIMD floating point error", "virtualization exception",
	"control protection fault",
};

static void idt_set(unsigned int vec, uint64_t handler, uint8_t ist, uint8_t dpl)
{
	idt[vec] = (struct idt_entry){
		.offset_low = handler & 0xffff,
		.selector = GDT_KERNEL_CS,
		.ist = ist,
		.type_attr = 0x80 | (dpl << 5) | 0xe,	/* present, interrupt gate */
		.offset_mid = (handler >> 16) & 0xffff,
		.offset_high = handler >> 32,
	};
}

/* Build the IDT once, on the boot CPU: every vector goes to its stub. */
void trap_init(void)
{
	for (unsigned int v = 0; v < 256; v++)
		idt_set(v, trap_stubs[v], 0, 0);
	idt[VEC_DF].ist = IST_DF;
	idt[VEC_NMI].ist = IST_NMI;
	idt[VEC_MC].ist = IST_MC;
	idt[VEC_BP].type_attr |= 3 << 5;	/* int3 allowed from user mode */
}

void trap_load_idt(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed idtr = { sizeof(idt) - 1, (uint64_t)idt };

	__asm__ __volatile__("lidt %0" : : "m"(idtr));
}

int trap_register(unsigned int vector, trap_handler_fn fn, void *arg)
{
	unsigned long flags;
	int err = 0;

	if (vector < 32 || vector > 255)
		return -EINVAL;
	flags = spin_lock_irqsave(&trap_lock);
	if (trap_slots[vector].fn) {
		err = -EBUSY;
	} else {
		trap_slots[vector].arg = arg;
		__atomic_store_n(&trap_slots[vector].fn, fn, __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&trap_lock, flags);
	return err;
}

void trap_unregister(unsigned int vector)
{
	unsigned long flags;

	if (vector < 32 || vector > 255)
		return;
	flags = spin_lock_irqsave(&trap_lock);
	__atomic_store_n(&trap_slots[vector].fn, NULL, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&trap_lock, flags);
}

void trap_dump_frame(const struct trap_frame *f)
{
	char sym[128];

	ksyms_format(sym, sizeof(sym), f->rip);
	printk(KERN_EMERG "RIP: %04lx:%s\n", f->cs, sym);
	printk(KERN_EMERG "RSP: %04lx:%016lx EFLAGS: %08lx\n", f->ss, f->rsp, f->rflags);
	printk(KERN_EMERG "RAX: %016lx RBX: %016lx RCX: %016lx\n", f->rax, f->rbx, f->rcx);
	printk(KERN_EMERG "RDX: %016lx RSI: %016lx RDI: %016lx\n", f->rdx, f->rsi, f->rdi);
	printk(KERN_EMERG "RBP: %016lx R08: %016lx R09: %016lx\n", f->rbp, f->r8, f->r9);
	printk(KERN_EMERG "R10: %016lx R11: %016lx R12: %016lx\n", f->r10, f->r11, f->r12);
	printk(KERN_EMERG "R13: %016lx R14: %016lx R15: %016lx\n", f->r13, f->r14, f->r15);
	printk(KERN_EMERG "CR0: %016lx CR2: %016lx CR3: %016lx CR4: %016lx\n",
	       arch_read_cr0(), arch_read_cr2(), arch_read_cr3(), arch_read_cr4());
}

/* Decode a page-fault error code the way Linux words it. */
static void trap_report_page_fault(const struct trap_frame *f)
{
	uint64_t addr = arch_read_cr2();
	const char *what = (f->error & 1) ? "a protection violation" : "a not-present page";

	printk(KERN_EMERG "BUG: unable to handle page fault for address: %016lx\n", addr);
	printk(KERN_EMERG "#PF: %s %s access in %s mode\n",
	       (f->error & 4) ? "user" : "supervisor",
	       (f->error & 16) ? "instruction fetch" : (f->error & 2) ? "write" : "read",
	       (f->error & 4) ? "user" : "kernel");
	printk(KERN_EMERG "#PF: error_code(0x%04lx) - %s\n", f->error, what);
}

static __noreturn void trap_kernel_fatal(struct trap_frame *f)
{
	unsigned int v = f->vector;

	printk_enter_panic_mode();
	if (v == VEC_PF)
		trap_report_page_fault(f);
	printk(KERN_EMERG "Oops: %s (vector %u), error code 0x%lx, CPU %d\n",
	       v < 32 && exception_names[v] ? exception_names[v] : "unknown", v, f->error,
	       this_cpu_id());
	trap_dump_frame(f);
	printk(KERN_EMERG "Call Trace:\n");
	arch_backtrace_trap(f->rip, f->rsp, f->rbp);
	panic("Fatal exception");
}

/* Provided by the process layer; the default treats user faults as fatal. */
__weak void trap_user_exception(struct trap_frame *frame)
{
	trap_kernel_fatal(frame);
}

/* Provided by the memory and process layers. */
bool mm_page_fault(struct trap_frame *frame);
void syscall_exit_work(struct trap_frame *frame);

void trap_dispatch(struct trap_frame *frame)
{
	unsigned int v = frame->vector;
	bool user = trap_from_user(frame);
	trap_handler_fn fn;

	this_cpu()->tick_from_user = user;
	if (v < 32) {
		if (v == VEC_NMI && this_cpu()->in_panic)
			arch_cpu_stop();
		if (v == VEC_PF && mm_page_fault(frame))
			goto out;
		if (user)
			trap_user_exception(frame);
		else
			trap_kernel_fatal(frame);
		goto out;
	}
	fn = __atomic_load_n(&trap_slots[v].fn, __ATOMIC_ACQUIRE);
	if (fn)
		fn(frame, trap_slots[v].arg);
	else
		pr_warn("trap: unexpected interrupt on vector %#x\n", v);
out:
	/* the way back to user space: reschedule, deliver signals */
	if (user && v != VEC_NMI)
		syscall_exit_work(frame);
}
