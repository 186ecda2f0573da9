/*
 * test_suggest.c -- "did you mean" for unknown field names: the field a human means, from the
 * words of the name (abbreviated, reordered, with another project's prefix), not the nearest
 * string.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "vmcslint.h"

/* Misspellings as people write them, and the field each means. */
static const struct {
	const char *typed, *means;
} cases[] = {
    /* The issue: kvm-unit-tests' word order and abbreviations, one letter off. */
    {"GUEST_SELECTOR_CSS", "GUEST_CS_SELECTOR"},
    {"GUEST_CS_SEL_X", "GUEST_CS_SELECTOR"},
    {"GUEST_SEL_CS", "GUEST_CS_SELECTOR"}, /* was GUEST_RFLAGS by edit distance */
    {"GUEST_AR_CSS", "GUEST_CS_AR_BYTES"},
    {"GUEST_LIMIT_CSX", "GUEST_CS_LIMIT"},
    {"HOST_BASE_TRR", "HOST_TR_BASE"},
    {"ENT_CTLS", "VM_ENTRY_CONTROLS"},
    {"EXI_CONTROL", "VM_EXIT_CONTROLS"},
    {"ENT_INTR_INFORMATION", "VM_ENTRY_INTR_INFO_FIELD"},
    /* Other projects' prefixes and spellings around a typo. */
    {"VMX_VMCS32_GUEST_CS_ACCESS_RIGHT", "GUEST_CS_AR_BYTES"},
    {"VMCS_32BIT_GUEST_ES_LIMT", "GUEST_ES_LIMIT"},
    {"VMX_VMCS_GUEST_RFLAG", "GUEST_RFLAGS"},
    {"HOST_IA32_SYSENTER_ESP_MSR", "HOST_IA32_SYSENTER_ESP"},
    {"VMCS_EXIT_QUAL", "EXIT_QUALIFICATION"},
    /* Abbreviations and long forms. */
    {"GUEST_TR_ATTRIBUTES", "GUEST_TR_AR_BYTES"},
    {"guest cs access rights", "GUEST_CS_AR_BYTES"},
    {"GUEST_SS_ACCESS_RIGHTS_BYTES", "GUEST_SS_AR_BYTES"},
    {"PF_ERR_MATCH", "PAGE_FAULT_ERROR_CODE_MATCH"},
    {"PAGEFAULT_ERROR_MASK", "PAGE_FAULT_ERROR_CODE_MASK"},
    {"VM_ENTRY_EXCEPTION_ERRCODE", "VM_ENTRY_EXCEPTION_ERROR_CODE"},
    {"VM_EXIT_MSR_LOAD_CNT", "VM_EXIT_MSR_LOAD_COUNT"},
    {"CR3_TARGET_CNT", "CR3_TARGET_COUNT"},
    {"EXCEPTION_BMP", "EXCEPTION_BITMAP"},
    {"PROC_BASED_CTLS2", "SECONDARY_VM_EXEC_CONTROL"},
    {"SECONDARY_EXEC_CONTROLS", "SECONDARY_VM_EXEC_CONTROL"},
    {"GUEST_PENDING_DEBUG_EXCEPTION", "GUEST_PENDING_DBG_EXCEPTIONS"},
    {"GUEST_PHYS_ADDR", "GUEST_PHYSICAL_ADDRESS"},
    {"PREEMPTION_TIMER", "VMX_PREEMPTION_TIMER_VALUE"},
    {"GUEST_INTERRUPTIBILITY", "GUEST_INTERRUPTIBILITY_INFO"},
    {"VIRTUAL_APIC_PAGE", "VIRTUAL_APIC_PAGE_ADDR"},
    {"APIC_ACCESS_PAGE_ADDR", "APIC_ACCESS_ADDR"},
    /* Letters: typos, swaps, a missing separator, camel case, O for 0. */
    {"GUEST_CRO", "GUEST_CR0"},
    {"GEUST_RIP", "GUEST_RIP"},
    {"GUEST_IA32_EFR", "GUEST_IA32_EFER"},
    {"GUEST_DS_SELECTR", "GUEST_DS_SELECTOR"},
    {"VMCS_LINK_PONTER", "VMCS_LINK_POINTER"},
    {"EXIT_QUALIFCATION", "EXIT_QUALIFICATION"},
    {"TSCOFFSET", "TSC_OFFSET"},
    {"guestCsSelector", "GUEST_CS_SELECTOR"},
    {"host_rsp_value", "HOST_RSP"},
};

Test(suggest, misspellings_suggest_the_field_meant)
{
	size_t n = sizeof(cases) / sizeof(cases[0]);

	cr_assert_geq(n, 25);
	for (size_t i = 0; i < n; i++) {
		const char *s = vmcs_field_suggest(cases[i].typed, strlen(cases[i].typed));

		cr_expect(s && strcmp(s, cases[i].means) == 0, "%s: suggested %s, not %s",
		          cases[i].typed, s ? s : "nothing", cases[i].means);
	}
}

/* A name that shares too little with any field gets no suggestion rather than a wild one. */
Test(suggest, unrelated_names_get_none)
{
	static const char *const none[] = {"NOTHING_LIKE_ANY_FIELD_AT_ALL", "HOST_FOO", "VMCS",
	                                   "zzqqxx", "GUEST_BANANA_SPLIT"};

	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		const char *s = vmcs_field_suggest(none[i], strlen(none[i]));

		cr_expect_null(s, "%s: suggested %s", none[i], s);
	}
}

/* word_abbrevs.def is binary-searched: it must stay in strcmp() order, each word once. */
Test(suggest, abbreviation_table_is_sorted)
{
	static const char *const words[] = {
#define WORD_ABBREV(word, to1, to2) #word,
#include "word_abbrevs.def"
	};

	for (size_t i = 1; i < sizeof(words) / sizeof(words[0]); i++)
		cr_expect_lt(strcmp(words[i - 1], words[i]), 0, "%s before %s", words[i - 1],
		             words[i]);
}
