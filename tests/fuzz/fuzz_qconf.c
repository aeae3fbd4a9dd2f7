/*
 * quasard's XML configuration (src/qconf.c): libxml2's parse with no DTD,
 * the schema (docs/quasard.xsd, or $QUASARD_XSD), then qconf's own
 * checks.  Input: the file's bytes.
 *
 * Invariants: a refusal says why; what is accepted prints (qconf_print,
 * what `quasard -nv` shows) as a file that loads to the same
 * configuration.
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "log.h"
#include "qconf.h"

static char xsd[PATH_MAX];
static int in_fd = -1, out_fd = -1;
static char in_path[64], out_path[64];
static struct qconf c, c2;
static char err[8192];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char exe[PATH_MAX], *slash;
	ssize_t n;
	const char *env = getenv("QUASARD_XSD");

	(void)argc;
	(void)argv;
	if (env != NULL)
		snprintf(xsd, sizeof(xsd), "%s", env);
	else {
		/* BUILD/tests/fuzz/fuzz_qconf -> the tree's docs/ */
		if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <
		    0)
			abort();
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		snprintf(xsd, sizeof(xsd), "%s/../../../docs/quasard.xsd",
		    exe);
	}
	if (access(xsd, R_OK) == -1) {
		fprintf(stderr, "fuzz_qconf: no schema at %s (set "
		    "QUASARD_XSD)\n", xsd);
		abort();
	}
	if ((in_fd = memfd_create("qconf-in", 0)) == -1 ||
	    (out_fd = memfd_create("qconf-out", 0)) == -1)
		abort();
	snprintf(in_path, sizeof(in_path), "/proc/self/fd/%d", in_fd);
	snprintf(out_path, sizeof(out_path), "/proc/self/fd/%d", out_fd);
	return 0;
}

static void
refill(int fd, const void *p, size_t n)
{
	if (ftruncate(fd, 0) == -1 || (n > 0 && pwrite(fd, p, n, 0) !=
	    (ssize_t)n))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = NULL;
	size_t tlen = 0;
	FILE *f;
	int rc;

	if (size > 65536)
		return 0;
	refill(in_fd, data, size);
	err[0] = '\0';
	rc = qconf_load(&c, in_path, xsd, err, sizeof(err));
	FZ_CHECK(rc == QCONF_OK || rc == QCONF_ERR_XML ||
	    rc == QCONF_ERR_SCHEMA || rc == QCONF_ERR_CONF, "rc %d", rc);
	if (rc != QCONF_OK) {
		FZ_CHECK(rc == QCONF_ERR_FILE || err[0] != '\0',
		    "refused (%d) with no reason", rc);
		return 0;
	}
	if ((f = open_memstream(&text, &tlen)) == NULL)
		abort();
	qconf_print(f, &c);
	fclose(f);
	refill(out_fd, text, tlen);
	rc = qconf_load(&c2, out_path, xsd, err, sizeof(err));
	FZ_CHECK(rc == QCONF_OK, "its printed form is refused (%d): %s\n%s",
	    rc, err, text);
	FZ_CHECK(qconf_equal(&c, &c2), "its printed form loads to another "
	    "configuration:\n%s", text);
	free(text);
	return 0;
}
