/*
 * The local backend: a routelet domain is a `routelet run` process in a
 * network namespace of its own and a cgroup "<instance>/rl<id>"; VIF n is
 * a veth pair, "vif<id>.<n>" in dom0 and "eth<n>" in the routelet's
 * namespace.  Control is the rlctl.h protocol over a SOCK_SEQPACKET
 * socketpair, the routelet's end being its fd 3.
 *
 * create():
 *   parent                                child
 *   socketpairs (control, sync); fork ──► unblock signals
 *                                         unshare(CLONE_NEWNET)
 *   read 0 on sync ◄───────────────────── write 0 (or errno)
 *   cgroups, attach pid; netns socket;
 *   veths into pid's namespace, closed
 *   to egress (nl.c)
 *   write 'g' on sync ──────────────────► read 'g'; ctl to fd 3,
 *                                         close the rest; exec routelet
 *   sync EOF: exec done (its errno if not)
 *   wait "ready <n>" on control ◄──────── (routelet) ready <n>
 *   freeze: DOM_PAUSED
 *
 * The transmit limit (tbf on eth<n>) is set through a netlink socket
 * opened inside the routelet's namespace, from dom0: the routelet drops
 * its privileges, so it cannot lift it.  That socket holds the namespace;
 * destroy closes it first so the namespace goes with the last process.
 *
 * Deaths: SIGCHLD is blocked and read from a signalfd (event_fd);
 * dispatch() asks each registered pid with waitpid(pid, WNOHANG) rather
 * than waitpid(-1), so children the caller runs itself (system(), popen())
 * are never reaped behind its back.
 *
 * Domain ids must be at most QNL_ID_MAX (the MAC layout, nl.h); their
 * names then fit IFNAMSIZ ("vif1048575.7").
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "be_local.h"
#include "cgroup.h"
#include "clock.h"
#include "log.h"
#include "nl.h"
#include "rlconf.h"
#include "rlctl.h"
#include "rlreply.h"

#define LB_TIMEOUT_MS	5000	/* ack_timeout_ms when the caller gives 0 */
#define LB_REAP_MS	2000	/* SIGKILL to exit, at most */
/* At close nothing else waits on us, and a loaded machine has been seen
 * to take longer than LB_REAP_MS to tear down a killed routelet's
 * sockets and namespace: what it still holds would be left behind. */
#define LB_CLOSE_REAP_MS 15000
#define LB_CTL_FD	3	/* the routelet's control fd */
#define LB_SYNC_FD	4	/* the child's sync fd until exec */

/* One routelet this process started. */
struct lrl {
	struct lrl	*next;
	struct dom	*d;	/* NULL: destroyed, but its pid not reaped */
	uint32_t	 id;
	unsigned	 nvifs;
	pid_t		 pid;	/* 0 once reaped: never signal it again */
	int		 ctl;
	struct nl_sock	*ns;	/* bound to the routelet's namespace */
	int		 died;	/* reaped, on_death not yet called */
	int		 ping_asked;	/* by ping_next, since the unpause */
	int		 pong_seen;	/* a pong read since that ask */
};

struct lbe {
	struct cg	 cg;
	struct nl_sock	*nl;	/* dom0's */
	int		 sfd;	/* signalfd for SIGCHLD */
	int		 chld_was_blocked;
	struct lrl	*rls;
	char		*instance, *path, *user;
	int		 timeout_ms;
};

static int lb_opened;	/* one SIGCHLD, so one local backend per process */

/* ---- time, fds, processes ------------------------------------------ */

static uint64_t
lb_deadline(int ms)
{
	return clock_mono_ns() + (uint64_t)(ms > 0 ? ms : 0) * NSEC_PER_MSEC;
}

/* Waits until fd is readable: 1, 0 at the deadline, -1 on error. */
static int
wait_readable(int fd, uint64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint64_t now;
	int n;

	for (;;) {
		now = clock_mono_ns();
		if (now >= deadline)
			return 0;
		n = poll(&pfd, 1, (int)((deadline - now + NSEC_PER_MSEC - 1) /
		    NSEC_PER_MSEC));
		if (n > 0)
			return 1;
		if (n == -1 && errno != EINTR)
			return -1;
	}
}

/* Reads exactly len bytes: 1, 0 on EOF, -1 on error or at the deadline
 * (errno ETIMEDOUT). */
static int
read_full(int fd, void *buf, size_t len, uint64_t deadline)
{
	size_t got = 0;
	ssize_t n;
	int r;

	while (got < len) {
		if ((r = wait_readable(fd, deadline)) <= 0) {
			if (r == 0)
				errno = ETIMEDOUT;
			return -1;
		}
		n = read(fd, (char *)buf + got, len - got);
		if (n == 0)
			return 0;
		if (n == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		got += (size_t)n;
	}
	return 1;
}

static void
status_str(int st, char *buf, size_t len)
{
	if (WIFEXITED(st))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "was killed by signal %d (%s)",
		    WTERMSIG(st), strsignal(WTERMSIG(st)));
	else
		snprintf(buf, len, "ended with wait status %#x", st);
}

/* Reaps pid within timeout_ms: 0 (and *st_r) once it is gone, -1 if it
 * is still there.  ECHILD means someone else reaped it: gone too. */
static int
reap(pid_t pid, int timeout_ms, int *st_r)
{
	uint64_t end = lb_deadline(timeout_ms);
	struct timespec ts = { 0, 1000000 };
	pid_t r;

	*st_r = 0;
	for (;;) {
		r = waitpid(pid, st_r, WNOHANG);
		if (r == pid)
			return 0;
		if (r == -1 && errno == ECHILD) {
			log_warnx("pid %d was reaped by someone else "
			    "(a waitpid(-1) in this process?)", (int)pid);
			return 0;
		}
		if (r == -1 && errno != EINTR) {
			log_warn("waitpid %d", (int)pid);
			return -1;
		}
		if (clock_mono_ns() >= end)
			return -1;
		nanosleep(&ts, NULL);
	}
}

/* ---- registry ------------------------------------------------------- */

static struct lrl *
lrl_find(struct lbe *lb, uint32_t id)
{
	struct lrl *rl;

	for (rl = lb->rls; rl != NULL; rl = rl->next)
		if (rl->id == id)
			return rl;
	return NULL;
}

static void
lrl_unlink(struct lbe *lb, struct lrl *rl)
{
	struct lrl **pp;

	for (pp = &lb->rls; *pp != NULL; pp = &(*pp)->next)
		if (*pp == rl) {
			*pp = rl->next;
			return;
		}
}

/* The routelet of d for operation op, or NULL (logged) if it has none
 * or is dead. */
static struct lrl *
lrl_live(struct dom *d, const char *op)
{
	struct lrl *rl = d->priv;

	if (rl == NULL || d->state == DOM_NONE) {
		log_warnx("%s: %s: no such domain (not created)", d->name, op);
		return NULL;
	}
	if (d->state == DOM_DEAD || rl->pid <= 0) {
		log_warnx("%s: %s: the routelet is dead", d->name, op);
		return NULL;
	}
	return rl;
}

/* The same, for a request only a running routelet can answer. */
static struct lrl *
lrl_running(struct dom *d, const char *op)
{
	struct lrl *rl;

	if ((rl = lrl_live(d, op)) == NULL)
		return NULL;
	if (d->state != DOM_RUNNING) {
		log_warnx("%s: %s: paused, so it cannot answer", d->name, op);
		return NULL;
	}
	return rl;
}

static void
vif_name(char *buf, size_t len, uint32_t id, unsigned n)
{
	snprintf(buf, len, "vif%" PRIu32 ".%u", id, n);
}

static void
rl_name(char *buf, size_t len, uint32_t id)
{
	snprintf(buf, len, "rl%" PRIu32, id);
}

/*
 * Removes what a routelet that is gone leaves in dom0: its cgroup and its
 * VIFs.  A veth goes when its namespace does, but namespaces are torn
 * down asynchronously after their last process, so dom0's end may still
 * be there for a moment: delete it rather than race a new one of the same
 * name, then check that it is really gone.
 */
static int
lrl_release(struct lbe *lb, uint32_t id, unsigned nvifs)
{
	char name[IF_NAMESIZE], cgname[CG_NAME_MAX];
	unsigned n;
	int rv = 0, ix, left;
	pid_t pid;

	rl_name(cgname, sizeof(cgname), id);
	/* The routelet is reaped; anything it forked is still in there. */
	if ((left = cg_pids(&lb->cg, cgname, &pid, 1)) > 0) {
		log_warnx("%s: %d stray task(s) in its cgroup (pid %d "
		    "first): killed", cgname, left, (int)pid);
		if (cg_kill(&lb->cg, cgname, LB_REAP_MS) == -1)
			rv = -1;
	}
	if (cg_remove(&lb->cg, cgname) == -1)
		rv = -1;
	for (n = 0; n < nvifs; n++) {
		vif_name(name, sizeof(name), id, n);
		if (qnl_link_del(lb->nl, name) == -1)
			rv = -1;
		else if ((ix = qnl_ifindex(lb->nl, name)) != 0) {
			if (ix > 0)
				log_warnx("%s: still present after its "
				    "deletion", name);
			rv = -1;
		}
	}
	return rv;
}

/* SIGKILL, then thaw (so it dies as it wakes, running nothing), then
 * reap within LB_REAP_MS: 0 once reaped, -1 if it lingers. */
static int
lrl_kill(struct lbe *lb, struct lrl *rl, const char *name, int in_cg)
{
	char how[96];
	int st;

	if (rl->pid <= 0)
		return 0;
	if (kill(rl->pid, SIGKILL) == -1 && errno != ESRCH)
		log_warn("%s: kill pid %d", name, (int)rl->pid);
	if (in_cg && cg_thaw(&lb->cg, name, lb->timeout_ms) == -1)
		log_warnx("%s: not thawed; it may not die", name);
	if (reap(rl->pid, LB_REAP_MS, &st) == -1) {
		log_warnx("%s: pid %d still there %d ms after SIGKILL; left "
		    "for dispatch() to reap", name, (int)rl->pid, LB_REAP_MS);
		return -1;
	}
	/* Not by our hand: it had ended already, and that is news. */
	if (!(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)) {
		status_str(st, how, sizeof(how));
		log_warnx("%s: routelet pid %d %s", name, (int)rl->pid, how);
	}
	rl->pid = 0;
	return 0;
}

static void
lrl_free(struct lrl *rl)
{
	qnl_close(rl->ns);
	if (rl->ctl != -1)
		close(rl->ctl);
	free(rl);
}

/* ---- control channel ------------------------------------------------- */

/* Never blocks: a routelet that does not read (frozen, stuck) must not
 * stall the daemon; its queue filling up is an error here. */
static int
ctl_send(struct dom *d, struct lrl *rl, const char *msg, size_t len)
{
	ssize_t n;

	n = send(rl->ctl, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n == (ssize_t)len)
		return 0;
	if (n >= 0)
		log_warnx("%s: control message cut short", d->name);
	else if (errno == EAGAIN || errno == EWOULDBLOCK)
		log_warnx("%s: control channel full: the routelet is not "
		    "reading", d->name);
	else
		log_warn("%s: send on the control channel", d->name);
	return -1;
}

/* What every answer says besides answering its request: any pong
 * proves the routelet alive since ping_next asked, whoever reads it. */
static void
ctl_note(struct dom *d, struct lrl *rl, const struct rlreply *rep)
{
	if (rep->kind == RLR_PONG)
		rl->pong_seen = 1;
	else if (rep->kind == RLR_ACK && rep->n > d->acked_gen)
		d->acked_gen = rep->n;
}

/*
 * Receives until an answer of one of the kinds in want (RLR_BAD ended),
 * read into *rep (its text points into buf): its kind.  Other answers are
 * logged and skipped (a late answer to an earlier request that timed out,
 * say), and so is what is no answer at all (src/rlreply.h).  "err" and
 * "fail" end the wait: the routelet refused what was sent, or gave up.
 */
static int
ctl_reply(struct dom *d, struct lrl *rl, const enum rlreply_kind *want,
    struct rlreply *rep, char *buf, size_t len, uint64_t deadline,
    const char *what)
{
	char why[160], clean[96];
	ssize_t n;
	int i, r;

	for (;;) {
		if ((r = wait_readable(rl->ctl, deadline)) <= 0) {
			if (r == 0)
				log_warnx("%s: no %s from the routelet in "
				    "time", d->name, what);
			else
				log_warn("%s: poll the control channel",
				    d->name);
			return -1;
		}
		n = recv(rl->ctl, buf, len - 1, MSG_DONTWAIT | MSG_TRUNC);
		if (n == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			log_warn("%s: receive on the control channel",
			    d->name);
			return -1;
		}
		if (n == 0) {
			log_warnx("%s: control channel closed while waiting "
			    "for %s: the routelet is gone", d->name, what);
			return -1;
		}
		if ((size_t)n >= len) {
			log_warnx("%s: %zd-byte control message, more than "
			    "%zu: ignored", d->name, n, len - 1);
			continue;
		}
		buf[n] = '\0';
		if (memchr(buf, '\0', (size_t)n) != NULL) {
			log_warnx("%s: control message with a NUL byte: "
			    "ignored", d->name);
			continue;
		}
		if (rlreply_parse(buf, rep, why, sizeof(why)) == RLR_BAD) {
			log_warnx("%s: control message %s: ignored", d->name,
			    why);
			continue;
		}
		ctl_note(d, rl, rep);
		for (i = 0; want[i] != RLR_BAD; i++)
			if (rep->kind == want[i])
				return (int)rep->kind;
		if (rep->kind == RLR_ERR || rep->kind == RLR_FAIL) {
			log_warnx("%s: routelet says '%s' (waiting for %s)",
			    d->name, rlreply_printable(buf, clean,
			    sizeof(clean)), what);
			return -1;
		}
		log_debug("%s: skipped control message '%s' while "
		    "waiting for %s", d->name, rlreply_printable(buf, clean,
		    sizeof(clean)), what);
	}
}

/*
 * Reads what the routelet has sent without waiting: answers nobody waits
 * for any more (ping_next's pongs, late acks) still tell something.  0
 * once the channel is empty, -1 if it closed or failed.
 */
static int
ctl_drain(struct dom *d, struct lrl *rl, char *buf, size_t len)
{
	char why[160], clean[96];
	struct rlreply rep;
	ssize_t n;

	for (;;) {
		n = recv(rl->ctl, buf, len - 1, MSG_DONTWAIT | MSG_TRUNC);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			log_warn("%s: receive on the control channel",
			    d->name);
			return -1;
		}
		if (n == 0) {
			log_warnx("%s: control channel closed: the routelet "
			    "is gone", d->name);
			return -1;
		}
		if ((size_t)n >= len || memchr(buf, '\0', (size_t)n) !=
		    NULL) {
			log_warnx("%s: %zd-byte control message, too long or "
			    "with a NUL byte: ignored", d->name, n);
			continue;
		}
		buf[n] = '\0';
		if (rlreply_parse(buf, &rep, why, sizeof(why)) == RLR_BAD) {
			log_warnx("%s: control message %s: ignored", d->name,
			    why);
			continue;
		}
		if (rep.kind == RLR_ERR || rep.kind == RLR_FAIL)
			log_warnx("%s: routelet says '%s' (unasked)", d->name,
			    rlreply_printable(buf, clean, sizeof(clean)));
		ctl_note(d, rl, &rep);
	}
}

/* ---- create ----------------------------------------------------------- */

/*
 * The child, between fork and exec: async-signal-safe calls only (the
 * parent may have other threads).  Every failure is one errno on the sync
 * socket; success is the sync socket closing at exec (it is CLOEXEC).
 */
static void __attribute__((noreturn))
child_run(int ctl, int syn, const char *path, char *const argv[], int maxfd)
{
	sigset_t none;
	char go;
	int e = 0, fd;

	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	if (unshare(CLONE_NEWNET) == -1)
		e = errno;
	if (write(syn, &e, sizeof(e)) != (ssize_t)sizeof(e) || e != 0)
		_exit(127);
	/* The parent builds the VIFs in our new namespace meanwhile. */
	if (read(syn, &go, 1) != 1 || go != 'g')
		_exit(127);
	/* Out of the way of 3 and 4 first, then into place. */
	if ((ctl = fcntl(ctl, F_DUPFD_CLOEXEC, LB_SYNC_FD + 1)) == -1 ||
	    (fd = fcntl(syn, F_DUPFD_CLOEXEC, LB_SYNC_FD + 1)) == -1) {
		e = errno;
		goto fail;
	}
	syn = fd;
	if (dup2(ctl, LB_CTL_FD) == -1 || dup2(syn, LB_SYNC_FD) == -1 ||
	    fcntl(LB_SYNC_FD, F_SETFD, FD_CLOEXEC) == -1) {
		e = errno;
		goto fail;
	}
	syn = LB_SYNC_FD;
	if (close_range(LB_SYNC_FD + 1, ~0U, 0) == -1)
		for (fd = LB_SYNC_FD + 1; fd < maxfd; fd++)
			(void)close(fd);
	execv(path, argv);
	e = errno;
fail:
	if (write(syn, &e, sizeof(e)) != (ssize_t)sizeof(e))
		_exit(126);
	_exit(127);
}

/* Waits for "ready <n>" with n the number of VIFs asked for. */
static int
wait_ready(struct dom *d, struct lrl *rl, uint64_t deadline)
{
	static const enum rlreply_kind want[] = { RLR_READY, RLR_BAD };
	char buf[RLCTL_MSG_MAX + 1];
	struct rlreply rep;

	if (ctl_reply(d, rl, want, &rep, buf, sizeof(buf), deadline,
	    "\"ready\"") == -1)
		return -1;
	if (rep.n != d->nvifs) {
		log_warnx("%s: routelet says 'ready %" PRIu64 "', expected "
		    "'ready %u'", d->name, rep.n, d->nvifs);
		return -1;
	}
	return 0;
}

static void
dom_init(struct dom *d, unsigned nvifs)
{
	unsigned n;

	rl_name(d->name, sizeof(d->name), d->id);
	d->state = DOM_NONE;
	d->nvifs = nvifs;
	d->acked_gen = 0;
	d->egress_vif = -1;
	d->priv = NULL;
	memset(d->vif, 0, sizeof(d->vif));
	for (n = 0; n < nvifs; n++) {
		vif_name(d->vif[n].ifname, sizeof(d->vif[n].ifname), d->id,
		    n);
		qnl_vif_mac(d->id, n, QNL_END_ROUTELET, d->vif[n].mac);
	}
}

/* The parent's side, from the child's "unshared" to "ready": cgroups,
 * VIFs, exec. */
static int
create_parent(struct lbe *lb, struct dom *d, struct lrl *rl, int syn,
    uint64_t deadline, int *cg_made, unsigned *vifs_made)
{
	char peer[IF_NAMESIZE];
	uint8_t mac[6];
	unsigned n;
	int e, r, ix;

	if ((r = read_full(syn, &e, sizeof(e), deadline)) != 1) {
		if (r == 0)
			log_warnx("%s: child exited before unsharing its "
			    "network namespace", d->name);
		else
			log_warn("%s: wait for the child to unshare",
			    d->name);
		return -1;
	}
	if (e != 0) {
		errno = e;
		log_warn("%s: unshare(CLONE_NEWNET)", d->name);
		return -1;
	}
	if (cg_create(&lb->cg, d->name) == -1)
		return -1;
	*cg_made = 1;
	if (cg_attach(&lb->cg, d->name, rl->pid) == -1)
		return -1;
	if ((rl->ns = qnl_open_netns(rl->pid)) == NULL)
		return -1;
	for (n = 0; n < d->nvifs; n++) {
		snprintf(peer, sizeof(peer), "eth%u", n);
		qnl_vif_mac(d->id, n, QNL_END_DOM0, mac);
		if ((ix = qnl_veth_create(lb->nl, d->vif[n].ifname, mac, peer,
		    d->vif[n].mac, rl->pid)) == -1)
			return -1;
		*vifs_made = n + 1;
		d->vif[n].ifindex = ix;
		/* Closed from birth: nothing leaves until set_egress. */
		if (qnl_egress_init(lb->nl, ix) == -1)
			return -1;
	}
	if (send(syn, "g", 1, MSG_NOSIGNAL) != 1) {
		log_warn("%s: tell the child to go on", d->name);
		return -1;
	}
	if ((r = read_full(syn, &e, sizeof(e), deadline)) != 0) {
		if (r == 1) {
			errno = e;
			log_warn("%s: exec %s", d->name, lb->path);
		} else
			log_warn("%s: wait for the exec of %s", d->name,
			    lb->path);
		return -1;
	}
	return 0;
}

static int
lb_create(struct backend *b, struct dom *d, unsigned nvifs)
{
	struct lbe *lb = b->priv;
	struct lrl *rl = NULL;
	char nbuf[16], fdbuf[16], *argv[9];
	struct rlimit rlim;
	uint64_t deadline;
	unsigned vifs_made = 0;
	int ctl[2] = { -1, -1 }, syn[2] = { -1, -1 }, cg_made = 0, maxfd;

	if (d->id > QNL_ID_MAX) {
		log_warnx("rl%" PRIu32 ": id above %u, the most VIF names and "
		    "MACs can hold", d->id, QNL_ID_MAX);
		return -1;
	}
	if (nvifs < 1 || nvifs > RLCONF_MAX_VIFS) {
		log_warnx("rl%" PRIu32 ": %u VIFs, want 1-%d", d->id, nvifs,
		    RLCONF_MAX_VIFS);
		return -1;
	}
	if (lrl_find(lb, d->id) != NULL) {
		log_warnx("rl%" PRIu32 ": already exists", d->id);
		return -1;
	}
	dom_init(d, nvifs);
	if ((rl = calloc(1, sizeof(*rl))) == NULL) {
		log_warn("%s: create", d->name);
		return -1;
	}
	rl->ctl = -1;
	rl->id = d->id;
	rl->nvifs = nvifs;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl) == -1) {
		log_warn("%s: control socketpair", d->name);
		goto fail;
	}
	rl->ctl = ctl[0];
	/* A socket, not a pipe: MSG_NOSIGNAL if the child is gone. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, syn) == -1) {
		log_warn("%s: sync socketpair", d->name);
		goto fail;
	}

	/* Everything the child needs, made before fork. */
	snprintf(fdbuf, sizeof(fdbuf), "%d", LB_CTL_FD);
	snprintf(nbuf, sizeof(nbuf), "%u", nvifs);
	argv[0] = lb->path;
	argv[1] = (char *)(uintptr_t)"run";
	argv[2] = (char *)(uintptr_t)"-f";
	argv[3] = fdbuf;
	argv[4] = (char *)(uintptr_t)"-n";
	argv[5] = nbuf;
	argv[6] = (char *)(uintptr_t)"-u";
	argv[7] = lb->user;
	argv[8] = NULL;
	maxfd = 65536;
	if (getrlimit(RLIMIT_NOFILE, &rlim) == 0 && rlim.rlim_cur < 65536)
		maxfd = (int)rlim.rlim_cur;
	deadline = lb_deadline(lb->timeout_ms);

	if ((rl->pid = fork()) == -1) {
		log_warn("%s: fork", d->name);
		rl->pid = 0;
		goto fail;
	}
	if (rl->pid == 0)
		child_run(ctl[1], syn[1], lb->path, argv, maxfd);
	close(ctl[1]);
	close(syn[1]);
	ctl[1] = syn[1] = -1;

	if (create_parent(lb, d, rl, syn[0], deadline, &cg_made,
	    &vifs_made) == -1 || wait_ready(d, rl, deadline) == -1 ||
	    cg_freeze(&lb->cg, d->name, lb->timeout_ms) == -1)
		goto fail;
	close(syn[0]);
	d->state = DOM_PAUSED;
	d->priv = rl;
	rl->d = d;
	rl->next = lb->rls;
	lb->rls = rl;
	log_debug("%s: routelet pid %d ready with %u VIFs, paused", d->name,
	    (int)rl->pid, nvifs);
	return 0;

fail:
	if (syn[0] != -1)
		close(syn[0]);
	if (syn[1] != -1)
		close(syn[1]);
	if (ctl[1] != -1)
		close(ctl[1]);
	qnl_close(rl->ns);	/* before the kill: let the namespace go */
	rl->ns = NULL;
	if (lrl_kill(lb, rl, d->name, cg_made) == -1) {
		/* Keep it registered, unowned, for dispatch to reap. */
		rl->next = lb->rls;
		lb->rls = rl;
	} else if (cg_made || vifs_made > 0)
		(void)lrl_release(lb, d->id, vifs_made);
	if (rl->pid <= 0)
		lrl_free(rl);
	d->priv = NULL;
	d->state = DOM_NONE;
	log_warnx("%s: not created; what it took is released", d->name);
	return -1;
}

/* ---- destroy, pause ------------------------------------------------- */

static void
lb_destroy(struct backend *b, struct dom *d)
{
	struct lbe *lb = b->priv;
	struct lrl *rl = d->priv;

	if (rl == NULL) {
		d->state = DOM_NONE;
		return;
	}
	/* The namespace must not outlive the process because of us. */
	qnl_close(rl->ns);
	rl->ns = NULL;
	/* Killed before its control channel closes: a routelet that exits
	 * on EOF would otherwise race the SIGKILL. */
	if (lrl_kill(lb, rl, d->name, 1) == 0) {
		(void)lrl_release(lb, rl->id, rl->nvifs);
		lrl_unlink(lb, rl);
		lrl_free(rl);
	} else
		rl->d = NULL;	/* dispatch reaps and releases it */
	d->priv = NULL;
	d->state = DOM_NONE;
	d->egress_vif = -1;
	log_debug("%s: destroyed", d->name);
}

static int
lb_pause(struct backend *b, struct dom *d)
{
	struct lbe *lb = b->priv;

	if (lrl_live(d, "pause") == NULL)
		return -1;
	if (d->state == DOM_PAUSED)
		return 0;
	if (cg_freeze(&lb->cg, d->name, lb->timeout_ms) == -1)
		return -1;
	d->state = DOM_PAUSED;
	return 0;
}

static int
lb_unpause(struct backend *b, struct dom *d)
{
	struct lbe *lb = b->priv;
	struct lrl *rl;

	if ((rl = lrl_live(d, "unpause")) == NULL)
		return -1;
	if (d->state == DOM_RUNNING)
		return 0;
	if (cg_thaw(&lb->cg, d->name, lb->timeout_ms) == -1)
		return -1;
	d->state = DOM_RUNNING;
	rl->ping_asked = 0;	/* a new run: nothing asked of it yet */
	return 0;
}

/* ---- resources ------------------------------------------------------- */

static int
lb_set_cpu(struct backend *b, struct dom *d, const struct dom_cpu *c)
{
	struct lbe *lb = b->priv;

	if (lrl_live(d, "set_cpu") == NULL)
		return -1;
	return cg_set_cpu(&lb->cg, d->name, c->weight, c->cap);
}

static int
lb_get_cpu(struct backend *b, struct dom *d, struct dom_cpu *c)
{
	struct lbe *lb = b->priv;

	if (lrl_live(d, "get_cpu") == NULL)
		return -1;
	return cg_get_cpu(&lb->cg, d->name, &c->weight, &c->cap);
}

static struct lrl *
vif_check(struct dom *d, unsigned vif, const char *op, char *ifname,
    size_t len)
{
	struct lrl *rl;

	if ((rl = lrl_live(d, op)) == NULL)
		return NULL;
	if (vif >= d->nvifs) {
		log_warnx("%s: %s: no VIF %u (it has %u)", d->name, op, vif,
		    d->nvifs);
		return NULL;
	}
	snprintf(ifname, len, "eth%u", vif);
	return rl;
}

static int
lb_set_rate(struct backend *b, struct dom *d, unsigned vif, uint64_t rate,
    uint64_t burst)
{
	char ifname[IF_NAMESIZE];
	struct lrl *rl;

	(void)b;
	if ((rl = vif_check(d, vif, "set_rate", ifname, sizeof(ifname))) ==
	    NULL)
		return -1;
	return qnl_tbf_set(rl->ns, ifname, rate, burst);
}

static int
lb_get_rate(struct backend *b, struct dom *d, unsigned vif,
    uint64_t *rate_r, uint64_t *burst_r)
{
	char ifname[IF_NAMESIZE];
	struct lrl *rl;

	(void)b;
	if ((rl = vif_check(d, vif, "get_rate", ifname, sizeof(ifname))) ==
	    NULL)
		return -1;
	return qnl_tbf_get(rl->ns, ifname, rate_r, burst_r);
}

/*
 * Every other VIF is closed first, then the one is opened: never two open
 * at once.  Closing all of them each time (a few netlink round trips, on
 * a set-up path) keeps no state that could drift from the kernel's.
 */
static int
lb_set_egress(struct backend *b, struct dom *d, int vif, int port_ifindex)
{
	struct lbe *lb = b->priv;
	unsigned n;

	if (lrl_live(d, "set_egress") == NULL)
		return -1;
	if (vif < -1 || vif >= (int)d->nvifs ||
	    (vif >= 0 && port_ifindex <= 0)) {
		log_warnx("%s: set_egress: VIF %d (-1 to %u), port ifindex "
		    "%d", d->name, vif, d->nvifs - 1, port_ifindex);
		return -1;
	}
	d->egress_vif = -1;
	for (n = 0; n < d->nvifs; n++)
		if ((int)n != vif &&
		    qnl_egress_close(lb->nl, d->vif[n].ifindex) == -1)
			return -1;
	if (vif >= 0) {
		if (qnl_egress_open(lb->nl, d->vif[vif].ifindex,
		    port_ifindex) == -1)
			return -1;
		d->egress_vif = vif;
	}
	return 0;
}

/* ---- control ----------------------------------------------------------- */

static int
lb_configure(struct backend *b, struct dom *d, const struct rlconf *c)
{
	char msg[RLCTL_MSG_MAX];
	struct lrl *rl;
	int n;

	(void)b;
	if ((rl = lrl_live(d, "configure")) == NULL)
		return -1;
	memcpy(msg, "conf\n", 5);
	if ((n = rlconf_format(c, msg + 5, sizeof(msg) - 5)) < 0) {
		log_warnx("%s: configuration (gen %" PRIu64 ") does not fit "
		    "a control message", d->name, c->gen);
		return -1;
	}
	return ctl_send(d, rl, msg, (size_t)n + 5);
}

static int
lb_wait_ack(struct backend *b, struct dom *d, uint64_t gen, int timeout_ms)
{
	static const enum rlreply_kind want[] = { RLR_ACK, RLR_NAK, RLR_BAD };
	char buf[RLCTL_MSG_MAX + 1], why[160];
	struct rlreply rep;
	struct lrl *rl;
	uint64_t deadline = lb_deadline(timeout_ms), g;
	int k;

	(void)b;
	if ((rl = lrl_live(d, "wait_ack")) == NULL)
		return -1;
	if (d->state == DOM_PAUSED) {
		log_warnx("%s: wait_ack: paused, so it cannot answer; "
		    "unpause first", d->name);
		return -1;
	}
	for (;;) {
		if ((k = ctl_reply(d, rl, want, &rep, buf, sizeof(buf),
		    deadline, "an acknowledgement")) == -1)
			return -1;
		g = rep.n;
		rlreply_printable(rep.text != NULL ? rep.text : "", why,
		    sizeof(why));
		if (k == RLR_ACK) {
			if (g > d->acked_gen)
				d->acked_gen = g;
			/* A later one acknowledged: gen was superseded. */
			if (g >= gen)
				return 0;
			continue;
		}
		if (g == 0 || g == gen) {
			log_warnx("%s: routelet refused generation %" PRIu64
			    ": %s", d->name, gen, why[0] ? why : "no reason");
			return -1;
		}
		log_warnx("%s: routelet refused generation %" PRIu64 " (while "
		    "waiting for %" PRIu64 "): %s", d->name, g, gen, why);
	}
}

static int
lb_ping(struct backend *b, struct dom *d, int timeout_ms)
{
	static const enum rlreply_kind want[] = { RLR_PONG, RLR_BAD };
	char buf[RLCTL_MSG_MAX + 1];
	struct rlreply rep;
	struct lrl *rl;

	(void)b;
	if ((rl = lrl_running(d, "ping")) == NULL)
		return -1;
	if (ctl_send(d, rl, "ping", 4) == -1)
		return -1;
	return ctl_reply(d, rl, want, &rep, buf, sizeof(buf),
	    lb_deadline(timeout_ms), "\"pong\"") == -1 ? -1 : 0;
}

/*
 * The answer to the ping asked last time, looked for now, and a new one
 * asked: a routelet has a whole audit period to answer, so one that is
 * only slow (a small CPU cap on a loaded machine) is not replaced, and
 * one that hangs never holds the daemon's loop.
 */
static int
lb_ping_next(struct backend *b, struct dom *d)
{
	char buf[RLCTL_MSG_MAX + 1];
	struct lrl *rl;
	int answered;

	(void)b;
	if ((rl = lrl_running(d, "ping")) == NULL)
		return -1;
	if (ctl_drain(d, rl, buf, sizeof(buf)) == -1)
		return -1;
	answered = !rl->ping_asked || rl->pong_seen;
	if (ctl_send(d, rl, "ping", 4) == -1)
		return -1;
	rl->ping_asked = 1;
	rl->pong_seen = 0;
	return answered ? 0 : 1;
}

static int
lb_stats(struct backend *b, struct dom *d, char *out, size_t len)
{
	static const enum rlreply_kind want[] = { RLR_STATS, RLR_BAD };
	char buf[RLCTL_MSG_MAX + 1];
	struct lbe *lb = b->priv;
	struct rlreply rep;
	struct lrl *rl;
	size_t n;

	if ((rl = lrl_running(d, "stats")) == NULL)
		return -1;
	if (ctl_send(d, rl, "stats", 5) == -1 ||
	    ctl_reply(d, rl, want, &rep, buf, sizeof(buf),
	    lb_deadline(lb->timeout_ms), "\"stats\"") == -1)
		return -1;
	n = strlen(rep.text);
	if (len == 0 || n >= len) {
		log_warnx("%s: stats: %zu bytes do not fit %zu", d->name, n,
		    len);
		return -1;
	}
	memcpy(out, rep.text, n + 1);
	return 0;
}

/*
 * The routelet process's own CPU clock (every thread, user and system
 * time, to the nanosecond): /proc/<pid>/stat counts in clock ticks, too
 * coarse for the fraction of a second start-up calibration lasts.
 */
static int
lb_cpu_time(struct backend *b, struct dom *d, uint64_t *ns_r)
{
	struct timespec ts;
	struct lrl *rl;
	clockid_t cid;
	int e;

	(void)b;
	if ((rl = lrl_live(d, "cpu_time")) == NULL)
		return -1;
	if ((e = clock_getcpuclockid(rl->pid, &cid)) != 0) {
		errno = e;
		log_warn("%s: CPU clock of pid %d", d->name, (int)rl->pid);
		return -1;
	}
	if (clock_gettime(cid, &ts) == -1) {
		log_warn("%s: CPU time of pid %d", d->name, (int)rl->pid);
		return -1;
	}
	*ns_r = (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
	return 0;
}

/* ---- deaths -------------------------------------------------------- */

static int
lb_event_fd(struct backend *b)
{
	struct lbe *lb = b->priv;

	return lb->sfd;
}

static void
lb_dispatch(struct backend *b)
{
	struct lbe *lb = b->priv;
	struct signalfd_siginfo si;
	struct lrl *rl, *next;
	char how[96];
	pid_t r;
	int st;

	/* Drain: one read per pending signal; deaths are found below. */
	while (read(lb->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		;
	for (rl = lb->rls; rl != NULL; rl = next) {
		next = rl->next;
		if (rl->pid <= 0)
			continue;
		r = waitpid(rl->pid, &st, WNOHANG);
		if (r == 0 || (r == -1 && errno != ECHILD)) {
			if (r == -1)
				log_warn("waitpid %d", (int)rl->pid);
			continue;
		}
		if (r == -1)
			snprintf(how, sizeof(how), "was reaped by someone "
			    "else");
		else
			status_str(st, how, sizeof(how));
		if (rl->d == NULL) {
			/* Destroyed earlier, lingered; now it can go. */
			log_debug("rl%" PRIu32 ": pid %d %s at last", rl->id,
			    (int)rl->pid, how);
			rl->pid = 0;
			(void)lrl_release(lb, rl->id, rl->nvifs);
			lrl_unlink(lb, rl);
			lrl_free(rl);
			continue;
		}
		log_warnx("%s: routelet pid %d %s", rl->d->name, (int)rl->pid,
		    how);
		rl->pid = 0;
		rl->d->state = DOM_DEAD;
		rl->died = 1;
	}
	/* on_death may destroy any domain, so rescan after each call. */
again:
	for (rl = lb->rls; rl != NULL; rl = rl->next)
		if (rl->died) {
			rl->died = 0;
			if (b->on_death != NULL && rl->d != NULL) {
				b->on_death(b, rl->d, b->on_death_arg);
				goto again;
			}
		}
}

/* ---- audit ---------------------------------------------------------- */

static int
parse_rl(const char *name, uint32_t *id_r)
{
	unsigned long v;
	char *end;

	if (strncmp(name, "rl", 2) != 0 || name[2] < '0' || name[2] > '9')
		return -1;
	errno = 0;
	v = strtoul(name + 2, &end, 10);
	if (errno != 0 || *end != '\0' || v > QNL_ID_MAX)
		return -1;
	*id_r = (uint32_t)v;
	return 0;
}

struct list_ctx {
	struct lbe	*lb;
	void		(*fn)(uint32_t, const char *, void *);
	void		*arg;
};

static int
list_cg(const char *name, void *arg)
{
	struct list_ctx *x = arg;
	char what[128];
	uint32_t id;
	pid_t pid;
	int n;

	if (parse_rl(name, &id) == 0 && lrl_find(x->lb, id) != NULL)
		return 0;
	n = cg_pids(&x->lb->cg, name, &pid, 1);
	if (n > 0)
		snprintf(what, sizeof(what), "stale cgroup %s/%s, %d task(s), "
		    "pid %d first", x->lb->cg.instance, name, n, (int)pid);
	else
		snprintf(what, sizeof(what), "stale cgroup %s/%s, empty",
		    x->lb->cg.instance, name);
	x->fn(parse_rl(name, &id) == 0 ? id : UINT32_MAX, what, x->arg);
	return 0;
}

static const char *
state_name(enum dom_state s)
{
	switch (s) {
	case DOM_NONE:
		return "none";
	case DOM_PAUSED:
		return "paused";
	case DOM_RUNNING:
		return "running";
	case DOM_DEAD:
		return "dead";
	}
	return "?";
}

static int
lb_list(struct backend *b, void (*fn)(uint32_t, const char *, void *),
    void *arg)
{
	struct lbe *lb = b->priv;
	struct list_ctx x = { lb, fn, arg };
	struct lrl *rl;
	char what[128];

	for (rl = lb->rls; rl != NULL; rl = rl->next) {
		if (rl->d != NULL)
			snprintf(what, sizeof(what), "routelet rl%" PRIu32
			    " pid %d %s", rl->id, (int)rl->pid,
			    state_name(rl->d->state));
		else
			snprintf(what, sizeof(what), "routelet rl%" PRIu32
			    " pid %d destroyed, not yet reaped", rl->id,
			    (int)rl->pid);
		fn(rl->id, what, arg);
	}
	return cg_list(&lb->cg, list_cg, &x) == -1 ? -1 : 0;
}

struct names {
	struct lbe	*lb;
	char		(*v)[CG_NAME_MAX];
	size_t		 n, cap;
	int		 err;
};

/* Collects the groups nobody here owns. */
static int
collect_stale(const char *name, void *arg)
{
	struct names *x = arg;
	void *p;
	uint32_t id;

	if (parse_rl(name, &id) == 0 && lrl_find(x->lb, id) != NULL)
		return 0;
	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 16;
		if ((p = realloc(x->v, x->cap * sizeof(*x->v))) == NULL) {
			log_warn("reap_stale");
			x->err = 1;
			return 1;
		}
		x->v = p;
	}
	snprintf(x->v[x->n++], CG_NAME_MAX, "%s", name);
	return 0;
}

static int
lb_reap_stale(struct backend *b)
{
	struct lbe *lb = b->priv;
	struct names x = { lb, NULL, 0, 0, 0 };
	pid_t pid;
	uint32_t id;
	size_t i;
	int n, rv = 0;

	if (cg_list(&lb->cg, collect_stale, &x) == -1 || x.err)
		rv = -1;
	for (i = 0; i < x.n; i++) {
		n = cg_pids(&lb->cg, x.v[i], &pid, 1);
		/* Its routelets were children of a run that is gone, so
		 * they cannot be reaped here: killed, then waited out. */
		if (cg_kill(&lb->cg, x.v[i], LB_REAP_MS) == -1 ||
		    cg_remove(&lb->cg, x.v[i]) == -1) {
			rv = -1;
			continue;
		}
		if (parse_rl(x.v[i], &id) == 0 &&
		    lrl_release(lb, id, RLCONF_MAX_VIFS) == -1)
			rv = -1;
		log_info("reaped stale cgroup %s/%s (%d task(s) killed)",
		    lb->cg.instance, x.v[i], n > 0 ? n : 0);
	}
	free(x.v);
	return rv;
}

/* ---- open, close ----------------------------------------------------- */

static void
lb_fini(struct backend *b)
{
	struct lbe *lb = b->priv;
	struct lrl *rl;
	sigset_t set;
	int st;

	if (lb == NULL)
		return;
	while ((rl = lb->rls) != NULL) {
		if (rl->d != NULL) {
			log_warnx("%s: still exists at close: destroyed",
			    rl->d->name);
			/* Frees rl, or leaves it unowned at the head. */
			lb_destroy(b, rl->d);
			continue;
		}
		lb->rls = rl->next;
		if (rl->pid > 0 && reap(rl->pid, LB_CLOSE_REAP_MS, &st) ==
		    -1)
			log_warnx("rl%" PRIu32 ": pid %d never exited; left "
			    "as it is", rl->id, (int)rl->pid);
		else
			(void)lrl_release(lb, rl->id, rl->nvifs);
		lrl_free(rl);
	}
	if (lb->sfd != -1)
		close(lb->sfd);
	if (!lb->chld_was_blocked) {
		sigemptyset(&set);
		sigaddset(&set, SIGCHLD);
		(void)pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	}
	qnl_close(lb->nl);
	cg_close(&lb->cg);
	free(lb->instance);
	free(lb->path);
	free(lb->user);
	free(lb);
	b->priv = NULL;
	lb_opened = 0;
}

int
be_local_open(struct backend *b, char *err, size_t errlen)
{
	struct lbe *lb = NULL;
	sigset_t set, old;
	const char *why = NULL;

	if (lb_opened) {
		snprintf(err, errlen, "local backend already open in this "
		    "process (it owns SIGCHLD)");
		return -1;
	}
	if (b->conf.routelet_path == NULL) {
		snprintf(err, errlen, "local backend: no routelet_path");
		return -1;
	}
	if ((lb = calloc(1, sizeof(*lb))) == NULL) {
		snprintf(err, errlen, "local backend: %s", strerror(errno));
		return -1;
	}
	lb->sfd = -1;
	lb->chld_was_blocked = 1;	/* nothing to undo yet */
	lb->timeout_ms = b->conf.ack_timeout_ms > 0 &&
	    b->conf.ack_timeout_ms < INT32_MAX ?
	    (int)b->conf.ack_timeout_ms : LB_TIMEOUT_MS;
	lb->instance = strdup(b->conf.instance ? b->conf.instance : "quasar");
	lb->path = strdup(b->conf.routelet_path);
	lb->user = strdup(b->conf.run_user ? b->conf.run_user : "nobody");
	if (lb->instance == NULL || lb->path == NULL || lb->user == NULL) {
		why = strerror(errno);
		goto fail;
	}
	if (access(lb->path, X_OK) == -1) {
		snprintf(err, errlen, "local backend: routelet %s: %s",
		    lb->path, strerror(errno));
		goto fail_err;
	}
	if (cg_open(&lb->cg, lb->instance) == -1) {
		why = "cannot set up cgroups (see the log)";
		goto fail;
	}
	if ((lb->nl = qnl_open()) == NULL) {
		why = "cannot open a netlink socket (see the log)";
		goto fail;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if ((errno = pthread_sigmask(SIG_BLOCK, &set, &old)) != 0) {
		why = strerror(errno);
		goto fail;
	}
	lb->chld_was_blocked = sigismember(&old, SIGCHLD);
	if ((lb->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1) {
		why = strerror(errno);
		goto fail;
	}
	b->priv = lb;
	b->conf.instance = lb->instance;
	b->conf.routelet_path = lb->path;
	b->conf.run_user = lb->user;
	b->conf.ack_timeout_ms = (unsigned)lb->timeout_ms;
	lb_opened = 1;
	return 0;

fail:
	snprintf(err, errlen, "local backend: %s", why);
fail_err:
	b->priv = lb;
	lb_opened = 1;
	lb_fini(b);
	return -1;
}

static void
lb_info(struct backend *b, struct backend_info *bi)
{
	(void)b;
	/* cgroup shares and quota over the kernel's fair scheduler */
	snprintf(bi->sched, sizeof(bi->sched), "cfs");
	bi->rtds = -1;
}

const struct backend_ops be_local_ops = {
	.name = "local",
	.create = lb_create,
	.destroy = lb_destroy,
	.pause = lb_pause,
	.unpause = lb_unpause,
	.set_cpu = lb_set_cpu,
	.get_cpu = lb_get_cpu,
	.set_rate = lb_set_rate,
	.get_rate = lb_get_rate,
	.set_egress = lb_set_egress,
	.configure = lb_configure,
	.wait_ack = lb_wait_ack,
	.ping = lb_ping,
	.ping_next = lb_ping_next,
	.stats = lb_stats,
	.cpu_time = lb_cpu_time,
	.event_fd = lb_event_fd,
	.dispatch = lb_dispatch,
	.list = lb_list,
	.reap_stale = lb_reap_stale,
	.info = lb_info,
	.fini = lb_fini,
};
