/*
 * The Xen backend: a routelet domain is a PV guest booted from the
 * routelet image (a Debian kernel and an initramfs whose init runs
 * `routelet xen`), made and driven through libxl in this process -- never
 * by running xl.  Its VIF n is netback's vif<domid>.<n> in dom0 and
 * netfront's eth<n> in the guest; the control channel is xenstore
 * (rlxs.h).
 *
 * create():  libxl_domain_create_new (the domain starts paused, its VIFs
 * plugged by our hotplug script, no bridge) -> the quasar/ directory with
 * its permissions -> unpause -> wait for "ready" (the guest booted, opened
 * its VIFs and dropped its privileges) -> pause: DOM_PAUSED.  A booted,
 * paused domain is what the pool keeps, so taking one costs an unpause.
 *
 * The transmit limit is netback's credit scheduler on the VIF: the
 * backend node's "rate" ("<bytes>,<usecs>"), which netback reads at
 * connect and watches afterwards, so dom0 changes it on a running domain
 * with one xenstore write and the guest has no say.  CPU share is the
 * domain's weight and cap in credit2 (or credit).  Egress is closed and
 * opened with the same tc rule as the local backend, on vif<domid>.<n>.
 *
 * Deaths come from libxl's own events: libxl's file descriptors and
 * timeouts are registered through its osevent hooks into one epoll set
 * (with a timerfd for the timeouts) whose fd is event_fd(), so the
 * daemon's poll loop drives libxl and dispatch() reports each death.
 */
#define LIBXL_API_VERSION 0x041300

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <libxl.h>
#include <libxl_utils.h>
#include <xenstore.h>
#include <xentoollog.h>

#include "backend.h"
#include "be_xen.h"
#include "clock.h"
#include "log.h"
#include "nl.h"
#include "rlconf.h"
#include "rlreply.h"
#include "rlxs.h"

#define XB_TIMEOUT_MS	5000	/* ack_timeout_ms when the caller gives 0 */
/* Boot to "ready": about a second on a Xen host, tens of seconds under
 * QEMU's emulation. */
#define XB_BOOT_MS	180000
#define XB_MEMORY_MB	128
/* onexit: a routelet that stops dies, so the pool sees it and replaces it */
#define XB_CMDLINE	"console=hvc0 quiet quasar.onexit=poweroff"
#define XB_PATH_MAX	128
#define XB_NO_DOMID	((uint32_t)INVALID_DOMID)
#define XB_INSTANCE_MAX	19	/* "<instance>-rl1048575" fits a name */

/* One fd registration of libxl's.  libxl may register the same fd twice
 * (with distinct events), which epoll refuses, so each gets a dup. */
struct xfd {
	int	 fd, efd;
	short	 events;
	void	*for_libxl;
};

struct xtmo {
	struct xtmo	*next;
	struct timeval	 abs;
	void		*for_libxl;
};

/* One domain we made. */
struct xdom {
	struct xdom		*next;
	struct dom		*d;
	uint32_t		 domid;
	libxl_evgen_domain_death *evg;
	uint64_t		 seq;	/* ping and stats requests */
	int			 died;	/* reported by libxl, on_death due */
	int			 gone;	/* Xen has no such domain any more */
	int			 egress_ifindex[RLCONF_MAX_VIFS];
};

struct xbe {
	xentoollog_logger	 lg;	/* first: libxl calls us through it */
	libxl_ctx		*ctx;
	struct xs_handle	*xs;
	struct nl_sock		*nl;
	int			 epfd, tfd;
	struct xtmo		*tmos;
	struct xdom		*doms;
	char			 instance[XB_INSTANCE_MAX + 1];
	char			 kernel[XB_PATH_MAX * 2], ramdisk[XB_PATH_MAX * 2];
	char			 vif_script[XB_PATH_MAX * 2];
	unsigned		 memory_mb;
	int			 timeout_ms;
	libxl_scheduler		 sched;
	int			 probing;	/* libxl's errors are expected */
	int			 rtds;
};

/* ---- libxl's log into ours ----------------------------------------- */

static void
xlog_vmessage(xentoollog_logger *l, xentoollog_level level, int errnoval,
    const char *context, const char *fmt, va_list ap)
{
	char msg[512];

	struct xbe *xb = (struct xbe *)l;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (level >= XTL_WARN && !xb->probing) {
		if (errnoval >= 0)
			log_warnx("libxl%s%s: %s: %s", context ? " " : "",
			    context ? context : "", msg, strerror(errnoval));
		else
			log_warnx("libxl%s%s: %s", context ? " " : "",
			    context ? context : "", msg);
	} else if (level >= XTL_DETAIL)
		log_debug("libxl: %s", msg);
}

static void
xlog_progress(xentoollog_logger *l, const char *context, const char *doing,
    int percent, unsigned long done, unsigned long total)
{
	(void)l; (void)context; (void)doing; (void)percent; (void)done;
	(void)total;
}

static void
xlog_destroy(xentoollog_logger *l)
{
	(void)l;
}

/* ---- libxl's events in our loop ------------------------------------ */

static uint32_t
poll_to_epoll(short ev)
{
	return (ev & POLLIN ? EPOLLIN : 0) | (ev & POLLOUT ? EPOLLOUT : 0) |
	    (ev & POLLPRI ? EPOLLPRI : 0);
}

static short
epoll_to_poll(uint32_t ev)
{
	return (short)((ev & EPOLLIN ? POLLIN : 0) |
	    (ev & EPOLLOUT ? POLLOUT : 0) | (ev & EPOLLPRI ? POLLPRI : 0) |
	    (ev & EPOLLERR ? POLLERR : 0) | (ev & EPOLLHUP ? POLLHUP : 0));
}

static int
xh_fd_register(void *user, int fd, void **reg_out, short events,
    void *for_libxl)
{
	struct xbe *xb = user;
	struct epoll_event ee;
	struct xfd *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return ERROR_OSEVENT_REG_FAIL;
	r->fd = fd;
	r->events = events;
	r->for_libxl = for_libxl;
	if ((r->efd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) == -1) {
		log_warn("libxl fd %d", fd);
		free(r);
		return ERROR_OSEVENT_REG_FAIL;
	}
	memset(&ee, 0, sizeof(ee));
	ee.events = poll_to_epoll(events);
	ee.data.ptr = r;
	if (epoll_ctl(xb->epfd, EPOLL_CTL_ADD, r->efd, &ee) == -1) {
		log_warn("epoll add libxl fd %d", fd);
		close(r->efd);
		free(r);
		return ERROR_OSEVENT_REG_FAIL;
	}
	*reg_out = r;
	return 0;
}

static int
xh_fd_modify(void *user, int fd, void **reg_io, short events)
{
	struct xbe *xb = user;
	struct epoll_event ee;
	struct xfd *r = *reg_io;

	(void)fd;
	memset(&ee, 0, sizeof(ee));
	ee.events = poll_to_epoll(events);
	ee.data.ptr = r;
	if (epoll_ctl(xb->epfd, EPOLL_CTL_MOD, r->efd, &ee) == -1) {
		log_warn("epoll modify libxl fd %d", r->fd);
		return ERROR_OSEVENT_REG_FAIL;
	}
	r->events = events;
	return 0;
}

static void
xh_fd_deregister(void *user, int fd, void *reg)
{
	struct xbe *xb = user;
	struct xfd *r = reg;

	(void)fd;
	if (epoll_ctl(xb->epfd, EPOLL_CTL_DEL, r->efd, NULL) == -1)
		log_warn("epoll remove libxl fd %d", r->fd);
	close(r->efd);
	free(r);
}

static int
tv_before(const struct timeval *a, const struct timeval *b)
{
	return a->tv_sec < b->tv_sec ||
	    (a->tv_sec == b->tv_sec && a->tv_usec < b->tv_usec);
}

/* The timerfd fires at the earliest timeout (libxl's clock is the
 * wall clock), or is disarmed when there is none. */
static void
tmo_arm(struct xbe *xb)
{
	struct itimerspec its;
	struct xtmo *t, *first = NULL;

	for (t = xb->tmos; t != NULL; t = t->next)
		if (first == NULL || tv_before(&t->abs, &first->abs))
			first = t;
	memset(&its, 0, sizeof(its));
	if (first != NULL) {
		its.it_value.tv_sec = first->abs.tv_sec;
		its.it_value.tv_nsec = first->abs.tv_usec * 1000L;
		if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
			its.it_value.tv_nsec = 1;	/* "at once" */
	}
	if (timerfd_settime(xb->tfd, TFD_TIMER_ABSTIME, &its, NULL) == -1)
		log_warn("timerfd");
}

static int
xh_timeout_register(void *user, void **reg_out, struct timeval abs,
    void *for_libxl)
{
	struct xbe *xb = user;
	struct xtmo *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return ERROR_OSEVENT_REG_FAIL;
	t->abs = abs;
	t->for_libxl = for_libxl;
	t->next = xb->tmos;
	xb->tmos = t;
	tmo_arm(xb);
	*reg_out = t;
	return 0;
}

static int
xh_timeout_modify(void *user, void **reg_io, struct timeval abs)
{
	struct xbe *xb = user;
	struct xtmo *t = *reg_io;

	t->abs = abs;
	tmo_arm(xb);
	return 0;
}

static void
xh_timeout_deregister(void *user, void *reg)
{
	/* libxl never calls it (libxl_event.h); a registration ends when
	 * it fires. */
	(void)user;
	(void)reg;
}

static const libxl_osevent_hooks xb_hooks = {
	.fd_register = xh_fd_register,
	.fd_modify = xh_fd_modify,
	.fd_deregister = xh_fd_deregister,
	.timeout_register = xh_timeout_register,
	.timeout_modify = xh_timeout_modify,
	.timeout_deregister = xh_timeout_deregister,
};

/* libxl forks hotplug scripts: it reaps its own children and no others. */
static const libxl_childproc_hooks xb_child_hooks = {
	.chldowner = libxl_sigchld_owner_libxl_always_selective_reap,
};

/* Calls libxl back for every expired timeout; each is unlinked first,
 * because libxl may register new ones from inside the call. */
static void
tmo_fire(struct xbe *xb)
{
	struct xtmo **tp, *t;
	struct timeval now;
	uint64_t ticks;

	if (read(xb->tfd, &ticks, sizeof(ticks)) == -1 && errno != EAGAIN)
		log_warn("timerfd read");
again:
	gettimeofday(&now, NULL);
	for (tp = &xb->tmos; (t = *tp) != NULL; tp = &t->next)
		if (!tv_before(&now, &t->abs)) {
			*tp = t->next;
			libxl_osevent_occurred_timeout(xb->ctx, t->for_libxl);
			free(t);
			goto again;
		}
	tmo_arm(xb);
}

/* ---- domains --------------------------------------------------------- */

static struct xdom *
xd_live(struct dom *d, const char *op)
{
	struct xdom *x = d->priv;

	if (x == NULL || d->state == DOM_NONE || d->state == DOM_DEAD) {
		log_warnx("%s: %s: no such live domain", d->name, op);
		return NULL;
	}
	return x;
}

static void
xd_path(char *buf, size_t len, const struct xdom *x, const char *rel)
{
	snprintf(buf, len, "/local/domain/%" PRIu32 "/%s", x->domid, rel);
}

static int
xs_put(struct xbe *xb, xs_transaction_t t, const char *path, const char *v)
{
	if (!xs_write(xb->xs, t, path, v, strlen(v))) {
		log_warn("xenstore write %s", path);
		return -1;
	}
	return 0;
}

/* The domain's quasar/ tree: ours, readable by it; the reply nodes its. */
static int
xd_tree(struct xbe *xb, struct xdom *x, unsigned nvifs)
{
	static const char *const replies[] = { RLXS_READY, RLXS_ACK,
	    RLXS_PONG, RLXS_STATS };
	struct xs_permissions ours[2] = {
		{ .id = 0, .perms = XS_PERM_NONE },
		{ .id = x->domid, .perms = XS_PERM_READ },
	};
	struct xs_permissions its[1] = {
		{ .id = x->domid, .perms = XS_PERM_NONE },
	};
	char path[XB_PATH_MAX], v[16];
	xs_transaction_t t;
	unsigned i, tries;

	for (tries = 0; tries < 8; tries++) {
		if ((t = xs_transaction_start(xb->xs)) == XBT_NULL) {
			log_warn("xenstore transaction");
			return -1;
		}
		xd_path(path, sizeof(path), x, RLXS_DIR);
		if (!xs_mkdir(xb->xs, t, path) ||
		    !xs_set_permissions(xb->xs, t, path, ours, 2))
			goto fail;
		xd_path(path, sizeof(path), x, RLXS_NVIFS);
		snprintf(v, sizeof(v), "%u", nvifs);
		if (xs_put(xb, t, path, v) == -1)
			goto fail;
		for (i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
			xd_path(path, sizeof(path), x, replies[i]);
			if (xs_put(xb, t, path, "") == -1 ||
			    !xs_set_permissions(xb->xs, t, path, its, 1))
				goto fail;
		}
		if (xs_transaction_end(xb->xs, t, false))
			break;
		if (errno != EAGAIN) {
			log_warn("xenstore transaction end");
			return -1;
		}
	}
	/* One token per domain: waits reread what they wait for anyway. */
	xd_path(path, sizeof(path), x, RLXS_DIR);
	snprintf(v, sizeof(v), "%" PRIu32, x->domid);
	if (!xs_watch(xb->xs, path, v)) {
		log_warn("xenstore watch %s", path);
		return -1;
	}
	return 0;
fail:
	log_warn("xenstore %s", path);
	xs_transaction_end(xb->xs, t, true);
	return -1;
}

/*
 * Waits until node rel of the domain holds a value accepted by
 * match(value, arg) (1: done, -1: refused, 0: keep waiting), at most
 * until deadline.  Returns match's verdict, or 0 on timeout.
 */
static int
xd_wait(struct xbe *xb, struct xdom *x, const char *rel,
    int (*match)(const char *, void *), void *arg, uint64_t deadline)
{
	char path[XB_PATH_MAX], **ev;
	struct pollfd pfd;
	unsigned int len;
	uint64_t now;
	char *v;
	int m;

	xd_path(path, sizeof(path), x, rel);
	pfd.fd = xs_fileno(xb->xs);
	pfd.events = POLLIN;
	for (;;) {
		if ((v = xs_read(xb->xs, XBT_NULL, path, &len)) != NULL) {
			m = match(v, arg);
			free(v);
			if (m != 0)
				return m;
		}
		if (x->d != NULL && x->d->state == DOM_DEAD)
			return -1;
		now = clock_mono_ns();
		if (now >= deadline)
			return 0;
		if (poll(&pfd, 1, (int)((deadline - now) / 1000000 + 1)) ==
		    -1 && errno != EINTR) {
			log_warn("poll xenstore");
			return -1;
		}
		while ((ev = xs_check_watch(xb->xs)) != NULL)
			free(ev);
	}
}

static uint64_t
deadline_ms(int ms)
{
	return clock_mono_ns() + (uint64_t)ms * 1000000ull;
}

static int
match_ready(const char *v, void *arg)
{
	char *why = arg, err[128];
	struct rlreply rep;

	if (v[0] == '\0')
		return 0;	/* the node as dom0 made it: no answer yet */
	rlreply_parse(v, &rep, err, sizeof(err));
	if (rep.kind == RLR_READY)
		return 1;
	if (rep.kind == RLR_FAIL) {
		rlreply_printable(v, why, 128);
		return -1;
	}
	if (rep.kind == RLR_BAD)
		log_warnx("%s: %s", RLXS_READY, err);
	return 0;
}

static void
xd_free(struct xbe *xb, struct xdom *x)
{
	struct xdom **xp;

	for (xp = &xb->doms; *xp != NULL; xp = &(*xp)->next)
		if (*xp == x) {
			*xp = x->next;
			break;
		}
	free(x);
}

/* Releases everything of the domain; safe at any stage of create. */
static void
xd_teardown(struct xbe *xb, struct xdom *x)
{
	char path[XB_PATH_MAX], tok[16];
	int rc;

	if (x->evg != NULL) {
		libxl_evdisable_domain_death(xb->ctx, x->evg);
		x->evg = NULL;
	}
	if (x->domid != XB_NO_DOMID) {
		xd_path(path, sizeof(path), x, RLXS_DIR);
		snprintf(tok, sizeof(tok), "%" PRIu32, x->domid);
		(void)xs_unwatch(xb->xs, path, tok);
	}
	if (x->domid != XB_NO_DOMID && !x->gone) {
		if ((rc = libxl_domain_destroy(xb->ctx, x->domid, NULL)) != 0)
			log_warnx("domain %" PRIu32 ": destroy failed (libxl "
			    "error %d)", x->domid, rc);
	}
	xd_free(xb, x);
}

static int
xb_build_config(struct xbe *xb, struct dom *d, unsigned nvifs,
    libxl_domain_config *dc)
{
	libxl_device_nic *nic;
	unsigned i;

	dc->c_info.type = LIBXL_DOMAIN_TYPE_PV;
	if ((dc->c_info.name = strdup(d->name)) == NULL)
		return -1;
	libxl_domain_build_info_init_type(&dc->b_info, LIBXL_DOMAIN_TYPE_PV);
	dc->b_info.max_vcpus = 1;
	if (libxl_cpu_bitmap_alloc(xb->ctx, &dc->b_info.avail_vcpus, 1) != 0)
		return -1;
	libxl_bitmap_set_none(&dc->b_info.avail_vcpus);
	libxl_bitmap_set(&dc->b_info.avail_vcpus, 0);
	dc->b_info.max_memkb = (uint64_t)xb->memory_mb * 1024;
	dc->b_info.target_memkb = dc->b_info.max_memkb;
	if ((dc->b_info.kernel = strdup(xb->kernel)) == NULL ||
	    (dc->b_info.ramdisk = strdup(xb->ramdisk)) == NULL ||
	    (dc->b_info.cmdline = strdup(XB_CMDLINE)) == NULL)
		return -1;
	/* A routelet that stops for any reason is gone: the pool replaces
	 * it rather than Xen restarting it behind the daemon's back. */
	dc->on_poweroff = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
	dc->on_reboot = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
	dc->on_crash = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
	dc->on_watchdog = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
	if ((dc->nics = calloc(nvifs, sizeof(*dc->nics))) == NULL)
		return -1;
	for (i = 0; i < nvifs; i++) {
		nic = &dc->nics[i];
		libxl_device_nic_init(nic);
		dc->num_nics++;
		nic->devid = (int)i;
		nic->nictype = LIBXL_NIC_TYPE_VIF;
		memcpy(nic->mac, d->vif[i].mac, 6);
		if ((nic->script = strdup(xb->vif_script)) == NULL)
			return -1;
	}
	return 0;
}

static int
xb_create(struct backend *b, struct dom *d, unsigned nvifs)
{
	struct xbe *xb = b->priv;
	libxl_domain_config dc;
	struct xdom *x;
	char why[128] = "";
	uint64_t t0;
	unsigned i;
	int rc, r;

	d->priv = NULL;
	d->state = DOM_NONE;
	d->acked_gen = 0;
	d->egress_vif = -1;
	if (nvifs == 0 || nvifs > RLCONF_MAX_VIFS || d->id > QNL_ID_MAX) {
		log_warnx("create: %u VIFs, id %" PRIu32 ": out of range",
		    nvifs, d->id);
		return -1;
	}
	snprintf(d->name, sizeof(d->name), "%.*s-rl%" PRIu32,
	    XB_INSTANCE_MAX, xb->instance, d->id);
	d->nvifs = nvifs;
	for (i = 0; i < nvifs; i++)
		qnl_vif_mac(d->id, i, QNL_END_ROUTELET, d->vif[i].mac);
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		log_warn("create");
		return -1;
	}
	x->d = d;
	x->domid = XB_NO_DOMID;
	x->next = xb->doms;
	xb->doms = x;

	t0 = clock_mono_ns();
	libxl_domain_config_init(&dc);
	if (xb_build_config(xb, d, nvifs, &dc) == -1) {
		log_warn("%s: domain configuration", d->name);
		libxl_domain_config_dispose(&dc);
		xd_teardown(xb, x);
		return -1;
	}
	rc = libxl_domain_create_new(xb->ctx, &dc, &x->domid, NULL, NULL);
	libxl_domain_config_dispose(&dc);
	if (rc != 0) {
		log_warnx("%s: libxl could not create the domain (error %d; "
		    "the libxl lines above say why)", d->name, rc);
		xd_teardown(xb, x);
		return -1;
	}
	d->priv = x;
	d->state = DOM_PAUSED;	/* libxl leaves a new domain paused */
	if ((rc = libxl_evenable_domain_death(xb->ctx, x->domid, 0,
	    &x->evg)) != 0) {
		log_warnx("%s: death events (libxl error %d)", d->name, rc);
		goto fail;
	}
	for (i = 0; i < nvifs; i++) {
		snprintf(d->vif[i].ifname, sizeof(d->vif[i].ifname),
		    "vif%" PRIu32 ".%u", x->domid, i);
		if ((r = qnl_ifindex(xb->nl, d->vif[i].ifname)) <= 0) {
			log_warnx("%s: %s: not in dom0 after create", d->name,
			    d->vif[i].ifname);
			goto fail;
		}
		d->vif[i].ifindex = r;
		/* Closed until set_egress names it (backend.h). */
		if (qnl_egress_init(xb->nl, r) == -1)
			goto fail;
	}
	if (xd_tree(xb, x, nvifs) == -1)
		goto fail;
	/* Boot it, so what the pool holds is a routelet ready to forward. */
	if ((rc = libxl_domain_unpause(xb->ctx, x->domid, NULL)) != 0) {
		log_warnx("%s: unpause to boot (libxl error %d)", d->name, rc);
		goto fail;
	}
	d->state = DOM_RUNNING;
	r = xd_wait(xb, x, RLXS_READY, match_ready, why,
	    deadline_ms(XB_BOOT_MS));
	if (r != 1) {
		log_warnx("%s: domain %" PRIu32 " %s", d->name, x->domid,
		    r == 0 ? "did not say ready in time (its console log "
		    "says why)" : why[0] ? why : "died while booting");
		goto fail;
	}
	if ((rc = libxl_domain_pause(xb->ctx, x->domid, NULL)) != 0) {
		log_warnx("%s: pause (libxl error %d)", d->name, rc);
		goto fail;
	}
	d->state = DOM_PAUSED;
	log_debug("%s: domain %" PRIu32 " booted and paused in %" PRIu64
	    " ms", d->name, x->domid, (clock_mono_ns() - t0) / 1000000);
	return 0;
fail:
	d->priv = NULL;
	d->state = DOM_NONE;
	xd_teardown(xb, x);
	return -1;
}

static void
xb_destroy(struct backend *b, struct dom *d)
{
	struct xbe *xb = b->priv;
	struct xdom *x = d->priv;

	if (x == NULL)
		return;
	d->priv = NULL;
	d->state = DOM_NONE;
	xd_teardown(xb, x);
}

static int
xb_pause(struct backend *b, struct dom *d)
{
	struct xbe *xb = b->priv;
	struct xdom *x;
	int rc;

	if ((x = xd_live(d, "pause")) == NULL)
		return -1;
	if ((rc = libxl_domain_pause(xb->ctx, x->domid, NULL)) != 0) {
		log_warnx("%s: pause (libxl error %d)", d->name, rc);
		return -1;
	}
	d->state = DOM_PAUSED;
	return 0;
}

static int
xb_unpause(struct backend *b, struct dom *d)
{
	struct xbe *xb = b->priv;
	struct xdom *x;
	int rc;

	if ((x = xd_live(d, "unpause")) == NULL)
		return -1;
	if ((rc = libxl_domain_unpause(xb->ctx, x->domid, NULL)) != 0) {
		log_warnx("%s: unpause (libxl error %d)", d->name, rc);
		return -1;
	}
	d->state = DOM_RUNNING;
	return 0;
}

static int
xb_set_cpu(struct backend *b, struct dom *d, const struct dom_cpu *c)
{
	struct xbe *xb = b->priv;
	libxl_domain_sched_params p;
	struct xdom *x;
	int rc;

	if ((x = xd_live(d, "set_cpu")) == NULL)
		return -1;
	if (c->weight < 1 || c->weight > 10000 || c->cap > 100) {
		log_warnx("%s: CPU weight %" PRIu32 " cap %" PRIu32 "%%: out "
		    "of range", d->name, c->weight, c->cap);
		return -1;
	}
	libxl_domain_sched_params_init(&p);
	if ((rc = libxl_domain_sched_params_get(xb->ctx, x->domid, &p)) == 0) {
		p.weight = (int)c->weight;
		p.cap = (int)c->cap;
		rc = libxl_domain_sched_params_set(xb->ctx, x->domid, &p);
	}
	libxl_domain_sched_params_dispose(&p);
	if (rc != 0) {
		log_warnx("%s: CPU weight/cap (libxl error %d)", d->name, rc);
		return -1;
	}
	return 0;
}

static int
xb_get_cpu(struct backend *b, struct dom *d, struct dom_cpu *c)
{
	struct xbe *xb = b->priv;
	libxl_domain_sched_params p;
	struct xdom *x;
	int rc;

	if ((x = xd_live(d, "get_cpu")) == NULL)
		return -1;
	libxl_domain_sched_params_init(&p);
	rc = libxl_domain_sched_params_get(xb->ctx, x->domid, &p);
	if (rc == 0) {
		c->weight = p.weight > 0 ? (uint32_t)p.weight : 0;
		c->cap = p.cap > 0 ? (uint32_t)p.cap : 0;
	}
	libxl_domain_sched_params_dispose(&p);
	if (rc != 0) {
		log_warnx("%s: CPU weight/cap (libxl error %d)", d->name, rc);
		return -1;
	}
	return 0;
}

static void
rate_path(char *buf, size_t len, const struct xdom *x, unsigned vif)
{
	snprintf(buf, len, "/local/domain/0/backend/vif/%" PRIu32 "/%u/rate",
	    x->domid, vif);
}

/*
 * netback's credit: <bytes> every <usecs>.  A bucket of burst bytes
 * refilled at rate: the interval is the time rate takes to send burst.
 */
static int
xb_set_rate(struct backend *b, struct dom *d, unsigned vif, uint64_t rate,
    uint64_t burst)
{
	struct xbe *xb = b->priv;
	char path[XB_PATH_MAX], v[48];
	struct xdom *x;
	uint64_t usecs, bytes;

	if ((x = xd_live(d, "set_rate")) == NULL)
		return -1;
	if (vif >= d->nvifs) {
		log_warnx("%s: set_rate: no VIF %u", d->name, vif);
		return -1;
	}
	rate_path(path, sizeof(path), x, vif);
	if (rate == 0) {
		/* No node: netback's default, unlimited. */
		if (!xs_rm(xb->xs, XBT_NULL, path) && errno != ENOENT) {
			log_warn("xenstore rm %s", path);
			return -1;
		}
		return 0;
	}
	if (burst == 0)
		burst = rate / 100 > 1514 ? rate / 100 : 1514;
	usecs = burst * 1000000ull / rate;
	if (usecs == 0)
		usecs = 1;
	if (usecs > 1000000)
		usecs = 1000000;	/* netback's timer: a second at most */
	bytes = rate * usecs / 1000000ull;
	if (bytes == 0 || bytes > UINT32_MAX) {
		log_warnx("%s: rate %" PRIu64 " B/s, burst %" PRIu64 ": out "
		    "of netback's range", d->name, rate, burst);
		return -1;
	}
	snprintf(v, sizeof(v), "%" PRIu64 ",%" PRIu64, bytes, usecs);
	return xs_put(xb, XBT_NULL, path, v);
}

static int
xb_get_rate(struct backend *b, struct dom *d, unsigned vif,
    uint64_t *rate_r, uint64_t *burst_r)
{
	struct xbe *xb = b->priv;
	char path[XB_PATH_MAX], *v;
	unsigned long long bytes, usecs;
	unsigned int len;
	struct xdom *x;

	if ((x = xd_live(d, "get_rate")) == NULL)
		return -1;
	if (vif >= d->nvifs) {
		log_warnx("%s: get_rate: no VIF %u", d->name, vif);
		return -1;
	}
	rate_path(path, sizeof(path), x, vif);
	*rate_r = *burst_r = 0;
	if ((v = xs_read(xb->xs, XBT_NULL, path, &len)) == NULL)
		return errno == ENOENT ? 0 : -1;
	if (sscanf(v, "%llu,%llu", &bytes, &usecs) != 2 || usecs == 0) {
		log_warnx("%s: %s: '%s' is not <bytes>,<usecs>", d->name,
		    path, v);
		free(v);
		return -1;
	}
	free(v);
	*rate_r = bytes * 1000000ull / usecs;
	*burst_r = bytes;
	return 0;
}

static int
xb_set_egress(struct backend *b, struct dom *d, int vif, int port_ifindex)
{
	struct xbe *xb = b->priv;
	unsigned i;

	if (xd_live(d, "set_egress") == NULL)
		return -1;
	if (vif >= (int)d->nvifs || (vif >= 0 && port_ifindex <= 0)) {
		log_warnx("%s: set_egress: VIF %d to port %d: no such VIF or "
		    "port", d->name, vif, port_ifindex);
		return -1;
	}
	for (i = 0; i < d->nvifs; i++)
		if ((int)i != vif && qnl_egress_close(xb->nl,
		    d->vif[i].ifindex) == -1)
			return -1;
	if (vif >= 0 && qnl_egress_open(xb->nl, d->vif[vif].ifindex,
	    port_ifindex) == -1)
		return -1;
	d->egress_vif = vif;
	return 0;
}

/* Every key in one transaction, conf/gen last: the routelet watches gen
 * and reads the rest in a transaction of its own. */
static int
xb_configure(struct backend *b, struct dom *d, const struct rlconf *c)
{
	struct xbe *xb = b->priv;
	char path[XB_PATH_MAX], rel[48], v[RLXS_VALUE_MAX];
	xs_transaction_t t;
	struct xdom *x;
	unsigned k, tries;
	enum rlconf_key key;

	if ((x = xd_live(d, "configure")) == NULL)
		return -1;
	for (tries = 0; tries < 8; tries++) {
		if ((t = xs_transaction_start(xb->xs)) == XBT_NULL) {
			log_warn("xenstore transaction");
			return -1;
		}
		for (k = 0; k < RLCONF_K_COUNT; k++) {
			key = (enum rlconf_key)((k + 1) % RLCONF_K_COUNT);
			snprintf(rel, sizeof(rel), "%s/%s", RLXS_CONF,
			    rlconf_key_names[key]);
			xd_path(path, sizeof(path), x, rel);
			if (!((c->set >> key) & 1)) {
				if (!xs_rm(xb->xs, t, path) && errno != ENOENT)
					goto fail;
				continue;
			}
			if (rlconf_get(c, key, v, sizeof(v)) < 0 ||
			    xs_put(xb, t, path, v) == -1)
				goto fail;
		}
		if (xs_transaction_end(xb->xs, t, false))
			return 0;
		if (errno != EAGAIN) {
			log_warn("xenstore transaction end");
			return -1;
		}
	}
	log_warnx("%s: configuration: xenstore busy", d->name);
	return -1;
fail:
	log_warn("%s: configuration %s", d->name, path);
	xs_transaction_end(xb->xs, t, true);
	return -1;
}

struct ack_wait {
	struct dom	*d;
	uint64_t	 gen;
};

static int
match_ack(const char *v, void *arg)
{
	struct ack_wait *w = arg;
	struct rlreply rep;
	char err[128];
	uint64_t g;

	if (v[0] == '\0')
		return 0;
	rlreply_parse(v, &rep, err, sizeof(err));
	if (rep.kind == RLR_BAD)
		log_warnx("%s: %s: %s", w->d->name, RLXS_ACK, err);
	if (rep.kind != RLR_ACK && rep.kind != RLR_NAK)
		return 0;
	g = rep.n;
	if (rep.kind == RLR_ACK) {
		if (g > w->d->acked_gen)
			w->d->acked_gen = g;
		return g >= w->gen ? 1 : 0;
	}
	if (g == w->gen) {
		log_warnx("%s: routelet refused generation %" PRIu64 ": %s",
		    w->d->name, w->gen, rlreply_printable(rep.text, err,
		    sizeof(err)));
		return -1;
	}
	return 0;
}

static int
xb_wait_ack(struct backend *b, struct dom *d, uint64_t gen, int timeout_ms)
{
	struct xbe *xb = b->priv;
	struct ack_wait w = { d, gen };
	struct xdom *x;
	int r;

	if ((x = xd_live(d, "wait_ack")) == NULL)
		return -1;
	if (d->state == DOM_PAUSED) {
		log_warnx("%s: wait_ack: paused, so it cannot answer; "
		    "unpause first", d->name);
		return -1;
	}
	r = xd_wait(xb, x, RLXS_ACK, match_ack, &w,
	    deadline_ms(timeout_ms > 0 ? timeout_ms : xb->timeout_ms));
	if (r == 0)
		log_warnx("%s: no acknowledgement of generation %" PRIu64
		    " in %d ms", d->name, gen, timeout_ms);
	return r == 1 ? 0 : -1;
}

struct seq_wait {
	uint64_t	 seq;
	char		*out;
	size_t		 len;
};

/* "<seq> ..." (pong) or "<seq>\n..." (stats) */
static int
match_seq(const char *v, void *arg)
{
	struct seq_wait *w = arg;
	const char *rest;
	char err[128];
	uint64_t s;
	size_t n;

	if (rlreply_seq(v, &s, &rest) == -1 || s != w->seq)
		return 0;
	if (w->out != NULL) {
		if (rlreply_stats_check(rest, err, sizeof(err)) == -1) {
			log_warnx("stats: %s", err);
			return -1;
		}
		n = strlen(rest);
		if (n >= w->len) {
			log_warnx("stats: %zu bytes do not fit %zu", n,
			    w->len);
			return -1;
		}
		memcpy(w->out, rest, n + 1);
	}
	return 1;
}

static int
xd_request(struct xbe *xb, struct dom *d, const char *op, const char *req,
    const char *reply, char *out, size_t len, int timeout_ms)
{
	struct seq_wait w = { 0, out, len };
	char path[XB_PATH_MAX], v[32];
	struct xdom *x;
	int r;

	if ((x = xd_live(d, op)) == NULL)
		return -1;
	if (d->state != DOM_RUNNING) {
		log_warnx("%s: %s: paused, so it cannot answer", d->name, op);
		return -1;
	}
	w.seq = ++x->seq;
	xd_path(path, sizeof(path), x, req);
	snprintf(v, sizeof(v), "%" PRIu64, w.seq);
	if (xs_put(xb, XBT_NULL, path, v) == -1)
		return -1;
	r = xd_wait(xb, x, reply, match_seq, &w, deadline_ms(timeout_ms));
	if (r == 0)
		log_warnx("%s: %s: no answer in %d ms", d->name, op,
		    timeout_ms);
	return r == 1 ? 0 : -1;
}

static int
xb_ping(struct backend *b, struct dom *d, int timeout_ms)
{
	return xd_request(b->priv, d, "ping", RLXS_PING, RLXS_PONG, NULL, 0,
	    timeout_ms);
}

static int
xb_stats(struct backend *b, struct dom *d, char *out, size_t len)
{
	struct xbe *xb = b->priv;

	return xd_request(xb, d, "stats", RLXS_STATS_REQ, RLXS_STATS, out,
	    len, xb->timeout_ms);
}

/* The domain's CPU time as the hypervisor counts it, every vCPU. */
static int
xb_cpu_time(struct backend *b, struct dom *d, uint64_t *ns_r)
{
	struct xbe *xb = b->priv;
	libxl_dominfo info;
	struct xdom *x;
	int rc;

	if ((x = xd_live(d, "cpu_time")) == NULL)
		return -1;
	libxl_dominfo_init(&info);
	if ((rc = libxl_domain_info(xb->ctx, &info, x->domid)) == 0)
		*ns_r = info.cpu_time;
	libxl_dominfo_dispose(&info);
	if (rc != 0) {
		log_warnx("%s: CPU time (libxl error %d)", d->name, rc);
		return -1;
	}
	return 0;
}

/* ---- deaths ---------------------------------------------------------- */

static int
xb_event_fd(struct backend *b)
{
	struct xbe *xb = b->priv;

	return xb->epfd;
}

static struct xdom *
xd_by_domid(struct xbe *xb, uint32_t domid)
{
	struct xdom *x;

	for (x = xb->doms; x != NULL; x = x->next)
		if (x->domid == domid)
			return x;
	return NULL;
}

static void
xb_dispatch(struct backend *b)
{
	struct xbe *xb = b->priv;
	struct epoll_event ee;
	libxl_event *ev;
	struct xdom *x;
	struct xfd *r;

	/* One at a time: a callback may deregister another's fd. */
	while (epoll_wait(xb->epfd, &ee, 1, 0) == 1) {
		if (ee.data.ptr == NULL) {
			tmo_fire(xb);
			continue;
		}
		r = ee.data.ptr;
		libxl_osevent_occurred_fd(xb->ctx, r->for_libxl, r->fd,
		    r->events, epoll_to_poll(ee.events));
	}
	while (libxl_event_check(xb->ctx, &ev, LIBXL_EVENTMASK_ALL, NULL,
	    NULL) == 0) {
		if ((ev->type == LIBXL_EVENT_TYPE_DOMAIN_DEATH ||
		    ev->type == LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN) &&
		    (x = xd_by_domid(xb, ev->domid)) != NULL &&
		    x->d != NULL && x->d->state != DOM_DEAD) {
			log_warnx("%s: domain %" PRIu32 " %s", x->d->name,
			    x->domid, ev->type ==
			    LIBXL_EVENT_TYPE_DOMAIN_DEATH ? "died" :
			    "shut down");
			x->d->state = DOM_DEAD;
			x->died = 1;
		}
		if (ev->type == LIBXL_EVENT_TYPE_DOMAIN_DEATH &&
		    (x = xd_by_domid(xb, ev->domid)) != NULL)
			x->gone = 1;
		libxl_event_free(xb->ctx, ev);
	}
	/* on_death may destroy any domain, so rescan after each call. */
again:
	for (x = xb->doms; x != NULL; x = x->next)
		if (x->died) {
			x->died = 0;
			if (b->on_death != NULL && x->d != NULL) {
				b->on_death(b, x->d, b->on_death_arg);
				goto again;
			}
		}
}

/* ---- audit ----------------------------------------------------------- */

/* Ours: "<instance>-rl<id>".  The id, or -1. */
static int
xb_parse_name(struct xbe *xb, const char *name, uint32_t *id_r)
{
	size_t n = strlen(xb->instance);
	unsigned long v;
	char *end;

	if (name == NULL || strncmp(name, xb->instance, n) != 0 ||
	    strncmp(name + n, "-rl", 3) != 0 || name[n + 3] < '0' ||
	    name[n + 3] > '9')
		return -1;
	errno = 0;
	v = strtoul(name + n + 3, &end, 10);
	if (errno != 0 || *end != '\0' || v > QNL_ID_MAX)
		return -1;
	*id_r = (uint32_t)v;
	return 0;
}

static int
xb_list(struct backend *b, void (*fn)(uint32_t, const char *, void *),
    void *arg)
{
	struct xbe *xb = b->priv;
	libxl_dominfo *info;
	struct xdom *x;
	char what[160], *name;
	uint32_t id;
	int i, n;

	if ((info = libxl_list_domain(xb->ctx, &n)) == NULL) {
		log_warnx("libxl: cannot list domains");
		return -1;
	}
	for (i = 0; i < n; i++) {
		name = libxl_domid_to_name(xb->ctx, info[i].domid);
		if (xb_parse_name(xb, name, &id) == 0) {
			x = xd_by_domid(xb, info[i].domid);
			snprintf(what, sizeof(what), "%s domain %s %" PRIu32
			    " %s", x != NULL ? "routelet" : "stale", name,
			    info[i].domid, info[i].paused ? "paused" :
			    info[i].dying ? "dying" : info[i].shutdown ?
			    "shut down" : "running");
			fn(id, what, arg);
		}
		free(name);
	}
	libxl_dominfo_list_free(info, n);
	return 0;
}

static int
xb_reap_stale(struct backend *b)
{
	struct xbe *xb = b->priv;
	libxl_dominfo *info;
	char *name;
	uint32_t id;
	int i, n, rc, bad = 0;

	if ((info = libxl_list_domain(xb->ctx, &n)) == NULL) {
		log_warnx("libxl: cannot list domains");
		return -1;
	}
	for (i = 0; i < n; i++) {
		name = libxl_domid_to_name(xb->ctx, info[i].domid);
		if (xb_parse_name(xb, name, &id) == 0 &&
		    xd_by_domid(xb, info[i].domid) == NULL) {
			log_info("destroying domain %s (%" PRIu32 ") a "
			    "previous run left", name, info[i].domid);
			if ((rc = libxl_domain_destroy(xb->ctx, info[i].domid,
			    NULL)) != 0) {
				log_warnx("domain %" PRIu32 ": destroy "
				    "failed (libxl error %d)", info[i].domid,
				    rc);
				bad = 1;
			}
		}
		free(name);
	}
	libxl_dominfo_list_free(info, n);
	return bad ? -1 : 0;
}

static void
xb_fini(struct backend *b)
{
	struct xbe *xb = b->priv;
	struct xtmo *t;

	if (xb == NULL)
		return;
	while (xb->doms != NULL) {
		if (xb->doms->d != NULL) {
			xb->doms->d->priv = NULL;
			xb->doms->d->state = DOM_NONE;
		}
		xd_teardown(xb, xb->doms);
	}
	if (xb->ctx != NULL)
		libxl_ctx_free(xb->ctx);	/* deregisters its fds */
	while ((t = xb->tmos) != NULL) {
		xb->tmos = t->next;
		free(t);
	}
	if (xb->xs != NULL)
		xs_close(xb->xs);
	if (xb->nl != NULL)
		qnl_close(xb->nl);
	if (xb->tfd != -1)
		close(xb->tfd);
	if (xb->epfd != -1)
		close(xb->epfd);
	free(xb);
	b->priv = NULL;
}

static void
xb_info(struct backend *b, struct backend_info *bi)
{
	struct xbe *xb = b->priv;

	snprintf(bi->sched, sizeof(bi->sched), "%s",
	    libxl_scheduler_to_string(xb->sched));
	bi->rtds = xb->rtds;
}

/*
 * RTDS would give each routelet a budget per period, the paper's ideal;
 * Debian's Xen is built without it.  Ask the hypervisor: a cpupool with
 * RTDS cannot be made when the scheduler is not compiled in.
 */
static int
xb_have_rtds(struct xbe *xb)
{
	libxl_bitmap cpus;
	libxl_uuid uuid;
	uint32_t poolid = LIBXL_CPUPOOL_POOLID_ANY;
	char name[80];
	int rc;

	snprintf(name, sizeof(name), "%s-rtds-probe", xb->instance);
	libxl_bitmap_init(&cpus);
	if (libxl_cpu_bitmap_alloc(xb->ctx, &cpus, 0) != 0)
		return 0;
	libxl_bitmap_set_none(&cpus);
	libxl_uuid_generate(&uuid);
	xb->probing = 1;
	rc = libxl_cpupool_create(xb->ctx, name, LIBXL_SCHEDULER_RTDS, cpus,
	    &uuid, &poolid);
	xb->probing = 0;
	libxl_bitmap_dispose(&cpus);
	if (rc != 0)
		return 0;
	(void)libxl_cpupool_destroy(xb->ctx, poolid);
	return 1;
}

int
be_xen_open(struct backend *b, char *err, size_t errlen)
{
	const struct backend_conf *bc = &b->conf;
	struct xbe *xb;
	struct epoll_event ee;
	int rc;

	if (bc->kernel == NULL || bc->ramdisk == NULL || bc->vif_script ==
	    NULL) {
		snprintf(err, errlen, "backend xen: needs the routelet "
		    "image's kernel and ramdisk, and the VIF script");
		return -1;
	}
	if (access(bc->kernel, R_OK) == -1 || access(bc->ramdisk, R_OK) ==
	    -1 || access(bc->vif_script, X_OK) == -1) {
		snprintf(err, errlen, "backend xen: %s: %s",
		    access(bc->kernel, R_OK) == -1 ? bc->kernel :
		    access(bc->ramdisk, R_OK) == -1 ? bc->ramdisk :
		    bc->vif_script, strerror(errno));
		return -1;
	}
	if (bc->instance == NULL || strlen(bc->instance) > XB_INSTANCE_MAX) {
		snprintf(err, errlen, "backend xen: instance name '%s' is "
		    "longer than %d characters", bc->instance ? bc->instance :
		    "", XB_INSTANCE_MAX);
		return -1;
	}
	if ((xb = calloc(1, sizeof(*xb))) == NULL) {
		snprintf(err, errlen, "backend xen: %s", strerror(errno));
		return -1;
	}
	xb->epfd = xb->tfd = -1;
	b->priv = xb;
	snprintf(xb->instance, sizeof(xb->instance), "%s", bc->instance);
	snprintf(xb->kernel, sizeof(xb->kernel), "%s", bc->kernel);
	snprintf(xb->ramdisk, sizeof(xb->ramdisk), "%s", bc->ramdisk);
	snprintf(xb->vif_script, sizeof(xb->vif_script), "%s", bc->vif_script);
	xb->memory_mb = bc->memory_mb ? bc->memory_mb : XB_MEMORY_MB;
	xb->timeout_ms = bc->ack_timeout_ms ? (int)bc->ack_timeout_ms :
	    XB_TIMEOUT_MS;
	xb->lg.vmessage = xlog_vmessage;
	xb->lg.progress = xlog_progress;
	xb->lg.destroy = xlog_destroy;

	if ((xb->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    (xb->tfd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK |
	    TFD_CLOEXEC)) == -1) {
		snprintf(err, errlen, "backend xen: epoll/timerfd: %s",
		    strerror(errno));
		goto fail;
	}
	memset(&ee, 0, sizeof(ee));
	ee.events = EPOLLIN;
	ee.data.ptr = NULL;	/* the timerfd */
	if (epoll_ctl(xb->epfd, EPOLL_CTL_ADD, xb->tfd, &ee) == -1) {
		snprintf(err, errlen, "backend xen: epoll: %s",
		    strerror(errno));
		goto fail;
	}
	if ((rc = libxl_ctx_alloc(&xb->ctx, LIBXL_VERSION, 0, &xb->lg)) !=
	    0) {
		xb->ctx = NULL;
		snprintf(err, errlen, "backend xen: libxl: no context (error "
		    "%d): is this dom0 of a Xen host, with xenstored "
		    "running and /proc/xen mounted?", rc);
		goto fail;
	}
	libxl_osevent_register_hooks(xb->ctx, &xb_hooks, xb);
	libxl_childproc_setmode(xb->ctx, &xb_child_hooks, NULL);
	if ((xb->xs = xs_open(0)) == NULL) {
		snprintf(err, errlen, "backend xen: xenstore: %s",
		    strerror(errno));
		goto fail;
	}
	if (xs_fileno(xb->xs) == -1) {
		snprintf(err, errlen, "backend xen: xenstore watches: %s",
		    strerror(errno));
		goto fail;
	}
	if ((xb->nl = qnl_open()) == NULL) {
		snprintf(err, errlen, "backend xen: netlink socket");
		goto fail;
	}
	xb->sched = libxl_get_scheduler(xb->ctx);
	if ((xb->rtds = xb_have_rtds(xb)) == 1)
		log_info("backend xen: scheduler %s; RTDS is available",
		    libxl_scheduler_to_string(xb->sched));
	else
		log_info("backend xen: scheduler %s; RTDS is not built into "
		    "this Xen, so routelets get %s weights and caps",
		    libxl_scheduler_to_string(xb->sched),
		    libxl_scheduler_to_string(xb->sched));
	return 0;
fail:
	xb_fini(b);
	return -1;
}

const struct backend_ops be_xen_ops = {
	.name = "xen",
	.create = xb_create,
	.destroy = xb_destroy,
	.pause = xb_pause,
	.unpause = xb_unpause,
	.set_cpu = xb_set_cpu,
	.get_cpu = xb_get_cpu,
	.set_rate = xb_set_rate,
	.get_rate = xb_get_rate,
	.set_egress = xb_set_egress,
	.configure = xb_configure,
	.wait_ack = xb_wait_ack,
	.ping = xb_ping,
	.stats = xb_stats,
	.cpu_time = xb_cpu_time,
	.event_fd = xb_event_fd,
	.dispatch = xb_dispatch,
	.list = xb_list,
	.reap_stale = xb_reap_stale,
	.info = xb_info,
	.fini = xb_fini,
};
