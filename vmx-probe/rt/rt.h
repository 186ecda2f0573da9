/*
 * rt.h -- the freestanding runtime of the vmx-probe image: port I/O, control registers and
 * MSRs, the console (port 0xE9 and COM1), formatting, strings, reports in the kvm-unit-tests
 * style (PASS:/FAIL:/SKIP:/SUMMARY:), setjmp/longjmp and the exit path.
 */
#ifndef VMXP_RT_H
#define VMXP_RT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- port I/O, registers ---- */

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
	                 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
	                 : "a"(leaf), "c"(sub));
}

#define DEFINE_CR(n)                                                                               \
	static inline uint64_t read_cr##n(void)                                                    \
	{                                                                                          \
		uint64_t v;                                                                        \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                                  \
		return v;                                                                          \
	}                                                                                          \
	static inline void write_cr##n(uint64_t v)                                                 \
	{                                                                                          \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");                         \
	}
DEFINE_CR(0)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

/* ---- faults: instructions that may fault carry an exception-table entry ---- */

/*
 * EXTABLE(insn, fixup): when the instruction at label insn raises an exception, the trap
 * handler records its vector in trap_vector and resumes at label fixup.
 */
#define EXTABLE(insn, fixup)                                                                       \
	".pushsection .extable, \"a\"\n\t.balign 8\n\t.quad " #insn ", " #fixup                    \
	"\n\t.popsection\n\t"

/* The vector of the last fixed-up exception, or -1; clear it before a guarded instruction. */
extern volatile int trap_vector;

/* RDMSR/WRMSR that return false instead of faulting (#GP). */
static inline bool rdmsr_safe(uint32_t msr, uint64_t *v)
{
	uint32_t lo = 0, hi = 0;

	trap_vector = -1;
	__asm__ volatile("1: rdmsr\n2:\n\t" EXTABLE(1b, 2b)
	                 : "=a"(lo), "=d"(hi)
	                 : "c"(msr)
	                 : "memory");
	*v = ((uint64_t)hi << 32) | lo;
	return trap_vector < 0;
}
static inline bool wrmsr_safe(uint32_t msr, uint64_t v)
{
	trap_vector = -1;
	__asm__ volatile("1: wrmsr\n2:\n\t" EXTABLE(1b, 2b)
	                 :
	                 : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
	                 : "memory");
	return trap_vector < 0;
}

/* ---- console ---- */

#define CON_E9     0x1u /* port 0xE9 (Bochs port_e9_hack, QEMU -debugcon) */
#define CON_SERIAL 0x2u /* COM1, 115200 8N1 */

void con_init(unsigned channels);
void con_putc(char c);
void con_write(const char *s, size_t n);

/* ---- formatting: %c %s %d %u %x %p, flags 0 and width, length l and ll ---- */

int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int rt_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- strings (the compiler may also call memcpy, memset, memmove, memcmp) ---- */

void *memset(void *d, int c, size_t n);
void *memcpy(void *restrict d, const void *restrict s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);
const char *strstr_n(const char *hay, size_t n, const char *needle);

/* ---- reports, as kvm-unit-tests prints them ---- */

void report(bool pass, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void report_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report_prefix_push(const char *prefix);
void report_prefix_pop(void);
/* Prints SUMMARY: and returns the exit code: 0 all passed, 1 a failure, 77 all skipped. */
int report_summary(void);

/* ---- setjmp/longjmp (rt/setjmp.S); compile users with -Wclobbered ---- */

typedef uint64_t rt_jmp_buf[8];
int rt_setjmp(rt_jmp_buf buf) __attribute__((returns_twice));
void rt_longjmp(rt_jmp_buf buf, int val) __attribute__((noreturn));

/* ---- exit: QEMU isa-debug-exit (port 0xf4), then the Bochs shutdown port, then HLT ---- */

void rt_exit(int code) __attribute__((noreturn));

#endif /* VMXP_RT_H */
