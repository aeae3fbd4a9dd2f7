/*
 * RSVP messages: the common header, which objects each message type
 * allows and requires (one table), decoding with RFC 2205 s3.10's rules
 * for unknown classes, the flow descriptor list of the Resv family, and
 * encoding with the length and checksum.
 *
 * Common header (RFC 2205 s3.1.1):
 *
 *  0             1             2             3
 * +-------------+-------------+-------------+-------------+
 * | Vers | Flags|  Msg Type   |       RSVP Checksum       |
 * +-------------+-------------+-------------+-------------+
 * |  Send_TTL   | (Reserved)  |        RSVP Length        |
 * +-------------+-------------+-------------+-------------+
 *
 * The checksum is the Internet checksum of the whole message; zero means
 * none was sent.  Objects are accepted in any order (RFC 2205 s3.1 asks
 * senders for the order shown in the message formats and receivers to
 * take any permissible one), except the flow descriptors of a Resv, whose
 * order is their meaning.  Messages are encoded in the RFC's order:
 *
 *   Path      SESSION RSVP_HOP TIME_VALUES [ERO] LABEL_REQUEST
 *             [SESSION_ATTRIBUTE] [fwd...] SENDER_TEMPLATE SENDER_TSPEC
 *             [ADSPEC] [RRO]
 *   Resv      SESSION RSVP_HOP TIME_VALUES [RESV_CONFIRM] [fwd...] STYLE
 *             flow descriptors
 *   PathErr   SESSION ERROR_SPEC [fwd...] [sender descriptor]
 *   ResvErr   SESSION RSVP_HOP ERROR_SPEC [fwd...] STYLE [flow descr.]
 *   PathTear  SESSION RSVP_HOP [fwd...] [sender descriptor]
 *   ResvTear  SESSION RSVP_HOP [fwd...] STYLE flow descriptors
 *   ResvConf  SESSION ERROR_SPEC RESV_CONFIRM [fwd...] STYLE flow descr.
 *   Hello     HELLO
 *
 * where fwd are the unknown 11bbbbbb objects kept to pass on, in the
 * place RFC 2205 gives POLICY_DATA.
 */
#include <stddef.h>

#include "inet.h"
#include "rsvp.h"

#define MT(t)		(1u << (t))
#define M_PATHF		(MT(RSVP_MSG_PATH) | MT(RSVP_MSG_PATHERR) | \
			    MT(RSVP_MSG_PATHTEAR))
#define M_RESVF		(MT(RSVP_MSG_RESV) | MT(RSVP_MSG_RESVERR) | \
			    MT(RSVP_MSG_RESVTEAR) | MT(RSVP_MSG_RESVCONF))
#define M_ALL		(M_PATHF | M_RESVF)

/*
 * One row per class: the singleton's presence bit and place in struct
 * rsvp_msg, the message types that allow it as a singleton and those
 * that require it, the types where it belongs to a flow descriptor
 * instead, and whether it is encoded after the forwarded unknowns.
 * Rows are in encoding order.
 */
struct rsvp_rule {
	uint8_t		 class_num;
	uint32_t	 has;
	size_t		 off;
	uint32_t	 allowed;
	uint32_t	 required;
	uint32_t	 fd;
	uint8_t		 tail;
};

#define OFF(m)	offsetof(struct rsvp_msg, m)

static const struct rsvp_rule rules[] = {
	{ RSVP_CLASS_SESSION, RSVP_HAS_SESSION, OFF(session),
	    M_ALL, M_ALL, 0, 0 },
	{ RSVP_CLASS_RSVP_HOP, RSVP_HAS_HOP, OFF(hop),
	    MT(RSVP_MSG_PATH) | MT(RSVP_MSG_RESV) | MT(RSVP_MSG_RESVERR) |
	    MT(RSVP_MSG_PATHTEAR) | MT(RSVP_MSG_RESVTEAR),
	    MT(RSVP_MSG_PATH) | MT(RSVP_MSG_RESV) | MT(RSVP_MSG_RESVERR) |
	    MT(RSVP_MSG_PATHTEAR) | MT(RSVP_MSG_RESVTEAR), 0, 0 },
	{ RSVP_CLASS_TIME_VALUES, RSVP_HAS_TIME, OFF(time),
	    MT(RSVP_MSG_PATH) | MT(RSVP_MSG_RESV),
	    MT(RSVP_MSG_PATH) | MT(RSVP_MSG_RESV), 0, 0 },
	{ RSVP_CLASS_ERROR_SPEC, RSVP_HAS_ERROR, OFF(error),
	    MT(RSVP_MSG_PATHERR) | MT(RSVP_MSG_RESVERR) | MT(RSVP_MSG_RESVCONF),
	    MT(RSVP_MSG_PATHERR) | MT(RSVP_MSG_RESVERR) | MT(RSVP_MSG_RESVCONF),
	    0, 0 },
	{ RSVP_CLASS_RESV_CONFIRM, RSVP_HAS_CONFIRM, OFF(confirm),
	    MT(RSVP_MSG_RESV) | MT(RSVP_MSG_RESVCONF), MT(RSVP_MSG_RESVCONF),
	    0, 0 },
	{ RSVP_CLASS_EXPLICIT_ROUTE, RSVP_HAS_ERO, OFF(ero),
	    MT(RSVP_MSG_PATH), 0, 0, 0 },
	/* Every SESSION here is an LSP tunnel: RFC 3209 s4.2.1. */
	{ RSVP_CLASS_LABEL_REQUEST, RSVP_HAS_LABEL_REQUEST, OFF(label_req),
	    MT(RSVP_MSG_PATH), MT(RSVP_MSG_PATH), 0, 0 },
	{ RSVP_CLASS_SESSION_ATTRIBUTE, RSVP_HAS_SATTR, OFF(sattr),
	    MT(RSVP_MSG_PATH), 0, 0, 0 },
	{ RSVP_CLASS_HELLO, RSVP_HAS_HELLO, OFF(hello),
	    MT(RSVP_MSG_HELLO), MT(RSVP_MSG_HELLO), 0, 0 },
	{ RSVP_CLASS_SENDER_TEMPLATE, RSVP_HAS_SENDER, OFF(sender),
	    M_PATHF, MT(RSVP_MSG_PATH), 0, 1 },
	{ RSVP_CLASS_SENDER_TSPEC, RSVP_HAS_TSPEC, OFF(tspec),
	    M_PATHF, MT(RSVP_MSG_PATH), 0, 1 },
	{ RSVP_CLASS_ADSPEC, RSVP_HAS_ADSPEC, OFF(adspec),
	    M_PATHF, 0, 0, 1 },
	{ RSVP_CLASS_RECORD_ROUTE, RSVP_HAS_RRO, OFF(rro),
	    M_PATHF, 0, M_RESVF, 1 },
	{ RSVP_CLASS_STYLE, RSVP_HAS_STYLE, OFF(style),
	    M_RESVF, M_RESVF, 0, 1 },
	{ RSVP_CLASS_FLOWSPEC, 0, 0, 0, 0, M_RESVF, 1 },
	{ RSVP_CLASS_FILTER_SPEC, 0, 0, 0, 0, M_RESVF, 1 },
	{ RSVP_CLASS_LABEL, 0, 0, 0, 0, M_RESVF, 1 },
};

#define NRULES	(sizeof(rules) / sizeof(rules[0]))

#define ALL_HAS	(RSVP_HAS_SESSION | RSVP_HAS_HOP | RSVP_HAS_TIME | \
		    RSVP_HAS_ERROR | RSVP_HAS_CONFIRM | RSVP_HAS_ERO | \
		    RSVP_HAS_LABEL_REQUEST | RSVP_HAS_SATTR | RSVP_HAS_HELLO | \
		    RSVP_HAS_SENDER | RSVP_HAS_TSPEC | RSVP_HAS_ADSPEC | \
		    RSVP_HAS_RRO | RSVP_HAS_STYLE)

/* The message type's bit in the rule masks, 0 for an unknown type. */
static uint32_t
mt_bit(uint8_t type)
{
	if ((type >= RSVP_MSG_PATH && type <= RSVP_MSG_RESVCONF) ||
	    type == RSVP_MSG_HELLO)
		return MT(type);
	return 0;
}

static const struct rsvp_rule *
rule(uint8_t class_num)
{
	size_t i;

	for (i = 0; i < NRULES; i++)
		if (rules[i].class_num == class_num)
			return &rules[i];
	return NULL;
}

static void *
slot(struct rsvp_msg *m, const struct rsvp_rule *r)
{
	return (char *)m + r->off;
}

static const void *
cslot(const struct rsvp_msg *m, const struct rsvp_rule *r)
{
	return (const char *)m + r->off;
}

const char *
rsvp_msg_type_name(uint8_t type)
{
	switch (type) {
	case RSVP_MSG_PATH:
		return "Path";
	case RSVP_MSG_RESV:
		return "Resv";
	case RSVP_MSG_PATHERR:
		return "PathErr";
	case RSVP_MSG_RESVERR:
		return "ResvErr";
	case RSVP_MSG_PATHTEAR:
		return "PathTear";
	case RSVP_MSG_RESVTEAR:
		return "ResvTear";
	case RSVP_MSG_RESVCONF:
		return "ResvConf";
	case RSVP_MSG_HELLO:
		return "Hello";
	default:
		return "unknown";
	}
}

int
rsvp_msg_router_alert(uint8_t type)
{
	return type == RSVP_MSG_PATH || type == RSVP_MSG_PATHTEAR ||
	    type == RSVP_MSG_RESVCONF;
}

void
rsvp_msg_init(struct rsvp_msg *m, enum rsvp_msg_type type)
{
	memset(m, 0, sizeof(*m));
	m->type = (uint8_t)type;
	m->send_ttl = 255;
}

const struct rsvp_flowspec *
rsvp_fd_flowspec(const struct rsvp_msg *m, unsigned i)
{
	if (i >= m->n_fd || i >= RSVP_MAX_FLOWDESC)
		return NULL;
	for (;;) {
		if (m->fd[i].has & RSVP_FD_FLOWSPEC)
			return &m->fd[i].flowspec;
		if (i == 0)
			return NULL;
		i--;
	}
}

/* ---- decoding ------------------------------------------------------------ */

static enum rsvp_reason
fail(struct rsvp_derr *e, enum rsvp_reason r, size_t off, uint8_t cnum,
    uint8_t ctype)
{
	e->reason = r;
	e->offset = (uint32_t)off;
	e->class_num = cnum;
	e->ctype = ctype;
	return r;
}

/*
 * Reasons after which the rest of the message can still be read: the
 * object at fault was whole, only its content is refused, and the caller
 * wants the other objects to address the error message that most of
 * these call for (rsvp_derr_errspec).
 */
static int
soft(enum rsvp_reason r)
{
	return r == RSVP_R_unknown_class || r == RSVP_R_unknown_ctype ||
	    r == RSVP_R_bad_tspec || r == RSVP_R_bad_flowspec ||
	    r == RSVP_R_bad_service || r == RSVP_R_bad_adspec ||
	    r == RSVP_R_bad_style || r == RSVP_R_bad_label ||
	    r == RSVP_R_sub_len || r == RSVP_R_sub_size ||
	    r == RSVP_R_sub_prefix || r == RSVP_R_sub_full;
}

/*
 * A flow descriptor object of a Resv-family message.  FLOWSPEC opens a
 * descriptor; FILTER_SPEC joins one that holds only a FLOWSPEC; LABEL and
 * RECORD_ROUTE join the last descriptor unless it already has one (or,
 * for LABEL, a RECORD_ROUTE after it).
 */
static enum rsvp_reason
fd_place(struct rsvp_msg *m, uint8_t cnum, uint8_t ctype, const uint8_t *body,
    size_t blen)
{
	union {
		struct rsvp_flowspec	fs;
		struct rsvp_sender	filter;
		struct rsvp_label	label;
		struct rsvp_route	rro;
	} u;
	struct rsvp_flowdesc *cur = m->n_fd > 0 ? &m->fd[m->n_fd - 1] : NULL;
	enum rsvp_reason r;
	uint8_t bit;
	int fresh;

	if ((r = rsvp_obj_get(cnum, ctype, body, blen, &u)) != RSVP_R_ok)
		return r;
	switch (cnum) {
	case RSVP_CLASS_FLOWSPEC:
		bit = RSVP_FD_FLOWSPEC;
		fresh = 1;
		break;
	case RSVP_CLASS_FILTER_SPEC:
		bit = RSVP_FD_FILTER;
		fresh = cur == NULL || cur->has != RSVP_FD_FLOWSPEC;
		break;
	case RSVP_CLASS_LABEL:
		bit = RSVP_FD_LABEL;
		fresh = cur == NULL || (cur->has & (RSVP_FD_LABEL | RSVP_FD_RRO));
		break;
	default:
		bit = RSVP_FD_RRO;
		fresh = cur == NULL || (cur->has & RSVP_FD_RRO);
		break;
	}
	if (fresh) {
		if (m->n_fd == RSVP_MAX_FLOWDESC)
			return RSVP_R_flowdesc_full;
		cur = &m->fd[m->n_fd++];
	}
	cur->has |= bit;
	if (bit == RSVP_FD_FLOWSPEC)
		cur->flowspec = u.fs;
	else if (bit == RSVP_FD_FILTER)
		cur->filter = u.filter;
	else if (bit == RSVP_FD_LABEL)
		cur->label = u.label;
	else
		cur->rro = u.rro;
	return RSVP_R_ok;
}

/* An object of a class the codec does not know (RFC 2205 s3.10). */
static enum rsvp_reason
unknown_place(struct rsvp_msg *m, uint8_t cnum, const uint8_t *obj,
    size_t olen)
{
	switch (cnum & RSVP_CLASS_UNKNOWN_MASK) {
	case RSVP_CLASS_UNKNOWN_FORWARD:
		if (m->n_fwd == RSVP_FWD_MAX ||
		    olen > (size_t)RSVP_FWD_BYTES - m->fwd_len)
			return RSVP_R_fwd_full;
		memcpy(m->fwd + m->fwd_len, obj, olen);
		m->fwd_len = (uint16_t)(m->fwd_len + olen);
		m->n_fwd++;
		return RSVP_R_ok;
	case RSVP_CLASS_UNKNOWN_IGNORE:
		m->n_ignored++;
		return RSVP_R_ok;
	default:
		return RSVP_R_unknown_class;
	}
}

static enum rsvp_reason
obj_place(struct rsvp_msg *m, uint32_t bit, const uint8_t *obj, size_t olen)
{
	uint8_t cnum = obj[2], ctype = obj[3];
	const uint8_t *body = obj + RSVP_OBJ_HDR_LEN;
	size_t blen = olen - RSVP_OBJ_HDR_LEN;
	const struct rsvp_rule *ru;
	enum rsvp_reason r;

	if (cnum == RSVP_CLASS_NULL)
		return RSVP_R_ok;	/* RFC 2205 A.1: ignored anywhere */
	if ((ru = rule(cnum)) == NULL)
		return unknown_place(m, cnum, obj, olen);
	if (ru->fd & bit)
		return fd_place(m, cnum, ctype, body, blen);
	if (!(ru->allowed & bit))
		return RSVP_R_not_allowed;
	if (m->present & ru->has)
		return RSVP_R_duplicate;
	r = rsvp_obj_get(cnum, ctype, body, blen, slot(m, ru));
	if (r == RSVP_R_ok)
		m->present |= ru->has;
	return r;
}

enum rsvp_reason
rsvp_msg_decode(const uint8_t *p, size_t len, struct rsvp_msg *m,
    struct rsvp_derr *e)
{
	struct rsvp_derr first = { .reason = RSVP_R_ok };
	size_t mlen, off, olen;
	enum rsvp_reason r;
	uint32_t bit;

	memset(m, 0, sizeof(*m));
	memset(e, 0, sizeof(*e));
	if (len < RSVP_HDR_LEN)
		return fail(e, RSVP_R_short, 0, 0, 0);
	if (p[0] >> 4 != RSVP_VERSION)
		return fail(e, RSVP_R_bad_version, 0, 0, 0);
	m->flags = p[0] & 0x0f;
	m->type = p[1];
	m->send_ttl = p[4];
	if ((bit = mt_bit(m->type)) == 0)
		return fail(e, RSVP_R_bad_type, 1, 0, 0);
	e->msg_type = m->type;
	mlen = (size_t)p[6] << 8 | p[7];
	if (mlen > len)
		return fail(e, RSVP_R_len_over, 6, 0, 0);
	if (mlen < len)
		return fail(e, RSVP_R_len_under, 6, 0, 0);
	if (mlen % 4 != 0)
		return fail(e, RSVP_R_len_align, 6, 0, 0);
	if ((p[2] != 0 || p[3] != 0) && inet_csum(p, mlen) != 0)
		return fail(e, RSVP_R_bad_checksum, 2, 0, 0);

	for (off = RSVP_HDR_LEN; off < mlen; off += olen) {
		if (mlen - off < RSVP_OBJ_HDR_LEN)
			return fail(e, RSVP_R_obj_past_end, off, 0, 0);
		olen = (size_t)p[off] << 8 | p[off + 1];
		if (olen < RSVP_OBJ_HDR_LEN)
			return fail(e, RSVP_R_obj_len_small, off, p[off + 2],
			    p[off + 3]);
		if (olen % 4 != 0)
			return fail(e, RSVP_R_obj_len_align, off, p[off + 2],
			    p[off + 3]);
		if (olen > mlen - off)
			return fail(e, RSVP_R_obj_past_end, off, p[off + 2],
			    p[off + 3]);
		r = obj_place(m, bit, p + off, olen);
		if (r == RSVP_R_ok)
			continue;
		if (!soft(r))
			return fail(e, r, off, p[off + 2], p[off + 3]);
		if (first.reason == RSVP_R_ok)
			fail(&first, r, off, p[off + 2], p[off + 3]);
	}
	if (first.reason != RSVP_R_ok)
		return fail(e, first.reason, first.offset, first.class_num,
		    first.ctype);
	return rsvp_msg_check(m, e);
}

/* ---- the rules ----------------------------------------------------------- */

static enum rsvp_reason
fd_check(const struct rsvp_msg *m, struct rsvp_derr *e)
{
	const struct rsvp_flowdesc *fd;
	int resv = m->type == RSVP_MSG_RESV;
	unsigned i;

	if (m->n_fd > RSVP_MAX_FLOWDESC)
		return fail(e, RSVP_R_bad_value, 0, 0, 0);
	if (m->style.option != RSVP_STYLE_FF &&
	    m->style.option != RSVP_STYLE_SE &&
	    m->style.option != RSVP_STYLE_WF)
		return fail(e, RSVP_R_bad_style, 0, RSVP_CLASS_STYLE, 1);
	/* A ResvErr's error flow descriptor is optional; the others
	 * need a flow descriptor list. */
	if (m->n_fd == 0 && m->type != RSVP_MSG_RESVERR)
		return fail(e, RSVP_R_missing, 0,
		    m->style.option == RSVP_STYLE_WF ? RSVP_CLASS_FLOWSPEC :
		    RSVP_CLASS_FILTER_SPEC, 0);

	if (m->style.option == RSVP_STYLE_WF) {
		/* <WF flow descriptor> ::= <FLOWSPEC>, with no filter */
		if (m->n_fd > 1)
			return fail(e, RSVP_R_bad_flowdesc, 0,
			    RSVP_CLASS_FLOWSPEC, 0);
		if (m->n_fd == 1 && (m->fd[0].has & RSVP_FD_FILTER))
			return fail(e, RSVP_R_bad_flowdesc, 0,
			    RSVP_CLASS_FILTER_SPEC, 0);
		if (resv && !(m->fd[0].has & RSVP_FD_FLOWSPEC))
			return fail(e, RSVP_R_missing, 0, RSVP_CLASS_FLOWSPEC,
			    0);
		return RSVP_R_ok;
	}
	for (i = 0; i < m->n_fd; i++) {
		fd = &m->fd[i];
		if (!(fd->has & RSVP_FD_FILTER))
			return fail(e, RSVP_R_missing, 0,
			    RSVP_CLASS_FILTER_SPEC, 0);
		if (!resv)
			continue;
		/* A Resv carries the label of each filter (RFC 3209 s4.1). */
		if (!(fd->has & RSVP_FD_LABEL))
			return fail(e, RSVP_R_missing, 0, RSVP_CLASS_LABEL, 0);
		if (i == 0 && !(fd->has & RSVP_FD_FLOWSPEC))
			return fail(e, RSVP_R_missing, 0, RSVP_CLASS_FLOWSPEC,
			    0);
		/* SE: one FLOWSPEC for the whole list of filters. */
		if (i > 0 && m->style.option == RSVP_STYLE_SE &&
		    (fd->has & RSVP_FD_FLOWSPEC))
			return fail(e, RSVP_R_bad_flowdesc, 0,
			    RSVP_CLASS_FLOWSPEC, 0);
	}
	return RSVP_R_ok;
}

enum rsvp_reason
rsvp_msg_check(const struct rsvp_msg *m, struct rsvp_derr *e)
{
	uint32_t bit = mt_bit(m->type);
	size_t i;

	e->reason = RSVP_R_ok;
	e->msg_type = m->type;
	if (bit == 0)
		return fail(e, RSVP_R_bad_type, 0, 0, 0);
	if (m->present & ~ALL_HAS)
		return fail(e, RSVP_R_bad_value, 0, 0, 0);
	for (i = 0; i < NRULES; i++) {
		if (rules[i].has == 0)
			continue;
		if ((m->present & rules[i].has) && !(rules[i].allowed & bit))
			return fail(e, RSVP_R_not_allowed, 0,
			    rules[i].class_num, 0);
		if (!(m->present & rules[i].has) && (rules[i].required & bit))
			return fail(e, RSVP_R_missing, 0, rules[i].class_num, 0);
	}
	if (bit & M_RESVF)
		return fd_check(m, e);
	if (m->n_fd != 0)
		return fail(e, RSVP_R_not_allowed, 0, RSVP_CLASS_FILTER_SPEC, 0);
	return RSVP_R_ok;
}

/* ---- encoding ------------------------------------------------------------ */

/* The kept unknowns must be whole 11bbbbbb objects end to end. */
static int
fwd_ok(const struct rsvp_msg *m)
{
	size_t off = 0, olen;
	unsigned n = 0;

	if (m->fwd_len > RSVP_FWD_BYTES || m->n_fwd > RSVP_FWD_MAX)
		return 0;
	while (off < m->fwd_len) {
		if (m->fwd_len - off < RSVP_OBJ_HDR_LEN)
			return 0;
		olen = (size_t)m->fwd[off] << 8 | m->fwd[off + 1];
		if (olen < RSVP_OBJ_HDR_LEN || olen % 4 != 0 ||
		    olen > m->fwd_len - off ||
		    (m->fwd[off + 2] & RSVP_CLASS_UNKNOWN_MASK) !=
		    RSVP_CLASS_UNKNOWN_FORWARD || rule(m->fwd[off + 2]) != NULL)
			return 0;
		off += olen;
		n++;
	}
	return n == m->n_fwd;
}

static enum rsvp_reason
put_rows(struct rsvp_wr *w, const struct rsvp_msg *m, uint32_t bit, int tail,
    struct rsvp_derr *e)
{
	enum rsvp_reason r;
	size_t i;

	for (i = 0; i < NRULES; i++) {
		if (rules[i].tail != tail || rules[i].has == 0 ||
		    !(m->present & rules[i].has) || !(rules[i].allowed & bit))
			continue;
		r = rsvp_obj_put(w, rules[i].class_num, cslot(m, &rules[i]));
		if (r != RSVP_R_ok)
			return fail(e, r, w->len, rules[i].class_num, 0);
	}
	return RSVP_R_ok;
}

static enum rsvp_reason
put_fds(struct rsvp_wr *w, const struct rsvp_msg *m, struct rsvp_derr *e)
{
	static const struct {
		uint8_t	 bit;
		uint8_t	 class_num;
		size_t	 off;
	} parts[] = {
		{ RSVP_FD_FLOWSPEC, RSVP_CLASS_FLOWSPEC,
		    offsetof(struct rsvp_flowdesc, flowspec) },
		{ RSVP_FD_FILTER, RSVP_CLASS_FILTER_SPEC,
		    offsetof(struct rsvp_flowdesc, filter) },
		{ RSVP_FD_LABEL, RSVP_CLASS_LABEL,
		    offsetof(struct rsvp_flowdesc, label) },
		{ RSVP_FD_RRO, RSVP_CLASS_RECORD_ROUTE,
		    offsetof(struct rsvp_flowdesc, rro) },
	};
	enum rsvp_reason r;
	unsigned i, j;

	for (i = 0; i < m->n_fd; i++) {
		if (m->fd[i].has & ~0x0fu)
			return fail(e, RSVP_R_bad_value, w->len, 0, 0);
		for (j = 0; j < sizeof(parts) / sizeof(parts[0]); j++) {
			if (!(m->fd[i].has & parts[j].bit))
				continue;
			r = rsvp_obj_put(w, parts[j].class_num,
			    (const char *)&m->fd[i] + parts[j].off);
			if (r != RSVP_R_ok)
				return fail(e, r, w->len, parts[j].class_num, 0);
		}
	}
	return RSVP_R_ok;
}

int
rsvp_msg_encode(const struct rsvp_msg *m, uint8_t *buf, size_t cap,
    struct rsvp_derr *e)
{
	struct rsvp_wr w;
	uint32_t bit = mt_bit(m->type);
	uint16_t csum;

	memset(e, 0, sizeof(*e));
	if (rsvp_msg_check(m, e) != RSVP_R_ok)
		return -1;
	if (m->flags > 0x0f || !fwd_ok(m)) {
		fail(e, RSVP_R_bad_value, 0, 0, 0);
		return -1;
	}
	rsvp_wr_init(&w, buf, cap);
	rsvp_put8(&w, RSVP_VERSION << 4 | m->flags);
	rsvp_put8(&w, m->type);
	rsvp_put16(&w, 0);			/* checksum, below */
	rsvp_put8(&w, m->send_ttl);
	rsvp_put8(&w, 0);
	rsvp_put16(&w, 0);			/* length, below */
	if (put_rows(&w, m, bit, 0, e) != RSVP_R_ok)
		return -1;
	rsvp_putn(&w, m->fwd, m->fwd_len);
	if (put_rows(&w, m, bit, 1, e) != RSVP_R_ok)
		return -1;
	if ((bit & M_RESVF) && put_fds(&w, m, e) != RSVP_R_ok)
		return -1;
	if (w.overflow) {
		fail(e, RSVP_R_no_space, w.cap, 0, 0);
		return -1;
	}
	/* Not reachable with today's array sizes (under 10 KB at most);
	 * kept so that raising them cannot wrap the 16-bit length. */
	if (w.len > RSVP_MSG_MAX) {
		fail(e, RSVP_R_too_long, w.len, 0, 0);
		return -1;
	}
	rsvp_wr_set16(&w, 6, (uint16_t)w.len);
	/* As in UDP: a computed 0 goes out as its equal ffff, since 0
	 * would say no checksum was sent. */
	csum = inet_csum(buf, w.len);
	if (csum == 0)
		csum = 0xffff;
	rsvp_wr_set16(&w, 2, csum);
	return (int)w.len;
}

/* ---- equality ------------------------------------------------------------ */

static int
fd_equal(const struct rsvp_flowdesc *a, const struct rsvp_flowdesc *b)
{
	if (a->has != b->has)
		return 0;
	if ((a->has & RSVP_FD_FLOWSPEC) &&
	    !rsvp_flowspec_equal(&a->flowspec, &b->flowspec))
		return 0;
	if ((a->has & RSVP_FD_FILTER) &&
	    !rsvp_obj_equal(RSVP_CLASS_FILTER_SPEC, &a->filter, &b->filter))
		return 0;
	if ((a->has & RSVP_FD_LABEL) && a->label.label != b->label.label)
		return 0;
	return !(a->has & RSVP_FD_RRO) || rsvp_route_equal(&a->rro, &b->rro);
}

/* n_ignored is what decoding saw, not the message: it is not compared. */
int
rsvp_msg_equal(const struct rsvp_msg *a, const struct rsvp_msg *b)
{
	size_t i;

	if (a->type != b->type || a->flags != b->flags ||
	    a->send_ttl != b->send_ttl || a->present != b->present ||
	    a->n_fd != b->n_fd || a->n_fd > RSVP_MAX_FLOWDESC ||
	    a->n_fwd != b->n_fwd || a->fwd_len != b->fwd_len ||
	    a->fwd_len > RSVP_FWD_BYTES ||
	    memcmp(a->fwd, b->fwd, a->fwd_len) != 0)
		return 0;
	for (i = 0; i < NRULES; i++) {
		if (rules[i].has == 0 || !(a->present & rules[i].has))
			continue;
		if (!rsvp_obj_equal(rules[i].class_num, cslot(a, &rules[i]),
		    cslot(b, &rules[i])))
			return 0;
	}
	for (i = 0; i < a->n_fd; i++)
		if (!fd_equal(&a->fd[i], &b->fd[i]))
			return 0;
	return 1;
}
