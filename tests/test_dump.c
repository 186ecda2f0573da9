/*
 * test_dump.c -- the log reader of `diagnose` (dump/) on the real logs of examples/dumps/real
 * and on fixtures that isolate one form: every value read where the log shows it (line and
 * column), through mail quoting, mail-client wrapping, NBSPs, trace-cmd records, markdown
 * fences, Xen's printk rate limit, and dumps seen only from their middle.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "helpers.h"
#include "vmcs_ids.h"

#define REAL "examples/dumps/real/"
#define FIX  "tests/fixtures/dumps/"

struct parsed {
	size_t n;
	struct dump *d; /* heap copies, in log order */
	struct dump_facts facts;
};

static void keep(const struct dump *d, void *ctx)
{
	struct parsed *p = ctx;

	p->d = realloc(p->d, (p->n + 1) * sizeof(*p->d));
	cr_assert_not_null(p->d);
	p->d[p->n] = *d;
	if (d->env.msr_load) /* the copy's MSR-load area is its own */
		p->d[p->n].env.msr_load = p->d[p->n].msr_load;
	p->n++;
}

static struct parsed parse(const char *path)
{
	struct parsed p = {0, NULL, {0}};
	struct dump_parser *dp = dump_parser_new(keep, &p);
	struct dump_scan_stats st;
	char err[200];
	FILE *f = fopen(path, "rb");

	cr_assert_not_null(f, "%s", path);
	cr_assert(dump_scan_stream(f, dp, &st, NULL, err, sizeof(err)), "%s: %s", path, err);
	fclose(f);
	dump_parser_finish(dp);
	p.facts = *dump_parser_facts(dp);
	dump_parser_free(dp);
	return p;
}

static void parsed_free(struct parsed *p)
{
	free(p->d);
}

/* A field's value and where the log shows it. */
static void expect_field(const struct dump *d, int id, uint64_t v, unsigned line, unsigned col)
{
	const char *name = vmcs_field_at((size_t)id)->name;

	cr_expect(d->vmcs.known[id], "%s unknown", name);
	cr_expect_eq(d->vmcs.value[id], v, "%s = 0x%llx, expected 0x%llx", name,
	             (unsigned long long)d->vmcs.value[id], (unsigned long long)v);
	cr_expect_eq(d->field_line[id], line, "%s on line %u, expected %u", name, d->field_line[id],
	             line);
	if (col)
		cr_expect_eq(d->field_col[id], col, "%s in column %u, expected %u", name,
		             d->field_col[id], col);
}

static void expect_no_warning(const struct dump *d, const char *file)
{
	for (size_t i = 0; i < d->n_warnings; i++)
		cr_expect(0, "%s:%u: unexpected warning: %s", file, d->warnings[i].line,
		          d->warnings[i].text);
}

Test(dump, quoted_and_hard_wrapped_xen_lines_are_joined)
{
	/* ">>>> (XEN) [date] RSP = 0x...\n>>>> (0x...)  RIP = 0x..." and "ActivityState\n>>>> =".
	 */
	struct parsed p = parse(REAL "06-xen-win10-movss-icebp-tf-quoted.log");
	const struct dump *d;

	cr_assert_eq(p.n, 1);
	d = &p.d[0];
	expect_no_warning(d, "06");
	expect_field(d, VMCS_GUEST_RSP, 0xffff8c0f4dd71e98ull, 10, 40);
	expect_field(d, VMCS_GUEST_RIP, 0xffffd18a040bb75eull, 11, 34);
	expect_field(d, VMCS_GUEST_INTERRUPTIBILITY_INFO, 2, 33, 53);
	expect_field(d, VMCS_GUEST_ACTIVITY_STATE, 0, 34, 8);
	expect_field(d, VMCS_GUEST_SYSENTER_CS, 0, 15, 0);
	expect_field(d, VMCS_TSC_MULTIPLIER, 0, 67, 19);
	expect_field(d, VMCS_VM_FUNCTION_CONTROL, 0, 73, 17);
	expect_field(d, VMCS_GUEST_IA32_DEBUGCTL, 0, 31, 45);
	cr_expect_eq(d->observed.kind, VERDICT_ENTRY_FAILURE);
	cr_expect_eq(d->observed.exit_reason, 33);
	cr_expect(d->observed.qual_known && d->observed.qualification == 0);
	cr_expect_eq(d->observed.source, VSRC_MESSAGE);
	cr_expect_str_eq(d->observed.text,
	                 "d2v0 vmentry failure (reason 0x80000021): Invalid guest state (0)");
	parsed_free(&p);
}

Test(dump, nbsp_and_wrapped_values_of_a_mail_are_read)
{
	struct parsed p = parse(REAL "04-xen-qubes-lbr-tsx-msr-load.log");
	const struct dump *d;

	cr_assert_eq(p.n, 1);
	d = &p.d[0];
	expect_no_warning(d, "04");
	expect_field(d, VMCS_CR0_GUEST_HOST_MASK, ~0ull, 6, 9);
	expect_field(d, VMCS_GUEST_RIP, 0xfffff80676dc29d0ull, 11, 1);
	expect_field(d, VMCS_HOST_TR_BASE, 0xffff83042bb02c80ull, 34, 8);
	expect_field(d, VMCS_GUEST_GS_BASE, 0xffffb181c2d00000ull, 20, 0);
	/* The verdict and Xen's next line naming the MSR (an NBSP-indented line). */
	cr_expect_eq(d->observed.exit_reason, 34);
	cr_expect_eq(d->observed.qualification, 2, "Xen prints the 0-based entry");
	cr_expect(strstr(d->observed.text, "msr 000001dd val 1ffff80676f52be5"), "%s",
	          d->observed.text);
	parsed_free(&p);
}

Test(dump, mail_commentary_between_quoted_lines_stays_out)
{
	struct parsed p = parse(REAL "05-xen-nested-freebsd-vmlaunch-error7-quoted.log");
	const struct dump *d;
	bool noted = false;

	cr_assert_eq(p.n, 1);
	d = &p.d[0];
	cr_expect_eq(d->observed.kind, VERDICT_VMFAIL_VALID);
	cr_expect_eq(d->observed.vm_error, 7);
	cr_expect(d->instruction_from_log && d->env.instruction == VMENTRY_VMLAUNCH);
	/* Values after the commentary belong to the dump. */
	expect_field(d, VMCS_HOST_CS_SELECTOR, 0xe008, 33, 0);
	expect_field(d, VMCS_VM_ENTRY_INTR_INFO_FIELD, 0x8000030d, 43, 0);
	expect_field(d, VMCS_POSTED_INTR_NV, 0xf4, 58, 0);
	for (size_t i = 0; i < d->n_notes; i++)
		noted |= d->notes[i].line == 30 && strstr(d->notes[i].text, "not part of the dump");
	cr_expect(noted, "the commentary of line 30 is named");
	parsed_free(&p);
}

Test(dump, trace_cmd_records_are_read_with_their_messages)
{
	struct parsed p = parse(REAL "10-kvm-tracecmd-bz220549-nested-healthy.log");
	const struct dump *d;

	cr_assert_eq(p.n, 1);
	d = &p.d[0];
	expect_no_warning(d, "10");
	/* "bprint: dump_vmcs: CR3\n= 0x..." and "bprint:\nvmx_dump_dtsel: GDTR: ..." */
	expect_field(d, VMCS_GUEST_CR3, 0x101945000ull, 19, 3);
	expect_field(d, VMCS_GUEST_GDTR_BASE, 0xfffff8390c0232b0ull, 30, 6);
	expect_field(d, VMCS_TSC_OFFSET, 0xfffff447b4a645a1ull, 78, 10);
	expect_field(d, VMCS_PLE_GAP, 0x80, 94, 5);
	expect_field(d, VMCS_TERTIARY_VM_EXEC_CONTROL, 0x10, 64, 0);
	/* The debug patch's own lines (vmx_dump_01_02_12: RIP=..., CR3=...) are not the dump. */
	expect_field(d, VMCS_GUEST_RIP, 0xfffff8390c241308ull, 25, 29);
	cr_expect_eq(d->observed.kind, VERDICT_SUCCESS);
	cr_expect_eq(d->observed.exit_reason, 0x18);
	cr_expect_eq(d->observed.source, VSRC_DUMP_FIELD);
	parsed_free(&p);
}

Test(dump, format_flowed_wraps_join_without_any_log_prefix)
{
	struct parsed p = parse(REAL "03-kvm-custom-vmm-gdtr-noncanonical.log");
	const struct dump *d;

	cr_assert_eq(p.n, 1);
	d = &p.d[0];
	expect_no_warning(d, "03");
	expect_field(d, VMCS_CR0_GUEST_HOST_MASK, 0xfffffffffffffff7ull, 3, 9);
	expect_field(d, VMCS_CR4_GUEST_HOST_MASK, 0xfffffffffffef871ull, 5, 9);
	expect_field(d, VMCS_GUEST_GDTR_BASE, 0x001f000000000200ull, 18, 56);
	cr_expect_eq(d->observed.exit_reason, 33);
	parsed_free(&p);

	/* [timestamp] prefixes; the wrapped pieces have none. */
	p = parse(REAL "02-kvm-dosemu2-ds-es-not-accessed.log");
	cr_assert_eq(p.n, 1);
	expect_no_warning(&p.d[0], "02");
	expect_field(&p.d[0], VMCS_GUEST_DS_BASE, 0, 13, 6);
	expect_field(&p.d[0], VMCS_GUEST_PENDING_DBG_EXCEPTIONS, 0, 32, 1);
	expect_field(&p.d[0], VMCS_GUEST_DS_AR_BYTES, 0xc0f2, 12, 41);
	parsed_free(&p);

	/* "(XEN) ..., $" soft breaks of the 'v' debug key's output. */
	p = parse(REAL "13-xen-debugkey-v-pvh-healthy.log");
	cr_assert_eq(p.n, 1);
	expect_no_warning(&p.d[0], "13");
	expect_field(&p.d[0], VMCS_GUEST_RIP, 0x209997, 14, 1);
	expect_field(&p.d[0], VMCS_HOST_RSP, 0xffff83009c057f70ull, 35, 1);
	cr_expect(strstr(p.d[0].variant, "(d3v0)"), "%s", p.d[0].variant);
	parsed_free(&p);
}

Test(dump, a_trailing_blank_does_not_join_a_line_of_its_own)
{
	/* QEMU prints "DR3=... " with a blank before the line end; DR6/DR7 is its own line. */
	struct parsed p = parse(REAL "07-qemu-5.1rc1-reset-nested-gif.log");

	cr_assert_eq(p.n, 1);
	expect_field(&p.d[0], VMCS_GUEST_DR7, 0x400, 27, 26);
	cr_expect_eq(p.d[0].observed.exit_reason, 33);
	parsed_free(&p);
}

Test(dump, a_markdown_fence_glued_to_the_first_line_is_skipped)
{
	struct parsed p = parse(REAL "15-xen-drakvuf-cr3-bit63-partial.log");

	cr_assert_eq(p.n, 1);
	cr_expect_eq(p.d[0].observed.exit_reason, 33);
	cr_expect_eq(p.d[0].observed.line, 2);
	expect_field(&p.d[0], VMCS_GUEST_CR3, 0x800000001a02f080ull, 7, 13);
	cr_expect(p.d[0].truncated, "the excerpt stops at LDTR");
	parsed_free(&p);
}

Test(dump, xen_rate_limiting_cuts_a_dump_and_says_so)
{
	struct parsed p = parse(REAL "06b-xen-win10-truncated-printk-suppressed.log");
	const struct dump *d;

	cr_assert_eq(p.n, 1);
	d = &p.d[0];
	cr_expect(d->truncated);
	cr_expect(d->n_warnings >= 1 && d->warnings[0].line == 19 &&
	              strstr(d->warnings[0].text, "Xen dropped 52 messages"),
	          "%s", d->n_warnings ? d->warnings[0].text : "(no warning)");
	expect_field(d, VMCS_GUEST_RFLAGS, 0x197, 14, 0);
	cr_expect_eq(d->observed.exit_reason, 33);
	parsed_free(&p);
}

Test(dump, a_dump_seen_from_its_middle_is_read_from_its_first_header)
{
	struct parsed p = parse(REAL "18-xen-drakvuf-i7-4770-partial.log");
	const struct dump *d;

	cr_assert_eq(p.n, 1);
	d = &p.d[0];
	cr_expect_eq(d->first_line, 3);
	cr_expect(d->truncated);
	expect_field(d, VMCS_PIN_BASED_VM_EXEC_CONTROL, 0x3f, 4, 16);
	expect_field(d, VMCS_VM_ENTRY_CONTROLS, 0x53ff, 5, 21);
	cr_expect(!d->vmcs.known[VMCS_GUEST_CR0]);
	cr_expect_eq(d->observed.exit_reason, 33);
	cr_expect_eq(d->observed.source, VSRC_DUMP_FIELD);
	parsed_free(&p);
}

/*
 * A patched kernel printed another key in the middle of the host CR line: the values after it
 * are whole.  A line that really ends early still drops its last value.
 */
Test(dump, an_unknown_key_inside_a_line_does_not_cut_it)
{
	struct parsed p = parse(FIX "kvm-patched-key.log");
	const struct dump *d;
	bool unknown_key = false, cut9 = false;

	cr_assert_eq(p.n, 1);
	d = &p.d[0];
	expect_field(d, VMCS_HOST_CR0, 0x80050033, 6, 0);
	expect_field(d, VMCS_HOST_CR4, 0xb726f0, 6, 0);
	cr_expect(!d->vmcs.known[VMCS_HOST_CR3]);
	for (size_t i = 0; i < d->n_warnings; i++) {
		unknown_key |= d->warnings[i].line == 6 && strstr(d->warnings[i].text, "__va::CR3");
		cr_expect(d->warnings[i].line != 6 || !strstr(d->warnings[i].text, "cut"), "%s",
		          d->warnings[i].text);
		cut9 |= d->warnings[i].line == 9 && strstr(d->warnings[i].text, "cut (no CR4=)");
	}
	cr_expect(unknown_key, "the unknown key is not named");
	cr_expect(cut9, "the line that ends before CR4= is not named as cut");
	parsed_free(&p);
}

/*
 * Since Linux 5.14 the header line comes before "*** Guest State ***": an excerpt that leaves
 * the section line out still has its guest values read.
 */
Test(dump, guest_values_after_a_kvm_header_without_the_section_line_are_read)
{
	struct parsed p = parse(REAL "19-kvm-smm-sti-selftest-elided.log");
	const struct dump *d;

	cr_assert_eq(p.n, 1);
	d = &p.d[0];
	cr_expect_eq(d->first_line, 20);
	expect_field(d, VMCS_GUEST_RFLAGS, 0x2, 22, 0);
	expect_field(d, VMCS_GUEST_DR7, 0x400, 22, 0);
	expect_field(d, VMCS_GUEST_INTERRUPTIBILITY_INFO, 0x9, 24, 0);
	expect_field(d, VMCS_GUEST_ACTIVITY_STATE, 0, 24, 0);
	parsed_free(&p);
}

/* A console cut to the dump's last lines: read from its VM-exit line, its verdict included. */
Test(dump, the_tail_of_a_dump_without_its_headers_is_read)
{
	struct parsed p = parse(REAL "22-kvm-syzbot-tail-qual3.log");
	const struct dump *d;

	cr_assert_eq(p.n, 1);
	d = &p.d[0];
	cr_expect_eq(d->first_line, 4);
	cr_expect_eq(d->last_line, 8);
	cr_expect(d->truncated);
	expect_field(d, VMCS_VM_EXIT_INSTRUCTION_LEN, 3, 4, 0);
	expect_field(d, VMCS_EXIT_QUALIFICATION, 3, 5, 0);
	expect_field(d, VMCS_EPT_POINTER, 0x1c4f5101e, 8, 0);
	cr_expect_eq(d->observed.exit_reason, 33);
	cr_expect_eq(d->observed.qualification, 3);
	cr_expect_eq(d->observed.source, VSRC_DUMP_FIELD);
	parsed_free(&p);
}

/* Whether d has a warning on line containing text. */
static bool warned(const struct dump *d, unsigned line, const char *text)
{
	for (size_t i = 0; i < d->n_warnings; i++)
		if (d->warnings[i].line == line && strstr(d->warnings[i].text, text))
			return true;
	return false;
}

/*
 * A log that ends inside a value: fewer digits than the value is printed with.  The value is
 * not used (it is not the processor's), the complete ones before it are.
 */
Test(dump, a_value_cut_with_its_line_is_not_used)
{
	struct parsed q = parse(FIX "qemu-cut-lines.log");
	struct parsed k = parse(FIX "kvm-headless-tail.log");

	cr_assert_eq(q.n, 2);
	/* "GS =0000 00000000 0000ffff 000": the flags are cut */
	expect_field(&q.d[0], VMCS_GUEST_GS_LIMIT, 0xffff, 10, 0);
	cr_expect(!q.d[0].vmcs.known[VMCS_GUEST_GS_AR_BYTES]);
	cr_expect(warned(&q.d[0], 10, "cut in the flags (3 of its 8 digits)"));
	/* "FS =0000 00000000 ffffffff": the flags are missing */
	expect_field(&q.d[1], VMCS_GUEST_FS_LIMIT, 0xffffffff, 20, 0);
	cr_expect(!q.d[1].vmcs.known[VMCS_GUEST_FS_AR_BYTES]);
	cr_expect(warned(&q.d[1], 20, "ends before the segment's flags"));
	/* "GDT=     c3f2a000 0000": the limit is cut */
	expect_field(&q.d[1], VMCS_GUEST_GDTR_BASE, 0xc3f2a000, 24, 0);
	cr_expect(!q.d[1].vmcs.known[VMCS_GUEST_GDTR_LIMIT]);
	cr_expect(warned(&q.d[1], 24, "cut in the limit (4 of its 8 digits)"));
	/* KVM prints CR4 with 16 digits: 15 are a cut value */
	cr_assert_eq(k.n, 1);
	expect_field(&k.d[0], VMCS_HOST_CR3, 0x74992000, 8, 0);
	cr_expect(!k.d[0].vmcs.known[VMCS_HOST_CR4]);
	cr_expect(warned(&k.d[0], 8, "cut in the value of CR4 (15 digits"));
	parsed_free(&q);
	parsed_free(&k);
}

/* A copy that starts at a segment line, above any section header, is read from there. */
Test(dump, a_dump_seen_from_a_guest_segment_line_is_read_from_it)
{
	struct parsed p = parse(FIX "kvm-headless-tail.log");
	const struct dump *d;
	bool noted = false;

	cr_assert_eq(p.n, 1);
	d = &p.d[0];
	cr_expect_eq(d->first_line, 1);
	cr_expect(d->truncated);
	expect_field(d, VMCS_GUEST_LDTR_AR_BYTES, 0x82, 1, 0);
	expect_field(d, VMCS_GUEST_TR_LIMIT, 0x2088, 3, 0);
	expect_field(d, VMCS_GUEST_INTERRUPTIBILITY_INFO, 0, 5, 0);
	expect_field(d, VMCS_HOST_RIP, 0xffffffffc0699430, 7, 0);
	for (size_t i = 0; i < d->n_notes; i++)
		noted |=
		    strstr(d->notes[i].text, "starts at line 1, inside its Guest State") != NULL;
	cr_expect(noted, "the late start is not named");
	parsed_free(&p);
}

/* AMD's VMRUN failure as QEMU reports it is no VMX outcome. */
Test(dump, hardware_error_all_ones_is_no_vmx_outcome)
{
	struct parsed p = parse(REAL "23-qemu-amd-svm-vmrun-0xffffffff.log");

	cr_assert_geq(p.n, 1);
	cr_expect_eq(p.d[0].observed.kind, VERDICT_NOT_VMX);
	cr_expect_eq(p.d[0].observed.full_reason, 0xffffffffu);
	parsed_free(&p);
}

/* QEMU's stderr relayed line by line in logfmt msg fields (Kata Containers' shim). */
Test(dump, a_dump_inside_logfmt_msg_fields_is_read)
{
	struct parsed p = parse(FIX "kata-logfmt-qemu.log");
	const struct dump *d;

	cr_assert_eq(p.n, 1);
	d = &p.d[0];
	cr_expect_eq(d->format, DUMP_FMT_QEMU);
	cr_expect_eq(d->observed.kind, VERDICT_VMFAIL_VALID);
	cr_expect_eq(d->observed.vm_error, 7);
	/* the column is the value's in the raw line, past the logger's fields */
	expect_field(d, VMCS_GUEST_RIP, 0xfff0, 5, 57);
	expect_field(d, VMCS_GUEST_CS_BASE, 0xffff0000, 7, 0);
	expect_field(d, VMCS_GUEST_DR7, 0x400, 18, 0);
	expect_no_warning(d, "kata-logfmt-qemu.log");
	parsed_free(&p);
}

Test(dump, kvm_and_qemu_dumps_of_one_failure_share_the_verdict)
{
	struct parsed p = parse(REAL "01-kvm-qemu-proxmox-smm-sti-shadow.log");

	cr_assert_eq(p.n, 2);
	cr_expect_eq(p.d[0].format, DUMP_FMT_KVM);
	cr_expect_eq(p.d[1].format, DUMP_FMT_QEMU);
	for (int i = 0; i < 2; i++) {
		cr_expect_eq(p.d[i].observed.kind, VERDICT_ENTRY_FAILURE);
		cr_expect_eq(p.d[i].observed.line, 50);
		cr_expect_eq(p.d[i].observed.source, VSRC_MESSAGE);
	}
	expect_field(&p.d[0], VMCS_GUEST_INTERRUPTIBILITY_INFO, 9, 24, 53);
	expect_field(&p.d[0], VMCS_POSTED_INTR_NV, 0xf2, 46, 50);
	parsed_free(&p);
}

Test(dump, ordinary_exit_reasons_say_the_guest_ran)
{
	/* "[…]" timestamps, a triple fault (exit reason 2). */
	struct parsed p = parse(REAL "09-kvm-nested-esxi-triple-fault-healthy.log");

	cr_assert_eq(p.n, 1);
	cr_expect_eq(p.d[0].observed.kind, VERDICT_SUCCESS);
	cr_expect_eq(p.d[0].observed.exit_reason, 2);
	expect_field(&p.d[0], VMCS_HOST_CR4, 0x7626f0, 51, 53);
	expect_field(&p.d[0], VMCS_CR0_GUEST_HOST_MASK, 0xfffffffffffefff7ull, 5, 9);
	parsed_free(&p);
}

Test(dump, hardware_error_zero_is_no_vm_instruction_error)
{
	/* KVM thought VM entry failed (a KVM bug); the dump shows an EPT-violation exit. */
	struct parsed p = parse(REAL "11-qemu-kvm-linuxnext-hwerr0-healthy-e5-4650v3.log");

	cr_assert_eq(p.n, 2);
	cr_expect_eq(p.d[0].format, DUMP_FMT_QEMU);
	cr_expect_eq(p.d[0].observed.kind, VERDICT_NO_ERROR);
	cr_expect_eq(p.d[1].format, DUMP_FMT_KVM);
	cr_expect_eq(p.d[1].observed.kind, VERDICT_SUCCESS);
	cr_expect_eq(p.d[1].observed.exit_reason, 0x30);
	parsed_free(&p);
}

/* KVM stopped the guest itself (an instruction it could not emulate): no VM entry failed. */
Test(dump, a_kvm_internal_error_is_no_vm_entry_outcome)
{
	struct parsed p = parse(FIX "qemu-kvm-internal-error.log");
	struct cli_result r =
	    run_cli(NULL, (const char *[]){"diagnose", FIX "qemu-kvm-internal-error.log", NULL});

	cr_assert_eq(p.n, 1);
	cr_expect_eq(p.d[0].format, DUMP_FMT_QEMU);
	cr_expect_eq(p.d[0].observed.kind, VERDICT_KVM_INTERNAL);
	cr_expect_eq(p.d[0].observed.full_reason, 1);
	cr_expect_eq(r.status, 0, "%s", r.out);
	cr_expect(strstr(r.out, "suberror 1 (emulation failure): no VM entry failed"), "%s", r.out);
	cr_expect(strstr(r.out, "cannot compare with the log"), "%s", r.out);
	cli_result_free(&r);
	parsed_free(&p);
}

/* KVM refused the registers QEMU set (a KVM_SET_* ioctl failed): no VM entry was made. */
Test(dump, registers_kvm_refused_are_no_vm_entry_outcome)
{
	const char *log = "examples/dumps/real/27-qemu-amd-put-registers-einval.log";
	struct parsed p = parse(log);
	struct cli_result r = run_cli(NULL, (const char *[]){"diagnose", log, NULL});

	cr_assert_eq(p.n, 1);
	cr_expect_eq(p.d[0].format, DUMP_FMT_QEMU);
	cr_expect_eq(p.d[0].observed.kind, VERDICT_REGS_REJECTED);
	cr_expect_eq(r.status, 0, "%s", r.out);
	cr_expect(
	    strstr(r.out, "log: KVM refused the registers QEMU gave it: no VM entry was made"),
	    "%s", r.out);
	cr_expect(strstr(r.out, "cannot compare with the log"), "%s", r.out);
	cli_result_free(&r);
	parsed_free(&p);
}

Test(dump, qemu_64bit_layout_is_read)
{
	struct parsed p = parse(FIX "qemu-64bit.log");

	cr_assert_eq(p.n, 1);
	expect_field(&p.d[0], VMCS_GUEST_RIP, 0xffffffff81a3c6e4ull, 8, 5);
	expect_field(&p.d[0], VMCS_GUEST_CS_AR_BYTES, 0xa09b, 10, 0);
	expect_field(&p.d[0], VMCS_GUEST_TR_BASE, 0xfffffe0000003000ull, 16, 0);
	cr_expect_eq(p.d[0].observed.kind, VERDICT_VMFAIL_VALID);
	cr_expect_eq(p.d[0].observed.vm_error, 7);
	parsed_free(&p);
}

Test(dump, lines_after_a_dump_are_not_swallowed_as_wrapped_pieces)
{
	/* cpuinfo and a QEMU line pasted right after a prefixed dump, without a blank line. */
	struct parsed p = parse(FIX "kvm-then-cpuinfo.log");

	cr_assert_eq(p.n, 2);
	expect_field(&p.d[0], VMCS_VIRTUAL_PROCESSOR_ID, 1, 43, 0);
	cr_expect_eq(p.d[1].format, DUMP_FMT_QEMU);
	cr_expect_eq(p.facts.n_ids, 1);
	cr_expect_eq(p.facts.ids[0].model, 0x55);
	parsed_free(&p);
}

/* ---- what the log says about its processor ---- */

static struct dump_facts facts_of(const char *text)
{
	struct dump_parser *p = dump_parser_new(NULL, NULL);
	struct dump_facts f;
	unsigned line = 1;

	while (*text) {
		const char *e = strchr(text, '\n');
		size_t n = e ? (size_t)(e - text) : strlen(text);

		dump_parser_line(p, line++, text, n);
		text += n + (e != NULL);
	}
	dump_parser_finish(p);
	f = *dump_parser_facts(p);
	dump_parser_free(p);
	return f;
}

static void expect_id(const struct dump_cpu_id *id, int fam, int mod, int step, unsigned line,
                      const char *brand)
{
	cr_expect_eq(id->family, fam);
	cr_expect_eq(id->model, mod, "model 0x%x, expected 0x%x", id->model, mod);
	cr_expect_eq(id->stepping, step);
	cr_expect_eq(id->line, line, "line %u, expected %u", id->line, line);
	cr_expect_str_eq(id->brand, brand);
}

Test(dump, boot_lines_identify_the_processor)
{
	/* Linux 6.x and 4.x smpboot lines, both microcode forms, Xen's boot line. */
	struct dump_facts f = facts_of(
	    "[    1.020455] smpboot: CPU0: Intel(R) Xeon(R) Platinum 8480+ (family: 0x6, model: "
	    "0x8f, stepping: 0x8)\n"
	    "Jan  3 10:00:01 old kernel: [    0.084000] smpboot: CPU0: Intel(R) Core(TM) "
	    "i7-4770 CPU @ 3.40GHz (fam: 06, model: 3c, stepping: 03)\n"
	    "[    0.512311] microcode: sig=0x50654, pf=0x80, revision=0x2007006\n"
	    "[    0.000000] microcode: CPU0 sig=0x306a9, pf=0x2, revision=0x21\n"
	    "(XEN) CPU Vendor: Intel, Family 6 (0x6), Model 85 (0x55), Stepping 4 (raw 00050654)\n"
	    "[    0.053004] Booting paravirtualized kernel on bare hardware\n");

	cr_assert_eq(f.n_ids, 5);
	expect_id(&f.ids[0], 6, 0x8f, 8, 1, "Intel(R) Xeon(R) Platinum 8480+");
	cr_expect_str_eq(f.ids[0].vendor, "GenuineIntel");
	expect_id(&f.ids[1], 6, 0x3c, 3, 2, "Intel(R) Core(TM) i7-4770 CPU @ 3.40GHz");
	expect_id(&f.ids[2], 6, 0x55, 4, 3, "");
	expect_id(&f.ids[3], 6, 0x3a, 9, 4, "");
	expect_id(&f.ids[4], 6, 0x55, 4, 5, "");
	cr_expect_eq(f.ids[4].origin, DUMP_ORIGIN_XEN);
	cr_expect_eq(f.ids[2].origin, DUMP_ORIGIN_KERNEL);
	cr_expect_eq(f.n_hv, 0, "bare hardware is no hypervisor");
}

Test(dump, pasted_cpuinfo_and_lscpu_identify_the_processor)
{
	/* Two processors of a cpuinfo give one identification (completed by "stepping"). */
	struct dump_facts f =
	    facts_of("processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n"
	             "model\t\t: 106\nmodel name\t: Intel(R) Xeon(R) Platinum "
	             "8373C CPU @ 2.60GHz\nstepping\t: 6\nmicrocode\t: 0xd0003b9\n"
	             "address sizes\t: 46 bits physical, 57 bits virtual\n\n"
	             "processor\t: 1\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n"
	             "model\t\t: 106\nstepping\t: 6\n");

	cr_assert_eq(f.n_ids, 1);
	expect_id(&f.ids[0], 6, 0x6a, 6, 6, "Intel(R) Xeon(R) Platinum 8373C CPU @ 2.60GHz");
	cr_expect_eq(f.ids[0].how, ID_CPUINFO);
	cr_expect_eq(f.virt_bits, 57);
	cr_expect_eq(f.virt_bits_line, 8);
	cr_expect_eq(f.n_hv, 0);

	f = facts_of(
	    "Vendor ID:           GenuineIntel\nCPU family:          6\n"
	    "Model:               85\nModel name:          Intel(R) Xeon(R) CPU @ 2.20GHz\n"
	    "Stepping:            7\nHypervisor vendor:   KVM\n"
	    "Virtualization type: full\n");
	cr_assert_eq(f.n_ids, 1);
	expect_id(&f.ids[0], 6, 0x55, 7, 5, "Intel(R) Xeon(R) CPU @ 2.20GHz");
	cr_expect_eq(f.ids[0].how, ID_LSCPU);
	cr_assert_eq(f.n_hv, 1);
	cr_expect_str_eq(f.hv[0].name, "KVM");
	cr_expect_eq(f.hv[0].how, HV_LSCPU);
}

Test(dump, lines_that_show_a_hypervisor_are_found_with_their_origin)
{
	struct dump_facts f = facts_of(
	    "[    0.000000] DMI: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.3-2 04/01/2014\n"
	    "[    0.000000] Hypervisor detected: KVM\n"
	    "[    0.051000] Booting paravirtualized kernel on KVM\n"
	    "(XEN) Running on Hyper-V\n"
	    "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep hypervisor lahf_lm\n");

	cr_assert_eq(f.n_hv, 4, "at most DUMP_MAX_HV are kept");
	cr_expect_eq(f.hv[0].how, HV_DMI);
	cr_expect_eq(f.hv[1].how, HV_DETECTED);
	cr_expect_str_eq(f.hv[1].name, "KVM");
	cr_expect_eq(f.hv[1].line, 2);
	cr_expect_eq(f.hv[2].how, HV_PARAVIRT);
	cr_expect_eq(f.hv[3].origin, DUMP_ORIGIN_XEN);
	cr_expect_str_eq(f.hv[3].name, "Hyper-V");
	f = facts_of("flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep hypervisor lahf_lm\n"
	             "flags\t\t: fpu vme hypervisors_are_not_a_flag\n");
	cr_assert_eq(f.n_hv, 1);
	cr_expect_eq(f.hv[0].how, HV_FLAG);
	cr_expect_eq(f.hv[0].line, 1);
}
