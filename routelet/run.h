/*
 * The forwarding loop a routelet domain runs, shared by its two control
 * transports: `routelet run` (local backend: a socket, run.c) and
 * `routelet xen` (Xen backend: xenstore, xen.c).  The transport only
 * carries text; what a configuration, a ping or a counter request means
 * is decided here, once.
 */
#ifndef RL_RUN_H
#define RL_RUN_H

#include <stddef.h>

#include "counter.h"
#include "engine.h"
#include "io_ring.h"
#include "pkt.h"
#include "rlconf.h"

#define RUN_POOL	(RLCONF_MAX_VIFS * RL_TXQ_SIZE + 2 * RL_BURST)

#define RUN_COUNTERS(X)							\
	X(rx_errors,	"receive calls that failed")			\
	X(tx_errors,	"frames the kernel refused to send")		\
	X(ctl_bad,	"control messages not understood")		\
	X(conf_nak,	"configurations refused")

enum run_ctr {
#define RUN_CTR_ENUM(n, d)	RUN_C_##n,
	RUN_COUNTERS(RUN_CTR_ENUM)
#undef RUN_CTR_ENUM
	RUN_C_COUNT
};

extern const struct counter_desc run_ctr_desc[RUN_C_COUNT];

struct run {
	struct rl_engine	 eng;
	struct pkt_pool		 pool;
	int			 ctl;		/* run.c's socket */
	unsigned		 nvifs;
	int			 sock[RLCONF_MAX_VIFS];
	struct io_ring		 ring[RLCONF_MAX_VIFS];	/* io_ring.c */
	counter_t		 ctr[RUN_C_COUNT];
	int			 ctl_gone;	/* stop polling the transport */
	int			 pool_ok, eng_ok;
};

void	run_init(struct run *r);
/* Packet pool, engine, and one socket on each of eth0..eth<nvifs-1>,
 * waiting up to vif_wait_ms for each to appear. */
int	run_setup(struct run *r, unsigned nvifs, int vif_wait_ms);
/* Batch scheduling, then an unprivileged user (a name, or a numeric uid
 * used as the gid too), no_new_privs and the seccomp filter. */
int	run_harden(const char *user);
/* Applies a configuration text; reply gets "ack <gen>" or
 * "nak <gen> <reason>". */
void	run_conf(struct run *r, const char *text, char *reply, size_t len);
/*
 * One request of the local control channel (src/rlctl.h), n bytes at buf
 * with a NUL after them: the answer goes into reply.  Whatever it is, the
 * answer is one message; what it cannot read is "err <why>", counted.
 */
void	run_ctl(struct run *r, const char *buf, size_t n, char *reply,
	    size_t len);
/* "gen <gen>\n" and one "<name> <value>\n" per counter: the length, or
 * -1 if it does not fit. */
int	run_stats(struct run *r, char *buf, size_t len);
/* Forwards until SIGTERM/SIGINT; ctl(r, arg) runs when ctlfd is
 * readable (not polled once r->ctl_gone). */
int	run_loop(struct run *r, int ctlfd, void (*ctl)(struct run *, void *),
	    void *arg);
void	run_teardown(struct run *r);

#endif
