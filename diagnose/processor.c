/*
 * processor.c -- which processor's capabilities a dump is judged with: --caps, else the capsdb
 * entry the log identifies, else an unknown processor (diagnose.h).
 *
 * The log's own lines decide which identification applies: a Xen dump is judged with Xen's
 * "(XEN) CPU Vendor:" line (or a dom0 cpuinfo), a KVM or QEMU dump with the kernel's lines.
 * A kernel (or Xen) that runs under a hypervisor sees a virtual CPU whose VMX capabilities the
 * host chose: no capsdb entry of the model describes them, whatever its signature.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose.h"

const char *caps_source_name(unsigned source)
{
	static const char *const names[] = {"option", "log-signature", "log-family-model",
	                                    "unknown-processor"};

	return source < 4 ? names[source] : "?";
}

static const char *how_text(unsigned how)
{
	static const char *const names[] = {"boot line", "microcode line", "Xen boot line",
	                                    "/proc/cpuinfo", "lscpu"};

	return how < 5 ? names[how] : "line";
}

static bool same_sig(const struct dump_cpu_id *a, const struct dump_cpu_id *b)
{
	return a->family == b->family && a->model == b->model && a->stepping == b->stepping;
}

/* The identification that applies to d, or NULL; *several: the log names other processors. */
static const struct dump_cpu_id *pick_id(const struct dump *d, const struct dump_facts *f,
                                         bool *several)
{
	const struct dump_cpu_id *best = NULL, *first = NULL;
	bool xen = d->format == DUMP_FMT_XEN;

	*several = false;
	for (int pass = 0; pass < 2 && !first; pass++) {
		/* Xen dumps: Xen's own line first, then a dom0 kernel's. */
		uint8_t origin = (uint8_t)(xen && pass == 0 ? DUMP_ORIGIN_XEN : DUMP_ORIGIN_KERNEL);

		if (!xen && pass == 1)
			break;
		for (size_t i = 0; i < f->n_ids; i++) {
			const struct dump_cpu_id *id = &f->ids[i];

			if (id->origin != origin)
				continue;
			if (!first)
				first = id;
			else if (!same_sig(first, id))
				*several = true;
			if (id->line < d->first_line)
				best = id;
		}
	}
	if (!first)
		return NULL;
	return best ? best : first;
}

/* The line that shows a hypervisor most directly ("Hypervisor detected" before a DMI name). */
static const struct dump_hv *pick_hv(const struct dump *d, const struct dump_facts *f)
{
	uint8_t origin = d->format == DUMP_FMT_XEN ? DUMP_ORIGIN_XEN : DUMP_ORIGIN_KERNEL;
	const struct dump_hv *best = NULL;

	for (size_t i = 0; i < f->n_hv; i++)
		if (f->hv[i].origin == origin && (!best || f->hv[i].how < best->how))
			best = &f->hv[i];
	return best;
}

static void sig_text(char *buf, size_t n, const struct dump_cpu_id *id)
{
	snprintf(buf, n, "%02X_%02X_%X (family %d, model %d, stepping %d)", (unsigned)id->family,
	         (unsigned)id->model, (unsigned)id->stepping, id->family, id->model, id->stepping);
}

void processor_choose(const struct dump *d, const struct dump_facts *facts,
                      const struct vmx_caps *option_caps, const char *option_name,
                      caps_matcher match, void *match_ctx, struct processor *out)
{
	const struct dump_cpu_id *id;
	const struct dump_hv *hv;
	struct caps_match *m = NULL;
	bool several;
	char sig[64];

	memset(out, 0, sizeof(*out));
	out->source = CAPS_SRC_UNKNOWN;
	id = pick_id(d, facts, &several);
	hv = pick_hv(d, facts);
	if (id) {
		out->have_id = true;
		out->id = *id;
		sig_text(sig, sizeof(sig), id);
	}
	if (hv) {
		out->under_hv = true;
		out->hv = *hv;
	}
	if (option_caps) {
		out->source = CAPS_SRC_OPTION;
		out->caps = *option_caps;
		snprintf(out->name, sizeof(out->name), "%s", option_name);
		snprintf(out->why, sizeof(out->why), "%s, named by --caps", option_name);
		return;
	}
	if (hv) {
		snprintf(out->why, sizeof(out->why),
		         "unknown: line %u shows %s running under a hypervisor (\"%s\"), so the "
		         "processor is a virtual CPU whose VMX capabilities the host chose%s%s%s",
		         hv->line, d->format == DUMP_FMT_XEN ? "Xen" : "the kernel", hv->text,
		         id ? "; the signature the log shows (" : "", id ? sig : "",
		         id ? ") does not tell them" : "");
		return;
	}
	if (!id) {
		snprintf(
		    out->why, sizeof(out->why),
		    "unknown: the log does not identify the processor (no boot, microcode, Xen "
		    "CPU, cpuinfo or lscpu line); checks that depend on its capabilities are "
		    "decided only by evidence in the log");
		return;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		abort();
	if (!match || !match(match_ctx, id, m)) {
		snprintf(out->why, sizeof(out->why),
		         "unknown: line %u (%s) identifies %s%s%s%s, which no capsdb entry "
		         "describes",
		         id->line, how_text(id->how), sig, id->brand[0] ? " \"" : "", id->brand,
		         id->brand[0] ? "\"" : "");
		free(m);
		return;
	}
	out->source = (uint8_t)(m->exact ? CAPS_SRC_SIGNATURE : CAPS_SRC_FAMILY_MODEL);
	snprintf(out->name, sizeof(out->name), "%s", m->name);
	out->caps = m->caps;
	if (m->exact) {
		bool other = id->brand[0] && m->brand[0] && !m->same_brand;

		snprintf(out->why, sizeof(out->why),
		         "%s, identified by line %u (%s: %s%s%s%s): the capsdb entry of that "
		         "signature%s%s%s",
		         m->name, id->line, how_text(id->how), sig, id->brand[0] ? ", \"" : "",
		         id->brand, id->brand[0] ? "\"" : "",
		         other ? " (another model of it: \"" : "", other ? m->brand : "",
		         other ? "\")" : "");
	} else
		snprintf(out->why, sizeof(out->why),
		         "%s, assumed: line %u (%s) identifies %s, and no capsdb entry has that "
		         "stepping; this entry of the same family and model (stepping %d) is "
		         "assumed to have the same VMX capabilities",
		         m->name, id->line, how_text(id->how), sig, m->stepping);
	if (several) {
		size_t k = strlen(out->why);

		snprintf(out->why + k, sizeof(out->why) - k,
		         "; the log names other processors too, this one is the nearest before the "
		         "dump");
	}
	free(m);
}
