/*
 * quasard: the dom0 control daemon.
 *
 *   quasard.c   options, start-up, the event loop, shutdown
 *   control.c   the root-only UNIX control socket and its commands
 *   lsp.c       QoS LSPs admitted into routelets: take, share, configure,
 *               unpause, acknowledge, demux; and back
 *   rsvpd.h     RSVP-TE signalling (RFC 2205, 2210, 3209): the rest of
 *               the files, and how it drives lsp.c for signalled LSPs
 */
#ifndef QUASARD_H
#define QUASARD_H

#include <net/if.h>
#include <stdint.h>

#include "backend.h"
#include "ltable.h"
#include "pool.h"
#include "qstate.h"
#include "rlconf.h"

#define QD_MAX_PORTS	RLCONF_MAX_VIFS
#define QD_MAX_LSPS	4096
#define QD_NAME_MAX	64

struct qd_port {
	char		ifname[IF_NAMESIZE];
	int		ifindex;
	uint8_t		mac[6];
};

struct lsp {
	char		 name[QD_NAME_MAX];
	void		*owner;		/* its RSVP reservation; NULL: static */
	struct rlconf	 conf;		/* what the routelet runs */
	unsigned	 in_port;
	struct dom_cpu	 cpu;
	struct pdom	*rl;		/* NULL while it has none */
	uint64_t	 setup_ns;	/* take to demux, last time */
};

struct quasard {
	const char	*statedir;
	char		 sockpath[256];
	unsigned	 nports;
	struct qd_port	 port[QD_MAX_PORTS];
	struct backend	 be;
	struct pool	 pool;
	struct ltable	 lt;
	struct qstate_file ltfile;
	struct lsp	*lsps[QD_MAX_LSPS];
	unsigned	 ack_timeout_ms;
	int		 listen_fd;
	struct rsvpd	*rsvp;
};

/* A control socket reply being built (control.c). */
struct reply {
	char	*buf;
	size_t	 len, cap;
	int	 json;
	int	 failed;
};

void		 rp(struct reply *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 rp_err(struct reply *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* lsp.c */
int		 lsp_add(struct quasard *, const struct lsp *tmpl, char *err,
		    size_t errlen);
int		 lsp_del(struct quasard *, const char *name, char *err,
		    size_t errlen);
int		 lsp_update(struct quasard *, const char *name,
		    const struct rlconf *changes, uint32_t keys, char *err,
		    size_t errlen);
int		 lsp_set_cpu(struct quasard *, const char *name,
		    const struct dom_cpu *cpu, char *err, size_t errlen);
struct lsp	*lsp_find(struct quasard *, const char *name);
struct lsp	*lsp_by_dom(struct quasard *, uint32_t dom_id);
void		 lsp_lost(struct pool *, struct pdom *, void *owner);
void		 lsp_flush(struct quasard *);

/* control.c */
int		 control_open(struct quasard *, char *err, size_t errlen);
void		 control_accept(struct quasard *);
void		 control_close(struct quasard *);
/* One request line (NUL-terminated, no newline; cut into words in place)
 * into r: what control_accept() does with what it read. */
void		 control_dispatch(struct quasard *, char *line, struct reply *);

#endif
