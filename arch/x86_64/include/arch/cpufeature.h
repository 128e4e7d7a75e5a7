/* CPU features found through CPUID on the boot CPU. */
#ifndef ARCH_CPUFEATURE_H
#define ARCH_CPUFEATURE_H

#include <ferrite/compiler.h>

struct cpu_features {
	char vendor[13];
	char model_name[49];
	uint32_t family, model, stepping;
	uint32_t leaf1_ecx, leaf1_edx;
	uint32_t leaf7_ebx, leaf7_ecx;
	uint32_t ext1_ecx, ext1_edx;
	bool invariant_tsc;
};

extern struct cpu_features cpu_features;

/* Feature ids: word (which register) * 32 + bit. */
enum {
	X86_FEATURE_LEAF1_ECX = 0, X86_FEATURE_LEAF1_EDX = 1, X86_FEATURE_LEAF7_EBX = 2,
	X86_FEATURE_LEAF7_ECX = 3, X86_FEATURE_EXT1_ECX = 4, X86_FEATURE_EXT1_EDX = 5,
};
#define X86_FEAT(word, bit)	((word) * 32 + (bit))
#define X86_SSE3	X86_FEAT(0, 0)
#define X86_X2APIC	X86_FEAT(0, 21)
#define X86_TSC_DEADLINE X86_FEAT(0, 24)
#define X86_XSAVE	X86_FEAT(0, 26)
#define X86_RDRAND	X86_FEAT(0, 30)
#define X86_FPU		X86_FEAT(1, 0)
#define X86_TSC		X86_FEAT(1, 4)
#define X86_MSR		X86_FEAT(1, 5)
#define X86_APIC	X86_FEAT(1, 9)
#define X86_PGE		X86_FEAT(1, 13)
#define X86_PAT		X86_FEAT(1, 16)
#define X86_FXSR	X86_FEAT(1, 24)
#define X86_SSE		X86_FEAT(1, 25)
#define X86_SSE2	X86_FEAT(1, 26)
#define X86_FSGSBASE	X86_FEAT(2, 0)
#define X86_SMEP	X86_FEAT(2, 7)
#define X86_RDSEED	X86_FEAT(2, 18)
#define X86_SMAP	X86_FEAT(2, 20)
#define X86_UMIP	X86_FEAT(3, 2)
#define X86_SYSCALL	X86_FEAT(5, 11)
#define X86_NX		X86_FEAT(5, 20)
#define X86_PDPE1GB	X86_FEAT(5, 26)
#define X86_RDTSCP	X86_FEAT(5, 27)
#define X86_LM		X86_FEAT(5, 29)

static inline bool cpu_has(unsigned int feature)
{
	const uint32_t words[6] = {
		cpu_features.leaf1_ecx, cpu_features.leaf1_edx, cpu_features.leaf7_ebx,
		cpu_features.leaf7_ecx, cpu_features.ext1_ecx, cpu_features.ext1_edx,
	};

	return words[feature / 32] & (1u << (feature % 32));
}

void cpu_detect_features(void);

#endif
