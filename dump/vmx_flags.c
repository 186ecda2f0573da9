/*
 * vmx_flags.c -- cpuinfo's "vmx flags" line (Linux 5.8 and later): the VMX features the kernel
 * found allowed, each an allowed 1-setting of a capability MSR.
 *
 * Linux reads the capability MSRs at boot and lists a feature when its control (or
 * capability) bit is allowed to be 1; under a hypervisor the list is what the hypervisor
 * offers, which is what that kernel's VM entries are checked against.  A name in the list
 * proves its bits allowed; a name missing proves nothing (kernels list different sets, under
 * different names: "vapic_reg" now, "apic_register_virt" before a rename).  Names follow
 * Linux's arch/x86/include/asm/vmxfeatures.h, our table of the SDM bits each stands for.
 */
#include <string.h>

#include "internal.h"
#include "vmcs_ids.h"

/* An allowed 1-setting a name proves: control bit b of a control MSR, or bit b of another. */
struct flag_bit {
	uint8_t msr; /* enum vmx_msr_id */
	uint8_t bit;
};

/* Unused slots are {0, 0}: no name stands for a bit of IA32_VMX_BASIC. */
struct vmx_flag {
	const char *name;
	struct flag_bit bits[4];
};
_Static_assert(VMX_MSR_BASIC == 0, "an empty flag_bit slot reads as IA32_VMX_BASIC bit 0");

/* The 32/32 control MSRs hold the allowed 1-settings in bits 63:32; bits by their layout names. */
#define PIN(n)                                                                                     \
	{                                                                                          \
		VMX_MSR_TRUE_PINBASED_CTLS, 32 + L_PIN__##n                                        \
	}
#define PROC(n)                                                                                    \
	{                                                                                          \
		VMX_MSR_TRUE_PROCBASED_CTLS, 32 + L_PROC__##n                                      \
	}
#define PROC2(n) {VMX_MSR_PROCBASED_CTLS2, 32 + L_PROC2__##n}, PROC(ACTIVATE_SECONDARY_CONTROLS)
#define PROC3(n) {VMX_MSR_PROCBASED_CTLS3, L_PROC3__##n}, PROC(ACTIVATE_TERTIARY_CONTROLS)
#define EPT(n)                                                                                     \
	{                                                                                          \
		VMX_MSR_EPT_VPID_CAP, L_MSR_EPT_VPID_CAP__##n                                      \
	}
#define VMFUNC(n) {VMX_MSR_VMFUNC, L_VMFUNC__##n}, PROC2(ENABLE_VM_FUNCTIONS)

/* clang-format off */
static const struct vmx_flag flags[] = {
	/* pin-based controls */
	{"intr_exiting", {PIN(EXTERNAL_INTERRUPT_EXITING)}},
	{"nmi_exiting", {PIN(NMI_EXITING)}},
	{"vnmi", {PIN(VIRTUAL_NMIS)}},
	{"virtual_nmis", {PIN(VIRTUAL_NMIS)}},
	{"preemption_timer", {PIN(ACTIVATE_VMX_PREEMPTION_TIMER)}},
	{"posted_intr", {PIN(PROCESS_POSTED_INTERRUPTS)}},
	/* IA32_VMX_EPT_VPID_CAP */
	{"invvpid", {EPT(INVVPID)}},
	{"ept_x_only", {EPT(EXECUTE_ONLY)}},
	{"ept_execute_only", {EPT(EXECUTE_ONLY)}},
	{"ept_5level", {EPT(PAGE_WALK_5)}},
	{"ept_1gb", {EPT(PDPTE_1G)}},
	{"ept_ad", {EPT(ACCESSED_DIRTY)}},
	/* aggregates: "use TPR shadow" with "virtualize APIC accesses"; with APIC-register
	 * virtualization, virtual-interrupt delivery and posted interrupts */
	{"flexpriority", {PROC(USE_TPR_SHADOW), PROC2(VIRTUALIZE_APIC_ACCESSES)}},
	{"apicv", {PROC(USE_TPR_SHADOW), PROC2(APIC_REGISTER_VIRTUALIZATION)}},
	{"apicv", {PROC2(VIRTUAL_INTERRUPT_DELIVERY), PIN(PROCESS_POSTED_INTERRUPTS)}},
	/* VM functions */
	{"eptp_switching", {VMFUNC(EPTP_SWITCHING)}},
	/* primary processor-based controls */
	{"intr_window_exiting", {PROC(INTERRUPT_WINDOW_EXITING)}},
	{"tsc_offset", {PROC(USE_TSC_OFFSETTING)}},
	{"use_tsc_offsetting", {PROC(USE_TSC_OFFSETTING)}},
	{"hlt_exiting", {PROC(HLT_EXITING)}},
	{"invlpg_exiting", {PROC(INVLPG_EXITING)}},
	{"mwait_exiting", {PROC(MWAIT_EXITING)}},
	{"rdpmc_exiting", {PROC(RDPMC_EXITING)}},
	{"rdtsc_exiting", {PROC(RDTSC_EXITING)}},
	{"cr3_load_exiting", {PROC(CR3_LOAD_EXITING)}},
	{"cr3_store_exiting", {PROC(CR3_STORE_EXITING)}},
	{"tertiary_controls", {PROC(ACTIVATE_TERTIARY_CONTROLS)}},
	{"cr8_load_exiting", {PROC(CR8_LOAD_EXITING)}},
	{"cr8_store_exiting", {PROC(CR8_STORE_EXITING)}},
	{"vtpr", {PROC(USE_TPR_SHADOW)}},
	{"virtual_tpr", {PROC(USE_TPR_SHADOW)}},
	{"nmi_window_exiting", {PROC(NMI_WINDOW_EXITING)}},
	{"mov_dr_exiting", {PROC(MOV_DR_EXITING)}},
	{"uncond_io_exiting", {PROC(UNCONDITIONAL_IO_EXITING)}},
	{"use_io_bitmaps", {PROC(USE_IO_BITMAPS)}},
	{"mtf", {PROC(MONITOR_TRAP_FLAG)}},
	{"monitor_trap_flag", {PROC(MONITOR_TRAP_FLAG)}},
	{"use_msr_bitmaps", {PROC(USE_MSR_BITMAPS)}},
	{"monitor_exiting", {PROC(MONITOR_EXITING)}},
	{"pause_exiting", {PROC(PAUSE_EXITING)}},
	{"sec_controls", {PROC(ACTIVATE_SECONDARY_CONTROLS)}},
	/* secondary processor-based controls */
	{"vapic", {PROC2(VIRTUALIZE_APIC_ACCESSES)}},
	{"virt_apic_accesses", {PROC2(VIRTUALIZE_APIC_ACCESSES)}},
	{"ept", {PROC2(ENABLE_EPT)}},
	{"desc_exiting", {PROC2(DESCRIPTOR_TABLE_EXITING)}},
	{"rdtscp", {PROC2(ENABLE_RDTSCP)}},
	{"virtual_x2apic", {PROC2(VIRTUALIZE_X2APIC_MODE)}},
	{"vpid", {PROC2(ENABLE_VPID)}},
	{"wbinvd_exiting", {PROC2(WBINVD_EXITING)}},
	{"unrestricted_guest", {PROC2(UNRESTRICTED_GUEST)}},
	{"vapic_reg", {PROC2(APIC_REGISTER_VIRTUALIZATION)}},
	{"apic_register_virt", {PROC2(APIC_REGISTER_VIRTUALIZATION)}},
	{"vid", {PROC2(VIRTUAL_INTERRUPT_DELIVERY)}},
	{"virt_intr_delivery", {PROC2(VIRTUAL_INTERRUPT_DELIVERY)}},
	{"ple", {PROC2(PAUSE_LOOP_EXITING)}},
	{"pause_loop_exiting", {PROC2(PAUSE_LOOP_EXITING)}},
	{"rdrand_exiting", {PROC2(RDRAND_EXITING)}},
	{"invpcid", {PROC2(ENABLE_INVPCID)}},
	{"vmfunc", {PROC2(ENABLE_VM_FUNCTIONS)}},
	{"shadow_vmcs", {PROC2(VMCS_SHADOWING)}},
	{"encls_exiting", {PROC2(ENABLE_ENCLS_EXITING)}},
	{"rdseed_exiting", {PROC2(RDSEED_EXITING)}},
	{"pml", {PROC2(ENABLE_PML)}},
	{"page_mod_logging", {PROC2(ENABLE_PML)}},
	{"ept_violation_ve", {PROC2(EPT_VIOLATION_VE)}},
	{"pt_conceal_vmx", {PROC2(CONCEAL_VMX_FROM_PT)}},
	{"xsaves", {PROC2(ENABLE_XSAVES_XRSTORS)}},
	{"ept_mode_based_exec", {PROC2(MODE_BASED_EXECUTE_CONTROL_FOR_EPT)}},
	{"mode_based_ept_exec", {PROC2(MODE_BASED_EXECUTE_CONTROL_FOR_EPT)}},
	{"pt_use_gpa", {PROC2(INTEL_PT_USES_GUEST_PHYSICAL_ADDRESSES)}},
	{"tsc_scaling", {PROC2(USE_TSC_SCALING)}},
	{"usr_wait_pause", {PROC2(ENABLE_USER_WAIT_AND_PAUSE)}},
	{"enclv_exiting", {PROC2(ENABLE_ENCLV_EXITING)}},
	{"bus_lock_detection", {PROC2(VMM_BUS_LOCK_DETECTION)}},
	{"notify_vm_exiting", {PROC2(INSTRUCTION_TIMEOUT)}},
	/* tertiary processor-based controls */
	{"ipi_virt", {PROC3(IPI_VIRTUALIZATION)}},
};
/* clang-format on */

void vmx_flags_parse(const char *v, size_t vn, unsigned line, struct dump_vmx_flags *out)
{
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	out->line = line;
	while (i < vn) {
		size_t start, len;
		bool any = false;

		while (i < vn && (v[i] == ' ' || v[i] == '\t'))
			i++;
		start = i;
		while (i < vn && v[i] != ' ' && v[i] != '\t')
			i++;
		len = i - start;
		if (!len)
			break;
		for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++) {
			const struct vmx_flag *f = &flags[k];

			if (strlen(f->name) != len || memcmp(f->name, v + start, len) != 0)
				continue;
			any = true;
			for (size_t b = 0; b < sizeof(f->bits) / sizeof(f->bits[0]); b++)
				if (f->bits[b].msr || f->bits[b].bit)
					out->allowed1[f->bits[b].msr] |= 1ull << f->bits[b].bit;
		}
		if (!any)
			continue; /* a name this table does not know (a newer kernel's) */
		if (out->n++ < 6) {
			size_t used = strlen(out->shown);

			if (used + len + 3 < sizeof(out->shown)) {
				if (used)
					strcat(out->shown, ", ");
				strncat(out->shown, v + start, len);
			}
		}
	}
}
