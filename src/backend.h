/*
 * Routelet domains behind one interface.  Two implementations:
 *
 *   local   a `routelet run` process in its own network namespace and
 *           cgroup, VIFs are veth pairs  (be_local.c; the embedded default)
 *   xen     a PV domain through libxl, VIFs are netback vifs  (be_xen.c)
 *
 * Every caller (the pool, quasard, tests) goes through struct backend_ops,
 * never a backend's internals.
 *
 * A domain's life: create (its VIFs exist, its routelet has opened its
 * sockets and dropped its privileges, and it is paused) -> set_cpu,
 * set_rate, set_egress -> configure (write a generation) -> unpause ->
 * wait_ack (the routelet runs that generation) -> ... -> pause ->
 * destroy.  A frozen routelet cannot answer, so a configuration written
 * while paused is acknowledged after unpause; the demux learns a label only
 * after the acknowledgement, so no frame reaches a routelet before it runs
 * its configuration.  That holds for the demux's XDP classifier too: its
 * label map is written in the same ltable_add() (src/lmap.h), and emptied
 * in the same ltable_del() that comes before a routelet is paused.
 *
 * VIF n of a domain corresponds to the router's physical port n: frames for
 * the domain's LSP arriving on port n are handed to VIF n, and what the
 * routelet sends on VIF n leaves by port n -- but only on the VIF its
 * configuration names (set_egress); what it sends on any other VIF is
 * dropped in dom0, so no routelet can send on a port it was not given.
 */
#ifndef Q_BACKEND_H
#define Q_BACKEND_H

#include <net/if.h>
#include <stdint.h>
#include <sys/types.h>

#include "rlconf.h"

enum dom_state {
	DOM_NONE = 0,
	DOM_PAUSED,
	DOM_RUNNING,
	DOM_DEAD,
};

struct dom_vif {
	char		ifname[IF_NAMESIZE];	/* dom0 end, "vif<id>.<n>" */
	int		ifindex;		/* dom0 end */
	uint8_t		mac[6];			/* the routelet's end */
};

struct dom {
	uint32_t	 id;
	char		 name[32];
	enum dom_state	 state;
	unsigned	 nvifs;
	struct dom_vif	 vif[RLCONF_MAX_VIFS];
	uint64_t	 acked_gen;	/* last generation acknowledged */
	int		 egress_vif;	/* VIF whose output is let out; -1 none */
	void		*priv;		/* the backend's */
	void		*priv2;		/* the caller's (the pool's) */
};

/* CPU share.  weight: relative, 1-10000 (100 is a default domain's);
 * cap: percent of one CPU the domain may use at most, 0 for no cap. */
struct dom_cpu {
	uint32_t	weight;
	uint32_t	cap;
};

/* What an admin asks of the platform's CPU scheduling (quasarctl pool
 * show). */
struct backend_info {
	char	sched[24];	/* "credit2", "cfs", ... */
	int	rtds;		/* 1 available, 0 not built in, -1 n/a */
};

struct backend;

struct backend_ops {
	const char	*name;

	/* Creates domain d->id with nvifs VIFs, paused and ready. */
	int	(*create)(struct backend *, struct dom *d, unsigned nvifs);
	/* Always frees what create took, whatever state d is in. */
	void	(*destroy)(struct backend *, struct dom *d);
	int	(*pause)(struct backend *, struct dom *d);
	int	(*unpause)(struct backend *, struct dom *d);

	int	(*set_cpu)(struct backend *, struct dom *d,
		    const struct dom_cpu *);
	int	(*get_cpu)(struct backend *, struct dom *d, struct dom_cpu *);
	/* Transmit rate of the routelet on VIF vif, bytes/s (0: none). */
	int	(*set_rate)(struct backend *, struct dom *d, unsigned vif,
		    uint64_t rate, uint64_t burst);
	int	(*get_rate)(struct backend *, struct dom *d, unsigned vif,
		    uint64_t *rate_r, uint64_t *burst_r);
	/* Lets the routelet's output on vif leave by port_ifindex; all its
	 * other VIFs are closed.  vif -1 closes them all. */
	int	(*set_egress)(struct backend *, struct dom *d, int vif,
		    int port_ifindex);

	/* Writes a configuration to the control channel; does not wait. */
	int	(*configure)(struct backend *, struct dom *d,
		    const struct rlconf *c);
	/* Waits until gen is acknowledged, at most timeout_ms: 0, -1 on
	 * timeout or refusal (reason logged), and sets d->acked_gen. */
	int	(*wait_ack)(struct backend *, struct dom *d, uint64_t gen,
		    int timeout_ms);
	/* Asks a running routelet to prove it is alive: 0 if it answered. */
	int	(*ping)(struct backend *, struct dom *d, int timeout_ms);
	/* The same, never waiting: asks again, and says whether the ping
	 * asked by the call before was answered since: 0 yes (or none was
	 * asked since the unpause), 1 not yet, -1 none can be asked.  A
	 * routelet then has until the next audit to answer, and a hung one
	 * never holds the daemon's loop.  NULL: the pool uses ping. */
	int	(*ping_next)(struct backend *, struct dom *d);
	/* Counters of a running routelet as "name value" text. */
	int	(*stats)(struct backend *, struct dom *d, char *buf,
		    size_t len);
	/* CPU time the domain has used since it was made, ns: what its
	 * CPU share is a share of (start-up calibration reads it). */
	int	(*cpu_time)(struct backend *, struct dom *d, uint64_t *ns_r);

	/* A file descriptor that turns readable when a domain may have
	 * died; dispatch() then reports each death via on_death. */
	int	(*event_fd)(struct backend *);
	void	(*dispatch)(struct backend *);

	/* Every domain the platform holds for this instance, including ones
	 * a previous run left; for audits and leak checks. */
	int	(*list)(struct backend *,
		    void (*fn)(uint32_t id, const char *what, void *arg),
		    void *arg);
	/* Removes what a previous run of this instance left behind. */
	int	(*reap_stale)(struct backend *);

	void	(*info)(struct backend *, struct backend_info *);

	void	(*fini)(struct backend *);
};

struct backend_conf {
	const char	*instance;	/* names cgroups, domains: "quasar" */
	const char	*routelet_path;	/* the routelet binary (local) */
	const char	*run_user;	/* routelets drop to this user */
	unsigned	 ack_timeout_ms;
	/* xen: the routelet image, the guest's memory, and the hotplug
	 * script libxl runs for each VIF (plugs it up, no bridge). */
	const char	*kernel;
	const char	*ramdisk;
	unsigned	 memory_mb;
	const char	*vif_script;
};

struct backend {
	const struct backend_ops *ops;
	struct backend_conf	 conf;
	void			(*on_death)(struct backend *, struct dom *d,
				    void *arg);
	void			*on_death_arg;
	void			*priv;
};

/* Opens backend "local" or "xen"; -1 with a reason in err. */
int	backend_open(struct backend *b, const char *name,
	    const struct backend_conf *conf, char *err, size_t errlen);
void	backend_close(struct backend *b);

extern const struct backend_ops be_local_ops;
extern const struct backend_ops be_xen_ops;

#endif
