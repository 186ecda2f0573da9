/*
 * probe.h -- the host side of vmx-probe: running configurations through the image under an
 * emulator (Bochs; QEMU/KVM on Intel hosts) and reading back what the processor did.  Hosted:
 * forks the emulator, writes a temporary directory.  The batch and report formats are
 * vmx-probe/protocol.h, which the image includes too; vmx-probe/README.md describes the whole
 * path.  The pieces: batch.h (the batch codec), emulator.h (Bochs and QEMU command lines, the
 * child process), results.h (the report lines), schedule.h (cases across boots), judge.h
 * (observation against prediction).
 */
#ifndef PROBE_PROBE_H
#define PROBE_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vmcslint.h"

enum probe_emulator { PROBE_EMU_BOCHS = 0, PROBE_EMU_QEMU_KVM };

#define PROBE_DEFAULT_BOCHS_MODEL "corei7_skylake_x"

struct probe_options {
	enum probe_emulator emulator;
	const char *bochs_model; /* cpu: model=...; NULL: PROBE_DEFAULT_BOCHS_MODEL */
	const char *image_dir;   /* where vmx-probe.elf/.bin, bochs-rom.bin are; NULL: found */
	const char *bochs;       /* the emulator binary; NULL: "bochs" / "qemu-system-x86_64" */
	const char *qemu;
	double timeout_s;        /* per boot; 0: 20 s + 20 ms per case */
	double idle_timeout_s;   /* no output for this long after the image began: the image is
	                          * stuck in a case (lost) and the boot ends; 0: 2 s */
	unsigned cases_per_boot; /* 0: 5000 */
	uint32_t timer;          /* VMX-preemption timer value bounding guests; 0: 0x100000 */
	bool full_readback;      /* VMREAD every field of the table, not only those written */
	bool keep_dir;           /* keep the temporary directory (its path in run->dir) with the
	                          * emulator's output (stdout-N.txt) and Bochs's log (bochs-N.log) */
	bool debug_log;          /* Bochs logs why each VM entry fails (error: action=report; the
	                          * log grows by ~6 KB per case); implied by keep_dir */
	size_t selftest_crash;   /* tests only: the image crashes (host triple fault) in case
	                          * selftest_crash - 1; 0: never */
};

/* One case: the VMCS (written[] says which fields to VMWRITE) and the rest of the state. */
struct probe_case {
	const struct vmcs_state *vmcs;
	const struct vmentry_env *env;
};

enum probe_case_status {
	PROBE_CASE_NOT_RUN = 0, /* no report for the case (the run stopped early) */
	PROBE_CASE_DONE,        /* observed holds what the processor did */
	PROBE_CASE_LOST,        /* the image lost control in this case (reset, hang, crash) */
	PROBE_CASE_TRAP,        /* a VMX instruction faulted in the image (trap_vector) */
	PROBE_CASE_PRELAUNCH,   /* the launch that makes the VMCS "launched" failed */
};

struct probe_vmwrite_error {
	uint32_t encoding;
	int16_t field;  /* index in the field table, -1 when unknown */
	uint32_t error; /* VM-instruction error; 0xffffffff VMfailInvalid; 0x100+vector fault */
};

struct probe_result {
	uint8_t status; /* enum probe_case_status */
	bool reported;  /* the image printed something about this case */
	/*
	 * OUTCOME_VMFAIL_INVALID; OUTCOME_VMFAIL_VALID + vm_instruction_error;
	 * OUTCOME_ENTRY_FAILURE + exit_reason (bits 15:0) + exit_qualification; OUTCOME_SUCCESS
	 * when the guest entered and a VM exit came back (its exit reason and qualification are
	 * recorded too); OUTCOME_UNDECIDED when status is not PROBE_CASE_DONE.
	 */
	struct check_outcome observed;
	uint32_t exit_reason_full; /* as read from the VMCS, bit 31 = VM-entry failure */
	uint8_t trap_vector;
	size_t n_vmwrite_errors;
	struct probe_vmwrite_error vmwrite_errors[VMCS_FIELD_CAPACITY];
	/*
	 * The VMCS the image launched: every written field with its VMREAD-back value (known = 0
	 * when the VMREAD failed), the fields it added (preemption timer) marked written.
	 * Unwritten fields are 0, as in a fresh VMCS (read back too with full_readback).
	 */
	struct vmcs_state readback;
	/* The rest of the state as the image used it (ia32e_mode = true, the PDPTEs and link
	 * target it wrote).  msr_load points into the case's entries. */
	struct vmentry_env env;
	/*
	 * The checker core's prediction in ring 0 (the P line: vmx-probe/predict.c) on the state
	 * the image launched, with the capabilities it read; ring0_rule is the deciding check's
	 * id or "-".  The host's prediction on readback and env must equal it.
	 */
	bool ring0;
	struct check_outcome ring0_prediction;
	char ring0_rule[48];
};

enum probe_error {
	PROBE_OK = 0,
	PROBE_ERR_EMULATOR_MISSING, /* bochs / qemu not installed (or a plugin missing) */
	PROBE_ERR_KVM_MISSING,      /* qemu-kvm: no /dev/kvm (a test should SKIP) */
	PROBE_ERR_IMAGE_MISSING,    /* build/vmx-probe not built (`make probe`) */
	PROBE_ERR_TIMEOUT,          /* the emulator printed nothing in time */
	PROBE_ERR_BOOT,             /* the image failed to boot (no BEGIN line) */
	PROBE_ERR_NOVMX,            /* the image found no usable VMX */
	PROBE_ERR_BATCH,            /* the image rejected the batch */
	PROBE_ERR_SYSTEM,           /* fork, pipe, temporary files... */
};

/* Totals of a run, and the capabilities the image harvested. */
struct probe_run {
	char error[512];      /* the reason, when a function returns an error */
	char dir[256];        /* the temporary directory (kept with keep_dir) */
	struct vmx_caps caps; /* name "bochs-MODEL" or "qemu-kvm"; MSRs, CPUID, MAXPHYADDR */
	bool caps_valid;
	char vendor[13];
	bool fc_known;
	uint64_t feature_control; /* IA32_FEATURE_CONTROL as VMX ran with it */
	bool fc_initial_known;    /* it was unlocked at power-on (no BIOS): its value then */
	uint64_t fc_initial;
	bool msr_read_zero[VMX_MSR__COUNT]; /* RDMSR returned 0 (not #GP) */
	bool watchdog;         /* the image's watchdog processor ran (vmx-probe/smp.h) */
	char watchdog_why[96]; /* why it did not, when a batch needed it ("SMP none" line) */
	size_t boots, cases_run, cases_lost;
	double seconds;      /* wall time of every boot */
	double boot_seconds; /* wall time of a boot with no case (measured by probe_harvest) */
	size_t bad_lines;    /* framed lines whose check failed */
};

/*
 * Runs n cases (any number: several boots when needed, and a case the image loses is
 * reported LOST and the rest run again) and fills results[0..n).  Cases whose guest may wait
 * for a SIPI may run in boots of their own (vmx-probe/README.md, "Host API").  Returns PROBE_OK or
 * an enum probe_error with run->error set; results of cases that ran stay valid either way.
 */
int probe_run_cases(const struct probe_case *cases, size_t n, const struct probe_options *opt,
                    struct probe_result *results, struct probe_run *run);

/* One boot with no case: the capabilities only (run->caps, run->boot_seconds). */
int probe_harvest(const struct probe_options *opt, struct probe_run *run);

/*
 * A harvested run as a capsdb entry in the format of capsdb/cpus/bochs-*.yaml (name
 * bochs-MODEL, kind emulator, source.kind probe-emulator, the notes the importer writes);
 * for qemu-kvm: name qemu-kvm, kind virtualized, source.kind live.  Only the two comment
 * lines at the top differ from a committed entry.  false when run->caps_valid is false.
 */
bool probe_caps_yaml(const struct probe_run *run, const struct probe_options *opt, FILE *out);

/* "emulator missing", "timeout", ... */
const char *probe_error_name(int err);

/* "not run", "done", "lost", "trap", "prelaunch failed" (enum probe_case_status). */
const char *probe_status_name(unsigned status);

/* Where the image is: $VMCSLINT_PROBE_DIR, build/vmx-probe, beside the binary.  NULL if none. */
const char *probe_image_dir(void);

#endif /* PROBE_PROBE_H */
