/*
 * The Xen backend's entry point, for backend_open() alone; everything else
 * goes through be_xen_ops (backend.h).
 */
#ifndef Q_BE_XEN_H
#define Q_BE_XEN_H

#include <stddef.h>

struct backend;

/*
 * Opens a libxl context (this must be dom0 of a Xen host with its
 * toolstack running), a xenstore connection and dom0's netlink socket;
 * probes the scheduler.  The conf's kernel, ramdisk and vif_script must
 * exist.  One thread at a time.
 */
int		 be_xen_open(struct backend *b, char *err, size_t errlen);

#endif
