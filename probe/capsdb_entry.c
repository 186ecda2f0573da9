/*
 * capsdb_entry.c -- the capabilities a probe run harvested, written as a capsdb entry
 * (capsdb/FORMAT.md) with the notes the importer (capsdb/tools/import-sources.py) writes for
 * the same values.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "probe.h"

static const struct {
	const char *model, *codename;
} bochs_codenames[] = {
    {"broadwell_ult", "Broadwell-U"},          {"core2_penryn_t9600", "Penryn"},
    {"core_duo_t2400_yonah", "Yonah"},         {"corei3_cnl", "Cannon Lake"},
    {"corei5_arrandale_m520", "Arrandale"},    {"corei5_lynnfield_750", "Lynnfield"},
    {"corei7_haswell_4770", "Haswell"},        {"corei7_icelake_u", "Ice Lake-U"},
    {"corei7_ivy_bridge_3770k", "Ivy Bridge"}, {"corei7_sandy_bridge_2600k", "Sandy Bridge"},
    {"corei7_skylake_x", "Skylake-X"},         {"tigerlake", "Tiger Lake"},
};

/* Whether the CPU implements an MSR, by its own capability bits (capsdb/FORMAT.md). */
static bool msr_implemented(const struct vmx_caps *c, unsigned id)
{
	uint64_t proc = c->msr[VMX_MSR_PROCBASED_CTLS], ctls2 = c->msr[VMX_MSR_PROCBASED_CTLS2];
	bool has2 = (proc >> 63) & 1;

	switch (id) {
	case VMX_MSR_PROCBASED_CTLS2:
		return has2;
	case VMX_MSR_EPT_VPID_CAP:
		return has2 && (((ctls2 >> 33) & 1) || ((ctls2 >> 37) & 1));
	case VMX_MSR_VMFUNC:
		return has2 && ((ctls2 >> 45) & 1);
	case VMX_MSR_TRUE_PINBASED_CTLS:
	case VMX_MSR_TRUE_PROCBASED_CTLS:
	case VMX_MSR_TRUE_EXIT_CTLS:
	case VMX_MSR_TRUE_ENTRY_CTLS:
		return (c->msr[VMX_MSR_BASIC] >> 55) & 1;
	case VMX_MSR_PROCBASED_CTLS3:
		return (proc >> 49) & 1;
	case VMX_MSR_EXIT_CTLS2:
		return (c->msr[VMX_MSR_EXIT_CTLS] >> 63) & 1;
	default:
		return true;
	}
}

/* The notes: list of an entry, opened by its first item. */
struct notes {
	FILE *out;
	bool open;
};

/* A notes: item, double-quoted (no entry needs an escape). */
static void note(struct notes *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct notes *n, const char *fmt, ...)
{
	va_list ap;

	if (!n->open)
		fprintf(n->out, "notes:\n");
	n->open = true;
	fprintf(n->out, "  - \"");
	va_start(ap, fmt);
	vfprintf(n->out, fmt, ap);
	va_end(ap);
	fprintf(n->out, "\"\n");
}

static const char *msr_short(unsigned id)
{
	const char *n = vmx_msr_name((enum vmx_msr_id)id);

	return strncmp(n, "IA32_VMX_", 9) == 0 ? n + 9 : n;
}

/* Not implemented by the capability bits, and RDMSR read 0 (an emulator that ignores it). */
static bool absent_reading_zero(const struct probe_run *run, unsigned id)
{
	const struct vmx_caps *c = &run->caps;

	return c->msr_state[id] == VMX_MSR_PRESENT && !msr_implemented(c, id) &&
	       run->msr_read_zero[id];
}

/*
 * Not implemented, and RDMSR faulted: for the MSRs Bochs 2.7 has no RDMSR case for, which
 * the committed entries (read with Bochs's default ignore_bad_msrs=1) saw as 0; the importer,
 * capsdb/tools/import-sources.py, writes the same note for them.
 */
static bool absent_without_rdmsr_case(const struct probe_run *run, unsigned id)
{
	const struct vmx_caps *c = &run->caps;

	return (id == VMX_MSR_PROCBASED_CTLS3 || id == VMX_MSR_EXIT_CTLS2) &&
	       c->msr_state[id] == VMX_MSR_ABSENT && !msr_implemented(c, id);
}

/* The short names of the MSRs pick() selects, comma-separated; false when none. */
static bool msr_list(const struct probe_run *run, bool (*pick)(const struct probe_run *, unsigned),
                     char *buf, size_t size)
{
	size_t l = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < VMX_MSR__COUNT; i++)
		if (pick(run, i) && l < size)
			l += (size_t)snprintf(buf + l, size - l, "%s%s", l ? ", " : "",
			                      msr_short(i));
	return l > 0;
}

bool probe_caps_yaml(const struct probe_run *run, const struct probe_options *opt, FILE *out)
{
	const struct vmx_caps *c = &run->caps;
	const char *model = opt->bochs_model ? opt->bochs_model : PROBE_DEFAULT_BOCHS_MODEL;
	const char *codename = NULL;
	const struct vmx_cpuid_leaf *l1 = vmx_caps_cpuid(c, 1, 0);
	bool bochs = opt->emulator == PROBE_EMU_BOCHS;
	char names[256];
	struct notes notes = {out, false};

	if (!run->caps_valid)
		return false;
	/* the model as Bochs's cpudb spells it (the option may have another case) */
	for (size_t i = 0; i < sizeof(bochs_codenames) / sizeof(bochs_codenames[0]); i++)
		if (!strcasecmp(bochs_codenames[i].model, model)) {
			codename = bochs_codenames[i].codename;
			model = bochs_codenames[i].model;
		}
	if (bochs)
		fprintf(out,
		        "# capsdb entry (format: capsdb/FORMAT.md), harvested by vmx-probe under "
		        "Bochs\n"
		        "# (`vmcslint caps harvest --probe bochs:%s`).\n",
		        model);
	else
		fprintf(out,
		        "# capsdb entry (format: capsdb/FORMAT.md), harvested by vmx-probe under\n"
		        "# QEMU/KVM (`vmcslint caps harvest --probe qemu-kvm`).\n");
	fprintf(out, "name: %s\n", c->name);
	fprintf(out, "kind: %s\n", bochs ? "emulator" : "virtualized");
	if (strchr(run->vendor, ' '))
		fprintf(out, "vendor: \"%s\"\n", run->vendor);
	else
		fprintf(out, "vendor: %s\n", run->vendor[0] ? run->vendor : "GenuineIntel");
	if (l1 && (l1->known & 1)) {
		uint32_t eax = l1->reg[CPUID_EAX];
		unsigned fam = (eax >> 8) & 0xf, mod = (eax >> 4) & 0xf, step = eax & 0xf;

		if (fam == 6 || fam == 0xf)
			mod |= ((eax >> 16) & 0xf) << 4;
		if (fam == 0xf)
			fam += (eax >> 20) & 0xff;
		fprintf(out, "family: %u\nmodel: 0x%x\nstepping: %u\n", fam, mod, step);
	}
	if (bochs)
		fprintf(out, "codename: \"Bochs 2.7 %s (%s)\"\n", model,
		        codename ? codename : model);
	else
		fprintf(out, "codename: \"QEMU/KVM nested VMX (harvested)\"\n");
	fprintf(out, "completeness: complete\n");
	fprintf(out, "confidence: \"%s\"\n",
	        bochs ? "high (read from the emulator by a probe)"
	              : "virtualized (read by a probe under KVM)");
	fprintf(out, "source:\n  kind: %s\n", bochs ? "probe-emulator" : "live");
	if (bochs)
		fprintf(out,
		        "  description: \"read by a boot-sector probe under Debian 12's Bochs 2.7 "
		        "(package 2.7+dfsg-4), cpu: model=%s\"\n",
		        model);
	else
		fprintf(
		    out,
		    "  description: \"read by the vmx-probe image under QEMU/KVM (-cpu host)\"\n");
	fprintf(out, "msrs:\n");
	for (unsigned i = 0; i < VMX_MSR__COUNT; i++) {
		if (c->msr_state[i] != VMX_MSR_PRESENT || !msr_implemented(c, i))
			fprintf(out, "  %s: absent\n", vmx_msr_name((enum vmx_msr_id)i));
		else
			fprintf(out, "  %s: 0x%016llx\n", vmx_msr_name((enum vmx_msr_id)i),
			        (unsigned long long)c->msr[i]);
	}
	if (c->maxphyaddr)
		fprintf(out, "maxphyaddr: %u\n", c->maxphyaddr);
	fprintf(out, "cpuid:\n");
	for (int k = 0; k < CPUID_LEAF__COUNT; k++) {
		enum cpuid_leaf_id id = (enum cpuid_leaf_id)k;
		const struct vmx_cpuid_leaf *l =
		    vmx_caps_cpuid(c, vmx_cpuid_leaf(id), vmx_cpuid_subleaf(id));

		if (!l)
			continue;
		fprintf(out, "  \"%s\": {eax: 0x%08x, ebx: 0x%08x, ecx: 0x%08x, edx: 0x%08x}\n",
		        vmx_cpuid_key(id), l->reg[0], l->reg[1], l->reg[2], l->reg[3]);
	}
	for (unsigned i = 0; i < VMX_MSR__COUNT; i++)
		if (c->msr_state[i] == VMX_MSR_PRESENT && !msr_implemented(c, i) &&
		    !run->msr_read_zero[i])
			note(&notes,
			     "%s: the probe file gives 0x%016llx although capability bits say the "
			     "MSR is "
			     "not implemented; written as absent",
			     vmx_msr_name((enum vmx_msr_id)i), (unsigned long long)c->msr[i]);
	for (unsigned i = 0; i < VMX_MSR__COUNT; i++)
		if (c->msr_state[i] == VMX_MSR_ABSENT && msr_implemented(c, i))
			note(&notes,
			     "%s: RDMSR raised #GP although capability bits say implemented; "
			     "written as "
			     "absent",
			     vmx_msr_name((enum vmx_msr_id)i));
	if (bochs && msr_list(run, absent_without_rdmsr_case, names, sizeof(names)))
		note(&notes,
		     "%s: capability bits say not implemented, so absent (Bochs 2.7 has no RDMSR "
		     "case for them: #GP with ignore_bad_msrs=0, 0 with ignore_bad_msrs=1)",
		     names);
	if (msr_list(run, absent_reading_zero, names, sizeof(names)))
		note(
		    &notes,
		    "the probe file gives 0 for %s; capability bits say not implemented, so absent",
		    names);
	if (run->fc_known)
		note(&notes, "IA32_FEATURE_CONTROL (0x3a) reads 0x%llx",
		     (unsigned long long)run->feature_control);
	return true;
}
