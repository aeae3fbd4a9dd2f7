/*
 * Incoming labels for signalled LSPs: from the configured range (-L,
 * default 1000-1048575, so 16-999 stay for static LSPs), through
 * src/lalloc.c.  A label someone else already holds -- a static LSP in the
 * demux table, an operator's entry in the best-effort table -- is skipped
 * and left marked.
 */
#include <inttypes.h>
#include <stdio.h>

#include "log.h"
#include "qstate.h"
#include "quasard.h"
#include "rsvpd.h"

struct busy_arg {
	struct rsvpd	*r;
	struct belfib	*fib;
};

static int
lbl_busy(uint32_t label, void *arg)
{
	struct busy_arg *a = arg;
	struct belfib_entry e;

	if (ltable_lookup(&a->r->q->lt, label) >= 0)
		return 1;
	return a->fib != NULL && belfib_lookup(a->fib, label, &e) !=
	    BELFIB_ENOENT;
}

int
lbl_alloc(struct rsvpd *r, uint32_t *label_r)
{
	struct qstate_file qf;
	struct belfib fib;
	struct busy_arg a = { r, NULL };
	char err[256];
	int rc;

	if (qstate_belfib_open(r->q->statedir, 0, &fib, &qf, err,
	    sizeof(err)) == 0)
		a.fib = &fib;
	rc = lalloc_alloc(&r->la, label_r, lbl_busy, &a);
	if (a.fib != NULL)
		belfib_destroy(&fib);
	if (rc != LALLOC_OK) {
		log_warnx("labels %" PRIu32 "-%" PRIu32 ": %s", r->la.min,
		    r->la.max, lalloc_strerror(rc));
		return -1;
	}
	return 0;
}

void
lbl_free(struct rsvpd *r, uint32_t label)
{
	int rc;

	if ((rc = lalloc_free(&r->la, label)) != LALLOC_OK)
		log_warnx("label %" PRIu32 ": %s", label, lalloc_strerror(rc));
}
