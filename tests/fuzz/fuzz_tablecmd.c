/*
 * quasar-demux's table subcommands (demux/tablecmd.c): command-line words
 * that write the shared tables, in a state directory of the harness's own
 * under /dev/shm (the ltable writer's XDP label map is left alone: no
 * demux publishes one here).
 *
 * Input: the words of one command line, separated by NUL bytes or
 * blanks (at most 16).
 *
 * Invariants: a command exits 0, 1 or 2 (usage), and whatever it leaves
 * in the best-effort table is an entry the demux would follow
 * (belfib_check), so the CLI cannot write what the data path drops as
 * be_bad_entry.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "demux.h"
#include "fuzz.h"
#include "qstate.h"

#define NWORDS	16

static char dir[64];

static void
cleanup(void)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/%s", dir, QSTATE_LTABLE);
	unlink(p);
	snprintf(p, sizeof(p), "%s/%s", dir, QSTATE_BELFIB);
	unlink(p);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_state_dir("tablecmd", dir, sizeof(dir));
	atexit(cleanup);
	return 0;
}

static void
be_fn(uint32_t label, const struct belfib_entry *e, void *arg)
{
	(void)arg;
	if (e->op == BELFIB_OP_NONE)
		return;
	FZ_CHECK(belfib_check(label, e) == BELFIB_OK, "label %u: %s", label,
	    belfib_strerror(belfib_check(label, e)));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qstate_file qf;
	struct belfib fib;
	char *s, *argv[NWORDS + 1], err[256];
	size_t i;
	int argc = 0, rc;

	s = fz_strndup(data, size);
	for (i = 0; i <= size; i++)
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')
			s[i] = '\0';
	for (i = 0; i < size && argc < NWORDS; i++)
		if (s[i] != '\0' && (i == 0 || s[i - 1] == '\0'))
			argv[argc++] = s + i;
	argv[argc] = NULL;
	if (argc == 0) {
		free(s);
		return 0;
	}
	rc = dx_cmd(dir, argc, argv);
	FZ_CHECK(rc == 0 || rc == 1 || rc == 2, "exit %d", rc);
	free(s);
	if (qstate_belfib_open(dir, 0, &fib, &qf, err, sizeof(err)) == 0) {
		belfib_walk(&fib, be_fn, NULL);
		qstate_file_close(&qf);
		belfib_destroy(&fib);
	}
	return 0;
}
