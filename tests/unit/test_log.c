/*
 * Logging to stderr: the line formats, the debug switch, errno kept, and
 * fatal/fatalx exiting with status 1.  stderr is pointed at a temporary
 * file for each check and read back.
 */
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "testutil.h"

#include "log.h"

static int saved_stderr = -1;
static FILE *capf;

static void
cap_begin(void)
{
	fflush(stderr);
	capf = tmpfile();
	assert_non_null(capf);
	saved_stderr = dup(STDERR_FILENO);
	assert_true(saved_stderr >= 0);
	assert_true(dup2(fileno(capf), STDERR_FILENO) >= 0);
}

/* Ends the capture; returns what was written, a heap string. */
static char *
cap_end(void)
{
	char *buf;
	long n;

	fflush(stderr);
	assert_true(dup2(saved_stderr, STDERR_FILENO) >= 0);
	close(saved_stderr);
	saved_stderr = -1;
	n = ftell(capf);
	assert_true(n >= 0);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	rewind(capf);
	assert_int_equal(fread(buf, 1, (size_t)n, capf), (size_t)n);
	buf[n] = '\0';
	fclose(capf);
	capf = NULL;
	return buf;
}

static void
expect(char *got, const char *want)
{
	assert_string_equal(got, want);
	free(got);
}

static int
setup(void **state)
{
	(void)state;
	log_init("qtest", LOG_TO_STDERR);
	log_setverbose(0);
	return 0;
}

static void
test_levels(void **state)
{
	(void)state;
	cap_begin();
	log_warnx("warnx %d", 1);
	log_info("info %s", "two");
	log_debug("debug %d", 3);	/* not verbose: dropped */
	expect(cap_end(), "qtest: warnx 1\nqtest: info two\n");

	assert_int_equal(log_getverbose(), 0);
	log_setverbose(1);
	assert_int_equal(log_getverbose(), 1);
	cap_begin();
	log_debug("debug %d", 3);
	expect(cap_end(), "qtest: debug 3\n");
	log_setverbose(0);
}

static void
test_warn_errno(void **state)
{
	char want[256];
	int e;

	(void)state;
	snprintf(want, sizeof(want), "qtest: open x: %s\n", strerror(ENOENT));
	cap_begin();
	errno = ENOENT;
	log_warn("open %s", "x");
	e = errno;
	expect(cap_end(), want);
	/* errno survives the logging, for the caller to act on. */
	assert_int_equal(e, ENOENT);
}

static void
test_long_message(void **state)
{
	static char big[3000], want[1100];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	/* Cut to the 1023 characters the buffer holds, still one line. */
	snprintf(want, sizeof(want), "qtest: %.1023s\n", big);
	cap_begin();
	log_warnx("%s", big);
	expect(cap_end(), want);
}

/* Runs fn in a child; returns its exit status and what it wrote. */
static int
run_child(void (*fn)(void), char **out)
{
	int status = 0;
	pid_t pid, w;

	/* The child's exit flushes stdio: leave nothing for it to repeat. */
	fflush(stdout);
	cap_begin();
	pid = fork();
	if (pid == 0) {
		fn();
		_exit(99);	/* fn did not exit */
	}
	w = pid > 0 ? waitpid(pid, &status, 0) : -1;
	*out = cap_end();
	assert_true(pid > 0);
	assert_int_equal(w, pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
call_fatalx(void)
{
	fatalx("broken %d", 7);
}

static void
call_fatal(void)
{
	errno = EACCES;
	fatal("cannot %s", "go on");
}

static void
test_fatal(void **state)
{
	char want[256], *out;

	(void)state;
	assert_int_equal(run_child(call_fatalx, &out), 1);
	expect(out, "qtest: broken 7\n");
	snprintf(want, sizeof(want), "qtest: cannot go on: %s\n",
	    strerror(EACCES));
	assert_int_equal(run_child(call_fatal, &out), 1);
	expect(out, want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_levels, setup),
		cmocka_unit_test_setup(test_warn_errno, setup),
		cmocka_unit_test_setup(test_long_message, setup),
		cmocka_unit_test_setup(test_fatal, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
