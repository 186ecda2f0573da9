/*
 * locate.c -- where a probe run finds what it needs: the image (vmx-probe.elf/.bin and the
 * Bochs ROM), the emulator's binary, /dev/kvm, and a temporary directory of its own.
 */
#define _DEFAULT_SOURCE /* realpath, mkdtemp */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"

int probe_fail(struct probe_run *run, int err, const char *fmt, ...)
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

int probe_prepare(const struct probe_options *opt, struct probe_run *run, const char **image_dir,
                  char *emu, size_t emusize)
{
	const char *prog;
	char p[PATH_MAX];

	*image_dir = opt->image_dir ? opt->image_dir : probe_image_dir();
	if (!*image_dir)
		return probe_fail(run, PROBE_ERR_IMAGE_MISSING,
		                  "the vmx-probe image is not built: run `make probe` (or set "
		                  "VMCSLINT_PROBE_DIR)");
	snprintf(p, sizeof(p), "%s/%s", *image_dir,
	         opt->emulator == PROBE_EMU_QEMU_KVM ? "vmx-probe.elf" : "bochs-rom.bin");
	if (!is_file(p))
		return probe_fail(run, PROBE_ERR_IMAGE_MISSING, "%s is missing: run `make probe`",
		                  p);
	if (opt->emulator == PROBE_EMU_QEMU_KVM) {
		prog = opt->qemu ? opt->qemu : "qemu-system-x86_64";
		if (!find_program(prog, emu, emusize))
			return probe_fail(run, PROBE_ERR_EMULATOR_MISSING,
			                  "%s not found (Debian: apt-get install qemu-system-x86)",
			                  prog);
		if (access("/dev/kvm", R_OK | W_OK) != 0)
			return probe_fail(
			    run, PROBE_ERR_KVM_MISSING,
			    "/dev/kvm is not usable here: qemu-kvm needs an Intel host with KVM "
			    "and nested VMX");
	} else {
		prog = opt->bochs ? opt->bochs : "bochs";
		if (!find_program(prog, emu, emusize))
			return probe_fail(
			    run, PROBE_ERR_EMULATOR_MISSING,
			    "%s not found (Debian: apt-get install bochs bochsbios vgabios "
			    "bochs-term)",
			    prog);
	}
	snprintf(run->dir, sizeof(run->dir), "%s/vmcslint-probe-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(run->dir))
		return probe_fail(run, PROBE_ERR_SYSTEM, "mkdtemp %s: %s", run->dir,
		                  strerror(errno));
	return PROBE_OK;
}
