/*
 * boot.S -- the multiboot header, the 32-bit entry that switches to long mode, the exception
 * stubs, and the VM-entry/VM-exit path of the vmx-probe image.
 *
 * Entry (multiboot, or the Bochs boot ROM which mimics it): 32-bit protected mode, paging
 * off, EAX = 0x2BADB002, EBX = multiboot information.  The image identity-maps the first
 * 4 GiB with 2-MiB pages, enables long mode and calls probe_main(magic, mbi).
 */
#include "probe_asm.h"

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* modules page-aligned, memory information */

	.section .multiboot, "a"
	.balign 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

/* ---------------------------------------------------------------------------------------- */
	.section .text.boot, "ax"
	.code32
	.globl _start32
_start32:
	cli
	cld
	mov %eax, %ebp /* multiboot magic */
	mov %ebx, %esi /* multiboot information */

	/* our GDT and flat data segments */
	lgdt gdt_desc
	mov $SEL_DATA, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %eax, %fs
	mov %eax, %gs

	/* .bss: zero */
	mov $__bss_start, %edi
	mov $__bss_end, %ecx
	sub %edi, %ecx
	shr $2, %ecx
	xor %eax, %eax
	rep stosl

	/*
	 * CPUID snapshot in 32-bit protected mode, before long mode: Intel processors report
	 * CPUID.80000001H:EDX.SYSCALL only in 64-bit mode, and the committed Bochs capsdb
	 * entries were read outside it.
	 */
	mov $boot_stack_top, %esp
	push %esi
	push %ebp
	xor %ebp, %ebp
5:	mov boot_cpuid_leaves(,%ebp,8), %eax
	mov boot_cpuid_leaves+4(,%ebp,8), %ecx
	cpuid
	mov %ebp, %esi
	shl $4, %esi
	mov %eax, boot_cpuid(%esi)
	mov %ebx, boot_cpuid+4(%esi)
	mov %ecx, boot_cpuid+8(%esi)
	mov %edx, boot_cpuid+12(%esi)
	inc %ebp
	cmp $((boot_cpuid_leaves_end - boot_cpuid_leaves) / 8), %ebp
	jb 5b
	pop %ebp
	pop %esi

	/* identity map of 4 GiB: 2048 2-MiB pages in four page directories */
	mov $pg_pd, %edi
	mov $0x83, %eax /* present, writable, 2 MiB */
	xor %edx, %edx
	mov $2048, %ecx
1:	mov %eax, (%edi)
	mov %edx, 4(%edi)
	add $0x200000, %eax
	adc $0, %edx
	add $8, %edi
	loop 1b
	mov $pg_pdpt, %edi
	mov $pg_pd + 3, %eax
	mov $4, %ecx
2:	mov %eax, (%edi)
	add $4096, %eax
	add $8, %edi
	loop 2b
	movl $pg_pdpt + 3, pg_pml4
	movl $pg_pml4 + 3, pg_pml5 /* for a host that VM exits with CR4.LA57 = 1 */

	mov $start64, %edi
	jmp long_mode_enter

	.code64
start64:
	mov $boot_stack_top, %rsp
	mov %ebp, %edi
	mov %esi, %esi
	call probe_main
3:	cli
	hlt
	jmp 3b

/*
 * From 32-bit protected mode with paging off to 64-bit mode, for the boot processor and the
 * watchdog processor (ap.S): CR4.PAE, the 4-GiB identity map, EFER.LME, CR0.PG, the data
 * segments, then a jump to %edi.  Clobbers EAX, ECX, EDX; the other registers keep their low
 * 32 bits.
 */
	.code32
	.globl long_mode_enter
long_mode_enter:
	mov $0x20, %eax /* CR4.PAE */
	mov %eax, %cr4
	mov $pg_pml4, %eax
	mov %eax, %cr3
	mov $0xC0000080, %ecx /* IA32_EFER.LME */
	rdmsr
	or $0x100, %eax
	wrmsr
	mov $PROBE_CR0, %eax
	mov %eax, %cr0
	ljmp $SEL_CODE64, $1f
	.code64
1:	mov $SEL_DATA, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %eax, %fs
	mov %eax, %gs
	mov %edi, %eax /* zero-extended */
	jmp *%rax

/* ---------------------------------------------------------------------------------------- */
/* Exception stubs: push a zero error code where the CPU pushes none, then the vector. */

	.text
	.code64
.macro TRAP vec, has_err
trap_\vec:
	.if \has_err == 0
	pushq $0
	.endif
	pushq $\vec
	jmp trap_common
.endm

TRAP 0, 0
TRAP 1, 0
TRAP 2, 0
TRAP 3, 0
TRAP 4, 0
TRAP 5, 0
TRAP 6, 0
TRAP 7, 0
TRAP 8, 1
TRAP 9, 0
TRAP 10, 1
TRAP 11, 1
TRAP 12, 1
TRAP 13, 1
TRAP 14, 1
TRAP 15, 0
TRAP 16, 0
TRAP 17, 1
TRAP 18, 0
TRAP 19, 0
TRAP 20, 0
TRAP 21, 1
TRAP 22, 0
TRAP 23, 0
TRAP 24, 0
TRAP 25, 0
TRAP 26, 0
TRAP 27, 0
TRAP 28, 0
TRAP 29, 1
TRAP 30, 1
TRAP 31, 0

trap_common:
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %rbp
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, %rdi
	cld
	call trap_handler
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rbp
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
	add $16, %rsp
	iretq

	.section .rodata
	.balign 8
	/*
	 * the leaves of the CPUID snapshot: leaf, sub-leaf pairs, every leaf a check may read
	 * (capsdb/cpuid_leaves.def, in enum cpuid_leaf_id order)
	 */
	.globl boot_cpuid_leaves
boot_cpuid_leaves:
#define CPUID_LEAF(id, leaf, subleaf, key, what) .long leaf, subleaf;
#include "cpuid_leaves.def"
boot_cpuid_leaves_end:
	.globl trap_stubs
trap_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad trap_\v
	.endr

/* ---------------------------------------------------------------------------------------- */
/*
 * int vmx_enter(unsigned mode): VMLAUNCH (mode bit 0 clear) or VMRESUME (set), right after
 * MOV SS when mode bit 1 is set.  Returns VMX_ENTER_EXITED when the guest ran and a VM exit
 * came back through vmx_exit_stub (also for a VM-entry failure), VMX_ENTER_FAIL_INVALID,
 * VMX_ENTER_FAIL_VALID, or VMX_ENTER_TRAP when the instruction faulted (trap_vector).
 */
	.text
	.globl vmx_enter
	.type vmx_enter, @function
vmx_enter:
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, vmx_saved_rsp(%rip)
	movl $-1, trap_vector(%rip)
	mov %ss, %eax
	test $2, %edi
	jnz 5f
	test $1, %edi
	jnz 1f
10:	vmlaunch
	jmp 2f
1:
11:	vmresume
	jmp 2f
5:	test $1, %edi
	jnz 6f
	mov %eax, %ss
12:	vmlaunch
	jmp 2f
6:	mov %eax, %ss
13:	vmresume
2:	/* no VM entry: the flags say why */
	mov $VMX_ENTER_FAIL_INVALID, %eax
	jc 3f
	mov $VMX_ENTER_FAIL_VALID, %eax
	jz 3f
	mov $VMX_ENTER_NO_FLAGS, %eax
	jmp 3f
20:	/* fixup: the instruction faulted */
	mov $VMX_ENTER_TRAP, %eax
3:	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret
	.pushsection .extable, "a"
	.balign 8
	.quad 10b, 20b
	.quad 11b, 20b
	.quad 12b, 20b
	.quad 13b, 20b
	.popsection

/*
 * HOST_RIP of every case.  The VM exit loaded the host state the case gave (control
 * registers, selectors, bases); before anything that reads memory, put back the image's own
 * CR4 (keeping LA57, which cannot change while paging is on, and clearing CET, PKS, FRED,
 * LASS...), CR0 and CR3 without PCID bits, then the GDT, IDT and segments.  TR, FS/GS bases
 * and MSRs are restored in C (vmx_host_restore()).
 */
	.globl vmx_exit_stub
	.type vmx_exit_stub, @function
vmx_exit_stub:
	mov %cr4, %rax
	and $CR4_LA57, %eax
	or $PROBE_CR4, %eax
	mov %rax, %cr4
	mov $PROBE_CR0, %eax
	mov %rax, %cr0
	mov %cr3, %rax
	and $-4096, %rax
	mov %rax, %cr3
	lgdt gdt_desc(%rip)
	lidt idt_desc(%rip)
	mov $SEL_DATA, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %eax, %fs
	mov %eax, %gs
	mov vmx_saved_rsp(%rip), %rsp
	pushq $SEL_CODE64
	lea 4f(%rip), %rax
	push %rax
	lretq
4:	mov $VMX_ENTER_EXITED, %eax
	jmp 3b

/* ---------------------------------------------------------------------------------------- */
/* The GDT: null, 64-bit code, data, 32-bit code, TSS (filled in by C). */
	.data
	.balign 16
	.globl gdt
gdt:
	.quad 0
	.quad 0x00af9b000000ffff /* SEL_CODE64 */
	.quad 0x00cf93000000ffff /* SEL_DATA */
	.quad 0x00cf9b000000ffff /* SEL_CODE32 */
	.quad 0, 0               /* SEL_TSS */
gdt_end:
	.globl gdt_desc
	.balign 8
	.word 0, 0, 0
gdt_desc:
	.word gdt_end - gdt - 1
	.quad gdt

	.bss
	.balign 16
	.globl boot_cpuid
boot_cpuid:
	.skip 2 * (boot_cpuid_leaves_end - boot_cpuid_leaves)
	.balign 8
	.globl vmx_saved_rsp
vmx_saved_rsp:
	.quad 0
	.balign 16
boot_stack:
	.skip 65536
	.globl boot_stack_top
boot_stack_top:
	.balign 16
	.globl vmx_exit_stack_top
vmx_exit_stack:
	.skip 16384
vmx_exit_stack_top:
	.balign 4096
	.globl pg_pml5, pg_pml4, pg_pdpt, pg_pd
pg_pml5:
	.skip 4096
pg_pml4:
	.skip 4096
pg_pdpt:
	.skip 4096
pg_pd:
	.skip 4 * 4096

	.section .note.GNU-stack, "", @progbits
