/*
 * RSVP on the control socket:
 *
 *   rsvp show sessions|psb|rsb|neighbors|counters|admission
 *   rsvp counters reset
 *   lsp add <name> to=<ip> rate=<bytes/s> [burst=<bytes>] [peak=<bytes/s>]
 *       [min-unit=<bytes>] [max-packet=<bytes>] [service=cl|gs|be]
 *       [ero=<ip>[,loose]/<ip>[,loose]/...] [label=explicit-null]
 *   lsp set <name> [rate=] [burst=] [peak=]   (a head-end LSP: new Path)
 *   lsp del <name>                  (a head-end LSP: PathTear, gone)
 *   lsp show                        (head-end LSPs after the others)
 *
 * Text for people, JSON (-j) for tools; JSON names are the text's.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "clock.h"
#include "log.h"
#include "quasard.h"
#include "rsvpd.h"

static const char *
ip(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static const char *
service_name(uint8_t s, const struct rsvp_tspec *t)
{
	if (t != NULL && !(isfinite(t->r) && t->r > 0))
		return "be";
	return s == RSVP_SVC_GUARANTEED ? "gs" : s == RSVP_SVC_CL ? "cl" :
	    "be";
}

static const struct rsvp_route no_route;

/*
 * A name from the network (a SESSION_ATTRIBUTE's) made safe to print:
 * anything but letters, digits and a few marks becomes '?', so neither
 * JSON nor a terminal sees a quote, a backslash or a control character.
 */
static const char *
safe(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len && s[i] != '\0'; i++)
		buf[i] = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    strchr("-_.:/@+ ", s[i]) != NULL ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}

/* s as a JSON string, quotes included: any text, escaped. */
static void
rp_jstr(struct reply *r, const char *s)
{
	rp(r, "\"");
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			rp(r, "\\%c", *s);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			rp(r, "\\u%04x", (unsigned)(unsigned char)*s);
		else
			rp(r, "%c", *s);
	}
	rp(r, "\"");
}

static double
fnum(float f)
{
	/* JSON has no infinity: -1 stands for it */
	return isfinite(f) ? (double)f : -1;
}

/* An RRO or ERO as "a,b(label),c" (text) or a JSON array. */
static void
rp_route(struct reply *r, const struct rsvp_route *rt, int json)
{
	char a[INET_ADDRSTRLEN];
	unsigned i;
	int first = 1;

	if (json)
		rp(r, "[");
	for (i = 0; i < rt->n; i++) {
		const struct rsvp_subobj *s = &rt->sub[i];

		if (s->opaque)
			continue;
		if (s->type == RSVP_SUB_LABEL) {
			if (json)
				rp(r, "%s{\"label\":%" PRIu32 "}", first ? "" :
				    ",", s->label);
			else
				rp(r, "(%" PRIu32 ")", s->label);
		} else {
			if (json)
				rp(r, "%s{\"addr\":\"%s\"%s}", first ? "" :
				    ",", ip(s->addr, a), s->loose ?
				    ",\"loose\":true" : "");
			else
				rp(r, "%s%s%s", first ? "" : ",",
				    ip(s->addr, a), s->loose ? "~" : "");
		}
		first = 0;
	}
	if (json)
		rp(r, "]");
	else if (first)
		rp(r, "-");
}

/* ---- lsp add / del / show for head-end LSPs ------------------------- */

static int
name_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= QD_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return 0;
	return 1;
}

static int
parse_num(const char *s, double max, double *v_r)
{
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	*v_r = strtod(s, &end);
	return errno != 0 || *end != '\0' || !(*v_r <= max) ? -1 : 0;
}

static int
parse_ero(const char *s, struct rsvp_route *ero, char *err, size_t errlen)
{
	char buf[1024], *hop, *save, *comma;
	struct rsvp_subobj *o;

	if (strlen(s) >= sizeof(buf)) {
		snprintf(err, errlen, "ero: too long");
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", s);
	memset(ero, 0, sizeof(*ero));
	for (hop = strtok_r(buf, "/", &save); hop != NULL;
	    hop = strtok_r(NULL, "/", &save)) {
		if (ero->n == RSVP_ROUTE_MAX) {
			snprintf(err, errlen, "ero: more than %d hops",
			    RSVP_ROUTE_MAX);
			return -1;
		}
		o = &ero->sub[ero->n];
		memset(o, 0, sizeof(*o));
		if ((comma = strchr(hop, ',')) != NULL) {
			*comma++ = '\0';
			if (strcmp(comma, "loose") == 0)
				o->loose = 1;
			else if (strcmp(comma, "strict") != 0) {
				snprintf(err, errlen, "ero: '%s': want loose "
				    "or strict", comma);
				return -1;
			}
		}
		if (inet_pton(AF_INET, hop, &o->addr) != 1) {
			snprintf(err, errlen, "ero: '%s' is not an IPv4 "
			    "address", hop);
			return -1;
		}
		o->type = RSVP_SUB_IPV4;
		o->plen = 32;
		ero->n++;
	}
	if (ero->n == 0) {
		snprintf(err, errlen, "ero: no hops");
		return -1;
	}
	return 0;
}

int
rsvpctl_lsp_add(struct quasard *q, int argc, char **argv, struct reply *r)
{
	static struct he_lsp he;	/* two routes: not on the stack */
	double rate = -1, burst = -1, peak = INFINITY, v;
	unsigned long mu = 64, mp = 1500;
	char err[256], *eq;
	int i, have_to = 0;

	if (q->rsvp == NULL) {
		rp_err(r, "RSVP is off in this quasard");
		return -1;
	}
	if (argc < 3 || !name_ok(argv[2])) {
		rp_err(r, "lsp add: a name of 1-%d letters, digits, '.', "
		    "'-' or '_'", QD_NAME_MAX - 1);
		return -1;
	}
	memset(&he, 0, sizeof(he));
	snprintf(he.name, sizeof(he.name), "%s", argv[2]);
	he.service = RSVP_SVC_CL;
	for (i = 3; i < argc; i++) {
		if ((eq = strchr(argv[i], '=')) == NULL) {
			rp_err(r, "'%s' is not key=value", argv[i]);
			return -1;
		}
		*eq++ = '\0';
		if (strcmp(argv[i], "to") == 0) {
			if (inet_pton(AF_INET, eq, &he.session.endpoint) != 1 ||
			    he.session.endpoint.s_addr == 0) {
				rp_err(r, "to: '%s' is not an IPv4 address",
				    eq);
				return -1;
			}
			have_to = 1;
		} else if (strcmp(argv[i], "rate") == 0 ||
		    strcmp(argv[i], "burst") == 0 ||
		    strcmp(argv[i], "peak") == 0) {
			if (parse_num(eq, 1e12, &v) == -1) {
				rp_err(r, "%s: '%s' is not a number of bytes%s",
				    argv[i], eq, argv[i][0] == 'b' ? "" :
				    "/s");
				return -1;
			}
			*(argv[i][0] == 'r' ? &rate : argv[i][0] == 'b' ?
			    &burst : &peak) = v;
		} else if (strcmp(argv[i], "min-unit") == 0 ||
		    strcmp(argv[i], "max-packet") == 0) {
			if (parse_num(eq, 65535, &v) == -1 || v < 1) {
				rp_err(r, "%s: '%s' is not 1-65535 bytes",
				    argv[i], eq);
				return -1;
			}
			*(argv[i][1] == 'i' ? &mu : &mp) = (unsigned long)v;
		} else if (strcmp(argv[i], "service") == 0) {
			if (strcmp(eq, "cl") == 0)
				he.service = RSVP_SVC_CL;
			else if (strcmp(eq, "gs") == 0)
				he.service = RSVP_SVC_GUARANTEED;
			else if (strcmp(eq, "be") == 0)
				he.service = 0;
			else {
				rp_err(r, "service: '%s': want cl, gs or be",
				    eq);
				return -1;
			}
		} else if (strcmp(argv[i], "ero") == 0) {
			if (parse_ero(eq, &he.ero, err, sizeof(err)) == -1) {
				rp_err(r, "%s", err);
				return -1;
			}
			he.has_ero = 1;
		} else if (strcmp(argv[i], "label") == 0) {
			if (strcmp(eq, "explicit-null") == 0)
				he.explicit_null = 1;
			else if (strcmp(eq, "implicit-null") != 0) {
				rp_err(r, "label: '%s': want explicit-null or "
				    "implicit-null", eq);
				return -1;
			}
		} else {
			rp_err(r, "lsp add: unknown key '%s' (with to=, the "
			    "LSP is signalled)", argv[i]);
			return -1;
		}
	}
	if (!have_to) {
		rp_err(r, "lsp add: to= missing");
		return -1;
	}
	if (he.service != 0 && !(rate > 0)) {
		rp_err(r, "lsp add: rate= (bytes/s, above 0) is needed for "
		    "service %s", he.service == RSVP_SVC_CL ? "cl" : "gs");
		return -1;
	}
	if (mu > mp) {
		rp_err(r, "lsp add: min-unit %lu above max-packet %lu", mu,
		    mp);
		return -1;
	}
	if (he.service != 0) {
		if (burst < 0)
			burst = rate / 10 > (double)mp ? rate / 10 : (double)mp;
		if (peak < rate) {
			rp_err(r, "lsp add: peak below rate");
			return -1;
		}
		he.tspec.r = (float)rate;
		he.tspec.b = (float)burst;
		he.tspec.p = (float)peak;
		he.tspec.m = (uint32_t)mu;
		he.tspec.M = (uint32_t)mp;
	} else {
		/* best effort: a zero token bucket (RFC 2210 allows it) */
		he.tspec.m = 0;
		he.tspec.M = (uint32_t)mp;
	}
	if (he_add(q->rsvp, &he, err, sizeof(err)) == -1) {
		rp_err(r, "%s", err);
		return -1;
	}
	return 0;
}

/* lsp set <name> rate= burst= peak=: a head-end LSP's token bucket. */
int
rsvpctl_lsp_set(struct quasard *q, int argc, char **argv, struct reply *r)
{
	struct he_lsp *he;
	struct rsvp_tspec t;
	double v;
	char *eq;
	int i;

	if (q->rsvp == NULL || argc < 3 ||
	    (he = he_find(q->rsvp, argv[2])) == NULL)
		return -1;
	if (he->service == 0) {
		rp_err(r, "lsp %s is best effort: no rate to change", he->name);
		return 0;
	}
	t = he->tspec;
	for (i = 3; i < argc; i++) {
		if ((eq = strchr(argv[i], '=')) == NULL ||
		    (strncmp(argv[i], "rate=", 5) != 0 &&
		    strncmp(argv[i], "burst=", 6) != 0 &&
		    strncmp(argv[i], "peak=", 5) != 0)) {
			rp_err(r, "lsp set %s: only rate=, burst= and peak= "
			    "change on a signalled LSP", he->name);
			return 0;
		}
		if (parse_num(eq + 1, 1e12, &v) == -1) {
			rp_err(r, "'%s' is not a number", argv[i]);
			return 0;
		}
		if (argv[i][0] == 'r')
			t.r = (float)v;
		else if (argv[i][0] == 'b')
			t.b = (float)v;
		else
			t.p = (float)v;
	}
	if (!(t.r > 0) || t.p < t.r) {
		rp_err(r, "lsp set %s: want rate above 0 and peak at least "
		    "rate", he->name);
		return 0;
	}
	(void)he_set_tspec(q->rsvp, he->name, &t);
	return 0;
}

int
rsvpctl_lsp_del(struct quasard *q, const char *name, struct reply *r)
{
	(void)r;
	if (q->rsvp == NULL)
		return -1;
	return he_del(q->rsvp, name);
}

static void
show_he(struct rsvpd *d, struct he_lsp *he, struct reply *r, int first,
    int width)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], mac[ETHER_ADDR_STRLEN];
	char lbl[16];
	const char *en = he->has_err ? rsvp_error_name(he->err.code) : "";
	const char *vn = he->has_err ? rsvp_error_value_name(he->err.code,
	    he->err.value) : NULL;
	uint64_t up = he->state == HE_UP ?
	    (clock_mono_ns() - he->up_ns) / NSEC_PER_MSEC : 0;

	ether_addr_fmt(he->nh_mac, mac);
	snprintf(lbl, sizeof(lbl), "%" PRIu32, he->out_label);
	if (r->json) {
		rp(r, "%s{\"name\":\"%s\",\"kind\":\"head-end\",\"to\":\"%s\","
		    "\"tunnel_id\":%u,\"lsp_id\":%u,\"state\":\"%s\","
		    "\"service\":\"%s\",\"rate\":%.0f,\"burst\":%.0f,"
		    "\"peak\":%.0f,\"out_label\":%s,"
		    "\"out_port\":\"%s\",\"next_hop\":\"%s\",\"nh_mac\":\"%s\","
		    "\"explicit_null\":%s,\"up_ms\":%" PRIu64 ",\"ero\":",
		    first ? "" : ",", he->name, ip(he->session.endpoint, a),
		    he->session.tunnel_id, he->sender.lsp_id,
		    fsm_state_name(&fsm_he, he->state),
		    service_name(he->service, &he->tspec), fnum(he->tspec.r),
		    fnum(he->tspec.b), fnum(he->tspec.p),
		    he->has_label ? lbl : "null", d->ifs[he->out_port].ifname,
		    ip(he->nhop, b), mac,
		    he->explicit_null ? "true" : "false", up);
		rp_route(r, he->has_ero ? &he->ero : &no_route,
		    1);
		rp(r, ",\"rro\":");
		rp_route(r, he->has_rro ? &he->rro :
		    &no_route, 1);
		if (he->has_err)
			rp(r, ",\"error\":{\"node\":\"%s\",\"code\":%u,"
			    "\"value\":%u,\"name\":\"%s\",\"value_name\":"
			    "\"%s\"}", ip(he->err.node, a), he->err.code,
			    he->err.value, en, vn != NULL ? vn : "");
		else
			rp(r, ",\"error\":null");
		rp(r, ",\"why\":\"%s\",\"attempts\":%u}", he->why,
		    he->attempts);
		return;
	}
	rp(r, "%-*s %-15s %-9s %-2s %10.0f ", width, he->name,
	    ip(he->session.endpoint, a), fsm_state_name(&fsm_he, he->state),
	    service_name(he->service, &he->tspec), fnum(he->tspec.r));
	if (he->has_label)
		rp(r, "%7" PRIu32, he->out_label);
	else
		rp(r, "%7s", "-");
	rp(r, " %-6s %-15s rro ", d->ifs[he->out_port].ifname,
	    ip(he->nhop, b));
	rp_route(r, he->has_rro ? &he->rro : &no_route, 0);
	if (he->has_err)
		rp(r, "  [%s: %s%s%s]", ip(he->err.node, a), en,
		    vn != NULL ? ": " : "", vn != NULL ? vn : "");
	rp(r, "\n");
}

void
rsvpctl_lsp_show(struct quasard *q, struct reply *r, int *first)
{
	struct he_lsp *he;
	size_t w = 12;

	if (q->rsvp == NULL || TAILQ_EMPTY(&q->rsvp->hes))
		return;
	/* the name column as wide as the longest name */
	TAILQ_FOREACH(he, &q->rsvp->hes, entry)
		if (strlen(he->name) > w)
			w = strlen(he->name);
	if (!r->json)
		rp(r, "\nhead-end LSPs:\n%-*s %-15s %-9s %-2s %10s %7s %-6s "
		    "%-15s %s\n", (int)w, "name", "to", "state", "sv", "rate",
		    "label", "out", "next-hop", "route recorded");
	TAILQ_FOREACH(he, &q->rsvp->hes, entry) {
		show_he(q->rsvp, he, r, *first, (int)w);
		*first = 0;
	}
}

/* ---- rsvp show ------------------------------------------------------ */

static void
show_psb(struct rsvpd *d, struct psb *p, struct reply *r, int first,
    int detail)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], c[INET_ADDRSTRLEN],
	    e[INET_ADDRSTRLEN], n[INET_ADDRSTRLEN];
	struct rsb *s = p->rsb;
	char lbl[16], nm[64];
	uint64_t left = timer_pending(&p->life_t) ? (p->life_t.when -
	    clock_mono_ns()) / NSEC_PER_MSEC : 0;

	snprintf(lbl, sizeof(lbl), "%" PRIu32, s != NULL ? s->out_label : 0);
	if (r->json) {
		rp(r, "%s{\"endpoint\":\"%s\",\"tunnel_id\":%u,"
		    "\"ext_tunnel_id\":\"%s\",\"sender\":\"%s\",\"lsp_id\":%u,"
		    "\"state\":\"%s\",\"role\":\"%s\",\"name\":\"%s\","
		    "\"phop\":\"%s\",\"in_port\":\"%s\",\"nhop\":%s%s%s,"
		    "\"out_port\":%s%s%s,\"rate\":%.0f,\"peak\":%.0f,"
		    "\"m\":%" PRIu32 ",\"lifetime_ms\":%" PRIu64 ","
		    "\"refresh_ms\":%" PRIu32,
		    first ? "" : ",", ip(p->session.endpoint, a),
		    p->session.tunnel_id, ip((struct in_addr){
		    htonl(p->session.ext_tunnel_id) }, e),
		    ip(p->sender.addr, b), p->sender.lsp_id,
		    fsm_state_name(&fsm_ss, p->state),
		    p->tail ? "tail" : "transit",
		    p->has_sattr ? safe(p->sattr.name, nm, sizeof(nm)) : "",
		    ip(p->phop.addr, c), d->ifs[p->in_port].ifname,
		    p->tail ? "" : "\"", p->tail ? "null" : ip(p->nhop, n),
		    p->tail ? "" : "\"", p->tail ? "" : "\"",
		    p->tail ? "null" : d->ifs[p->out_port].ifname,
		    p->tail ? "" : "\"", fnum(p->tspec.r), fnum(p->tspec.p),
		    p->tspec.m, left, p->in_refresh_ms);
		if (detail) {
			rp(r, ",\"ero\":");
			rp_route(r, p->has_ero ? &p->ero :
			    &no_route, 1);
			rp(r, ",\"rro\":");
			rp_route(r, p->has_rro ? &p->rro :
			    &no_route, 1);
		}
		if (s != NULL && s->installed)
			rp(r, ",\"in_label\":%" PRIu32 ",\"out_label\":%s"
			    ",\"qos\":%s,\"lsp\":%s%s%s",
			    s->in_label, s->local ? "null" : lbl,
			    s->qos ? "true" :
			    "false", s->qos ? "\"" : "", s->qos ?
			    s->lsp_name : "null", s->qos ? "\"" : "");
		rp(r, "}");
		return;
	}
	rp(r, "%-15s %5u %-15s %5u %-7s %-5s %-15s %-6s ",
	    ip(p->session.endpoint, a), p->session.tunnel_id,
	    ip(p->sender.addr, b), p->sender.lsp_id,
	    p->tail ? "tail" : "transit", fsm_state_name(&fsm_ss, p->state),
	    ip(p->phop.addr, c), d->ifs[p->in_port].ifname);
	if (p->tail)
		rp(r, "%-15s %-6s", "-", "-");
	else
		rp(r, "%-15s %-6s", ip(p->nhop, e),
		    d->ifs[p->out_port].ifname);
	if (s != NULL && s->installed) {
		rp(r, " %7" PRIu32 " ", s->in_label);
		if (s->local)
			rp(r, "%7s", "-");
		else
			rp(r, "%7" PRIu32, s->out_label);
		rp(r, " %s", s->qos ? s->lsp_name : s->local ? "egress" :
		    "best-effort");
	}
	if (detail)
		rp(r, " life %" PRIu64 " ms", left);
	rp(r, "\n");
}

static void
show_rsb(struct rsvpd *d, struct rsb *s, struct reply *r, int first)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], c[INET_ADDRSTRLEN];
	const struct rsvp_tspec *t = &s->flowspec.tspec;
	char lbl[16];
	uint64_t left = timer_pending(&s->life_t) ? (s->life_t.when -
	    clock_mono_ns()) / NSEC_PER_MSEC : 0;

	snprintf(lbl, sizeof(lbl), "%" PRIu32, s->out_label);
	if (r->json) {
		rp(r, "%s{\"endpoint\":\"%s\",\"tunnel_id\":%u,\"sender\":"
		    "\"%s\",\"lsp_id\":%u,\"style\":\"%s\",\"service\":\"%s\","
		    "\"rate\":%.0f,\"burst\":%.0f,\"peak\":%.0f,\"R\":%.0f,"
		    "\"nhop\":\"%s\",\"in_label\":%" PRIu32 ",\"out_label\":%s"
		    ",\"local\":%s,\"qos\":%s,\"lsp\":%s%s%s,"
		    "\"bw\":%" PRIu64 ",\"cpu_ppm\":%" PRIu64 ","
		    "\"confirmed\":%s,\"lifetime_ms\":%" PRIu64 ",\"rro\":",
		    first ? "" : ",", ip(s->session.endpoint, a),
		    s->session.tunnel_id, ip(s->filter.addr, b),
		    s->filter.lsp_id, s->style.option == RSVP_STYLE_SE ? "SE" :
		    "FF", service_name(s->flowspec.service, t), fnum(t->r),
		    fnum(t->b), fnum(t->p), fnum(s->flowspec.R),
		    ip(s->nhop.addr, c), s->in_label, s->local ? "null" : lbl,
		    s->local ? "true" : "false",
		    s->qos ? "true" : "false", s->qos ? "\"" : "",
		    s->qos ? s->lsp_name : "null", s->qos ? "\"" : "",
		    s->req.bw, s->req.cpu_ppm, s->confirmed ? "true" : "false",
		    left);
		rp_route(r, s->has_rro ? &s->rro : &no_route,
		    1);
		if (s->has_err)
			rp(r, ",\"error\":{\"node\":\"%s\",\"code\":%u,"
			    "\"value\":%u}", ip(s->last_err.node, a),
			    s->last_err.code, s->last_err.value);
		rp(r, "}");
		return;
	}
	(void)d;
	rp(r, "%-15s %5u %-15s %5u %-2s %-2s %10.0f %7" PRIu32 " ",
	    ip(s->session.endpoint, a), s->session.tunnel_id,
	    ip(s->filter.addr, b), s->filter.lsp_id,
	    s->style.option == RSVP_STYLE_SE ? "SE" : "FF",
	    service_name(s->flowspec.service, t), fnum(t->r), s->in_label);
	if (s->local)
		rp(r, "%7s %-15s", "-", "-");
	else
		rp(r, "%7" PRIu32 " %-15s", s->out_label, ip(s->nhop.addr, c));
	rp(r, " %s%s\n", s->qos ? s->lsp_name : s->local ? "egress" :
	    "best-effort", s->confirmed ? " confirmed" : "");
}

static void
show_nbrs(struct rsvpd *d, struct reply *r)
{
	struct hello_nbr *n;
	char a[INET_ADDRSTRLEN];
	uint64_t now = clock_mono_ns(), ago;
	int first = 1;

	if (r->json)
		rp(r, "[");
	else
		rp(r, "%-15s %-6s %-5s %10s %10s %8s %8s %5s %s\n", "neighbor",
		    "port", "state", "src-inst", "dst-inst", "rx", "tx",
		    "downs", "heard");
	TAILQ_FOREACH(n, &d->nbrs, entry) {
		ago = n->last_heard_ns ? (now - n->last_heard_ns) /
		    NSEC_PER_MSEC : 0;
		if (r->json)
			rp(r, "%s{\"addr\":\"%s\",\"port\":\"%s\",\"state\":"
			    "\"%s\",\"src_instance\":%" PRIu32 ","
			    "\"dst_instance\":%" PRIu32 ",\"rx\":%" PRIu64 ","
			    "\"tx\":%" PRIu64 ",\"downs\":%" PRIu64 ","
			    "\"heard_ms_ago\":%s%" PRIu64 "}",
			    first ? "" : ",", ip(n->addr, a),
			    d->ifs[n->port].ifname,
			    fsm_state_name(&fsm_nb, n->state), n->src_instance,
			    n->dst_instance, n->rx, n->tx, n->downs,
			    n->last_heard_ns ? "" : "-", ago);
		else if (n->last_heard_ns)
			rp(r, "%-15s %-6s %-5s %10" PRIu32 " %10" PRIu32
			    " %8" PRIu64 " %8" PRIu64 " %5" PRIu64
			    " %" PRIu64 " ms ago\n", ip(n->addr, a),
			    d->ifs[n->port].ifname,
			    fsm_state_name(&fsm_nb, n->state), n->src_instance,
			    n->dst_instance, n->rx, n->tx, n->downs, ago);
		else
			rp(r, "%-15s %-6s %-5s %10" PRIu32 " %10" PRIu32
			    " %8" PRIu64 " %8" PRIu64 " %5" PRIu64
			    " never\n", ip(n->addr, a),
			    d->ifs[n->port].ifname,
			    fsm_state_name(&fsm_nb, n->state), n->src_instance,
			    n->dst_instance, n->rx, n->tx, n->downs);
		first = 0;
	}
	if (r->json)
		rp(r, "]\n");
}

static void
show_counters(struct rsvpd *d, struct reply *r)
{
	unsigned i;
	int first = 1;

	if (r->json) {
		rp(r, "{");
		for (i = 0; i < RD_C_COUNT; i++)
			rp(r, "%s\"%s\":%" PRIu64, i ? "," : "",
			    rd_ctr_desc[i].name, ctr_get(&d->ctr[i]));
		rp(r, ",\"reasons\":{");
		for (i = 0; i < RSVP_R_COUNT; i++) {
			rp(r, "%s\"%s\":%" PRIu64, first ? "" : ",",
			    rsvp_reason_desc[i].name,
			    ctr_get(&d->reason[i]));
			first = 0;
		}
		rp(r, "}}\n");
		return;
	}
	for (i = 0; i < RD_C_COUNT; i++)
		rp(r, "%-18s %10" PRIu64 "  %s\n", rd_ctr_desc[i].name,
		    ctr_get(&d->ctr[i]), rd_ctr_desc[i].desc);
	rp(r, "codec reasons (non-zero):\n");
	for (i = 0; i < RSVP_R_COUNT; i++)
		if (ctr_get(&d->reason[i]) != 0)
			rp(r, "  %-16s %10" PRIu64 "  %s\n",
			    rsvp_reason_desc[i].name, ctr_get(&d->reason[i]),
			    rsvp_reason_desc[i].desc);
}

/* How admission's per-packet cost was found, for show admission. */
static void
show_calib(struct rsvpd *d, struct reply *r)
{
	const struct calib_res *c = &d->calib;

	if (r->json) {
		if (d->pp_source == RD_PP_CONFIGURED) {
			rp(r, "null");
			return;
		}
		rp(r, "{\"per_frame_ns\":%" PRIu32 ",\"rounds\":%u,"
		    "\"min_ns\":%" PRIu32 ",\"max_ns\":%" PRIu32 ","
		    "\"rate\":%u,\"frames_sent\":%u,\"frames_back\":%u,"
		    "\"cpu_ns\":%" PRIu64 ",\"took_ms\":%" PRIu64
		    ",\"error\":", c->per_frame_ns, CALIB_ROUNDS, c->min_ns,
		    c->max_ns, c->rate, c->sent, c->back, c->cpu_ns,
		    c->took_ns / NSEC_PER_MSEC);
		if (d->pp_source == RD_PP_DEFAULT)
			rp_jstr(r, c->why);
		else
			rp(r, "null");
		rp(r, "}");
		return;
	}
	switch (d->pp_source) {
	case RD_PP_CONFIGURED:
		rp(r, "per-packet cost: configured\n");
		break;
	case RD_PP_MEASURED:
		rp(r, "per-packet cost: measured at start-up through a "
		    "routelet, the median of %u rounds (%" PRIu32 "-%" PRIu32
		    " ns); %u of %u frames back at %u/s, %.3f ms of its CPU; "
		    "took %" PRIu64 " ms\n", CALIB_ROUNDS, c->min_ns,
		    c->max_ns, c->back, c->sent, c->rate,
		    (double)c->cpu_ns / 1e6, c->took_ns / NSEC_PER_MSEC);
		break;
	case RD_PP_DEFAULT:
		rp(r, "per-packet cost: the default; calibration failed "
		    "(%s) after %" PRIu64 " ms\n", c->why,
		    c->took_ns / NSEC_PER_MSEC);
		break;
	}
}

static void
show_admission(struct rsvpd *d, struct reply *r)
{
	const struct admit *a = &d->adm;
	struct quasard *q = d->q;
	unsigned i;

	if (r->json) {
		rp(r, "{\"per_packet_ns\":%" PRIu32 ",\"per_packet_source\":"
		    "\"%s\",\"calibration_ms\":%" PRIu64 ",\"calibration\":",
		    a->per_packet_ns, adm_pp_source_name(d->pp_source),
		    d->pp_source == RD_PP_CONFIGURED ? 0 :
		    d->calib.took_ns / NSEC_PER_MSEC);
		show_calib(d, r);
		rp(r, ",\"cpu_budget_pct\":%u,\"ncpus\":%u,"
		    "\"cpu_budget_ppm\":%" PRIu64 ",\"cpu_used_ppm\":%" PRIu64
		    ",\"pool_used\":%u,\"pool_max\":%u,\"labels_used\":%"
		    PRIu32 ",\"label_min\":%" PRIu32 ",\"label_max\":%" PRIu32
		    ",\"ports\":[", a->cpu_budget_pct, a->ncpus,
		    a->cpu_budget_ppm, a->cpu_used_ppm, pool_used(&q->pool),
		    q->pool.conf.max, d->la.used, d->la.min, d->la.max);
		for (i = 0; i < a->nports; i++) {
			rp(r, "%s{\"port\":\"%s\",\"reservable\":", i ? "," :
			    "", d->ifs[i].ifname);
			if (a->port[i].reservable == ADMIT_UNLIMITED)
				rp(r, "null");
			else
				rp(r, "%" PRIu64, a->port[i].reservable);
			rp(r, ",\"reserved\":%" PRIu64 ",\"reservations\":%u,"
			    "\"hello\":%s}", a->port[i].reserved,
			    a->port[i].nresv, d->ifs[i].hello ? "true" :
			    "false");
		}
		rp(r, "]}\n");
		return;
	}
	rp(r, "CPU: %" PRIu64 " of %" PRIu64 " ppm reserved (%u%% of %u "
	    "CPUs), %" PRIu32 " ns a packet (%s)\n", a->cpu_used_ppm,
	    a->cpu_budget_ppm, a->cpu_budget_pct, a->ncpus, a->per_packet_ns,
	    adm_pp_source_name(d->pp_source));
	show_calib(d, r);
	rp(r, "routelets: %u in use, at most %u; labels: %" PRIu32 " of %"
	    PRIu32 "-%" PRIu32 " taken\n", pool_used(&q->pool),
	    q->pool.conf.max, d->la.used, d->la.min, d->la.max);
	for (i = 0; i < a->nports; i++) {
		rp(r, "port %-6s reserved %12" PRIu64 " B/s of ",
		    d->ifs[i].ifname, a->port[i].reserved);
		if (a->port[i].reservable == ADMIT_UNLIMITED)
			rp(r, "unlimited");
		else
			rp(r, "%" PRIu64, a->port[i].reservable);
		rp(r, " (%u reservations)%s\n", a->port[i].nresv,
		    d->ifs[i].hello ? ", hellos" : "");
	}
}

void
rsvpctl_cmd(struct quasard *q, int argc, char **argv, struct reply *r)
{
	struct rsvpd *d = q->rsvp;
	struct psb *p;
	struct rsb *s;
	struct he_lsp *he;
	int first = 1, detail;
	unsigned i;

	if (d == NULL) {
		rp_err(r, "RSVP is off in this quasard");
		return;
	}
	if (argc == 3 && strcmp(argv[1], "counters") == 0 &&
	    strcmp(argv[2], "reset") == 0) {
		for (i = 0; i < RD_C_COUNT; i++)
			atomic_store(&d->ctr[i], 0);
		for (i = 0; i < RSVP_R_COUNT; i++)
			atomic_store(&d->reason[i], 0);
		return;
	}
	if (argc != 3 || strcmp(argv[1], "show") != 0)
		goto usage;
	if (strcmp(argv[2], "sessions") == 0 || strcmp(argv[2], "psb") == 0) {
		detail = argv[2][0] == 'p';
		if (r->json)
			rp(r, "[");
		else
			rp(r, "%-15s %5s %-15s %5s %-7s %-5s %-15s %-6s %-15s "
			    "%-6s %7s %7s %s\n", "endpoint", "tun", "sender",
			    "lsp", "role", "state", "phop", "in", "nhop", "out",
			    "label", "out", "forwarding");
		TAILQ_FOREACH(p, &d->psbs, entry) {
			show_psb(d, p, r, first, detail);
			first = 0;
		}
		if (!detail && !r->json) {
			TAILQ_FOREACH(he, &d->hes, entry)
				show_he(d, he, r, 0, 12);
		} else if (!detail) {
			TAILQ_FOREACH(he, &d->hes, entry) {
				show_he(d, he, r, first, 12);
				first = 0;
			}
		}
		if (r->json)
			rp(r, "]\n");
		return;
	}
	if (strcmp(argv[2], "rsb") == 0) {
		if (r->json)
			rp(r, "[");
		else
			rp(r, "%-15s %5s %-15s %5s %-2s %-2s %10s %7s %7s "
			    "%-15s %s\n", "endpoint", "tun", "sender", "lsp",
			    "st", "sv", "rate", "label", "out", "nhop",
			    "forwarding");
		TAILQ_FOREACH(s, &d->rsbs, entry) {
			show_rsb(d, s, r, first);
			first = 0;
		}
		if (r->json)
			rp(r, "]\n");
		return;
	}
	if (strcmp(argv[2], "neighbors") == 0 ||
	    strcmp(argv[2], "neighbours") == 0) {
		show_nbrs(d, r);
		return;
	}
	if (strcmp(argv[2], "counters") == 0) {
		show_counters(d, r);
		return;
	}
	if (strcmp(argv[2], "admission") == 0) {
		show_admission(d, r);
		return;
	}
usage:
	rp_err(r, "usage: rsvp show sessions|psb|rsb|neighbors|counters|"
	    "admission | rsvp counters reset");
}
