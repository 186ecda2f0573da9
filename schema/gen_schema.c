/*
 * gen_schema.c -- prints schema/vmcs-config.schema.json (JSON Schema draft 2020-12) from the
 * field and layout tables, so editors with a YAML language server validate and complete field
 * and bit names.  `make schema` runs it; a test fails when the committed file is stale.
 */
#include <stdio.h>
#include <string.h>

#include "adjust.h"
#include "gen_cstring.h"
#include "vmcs_ids.h"

/* The value schema of a field: an integer of its width, or bit names / a bit mapping. */
static void value_def(const struct vmcs_layout_info *l, unsigned width)
{
	size_t nb, nv;
	const struct vmcs_bits_info *b = vmcs_layout_bits(l, &nb);
	const struct vmcs_value_info *v = vmcs_layout_values(l, &nv);
	bool first = true;

	printf("{\"anyOf\": [{\"$ref\": \"#/$defs/u%u\"}", width);
	if (nv && !nb) {
		printf(", {\"enum\": [");
		for (size_t i = 0; i < nv; i++) {
			printf("%s", i ? ", " : "");
			put_cstring(v[i].name);
		}
		printf("]}");
	}
	if (nb) {
		printf(", {\"type\": \"array\", \"uniqueItems\": true, \"items\": {\"anyOf\": "
		       "[{\"type\": \"integer\", \"minimum\": 0, \"maximum\": %u}, {\"enum\": [",
		       width - 1);
		for (size_t i = 0; i < nb; i++) {
			if (b[i].lo != b[i].hi)
				continue;
			printf("%s", first ? "" : ", ");
			put_cstring(b[i].name);
			first = false;
		}
		printf("]}]}}, {\"type\": \"object\", \"additionalProperties\": false, "
		       "\"properties\": {");
		for (size_t i = 0; i < nb; i++) {
			unsigned w = (unsigned)(b[i].hi - b[i].lo + 1);

			printf("%s", i ? ", " : "");
			put_cstring(b[i].name);
			printf(": {\"description\": ");
			put_cstring(b[i].desc);
			if (w == 1) {
				printf(
				    ", \"anyOf\": [{\"type\": \"boolean\"}, {\"enum\": [0, 1]}]}");
				continue;
			}
			printf(", \"anyOf\": [{\"type\": \"integer\", \"minimum\": 0");
			if (w < 64)
				printf(", \"maximum\": %llu", (1ull << w) - 1);
			printf("}, {\"$ref\": \"#/$defs/numeric_string\"}");
			if (nv && (strcmp(b[i].name, "TYPE") == 0 ||
			           (strlen(b[i].name) > 5 &&
			            strcmp(b[i].name + strlen(b[i].name) - 5, "_TYPE") == 0))) {
				printf(", {\"enum\": [");
				for (size_t k = 0; k < nv; k++) {
					printf("%s", k ? ", " : "");
					put_cstring(v[k].name);
				}
				printf("]}");
			}
			printf("]}");
		}
		printf("}}");
	}
	printf("]}");
}

/* project: NULL for our own names, else the project whose name this is. */
static void field_prop(const char *name, size_t n, const struct vmcs_field_info *f, bool high,
                       const char *project, bool *first)
{
	printf("%s\n      ", *first ? "" : ",");
	*first = false;
	put_cstring_n(name, n);
	printf(": {\"description\": ");
	if (project)
		printf("\"%s name of %s%s: ", project, f->name, high ? "_HIGH" : "");
	else
		putchar('"');
	if (high) {
		printf("High 32 bits of %s\", \"$ref\": \"#/$defs/u32\"}", f->name);
		return;
	}
	put_cstring_body(f->desc);
	putchar('"');
	if (f->type == VMCS_T_RO)
		printf(", \"deprecated\": true");
	/* The hypervisor's forms (adjust/): wanted controls, CR values with the fixed bits. */
	if (adjust_ctl_of_field(vmcs_field_index(f)) >= 0 ||
	    adjust_cr_of_field(vmcs_field_index(f)) >= 0)
		printf(", \"anyOf\": [{\"$ref\": \"#/$defs/%s_%u\"}, {\"$ref\": "
		       "\"#/$defs/%s_%u_%s\"}]}",
		       vmcs_layout_at(f->layout)->id, vmcs_width_bits(f->width),
		       vmcs_layout_at(f->layout)->id, vmcs_width_bits(f->width),
		       adjust_ctl_of_field(vmcs_field_index(f)) >= 0 ? "wanted" : "fixed");
	else if (f->layout != VMCS_LAYOUT_NONE)
		printf(", \"$ref\": \"#/$defs/%s_%u\"}", vmcs_layout_at(f->layout)->id,
		       vmcs_width_bits(f->width));
	else
		printf(", \"$ref\": \"#/$defs/u%u\"}", vmcs_width_bits(f->width));
}

/* Whether name is already a property: one of our names, or an earlier project's. */
static bool listed(const char *name, size_t upto_project, size_t upto_row)
{
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_info *f = vmcs_field_at(i);
		const char *a = f->aliases;
		char high[96];

		snprintf(high, sizeof(high), "%s_HIGH", f->name);
		if (vmcs_name_equal(name, strlen(name), f->name) ||
		    (f->width == VMCS_W64 && vmcs_name_equal(name, strlen(name), high)))
			return true;
		while (*a) {
			size_t n = strcspn(a, "|");

			if (vmcs_name_equal(a, n, name))
				return true;
			a += n + (a[n] == '|');
		}
	}
	for (size_t p = 0; p <= upto_project; p++) {
		const struct vmcs_project *pr = vmcs_project_at(p);
		size_t rows = p == upto_project ? upto_row : pr->count;

		for (size_t k = 0; k < rows; k++) {
			if (vmcs_name_equal(name, strlen(name), pr->aliases[k].name))
				return true;
		}
	}
	return false;
}

/* Other projects' names (fields/aliases/), each once, after ours. */
static void project_props(bool *first)
{
	for (size_t p = 0; p < vmcs_project_count(); p++) {
		const struct vmcs_project *pr = vmcs_project_at(p);

		for (size_t k = 0; k < pr->count; k++) {
			const struct vmcs_project_alias *a = &pr->aliases[k];
			bool high = false;
			const struct vmcs_field_info *f =
			    vmcs_field_by_encoding(a->encoding, &high);

			if (!f || a->excluded || listed(a->name, p, k))
				continue;
			field_prop(a->name, strlen(a->name), f, high, pr->name, first);
		}
	}
}

/*
 * The hypervisor's forms of the control fields ({required, optional, default1}) and of the CR
 * fields ({value, fixed: apply}), schema/README.md "Configurations as hypervisors write them".
 */
static void hv_forms(void)
{
	for (int c = 0; c < VMX_CTL__COUNT; c++) {
		const struct vmcs_field_info *f = vmcs_field_at(adjust_ctl_field((enum vmx_ctl)c));
		const char *id = vmcs_layout_at(f->layout)->id;
		unsigned w = vmcs_width_bits(f->width);

		printf(",\n    \"%s_%u_wanted\": {\"type\": \"object\", \"additionalProperties\": "
		       "false, \"minProperties\": 1, \"description\": \"The controls a hypervisor "
		       "wants: adjusted to each processor (required: refuses to run without them; "
		       "optional: dropped where not allowed)\", \"properties\": {\"required\": "
		       "{\"$ref\": \"#/$defs/%s_%u\"}, \"optional\": {\"$ref\": \"#/$defs/%s_%u\"}",
		       id, w, id, w, id, w);
		if (adjust_has_true_msr((enum vmx_ctl)c)) {
			printf(", \"default1\": {\"enum\": [");
			for (int d = 0; d < ADJUST_DEFAULT1__COUNT; d++) {
				printf("%s", d ? ", " : "");
				put_cstring(adjust_default1_name((enum adjust_default1)d));
			}
			printf("]}");
		}
		printf("}}");
	}
	for (int c = 0; c < ADJUST_CR__COUNT; c++) {
		const struct vmcs_field_info *f = vmcs_field_at(adjust_cr_field((enum adjust_cr)c));
		const char *id = vmcs_layout_at(f->layout)->id;
		unsigned w = vmcs_width_bits(f->width);

		/* GUEST_CR0 and HOST_CR0 share a layout: one definition each. */
		if (c == ADJUST_HOST_CR0 || c == ADJUST_HOST_CR4)
			continue;
		printf(",\n    \"%s_%u_fixed\": {\"type\": \"object\", \"additionalProperties\": "
		       "false, \"required\": [\"fixed\"], \"description\": \"A value with the VMX "
		       "fixed bits applied per processor (OR IA32_VMX_CRn_FIXED0, AND "
		       "IA32_VMX_CRn_FIXED1)\", \"properties\": {\"value\": {\"$ref\": "
		       "\"#/$defs/%s_%u\"}, \"fixed\": {\"const\": \"apply\"}}}",
		       id, w, id, w);
	}
}

int main(void)
{
	bool first = true;

	printf(
	    "{\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n"
	    "  \"$id\": \"https://vmcslint.dev/schema/vmcs-config-1.schema.json\",\n"
	    "  \"title\": \"vmcslint VMCS configuration, format version 1\",\n"
	    "  \"description\": \"Generated from fields/vmcs_fields.def by schema/gen_schema.c "
	    "(make schema); do not edit. Field names are listed in their canonical and alias "
	    "spellings, then as kvm-unit-tests, ia32-doc, Xen, VirtualBox and Bochs name them "
	    "(fields/aliases/); the loader also ignores case and treats ' ', '-' and '_' "
	    "alike.\",\n"
	    "  \"type\": \"object\",\n  \"additionalProperties\": false,\n"
	    "  \"anyOf\": [{\"required\": [\"vmcs\"]}, {\"required\": [\"extends\"]}],\n"
	    "  \"properties\": {\n"
	    "    \"version\": {\"const\": 1},\n"
	    "    \"extends\": {\"type\": \"string\", \"description\": \"A configuration this "
	    "one starts from (path relative to this file)\"},\n"
	    "    \"caps\": {\"anyOf\": [{\"type\": \"string\", \"description\": \"A capsdb entry "
	    "name or path\"}, {\"$ref\": \"#/$defs/inline_caps\"}]},\n"
	    "    \"entry\": {\"type\": \"object\", \"additionalProperties\": false, "
	    "\"properties\": {\"instruction\": {\"enum\": [\"vmlaunch\", \"vmresume\"]}, "
	    "\"launch_state\": {\"enum\": [\"clear\", \"launched\"]}, \"mov_ss_blocking\": "
	    "{\"type\": \"boolean\"}, \"processor_mode\": {\"enum\": [\"ia32e\", \"legacy\"]}}},\n"
	    "    \"memory\": {\"type\": \"object\", \"additionalProperties\": false, "
	    "\"properties\": {\n"
	    "      \"vm_entry_msr_load\": {\"type\": [\"array\", \"null\"], \"items\": "
	    "{\"type\": \"object\", \"additionalProperties\": false, \"required\": [\"index\", "
	    "\"value\"], \"properties\": {\"index\": {\"$ref\": \"#/$defs/u32\"}, \"value\": "
	    "{\"$ref\": \"#/$defs/u64\"}, \"reserved\": {\"$ref\": \"#/$defs/u32\"}}}},\n"
	    "      \"guest_pdptes\": {\"type\": \"array\", \"minItems\": 4, \"maxItems\": 4, "
	    "\"items\": {\"$ref\": \"#/$defs/u64\"}},\n"
	    "      \"virtual_apic\": {\"type\": \"object\", \"additionalProperties\": false, "
	    "\"properties\": {\"vtpr\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": "
	    "255}}},\n"
	    "      \"vmcs_link\": {\"anyOf\": [{\"type\": \"null\"}, {\"type\": \"object\", "
	    "\"additionalProperties\": false, \"required\": [\"revision_id\"], \"properties\": "
	    "{\"revision_id\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 2147483647}, "
	    "\"shadow\": {\"type\": \"boolean\"}, \"current\": {\"type\": \"boolean\"}}}]}}},\n"
	    "    \"vmcs\": {\"type\": [\"object\", \"null\"], \"additionalProperties\": false,\n"
	    "      \"patternProperties\": {\"^0[xX][0-9a-fA-F]+$\": {\"$ref\": "
	    "\"#/$defs/u64\"}},\n"
	    "      \"properties\": {");
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_info *f = vmcs_field_at(i);
		const char *a = f->aliases;
		char high[96];

		field_prop(f->name, strlen(f->name), f, false, NULL, &first);
		while (*a) {
			size_t n = strcspn(a, "|");

			field_prop(a, n, f, false, NULL, &first);
			a += n;
			if (*a == '|')
				a++;
		}
		if (f->width == VMCS_W64) {
			snprintf(high, sizeof(high), "%s_HIGH", f->name);
			field_prop(high, strlen(high), f, true, NULL, &first);
		}
	}
	project_props(&first);
	printf("}}\n  },\n  \"$defs\": {\n"
	       "    \"numeric_string\": {\"type\": \"string\", \"pattern\": "
	       "\"^(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+)$\"},\n");
	/*
	 * Any 64-bit VMWRITE operand, negative ones as two's complement: the loader keeps the
	 * field's low bits and warns when others are dropped, so no width is an error here.
	 */
	for (unsigned w = 16; w <= 64; w *= 2) {
		printf("    \"u%u\": {\"description\": \"a %u-bit field: VMWRITE keeps bits "
		       "%u:0 of the operand (vmcslint warns when it drops others)\", \"anyOf\": "
		       "[{\"type\": \"integer\", \"minimum\": -9223372036854775808, "
		       "\"maximum\": 18446744073709551615}, {\"$ref\": "
		       "\"#/$defs/numeric_string\"}]},\n",
		       w, w, w - 1);
	}
	printf(
	    "    \"inline_caps\": {\"type\": \"object\", \"additionalProperties\": false, "
	    "\"properties\": {\"extends\": {\"type\": \"string\"}, \"maxphyaddr\": {\"type\": "
	    "\"integer\", \"minimum\": 32, \"maximum\": 52}, \"cpuid\": {\"type\": \"object\", "
	    "\"patternProperties\": {\"^0[xX][0-9a-fA-F]+(\\\\.[0-9a-fA-Fx]+)?$\": {\"type\": "
	    "\"object\", \"additionalProperties\": false, \"properties\": {\"eax\": {\"$ref\": "
	    "\"#/$defs/u32\"}, \"ebx\": {\"$ref\": \"#/$defs/u32\"}, \"ecx\": {\"$ref\": "
	    "\"#/$defs/u32\"}, \"edx\": {\"$ref\": \"#/$defs/u32\"}}}}, \"additionalProperties\": "
	    "false}");
	for (int m = 0; m < VMX_MSR__COUNT; m++) {
		printf(
		    ", \"%s\": {\"anyOf\": [{\"$ref\": \"#/$defs/u64\"}, {\"enum\": [\"absent\", "
		    "\"unknown\"]}]}",
		    vmx_msr_name((enum vmx_msr_id)m));
		printf(", \"0x%x\": {\"anyOf\": [{\"$ref\": \"#/$defs/u64\"}, {\"enum\": "
		       "[\"absent\", \"unknown\"]}]}",
		       vmx_msr_index((enum vmx_msr_id)m));
	}
	printf("}}");
	/* One value definition per (layout, width) pair in use. */
	for (size_t l = 0; l < vmcs_layout_count(); l++) {
		for (unsigned w = 16; w <= 64; w *= 2) {
			bool used = false;

			for (size_t i = 0; i < vmcs_field_count(); i++) {
				const struct vmcs_field_info *f = vmcs_field_at(i);

				used |= f->layout == l && vmcs_width_bits(f->width) == w;
			}
			if (!used)
				continue;
			printf(",\n    \"%s_%u\": ", vmcs_layout_at(l)->id, w);
			value_def(vmcs_layout_at(l), w);
		}
	}
	hv_forms();
	printf("\n  }\n}\n");
	return 0;
}
