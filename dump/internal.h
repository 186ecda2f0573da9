/*
 * internal.h -- what the files of dump/ share: text helpers, logical lines, the parser state and
 * the per-format line readers.  Not installed; the public interface is dump.h.
 */
#ifndef DUMP_INTERNAL_H
#define DUMP_INTERNAL_H

#include <stdarg.h>

#include "dump.h"

/* ---- text helpers (dump/text.c); the input is never NUL-terminated ---- */

bool is_sp(char c);
bool is_dig(char c);
int hexval(char c);
char lower(char c);
size_t skip_sp(const char *s, size_t n, size_t i);
bool starts(const char *s, size_t n, const char *lit);
bool starts_ci(const char *s, size_t n, const char *lit);
/* Offset of lit in s[0..n), or (size_t)-1. */
size_t find(const char *s, size_t n, const char *lit);
#define NOT_FOUND ((size_t)-1)
/* Hex digits at s[*i] (optional 0x); false when none or more than 16. */
bool parse_hex(const char *s, size_t n, size_t *i, uint64_t *out);
/* A number as logs print it: 0x... hex, else decimal. */
bool parse_num(const char *s, size_t n, size_t *i, uint64_t *out);
/* s[0..n) into dst as printable ASCII (for messages quoting the log), "..." when cut. */
void quote(char *dst, size_t cap, const char *s, size_t n);
/* Whether two keys are equal ignoring case and runs of blanks. */
bool key_eq(const char *a, const char *b);
/* Whether the line (after its log prefix) is a cpuinfo, lscpu or boot line of dump/facts.c. */
bool facts_line_start(const char *s, size_t n);
/* The names of a "vmx flags" value (v, vn) from line into *out (vmx_flags.c). */
void vmx_flags_parse(const char *v, size_t vn, unsigned line, struct dump_vmx_flags *out);

/* ---- one log line without its prefixes (dump/prefix.c) ---- */

struct raw {
	const char *s; /* the message after quote markers and log prefixes */
	size_t n;
	size_t off;      /* its offset in the raw line */
	uint8_t quote;   /* depth of mail quoting ("> ", ">>>> ") */
	bool prefixed;   /* a log prefix was removed (timestamp, syslog, "(XEN)", ...) */
	bool xen;        /* "(XEN)" */
	bool trace;      /* a trace-cmd record header ("CPU 0/KVM-251862 [019] ...: bprint:") */
	bool ends_blank; /* the raw line ended with a blank (a format=flowed soft break) */
	bool blank;      /* nothing but prefixes and quote markers */
};

/*
 * Splits a raw line into quote markers, log prefixes and the message.  buf receives the line
 * with every NBSP (UTF-8 C2 A0) as two blanks, so offsets stay those of the raw line; it must
 * hold n bytes.
 */
void prefix_split(const char *line, size_t n, char *buf, struct raw *r);

/* ---- logical lines: one printed line put back together (dump/lines.c) ---- */

#define MSG_MAX_SEGS 12

struct seg {
	size_t at;     /* offset in the logical line where the piece starts */
	unsigned line; /* its line in the log */
	size_t col0;   /* the 0-based column of that offset in the raw line */
};

struct msg {
	const char *s; /* the message, after prefixes, with wrapped pieces joined */
	size_t n;
	bool xen;
	bool from_trace; /* from a trace-cmd record */
	bool foreign;    /* a trace-cmd record of a function that is not part of the dump */
	unsigned line;   /* its first line */
	unsigned last;   /* its last line */
	size_t nseg;
	struct seg seg[MSG_MAX_SEGS];
};

/* Line and 1-based column in the log of offset off of a logical line. */
void msg_pos(const struct msg *m, size_t off, unsigned *line, unsigned *col);

struct joiner {
	char buf[DUMP_MAX_LINE + 1]; /* the logical line being assembled */
	char tmp[DUMP_MAX_LINE + 1]; /* the current raw line, NBSPs replaced */
	struct msg m;
	bool have; /* m holds a line not handed over yet */
	bool prefixed, trace, joinable, ends_blank;
	uint8_t quote;
};

/* Hands over finished logical lines to the parser (dump/parser.c). */
struct dump_parser;
void parser_logical(struct dump_parser *p, const struct msg *m);
void joiner_line(struct joiner *j, struct dump_parser *p, unsigned lineno, const char *s, size_t n);
void joiner_flush(struct joiner *j, struct dump_parser *p);

/* ---- "Key=value" lines of KVM and Xen (dump/kx.c) ---- */

enum section { SEC_NONE = 0, SEC_GUEST = 1, SEC_HOST = 2, SEC_CTRL = 4 };

#define KV_MAX 12

struct kv {
	char key[40];
	uint64_t v, v2;
	bool ok, has_v2;
	bool cut;     /* dropped: the line was cut after it */
	size_t at;    /* offset of the value in the logical line */
	char ann[32]; /* "(...)" after the value */
};

struct kvline {
	char label[32];
	bool has_label;
	int n;
	struct kv kv[KV_MAX];
	const char *rest; /* text after the label when it has no pairs */
	size_t restn;
	size_t rest_at;
};

void tokenize(const struct msg *m, struct kvline *L);
/* Guest segment fields by segment (ES CS SS DS FS GS LDTR TR) and the names of the segments. */
extern const int seg_sel[8], seg_ar[8], seg_limit[8], seg_base[8];
int seg_index(const char *name);
const char *seg_name(int seg);
int dt_index(const char *name); /* 0 GDTR, 1 IDTR, -1 */
bool kx_known_anywhere(const struct kvline *L);
/* Hex words separated by blanks (Xen's segment table); their offsets go to where[]. */
int hex_words(const char *s, size_t n, size_t at, uint64_t *w, size_t *where, int max);
bool is_section_header(const char *s, size_t n, unsigned *sec);
/* Whether a line begins the way some line of a KVM, Xen or QEMU dump begins. */
bool dump_line_start(const char *s, size_t n);

/* ---- the parser ---- */

enum list_kind { LIST_NONE, LIST_ENTRY_LOAD, LIST_EXIT_STORE, LIST_EXIT_LOAD };

#define MAX_UNREC 8

struct unrec {
	unsigned line;
	bool malformed;
	char text[72];
};

/* What the parser knows about the dump it is reading. */
struct state {
	unsigned section;
	int list;
	unsigned list_n[4];
	bool list_seen[4];
	unsigned list_line[4];
	unsigned hdr_line[8]; /* by section bit */
	bool efer_seen, efer_new_style, efer_old_style;
	int version; /* evidence of the KVM version, see kvm_variant() */
	bool xen_closed, xen_table, ctrl_lines;
	bool started_late;  /* the dump's first line in the log is not its first */
	unsigned late_sec;  /* then the section it starts in */
	bool late_headless; /* ... and at a line of that section, not at its header */
	bool kvm_header; /* the dump opened with KVM's "VMCS ..., last attempted VM-entry" line */
	unsigned cr3_targets;
	unsigned last_recognized;
	int n_unrec;
	struct unrec unrec[MAX_UNREC];
	char context[48]; /* Xen 'v' key: "d3v0" */
};

/* Lines that describe the processor, being collected (dump/facts.c). */
struct facts_state {
	/* a cpuinfo or lscpu block: its fields as they come */
	int family, model, stepping;
	char vendor[16], brand[80];
	unsigned line;
	bool lscpu;
};

struct dump_parser {
	dump_sink sink;
	void *ctx;
	bool facts_only;
	struct dump store[2];
	struct state st; /* of the open dump */
	struct dump *open, *held;
	unsigned ndumps;
	struct dump_verdict pending;
	struct dump_verdict first_verdict; /* the log's first outcome line (kind NONE: none) */
	uint8_t pending_fmts; /* formats the pending verdict may belong to (bit per format) */
	char xen_context[48];
	unsigned xen_context_line;
	size_t n_global, global_dropped;
	struct dump_msg global[16];
	bool hint_dump_invalid;
	struct dump_facts facts;
	struct facts_state fs;
	struct joiner join;
	char lc[DUMP_MAX_LINE + 1]; /* the current logical line in lower case */
};

#define FMT_BIT(f) (1u << (f))

void note(struct dump *d, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void warn(struct dump *d, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void gnote(struct dump_parser *p, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets a field the dump shows; the first value wins when a dump shows a field twice. */
void set_field(struct dump *d, int id, uint64_t v, unsigned line, unsigned col);
/* The same at offset off of logical line m. */
void set_field_at(struct dump *d, int id, uint64_t v, const struct msg *m, size_t off);
/* A value the dump does not show but its printing rules imply, attributed to a line. */
void infer_field(struct dump *d, int id, uint64_t v, unsigned line, const char *why);

/* Per-format readers: true when the line belongs to the dump. */
bool kx_line(struct dump_parser *p, struct dump *d, const struct msg *m);
bool qemu_line(struct dump_parser *p, struct dump *d, const struct msg *m);
bool qemu_start(const struct msg *m);
bool kvm_is_header(const char *s, size_t n);
void kvm_efer(struct dump_parser *p, struct dump *d, const struct kvline *L, const struct kv *kv,
              const struct msg *m);
bool kvm_msr_list_label(const char *label, int *kind);
void kvm_msr_entry(struct dump_parser *p, struct dump *d, const struct kvline *L,
                   const struct msg *m);
void kvm_finish(struct dump_parser *p, struct dump *d);
bool xen_banner(const struct msg *m);
void xen_context_line(struct dump_parser *p, const struct msg *m);
void xen_finish(struct dump_parser *p, struct dump *d);
void qemu_finish(struct dump *d);
/* Whether the seg/dt table line of Xen was read (values set); false when not such a line. */
bool xen_table_line(struct dump_parser *p, struct dump *d, const struct kvline *L,
                    const struct msg *m);

/* The verdict lines (dump/verdict.c). */
bool detect_verdict(const struct msg *m, const char *lc, struct dump_verdict *v, uint8_t *formats,
                    bool *back);
void attach_verdict(struct dump *d, const struct dump_verdict *v);
/* The verdict the dump's own VM-exit reason field gives, when no message gave one. */
void verdict_from_reason_field(struct dump *d);

/* Lines about the processor (dump/facts.c). */
void facts_line(struct dump_parser *p, const struct msg *m);

#endif /* DUMP_INTERNAL_H */
