/*
 * vmcs_ids.h -- compile-time ids of fields and layouts, expanded from the .def tables.
 * Internal to vmcslint: the checker and the CLI name fields as VMCS_<NAME>.
 */
#ifndef VMCS_IDS_H
#define VMCS_IDS_H

#include "vmcslint.h"

enum vmcs_layout_id {
#define VMCS_LAYOUT(id, title) id,
#include "vmcs_layouts.def"
	VMCS_LAYOUT__COUNT
};
#define L_NONE VMCS_LAYOUT_NONE

enum vmcs_field_id {
#define VMCS_FIELD(name, enc, width, type, layout, exists, exists2, origin, sdm_name, aliases,     \
                   desc)                                                                           \
	VMCS_##name,
#include "vmcs_fields.def"
	VMCS_FIELD__COUNT
};

_Static_assert(VMCS_FIELD__COUNT <= VMCS_FIELD_CAPACITY, "raise VMCS_FIELD_CAPACITY");

#endif /* VMCS_IDS_H */
