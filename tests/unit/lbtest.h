/*
 * The local backend with the real routelet, for the unit tests that drive
 * one (test_be_local.c, test_calib.c): as root, in a network namespace of
 * the test's own (unshared first thing, so the host's links are never
 * touched) and under a cgroup instance named after the test and its pid.
 * Static inline, as testutil.h, so each test stays one translation unit.
 */
#ifndef Q_LBTEST_H
#define Q_LBTEST_H

#include <sched.h>
#include <stdio.h>
#include <unistd.h>

#include "testutil.h"

#include "backend.h"

/* In a test: skip it (with the reason) when the set-up could not run. */
#define LBT_NEED_SETUP(why) do {				\
	if ((why) != NULL) {					\
		print_message("skipped: %s\n", (why));		\
		skip();						\
	}							\
} while (0)

/*
 * First thing in main(): the routelet binary (QUASAR_ROUTELET, default
 * build/bin/routelet from the repository root) into routelet, the cgroup
 * instance "<name>-<pid>" into instance, then a network namespace of our
 * own.  NULL, or why the tests cannot run here.
 */
static inline const char *
lbt_init(const char *name, char *routelet, size_t rlen, char *instance,
    size_t ilen)
{
	const char *p = getenv("QUASAR_ROUTELET");

	snprintf(routelet, rlen, "%s", p != NULL && p[0] != '\0' ? p :
	    "build/bin/routelet");
	snprintf(instance, ilen, "%s-%d", name, (int)getpid());
	if (geteuid() != 0)
		return "needs root";
	if (access(routelet, X_OK) != 0)
		return "no routelet binary (QUASAR_ROUTELET or "
		    "build/bin/routelet)";
	if (unshare(CLONE_NEWNET) != 0)
		return "cannot unshare a network namespace";
	return NULL;
}

/* Opens the local backend on instance with routelet path; fails the test
 * if it cannot. */
static inline void
lbt_open(struct backend *be, const char *instance, const char *path,
    unsigned ack_ms)
{
	struct backend_conf conf;
	char err[256];

	memset(&conf, 0, sizeof(conf));
	conf.instance = instance;
	conf.routelet_path = path;
	conf.run_user = "nobody";
	conf.ack_timeout_ms = ack_ms;
	if (backend_open(be, "local", &conf, err, sizeof(err)) != 0)
		fail_msg("backend_open %s: %s", path, err);
}

#endif
