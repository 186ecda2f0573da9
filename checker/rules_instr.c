/*
 * rules_instr.c -- checks of VMLAUNCH/VMRESUME themselves that a configuration decides, and
 * of the VMWRITEs that build the VMCS.
 */
#include "rules.h"

/*
 * Records a VMWRITE that fails (or may) with error 12 ([0]) or 13 ([1]) in the fast pass's
 * result; render mode has the result already.
 */
static void add_vmwrite(struct check_ctx *c, size_t field, enum rule_result result, int which)
{
	uint64_t *set;

	if (!c->res)
		return;
	set = result == RULE_FAIL ? c->res->vmwrite_fail[which] : c->res->vmwrite_undecided[which];
	set[field / 64] |= 1ull << (field % 64);
}

/* Whether a field's VMWRITE fails for lack of the field (the first VMWRITE rule's list). */
static bool listed_missing(struct check_ctx *c, size_t field)
{
	uint64_t bit = 1ull << (field % 64);

	return ((c->prev->vmwrite_fail[0][field / 64] | c->prev->vmwrite_undecided[0][field / 64]) &
	        bit) != 0;
}

/*
 * The written fields as a bitset by field index: with SSE2, sixteen flags a compare and a
 * byte-mask move; else eight at a time (a byte's high bit set when the byte is not 0, one
 * multiply gathering the eight high bits).
 */
static void written_set(const struct check_ctx *c, uint64_t set[VMCSL_FIELD_WORDS])
{
#ifdef __SSE2__
	typedef char v16 __attribute__((vector_size(16)));
	const v16 zero = {0};

	for (int w = 0; w < VMCSL_FIELD_WORDS; w++) {
		uint64_t bits = 0;

		for (int k = 0; k < 4; k++) {
			v16 x;

			__builtin_memcpy(&x, c->written + w * 64 + k * 16, sizeof(x));
			bits |= (uint64_t)(uint16_t)~__builtin_ia32_pmovmskb128(x == zero)
			        << (k * 16);
		}
		set[w] = bits;
	}
#else
	const uint64_t low7 = 0x7f7f7f7f7f7f7f7full, high = 0x8080808080808080ull;

	for (int w = 0; w < VMCSL_FIELD_WORDS; w++) {
		uint64_t bits = 0;

		for (int k = 0; k < 8; k++) {
			uint64_t x;

			__builtin_memcpy(&x, c->written + w * 64 + k * 8, sizeof(x));
			x = (((x & low7) + low7) | x) & high;
			bits |= ((x >> 7) * 0x0102040810204080ull >> 56) << (k * 8);
		}
		set[w] = bits;
	}
#endif
}

/* rule_vmwrite_field_exists() once a written field may not exist (written: the set). */
static COLD enum rule_result fields_may_be_missing(struct check_ctx *c, const uint64_t *written)
{
	int first = -1, missing = 0, unknown = -1;
	char names[200];
	size_t len = 0;

	names[0] = '\0';
	for (int w = 0; w < VMCSL_FIELD_WORDS; w++) {
		/* Only the written fields that do not surely exist need a look. */
		uint64_t todo = written[w] & ~c->k->field_exists[w];

		for (; todo; todo &= todo - 1) {
			size_t i = (size_t)w * 64 + (size_t)__builtin_ctzll(todo);
			enum tri t = check_field_exists(c, i);

			if (i >= VMCS_FIELD__COUNT || t == TRI_YES)
				continue;
			add_vmwrite(c, i, t == TRI_NO ? RULE_FAIL : RULE_UNDECIDED, 0);
			if (t == TRI_UNKNOWN) {
				if (unknown < 0)
					unknown = (int)i;
				continue;
			}
			if (first < 0)
				first = (int)i;
			if (missing++ < 4 && len < sizeof(names) && check_rendering(c)) {
				len += check_snprintf(names + len, sizeof(names) - len, "%s%s",
				                      missing > 1 ? ", " : "",
				                      check_field_name((int)i));
			}
		}
	}
	if (first >= 0) {
		/* One hint for every failing VMWRITE: it names no field (each message does). */
		check_hint(c,
		           "remove the VMWRITE, or choose a CPU whose capability MSRs allow the "
		           "control that introduces the field ('vmcslint fields' with the field's "
		           "name shows it); the VM entry itself does not read it");
		return check_fail(c, first,
		                  "%d written field%s do%s not exist on this processor: %s%s",
		                  missing, missing == 1 ? "" : "s", missing == 1 ? "es" : "", names,
		                  missing > 4 ? ", ..." : "");
	}
	if (unknown >= 0)
		return check_undecided(c,
		                       "cannot decide whether %s exists: the capability MSR that "
		                       "introduces it is unknown",
		                       vmcs_field_at((size_t)unknown)->name);
	return RULE_PASS;
}

/*
 * SDM 31.3 (VMWRITE): a VMWRITE to a component the processor does not support fails with
 * VM-instruction error 12; a field exists only where the processor supports the 1-setting of
 * the control (or capability) that introduces it.  Each such VMWRITE fails by itself and the
 * VMCS stays without the field: the list goes to the report (every field, in table order) and
 * the VM entry is judged on what is left.
 */
enum rule_result rule_vmwrite_field_exists(struct check_ctx *c, uintptr_t arg)
{
	uint64_t written[VMCSL_FIELD_WORDS], todo = 0;

	(void)arg;
	written_set(c, written);
	caps_reads_add(&c->rd, &c->k->exists_reads);
	for (int w = 0; w < VMCSL_FIELD_WORDS; w++)
		todo |= written[w] & ~c->k->field_exists[w];
	if (!todo)
		return RULE_PASS;
	return fields_may_be_missing(c, written);
}

/* rule_vmwrite_read_only() on a CPU that may not VMWRITE read-only fields (any: whether it may). */
static COLD enum rule_result read_only_written(struct check_ctx *c, enum tri any)
{
	int first = -1, n = 0;
	uint64_t written[VMCSL_FIELD_WORDS];

	written_set(c, written);
	for (int w = 0; w < VMCSL_FIELD_WORDS; w++) {
		for (uint64_t todo = written[w]; todo; todo &= todo - 1) {
			size_t i = (size_t)w * 64 + (size_t)__builtin_ctzll(todo);

			if (i >= VMCS_FIELD__COUNT || vmcs_field_at(i)->type != VMCS_T_RO ||
			    listed_missing(c, i))
				continue;
			add_vmwrite(c, i, any == TRI_NO ? RULE_FAIL : RULE_UNDECIDED, 1);
			if (first < 0)
				first = (int)i;
			n++;
		}
	}
	if (first < 0)
		return RULE_PASS;
	if (any == TRI_UNKNOWN)
		return check_undecided(c,
		                       "cannot decide whether VMWRITE may write read-only fields "
		                       "(%s): IA32_VMX_MISC[29] is unknown",
		                       vmcs_field_at((size_t)first)->name);
	check_hint(c, "do not VMWRITE VM-exit information fields: the processor writes them on VM "
	              "exits, and VM entry does not read them");
	return check_fail(c, first, "%d written field%s %s read-only (%s%s)", n, n == 1 ? "" : "s",
	                  n == 1 ? "is" : "are", vmcs_field_at((size_t)first)->name,
	                  n > 1 ? ", ..." : "");
}

/*
 * SDM 31.3 (VMWRITE): once the field is known to exist, a VMWRITE to a read-only field (the
 * VM-exit information fields) fails with VM-instruction error 13, unless IA32_VMX_MISC[29] says
 * VMWRITE may write any supported field (SDM A.6).  VM entry does not read those fields.
 */
enum rule_result rule_vmwrite_read_only(struct check_ctx *c, uintptr_t arg)
{
	enum tri any = check_msr_bit(c, VMX_MSR_MISC, L_MSR_MISC__VMWRITE_ANY_FIELD);

	(void)arg;
	if (any == TRI_YES)
		return RULE_PASS;
	return read_only_written(c, any);
}

/*
 * SDM 27.1: VMLAUNCH fails with VM-instruction error 4 when the launch state of the current
 * VMCS is not "clear"; VMRESUME fails with error 5 when it is not "launched".
 */
enum rule_result rule_instr_launch_state(struct check_ctx *c, uintptr_t arg)
{
	const struct vmentry_env *e = c->env;

	if (e->instruction != arg)
		return RULE_NA;
	if (arg == VMENTRY_VMLAUNCH && e->launch_state != LAUNCH_STATE_CLEAR) {
		check_hint(c, "VMCLEAR the VMCS before VMLAUNCH, or use VMRESUME for a launched "
		              "VMCS");
		return check_fail(c, -1, "VMLAUNCH with a VMCS whose launch state is launched");
	}
	if (arg == VMENTRY_VMRESUME && e->launch_state != LAUNCH_STATE_LAUNCHED) {
		check_hint(c, "use VMLAUNCH for the first entry after VMCLEAR");
		return check_fail(c, -1, "VMRESUME with a VMCS whose launch state is clear");
	}
	return RULE_PASS;
}

/* SDM 27.1: VM entry fails with error 26 when events are blocked by MOV SS. */
enum rule_result rule_instr_mov_ss(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	if (c->env->mov_ss_blocking) {
		check_hint(c, "do not execute VMLAUNCH/VMRESUME right after MOV SS or POP SS");
		return check_fail(c, -1, "VM entry attempted while events are blocked by MOV SS");
	}
	return RULE_PASS;
}
