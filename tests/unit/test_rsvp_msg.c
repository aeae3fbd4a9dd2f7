/*
 * RSVP messages: every message type round trips; a Path and a Resv
 * written out by hand from the RFC diagrams decode to the exact fields
 * and the encoder reproduces them byte for byte; every truncation, lying
 * length, unknown class and missing, duplicate or misplaced object is
 * refused with its reason; and 100 000 random byte flips never crash the
 * decoder, whose every success re-encodes.
 *
 * With RSVP_PCAP_OUT=path in the environment this program only writes
 * every message it builds, in Ethernet/IPv4 (Router Alert where RFC 2205
 * wants it), to that pcap: tests/rsvp/tshark-check reads it with tshark.
 */
#include <arpa/inet.h>
#include <math.h>
#include <pcap/pcap.h>
#include <stdio.h>

#include "testutil.h"

#include "inet.h"
#include "rsvp.h"

static struct in_addr
A(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		abort();
	return a;
}

static struct rsvp_msg *
msg_new(void)
{
	struct rsvp_msg *m = malloc(sizeof(*m));

	assert_non_null(m);
	memset(m, 0, sizeof(*m));
	return m;
}

/* ---- the hand-written messages --------------------------------------------
 * Laid out from RFC 2205 s3.1 and A, RFC 2210 s3 and RFC 3209 s4 without
 * the encoder.  Float words: 125000 = 47f42400, 1500 = 44bb8000, +inf =
 * 7f800000, 12500000 = 4b3ebc20.  Checksums are the RFC 1071 sums of the
 * bytes (checked below by a reference sum written here, too).
 */
static const uint8_t GOLDEN_PATH[232] = {
	/* common header: version 1, flags 0, Path; checksum; TTL 63;
	 * reserved; length 232 */
	0x10, 0x01, 0x02, 0x0c, 0x3f, 0x00, 0x00, 0xe8,
	/* SESSION LSP_TUNNEL_IPv4: 10.0.0.9, 0, tunnel 42, ext 10.0.0.1 */
	0x00, 0x10, 0x01, 0x07, 0x0a, 0x00, 0x00, 0x09,
	0x00, 0x00, 0x00, 0x2a, 0x0a, 0x00, 0x00, 0x01,
	/* RSVP_HOP IPv4: 10.0.0.1, LIH 5 */
	0x00, 0x0c, 0x03, 0x01, 0x0a, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x05,
	/* TIME_VALUES: 30000 ms */
	0x00, 0x08, 0x05, 0x01, 0x00, 0x00, 0x75, 0x30,
	/* EXPLICIT_ROUTE: strict 10.0.1.2/32, loose 10.0.0.9/32 */
	0x00, 0x14, 0x14, 0x01,
	0x01, 0x08, 0x0a, 0x00, 0x01, 0x02, 0x20, 0x00,
	0x81, 0x08, 0x0a, 0x00, 0x00, 0x09, 0x20, 0x00,
	/* LABEL_REQUEST: L3PID 0x0800 */
	0x00, 0x08, 0x13, 0x01, 0x00, 0x00, 0x08, 0x00,
	/* SESSION_ATTRIBUTE: setup 7, hold 7, label recording + SE,
	 * "lsp-a" padded */
	0x00, 0x10, 0xcf, 0x07, 0x07, 0x07, 0x06, 0x05,
	0x6c, 0x73, 0x70, 0x2d, 0x61, 0x00, 0x00, 0x00,
	/* SENDER_TEMPLATE: 10.0.0.1, LSP 1 */
	0x00, 0x0c, 0x0b, 0x07, 0x0a, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x01,
	/* SENDER_TSPEC: r 125000, b 1500, p inf, m 64, M 1500 */
	0x00, 0x24, 0x0c, 0x02, 0x00, 0x00, 0x00, 0x07,
	0x01, 0x00, 0x00, 0x06, 0x7f, 0x00, 0x00, 0x05,
	0x47, 0xf4, 0x24, 0x00, 0x44, 0xbb, 0x80, 0x00,
	0x7f, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40,
	0x00, 0x00, 0x05, 0xdc,
	/* ADSPEC: 19 words; general (hops 1, bw 12500000, latency 100,
	 * MTU 1500); Guaranteed (Ctot 16, Dtot 32, Csum 48, Dsum 64);
	 * Controlled-Load, empty */
	0x00, 0x54, 0x0d, 0x02, 0x00, 0x00, 0x00, 0x13,
	0x01, 0x00, 0x00, 0x08,
	0x04, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
	0x06, 0x00, 0x00, 0x01, 0x4b, 0x3e, 0xbc, 0x20,
	0x08, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x64,
	0x0a, 0x00, 0x00, 0x01, 0x00, 0x00, 0x05, 0xdc,
	0x02, 0x00, 0x00, 0x08,
	0x85, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x10,
	0x86, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x20,
	0x87, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x30,
	0x88, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x40,
	0x05, 0x00, 0x00, 0x00,
	/* RECORD_ROUTE: 10.0.0.1/32 */
	0x00, 0x0c, 0x15, 0x01, 0x01, 0x08, 0x0a, 0x00,
	0x00, 0x01, 0x20, 0x00,
};

static const uint8_t GOLDEN_RESV[140] = {
	/* common header: Resv, checksum, TTL 63, length 140 */
	0x10, 0x02, 0x6b, 0x17, 0x3f, 0x00, 0x00, 0x8c,
	/* SESSION: as in the Path */
	0x00, 0x10, 0x01, 0x07, 0x0a, 0x00, 0x00, 0x09,
	0x00, 0x00, 0x00, 0x2a, 0x0a, 0x00, 0x00, 0x01,
	/* RSVP_HOP: 10.0.1.2, LIH 7 */
	0x00, 0x0c, 0x03, 0x01, 0x0a, 0x00, 0x01, 0x02,
	0x00, 0x00, 0x00, 0x07,
	/* TIME_VALUES: 30000 ms */
	0x00, 0x08, 0x05, 0x01, 0x00, 0x00, 0x75, 0x30,
	/* STYLE: SE */
	0x00, 0x08, 0x08, 0x01, 0x00, 0x00, 0x00, 0x12,
	/* FLOWSPEC Guaranteed: the Tspec, then R 125000, S 0 */
	0x00, 0x30, 0x09, 0x02, 0x00, 0x00, 0x00, 0x0a,
	0x02, 0x00, 0x00, 0x09, 0x7f, 0x00, 0x00, 0x05,
	0x47, 0xf4, 0x24, 0x00, 0x44, 0xbb, 0x80, 0x00,
	0x7f, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40,
	0x00, 0x00, 0x05, 0xdc, 0x82, 0x00, 0x00, 0x02,
	0x47, 0xf4, 0x24, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* FILTER_SPEC: 10.0.0.1, LSP 1 */
	0x00, 0x0c, 0x0a, 0x07, 0x0a, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x01,
	/* LABEL: 1000 */
	0x00, 0x08, 0x10, 0x01, 0x00, 0x00, 0x03, 0xe8,
	/* RECORD_ROUTE: label 1000 (global), then 10.0.1.2/32 */
	0x00, 0x14, 0x15, 0x01,
	0x03, 0x08, 0x01, 0x01, 0x00, 0x00, 0x03, 0xe8,
	0x01, 0x08, 0x0a, 0x00, 0x01, 0x02, 0x20, 0x00,
};

/* RFC 1071 by its definition: the sum of 16-bit words modulo 0xffff. */
static uint16_t
ref_csum(const uint8_t *p, size_t len)
{
	uint64_t sum = 0, s;
	size_t i;

	for (i = 0; i < len; i++)
		sum += (i % 2 == 0) ? (uint64_t)p[i] * 256 : p[i];
	s = sum % 0xffff;
	if (s == 0 && sum != 0)
		s = 0xffff;
	return (uint16_t)(0xffff - s);
}

static void
tb_set(struct rsvp_tspec *t)
{
	t->r = 125000.0f;
	t->b = 1500.0f;
	t->p = INFINITY;
	t->m = 64;
	t->M = 1500;
}

static void
common(struct rsvp_msg *m, enum rsvp_msg_type t)
{
	rsvp_msg_init(m, t);
	m->send_ttl = 63;
	m->present = RSVP_HAS_SESSION;
	m->session.endpoint = A("10.0.0.9");
	m->session.tunnel_id = 42;
	m->session.ext_tunnel_id = 0x0a000001;
}

static struct rsvp_subobj
sub4(const char *a, uint8_t plen, int loose)
{
	struct rsvp_subobj s;

	memset(&s, 0, sizeof(s));
	s.type = RSVP_SUB_IPV4;
	s.addr = A(a);
	s.plen = plen;
	s.loose = (uint8_t)loose;
	return s;
}

/* The golden Path as a struct, field by field from its diagram. */
static void
golden_path_msg(struct rsvp_msg *m)
{
	common(m, RSVP_MSG_PATH);
	m->present |= RSVP_HAS_HOP | RSVP_HAS_TIME | RSVP_HAS_ERO |
	    RSVP_HAS_LABEL_REQUEST | RSVP_HAS_SATTR | RSVP_HAS_SENDER |
	    RSVP_HAS_TSPEC | RSVP_HAS_ADSPEC | RSVP_HAS_RRO;
	m->hop.addr = A("10.0.0.1");
	m->hop.lih = 5;
	m->time.refresh_ms = 30000;
	m->ero.n = 2;
	m->ero.sub[0] = sub4("10.0.1.2", 32, 0);
	m->ero.sub[1] = sub4("10.0.0.9", 32, 1);
	m->label_req.l3pid = 0x0800;
	m->sattr.setup_prio = 7;
	m->sattr.hold_prio = 7;
	m->sattr.flags = RSVP_SATTR_LABEL_REC | RSVP_SATTR_SE_STYLE;
	m->sattr.name_len = 5;
	strcpy(m->sattr.name, "lsp-a");
	m->sender.addr = A("10.0.0.1");
	m->sender.lsp_id = 1;
	tb_set(&m->tspec);
	m->adspec.gen_present = 1;
	m->adspec.gen_has = 0x0f;
	m->adspec.hops = 1;
	m->adspec.bw = 12500000.0f;
	m->adspec.min_latency = 100;
	m->adspec.mtu = 1500;
	m->adspec.gs_present = 1;
	m->adspec.gs_has = 0x0f;
	m->adspec.ctot = 16;
	m->adspec.dtot = 32;
	m->adspec.csum = 48;
	m->adspec.dsum = 64;
	m->adspec.cl_present = 1;
	m->rro.n = 1;
	m->rro.sub[0] = sub4("10.0.0.1", 32, 0);
}

static void
golden_resv_msg(struct rsvp_msg *m)
{
	struct rsvp_flowdesc *fd = &m->fd[0];

	common(m, RSVP_MSG_RESV);
	m->present |= RSVP_HAS_HOP | RSVP_HAS_TIME | RSVP_HAS_STYLE;
	m->hop.addr = A("10.0.1.2");
	m->hop.lih = 7;
	m->time.refresh_ms = 30000;
	m->style.option = RSVP_STYLE_SE;
	m->n_fd = 1;
	fd->has = RSVP_FD_FLOWSPEC | RSVP_FD_FILTER | RSVP_FD_LABEL |
	    RSVP_FD_RRO;
	fd->flowspec.service = RSVP_SVC_GUARANTEED;
	tb_set(&fd->flowspec.tspec);
	fd->flowspec.R = 125000.0f;
	fd->flowspec.S = 0;
	fd->filter.addr = A("10.0.0.1");
	fd->filter.lsp_id = 1;
	fd->label.label = 1000;
	fd->rro.n = 2;
	fd->rro.sub[0].type = RSVP_SUB_LABEL;
	fd->rro.sub[0].flags = RSVP_RRO_GLOBAL_LABEL;
	fd->rro.sub[0].ctype = 1;
	fd->rro.sub[0].label = 1000;
	fd->rro.sub[1] = sub4("10.0.1.2", 32, 0);
}

/* ---- one sample of each message type ------------------------------------- */

enum sample {
	S_PATH, S_RESV_SE, S_RESV_FF, S_PATHERR, S_RESVERR, S_PATHTEAR,
	S_RESVTEAR, S_RESVCONF, S_HELLO_REQ, S_HELLO_ACK, S_RESV_WF,
	S_PATH_MIN, S_PATH_FWD, S_COUNT
};

static void
sample(struct rsvp_msg *m, enum sample s)
{
	struct rsvp_flowdesc *fd = m->fd;
	unsigned i;

	switch (s) {
	case S_PATH:
	case S_PATH_FWD:
		golden_path_msg(m);
		m->ero.n = 3;		/* and an opaque IPv6 prefix */
		m->ero.sub[2].type = RSVP_SUB_IPV6;
		m->ero.sub[2].loose = 1;
		m->ero.sub[2].opaque = 1;
		m->ero.sub[2].raw_len = 18;
		m->ero.sub[2].raw[0] = 0x20;
		m->ero.sub[2].raw[1] = 0x01;
		m->ero.sub[2].raw[2] = 0x0d;
		m->ero.sub[2].raw[3] = 0xb8;
		m->ero.sub[2].raw[15] = 0x09;
		m->ero.sub[2].raw[16] = 128;
		m->rro.n = 2;
		m->rro.sub[1].type = RSVP_SUB_LABEL;
		m->rro.sub[1].flags = RSVP_RRO_GLOBAL_LABEL;
		m->rro.sub[1].ctype = 1;
		m->rro.sub[1].label = 2001;
		if (s == S_PATH_FWD) {
			/* two unknown 11bbbbbb objects to pass on */
			static const uint8_t fwd[] = {
			    0x00, 0x08, 0xc5, 0x01, 1, 2, 3, 4,
			    0x00, 0x0c, 0xfe, 0x09, 5, 6, 7, 8, 9, 10, 11, 12 };

			memcpy(m->fwd, fwd, sizeof(fwd));
			m->fwd_len = sizeof(fwd);
			m->n_fwd = 2;
		}
		break;
	case S_PATH_MIN:
		common(m, RSVP_MSG_PATH);
		m->present |= RSVP_HAS_HOP | RSVP_HAS_TIME |
		    RSVP_HAS_LABEL_REQUEST | RSVP_HAS_SENDER | RSVP_HAS_TSPEC;
		m->hop.addr = A("10.0.0.1");
		m->time.refresh_ms = 30000;
		m->label_req.l3pid = 0x0800;
		m->sender.addr = A("10.0.0.1");
		m->sender.lsp_id = 3;
		tb_set(&m->tspec);
		break;
	case S_RESV_SE:
		golden_resv_msg(m);
		m->n_fd = 2;
		fd[1].has = RSVP_FD_FILTER | RSVP_FD_LABEL;
		fd[1].filter.addr = A("10.0.0.1");
		fd[1].filter.lsp_id = 2;
		fd[1].label.label = 1001;
		break;
	case S_RESV_FF:
		golden_resv_msg(m);
		m->present |= RSVP_HAS_CONFIRM;
		m->confirm.receiver = A("10.0.0.9");
		m->style.option = RSVP_STYLE_FF;
		fd[0].flowspec.service = RSVP_SVC_CL;
		fd[0].has &= (uint8_t)~RSVP_FD_RRO;
		m->n_fd = 3;
		fd[1].has = RSVP_FD_FILTER | RSVP_FD_LABEL;	/* carried */
		fd[1].filter.addr = A("10.0.0.2");
		fd[1].filter.lsp_id = 1;
		fd[1].label.label = 1001;
		fd[2].has = RSVP_FD_FLOWSPEC | RSVP_FD_FILTER | RSVP_FD_LABEL;
		fd[2].flowspec.service = RSVP_SVC_CL;
		tb_set(&fd[2].flowspec.tspec);
		fd[2].flowspec.tspec.r = 1000.0f;
		fd[2].filter.addr = A("10.0.0.3");
		fd[2].filter.lsp_id = 9;
		fd[2].label.label = 1002;
		break;
	case S_RESV_WF:
		golden_resv_msg(m);
		m->style.option = RSVP_STYLE_WF;
		fd[0].has = RSVP_FD_FLOWSPEC;
		break;
	case S_PATHERR:
		common(m, RSVP_MSG_PATHERR);
		m->present |= RSVP_HAS_ERROR | RSVP_HAS_SENDER | RSVP_HAS_TSPEC;
		m->error.node = A("10.0.1.2");
		m->error.code = RSVP_ERR_ROUTING;
		m->error.value = RSVP_ERRV_RP_NO_ROUTE;
		m->sender.addr = A("10.0.0.1");
		m->sender.lsp_id = 1;
		tb_set(&m->tspec);
		break;
	case S_RESVERR:
		common(m, RSVP_MSG_RESVERR);
		m->present |= RSVP_HAS_HOP | RSVP_HAS_ERROR | RSVP_HAS_STYLE;
		m->hop.addr = A("10.0.0.1");
		m->hop.lih = 5;
		m->error.node = A("10.0.0.1");
		m->error.flags = RSVP_ERRF_INPLACE;
		m->error.code = RSVP_ERR_ADMISSION;
		m->error.value = RSVP_ERRV_ADM_BANDWIDTH;
		m->style.option = RSVP_STYLE_FF;
		m->n_fd = 1;
		fd[0].has = RSVP_FD_FLOWSPEC | RSVP_FD_FILTER;
		fd[0].flowspec.service = RSVP_SVC_CL;
		tb_set(&fd[0].flowspec.tspec);
		fd[0].filter.addr = A("10.0.0.1");
		fd[0].filter.lsp_id = 1;
		break;
	case S_PATHTEAR:
		common(m, RSVP_MSG_PATHTEAR);
		m->present |= RSVP_HAS_HOP | RSVP_HAS_SENDER;
		m->hop.addr = A("10.0.0.1");
		m->hop.lih = 5;
		m->sender.addr = A("10.0.0.1");
		m->sender.lsp_id = 1;
		break;
	case S_RESVTEAR:
		common(m, RSVP_MSG_RESVTEAR);
		m->present |= RSVP_HAS_HOP | RSVP_HAS_STYLE;
		m->hop.addr = A("10.0.1.2");
		m->hop.lih = 7;
		m->style.option = RSVP_STYLE_SE;
		m->n_fd = 2;
		for (i = 0; i < 2; i++) {
			fd[i].has = RSVP_FD_FILTER;
			fd[i].filter.addr = A("10.0.0.1");
			fd[i].filter.lsp_id = (uint16_t)(1 + i);
		}
		break;
	case S_RESVCONF:
		common(m, RSVP_MSG_RESVCONF);
		m->present |= RSVP_HAS_ERROR | RSVP_HAS_CONFIRM | RSVP_HAS_STYLE;
		m->error.node = A("10.0.0.9");
		m->error.code = RSVP_ERR_CONFIRM;
		m->confirm.receiver = A("10.0.0.9");
		m->style.option = RSVP_STYLE_FF;
		m->n_fd = 1;
		fd[0].has = RSVP_FD_FLOWSPEC | RSVP_FD_FILTER | RSVP_FD_LABEL;
		fd[0].flowspec.service = RSVP_SVC_CL;
		tb_set(&fd[0].flowspec.tspec);
		fd[0].filter.addr = A("10.0.0.1");
		fd[0].filter.lsp_id = 1;
		fd[0].label.label = 1000;
		break;
	case S_HELLO_REQ:
	case S_HELLO_ACK:
		rsvp_msg_init(m, RSVP_MSG_HELLO);
		m->send_ttl = 1;
		m->present = RSVP_HAS_HELLO;
		m->hello.src_instance = 0x11111111;
		if (s == S_HELLO_ACK) {
			m->hello.ack = 1;
			m->hello.src_instance = 0x22222222;
			m->hello.dst_instance = 0x11111111;
		}
		break;
	case S_COUNT:
	default:
		fail();
	}
}

/* Encodes sample s into a fresh exact-size heap buffer. */
static uint8_t *
sample_bytes(enum sample s, size_t *len_r)
{
	struct rsvp_msg *m = msg_new();
	struct rsvp_derr e;
	uint8_t buf[8192];
	int n;

	sample(m, s);
	n = rsvp_msg_encode(m, buf, sizeof(buf), &e);
	if (n < 0)
		fail_msg("sample %d: %s (class %u)", s, rsvp_reason_str(e.reason),
		    e.class_num);
	free(m);
	*len_r = n > 0 ? (size_t)n : 0;
	return tu_exact(buf, *len_r);
}

static enum rsvp_reason
dec(const uint8_t *p, size_t len, struct rsvp_derr *e)
{
	struct rsvp_msg *m = msg_new();
	uint8_t *x = tu_exact(p, len);
	struct rsvp_derr dummy;
	enum rsvp_reason r;

	r = rsvp_msg_decode(x, len, m, e != NULL ? e : &dummy);
	free(x);
	free(m);
	return r;
}

/* ---- byte surgery on encoded messages ------------------------------------ */

/* Sets the length field to len and the checksum to none. */
static void
fix_header(uint8_t *p, size_t len)
{
	p[6] = (uint8_t)(len >> 8);
	p[7] = (uint8_t)len;
	p[2] = p[3] = 0;
}

/* Inserts obj before byte at; returns a new exact buffer. */
static uint8_t *
splice(const uint8_t *p, size_t len, size_t at, const uint8_t *obj,
    size_t olen, size_t *len_r)
{
	uint8_t *x = malloc(len + olen);

	assert_non_null(x);
	memcpy(x, p, at);
	memcpy(x + at, obj, olen);
	memcpy(x + at + olen, p + at, len - at);
	fix_header(x, len + olen);
	*len_r = len + olen;
	return x;
}

/* Offset of the first object of class c, or 0. */
static size_t
find_obj(const uint8_t *p, size_t len, uint8_t c)
{
	size_t off = RSVP_HDR_LEN;

	while (off + 4 <= len) {
		if (p[off + 2] == c)
			return off;
		off += (size_t)(p[off] << 8 | p[off + 1]);
	}
	return 0;
}

/* Removes the first object of class c; returns a new exact buffer. */
static uint8_t *
cut(const uint8_t *p, size_t len, uint8_t c, size_t *len_r)
{
	size_t off = find_obj(p, len, c), olen;
	uint8_t *x;

	assert_int_not_equal(off, 0);
	olen = (size_t)(p[off] << 8 | p[off + 1]);
	x = malloc(len - olen);
	assert_non_null(x);
	memcpy(x, p, off);
	memcpy(x + off, p + off + olen, len - off - olen);
	fix_header(x, len - olen);
	*len_r = len - olen;
	return x;
}

/* ---- round trips ------------------------------------------------------------ */

static void
test_roundtrip_all(void **state)
{
	struct rsvp_msg *m = msg_new(), *d = msg_new();
	struct rsvp_derr e;
	uint8_t buf[8192], again[8192], *x;
	int n, n2;
	unsigned s;

	(void)state;
	for (s = 0; s < S_COUNT; s++) {
		sample(m, (enum sample)s);
		n = rsvp_msg_encode(m, buf, sizeof(buf), &e);
		assert_true(n > 0);
		assert_int_equal(inet_csum(buf, (size_t)n), 0);
		assert_int_equal(buf[6] << 8 | buf[7], n);
		x = tu_exact(buf, (size_t)n);
		assert_int_equal(rsvp_msg_decode(x, (size_t)n, d, &e),
		    RSVP_R_ok);
		assert_true(rsvp_msg_equal(m, d));
		n2 = rsvp_msg_encode(d, again, sizeof(again), &e);
		assert_int_equal(n2, n);
		assert_memory_equal(buf, again, (size_t)n);
		free(x);
	}
	/* Equality notices a change. */
	sample(m, S_RESV_FF);
	sample(d, S_RESV_FF);
	assert_true(rsvp_msg_equal(m, d));
	d->fd[2].flowspec.tspec.r = 1001.0f;
	assert_false(rsvp_msg_equal(m, d));
	sample(d, S_RESV_FF);
	d->fd[1].label.label = 7;
	assert_false(rsvp_msg_equal(m, d));
	sample(d, S_RESV_FF);
	d->session.tunnel_id = 43;
	assert_false(rsvp_msg_equal(m, d));
	free(m);
	free(d);
}

static void
test_encode_no_space(void **state)
{
	struct rsvp_msg *m = msg_new();
	struct rsvp_derr e;
	uint8_t buf[8192], *x;
	int n, cap;

	(void)state;
	sample(m, S_PATH_FWD);
	n = rsvp_msg_encode(m, buf, sizeof(buf), &e);
	assert_true(n > 0);
	for (cap = 0; cap < n; cap++) {
		x = malloc(cap > 0 ? (size_t)cap : 1);
		assert_non_null(x);
		assert_int_equal(rsvp_msg_encode(m, x, (size_t)cap, &e), -1);
		assert_int_equal(e.reason, RSVP_R_no_space);
		free(x);
	}
	x = malloc((size_t)n);
	assert_int_equal(rsvp_msg_encode(m, x, (size_t)n, &e), n);
	assert_memory_equal(x, buf, (size_t)n);
	free(x);
	free(m);
}

static void
test_encode_refusals(void **state)
{
	struct rsvp_msg *m = msg_new();
	struct rsvp_derr e;
	uint8_t buf[8192];

	(void)state;
	sample(m, S_PATH);
	m->flags = 0x10;
	assert_int_equal(rsvp_msg_encode(m, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.reason, RSVP_R_bad_value);

	sample(m, S_PATH);
	m->present |= 0x8000;
	assert_int_equal(rsvp_msg_encode(m, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.reason, RSVP_R_bad_value);

	sample(m, S_PATH);
	m->type = 9;
	assert_int_equal(rsvp_msg_encode(m, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.reason, RSVP_R_bad_type);

	/* Objects the type does not carry, or lacks. */
	sample(m, S_PATH);
	m->present |= RSVP_HAS_STYLE;
	m->style.option = RSVP_STYLE_FF;
	assert_int_equal(rsvp_msg_encode(m, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.reason, RSVP_R_not_allowed);
	assert_int_equal(e.class_num, RSVP_CLASS_STYLE);
	sample(m, S_PATH);
	m->n_fd = 1;
	assert_int_equal(rsvp_msg_encode(m, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.reason, RSVP_R_not_allowed);
	sample(m, S_PATH);
	m->present &= ~RSVP_HAS_LABEL_REQUEST;
	assert_int_equal(rsvp_msg_encode(m, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.reason, RSVP_R_missing);
	assert_int_equal(e.class_num, RSVP_CLASS_LABEL_REQUEST);

	/* Forwarded objects must be whole 11bbbbbb objects. */
	sample(m, S_PATH_FWD);
	m->fwd[2] = 0x85;
	assert_int_equal(rsvp_msg_encode(m, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.reason, RSVP_R_bad_value);
	sample(m, S_PATH_FWD);
	m->fwd[2] = RSVP_CLASS_SESSION_ATTRIBUTE;	/* 11bbbbbb but known */
	assert_int_equal(rsvp_msg_encode(m, buf, sizeof(buf), &e), -1);
	sample(m, S_PATH_FWD);
	m->fwd[1] = 0x0c;
	assert_int_equal(rsvp_msg_encode(m, buf, sizeof(buf), &e), -1);
	sample(m, S_PATH_FWD);
	m->n_fwd = 1;
	assert_int_equal(rsvp_msg_encode(m, buf, sizeof(buf), &e), -1);
	sample(m, S_PATH_FWD);
	m->fwd_len = RSVP_FWD_BYTES + 4;
	assert_int_equal(rsvp_msg_encode(m, buf, sizeof(buf), &e), -1);

	/* Values that do not fit. */
	sample(m, S_RESV_SE);
	m->fd[0].label.label = 0x100000;
	assert_int_equal(rsvp_msg_encode(m, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.reason, RSVP_R_bad_label);
	sample(m, S_RESV_SE);
	m->n_fd = RSVP_MAX_FLOWDESC + 1;
	assert_int_equal(rsvp_msg_encode(m, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.reason, RSVP_R_bad_value);
	sample(m, S_PATH);
	m->ero.n = RSVP_ROUTE_MAX + 1;
	assert_int_equal(rsvp_msg_encode(m, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.reason, RSVP_R_bad_value);
	assert_int_equal(e.class_num, RSVP_CLASS_EXPLICIT_ROUTE);
	free(m);
}

/* ---- the hand-written messages ---------------------------------------------- */

static void
test_golden_path(void **state)
{
	struct rsvp_msg *m = msg_new(), *g = msg_new();
	struct rsvp_derr e;
	uint8_t *x = tu_exact(GOLDEN_PATH, sizeof(GOLDEN_PATH)), buf[512];
	float f;

	(void)state;
	assert_int_equal(ref_csum(GOLDEN_PATH, sizeof(GOLDEN_PATH)), 0);
	assert_int_equal(rsvp_msg_decode(x, sizeof(GOLDEN_PATH), m, &e),
	    RSVP_R_ok);
	assert_int_equal(m->type, RSVP_MSG_PATH);
	assert_int_equal(m->send_ttl, 63);
	assert_int_equal(m->flags, 0);
	assert_int_equal(m->session.endpoint.s_addr, A("10.0.0.9").s_addr);
	assert_int_equal(m->session.tunnel_id, 42);
	assert_int_equal(m->session.ext_tunnel_id, 0x0a000001);
	assert_int_equal(m->hop.addr.s_addr, A("10.0.0.1").s_addr);
	assert_int_equal(m->hop.lih, 5);
	assert_int_equal(m->time.refresh_ms, 30000);
	assert_int_equal(m->ero.n, 2);
	assert_int_equal(m->ero.sub[0].addr.s_addr, A("10.0.1.2").s_addr);
	assert_int_equal(m->ero.sub[0].loose, 0);
	assert_int_equal(m->ero.sub[1].loose, 1);
	assert_int_equal(m->ero.sub[1].plen, 32);
	assert_int_equal(m->label_req.l3pid, 0x0800);
	assert_int_equal(m->sattr.setup_prio, 7);
	assert_int_equal(m->sattr.hold_prio, 7);
	assert_int_equal(m->sattr.flags, 6);
	assert_string_equal(m->sattr.name, "lsp-a");
	assert_int_equal(m->sender.addr.s_addr, A("10.0.0.1").s_addr);
	assert_int_equal(m->sender.lsp_id, 1);
	f = 125000.0f;
	assert_memory_equal(&m->tspec.r, &f, 4);
	assert_true(m->tspec.b == 1500.0f);
	assert_true(isinf(m->tspec.p));
	assert_int_equal(m->tspec.m, 64);
	assert_int_equal(m->tspec.M, 1500);
	assert_int_equal(m->adspec.gen_has, 0x0f);
	assert_int_equal(m->adspec.hops, 1);
	assert_true(m->adspec.bw == 12500000.0f);
	assert_int_equal(m->adspec.min_latency, 100);
	assert_int_equal(m->adspec.mtu, 1500);
	assert_int_equal(m->adspec.gs_has, 0x0f);
	assert_int_equal(m->adspec.ctot, 16);
	assert_int_equal(m->adspec.dsum, 64);
	assert_true(m->adspec.cl_present);
	assert_int_equal(m->adspec.other_len, 0);
	assert_int_equal(m->rro.n, 1);
	assert_int_equal(m->rro.sub[0].addr.s_addr, A("10.0.0.1").s_addr);
	assert_int_equal(m->n_fd, 0);

	/* The struct written from the diagram is what was decoded, and
	 * the encoder writes it as the hand-made bytes, checksum too. */
	golden_path_msg(g);
	assert_true(rsvp_msg_equal(m, g));
	assert_int_equal(rsvp_msg_encode(g, buf, sizeof(buf), &e),
	    (int)sizeof(GOLDEN_PATH));
	assert_memory_equal(buf, GOLDEN_PATH, sizeof(GOLDEN_PATH));
	free(x);
	free(m);
	free(g);
}

static void
test_golden_resv(void **state)
{
	struct rsvp_msg *m = msg_new(), *g = msg_new();
	struct rsvp_derr e;
	uint8_t *x = tu_exact(GOLDEN_RESV, sizeof(GOLDEN_RESV)), buf[512];

	(void)state;
	assert_int_equal(ref_csum(GOLDEN_RESV, sizeof(GOLDEN_RESV)), 0);
	assert_int_equal(rsvp_msg_decode(x, sizeof(GOLDEN_RESV), m, &e),
	    RSVP_R_ok);
	assert_int_equal(m->type, RSVP_MSG_RESV);
	assert_int_equal(m->hop.addr.s_addr, A("10.0.1.2").s_addr);
	assert_int_equal(m->hop.lih, 7);
	assert_int_equal(m->style.option, RSVP_STYLE_SE);
	assert_int_equal(m->n_fd, 1);
	assert_int_equal(m->fd[0].has, 0x0f);
	assert_int_equal(m->fd[0].flowspec.service, RSVP_SVC_GUARANTEED);
	assert_true(m->fd[0].flowspec.R == 125000.0f);
	assert_int_equal(m->fd[0].flowspec.S, 0);
	assert_true(m->fd[0].flowspec.tspec.r == 125000.0f);
	assert_int_equal(m->fd[0].filter.addr.s_addr, A("10.0.0.1").s_addr);
	assert_int_equal(m->fd[0].filter.lsp_id, 1);
	assert_int_equal(m->fd[0].label.label, 1000);
	assert_int_equal(m->fd[0].rro.n, 2);
	assert_int_equal(m->fd[0].rro.sub[0].label, 1000);
	assert_int_equal(m->fd[0].rro.sub[0].flags, RSVP_RRO_GLOBAL_LABEL);
	assert_int_equal(m->fd[0].rro.sub[1].addr.s_addr,
	    A("10.0.1.2").s_addr);
	assert_ptr_equal(rsvp_fd_flowspec(m, 0), &m->fd[0].flowspec);

	golden_resv_msg(g);
	assert_true(rsvp_msg_equal(m, g));
	assert_int_equal(rsvp_msg_encode(g, buf, sizeof(buf), &e),
	    (int)sizeof(GOLDEN_RESV));
	assert_memory_equal(buf, GOLDEN_RESV, sizeof(GOLDEN_RESV));
	free(x);
	free(m);
	free(g);
}

/* ---- the header ------------------------------------------------------------- */

static void
test_truncations(void **state)
{
	struct rsvp_derr e;
	uint8_t *x;
	size_t len;
	enum rsvp_reason r;

	(void)state;
	/* Every prefix, exact-size: short below the header, else the
	 * length field runs past it. */
	for (len = 0; len < sizeof(GOLDEN_PATH); len++) {
		r = dec(GOLDEN_PATH, len, &e);
		assert_int_equal(r, len < RSVP_HDR_LEN ? RSVP_R_short :
		    RSVP_R_len_over);
	}
	/* Every word-aligned prefix with the length field made to agree:
	 * objects cut off run past the end; whole-object prefixes lack a
	 * mandatory object, except the two that only lose optional ones
	 * (the RRO; the ADSPEC and the RRO). */
	for (len = RSVP_HDR_LEN; len < sizeof(GOLDEN_PATH); len += 4) {
		x = tu_exact(GOLDEN_PATH, len);
		fix_header(x, len);
		r = dec(x, len, &e);
		if (len == sizeof(GOLDEN_PATH) - 12 ||
		    len == sizeof(GOLDEN_PATH) - 12 - 84)
			assert_int_equal(r, RSVP_R_ok);
		else if (r != RSVP_R_obj_past_end && r != RSVP_R_missing)
			fail_msg("Path cut to %zu: %s", len,
			    rsvp_reason_str(r));
		assert_true(e.offset <= len);
		free(x);
	}
	for (len = RSVP_HDR_LEN; len < sizeof(GOLDEN_RESV); len += 4) {
		x = tu_exact(GOLDEN_RESV, len);
		fix_header(x, len);
		r = dec(x, len, &e);
		/* Without the RRO the Resv is whole. */
		if (len == sizeof(GOLDEN_RESV) - 20)
			assert_int_equal(r, RSVP_R_ok);
		else if (r != RSVP_R_obj_past_end && r != RSVP_R_missing)
			fail_msg("Resv cut to %zu: %s", len,
			    rsvp_reason_str(r));
		free(x);
	}
}

static void
test_header_refusals(void **state)
{
	uint8_t p[sizeof(GOLDEN_PATH)], *x;
	struct rsvp_derr e;

	(void)state;
	memcpy(p, GOLDEN_PATH, sizeof(p));
	p[0] = 0x20;
	assert_int_equal(dec(p, sizeof(p), &e), RSVP_R_bad_version);
	p[0] = 0x00;
	assert_int_equal(dec(p, sizeof(p), &e), RSVP_R_bad_version);

	memcpy(p, GOLDEN_PATH, sizeof(p));
	p[1] = 8;
	assert_int_equal(dec(p, sizeof(p), &e), RSVP_R_bad_type);
	p[1] = 0;
	assert_int_equal(dec(p, sizeof(p), &e), RSVP_R_bad_type);
	p[1] = 12;		/* Bundle (RFC 2961): not supported */
	assert_int_equal(dec(p, sizeof(p), &e), RSVP_R_bad_type);

	/* The length field lying both ways, and not a word multiple. */
	memcpy(p, GOLDEN_PATH, sizeof(p));
	p[7] = 0xec;
	assert_int_equal(dec(p, sizeof(p), &e), RSVP_R_len_over);
	assert_int_equal(e.offset, 6);
	p[7] = 0xe4;
	assert_int_equal(dec(p, sizeof(p), &e), RSVP_R_len_under);
	p[6] = 0xff;
	p[7] = 0xfc;
	assert_int_equal(dec(p, sizeof(p), &e), RSVP_R_len_over);
	p[6] = 0;
	p[7] = 0;
	assert_int_equal(dec(p, sizeof(p), &e), RSVP_R_len_under);
	memcpy(p, GOLDEN_PATH, sizeof(p));
	fix_header(p, 230);
	assert_int_equal(dec(p, 230, &e), RSVP_R_len_align);

	/* Checksum: a flipped bit is caught; with no checksum sent (0)
	 * the same flip gets through. */
	memcpy(p, GOLDEN_PATH, sizeof(p));
	p[50] ^= 0x40;			/* the ERO's first address */
	assert_int_equal(dec(p, sizeof(p), &e), RSVP_R_bad_checksum);
	assert_int_equal(e.offset, 2);
	p[2] = p[3] = 0;
	assert_int_equal(dec(p, sizeof(p), &e), RSVP_R_ok);
	memcpy(p, GOLDEN_PATH, sizeof(p));
	p[3] ^= 1;
	assert_int_equal(dec(p, sizeof(p), &e), RSVP_R_bad_checksum);

	/* The header alone is a Path without objects. */
	x = tu_exact(GOLDEN_PATH, RSVP_HDR_LEN);
	fix_header(x, RSVP_HDR_LEN);
	assert_int_equal(dec(x, RSVP_HDR_LEN, &e), RSVP_R_missing);
	assert_int_equal(e.class_num, RSVP_CLASS_SESSION);
	free(x);
}

static void
test_checksum_ffff(void **state)
{
	struct rsvp_msg *m = msg_new(), *d = msg_new();
	struct rsvp_derr e;
	uint8_t buf[1024];
	uint16_t c0;
	int n;

	(void)state;
	/* Choose the LIH's low half so the sum comes out ffff: the
	 * checksum is then 0, and goes out as ffff, its equal. */
	sample(m, S_PATH);
	m->hop.lih = 0;
	n = rsvp_msg_encode(m, buf, sizeof(buf), &e);
	assert_true(n > 0);
	c0 = (uint16_t)(buf[2] << 8 | buf[3]);
	m->hop.lih = c0;
	n = rsvp_msg_encode(m, buf, sizeof(buf), &e);
	assert_int_equal(buf[2], 0xff);
	assert_int_equal(buf[3], 0xff);
	assert_int_equal(rsvp_msg_decode(buf, (size_t)n, d, &e), RSVP_R_ok);
	assert_true(rsvp_msg_equal(m, d));
	free(m);
	free(d);
}

/* ---- objects in the message ------------------------------------------------- */

static void
test_object_lengths(void **state)
{
	uint8_t p[sizeof(GOLDEN_PATH)];
	struct rsvp_derr e;
	size_t rro = find_obj(GOLDEN_PATH, sizeof(GOLDEN_PATH),
	    RSVP_CLASS_RECORD_ROUTE);

	(void)state;
	/* Zero-length and sub-header object lengths. */
	memcpy(p, GOLDEN_PATH, sizeof(p));
	p[2] = p[3] = 0;
	p[8] = 0;
	p[9] = 0;
	assert_int_equal(dec(p, sizeof(p), &e), RSVP_R_obj_len_small);
	assert_int_equal(e.offset, 8);
	assert_int_equal(e.class_num, RSVP_CLASS_SESSION);
	p[9] = 2;
	assert_int_equal(dec(p, sizeof(p), &e), RSVP_R_obj_len_small);
	p[9] = 6;
	assert_int_equal(dec(p, sizeof(p), &e), RSVP_R_obj_len_align);
	/* Over-long: past the message, then long enough to swallow the
	 * next object (so the SESSION body is the wrong size). */
	p[8] = 0xff;
	p[9] = 0xfc;
	assert_int_equal(dec(p, sizeof(p), &e), RSVP_R_obj_past_end);
	p[8] = 0;
	p[9] = 0x1c;
	assert_int_equal(dec(p, sizeof(p), &e), RSVP_R_obj_size);
	/* Short: the SESSION one word short, so its body is too. */
	p[9] = 0x0c;
	assert_int_equal(dec(p, sizeof(p), &e), RSVP_R_obj_size);
	assert_int_equal(e.offset, 8);
	/* The last object one word past the end. */
	memcpy(p, GOLDEN_PATH, sizeof(p));
	p[2] = p[3] = 0;
	p[rro + 1] = 0x10;
	assert_int_equal(dec(p, sizeof(p), &e), RSVP_R_obj_past_end);
	assert_int_equal(e.offset, rro);
	/* ... and one word short of it: the RRO's subobject overruns it,
	 * and the word left over is no object. */
	p[rro + 1] = 0x08;
	assert_int_equal(dec(p, sizeof(p), &e), RSVP_R_obj_len_small);
	assert_int_equal(e.offset, rro + 8);
	/* An ERO subobject that overruns is error 24/1. */
	memcpy(p, GOLDEN_PATH, sizeof(p));
	p[2] = p[3] = 0;
	p[find_obj(p, sizeof(p), RSVP_CLASS_EXPLICIT_ROUTE) + 5] = 0x14;
	assert_int_equal(dec(p, sizeof(p), &e), RSVP_R_sub_len);
	{
		uint8_t code;
		uint16_t value;

		assert_true(rsvp_derr_errspec(&e, &code, &value));
		assert_int_equal(code, RSVP_ERR_ROUTING);
		assert_int_equal(value, RSVP_ERRV_RP_BAD_ERO);
	}
}

static void
test_unknown_classes(void **state)
{
	static const uint8_t reject[8] = { 0, 8, 0x7e, 3, 1, 2, 3, 4 };
	static const uint8_t ignore[8] = { 0, 8, 0x9e, 1, 1, 2, 3, 4 };
	static const uint8_t keep[12] = { 0, 12, 0xde, 1, 9, 8, 7, 6, 5, 4,
	    3, 2 };
	static const uint8_t keep2[8] = { 0, 8, 0xc1, 4, 0xaa, 0xbb, 0xcc,
	    0xdd };
	static const uint8_t null[12] = { 0, 12, 0, 9 };
	struct rsvp_msg *m = msg_new(), *d = msg_new();
	struct rsvp_derr e;
	uint8_t *x, *y, buf[1024];
	size_t len, len2;
	uint8_t code;
	uint16_t value;
	int n;

	(void)state;
	/* 0bbbbbbb: refused, error 13 with class and c-type; the rest of
	 * the message is still read, for the PathErr. */
	x = splice(GOLDEN_PATH, sizeof(GOLDEN_PATH), 24, reject, 8, &len);
	assert_int_equal(rsvp_msg_decode(x, len, m, &e),
	    RSVP_R_unknown_class);
	assert_int_equal(e.offset, 24);
	assert_int_equal(e.class_num, 0x7e);
	assert_int_equal(e.msg_type, RSVP_MSG_PATH);
	assert_true(rsvp_derr_errspec(&e, &code, &value));
	assert_int_equal(code, RSVP_ERR_UNKNOWN_CLASS);
	assert_int_equal(value, 0x7e03);
	assert_true(m->present & RSVP_HAS_SESSION);
	assert_true(m->present & RSVP_HAS_SENDER);
	assert_int_equal(m->sender.lsp_id, 1);
	free(x);

	/* INTEGRITY and POLICY_DATA are not implemented: the same. */
	x = splice(GOLDEN_PATH, sizeof(GOLDEN_PATH), 24,
	    (const uint8_t[]){ 0, 4, RSVP_CLASS_INTEGRITY, 1 }, 4, &len);
	assert_int_equal(dec(x, len, &e), RSVP_R_unknown_class);
	free(x);
	x = splice(GOLDEN_PATH, sizeof(GOLDEN_PATH), 24,
	    (const uint8_t[]){ 0, 4, RSVP_CLASS_POLICY_DATA, 1 }, 4, &len);
	assert_int_equal(dec(x, len, &e), RSVP_R_unknown_class);
	free(x);

	/* 10bbbbbb: dropped silently, not forwarded. */
	x = splice(GOLDEN_PATH, sizeof(GOLDEN_PATH), 24, ignore, 8, &len);
	assert_int_equal(rsvp_msg_decode(x, len, m, &e), RSVP_R_ok);
	assert_int_equal(m->n_ignored, 1);
	assert_int_equal(m->n_fwd, 0);
	n = rsvp_msg_encode(m, buf, sizeof(buf), &e);
	assert_int_equal(n, (int)sizeof(GOLDEN_PATH));
	assert_memory_equal(buf, GOLDEN_PATH, sizeof(GOLDEN_PATH));
	free(x);

	/* 11bbbbbb: kept whole, in order, and sent on unchanged. */
	x = splice(GOLDEN_PATH, sizeof(GOLDEN_PATH), 24, keep, 12, &len);
	y = splice(x, len, 8, keep2, 8, &len2);
	assert_int_equal(rsvp_msg_decode(y, len2, m, &e), RSVP_R_ok);
	assert_int_equal(m->n_fwd, 2);
	assert_int_equal(m->fwd_len, 20);
	assert_memory_equal(m->fwd, keep2, 8);
	assert_memory_equal(m->fwd + 8, keep, 12);
	n = rsvp_msg_encode(m, buf, sizeof(buf), &e);
	assert_int_equal(n, (int)len2);
	assert_int_equal(rsvp_msg_decode(buf, (size_t)n, d, &e), RSVP_R_ok);
	assert_true(rsvp_msg_equal(m, d));
	/* They go out before the sender descriptor, bytes unchanged. */
	assert_memory_equal(buf + find_obj(buf, (size_t)n, 0xc1), keep2, 8);
	assert_memory_equal(buf + find_obj(buf, (size_t)n, 0xde), keep, 12);
	assert_true(find_obj(buf, (size_t)n, 0xde) <
	    find_obj(buf, (size_t)n, RSVP_CLASS_SENDER_TEMPLATE));
	free(x);
	free(y);

	/* More than the codec keeps: refused, never truncated. */
	memcpy(buf, GOLDEN_PATH, sizeof(GOLDEN_PATH));
	len = sizeof(GOLDEN_PATH);
	for (n = 0; n <= RSVP_FWD_MAX; n++) {
		memcpy(buf + len, keep2, 8);
		len += 8;
	}
	fix_header(buf, len);
	assert_int_equal(dec(buf, len, &e), RSVP_R_fwd_full);
	{
		uint8_t huge[4 + RSVP_FWD_BYTES] = { (4 + RSVP_FWD_BYTES) >> 8,
		    (4 + RSVP_FWD_BYTES) & 0xff, 0xc2, 1 };

		x = splice(GOLDEN_PATH, sizeof(GOLDEN_PATH), 8, huge,
		    sizeof(huge), &len);
		assert_int_equal(dec(x, len, &e), RSVP_R_fwd_full);
		free(x);
	}

	/* NULL objects are skipped wherever they are. */
	x = splice(GOLDEN_PATH, sizeof(GOLDEN_PATH), 8, null, 12, &len);
	assert_int_equal(rsvp_msg_decode(x, len, m, &e), RSVP_R_ok);
	assert_int_equal(m->n_ignored, 0);
	free(x);

	/* A known class with an unknown c-type: error 14; the rest read. */
	memcpy(buf, GOLDEN_PATH, sizeof(GOLDEN_PATH));
	buf[11] = 1;			/* SESSION IPv4 (UDP) */
	fix_header(buf, sizeof(GOLDEN_PATH));
	assert_int_equal(rsvp_msg_decode(buf, sizeof(GOLDEN_PATH), m, &e),
	    RSVP_R_unknown_ctype);
	assert_true(rsvp_derr_errspec(&e, &code, &value));
	assert_int_equal(code, RSVP_ERR_UNKNOWN_CTYPE);
	assert_int_equal(value, 0x0101);
	assert_false(m->present & RSVP_HAS_SESSION);
	assert_true(m->present & RSVP_HAS_HOP);
	assert_true(m->present & RSVP_HAS_RRO);
	/* The first of two such errors is the one reported. */
	buf[find_obj(buf, sizeof(GOLDEN_PATH), RSVP_CLASS_SENDER_TSPEC) + 3] =
	    1;
	assert_int_equal(rsvp_msg_decode(buf, sizeof(GOLDEN_PATH), m, &e),
	    RSVP_R_unknown_ctype);
	assert_int_equal(e.class_num, RSVP_CLASS_SESSION);
	/* ... but a malformed object after it still wins. */
	buf[sizeof(GOLDEN_PATH) - 11] = 0x10;
	assert_int_equal(rsvp_msg_decode(buf, sizeof(GOLDEN_PATH), m, &e),
	    RSVP_R_obj_past_end);
	free(m);
	free(d);
}

static void
test_mandatory_objects(void **state)
{
	struct rsvp_msg *m = msg_new();
	struct rsvp_derr e;
	uint8_t *x, *y;
	size_t len, ylen, off;
	unsigned s, n;

	(void)state;
	/* Taking any one mandatory object out of each type's sample is
	 * refused with that object's class; optional ones are not. */
	for (s = 0; s < S_COUNT; s++) {
		x = sample_bytes((enum sample)s, &len);
		n = 0;
		for (off = RSVP_HDR_LEN; off < len;
		    off += (size_t)(x[off] << 8 | x[off + 1])) {
			uint8_t c = x[off + 2];
			enum rsvp_reason r;
			int required;

			sample(m, (enum sample)s);
			switch (c) {
			case RSVP_CLASS_SESSION:
			case RSVP_CLASS_STYLE:
			case RSVP_CLASS_HELLO:
				required = 1;
				break;
			case RSVP_CLASS_RSVP_HOP:
				required = s != S_PATHERR && s != S_RESVCONF;
				break;
			case RSVP_CLASS_TIME_VALUES:
			case RSVP_CLASS_LABEL_REQUEST:
				required = 1;
				break;
			case RSVP_CLASS_ERROR_SPEC:
				required = 1;
				break;
			case RSVP_CLASS_RESV_CONFIRM:
				required = s == S_RESVCONF;
				break;
			case RSVP_CLASS_SENDER_TEMPLATE:
			case RSVP_CLASS_SENDER_TSPEC:
				required = s == S_PATH || s == S_PATH_MIN ||
				    s == S_PATH_FWD;
				break;
			case RSVP_CLASS_FLOWSPEC:
			case RSVP_CLASS_FILTER_SPEC:
			case RSVP_CLASS_LABEL:
				continue;	/* descriptors: below */
			default:
				/* ERO, SESSION_ATTRIBUTE, ADSPEC, RRO and
				 * the unknowns kept to forward */
				required = 0;
				break;
			}
			y = cut(x, len, c, &ylen);
			r = dec(y, ylen, &e);
			if (required) {
				assert_int_equal(r, RSVP_R_missing);
				assert_int_equal(e.class_num, c);
			} else
				assert_int_equal(r, RSVP_R_ok);
			free(y);
			n++;
		}
		assert_true(n > 0);
		free(x);
	}

	/* Flow descriptors of a Resv: a FILTER_SPEC without its LABEL,
	 * the first FLOWSPEC, the only filter. */
	x = sample_bytes(S_RESV_SE, &len);
	y = cut(x, len, RSVP_CLASS_LABEL, &ylen);
	assert_int_equal(dec(y, ylen, &e), RSVP_R_missing);
	assert_int_equal(e.class_num, RSVP_CLASS_LABEL);
	free(y);
	y = cut(x, len, RSVP_CLASS_FLOWSPEC, &ylen);
	assert_int_equal(dec(y, ylen, &e), RSVP_R_missing);
	assert_int_equal(e.class_num, RSVP_CLASS_FLOWSPEC);
	free(y);
	free(x);
	x = sample_bytes(S_RESVCONF, &len);
	y = cut(x, len, RSVP_CLASS_FILTER_SPEC, &ylen);
	assert_int_equal(dec(y, ylen, &e), RSVP_R_missing);
	assert_int_equal(e.class_num, RSVP_CLASS_FILTER_SPEC);
	free(y);
	/* A ResvConf needs no LABEL. */
	y = cut(x, len, RSVP_CLASS_LABEL, &ylen);
	assert_int_equal(dec(y, ylen, &e), RSVP_R_ok);
	free(y);
	free(x);
	free(m);
}

static void
test_duplicates_and_misplaced(void **state)
{
	struct rsvp_derr e;
	uint8_t *x, *y;
	size_t len, ylen, off;
	static const uint8_t style[8] = { 0, 8, 8, 1, 0, 0, 0, 0x0a };
	static const uint8_t lreq[8] = { 0, 8, 19, 1, 0, 0, 8, 0 };
	static const uint8_t hop[12] = { 0, 12, 3, 1, 10, 0, 0, 1, 0, 0, 0, 1 };

	(void)state;
	/* A second SESSION, TIME_VALUES or SENDER_TEMPLATE. */
	x = splice(GOLDEN_PATH, sizeof(GOLDEN_PATH), sizeof(GOLDEN_PATH),
	    GOLDEN_PATH + 8, 16, &len);
	assert_int_equal(dec(x, len, &e), RSVP_R_duplicate);
	assert_int_equal(e.class_num, RSVP_CLASS_SESSION);
	assert_int_equal(e.offset, sizeof(GOLDEN_PATH));
	free(x);
	off = find_obj(GOLDEN_PATH, sizeof(GOLDEN_PATH),
	    RSVP_CLASS_SENDER_TEMPLATE);
	x = splice(GOLDEN_PATH, sizeof(GOLDEN_PATH), 8, GOLDEN_PATH + off, 12,
	    &len);
	assert_int_equal(dec(x, len, &e), RSVP_R_duplicate);
	assert_int_equal(e.class_num, RSVP_CLASS_SENDER_TEMPLATE);
	free(x);
	/* A second STYLE in a Resv. */
	x = splice(GOLDEN_RESV, sizeof(GOLDEN_RESV), 8, style, 8, &len);
	assert_int_equal(dec(x, len, &e), RSVP_R_duplicate);
	free(x);

	/* Objects a type does not carry. */
	x = splice(GOLDEN_PATH, sizeof(GOLDEN_PATH), 24, style, 8, &len);
	assert_int_equal(dec(x, len, &e), RSVP_R_not_allowed);
	assert_int_equal(e.class_num, RSVP_CLASS_STYLE);
	free(x);
	x = splice(GOLDEN_RESV, sizeof(GOLDEN_RESV), 24, lreq, 8, &len);
	assert_int_equal(dec(x, len, &e), RSVP_R_not_allowed);
	free(x);
	x = sample_bytes(S_HELLO_REQ, &len);
	y = splice(x, len, 8, hop, 12, &ylen);
	assert_int_equal(dec(y, ylen, &e), RSVP_R_not_allowed);
	free(y);
	/* A Hello with two HELLO objects. */
	y = splice(x, len, 8, x + 8, 12, &ylen);
	assert_int_equal(dec(y, ylen, &e), RSVP_R_duplicate);
	free(y);
	free(x);
	/* A LABEL in a Path. */
	x = splice(GOLDEN_PATH, sizeof(GOLDEN_PATH), 24,
	    (const uint8_t[]){ 0, 8, 16, 1, 0, 0, 0, 16 }, 8, &len);
	assert_int_equal(dec(x, len, &e), RSVP_R_not_allowed);
	free(x);
}

static void
test_object_order(void **state)
{
	struct rsvp_msg *m = msg_new(), *g = msg_new();
	struct rsvp_derr e;
	uint8_t rev[sizeof(GOLDEN_PATH)];
	size_t offs[16], n = 0, off, at, olen;

	(void)state;
	/* The Path's objects in reverse order decode to the same message. */
	for (off = RSVP_HDR_LEN; off < sizeof(GOLDEN_PATH);
	    off += (size_t)(GOLDEN_PATH[off] << 8 | GOLDEN_PATH[off + 1]))
		offs[n++] = off;
	memcpy(rev, GOLDEN_PATH, RSVP_HDR_LEN);
	at = RSVP_HDR_LEN;
	while (n-- > 0) {
		olen = (size_t)(GOLDEN_PATH[offs[n]] << 8 |
		    GOLDEN_PATH[offs[n] + 1]);
		memcpy(rev + at, GOLDEN_PATH + offs[n], olen);
		at += olen;
	}
	assert_int_equal(at, sizeof(GOLDEN_PATH));
	/* Same bytes, other order: the checksum still holds. */
	assert_int_equal(rsvp_msg_decode(rev, sizeof(rev), m, &e), RSVP_R_ok);
	golden_path_msg(g);
	assert_true(rsvp_msg_equal(m, g));
	free(m);
	free(g);
}

static void
test_flow_descriptors(void **state)
{
	struct rsvp_msg *m = msg_new(), *d = msg_new();
	struct rsvp_derr e;
	uint8_t buf[8192], *x;
	size_t len, off;
	unsigned i;
	int n;

	(void)state;
	/* FF: a later descriptor without a FLOWSPEC uses the one before. */
	sample(m, S_RESV_FF);
	n = rsvp_msg_encode(m, buf, sizeof(buf), &e);
	assert_int_equal(rsvp_msg_decode(buf, (size_t)n, d, &e), RSVP_R_ok);
	assert_int_equal(d->n_fd, 3);
	assert_int_equal(d->fd[1].has, RSVP_FD_FILTER | RSVP_FD_LABEL);
	assert_ptr_equal(rsvp_fd_flowspec(d, 1), &d->fd[0].flowspec);
	assert_ptr_equal(rsvp_fd_flowspec(d, 2), &d->fd[2].flowspec);
	assert_null(rsvp_fd_flowspec(d, 3));

	/* SE: a second FLOWSPEC does not belong. */
	sample(m, S_RESV_SE);
	m->fd[1].has |= RSVP_FD_FLOWSPEC;
	m->fd[1].flowspec = m->fd[0].flowspec;
	assert_int_equal(rsvp_msg_encode(m, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.reason, RSVP_R_bad_flowdesc);
	/* ... and the same bytes from a peer are refused too. */
	m->style.option = RSVP_STYLE_FF;
	n = rsvp_msg_encode(m, buf, sizeof(buf), &e);
	assert_true(n > 0);
	buf[find_obj(buf, (size_t)n, RSVP_CLASS_STYLE) + 7] = RSVP_STYLE_SE;
	fix_header(buf, (size_t)n);
	assert_int_equal(dec(buf, (size_t)n, &e), RSVP_R_bad_flowdesc);

	/* WF: one FLOWSPEC and no filter. */
	sample(m, S_RESV_WF);
	m->fd[0].has |= RSVP_FD_FILTER;
	assert_int_equal(rsvp_msg_encode(m, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.reason, RSVP_R_bad_flowdesc);
	sample(m, S_RESV_WF);
	m->n_fd = 2;
	m->fd[1] = m->fd[0];
	assert_int_equal(rsvp_msg_encode(m, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.reason, RSVP_R_bad_flowdesc);

	/* A style other than FF, SE or WF: error 6, from the wire. */
	x = sample_bytes(S_RESV_FF, &len);
	off = find_obj(x, len, RSVP_CLASS_STYLE);
	x[off + 7] = 0x09;		/* distinct + wildcard: undefined */
	fix_header(x, len);
	assert_int_equal(dec(x, len, &e), RSVP_R_bad_style);
	{
		uint8_t code;
		uint16_t value;

		assert_true(rsvp_derr_errspec(&e, &code, &value));
		assert_int_equal(code, RSVP_ERR_STYLE_UNKNOWN);
	}
	free(x);

	/* A Resv with no descriptor at all; a ResvErr may have none. */
	sample(m, S_RESV_SE);
	m->n_fd = 0;
	assert_int_equal(rsvp_msg_encode(m, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.reason, RSVP_R_missing);
	sample(m, S_RESVERR);
	m->n_fd = 0;
	n = rsvp_msg_encode(m, buf, sizeof(buf), &e);
	assert_true(n > 0);
	assert_int_equal(dec(buf, (size_t)n, &e), RSVP_R_ok);

	/* Eight descriptors fit; a ninth is refused. */
	sample(m, S_RESV_SE);
	m->n_fd = RSVP_MAX_FLOWDESC;
	for (i = 1; i < RSVP_MAX_FLOWDESC; i++) {
		m->fd[i] = m->fd[1];
		m->fd[i].filter.lsp_id = (uint16_t)(10 + i);
	}
	n = rsvp_msg_encode(m, buf, sizeof(buf), &e);
	assert_true(n > 0);
	assert_int_equal(rsvp_msg_decode(buf, (size_t)n, d, &e), RSVP_R_ok);
	assert_true(rsvp_msg_equal(m, d));
	x = splice(buf, (size_t)n, (size_t)n,
	    (const uint8_t[]){ 0, 12, 10, 7, 10, 0, 0, 1, 0, 0, 0, 99,
	    0, 8, 16, 1, 0, 0, 0, 99 }, 20, &len);
	assert_int_equal(dec(x, len, &e), RSVP_R_flowdesc_full);
	free(x);

	/* A label wider than 20 bits: error 24/6. */
	x = sample_bytes(S_RESV_SE, &len);
	off = find_obj(x, len, RSVP_CLASS_LABEL);
	x[off + 5] = 0x10;
	fix_header(x, len);
	assert_int_equal(dec(x, len, &e), RSVP_R_bad_label);
	free(x);
	free(m);
	free(d);
}

/* ---- fuzz ------------------------------------------------------------------- */

static void
test_fuzz(void **state)
{
	struct rsvp_msg *m = msg_new(), *d = msg_new();
	uint8_t *base[S_COUNT], *x, buf[8192], again[8192];
	size_t blen[S_COUNT], len;
	unsigned seen[RSVP_R_COUNT] = { 0 }, kinds = 0, i, k, flips;
	uint64_t seed = 0x5eed0f2205ull;
	struct rsvp_derr e;
	enum rsvp_reason r;
	unsigned long it, ok = 0;
	int n, n2;

	(void)state;
	for (i = 0; i < S_COUNT; i++)
		base[i] = sample_bytes((enum sample)i, &blen[i]);
	for (it = 0; it < 100000; it++) {
		i = (unsigned)(it % S_COUNT);
		len = blen[i];
		/* Now and then cut it short, usually with the length
		 * field made to agree. */
		if (tu_randn(&seed, 8) == 0) {
			len = (size_t)tu_randn(&seed, len + 1);
			if (tu_randn(&seed, 4) != 0)
				len &= ~(size_t)3;
		}
		x = tu_exact(base[i], len);
		if (len >= RSVP_HDR_LEN && len < blen[i] &&
		    tu_randn(&seed, 4) != 0)
			fix_header(x, len);
		/* Mostly without a checksum, so flips reach the objects. */
		if (len >= RSVP_HDR_LEN && tu_randn(&seed, 4) != 0)
			x[2] = x[3] = 0;
		flips = 1 + (unsigned)tu_randn(&seed, 4);
		for (k = 0; k < flips && len > 0; k++)
			x[tu_randn(&seed, len)] ^=
			    (uint8_t)(1 + tu_randn(&seed, 255));
		r = rsvp_msg_decode(x, len, m, &e);
		assert_true((unsigned)r < RSVP_R_COUNT);
		assert_int_equal(e.reason, r);
		if (seen[r]++ == 0)
			kinds++;
		if (r != RSVP_R_ok) {
			assert_true(e.offset <= len);
			free(x);
			continue;
		}
		ok++;
		/* What decodes re-encodes, and decodes the same again. */
		n = rsvp_msg_encode(m, buf, sizeof(buf), &e);
		if (n < 0)
			fail_msg("iteration %lu: decoded but not encodable: %s",
			    it, rsvp_reason_str(e.reason));
		assert_int_equal(rsvp_msg_decode(buf, (size_t)n, d, &e),
		    RSVP_R_ok);
		assert_true(rsvp_msg_equal(m, d));
		n2 = rsvp_msg_encode(d, again, sizeof(again), &e);
		assert_int_equal(n2, n);
		assert_memory_equal(buf, again, (size_t)n);
		free(x);
	}
	print_message("fuzz: %lu accepted and re-encoded, %lu refused, "
	    "%u distinct reasons\n", ok, 100000 - ok, kinds);
	/* The loop reached both ends and many reasons. */
	assert_true(ok > 1000);
	assert_true(ok < 99000);
	assert_true(kinds >= 15);
	for (i = 0; i < S_COUNT; i++)
		free(base[i]);
	free(m);
	free(d);
}

static void
test_counters(void **state)
{
	counter_t c[RSVP_R_COUNT];
	char *out = NULL;
	size_t outlen = 0;
	FILE *f;

	(void)state;
	memset(c, 0, sizeof(c));
	rsvp_count(c, dec(GOLDEN_PATH, sizeof(GOLDEN_PATH), NULL));
	rsvp_count(c, dec(GOLDEN_PATH, 7, NULL));
	rsvp_count(c, dec(GOLDEN_PATH, 100, NULL));
	rsvp_count(c, dec(GOLDEN_PATH, 101, NULL));
	rsvp_count(c, RSVP_R_COUNT);		/* out of range: ignored */
	assert_int_equal(ctr_get(&c[RSVP_R_ok]), 1);
	assert_int_equal(ctr_get(&c[RSVP_R_short]), 1);
	assert_int_equal(ctr_get(&c[RSVP_R_len_over]), 2);
	f = open_memstream(&out, &outlen);
	assert_non_null(f);
	ctr_dump_text(f, rsvp_reason_desc, c, RSVP_R_COUNT, 1);
	fclose(f);
	assert_non_null(strstr(out, "len_over"));
	assert_non_null(strstr(out, "length field runs past the datagram"));
	assert_null(strstr(out, "bad_checksum"));
	free(out);
}

/* ---- frames for tshark ------------------------------------------------------ */

/*
 * Ethernet / IPv4 / RSVP for the two hand-made messages and every
 * sample, in this order (tests/rsvp/tshark-check expects it).  Each is
 * parsed back here; with RSVP_PCAP_OUT set they go to that file.
 */
static void
test_frames(void **state)
{
	static const uint8_t eth[14] = { 0x02, 0, 0, 0, 0, 0x02,
	    0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00 };
	const char *path = getenv("RSVP_PCAP_OUT");
	pcap_t *pd = NULL;
	pcap_dumper_t *dumper = NULL;
	struct rsvp_msg *m = msg_new();
	struct rsvp_derr e;
	struct rsvp_ip ip, got;
	struct pcap_pkthdr ph;
	uint8_t frame[9000], rsvp[8192];
	const uint8_t *payload;
	size_t plen, rlen;
	unsigned i;
	int hl, n;

	(void)state;
	if (path != NULL) {
		pd = pcap_open_dead(DLT_EN10MB, 65535);
		assert_non_null(pd);
		dumper = pcap_dump_open(pd, path);
		if (dumper == NULL)
			fail_msg("%s: %s", path, pcap_geterr(pd));
	}
	for (i = 0; i < 2 + S_COUNT; i++) {
		if (i == 0) {
			memcpy(rsvp, GOLDEN_PATH, sizeof(GOLDEN_PATH));
			rlen = sizeof(GOLDEN_PATH);
		} else if (i == 1) {
			memcpy(rsvp, GOLDEN_RESV, sizeof(GOLDEN_RESV));
			rlen = sizeof(GOLDEN_RESV);
		} else {
			sample(m, (enum sample)(i - 2));
			n = rsvp_msg_encode(m, rsvp, sizeof(rsvp), &e);
			assert_true(n > 0);
			rlen = (size_t)n;
		}
		memset(&ip, 0, sizeof(ip));
		ip.src = A("10.0.0.1");
		ip.dst = A("10.0.0.9");
		ip.ttl = rsvp[4];
		ip.tos = RSVP_IP_TOS;
		ip.id = (uint16_t)(0x100 + i);
		ip.router_alert = (uint8_t)rsvp_msg_router_alert(rsvp[1]);
		memcpy(frame, eth, sizeof(eth));
		hl = rsvp_ip_build(frame + 14, sizeof(frame) - 14, &ip, rlen);
		assert_int_equal(hl, ip.router_alert ? 24 : 20);
		memcpy(frame + 14 + hl, rsvp, rlen);

		assert_int_equal(rsvp_ip_parse(frame + 14, (size_t)hl + rlen,
		    &got, &payload, &plen), RSVP_R_ok);
		assert_int_equal(got.router_alert, ip.router_alert);
		assert_int_equal(plen, rlen);
		assert_int_equal(rsvp_msg_decode(payload, plen, m, &e),
		    RSVP_R_ok);

		if (dumper != NULL) {
			memset(&ph, 0, sizeof(ph));
			ph.ts.tv_sec = 1700000000 + i;
			ph.caplen = ph.len = (bpf_u_int32)(14 + hl + rlen);
			pcap_dump((u_char *)dumper, &ph, frame);
		}
	}
	if (dumper != NULL) {
		pcap_dump_close(dumper);
		pcap_close(pd);
	}
	free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_all),
		cmocka_unit_test(test_encode_no_space),
		cmocka_unit_test(test_encode_refusals),
		cmocka_unit_test(test_golden_path),
		cmocka_unit_test(test_golden_resv),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_header_refusals),
		cmocka_unit_test(test_checksum_ffff),
		cmocka_unit_test(test_object_lengths),
		cmocka_unit_test(test_unknown_classes),
		cmocka_unit_test(test_mandatory_objects),
		cmocka_unit_test(test_duplicates_and_misplaced),
		cmocka_unit_test(test_object_order),
		cmocka_unit_test(test_flow_descriptors),
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_frames),
	};
	const struct CMUnitTest pcap_only[] = {
		cmocka_unit_test(test_frames),
	};

	if (getenv("RSVP_PCAP_OUT") != NULL)
		return cmocka_run_group_tests(pcap_only, NULL, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
