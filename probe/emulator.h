/*
 * emulator.h -- the emulators that boot the vmx-probe image: how each is configured and
 * started for one boot (bochs.c, qemu.c).
 */
#ifndef PROBE_EMULATOR_H
#define PROBE_EMULATOR_H

#include <stdbool.h>
#include <stddef.h>

#include "probe.h"

/* Room for a path of the run (Linux PATH_MAX, which -std=c11 alone does not define). */
#define PROBE_PATH_MAX 4096

/* The command of one boot: argv and the files it names. */
struct probe_command {
	const char *argv[48];
	char rc[PROBE_PATH_MAX];     /* Bochs: its configuration */
	char cmds[PROBE_PATH_MAX];   /* Bochs: its debugger's commands */
	char kernel[PROBE_PATH_MAX]; /* QEMU: the multiboot image */
};

/*
 * The QEMU/KVM command line (argv, NULL-terminated, at most max entries) booting kernel
 * (vmx-probe.elf) with the batch as multiboot module initrd (may be NULL), with two
 * processors (the second is the image's watchdog when a batch asks for it).  Returns the
 * number of arguments, or -1 when max is too small.  The strings are static or the
 * arguments.
 */
int probe_qemu_argv(const struct probe_options *opt, const char *kernel, const char *initrd,
                    const char **argv, size_t max);

/* QEMU's command of a boot, emu its binary, batch the batch file or NULL.  false: too long. */
bool probe_qemu_command(const struct probe_options *opt, const char *image_dir, const char *emu,
                        const char *batch, struct probe_command *cmd);

/*
 * The bochsrc text for a boot with cpus processors (2 when the batch asks for the watchdog);
 * batch may be NULL.  Returns the length or -1 when too long.
 */
int probe_bochsrc(const struct probe_options *opt, const char *image_dir, const char *batch,
                  size_t batch_size, unsigned cpus, const char *log, char *buf, size_t size);

/* The size of the disk holding a batch of batch_size bytes: whole cylinders, as Bochs wants. */
size_t probe_bochs_disk_size(size_t batch_size);

/*
 * Bochs's command of a boot: writes its configuration and debugger commands into dir.  false
 * when they cannot be written.
 */
bool probe_bochs_command(const struct probe_options *opt, const char *image_dir, const char *emu,
                         const char *dir, const char *batch, size_t batch_size, unsigned cpus,
                         const char *log, struct probe_command *cmd);

#endif /* PROBE_EMULATOR_H */
