/*
 * The sample program of tools/gen-elf-samples.sh: built static and
 * static-PIE with musl and glibc, run on Linux under "setarch -R", it
 * prints where Linux put its image, brk and initial stack, which the host
 * test of kernel/elf.c then expects from the kernel's own plan.
 */
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

extern char **environ;

/* Field @n (1-based) of /proc/self/stat, as a number. */
static unsigned long stat_field(int n)
{
	char buf[2048], *p;
	FILE *f = fopen("/proc/self/stat", "r");
	size_t len = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	unsigned long v = 0;

	if (f)
		fclose(f);
	buf[len] = 0;
	p = strrchr(buf, ')');	/* comm may hold spaces */
	for (int i = 2; p && i < n; i++)
		p = strchr(p + 1, ' ');
	if (p)
		sscanf(p + 1, "%lu", &v);
	return v;
}

static unsigned long stack_vma_start(void)
{
	char line[512];
	unsigned long lo = 0, hi;
	FILE *f = fopen("/proc/self/maps", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "[stack]"))
			sscanf(line, "%lx-%lx", &lo, &hi);
	if (f)
		fclose(f);
	return lo;
}

int main(int argc, char **argv)
{
	char **e = argv + argc + 1;
	unsigned long envc = 0, auxc = 0;
	unsigned long *aux;

	while (e[envc])
		envc++;
	aux = (unsigned long *)(e + envc + 1);
	while (aux[2 * auxc] != AT_NULL)
		auxc++;
	auxc++;
	printf(".argc = %d, .envc = %lu, .nr_aux = %lu,\n", argc, envc, auxc);
	printf(".sp = 0x%lx, .argv0 = 0x%lx,\n", (unsigned long)argv - 8, (unsigned long)argv[0]);
	printf(".at_phdr = 0x%lx, .at_entry = 0x%lx, .at_base = 0x%lx,\n", getauxval(AT_PHDR),
	       getauxval(AT_ENTRY), getauxval(AT_BASE));
	printf(".at_execfn = 0x%lx, .at_random = 0x%lx, .at_platform = 0x%lx,\n",
	       getauxval(AT_EXECFN), getauxval(AT_RANDOM), getauxval(AT_PLATFORM));
	printf(".start_brk = 0x%lx, .arg_start = 0x%lx, .arg_end = 0x%lx,\n", stat_field(47),
	       stat_field(48), stat_field(49));
	printf(".env_start = 0x%lx, .env_end = 0x%lx, .stack_start = 0x%lx,\n", stat_field(50),
	       stat_field(51), stack_vma_start());
	return 0;
}
