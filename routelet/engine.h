/*
 * The routelet forwarding engine: the QuaSAR paper's figure 2 as C stages.
 *
 *   rx -> strip (Ethernet) -> mpls (swap | pop | push, TTL)
 *      -> encap (Ethernet toward the next hop) -> shaper (token bucket and
 *      queue per output VIF) -> tx
 *
 * Each stage is a function that returns RL_PASS or the reason it drops the
 * frame; the burst loop in engine.c counts the reason and frees the frame.
 * Stages live in files of their own, as inline functions so the burst loop
 * compiles into one straight run: strip.h, mplsop.h, encap.h, shaper.h
 * (and shaper.c, the token-bucket side).
 *
 * Configuration is an immutable struct rlconf published by pointer.  The
 * data path loads it once per burst, so every frame of a burst sees one
 * configuration, old or new, never parts of both.  rl_engine_apply() swaps
 * the pointer and waits for the burst in progress, if any, to finish before
 * it frees the old one (a one-reader quiescent-state scheme: no lock, and
 * the data path pays one store per burst).  Frames already queued keep the
 * headers they were given; none is dropped by a change.
 */
#ifndef RL_ENGINE_H
#define RL_ENGINE_H

#include <stdatomic.h>
#include <stdint.h>

#include "counter.h"
#include "pkt.h"
#include "rlconf.h"
#include "tbf.h"

#define RL_BURST	32
#define RL_TXQ_SIZE	RLCONF_QLEN_MAX		/* power of two */

#define RL_COUNTERS(X)							\
	X(rx_packets,	"frames received")				\
	X(rx_bytes,	"bytes received")				\
	X(tx_packets,	"frames sent")					\
	X(tx_bytes,	"bytes sent")					\
	X(runt,		"drop: shorter than its Ethernet header")	\
	X(not_mpls,	"drop: EtherType is not MPLS unicast")		\
	X(bad_stack,	"drop: label stack runs past the frame")	\
	X(wrong_label,	"drop: top label is not this routelet's")	\
	X(ttl_expired,	"drop: MPLS TTL 1 or 0")			\
	X(bad_payload,	"drop: popped to no valid IPv4/IPv6 header")	\
	X(no_headroom,	"drop: no room in front to push")		\
	X(no_config,	"drop: no configuration applied yet")		\
	X(oversize,	"drop: frame larger than the bucket depth")	\
	X(queue_full,	"drop: output queue full")

enum rl_ctr {
#define RL_CTR_ENUM(n, d)	RL_C_##n,
	RL_COUNTERS(RL_CTR_ENUM)
#undef RL_CTR_ENUM
	RL_C_COUNT
};

/* What a stage returns: RL_PASS, or the counter of the drop reason. */
#define RL_PASS		RL_C_COUNT

extern const struct counter_desc rl_ctr_desc[RL_C_COUNT];

struct rl_txq {
	struct pkt	*ring[RL_TXQ_SIZE];
	uint32_t	 head;		/* next to send */
	uint32_t	 tail;		/* next free */
	struct tbf	 tb;
};

struct rl_engine {
	_Atomic(struct rlconf *) conf;	/* published, immutable */
	_Atomic uint64_t	 seq;		/* odd while a burst runs */

	/* Data-path state: only the thread running bursts touches these. */
	uint64_t		 seen_gen;
	struct pkt_pool		*pool;
	struct rl_txq		 txq[RLCONF_MAX_VIFS];

	counter_t		 ctr[RL_C_COUNT];
};

int	rl_engine_init(struct rl_engine *e, struct pkt_pool *pool);
/* Frees the configuration and gives queued frames back to the pool. */
void	rl_engine_destroy(struct rl_engine *e);

/*
 * Validates c and publishes a copy.  Its gen must be above the current one.
 * May be called from any single control thread, concurrently with bursts.
 * Returns 0, or -1 with the reason in err.
 */
int	rl_engine_apply(struct rl_engine *e, const struct rlconf *c,
	    char *err, size_t errlen);
/* Generation of the published configuration (0 before the first). */
uint64_t rl_engine_gen(struct rl_engine *e);

/*
 * Runs n received frames through the stages at time now.  Dropped frames go
 * back to the pool; the rest wait in their VIF's queue.  Returns how many
 * were queued.
 */
unsigned rl_engine_rx_burst(struct rl_engine *e, struct pkt **pkts,
	    unsigned n, uint64_t now);

/*
 * Takes up to max frames from vif's queue that its bucket lets go at now,
 * stamped with now.  The caller sends them and puts them back in the pool.
 */
unsigned rl_engine_tx_burst(struct rl_engine *e, unsigned vif, uint64_t now,
	    struct pkt **out, unsigned max);

/* Frames waiting on vif. */
unsigned rl_engine_queued(const struct rl_engine *e, unsigned vif);

/*
 * Earliest time >= now at which a queued frame may go; UINT64_MAX when all
 * queues are empty.
 */
uint64_t rl_engine_next_tx(struct rl_engine *e, uint64_t now);

/* The stages, each one screen long. */
unsigned rl_strip(struct pkt *p);
unsigned rl_mpls(const struct rlconf *c, struct pkt *p);
unsigned rl_encap(const struct rlconf *c, struct pkt *p);
unsigned rl_shape(struct rl_engine *e, const struct rlconf *c, struct pkt *p);

#endif
