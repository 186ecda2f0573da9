/*
 * diagnose_yaml.c -- `vmcslint diagnose --emit-config`: a dump as a configuration for
 * `vmcslint check` (schema/README.md), unknown fields left out and listed.
 */
#include <stdio.h>
#include <string.h>

#include "checked.h"
#include "diagnose_out.h"

static void print_unknown(const struct dump *d)
{
	size_t col = 10;

	printf("# The dump does not show these fields; they are left out, so `vmcslint check` "
	       "reads them\n# as 0 and may decide checks the dump leaves undecided:\n# unknown:");
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		const char *name = vmcs_field_at(i)->name;

		if (d->vmcs.known[i])
			continue;
		if (col + strlen(name) + 1 > 96) {
			printf("\n# unknown:");
			col = 10;
		}
		printf(" %s", name);
		col += strlen(name) + 1;
	}
	printf("\n");
}

static void print_entry(const struct dump *d)
{
	printf("entry:\n");
	printf("  instruction: %-8s  # %s\n",
	       d->env.instruction == VMENTRY_VMRESUME ? "vmresume" : "vmlaunch",
	       d->instruction_from_log ? "from the log" : "assumed: the log does not say");
	printf("  launch_state: %-8s # %s\n",
	       d->env.launch_state == LAUNCH_STATE_LAUNCHED ? "launched" : "clear",
	       d->instruction_from_log || d->launch_state_from_log ? "from the log" : "assumed");
	printf("  mov_ss_blocking: %-5s # %s\n", d->env.mov_ss_blocking ? "true" : "false",
	       d->mov_ss_from_log ? "from the log" : "assumed");
	printf("  processor_mode: %-6s # %s\n", d->env.ia32e_mode ? "ia32e" : "legacy",
	       d->mode_from_dump ? "from HOST_RIP" : "assumed");
}

void print_yaml(struct dout *o, const struct dump *d, const struct diagnosis *g)
{
	char buf[240];

	if (o->n_emitted++)
		printf("---\n");
	printf("# vmcslint diagnose: dump %u of %s, lines %u-%u (%s)\n", d->index, o->path,
	       d->first_line, d->last_line, d->variant);
	if (d->observed.kind != VERDICT_NONE) {
		verdict_text(buf, sizeof(buf), &d->observed);
		printf("# log (line %u): %s\n", d->observed.line, buf);
	}
	outcome_text(buf, sizeof(buf), &g->outcome);
	printf("# diagnosis: %s%s%s%s\n", buf, g->rule >= 0 ? " [" : "",
	       g->rule >= 0 ? rule_id(g->rule) : "", g->rule >= 0 ? "]" : "");
	print_unknown(d);
	printf("version: 1\n");
	if (g->proc.name[0])
		printf("caps: %s\n", g->proc.name);
	else
		printf("# caps: the processor is unknown (no capsdb entry); `vmcslint check` uses "
		       "its built-in\n# default unless you name the processor's entry here\n");
	print_entry(d);
	printf("vmcs:\n");
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_info *f = vmcs_field_at(i);

		if (!d->vmcs.known[i])
			continue;
		if (f->type == VMCS_T_RO) {
			printf("  # %s: 0x%llx  # read-only (VM-exit information), line %u\n",
			       f->name, (unsigned long long)d->vmcs.value[i], d->field_line[i]);
			continue;
		}
		/* A 0 shown for a field the processor lacks is a placeholder (KVM prints
		 * TertiaryExec=0 without reading it): a VMWRITE of it would fail. */
		if (d->vmcs.value[i] == 0 && g->proc.name[0] &&
		    vmx_caps_field_exists(&g->proc.caps, f) == TRI_NO) {
			printf("  # %s: 0  # line %u; the field does not exist on %s\n", f->name,
			       d->field_line[i], g->proc.name);
			continue;
		}
		printf("  %s: 0x%llx  # line %u\n", f->name, (unsigned long long)d->vmcs.value[i],
		       d->field_line[i]);
	}
	if (d->env.msr_load_known) {
		printf("memory:\n  vm_entry_msr_load:%s\n", d->env.n_msr_load ? "" : " []");
		for (size_t i = 0; i < d->env.n_msr_load; i++)
			printf("    - {index: 0x%x, value: 0x%llx}  # line %u\n",
			       d->msr_load[i].index, (unsigned long long)d->msr_load[i].value,
			       d->msr_load_line[i]);
	}
}
