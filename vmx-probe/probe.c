/*
 * probe.c -- the vmx-probe image: reports the processor's VMX capabilities, enables VMX and
 * runs a batch of cases (protocol.h).  For each case: a fresh VMCS, the case's VMWRITEs with
 * the image's substitutions, VMREAD back, VMLAUNCH/VMRESUME, and the outcome, as report lines.
 *
 * Substitution keeps every value's validity class: an address field keeps its bits 11:0 and
 * the bits at and above MAXPHYADDR and gets the address bits of the image's own page, so an
 * aligned in-range address stays one and a misaligned or too-wide one stays invalid.  Host
 * fields the image needs to get control back (RIP, RSP, CR3) are substituted the same way;
 * the other host fields are used as given and undone after the VM exit.
 */
#include "ata.h"
#include "predict.h"
#include "protocol.h"
#include "rt/rt.h"
#include "smp.h"
#include "vmcs_ids.h"
#include "vmx.h"

#define PAGE_SIZE    4096u
#define PAGE_ALIGNED __attribute__((aligned(PAGE_SIZE)))

/* ---- report lines ---- */

static char lbuf[512];
static unsigned llen, lprefix, ltokens;

static void ln_vadd(const char *fmt, va_list ap)
{
	int n = rt_vsnprintf(lbuf + llen, sizeof(lbuf) - llen, fmt, ap);

	llen += (unsigned)n;
	if (llen >= sizeof(lbuf))
		llen = sizeof(lbuf) - 1;
}

static void __attribute__((format(printf, 1, 2))) ln_begin(const char *fmt, ...)
{
	va_list ap;

	llen = 0;
	va_start(ap, fmt);
	ln_vadd(fmt, ap);
	va_end(ap);
	lprefix = llen;
	ltokens = 0;
}

static void ln_emit(void)
{
	char out[sizeof(lbuf) + 32];
	int n = rt_snprintf(out, sizeof(out), VMXP_LINE_MARKER "%s #%04x" VMXP_LINE_END "\n", lbuf,
	                    vmxp_line_check(lbuf, llen));

	con_write(out, (size_t)n);
}

static void __attribute__((format(printf, 1, 2))) line(const char *fmt, ...)
{
	va_list ap;

	llen = 0;
	va_start(ap, fmt);
	ln_vadd(fmt, ap);
	va_end(ap);
	ln_emit();
}

/* A token of a list line ("R ID a=b c=d ..."); long lists continue on more lines. */
static void __attribute__((format(printf, 1, 2))) ln_token(const char *fmt, ...)
{
	char tok[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = rt_vsnprintf(tok, sizeof(tok), fmt, ap);
	va_end(ap);
	if (ltokens && llen + 1 + (unsigned)n > 200) {
		ln_emit();
		llen = lprefix;
		lbuf[llen] = '\0';
		ltokens = 0;
	}
	lbuf[llen++] = ' ';
	memcpy(lbuf + llen, tok, (size_t)n + 1);
	llen += (unsigned)n;
	ltokens++;
}

static void ln_tokens_end(void)
{
	if (ltokens)
		ln_emit();
	ltokens = 0;
}

/* ---- capabilities ---- */

static uint64_t cap[VMX_MSR__COUNT];
static bool cap_ok[VMX_MSR__COUNT];
static unsigned maxphy = 36;
static uint32_t vmcs_revision;

static uint64_t addr_mask(void)
{
	return ((1ull << maxphy) - 1) & ~(uint64_t)(PAGE_SIZE - 1);
}

/* The allowed-1 settings (high 32 bits) of a control's capability MSR. */
static uint32_t allowed1(enum vmx_msr_id plain, enum vmx_msr_id true_msr)
{
	bool use_true = (cap[VMX_MSR_BASIC] >> 55) & 1;
	enum vmx_msr_id id = use_true ? true_msr : plain;

	return cap_ok[id] ? (uint32_t)(cap[id] >> 32) : 0;
}
static uint32_t must1(enum vmx_msr_id plain, enum vmx_msr_id true_msr)
{
	bool use_true = (cap[VMX_MSR_BASIC] >> 55) & 1;
	enum vmx_msr_id id = use_true ? true_msr : plain;

	return cap_ok[id] ? (uint32_t)cap[id] : 0;
}

/* Every leaf of capsdb/cpuid_leaves.def, read at entry in 32-bit mode (boot.S). */
extern const uint32_t boot_cpuid_leaves[CPUID_LEAF__COUNT][2];
extern uint32_t boot_cpuid[CPUID_LEAF__COUNT][4];

/*
 * The CPUID leaves and the capability MSRs.  A leaf above the maximum basic or extended leaf
 * (CPUID.0:EAX, CPUID.80000000H:EAX), or a sub-leaf of 07H or 14H above the maximum its
 * sub-leaf 0 reports in EAX, enumerates nothing (SDM Vol. 2A, CPUID: Intel returns another
 * leaf's data there): it is not reported, and the host reads it as beyond the maximum.
 */
static void harvest(void)
{
	uint32_t max_basic = boot_cpuid[CPUID_LEAF_0][0];
	uint32_t max_ext = boot_cpuid[CPUID_LEAF_80000000][0];
	bool cpuid_ok[CPUID_LEAF__COUNT] = {false};

	for (unsigned i = 0; i < CPUID_LEAF__COUNT; i++) {
		uint32_t leaf = boot_cpuid_leaves[i][0], sub = boot_cpuid_leaves[i][1];
		uint32_t *r = boot_cpuid[i];

		if (leaf < 0x80000000 ? leaf > max_basic : leaf > max_ext)
			continue;
		if (leaf == 7 && sub > boot_cpuid[CPUID_LEAF_7_0][0])
			continue;
		if (leaf == 0x14 && sub > boot_cpuid[CPUID_LEAF_14_0][0])
			continue;
		cpuid_ok[i] = true;
		line("CPUID %x %x %x %x %x %x", leaf, sub, r[0], r[1], r[2], r[3]);
		if (leaf == 0x80000008)
			maxphy = r[0] & 0xff;
	}
	for (unsigned i = 0; i < VMX_MSR__COUNT; i++) {
		cap_ok[i] = rdmsr_safe(0x480 + i, &cap[i]);
		if (cap_ok[i])
			line("MSR %x %lx", 0x480 + i, cap[i]);
		else
			line("MSR %x GP", 0x480 + i);
	}
	predict_caps(cap, cap_ok, (const uint32_t(*)[4])boot_cpuid, cpuid_ok);
}

/* ---- VMX on ---- */

static uint8_t vmxon_region[PAGE_SIZE] PAGE_ALIGNED;
static uint8_t vmcs_region[PAGE_SIZE] PAGE_ALIGNED;

static uint64_t pa(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static bool vmx_enable(void)
{
	uint32_t r[4];
	uint64_t fc, cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	struct vmx_result res;

	cpuid(1, 0, r);
	if (!((r[2] >> 5) & 1)) {
		line("NOVMX CPUID.1:ECX.VMX is 0");
		return false;
	}
	if (!rdmsr_safe(0x3a, &fc)) {
		line("NOVMX RDMSR IA32_FEATURE_CONTROL faults");
		return false;
	}
	if (!(fc & 1)) {
		/* unlocked (no BIOS ran): lock it with VMX outside SMX on, as firmware does */
		line("FC initial=%lx", fc);
		fc |= 0x5;
		if (!wrmsr_safe(0x3a, fc) || !rdmsr_safe(0x3a, &fc)) {
			line("NOVMX cannot write IA32_FEATURE_CONTROL");
			return false;
		}
	}
	line("MSR 3a %lx", fc);
	if (!(fc & 4)) {
		line("NOVMX IA32_FEATURE_CONTROL %lx: locked with VMX outside SMX off", fc);
		return false;
	}
	if (!cap_ok[VMX_MSR_BASIC] || !cap_ok[VMX_MSR_CR0_FIXED0] || !cap_ok[VMX_MSR_CR4_FIXED0]) {
		line("NOVMX capability MSRs fault");
		return false;
	}
	cr0_fixed0 = cap[VMX_MSR_CR0_FIXED0];
	cr0_fixed1 = cap[VMX_MSR_CR0_FIXED1];
	cr4_fixed0 = cap[VMX_MSR_CR4_FIXED0];
	cr4_fixed1 = cap[VMX_MSR_CR4_FIXED1];
	if ((PROBE_CR0 & cr0_fixed0) != cr0_fixed0 || (PROBE_CR0 & ~cr0_fixed1) ||
	    (PROBE_CR4 & cr4_fixed0) != cr4_fixed0 || (PROBE_CR4 & ~cr4_fixed1)) {
		line("NOVMX the image's CR0 %x / CR4 %x do not fit the VMX fixed bits", PROBE_CR0,
		     PROBE_CR4);
		return false;
	}
	write_cr4(PROBE_CR4);
	vmcs_revision = (uint32_t)cap[VMX_MSR_BASIC] & 0x7fffffffu;
	*(uint32_t *)vmxon_region = vmcs_revision;
	res = vmx_on(pa(vmxon_region));
	if (res.status != VMX_OK) {
		line("NOVMX VMXON status %u error %x vector %u", res.status, res.error, res.vector);
		return false;
	}
	line("VMX rev=%x size=%lx maxphy=%x", vmcs_revision, (cap[VMX_MSR_BASIC] >> 32) & 0x1fff,
	     maxphy);
	return true;
}

/* ---- the image's memory for the case's address fields ---- */

enum page_id {
	PG_IO_A,
	PG_IO_B,
	PG_MSR_BITMAP,
	PG_VAPIC,
	PG_APIC_ACCESS,
	PG_PML,
	PG_PI_DESC,
	PG_EPT_ROOT,
	PG_EPTP_LIST,
	PG_VMREAD_BITMAP,
	PG_VMWRITE_BITMAP,
	PG_VE_INFO,
	PG_SPPT,
	PG_PASID_LOW,
	PG_PASID_HIGH,
	PG_SHARED_EPT_ROOT,
	PG_PID_TABLE,
	PG_LINK,
	PG_GUEST_CR3,
	PG_NULL, /* always zero: what substituted PDPTEs point to */
	PG__COUNT
};

static uint8_t pages[PG__COUNT][PAGE_SIZE] PAGE_ALIGNED;
static bool page_dirty[PG__COUNT];

#define AREA_ENTRIES 4096u
enum area_id { AREA_EXIT_STORE, AREA_EXIT_LOAD, AREA_ENTRY_LOAD, AREA__COUNT };
/* Each area is followed by a page of 0xff bytes: an invalid MSR entry ends any walk. */
static struct {
	struct vmxp_msr e[AREA_ENTRIES];
	uint8_t guard[PAGE_SIZE];
} area_mem[AREA__COUNT] PAGE_ALIGNED;
#define areas(a) (area_mem[a].e)
static uint32_t area_used[AREA__COUNT]; /* entries written last time */

static void page_touch(enum page_id p)
{
	page_dirty[p] = true;
}

/*
 * Memory the image owns outside its own areas: the guard pages, and the first 64 KiB of
 * physical memory (nothing of the image's lives there), where a case's MSR-area address
 * that it does not write (0) leads, filled with harmless entries (IA32_SYSENTER_CS = 0).
 */
#define LOW_MEMORY 0x10000u

static void low_memory_fill(void)
{
	struct vmxp_msr *low = (struct vmxp_msr *)(uintptr_t)0;

	__asm__("" : "+r"(low)); /* physical address 0 is memory here, not a null pointer */
	for (unsigned i = 0; i < LOW_MEMORY / sizeof(*low); i++) {
		low[i].index = 0x174;
		low[i].reserved = 0;
		low[i].value = 0;
	}
}

static void memory_init(void)
{
	for (unsigned a = 0; a < AREA__COUNT; a++)
		memset(area_mem[a].guard, 0xff, PAGE_SIZE);
	low_memory_fill();
}

static void pages_reset(void)
{
	for (unsigned p = 0; p < PG__COUNT; p++) {
		if (page_dirty[p]) {
			memset(pages[p], 0, PAGE_SIZE);
			page_dirty[p] = false;
		}
	}
	for (unsigned a = 0; a < AREA__COUNT; a++) {
		memset(areas(a), 0, area_used[a] * sizeof(struct vmxp_msr));
		area_used[a] = 0;
	}
}

/* ---- the batch ---- */

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
};
struct mb_module {
	uint32_t mod_start, mod_end, string, reserved;
};

static const struct vmxp_batch *batch;
static const uint32_t *readback;

static bool cmdline_has(const struct mb_info *mbi, const char *word)
{
	const char *cmd;

	if (!mbi || !(mbi->flags & 0x4) || !mbi->cmdline)
		return false;
	cmd = (const char *)(uintptr_t)mbi->cmdline;
	return strstr_n(cmd, strlen(cmd), word) != NULL;
}

/* The batch from the primary ATA disk (Bochs): the header's sector, then the rest. */
static const struct vmxp_batch *batch_from_ata(uint32_t *avail)
{
	struct vmxp_batch *b = (struct vmxp_batch *)(uintptr_t)VMXP_BATCH_ADDR;
	uint32_t sectors;

	if (!ata_present() || !ata_read(0, 1, b))
		return NULL;
	if (b->magic != VMXP_BATCH_MAGIC || b->total_size > VMXP_BATCH_MAX)
		return b;
	sectors = (b->total_size + 511) / 512;
	if (sectors > 1 && !ata_read(1, sectors - 1, (uint8_t *)b + 512))
		return NULL;
	*avail = sectors * 512;
	return b;
}

static bool batch_find(const struct mb_info *mbi)
{
	const struct vmxp_batch *b = NULL;
	uint32_t avail = 0;

	if (mbi && (mbi->flags & 0x8) && mbi->mods_count > 0) {
		const struct mb_module *mod = (const struct mb_module *)(uintptr_t)mbi->mods_addr;

		b = (const struct vmxp_batch *)(uintptr_t)mod->mod_start;
		avail = mod->mod_end - mod->mod_start;
	} else if (cmdline_has(mbi, VMXP_CMDLINE_BATCH_ATA)) {
		b = batch_from_ata(&avail);
	}
	if (!b) {
		line("BATCH bad no module");
		return false;
	}
	if (avail < sizeof(*b) || b->magic != VMXP_BATCH_MAGIC) {
		line("BATCH bad magic");
		return false;
	}
	if (b->version != VMXP_BATCH_VERSION || b->header_size != sizeof(*b)) {
		line("BATCH bad version %x header %x", b->version, b->header_size);
		return false;
	}
	if (b->total_size > avail || b->total_size < sizeof(*b) + 4ull * b->n_readback) {
		line("BATCH bad size %x module %x", b->total_size, avail);
		return false;
	}
	if (b->flags & VMXP_BATCH_CHECKSUM) {
		uint32_t zero = 0, h = VMXP_FNV_INIT;

		h = vmxp_fnv1a(h, b, 24);
		h = vmxp_fnv1a(h, &zero, 4);
		h = vmxp_fnv1a(h, (const uint8_t *)b + 28, b->total_size - 28);
		if (h != b->checksum) {
			line("BATCH bad checksum %x expected %x", h, b->checksum);
			return false;
		}
	}
	batch = b;
	readback = (const uint32_t *)(b + 1);
	line("BATCH n=%x ok", b->n_cases);
	return true;
}

/* ---- a case ---- */

/* The case's field list (after deltas), ascending by encoding. */
static struct field_value {
	uint32_t enc;
	uint64_t value;
} eff[VMXP_MAX_WRITES];
static unsigned n_eff;

static int eff_find(uint32_t enc)
{
	unsigned lo = 0, hi = n_eff;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (eff[mid].enc == enc)
			return (int)mid;
		if (eff[mid].enc < enc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(int)lo - 1;
}

static uint64_t eff_get(uint32_t enc)
{
	int i = eff_find(enc);

	return i >= 0 ? eff[i].value : 0;
}

static bool eff_set(uint32_t enc, uint64_t value)
{
	int i;

	if ((n_eff == 0 || eff[n_eff - 1].enc < enc) && n_eff < VMXP_MAX_WRITES) {
		eff[n_eff].enc = enc; /* records come in encoding order: append */
		eff[n_eff].value = value;
		n_eff++;
		return true;
	}
	i = eff_find(enc);

	if (i >= 0) {
		eff[i].value = value;
		return true;
	}
	if (n_eff >= VMXP_MAX_WRITES)
		return false;
	i = -i - 1;
	memmove(&eff[i + 1], &eff[i], (n_eff - (unsigned)i) * sizeof(eff[0]));
	eff[i].enc = enc;
	eff[i].value = value;
	n_eff++;
	return true;
}

static void eff_unset(uint32_t enc)
{
	int i = eff_find(enc);

	if (i < 0)
		return;
	memmove(&eff[i], &eff[i + 1], (n_eff - (unsigned)i - 1) * sizeof(eff[0]));
	n_eff--;
}

/* What the image VMWRITEs: the case's fields after substitution, plus its own. */
enum write_origin { W_CASE, W_ADDED, W_IMPLICIT };
static struct write {
	uint32_t enc;
	uint8_t origin;      /* enum write_origin */
	uint64_t value;      /* what the image VMWRITEs */
	uint64_t case_value; /* the case's value (0 for a field it does not write) */
} wr[VMXP_MAX_WRITES + 260];
static unsigned n_wr;

/* wr[] is kept in ascending encoding order. */
static int wr_index(uint32_t enc)
{
	unsigned lo = 0, hi = n_wr;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (wr[mid].enc == enc)
			return (int)mid;
		if (wr[mid].enc < enc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(int)lo - 1;
}

static struct write *wr_find(uint32_t enc)
{
	int i = wr_index(enc);

	return i >= 0 ? &wr[i] : NULL;
}

static void wr_put(uint32_t enc, uint64_t value, uint64_t case_value, enum write_origin origin)
{
	int i;

	if (n_wr >= sizeof(wr) / sizeof(wr[0]))
		return;
	if (n_wr == 0 || wr[n_wr - 1].enc < enc) {
		i = (int)n_wr; /* the usual order: append */
	} else {
		i = wr_index(enc);
		if (i >= 0) {
			wr[i].value = value;
			return;
		}
		i = -i - 1;
		memmove(&wr[i + 1], &wr[i], (n_wr - (unsigned)i) * sizeof(wr[0]));
	}
	wr[i].enc = enc;
	wr[i].value = value;
	wr[i].case_value = case_value;
	wr[i].origin = (uint8_t)origin;
	n_wr++;
}

struct case_mem {
	const struct vmxp_msr *msr_load;
	uint32_t n_msr_load;
	const uint64_t *pdpte;
	bool has_link;
	uint32_t link_word;
	uint64_t host_cr4; /* the case's HOST_CR4 (which page-table root HOST_CR3 gets) */
	/* what the image put in memory, for the M line */
	bool link_used, pdpte_used;
	uint32_t link_used_word;
	uint64_t pdpte_used_val[4];
};

static uint64_t with_addr(uint64_t v, const void *page)
{
	return (v & ~addr_mask()) | (pa(page) & addr_mask());
}

static bool canonical(uint64_t v, unsigned bits)
{
	int64_t s = (int64_t)(v << (64 - bits)) >> (64 - bits);

	return (uint64_t)s == v;
}

/* An MSR-area address: substituted only when the area's last byte stays as valid as before. */
static uint64_t subst_area(uint64_t v, enum area_id a, uint32_t count)
{
	uint64_t nv = with_addr(v, areas(a));

	if (count) {
		uint64_t last_old = v + 16ull * count - 1, last_new = nv + 16ull * count - 1;
		bool ok_old = !(last_old >> maxphy) && last_old >= v;
		bool ok_new = !(last_new >> maxphy);

		if (ok_old != ok_new)
			return v;
	}
	return nv;
}

/*
 * The entry the processor reads first: the area address keeps the case's bits 11:0, so the
 * walk starts that far into the image's area.  AREA_ENTRIES when the address is not the
 * image's (kept because substituting it would change the last-byte check).
 */
static uint32_t area_first(enum area_id a, uint32_t addr_enc)
{
	const struct write *w = wr_find(addr_enc);
	uint64_t addr = w ? w->value : 0;

	if ((addr & addr_mask()) != pa(areas(a)))
		return AREA_ENTRIES;
	return (uint32_t)(addr & (PAGE_SIZE - 1)) / sizeof(struct vmxp_msr);
}

/* How many of count entries fit in the area from entry first on. */
static uint32_t area_room(uint32_t first, uint32_t count)
{
	uint32_t room = first < AREA_ENTRIES ? AREA_ENTRIES - first : 0;

	return count < room ? count : room;
}

/* pages_reset() zeroes the area up to the last entry written. */
static void area_mark_used(enum area_id a, uint32_t first, uint32_t n)
{
	if (n && first + n > area_used[a])
		area_used[a] = first + n;
}

static void fill_exit_area(enum area_id a, uint32_t addr_enc, uint32_t count)
{
	uint32_t first = area_first(a, addr_enc), n = area_room(first, count);
	struct vmxp_msr *e = areas(a) + first;

	for (uint32_t i = 0; i < n; i++) {
		e[i].index = 0x174; /* IA32_SYSENTER_CS: harmless, restored after */
		e[i].reserved = 0;
		e[i].value = 0;
	}
	area_mark_used(a, first, n);
}

static uint64_t subst(uint32_t enc, uint64_t v, struct case_mem *m)
{
	uint64_t host_cr4 = m->host_cr4;

	switch (enc) {
	case ENC_IO_BITMAP_A:
		return with_addr(v, pages[PG_IO_A]);
	case ENC_IO_BITMAP_B:
		return with_addr(v, pages[PG_IO_B]);
	case ENC_MSR_BITMAP:
		return with_addr(v, pages[PG_MSR_BITMAP]);
	case ENC_VIRTUAL_APIC_PAGE_ADDR:
		return with_addr(v, pages[PG_VAPIC]);
	case ENC_APIC_ACCESS_ADDR:
		return with_addr(v, pages[PG_APIC_ACCESS]);
	case ENC_PML_ADDRESS:
		page_touch(PG_PML);
		return with_addr(v, pages[PG_PML]);
	case ENC_POSTED_INTR_DESC_ADDR:
		page_touch(PG_PI_DESC);
		return with_addr(v, pages[PG_PI_DESC]);
	case ENC_EPT_POINTER:
		return with_addr(v, pages[PG_EPT_ROOT]);
	case ENC_EPTP_LIST_ADDRESS:
		return with_addr(v, pages[PG_EPTP_LIST]);
	case ENC_VMREAD_BITMAP:
		return with_addr(v, pages[PG_VMREAD_BITMAP]);
	case ENC_VMWRITE_BITMAP:
		return with_addr(v, pages[PG_VMWRITE_BITMAP]);
	case ENC_VE_INFORMATION_ADDRESS:
		page_touch(PG_VE_INFO);
		return with_addr(v, pages[PG_VE_INFO]);
	case ENC_SPPT_POINTER:
		return with_addr(v, pages[PG_SPPT]);
	case ENC_LOW_PASID_DIRECTORY_ADDRESS:
		return with_addr(v, pages[PG_PASID_LOW]);
	case ENC_HIGH_PASID_DIRECTORY_ADDRESS:
		return with_addr(v, pages[PG_PASID_HIGH]);
	case ENC_SHARED_EPT_POINTER:
		return with_addr(v, pages[PG_SHARED_EPT_ROOT]);
	case ENC_PID_POINTER_TABLE:
		return with_addr(v, pages[PG_PID_TABLE]);
	case ENC_VM_EXIT_MSR_STORE_ADDR:
		return subst_area(v, AREA_EXIT_STORE,
		                  (uint32_t)eff_get(ENC_VM_EXIT_MSR_STORE_COUNT));
	case ENC_VM_EXIT_MSR_LOAD_ADDR:
		return subst_area(v, AREA_EXIT_LOAD, (uint32_t)eff_get(ENC_VM_EXIT_MSR_LOAD_COUNT));
	case ENC_VM_ENTRY_MSR_LOAD_ADDR:
		return subst_area(v, AREA_ENTRY_LOAD,
		                  (uint32_t)eff_get(ENC_VM_ENTRY_MSR_LOAD_COUNT));
	case ENC_VMCS_LINK_POINTER: {
		uint64_t nv;
		uint32_t word;

		if (v == ~0ull)
			return v;
		nv = with_addr(v, pages[PG_LINK]);
		if (m->has_link) {
			word = m->link_word;
		} else {
			/* not given: a VMCS of this processor, shadow as VMCS shadowing says */
			bool shadow = (eff_get(ENC_SECONDARY_VM_EXEC_CONTROL) >> 14) & 1;

			word = vmcs_revision | (shadow ? 0x80000000u : 0);
		}
		*(uint32_t *)(pages[PG_LINK] + (nv & 0xffc)) = word;
		page_touch(PG_LINK);
		m->link_used = true;
		m->link_used_word = word;
		return nv;
	}
	case ENC_GUEST_CR3: {
		uint64_t nv = with_addr(v, pages[PG_GUEST_CR3]);
		uint64_t *pdpt = (uint64_t *)(pages[PG_GUEST_CR3] + (nv & 0xfe0));

		for (unsigned i = 0; i < 4; i++) {
			uint64_t p = m->pdpte ? m->pdpte[i] : 0;

			/* a present PDPTE with no reserved high bit points at the null page */
			if ((p & 1) && !(p >> maxphy))
				p = with_addr(p, pages[PG_NULL]);
			pdpt[i] = p;
			m->pdpte_used_val[i] = p;
		}
		page_touch(PG_GUEST_CR3);
		m->pdpte_used = true;
		return nv;
	}
	case ENC_HOST_CR3:
		return with_addr(v, (host_cr4 & CR4_LA57) ? (const void *)pg_pml5
		                                          : (const void *)pg_pml4);
	case ENC_HOST_CR4:
		/* LASS would fault the image's first fetch (it runs in the lower half) */
		if ((v & (1ull << L_CR4__LASS)) &&
		    (cap[VMX_MSR_CR4_FIXED1] & (1ull << L_CR4__LASS)))
			return v & ~(1ull << L_CR4__LASS);
		return v;
	case ENC_HOST_RIP:
		return canonical(v, (host_cr4 & CR4_LA57) ? 57 : 48) ? pa(vmx_exit_stub) : v;
	case ENC_HOST_RSP:
		return pa(vmx_exit_stack_top);
	default:
		return v;
	}
}

/*
 * A VM exit stores and loads as many MSRs as the case's counts say, and beyond the
 * recommended maximum (512 * (IA32_VMX_MISC[27:25] + 1)) the SDM leaves it undefined (Bochs
 * goes on for minutes).  No VM-entry check reads the counts except "last byte within the
 * physical-address width", so when that check passes the count is capped at the maximum (the
 * read-back shows it); when it fails the VM entry fails and the count stays.  Returns the
 * count in effect.
 */
static uint32_t cap_exit_count(uint32_t count_enc, uint32_t addr_enc)
{
	struct write *c = wr_find(count_enc), *a = wr_find(addr_enc);
	uint32_t max = 512u * (uint32_t)(((cap[VMX_MSR_MISC] >> 25) & 7) + 1);
	uint64_t addr = a ? a->value : 0, count, last;

	if (max > AREA_ENTRIES)
		max = AREA_ENTRIES;
	if (!c)
		return 0;
	count = (uint32_t)c->value;
	if (count <= max)
		return (uint32_t)count;
	last = addr + 16 * count - 1;
	if ((addr & 0xf) || (addr >> maxphy) || (last >> maxphy))
		return 0;
	c->value = (c->value & ~0xffffffffull) | max;
	return max;
}

/* The VMX-preemption timer bounds a guest that entered (HLT, loops) when the CPU has one. */
static void add_timer(uint32_t timer)
{
	struct write *pin = wr_find(ENC_PIN_BASED_VM_EXEC_CONTROL);
	struct write *tv = wr_find(ENC_VMX_PREEMPTION_TIMER_VALUE);
	uint64_t bit = BITMASK(L_PIN, ACTIVATE_VMX_PREEMPTION_TIMER);
	uint64_t save = BITMASK(L_EXIT, SAVE_VMX_PREEMPTION_TIMER_VALUE);

	if (!timer || !pin || !(allowed1(VMX_MSR_PINBASED_CTLS, VMX_MSR_TRUE_PINBASED_CTLS) & bit))
		return;
	if (!(pin->value & bit)) {
		/* adding it would make "save timer without timer" (VMfail 7) valid: leave it */
		if (eff_get(ENC_VM_EXIT_CONTROLS) & save)
			return;
		pin->value |= bit;
		if (tv)
			tv->value = timer;
		else
			wr_put(ENC_VMX_PREEMPTION_TIMER_VALUE, timer, 0, W_ADDED);
	} else if (tv && (uint32_t)tv->value > timer) {
		tv->value = timer;
	}
}

/* Launches a valid VMCS once so that its launch state is "launched" (VMRESUME cases). */
static bool prelaunch(struct vmentry_result *out)
{
	uint64_t cr0_f0 = cap[VMX_MSR_CR0_FIXED0], cr4_f0 = cap[VMX_MSR_CR4_FIXED0];
	uint32_t pin = must1(VMX_MSR_PINBASED_CTLS, VMX_MSR_TRUE_PINBASED_CTLS);
	bool timer = allowed1(VMX_MSR_PINBASED_CTLS, VMX_MSR_TRUE_PINBASED_CTLS) &
	             BITMASK(L_PIN, ACTIVATE_VMX_PREEMPTION_TIMER);
	const struct field_value tmpl[] = {
	    {ENC_PIN_BASED_VM_EXEC_CONTROL,
	     pin | (timer ? BITMASK(L_PIN, ACTIVATE_VMX_PREEMPTION_TIMER) : 0)},
	    {ENC_CPU_BASED_VM_EXEC_CONTROL,
	     must1(VMX_MSR_PROCBASED_CTLS, VMX_MSR_TRUE_PROCBASED_CTLS)},
	    {ENC_VM_EXIT_CONTROLS, must1(VMX_MSR_EXIT_CTLS, VMX_MSR_TRUE_EXIT_CTLS) |
	                               BITMASK(L_EXIT, HOST_ADDRESS_SPACE_SIZE)},
	    {ENC_VM_ENTRY_CONTROLS, must1(VMX_MSR_ENTRY_CTLS, VMX_MSR_TRUE_ENTRY_CTLS) |
	                                BITMASK(L_ENTRY, IA32E_MODE_GUEST)},
	    {ENC_VMX_PREEMPTION_TIMER_VALUE, 0},
	    {ENC_VMCS_LINK_POINTER, ~0ull},
	    {ENC_HOST_CR0, read_cr0()},
	    {ENC_HOST_CR3, pa(pg_pml4)},
	    {ENC_HOST_CR4, read_cr4()},
	    {ENC_HOST_CS_SELECTOR, SEL_CODE64},
	    {ENC_HOST_SS_SELECTOR, SEL_DATA},
	    {ENC_HOST_DS_SELECTOR, SEL_DATA},
	    {ENC_HOST_ES_SELECTOR, SEL_DATA},
	    {ENC_HOST_FS_SELECTOR, SEL_DATA},
	    {ENC_HOST_GS_SELECTOR, SEL_DATA},
	    {ENC_HOST_TR_SELECTOR, SEL_TSS},
	    {ENC_HOST_TR_BASE, pa(&probe_tss)},
	    {ENC_HOST_GDTR_BASE, pa(gdt)},
	    {ENC_HOST_IDTR_BASE, pa(idt_table)},
	    {ENC_HOST_RSP, pa(vmx_exit_stack_top)},
	    {ENC_HOST_RIP, pa(vmx_exit_stub)},
	    {ENC_GUEST_CR0, cr0_f0 | 0x80000031ull},
	    {ENC_GUEST_CR3, pa(pages[PG_NULL])},
	    {ENC_GUEST_CR4, cr4_f0 | 0x20},
	    {ENC_GUEST_DR7, 0x400},
	    {ENC_GUEST_RFLAGS, 0x2},
	    {ENC_GUEST_RIP, 0x1000},
	    {ENC_GUEST_CS_SELECTOR, 0x8},
	    {ENC_GUEST_CS_LIMIT, 0xffffffff},
	    {ENC_GUEST_CS_AR_BYTES, 0xa09b},
	    {ENC_GUEST_SS_SELECTOR, 0x10},
	    {ENC_GUEST_SS_LIMIT, 0xffffffff},
	    {ENC_GUEST_SS_AR_BYTES, 0xc093},
	    {ENC_GUEST_DS_SELECTOR, 0x10},
	    {ENC_GUEST_DS_LIMIT, 0xffffffff},
	    {ENC_GUEST_DS_AR_BYTES, 0xc093},
	    {ENC_GUEST_ES_SELECTOR, 0x10},
	    {ENC_GUEST_ES_LIMIT, 0xffffffff},
	    {ENC_GUEST_ES_AR_BYTES, 0xc093},
	    {ENC_GUEST_FS_SELECTOR, 0x10},
	    {ENC_GUEST_FS_LIMIT, 0xffffffff},
	    {ENC_GUEST_FS_AR_BYTES, 0xc093},
	    {ENC_GUEST_GS_SELECTOR, 0x10},
	    {ENC_GUEST_GS_LIMIT, 0xffffffff},
	    {ENC_GUEST_GS_AR_BYTES, 0xc093},
	    {ENC_GUEST_LDTR_AR_BYTES, 0x10000},
	    {ENC_GUEST_TR_SELECTOR, 0x18},
	    {ENC_GUEST_TR_LIMIT, 0x67},
	    {ENC_GUEST_TR_AR_BYTES, 0x8b},
	    {ENC_GUEST_GDTR_LIMIT, 0x27},
	    {ENC_GUEST_IDTR_LIMIT, 0xfff},
	};

	for (unsigned i = 0; i < sizeof(tmpl) / sizeof(tmpl[0]); i++)
		vmx_write(tmpl[i].enc, tmpl[i].value);
	*out = vmx_launch(0);
	return out->kind == VMENTRY_EXIT && !(out->exit_reason & 0x80000000u);
}

/*
 * Whether the processor may have written the low 64 KiB in this case: through an address
 * field the case leaves at 0 (or sets there) whose control makes the processor write --
 * VM-exit MSR-store area, #VE information, virtual-APIC page, posted-interrupt descriptor.
 */
static bool low_memory_written(void)
{
	struct {
		uint32_t enc;
		bool active;
	} w[4];
	struct write *f;
	uint64_t proc = (f = wr_find(ENC_CPU_BASED_VM_EXEC_CONTROL)) ? f->value : 0;
	uint64_t proc2 = (f = wr_find(ENC_SECONDARY_VM_EXEC_CONTROL)) ? f->value : 0;
	uint64_t pin = (f = wr_find(ENC_PIN_BASED_VM_EXEC_CONTROL)) ? f->value : 0;

	if (!(proc & BITMASK(L_PROC, ACTIVATE_SECONDARY_CONTROLS)))
		proc2 = 0;
	w[0].enc = ENC_VM_EXIT_MSR_STORE_ADDR;
	w[0].active = (f = wr_find(ENC_VM_EXIT_MSR_STORE_COUNT)) && (uint32_t)f->value;
	w[1].enc = ENC_VE_INFORMATION_ADDRESS;
	w[1].active = (proc2 >> 18) & 1;
	w[2].enc = ENC_VIRTUAL_APIC_PAGE_ADDR;
	w[2].active = (proc >> 21) & 1;
	w[3].enc = ENC_POSTED_INTR_DESC_ADDR;
	w[3].active = (pin >> 7) & 1;
	for (unsigned i = 0; i < 4; i++) {
		f = wr_find(w[i].enc);
		if (w[i].active && (!f || f->value < LOW_MEMORY))
			return true;
	}
	return false;
}

/*
 * VM entry with the watchdog armed when the guest may be left waiting for a SIPI (the
 * activity state the image writes): nothing else ends that state (smp.h).  HLT and shutdown
 * get none: the VMX-preemption timer, which add_timer() activates where the processor has
 * it, causes a VM exit in both.
 */
static struct vmentry_result vmx_launch_watched(unsigned mode)
{
	const struct write *a = wr_find(ENC_GUEST_ACTIVITY_STATE);
	bool wait_for_sipi = a && (uint32_t)a->value == L_ACTIVITY__V_WAIT_FOR_SIPI;
	struct vmentry_result r;

	if (wait_for_sipi)
		watchdog_arm();
	r = vmx_launch(mode);
	if (wait_for_sipi)
		watchdog_disarm();
	return r;
}

static rt_jmp_buf case_jmp;
static volatile uint32_t current_id;
static volatile bool in_case;

static void case_trap(unsigned vector, uint64_t rip, uint64_t error, uint64_t cr2)
{
	(void)error;
	(void)cr2;
	if (!in_case)
		return;
	in_case = false;
	line("O %x TRAP %x %lx", current_id, vector, rip);
	rt_longjmp(case_jmp, 1);
}

static bool full_readback(const struct vmxp_case *c)
{
	return (batch->flags & VMXP_BATCH_FULL_READBACK) || (c->flags & VMXP_CASE_FULL_READBACK) ||
	       (c->flags & VMXP_CASE_LAUNCHED);
}

/* The X tokens of a case, gathered while the R line is being written. */
static uint32_t unreadable[VMXP_MAX_WRITES + 260];

static void readback_lines(const struct vmxp_case *c)
{
	bool full = full_readback(c);
	uint32_t n = full ? batch->n_readback : n_wr, n_x = 0;

	ln_begin("R %x", c->id);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t enc = full ? readback[i] : wr[i].enc;
		uint64_t v, expect;

		if (full) {
			const struct write *w = wr_find(enc);

			expect = w ? w->case_value : 0;
		} else {
			expect = wr[i].case_value;
		}
		if (vmx_read(enc, &v).status != VMX_OK) {
			unreadable[n_x++] = enc;
			predict_read(enc, false, 0);
			continue;
		}
		predict_read(enc, true, v);
		if (v != expect)
			ln_token("%x=%lx", enc, v);
	}
	ln_tokens_end();
	ln_begin("X %x", c->id);
	for (uint32_t i = 0; i < n_x; i++)
		ln_token("%x", unreadable[i]);
	ln_tokens_end();
}

/* "P ID KIND ERR ALT REASON QUAL VARIES OKIND OREASON OQUAL RULE": the ring-0 prediction. */
static void prediction_line(uint32_t id, const struct vmcsl_prediction *p)
{
	const struct check_outcome *o = &p->outcome;

	line("P %x %x %x %x %x %lx %x %x %x %lx %s", id, o->kind, o->vm_instruction_error,
	     o->error_alt, o->exit_reason, o->exit_qualification, o->qualification_varies,
	     o->otherwise_kind, o->otherwise_exit_reason, o->otherwise_qualification,
	     p->rule >= 0 ? check_rule_at((size_t)p->rule)->id : "-");
}

static void run_case(const struct vmxp_case *c, struct case_mem *m)
{
	struct vmentry_result r;
	struct vmx_result res;
	uint32_t msr_index[32];
	unsigned n_index = 0;
	unsigned mode = 0;

	if (c->flags & VMXP_CASE_SELFTEST_CRASH) {
		static const struct desc_ptr no_idt = {0, 0};

		__asm__ volatile("lidt %0; int3" : : "m"(no_idt)); /* triple fault: reset */
	}
	pages_reset();
	vmx_clear(pa(vmcs_region));
	memset(vmcs_region, 0, PAGE_SIZE);
	*(uint32_t *)vmcs_region = vmcs_revision;
	vmx_clear(pa(vmcs_region));
	res = vmx_ptrld(pa(vmcs_region));
	if (res.status != VMX_OK) {
		line("O %x TRAP ff %x", c->id, res.status);
		return;
	}
	if (c->flags & VMXP_CASE_LAUNCHED) {
		if (!prelaunch(&r)) {
			line("O %x PRE %x %x %x", c->id, r.kind, r.error, r.exit_reason);
			return;
		}
	}

	/* the writes: the case's fields after substitution */
	n_wr = 0;
	m->host_cr4 = eff_get(ENC_HOST_CR4);
	for (unsigned i = 0; i < n_eff; i++)
		wr_put(eff[i].enc, subst(eff[i].enc, eff[i].value, m), eff[i].value, W_CASE);
	if (c->flags & VMXP_CASE_LAUNCHED) {
		/* fields the case leaves alone are 0, as in a fresh VMCS, not the prelaunch's */
		for (uint32_t i = 0; i < batch->n_readback; i++) {
			uint32_t enc = readback[i];

			if (VMCS_ENC_TYPE(enc) != VMCS_T_RO && eff_find(enc) < 0)
				wr_put(enc, subst(enc, 0, m), 0, W_IMPLICIT);
		}
	}
	/*
	 * The host state the image needs to get control back, when the case leaves it at 0
	 * (valid, and the VM exit would load it): the image's own values, reported as added.
	 */
	{
		static const uint32_t needed[] = {ENC_HOST_RIP, ENC_HOST_RSP, ENC_HOST_CR3};

		for (unsigned i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
			if (!wr_find(needed[i]))
				wr_put(needed[i], subst(needed[i], 0, m), 0, W_ADDED);
	}
	add_timer(batch->timer);

	/* memory the case gives */
	if (m->n_msr_load) {
		uint32_t first = area_first(AREA_ENTRY_LOAD, ENC_VM_ENTRY_MSR_LOAD_ADDR);
		uint32_t n = area_room(first, m->n_msr_load);

		memcpy(areas(AREA_ENTRY_LOAD) + first, m->msr_load, n * sizeof(struct vmxp_msr));
		area_mark_used(AREA_ENTRY_LOAD, first, n);
		for (uint32_t i = 0; i < n && n_index < 32; i++)
			msr_index[n_index++] = m->msr_load[i].index;
	}
	fill_exit_area(AREA_EXIT_STORE, ENC_VM_EXIT_MSR_STORE_ADDR,
	               cap_exit_count(ENC_VM_EXIT_MSR_STORE_COUNT, ENC_VM_EXIT_MSR_STORE_ADDR));
	fill_exit_area(AREA_EXIT_LOAD, ENC_VM_EXIT_MSR_LOAD_ADDR,
	               cap_exit_count(ENC_VM_EXIT_MSR_LOAD_COUNT, ENC_VM_EXIT_MSR_LOAD_ADDR));
	msr_save_extra(msr_index, n_index);

	/* the state the core judges in ring 0: the fields the case and the image write */
	predict_begin(c->flags);
	for (unsigned i = 0; i < n_wr; i++)
		if (wr[i].origin != W_IMPLICIT)
			predict_written(wr[i].enc, wr[i].case_value);
	if (m->n_msr_load)
		predict_msr_load(m->msr_load, m->n_msr_load);

	/* VMWRITE */
	ln_begin("W %x", c->id);
	for (unsigned i = 0; i < n_wr; i++) {
		res = vmx_write(wr[i].enc, wr[i].value);
		if (res.status == VMX_OK || wr[i].origin == W_IMPLICIT)
			continue;
		if (res.status == VMX_FAIL_VALID)
			ln_token("%x=%x", wr[i].enc, res.error);
		else if (res.status == VMX_FAIL_INVALID)
			ln_token("%x=fi", wr[i].enc);
		else
			ln_token("%x=t%x", wr[i].enc, res.vector);
	}
	ln_tokens_end();

	/* VMREAD back: values that differ from the case's, and fields that cannot be read */
	readback_lines(c);
	ln_begin("A %x", c->id);
	for (unsigned i = 0; i < n_wr; i++)
		if (wr[i].origin == W_ADDED)
			ln_token("%x", wr[i].enc);
	ln_tokens_end();
	if (m->link_used || m->pdpte_used) {
		ln_begin("M %x", c->id);
		if (m->link_used && (!m->has_link || m->link_used_word != m->link_word))
			ln_token("link=%x", m->link_used_word);
		if (m->pdpte_used) {
			bool same = m->pdpte != NULL;

			for (unsigned i = 0; i < 4 && same; i++)
				same = m->pdpte[i] == m->pdpte_used_val[i];
			if (!same)
				ln_token("pdpte=%lx,%lx,%lx,%lx", m->pdpte_used_val[0],
				         m->pdpte_used_val[1], m->pdpte_used_val[2],
				         m->pdpte_used_val[3]);
		}
		ln_tokens_end();
	}

	/* the memory as the image prepared it, then the core's prediction before the launch */
	if (m->pdpte_used)
		predict_pdptes(m->pdpte_used_val);
	else if (m->pdpte)
		predict_pdptes(m->pdpte);
	if (m->link_used && (!m->has_link || m->link_used_word != m->link_word))
		predict_link(true, m->link_used_word);
	else if (m->has_link)
		predict_link((c->flags & VMXP_CASE_LINK_VMCS) != 0, m->link_word);
	prediction_line(c->id, predict_run());

	/* VMLAUNCH / VMRESUME */
	if (c->flags & VMXP_CASE_VMRESUME)
		mode |= VMENTRY_MODE_RESUME;
	if (c->flags & VMXP_CASE_MOV_SS)
		mode |= VMENTRY_MODE_MOV_SS;
	r = vmx_launch_watched(mode);
	if (r.kind == VMENTRY_EXIT && low_memory_written())
		low_memory_fill();
	switch (r.kind) {
	case VMENTRY_EXIT:
		line("O %x EX %x %lx", c->id, r.exit_reason, r.exit_qualification);
		break;
	case VMENTRY_FAIL_INVALID:
		line("O %x FI", c->id);
		break;
	case VMENTRY_FAIL_VALID:
		line("O %x FV %x", c->id, r.error);
		break;
	case VMENTRY_TRAP:
		line("O %x TRAP %x 0", c->id, r.vector);
		break;
	default:
		line("O %x TRAP fe 0", c->id);
		break;
	}
}

/* The one guarded path: an unexpected exception in a case ends it with a TRAP line. */
static void run_guarded(const struct vmxp_case *c, struct case_mem *m)
{
	if (rt_setjmp(case_jmp) == 0) {
		in_case = true;
		run_case(c, m);
	} else {
		/* put the host back */
		tables_init();
		vmx_host_restore();
		watchdog_disarm();
	}
	in_case = false;
	if (watchdog_lost())
		line("SMP lost");
}

/* The batch asks for the watchdog processor when a case's guest may wait for a SIPI. */
static void watchdog_begin(void)
{
	const char *why;

	if (!(batch->flags & VMXP_BATCH_WATCHDOG))
		return;
	why = watchdog_start(batch, batch->total_size);
	if (why)
		line("SMP none %s", why);
	else
		line("SMP ap=%x", watchdog_apic_id());
}

/* ---- recovery after a reset (Bochs: the ROM boots the image again, memory kept) ---- */

#define PROGRESS_MAGIC 0x50524f47u
enum { ST_START = 1, ST_RUNNING, ST_DONE };
static struct progress {
	uint32_t magic, boots, state, index, batch_sum, lost;
} progress __attribute__((section(".noinit")));

static uint32_t batch_sum(const struct vmxp_batch *b)
{
	return b ? b->checksum ^ b->total_size ^ (b->n_cases * 2654435761u) : 0;
}

/* ---- main ---- */

static const struct vmxp_case *case_next(const struct vmxp_case *c)
{
	return (const struct vmxp_case *)((const uint8_t *)c + c->size);
}

static bool case_parse(const struct vmxp_case *c, struct case_mem *m)
{
	const uint8_t *p = (const uint8_t *)(c + 1), *end = (const uint8_t *)c + c->size;
	const struct vmxp_write *w = (const struct vmxp_write *)p;

	memset(m, 0, sizeof(*m));
	if (c->size < sizeof(*c) || (c->size & 7) || c->n_writes > VMXP_MAX_WRITES ||
	    p + (uint64_t)c->n_writes * sizeof(*w) > end)
		return false;
	if (!(c->flags & VMXP_CASE_DELTA))
		n_eff = 0;
	for (uint32_t i = 0; i < c->n_writes; i++) {
		if (w[i].op == VMXP_OP_UNWRITE)
			eff_unset(w[i].encoding);
		else if (!eff_set(w[i].encoding, w[i].value))
			return false;
	}
	p += c->n_writes * sizeof(*w);
	if (c->flags & VMXP_CASE_MSR_LOAD) {
		if (c->n_msr_load > VMXP_MAX_MSR_LOAD ||
		    p + (uint64_t)c->n_msr_load * sizeof(struct vmxp_msr) > end)
			return false;
		m->msr_load = (const struct vmxp_msr *)p;
		m->n_msr_load = c->n_msr_load;
		p += c->n_msr_load * sizeof(struct vmxp_msr);
	}
	if (c->flags & VMXP_CASE_PDPTES) {
		if (p + 32 > end)
			return false;
		m->pdpte = (const uint64_t *)p;
	}
	m->has_link = (c->flags & VMXP_CASE_LINK) != 0;
	m->link_word = c->link_word;
	return true;
}

static unsigned parse_console(const struct mb_info *mbi)
{
	if (cmdline_has(mbi, VMXP_CMDLINE_CONSOLE_E9))
		return CON_E9;
	if (cmdline_has(mbi, "console=serial"))
		return CON_SERIAL;
	return CON_E9 | CON_SERIAL;
}

void probe_main(uint32_t magic, uint32_t mbi_addr);
void probe_main(uint32_t magic, uint32_t mbi_addr)
{
	const struct mb_info *mbi =
	    magic == 0x2BADB002 ? (const struct mb_info *)(uintptr_t)mbi_addr : NULL;
	const struct vmxp_case *c;
	uint32_t start = 0, ran = 0;

	con_init(parse_console(mbi));
	tables_init();
	outb(0x21, 0xff); /* mask the PICs: the image runs with interrupts off */
	outb(0xa1, 0xff);

	if (progress.magic != PROGRESS_MAGIC || progress.state == ST_DONE) {
		memset(&progress, 0, sizeof(progress));
		progress.magic = PROGRESS_MAGIC;
	}
	progress.boots++;
	line("BEGIN v=%x boot=%x", VMXP_BATCH_VERSION, progress.boots);
	if (progress.boots > 1 && progress.state != ST_RUNNING) {
		line("NOVMX the image was reset before its first case (boot %x)", progress.boots);
		report(false, "reset before the first case");
		rt_exit(report_summary());
	}

	harvest();
	/* the batch first: its line shows the transport works even where VMX does not */
	if (!batch_find(mbi)) {
		if (vmx_enable())
			report(true, "VMXON");
		progress.state = ST_DONE;
		line("END cases=0 lost=0");
		rt_exit(report_summary());
	}
	if (!vmx_enable()) {
		report_skip("VMX unavailable");
		progress.state = ST_DONE;
		rt_exit(report_summary());
	}
	report(true, "VMXON");
	msr_save_base();
	memory_init(); /* after the last use of the multiboot information */
	watchdog_begin();
	if (progress.state == ST_RUNNING && progress.batch_sum == batch_sum(batch)) {
		start = progress.index + 1;
		progress.lost++;
	} else {
		progress.lost = 0;
	}
	progress.batch_sum = batch_sum(batch);
	progress.state = ST_START;

	trap_unexpected = case_trap;
	c = (const struct vmxp_case *)(readback + ((batch->n_readback + 1) & ~1u));
	for (uint32_t i = 0; i < batch->n_cases; i++, c = case_next(c)) {
		struct case_mem m;

		if ((const uint8_t *)c + sizeof(*c) > (const uint8_t *)batch + batch->total_size ||
		    (const uint8_t *)c + c->size > (const uint8_t *)batch + batch->total_size ||
		    !case_parse(c, &m)) {
			line("BATCH bad case %x", i);
			break;
		}
		if (i + 1 == start)
			line("LOST %x", c->id);
		if (i < start)
			continue;
		progress.index = i;
		progress.state = ST_RUNNING;
		current_id = c->id;
		run_guarded(c, &m);
		ran++;
	}
	progress.state = ST_DONE;
	line("END cases=%x lost=%x", ran, progress.lost);
	report(true, "%u cases", ran);
	rt_exit(report_summary());
}
