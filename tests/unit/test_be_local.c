/*
 * The local backend end to end, with the real routelet: as root, in a
 * network namespace of the test's own (unshared first thing, so the
 * host's links are never touched) and under a cgroup instance named after
 * the test's pid.  Skipped when not root or when the routelet binary
 * (QUASAR_ROUTELET, default build/bin/routelet from the repository root)
 * is missing.
 *
 * The tests share one backend and run in order: create, resources,
 * egress, control, death, destroy, then the leak loop and reap_stale.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/if.h>

#include <netlink/netlink.h>
#include <netlink/cache.h>
#include <netlink/route/link.h>

#include "testutil.h"
#include "lbtest.h"

#include "backend.h"
#include "cgroup.h"
#include "clock.h"
#include "log.h"
#include "nl.h"
#include "rlconf.h"

#define NDOMS		3
#define NVIFS		2
#define FIRST_ID	40001
#define CYCLES		200	/* QUASAR_TEST_CYCLES overrides */
#define ACK_MS		5000
#define TEST_ETYPE	0x88b5	/* IEEE local experimental: not MPLS */

static const char *skip_why;
static char routelet[256], instance[64];
static int cycles = CYCLES;

static struct backend be;
static struct cg cg;		/* the same groups, seen from the test */
static struct nl_sock *nl;	/* the test's namespace (dom0 here) */
static struct dom doms[NDOMS];
static pid_t pids[NDOMS];
static ino_t netns_ino[NDOMS];
static uint64_t netns_cookie[NDOMS];
static int port_ifindex;	/* "port0": the physical port stand-in */
static struct dom *died;
static int ndied;

#define NEED_SETUP()	LBT_NEED_SETUP(skip_why)

static void
on_death(struct backend *b, struct dom *d, void *arg)
{
	(void)b;
	(void)arg;
	died = d;
	ndied++;
}

static pid_t
dom_pid(const struct dom *d)
{
	pid_t pid = 0;

	assert_int_equal(cg_pids(&cg, d->name, &pid, 1), 1);
	return pid;
}

static ino_t
netns_of(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

/* The kernel's cookie for pid's network namespace: unlike its inode
 * number, never given to another namespace.  0 if pid is gone. */
static uint64_t
cookie_of(pid_t pid)
{
	struct nl_sock *sk;
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);

	if ((sk = qnl_open_netns(pid)) == NULL)
		return 0;
	if (getsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_NETNS_COOKIE,
	    &cookie, &len) != 0)
		cookie = 0;
	qnl_close(sk);
	return cookie;
}

/*
 * Is any process still in that network namespace?  Inode numbers are
 * recycled (other tests on the machine make namespaces too), so a
 * process with the same inode is asked for its cookie.
 */
static int
netns_in_use(ino_t ino, uint64_t cookie)
{
	char path[300];
	struct dirent *de;
	struct stat st;
	DIR *dir;
	int found = 0;

	assert_non_null(dir = opendir("/proc"));
	while ((de = readdir(dir)) != NULL && !found) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", de->d_name);
		if (stat(path, &st) == 0 && st.st_ino == ino &&
		    cookie_of((pid_t)atoi(de->d_name)) == cookie) {
			print_message("pid %s is still in it\n", de->d_name);
			found = 1;
		}
	}
	closedir(dir);
	return found;
}

/* Does a socket of this process (the backend's netlink ones, say) still
 * pin that namespace?  Sockets keep theirs alive. */
static int
netns_held_here(uint64_t cookie)
{
	struct dirent *de;
	uint64_t c;
	socklen_t len;
	DIR *dir;
	int found = 0;

	assert_non_null(dir = opendir("/proc/self/fd"));
	while ((de = readdir(dir)) != NULL && !found) {
		if (de->d_name[0] == '.')
			continue;
		len = sizeof(c);
		if (getsockopt(atoi(de->d_name), SOL_SOCKET, SO_NETNS_COOKIE,
		    &c, &len) == 0 && c == cookie)
			found = 1;
	}
	closedir(dir);
	return found;
}

static int
count_fds(void)
{
	struct dirent *de;
	DIR *dir;
	int n = 0;

	assert_non_null(dir = opendir("/proc/self/fd"));
	while ((de = readdir(dir)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(dir);
	return n - 1;	/* the directory's own */
}

/* Links in the test's namespace whose name starts with prefix. */
static int
count_links(const char *prefix)
{
	struct nl_cache *cache;
	struct nl_object *o;
	const char *name;
	int n = 0;

	assert_int_equal(rtnl_link_alloc_cache(nl, AF_UNSPEC, &cache), 0);
	for (o = nl_cache_get_first(cache); o != NULL;
	    o = nl_cache_get_next(o)) {
		name = rtnl_link_get_name((struct rtnl_link *)o);
		if (name != NULL && strncmp(name, prefix, strlen(prefix)) == 0)
			n++;
	}
	nl_cache_free(cache);
	return n;
}

static int
count_cb(const char *name, void *arg)
{
	(void)name;
	(*(int *)arg)++;
	return 0;
}

static int
count_groups(void)
{
	int n = 0;

	assert_true(cg_list(&cg, count_cb, &n) >= 0);
	return n;
}

/* Runs cmd, returns its whole output (caller frees). */
static char *
run_out(const char *cmd)
{
	char *buf = calloc(1, 65536);
	size_t got = 0, n;
	FILE *fp;

	assert_non_null(buf);
	assert_non_null(fp = popen(cmd, "r"));
	while ((n = fread(buf + got, 1, 65535 - got, fp)) > 0)
		got += n;
	assert_int_equal(pclose(fp), 0);
	return buf;
}

static void
read_cg(enum cg_ctl ctl, const char *name, const char *file, char *buf,
    size_t len)
{
	char path[CG_PATH_MAX * 2];
	FILE *fp;

	assert_int_equal(cg_path(&cg, ctl, name, file, path, sizeof(path)),
	    0);
	assert_non_null(fp = fopen(path, "re"));
	assert_non_null(fgets(buf, (int)len, fp));
	fclose(fp);
	buf[strcspn(buf, "\n")] = '\0';
}

/*
 * Sends one frame out of the routelet's eth<vif>, from a child that
 * enters the routelet's namespace (the routelet itself need not run), and
 * reports whether it came out of port0's peer.
 */
static int
frame_leaves(pid_t rlpid, unsigned vif)
{
	uint8_t frame[60], got[2048];
	struct sockaddr_ll sll;
	char path[64], ifname[IF_NAMESIZE];
	struct pollfd pfd;
	pid_t child;
	ssize_t n;
	int rx, st, fd, seen = 0;

	memset(frame, 0, sizeof(frame));
	memset(frame, 0xff, 6);
	memcpy(frame + 6, "\x02\x51\x00\x00\x00\x01", 6);
	frame[12] = TEST_ETYPE >> 8;
	frame[13] = TEST_ETYPE & 0xff;
	frame[14] = (uint8_t)vif;
	frame[15] = 0xa5;

	rx = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(TEST_ETYPE));
	assert_true(rx >= 0);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(TEST_ETYPE);
	sll.sll_ifindex = (int)if_nametoindex("port0p");
	assert_true(sll.sll_ifindex > 0);
	assert_int_equal(bind(rx, (struct sockaddr *)&sll, sizeof(sll)), 0);

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)rlpid);
	snprintf(ifname, sizeof(ifname), "eth%u", vif);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		fd = open(path, O_RDONLY);
		if (fd == -1 || setns(fd, CLONE_NEWNET) == -1)
			_exit(2);
		fd = socket(AF_PACKET, SOCK_RAW, htons(TEST_ETYPE));
		memset(&sll, 0, sizeof(sll));
		sll.sll_family = AF_PACKET;
		sll.sll_protocol = htons(TEST_ETYPE);
		sll.sll_ifindex = (int)if_nametoindex(ifname);
		sll.sll_halen = 6;
		memset(sll.sll_addr, 0xff, 6);
		if (fd == -1 || sll.sll_ifindex == 0 ||
		    sendto(fd, frame, sizeof(frame), 0,
		    (struct sockaddr *)&sll, sizeof(sll)) != sizeof(frame))
			_exit(3);
		_exit(0);
	}
	assert_int_equal(waitpid(child, &st, 0), child);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	pfd.fd = rx;
	pfd.events = POLLIN;
	while (poll(&pfd, 1, 300) == 1) {
		n = recv(rx, got, sizeof(got), 0);
		if (n >= 16 && got[14] == vif && got[15] == 0xa5)
			seen = 1;
	}
	close(rx);
	return seen;
}

static void
make_conf(struct rlconf *c, uint64_t gen)
{
	char text[256], err[128];

	snprintf(text, sizeof(text), "gen=%" PRIu64 " op=swap in-label=100 "
	    "out-label=200 nh-mac=02:00:00:00:00:02 "
	    "src-mac=02:51:09:c4:11:01 out-vif=1 rate=125000 burst=5000",
	    gen);
	if (rlconf_parse(c, text, err, sizeof(err)) != 0)
		fail_msg("test configuration: %s", err);
}

/* ---- the tests, in order --------------------------------------------- */

static void
test_create(void **state)
{
	struct nl_sock *ns;
	struct passwd *pw;
	uint8_t mac[6], want[6];
	char path[64], buf[256];
	FILE *fp;
	unsigned i, n;
	int uid;

	(void)state;
	NEED_SETUP();
	assert_non_null(pw = getpwnam("nobody"));
	for (i = 0; i < NDOMS; i++) {
		doms[i].id = FIRST_ID + i;
		assert_int_equal(be.ops->create(&be, &doms[i], NVIFS), 0);
		assert_int_equal(doms[i].state, DOM_PAUSED);
		assert_int_equal(doms[i].egress_vif, -1);
		assert_int_equal(cg_frozen(&cg, doms[i].name), 1);
		pids[i] = dom_pid(&doms[i]);
		assert_int_equal(kill(pids[i], 0), 0);
		netns_ino[i] = netns_of(pids[i]);
		assert_true((netns_cookie[i] = cookie_of(pids[i])) != 0);
		/* The backend's set_rate socket is in there: the check below
		 * in test_destroy can see such a thing. */
		assert_true(netns_held_here(netns_cookie[i]));
		assert_true(netns_ino[i] != netns_of(getpid()));

		/* It dropped its privileges before saying ready. */
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pids[i]);
		assert_non_null(fp = fopen(path, "re"));
		uid = -1;
		while (fgets(buf, sizeof(buf), fp) != NULL)
			if (sscanf(buf, "Uid: %*d %d", &uid) == 1)
				break;
		fclose(fp);
		assert_int_equal(uid, (int)pw->pw_uid);

		assert_non_null(ns = qnl_open_netns(pids[i]));
		for (n = 0; n < NVIFS; n++) {
			assert_int_equal(qnl_ifindex(nl, doms[i].vif[n].ifname),
			    doms[i].vif[n].ifindex);
			snprintf(buf, sizeof(buf), "vif%u.%u", FIRST_ID + i,
			    n);
			assert_string_equal(doms[i].vif[n].ifname, buf);
			snprintf(buf, sizeof(buf), "eth%u", n);
			assert_int_equal(qnl_link_mac(ns, buf, mac), 0);
			/* 02:51:<id, 5 hex digits><vif>:01 */
			want[0] = 0x02;
			want[1] = 0x51;
			want[2] = (uint8_t)((FIRST_ID + i) >> 12);
			want[3] = (uint8_t)((FIRST_ID + i) >> 4);
			want[4] = (uint8_t)(((FIRST_ID + i) & 0xf) << 4 | n);
			want[5] = 0x01;
			assert_memory_equal(mac, want, 6);
			assert_memory_equal(doms[i].vif[n].mac, want, 6);
			/* The routelet's end is not in dom0's namespace. */
			assert_int_equal(qnl_ifindex(nl, buf), 0);
		}
		qnl_close(ns);
	}
	/* The same id twice is refused. */
	{
		struct dom dup = { .id = FIRST_ID };

		assert_int_equal(be.ops->create(&be, &dup, 1), -1);
	}
}

static void
test_cpu(void **state)
{
	struct dom_cpu c = { .weight = 200, .cap = 50 }, r;
	char buf[64];

	(void)state;
	NEED_SETUP();
	assert_int_equal(be.ops->set_cpu(&be, &doms[0], &c), 0);
	memset(&r, 0xff, sizeof(r));
	assert_int_equal(be.ops->get_cpu(&be, &doms[0], &r), 0);
	assert_int_equal(r.weight, 200);
	assert_int_equal(r.cap, 50);
	if (cg.mode == CG_V1) {
		read_cg(CG_CPU, doms[0].name, "cpu.shares", buf, sizeof(buf));
		assert_string_equal(buf, "2048");
		read_cg(CG_CPU, doms[0].name, "cpu.cfs_quota_us", buf,
		    sizeof(buf));
		assert_string_equal(buf, "50000");
		read_cg(CG_CPU, doms[0].name, "cpu.cfs_period_us", buf,
		    sizeof(buf));
		assert_string_equal(buf, "100000");
	} else {
		read_cg(CG_CPU, doms[0].name, "cpu.weight", buf, sizeof(buf));
		assert_string_equal(buf, "200");
		read_cg(CG_CPU, doms[0].name, "cpu.max", buf, sizeof(buf));
		assert_string_equal(buf, "50000 100000");
	}
	/* No cap, and out-of-range weights. */
	c.cap = 0;
	assert_int_equal(be.ops->set_cpu(&be, &doms[0], &c), 0);
	assert_int_equal(be.ops->get_cpu(&be, &doms[0], &r), 0);
	assert_int_equal(r.cap, 0);
	c.weight = 0;
	assert_int_equal(be.ops->set_cpu(&be, &doms[0], &c), -1);
	c.weight = 10001;
	assert_int_equal(be.ops->set_cpu(&be, &doms[0], &c), -1);
}

static void
test_rate(void **state)
{
	uint64_t rate = 1, burst = 1;
	char cmd[128], *out;

	(void)state;
	NEED_SETUP();
	assert_int_equal(be.ops->get_rate(&be, &doms[0], 1, &rate, &burst),
	    0);
	assert_true(rate == 0 && burst == 0);
	assert_int_equal(be.ops->set_rate(&be, &doms[0], 1, 125000, 5000),
	    0);
	assert_int_equal(be.ops->get_rate(&be, &doms[0], 1, &rate, &burst),
	    0);
	assert_int_equal(rate, 125000);
	assert_int_equal(burst, 5000);

	/* tc, inside the routelet's namespace, agrees. */
	snprintf(cmd, sizeof(cmd), "nsenter -t %d -n tc -j qdisc show dev "
	    "eth1", (int)pids[0]);
	out = run_out(cmd);
	if (strstr(out, "\"kind\":\"tbf\"") == NULL ||
	    strstr(out, "\"root\":true") == NULL ||
	    strstr(out, "\"rate\":125000") == NULL ||
	    strstr(out, "\"burst\":5000") == NULL)
		fail_msg("tc disagrees: %s", out);
	free(out);

	/* Changed in place, then removed. */
	assert_int_equal(be.ops->set_rate(&be, &doms[0], 1, 250000, 3000),
	    0);
	assert_int_equal(be.ops->get_rate(&be, &doms[0], 1, &rate, &burst),
	    0);
	assert_true(rate == 250000 && burst == 3000);
	assert_int_equal(be.ops->set_rate(&be, &doms[0], 1, 0, 0), 0);
	assert_int_equal(be.ops->get_rate(&be, &doms[0], 1, &rate, &burst),
	    0);
	assert_true(rate == 0 && burst == 0);
	assert_int_equal(be.ops->set_rate(&be, &doms[0], 1, 125000, 5000),
	    0);
	/* No such VIF. */
	assert_int_equal(be.ops->set_rate(&be, &doms[0], NVIFS, 1000, 2000),
	    -1);
}

static void
test_egress(void **state)
{
	(void)state;
	NEED_SETUP();
	/* Closed from creation on. */
	assert_false(frame_leaves(pids[0], 0));
	assert_false(frame_leaves(pids[0], 1));

	assert_int_equal(be.ops->set_egress(&be, &doms[0], 1, port_ifindex),
	    0);
	assert_int_equal(doms[0].egress_vif, 1);
	assert_true(frame_leaves(pids[0], 1));
	assert_false(frame_leaves(pids[0], 0));

	/* Moved: the old VIF is closed again. */
	assert_int_equal(be.ops->set_egress(&be, &doms[0], 0, port_ifindex),
	    0);
	assert_int_equal(doms[0].egress_vif, 0);
	assert_true(frame_leaves(pids[0], 0));
	assert_false(frame_leaves(pids[0], 1));

	assert_int_equal(be.ops->set_egress(&be, &doms[0], -1, 0), 0);
	assert_int_equal(doms[0].egress_vif, -1);
	assert_false(frame_leaves(pids[0], 0));
	assert_false(frame_leaves(pids[0], 1));

	assert_int_equal(be.ops->set_egress(&be, &doms[0], 1, port_ifindex),
	    0);
	assert_int_equal(be.ops->set_egress(&be, &doms[0], NVIFS,
	    port_ifindex), -1);
	assert_int_equal(be.ops->set_egress(&be, &doms[0], 0, 0), -1);
}

static void
test_control(void **state)
{
	struct rlconf c;
	char buf[4096];

	(void)state;
	NEED_SETUP();
	/* Written while paused, acknowledged once it runs. */
	make_conf(&c, 1);
	assert_int_equal(be.ops->configure(&be, &doms[0], &c), 0);
	assert_int_equal(be.ops->wait_ack(&be, &doms[0], 1, 100), -1);
	assert_int_equal(be.ops->ping(&be, &doms[0], 100), -1);
	assert_int_equal(be.ops->unpause(&be, &doms[0]), 0);
	assert_int_equal(doms[0].state, DOM_RUNNING);
	assert_int_equal(cg_frozen(&cg, doms[0].name), 0);
	assert_int_equal(be.ops->wait_ack(&be, &doms[0], 1, ACK_MS), 0);
	assert_int_equal(doms[0].acked_gen, 1);

	/* A generation that does not increase is refused. */
	assert_int_equal(be.ops->configure(&be, &doms[0], &c), 0);
	assert_int_equal(be.ops->wait_ack(&be, &doms[0], 1, ACK_MS), -1);
	assert_int_equal(doms[0].acked_gen, 1);

	make_conf(&c, 2);
	assert_int_equal(be.ops->configure(&be, &doms[0], &c), 0);
	assert_int_equal(be.ops->wait_ack(&be, &doms[0], 2, ACK_MS), 0);
	assert_int_equal(doms[0].acked_gen, 2);

	assert_int_equal(be.ops->ping(&be, &doms[0], ACK_MS), 0);
	assert_int_equal(be.ops->stats(&be, &doms[0], buf, sizeof(buf)), 0);
	print_message("stats of %s: %.200s\n", doms[0].name, buf);

	/* Paused again, and back. */
	assert_int_equal(be.ops->pause(&be, &doms[0]), 0);
	assert_int_equal(cg_frozen(&cg, doms[0].name), 1);
	assert_int_equal(be.ops->unpause(&be, &doms[0]), 0);
	assert_int_equal(be.ops->ping(&be, &doms[0], ACK_MS), 0);

	/* The pool's ping: asked now, answered by the next call.  A stats
	 * request waits for its answer, which comes after the pong. */
	assert_non_null(be.ops->ping_next);
	assert_int_equal(be.ops->ping_next(&be, &doms[0]), 0);	/* none yet */
	assert_int_equal(be.ops->stats(&be, &doms[0], buf, sizeof(buf)), 0);
	assert_int_equal(be.ops->ping_next(&be, &doms[0]), 0);
	assert_int_equal(be.ops->stats(&be, &doms[0], buf, sizeof(buf)), 0);
	/* Hung: alive, reading nothing.  Asked, never answered. */
	assert_int_equal(kill(pids[0], SIGSTOP), 0);
	assert_int_equal(be.ops->ping_next(&be, &doms[0]), 0);
	assert_int_equal(be.ops->ping_next(&be, &doms[0]), 1);
	assert_int_equal(be.ops->ping_next(&be, &doms[0]), 1);
	assert_int_equal(kill(pids[0], SIGCONT), 0);
	assert_int_equal(be.ops->stats(&be, &doms[0], buf, sizeof(buf)), 0);
	assert_int_equal(be.ops->ping_next(&be, &doms[0]), 0);
	/* Paused, it cannot be asked; unpaused, nothing is owed. */
	assert_int_equal(be.ops->pause(&be, &doms[0]), 0);
	assert_int_equal(be.ops->ping_next(&be, &doms[0]), -1);
	assert_int_equal(be.ops->unpause(&be, &doms[0]), 0);
	assert_int_equal(be.ops->ping_next(&be, &doms[0]), 0);
	assert_int_equal(be.ops->stats(&be, &doms[0], buf, sizeof(buf)), 0);
}

static void
test_death(void **state)
{
	struct pollfd pfd;
	int i;

	(void)state;
	NEED_SETUP();
	pfd.fd = be.ops->event_fd(&be);
	pfd.events = POLLIN;
	assert_true(pfd.fd >= 0);
	died = NULL;
	ndied = 0;
	assert_int_equal(kill(pids[0], SIGKILL), 0);
	/* Other children of the test (tc, helpers) wake it too. */
	for (i = 0; i < 50 && died == NULL; i++) {
		if (poll(&pfd, 1, 100) == 1)
			be.ops->dispatch(&be);
	}
	assert_ptr_equal(died, &doms[0]);
	assert_int_equal(ndied, 1);
	assert_int_equal(doms[0].state, DOM_DEAD);
	/* A dead domain refuses work, and destroy still cleans up. */
	assert_int_equal(be.ops->ping(&be, &doms[0], 100), -1);
	assert_int_equal(be.ops->unpause(&be, &doms[0]), -1);
	be.ops->dispatch(&be);
	assert_int_equal(ndied, 1);
}

static void
list_cb(uint32_t id, const char *what, void *arg)
{
	int *n = arg;

	print_message("list: %" PRIu32 " %s\n", id, what);
	(*n)++;
}

static void
test_destroy(void **state)
{
	int i, n = 0;

	(void)state;
	NEED_SETUP();
	assert_int_equal(be.ops->list(&be, list_cb, &n), 0);
	assert_int_equal(n, NDOMS);
	for (i = 0; i < NDOMS; i++) {
		be.ops->destroy(&be, &doms[i]);
		assert_int_equal(doms[i].state, DOM_NONE);
		assert_null(doms[i].priv);
		/* Destroying twice is harmless. */
		be.ops->destroy(&be, &doms[i]);
	}
	assert_int_equal(count_groups(), 0);
	assert_int_equal(count_links("vif"), 0);
	for (i = 0; i < NDOMS; i++) {
		assert_int_equal(kill(pids[i], 0), -1);
		assert_int_equal(errno, ESRCH);
		assert_false(netns_in_use(netns_ino[i], netns_cookie[i]));
		assert_false(netns_held_here(netns_cookie[i]));
	}
	n = 0;
	assert_int_equal(be.ops->list(&be, list_cb, &n), 0);
	assert_int_equal(n, 0);
}

static void
test_cycles(void **state)
{
	struct dom d;
	int fds, links, groups, i;

	(void)state;
	NEED_SETUP();
	fds = count_fds();
	links = count_links("");
	groups = count_groups();
	for (i = 0; i < cycles; i++) {
		memset(&d, 0, sizeof(d));
		d.id = FIRST_ID + 100 + (uint32_t)(i % 3);
		assert_int_equal(be.ops->create(&be, &d, NVIFS), 0);
		if (i % 2 == 0)
			assert_int_equal(be.ops->unpause(&be, &d), 0);
		be.ops->destroy(&be, &d);
	}
	/* A failed create leaks nothing either. */
	memset(&d, 0, sizeof(d));
	d.id = QNL_ID_MAX + 1;
	assert_int_equal(be.ops->create(&be, &d, 1), -1);
	d.id = FIRST_ID + 200;
	assert_int_equal(be.ops->create(&be, &d, RLCONF_MAX_VIFS + 1), -1);
	be.ops->dispatch(&be);
	assert_int_equal(count_fds(), fds);
	assert_int_equal(count_links(""), links);
	assert_int_equal(count_groups(), groups);
}

/* A group left by a "previous run": a process in it, frozen. */
static void
test_reap_stale(void **state)
{
	pid_t child;
	int st, n = 0;

	(void)state;
	NEED_SETUP();
	assert_int_equal(cg_create(&cg, "rl99999"), 0);
	assert_int_equal(cg_create(&cg, "leftover"), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		for (;;)
			pause();
	}
	assert_int_equal(cg_attach(&cg, "rl99999", child), 0);
	assert_int_equal(cg_freeze(&cg, "rl99999", 2000), 0);

	assert_int_equal(be.ops->list(&be, list_cb, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(be.ops->reap_stale(&be), 0);
	assert_int_equal(waitpid(child, &st, 0), child);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	assert_int_equal(count_groups(), 0);
	n = 0;
	assert_int_equal(be.ops->list(&be, list_cb, &n), 0);
	assert_int_equal(n, 0);
}

static void
test_open_errors(void **state)
{
	struct backend b2;
	struct backend_conf conf = { .instance = instance,
	    .routelet_path = routelet, .run_user = "nobody" };
	char err[256];

	(void)state;
	NEED_SETUP();
	/* One local backend per process: SIGCHLD is its. */
	assert_int_equal(backend_open(&b2, "local", &conf, err, sizeof(err)),
	    -1);
	print_message("second open: %s\n", err);
	/* Xen without its image is refused before libxl is touched... */
	assert_int_equal(backend_open(&b2, "xen", &conf, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "routelet image"));
	conf.kernel = conf.ramdisk = conf.vif_script = "/no/such/file";
	assert_int_equal(backend_open(&b2, "xen", &conf, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "/no/such/file"));
	/* ...and off a Xen host libxl finds no hypervisor (tests/xen runs
	 * the backend on a real one). */
	if (access("/proc/xen/capabilities", F_OK) == -1) {
		conf.kernel = conf.ramdisk = conf.vif_script = "/bin/sh";
		assert_int_equal(backend_open(&b2, "xen", &conf, err,
		    sizeof(err)), -1);
		print_message("xen off Xen: %s\n", err);
		assert_non_null(strstr(err, "Xen host"));
	}
	assert_int_equal(backend_open(&b2, "bogus", &conf, err, sizeof(err)),
	    -1);
	backend_close(&b2);
}

/* Reopens the shared backend on another routelet program. */
static void
reopen(const char *path, unsigned timeout_ms)
{
	backend_close(&be);
	lbt_open(&be, instance, path, timeout_ms);
	be.on_death = on_death;
}

static void
script(const char *path, const char *body)
{
	FILE *fp;

	assert_non_null(fp = fopen(path, "we"));
	assert_true(fputs(body, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, 0755), 0);
}

/*
 * Routelets that do not come up: each create fails, says why, and leaves
 * no process, fd, cgroup or link behind (a forked grandchild included).
 */
static void
test_create_failures(void **state)
{
	static const struct {
		const char	*body;
		const char	*what;
	} bad[] = {
		{ "#!/bin/sh\nexit 3\n", "exits before ready" },
		{ "#!/bin/sh\nprintf 'fail no luck' >&3\nsleep 30\n",
		    "says fail" },
		{ "#!/bin/sh\nprintf 'ready 1' >&3\nsleep 30\n",
		    "says ready with the wrong VIF count" },
		{ "#!/bin/sh\nsleep 30 &\nsleep 30\n",
		    "never says ready, and forks" },
		{ "\x7f" "ELF garbage\n", "cannot be exec'd" },
	};
	char path[64];
	struct dom d;
	size_t i;
	uint64_t t0;
	int fds, links, groups;

	(void)state;
	NEED_SETUP();
	snprintf(path, sizeof(path), "/tmp/qtest-rl-%d", (int)getpid());
	fds = count_fds();
	links = count_links("");
	groups = count_groups();
	for (i = 0; i < nitems(bad); i++) {
		print_message("routelet that %s\n", bad[i].what);
		script(path, bad[i].body);
		reopen(path, 500);
		memset(&d, 0, sizeof(d));
		d.id = FIRST_ID + 300;
		t0 = clock_mono_ns();
		assert_int_equal(be.ops->create(&be, &d, NVIFS), -1);
		/* Bounded by ack_timeout_ms, plus the kill. */
		assert_true(clock_mono_ns() - t0 < 3 * NSEC_PER_SEC);
		assert_int_equal(d.state, DOM_NONE);
		assert_null(d.priv);
		assert_int_equal(count_groups(), groups);
		assert_int_equal(count_links(""), links);
	}
	assert_int_equal(unlink(path), 0);
	reopen(routelet, ACK_MS);
	assert_int_equal(count_fds(), fds);
}

/* ---- set-up ---------------------------------------------------------- */

static int
group_setup(void **state)
{
	uint8_t m0[6] = { 0x02, 0x50, 0, 0, 0, 0 };
	uint8_t m1[6] = { 0x02, 0x50, 0, 0, 0, 1 };

	(void)state;
	if (skip_why != NULL)
		return 0;
	assert_non_null(nl = qnl_open());
	/* The physical port: a veth pair inside the test's namespace. */
	port_ifindex = qnl_veth_create(nl, "port0", m0, "port0p", m1,
	    getpid());
	assert_true(port_ifindex > 0);
	assert_int_equal(system("ip link set port0p up"), 0);

	lbt_open(&be, instance, routelet, ACK_MS);
	be.on_death = on_death;
	assert_int_equal(cg_open(&cg, instance), 0);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	if (skip_why != NULL)
		return 0;
	backend_close(&be);
	cg_close(&cg);
	qnl_close(nl);
	return 0;
}

int
main(void)
{
	const char *p;
	char *end;
	long v;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_cpu),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_egress),
		cmocka_unit_test(test_control),
		cmocka_unit_test(test_death),
		cmocka_unit_test(test_destroy),
		cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_reap_stale),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_create_failures),
	};

	log_init("test_be_local", LOG_TO_STDERR);
	/* Fewer under emulation (tests/cg2), where a create costs 50 times
	 * what it does here. */
	if ((p = getenv("QUASAR_TEST_CYCLES")) != NULL) {
		errno = 0;
		v = strtol(p, &end, 10);
		if (errno != 0 || end == p || *end != '\0' || v < 1 ||
		    v > 100000) {
			fprintf(stderr, "QUASAR_TEST_CYCLES: '%s' is not "
			    "1-100000\n", p);
			return 2;
		}
		cycles = (int)v;
	}
	skip_why = lbt_init("qtest", routelet, sizeof(routelet), instance,
	    sizeof(instance));
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
