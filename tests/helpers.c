/*
 * helpers.c -- runs the CLI as a child process and collects what it prints.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

struct buf {
	char *p;
	size_t n, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

struct cli_result run_cli(const char *stdin_text, const char *const args[])
{
	const char *bin = getenv("VMCSLINT") ? getenv("VMCSLINT") : "build/vmcslint";
	const char *argv[64];
	size_t argc = 0;

	argv[argc++] = bin;
	while (args[argc - 1] && argc < 63) {
		argv[argc] = args[argc - 1];
		argc++;
	}
	argv[argc] = NULL;
	return run_argv(stdin_text, argv);
}

struct cli_result run_argv(const char *stdin_text, const char *const argv[])
{
	const char *bin = argv[0];
	int in[2], out[2], err[2], status = 0;
	struct buf o = {0}, e = {0};
	pid_t pid;

	buf_add(&o, "", 0);
	buf_add(&e, "", 0);
	if (pipe(in) || pipe(out) || pipe(err))
		abort();
	pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(in[1]);
		close(out[0]);
		close(err[0]);
		execvp(bin, (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	if (stdin_text) {
		size_t left = strlen(stdin_text);

		while (left) {
			ssize_t w = write(in[1], stdin_text, left);

			if (w <= 0)
				break;
			stdin_text += w;
			left -= (size_t)w;
		}
	}
	close(in[1]);
	for (;;) {
		struct pollfd p[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
		int open_fds = 0;
		char chunk[65536];

		for (int i = 0; i < 2; i++)
			open_fds += p[i].fd >= 0;
		if (!open_fds)
			break;
		if (poll(p, 2, -1) < 0)
			abort();
		for (int i = 0; i < 2; i++) {
			if (p[i].revents & (POLLIN | POLLHUP)) {
				ssize_t r = read(p[i].fd, chunk, sizeof(chunk));

				if (r <= 0) {
					close(p[i].fd);
					if (i == 0)
						out[0] = -1;
					else
						err[0] = -1;
				} else {
					buf_add(i == 0 ? &o : &e, chunk, (size_t)r);
				}
			}
		}
	}
	waitpid(pid, &status, 0);
	return (struct cli_result){WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
	                           o.p, e.p};
}

void cli_result_free(struct cli_result *r)
{
	free(r->out);
	free(r->err);
}

char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = {0};
	char chunk[65536];
	size_t n;

	if (!f)
		return NULL;
	buf_add(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	if (len)
		*len = b.n;
	return b.p;
}

size_t count_substr(const char *hay, const char *needle)
{
	size_t n = 0, l = strlen(needle);

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += l;
	}
	return n;
}

char *json_result(const char *out, int n)
{
	const char *p = out, *end;

	for (int i = 0; i <= n; i++) {
		p = strstr(p, "{\"file\": ");
		if (!p)
			return NULL;
		if (i < n)
			p++;
	}
	end = strstr(p + 1, "{\"file\": ");
	if (!end)
		end = p + strlen(p);
	return strndup(p, (size_t)(end - p));
}

bool have_program(const char *name)
{
	const char *path = getenv("PATH");
	char p[4096];

	for (const char *s = path ? path : "/usr/bin"; *s;) {
		const char *c = strchr(s, ':');
		size_t n = c ? (size_t)(c - s) : strlen(s);

		snprintf(p, sizeof(p), "%.*s/%s", (int)n, s, name);
		if (access(p, X_OK) == 0)
			return true;
		s += n + (c ? 1 : 0);
	}
	return false;
}
