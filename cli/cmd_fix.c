/*
 * cmd_fix.c -- `vmcslint fix`: applies the corrections that are the only safe one for their
 * check (cli/fixers.c), in place, keeping the file's comments and layout, then checks the
 * result.  A failure whose correction is a choice is listed, never touched.
 */
#define _GNU_SOURCE /* mkstemps */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capsdb_dir.h"
#include "checked.h"
#include "cli.h"
#include "fixers.h"
#include "opts.h"
#include "yaml_edit.h"
#include "ytree.h"

static const char fix_usage[] =
    "usage: vmcslint fix [--diff] [--caps NAME|FILE] [--capsdb DIR] FILE\n\n"
    "Corrects the failures of FILE that have exactly one safe correction -- the control and\n"
    "CR0/CR4 bits the processor requires or forbids, a usable segment's accessed bit, an\n"
    "unused VMCS link pointer (all ones), reserved bits -- by editing the values in place\n"
    "(comments and layout stay), then checks the file again.  A failure whose correction is\n"
    "a choice is listed, not touched.  --diff prints a unified diff instead of writing.\n\n"
    "exit status: as `vmcslint check` on the corrected file (--diff: on the diff's result)\n";

#define MAX_CHANGES 64

struct change {
	size_t field;
	uint64_t from, to;
	const char *rule, *what;
};

struct plan {
	struct change c[MAX_CHANGES];
	size_t n;
};

static struct change *change_of(struct plan *p, size_t field)
{
	for (size_t i = 0; i < p->n; i++) {
		if (p->c[i].field == field)
			return &p->c[i];
	}
	return NULL;
}

/*
 * Fixes on the loaded VMCS, one check at a time, each kept only if its check passes after it
 * (and re-planned after the others, since one correction may reveal the next).
 */
static void plan_fixes(const struct checked *c, struct plan *p)
{
	struct vmcs_state *v = malloc(sizeof(*v)), *t = malloc(sizeof(*t));
	struct check_report *rep = malloc(sizeof(*rep));
	bool progress = true;

	if (!v || !t || !rep)
		abort();
	*v = c->cfg.vmcs;
	p->n = 0;
	for (int round = 0; round < 8 && progress; round++) {
		struct check_input in = {v, &c->caps, &c->cfg.env};

		progress = false;
		check_run(&in, rep);
		for (size_t i = 0; i < rep->n_findings && p->n < MAX_CHANGES; i++) {
			const struct check_finding *f = &rep->findings[i];
			const struct check_rule *r = check_rule_at(f->rule);
			struct check_input tin = {t, &c->caps, &c->cfg.env};
			struct check_report *after;
			struct fix fx;
			struct change *ch;

			if (f->result != RULE_FAIL || !fixer_for(r->id, v, &c->caps, &fx))
				continue;
			*t = *v;
			t->value[fx.field] = fx.value;
			t->known[fx.field] = t->written[fx.field] = 1;
			after = malloc(sizeof(*after));
			if (!after)
				abort();
			check_run(&tin, after);
			if (check_report_result(after, f->rule) != RULE_FAIL) {
				ch = change_of(p, fx.field);
				if (!ch) {
					ch = &p->c[p->n++];
					ch->field = fx.field;
					ch->from = c->cfg.vmcs.value[fx.field];
				}
				ch->to = fx.value;
				ch->rule = r->id;
				ch->what = fx.what;
				*v = *t;
				progress = true;
			}
			free(after);
			if (progress)
				break; /* re-check from the corrected VMCS */
		}
	}
	free(rep);
	free(t);
	free(v);
}

/* The value node of field in the file's own vmcs: mapping, or NULL (not written there). */
static const struct ynode *value_node(const struct ynode *root, size_t field, bool *high_only)
{
	const struct ynode *vmcs = root ? ynode_get(root, "vmcs", NULL) : NULL;

	*high_only = false;
	if (!vmcs || vmcs->kind != YN_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < vmcs->n; i += 2) {
		const struct ynode *k = vmcs->items[i];
		const struct vmcs_field_info *f;
		bool high = false;

		if (k->kind != YN_SCALAR)
			continue;
		f = vmcs_field_by_name(k->value, k->len, &high);
		if (!f && k->value[0] == '0')
			f = vmcs_field_by_encoding((uint32_t)strtoul(k->value, NULL, 0), &high);
		if (!f || vmcs_field_index(f) != field)
			continue;
		if (high) {
			*high_only = true;
			continue;
		}
		return vmcs->items[i + 1];
	}
	return NULL;
}

/* Writes text to a new file beside path (so extends: resolves the same); returns its name. */
static char *write_beside(const char *path, const char *text, size_t len)
{
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
	char *tmp = malloc(dl + 40);
	int fd;
	FILE *f;

	if (!tmp)
		abort();
	snprintf(tmp, dl + 40, "%.*s.vmcslint-fix-XXXXXX.yaml", (int)dl, path);
	fd = mkstemps(tmp, 5);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		free(tmp);
		return NULL;
	}
	if (fwrite(text, 1, len, f) != len) {
		fclose(f);
		unlink(tmp);
		free(tmp);
		return NULL;
	}
	fclose(f);
	return tmp;
}

static int run_diff(const char *path, const char *tmp)
{
	char la[600], lb[600];
	pid_t pid;
	int st;

	snprintf(la, sizeof(la), "a/%s", path);
	snprintf(lb, sizeof(lb), "b/%s", path);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execlp("diff", "diff", "-u", "--label", la, "--label", lb, path, tmp, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The edits of the plan on the file's text; prints what is fixed and what is not. */
static size_t make_edits(const struct checked *c, const char *text, size_t len,
                         const struct ynode *root, const struct plan *p, struct edit_list *e)
{
	size_t done = 0;

	e->n = 0;
	e->new_vmcs = -1;
	for (size_t i = 0; i < p->n; i++) {
		const struct change *ch = &p->c[i];
		const struct vmcs_field_info *f = vmcs_field_at(ch->field);
		struct src_pos pos = c->cfg.field_pos[ch->field];
		bool high_only;
		const struct ynode *vn = value_node(root, ch->field, &high_only);
		char why[200] = "";
		bool ok;
		size_t before = e->n;

		if (high_only)
			ok =
			    (snprintf(why, sizeof(why), "written as %s_HIGH only", f->name), false);
		else if (vn)
			ok = yaml_edit_value(text, vn, f, ch->from, ch->to, e, why, sizeof(why));
		else
			ok = yaml_edit_add_field(text, len, root, f, ch->to, e, why, sizeof(why));
		if (!pos.file || !vn) {
			pos.file = c->path;
			pos.line = vn ? vn->line : 0;
			pos.col = vn ? vn->col : 0;
		}
		if (!ok) {
			e->n = before;
			if (e->new_vmcs >= (int)before)
				e->new_vmcs = -1;
			printf(
			    "%s:%u:%u: not fixed: [%s] %s = 0x%llx should be 0x%llx (%s), but %s\n",
			    pos.file, pos.line, pos.col, ch->rule, f->name,
			    (unsigned long long)ch->from, (unsigned long long)ch->to, ch->what,
			    why);
			continue;
		}
		done++;
		printf("%s:%u:%u: fixed: [%s] %s 0x%llx -> 0x%llx: %s%s\n", pos.file, pos.line,
		       pos.col, ch->rule, f->name, (unsigned long long)ch->from,
		       (unsigned long long)ch->to, ch->what,
		       vn ? "" : " (added to this file's vmcs:)");
	}
	return done;
}

/*
 * The failures the corrections leave: listed at their places in the original file (the
 * check of the corrected copy knows only the copy's name).
 */
static void list_choices(const struct checked *before, const struct check_report *after)
{
	const struct check_report *r = before->report;

	for (size_t i = 0; i < r->n_findings; i++) {
		const struct check_finding *f = &r->findings[i];
		const struct check_rule *rule = check_rule_at(f->rule);
		struct src_pos pos = finding_pos(before, f);

		if (f->result != RULE_FAIL || rule->cls == CHECK_CLASS_VMWRITE ||
		    check_report_result(after, f->rule) != RULE_FAIL)
			continue;
		printf("%s:%u:%u: not fixed: [%s] its correction is a choice%s%s\n", pos.file,
		       pos.line, pos.col, rule->id, f->hint[0] ? ": " : "", f->hint);
	}
}

static int fix_file(const char *path, const char *caps, bool diff)
{
	struct checked c, after;
	struct ytree_error yerr;
	struct ytree *tree;
	struct edit_list *edits = malloc(sizeof(*edits));
	struct plan *plan = malloc(sizeof(*plan));
	/* the reports of the file before and after the fix */
	struct check_report *reports = malloc(2 * sizeof(*reports));
	char err[512] = "", *text, *fixed = NULL, *tmp = NULL;
	size_t len, flen = 0, done;
	int status;

	if (!edits || !plan || !reports)
		abort();
	if (!checked_run(&c, &reports[0], path, caps, err, sizeof(err))) {
		if (err[0])
			load_diags_add_error(&c.diags, err);
		print_load_diags(stderr, &c.diags, path);
		checked_release(&c);
		free(edits), free(plan), free(reports);
		return CLI_EXIT_USAGE;
	}
	print_load_diags(stderr, &c.diags, path);
	text = ytree_read_file(path, YTREE_MAX_FILE_BYTES, &len, &yerr);
	tree = text ? ytree_parse(text, len, &yerr) : NULL;
	if (!tree) {
		fprintf(stderr, "%s:%u:%u: error: %s\n", path, yerr.line, yerr.col, yerr.msg);
		free(text), checked_release(&c), free(edits), free(plan), free(reports);
		return CLI_EXIT_USAGE;
	}
	plan_fixes(&c, plan);
	done = make_edits(&c, text, len, ytree_root(tree), plan, edits);
	if (done)
		fixed = yaml_apply_edits(text, len, edits, &flen);
	tmp = write_beside(path, fixed ? fixed : text, fixed ? flen : len);
	if (!tmp) {
		cli_error("fix: cannot write beside %s", path);
		status = CLI_EXIT_USAGE;
		goto out;
	}
	if (!checked_run(&after, &reports[1], tmp, caps, err, sizeof(err))) {
		/* a correction must never make the file unloadable: keep the original */
		print_load_diags(stderr, &after.diags, tmp);
		cli_error("fix: the corrected file does not load; %s is unchanged", path);
		checked_release(&after);
		unlink(tmp);
		status = CLI_EXIT_USAGE;
		goto out;
	}
	list_choices(&c, after.report);
	if (diff) {
		if (done && run_diff(path, tmp) < 0)
			cli_warning("fix: cannot run diff(1)");
		unlink(tmp);
	} else if (done) {
		struct stat st;

		if (stat(path, &st) == 0)
			chmod(tmp, st.st_mode & 07777);
		if (rename(tmp, path) != 0) {
			unlink(tmp);
			checked_release(&after);
			status = cli_error("fix: cannot replace %s", path);
			goto out;
		}
	} else {
		unlink(tmp);
	}
	{
		char buf[320];

		outcome_text(buf, sizeof(buf), &after.report->prediction);
		printf("%s: %s%zu fixed; prediction%s: %s%s%s%s\n", path,
		       diff && done ? "with the diff applied, " : "", done,
		       done ? " after the fix" : "", buf,
		       after.report->deciding_rule >= 0 ? " [" : "",
		       after.report->deciding_rule >= 0
		           ? check_rule_at((size_t)after.report->deciding_rule)->id
		           : "",
		       after.report->deciding_rule >= 0 ? "]" : "");
	}
	status = after.report->prediction.kind == OUTCOME_SUCCESS ? CLI_EXIT_OK : CLI_EXIT_FINDINGS;
	checked_release(&after);
out:
	free(tmp);
	free(fixed);
	ytree_free(tree);
	free(text);
	checked_release(&c);
	free(edits);
	free(plan);
	free(reports);
	return status;
}

enum { O_DIFF, O_CAPS, O_CAPSDB, O_HELP };

static const struct cli_option fix_options[] = {
    {"diff", 0, false}, {"caps", 0, true}, {"capsdb", 0, true}, {"help", 'h', false}, {0}};

int cmd_fix(int argc, char **argv)
{
	struct cli_args a;
	int rc;

	if (!cli_parse(argc, argv, fix_options, "fix", &a))
		return CLI_EXIT_USAGE;
	if (cli_has(&a, O_CAPSDB))
		capsdb_set_dir(a.value[O_CAPSDB]);
	if (cli_has(&a, O_HELP)) {
		fputs(fix_usage, stdout);
		rc = CLI_EXIT_OK;
	} else if (a.n_operand != 1) {
		fputs(fix_usage, stderr);
		rc = CLI_EXIT_USAGE;
	} else {
		rc = fix_file(a.operand[0], a.value[O_CAPS], cli_has(&a, O_DIFF));
	}
	cli_args_release(&a);
	return rc;
}
