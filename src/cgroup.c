/*
 * Control groups, v1 and v2 (see cgroup.h).
 *
 * The low-level file helpers log the path and the reason when they fail,
 * so callers only return -1: each failure is logged once, where the path
 * that names the group and the file is known.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "clock.h"
#include "log.h"

#define CG_V2_ROOT	"/sys/fs/cgroup"
#define CG_V2_PROBE	CG_V2_ROOT "/cgroup.controllers"
#define CG_CAP_MAX	(100u * 1024u)	/* 1024 CPUs' worth */
#define CG_KILL_BATCH	64

/* ---- small file and time helpers ---------------------------------- */

static int
cg_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, rv = -1;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1) {
		log_warn("cgroup: open %s", path);
		return -1;
	}
	n = write(fd, val, len);
	if (n == -1)
		log_warn("cgroup: write '%s' to %s", val, path);
	else if ((size_t)n != len)
		log_warnx("cgroup: short write of '%s' to %s", val, path);
	else
		rv = 0;
	if (close(fd) == -1 && rv == 0) {
		/* cgroup files report some refusals only at close. */
		log_warn("cgroup: close %s after writing '%s'", path, val);
		rv = -1;
	}
	return rv;
}

/* Reads a small file whole, NUL-terminated, trailing newline removed. */
static int
cg_read(const char *path, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("cgroup: open %s", path);
		return -1;
	}
	while (got + 1 < len) {
		n = read(fd, buf + got, len - 1 - got);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			log_warn("cgroup: read %s", path);
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	while (got > 0 && buf[got - 1] == '\n')
		buf[--got] = '\0';
	return 0;
}

static int
cg_fmt(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
cg_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		log_warnx("cgroup: path too long: %s...", buf);
		return -1;
	}
	return 0;
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Sleeps a little longer each time: quick for the common fast case,
 * gentle on the CPU when something takes its time. */
static void
backoff(unsigned *us)
{
	struct timespec ts;

	if (*us < 100)
		*us = 100;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)*us * 1000;
	nanosleep(&ts, NULL);
	if (*us < 10000)
		*us *= 2;
}

static uint64_t
deadline_ms(int timeout_ms)
{
	return clock_mono_ns() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0) *
	    NSEC_PER_MSEC;
}

/* ---- hierarchies ---------------------------------------------------- */

/* The distinct mounts a group lives in: one for v2 or co-mounted v1
 * controllers, else the freezer's and the cpu's. */
static int
cg_roots(const struct cg *cg, const char *roots[2])
{
	int n = 0;

	roots[n++] = cg->freezer;
	if (cg->mode == CG_V1 && cg->has_cpu &&
	    strcmp(cg->cpu, cg->freezer) != 0)
		roots[n++] = cg->cpu;
	return n;
}

int
cg_path(const struct cg *cg, enum cg_ctl ctl, const char *name,
    const char *file, char *buf, size_t len)
{
	const char *root = ctl == CG_CPU ? cg->cpu : cg->freezer;

	if (name == NULL)
		return cg_fmt(buf, len, "%s/%s%s%s", root, cg->instance,
		    file ? "/" : "", file ? file : "");
	return cg_fmt(buf, len, "%s/%s/%s%s%s", root, cg->instance, name,
	    file ? "/" : "", file ? file : "");
}

static int
valid_name(const char *s)
{
	size_t i;

	if (s == NULL || s[0] == '\0' || s[0] == '.' ||
	    strlen(s) >= CG_NAME_MAX)
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_' && s[i] != '.')
			return 0;
	return 1;
}

/* Undoes the octal escapes (\040 for a blank) of a mountinfo field. */
static void
unescape(char *s)
{
	char *d = s;

	while (*s != '\0') {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
			    (s[3] - '0'));
			s += 4;
		} else
			*d++ = *s++;
	}
	*d = '\0';
}

static int
has_token(const char *list, const char *tok, const char *seps)
{
	size_t tl = strlen(tok);
	const char *p = list;

	while (*p != '\0') {
		size_t n = strcspn(p, seps);

		if (n == tl && strncmp(p, tok, tl) == 0)
			return 1;
		p += n;
		if (*p != '\0')
			p++;
	}
	return 0;
}

/*
 * From /proc/self/mountinfo: the first cgroup2 mount (v2), or the v1
 * mounts whose super options name the freezer and cpu controllers.
 * Fields: id parent dev root mountpoint opts [optional...] - type src sopts.
 */
int
cg_find_mounts(const char *mountinfo, enum cg_mode mode, char *freezer,
    char *cpu)
{
	char line[4096], *f[16], *save, *tok, *type, *sopts;
	FILE *fp;
	int nf, sep, rv = -1;

	freezer[0] = cpu[0] = '\0';
	if ((fp = fopen(mountinfo, "re")) == NULL) {
		log_warn("cgroup: open %s", mountinfo);
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		nf = 0;
		sep = -1;
		for (tok = strtok_r(line, " ", &save); tok != NULL && nf < 16;
		    tok = strtok_r(NULL, " ", &save)) {
			if (sep == -1 && strcmp(tok, "-") == 0)
				sep = nf;
			f[nf++] = tok;
		}
		if (sep < 6 || nf < sep + 4)
			continue;
		type = f[sep + 1];
		sopts = f[sep + 3];
		unescape(f[4]);
		/* A mount of a subtree (a container's bind mount) is not
		 * where groups made from the whole hierarchy's paths are. */
		if (strlen(f[4]) >= CG_PATH_MAX || strcmp(f[3], "/") != 0)
			continue;
		if (mode == CG_V2 && strcmp(type, "cgroup2") == 0) {
			/* The one probed, else the first; all show one tree. */
			if (freezer[0] == '\0' || strcmp(f[4], CG_V2_ROOT) ==
			    0) {
				strcpy(freezer, f[4]);
				strcpy(cpu, f[4]);
			}
			if (strcmp(f[4], CG_V2_ROOT) == 0)
				break;
			continue;
		}
		if (mode != CG_V1 || strcmp(type, "cgroup") != 0)
			continue;
		if (freezer[0] == '\0' && has_token(sopts, "freezer", ","))
			strcpy(freezer, f[4]);
		if (cpu[0] == '\0' && has_token(sopts, "cpu", ","))
			strcpy(cpu, f[4]);
	}
	if (ferror(fp))
		log_warn("cgroup: read /proc/self/mountinfo");
	else if (freezer[0] == '\0')
		log_warnx("cgroup: no %s mount in %s (if "
		    "started with `ip netns exec`, which remounts /sys, use "
		    "`nsenter --net=/run/netns/NAME` instead)",
		    mode == CG_V2 ? "cgroup2" : "cgroup v1 freezer", mountinfo);
	else
		rv = 0;
	fclose(fp);
	return rv;
}

/* v2: lets the children of dir use the cpu controller. */
static int
v2_enable_cpu(const char *dir)
{
	char path[CG_PATH_MAX + 32], buf[512];

	if (cg_fmt(path, sizeof(path), "%s/cgroup.subtree_control", dir) ==
	    -1 || cg_read(path, buf, sizeof(buf)) == -1)
		return -1;
	if (has_token(buf, "cpu", " "))
		return 0;
	return cg_write(path, "+cpu");
}

int
cg_open_at(struct cg *cg, const char *instance, enum cg_mode mode,
    const char *freezer, const char *cpu)
{
	const char *roots[2];
	char path[CG_PATH_MAX + CG_NAME_MAX + 32], buf[512];
	int i, n;

	memset(cg, 0, sizeof(*cg));
	if (!valid_name(instance)) {
		log_warnx("cgroup: bad instance name '%s' (letters, digits, "
		    "'-', '_', '.'; not starting with '.')",
		    instance ? instance : "(null)");
		return -1;
	}
	if (strlen(freezer) >= CG_PATH_MAX ||
	    (cpu != NULL && strlen(cpu) >= CG_PATH_MAX)) {
		log_warnx("cgroup: mount path too long");
		return -1;
	}
	cg->mode = mode;
	strcpy(cg->instance, instance);
	strcpy(cg->freezer, freezer);
	if (mode == CG_V2) {
		strcpy(cg->cpu, freezer);
		if (cg_fmt(path, sizeof(path), "%s/cgroup.controllers",
		    freezer) == -1 || cg_read(path, buf, sizeof(buf)) == -1)
			return -1;
		cg->has_cpu = has_token(buf, "cpu", " ");
	} else if (cpu != NULL) {
		strcpy(cg->cpu, cpu);
		cg->has_cpu = 1;
	}
	if (!cg->has_cpu)
		log_warnx("cgroup: no cpu controller under %s: CPU shares "
		    "and caps are not available", freezer);
	if (mode == CG_V2 && cg->has_cpu && v2_enable_cpu(freezer) == -1) {
		log_warnx("cgroup: cannot enable cpu for the children of %s",
		    freezer);
		cg->has_cpu = 0;
	}

	n = cg_roots(cg, roots);
	for (i = 0; i < n; i++) {
		if (cg_fmt(path, sizeof(path), "%s/%s", roots[i], instance) ==
		    -1)
			return -1;
		if (mkdir(path, 0755) == -1 && errno != EEXIST) {
			log_warn("cgroup: mkdir %s", path);
			return -1;
		}
	}
	if (mode == CG_V2 && cg->has_cpu) {
		if (cg_fmt(path, sizeof(path), "%s/%s", freezer, instance) ==
		    -1)
			return -1;
		if (v2_enable_cpu(path) == -1) {
			log_warnx("cgroup: cannot enable cpu for the children "
			    "of %s", path);
			cg->has_cpu = 0;
		}
	}
	log_debug("cgroup: %s under %s%s%s", mode == CG_V2 ? "v2" : "v1",
	    cg->freezer, mode == CG_V1 && cg->has_cpu ? " and " : "",
	    mode == CG_V1 && cg->has_cpu ? cg->cpu : "");
	return 0;
}

int
cg_open(struct cg *cg, const char *instance)
{
	char freezer[CG_PATH_MAX], cpu[CG_PATH_MAX];
	enum cg_mode mode;

	mode = access(CG_V2_PROBE, F_OK) == 0 ? CG_V2 : CG_V1;
	if (cg_find_mounts("/proc/self/mountinfo", mode, freezer, cpu) == -1)
		return -1;
	return cg_open_at(cg, instance, mode, freezer,
	    cpu[0] != '\0' ? cpu : NULL);
}

void
cg_close(struct cg *cg)
{
	const char *roots[2];
	char path[CG_PATH_MAX + CG_NAME_MAX + 8];
	int i, n;

	if (cg->instance[0] == '\0')
		return;
	n = cg_roots(cg, roots);
	for (i = 0; i < n; i++) {
		if (cg_fmt(path, sizeof(path), "%s/%s", roots[i],
		    cg->instance) == -1)
			continue;
		/* Busy or not empty: a group is left, already reported. */
		if (rmdir(path) == -1 && errno != ENOENT)
			log_debug("cgroup: %s kept: %s", path,
			    strerror(errno));
	}
	cg->instance[0] = '\0';
}

/* ---- groups --------------------------------------------------------- */

static int
group_dir(const struct cg *cg, const char *root, const char *name, char *buf,
    size_t len)
{
	if (!valid_name(name)) {
		log_warnx("cgroup: bad group name '%s'", name);
		return -1;
	}
	return cg_fmt(buf, len, "%s/%s/%s", root, cg->instance, name);
}

int
cg_create(const struct cg *cg, const char *name)
{
	const char *roots[2];
	char path[CG_PATH_MAX * 2];
	int i, n;

	n = cg_roots(cg, roots);
	for (i = 0; i < n; i++) {
		if (group_dir(cg, roots[i], name, path, sizeof(path)) == -1)
			goto fail;
		if (mkdir(path, 0755) == -1) {
			if (errno == EEXIST)
				log_warnx("cgroup: %s already exists (left by "
				    "an earlier run? reap_stale removes it)",
				    path);
			else
				log_warn("cgroup: mkdir %s", path);
			goto fail;
		}
	}
	return 0;
fail:
	/* Only the ones this call made. */
	while (--i >= 0)
		if (group_dir(cg, roots[i], name, path, sizeof(path)) == 0 &&
		    rmdir(path) == -1)
			log_warn("cgroup: rmdir %s", path);
	return -1;
}

int
cg_attach(const struct cg *cg, const char *name, pid_t pid)
{
	const char *roots[2];
	char path[CG_PATH_MAX * 2], val[24];
	int i, n;

	snprintf(val, sizeof(val), "%d", (int)pid);
	n = cg_roots(cg, roots);
	for (i = 0; i < n; i++) {
		if (group_dir(cg, roots[i], name, path, sizeof(path)) == -1 ||
		    cg_fmt(path + strlen(path), sizeof(path) - strlen(path),
		    "/cgroup.procs") == -1 || cg_write(path, val) == -1)
			return -1;
	}
	return 0;
}

/* The tasks listed in one hierarchy's cgroup.procs. */
static int
pids_in(const char *dir, pid_t *pids, size_t max)
{
	char path[CG_PATH_MAX * 2 + 16];
	FILE *fp;
	int n = 0, pid;

	if (cg_fmt(path, sizeof(path), "%s/cgroup.procs", dir) == -1)
		return -1;
	if ((fp = fopen(path, "re")) == NULL) {
		log_warn("cgroup: open %s", path);
		return -1;
	}
	while (fscanf(fp, "%d", &pid) == 1) {
		if ((size_t)n < max)
			pids[n] = (pid_t)pid;
		n++;
	}
	if (ferror(fp)) {
		log_warn("cgroup: read %s", path);
		n = -1;
	}
	fclose(fp);
	return n;
}

int
cg_pids(const struct cg *cg, const char *name, pid_t *pids, size_t max)
{
	const char *roots[2];
	char path[CG_PATH_MAX * 2];
	int i, n, nr;

	nr = cg_roots(cg, roots);
	for (i = 0; i < nr; i++) {
		if (group_dir(cg, roots[i], name, path, sizeof(path)) == -1)
			return -1;
		if (!is_dir(path))
			continue;
		if ((n = pids_in(path, pids, max)) != 0)
			return n;
	}
	return 0;
}

/* v1 freezer.state is FROZEN, FREEZING or THAWED; v2 cgroup.events has a
 * "frozen 0|1" line. */
int
cg_frozen(const struct cg *cg, const char *name)
{
	char path[CG_PATH_MAX * 2], buf[256], *p;

	if (cg->mode == CG_V1) {
		if (cg_path(cg, CG_FREEZER, name, "freezer.state", path,
		    sizeof(path)) == -1 || cg_read(path, buf, sizeof(buf)) ==
		    -1)
			return -1;
		return strcmp(buf, "FROZEN") == 0;
	}
	if (cg_path(cg, CG_FREEZER, name, "cgroup.events", path,
	    sizeof(path)) == -1 || cg_read(path, buf, sizeof(buf)) == -1)
		return -1;
	for (p = buf; p != NULL; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, "frozen ", 7) == 0)
			return p[7] == '1';
	}
	log_warnx("cgroup: no 'frozen' line in %s", path);
	return -1;
}

static int
set_freeze(const struct cg *cg, const char *name, int freeze)
{
	char path[CG_PATH_MAX * 2];

	if (cg->mode == CG_V1)
		return cg_path(cg, CG_FREEZER, name, "freezer.state", path,
		    sizeof(path)) == -1 ? -1 :
		    cg_write(path, freeze ? "FROZEN" : "THAWED");
	return cg_path(cg, CG_FREEZER, name, "cgroup.freeze", path,
	    sizeof(path)) == -1 ? -1 : cg_write(path, freeze ? "1" : "0");
}

/* Asks, then waits until the kernel reports the state reached.  A v1
 * freeze that stalls in FREEZING is asked again: each write retries the
 * tasks that were busy. */
static int
change_freeze(const struct cg *cg, const char *name, int freeze,
    int timeout_ms)
{
	uint64_t end = deadline_ms(timeout_ms);
	unsigned us = 0, tries = 0;
	int st;

	if (set_freeze(cg, name, freeze) == -1)
		return -1;
	for (;;) {
		if ((st = cg_frozen(cg, name)) == -1)
			return -1;
		if (st == freeze)
			return 0;
		if (clock_mono_ns() >= end)
			break;
		backoff(&us);
		if (cg->mode == CG_V1 && freeze && ++tries % 8 == 0 &&
		    set_freeze(cg, name, 1) == -1)
			return -1;
	}
	log_warnx("cgroup: %s/%s not %s after %d ms%s", cg->instance, name,
	    freeze ? "frozen" : "thawed", timeout_ms,
	    freeze ? " (a task stuck in the kernel?); thawed again" : "");
	if (freeze)
		(void)set_freeze(cg, name, 0);
	errno = ETIMEDOUT;
	return -1;
}

int
cg_freeze(const struct cg *cg, const char *name, int timeout_ms)
{
	return change_freeze(cg, name, 1, timeout_ms);
}

int
cg_thaw(const struct cg *cg, const char *name, int timeout_ms)
{
	return change_freeze(cg, name, 0, timeout_ms);
}

int
cg_kill(const struct cg *cg, const char *name, int timeout_ms)
{
	uint64_t end = deadline_ms(timeout_ms);
	pid_t pids[CG_KILL_BATCH];
	char dir[CG_PATH_MAX * 2];
	unsigned us = 0;
	int i, n, thawed = 0;

	if (cg_path(cg, CG_FREEZER, name, NULL, dir, sizeof(dir)) == -1)
		return -1;

	for (;;) {
		if ((n = cg_pids(cg, name, pids, CG_KILL_BATCH)) <= 0)
			return n;
		/* Signal first, then thaw: a frozen task then dies as it
		 * wakes, without running another instruction of its own. */
		for (i = 0; i < n && i < CG_KILL_BATCH; i++)
			if (kill(pids[i], SIGKILL) == -1 && errno != ESRCH)
				log_warn("cgroup: kill %d in %s/%s",
				    (int)pids[i], cg->instance, name);
		if (!thawed && is_dir(dir)) {
			if (set_freeze(cg, name, 0) == -1)
				return -1;
			thawed = 1;
		}
		if (clock_mono_ns() >= end)
			break;
		backoff(&us);
	}
	log_warnx("cgroup: %s/%s still has %d task(s) %d ms after SIGKILL",
	    cg->instance, name, n, timeout_ms);
	return -1;
}

int
cg_remove(const struct cg *cg, const char *name)
{
	const char *roots[2];
	char path[CG_PATH_MAX * 2];
	pid_t pid;
	unsigned us;
	int i, nr, n, rv = 0, tries;

	if (!valid_name(name)) {
		log_warnx("cgroup: bad group name '%s'", name);
		return -1;
	}
	if (cg_path(cg, CG_FREEZER, name, NULL, path, sizeof(path)) == 0 &&
	    is_dir(path))
		(void)set_freeze(cg, name, 0);
	nr = cg_roots(cg, roots);
	for (i = 0; i < nr; i++) {
		if (group_dir(cg, roots[i], name, path, sizeof(path)) == -1)
			return -1;
		if (!is_dir(path))
			continue;
		if ((n = pids_in(path, &pid, 1)) != 0) {
			if (n > 0)
				log_warnx("cgroup: %s still has %d task(s) "
				    "(pid %d first): not removed", path, n,
				    (int)pid);
			rv = -1;
			continue;
		}
		/* A task reaped a moment ago may keep a v2 group busy for a
		 * short while after it left cgroup.procs. */
		for (tries = 0, us = 0; rmdir(path) == -1; tries++) {
			if (errno == ENOENT)
				break;
			if (errno != EBUSY || tries == 50) {
				log_warn("cgroup: rmdir %s", path);
				rv = -1;
				break;
			}
			backoff(&us);
		}
	}
	return rv;
}

int
cg_list(const struct cg *cg, int (*fn)(const char *name, void *arg),
    void *arg)
{
	const char *roots[2];
	char path[CG_PATH_MAX * 2 + CG_NAME_MAX + 4], other[sizeof(path)];
	struct dirent *de;
	DIR *dir;
	int i, nr, count = 0, stop = 0;

	nr = cg_roots(cg, roots);
	for (i = 0; i < nr && !stop; i++) {
		if (cg_fmt(path, sizeof(path), "%s/%s", roots[i],
		    cg->instance) == -1)
			return -1;
		if ((dir = opendir(path)) == NULL) {
			if (errno == ENOENT)
				continue;
			log_warn("cgroup: opendir %s", path);
			return -1;
		}
		while (!stop && (errno = 0, de = readdir(dir)) != NULL) {
			if (de->d_name[0] == '.' || (de->d_type != DT_DIR &&
			    de->d_type != DT_UNKNOWN))
				continue;
			if (cg_fmt(other, sizeof(other), "%s/%s", path,
			    de->d_name) == -1 || !is_dir(other))
				continue;
			/* Seen already in the first hierarchy. */
			if (i == 1 && cg_fmt(other, sizeof(other), "%s/%s/%s",
			    roots[0], cg->instance, de->d_name) == 0 &&
			    is_dir(other))
				continue;
			count++;
			stop = fn(de->d_name, arg);
		}
		if (de == NULL && errno != 0) {
			log_warn("cgroup: readdir %s", path);
			closedir(dir);
			return -1;
		}
		closedir(dir);
	}
	return count;
}

/* ---- CPU ------------------------------------------------------------ */

uint64_t
cg_weight_to_shares(uint32_t weight)
{
	uint64_t s = (uint64_t)weight * 1024 / 100;

	return s < 2 ? 2 : s;
}

/* The inverse of the floor above: the one weight w with
 * floor(w * 10.24) == shares is ceil(shares / 10.24). */
uint32_t
cg_shares_to_weight(uint64_t shares)
{
	uint64_t w = (shares * 100 + 1023) / 1024;

	if (w < 1)
		return 1;
	return w > CG_WEIGHT_MAX ? CG_WEIGHT_MAX : (uint32_t)w;
}

int64_t
cg_cap_to_quota(uint32_t cap)
{
	if (cap == 0)
		return -1;
	return (int64_t)cap * CG_PERIOD_US / 100;
}

/* Rounded up, so that a small quota set by someone else never reads as
 * 0, which would mean "no cap". */
uint32_t
cg_quota_to_cap(int64_t quota, uint64_t period)
{
	uint64_t cap;

	if (quota < 0 || period == 0)
		return 0;
	cap = ((uint64_t)quota * 100 + period - 1) / period;
	return cap > UINT32_MAX ? UINT32_MAX : (uint32_t)cap;
}

static int
cpu_file(const struct cg *cg, const char *name, const char *file,
    char *buf, size_t len)
{
	if (!cg->has_cpu) {
		log_warnx("cgroup: %s/%s: no cpu controller", cg->instance,
		    name);
		return -1;
	}
	return cg_path(cg, CG_CPU, name, file, buf, len);
}

int
cg_set_cpu(const struct cg *cg, const char *name, uint32_t weight,
    uint32_t cap)
{
	char path[CG_PATH_MAX * 2], val[64];
	int64_t quota = cg_cap_to_quota(cap);

	if (weight < 1 || weight > CG_WEIGHT_MAX || cap > CG_CAP_MAX) {
		log_warnx("cgroup: %s/%s: weight %" PRIu32 " (1-%d) or cap %"
		    PRIu32 "%% (0-%u) out of range", cg->instance, name,
		    weight, CG_WEIGHT_MAX, cap, CG_CAP_MAX);
		return -1;
	}
	if (cg->mode == CG_V1) {
		snprintf(val, sizeof(val), "%" PRIu64,
		    cg_weight_to_shares(weight));
		if (cpu_file(cg, name, "cpu.shares", path, sizeof(path)) ==
		    -1 || cg_write(path, val) == -1)
			return -1;
		snprintf(val, sizeof(val), "%d", CG_PERIOD_US);
		if (cpu_file(cg, name, "cpu.cfs_period_us", path,
		    sizeof(path)) == -1 || cg_write(path, val) == -1)
			return -1;
		snprintf(val, sizeof(val), "%" PRId64, quota);
		if (cpu_file(cg, name, "cpu.cfs_quota_us", path,
		    sizeof(path)) == -1 || cg_write(path, val) == -1)
			return -1;
		return 0;
	}
	snprintf(val, sizeof(val), "%" PRIu32, weight);
	if (cpu_file(cg, name, "cpu.weight", path, sizeof(path)) == -1 ||
	    cg_write(path, val) == -1)
		return -1;
	if (quota < 0)
		snprintf(val, sizeof(val), "max %d", CG_PERIOD_US);
	else
		snprintf(val, sizeof(val), "%" PRId64 " %d", quota,
		    CG_PERIOD_US);
	if (cpu_file(cg, name, "cpu.max", path, sizeof(path)) == -1 ||
	    cg_write(path, val) == -1)
		return -1;
	return 0;
}

static int
read_num(const struct cg *cg, const char *name, const char *file,
    int64_t *v_r)
{
	char path[CG_PATH_MAX * 2], buf[64], *end;
	long long v;

	if (cpu_file(cg, name, file, path, sizeof(path)) == -1 ||
	    cg_read(path, buf, sizeof(buf)) == -1)
		return -1;
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno != 0 || end == buf || *end != '\0') {
		log_warnx("cgroup: %s: '%s' is not a number", path, buf);
		return -1;
	}
	*v_r = v;
	return 0;
}

int
cg_get_cpu(const struct cg *cg, const char *name, uint32_t *weight_r,
    uint32_t *cap_r)
{
	char path[CG_PATH_MAX * 2], buf[64];
	unsigned long long q, p;
	int64_t v, quota, period;

	if (cg->mode == CG_V1) {
		if (read_num(cg, name, "cpu.shares", &v) == -1 ||
		    read_num(cg, name, "cpu.cfs_quota_us", &quota) == -1 ||
		    read_num(cg, name, "cpu.cfs_period_us", &period) == -1)
			return -1;
		*weight_r = cg_shares_to_weight(v < 0 ? 0 : (uint64_t)v);
		*cap_r = cg_quota_to_cap(quota,
		    period < 0 ? 0 : (uint64_t)period);
		return 0;
	}
	if (read_num(cg, name, "cpu.weight", &v) == -1)
		return -1;
	*weight_r = v < 1 ? 1 : v > CG_WEIGHT_MAX ? CG_WEIGHT_MAX :
	    (uint32_t)v;
	if (cpu_file(cg, name, "cpu.max", path, sizeof(path)) == -1 ||
	    cg_read(path, buf, sizeof(buf)) == -1)
		return -1;
	if (strncmp(buf, "max ", 4) == 0) {
		*cap_r = 0;
		return 0;
	}
	if (sscanf(buf, "%llu %llu", &q, &p) != 2 || p == 0) {
		log_warnx("cgroup: %s: cannot parse '%s'", path, buf);
		return -1;
	}
	*cap_r = cg_quota_to_cap(q > INT64_MAX ? INT64_MAX : (int64_t)q, p);
	return 0;
}
