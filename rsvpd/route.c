/*
 * The next hop toward an address, as the kernel would route it (an
 * RTM_GETROUTE request through libnl, what "ip route get" does): the
 * outgoing interface, which must be one of quasard's ports, and the
 * gateway, or the address itself when it is directly connected.
 */
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <linux/rtnetlink.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "log.h"
#include "nl.h"
#include "quasard.h"
#include "rsvpd.h"

struct route_res {
	int		found;
	unsigned	type;
	int		oif;
	struct in_addr	gw;
};

static int
route_cb(struct nl_msg *msg, void *arg)
{
	struct route_res *res = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[RTA_MAX + 1];
	struct rtmsg *rtm;

	if (h->nlmsg_type != RTM_NEWROUTE)
		return NL_SKIP;
	rtm = nlmsg_data(h);
	if (nlmsg_parse(h, sizeof(*rtm), tb, RTA_MAX, NULL) < 0)
		return NL_SKIP;
	res->found = 1;
	res->type = rtm->rtm_type;
	if (tb[RTA_OIF] != NULL)
		res->oif = (int)nla_get_u32(tb[RTA_OIF]);
	if (tb[RTA_GATEWAY] != NULL && nla_len(tb[RTA_GATEWAY]) == 4)
		memcpy(&res->gw, nla_data(tb[RTA_GATEWAY]), 4);
	return NL_OK;
}

int
route_lookup(struct rsvpd *r, struct in_addr dst, unsigned *port_r,
    struct in_addr *nh_r)
{
	struct rtmsg rtm;
	struct route_res res;
	struct nl_sock *sk;
	struct nl_msg *msg;
	struct nl_cb *cb;
	int err, port;

	if (rio_is_local(r, dst))
		return 1;
	/*
	 * A socket of its own for each question: nothing left over from an
	 * earlier answer (or the neighbour dumps on r->nl) can be taken for
	 * this one.  Paths are rare enough for the cost not to matter.
	 */
	if ((sk = qnl_open()) == NULL)
		return -1;
	nl_socket_disable_auto_ack(sk);
	if ((msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_REQUEST)) == NULL) {
		qnl_close(sk);
		return -1;
	}
	memset(&rtm, 0, sizeof(rtm));
	rtm.rtm_family = AF_INET;
	rtm.rtm_dst_len = 32;
	if (nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, RTA_DST, 4, &dst) < 0) {
		nlmsg_free(msg);
		qnl_close(sk);
		return -1;
	}
	err = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (err < 0) {
		log_warnx("netlink: route to %s: %s", inet_ntoa(dst),
		    nl_geterror(err));
		qnl_close(sk);
		return -1;
	}
	memset(&res, 0, sizeof(res));
	if ((cb = nl_cb_alloc(NL_CB_DEFAULT)) == NULL) {
		qnl_close(sk);
		return -1;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, route_cb, &res);
	err = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);
	qnl_close(sk);
	if (err < 0 || !res.found) {
		log_debug("route to %s: %s", inet_ntoa(dst), err < 0 ?
		    nl_geterror(err) : "none");
		return -1;
	}
	if (res.type == RTN_LOCAL)
		return 1;
	if (res.type != RTN_UNICAST || (port = rio_port_of(r, res.oif)) < 0)
		return -1;
	*port_r = (unsigned)port;
	*nh_r = res.gw.s_addr != 0 ? res.gw : dst;
	return 0;
}
