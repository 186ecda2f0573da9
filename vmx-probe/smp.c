/*
 * smp.c -- the watchdog processor (smp.h): the local APIC (xAPIC or x2APIC), the start of one
 * application processor (INIT, 10 ms, SIPI, SIPI, the SDM's MP initialization protocol), and
 * the arm/disarm protocol between the two processors.
 *
 * The AP never prints, takes no exception handler of the boot processor's and touches no
 * variable the boot processor's guarded instructions use (trap_vector): its MSR accesses are
 * plain RDMSR/WRMSR of MSRs that exist whenever its local APIC does.
 */
#include "smp.h"

#include "rt/rt.h"
#include "vmx.h"

/* ---- time ---- */

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

#define PIT_HZ       1193182u
#define PIT_MS_COUNT ((PIT_HZ + 500) / 1000)
/*
 * A millisecond by the PIT is given up after this many TSC cycles (2 ms at 10 GHz): the 8254
 * of some recent platforms does not count (clock gating) and must not hang the image.
 */
#define PIT_MS_TSC_BOUND 20000000ull

/*
 * One millisecond by the PIT's channel 2, whose output port 0x61 shows, or less if *flag
 * becomes non-zero (flag may be NULL).  The same clock under Bochs (emulated time) and on
 * hardware, unlike a count of TSC cycles.
 */
static void pit_ms(const volatile uint32_t *flag)
{
	uint64_t give_up = rdtsc() + PIT_MS_TSC_BOUND;

	outb(0x61, (uint8_t)((inb(0x61) & ~0x02) | 0x01)); /* gate on, speaker off */
	outb(0x43, 0xb0);                                  /* channel 2, lo/hi byte, mode 0 */
	outb(0x42, PIT_MS_COUNT & 0xff);
	outb(0x42, PIT_MS_COUNT >> 8);
	while (!(inb(0x61) & 0x20) && rdtsc() < give_up)
		if (flag && *flag)
			return;
}

/* ---- the local APIC ---- */

#define MSR_APIC_BASE    0x1bu
#define APIC_BASE_X2APIC (1u << 10)
#define APIC_BASE_ENABLE (1u << 11)
#define APIC_ID          0x20u
#define APIC_TPR         0x80u
#define APIC_EOI         0xb0u
#define APIC_SVR         0xf0u
#define APIC_ICR_LO      0x300u
#define APIC_ICR_HI      0x310u
#define X2APIC_MSR(reg)  (0x800u + ((reg) >> 4))

#define ICR_FIXED        (0u << 8)
#define ICR_INIT         (5u << 8)
#define ICR_STARTUP      (6u << 8)
#define ICR_PENDING      (1u << 12)
#define ICR_ASSERT       (1u << 14)
#define ICR_ALL_BUT_SELF (3u << 18)

#define SVR_ENABLE      0x100u
#define WAKE_VECTOR     0xf0u
#define SPURIOUS_VECTOR 0xffu

struct lapic {
	bool x2apic;
	volatile uint32_t *mmio;
};

static inline uint64_t rdmsr_raw(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr_raw(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr"
	                 :
	                 : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
	                 : "memory");
}

/* This processor's local APIC; false when it is off or mapped where the image cannot see it. */
static bool lapic_init(struct lapic *l)
{
	uint64_t base = rdmsr_raw(MSR_APIC_BASE), page = base & ~0xfffull;

	if (!(base & APIC_BASE_ENABLE))
		return false;
	l->x2apic = (base & APIC_BASE_X2APIC) != 0;
	if (!l->x2apic && (page >> 32))
		return false; /* above the 4-GiB identity map */
	l->mmio = (volatile uint32_t *)(uintptr_t)page;
	return true;
}

static uint32_t lapic_read(const struct lapic *l, uint32_t reg)
{
	return l->x2apic ? (uint32_t)rdmsr_raw(X2APIC_MSR(reg)) : l->mmio[reg / 4];
}

static void lapic_write(const struct lapic *l, uint32_t reg, uint32_t v)
{
	if (l->x2apic)
		wrmsr_raw(X2APIC_MSR(reg), v);
	else
		l->mmio[reg / 4] = v;
}

static uint32_t lapic_id(const struct lapic *l)
{
	uint32_t id = lapic_read(l, APIC_ID);

	return l->x2apic ? id : id >> 24;
}

/* Software-enabled, so that fixed interrupts are accepted (INIT and SIPI are either way). */
static void lapic_enable(const struct lapic *l)
{
	lapic_write(l, APIC_TPR, 0);
	lapic_write(l, APIC_SVR, SVR_ENABLE | SPURIOUS_VECTOR);
}

/* Sends an IPI and waits until the local APIC has delivered it. */
static void lapic_send(const struct lapic *l, uint32_t dest, uint32_t cmd)
{
	if (l->x2apic) {
		wrmsr_raw(X2APIC_MSR(APIC_ICR_LO), ((uint64_t)dest << 32) | cmd);
		return;
	}
	l->mmio[APIC_ICR_HI / 4] = dest << 24;
	l->mmio[APIC_ICR_LO / 4] = cmd;
	while (l->mmio[APIC_ICR_LO / 4] & ICR_PENDING)
		cpu_relax();
}

/* ---- shared by the two processors ---- */

#define READ_ONCE(x)     __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

/*
 * The boot processor arms with a new serial and disarms with the same; the watchdog answers a
 * disarm by setting done to it, after which it sends nothing more for that serial.
 */
static struct {
	uint32_t ap_up, ap_apic_id, bsp_apic_id;
	uint32_t armed, disarmed, done;
	uint64_t kick_period; /* TSC cycles between two SIPIs */
} wd;

/* ---- the application processor ---- */

uint64_t ap_stack_top; /* ap.S */
static uint8_t ap_stack[8192] __attribute__((aligned(16)));
static uint64_t ap_idt[2 * 256] __attribute__((aligned(16)));
static struct lapic ap;

extern void ap_wake_isr(void), ap_spurious_isr(void);
void ap_main(void);
void ap_wake_eoi(void);

void ap_wake_eoi(void)
{
	lapic_write(&ap, APIC_EOI, 0);
}

/* SIPIs until the boot processor disarms: each is discarded unless its guest waits for one. */
static void watch(uint32_t serial)
{
	uint64_t next = rdtsc() + wd.kick_period;

	while (READ_ONCE(wd.disarmed) != serial) {
		if ((int64_t)(rdtsc() - next) >= 0) {
			lapic_send(&ap, wd.bsp_apic_id, ICR_STARTUP | WATCHDOG_SIPI_VECTOR);
			next = rdtsc() + wd.kick_period;
		}
		cpu_relax();
	}
	WRITE_ONCE(wd.done, serial);
}

/* Halted while disarmed (no load on the boot processor's share of an emulator). */
static void __attribute__((noreturn)) serve(void)
{
	for (;;) {
		uint32_t armed = READ_ONCE(wd.armed);

		if (armed != wd.done) {
			watch(armed);
			continue;
		}
		/* STI's one-instruction shadow: a wake-up between the check and HLT ends HLT */
		__asm__ volatile("cli" ::: "memory");
		if (READ_ONCE(wd.armed) == wd.done)
			__asm__ volatile("sti; hlt" ::: "memory");
		else
			__asm__ volatile("sti" ::: "memory");
	}
}

void ap_main(void)
{
	struct desc_ptr idt = {sizeof(ap_idt) - 1, (uint64_t)(uintptr_t)ap_idt};

	if (!lapic_init(&ap))
		return; /* the boot processor's wait for ap_up runs out */
	idt_gate(&ap_idt[2 * WAKE_VECTOR], (uint64_t)(uintptr_t)ap_wake_isr, 0);
	idt_gate(&ap_idt[2 * SPURIOUS_VECTOR], (uint64_t)(uintptr_t)ap_spurious_isr, 0);
	__asm__ volatile("lidt %0" : : "m"(idt) : "memory");
	lapic_enable(&ap);
	wd.ap_apic_id = lapic_id(&ap);
	WRITE_ONCE(wd.ap_up, 1);
	serve();
}

/* ---- the boot processor ---- */

extern const uint8_t ap_tramp_start[], ap_tramp_end[], ap_tramp_gdt[];

static struct lapic bsp;
static bool running, lost, watching;
static uint32_t serial;
static uint64_t disarm_bound; /* TSC cycles a disarm may wait: 100 ms */

static void trampoline_install(void)
{
	uint8_t *t = (uint8_t *)(uintptr_t)AP_TRAMPOLINE, *gdtp;
	uint16_t limit = gdt_desc.limit;
	uint32_t base = (uint32_t)gdt_desc.base; /* the image lies below 4 GiB */

	__asm__("" : "+r"(t)); /* a physical address below 1 MiB, not a C object */
	memcpy(t, ap_tramp_start, (size_t)(ap_tramp_end - ap_tramp_start));
	gdtp = t + (ap_tramp_gdt - ap_tramp_start);
	memcpy(gdtp, &limit, 2);
	memcpy(gdtp + 2, &base, 4);
	ap_stack_top = (uint64_t)(uintptr_t)(ap_stack + sizeof(ap_stack));
}

/* Waits up to ms milliseconds for the AP; true when it is up. */
static bool ap_wait(unsigned ms)
{
	for (unsigned i = 0; i < ms && !READ_ONCE(wd.ap_up); i++)
		pit_ms(&wd.ap_up);
	return READ_ONCE(wd.ap_up) != 0;
}

const char *watchdog_start(const void *avoid, uint64_t avoid_len)
{
	uint64_t a = (uint64_t)(uintptr_t)avoid, t0, per_ms;

	if (a < AP_TRAMPOLINE + 4096 && a + avoid_len > AP_TRAMPOLINE)
		return "the batch lies on the trampoline page";
	if (!lapic_init(&bsp))
		return "no usable local APIC";
	lapic_enable(&bsp);
	wd.bsp_apic_id = lapic_id(&bsp);
	trampoline_install();
	lapic_send(&bsp, 0, ICR_ALL_BUT_SELF | ICR_INIT | ICR_ASSERT);
	t0 = rdtsc();
	for (unsigned i = 0; i < 10; i++)
		pit_ms(NULL);
	per_ms = (rdtsc() - t0) / 10;
	lapic_send(&bsp, 0, ICR_ALL_BUT_SELF | ICR_STARTUP | (AP_TRAMPOLINE >> 12));
	if (!ap_wait(1)) {
		lapic_send(&bsp, 0, ICR_ALL_BUT_SELF | ICR_STARTUP | (AP_TRAMPOLINE >> 12));
		if (!ap_wait(100))
			return "no other processor started";
	}
	/* every 100 us: VM entry is long done by then, even under a nested hypervisor */
	wd.kick_period = per_ms / 10 > 1000 ? per_ms / 10 : 1000;
	disarm_bound = per_ms * 100 > 1000000 ? per_ms * 100 : 1000000;
	running = true;
	return NULL;
}

uint32_t watchdog_apic_id(void)
{
	return wd.ap_apic_id;
}

bool watchdog_lost(void)
{
	bool was = lost;

	lost = false;
	return was;
}

void watchdog_arm(void)
{
	if (!running)
		return;
	watching = true;
	WRITE_ONCE(wd.armed, ++serial);
	lapic_send(&bsp, wd.ap_apic_id, ICR_FIXED | WAKE_VECTOR);
}

void watchdog_disarm(void)
{
	uint64_t t0 = rdtsc();

	if (!watching)
		return;
	watching = false;
	WRITE_ONCE(wd.disarmed, serial);
	while (READ_ONCE(wd.done) != serial) {
		if (rdtsc() - t0 > disarm_bound) {
			running = false;
			lost = true;
			return;
		}
		cpu_relax();
	}
}
