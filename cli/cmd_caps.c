/*
 * cmd_caps.c -- `vmcslint caps`: browse, show, decode, compare and harvest capsdb entries.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "capsdb_dir.h"
#include "cli.h"
#include "opts.h"
#include "harvest.h"
#include "probe.h"
#include "vmcslint.h"

static const char caps_usage[] =
    "usage: vmcslint caps [--capsdb DIR] list [--codename WORD] [--signature SIG] [--kind KIND]\n"
    "                                         [--format text|json]\n"
    "       vmcslint caps [--capsdb DIR] show NAME|FILE [--format text|json]\n"
    "       vmcslint caps [--capsdb DIR] decode NAME|FILE\n"
    "       vmcslint caps [--capsdb DIR] diff A B\n"
    "       vmcslint caps harvest [--name NAME]\n\n"
    "list     every capsdb entry: name, kind, CPUID signature, MSR completeness, where its CPUID\n"
    "         leaves come from, confidence, codename (a legend follows the table)\n"
    "         (--codename: case-insensitive substring; --signature: 0x506e3, 06_5E or\n"
    "         06_5E_3 (family_model[_stepping], hex); --kind: real, emulator, virtualized)\n"
    "show     the raw capability MSRs and CPUID leaves of an entry, with its source\n"
    "decode   every capability in words: allowed settings of each control by name, TRUE-MSR\n"
    "         effects, CR0/CR4 fixed bits, MISC, EPT/VPID, VM functions\n"
    "diff     what differs between two entries, by name\n"
    "harvest  read this machine's capabilities (libcpuid, msr driver, root) and print an entry\n\n"
    "The built-in default entry is " CAPSDB_DEFAULT_NAME ".\n";

enum fmt { FMT_TEXT, FMT_JSON };

struct entry {
	struct vmx_caps caps;
	struct caps_meta meta;
};

static bool load_entry(const char *name, struct entry *e)
{
	char err[512];
	struct load_diags diags;

	memset(&diags, 0, sizeof(diags));
	if (!capsdb_load(name, &e->caps, &e->meta, err, sizeof(err), &diags)) {
		cli_error("%s", err);
		return false;
	}
	return true;
}

static void signature(const struct caps_meta *m, char *buf, size_t n)
{
	if (m->family < 0 || m->model < 0)
		snprintf(buf, n, "-");
	else if (m->stepping < 0)
		snprintf(buf, n, "%02X_%02X", m->family, m->model);
	else
		snprintf(buf, n, "%02X_%02X_%X", m->family, m->model, m->stepping);
}

/* 0x506e3 (CPUID.1:EAX) or FF_MM[_S] (hex). */
static bool parse_signature(const char *s, int *fam, int *mod, int *step)
{
	uint64_t v;
	char *end;

	if (strncmp(s, "0x", 2) == 0 && cli_parse_u64(s, &v) && v <= 0xffffffffu) {
		unsigned f = (unsigned)(v >> 8) & 0xf, m = (unsigned)(v >> 4) & 0xf;

		if (f == 0xf)
			f += (unsigned)(v >> 20) & 0xff;
		if (f == 0x6 || f == 0xf)
			m |= ((unsigned)(v >> 16) & 0xf) << 4;
		*fam = (int)f;
		*mod = (int)m;
		*step = (int)(v & 0xf);
		return true;
	}
	*fam = (int)strtol(s, &end, 16);
	if (*end != '_')
		return false;
	*mod = (int)strtol(end + 1, &end, 16);
	*step = -1;
	if (*end == '_')
		*step = (int)strtol(end + 1, &end, 16);
	return *end == '\0';
}

static bool contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (!hay)
		return false;
	for (; *hay; hay++) {
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	}
	return n == 0;
}

/* What the entry's CPUID leaves are: own, inferred, signature, none (caps list legend). */
static const char *cpuid_status(const struct vmx_caps *c)
{
	bool inferred = false;

	if (!c->n_cpuid)
		return "none";
	if (c->n_cpuid == 1 && c->cpuid[0].leaf == 1)
		return "signature";
	for (size_t i = 0; i < c->n_cpuid; i++)
		inferred |= c->cpuid[i].inferred != 0;
	return inferred ? "inferred" : "own";
}

/* The first word of confidence: high, medium-high, medium, virtualized. */
static void confidence_word(const struct caps_meta *m, char *buf, size_t n)
{
	size_t k = m->confidence ? strcspn(m->confidence, " (") : 0;

	snprintf(buf, n, "%.*s", (int)k, k ? m->confidence : "-");
}

static const char list_legend[] =
    "\nMSRS: complete = every VMX capability MSR the processor implements has a value (absent "
    "ones\n      are known absent); inferred = so has every one, but some (the TRUE MSRs) "
    "were taken\n      from a dump of the same family/model (verdicts that rest on them say "
    "so); partial = at\n      least one is unknown (checks needing it are undecided).\nCPUID: own "
    "= every leaf from dumps of this processor; inferred = some leaves "
    "from a dump of\n      the same family/model/stepping, SKU-fused bits unknown; signature = "
    "only CPUID.1:EAX;\n      none.  Leaves a dump lacks are unknown (see caps show).\nCONF: "
    "high, medium-high, medium (doubtful values or sources disagree, see notes),\n      "
    "virtualized (a hypervisor's view, not the processor's).  capsdb/FORMAT.md has the "
    "details.\n";

enum { O_CAPSDB, O_FORMAT, O_CODENAME, O_KIND, O_SIGNATURE, O_NAME, O_PROBE, O_HELP };

static const struct cli_option caps_options[] = {
    {"capsdb", 0, true}, {"format", 0, true},    {"codename", 0, true},
    {"kind", 0, true},   {"signature", 0, true}, {"name", 0, true},
    {"probe", 0, true},  {"help", 'h', false},   {0}};

/* --format text|json, when given: false after the error. */
static bool caps_format(const struct cli_args *a, const char *cmd, enum fmt *fmt)
{
	static const char *const formats[] = {"text", "json", NULL};
	int f = 0;

	if (!cli_has(a, O_FORMAT))
		return true;
	if (!cli_choice(cmd, "--format", a->value[O_FORMAT], formats, &f))
		return false;
	*fmt = f == 1 ? FMT_JSON : FMT_TEXT;
	return true;
}

/* a's operands after the subcommand (operand[0]). */
#define ARG(a, i) ((a)->operand[(i) + 1])
#define NARGS(a)  ((a)->n_operand - 1)

static int caps_list(const struct cli_args *a)
{
	const char *codename = a->value[O_CODENAME], *kind = a->value[O_KIND];
	int fam = -1, mod = -1, step = -1;
	enum fmt fmt = FMT_TEXT;
	size_t n, shown = 0;
	char **names;

	if (NARGS(a) > 0)
		return cli_error("caps list: unexpected '%s'", ARG(a, 0));
	if (cli_has(a, O_SIGNATURE) && !parse_signature(a->value[O_SIGNATURE], &fam, &mod, &step))
		return cli_error("caps list: --signature takes 0x506e3 or 06_5E[_3], not '%s'",
		                 a->value[O_SIGNATURE]);
	if (!caps_format(a, "caps list", &fmt))
		return CLI_EXIT_USAGE;
	names = capsdb_names(&n);
	if (fmt == FMT_JSON)
		printf("{\"entries\": [");
	else
		printf("%-44s %-11s %-10s %-8s %-9s %-11s %s\n", "NAME", "KIND", "SIGNATURE",
		       "MSRS", "CPUID", "CONF", "CODENAME");
	for (size_t i = 0; i < n; i++) {
		struct entry e;
		char sig[32], conf[32];

		if (!load_entry(names[i], &e)) {
			capsdb_names_free(names, n);
			return CLI_EXIT_USAGE;
		}
		if ((codename && !contains_ci(e.meta.codename, codename) &&
		     !contains_ci(e.meta.brand, codename)) ||
		    (kind && (!e.meta.kind || strcmp(e.meta.kind, kind) != 0)) ||
		    (fam >= 0 && (e.meta.family != fam || e.meta.model != mod ||
		                  (step >= 0 && e.meta.stepping != step)))) {
			caps_meta_release(&e.meta);
			continue;
		}
		signature(&e.meta, sig, sizeof(sig));
		confidence_word(&e.meta, conf, sizeof(conf));
		if (fmt == FMT_JSON) {
			printf("%s\n  {\"name\": ", shown ? "," : "");
			json_string(stdout, names[i]);
			printf(", \"kind\": ");
			json_string(stdout, e.meta.kind ? e.meta.kind : "");
			printf(", \"signature\": ");
			json_string(stdout, sig);
			printf(", \"completeness\": ");
			json_string(stdout, e.meta.completeness ? e.meta.completeness : "");
			printf(", \"cpuid\": \"%s\", \"confidence\": ", cpuid_status(&e.caps));
			json_string(stdout, conf);
			printf(", \"codename\": ");
			json_string(stdout, e.meta.codename ? e.meta.codename : "");
			printf(", \"source\": ");
			json_string(stdout, e.meta.source_kind ? e.meta.source_kind : "");
			printf("}");
		} else {
			printf("%-44s %-11s %-10s %-8s %-9s %-11s %s\n", names[i],
			       e.meta.kind ? e.meta.kind : "-", sig,
			       e.meta.completeness ? e.meta.completeness : "-",
			       cpuid_status(&e.caps), conf,
			       e.meta.codename ? e.meta.codename : "-");
		}
		shown++;
		caps_meta_release(&e.meta);
	}
	if (fmt == FMT_JSON)
		printf("\n], \"count\": %zu}\n", shown);
	else if (shown)
		printf("%s", list_legend);
	capsdb_names_free(names, n);
	return shown ? CLI_EXIT_OK : CLI_EXIT_FINDINGS;
}

static void print_list(const char *title, char **l, size_t n)
{
	if (!n)
		return;
	printf("%s:\n", title);
	for (size_t i = 0; i < n; i++)
		printf("  - %s\n", l[i]);
}

static void json_list(const char *key, char **l, size_t n)
{
	printf(", \"%s\": [", key);
	for (size_t i = 0; i < n; i++) {
		printf("%s", i ? ", " : "");
		json_string(stdout, l[i]);
	}
	printf("]");
}

static const char *const reg_names[] = {"eax", "ebx", "ecx", "edx"};

/* Where an MSR value comes from, in words: "[1] [2]", "capability bits", ... */
static void msr_provenance(const struct entry *e, int i, char *buf, size_t n)
{
	size_t off = 0;

	buf[0] = '\0';
	if (e->caps.msr_state[i] == VMX_MSR_UNKNOWN) {
		snprintf(buf, n, "no source gives it");
		return;
	}
	for (size_t k = 0; k < e->meta.n_msr_inferred; k++) {
		if ((e->meta.msr_inferred[k].msrs >> i) & 1u) {
			snprintf(buf, n, "INFERRED from %s [m%zu]",
			         e->meta.msr_inferred[k].inferred_from, k + 1);
			return;
		}
	}
	if (e->meta.has_msr_sources && e->meta.msr_links[i]) {
		off += (size_t)snprintf(buf + off, n - off, "from");
		for (unsigned b = 0; b < 32 && off < n; b++) {
			if ((e->meta.msr_links[i] >> b) & 1u)
				off += (size_t)snprintf(buf + off, n - off, " [%u]", b + 1);
		}
		return;
	}
	if (e->caps.msr_state[i] == VMX_MSR_ABSENT)
		snprintf(buf, n, "%s",
		         e->meta.has_msr_sources ? "per the capability bits (see notes)"
		                                 : "per the entry's source");
	else
		snprintf(buf, n, "from the entry's source");
}

/* The msr-inferred items: which sibling's dump, and why ([mN] in the msrs lines). */
static void print_msr_inferred(const struct caps_meta *m)
{
	for (size_t i = 0; i < m->n_msr_inferred; i++) {
		const struct caps_msr_inferred *mi = &m->msr_inferred[i];

		printf("  [m%zu] INFERRED from %s: %s\n", i + 1, mi->inferred_from,
		       mi->link ? mi->link : "-");
		printf("        reason: %s\n", mi->reason ? mi->reason : "-");
	}
}

static void json_msr_inferred(const struct caps_meta *m)
{
	printf(", \"msr_inferred\": [");
	for (size_t i = 0; i < m->n_msr_inferred; i++) {
		const struct caps_msr_inferred *mi = &m->msr_inferred[i];

		printf("%s{\"msrs\": [", i ? ", " : "");
		for (int b = 0, k = 0; b < VMX_MSR__COUNT; b++) {
			if ((mi->msrs >> b) & 1u)
				printf("%s\"%s\"", k++ ? ", " : "",
				       vmx_msr_name((enum vmx_msr_id)b));
		}
		printf("], \"inferred_from\": ");
		json_string(stdout, mi->inferred_from ? mi->inferred_from : "");
		printf(", \"link\": ");
		json_string(stdout, mi->link ? mi->link : "");
		printf(", \"reason\": ");
		json_string(stdout, mi->reason ? mi->reason : "");
		printf("}");
	}
	printf("]");
}

static void print_cpuid_sources(const struct caps_meta *m)
{
	if (!m->n_cpuid_sources)
		return;
	printf("cpuid sources:\n");
	for (size_t i = 0; i < m->n_cpuid_sources; i++) {
		const struct caps_cpuid_source *cs = &m->cpuid_sources[i];

		if (cs->inferred_from)
			printf("  [c%zu] INFERRED from %s: %s\n", i + 1, cs->inferred_from,
			       cs->link ? cs->link : "-");
		else
			printf("  [c%zu] %s\n", i + 1, cs->link ? cs->link : "-");
		if (cs->description)
			printf("        %s\n", cs->description);
		if (cs->reason)
			printf("        reason: %s\n", cs->reason);
	}
}

static void json_cpuid(const struct entry *e)
{
	printf(", \"cpuid_sources\": [");
	for (size_t i = 0; i < e->meta.n_cpuid_sources; i++) {
		const struct caps_cpuid_source *cs = &e->meta.cpuid_sources[i];

		printf("%s{\"link\": ", i ? ", " : "");
		json_string(stdout, cs->link ? cs->link : "");
		if (cs->description) {
			printf(", \"description\": ");
			json_string(stdout, cs->description);
		}
		if (cs->inferred_from) {
			printf(", \"inferred_from\": ");
			json_string(stdout, cs->inferred_from);
			printf(", \"reason\": ");
			json_string(stdout, cs->reason ? cs->reason : "");
		}
		printf("}");
	}
	printf("], \"cpuid\": [");
	for (size_t i = 0; i < e->caps.n_cpuid; i++) {
		const struct vmx_cpuid_leaf *l = &e->caps.cpuid[i];

		printf("%s{\"leaf\": \"0x%x\", \"subleaf\": %u", i ? ", " : "", l->leaf,
		       l->subleaf);
		for (int r = 0; r < 4; r++) {
			if ((l->known | l->partial) >> r & 1u)
				printf(", \"%s\": \"0x%08x\"", reg_names[r], l->reg[r]);
			if ((l->partial >> r) & 1u)
				printf(", \"%s_unknown\": \"0x%08x\"", reg_names[r], l->unknown[r]);
		}
		printf(", \"source\": %u, \"inferred\": %s}", l->src,
		       l->inferred ? "true" : "false");
	}
	printf("]");
}

static int caps_show(const struct cli_args *a)
{
	enum fmt fmt = FMT_TEXT;
	const char *name = NARGS(a) > 0 ? ARG(a, 0) : NULL;
	struct entry e;
	char sig[32];

	if (!caps_format(a, "caps show", &fmt))
		return CLI_EXIT_USAGE;
	if (NARGS(a) > 1)
		return cli_error("caps show: one entry at a time, got '%s' too", ARG(a, 1));
	if (!name)
		return cli_error("caps show needs an entry NAME or FILE");
	if (!load_entry(name, &e))
		return CLI_EXIT_USAGE;
	signature(&e.meta, sig, sizeof(sig));
	if (fmt == FMT_JSON) {
		printf("{\"name\": ");
		json_string(stdout, e.caps.name);
		printf(", \"kind\": ");
		json_string(stdout, e.meta.kind ? e.meta.kind : "");
		printf(", \"signature\": ");
		json_string(stdout, sig);
		printf(", \"codename\": ");
		json_string(stdout, e.meta.codename ? e.meta.codename : "");
		printf(", \"source\": {\"kind\": ");
		json_string(stdout, e.meta.source_kind ? e.meta.source_kind : "");
		printf(", \"description\": ");
		json_string(stdout, e.meta.source_desc ? e.meta.source_desc : "");
		json_list("links", e.meta.links, e.meta.n_links);
		printf("}, \"msrs\": {");
		for (int i = 0; i < VMX_MSR__COUNT; i++) {
			printf("%s\"%s\": ", i ? ", " : "", vmx_msr_name((enum vmx_msr_id)i));
			if (e.caps.msr_state[i] == VMX_MSR_PRESENT)
				printf("\"0x%016llx\"", (unsigned long long)e.caps.msr[i]);
			else
				printf("\"%s\"", e.caps.msr_state[i] == VMX_MSR_ABSENT ? "absent"
				                                                       : "unknown");
		}
		printf("}, \"msr_sources\": {");
		for (int i = 0; i < VMX_MSR__COUNT; i++) {
			printf("%s\"%s\": [", i ? ", " : "", vmx_msr_name((enum vmx_msr_id)i));
			for (unsigned b = 0, k = 0; b < 32; b++) {
				if ((e.meta.msr_links[i] >> b) & 1u)
					printf("%s%u", k++ ? ", " : "", b + 1);
			}
			printf("]");
		}
		printf("}");
		json_msr_inferred(&e.meta);
		printf(", \"maxphyaddr\": ");
		if (e.caps.maxphyaddr)
			printf("%u", e.caps.maxphyaddr);
		else
			printf("null");
		json_cpuid(&e);
		json_list("conflicts", e.meta.conflicts, e.meta.n_conflicts);
		json_list("notes", e.meta.notes, e.meta.n_notes);
		printf("}\n");
		caps_meta_release(&e.meta);
		return CLI_EXIT_OK;
	}
	printf("name:         %s\n", e.caps.name);
	printf("kind:         %s\n", e.meta.kind ? e.meta.kind : "-");
	printf("codename:     %s\n", e.meta.codename ? e.meta.codename : "-");
	if (e.meta.brand)
		printf("brand:        %s\n", e.meta.brand);
	printf("signature:    %s (family_model_stepping)\n", sig);
	printf("completeness: %s\n", e.meta.completeness ? e.meta.completeness : "-");
	printf("source:       %s: %s\n", e.meta.source_kind ? e.meta.source_kind : "-",
	       e.meta.source_desc ? e.meta.source_desc : "-");
	if (e.meta.confidence)
		printf("confidence:   %s\n", e.meta.confidence);
	for (size_t i = 0; i < e.meta.n_links; i++)
		printf("  [%zu] %s\n", i + 1, e.meta.links[i]);
	print_msr_inferred(&e.meta);
	printf("msrs (value, then where it comes from: [n] = link n above, [mN] = inferred as "
	       "said above):\n");
	for (int i = 0; i < VMX_MSR__COUNT; i++) {
		char prov[160];

		printf("  0x%03x %-30s ", vmx_msr_index((enum vmx_msr_id)i),
		       vmx_msr_name((enum vmx_msr_id)i));
		msr_provenance(&e, i, prov, sizeof(prov));
		if (e.caps.msr_state[i] == VMX_MSR_PRESENT)
			printf("0x%016llx  %s\n", (unsigned long long)e.caps.msr[i], prov);
		else
			printf("%-18s  %s\n",
			       e.caps.msr_state[i] == VMX_MSR_ABSENT ? "absent" : "unknown", prov);
	}
	if (e.caps.maxphyaddr) {
		const struct vmx_cpuid_leaf *l = vmx_caps_cpuid(&e.caps, 0x80000008u, 0);

		printf("maxphyaddr:   %u", e.caps.maxphyaddr);
		if (l && l->src)
			printf(" (CPUID.80000008H:EAX[7:0], source [c%u]%s)", l->src,
			       l->inferred ? ", inferred" : "");
		printf("\n");
	} else {
		printf("maxphyaddr:   unknown\n");
	}
	print_cpuid_sources(&e.meta);
	for (size_t i = 0; i < e.caps.n_cpuid; i++) {
		const struct vmx_cpuid_leaf *l = &e.caps.cpuid[i];
		bool any_unknown = false;

		printf("cpuid 0x%08x.%u:", l->leaf, l->subleaf);
		for (int r = 0; r < 4; r++) {
			if ((l->known | l->partial) >> r & 1u)
				printf(" %s=0x%08x", reg_names[r], l->reg[r]);
			else
				printf(" %s=unknown", reg_names[r]);
			any_unknown |= ((l->partial >> r) & 1u) != 0;
		}
		if (l->src)
			printf("  [c%u]%s", l->src, l->inferred ? " inferred" : "");
		else
			printf("  (entry source)");
		if (any_unknown) {
			printf("; unknown bits:");
			for (int r = 0; r < 4; r++) {
				if ((l->partial >> r) & 1u)
					printf(" %s 0x%08x", reg_names[r], l->unknown[r]);
			}
		}
		printf("\n");
	}
	print_list("conflicts", e.meta.conflicts, e.meta.n_conflicts);
	print_list("notes", e.meta.notes, e.meta.n_notes);
	caps_meta_release(&e.meta);
	return CLI_EXIT_OK;
}

static const char *setting(const struct vmx_allowed *a, unsigned bit)
{
	bool must1 = (a->must_be_1 >> bit) & 1u, may1 = (a->may_be_1 >> bit) & 1u;

	if ((a->must_unknown >> bit) & 1u)
		return "default 1 (may be 0: unknown, the TRUE MSR was not captured)";
	if (must1 && may1)
		return "must be 1";
	if (must1)
		return "must be 1 (capability MSR inconsistent: allowed-1 is 0)";
	return may1 ? "0 or 1" : "must be 0";
}

static const enum vmx_msr_id ctl_plain_msr[VMX_CTL__COUNT] = {
    [VMX_CTL_PIN] = VMX_MSR_PINBASED_CTLS,     [VMX_CTL_PROC] = VMX_MSR_PROCBASED_CTLS,
    [VMX_CTL_PROC2] = VMX_MSR_PROCBASED_CTLS2, [VMX_CTL_PROC3] = VMX_MSR_PROCBASED_CTLS3,
    [VMX_CTL_EXIT] = VMX_MSR_EXIT_CTLS,        [VMX_CTL_EXIT2] = VMX_MSR_EXIT_CTLS2,
    [VMX_CTL_ENTRY] = VMX_MSR_ENTRY_CTLS,
};

static void decode_controls(const struct vmx_caps *c, enum vmx_ctl ctl)
{
	struct vmx_allowed a = vmx_caps_allowed(c, ctl);
	enum vmx_msr_id plain_id = ctl_plain_msr[ctl];
	const struct vmcs_layout_info *l = vmx_msr_layout(plain_id);
	struct vmx_allowed plain = a;
	unsigned width = (ctl == VMX_CTL_PROC3 || ctl == VMX_CTL_EXIT2) ? 64 : 32;
	size_t n;
	const struct vmcs_bits_info *b = vmcs_layout_bits(l, &n);

	printf("\n%s", l->title);
	if (!a.known) {
		printf(": unknown (%s not captured)\n", vmx_msr_name(a.msr));
		return;
	}
	if (c->msr_state[a.msr] != VMX_MSR_PRESENT) {
		printf(": none (%s not implemented)\n", vmx_msr_name(a.msr));
		return;
	}
	printf(" (%s = 0x%016llx)\n", vmx_msr_name(a.msr), (unsigned long long)c->msr[a.msr]);
	if (a.msr != plain_id && c->msr_state[plain_id] == VMX_MSR_PRESENT) {
		plain.must_be_1 = c->msr[plain_id] & 0xffffffffu;
		plain.may_be_1 = c->msr[plain_id] >> 32;
	}
	for (unsigned bit = 0; bit < width; bit++) {
		const char *name = NULL;
		bool reserved_free;

		for (size_t j = 0; j < n; j++) {
			if (b[j].lo == bit)
				name = b[j].name;
		}
		reserved_free = !((a.must_be_1 >> bit) & 1u) && !((a.may_be_1 >> bit) & 1u);
		if (!name && reserved_free)
			continue;
		printf("  %2u %-44s %s", bit, name ? name : "(reserved)", setting(&a, bit));
		if (((plain.must_be_1 >> bit) & 1u) && !((a.must_be_1 >> bit) & 1u))
			printf("  [default 1; may be 0 per %s]", vmx_msr_name(a.msr));
		printf("\n");
	}
}

/*
 * A multi-bit capability in the units the SDM gives it (Appendix A), as vmxcap prints them;
 * "" when the number is the meaning.
 */
static void capability_units(enum vmx_msr_id id, const char *name, uint64_t v, char *buf, size_t n)
{
	static const char *const memtype[8] = {"uncacheable", "?", "?",          "?",
	                                       "?",           "?", "write-back", "?"};

	buf[0] = '\0';
	if (id == VMX_MSR_BASIC && strcmp(name, "REGION_SIZE") == 0)
		snprintf(buf, n, "%llu bytes", (unsigned long long)v);
	else if (id == VMX_MSR_BASIC && strcmp(name, "MEMORY_TYPE") == 0)
		snprintf(buf, n, "%s", v < 8 ? memtype[v] : "?");
	else if (id == VMX_MSR_MISC && strcmp(name, "PREEMPTION_TIMER_RATE") == 0)
		snprintf(buf, n, "the timer counts once every %llu TSC ticks", 1ull << v);
	else if (id == VMX_MSR_MISC && strcmp(name, "CR3_TARGET_COUNT") == 0)
		snprintf(buf, n, "%llu CR3-target values", (unsigned long long)v);
	else if (id == VMX_MSR_MISC && strcmp(name, "MAX_MSR_LIST") == 0)
		snprintf(buf, n, "up to %llu entries per MSR list (recommended)",
		         512 * (unsigned long long)(v + 1));
	else if (id == VMX_MSR_EPT_VPID_CAP && strcmp(name, "MAX_HLAT_PREFIX_SIZE") == 0)
		snprintf(buf, n, "prefix sizes up to %llu bits", (unsigned long long)v);
}

static void decode_msr_bits(const struct vmx_caps *c, enum vmx_msr_id id)
{
	const struct vmcs_layout_info *l = vmx_msr_layout(id);
	size_t n;
	const struct vmcs_bits_info *b;

	if (l && strstr(l->title, vmx_msr_name(id)))
		printf("\n%s (", l->title);
	else
		printf("\n%s (%s", l ? l->title : vmx_msr_desc(id), vmx_msr_name(id));
	if (c->msr_state[id] != VMX_MSR_PRESENT) {
		printf("): %s\n",
		       c->msr_state[id] == VMX_MSR_ABSENT ? "not implemented" : "unknown");
		return;
	}
	printf("%s0x%016llx)\n", l && strstr(l->title, vmx_msr_name(id)) ? "" : " = ",
	       (unsigned long long)c->msr[id]);
	if (!l)
		return;
	b = vmcs_layout_bits(l, &n);
	for (size_t j = 0; j < n; j++) {
		uint64_t v = c->msr[id] >> b[j].lo;
		unsigned w = (unsigned)(b[j].hi - b[j].lo + 1);

		if (w < 64)
			v &= (1ull << w) - 1;
		if (w == 1)
			printf("  %2u    %-44s %s\n", b[j].lo, b[j].name, v ? "yes" : "no");
		else {
			char units[120];

			capability_units(id, b[j].name, v, units, sizeof(units));
			printf("  %2u:%-2u %-44s %llu (0x%llx)%s%s\n", b[j].hi, b[j].lo, b[j].name,
			       (unsigned long long)v, (unsigned long long)v, units[0] ? ": " : "",
			       units);
		}
	}
}

static void decode_fixed(const struct vmx_caps *c, enum vmx_msr_id f0, enum vmx_msr_id f1,
                         const char *reg)
{
	const struct vmcs_layout_info *l = vmx_msr_layout(f0);
	size_t n;
	const struct vmcs_bits_info *b = vmcs_layout_bits(l, &n);

	printf("\n%s in VMX operation (%s, %s)\n", reg, vmx_msr_name(f0), vmx_msr_name(f1));
	if (c->msr_state[f0] != VMX_MSR_PRESENT || c->msr_state[f1] != VMX_MSR_PRESENT) {
		printf("  unknown\n");
		return;
	}
	for (size_t j = 0; j < n; j++) {
		unsigned bit = b[j].lo;
		bool one = (c->msr[f0] >> bit) & 1u, may = (c->msr[f1] >> bit) & 1u;

		printf("  %2u %-12s %s\n", bit, b[j].name,
		       one   ? "fixed to 1"
		       : may ? "flexible"
		             : "fixed to 0");
	}
	printf("  (%s relaxed for the guest under unrestricted guest: PE, PG)\n",
	       strcmp(reg, "CR0") == 0 ? "fixed-1 bits" : "no bits");
}

static int caps_decode(const struct cli_args *a)
{
	struct entry e;
	static const enum vmx_ctl order[] = {VMX_CTL_PIN,   VMX_CTL_PROC, VMX_CTL_PROC2,
	                                     VMX_CTL_PROC3, VMX_CTL_EXIT, VMX_CTL_EXIT2,
	                                     VMX_CTL_ENTRY};

	if (NARGS(a) != 1)
		return cli_error("caps decode needs one entry NAME or FILE");
	if (!load_entry(ARG(a, 0), &e))
		return CLI_EXIT_USAGE;
	printf("%s: VMX capabilities", e.caps.name);
	if (e.meta.codename)
		printf(" (%s)", e.meta.codename);
	printf("\n");
	decode_msr_bits(&e.caps, VMX_MSR_BASIC);
	if (e.caps.msr_state[VMX_MSR_BASIC] == VMX_MSR_PRESENT) {
		bool t = (e.caps.msr[VMX_MSR_BASIC] >> 55) & 1u;

		printf("  => TRUE capability MSRs %s\n",
		       t ? "are reported (bit 55): they decide which default-1 controls may be 0"
		         : "are not reported (bit 55 clear): default-1 controls must be 1");
	}
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		decode_controls(&e.caps, order[i]);
	decode_msr_bits(&e.caps, VMX_MSR_MISC);
	decode_fixed(&e.caps, VMX_MSR_CR0_FIXED0, VMX_MSR_CR0_FIXED1, "CR0");
	decode_fixed(&e.caps, VMX_MSR_CR4_FIXED0, VMX_MSR_CR4_FIXED1, "CR4");
	printf("\nVMCS enumeration (IA32_VMX_VMCS_ENUM");
	if (e.caps.msr_state[VMX_MSR_VMCS_ENUM] == VMX_MSR_PRESENT)
		printf(" = 0x%016llx)\n  highest field index: %llu (as reported: processors have "
		       "fields beyond it, so vmcslint does not use it)\n",
		       (unsigned long long)e.caps.msr[VMX_MSR_VMCS_ENUM],
		       (unsigned long long)((e.caps.msr[VMX_MSR_VMCS_ENUM] >> 1) & 0x1ff));
	else
		printf("): %s\n", e.caps.msr_state[VMX_MSR_VMCS_ENUM] == VMX_MSR_ABSENT
		                      ? "not implemented"
		                      : "unknown");
	decode_msr_bits(&e.caps, VMX_MSR_EPT_VPID_CAP);
	decode_msr_bits(&e.caps, VMX_MSR_VMFUNC);
	printf("\nMAXPHYADDR: ");
	if (e.caps.maxphyaddr)
		printf("%u bits\n", e.caps.maxphyaddr);
	else
		printf("unknown (no source gives CPUID.80000008H)\n");
	caps_meta_release(&e.meta);
	return CLI_EXIT_OK;
}

static void diff_bits(const struct vmcs_layout_info *l, uint64_t a, uint64_t b, const char *what)
{
	size_t n;
	const struct vmcs_bits_info *bits = vmcs_layout_bits(l, &n);
	uint64_t covered = 0;

	for (size_t j = 0; j < n; j++) {
		unsigned w = (unsigned)(bits[j].hi - bits[j].lo + 1);
		uint64_t m = (w < 64 ? (1ull << w) - 1 : ~0ull) << bits[j].lo;

		covered |= m;
		if ((a & m) != (b & m))
			printf("  %s %s: %llu -> %llu\n", what, bits[j].name,
			       (unsigned long long)((a & m) >> bits[j].lo),
			       (unsigned long long)((b & m) >> bits[j].lo));
	}
	for (unsigned bit = 0; bit < 64; bit++) {
		if (!((covered >> bit) & 1u) && (((a ^ b) >> bit) & 1u))
			printf("  %s bit %u: %u -> %u\n", what, bit, (unsigned)((a >> bit) & 1u),
			       (unsigned)((b >> bit) & 1u));
	}
}

static int caps_diff(const struct cli_args *args)
{
	struct entry a, b;
	size_t differences = 0;

	if (NARGS(args) != 2)
		return cli_error("caps diff needs two entries A B");
	if (!load_entry(ARG(args, 0), &a))
		return CLI_EXIT_USAGE;
	if (!load_entry(ARG(args, 1), &b)) {
		caps_meta_release(&a.meta);
		return CLI_EXIT_USAGE;
	}
	printf("--- %s\n+++ %s\n", a.caps.name, b.caps.name);
	for (int c = 0; c < VMX_CTL__COUNT; c++) {
		struct vmx_allowed x = vmx_caps_allowed(&a.caps, (enum vmx_ctl)c);
		struct vmx_allowed y = vmx_caps_allowed(&b.caps, (enum vmx_ctl)c);
		const struct vmcs_layout_info *l = vmx_msr_layout(ctl_plain_msr[c]);
		size_t n;
		const struct vmcs_bits_info *bits = vmcs_layout_bits(l, &n);

		if (!x.known || !y.known) {
			if (x.known != y.known) {
				printf("%s: known in one entry only\n", l->title);
				differences++;
			}
			continue;
		}
		for (unsigned bit = 0; bit < 64; bit++) {
			const char *sx = setting(&x, bit), *sy = setting(&y, bit), *name = NULL;

			if (strcmp(sx, sy) == 0)
				continue;
			for (size_t j = 0; j < n; j++) {
				if (bits[j].lo == bit)
					name = bits[j].name;
			}
			printf("%s %s (bit %u): %s -> %s\n", l->title, name ? name : "(reserved)",
			       bit, sx, sy);
			differences++;
		}
	}
	for (int i = 0; i < VMX_MSR__COUNT; i++) {
		const struct vmcs_layout_info *l = vmx_msr_layout((enum vmx_msr_id)i);
		bool control =
		    l && (strncmp(l->id, "L_P", 3) == 0 || strncmp(l->id, "L_E", 3) == 0);

		if (a.caps.msr_state[i] != b.caps.msr_state[i] ||
		    (a.caps.msr_state[i] == VMX_MSR_PRESENT && a.caps.msr[i] != b.caps.msr[i])) {
			differences++;
			if (a.caps.msr_state[i] != VMX_MSR_PRESENT ||
			    b.caps.msr_state[i] != VMX_MSR_PRESENT) {
				printf("%s: %s -> %s\n", vmx_msr_name((enum vmx_msr_id)i),
				       a.caps.msr_state[i] == VMX_MSR_PRESENT  ? "present"
				       : a.caps.msr_state[i] == VMX_MSR_ABSENT ? "absent"
				                                               : "unknown",
				       b.caps.msr_state[i] == VMX_MSR_PRESENT  ? "present"
				       : b.caps.msr_state[i] == VMX_MSR_ABSENT ? "absent"
				                                               : "unknown");
				continue;
			}
			printf("%s: 0x%016llx -> 0x%016llx\n", vmx_msr_name((enum vmx_msr_id)i),
			       (unsigned long long)a.caps.msr[i],
			       (unsigned long long)b.caps.msr[i]);
			if (l && !control && strcmp(l->id, "L_EPTP") != 0)
				diff_bits(l, a.caps.msr[i], b.caps.msr[i],
				          vmx_msr_name((enum vmx_msr_id)i));
		}
	}
	if (a.caps.maxphyaddr != b.caps.maxphyaddr) {
		printf("MAXPHYADDR: %u -> %u (0 = unknown)\n", a.caps.maxphyaddr,
		       b.caps.maxphyaddr);
		differences++;
	}
	printf("%zu difference%s\n", differences, differences == 1 ? "" : "s");
	caps_meta_release(&a.meta);
	caps_meta_release(&b.meta);
	return differences ? CLI_EXIT_FINDINGS : CLI_EXIT_OK;
}

/* `caps harvest --probe bochs:MODEL|qemu-kvm`: the capabilities the probe image reads. */
static int harvest_probe(const char *what)
{
	struct probe_options opt;
	struct probe_run run;
	int err;

	memset(&opt, 0, sizeof(opt));
	if (strcmp(what, "qemu-kvm") == 0) {
		opt.emulator = PROBE_EMU_QEMU_KVM;
	} else if (strncmp(what, "bochs", 5) == 0 && (what[5] == '\0' || what[5] == ':')) {
		opt.emulator = PROBE_EMU_BOCHS;
		if (what[5] == ':' && what[6])
			opt.bochs_model = what + 6;
	} else {
		return cli_error("--probe takes bochs, bochs:MODEL or qemu-kvm, not '%s'", what);
	}
	err = probe_harvest(&opt, &run);
	if (err != PROBE_OK)
		return cli_error("caps harvest: probe: %s: %s", probe_error_name(err), run.error);
	if (!probe_caps_yaml(&run, &opt, stdout))
		return cli_error("caps harvest: the probe reported no capabilities");
	return CLI_EXIT_OK;
}

static int caps_harvest(const struct cli_args *a)
{
	const char *name = a->value[O_NAME] ? a->value[O_NAME] : "harvested";
	struct harvest_source src;
	char err[512];
	bool ok;

	if (NARGS(a) > 0)
		return cli_error("caps harvest: unexpected '%s'", ARG(a, 0));
	if (cli_has(a, O_PROBE))
		return harvest_probe(a->value[O_PROBE]);
	src = harvest_live_open();
	ok = harvest_entry(&src, name, stdout, err, sizeof(err));
	harvest_live_close(&src);
	if (!ok)
		return cli_error("caps harvest: %s", err);
	return CLI_EXIT_OK;
}

/* The subcommands and the options each takes (bits of 1 << O_*). */
static const struct caps_sub {
	const char *name;
	int (*run)(const struct cli_args *a);
	unsigned options;
} caps_subs[] = {
    {"list", caps_list, 1u << O_FORMAT | 1u << O_CODENAME | 1u << O_KIND | 1u << O_SIGNATURE},
    {"show", caps_show, 1u << O_FORMAT},
    {"decode", caps_decode, 0},
    {"diff", caps_diff, 0},
    {"harvest", caps_harvest, 1u << O_NAME | 1u << O_PROBE},
};

int cmd_caps(int argc, char **argv)
{
	struct cli_args a;
	int rc = CLI_EXIT_USAGE;
	size_t k;

	if (!cli_parse(argc, argv, caps_options, "caps", &a))
		return CLI_EXIT_USAGE;
	if (cli_has(&a, O_CAPSDB))
		capsdb_set_dir(a.value[O_CAPSDB]);
	if (cli_has(&a, O_HELP)) {
		fputs(caps_usage, stdout);
		cli_args_release(&a);
		return CLI_EXIT_OK;
	}
	if (a.n_operand == 0) {
		fputs(caps_usage, stderr);
		cli_args_release(&a);
		return CLI_EXIT_USAGE;
	}
	for (k = 0; k < sizeof(caps_subs) / sizeof(caps_subs[0]); k++) {
		if (strcmp(a.operand[0], caps_subs[k].name) == 0)
			break;
	}
	if (k == sizeof(caps_subs) / sizeof(caps_subs[0])) {
		cli_error("unknown caps subcommand '%s'", a.operand[0]);
		fputs(caps_usage, stderr);
	} else {
		int bad = -1;

		for (int o = O_FORMAT; o < O_HELP; o++) {
			if (cli_has(&a, o) && !(caps_subs[k].options & (1u << o)))
				bad = o;
		}
		if (bad >= 0)
			cli_error("caps %s takes no --%s option", caps_subs[k].name,
			          caps_options[bad].name);
		else
			rc = caps_subs[k].run(&a);
	}
	cli_args_release(&a);
	return rc;
}
