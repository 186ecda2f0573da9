/*
 * cmd_diagnose.c -- `vmcslint diagnose`: read the VMCS dumps a log holds (KVM dump_vmcs(), Xen
 * vmcs_dump_vcpu(), QEMU's register dump), check each one, and compare the prediction with the
 * failure the log reports.
 *
 * The log is read as a stream (dump/): each dump is diagnosed when it is complete, so
 * memory stays bounded whatever the size of the log.
 *
 * Reading a dump against the log's verdict: a dump leaves many fields unknown (KVM prints no
 * VMCS link pointer and no bitmap addresses), so checks of the controls are often undecidable
 * from the dump alone.  When the log says which failure happened, the processor has passed
 * every class of checks it performs before that failure (SDM "VM Entries": the instruction,
 * then controls and host state, then guest state, then MSR loading).  The diagnosis therefore
 * takes the undecidable checks of those earlier classes as passed, looks for a decided failure
 * in the class of the reported failure, and says so ("assumed_passed").  A decided failure in
 * an earlier class contradicts the log: the dump or the capabilities do not match the processor.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capsdb_dir.h"
#include "checked.h"
#include "cli.h"
#include "dump.h"
#include "vmcs_ids.h"

static const char diagnose_usage[] =
    "usage: vmcslint diagnose [--caps NAME|FILE] [--capsdb DIR] [--format text|json]\n"
    "                         [--emit-config] [--dump N] [--verbose] FILE|-\n\n"
    "Reads the VMCS dumps in a log -- Linux KVM's dump_vmcs() output (dmesg, journalctl -k,\n"
    "syslog), Xen's vmcs_dump_vcpu() (xl dmesg) and QEMU's register dump after \"KVM: entry\n"
    "failed\" -- checks each one and compares the prediction with the failure the log reports.\n"
    "Fields a dump does not show are unknown: checks that need them cannot be decided.\n\n"
    "  --caps NAME|FILE  the processor's capabilities (default: the built-in "
    "" CAPSDB_DEFAULT_NAME ")\n"
    "  --format json     one result per dump, the shape of `vmcslint check --format json`\n"
    "                    plus dump, observed, diagnosis, agree and unknown_fields\n"
    "  --emit-config     print the dump as a configuration (schema/README.md) for\n"
    "                    `vmcslint check`; unknown fields are left out and listed\n"
    "  --dump N          only the N-th dump of the log\n"
    "  --verbose         also list the checks that cannot be decided\n\n"
    "exit status: 0 every dump was diagnosed and agrees with the log (or the log reports\n"
    "nothing and no check fails), 1 a dump disagrees with the log, cannot explain the\n"
    "failure the log reports, or fails a check the log does not report, 2 bad input or usage\n"
    "(unreadable file, no dump found)\n";

enum dfmt { DFMT_TEXT, DFMT_JSON, DFMT_YAML };

struct diagnosis {
	struct check_outcome outcome;
	int rule;      /* deciding rule, or -1 */
	bool from_log; /* earlier classes taken as passed because of the log's verdict */
	size_t assumed_passed;
	int agree;        /* 1 yes, 0 no, -1 cannot tell / nothing to compare */
	bool unexplained; /* the log reports a failure no decided check explains */
	size_t n_cand;
	uint16_t cand[CHECK_MAX_FINDINGS];
	char why[400];
};

struct dctx {
	const char *path;
	enum dfmt fmt;
	unsigned only;
	bool verbose;
	struct vmx_caps caps;
	char caps_name[VMX_CAPS_NAME_MAX + 16];
	const char *caps_arg; /* --caps as given, NULL for the default */
	struct check_report *rep;
	unsigned n_seen, n_diagnosed, n_emitted;
	int status;
	bool json_first;
};

/* ---- the diagnosis ---- */

/* A failing VMWRITE fails by itself: no tier (the entry is judged without its field). */
static int tier_of(unsigned cls)
{
	static const int tier[CHECK_CLASS__COUNT] = {-1, 1, 2, 2, 3, 4};

	return cls < CHECK_CLASS__COUNT ? tier[cls] : 4;
}

/* The tier of checks whose failure the log reports: 5 = the entry succeeded; -1 = nothing a
 * check predicts (machine check, VMfailInvalid, another error); -2 = VMfailValid, error not
 * stated. */
static int observed_tier(const struct dump_verdict *v)
{
	switch (v->kind) {
	case VERDICT_SUCCESS:
		return 5;
	case VERDICT_ENTRY_FAILURE:
		return v->exit_reason == 33 ? 3 : v->exit_reason == 34 ? 4 : -1;
	case VERDICT_VMFAIL_VALID:
		switch (v->vm_error) {
		case 0:
			return -2;
		case 12:
			return 0;
		case 4:
		case 5:
		case 26:
			return 1;
		case 7:
		case 8:
			return 2;
		default:
			return -1;
		}
	default:
		return -1;
	}
}

/* The first decided failure in tiers [lo, hi], the way the checker predicts. */
static bool first_fail(const struct check_report *r, int lo, int hi, struct check_outcome *o,
                       int *rule)
{
	for (int t = lo; t <= hi; t++) {
		const struct check_finding *first = NULL;
		uint8_t alt = 0;
		bool varies = false;

		for (size_t i = 0; i < r->n_findings; i++) {
			const struct check_finding *f = &r->findings[i];
			unsigned cls = check_rule_at(f->rule)->cls;

			if (f->result != RULE_FAIL || tier_of(cls) != t)
				continue;
			if (!first) {
				first = f;
			} else if (cls == CHECK_CLASS_MSRLOAD) {
				if (f->outcome.exit_qualification <
				    first->outcome.exit_qualification)
					first = f;
			} else if (t == 2 && f->outcome.vm_instruction_error !=
			                         first->outcome.vm_instruction_error) {
				alt = f->outcome.vm_instruction_error;
			} else if (f->outcome.kind == OUTCOME_ENTRY_FAILURE &&
			           f->outcome.exit_qualification !=
			               first->outcome.exit_qualification) {
				varies = true;
			}
		}
		if (first) {
			*o = first->outcome;
			o->error_alt = alt;
			o->qualification_varies = varies;
			*rule = first->rule;
			return true;
		}
	}
	return false;
}

/* Whether a finding's outcome is the failure the log reports. */
static bool outcome_matches(const struct check_outcome *o, const struct dump_verdict *v)
{
	switch (v->kind) {
	case VERDICT_SUCCESS:
		return o->kind == OUTCOME_SUCCESS;
	case VERDICT_ENTRY_FAILURE:
		return o->kind == OUTCOME_ENTRY_FAILURE && o->exit_reason == v->exit_reason &&
		       (!v->qual_known || o->exit_qualification == v->qualification);
	case VERDICT_VMFAIL_VALID:
		return o->kind == OUTCOME_VMFAIL_VALID &&
		       (v->vm_error == 0 || o->vm_instruction_error == v->vm_error ||
		        o->error_alt == v->vm_error);
	case VERDICT_VMFAIL_INVALID:
		return o->kind == OUTCOME_VMFAIL_INVALID;
	default:
		return false;
	}
}

/* For a prediction with several qualifications: whether any failing check gives the log's. */
static bool any_fail_matches(const struct check_report *r, int tier, const struct dump_verdict *v)
{
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct check_finding *f = &r->findings[i];

		if (f->result == RULE_FAIL && tier_of(check_rule_at(f->rule)->cls) == tier &&
		    outcome_matches(&f->outcome, v))
			return true;
	}
	return false;
}

static size_t count_undecided(const struct check_report *r, int lo, int hi)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n_findings; i++) {
		const struct check_finding *f = &r->findings[i];
		int t = tier_of(check_rule_at(f->rule)->cls);

		if (f->result == RULE_UNDECIDED && t >= lo && t <= hi)
			n++;
	}
	return n;
}

static const char *rule_id(int rule)
{
	return rule >= 0 ? check_rule_at((size_t)rule)->id : "?";
}

static void diagnose(const struct check_report *r, const struct dump_verdict *v,
                     struct diagnosis *g)
{
	int t = observed_tier(v), rule;
	struct check_outcome o;
	char buf[200];

	memset(g, 0, sizeof(*g));
	g->outcome = r->prediction;
	g->rule = r->deciding_rule;
	g->agree = -1;
	if (v->kind == VERDICT_NONE) {
		snprintf(g->why, sizeof(g->why), "the log states no outcome for this dump");
		return;
	}
	if (t == -1) {
		snprintf(g->why, sizeof(g->why),
		         "the log reports an outcome no VM-entry check predicts (%s)",
		         v->kind == VERDICT_VMFAIL_INVALID  ? "VMfailInvalid: no valid current VMCS"
		         : v->kind == VERDICT_ENTRY_FAILURE ? "an entry failure that is not "
		                                              "exit reason 33 or 34"
		                                            : "a VM-instruction error of another "
		                                              "kind");
		return;
	}
	if (t == -2) { /* VMfailValid without its error number */
		if (first_fail(r, 0, 2, &o, &rule)) {
			g->outcome = o;
			g->rule = rule;
			g->agree = o.kind == OUTCOME_VMFAIL_VALID;
		}
		snprintf(g->why, sizeof(g->why), "the log reports VMfailValid without the error");
		return;
	}
	if (t == 5) {
		if (first_fail(r, 0, 4, &o, &rule)) {
			g->outcome = o;
			g->rule = rule;
			g->agree = 0;
			snprintf(
			    g->why, sizeof(g->why),
			    "the guest ran, but the dump fails [%s]: the capabilities or the dump "
			    "do not match the processor",
			    rule_id(rule));
			return;
		}
		memset(&g->outcome, 0, sizeof(g->outcome));
		g->outcome.kind = OUTCOME_SUCCESS;
		g->rule = -1;
		g->agree = 1;
		g->from_log = true;
		g->assumed_passed = count_undecided(r, 0, 4);
		snprintf(g->why, sizeof(g->why),
		         "every check the dump decides passes, and the guest ran");
		return;
	}
	if (t > 0 && first_fail(r, 0, t - 1, &o, &rule)) {
		g->outcome = o;
		g->rule = rule;
		g->agree = 0;
		outcome_text(buf, sizeof(buf), &o);
		snprintf(
		    g->why, sizeof(g->why),
		    "the dump fails [%s] (%s), which the processor checks before the failure the "
		    "log reports: the capabilities (--caps) or the dump do not match the processor",
		    rule_id(rule), buf);
		return;
	}
	g->assumed_passed = count_undecided(r, 0, t - 1);
	g->from_log = g->assumed_passed > 0;
	if (first_fail(r, t, t, &o, &rule)) {
		g->outcome = o;
		g->rule = rule;
		g->agree =
		    outcome_matches(&o, v) || (o.qualification_varies && any_fail_matches(r, t, v));
		if (g->agree)
			snprintf(g->why, sizeof(g->why),
			         "[%s] explains the failure the log reports", rule_id(rule));
		else
			snprintf(
			    g->why, sizeof(g->why),
			    "the dump fails [%s] in the class of the failure the log reports, but "
			    "with another outcome",
			    rule_id(rule));
		return;
	}
	/* No decided check of that class fails: which undecided ones could? */
	/* Those undecided for want of a state value first, then those for want of a control. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < r->n_findings; i++) {
			const struct check_finding *f = &r->findings[i];
			bool ctl =
			    f->field >= 0 && vmcs_field_at((size_t)f->field)->type == VMCS_T_CTL;

			if (f->result != RULE_UNDECIDED ||
			    tier_of(check_rule_at(f->rule)->cls) != t || ctl != (pass == 1))
				continue;
			if (outcome_matches(&f->outcome, v) ||
			    (v->kind == VERDICT_ENTRY_FAILURE &&
			     f->outcome.exit_reason == v->exit_reason))
				g->cand[g->n_cand++] = f->rule;
		}
	}
	g->unexplained = true;
	if (g->n_cand) {
		memset(&g->outcome, 0, sizeof(g->outcome));
		g->outcome.kind = OUTCOME_UNDECIDED;
		g->rule = -1;
		snprintf(
		    g->why, sizeof(g->why),
		    "no check the dump decides explains the failure the log reports; %zu check%s "
		    "that cannot be decided could",
		    g->n_cand, g->n_cand == 1 ? "" : "s");
		return;
	}
	if (first_fail(r, t + 1, 4, &o, &rule)) {
		g->outcome = o;
		g->rule = rule;
	} else {
		memset(&g->outcome, 0, sizeof(g->outcome));
		g->outcome.kind = OUTCOME_SUCCESS;
		g->rule = -1;
	}
	g->agree = 0;
	snprintf(
	    g->why, sizeof(g->why),
	    "every check of the class of the reported failure passes on this dump: the dump "
	    "may be incomplete, the capabilities may differ (--caps), or the failure comes from "
	    "a check vmcslint does not have");
}

/* ---- output helpers ---- */

static void verdict_outcome(const struct dump_verdict *v, struct check_outcome *o)
{
	memset(o, 0, sizeof(*o));
	switch (v->kind) {
	case VERDICT_SUCCESS:
		o->kind = OUTCOME_SUCCESS;
		break;
	case VERDICT_ENTRY_FAILURE:
		o->kind = OUTCOME_ENTRY_FAILURE;
		o->exit_reason = v->exit_reason;
		o->exit_qualification = v->qualification;
		break;
	case VERDICT_VMFAIL_VALID:
		o->kind = OUTCOME_VMFAIL_VALID;
		o->vm_instruction_error = (uint8_t)v->vm_error;
		break;
	case VERDICT_VMFAIL_INVALID:
		o->kind = OUTCOME_VMFAIL_INVALID;
		break;
	default:
		o->kind = OUTCOME_UNDECIDED;
	}
}

static void verdict_text(char *buf, size_t n, const struct dump_verdict *v)
{
	switch (v->kind) {
	case VERDICT_SUCCESS:
		snprintf(buf, n, "the entry succeeded (VM exit, reason %u)", v->exit_reason);
		break;
	case VERDICT_ENTRY_FAILURE:
		if (v->qual_known)
			snprintf(
			    buf, n, "VM-entry failure, exit reason %u (0x%x), qualification %llu",
			    v->exit_reason, v->full_reason, (unsigned long long)v->qualification);
		else
			snprintf(buf, n, "VM-entry failure, exit reason %u (0x%x)", v->exit_reason,
			         v->full_reason);
		break;
	case VERDICT_VMFAIL_VALID:
		if (v->vm_error)
			snprintf(buf, n, "VMfailValid, VM-instruction error %u", v->vm_error);
		else
			snprintf(buf, n, "VMfailValid (error not stated)");
		break;
	case VERDICT_VMFAIL_INVALID:
		snprintf(buf, n, "VMfailInvalid");
		break;
	default:
		snprintf(buf, n, "nothing");
	}
}

static const char *source_text(const struct dump_verdict *v)
{
	return v->source == VSRC_DUMP_FIELD ? "the dump's VM-exit reason field" : "the log";
}

/* Where a finding points in the log. */
static void finding_at(const struct dump *d, const struct check_finding *f, unsigned *line,
                       unsigned *col)
{
	*line = d->first_line;
	*col = 1;
	if (f->msr_index >= 0 && (size_t)f->msr_index < d->env.n_msr_load &&
	    f->msr_index < DUMP_MAX_MSRS) {
		*line = d->msr_load_line[f->msr_index];
		return;
	}
	if (f->field >= 0 && d->vmcs.known[f->field] && d->field_line[f->field]) {
		*line = d->field_line[f->field];
		*col = d->field_col[f->field] ? d->field_col[f->field] : 1;
	}
}

static size_t count_unknown(const struct dump *d)
{
	size_t n = 0;

	for (size_t i = 0; i < vmcs_field_count(); i++)
		if (!d->vmcs.known[i])
			n++;
	return n;
}

/* What the diagnosis takes from the log or the dump, or assumes, about what VM entry reads
 * besides the VMCS: label ("assumed", "from the log", ...) and text. */
struct assumption {
	const char *label;
	char text[200];
};

static size_t assumptions(const struct dump *d, struct assumption *out, size_t max)
{
	size_t n = 0;

	if (n < max) {
		if (d->instruction_from_log || d->launch_state_from_log) {
			out[n].label = "from the log";
			snprintf(out[n++].text, 200, "%s with launch state %s (line %u)",
			         d->env.instruction == VMENTRY_VMRESUME ? "VMRESUME" : "VMLAUNCH",
			         d->env.launch_state == LAUNCH_STATE_LAUNCHED ? "launched"
			                                                      : "clear",
			         d->observed.line);
		} else {
			out[n].label = "assumed";
			snprintf(out[n++].text, 200,
			         "VMLAUNCH with launch state clear (the log does not say which "
			         "instruction was executed)");
		}
	}
	if (n < max) {
		out[n].label = d->mov_ss_from_log ? "from the log" : "assumed";
		snprintf(out[n++].text, 200, "%sblocking by MOV SS at the VM-entry instruction",
		         d->env.mov_ss_blocking ? "" : "no ");
	}
	if (n < max) {
		if (d->mode_from_dump) {
			out[n].label = "from the dump";
			snprintf(out[n++].text, 200,
			         "the VM-entry instruction ran in %s (HOST_RIP 0x%llx, line %u)",
			         d->env.ia32e_mode ? "IA-32e mode" : "legacy mode",
			         (unsigned long long)d->vmcs.value[VMCS_HOST_RIP],
			         d->field_line[VMCS_HOST_RIP]);
		} else {
			out[n].label = "assumed";
			snprintf(out[n++].text, 200,
			         "the VM-entry instruction ran in IA-32e mode (a 64-bit host)");
		}
	}
	if (n < max) {
		if (d->env.msr_load_known && d->env.n_msr_load) {
			out[n].label = "from the dump";
			snprintf(out[n++].text, 200,
			         "the VM-entry MSR-load area holds the guest autoload list (%zu "
			         "entr%s, line %u)",
			         d->env.n_msr_load, d->env.n_msr_load == 1 ? "y" : "ies",
			         d->msr_load_line[0]);
		} else if (!d->env.msr_load_known) {
			out[n].label = "unknown";
			snprintf(out[n++].text, 200, "the VM-entry MSR-load area");
		}
	}
	if (n < max) {
		out[n].label = "unknown";
		snprintf(out[n++].text, 200,
		         "what VMCS_LINK_POINTER points at, and the guest PDPTEs in memory");
	}
	return n;
}

/* ---- text ---- */

static void print_text(struct dctx *x, const struct dump *d, const struct check_report *r,
                       const struct diagnosis *g)
{
	const char *p = x->path;
	char buf[240];
	struct assumption as[8];
	size_t na, shown = 0;

	printf("%s:%u-%u: dump %u: %s; %zu fields shown, %zu unknown\n", p, d->first_line,
	       d->last_line, d->index, d->variant, d->n_shown, count_unknown(d));
	for (size_t i = 0; i < d->n_warnings; i++)
		printf("%s:%u: warning: %s\n", p, d->warnings[i].line, d->warnings[i].text);
	if (d->warnings_dropped)
		printf("%s:%u: warning: %zu more warnings not shown\n", p, d->first_line,
		       d->warnings_dropped);
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct check_finding *f = &r->findings[i];
		const struct check_rule *rule = check_rule_at(f->rule);
		unsigned line, col;

		if (f->result != RULE_FAIL && !x->verbose)
			continue;
		finding_at(d, f, &line, &col);
		outcome_text(buf, sizeof(buf), &f->outcome);
		printf("%s:%u:%u: %s: [%s] %s\n", p, line, col,
		       f->result == RULE_FAIL ? "error" : "note", rule->id, f->message);
		if (f->hint[0])
			printf("    hint: %s\n", f->hint);
		printf("    SDM %s \"%s\"; %s: %s\n", rule->sdm_section, rule->sdm_title,
		       f->result == RULE_FAIL ? "outcome" : "if it fails", buf);
	}
	for (size_t i = 0; i < d->n_notes; i++)
		printf("%s:%u: note: %s\n", p, d->notes[i].line, d->notes[i].text);
	if (d->observed.kind != VERDICT_NONE) {
		verdict_text(buf, sizeof(buf), &d->observed);
		printf("%s:%u: log: %s (%s: \"%s\")\n", p, d->observed.line, buf,
		       source_text(&d->observed), d->observed.text);
	} else {
		printf("%s:%u: log: no VM-entry outcome stated for this dump\n", p, d->first_line);
	}
	outcome_text(buf, sizeof(buf), &g->outcome);
	printf("%s:%u-%u: prediction: %s", p, d->first_line, d->last_line, buf);
	if (g->rule >= 0)
		printf(" [%s]", rule_id(g->rule));
	printf(" (caps %s; %zu failed, %zu undecided, %zu passed, %zu not applicable)\n",
	       x->caps_name, r->n_failed, r->n_undecided, r->n_passed, r->n_not_applicable);
	if (r->prediction.kind != g->outcome.kind || r->deciding_rule != g->rule) {
		outcome_text(buf, sizeof(buf), &r->prediction);
		printf("%s:%u: note: from the dump alone: %s", p, d->first_line, buf);
		if (r->deciding_rule >= 0)
			printf(" [%s]", rule_id(r->deciding_rule));
		printf("\n");
	}
	if (g->from_log && g->assumed_passed && d->observed.kind == VERDICT_SUCCESS)
		printf("%s:%u: note: %zu checks cannot be decided from the dump; the entry "
		       "succeeded, so they passed\n",
		       p, d->first_line, g->assumed_passed);
	else if (g->from_log && g->assumed_passed)
		printf(
		    "%s:%u: note: %zu checks of classes the processor performs before the "
		    "reported outcome cannot be decided from the dump; the log shows they passed\n",
		    p, d->first_line, g->assumed_passed);
	if (g->agree == 1)
		printf("%s:%u: agrees with the log: %s\n", p, d->first_line, g->why);
	else if (g->agree == 0)
		printf("%s:%u: disagrees with the log: %s\n", p, d->first_line, g->why);
	else
		printf("%s:%u: cannot compare with the log: %s\n", p, d->first_line, g->why);
	if (g->n_cand) {
		size_t max = x->verbose ? g->n_cand : 12;

		printf("%s:%u: note: checks that cannot be decided and could explain it:", p,
		       d->first_line);
		for (size_t i = 0; i < g->n_cand && i < max; i++)
			printf("%s %s", i ? "," : "", check_rule_at(g->cand[i])->id);
		if (g->n_cand > max)
			printf(", ... (%zu in all; --verbose or --format json lists them)",
			       g->n_cand);
		printf("\n");
	}
	if (r->n_undecided && !x->verbose)
		printf("%s:%u: note: %zu checks cannot be decided from this dump (--verbose lists "
		       "them)\n",
		       p, d->first_line, r->n_undecided);
	na = assumptions(d, as, 8);
	for (size_t i = 0; i < na; i++)
		printf("%s:%u: %s: %s\n", p, d->first_line, as[i].label, as[i].text);
	printf("%s:%u: unknown fields:", p, d->first_line);
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		if (d->vmcs.known[i])
			continue;
		if (shown++ < 8 || x->verbose)
			printf(" %s", vmcs_field_at(i)->name);
	}
	if (shown > 8 && !x->verbose)
		printf(" ... (%zu in all; --verbose or --format json lists them)", shown);
	printf("\n");
}

/* ---- JSON ---- */

static void json_msgs(const char *key, const struct dump_msg *m, size_t n)
{
	printf(", \"%s\": [", key);
	for (size_t i = 0; i < n; i++) {
		printf("%s{\"line\": %u, \"message\": ", i ? ", " : "", m[i].line);
		json_string(stdout, m[i].text);
		printf("}");
	}
	printf("]");
}

static void print_json(struct dctx *x, const struct dump *d, const struct check_report *r,
                       const struct diagnosis *g)
{
	struct assumption as[8];
	size_t na;
	bool first = true;

	printf("%s\n  {\"file\": ", x->json_first ? "" : ",");
	x->json_first = false;
	json_string(stdout, x->path);
	printf(", \"caps\": ");
	json_string(stdout, x->caps_arg ? x->caps_name : CAPSDB_DEFAULT_NAME);
	printf(", \"caps_source\": \"%s\"", x->caps_arg ? "option" : "built-in default");
	printf(",\n   \"dump\": {\"index\": %u, \"format\": \"%s\", \"variant\": ", d->index,
	       dump_format_name(d->format));
	json_string(stdout, d->variant);
	printf(", \"first_line\": %u, \"last_line\": %u, \"fields_shown\": %zu, \"truncated\": "
	       "%s}",
	       d->first_line, d->last_line, d->n_shown, d->truncated ? "true" : "false");
	printf(",\n   \"prediction\": ");
	report_json_outcome(stdout, &r->prediction,
	                    r->deciding_rule >= 0 ? rule_id(r->deciding_rule) : NULL);
	printf(",\n   \"observed\": ");
	if (d->observed.kind == VERDICT_NONE) {
		printf("null");
	} else {
		struct check_outcome o;

		verdict_outcome(&d->observed, &o);
		printf("{\"outcome\": \"%s\"", d->observed.kind == VERDICT_SUCCESS
		                                   ? "success"
		                                   : check_outcome_name(o.kind));
		if (o.kind == OUTCOME_VMFAIL_VALID && d->observed.vm_error)
			printf(", \"vm_instruction_error\": %u", d->observed.vm_error);
		if (o.kind == OUTCOME_ENTRY_FAILURE) {
			printf(", \"exit_reason\": %u", d->observed.exit_reason);
			if (d->observed.qual_known)
				printf(", \"exit_qualification\": %llu",
				       (unsigned long long)d->observed.qualification);
		}
		printf(", \"source\": \"%s\", \"line\": %u, \"text\": ",
		       d->observed.source == VSRC_DUMP_FIELD ? "dump_field" : "message",
		       d->observed.line);
		json_string(stdout, d->observed.text);
		printf("}");
	}
	printf(",\n   \"diagnosis\": ");
	report_json_outcome(stdout, &g->outcome, g->rule >= 0 ? rule_id(g->rule) : NULL);
	printf(",\n   \"agree\": %s, \"reason\": ", g->agree == 1   ? "true"
	                                            : g->agree == 0 ? "false"
	                                                            : "null");
	json_string(stdout, g->why);
	printf(", \"assumed_passed\": %zu, \"unexplained\": %s, \"could_explain\": [",
	       g->assumed_passed, g->unexplained ? "true" : "false");
	for (size_t i = 0; i < g->n_cand; i++) {
		printf("%s", i ? ", " : "");
		json_string(stdout, check_rule_at(g->cand[i])->id);
	}
	printf("],\n   \"unknown_fields\": [");
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		if (d->vmcs.known[i])
			continue;
		printf("%s", first ? "" : ", ");
		first = false;
		json_string(stdout, vmcs_field_at(i)->name);
	}
	printf("],\n   \"assumptions\": [");
	na = assumptions(d, as, 8);
	for (size_t i = 0; i < na; i++) {
		printf("%s{\"kind\": ", i ? ", " : "");
		json_string(stdout, as[i].label);
		printf(", \"text\": ");
		json_string(stdout, as[i].text);
		printf("}");
	}
	printf("]");
	json_msgs("notes", d->notes, d->n_notes);
	json_msgs("warnings", d->warnings, d->n_warnings);
	printf(",\n   \"diagnostics\": [");
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct check_finding *f = &r->findings[i];
		const struct check_rule *rule = check_rule_at(f->rule);
		const char *fl = rule->fields;
		unsigned line, col;

		finding_at(d, f, &line, &col);
		printf("%s\n    {\"check\": ", i ? "," : "");
		json_string(stdout, rule->id);
		printf(", \"severity\": \"%s\", \"outcome\": ",
		       f->result == RULE_FAIL ? "error" : "note");
		report_json_outcome(stdout, &f->outcome, NULL);
		printf(", \"sdm\": ");
		json_string(stdout, rule->sdm_section);
		printf(", \"fields\": [");
		for (int k = 0; *fl; k++) {
			size_t len = strcspn(fl, ",");

			printf("%s", k ? ", " : "");
			json_string_n(stdout, fl, len);
			fl += len;
			if (*fl == ',')
				fl++;
		}
		printf("], \"message\": ");
		json_string(stdout, f->message);
		printf(", \"hint\": ");
		json_string(stdout, f->hint);
		printf(", \"line\": %u, \"column\": %u}", line, col);
	}
	printf("%s]}", r->n_findings ? "\n   " : "");
}

/* ---- YAML (--emit-config) ---- */

static void print_yaml(struct dctx *x, const struct dump *d, const struct diagnosis *g)
{
	char buf[240];
	size_t col = 0;

	if (x->n_emitted++)
		printf("---\n");
	printf("# vmcslint diagnose: dump %u of %s, lines %u-%u (%s)\n", d->index, x->path,
	       d->first_line, d->last_line, d->variant);
	if (d->observed.kind != VERDICT_NONE) {
		verdict_text(buf, sizeof(buf), &d->observed);
		printf("# log (line %u): %s\n", d->observed.line, buf);
	}
	outcome_text(buf, sizeof(buf), &g->outcome);
	printf("# diagnosis: %s%s%s%s\n", buf, g->rule >= 0 ? " [" : "",
	       g->rule >= 0 ? rule_id(g->rule) : "", g->rule >= 0 ? "]" : "");
	printf("# The dump does not show these fields; they are left out, so `vmcslint check` "
	       "reads them\n# as 0 and may decide checks the dump leaves undecided:\n# unknown:");
	col = 10;
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
	printf("version: 1\ncaps: %s\n", x->caps_arg ? x->caps_arg : CAPSDB_DEFAULT_NAME);
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
		if (d->vmcs.value[i] == 0 && vmx_caps_field_exists(&x->caps, f) == TRI_NO) {
			printf("  # %s: 0  # line %u; the field does not exist on %s\n", f->name,
			       d->field_line[i], x->caps_name);
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

/* ---- one dump ---- */

static void on_dump(const struct dump *d, void *ctx)
{
	struct dctx *x = ctx;
	struct vmcs_state *vm;
	struct check_input in;
	struct diagnosis *g;

	x->n_seen++;
	if (x->only && d->index != x->only)
		return;
	if (x->fmt == DFMT_YAML && !x->only && x->n_emitted)
		return; /* one document: the first dump (see the note at the end) */
	vm = malloc(sizeof(*vm));
	g = malloc(sizeof(*g));
	if (!vm || !g)
		abort();
	*vm = d->vmcs;
	/*
	 * written[]: what the hypervisor VMWRITEs.  A dump shows what it read back; a 0 the dump
	 * shows for a field the processor lacks is a placeholder (KVM prints TertiaryExec=0 without
	 * reading it), and the read-only exit-information fields are not written.
	 */
	memset(vm->written, 0, sizeof(vm->written));
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_info *f = vmcs_field_at(i);

		if (!vm->known[i] || f->type == VMCS_T_RO)
			continue;
		if (vm->value[i] == 0 && vmx_caps_field_exists(&x->caps, f) == TRI_NO)
			continue;
		vm->written[i] = 1;
	}
	in.vmcs = vm;
	in.caps = &x->caps;
	in.env = &d->env;
	check_run(&in, x->rep);
	diagnose(x->rep, &d->observed, g);
	x->n_diagnosed++;
	if (x->fmt == DFMT_TEXT)
		print_text(x, d, x->rep, g);
	else if (x->fmt == DFMT_JSON)
		print_json(x, d, x->rep, g);
	else
		print_yaml(x, d, g);
	if (g->agree == 0 || g->unexplained ||
	    (g->agree == -1 && (x->rep->n_failed > 0 || d->observed.kind != VERDICT_NONE)))
		x->status = CLI_EXIT_FINDINGS;
	fflush(stdout);
	free(vm);
	free(g);
}

int cmd_diagnose(int argc, char **argv)
{
	struct dctx x;
	const char *file;
	struct dump_parser *p;
	struct dump_scan_stats st;
	FILE *f;
	char err[512];
	bool emit = false;
	int i;

	memset(&x, 0, sizeof(x));
	x.fmt = DFMT_TEXT;
	x.json_first = true;
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (cli_is_help(argv[i])) {
			fputs(diagnose_usage, stdout);
			return CLI_EXIT_OK;
		}
		if (strcmp(argv[i], "--emit-config") == 0) {
			emit = true;
			continue;
		}
		if (strcmp(argv[i], "--verbose") == 0 || strcmp(argv[i], "-v") == 0) {
			x.verbose = true;
			continue;
		}
		if (i + 1 >= argc)
			return cli_error("option '%s' needs a value", argv[i]);
		if (strcmp(argv[i], "--caps") == 0) {
			x.caps_arg = argv[++i];
		} else if (strcmp(argv[i], "--capsdb") == 0) {
			capsdb_set_dir(argv[++i]);
		} else if (strcmp(argv[i], "--format") == 0) {
			const char *v = argv[++i];

			if (strcmp(v, "text") == 0)
				x.fmt = DFMT_TEXT;
			else if (strcmp(v, "json") == 0)
				x.fmt = DFMT_JSON;
			else
				return cli_error("--format takes text or json, not '%s'", v);
		} else if (strcmp(argv[i], "--dump") == 0) {
			uint64_t n;

			if (!cli_parse_u64(argv[++i], &n) || n == 0 || n > 1000000)
				return cli_error("--dump takes a dump number from 1, not '%s'",
				                 argv[i]);
			x.only = (unsigned)n;
		} else {
			return cli_error("unknown option '%s' ('vmcslint diagnose --help')",
			                 argv[i]);
		}
	}
	if (i + 1 != argc) {
		fputs(diagnose_usage, stderr);
		return CLI_EXIT_USAGE;
	}
	if (emit)
		x.fmt = DFMT_YAML;
	file = argv[i];
	if (!capsdb_load(x.caps_arg ? x.caps_arg : CAPSDB_DEFAULT_NAME, &x.caps, NULL, err,
	                 sizeof(err), NULL))
		return cli_error("%s", err);
	if (x.caps_arg)
		snprintf(x.caps_name, sizeof(x.caps_name), "%s", x.caps.name);
	else
		snprintf(x.caps_name, sizeof(x.caps_name), "%s (built-in default)",
		         CAPSDB_DEFAULT_NAME);
	if (strcmp(file, "-") == 0) {
		f = stdin;
		x.path = "<stdin>";
	} else {
		f = fopen(file, "rb");
		if (!f)
			return cli_error("cannot open '%s': %s", file, strerror(errno));
		x.path = file;
	}
	x.rep = malloc(sizeof(*x.rep));
	if (!x.rep)
		abort();
	p = dump_parser_new(on_dump, &x);
	if (x.fmt == DFMT_JSON)
		printf("{\"tool\": {\"name\": \"vmcslint\", \"version\": \"%s\"},\n \"results\": [",
		       VMCSLINT_VERSION);
	if (!dump_scan_stream(f, p, &st, NULL, err, sizeof(err))) {
		if (f != stdin)
			fclose(f);
		dump_parser_free(p);
		free(x.rep);
		if (x.fmt == DFMT_JSON)
			printf("\n]}\n");
		return cli_error("%s: %s", x.path, err);
	}
	dump_parser_finish(p);
	if (f != stdin)
		fclose(f);
	if (x.fmt == DFMT_JSON)
		printf("\n]}\n");
	for (size_t k = 0; k < dump_parser_global_count(p); k++) {
		const struct dump_msg *m = dump_parser_global(p, k);

		if (m->line)
			fprintf(stderr, "%s:%u: note: %s\n", x.path, m->line, m->text);
		else
			fprintf(stderr, "%s: note: %s\n", x.path, m->text);
	}
	if (x.n_seen == 0) {
		fprintf(
		    stderr,
		    "%s: error: no VMCS dump found (%u lines, %llu bytes read%s); diagnose reads "
		    "KVM dump_vmcs(), Xen vmcs_dump_vcpu() and QEMU \"KVM: entry failed\" dumps\n",
		    x.path, st.lines, st.bytes, st.binary ? "; the input has NUL bytes" : "");
		x.status = CLI_EXIT_USAGE;
	} else if (x.only && x.n_diagnosed == 0) {
		fprintf(stderr, "%s: error: --dump %u: the log has %u dump%s\n", x.path, x.only,
		        x.n_seen, x.n_seen == 1 ? "" : "s");
		x.status = CLI_EXIT_USAGE;
	} else if (x.fmt == DFMT_YAML && !x.only && x.n_seen > 1) {
		fprintf(stderr,
		        "%s: note: the log has %u dumps; printed the configuration of dump 1 "
		        "(--dump N for another)\n",
		        x.path, x.n_seen);
	}
	dump_parser_free(p);
	free(x.rep);
	return x.status;
}
