/*
 * vmcs_def_macros.h -- the shorthands the rows of vmcs_fields.def are written in.  Include it
 * only where the rows are expanded into data (fields.c, tests): the short names would collide
 * elsewhere.
 */
#ifndef VMCS_DEF_MACROS_H
#define VMCS_DEF_MACROS_H

#include "vmcs_ids.h"

/* Shorthands used by the .def rows. */
#define W16            VMCS_W16
#define W64            VMCS_W64
#define W32            VMCS_W32
#define WNAT           VMCS_WNAT
#define CTL            VMCS_T_CTL
#define RO             VMCS_T_RO
#define GUEST          VMCS_T_GUEST
#define HOST           VMCS_T_HOST
#define SDM            VMCS_ORIGIN_SDM
#define FRED           VMCS_ORIGIN_FRED
#define X_NONE         VMCS_EXISTS(VMCS_X_KIND_NONE, 0)
#define X_ALWAYS       VMCS_EXISTS(VMCS_X_KIND_ALWAYS, 0)
#define X_PIN(b)       VMCS_EXISTS(VMCS_X_KIND_PIN, b)
#define X_PROC(b)      VMCS_EXISTS(VMCS_X_KIND_PROC, b)
#define X_PROC2(b)     VMCS_EXISTS(VMCS_X_KIND_PROC2, b)
#define X_PROC3(b)     VMCS_EXISTS(VMCS_X_KIND_PROC3, b)
#define X_EXIT(b)      VMCS_EXISTS(VMCS_X_KIND_EXIT, b)
#define X_EXIT2(b)     VMCS_EXISTS(VMCS_X_KIND_EXIT2, b)
#define X_ENTRY(b)     VMCS_EXISTS(VMCS_X_KIND_ENTRY, b)
#define X_MISC(b)      VMCS_EXISTS(VMCS_X_KIND_MISC, b)
#define X_EPTVPID(b)   VMCS_EXISTS(VMCS_X_KIND_EPTVPID, b)
#define X_VMFUNC(b)    VMCS_EXISTS(VMCS_X_KIND_VMFUNC, b)
#define X_UNENUMERATED VMCS_EXISTS(VMCS_X_KIND_UNENUMERATED, 0)

#endif /* VMCS_DEF_MACROS_H */
