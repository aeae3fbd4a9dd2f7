/*
 * The Xen backend on a real Xen, through the same interface the pool and
 * quasard use (src/backend.h): one routelet domain from the image, every
 * operation, read back from the hypervisor where it can be, and a death
 * the test causes from outside (xl destroy) reported through libxl's
 * events.  Prints "PASS: ..."/"FAIL: ..." lines and "figure: ..." lines;
 * exits 1 if anything failed.  Runs in the Xen lab's dom0 (tests/xen/).
 *
 *   xen_backend -k kernel -r ramdisk -s vif-script [-m memory-mb]
 */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "clock.h"
#include "log.h"
#include "rlconf.h"

#define PAUSES	20

static int npass, nfail;
static struct dom *died;

static void
check(const char *what, int ok, const char *detail)
{
	if (ok) {
		npass++;
		printf("PASS: %s\n", what);
	} else {
		nfail++;
		printf("FAIL: %s%s%s\n", what, detail ? ": " : "",
		    detail ? detail : "");
	}
	fflush(stdout);
}

static double
ms_since(uint64_t t0)
{
	return (double)(clock_mono_ns() - t0) / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
on_death(struct backend *b, struct dom *d, void *arg)
{
	(void)b;
	(void)arg;
	died = d;
}

struct listed {
	uint32_t	id;
	int		found;
	char		what[160];
};

static void
list_cb(uint32_t id, const char *what, void *arg)
{
	struct listed *l = arg;

	if (id == l->id) {
		l->found++;
		snprintf(l->what, sizeof(l->what), "%s", what);
	}
}

static void
swap_conf(struct rlconf *c, uint64_t gen, const struct dom *d)
{
	uint8_t nh[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

	rlconf_init(c);
	c->gen = gen;
	c->op = RL_OP_SWAP;
	c->in_label = 100;
	c->out_labels[0] = 200;
	c->n_out = 1;
	memcpy(c->nh_mac, nh, 6);
	memcpy(c->src_mac, d->vif[1].mac, 6);
	c->out_vif = 1;
	c->set = 1u << RLCONF_K_GEN | 1u << RLCONF_K_OP |
	    1u << RLCONF_K_IN_LABEL | 1u << RLCONF_K_OUT_LABEL |
	    1u << RLCONF_K_NH_MAC | 1u << RLCONF_K_SRC_MAC |
	    1u << RLCONF_K_OUT_VIF;
}

int
main(int argc, char **argv)
{
	struct backend_conf bc = { .instance = "qxtest", .ack_timeout_ms =
	    20000 };
	struct backend be;
	struct dom d;
	struct dom_cpu cpu = { 200, 50 }, cpu2;
	struct rlconf c;
	struct listed l;
	struct pollfd pfd;
	double t[PAUSES];
	char err[256], buf[2048], detail[256], cmd[96];
	uint64_t t0, rate = 0, burst = 0;
	unsigned domid = 0, i;
	int ch, ok;

	log_init("xen_backend", LOG_TO_STDERR);
	while ((ch = getopt(argc, argv, "k:r:s:m:v")) != -1) {
		switch (ch) {
		case 'k':
			bc.kernel = optarg;
			break;
		case 'r':
			bc.ramdisk = optarg;
			break;
		case 's':
			bc.vif_script = optarg;
			break;
		case 'm':
			bc.memory_mb = (unsigned)atoi(optarg);
			break;
		case 'v':
			log_setverbose(1);
			break;
		default:
			fprintf(stderr, "usage: xen_backend -k kernel -r "
			    "ramdisk -s vif-script [-m mb] [-v]\n");
			return 2;
		}
	}

	t0 = clock_mono_ns();
	ok = backend_open(&be, "xen", &bc, err, sizeof(err)) == 0;
	check("backend xen opens (libxl context, xenstore, netlink)", ok,
	    err);
	if (!ok)
		goto out;
	printf("figure: libxl backend open %.1f ms\n", ms_since(t0));
	be.on_death = on_death;
	check("reap_stale runs", be.ops->reap_stale(&be) == 0, NULL);

	memset(&d, 0, sizeof(d));
	d.id = 7;
	t0 = clock_mono_ns();
	ok = be.ops->create(&be, &d, 2) == 0;
	check("create: a routelet domain boots, says ready and is paused",
	    ok && d.state == DOM_PAUSED, d.name);
	if (!ok)
		goto close;
	printf("figure: create (libxl create, boot to ready, pause) %.0f "
	    "ms\n", ms_since(t0));
	ok = sscanf(d.vif[0].ifname, "vif%u.0", &domid) == 1 &&
	    d.vif[0].ifindex > 0 && d.vif[1].ifindex > 0 &&
	    (int)if_nametoindex(d.vif[1].ifname) == d.vif[1].ifindex;
	snprintf(detail, sizeof(detail), "%s %d, %s %d", d.vif[0].ifname,
	    d.vif[0].ifindex, d.vif[1].ifname, d.vif[1].ifindex);
	check("its two VIFs are netback's vif<domid>.0/.1 in dom0", ok,
	    detail);

	memset(&l, 0, sizeof(l));
	l.id = d.id;
	check("list shows it, paused", be.ops->list(&be, list_cb, &l) == 0 &&
	    l.found == 1 && strstr(l.what, "paused") != NULL, l.what);

	ok = be.ops->set_cpu(&be, &d, &cpu) == 0 &&
	    be.ops->get_cpu(&be, &d, &cpu2) == 0 && cpu2.weight == 200 &&
	    cpu2.cap == 50;
	snprintf(detail, sizeof(detail), "read back weight %u cap %u",
	    cpu2.weight, cpu2.cap);
	check("CPU weight 200 and cap 50 read back from the scheduler", ok,
	    detail);
	ok = be.ops->set_rate(&be, &d, 1, 1250000, 12500) == 0 &&
	    be.ops->get_rate(&be, &d, 1, &rate, &burst) == 0 &&
	    rate == 1250000 && burst == 12500;
	snprintf(detail, sizeof(detail), "read back %" PRIu64 " B/s, %"
	    PRIu64 " B", rate, burst);
	check("VIF rate 10 Mbit/s, burst 12500 B read back from netback's "
	    "node", ok, detail);

	swap_conf(&c, 1, &d);
	ok = be.ops->configure(&be, &d, &c) == 0;
	t0 = clock_mono_ns();
	ok = ok && be.ops->unpause(&be, &d) == 0 &&
	    be.ops->wait_ack(&be, &d, 1, 20000) == 0 && d.acked_gen == 1;
	check("configured while paused, acknowledged after unpause", ok, NULL);
	printf("figure: unpause to acknowledgement %.1f ms\n", ms_since(t0));
	check("ping answered", be.ops->ping(&be, &d, 10000) == 0, NULL);
	ok = be.ops->stats(&be, &d, buf, sizeof(buf)) == 0 &&
	    strncmp(buf, "gen 1\n", 6) == 0;
	check("stats come back, running gen 1", ok, buf);

	/* A swap with no out-label: the routelet must refuse it. */
	swap_conf(&c, 2, &d);
	c.set &= ~(1u << RLCONF_K_OUT_LABEL);
	c.n_out = 0;
	ok = be.ops->configure(&be, &d, &c) == 0 &&
	    be.ops->wait_ack(&be, &d, 2, 10000) == -1;
	check("a bad configuration is refused (nak)", ok, NULL);
	ok = be.ops->stats(&be, &d, buf, sizeof(buf)) == 0 &&
	    strncmp(buf, "gen 1\n", 6) == 0;
	check("and the running one kept", ok, buf);
	swap_conf(&c, 3, &d);
	c.out_labels[0] = 300;
	ok = be.ops->configure(&be, &d, &c) == 0 &&
	    be.ops->wait_ack(&be, &d, 3, 10000) == 0 && d.acked_gen == 3;
	check("a new generation on a running routelet is acknowledged", ok,
	    NULL);

	ok = 1;
	for (i = 0; i < PAUSES && ok; i++) {
		t0 = clock_mono_ns();
		ok = be.ops->pause(&be, &d) == 0;
		t[i] = ms_since(t0);
		ok = ok && be.ops->unpause(&be, &d) == 0;
	}
	check("pause/unpause 20 times", ok, NULL);
	if (ok) {
		qsort(t, PAUSES, sizeof(t[0]), cmp_double);
		printf("figure: libxl pause p50 %.3f ms, max %.3f ms (%d)\n",
		    t[PAUSES / 2], t[PAUSES - 1], PAUSES);
	}
	ok = be.ops->pause(&be, &d) == 0;
	memset(&l, 0, sizeof(l));
	l.id = d.id;
	ok = ok && be.ops->list(&be, list_cb, &l) == 0 &&
	    strstr(l.what, "paused") != NULL;
	check("paused again, as Xen reports it", ok, l.what);

	/* Killed behind our back: libxl's death event must reach us. */
	snprintf(cmd, sizeof(cmd), "xl destroy %u", domid);
	ok = system(cmd) == 0;
	check("xl destroy of the domain from outside", ok, cmd);
	pfd.fd = be.ops->event_fd(&be);
	pfd.events = POLLIN;
	t0 = clock_mono_ns();
	while (died == NULL && ms_since(t0) < 30000) {
		if (poll(&pfd, 1, 1000) > 0)
			be.ops->dispatch(&be);
	}
	check("its death is reported through the event fd", died == &d &&
	    d.state == DOM_DEAD, NULL);
	if (died != NULL)
		printf("figure: death noticed %.0f ms after xl destroy "
		    "returned\n", ms_since(t0));
	be.ops->destroy(&be, &d);
	memset(&l, 0, sizeof(l));
	l.id = d.id;
	check("nothing of it is left", be.ops->list(&be, list_cb, &l) == 0 &&
	    l.found == 0 && if_nametoindex(d.vif[0].ifname) == 0, l.what);
close:
	backend_close(&be);
out:
	printf("xen_backend: %d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
