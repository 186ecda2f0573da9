/*
 * dump.h -- reading VMCS dumps out of logs: Linux KVM's dump_vmcs() (dmesg, journalctl -k,
 * syslog, trace-cmd copies; kernels since 4.3), Xen's vmcs_dump_vcpu() (`xl dmesg`) and QEMU's
 * register dump after "KVM: entry failed".  Hosted (stdio), used by `vmcslint diagnose`.
 *
 * A log is read line by line with bounded memory: the parser holds at most the dump being read
 * and the one before it (which may still receive the log's verdict from the lines after it).
 * Lines are first put back together the way the source printed them (dump/lines.c): mail
 * quoting, wrapping by a mail client or a tracer, NBSPs and log prefixes are undone, and every
 * value keeps the line and column it stands at in the log.  Every completed dump is handed to a
 * sink.  Fields a dump does not show stay unknown (known[i] = 0); nothing is guessed.  What the
 * mapping derives or assumes is recorded as a note with the line it comes from.
 *
 * The parser also collects what the log says about the processor it ran on (dump/facts.c):
 * boot lines that identify it, and lines that show the kernel or Xen running under a
 * hypervisor.  Such lines may stand after the dump, so `diagnose` reads a log twice.
 */
#ifndef DUMP_DUMP_H
#define DUMP_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vmcslint.h"

#define DUMP_MAX_LINE      16384 /* longer lines are skipped, with a warning naming them */
#define DUMP_MAX_MSRS      64    /* MSR-list entries kept per dump (KVM keeps at most 8) */
#define DUMP_MAX_NOTES     24
#define DUMP_MAX_WARNINGS  32
#define DUMP_MSG_MAX       240
#define DUMP_CONTEXT_LINES 40 /* how far from its dump a line of the log's verdict may stand */

enum dump_format { DUMP_FMT_KVM, DUMP_FMT_XEN, DUMP_FMT_QEMU };

/* What the log says happened to the VM entry. */
enum dump_verdict_kind {
	VERDICT_NONE = 0,
	VERDICT_SUCCESS,        /* the guest ran: a VM exit that is not an entry failure */
	VERDICT_ENTRY_FAILURE,  /* exit reason with bit 31 set (33, 34, 41) */
	VERDICT_VMFAIL_VALID,   /* VM-instruction error vm_error (0: not stated) */
	VERDICT_VMFAIL_INVALID, /* no current VMCS */
	VERDICT_NO_ERROR,       /* KVM says the entry failed, but with "hardware error 0x0" */
	VERDICT_NOT_VMX,        /* "hardware error" with no VMX meaning: AMD SVM's 0xffffffff */
	VERDICT_KVM_INTERNAL,   /* QEMU's "KVM internal error. Suberror: N" (full_reason = N) */
	VERDICT_REGS_REJECTED,  /* QEMU's "Failed to put registers after init": KVM refused them */
};

/* Where a verdict comes from: the dump's VM-exit reason field is weaker than a message. */
enum dump_verdict_source { VSRC_NONE = 0, VSRC_DUMP_FIELD, VSRC_MESSAGE };

struct dump_verdict {
	uint8_t kind;   /* enum dump_verdict_kind */
	uint8_t source; /* enum dump_verdict_source */
	uint16_t exit_reason;
	uint32_t full_reason;
	bool qual_known;
	uint64_t qualification;
	uint32_t vm_error;
	int8_t instruction; /* enum vmentry_instruction named by the log, -1 when not */
	unsigned line;
	char text[160]; /* the log's words */
};

struct dump_msg {
	unsigned line;
	char text[DUMP_MSG_MAX];
};

struct dump {
	unsigned index; /* 1-based, in log order */
	uint8_t format; /* enum dump_format */
	char variant[96];
	unsigned first_line, last_line;
	size_t n_shown;         /* fields whose value the dump shows */
	struct vmcs_state vmcs; /* known[] = shown or inferred; written[] left to the caller */
	uint8_t shown[VMCS_FIELD_CAPACITY]; /* printed by the dump (not inferred) */
	unsigned field_line[VMCS_FIELD_CAPACITY];
	uint16_t field_col[VMCS_FIELD_CAPACITY];
	struct vmentry_env env; /* env.msr_load points at msr_load when known */
	struct vmx_msr_entry msr_load[DUMP_MAX_MSRS];
	unsigned msr_load_line[DUMP_MAX_MSRS];
	/* Which parts of env come from the log (the rest is an assumption). */
	bool instruction_from_log, launch_state_from_log, mov_ss_from_log, mode_from_dump;
	struct dump_verdict observed;
	bool truncated;
	size_t n_notes, n_warnings, warnings_dropped, notes_dropped;
	struct dump_msg notes[DUMP_MAX_NOTES];
	struct dump_msg warnings[DUMP_MAX_WARNINGS];
};

/* ---- what the log says about the processor ---- */

/* Who printed a line: the Linux kernel (or a tool on it) or Xen ("(XEN)" lines). */
enum dump_origin { DUMP_ORIGIN_KERNEL = 0, DUMP_ORIGIN_XEN = 1 };

/* How a processor was identified. */
enum dump_id_how {
	ID_SMPBOOT,   /* "smpboot: CPU0: <brand> (family: 0x6, model: 0x6a, stepping: 0x6)" */
	ID_MICROCODE, /* "microcode: sig=0x606a6, pf=..., revision=..." */
	ID_XEN_CPU,   /* "(XEN) CPU Vendor: Intel, Family 6 (0x6), Model 85 (0x55), ..." */
	ID_CPUINFO,   /* /proc/cpuinfo: "cpu family : 6", "model : 106", "stepping : 6" */
	ID_LSCPU,     /* lscpu: "CPU family: 6", "Model: 63", "Stepping: 2" */
};

#define DUMP_MAX_IDS 8
#define DUMP_MAX_HV  4

struct dump_cpu_id {
	unsigned line;  /* where the identification is complete */
	uint8_t origin; /* enum dump_origin */
	uint8_t how;    /* enum dump_id_how */
	int family, model, stepping;
	char vendor[16]; /* "GenuineIntel", "" when not said */
	char brand[80];  /* "" when not said */
	char text[120];  /* the line, quoted */
};

/* How a line shows a hypervisor, the most direct first. */
enum dump_hv_how { HV_DETECTED, HV_PARAVIRT, HV_LSCPU, HV_FLAG, HV_DMI };

/* A line that shows the kernel (or Xen) running under a hypervisor. */
struct dump_hv {
	unsigned line;
	uint8_t origin;
	uint8_t how;   /* enum dump_hv_how */
	char name[40]; /* "KVM", "Microsoft Hyper-V", "" when the line does not name it */
	char text[120];
};

/* cpuinfo's "vmx flags" line: the allowed 1-settings its names prove (vmx_flags.c). */
struct dump_vmx_flags {
	unsigned line; /* 0: no such line */
	unsigned n;    /* names known */
	uint64_t allowed1[VMX_MSR__COUNT];
	char shown[96]; /* the first names */
};

struct dump_facts {
	size_t n_ids, ids_dropped;
	struct dump_cpu_id ids[DUMP_MAX_IDS]; /* one per origin and signature, in log order */
	size_t n_hv;
	struct dump_hv hv[DUMP_MAX_HV];
	/* cpuinfo "address sizes : 46 bits physical, 57 bits virtual" (0: not seen) */
	unsigned virt_bits, virt_bits_line;
	bool virt_bits_conflict;
	struct dump_vmx_flags vmx_flags; /* the first "vmx flags" line */
};

/* Called for every completed dump, in log order; d is valid only during the call. */
typedef void (*dump_sink)(const struct dump *d, void *ctx);

struct dump_parser;

/* A parser; sink NULL: collect only what the log says about the processor (a first pass). */
struct dump_parser *dump_parser_new(dump_sink sink, void *ctx);
void dump_parser_free(struct dump_parser *p);
/* One line (without its line end; a trailing CR is ignored), numbered from 1. */
void dump_parser_line(struct dump_parser *p, unsigned lineno, const char *s, size_t n);
/* A line longer than DUMP_MAX_LINE that was skipped. */
void dump_parser_long_line(struct dump_parser *p, unsigned lineno, size_t len);
/* End of input: completes and hands over the remaining dumps. */
void dump_parser_finish(struct dump_parser *p);

/* Messages about the log that belong to no dump (e.g. why no dump is there). */
size_t dump_parser_global_count(const struct dump_parser *p);
const struct dump_msg *dump_parser_global(const struct dump_parser *p, size_t i);
size_t dump_parser_dumps(const struct dump_parser *p);
/* The first outcome line of the log (a VM-entry failure, VMfail, ...), NULL when none. */
const struct dump_verdict *dump_parser_first_verdict(const struct dump_parser *p);
/* What the log said about its processor so far (all of it after dump_parser_finish()). */
const struct dump_facts *dump_parser_facts(const struct dump_parser *p);

struct dump_scan_stats {
	unsigned long long bytes;
	unsigned lines;
	unsigned long_lines;
	bool binary; /* NUL bytes seen */
};

/*
 * Reads f to its end in blocks and feeds the parser line by line (LF or CRLF line ends).  When
 * copy is not NULL every byte read is also written to it (a pipe read twice).  Returns false
 * with err set when reading or copying fails.
 */
bool dump_scan_stream(FILE *f, struct dump_parser *p, struct dump_scan_stats *st, FILE *copy,
                      char *err, size_t errlen);

const char *dump_format_name(unsigned fmt);

#endif /* DUMP_DUMP_H */
