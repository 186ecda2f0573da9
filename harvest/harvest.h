/*
 * harvest.h -- a capsdb entry read from a live processor.  The reading goes through a source
 * (CPUID and RDMSR callbacks) so the refusal paths can be tested with fake processors.
 */
#ifndef HARVEST_HARVEST_H
#define HARVEST_HARVEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct harvest_source {
	/* CPUID leaf/sub-leaf into regs (eax, ebx, ecx, edx). */
	void (*cpuid)(void *ctx, uint32_t leaf, uint32_t subleaf, uint32_t regs[4]);
	/* RDMSR: 0 on success, non-zero when the read faults or fails. */
	int (*rdmsr)(void *ctx, uint32_t index, uint64_t *value);
	/* NULL when MSRs can be read, else why not (no msr driver, no privileges...). */
	const char *msr_unavailable;
	const char *description; /* how the values were obtained, for source.description */
	void *ctx;
};

/*
 * Reads the processor through src and prints a capsdb entry named name to out.  Refuses
 * (returns false with the reason in err, printing nothing) when the processor is not Intel,
 * has no VMX, VMX is disabled by IA32_FEATURE_CONTROL, or the MSRs cannot be read: never a
 * half entry.
 */
bool harvest_entry(const struct harvest_source *src, const char *name, FILE *out, char *err,
                   size_t errlen);

/* The source for this machine (libcpuid: cpu_exec_cpuid, cpu_rdmsr through the msr driver).
 * Call harvest_live_close() afterwards. */
struct harvest_source harvest_live_open(void);
void harvest_live_close(struct harvest_source *src);

#endif /* HARVEST_HARVEST_H */
