#!/usr/bin/env python3
"""Turn `nm -n` output of the kernel into the .ksyms assembly table used to
symbolize backtraces: a count, then sorted (address, name offset) pairs, then
the names. Only text symbols are kept."""
import sys

syms = []
for line in sys.stdin:
    parts = line.split()
    if len(parts) != 3:
        continue
    addr, kind, name = parts
    if kind not in "tTW":
        continue
    a = int(addr, 16)
    if a < 0xffffffff80000000:
        continue
    syms.append((a, name))

out = ['\t.section .ksyms, "a"', "\t.balign 8", "\t.globl ksyms_count, ksyms_table, ksyms_names",
       "ksyms_count:", "\t.quad %d" % len(syms), "ksyms_table:"]
names = []
off = 0
for a, name in syms:
    out.append("\t.quad 0x%x, %d" % (a, off))
    names.append(name)
    off += len(name) + 1
out.append("ksyms_names:")
for n in names:
    out.append('\t.asciz "%s"' % n)
print("\n".join(out))
