/*
 * The local backend's entry point, for backend_open() alone; everything
 * else goes through be_local_ops (backend.h).
 */
#ifndef Q_BE_LOCAL_H
#define Q_BE_LOCAL_H

#include <stddef.h>

struct backend;

/*
 * Finds the cgroup hierarchies, makes <instance>/ in them, opens dom0's
 * netlink socket, blocks SIGCHLD in the calling thread and opens a
 * signalfd for it (the backend's event_fd).  Call it before starting
 * threads, so that they inherit the blocked SIGCHLD, and install no
 * SIGCHLD handler of your own: a handler or another thread taking the
 * signal would hide routelet deaths.  One local backend per process,
 * used by one thread at a time (its netlink sockets are not shared-safe).
 */
int	be_local_open(struct backend *b, char *err, size_t errlen);

#endif
