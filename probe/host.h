/*
 * host.h -- the plumbing of a probe run on the host: finding the image and the emulator
 * (locate.c), the files of the run's temporary directory (files.c), the emulator as a child
 * process with timeouts (child.c).
 */
#ifndef PROBE_HOST_H
#define PROBE_HOST_H

#include <stdbool.h>
#include <stddef.h>

#include "probe.h"

/* Writes the reason into run->error and returns err, so callers can `return probe_fail(...)`. */
int probe_fail(struct probe_run *run, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Finds the image (opt->image_dir or probe_image_dir()) into *image_dir and the emulator's
 * binary into emu, checks /dev/kvm for QEMU/KVM, and creates the run's temporary directory
 * (run->dir).  Returns PROBE_OK or the error, with run->error set.
 */
int probe_prepare(const struct probe_options *opt, struct probe_run *run, const char **image_dir,
                  char *emu, size_t emusize);

bool probe_write_file(const char *path, const void *data, size_t len);
/* The first 64 KiB of a file, NUL-terminated (malloc'ed), or NULL. */
char *probe_read_small(const char *path);
/* Removes the run's temporary directory and the files in it. */
void probe_rm_dir(const char *dir);

/* Seconds on the monotonic clock. */
double probe_now(void);

/* What the emulator printed on its standard output, and how it ended. */
struct probe_child_out {
	char *buf; /* malloc'ed, NUL-terminated */
	size_t len;
	int status; /* waitpid() status */
	bool timed_out;
};

/*
 * Runs argv (argv[0] a path) in dir, stdin /dev/null, stderr to err_path, and collects its
 * stdout.  Kills its whole process group after timeout seconds, or after idle seconds with no
 * output once the image has reported its batch (it is stuck in a case).  Returns 0, or -1
 * when it cannot start (co->buf may be allocated either way: free it).
 */
int probe_child_run(const char *const argv[], const char *dir, const char *err_path, double timeout,
                    double idle, struct probe_child_out *co);

#endif /* PROBE_HOST_H */
