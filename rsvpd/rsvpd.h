/*
 * DOC: quasard's RSVP-TE engine
 *
 * RFC 2205 (RSVP) with the IntServ objects of RFC 2210 and the LSP tunnels
 * of RFC 3209, on raw IP protocol 46, IPv4.  The wire codec is src/rsvp.h;
 * this is the protocol: soft state, the three roles, admission.
 *
 *   rsvpd.c     the engine's life: options, start, the main loop's hooks,
 *               counters; the session state machine's driver
 *   rsvp_io.c   the raw socket: IP_PKTINFO (incoming port), the IP TTL
 *               against send_TTL (RFC 2205 s3.8), IP_ROUTER_ALERT to take
 *               Path, PathTear and ResvConf in transit, sending with our
 *               own IPv4 header (Router Alert where the RFC wants it, the
 *               port's address as source, to a chosen next hop)
 *   psb.c       path state blocks, by SESSION + SENDER_TEMPLATE
 *   rsb.c       reservation state blocks, by SESSION + FILTER_SPEC
 *   path.c      Path in and out, ERO processing (RFC 3209 s4.3.4)
 *   resv.c      Resv in and out, the reservation (admission, routelet or
 *               best-effort table, label), ResvConf
 *   errmsg.c    PathErr and ResvErr
 *   tear.c      PathTear and ResvTear, and the deletes behind them
 *   hello.c     RFC 3209 s5 Hellos: neighbour failure -> state torn
 *   admit.c     TSPEC/FLOWSPEC to resources (src/admit.c does the sums),
 *               the per-packet cost (measured at start-up by
 *               src/calib.c unless configured)
 *   label.c     incoming labels from the configured range (src/lalloc.c)
 *   nbr.c       next-hop MAC from the kernel's neighbour table (libnl)
 *   route.c     next hop toward an address from the kernel's routes (libnl)
 *   headend.c   LSPs this router heads (quasarctl lsp add ... to=)
 *   tailend.c   the tail-end's answer to a Path: a Resv with a null label
 *   rsvpctl.c   the control socket's "rsvp" commands and the signalled
 *               LSPs in "lsp show/add/set/del"
 *
 * The pure logic lives in src/ with cmocka tests beside the others
 * (tests/unit/test_rsvpd_*.c): the timer heap that drives every refresh
 * and lifetime (timer.c), the label allocator (lalloc.c), the admission
 * arithmetic (admit.c) and the state machine tables (fsm.c, fsm_te.c).
 *
 * State machines are tables (src/fsm_te.c): fsm_he for a head-end LSP,
 * fsm_ss for a session at a transit or tail, fsm_nb for a Hello
 * neighbour.  Every transition is logged at debug; an event no row expects
 * is logged, counted (unexpected) and ignored.
 *
 * Roles.  A Path whose SESSION end point is one of our addresses makes us
 * the tail-end: we answer with a Resv carrying Implicit NULL (label 3), or
 * IPv4 Explicit NULL (0) when the head-end sets QD_SATTR_EXPLICIT_NULL.
 * Any other Path makes us a transit LSR: we forward it downstream, and
 * the Resv that comes back is admitted here.  A Resv for an LSP we head
 * completes it.
 *
 * QoS or best effort: a FLOWSPEC of Guaranteed (2) or Controlled-Load (5)
 * service with a rate above zero is a QoS LSP and gets a routelet; any
 * other (a zero token bucket is how a head-end asks for best effort) is
 * switched by dom0's best-effort table (belfib) and takes no routelet.
 *
 * Admission (QoS only): bandwidth on the outgoing port and CPU (the
 * worst-case packet rate of the token bucket times the measured per-packet
 * cost), and an idle routelet (the pool below its maximum).  A Path that
 * could not fit even now is refused with a PathErr; a Resv that does not
 * fit with a ResvErr; both ERROR_SPEC code 1 (Admission Control failure)
 * with value 2 (bandwidth), 3 (the TSPEC's M above the port's MTU) or a
 * QuaSAR sub-code (ERRV below).  A refusal changes nothing.
 */
#ifndef RSVPD_H
#define RSVPD_H

#include <sys/queue.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>

#include "admit.h"
#include "belfib.h"
#include "calib.h"
#include "counter.h"
#include "fsm_te.h"
#include "lalloc.h"
#include "rsvp.h"
#include "timer.h"

struct quasard;
struct lsp;
struct reply;
struct nl_sock;
struct nl_cache;

/* Defaults; the same as src/qconf.h's. */
#define RD_DEF_REFRESH_MS	30000	/* R, RFC 2205 s3.7 */
#define RD_DEF_KEEP		3	/* K */
#define RD_DEF_HELLO_MS		5000
#define RD_DEF_HELLO_MISSES	4
#define RD_DEF_CPU_BUDGET	80	/* percent of all CPUs */
#define RD_DEF_LABEL_MIN	1000
#define RD_DEF_LABEL_MAX	1048575
#define RD_RETRY_MS		30000	/* a failed head-end LSP tries again */
#define RD_SEND_TTL		64	/* IP TTL of what we send (Hello: 1) */
#define RD_BUF			65536

/*
 * SESSION_ATTRIBUTE flag this daemon gives a meaning of its own: the
 * head-end asks the tail-end for IPv4 Explicit NULL (0) instead of
 * Implicit NULL.  Not an IANA assignment: a tail that does not know it
 * ignores it and answers with Implicit NULL.
 */
#define QD_SATTR_EXPLICIT_NULL	0x80

/*
 * Admission Control failure values (ERROR_SPEC code 1).  Bandwidth is
 * RFC 2205's globally defined sub-code 2.  CPU and the routelet pool are
 * QuaSAR's: ss = 10 (organization-specific sub-code), u = 0 (the request
 * was refused and changed nothing).
 */
#define RD_ERRV_ADM_BW		RSVP_ERRV_ADM_BANDWIDTH		/* 0x0002 */
#define RD_ERRV_ADM_MTU		RSVP_ERRV_ADM_MTU		/* 0x0003 */
#define RD_ERRV_ADM_CPU		0x8001	/* CPU budget exhausted */
#define RD_ERRV_ADM_POOL	0x8002	/* no routelet: pool at its max */
/* Traffic Control system error values (code 22), system-specific. */
#define RD_ERRV_TCS_SETUP	1	/* the routelet could not be set up */
#define RD_ERRV_TCS_NEXTHOP	2	/* next hop's MAC not resolved */
#define RD_ERRV_TCS_BEFIB	3	/* the best-effort table refused */

#define RD_COUNTERS(X)							\
	X(rx,		"RSVP datagrams received")			\
	X(rx_not_port,	"received on an interface that is not a port")	\
	X(rx_bad_ip,	"IPv4 header refused (see reasons)")		\
	X(rx_malformed,	"message refused by the codec (see reasons)")	\
	X(rx_non_rsvp_hop, "IP TTL differs from send_TTL: non-RSVP hop") \
	X(rx_path,	"Path received")				\
	X(rx_resv,	"Resv received")				\
	X(rx_patherr,	"PathErr received")				\
	X(rx_resverr,	"ResvErr received")				\
	X(rx_pathtear,	"PathTear received")				\
	X(rx_resvtear,	"ResvTear received")				\
	X(rx_resvconf,	"ResvConf received")				\
	X(rx_hello,	"Hello received")				\
	X(tx_path,	"Path sent")					\
	X(tx_resv,	"Resv sent")					\
	X(tx_patherr,	"PathErr sent")					\
	X(tx_resverr,	"ResvErr sent")					\
	X(tx_pathtear,	"PathTear sent")				\
	X(tx_resvtear,	"ResvTear sent")				\
	X(tx_resvconf,	"ResvConf sent")				\
	X(tx_hello,	"Hello sent")					\
	X(tx_fail,	"sends that failed")				\
	X(no_state,	"message for state we do not hold, dropped")	\
	X(wrong_hop,	"message from a hop the state does not expect")	\
	X(admit_ok,	"reservations admitted")			\
	X(admit_bw,	"refused: bandwidth on the outgoing port")	\
	X(admit_cpu,	"refused: CPU budget")				\
	X(admit_pool,	"refused: no routelet (pool at its maximum)")	\
	X(admit_label,	"refused: no incoming label left")		\
	X(admit_setup,	"refused: routelet or table set-up failed")	\
	X(route_err,	"Path refused: routing problem (ERO, no route)") \
	X(psb_timeout,	"path state timed out")				\
	X(rsb_timeout,	"reservation state timed out")			\
	X(nbr_down,	"Hello neighbours declared down")		\
	X(nbr_restart,	"Hello neighbours that restarted")		\
	X(unexpected,	"events no state machine row expects, ignored")

enum rd_ctr {
#define RD_CTR_ENUM(n, d)	RD_C_##n,
	RD_COUNTERS(RD_CTR_ENUM)
#undef RD_CTR_ENUM
	RD_C_COUNT
};

extern const struct counter_desc rd_ctr_desc[RD_C_COUNT];

/* One of quasard's ports as RSVP sees it. */
struct rd_if {
	int		 ifindex;
	char		 ifname[IF_NAMESIZE];
	struct in_addr	 addr;		/* first IPv4 address; 0: none */
	uint8_t		 plen;
	uint32_t	 mtu;
	int		 hello;		/* Hellos on this port */
};

/* ---- state blocks -------------------------------------------------------- */

struct rsb;

/* Path state: one sender of one session (RFC 2205 s3.1.2). */
struct psb {
	TAILQ_ENTRY(psb)	 entry;
	struct rsvp_session	 session;
	struct rsvp_sender	 sender;
	enum ss_state		 state;
	int			 tail;		/* we are the tail-end */

	/* from upstream */
	struct rsvp_hop		 phop;
	unsigned		 in_port;
	uint32_t		 in_refresh_ms;
	struct rsvp_tspec	 tspec;
	uint8_t			 has_adspec, has_sattr, has_rro;
	struct rsvp_adspec	 adspec;
	struct rsvp_session_attr sattr;
	struct rsvp_label_request label_req;
	struct rsvp_route	 rro;		/* as received */
	uint16_t		 fwd_len;	/* unknown 11bbbbbb objects */
	unsigned		 n_fwd;
	uint8_t			 fwd[RSVP_FWD_BYTES];

	/* downstream (transit) */
	unsigned		 out_port;
	struct in_addr		 nhop;		/* IP next hop for the Path */
	struct rsvp_route	 ero;		/* to send: ours removed */
	uint8_t			 has_ero;

	struct timer		 life_t;	/* path state lifetime */
	struct timer		 refresh_t;	/* Path downstream */
	struct rsb		*rsb;
	uint64_t		 created_ns;
};

/* Reservation state for one PSB's sender (FF or SE, RFC 3209 s4.1). */
struct rsb {
	TAILQ_ENTRY(rsb)	 entry;
	struct psb		*psb;
	struct rsvp_session	 session;
	struct rsvp_sender	 filter;
	struct rsvp_style	 style;
	struct rsvp_flowspec	 flowspec;
	struct rsvp_hop		 nhop;		/* the Resv's RSVP_HOP */
	uint32_t		 in_refresh_ms;
	uint32_t		 out_label;	/* from downstream */
	uint32_t		 in_label;	/* ours, sent upstream */
	struct rsvp_route	 rro;		/* from downstream */
	uint8_t			 has_rro;
	uint8_t			 has_confirm;	/* RESV_CONFIRM to pass up */
	struct in_addr		 confirm;
	uint8_t			 confirmed;	/* tail: ResvConf came */
	uint8_t			 local;		/* tail-end's own */
	uint8_t			 qos;		/* routelet, else belfib */
	uint8_t			 installed;	/* label is in ltable/belfib */
	uint8_t			 lost;		/* its routelet is gone */
	uint8_t			 nh_mac[6];
	struct admit_req	 req;		/* what admission gave it */
	char			 lsp_name[64];	/* its routelet LSP */
	struct rsvp_error_spec	 last_err;	/* tail: last ResvErr */
	uint8_t			 has_err;
	struct timer		 life_t;	/* reservation lifetime */
	struct timer		 refresh_t;	/* Resv upstream */
	struct timer		 lost_t;	/* deferred routelet loss */
};

/* An LSP this router heads. */
struct he_lsp {
	TAILQ_ENTRY(he_lsp)	 entry;
	char			 name[64];
	struct rsvp_session	 session;
	struct rsvp_sender	 sender;
	enum he_state		 state;
	uint8_t			 service;	/* RSVP_SVC_*, 0: best effort */
	struct rsvp_tspec	 tspec;
	struct rsvp_route	 ero;		/* configured */
	uint8_t			 has_ero;
	uint8_t			 explicit_null;

	unsigned		 out_port;
	struct in_addr		 nhop;
	struct rsvp_route	 ero_out;	/* as sent */
	uint8_t			 has_ero_out;

	/* learned from the Resv */
	uint8_t			 has_label;
	uint32_t		 out_label;
	uint8_t			 nh_mac[6];
	struct rsvp_hop		 resv_hop;
	struct rsvp_flowspec	 flowspec;
	struct rsvp_style	 style;
	struct rsvp_route	 rro;
	uint8_t			 has_rro;
	uint32_t		 resv_refresh_ms;
	uint64_t		 up_ns;

	struct rsvp_error_spec	 err;
	uint8_t			 has_err;
	char			 why[128];	/* local failure, if any */

	struct timer		 refresh_t;	/* Path */
	struct timer		 resv_t;	/* reservation lifetime */
	struct timer		 retry_t;
	unsigned		 attempts;
};

/* An RSVP neighbour we exchange Hellos with (RFC 3209 s5). */
struct hello_nbr {
	TAILQ_ENTRY(hello_nbr)	 entry;
	struct in_addr		 addr;
	unsigned		 port;
	enum nb_state		 state;
	uint32_t		 src_instance;	/* ours, for it */
	uint32_t		 dst_instance;	/* its, last heard; 0 none */
	uint64_t		 last_heard_ns;
	uint64_t		 rx, tx, downs;
	struct timer		 send_t;
	struct timer		 dead_t;
};

TAILQ_HEAD(psb_list, psb);
TAILQ_HEAD(rsb_list, rsb);
TAILQ_HEAD(he_list, he_lsp);
TAILQ_HEAD(nbr_list, hello_nbr);

/* Where admission's per-packet cost came from. */
enum rd_pp_source {
	RD_PP_CONFIGURED,	/* per-packet-ns, -P */
	RD_PP_MEASURED,		/* calibration at start-up */
	RD_PP_DEFAULT,		/* calibration failed: CALIB_DEFAULT_NS */
};

struct rsvpd_conf {
	struct in_addr	 router_id;	/* 0: the first port's address */
	uint32_t	 refresh_ms;
	unsigned	 keep;
	unsigned	 hello_ms;
	unsigned	 hello_misses;
	unsigned	 cpu_budget_pct;
	uint32_t	 per_packet_ns;	/* 0: measure */
	uint32_t	 label_min, label_max;
	uint64_t	 reservable[ADMIT_MAX_PORTS];	/* ADMIT_UNLIMITED */
	int		 hello[ADMIT_MAX_PORTS];
};

struct rsvpd {
	struct quasard		*q;
	struct rsvpd_conf	 conf;
	struct in_addr		 router_id;
	int			 fd;		/* raw IP 46 */
	unsigned		 nifs;
	struct rd_if		 ifs[ADMIT_MAX_PORTS];
	struct in_addr		 local[64];	/* every address we have */
	unsigned		 nlocal;
	uint64_t		 addrs_at;

	struct timer_heap	 th;
	struct admit		 adm;
	enum rd_pp_source	 pp_source;	/* where per_packet_ns came from */
	struct calib_res	 calib;		/* if measured (or tried) */
	struct lalloc		 la;
	struct nl_sock		*nl;
	struct nl_cache		*neigh;

	struct psb_list		 psbs;
	struct rsb_list		 rsbs;
	struct he_list		 hes;
	struct nbr_list		 nbrs;
	unsigned		 npsb, nrsb, nhe, nnbr;
	uint16_t		 next_tunnel;
	uint32_t		 instance_seed;
	uint64_t		 rnd;

	counter_t		 ctr[RD_C_COUNT];
	counter_t		 reason[RSVP_R_COUNT];

	/* scratch: one message in, one out (too big for the stack) */
	struct rsvp_msg		*in;
	struct rsvp_msg		*out;
	uint8_t			*buf;
};

/* What a received message's handler is told besides the message. */
struct rd_rx {
	unsigned		 port;
	struct rsvp_ip		 ip;
};

/* rsvpd.c */
void		 rsvpd_conf_init(struct rsvpd_conf *);
int		 rsvpd_init(struct rsvpd *, struct quasard *,
		    const struct rsvpd_conf *, char *err, size_t errlen);
void		 rsvpd_fini(struct rsvpd *);
int		 rsvpd_fd(const struct rsvpd *);
/* Reads what the socket holds; runs due timers.  From the main loop. */
void		 rsvpd_dispatch(struct rsvpd *);
void		 rsvpd_timers(struct rsvpd *);
int		 rsvpd_poll_ms(const struct rsvpd *, int cap_ms);
uint32_t	 rd_random(struct rsvpd *);
uint64_t	 rd_jitter_ns(struct rsvpd *, uint32_t ms);
uint64_t	 rd_lifetime_ns(const struct rsvpd *, uint32_t refresh_ms);
void		 rd_count(struct rsvpd *, enum rd_ctr);
/* Drives a session's state machine; may free p (returns 1 if it did). */
int		 ss_event(struct rsvpd *, struct psb *p, enum ss_event,
		    const void *ctx);
/* From lsp.c: a signalled LSP lost its routelet for good. */
void		 rsvpd_lsp_lost(struct quasard *, struct lsp *);

/* rsvp_io.c */
int		 rio_open(struct rsvpd *, char *err, size_t errlen);
void		 rio_close(struct rsvpd *);
void		 rio_recv(struct rsvpd *);
/* One datagram of n bytes (IPv4 header on) that came in on port: what
 * rio_recv does with each; ttl is IP_TTL's, or -1. */
void		 rio_input(struct rsvpd *, unsigned port, const uint8_t *p,
		    size_t n, int ttl);
/* Encodes m and sends it out of port to next hop nh with IP destination
 * dst: ttl, and Router Alert if the message type wants it. */
int		 rio_send(struct rsvpd *, struct rsvp_msg *m, unsigned port,
		    struct in_addr nh, struct in_addr dst, uint8_t ttl);
void		 rio_addrs_refresh(struct rsvpd *, int force);
int		 rio_is_local(struct rsvpd *, struct in_addr);
int		 rio_port_of(const struct rsvpd *, int ifindex);
/* The port whose subnet holds a (directly connected), or -1. */
int		 rio_port_connected(const struct rsvpd *, struct in_addr a);
struct in_addr	 rio_port_addr(const struct rsvpd *, unsigned port);

/* psb.c */
struct psb	*psb_find(struct rsvpd *, const struct rsvp_session *,
		    const struct rsvp_sender *);
int		 psb_session_known(struct rsvpd *, const struct rsvp_session *);
struct psb	*psb_new(struct rsvpd *, const struct rsvp_session *,
		    const struct rsvp_sender *);
void		 psb_free(struct rsvpd *, struct psb *);
void		 psb_arm_lifetime(struct rsvpd *, struct psb *);
int		 session_equal(const struct rsvp_session *,
		    const struct rsvp_session *);
int		 sender_equal(const struct rsvp_sender *,
		    const struct rsvp_sender *);
const char	*session_str(const struct rsvp_session *,
		    const struct rsvp_sender *, char *buf, size_t len);

/* rsb.c */
struct rsb	*rsb_find(struct rsvpd *, const struct rsvp_session *,
		    const struct rsvp_sender *);
struct rsb	*rsb_new(struct rsvpd *, struct psb *);
void		 rsb_free(struct rsvpd *, struct rsb *);
void		 rsb_arm_lifetime(struct rsvpd *, struct rsb *);

/* path.c */
void		 path_recv(struct rsvpd *, const struct rd_rx *,
		    const struct rsvp_msg *);
int		 ss_fwd_path(struct rsvpd *, struct psb *, const void *ctx);
int		 ss_keep_path(struct rsvpd *, struct psb *, const void *ctx);
int		 ss_send_path(struct rsvpd *, struct psb *, const void *ctx);
/* ERO first-hop processing for a node whose addresses rio_is_local()
 * knows; on error code/value are the PathErr to send. */
int		 path_ero_next(struct rsvpd *, struct rsvp_route *ero,
		    int *port_r, struct in_addr *nh_r, uint8_t *code_r,
		    uint16_t *value_r);

/* resv.c */
void		 resv_recv(struct rsvpd *, const struct rd_rx *,
		    const struct rsvp_msg *);
void		 resvconf_recv(struct rsvpd *, const struct rd_rx *,
		    const struct rsvp_msg *);
int		 ss_reserve(struct rsvpd *, struct psb *, const void *ctx);
int		 ss_keep_resv(struct rsvpd *, struct psb *, const void *ctx);
int		 ss_send_resv(struct rsvpd *, struct psb *, const void *ctx);
/* Sends b's Resv upstream now and every R from now on. */
void		 resv_announce(struct rsvpd *, struct rsb *);
/* Frees what a reservation holds: routelet or belfib entry, label,
 * admission. */
void		 resv_release(struct rsvpd *, struct rsb *);

/* errmsg.c */
void		 patherr_recv(struct rsvpd *, const struct rd_rx *,
		    const struct rsvp_msg *);
void		 resverr_recv(struct rsvpd *, const struct rd_rx *,
		    const struct rsvp_msg *);
/* A PathErr about (session, sender) to the previous hop, or a ResvErr
 * about the flow descriptors of m to the next hop. */
void		 patherr_send(struct rsvpd *, unsigned port,
		    struct in_addr to, const struct rsvp_msg *about,
		    uint8_t code, uint16_t value);
void		 resverr_send(struct rsvpd *, unsigned port,
		    struct in_addr to, const struct rsvp_msg *about,
		    unsigned fd, uint8_t code, uint16_t value);

/* tear.c */
void		 pathtear_recv(struct rsvpd *, const struct rd_rx *,
		    const struct rsvp_msg *);
void		 resvtear_recv(struct rsvpd *, const struct rd_rx *,
		    const struct rsvp_msg *);
int		 ss_unreserve(struct rsvpd *, struct psb *, const void *ctx);
int		 ss_delete(struct rsvpd *, struct psb *, const void *ctx);
void		 pathtear_send_psb(struct rsvpd *, struct psb *);
void		 resvtear_send_rsb(struct rsvpd *, struct rsb *);

/* hello.c */
void		 hello_recv(struct rsvpd *, const struct rd_rx *,
		    const struct rsvp_msg *);
/* State now goes through addr on port: Hello with it if the port does. */
void		 hello_touch(struct rsvpd *, unsigned port, struct in_addr);
void		 hello_fini(struct rsvpd *);
struct hello_nbr *hello_find(struct rsvpd *, struct in_addr);

/* admit.c */
/* Measures the per-packet cost (or falls back to the default, saying why
 * once) into r->conf.per_packet_ns. */
void		 adm_calibrate(struct rsvpd *);
const char	*adm_pp_source_name(enum rd_pp_source);
struct admit_flow adm_flow(const struct rsvp_tspec *);
int		 adm_is_qos(const struct rsvp_flowspec *);
int		 adm_tspec_qos(const struct rsvp_tspec *);
/* The request a flowspec makes on port. */
void		 adm_req(const struct rsvpd *, unsigned port,
		    const struct rsvp_flowspec *, struct admit_req *);
/* Path-time check of a sender's TSPEC (nothing is taken). */
int		 adm_path_check(struct rsvpd *, unsigned port,
		    const struct rsvp_tspec *, uint16_t *value_r);
uint16_t	 adm_errvalue(int admit_rc);

/* label.c */
int		 lbl_alloc(struct rsvpd *, uint32_t *label_r);
void		 lbl_free(struct rsvpd *, uint32_t label);

/* nbr.c */
int		 nbr_open(struct rsvpd *);
void		 nbr_close(struct rsvpd *);
/* MAC of IPv4 neighbour addr on port; resolves it if the kernel has
 * none yet (waits at most wait_ms).  0, or -1. */
int		 nbr_mac(struct rsvpd *, unsigned port, struct in_addr addr,
		    uint8_t mac[6], int wait_ms);

/* route.c */
/* The port and next hop toward dst: 1 if dst is ours (local), 0 routed
 * out of a port, -1 no route or not through one of our ports. */
int		 route_lookup(struct rsvpd *, struct in_addr dst,
		    unsigned *port_r, struct in_addr *nh_r);

/* headend.c */
int		 he_add(struct rsvpd *, struct he_lsp *tmpl, char *err,
		    size_t errlen);
int		 he_del(struct rsvpd *, const char *name);
/* A new SENDER_TSPEC for a head-end LSP: the Path goes out now. */
int		 he_set_tspec(struct rsvpd *, const char *name,
		    const struct rsvp_tspec *);
struct he_lsp	*he_find(struct rsvpd *, const char *name);
struct he_lsp	*he_find_session(struct rsvpd *, const struct rsvp_session *,
		    const struct rsvp_sender *);
void		 he_resv_recv(struct rsvpd *, struct he_lsp *,
		    const struct rd_rx *, const struct rsvp_msg *, unsigned fd);
void		 he_resvtear_recv(struct rsvpd *, struct he_lsp *);
void		 he_patherr_recv(struct rsvpd *, struct he_lsp *,
		    const struct rsvp_msg *);
void		 he_nbr_down(struct rsvpd *, unsigned port, struct in_addr);
void		 he_flush(struct rsvpd *);

/* tailend.c */
int		 tail_reserve(struct rsvpd *, struct psb *);
void		 tail_resvconf(struct rsvpd *, struct rsb *,
		    const struct rsvp_msg *);

/* rsvpctl.c */
void		 rsvpctl_cmd(struct quasard *, int argc, char **argv,
		    struct reply *);
int		 rsvpctl_lsp_add(struct quasard *, int argc, char **argv,
		    struct reply *);
int		 rsvpctl_lsp_del(struct quasard *, const char *name,
		    struct reply *);
int		 rsvpctl_lsp_set(struct quasard *, int argc, char **argv,
		    struct reply *);
void		 rsvpctl_lsp_show(struct quasard *, struct reply *, int *first);

#endif
