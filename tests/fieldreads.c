/*
 * fieldreads.c -- the fields every check reads, recorded, against the fields it declares.
 *
 * Built with the core compiled -DCHECK_TRACE_READS (every VMCS read of a rule goes through
 * VAL/KNOWN_ID/CTL, which then record the field), this program runs every rule on every
 * example and rule fixture, under the capabilities each names and a spread of capsdb entries,
 * and compares the union of what each rule read with its declaration (checker/rules.def: a
 * function's "fields", a data row's derived list).  A read the declaration lacks, or a
 * declared field no input made the rule read, fails `make test`.
 *
 * Usage: vmcslint-fieldreads (from the top of the source tree)
 */
#define _POSIX_C_SOURCE 200809L
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsdb_dir.h"
#include "config.h"
#include "vmcs_ids.h"

#define N_WORDS VMCSL_FIELD_WORDS

static uint64_t seen[VMCSL_MAX_RULES][N_WORDS];
/*
 * Function rules the core runs without their conditions when one is unknown (checkable): the
 * fields their conditions read that their check read too, on an input where the conditions
 * hold.  It must stay empty: such a check takes a value for known that may not be.
 */
static bool checkable[VMCSL_MAX_RULES], body_seen[VMCSL_MAX_RULES];
static uint64_t shared[VMCSL_MAX_RULES][N_WORDS];

static void run(const struct vmcs_config *cfg, const struct vmx_caps *caps)
{
	static struct vmcsl_caps k;
	struct vmcsl_input in = {&cfg->vmcs, &cfg->env, &k};
	struct vmcsl_result res;

	vmcsl_caps_compile(caps, &k);
	vmcsl_check(&in, &res);
	for (size_t i = 0; i < check_rule_count(); i++) {
		uint64_t r[N_WORDS], body[N_WORDS], conds[N_WORDS];

		vmcsl_rule_reads(&in, &res, i, r);
		for (int w = 0; w < N_WORDS; w++)
			seen[i][w] |= r[w];
		if (!vmcsl_rule_body_reads(&in, i, body, conds, &checkable[i]))
			continue;
		body_seen[i] = true;
		for (int w = 0; w < N_WORDS; w++)
			shared[i][w] |= body[w] & conds[w];
	}
}

/*
 * A rule of the MSR-load area that fails at an entry asks whether every earlier entry loads
 * (the processor stops at the first that does not), and an IA32_EFER entry reads the guest
 * CR0, the VM-entry controls and the guest IA32_EFER for that.  The fixtures fail at their
 * first entry: run each again behind an IA32_EFER entry that loads.
 */
static void run_behind_efer(const struct vmcs_config *cfg, const struct vmx_caps *caps)
{
	static struct vmcs_config copy;
	static struct vmx_msr_entry entries[CONFIG_MAX_MSR_LOAD + 1];
	const uint64_t pg = BITMASK(L_CR0, PG), load_efer = BITMASK(L_ENTRY, LOAD_IA32_EFER);
	size_t n = cfg->env.n_msr_load;

	if (!cfg->env.msr_load_known || !n || n >= CONFIG_MAX_MSR_LOAD)
		return;
	copy = *cfg;
	entries[0].index = 0xc0000080u;
	entries[0].reserved = 0;
	entries[0].value = cfg->vmcs.value[VMCS_GUEST_IA32_EFER];
	memcpy(&entries[1], cfg->env.msr_load, n * sizeof(entries[0]));
	copy.env.msr_load = entries;
	copy.env.n_msr_load = n + 1;
	copy.vmcs.value[VMCS_VM_ENTRY_MSR_LOAD_COUNT]++;
	copy.vmcs.value[VMCS_GUEST_CR0] |= pg;
	copy.vmcs.value[VMCS_VM_ENTRY_CONTROLS] |= load_efer;
	run(&copy, caps);
}

/* The declared fields of a rule as a bitset; false when a name is no field. */
static bool declared(const struct check_rule *r, uint64_t *set)
{
	const char *f = r->fields;

	memset(set, 0, N_WORDS * sizeof(*set));
	while (*f) {
		size_t n = strcspn(f, ",");
		const struct vmcs_field_info *x = vmcs_field_by_name(f, n, NULL);
		size_t id;

		if (!x) {
			printf("%s: declares '%.*s', which is no field\n", r->id, (int)n, f);
			return false;
		}
		id = vmcs_field_index(x);
		set[id / 64] |= 1ull << (id % 64);
		f += n + (f[n] == ',');
	}
	return true;
}

static void print_set(const char *what, const struct check_rule *r, const uint64_t *set)
{
	printf("%s: %s", r->id, what);
	for (size_t i = 0; i < VMCS_FIELD_CAPACITY; i++)
		if ((set[i / 64] >> (i % 64)) & 1u)
			printf(" %s", vmcs_field_at(i)->name);
	printf("\n");
}

int main(void)
{
	const char *pats[] = {"examples/*.yaml", "tests/fixtures/rules/*.yaml"};
	static struct vmx_caps caps, entry;
	size_t ncaps, bad = 0;
	char **names, err[256];

	capsdb_set_dir("capsdb/cpus");
	names = capsdb_names(&ncaps);
	for (size_t p = 0; p < sizeof(pats) / sizeof(pats[0]); p++) {
		glob_t g;

		if (glob(pats[p], 0, NULL, &g) != 0)
			return 2;
		for (size_t i = 0; i < g.gl_pathc; i++) {
			struct vmcs_config cfg;
			struct load_diags d;

			memset(&d, 0, sizeof(d));
			if (!config_load(g.gl_pathv[i], &cfg, &d, capsdb_resolver, NULL))
				continue;
			if (cfg.has_caps)
				caps = cfg.caps;
			else if (!capsdb_load(CAPSDB_DEFAULT_NAME, &caps, NULL, err, sizeof(err),
			                      NULL))
				return 2;
			run(&cfg, &caps);
			run_behind_efer(&cfg, &caps);
			/* Other processors take other paths (a few per file, every one over all).
			 */
			for (size_t k = i % 29; k < ncaps; k += 29)
				if (capsdb_load(names[k], &entry, NULL, err, sizeof(err), NULL))
					run(&cfg, &entry);
			config_release(&cfg);
		}
		globfree(&g);
	}
	for (size_t i = 0; i < check_rule_count(); i++) {
		const struct check_rule *r = check_rule_at(i);
		uint64_t want[N_WORDS], extra[N_WORDS], missing[N_WORDS];
		bool ex = false, mi = false;

		if (!declared(r, want)) {
			bad++;
			continue;
		}
		for (int w = 0; w < N_WORDS; w++) {
			extra[w] = seen[i][w] & ~want[w];
			missing[w] = want[w] & ~seen[i][w];
			ex |= extra[w] != 0;
			mi |= missing[w] != 0;
		}
		if (ex)
			print_set("reads but does not declare", r, extra);
		if (mi)
			print_set("declares but no input made it read", r, missing);
		bad += ex || mi;
	}
	capsdb_names_free(names, ncaps);
	printf("fieldreads: %zu of %zu checks read exactly the fields they declare\n",
	       check_rule_count() - bad, check_rule_count());
	size_t n_checkable = 0, unsound = 0;

	for (size_t i = 0; i < check_rule_count(); i++) {
		const struct check_rule *r = check_rule_at(i);
		bool any = false;

		if (!checkable[i])
			continue;
		n_checkable++;
		for (int w = 0; w < N_WORDS; w++)
			any |= shared[i][w] != 0;
		if (any)
			print_set("runs without its conditions but its check reads theirs:", r,
			          shared[i]);
		if (!body_seen[i])
			printf("%s: runs without its conditions; no input made them hold\n", r->id);
		unsound += any || !body_seen[i];
	}
	printf("fieldreads: %zu of %zu checks run without their conditions read none of theirs\n",
	       n_checkable - unsound, n_checkable);
	if (getenv("FIELDREADS_SUGGEST"))
		for (size_t i = 0; i < check_rule_count(); i++) {
			bool any = false;

			for (int w = 0; w < N_WORDS; w++)
				any |= shared[i][w] != 0;
			if (!checkable[i] && body_seen[i] && !any)
				printf("could run without its conditions: %s\n",
				       check_rule_at(i)->id);
		}
	return bad || unsound ? 1 : 0;
}
