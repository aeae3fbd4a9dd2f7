/*
 * Incoming label allocation for signalled LSPs: labels from a configured
 * range [min, max], never a reserved one (0-15, RFC 3032 s2.1) and never
 * above 2^20 - 1.  One bit per label of the range (128 KiB for the whole
 * label space); allocation is next-fit from a cursor, so a label just
 * freed is not handed out again until the range has wrapped, which keeps
 * a late frame of a torn-down LSP from landing on its successor.
 *
 * The caller may refuse a candidate (a label a static LSP or the
 * best-effort table already uses): lalloc_alloc() then marks it taken and
 * tries the next, and the caller gives it back with lalloc_free() when
 * that other user is gone, or leaves it marked.
 */
#ifndef Q_LALLOC_H
#define Q_LALLOC_H

#include <stdint.h>

enum lalloc_err {
	LALLOC_OK = 0,
	LALLOC_ERANGE = -1,	/* bad range, or label outside it */
	LALLOC_EFULL = -2,	/* every label of the range is taken */
	LALLOC_EINUSE = -3,	/* reserve: already taken */
	LALLOC_ENOTUSED = -4,	/* free: not taken */
	LALLOC_ENOMEM = -5,
};

struct lalloc {
	uint32_t	 min, max;	/* inclusive */
	uint32_t	 next;		/* where the next search starts */
	uint32_t	 used;
	uint64_t	*bits;		/* bit (label - min) */
};

/* min is raised to 16 if below; max must be >= min and <= 2^20 - 1. */
int		 lalloc_init(struct lalloc *la, uint32_t min, uint32_t max);
void		 lalloc_fini(struct lalloc *la);

/*
 * Takes a free label.  busy(label, arg), if given, says whether someone
 * else holds the label: such labels are left marked and skipped.
 */
int		 lalloc_alloc(struct lalloc *la, uint32_t *label_r,
		    int (*busy)(uint32_t label, void *arg), void *arg);
/* Takes one particular label of the range. */
int		 lalloc_reserve(struct lalloc *la, uint32_t label);
int		 lalloc_free(struct lalloc *la, uint32_t label);
int		 lalloc_used(const struct lalloc *la, uint32_t label);
int		 lalloc_in_range(const struct lalloc *la, uint32_t label);
uint32_t	 lalloc_size(const struct lalloc *la);
const char	*lalloc_strerror(int err);

#endif
