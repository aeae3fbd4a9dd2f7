/*
 * Control groups for the local backend: one group "<instance>/<name>" per
 * routelet, under the freezer and cpu hierarchies (cgroup v1) or under the
 * unified hierarchy (v2), found from /proc/self/mountinfo.
 *
 *   v1   freezer.state, cpu.shares, cpu.cfs_quota_us / cpu.cfs_period_us
 *   v2   cgroup.freeze + cgroup.events, cpu.weight, cpu.max
 *
 * CPU is expressed as the backend does (struct dom_cpu): a weight 1-10000
 * (100 is a default domain) and a cap in percent of one CPU (0: none).
 * v2's cpu.weight has that very range; v1 shares are weight * 1024 / 100.
 *
 * Functions return 0 (or a count), or -1 with the reason logged.
 */
#ifndef Q_CGROUP_H
#define Q_CGROUP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CG_PATH_MAX	256
#define CG_NAME_MAX	64
#define CG_PERIOD_US	100000	/* CFS period for caps */
#define CG_WEIGHT_MAX	10000

enum cg_mode {
	CG_V1 = 1,
	CG_V2,
};

/* Which hierarchy a v1 path is wanted in; v2 has only the one. */
enum cg_ctl {
	CG_FREEZER,
	CG_CPU,
};

struct cg {
	enum cg_mode	mode;
	/* v2: both are the unified mount.  v1: each controller's mount; the
	 * same path when they are mounted together. */
	char		freezer[CG_PATH_MAX];
	char		cpu[CG_PATH_MAX];
	int		has_cpu;	/* cpu controller usable */
	char		instance[CG_NAME_MAX];
};

/* Finds the hierarchies (v2 if /sys/fs/cgroup/cgroup.controllers exists,
 * else the v1 freezer and cpu mounts) and makes <instance>/ in them. */
int	cg_open(struct cg *cg, const char *instance);
/* The same on given mounts, for tests; cpu NULL: no cpu controller. */
int	cg_open_at(struct cg *cg, const char *instance, enum cg_mode mode,
	    const char *freezer, const char *cpu);
/* The mounts cg_open uses, from a mountinfo file (tests give their own):
 * v2 the cgroup2 mount at /sys/fs/cgroup, else the first; v1 the first
 * freezer and cpu mounts; only mounts of a whole hierarchy (root "/").
 * Each buffer CG_PATH_MAX; cpu "" when v1 has no cpu mount. */
int	cg_find_mounts(const char *mountinfo, enum cg_mode mode,
	    char *freezer, char *cpu);
/* Removes <instance>/ if nothing is left in it. */
void	cg_close(struct cg *cg);

int	cg_create(const struct cg *cg, const char *name);
/* Thaws, then removes; a group that still has tasks is reported and
 * kept (-1).  A group that does not exist is not an error. */
int	cg_remove(const struct cg *cg, const char *name);
int	cg_attach(const struct cg *cg, const char *name, pid_t pid);

/* Freeze returns once every task is frozen, or -1 (thawed again) if that
 * takes longer than timeout_ms. */
int	cg_freeze(const struct cg *cg, const char *name, int timeout_ms);
int	cg_thaw(const struct cg *cg, const char *name, int timeout_ms);
/* 1 frozen, 0 not, -1 error. */
int	cg_frozen(const struct cg *cg, const char *name);

int	cg_set_cpu(const struct cg *cg, const char *name, uint32_t weight,
	    uint32_t cap);
int	cg_get_cpu(const struct cg *cg, const char *name, uint32_t *weight_r,
	    uint32_t *cap_r);

/* The tasks (processes) of a group, at most max of them; the count, which
 * may exceed max. */
int	cg_pids(const struct cg *cg, const char *name, pid_t *pids,
	    size_t max);
/* SIGKILLs every task, thaws, and waits (bounded) until none is left. */
int	cg_kill(const struct cg *cg, const char *name, int timeout_ms);

/* Calls fn for each group under <instance>/ (in any hierarchy), stopping
 * when fn returns nonzero; the number of groups visited, or -1. */
int	cg_list(const struct cg *cg, int (*fn)(const char *name, void *arg),
	    void *arg);

/* "<mount>/<instance>/<name>/<file>" (file may be NULL). */
int	cg_path(const struct cg *cg, enum cg_ctl ctl, const char *name,
	    const char *file, char *buf, size_t len);

/* Unit conversions, exact both ways for weights 1-10000 and caps. */
uint64_t cg_weight_to_shares(uint32_t weight);
uint32_t cg_shares_to_weight(uint64_t shares);
int64_t	 cg_cap_to_quota(uint32_t cap);		/* -1: no cap */
uint32_t cg_quota_to_cap(int64_t quota, uint64_t period);

#endif
