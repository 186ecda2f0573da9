/*
 * probe_asm.h -- constants shared by the image's assembly and C.
 */
#ifndef VMXP_PROBE_ASM_H
#define VMXP_PROBE_ASM_H

/* GDT selectors (boot.S). */
#define SEL_CODE64 0x08
#define SEL_DATA   0x10
#define SEL_CODE32 0x18
#define SEL_TSS    0x20

/* The image's own CR0 (PG, WP, NE, ET, MP, PE) and CR4 (PAE, VMXE). */
#define PROBE_CR0 0x80010033
#define PROBE_CR4 0x00002020
#define CR4_LA57  0x00001000

/*
 * Where the watchdog processor starts in real mode (smp.c, ap.S): a page below 1 MiB, above
 * the low 64 KiB that probe.c fills for the cases, below any firmware area.
 */
#define AP_TRAMPOLINE 0x70000

/* vmx_enter() results. */
#define VMX_ENTER_EXITED       0
#define VMX_ENTER_FAIL_INVALID 1
#define VMX_ENTER_FAIL_VALID   2
#define VMX_ENTER_TRAP         3
#define VMX_ENTER_NO_FLAGS     4

#endif /* VMXP_PROBE_ASM_H */
