/*
 * vmcslint.h -- the one public header of libvmcslint.
 *
 * The library core (fields, capability decoding, checker) is freestanding-clean: it uses only
 * <stdint.h>, <stddef.h> and <stdbool.h>, allocates nothing and prints nothing, so the same
 * objects can be compiled into the ring-0 probe image.  Loading files and printing live in the
 * CLI (cli/) and the YAML loader (schema/).
 */
#ifndef VMCSLINT_H
#define VMCSLINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMCSLINT_VERSION "0.1.0"

/*
 * The SDM edition every section number in vmcslint refers to.  Section numbers move between
 * editions; titles are stable, so every citation carries both.
 */
#define VMCSLINT_SDM_EDITION                                                                       \
	"Intel 64 and IA-32 Architectures Software Developer's Manual, order number 325462-080US " \
	"(June 2023)"
#define VMCSLINT_FRED_EDITION                                                                      \
	"Intel Flexible Return and Event Delivery (FRED) specification, rev. 7.0"

/* ---- VMCS field encodings (SDM Vol. 3D, Appendix B "Field Encoding in VMCS") ---- */

/* Field widths and types carry the values of encoding bits 14:13 and 11:10. */
enum vmcs_width { VMCS_W16 = 0, VMCS_W64 = 1, VMCS_W32 = 2, VMCS_WNAT = 3 };
enum vmcs_type { VMCS_T_CTL = 0, VMCS_T_RO = 1, VMCS_T_GUEST = 2, VMCS_T_HOST = 3 };
enum vmcs_origin { VMCS_ORIGIN_SDM = 0, VMCS_ORIGIN_FRED = 1 };

/* An encoding split into its bit fields: bit 0 access, 9:1 index, 11:10 type, 14:13 width. */
struct vmcs_encoding_bits {
	bool high;      /* bit 0: access type 1 = high 32 bits of a 64-bit field */
	unsigned index; /* bits 9:1 */
	unsigned type;  /* bits 11:10, an enum vmcs_type */
	unsigned width; /* bits 14:13, an enum vmcs_width */
	bool reserved;  /* bit 12 or bits 31:15 set: no VMCS field can have this encoding */
};

/*
 * What makes a field exist: the capability bit whose 1-setting the processor supports.
 * Encoded as (kind << 8) | bit.
 */
enum vmcs_exists_kind {
	VMCS_X_KIND_NONE = 0,
	VMCS_X_KIND_ALWAYS,
	VMCS_X_KIND_PIN,     /* allowed-1 of a pin-based VM-execution control */
	VMCS_X_KIND_PROC,    /* ... primary processor-based VM-execution control */
	VMCS_X_KIND_PROC2,   /* ... secondary processor-based VM-execution control */
	VMCS_X_KIND_PROC3,   /* ... tertiary processor-based VM-execution control */
	VMCS_X_KIND_EXIT,    /* ... primary VM-exit control */
	VMCS_X_KIND_EXIT2,   /* ... secondary VM-exit control */
	VMCS_X_KIND_ENTRY,   /* ... VM-entry control */
	VMCS_X_KIND_MISC,    /* a bit of IA32_VMX_MISC */
	VMCS_X_KIND_EPTVPID, /* a bit of IA32_VMX_EPT_VPID_CAP */
	VMCS_X_KIND_VMFUNC,  /* a bit of IA32_VMX_VMFUNC */
	/*
	 * No VMX capability MSR reports the field (the SEAM fields of Intel TDX): whether it
	 * exists stays unknown (IA32_VMX_VMCS_ENUM does not rule it out: vmx_caps_field_exists()).
	 */
	VMCS_X_KIND_UNENUMERATED,
	VMCS_X_KIND__COUNT
};
#define VMCS_EXISTS(kind, bit) ((uint16_t)(((unsigned)(kind) << 8) | (unsigned)(bit)))
#define VMCS_EXISTS_KIND(x)    ((enum vmcs_exists_kind)((x) >> 8))
#define VMCS_EXISTS_BIT(x)     ((unsigned)((x)&0xffu))

/* One row of fields/vmcs_fields.def. */
struct vmcs_field_info {
	const char *name;     /* canonical name, e.g. "GUEST_CR0" */
	uint32_t encoding;    /* full-access encoding */
	uint8_t width;        /* enum vmcs_width */
	uint8_t type;         /* enum vmcs_type */
	uint8_t origin;       /* enum vmcs_origin */
	uint16_t layout;      /* index into the layout table, or VMCS_LAYOUT_NONE */
	uint16_t exists[2];   /* VMCS_EXISTS(kind, bit); exists[1] kind NONE when unused */
	const char *sdm_name; /* the SDM's prose name */
	const char *aliases;  /* '|'-separated other spellings, "" when none */
	const char *desc;     /* one line */
};

#define VMCS_LAYOUT_NONE 0xffffu

struct vmcs_bits_info {
	uint16_t layout;
	const char *name;
	uint8_t lo, hi; /* bit range, inclusive */
	const char *desc;
};

struct vmcs_value_info {
	uint16_t layout;
	const char *name;
	uint64_t value;
	const char *desc;
};

struct vmcs_layout_info {
	const char *id;    /* e.g. "L_PIN" */
	const char *title; /* e.g. "Pin-based VM-execution controls" */
};

#define VMCS_ENC_WIDTH(enc) (((uint32_t)(enc) >> 13) & 3u)
#define VMCS_ENC_TYPE(enc)  (((uint32_t)(enc) >> 10) & 3u)

/* Decodes an encoding's bit fields; never fails (reserved bits are reported in .reserved). */
struct vmcs_encoding_bits vmcs_encoding_decode(uint32_t encoding);

/*
 * Whether a field row agrees with its own encoding (width = bits 14:13, type = bits 11:10,
 * access bit 0 clear, no reserved bit).  On false, *why (may be NULL) says what disagrees.
 * The same function checks every row of the table in the tests.
 */
bool vmcs_field_row_consistent(const struct vmcs_field_info *f, const char **why);

/* Number of fields in the table, and field i (0 <= i < count), in encoding order. */
size_t vmcs_field_count(void);
const struct vmcs_field_info *vmcs_field_at(size_t i);
/* Index of a field in the table (its id). */
size_t vmcs_field_index(const struct vmcs_field_info *f);

/*
 * Looks a field up by encoding; a 64-bit field's high-access encoding finds the field and sets
 * *high (which may be NULL).  Returns NULL when no field has that encoding.
 */
const struct vmcs_field_info *vmcs_field_by_encoding(uint32_t encoding, bool *high);

/*
 * Looks a field up by canonical name, NAME_HIGH, SDM name or alias, then by another project's
 * name (vmcs_field_by_project_name(); our own names win).  Matching ignores case and
 * treats ' ', '-' and '_' alike.  s need not be NUL-terminated (len bytes).  Returns NULL when
 * none matches.
 */
const struct vmcs_field_info *vmcs_field_by_name(const char *s, size_t len, bool *high);

/* Whether a[0..alen) equals b (NUL-terminated) under the name-matching rule above. */
bool vmcs_name_equal(const char *a, size_t alen, const char *b);

/*
 * Other projects' names of the fields (fields/aliases/<project>.def, generated from each
 * project's own header): the name and the encoding that project gives it, which may be a high
 * access.  A row with .excluded set is a name deliberately not resolved; .excluded says why.
 */
struct vmcs_project_alias {
	const char *name;
	uint32_t encoding;
	const char *excluded; /* NULL for a name that resolves */
};

struct vmcs_project {
	const char *name; /* "kvm-unit-tests", "ia32-doc", "Xen", "VirtualBox", "Bochs" */
	const struct vmcs_project_alias *aliases; /* sorted by name under vmcs_name_equal() */
	size_t count;
};

/* Number of projects, and project i (0 <= i < count), in a fixed order. */
size_t vmcs_project_count(void);
const struct vmcs_project *vmcs_project_at(size_t i);

/*
 * Looks s[0..len) up among the projects' names only (vmcs_field_by_name() falls back to it
 * when no name of our own matches): a project's name, or NAME_HIGH where NAME is a project's
 * name of the full access of a 64-bit field.  Sets *high (may be NULL) as
 * vmcs_field_by_encoding() does, and *project (may be NULL) to the first project, in table
 * order, that has the name.  Returns NULL when no project has it.
 */
const struct vmcs_field_info *vmcs_field_by_project_name(const char *s, size_t len, bool *high,
                                                         const struct vmcs_project **project);

size_t vmcs_layout_count(void);
const struct vmcs_layout_info *vmcs_layout_at(size_t i);
const struct vmcs_bits_info *vmcs_bits_at(size_t i);
const struct vmcs_value_info *vmcs_value_at(size_t i);
size_t vmcs_bits_total(void);
size_t vmcs_value_total(void);
/*
 * The rows of layout l: *n bit rows starting at the returned pointer (rows of one layout stand
 * together in the table).  Returns NULL with *n = 0 when the layout has none.
 */
const struct vmcs_bits_info *vmcs_layout_bits(const struct vmcs_layout_info *l, size_t *n);
const struct vmcs_value_info *vmcs_layout_values(const struct vmcs_layout_info *l, size_t *n);
/* Index of a layout in the table. */
size_t vmcs_layout_index(const struct vmcs_layout_info *l);
/* The layout with id (e.g. "L_PIN"), or NULL. */
const struct vmcs_layout_info *vmcs_layout_by_id(const char *id);
/* A bit (range) of a layout by name (name-matching rule above), or NULL. */
const struct vmcs_bits_info *vmcs_layout_find_bits(const struct vmcs_layout_info *l, const char *s,
                                                   size_t len);
/* A named value of a layout, or NULL. */
const struct vmcs_value_info *vmcs_layout_find_value(const struct vmcs_layout_info *l,
                                                     const char *s, size_t len);

/* The layout whose allowed-1 settings decide an existence kind (L_PIN for PIN, ...), or NULL. */
const struct vmcs_layout_info *vmcs_exists_layout(enum vmcs_exists_kind kind);

/*
 * "Did you mean": the canonical name of the field s[0..len) most likely means, or NULL when
 * none is close.  Fields are ranked on the words their names share with s once abbreviations
 * are read (SEL = SELECTOR, CTRL = CONTROL, ...), over every spelling (our names and other
 * projects'), then by edit distance.  For a bit or value name of layout l: the closest by edit
 * distance.
 */
const char *vmcs_field_suggest(const char *s, size_t len);
const char *vmcs_layout_suggest(const struct vmcs_layout_info *l, const char *s, size_t len);

/* Short names: "16-bit", "64-bit", "32-bit", "natural"; "control", "read-only", ... */
const char *vmcs_width_name(unsigned width);
const char *vmcs_type_name(unsigned type);
/* Width in bits of a field's value on a processor supporting Intel 64 (natural = 64). */
unsigned vmcs_width_bits(unsigned width);

/* ---- VMX capabilities (SDM Vol. 3D, Appendix A "VMX Capability Reporting Facility") ---- */

/* Ids of the capability MSRs 0x480..0x493, in MSR order (capsdb/vmx_msrs.def). */
enum vmx_msr_id {
	VMX_MSR_BASIC,
	VMX_MSR_PINBASED_CTLS,
	VMX_MSR_PROCBASED_CTLS,
	VMX_MSR_EXIT_CTLS,
	VMX_MSR_ENTRY_CTLS,
	VMX_MSR_MISC,
	VMX_MSR_CR0_FIXED0,
	VMX_MSR_CR0_FIXED1,
	VMX_MSR_CR4_FIXED0,
	VMX_MSR_CR4_FIXED1,
	VMX_MSR_VMCS_ENUM,
	VMX_MSR_PROCBASED_CTLS2,
	VMX_MSR_EPT_VPID_CAP,
	VMX_MSR_TRUE_PINBASED_CTLS,
	VMX_MSR_TRUE_PROCBASED_CTLS,
	VMX_MSR_TRUE_EXIT_CTLS,
	VMX_MSR_TRUE_ENTRY_CTLS,
	VMX_MSR_VMFUNC,
	VMX_MSR_PROCBASED_CTLS3,
	VMX_MSR_EXIT_CTLS2,
	VMX_MSR__COUNT
};

/*
 * What is known of an MSR: its value, that the CPU lacks it (RDMSR #GP), nothing, or some of
 * its bits (VMX_MSR_PARTIAL: msr_known[] says which; evidence such as a log that shows a
 * control set on a processor with no capsdb entry).
 */
enum vmx_msr_state { VMX_MSR_UNKNOWN = 0, VMX_MSR_ABSENT, VMX_MSR_PRESENT, VMX_MSR_PARTIAL };

/* Three-valued answers: a capability a source does not give is unknown, never guessed. */
enum tri { TRI_NO = 0, TRI_YES = 1, TRI_UNKNOWN = 2 };

#define VMX_CAPS_MAX_CPUID 24
#define VMX_CAPS_NAME_MAX  80

/*
 * A raw CPUID leaf.  Register r (0 eax, 1 ebx, 2 ecx, 3 edx) is either fully known (bit r of
 * known), known but for the bits in unknown[r] (bit r of partial; reg[r] has 0 there), or not
 * known at all (neither bit).  Code that reads a whole register checks known and so treats a
 * partial register as unknown; vmx_caps_cpuid_bit() answers per bit.  src is the 1-based item
 * of the capsdb entry's cpuid-sources the leaf comes from (0: the entry's source, or none);
 * inferred is set when those values come from another processor's dump of the same
 * family/model/stepping (capsdb/FORMAT.md).
 */
struct vmx_cpuid_leaf {
	uint32_t leaf, subleaf;
	uint32_t reg[4];
	uint32_t unknown[4];
	uint8_t known;
	uint8_t partial;
	uint8_t src;
	uint8_t inferred;
};
enum cpuid_reg { CPUID_EAX = 0, CPUID_EBX, CPUID_ECX, CPUID_EDX };

/*
 * The CPUID leaves the checks may read (capsdb/cpuid_leaves.def, same order): the checker
 * reads CPUID only by these ids, and harvest reads exactly these leaves.
 */
enum cpuid_leaf_id {
	CPUID_LEAF_0,
	CPUID_LEAF_1,
	CPUID_LEAF_7_0,
	CPUID_LEAF_7_1,
	CPUID_LEAF_A,
	CPUID_LEAF_D_1,
	CPUID_LEAF_14_0,
	CPUID_LEAF_14_1,
	CPUID_LEAF_1C_0,
	CPUID_LEAF_80000000,
	CPUID_LEAF_80000001,
	CPUID_LEAF_80000008,
	CPUID_LEAF__COUNT
};

/*
 * Capability values by id: bit i of msr is enum vmx_msr_id i, bit i of cpuid is enum
 * cpuid_leaf_id i.  Says what a run of the checker read (vmx_caps.reads) or which values come
 * from another processor's dump (vmx_caps_inferred()).
 */
struct vmx_caps_reads {
	uint32_t msr;
	uint32_t cpuid;
};

/* The capabilities of one processor, as raw values (capsdb entry, harvest or inline caps). */
struct vmx_caps {
	char name[VMX_CAPS_NAME_MAX];
	uint64_t msr[VMX_MSR__COUNT];
	uint8_t msr_state[VMX_MSR__COUNT];  /* enum vmx_msr_state */
	uint64_t msr_known[VMX_MSR__COUNT]; /* VMX_MSR_PARTIAL: the bits of msr[] known */
	/*
	 * Bit i: the value of MSR i is inferred from a dump of another processor of the same
	 * family/model (capsdb entry msr-inferred, capsdb/FORMAT.md), not read on this one.
	 */
	uint32_t msr_inferred;
	uint8_t maxphyaddr; /* CPUID.80000008H:EAX[7:0]; 0 = unknown */
	size_t n_cpuid;
	struct vmx_cpuid_leaf cpuid[VMX_CAPS_MAX_CPUID];
	/*
	 * When not NULL, every accessor below marks in *reads what it reads (the MSRs and the
	 * CPUID leaves by id): check_run() uses it to tell what each check rests on.
	 */
	struct vmx_caps_reads *reads;
};

/* The control fields whose allowed settings the capability MSRs report. */
enum vmx_ctl {
	VMX_CTL_PIN,
	VMX_CTL_PROC,
	VMX_CTL_PROC2,
	VMX_CTL_PROC3,
	VMX_CTL_EXIT,
	VMX_CTL_EXIT2,
	VMX_CTL_ENTRY,
	VMX_CTL__COUNT
};

/*
 * Effective allowed settings of a control field: a bit set in must_be_1 has to be 1
 * (allowed-0 setting 1); a bit clear in may_be_1 has to be 0 (allowed-1 setting 0).  Uses the
 * TRUE MSRs when IA32_VMX_BASIC bit 55 is set (SDM A.2 "Reserved Controls and Default
 * Settings").  known is false when a needed MSR value is unknown.  A control field whose
 * capability MSR the CPU does not implement allows nothing to be 1.
 *
 * When the TRUE MSR is unknown (or whether it applies is) but the ordinary one is known, the
 * ordinary MSR still decides most bits: the TRUE MSRs report the same allowed-1 settings and
 * may only relax default1 controls to allow 0 (SDM A.2, A.3).  Those default1 bits the
 * ordinary MSR requires are then in must_unknown (required or not, unknown); known stays true.
 */
struct vmx_allowed {
	uint64_t must_be_1;
	uint64_t may_be_1;
	uint64_t must_unknown; /* bits whose allowed 0-setting is unknown (see above) */
	uint64_t may_unknown;  /* bits whose allowed 1-setting is unknown (a partly known MSR) */
	bool known;
	enum vmx_msr_id msr; /* the MSR the settings came from */
};
struct vmx_allowed vmx_caps_allowed(const struct vmx_caps *c, enum vmx_ctl ctl);
/*
 * The ordinary and the TRUE capability MSR of a control field that has both (pin-based,
 * primary processor-based, VM-exit, VM-entry); false for the others.
 */
bool vmx_ctl_msrs(enum vmx_ctl ctl, enum vmx_msr_id *plain, enum vmx_msr_id *true_msr);
/* Whether a control bit may be 1: TRI_UNKNOWN when its allowed 1-setting is unknown. */
enum tri vmx_allowed_may_be_1(const struct vmx_allowed *a, unsigned bit);

/* Name, index and description of a capability MSR. */
const char *vmx_msr_name(enum vmx_msr_id id);
uint32_t vmx_msr_index(enum vmx_msr_id id);
const char *vmx_msr_desc(enum vmx_msr_id id);
/* The bit layout of an MSR's value (or of the control it reports), or NULL. */
const struct vmcs_layout_info *vmx_msr_layout(enum vmx_msr_id id);
/* An MSR by SDM name (IA32_VMX_BASIC, name matching as for fields) or -1. */
int vmx_msr_by_name(const char *s, size_t len);
/* An MSR by index (0x480..0x493) or -1. */
int vmx_msr_by_index(uint32_t index);

/* Whether a capability MSR bit is set: TRI_UNKNOWN when that bit's value is unknown. */
enum tri vmx_caps_msr_bit(const struct vmx_caps *c, enum vmx_msr_id id, unsigned bit);
/* The bits of an MSR that are known (all for a present or absent MSR, none when unknown). */
uint64_t vmx_caps_msr_known(const struct vmx_caps *c, enum vmx_msr_id id);
/*
 * The MSR's value under mask when every bit of mask is known (an absent MSR reads 0 here);
 * false otherwise.
 */
bool vmx_caps_msr_bits(const struct vmx_caps *c, enum vmx_msr_id id, uint64_t mask,
                       uint64_t *value);
/* Records that bits of an MSR have the values in value (the rest stays as it was). */
void vmx_caps_learn_msr(struct vmx_caps *c, enum vmx_msr_id id, uint64_t mask, uint64_t value);
/* The leaf, sub-leaf, capsdb key ("0x7.0") and use of a CPUID leaf the checks read. */
uint32_t vmx_cpuid_leaf(enum cpuid_leaf_id id);
uint32_t vmx_cpuid_subleaf(enum cpuid_leaf_id id);
const char *vmx_cpuid_key(enum cpuid_leaf_id id);
const char *vmx_cpuid_desc(enum cpuid_leaf_id id);
/* The id of a leaf and sub-leaf, or -1 when no check reads it. */
int vmx_cpuid_by_leaf(uint32_t leaf, uint32_t subleaf);
/*
 * A CPUID feature bit; TRI_UNKNOWN when the leaf, the register or that bit is not known (a
 * leaf inferred from a sibling's dump leaves per-SKU bits unknown).  A leaf (or a sub-leaf of
 * 07H or 14H) beyond the maximum the processor reports enumerates nothing: its bits are
 * TRI_NO, decided.
 */
enum tri vmx_caps_cpuid_bit(const struct vmx_caps *c, enum cpuid_leaf_id id, enum cpuid_reg reg,
                            unsigned bit);
/*
 * A CPUID register's value: true with *value when known, 0 for a leaf beyond the maximum the
 * processor reports (see vmx_caps_cpuid_bit()); false when unknown.
 */
bool vmx_caps_cpuid_reg(const struct vmx_caps *c, enum cpuid_leaf_id id, enum cpuid_reg reg,
                        uint32_t *value);
/*
 * Whether a leaf lies beyond the maximum basic or extended leaf (CPUID.0:EAX,
 * CPUID.80000000H:EAX) or a sub-leaf of 07H/14H beyond the maximum sub-leaf: TRI_UNKNOWN when
 * the maximum is not known.
 */
enum tri vmx_caps_cpuid_beyond_max(const struct vmx_caps *c, enum cpuid_leaf_id id);
/* MAXPHYADDR (CPUID.80000008H:EAX[7:0]), 0 when unknown; marks leaf 80000008H read. */
unsigned vmx_caps_maxphyaddr(const struct vmx_caps *c);
/*
 * The stored CPUID leaf entry, or NULL: for loading, printing and merging entries (it marks no
 * read; checks use the functions above).
 */
const struct vmx_cpuid_leaf *vmx_caps_cpuid(const struct vmx_caps *c, uint32_t leaf,
                                            uint32_t subleaf);
/*
 * The values of c that come from another processor's dump: the MSRs of msr_inferred and the
 * CPUID leaves (by id) whose cpuid-sources item is an inference.
 */
struct vmx_caps_reads vmx_caps_inferred(const struct vmx_caps *c);
/* Adds or replaces registers of a CPUID leaf; false when the table is full. */
bool vmx_caps_set_cpuid(struct vmx_caps *c, uint32_t leaf, uint32_t subleaf, enum cpuid_reg reg,
                        uint32_t value);
/*
 * The same for a register of which the bits in unknown are not known (their value bits are
 * dropped); unknown = 0 is vmx_caps_set_cpuid(), unknown = ~0 forgets the register.
 */
bool vmx_caps_set_cpuid_partial(struct vmx_caps *c, uint32_t leaf, uint32_t subleaf,
                                enum cpuid_reg reg, uint32_t value, uint32_t unknown);

/*
 * Whether the field exists on this CPU (SDM: a field exists only if the processor supports
 * the 1-setting of the control that introduces it).  TRI_UNKNOWN when a needed MSR is unknown:
 * IA32_VMX_VMCS_ENUM's highest index does not settle it, real processors have fields beyond it.
 */
enum tri vmx_caps_field_exists(const struct vmx_caps *c, const struct vmcs_field_info *f);

/* ---- Capabilities compiled once per processor ---- */

/* Capacity of per-field arrays; the field table has fewer rows (a static assert checks). */
#define VMCS_FIELD_CAPACITY 256
/* 64-bit words of a bitset over the field table. */
#define VMCSL_FIELD_WORDS (VMCS_FIELD_CAPACITY / 64)
/* The CPUID registers the checks read (capsdb/cpuid_facts.def). */
#define VMCSL_CPUID_FACTS 17

/*
 * One CPUID register as the checks read it: bit by bit (value where known) and as a whole
 * (reg_value when reg_known).  A leaf beyond the maximum the processor reports reads as 0,
 * known; a register known but for some bits answers those bits unknown and is unknown as a
 * whole.  present: the capsdb entry lists the register itself.
 */
struct vmcsl_cpuid_fact {
	uint32_t value, known;
	uint32_t reg_value;
	uint8_t reg_known, present;
};

/*
 * The capabilities of one processor in the form the checks read, computed once by
 * vmcsl_caps_compile() from a struct vmx_caps: the allowed settings of every control word,
 * the CR0/CR4 fixed bits with what FIXED0 and FIXED1 imply of each other, which fields exist,
 * MAXPHYADDR, the linear-address width, what the capabilities say of Intel 64, and the CPUID
 * registers the checks read, each with what of the raw capabilities it was computed from (so
 * that a run tells what its verdict rests on).  Every member is private to the checker; the
 * struct is public only so that callers can allocate it (no heap; at most 1280 bytes, 1152 on
 * x86-64, a static assert checks).
 */
struct vmcsl_caps {
	struct vmx_allowed ctl[VMX_CTL__COUNT];
	uint64_t msr[VMX_MSR__COUNT];       /* value under msr_known (an absent MSR reads 0) */
	uint64_t msr_known[VMX_MSR__COUNT]; /* bits known: all for a present or absent MSR */
	/* CR0_FIXED0, CR0_FIXED1, CR4_FIXED0, CR4_FIXED1: value and known bits, the other MSR of
	 * each pair applied (a bit FIXED0 sets is set in FIXED1, one FIXED1 clears is clear in
	 * FIXED0). */
	uint64_t fixed[4], fixed_known[4];
	uint64_t field_exists[VMCSL_FIELD_WORDS];  /* the field surely exists */
	uint64_t field_unknown[VMCSL_FIELD_WORDS]; /* whether it exists is unknown */
	struct vmcsl_cpuid_fact cpuid[VMCSL_CPUID_FACTS];
	uint8_t maxphyaddr; /* CPUID.80000008H:EAX[7:0] when known and at most 52, else 0 */
	uint8_t la_width;   /* 57 with 5-level paging, 48 without, 0 unknown */
	/* Intel 64 support as the capabilities alone tell it (enum tri; TRI_UNKNOWN when they do
	 * not), and whether IA32_VMX_BASIC[48] (32-bit VMX addresses) is known to be 1. */
	uint8_t intel64, basic_w32;
	/* What each answer above was computed from (MAXPHYADDR: leaf 80000008H; the fixed bits
	 * and MSR bits: their MSRs). */
	struct vmx_caps_reads ctl_reads[VMX_CTL__COUNT];
	struct vmx_caps_reads exists_reads;      /* of all fields' existence at once */
	uint32_t cpuid_reads[VMCSL_CPUID_FACTS]; /* leaves, by fact */
	struct vmx_caps_reads la_reads, intel64_reads;
};

/* Compiles raw capabilities (never fails: what raw does not say stays unknown). */
void vmcsl_caps_compile(const struct vmx_caps *raw, struct vmcsl_caps *out);

/* ---- The state VM entry reads: VMCS contents plus the memory and processor state ---- */

/*
 * VMCS contents by field index (vmcs_field_index()).  A configuration gives every field a
 * value (0 when not written); a dump leaves the fields it does not show unknown.
 */
struct vmcs_state {
	uint64_t value[VMCS_FIELD_CAPACITY];
	uint8_t known[VMCS_FIELD_CAPACITY];   /* the value is known */
	uint8_t written[VMCS_FIELD_CAPACITY]; /* software VMWRITEs the field */
};

/* One 16-byte entry of a VM-entry MSR-load area (SDM "VM-Entry Controls for MSRs"). */
struct vmx_msr_entry {
	uint32_t index;
	uint32_t reserved; /* bits 63:32 of the entry, must be 0 */
	uint64_t value;
};

enum vmentry_instruction { VMENTRY_VMLAUNCH = 0, VMENTRY_VMRESUME = 1 };
enum vmcs_launch_state { LAUNCH_STATE_CLEAR = 0, LAUNCH_STATE_LAUNCHED = 1 };

/* What VM entry reads besides the VMCS, and the state of the instruction itself. */
struct vmentry_env {
	uint8_t instruction;  /* enum vmentry_instruction */
	uint8_t launch_state; /* enum vmcs_launch_state of the current VMCS */
	bool mov_ss_blocking; /* events blocked by MOV SS at the instruction */
	bool ia32e_mode;      /* the processor executes the instruction in IA-32e mode */
	bool msr_load_known;  /* msr_load gives the MSR-load area */
	const struct vmx_msr_entry *msr_load;
	size_t n_msr_load;
	bool pdptes_known; /* pdpte[] gives the PDPTEs at guest CR3 */
	uint64_t pdpte[4];
	bool link_known;         /* what VMCS_LINK_POINTER points at is known */
	bool link_is_vmcs;       /* a VMCS region is there */
	uint32_t link_revision;  /* its revision identifier (bits 30:0) */
	bool link_shadow;        /* its shadow-VMCS indicator (bit 31) */
	bool link_current_known; /* link_is_current says whether it is the current VMCS */
	bool link_is_current;
	bool vtpr_known; /* vtpr gives the byte at offset 80H of the virtual-APIC page */
	uint8_t vtpr;
	/*
	 * The VMCS values are what VMREAD returned (a dump, a probe's read-back), not what
	 * software VMWRITEs: what a VMWRITE may drop on some processors is already gone.
	 */
	bool values_read_back;
};

/* ---- The checker (SDM Vol. 3C chapter "VM Entries") ---- */

/* Classes of checks, in the order the processor performs them. */
enum check_class {
	CHECK_CLASS_VMWRITE, /* a field the processor lacks: the VMWRITE fails (error 12) */
	CHECK_CLASS_INSTR,   /* checks of VMLAUNCH/VMRESUME itself: VMfailValid 4, 5, 26 */
	CHECK_CLASS_CTLS,    /* VM-execution, VM-exit, VM-entry controls: VMfailValid 7 */
	CHECK_CLASS_HOST,    /* host-state area: VMfailValid 8 */
	CHECK_CLASS_GUEST,   /* guest-state area: VM-entry failure, exit reason 33 */
	CHECK_CLASS_MSRLOAD, /* VM-entry MSR-load area: VM-entry failure, exit reason 34 */
	CHECK_CLASS__COUNT
};

enum check_outcome_kind {
	OUTCOME_SUCCESS,
	OUTCOME_VMFAIL_INVALID,
	OUTCOME_VMFAIL_VALID,
	OUTCOME_ENTRY_FAILURE,
	OUTCOME_UNDECIDED,
	/*
	 * The SDM lets processors differ: some fail the entry (exit_reason, exit_qualification:
	 * 33 and 3 for an NMI injected under blocking by STI), the others do what otherwise_*
	 * says (success, or a later failure).
	 */
	OUTCOME_PROCESSOR_DEPENDENT,
	OUTCOME__COUNT
};

/* What the processor reports. */
struct check_outcome {
	uint8_t kind;                 /* enum check_outcome_kind */
	uint8_t vm_instruction_error; /* OUTCOME_VMFAIL_VALID */
	uint8_t error_alt;            /* another error the SDM allows (7 or 8), 0 when none */
	uint16_t exit_reason;         /* OUTCOME_ENTRY_FAILURE: basic exit reason 33 or 34 */
	uint64_t exit_qualification;  /* OUTCOME_ENTRY_FAILURE */
	bool qualification_varies;    /* failures with other qualifications also apply */
	/* OUTCOME_PROCESSOR_DEPENDENT: what the processors that do not fail report. */
	uint8_t otherwise_kind; /* OUTCOME_SUCCESS or OUTCOME_ENTRY_FAILURE */
	uint16_t otherwise_exit_reason;
	uint64_t otherwise_qualification;
};

/*
 * What one rule said about a VMCS.  RULE_MAYFAIL: the SDM lets a processor fail the entry
 * here and others not (an implementation-specific check).
 */
enum rule_result { RULE_PASS = 0, RULE_FAIL, RULE_NA, RULE_UNDECIDED, RULE_MAYFAIL };

/* A rule of the table (checker/rules.def). */
struct check_rule {
	const char *id;          /* stable, e.g. "GUEST-CR0-FIXED1" */
	uint8_t cls;             /* enum check_class */
	uint8_t vm_error;        /* CHECK_CLASS_INSTR: its VM-instruction error */
	uint16_t qualification;  /* CHECK_CLASS_GUEST: its exit qualification */
	const char *sdm_section; /* e.g. "27.3.1.1" (edition: VMCSLINT_SDM_EDITION) */
	const char
	    *sdm_title; /* e.g. "Checks on Guest Control Registers, Debug Registers, and MSRs" */
	const char *fields;  /* the VMCS fields it reads, ',' separated */
	const char *summary; /* one line: what must hold */
};

size_t check_rule_count(void);
const struct check_rule *check_rule_at(size_t i);
/* A rule by id ("GUEST-CR0-FIXED1"; '_' and case also accepted), or NULL. */
const struct check_rule *check_rule_by_id(const char *id, size_t len);
/* The outcome a rule's failure produces (for CHECK_CLASS_MSRLOAD the qualification is 0). */
struct check_outcome check_rule_outcome(const struct check_rule *r);

/* ---- The fast pass: every rule's result and the prediction, no strings ---- */

#define VMCSL_MAX_RULES  384 /* capacity of the rule table (a static assert checks) */
#define VMCSL_RULE_WORDS (VMCSL_MAX_RULES / 64)
/* Capacity for the rules of CHECK_CLASS_MSRLOAD, which report an MSR-load entry. */
#define VMCSL_MAX_MSRLOAD_RULES 16

/* The outcome of a VM entry and the rule that decides it (-1 when none). */
struct vmcsl_prediction {
	struct check_outcome outcome;
	int16_t rule;
};

/*
 * What the fast pass found, by rule index (table order): a rule is in at most one of fail,
 * undecided, mayfail and na; a rule in none passed.  The VMWRITEs that fail or may fail, by
 * field index, for VM-instruction error 12 ([0]: the field does not exist) and 13 ([1]: the
 * field is read-only).  A failing or undecided rule of CHECK_CLASS_MSRLOAD gives the 1-based
 * MSR-load entry it is about (vmcsl_rule_msr_entry()).  class_reads: what the rules of each
 * class (enum check_class) read of the capabilities (the MSRs and CPUID leaves by id).
 * sizeof() is at most 512 bytes (472 on x86-64; a static assert checks): it fits a kernel
 * stack.
 */
struct vmcsl_result {
	uint64_t fail[VMCSL_RULE_WORDS];
	uint64_t undecided[VMCSL_RULE_WORDS];
	uint64_t mayfail[VMCSL_RULE_WORDS];
	uint64_t na[VMCSL_RULE_WORDS];
	uint64_t vmwrite_fail[2][VMCSL_FIELD_WORDS];
	uint64_t vmwrite_undecided[2][VMCSL_FIELD_WORDS];
	uint32_t msr_entry[VMCSL_MAX_MSRLOAD_RULES];
	struct vmx_caps_reads class_reads[CHECK_CLASS__COUNT];
	struct vmcsl_prediction prediction;
};

/* The input of the fast pass: the VMCS, the rest of the entry's state, compiled capabilities. */
struct vmcsl_input {
	const struct vmcs_state *vmcs;
	const struct vmentry_env *env;
	const struct vmcsl_caps *caps;
};

/*
 * Evaluates every rule on in and fills *out (the prediction included: vmcsl_predict() with no
 * class assumed).  Formats no string, allocates nothing, touches no global state: callers on
 * several processors may run it at once.  Needs about 1.5 KiB of stack (x86-64, -O2), and
 * 2.5 KiB more only when a written field's VMWRITE fails (VM entry then reads the VMCS without
 * that field): with its input and result, under 8 KiB of a kernel stack.
 */
void vmcsl_check(const struct vmcsl_input *in, struct vmcsl_result *out);

/*
 * The rule's result in res: RULE_PASS, RULE_FAIL, RULE_NA, RULE_UNDECIDED or RULE_MAYFAIL.
 */
enum rule_result vmcsl_rule_result(const struct vmcsl_result *res, size_t rule);

/*
 * Sets a rule's result in res (and, for a rule of CHECK_CLASS_MSRLOAD, its 1-based entry): for
 * callers that model a processor deviating from the SDM and want the prediction that follows.
 */
void vmcsl_result_set(struct vmcsl_result *res, size_t rule, enum rule_result r,
                      uint32_t msr_entry);

/*
 * The MSR-load entry (1-based) a failing or undecided rule of CHECK_CLASS_MSRLOAD is about; 0
 * for any other rule.
 */
uint32_t vmcsl_rule_msr_entry(const struct vmcsl_result *res, size_t rule);

#ifdef CHECK_TRACE_READS
/* Test builds only: the fields rule reads on in (a bitset by field index). */
void vmcsl_rule_reads(const struct vmcsl_input *in, const struct vmcsl_result *res, size_t rule,
                      uint64_t reads[VMCSL_FIELD_WORDS]);
/*
 * Test builds only, for a function rule: false when its conditions do not all hold on in;
 * else the fields its conditions read (conds) and its check then reads (body), and whether the
 * core runs the check alone when a condition is unknown (checkable).
 */
bool vmcsl_rule_body_reads(const struct vmcsl_input *in, size_t rule,
                           uint64_t body[VMCSL_FIELD_WORDS], uint64_t conds[VMCSL_FIELD_WORDS],
                           bool *checkable);
#endif

/*
 * The prediction on res when the checks of the classes in assume_passed (bit 1 << class) are
 * taken as passed (a log showing a later failure proves them passed): the first failing class
 * tier's outcome, with the other VM-instruction error the SDM allows and whether another
 * qualification may be reported; an undecided earlier check makes it undecided; an earlier
 * implementation-specific one makes it processor-dependent.
 */
void vmcsl_predict(const struct vmcsl_result *res, unsigned assume_passed,
                   struct vmcsl_prediction *out);

/*
 * The message and fix hint of one rule (not passed in res), formatted into the caller's
 * buffers (NUL-terminated, truncated to their size): the rule is evaluated again in render
 * mode on the same input.  *field gets the field the message is about (-1: none).  Returns the
 * rule's result, which equals vmcsl_rule_result(res, rule).
 */
enum rule_result vmcsl_render(const struct vmcsl_input *in, const struct vmcsl_result *res,
                              size_t rule, char *message, size_t message_len, char *hint,
                              size_t hint_len, int *field);

#define CHECK_MSG_MAX      320
#define CHECK_MAX_FINDINGS VMCSL_MAX_RULES /* every check's finding fits (report.c asserts it) */
#define CHECK_MAX_RULES    512

/* One failed, undecidable or implementation-specific rule. */
struct check_finding {
	uint16_t rule;  /* index in the rule table */
	uint8_t result; /* RULE_FAIL, RULE_UNDECIDED or RULE_MAYFAIL */
	struct check_outcome outcome;
	int16_t field;     /* the field the message is about (index), or -1 */
	int32_t msr_index; /* CHECK_CLASS_MSRLOAD: 0-based entry, else -1 */
	char message[CHECK_MSG_MAX];
	char hint[CHECK_MSG_MAX];
};

/*
 * A VMWRITE that fails by itself (VMfailValid: error 12 for a field the processor lacks, 13 for
 * a read-only field): the field stays out of the VMCS, which VM entry then sees without it.
 */
struct check_vmwrite {
	int16_t field;  /* index in the field table */
	uint8_t result; /* RULE_FAIL (it fails) or RULE_UNDECIDED (whether it does is unknown) */
	uint8_t error;  /* its VM-instruction error: 12 or 13 */
	uint16_t rule;  /* the rule that found it (VMWRITE-FIELD-EXISTS, VMWRITE-READ-ONLY) */
};

/* Everything a run found. */
struct check_report {
	/* The VM entry's outcome, judged on the VMCS the VMWRITEs leave (vmwrite[]). */
	struct check_outcome prediction;
	int16_t deciding_rule; /* index of the rule that decides the prediction, or -1 */
	size_t n_findings;
	size_t n_failed, n_undecided, n_passed, n_not_applicable, n_mayfail;
	bool truncated; /* more than CHECK_MAX_FINDINGS findings */
	struct check_finding findings[CHECK_MAX_FINDINGS];
	/* Written fields whose VMWRITE fails or may fail, in field-table order. */
	size_t n_vmwrite;
	struct check_vmwrite vmwrite[VMCS_FIELD_CAPACITY];
	struct vmcsl_result core; /* the fast pass's result the report was rendered from */
	/*
	 * What the prediction rests on: the reads of every rule in the deciding rule's class and
	 * the classes checked before it (of every rule when the entry succeeds or the prediction
	 * is undecided or processor-dependent).  With vmx_caps_inferred(): which values from
	 * another processor's dump the prediction depends on.
	 */
	struct vmx_caps_reads depends;
};

/* The input of a check: the VMCS, the processor's capabilities, and the rest of the state. */
struct check_input {
	const struct vmcs_state *vmcs;
	const struct vmx_caps *caps;
	const struct vmentry_env *env;
};

/*
 * Runs every rule on in and fills report: all findings in table order, the VMWRITEs that fail
 * (each by itself, error 12), and the prediction of the VM entry on the VMCS those VMWRITEs
 * leave (the first failing class's outcome, SDM chapter "VM Entries").  Never allocates; uses
 * about 3 KiB of stack when a VMWRITE fails.  When in->caps->reads is set, everything the
 * rules read of the capabilities is added to it.
 */
void check_run(const struct check_input *in, struct check_report *report);
/*
 * check_run() with in->caps already compiled into *compiled (vmcsl_caps_compile()): what a
 * caller checking many VMCSs on one processor runs, compiling the capabilities once.
 */
void check_run_compiled(const struct check_input *in, const struct vmcsl_caps *compiled,
                        struct check_report *report);
/* Sets rep's counts (n_failed ... n_passed) from its result sets (rep->core). */
void check_report_count(struct check_report *rep);
/* The result of rule `rule` in rep (enum rule_result; RULE_NA beyond the table). */
enum rule_result check_report_result(const struct check_report *rep, size_t rule);

/*
 * Computes rep->prediction, rep->deciding_rule and rep->depends from rep->findings and
 * rep->core.class_reads (check_run() ends with it).  For callers that change findings -- e.g. to
 * model a processor that skips a check or reports another outcome for it -- and want the
 * prediction that follows.
 */
void check_predict(struct check_report *rep);
/*
 * Merges other, the report of the same VMCS on another processor that may be this one, into
 * into: a rule with one result in both keeps it; passing in one and not applying in the other
 * is passing; any other difference is undecided, its finding's message starting "cannot
 * decide: " why.  The VMWRITE list and the counts follow; the prediction is left to the caller.
 */
void check_report_merge(struct check_report *into, const struct check_report *other,
                        const char *why);

/*
 * "success", "vmfail_invalid", "vmfail_valid", "entry_failure", "undecided",
 * "processor_dependent".
 */
const char *check_outcome_name(unsigned kind);
/* Whether two outcomes say the same in every member. */
bool check_outcome_same(const struct check_outcome *a, const struct check_outcome *b);

#endif /* VMCSLINT_H */
