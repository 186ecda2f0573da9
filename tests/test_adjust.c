/*
 * test_adjust.c -- adjust/: wanted controls and CR fixed bits adjusted to a processor, on
 * capabilities written out here bit by bit: default1 bits with and without the TRUE MSRs,
 * optional bits dropped, required bits refused, unknown MSRs leaving bits undecided, the
 * activate bits following the fields they activate, CR0/CR4 with and without unrestricted
 * guest, and the fields a hypervisor does not write.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "adjust.h"
#include "vmcs_ids.h"

#define BIT(n) (1ull << (n))

static void set_msr(struct vmx_caps *c, enum vmx_msr_id id, uint64_t v)
{
	c->msr[id] = v;
	c->msr_state[id] = VMX_MSR_PRESENT;
}

static void forget_msr(struct vmx_caps *c, enum vmx_msr_id id)
{
	c->msr[id] = 0;
	c->msr_state[id] = VMX_MSR_UNKNOWN;
}

/*
 * A Nehalem-like processor: TRUE MSRs (IA32_VMX_BASIC[55]) that let CR3-load/store exiting
 * (primary bits 15, 16), save debug controls (exit bit 2) and load debug controls (entry bit 2)
 * be 0; secondary controls 0-7 (EPT, VPID, unrestricted guest...); no tertiary or secondary
 * exit controls; posted interrupts (pin bit 7) not allowed.
 */
static struct vmx_caps nehalem(void)
{
	struct vmx_caps c;

	memset(&c, 0, sizeof(c));
	set_msr(&c, VMX_MSR_BASIC, 0x00da040000000010ull | BIT(55));
	set_msr(&c, VMX_MSR_PINBASED_CTLS, 0x0000007f00000016ull);
	set_msr(&c, VMX_MSR_PROCBASED_CTLS, 0xfff9fffe0401e172ull);
	set_msr(&c, VMX_MSR_EXIT_CTLS, 0x007fffff00036dffull);
	set_msr(&c, VMX_MSR_ENTRY_CTLS, 0x0000ffff000011ffull);
	set_msr(&c, VMX_MSR_TRUE_PINBASED_CTLS, 0x0000007f00000016ull);
	set_msr(&c, VMX_MSR_TRUE_PROCBASED_CTLS, 0xfff9fffe04006172ull);
	set_msr(&c, VMX_MSR_TRUE_EXIT_CTLS, 0x007fffff00036dfbull);
	set_msr(&c, VMX_MSR_TRUE_ENTRY_CTLS, 0x0000ffff000011fbull);
	set_msr(&c, VMX_MSR_PROCBASED_CTLS2, 0x000000ff00000000ull);
	set_msr(&c, VMX_MSR_CR0_FIXED0, 0x80000021ull);
	set_msr(&c, VMX_MSR_CR0_FIXED1, 0xffffffffull);
	set_msr(&c, VMX_MSR_CR4_FIXED0, 0x2000ull);
	set_msr(&c, VMX_MSR_CR4_FIXED1, 0x267ffull);
	c.msr_state[VMX_MSR_PROCBASED_CTLS3] = VMX_MSR_ABSENT;
	c.msr_state[VMX_MSR_EXIT_CTLS2] = VMX_MSR_ABSENT;
	return c;
}

/* The same processor before the TRUE MSRs (IA32_VMX_BASIC[55] = 0, TRUE MSRs absent). */
static struct vmx_caps penryn(void)
{
	struct vmx_caps c = nehalem();

	c.msr[VMX_MSR_BASIC] &= ~BIT(55);
	for (int m = VMX_MSR_TRUE_PINBASED_CTLS; m <= VMX_MSR_TRUE_ENTRY_CTLS; m++)
		c.msr_state[m] = VMX_MSR_ABSENT, c.msr[m] = 0;
	return c;
}

/* A configuration's VMCS: every field known, those in the wants written with value. */
static struct vmcs_state vmcs_of(const struct adjust_wants *w)
{
	struct vmcs_state s;

	memset(&s, 0, sizeof(s));
	for (size_t i = 0; i < vmcs_field_count(); i++)
		s.known[i] = 1;
	for (int c = 0; c < VMX_CTL__COUNT; c++) {
		size_t f = adjust_ctl_field((enum vmx_ctl)c);

		if (!w->ctl[c].given)
			continue;
		s.value[f] = w->ctl[c].required | w->ctl[c].optional;
		s.written[f] = 1;
	}
	return s;
}

static void want(struct adjust_wants *w, enum vmx_ctl c, uint64_t required, uint64_t optional)
{
	w->ctl[c].given = true;
	w->ctl[c].required = required;
	w->ctl[c].optional = optional;
}

/* One test: what is wanted, the processor, the VMCS and what adjust_apply() said of it. */
struct fx {
	struct adjust_wants w;
	struct vmx_caps c;
	struct vmcs_state s;
	struct adjust_result r;
};

static struct fx fx_new(struct vmx_caps c)
{
	struct fx f;

	memset(&f, 0, sizeof(f));
	f.c = c;
	return f;
}

/* Adjusts the configuration's VMCS (written afresh from the wants) to the processor. */
static void run(struct fx *f)
{
	f->s = vmcs_of(&f->w);
	adjust_apply(&f->w, &f->c, &f->s, &f->r);
}

/* The same with the CR fields given these values. */
static void run_cr(struct fx *f, const uint64_t cr[4])
{
	f->s = vmcs_of(&f->w);
	for (int k = 0; k < ADJUST_CR__COUNT; k++) {
		f->s.value[adjust_cr_field((enum adjust_cr)k)] = cr[k];
		f->s.written[adjust_cr_field((enum adjust_cr)k)] = 1;
	}
	adjust_apply(&f->w, &f->c, &f->s, &f->r);
}

Test(adjust, nothing_wanted_leaves_the_vmcs_as_written)
{
	struct adjust_wants w;
	struct vmx_caps c = nehalem();
	struct vmcs_state s, before;
	struct adjust_result r;

	memset(&w, 0, sizeof(w));
	s = vmcs_of(&w);
	s.value[VMCS_PIN_BASED_VM_EXEC_CONTROL] = 0x1f;
	s.written[VMCS_PIN_BASED_VM_EXEC_CONTROL] = 1;
	before = s;
	adjust_apply(&w, &c, &s, &r);
	cr_expect_eq(r.verdict, ADJUST_NOTHING);
	cr_expect(memcmp(&s, &before, sizeof(s)) == 0);
}

Test(adjust, default1_bits_come_from_the_true_msr_when_basic_55_is_set)
{
	struct fx f = fx_new(nehalem());

	want(&f.w, VMX_CTL_PROC, BIT(L_PROC__HLT_EXITING), 0);
	run(&f);
	cr_expect_eq(f.r.verdict, ADJUST_DONE);
	/* IA32_VMX_TRUE_PROCBASED_CTLS lets CR3-load and CR3-store exiting be 0. */
	cr_expect_eq(f.s.value[VMCS_CPU_BASED_VM_EXEC_CONTROL], 0x04006172ull | BIT(7));
	cr_expect_eq(f.r.ctl[VMX_CTL_PROC].default1, 0x04006172ull);
	cr_expect_eq(f.r.ctl[VMX_CTL_PROC].msr, VMX_MSR_TRUE_PROCBASED_CTLS);
	cr_expect(f.s.known[VMCS_CPU_BASED_VM_EXEC_CONTROL]);
}

Test(adjust, default1_bits_come_from_the_ordinary_msr_without_true_msrs)
{
	struct fx f = fx_new(penryn());

	want(&f.w, VMX_CTL_PROC, BIT(L_PROC__HLT_EXITING), 0);
	run(&f);
	cr_expect_eq(f.r.verdict, ADJUST_DONE);
	cr_expect_eq(f.s.value[VMCS_CPU_BASED_VM_EXEC_CONTROL], 0x0401e172ull | BIT(7),
	             "CR3-load/store exiting are default1 in the ordinary MSR");
	cr_expect_eq(f.r.ctl[VMX_CTL_PROC].msr, VMX_MSR_PROCBASED_CTLS);
}

Test(adjust, default1_ordinary_msr_reads_the_ordinary_msr_even_with_true_msrs)
{
	struct fx f = fx_new(nehalem());

	want(&f.w, VMX_CTL_EXIT, BIT(L_EXIT__HOST_ADDRESS_SPACE_SIZE), 0);
	f.w.ctl[VMX_CTL_EXIT].default1 = ADJUST_DEFAULT1_ORDINARY_MSR;
	run(&f);
	cr_expect_eq(f.r.verdict, ADJUST_DONE);
	cr_expect_eq(f.s.value[VMCS_VM_EXIT_CONTROLS], 0x36dffull | BIT(9),
	             "save debug controls (bit 2) is default1 in IA32_VMX_EXIT_CTLS");
	cr_expect_eq(f.r.ctl[VMX_CTL_EXIT].msr, VMX_MSR_EXIT_CTLS);
	/* The same with the default: the TRUE MSR lets bit 2 be 0. */
	f.w.ctl[VMX_CTL_EXIT].default1 = ADJUST_DEFAULT1_AUTO;
	run(&f);
	cr_expect_eq(f.s.value[VMCS_VM_EXIT_CONTROLS], 0x36dfbull | BIT(9));
}

Test(adjust, default1_true_msr_refuses_without_true_msrs)
{
	struct fx f = fx_new(penryn());

	want(&f.w, VMX_CTL_PIN, 0, 0);
	f.w.ctl[VMX_CTL_PIN].default1 = ADJUST_DEFAULT1_TRUE_MSR;
	run(&f);
	cr_expect_eq(f.r.verdict, ADJUST_REFUSED);
	cr_expect_eq(f.r.ctl[VMX_CTL_PIN].no_true_msrs, TRI_YES);
	/* With them it runs; whether they exist unknown: it may refuse. */
	f.c = nehalem();
	run(&f);
	cr_expect_eq(f.r.verdict, ADJUST_DONE);
	cr_expect_eq(f.r.ctl[VMX_CTL_PIN].no_true_msrs, TRI_NO);
	forget_msr(&f.c, VMX_MSR_BASIC);
	run(&f);
	cr_expect_eq(f.r.verdict, ADJUST_MAY_REFUSE);
	cr_expect_eq(f.r.ctl[VMX_CTL_PIN].no_true_msrs, TRI_UNKNOWN);
}

Test(adjust, optional_bits_the_processor_lacks_are_dropped)
{
	struct fx f = fx_new(nehalem());

	want(&f.w, VMX_CTL_PIN, 0,
	     BIT(L_PIN__NMI_EXITING) | BIT(L_PIN__VIRTUAL_NMIS) |
	         BIT(L_PIN__PROCESS_POSTED_INTERRUPTS));
	run(&f);
	cr_expect_eq(f.r.verdict, ADJUST_DONE);
	cr_expect_eq(f.r.ctl[VMX_CTL_PIN].dropped, BIT(7));
	cr_expect_eq(f.s.value[VMCS_PIN_BASED_VM_EXEC_CONTROL], 0x16ull | BIT(3) | BIT(5));
	cr_expect_eq(f.r.ctl[VMX_CTL_PIN].refused, 0);
}

Test(adjust, a_required_bit_the_processor_lacks_is_a_refusal)
{
	struct fx f = fx_new(nehalem());

	want(&f.w, VMX_CTL_PROC, 0, 0);
	want(&f.w, VMX_CTL_PROC2,
	     BIT(L_PROC2__ENABLE_EPT) | BIT(L_PROC2__APIC_REGISTER_VIRTUALIZATION), 0);
	run(&f);
	cr_expect_eq(f.r.verdict, ADJUST_REFUSED);
	cr_expect_eq(f.r.ctl[VMX_CTL_PROC2].refused, BIT(8),
	             "EPT is allowed, APIC-register "
	             "virtualization is not");
	cr_expect_eq(f.r.ctl[VMX_CTL_PROC2].allowed, 0xffull);
	/* Without secondary controls at all nothing of them is allowed. */
	f.c.msr[VMX_MSR_PROCBASED_CTLS] &= ~BIT(63);
	f.c.msr[VMX_MSR_TRUE_PROCBASED_CTLS] &= ~BIT(63);
	run(&f);
	cr_expect_eq(f.r.ctl[VMX_CTL_PROC2].refused, BIT(1) | BIT(8));
}

Test(adjust, an_unknown_msr_leaves_the_value_undecided)
{
	struct fx f = fx_new(nehalem());

	forget_msr(&f.c, VMX_MSR_PROCBASED_CTLS2);
	want(&f.w, VMX_CTL_PROC, BIT(L_PROC__HLT_EXITING), 0);
	want(&f.w, VMX_CTL_PROC2, 0, BIT(L_PROC2__ENABLE_EPT));
	run(&f);
	cr_expect_eq(f.r.verdict, ADJUST_UNDECIDED);
	cr_expect_eq(f.r.ctl[VMX_CTL_PROC2].undecided, BIT(1));
	cr_expect(f.r.ctl[VMX_CTL_PROC2].settings_unknown);
	cr_expect_not(f.s.known[VMCS_SECONDARY_VM_EXEC_CONTROL], "never guessed");
	/* Whether the secondary controls are used is undecided: so is their activate bit. */
	cr_expect_eq(f.r.ctl[VMX_CTL_PROC].derived_unknown, BIT(31));
	cr_expect_not(f.s.known[VMCS_CPU_BASED_VM_EXEC_CONTROL]);
	cr_expect_eq(f.s.value[VMCS_CPU_BASED_VM_EXEC_CONTROL], 0x04006172ull | BIT(7),
	             "the decided bits");
	/* Required: the hypervisor may refuse to run. */
	want(&f.w, VMX_CTL_PROC2, BIT(L_PROC2__ENABLE_EPT), 0);
	run(&f);
	cr_expect_eq(f.r.verdict, ADJUST_MAY_REFUSE);
	cr_expect_eq(f.r.ctl[VMX_CTL_PROC2].may_refuse, BIT(1));
}

Test(adjust, an_unknown_true_msr_leaves_unwanted_default1_bits_undecided)
{
	struct fx f = fx_new(nehalem());

	forget_msr(&f.c, VMX_MSR_TRUE_PROCBASED_CTLS);
	want(&f.w, VMX_CTL_PROC, BIT(L_PROC__CR3_LOAD_EXITING), 0);
	run(&f);
	cr_expect_eq(f.r.verdict, ADJUST_UNDECIDED);
	/* The ordinary MSR's default1 bits may or may not be relaxed; the wanted one is on anyway.
	 */
	cr_expect_eq(f.r.ctl[VMX_CTL_PROC].maybe_default1, 0x0401e172ull & ~BIT(15));
	cr_expect_eq(f.r.ctl[VMX_CTL_PROC].undecided, 0x0401e172ull & ~BIT(15));
	cr_expect_eq(f.s.value[VMCS_CPU_BASED_VM_EXEC_CONTROL], BIT(15));
	cr_expect_not(f.s.known[VMCS_CPU_BASED_VM_EXEC_CONTROL]);
	/* default1: ordinary_msr reads the ordinary MSR, which is known: decided. */
	f.w.ctl[VMX_CTL_PROC].default1 = ADJUST_DEFAULT1_ORDINARY_MSR;
	run(&f);
	cr_expect_eq(f.r.verdict, ADJUST_DONE);
	cr_expect_eq(f.s.value[VMCS_CPU_BASED_VM_EXEC_CONTROL], 0x0401e172ull);
}

Test(adjust, activate_secondary_controls_is_on_iff_a_secondary_control_survives)
{
	struct fx f = fx_new(nehalem());

	want(&f.w, VMX_CTL_PROC, 0, BIT(L_PROC__USE_MSR_BITMAPS));
	want(&f.w, VMX_CTL_PROC2, 0,
	     BIT(L_PROC2__ENABLE_EPT) | BIT(L_PROC2__VIRTUAL_INTERRUPT_DELIVERY));
	run(&f);
	cr_expect_eq(f.s.value[VMCS_SECONDARY_VM_EXEC_CONTROL], BIT(1));
	cr_expect(f.s.value[VMCS_CPU_BASED_VM_EXEC_CONTROL] & BIT(31));
	cr_expect_eq(f.r.ctl[VMX_CTL_PROC].derived, BIT(31));
	cr_expect(f.s.written[VMCS_SECONDARY_VM_EXEC_CONTROL]);
	/* Nothing of it allowed: the activate bit is off and the field is not written. */
	want(&f.w, VMX_CTL_PROC2, 0, BIT(L_PROC2__VIRTUAL_INTERRUPT_DELIVERY));
	run(&f);
	cr_expect_eq(f.r.verdict, ADJUST_DONE);
	cr_expect_not(f.s.value[VMCS_CPU_BASED_VM_EXEC_CONTROL] & BIT(31));
	cr_expect_not(f.s.written[VMCS_SECONDARY_VM_EXEC_CONTROL]);
	cr_expect(f.r.ctl[VMX_CTL_PROC2].unwritten);
	cr_expect(f.r.unwritten[VMCS_SECONDARY_VM_EXEC_CONTROL]);
}

Test(adjust, tertiary_and_secondary_exit_controls_activate_the_same_way)
{
	struct fx f = fx_new(nehalem());

	f.c.msr[VMX_MSR_TRUE_PROCBASED_CTLS] |= BIT(32 + 17);
	f.c.msr[VMX_MSR_PROCBASED_CTLS] |= BIT(32 + 17);
	set_msr(&f.c, VMX_MSR_PROCBASED_CTLS3, BIT(4));
	f.c.msr[VMX_MSR_TRUE_EXIT_CTLS] |= BIT(32 + 31);
	set_msr(&f.c, VMX_MSR_EXIT_CTLS2, BIT(1));
	want(&f.w, VMX_CTL_PROC, 0, 0);
	want(&f.w, VMX_CTL_PROC3, 0, BIT(L_PROC3__IPI_VIRTUALIZATION) | BIT(L_PROC3__ENABLE_HLAT));
	want(&f.w, VMX_CTL_EXIT, BIT(L_EXIT__HOST_ADDRESS_SPACE_SIZE), 0);
	want(&f.w, VMX_CTL_EXIT2, 0, BIT(L_EXIT2__LOAD_IA32_FRED));
	run(&f);
	cr_expect_eq(f.r.verdict, ADJUST_DONE);
	cr_expect_eq(f.s.value[VMCS_TERTIARY_VM_EXEC_CONTROL], BIT(4));
	cr_expect_eq(f.r.ctl[VMX_CTL_PROC3].dropped, BIT(1));
	cr_expect(f.s.value[VMCS_CPU_BASED_VM_EXEC_CONTROL] & BIT(17));
	cr_expect_not(f.s.value[VMCS_CPU_BASED_VM_EXEC_CONTROL] & BIT(31), "no secondary wanted");
	cr_expect_eq(f.s.value[VMCS_SECONDARY_VM_EXIT_CONTROLS], BIT(1));
	cr_expect(f.s.value[VMCS_VM_EXIT_CONTROLS] & BIT(31));
	/* The processor without them: both activate bits off, both fields unwritten. */
	f.c = nehalem();
	run(&f);
	cr_expect_not(f.s.value[VMCS_CPU_BASED_VM_EXEC_CONTROL] & BIT(17));
	cr_expect_not(f.s.value[VMCS_VM_EXIT_CONTROLS] & BIT(31));
	cr_expect_not(f.s.written[VMCS_TERTIARY_VM_EXEC_CONTROL]);
	cr_expect_not(f.s.written[VMCS_SECONDARY_VM_EXIT_CONTROLS]);
}

Test(adjust, cr_fixed_bits_are_ored_in_and_anded_out)
{
	struct fx f = fx_new(nehalem());
	/* guest CR0 PE|PG, guest CR4 PAE|PKE (bit 22: not in FIXED1), host CR0 0, host CR4 PAE */
	const uint64_t cr[4] = {0x80000001ull, 0x20ull | BIT(22), 0, 0x20};

	for (int k = 0; k < ADJUST_CR__COUNT; k++)
		f.w.cr_fixed[k] = true;
	run_cr(&f, cr);
	cr_expect_eq(f.r.verdict, ADJUST_DONE);
	cr_expect_eq(f.s.value[VMCS_GUEST_CR0], 0x80000021ull);
	cr_expect_eq(f.r.cr[ADJUST_GUEST_CR0].set, BIT(5), "NE");
	cr_expect_eq(f.s.value[VMCS_GUEST_CR4], 0x2020ull);
	cr_expect_eq(f.r.cr[ADJUST_GUEST_CR4].cleared, BIT(22));
	cr_expect_eq(f.s.value[VMCS_HOST_CR0], 0x80000021ull);
	cr_expect_eq(f.s.value[VMCS_HOST_CR4], 0x2020ull);
	/* Without fixed: apply a CR value is judged as written. */
	f.w.cr_fixed[ADJUST_GUEST_CR4] = false;
	run_cr(&f, cr);
	cr_expect_eq(f.s.value[VMCS_GUEST_CR4], 0x20ull | BIT(22));
	cr_expect_not(f.r.cr[ADJUST_GUEST_CR4].adjusted);
}

Test(adjust, unrestricted_guest_exempts_guest_cr0_pe_and_pg)
{
	struct fx f = fx_new(nehalem());
	const uint64_t cr[4] = {0x10, 0, 0x10, 0}; /* real mode: ET only */

	want(&f.w, VMX_CTL_PROC, 0, 0);
	want(&f.w, VMX_CTL_PROC2, 0, BIT(L_PROC2__ENABLE_EPT) | BIT(L_PROC2__UNRESTRICTED_GUEST));
	f.w.cr_fixed[ADJUST_GUEST_CR0] = f.w.cr_fixed[ADJUST_HOST_CR0] = true;
	run_cr(&f, cr);
	cr_expect_eq(f.s.value[VMCS_GUEST_CR0], 0x30ull, "only NE is forced");
	cr_expect_eq(f.r.cr[ADJUST_GUEST_CR0].exempt, BIT(0) | BIT(31));
	cr_expect_eq(f.s.value[VMCS_HOST_CR0], 0x80000031ull, "the host has no exemption");
	/* Unrestricted guest dropped (not allowed): PE and PG are forced. */
	f.c.msr[VMX_MSR_PROCBASED_CTLS2] &= ~BIT(32 + 7);
	run_cr(&f, cr);
	cr_expect_eq(f.s.value[VMCS_GUEST_CR0], 0x80000031ull);
	cr_expect_eq(f.r.cr[ADJUST_GUEST_CR0].exempt, 0);
	/* Whether it survives unknown: PE and PG are undecided, the rest decided. */
	forget_msr(&f.c, VMX_MSR_PROCBASED_CTLS2);
	run_cr(&f, cr);
	cr_expect_eq(f.r.cr[ADJUST_GUEST_CR0].undecided, BIT(0) | BIT(31));
	cr_expect_eq(f.r.cr[ADJUST_GUEST_CR0].exempt_undecided, BIT(0) | BIT(31));
	cr_expect_not(f.s.known[VMCS_GUEST_CR0]);
	cr_expect_eq(f.s.value[VMCS_GUEST_CR0], 0x30ull);
	cr_expect_eq(f.s.value[VMCS_HOST_CR0], 0x80000031ull);
	cr_expect(f.s.known[VMCS_HOST_CR0]);
}

Test(adjust, unknown_fixed_msrs_leave_cr_bits_undecided)
{
	struct fx f = fx_new(nehalem());
	const uint64_t cr[4] = {0, 0x20, 0, 0};

	f.w.cr_fixed[ADJUST_GUEST_CR4] = true;
	forget_msr(&f.c, VMX_MSR_CR4_FIXED1);
	run_cr(&f, cr);
	cr_expect_eq(f.r.verdict, ADJUST_UNDECIDED);
	/* PAE (given) and VMXE (FIXED0) depend on FIXED1; the bits that are 0 stay 0. */
	cr_expect_eq(f.r.cr[ADJUST_GUEST_CR4].undecided, 0x2020ull);
	cr_expect_not(f.s.known[VMCS_GUEST_CR4]);
}

Test(adjust, fields_of_an_unused_wanted_control_are_not_written)
{
	struct fx f = fx_new(nehalem());

	f.c.msr[VMX_MSR_PROCBASED_CTLS2] &= ~BIT(32 + 1);  /* no EPT */
	f.c.msr[VMX_MSR_TRUE_ENTRY_CTLS] &= ~BIT(32 + 15); /* no load IA32_EFER on entry */
	want(&f.w, VMX_CTL_PROC, 0, 0);
	want(&f.w, VMX_CTL_PROC2, 0, BIT(L_PROC2__ENABLE_EPT) | BIT(L_PROC2__ENABLE_VPID));
	want(&f.w, VMX_CTL_ENTRY, 0, BIT(L_ENTRY__LOAD_IA32_EFER));
	f.s = vmcs_of(&f.w);
	f.s.written[VMCS_EPT_POINTER] = f.s.written[VMCS_VIRTUAL_PROCESSOR_ID] = 1;
	f.s.value[VMCS_EPT_POINTER] = 0x2001e;
	f.s.written[VMCS_GUEST_IA32_EFER] = 1;
	adjust_apply(&f.w, &f.c, &f.s, &f.r);
	cr_expect_not(f.s.written[VMCS_EPT_POINTER], "EPT was wanted and is off");
	cr_expect(f.r.unwritten[VMCS_EPT_POINTER]);
	cr_expect(f.s.written[VMCS_VIRTUAL_PROCESSOR_ID], "VPID is on");
	/*
	 * GUEST_IA32_EFER also exists with save IA32_EFER on exit, which this configuration does
	 * not give as wanted: written, as a hypervisor that writes it unconditionally does.
	 */
	cr_expect(f.s.written[VMCS_GUEST_IA32_EFER]);
	cr_expect_eq(f.r.n_unwritten, 1);
}

Test(adjust, field_tables)
{
	enum vmx_ctl parent;
	unsigned bit;

	for (int c = 0; c < VMX_CTL__COUNT; c++)
		cr_expect_eq(adjust_ctl_of_field(adjust_ctl_field((enum vmx_ctl)c)), c);
	for (int c = 0; c < ADJUST_CR__COUNT; c++)
		cr_expect_eq(adjust_cr_of_field(adjust_cr_field((enum adjust_cr)c)), c);
	cr_expect_eq(adjust_ctl_of_field(VMCS_GUEST_RIP), -1);
	cr_expect(adjust_activator(VMX_CTL_PROC2, &parent, &bit));
	cr_expect(parent == VMX_CTL_PROC && bit == 31);
	cr_expect_not(adjust_activator(VMX_CTL_PIN, &parent, &bit));
	cr_expect_eq(adjust_default1_by_name("ordinary_msr"), ADJUST_DEFAULT1_ORDINARY_MSR);
	cr_expect_eq(adjust_default1_by_name("ordinary"), -1);
}
