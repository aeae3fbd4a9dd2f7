/*
 * Routelet configuration: the key=value parser, its error messages, the
 * cross-key checks, format/parse round trips and loading from a file.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "testutil.h"

#include "mpls.h"
#include "rlconf.h"
#include "tbf.h"

#define ERRLEN	256

/* A complete, valid configuration touching every key. */
static const char FULL[] =
    "# routelet 7\n"
    "gen=42\n"
    "op=swap\n"
    "in-label=100\n"
    "out-label=200/300/16\n"
    "ttl-mode=pipe\n"
    "nh-mac=02:00:00:00:00:01\n"
    "src-mac=02:AA:bb:cc:dd:ee\n"
    "out-vif=3\n"
    "rate=125000\n"
    "burst=3000\n"
    "qlen=512\n";

/* The required keys and nothing else, one per line (line n = key n). */
static const char *const BASE[] = {
	"gen=1",
	"op=swap",
	"in-label=100",
	"out-label=200",
	"nh-mac=02:00:00:00:00:01",
	"src-mac=02:00:00:00:00:02",
};

/*
 * Whether err names key as a word of its own: "op" is in "op: ..." but not
 * in "drop" or "op=pop"'s "pop".
 */
static int
names_key(const char *err, const char *key)
{
	const char *p = err;
	size_t n = strlen(key);

	while ((p = strstr(p, key)) != NULL) {
		int before = p > err && (p[-1] == '-' ||
		    (p[-1] >= 'a' && p[-1] <= 'z'));
		int after = p[n] == '-' || (p[n] >= 'a' && p[n] <= 'z');

		if (!before && !after)
			return 1;
		p++;
	}
	return 0;
}

static int
is_key(const char *w)
{
	int k;

	for (k = 0; k < RLCONF_K_COUNT; k++)
		if (strcmp(w, rlconf_key_names[k]) == 0)
			return 1;
	return 0;
}

/*
 * Parsing text fails, and the error has each of words: key names as words
 * of their own, anything else as a substring.
 */
static void
expect_error(const char *text, const char *const *words, size_t nwords)
{
	struct rlconf c;
	char err[ERRLEN];
	size_t i;
	int found;

	memset(err, 0, sizeof(err));
	if (rlconf_parse(&c, text, err, sizeof(err)) != -1)
		fail_msg("accepted:\n%s", text);
	for (i = 0; i < nwords; i++) {
		found = is_key(words[i]) ? names_key(err, words[i]) :
		    strstr(err, words[i]) != NULL;
		if (!found)
			fail_msg("error \"%s\" does not mention \"%s\"; "
			    "input:\n%s", err, words[i], text);
	}
}

static void
test_parse_full(void **state)
{
	static const uint8_t nh[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t src[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	struct rlconf c;
	char err[ERRLEN] = "";

	(void)state;
	memset(&c, 0xa5, sizeof(c));
	if (rlconf_parse(&c, FULL, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(c.gen, 42);
	assert_int_equal(c.op, RL_OP_SWAP);
	assert_int_equal(c.in_label, 100);
	assert_int_equal(c.n_out, 3);
	assert_int_equal(c.out_labels[0], 200);
	assert_int_equal(c.out_labels[1], 300);
	assert_int_equal(c.out_labels[2], 16);
	assert_int_equal(c.ttl_mode, RL_TTL_PIPE);
	assert_memory_equal(c.nh_mac, nh, 6);
	assert_memory_equal(c.src_mac, src, 6);
	assert_int_equal(c.out_vif, 3);
	assert_int_equal(c.rate, 125000);
	assert_int_equal(c.burst, 3000);
	assert_int_equal(c.qlen, 512);
	assert_int_equal(c.set, (1u << RLCONF_K_COUNT) - 1);
	assert_int_equal(rlconf_validate(&c, err, sizeof(err)), 0);
}

static void
test_parse_defaults(void **state)
{
	struct rlconf c;
	char err[ERRLEN] = "";

	(void)state;
	memset(&c, 0xa5, sizeof(c));
	if (rlconf_parse(&c, "gen=1 op=pop in-label=16 "
	    "nh-mac=02:00:00:00:00:01 src-mac=02:00:00:00:00:02", err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(c.op, RL_OP_POP);
	assert_int_equal(c.in_label, 16);
	assert_int_equal(c.n_out, 0);
	assert_int_equal(c.ttl_mode, RL_TTL_UNIFORM);
	assert_int_equal(c.out_vif, 0);
	assert_int_equal(c.rate, 0);
	assert_int_equal(c.burst, 0);
	assert_int_equal(c.qlen, RLCONF_QLEN_DEFAULT);
	assert_int_equal(c.set, 1u << RLCONF_K_GEN | 1u << RLCONF_K_OP |
	    1u << RLCONF_K_IN_LABEL | 1u << RLCONF_K_NH_MAC |
	    1u << RLCONF_K_SRC_MAC);

	rlconf_init(&c);
	assert_int_equal(c.set, 0);
	assert_int_equal(c.gen, 0);
	assert_int_equal(c.qlen, 256);
}

static void
test_comments_blanks(void **state)
{
	static const char text[] =
	    "\n"
	    "# a comment line\n"
	    "   \t  \n"
	    "gen=9   # the generation\n"
	    "\top=push\t in-label=1048575#no blank before the comment\r\n"
	    "out-label=0/2/17\r\n"
	    "#nh-mac=03:00:00:00:00:01\n"
	    "nh-mac=02:00:00:00:00:01 src-mac=02:00:00:00:00:02\n"
	    "\n"
	    "# the end, without a newline";
	struct rlconf c;
	char err[ERRLEN] = "";

	(void)state;
	if (rlconf_parse(&c, text, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(c.gen, 9);
	assert_int_equal(c.op, RL_OP_PUSH);
	assert_int_equal(c.in_label, 1048575);
	assert_int_equal(c.n_out, 3);
	assert_int_equal(c.out_labels[0], 0);
	assert_int_equal(c.out_labels[1], 2);
	assert_int_equal(c.out_labels[2], 17);
	assert_int_equal(c.nh_mac[5], 1);
	assert_int_equal(c.nh_mac[0], 2);
	assert_int_equal(c.src_mac[5], 2);

	/* Only comments and blanks: everything required is missing. */
	expect_error("# nothing\n\n   \n", (const char *const[]){ "gen",
	    "missing" }, 2);
	expect_error("", (const char *const[]){ "gen", "missing" }, 2);
}

/* BASE with line `line` (from 1) replaced by item; NULL drops the line. */
static void
base_with(char *buf, size_t len, size_t line, const char *item)
{
	size_t i, off = 0;
	int n;

	buf[0] = '\0';
	for (i = 0; i < nitems(BASE); i++) {
		const char *s = i + 1 == line ? item : BASE[i];

		if (s == NULL)
			continue;
		n = snprintf(buf + off, len - off, "%s\n", s);
		assert_true(n > 0 && (size_t)n < len - off);
		off += (size_t)n;
	}
}

static void
test_base_valid(void **state)
{
	char text[512], err[ERRLEN] = "";
	struct rlconf c;

	(void)state;
	base_with(text, sizeof(text), 0, NULL);
	if (rlconf_parse(&c, text, err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

struct bad {
	const char	*key;
	size_t		 line;		/* its line in BASE, or 0: appended */
	const char	*vals[12];
};

static void
test_bad_values(void **state)
{
	static const struct bad bad[] = {
		{ "gen", 1, { "0", "-1", "+1", "", "abc", "1x", "0x10",
		    "18446744073709551616", "1.0", NULL } },
		{ "op", 2, { "", "SWAP", "swapx", "none", "php", "pop,swap",
		    NULL } },
		{ "in-label", 3, { "", "abc", "-16", "+16", "1048576",
		    "4294967312", "99999999999999999999", "0", "3", "15",
		    "16/17", NULL } },
		{ "out-label", 4, { "", "1", "100/", "/100", "abc", "+16",
		    "1048576", "16/17/18/19/20", "16//17", "16/3", NULL } },
		{ "nh-mac", 5, { "", "02:00:00:00:00", "02:00:00:00:00:01:02",
		    "zz:00:00:00:00:01", "02:00-00:00:00:01",
		    "01:00:5e:00:00:01", "ff:ff:ff:ff:ff:ff",
		    "00:00:00:00:00:00", "03:00:00:00:00:01", NULL } },
		{ "src-mac", 6, { "", "02:00:00:00:00:0g", "02:00:00:00:00:02x",
		    "33:33:00:00:00:01", "00-00-00-00-00-00", NULL } },
		{ "ttl-mode", 0, { "", "Uniform", "short", "pipe2", "0",
		    NULL } },
		{ "out-vif", 0, { "", "8", "-1", "+1", "abc", "65536", "1x",
		    NULL } },
		{ "rate", 0, { "", "100000000001", "18446744073709551616",
		    "-1", "1.5", "1e6", "1k", NULL } },
		{ "burst", 0, { "", "1073741825", "-1", "1k", "0x100",
		    NULL } },
		{ "qlen", 0, { "", "0", "1025", "-1", "abc", NULL } },
	};
	char text[512], item[128], where[32];
	size_t i, j, line;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		for (j = 0; bad[i].vals[j] != NULL; j++) {
			snprintf(item, sizeof(item), "%s=%s", bad[i].key,
			    bad[i].vals[j]);
			if (bad[i].line != 0) {
				line = bad[i].line;
				base_with(text, sizeof(text), line, item);
			} else {
				/* After the base, on a line of its own. */
				base_with(text, sizeof(text), 0, NULL);
				strcat(text, item);
				line = nitems(BASE) + 1;
			}
			snprintf(where, sizeof(where), "line %zu", line);
			expect_error(text, (const char *const[]){ bad[i].key,
			    where }, 2);
		}
	}
}

/* Errors name the line: counting comments, blanks and items before it. */
static void
test_error_line(void **state)
{
	(void)state;
	expect_error("gen=1\nop=swop\n", (const char *const[]){ "line 2",
	    "op" }, 2);
	expect_error("# c\n\ngen=1 op=swap\n\nin-label=3\n",
	    (const char *const[]){ "line 5", "in-label" }, 2);
	expect_error("gen=1 op=swap in-label=100 out-label=3\n",
	    (const char *const[]){ "line 1", "out-label" }, 2);
	expect_error("gen=1\r\nop=swap\r\nqlen=0\r\n",
	    (const char *const[]){ "line 3", "qlen" }, 2);
	/* Not key=value at all. */
	expect_error("gen=1\nop swap\n", (const char *const[]){ "line 2",
	    "key=value" }, 2);
	expect_error("gen=1\nop = swap\n", (const char *const[]){ "line 2",
	    "op" }, 2);
}

static void
test_duplicate_unknown(void **state)
{
	char text[512];

	(void)state;
	expect_error("gen=1\ngen=2\n", (const char *const[]){ "line 2", "gen",
	    "twice" }, 3);
	/* A duplicate is an error even with the same value. */
	base_with(text, sizeof(text), 0, NULL);
	strcat(text, "in-label=100\n");
	expect_error(text, (const char *const[]){ "line 7", "in-label",
	    "twice" }, 3);
	expect_error("gen=1 op=pop op=pop\n", (const char *const[]){ "line 1",
	    "op", "twice" }, 3);

	base_with(text, sizeof(text), 0, NULL);
	strcat(text, "colour=red\n");
	expect_error(text, (const char *const[]){ "line 7", "unknown",
	    "colour" }, 3);
	expect_error("Gen=1\n", (const char *const[]){ "line 1", "unknown",
	    "Gen" }, 3);
	expect_error("=1\n", (const char *const[]){ "line 1", "unknown" }, 2);
	expect_error("in_label=100\n", (const char *const[]){ "unknown",
	    "in_label" }, 2);
}

static void
test_missing(void **state)
{
	/* The required keys and their lines in BASE. */
	static const struct {
		const char	*key;
		size_t		 line;
	} req[] = {
		{ "gen", 1 }, { "op", 2 }, { "in-label", 3 }, { "nh-mac", 5 },
		{ "src-mac", 6 },
	};
	char text[512];
	size_t i;

	(void)state;
	for (i = 0; i < nitems(req); i++) {
		base_with(text, sizeof(text), req[i].line, NULL);
		expect_error(text, (const char *const[]){ req[i].key,
		    "missing" }, 2);
	}
}

static void
test_op_out_label(void **state)
{
	char text[512];

	(void)state;
	/* pop takes no out-label. */
	base_with(text, sizeof(text), 2, "op=pop");
	expect_error(text, (const char *const[]){ "out-label", "pop" }, 2);
	/* swap and push need one. */
	base_with(text, sizeof(text), 4, NULL);
	expect_error(text, (const char *const[]){ "out-label", "missing",
	    "swap" }, 3);
	expect_error("gen=1 op=push in-label=100 nh-mac=02:00:00:00:00:01 "
	    "src-mac=02:00:00:00:00:02\n", (const char *const[]){ "out-label",
	    "missing", "push" }, 3);
	/* 3 is Implicit NULL: it means pop and is never sent. */
	base_with(text, sizeof(text), 4, "out-label=3");
	expect_error(text, (const char *const[]){ "line 4", "out-label",
	    "pop" }, 3);
	/* The reserved in-label is named as such. */
	base_with(text, sizeof(text), 3, "in-label=3");
	expect_error(text, (const char *const[]){ "in-label", "reserved" },
	    2);
	base_with(text, sizeof(text), 3, "in-label=0");
	expect_error(text, (const char *const[]){ "in-label", "reserved" },
	    2);
}

static void
test_rate_burst(void **state)
{
	static const char *const ok[] = {
		"rate=0", "rate=0 burst=0", "rate=0 burst=1",
		"rate=1 burst=18", "rate=100000000000 burst=1073741824",
		"burst=5",
	};
	static const char *const bad[] = {
		"rate=1", "rate=1 burst=0", "rate=1 burst=17",
		"rate=125000 burst=1",
	};
	struct rlconf c;
	char text[512], err[ERRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < nitems(ok); i++) {
		base_with(text, sizeof(text), 0, NULL);
		strcat(text, ok[i]);
		if (rlconf_parse(&c, text, err, sizeof(err)) != 0)
			fail_msg("\"%s\": %s", ok[i], err);
	}
	for (i = 0; i < nitems(bad); i++) {
		base_with(text, sizeof(text), 0, NULL);
		strcat(text, bad[i]);
		expect_error(text, (const char *const[]){ "burst" }, 1);
	}
}

/* rlconf_set: each key alone, and a failure changes nothing. */
static void
test_set(void **state)
{
	struct rlconf c;
	char err[ERRLEN];
	unsigned i;

	(void)state;
	rlconf_init(&c);
	assert_int_equal(rlconf_set(&c, "out-label", "100/200", err,
	    sizeof(err)), 0);
	assert_int_equal(rlconf_set(&c, "qlen", "7", err, sizeof(err)), 0);
	assert_int_equal(c.n_out, 2);
	assert_int_equal(c.qlen, 7);
	assert_int_equal(c.set, 1u << RLCONF_K_OUT_LABEL | 1u << RLCONF_K_QLEN);

	assert_int_equal(rlconf_set(&c, "nope", "1", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nope"));
	assert_int_equal(rlconf_set(&c, "qlen", "0", err, sizeof(err)), -1);
	assert_int_equal(rlconf_set(&c, "nh-mac", "01:00:00:00:00:01", err,
	    sizeof(err)), -1);
	assert_true(names_key(err, "nh-mac"));
	/*
	 * A stack that goes bad after good labels, and one longer than
	 * allowed: the labels already set must survive the failure.
	 */
	assert_int_equal(rlconf_set(&c, "out-label", "300/abc", err,
	    sizeof(err)), -1);
	assert_int_equal(rlconf_set(&c, "out-label", "16/17/18/19/20", err,
	    sizeof(err)), -1);
	assert_int_equal(rlconf_set(&c, "out-label", "400/3", err,
	    sizeof(err)), -1);
	assert_int_equal(c.n_out, 2);
	assert_int_equal(c.out_labels[0], 100);
	assert_int_equal(c.out_labels[1], 200);
	for (i = 2; i < RLCONF_MAX_LABELS; i++)
		assert_int_equal(c.out_labels[i], 0);
	assert_int_equal(c.qlen, 7);
	assert_int_equal(c.nh_mac[0], 0);
	assert_int_equal(c.set, 1u << RLCONF_K_OUT_LABEL | 1u << RLCONF_K_QLEN);

	/* A NULL or empty err buffer is allowed. */
	assert_int_equal(rlconf_set(&c, "qlen", "0", NULL, 0), -1);
	err[0] = 'X';
	assert_int_equal(rlconf_set(&c, "qlen", "0", err, 0), -1);
	assert_int_equal(err[0], 'X');
	/* A short err buffer is cut, and terminated. */
	memset(err, 'X', sizeof(err));
	assert_int_equal(rlconf_set(&c, "qlen", "0", err, 5), -1);
	assert_string_equal(err, "qlen");
}

static void
test_names(void **state)
{
	static const char *const keys[RLCONF_K_COUNT] = { "gen", "op",
	    "in-label", "out-label", "ttl-mode", "nh-mac", "src-mac",
	    "out-vif", "rate", "burst", "qlen" };
	int k;

	(void)state;
	for (k = 0; k < RLCONF_K_COUNT; k++)
		assert_string_equal(rlconf_key_names[k], keys[k]);
	assert_string_equal(rl_op_name(RL_OP_NONE), "none");
	assert_string_equal(rl_op_name(RL_OP_SWAP), "swap");
	assert_string_equal(rl_op_name(RL_OP_POP), "pop");
	assert_string_equal(rl_op_name(RL_OP_PUSH), "push");
	assert_string_equal(rl_op_name((enum rl_op)4), "?");
	assert_string_equal(rl_op_name((enum rl_op)-1), "?");
}

static void
test_format_known(void **state)
{
	static const char want[] =
	    "gen=42\n"
	    "op=swap\n"
	    "in-label=100\n"
	    "out-label=200/300/16\n"
	    "ttl-mode=pipe\n"
	    "nh-mac=02:00:00:00:00:01\n"
	    "src-mac=02:aa:bb:cc:dd:ee\n"
	    "out-vif=3\n"
	    "rate=125000\n"
	    "burst=3000\n"
	    "qlen=512\n";
	struct rlconf c;
	char buf[1024], err[ERRLEN];

	(void)state;
	assert_int_equal(rlconf_parse(&c, FULL, err, sizeof(err)), 0);
	assert_int_equal(rlconf_format(&c, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
	/* Too small a buffer: -1, not a cut line. */
	assert_int_equal(rlconf_format(&c, buf, strlen(want)), -1);
	assert_int_equal(rlconf_format(&c, buf, 10), -1);
	assert_int_equal(rlconf_format(&c, buf, 0), -1);
	assert_int_equal(rlconf_format(&c, buf, strlen(want) + 1),
	    strlen(want));

	/* Only the keys given are written. */
	assert_int_equal(rlconf_parse(&c, "gen=1 op=pop in-label=16 "
	    "nh-mac=02:00:00:00:00:01 src-mac=02:00:00:00:00:02", err,
	    sizeof(err)), 0);
	assert_true(rlconf_format(&c, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "gen=1\nop=pop\nin-label=16\n"
	    "nh-mac=02:00:00:00:00:01\nsrc-mac=02:00:00:00:00:02\n");

	assert_int_equal(rlconf_get(&c, RLCONF_K_QLEN, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "256");
	assert_int_equal(rlconf_get(&c, RLCONF_K_QLEN, buf, 3), -1);
}

static void
rand_mac(uint64_t *seed, uint8_t mac[6])
{
	int i;

	do {
		for (i = 0; i < 6; i++)
			mac[i] = (uint8_t)tu_rand64(seed);
		mac[0] &= 0xfe;		/* unicast */
	} while (mac[1] == 0 && mac[2] == 0);	/* keep well clear of zero */
}

/* A valid configuration built field by field, not through the parser. */
static void
rand_conf(uint64_t *seed, struct rlconf *c)
{
	static const uint64_t gens[] = { 1, 2, UINT32_MAX, UINT64_MAX - 1,
	    UINT64_MAX };
	unsigned i;

	rlconf_init(c);
	c->set = 1u << RLCONF_K_GEN | 1u << RLCONF_K_OP |
	    1u << RLCONF_K_IN_LABEL | 1u << RLCONF_K_NH_MAC |
	    1u << RLCONF_K_SRC_MAC;
	c->gen = tu_randn(seed, 4) == 0 ? gens[tu_randn(seed, nitems(gens))] :
	    1 + tu_randn(seed, UINT64_MAX);
	c->op = (enum rl_op)(RL_OP_SWAP + tu_randn(seed, 3));
	c->in_label = 16 + (uint32_t)tu_randn(seed, MPLS_LABEL_COUNT - 16);
	if (c->op != RL_OP_POP) {
		c->set |= 1u << RLCONF_K_OUT_LABEL;
		c->n_out = (uint8_t)(1 + tu_randn(seed, RLCONF_MAX_LABELS));
		for (i = 0; i < c->n_out; i++)
			switch (tu_randn(seed, 4)) {
			case 0:
				c->out_labels[i] = tu_randn(seed, 2) ? 2 : 0;
				break;
			case 1:
				c->out_labels[i] = MPLS_LABEL_MAX;
				break;
			default:
				c->out_labels[i] = 16 + (uint32_t)tu_randn(seed,
				    MPLS_LABEL_COUNT - 16);
				break;
			}
	}
	rand_mac(seed, c->nh_mac);
	rand_mac(seed, c->src_mac);
	if (tu_randn(seed, 2)) {
		c->set |= 1u << RLCONF_K_TTL_MODE;
		c->ttl_mode = tu_randn(seed, 2) ? RL_TTL_PIPE : RL_TTL_UNIFORM;
	}
	if (tu_randn(seed, 2)) {
		c->set |= 1u << RLCONF_K_OUT_VIF;
		c->out_vif = (uint16_t)tu_randn(seed, RLCONF_MAX_VIFS);
	}
	if (tu_randn(seed, 2)) {
		c->set |= 1u << RLCONF_K_RATE | 1u << RLCONF_K_BURST;
		c->rate = tu_randn(seed, TBF_RATE_MAX + 1);
		c->burst = 18 + tu_randn(seed, TBF_BURST_MAX - 18 + 1);
	}
	if (tu_randn(seed, 2)) {
		c->set |= 1u << RLCONF_K_QLEN;
		c->qlen = 1 + (uint32_t)tu_randn(seed, RLCONF_QLEN_MAX);
	}
}

static void
assert_conf_equal(const struct rlconf *a, const struct rlconf *b)
{
	unsigned i;

	assert_int_equal(a->gen, b->gen);
	assert_int_equal(a->op, b->op);
	assert_int_equal(a->in_label, b->in_label);
	assert_int_equal(a->n_out, b->n_out);
	for (i = 0; i < a->n_out; i++)
		assert_int_equal(a->out_labels[i], b->out_labels[i]);
	assert_int_equal(a->ttl_mode, b->ttl_mode);
	assert_memory_equal(a->nh_mac, b->nh_mac, 6);
	assert_memory_equal(a->src_mac, b->src_mac, 6);
	assert_int_equal(a->out_vif, b->out_vif);
	assert_int_equal(a->rate, b->rate);
	assert_int_equal(a->burst, b->burst);
	assert_int_equal(a->qlen, b->qlen);
	assert_int_equal(a->set, b->set);
}

static void
test_roundtrip(void **state)
{
	struct rlconf a, b;
	char buf[1024], again[1024], err[ERRLEN];
	uint64_t seed = 3443;
	int n, i;

	(void)state;
	/* The full configuration first. */
	assert_int_equal(rlconf_parse(&a, FULL, err, sizeof(err)), 0);
	assert_true(rlconf_format(&a, buf, sizeof(buf)) > 0);
	assert_int_equal(rlconf_parse(&b, buf, err, sizeof(err)), 0);
	assert_conf_equal(&a, &b);

	for (i = 0; i < 5000; i++) {
		rand_conf(&seed, &a);
		if (rlconf_validate(&a, err, sizeof(err)) != 0)
			fail_msg("generated an invalid config: %s", err);
		n = rlconf_format(&a, buf, sizeof(buf));
		assert_true(n > 0);
		assert_int_equal((size_t)n, strlen(buf));
		if (rlconf_parse(&b, buf, err, sizeof(err)) != 0)
			fail_msg("%s\n%s", err, buf);
		assert_conf_equal(&a, &b);
		/* And the text is a fixed point. */
		assert_int_equal(rlconf_format(&b, again, sizeof(again)), n);
		assert_string_equal(again, buf);
	}
}

/* A file in $TMPDIR holding len bytes of data; the caller unlinks it. */
static void
tmpfile_with(char *path, size_t pathlen, const void *data, size_t len)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(path, pathlen, "%s/rlconf-test.XXXXXX",
	    dir != NULL && *dir != '\0' ? dir : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static void
test_load(void **state)
{
	static const char nul[] = "gen=1\nop=swap\0\nin-label=100\n";
	struct rlconf c;
	char path[256], err[ERRLEN];

	(void)state;
	/* A good file. */
	tmpfile_with(path, sizeof(path), FULL, strlen(FULL));
	assert_int_equal(rlconf_load(&c, path, err, sizeof(err)), 0);
	assert_int_equal(c.gen, 42);
	assert_int_equal(c.n_out, 3);
	unlink(path);

	/* Missing: the error gives the path and the reason. */
	assert_int_equal(rlconf_load(&c, "/nonexistent/rlconf.conf", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/rlconf.conf"));
	assert_non_null(strstr(err, strerror(ENOENT)));

	/* A NUL byte inside: refused, not cut short at the NUL. */
	tmpfile_with(path, sizeof(path), nul, sizeof(nul) - 1);
	assert_int_equal(rlconf_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "NUL"));
	unlink(path);

	/* A parse error names the file and the line. */
	tmpfile_with(path, sizeof(path), "gen=1\nop=jump\n", 14);
	assert_int_equal(rlconf_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "line 2"));
	assert_true(names_key(err, "op"));
	unlink(path);

	/* An empty file is a configuration without its required keys. */
	tmpfile_with(path, sizeof(path), "", 0);
	assert_int_equal(rlconf_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "missing"));
	unlink(path);

	/* A directory is not a configuration. */
	assert_int_equal(rlconf_load(&c, "/", err, sizeof(err)), -1);
}

/* The size limit: the largest file taken is 8191 bytes, to the byte. */
static void
test_load_size(void **state)
{
	static char text[9000];
	struct rlconf c;
	char path[256], err[ERRLEN];
	size_t base, len;

	(void)state;
	base = strlen(FULL);
	for (len = 8190; len <= 8192; len++) {
		/* FULL, then comment lines padding it to len bytes. */
		memcpy(text, FULL, base);
		memset(text + base, '#', len - base);
		text[len - 1] = '\n';
		tmpfile_with(path, sizeof(path), text, len);
		if (len <= 8191) {
			if (rlconf_load(&c, path, err, sizeof(err)) != 0)
				fail_msg("%zu bytes: %s", len, err);
			assert_int_equal(c.gen, 42);
		} else {
			assert_int_equal(rlconf_load(&c, path, err,
			    sizeof(err)), -1);
			assert_non_null(strstr(err, "larger"));
		}
		unlink(path);
	}
}

/*
 * A Xen routelet builds its text node by node: a value with a newline,
 * blank, '#' or '=' would read as another key, a comment or a cut, and is
 * refused whole (found by tests/fuzz/fuzz_rlconf_xs).
 */
static void
test_text_add(void **state)
{
	static const char *const bad[] = {
		"200\nrate=0", "1000 # no", "16 ", "a=b", "2\t3", "1\r",
		"\x7f", "\xc3\xa9",
	};
	struct rlconf c;
	char buf[256], err[ERRLEN];
	size_t off = 0, i, before;

	(void)state;
	assert_int_equal(rlconf_text_add(buf, sizeof(buf), &off, "gen", "7",
	    err, sizeof(err)), 0);
	assert_int_equal(rlconf_text_add(buf, sizeof(buf), &off, "op", "pop",
	    err, sizeof(err)), 0);
	before = off;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(rlconf_text_add(buf, sizeof(buf), &off,
		    "out-label", bad[i], err, sizeof(err)), -1);
		assert_non_null(strstr(err, "out-label"));
		assert_int_equal(off, before);
	}
	assert_int_equal(rlconf_text_add(buf, sizeof(buf), &off, "nosuch",
	    "1", err, sizeof(err)), -1);
	assert_string_equal(err, "unknown key 'nosuch'");
	assert_int_equal(rlconf_text_add(buf, sizeof(buf), &off, "in-label",
	    "100", err, sizeof(err)), 0);
	assert_int_equal(rlconf_text_add(buf, sizeof(buf), &off, "nh-mac",
	    "02:00:00:00:00:01", err, sizeof(err)), 0);
	assert_int_equal(rlconf_text_add(buf, sizeof(buf), &off, "src-mac",
	    "02:00:00:00:00:02", err, sizeof(err)), 0);
	assert_string_equal(buf, "gen=7\nop=pop\nin-label=100\n"
	    "nh-mac=02:00:00:00:00:01\nsrc-mac=02:00:00:00:00:02\n");
	assert_int_equal(rlconf_parse(&c, buf, err, sizeof(err)), 0);
	/* No room: refused, and the text stays what it was. */
	off = 0;
	assert_int_equal(rlconf_text_add(buf, 8, &off, "gen", "12345",
	    err, sizeof(err)), -1);
	assert_int_equal(off, 0);
	assert_string_equal(buf, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_parse_defaults),
		cmocka_unit_test(test_comments_blanks),
		cmocka_unit_test(test_base_valid),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_error_line),
		cmocka_unit_test(test_duplicate_unknown),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_op_out_label),
		cmocka_unit_test(test_rate_burst),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_format_known),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_load_size),
		cmocka_unit_test(test_text_add),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
