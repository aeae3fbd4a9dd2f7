#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "qstate.h"

/* How long a writer waits for another one's lock before giving up. */
#define QSTATE_LOCK_WAIT_MS	2000

int
qstate_mkdir(const char *dir)
{
	char buf[PATH_MAX], *p;
	struct stat st;

	if (dir[0] == '\0') {
		errno = ENOENT;
		return -1;
	}
	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (p[-1] != '/') {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, 0755) == -1 && errno != EEXIST)
				return -1;
			*p = c;
		}
		if (*p == '\0')
			break;
	}
	if (stat(buf, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

static int
qstate_lock(int fd)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int waited;

	for (waited = 0; ; waited += 10) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK || waited >= QSTATE_LOCK_WAIT_MS)
			return -1;
		nanosleep(&ts, NULL);
	}
}

/*
 * Opens dir/name read-write, creating it, and records it in qf.  A writer
 * also takes the lock.  Returns the fd, or -1 with err filled in.
 */
static int
qstate_open(const char *dir, const char *name, int writer,
    struct qstate_file *qf, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	memset(qf, 0, sizeof(*qf));
	qf->lockfd = -1;
	if (snprintf(qf->path, sizeof(qf->path), "%s/%s", dir, name) >=
	    (int)sizeof(qf->path)) {
		snprintf(err, errlen, "%s/%s: path too long", dir, name);
		return -1;
	}
	/* Read-write even for a reader: it may have to create and size it. */
	fd = open(qf->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", qf->path, strerror(errno));
		return -1;
	}
	if (writer && qstate_lock(fd) == -1) {
		snprintf(err, errlen, "%s: %s", qf->path, errno == EWOULDBLOCK ?
		    "held by another writer (is quasard running?)" :
		    strerror(errno));
		close(fd);
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", qf->path, strerror(errno));
		close(fd);
		return -1;
	}
	qf->dev = st.st_dev;
	qf->ino = st.st_ino;
	return fd;
}

static void
qstate_keep_or_close(struct qstate_file *qf, int fd, int writer)
{
	/* The writer's lock is tied to this open file: keep it open. */
	if (writer)
		qf->lockfd = fd;
	else
		close(fd);
}

int
qstate_ltable_open(const char *dir, int writer, struct ltable *lt,
    struct qstate_file *qf, char *err, size_t errlen)
{
	const off_t bytes = (off_t)MPLS_LABEL_COUNT * (off_t)sizeof(uint32_t);
	struct stat st;
	int fd, rc;

	memset(lt, 0, sizeof(*lt));
	if ((fd = qstate_open(dir, QSTATE_LTABLE, writer, qf, err,
	    errlen)) == -1)
		return -1;
	/*
	 * ltable_init_fd() sizes the file only for a writer, and a reader
	 * mapping a short file would fault on first touch: size it here.
	 */
	if (fstat(fd, &st) == -1 ||
	    (st.st_size < bytes && ftruncate(fd, bytes) == -1)) {
		snprintf(err, errlen, "%s: %s", qf->path, strerror(errno));
		close(fd);
		return -1;
	}
	if ((rc = ltable_init_fd(lt, fd, writer)) != LTABLE_OK) {
		snprintf(err, errlen, "%s: %s", qf->path, ltable_strerror(rc));
		close(fd);
		return -1;
	}
	if (writer) {
		if ((qf->lmap = lmap_writer_open(dir, err, errlen)) == NULL) {
			ltable_destroy(lt);
			close(fd);
			return -1;
		}
		lt->mirror = lmap_mirror;
		lt->mirror_arg = qf->lmap;
	}
	qstate_keep_or_close(qf, fd, writer);
	return 0;
}

int
qstate_belfib_open(const char *dir, int writer, struct belfib *fib,
    struct qstate_file *qf, char *err, size_t errlen)
{
	int fd, rc;

	memset(fib, 0, sizeof(*fib));
	fib->fd = -1;
	if ((fd = qstate_open(dir, QSTATE_BELFIB, writer, qf, err,
	    errlen)) == -1)
		return -1;
	if ((rc = belfib_file_prepare(fd)) != BELFIB_OK ||
	    (rc = belfib_init_fd(fib, fd, writer)) != BELFIB_OK) {
		snprintf(err, errlen, "%s: %s", qf->path, belfib_strerror(rc));
		close(fd);
		return -1;
	}
	qstate_keep_or_close(qf, fd, writer);
	return 0;
}

int
qstate_replaced(const struct qstate_file *qf)
{
	struct stat st;

	if (stat(qf->path, &st) == -1)
		return 0;	/* gone: keep what we have */
	return st.st_dev != qf->dev || st.st_ino != qf->ino;
}

void
qstate_file_close(struct qstate_file *qf)
{
	if (qf->lockfd != -1)
		close(qf->lockfd);
	qf->lockfd = -1;
	lmap_writer_close(qf->lmap);
	qf->lmap = NULL;
}
