/*
 * harvest.c -- reading VMX capabilities from a live processor into a capsdb entry.
 */
#include <libcpuid.h>
#include <stdio.h>
#include <string.h>

#include "harvest.h"
#include "vmcslint.h"

#define IA32_FEATURE_CONTROL 0x3a
/* CPUID.1:ECX bit 5: VMX. */
#define CPUID1_ECX_VMX 5

bool harvest_entry(const struct harvest_source *src, const char *name, FILE *out, char *err,
                   size_t errlen)
{
	uint32_t r[4];
	char vendor[13];
	struct vmx_caps leaves;
	uint64_t fc, msr[VMX_MSR__COUNT];
	int state[VMX_MSR__COUNT];
	unsigned family, model, stepping;

	src->cpuid(src->ctx, 0, 0, r);
	memcpy(vendor, &r[1], 4);
	memcpy(vendor + 4, &r[3], 4);
	memcpy(vendor + 8, &r[2], 4);
	vendor[12] = '\0';
	if (strcmp(vendor, "GenuineIntel") != 0) {
		snprintf(err, errlen,
		         "this processor is %s, not GenuineIntel: it has no Intel VMX capability "
		         "MSRs to harvest",
		         vendor);
		return false;
	}
	src->cpuid(src->ctx, 1, 0, r);
	family = (r[0] >> 8) & 0xf;
	model = (r[0] >> 4) & 0xf;
	stepping = r[0] & 0xf;
	if (family == 0xf)
		family += (r[0] >> 20) & 0xff;
	if (family == 0x6 || family == 0xf)
		model |= ((r[0] >> 16) & 0xf) << 4;
	if (!((r[2] >> CPUID1_ECX_VMX) & 1u)) {
		snprintf(err, errlen,
		         "CPUID.1:ECX.VMX[bit 5] is 0: this processor (or the hypervisor it runs "
		         "under) does not offer VMX");
		return false;
	}
	if (src->msr_unavailable) {
		snprintf(err, errlen, "cannot read MSRs: %s", src->msr_unavailable);
		return false;
	}
	if (src->rdmsr(src->ctx, IA32_FEATURE_CONTROL, &fc) != 0) {
		snprintf(err, errlen, "RDMSR IA32_FEATURE_CONTROL (0x3a) failed");
		return false;
	}
	if ((fc & 1u) && !(fc & 4u)) {
		snprintf(err, errlen,
		         "IA32_FEATURE_CONTROL = 0x%llx: locked with VMX outside SMX disabled "
		         "(firmware setting); the capability MSRs may still read, but no VM entry "
		         "is possible here",
		         (unsigned long long)fc);
		return false;
	}
	for (int i = 0; i < VMX_MSR__COUNT; i++)
		state[i] = src->rdmsr(src->ctx, vmx_msr_index((enum vmx_msr_id)i), &msr[i]) == 0;
	if (!state[VMX_MSR_BASIC]) {
		snprintf(err, errlen,
		         "RDMSR IA32_VMX_BASIC (0x480) failed although CPUID reports "
		         "VMX");
		return false;
	}
	fprintf(out, "# capsdb entry (format: capsdb/FORMAT.md), harvested by `vmcslint caps "
	             "harvest`.\n");
	fprintf(out, "name: %s\nkind: real\nvendor: GenuineIntel\n", name);
	fprintf(out, "family: %u\nmodel: 0x%x\nstepping: %u\n", family, model, stepping);
	fprintf(out, "codename: \"unknown (harvested)\"\ncompleteness: complete\n");
	fprintf(out, "confidence: \"high (read from the processor)\"\n");
	fprintf(out, "source:\n  kind: live\n  description: \"%s\"\nmsrs:\n", src->description);
	for (int i = 0; i < VMX_MSR__COUNT; i++) {
		if (state[i])
			fprintf(out, "  %s: 0x%016llx\n", vmx_msr_name((enum vmx_msr_id)i),
			        (unsigned long long)msr[i]);
		else
			fprintf(out, "  %s: absent\n", vmx_msr_name((enum vmx_msr_id)i));
	}
	/*
	 * Every leaf a check may read (capsdb/cpuid_leaves.def), in table order: the maximum
	 * leaves and sub-leaf 0 of 07H and 14H come before the leaves they bound, and a leaf
	 * beyond them is not read (it enumerates nothing; Intel returns another leaf's data).
	 */
	memset(&leaves, 0, sizeof(leaves));
	for (int i = 0; i < CPUID_LEAF__COUNT; i++) {
		enum cpuid_leaf_id id = (enum cpuid_leaf_id)i;

		if (vmx_caps_cpuid_beyond_max(&leaves, id) == TRI_YES)
			continue;
		src->cpuid(src->ctx, vmx_cpuid_leaf(id), vmx_cpuid_subleaf(id), r);
		for (int k = 0; k < 4; k++)
			vmx_caps_set_cpuid(&leaves, vmx_cpuid_leaf(id), vmx_cpuid_subleaf(id),
			                   (enum cpuid_reg)k, r[k]);
	}
	if (vmx_caps_cpuid(&leaves, 0x80000008, 0))
		fprintf(out, "maxphyaddr: %u\n",
		        vmx_caps_cpuid(&leaves, 0x80000008, 0)->reg[CPUID_EAX] & 0xff);
	fprintf(out, "cpuid:\n");
	for (int i = 0; i < CPUID_LEAF__COUNT; i++) {
		const struct vmx_cpuid_leaf *l =
		    vmx_caps_cpuid(&leaves, vmx_cpuid_leaf((enum cpuid_leaf_id)i),
		                   vmx_cpuid_subleaf((enum cpuid_leaf_id)i));

		if (l)
			fprintf(out,
			        "  \"%s\": {eax: 0x%08x, ebx: 0x%08x, ecx: 0x%08x, edx: 0x%08x}\n",
			        vmx_cpuid_key((enum cpuid_leaf_id)i), l->reg[0], l->reg[1],
			        l->reg[2], l->reg[3]);
	}
	fprintf(out, "notes:\n  - \"IA32_FEATURE_CONTROL (0x3a) reads 0x%llx\"\n",
	        (unsigned long long)fc);
	return true;
}

static void live_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf, uint32_t regs[4])
{
	(void)ctx;
	regs[0] = leaf;
	regs[1] = 0;
	regs[2] = subleaf;
	regs[3] = 0;
	cpu_exec_cpuid_ext(regs);
}

static int live_rdmsr(void *ctx, uint32_t index, uint64_t *value)
{
	return cpu_rdmsr((struct msr_driver_t *)ctx, index, value);
}

struct harvest_source harvest_live_open(void)
{
	struct harvest_source s = {live_cpuid, live_rdmsr, NULL,
	                           "read live with libcpuid (cpu_rdmsr through the msr driver)",
	                           NULL};

	if (!cpuid_present()) {
		s.msr_unavailable = "no CPUID instruction";
		return s;
	}
	s.ctx = cpu_msr_driver_open();
	if (!s.ctx)
		s.msr_unavailable = cpuid_error();
	return s;
}

void harvest_live_close(struct harvest_source *src)
{
	if (src->ctx)
		cpu_msr_driver_close((struct msr_driver_t *)src->ctx);
	src->ctx = NULL;
}
