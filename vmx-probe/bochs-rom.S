/*
 * bochs-rom.S -- a 64-KiB system ROM for Bochs (`romimage: file=...`) that replaces the BIOS:
 * from the reset vector it enables A20, enters 32-bit protected mode and jumps to the image's
 * 32-bit entry (VMXP_ENTRY32) the way a multiboot loader would: EAX = 0x2BADB002, EBX = a
 * multiboot information block (at 0x7000) with the command line "console=e9 batch=ata": the
 * image reads the case batch from the ATA disk (Bochs's optramimage, which loads the image
 * itself, holds at most 128 KiB).  No BIOS runs, so a boot takes a few milliseconds of
 * emulated time.
 *
 * The ROM is mapped at 0xF0000 (and 0xFFFF0000); the code runs at CS = 0xF000.
 */
#define ROM_BASE 0xF0000
#define MBI      0x7000
#define MODS     0x7100

#include "protocol.h" /* VMXP_ENTRY32, the command line words */

	.code16
	.text
	.globl rom_start
rom_start:
	cli
	cld
	/* fast A20 */
	inb $0x92, %al
	orb $2, %al
	andb $0xfe, %al
	outb %al, $0x92
	lgdtl %cs:rom_gdt_desc
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl $0x08, $(ROM_BASE + pm32)

	.code32
pm32:
	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %eax, %fs
	mov %eax, %gs
	mov $0x7000, %esp
	/* the multiboot information: a command line; the batch is on the ATA disk */
	movl $0x4, MBI          /* flags: cmdline */
	movl $(ROM_BASE + cmdline), MBI + 16
	movl $0, MBI + 20       /* mods_count */
	movl $MODS, MBI + 24    /* mods_addr */
1:	mov $0x2BADB002, %eax
	mov $MBI, %ebx
	mov $VMXP_ENTRY32, %ecx
	jmp *%ecx

	.balign 8
rom_gdt:
	.quad 0
	.quad 0x00cf9b000000ffff /* 0x08: 32-bit code, flat */
	.quad 0x00cf93000000ffff /* 0x10: data, flat */
rom_gdt_desc:
	.word rom_gdt_desc - rom_gdt - 1
	.long ROM_BASE + rom_gdt
cmdline:
	.ascii "vmx-probe "
	.ascii VMXP_CMDLINE_CONSOLE_E9
	.ascii " "
	.asciz VMXP_CMDLINE_BATCH_ATA

	.org 0xfff0
	.code16
reset_vector:
	ljmp $0xf000, $rom_start
	.org 0x10000

	.section .note.GNU-stack, "", @progbits
