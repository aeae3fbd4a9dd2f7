/*
 * The local backend's control channel: one SOCK_SEQPACKET socketpair per
 * routelet, one text message per datagram (at most RLCTL_MSG_MAX bytes),
 * carrying the same keys a Xen routelet reads from xenstore (rlconf.h).
 *
 *   routelet -> daemon   "ready <nvifs>"          sockets open, privileges
 *                                                  dropped; may be paused
 *                        "fail <reason>"          could not start
 *   daemon -> routelet   "conf\n<key=value lines>" a whole configuration
 *   routelet -> daemon   "ack <gen>"              now running gen
 *                        "nak <gen> <reason>"     refused, old one kept
 *   daemon -> routelet   "ping"                   -> "pong <gen>"
 *   daemon -> routelet   "stats"                  -> "stats\n<name> <value>\n..."
 *
 * Anything else is answered "err <reason>" and counted; it changes nothing.
 * dom0 reads the routelet's side strictly (src/rlreply.h): a routelet is
 * not trusted.
 */
#ifndef Q_RLCTL_H
#define Q_RLCTL_H

#define RLCTL_MSG_MAX	4096

#endif
