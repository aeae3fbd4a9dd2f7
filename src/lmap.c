/*
 * The label map's file protocol (see lmap.h): dir/LMAP_FILE holds
 * "id <map id>\n" while a demux's map is live, nothing otherwise, and its
 * flock orders the demux's fill-and-publish against writers' changes.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lmap.h"
#include "log.h"
#include "xdpfeat.h"

struct lmap_writer {
	int	fd;
	char	path[PATH_MAX];
};

static int
lmap_file(const char *dir, char *path, size_t pathlen, char *err,
    size_t errlen)
{
	int fd;

	if ((size_t)snprintf(path, pathlen, "%s/%s", dir, LMAP_FILE) >=
	    pathlen) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return fd;
}

static int
lmap_lock(int fd, int op)
{
	while (flock(fd, op) == -1)
		if (errno != EINTR)
			return -1;
	return 0;
}

/* The published id, 0 if none (or not something we wrote). */
static uint32_t
lmap_read_id(int fd)
{
	char buf[32], *end;
	unsigned long id;
	ssize_t n;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n < 4)
		return 0;
	buf[n] = '\0';
	if (strncmp(buf, "id ", 3) != 0)
		return 0;
	errno = 0;
	id = strtoul(buf + 3, &end, 10);
	if (errno != 0 || end == buf + 3 || *end != '\n' || id == 0 ||
	    id > UINT32_MAX)
		return 0;
	return (uint32_t)id;
}

static int
lmap_is_ours(int fd, uint32_t *id_r)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0)
		return 0;
	if (id_r != NULL)
		*id_r = info.id;
	return info.type == BPF_MAP_TYPE_ARRAY && info.key_size == 4 &&
	    info.value_size == 4 && info.max_entries == MPLS_LABEL_COUNT &&
	    strcmp(info.name, LMAP_NAME) == 0;
}

/*
 * The published map, or -1: with errno ENOENT when there is none (none
 * published, or its demux died and took it along).  An id that now
 * names some other map counts as none.
 */
static int
lmap_open_published(int fd)
{
	uint32_t id;
	int mfd;

	if ((id = lmap_read_id(fd)) == 0) {
		errno = ENOENT;
		return -1;
	}
	if ((mfd = bpf_map_get_fd_by_id(id)) < 0)
		return -1;
	if (!lmap_is_ours(mfd, NULL)) {
		close(mfd);
		errno = ENOENT;
		return -1;
	}
	return mfd;
}

uint32_t
lmap_value(uint32_t port)
{
	if (port == 0 || port > INT_MAX)
		return 0;
	return xdpfeat_ndo_xmit((int)port) == 1 ? port : 0;
}

struct lmap_writer *
lmap_writer_open(const char *dir, char *err, size_t errlen)
{
	struct lmap_writer *w;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	if ((w->fd = lmap_file(dir, w->path, sizeof(w->path), err,
	    errlen)) == -1) {
		free(w);
		return NULL;
	}
	return w;
}

void
lmap_writer_close(struct lmap_writer *w)
{
	if (w == NULL)
		return;
	close(w->fd);
	free(w);
}

int
lmap_mirror(void *arg, uint32_t label, uint32_t port)
{
	struct lmap_writer *w = arg;
	uint32_t value;
	int mfd, rc = -1;

	if (lmap_lock(w->fd, LOCK_EX) == -1) {
		log_warn("%s: lock", w->path);
		return -1;
	}
	if ((mfd = lmap_open_published(w->fd)) == -1) {
		if (errno == ENOENT)
			rc = 0;		/* no XDP classifier: nothing to do */
		else
			log_warn("%s: XDP label map", w->path);
		goto out;
	}
	value = port == LTABLE_NOPORT ? 0 : lmap_value(port);
	if (bpf_map_update_elem(mfd, &label, &value, BPF_ANY) != 0)
		log_warn("%s: XDP label map: label %u", w->path, label);
	else
		rc = 0;
	close(mfd);
out:
	(void)lmap_lock(w->fd, LOCK_UN);
	return rc;
}

struct lmap_fill {
	int		 mfd;
	unsigned	 n;
	int		 err;
};

static void
lmap_fill_fn(uint32_t label, uint32_t port, void *arg)
{
	struct lmap_fill *f = arg;
	uint32_t value;

	if (f->err != 0 || (value = lmap_value(port)) == 0)
		return;
	if (bpf_map_update_elem(f->mfd, &label, &value, BPF_ANY) != 0)
		f->err = errno;
	else
		f->n++;
}

int
lmap_publish(const char *dir, int map_fd, const struct ltable *lt,
    unsigned *n_r, char *err, size_t errlen)
{
	char path[PATH_MAX], buf[32];
	struct lmap_fill f = { .mfd = map_fd };
	uint32_t id;
	int fd, len, rv = -1;

	if (!lmap_is_ours(map_fd, &id)) {
		snprintf(err, errlen, "map is not a %s", LMAP_NAME);
		return -1;
	}
	if ((fd = lmap_file(dir, path, sizeof(path), err, errlen)) == -1)
		return -1;
	if (lmap_lock(fd, LOCK_EX) == -1) {
		snprintf(err, errlen, "%s: lock: %s", path, strerror(errno));
		goto out;
	}
	ltable_walk(lt, lmap_fill_fn, &f);
	if (f.err != 0) {
		snprintf(err, errlen, "filling the XDP label map: %s",
		    strerror(f.err));
		goto unlock;
	}
	len = snprintf(buf, sizeof(buf), "id %u\n", id);
	if (ftruncate(fd, 0) == -1 || pwrite(fd, buf, (size_t)len, 0) != len) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		(void)ftruncate(fd, 0);
		goto unlock;
	}
	*n_r = f.n;
	rv = 0;
unlock:
	(void)lmap_lock(fd, LOCK_UN);
out:
	close(fd);
	return rv;
}

void
lmap_withdraw(const char *dir, int map_fd)
{
	char path[PATH_MAX], err[PATH_MAX + 64];
	uint32_t id;
	int fd;

	if (!lmap_is_ours(map_fd, &id))
		return;
	if ((fd = lmap_file(dir, path, sizeof(path), err, sizeof(err))) == -1) {
		log_warnx("%s", err);
		return;
	}
	if (lmap_lock(fd, LOCK_EX) == 0) {
		if (lmap_read_id(fd) == id && ftruncate(fd, 0) == -1)
			log_warn("%s", path);
		(void)lmap_lock(fd, LOCK_UN);
	}
	close(fd);
}
