/*
 * rtnetlink helpers of the local backend (see nl.h).
 *
 * Egress control, on the ingress hook of dom0's end of each VIF (where a
 * routelet's transmissions arrive):
 *
 *   prio 1  u32 match-all -> mirred egress redirect to the port
 *           (only on the VIF the routelet may send on)
 *   prio 2  bpf, direct action, one classic instruction "ret #SHOT"
 *           (on every VIF: whatever prio 1 does not take is dropped)
 *
 * The drop is a classic BPF program because neither gact nor matchall
 * can be assumed (kernels built without them exist, this project's test
 * machines among them), while cls_bpf and u32 are in every kernel with tc.
 * With the drop always below, a VIF is closed from its creation on, and
 * while the redirect is being replaced it drops rather than leaks.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/tc_act/tc_mirred.h>
#include <net/if.h>

#include <netlink/netlink.h>
#include <netlink/route/act/mirred.h>
#include <netlink/route/action.h>
#include <netlink/route/classifier.h>
#include <netlink/route/cls/u32.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/tbf.h>
#include <netlink/route/tc.h>

#include "log.h"
#include "nl.h"

#define QNL_PRIO_OPEN	1
#define QNL_PRIO_DROP	2
#define QNL_INGRESS	TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)
#define QNL_TBF_LAT	20	/* queue limit: 1/20 s of rate, + burst */
#define QNL_TBF_MAXBUF	100	/* burst at most 100 s of rate (tick field) */

static int qnl_err(int err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Logs "<what>: <libnl's reason>" and returns -1. */
static int
qnl_err(int err, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("netlink: %s: %s", msg, nl_geterror(err));
	return -1;
}

static int
absent(int err)
{
	return err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV;
}

void
qnl_vif_mac(uint32_t id, unsigned vif, int end, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x51;
	mac[2] = (uint8_t)(id >> 12);
	mac[3] = (uint8_t)(id >> 4);
	mac[4] = (uint8_t)((id & 0xf) << 4 | (vif & 0xf));
	mac[5] = (uint8_t)end;
}

struct nl_sock *
qnl_open(void)
{
	struct nl_sock *sk;
	int err;

	if ((sk = nl_socket_alloc()) == NULL) {
		log_warnx("netlink: cannot allocate a socket");
		return NULL;
	}
	if ((err = nl_connect(sk, NETLINK_ROUTE)) < 0) {
		qnl_err(err, "connect");
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

struct nl_sock *
qnl_open_netns(pid_t pid)
{
	char path[64];
	struct nl_sock *sk = NULL;
	int self = -1, target = -1, entered = 0;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	/* thread-self: setns moves only the calling thread. */
	if ((self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) ==
	    -1) {
		log_warn("netlink: open /proc/thread-self/ns/net");
		goto out;
	}
	if ((target = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("netlink: open %s", path);
		goto out;
	}
	if (setns(target, CLONE_NEWNET) == -1) {
		log_warn("netlink: enter the network namespace of pid %d",
		    (int)pid);
		goto out;
	}
	entered = 1;
	sk = qnl_open();
out:
	if (entered && setns(self, CLONE_NEWNET) == -1) {
		log_warn("netlink: cannot return from the network namespace "
		    "of pid %d: this thread is left in it", (int)pid);
		qnl_close(sk);
		sk = NULL;
	}
	if (target != -1)
		close(target);
	if (self != -1)
		close(self);
	return sk;
}

void
qnl_close(struct nl_sock *sk)
{
	if (sk != NULL)
		nl_socket_free(sk);
}

/* The link named name: 1 and *link_r (a reference), 0 if absent, -1. */
static int
get_link(struct nl_sock *sk, const char *name, struct rtnl_link **link_r)
{
	int err;

	if (strlen(name) >= IF_NAMESIZE) {
		log_warnx("netlink: link name '%s' too long", name);
		return -1;
	}
	if ((err = rtnl_link_get_kernel(sk, 0, name, link_r)) < 0) {
		if (absent(err))
			return 0;
		return qnl_err(err, "get link %s", name);
	}
	return 1;
}

int
qnl_ifindex(struct nl_sock *sk, const char *name)
{
	struct rtnl_link *link;
	int rv;

	if ((rv = get_link(sk, name, &link)) <= 0)
		return rv;
	rv = rtnl_link_get_ifindex(link);
	rtnl_link_put(link);
	return rv;
}

int
qnl_link_mac(struct nl_sock *sk, const char *name, uint8_t mac[6])
{
	struct rtnl_link *link;
	struct nl_addr *a;
	int rv;

	if ((rv = get_link(sk, name, &link)) <= 0) {
		if (rv == 0)
			log_warnx("netlink: no link %s", name);
		return -1;
	}
	a = rtnl_link_get_addr(link);
	if (a == NULL || nl_addr_get_len(a) != 6) {
		log_warnx("netlink: link %s has no Ethernet address", name);
		rv = -1;
	} else {
		memcpy(mac, nl_addr_get_binary_addr(a), 6);
		rv = 0;
	}
	rtnl_link_put(link);
	return rv;
}

static int
set_mac(struct rtnl_link *link, const uint8_t mac[6])
{
	struct nl_addr *a;

	if ((a = nl_addr_build(AF_LLC, mac, 6)) == NULL) {
		log_warnx("netlink: cannot allocate an address");
		return -1;
	}
	rtnl_link_set_addr(link, a);	/* takes its own reference */
	nl_addr_put(a);
	return 0;
}

int
qnl_veth_create(struct nl_sock *sk, const char *name, const uint8_t mac[6],
    const char *peer_name, const uint8_t peer_mac[6], pid_t peer_pid)
{
	struct rtnl_link *link = NULL, *peer = NULL;
	int err, rv = -1;

	if (strlen(name) >= IF_NAMESIZE || strlen(peer_name) >= IF_NAMESIZE) {
		log_warnx("netlink: veth name %s or %s too long", name,
		    peer_name);
		return -1;
	}
	if ((link = rtnl_link_veth_alloc()) == NULL) {
		log_warnx("netlink: cannot allocate a veth link");
		goto out;
	}
	peer = rtnl_link_veth_get_peer(link);
	rtnl_link_set_name(link, name);
	rtnl_link_set_flags(link, IFF_UP);
	rtnl_link_set_name(peer, peer_name);
	/* Born in the routelet's namespace: never visible in dom0's. */
	rtnl_link_set_ns_pid(peer, peer_pid);
	if (set_mac(link, mac) == -1 || set_mac(peer, peer_mac) == -1)
		goto out;
	if ((err = rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL)) < 0) {
		qnl_err(err, "create veth %s with peer %s in pid %d's "
		    "namespace", name, peer_name, (int)peer_pid);
		goto out;
	}
	if ((rv = qnl_ifindex(sk, name)) == 0) {
		log_warnx("netlink: veth %s vanished after its creation",
		    name);
		rv = -1;
	}
out:
	if (peer != NULL)
		rtnl_link_put(peer);
	if (link != NULL)
		rtnl_link_put(link);
	return rv;
}

int
qnl_link_del(struct nl_sock *sk, const char *name)
{
	struct rtnl_link *link;
	int err;

	if ((link = rtnl_link_alloc()) == NULL) {
		log_warnx("netlink: cannot allocate a link");
		return -1;
	}
	rtnl_link_set_name(link, name);
	err = rtnl_link_delete(sk, link);
	rtnl_link_put(link);
	if (err < 0 && !absent(err))
		return qnl_err(err, "delete link %s", name);
	return 0;
}

/* ---- transmit limit ------------------------------------------------- */

static struct rtnl_qdisc *
qdisc_new(int ifindex, uint32_t parent, uint32_t handle, const char *kind)
{
	struct rtnl_qdisc *q;
	int err;

	if ((q = rtnl_qdisc_alloc()) == NULL) {
		log_warnx("netlink: cannot allocate a qdisc");
		return NULL;
	}
	rtnl_tc_set_ifindex(TC_CAST(q), ifindex);
	rtnl_tc_set_parent(TC_CAST(q), parent);
	if (handle != 0)
		rtnl_tc_set_handle(TC_CAST(q), handle);
	if ((err = rtnl_tc_set_kind(TC_CAST(q), kind)) < 0) {
		qnl_err(err, "qdisc kind %s", kind);
		rtnl_qdisc_put(q);
		return NULL;
	}
	return q;
}

/* The root qdisc's rate and burst if it is a tbf, else 0/0. */
static int
tbf_read(struct nl_sock *sk, int ifindex, const char *ifname,
    uint64_t *rate_r, uint64_t *burst_r)
{
	struct nl_cache *cache = NULL;
	struct rtnl_qdisc *q = NULL;
	const char *kind;
	int err, r, b;

	*rate_r = *burst_r = 0;
	if ((err = rtnl_qdisc_alloc_cache(sk, &cache)) < 0)
		return qnl_err(err, "list qdiscs for %s", ifname);
	q = rtnl_qdisc_get_by_parent(cache, ifindex, TC_H_ROOT);
	if (q != NULL && (kind = rtnl_tc_get_kind(TC_CAST(q))) != NULL &&
	    strcmp(kind, "tbf") == 0) {
		r = rtnl_qdisc_tbf_get_rate(q);
		b = rtnl_qdisc_tbf_get_rate_bucket(q);
		*rate_r = r > 0 ? (uint64_t)r : 0;
		*burst_r = b > 0 ? (uint64_t)b : 0;
	}
	if (q != NULL)
		rtnl_qdisc_put(q);
	nl_cache_free(cache);
	return 0;
}

static int
named_ifindex(struct nl_sock *sk, const char *ifname)
{
	int ifindex;

	if ((ifindex = qnl_ifindex(sk, ifname)) == 0)
		log_warnx("netlink: no link %s", ifname);
	return ifindex > 0 ? ifindex : -1;
}

int
qnl_tbf_get(struct nl_sock *sk, const char *ifname, uint64_t *rate_r,
    uint64_t *burst_r)
{
	int ifindex;

	if ((ifindex = named_ifindex(sk, ifname)) == -1)
		return -1;
	return tbf_read(sk, ifindex, ifname, rate_r, burst_r);
}

int
qnl_tbf_set(struct nl_sock *sk, const char *ifname, uint64_t rate,
    uint64_t burst)
{
	struct rtnl_qdisc *q = NULL;
	uint64_t cur_rate, cur_burst, limit;
	int ifindex, err, rv = -1;

	if ((ifindex = named_ifindex(sk, ifname)) == -1)
		return -1;
	if (rate == 0) {
		if (tbf_read(sk, ifindex, ifname, &cur_rate, &cur_burst) ==
		    -1)
			return -1;
		if (cur_rate == 0)
			return 0;
		if ((q = qdisc_new(ifindex, TC_H_ROOT, 0, "tbf")) == NULL)
			return -1;
		if ((err = rtnl_qdisc_delete(sk, q)) < 0 && !absent(err))
			qnl_err(err, "remove the rate limit of %s", ifname);
		else
			rv = 0;
		goto out;
	}
	if (rate > INT32_MAX || burst == 0 || burst > INT32_MAX ||
	    burst / rate >= QNL_TBF_MAXBUF) {
		log_warnx("netlink: %s: rate %" PRIu64 " B/s, burst %" PRIu64
		    " B: want 1 to %d each, and a burst under %d s of rate",
		    ifname, rate, burst, INT32_MAX, QNL_TBF_MAXBUF);
		return -1;
	}
	if ((q = qdisc_new(ifindex, TC_H_ROOT, 0, "tbf")) == NULL)
		return -1;
	rtnl_qdisc_tbf_set_rate(q, (int)rate, (int)burst, 0);
	limit = burst + rate / QNL_TBF_LAT;
	rtnl_qdisc_tbf_set_limit(q, limit > INT32_MAX ? INT32_MAX :
	    (int)limit);
	/* Replace: a tbf already there is changed in place. */
	if ((err = rtnl_qdisc_add(sk, q, NLM_F_CREATE | NLM_F_REPLACE)) < 0)
		qnl_err(err, "set rate %" PRIu64 " B/s burst %" PRIu64
		    " B on %s", rate, burst, ifname);
	else
		rv = 0;
out:
	rtnl_qdisc_put(q);
	return rv;
}

/* ---- egress control ------------------------------------------------- */

/* prio 2 on ingress: classic BPF "ret #TC_ACT_SHOT", direct action.
 * libnl has no cls_bpf, so the request is built by hand. */
static int
add_drop(struct nl_sock *sk, int ifindex)
{
	struct sock_filter insn = BPF_STMT(BPF_RET | BPF_K, TC_ACT_SHOT);
	struct tcmsg tcm;
	struct nl_msg *msg;
	struct nlattr *opts;
	int err;

	if ((msg = nlmsg_alloc_simple(RTM_NEWTFILTER, NLM_F_CREATE |
	    NLM_F_EXCL)) == NULL) {
		log_warnx("netlink: cannot allocate a message");
		return -1;
	}
	memset(&tcm, 0, sizeof(tcm));
	tcm.tcm_family = AF_UNSPEC;
	tcm.tcm_ifindex = ifindex;
	tcm.tcm_parent = QNL_INGRESS;
	tcm.tcm_handle = 1;
	tcm.tcm_info = TC_H_MAKE((uint32_t)QNL_PRIO_DROP << 16,
	    htons(ETH_P_ALL));
	if (nlmsg_append(msg, &tcm, sizeof(tcm), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(msg, TCA_KIND, "bpf") < 0 ||
	    (opts = nla_nest_start(msg, TCA_OPTIONS)) == NULL ||
	    nla_put_u16(msg, TCA_BPF_OPS_LEN, 1) < 0 ||
	    nla_put(msg, TCA_BPF_OPS, sizeof(insn), &insn) < 0 ||
	    nla_put_u32(msg, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT) < 0) {
		log_warnx("netlink: drop filter does not fit a message");
		nlmsg_free(msg);
		return -1;
	}
	nla_nest_end(msg, opts);
	/* nl_send_sync frees msg whatever happens. */
	if ((err = nl_send_sync(sk, msg)) < 0)
		return qnl_err(err, "add the drop filter on ifindex %d",
		    ifindex);
	return 0;
}

int
qnl_egress_init(struct nl_sock *sk, int ifindex)
{
	struct rtnl_qdisc *q;
	int err;

	if ((q = qdisc_new(ifindex, TC_H_CLSACT, TC_H_MAKE(TC_H_CLSACT, 0),
	    "clsact")) == NULL)
		return -1;
	err = rtnl_qdisc_add(sk, q, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_qdisc_put(q);
	if (err < 0)
		return qnl_err(err, "add clsact on ifindex %d", ifindex);
	return add_drop(sk, ifindex);
}

static struct rtnl_cls *
cls_new(int ifindex, uint16_t prio)
{
	struct rtnl_cls *c;

	if ((c = rtnl_cls_alloc()) == NULL) {
		log_warnx("netlink: cannot allocate a filter");
		return NULL;
	}
	rtnl_tc_set_ifindex(TC_CAST(c), ifindex);
	rtnl_tc_set_parent(TC_CAST(c), QNL_INGRESS);
	rtnl_cls_set_prio(c, prio);
	rtnl_cls_set_protocol(c, ETH_P_ALL);
	return c;
}

int
qnl_egress_close(struct nl_sock *sk, int ifindex)
{
	struct rtnl_cls *c;
	int err;

	if ((c = cls_new(ifindex, QNL_PRIO_OPEN)) == NULL)
		return -1;
	/* No handle: the whole priority goes, whatever it holds. */
	err = rtnl_cls_delete(sk, c, 0);
	rtnl_cls_put(c);
	if (err < 0 && !absent(err))
		return qnl_err(err, "remove the redirect on ifindex %d",
		    ifindex);
	return 0;
}

int
qnl_egress_open(struct nl_sock *sk, int ifindex, int port_ifindex)
{
	struct rtnl_cls *c = NULL;
	struct rtnl_act *act = NULL;
	int err, rv = -1;

	/* Closed while the rule is replaced: drops, never leaks. */
	if (qnl_egress_close(sk, ifindex) == -1)
		return -1;
	if ((c = cls_new(ifindex, QNL_PRIO_OPEN)) == NULL)
		goto out;
	if ((err = rtnl_tc_set_kind(TC_CAST(c), "u32")) < 0 ||
	    (err = rtnl_u32_set_cls_terminal(c)) < 0 ||
	    (err = rtnl_u32_add_key_uint32(c, 0, 0, 0, 0)) < 0) {
		qnl_err(err, "build the redirect filter");
		goto out;
	}
	if ((act = rtnl_act_alloc()) == NULL) {
		log_warnx("netlink: cannot allocate an action");
		goto out;
	}
	if ((err = rtnl_tc_set_kind(TC_CAST(act), "mirred")) < 0 ||
	    (err = rtnl_mirred_set_action(act, TCA_EGRESS_REDIR)) < 0 ||
	    (err = rtnl_mirred_set_policy(act, TC_ACT_STOLEN)) < 0 ||
	    (err = rtnl_mirred_set_ifindex(act, (uint32_t)port_ifindex)) < 0 ||
	    (err = rtnl_u32_add_action(c, act)) < 0) {
		qnl_err(err, "build the mirred action");
		goto out;
	}
	if ((err = rtnl_cls_add(sk, c, NLM_F_CREATE | NLM_F_EXCL)) < 0) {
		qnl_err(err, "redirect ifindex %d to port ifindex %d",
		    ifindex, port_ifindex);
		goto out;
	}
	rv = 0;
out:
	if (act != NULL)
		rtnl_act_put(act);	/* the filter holds its own */
	if (c != NULL)
		rtnl_cls_put(c);
	return rv;
}
