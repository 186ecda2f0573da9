/*
 * fuzz_capsdb.c -- the capsdb entry loader (caps_load_text, capsdb/FORMAT.md) on arbitrary
 * bytes; then every capability query on what it loaded, and the checker on
 * examples/valid-long-mode.yaml with those capabilities.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"

#define VALID_CONFIG FUZZ_SRCDIR "/examples/valid-long-mode.yaml"

/* examples/valid-long-mode.yaml, loaded once. */
static const struct vmcs_config *valid_config(void)
{
	static struct vmcs_config cfg;
	static struct load_diags diags;
	static int loaded;

	if (!loaded) {
		if (!config_load(VALID_CONFIG, &cfg, &diags, NULL, NULL))
			fuzz_fail("cannot load " VALID_CONFIG,
			          diags.n ? diags.d[0].msg : "no diagnostic");
		loaded = 1;
	}
	return &cfg;
}

static void check_meta(const struct caps_meta *m)
{
	const char *const strs[] = {m->name,       m->kind,        m->vendor,
	                            m->codename,   m->brand,       m->completeness,
	                            m->confidence, m->source_kind, m->source_desc};

	/* Every string is a C string (ASan checks the bytes are there). */
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (strs[i])
			(void)strlen(strs[i]);
	for (size_t i = 0; i < m->n_links; i++)
		(void)strlen(m->links[i]);
	for (size_t i = 0; i < m->n_conflicts; i++)
		(void)strlen(m->conflicts[i]);
	for (size_t i = 0; i < m->n_notes; i++)
		(void)strlen(m->notes[i]);
}

int fuzz_capsdb_one(const uint8_t *data, size_t size)
{
	static struct vmx_caps caps;
	static struct load_diags diags;
	const struct vmcs_config *cfg = valid_config();
	struct caps_meta meta;
	struct check_input in;
	bool ok;

	memset(&caps, 0, sizeof(caps));
	memset(&diags, 0, sizeof(diags));
	memset(&meta, 0, sizeof(meta));
	ok = caps_load_text("fuzz.yaml", (const char *)data, size, &caps, &meta, &diags);
	fuzz_check_diags(&diags);
	if (ok && diags.n_errors)
		fuzz_fail("caps_load_text succeeded with errors", diags.d[0].msg);
	if (!ok && !diags.n_errors)
		fuzz_fail("caps_load_text failed without an error", NULL);
	if (ok) {
		check_meta(&meta);
		if (!fuzz_terminated(caps.name, sizeof(caps.name)))
			fuzz_fail("caps name is not NUL-terminated", NULL);
		if (caps.n_cpuid > VMX_CAPS_MAX_CPUID)
			fuzz_fail("more CPUID leaves than VMX_CAPS_MAX_CPUID", NULL);
		for (int m = 0; m < VMX_MSR__COUNT; m++) {
			if (caps.msr_state[m] > VMX_MSR_PRESENT)
				fuzz_fail("an MSR state is not a vmx_msr_state", vmx_msr_name(m));
			for (unsigned bit = 0; bit < 64; bit++)
				if (vmx_caps_msr_bit(&caps, (enum vmx_msr_id)m, bit) > TRI_UNKNOWN)
					fuzz_fail("vmx_caps_msr_bit is not a tri", vmx_msr_name(m));
		}
		for (int k = 0; k < VMX_CTL__COUNT; k++)
			(void)vmx_caps_allowed(&caps, (enum vmx_ctl)k);
		for (size_t i = 0; i < vmcs_field_count(); i++)
			if (vmx_caps_field_exists(&caps, vmcs_field_at(i)) > TRI_UNKNOWN)
				fuzz_fail("vmx_caps_field_exists is not a tri",
				          vmcs_field_at(i)->name);
		in.vmcs = &cfg->vmcs;
		in.caps = &caps;
		in.env = &cfg->env;
		fuzz_check(&in);
	}
	caps_meta_release(&meta);
	return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_capsdb_one(data, size);
}
#endif
