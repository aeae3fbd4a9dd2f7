/*
 * The Xen backend's control channel: a routelet domain's keys in
 * xenstore.  The same keys as the local backend's socket (rlctl.h,
 * rlconf.h), one small node each, under the domain's own directory:
 *
 *   /local/domain/<domid>/quasar/          dom0 writes, the routelet reads
 *       nvifs            how many VIFs the domain was given
 *       conf/<key>       one node per rlconf key; conf/gen is written last,
 *                        in the same transaction, and is what the routelet
 *                        watches
 *       ping             a sequence number dom0 wants echoed
 *       stats-req        a sequence number dom0 wants counters for
 *   and, created by dom0 but owned by the routelet (only it may write them):
 *       ready            "ready <nvifs>" or "fail <reason>"
 *       ack              "ack <gen>" or "nak <gen> <reason>"
 *       pong             "<seq> <gen>"
 *       stats            "<seq>\n<name> <value>\n..."
 *
 * Permissions make the split real: quasar/ is dom0's with read for the
 * domain, so a routelet cannot write its own configuration (or limits),
 * and another domain cannot read it; the four reply nodes are the
 * routelet's, so only it (and the privileged dom0) can write them.  The
 * routelet names these paths relative to its home, /local/domain/<domid>.
 */
#ifndef Q_RLXS_H
#define Q_RLXS_H

#define RLXS_DIR	"quasar"
#define RLXS_NVIFS	"quasar/nvifs"
#define RLXS_CONF	"quasar/conf"
#define RLXS_CONF_GEN	"quasar/conf/gen"
#define RLXS_PING	"quasar/ping"
#define RLXS_STATS_REQ	"quasar/stats-req"
#define RLXS_READY	"quasar/ready"
#define RLXS_ACK	"quasar/ack"
#define RLXS_PONG	"quasar/pong"
#define RLXS_STATS	"quasar/stats"

/* xenstored refuses values above 4096 bytes; stay well inside. */
#define RLXS_VALUE_MAX	2048

#endif
