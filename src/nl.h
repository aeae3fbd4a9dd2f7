/*
 * rtnetlink helpers of the local backend (libnl-route-3): the veth pairs
 * that are a routelet's VIFs, the transmit limit on them, and the tc rule
 * that lets a routelet's output leave by one physical port only.
 *
 * Each takes a connected NETLINK_ROUTE socket: qnl_open() for the caller's
 * namespace (dom0), qnl_open_netns() for a routelet's.  Functions return 0
 * (or what they say), or -1 with the reason logged.
 *
 * MAC addresses are deterministic and locally administered, so a capture
 * names the routelet and the VIF without a lookup:
 *
 *   02:51:ii:ii:in:ee    iiiii  the domain id, 20 bits in hex (< 1048576)
 *                        n      the VIF number (0-7)
 *                        ee     00 dom0's end (vif<id>.<n>),
 *                               01 the routelet's end (eth<n>)
 *
 * e.g. domain 12345 (0x03039), VIF 1: 02:51:03:03:91:00 and ..:91:01.
 * 0x51 is 'Q'; 0x02 sets the locally administered bit, unicast.
 */
#ifndef Q_NL_H
#define Q_NL_H

#include <stdint.h>
#include <sys/types.h>

#define QNL_ID_MAX	0xfffffu	/* ids that fit the MAC layout */
#define QNL_VIF_MAX	16
#define QNL_END_DOM0	0
#define QNL_END_ROUTELET 1

struct nl_sock;

void		 qnl_vif_mac(uint32_t id, unsigned vif, int end,
		    uint8_t mac[6]);

struct nl_sock	*qnl_open(void);
/*
 * A socket bound to the network namespace of pid: the calling thread
 * enters it (setns), connects, and returns to its own.  The socket keeps
 * that namespace alive until it is closed.
 */
struct nl_sock	*qnl_open_netns(pid_t pid);
void		 qnl_close(struct nl_sock *sk);

/* ifindex > 0; 0 if there is no such link; -1 on error. */
int		 qnl_ifindex(struct nl_sock *sk, const char *name);
/* The link's MAC address; 0 if the link exists, else -1. */
int		 qnl_link_mac(struct nl_sock *sk, const char *name,
		    uint8_t mac[6]);

/*
 * A veth pair: name (set up) stays here with mac; its peer peer_name with
 * peer_mac is created directly in the network namespace of peer_pid.
 * Returns the ifindex of the local end.
 */
int		 qnl_veth_create(struct nl_sock *sk, const char *name,
		    const uint8_t mac[6], const char *peer_name,
		    const uint8_t peer_mac[6], pid_t peer_pid);
/* Deletes a link (with its peer, for a veth); absent is not an error. */
int		 qnl_link_del(struct nl_sock *sk, const char *name);

/*
 * Transmit limit on ifname: a tbf root qdisc of rate bytes/s and burst
 * bytes (at most INT32_MAX each; rate 0 removes it).  Get reads it back
 * from the kernel: 0/0 when there is none.
 */
int		 qnl_tbf_set(struct nl_sock *sk, const char *ifname,
		    uint64_t rate, uint64_t burst);
int		 qnl_tbf_get(struct nl_sock *sk, const char *ifname,
		    uint64_t *rate_r, uint64_t *burst_r);

/*
 * What enters the stack from the far end of link ifindex (a routelet's
 * transmissions, seen at dom0's end of its veth): a clsact qdisc whose
 * ingress drops everything (closed), until qnl_egress_open puts a rule
 * before that drop redirecting every frame to port_ifindex's egress.
 */
int		 qnl_egress_init(struct nl_sock *sk, int ifindex);
int		 qnl_egress_open(struct nl_sock *sk, int ifindex,
		    int port_ifindex);
int		 qnl_egress_close(struct nl_sock *sk, int ifindex);

#endif
