/*
 * run.c -- a probe run: the boots of the cases (a case in which the image loses control is
 * lost and the rest runs again in a new boot), the boot with no case that harvests the
 * capabilities, and the errors of both.
 */
#define _DEFAULT_SOURCE /* truncate */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../vmx-probe/protocol.h"
#include "batch.h"
#include "emulator.h"
#include "host.h"
#include "results.h"
#include "schedule.h"

#define DEFAULT_CASES_PER_BOOT 5000u
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

/* Why a boot printed no BEGIN line, from the emulator's stderr (errp) and output. */
static int boot_failure(struct probe_run *run, const char *errp, const struct probe_child_out *co,
                        const char *emu, double timeout)
{
	char *se = probe_read_small(errp);
	int err = PROBE_ERR_BOOT;

	if (se && strstr(se, "display library 'term' not available"))
		err = probe_fail(run, PROBE_ERR_EMULATOR_MISSING,
		                 "Bochs has no 'term' display plugin: install the Debian package "
		                 "bochs-term");
	else if (co->timed_out && co->len == 0)
		err = probe_fail(run, PROBE_ERR_TIMEOUT, "%s printed nothing in %.0f s", emu,
		                 timeout);
	else if (se && se[0])
		snprintf(run->error, sizeof(run->error),
		         "the probe image failed to boot under %s: %.300s", emu, se);
	free(se);
	return err;
}

/* One boot with cases [first, first + count); 0 cases: harvest only. */
static int boot_once(const struct probe_case *cases, size_t first, size_t count,
                     const struct probe_options *opt, const char *image_dir, const char *emu,
                     struct probe_result *results, size_t n, struct probe_run *run, long *last)
{
	char batch[PATH_MAX], log[PATH_MAX], errp[PATH_MAX];
	struct probe_command cmd;
	size_t blob_len = 0;
	struct probe_child_out co;
	double t0, timeout;
	bool watchdog = false, ok;
	int err;

	snprintf(batch, sizeof(batch), "%s/batch.img", run->dir);
	snprintf(log, sizeof(log), "%s/bochs-%zu.log", run->dir, run->boots + 1);
	snprintf(errp, sizeof(errp), "%s/stderr.txt", run->dir);
	if (count) {
		uint8_t *blob = probe_encode_batch(cases, first, count, opt, &blob_len);

		watchdog = blob && (((const struct vmxp_batch *)blob)->flags & VMXP_BATCH_WATCHDOG);
		ok = blob && probe_write_file(batch, blob, blob_len);
		/* Bochs: a flat disk of whole cylinders; QEMU: the multiboot module as is */
		if (ok && opt->emulator == PROBE_EMU_BOCHS)
			ok = truncate(batch, (off_t)probe_bochs_disk_size(blob_len)) == 0;
		free(blob);
		if (!ok)
			return probe_fail(run, PROBE_ERR_SYSTEM, "cannot write the batch %s",
			                  batch);
	}
	/* the second processor is the image's watchdog, and costs time: only when asked */
	if (opt->emulator == PROBE_EMU_QEMU_KVM) {
		if (!probe_qemu_command(opt, image_dir, emu, count ? batch : NULL, &cmd))
			return probe_fail(run, PROBE_ERR_SYSTEM, "QEMU command line too long");
	} else if (!probe_bochs_command(opt, image_dir, emu, run->dir, count ? batch : NULL,
	                                blob_len, watchdog ? 2 : 1, log, &cmd)) {
		return probe_fail(run, PROBE_ERR_SYSTEM, "cannot write %s", cmd.rc);
	}
	timeout = opt->timeout_s > 0 ? opt->timeout_s : 20.0 + 0.02 * (double)count;
	t0 = probe_now();
	if (probe_child_run(cmd.argv, run->dir, errp, timeout,
	                    opt->idle_timeout_s > 0 ? opt->idle_timeout_s : 2.0, &co) != 0) {
		free(co.buf);
		return probe_fail(run, PROBE_ERR_SYSTEM, "cannot run %s: %s", emu, strerror(errno));
	}
	run->seconds += probe_now() - t0;
	run->boots++;
	if (opt->keep_dir) {
		char outp[PATH_MAX];

		snprintf(outp, sizeof(outp), "%s/stdout-%zu.txt", run->dir, run->boots);
		probe_write_file(outp, co.buf, co.len);
	}
	err = probe_parse_output(co.buf, co.len, cases, n, results, run, last);
	if (err == PROBE_ERR_BOOT)
		err = boot_failure(run, errp, &co, emu, timeout);
	free(co.buf);
	return err;
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
				probe_result_init(&results[k], &cases[k]);
			results[k].status = PROBE_CASE_LOST;
			results[k].observed.kind = OUTCOME_UNDECIDED;
			run->cases_lost++;
			if (++extra > MAX_EXTRA_BOOTS) {
				err = probe_fail(
				    run, PROBE_ERR_TIMEOUT,
				    "the probe image lost control in too many cases (%zu)", extra);
				break;
			}
		}
		while (k < n && results[k].status != PROBE_CASE_NOT_RUN)
			k++;
		next = k;
	} while (next < n);
	return err;
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
	err = probe_prepare(opt, run, &image_dir, emu, sizeof(emu));
	if (err != PROBE_OK || n == 0) {
		if (err == PROBE_OK && !opt->keep_dir)
			probe_rm_dir(run->dir);
		return err;
	}
	if (probe_watchdog_boots_apart(cases, n, opt)) {
		order = probe_watchdog_last(cases, n, &split);
		view = order ? malloc(n * sizeof(*view)) : NULL;
		for (size_t i = 0; view && i < n; i++)
			view[i] = cases[order[i]];
	}
	if (order && !view)
		err = probe_fail(run, PROBE_ERR_SYSTEM, "out of memory");
	else
		err = run_boots(view ? view : cases, n, split, opt, image_dir, emu, results, run);
	if (view && !probe_unpermute(results, order, n) && err == PROBE_OK)
		err = probe_fail(run, PROBE_ERR_SYSTEM, "out of memory");
	free(order);
	free(view);
	for (size_t i = 0; i < n; i++)
		run->cases_run += results[i].status == PROBE_CASE_DONE;
	if (!opt->keep_dir)
		probe_rm_dir(run->dir);
	return err;
}

int probe_harvest(const struct probe_options *opt, struct probe_run *run)
{
	const char *image_dir;
	char emu[PATH_MAX];
	int err;

	run_init(run, opt);
	err = probe_prepare(opt, run, &image_dir, emu, sizeof(emu));
	if (err != PROBE_OK)
		return err;
	err = boot_once(NULL, 0, 0, opt, image_dir, emu, NULL, 0, run, NULL);
	/* no batch: the image says "BATCH bad no module", which is what a harvest expects */
	if (err == PROBE_ERR_BATCH)
		err = PROBE_OK;
	run->boot_seconds = run->seconds;
	if (err == PROBE_OK && !run->caps_valid)
		err =
		    probe_fail(run, PROBE_ERR_NOVMX, "the probe image reported no IA32_VMX_BASIC");
	if (!opt->keep_dir)
		probe_rm_dir(run->dir);
	return err;
}
