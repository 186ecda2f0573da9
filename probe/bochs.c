/*
 * bochs.c -- Bochs boots the image without a BIOS: the system ROM of vmx-probe
 * (bochs-rom.bin) jumps to the image that optramimage1 loads, which reads the batch from an
 * ATA disk (optramimage holds at most 128 KiB); the report comes on port 0xE9.
 */
#define _DEFAULT_SOURCE /* PATH_MAX */
#include <limits.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>

#include "../vmx-probe/protocol.h"
#include "emulator.h"
#include "host.h"

/* The batch disk's geometry: 16 heads, 63 sectors per track, whole cylinders. */
#define DISK_CYL_BYTES (16u * 63u * 512u)

static size_t disk_cylinders(size_t batch_size)
{
	return (batch_size + DISK_CYL_BYTES - 1) / DISK_CYL_BYTES;
}

size_t probe_bochs_disk_size(size_t batch_size)
{
	return disk_cylinders(batch_size) * DISK_CYL_BYTES;
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
		if (k > 1 && access(part, R_OK) != 0)
			break;
		if (k == 1 && access(part, R_OK) != 0)
			snprintf(part, sizeof(part), "%s/vmx-probe.bin", image_dir);
		off += (size_t)snprintf(parts + off, sizeof(parts) - off,
		                        "optramimage%u: file=\"%s\", address=0x%x\n", k, part,
		                        VMXP_IMAGE_ADDR + (k - 1) * 0x20000u);
	}
	n = snprintf(buf, size,
	             "# vmx-probe under Bochs (written by vmcslint, probe/bochs.c)\n"
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

bool probe_bochs_command(const struct probe_options *opt, const char *image_dir, const char *emu,
                         const char *dir, const char *batch, size_t batch_size, unsigned cpus,
                         const char *log, struct probe_command *cmd)
{
	/* the debugger stops at each reset (the image recovers from one): go on each time */
	static const char cont[] = "c\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\n"
	                           "c\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\nc\n";
	char text[8192];

	snprintf(cmd->rc, sizeof(cmd->rc), "%s/bochsrc", dir);
	snprintf(cmd->cmds, sizeof(cmd->cmds), "%s/cmds", dir);
	if (probe_bochsrc(opt, image_dir, batch, batch_size, cpus, log, text, sizeof(text)) < 0 ||
	    !probe_write_file(cmd->rc, text, strlen(text)) ||
	    !probe_write_file(cmd->cmds, cont, strlen(cont)))
		return false;
	cmd->argv[0] = emu;
	cmd->argv[1] = "-q";
	cmd->argv[2] = "-f";
	cmd->argv[3] = cmd->rc;
	cmd->argv[4] = "-rc";
	cmd->argv[5] = cmd->cmds;
	cmd->argv[6] = "-unlock";
	cmd->argv[7] = NULL;
	return true;
}
