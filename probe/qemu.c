/*
 * qemu.c -- QEMU/KVM boots the image with -kernel (multiboot) and the batch as its module, on
 * an Intel host with nested VMX; the report comes on the debug console (port 0xE9).
 */
#include <stdio.h>

#include "../vmx-probe/protocol.h"
#include "emulator.h"

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
	    {"-append", VMXP_CMDLINE_CONSOLE_E9},
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

bool probe_qemu_command(const struct probe_options *opt, const char *image_dir, const char *emu,
                        const char *batch, struct probe_command *cmd)
{
	snprintf(cmd->kernel, sizeof(cmd->kernel), "%s/vmx-probe.elf", image_dir);
	if (probe_qemu_argv(opt, cmd->kernel, batch, cmd->argv,
	                    sizeof(cmd->argv) / sizeof(cmd->argv[0])) < 0)
		return false;
	cmd->argv[0] = emu;
	return true;
}
