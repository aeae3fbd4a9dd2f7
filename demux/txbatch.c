/*
 * Transmit in batches: one unbound AF_PACKET socket, one sendmmsg() per
 * burst, each message naming its output interface in its own sockaddr_ll.
 * The socket is unbound (protocol 0), so it never receives anything.
 *
 * Sending never blocks: a full socket buffer or a refusing device drops
 * that frame, counts it (tx_errors) and moves on, so one congested output
 * cannot stall the ports behind it.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "demux.h"
#include "log.h"

/* Room for a few bursts to every output before the kernel pushes back. */
#define DX_TX_SNDBUF	(4 * 1024 * 1024)

int
dx_tx_open(struct dx_tx *tx, char *err, size_t errlen)
{
	int sz = DX_TX_SNDBUF;
	unsigned i;

	memset(tx, 0, sizeof(*tx));
	tx->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (tx->fd == -1) {
		snprintf(err, errlen, "socket(AF_PACKET): %s",
		    strerror(errno));
		return -1;
	}
	/* FORCE (root) goes past net.core.wmem_max; else take what we get. */
	if (setsockopt(tx->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz,
	    sizeof(sz)) == -1)
		(void)setsockopt(tx->fd, SOL_SOCKET, SO_SNDBUF, &sz,
		    sizeof(sz));
	for (i = 0; i < DX_BATCH; i++) {
		tx->mh[i].msg_hdr.msg_name = &tx->m[i].sll;
		tx->mh[i].msg_hdr.msg_namelen = sizeof(tx->m[i].sll);
		tx->mh[i].msg_hdr.msg_iov = tx->m[i].iov;
		tx->m[i].sll.sll_family = AF_PACKET;
		tx->m[i].sll.sll_halen = ETHER_ADDR_LEN;
	}
	return 0;
}

void
dx_tx_close(struct dx_tx *tx)
{
	if (tx->fd != -1)
		close(tx->fd);
	tx->fd = -1;
	tx->n = 0;
}

static void
dx_tx_sent(struct dx_tx *tx, unsigned i, struct dxstats *st)
{
	const struct dx_txmsg *m = &tx->m[i];

	ctr_add(&st->ctr[DXS_C_tx], 1);
	ctr_add(&st->ctr[DXS_C_tx_bytes], m->len);
	if (m->port >= 0)
		ctr_add(&st->port[m->port].tx, 1);
}

void
dx_tx_flush(struct dx_tx *tx, struct dxstats *st)
{
	unsigned i = 0, k;
	int r;

	while (i < tx->n) {
		r = sendmmsg(tx->fd, &tx->mh[i], tx->n - i, MSG_DONTWAIT);
		if (r > 0) {
			for (k = 0; k < (unsigned)r; k++)
				dx_tx_sent(tx, i + k, st);
			i += (unsigned)r;
			continue;
		}
		if (r == -1 && errno == EINTR)
			continue;
		/*
		 * Message i failed (sendmmsg only reports an error for the
		 * first message of a call): count it, go on with the rest.
		 */
		ctr_add(&st->ctr[DXS_C_tx_errors], 1);
		if (!tx->logged) {
			tx->logged = 1;
			log_warn("send to ifindex %d failed; further send "
			    "errors are only counted (tx_errors)",
			    tx->m[i].sll.sll_ifindex);
		}
		i++;
	}
	tx->n = 0;
}
