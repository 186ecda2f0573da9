/*
 * yaml_edit.h -- changing a field's value in a configuration's text in place: only the bytes
 * of the value change, in the form it was written (a number in its base, a named value, a
 * list of bit names, a mapping of bit fields), so comments and layout stay.
 */
#ifndef CLI_YAML_EDIT_H
#define CLI_YAML_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmcslint.h"
#include "ytree.h"

#define EDIT_TEXT_MAX 512

struct text_edit {
	size_t start, end; /* replace bytes [start, end) of the text (end == start: insert) */
	char text[EDIT_TEXT_MAX];
};

#define EDIT_MAX 128

struct edit_list {
	struct text_edit e[EDIT_MAX];
	size_t n;
	int new_vmcs; /* the edit that adds a vmcs: section, or -1 (set n = 0, new_vmcs = -1) */
};

/*
 * Edits that make value node vn (of field f, now old) say value.  False with why when the
 * form cannot say it (a block list, a bit no name covers).
 */
bool yaml_edit_value(const char *text, const struct ynode *vn, const struct vmcs_field_info *f,
                     uint64_t old, uint64_t value, struct edit_list *out, char *why, size_t whylen);

/*
 * Edits that add "NAME: value" to the vmcs: mapping of the document (root), or a vmcs:
 * section when the file has none.
 */
bool yaml_edit_add_field(const char *text, size_t len, const struct ynode *root,
                         const struct vmcs_field_info *f, uint64_t value, struct edit_list *out,
                         char *why, size_t whylen);

/* text with the edits applied (they must not overlap): a heap string. */
char *yaml_apply_edits(const char *text, size_t len, const struct edit_list *edits,
                       size_t *out_len);

#endif /* CLI_YAML_EDIT_H */
