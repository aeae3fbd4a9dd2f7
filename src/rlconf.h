/*
 * A routelet's configuration: the keys of its control channel.  The same
 * keys go into a local routelet's control socket and a Xen routelet's
 * xenstore directory, one key per node:
 *
 *   gen        generation, strictly increasing; acknowledged once applied
 *   op         swap | pop | push                              (RFC 3031)
 *   in-label   the one incoming label this routelet forwards
 *   out-label  label or stack "L1/L2/..", top first (swap and push)
 *   ttl-mode   uniform | pipe                                  (RFC 3443)
 *   nh-mac     next hop's MAC address
 *   src-mac    our MAC address on the output VIF
 *   out-vif    index n of the output VIF (ethn in the routelet)
 *   rate       transmit rate, bytes/s (0: no limit)
 *   burst      bucket depth, bytes
 *   qlen       output queue length, frames
 */
#ifndef Q_RLCONF_H
#define Q_RLCONF_H

#include <stddef.h>
#include <stdint.h>

#include "ether.h"

#define RLCONF_MAX_LABELS	4
#define RLCONF_MAX_VIFS		8
#define RLCONF_QLEN_MAX		1024
#define RLCONF_QLEN_DEFAULT	256

enum rl_op {
	RL_OP_NONE = 0,
	RL_OP_SWAP,	/* replace the top label by out-label(s) */
	RL_OP_POP,	/* remove the top label; PHP to IP at bottom of stack */
	RL_OP_PUSH,	/* keep the stack, put out-label(s) on top */
};

enum rl_ttl_mode {
	RL_TTL_UNIFORM = 0,	/* RFC 3443 s3.1: TTL carried across */
	RL_TTL_PIPE,		/* RFC 3443 s3.2/3.3: exposed header untouched */
};

struct rlconf {
	uint64_t	gen;
	enum rl_op	op;
	uint32_t	in_label;
	uint32_t	out_labels[RLCONF_MAX_LABELS];
	uint8_t		n_out;
	enum rl_ttl_mode ttl_mode;
	uint8_t		nh_mac[ETHER_ADDR_LEN];
	uint8_t		src_mac[ETHER_ADDR_LEN];
	uint16_t	out_vif;
	uint64_t	rate;
	uint64_t	burst;
	uint32_t	qlen;
	uint32_t	set;		/* RLCONF_K_* bits of the keys given */
};

enum rlconf_key {
	RLCONF_K_GEN, RLCONF_K_OP, RLCONF_K_IN_LABEL, RLCONF_K_OUT_LABEL,
	RLCONF_K_TTL_MODE, RLCONF_K_NH_MAC, RLCONF_K_SRC_MAC, RLCONF_K_OUT_VIF,
	RLCONF_K_RATE, RLCONF_K_BURST, RLCONF_K_QLEN,
	RLCONF_K_COUNT
};

extern const char *const rlconf_key_names[RLCONF_K_COUNT];

void		 rlconf_init(struct rlconf *c);

/* Sets one key from its text; on error writes why into err. */
int		 rlconf_set(struct rlconf *c, const char *key, const char *val,
		    char *err, size_t errlen);

/*
 * Parses "key=value" items, one or more per line separated by blanks, '#'
 * to the end of a line is a comment.  Starts from defaults; a key given
 * twice is an error.  Errors name the line and the key.  Validates the
 * result as a whole.
 */
int		 rlconf_parse(struct rlconf *c, const char *text, char *err,
		    size_t errlen);
int		 rlconf_load(struct rlconf *c, const char *path, char *err,
		    size_t errlen);

/*
 * Appends "key=value\n" to the text rlconf_parse reads, at *off in buf
 * (len bytes), for a transport that keeps each key apart (a Xen routelet's
 * xenstore nodes).  A value must stay one item of that text: a blank, '#',
 * '=' or control byte in it would read as another key, a comment or a
 * cut, so it is refused.  0, or -1 with why in err and buf as it was.
 */
int		 rlconf_text_add(char *buf, size_t len, size_t *off,
		    const char *key, const char *val, char *err,
		    size_t errlen);

/* Cross-key checks: what each operation needs. */
int		 rlconf_validate(const struct rlconf *c, char *err,
		    size_t errlen);

/* One "key=value" line per key that is set; returns the length or -1. */
int		 rlconf_format(const struct rlconf *c, char *buf, size_t len);

/* The value of one key as text, as rlconf_set takes it. */
int		 rlconf_get(const struct rlconf *c, enum rlconf_key k,
		    char *buf, size_t len);

const char	*rl_op_name(enum rl_op op);

#endif
