/*
 * ap.S -- how the watchdog processor (smp.c) gets from a start-up IPI to ap_main().
 *
 * A SIPI with vector V starts an application processor in real mode at V000:0000.  The
 * trampoline below is copied to AP_TRAMPOLINE (below 1 MiB) by smp.c, which also fills in its
 * GDT pointer; it only enters protected mode and jumps into the image, where the 32-bit entry
 * takes the boot processor's way into long mode (boot.S, long_mode_enter).  Only the first processor to arrive goes on: on a machine with more
 * than two (GRUB on bare metal, where the start-up IPI is broadcast) the others halt before
 * they touch a stack.
 */
#include "probe_asm.h"

	.section .rodata
	.code16
	.globl ap_tramp_start, ap_tramp_end, ap_tramp_gdt
ap_tramp_start:
	cli
	cld
	mov %cs, %ax
	mov %ax, %ds
	lgdtl ap_tramp_gdt - ap_tramp_start
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl $SEL_CODE32, $ap_start32
	.balign 8
ap_tramp_gdt: /* limit, 32-bit base: filled in by smp.c */
	.word 0
	.long 0
ap_tramp_end:

	.text
	.code32
ap_start32:
	mov $SEL_DATA, %eax /* DS still has the real-mode base; long_mode_enter loads the rest */
	mov %eax, %ds
	mov $1, %ecx
	xor %eax, %eax
	lock cmpxchg %ecx, ap_claimed
	jnz 9f
	mov $ap_start64, %edi
	jmp long_mode_enter
9:	cli /* another processor is the watchdog */
	hlt
	jmp 9b

	.code64
ap_start64:
	mov ap_stack_top(%rip), %rsp
	call ap_main
1:	cli
	hlt
	jmp 1b

/*
 * The wake-up interrupt (a fixed IPI from the boot processor): only ends the AP's HLT; the
 * C side acknowledges it (xAPIC or x2APIC).
 */
	.globl ap_wake_isr, ap_spurious_isr
ap_wake_isr:
	push %rax
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %r8
	push %r9
	push %r10
	push %r11
	cld
	call ap_wake_eoi
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rax
ap_spurious_isr: /* a spurious interrupt needs no EOI */
	iretq

	.bss
	.balign 4
	.globl ap_claimed
ap_claimed:
	.long 0

	.section .note.GNU-stack, "", @progbits
