/*
 * The netdev family's DEV_GET, by hand: two requests on a NETLINK_GENERIC
 * socket (resolve the family, then ask), no library.  The constants are
 * the kernel's UAPI (include/uapi/linux/netdev.h, 6.3), written out here
 * because older headers do not have them.
 */
#include <sys/socket.h>

#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "xdpfeat.h"

#define NETDEV_FAMILY		"netdev"
#define NETDEV_CMD_DEV_GET	1
#define NETDEV_A_DEV_IFINDEX	1
#define NETDEV_A_DEV_XDP_FEATURES 3
#define NETDEV_XDP_ACT_NDO_XMIT	(1u << 2)

#define XF_BUF	4096

struct xf_req {
	struct nlmsghdr		nh;
	struct genlmsghdr	gh;
	uint8_t			attrs[64];
};

static void
xf_put(struct xf_req *r, uint16_t type, const void *v, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)((uint8_t *)r +
	    NLMSG_ALIGN(r->nh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((uint8_t *)a + NLA_HDRLEN, v, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/*
 * Sends r and calls fn on each attribute of the answer; 0, or -1 with
 * errno (the kernel's error, or EPROTO for an answer we cannot read).
 */
static int
xf_ask(int fd, struct xf_req *r, int (*fn)(const struct nlattr *, void *),
    void *arg)
{
	static uint32_t seq;
	uint8_t buf[XF_BUF];
	const struct nlmsghdr *nh;
	const struct nlattr *a;
	ssize_t n;
	size_t off, alen;

	r->nh.nlmsg_flags = NLM_F_REQUEST;
	r->nh.nlmsg_seq = ++seq;
	if (send(fd, r, r->nh.nlmsg_len, 0) == -1)
		return -1;
	if ((n = recv(fd, buf, sizeof(buf), 0)) == -1)
		return -1;
	nh = (const struct nlmsghdr *)buf;
	if (!NLMSG_OK(nh, (size_t)n)) {
		errno = EPROTO;
		return -1;
	}
	if (nh->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr e;

		if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(e))) {
			errno = EPROTO;
			return -1;
		}
		memcpy(&e, buf + NLMSG_HDRLEN, sizeof(e));
		errno = e.error < 0 ? -e.error : EPROTO;
		return -1;
	}
	if (nh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN)) {
		errno = EPROTO;
		return -1;
	}
	off = NLMSG_LENGTH(GENL_HDRLEN);
	while (off + NLA_HDRLEN <= nh->nlmsg_len) {
		a = (const struct nlattr *)((const uint8_t *)nh + off);
		alen = a->nla_len;
		if (alen < NLA_HDRLEN || off + alen > nh->nlmsg_len)
			break;
		if (fn(a, arg) == 1)
			return 0;
		off += NLA_ALIGN(alen);
	}
	return 0;
}

static int
xf_family_id(const struct nlattr *a, void *arg)
{
	if ((a->nla_type & NLA_TYPE_MASK) != CTRL_ATTR_FAMILY_ID ||
	    a->nla_len < NLA_HDRLEN + sizeof(uint16_t))
		return 0;
	memcpy(arg, (const uint8_t *)a + NLA_HDRLEN, sizeof(uint16_t));
	return 1;
}

static int
xf_features(const struct nlattr *a, void *arg)
{
	if ((a->nla_type & NLA_TYPE_MASK) != NETDEV_A_DEV_XDP_FEATURES ||
	    a->nla_len < NLA_HDRLEN + sizeof(uint64_t))
		return 0;
	memcpy(arg, (const uint8_t *)a + NLA_HDRLEN, sizeof(uint64_t));
	return 1;
}

int
xdpfeat_ndo_xmit(int ifindex)
{
	struct xf_req r;
	struct sockaddr_nl sa;
	uint64_t feat = UINT64_MAX;
	uint32_t ix = (uint32_t)ifindex;
	uint16_t family = 0;
	int fd, rv = -1, saved;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
		goto out;

	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r.nh.nlmsg_type = GENL_ID_CTRL;
	r.gh.cmd = CTRL_CMD_GETFAMILY;
	r.gh.version = 1;
	xf_put(&r, CTRL_ATTR_FAMILY_NAME, NETDEV_FAMILY,
	    sizeof(NETDEV_FAMILY));
	if (xf_ask(fd, &r, xf_family_id, &family) == -1)
		goto out;		/* ENOENT: a kernel before 6.3 */
	if (family == 0) {
		errno = EPROTO;
		goto out;
	}

	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r.nh.nlmsg_type = family;
	r.gh.cmd = NETDEV_CMD_DEV_GET;
	r.gh.version = 1;
	xf_put(&r, NETDEV_A_DEV_IFINDEX, &ix, sizeof(ix));
	if (xf_ask(fd, &r, xf_features, &feat) == -1)
		goto out;
	if (feat == UINT64_MAX) {
		errno = EPROTO;
		goto out;
	}
	rv = (feat & NETDEV_XDP_ACT_NDO_XMIT) != 0;
out:
	saved = errno;
	close(fd);
	errno = saved;
	return rv;
}
