/*
 * `routelet xen`: the engine inside a Xen routelet domain (the image's
 * init execs it once the netfront VIFs exist).
 *
 * The control channel is xenstore (src/rlxs.h): dom0 writes one node per
 * configuration key and then conf/gen, in one transaction; a watch on
 * conf/gen wakes us, we read the keys back in one transaction (so we never
 * see half of two generations), run them through the same code as a local
 * routelet, and answer in our own ack node.  ping and stats-req are
 * answered the same way.  The xenstore connection is opened before we
 * drop privileges; the device is not reopened, so the unprivileged engine
 * keeps it.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

#include "log.h"
#include "rlxs.h"
#include "routelet.h"
#include "run.h"

#define XEN_NVIFS_WAIT_MS	10000
/* netfront brings its devices up as the backend connects: boot is slow
 * under emulation, so the wait for eth<n> is long. */
#define XEN_VIF_WAIT_MS		30000
#define XEN_TXN_TRIES		16

struct xrun {
	struct xs_handle	*xs;
	uint64_t		 last_gen;
};

static int
xs_put(struct xs_handle *xs, const char *path, const char *val)
{
	if (!xs_write(xs, XBT_NULL, path, val, strlen(val))) {
		log_warn("xenstore write %s", path);
		return -1;
	}
	return 0;
}

/* A node's value, NUL-terminated, or NULL (absent or unreadable). */
static char *
xs_get(struct xs_handle *xs, xs_transaction_t t, const char *path)
{
	unsigned int len;

	return xs_read(xs, t, path, &len);
}

static int
xen_nvifs(struct xs_handle *xs, unsigned *nvifs_r)
{
	unsigned long ul;
	char *v, *end;
	int waited = 0;

	while ((v = xs_get(xs, XBT_NULL, RLXS_NVIFS)) == NULL) {
		if (waited >= XEN_NVIFS_WAIT_MS) {
			log_warnx("%s: not in xenstore: is this a QuaSAR "
			    "routelet domain?", RLXS_NVIFS);
			return -1;
		}
		usleep(50000);
		waited += 50;
	}
	errno = 0;
	ul = strtoul(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || ul == 0 ||
	    ul > RLCONF_MAX_VIFS) {
		log_warnx("%s: '%s' is not 1-%u", RLXS_NVIFS, v,
		    RLCONF_MAX_VIFS);
		free(v);
		return -1;
	}
	free(v);
	*nvifs_r = (unsigned)ul;
	return 0;
}

/*
 * The whole configuration as rlconf text.  Absent keys are left out, so
 * rlconf_parse applies its defaults and its checks, as for a local
 * routelet.  0 with the text, 1 if there is no configuration yet, -1.
 */
static int
xen_conf_read(struct xs_handle *xs, char *buf, size_t len)
{
	xs_transaction_t t;
	char path[64], why[128], *v;
	size_t off;
	unsigned k, tries;
	int rv, gen_seen;

	for (tries = 0; tries < XEN_TXN_TRIES; tries++) {
		if ((t = xs_transaction_start(xs)) == XBT_NULL) {
			log_warn("xenstore transaction");
			return -1;
		}
		off = 0;
		gen_seen = 0;
		for (k = 0; k < RLCONF_K_COUNT; k++) {
			snprintf(path, sizeof(path), "%s/%s", RLXS_CONF,
			    rlconf_key_names[k]);
			if ((v = xs_get(xs, t, path)) == NULL)
				continue;
			if (k == RLCONF_K_GEN)
				gen_seen = 1;
			rv = rlconf_text_add(buf, len, &off,
			    rlconf_key_names[k], v, why, sizeof(why));
			free(v);
			if (rv == -1) {
				xs_transaction_end(xs, t, true);
				log_warnx("configuration refused: %s", why);
				return -1;
			}
		}
		if (xs_transaction_end(xs, t, false))
			return gen_seen ? 0 : 1;
		if (errno != EAGAIN) {
			log_warn("xenstore transaction end");
			return -1;
		}
	}
	log_warnx("xenstore: configuration kept changing under %u "
	    "transactions", XEN_TXN_TRIES);
	return -1;
}

static void
xen_conf(struct run *r, struct xrun *x)
{
	char text[RLXS_VALUE_MAX], reply[RLXS_VALUE_MAX];
	int rv;

	if ((rv = xen_conf_read(x->xs, text, sizeof(text))) == 1)
		return;		/* the watch's first firing: nothing yet */
	if (rv == -1) {
		ctr_add(&r->ctr[RUN_C_ctl_bad], 1);
		return;
	}
	run_conf(r, text, reply, sizeof(reply));
	xs_put(x->xs, RLXS_ACK, reply);
}

/* A sequence number in node path: 0 and *seq_r, or -1 if absent/bad. */
static int
xen_seq(struct run *r, struct xrun *x, const char *path, uint64_t *seq_r)
{
	char *v, *end;

	if ((v = xs_get(x->xs, XBT_NULL, path)) == NULL)
		return -1;
	errno = 0;
	*seq_r = strtoull(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0') {
		ctr_add(&r->ctr[RUN_C_ctl_bad], 1);
		log_warnx("%s: '%.32s' is not a sequence number", path, v);
		free(v);
		return -1;
	}
	free(v);
	return 0;
}

static void
xen_ping(struct run *r, struct xrun *x)
{
	char msg[64];
	uint64_t seq;

	if (xen_seq(r, x, RLXS_PING, &seq) == -1)
		return;
	snprintf(msg, sizeof(msg), "%" PRIu64 " %" PRIu64, seq,
	    rl_engine_gen(&r->eng));
	xs_put(x->xs, RLXS_PONG, msg);
}

static void
xen_stats(struct run *r, struct xrun *x)
{
	char msg[RLXS_VALUE_MAX];
	uint64_t seq;
	int n;

	if (xen_seq(r, x, RLXS_STATS_REQ, &seq) == -1)
		return;
	n = snprintf(msg, sizeof(msg), "%" PRIu64 "\n", seq);
	if (run_stats(r, msg + n, sizeof(msg) - (size_t)n) == -1) {
		log_warnx("counters do not fit %zu bytes", sizeof(msg));
		return;
	}
	xs_put(x->xs, RLXS_STATS, msg);
}

static void
xen_ctl(struct run *r, void *arg)
{
	struct xrun *x = arg;
	char **ev;

	while ((ev = xs_check_watch(x->xs)) != NULL) {
		if (strcmp(ev[XS_WATCH_TOKEN], "conf") == 0)
			xen_conf(r, x);
		else if (strcmp(ev[XS_WATCH_TOKEN], "ping") == 0)
			xen_ping(r, x);
		else if (strcmp(ev[XS_WATCH_TOKEN], "stats") == 0)
			xen_stats(r, x);
		free(ev);
	}
	if (errno != EAGAIN) {
		/* xenstored gone (dom0 toolstack restart): forward on. */
		log_warn("xenstore watch; forwarding on with gen %" PRIu64,
		    rl_engine_gen(&r->eng));
		r->ctl_gone = 1;
	}
}

static void
xen_usage(void)
{
	fprintf(stderr, "usage: routelet xen [-u user] [-v]\n");
}

int
rl_xen_main(int argc, char **argv)
{
	struct run r;
	struct xrun x;
	const char *user = "65534";
	char msg[128];
	unsigned nvifs;
	int ch, xfd, rv = 1;

	run_init(&r);
	memset(&x, 0, sizeof(x));
	optind = 1;
	while ((ch = getopt(argc, argv, "u:v")) != -1) {
		switch (ch) {
		case 'u':
			user = optarg;
			break;
		case 'v':
			log_setverbose(1);
			break;
		default:
			xen_usage();
			return 2;
		}
	}
	if (optind != argc) {
		xen_usage();
		return 2;
	}
	if ((x.xs = xs_open(0)) == NULL) {
		log_warn("xenstore (is /dev/xen/xenbus there?)");
		return 1;
	}
	/* Before the first watch, so its events are signalled on the fd. */
	if ((xfd = xs_fileno(x.xs)) == -1) {
		log_warn("xenstore watch fd");
		goto out;
	}
	if (xen_nvifs(x.xs, &nvifs) == -1)
		goto fail;
	if (!xs_watch(x.xs, RLXS_CONF_GEN, "conf") ||
	    !xs_watch(x.xs, RLXS_PING, "ping") ||
	    !xs_watch(x.xs, RLXS_STATS_REQ, "stats")) {
		log_warn("xenstore watch");
		goto fail;
	}
	if (run_setup(&r, nvifs, XEN_VIF_WAIT_MS) == -1 ||
	    run_harden(user) == -1)
		goto fail;
	snprintf(msg, sizeof(msg), "ready %u", nvifs);
	if (xs_put(x.xs, RLXS_READY, msg) == -1)
		goto out;
	log_info("ready with %u VIFs", nvifs);
	rv = run_loop(&r, xfd, xen_ctl, &x) == 0 ? 0 : 1;
	goto out;
fail:
	xs_put(x.xs, RLXS_READY, "fail could not open its VIFs or drop "
	    "privileges");
out:
	run_teardown(&r);
	xs_close(x.xs);
	return rv;
}
