/*
 * quasard's control socket (rsvpd/control.c, rsvpctl.c): what it does
 * with a request line, against a quasard whose state is real (pool, LSP
 * table, RSVP-TE with its head-end LSPs, admission, labels) but whose
 * backend makes no domains (fz_quasard.h): an "lsp add" runs its checks
 * and then fails to take a routelet, as on a router whose pool is
 * exhausted.  The RSVP socket is never opened (fd -1): a head-end's Path
 * is built and encoded, and counted as a failed send; the harness runs in
 * a network namespace of its own, so route lookups see only its lo.
 *
 * Input: request lines, newline-separated (each at most the socket's
 * 4096 bytes).  After the input, every LSP left is deleted through the
 * same commands, so no state passes from one input to the next.
 *
 * Invariants: every request gets "ok" with a body or an error with a
 * reason; a JSON reply ("-j ") is valid JSON; state is gone after the
 * deletes (LeakSanitizer sees the rest).
 */
#include "fuzz.h"
#include "fz_quasard.h"
#include "log.h"

#define LINE_MAX_	4096

static struct quasard q;
static struct rsvpd rd;

/* ---- a JSON checker: RFC 8259's grammar, nothing more ------------------ */

static const char *
js_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *js_value(const char *p, int depth);

static const char *
js_string(const char *p)
{
	int i;

	if (*p++ != '"')
		return NULL;
	for (;;) {
		if ((unsigned char)*p < 0x20)
			return NULL;	/* control byte, or the end */
		if (*p == '"')
			return p + 1;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (i = 1; i <= 4; i++)
					if (!((p[i] >= '0' && p[i] <= '9') ||
					    (p[i] >= 'a' && p[i] <= 'f') ||
					    (p[i] >= 'A' && p[i] <= 'F')))
						return NULL;
				p += 5;
				continue;
			}
			if (strchr("\"\\/bfnrt", *p) == NULL || *p == '\0')
				return NULL;
		}
		p++;
	}
}

static const char *
js_number(const char *p)
{
	const char *s;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (*p == '.') {
		s = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == s)
			return NULL;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		s = p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == s)
			return NULL;
	}
	return p;
}

static const char *
js_value(const char *p, int depth)
{
	if (depth > 64)
		return NULL;
	p = js_ws(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		int obj = *p == '{';

		p = js_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (obj) {
				if ((p = js_string(js_ws(p))) == NULL)
					return NULL;
				p = js_ws(p);
				if (*p++ != ':')
					return NULL;
			}
			if ((p = js_value(p, depth + 1)) == NULL)
				return NULL;
			p = js_ws(p);
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	}
	if (*p == '"')
		return js_string(p);
	if (strncmp(p, "true", 4) == 0)
		return p + 4;
	if (strncmp(p, "false", 5) == 0)
		return p + 5;
	if (strncmp(p, "null", 4) == 0)
		return p + 4;
	return js_number(p);
}

static int
json_ok(const char *s)
{
	const char *p = js_value(s, 0);

	return p != NULL && *js_ws(p) == '\0';
}

/* ---- the harness ------------------------------------------------------- */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_control", LOG_TO_STDERR);
	/* FUZZ_VERBOSE=1 to see the debug lines when replaying */
	log_setverbose(getenv("FUZZ_VERBOSE") != NULL);
	fz_netns("control");
	fz_quasard_init(&q, "/nonexistent");
	fz_rsvpd_init(&rd, &q);
	return 0;
}

static void
request(const char *line, size_t n)
{
	struct reply r = { .cap = 256 };
	char buf[LINE_MAX_ + 1];

	memcpy(buf, line, n);
	buf[n] = '\0';
	if ((r.buf = malloc(r.cap)) == NULL)
		abort();
	r.buf[0] = '\0';
	control_dispatch(&q, buf, &r);
	FZ_CHECK(r.len < r.cap && r.buf[r.len] == '\0',
	    "reply not a string");
	if (r.failed)
		FZ_CHECK(r.len > 0 && memchr(r.buf, '\n', r.len) == NULL,
		    "an error of %zu bytes, or of more than one line: %.80s",
		    r.len, r.buf);
	else if (r.json && r.len > 0)
		FZ_CHECK(json_ok(r.buf), "'%.60s' gave no JSON: %.300s",
		    line, r.buf);
	free(r.buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	char name[QD_NAME_MAX + 8];
	struct he_lsp *he;
	unsigned i;
	size_t n;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl != NULL ? nl : end) - p);
		/* control_accept() refuses a line this long, or with a NUL */
		if (n <= LINE_MAX_ && memchr(p, '\0', n) == NULL)
			request(p, n);
		p += n + 1;
	}
	/* Through the commands, as an operator would clean up. */
	for (i = 0; i < QD_MAX_LSPS; i++)
		if (q.lsps[i] != NULL) {
			snprintf(name, sizeof(name), "lsp del %s",
			    q.lsps[i]->name);
			request(name, strlen(name));
		}
	while ((he = TAILQ_FIRST(&rd.hes)) != NULL) {
		snprintf(name, sizeof(name), "lsp del %s", he->name);
		request(name, strlen(name));
		FZ_CHECK(TAILQ_FIRST(&rd.hes) != he, "lsp %s not deleted",
		    he->name);
	}
	for (i = 0; i < QD_MAX_LSPS; i++)
		FZ_CHECK(q.lsps[i] == NULL, "lsp %s not deleted",
		    q.lsps[i]->name);
	return 0;
}
