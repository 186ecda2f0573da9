/*
 * vmx.h -- VMX instruction wrappers of the vmx-probe image, each returning a structured
 * outcome (after kvm-unit-tests' struct vmentry_result), the image's descriptor tables and
 * the restoration of its host state after a VM exit.
 */
#ifndef VMXP_VMX_H
#define VMXP_VMX_H

#include <stdbool.h>
#include <stdint.h>

#include "probe_asm.h"

/* Encodings of every VMCS field, from the one field table: ENC_GUEST_CR0 ... */
enum vmxp_encoding {
#define VMCS_FIELD(name, enc, width, type, layout, exists, exists2, origin, sdm_name, aliases,     \
                   desc)                                                                           \
	ENC_##name = (enc),
#include "vmcs_fields.def"
	ENC__END
};

/* What a VMX instruction other than VMLAUNCH/VMRESUME did. */
enum vmx_status {
	VMX_OK = 0,
	VMX_FAIL_INVALID, /* CF = 1 */
	VMX_FAIL_VALID,   /* ZF = 1: error holds the VM-instruction error */
	VMX_FAULT,        /* the instruction raised an exception: vector */
};

struct vmx_result {
	uint8_t status; /* enum vmx_status */
	uint8_t vector; /* VMX_FAULT */
	uint32_t error; /* VMX_FAIL_VALID */
};

struct vmx_result vmx_on(uint64_t pa);
struct vmx_result vmx_off(void);
struct vmx_result vmx_clear(uint64_t pa);
struct vmx_result vmx_ptrld(uint64_t pa);
struct vmx_result vmx_write(uint32_t enc, uint64_t value);
struct vmx_result vmx_read(uint32_t enc, uint64_t *value);

/* What VMLAUNCH/VMRESUME did. */
enum vmentry_kind {
	VMENTRY_EXIT = 0,         /* a VM exit came back (entry failure when bit 31 of reason) */
	VMENTRY_FAIL_INVALID = 1, /* VMfailInvalid */
	VMENTRY_FAIL_VALID = 2,   /* VMfailValid: error */
	VMENTRY_TRAP = 3,         /* the instruction faulted: vector */
	VMENTRY_NO_FLAGS = 4,     /* fell through with neither CF nor ZF (should not happen) */
};

struct vmentry_result {
	uint8_t kind; /* enum vmentry_kind */
	uint8_t vector;
	uint32_t error;
	uint32_t exit_reason; /* full: bit 31 = VM-entry failure */
	uint64_t exit_qualification;
};

#define VMENTRY_MODE_RESUME 0x1u
#define VMENTRY_MODE_MOV_SS 0x2u

/* Enters the guest of the current VMCS (HOST_RIP must be vmx_exit_stub, HOST_RSP
 * vmx_exit_stack_top) and comes back with what happened; restores the host state. */
struct vmentry_result vmx_launch(unsigned mode);

/* The host state the image needs after a VM exit (asm: vmx_exit_stub; C: the rest). */
void vmx_exit_stub(void);
extern uint8_t vmx_exit_stack_top[];
extern uint64_t pg_pml4[512], pg_pml5[512];
struct tss64;
extern struct tss64 probe_tss;
extern uint64_t gdt[];
struct __attribute__((packed)) desc_ptr {
	uint16_t limit;
	uint64_t base;
};
extern struct desc_ptr gdt_desc, idt_desc;
extern uint64_t idt_table[64];

/* GDT TSS descriptor, IDT; called once at start. */
void tables_init(void);
/* A 64-bit interrupt gate to handler in the image's code segment (ist 0: the current stack). */
void idt_gate(uint64_t entry[2], uint64_t handler, unsigned ist);
/* After a VM exit: TR, FS/GS bases, the saved MSRs. */
void vmx_host_restore(void);
/* MSRs restored after each case: the base list plus up to extra entries of the case. */
void msr_save_base(void);
void msr_save_extra(const uint32_t *index, unsigned n);

/* Unexpected exceptions longjmp here when armed (probe.c), else the image stops. */
extern void (*trap_unexpected)(unsigned vector, uint64_t rip, uint64_t error, uint64_t cr2);

#endif /* VMXP_VMX_H */
