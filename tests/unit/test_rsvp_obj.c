/*
 * RSVP objects one at a time: every class and c-type round trips
 * (encode, decode from an exact-size buffer, equal structs, identical
 * bytes again), hand-made bytes from the RFC diagrams decode to the
 * expected fields, and each malformed body is refused with its reason.
 * Also the route helpers, Tspec sanity, ADSPEC composition and the
 * names of reasons and error codes.
 */
#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>

#include "testutil.h"

#include "rsvp.h"

static struct in_addr
A(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

/*
 * encode -> decode (exact buffer) -> equal -> encode again -> same bytes.
 * Every shorter buffer is refused with no_space and nothing written past
 * it (an exact heap buffer each, so ASan sees any overrun).
 */
static void
roundtrip(const struct rsvp_obj *o)
{
	uint8_t buf[2048], again[2048];
	struct rsvp_obj *d = calloc(1, sizeof(*d));
	enum rsvp_reason why;
	uint8_t *x;
	size_t used;
	int n, n2, cap;

	assert_non_null(d);
	n = rsvp_obj_encode(buf, sizeof(buf), o, &why);
	assert_int_equal(why, RSVP_R_ok);
	assert_true(n >= 4 && n % 4 == 0);
	assert_int_equal((buf[0] << 8 | buf[1]), n);
	assert_int_equal(buf[2], o->class_num);

	x = tu_exact(buf, (size_t)n);
	assert_int_equal(rsvp_obj_decode(x, (size_t)n, d, &used), RSVP_R_ok);
	assert_int_equal(used, (size_t)n);
	assert_int_equal(d->class_num, o->class_num);
	assert_true(rsvp_obj_equal(o->class_num, &o->u, &d->u));
	n2 = rsvp_obj_encode(again, sizeof(again), d, &why);
	assert_int_equal(n2, n);
	assert_memory_equal(buf, again, (size_t)n);
	free(x);

	for (cap = 0; cap < n; cap++) {
		x = malloc(cap > 0 ? (size_t)cap : 1);
		assert_non_null(x);
		assert_int_equal(rsvp_obj_encode(x, (size_t)cap, o, &why), -1);
		assert_int_equal(why, RSVP_R_no_space);
		free(x);
	}
	free(d);
}

static struct rsvp_obj *
obj(uint8_t class_num)
{
	struct rsvp_obj *o = calloc(1, sizeof(*o));

	assert_non_null(o);
	o->class_num = class_num;
	return o;
}

static void
test_fixed_objects(void **state)
{
	struct rsvp_obj *o;
	static const uint32_t styles[3] = { RSVP_STYLE_FF, RSVP_STYLE_SE,
	    RSVP_STYLE_WF };
	unsigned i;

	(void)state;
	o = obj(RSVP_CLASS_SESSION);
	o->u.session.endpoint = A("10.0.0.9");
	o->u.session.tunnel_id = 0xbeef;
	o->u.session.ext_tunnel_id = 0x0a000001;
	roundtrip(o);
	free(o);

	o = obj(RSVP_CLASS_RSVP_HOP);
	o->u.hop.addr = A("192.0.2.1");
	o->u.hop.lih = 0xdeadbeef;
	roundtrip(o);
	free(o);

	o = obj(RSVP_CLASS_TIME_VALUES);
	o->u.time.refresh_ms = 30000;
	roundtrip(o);
	free(o);

	o = obj(RSVP_CLASS_ERROR_SPEC);
	o->u.error.node = A("10.1.2.3");
	o->u.error.flags = RSVP_ERRF_INPLACE | RSVP_ERRF_NOTGUILTY;
	o->u.error.code = RSVP_ERR_ROUTING;
	o->u.error.value = RSVP_ERRV_RP_RRO_LOOP;
	roundtrip(o);
	free(o);

	for (i = 0; i < 3; i++) {
		o = obj(RSVP_CLASS_STYLE);
		o->u.style.flags = (uint8_t)i;
		o->u.style.option = styles[i];
		roundtrip(o);
		free(o);
	}

	o = obj(RSVP_CLASS_SENDER_TEMPLATE);
	o->u.sender.addr = A("10.0.0.1");
	o->u.sender.lsp_id = 7;
	roundtrip(o);
	o->class_num = RSVP_CLASS_FILTER_SPEC;
	roundtrip(o);
	free(o);

	o = obj(RSVP_CLASS_RESV_CONFIRM);
	o->u.confirm.receiver = A("10.9.9.9");
	roundtrip(o);
	free(o);

	o = obj(RSVP_CLASS_LABEL);
	o->u.label.label = 0xfffff;
	roundtrip(o);
	o->u.label.label = 0x100000;	/* 21 bits: refused */
	assert_int_equal(rsvp_obj_encode((uint8_t[16]){ 0 }, 16, o, NULL),
	    -1);
	free(o);

	o = obj(RSVP_CLASS_LABEL_REQUEST);
	o->u.label_req.l3pid = 0x0800;
	roundtrip(o);
	free(o);

	o = obj(RSVP_CLASS_HELLO);
	o->u.hello.src_instance = 0x11111111;
	o->u.hello.dst_instance = 0;
	roundtrip(o);
	o->u.hello.ack = 1;
	o->u.hello.dst_instance = 0x22222222;
	roundtrip(o);
	free(o);
}

static void
test_session_attribute(void **state)
{
	static const char *names[] = { "", "a", "abc", "abcd", "lsp-a",
	    "a name that is rather longer than most" };
	struct rsvp_obj *o = obj(RSVP_CLASS_SESSION_ATTRIBUTE);
	uint8_t buf[512];
	unsigned i;
	int n;

	(void)state;
	for (i = 0; i < nitems(names); i++) {
		memset(&o->u, 0, sizeof(o->u));
		o->u.sattr.setup_prio = 3;
		o->u.sattr.hold_prio = 1;
		o->u.sattr.flags = RSVP_SATTR_LABEL_REC | RSVP_SATTR_SE_STYLE;
		o->u.sattr.name_len = (uint8_t)strlen(names[i]);
		memcpy(o->u.sattr.name, names[i], strlen(names[i]));
		roundtrip(o);
		n = rsvp_obj_encode(buf, sizeof(buf), o, NULL);
		/* header, four bytes, the name padded to a word */
		assert_int_equal(n, 8 + (strlen(names[i]) + 3) / 4 * 4);
		assert_int_equal(buf[3], RSVP_CT_SATTR);
		o->u.sattr.affinities = 1;
		o->u.sattr.exclude_any = 0x1;
		o->u.sattr.include_any = 0x2;
		o->u.sattr.include_all = 0x4;
		roundtrip(o);
		n = rsvp_obj_encode(buf, sizeof(buf), o, NULL);
		assert_int_equal(n, 20 + (strlen(names[i]) + 3) / 4 * 4);
		assert_int_equal(buf[3], RSVP_CT_SATTR_RA);
	}
	/* The longest name a one-byte length allows. */
	memset(&o->u, 0, sizeof(o->u));
	o->u.sattr.name_len = 255;
	memset(o->u.sattr.name, 'x', 255);
	roundtrip(o);
	free(o);
}

static void
test_intserv_objects(void **state)
{
	struct rsvp_obj *o;
	struct rsvp_tspec tb = { 125000.0f, 1500.0f, INFINITY, 64, 1500 };
	uint8_t buf[256];

	(void)state;
	o = obj(RSVP_CLASS_SENDER_TSPEC);
	o->u.tspec = tb;
	roundtrip(o);
	/* RFC 2210 s3.1: 36 bytes with the object header. */
	assert_int_equal(rsvp_obj_encode(buf, sizeof(buf), o, NULL), 36);
	/* A NaN goes through bit for bit. */
	o->u.tspec.p = NAN;
	roundtrip(o);
	free(o);

	o = obj(RSVP_CLASS_FLOWSPEC);
	o->u.flowspec.service = RSVP_SVC_CL;
	o->u.flowspec.tspec = tb;
	roundtrip(o);
	assert_int_equal(rsvp_obj_encode(buf, sizeof(buf), o, NULL), 36);
	o->u.flowspec.service = RSVP_SVC_GUARANTEED;
	o->u.flowspec.R = 250000.0f;
	o->u.flowspec.S = 1000;
	roundtrip(o);
	/* s3.2: 48 bytes with R and S. */
	assert_int_equal(rsvp_obj_encode(buf, sizeof(buf), o, NULL), 48);
	o->u.flowspec.service = 1;
	assert_int_equal(rsvp_obj_encode(buf, sizeof(buf), o, NULL), -1);
	free(o);
}

static void
test_adspec_objects(void **state)
{
	struct rsvp_obj *o = obj(RSVP_CLASS_ADSPEC);
	struct rsvp_adspec *a = &o->u.adspec;
	uint8_t buf[1024];

	(void)state;
	/* Only the general fragment, only some parameters. */
	a->gen_present = 1;
	a->gen_has = RSVP_AD_HOPS | RSVP_AD_MTU;
	a->hops = 3;
	a->mtu = 9000;
	roundtrip(o);

	/* The usual shape: general, Guaranteed, Controlled-Load. */
	a->gen_has = RSVP_AD_HOPS | RSVP_AD_BW | RSVP_AD_LATENCY | RSVP_AD_MTU;
	a->bw = 12500000.0f;
	a->min_latency = 100;
	a->gs_present = 1;
	a->gs_has = 0x0f;
	a->ctot = 16;
	a->dtot = 32;
	a->csum = 48;
	a->dsum = 64;
	a->cl_present = 1;
	roundtrip(o);
	/* 4 + 4 + 36 + 36 + 4, RFC 2210 s3.3's minimal GS and CL. */
	assert_int_equal(rsvp_obj_encode(buf, sizeof(buf), o, NULL), 84);

	/* Break bits, a Guaranteed fragment of only its header, opaque
	 * parameters and an unknown service's fragment. */
	a->gen_break = 1;
	a->gs_has = 0;
	a->gs_break = 1;
	a->cl_break = 1;
	memcpy(a->gen_extra, (uint8_t[]){ 4, 0x80, 0, 1, 0, 0, 0, 9 }, 8);
	a->gen_extra_len = 8;
	memcpy(a->cl_extra, (uint8_t[]){ 8, 0, 0, 1, 0, 0, 0, 7 }, 8);
	a->cl_extra_len = 8;
	memcpy(a->other, (uint8_t[]){ 9, 0, 0, 1, 1, 2, 3, 4 }, 8);
	a->other_len = 8;
	roundtrip(o);

	/* Raw bytes that are not whole parameters are refused. */
	a->cl_extra_len = 4;
	assert_int_equal(rsvp_obj_encode(buf, sizeof(buf), o, NULL), -1);
	a->cl_extra_len = 8;
	/* A general fragment hidden in other[] would not come back raw. */
	a->other[0] = RSVP_SVC_GENERAL;
	assert_int_equal(rsvp_obj_encode(buf, sizeof(buf), o, NULL), -1);
	free(o);
}

static void
test_route_objects(void **state)
{
	struct rsvp_obj *o = obj(RSVP_CLASS_EXPLICIT_ROUTE);
	struct rsvp_route *r = &o->u.route;
	uint8_t buf[2048];
	unsigned i;

	(void)state;
	roundtrip(o);			/* empty */
	r->n = 3;
	r->sub[0].type = RSVP_SUB_IPV4;
	r->sub[0].addr = A("10.0.1.2");
	r->sub[0].plen = 32;
	r->sub[1].type = RSVP_SUB_IPV4;
	r->sub[1].loose = 1;
	r->sub[1].addr = A("10.0.0.0");
	r->sub[1].plen = 8;
	r->sub[2].type = RSVP_SUB_IPV6;	/* kept opaque */
	r->sub[2].opaque = 1;
	r->sub[2].raw_len = 18;
	for (i = 0; i < 16; i++)
		r->sub[2].raw[i] = (uint8_t)(0x20 + i);
	r->sub[2].raw[16] = 128;
	roundtrip(o);
	assert_int_equal(rsvp_obj_encode(buf, sizeof(buf), o, NULL),
	    4 + 8 + 8 + 20);

	/* 32 subobjects fit; a 33rd cannot be encoded. */
	for (i = 0; i < RSVP_ROUTE_MAX; i++) {
		r->sub[i] = r->sub[0];
		r->sub[i].addr.s_addr = htonl(0x0a000000 + i);
	}
	r->n = RSVP_ROUTE_MAX;
	roundtrip(o);
	r->n = RSVP_ROUTE_MAX + 1;
	assert_int_equal(rsvp_obj_encode(buf, sizeof(buf), o, NULL), -1);
	free(o);

	o = obj(RSVP_CLASS_RECORD_ROUTE);
	r = &o->u.route;
	r->n = 3;
	r->sub[0].type = RSVP_SUB_LABEL;
	r->sub[0].flags = RSVP_RRO_GLOBAL_LABEL;
	r->sub[0].ctype = 1;
	r->sub[0].label = 1000;
	r->sub[1].type = RSVP_SUB_IPV4;
	r->sub[1].addr = A("10.0.1.2");
	r->sub[1].plen = 32;
	r->sub[1].flags = RSVP_RRO_LOCAL_AVAIL;
	r->sub[2].type = RSVP_SUB_LABEL;	/* a generalized label: opaque */
	r->sub[2].opaque = 1;
	r->sub[2].raw_len = 6;
	memcpy(r->sub[2].raw, (uint8_t[]){ 0, 2, 0, 0, 0, 5 }, 6);
	roundtrip(o);
	/* RFC 3209 s4.4.1: an RRO without subobjects is illegal. */
	r->n = 0;
	assert_int_equal(rsvp_obj_encode(buf, sizeof(buf), o, NULL), -1);
	r->n = 3;
	/* Opaque must not look like what the decoder reads. */
	r->sub[2].raw[1] = 1;
	assert_int_equal(rsvp_obj_encode(buf, sizeof(buf), o, NULL), -1);
	free(o);
}

/* ---- hand-made bytes, from the RFCs' diagrams ---------------------------- */

static void
decode_ok(const uint8_t *bytes, size_t len, struct rsvp_obj *o)
{
	uint8_t *x = tu_exact(bytes, len), buf[512];
	size_t used;
	int n;

	assert_int_equal(rsvp_obj_decode(x, len, o, &used), RSVP_R_ok);
	assert_int_equal(used, len);
	/* and the encoder writes exactly these bytes back */
	n = rsvp_obj_encode(buf, sizeof(buf), o, NULL);
	assert_int_equal(n, (int)len);
	assert_memory_equal(buf, bytes, len);
	free(x);
}

static void
test_golden_objects(void **state)
{
	struct rsvp_obj *o = obj(0);
	float f;

	(void)state;
	/* SESSION LSP_TUNNEL_IPv4: end point, 0, tunnel id, extended id */
	decode_ok((const uint8_t[]){ 0x00, 0x10, 0x01, 0x07,
	    0x0a, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x2a,
	    0x0a, 0x00, 0x00, 0x01 }, 16, o);
	assert_int_equal(o->u.session.endpoint.s_addr, A("10.0.0.9").s_addr);
	assert_int_equal(o->u.session.tunnel_id, 42);
	assert_int_equal(o->u.session.ext_tunnel_id, 0x0a000001);

	/* SENDER_TSPEC: r 125000, b 1500, p +inf, m 64, M 1500 */
	decode_ok((const uint8_t[]){ 0x00, 0x24, 0x0c, 0x02,
	    0x00, 0x00, 0x00, 0x07, 0x01, 0x00, 0x00, 0x06,
	    0x7f, 0x00, 0x00, 0x05, 0x47, 0xf4, 0x24, 0x00,
	    0x44, 0xbb, 0x80, 0x00, 0x7f, 0x80, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x05, 0xdc }, 36, o);
	f = 125000.0f;
	assert_memory_equal(&o->u.tspec.r, &f, 4);
	assert_true(o->u.tspec.b == 1500.0f);
	assert_true(isinf(o->u.tspec.p) && o->u.tspec.p > 0);
	assert_int_equal(o->u.tspec.m, 64);
	assert_int_equal(o->u.tspec.M, 1500);

	/* FLOWSPEC Guaranteed: R 250000, S 1000 */
	decode_ok((const uint8_t[]){ 0x00, 0x30, 0x09, 0x02,
	    0x00, 0x00, 0x00, 0x0a, 0x02, 0x00, 0x00, 0x09,
	    0x7f, 0x00, 0x00, 0x05, 0x47, 0xf4, 0x24, 0x00,
	    0x44, 0xbb, 0x80, 0x00, 0x7f, 0x80, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x05, 0xdc,
	    0x82, 0x00, 0x00, 0x02, 0x48, 0x74, 0x24, 0x00,
	    0x00, 0x00, 0x03, 0xe8 }, 48, o);
	assert_int_equal(o->u.flowspec.service, RSVP_SVC_GUARANTEED);
	assert_true(o->u.flowspec.R == 250000.0f);
	assert_int_equal(o->u.flowspec.S, 1000);
	assert_true(o->u.flowspec.tspec.r == 125000.0f);

	/* FLOWSPEC Controlled-Load */
	decode_ok((const uint8_t[]){ 0x00, 0x24, 0x09, 0x02,
	    0x00, 0x00, 0x00, 0x07, 0x05, 0x00, 0x00, 0x06,
	    0x7f, 0x00, 0x00, 0x05, 0x47, 0xf4, 0x24, 0x00,
	    0x44, 0xbb, 0x80, 0x00, 0x47, 0xf4, 0x24, 0x00,
	    0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x05, 0xdc }, 36, o);
	assert_int_equal(o->u.flowspec.service, RSVP_SVC_CL);
	assert_true(o->u.flowspec.tspec.p == 125000.0f);

	/* STYLE SE */
	decode_ok((const uint8_t[]){ 0x00, 0x08, 0x08, 0x01,
	    0x00, 0x00, 0x00, 0x12 }, 8, o);
	assert_int_equal(o->u.style.option, RSVP_STYLE_SE);

	/* SESSION_ATTRIBUTE: 7, 7, label recording + SE, "lsp-a" */
	decode_ok((const uint8_t[]){ 0x00, 0x10, 0xcf, 0x07,
	    0x07, 0x07, 0x06, 0x05, 'l', 's', 'p', '-', 'a', 0, 0, 0 },
	    16, o);
	assert_int_equal(o->u.sattr.setup_prio, 7);
	assert_int_equal(o->u.sattr.flags,
	    RSVP_SATTR_LABEL_REC | RSVP_SATTR_SE_STYLE);
	assert_string_equal(o->u.sattr.name, "lsp-a");

	/* ERO: strict 10.0.1.2/32, loose 10.0.0.0/8 */
	decode_ok((const uint8_t[]){ 0x00, 0x14, 0x14, 0x01,
	    0x01, 0x08, 0x0a, 0x00, 0x01, 0x02, 0x20, 0x00,
	    0x81, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x08, 0x00 }, 20, o);
	assert_int_equal(o->u.route.n, 2);
	assert_int_equal(o->u.route.sub[0].loose, 0);
	assert_int_equal(o->u.route.sub[1].loose, 1);
	assert_int_equal(o->u.route.sub[1].plen, 8);

	/* RRO: label 1000 (global), then 10.0.1.2 with protection */
	decode_ok((const uint8_t[]){ 0x00, 0x14, 0x15, 0x01,
	    0x03, 0x08, 0x01, 0x01, 0x00, 0x00, 0x03, 0xe8,
	    0x01, 0x08, 0x0a, 0x00, 0x01, 0x02, 0x20, 0x01 }, 20, o);
	assert_int_equal(o->u.route.sub[0].type, RSVP_SUB_LABEL);
	assert_int_equal(o->u.route.sub[0].label, 1000);
	assert_int_equal(o->u.route.sub[0].flags, RSVP_RRO_GLOBAL_LABEL);
	assert_int_equal(o->u.route.sub[1].flags, RSVP_RRO_LOCAL_AVAIL);

	/* HELLO ACK */
	decode_ok((const uint8_t[]){ 0x00, 0x0c, 0x16, 0x02,
	    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01 }, 12, o);
	assert_int_equal(o->u.hello.ack, 1);
	assert_int_equal(o->u.hello.src_instance, 2);
	free(o);
}

/* ---- refusals -------------------------------------------------------------- */

static enum rsvp_reason
dec(const uint8_t *bytes, size_t len)
{
	struct rsvp_obj *o = obj(0);
	uint8_t *x = tu_exact(bytes, len);
	enum rsvp_reason r;
	size_t used;

	r = rsvp_obj_decode(x, len, o, &used);
	free(x);
	free(o);
	return r;
}

static void
test_object_refusals(void **state)
{
	(void)state;
	/* headers */
	assert_int_equal(dec((const uint8_t[]){ 0, 8, 1 }, 3),
	    RSVP_R_obj_past_end);
	assert_int_equal(dec((const uint8_t[]){ 0, 0, 5, 1 }, 4),
	    RSVP_R_obj_len_small);
	assert_int_equal(dec((const uint8_t[]){ 0, 6, 5, 1, 0, 0 }, 6),
	    RSVP_R_obj_len_align);
	assert_int_equal(dec((const uint8_t[]){ 0, 12, 5, 1, 0, 0, 0, 1 }, 8),
	    RSVP_R_obj_past_end);
	assert_int_equal(dec((const uint8_t[]){ 0, 4, 99, 1 }, 4),
	    RSVP_R_unknown_class);

	/* c-types: IPv4 UDP SESSION (1), IPv6 RSVP_HOP (2), ATM label
	 * request (2), TIME_VALUES 2 */
	assert_int_equal(dec((const uint8_t[]){ 0, 12, 1, 1, 10, 0, 0, 1,
	    17, 0, 0, 80 }, 12), RSVP_R_unknown_ctype);
	assert_int_equal(dec((const uint8_t[]){ 0, 8, 3, 2, 0, 0, 0, 0 }, 8),
	    RSVP_R_unknown_ctype);
	assert_int_equal(dec((const uint8_t[]){ 0, 8, 19, 2, 0, 0, 8, 0 }, 8),
	    RSVP_R_unknown_ctype);
	assert_int_equal(dec((const uint8_t[]){ 0, 8, 5, 2, 0, 0, 0, 1 }, 8),
	    RSVP_R_unknown_ctype);
	assert_int_equal(dec((const uint8_t[]){ 0, 8, 22, 3, 0, 0, 0, 1 }, 8),
	    RSVP_R_unknown_ctype);

	/* sizes */
	assert_int_equal(dec((const uint8_t[]){ 0, 12, 5, 1, 0, 0, 0, 1,
	    0, 0, 0, 0 }, 12), RSVP_R_obj_size);
	assert_int_equal(dec((const uint8_t[]){ 0, 8, 1, 7, 0, 0, 0, 1 }, 8),
	    RSVP_R_obj_size);
	assert_int_equal(dec((const uint8_t[]){ 0, 4, 16, 1 }, 4),
	    RSVP_R_obj_size);

	/* contents */
	assert_int_equal(dec((const uint8_t[]){ 0, 8, 8, 1, 0, 0, 0, 0x1a },
	    8), RSVP_R_bad_style);
	assert_int_equal(dec((const uint8_t[]){ 0, 8, 16, 1, 0, 0x10, 0, 0 },
	    8), RSVP_R_bad_label);
	/* SESSION_ATTRIBUTE: name length 5 in a one-word name field, and
	 * 3 in a two-word one */
	assert_int_equal(dec((const uint8_t[]){ 0, 12, 207, 7, 7, 7, 0, 5,
	    'a', 'b', 'c', 'd' }, 12), RSVP_R_bad_sattr);
	assert_int_equal(dec((const uint8_t[]){ 0, 16, 207, 7, 7, 7, 0, 3,
	    'a', 'b', 'c', 0, 0, 0, 0, 0 }, 16), RSVP_R_bad_sattr);
	assert_int_equal(dec((const uint8_t[]){ 0, 4, 207, 7 }, 4),
	    RSVP_R_obj_size);
	assert_int_equal(dec((const uint8_t[]){ 0, 8, 207, 1, 0, 0, 0, 0 }, 8),
	    RSVP_R_obj_size);
}

static void
test_intserv_refusals(void **state)
{
	uint8_t t[36] = { 0x00, 0x24, 0x0c, 0x02,
	    0x00, 0x00, 0x00, 0x07, 0x01, 0x00, 0x00, 0x06,
	    0x7f, 0x00, 0x00, 0x05 };
	uint8_t g[48] = { 0x00, 0x30, 0x09, 0x02,
	    0x00, 0x00, 0x00, 0x0a, 0x02, 0x00, 0x00, 0x09,
	    0x7f, 0x00, 0x00, 0x05, [36] = 0x82, 0x00, 0x00, 0x02 };
	uint8_t c[36];
	size_t i;
	static const size_t tspec_fields[] = { 4, 6, 7, 8, 10, 11, 12, 14, 15 };
	static const size_t gs_fields[] = { 4, 7, 10, 11, 12, 15, 36, 39 };

	(void)state;
	assert_int_equal(dec(t, sizeof(t)), RSVP_R_ok);
	/* any one of the version, lengths, service or parameter numbers */
	for (i = 0; i < nitems(tspec_fields); i++) {
		memcpy(c, t, sizeof(t));
		c[tspec_fields[i]] ^= 0x10;
		assert_int_equal(dec(c, sizeof(c)), RSVP_R_bad_tspec);
	}
	/* a Tspec one word short or long */
	memcpy(c, t, sizeof(t));
	c[1] = 0x20;
	assert_int_equal(dec(c, 32), RSVP_R_bad_tspec);
	assert_int_equal(dec(g, sizeof(g)), RSVP_R_ok);
	for (i = 0; i < nitems(gs_fields); i++) {
		uint8_t x[48];

		memcpy(x, g, sizeof(g));
		x[gs_fields[i]] ^= 0x11;
		assert_int_not_equal(dec(x, sizeof(x)), RSVP_R_ok);
	}
	/* A service neither 2 nor 5: error 21/2. */
	g[8] = 3;
	assert_int_equal(dec(g, sizeof(g)), RSVP_R_bad_service);
	/* Controlled-Load with Guaranteed's length. */
	g[8] = 5;
	assert_int_equal(dec(g, sizeof(g)), RSVP_R_bad_flowspec);
}

static void
test_adspec_refusals(void **state)
{
	uint8_t a[20] = { 0x00, 0x14, 0x0d, 0x02, 0x00, 0x00, 0x00, 0x03,
	    0x01, 0x00, 0x00, 0x02, 0x04, 0x00, 0x00, 0x01, 0, 0, 0, 1 };
	uint8_t c[sizeof(a)];
	uint8_t big[4 + 4 + 4 + 200];
	struct rsvp_obj *o = obj(0);
	size_t used;

	(void)state;
	assert_int_equal(dec(a, sizeof(a)), RSVP_R_ok);
	memcpy(c, a, sizeof(a));
	c[7] = 4;		/* overall length one word too long */
	assert_int_equal(dec(c, sizeof(c)), RSVP_R_bad_adspec);
	memcpy(c, a, sizeof(a));
	c[11] = 3;		/* fragment past the object */
	assert_int_equal(dec(c, sizeof(c)), RSVP_R_bad_adspec);
	memcpy(c, a, sizeof(a));
	c[15] = 2;		/* parameter past the fragment */
	assert_int_equal(dec(c, sizeof(c)), RSVP_R_bad_adspec);
	memcpy(c, a, sizeof(a));
	c[4] = 0x10;		/* version 1 */
	assert_int_equal(dec(c, sizeof(c)), RSVP_R_bad_adspec);
	/* A second general fragment. */
	assert_int_equal(dec((const uint8_t[]){ 0x00, 0x10, 0x0d, 0x02,
	    0, 0, 0, 2, 1, 0, 0, 0, 1, 0, 0, 0 }, 16), RSVP_R_bad_adspec);
	/* A parameter with flags set is kept raw, not decoded. */
	memcpy(c, a, sizeof(a));
	c[13] = 0x80;
	assert_int_equal(rsvp_obj_decode(c, sizeof(c), o, &used), RSVP_R_ok);
	assert_int_equal(o->u.adspec.gen_has, 0);
	assert_int_equal(o->u.adspec.gen_extra_len, 8);
	/* An unknown fragment larger than the codec keeps. */
	memset(big, 0, sizeof(big));
	big[1] = sizeof(big);
	big[2] = 13;
	big[3] = 2;
	big[7] = (sizeof(big) - 8) / 4;
	big[8] = 77;
	big[11] = 200 / 4;
	assert_int_equal(dec(big, sizeof(big)), RSVP_R_adspec_full);
	free(o);
}

static void
test_route_refusals(void **state)
{
	uint8_t e[4 + 4 * (RSVP_ROUTE_MAX + 1)];
	size_t i;

	(void)state;
	/* ERO subobject lengths 0, 2, 6, 12 (past the end) and 4+ in a
	 * 4-byte remainder: all sub_len */
	assert_int_equal(dec((const uint8_t[]){ 0, 12, 20, 1, 1, 0, 0, 0,
	    0, 0, 0, 0 }, 12), RSVP_R_sub_len);
	assert_int_equal(dec((const uint8_t[]){ 0, 8, 20, 1, 1, 2, 0, 0 }, 8),
	    RSVP_R_sub_len);
	assert_int_equal(dec((const uint8_t[]){ 0, 12, 20, 1, 1, 6, 0, 0,
	    0, 0, 0, 0 }, 12), RSVP_R_sub_len);
	assert_int_equal(dec((const uint8_t[]){ 0, 12, 20, 1, 1, 12, 0, 0,
	    0, 0, 0, 0 }, 12), RSVP_R_sub_len);
	/* IPv4 prefix of 4 bytes, or /33 */
	assert_int_equal(dec((const uint8_t[]){ 0, 8, 20, 1, 1, 4, 0, 0 }, 8),
	    RSVP_R_sub_size);
	assert_int_equal(dec((const uint8_t[]){ 0, 12, 20, 1, 1, 8, 10, 0,
	    0, 1, 33, 0 }, 12), RSVP_R_sub_prefix);
	assert_int_equal(dec((const uint8_t[]){ 0, 12, 21, 1, 1, 8, 10, 0,
	    0, 1, 33, 0 }, 12), RSVP_R_sub_prefix);
	/* An empty RRO (an empty ERO is fine) */
	assert_int_equal(dec((const uint8_t[]){ 0, 4, 21, 1 }, 4),
	    RSVP_R_obj_size);
	assert_int_equal(dec((const uint8_t[]){ 0, 4, 20, 1 }, 4), RSVP_R_ok);
	/* RRO label c-type 1 must be one word */
	assert_int_equal(dec((const uint8_t[]){ 0, 16, 21, 1, 3, 12, 0, 1,
	    0, 0, 0, 1, 0, 0, 0, 0 }, 16), RSVP_R_sub_size);
	/* 33 four-byte subobjects (AS numbers) */
	memset(e, 0, sizeof(e));
	e[1] = sizeof(e);
	e[2] = 20;
	e[3] = 1;
	for (i = 4; i < sizeof(e); i += 4) {
		e[i] = RSVP_SUB_ASN;
		e[i + 1] = 4;
	}
	assert_int_equal(dec(e, sizeof(e)), RSVP_R_sub_full);
	assert_int_equal(dec(e, sizeof(e) - 4), RSVP_R_obj_past_end);
	e[1] = sizeof(e) - 4;
	assert_int_equal(dec(e, sizeof(e) - 4), RSVP_R_ok);
	/* An opaque subobject larger than the codec keeps. */
	assert_int_equal(dec((const uint8_t[]){ 0, 32, 20, 1, 9, 28,
	    [31] = 0 }, 32), RSVP_R_sub_full);
}

/* ---- helpers ------------------------------------------------------------- */

static void
test_route_helpers(void **state)
{
	struct rsvp_route *r = calloc(1, sizeof(*r));
	struct in_addr ours[2];
	unsigned i;

	(void)state;
	assert_non_null(r);
	ours[0] = A("10.0.0.5");
	ours[1] = A("10.0.1.5");
	assert_int_equal(rsvp_rro_find(r, ours, 2), -1);
	assert_int_equal(rsvp_rro_prepend_ipv4(r, A("10.0.0.1"), 0), 0);
	assert_int_equal(rsvp_rro_prepend_label(r, 77, 0), 0);
	assert_int_equal(rsvp_rro_prepend_ipv4(r, A("10.0.0.2"), 0), 0);
	assert_int_equal(r->n, 3);
	assert_int_equal(r->sub[0].addr.s_addr, A("10.0.0.2").s_addr);
	assert_int_equal(r->sub[1].label, 77);
	assert_int_equal(r->sub[2].plen, 32);
	assert_int_equal(rsvp_rro_find(r, ours, 2), -1);
	/* Our address already recorded: a loop (error 24/7). */
	assert_int_equal(rsvp_rro_prepend_ipv4(r, ours[1], 0), 0);
	assert_int_equal(rsvp_rro_prepend_ipv4(r, A("10.0.0.3"), 0), 0);
	assert_int_equal(rsvp_rro_find(r, ours, 2), 1);
	assert_int_equal(rsvp_rro_find(r, ours, 1), -1);
	/* A label equal to an address is not an address. */
	r->sub[3].label = ntohl(ours[0].s_addr);
	assert_int_equal(rsvp_rro_find(r, ours, 1), -1);

	rsvp_route_shift(r, 2);
	assert_int_equal(r->n, 3);
	assert_int_equal(r->sub[0].addr.s_addr, A("10.0.0.2").s_addr);
	rsvp_route_shift(r, 9);
	assert_int_equal(r->n, 0);

	for (i = 0; i < RSVP_ROUTE_MAX; i++)
		assert_int_equal(rsvp_rro_prepend_label(r, i, 0), 0);
	assert_int_equal(rsvp_rro_prepend_label(r, 99, 0), -1);
	assert_int_equal(rsvp_rro_prepend_ipv4(r, ours[0], 0), -1);
	assert_int_equal(r->sub[0].label, RSVP_ROUTE_MAX - 1);

	assert_true(rsvp_prefix_match(A("10.1.2.3"), A("10.0.0.0"), 8));
	assert_false(rsvp_prefix_match(A("11.1.2.3"), A("10.0.0.0"), 8));
	assert_true(rsvp_prefix_match(A("10.1.2.3"), A("10.1.2.3"), 32));
	assert_false(rsvp_prefix_match(A("10.1.2.2"), A("10.1.2.3"), 32));
	assert_true(rsvp_prefix_match(A("1.2.3.4"), A("0.0.0.0"), 0));
	assert_false(rsvp_prefix_match(A("10.1.2.3"), A("10.1.2.3"), 33));
	free(r);
}

static void
test_tspec_sane(void **state)
{
	struct rsvp_tspec t = { 1000.0f, 100.0f, INFINITY, 64, 1500 };

	(void)state;
	assert_int_equal(rsvp_tspec_sane(&t), 0);
	t.p = 1000.0f;
	assert_int_equal(rsvp_tspec_sane(&t), 0);
	t.p = 999.0f;			/* p < r */
	assert_int_equal(rsvp_tspec_sane(&t), -1);
	t.p = NAN;
	assert_int_equal(rsvp_tspec_sane(&t), -1);
	t.p = INFINITY;
	t.r = -1.0f;
	assert_int_equal(rsvp_tspec_sane(&t), -1);
	t.r = INFINITY;
	assert_int_equal(rsvp_tspec_sane(&t), -1);
	t.r = 1000.0f;
	t.b = NAN;
	assert_int_equal(rsvp_tspec_sane(&t), -1);
	t.b = 100.0f;
	t.m = 1501;			/* m > M */
	assert_int_equal(rsvp_tspec_sane(&t), -1);
}

static void
test_adspec_compose(void **state)
{
	struct rsvp_adspec *a = calloc(1, sizeof(*a));
	struct rsvp_adspec_hop h = { .link_bw = 1.25e7f, .link_latency = 100,
	    .link_mtu = 1500, .C = 10, .D = 20 };

	(void)state;
	assert_non_null(a);
	a->gs_present = 1;
	a->cl_present = 1;
	rsvp_adspec_compose(a, &h);	/* from nothing: this hop alone */
	assert_int_equal(a->gen_has, 0x0f);
	assert_int_equal(a->hops, 1);
	assert_true(a->bw == 1.25e7f);
	assert_int_equal(a->min_latency, 100);
	assert_int_equal(a->mtu, 1500);
	assert_int_equal(a->ctot, 10);
	assert_int_equal(a->dsum, 20);

	h.link_bw = 1e6f;
	h.link_mtu = 9000;
	h.link_latency = 50;
	rsvp_adspec_compose(a, &h);
	assert_int_equal(a->hops, 2);
	assert_true(a->bw == 1e6f);		/* the minimum */
	assert_int_equal(a->mtu, 1500);		/* the minimum */
	assert_int_equal(a->min_latency, 150);	/* the sum */
	assert_int_equal(a->ctot, 20);
	assert_int_equal(a->dtot, 40);
	assert_false(a->gs_break || a->cl_break || a->gen_break);

	/* Sums saturate; indeterminate latency stays so. */
	h.C = UINT32_MAX;
	h.link_latency = RSVP_LATENCY_INDETERMINATE;
	rsvp_adspec_compose(a, &h);
	assert_int_equal(a->ctot, UINT32_MAX);
	assert_int_equal(a->min_latency, RSVP_LATENCY_INDETERMINATE);
	h.link_latency = 1;
	rsvp_adspec_compose(a, &h);
	assert_int_equal(a->min_latency, RSVP_LATENCY_INDETERMINATE);

	/* A hop without Guaranteed service sets that fragment's break. */
	h.no_gs = 1;
	rsvp_adspec_compose(a, &h);
	assert_int_equal(a->gs_break, 1);
	assert_int_equal(a->cl_break, 0);
	h.not_is = 1;
	rsvp_adspec_compose(a, &h);
	assert_int_equal(a->gen_break, 1);
	assert_int_equal(a->cl_break, 1);
	assert_int_equal(a->hops, 6);
	free(a);
}

static void
test_names(void **state)
{
	struct rsvp_derr e = { 0 };
	uint8_t code;
	uint16_t value;
	unsigned i, j;

	(void)state;
	for (i = 0; i < RSVP_R_COUNT; i++) {
		assert_non_null(rsvp_reason_desc[i].name);
		assert_true(strlen(rsvp_reason_str((enum rsvp_reason)i)) > 0);
		for (j = 0; j < i; j++)
			assert_string_not_equal(rsvp_reason_desc[i].name,
			    rsvp_reason_desc[j].name);
	}
	assert_string_equal(rsvp_reason_desc[RSVP_R_bad_checksum].name,
	    "bad_checksum");
	assert_string_equal(rsvp_reason_str(RSVP_R_COUNT), "unknown reason");

	assert_string_equal(rsvp_error_name(RSVP_ERR_ROUTING),
	    "Routing Problem");
	assert_string_equal(rsvp_error_name(25), "Notify Error");
	assert_string_equal(rsvp_error_name(99), "unknown error code");
	assert_string_equal(rsvp_error_value_name(24, 7),
	    "RRO indicated routing loops");
	assert_string_equal(rsvp_error_value_name(24, 10), "Unsupported L3PID");
	assert_string_equal(rsvp_error_value_name(1, 2),
	    "Requested bandwidth unavailable");
	assert_string_equal(rsvp_error_value_name(21, 2), "Service unsupported");
	assert_null(rsvp_error_value_name(24, 11));
	assert_null(rsvp_error_value_name(13, 1));
	assert_int_equal(RSVP_ERR_UNKNOWN_CTYPE, 14);
	assert_int_equal(RSVP_ERRV_RP_NON_RSVP, 8);
	assert_int_equal(RSVP_ERRV_ADM_BANDWIDTH, 2);

	assert_string_equal(rsvp_class_name(RSVP_CLASS_SESSION_ATTRIBUTE),
	    "SESSION_ATTRIBUTE");
	assert_string_equal(rsvp_class_name(RSVP_CLASS_POLICY_DATA),
	    "POLICY_DATA");
	assert_string_equal(rsvp_class_name(200), "unknown");
	assert_string_equal(rsvp_msg_type_name(RSVP_MSG_HELLO), "Hello");
	assert_true(rsvp_class_known(RSVP_CLASS_HELLO));
	assert_false(rsvp_class_known(RSVP_CLASS_INTEGRITY));

	/* Which failures call for an error message, and which one. */
	e.reason = RSVP_R_unknown_class;
	e.class_num = 0x42;
	e.ctype = 3;
	assert_true(rsvp_derr_errspec(&e, &code, &value));
	assert_int_equal(code, 13);
	assert_int_equal(value, 0x4203);
	e.reason = RSVP_R_unknown_ctype;
	assert_true(rsvp_derr_errspec(&e, &code, &value));
	assert_int_equal(code, 14);
	e.reason = RSVP_R_sub_len;
	assert_false(rsvp_derr_errspec(&e, &code, &value));
	e.class_num = RSVP_CLASS_EXPLICIT_ROUTE;
	assert_true(rsvp_derr_errspec(&e, &code, &value));
	assert_int_equal(code, 24);
	assert_int_equal(value, 1);
	e.reason = RSVP_R_bad_label;
	assert_true(rsvp_derr_errspec(&e, &code, &value));
	assert_int_equal(value, 6);
	e.reason = RSVP_R_bad_style;
	assert_true(rsvp_derr_errspec(&e, &code, &value));
	assert_int_equal(code, 6);
	e.reason = RSVP_R_bad_checksum;
	assert_false(rsvp_derr_errspec(&e, &code, &value));
	e.reason = RSVP_R_obj_past_end;
	assert_false(rsvp_derr_errspec(&e, &code, &value));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_objects),
		cmocka_unit_test(test_session_attribute),
		cmocka_unit_test(test_intserv_objects),
		cmocka_unit_test(test_adspec_objects),
		cmocka_unit_test(test_route_objects),
		cmocka_unit_test(test_golden_objects),
		cmocka_unit_test(test_object_refusals),
		cmocka_unit_test(test_intserv_refusals),
		cmocka_unit_test(test_adspec_refusals),
		cmocka_unit_test(test_route_refusals),
		cmocka_unit_test(test_route_helpers),
		cmocka_unit_test(test_tspec_sane),
		cmocka_unit_test(test_adspec_compose),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
