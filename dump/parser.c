/*
 * parser.c -- the dump parser's state machine: which logical line opens a dump, belongs to the
 * open one or describes it (the log's verdict), and when a dump is complete and handed over.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "vmcs_ids.h"

__attribute__((format(printf, 6, 0))) static void vnote(struct dump_msg *arr, size_t *n, size_t cap,
                                                        size_t *dropped, unsigned line,
                                                        const char *fmt, va_list ap)
{
	if (*n >= cap) {
		(*dropped)++;
		return;
	}
	arr[*n].line = line;
	vsnprintf(arr[*n].text, sizeof(arr[*n].text), fmt, ap);
	/* Messages quote the log: keep them printable ASCII (JSON needs valid UTF-8). */
	for (char *c = arr[*n].text; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
	(*n)++;
}

void note(struct dump *d, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(d->notes, &d->n_notes, DUMP_MAX_NOTES, &d->notes_dropped, line, fmt, ap);
	va_end(ap);
}

void warn(struct dump *d, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(d->warnings, &d->n_warnings, DUMP_MAX_WARNINGS, &d->warnings_dropped, line, fmt, ap);
	va_end(ap);
}

void gnote(struct dump_parser *p, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(p->global, &p->n_global, sizeof(p->global) / sizeof(p->global[0]), &p->global_dropped,
	      line, fmt, ap);
	va_end(ap);
}

const char *dump_format_name(unsigned fmt)
{
	static const char *const names[] = {"kvm", "xen", "qemu"};

	return fmt < 3 ? names[fmt] : "?";
}

void set_field(struct dump *d, int id, uint64_t v, unsigned line, unsigned col)
{
	const struct vmcs_field_info *f;
	unsigned bits;

	if (id < 0)
		return;
	f = vmcs_field_at((size_t)id);
	bits = vmcs_width_bits(f->width);
	if (bits < 64 && (v >> bits) != 0) {
		warn(d, line, "%s = 0x%llx does not fit its %u bits; not used", f->name,
		     (unsigned long long)v, bits);
		return;
	}
	if (d->vmcs.known[id]) {
		if (d->vmcs.value[id] != v)
			warn(d, line,
			     "%s shown again with another value (0x%llx; line %u showed 0x%llx); "
			     "the first is used",
			     f->name, (unsigned long long)v, d->field_line[id],
			     (unsigned long long)d->vmcs.value[id]);
		return;
	}
	d->vmcs.value[id] = v;
	d->vmcs.known[id] = 1;
	d->shown[id] = 1;
	d->field_line[id] = line;
	d->field_col[id] = (uint16_t)(col > 65535 ? 65535 : col);
	d->n_shown++;
}

void set_field_at(struct dump *d, int id, uint64_t v, const struct msg *m, size_t off)
{
	unsigned line, col;

	msg_pos(m, off, &line, &col);
	set_field(d, id, v, line, col);
}

void infer_field(struct dump *d, int id, uint64_t v, unsigned line, const char *why)
{
	if (d->vmcs.known[id] || line == 0)
		return;
	d->vmcs.value[id] = v;
	d->vmcs.known[id] = 1;
	d->field_line[id] = line;
	d->field_col[id] = 1;
	note(d, line, "%s = %llu inferred: %s", vmcs_field_at((size_t)id)->name,
	     (unsigned long long)v, why);
}

/* ---- dumps: opening, completing, handing over ---- */

static void emit(struct dump_parser *p, struct dump *d)
{
	if (d && p->sink)
		p->sink(d, p->ctx);
}

/* What every KVM or Xen dump implies once it is complete: counts, truncation, limits. */
static void finish_kvm_xen(struct dump_parser *p, struct dump *d)
{
	struct state *st = &p->st;

	if (d->format == DUMP_FMT_KVM)
		kvm_finish(p, d);
	else
		xen_finish(p, d);
	/* The lists that were printed give their counts. */
	if (st->list_seen[LIST_ENTRY_LOAD]) {
		unsigned n = st->list_n[LIST_ENTRY_LOAD];

		infer_field(d, VMCS_VM_ENTRY_MSR_LOAD_COUNT, n, st->list_line[LIST_ENTRY_LOAD],
		            "the number of entries in the guest autoload list");
		if (n <= DUMP_MAX_MSRS) {
			d->env.msr_load_known = true;
			d->env.n_msr_load = n;
		}
	} else if (d->vmcs.known[VMCS_VM_ENTRY_MSR_LOAD_COUNT] &&
	           d->vmcs.value[VMCS_VM_ENTRY_MSR_LOAD_COUNT] == 0) {
		d->env.msr_load_known = true;
		d->env.n_msr_load = 0;
	}
	if (st->list_seen[LIST_EXIT_STORE])
		infer_field(d, VMCS_VM_EXIT_MSR_STORE_COUNT, st->list_n[LIST_EXIT_STORE],
		            st->list_line[LIST_EXIT_STORE],
		            "the number of entries in the autostore list");
	if (st->list_seen[LIST_EXIT_LOAD])
		infer_field(d, VMCS_VM_EXIT_MSR_LOAD_COUNT, st->list_n[LIST_EXIT_LOAD],
		            st->list_line[LIST_EXIT_LOAD],
		            "the number of entries in the host autoload list");
	if (st->started_late) {
		const char *sec = st->late_sec == SEC_GUEST  ? "Guest"
		                  : st->late_sec == SEC_HOST ? "Host"
		                                             : "Control";

		d->truncated = true;
		if (st->late_headless)
			note(d, d->first_line,
			     "the dump's beginning is not in the log: it starts at line %u, inside "
			     "its %s State",
			     d->first_line, sec);
		else
			note(d, d->first_line,
			     "the dump's beginning is not in the log: it starts at the %s State "
			     "header of line %u",
			     sec, d->first_line);
	} else if (!st->hdr_line[SEC_CTRL] || !st->ctrl_lines) {
		d->truncated = true;
		note(d, d->last_line,
		     "the dump ends at line %u before its Control State: the controls are unknown",
		     d->last_line);
	} else if (!st->hdr_line[SEC_HOST]) {
		d->truncated = true;
		note(d, d->last_line, "the dump has no Host State section: host state is unknown");
	}
	note(d, d->first_line,
	     "%s dumps do not show VMCS_LINK_POINTER, the I/O- and MSR-bitmap addresses or the "
	     "MSR-area addresses: checks that need them cannot be decided",
	     d->format == DUMP_FMT_KVM ? "KVM" : "Xen");
}

static void complete_open(struct dump_parser *p)
{
	struct dump *d = p->open;

	if (!d)
		return;
	p->open = NULL;
	if (d->format == DUMP_FMT_QEMU)
		qemu_finish(d);
	else
		finish_kvm_xen(p, d);
	verdict_from_reason_field(d);
	/* 64-bit host code means VMLAUNCH ran in IA-32e mode. */
	if (d->vmcs.known[VMCS_HOST_RIP]) {
		d->env.ia32e_mode = (d->vmcs.value[VMCS_HOST_RIP] >> 32) != 0;
		d->mode_from_dump = true;
	}
	if (d->n_shown < 3) {
		gnote(p, d->first_line,
		      "a dump header at line %u is followed by no values: not diagnosed",
		      d->first_line);
		p->ndumps--;
		return;
	}
	if (d->env.msr_load_known)
		d->env.msr_load = d->msr_load;
	emit(p, p->held);
	p->held = d;
}

static void open_dump(struct dump_parser *p, unsigned fmt, unsigned line)
{
	struct dump *d;

	complete_open(p);
	d = (p->held == &p->store[0]) ? &p->store[1] : &p->store[0];
	memset(d, 0, sizeof(*d));
	memset(&p->st, 0, sizeof(p->st));
	d->index = ++p->ndumps;
	d->format = (uint8_t)fmt;
	d->first_line = d->last_line = line;
	d->observed.instruction = -1;
	d->env.instruction = VMENTRY_VMLAUNCH;
	d->env.launch_state = LAUNCH_STATE_CLEAR;
	d->env.ia32e_mode = true;
	d->env.values_read_back = true; /* the hypervisor printed what VMREAD returned */
	p->st.last_recognized = line;
	if (fmt == DUMP_FMT_XEN && p->xen_context[0] && line - p->xen_context_line < 8)
		snprintf(p->st.context, sizeof(p->st.context), "%s", p->xen_context);
	p->open = d;
	if (p->pending.kind != VERDICT_NONE && (p->pending_fmts & FMT_BIT(fmt)) &&
	    line - p->pending.line <= DUMP_CONTEXT_LINES) {
		attach_verdict(d, &p->pending);
		p->pending.kind = VERDICT_NONE;
	}
}

struct dump_parser *dump_parser_new(dump_sink sink, void *ctx)
{
	struct dump_parser *p = calloc(1, sizeof(*p));

	if (!p)
		abort();
	p->sink = sink;
	p->ctx = ctx;
	p->facts_only = sink == NULL;
	return p;
}

void dump_parser_free(struct dump_parser *p)
{
	free(p);
}

size_t dump_parser_global_count(const struct dump_parser *p)
{
	return p->n_global;
}

const struct dump_msg *dump_parser_global(const struct dump_parser *p, size_t i)
{
	return i < p->n_global ? &p->global[i] : NULL;
}

size_t dump_parser_dumps(const struct dump_parser *p)
{
	return p->ndumps;
}

const struct dump_facts *dump_parser_facts(const struct dump_parser *p)
{
	return &p->facts;
}

const struct dump_verdict *dump_parser_first_verdict(const struct dump_parser *p)
{
	return p->first_verdict.kind != VERDICT_NONE ? &p->first_verdict : NULL;
}

/* Lines that do not belong to the open dump: kept until a dump line shows they were inside. */
static void unrecognized(struct dump_parser *p, const struct msg *m, bool malformed)
{
	struct state *st = &p->st;

	if (st->n_unrec >= MAX_UNREC) {
		/* The dump ended at its last recognized line. */
		p->open->last_line = st->last_recognized;
		complete_open(p);
		return;
	}
	st->unrec[st->n_unrec].line = m->line;
	st->unrec[st->n_unrec].malformed = malformed;
	quote(st->unrec[st->n_unrec].text, sizeof(st->unrec[0].text), m->s, m->n);
	st->n_unrec++;
}

static void recognized(struct dump_parser *p, const struct msg *m)
{
	struct state *st = &p->st;
	struct dump *d = p->open;

	for (int i = 0; i < st->n_unrec; i++) {
		if (st->unrec[i].malformed)
			warn(d, st->unrec[i].line, "cannot parse this dump line (ignored): '%s'",
			     st->unrec[i].text);
		else
			note(d, st->unrec[i].line,
			     "a line that is not part of the dump stands inside it (ignored): '%s'",
			     st->unrec[i].text);
	}
	st->n_unrec = 0;
	st->last_recognized = m->last;
	d->last_line = m->last;
}

/*
 * A line only a KVM or Xen dump prints, in the section it belongs to: the VM-exit line of the
 * Control State ("VMExit: intr_info=... errcode=... ilen=..."), or a segment line of the Guest
 * State ("LDTR: sel=0x0000, attr=0x00082, ...", "GDTR:            limit=0x..., base=0x...").
 */
static bool headless_start(const struct msg *m, unsigned *sec)
{
	static const char *const segs[] = {
	    "ES:", "CS:", "SS:", "DS:", "FS:", "GS:", "TR:", "LDTR:", "GDTR:", "IDTR:"};
	size_t i;

	if (starts(m->s, m->n, "VMExit: intr_info=") && find(m->s, m->n, "ilen=") != NOT_FOUND) {
		*sec = SEC_CTRL;
		return true;
	}
	for (size_t k = 0; k < sizeof(segs) / sizeof(segs[0]); k++) {
		if (!starts(m->s, m->n, segs[k]))
			continue;
		i = skip_sp(m->s, m->n, strlen(segs[k]));
		if (starts(m->s + i, m->n - i, "sel=0x") ||
		    starts(m->s + i, m->n - i, "limit=0x")) {
			*sec = SEC_GUEST;
			return true;
		}
	}
	return false;
}

/* Lines that open a dump; true when m was such a line and is consumed. */
static bool dump_start(struct dump_parser *p, const struct msg *m)
{
	unsigned sec;

	if (m->foreign)
		return false;
	if (xen_banner(m) && find(m->s, m->n, "VMCS Areas") == NOT_FOUND) {
		open_dump(p, DUMP_FMT_XEN, m->line);
		recognized(p, m);
		return true;
	}
	if (!m->xen && kvm_is_header(m->s, m->n)) {
		open_dump(p, DUMP_FMT_KVM, m->line);
		p->st.version = 3; /* the header line came with Linux 5.14 */
		p->st.kvm_header = true;
		recognized(p, m);
		return true;
	}
	if (is_section_header(m->s, m->n, &sec)) {
		unsigned fmt = m->xen ? DUMP_FMT_XEN : DUMP_FMT_KVM;
		struct dump *d = p->open;

		if (sec == SEC_GUEST && (!d || d->format != fmt || p->st.section != SEC_NONE)) {
			open_dump(p, fmt, m->line);
		} else if (sec != SEC_GUEST && (!d || d->format != fmt)) {
			/* A log that shows only the end of a dump (a search excerpt). */
			open_dump(p, fmt, m->line);
			p->st.started_late = true;
			p->st.late_sec = sec;
		}
	} else if (qemu_start(m)) {
		open_dump(p, DUMP_FMT_QEMU, m->line);
	} else if (!p->open && headless_start(m, &sec)) {
		/*
		 * A log that shows a KVM or Xen dump from its middle, where no section header
		 * stands (a console cut to its tail, a copy that starts lower): from a line only a
		 * dump prints.
		 */
		open_dump(p, m->xen ? DUMP_FMT_XEN : DUMP_FMT_KVM, m->line);
		p->st.started_late = p->st.late_headless = true;
		p->st.late_sec = p->st.section = sec;
	}
	return false;
}

/* Xen's rate limit drops lines: a dump it cuts is named as cut. */
static bool suppressed_line(struct dump_parser *p, const struct msg *m)
{
	size_t i = 8;
	uint64_t n;

	if (!m->xen || !starts(m->s, m->n, "printk: ") ||
	    find(m->s, m->n, "messages suppressed") == NOT_FOUND)
		return false;
	if (p->open && p->open->format == DUMP_FMT_XEN && parse_num(m->s, m->n, &i, &n)) {
		p->open->truncated = true;
		warn(p->open, m->line,
		     "Xen dropped %llu messages here (printk rate limit): the dump is cut after "
		     "line %u",
		     (unsigned long long)n, p->st.last_recognized);
	}
	return true;
}

/* A line of the open dump; true when it was one. */
static bool dump_body(struct dump_parser *p, const struct msg *m)
{
	struct dump *d = p->open;
	bool handled = false;

	if (!d)
		return false;
	if (d->format == DUMP_FMT_QEMU)
		handled = !m->xen && qemu_line(p, d, m);
	else if ((d->format == DUMP_FMT_XEN) == m->xen)
		handled = kx_line(p, d, m);
	if (!handled)
		return false;
	recognized(p, m);
	if (d->format == DUMP_FMT_XEN && p->st.xen_closed)
		complete_open(p);
	else if (d->format == DUMP_FMT_QEMU && starts(m->s, m->n, "Code="))
		complete_open(p);
	return true;
}

/* A line of what the log says happened; true when it was one. */
static bool verdict_line(struct dump_parser *p, const struct msg *m)
{
	struct dump_verdict v;
	uint8_t fmts;
	bool back, attached = false;

	for (size_t i = 0; i < m->n; i++)
		p->lc[i] = lower(m->s[i]);
	if (!detect_verdict(m, p->lc, &v, &fmts, &back))
		return false;
	if (p->first_verdict.kind == VERDICT_NONE)
		p->first_verdict = v;
	/* Xen's "Instruction Error N" completes its "VMLAUNCH Failure, VMCS valid". */
	if (v.kind == VERDICT_VMFAIL_VALID && v.instruction < 0 &&
	    p->pending.kind == VERDICT_VMFAIL_VALID && p->pending.vm_error == 0 &&
	    p->pending.instruction >= 0 && m->line - p->pending.line <= 2) {
		p->pending.vm_error = v.vm_error;
		return true;
	}
	if (p->open) {
		/* A line that only describes what follows belongs to the open dump only while
		 * that has shown nothing yet. */
		if ((fmts & FMT_BIT(p->open->format)) && (back || p->st.section == SEC_NONE)) {
			attach_verdict(p->open, &v);
			attached = true;
		}
	} else if (back && p->held && (fmts & FMT_BIT(p->held->format)) &&
	           m->line - p->held->last_line <= DUMP_CONTEXT_LINES &&
	           p->held->observed.source != VSRC_MESSAGE) {
		attach_verdict(p->held, &v);
		attached = true;
	}
	/* Kept for a dump that follows: QEMU prints its register dump after the line. */
	p->pending = v;
	p->pending_fmts = attached ? (uint8_t)(fmts & FMT_BIT(DUMP_FMT_QEMU)) : fmts;
	return true;
}

void parser_logical(struct dump_parser *p, const struct msg *m)
{
	facts_line(p, m);
	if (p->facts_only)
		return;
	/* A dump kept for verdicts that may follow it is handed over when they can no longer. */
	if (p->held && m->line > p->held->last_line + DUMP_CONTEXT_LINES && !p->open) {
		emit(p, p->held);
		p->held = NULL;
	}
	if (dump_start(p, m))
		return;
	xen_context_line(p, m);
	if (dump_body(p, m) || suppressed_line(p, m))
		return;
	if (!p->hint_dump_invalid && memchr(m->s, '=', m->n) &&
	    find(m->s, m->n, "dump_invalid_vmcs=1 to dump") != NOT_FOUND) {
		p->hint_dump_invalid = true;
		gnote(p, m->line,
		      "KVM did not dump the VMCS: load kvm_intel with dump_invalid_vmcs=1 "
		      "(/sys/module/kvm_intel/parameters/dump_invalid_vmcs) to get the dump");
	}
	/* Xen names the MSR-load entry that failed on the line after its verdict. */
	if (m->xen && starts(m->s, m->n, "msr ") && p->pending.kind == VERDICT_ENTRY_FAILURE &&
	    p->pending.exit_reason == 34 && m->line == p->pending.line + 1 &&
	    find(m->s, m->n, " val ") != NOT_FOUND) {
		size_t k = strlen(p->pending.text);

		if (k + 3 < sizeof(p->pending.text)) {
			memcpy(p->pending.text + k, "; ", 3);
			quote(p->pending.text + k + 2, sizeof(p->pending.text) - k - 2, m->s, m->n);
		}
		return;
	}
	if (verdict_line(p, m))
		return;
	if (p->open && m->n > 0) {
		bool malformed = false;

		if (p->open->format == DUMP_FMT_QEMU) {
			size_t i = 0;

			while (i < m->n && i < 6 &&
			       ((m->s[i] >= 'A' && m->s[i] <= 'Z') || is_dig(m->s[i])))
				i++;
			i = skip_sp(m->s, m->n, i);
			malformed = i > 1 && i < m->n && m->s[i] == '=';
		} else if ((p->open->format == DUMP_FMT_XEN) == m->xen && !m->foreign) {
			struct kvline L;

			tokenize(m, &L);
			malformed = kx_known_anywhere(&L);
		}
		unrecognized(p, m, malformed);
	}
}

void dump_parser_line(struct dump_parser *p, unsigned lineno, const char *s, size_t n)
{
	if (n > DUMP_MAX_LINE)
		n = DUMP_MAX_LINE; /* the readers never pass more; the joiner's buffers hold this */
	joiner_line(&p->join, p, lineno, s, n);
}

void dump_parser_long_line(struct dump_parser *p, unsigned lineno, size_t len)
{
	joiner_flush(&p->join, p);
	if (p->facts_only)
		return;
	if (p->open)
		warn(p->open, lineno, "line %u is %zu bytes long (more than %d): skipped", lineno,
		     len, DUMP_MAX_LINE);
	else
		gnote(p, lineno, "line %u is %zu bytes long (more than %d): skipped", lineno, len,
		      DUMP_MAX_LINE);
}

void dump_parser_finish(struct dump_parser *p)
{
	joiner_flush(&p->join, p);
	if (p->facts_only)
		return;
	if (p->open && p->st.n_unrec) {
		p->open->last_line = p->st.last_recognized;
		p->st.n_unrec = 0;
	}
	complete_open(p);
	emit(p, p->held);
	p->held = NULL;
	if (p->global_dropped)
		gnote(p, 0, "%zu more messages not shown", p->global_dropped);
}
