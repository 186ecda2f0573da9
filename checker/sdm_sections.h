/*
 * sdm_sections.h -- the SDM sections the checks cite, once: number and title in the edition
 * pinned by VMCSLINT_SDM_EDITION (include/vmcslint.h).  Titles are stable across editions;
 * numbers move (chapter 26 before 2020, 27 in 2020-2024 editions).
 *
 * Each S_* is the pair ("number", "title"); a rule row (checker/rules.def) names one, and the
 * rule table takes both strings from it (UNPAREN), so a citation is resolved when the table is
 * compiled.
 */
#ifndef CHECKER_SDM_SECTIONS_H
#define CHECKER_SDM_SECTIONS_H

/* clang-format off */
#define S_VMWRITE     ("31.3",     "VMX Instructions (VMWRITE: Write Field to Virtual-Machine Control Structure)")
#define S_BASIC       ("27.1",     "Basic VM-Entry Checks")
#define S_EXEC        ("27.2.1.1", "VM-Execution Control Fields")
#define S_EXIT        ("27.2.1.2", "VM-Exit Control Fields")
#define S_ENTRY       ("27.2.1.3", "VM-Entry Control Fields")
#define S_HOST_CR     ("27.2.2",   "Checks on Host Control Registers, MSRs, and SSP")
#define S_HOST_SEG    ("27.2.3",   "Checks on Host Segment and Descriptor-Table Registers")
#define S_HOST_AS     ("27.2.4",   "Checks Related to Address-Space Size")
#define S_GUEST_CR    ("27.3.1.1", "Checks on Guest Control Registers, Debug Registers, and MSRs")
#define S_GUEST_SEG   ("27.3.1.2", "Checks on Guest Segment Registers")
#define S_GUEST_DT    ("27.3.1.3", "Checks on Guest Descriptor-Table Registers")
#define S_GUEST_RIP   ("27.3.1.4", "Checks on Guest RIP, RFLAGS, and SSP")
#define S_GUEST_NR    ("27.3.1.5", "Checks on Guest Non-Register State")
#define S_GUEST_PDPTE ("27.3.1.6", "Checks on Guest Page-Directory-Pointer-Table Entries")
#define S_MSR_LOAD    ("27.4",     "Loading MSRs")
/* clang-format on */

#endif /* CHECKER_SDM_SECTIONS_H */
