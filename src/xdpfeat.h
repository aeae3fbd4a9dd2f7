/*
 * What a device can do with XDP frames, as the kernel advertises it (the
 * "netdev" generic netlink family, Linux 6.3 and later).
 */
#ifndef Q_XDPFEAT_H
#define Q_XDPFEAT_H

/*
 * 1 if ifindex (in the caller's network namespace) accepts frames that
 * another device's XDP program redirects to it (ndo_xdp_xmit), 0 if not,
 * -1 with errno when the kernel does not say (older kernel, no device).
 * A veth accepts them only while its peer has an XDP program or GRO on.
 */
int	xdpfeat_ndo_xmit(int ifindex);

#endif
