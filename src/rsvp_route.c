/*
 * EXPLICIT_ROUTE (RFC 3209 s4.3) and RECORD_ROUTE (s4.4): lists of
 * subobjects, each a type, a length (of the whole subobject, at least 4
 * and a multiple of 4) and contents.
 *
 * ERO IPv4 prefix, type 1:         RRO IPv4 address, type 1:
 * |L| Type | Length | IPv4 ...     | Type | Length | IPv4 ...
 * | ... address     | Plen | 0     | ... address   | Plen | Flags
 *
 * RRO label, type 3 (label c-type 1):
 * | Type | Length | Flags | C-Type |
 * | Contents of the LABEL object   |
 *
 * Other subobjects (IPv6 prefixes, AS numbers, unnumbered interfaces,
 * labels of other c-types) are kept opaque and written back unchanged.
 * A bad subobject in an ERO is error 24/1 (the caller sees the class in
 * the decode error); in an RRO the message is dropped.  An RRO holds at
 * least one subobject (s4.4.1); an ERO may be empty.
 */
#include "rsvp.h"

/* One subobject's header; the contents follow within the object. */
static enum rsvp_reason
sub_hdr(struct rsvp_rd *r, uint8_t *t, uint8_t *len)
{
	*t = rsvp_get8(r);
	*len = rsvp_get8(r);
	if (r->bad || *len < 4 || *len % 4 != 0 ||
	    (size_t)*len - 2 > rsvp_rd_left(r))
		return RSVP_R_sub_len;
	return RSVP_R_ok;
}

static enum rsvp_reason
sub_opaque(struct rsvp_rd *r, struct rsvp_subobj *s, uint8_t len)
{
	const uint8_t *q;

	if ((size_t)len - 2 > RSVP_SUB_RAW_MAX)
		return RSVP_R_sub_full;
	s->opaque = 1;
	s->raw_len = (uint8_t)(len - 2);
	q = rsvp_rd_take(r, s->raw_len);
	if (q == NULL)
		return RSVP_R_sub_len;
	memcpy(s->raw, q, s->raw_len);
	return RSVP_R_ok;
}

enum rsvp_reason
rsvp_ero_get(const uint8_t *b, size_t blen, struct rsvp_route *e)
{
	struct rsvp_rd r;
	struct rsvp_subobj *s;
	enum rsvp_reason res;
	uint8_t t, len;

	memset(e, 0, sizeof(*e));
	rsvp_rd_init(&r, b, blen);
	while (rsvp_rd_left(&r) > 0) {
		if ((res = sub_hdr(&r, &t, &len)) != RSVP_R_ok)
			return res;
		if (e->n == RSVP_ROUTE_MAX)
			return RSVP_R_sub_full;
		s = &e->sub[e->n];
		s->loose = t >> 7;
		s->type = t & 0x7f;
		if (s->type == RSVP_SUB_IPV4) {
			if (len != 8)
				return RSVP_R_sub_size;
			s->addr = rsvp_get_addr(&r);
			s->plen = rsvp_get8(&r);
			(void)rsvp_get8(&r);
			if (s->plen > 32)
				return RSVP_R_sub_prefix;
		} else if ((res = sub_opaque(&r, s, len)) != RSVP_R_ok)
			return res;
		e->n++;
	}
	return r.bad ? RSVP_R_sub_len : RSVP_R_ok;
}

/* RRO label subobjects this codec decodes: label c-type 1, one word. */
static int
rro_label_known(const uint8_t *contents, uint8_t len)
{
	return len >= 4 && contents[1] == 1;
}

enum rsvp_reason
rsvp_rro_get(const uint8_t *b, size_t blen, struct rsvp_route *e)
{
	struct rsvp_rd r;
	struct rsvp_subobj *s;
	enum rsvp_reason res;
	uint8_t t, len;

	memset(e, 0, sizeof(*e));
	rsvp_rd_init(&r, b, blen);
	while (rsvp_rd_left(&r) > 0) {
		if ((res = sub_hdr(&r, &t, &len)) != RSVP_R_ok)
			return res;
		if (e->n == RSVP_ROUTE_MAX)
			return RSVP_R_sub_full;
		s = &e->sub[e->n];
		s->type = t;
		if (t == RSVP_SUB_IPV4) {
			if (len != 8)
				return RSVP_R_sub_size;
			s->addr = rsvp_get_addr(&r);
			s->plen = rsvp_get8(&r);
			s->flags = rsvp_get8(&r);
			if (s->plen > 32)
				return RSVP_R_sub_prefix;
		} else if (t == RSVP_SUB_LABEL &&
		    rro_label_known(r.p + r.off, len)) {
			if (len != 8)
				return RSVP_R_sub_size;
			s->flags = rsvp_get8(&r);
			s->ctype = rsvp_get8(&r);
			s->label = rsvp_get32(&r);
		} else if ((res = sub_opaque(&r, s, len)) != RSVP_R_ok)
			return res;
		e->n++;
	}
	if (r.bad)
		return RSVP_R_sub_len;
	/* "An empty RRO with no subobjects is considered illegal." */
	return e->n == 0 ? RSVP_R_obj_size : RSVP_R_ok;
}

/*
 * An opaque subobject must come back opaque: its length whole words, its
 * contents within raw[], and not of a kind the decoder would read.
 */
static int
opaque_ok(const struct rsvp_subobj *s, int rro)
{
	if (s->raw_len > RSVP_SUB_RAW_MAX || (s->raw_len + 2) % 4 != 0)
		return 0;
	if (s->type == RSVP_SUB_IPV4)
		return 0;
	if (rro && s->type == RSVP_SUB_LABEL &&
	    rro_label_known(s->raw, (uint8_t)(s->raw_len + 2)))
		return 0;
	return 1;
}

enum rsvp_reason
rsvp_ero_put(struct rsvp_wr *w, const struct rsvp_route *e)
{
	const struct rsvp_subobj *s;
	unsigned i;

	if (e->n > RSVP_ROUTE_MAX)
		return RSVP_R_bad_value;
	for (i = 0; i < e->n; i++) {
		s = &e->sub[i];
		if (s->type > 0x7f || s->loose > 1)
			return RSVP_R_bad_value;
		if (s->opaque) {
			if (!opaque_ok(s, 0))
				return RSVP_R_bad_value;
			rsvp_put8(w, (uint8_t)(s->loose << 7 | s->type));
			rsvp_put8(w, (uint8_t)(s->raw_len + 2));
			rsvp_putn(w, s->raw, s->raw_len);
		} else if (s->type == RSVP_SUB_IPV4 && s->plen <= 32) {
			rsvp_put8(w, (uint8_t)(s->loose << 7 | s->type));
			rsvp_put8(w, 8);
			rsvp_put_addr(w, s->addr);
			rsvp_put8(w, s->plen);
			rsvp_put8(w, 0);
		} else
			return RSVP_R_bad_value;
	}
	return w->overflow ? RSVP_R_no_space : RSVP_R_ok;
}

enum rsvp_reason
rsvp_rro_put(struct rsvp_wr *w, const struct rsvp_route *e)
{
	const struct rsvp_subobj *s;
	unsigned i;

	if (e->n == 0 || e->n > RSVP_ROUTE_MAX)
		return RSVP_R_bad_value;
	for (i = 0; i < e->n; i++) {
		s = &e->sub[i];
		if (s->opaque) {
			if (!opaque_ok(s, 1))
				return RSVP_R_bad_value;
			rsvp_put8(w, s->type);
			rsvp_put8(w, (uint8_t)(s->raw_len + 2));
			rsvp_putn(w, s->raw, s->raw_len);
		} else if (s->type == RSVP_SUB_IPV4 && s->plen <= 32) {
			rsvp_put8(w, s->type);
			rsvp_put8(w, 8);
			rsvp_put_addr(w, s->addr);
			rsvp_put8(w, s->plen);
			rsvp_put8(w, s->flags);
		} else if (s->type == RSVP_SUB_LABEL && s->ctype == 1) {
			rsvp_put8(w, s->type);
			rsvp_put8(w, 8);
			rsvp_put8(w, s->flags);
			rsvp_put8(w, s->ctype);
			rsvp_put32(w, s->label);
		} else
			return RSVP_R_bad_value;
	}
	return w->overflow ? RSVP_R_no_space : RSVP_R_ok;
}

static int
sub_equal(const struct rsvp_subobj *a, const struct rsvp_subobj *b)
{
	if (a->type != b->type || a->loose != b->loose ||
	    a->opaque != b->opaque)
		return 0;
	if (a->opaque)
		return a->raw_len == b->raw_len &&
		    memcmp(a->raw, b->raw, a->raw_len) == 0;
	return a->plen == b->plen && a->flags == b->flags &&
	    a->ctype == b->ctype && a->addr.s_addr == b->addr.s_addr &&
	    a->label == b->label;
}

int
rsvp_route_equal(const struct rsvp_route *a, const struct rsvp_route *b)
{
	unsigned i;

	if (a->n != b->n || a->n > RSVP_ROUTE_MAX)
		return 0;
	for (i = 0; i < a->n; i++)
		if (!sub_equal(&a->sub[i], &b->sub[i]))
			return 0;
	return 1;
}

int
rsvp_rro_find(const struct rsvp_route *e, const struct in_addr *ours,
    size_t n)
{
	unsigned i;
	size_t j;

	for (i = 0; i < e->n && i < RSVP_ROUTE_MAX; i++) {
		if (e->sub[i].opaque || e->sub[i].type != RSVP_SUB_IPV4)
			continue;
		for (j = 0; j < n; j++)
			if (e->sub[i].addr.s_addr == ours[j].s_addr)
				return (int)i;
	}
	return -1;
}

static struct rsvp_subobj *
route_prepend(struct rsvp_route *e)
{
	if (e->n >= RSVP_ROUTE_MAX)
		return NULL;
	memmove(&e->sub[1], &e->sub[0], e->n * sizeof(e->sub[0]));
	e->n++;
	memset(&e->sub[0], 0, sizeof(e->sub[0]));
	return &e->sub[0];
}

int
rsvp_rro_prepend_ipv4(struct rsvp_route *e, struct in_addr addr,
    uint8_t flags)
{
	struct rsvp_subobj *s = route_prepend(e);

	if (s == NULL)
		return -1;
	s->type = RSVP_SUB_IPV4;
	s->addr = addr;
	s->plen = 32;
	s->flags = flags;
	return 0;
}

int
rsvp_rro_prepend_label(struct rsvp_route *e, uint32_t label, uint8_t flags)
{
	struct rsvp_subobj *s = route_prepend(e);

	if (s == NULL)
		return -1;
	s->type = RSVP_SUB_LABEL;
	s->ctype = 1;
	s->label = label;
	s->flags = flags;
	return 0;
}

void
rsvp_route_shift(struct rsvp_route *e, unsigned n)
{
	if (e->n > RSVP_ROUTE_MAX)
		e->n = RSVP_ROUTE_MAX;
	if (n >= e->n) {
		e->n = 0;
		return;
	}
	memmove(&e->sub[0], &e->sub[n], (e->n - n) * sizeof(e->sub[0]));
	e->n -= n;
}

int
rsvp_prefix_match(struct in_addr addr, struct in_addr prefix, uint8_t plen)
{
	uint32_t mask;

	if (plen > 32)
		return 0;
	mask = plen == 0 ? 0 : ~0u << (32 - plen);
	return ((ntohl(addr.s_addr) ^ ntohl(prefix.s_addr)) & mask) == 0;
}
