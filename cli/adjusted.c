/*
 * adjusted.c -- the adjustment of a configuration given as a hypervisor writes it, in words:
 * text notes and errors at the configuration's lines, JSON, SARIF and the rows of `matrix`.
 */
#include <stdarg.h>
#include <string.h>

#include "adjusted.h"
#include "checked.h"
#include "cli.h"

/* Short names of the control fields in `matrix` rows. */
static const char *const ctl_short[VMX_CTL__COUNT] = {"PIN",  "PROC",  "PROC2", "PROC3",
                                                      "EXIT", "EXIT2", "ENTRY"};

/* The TRUE MSR a control's default1 settings come from (default1: true_msr). */
static const enum vmx_msr_id true_msr[VMX_CTL__COUNT] = {
    [VMX_CTL_PIN] = VMX_MSR_TRUE_PINBASED_CTLS, [VMX_CTL_PROC] = VMX_MSR_TRUE_PROCBASED_CTLS,
    [VMX_CTL_EXIT] = VMX_MSR_TRUE_EXIT_CTLS,    [VMX_CTL_ENTRY] = VMX_MSR_TRUE_ENTRY_CTLS,
    [VMX_CTL_PROC2] = VMX_MSR_PROCBASED_CTLS2,  [VMX_CTL_PROC3] = VMX_MSR_PROCBASED_CTLS3,
    [VMX_CTL_EXIT2] = VMX_MSR_EXIT_CTLS2,
};

static const char *field_name(size_t field)
{
	return vmcs_field_at(field)->name;
}

static const struct vmcs_layout_info *ctl_layout(enum vmx_ctl c)
{
	return vmcs_layout_at(vmcs_field_at(adjust_ctl_field(c))->layout);
}

/* The name of bit b of layout l, or NULL. */
static const char *bit_name(const struct vmcs_layout_info *l, unsigned b)
{
	size_t n;
	const struct vmcs_bits_info *rows = vmcs_layout_bits(l, &n);

	for (size_t i = 0; i < n; i++)
		if (rows[i].lo == b && rows[i].hi == b)
			return rows[i].name;
	return NULL;
}

/* The bits of mask by name, ", "-separated ("bit N" when unnamed); "none" when mask is 0. */
static void bit_names(char *buf, size_t n, const struct vmcs_layout_info *l, uint64_t mask)
{
	size_t len = 0;

	buf[0] = '\0';
	if (!mask)
		snprintf(buf, n, "none");
	for (unsigned b = 0; b < 64 && len + 1 < n; b++) {
		const char *name = (mask >> b) & 1u ? bit_name(l, b) : NULL;
		int k;

		if (!((mask >> b) & 1u))
			continue;
		if (name)
			k = snprintf(buf + len, n - len, "%s%s", len ? ", " : "", name);
		else
			k = snprintf(buf + len, n - len, "%sbit %u", len ? ", " : "", b);
		if (k < 0)
			break;
		len += (size_t)k;
	}
}

static void json_bits(FILE *out, const struct vmcs_layout_info *l, uint64_t mask)
{
	bool first = true;

	fputc('[', out);
	for (unsigned b = 0; b < 64; b++) {
		const char *name = bit_name(l, b);
		char num[16];

		if (!((mask >> b) & 1u))
			continue;
		snprintf(num, sizeof(num), "bit %u", b);
		fprintf(out, "%s", first ? "" : ", ");
		json_string(out, name ? name : num);
		first = false;
	}
	fputc(']', out);
}

/* Where a field is given; the file's start when nowhere (an inherited default). */
static struct src_pos field_at(const struct adjusted *a, size_t field)
{
	struct src_pos p = a->cfg->field_pos[field];

	if (!p.file) {
		p.file = a->path;
		p.line = 1;
		p.col = 1;
	}
	return p;
}

/* Where a wanted bit is named (the field when it has no position of its own). */
static struct src_pos bit_at(const struct adjusted *a, enum vmx_ctl c, unsigned b)
{
	struct src_pos p = a->cfg->want_pos[c][b];

	return p.file ? p : field_at(a, adjust_ctl_field(c));
}

/* "wanted HLT_EXITING (required), RDTSC_EXITING (optional)". */
static void wanted_text(char *buf, size_t n, const struct adjusted *a, enum vmx_ctl c)
{
	const struct adjust_want *w = &a->cfg->wants.ctl[c];
	const struct vmcs_layout_info *l = ctl_layout(c);
	char req[400], opt[400];

	bit_names(req, sizeof(req), l, w->required);
	bit_names(opt, sizeof(opt), l, w->optional);
	if (w->required && w->optional)
		snprintf(buf, n, "%s (required), %s (optional)", req, opt);
	else if (w->required)
		snprintf(buf, n, "%s (required)", req);
	else if (w->optional)
		snprintf(buf, n, "%s (optional)", opt);
	else
		snprintf(buf, n, "no control of its own");
}

/* Appends printf-style text to buf (of size n, holding a string). */
static void append(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void append(char *buf, size_t n, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len + 1 >= n)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, n - len, fmt, ap);
	va_end(ap);
}

/* The note of an adjusted control field. */
static void ctl_message(char *buf, size_t n, const struct adjusted *a, enum vmx_ctl c)
{
	const struct adjust_want *w = &a->cfg->wants.ctl[c];
	const struct adjust_ctl_result *x = &a->r->ctl[c];
	const struct vmcs_layout_info *l = ctl_layout(c);
	char names[400], wanted[840];
	enum vmx_ctl child;

	wanted_text(wanted, sizeof(wanted), a, c);
	snprintf(buf, n, "%s adjusted for %s: wanted %s", field_name(adjust_ctl_field(c)),
	         a->caps_name, wanted);
	if (w->default1 != ADJUST_DEFAULT1_AUTO)
		append(buf, n, ", default1: %s",
		       adjust_default1_name((enum adjust_default1)w->default1));
	if (x->undecided)
		append(buf, n, "; judged undecided (decided bits 0x%llx)",
		       (unsigned long long)x->value);
	else
		append(buf, n, "; judged 0x%llx", (unsigned long long)x->value);
	if (x->default1)
		append(buf, n, "; default1 0x%llx from %s", (unsigned long long)x->default1,
		       vmx_msr_name(x->msr));
	for (int k = 0; k < VMX_CTL__COUNT; k++) {
		enum vmx_ctl parent;
		unsigned b;

		child = (enum vmx_ctl)k;
		if (adjust_activator(child, &parent, &b) && parent == c && ((x->derived >> b) & 1u))
			append(buf, n, "; %s: %s in use", bit_name(l, b),
			       field_name(adjust_ctl_field(child)));
	}
	if (x->dropped) {
		bit_names(names, sizeof(names), l, x->dropped);
		append(buf, n, "; dropped (not allowed): %s", names);
	}
	if (x->unwritten)
		append(buf, n, "; not written (no control of it is used)");
}

/* The note of a CR field with the fixed bits. */
static void cr_message(char *buf, size_t n, const struct adjusted *a, enum adjust_cr c)
{
	const struct adjust_cr_result *x = &a->r->cr[c];
	const struct vmcs_layout_info *l =
	    vmcs_layout_at(vmcs_field_at(adjust_cr_field(c))->layout);
	enum vmx_msr_id f0 = adjust_cr_fixed0(c);
	char names[400];

	snprintf(buf, n, "%s adjusted for %s: given 0x%llx with the fixed bits",
	         field_name(adjust_cr_field(c)), a->caps_name, (unsigned long long)x->wanted);
	if (x->undecided & ~x->exempt_undecided)
		append(buf, n, "; judged undecided (bits 0x%llx depend on %s/%s, not known)",
		       (unsigned long long)(x->undecided & ~x->exempt_undecided), vmx_msr_name(f0),
		       vmx_msr_name((enum vmx_msr_id)(f0 + 1)));
	if (x->exempt_undecided) {
		bit_names(names, sizeof(names), l, x->exempt_undecided);
		append(buf, n,
		       "; judged undecided (%s: whether unrestricted guest is used is "
		       "undecided)",
		       names);
	}
	if (!x->undecided)
		append(buf, n, "; judged 0x%llx", (unsigned long long)x->value);
	if (x->set) {
		bit_names(names, sizeof(names), l, x->set);
		append(buf, n, "; set by %s: %s", vmx_msr_name(f0), names);
	}
	if (x->cleared) {
		bit_names(names, sizeof(names), l, x->cleared);
		append(buf, n, "; cleared by %s: %s", vmx_msr_name((enum vmx_msr_id)(f0 + 1)),
		       names);
	}
	if (x->exempt) {
		bit_names(names, sizeof(names), l, x->exempt);
		append(buf, n, "; %s not forced (unrestricted guest)", names);
	}
}

/* Why a control's adjusted value or refusal is undecided ("" when it is not). */
static void ctl_undecided(char *buf, size_t n, const struct adjusted *a, enum vmx_ctl c)
{
	const struct adjust_ctl_result *x = &a->r->ctl[c];
	const struct vmcs_layout_info *l = ctl_layout(c);
	const char *name = field_name(adjust_ctl_field(c));
	uint64_t allowing =
	    x->undecided & ~x->maybe_default1 & ~x->derived_unknown & ~x->may_refuse;
	char names[400];

	buf[0] = '\0';
	if (x->settings_unknown)
		append(buf, n, "%s: the allowed settings (%s) are not known", name,
		       vmx_msr_name(x->msr));
	if (x->no_true_msrs == TRI_UNKNOWN)
		append(buf, n,
		       "%s%s: whether the processor has the TRUE MSRs the hypervisor reads "
		       "(default1: true_msr) is unknown (IA32_VMX_BASIC[55]): it may refuse to run",
		       buf[0] ? "; " : "", name);
	if (x->may_refuse) {
		bit_names(names, sizeof(names), l, x->may_refuse);
		append(buf, n,
		       "%s%s: whether the processor allows required %s is unknown: the hypervisor "
		       "may refuse to run",
		       buf[0] ? "; " : "", name, names);
	}
	if (allowing && !x->settings_unknown) {
		bit_names(names, sizeof(names), l, allowing);
		append(buf, n, "%s%s: whether the processor allows %s is unknown (%s partly known)",
		       buf[0] ? "; " : "", name, names, vmx_msr_name(x->msr));
	}
	if (x->maybe_default1 && !x->settings_unknown) {
		bit_names(names, sizeof(names), l, x->maybe_default1);
		append(buf, n,
		       "%s%s: %s: default1 in %s; whether %s lets them be 0 is unknown (the entry "
		       "lacks it)",
		       buf[0] ? "; " : "", name, names, vmx_msr_name(x->msr),
		       vmx_msr_name(true_msr[c]));
	}
	for (int k = 0; k < VMX_CTL__COUNT; k++) {
		enum vmx_ctl parent;
		unsigned b;

		if (adjust_activator((enum vmx_ctl)k, &parent, &b) && parent == c &&
		    ((x->derived_unknown >> b) & 1u))
			append(buf, n, "%s%s: %s follows %s, which is undecided",
			       buf[0] ? "; " : "", name, bit_name(l, b),
			       field_name(adjust_ctl_field((enum vmx_ctl)k)));
	}
}

void adjusted_undecided_reason(char *buf, size_t n, const struct adjusted *a)
{
	char one[900];

	buf[0] = '\0';
	for (int c = 0; c < VMX_CTL__COUNT; c++) {
		if (!a->r->ctl[c].adjusted)
			continue;
		ctl_undecided(one, sizeof(one), a, (enum vmx_ctl)c);
		if (one[0])
			append(buf, n, "%s%s", buf[0] ? "; " : "", one);
	}
	for (int c = 0; c < ADJUST_CR__COUNT; c++) {
		const struct adjust_cr_result *x = &a->r->cr[c];

		if (x->adjusted && (x->undecided & ~x->exempt_undecided))
			append(buf, n, "%s%s: the fixed bits 0x%llx are not known",
			       buf[0] ? "; " : "", field_name(adjust_cr_field((enum adjust_cr)c)),
			       (unsigned long long)(x->undecided & ~x->exempt_undecided));
		if (x->adjusted && x->exempt_undecided)
			append(buf, n,
			       "%s%s: PE and PG are fixed to 1 unless unrestricted guest is "
			       "used, which is undecided",
			       buf[0] ? "; " : "", field_name(adjust_cr_field((enum adjust_cr)c)));
	}
}

/* The controls whose default1: true_msr finds no TRUE MSRs ("PIN, PROC"), or "" when none. */
static void no_true_ctls(char *buf, size_t n, const struct adjusted *a)
{
	buf[0] = '\0';
	for (int c = 0; c < VMX_CTL__COUNT; c++)
		if (a->r->ctl[c].adjusted && a->r->ctl[c].no_true_msrs == TRI_YES)
			append(buf, n, "%s%s", buf[0] ? ", " : "", ctl_short[c]);
}

/* The refusal message of a required bit (bit < 64) or of missing TRUE MSRs (bit = 64). */
static void refusal_message(char *buf, size_t n, const struct adjusted *a, enum vmx_ctl c,
                            unsigned bit)
{
	const struct adjust_ctl_result *x = &a->r->ctl[c];
	const char *name = bit < 64 ? bit_name(ctl_layout(c), bit) : NULL;
	char b[80];

	if (bit >= 64) {
		no_true_ctls(b, sizeof(b), a);
		snprintf(buf, n,
		         "this hypervisor refuses to run on %s: it reads the TRUE capability MSRs "
		         "(default1: true_msr for %s) and the processor has none "
		         "(IA32_VMX_BASIC[55] = 0)",
		         a->caps_name, b);
		return;
	}
	snprintf(b, sizeof(b), "bit %u", bit);
	snprintf(buf, n,
	         "this hypervisor refuses to run on %s: it requires %s of %s, which the processor "
	         "does not allow (%s allows 0x%llx)",
	         a->caps_name, name ? name : b, field_name(adjust_ctl_field(c)),
	         vmx_msr_name(x->msr), (unsigned long long)x->allowed);
}

/* What to do about a refusal, and where the SDM reports the capability. */
static const char *refusal_hint(unsigned bit)
{
	return bit < 64 ? "run it on a processor that allows the control, or make the control "
	                  "optional if the hypervisor can do without it"
	                : "run it on a processor with the TRUE capability MSRs, or let it read "
	                  "the ordinary ones where they are missing (default1: auto)";
}

static const char *refusal_sdm(enum vmx_ctl c, unsigned bit, const char **title)
{
	*title = bit < 64 ? adjust_ctl_sdm_title(c) : "Reserved Controls and Default Settings";
	return bit < 64 ? adjust_ctl_sdm_section(c) : "A.2";
}

/* Calls fn for every refusal: (control, bit), bit 64 for missing TRUE MSRs. */
static size_t for_each_refusal(const struct adjusted *a,
                               void (*fn)(const struct adjusted *, enum vmx_ctl, unsigned, void *),
                               void *ctx)
{
	size_t k = 0;
	bool no_true = false;

	for (int c = 0; c < VMX_CTL__COUNT; c++) {
		const struct adjust_ctl_result *x = &a->r->ctl[c];

		if (!x->adjusted)
			continue;
		/* Missing TRUE MSRs are one refusal, at the first control that reads them. */
		if (x->no_true_msrs == TRI_YES && !no_true) {
			no_true = true;
			if (fn)
				fn(a, (enum vmx_ctl)c, 64, ctx);
			k++;
		}
		for (unsigned b = 0; b < 64; b++) {
			if (!((x->refused >> b) & 1u))
				continue;
			if (fn)
				fn(a, (enum vmx_ctl)c, b, ctx);
			k++;
		}
	}
	return k;
}

static void text_refusal(const struct adjusted *a, enum vmx_ctl c, unsigned bit, void *ctx)
{
	FILE *out = ctx;
	char msg[900];
	struct src_pos p = bit < 64 ? bit_at(a, c, bit) : field_at(a, adjust_ctl_field(c));

	const char *title, *sdm = refusal_sdm(c, bit, &title);

	refusal_message(msg, sizeof(msg), a, c, bit);
	fprintf(out, "%s:%u:%u: error: [%s] %s\n    hint: %s\n", p.file, p.line, p.col,
	        ADJUST_ID_REFUSED, msg, refusal_hint(bit));
	fprintf(out, "    SDM %s \"%s\"; outcome: the hypervisor refuses to run (no VM entry)\n",
	        sdm, title);
}

void adjusted_settled_bits(char *buf, size_t n, const struct adjust_settled *s)
{
	buf[0] = '\0';
	for (unsigned i = 0; i < s->n_bits; i++) {
		char name[64];

		bit_names(name, sizeof(name), ctl_layout((enum vmx_ctl)s->bits[i].ctl),
		          1ull << s->bits[i].ctl_bit);
		append(buf, n, "%s%s bit %u (%s of %s)", i ? ", " : "",
		       vmx_msr_name((enum vmx_msr_id)s->bits[i].msr), s->bits[i].bit, name,
		       field_name(adjust_ctl_field((enum vmx_ctl)s->bits[i].ctl)));
	}
}

void adjusted_settled_text(char *buf, size_t n, const struct adjusted *a)
{
	const struct adjust_settled *s = &a->r->settled;
	char bits[600];

	buf[0] = '\0';
	if (!s->settled)
		return;
	adjusted_settled_bits(bits, sizeof(bits), s);
	snprintf(buf, n,
	         "the undecided bits rest on %u capability bit%s unknown for %s: %s; each of the "
	         "%u settings, a processor that may exist, gives the same prediction, so the "
	         "prediction holds whatever they are",
	         s->n_bits, s->n_bits == 1 ? "" : "s", a->caps_name, bits, 1u << s->n_bits);
}

/* Calls fn for every note of the adjustment: each adjusted field, what is undecided, each field
 * left unwritten -- in that order, at the line of the field. */
static void for_each_note(const struct adjusted *a,
                          void (*fn)(const char *id, const char *msg, struct src_pos p, void *ctx),
                          void *ctx)
{
	char msg[1400];

	for (int c = 0; c < VMX_CTL__COUNT; c++) {
		struct src_pos p = field_at(a, adjust_ctl_field((enum vmx_ctl)c));

		if (!a->r->ctl[c].adjusted)
			continue;
		ctl_message(msg, sizeof(msg), a, (enum vmx_ctl)c);
		fn(ADJUST_ID_ADJUSTED, msg, p, ctx);
		ctl_undecided(msg, sizeof(msg), a, (enum vmx_ctl)c);
		if (msg[0])
			fn(ADJUST_ID_UNDECIDED, msg, p, ctx);
	}
	for (int c = 0; c < ADJUST_CR__COUNT; c++) {
		if (!a->r->cr[c].adjusted)
			continue;
		cr_message(msg, sizeof(msg), a, (enum adjust_cr)c);
		fn(a->r->cr[c].undecided ? ADJUST_ID_UNDECIDED : ADJUST_ID_ADJUSTED, msg,
		   field_at(a, adjust_cr_field((enum adjust_cr)c)), ctx);
	}
	adjusted_settled_text(msg, sizeof(msg), a);
	if (msg[0])
		fn(ADJUST_ID_SETTLED, msg,
		   field_at(a, adjust_ctl_field((enum vmx_ctl)a->r->settled.bits[0].ctl)), ctx);
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		if (!a->r->unwritten[i] || adjust_ctl_of_field(i) >= 0)
			continue;
		snprintf(msg, sizeof(msg),
		         "%s not written on %s: the control that makes it exist is not used after "
		         "adjusting (hypervisors write a field only for the controls they use)",
		         field_name(i), a->caps_name);
		fn(ADJUST_ID_ADJUSTED, msg, field_at(a, i), ctx);
	}
}

static void text_note(const char *id, const char *msg, struct src_pos p, void *ctx)
{
	fprintf(ctx, "%s:%u:%u: note: [%s] %s\n", p.file, p.line, p.col, id, msg);
}

void adjusted_text(FILE *out, const struct adjusted *a)
{
	if (a->r->verdict == ADJUST_NOTHING)
		return;
	for_each_note(a, text_note, out);
	for_each_refusal(a, text_refusal, out);
}

bool adjusted_text_prediction(FILE *out, const struct adjusted *a)
{
	size_t k;

	if (a->r->verdict != ADJUST_REFUSED)
		return false;
	k = for_each_refusal(a, NULL, NULL);
	fprintf(out,
	        "%s: prediction: refused: the hypervisor refuses to run on this processor [%s] "
	        "(caps %s; %zu required capabilit%s missing)\n",
	        a->path, ADJUST_ID_REFUSED, a->caps_name, k, k == 1 ? "y" : "ies");
	return true;
}

/* `, "value": "0x..."`, or null with the undecided bits. */
static void json_value(FILE *out, uint64_t value, uint64_t undecided)
{
	if (undecided)
		fprintf(out, ", \"value\": null, \"undecided\": \"0x%llx\"",
		        (unsigned long long)undecided);
	else
		fprintf(out, ", \"value\": \"0x%llx\"", (unsigned long long)value);
}

static void json_ctl(FILE *out, const struct adjusted *a, enum vmx_ctl c)
{
	const struct adjust_want *w = &a->cfg->wants.ctl[c];
	const struct adjust_ctl_result *x = &a->r->ctl[c];
	const struct vmcs_layout_info *l = ctl_layout(c);
	struct src_pos p = field_at(a, adjust_ctl_field(c));

	fprintf(out, "{\"field\": ");
	json_string(out, field_name(adjust_ctl_field(c)));
	fprintf(out, ", \"required\": ");
	json_bits(out, l, w->required);
	fprintf(out, ", \"optional\": ");
	json_bits(out, l, w->optional);
	if (adjust_has_true_msr(c))
		fprintf(out, ", \"default1\": \"%s\"",
		        adjust_default1_name((enum adjust_default1)w->default1));
	fprintf(out, ", \"settings_from\": ");
	json_string(out, vmx_msr_name(x->msr));
	json_value(out, x->value, x->undecided);
	fprintf(out,
	        ", \"default1_bits\": \"0x%llx\", \"derived\": ", (unsigned long long)x->default1);
	json_bits(out, l, x->derived);
	fprintf(out, ", \"dropped\": ");
	json_bits(out, l, x->dropped);
	fprintf(out, ", \"refused\": ");
	json_bits(out, l, x->refused);
	if (x->no_true_msrs != TRI_NO)
		fprintf(out, ", \"no_true_msrs\": %s",
		        x->no_true_msrs == TRI_YES ? "true" : "null");
	fprintf(out, ", \"written\": %s, \"line\": %u, \"column\": %u}",
	        x->unwritten ? "false" : "true", p.line, p.col);
}

static void json_cr(FILE *out, const struct adjusted *a, enum adjust_cr c)
{
	const struct adjust_cr_result *x = &a->r->cr[c];
	struct src_pos p = field_at(a, adjust_cr_field(c));

	fprintf(out, "{\"field\": ");
	json_string(out, field_name(adjust_cr_field(c)));
	fprintf(out, ", \"given\": \"0x%llx\", \"fixed\": \"apply\"",
	        (unsigned long long)x->wanted);
	json_value(out, x->value, x->undecided);
	fprintf(out,
	        ", \"set\": \"0x%llx\", \"cleared\": \"0x%llx\", \"exempt\": \"0x%llx\", "
	        "\"line\": %u, \"column\": %u}",
	        (unsigned long long)x->set, (unsigned long long)x->cleared,
	        (unsigned long long)x->exempt, p.line, p.col);
}

void adjusted_json(FILE *out, const struct adjusted *a)
{
	bool first = true;

	if (a->r->verdict == ADJUST_NOTHING)
		return;
	fprintf(out, ",\n   \"adjusted\": [");
	for (int c = 0; c < VMX_CTL__COUNT; c++) {
		if (!a->r->ctl[c].adjusted)
			continue;
		fprintf(out, "%s\n    ", first ? "" : ",");
		json_ctl(out, a, (enum vmx_ctl)c);
		first = false;
	}
	for (int c = 0; c < ADJUST_CR__COUNT; c++) {
		if (!a->r->cr[c].adjusted)
			continue;
		fprintf(out, "%s\n    ", first ? "" : ",");
		json_cr(out, a, (enum adjust_cr)c);
		first = false;
	}
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		struct src_pos p = field_at(a, i);

		if (!a->r->unwritten[i] || adjust_ctl_of_field(i) >= 0)
			continue;
		fprintf(out, "%s\n    {\"field\": ", first ? "" : ",");
		json_string(out, field_name(i));
		fprintf(out, ", \"written\": false, \"line\": %u, \"column\": %u}", p.line, p.col);
		first = false;
	}
	fprintf(out, "\n   ]");
	if (a->r->verdict == ADJUST_UNDECIDED || a->r->verdict == ADJUST_MAY_REFUSE) {
		char why[2000];

		adjusted_undecided_reason(why, sizeof(why), a);
		fprintf(out, ",\n   \"adjusted_undecided\": ");
		json_string(out, why);
	}
	if (a->r->settled.settled) {
		char bits[600];

		adjusted_settled_bits(bits, sizeof(bits), &a->r->settled);
		fprintf(out, ",\n   \"adjusted_settled\": {\"settings\": %u, \"bits\": ",
		        1u << a->r->settled.n_bits);
		json_string(out, bits);
		fprintf(out, "}");
	}
}

bool adjusted_json_prediction(FILE *out, const struct adjusted *a)
{
	if (a->r->verdict != ADJUST_REFUSED)
		return false;
	fprintf(out, "{\"outcome\": \"refused\", \"check\": \"%s\"}", ADJUST_ID_REFUSED);
	return true;
}

struct json_diag_ctx {
	FILE *out;
	size_t *shown;
};

static void json_refusal(const struct adjusted *a, enum vmx_ctl c, unsigned bit, void *ctx)
{
	struct json_diag_ctx *j = ctx;
	struct src_pos p = bit < 64 ? bit_at(a, c, bit) : field_at(a, adjust_ctl_field(c));
	char msg[900];
	const char *title, *sdm = refusal_sdm(c, bit, &title);

	refusal_message(msg, sizeof(msg), a, c, bit);
	fprintf(j->out,
	        "%s\n    {\"check\": \"%s\", \"severity\": \"error\", \"outcome\": "
	        "{\"outcome\": \"refused\"}, \"sdm\": ",
	        (*j->shown)++ ? "," : "", ADJUST_ID_REFUSED);
	json_string(j->out, sdm);
	fprintf(j->out, ", \"fields\": [");
	json_string(j->out, field_name(adjust_ctl_field(c)));
	fprintf(j->out, "], \"message\": ");
	json_string(j->out, msg);
	fprintf(j->out, ", \"hint\": ");
	json_string(j->out, refusal_hint(bit));
	fprintf(j->out, ", \"line\": %u, \"column\": %u}", p.line, p.col);
}

void adjusted_json_diagnostics(FILE *out, const struct adjusted *a, size_t *shown)
{
	struct json_diag_ctx j = {out, shown};

	for_each_refusal(a, json_refusal, &j);
}

/* What the adjustment reports, once: SARIF rules and `vmcslint explain` read this table. */
static const struct {
	const char *id, *summary, *help, *level;
} hv_ids[] = {
    {ADJUST_ID_REFUSED, "A control the hypervisor requires is allowed by the processor",
     "A control field given as wanted bits lists it as required, and the processor's "
     "capability MSRs do not allow its 1-setting (or the hypervisor reads TRUE capability MSRs "
     "the processor lacks, default1: true_msr): the hypervisor refuses to run there, and there "
     "is no VM entry to judge (Intel SDM Vol. 3D Appendix A).",
     "error"},
    {ADJUST_ID_ADJUSTED, "A field given as a hypervisor writes it, adjusted to the processor",
     "The value the field was judged with: the wanted controls the processor allows plus its "
     "default1 controls (the activate bits on when the fields they activate are used), or a "
     "CR0/CR4 value with IA32_VMX_CRn_FIXED0 ORed in and IA32_VMX_CRn_FIXED1 ANDed; and the "
     "fields left unwritten because the controls that make them exist are not used (Intel SDM "
     "Vol. 3D Appendix A).",
     "note"},
    {ADJUST_ID_UNDECIDED, "An adjusted field depends on capabilities that are unknown",
     "A capability MSR the processor's entry does not give decides bits of the adjusted value "
     "or whether a required control is allowed: the field is unknown to the checks, which "
     "cannot be decided (Intel SDM Vol. 3D Appendix A).",
     "note"},
    {ADJUST_ID_SETTLED, "Every setting of the unknown capabilities gives the same prediction",
     "The undecided bits of an adjusted field rest on a few capability bits the processor's "
     "entry does not give: each of their settings is a processor that may exist, and each was "
     "adjusted and checked; all gave the same prediction, which therefore holds (Intel SDM "
     "Vol. 3D Appendix A).",
     "note"},
};

void adjusted_sarif_rules(FILE *out)
{
	for (size_t i = 0; i < sizeof(hv_ids) / sizeof(hv_ids[0]); i++) {
		fprintf(out, ",\n  {\"id\": ");
		json_string(out, hv_ids[i].id);
		fprintf(out, ", \"shortDescription\": {\"text\": ");
		json_string(out, hv_ids[i].summary);
		fprintf(out, "}, \"fullDescription\": {\"text\": ");
		json_string(out, hv_ids[i].help);
		fprintf(out, "}, \"help\": {\"text\": ");
		json_string(out, hv_ids[i].help);
		fprintf(out,
		        "}, \"defaultConfiguration\": {\"level\": \"%s\"}, \"properties\": "
		        "{\"sdm_section\": \"A\", \"sdm_title\": \"VMX Capability Reporting "
		        "Facility\"}}",
		        hv_ids[i].level);
	}
}

bool adjusted_explain(FILE *out, const char *id, bool json)
{
	for (size_t i = 0; i < sizeof(hv_ids) / sizeof(hv_ids[0]); i++) {
		if (!vmcs_name_equal(id, strlen(id), hv_ids[i].id))
			continue;
		if (json) {
			fprintf(out, "{\"id\": ");
			json_string(out, hv_ids[i].id);
			fprintf(out, ", \"class\": \"hypervisor adjustment\", \"sdm\": \"A\", "
			             "\"sdm_title\": \"VMX Capability Reporting Facility\", "
			             "\"summary\": ");
			json_string(out, hv_ids[i].summary);
			fprintf(out, ", \"description\": ");
			json_string(out, hv_ids[i].help);
			fprintf(out, "}\n");
		} else {
			fprintf(
			    out,
			    "%s\n  %s\n  class:    adjustment of a configuration given as a "
			    "hypervisor writes it (schema/README.md), not a VM-entry check\n  %s\n",
			    hv_ids[i].id, hv_ids[i].summary, hv_ids[i].help);
		}
		return true;
	}
	return false;
}

struct sarif_ctx {
	FILE *out;
	bool *first;
	unsigned rule;
};

static void sarif_refusal(const struct adjusted *a, enum vmx_ctl c, unsigned bit, void *ctx)
{
	struct sarif_ctx *s = ctx;
	char msg[900], full[1200];

	refusal_message(msg, sizeof(msg), a, c, bit);
	snprintf(full, sizeof(full), "%s Hint: %s", msg, refusal_hint(bit));
	sarif_result_json(s->out, s->first, s->rule, ADJUST_ID_REFUSED, "error", full,
	                  bit < 64 ? bit_at(a, c, bit) : field_at(a, adjust_ctl_field(c)));
}

static void sarif_note(const char *id, const char *msg, struct src_pos p, void *ctx)
{
	struct sarif_ctx *s = ctx;

	sarif_result_json(s->out, s->first, s->rule + (strcmp(id, ADJUST_ID_ADJUSTED) == 0 ? 1 : 2),
	                  id, "note", msg, p);
}

void adjusted_sarif_results(FILE *out, const struct adjusted *a, bool *first, unsigned rule_base)
{
	struct sarif_ctx s = {out, first, rule_base};

	if (a->r->verdict == ADJUST_NOTHING)
		return;
	for_each_note(a, sarif_note, &s);
	for_each_refusal(a, sarif_refusal, &s);
}

bool adjusted_matrix_refused(FILE *out, const struct adjusted *a, bool json, bool first,
                             const char *kind, const char *confidence, const char *tag)
{
	char what[700] = "", one[200];

	if (a->r->verdict != ADJUST_REFUSED)
		return false;
	no_true_ctls(one, sizeof(one), a);
	if (one[0])
		append(what, sizeof(what), "the TRUE capability MSRs (default1: true_msr for %s)",
		       one);
	for (int c = 0; c < VMX_CTL__COUNT; c++) {
		const struct adjust_ctl_result *x = &a->r->ctl[c];

		if (!x->adjusted)
			continue;
		if (x->refused) {
			bit_names(one, sizeof(one), ctl_layout((enum vmx_ctl)c), x->refused);
			append(what, sizeof(what), "%s%s (%s)", what[0] ? ", " : "", one,
			       field_name(adjust_ctl_field((enum vmx_ctl)c)));
		}
	}
	if (json) {
		fprintf(out, "%s\n  {\"caps\": ", first ? "" : ",");
		json_string(out, a->caps_name);
		fprintf(out,
		        ", \"prediction\": {\"outcome\": \"refused\", \"check\": \"%s\"}, "
		        "\"failed\": 0, \"undecided\": 0, \"vmwrite_errors\": 0, \"kind\": ",
		        ADJUST_ID_REFUSED);
		json_string(out, kind ? kind : "");
		fprintf(out, ", \"confidence\": ");
		json_string(out, confidence ? confidence : "");
		fprintf(out, ", \"refused_because\": ");
		json_string(out, what);
		fprintf(out, "}");
		return true;
	}
	fprintf(out, "%-44s %-14s the hypervisor refuses to run: it requires %s [%s]", a->caps_name,
	        "refused", what, ADJUST_ID_REFUSED);
	if (tag && tag[0])
		fprintf(out, " {%s}", tag);
	fprintf(out, "\n");
	return true;
}

/* Why the adjustment is undecided, one short phrase per cause ("PIN, PROC: default1 bits ..."). */
static void undecided_short(char *buf, size_t n, const struct adjusted *a)
{
	static const char *const causes[] = {"allowed settings unknown",
	                                     "TRUE MSRs may be missing (default1: true_msr)",
	                                     "a required control may not be allowed",
	                                     "allowed settings partly unknown",
	                                     "default1 bits undecided (the TRUE MSR is unknown)",
	                                     "activate bit follows an undecided field"};
	char who[sizeof(causes) / sizeof(causes[0])][64];

	memset(who, 0, sizeof(who));
	for (int c = 0; c < VMX_CTL__COUNT; c++) {
		const struct adjust_ctl_result *x = &a->r->ctl[c];
		bool cause[sizeof(causes) / sizeof(causes[0])] = {
		    x->settings_unknown,
		    x->no_true_msrs == TRI_UNKNOWN,
		    x->may_refuse != 0,
		    !x->settings_unknown &&
		        (x->undecided & ~x->maybe_default1 & ~x->derived_unknown & ~x->may_refuse),
		    !x->settings_unknown && x->maybe_default1,
		    x->derived_unknown != 0};

		for (size_t k = 0; x->adjusted && k < sizeof(causes) / sizeof(causes[0]); k++)
			if (cause[k])
				append(who[k], sizeof(who[k]), "%s%s", who[k][0] ? ", " : "",
				       ctl_short[c]);
	}
	buf[0] = '\0';
	for (size_t k = 0; k < sizeof(causes) / sizeof(causes[0]); k++)
		if (who[k][0])
			append(buf, n, "%s%s: %s", buf[0] ? "; " : "", who[k], causes[k]);
	for (int c = 0; c < ADJUST_CR__COUNT; c++)
		if (a->r->cr[c].adjusted && a->r->cr[c].undecided)
			append(buf, n, "%s%s: %s", buf[0] ? "; " : "",
			       field_name(adjust_cr_field((enum adjust_cr)c)),
			       a->r->cr[c].undecided & ~a->r->cr[c].exempt_undecided
			           ? "fixed bits unknown"
			           : "unrestricted guest undecided");
}

void adjusted_matrix_values(FILE *out, const struct adjusted *a, bool json)
{
	bool first = true;

	if (a->r->verdict == ADJUST_NOTHING)
		return;
	fprintf(out, json ? ", \"adjusted\": {" : "    adjusted:");
	for (int c = 0; c < VMX_CTL__COUNT; c++) {
		const struct adjust_ctl_result *x = &a->r->ctl[c];

		if (!x->adjusted)
			continue;
		if (json) {
			fprintf(out, "%s\"%s\": ", first ? "" : ", ",
			        field_name(adjust_ctl_field((enum vmx_ctl)c)));
			if (x->undecided)
				fprintf(out, "null");
			else
				fprintf(out, "\"0x%llx\"", (unsigned long long)x->value);
		} else if (x->undecided) {
			fprintf(out, "%s %s undecided", first ? "" : ",", ctl_short[c]);
		} else {
			fprintf(out, "%s %s 0x%llx", first ? "" : ",", ctl_short[c],
			        (unsigned long long)x->value);
		}
		first = false;
	}
	for (int c = 0; c < ADJUST_CR__COUNT; c++) {
		const struct adjust_cr_result *x = &a->r->cr[c];
		const char *name = field_name(adjust_cr_field((enum adjust_cr)c));

		if (!x->adjusted)
			continue;
		if (json && x->undecided)
			fprintf(out, "%s\"%s\": null", first ? "" : ", ", name);
		else if (json)
			fprintf(out, "%s\"%s\": \"0x%llx\"", first ? "" : ", ", name,
			        (unsigned long long)x->value);
		else if (x->undecided)
			fprintf(out, "%s %s undecided", first ? "" : ",", name);
		else
			fprintf(out, "%s %s 0x%llx", first ? "" : ",", name,
			        (unsigned long long)x->value);
		first = false;
	}
	if (json) {
		fprintf(out, "}");
		return;
	}
	fprintf(out, "\n");
	if (a->r->verdict == ADJUST_UNDECIDED || a->r->verdict == ADJUST_MAY_REFUSE) {
		char why[600];

		undecided_short(why, sizeof(why), a);
		fprintf(out, "    undecided: %s\n", why);
	}
}

void adjusted_matrix_summary(FILE *out, bool json, bool any, size_t refused)
{
	if (!any)
		return;
	if (json)
		fprintf(out, ", \"refused\": %zu", refused);
	else
		fprintf(out, ", refused on %zu", refused);
}
