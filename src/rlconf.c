#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpls.h"
#include "rlconf.h"
#include "tbf.h"

const char *const rlconf_key_names[RLCONF_K_COUNT] = {
	[RLCONF_K_GEN] = "gen",
	[RLCONF_K_OP] = "op",
	[RLCONF_K_IN_LABEL] = "in-label",
	[RLCONF_K_OUT_LABEL] = "out-label",
	[RLCONF_K_TTL_MODE] = "ttl-mode",
	[RLCONF_K_NH_MAC] = "nh-mac",
	[RLCONF_K_SRC_MAC] = "src-mac",
	[RLCONF_K_OUT_VIF] = "out-vif",
	[RLCONF_K_RATE] = "rate",
	[RLCONF_K_BURST] = "burst",
	[RLCONF_K_QLEN] = "qlen",
};

static const char *const rl_op_names[] = {
	[RL_OP_NONE] = "none",
	[RL_OP_SWAP] = "swap",
	[RL_OP_POP] = "pop",
	[RL_OP_PUSH] = "push",
};

static int seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

const char *
rl_op_name(enum rl_op op)
{
	if ((unsigned)op >= sizeof(rl_op_names) / sizeof(rl_op_names[0]))
		return "?";
	return rl_op_names[op];
}

void
rlconf_init(struct rlconf *c)
{
	memset(c, 0, sizeof(*c));
	c->qlen = RLCONF_QLEN_DEFAULT;
}

/* Whole-string unsigned decimal, no sign, no blanks, at most max. */
static int
parse_u64(const char *s, uint64_t max, uint64_t *v_r)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*v_r = v;
	return 0;
}

static int
key_lookup(const char *key)
{
	int k;

	for (k = 0; k < RLCONF_K_COUNT; k++)
		if (strcmp(key, rlconf_key_names[k]) == 0)
			return k;
	return -1;
}

int
rlconf_set(struct rlconf *c, const char *key, const char *val, char *err,
    size_t errlen)
{
	uint64_t v;
	int k, n;

	if ((k = key_lookup(key)) < 0)
		return seterr(err, errlen, "unknown key '%s'", key);

	switch (k) {
	case RLCONF_K_GEN:
		if (parse_u64(val, UINT64_MAX, &v) == -1 || v == 0)
			return seterr(err, errlen,
			    "gen: '%s' is not a generation (1 and up)", val);
		c->gen = v;
		break;
	case RLCONF_K_OP:
		if (strcmp(val, "swap") == 0)
			c->op = RL_OP_SWAP;
		else if (strcmp(val, "pop") == 0)
			c->op = RL_OP_POP;
		else if (strcmp(val, "push") == 0)
			c->op = RL_OP_PUSH;
		else
			return seterr(err, errlen,
			    "op: '%s' is not swap, pop or push", val);
		break;
	case RLCONF_K_IN_LABEL:
		if (parse_u64(val, UINT32_MAX, &v) == -1 || v > MPLS_LABEL_MAX)
			return seterr(err, errlen,
			    "in-label: '%s' is not a label (16-1048575)", val);
		if (mpls_label_reserved((uint32_t)v))
			return seterr(err, errlen,
			    "in-label: %s is reserved (%s)", val,
			    mpls_label_name((uint32_t)v) ?
			    mpls_label_name((uint32_t)v) : "RFC 3032");
		c->in_label = (uint32_t)v;
		break;
	case RLCONF_K_OUT_LABEL: {
		/*
		 * mpls_stack_parse stores labels as it goes: parse aside, so
		 * a stack that fails half-way leaves the current one whole.
		 */
		uint32_t labels[RLCONF_MAX_LABELS];

		if (strcmp(val, "3") == 0)
			return seterr(err, errlen, "out-label: 3 (Implicit "
			    "NULL) never goes on the wire: use op=pop");
		n = mpls_stack_parse(val, labels, RLCONF_MAX_LABELS);
		if (n < 0)
			return seterr(err, errlen, "out-label: '%s' is not a "
			    "stack of 1-%d labels, each 0, 2 or 16-1048575",
			    val, RLCONF_MAX_LABELS);
		memcpy(c->out_labels, labels, (size_t)n * sizeof(labels[0]));
		c->n_out = (uint8_t)n;
		break;
	}
	case RLCONF_K_TTL_MODE:
		if (strcmp(val, "uniform") == 0)
			c->ttl_mode = RL_TTL_UNIFORM;
		else if (strcmp(val, "pipe") == 0)
			c->ttl_mode = RL_TTL_PIPE;
		else
			return seterr(err, errlen,
			    "ttl-mode: '%s' is not uniform or pipe", val);
		break;
	case RLCONF_K_NH_MAC:
	case RLCONF_K_SRC_MAC: {
		uint8_t mac[ETHER_ADDR_LEN];

		if (ether_addr_parse(val, mac) == -1)
			return seterr(err, errlen, "%s: '%s' is not a MAC "
			    "address", key, val);
		if (!ether_addr_is_unicast(mac) || ether_addr_is_zero(mac))
			return seterr(err, errlen, "%s: %s is not a unicast "
			    "address", key, val);
		memcpy(k == RLCONF_K_NH_MAC ? c->nh_mac : c->src_mac, mac,
		    ETHER_ADDR_LEN);
		break;
	}
	case RLCONF_K_OUT_VIF:
		if (parse_u64(val, RLCONF_MAX_VIFS - 1, &v) == -1)
			return seterr(err, errlen,
			    "out-vif: '%s' is not a VIF index (0-%d)", val,
			    RLCONF_MAX_VIFS - 1);
		c->out_vif = (uint16_t)v;
		break;
	case RLCONF_K_RATE:
		if (parse_u64(val, TBF_RATE_MAX, &v) == -1)
			return seterr(err, errlen, "rate: '%s' is not a rate "
			    "in bytes/s (0-%llu)", val, TBF_RATE_MAX);
		c->rate = v;
		break;
	case RLCONF_K_BURST:
		if (parse_u64(val, TBF_BURST_MAX, &v) == -1)
			return seterr(err, errlen, "burst: '%s' is not a size "
			    "in bytes (0-%llu)", val, TBF_BURST_MAX);
		c->burst = v;
		break;
	case RLCONF_K_QLEN:
		if (parse_u64(val, RLCONF_QLEN_MAX, &v) == -1 || v == 0)
			return seterr(err, errlen, "qlen: '%s' is not a queue "
			    "length (1-%d)", val, RLCONF_QLEN_MAX);
		c->qlen = (uint32_t)v;
		break;
	}
	c->set |= 1u << k;
	return 0;
}

#define HAS(c, k)	(((c)->set >> (k)) & 1)

int
rlconf_validate(const struct rlconf *c, char *err, size_t errlen)
{
	static const enum rlconf_key need[] = {
		RLCONF_K_GEN, RLCONF_K_OP, RLCONF_K_IN_LABEL, RLCONF_K_NH_MAC,
		RLCONF_K_SRC_MAC,
	};
	size_t i;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!HAS(c, need[i]))
			return seterr(err, errlen, "%s: missing",
			    rlconf_key_names[need[i]]);
	if (c->op == RL_OP_POP && HAS(c, RLCONF_K_OUT_LABEL))
		return seterr(err, errlen, "out-label: op=pop takes none");
	if (c->op != RL_OP_POP && !HAS(c, RLCONF_K_OUT_LABEL))
		return seterr(err, errlen, "out-label: missing (op=%s)",
		    rl_op_name(c->op));
	if (c->rate > 0 && c->burst < ETHER_HDR_LEN + MPLS_LSE_LEN)
		return seterr(err, errlen, "burst: %llu bytes cannot hold "
		    "one frame", (unsigned long long)c->burst);
	return 0;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int
rlconf_parse(struct rlconf *c, const char *text, char *err, size_t errlen)
{
	char *copy, *line, *next, *item, *save, *eq, *hash;
	char why[160];
	int lineno = 0, k, rv = -1;

	rlconf_init(c);
	if ((copy = strdup(text)) == NULL)
		return seterr(err, errlen, "out of memory");
	for (line = copy; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		for (item = strtok_r(line, " \t\r", &save); item != NULL;
		    item = strtok_r(NULL, " \t\r", &save)) {
			if ((eq = strchr(item, '=')) == NULL) {
				seterr(err, errlen, "line %d: '%s' is not "
				    "key=value", lineno, item);
				goto out;
			}
			*eq = '\0';
			item = trim(item);
			if ((k = key_lookup(item)) >= 0 && HAS(c, k)) {
				seterr(err, errlen, "line %d: %s: given twice",
				    lineno, item);
				goto out;
			}
			if (rlconf_set(c, item, eq + 1, why, sizeof(why)) ==
			    -1) {
				seterr(err, errlen, "line %d: %s", lineno, why);
				goto out;
			}
		}
	}
	if (rlconf_validate(c, why, sizeof(why)) == -1) {
		seterr(err, errlen, "%s", why);
		goto out;
	}
	rv = 0;
out:
	free(copy);
	return rv;
}

int
rlconf_load(struct rlconf *c, const char *path, char *err, size_t errlen)
{
	char buf[8192], why[200];
	size_t n;
	FILE *f;
	int rv;

	if ((f = fopen(path, "r")) == NULL)
		return seterr(err, errlen, "%s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	/*
	 * A full buffer need not have met the end of the file: one of
	 * exactly sizeof(buf) - 1 bytes fits, so look for one byte more.
	 */
	if (!ferror(f) && !feof(f) && fgetc(f) != EOF) {
		fclose(f);
		return seterr(err, errlen, "%s: larger than %zu bytes", path,
		    sizeof(buf) - 1);
	}
	if (ferror(f)) {
		fclose(f);
		return seterr(err, errlen, "%s: read error", path);
	}
	fclose(f);
	buf[n] = '\0';
	if (memchr(buf, '\0', n) != NULL)
		return seterr(err, errlen, "%s: contains a NUL byte", path);
	rv = rlconf_parse(c, buf, why, sizeof(why));
	if (rv == -1)
		seterr(err, errlen, "%s: %s", path, why);
	return rv;
}

int
rlconf_text_add(char *buf, size_t len, size_t *off, const char *key,
    const char *val, char *err, size_t errlen)
{
	const unsigned char *v;
	int n;

	if (key_lookup(key) < 0)
		return seterr(err, errlen, "unknown key '%s'", key);
	for (v = (const unsigned char *)val; *v != '\0'; v++)
		if (*v <= ' ' || *v >= 0x7f || *v == '#' || *v == '=')
			return seterr(err, errlen, "%s: '%.32s' has a byte "
			    "(0x%02x) no value holds", key, val, *v);
	if (*off >= len)
		return seterr(err, errlen, "%s: no room", key);
	n = snprintf(buf + *off, len - *off, "%s=%s\n", key, val);
	if (n < 0 || (size_t)n >= len - *off) {
		buf[*off] = '\0';
		return seterr(err, errlen, "%s: configuration longer than "
		    "%zu bytes", key, len);
	}
	*off += (size_t)n;
	return 0;
}

int
rlconf_get(const struct rlconf *c, enum rlconf_key k, char *buf, size_t len)
{
	char mac[ETHER_ADDR_STRLEN];
	size_t off;
	int n = -1, i;

	switch (k) {
	case RLCONF_K_GEN:
		n = snprintf(buf, len, "%" PRIu64, c->gen);
		break;
	case RLCONF_K_OP:
		n = snprintf(buf, len, "%s", rl_op_name(c->op));
		break;
	case RLCONF_K_IN_LABEL:
		n = snprintf(buf, len, "%" PRIu32, c->in_label);
		break;
	case RLCONF_K_OUT_LABEL:
		if (len == 0)
			return -1;
		buf[0] = '\0';
		for (i = 0, off = 0; i < c->n_out; i++) {
			n = snprintf(buf + off, len - off, "%s%" PRIu32,
			    i ? "/" : "", c->out_labels[i]);
			if (n < 0 || (size_t)n >= len - off)
				return -1;
			off += (size_t)n;
		}
		n = (int)off;
		break;
	case RLCONF_K_TTL_MODE:
		n = snprintf(buf, len, "%s",
		    c->ttl_mode == RL_TTL_PIPE ? "pipe" : "uniform");
		break;
	case RLCONF_K_NH_MAC:
		n = snprintf(buf, len, "%s", ether_addr_fmt(c->nh_mac, mac));
		break;
	case RLCONF_K_SRC_MAC:
		n = snprintf(buf, len, "%s", ether_addr_fmt(c->src_mac, mac));
		break;
	case RLCONF_K_OUT_VIF:
		n = snprintf(buf, len, "%u", (unsigned)c->out_vif);
		break;
	case RLCONF_K_RATE:
		n = snprintf(buf, len, "%" PRIu64, c->rate);
		break;
	case RLCONF_K_BURST:
		n = snprintf(buf, len, "%" PRIu64, c->burst);
		break;
	case RLCONF_K_QLEN:
		n = snprintf(buf, len, "%" PRIu32, c->qlen);
		break;
	case RLCONF_K_COUNT:
		break;
	}
	if (n < 0 || (size_t)n >= len)
		return -1;
	return n;
}

int
rlconf_format(const struct rlconf *c, char *buf, size_t len)
{
	char val[64];
	size_t off = 0;
	int k, n;

	if (len == 0)
		return -1;
	buf[0] = '\0';
	for (k = 0; k < RLCONF_K_COUNT; k++) {
		if (!HAS(c, k))
			continue;
		if (rlconf_get(c, (enum rlconf_key)k, val, sizeof(val)) == -1)
			return -1;
		n = snprintf(buf + off, len - off, "%s=%s\n",
		    rlconf_key_names[k], val);
		if (n < 0 || (size_t)n >= len - off)
			return -1;
		off += (size_t)n;
	}
	return (int)off;
}
