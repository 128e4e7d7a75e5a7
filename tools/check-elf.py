#!/usr/bin/env python3
"""Check that the kernel's loadable segments are laid out in the file exactly
as in physical memory (file offset - physical address constant), which QEMU's
Multiboot loader needs, and that the Multiboot headers are early enough."""
import struct
import sys

data = open(sys.argv[1], "rb").read()
phoff, = struct.unpack_from("<Q", data, 0x20)
phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
delta = None
for i in range(phnum):
    p_type, _, off, vaddr, paddr, filesz, memsz, _ = struct.unpack_from(
        "<IIQQQQQQ", data, phoff + i * phentsize)
    if p_type != 1 or filesz == 0:
        continue
    d = off - paddr
    if delta is None:
        delta = d
    elif d != delta:
        sys.exit("check-elf: PT_LOAD at paddr %#x breaks the flat layout" % paddr)
mb1 = data.find(struct.pack("<I", 0x1BADB002))
mb2 = data.find(struct.pack("<I", 0xE85250D6))
if not (0 <= mb1 < 8192 and mb1 % 4 == 0):
    sys.exit("check-elf: Multiboot header not in the first 8 KiB")
if not (0 <= mb2 < 32768 and mb2 % 8 == 0):
    sys.exit("check-elf: Multiboot2 header not in the first 32 KiB")
