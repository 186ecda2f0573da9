/*
 * adjust.h -- configurations as hypervisors write them, adjusted to one processor.
 *
 * A hypervisor does not hard-code its VM-execution, VM-exit and VM-entry controls: at run time
 * it reads the capability MSRs and computes them (KVM's setup_vmcs_config() with
 * adjust_vmx_controls(), Xen's adjust_vmx_controls(), kvm-unit-tests' init_vmcs()): the bits
 * it wants are kept where the processor allows them, the bits the processor requires (default1)
 * are added, and when a bit it cannot do without is not allowed it refuses to run.  It also
 * ORs IA32_VMX_CRn_FIXED0 into CR0/CR4 and ANDs IA32_VMX_CRn_FIXED1.  A configuration may say
 * so (schema/README.md, "Configurations as hypervisors write them"); this module does that
 * adjustment for one processor's capabilities and says what it did, bit by bit, including what
 * an unknown capability leaves undecided.  The checker judges the adjusted VMCS and knows
 * nothing of this.
 *
 * Freestanding like the core (no heap, no libc): results are data; cli/ words them.
 */
#ifndef ADJUST_H
#define ADJUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmcslint.h"

/* Where the default1 bits of a pin-based, primary processor-based, exit or entry field come from.
 */
enum adjust_default1 {
	ADJUST_DEFAULT1_AUTO = 0, /* the TRUE MSR when IA32_VMX_BASIC[55] = 1, else the ordinary one
	                           * (kvm-unit-tests; what the SDM recommends, A.2) */
	ADJUST_DEFAULT1_TRUE_MSR, /* the TRUE MSR only: the hypervisor refuses to run without
	                           * IA32_VMX_BASIC[55] (SimpleVisor) */
	ADJUST_DEFAULT1_ORDINARY_MSR, /* the ordinary MSR even where TRUE MSRs exist (KVM, Xen,
	                               * the exit and entry controls of KVM's selftests) */
	ADJUST_DEFAULT1__COUNT
};

/* What a hypervisor wants of one control field. */
struct adjust_want {
	bool given;        /* the field is given as wanted bits (else as a value) */
	uint8_t default1;  /* enum adjust_default1 */
	uint64_t required; /* without these the hypervisor refuses to run */
	uint64_t optional; /* used where the processor allows them, dropped elsewhere */
};

/* The CR fields that may take the VMX fixed bits. */
enum adjust_cr {
	ADJUST_GUEST_CR0,
	ADJUST_GUEST_CR4,
	ADJUST_HOST_CR0,
	ADJUST_HOST_CR4,
	ADJUST_CR__COUNT
};

/* Everything a configuration gives in the hypervisor's form (struct vmcs_config.wants). */
struct adjust_wants {
	struct adjust_want ctl[VMX_CTL__COUNT];
	bool cr_fixed[ADJUST_CR__COUNT]; /* OR IA32_VMX_CRn_FIXED0 in, AND IA32_VMX_CRn_FIXED1 */
};

enum adjust_verdict {
	ADJUST_NOTHING = 0, /* nothing is given in the hypervisor's form: judged as written */
	ADJUST_DONE,        /* every adjusted value is decided */
	ADJUST_UNDECIDED,   /* an adjusted bit depends on an unknown capability (the fields
	                     * concerned are unknown to the checker); nothing required is in doubt */
	ADJUST_MAY_REFUSE,  /* whether a required bit is allowed (or the TRUE MSRs a hypervisor
	                     * reads exist) is unknown */
	ADJUST_REFUSED,     /* a required bit is not allowed, or default1: true_msr finds no TRUE
	                     * MSRs: this hypervisor refuses to run on the processor */
};

/* What happened to one control field given as wanted bits. */
struct adjust_ctl_result {
	bool adjusted;       /* the field was given as wanted bits */
	enum vmx_msr_id msr; /* the MSR its allowed settings came from */
	uint64_t value;      /* the adjusted value (bits in undecided are 0 here) */
	uint64_t allowed;    /* the bits the processor surely allows to be 1 */
	uint64_t default1;   /* bits the processor requires that were not wanted */
	uint64_t derived;    /* the activate bit: on because the controls it activates are used */
	uint64_t dropped;    /* optional bits the processor does not allow */
	uint64_t refused;    /* required bits the processor does not allow */
	uint64_t undecided;  /* bits whose setting depends on an unknown capability: */
	uint64_t maybe_default1;  /* - not wanted, and whether the processor requires them is
	                           *   unknown (a TRUE MSR unknown, the ordinary one's default1) */
	uint64_t derived_unknown; /* - activate bits of a field whose value is undecided */
	uint64_t may_refuse;      /* required bits whose allowed 1-setting is unknown */
	bool settings_unknown;    /* the MSR with the allowed settings is not known at all */
	enum tri no_true_msrs;    /* default1: true_msr and IA32_VMX_BASIC[55] is 0 (or unknown) */
	bool unwritten; /* not written: the activate bit of its field is 0 after adjusting */
};

/* What happened to one CR field given with `fixed: apply`. */
struct adjust_cr_result {
	bool adjusted;
	uint64_t wanted;    /* the value given */
	uint64_t value;     /* the adjusted value (bits in undecided are 0 here) */
	uint64_t set;       /* bits IA32_VMX_CRn_FIXED0 added */
	uint64_t cleared;   /* bits IA32_VMX_CRn_FIXED1 removed */
	uint64_t undecided; /* bits whose result depends on an unknown capability */
	uint64_t exempt;    /* CR0.PE/PG that FIXED0 would set but does not: unrestricted guest */
	uint64_t exempt_undecided; /* CR0.PE/PG undecided because whether the adjusted controls
	                            * use unrestricted guest is */
};

/*
 * Whether the undecided bits of an adjustment matter (adjust_settle()): each setting of the
 * unknown capability bits they rest on is a processor that may exist, and when all of them
 * give the same prediction, that is the prediction.
 */
#define ADJUST_SETTLE_MAX_BITS 8
struct adjust_settled {
	bool settled; /* every setting gives the same prediction, in prediction */
	uint8_t n_bits;
	struct {
		uint8_t msr; /* enum vmx_msr_id */
		uint8_t bit; /* the bit of the MSR (allowed-0 in 31:0, allowed-1 in 63:32) */
		uint8_t ctl; /* enum vmx_ctl */
		uint8_t ctl_bit;
	} bits[ADJUST_SETTLE_MAX_BITS];
	struct vmcsl_prediction prediction;
};

struct adjust_result {
	enum adjust_verdict verdict;
	struct adjust_ctl_result ctl[VMX_CTL__COUNT];
	struct adjust_cr_result cr[ADJUST_CR__COUNT];
	/*
	 * Fields left unwritten because every control that makes them exist is a wanted bit that
	 * is 0 after adjusting (a hypervisor writes EPT_POINTER only when it uses EPT): by field
	 * index, 1 when unwritten here.
	 */
	uint8_t unwritten[VMCS_FIELD_CAPACITY];
	size_t n_unwritten;
	struct adjust_settled settled; /* adjust_settle(); adjust_apply() clears it */
};

/*
 * Adjusts a configuration's VMCS to caps.  vmcs holds what the configuration gives: for a
 * wanted control field the required and optional bits ORed (the loader's value), for a CR
 * field with fixed bits the value given.  On return the wanted control fields and the CR fields
 * hold their adjusted values, a field whose adjusted value is undecided is unknown
 * (known[] = 0), and fields the hypervisor would not write are unwritten.  r (out) says what
 * was done.  Runs the same for any caps, including partly known ones; never fails.
 */
void adjust_apply(const struct adjust_wants *w, const struct vmx_caps *caps,
                  struct vmcs_state *vmcs, struct adjust_result *r);

/*
 * After adjust_apply() left control bits undecided (r->verdict ADJUST_UNDECIDED): tries every
 * setting of the unknown capability bits those bits rest on (at most ADJUST_SETTLE_MAX_BITS),
 * each a processor that may exist, adjusting given (the configuration's VMCS, as for
 * adjust_apply()) and checking it with env, and records in r->settled whether they all give
 * one prediction.  The CR fixed bits and the required bits that may be refused are not tried:
 * undecided there stays undecided.  Uses about 8 KiB of stack.
 */
void adjust_settle(const struct adjust_wants *w, const struct vmx_caps *caps,
                   const struct vmcs_state *given, const struct vmentry_env *env,
                   struct adjust_result *r);
/*
 * Setting `set` (bit i: the value of s->bits[i]) of the bits adjust_settle() tried: caps with
 * those bits learnt into *vc, and given adjusted to it into *vs and *vr.
 */
void adjust_setting(const struct adjust_wants *w, const struct vmx_caps *caps,
                    const struct vmcs_state *given, const struct adjust_settled *s, unsigned set,
                    struct vmx_caps *vc, struct vmcs_state *vs, struct adjust_result *vr);

/* Whether anything is given in the hypervisor's form. */
bool adjust_wants_any(const struct adjust_wants *w);

/* The control (enum vmx_ctl) whose field is field (index in the field table), or -1. */
int adjust_ctl_of_field(size_t field);
/* The field index of a control field / of a CR field. */
size_t adjust_ctl_field(enum vmx_ctl ctl);
size_t adjust_cr_field(enum adjust_cr cr);
/* The enum adjust_cr of a field, or -1. */
int adjust_cr_of_field(size_t field);

/*
 * The field whose activate bit decides whether ctl is used: the secondary and tertiary
 * processor-based controls and the secondary VM-exit controls.  Returns false for the others;
 * else *parent and *bit (31, 17, 31).
 */
bool adjust_activator(enum vmx_ctl ctl, enum vmx_ctl *parent, unsigned *bit);
/* Whether a control field has a TRUE MSR (so that default1 may be chosen). */
bool adjust_has_true_msr(enum vmx_ctl ctl);

/* "auto", "true_msr", "ordinary_msr"; the enum of a name (-1 when none). */
const char *adjust_default1_name(enum adjust_default1 d);
int adjust_default1_by_name(const char *s);

/* The SDM section that reports a control's allowed settings ("A.3.2"), and its title. */
const char *adjust_ctl_sdm_section(enum vmx_ctl ctl);
const char *adjust_ctl_sdm_title(enum vmx_ctl ctl);
/* The same for the fixed bits of a CR field ("A.7" / "A.8"). */
const char *adjust_cr_sdm_section(enum adjust_cr cr);
const char *adjust_cr_sdm_title(enum adjust_cr cr);
/* The FIXED0 MSR of a CR field (FIXED1 follows it). */
enum vmx_msr_id adjust_cr_fixed0(enum adjust_cr cr);

/*
 * Ids of what the adjustment reports, in the style of check ids (output, SARIF rules):
 * a required control the processor lacks, an adjusted field, an undecided adjustment.
 */
#define ADJUST_ID_REFUSED   "HV-REFUSED"
#define ADJUST_ID_ADJUSTED  "HV-ADJUSTED"
#define ADJUST_ID_UNDECIDED "HV-UNDECIDED"
#define ADJUST_ID_SETTLED   "HV-SETTLED"

#endif /* ADJUST_H */
