/*
 * vmx.c -- VMX instruction wrappers, the image's GDT/IDT/TSS, the exception handler and the
 * host state restored after every VM exit.
 */
#include "vmx.h"

#include "rt/rt.h"

volatile int trap_vector = -1;
void (*trap_unexpected)(unsigned vector, uint64_t rip, uint64_t error, uint64_t cr2);

/* ---- descriptor tables ---- */

struct __attribute__((packed)) tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
};

struct tss64 probe_tss __attribute__((aligned(16)));
uint64_t idt_table[64] __attribute__((aligned(16)));
struct desc_ptr idt_desc;
static uint8_t ist_stack[8192] __attribute__((aligned(16)));
extern const uint64_t trap_stubs[32];

static void load_tr(void)
{
	gdt[SEL_TSS / 8] &= ~(1ull << 41); /* busy -> available */
	__asm__ volatile("ltr %w0" : : "r"(SEL_TSS) : "memory");
}

void idt_gate(uint64_t entry[2], uint64_t handler, unsigned ist)
{
	entry[0] = (handler & 0xffff) | ((uint64_t)SEL_CODE64 << 16) | ((uint64_t)ist << 32) |
	           (0x8eull << 40) | (((handler >> 16) & 0xffff) << 48);
	entry[1] = handler >> 32;
}

void tables_init(void)
{
	uint64_t base = (uint64_t)(uintptr_t)&probe_tss, limit = sizeof(probe_tss) - 1;

	memset(&probe_tss, 0, sizeof(probe_tss));
	probe_tss.ist[0] = (uint64_t)(uintptr_t)(ist_stack + sizeof(ist_stack));
	probe_tss.iomap_base = sizeof(probe_tss);
	gdt[SEL_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
	                   (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[SEL_TSS / 8 + 1] = base >> 32;
	load_tr();

	for (unsigned v = 0; v < 32; v++) /* NMI, #DF on their own stack */
		idt_gate(&idt_table[2 * v], trap_stubs[v], (v == 2 || v == 8) ? 1 : 0);
	idt_desc.limit = 32 * 16 - 1;
	idt_desc.base = (uint64_t)(uintptr_t)idt_table;
	__asm__ volatile("lidt %0" : : "m"(idt_desc) : "memory");
}

/* ---- exceptions ---- */

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

extern const uint64_t __extable_start[], __extable_end[];

void trap_handler(struct trap_frame *f);
void trap_handler(struct trap_frame *f)
{
	uint64_t cr2;

	for (const uint64_t *e = __extable_start; e < __extable_end; e += 2) {
		if (e[0] == f->rip) {
			trap_vector = (int)f->vector;
			f->rip = e[1];
			return;
		}
	}
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	if (trap_unexpected)
		trap_unexpected((unsigned)f->vector, f->rip, f->error, cr2);
	printf("FAIL: unexpected exception %u at rip 0x%lx error 0x%lx cr2 0x%lx\n",
	       (unsigned)f->vector, f->rip, f->error, cr2);
	rt_exit(3);
}

/* ---- VMX instructions ---- */

static uint32_t read_error(void)
{
	uint64_t v = 0;
	bool cf, zf;

	__asm__ volatile("vmread %[e], %[v]"
	                 : [v] "=rm"(v), "=@ccc"(cf), "=@ccz"(zf)
	                 : [e] "r"((uint64_t)ENC_VM_INSTRUCTION_ERROR)
	                 : "memory");
	return (cf || zf) ? 0xffffffffu : (uint32_t)v;
}

static struct vmx_result result(bool cf, bool zf)
{
	struct vmx_result r = {VMX_OK, 0, 0};

	if (trap_vector >= 0) {
		r.status = VMX_FAULT;
		r.vector = (uint8_t)trap_vector;
	} else if (cf) {
		r.status = VMX_FAIL_INVALID;
	} else if (zf) {
		r.status = VMX_FAIL_VALID;
		r.error = read_error();
	}
	return r;
}

struct vmx_result vmx_on(uint64_t pa)
{
	bool cf = false, zf = false;

	trap_vector = -1;
	__asm__ volatile("1: vmxon %[pa]\n2:\n\t" EXTABLE(1b, 2b)
	                 : "=@ccc"(cf), "=@ccz"(zf)
	                 : [pa] "m"(pa)
	                 : "memory");
	return result(cf, zf);
}

struct vmx_result vmx_off(void)
{
	bool cf = false, zf = false;

	trap_vector = -1;
	__asm__ volatile("1: vmxoff\n2:\n\t" EXTABLE(1b, 2b)
	                 : "=@ccc"(cf), "=@ccz"(zf)
	                 :
	                 : "memory");
	return result(cf, zf);
}

struct vmx_result vmx_clear(uint64_t pa)
{
	bool cf = false, zf = false;

	trap_vector = -1;
	__asm__ volatile("1: vmclear %[pa]\n2:\n\t" EXTABLE(1b, 2b)
	                 : "=@ccc"(cf), "=@ccz"(zf)
	                 : [pa] "m"(pa)
	                 : "memory");
	return result(cf, zf);
}

struct vmx_result vmx_ptrld(uint64_t pa)
{
	bool cf = false, zf = false;

	trap_vector = -1;
	__asm__ volatile("1: vmptrld %[pa]\n2:\n\t" EXTABLE(1b, 2b)
	                 : "=@ccc"(cf), "=@ccz"(zf)
	                 : [pa] "m"(pa)
	                 : "memory");
	return result(cf, zf);
}

struct vmx_result vmx_write(uint32_t enc, uint64_t value)
{
	bool cf = false, zf = false;

	trap_vector = -1;
	__asm__ volatile("1: vmwrite %[v], %[e]\n2:\n\t" EXTABLE(1b, 2b)
	                 : "=@ccc"(cf), "=@ccz"(zf)
	                 : [v] "r"(value), [e] "r"((uint64_t)enc)
	                 : "memory");
	return result(cf, zf);
}

struct vmx_result vmx_read(uint32_t enc, uint64_t *value)
{
	bool cf = false, zf = false;
	uint64_t v = 0;

	trap_vector = -1;
	__asm__ volatile("1: vmread %[e], %[v]\n2:\n\t" EXTABLE(1b, 2b)
	                 : [v] "+r"(v), "=@ccc"(cf), "=@ccz"(zf)
	                 : [e] "r"((uint64_t)enc)
	                 : "memory");
	*value = v;
	return result(cf, zf);
}

/* ---- VM entry and the host state after a VM exit ---- */

int vmx_enter(unsigned mode);

/* MSRs the image puts back after every case (when readable at start). */
static const uint32_t base_msrs[] = {
    0x1b,       /* IA32_APIC_BASE */
    0x48,       /* IA32_SPEC_CTRL */
    0x174,      /* IA32_SYSENTER_CS */
    0x175,      /* IA32_SYSENTER_ESP */
    0x176,      /* IA32_SYSENTER_EIP */
    0x1a0,      /* IA32_MISC_ENABLE */
    0x1d9,      /* IA32_DEBUGCTL */
    0x277,      /* IA32_PAT */
    0x38f,      /* IA32_PERF_GLOBAL_CTRL */
    0x570,      /* IA32_RTIT_CTL */
    0x6a0,      /* IA32_U_CET */
    0x6a2,      /* IA32_S_CET */
    0x6a4,      /* IA32_PL0_SSP */
    0x6a8,      /* IA32_INTERRUPT_SSP_TABLE_ADDR */
    0x6e1,      /* IA32_PKRS */
    0xd90,      /* IA32_BNDCFGS */
    0x14ce,     /* IA32_LBR_CTL */
    0xc0000080, /* IA32_EFER */
    0xc0000081, /* IA32_STAR */
    0xc0000082, /* IA32_LSTAR */
    0xc0000083, /* IA32_CSTAR */
    0xc0000084, /* IA32_FMASK */
    0xc0000100, /* IA32_FS_BASE */
    0xc0000101, /* IA32_GS_BASE */
    0xc0000102, /* IA32_KERNEL_GS_BASE */
    0xc0000103, /* IA32_TSC_AUX */
};

#define MAX_SAVED 64
static struct {
	uint32_t index;
	uint64_t value;
} saved[MAX_SAVED];
static unsigned n_saved_base, n_saved;

void msr_save_base(void)
{
	n_saved_base = 0;
	for (unsigned i = 0; i < sizeof(base_msrs) / sizeof(base_msrs[0]); i++) {
		uint64_t v;

		if (rdmsr_safe(base_msrs[i], &v)) {
			saved[n_saved_base].index = base_msrs[i];
			saved[n_saved_base].value = v;
			n_saved_base++;
		}
	}
	n_saved = n_saved_base;
}

void msr_save_extra(const uint32_t *index, unsigned n)
{
	n_saved = n_saved_base;
	for (unsigned i = 0; i < n && n_saved < MAX_SAVED; i++) {
		uint64_t v;
		bool dup = false;

		for (unsigned j = 0; j < n_saved; j++)
			dup |= saved[j].index == index[i];
		if (!dup && rdmsr_safe(index[i], &v)) {
			saved[n_saved].index = index[i];
			saved[n_saved].value = v;
			n_saved++;
		}
	}
}

void vmx_host_restore(void)
{
	load_tr();
	for (unsigned i = 0; i < n_saved; i++) {
		uint64_t v;

		if (!rdmsr_safe(saved[i].index, &v) || v != saved[i].value)
			wrmsr_safe(saved[i].index, saved[i].value);
	}
	__asm__ volatile("mov %0, %%dr7" : : "r"(0x400ull));
}

struct vmentry_result vmx_launch(unsigned mode)
{
	struct vmentry_result r = {0, 0, 0, 0, 0};
	int k = vmx_enter(mode);
	uint64_t v;

	r.kind = (uint8_t)k;
	switch (k) {
	case VMX_ENTER_EXITED:
		vmx_host_restore();
		if (vmx_read(ENC_VM_EXIT_REASON, &v).status == VMX_OK)
			r.exit_reason = (uint32_t)v;
		if (vmx_read(ENC_EXIT_QUALIFICATION, &v).status == VMX_OK)
			r.exit_qualification = v;
		break;
	case VMX_ENTER_FAIL_VALID:
		r.error = read_error();
		break;
	case VMX_ENTER_TRAP:
		r.vector = (uint8_t)trap_vector;
		break;
	default:
		break;
	}
	return r;
}
