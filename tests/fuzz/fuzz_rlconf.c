/*
 * A routelet's configuration text (src/rlconf.c): what a local routelet
 * reads after "conf\n" on its control socket, and `routelet replay -c` from
 * a file.  Input: the text.
 *
 * Invariants: an accepted configuration validates, formats, and the
 * formatted text parses back to the same configuration; a refused one
 * says why.
 */
#include "fuzz.h"
#include "rlconf.h"

static int
conf_equal(const struct rlconf *a, const struct rlconf *b)
{
	char x[64], y[64];
	int k;

	if (a->set != b->set)
		return 0;
	for (k = 0; k < RLCONF_K_COUNT; k++) {
		if (!((a->set >> k) & 1))
			continue;
		if (rlconf_get(a, (enum rlconf_key)k, x, sizeof(x)) < 0 ||
		    rlconf_get(b, (enum rlconf_key)k, y, sizeof(y)) < 0 ||
		    strcmp(x, y) != 0)
			return 0;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rlconf c, c2;
	char err[256], text[2048], *s;
	int n;

	s = fz_strndup(data, size);
	err[0] = '\0';
	if (rlconf_parse(&c, s, err, sizeof(err)) == -1) {
		FZ_CHECK(err[0] != '\0', "refused without a reason");
		free(s);
		return 0;
	}
	free(s);
	FZ_CHECK(rlconf_validate(&c, err, sizeof(err)) == 0,
	    "accepted, then invalid: %s", err);
	n = rlconf_format(&c, text, sizeof(text));
	FZ_CHECK(n > 0, "an accepted configuration does not format");
	FZ_CHECK(rlconf_parse(&c2, text, err, sizeof(err)) == 0,
	    "its own text is refused: %s\n%s", err, text);
	FZ_CHECK(conf_equal(&c, &c2), "reads back otherwise:\n%s", text);
	return 0;
}
