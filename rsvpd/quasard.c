/*
 * quasard: the QuaSAR dom0 control daemon.  See quasard.h for the files.
 *
 *   quasard -S statedir -i port [-i port]... [-b local|xen]
 *           [-p min:target:max] [-r routelet] [-u user] [-v] [-n]
 *           [-a router-id] [-R refresh-ms] [-K keep] [-B port:bytes/s]...
 *           [-c cpu-budget-%] [-P per-packet-ns] [-L min:max]
 *           [-H port]... [-T hello-ms[:misses]]
 *
 * RSVP-TE (rsvpd.h): -a router id (default: the first port's address),
 * -R the refresh period R in ms (30000) and -K the keep multiplier K (3)
 * of RFC 2205 s3.7, -B the bandwidth reservable on a port (default
 * unlimited), -c the CPU budget in percent of all CPUs (80), -P the cost
 * of a packet in ns (default: measured at start), -L the range incoming
 * labels come from (1000:1048575), -H Hellos on a port (RFC 3209 s5) and
 * -T their interval and the misses that mean a neighbour is down
 * (5000:4).
 *
 * It owns the routelet pool and is the one writer of the demux's label
 * table (<statedir>/ltable, shared with quasar-demux, which keeps
 * forwarding whatever happens to quasard).  A new quasard reclaims what a
 * previous one left: stale routelets are reaped and the table is emptied,
 * since every entry in it pointed at one of them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "clock.h"
#include "log.h"
#include "qconf.h"
#include "qstate.h"
#include "quasard.h"
#include "rsvpd.h"

#define QD_TICK_MS	100

static void
usage(void)
{
	fprintf(stderr, "usage: quasard -f quasard.xml [-n] [-v]\n"
	    "       quasard -S statedir -i port [-i port]... "
	    "[-b local|xen] [-p min:target:max]\n"
	    "               [-r routelet] [-u user] [-v] [-n]\n"
	    "               [-a router-id] [-R refresh-ms] [-K keep] "
	    "[-B port:bytes/s]...\n"
	    "               [-c cpu-budget-%%] [-P per-packet-ns] "
	    "[-L min:max] [-H port]...\n"
	    "               [-T hello-ms[:misses]]\n");
	exit(2);
}

static unsigned long
num_arg(int opt, const char *s, unsigned long min, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || errno != 0 || *end != '\0' || v < min ||
	    v > max)
		fatalx("-%c %s: want a number %lu-%lu", opt, s, min, max);
	return v;
}

static int
port_index(const struct quasard *q, const char *name)
{
	unsigned i;

	for (i = 0; i < q->nports; i++)
		if (strcmp(q->port[i].ifname, name) == 0)
			return (int)i;
	return -1;
}

static int
mkdirs(const char *path)
{
	char buf[PATH_MAX], *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -1;
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0700) == -1 && errno != EEXIST)
		return -1;
	/* The control socket lives here: root's alone. */
	return chmod(buf, 0700);
}

static int
port_open(struct qd_port *p, const char *ifname)
{
	struct ifreq ifr;
	int fd, rv = -1;

	if (strlen(ifname) >= sizeof(p->ifname)) {
		log_warnx("%s: interface name too long", ifname);
		return -1;
	}
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	if ((p->ifindex = (int)if_nametoindex(ifname)) == 0) {
		log_warnx("port %s: no such interface", ifname);
		return -1;
	}
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("socket");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == -1) {
		log_warn("port %s: hardware address", ifname);
		goto out;
	}
	memcpy(p->mac, ifr.ifr_hwaddr.sa_data, 6);
	rv = 0;
out:
	close(fd);
	return rv;
}

static int
parse_pool(const char *s, struct pool_conf *pc)
{
	unsigned a, b, c;
	char tail;

	if (sscanf(s, "%u:%u:%u%c", &a, &b, &c, &tail) != 3)
		return -1;
	pc->min = a;
	pc->target = b;
	pc->max = c;
	return 0;
}

static void
qd_on_death(struct backend *be, struct dom *d, void *arg)
{
	struct quasard *q = arg;

	(void)be;
	pool_dom_died(&q->pool, d);
}

static void
empty_table(uint32_t label, uint32_t port, void *arg)
{
	struct quasard *q = arg;

	(void)port;
	(void)ltable_del(&q->lt, label);
}

static int
table_open(struct quasard *q)
{
	char err[256];
	uint32_t stale;

	/* As the table's one writer, held for our whole life. */
	if (qstate_ltable_open(q->statedir, 1, &q->lt, &q->ltfile, err,
	    sizeof(err)) == -1) {
		log_warnx("demux table: %s", err);
		return -1;
	}
	if ((stale = q->lt.count) > 0) {
		ltable_walk(&q->lt, empty_table, q);
		log_info("demux table: removed %u labels of a previous run",
		    stale);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static struct quasard q;
	struct backend_conf bc = {
		.instance = "quasar",
		.routelet_path = NULL,
		.run_user = "nobody",
		.ack_timeout_ms = 2000,
	};
	struct pool_conf pc = { .min = 1, .target = 4, .max = 64,
	    .ping_ms = 1000 };
	struct signalfd_siginfo si;
	struct pollfd pfd[4];
	static struct rsvpd rsvp;
	struct rsvpd_conf rc;
	const char *bw[QD_MAX_PORTS], *hello[QD_MAX_PORTS];
	unsigned nbw = 0, nhello = 0, rsvp_opts = 0;
	char *colon;
	int np;
	const char *bname = "local";
	char err[256], self[PATH_MAX], rl[PATH_MAX], *slash;
	const char *ports[QD_MAX_PORTS];
	sigset_t ss;
	ssize_t n;
	int ch, check = 0, sfd = -1, timeout, quit = 0, rv = 1, optn = 0;
	unsigned i;
	static struct qconf qc;
	static char cerr[8192];
	const char *conffile = NULL;

	log_init("quasard", LOG_TO_STDERR);
	q.listen_fd = -1;
	rsvpd_conf_init(&rc);
	while ((ch = getopt(argc, argv, "a:B:b:c:f:H:i:K:L:np:P:r:R:S:T:u:v"))
	    != -1) {
		if (strchr("fnv", ch) == NULL)
			optn++;
		if (strchr("aBcHKLPRT", ch) != NULL)
			rsvp_opts++;
		switch (ch) {
		case 'a':
			if (inet_pton(AF_INET, optarg, &rc.router_id) != 1)
				fatalx("-a %s: not an IPv4 address", optarg);
			break;
		case 'B':
			if (nbw == QD_MAX_PORTS)
				fatalx("-B: at most %d", QD_MAX_PORTS);
			bw[nbw++] = optarg;
			break;
		case 'c':
			rc.cpu_budget_pct = (unsigned)num_arg(ch, optarg, 0,
			    100);
			break;
		case 'H':
			if (nhello == QD_MAX_PORTS)
				fatalx("-H: at most %d", QD_MAX_PORTS);
			hello[nhello++] = optarg;
			break;
		case 'K':
			rc.keep = (unsigned)num_arg(ch, optarg, 1, 255);
			break;
		case 'L':
			if ((colon = strchr(optarg, ':')) == NULL)
				fatalx("-L %s: want min:max", optarg);
			*colon = '\0';
			rc.label_min = (uint32_t)num_arg(ch, optarg, 16,
			    MPLS_LABEL_MAX);
			rc.label_max = (uint32_t)num_arg(ch, colon + 1, 16,
			    MPLS_LABEL_MAX);
			*colon = ':';
			if (rc.label_min > rc.label_max)
				fatalx("-L: min above max");
			break;
		case 'P':
			rc.per_packet_ns = (uint32_t)num_arg(ch, optarg, 1,
			    10000000);
			break;
		case 'R':
			rc.refresh_ms = (uint32_t)num_arg(ch, optarg, 100,
			    3600000);
			break;
		case 'T':
			if ((colon = strchr(optarg, ':')) != NULL)
				*colon = '\0';
			rc.hello_ms = (unsigned)num_arg(ch, optarg, 10, 60000);
			if (colon != NULL)
				rc.hello_misses = (unsigned)num_arg(ch,
				    colon + 1, 2, 255);
			break;
		case 'b':
			bname = optarg;
			break;
		case 'i':
			if (q.nports == QD_MAX_PORTS)
				fatalx("at most %d ports", QD_MAX_PORTS);
			ports[q.nports++] = optarg;
			break;
		case 'f':
			conffile = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'p':
			if (parse_pool(optarg, &pc) == -1)
				fatalx("-p %s: want min:target:max", optarg);
			break;
		case 'r':
			bc.routelet_path = optarg;
			break;
		case 'S':
			q.statedir = optarg;
			break;
		case 'u':
			bc.run_user = optarg;
			break;
		case 'v':
			log_setverbose(1);
			break;
		default:
			usage();
		}
	}
	if (conffile != NULL) {
		/* A file configures everything, as ldpd's does. */
		if (optn > 0 || optind != argc)
			fatalx("-f %s: the file configures quasard; give only "
			    "-n and -v with it", conffile);
		if (qconf_load(&qc, conffile, NULL, cerr, sizeof(cerr)) !=
		    QCONF_OK) {
			fprintf(stderr, "%s", cerr);
			fatalx("%s: configuration refused", conffile);
		}
		q.statedir = qc.statedir;
		for (i = 0; i < qc.nifs; i++) {
			ports[q.nports] = qc.ifs[i].name;
			rc.reservable[q.nports] = qc.ifs[i].reservable;
			rc.hello[q.nports] = qc.ifs[i].hello;
			q.nports++;
		}
		pc.min = qc.pool.min;
		pc.target = qc.pool.target;
		pc.max = qc.pool.max;
		pc.ping_ms = qc.pool.ping_ms;
		bname = qc.backend.type == QCONF_BE_XEN ? "xen" : "local";
		if (qc.backend.routelet_path[0] != '\0')
			bc.routelet_path = qc.backend.routelet_path;
		if (qc.backend.user[0] != '\0')
			bc.run_user = qc.backend.user;
		bc.ack_timeout_ms = qc.backend.ack_timeout_ms;
		if (qc.backend.type == QCONF_BE_XEN) {
			bc.kernel = qc.backend.kernel;
			bc.ramdisk = qc.backend.ramdisk;
			bc.memory_mb = qc.backend.memory_mb;
			bc.vif_script = qc.backend.vif_script;
		}
		rc.router_id = qc.router_id;
		rc.refresh_ms = qc.rsvp.refresh_ms;
		rc.keep = qc.rsvp.keep_multiplier;
		rc.hello_ms = qc.rsvp.hello_ms;
		rc.hello_misses = qc.rsvp.hello_misses;
		rc.cpu_budget_pct = qc.admission.cpu_budget_pct;
		rc.per_packet_ns = qc.admission.per_packet_ns;
		rc.label_min = qc.labels.min;
		rc.label_max = qc.labels.max;
		rsvp_opts = 1;
		if (check && log_getverbose())
			qconf_print(stdout, &qc);
	}
	if (optind != argc || q.statedir == NULL || q.nports == 0)
		usage();
	/* Cgroups and domains are named after the state directory. */
	bc.instance = strrchr(q.statedir, '/') != NULL &&
	    strrchr(q.statedir, '/')[1] != '\0' ?
	    strrchr(q.statedir, '/') + 1 : q.statedir;
	if (conffile != NULL && qc.backend.instance[0] != '\0')
		bc.instance = qc.backend.instance;
	pc.nvifs = q.nports;
	q.ack_timeout_ms = bc.ack_timeout_ms;
	if (pool_conf_check(&pc, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (strcmp(bname, "xen") == 0 && bc.kernel == NULL)
		fatalx("backend xen: give it a configuration file (-f) with "
		    "the routelet image: <image kernel=... ramdisk=.../>");
	if (bc.routelet_path == NULL && strcmp(bname, "local") == 0) {
		/* By default the routelet that was built or installed with us. */
		n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n <= 0)
			fatal("/proc/self/exe");
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL)
			*slash = '\0';
		if ((size_t)snprintf(rl, sizeof(rl), "%.*s/routelet",
		    (int)(sizeof(rl) - 10), self) >= sizeof(rl))
			fatalx("%s: path too long", self);
		bc.routelet_path = rl;
	}
	if (bc.routelet_path != NULL && access(bc.routelet_path, X_OK) == -1)
		fatal("routelet %s", bc.routelet_path);
	for (i = 0; i < q.nports; i++)
		if (port_open(&q.port[i], ports[i]) == -1)
			fatalx("cannot use port %s", ports[i]);
	for (i = 0; i < nbw; i++) {
		if ((colon = strrchr(bw[i], ':')) == NULL)
			fatalx("-B %s: want port:bytes/s", bw[i]);
		*colon = '\0';
		if ((np = port_index(&q, bw[i])) < 0)
			fatalx("-B %s: not a port (-i)", bw[i]);
		rc.reservable[np] = num_arg('B', colon + 1, 0,
		    ULONG_MAX - 1);
	}
	for (i = 0; i < nhello; i++) {
		if ((np = port_index(&q, hello[i])) < 0)
			fatalx("-H %s: not a port (-i)", hello[i]);
		rc.hello[np] = 1;
	}
	if (check) {
		printf("configuration OK: %u ports, pool %u:%u:%u, backend "
		    "%s\n", q.nports, pc.min, pc.target, pc.max, bname);
		snprintf(err, sizeof(err), "%u ns", rc.per_packet_ns);
		printf("RSVP-TE: router id %s, R %u ms, K %u, labels %u-%u, "
		    "CPU budget %u%%, packet cost %s, Hellos every %u ms "
		    "(%u missed: down)\n", rc.router_id.s_addr != 0 ?
		    inet_ntoa(rc.router_id) : "the first port's address",
		    rc.refresh_ms, rc.keep, rc.label_min, rc.label_max,
		    rc.cpu_budget_pct, rc.per_packet_ns != 0 ? err :
		    "measured at start", rc.hello_ms, rc.hello_misses);
		for (i = 0; i < q.nports; i++) {
			printf("  port %s: reservable ", q.port[i].ifname);
			if (rc.reservable[i] == ADMIT_UNLIMITED)
				printf("unlimited");
			else
				printf("%llu B/s",
				    (unsigned long long)rc.reservable[i]);
			printf("%s\n", rc.hello[i] ? ", Hellos" : "");
		}
		return 0;
	}
	if (geteuid() != 0)
		fatalx("must run as root: it creates domains and owns the "
		    "demux table");
	if (mkdirs(q.statedir) == -1)
		fatal("%s", q.statedir);
	q.ltfile.lockfd = -1;

	/* Signals arrive on a descriptor, handled in the loop like the rest. */
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &ss, NULL) == -1 ||
	    (sfd = signalfd(-1, &ss, SFD_CLOEXEC | SFD_NONBLOCK)) == -1)
		fatal("signalfd");
	signal(SIGPIPE, SIG_IGN);

	if (table_open(&q) == -1)
		goto out;
	if (backend_open(&q.be, bname, &bc, err, sizeof(err)) == -1) {
		log_warnx("backend %s: %s", bname, err);
		goto out;
	}
	q.be.on_death = qd_on_death;
	q.be.on_death_arg = &q;
	if (q.be.ops->reap_stale(&q.be) == -1)
		log_warnx("could not reap every routelet of a previous run");
	q.pool.on_lost = lsp_lost;
	if (pool_init(&q.pool, &q.be, &pc, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		goto out;
	}
	q.pool.on_lost = lsp_lost;
	if (control_open(&q, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		goto out;
	}
	if (rsvpd_init(&rsvp, &q, &rc, err, sizeof(err)) == -1) {
		/* asked for: a failure is fatal; by default, static LSPs
		 * still work without it */
		if (rsvp_opts > 0) {
			log_warnx("%s", err);
			rsvpd_fini(&rsvp);
			goto out;
		}
		log_warnx("%s: RSVP-TE is off", err);
		rsvpd_fini(&rsvp);
	} else
		q.rsvp = &rsvp;
	for (i = 0; conffile != NULL && i < qc.nlsps; i++) {
		struct lsp l;

		/* Static LSPs of the file, as `quasarctl lsp add` makes them. */
		memset(&l, 0, sizeof(l));
		snprintf(l.name, sizeof(l.name), "%s", qc.lsps[i].name);
		l.conf = qc.lsps[i].conf;
		l.in_port = qc.lsps[i].in_port;
		l.cpu.weight = qc.lsps[i].weight;
		l.cpu.cap = qc.lsps[i].cap;
		if (lsp_add(&q, &l, err, sizeof(err)) == -1)
			log_warnx("%s:%d: lsp %s: %s", conffile, qc.lsps[i].line,
			    l.name, err);
	}
	log_info("started: %u ports, %u routelets paused (%s backend), "
	    "control %s%s", q.nports, q.pool.nidle, q.be.ops->name, q.sockpath,
	    q.rsvp != NULL ? ", RSVP-TE on" : "");

	timeout = QD_TICK_MS;
	while (!quit) {
		pfd[0].fd = q.listen_fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = q.be.ops->event_fd(&q.be);
		pfd[1].events = POLLIN;
		pfd[2].fd = sfd;
		pfd[2].events = POLLIN;
		pfd[3].fd = q.rsvp != NULL ? rsvpd_fd(q.rsvp) : -1;
		pfd[3].events = POLLIN;
		if (q.rsvp != NULL)
			timeout = rsvpd_poll_ms(q.rsvp, timeout);
		if (poll(pfd, 4, timeout) == -1 && errno != EINTR) {
			log_warn("poll");
			break;
		}
		if (pfd[1].revents & POLLIN)
			q.be.ops->dispatch(&q.be);
		if (pfd[3].revents & POLLIN)
			rsvpd_dispatch(q.rsvp);
		if (q.rsvp != NULL)
			rsvpd_timers(q.rsvp);
		if (pfd[0].revents & POLLIN)
			control_accept(&q);
		if (pfd[2].revents & POLLIN) {
			while ((n = read(sfd, &si, sizeof(si))) ==
			    (ssize_t)sizeof(si))
				if (si.ssi_signo != SIGHUP)
					quit = 1;
		}
		timeout = pool_tick(&q.pool, clock_mono_ns()) ? 0 : QD_TICK_MS;
	}
	log_info("shutting down: %u LSPs, %u routelets", pool_used(&q.pool),
	    q.pool.ndoms);
	rv = 0;
out:
	control_close(&q);
	if (q.rsvp != NULL)
		rsvpd_fini(q.rsvp);
	q.rsvp = NULL;
	lsp_flush(&q);
	pool_fini(&q.pool);
	if (q.be.ops != NULL)
		backend_close(&q.be);
	ltable_destroy(&q.lt);
	qstate_file_close(&q.ltfile);
	if (sfd != -1)
		close(sfd);
	return rv;
}
