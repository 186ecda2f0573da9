/*
 * protocol.h -- what the host and the vmx-probe image exchange: the case batch (host ->
 * image, binary) and the report lines (image -> host, text).  Shared by the freestanding
 * image (vmx-probe/), its Bochs boot ROM (bochs-rom.S: the constants only) and the host side
 * (probe/); uses <stdint.h> only.
 * vmx-probe/README.md describes the same format in prose.
 *
 * The batch (little-endian, every record 8-byte aligned):
 *
 *   struct vmxp_batch          header
 *   uint32_t readback[n_readback]   encodings the image VMREADs for a full read-back
 *                                   (padded with 0 to a multiple of 8 bytes)
 *   n_cases records, each:
 *     struct vmxp_case
 *     struct vmxp_write  writes[n_writes]
 *     struct vmxp_msr    msr_load[n_msr_load]     (VMXP_CASE_MSR_LOAD)
 *     uint64_t           pdpte[4]                 (VMXP_CASE_PDPTES)
 *
 * A case's field writes are either complete (VMWRITE exactly these fields) or, with
 * VMXP_CASE_DELTA, changes to the previous case's list: VMXP_OP_WRITE adds or replaces a
 * field, VMXP_OP_UNWRITE removes it.  The first case of a batch is never a delta.  Fields are
 * written in ascending encoding order whatever the order of the records.
 *
 * The report: lines on port 0xE9 (and/or COM1), each
 *
 *   "@@VMXP " PAYLOAD " #" CHECK "@@" "\n"
 *
 * where CHECK is 4 lowercase hex digits, vmxp_line_check() of PAYLOAD.  Payloads (numbers
 * in lowercase hex without leading zeros, fields separated by one space):
 *
 *   BEGIN v=VERSION boot=N             image started (boot > 1: after a reset)
 *   CPUID LEAF SUB EAX EBX ECX EDX     every leaf of capsdb/cpuid_leaves.def (what the checks
 *                                      read), read in 32-bit mode at entry; none above the
 *                                      maximum leaf (CPUID.0:EAX, 80000000H:EAX) or, for 07H
 *                                      and 14H, above the maximum sub-leaf (EAX of sub-leaf 0)
 *   MSR INDEX VALUE | MSR INDEX GP     RDMSR of 0x480..0x493, or #GP
 *   BATCH n=N ok | BATCH bad REASON... the batch as found ("no module": none given)
 *   FC initial=VALUE                   IA32_FEATURE_CONTROL was unlocked (no BIOS ran): its
 *                                      value before the image locked it with VMX enabled
 *   MSR 3a VALUE                       IA32_FEATURE_CONTROL as VMX runs with it
 *   VMX rev=R size=S maxphy=M          VMXON done
 *   SMP ap=ID | SMP none REASON...     the watchdog processor (batch flag WATCHDOG) runs, with
 *                                      local APIC ID ID, or could not be started: a case whose
 *                                      guest waits for a SIPI is then lost
 *   SMP lost                           the watchdog stopped answering (it is not used again)
 *   NOVMX REASON...                    VMX unusable: no case runs
 *   LOST ID                            the image lost control in case ID (found after a reset)
 *   W ID ENC=ERR ...                   VMWRITEs that failed: ERR is the VM-instruction error,
 *                                      "fi" for VMfailInvalid, "tV" for exception vector V
 *   R ID ENC=VALUE ...                 VMREAD-back values that differ from the case's value
 *                                      (0 for a field the case does not write)
 *   X ID ENC ...                       fields whose VMREAD failed
 *   A ID ENC ...                       fields the image wrote that the case does not (the
 *                                      VMX-preemption timer, HOST_RIP/RSP/CR3 left at 0)
 *   M ID link=WORD pdpte=P0,P1,P2,P3   memory the image used where it differs from the case's:
 *                                      the link-pointer target's first word, the PDPTEs it
 *                                      wrote at the guest CR3 it used
 *   P ID KIND ERR ALT REASON QUAL VARIES OKIND OREASON OQUAL RULE
 *                                      the checker core's prediction in ring 0, on the state
 *                                      the W..M lines describe (struct check_outcome's
 *                                      members in order; RULE: the deciding check's id, "-")
 *   O ID FI                            outcome: VMfailInvalid
 *   O ID FV ERR                        outcome: VMfailValid with the VM-instruction error
 *   O ID EX REASON QUAL                outcome: VM exit (REASON bit 31 = VM-entry failure);
 *                                      a guest left waiting for a SIPI comes back with reason
 *                                      4 and QUAL VMXP_WATCHDOG_SIPI_VECTOR (the watchdog's)
 *   O ID TRAP VECTOR RIP               outcome: the image took an exception in the case
 *   O ID PRE KIND ERR REASON           outcome: the launch before a VMRESUME case failed
 *   END cases=N lost=L                 every case ran (N: in this boot)
 *
 * Human-readable lines without the marker (PASS:, SKIP:, SUMMARY:, as kvm-unit-tests prints
 * them) may come between report lines.
 * An O line ends every case; W, R, X, A, M and P lines of a case come before its O line.
 */
#ifndef VMXP_PROTOCOL_H
#define VMXP_PROTOCOL_H

/* The image's command line words: where it reports and where it finds the batch. */
#define VMXP_CMDLINE_CONSOLE_E9 "console=e9" /* report on port 0xE9 */
#define VMXP_CMDLINE_BATCH_ATA  "batch=ata"  /* the batch is on the ATA disk (Bochs) */

/* An unsigned constant in C, a plain number to the assembler. */
#ifdef __ASSEMBLER__
#define VMXP_U(x) x
#else
#define VMXP_U(x) x##u
#endif

/* Where the Bochs boot path puts things (physical addresses). */
#define VMXP_IMAGE_ADDR VMXP_U(0x400000)   /* the flat image (multiboot load address) */
#define VMXP_ENTRY32    VMXP_U(0x400010)   /* its 32-bit entry, right after the multiboot header */
#define VMXP_BATCH_ADDR VMXP_U(0x1000000)  /* where the image reads the batch disk, 16 MiB */
#define VMXP_BATCH_MAX  VMXP_U(0xc0000000) /* below the 4-GiB identity map's end */

#ifndef __ASSEMBLER__
#include <stdint.h>

#define VMXP_BATCH_MAGIC   0x42504d56u /* "VMPB" */
#define VMXP_BATCH_VERSION 1u
#define VMXP_LINE_MARKER   "@@VMXP "
#define VMXP_LINE_END      "@@"

/* The vector of the SIPIs the watchdog processor sends: the qualification of their VM exits. */
#define VMXP_WATCHDOG_SIPI_VECTOR 0x70u

/* Batch flags. */
#define VMXP_BATCH_FULL_READBACK 0x1u /* read back the whole readback list for every case */
#define VMXP_BATCH_CHECKSUM      0x2u /* checksum holds FNV-1a of the batch */
#define VMXP_BATCH_WATCHDOG      0x4u /* a case may wait for a SIPI: start the watchdog processor */

struct vmxp_batch {
	uint32_t magic;       /* VMXP_BATCH_MAGIC */
	uint16_t version;     /* VMXP_BATCH_VERSION */
	uint16_t header_size; /* sizeof(struct vmxp_batch) */
	uint32_t total_size;  /* bytes, header included */
	uint32_t n_cases;
	uint32_t flags;      /* VMXP_BATCH_* */
	uint32_t n_readback; /* encodings after the header */
	uint32_t checksum;   /* vmxp_fnv1a() of the batch, this field 0 */
	uint32_t timer;      /* VMX-preemption timer value the image uses to bound guests */
};

/* Case flags. */
#define VMXP_CASE_VMRESUME      0x01u /* enter with VMRESUME (default VMLAUNCH) */
#define VMXP_CASE_LAUNCHED      0x02u /* launch the VMCS first, so its launch state is "launched" */
#define VMXP_CASE_MOV_SS        0x04u /* execute the instruction right after MOV SS */
#define VMXP_CASE_DELTA         0x08u /* writes change the previous case's list */
#define VMXP_CASE_MSR_LOAD      0x10u /* msr_load entries follow (VM-entry MSR-load area) */
#define VMXP_CASE_PDPTES        0x20u /* pdpte[4] follows (PDPTEs at guest CR3) */
#define VMXP_CASE_LINK          0x40u /* link_word is what the VMCS link pointer's target holds */
#define VMXP_CASE_FULL_READBACK 0x80u /* read back the whole readback list */
#define VMXP_CASE_LINK_VMCS     0x100u /* with VMXP_CASE_LINK: the target is a VMCS region */
/* Tests only: the image triple-faults in the case, to exercise its recovery after a reset. */
#define VMXP_CASE_SELFTEST_CRASH 0x80000000u

struct vmxp_case {
	uint32_t size; /* bytes of this record, writes and memory included */
	uint32_t id;   /* echoed in every report line of the case */
	uint32_t flags;
	uint32_t n_writes;
	uint32_t n_msr_load;
	uint32_t link_word; /* VMXP_CASE_LINK: first 32 bits of the link-pointer target */
};

#define VMXP_OP_WRITE   0u
#define VMXP_OP_UNWRITE 1u

struct vmxp_write {
	uint32_t encoding;
	uint32_t op; /* VMXP_OP_* */
	uint64_t value;
};

struct vmxp_msr {
	uint32_t index;
	uint32_t reserved;
	uint64_t value;
};

#define VMXP_MAX_WRITES   512u /* fields per case */
#define VMXP_MAX_MSR_LOAD 4095u

/* FNV-1a, 32 bits. */
static inline uint32_t vmxp_fnv1a(uint32_t h, const void *data, uint32_t len)
{
	const uint8_t *p = (const uint8_t *)data;

	for (uint32_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}
#define VMXP_FNV_INIT 2166136261u

/* The check of a report line: FNV-1a of the payload folded to 16 bits. */
static inline uint32_t vmxp_line_check(const char *payload, uint32_t len)
{
	uint32_t h = vmxp_fnv1a(VMXP_FNV_INIT, payload, len);

	return (h ^ (h >> 16)) & 0xffffu;
}

#endif /* !__ASSEMBLER__ */
#endif /* VMXP_PROTOCOL_H */
