/* Kernel symbol lookup for backtraces. */
#ifndef FERRITE_KSYMS_H
#define FERRITE_KSYMS_H

#include <ferrite/compiler.h>

const char *ksyms_lookup(uint64_t addr, uint64_t *offset, uint64_t *size);
int ksyms_format(char *buf, size_t size, uint64_t addr);

#endif
