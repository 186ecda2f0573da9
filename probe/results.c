/*
 * results.c -- what the vmx-probe image reports (the payloads of its framed lines,
 * vmx-probe/protocol.h) as results of the cases and the capabilities of the run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "vmcs_ids.h"

const char *probe_status_name(unsigned status)
{
	static const char *const names[] = {"not run", "done", "lost", "trap", "prelaunch failed"};

	return status < 5 ? names[status] : "?";
}

struct parse_ctx {
	const struct probe_case *cases;
	size_t n;
	struct probe_result *results;
	struct probe_run *run;
	int err;
	bool begun;
	long last_begun;
};

/* Splits a payload copy into space-separated words. */
static size_t words(char *s, char **w, size_t max)
{
	size_t n = 0;

	for (char *t = strtok(s, " "); t && n < max; t = strtok(NULL, " "))
		w[n++] = t;
	return n;
}

static bool hex64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 16);
	return *s && !*end && errno == 0;
}

void probe_result_init(struct probe_result *r, const struct probe_case *c)
{
	size_t nf = vmcs_field_count();

	memset(r, 0, sizeof(*r));
	r->reported = true;
	r->observed.kind = OUTCOME_UNDECIDED;
	r->readback = *c->vmcs;
	for (size_t i = 0; i < nf; i++) {
		if (!r->readback.written[i])
			r->readback.value[i] = 0;
		r->readback.known[i] = 1;
	}
	r->env = *c->env;
	r->env.ia32e_mode = true;
	r->env.values_read_back = true;
	/* The image's link page is never the VMCS region it launches. */
	r->env.link_current_known = true;
	r->env.link_is_current = false;
	/* The image's virtual-APIC page is zeroed: VTPR reads 0 whatever the case says. */
	r->env.vtpr_known = true;
	r->env.vtpr = 0;
}

static int16_t field_of(uint32_t enc)
{
	bool high = false;
	const struct vmcs_field_info *f = vmcs_field_by_encoding(enc, &high);

	return f && !high ? (int16_t)vmcs_field_index(f) : -1;
}

static void case_line(struct parse_ctx *x, char **w, size_t nw)
{
	uint64_t id;
	struct probe_result *r;

	if (nw < 2 || !hex64(w[1], &id) || id >= x->n)
		return;
	r = &x->results[id];
	if (!r->reported)
		probe_result_init(r, &x->cases[id]);
	if ((long)id > x->last_begun)
		x->last_begun = (long)id;
	switch (w[0][0]) {
	case 'W':
		for (size_t i = 2; i < nw; i++) {
			char *eq = strchr(w[i], '=');
			uint64_t enc, err = 0;

			if (!eq || r->n_vmwrite_errors >= VMCS_FIELD_CAPACITY)
				continue;
			*eq = '\0';
			if (!hex64(w[i], &enc))
				continue;
			if (!strcmp(eq + 1, "fi"))
				err = 0xffffffffu;
			else if (eq[1] == 't' && hex64(eq + 2, &err))
				err += 0x100;
			else if (!hex64(eq + 1, &err))
				continue;
			r->vmwrite_errors[r->n_vmwrite_errors].encoding = (uint32_t)enc;
			r->vmwrite_errors[r->n_vmwrite_errors].field = field_of((uint32_t)enc);
			r->vmwrite_errors[r->n_vmwrite_errors].error = (uint32_t)err;
			r->n_vmwrite_errors++;
		}
		break;
	case 'R':
		for (size_t i = 2; i < nw; i++) {
			char *eq = strchr(w[i], '=');
			uint64_t enc, v;
			int16_t f;

			if (!eq)
				continue;
			*eq = '\0';
			if (hex64(w[i], &enc) && hex64(eq + 1, &v) &&
			    (f = field_of((uint32_t)enc)) >= 0) {
				r->readback.value[f] = v;
				r->readback.known[f] = 1;
			}
		}
		break;
	case 'X':
		for (size_t i = 2; i < nw; i++) {
			uint64_t enc;
			int16_t f;

			if (hex64(w[i], &enc) && (f = field_of((uint32_t)enc)) >= 0) {
				r->readback.known[f] = 0;
				r->readback.value[f] = 0;
			}
		}
		break;
	case 'A':
		for (size_t i = 2; i < nw; i++) {
			uint64_t enc;
			int16_t f;

			if (hex64(w[i], &enc) && (f = field_of((uint32_t)enc)) >= 0)
				r->readback.written[f] = 1;
		}
		break;
	case 'M':
		for (size_t i = 2; i < nw; i++) {
			uint64_t v[4];

			if (!strncmp(w[i], "link=", 5) && hex64(w[i] + 5, &v[0])) {
				r->env.link_known = true;
				r->env.link_is_vmcs = true;
				r->env.link_revision = (uint32_t)v[0] & 0x7fffffffu;
				r->env.link_shadow = (v[0] >> 31) & 1;
			} else if (!strncmp(w[i], "pdpte=", 6)) {
				char *s = w[i] + 6, *comma;
				size_t k = 0;

				for (; k < 4 && s; k++) {
					comma = strchr(s, ',');
					if (comma)
						*comma = '\0';
					if (!hex64(s, &v[k]))
						break;
					s = comma ? comma + 1 : NULL;
				}
				if (k == 4) {
					r->env.pdptes_known = true;
					memcpy(r->env.pdpte, v, sizeof(v));
				}
			}
		}
		break;
	case 'P': {
		uint64_t v[9];
		size_t k = 0;

		for (; k < 9 && k + 2 < nw && hex64(w[k + 2], &v[k]); k++)
			;
		if (k < 9 || nw != 12)
			break;
		r->ring0 = true;
		r->ring0_prediction = (struct check_outcome){
		    .kind = (uint8_t)v[0],
		    .vm_instruction_error = (uint8_t)v[1],
		    .error_alt = (uint8_t)v[2],
		    .exit_reason = (uint16_t)v[3],
		    .exit_qualification = v[4],
		    .qualification_varies = v[5] != 0,
		    .otherwise_kind = (uint8_t)v[6],
		    .otherwise_exit_reason = (uint16_t)v[7],
		    .otherwise_qualification = v[8],
		};
		snprintf(r->ring0_rule, sizeof(r->ring0_rule), "%s", w[11]);
		break;
	}
	case 'O': {
		uint64_t a = 0, b = 0;

		if (nw < 3)
			break;
		r->status = PROBE_CASE_DONE;
		if (!strcmp(w[2], "FI")) {
			r->observed.kind = OUTCOME_VMFAIL_INVALID;
		} else if (!strcmp(w[2], "FV") && nw >= 4 && hex64(w[3], &a)) {
			r->observed.kind = OUTCOME_VMFAIL_VALID;
			r->observed.vm_instruction_error = (uint8_t)a;
		} else if (!strcmp(w[2], "EX") && nw >= 5 && hex64(w[3], &a) && hex64(w[4], &b)) {
			r->exit_reason_full = (uint32_t)a;
			r->observed.kind =
			    (a & 0x80000000u) ? OUTCOME_ENTRY_FAILURE : OUTCOME_SUCCESS;
			r->observed.exit_reason = (uint16_t)a;
			r->observed.exit_qualification = b;
		} else if (!strcmp(w[2], "TRAP")) {
			r->status = PROBE_CASE_TRAP;
			r->observed.kind = OUTCOME_UNDECIDED;
			if (nw >= 4 && hex64(w[3], &a))
				r->trap_vector = (uint8_t)a;
		} else if (!strcmp(w[2], "PRE")) {
			r->status = PROBE_CASE_PRELAUNCH;
			r->observed.kind = OUTCOME_UNDECIDED;
		} else {
			r->status = PROBE_CASE_NOT_RUN;
		}
		break;
	}
	default:
		break;
	}
}

/* "SMP ap=ID", "SMP none REASON...", "SMP lost": the watchdog processor. */
static void watchdog_line(struct probe_run *run, const char *payload, size_t len, char **w,
                          size_t nw)
{
	static const char none[] = "SMP none ";

	if (!strncmp(w[1], "ap=", 3)) {
		run->watchdog = true;
	} else if (!strcmp(w[1], "lost")) {
		run->watchdog = false;
		snprintf(run->watchdog_why, sizeof(run->watchdog_why), "it stopped answering");
	} else if (nw > 2 && len > sizeof(none) - 1 && !strncmp(payload, none, sizeof(none) - 1)) {
		run->watchdog = false;
		snprintf(run->watchdog_why, sizeof(run->watchdog_why), "%.*s",
		         (int)(len - (sizeof(none) - 1)), payload + sizeof(none) - 1);
	}
}

static void on_line(const char *payload, size_t len, void *ctx)
{
	struct parse_ctx *x = ctx;
	struct probe_run *run = x->run;
	char buf[600], *w[80];
	size_t nw;
	uint64_t a, b;

	if (len >= sizeof(buf))
		return;
	memcpy(buf, payload, len);
	buf[len] = '\0';
	if (!strncmp(buf, "NOVMX", 5) || !strncmp(buf, "BATCH bad", 9)) {
		x->err = buf[0] == 'N' ? PROBE_ERR_NOVMX : PROBE_ERR_BATCH;
		snprintf(run->error, sizeof(run->error), "the probe image reports: %.400s", buf);
		return;
	}
	nw = words(buf, w, sizeof(w) / sizeof(w[0]));
	if (!nw)
		return;
	if (!strcmp(w[0], "BEGIN")) {
		x->begun = true;
	} else if (!strcmp(w[0], "CPUID") && nw == 7) {
		uint64_t leaf = 0, sub = 0, r[4] = {0, 0, 0, 0};
		bool ok = hex64(w[1], &leaf) && hex64(w[2], &sub);

		for (int i = 0; i < 4; i++)
			ok = ok && hex64(w[3 + i], &r[i]);
		if (!ok)
			return;
		if (leaf == 0) {
			memcpy(run->vendor, &r[1], 4);
			memcpy(run->vendor + 4, &r[3], 4);
			memcpy(run->vendor + 8, &r[2], 4);
			run->vendor[12] = '\0';
		}
		/* the leaves the checks read (the image reports no other) */
		if (vmx_cpuid_by_leaf((uint32_t)leaf, (uint32_t)sub) >= 0) {
			for (int i = 0; i < 4; i++)
				vmx_caps_set_cpuid(&run->caps, (uint32_t)leaf, (uint32_t)sub,
				                   (enum cpuid_reg)i, (uint32_t)r[i]);
		}
		if (leaf == 0x80000008)
			run->caps.maxphyaddr = (uint8_t)r[0];
	} else if (!strcmp(w[0], "MSR") && nw == 3 && hex64(w[1], &a)) {
		bool gp = !strcmp(w[2], "GP");

		if (!gp && !hex64(w[2], &b))
			return;
		if (a == 0x3a) {
			run->fc_known = !gp;
			run->feature_control = gp ? 0 : b;
		} else if (a >= 0x480 && a < 0x480 + VMX_MSR__COUNT) {
			unsigned id = (unsigned)(a - 0x480);

			run->caps.msr[id] = gp ? 0 : b;
			run->caps.msr_state[id] = gp ? VMX_MSR_ABSENT : VMX_MSR_PRESENT;
			run->msr_read_zero[id] = !gp && b == 0;
			if (id == VMX_MSR_BASIC && !gp)
				run->caps_valid = true;
		}
	} else if (!strcmp(w[0], "FC") && nw == 2 && !strncmp(w[1], "initial=", 8) &&
	           hex64(w[1] + 8, &a)) {
		run->fc_initial_known = true;
		run->fc_initial = a;
	} else if (!strcmp(w[0], "SMP") && nw >= 2) {
		watchdog_line(run, payload, len, w, nw);
	} else if (!strcmp(w[0], "LOST") && nw == 2 && hex64(w[1], &a) && a < x->n) {
		if (x->results[a].status != PROBE_CASE_LOST) {
			if (!x->results[a].reported)
				probe_result_init(&x->results[a], &x->cases[a]);
			x->results[a].status = PROBE_CASE_LOST;
			x->results[a].observed.kind = OUTCOME_UNDECIDED;
			run->cases_lost++;
		}
	} else if (strlen(w[0]) == 1 && strchr("WRXAMPO", w[0][0])) {
		case_line(x, w, nw);
	}
}

int probe_parse_output(const char *out, size_t len, const struct probe_case *cases, size_t n,
                       struct probe_result *results, struct probe_run *run, long *last_begun)
{
	struct parse_ctx x = {cases, n, results, run, PROBE_OK, false, -1};
	size_t bad = 0;

	probe_lines(out, len, on_line, &x, &bad);
	run->bad_lines += bad;
	if (last_begun)
		*last_begun = x.last_begun;
	if (x.err == PROBE_OK && !x.begun) {
		snprintf(run->error, sizeof(run->error),
		         "the probe image printed no BEGIN line: it failed to boot");
		return PROBE_ERR_BOOT;
	}
	return x.err;
}
