/*
 * quasar-demux's internals, shared by the files of demux/.  See the DOC
 * comment at the top of demux.c for the whole picture.
 */
#ifndef DX_DEMUX_H
#define DX_DEMUX_H

#include <sys/socket.h>
#include <sys/uio.h>

#include <linux/if_packet.h>
#include <net/if.h>
#include <stdint.h>

#include "belfib.h"
#include "dxstats.h"
#include "ether.h"
#include "ltable.h"
#include "mpls.h"
#include "xdp_abi.h"

/* Frames taken from one port's ring before the batch is sent. */
#define DX_BURST	64
/* Messages in one sendmmsg(); a burst fits, so one call per burst. */
#define DX_BATCH	DX_BURST
#define DX_MAX_PORTS	DXSTATS_MAX_PORTS

/*
 * Receive ring per port (PACKET_MMAP, TPACKET_V2): 4096 slots of 2 KiB,
 * 8 MiB a port.  A slot holds a 1500-byte-MTU frame with its labels and
 * the kernel's header; anything longer arrives cut and is counted
 * (oversize).  Blocks of 64 KiB keep the kernel's allocations small.
 */
#define DX_FRAME_SIZE	2048u
#define DX_RING_FRAMES	4096u
#define DX_RING_BLOCK	65536u

struct dx_ring {
	int		 fd;
	uint8_t		*map;
	size_t		 maplen;
	uint32_t	 frame_nr;
	uint32_t	 head;		/* next slot to look at */
};

struct dx_port {
	char		 name[IF_NAMESIZE];
	int		 ifindex;
	uint8_t		 mac[ETHER_ADDR_LEN];
	int		 last_err;	/* last socket error logged */
	int		 ring_logged;	/* first ring overflow logged */
	struct dx_ring	 ring;
};

/* One received frame, as the forwarding decision sees it. */
struct dx_frame {
	uint8_t		*data;		/* Ethernet header, in the ring */
	uint32_t	 len;		/* bytes captured */
	uint32_t	 wirelen;	/* bytes on the wire */
	unsigned	 port;		/* index of the receiving port */
	uint8_t		 pkttype;	/* PACKET_HOST, _OTHERHOST, ... */
	uint8_t		 vlan;		/* the kernel took a tag off */
	uint16_t	 tci;
	uint16_t	 tpid;
};

/*
 * One frame to send.  Headers we write go in hdr; the rest of the frame
 * stays where it was received, in the ring, so nothing is copied in user
 * space and the ring needs no headroom.
 */
struct dx_txmsg {
	struct sockaddr_ll sll;
	struct iovec	 iov[3];
	uint32_t	 niov;
	uint32_t	 len;
	int		 port;		/* output port index, -1 for a VIF */
	uint8_t		 hdr[ETHER_VLAN_HDR_LEN];
};

struct dx_tx {
	int		 fd;		/* unbound AF_PACKET: sends only */
	unsigned	 n;
	int		 logged;	/* first failure reported */
	struct mmsghdr	 mh[DX_BATCH];
	struct dx_txmsg	 m[DX_BATCH];
};

/* What the forwarding decision reads. */
struct dx_fwd {
	const struct ltable	*lt;
	const struct belfib	*be;
	const struct dx_port	*ports;
	unsigned		 nports;
};

/* classify.c: returns DXS_C_to_routelet or DXS_C_to_besteffort with *m
 * ready to send, or the counter of the reason the frame is dropped.
 * *label_r is the top label, or UINT32_MAX when there was none. */
unsigned	dx_classify(const struct dx_fwd *f, struct dx_frame *fr,
		    struct dx_txmsg *m, uint32_t *label_r);

/* belswitch.c: the best-effort swap or pop of a frame whose top entry
 * (decoded in *top) is at lse, room bytes before the frame ends. */
unsigned	dx_belswitch(const struct dx_fwd *f,
		    const struct belfib_entry *e, const struct mpls_lse *top,
		    uint8_t *lse, uint32_t room, struct dx_txmsg *m);

/* ring.c */
int		dx_ring_open(struct dx_ring *r, char *err, size_t errlen);
int		dx_ring_bind(struct dx_ring *r, int ifindex);
void		dx_ring_close(struct dx_ring *r);
unsigned	dx_ring_peek(struct dx_ring *r, struct tpacket2_hdr **h,
		    unsigned max);
void		dx_ring_frame(struct tpacket2_hdr *h, unsigned port,
		    struct dx_frame *fr);
void		dx_ring_release(struct dx_ring *r, struct tpacket2_hdr **h,
		    unsigned n);
uint64_t	dx_ring_drops(struct dx_ring *r);

/* port.c */
int		dx_port_open(struct dx_port *p, const char *name, char *err,
		    size_t errlen);
int		dx_port_refresh(struct dx_port *p);
void		dx_port_close(struct dx_port *p);

/* txbatch.c */
int		dx_tx_open(struct dx_tx *tx, char *err, size_t errlen);
void		dx_tx_close(struct dx_tx *tx);
void		dx_tx_flush(struct dx_tx *tx, struct dxstats *st);

static inline struct dx_txmsg *
dx_tx_next(struct dx_tx *tx)
{
	return &tx->m[tx->n];
}

static inline void
dx_tx_commit(struct dx_tx *tx)
{
	tx->mh[tx->n].msg_hdr.msg_iovlen = tx->m[tx->n].niov;
	tx->n++;
}

/* xdp.c: the classifier in the kernel (xdp_prog.bpf.c) and its maps. */
enum dx_xdp_mode {
	DX_XDP_OFF = 0,		/* user space only */
	DX_XDP_AUTO,		/* native where the driver has it, else generic */
	DX_XDP_NATIVE,
	DX_XDP_GENERIC,
};

struct bpf_object;
struct bpf_program;

struct dx_xdp {
	enum dx_xdp_mode	 mode;
	const char		*dir;
	struct bpf_object	*obj;	/* NULL: not running */
	struct bpf_program	*prog;
	int			 labels_fd, ports_fd, counts_fd;
	int			 link[DX_MAX_PORTS];	/* -1: not attached */
	int			 ifindex[DX_MAX_PORTS];
	enum dx_xdp_mode	 attached_mode[DX_MAX_PORTS];
	unsigned		 nattached;
	int			 published;
};

int		dx_xdp_mode_parse(const char *s, enum dx_xdp_mode *m_r);
/* 0 with the program on at least one port; -1 (logged) and stopped. */
int		dx_xdp_start(struct dx_xdp *x, enum dx_xdp_mode mode,
		    const char *dir, const struct ltable *lt,
		    const struct dx_port *ports, unsigned nports);
void		dx_xdp_port_changed(struct dx_xdp *x, unsigned i,
		    const struct dx_port *p);
int		dx_xdp_counters(const struct dx_xdp *x,
		    uint64_t out[DX_XDP_NCOUNT]);
void		dx_xdp_stop(struct dx_xdp *x);

/* tablecmd.c: the writer subcommands; returns the exit status. */
int		dx_cmd(const char *statedir, int argc, char **argv);

#endif
