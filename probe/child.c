/*
 * child.c -- the emulator as a child process: its own process group (so that what it starts
 * dies with it), its standard output collected, and two clocks that end it: the boot's
 * deadline, and silence once the image has begun its cases (the image is stuck in one).
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../vmx-probe/protocol.h"
#include "host.h"

double probe_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int probe_child_run(const char *const argv[], const char *dir, const char *err_path, double timeout,
                    double idle, struct probe_child_out *co)
{
	double last_output = 0;
	int fds[2];
	pid_t pid;
	double deadline = probe_now() + timeout;
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
		double left = deadline - probe_now();
		ssize_t r;

		/* stuck: nothing for idle seconds once the image has printed something */
		if (last_output > 0 && probe_now() - last_output > idle && left > 0)
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
			last_output = probe_now();
	}
	close(fds[0]);
	if (!co->timed_out)
		kill(-pid, SIGKILL); /* what the emulator left behind */
	waitpid(pid, &co->status, 0);
	co->buf[co->len] = '\0';
	return 0;
}
