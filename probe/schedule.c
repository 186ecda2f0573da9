/*
 * schedule.c -- which cases share a boot.  The watchdog processor that frees a guest left
 * waiting for a SIPI makes every case of its boot slower under Bochs; the cases that may wait
 * run apart when that costs less than another boot.
 */
#include <stdlib.h>

#include "batch.h"
#include "schedule.h"
#include "vmcs_ids.h"

/*
 * What a boot with the watchdog processor costs more under Debian's Bochs, which is built with
 * its debugger: the debugger's loop runs each processor 5 instructions at a time whatever
 * `cpu: quantum` says (about a quarter more time per case), and while both processors halt,
 * emulated time advances one tick per round, so a guest in HLT or shutdown waits for the
 * VMX-preemption timer for about 17 ms instead of no time.  In microseconds of wall time,
 * measured on the 2-core machine of this workplace; a boot costs about 0.2 s.
 */
#define SMP_COST_PER_CASE_US    300u
#define SMP_COST_PER_SLEEPER_US 17000u
#define BOOT_COST_US            200000u

static bool halts_or_shuts_down(const struct probe_case *c)
{
	uint32_t a = (uint32_t)c->vmcs->value[VMCS_GUEST_ACTIVITY_STATE];

	return c->vmcs->written[VMCS_GUEST_ACTIVITY_STATE] &&
	       (a == L_ACTIVITY__V_HLT || a == L_ACTIVITY__V_SHUTDOWN);
}

bool probe_watchdog_boots_apart(const struct probe_case *cases, size_t n,
                                const struct probe_options *opt)
{
	uint64_t others_us = 0;
	bool any = false;

	if (opt->emulator != PROBE_EMU_BOCHS)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (probe_case_may_wait_for_sipi(&cases[i]))
			any = true;
		else
			others_us += halts_or_shuts_down(&cases[i]) ? SMP_COST_PER_SLEEPER_US
			                                            : SMP_COST_PER_CASE_US;
	}
	return any && others_us > BOOT_COST_US;
}

size_t *probe_watchdog_last(const struct probe_case *cases, size_t n, size_t *split)
{
	size_t *order = malloc(n * sizeof(*order)), k = 0;

	if (!order)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!probe_case_may_wait_for_sipi(&cases[i]))
			order[k++] = i;
	*split = k;
	for (size_t i = 0; i < n; i++)
		if (probe_case_may_wait_for_sipi(&cases[i]))
			order[k++] = i;
	return order;
}

bool probe_unpermute(struct probe_result *results, size_t *order, size_t n)
{
	struct probe_result *tmp = malloc(sizeof(*tmp));

	if (!tmp)
		return false;
	for (size_t i = 0; i < n; i++) {
		while (order[i] != i) {
			size_t j = order[i];

			*tmp = results[j];
			results[j] = results[i];
			results[i] = *tmp;
			order[i] = order[j];
			order[j] = j;
		}
	}
	free(tmp);
	return true;
}
