/*
 * test_needed.c -- what the checks read of a processor, derived from the checks themselves, and
 * that harvest collects all of it.
 *
 * The checker reads CPUID only by the ids of capsdb/cpuid_leaves.def and the capability MSRs
 * only by enum vmx_msr_id, and every accessor marks what it reads (vmx_caps.reads).  Running
 * every rule fixture and example against its own capabilities and against every capsdb entry
 * records what the checks ask for; it must be the whole table (no row that no check reads), and
 * `caps harvest` must collect every leaf and MSR of it (the vmx-probe side: tests/test_probe.c).
 */
#define _GNU_SOURCE /* fmemopen */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsdb_dir.h"
#include "config.h"
#include "harvest.h"
#include "vmcslint.h"

#define ALL_LEAVES ((uint32_t)((1ull << CPUID_LEAF__COUNT) - 1))
#define ALL_MSRS   ((uint32_t)((1ull << VMX_MSR__COUNT) - 1))

/* Every rule fixture and example, against its own capabilities and every capsdb entry. */
static struct vmx_caps_reads asked_for(size_t *runs)
{
	static const char *const patterns[] = {"tests/fixtures/rules/*.yaml", "examples/*.yaml"};
	struct vmx_caps_reads all = {0, 0};
	struct check_report *rep = malloc(sizeof(*rep));
	struct vmx_caps *db;
	size_t n_names, n_db = 0;
	char **names;

	cr_assert_not_null(rep);
	capsdb_set_dir("capsdb/cpus");
	names = capsdb_names(&n_names);
	db = calloc(n_names, sizeof(*db));
	for (size_t i = 0; i < n_names; i++) {
		char err[256];

		if (capsdb_load(names[i], &db[n_db], NULL, err, sizeof(err), NULL))
			n_db++;
	}
	capsdb_names_free(names, n_names);
	cr_assert_gt(n_db, 200, "the capsdb entries load");
	*runs = 0;
	for (size_t p = 0; p < sizeof(patterns) / sizeof(patterns[0]); p++) {
		glob_t g;

		cr_assert_eq(glob(patterns[p], 0, NULL, &g), 0, "%s", patterns[p]);
		for (size_t f = 0; f < g.gl_pathc; f++) {
			struct vmcs_config cfg;
			struct load_diags d;
			struct check_input in;

			memset(&d, 0, sizeof(d));
			if (!config_load(g.gl_pathv[f], &cfg, &d, capsdb_resolver, NULL)) {
				config_release(&cfg);
				continue;
			}
			in.vmcs = &cfg.vmcs;
			in.env = &cfg.env;
			for (size_t k = 0; k <= n_db; k++) {
				struct vmx_caps c = k < n_db ? db[k] : cfg.caps;

				if (k == n_db && !cfg.has_caps)
					break;
				c.reads = &all;
				in.caps = &c;
				check_run(&in, rep);
				(*runs)++;
			}
			config_release(&cfg);
		}
		globfree(&g);
	}
	free(db);
	free(rep);
	return all;
}

Test(needed, the_checks_ask_for_every_leaf_and_msr_of_the_tables, .timeout = 120)
{
	size_t runs;
	struct vmx_caps_reads all = asked_for(&runs);

	cr_assert_gt(runs, 100000, "%zu check runs", runs);
	for (int i = 0; i < CPUID_LEAF__COUNT; i++)
		cr_expect((all.cpuid >> i) & 1u,
		          "no check reads CPUID %s (capsdb/cpuid_leaves.def: drop the row, or a "
		          "fixture misses the check that needs it)",
		          vmx_cpuid_key((enum cpuid_leaf_id)i));
	for (int i = 0; i < VMX_MSR__COUNT; i++)
		cr_expect((all.msr >> i) & 1u, "no check reads %s",
		          vmx_msr_name((enum vmx_msr_id)i));
	cr_expect_eq(all.cpuid & ~ALL_LEAVES, 0, "a read outside the table");
	cr_expect_eq(all.msr & ~ALL_MSRS, 0, "a read outside the MSR table");
}

/*
 * A fake processor for harvest: every leaf up to its maximum answers with registers made of the
 * leaf and sub-leaf; calls are recorded.
 */
struct fake_cpu {
	uint32_t max_basic, max_ext, max_sub7, max_sub14;
	uint32_t asked[64][2];
	size_t n_asked;
};

static void fake_cpuid(void *ctx, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	struct fake_cpu *f = ctx;

	if (f->n_asked < 64) {
		f->asked[f->n_asked][0] = leaf;
		f->asked[f->n_asked++][1] = sub;
	}
	for (int k = 0; k < 4; k++)
		r[k] = ((leaf & 0xff) << 24) | (sub << 16) | (0x100u << k);
	if (leaf == 0) {
		r[0] = f->max_basic;
		memcpy(&r[1], "Genu", 4);
		memcpy(&r[3], "ineI", 4);
		memcpy(&r[2], "ntel", 4);
	} else if (leaf == 1) {
		r[0] = 0x000906ea;
		r[2] |= 1u << 5; /* VMX */
	} else if (leaf == 7 && sub == 0) {
		r[0] = f->max_sub7;
	} else if (leaf == 0x14 && sub == 0) {
		r[0] = f->max_sub14;
	} else if (leaf == 0x80000000) {
		r[0] = f->max_ext;
	} else if (leaf == 0x80000008) {
		r[0] = 0x3027;
	}
}

static int fake_rdmsr(void *ctx, uint32_t index, uint64_t *v)
{
	(void)ctx;
	if (index >= 0x492)
		return -1;
	*v = index == 0x3a ? 5 : index == 0x480 ? 0x00da040000000004ull : 0x0000007f00000016ull;
	return 0;
}

static void harvest_fake(struct fake_cpu *cpu, struct vmx_caps *c)
{
	struct harvest_source s = {fake_cpuid, fake_rdmsr, NULL, "fake", cpu};
	static char out[16384];
	char err[256];
	FILE *f = fmemopen(out, sizeof(out), "w");
	struct caps_meta m;
	struct load_diags d;

	cr_assert(harvest_entry(&s, "fake-cpu", f, err, sizeof(err)), "%s", err);
	fclose(f);
	memset(&d, 0, sizeof(d));
	cr_assert(caps_load_text("harvested", out, strlen(out), c, &m, &d), "%s\n%s",
	          d.n ? d.d[0].msg : "", out);
	caps_meta_release(&m);
}

static bool was_asked(const struct fake_cpu *f, uint32_t leaf, uint32_t sub)
{
	for (size_t i = 0; i < f->n_asked; i++)
		if (f->asked[i][0] == leaf && f->asked[i][1] == sub)
			return true;
	return false;
}

Test(needed, libcpuid_harvest_collects_every_leaf_and_msr_the_checks_read, .timeout = 120)
{
	size_t runs;
	struct vmx_caps_reads all = asked_for(&runs);
	struct fake_cpu big = {0x20, 0x80000008, 2, 1, {{0}}, 0};
	struct vmx_caps c;

	harvest_fake(&big, &c);
	for (int i = 0; i < CPUID_LEAF__COUNT; i++) {
		enum cpuid_leaf_id id = (enum cpuid_leaf_id)i;
		const struct vmx_cpuid_leaf *l =
		    vmx_caps_cpuid(&c, vmx_cpuid_leaf(id), vmx_cpuid_subleaf(id));

		if (!((all.cpuid >> i) & 1u))
			continue;
		cr_expect_not_null(l, "CPUID %s: not in the harvested entry", vmx_cpuid_key(id));
		for (int k = 0; l && k < 4; k++) {
			uint32_t v;

			cr_expect(vmx_caps_cpuid_reg(&c, id, (enum cpuid_reg)k, &v) &&
			              v == l->reg[k] && l->known == 0xf,
			          "CPUID %s register %d", vmx_cpuid_key(id), k);
		}
	}
	for (int i = 0; i < VMX_MSR__COUNT; i++)
		cr_expect(!((all.msr >> i) & 1u) || c.msr_state[i] != VMX_MSR_UNKNOWN,
		          "%s: not harvested", vmx_msr_name((enum vmx_msr_id)i));
	cr_expect_eq(c.maxphyaddr, 0x27);
}

/* Leaves above the maximum leaf or sub-leaf are not read, and read as enumerating nothing. */
Test(needed, libcpuid_harvest_respects_the_maximum_leaves)
{
	struct fake_cpu small = {0xd, 0x80000008, 0, 0, {{0}}, 0};
	struct vmx_caps c;
	uint32_t v;

	harvest_fake(&small, &c);
	cr_expect_not(was_asked(&small, 0x14, 0), "leaf 14H is above CPUID.0:EAX = 0DH");
	cr_expect_not(was_asked(&small, 0x1c, 0));
	cr_expect_not(was_asked(&small, 7, 1), "sub-leaf 1 of leaf 7 is above its maximum 0");
	cr_expect(was_asked(&small, 0xd, 1));
	cr_expect_null(vmx_caps_cpuid(&c, 0x14, 0));
	cr_expect(vmx_caps_cpuid_reg(&c, CPUID_LEAF_14_0, CPUID_EBX, &v) && v == 0,
	          "a leaf beyond the maximum enumerates nothing");
	cr_expect(vmx_caps_cpuid_reg(&c, CPUID_LEAF_7_1, CPUID_EAX, &v) && v == 0);
	cr_expect_eq(vmx_caps_cpuid_bit(&c, CPUID_LEAF_1C_0, CPUID_EBX, 0), TRI_NO);
}
