/*
 * smp.h -- the watchdog processor of the vmx-probe image.
 *
 * A guest that VM entry leaves in the wait-for-SIPI activity state never exits by itself:
 * the state blocks INIT, NMIs, SMIs and external interrupts, and the VMX-preemption timer
 * causes no VM exit in it (SDM "VMX Non-Root Operation", "VM Entries"); only a start-up IPI
 * ends it, with a VM exit (basic exit reason 4, "SIPI", qualification = the SIPI's vector).
 * So the image brings up one application processor that, armed by the boot processor before
 * such a VM entry, sends the boot processor SIPIs until the guest has come back.  A SIPI that
 * arrives after the VM exit is discarded (the processor is not in the wait-for-SIPI state),
 * and the disarm waits until the watchdog has stopped sending: a late one can reach no other
 * case.
 */
#ifndef VMXP_SMP_H
#define VMXP_SMP_H

#include <stdbool.h>
#include <stdint.h>

#include "probe_asm.h"
#include "protocol.h"

/* The exit qualification of a VM exit the watchdog causes: its SIPI vector. */
#define WATCHDOG_SIPI_VECTOR (AP_TRAMPOLINE >> 12)
_Static_assert(WATCHDOG_SIPI_VECTOR == VMXP_WATCHDOG_SIPI_VECTOR,
               "the watchdog's SIPIs name the trampoline page (protocol.h)");

/*
 * Brings up the watchdog processor (INIT-SIPI-SIPI through the local APIC).  Avoid is a
 * range of memory the trampoline below 1 MiB must not overwrite (the batch).  Returns NULL
 * when it runs, else why not (one processor, no local APIC...).
 */
const char *watchdog_start(const void *avoid, uint64_t avoid_len);
uint32_t watchdog_apic_id(void);

/* Around a VM entry whose guest may wait for a SIPI; both do nothing without the watchdog.
 * Disarming twice is harmless (the recovery path after an exception disarms again). */
void watchdog_arm(void);
void watchdog_disarm(void);
/* The watchdog did not answer a disarm: it is given up (report it once). */
bool watchdog_lost(void);

#endif /* VMXP_SMP_H */
