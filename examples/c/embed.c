/*
 * embed.c -- the checker core as a hypervisor embeds it: capabilities from the values its
 * RDMSRs return, the VMCS it is about to launch, one fast pass on the stack, and the deciding
 * check's message rendered into its own buffer.  No heap, no file, no YAML.
 *
 *     cc embed.c $(pkg-config --cflags --libs vmcslint) -o embed
 *
 * The MSR values are those of Bochs's corei7_skylake_x model (capsdb/cpus/); a hypervisor
 * reads them with RDMSR 480H..493H and adds the CPUID leaves the checks read with
 * vmcsl_vmx_caps_set_cpuid().  The VMCS has every field 0 but the one it writes: a
 * pin-based control of 0 lacks the bits the processor requires (VMfailValid 7).
 */
#include <stdio.h>
#include <string.h>

#include <vmcsl.h>

static const uint64_t rdmsr_480[VMCSL_VMX_MSR__COUNT] = {0x00d810000000002b,
                                                         0x0000007f00000016,
                                                         0xf7f9fffe0401e172,
                                                         0x007fffff00036dff,
                                                         0x0000ffff000011ff,
                                                         0x00000000600401e0,
                                                         0x0000000080000021,
                                                         0x00000000ffffffff,
                                                         0x0000000000002000,
                                                         0x00000000003727ff,
                                                         0x0000000000000034,
                                                         0x02177fff00000000,
                                                         0x00000f0106334141,
                                                         0x0000007f00000016,
                                                         0xf7f9fffe04006172,
                                                         0x007fffff00036dfb,
                                                         0x0000ffff000011fb,
                                                         0x0000000000000001,
                                                         0,
                                                         0};

/* Static: a hypervisor keeps these per physical CPU; the result below lives on the stack. */
static struct vmcsl_vmx_caps raw;
static struct vmcsl_caps caps;
static struct vmcsl_vmcs_state vmcs;
static struct vmcsl_vmentry_env env;

static void vmwrite(const char *name, uint64_t value)
{
	bool high = false;
	const struct vmcsl_vmcs_field_info *f = vmcsl_vmcs_field_by_name(name, strlen(name), &high);
	size_t i = vmcsl_vmcs_field_index(f);

	vmcs.value[i] = value;
	vmcs.written[i] = 1;
}

int main(void)
{
	struct vmcsl_input in = {&vmcs, &env, &caps};
	struct vmcsl_result res;
	const struct vmcsl_prediction *p = &res.prediction;
	char message[320], hint[320];
	int field;

	for (int i = 0; i < VMCSL_VMX_MSR__COUNT; i++) {
		raw.msr[i] = rdmsr_480[i];
		raw.msr_state[i] = i >= VMCSL_VMX_MSR_PROCBASED_CTLS3 ? VMCSL_VMX_MSR_ABSENT
		                                                      : VMCSL_VMX_MSR_PRESENT;
	}
	raw.maxphyaddr = 40;
	vmcsl_caps_compile(&raw, &caps);

	for (size_t i = 0; i < vmcsl_vmcs_field_count(); i++)
		vmcs.known[i] = 1;
	vmwrite("PIN_BASED_VM_EXEC_CONTROL", 0);
	env.instruction = VMCSL_VMENTRY_VMLAUNCH;
	env.launch_state = VMCSL_LAUNCH_STATE_CLEAR;
	env.ia32e_mode = true;

	vmcsl_check(&in, &res);
	printf("prediction: %s", vmcsl_check_outcome_name(p->outcome.kind));
	if (p->outcome.kind == VMCSL_OUTCOME_VMFAIL_VALID)
		printf(" %u", p->outcome.vm_instruction_error);
	if (p->rule >= 0) {
		const struct vmcsl_check_rule *r = vmcsl_check_rule_at((size_t)p->rule);

		vmcsl_render(&in, &res, (size_t)p->rule, message, sizeof(message), hint,
		             sizeof(hint), &field);
		printf(" [%s]\nmessage: %s\nhint: %s\nSDM %s \"%s\"", r->id, message, hint,
		       r->sdm_section, r->sdm_title);
	}
	printf("\nresult: %zu bytes on the stack\n", sizeof(res));
	return 0;
}
