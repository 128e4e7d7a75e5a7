# Ferrite build. `make` builds build/ferrite (ELF, bootable by QEMU -kernel)
# and build/ferrite.iso (GRUB, Multiboot2, BIOS and UEFI). `make run` boots
# it; `make check` runs every test layer and prints "N passed, N failed".

VERSION := 0.1.0
B := build
CC := gcc
LD := ld
OBJCOPY := objcopy
PYTHON := python3

KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-stack-protector -fno-pic -fno-pie \
	-mno-red-zone -mcmodel=kernel -mgeneral-regs-only -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-fno-asynchronous-unwind-tables -fno-strict-aliasing -fno-common \
	-nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-Iinclude -Iarch/x86_64/include -I$(B)/uapi -I$(B)/gen \
	-Wall -Wextra -Werror -Wno-unused-parameter -MMD -MP
KASFLAGS := -D__ASSEMBLER__ -Iinclude -Iarch/x86_64/include -I$(B)/gen -MMD -MP
KLDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments \
	-T arch/x86_64/kernel.ld

KSRCS := $(sort $(wildcard arch/x86_64/*.c arch/x86_64/*.S kernel/*.c mm/*.c lib/*.c \
	drivers/*.c drivers/*/*.c fs/*.c tests/kernel/*.c))
KOBJS := $(patsubst %,$(B)/obj/%.o,$(KSRCS))
UAPI := $(B)/uapi/.stamp
VERSION_H := $(B)/gen/ferrite/version.h

.PHONY: all setup initramfs run check check-host check-kernel check-boot bench debug clean format iso
all: $(B)/ferrite $(B)/ferrite.iso

setup:
	@sh tools/setup.sh

$(UAPI):
	@mkdir -p $(B)/uapi
	@ln -sfn /usr/include/linux $(B)/uapi/linux
	@ln -sfn /usr/include/x86_64-linux-gnu/asm $(B)/uapi/asm
	@ln -sfn /usr/include/asm-generic $(B)/uapi/asm-generic
	@touch $@

# The version header changes only when its text does, so builds stay incremental.
$(VERSION_H): FORCE
	@mkdir -p $(dir $@)
	@sh tools/gen-version.sh $(VERSION) "$(CC)" > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
FORCE:

$(B)/obj/%.c.o: %.c $(UAPI) $(VERSION_H)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(KCFLAGS) -c $< -o $@

$(B)/obj/%.S.o: %.S $(VERSION_H)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(KASFLAGS) -c $< -o $@

# Two links: the first without symbols, then the symbol table generated from
# it is linked into .ksyms, which lies after all code, so no address moves.
$(B)/ferrite: $(KOBJS) arch/x86_64/kernel.ld tools/gen-ksyms.py
	@echo "  LD      $@"
	@printf '\t.section .ksyms, "a"\n\t.balign 8\n\t.globl ksyms_count\nksyms_count: .quad 0\n' > $(B)/ksyms0.S
	@$(CC) $(KASFLAGS) -c $(B)/ksyms0.S -o $(B)/ksyms0.o
	@$(LD) $(KLDFLAGS) -o $(B)/ferrite.pass1 $(KOBJS) $(B)/ksyms0.o
	@nm -n $(B)/ferrite.pass1 | $(PYTHON) tools/gen-ksyms.py > $(B)/ksyms.S
	@$(CC) $(KASFLAGS) -c $(B)/ksyms.S -o $(B)/ksyms.o
	@$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(B)/ksyms.o
	@nm -n $@ | $(PYTHON) tools/gen-ksyms.py | cmp -s - $(B)/ksyms.S || \
		{ echo "ksyms: symbol addresses moved between links"; rm -f $@; exit 1; }
	@$(PYTHON) tools/check-elf.py $@

iso: $(B)/ferrite.iso
$(B)/ferrite.iso: $(B)/ferrite tools/grub.cfg
	@echo "  ISO     $@"
	@rm -rf $(B)/isodir && mkdir -p $(B)/isodir/boot/grub
	@cp $(B)/ferrite $(B)/isodir/boot/ferrite
	@cp tools/grub.cfg $(B)/isodir/boot/grub/grub.cfg
	@if [ -f $(B)/initramfs.cpio.gz ]; then cp $(B)/initramfs.cpio.gz $(B)/isodir/boot/; fi
	@grub-mkrescue -o $@ $(B)/isodir >$(B)/grub-mkrescue.log 2>&1 || \
		{ cat $(B)/grub-mkrescue.log; exit 1; }

# The default initramfs: busybox with its applet links and an /init that
# starts a shell on the console.
initramfs: $(B)/initramfs.cpio.gz
$(B)/initramfs.cpio.gz: tools/mkinitramfs.sh FORCE
	@sh tools/mkinitramfs.sh default $@

run: setup all $(B)/initramfs.cpio.gz
	@sh tools/run.sh

debug: setup all
	@sh tools/run.sh --gdb

check: setup
	@$(MAKE) --no-print-directory all
	@sh tools/check.sh

check-host: setup
	@sh tools/host-tests.sh

bench: setup all
	@sh tools/bench.sh

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(B)

-include $(KOBJS:.o=.d)
