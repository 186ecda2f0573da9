/*
 * ytree.h -- a YAML document read with libyaml's event API into a small tree that keeps every
 * node's line and column, with limits against hostile input (file size, nesting depth, node
 * count, alias expansion, one document per file).
 */
#ifndef YTREE_H
#define YTREE_H

#include <stdbool.h>
#include <stddef.h>

enum ynode_kind { YN_SCALAR, YN_SEQ, YN_MAP };

struct ynode {
	enum ynode_kind kind;
	unsigned line, col; /* 1-based position of the node's start */
	size_t start, end;  /* byte offsets of the node's text in the file: [start, end) */
	bool flow;          /* a flow collection ([...] or {...}), not a block one */
	const char *value;  /* scalar text, NUL-terminated */
	size_t len;         /* scalar length */
	bool plain;         /* plain (unquoted) scalar: may be a number, bool or null */
	size_t n;           /* items of a sequence; 2 * pairs of a mapping (key, value, ...) */
	struct ynode **items;
	size_t weight; /* nodes in this subtree, aliases counted expanded */
};

/* Limits; exceeding one is an error naming the limit. */
#define YTREE_MAX_FILE_BYTES (4u << 20)
#define YTREE_MAX_DEPTH      64
#define YTREE_MAX_NODES      200000
#define YTREE_MAX_EXPANDED   200000 /* nodes counted through aliases */

struct ytree_error {
	unsigned line, col; /* 1-based; 0 when the error has no position */
	char msg[256];
};

struct ytree;

/*
 * Parses text[0..len) (a whole file).  Returns a tree, or NULL with *err filled.  An empty
 * document gives a tree whose root is NULL.
 */
struct ytree *ytree_parse(const char *text, size_t len, struct ytree_error *err);
/* Reads path (at most YTREE_MAX_FILE_BYTES) and parses it. */
struct ytree *ytree_load_file(const char *path, struct ytree_error *err);
struct ynode *ytree_root(const struct ytree *t);
void ytree_free(struct ytree *t);

/* Whole-file read with a size cap: returns a heap buffer (NUL-terminated) or NULL with err. */
char *ytree_read_file(const char *path, size_t max, size_t *len, struct ytree_error *err);

/* Scalar helpers. */
bool ynode_is_null(const struct ynode *n);
/* The value for key in a mapping, or NULL; *key_node (may be NULL) gets the key node. */
struct ynode *ynode_get(const struct ynode *map, const char *key, struct ynode **key_node);

#endif /* YTREE_H */
