/*
 * Replay: runs the engine over a pcap and writes what it would send.
 *
 * Time is the capture's: each frame enters the engine at its own timestamp
 * and leaves at the time its VIF's token bucket lets it go, which is the
 * timestamp it gets in the output.  So the output shows the shaping, and the
 * same input and configuration give the same output bytes on any machine.
 *
 *   -c conf       configuration (rlconf keys, see src/rlconf.h)
 *   -C n:conf     apply conf after the first n input frames (repeatable)
 *   -r in.pcap    Ethernet frames; -w out.pcap   nanosecond pcap
 *   -j            counters as JSON on stdout (text on stderr otherwise)
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "engine.h"
#include "log.h"
#include "routelet.h"

#define REPLAY_MAX_RECONF	16
#define REPLAY_POOL		(RLCONF_MAX_VIFS * RL_TXQ_SIZE + RL_BURST)

struct reconf {
	unsigned long	 after;
	const char	*path;
};

struct replay {
	struct rl_engine	 eng;
	struct pkt_pool		 pool;
	pcap_dumper_t		*out;
	uint64_t		 vnow;		/* virtual time: the capture's */
	uint64_t		 written;
	uint64_t		 bad_input;	/* frames we could not load */
};

static void
replay_usage(void)
{
	fprintf(stderr, "usage: routelet replay -c conf -r in.pcap -w out.pcap "
	    "[-C n:conf]... [-j] [-v]\n");
}

static void
emit(struct replay *r, struct pkt *p)
{
	struct pcap_pkthdr h;

	h.ts.tv_sec = (time_t)(p->ts / NSEC_PER_SEC);
	/* With nanosecond precision the tv_usec field carries nanoseconds. */
	h.ts.tv_usec = (suseconds_t)(p->ts % NSEC_PER_SEC);
	h.caplen = h.len = p->len;
	pcap_dump((u_char *)r->out, &h, p->data);
	r->written++;
	pkt_pool_put(&r->pool, p);
}

/* Sends everything the buckets let go up to and including time limit. */
static void
drain(struct replay *r, uint64_t limit)
{
	struct pkt *out[RL_BURST];
	uint64_t t, sent;
	unsigned v, n, i;

	for (;;) {
		t = rl_engine_next_tx(&r->eng, r->vnow);
		if (t == UINT64_MAX || t > limit)
			break;
		r->vnow = t;
		sent = 0;
		for (v = 0; v < RLCONF_MAX_VIFS; v++)
			while ((n = rl_engine_tx_burst(&r->eng, v, t, out,
			    RL_BURST)) > 0)
				for (i = 0, sent += n; i < n; i++)
					emit(r, out[i]);
		if (sent == 0 && rl_engine_next_tx(&r->eng, t) <= t)
			fatalx("replay: queue due at %llu but nothing sent",
			    (unsigned long long)t);
	}
	if (limit != UINT64_MAX && limit > r->vnow)
		r->vnow = limit;
}

static int
apply_file(struct replay *r, const char *path)
{
	struct rlconf c;
	char err[256];

	if (rlconf_load(&c, path, err, sizeof(err)) == -1 ||
	    rl_engine_apply(&r->eng, &c, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		return -1;
	}
	return 0;
}

static int
parse_reconf(const char *arg, struct reconf *rc)
{
	char *end;

	errno = 0;
	rc->after = strtoul(arg, &end, 10);
	if (errno != 0 || end == arg || *end != ':' || end[1] == '\0')
		return -1;
	rc->path = end + 1;
	return 0;
}

static int
replay_run(struct replay *r, pcap_t *in, const struct reconf *rc,
    unsigned nrc)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	struct pkt *burst[RL_BURST], *p;
	uint64_t ts, bts = 0;
	unsigned long seen = 0;
	unsigned nb = 0, next_rc = 0;
	int rv;

	while ((rv = pcap_next_ex(in, &h, &data)) == 1) {
		ts = (uint64_t)h->ts.tv_sec * NSEC_PER_SEC +
		    (uint64_t)h->ts.tv_usec;
		/* A burst holds frames of one instant, and no reconfig. */
		if (nb > 0 && (ts != bts || nb == RL_BURST ||
		    (next_rc < nrc && rc[next_rc].after == seen))) {
			rl_engine_rx_burst(&r->eng, burst, nb, bts);
			nb = 0;
		}
		while (next_rc < nrc && rc[next_rc].after == seen) {
			drain(r, bts);
			if (apply_file(r, rc[next_rc].path) == -1)
				return -1;
			next_rc++;
		}
		seen++;
		drain(r, ts);
		if ((p = pkt_pool_get(&r->pool)) == NULL)
			fatalx("replay: packet pool exhausted");
		if (h->caplen != h->len || pkt_load(p, data, h->caplen) == -1) {
			/* Cut by the capture or too big: not a whole frame. */
			r->bad_input++;
			pkt_pool_put(&r->pool, p);
			continue;
		}
		p->ts = ts;
		bts = ts;
		burst[nb++] = p;
	}
	if (rv == -1) {
		log_warnx("reading input: %s", pcap_geterr(in));
		return -1;
	}
	if (nb > 0)
		rl_engine_rx_burst(&r->eng, burst, nb, bts);
	drain(r, UINT64_MAX);
	return 0;
}

int
rl_replay_main(int argc, char **argv)
{
	struct reconf rc[REPLAY_MAX_RECONF];
	struct replay r;
	char errbuf[PCAP_ERRBUF_SIZE];
	const char *conf = NULL, *inpath = NULL, *outpath = NULL;
	pcap_t *in = NULL, *dead = NULL;
	unsigned nrc = 0, i;
	int ch, json = 0, rv = 1;

	memset(&r, 0, sizeof(r));
	optind = 1;
	while ((ch = getopt(argc, argv, "c:C:r:w:jv")) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'C':
			if (nrc == REPLAY_MAX_RECONF ||
			    parse_reconf(optarg, &rc[nrc]) == -1 ||
			    (nrc > 0 && rc[nrc].after < rc[nrc - 1].after)) {
				fprintf(stderr, "routelet replay: -C %s: want "
				    "n:conf, n not decreasing, at most %d\n",
				    optarg, REPLAY_MAX_RECONF);
				return 2;
			}
			nrc++;
			break;
		case 'r':
			inpath = optarg;
			break;
		case 'w':
			outpath = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'v':
			log_setverbose(1);
			break;
		default:
			replay_usage();
			return 2;
		}
	}
	if (conf == NULL || inpath == NULL || outpath == NULL ||
	    optind != argc) {
		replay_usage();
		return 2;
	}

	if (pkt_pool_init(&r.pool, REPLAY_POOL) == -1) {
		log_warn("packet pool");
		return 1;
	}
	if (rl_engine_init(&r.eng, &r.pool) == -1) {
		log_warnx("engine init");
		goto out;
	}
	if (apply_file(&r, conf) == -1)
		goto out;
	in = pcap_open_offline_with_tstamp_precision(inpath,
	    PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (in == NULL) {
		log_warnx("%s", errbuf);
		goto out;
	}
	if (pcap_datalink(in) != DLT_EN10MB) {
		log_warnx("%s: link type %s, not Ethernet", inpath,
		    pcap_datalink_val_to_name(pcap_datalink(in)));
		goto out;
	}
	dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535,
	    PCAP_TSTAMP_PRECISION_NANO);
	if (dead == NULL || (r.out = pcap_dump_open(dead, outpath)) == NULL) {
		log_warnx("%s: %s", outpath,
		    dead ? pcap_geterr(dead) : "cannot open");
		goto out;
	}
	if (replay_run(&r, in, rc, nrc) == -1)
		goto out;
	if (pcap_dump_flush(r.out) == -1) {
		log_warnx("%s: write failed", outpath);
		goto out;
	}
	rv = 0;
out:
	if (rv == 0) {
		if (json) {
			printf("{\"written\":%" PRIu64 ",\"bad_input\":%"
			    PRIu64 ",\"gen\":%" PRIu64 ",\"counters\":",
			    r.written, r.bad_input, rl_engine_gen(&r.eng));
			ctr_dump_json(stdout, rl_ctr_desc, r.eng.ctr,
			    RL_C_COUNT);
			printf("}\n");
		} else {
			fprintf(stderr, "%" PRIu64 " frames written to %s\n",
			    r.written, outpath);
			if (r.bad_input)
				fprintf(stderr, "%" PRIu64 " input frames cut "
				    "short or too large, skipped\n",
				    r.bad_input);
			ctr_dump_text(stderr, rl_ctr_desc, r.eng.ctr,
			    RL_C_COUNT, 1);
		}
	}
	for (i = 0; i < nrc; i++)
		(void)rc[i];
	if (r.out != NULL)
		pcap_dump_close(r.out);
	if (dead != NULL)
		pcap_close(dead);
	if (in != NULL)
		pcap_close(in);
	rl_engine_destroy(&r.eng);
	pkt_pool_destroy(&r.pool);
	return rv;
}
