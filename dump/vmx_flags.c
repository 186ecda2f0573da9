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

/* An allowed 1-setting a name proves: control bit b of a control MSR, or bit b of another. */
struct flag_bit {
	uint8_t msr; /* enum vmx_msr_id */
	uint8_t bit;
};

struct vmx_flag {
	const char *name;
	struct flag_bit bits[4];
};

/* The 32/32 control MSRs hold the allowed 1-settings in bits 63:32. */
#define PIN(b)                                                                                     \
	{                                                                                          \
		VMX_MSR_TRUE_PINBASED_CTLS, 32 + (b)                                               \
	}
#define PROC(b)                                                                                    \
	{                                                                                          \
		VMX_MSR_TRUE_PROCBASED_CTLS, 32 + (b)                                              \
	}
#define PROC2(b) {VMX_MSR_PROCBASED_CTLS2, 32 + (b)}, PROC(31) /* activate secondary */
#define PROC3(b) {VMX_MSR_PROCBASED_CTLS3, (b)}, PROC(17)      /* activate tertiary */
#define EPT(b)                                                                                     \
	{                                                                                          \
		VMX_MSR_EPT_VPID_CAP, (b)                                                          \
	}
#define VMFUNC(b) {VMX_MSR_VMFUNC, (b)}, PROC2(13)

/* clang-format off */
static const struct vmx_flag flags[] = {
	/* pin-based controls */
	{"intr_exiting", {PIN(0)}},
	{"nmi_exiting", {PIN(3)}},
	{"vnmi", {PIN(5)}},
	{"virtual_nmis", {PIN(5)}},
	{"preemption_timer", {PIN(6)}},
	{"posted_intr", {PIN(7)}},
	/* IA32_VMX_EPT_VPID_CAP */
	{"invvpid", {EPT(32)}},
	{"ept_x_only", {EPT(0)}},
	{"ept_execute_only", {EPT(0)}},
	{"ept_5level", {EPT(7)}},
	{"ept_1gb", {EPT(17)}},
	{"ept_ad", {EPT(21)}},
	/* aggregates: "use TPR shadow" with "virtualize APIC accesses"; with APIC-register
	 * virtualization, virtual-interrupt delivery and posted interrupts */
	{"flexpriority", {PROC(21), PROC2(0)}},
	{"apicv", {PROC(21), PROC2(8)}},
	{"apicv", {PROC2(9), PIN(7)}},
	/* VM functions */
	{"eptp_switching", {VMFUNC(0)}},
	/* primary processor-based controls */
	{"intr_window_exiting", {PROC(2)}},
	{"tsc_offset", {PROC(3)}},
	{"use_tsc_offsetting", {PROC(3)}},
	{"hlt_exiting", {PROC(7)}},
	{"invlpg_exiting", {PROC(9)}},
	{"mwait_exiting", {PROC(10)}},
	{"rdpmc_exiting", {PROC(11)}},
	{"rdtsc_exiting", {PROC(12)}},
	{"cr3_load_exiting", {PROC(15)}},
	{"cr3_store_exiting", {PROC(16)}},
	{"tertiary_controls", {PROC(17)}},
	{"cr8_load_exiting", {PROC(19)}},
	{"cr8_store_exiting", {PROC(20)}},
	{"vtpr", {PROC(21)}},
	{"virtual_tpr", {PROC(21)}},
	{"nmi_window_exiting", {PROC(22)}},
	{"mov_dr_exiting", {PROC(23)}},
	{"uncond_io_exiting", {PROC(24)}},
	{"use_io_bitmaps", {PROC(25)}},
	{"mtf", {PROC(27)}},
	{"monitor_trap_flag", {PROC(27)}},
	{"use_msr_bitmaps", {PROC(28)}},
	{"monitor_exiting", {PROC(29)}},
	{"pause_exiting", {PROC(30)}},
	{"sec_controls", {PROC(31)}},
	/* secondary processor-based controls */
	{"vapic", {PROC2(0)}},
	{"virt_apic_accesses", {PROC2(0)}},
	{"ept", {PROC2(1)}},
	{"desc_exiting", {PROC2(2)}},
	{"rdtscp", {PROC2(3)}},
	{"virtual_x2apic", {PROC2(4)}},
	{"vpid", {PROC2(5)}},
	{"wbinvd_exiting", {PROC2(6)}},
	{"unrestricted_guest", {PROC2(7)}},
	{"vapic_reg", {PROC2(8)}},
	{"apic_register_virt", {PROC2(8)}},
	{"vid", {PROC2(9)}},
	{"virt_intr_delivery", {PROC2(9)}},
	{"ple", {PROC2(10)}},
	{"pause_loop_exiting", {PROC2(10)}},
	{"rdrand_exiting", {PROC2(11)}},
	{"invpcid", {PROC2(12)}},
	{"vmfunc", {PROC2(13)}},
	{"shadow_vmcs", {PROC2(14)}},
	{"encls_exiting", {PROC2(15)}},
	{"rdseed_exiting", {PROC2(16)}},
	{"pml", {PROC2(17)}},
	{"page_mod_logging", {PROC2(17)}},
	{"ept_violation_ve", {PROC2(18)}},
	{"pt_conceal_vmx", {PROC2(19)}},
	{"xsaves", {PROC2(20)}},
	{"ept_mode_based_exec", {PROC2(22)}},
	{"mode_based_ept_exec", {PROC2(22)}},
	{"pt_use_gpa", {PROC2(24)}},
	{"tsc_scaling", {PROC2(25)}},
	{"usr_wait_pause", {PROC2(26)}},
	{"enclv_exiting", {PROC2(28)}},
	{"bus_lock_detection", {PROC2(30)}},
	{"notify_vm_exiting", {PROC2(31)}},
	/* tertiary processor-based controls */
	{"ipi_virt", {PROC3(4)}},
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
