/*
 * The writer's side of the shared tables, as subcommands:
 *
 *   table add <label> <ifname|ifindex>     label -> routelet VIF (or move it)
 *   table del <label>
 *   table show
 *   be add <label> swap <out> <nh-mac> <port> [src <mac>]
 *   be add <label> pop <nh-mac> <port> [src <mac>]
 *   be del <label>
 *   be show
 *   stats [-j]
 *
 * They do what quasard does through the library (src/qstate.h, ltable,
 * belfib) and exist for tests, labs and repairs.  A writer holds the
 * table's lock for the command, so while quasard runs (and holds it) they
 * are refused rather than racing it.  <port> is the demux's port number
 * (its n-th -i) or, when a demux has published its ports in demux.stats,
 * the port's interface name.
 */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "demux.h"
#include "qstate.h"

static int
cmd_usage(const char *what)
{
	fprintf(stderr, "quasar-demux: usage: %s\n", what);
	return 2;
}

static int
parse_u32(const char *s, uint32_t max, uint32_t *v)
{
	unsigned long long x;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || x > max)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static int
parse_label(const char *s, uint32_t *label)
{
	if (parse_u32(s, MPLS_LABEL_MAX, label) == -1) {
		fprintf(stderr, "quasar-demux: %s: not a label (0-%u)\n", s,
		    MPLS_LABEL_MAX);
		return -1;
	}
	return 0;
}

/* ---- table: the demux table --------------------------------------- */

static void
table_show_fn(uint32_t label, uint32_t port, void *arg)
{
	char name[IF_NAMESIZE];

	(void)arg;
	if (port == 0 || if_indextoname(port, name) == NULL)
		snprintf(name, sizeof(name), "?");
	printf("%u\tifindex %u\t%s\n", label, port, name);
}

static int
cmd_table(const char *dir, int argc, char **argv)
{
	static const char use[] = "table add <label> <ifname|ifindex> | "
	    "table del <label> | table show";
	char err[512];
	struct qstate_file qf;
	struct ltable lt;
	uint32_t label, ifindex;
	int rc, writer;

	if (argc < 1)
		return cmd_usage(use);
	if (strcmp(argv[0], "add") == 0 && argc == 3) {
		if (parse_label(argv[1], &label) == -1)
			return 1;
		if (parse_u32(argv[2], LTABLE_PORT_MAX, &ifindex) == -1 &&
		    (ifindex = if_nametoindex(argv[2])) == 0) {
			fprintf(stderr, "quasar-demux: %s: no such interface\n",
			    argv[2]);
			return 1;
		}
		writer = 1;
	} else if (strcmp(argv[0], "del") == 0 && argc == 2) {
		if (parse_label(argv[1], &label) == -1)
			return 1;
		writer = 1;
	} else if (strcmp(argv[0], "show") == 0 && argc == 1)
		writer = 0;
	else
		return cmd_usage(use);

	if (qstate_mkdir(dir) == -1) {
		fprintf(stderr, "quasar-demux: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (qstate_ltable_open(dir, writer, &lt, &qf, err, sizeof(err)) == -1) {
		fprintf(stderr, "quasar-demux: %s\n", err);
		return 1;
	}
	rc = LTABLE_OK;
	if (argv[0][0] == 'a')
		rc = ltable_set(&lt, label, ifindex);	/* install or move */
	else if (argv[0][0] == 'd')
		rc = ltable_del(&lt, label);
	else
		ltable_walk(&lt, table_show_fn, NULL);
	if (rc != LTABLE_OK)
		fprintf(stderr, "quasar-demux: label %u: %s\n", label,
		    ltable_strerror(rc));
	ltable_destroy(&lt);
	qstate_file_close(&qf);
	return rc == LTABLE_OK ? 0 : 1;
}

/* ---- be: the best-effort table --------------------------------------- */

/* A port number, or a port name as the running demux published it. */
static int
parse_port(const char *dir, const char *s, uint32_t *port)
{
	char path[PATH_MAX];
	const struct dxstats *st;
	unsigned i;

	if (parse_u32(s, BELFIB_PORT_MAX, port) == 0)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, DXSTATS_FILE);
	if ((st = dxstats_open(path)) != NULL) {
		for (i = 0; i < st->nports && i < DXSTATS_MAX_PORTS; i++)
			if (strncmp(st->port[i].name, s,
			    DXSTATS_NAME_LEN) == 0) {
				*port = i;
				dxstats_unmap(st);
				return 0;
			}
		dxstats_unmap(st);
	}
	fprintf(stderr, "quasar-demux: %s: not a port number, nor a port of "
	    "the demux on %s\n", s, dir);
	return -1;
}

static int
parse_mac(const char *s, uint8_t mac[ETHER_ADDR_LEN])
{
	if (ether_addr_parse(s, mac) == -1) {
		fprintf(stderr, "quasar-demux: %s: not a MAC address\n", s);
		return -1;
	}
	return 0;
}

static void
be_show_fn(uint32_t label, const struct belfib_entry *e, void *arg)
{
	char nh[ETHER_ADDR_STRLEN], src[ETHER_ADDR_STRLEN];

	(void)arg;
	if (e->op == BELFIB_OP_NONE) {
		printf("%u\t(being written)\n", label);
		return;
	}
	ether_addr_fmt(e->nh_mac, nh);
	if (ether_addr_is_zero(e->src_mac))
		snprintf(src, sizeof(src), "port");
	else
		ether_addr_fmt(e->src_mac, src);
	if (e->op == BELFIB_OP_SWAP)
		printf("%u\tswap %u\tnh %s\tsrc %s\tport %u\n", label,
		    e->out_label, nh, src, e->port);
	else
		printf("%u\tpop\tnh %s\tsrc %s\tport %u\n", label, nh, src,
		    e->port);
}

/* "be add <label> swap <out> <nh> <port> [src <mac>]" or "... pop ...". */
static int
be_parse_add(const char *dir, int argc, char **argv, uint32_t *label,
    struct belfib_entry *e)
{
	int i;

	memset(e, 0, sizeof(*e));
	if (argc < 5 || parse_label(argv[1], label) == -1)
		return -1;
	if (strcmp(argv[2], "swap") == 0) {
		if (argc < 6 || parse_label(argv[3], &e->out_label) == -1)
			return -1;
		e->op = BELFIB_OP_SWAP;
		i = 4;
	} else if (strcmp(argv[2], "pop") == 0) {
		e->op = BELFIB_OP_POP;
		i = 3;
	} else
		return -1;
	if (parse_mac(argv[i], e->nh_mac) == -1 ||
	    parse_port(dir, argv[i + 1], &e->port) == -1)
		return -1;
	i += 2;
	if (i == argc)
		return 0;
	if (argc == i + 2 && strcmp(argv[i], "src") == 0)
		return parse_mac(argv[i + 1], e->src_mac);
	return -1;
}

static int
cmd_be(const char *dir, int argc, char **argv)
{
	static const char use[] = "be add <label> swap <out-label> <nh-mac> "
	    "<port> [src <mac>] | be add <label> pop <nh-mac> <port> "
	    "[src <mac>] | be del <label> | be show";
	struct belfib_entry e;
	struct qstate_file qf;
	struct belfib fib;
	char err[512];
	uint32_t label = 0;
	int rc, writer;

	if (argc < 1)
		return cmd_usage(use);
	if (strcmp(argv[0], "add") == 0) {
		if (be_parse_add(dir, argc, argv, &label, &e) == -1)
			return cmd_usage(use);
		if ((rc = belfib_check(label, &e)) != BELFIB_OK) {
			fprintf(stderr, "quasar-demux: label %u: %s\n", label,
			    belfib_strerror(rc));
			return 1;
		}
		writer = 1;
	} else if (strcmp(argv[0], "del") == 0 && argc == 2) {
		if (parse_label(argv[1], &label) == -1)
			return 1;
		writer = 1;
	} else if (strcmp(argv[0], "show") == 0 && argc == 1)
		writer = 0;
	else
		return cmd_usage(use);

	if (qstate_mkdir(dir) == -1) {
		fprintf(stderr, "quasar-demux: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (qstate_belfib_open(dir, writer, &fib, &qf, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "quasar-demux: %s\n", err);
		return 1;
	}
	rc = BELFIB_OK;
	if (argv[0][0] == 'a')
		rc = belfib_set(&fib, label, &e);
	else if (argv[0][0] == 'd')
		rc = belfib_del(&fib, label);
	else
		belfib_walk(&fib, be_show_fn, NULL);
	if (rc != BELFIB_OK)
		fprintf(stderr, "quasar-demux: label %u: %s\n", label,
		    belfib_strerror(rc));
	belfib_destroy(&fib);
	qstate_file_close(&qf);
	return rc == BELFIB_OK ? 0 : 1;
}

/* ---- stats ------------------------------------------------------------ */

static int
cmd_stats(const char *dir, int argc, char **argv)
{
	char path[PATH_MAX];
	const struct dxstats *st;
	uint64_t hb, now;
	int json = 0, running;

	if (argc == 2 && strcmp(argv[1], "-j") == 0)
		json = 1;
	else if (argc != 1)
		return cmd_usage("stats [-j]");
	snprintf(path, sizeof(path), "%s/%s", dir, DXSTATS_FILE);
	if ((st = dxstats_open(path)) == NULL) {
		fprintf(stderr, "quasar-demux: %s: %s\n", path,
		    errno == EPROTO ? "not a demux counters file (or the "
		    "demux is starting)" : strerror(errno));
		return 1;
	}
	if (json) {
		dxstats_dump_json(stdout, st);
		putchar('\n');
	} else {
		running = (int)atomic_load_explicit(&st->running,
		    memory_order_acquire);
		hb = atomic_load_explicit(&st->heartbeat_ns,
		    memory_order_acquire);
		now = clock_mono_ns();
		printf("quasar-demux pid %" PRId32 ", %s", st->pid,
		    running ? "running" : "stopped");
		if (running && hb != 0 && now >= hb)
			printf(", heartbeat %.1f s ago",
			    (double)(now - hb) / 1e9);
		putchar('\n');
		dxstats_dump_text(stdout, st, 0);
	}
	dxstats_unmap(st);
	return 0;
}

int
dx_cmd(const char *statedir, int argc, char **argv)
{
	if (strcmp(argv[0], "table") == 0)
		return cmd_table(statedir, argc - 1, argv + 1);
	if (strcmp(argv[0], "be") == 0)
		return cmd_be(statedir, argc - 1, argv + 1);
	if (strcmp(argv[0], "stats") == 0)
		return cmd_stats(statedir, argc, argv);
	fprintf(stderr, "quasar-demux: %s: unknown subcommand (table, be, "
	    "stats)\n", argv[0]);
	return 2;
}
