/*
 * cgroup.c: the unit conversions everywhere; as root, the groups
 * themselves on the hierarchy this machine uses (v1 or v2), and on a
 * hybrid machine the v2 code on its cgroup2 mount too (freezing needs no
 * controller there; CPU only if the cpu controller is available).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#include "cgroup.h"
#include "log.h"

static char instance[64];

/* ---- conversions ------------------------------------------------------ */

static void
test_weight_round_trip(void **state)
{
	uint32_t w;

	(void)state;
	for (w = 1; w <= CG_WEIGHT_MAX; w++)
		assert_int_equal(cg_shares_to_weight(cg_weight_to_shares(w)),
		    w);
	assert_int_equal(cg_weight_to_shares(100), 1024);
	assert_int_equal(cg_weight_to_shares(200), 2048);
	assert_int_equal(cg_weight_to_shares(1), 10);
	assert_int_equal(cg_weight_to_shares(0), 2);	/* kernel minimum */
	assert_int_equal(cg_weight_to_shares(10000), 102400);
	/* Shares set by someone else still read as a weight in range. */
	assert_int_equal(cg_shares_to_weight(2), 1);
	assert_int_equal(cg_shares_to_weight(262144), CG_WEIGHT_MAX);
}

static void
test_cap_round_trip(void **state)
{
	uint32_t cap;

	(void)state;
	assert_int_equal(cg_cap_to_quota(0), -1);
	assert_int_equal(cg_quota_to_cap(-1, CG_PERIOD_US), 0);
	for (cap = 1; cap <= 1000; cap++)
		assert_int_equal(cg_quota_to_cap(cg_cap_to_quota(cap),
		    CG_PERIOD_US), cap);
	assert_int_equal(cg_cap_to_quota(50), 50000);
	assert_int_equal(cg_cap_to_quota(250), 250000);
	/* Another period; and a tiny quota is a cap, never "none". */
	assert_int_equal(cg_quota_to_cap(5000, 10000), 50);
	assert_int_equal(cg_quota_to_cap(500, CG_PERIOD_US), 1);
	assert_int_equal(cg_quota_to_cap(1000, 0), 0);
}

/* ---- groups ------------------------------------------------------------- */

static pid_t
sleeper(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		for (;;)
			pause();
	return pid;
}

static int
count_cb(const char *name, void *arg)
{
	(void)name;
	(*(int *)arg)++;
	return 0;
}

static int
exists(const struct cg *cg, enum cg_ctl ctl, const char *name)
{
	char path[CG_PATH_MAX * 2];
	struct stat st;

	assert_int_equal(cg_path(cg, ctl, name, NULL, path, sizeof(path)),
	    0);
	return stat(path, &st) == 0;
}

static void
read_file(const struct cg *cg, const char *name, const char *file,
    char *buf, size_t len)
{
	char path[CG_PATH_MAX * 2];
	FILE *fp;

	assert_int_equal(cg_path(cg, CG_CPU, name, file, path, sizeof(path)),
	    0);
	assert_non_null(fp = fopen(path, "re"));
	assert_non_null(fgets(buf, (int)len, fp));
	fclose(fp);
	buf[strcspn(buf, "\n")] = '\0';
}

static void
check_cpu(const struct cg *cg, uint32_t weight, uint32_t cap)
{
	uint32_t w = 0, c = 1;
	char buf[64], want[64];

	assert_int_equal(cg_set_cpu(cg, "g1", weight, cap), 0);
	assert_int_equal(cg_get_cpu(cg, "g1", &w, &c), 0);
	assert_int_equal(w, weight);
	assert_int_equal(c, cap);
	if (cg->mode == CG_V1) {
		read_file(cg, "g1", "cpu.shares", buf, sizeof(buf));
		snprintf(want, sizeof(want), "%llu",
		    (unsigned long long)cg_weight_to_shares(weight));
		assert_string_equal(buf, want);
		read_file(cg, "g1", "cpu.cfs_quota_us", buf, sizeof(buf));
		snprintf(want, sizeof(want), "%lld",
		    (long long)cg_cap_to_quota(cap));
		assert_string_equal(buf, want);
	} else {
		read_file(cg, "g1", "cpu.weight", buf, sizeof(buf));
		snprintf(want, sizeof(want), "%u", weight);
		assert_string_equal(buf, want);
		read_file(cg, "g1", "cpu.max", buf, sizeof(buf));
		if (cap == 0)
			snprintf(want, sizeof(want), "max %d", CG_PERIOD_US);
		else
			snprintf(want, sizeof(want), "%lld %d",
			    (long long)cg_cap_to_quota(cap), CG_PERIOD_US);
		assert_string_equal(buf, want);
	}
}

/* Everything on one opened hierarchy. */
static void
exercise(struct cg *cg)
{
	pid_t pid, got[4];
	int st, n;

	assert_int_equal(cg_create(cg, "g1"), 0);
	assert_int_equal(cg_create(cg, "g1"), -1);	/* exists */
	assert_int_equal(cg_create(cg, "../escape"), -1);
	assert_int_equal(cg_create(cg, "g2"), 0);
	n = 0;
	assert_int_equal(cg_list(cg, count_cb, &n), 2);
	assert_int_equal(n, 2);

	pid = sleeper();
	assert_int_equal(cg_attach(cg, "g1", pid), 0);
	assert_int_equal(cg_pids(cg, "g1", got, 4), 1);
	assert_int_equal(got[0], pid);
	assert_int_equal(cg_pids(cg, "g2", got, 4), 0);

	assert_int_equal(cg_frozen(cg, "g1"), 0);
	assert_int_equal(cg_freeze(cg, "g1", 2000), 0);
	assert_int_equal(cg_frozen(cg, "g1"), 1);
	assert_int_equal(cg_freeze(cg, "g1", 2000), 0);	/* again: fine */
	assert_int_equal(cg_thaw(cg, "g1", 2000), 0);
	assert_int_equal(cg_frozen(cg, "g1"), 0);
	/* An empty group freezes at once. */
	assert_int_equal(cg_freeze(cg, "g2", 2000), 0);
	assert_int_equal(cg_frozen(cg, "g2"), 1);

	if (cg->has_cpu) {
		check_cpu(cg, 200, 50);
		check_cpu(cg, 100, 0);
		check_cpu(cg, 1, 1);
		check_cpu(cg, 10000, 400);
		assert_int_equal(cg_set_cpu(cg, "g1", 0, 0), -1);
		assert_int_equal(cg_set_cpu(cg, "g1", 10001, 0), -1);
	} else {
		print_message("no cpu controller on %s: CPU not tested\n",
		    cg->freezer);
		assert_int_equal(cg_set_cpu(cg, "g1", 100, 0), -1);
	}

	/* Frozen with a task: remove refuses, and says so. */
	assert_int_equal(cg_freeze(cg, "g1", 2000), 0);
	assert_int_equal(cg_remove(cg, "g1"), -1);
	assert_true(exists(cg, CG_FREEZER, "g1"));
	/* Kill works on a frozen group. */
	assert_int_equal(cg_kill(cg, "g1", 2000), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	assert_int_equal(cg_pids(cg, "g1", got, 4), 0);
	assert_int_equal(cg_remove(cg, "g1"), 0);
	assert_false(exists(cg, CG_FREEZER, "g1"));
	assert_false(exists(cg, CG_CPU, "g1"));
	assert_int_equal(cg_remove(cg, "g1"), 0);	/* absent: fine */
	/* A frozen empty group is thawed and removed. */
	assert_int_equal(cg_remove(cg, "g2"), 0);
	n = 0;
	assert_int_equal(cg_list(cg, count_cb, &n), 0);
}

static void
test_system_hierarchy(void **state)
{
	char path[CG_PATH_MAX * 2];
	struct stat st;
	struct cg cg;

	(void)state;
	if (geteuid() != 0) {
		print_message("skipped: needs root\n");
		skip();
	}
	assert_int_equal(cg_open(&cg, instance), 0);
	print_message("cgroup %s: freezer %s, cpu %s\n",
	    cg.mode == CG_V2 ? "v2" : "v1", cg.freezer,
	    cg.has_cpu ? cg.cpu : "(none)");
	exercise(&cg);
	assert_int_equal(cg_path(&cg, CG_FREEZER, NULL, NULL, path,
	    sizeof(path)), 0);
	cg_close(&cg);
	/* The instance goes with its last group. */
	assert_int_equal(stat(path, &st), -1);
}

/* The first cgroup2 mount in mountinfo, if /sys/fs/cgroup is not one. */
static int
hybrid_v2_mount(char *buf, size_t len)
{
	char line[4096], mnt[1024], *dash;
	FILE *fp;
	int found = 0;

	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0)
		return 0;	/* pure v2: the test above covered it */
	assert_non_null(fp = fopen("/proc/self/mountinfo", "re"));
	while (!found && fgets(line, sizeof(line), fp) != NULL) {
		if ((dash = strstr(line, " - cgroup2 ")) == NULL)
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %1023s", mnt) == 1 &&
		    strlen(mnt) < len) {
			strcpy(buf, mnt);
			found = 1;
		}
	}
	fclose(fp);
	return found;
}

static void
test_v2_on_hybrid(void **state)
{
	char mnt[CG_PATH_MAX];
	struct cg cg;

	(void)state;
	if (geteuid() != 0) {
		print_message("skipped: needs root\n");
		skip();
	}
	if (!hybrid_v2_mount(mnt, sizeof(mnt))) {
		print_message("skipped: no separate cgroup2 mount\n");
		skip();
	}
	assert_int_equal(cg_open_at(&cg, instance, CG_V2, mnt, NULL), 0);
	exercise(&cg);
	cg_close(&cg);
}

static void
put(const char *dir, const char *file, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	assert_non_null(fp = fopen(path, "we"));
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

/*
 * v2's cpu files, on a directory tree that stands in for a cgroup2 mount
 * (this machine's may not offer the cpu controller): what is written, and
 * what is read back from what the kernel would show.
 */
static void
test_v2_cpu_files(void **state)
{
	char root[] = "/tmp/qcgmock.XXXXXX", dir[256], buf[320];
	uint32_t w, c;
	struct cg cg;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(root));
	put(root, "cgroup.controllers", "cpuset cpu io memory pids\n");
	put(root, "cgroup.subtree_control", "\n");
	snprintf(dir, sizeof(dir), "%s/%s", root, instance);
	assert_int_equal(mkdir(dir, 0755), 0);
	put(dir, "cgroup.subtree_control", "\n");
	assert_int_equal(cg_open_at(&cg, instance, CG_V2, root, NULL), 0);
	assert_true(cg.has_cpu);
	assert_int_equal(cg_create(&cg, "g1"), 0);
	snprintf(dir, sizeof(dir), "%s/%s/g1", root, instance);
	put(dir, "cpu.weight", "100\n");
	put(dir, "cpu.max", "max 100000\n");

	assert_int_equal(cg_get_cpu(&cg, "g1", &w, &c), 0);
	assert_true(w == 100 && c == 0);
	assert_int_equal(cg_set_cpu(&cg, "g1", 200, 50), 0);
	snprintf(buf, sizeof(buf), "%s/cpu.max", dir);
	assert_non_null(fp = fopen(buf, "re"));
	assert_non_null(fgets(buf, sizeof(buf), fp));
	fclose(fp);
	assert_string_equal(buf, "50000 100000");
	assert_int_equal(cg_get_cpu(&cg, "g1", &w, &c), 0);
	assert_true(w == 200 && c == 50);
	/* A quota over another period, as someone else may have set. */
	put(dir, "cpu.max", "25000 50000\n");
	assert_int_equal(cg_get_cpu(&cg, "g1", &w, &c), 0);
	assert_int_equal(c, 50);
	put(dir, "cpu.max", "garbage\n");
	assert_int_equal(cg_get_cpu(&cg, "g1", &w, &c), -1);

	/* The subtree controls were asked for cpu. */
	snprintf(buf, sizeof(buf), "%s/cgroup.subtree_control", root);
	assert_non_null(fp = fopen(buf, "re"));
	assert_non_null(fgets(buf, sizeof(buf), fp));
	fclose(fp);
	assert_string_equal(buf, "+cpu");

	snprintf(buf, sizeof(buf), "rm -rf '%s'", root);
	assert_int_equal(system(buf), 0);
}

static void
test_bad_instance(void **state)
{
	struct cg cg;

	(void)state;
	assert_int_equal(cg_open_at(&cg, "../x", CG_V1, "/nonexistent",
	    NULL), -1);
	assert_int_equal(cg_open_at(&cg, ".hidden", CG_V1, "/nonexistent",
	    NULL), -1);
	assert_int_equal(cg_open_at(&cg, "", CG_V1, "/nonexistent", NULL),
	    -1);
}

/* ---- finding the mounts ---------------------------------------------- */

/* cg_find_mounts on a mountinfo file of this text. */
static int
find_in(const char *text, enum cg_mode mode, char *fz, char *cpu)
{
	char path[64];
	FILE *fp;
	int fd, rv;

	snprintf(path, sizeof(path), "/tmp/qcgtest-mi-XXXXXX");
	assert_true((fd = mkstemp(path)) != -1);
	assert_non_null(fp = fdopen(fd, "w"));
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	rv = cg_find_mounts(path, mode, fz, cpu);
	unlink(path);
	return rv;
}

static void
test_find_mounts(void **state)
{
	char fz[CG_PATH_MAX], cpu[CG_PATH_MAX];

	(void)state;
	/* A container's bind mount of a subtree comes first, then a second
	 * mount of the whole tree, then the one at /sys/fs/cgroup. */
	assert_int_equal(find_in(
	    "30 1 0:26 /machine/c1 /mnt/sub rw - cgroup2 cgroup2 rw\n"
	    "31 1 0:26 / /mnt/whole rw - cgroup2 cgroup2 rw\n"
	    "bad line\n"
	    "32 1 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw\n",
	    CG_V2, fz, cpu), 0);
	assert_string_equal(fz, "/sys/fs/cgroup");
	assert_string_equal(cpu, "/sys/fs/cgroup");
	/* Without it, the first whole one; never the subtree. */
	assert_int_equal(find_in(
	    "30 1 0:26 /machine/c1 /mnt/sub rw - cgroup2 cgroup2 rw\n"
	    "31 1 0:26 / /mnt/with\\040space rw - cgroup2 cgroup2 rw\n",
	    CG_V2, fz, cpu), 0);
	assert_string_equal(fz, "/mnt/with space");
	assert_int_equal(find_in(
	    "30 1 0:26 /machine/c1 /mnt/sub rw - cgroup2 cgroup2 rw\n",
	    CG_V2, fz, cpu), -1);
	/* v1: freezer and cpu,cpuacct, the subtrees left out. */
	assert_int_equal(find_in(
	    "40 1 0:30 /lxc /c/freezer rw - cgroup cgroup rw,freezer\n"
	    "41 1 0:30 / /sys/fs/cgroup/freezer rw - cgroup cgroup rw,freezer\n"
	    "42 1 0:31 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup "
	    "rw,cpu,cpuacct\n", CG_V1, fz, cpu), 0);
	assert_string_equal(fz, "/sys/fs/cgroup/freezer");
	assert_string_equal(cpu, "/sys/fs/cgroup/cpu,cpuacct");
	assert_int_equal(cg_find_mounts("/nonexistent/mountinfo", CG_V1, fz,
	    cpu), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weight_round_trip),
		cmocka_unit_test(test_cap_round_trip),
		cmocka_unit_test(test_bad_instance),
		cmocka_unit_test(test_find_mounts),
		cmocka_unit_test(test_v2_cpu_files),
		cmocka_unit_test(test_system_hierarchy),
		cmocka_unit_test(test_v2_on_hybrid),
	};

	log_init("test_cgroup", LOG_TO_STDERR);
	snprintf(instance, sizeof(instance), "qcgtest-%d", (int)getpid());
	return cmocka_run_group_tests(tests, NULL, NULL);
}
