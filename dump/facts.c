/*
 * facts.c -- what a log says about the processor it ran on.
 *
 * Identification (the CPUID signature: family, model, stepping):
 *   Linux   "smpboot: CPU0: Intel(R) Xeon(R) ... (family: 0x6, model: 0x6a, stepping: 0x6)"
 *           (older: "(fam: 06, model: 3c, stepping: 03)"), "microcode: sig=0x606a6, ...";
 *   Xen     "(XEN) CPU Vendor: Intel, Family 6 (0x6), Model 85 (0x55), Stepping 4 (raw
 *           00050654)";
 *   pasted  /proc/cpuinfo ("cpu family : 6", "model : 106", "stepping : 6") and lscpu
 *           ("CPU family: 6", "Model: 63", "Stepping: 2").
 * Running under a hypervisor (a virtual CPU's VMX capabilities are the host's choice):
 *   "Hypervisor detected: KVM", "Booting paravirtualized kernel on KVM", the "hypervisor"
 *   CPUID flag in cpuinfo or lscpu, lscpu's "Hypervisor vendor:", a DMI line naming a virtual
 *   platform, and Xen's "(XEN) Running on ...".
 * cpuinfo's "address sizes : ..., 57 bits virtual" gives the linear-address width, its "vmx
 * flags" (vmx_flags.c) allowed settings of the VMX controls.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* "key : value" of cpuinfo and lscpu; false when the line has no such form. */
static bool key_value(const struct msg *m, char *key, size_t kcap, const char **val, size_t *vn)
{
	size_t c = 0, k;

	while (c < m->n && c < 40 && m->s[c] != ':')
		c++;
	if (c == 0 || c >= m->n || c >= 40)
		return false;
	for (k = c; k > 0 && is_sp(m->s[k - 1]); k--)
		;
	if (k == 0 || k >= kcap)
		return false;
	for (size_t i = 0; i < k; i++) {
		char ch = m->s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == ' ' ||
		      ch == '_' || ch == '(' || ch == ')'))
			return false;
		key[i] = ch;
	}
	key[k] = '\0';
	c = skip_sp(m->s, m->n, c + 1);
	*val = m->s + c;
	*vn = m->n - c;
	return true;
}

static const char *const fact_keys[] = {
    "processor",  "vendor_id", "cpu family",        "model",     "model name",   "stepping",
    "microcode",  "flags",     "address sizes",     "Vendor ID", "CPU family",   "Model",
    "Model name", "Stepping",  "Hypervisor vendor", "Flags",     "Architecture", "vmx flags",
};

bool facts_line_start(const char *s, size_t n)
{
	static const char *const words[] = {"smpboot:",
	                                    "microcode:",
	                                    "Hypervisor detected:",
	                                    "Booting paravirtualized",
	                                    "DMI:",
	                                    "Hardware name:",
	                                    "x86/cpu:"};
	struct msg m;
	char key[48];
	const char *v;
	size_t vn;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (starts(s, n, words[i]))
			return true;
	memset(&m, 0, sizeof(m));
	m.s = s;
	m.n = n;
	if (!key_value(&m, key, sizeof(key), &v, &vn))
		return false;
	for (size_t i = 0; i < sizeof(fact_keys) / sizeof(fact_keys[0]); i++)
		if (strcmp(key, fact_keys[i]) == 0)
			return true;
	return false;
}

static void add_id(struct dump_parser *p, const struct msg *m, uint8_t how, int family, int model,
                   int stepping, const char *vendor, const char *brand)
{
	struct dump_facts *f = &p->facts;
	uint8_t origin = m->xen ? DUMP_ORIGIN_XEN : DUMP_ORIGIN_KERNEL;
	struct dump_cpu_id *id;

	if (family < 0 || model < 0 || stepping < 0)
		return;
	for (size_t i = 0; i < f->n_ids; i++) {
		id = &f->ids[i];
		if (id->origin == origin && id->family == family && id->model == model &&
		    id->stepping == stepping) {
			if (!id->brand[0] && brand && brand[0])
				snprintf(id->brand, sizeof(id->brand), "%s", brand);
			return;
		}
	}
	if (f->n_ids >= DUMP_MAX_IDS) {
		f->ids_dropped++;
		return;
	}
	id = &f->ids[f->n_ids++];
	memset(id, 0, sizeof(*id));
	id->line = m->line;
	id->origin = origin;
	id->how = how;
	id->family = family;
	id->model = model;
	id->stepping = stepping;
	snprintf(id->vendor, sizeof(id->vendor), "%s", vendor ? vendor : "");
	snprintf(id->brand, sizeof(id->brand), "%s", brand ? brand : "");
	quote(id->text, sizeof(id->text), m->s, m->n);
}

static void add_hv(struct dump_parser *p, const struct msg *m, uint8_t how, const char *name,
                   size_t nn)
{
	struct dump_facts *f = &p->facts;
	struct dump_hv *h;

	if (f->n_hv >= DUMP_MAX_HV)
		return;
	h = &f->hv[f->n_hv++];
	h->line = m->line;
	h->origin = m->xen ? DUMP_ORIGIN_XEN : DUMP_ORIGIN_KERNEL;
	h->how = how;
	quote(h->name, sizeof(h->name), name, nn);
	quote(h->text, sizeof(h->text), m->s, m->n);
}

/* The CPUID signature (CPUID.1:EAX) into family, model and stepping (SDM Vol. 2A, CPUID). */
static void decode_sig(uint64_t sig, int *family, int *model, int *stepping)
{
	unsigned f = (unsigned)(sig >> 8) & 0xf, mo = (unsigned)(sig >> 4) & 0xf;

	if (f == 0xf)
		f += (unsigned)(sig >> 20) & 0xff;
	if (f == 0x6 || f >= 0xf)
		mo |= ((unsigned)(sig >> 16) & 0xf) << 4;
	*family = (int)f;
	*model = (int)mo;
	*stepping = (int)(sig & 0xf);
}

/* A hex number after lit (with or without 0x), or -1. */
static int hex_after(const char *s, size_t n, const char *lit)
{
	size_t k = find(s, n, lit), i;
	uint64_t v;

	if (k == NOT_FOUND)
		return -1;
	i = skip_sp(s, n, k + strlen(lit));
	if (!parse_hex(s, n, &i, &v) || v > 0xffff)
		return -1;
	return (int)v;
}

/* "smpboot: CPU0: <brand> (family: 0x6, model: 0x6a, stepping: 0x6)" */
static bool smpboot_line(struct dump_parser *p, const struct msg *m)
{
	size_t k, b;
	int fam, mod, step;
	char brand[80] = "";

	if ((!starts(m->s, m->n, "smpboot:") && !starts(m->s, m->n, "CPU")) ||
	    !memchr(m->s, '(', m->n))
		return false; /* most lines: no search needed */
	k = find(m->s, m->n, "(family: ");
	if (k == NOT_FOUND)
		k = find(m->s, m->n, "(fam: ");
	if (k == NOT_FOUND || find(m->s, k, "CPU") == NOT_FOUND)
		return false;
	fam = hex_after(m->s + k, m->n - k,
	                starts(m->s + k, m->n - k, "(family") ? "family:" : "fam:");
	mod = hex_after(m->s + k, m->n - k, "model:");
	step = hex_after(m->s + k, m->n - k, "stepping:");
	b = find(m->s, k, ": ");
	if (b != NOT_FOUND) {
		size_t from = b + 2;

		/* "smpboot: CPU0: brand": the brand follows the last "CPUn: " */
		for (size_t x = find(m->s + from, k - from, ": "); x != NOT_FOUND;
		     x = find(m->s + from, k - from, ": "))
			from += x + 2;
		quote(brand, sizeof(brand), m->s + from, k > from ? k - from : 0);
		for (size_t e = strlen(brand); e > 0 && is_sp(brand[e - 1]); e--)
			brand[e - 1] = '\0';
	}
	add_id(p, m, ID_SMPBOOT, fam, mod, step, strstr(brand, "Intel") ? "GenuineIntel" : "",
	       brand);
	return true;
}

/* "microcode: sig=0x606a6, pf=0x80, revision=0xd0003b9" (older: "microcode: CPU0 sig=...") */
static bool microcode_line(struct dump_parser *p, const struct msg *m)
{
	size_t k = find(m->s, m->n, "sig=0x"), i;
	uint64_t sig;
	int fam, mod, step;

	if (!starts(m->s, m->n, "microcode:") || k == NOT_FOUND)
		return false;
	i = k + 4;
	if (!parse_hex(m->s, m->n, &i, &sig) || sig > 0xffffffffu)
		return false;
	decode_sig(sig, &fam, &mod, &step);
	add_id(p, m, ID_MICROCODE, fam, mod, step, "", "");
	return true;
}

/* "(XEN) CPU Vendor: Intel, Family 6 (0x6), Model 85 (0x55), Stepping 4 (raw 00050654)" */
static bool xen_cpu_line(struct dump_parser *p, const struct msg *m)
{
	size_t k = find(m->s, m->n, "(raw "), i;
	uint64_t sig;
	int fam, mod, step;

	if (!m->xen || !starts(m->s, m->n, "CPU Vendor: ") || k == NOT_FOUND)
		return false;
	i = k + 5;
	if (!parse_hex(m->s, m->n, &i, &sig) || sig > 0xffffffffu)
		return false;
	decode_sig(sig, &fam, &mod, &step);
	add_id(p, m, ID_XEN_CPU, fam, mod, step,
	       starts(m->s + 12, m->n - 12, "Intel") ? "GenuineIntel" : "", "");
	return true;
}

static bool virtual_dmi(const char *s, size_t n)
{
	static const char *const platforms[] = {
	    "QEMU",       "VMware Virtual",        "Microsoft Corporation Virtual Machine",
	    "VirtualBox", "Google Compute Engine", "Xen HVM domU",
	    "BHYVE",      "Parallels Virtual",     "Bochs"};

	for (size_t i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++)
		if (find(s, n, platforms[i]) != NOT_FOUND)
			return true;
	return false;
}

static bool word_in(const char *s, size_t n, const char *w)
{
	size_t k = 0, len = strlen(w);

	while (k < n) {
		size_t e = k;

		while (e < n && !is_sp(s[e]))
			e++;
		if (e - k == len && memcmp(s + k, w, len) == 0)
			return true;
		k = skip_sp(s, n, e);
	}
	return false;
}

static bool hypervisor_line(struct dump_parser *p, const struct msg *m)
{
	size_t k;

	if (m->xen) {
		if (!starts(m->s, m->n, "Running on "))
			return false;
		add_hv(p, m, HV_DETECTED, m->s + 11, m->n - 11);
		return true;
	}
	if (starts(m->s, m->n, "Hypervisor detected: ")) {
		add_hv(p, m, HV_DETECTED, m->s + 21, m->n - 21);
		return true;
	}
	if (starts(m->s, m->n, "Booting paravirtualized kernel on ")) {
		k = 34;
		if (!starts(m->s + k, m->n - k, "bare hardware"))
			add_hv(p, m, HV_PARAVIRT, m->s + k, m->n - k);
		return true;
	}
	if ((starts(m->s, m->n, "DMI: ") || starts(m->s, m->n, "Hardware name: ")) &&
	    virtual_dmi(m->s, m->n)) {
		k = m->s[0] == 'D' ? 5 : 15;
		add_hv(p, m, HV_DMI, m->s + k, m->n - k);
		return true;
	}
	return false;
}

static int small_num(const char *v, size_t n)
{
	size_t i = 0;
	uint64_t x;

	if (!parse_num(v, n, &i, &x) || x > 0xffff || skip_sp(v, n, i) != n)
		return -1;
	return (int)x;
}

/* A cpuinfo or lscpu line: fields gather until family, model and stepping are known. */
static bool table_line(struct dump_parser *p, const struct msg *m)
{
	struct facts_state *fs = &p->fs;
	char key[48];
	const char *v;
	size_t vn;
	bool lscpu;

	if (m->xen || !key_value(m, key, sizeof(key), &v, &vn))
		return false;
	lscpu = key[0] >= 'A' && key[0] <= 'Z';
	if (strcmp(key, "processor") == 0 || strcmp(key, "Architecture") == 0 ||
	    (fs->lscpu != lscpu && fs->line && m->line - fs->line > 1)) {
		memset(fs, 0, sizeof(*fs));
		fs->family = fs->model = fs->stepping = -1;
	}
	if (!fs->line) {
		fs->family = fs->model = fs->stepping = -1;
		fs->lscpu = lscpu;
	}
	if (strcmp(key, "vendor_id") == 0 || strcmp(key, "Vendor ID") == 0)
		quote(fs->vendor, sizeof(fs->vendor), v, vn);
	else if (strcmp(key, "cpu family") == 0 || strcmp(key, "CPU family") == 0)
		fs->family = small_num(v, vn);
	else if (strcmp(key, "model") == 0 || strcmp(key, "Model") == 0)
		fs->model = small_num(v, vn);
	else if (strcmp(key, "stepping") == 0 || strcmp(key, "Stepping") == 0)
		fs->stepping = small_num(v, vn);
	else if (strcmp(key, "model name") == 0 || strcmp(key, "Model name") == 0)
		quote(fs->brand, sizeof(fs->brand), v, vn);
	else if (strcmp(key, "Hypervisor vendor") == 0)
		add_hv(p, m, HV_LSCPU, v, vn);
	else if ((strcmp(key, "flags") == 0 || strcmp(key, "Flags") == 0) &&
	         word_in(v, vn, "hypervisor"))
		add_hv(p, m, HV_FLAG, "", 0);
	else if (strcmp(key, "address sizes") == 0 && find(v, vn, "bits virtual") != NOT_FOUND) {
		size_t c = find(v, vn, ", "), i;
		uint64_t bits;

		i = c == NOT_FOUND ? 0 : skip_sp(v, vn, c + 1);
		if (parse_num(v, vn, &i, &bits) && (bits == 48 || bits == 57)) {
			if (p->facts.virt_bits && p->facts.virt_bits != bits)
				p->facts.virt_bits_conflict = true;
			if (!p->facts.virt_bits) {
				p->facts.virt_bits = (unsigned)bits;
				p->facts.virt_bits_line = m->line;
			}
		}
	} else if (strcmp(key, "vmx flags") == 0) {
		if (!p->facts.vmx_flags.line)
			vmx_flags_parse(v, vn, m->line, &p->facts.vmx_flags);
	} else if (strcmp(key, "processor") != 0 && strcmp(key, "Architecture") != 0) {
		return false;
	}
	fs->line = m->line;
	if (fs->family >= 0 && fs->model >= 0 && fs->stepping >= 0) {
		add_id(p, m, lscpu ? ID_LSCPU : ID_CPUINFO, fs->family, fs->model, fs->stepping,
		       fs->vendor, fs->brand);
		/* The brand may come after the signature (cpuinfo: "model name" after "model"). */
		if (fs->brand[0] || fs->vendor[0]) {
			for (size_t i = 0; i < p->facts.n_ids; i++) {
				struct dump_cpu_id *id = &p->facts.ids[i];

				if (id->family == fs->family && id->model == fs->model &&
				    id->stepping == fs->stepping &&
				    id->origin == DUMP_ORIGIN_KERNEL) {
					if (!id->brand[0])
						snprintf(id->brand, sizeof(id->brand), "%s",
						         fs->brand);
					if (!id->vendor[0])
						snprintf(id->vendor, sizeof(id->vendor), "%s",
						         fs->vendor);
				}
			}
		}
	}
	return true;
}

void facts_line(struct dump_parser *p, const struct msg *m)
{
	if (smpboot_line(p, m) || microcode_line(p, m) || xen_cpu_line(p, m) ||
	    hypervisor_line(p, m))
		return;
	table_line(p, m);
}
