/*
 * test_evidence.c -- what a dump and its log prove about an unknown processor (diagnose/): the
 * capability knowledge each piece of evidence carries, where it comes from, and what it
 * decides.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose.h"
#include "dump.h"
#include "evidence_internal.h"
#include "vmcs_ids.h"

#define EX   "examples/dumps/"
#define REAL "examples/dumps/real/"
#define FIX  "tests/fixtures/dumps/"

struct run {
	struct dump *d; /* the first dump */
	struct dump_facts facts;
	struct processor proc;
	struct diagnosis *g;
};

static void keep_first(const struct dump *d, void *ctx)
{
	struct run *r = ctx;

	if (!r->d) {
		r->d = malloc(sizeof(*r->d));
		cr_assert_not_null(r->d);
		*r->d = *d;
		/* The copy's MSR-load area is its own. */
		if (d->env.msr_load)
			r->d->env.msr_load = r->d->msr_load;
	}
}

/* The first dump of a log, diagnosed as an unknown processor's (or with caps). */
static struct run diagnose_file(const char *path, const struct vmx_caps *caps)
{
	struct run r;
	struct dump_parser *p;
	struct dump_scan_stats st;
	char err[200];
	FILE *f = fopen(path, "rb");

	memset(&r, 0, sizeof(r));
	cr_assert_not_null(f, "%s", path);
	p = dump_parser_new(keep_first, &r);
	cr_assert(dump_scan_stream(f, p, &st, NULL, err, sizeof(err)));
	fclose(f);
	dump_parser_finish(p);
	r.facts = *dump_parser_facts(p);
	dump_parser_free(p);
	cr_assert_not_null(r.d, "%s: no dump", path);
	processor_choose(r.d, &r.facts, caps, caps ? "test caps" : NULL, NULL, NULL, &r.proc);
	r.g = malloc(sizeof(*r.g));
	cr_assert_not_null(r.g);
	diagnose_dump(r.d, &r.facts, &r.proc, r.g);
	return r;
}

static void run_free(struct run *r)
{
	free(r->d);
	free(r->g);
}

static const struct evidence_item *item_with(const struct diagnosis *g, const char *text)
{
	for (size_t i = 0; i < g->ev.n; i++)
		if (strstr(g->ev.item[i].text, text))
			return &g->ev.item[i];
	return NULL;
}

static bool decides(const struct evidence_item *it, const char *id)
{
	for (size_t i = 0; i < it->n_decided && i < EV_MAX_DECIDED; i++)
		if (strcmp(check_rule_at(it->decided[i])->id, id) == 0)
			return true;
	return false;
}

Test(evidence, a_field_the_dump_shows_proves_the_control_that_introduces_it)
{
	struct run r = diagnose_file(REAL "01-kvm-qemu-proxmox-smm-sti-shadow.log", NULL);
	const struct evidence_item *it = item_with(r.g, "POSTED_INTR_NV = 0xf2 is shown");
	struct vmx_caps caps;
	struct vmx_allowed a;

	cr_assert_not_null(it);
	cr_expect_eq(it->kind, EV_DUMP);
	cr_expect_eq(it->line, 46);
	cr_expect(
	    strstr(it->text, "pin-based control \"PROCESS_POSTED_INTERRUPTS\", bit 7 may be 1"),
	    "%s", it->text);
	memset(&caps, 0, sizeof(caps));
	evidence_apply_item(it, &caps);
	a = vmx_caps_allowed(&caps, VMX_CTL_PIN);
	cr_expect_eq(vmx_allowed_may_be_1(&a, 7), TRI_YES);
	cr_expect_eq(vmx_allowed_may_be_1(&a, 6), TRI_UNKNOWN);
	cr_expect_eq(vmx_caps_msr_known(&caps, VMX_MSR_BASIC), 0, "IA32_VMX_BASIC stays unknown");
	cr_expect_eq(vmx_caps_msr_known(&caps, VMX_MSR_PINBASED_CTLS), 0,
	             "only the TRUE MSR learns");
	run_free(&r);
}

Test(evidence, a_zero_in_a_dump_proves_nothing)
{
	/* Xen prints 0 for a field its VMREAD fails on: TSC Multiplier on this Haswell. */
	struct run r = diagnose_file(REAL "04-xen-qubes-lbr-tsx-msr-load.log", NULL);

	cr_expect(r.d->vmcs.known[VMCS_TSC_MULTIPLIER] &&
	          r.d->vmcs.value[VMCS_TSC_MULTIPLIER] == 0);
	cr_expect_null(item_with(r.g, "TSC_MULTIPLIER"));
	cr_expect_null(item_with(r.g, "EPTP_INDEX"));
	cr_expect_not_null(item_with(r.g, "VIRTUAL_PROCESSOR_ID = 0xf71d is shown"));
	run_free(&r);
}

Test(evidence, the_host_runs_with_its_cr4_and_efer)
{
	struct run r = diagnose_file(REAL "14-kvm-icelake-8373c-nested-ve-healthy.log", NULL);
	const struct evidence_item *cr4 = item_with(r.g, "HOST_CR4 = 0x773ef0: the host runs with");
	struct vmx_caps caps;

	cr_assert_not_null(cr4);
	cr_expect_eq(cr4->line, 118);
	cr_expect(strstr(cr4->text, "LA57: the processor has 57-bit linear addresses"), "%s",
	          cr4->text);
	memset(&caps, 0, sizeof(caps));
	evidence_apply_item(cr4, &caps);
	cr_expect_eq(vmx_caps_msr_bit(&caps, VMX_MSR_CR4_FIXED1, 12), TRI_YES);
	cr_expect_eq(vmx_caps_msr_bit(&caps, VMX_MSR_CR4_FIXED1, 11), TRI_YES, "UMIP");
	cr_expect_eq(vmx_caps_msr_bit(&caps, VMX_MSR_CR4_FIXED1, 19), TRI_UNKNOWN, "not set");
	cr_expect_eq(vmx_caps_cpuid_bit(&caps, CPUID_LEAF_7_0, CPUID_ECX, 16), TRI_YES);
	cr_expect_eq(vmx_caps_cpuid_bit(&caps, CPUID_LEAF_7_0, CPUID_ECX, 15), TRI_UNKNOWN);
	/* Here the identified entry decides it already; an unknown processor needs this line. */
	run_free(&r);
}

Test(evidence, exit_reason_33_proves_the_controls_and_the_host_state)
{
	struct run r = diagnose_file(REAL "01-kvm-qemu-proxmox-smm-sti-shadow.log", NULL);
	const struct evidence_item *pin = item_with(r.g, "PIN_BASED_VM_EXEC_CONTROL = 0xff and");
	const struct evidence_item *sum = &r.g->ev.item[r.g->ev.n - 1];
	struct vmx_caps caps;
	struct vmx_allowed a;
	uint64_t v;

	cr_assert_not_null(pin);
	cr_expect_eq(pin->kind, EV_OUTCOME);
	memset(&caps, 0, sizeof(caps));
	evidence_apply_item(pin, &caps);
	/* Allowed-1 bits 7:0 known 1; allowed-0 bits 31:8 known 0; whether 7:0 must be 1, not. */
	cr_expect(vmx_caps_msr_bits(&caps, VMX_MSR_TRUE_PINBASED_CTLS, 0xffffffff00ull, &v));
	cr_expect_eq(v, 0xffull << 32, "0x%llx", (unsigned long long)v);
	cr_expect(!vmx_caps_msr_bits(&caps, VMX_MSR_TRUE_PINBASED_CTLS, 0x1, &v));
	a = vmx_caps_allowed(&caps, VMX_CTL_PIN);
	cr_expect(a.known && (a.may_be_1 & 0xff) == 0xff && a.must_be_1 == 0);
	cr_expect(decides(pin, "CTL-PIN-RESERVED"));
	/* The last item: the classes the outcome shows passed. */
	cr_expect_eq(sum->passed, (1u << CHECK_CLASS_INSTR) | (1u << CHECK_CLASS_CTLS) |
	                              (1u << CHECK_CLASS_HOST));
	cr_expect_eq(sum->line, 50);
	cr_expect(r.g->passed_by_outcome > 0);
	cr_expect_eq(r.g->n_errors, 1);
	cr_expect_eq(r.g->n_warnings, 0);
	/* From the dump alone the controls stay undecided; no emulator decides them. */
	cr_expect_eq(r.g->pred.prediction.kind, OUTCOME_UNDECIDED);
	run_free(&r);
}

Test(evidence, a_host_state_failure_gives_no_host_evidence)
{
	struct run r = diagnose_file(EX "xen-host-tr-zero.log", NULL);

	cr_expect_eq(r.d->observed.vm_error, 8);
	cr_expect_null(item_with(r.g, "the host runs with"));
	cr_expect_null(item_with(r.g, "every control check passed"),
	               "error 8: the controls may not have been checked");
	cr_expect_eq(r.g->agree, 1);
	run_free(&r);
}

Test(evidence, every_vmx_processor_fixes_pe_ne_pg_and_vmxe)
{
	struct run r = diagnose_file(FIX "kvm-unknown-cpu-cr4-vmxe.log", NULL);
	const struct evidence_item *it = item_with(r.g, "GUEST_CR4 = 0x3706e0 clears VMXE");
	struct vmx_caps caps;
	uint64_t v;

	cr_expect_eq(r.proc.source, CAPS_SRC_UNKNOWN);
	cr_assert_not_null(it);
	cr_expect_eq(it->kind, EV_ARCH);
	cr_expect_eq(it->line, 7);
	cr_expect(decides(it, "GUEST-CR4-FIXED0"));
	/* The four bits become known 1; the others stay unknown. */
	memset(&caps, 0, sizeof(caps));
	evidence_apply_item(it, &caps);
	cr_expect(vmx_caps_msr_bits(&caps, VMX_MSR_CR4_FIXED0, 0x2000, &v) && v == 0x2000);
	cr_expect(vmx_caps_msr_bits(&caps, VMX_MSR_CR0_FIXED0, 0x80000021, &v) && v == 0x80000021);
	cr_expect(!vmx_caps_msr_bits(&caps, VMX_MSR_CR4_FIXED0, 0x1, &v));
	cr_expect(!vmx_caps_msr_bits(&caps, VMX_MSR_CR0_FIXED0, 0x2, &v));
	/* Decided, it explains the reported exit 33: an error, no longer undecided. */
	cr_expect_eq(r.g->agree, 1);
	cr_expect_eq(r.g->n_errors, 1);
	cr_expect_str_eq(check_rule_at((size_t)r.g->rule)->id, "GUEST-CR4-FIXED0");
	run_free(&r);

	r = diagnose_file(FIX "kvm-unknown-cpu-cr0-ne.log", NULL);
	it = item_with(r.g, "GUEST_CR0 = 0x80050013 clears NE");
	cr_assert_not_null(it);
	cr_expect(decides(it, "GUEST-CR0-FIXED0"));
	cr_expect_eq(r.g->agree, 1);
	cr_expect_str_eq(check_rule_at((size_t)r.g->rule)->id, "GUEST-CR0-FIXED0");
	run_free(&r);
}

Test(evidence, cr_values_that_set_the_fixed_bits_prove_nothing_more)
{
	/* Guest and host CR0/CR4 set PE, NE, PG and VMXE: no architectural item. */
	struct run r = diagnose_file(REAL "01-kvm-qemu-proxmox-smm-sti-shadow.log", NULL);

	cr_expect_null(item_with(r.g, "every processor that supports VMX fixes"));
	run_free(&r);
}

Test(evidence, a_capsdb_entry_that_contradicts_the_log_is_named_not_believed)
{
	/* The healthy Ice Lake dump judged with an entry that allows no control, as if identified.
	 */
	struct run r;
	struct processor proc;
	size_t contradicted = 0;

	r = diagnose_file(REAL "14-kvm-icelake-8373c-nested-ve-healthy.log", NULL);
	proc = r.proc;
	/* An entry that allows none of the controls the dump sets. */
	for (int m = VMX_MSR_TRUE_PINBASED_CTLS; m <= VMX_MSR_TRUE_ENTRY_CTLS; m++) {
		proc.caps.msr_state[m] = VMX_MSR_PRESENT;
		proc.caps.msr[m] = 0;
	}
	proc.source = CAPS_SRC_SIGNATURE;
	diagnose_dump(r.d, &r.facts, &proc, r.g);
	for (size_t i = 0; i < r.g->rep.n_findings; i++)
		contradicted += r.g->f[i].severity == SEV_CONTRADICTED;
	cr_expect(contradicted > 0);
	cr_expect_eq(r.g->n_errors, 0, "what only the entry says is never an error");
	cr_expect_eq(r.g->agree, 1, "%s", r.g->why);
	run_free(&r);
}
