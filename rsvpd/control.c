/*
 * The control socket: <statedir>/quasard.sock, mode 0600 in a 0700
 * directory, and a peer that is not uid 0 is refused as well.  One request
 * line per connection, as ldpctl does; the reply is text, or JSON when the
 * line starts with "-j ".  The reply's first line is "ok" or "error: <why>";
 * the body follows.
 *
 *   pool show | pool resize <min> <target> <max>
 *   routelet show | routelet pause|unpause|stats <id>
 *   lsp show | lsp add <name> key=value... | lsp set <name> key=value...
 *   lsp del <name>
 *   demux show
 *   rsvp show sessions|psb|rsb|neighbors|counters|admission
 *   rsvp counters reset
 *
 * lsp keys of a static LSP: the routelet keys of rlconf.h (in-label, op,
 * out-label, ttl-mode, nh-mac, rate, burst) and in-port, out-port (port
 * name or number), weight (1-10000) and cap (percent of a CPU, 0 none).
 * "lsp add" with to= is an LSP this router heads, signalled with RSVP-TE:
 * see rsvpctl.c for its keys.  LSPs that RSVP set up through this router
 * are shown (kind "transit") but are RSVP's to change or remove.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "quasard.h"
#include "rsvpd.h"

#define CTL_LINE_MAX	4096
#define CTL_ARGS_MAX	64
#define CTL_TIMEOUT_MS	2000

void
rp(struct reply *r, const char *fmt, ...)
{
	va_list ap;
	char *nb;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(r->buf + r->len, r->cap - r->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < r->cap - r->len) {
			r->len += (size_t)n;
			return;
		}
		if ((nb = realloc(r->buf, r->cap * 2 + (size_t)n)) == NULL)
			return;
		r->buf = nb;
		r->cap = r->cap * 2 + (size_t)n;
	}
}

void
rp_err(struct reply *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->failed = 1;
	r->len = 0;
	rp(r, "%s", msg);
}

static const char *
dom_state_name(enum dom_state s)
{
	switch (s) {
	case DOM_NONE:		return "none";
	case DOM_PAUSED:	return "paused";
	case DOM_RUNNING:	return "running";
	case DOM_DEAD:		return "dead";
	}
	return "?";
}

static const char *
pdom_state_name(enum pdom_state s)
{
	switch (s) {
	case PD_IDLE:	return "idle";
	case PD_USED:	return "used";
	case PD_DEAD:	return "dead";
	}
	return "?";
}

static int
parse_uint(const char *s, unsigned long max, unsigned long *v_r)
{
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	*v_r = strtoul(s, &end, 10);
	return errno != 0 || *end != '\0' || *v_r > max ? -1 : 0;
}

static int
parse_port(struct quasard *q, const char *s, unsigned *port_r)
{
	unsigned long v;
	unsigned i;

	for (i = 0; i < q->nports; i++)
		if (strcmp(q->port[i].ifname, s) == 0) {
			*port_r = i;
			return 0;
		}
	if (parse_uint(s, q->nports - 1, &v) == 0 && q->nports > 0) {
		*port_r = (unsigned)v;
		return 0;
	}
	return -1;
}

static void
cmd_pool(struct quasard *q, int argc, char **argv, struct reply *r)
{
	struct backend_info bi;
	struct pool *p = &q->pool;
	unsigned long v[3];
	char err[256];
	unsigned i;

	if (argc == 2 && strcmp(argv[1], "show") == 0) {
		memset(&bi, 0, sizeof(bi));
		q->be.ops->info(&q->be, &bi);
		if (r->json) {
			rp(r, "{\"idle\":%u,\"used\":%u,\"total\":%u,\"min\":%u,"
			    "\"target\":%u,\"max\":%u,\"backend\":\"%s\","
			    "\"scheduler\":\"%s\",\"rtds\":%s,\"counters\":{",
			    p->nidle, pool_used(p), p->ndoms, p->conf.min,
			    p->conf.target, p->conf.max, q->be.ops->name,
			    bi.sched, bi.rtds == 1 ? "true" : bi.rtds == 0 ?
			    "false" : "null");
			for (i = 0; i < POOL_C_COUNT; i++)
				rp(r, "%s\"%s\":%" PRIu64, i ? "," : "",
				    pool_ctr_desc[i].name, ctr_get(&p->ctr[i]));
			rp(r, "}}\n");
			return;
		}
		rp(r, "pool: %u idle, %u used, %u in all (min %u, target %u, "
		    "max %u), backend %s\n", p->nidle, pool_used(p), p->ndoms,
		    p->conf.min, p->conf.target, p->conf.max, q->be.ops->name);
		rp(r, "  scheduler %s%s\n", bi.sched, bi.rtds == 0 ?
		    " (RTDS not built into this Xen: weights and caps)" :
		    bi.rtds == 1 ? " (RTDS available)" : "");
		for (i = 0; i < POOL_C_COUNT; i++)
			rp(r, "  %-14s %" PRIu64 "\n", pool_ctr_desc[i].name,
			    ctr_get(&p->ctr[i]));
		return;
	}
	if (argc == 5 && strcmp(argv[1], "resize") == 0) {
		for (i = 0; i < 3; i++)
			if (parse_uint(argv[2 + i], POOL_MAX, &v[i]) == -1) {
				rp_err(r, "pool resize: '%s' is not a count",
				    argv[2 + i]);
				return;
			}
		if (pool_resize(p, (unsigned)v[0], (unsigned)v[2],
		    (unsigned)v[1], err, sizeof(err)) == -1)
			rp_err(r, "%s", err);
		return;
	}
	rp_err(r, "usage: pool show | pool resize <min> <target> <max>");
}

static void
show_routelet(struct quasard *q, struct pdom *pd, struct reply *r, int first)
{
	const struct backend_ops *ops = q->be.ops;
	struct lsp *l = lsp_by_dom(q, pd->d.id);
	struct dom_cpu cpu = { 0, 0 };
	uint64_t rate = 0, burst = 0;
	unsigned v;

	(void)ops->get_cpu(&q->be, &pd->d, &cpu);
	if (pd->d.egress_vif >= 0)
		(void)ops->get_rate(&q->be, &pd->d,
		    (unsigned)pd->d.egress_vif, &rate, &burst);
	if (r->json) {
		rp(r, "%s{\"id\":%" PRIu32 ",\"name\":\"%s\",\"pool\":\"%s\","
		    "\"state\":\"%s\",\"lsp\":%s%s%s,\"gen\":%" PRIu64 ","
		    "\"cpu_weight\":%u,\"cpu_cap\":%u,\"rate\":%" PRIu64 ","
		    "\"burst\":%" PRIu64 ",\"egress_vif\":%d,\"vifs\":[",
		    first ? "" : ",", pd->d.id, pd->d.name,
		    pdom_state_name(pd->state), dom_state_name(pd->d.state),
		    l ? "\"" : "", l ? l->name : "null", l ? "\"" : "",
		    pd->d.acked_gen, cpu.weight, cpu.cap, rate, burst,
		    pd->d.egress_vif);
		for (v = 0; v < pd->d.nvifs; v++)
			rp(r, "%s{\"ifname\":\"%s\",\"ifindex\":%d}",
			    v ? "," : "", pd->d.vif[v].ifname,
			    pd->d.vif[v].ifindex);
		rp(r, "]}");
		return;
	}
	rp(r, "%-8s %-5s %-8s lsp %-12s gen %-4" PRIu64 " cpu %u/%u%% "
	    "rate %" PRIu64 " B/s burst %" PRIu64 " egress %d vifs",
	    pd->d.name, pdom_state_name(pd->state),
	    dom_state_name(pd->d.state), l ? l->name : "-", pd->d.acked_gen,
	    cpu.weight, cpu.cap, rate, burst, pd->d.egress_vif);
	for (v = 0; v < pd->d.nvifs; v++)
		rp(r, " %s", pd->d.vif[v].ifname);
	rp(r, "\n");
}

static void
cmd_routelet(struct quasard *q, int argc, char **argv, struct reply *r)
{
	const struct backend_ops *ops = q->be.ops;
	struct pdom *pd;
	unsigned long id;
	char buf[4096];
	unsigned i;
	int first = 1;

	if (argc == 2 && strcmp(argv[1], "show") == 0) {
		if (r->json)
			rp(r, "[");
		for (i = 0; i < POOL_MAX; i++)
			if ((pd = q->pool.doms[i]) != NULL) {
				show_routelet(q, pd, r, first);
				first = 0;
			}
		if (r->json)
			rp(r, "]\n");
		return;
	}
	if (argc != 3 || parse_uint(argv[2], UINT32_MAX, &id) == -1) {
		rp_err(r, "usage: routelet show | routelet pause|unpause|stats "
		    "<id>");
		return;
	}
	if ((pd = pool_find(&q->pool, (uint32_t)id)) == NULL) {
		rp_err(r, "no routelet %lu", id);
		return;
	}
	if (strcmp(argv[1], "pause") == 0) {
		if (ops->pause(&q->be, &pd->d) == -1)
			rp_err(r, "routelet %lu: pause failed", id);
	} else if (strcmp(argv[1], "unpause") == 0) {
		if (ops->unpause(&q->be, &pd->d) == -1)
			rp_err(r, "routelet %lu: unpause failed", id);
	} else if (strcmp(argv[1], "stats") == 0) {
		if (ops->stats(&q->be, &pd->d, buf, sizeof(buf)) == -1)
			rp_err(r, "routelet %lu: no answer (paused?)", id);
		else
			rp(r, "%s", buf);
	} else
		rp_err(r, "routelet: unknown command '%s'", argv[1]);
}

#define LSP_CPU_WEIGHT	0x1
#define LSP_CPU_CAP	0x2

/* key=value items into an LSP template; returns the rlconf keys given,
 * and in cpu_r which of weight and cap. */
static int
lsp_parse(struct quasard *q, struct lsp *l, int argc, char **argv,
    uint32_t *keys_r, unsigned *cpu_r, char *err, size_t errlen)
{
	unsigned long v;
	char *eq;
	int i;

	*keys_r = 0;
	*cpu_r = 0;
	for (i = 0; i < argc; i++) {
		if ((eq = strchr(argv[i], '=')) == NULL) {
			snprintf(err, errlen, "'%s' is not key=value", argv[i]);
			return -1;
		}
		*eq++ = '\0';
		if (strcmp(argv[i], "in-port") == 0) {
			if (parse_port(q, eq, &l->in_port) == -1)
				goto badport;
		} else if (strcmp(argv[i], "out-port") == 0) {
			unsigned port;

			if (parse_port(q, eq, &port) == -1)
				goto badport;
			l->conf.out_vif = (uint16_t)port;
			l->conf.set |= 1u << RLCONF_K_OUT_VIF;
		} else if (strcmp(argv[i], "weight") == 0) {
			if (parse_uint(eq, 10000, &v) == -1 || v == 0) {
				snprintf(err, errlen, "weight: '%s' is not "
				    "1-10000", eq);
				return -1;
			}
			l->cpu.weight = (uint32_t)v;
			*cpu_r |= LSP_CPU_WEIGHT;
		} else if (strcmp(argv[i], "cap") == 0) {
			if (parse_uint(eq, 100, &v) == -1) {
				snprintf(err, errlen, "cap: '%s' is not a "
				    "percentage 0-100", eq);
				return -1;
			}
			l->cpu.cap = (uint32_t)v;
			*cpu_r |= LSP_CPU_CAP;
		} else if (strcmp(argv[i], "gen") == 0 ||
		    strcmp(argv[i], "src-mac") == 0 ||
		    strcmp(argv[i], "out-vif") == 0) {
			snprintf(err, errlen, "%s: set by quasard", argv[i]);
			return -1;
		} else {
			if (rlconf_set(&l->conf, argv[i], eq, err, errlen) ==
			    -1)
				return -1;
			*keys_r |= l->conf.set;
		}
	}
	return 0;
badport:
	snprintf(err, errlen, "%s: '%s' is not a port of this router",
	    argv[i], eq);
	return -1;
}

/* The name column of "lsp show": as wide as the longest name, so the
 * names RSVP gives transit LSPs (rsvp-<end>-<tunnel>-<sender>-<lsp>, up
 * to 47 characters) keep the table's columns in line. */
static int
lsp_name_width(const struct quasard *q)
{
	size_t w = 12, n;
	unsigned i;

	for (i = 0; i < QD_MAX_LSPS; i++)
		if (q->lsps[i] != NULL &&
		    (n = strlen(q->lsps[i]->name)) > w)
			w = n;
	return (int)w;
}

static void
show_lsp(struct quasard *q, struct lsp *l, struct reply *r, int first,
    int width)
{
	char out[64], mac[ETHER_ADDR_STRLEN];

	if (rlconf_get(&l->conf, RLCONF_K_OUT_LABEL, out, sizeof(out)) == -1 ||
	    out[0] == '\0')
		snprintf(out, sizeof(out), "-");
	ether_addr_fmt(l->conf.nh_mac, mac);
	if (r->json) {
		rp(r, "%s{\"name\":\"%s\",\"kind\":\"%s\",\"in_label\":%" PRIu32
		    ",\"in_port\":\"%s\",\"op\":\"%s\",\"out_label\":\"%s\","
		    "\"nh_mac\":\"%s\",\"out_port\":\"%s\",\"rate\":%" PRIu64
		    ",\"burst\":%" PRIu64 ",\"weight\":%u,\"cap\":%u,"
		    "\"routelet\":%s%s%s,\"gen\":%" PRIu64 ",\"setup_us\":%"
		    PRIu64 "}",
		    first ? "" : ",", l->name, l->owner != NULL ? "transit" :
		    "static", l->conf.in_label,
		    q->port[l->in_port].ifname, rl_op_name(l->conf.op), out,
		    mac, q->port[l->conf.out_vif].ifname, l->conf.rate,
		    l->conf.burst, l->cpu.weight, l->cpu.cap,
		    l->rl ? "\"" : "", l->rl ? l->rl->d.name : "null",
		    l->rl ? "\"" : "", l->conf.gen,
		    l->setup_ns / NSEC_PER_USEC);
		return;
	}
	rp(r, "%-*s %7" PRIu32 " %-6s %-4s %-10s %-17s %-6s %10" PRIu64
	    " %5u %3u%% %-8s %" PRIu64 "\n", width, l->name,
	    l->conf.in_label,
	    q->port[l->in_port].ifname, rl_op_name(l->conf.op), out, mac,
	    q->port[l->conf.out_vif].ifname, l->conf.rate, l->cpu.weight,
	    l->cpu.cap, l->rl ? l->rl->d.name : "-", l->conf.gen);
}

/* "lsp add" with to= is a head-end LSP, signalled. */
static int
signalled(int argc, char **argv)
{
	int i;

	for (i = 3; i < argc; i++)
		if (strncmp(argv[i], "to=", 3) == 0)
			return 1;
	return 0;
}

static void
cmd_lsp(struct quasard *q, int argc, char **argv, struct reply *r)
{
	struct lsp l, *cur;
	struct dom_cpu cpu;
	char err[256];
	uint32_t keys;
	unsigned i, cpukeys;
	int first = 1, width = lsp_name_width(q);

	if (argc == 2 && strcmp(argv[1], "show") == 0) {
		if (r->json)
			rp(r, "[");
		else
			rp(r, "%-*s %7s %-6s %-4s %-10s %-17s %-6s %10s %5s "
			    "%4s %-8s %s\n", width, "name", "label", "in",
			    "op", "out-label", "next-hop", "out", "rate",
			    "wght", "cap", "routelet", "gen");
		for (i = 0; i < QD_MAX_LSPS; i++)
			if (q->lsps[i] != NULL) {
				show_lsp(q, q->lsps[i], r, first, width);
				first = 0;
			}
		rsvpctl_lsp_show(q, r, &first);
		if (r->json)
			rp(r, "]\n");
		return;
	}
	if (argc >= 3 && strcmp(argv[1], "add") == 0 && signalled(argc, argv)) {
		(void)rsvpctl_lsp_add(q, argc, argv, r);
		return;
	}
	if (argc >= 3 && (strcmp(argv[1], "set") == 0 ||
	    strcmp(argv[1], "del") == 0) && lsp_find(q, argv[2]) != NULL &&
	    lsp_find(q, argv[2])->owner != NULL) {
		rp_err(r, "lsp %s was set up by RSVP: its head-end changes or "
		    "removes it", argv[2]);
		return;
	}
	if (argc == 3 && strcmp(argv[1], "del") == 0 &&
	    rsvpctl_lsp_del(q, argv[2], r) == 0)
		return;
	if (argc >= 3 && strcmp(argv[1], "set") == 0 &&
	    rsvpctl_lsp_set(q, argc, argv, r) == 0)
		return;
	if (argc >= 3 && (strcmp(argv[1], "add") == 0 ||
	    strcmp(argv[1], "set") == 0)) {
		memset(&l, 0, sizeof(l));
		rlconf_init(&l.conf);
		l.cpu.weight = 100;
		if (strlen(argv[2]) >= sizeof(l.name)) {
			rp_err(r, "lsp name longer than %zu", sizeof(l.name) -
			    1);
			return;
		}
		snprintf(l.name, sizeof(l.name), "%s", argv[2]);
		if (lsp_parse(q, &l, argc - 3, argv + 3, &keys, &cpukeys,
		    err, sizeof(err)) == -1) {
			rp_err(r, "%s", err);
			return;
		}
		if (strcmp(argv[1], "add") == 0) {
			if (q->rsvp != NULL && he_find(q->rsvp, l.name) != NULL)
				rp_err(r, "lsp %s exists", l.name);
			else if (lsp_add(q, &l, err, sizeof(err)) == -1)
				rp_err(r, "%s", err);
			return;
		}
		/* The routelet's keys, then the CPU share: a weight or a
		 * cap alone keeps the other as it was. */
		if ((keys != 0 || cpukeys == 0) && lsp_update(q, argv[2],
		    &l.conf, keys, err, sizeof(err)) == -1) {
			rp_err(r, "%s", err);
			return;
		}
		if (cpukeys != 0 && (cur = lsp_find(q, argv[2])) != NULL) {
			cpu = cur->cpu;
			if (cpukeys & LSP_CPU_WEIGHT)
				cpu.weight = l.cpu.weight;
			if (cpukeys & LSP_CPU_CAP)
				cpu.cap = l.cpu.cap;
			if (lsp_set_cpu(q, argv[2], &cpu, err, sizeof(err)) ==
			    -1)
				rp_err(r, "%s", err);
		} else if (cpukeys != 0)
			rp_err(r, "no lsp %s", argv[2]);
		return;
	}
	if (argc == 3 && strcmp(argv[1], "del") == 0) {
		if (lsp_del(q, argv[2], err, sizeof(err)) == -1)
			rp_err(r, "%s", err);
		return;
	}
	rp_err(r, "usage: lsp show | lsp add|set <name> key=value... | "
	    "lsp del <name>");
}

struct walk {
	struct quasard	*q;
	struct reply	*r;
	int		 first;
};

static void
demux_entry(uint32_t label, uint32_t ifindex, void *arg)
{
	struct walk *w = arg;
	char ifname[IF_NAMESIZE];

	if (if_indextoname(ifindex, ifname) == NULL)
		snprintf(ifname, sizeof(ifname), "?");
	if (w->r->json)
		rp(w->r, "%s{\"label\":%" PRIu32 ",\"ifindex\":%" PRIu32
		    ",\"ifname\":\"%s\"}", w->first ? "" : ",", label,
		    ifindex, ifname);
	else
		rp(w->r, "%7" PRIu32 " -> %s (%" PRIu32 ")\n", label, ifname,
		    ifindex);
	w->first = 0;
}

static void
cmd_demux(struct quasard *q, int argc, char **argv, struct reply *r)
{
	struct walk w = { q, r, 1 };

	if (argc != 2 || strcmp(argv[1], "show") != 0) {
		rp_err(r, "usage: demux show");
		return;
	}
	if (r->json)
		rp(r, "[");
	ltable_walk(&q->lt, demux_entry, &w);
	if (r->json)
		rp(r, "]\n");
}

static const struct {
	const char	*name;
	void		(*fn)(struct quasard *, int, char **, struct reply *);
} cmds[] = {
	{ "pool", cmd_pool },
	{ "routelet", cmd_routelet },
	{ "lsp", cmd_lsp },
	{ "demux", cmd_demux },
	{ "rsvp", rsvpctl_cmd },
};

void
control_dispatch(struct quasard *q, char *line, struct reply *r)
{
	char *argv[CTL_ARGS_MAX], *save, *tok;
	int argc = 0;
	size_t i;

	if (strncmp(line, "-j ", 3) == 0) {
		r->json = 1;
		line += 3;
	}
	for (tok = strtok_r(line, " \t\r\n", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (argc == CTL_ARGS_MAX) {
			rp_err(r, "more than %d words", CTL_ARGS_MAX);
			return;
		}
		argv[argc++] = tok;
	}
	if (argc == 0) {
		rp_err(r, "empty request");
		return;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[0], cmds[i].name) == 0) {
			cmds[i].fn(q, argc, argv, r);
			return;
		}
	rp_err(r, "unknown command '%s'", argv[0]);
}

int
control_open(struct quasard *q, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	mode_t old;
	int fd;

	if ((size_t)snprintf(q->sockpath, sizeof(q->sockpath),
	    "%s/quasard.sock", q->statedir) >= sizeof(q->sockpath) ||
	    strlen(q->sockpath) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "%s: path too long", q->statedir);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, q->sockpath, strlen(q->sockpath) + 1);
	(void)unlink(q->sockpath);
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fd, 16) == -1) {
		umask(old);
		snprintf(err, errlen, "%s: %s", q->sockpath, strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	q->listen_fd = fd;
	return 0;
}

void
control_accept(struct quasard *q)
{
	struct reply r = { .cap = 8192 };
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct pollfd pfd;
	char line[CTL_LINE_MAX + 1];
	size_t got = 0;
	ssize_t n;
	int fd;

	if ((fd = accept4(q->listen_fd, NULL, NULL, SOCK_CLOEXEC)) == -1)
		return;
	if ((r.buf = malloc(r.cap)) == NULL)
		goto out;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == -1 ||
	    cred.uid != 0) {
		rp_err(&r, "permission denied: the control socket is root's");
		goto send;
	}
	/* One line, bounded in size and time: a slow client waits alone. */
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (got < CTL_LINE_MAX && memchr(line, '\n', got) == NULL) {
		if (poll(&pfd, 1, CTL_TIMEOUT_MS) <= 0)
			break;
		if ((n = read(fd, line + got, CTL_LINE_MAX - got)) <= 0)
			break;
		got += (size_t)n;
	}
	line[got] = '\0';
	if (got == 0 || memchr(line, '\n', got) == NULL) {
		rp_err(&r, got >= CTL_LINE_MAX ? "request longer than %d bytes"
		    : "incomplete request", CTL_LINE_MAX);
		goto send;
	}
	*strchr(line, '\n') = '\0';
	control_dispatch(q, line, &r);
send:
	if (r.buf == NULL)
		goto out;
	if (r.failed)
		log_debug("control: %s", r.buf);
	(void)send(fd, r.failed ? "error: " : "ok\n", r.failed ? 7 : 3,
	    MSG_NOSIGNAL | MSG_MORE);
	(void)send(fd, r.buf, r.len, MSG_NOSIGNAL);
	if (r.failed)
		(void)send(fd, "\n", 1, MSG_NOSIGNAL);
out:
	free(r.buf);
	close(fd);
}

void
control_close(struct quasard *q)
{
	if (q->listen_fd != -1) {
		close(q->listen_fd);
		(void)unlink(q->sockpath);
		q->listen_fd = -1;
	}
}
