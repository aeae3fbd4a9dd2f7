/*
 * bench_core: what the data path costs per packet, against the floor of
 * copying the frame once.
 *
 *   engine    rx_burst + tx_burst of a burst of 32 pre-built MPLS frames
 *             (Ethernet, label 100 BoS, IPv4, payload), for swap, pop (PHP
 *             to IPv4, uniform TTL) and push, 64 B and 1500 B frames, with
 *             the shaper off (rate=0) and on (a rate that never holds)
 *   restore   what the engine loop spends putting frames back into their
 *             input state; it is inside every engine figure
 *   memcpy    one copy of the whole frame per packet in the same loop: the
 *             baseline every engine figure is given as a ratio of
 *   demux     ltable_lookup over random labels of 1, 1000 and all 1048560
 *             unreserved labels installed
 *
 * Every figure is the median (and the min) of 5 timed loops of about
 * 0.25 s each on CLOCK_MONOTONIC.  A table goes to stdout and each figure to
 * OUTDIR/<name>.json.  Targets are information: a miss does not change the
 * exit status.  A measurement that did not measure what it says (frames
 * dropped, held or rewritten wrongly) does: it is reported and exits 1.
 *
 *   bench_core [-o outdir] [-c commit] [-t seconds] [-r repeats] [-f match]
 */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "engine.h"
#include "ether.h"
#include "inet.h"
#include "ltable.h"
#include "mpls.h"
#include "pkt.h"
#include "rlconf.h"

#define REPS_DEFAULT	5
#define REPS_MAX	15
#define SECS_DEFAULT	0.25	/* per timed loop: >= 0.2 s even if it runs fast */

#define FRAME_SMALL	64
#define FRAME_LARGE	1500
#define IN_LABEL	100
#define IN_TTL		64

/*
 * The bytes an engine pass rewrites in place, from the frame's first byte:
 * the Ethernet header and the top label (swap, push; push also writes
 * into the headroom, which needs no restoring), and for pop the IPv4 TTL and
 * checksum as well, which lie inside the first 20 bytes of IPv4.  One span
 * for every operation, so the restore cost is one figure for all of them.
 */
#define RESTORE_LEN	(ETHER_HDR_LEN + MPLS_LSE_LEN + IPV4_HDR_MIN)

/*
 * The shaped runs: the largest rate the bucket takes (100 GB/s) and a
 * virtual clock that moves 1 us per burst, so each burst brings 100 000
 * bytes of tokens, more than a burst of 32 x 1500 B needs: the bucket
 * never holds a frame, and what is measured is its bookkeeping alone.
 */
#define SHAPED_RATE	TBF_RATE_MAX
#define SHAPED_BURST	(1u << 20)
#define VCLOCK_START	NSEC_PER_SEC
#define VCLOCK_STEP	NSEC_PER_USEC

/* Lookups per pass: 4 MiB of keys, as many as the full table has entries. */
#define DEMUX_NKEYS	(1u << 20)
#define DEMUX_FULL	(MPLS_LABEL_COUNT - MPLS_LABEL_FIRST_UNRESERVED)

#define MAC_OURS	"02:00:00:00:00:01"
#define MAC_NH		"02:00:00:00:00:02"
#define MAC_UPSTREAM	"02:00:00:00:00:03"

#define MAX_FIGS	64

typedef void	(*loop_fn)(void *arg, uint64_t iters);

struct stat_ns {
	double		 med;
	double		 min;
	double		 max;
};

struct fig {
	char		 name[48];
	double		 value;		/* median of the repeats */
	double		 min;		/* smallest: for Mpps the slowest run */
	const char	*unit;
	int		 base;		/* index in figs, or -1 */
	const char	*tgt_op;	/* "<=", ">=", or NULL: no target */
	double		 tgt;
};

struct engine_ctx {
	struct rl_engine	 eng;
	struct pkt_pool		 pool;
	uint8_t			 tmpl[PKT_MAXFRAME];
	uint32_t		 flen;
	uint64_t		 now;
	uint64_t		 short_bursts;	/* tx gave back fewer than 32 */
	enum rl_op		 op;
};

/* The restore and memcpy loops: the engine loop with the engine taken out. */
struct copy_ctx {
	struct pkt_pool		 pool;
	uint8_t			 tmpl[PKT_MAXFRAME];
	uint32_t		 flen;
};

struct demux_ctx {
	struct ltable		 lt;
	uint32_t		*keys;
	uint32_t		 nkeys;
};

struct op_case {
	const char	*name;		/* in figure names: engine_<name>_64B_ns */
	enum rl_op	 op;
	const char	*conf;		/* rlconf keys beside the common ones */
	int		 shaped;
};

static const struct op_case op_cases[] = {
	{ "swap", RL_OP_SWAP, "op=swap out-label=200", 0 },
	{ "pop", RL_OP_POP, "op=pop ttl-mode=uniform", 0 },
	{ "push", RL_OP_PUSH, "op=push out-label=300", 0 },
	{ "swap_shaped", RL_OP_SWAP, "op=swap out-label=200", 1 },
};
#define N_OP_CASES	(sizeof(op_cases) / sizeof(op_cases[0]))

static const uint32_t	 sizes[] = { FRAME_SMALL, FRAME_LARGE };
#define N_SIZES		(sizeof(sizes) / sizeof(sizes[0]))

static struct fig	 figs[MAX_FIGS];
static int		 nfigs;
static int		 invalid;	/* a measurement went wrong */
static int		 opt_reps = REPS_DEFAULT;
static double		 opt_secs = SECS_DEFAULT;
static const char	*opt_match;
static const char	*opt_outdir;
static const char	*opt_commit;
static char		 host_cpu[128] = "unknown";
static long		 host_cores;
static char		 run_date[32];

/* Where the demux loops leave their sums, so no lookup is dead code. */
static volatile int64_t	 demux_sink;

static void
usage(void)
{
	fprintf(stderr, "usage: bench_core [-o outdir] [-c commit] "
	    "[-t seconds] [-r repeats] [-f match]\n");
	exit(2);
}

/* splitmix64: fixed seed, so every run draws the same labels. */
static uint64_t
rnd_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t
rnd_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(rnd_next(s) % n);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
time_loop(loop_fn fn, void *arg, uint64_t iters)
{
	uint64_t t0, t1;

	t0 = clock_mono_ns();
	fn(arg, iters);
	t1 = clock_mono_ns();
	return (double)(t1 - t0);
}

/*
 * ns per item of fn, which does per_iter items per iteration.  The count
 * of iterations is found by doubling until a loop takes a tenth of the
 * target, then scaled to the target, so each timed loop is long against
 * the clock's resolution and the scheduler's tick.
 */
static void
measure(loop_fn fn, void *arg, uint64_t per_iter, struct stat_ns *st)
{
	double ns[REPS_MAX], t, want, target = opt_secs * 1e9;
	uint64_t iters = 1;
	int i;

	fn(arg, 1);		/* fault in and warm the caches */
	for (;;) {
		t = time_loop(fn, arg, iters);
		if (t >= target / 10 || iters >= UINT64_MAX / 4)
			break;
		iters *= 2;
	}
	if (t < 1)
		t = 1;
	/* Bounded, so a loop that returns at once cannot overflow iters. */
	want = (double)iters * (target / t);
	iters = want < 1e15 ? (uint64_t)want + 1 : (uint64_t)1e15;
	for (i = 0; i < opt_reps; i++)
		ns[i] = time_loop(fn, arg, iters) /
		    ((double)iters * (double)per_iter);
	qsort(ns, (size_t)opt_reps, sizeof(ns[0]), cmp_double);
	st->min = ns[0];
	st->max = ns[opt_reps - 1];
	st->med = opt_reps % 2 ? ns[opt_reps / 2] :
	    (ns[opt_reps / 2 - 1] + ns[opt_reps / 2]) / 2;
}

static int
fig_find(const char *name)
{
	int i;

	for (i = 0; i < nfigs; i++)
		if (strcmp(figs[i].name, name) == 0)
			return i;
	return -1;
}

static int
fig_add(const char *name, double value, double min, const char *unit,
    const char *base, const char *tgt_op, double tgt)
{
	struct fig *f;

	if (nfigs == MAX_FIGS) {
		fprintf(stderr, "bench_core: more than %d figures\n", MAX_FIGS);
		exit(1);
	}
	f = &figs[nfigs];
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->value = value;
	f->min = min;
	f->unit = unit;
	f->base = base != NULL ? fig_find(base) : -1;
	f->tgt_op = tgt_op;
	f->tgt = tgt;
	return nfigs++;
}

static int
fig_met(const struct fig *f)
{
	if (f->tgt_op == NULL)
		return -1;
	if (strcmp(f->tgt_op, "<=") == 0)
		return f->value <= f->tgt;
	return f->value >= f->tgt;
}

static int
selected(const char *name)
{
	return opt_match == NULL || strstr(name, opt_match) != NULL;
}

static void
engine_names(const struct op_case *oc, uint32_t flen, char *ns, char *mpps,
    size_t len)
{
	snprintf(ns, len, "engine_%s_%" PRIu32 "B_ns", oc->name, flen);
	snprintf(mpps, len, "engine_%s_%" PRIu32 "B_mpps", oc->name, flen);
}

/* Whether any engine figure of frame size flen is to be measured. */
static int
engine_wanted(uint32_t flen)
{
	char ns[48], mpps[48];
	size_t i;

	for (i = 0; i < N_OP_CASES; i++) {
		engine_names(&op_cases[i], flen, ns, mpps, sizeof(ns));
		if (selected(ns) || selected(mpps))
			return 1;
	}
	return 0;
}

/* ---- frames -------------------------------------------------------------- */

/* Ethernet, label 100 S=1 TTL 64, IPv4 (UDP, TTL 64, checksum right), payload. */
static void
frame_build(uint8_t *f, uint32_t flen)
{
	struct mpls_lse lse = { IN_LABEL, 0, 1, IN_TTL };
	uint8_t ours[ETHER_ADDR_LEN], up[ETHER_ADDR_LEN];
	uint8_t *ip = f + ETHER_HDR_LEN + MPLS_LSE_LEN;
	uint32_t i, iplen = flen - ETHER_HDR_LEN - MPLS_LSE_LEN;

	(void)ether_addr_parse(MAC_OURS, ours);
	(void)ether_addr_parse(MAC_UPSTREAM, up);
	ether_write(f, ours, up, ETHERTYPE_MPLS);
	mpls_lse_encode(f + ETHER_HDR_LEN, &lse);
	memset(ip, 0, IPV4_HDR_MIN);
	ip[0] = 0x45;
	wr16(ip + 2, (uint16_t)iplen);
	ip[IPV4_TTL_OFF] = IN_TTL;
	ip[9] = 17;
	ip[12] = 10, ip[15] = 1;
	ip[16] = 10, ip[19] = 2;
	wr16(ip + IPV4_CSUM_OFF, inet_csum(ip, IPV4_HDR_MIN));
	for (i = IPV4_HDR_MIN; i < iplen; i++)
		ip[i] = (uint8_t)i;
}

/* A pool of exactly one burst of buffers, each loaded with the frame. */
static int
pool_load(struct pkt_pool *pp, const uint8_t *tmpl, uint32_t flen)
{
	uint32_t i;

	if (pkt_pool_init(pp, RL_BURST) == -1)
		return -1;
	for (i = 0; i < pp->size; i++)
		if (pkt_load(&pp->pkts[i], tmpl, flen) == -1)
			return -1;
	return 0;
}

static inline void
restore(struct pkt *p, const uint8_t *tmpl, uint32_t flen)
{
	/* pkt_pool_get has reset data to the headroom mark. */
	memcpy(p->data, tmpl, RESTORE_LEN);
	p->len = flen;
}

/* ---- the loops ----------------------------------------------------------- */

/*
 * One iteration is one burst as a routelet's main loop sees it: take 32
 * frames from the pool (restoring each to its input state stands in for
 * the NIC writing it), rx_burst, tx_burst, and give the sent frames back.
 */
static void
engine_loop(void *arg, uint64_t iters)
{
	struct engine_ctx *x = arg;
	struct pkt *b[RL_BURST], *out[RL_BURST];
	uint64_t now = x->now;
	unsigned i, n;

	/* After a short burst the pool is short too: stop for good. */
	while (iters-- > 0 && x->short_bursts == 0) {
		for (i = 0; i < RL_BURST; i++) {
			b[i] = pkt_pool_get(&x->pool);
			restore(b[i], x->tmpl, x->flen);
		}
		(void)rl_engine_rx_burst(&x->eng, b, RL_BURST, now);
		n = rl_engine_tx_burst(&x->eng, 0, now, out, RL_BURST);
		for (i = 0; i < n; i++)
			pkt_pool_put(&x->pool, out[i]);
		/*
		 * Frames held or dropped: the figure would not be the
		 * forwarding path, and the pool would run dry.
		 */
		if (n != RL_BURST)
			x->short_bursts++;
		now += VCLOCK_STEP;
	}
	x->now = now;
}

static void
restore_loop(void *arg, uint64_t iters)
{
	struct copy_ctx *x = arg;
	struct pkt *b[RL_BURST];
	unsigned i;

	while (iters-- > 0) {
		for (i = 0; i < RL_BURST; i++) {
			b[i] = pkt_pool_get(&x->pool);
			restore(b[i], x->tmpl, x->flen);
		}
		for (i = 0; i < RL_BURST; i++)
			pkt_pool_put(&x->pool, b[i]);
	}
}

static void
memcpy_loop(void *arg, uint64_t iters)
{
	struct copy_ctx *x = arg;
	struct pkt *b[RL_BURST];
	unsigned i;

	while (iters-- > 0) {
		for (i = 0; i < RL_BURST; i++) {
			b[i] = pkt_pool_get(&x->pool);
			memcpy(b[i]->data, x->tmpl, x->flen);
			b[i]->len = x->flen;
		}
		for (i = 0; i < RL_BURST; i++)
			pkt_pool_put(&x->pool, b[i]);
	}
}

static void
demux_loop(void *arg, uint64_t iters)
{
	const struct demux_ctx *x = arg;
	int64_t sum = 0;
	uint32_t i;

	while (iters-- > 0)
		for (i = 0; i < x->nkeys; i++)
			sum += ltable_lookup(&x->lt, x->keys[i]);
	demux_sink = demux_sink + sum;
}

/* ---- output -------------------------------------------------------------- */

static void
row(const char *what, const struct stat_ns *st, int show_mpps,
    double restore_ns, int base, const char *tgt_op, double tgt, int met)
{
	char mpps[16] = "-", net[16] = "-", ratio[16] = "-", target[24] = "-";
	const char *verdict = "";

	if (show_mpps)
		snprintf(mpps, sizeof(mpps), "%.1f", 1e3 / st->med);
	if (restore_ns > 0)
		snprintf(net, sizeof(net), "%.2f", st->med - restore_ns);
	if (base >= 0)
		snprintf(ratio, sizeof(ratio), "%.2fx",
		    st->med / figs[base].value);
	if (tgt_op != NULL) {
		snprintf(target, sizeof(target), "%s %g ns", tgt_op, tgt);
		verdict = met ? "PASS" : "MISS";
	}
	printf("%-28s %8.2f %8.2f %7s %8s %9s  %-9s %s\n", what, st->med,
	    st->min, mpps, net, ratio, target, verdict);
	fflush(stdout);
}

static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static int
fig_write(const struct fig *f)
{
	char path[4096];
	const struct fig *b;
	FILE *fp;
	int met;

	if (snprintf(path, sizeof(path), "%s/%s.json", opt_outdir, f->name) >=
	    (int)sizeof(path))
		return -1;
	if ((fp = fopen(path, "w")) == NULL) {
		fprintf(stderr, "bench_core: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(fp, "{\"name\":\"%s\",\"value\":%.4g,\"unit\":\"%s\","
	    "\"min\":%.4g,\"baseline\":", f->name, f->value, f->unit, f->min);
	if (f->base >= 0) {
		b = &figs[f->base];
		fprintf(fp, "{\"name\":\"%s\",\"value\":%.4g,\"unit\":\"%s\","
		    "\"ratio\":%.3f}", b->name, b->value, b->unit,
		    f->value / b->value);
	} else
		fputs("null", fp);
	fputs(",\"target\":", fp);
	if ((met = fig_met(f)) >= 0)
		fprintf(fp, "{\"op\":\"%s\",\"value\":%.4g,\"met\":%s}",
		    f->tgt_op, f->tgt, met ? "true" : "false");
	else
		fputs("null", fp);
	fprintf(fp, ",\"date\":\"%s\",\"host\":{\"cpu\":", run_date);
	json_str(fp, host_cpu);
	fprintf(fp, ",\"cores\":%ld},\"commit\":", host_cores);
	if (opt_commit != NULL && *opt_commit != '\0')
		json_str(fp, opt_commit);
	else
		fputs("null", fp);
	fputs("}\n", fp);
	if (fclose(fp) == EOF) {
		fprintf(stderr, "bench_core: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void
host_probe(void)
{
	char line[256], *v, *e;
	struct tm tm;
	time_t t;
	FILE *f;

	if ((f = fopen("/proc/cpuinfo", "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			if (strncmp(line, "model name", 10) != 0 ||
			    (v = strchr(line, ':')) == NULL)
				continue;
			for (v++; *v == ' ' || *v == '\t'; v++)
				;
			if ((e = strchr(v, '\n')) != NULL)
				*e = '\0';
			snprintf(host_cpu, sizeof(host_cpu), "%s", v);
			break;
		}
		fclose(f);
	}
	host_cores = sysconf(_SC_NPROCESSORS_ONLN);
	t = time(NULL);
	gmtime_r(&t, &tm);
	strftime(run_date, sizeof(run_date), "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
print_header(void)
{
	cpu_set_t set;
	char cpus[64] = "?";
	size_t off = 0;
	int c, n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0) {
		cpus[0] = '\0';
		for (c = 0; c < CPU_SETSIZE && off < sizeof(cpus) - 8; c++) {
			if (!CPU_ISSET(c, &set))
				continue;
			n = snprintf(cpus + off, sizeof(cpus) - off, "%s%d",
			    off ? "," : "", c);
			off += (size_t)n;
		}
	}
	printf("bench_core  %s  commit %s\n", run_date,
	    opt_commit != NULL && *opt_commit ? opt_commit : "unknown");
	printf("cpu: %s, %ld online; running on cpu %s\n", host_cpu,
	    host_cores, cpus);
#if !defined(__OPTIMIZE__)
	printf("WARNING: built without optimisation: figures are not "
	    "representative\n");
#endif
#if defined(__SANITIZE_ADDRESS__)
	printf("WARNING: built with sanitizers: figures are not "
	    "representative\n");
#endif
	printf("each figure: median and min of %d timed loops of ~%.2f s; "
	    "bursts of %d; frames hot in cache\n\n", opt_reps, opt_secs,
	    RL_BURST);
	printf("%-28s %8s %8s %7s %8s %9s  %-9s\n", "case", "med ns", "min ns",
	    "Mpps", "rx+tx ns", "vs base", "target");
}

/* ---- the cases ----------------------------------------------------------- */

static void
bench_copy(uint32_t flen)
{
	struct copy_ctx *x;
	struct stat_ns st;
	char name[48], base[48], what[48];

	snprintf(name, sizeof(name), "memcpy_%" PRIu32 "B_ns", flen);
	snprintf(base, sizeof(base), "restore_%" PRIu32 "B_ns", flen);
	if (!selected(name) && !selected(base) && !engine_wanted(flen))
		return;
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		perror("bench_core: calloc");
		exit(1);
	}
	frame_build(x->tmpl, flen);
	x->flen = flen;
	if (pool_load(&x->pool, x->tmpl, flen) == -1) {
		fprintf(stderr, "bench_core: packet pool\n");
		exit(1);
	}

	/* Measured whenever an engine figure of this size wants it. */
	measure(memcpy_loop, x, RL_BURST, &st);
	snprintf(what, sizeof(what), "%-20s %4" PRIu32 " B", "memcpy (baseline)",
	    flen);
	row(what, &st, 1, 0, -1, NULL, 0, 0);
	fig_add(name, st.med, st.min, "ns/packet", NULL, NULL, 0);
	snprintf(name, sizeof(name), "memcpy_%" PRIu32 "B_mpps", flen);
	fig_add(name, 1e3 / st.med, 1e3 / st.max, "Mpps", NULL, NULL, 0);

	measure(restore_loop, x, RL_BURST, &st);
	snprintf(what, sizeof(what), "%-20s %4" PRIu32 " B", "restore only",
	    flen);
	snprintf(name, sizeof(name), "memcpy_%" PRIu32 "B_ns", flen);
	row(what, &st, 0, 0, fig_find(name), NULL, 0, 0);
	fig_add(base, st.med, st.min, "ns/packet", name, NULL, 0);

	pkt_pool_destroy(&x->pool);
	free(x);
}

/* Runs one burst by hand and checks every frame is what op should give. */
static const char *
engine_check(struct engine_ctx *x)
{
	struct pkt *b[RL_BURST], *out[RL_BURST];
	struct mpls_lse l0, l1;
	const uint8_t *d, *ip;
	unsigned i, n;

	for (i = 0; i < RL_BURST; i++) {
		b[i] = pkt_pool_get(&x->pool);
		restore(b[i], x->tmpl, x->flen);
	}
	(void)rl_engine_rx_burst(&x->eng, b, RL_BURST, x->now);
	n = rl_engine_tx_burst(&x->eng, 0, x->now, out, RL_BURST);
	for (i = 0; i < n; i++)
		pkt_pool_put(&x->pool, out[i]);
	if (n != RL_BURST)
		return "frames dropped or held";
	/* The pool is LIFO: the frames just put back are the ones to check. */
	for (i = 0; i < n; i++) {
		d = out[i]->data;
		switch (x->op) {
		case RL_OP_SWAP:
		case RL_OP_PUSH:
			if (rd16(d + 12) != ETHERTYPE_MPLS)
				return "EtherType is not MPLS";
			mpls_lse_decode(d + ETHER_HDR_LEN, &l0);
			mpls_lse_decode(d + ETHER_HDR_LEN + MPLS_LSE_LEN, &l1);
			if (x->op == RL_OP_SWAP && (out[i]->len != x->flen ||
			    l0.label != 200 || !l0.bos ||
			    l0.ttl != IN_TTL - 1))
				return "swap: not label 200 S=1 TTL 63";
			if (x->op == RL_OP_PUSH && (out[i]->len != x->flen +
			    MPLS_LSE_LEN || l0.label != 300 || l0.bos ||
			    l0.ttl != IN_TTL - 1 || l1.label != IN_LABEL ||
			    !l1.bos || l1.ttl != IN_TTL - 1))
				return "push: not 300/100 with TTL 63";
			break;
		case RL_OP_POP:
			ip = d + ETHER_HDR_LEN;
			if (rd16(d + 12) != ETHERTYPE_IPV4 || out[i]->len !=
			    x->flen - MPLS_LSE_LEN || ip[IPV4_TTL_OFF] !=
			    IN_TTL - 1 || inet_csum(ip, IPV4_HDR_MIN) != 0)
				return "pop: not IPv4 with TTL 63, checksum right";
			break;
		case RL_OP_NONE:
			return "no operation";
		}
	}
	return NULL;
}

static void
bench_engine(const struct op_case *oc, uint32_t flen)
{
	struct engine_ctx *x;
	struct rlconf c;
	struct stat_ns st;
	char conf[512], err[256], name[48], mname[48], base[48], rname[48];
	char what[48], label[32];
	const char *why, *tgt_op = NULL;
	uint64_t drops = 0;
	double tgt = 0;
	int r, fi, ri, has_tgt;

	engine_names(oc, flen, name, mname, sizeof(name));
	if (!selected(name) && !selected(mname))
		return;
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		perror("bench_core: calloc");
		exit(1);
	}
	frame_build(x->tmpl, flen);
	x->flen = flen;
	x->op = oc->op;
	x->now = VCLOCK_START;
	snprintf(conf, sizeof(conf), "gen=1 %s in-label=%d nh-mac=" MAC_NH
	    " src-mac=" MAC_OURS " out-vif=0 rate=%llu burst=%u", oc->conf,
	    IN_LABEL, oc->shaped ? SHAPED_RATE : 0ull,
	    oc->shaped ? SHAPED_BURST : 0u);
	if (pool_load(&x->pool, x->tmpl, flen) == -1 ||
	    rl_engine_init(&x->eng, &x->pool) == -1) {
		fprintf(stderr, "bench_core: engine set-up failed\n");
		exit(1);
	}
	if (rlconf_parse(&c, conf, err, sizeof(err)) == -1 ||
	    rl_engine_apply(&x->eng, &c, err, sizeof(err)) == -1) {
		fprintf(stderr, "bench_core: %s: %s\n", conf, err);
		exit(1);
	}
	snprintf(label, sizeof(label), "engine %s%s",
	    oc->op == RL_OP_POP ? "pop (PHP)" : rl_op_name(oc->op),
	    oc->shaped ? "+shaper" : "");
	snprintf(what, sizeof(what), "%-20s %4" PRIu32 " B", label, flen);
	if ((why = engine_check(x)) != NULL) {
		printf("%-28s INVALID: %s\n", what, why);
		invalid = 1;
		goto out;
	}

	measure(engine_loop, x, RL_BURST, &st);

	/* Every frame must have been forwarded, none dropped on the way. */
	for (r = 0; r < RL_C_COUNT; r++)
		if (r != RL_C_rx_packets && r != RL_C_rx_bytes &&
		    r != RL_C_tx_packets && r != RL_C_tx_bytes)
			drops += ctr_get(&x->eng.ctr[r]);
	if (x->short_bursts != 0 || drops != 0 ||
	    ctr_get(&x->eng.ctr[RL_C_tx_packets]) !=
	    ctr_get(&x->eng.ctr[RL_C_rx_packets])) {
		printf("%-28s INVALID: %" PRIu64 " short bursts, %" PRIu64
		    " drops\n", what, x->short_bursts, drops);
		invalid = 1;
		goto out;
	}

	snprintf(base, sizeof(base), "memcpy_%" PRIu32 "B_ns", flen);
	snprintf(rname, sizeof(rname), "restore_%" PRIu32 "B_ns", flen);
	has_tgt = oc->op == RL_OP_SWAP && !oc->shaped && flen == FRAME_SMALL;
	if (has_tgt) {
		/* The design target: a 64 B swap in 15 ns or less. */
		tgt_op = "<=";
		tgt = 15;
	}
	fi = fig_add(name, st.med, st.min, "ns/packet", base, tgt_op, tgt);
	ri = fig_find(rname);
	row(what, &st, 1, ri >= 0 ? figs[ri].value : 0, fig_find(base), tgt_op,
	    tgt, fig_met(&figs[fi]) == 1);
	snprintf(base, sizeof(base), "memcpy_%" PRIu32 "B_mpps", flen);
	fig_add(mname, 1e3 / st.med, 1e3 / st.max, "Mpps", base,
	    has_tgt ? ">=" : NULL, has_tgt ? 1e3 / tgt : 0);
out:
	rl_engine_destroy(&x->eng);
	pkt_pool_destroy(&x->pool);
	free(x);
}

static void
bench_demux(const char *tag, uint32_t nlabels, const char *what)
{
	struct demux_ctx *x;
	struct stat_ns st;
	uint32_t *set, i, l;
	uint8_t *seen;
	uint64_t seed = 0x51a5a2ull + nlabels;
	char name[48];
	const char *tgt_op = NULL;
	double tgt = 0;
	int err, fi;

	snprintf(name, sizeof(name), "demux_lookup_%s_ns", tag);
	if (!selected(name))
		return;
	if ((x = calloc(1, sizeof(*x))) == NULL ||
	    (set = calloc(nlabels, sizeof(*set))) == NULL ||
	    (x->keys = calloc(DEMUX_NKEYS, sizeof(*x->keys))) == NULL) {
		perror("bench_core: calloc");
		exit(1);
	}
	if (ltable_init(&x->lt) != LTABLE_OK) {
		fprintf(stderr, "bench_core: ltable_init failed\n");
		exit(1);
	}
	if (nlabels == DEMUX_FULL) {
		for (i = 0; i < nlabels; i++)
			set[i] = MPLS_LABEL_FIRST_UNRESERVED + i;
	} else {
		/* Distinct labels scattered over the space, as RSVP-TE may. */
		if ((seen = calloc(MPLS_LABEL_COUNT, 1)) == NULL) {
			perror("bench_core: calloc");
			exit(1);
		}
		for (i = 0; i < nlabels; ) {
			l = MPLS_LABEL_FIRST_UNRESERVED +
			    rnd_below(&seed, DEMUX_FULL);
			if (!seen[l]) {
				seen[l] = 1;
				set[i++] = l;
			}
		}
		free(seen);
	}
	for (i = 0; i < nlabels; i++)
		if ((err = ltable_add(&x->lt, set[i], set[i] & 7)) !=
		    LTABLE_OK) {
			fprintf(stderr, "bench_core: ltable_add %" PRIu32
			    ": %s\n", set[i], ltable_strerror(err));
			exit(1);
		}
	for (i = 0; i < DEMUX_NKEYS; i++)
		x->keys[i] = set[rnd_below(&seed, nlabels)];
	x->nkeys = DEMUX_NKEYS;
	for (i = 0; i < DEMUX_NKEYS; i++)
		if (ltable_lookup(&x->lt, x->keys[i]) != (x->keys[i] & 7)) {
			printf("%-28s INVALID: label %" PRIu32 " not found\n",
			    what, x->keys[i]);
			invalid = 1;
			goto out;
		}

	measure(demux_loop, x, DEMUX_NKEYS, &st);
	if (nlabels == DEMUX_FULL) {
		/* The design target: 10 ns with the whole space installed. */
		tgt_op = "<=";
		tgt = 10;
	}
	fi = fig_add(name, st.med, st.min, "ns/lookup",
	    nlabels > 1 ? "demux_lookup_1_ns" : NULL, tgt_op, tgt);
	row(what, &st, 0, 0, figs[fi].base, tgt_op, tgt,
	    fig_met(&figs[fi]) == 1);
out:
	ltable_destroy(&x->lt);
	free(x->keys);
	free(set);
	free(x);
}

int
main(int argc, char **argv)
{
	char *end;
	size_t s, o;
	int ch, i, rv = 0;

	while ((ch = getopt(argc, argv, "o:c:t:r:f:")) != -1) {
		switch (ch) {
		case 'o':
			opt_outdir = optarg;
			break;
		case 'c':
			opt_commit = optarg;
			break;
		case 't':
			opt_secs = strtod(optarg, &end);
			if (*end != '\0' || !(opt_secs > 0 && opt_secs < 60))
				usage();
			break;
		case 'r':
			opt_reps = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || opt_reps < 1 || opt_reps > REPS_MAX)
				usage();
			break;
		case 'f':
			opt_match = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (opt_outdir != NULL && mkdir(opt_outdir, 0777) == -1 &&
	    errno != EEXIST) {
		fprintf(stderr, "bench_core: %s: %s\n", opt_outdir,
		    strerror(errno));
		return 1;
	}

	host_probe();
	print_header();

	/* Baselines first: the engine rows are given as ratios of them. */
	for (s = 0; s < N_SIZES; s++)
		bench_copy(sizes[s]);
	for (s = 0; s < N_SIZES; s++)
		for (o = 0; o < N_OP_CASES; o++)
			bench_engine(&op_cases[o], sizes[s]);
	bench_demux("1", 1, "demux lookup, 1 label");
	bench_demux("1k", 1000, "demux lookup, 1000 labels");
	bench_demux("1M", DEMUX_FULL, "demux lookup, 1048560 labels");

	printf("\nrx+tx ns: the median less the restore loop's: "
	    "rl_engine_rx_burst + tx_burst alone\nvs base: engine and restore "
	    "over memcpy of the same frame; demux over 1 label\n");
	if (opt_outdir != NULL) {
		for (i = 0; i < nfigs; i++)
			if (fig_write(&figs[i]) == -1)
				rv = 1;
		printf("%d figures written to %s/\n", nfigs, opt_outdir);
	}
	if (invalid) {
		printf("some measurements were INVALID: see above\n");
		rv = 1;
	}
	return rv;
}
