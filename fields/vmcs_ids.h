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

/*
 * Bit positions by layout and name, so code says BITMASK(L_PROC2, ENABLE_EPT) instead of a
 * number: L_PROC2__ENABLE_EPT is the low bit, L_PROC2__ENABLE_EPT__HI the high bit.
 */
enum vmcs_bit_lo {
#define VMCS_BITS(layout, name, lo, hi, desc) layout##__##name = (lo),
#include "vmcs_layouts.def"
	VMCS_BIT_LO__END
};
enum vmcs_bit_hi {
#define VMCS_BITS(layout, name, lo, hi, desc) layout##__##name##__HI = (hi),
#include "vmcs_layouts.def"
	VMCS_BIT_HI__END
};
/* Named values: L_ACTIVITY__V_HLT, L_INTR_INFO__V_NMI, L_EPTP__V_WB. */
enum vmcs_named_value {
#define VMCS_VALUE(layout, name, value, desc) layout##__V_##name = (value),
#include "vmcs_layouts.def"
	VMCS_NAMED_VALUE__END
};

/* The mask of a bit or bit range of a layout, and a range's value in v. */
#define BITMASK(layout, name)                                                                      \
	((~0ull >> (63 - (layout##__##name##__HI))) & (~0ull << (layout##__##name)))
#define BITS_GET(v, layout, name) (((v)&BITMASK(layout, name)) >> (layout##__##name))

#endif /* VMCS_IDS_H */
