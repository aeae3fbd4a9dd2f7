/*
 * Opening a backend by name.  The backends themselves are be_*.c; this
 * file only picks one and hands the configuration over.
 */
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "be_local.h"
#include "be_xen.h"

int
backend_open(struct backend *b, const char *name,
    const struct backend_conf *conf, char *err, size_t errlen)
{
	/* b may be uninitialised: cleared whole, so on_death and its
	 * argument are set after a successful open. */
	memset(b, 0, sizeof(*b));
	if (name == NULL || conf == NULL) {
		snprintf(err, errlen, "backend_open: no backend name or "
		    "configuration");
		return -1;
	}
	b->conf = *conf;
	if (strcmp(name, "local") == 0) {
		b->ops = &be_local_ops;
		if (be_local_open(b, err, errlen) == -1) {
			b->ops = NULL;
			return -1;
		}
		return 0;
	}
	if (strcmp(name, "xen") == 0) {
		b->ops = &be_xen_ops;
		if (be_xen_open(b, err, errlen) == -1) {
			b->ops = NULL;
			return -1;
		}
		return 0;
	}
	snprintf(err, errlen, "unknown backend '%s' (local or xen)", name);
	return -1;
}

/* Safe on a backend that failed to open, or is closed already. */
void
backend_close(struct backend *b)
{
	if (b->ops != NULL && b->ops->fini != NULL)
		b->ops->fini(b);
	b->ops = NULL;
	b->priv = NULL;
}
