/*
 * A Xen routelet's configuration: one xenstore node per key under
 * quasar/conf/ (src/rlxs.h), which routelet/xen.c reads back into the
 * text rlconf_parse takes, node by node with rlconf_text_add.
 *
 * Input: nodes, each a key byte (an rlconf key, or past them an unknown
 * name), a length byte and the value's bytes.  A node's value is a C
 * string (xenstore's), so it ends at its first NUL.
 *
 * Invariant: what is accepted is exactly the nodes given, key by key: no
 * value can bring in another key, a comment or a cut, so every key set
 * has the value its own node sets alone.
 */
#include "fuzz.h"
#include "rlconf.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct rlconf c, one;
	char buf[2048], err[256], x[64], y[64], *val[RLCONF_K_COUNT];
	const uint8_t *p;
	uint32_t given = 0;
	size_t off = 0, n;
	unsigned k;
	int refused = 0;

	memset(val, 0, sizeof(val));
	buf[0] = '\0';
	while (fz_left(&f) > 0 && !refused) {
		k = fz_u8(&f) % (RLCONF_K_COUNT + 1);
		p = fz_take(&f, fz_u8(&f), &n);
		if (k == RLCONF_K_COUNT) {
			char *s = fz_strndup(p, n);

			/* xen.c asks for known keys only; check the refusal */
			FZ_CHECK(rlconf_text_add(buf, sizeof(buf), &off,
			    "no-such-key", s, err, sizeof(err)) == -1,
			    "an unknown key is taken");
			free(s);
			continue;
		}
		if ((given >> k) & 1)
			continue;	/* xenstore has one node per path */
		given |= 1u << k;
		val[k] = fz_strndup(p, n);
		if (rlconf_text_add(buf, sizeof(buf), &off,
		    rlconf_key_names[k], val[k], err, sizeof(err)) == -1)
			refused = 1;
	}
	if (!refused && rlconf_parse(&c, buf, err, sizeof(err)) == 0) {
		FZ_CHECK(c.set == given, "keys %#x from nodes %#x:\n%s",
		    c.set, given, buf);
		for (k = 0; k < RLCONF_K_COUNT; k++) {
			if (!((given >> k) & 1))
				continue;
			rlconf_init(&one);
			FZ_CHECK(rlconf_set(&one, rlconf_key_names[k], val[k],
			    err, sizeof(err)) == 0, "node %s '%s' alone: %s",
			    rlconf_key_names[k], val[k], err);
			FZ_CHECK(rlconf_get(&c, (enum rlconf_key)k, x,
			    sizeof(x)) >= 0 && rlconf_get(&one,
			    (enum rlconf_key)k, y, sizeof(y)) >= 0 &&
			    strcmp(x, y) == 0, "node %s '%s' read as '%s'",
			    rlconf_key_names[k], val[k], x);
		}
	}
	for (k = 0; k < RLCONF_K_COUNT; k++)
		free(val[k]);
	return 0;
}
