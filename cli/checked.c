/*
 * checked.c -- load + check one configuration, and the text and JSON reports.
 */
#include <stdlib.h>
#include <string.h>

#include "capsdb_dir.h"
#include "checked.h"
#include "cli.h"

void settle(const struct vmcs_config *cfg, const struct vmx_caps *caps, struct adjust_result *adj,
            struct check_report *rep)
{
	if (adj->verdict != ADJUST_UNDECIDED || rep->prediction.kind != OUTCOME_UNDECIDED)
		return;
	adjust_settle(&cfg->wants, caps, &cfg->vmcs, &cfg->env, adj);
	if (adj->settled.settled) {
		rep->prediction = adj->settled.prediction.outcome;
		rep->deciding_rule = adj->settled.prediction.rule;
	}
}

/*
 * A settled prediction's report: the checks of every setting adjust_settle() tried, merged
 * (check_report_merge()), so that what it lists holds on every processor the entry may be --
 * not the "cannot decide" of the run with the bits unknown.
 */
static void settled_report(const struct vmcs_config *cfg, const struct vmx_caps *caps,
                           const struct adjust_result *adj, struct check_report *rep)
{
	struct check_report *other;
	const struct adjust_settled *s = &adj->settled;
	struct check_outcome prediction = rep->prediction;
	int16_t deciding = rep->deciding_rule;
	struct vmx_caps vc;
	struct vmcs_state vs;
	struct adjust_result vr;
	struct check_input in = {&vs, &vc, &cfg->env};
	char bits[600], why[700];

	if (!(other = malloc(sizeof(*other))))
		return; /* the report of the run with the bits unknown stands */
	adjusted_settled_bits(bits, sizeof(bits), s);
	snprintf(why, sizeof(why), "the result differs between the settings of %s", bits);
	for (unsigned set = 0; set < (1u << s->n_bits); set++) {
		adjust_setting(&cfg->wants, caps, &cfg->vmcs, s, set, &vc, &vs, &vr);
		check_run(&in, set ? other : rep);
		if (set)
			check_report_merge(rep, other, why);
	}
	free(other);
	rep->prediction = prediction;
	rep->deciding_rule = deciding;
}

bool checked_run(struct checked *c, struct check_report *report, const char *path,
                 const char *caps_override, char *err, size_t errlen)
{
	struct check_input in;

	/*
	 * Only what the loader does not fill: the struct is 43 KB, mostly arrays, and clearing
	 * it whole costs more than checking a file (config_load() clears c->cfg itself).
	 */
	c->path = path;
	c->diags.n = c->diags.n_errors = c->diags.dropped = 0;
	c->caps_name[0] = '\0';
	c->report = NULL;
	memset(&c->adjust, 0, sizeof(c->adjust));
	c->loaded = config_load(path, &c->cfg, &c->diags, capsdb_resolver, NULL);
	if (!c->loaded)
		return false;
	if (caps_override) {
		/* the resolver keeps recent entries: many files, one parse of the entry */
		if (!capsdb_resolver(caps_override, &c->caps, err, errlen, NULL))
			return false;
		snprintf(c->caps_name, sizeof(c->caps_name), "%s", c->caps.name);
	} else if (c->cfg.has_caps) {
		c->caps = c->cfg.caps;
		snprintf(c->caps_name, sizeof(c->caps_name), "%s", c->cfg.caps_name);
	} else {
		if (!capsdb_resolver(CAPSDB_DEFAULT_NAME, &c->caps, err, errlen, NULL))
			return false;
		snprintf(c->caps_name, sizeof(c->caps_name), "%s", CAPSDB_DEFAULT_NAME);
	}
	c->report = report;
	c->judged = c->cfg.vmcs;
	adjust_apply(&c->cfg.wants, &c->caps, &c->judged, &c->adjust);
	in.vmcs = &c->judged;
	in.caps = &c->caps;
	in.env = &c->cfg.env;
	if (c->adjust.verdict == ADJUST_REFUSED) {
		/* No VM entry to judge: the hypervisor stops before VMLAUNCH. */
		memset(c->report, 0, sizeof(*c->report));
		c->report->prediction.kind = OUTCOME_UNDECIDED;
		c->report->deciding_rule = -1;
		return true;
	}
	check_run(&in, c->report);
	/*
	 * Settled also where an earlier failure decides anyway: the findings after it are then
	 * those of real processors, not "cannot decide" (matrix wants the prediction alone).
	 */
	if (c->adjust.verdict == ADJUST_UNDECIDED &&
	    c->report->prediction.kind != OUTCOME_UNDECIDED)
		adjust_settle(&c->cfg.wants, &c->caps, &c->cfg.vmcs, &c->cfg.env, &c->adjust);
	else
		settle(&c->cfg, &c->caps, &c->adjust, c->report);
	if (c->adjust.settled.settled)
		settled_report(&c->cfg, &c->caps, &c->adjust, c->report);
	/* A hypervisor that may refuse to run here does not surely enter. */
	if (c->adjust.verdict == ADJUST_MAY_REFUSE &&
	    c->report->prediction.kind == OUTCOME_SUCCESS) {
		c->report->prediction.kind = OUTCOME_UNDECIDED;
		c->report->deciding_rule = -1;
	}
	return true;
}

bool checked_refused(const struct checked *c)
{
	return c->report && c->adjust.verdict == ADJUST_REFUSED;
}

struct adjusted checked_adjusted(const struct checked *c)
{
	struct adjusted a = {c->path, &c->cfg, &c->adjust, c->caps_name};

	return a;
}

void checked_release(struct checked *c)
{
	/* config_release() leaves cfg empty, so releasing twice is harmless */
	config_release(&c->cfg);
	c->report = NULL;
	c->loaded = false;
}

void load_diags_add_error(struct load_diags *d, const char *msg)
{
	struct load_diag *x;

	if (d->n >= LOAD_MAX_DIAGS) {
		d->dropped++;
		return;
	}
	x = &d->d[d->n++];
	memset(x, 0, sizeof(*x));
	x->level = DIAG_ERROR;
	snprintf(x->msg, sizeof(x->msg), "%s", msg);
	d->n_errors++;
}

void print_load_diags(FILE *out, const struct load_diags *d, const char *fallback_file)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct load_diag *x = &d->d[i];
		const char *file = x->pos.file ? x->pos.file : fallback_file;

		if (x->pos.line)
			fprintf(out, "%s:%u:%u: %s: %s\n", file, x->pos.line, x->pos.col,
			        x->level == DIAG_ERROR ? "error" : "warning", x->msg);
		else
			fprintf(out, "%s: %s: %s\n", file,
			        x->level == DIAG_ERROR ? "error" : "warning", x->msg);
	}
	if (d->dropped)
		fprintf(out, "%s: note: %zu more diagnostics not shown\n", fallback_file,
		        d->dropped);
}

/*
 * The fields each rule reads (check_rule.fields, by name) as field indices, looked up on first
 * use: finding_pos() needs them for every finding about no one field, and looking the names up
 * each time cost more than the rest of the finding's output.  Per rule, -1 ends the list.
 */
#define RULE_FIELDS_MAX 16
static int16_t rule_fields[VMCSL_MAX_RULES][RULE_FIELDS_MAX];
static bool rule_fields_built;

static const int16_t *fields_of_rule(size_t rule)
{
	if (!rule_fields_built) {
		size_t n = check_rule_count();

		rule_fields_built = true;
		for (size_t r = 0; r < n; r++) {
			size_t k = 0;

			for (const char *fl = check_rule_at(r)->fields;
			     *fl && k + 1 < RULE_FIELDS_MAX;) {
				size_t len = strcspn(fl, ",");
				const struct vmcs_field_info *fi =
				    vmcs_field_by_name(fl, len, NULL);

				if (fi)
					rule_fields[r][k++] = (int16_t)vmcs_field_index(fi);
				fl += len;
				if (*fl == ',')
					fl++;
			}
			rule_fields[r][k] = -1;
		}
	}
	return rule_fields[rule];
}

struct src_pos finding_pos(const struct checked *c, const struct check_finding *f)
{
	struct src_pos p = c->cfg.vmcs_pos;

	if (f->msr_index >= 0 && (size_t)f->msr_index < c->cfg.env.n_msr_load)
		return c->cfg.msr_load_pos[f->msr_index];
	if (f->field >= 0 && c->cfg.field_pos[f->field].file)
		return c->cfg.field_pos[f->field];
	/* The checks of the instruction read the `entry:` keys: the one it is about, if given. */
	if (check_rule_at(f->rule)->cls == CHECK_CLASS_INSTR) {
		const struct src_pos *e = c->cfg.entry_pos;
		bool mov_ss = !strcmp(check_rule_at(f->rule)->id, "INSTR-MOV-SS-BLOCKING");

		if (mov_ss && e[CONFIG_ENTRY_MOV_SS_BLOCKING].file)
			return e[CONFIG_ENTRY_MOV_SS_BLOCKING];
		if (!mov_ss && e[CONFIG_ENTRY_LAUNCH_STATE].file)
			return e[CONFIG_ENTRY_LAUNCH_STATE];
		if (!mov_ss && e[CONFIG_ENTRY_INSTRUCTION].file)
			return e[CONFIG_ENTRY_INSTRUCTION];
	}
	/*
	 * A finding about no one field (an unknown capability, say): the first field the check
	 * reads that the configuration gives, rather than the vmcs: line.
	 */
	for (const int16_t *fi = fields_of_rule(f->rule); *fi >= 0; fi++)
		if (c->cfg.field_pos[*fi].file)
			return c->cfg.field_pos[*fi];
	if (!p.file) {
		p.file = c->path;
		p.line = 1;
		p.col = 1;
	}
	return p;
}

/* The outcome of the processors that do not fail an implementation-specific check. */
const char *finding_severity(const struct check_finding *f)
{
	if (f->result == RULE_MAYFAIL)
		return "warning";
	if (f->result != RULE_FAIL)
		return "note";
	return check_rule_at(f->rule)->cls == CHECK_CLASS_VMWRITE ? "warning" : "error";
}

struct src_pos vmwrite_pos(const struct checked *c, const struct check_vmwrite *w)
{
	struct src_pos p = c->cfg.field_pos[w->field];

	if (!p.file) {
		p.file = c->path;
		p.line = 1;
		p.col = 1;
	}
	return p;
}

void vmwrite_message(char *buf, size_t n, const struct check_vmwrite *w)
{
	const struct vmcs_field_info *f = vmcs_field_at((size_t)w->field);
	char cond[160];

	if (w->error == 13) {
		snprintf(buf, n,
		         "VMWRITE of %s (0x%04x) %s: it is a read-only VM-exit information field%s",
		         f->name, f->encoding, w->result == RULE_FAIL ? "fails" : "may fail",
		         w->result == RULE_FAIL ? " and IA32_VMX_MISC[29] is 0"
		                                : ", and whether IA32_VMX_MISC[29] lets VMWRITE "
		                                  "write it is unknown");
		return;
	}
	field_exists_text(f->exists[0], cond, sizeof(cond));
	if (w->result == RULE_FAIL)
		snprintf(buf, n,
		         "VMWRITE of %s (0x%04x) fails: the field does not exist on this "
		         "processor (it exists if %s%s)",
		         f->name, f->encoding, cond,
		         VMCS_EXISTS_KIND(f->exists[1]) != VMCS_X_KIND_NONE ? ", or another" : "");
	else
		snprintf(buf, n,
		         "VMWRITE of %s (0x%04x) may fail: whether the field exists on this "
		         "processor is unknown (it exists if %s%s)",
		         f->name, f->encoding, cond,
		         VMCS_EXISTS_KIND(f->exists[1]) != VMCS_X_KIND_NONE ? ", or another" : "");
}

size_t vmwrite_failures(const struct check_report *r)
{
	size_t k = 0;

	for (size_t i = 0; i < r->n_vmwrite; i++)
		k += r->vmwrite[i].result == RULE_FAIL;
	return k;
}

/* The failing VMWRITEs, each at its field's line. */
static void report_text_vmwrites(FILE *out, const struct checked *c, const struct check_finding *f)
{
	const struct check_report *r = c->report;
	const struct check_rule *rule = check_rule_at(f->rule);
	char msg[CHECK_MSG_MAX + 200];

	for (size_t i = 0; i < r->n_vmwrite; i++) {
		const struct check_vmwrite *w = &r->vmwrite[i];
		struct src_pos p = vmwrite_pos(c, w);

		if (w->rule != f->rule)
			continue;
		vmwrite_message(msg, sizeof(msg), w);
		fprintf(out, "%s:%u:%u: %s: [%s] %s\n", p.file, p.line, p.col,
		        w->result == RULE_FAIL ? "warning" : "note", rule->id, msg);
		if (f->hint[0] && w->result == RULE_FAIL)
			fprintf(out, "    hint: %s\n", f->hint);
		fprintf(out,
		        "    SDM %s \"%s\"; %s: VMfailValid, VM-instruction error %u (the VM "
		        "entry is judged without the field)\n",
		        rule->sdm_section, rule->sdm_title,
		        w->result == RULE_FAIL ? "outcome of this VMWRITE" : "if it fails",
		        w->error);
	}
}

/* Calls f for each value from a sibling's dump the prediction rests on, by name. */
static size_t each_inferred(const struct vmx_caps *caps, const struct check_report *r,
                            void (*f)(void *ctx, const char *prefix, const char *name), void *ctx)
{
	struct vmx_caps_reads inf = vmx_caps_inferred(caps);
	size_t n = 0;

	for (int i = 0; i < VMX_MSR__COUNT; i++) {
		if ((inf.msr & r->depends.msr) >> i & 1u) {
			f(ctx, "", vmx_msr_name((enum vmx_msr_id)i));
			n++;
		}
	}
	for (int i = 0; i < CPUID_LEAF__COUNT; i++) {
		if ((inf.cpuid & r->depends.cpuid) >> i & 1u) {
			f(ctx, "CPUID ", vmx_cpuid_key((enum cpuid_leaf_id)i));
			n++;
		}
	}
	return n;
}

struct text_sink {
	char *buf;
	size_t n, off;
};

static void to_text(void *ctx, const char *prefix, const char *name)
{
	struct text_sink *t = ctx;

	if (t->off < t->n)
		t->off += (size_t)snprintf(t->buf + t->off, t->n - t->off, "%s%s%s",
		                           t->off ? ", " : "", prefix, name);
}

bool inferred_text(char *buf, size_t n, const struct vmx_caps *caps, const struct check_report *r)
{
	struct text_sink t = {buf, n, 0};

	buf[0] = '\0';
	return each_inferred(caps, r, to_text, &t) > 0;
}

struct json_sink {
	FILE *out;
	size_t k;
};

static void to_json(void *ctx, const char *prefix, const char *name)
{
	struct json_sink *j = ctx;
	char s[64];

	snprintf(s, sizeof(s), "%s%s", prefix, name);
	fprintf(j->out, "%s", j->k++ ? ", " : ", \"inferred_values\": [");
	json_string(j->out, s);
}

void report_json_inferred(FILE *out, const struct vmx_caps *caps, const struct check_report *r)
{
	struct json_sink j = {out, 0};

	if (each_inferred(caps, r, to_json, &j))
		fputc(']', out);
}

void report_text(FILE *out, const struct checked *c)
{
	const struct check_report *r = c->report;
	struct adjusted a = checked_adjusted(c);
	char buf[320];
	size_t nw = vmwrite_failures(r);

	adjusted_text(out, &a);
	if (adjusted_text_prediction(out, &a))
		return;

	for (size_t i = 0; i < r->n_findings; i++) {
		const struct check_finding *f = &r->findings[i];
		const struct check_rule *rule = check_rule_at(f->rule);
		struct src_pos p = finding_pos(c, f);

		if (rule->cls == CHECK_CLASS_VMWRITE) {
			report_text_vmwrites(out, c, f);
			continue;
		}
		outcome_text(buf, sizeof(buf), &f->outcome);
		fprintf(out, "%s:%u:%u: %s: [%s] %s\n", p.file, p.line, p.col, finding_severity(f),
		        rule->id, f->message);
		if (f->hint[0])
			fprintf(out, "    hint: %s\n", f->hint);
		fprintf(out, "    SDM %s \"%s\"; %s: %s%s\n", rule->sdm_section, rule->sdm_title,
		        f->result == RULE_FAIL      ? "outcome"
		        : f->result == RULE_MAYFAIL ? "on processors that make this check"
		                                    : "if it fails",
		        buf,
		        f->result == RULE_MAYFAIL ? " (the SDM leaves the check to the processor)"
		                                  : "");
	}
	outcome_text(buf, sizeof(buf), &r->prediction);
	fprintf(out, "%s: prediction: %s", c->path, buf);
	if (r->deciding_rule >= 0)
		fprintf(out, " [%s]", check_rule_at((size_t)r->deciding_rule)->id);
	fprintf(out, " (caps %s; %zu failed, %zu undecided, ", c->caps_name, r->n_failed,
	        r->n_undecided);
	if (r->n_mayfail)
		fprintf(out, "%zu processor-dependent, ", r->n_mayfail);
	fprintf(out, "%zu passed, %zu not applicable", r->n_passed, r->n_not_applicable);
	if (nw)
		fprintf(out, "; %zu VMWRITE%s fail%s", nw, nw == 1 ? "" : "s", nw == 1 ? "s" : "");
	fprintf(out, ")\n");
	if (r->prediction.kind == OUTCOME_UNDECIDED &&
	    (c->adjust.verdict == ADJUST_UNDECIDED || c->adjust.verdict == ADJUST_MAY_REFUSE)) {
		char why[2000];

		adjusted_undecided_reason(why, sizeof(why), &a);
		fprintf(out, "    because: %s\n", why);
	}
	if (inferred_text(buf, sizeof(buf), &c->caps, r))
		fprintf(out,
		        "%s: note: the prediction rests on values from a sibling processor's dump "
		        "(same family/model, `vmcslint caps show %s`): %s\n",
		        c->path, c->caps.name, buf);
}

void report_json_outcome(FILE *out, const struct check_outcome *o, const char *check_id)
{
	/* fputs() and json_u64() rather than fprintf(): a large run writes this per finding */
	fputs("{\"outcome\": \"", out);
	fputs(check_outcome_name(o->kind), out);
	fputc('"', out);
	if (o->kind == OUTCOME_VMFAIL_VALID) {
		fputs(", \"vm_instruction_error\": ", out);
		json_u64(out, o->vm_instruction_error);
		if (o->error_alt)
			fprintf(out, ", \"vm_instruction_error_any_of\": [%u, %u]",
			        o->vm_instruction_error, o->error_alt);
	}
	if (o->kind == OUTCOME_ENTRY_FAILURE) {
		fprintf(out, ", \"exit_reason\": %u, \"exit_qualification\": %llu", o->exit_reason,
		        (unsigned long long)o->exit_qualification);
		if (o->qualification_varies)
			fprintf(out, ", \"exit_qualification_varies\": true");
	}
	if (o->kind == OUTCOME_PROCESSOR_DEPENDENT) {
		struct check_outcome fail = *o, w = outcome_otherwise(o);

		fail.kind = OUTCOME_ENTRY_FAILURE;
		fprintf(out, ", \"any_of\": [");
		report_json_outcome(out, &fail, NULL);
		fprintf(out, ", ");
		report_json_outcome(out, &w, NULL);
		fputc(']', out);
	}
	if (check_id) {
		fprintf(out, ", \"check\": ");
		json_string(out, check_id);
	}
	fputc('}', out);
}

/* "vmwrite_errors": every VMWRITE that fails (or may), each its own finding. */
static void report_json_vmwrites(FILE *out, const struct checked *c)
{
	const struct check_report *r = c->report;
	char msg[CHECK_MSG_MAX + 200];

	fprintf(out, ",\n   \"vmwrite_errors\": [");
	for (size_t i = 0; i < r->n_vmwrite; i++) {
		const struct check_vmwrite *w = &r->vmwrite[i];
		const struct check_rule *rule = check_rule_at(w->rule);
		const struct vmcs_field_info *f = vmcs_field_at((size_t)w->field);
		struct src_pos p = vmwrite_pos(c, w);
		const char *hint = "";

		for (size_t k = 0; k < r->n_findings; k++)
			if (r->findings[k].rule == w->rule && w->result == RULE_FAIL)
				hint = r->findings[k].hint;
		vmwrite_message(msg, sizeof(msg), w);
		fprintf(out, "%s\n    {\"check\": ", i ? "," : "");
		json_string(out, rule->id);
		fprintf(out,
		        ", \"severity\": \"%s\", \"outcome\": {\"outcome\": \"vmfail_valid\", "
		        "\"vm_instruction_error\": %u}, \"sdm\": ",
		        w->result == RULE_FAIL ? "warning" : "note", w->error);
		json_string(out, rule->sdm_section);
		fprintf(out, ", \"fields\": [");
		json_string(out, f->name);
		fprintf(out, "], \"encoding\": \"0x%04x\", \"message\": ", f->encoding);
		json_string(out, msg);
		fprintf(out, ", \"hint\": ");
		json_string(out, hint);
		fprintf(out, ", \"line\": %u, \"column\": %u}", p.line, p.col);
	}
	fprintf(out, "%s]", r->n_vmwrite ? "\n   " : "");
}

void json_finding_open(FILE *out, const struct check_finding *f, const char *severity)
{
	fprintf(out, "{\"check\": ");
	json_string(out, check_rule_at(f->rule)->id);
	fputs(", \"severity\": \"", out);
	fputs(severity, out);
	fputc('"', out);
}

void json_finding_details(FILE *out, const struct check_finding *f)
{
	const struct check_rule *rule = check_rule_at(f->rule);
	const char *fl = rule->fields;

	fprintf(out, ", \"outcome\": ");
	report_json_outcome(out, &f->outcome, NULL);
	fprintf(out, ", \"sdm\": ");
	json_string(out, rule->sdm_section);
	fprintf(out, ", \"fields\": [");
	for (int k = 0; *fl; k++) {
		size_t len = strcspn(fl, ",");

		fprintf(out, "%s", k ? ", " : "");
		json_string_n(out, fl, len);
		fl += len;
		if (*fl == ',')
			fl++;
	}
	fprintf(out, "], \"message\": ");
	json_string(out, f->message);
	fprintf(out, ", \"hint\": ");
	json_string(out, f->hint);
}

void json_finding_close(FILE *out, unsigned line, unsigned col)
{
	fputs(", \"line\": ", out);
	json_u64(out, line);
	fputs(", \"column\": ", out);
	json_u64(out, col);
	fputc('}', out);
}

/* The loader's errors and warnings: "load_diagnostics" (a file that did not load has them). */
static void report_json_load(FILE *out, const struct checked *c)
{
	const struct load_diags *d = &c->diags;

	fprintf(out, "\"load_diagnostics\": [");
	for (size_t i = 0; i < d->n; i++) {
		const struct load_diag *x = &d->d[i];

		fprintf(out, "%s\n    {\"severity\": \"%s\", \"file\": ", i ? "," : "",
		        x->level == DIAG_ERROR ? "error" : "warning");
		json_string(out, x->pos.file ? x->pos.file : c->path);
		fprintf(out, ", \"line\": %u, \"column\": %u, \"message\": ", x->pos.line,
		        x->pos.col);
		json_string(out, x->msg);
		fprintf(out, "}");
	}
	fprintf(out, "%s]", d->n ? "\n   " : "");
	if (d->dropped)
		fprintf(out, ", \"load_diagnostics_dropped\": %zu", d->dropped);
}

void report_json_result(FILE *out, const struct checked *c)
{
	const struct check_report *r = c->report;
	struct adjusted a = checked_adjusted(c);
	size_t shown = 0;

	fprintf(out, "{\"file\": ");
	json_string(out, c->path);
	if (!r) {
		fprintf(out, ", \"caps\": null, \"prediction\": null,\n   ");
		report_json_load(out, c);
		fprintf(out, "}");
		return;
	}
	fprintf(out, ", \"caps\": ");
	json_string(out, c->caps_name);
	fprintf(out, ",\n   \"prediction\": ");
	if (!adjusted_json_prediction(out, &a))
		report_json_outcome(
		    out, &r->prediction,
		    r->deciding_rule >= 0 ? check_rule_at((size_t)r->deciding_rule)->id : NULL);
	report_json_inferred(out, &c->caps, r);
	adjusted_json(out, &a);
	report_json_vmwrites(out, c);
	fprintf(out, ",\n   ");
	report_json_load(out, c);
	fprintf(out, ",\n   \"diagnostics\": [");
	adjusted_json_diagnostics(out, &a, &shown);
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct check_finding *f = &r->findings[i];
		const struct check_rule *rule = check_rule_at(f->rule);
		struct src_pos p = finding_pos(c, f);

		if (rule->cls == CHECK_CLASS_VMWRITE)
			continue;
		fputs(shown++ ? ",\n    " : "\n    ", out);
		json_finding_open(out, f, finding_severity(f));
		json_finding_details(out, f);
		json_finding_close(out, p.line, p.col);
	}
	fprintf(out, "%s]}", shown ? "\n   " : "");
}
