/*
 * The label map: the XDP classifier's copy of the demux table (ltable).
 *
 * quasar-demux, when its XDP classifier is on (demux/xdp.c), owns a BPF
 * array map, label -> VIF ifindex, that the program on the ports reads.
 * It must hold what ltable holds, with no window in which it sends a
 * label to a routelet that ltable would not: a label is installed only
 * after its routelet acknowledged its configuration, and removed before
 * that routelet is paused or given to another LSP (src/backend.h).  So the
 * writers of ltable (quasard, `quasar-demux table`) write the map too, in
 * the same call, before ltable_add/set/del returns: ltable's mirror hook,
 * lmap_mirror().
 *
 * How a writer finds the map: the demux publishes its id in the state
 * directory's file LMAP_FILE, and withdraws it when it stops; a writer
 * opens the map by id for each change.  Publishing and mirroring hold
 * the file's flock, and the demux fills the map from ltable before it
 * publishes, inside the lock: a change is either in ltable before the
 * demux reads it, or mirrored into the map after it is published, so the
 * two never differ for longer than one writer's call.  A demux that died
 * leaves an id whose map died with it; a writer finds no such map and
 * writes nothing.
 *
 * A label whose VIF cannot take frames from XDP (xdpfeat_ndo_xmit(): a
 * veth whose peer has neither GRO nor XDP on, a kernel before 6.3) is kept
 * out of the map: the XDP program passes it up and the user-space demux
 * sends it, so nothing is ever redirected where the kernel would drop it.
 */
#ifndef Q_LMAP_H
#define Q_LMAP_H

#include <stddef.h>
#include <stdint.h>

#include "ltable.h"

#define LMAP_FILE	"ltable.xdp"
#define LMAP_NAME	"dx_labels"

/* A writer's handle on dir/LMAP_FILE.  NULL with the reason in err. */
struct lmap_writer	*lmap_writer_open(const char *dir, char *err,
			    size_t errlen);
void			 lmap_writer_close(struct lmap_writer *w);
/* ltable's mirror hook (arg: a struct lmap_writer). */
int			 lmap_mirror(void *arg, uint32_t label, uint32_t port);

/*
 * The demux's side.  Fills map_fd (LMAP_NAME's layout) from lt and
 * publishes its id in dir, under the lock; *n_r is the number of labels
 * put in the map.  0, or -1 with the reason in err.
 */
int	lmap_publish(const char *dir, int map_fd, const struct ltable *lt,
	    unsigned *n_r, char *err, size_t errlen);
/* Takes the id of map_fd back out of dir, if it is still the one there. */
void	lmap_withdraw(const char *dir, int map_fd);
/* The value that label would get: the VIF if it takes XDP frames, else 0. */
uint32_t lmap_value(uint32_t port);

#endif
