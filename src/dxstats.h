/*
 * quasar-demux's counters, in a file of the instance's state directory
 * (<statedir>/demux.stats) that the demux maps and bumps and that anyone
 * may map read-only: quasard and quasarctl read the data plane's figures
 * without talking to it, and they outlive a crashed demux for a post mortem.
 *
 * The layout is one struct dxstats.  The demux zeroes the counters, fills
 * the header and stores the magic last (release) when it starts; a reader
 * checks magic, version and size before it trusts anything.  Counters are
 * counter_t: single writer, relaxed, never torn.  heartbeat_ns moves once a
 * second while the demux runs, so a reader can tell a live demux from the
 * leftovers of a dead one (running also drops to 0 on a clean exit).
 */
#ifndef Q_DXSTATS_H
#define Q_DXSTATS_H

#include <stdint.h>
#include <stdio.h>

#include "counter.h"

#define DXSTATS_FILE		"demux.stats"
#define DXSTATS_MAGIC		0x51445853u	/* "QDXS" */
#define DXSTATS_VERSION		1u
#define DXSTATS_MAX_PORTS	32
#define DXSTATS_NAME_LEN	16		/* IF_NAMESIZE */

/*
 * Every way a frame leaves the demux, X-macro style: enum, names and
 * descriptions come from this one list.  Appending is compatible; any other
 * change bumps DXSTATS_VERSION.
 */
#define DXSTATS_COUNTERS(X)						\
	X(rx,		"frames received (MPLS: the socket filter's)")	\
	X(rx_bytes,	"bytes received")				\
	X(to_routelet,	"handed unchanged to a routelet VIF")		\
	X(to_besteffort, "switched by the best-effort label table")	\
	X(tx,		"frames sent")					\
	X(tx_bytes,	"bytes sent")					\
	X(tx_errors,	"drop: the kernel refused to send")		\
	X(rx_ring_drops, "drop: receive ring full (kernel's count)")	\
	X(runt,		"drop: shorter than its Ethernet header")	\
	X(not_mpls,	"drop: EtherType is not MPLS unicast")		\
	X(other_host,	"drop: unicast to another station's MAC")	\
	X(oversize,	"drop: larger than a receive ring slot")	\
	X(bad_stack,	"drop: label stack runs past the frame")	\
	X(reserved_label, "drop: reserved label (0-15) on top")		\
	X(no_route,	"drop: label in neither table")			\
	X(bad_vif,	"drop: demux table entry is no usable ifindex")	\
	X(be_busy,	"drop: best-effort entry held by its writer")	\
	X(ttl_expired,	"drop: MPLS TTL 1 or 0")			\
	X(bad_payload,	"drop: popped to no valid IPv4/IPv6 header")	\
	X(bad_port,	"drop: best-effort entry names no port of ours") \
	X(xdp_ports,	"ports whose XDP classifier is attached (now)")	\
	X(xdp_to_routelet, "XDP: handed to a routelet VIF in the kernel") \
	X(xdp_pass_miss, "XDP: MPLS, label not in its map: passed up")	\
	X(xdp_pass_not_mpls, "XDP: not MPLS unicast: left to the kernel") \
	X(xdp_pass_other, "XDP: tagged, another MAC, odd stack: passed up") \
	X(be_bad_entry,	"drop: best-effort entry its writer could not have set")

enum dxs_ctr {
#define DXS_CTR_ENUM(n, d)	DXS_C_##n,
	DXSTATS_COUNTERS(DXS_CTR_ENUM)
#undef DXS_CTR_ENUM
	DXS_C_COUNT
};

extern const struct counter_desc dxs_ctr_desc[DXS_C_COUNT];

struct dxstats_port {
	char		name[DXSTATS_NAME_LEN];
	int32_t		ifindex;
	uint32_t	pad;
	counter_t	rx;
	counter_t	tx;
};

struct dxstats {
	_Atomic uint32_t	magic;
	uint32_t		version;
	uint32_t		size;		/* sizeof(struct dxstats) */
	uint32_t		nctr;		/* DXS_C_COUNT */
	int32_t			pid;
	uint32_t		nports;
	_Atomic uint32_t	running;	/* 0 after a clean exit */
	uint32_t		pad;
	uint64_t		started;	/* CLOCK_REALTIME, seconds */
	_Atomic uint64_t	heartbeat_ns;	/* CLOCK_MONOTONIC */
	counter_t		ctr[DXS_C_COUNT];
	struct dxstats_port	port[DXSTATS_MAX_PORTS];
};

/*
 * The demux's side: creates or reuses path, takes an exclusive lock on it
 * (one demux per state directory; fails with EWOULDBLOCK when another holds
 * it), zeroes the counters.  The lock lives as long as *fd_r is open.
 */
struct dxstats	*dxstats_create(const char *path, int *fd_r);
/* Publishes the header once ports are filled in. */
void		 dxstats_publish(struct dxstats *st);
void		 dxstats_close(struct dxstats *st, int fd);

/* A reader's read-only view; NULL with errno (EPROTO: not a stats file). */
const struct dxstats *dxstats_open(const char *path);
void		 dxstats_unmap(const struct dxstats *st);

/* "name value  description" lines, then per-port lines; or one JSON object. */
void		 dxstats_dump_text(FILE *f, const struct dxstats *st,
		    int skip_zero);
void		 dxstats_dump_json(FILE *f, const struct dxstats *st);

#endif
