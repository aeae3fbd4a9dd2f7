/*
 * One RSVP object: the per-class codec table and the small fixed-size
 * objects.  The IntServ objects live in rsvp_intserv.c and the route
 * objects in rsvp_route.c; this file wraps their bodies in the object
 * header.
 *
 * Object header (RFC 2205 s3.1.2):
 *
 *  0             1             2             3
 * +-------------+-------------+-------------+-------------+
 * |       Length (bytes)      |  Class-Num  |   C-Type    |
 * +-------------+-------------+-------------+-------------+
 *
 * Reserved fields are written as zero and ignored on receipt, as the
 * RFCs ask; so a body with a reserved bit set decodes and re-encodes
 * without it.
 */
#include "rsvp.h"

typedef enum rsvp_reason rsvp_get_fn(uint8_t ctype, const uint8_t *body,
    size_t blen, void *out);
typedef enum rsvp_reason rsvp_put_fn(struct rsvp_wr *w, const void *val);
typedef int rsvp_eq_fn(const void *a, const void *b);

struct rsvp_codec {
	uint8_t		 class_num;
	const char	*name;
	rsvp_get_fn	*get;
	rsvp_put_fn	*put;
	rsvp_eq_fn	*eq;
};

/* Opens an object; returns where its header starts, for obj_end. */
static size_t
obj_begin(struct rsvp_wr *w, uint8_t class_num, uint8_t ctype)
{
	size_t start = w->len;

	rsvp_put16(w, 0);
	rsvp_put8(w, class_num);
	rsvp_put8(w, ctype);
	return start;
}

/* Fills in the length.  Bodies are whole words by construction. */
static enum rsvp_reason
obj_end(struct rsvp_wr *w, size_t start)
{
	size_t olen;

	if (w->overflow)
		return RSVP_R_no_space;
	olen = w->len - start;
	if (olen > 0xfffc || olen % 4 != 0)
		return RSVP_R_bad_value;
	rsvp_wr_set16(w, start, (uint16_t)olen);
	return RSVP_R_ok;
}

/* ---- SESSION, LSP_TUNNEL_IPv4 (RFC 3209 s4.6.1.1) ----------------------
 * | IPv4 tunnel end point address                         |
 * | MUST be zero              | Tunnel ID                 |
 * | Extended Tunnel ID                                    |
 */
static enum rsvp_reason
session_get(uint8_t ctype, const uint8_t *b, size_t blen, void *out)
{
	struct rsvp_session *s = out;
	struct rsvp_rd r;

	if (ctype != RSVP_CT_LSP_TUNNEL_IPV4)
		return RSVP_R_unknown_ctype;
	if (blen != 12)
		return RSVP_R_obj_size;
	memset(s, 0, sizeof(*s));
	rsvp_rd_init(&r, b, blen);
	s->endpoint = rsvp_get_addr(&r);
	(void)rsvp_get16(&r);
	s->tunnel_id = rsvp_get16(&r);
	s->ext_tunnel_id = rsvp_get32(&r);
	return RSVP_R_ok;
}

static enum rsvp_reason
session_put(struct rsvp_wr *w, const void *val)
{
	const struct rsvp_session *s = val;
	size_t o = obj_begin(w, RSVP_CLASS_SESSION, RSVP_CT_LSP_TUNNEL_IPV4);

	rsvp_put_addr(w, s->endpoint);
	rsvp_put16(w, 0);
	rsvp_put16(w, s->tunnel_id);
	rsvp_put32(w, s->ext_tunnel_id);
	return obj_end(w, o);
}

static int
session_eq(const void *va, const void *vb)
{
	const struct rsvp_session *a = va, *b = vb;

	return a->endpoint.s_addr == b->endpoint.s_addr &&
	    a->tunnel_id == b->tunnel_id &&
	    a->ext_tunnel_id == b->ext_tunnel_id;
}

/* ---- RSVP_HOP, IPv4 (RFC 2205 A.2) --------------------------------------
 * | IPv4 Next/Previous Hop Address                        |
 * | Logical Interface Handle                              |
 */
static enum rsvp_reason
hop_get(uint8_t ctype, const uint8_t *b, size_t blen, void *out)
{
	struct rsvp_hop *h = out;
	struct rsvp_rd r;

	if (ctype != RSVP_CT_IPV4)
		return RSVP_R_unknown_ctype;
	if (blen != 8)
		return RSVP_R_obj_size;
	memset(h, 0, sizeof(*h));
	rsvp_rd_init(&r, b, blen);
	h->addr = rsvp_get_addr(&r);
	h->lih = rsvp_get32(&r);
	return RSVP_R_ok;
}

static enum rsvp_reason
hop_put(struct rsvp_wr *w, const void *val)
{
	const struct rsvp_hop *h = val;
	size_t o = obj_begin(w, RSVP_CLASS_RSVP_HOP, RSVP_CT_IPV4);

	rsvp_put_addr(w, h->addr);
	rsvp_put32(w, h->lih);
	return obj_end(w, o);
}

static int
hop_eq(const void *va, const void *vb)
{
	const struct rsvp_hop *a = va, *b = vb;

	return a->addr.s_addr == b->addr.s_addr && a->lih == b->lih;
}

/* ---- TIME_VALUES (RFC 2205 A.4): | Refresh Period R (ms) | ------------- */
static enum rsvp_reason
time_get(uint8_t ctype, const uint8_t *b, size_t blen, void *out)
{
	struct rsvp_time_values *t = out;
	struct rsvp_rd r;

	if (ctype != 1)
		return RSVP_R_unknown_ctype;
	if (blen != 4)
		return RSVP_R_obj_size;
	rsvp_rd_init(&r, b, blen);
	t->refresh_ms = rsvp_get32(&r);
	return RSVP_R_ok;
}

static enum rsvp_reason
time_put(struct rsvp_wr *w, const void *val)
{
	const struct rsvp_time_values *t = val;
	size_t o = obj_begin(w, RSVP_CLASS_TIME_VALUES, 1);

	rsvp_put32(w, t->refresh_ms);
	return obj_end(w, o);
}

static int
time_eq(const void *va, const void *vb)
{
	const struct rsvp_time_values *a = va, *b = vb;

	return a->refresh_ms == b->refresh_ms;
}

/* ---- ERROR_SPEC, IPv4 (RFC 2205 A.5) ------------------------------------
 * | IPv4 Error Node Address                               |
 * | Flags       | Error Code  | Error Value               |
 */
static enum rsvp_reason
error_get(uint8_t ctype, const uint8_t *b, size_t blen, void *out)
{
	struct rsvp_error_spec *e = out;
	struct rsvp_rd r;

	if (ctype != RSVP_CT_IPV4)
		return RSVP_R_unknown_ctype;
	if (blen != 8)
		return RSVP_R_obj_size;
	memset(e, 0, sizeof(*e));
	rsvp_rd_init(&r, b, blen);
	e->node = rsvp_get_addr(&r);
	e->flags = rsvp_get8(&r);
	e->code = rsvp_get8(&r);
	e->value = rsvp_get16(&r);
	return RSVP_R_ok;
}

static enum rsvp_reason
error_put(struct rsvp_wr *w, const void *val)
{
	const struct rsvp_error_spec *e = val;
	size_t o = obj_begin(w, RSVP_CLASS_ERROR_SPEC, RSVP_CT_IPV4);

	rsvp_put_addr(w, e->node);
	rsvp_put8(w, e->flags);
	rsvp_put8(w, e->code);
	rsvp_put16(w, e->value);
	return obj_end(w, o);
}

static int
error_eq(const void *va, const void *vb)
{
	const struct rsvp_error_spec *a = va, *b = vb;

	return a->node.s_addr == b->node.s_addr && a->flags == b->flags &&
	    a->code == b->code && a->value == b->value;
}

/* ---- STYLE (RFC 2205 A.7) -----------------------------------------------
 * | Flags       |              Option Vector              |
 * Option vector: 19 reserved bits, 2 bits sharing (01 distinct, 10
 * shared), 3 bits sender selection (001 wildcard, 010 explicit).  Only
 * FF, SE and WF are defined; anything else is error 6.
 */
static int
style_known(uint32_t option)
{
	return option == RSVP_STYLE_FF || option == RSVP_STYLE_SE ||
	    option == RSVP_STYLE_WF;
}

static enum rsvp_reason
style_get(uint8_t ctype, const uint8_t *b, size_t blen, void *out)
{
	struct rsvp_style *s = out;
	struct rsvp_rd r;
	uint32_t v;

	if (ctype != 1)
		return RSVP_R_unknown_ctype;
	if (blen != 4)
		return RSVP_R_obj_size;
	rsvp_rd_init(&r, b, blen);
	v = rsvp_get32(&r);
	s->flags = (uint8_t)(v >> 24);
	s->option = v & 0xffffff;
	return style_known(s->option) ? RSVP_R_ok : RSVP_R_bad_style;
}

static enum rsvp_reason
style_put(struct rsvp_wr *w, const void *val)
{
	const struct rsvp_style *s = val;
	size_t o;

	if (!style_known(s->option))
		return RSVP_R_bad_style;
	o = obj_begin(w, RSVP_CLASS_STYLE, 1);
	rsvp_put32(w, (uint32_t)s->flags << 24 | s->option);
	return obj_end(w, o);
}

static int
style_eq(const void *va, const void *vb)
{
	const struct rsvp_style *a = va, *b = vb;

	return a->flags == b->flags && a->option == b->option;
}

/* ---- SENDER_TEMPLATE, FILTER_SPEC, LSP_TUNNEL_IPv4 (RFC 3209 s4.6.2) ----
 * | IPv4 tunnel sender address                            |
 * | MUST be zero              | LSP ID                    |
 */
static enum rsvp_reason
sender_get(uint8_t ctype, const uint8_t *b, size_t blen, void *out)
{
	struct rsvp_sender *s = out;
	struct rsvp_rd r;

	if (ctype != RSVP_CT_LSP_TUNNEL_IPV4)
		return RSVP_R_unknown_ctype;
	if (blen != 8)
		return RSVP_R_obj_size;
	memset(s, 0, sizeof(*s));
	rsvp_rd_init(&r, b, blen);
	s->addr = rsvp_get_addr(&r);
	(void)rsvp_get16(&r);
	s->lsp_id = rsvp_get16(&r);
	return RSVP_R_ok;
}

static enum rsvp_reason
sender_put_class(struct rsvp_wr *w, uint8_t class_num,
    const struct rsvp_sender *s)
{
	size_t o = obj_begin(w, class_num, RSVP_CT_LSP_TUNNEL_IPV4);

	rsvp_put_addr(w, s->addr);
	rsvp_put16(w, 0);
	rsvp_put16(w, s->lsp_id);
	return obj_end(w, o);
}

static enum rsvp_reason
template_put(struct rsvp_wr *w, const void *val)
{
	return sender_put_class(w, RSVP_CLASS_SENDER_TEMPLATE, val);
}

static enum rsvp_reason
filter_put(struct rsvp_wr *w, const void *val)
{
	return sender_put_class(w, RSVP_CLASS_FILTER_SPEC, val);
}

static int
sender_eq(const void *va, const void *vb)
{
	const struct rsvp_sender *a = va, *b = vb;

	return a->addr.s_addr == b->addr.s_addr && a->lsp_id == b->lsp_id;
}

/* ---- RESV_CONFIRM, IPv4 (RFC 2205 A.11): | IPv4 Receiver Address | ---- */
static enum rsvp_reason
confirm_get(uint8_t ctype, const uint8_t *b, size_t blen, void *out)
{
	struct rsvp_resv_confirm *c = out;
	struct rsvp_rd r;

	if (ctype != RSVP_CT_IPV4)
		return RSVP_R_unknown_ctype;
	if (blen != 4)
		return RSVP_R_obj_size;
	rsvp_rd_init(&r, b, blen);
	c->receiver = rsvp_get_addr(&r);
	return RSVP_R_ok;
}

static enum rsvp_reason
confirm_put(struct rsvp_wr *w, const void *val)
{
	const struct rsvp_resv_confirm *c = val;
	size_t o = obj_begin(w, RSVP_CLASS_RESV_CONFIRM, RSVP_CT_IPV4);

	rsvp_put_addr(w, c->receiver);
	return obj_end(w, o);
}

static int
confirm_eq(const void *va, const void *vb)
{
	const struct rsvp_resv_confirm *a = va, *b = vb;

	return a->receiver.s_addr == b->receiver.s_addr;
}

/* ---- LABEL (RFC 3209 s4.1.1): | (top 12 bits zero) Label | ------------
 * A label wider than 20 bits cannot be an MPLS label: error 24/6.
 */
static enum rsvp_reason
label_get(uint8_t ctype, const uint8_t *b, size_t blen, void *out)
{
	struct rsvp_label *l = out;
	struct rsvp_rd r;

	if (ctype != 1)
		return RSVP_R_unknown_ctype;
	if (blen != 4)
		return RSVP_R_obj_size;
	rsvp_rd_init(&r, b, blen);
	l->label = rsvp_get32(&r);
	return l->label <= 0xfffff ? RSVP_R_ok : RSVP_R_bad_label;
}

static enum rsvp_reason
label_put(struct rsvp_wr *w, const void *val)
{
	const struct rsvp_label *l = val;
	size_t o;

	if (l->label > 0xfffff)
		return RSVP_R_bad_label;
	o = obj_begin(w, RSVP_CLASS_LABEL, 1);
	rsvp_put32(w, l->label);
	return obj_end(w, o);
}

static int
label_eq(const void *va, const void *vb)
{
	const struct rsvp_label *a = va, *b = vb;

	return a->label == b->label;
}

/* ---- LABEL_REQUEST without label range (RFC 3209 s4.2.1) ---------------
 * | Reserved                  | L3PID                     |
 * The ATM (2) and Frame Relay (3) range c-types are unknown here.
 */
static enum rsvp_reason
lreq_get(uint8_t ctype, const uint8_t *b, size_t blen, void *out)
{
	struct rsvp_label_request *l = out;
	struct rsvp_rd r;

	if (ctype != 1)
		return RSVP_R_unknown_ctype;
	if (blen != 4)
		return RSVP_R_obj_size;
	rsvp_rd_init(&r, b, blen);
	(void)rsvp_get16(&r);
	l->l3pid = rsvp_get16(&r);
	return RSVP_R_ok;
}

static enum rsvp_reason
lreq_put(struct rsvp_wr *w, const void *val)
{
	const struct rsvp_label_request *l = val;
	size_t o = obj_begin(w, RSVP_CLASS_LABEL_REQUEST, 1);

	rsvp_put16(w, 0);
	rsvp_put16(w, l->l3pid);
	return obj_end(w, o);
}

static int
lreq_eq(const void *va, const void *vb)
{
	const struct rsvp_label_request *a = va, *b = vb;

	return a->l3pid == b->l3pid;
}

/* ---- HELLO REQUEST (c-type 1) and ACK (2) (RFC 3209 s5.2) ---------------
 * | Src_Instance                                          |
 * | Dst_Instance                                          |
 */
static enum rsvp_reason
hello_get(uint8_t ctype, const uint8_t *b, size_t blen, void *out)
{
	struct rsvp_hello *h = out;
	struct rsvp_rd r;

	if (ctype != RSVP_CT_HELLO_REQUEST && ctype != RSVP_CT_HELLO_ACK)
		return RSVP_R_unknown_ctype;
	if (blen != 8)
		return RSVP_R_obj_size;
	memset(h, 0, sizeof(*h));
	rsvp_rd_init(&r, b, blen);
	h->ack = ctype == RSVP_CT_HELLO_ACK;
	h->src_instance = rsvp_get32(&r);
	h->dst_instance = rsvp_get32(&r);
	return RSVP_R_ok;
}

static enum rsvp_reason
hello_put(struct rsvp_wr *w, const void *val)
{
	const struct rsvp_hello *h = val;
	size_t o;

	if (h->ack > 1)
		return RSVP_R_bad_value;
	o = obj_begin(w, RSVP_CLASS_HELLO,
	    h->ack ? RSVP_CT_HELLO_ACK : RSVP_CT_HELLO_REQUEST);
	rsvp_put32(w, h->src_instance);
	rsvp_put32(w, h->dst_instance);
	return obj_end(w, o);
}

static int
hello_eq(const void *va, const void *vb)
{
	const struct rsvp_hello *a = va, *b = vb;

	return a->ack == b->ack && a->src_instance == b->src_instance &&
	    a->dst_instance == b->dst_instance;
}

/* ---- SESSION_ATTRIBUTE (RFC 3209 s4.7) ----------------------------------
 * c-type 1 starts with three words of resource affinities:
 * | Exclude-any | Include-any | Include-all |
 * then both c-types have:
 * | Setup Prio  | Holding Prio| Flags       | Name Length |
 * | Session Name (NUL padded display string)   ...        |
 * Name Length is the string's length before padding, so the object is
 * exactly that rounded up to a word; anything else is refused rather
 * than guessed at.
 */
static enum rsvp_reason
sattr_get(uint8_t ctype, const uint8_t *b, size_t blen, void *out)
{
	struct rsvp_session_attr *s = out;
	struct rsvp_rd r;
	const uint8_t *name;

	if (ctype != RSVP_CT_SATTR && ctype != RSVP_CT_SATTR_RA)
		return RSVP_R_unknown_ctype;
	memset(s, 0, sizeof(*s));
	rsvp_rd_init(&r, b, blen);
	if (ctype == RSVP_CT_SATTR_RA) {
		s->affinities = 1;
		s->exclude_any = rsvp_get32(&r);
		s->include_any = rsvp_get32(&r);
		s->include_all = rsvp_get32(&r);
	}
	s->setup_prio = rsvp_get8(&r);
	s->hold_prio = rsvp_get8(&r);
	s->flags = rsvp_get8(&r);
	s->name_len = rsvp_get8(&r);
	if (r.bad)
		return RSVP_R_obj_size;
	if (rsvp_rd_left(&r) != ((size_t)s->name_len + 3) / 4 * 4)
		return RSVP_R_bad_sattr;
	name = rsvp_rd_take(&r, s->name_len);
	if (s->name_len > 0)
		memcpy(s->name, name, s->name_len);
	s->name[s->name_len] = '\0';
	return RSVP_R_ok;
}

static enum rsvp_reason
sattr_put(struct rsvp_wr *w, const void *val)
{
	const struct rsvp_session_attr *s = val;
	size_t o;

	if (s->affinities > 1)
		return RSVP_R_bad_value;
	o = obj_begin(w, RSVP_CLASS_SESSION_ATTRIBUTE,
	    s->affinities ? RSVP_CT_SATTR_RA : RSVP_CT_SATTR);
	if (s->affinities) {
		rsvp_put32(w, s->exclude_any);
		rsvp_put32(w, s->include_any);
		rsvp_put32(w, s->include_all);
	}
	rsvp_put8(w, s->setup_prio);
	rsvp_put8(w, s->hold_prio);
	rsvp_put8(w, s->flags);
	rsvp_put8(w, s->name_len);
	rsvp_putn(w, s->name, s->name_len);
	rsvp_putz(w, (4 - s->name_len % 4) % 4);
	return obj_end(w, o);
}

static int
sattr_eq(const void *va, const void *vb)
{
	const struct rsvp_session_attr *a = va, *b = vb;

	if (a->affinities != b->affinities || a->setup_prio != b->setup_prio ||
	    a->hold_prio != b->hold_prio || a->flags != b->flags ||
	    a->name_len != b->name_len ||
	    memcmp(a->name, b->name, a->name_len) != 0)
		return 0;
	return !a->affinities || (a->exclude_any == b->exclude_any &&
	    a->include_any == b->include_any &&
	    a->include_all == b->include_all);
}

/* ---- the IntServ and route objects: headers around their bodies ------- */

static enum rsvp_reason
tspec_get(uint8_t ctype, const uint8_t *b, size_t blen, void *out)
{
	if (ctype != RSVP_CT_INTSERV)
		return RSVP_R_unknown_ctype;
	return rsvp_tspec_get(b, blen, out);
}

static enum rsvp_reason
tspec_put(struct rsvp_wr *w, const void *val)
{
	size_t o = obj_begin(w, RSVP_CLASS_SENDER_TSPEC, RSVP_CT_INTSERV);
	enum rsvp_reason r = rsvp_tspec_put(w, val);

	return r != RSVP_R_ok ? r : obj_end(w, o);
}

static int
tspec_eq(const void *a, const void *b)
{
	return rsvp_tspec_equal(a, b);
}

static enum rsvp_reason
flowspec_get(uint8_t ctype, const uint8_t *b, size_t blen, void *out)
{
	if (ctype != RSVP_CT_INTSERV)
		return RSVP_R_unknown_ctype;
	return rsvp_flowspec_get(b, blen, out);
}

static enum rsvp_reason
flowspec_put(struct rsvp_wr *w, const void *val)
{
	size_t o = obj_begin(w, RSVP_CLASS_FLOWSPEC, RSVP_CT_INTSERV);
	enum rsvp_reason r = rsvp_flowspec_put(w, val);

	return r != RSVP_R_ok ? r : obj_end(w, o);
}

static int
flowspec_eq(const void *a, const void *b)
{
	return rsvp_flowspec_equal(a, b);
}

static enum rsvp_reason
adspec_get(uint8_t ctype, const uint8_t *b, size_t blen, void *out)
{
	if (ctype != RSVP_CT_INTSERV)
		return RSVP_R_unknown_ctype;
	return rsvp_adspec_get(b, blen, out);
}

static enum rsvp_reason
adspec_put(struct rsvp_wr *w, const void *val)
{
	size_t o = obj_begin(w, RSVP_CLASS_ADSPEC, RSVP_CT_INTSERV);
	enum rsvp_reason r = rsvp_adspec_put(w, val);

	return r != RSVP_R_ok ? r : obj_end(w, o);
}

static int
adspec_eq(const void *a, const void *b)
{
	return rsvp_adspec_equal(a, b);
}

static enum rsvp_reason
ero_get(uint8_t ctype, const uint8_t *b, size_t blen, void *out)
{
	if (ctype != 1)
		return RSVP_R_unknown_ctype;
	return rsvp_ero_get(b, blen, out);
}

static enum rsvp_reason
ero_put(struct rsvp_wr *w, const void *val)
{
	size_t o = obj_begin(w, RSVP_CLASS_EXPLICIT_ROUTE, 1);
	enum rsvp_reason r = rsvp_ero_put(w, val);

	return r != RSVP_R_ok ? r : obj_end(w, o);
}

static enum rsvp_reason
rro_get(uint8_t ctype, const uint8_t *b, size_t blen, void *out)
{
	if (ctype != 1)
		return RSVP_R_unknown_ctype;
	return rsvp_rro_get(b, blen, out);
}

static enum rsvp_reason
rro_put(struct rsvp_wr *w, const void *val)
{
	size_t o = obj_begin(w, RSVP_CLASS_RECORD_ROUTE, 1);
	enum rsvp_reason r = rsvp_rro_put(w, val);

	return r != RSVP_R_ok ? r : obj_end(w, o);
}

static int
route_eq(const void *a, const void *b)
{
	return rsvp_route_equal(a, b);
}

/* ---- the table ----------------------------------------------------------- */

static const struct rsvp_codec codecs[] = {
	{ RSVP_CLASS_SESSION, "SESSION", session_get, session_put,
	    session_eq },
	{ RSVP_CLASS_RSVP_HOP, "RSVP_HOP", hop_get, hop_put, hop_eq },
	{ RSVP_CLASS_TIME_VALUES, "TIME_VALUES", time_get, time_put,
	    time_eq },
	{ RSVP_CLASS_ERROR_SPEC, "ERROR_SPEC", error_get, error_put,
	    error_eq },
	{ RSVP_CLASS_STYLE, "STYLE", style_get, style_put, style_eq },
	{ RSVP_CLASS_FLOWSPEC, "FLOWSPEC", flowspec_get, flowspec_put,
	    flowspec_eq },
	{ RSVP_CLASS_FILTER_SPEC, "FILTER_SPEC", sender_get, filter_put,
	    sender_eq },
	{ RSVP_CLASS_SENDER_TEMPLATE, "SENDER_TEMPLATE", sender_get,
	    template_put, sender_eq },
	{ RSVP_CLASS_SENDER_TSPEC, "SENDER_TSPEC", tspec_get, tspec_put,
	    tspec_eq },
	{ RSVP_CLASS_ADSPEC, "ADSPEC", adspec_get, adspec_put, adspec_eq },
	{ RSVP_CLASS_RESV_CONFIRM, "RESV_CONFIRM", confirm_get, confirm_put,
	    confirm_eq },
	{ RSVP_CLASS_LABEL, "LABEL", label_get, label_put, label_eq },
	{ RSVP_CLASS_LABEL_REQUEST, "LABEL_REQUEST", lreq_get, lreq_put,
	    lreq_eq },
	{ RSVP_CLASS_EXPLICIT_ROUTE, "EXPLICIT_ROUTE", ero_get, ero_put,
	    route_eq },
	{ RSVP_CLASS_RECORD_ROUTE, "RECORD_ROUTE", rro_get, rro_put,
	    route_eq },
	{ RSVP_CLASS_HELLO, "HELLO", hello_get, hello_put, hello_eq },
	{ RSVP_CLASS_SESSION_ATTRIBUTE, "SESSION_ATTRIBUTE", sattr_get,
	    sattr_put, sattr_eq },
};

#define NCODECS	(sizeof(codecs) / sizeof(codecs[0]))

static const struct rsvp_codec *
codec(uint8_t class_num)
{
	size_t i;

	for (i = 0; i < NCODECS; i++)
		if (codecs[i].class_num == class_num)
			return &codecs[i];
	return NULL;
}

int
rsvp_class_known(uint8_t class_num)
{
	return codec(class_num) != NULL;
}

const char *
rsvp_class_name(uint8_t class_num)
{
	const struct rsvp_codec *c = codec(class_num);

	if (c != NULL)
		return c->name;
	switch (class_num) {
	case RSVP_CLASS_NULL:
		return "NULL";
	case RSVP_CLASS_INTEGRITY:
		return "INTEGRITY";
	case RSVP_CLASS_SCOPE:
		return "SCOPE";
	case RSVP_CLASS_POLICY_DATA:
		return "POLICY_DATA";
	default:
		return "unknown";
	}
}

enum rsvp_reason
rsvp_obj_get(uint8_t class_num, uint8_t ctype, const uint8_t *body,
    size_t blen, void *out)
{
	const struct rsvp_codec *c = codec(class_num);

	if (c == NULL)
		return RSVP_R_unknown_class;
	return c->get(ctype, body, blen, out);
}

enum rsvp_reason
rsvp_obj_put(struct rsvp_wr *w, uint8_t class_num, const void *val)
{
	const struct rsvp_codec *c = codec(class_num);
	size_t start = w->len;
	enum rsvp_reason r;

	if (c == NULL)
		return RSVP_R_bad_value;
	r = c->put(w, val);
	if (r == RSVP_R_ok && w->overflow)
		r = RSVP_R_no_space;
	if (r != RSVP_R_ok && !w->overflow)
		w->len = start;		/* leave no half-written object */
	return r;
}

int
rsvp_obj_equal(uint8_t class_num, const void *a, const void *b)
{
	const struct rsvp_codec *c = codec(class_num);

	return c != NULL && c->eq(a, b);
}

enum rsvp_reason
rsvp_obj_decode(const uint8_t *p, size_t len, struct rsvp_obj *o,
    size_t *used_r)
{
	size_t olen;

	memset(o, 0, sizeof(*o));
	*used_r = 0;
	if (len < RSVP_OBJ_HDR_LEN)
		return RSVP_R_obj_past_end;
	olen = (size_t)p[0] << 8 | p[1];
	o->class_num = p[2];
	o->ctype = p[3];
	if (olen < RSVP_OBJ_HDR_LEN)
		return RSVP_R_obj_len_small;
	if (olen % 4 != 0)
		return RSVP_R_obj_len_align;
	if (olen > len)
		return RSVP_R_obj_past_end;
	*used_r = olen;
	return rsvp_obj_get(o->class_num, o->ctype, p + RSVP_OBJ_HDR_LEN,
	    olen - RSVP_OBJ_HDR_LEN, &o->u);
}

int
rsvp_obj_encode(uint8_t *p, size_t cap, const struct rsvp_obj *o,
    enum rsvp_reason *why)
{
	struct rsvp_wr w;
	enum rsvp_reason r;

	rsvp_wr_init(&w, p, cap);
	r = rsvp_obj_put(&w, o->class_num, &o->u);
	if (why != NULL)
		*why = r;
	return r == RSVP_R_ok ? (int)w.len : -1;
}
