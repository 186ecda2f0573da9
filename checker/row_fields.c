/*
 * row_fields.c -- what a data row reads, derived from the row: the fields of its conditions and
 * the fields it checks.  Compiled into the core and into the build-time tool that writes the
 * rule table (checker/gen_rules.c), so the "fields" of a row are never kept by hand.
 */
#include "rows.h"

const struct ctl_word ctl_words[VMX_CTL_VMFUNC + 1] = {
    [VMX_CTL_PIN] = {VMCS_PIN_BASED_VM_EXEC_CONTROL, CTL_NO_PARENT, 0},
    [VMX_CTL_PROC] = {VMCS_CPU_BASED_VM_EXEC_CONTROL, CTL_NO_PARENT, 0},
    [VMX_CTL_PROC2] = {VMCS_SECONDARY_VM_EXEC_CONTROL, VMX_CTL_PROC,
                       BITMASK(L_PROC, ACTIVATE_SECONDARY_CONTROLS)},
    [VMX_CTL_PROC3] = {VMCS_TERTIARY_VM_EXEC_CONTROL, VMX_CTL_PROC,
                       BITMASK(L_PROC, ACTIVATE_TERTIARY_CONTROLS)},
    [VMX_CTL_EXIT] = {VMCS_VM_EXIT_CONTROLS, CTL_NO_PARENT, 0},
    [VMX_CTL_EXIT2] = {VMCS_SECONDARY_VM_EXIT_CONTROLS, VMX_CTL_EXIT,
                       BITMASK(L_EXIT, ACTIVATE_SECONDARY_CONTROLS)},
    [VMX_CTL_ENTRY] = {VMCS_VM_ENTRY_CONTROLS, CTL_NO_PARENT, 0},
    [VMX_CTL_VMFUNC] = {VMCS_VM_FUNCTION_CONTROL, VMX_CTL_PROC2,
                        BITMASK(L_PROC2, ENABLE_VM_FUNCTIONS)},
};

int ctl_field(unsigned ctl)
{
	return ctl <= VMX_CTL_VMFUNC ? ctl_words[ctl].field : -1;
}

/* Adds field f to the list unless it is there. */
static void add_field(uint16_t *out, size_t cap, size_t *n, int f)
{
	if (f < 0 || f == NOF)
		return;
	for (size_t i = 0; i < *n; i++)
		if (out[i] == f)
			return;
	if (*n < cap)
		out[(*n)++] = (uint16_t)f;
}

/* The fields deciding the effective value of control word ctl, as need_ctl() reads them. */
static void add_ctl(uint16_t *out, size_t cap, size_t *n, unsigned ctl)
{
	if (ctl_words[ctl].parent != CTL_NO_PARENT)
		add_ctl(out, cap, n, ctl_words[ctl].parent);
	add_field(out, cap, n, ctl_words[ctl].field);
}

size_t row_fields(const struct row *w, uint16_t *out, size_t cap)
{
	size_t n = 0;

	for (int k = 0; k < ROW_CONDS; k++) {
		if (w->gate[k].src == C_FIELD)
			add_field(out, cap, &n, w->gate[k].id);
		else if (w->gate[k].src == C_CTL)
			add_ctl(out, cap, &n, w->gate[k].id);
	}
	if (w->op == OP_ALLOWED)
		add_ctl(out, cap, &n, (unsigned)w->mask);
	for (int k = 0; k < ROW_FIELDS; k++)
		add_field(out, cap, &n, w->field[k]);
	/* "Unrestricted guest" exempts CR0.PE and CR0.PG (read after the field). */
	if (w->op == OP_FIXED && (w->flags & F_UG_PE_PG))
		add_ctl(out, cap, &n, VMX_CTL_PROC2);
	return n;
}
