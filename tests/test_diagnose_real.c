/*
 * test_diagnose_real.c -- `vmcslint diagnose` judges each dump against the processor it ran on:
 * the real logs of examples/dumps/real end as their threads concluded (healthy dumps without
 * an error, failing ones with the check that explains the reported outcome as the verdict, or
 * the undecided checks that could), and the written examples show each way the processor is
 * chosen: boot lines, Xen's boot lines, cpuinfo, no identification, a hypervisor, --caps.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "json_check.h"

#define EX   "examples/dumps/"
#define REAL "examples/dumps/real/"

/*
 * The checks a result reports as failing (severity error or warning), comma-separated in
 * order, into buf.
 */
static void failing(const char *res, char *buf, size_t n)
{
	const char *p = res;
	size_t k = 0;

	buf[0] = '\0';
	while ((p = strstr(p, "{\"check\": \"")) != NULL) {
		const char *id = p + 11, *q = strchr(id, '"');

		p = id;
		if (!q)
			break;
		if (strncmp(q, "\", \"severity\": \"error\"", 22) != 0 &&
		    strncmp(q, "\", \"severity\": \"warning\"", 24) != 0)
			continue;
		k += (size_t)snprintf(buf + k, n - k, "%s%.*s", k ? "," : "", (int)(q - id), id);
		if (k >= n)
			break;
	}
}

static struct cli_result json_of(const char *file)
{
	return run_cli(NULL, (const char *[]){"diagnose", "--format", "json", file, NULL});
}

/* ---- the real logs ---- */

struct real {
	const char *file;
	int dump;              /* which result (from 0) */
	const char *diagnosis; /* start of the "diagnosis" object */
	const char *agree;     /* "true", "false", "null" */
	const char *failing;   /* the checks reported as failing, in order ("" none) */
	const char *also;      /* another piece of the result, or NULL */
};

static const struct real reals[] = {
    /* SMM entry lost the interrupt shadow: blocking by STI with IF = 0 (Paolo, Maxim).  QEMU's
     * message names no qualification and the dump not the link pointer's target, whose check
     * (qualification 4) stays open. */
    {REAL "01-kvm-qemu-proxmox-smm-sti-shadow.log", 0,
     "{\"outcome\": \"entry_failure\", \"exit_reason\": 33, \"exit_qualification\": 0, "
     "\"exit_qualification_varies\": true, \"check\": \"GUEST-INTR-STI-IF\"}",
     "true", "GUEST-INTR-STI-IF", "\"caps_source\": \"unknown-processor\""},
    /* QEMU's view of the same failure shows no interruptibility state. */
    {REAL "01-kvm-qemu-proxmox-smm-sti-shadow.log", 1, "{\"outcome\": \"undecided\"}", "null", "",
     "\"unexplained\": true"},
    /* DS and ES of type 2 without the accessed bit (Jim Mattson). */
    {REAL "02-kvm-dosemu2-ds-es-not-accessed.log", 0,
     "{\"outcome\": \"entry_failure\", \"exit_reason\": 33, \"exit_qualification\": 0, "
     "\"check\": \"GUEST-DS-TYPE-ACCESSED\"}",
     "true", "GUEST-DS-TYPE-ACCESSED,GUEST-ES-TYPE-ACCESSED", NULL},
    /* Sean: the GDTR base; the dump also has an unusable TR of type 1 in a 64-bit guest. The
     * GDTR base is canonical with 5-level paging, which the log does not decide. */
    {REAL "03-kvm-custom-vmm-gdtr-noncanonical.log", 0,
     "{\"outcome\": \"entry_failure\", \"exit_reason\": 33, \"exit_qualification\": 0, "
     "\"check\": \"GUEST-TR-TYPE\"}",
     "true",
     "GUEST-TR-TYPE,GUEST-TR-P,GUEST-TR-LIMIT-GRANULARITY,GUEST-TR-UNUSABLE,GUEST-RFLAGS-IF-"
     "EXTINT",
     "{\"check\": \"GUEST-GDTR-BASE-CANONICAL\", \"severity\": \"note\""},
    /* The Haswell TSX erratum: no check explains the MSR-loading failure. */
    {REAL "04-xen-qubes-lbr-tsx-msr-load.log", 0, "{\"outcome\": \"undecided\"}", "null", "",
     "\"could_explain\": [\"MSRLOAD-"},
    /* #GP injected without an error code: IA32_VMX_BASIC[56] (unknown) decides it. */
    {REAL "05-xen-nested-freebsd-vmlaunch-error7-quoted.log", 0, "{\"outcome\": \"undecided\"}",
     "null", "", "\"CTL-EVT-ERROR-CODE-REQUIRED\""},
    /* Single-step over a MOV-SS-deferred ICEBP: BS clear with TF set. */
    {REAL "06-xen-win10-movss-icebp-tf-quoted.log", 0,
     "{\"outcome\": \"entry_failure\", \"exit_reason\": 33, \"exit_qualification\": 0, "
     "\"check\": \"GUEST-PENDING-DBG-BS-SET\"}",
     "true", "GUEST-PENDING-DBG-BS-SET", NULL},
    {REAL "06b-xen-win10-truncated-printk-suppressed.log", 0, "{\"outcome\": \"undecided\"}",
     "null", "", "\"truncated\": true"},
    {REAL "07-qemu-5.1rc1-reset-nested-gif.log", 0, "{\"outcome\": \"undecided\"}", "null", "",
     "\"unexplained\": true"},
    {REAL "08-qemu-spr-pae-root-shadow-me-mask.log", 0, "{\"outcome\": \"undecided\"}", "null", "",
     "\"unexplained\": true"},
    /* Healthy: the guest ran (a triple-fault exit, an exit of reason 0x18, HLT, #VE). */
    {REAL "09-kvm-nested-esxi-triple-fault-healthy.log", 0, "{\"outcome\": \"success\"}", "true",
     "", NULL},
    {REAL "10-kvm-tracecmd-bz220549-nested-healthy.log", 0, "{\"outcome\": \"success\"}", "true",
     "", NULL},
    /* KVM took a successful entry for failed ("hardware error 0x0"); its dump shows an
     * EPT-violation exit.  lscpu identifies the Xeon E5-4650 v3. */
    {REAL "11-qemu-kvm-linuxnext-hwerr0-healthy-e5-4650v3.log", 0, "{\"outcome\": \"undecided\"",
     "null", "", "\"observed\": {\"outcome\": \"no_error\""},
    {REAL "11-qemu-kvm-linuxnext-hwerr0-healthy-e5-4650v3.log", 1, "{\"outcome\": \"success\"}",
     "true", "", "\"caps_source\": \"log-signature\""},
    {REAL "12-qemu-nested-jailhouse-reset-vmfail7-xeon-d1540.log", 0,
     "{\"outcome\": \"undecided\"}", "null", "", "\"could_explain\": [\"CTL-PIN-RESERVED\""},
    {REAL "13-xen-debugkey-v-pvh-healthy.log", 0, "{\"outcome\": \"success\"}", "true", "", NULL},
    {REAL "14-kvm-icelake-8373c-nested-ve-healthy.log", 0, "{\"outcome\": \"success\"}", "true", "",
     "\"caps\": \"ice-lake-sp-xeon-platinum-8351n\", \"caps_source\": \"log-signature\""},
    /* CR3 bit 63 (the PCID no-flush hint of MOV to CR3) in GUEST_CR3. */
    {REAL "15-xen-drakvuf-cr3-bit63-partial.log", 0,
     "{\"outcome\": \"entry_failure\", \"exit_reason\": 33, \"exit_qualification\": 0, "
     "\"check\": \"GUEST-CR3-RESERVED\"}",
     "true", "GUEST-CR3-RESERVED", NULL},
    {REAL "15b-xen-drakvuf-cr3-bit63-partial.log", 0,
     "{\"outcome\": \"entry_failure\", \"exit_reason\": 33, \"exit_qualification\": 0, "
     "\"check\": \"GUEST-CR3-RESERVED\"}",
     "true", "GUEST-CR3-RESERVED", NULL},
    /* Excerpts that stop early and say nothing about the outcome: nothing false. */
    {REAL "16-kvm-azure-nested-rhel10-partial.log", 0, "{\"outcome\": \"undecided\"", "null", "",
     "\"observed\": null"},
    {REAL "17-kvm-dosemu2-vm86-syslog-partial.log", 0, "{\"outcome\": \"undecided\"", "null", "",
     "\"observed\": null"},
    {REAL "18-xen-drakvuf-i7-4770-partial.log", 0, "{\"outcome\": \"undecided\"}", "null", "",
     "\"unexplained\": true"},
    /* The lost interrupt shadow of 01 again, from a selftest: an excerpt that elides everything
     * but three lines, "*** Guest State ***" included.  The controls are unknown, so the entry
     * stays undecided; the one check those lines decide fails, and is reported although
     * hundreds of undecided checks come before it in the table. */
    {REAL "19-kvm-smm-sti-selftest-elided.log", 0,
     "{\"outcome\": \"undecided\", \"check\": \"CTL-PIN-RESERVED\"}", "null", "GUEST-INTR-STI-IF",
     "\"observed\": null"},
    /* A VM-exit control set that the processor rejects (hardware error 0x7): only the control
     * checks, none of which QEMU's dump shows, can explain it. */
    {REAL "20-qemu-hwerr7-exit-controls-rewrapped.log", 0, "{\"outcome\": \"undecided\"}", "null",
     "", "\"could_explain\": [\"CTL-"},
    /* Wrapped by the mail client at commas, in a log with no prefixes: every value is read. */
    {REAL "21-kvm-syzbot-gce-quoted-wrapped.log", 0, "{\"outcome\": \"undecided\"}", "null", "",
     "\"warnings\": []"},
    /* Only the last lines of a dump: exit reason 33 with qualification 3, which names one
     * cause (an NMI injected under blocking by STI): that check heads the candidates. */
    {REAL "22-kvm-syzbot-tail-qual3.log", 0, "{\"outcome\": \"undecided\"}", "null", "",
     "\"could_explain\": [\"GUEST-INTR-NMI-STI\", "},
    /* An AMD host: "hardware error 0xffffffff" is SVM's VMEXIT_INVALID, no VMX outcome. */
    {REAL "23-qemu-amd-svm-vmrun-0xffffffff.log", 0,
     "{\"outcome\": \"undecided\", \"check\": \"CTL-PIN-RESERVED\"}", "null", "",
     "\"observed\": {\"outcome\": \"not_vmx\", \"hardware_error\": 4294967295"},
    /* Two lines quoted from a dump, each under its section header: an external interrupt
     * injected while RFLAGS.IF = 0 (Paolo Bonzini's reading of the SDM in the thread). */
    {REAL "24-kvm-edk2-rflags-extint-quoted-lines.log", 0,
     "{\"outcome\": \"undecided\", \"check\": \"CTL-PIN-RESERVED\"}", "null",
     "GUEST-RFLAGS-IF-EXTINT", NULL},
    /* QEMU's registers cut at GS: nothing explains the failure; no conclusion in the thread. */
    {REAL "25-qemu-xqemu-cromwell-pentium3-partial.log", 0, "{\"outcome\": \"undecided\"}", "null",
     "", "\"unexplained\": true"},
    /* QEMU's side of 24's failure: RFLAGS.IF = 0 shown, the injected interrupt not. */
    {REAL "26-qemu-edk2-smm-blank-lines-partial.log", 0, "{\"outcome\": \"undecided\"}", "null", "",
     "\"GUEST-RFLAGS-IF-EXTINT\""},
    /* KVM refused QEMU's registers (an AMD host): no VM entry was made, nothing to compare. */
    {REAL "27-qemu-amd-put-registers-einval.log", 0, "{\"outcome\": \"undecided\"", "null", "",
     "\"observed\": {\"outcome\": \"registers_rejected\", \"source\": \"message\", "
     "\"line\": 15"},
    /* A CET test kernel's dump (S_CET, SSP, SSP TABLE one per line): a reset vCPU entered with
     * a 64-bit SSP left over.  The SDM's SSP checks (bits 1:0, bits 63:N identical) pass, so
     * nothing the SDM checks explains the failure of that pre-production processor. */
    {REAL "28-kvm-cet-guest-ssp-reboot-wrapped.log", 0, "{\"outcome\": \"undecided\"", "null", "",
     "\"unexplained\": true"},
};

Test(diagnose_real, every_real_log_ends_as_its_thread_concluded)
{
	for (size_t i = 0; i < sizeof(reals) / sizeof(reals[0]); i++) {
		const struct real *e = &reals[i];
		struct cli_result r = json_of(e->file);
		char *res = json_result(r.out, e->dump), want[600], got[600];
		const char *where;

		cr_assert(json_valid(r.out, &where), "%s: invalid JSON near %.60s", e->file, where);
		cr_assert_not_null(res, "%s: no result %d\n%s", e->file, e->dump, r.err);
		snprintf(want, sizeof(want), "\"diagnosis\": %s", e->diagnosis);
		cr_expect(strstr(res, want), "%s #%d: expected %s in\n%.1200s", e->file, e->dump,
		          want, res);
		snprintf(want, sizeof(want), "\"agree\": %s,", e->agree);
		cr_expect(strstr(res, want), "%s #%d: expected %s", e->file, e->dump, want);
		failing(res, got, sizeof(got));
		cr_expect_str_eq(got, e->failing, "%s #%d: failing checks", e->file, e->dump);
		if (e->also)
			cr_expect(strstr(res, e->also), "%s #%d: expected %s", e->file, e->dump,
			          e->also);
		/* Never an emulator's capabilities without --caps. */
		cr_expect(!strstr(res, "bochs-"), "%s: an emulator's entry was used", e->file);
		free(res);
		cli_result_free(&r);
	}
}

/* The CET patches printed S_CET, SSP and SSP TABLE one per line: a line, not a cut one. */
Test(diagnose_real, cet_values_one_per_line_are_read)
{
	struct cli_result r =
	    run_cli(NULL, (const char *[]){"diagnose", "--emit-config",
	                                   REAL "28-kvm-cet-guest-ssp-reboot-wrapped.log", NULL});

	cr_expect(strstr(r.out, "GUEST_S_CET: 0x0  # line 36"), "%s", r.out);
	cr_expect(strstr(r.out, "GUEST_SSP: 0x7fc1727fdfd0  # line 37"), "%s", r.out);
	cli_result_free(&r);
	/* and the diagnosis warns of no cut line */
	r = run_cli(NULL, (const char *[]){"diagnose",
	                                   REAL "28-kvm-cet-guest-ssp-reboot-wrapped.log", NULL});
	cr_expect(!strstr(r.out, "the line is cut"), "%s", r.out);
	cli_result_free(&r);
}

/*
 * A check whose condition the dump does not show but whose value it does, satisfying it, cannot
 * fail: "unless unrestricted guest, SS.DPL = SS.RPL" with both 0 passes whatever the control.
 * Such checks are no candidate for the failure.  Every segment QEMU shows here has DPL 0 and RPL
 * 0; GS, cut off, stays a candidate.
 */
Test(diagnose_real, checks_the_shown_values_satisfy_are_no_candidates)
{
	static const char *const satisfied[] = {
	    "\"GUEST-SS-DPL-ZERO\"", "\"GUEST-ACTIVITY-HLT-SS-DPL\"", "\"GUEST-SS-RPL-CS-RPL\"",
	    "\"GUEST-SS-DPL-RPL\"",  "\"GUEST-SS-DPL-FRED\"",         "\"GUEST-DS-DPL-RPL\"",
	    "\"GUEST-ES-DPL-RPL\"",  "\"GUEST-FS-DPL-RPL\""};
	struct cli_result r = json_of(REAL "25-qemu-xqemu-cromwell-pentium3-partial.log");
	const char *c = strstr(r.out, "\"could_explain\": [");
	const char *end = c ? strchr(c, ']') : NULL;

	cr_assert(c && end, "%s", r.out);
	for (size_t i = 0; i < sizeof(satisfied) / sizeof(satisfied[0]); i++) {
		const char *at = strstr(c, satisfied[i]);

		cr_expect(!at || at > end, "%s listed as a candidate", satisfied[i]);
	}
	cr_expect(strstr(c, "\"GUEST-GS-DPL-RPL\"") < end, "GS is not shown: %.300s", c);
	cli_result_free(&r);
}

/* Lines a mail client re-wrapped: no value on them is lost (--emit-config shows what was read). */
Test(diagnose_real, values_on_rewrapped_lines_are_read)
{
	struct cli_result q = run_cli(NULL, (const char *[]){"diagnose", "--emit-config",
	                                                     REAL "20-qemu-hwerr7-exit-controls-"
	                                                          "rewrapped.log",
	                                                     NULL});
	struct cli_result k = run_cli(NULL, (const char *[]){"diagnose", "--emit-config",
	                                                     REAL "21-kvm-syzbot-gce-quoted-"
	                                                          "wrapped.log",
	                                                     NULL});

	/* QEMU prints DR0-DR3 on one line and DR6-DR7 on the next; this copy moved DR3 down. */
	cr_expect(strstr(q.out, "GUEST_DR7: 0x400  # line 21"), "%s", q.out);
	/* "CR0: actual=..., shadow=...," then "gh_mask=..." on the next line */
	cr_expect(strstr(k.out, "CR0_READ_SHADOW: 0x60000011  # line 6"), "%s", k.out);
	cr_expect(strstr(k.out, "CR0_GUEST_HOST_MASK: 0xfffffffffffffff7  # line 7"), "%s", k.out);
	cr_expect(strstr(k.out, "CR4_GUEST_HOST_MASK: 0xfffffffffffff871  # line 9"), "%s", k.out);
	cr_expect(!strstr(k.err, "cut"), "%s", k.err);
	cli_result_free(&q);
	cli_result_free(&k);
}

Test(diagnose_real, a_cpuinfo_pasted_beside_a_xen_log_identifies_its_processor)
{
	size_t a, b;
	char *log = read_file(REAL "04-xen-qubes-lbr-tsx-msr-load.log", &a);
	char *cpuinfo = read_file(REAL "04-xen-qubes-lbr-tsx-msr-load.cpuinfo.txt", &b);
	char *both;
	struct cli_result r;

	cr_assert(log && cpuinfo);
	both = malloc(a + b + 1);
	cr_assert_not_null(both);
	memcpy(both, log, a);
	memcpy(both + a, cpuinfo, b + 1);
	/* Through a pipe: the identification after the dump needs a second reading. */
	r = run_cli(both, (const char *[]){"diagnose", "--format", "json", "-", NULL});
	cr_expect(strstr(r.out, "\"caps\": \"haswell-core-i7-4770\", \"caps_source\": "
	                        "\"log-signature\""),
	          "%.600s", r.out);
	cr_expect(strstr(r.out, "\"signature\": \"06_3C_3\", \"brand\": \"Intel(R) Core(TM) "
	                        "i5-4590 CPU @ 3.30GHz\""),
	          "%.600s", r.out);
	cr_expect(strstr(r.out, "\"unexplained\": true"), "the erratum stays unexplained");
	cr_expect(!strstr(r.out, "\"severity\": \"error\""), "%s", r.out);
	cli_result_free(&r);
	free(both);
	free(log);
	free(cpuinfo);
}

/*
 * A nested guest's cpuinfo "vmx flags" (what its hypervisor offers it): each name proves its
 * capability bits allowed, older kernels' names too, unknown names are skipped; ept_ad decides
 * the EPT pointer's accessed/dirty check the unknown processor left open.
 */
Test(diagnose_real, cpuinfo_vmx_flags_prove_allowed_settings)
{
	struct cli_result r = json_of("tests/fixtures/dumps/kvm-nested-vmx-flags.log");
	struct cli_result o = json_of(EX "kvm-nested-cloud-extint-if0.log");

	cr_expect(strstr(r.out,
	                 "\"kind\": \"log\", \"line\": 66, \"text\": \"cpuinfo's \\\"vmx "
	                 "flags\\\" lists 20 VMX features (vnmi, preemption_timer, posted_intr, "
	                 "invvpid, ept_x_only, ept_ad, ...)"),
	          "%.3000s", r.out);
	cr_expect(strstr(r.out,
	                 "IA32_VMX_PROCBASED_CTLS2, IA32_VMX_EPT_VPID_CAP, "
	                 "IA32_VMX_TRUE_PINBASED_CTLS, IA32_VMX_TRUE_PROCBASED_CTLS allow 1\", "
	                 "\"decides\": [\"CTL-EPTP-ACCESSED-DIRTY\"]"),
	          "%.3000s", r.out);
	/* it passes outright: no diagnostic names it */
	cr_expect(!strstr(r.out, "{\"check\": \"CTL-EPTP-ACCESSED-DIRTY\", \"severity\""), "%s",
	          r.out);
	/* without the line the same dump leaves that check to the log's outcome */
	cr_expect(strstr(o.out, "{\"check\": \"CTL-EPTP-ACCESSED-DIRTY\", \"severity\": \"note\", "
	                        "\"status\": \"passed (the log's outcome)\""),
	          "%s", o.out);
	cr_expect(!strstr(o.out, "vmx flags"), "%s", o.out);
	cli_result_free(&r);
	cli_result_free(&o);
}

/* ---- how the processor is chosen: the written examples ---- */

/* What an emulator's capabilities made fail on these hosts: decided (and passing) here. */
static const char *const spr_no_false[] = {
    "CTL-PIN-RESERVED",   "CTL-PROC2-RESERVED",   "CTL-PROC3-RESERVED", "CTL-EXIT-RESERVED",
    "CTL-ENTRY-RESERVED", "VMWRITE-FIELD-EXISTS", "HOST-CR4-FIXED1",    "HOST-GS-BASE-CANONICAL",
};

static void expect_only_failing(const char *res, const char *ids, const char *what)
{
	char got[600];

	failing(res, got, sizeof(got));
	cr_expect_str_eq(got, ids, "%s: failing checks", what);
	for (size_t i = 0; i < sizeof(spr_no_false) / sizeof(spr_no_false[0]); i++) {
		char needle[120];

		snprintf(needle, sizeof(needle), "{\"check\": \"%s\", \"severity\": \"note\"",
		         spr_no_false[i]);
		cr_expect(!strstr(res, needle), "%s: %s is left undecided", what, spr_no_false[i]);
	}
}

Test(diagnose_real, a_server_identified_by_its_boot_lines_is_judged_with_its_entry)
{
	struct cli_result r = json_of(EX "kvm-6.8-spr-boot-tr-available.log");
	char *res = json_result(r.out, 0);

	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_assert_not_null(res);
	cr_expect(strstr(res, "\"caps\": \"sapphire-rapids-xeon-w7-2475x\", \"caps_source\": "
	                      "\"log-signature\""),
	          "%.800s", res);
	cr_expect(strstr(res, "\"identified\": {\"line\": 12, \"signature\": \"06_8F_8\", "
	                      "\"brand\": \"Intel(R) Xeon(R) Platinum 8480+\""),
	          "%.800s", res);
	cr_expect(strstr(res,
	                 "\"diagnosis\": {\"outcome\": \"entry_failure\", \"exit_reason\": 33, "
	                 "\"exit_qualification\": 0, \"check\": \"GUEST-TR-TYPE\"}"),
	          "%s", res);
	cr_expect(strstr(res, "\"agree\": true"), "%s", res);
	expect_only_failing(res, "GUEST-TR-TYPE", "boot lines");
	free(res);
	cli_result_free(&r);
}

Test(diagnose_real, without_boot_lines_the_processor_is_unknown_and_nothing_false_is_said)
{
	size_t len, k = 0;
	char *text = read_file(EX "kvm-6.8-spr-boot-tr-available.log", &len), *out, *res;
	const char *p;
	struct cli_result r;

	cr_assert_not_null(text);
	out = malloc(len + 1);
	cr_assert_not_null(out);
	/* Drop the lines that identify the processor. */
	for (p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p + 1) : strlen(p);

		if (!strstr(p, "smpboot:") || (e && strstr(p, "smpboot:") > e)) {
			memcpy(out + k, p, n);
			k += n;
		}
		p += n;
	}
	out[k] = '\0';
	r = run_cli(out, (const char *[]){"diagnose", "--format", "json", "-", NULL});
	res = json_result(r.out, 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_assert_not_null(res);
	cr_expect(strstr(res, "\"caps\": null, \"caps_source\": \"unknown-processor\""), "%.400s",
	          res);
	cr_expect(strstr(res, "\"check\": \"GUEST-TR-TYPE\"}"), "%s", res);
	cr_expect(strstr(res, "\"agree\": true"), "%s", res);
	expect_only_failing(res, "GUEST-TR-TYPE", "no boot lines");
	/* The evidence that decided what the capsdb entry decided before, with its line. */
	cr_expect(strstr(res,
	                 "\"text\": \"HOST_CR4 = 0xf73ee0: the host runs with PAE MCE PGE "
	                 "OSFXSR OSXMMEXCPT UMIP LA57 VMXE FSGSBASE PCIDE OSXSAVE SMEP SMAP PKE "
	                 "CET set"),
	          "%s", res);
	cr_expect(strstr(res, "\"decides\": [\"HOST-CR4-FIXED1\", \"HOST-GS-BASE-CANONICAL\""),
	          "%s", res);
	cr_expect(strstr(res, "\"kind\": \"outcome\", \"line\": 53, \"text\": "
	                      "\"PIN_BASED_VM_EXEC_CONTROL = 0xff and VM entry failed with exit "
	                      "reason 33"),
	          "%s", res);
	free(res);
	cli_result_free(&r);
	free(out);
	free(text);
}

Test(diagnose_real, a_healthy_dump_from_a_recent_cpu_has_no_error)
{
	struct cli_result r = json_of(EX "xen-4.17-icelake-healthy.log");

	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"caps\": \"ice-lake-sp-xeon-platinum-8351n\", \"caps_source\": "
	                        "\"log-signature\""),
	          "%.600s", r.out);
	cr_expect(strstr(r.out, "\"observed\": {\"outcome\": \"success\", \"source\": "
	                        "\"dump_field\""),
	          "%.2000s", r.out);
	cr_expect(strstr(r.out, "\"diagnosis\": {\"outcome\": \"success\"}"), "%s", r.out);
	cr_expect(!strstr(r.out, "\"severity\": \"error\"") &&
	              !strstr(r.out, "\"severity\": \"warning\""),
	          "%s", r.out);
	cli_result_free(&r);
}

Test(diagnose_real, a_kernel_under_a_hypervisor_gets_no_capsdb_entry)
{
	struct cli_result r = json_of(EX "kvm-nested-cloud-extint-if0.log");
	char *res = json_result(r.out, 0);

	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_assert_not_null(res);
	cr_expect(strstr(res, "\"caps\": null, \"caps_source\": \"unknown-processor\""), "%.600s",
	          res);
	cr_expect(strstr(res, "\"hypervisor\": {\"line\": 8, \"text\": \"Hypervisor detected: "
	                      "KVM\"}"),
	          "%.800s", res);
	cr_expect(strstr(res, "\"signature\": \"06_55_7\""), "the signature is seen, not used");
	cr_expect(strstr(res, "\"check\": \"GUEST-RFLAGS-IF-EXTINT\"}"), "%s", res);
	expect_only_failing(res, "GUEST-RFLAGS-IF-EXTINT", "nested");
	free(res);
	cli_result_free(&r);
	r = run_cli(NULL, (const char *[]){"diagnose", EX "kvm-nested-cloud-extint-if0.log", NULL});
	cr_expect(strstr(r.out, EX "kvm-nested-cloud-extint-if0.log:8: processor: unknown: line 8 "
	                           "shows the kernel running under a hypervisor"),
	          "%s", r.out);
	cli_result_free(&r);
}

Test(diagnose_real, a_qemu_dump_is_judged_with_the_processor_of_the_journal)
{
	struct cli_result r = json_of(EX "qemu-tigerlake-boot.log");

	cr_expect_eq(r.status, 1, "the failure stays unexplained: %s", r.err);
	cr_expect(strstr(r.out, "\"caps\": \"tiger-lake-u-core-i7-1165g7\", \"caps_source\": "
	                        "\"log-signature\""),
	          "%.600s", r.out);
	cr_expect(strstr(r.out, "\"unexplained\": true"), "%s", r.out);
	cr_expect(!strstr(r.out, "\"severity\": \"error\""), "%s", r.out);
	cli_result_free(&r);
}

Test(diagnose_real, caps_overrides_what_the_log_says)
{
	struct cli_result r = run_cli(
	    NULL, (const char *[]){"diagnose", "--caps", "bochs-corei7_skylake_x", "--format",
	                           "json", EX "kvm-6.8-spr-boot-tr-available.log", NULL});

	cr_expect_eq(r.status, 1, "%s", r.err);
	cr_expect(strstr(r.out, "\"caps\": \"bochs-corei7_skylake_x\", \"caps_source\": "
	                        "\"option\""),
	          "%.600s", r.out);
	/* The emulator lacks what the Sapphire Rapids host uses: the log contradicts it. */
	cr_expect(strstr(r.out, "\"agree\": false") && strstr(r.out, "(--caps)"), "%s", r.out);
	cli_result_free(&r);
}

Test(diagnose_real, an_identification_after_the_dump_is_used_also_from_a_pipe)
{
	size_t len;
	char *text = read_file(EX "kvm-5.15-cr4-vmxe.log", &len);
	struct cli_result r;

	cr_assert_not_null(text);
	r = run_cli(text, (const char *[]){"diagnose", "--format", "json", "-", NULL});
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"caps\": \"skylake-sp-x-core-i9-7900x\", \"caps_source\": "
	                        "\"log-signature\""),
	          "%.600s", r.out);
	/* CR4.VMXE is fixed to 1 on every VMX processor: an error whatever the entry says. */
	cr_expect(strstr(r.out, "{\"check\": \"GUEST-CR4-FIXED0\", \"severity\": \"error\", "
	                        "\"status\": \"fails\", \"explains\": true"),
	          "%s", r.out);
	cli_result_free(&r);
	free(text);
}

Test(diagnose_real, another_stepping_of_the_model_is_an_assumption_said_so)
{
	size_t len;
	char *text = read_file(EX "kvm-6.8-spr-boot-tr-available.log", &len), *at;
	struct cli_result r;

	cr_assert_not_null(text);
	/* A stepping the capsdb has no entry of: 06_8F_6 (its entries are stepping 8). */
	at = strstr(text, "stepping: 0x8)");
	cr_assert_not_null(at);
	at[12] = '6';
	r = run_cli(text, (const char *[]){"diagnose", "-", NULL});
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "processor: sapphire-rapids-xeon-w7-2475x, assumed: line 12 (boot "
	                        "line) identifies 06_8F_6"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "assumed to have the same VMX capabilities"), "%s", r.out);
	cli_result_free(&r);
	r = run_cli(text, (const char *[]){"diagnose", "--format", "json", "-", NULL});
	cr_expect(strstr(r.out, "\"caps_source\": \"log-family-model\""), "%.400s", r.out);
	cli_result_free(&r);
	free(text);
}

/*
 * A log that reports the outcome but holds no dump (Xen's header line, quoted in a commit
 * message): still no dump to judge (exit 2), but the outcome is read and narrowed to the checks
 * that give it -- qualification 2 only the PDPTE checks -- in the text and in the JSON result.
 */
Test(diagnose_real, an_outcome_without_a_dump_names_the_checks_that_give_it)
{
	const char *log = REAL "29-xen-nested-l1-qual2-header-only.log";
	struct cli_result r = run_cli(NULL, (const char *[]){"diagnose", log, NULL});
	char *res;
	const char *where;

	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect(strstr(r.err, "29-xen-nested-l1-qual2-header-only.log:5: note: the log reports "
	                        "VM-entry failure, exit reason 33 (0x80000021), qualification 2, "
	                        "but shows no VMCS; the checks that give that outcome: "
	                        "GUEST-PDPTE-CR3-RESERVED, GUEST-PDPTE-FIELDS-RESERVED\n"),
	          "%s", r.err);
	cr_expect(strstr(r.err, "error: no VMCS dump found"), "%s", r.err);
	cli_result_free(&r);

	r = json_of(log);
	cr_expect_eq(r.status, 2);
	cr_assert(json_valid(r.out, &where), "invalid JSON near %.60s", where);
	res = json_result(r.out, 0);
	cr_assert_not_null(res, "%s", r.out);
	cr_expect(strstr(res, "\"dump\": null"), "%s", res);
	cr_expect(strstr(res, "\"exit_reason\": 33, \"exit_qualification\": 2, \"source\": "
	                      "\"message\", \"line\": 5"),
	          "%s", res);
	cr_expect(strstr(res, "\"could_explain\": [\"GUEST-PDPTE-CR3-RESERVED\", "
	                      "\"GUEST-PDPTE-FIELDS-RESERVED\"]"),
	          "%s", res);
	cr_expect(strstr(res, "{\"severity\": \"error\", \"file\": \"" REAL
	                      "29-xen-nested-l1-qual2-header-only.log\", \"message\": \"no VMCS "
	                      "dump found"),
	          "%s", res);
	free(res);
	cli_result_free(&r);
}
