/*
 * An instance's state directory (e.g. /run/quasar/<instance>/) and the
 * shared tables in it:
 *
 *   ltable        label -> routelet VIF ifindex    (src/ltable.h)
 *   belfib        best-effort label switch table   (src/belfib.h)
 *   demux.stats   quasar-demux's counters          (src/dxstats.h)
 *
 * quasard writes the two tables and quasar-demux reads them, each through
 * its own mapping of the files, so either process can die or restart while
 * the other goes on.  Whoever comes first creates and sizes a file; sizing
 * only ever grows a file, so no reader's mapping is cut short under it.
 *
 * One writer per table: a writer holds an exclusive flock(2) on the table
 * file for as long as it writes (quasard: its whole life; the CLI: one
 * command), and a second writer is refused instead of racing the first.
 * Readers take no lock.
 *
 * A writer may also replace a file (create a new one, rename it over the old
 * path).  A reader polls qstate_replaced() now and then and maps the new
 * file when it returns 1: updates never need a signal or a restart.
 */
#ifndef Q_QSTATE_H
#define Q_QSTATE_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "belfib.h"
#include "lmap.h"
#include "ltable.h"

#define QSTATE_LTABLE		"ltable"
#define QSTATE_BELFIB		"belfib"

struct qstate_file {
	char	path[PATH_MAX];
	dev_t	dev;
	ino_t	ino;
	int	lockfd;		/* writer: holds the flock; else -1 */
	struct lmap_writer *lmap; /* ltable writer: mirrors to XDP's map */
};

/* mkdir -p dir (mode 0755 for the parts it makes).  0, or -1 with errno. */
int	qstate_mkdir(const char *dir);

/*
 * Opens (creating and sizing if need be) dir/ltable or dir/belfib and maps
 * it, for a writer (read-write, locked) or a reader (read-only).  An
 * ltable writer also mirrors its changes into the demux's XDP label map
 * whenever one is published (src/lmap.h).  Returns 0,
 * or -1 with a reason in err.  qf records the file for qstate_replaced()
 * and, for a writer, keeps the lock.
 */
int	qstate_ltable_open(const char *dir, int writer, struct ltable *lt,
	    struct qstate_file *qf, char *err, size_t errlen);
int	qstate_belfib_open(const char *dir, int writer, struct belfib *fib,
	    struct qstate_file *qf, char *err, size_t errlen);

/* 1 when qf's path now names another file, 0 if the same or gone. */
int	qstate_replaced(const struct qstate_file *qf);
/* Drops the writer's lock; the mapping is the table's to destroy. */
void	qstate_file_close(struct qstate_file *qf);

#endif
