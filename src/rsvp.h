/*
 * DOC: the RSVP-TE wire codec
 *
 * Messages and objects of RSVP (RFC 2205) with the IntServ objects of
 * RFC 2210 (parameters from RFC 2211, 2212 and 2215) and the LSP-tunnel
 * extensions of RFC 3209, decoded into plain C structs and encoded back.
 * Everything lives in fixed-size arrays: no heap, nothing to free.  quasard
 * owns the protocol (state, timers, admission); this codec only says what
 * is on the wire and whether it is well formed.
 *
 *   rsvp.h           this API, the wire constants, bounded reader/writer
 *   rsvp_obj.c       one object: the per-class codec table, SESSION,
 *                    RSVP_HOP, TIME_VALUES, ERROR_SPEC, STYLE,
 *                    SENDER_TEMPLATE/FILTER_SPEC, RESV_CONFIRM, LABEL,
 *                    LABEL_REQUEST, HELLO, SESSION_ATTRIBUTE; equality
 *   rsvp_intserv.c   SENDER_TSPEC, FLOWSPEC (Controlled-Load, Guaranteed)
 *                    and ADSPEC in RFC 2210's layout; Tspec sanity and
 *                    ADSPEC composition at a hop (RFC 2215)
 *   rsvp_route.c     EXPLICIT_ROUTE and RECORD_ROUTE subobjects, RRO
 *                    loop detection, RRO/ERO edits
 *   rsvp_msg.c       messages: which objects each type allows and needs
 *                    (one table), decode with the RFC 2205 s3.10 rules for
 *                    unknown classes, the check, encode with the checksum
 *   rsvp_ip.c        the IPv4 header with Router Alert (RFC 2113) for raw
 *                    IP protocol 46: build and parse
 *   rsvp_err.c       decode reasons (the counters' X-macro list), error
 *                    code names, which reason calls for which ERROR_SPEC
 *
 * Supported: Path, Resv, PathErr, ResvErr, PathTear, ResvTear, ResvConf
 * (RFC 2205) and Hello (RFC 3209 s5).  SESSION, SENDER_TEMPLATE and
 * FILTER_SPEC are the LSP_TUNNEL_IPv4 c-types only, so every session is an
 * LSP tunnel and a Path must carry a LABEL_REQUEST.  INTEGRITY, SCOPE and
 * POLICY_DATA are not implemented and so are unknown classes: a message
 * carrying one is refused with error 13, as RFC 2205 s3.10 says.
 *
 * Decoding never reads outside the buffer it was given and reports why a
 * message was refused: an enum rsvp_reason (with its text and a counter),
 * the byte offset, and the class and c-type of the object at fault.  Some
 * reasons call for an error message (unknown class 13, unknown c-type 14,
 * bad ERO 24/1, ...): rsvp_derr_errspec() says which, and for those the
 * decoder goes on through the rest of the message so the caller has the
 * SESSION and sender to address the PathErr or ResvErr to.
 *
 * Addresses are struct in_addr, in network byte order as on the wire.
 * Floats are IEEE 754 single precision (RFC 2210 s3), copied bit for bit.
 *
 * Tests: tests/unit/test_rsvp_obj.c (objects), test_rsvp_msg.c (messages,
 * hand-made golden bytes, truncations, fuzz), test_rsvp_ip.c (IPv4 and
 * Router Alert); tests/rsvp/tshark-check BUILD decodes what the encoder
 * writes with tshark; tests/fuzz/fuzz_rsvp.c fuzzes the decoder on raw
 * datagrams with an encode/decode round trip.
 */
#ifndef Q_RSVP_H
#define Q_RSVP_H

#include <netinet/in.h>
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "counter.h"

/* ---- the common header (RFC 2205 s3.1.1) ------------------------------ */

#define RSVP_VERSION		1
#define RSVP_IPPROTO		46
#define RSVP_HDR_LEN		8
#define RSVP_OBJ_HDR_LEN	4
#define RSVP_MSG_MAX		65532	/* the 16-bit length, whole words */

enum rsvp_msg_type {
	RSVP_MSG_PATH		= 1,
	RSVP_MSG_RESV		= 2,
	RSVP_MSG_PATHERR	= 3,
	RSVP_MSG_RESVERR	= 4,
	RSVP_MSG_PATHTEAR	= 5,
	RSVP_MSG_RESVTEAR	= 6,
	RSVP_MSG_RESVCONF	= 7,
	RSVP_MSG_HELLO		= 20,	/* RFC 3209 s5 */
};

/* ---- class numbers (RFC 2205 appendix A, RFC 3209 s4) ------------------ */

#define RSVP_CLASS_NULL			0
#define RSVP_CLASS_SESSION		1
#define RSVP_CLASS_RSVP_HOP		3
#define RSVP_CLASS_INTEGRITY		4	/* not implemented */
#define RSVP_CLASS_TIME_VALUES		5
#define RSVP_CLASS_ERROR_SPEC		6
#define RSVP_CLASS_SCOPE		7	/* not implemented */
#define RSVP_CLASS_STYLE		8
#define RSVP_CLASS_FLOWSPEC		9
#define RSVP_CLASS_FILTER_SPEC		10
#define RSVP_CLASS_SENDER_TEMPLATE	11
#define RSVP_CLASS_SENDER_TSPEC		12
#define RSVP_CLASS_ADSPEC		13
#define RSVP_CLASS_POLICY_DATA		14	/* not implemented */
#define RSVP_CLASS_RESV_CONFIRM		15
#define RSVP_CLASS_LABEL		16
#define RSVP_CLASS_LABEL_REQUEST	19
#define RSVP_CLASS_EXPLICIT_ROUTE	20
#define RSVP_CLASS_RECORD_ROUTE		21
#define RSVP_CLASS_HELLO		22
#define RSVP_CLASS_SESSION_ATTRIBUTE	207

/*
 * RFC 2205 s3.10: the top two bits of an unknown class say what to do.
 * 0bbbbbbb: refuse the message, error 13; 10bbbbbb: ignore it, do not
 * forward; 11bbbbbb: ignore it but forward it unchanged.
 */
#define RSVP_CLASS_UNKNOWN_MASK		0xc0
#define RSVP_CLASS_UNKNOWN_IGNORE	0x80
#define RSVP_CLASS_UNKNOWN_FORWARD	0xc0

/* c-types */
#define RSVP_CT_LSP_TUNNEL_IPV4		7	/* SESSION, SENDER_TEMPLATE, FILTER_SPEC */
#define RSVP_CT_IPV4			1	/* RSVP_HOP, ERROR_SPEC, RESV_CONFIRM */
#define RSVP_CT_INTSERV			2	/* SENDER_TSPEC, FLOWSPEC, ADSPEC */
#define RSVP_CT_SATTR_RA		1	/* SESSION_ATTRIBUTE with affinities */
#define RSVP_CT_SATTR			7	/* SESSION_ATTRIBUTE, LSP_TUNNEL */
#define RSVP_CT_HELLO_REQUEST		1
#define RSVP_CT_HELLO_ACK		2

/* ---- error codes and values (RFC 2205 appendix B, RFC 3209 s7) --------- */

#define RSVP_ERRCODES(X)						\
	X(CONFIRM,		0,  "Confirmation")			\
	X(ADMISSION,		1,  "Admission Control failure")	\
	X(POLICY,		2,  "Policy Control failure")		\
	X(NO_PATH,		3,  "No path information for this Resv")	\
	X(NO_SENDER,		4,  "No sender information for this Resv")	\
	X(STYLE_CONFLICT,	5,  "Conflicting reservation style")	\
	X(STYLE_UNKNOWN,	6,  "Unknown reservation style")	\
	X(DST_PORTS,		7,  "Conflicting dest ports")		\
	X(SRC_PORTS,		8,  "Conflicting sender ports")		\
	X(PREEMPTED,		12, "Service preempted")		\
	X(UNKNOWN_CLASS,	13, "Unknown object class")		\
	X(UNKNOWN_CTYPE,	14, "Unknown object C-Type")		\
	X(API,			20, "Reserved for API")			\
	X(TRAFFIC,		21, "Traffic Control error")		\
	X(TRAFFIC_SYSTEM,	22, "Traffic Control system error")	\
	X(SYSTEM,		23, "RSVP system error")		\
	X(ROUTING,		24, "Routing Problem")			\
	X(NOTIFY,		25, "Notify Error")

enum rsvp_errcode {
#define RSVP_ERRCODE_ENUM(n, v, s)	RSVP_ERR_##n = v,
	RSVP_ERRCODES(RSVP_ERRCODE_ENUM)
#undef RSVP_ERRCODE_ENUM
};

/* Admission Control failure, globally defined sub-codes (ssur = 0000). */
#define RSVP_ERRV_ADMISSION(X)						\
	X(DELAY,	1, "Delay bound cannot be met")			\
	X(BANDWIDTH,	2, "Requested bandwidth unavailable")		\
	X(MTU,		3, "MTU in flowspec larger than interface MTU")

/* Traffic Control error sub-codes. */
#define RSVP_ERRV_TRAFFIC(X)						\
	X(SERVICE_CONFLICT,	1, "Service conflict")			\
	X(SERVICE_UNSUPPORTED,	2, "Service unsupported")		\
	X(BAD_FLOWSPEC,		3, "Bad Flowspec value")		\
	X(BAD_TSPEC,		4, "Bad Tspec value")			\
	X(BAD_ADSPEC,		5, "Bad Adspec value")

/* Routing Problem values (RFC 3209 s7.3). */
#define RSVP_ERRV_ROUTING(X)						\
	X(BAD_ERO,		1,  "Bad EXPLICIT_ROUTE object")	\
	X(BAD_STRICT,		2,  "Bad strict node")			\
	X(BAD_LOOSE,		3,  "Bad loose node")			\
	X(BAD_INITIAL,		4,  "Bad initial subobject")		\
	X(NO_ROUTE,		5,  "No route available toward destination") \
	X(BAD_LABEL,		6,  "Unacceptable label value")		\
	X(RRO_LOOP,		7,  "RRO indicated routing loops")	\
	X(NON_RSVP,		8,  "MPLS being negotiated, but a non-RSVP-capable router stands in the path") \
	X(LABEL_ALLOC,		9,  "MPLS label allocation failure")	\
	X(BAD_L3PID,		10, "Unsupported L3PID")

/* Notify Error values (RFC 3209 s7.4). */
#define RSVP_ERRV_NOTIFY(X)						\
	X(RRO_TOO_LARGE,	1, "RRO too large for MTU")		\
	X(RRO_NOTIFY,		2, "RRO Notification")			\
	X(REPAIRED,		3, "Tunnel locally repaired")

enum rsvp_errvalue {
#define RSVP_ERRV_ENUM_ADM(n, v, s)	RSVP_ERRV_ADM_##n = v,
#define RSVP_ERRV_ENUM_TC(n, v, s)	RSVP_ERRV_TC_##n = v,
#define RSVP_ERRV_ENUM_RP(n, v, s)	RSVP_ERRV_RP_##n = v,
#define RSVP_ERRV_ENUM_NT(n, v, s)	RSVP_ERRV_NOTIFY_##n = v,
	RSVP_ERRV_ADMISSION(RSVP_ERRV_ENUM_ADM)
	RSVP_ERRV_TRAFFIC(RSVP_ERRV_ENUM_TC)
	RSVP_ERRV_ROUTING(RSVP_ERRV_ENUM_RP)
	RSVP_ERRV_NOTIFY(RSVP_ERRV_ENUM_NT)
#undef RSVP_ERRV_ENUM_ADM
#undef RSVP_ERRV_ENUM_TC
#undef RSVP_ERRV_ENUM_RP
#undef RSVP_ERRV_ENUM_NT
};

/* ERROR_SPEC flags */
#define RSVP_ERRF_INPLACE	0x01
#define RSVP_ERRF_NOTGUILTY	0x02

/* ---- reasons: why a message was refused, one counter each -------------- */

#define RSVP_REASONS(X)							\
	X(ok,		"accepted")					\
	X(short,	"shorter than the common header")		\
	X(bad_version,	"version is not 1")				\
	X(bad_type,	"unknown message type")				\
	X(len_over,	"length field runs past the datagram")		\
	X(len_under,	"length field short of the datagram")		\
	X(len_align,	"length not a multiple of 4")			\
	X(bad_checksum,	"checksum mismatch")				\
	X(obj_len_small, "object length below 4")			\
	X(obj_len_align, "object length not a multiple of 4")		\
	X(obj_past_end,	"object runs past the end of the message")	\
	X(obj_size,	"object body of the wrong size for its class and c-type") \
	X(unknown_class, "unknown class 0bbbbbbb: refuse, send error 13") \
	X(unknown_ctype, "unknown c-type of a known class: refuse, send error 14") \
	X(not_allowed,	"object not allowed in this message type")	\
	X(duplicate,	"second copy of an object allowed once")	\
	X(missing,	"mandatory object missing for this message type") \
	X(fwd_full,	"no room to keep an unknown object to forward")	\
	X(bad_tspec,	"SENDER_TSPEC not in RFC 2210's layout: send error 21/4") \
	X(bad_flowspec,	"FLOWSPEC not in RFC 2210's layout: send error 21/3") \
	X(bad_service,	"FLOWSPEC neither Guaranteed nor Controlled-Load: send error 21/2") \
	X(bad_adspec,	"ADSPEC fragments or parameters overrun: send error 21/5") \
	X(adspec_full,	"ADSPEC opaque parts larger than the codec holds") \
	X(bad_style,	"reservation style not FF, SE or WF: send error 6") \
	X(bad_flowdesc,	"flow descriptor list does not fit the style")	\
	X(flowdesc_full, "more flow descriptors than the codec holds")	\
	X(bad_label,	"label wider than 20 bits: send error 24/6")	\
	X(bad_sattr,	"SESSION_ATTRIBUTE name length disagrees with the object") \
	X(sub_len,	"subobject length below 4, not a multiple of 4 or past the object") \
	X(sub_size,	"subobject of the wrong size for its type")	\
	X(sub_prefix,	"subobject prefix length above 32")		\
	X(sub_full,	"more or larger subobjects than the codec holds") \
	X(no_space,	"encode: buffer too small")			\
	X(too_long,	"encode: message longer than 65532 bytes")	\
	X(bad_value,	"encode: a value does not fit its field")	\
	X(ip_short,	"IPv4: shorter than its header")		\
	X(ip_version,	"IPv4: version is not 4")			\
	X(ip_hlen,	"IPv4: header length below 20 or past the datagram") \
	X(ip_len,	"IPv4: total length below the header or past the datagram") \
	X(ip_checksum,	"IPv4: header checksum mismatch")		\
	X(ip_proto,	"IPv4: protocol is not 46 (RSVP)")		\
	X(ip_fragment,	"IPv4: a fragment, not reassembled")		\
	X(ip_option,	"IPv4: option length bad or past the header")

enum rsvp_reason {
#define RSVP_REASON_ENUM(n, d)	RSVP_R_##n,
	RSVP_REASONS(RSVP_REASON_ENUM)
#undef RSVP_REASON_ENUM
	RSVP_R_COUNT
};

extern const struct counter_desc rsvp_reason_desc[RSVP_R_COUNT];

/* Where and why decoding (or encoding) stopped. */
struct rsvp_derr {
	enum rsvp_reason reason;
	uint8_t		 msg_type;	/* of the message, 0 if unknown */
	uint8_t		 class_num;	/* of the object at fault, if any */
	uint8_t		 ctype;
	uint32_t	 offset;	/* byte offset of the fault */
};

/* ---- objects ------------------------------------------------------------- */

/* SESSION, LSP_TUNNEL_IPv4 (RFC 3209 s4.6.1.1) */
struct rsvp_session {
	struct in_addr	 endpoint;	/* tunnel end point */
	uint16_t	 tunnel_id;
	uint32_t	 ext_tunnel_id;	/* usually the head-end's address */
};

/* RSVP_HOP, IPv4 (RFC 2205 A.2) */
struct rsvp_hop {
	struct in_addr	 addr;		/* previous or next hop */
	uint32_t	 lih;		/* logical interface handle */
};

/* TIME_VALUES (RFC 2205 A.4) */
struct rsvp_time_values {
	uint32_t	 refresh_ms;	/* R */
};

/* ERROR_SPEC, IPv4 (RFC 2205 A.5) */
struct rsvp_error_spec {
	struct in_addr	 node;
	uint8_t		 flags;		/* RSVP_ERRF_* */
	uint8_t		 code;		/* enum rsvp_errcode */
	uint16_t	 value;
};

/* STYLE (RFC 2205 A.7): the 24-bit option vector */
#define RSVP_STYLE_WF		0x11	/* wildcard filter: shared, wildcard */
#define RSVP_STYLE_FF		0x0a	/* fixed filter: distinct, explicit */
#define RSVP_STYLE_SE		0x12	/* shared explicit: shared, explicit */

struct rsvp_style {
	uint8_t		 flags;
	uint32_t	 option;	/* 24 bits; RSVP_STYLE_* */
};

/* SENDER_TEMPLATE and FILTER_SPEC, LSP_TUNNEL_IPv4 (RFC 3209 s4.6.2) */
struct rsvp_sender {
	struct in_addr	 addr;		/* tunnel sender address */
	uint16_t	 lsp_id;
};

/* The token bucket Tspec (RFC 2210 s3.1, RFC 2215 s3.6) */
struct rsvp_tspec {
	float		 r;		/* token bucket rate, bytes/s */
	float		 b;		/* token bucket size, bytes */
	float		 p;		/* peak data rate, bytes/s (may be +inf) */
	uint32_t	 m;		/* minimum policed unit, bytes */
	uint32_t	 M;		/* maximum packet size, bytes */
};

/* IntServ service numbers and parameter numbers (RFC 2215, 2211, 2212) */
#define RSVP_SVC_GENERAL	1
#define RSVP_SVC_GUARANTEED	2
#define RSVP_SVC_CL		5
#define RSVP_PARAM_IS_HOPS	4
#define RSVP_PARAM_PATH_BW	6
#define RSVP_PARAM_MIN_LATENCY	8
#define RSVP_PARAM_PATH_MTU	10
#define RSVP_PARAM_TOKEN_BUCKET	127
#define RSVP_PARAM_GS_RSPEC	130
#define RSVP_PARAM_GS_CTOT	133
#define RSVP_PARAM_GS_DTOT	134
#define RSVP_PARAM_GS_CSUM	135
#define RSVP_PARAM_GS_DSUM	136

/* FLOWSPEC (RFC 2210 s3.2): Controlled-Load, or Guaranteed with R, S */
struct rsvp_flowspec {
	uint8_t		 service;	/* RSVP_SVC_GUARANTEED or RSVP_SVC_CL */
	struct rsvp_tspec tspec;
	float		 R;		/* Guaranteed: rate, bytes/s */
	uint32_t	 S;		/* Guaranteed: slack term, us */
};

/*
 * ADSPEC (RFC 2210 s3.3).  The known parameters are decoded, each with a
 * bit in *_has; parameters this codec does not interpret (service-specific
 * overrides, or a known one with flags set) are kept as raw bytes after
 * them, and whole fragments of other services as raw bytes in other[].
 * Encoding writes the fragments in the order general, Guaranteed,
 * Controlled-Load, others, the known parameters first in each.
 */
#define RSVP_ADSPEC_RAW_MAX	128

#define RSVP_AD_HOPS		0x01	/* gen_has */
#define RSVP_AD_BW		0x02
#define RSVP_AD_LATENCY		0x04
#define RSVP_AD_MTU		0x08
#define RSVP_AD_CTOT		0x01	/* gs_has */
#define RSVP_AD_DTOT		0x02
#define RSVP_AD_CSUM		0x04
#define RSVP_AD_DSUM		0x08

#define RSVP_LATENCY_INDETERMINATE	0xffffffffu	/* RFC 2215 s3.4 */

struct rsvp_adspec {
	uint8_t		 gen_present, gen_break, gen_has;
	uint8_t		 gs_present, gs_break, gs_has;
	uint8_t		 cl_present, cl_break;
	uint32_t	 hops;		/* NUMBER_OF_IS_HOPS */
	float		 bw;		/* AVAILABLE_PATH_BANDWIDTH, bytes/s */
	uint32_t	 min_latency;	/* MINIMUM_PATH_LATENCY, us */
	uint32_t	 mtu;		/* PATH_MTU, bytes */
	uint32_t	 ctot, dtot, csum, dsum;	/* Guaranteed error terms */
	uint16_t	 gen_extra_len, gs_extra_len, cl_extra_len, other_len;
	uint8_t		 gen_extra[RSVP_ADSPEC_RAW_MAX];
	uint8_t		 gs_extra[RSVP_ADSPEC_RAW_MAX];
	uint8_t		 cl_extra[RSVP_ADSPEC_RAW_MAX];
	uint8_t		 other[RSVP_ADSPEC_RAW_MAX];
};

/* RESV_CONFIRM, IPv4 (RFC 2205 A.11) */
struct rsvp_resv_confirm {
	struct in_addr	 receiver;
};

/* LABEL (RFC 3209 s4.1) and LABEL_REQUEST without label range (s4.2.1) */
struct rsvp_label {
	uint32_t	 label;		/* 20 bits */
};

struct rsvp_label_request {
	uint16_t	 l3pid;		/* an EtherType, 0x0800 for IPv4 */
};

/* HELLO REQUEST and ACK (RFC 3209 s5.2) */
struct rsvp_hello {
	uint8_t		 ack;		/* 0: REQUEST (c-type 1), 1: ACK (2) */
	uint32_t	 src_instance;
	uint32_t	 dst_instance;
};

/* SESSION_ATTRIBUTE (RFC 3209 s4.7), c-type 7 or 1 (with affinities) */
#define RSVP_SATTR_LOCAL_PROT	0x01
#define RSVP_SATTR_LABEL_REC	0x02
#define RSVP_SATTR_SE_STYLE	0x04

struct rsvp_session_attr {
	uint8_t		 affinities;	/* c-type 1: the three words below */
	uint32_t	 exclude_any, include_any, include_all;
	uint8_t		 setup_prio, hold_prio;	/* 0 best .. 7 */
	uint8_t		 flags;		/* RSVP_SATTR_* */
	uint8_t		 name_len;	/* bytes of name[] on the wire */
	char		 name[256];	/* NUL after name_len; padded on the wire */
};

/*
 * EXPLICIT_ROUTE and RECORD_ROUTE (RFC 3209 s4.3, s4.4): a list of
 * subobjects.  Decoded: ERO IPv4 prefix (type 1), RRO IPv4 address
 * (type 1) and RRO label (type 3, label c-type 1).  Any other subobject is
 * kept opaque, its type and contents in raw[], and encoded back unchanged.
 */
#define RSVP_ROUTE_MAX		32
#define RSVP_SUB_RAW_MAX	22	/* an IPv6 prefix's 18 and a little */
#define RSVP_SUB_IPV4		1
#define RSVP_SUB_IPV6		2
#define RSVP_SUB_LABEL		3	/* RRO */
#define RSVP_SUB_ASN		32	/* ERO */
#define RSVP_RRO_LOCAL_AVAIL	0x01	/* IPv4 subobject flags */
#define RSVP_RRO_LOCAL_INUSE	0x02
#define RSVP_RRO_GLOBAL_LABEL	0x01	/* label subobject flags */

struct rsvp_subobj {
	uint8_t		 type;		/* ERO: 7 bits; RRO: 8 bits */
	uint8_t		 loose;		/* ERO: the L bit */
	uint8_t		 opaque;	/* not decoded: contents in raw[] */
	uint8_t		 raw_len;	/* opaque: bytes after type, length */
	uint8_t		 plen;		/* IPv4: prefix length */
	uint8_t		 flags;		/* RRO: IPv4 or label flags */
	uint8_t		 ctype;		/* RRO label: its c-type (1) */
	struct in_addr	 addr;		/* IPv4 */
	uint32_t	 label;		/* RRO label */
	uint8_t		 raw[RSVP_SUB_RAW_MAX];
};

struct rsvp_route {
	unsigned	 n;
	struct rsvp_subobj sub[RSVP_ROUTE_MAX];
};

/* Any one object, for rsvp_obj_decode()/rsvp_obj_encode(). */
struct rsvp_obj {
	uint8_t		 class_num;
	uint8_t		 ctype;		/* decode: as found; encode: derived */
	union {
		struct rsvp_session		session;
		struct rsvp_hop			hop;
		struct rsvp_time_values		time;
		struct rsvp_error_spec		error;
		struct rsvp_style		style;
		struct rsvp_flowspec		flowspec;
		struct rsvp_sender		sender;	/* and FILTER_SPEC */
		struct rsvp_tspec		tspec;
		struct rsvp_adspec		adspec;
		struct rsvp_resv_confirm	confirm;
		struct rsvp_label		label;
		struct rsvp_label_request	label_req;
		struct rsvp_route		route;	/* ERO, RRO */
		struct rsvp_hello		hello;
		struct rsvp_session_attr	sattr;
	} u;
};

/* ---- messages ------------------------------------------------------------ */

#define RSVP_MAX_FLOWDESC	8
#define RSVP_FWD_MAX		16	/* unknown 11bbbbbb objects kept */
#define RSVP_FWD_BYTES		1024

/* Which singleton objects a message holds (rsvp_msg.present). */
#define RSVP_HAS_SESSION	0x0001u
#define RSVP_HAS_HOP		0x0002u
#define RSVP_HAS_TIME		0x0004u
#define RSVP_HAS_ERROR		0x0008u
#define RSVP_HAS_CONFIRM	0x0010u
#define RSVP_HAS_ERO		0x0020u
#define RSVP_HAS_LABEL_REQUEST	0x0040u
#define RSVP_HAS_SATTR		0x0080u
#define RSVP_HAS_HELLO		0x0100u
#define RSVP_HAS_SENDER		0x0200u
#define RSVP_HAS_TSPEC		0x0400u
#define RSVP_HAS_ADSPEC		0x0800u
#define RSVP_HAS_RRO		0x1000u	/* Path, PathErr, PathTear */
#define RSVP_HAS_STYLE		0x2000u

/*
 * One flow descriptor of a Resv, ResvErr, ResvTear or ResvConf (RFC 2205
 * s3.1.4, RFC 3209 s4.1.1): an FF descriptor is FLOWSPEC FILTER_SPEC
 * LABEL [RECORD_ROUTE], later FF descriptors may leave the FLOWSPEC out
 * (it carries over), and SE is one FLOWSPEC then FILTER_SPEC LABEL
 * [RECORD_ROUTE] repeated: so descriptor i > 0 holds no flowspec.
 */
#define RSVP_FD_FLOWSPEC	0x01
#define RSVP_FD_FILTER		0x02
#define RSVP_FD_LABEL		0x04
#define RSVP_FD_RRO		0x08

struct rsvp_flowdesc {
	uint8_t		 has;		/* RSVP_FD_* */
	struct rsvp_flowspec flowspec;
	struct rsvp_sender filter;
	struct rsvp_label label;
	struct rsvp_route rro;
};

struct rsvp_msg {
	uint8_t		 type;		/* enum rsvp_msg_type */
	uint8_t		 flags;		/* 4 bits */
	uint8_t		 send_ttl;
	uint32_t	 present;	/* RSVP_HAS_* */

	struct rsvp_session	 session;
	struct rsvp_hop		 hop;
	struct rsvp_time_values	 time;
	struct rsvp_error_spec	 error;
	struct rsvp_resv_confirm confirm;
	struct rsvp_route	 ero;
	struct rsvp_label_request label_req;
	struct rsvp_session_attr sattr;
	struct rsvp_hello	 hello;

	/* the sender descriptor: Path, PathErr, PathTear */
	struct rsvp_sender	 sender;
	struct rsvp_tspec	 tspec;
	struct rsvp_adspec	 adspec;
	struct rsvp_route	 rro;

	/* the flow descriptor list: Resv, ResvErr, ResvTear, ResvConf */
	struct rsvp_style	 style;
	unsigned		 n_fd;
	struct rsvp_flowdesc	 fd[RSVP_MAX_FLOWDESC];

	/* unknown 11bbbbbb objects, whole, in the order they came */
	unsigned		 n_fwd;
	uint16_t		 fwd_len;
	uint8_t			 fwd[RSVP_FWD_BYTES];

	/* unknown 10bbbbbb objects seen and dropped */
	unsigned		 n_ignored;
};

/* rsvp_msg.c */
void		 rsvp_msg_init(struct rsvp_msg *, enum rsvp_msg_type);

/*
 * Decodes the RSVP message of exactly len bytes at p (the IP payload).
 * Returns RSVP_R_ok, or the reason with *e saying where.  m is always
 * written; after a reason for which rsvp_derr_errspec() is true it holds
 * the message's other objects.
 */
enum rsvp_reason rsvp_msg_decode(const uint8_t *p, size_t len,
		    struct rsvp_msg *m, struct rsvp_derr *e);

/*
 * Checks m against its message type's rules: mandatory objects, objects
 * the type does not allow, the flow descriptors against the style.
 * The decoder and the encoder both apply it.
 */
enum rsvp_reason rsvp_msg_check(const struct rsvp_msg *m, struct rsvp_derr *e);

/*
 * Encodes m into buf (cap bytes) with its length and checksum.  Returns
 * the length, or -1 with e->reason (no_space, too_long, bad_value, or a
 * rule of rsvp_msg_check).
 */
int		 rsvp_msg_encode(const struct rsvp_msg *m, uint8_t *buf,
		    size_t cap, struct rsvp_derr *e);

/* Field by field, floats bit for bit; 1 if equal. */
int		 rsvp_msg_equal(const struct rsvp_msg *, const struct rsvp_msg *);

/* The effective FLOWSPEC of descriptor i (carried over for FF), or NULL. */
const struct rsvp_flowspec *rsvp_fd_flowspec(const struct rsvp_msg *,
		    unsigned i);

/* Path, PathTear and ResvConf go with IP Router Alert (RFC 2205 s3.1). */
int		 rsvp_msg_router_alert(uint8_t type);

const char	*rsvp_msg_type_name(uint8_t type);

/* rsvp_obj.c */
const char	*rsvp_class_name(uint8_t class_num);

/* Whether this codec decodes the class (others are unknown, s3.10). */
int		 rsvp_class_known(uint8_t class_num);

/*
 * One object's body (blen bytes after its header) into out, which points
 * at the struct for the class (struct rsvp_obj's union names them).
 * Returns ok, unknown_class, unknown_ctype or the fault in the body.
 */
enum rsvp_reason rsvp_obj_get(uint8_t class_num, uint8_t ctype,
		    const uint8_t *body, size_t blen, void *out);

/* One object, header and body, from val (the struct for the class). */
struct rsvp_wr;
enum rsvp_reason rsvp_obj_put(struct rsvp_wr *w, uint8_t class_num,
		    const void *val);

/* Whole objects: decode the one at p (at most len bytes), *used_r its length. */
enum rsvp_reason rsvp_obj_decode(const uint8_t *p, size_t len,
		    struct rsvp_obj *o, size_t *used_r);
int		 rsvp_obj_encode(uint8_t *p, size_t cap,
		    const struct rsvp_obj *o, enum rsvp_reason *why);
int		 rsvp_obj_equal(uint8_t class_num, const void *a,
		    const void *b);

/* rsvp_intserv.c */
enum rsvp_reason rsvp_tspec_get(const uint8_t *body, size_t blen,
		    struct rsvp_tspec *);
enum rsvp_reason rsvp_tspec_put(struct rsvp_wr *, const struct rsvp_tspec *);
enum rsvp_reason rsvp_flowspec_get(const uint8_t *body, size_t blen,
		    struct rsvp_flowspec *);
enum rsvp_reason rsvp_flowspec_put(struct rsvp_wr *,
		    const struct rsvp_flowspec *);
enum rsvp_reason rsvp_adspec_get(const uint8_t *body, size_t blen,
		    struct rsvp_adspec *);
enum rsvp_reason rsvp_adspec_put(struct rsvp_wr *, const struct rsvp_adspec *);
int		 rsvp_tspec_equal(const struct rsvp_tspec *,
		    const struct rsvp_tspec *);
int		 rsvp_flowspec_equal(const struct rsvp_flowspec *,
		    const struct rsvp_flowspec *);
int		 rsvp_adspec_equal(const struct rsvp_adspec *,
		    const struct rsvp_adspec *);

/*
 * The values RFC 2215 s3.6 requires of a token bucket: r and b finite and
 * not negative, p >= r (p may be +inf), m <= M.  0 if sound, else -1: the
 * caller answers with error 21/4 (Tspec) or 21/3 (flowspec).
 */
int		 rsvp_tspec_sane(const struct rsvp_tspec *);

/* What one hop adds to an ADSPEC (RFC 2210 s3.3, RFC 2215 s3.3-3.5). */
struct rsvp_adspec_hop {
	int		 not_is;	/* this hop does not do IntServ: break */
	int		 no_gs, no_cl;	/* ...nor this service: its break bit */
	float		 link_bw;	/* bytes/s */
	uint32_t	 link_latency;	/* us */
	uint32_t	 link_mtu;	/* bytes */
	uint32_t	 C, D;		/* Guaranteed error terms of this hop */
};

/* Composes one hop into a (hop count, min bandwidth, summed latency, ...). */
void		 rsvp_adspec_compose(struct rsvp_adspec *a,
		    const struct rsvp_adspec_hop *h);

/* rsvp_route.c */
enum rsvp_reason rsvp_ero_get(const uint8_t *body, size_t blen,
		    struct rsvp_route *);
enum rsvp_reason rsvp_rro_get(const uint8_t *body, size_t blen,
		    struct rsvp_route *);
enum rsvp_reason rsvp_ero_put(struct rsvp_wr *, const struct rsvp_route *);
enum rsvp_reason rsvp_rro_put(struct rsvp_wr *, const struct rsvp_route *);
int		 rsvp_route_equal(const struct rsvp_route *,
		    const struct rsvp_route *);

/*
 * RRO loop detection (RFC 3209 s4.4.3): the index of the first IPv4
 * subobject whose address is one of ours[0..n-1], or -1.  A hit means
 * error 24/7.
 */
int		 rsvp_rro_find(const struct rsvp_route *,
		    const struct in_addr *ours, size_t n);

/* New subobjects go first in an RRO (RFC 3209 s4.4.3).  0, or -1 if full. */
int		 rsvp_rro_prepend_ipv4(struct rsvp_route *, struct in_addr,
		    uint8_t flags);
int		 rsvp_rro_prepend_label(struct rsvp_route *, uint32_t label,
		    uint8_t flags);

/* Drops the first n subobjects, as a hop consumes them (RFC 3209 s4.3.4). */
void		 rsvp_route_shift(struct rsvp_route *, unsigned n);

/* Whether addr lies in prefix/plen (an ERO IPv4 subobject's test). */
int		 rsvp_prefix_match(struct in_addr addr, struct in_addr prefix,
		    uint8_t plen);

/* rsvp_ip.c */
#define RSVP_IP_RA_LEN		4	/* type 148, length 4, value 0 */
#define RSVP_IP_HDR_RA_LEN	24
#define RSVP_IP_TOS		0xc0	/* precedence: internetwork control */

struct rsvp_ip {
	struct in_addr	 src, dst;
	uint8_t		 ttl;
	uint8_t		 tos;
	uint16_t	 id;
	uint8_t		 router_alert;	/* the option is (to be) present */
	uint16_t	 ra_value;	/* parse: the option's value */
	uint16_t	 hlen;		/* parse: header length */
	uint16_t	 total_len;	/* parse: the datagram's length */
};

/*
 * Writes an IPv4 header for an RSVP payload of plen bytes: protocol 46,
 * DF clear, Router Alert if ip->router_alert, checksum set.  Returns the
 * header length (20 or 24), or -1 if cap is too small or the datagram
 * would pass 65535 bytes.
 */
int		 rsvp_ip_build(uint8_t *p, size_t cap, const struct rsvp_ip *ip,
		    size_t plen);

/*
 * Parses the IPv4 datagram at p (len bytes; trailing link padding is
 * allowed past the total length).  Checks version, lengths, checksum,
 * protocol 46, that it is not a fragment, and walks the options for
 * Router Alert.  On ok, *payload_r and *plen_r give the RSVP message.
 */
enum rsvp_reason rsvp_ip_parse(const uint8_t *p, size_t len, struct rsvp_ip *ip,
		    const uint8_t **payload_r, size_t *plen_r);

/* rsvp_err.c */
const char	*rsvp_reason_str(enum rsvp_reason);
const char	*rsvp_error_name(uint8_t code);
/* The value's name where the code defines names for values, else NULL. */
const char	*rsvp_error_value_name(uint8_t code, uint16_t value);

/*
 * Whether the decode failure e calls for an error message back (PathErr
 * for Path, ResvErr for Resv), and with which code and value.  Malformed
 * messages get none: they are counted and dropped.
 */
int		 rsvp_derr_errspec(const struct rsvp_derr *e, uint8_t *code_r,
		    uint16_t *value_r);

/* Bumps the counter of reason r in a set of RSVP_R_COUNT counters. */
static inline void
rsvp_count(counter_t *ctr, enum rsvp_reason r)
{
	if ((unsigned)r < RSVP_R_COUNT)
		ctr_add(&ctr[r], 1);
}

/* ---- a bounded writer and reader, shared by the codec's files ---------- */

/*
 * The writer never writes past cap: a write that does not fit sets
 * overflow and every later write is dropped, so a caller checks once at
 * the end.  The reader returns 0 past the end and sets bad.
 */
struct rsvp_wr {
	uint8_t		*p;
	size_t		 cap;
	size_t		 len;
	int		 overflow;
};

struct rsvp_rd {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;
	int		 bad;
};

static_assert(sizeof(float) == 4, "RFC 2210 floats are 32-bit IEEE 754");

static inline void
rsvp_wr_init(struct rsvp_wr *w, uint8_t *p, size_t cap)
{
	w->p = p;
	w->cap = cap;
	w->len = 0;
	w->overflow = 0;
}

static inline uint8_t *
rsvp_wr_reserve(struct rsvp_wr *w, size_t n)
{
	uint8_t *q;

	if (w->overflow || w->cap - w->len < n) {
		w->overflow = 1;
		return NULL;
	}
	q = w->p + w->len;
	w->len += n;
	return q;
}

static inline void
rsvp_put8(struct rsvp_wr *w, uint8_t v)
{
	uint8_t *q = rsvp_wr_reserve(w, 1);

	if (q != NULL)
		q[0] = v;
}

static inline void
rsvp_put16(struct rsvp_wr *w, uint16_t v)
{
	uint8_t *q = rsvp_wr_reserve(w, 2);

	if (q != NULL) {
		q[0] = (uint8_t)(v >> 8);
		q[1] = (uint8_t)v;
	}
}

static inline void
rsvp_put32(struct rsvp_wr *w, uint32_t v)
{
	uint8_t *q = rsvp_wr_reserve(w, 4);

	if (q != NULL) {
		q[0] = (uint8_t)(v >> 24);
		q[1] = (uint8_t)(v >> 16);
		q[2] = (uint8_t)(v >> 8);
		q[3] = (uint8_t)v;
	}
}

static inline void
rsvp_putf(struct rsvp_wr *w, float f)
{
	uint32_t v;

	memcpy(&v, &f, sizeof(v));
	rsvp_put32(w, v);
}

static inline void
rsvp_putn(struct rsvp_wr *w, const void *src, size_t n)
{
	uint8_t *q = rsvp_wr_reserve(w, n);

	if (q != NULL && n > 0)
		memcpy(q, src, n);
}

static inline void
rsvp_put_addr(struct rsvp_wr *w, struct in_addr a)
{
	rsvp_putn(w, &a.s_addr, 4);
}

static inline void
rsvp_putz(struct rsvp_wr *w, size_t n)
{
	uint8_t *q = rsvp_wr_reserve(w, n);

	if (q != NULL && n > 0)
		memset(q, 0, n);
}

/* Writes at an offset already reserved (lengths filled in afterwards). */
static inline void
rsvp_wr_set16(struct rsvp_wr *w, size_t off, uint16_t v)
{
	if (!w->overflow && off + 2 <= w->len) {
		w->p[off] = (uint8_t)(v >> 8);
		w->p[off + 1] = (uint8_t)v;
	}
}

static inline void
rsvp_rd_init(struct rsvp_rd *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
	r->bad = 0;
}

static inline size_t
rsvp_rd_left(const struct rsvp_rd *r)
{
	return r->bad ? 0 : r->len - r->off;
}

static inline const uint8_t *
rsvp_rd_take(struct rsvp_rd *r, size_t n)
{
	const uint8_t *q;

	if (r->bad || r->len - r->off < n) {
		r->bad = 1;
		return NULL;
	}
	q = r->p + r->off;
	r->off += n;
	return q;
}

static inline uint8_t
rsvp_get8(struct rsvp_rd *r)
{
	const uint8_t *q = rsvp_rd_take(r, 1);

	return q != NULL ? q[0] : 0;
}

static inline uint16_t
rsvp_get16(struct rsvp_rd *r)
{
	const uint8_t *q = rsvp_rd_take(r, 2);

	return q != NULL ? (uint16_t)(q[0] << 8 | q[1]) : 0;
}

static inline uint32_t
rsvp_get32(struct rsvp_rd *r)
{
	const uint8_t *q = rsvp_rd_take(r, 4);

	return q != NULL ? (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 |
	    (uint32_t)q[2] << 8 | q[3] : 0;
}

static inline float
rsvp_getf(struct rsvp_rd *r)
{
	uint32_t v = rsvp_get32(r);
	float f;

	memcpy(&f, &v, sizeof(f));
	return f;
}

static inline struct in_addr
rsvp_get_addr(struct rsvp_rd *r)
{
	const uint8_t *q = rsvp_rd_take(r, 4);
	struct in_addr a = { 0 };

	if (q != NULL)
		memcpy(&a.s_addr, q, 4);
	return a;
}

#endif
