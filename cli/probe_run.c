/*
 * probe_run.c -- the host side of vmx-probe: encodes cases as a batch, boots the image under
 * Bochs (or QEMU/KVM) with a timeout, parses the framed report lines, and renders harvested
 * capabilities as a capsdb entry.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../vmx-probe/protocol.h"
#include "probe_run.h"
#include "vmcs_ids.h"

#define DEFAULT_CASES_PER_BOOT 5000u
#define DEFAULT_TIMER          0x100000u
#define MAX_BATCH_BYTES        (48u << 20)
#define MAX_EXTRA_BOOTS        64u

const char *probe_error_name(int err)
{
	switch (err) {
	case PROBE_OK:
		return "ok";
	case PROBE_ERR_EMULATOR_MISSING:
		return "emulator missing";
	case PROBE_ERR_KVM_MISSING:
		return "no /dev/kvm";
	case PROBE_ERR_IMAGE_MISSING:
		return "probe image missing";
	case PROBE_ERR_TIMEOUT:
		return "timeout";
	case PROBE_ERR_BOOT:
		return "image failed to boot";
	case PROBE_ERR_NOVMX:
		return "no usable VMX";
	case PROBE_ERR_BATCH:
		return "batch rejected";
	default:
		return "system error";
	}
}

static int fail(struct probe_run *run, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct probe_run *run, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(run->error, sizeof(run->error), fmt, ap);
	va_end(ap);
	return err;
}

static bool is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- where things are ---- */

const char *probe_image_dir(void)
{
	static char found[PATH_MAX];
	char exe[PATH_MAX], cand[PATH_MAX + 64];
	const char *env = getenv("VMCSLINT_PROBE_DIR");
	ssize_t n;

	if (env && *env) {
		snprintf(cand, sizeof(cand), "%s/vmx-probe.bin", env);
		if (is_file(cand))
			return env;
	}
	if (is_file("build/vmx-probe/vmx-probe.bin") && realpath("build/vmx-probe", found))
		return found;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		static const char *const rel[] = {"/vmx-probe", "/../vmx-probe",
		                                  "/../build/vmx-probe",
		                                  "/../share/vmcslint/vmx-probe"};
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
				snprintf(cand, sizeof(cand), "%s%s/vmx-probe.bin", exe, rel[i]);
				if (is_file(cand)) {
					snprintf(cand, sizeof(cand), "%s%s", exe, rel[i]);
					if (realpath(cand, found))
						return found;
				}
			}
		}
	}
	return NULL;
}

/* The full path of prog found in PATH (or prog itself when it has a '/'), or false. */
static bool find_program(const char *prog, char *out, size_t size)
{
	const char *path = getenv("PATH");

	if (strchr(prog, '/')) {
		snprintf(out, size, "%s", prog);
		return access(out, X_OK) == 0;
	}
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);

		snprintf(out, size, "%.*s/%s", (int)len, len ? p : ".", prog);
		if (access(out, X_OK) == 0)
			return true;
		p += len + (colon ? 1 : 0);
	}
	return false;
}

/* ---- command lines and configuration ---- */

int probe_qemu_argv(const struct probe_options *opt, const char *kernel, const char *initrd,
                    const char **argv, size_t max)
{
	/* option, value (NULL: none); two processors: the image's watchdog (vmx-probe/smp.h) */
	static const char *const fixed[][2] = {
	    {"-accel", "kvm"},
	    {"-cpu", "host"},
	    {"-smp", "2"},
	    {"-m", "256"},
	    {"-machine", "pc"},
	    {"-nodefaults", NULL},
	    {"-display", "none"},
	    {"-no-reboot", NULL},
	    {"-debugcon", "stdio"},
	    {"-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"},
	    {"-append", "console=e9"},
	};
	size_t n = 0;

	if (max < 2 * sizeof(fixed) / sizeof(fixed[0]) + 6)
		return -1;
	argv[n++] = opt && opt->qemu ? opt->qemu : "qemu-system-x86_64";
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		argv[n++] = fixed[i][0];
		if (fixed[i][1])
			argv[n++] = fixed[i][1];
	}
	argv[n++] = "-kernel";
	argv[n++] = kernel;
	if (initrd) {
		argv[n++] = "-initrd";
		argv[n++] = initrd;
	}
	argv[n] = NULL;
	return (int)n;
}

/* The batch disk's geometry: 16 heads, 63 sectors per track, whole cylinders. */
#define DISK_CYL_BYTES (16u * 63u * 512u)

static size_t disk_cylinders(size_t batch_size)
{
	return (batch_size + DISK_CYL_BYTES - 1) / DISK_CYL_BYTES;
}

int probe_bochsrc(const struct probe_options *opt, const char *image_dir, const char *batch,
                  size_t batch_size, unsigned cpus, const char *log, char *buf, size_t size)
{
	const char *model = opt && opt->bochs_model ? opt->bochs_model : PROBE_DEFAULT_BOCHS_MODEL;
	/* the image at 4 MiB, the batch read to 16 MiB: 16 MiB of slack above it */
	unsigned megs = 32 + (unsigned)((batch_size + (1u << 20) - 1) >> 20);
	char disk[PATH_MAX + 128] = "", parts[4 * (PATH_MAX + 80)] = "";
	size_t off = 0;
	int n;

	megs = (megs + 15) & ~15u;
	if (batch)
		snprintf(disk, sizeof(disk),
		         "ata0-master: type=disk, path=\"%s\", mode=flat, cylinders=%zu, heads=16, "
		         "spt=63\n",
		         batch, disk_cylinders(batch_size));
	/* the image in parts of at most 128 KiB, what one optramimage holds (Makefile) */
	for (unsigned k = 1; k <= 4; k++) {
		char part[PATH_MAX + 32];

		snprintf(part, sizeof(part), "%s/vmx-probe-%u.bin", image_dir, k);
		if (k > 1 && !is_file(part))
			break;
		if (k == 1 && !is_file(part))
			snprintf(part, sizeof(part), "%s/vmx-probe.bin", image_dir);
		off += (size_t)snprintf(parts + off, sizeof(parts) - off,
		                        "optramimage%u: file=\"%s\", address=0x%x\n", k, part,
		                        VMXP_IMAGE_ADDR + (k - 1) * 0x20000u);
	}
	n = snprintf(buf, size,
	             "# vmx-probe under Bochs (written by vmcslint, cli/probe_run.c)\n"
	             "megs: %u\n"
	             "romimage: file=\"%s/bochs-rom.bin\"\n"
	             "cpu: model=%s, count=%u, reset_on_triple_fault=1, ignore_bad_msrs=0\n"
	             "%s"
	             "%s"
	             "display_library: term\n"
	             "port_e9_hack: enabled=1\n"
	             "speaker: enabled=0\n"
	             "sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy\n"
	             "log: \"%s\"\n"
	             "error: action=%s\n"
	             "panic: action=fatal\n",
	             megs, image_dir, model, cpus, parts, disk, log,
	             opt && (opt->debug_log || opt->keep_dir) ? "report" : "ignore");
	return n < 0 || (size_t)n >= size ? -1 : n;
}

/* ---- the batch ---- */

struct blob {
	uint8_t *p;
	size_t len, cap;
};

static bool blob_put(struct blob *b, const void *data, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 65536;
		uint8_t *p;

		while (cap < b->len + n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p)
			return false;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	return true;
}

static uint32_t case_flags(const struct vmentry_env *env)
{
	uint32_t f = 0;

	if (env->instruction == VMENTRY_VMRESUME)
		f |= VMXP_CASE_VMRESUME;
	if (env->launch_state == LAUNCH_STATE_LAUNCHED)
		f |= VMXP_CASE_LAUNCHED;
	if (env->mov_ss_blocking)
		f |= VMXP_CASE_MOV_SS;
	if (env->msr_load_known && env->n_msr_load)
		f |= VMXP_CASE_MSR_LOAD;
	if (env->pdptes_known)
		f |= VMXP_CASE_PDPTES;
	if (env->link_known)
		f |= VMXP_CASE_LINK;
	if (env->link_known && env->link_is_vmcs)
		f |= VMXP_CASE_LINK_VMCS;
	return f;
}

/* Whether a case's guest may be left waiting for a SIPI (vmx-probe/smp.h). */
static bool may_wait_for_sipi(const struct probe_case *c)
{
	return c->vmcs->written[VMCS_GUEST_ACTIVITY_STATE] &&
	       (uint32_t)c->vmcs->value[VMCS_GUEST_ACTIVITY_STATE] == L_ACTIVITY__V_WAIT_FOR_SIPI;
}

static bool any_may_wait_for_sipi(const struct probe_case *cases, size_t first, size_t n)
{
	for (size_t k = first; k < first + n; k++)
		if (may_wait_for_sipi(&cases[k]))
			return true;
	return false;
}

uint8_t *probe_encode_batch(const struct probe_case *cases, size_t first, size_t n,
                            const struct probe_options *opt, size_t *len)
{
	size_t nf = vmcs_field_count();
	struct vmxp_batch h;
	struct blob b = {NULL, 0, 0};
	const struct vmcs_state *prev = NULL;
	struct vmxp_write *w = malloc(sizeof(*w) * nf);
	bool ok = w != NULL;

	memset(&h, 0, sizeof(h));
	h.magic = VMXP_BATCH_MAGIC;
	h.version = VMXP_BATCH_VERSION;
	h.header_size = sizeof(h);
	h.n_cases = (uint32_t)n;
	h.flags = VMXP_BATCH_CHECKSUM | (opt && opt->full_readback ? VMXP_BATCH_FULL_READBACK : 0) |
	          (any_may_wait_for_sipi(cases, first, n) ? VMXP_BATCH_WATCHDOG : 0);
	h.n_readback = (uint32_t)nf;
	h.timer = opt && opt->timer ? opt->timer : DEFAULT_TIMER;
	ok = ok && blob_put(&b, &h, sizeof(h));
	for (size_t i = 0; ok && i < nf; i++) {
		uint32_t enc = vmcs_field_at(i)->encoding;

		ok = blob_put(&b, &enc, 4);
	}
	if (ok && (nf & 1)) {
		uint32_t zero = 0;

		ok = blob_put(&b, &zero, 4);
	}
	for (size_t k = first; ok && k < first + n; k++) {
		const struct vmcs_state *v = cases[k].vmcs;
		const struct vmentry_env *env = cases[k].env;
		struct vmxp_case c;
		size_t n_full = 0, n_delta = 0, start = b.len;
		bool delta;

		for (size_t i = 0; i < nf; i++) {
			n_full += v->written[i] != 0;
			if (prev && (v->written[i] != prev->written[i] ||
			             (v->written[i] && v->value[i] != prev->value[i])))
				n_delta++;
		}
		delta = prev && n_delta < n_full;
		memset(&c, 0, sizeof(c));
		c.id = (uint32_t)k;
		c.flags = case_flags(env) | (delta ? VMXP_CASE_DELTA : 0);
		if (opt && opt->selftest_crash == k + 1)
			c.flags |= VMXP_CASE_SELFTEST_CRASH;
		c.n_writes = (uint32_t)(delta ? n_delta : n_full);
		c.n_msr_load = (c.flags & VMXP_CASE_MSR_LOAD) ? (uint32_t)env->n_msr_load : 0;
		if (c.n_msr_load > VMXP_MAX_MSR_LOAD)
			c.n_msr_load = VMXP_MAX_MSR_LOAD;
		if (env->link_known && env->link_is_vmcs)
			c.link_word = (env->link_revision & 0x7fffffffu) |
			              (env->link_shadow ? 0x80000000u : 0);
		ok = blob_put(&b, &c, sizeof(c));
		for (size_t i = 0, j = 0; ok && i < nf; i++) {
			bool put = delta ? (v->written[i] != prev->written[i] ||
			                    (v->written[i] && v->value[i] != prev->value[i]))
			                 : v->written[i] != 0;

			if (!put)
				continue;
			w[j].encoding = vmcs_field_at(i)->encoding;
			w[j].op = v->written[i] ? VMXP_OP_WRITE : VMXP_OP_UNWRITE;
			w[j].value = v->written[i] ? v->value[i] : 0;
			ok = blob_put(&b, &w[j], sizeof(w[j]));
			j++;
		}
		for (uint32_t i = 0; ok && i < c.n_msr_load; i++) {
			struct vmxp_msr e = {env->msr_load[i].index, env->msr_load[i].reserved,
			                     env->msr_load[i].value};

			ok = blob_put(&b, &e, sizeof(e));
		}
		if (ok && (c.flags & VMXP_CASE_PDPTES))
			ok = blob_put(&b, env->pdpte, sizeof(env->pdpte));
		if (ok)
			((struct vmxp_case *)(b.p + start))->size = (uint32_t)(b.len - start);
		prev = v;
	}
	free(w);
	if (!ok) {
		free(b.p);
		return NULL;
	}
	((struct vmxp_batch *)b.p)->total_size = (uint32_t)b.len;
	((struct vmxp_batch *)b.p)->checksum = vmxp_fnv1a(VMXP_FNV_INIT, b.p, (uint32_t)b.len);
	*len = b.len;
	return b.p;
}

/* ---- the report lines ---- */

/* Output without terminal escape sequences and control characters other than '\n'. */
static char *strip_noise(const char *in, size_t len, size_t *outlen)
{
	char *out = malloc(len + 1);
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == 0x1b && i + 1 < len) {
			unsigned char k = (unsigned char)in[i + 1];

			if (k == '[') { /* CSI: parameters, intermediates, final byte */
				i += 2;
				while (i < len && (unsigned char)in[i] >= 0x20 &&
				       (unsigned char)in[i] < 0x40)
					i++;
				continue; /* i is the final byte */
			}
			if (k == ']') { /* OSC: up to BEL or ST */
				for (i += 2; i < len; i++) {
					if (in[i] == 0x07)
						break;
					if (in[i] == 0x1b && i + 1 < len && in[i + 1] == '\\') {
						i++;
						break;
					}
				}
				continue;
			}
			if (k == '(' || k == ')' || k == '*' || k == '+' || k == '#') {
				i += 2; /* charset designation: one more byte */
				continue;
			}
			i++; /* two-byte sequence */
			continue;
		}
		if (c == '\n' || (c >= 0x20 && c != 0x7f))
			out[o++] = (char)c;
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

size_t probe_lines(const char *raw, size_t rawlen,
                   void (*fn)(const char *payload, size_t n, void *ctx), void *ctx, size_t *bad)
{
	static const char marker[] = VMXP_LINE_MARKER;
	const size_t ml = sizeof(marker) - 1;
	size_t len, good = 0, nbad = 0;
	char *s = strip_noise(raw, rawlen, &len);
	const char *p, *end;

	if (!s)
		return 0;
	end = s + len;
	for (p = s; (p = memmem(p, (size_t)(end - p), marker, ml)) != NULL;) {
		const char *q = p + ml, *stop = q, *next;
		size_t n;
		unsigned check;
		char hex[5];

		/* the line ends at a newline or where the next framed line begins */
		next = memmem(q, (size_t)(end - q), marker, ml);
		while (stop < end && *stop != '\n' && stop != next)
			stop++;
		n = (size_t)(stop - q);
		while (n && q[n - 1] == ' ')
			n--;
		p = stop;
		if (n < 9 || memcmp(q + n - 2, VMXP_LINE_END, 2) != 0 ||
		    memcmp(q + n - 8, " #", 2) != 0) {
			nbad++;
			continue;
		}
		memcpy(hex, q + n - 6, 4);
		hex[4] = '\0';
		if (strspn(hex, "0123456789abcdef") != 4 || sscanf(hex, "%x", &check) != 1 ||
		    check != vmxp_line_check(q, (uint32_t)(n - 8))) {
			nbad++;
			continue;
		}
		good++;
		if (fn)
			fn(q, n - 8, ctx);
	}
	free(s);
	if (bad)
		*bad = nbad;
	return good;
}

struct parse_ctx {
	const struct probe_case *cases;
	size_t n;
	struct probe_result *results;
	struct probe_run *run;
	int err;
	bool begun;
	long last_begun;
};

/* Splits a payload copy into space-separated words. */
static size_t words(char *s, char **w, size_t max)
{
	size_t n = 0;

	for (char *t = strtok(s, " "); t && n < max; t = strtok(NULL, " "))
		w[n++] = t;
	return n;
}

static bool hex64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 16);
	return *s && !*end && errno == 0;
}

static void result_init(struct probe_result *r, const struct probe_case *c)
{
	size_t nf = vmcs_field_count();

	memset(r, 0, sizeof(*r));
	r->reported = true;
	r->observed.kind = OUTCOME_UNDECIDED;
	r->readback = *c->vmcs;
	for (size_t i = 0; i < nf; i++) {
		if (!r->readback.written[i])
			r->readback.value[i] = 0;
		r->readback.known[i] = 1;
	}
	r->env = *c->env;
	r->env.ia32e_mode = true;
	r->env.values_read_back = true;
	/* The image's link page is never the VMCS region it launches. */
	r->env.link_current_known = true;
	r->env.link_is_current = false;
	/* The image's virtual-APIC page is zeroed: VTPR reads 0 whatever the case says. */
	r->env.vtpr_known = true;
	r->env.vtpr = 0;
}

static int16_t field_of(uint32_t enc)
{
	bool high = false;
	const struct vmcs_field_info *f = vmcs_field_by_encoding(enc, &high);

	return f && !high ? (int16_t)vmcs_field_index(f) : -1;
}

static void case_line(struct parse_ctx *x, char **w, size_t nw)
{
	uint64_t id;
	struct probe_result *r;

	if (nw < 2 || !hex64(w[1], &id) || id >= x->n)
		return;
	r = &x->results[id];
	if (!r->reported)
		result_init(r, &x->cases[id]);
	if ((long)id > x->last_begun)
		x->last_begun = (long)id;
	switch (w[0][0]) {
	case 'W':
		for (size_t i = 2; i < nw; i++) {
			char *eq = strchr(w[i], '=');
			uint64_t enc, err = 0;

			if (!eq || r->n_vmwrite_errors >= VMCS_FIELD_CAPACITY)
				continue;
			*eq = '\0';
			if (!hex64(w[i], &enc))
				continue;
			if (!strcmp(eq + 1, "fi"))
				err = 0xffffffffu;
			else if (eq[1] == 't' && hex64(eq + 2, &err))
				err += 0x100;
			else if (!hex64(eq + 1, &err))
				continue;
			r->vmwrite_errors[r->n_vmwrite_errors].encoding = (uint32_t)enc;
			r->vmwrite_errors[r->n_vmwrite_errors].field = field_of((uint32_t)enc);
			r->vmwrite_errors[r->n_vmwrite_errors].error = (uint32_t)err;
			r->n_vmwrite_errors++;
		}
		break;
	case 'R':
		for (size_t i = 2; i < nw; i++) {
			char *eq = strchr(w[i], '=');
			uint64_t enc, v;
			int16_t f;

			if (!eq)
				continue;
			*eq = '\0';
			if (hex64(w[i], &enc) && hex64(eq + 1, &v) &&
			    (f = field_of((uint32_t)enc)) >= 0) {
				r->readback.value[f] = v;
				r->readback.known[f] = 1;
			}
		}
		break;
	case 'X':
		for (size_t i = 2; i < nw; i++) {
			uint64_t enc;
			int16_t f;

			if (hex64(w[i], &enc) && (f = field_of((uint32_t)enc)) >= 0) {
				r->readback.known[f] = 0;
				r->readback.value[f] = 0;
			}
		}
		break;
	case 'A':
		for (size_t i = 2; i < nw; i++) {
			uint64_t enc;
			int16_t f;

			if (hex64(w[i], &enc) && (f = field_of((uint32_t)enc)) >= 0)
				r->readback.written[f] = 1;
		}
		break;
	case 'M':
		for (size_t i = 2; i < nw; i++) {
			uint64_t v[4];

			if (!strncmp(w[i], "link=", 5) && hex64(w[i] + 5, &v[0])) {
				r->env.link_known = true;
				r->env.link_is_vmcs = true;
				r->env.link_revision = (uint32_t)v[0] & 0x7fffffffu;
				r->env.link_shadow = (v[0] >> 31) & 1;
			} else if (!strncmp(w[i], "pdpte=", 6)) {
				char *s = w[i] + 6, *comma;
				size_t k = 0;

				for (; k < 4 && s; k++) {
					comma = strchr(s, ',');
					if (comma)
						*comma = '\0';
					if (!hex64(s, &v[k]))
						break;
					s = comma ? comma + 1 : NULL;
				}
				if (k == 4) {
					r->env.pdptes_known = true;
					memcpy(r->env.pdpte, v, sizeof(v));
				}
			}
		}
		break;
	case 'P': {
		uint64_t v[9];
		size_t k = 0;

		for (; k < 9 && k + 2 < nw && hex64(w[k + 2], &v[k]); k++)
			;
		if (k < 9 || nw != 12)
			break;
		r->ring0 = true;
		r->ring0_prediction = (struct check_outcome){
		    .kind = (uint8_t)v[0],
		    .vm_instruction_error = (uint8_t)v[1],
		    .error_alt = (uint8_t)v[2],
		    .exit_reason = (uint16_t)v[3],
		    .exit_qualification = v[4],
		    .qualification_varies = v[5] != 0,
		    .otherwise_kind = (uint8_t)v[6],
		    .otherwise_exit_reason = (uint16_t)v[7],
		    .otherwise_qualification = v[8],
		};
		snprintf(r->ring0_rule, sizeof(r->ring0_rule), "%s", w[11]);
		break;
	}
	case 'O': {
		uint64_t a = 0, b = 0;

		if (nw < 3)
			break;
		r->status = PROBE_CASE_DONE;
		if (!strcmp(w[2], "FI")) {
			r->observed.kind = OUTCOME_VMFAIL_INVALID;
		} else if (!strcmp(w[2], "FV") && nw >= 4 && hex64(w[3], &a)) {
			r->observed.kind = OUTCOME_VMFAIL_VALID;
			r->observed.vm_instruction_error = (uint8_t)a;
		} else if (!strcmp(w[2], "EX") && nw >= 5 && hex64(w[3], &a) && hex64(w[4], &b)) {
			r->exit_reason_full = (uint32_t)a;
			r->observed.kind =
			    (a & 0x80000000u) ? OUTCOME_ENTRY_FAILURE : OUTCOME_SUCCESS;
			r->observed.exit_reason = (uint16_t)a;
			r->observed.exit_qualification = b;
		} else if (!strcmp(w[2], "TRAP")) {
			r->status = PROBE_CASE_TRAP;
			r->observed.kind = OUTCOME_UNDECIDED;
			if (nw >= 4 && hex64(w[3], &a))
				r->trap_vector = (uint8_t)a;
		} else if (!strcmp(w[2], "PRE")) {
			r->status = PROBE_CASE_PRELAUNCH;
			r->observed.kind = OUTCOME_UNDECIDED;
		} else {
			r->status = PROBE_CASE_NOT_RUN;
		}
		break;
	}
	default:
		break;
	}
}

/* "SMP ap=ID", "SMP none REASON...", "SMP lost": the watchdog processor. */
static void watchdog_line(struct probe_run *run, const char *payload, size_t len, char **w,
                          size_t nw)
{
	static const char none[] = "SMP none ";

	if (!strncmp(w[1], "ap=", 3)) {
		run->watchdog = true;
	} else if (!strcmp(w[1], "lost")) {
		run->watchdog = false;
		snprintf(run->watchdog_why, sizeof(run->watchdog_why), "it stopped answering");
	} else if (nw > 2 && len > sizeof(none) - 1 && !strncmp(payload, none, sizeof(none) - 1)) {
		run->watchdog = false;
		snprintf(run->watchdog_why, sizeof(run->watchdog_why), "%.*s",
		         (int)(len - (sizeof(none) - 1)), payload + sizeof(none) - 1);
	}
}

static void on_line(const char *payload, size_t len, void *ctx)
{
	struct parse_ctx *x = ctx;
	struct probe_run *run = x->run;
	char buf[600], *w[80];
	size_t nw;
	uint64_t a, b;

	if (len >= sizeof(buf))
		return;
	memcpy(buf, payload, len);
	buf[len] = '\0';
	if (!strncmp(buf, "NOVMX", 5) || !strncmp(buf, "BATCH bad", 9)) {
		x->err = buf[0] == 'N' ? PROBE_ERR_NOVMX : PROBE_ERR_BATCH;
		snprintf(run->error, sizeof(run->error), "the probe image reports: %.400s", buf);
		return;
	}
	nw = words(buf, w, sizeof(w) / sizeof(w[0]));
	if (!nw)
		return;
	if (!strcmp(w[0], "BEGIN")) {
		x->begun = true;
	} else if (!strcmp(w[0], "CPUID") && nw == 7) {
		uint64_t leaf = 0, sub = 0, r[4] = {0, 0, 0, 0};
		bool ok = hex64(w[1], &leaf) && hex64(w[2], &sub);

		for (int i = 0; i < 4; i++)
			ok = ok && hex64(w[3 + i], &r[i]);
		if (!ok)
			return;
		if (leaf == 0) {
			memcpy(run->vendor, &r[1], 4);
			memcpy(run->vendor + 4, &r[3], 4);
			memcpy(run->vendor + 8, &r[2], 4);
			run->vendor[12] = '\0';
		}
		/* the leaves the checks read (the image reports no other) */
		if (vmx_cpuid_by_leaf((uint32_t)leaf, (uint32_t)sub) >= 0) {
			for (int i = 0; i < 4; i++)
				vmx_caps_set_cpuid(&run->caps, (uint32_t)leaf, (uint32_t)sub,
				                   (enum cpuid_reg)i, (uint32_t)r[i]);
		}
		if (leaf == 0x80000008)
			run->caps.maxphyaddr = (uint8_t)r[0];
	} else if (!strcmp(w[0], "MSR") && nw == 3 && hex64(w[1], &a)) {
		bool gp = !strcmp(w[2], "GP");

		if (!gp && !hex64(w[2], &b))
			return;
		if (a == 0x3a) {
			run->fc_known = !gp;
			run->feature_control = gp ? 0 : b;
		} else if (a >= 0x480 && a < 0x480 + VMX_MSR__COUNT) {
			unsigned id = (unsigned)(a - 0x480);

			run->caps.msr[id] = gp ? 0 : b;
			run->caps.msr_state[id] = gp ? VMX_MSR_ABSENT : VMX_MSR_PRESENT;
			run->msr_read_zero[id] = !gp && b == 0;
			if (id == VMX_MSR_BASIC && !gp)
				run->caps_valid = true;
		}
	} else if (!strcmp(w[0], "FC") && nw == 2 && !strncmp(w[1], "initial=", 8) &&
	           hex64(w[1] + 8, &a)) {
		run->fc_initial_known = true;
		run->fc_initial = a;
	} else if (!strcmp(w[0], "SMP") && nw >= 2) {
		watchdog_line(run, payload, len, w, nw);
	} else if (!strcmp(w[0], "LOST") && nw == 2 && hex64(w[1], &a) && a < x->n) {
		if (x->results[a].status != PROBE_CASE_LOST) {
			if (!x->results[a].reported)
				result_init(&x->results[a], &x->cases[a]);
			x->results[a].status = PROBE_CASE_LOST;
			x->results[a].observed.kind = OUTCOME_UNDECIDED;
			run->cases_lost++;
		}
	} else if (strlen(w[0]) == 1 && strchr("WRXAMPO", w[0][0])) {
		case_line(x, w, nw);
	}
}

int probe_parse_output(const char *out, size_t len, const struct probe_case *cases, size_t n,
                       struct probe_result *results, struct probe_run *run, long *last_begun)
{
	struct parse_ctx x = {cases, n, results, run, PROBE_OK, false, -1};
	size_t bad = 0;

	probe_lines(out, len, on_line, &x, &bad);
	run->bad_lines += bad;
	if (last_begun)
		*last_begun = x.last_begun;
	if (x.err == PROBE_OK && !x.begun) {
		snprintf(run->error, sizeof(run->error),
		         "the probe image printed no BEGIN line: it failed to boot");
		return PROBE_ERR_BOOT;
	}
	return x.err;
}

/* ---- running the emulator ---- */

struct child_out {
	char *buf;
	size_t len;
	int status;
	bool timed_out;
};

static int run_child(const char *const argv[], const char *dir, const char *err_path,
                     double timeout, double idle, struct child_out *co)
{
	double last_output = 0;
	int fds[2];
	pid_t pid;
	double deadline = now_s() + timeout;
	size_t cap = 1 << 16;

	co->buf = malloc(cap);
	co->len = 0;
	co->timed_out = false;
	co->status = -1;
	if (!co->buf || pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY),
		    err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		setsid(); /* its own process group, no controlling terminal */
		if (in >= 0)
			dup2(in, 0);
		dup2(fds[1], 1);
		if (err >= 0)
			dup2(err, 2);
		close(fds[0]);
		close(fds[1]);
		if (chdir(dir) != 0)
			_exit(126);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		struct pollfd pfd = {fds[0], POLLIN, 0};
		double left = deadline - now_s();
		ssize_t r;

		/* stuck: nothing for idle seconds once the image has printed something */
		if (last_output > 0 && now_s() - last_output > idle && left > 0)
			left = 0;
		if (left <= 0 && !co->timed_out) {
			co->timed_out = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
		}
		if (poll(&pfd, 1,
		         co->timed_out ? 1000 : (int)((left < idle ? left : idle) * 1000) + 1) <=
		    0) {
			if (co->timed_out)
				break;
			continue;
		}
		if (co->len + 65536 > cap) {
			char *p = realloc(co->buf, cap * 2);

			if (!p)
				break;
			co->buf = p;
			cap *= 2;
		}
		r = read(fds[0], co->buf + co->len, cap - co->len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		co->len += (size_t)r;
		/* the idle clock runs once the cases begin (after the BATCH line), not while the
		 * image reads a large batch */
		if (last_output > 0 || memmem(co->buf, co->len, VMXP_LINE_MARKER "BATCH ",
		                              sizeof(VMXP_LINE_MARKER "BATCH ") - 1))
			last_output = now_s();
	}
	close(fds[0]);
	if (!co->timed_out)
		kill(-pid, SIGKILL); /* what the emulator left behind */
	waitpid(pid, &co->status, 0);
	co->buf[co->len] = '\0';
	return 0;
}

static bool write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	bool ok = f && fwrite(data, 1, len, f) == len;

	if (f && fclose(f) != 0)
		ok = false;
	return ok;
}

static char *read_small(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(65536);
	n = buf ? fread(buf, 1, 65535, f) : 0;
	fclose(f);
	if (buf)
		buf[n] = '\0';
	return buf;
}

static void rm_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[PATH_MAX];

	while (d && (e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* One boot with cases [first, first + count); 0 cases: harvest only. */
static int boot_once(const struct probe_case *cases, size_t first, size_t count,
                     const struct probe_options *opt, const char *image_dir, const char *emu,
                     struct probe_result *results, size_t n, struct probe_run *run, long *last)
{
	char batch[PATH_MAX], rc[PATH_MAX], cmds[PATH_MAX], log[PATH_MAX], errp[PATH_MAX];
	char kernel[PATH_MAX], text[8192];
	const char *argv[48];
	uint8_t *blob = NULL;
	size_t blob_len = 0;
	struct child_out co;
	double t0, timeout;
	bool watchdog = false;
	int err;

	snprintf(batch, sizeof(batch), "%s/batch.img", run->dir);
	snprintf(rc, sizeof(rc), "%s/bochsrc", run->dir);
	snprintf(cmds, sizeof(cmds), "%s/cmds", run->dir);
	snprintf(log, sizeof(log), "%s/bochs-%zu.log", run->dir, run->boots + 1);
	snprintf(errp, sizeof(errp), "%s/stderr.txt", run->dir);
	if (count) {
		bool ok;

		blob = probe_encode_batch(cases, first, count, opt, &blob_len);
		watchdog = blob && (((const struct vmxp_batch *)blob)->flags & VMXP_BATCH_WATCHDOG);
		ok = blob && write_file(batch, blob, blob_len);
		/* Bochs: a flat disk of whole cylinders; QEMU: the multiboot module as is */
		if (ok && opt->emulator == PROBE_EMU_BOCHS)
			ok = truncate(batch, (off_t)(disk_cylinders(blob_len) * DISK_CYL_BYTES)) ==
			     0;
		free(blob);
		if (!ok)
			return fail(run, PROBE_ERR_SYSTEM, "cannot write the batch %s", batch);
	}
	if (opt->emulator == PROBE_EMU_QEMU_KVM) {
		snprintf(kernel, sizeof(kernel), "%s/vmx-probe.elf", image_dir);
		if (probe_qemu_argv(opt, kernel, count ? batch : NULL, argv, 48) < 0)
			return fail(run, PROBE_ERR_SYSTEM, "QEMU command line too long");
		argv[0] = emu;
	} else {
		/* the debugger stops at each reset (the image recovers from one): go on each time
		 */
		static const char cont[] = "c\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\n"
		                           "c\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\n";

		/* the second processor is the image's watchdog, and costs time: only when asked */
		if (probe_bochsrc(opt, image_dir, count ? batch : NULL, blob_len, watchdog ? 2 : 1,
		                  log, text, sizeof(text)) < 0 ||
		    !write_file(rc, text, strlen(text)) || !write_file(cmds, cont, strlen(cont)))
			return fail(run, PROBE_ERR_SYSTEM, "cannot write %s", rc);
		argv[0] = emu;
		argv[1] = "-q";
		argv[2] = "-f";
		argv[3] = rc;
		argv[4] = "-rc";
		argv[5] = cmds;
		argv[6] = "-unlock";
		argv[7] = NULL;
	}
	timeout = opt->timeout_s > 0 ? opt->timeout_s : 20.0 + 0.02 * (double)count;
	t0 = now_s();
	if (run_child(argv, run->dir, errp, timeout,
	              opt->idle_timeout_s > 0 ? opt->idle_timeout_s : 2.0, &co) != 0) {
		free(co.buf);
		return fail(run, PROBE_ERR_SYSTEM, "cannot run %s: %s", emu, strerror(errno));
	}
	run->seconds += now_s() - t0;
	run->boots++;
	if (opt->keep_dir) {
		char outp[PATH_MAX];

		snprintf(outp, sizeof(outp), "%s/stdout-%zu.txt", run->dir, run->boots);
		write_file(outp, co.buf, co.len);
	}
	err = probe_parse_output(co.buf, co.len, cases, n, results, run, last);
	if (err == PROBE_ERR_BOOT) {
		char *se = read_small(errp);

		if (se && strstr(se, "display library 'term' not available"))
			err = fail(run, PROBE_ERR_EMULATOR_MISSING,
			           "Bochs has no 'term' display plugin: install the Debian package "
			           "bochs-term");
		else if (co.timed_out && co.len == 0)
			err = fail(run, PROBE_ERR_TIMEOUT, "%s printed nothing in %.0f s", emu,
			           timeout);
		else if (se && se[0])
			snprintf(run->error, sizeof(run->error),
			         "the probe image failed to boot under %s: %.300s", emu, se);
		free(se);
	}
	free(co.buf);
	return err;
}

static int prepare(const struct probe_options *opt, struct probe_run *run, const char **image_dir,
                   char *emu, size_t emusize)
{
	const char *prog;
	char p[PATH_MAX];

	*image_dir = opt->image_dir ? opt->image_dir : probe_image_dir();
	if (!*image_dir)
		return fail(run, PROBE_ERR_IMAGE_MISSING,
		            "the vmx-probe image is not built: run `make probe` (or set "
		            "VMCSLINT_PROBE_DIR)");
	snprintf(p, sizeof(p), "%s/%s", *image_dir,
	         opt->emulator == PROBE_EMU_QEMU_KVM ? "vmx-probe.elf" : "bochs-rom.bin");
	if (!is_file(p))
		return fail(run, PROBE_ERR_IMAGE_MISSING, "%s is missing: run `make probe`", p);
	if (opt->emulator == PROBE_EMU_QEMU_KVM) {
		prog = opt->qemu ? opt->qemu : "qemu-system-x86_64";
		if (!find_program(prog, emu, emusize))
			return fail(run, PROBE_ERR_EMULATOR_MISSING,
			            "%s not found (Debian: apt-get install qemu-system-x86)", prog);
		if (access("/dev/kvm", R_OK | W_OK) != 0)
			return fail(
			    run, PROBE_ERR_KVM_MISSING,
			    "/dev/kvm is not usable here: qemu-kvm needs an Intel host with KVM "
			    "and nested VMX");
	} else {
		prog = opt->bochs ? opt->bochs : "bochs";
		if (!find_program(prog, emu, emusize))
			return fail(run, PROBE_ERR_EMULATOR_MISSING,
			            "%s not found (Debian: apt-get install bochs bochsbios vgabios "
			            "bochs-term)",
			            prog);
	}
	snprintf(run->dir, sizeof(run->dir), "%s/vmcslint-probe-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(run->dir))
		return fail(run, PROBE_ERR_SYSTEM, "mkdtemp %s: %s", run->dir, strerror(errno));
	return PROBE_OK;
}

static void run_init(struct probe_run *run, const struct probe_options *opt)
{
	memset(run, 0, sizeof(*run));
	if (opt->emulator == PROBE_EMU_QEMU_KVM)
		snprintf(run->caps.name, sizeof(run->caps.name), "qemu-kvm");
	else
		snprintf(run->caps.name, sizeof(run->caps.name), "bochs-%s",
		         opt->bochs_model ? opt->bochs_model : PROBE_DEFAULT_BOCHS_MODEL);
	/* capsdb entry names are lowercase (capsdb/FORMAT.md); Bochs spells some models with K */
	for (char *p = run->caps.name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
}

/*
 * Boots of cases [0, n), at most per_boot cases each and none across split; a case in which
 * the image loses control is LOST and the rest runs in a new boot.
 */
static int run_boots(const struct probe_case *cases, size_t n, size_t split,
                     const struct probe_options *opt, const char *image_dir, const char *emu,
                     struct probe_result *results, struct probe_run *run)
{
	size_t per_boot = opt->cases_per_boot ? opt->cases_per_boot : DEFAULT_CASES_PER_BOOT;
	size_t next = 0, extra = 0;
	int err;

	do {
		size_t count = n - next < per_boot ? n - next : per_boot, k;
		long last = -1;

		if (next < split && next + count > split)
			count = split - next;
		err = boot_once(cases, next, count, opt, image_dir, emu, results, n, run, &last);
		if (err != PROBE_OK)
			break;
		for (k = next; k < next + count && results[k].status != PROBE_CASE_NOT_RUN; k++)
			;
		if (k < next + count) {
			/* the image stopped in case k (hang, crash): it is lost, the rest runs
			 * again */
			if (!results[k].reported)
				result_init(&results[k], &cases[k]);
			results[k].status = PROBE_CASE_LOST;
			results[k].observed.kind = OUTCOME_UNDECIDED;
			run->cases_lost++;
			if (++extra > MAX_EXTRA_BOOTS) {
				err = fail(run, PROBE_ERR_TIMEOUT,
				           "the probe image lost control in too many cases (%zu)",
				           extra);
				break;
			}
		}
		while (k < n && results[k].status != PROBE_CASE_NOT_RUN)
			k++;
		next = k;
	} while (next < n);
	return err;
}

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

/*
 * Whether the cases whose guest may wait for a SIPI should run in boots of their own: under
 * Bochs, when the others would pay more for the second processor than a boot costs.  A
 * small batch stays in one boot.
 */
static bool watchdog_boots_apart(const struct probe_case *cases, size_t n,
                                 const struct probe_options *opt)
{
	uint64_t others_us = 0;
	bool any = false;

	if (opt->emulator != PROBE_EMU_BOCHS)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (may_wait_for_sipi(&cases[i]))
			any = true;
		else
			others_us += halts_or_shuts_down(&cases[i]) ? SMP_COST_PER_SLEEPER_US
			                                            : SMP_COST_PER_CASE_US;
	}
	return any && others_us > BOOT_COST_US;
}

/* The cases that need no watchdog first, then the others, each in their order. */
static size_t *watchdog_last(const struct probe_case *cases, size_t n, size_t *split)
{
	size_t *order = malloc(n * sizeof(*order)), k = 0;

	if (!order)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!may_wait_for_sipi(&cases[i]))
			order[k++] = i;
	*split = k;
	for (size_t i = 0; i < n; i++)
		if (may_wait_for_sipi(&cases[i]))
			order[k++] = i;
	return order;
}

/* results[i] belongs to case order[i]: moves each to its place (order becomes the identity). */
static bool unpermute(struct probe_result *results, size_t *order, size_t n)
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

int probe_run_cases(const struct probe_case *cases, size_t n, const struct probe_options *opt,
                    struct probe_result *results, struct probe_run *run)
{
	const char *image_dir;
	char emu[PATH_MAX];
	struct probe_case *view = NULL;
	size_t *order = NULL, split = n;
	int err;

	run_init(run, opt);
	for (size_t i = 0; i < n; i++) {
		memset(&results[i], 0, sizeof(results[i]));
		results[i].observed.kind = OUTCOME_UNDECIDED;
	}
	err = prepare(opt, run, &image_dir, emu, sizeof(emu));
	if (err != PROBE_OK || n == 0) {
		if (err == PROBE_OK && !opt->keep_dir)
			rm_dir(run->dir);
		return err;
	}
	if (watchdog_boots_apart(cases, n, opt)) {
		order = watchdog_last(cases, n, &split);
		view = order ? malloc(n * sizeof(*view)) : NULL;
		for (size_t i = 0; view && i < n; i++)
			view[i] = cases[order[i]];
	}
	if (order && !view)
		err = fail(run, PROBE_ERR_SYSTEM, "out of memory");
	else
		err = run_boots(view ? view : cases, n, split, opt, image_dir, emu, results, run);
	if (view && !unpermute(results, order, n) && err == PROBE_OK)
		err = fail(run, PROBE_ERR_SYSTEM, "out of memory");
	free(order);
	free(view);
	for (size_t i = 0; i < n; i++)
		run->cases_run += results[i].status == PROBE_CASE_DONE;
	if (!opt->keep_dir)
		rm_dir(run->dir);
	return err;
}

int probe_harvest(const struct probe_options *opt, struct probe_run *run)
{
	const char *image_dir;
	char emu[PATH_MAX];
	int err;

	run_init(run, opt);
	err = prepare(opt, run, &image_dir, emu, sizeof(emu));
	if (err != PROBE_OK)
		return err;
	err = boot_once(NULL, 0, 0, opt, image_dir, emu, NULL, 0, run, NULL);
	/* no batch: the image says "BATCH bad no module", which is what a harvest expects */
	if (err == PROBE_ERR_BATCH)
		err = PROBE_OK;
	run->boot_seconds = run->seconds;
	if (err == PROBE_OK && !run->caps_valid)
		err = fail(run, PROBE_ERR_NOVMX, "the probe image reported no IA32_VMX_BASIC");
	if (!opt->keep_dir)
		rm_dir(run->dir);
	return err;
}

/* ---- the capsdb entry ---- */

static const struct {
	const char *model, *codename;
} bochs_codenames[] = {
    {"broadwell_ult", "Broadwell-U"},          {"core2_penryn_t9600", "Penryn"},
    {"core_duo_t2400_yonah", "Yonah"},         {"corei3_cnl", "Cannon Lake"},
    {"corei5_arrandale_m520", "Arrandale"},    {"corei5_lynnfield_750", "Lynnfield"},
    {"corei7_haswell_4770", "Haswell"},        {"corei7_icelake_u", "Ice Lake-U"},
    {"corei7_ivy_bridge_3770k", "Ivy Bridge"}, {"corei7_sandy_bridge_2600k", "Sandy Bridge"},
    {"corei7_skylake_x", "Skylake-X"},         {"tigerlake", "Tiger Lake"},
};

/* Whether the CPU implements an MSR, by its own capability bits (capsdb/FORMAT.md). */
static bool msr_implemented(const struct vmx_caps *c, unsigned id)
{
	uint64_t proc = c->msr[VMX_MSR_PROCBASED_CTLS], ctls2 = c->msr[VMX_MSR_PROCBASED_CTLS2];
	bool has2 = (proc >> 63) & 1;

	switch (id) {
	case VMX_MSR_PROCBASED_CTLS2:
		return has2;
	case VMX_MSR_EPT_VPID_CAP:
		return has2 && (((ctls2 >> 33) & 1) || ((ctls2 >> 37) & 1));
	case VMX_MSR_VMFUNC:
		return has2 && ((ctls2 >> 45) & 1);
	case VMX_MSR_TRUE_PINBASED_CTLS:
	case VMX_MSR_TRUE_PROCBASED_CTLS:
	case VMX_MSR_TRUE_EXIT_CTLS:
	case VMX_MSR_TRUE_ENTRY_CTLS:
		return (c->msr[VMX_MSR_BASIC] >> 55) & 1;
	case VMX_MSR_PROCBASED_CTLS3:
		return (proc >> 49) & 1;
	case VMX_MSR_EXIT_CTLS2:
		return (c->msr[VMX_MSR_EXIT_CTLS] >> 63) & 1;
	default:
		return true;
	}
}

static bool notes_open;

static void notes_begin(void)
{
	notes_open = false;
}

/* A notes: item, double-quoted (no entry needs an escape). */
static void note(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(FILE *out, const char *fmt, ...)
{
	va_list ap;

	if (!notes_open)
		fprintf(out, "notes:\n");
	notes_open = true;
	fprintf(out, "  - \"");
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fprintf(out, "\"\n");
}

static const char *msr_short(unsigned id)
{
	const char *n = vmx_msr_name((enum vmx_msr_id)id);

	return strncmp(n, "IA32_VMX_", 9) == 0 ? n + 9 : n;
}

/* Not implemented by the capability bits, and RDMSR read 0 (an emulator that ignores it). */
static bool absent_reading_zero(const struct probe_run *run, unsigned id)
{
	const struct vmx_caps *c = &run->caps;

	return c->msr_state[id] == VMX_MSR_PRESENT && !msr_implemented(c, id) &&
	       run->msr_read_zero[id];
}

/*
 * Not implemented, and RDMSR faulted: for the MSRs Bochs 2.7 has no RDMSR case for, which
 * the committed entries (read with Bochs's default ignore_bad_msrs=1) saw as 0; the importer,
 * capsdb/tools/import-sources.py, writes the same note for them.
 */
static bool absent_without_rdmsr_case(const struct probe_run *run, unsigned id)
{
	const struct vmx_caps *c = &run->caps;

	return (id == VMX_MSR_PROCBASED_CTLS3 || id == VMX_MSR_EXIT_CTLS2) &&
	       c->msr_state[id] == VMX_MSR_ABSENT && !msr_implemented(c, id);
}

/* The short names of the MSRs pick() selects, comma-separated; false when none. */
static bool msr_list(const struct probe_run *run, bool (*pick)(const struct probe_run *, unsigned),
                     char *buf, size_t size)
{
	size_t l = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < VMX_MSR__COUNT; i++)
		if (pick(run, i) && l < size)
			l += (size_t)snprintf(buf + l, size - l, "%s%s", l ? ", " : "",
			                      msr_short(i));
	return l > 0;
}

bool probe_caps_yaml(const struct probe_run *run, const struct probe_options *opt, FILE *out)
{
	const struct vmx_caps *c = &run->caps;
	const char *model = opt->bochs_model ? opt->bochs_model : PROBE_DEFAULT_BOCHS_MODEL;
	const char *codename = NULL;
	const struct vmx_cpuid_leaf *l1 = vmx_caps_cpuid(c, 1, 0);
	bool bochs = opt->emulator == PROBE_EMU_BOCHS;
	char names[256];

	if (!run->caps_valid)
		return false;
	/* the model as Bochs's cpudb spells it (the option may have another case) */
	for (size_t i = 0; i < sizeof(bochs_codenames) / sizeof(bochs_codenames[0]); i++)
		if (!strcasecmp(bochs_codenames[i].model, model)) {
			codename = bochs_codenames[i].codename;
			model = bochs_codenames[i].model;
		}
	if (bochs)
		fprintf(out,
		        "# capsdb entry (format: capsdb/FORMAT.md), harvested by vmx-probe under "
		        "Bochs\n"
		        "# (`vmcslint caps harvest --probe bochs:%s`).\n",
		        model);
	else
		fprintf(out,
		        "# capsdb entry (format: capsdb/FORMAT.md), harvested by vmx-probe under\n"
		        "# QEMU/KVM (`vmcslint caps harvest --probe qemu-kvm`).\n");
	fprintf(out, "name: %s\n", c->name);
	fprintf(out, "kind: %s\n", bochs ? "emulator" : "virtualized");
	if (strchr(run->vendor, ' '))
		fprintf(out, "vendor: \"%s\"\n", run->vendor);
	else
		fprintf(out, "vendor: %s\n", run->vendor[0] ? run->vendor : "GenuineIntel");
	if (l1 && (l1->known & 1)) {
		uint32_t eax = l1->reg[CPUID_EAX];
		unsigned fam = (eax >> 8) & 0xf, mod = (eax >> 4) & 0xf, step = eax & 0xf;

		if (fam == 6 || fam == 0xf)
			mod |= ((eax >> 16) & 0xf) << 4;
		if (fam == 0xf)
			fam += (eax >> 20) & 0xff;
		fprintf(out, "family: %u\nmodel: 0x%x\nstepping: %u\n", fam, mod, step);
	}
	if (bochs)
		fprintf(out, "codename: \"Bochs 2.7 %s (%s)\"\n", model,
		        codename ? codename : model);
	else
		fprintf(out, "codename: \"QEMU/KVM nested VMX (harvested)\"\n");
	fprintf(out, "completeness: complete\n");
	fprintf(out, "confidence: \"%s\"\n",
	        bochs ? "high (read from the emulator by a probe)"
	              : "virtualized (read by a probe under KVM)");
	fprintf(out, "source:\n  kind: %s\n", bochs ? "probe-emulator" : "live");
	if (bochs)
		fprintf(out,
		        "  description: \"read by a boot-sector probe under Debian 12's Bochs 2.7 "
		        "(package 2.7+dfsg-4), cpu: model=%s\"\n",
		        model);
	else
		fprintf(
		    out,
		    "  description: \"read by the vmx-probe image under QEMU/KVM (-cpu host)\"\n");
	fprintf(out, "msrs:\n");
	for (unsigned i = 0; i < VMX_MSR__COUNT; i++) {
		if (c->msr_state[i] != VMX_MSR_PRESENT || !msr_implemented(c, i))
			fprintf(out, "  %s: absent\n", vmx_msr_name((enum vmx_msr_id)i));
		else
			fprintf(out, "  %s: 0x%016llx\n", vmx_msr_name((enum vmx_msr_id)i),
			        (unsigned long long)c->msr[i]);
	}
	if (c->maxphyaddr)
		fprintf(out, "maxphyaddr: %u\n", c->maxphyaddr);
	fprintf(out, "cpuid:\n");
	for (int k = 0; k < CPUID_LEAF__COUNT; k++) {
		enum cpuid_leaf_id id = (enum cpuid_leaf_id)k;
		const struct vmx_cpuid_leaf *l =
		    vmx_caps_cpuid(c, vmx_cpuid_leaf(id), vmx_cpuid_subleaf(id));

		if (!l)
			continue;
		fprintf(out, "  \"%s\": {eax: 0x%08x, ebx: 0x%08x, ecx: 0x%08x, edx: 0x%08x}\n",
		        vmx_cpuid_key(id), l->reg[0], l->reg[1], l->reg[2], l->reg[3]);
	}
	notes_begin();
	for (unsigned i = 0; i < VMX_MSR__COUNT; i++)
		if (c->msr_state[i] == VMX_MSR_PRESENT && !msr_implemented(c, i) &&
		    !run->msr_read_zero[i])
			note(out,
			     "%s: the probe file gives 0x%016llx although capability bits say the "
			     "MSR is "
			     "not implemented; written as absent",
			     vmx_msr_name((enum vmx_msr_id)i), (unsigned long long)c->msr[i]);
	for (unsigned i = 0; i < VMX_MSR__COUNT; i++)
		if (c->msr_state[i] == VMX_MSR_ABSENT && msr_implemented(c, i))
			note(out,
			     "%s: RDMSR raised #GP although capability bits say implemented; "
			     "written as "
			     "absent",
			     vmx_msr_name((enum vmx_msr_id)i));
	if (bochs && msr_list(run, absent_without_rdmsr_case, names, sizeof(names)))
		note(out,
		     "%s: capability bits say not implemented, so absent (Bochs 2.7 has no RDMSR "
		     "case for them: #GP with ignore_bad_msrs=0, 0 with ignore_bad_msrs=1)",
		     names);
	if (msr_list(run, absent_reading_zero, names, sizeof(names)))
		note(
		    out,
		    "the probe file gives 0 for %s; capability bits say not implemented, so absent",
		    names);
	if (run->fc_known)
		note(out, "IA32_FEATURE_CONTROL (0x3a) reads 0x%llx",
		     (unsigned long long)run->feature_control);
	return true;
}
