/*
 * quasard's XML configuration (src/qconf.c): the examples in tests/conf/
 * (good ones field by field, bad ones by return code, line and message),
 * xmllint's verdict on each against the same schema, round trips through
 * qconf_print, hostile input (bombs, external entities, huge, truncated
 * and mutated files), the bandwidth parser and the error report itself.
 *
 * Run from the top of the tree (tests/run-unit is), or with QUASAR_SRCDIR
 * naming it.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#include <libxml/parser.h>

#include "qconf.h"

#define ERRLEN		8192

static char xsd[512];		/* docs/quasard.xsd */
static char confdir[512];	/* tests/conf */

/* A file under tests/conf/. */
static const char *
conf(const char *name)
{
	static char path[1024];

	snprintf(path, sizeof(path), "%s/%s", confdir, name);
	return path;
}

/* A file in $TMPDIR holding len bytes of data; the caller unlinks it. */
static void
tmpfile_with(char *path, size_t pathlen, const void *data, size_t len)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(path, pathlen, "%s/qconf-test.XXXXXX",
	    dir != NULL && *dir != '\0' ? dir : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	if (len > 0)
		assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static char *
slurp(const char *path, size_t *len_r)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len_r = (size_t)n;
	return buf;
}

static uint32_t
ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static unsigned
nlines(const char *s)
{
	unsigned n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/*
 * Every line of a report is "path:line: message" or "path: message" and
 * ends in a newline; nothing else gets in.
 */
static void
check_report_shape(const char *err, const char *path)
{
	const char *p = err, *nl;
	size_t k = strlen(path);

	assert_true(err[0] != '\0');
	while (*p != '\0') {
		nl = strchr(p, '\n');
		assert_non_null(nl);
		if (strncmp(p, path, k) != 0 || p[k] != ':') {
			print_error("bad report line: %.*s\n", (int)(nl - p),
			    p);
			fail();
		}
		p = nl + 1;
	}
}

/* ---- the good examples -------------------------------------------------- */

static void
test_good_minimal(void **state)
{
	static struct qconf c, d;
	char err[ERRLEN];

	(void)state;
	assert_int_equal(qconf_load(&c, conf("good-minimal.xml"), xsd, err,
	    sizeof(err)), QCONF_OK);
	assert_string_equal(err, "");
	assert_int_equal(c.nifs, 1);
	assert_string_equal(c.ifs[0].name, "p0");
	assert_int_equal(c.ifs[0].reservable, 12500000);
	assert_int_equal(c.ifs[0].address.s_addr, INADDR_ANY);
	assert_int_equal(c.ifs[0].hello, 0);
	assert_int_equal(c.ifs[0].line, 4);
	assert_int_equal(c.nlsps, 0);

	/* Everything else is a default, and the defaults are these. */
	assert_int_equal(c.router_id.s_addr, INADDR_ANY);
	assert_string_equal(c.statedir, "/run/quasar");
	assert_int_equal(c.backend.type, QCONF_BE_LOCAL);
	assert_string_equal(c.backend.instance, "quasar");
	assert_string_equal(c.backend.routelet_path, "");
	assert_string_equal(c.backend.user, "nobody");
	assert_int_equal(c.backend.ack_timeout_ms, 2000);
	assert_int_equal(c.pool.min, 1);
	assert_int_equal(c.pool.target, 4);
	assert_int_equal(c.pool.max, 64);
	assert_int_equal(c.pool.ping_ms, 1000);
	assert_int_equal(c.rsvp.refresh_ms, 30000);
	assert_int_equal(c.rsvp.keep_multiplier, 3);
	assert_int_equal(c.rsvp.hello_ms, 5000);
	assert_int_equal(c.rsvp.hello_misses, 4);
	assert_int_equal(c.admission.cpu_budget_pct, 80);
	assert_int_equal(c.admission.per_packet_ns, 0);
	assert_int_equal(c.labels.min, 1000);
	assert_int_equal(c.labels.max, 1048575);

	/* qconf_init gives the same, bar the interface. */
	qconf_init(&d);
	d.nifs = 1;
	d.ifs[0] = c.ifs[0];
	assert_true(qconf_equal(&c, &d));
}

static void
test_good_full(void **state)
{
	static struct qconf c;
	const struct qconf_lsp *l;
	char err[ERRLEN];

	(void)state;
	assert_int_equal(qconf_load(&c, conf("good-full.xml"), xsd, err,
	    sizeof(err)), QCONF_OK);
	assert_int_equal(c.router_id.s_addr, ip("10.0.0.1"));
	assert_string_equal(c.statedir, "/run/quasar/r1");
	assert_int_equal(c.backend.type, QCONF_BE_LOCAL);
	assert_string_equal(c.backend.instance, "lab-r1");
	assert_string_equal(c.backend.routelet_path,
	    "/usr/local/sbin/routelet");
	assert_string_equal(c.backend.user, "quasar");
	assert_int_equal(c.backend.ack_timeout_ms, 1500);
	assert_int_equal(c.pool.min, 4);
	assert_int_equal(c.pool.target, 8);
	assert_int_equal(c.pool.max, 256);
	assert_int_equal(c.pool.ping_ms, 500);
	assert_int_equal(c.rsvp.refresh_ms, 45000);
	assert_int_equal(c.rsvp.keep_multiplier, 4);
	assert_int_equal(c.rsvp.hello_ms, 2000);
	assert_int_equal(c.rsvp.hello_misses, 5);
	assert_int_equal(c.admission.cpu_budget_pct, 70);
	assert_int_equal(c.admission.per_packet_ns, 350);
	assert_int_equal(c.labels.min, 1000);
	assert_int_equal(c.labels.max, 99999);

	assert_int_equal(c.nifs, 3);
	assert_string_equal(c.ifs[0].name, "p0");
	assert_int_equal(c.ifs[0].reservable, 100000000 / 8);
	assert_int_equal(c.ifs[0].address.s_addr, ip("10.99.1.254"));
	assert_int_equal(c.ifs[0].hello, 1);
	assert_string_equal(c.ifs[1].name, "p1");
	assert_int_equal(c.ifs[1].reservable, 1500000000 / 8);
	assert_int_equal(c.ifs[1].address.s_addr, ip("10.99.2.254"));
	assert_int_equal(c.ifs[1].hello, 0);
	assert_string_equal(c.ifs[2].name, "eth2.100");
	assert_int_equal(c.ifs[2].reservable, 2500000 / 8);
	assert_int_equal(c.ifs[2].address.s_addr, INADDR_ANY);
	assert_int_equal(c.ifs[2].line, 17);

	assert_int_equal(c.nlsps, 3);
	l = &c.lsps[0];
	assert_string_equal(l->name, "A");
	/* libxml2 numbers an element by the line its start tag ends on. */
	assert_int_equal(l->line, 20);
	assert_int_equal(l->in_port, 0);
	assert_int_equal(l->out_port, 1);
	assert_int_equal(l->conf.op, RL_OP_SWAP);
	assert_int_equal(l->conf.in_label, 100);
	assert_int_equal(l->conf.n_out, 1);
	assert_int_equal(l->conf.out_labels[0], 200);
	assert_int_equal(l->conf.out_vif, 1);
	assert_int_equal(l->conf.ttl_mode, RL_TTL_PIPE);
	assert_memory_equal(l->conf.nh_mac, "\x02\x00\x00\x00\x00\x01", 6);
	assert_int_equal(l->conf.rate, 1250000);
	assert_int_equal(l->conf.burst, 3000);
	assert_int_equal(l->conf.qlen, 512);
	assert_int_equal(l->weight, 200);
	assert_int_equal(l->cap, 50);
	/* gen and src-mac are quasard's to fill in. */
	assert_int_equal(l->conf.set & (1u << RLCONF_K_GEN |
	    1u << RLCONF_K_SRC_MAC), 0);

	l = &c.lsps[1];
	assert_string_equal(l->name, "B-php");
	assert_int_equal(l->conf.op, RL_OP_POP);
	assert_int_equal(l->conf.n_out, 0);
	assert_int_equal(l->in_port, 1);
	assert_int_equal(l->out_port, 0);
	assert_int_equal(l->conf.ttl_mode, RL_TTL_UNIFORM);
	assert_int_equal(l->conf.rate, 0);
	assert_int_equal(l->conf.qlen, RLCONF_QLEN_DEFAULT);
	assert_int_equal(l->weight, 100);
	assert_int_equal(l->cap, 0);

	l = &c.lsps[2];
	assert_int_equal(l->conf.op, RL_OP_PUSH);
	assert_int_equal(l->in_port, 2);
	assert_int_equal(l->conf.n_out, 2);
	assert_int_equal(l->conf.out_labels[0], 300);
	assert_int_equal(l->conf.out_labels[1], 301);
	assert_int_equal(l->conf.rate, 250000);
	assert_int_equal(l->conf.burst, 1514);
}

static void
test_good_xen(void **state)
{
	static struct qconf c;
	char err[ERRLEN];

	(void)state;
	assert_int_equal(qconf_load(&c, conf("good-xen.xml"), xsd, err,
	    sizeof(err)), QCONF_OK);
	assert_int_equal(c.backend.type, QCONF_BE_XEN);
	assert_string_equal(c.backend.kernel,
	    "/usr/share/quasar/routelet.vmlinux");
	assert_string_equal(c.backend.ramdisk,
	    "/usr/share/quasar/routelet.cpio");
	assert_int_equal(c.backend.memory_mb, 96);
	/* Blanks around values are dropped, as the schema drops them. */
	assert_string_equal(c.statedir, "/var/lib/quasar");
	assert_int_equal(c.ifs[0].reservable, 125000000);
	assert_int_equal(c.ifs[0].hello, 1);
	/* The instance is the state directory's name by default... */
	assert_string_equal(c.backend.instance, "quasar");
	/* ...and the router-id the first interface address. */
	assert_int_equal(c.router_id.s_addr, ip("192.0.2.1"));
	assert_int_equal(c.pool.max, 16);
	assert_int_equal(c.labels.min, 16);
	assert_int_equal(c.labels.max, 999);
	assert_int_equal(c.nlsps, 1);
	assert_int_equal(c.lsps[0].conf.in_label, 1000);
	assert_memory_equal(c.lsps[0].conf.nh_mac, "\x02\xaa\xbb\xcc\xdd\xee",
	    6);
}

/* ---- the bad examples --------------------------------------------------- */

static const struct bad {
	const char	*file;
	int		 rc;
	long		 line;		/* of the first error */
	const char	*msg;		/* in the first error */
} bads[] = {
	{ "bad-xml-truncated.xml", QCONF_ERR_XML, 6,
	    "Couldn't find end of Start Tag pool line 5" },
	{ "bad-xml-empty.xml", QCONF_ERR_XML, 1, "Document is empty" },
	{ "bad-xml-mismatch.xml", QCONF_ERR_XML, 5,
	    "Opening and ending tag mismatch" },
	{ "bad-xml-entity.xml", QCONF_ERR_XML, 5,
	    "Entity 'quasar' not defined" },
	{ "bad-xml-text.xml", QCONF_ERR_XML, 1, "Start tag expected" },
	{ "bad-xml-utf8.xml", QCONF_ERR_XML, 2,
	    "Input is not proper UTF-8" },
	{ "bad-dtd-billion-laughs.xml", QCONF_ERR_XML, 2,
	    "DOCTYPE is not allowed" },
	{ "bad-dtd-xxe.xml", QCONF_ERR_XML, 2, "DOCTYPE is not allowed" },
	{ "bad-dtd-external.xml", QCONF_ERR_XML, 2, "DOCTYPE is not allowed" },
	{ "bad-schema-root.xml", QCONF_ERR_SCHEMA, 2,
	    "root element is <config> in namespace" },
	{ "bad-schema-nons.xml", QCONF_ERR_SCHEMA, 2,
	    "root element is <quasard> without a namespace" },
	{ "bad-schema-unknown-element.xml", QCONF_ERR_SCHEMA, 5,
	    "Element 'bgp': This element is not expected" },
	{ "bad-schema-unknown-attr.xml", QCONF_ERR_SCHEMA, 5,
	    "The attribute 'mni' is not allowed" },
	{ "bad-schema-number.xml", QCONF_ERR_SCHEMA, 5,
	    "attribute 'min': 'four' is not a valid value" },
	{ "bad-schema-negative.xml", QCONF_ERR_SCHEMA, 5,
	    "attribute 'min': '-1' is not a valid value" },
	{ "bad-schema-empty.xml", QCONF_ERR_SCHEMA, 5,
	    "attribute 'reservable': [facet 'pattern'] The value ''" },
	{ "bad-schema-unit.xml", QCONF_ERR_SCHEMA, 5,
	    "The value '100Mbps' is not accepted" },
	{ "bad-schema-decimals.xml", QCONF_ERR_SCHEMA, 4,
	    "The value '1.1234567891Gbit' is not accepted" },
	{ "bad-schema-ifname.xml", QCONF_ERR_SCHEMA, 5,
	    "The value 'abcdefghijklmnop' is not accepted" },
	{ "bad-schema-required.xml", QCONF_ERR_SCHEMA, 5,
	    "The attribute 'reservable' is required but missing" },
	{ "bad-schema-range.xml", QCONF_ERR_SCHEMA, 5,
	    "The value '5000' is greater than the maximum value allowed" },
	{ "bad-schema-backend.xml", QCONF_ERR_SCHEMA, 5,
	    "The value 'kvm' is not an element of the set" },
	{ "bad-schema-many.xml", QCONF_ERR_SCHEMA, 5,
	    "attribute 'min': 'x' is not a valid value" },
	{ "bad-schema-nested.xml", QCONF_ERR_SCHEMA, 5,
	    "Element 'pool': Element content is not allowed" },
	{ "bad-conf-pool-order.xml", QCONF_ERR_CONF, 5,
	    "pool: want min <= target <= max, have 8, 4, 64" },
	{ "bad-conf-pool-default.xml", QCONF_ERR_CONF, 5,
	    "pool: want min <= target <= max, have 1, 4, 2" },
	{ "bad-conf-dup-interface.xml", QCONF_ERR_CONF, 6,
	    "interface p0: given twice (first at line 4)" },
	{ "bad-conf-dup-address.xml", QCONF_ERR_CONF, 6,
	    "interface p2: address 10.0.0.1 is p1's too (line 5)" },
	{ "bad-conf-dup-element.xml", QCONF_ERR_CONF, 6,
	    "<pool> given twice (first at line 5)" },
	{ "bad-conf-labels-reserved.xml", QCONF_ERR_CONF, 5,
	    "labels: min 5 is a reserved label (0-15, RFC 3032)" },
	{ "bad-conf-labels-order.xml", QCONF_ERR_CONF, 5,
	    "labels: min 2000 is above max 1500" },
	{ "bad-conf-overflow.xml", QCONF_ERR_CONF, 5,
	    "interface p1: reservable '99999999999999999999Gbit' is too "
	    "large: at most 800Gbit" },
	{ "bad-conf-bandwidth.xml", QCONF_ERR_CONF, 5,
	    "interface p1: reservable '0.9Tbit' is too large" },
	{ "bad-conf-no-interface.xml", QCONF_ERR_CONF, 3,
	    "no <interface>: quasard needs at least one port" },
	{ "bad-conf-too-many.xml", QCONF_ERR_CONF, 12,
	    "interface q8: more than 8 interfaces" },
	{ "bad-conf-router-id.xml", QCONF_ERR_CONF, 5,
	    "router-id: 224.0.0.5 is a multicast address" },
	{ "bad-conf-statedir-system.xml", QCONF_ERR_CONF, 5,
	    "statedir: /run is a system directory" },
	{ "bad-conf-statedir-dots.xml", QCONF_ERR_CONF, 5,
	    "has an empty, '.' or '..' component" },
	{ "bad-conf-statedir-long.xml", QCONF_ERR_CONF, 5,
	    "statedir: longer than 94 bytes" },
	{ "bad-conf-instance.xml", QCONF_ERR_CONF, 5,
	    "its last component '.quasar' cannot name cgroups" },
	{ "bad-conf-path-bytes.xml", QCONF_ERR_CONF, 5,
	    "routelet: path: longer than 255 bytes" },
	{ "bad-conf-xen-image.xml", QCONF_ERR_CONF, 5,
	    "backend: xen needs an <image" },
	{ "bad-conf-local-image.xml", QCONF_ERR_CONF, 6,
	    "<image> is for the xen backend" },
	{ "bad-conf-xen-path.xml", QCONF_ERR_CONF, 6,
	    "routelet path is for the local backend" },
	{ "bad-conf-lsp-port.xml", QCONF_ERR_CONF, 7,
	    "lsp A: out-port p9 is not an interface" },
	{ "bad-conf-lsp-label.xml", QCONF_ERR_CONF, 7,
	    "lsp A: in-label 5000 is in the range RSVP allocates from "
	    "(labels 1000-1048575)" },
	{ "bad-conf-lsp-reserved.xml", QCONF_ERR_CONF, 7,
	    "lsp A: in-label: 3 is reserved (Implicit NULL)" },
	{ "bad-conf-lsp-pop.xml", QCONF_ERR_CONF, 7,
	    "lsp A: out-label: op=pop takes none" },
	{ "bad-conf-lsp-swap.xml", QCONF_ERR_CONF, 7,
	    "lsp A: out-label: missing (op=swap)" },
	{ "bad-conf-lsp-rate.xml", QCONF_ERR_CONF, 7,
	    "lsp A: rate 20Mbit is more than out-port p1 can reserve "
	    "(10Mbit)" },
	{ "bad-conf-lsp-burst.xml", QCONF_ERR_CONF, 7,
	    "lsp A: burst: 0 bytes cannot hold one frame" },
	{ "bad-conf-lsp-mac.xml", QCONF_ERR_CONF, 7,
	    "lsp A: nh-mac: 01:00:5e:00:00:01 is not a unicast address" },
	{ "bad-conf-lsp-dup.xml", QCONF_ERR_CONF, 9,
	    "lsp B: in-label 100 is lsp A's too (line 7)" },
	{ "bad-conf-lsp-pool.xml", QCONF_ERR_CONF, 6,
	    "pool: max 1 cannot hold the 2 static LSPs" },
	{ "bad-conf-many.xml", QCONF_ERR_CONF, 5,
	    "pool: want min <= target <= max, have 8, 4, 64" },
};

static const char *const goods[] = {
	"good-minimal.xml", "good-full.xml", "good-xen.xml",
};

static void
test_bad_examples(void **state)
{
	static struct qconf c, d;
	char err[ERRLEN], want[2048], *nl;
	const char *path;
	size_t i;
	int rc;

	(void)state;
	qconf_init(&d);
	for (i = 0; i < nitems(bads); i++) {
		path = conf(bads[i].file);
		rc = qconf_load(&c, path, xsd, err, sizeof(err));
		/* The first line: "path:line: ...msg..." */
		snprintf(want, sizeof(want), "%s:%ld: ", path, bads[i].line);
		if ((nl = strchr(err, '\n')) != NULL)
			*nl = '\0';
		if (rc != bads[i].rc || strncmp(err, want, strlen(want)) != 0 ||
		    strstr(err, bads[i].msg) == NULL) {
			print_error("%s: rc %d (want %d)\n got: %s\n want: "
			    "%s...%s\n", bads[i].file, rc, bads[i].rc, err,
			    want, bads[i].msg);
			fail();
		}
		if (nl != NULL)
			*nl = '\n';
		check_report_shape(err, path);
		/* A refused file leaves nothing of itself behind. */
		assert_true(qconf_equal(&c, &d));
	}
}

/* Every file in tests/conf/ is in one of the tables above. */
static void
test_every_example_listed(void **state)
{
	struct dirent *de;
	DIR *dir;
	size_t i, n = 0;
	int found;

	(void)state;
	assert_non_null(dir = opendir(confdir));
	while ((de = readdir(dir)) != NULL) {
		if (strstr(de->d_name, ".xml") == NULL)
			continue;
		n++;
		found = 0;
		for (i = 0; i < nitems(goods); i++)
			found |= strcmp(de->d_name, goods[i]) == 0;
		for (i = 0; i < nitems(bads); i++)
			found |= strcmp(de->d_name, bads[i].file) == 0;
		if (!found) {
			print_error("%s has no expectation here\n", de->d_name);
			fail();
		}
	}
	closedir(dir);
	assert_int_equal(n, nitems(goods) + nitems(bads));
}

/* Several errors in a file: all of them, in line order. */
static void
test_all_errors_reported(void **state)
{
	static struct qconf c;
	char err[ERRLEN];
	const char *p;

	(void)state;
	assert_int_equal(qconf_load(&c, conf("bad-conf-many.xml"), xsd, err,
	    sizeof(err)), QCONF_ERR_CONF);
	assert_int_equal(nlines(err), 4);
	p = strstr(err, "bad-conf-many.xml:5: pool:");
	assert_non_null(p);
	assert_non_null(p = strstr(p, "bad-conf-many.xml:6: interface p0: "
	    "given twice"));
	assert_non_null(p = strstr(p, "bad-conf-many.xml:7: labels: min 0 "
	    "is a reserved label"));
	assert_non_null(strstr(p, "bad-conf-many.xml:8: router-id: 0.0.0.0 "
	    "is not a host address"));

	assert_int_equal(qconf_load(&c, conf("bad-schema-many.xml"), xsd, err,
	    sizeof(err)), QCONF_ERR_SCHEMA);
	assert_int_equal(nlines(err), 3);
	assert_non_null(p = strstr(err, "bad-schema-many.xml:5: "));
	assert_non_null(p = strstr(p, "bad-schema-many.xml:6: Element 'rsvp', "
	    "attribute 'refresh-ms'"));
	assert_non_null(strstr(p, "bad-schema-many.xml:7: Element 'labels', "
	    "attribute 'max'"));
}

/*
 * xmllint, given the same schema, agrees on every example: good and
 * bad-conf files are valid XML for the schema (quasard's own checks
 * refuse the latter), bad-xml and bad-schema ones are not.  bad-dtd files
 * are refused by quasard whatever xmllint makes of them, by design.
 */
static void
test_xmllint_agrees(void **state)
{
	char cmd[2048];
	const char *f;
	size_t i, n = nitems(goods) + nitems(bads);
	unsigned pass = 0, failed = 0;
	int st, want_valid;

	(void)state;
	if (system("command -v xmllint >/dev/null 2>&1") != 0)
		skip();
	for (i = 0; i < n; i++) {
		if (i < nitems(goods)) {
			f = goods[i];
			want_valid = 1;
		} else {
			f = bads[i - nitems(goods)].file;
			if (strncmp(f, "bad-dtd-", 8) == 0)
				continue;
			want_valid = bads[i - nitems(goods)].rc ==
			    QCONF_ERR_CONF;
		}
		snprintf(cmd, sizeof(cmd), "xmllint --noout --nonet --schema "
		    "'%s' '%s' >/dev/null 2>&1", xsd, conf(f));
		st = system(cmd);
		assert_true(st != -1 && WIFEXITED(st));
		if ((WEXITSTATUS(st) == 0) == want_valid) {
			pass++;
		} else {
			print_error("xmllint says %s is %s\n", f,
			    WEXITSTATUS(st) == 0 ? "valid" : "invalid");
			failed++;
		}
	}
	print_message("conf: %u passed, %u failed (xmllint agreement)\n",
	    pass, failed);
	assert_int_equal(failed, 0);
}

/* ---- round trips -------------------------------------------------------- */

static void
print_to(const struct qconf *c, char *path, size_t pathlen)
{
	FILE *fp;

	tmpfile_with(path, pathlen, "", 0);
	assert_non_null(fp = fopen(path, "w"));
	qconf_print(fp, c);
	assert_int_equal(fclose(fp), 0);
}

static void
test_round_trip(void **state)
{
	static struct qconf a, b;
	char err[ERRLEN], p1[256], p2[256], cmd[1024];
	char *t1, *t2;
	size_t i, n1, n2;

	(void)state;
	for (i = 0; i < nitems(goods); i++) {
		assert_int_equal(qconf_load(&a, conf(goods[i]), xsd, err,
		    sizeof(err)), QCONF_OK);
		print_to(&a, p1, sizeof(p1));
		if (qconf_load(&b, p1, xsd, err, sizeof(err)) != QCONF_OK) {
			print_error("%s printed back is refused: %s", goods[i],
			    err);
			fail();
		}
		assert_true(qconf_equal(&a, &b));
		/* The printed form is a fixed point. */
		print_to(&b, p2, sizeof(p2));
		t1 = slurp(p1, &n1);
		t2 = slurp(p2, &n2);
		assert_int_equal(n1, n2);
		assert_string_equal(t1, t2);
		/* And xmllint finds it valid too. */
		snprintf(cmd, sizeof(cmd), "! command -v xmllint >/dev/null || "
		    "xmllint --noout --schema '%s' '%s' >/dev/null 2>&1", xsd,
		    p1);
		assert_int_equal(system(cmd), 0);
		free(t1);
		free(t2);
		unlink(p1);
		unlink(p2);
	}
}

/* qconf_equal sees each field. */
static void
test_equal(void **state)
{
	static struct qconf a, b;
	char err[ERRLEN];

	(void)state;
	assert_int_equal(qconf_load(&a, conf("good-full.xml"), xsd, err,
	    sizeof(err)), QCONF_OK);
	b = a;
	assert_true(qconf_equal(&a, &b));
	b.ifs[2].line = 99;	/* lines are not configuration */
	assert_true(qconf_equal(&a, &b));
	b.lsps[2].conf.out_labels[1]++;
	assert_false(qconf_equal(&a, &b));
	b = a;
	b.ifs[1].hello ^= 1;
	assert_false(qconf_equal(&a, &b));
	b = a;
	b.admission.per_packet_ns = 0;
	assert_false(qconf_equal(&a, &b));
	b = a;
	b.lsps[0].cap = 0;
	assert_false(qconf_equal(&a, &b));
}

/* ---- hostile and broken input ------------------------------------------- */

static void
test_huge_file(void **state)
{
	static struct qconf c;
	const size_t big = 10u * 1024 * 1024;
	char path[256], err[ERRLEN];
	char *buf;

	(void)state;
	/* Ten megabytes of a well-formed document: one long comment. */
	buf = malloc(big);
	assert_non_null(buf);
	memset(buf, 'x', big);
	memcpy(buf, "<!--", 4);
	memcpy(buf + big - 3, "-->", 3);
	tmpfile_with(path, sizeof(path), buf, big);
	assert_int_equal(qconf_load(&c, path, xsd, err, sizeof(err)),
	    QCONF_ERR_FILE);
	assert_non_null(strstr(err, "larger than the 1048576 bytes"));
	check_report_shape(err, path);
	unlink(path);

	/* One byte over the bound. */
	tmpfile_with(path, sizeof(path), buf, QCONF_FILE_MAX + 1);
	assert_int_equal(qconf_load(&c, path, xsd, err, sizeof(err)),
	    QCONF_ERR_FILE);
	unlink(path);
	free(buf);
}

static void
test_not_a_file(void **state)
{
	static struct qconf c;
	char err[ERRLEN], fifo[256];

	(void)state;
	assert_int_equal(qconf_load(&c, "/nonexistent/quasard.xml", xsd, err,
	    sizeof(err)), QCONF_ERR_FILE);
	assert_string_equal(err, "/nonexistent/quasard.xml: No such file or "
	    "directory\n");
	assert_int_equal(qconf_load(&c, "/dev/zero", xsd, err, sizeof(err)),
	    QCONF_ERR_FILE);
	assert_string_equal(err, "/dev/zero: not a regular file\n");
	assert_int_equal(qconf_load(&c, confdir, xsd, err, sizeof(err)),
	    QCONF_ERR_FILE);
	assert_non_null(strstr(err, "not a regular file"));
	/* A FIFO nobody writes to: refused, not waited on. */
	snprintf(fifo, sizeof(fifo), "%s/qconf-test-fifo.%d",
	    getenv("TMPDIR") != NULL && *getenv("TMPDIR") != '\0' ?
	    getenv("TMPDIR") : "/tmp", (int)getpid());
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(qconf_load(&c, fifo, xsd, err, sizeof(err)),
	    QCONF_ERR_FILE);
	assert_non_null(strstr(err, "not a regular file"));
	unlink(fifo);
	assert_int_equal(qconf_load(&c, NULL, xsd, err, sizeof(err)),
	    QCONF_ERR_FILE);
	assert_non_null(strstr(err, "no configuration file"));
}

static void
test_bad_schema_file(void **state)
{
	static struct qconf c;
	char path[256], err[ERRLEN];
	static const char broken[] =
	    "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n"
	    "  <xs:element name=\"quasard\" type=\"nosuchtype\"/>\n"
	    "</xs:schema>\n";

	(void)state;
	assert_int_equal(qconf_load(&c, conf("good-minimal.xml"),
	    "/nonexistent/quasard.xsd", err, sizeof(err)), QCONF_ERR_FILE);
	assert_string_equal(err, "/nonexistent/quasard.xsd: No such file or "
	    "directory\n/nonexistent/quasard.xsd: the schema is needed to "
	    "check a configuration: install it, or name it with "
	    "$QUASARD_XSD\n");
	tmpfile_with(path, sizeof(path), broken, sizeof(broken) - 1);
	assert_int_equal(qconf_load(&c, conf("good-minimal.xml"), path, err,
	    sizeof(err)), QCONF_ERR_FILE);
	/* The schema's errors name the schema's file and line. */
	assert_true(strncmp(err, path, strlen(path)) == 0);
	assert_non_null(strstr(err, ":2: "));
	unlink(path);
}

/*
 * An external entity names a file that exists: nothing of it may reach
 * the report, and libxml2 is never asked to load it (our loader would
 * say so).
 */
static void
test_xxe(void **state)
{
	static struct qconf c;
	static const char secret[] = "SECRET-7f3a9\n";
	char spath[256], cpath[256], text[1024], err[ERRLEN];
	xmlExternalEntityLoader before = xmlGetExternalEntityLoader();

	(void)state;
	tmpfile_with(spath, sizeof(spath), secret, sizeof(secret) - 1);
	snprintf(text, sizeof(text),
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE quasard [ <!ENTITY s SYSTEM \"file://%s\"> ]>\n"
	    "<quasard xmlns=\"" QCONF_NS "\">\n"
	    "  <interface name=\"p0\" reservable=\"1Gbit\"/>\n"
	    "  <statedir>/run/&s;</statedir>\n"
	    "</quasard>\n", spath);
	tmpfile_with(cpath, sizeof(cpath), text, strlen(text));
	assert_int_equal(qconf_load(&c, cpath, xsd, err, sizeof(err)),
	    QCONF_ERR_XML);
	assert_null(strstr(err, "SECRET"));
	assert_null(strstr(err, "refusing to load"));
	assert_non_null(strstr(err, ":2: DOCTYPE is not allowed"));
	assert_int_equal(nlines(err), 1);
	/* libxml2's global hooks are put back. */
	assert_true(xmlGetExternalEntityLoader() == before);
	unlink(spath);
	unlink(cpath);
}

/* Every prefix of a good file is refused, cleanly. */
static void
test_truncations(void **state)
{
	static struct qconf c;
	char path[256], err[ERRLEN];
	char *text;
	size_t len, n;
	int rc;

	(void)state;
	text = slurp(conf("good-full.xml"), &len);
	for (n = 0; n < len; n += n < 64 ? 1 : 7) {
		tmpfile_with(path, sizeof(path), text, n);
		rc = qconf_load(&c, path, xsd, err, sizeof(err));
		/* A cut in the trailing newline still leaves a document. */
		if (n >= len - 1 && rc == QCONF_OK) {
			unlink(path);
			continue;
		}
		if (rc == QCONF_OK) {
			print_error("a %zu-byte prefix was accepted\n", n);
			fail();
		}
		check_report_shape(err, path);
		unlink(path);
	}
	free(text);
}

/*
 * Random byte changes to a good file: whatever comes out, no crash (the
 * sanitizer build watches), a refusal says why, and what is accepted
 * survives a round trip.
 */
static void
test_mutations(void **state)
{
	static struct qconf a, b;
	static const char alphabet[] = "<>/=\"'&;!-?x0159.:# \n\t\xc3\xa9\xff";
	char path[256], p2[256], err[ERRLEN];
	uint64_t seed = 0x51a7e;
	char *text, *mut;
	size_t len, k;
	unsigned i, j, ok = 0;
	int rc;

	(void)state;
	text = slurp(conf("good-full.xml"), &len);
	mut = malloc(len + 1);
	assert_non_null(mut);
	for (i = 0; i < 400; i++) {
		memcpy(mut, text, len + 1);
		for (j = 0; j < 1 + tu_randn(&seed, 3); j++) {
			k = tu_randn(&seed, len);
			mut[k] = alphabet[tu_randn(&seed,
			    sizeof(alphabet) - 1)];
		}
		tmpfile_with(path, sizeof(path), mut, len);
		rc = qconf_load(&a, path, xsd, err, sizeof(err));
		if (rc != QCONF_OK) {
			check_report_shape(err, path);
		} else {
			ok++;
			print_to(&a, p2, sizeof(p2));
			assert_int_equal(qconf_load(&b, p2, xsd, err,
			    sizeof(err)), QCONF_OK);
			assert_true(qconf_equal(&a, &b));
			unlink(p2);
		}
		unlink(path);
	}
	/* Some changes land in comments and blanks and are harmless. */
	assert_true(ok > 0);
	free(mut);
	free(text);
}

/* Past QCONF_MAX_ERRORS the report says it stopped. */
static void
test_too_many_errors(void **state)
{
	static struct qconf c;
	char path[256], err[ERRLEN], *text;
	size_t off = 0, cap = 64 * 1024;
	int i;

	(void)state;
	text = malloc(cap);
	assert_non_null(text);
	off += (size_t)snprintf(text + off, cap - off,
	    "<quasard xmlns=\"" QCONF_NS "\">\n");
	for (i = 0; i < 30; i++)
		off += (size_t)snprintf(text + off, cap - off,
		    "  <interface name=\"p%d\" reservable=\"%d\"/>\n", i, i);
	off += (size_t)snprintf(text + off, cap - off, "</quasard>\n");
	tmpfile_with(path, sizeof(path), text, off);
	assert_int_equal(qconf_load(&c, path, xsd, err, sizeof(err)),
	    QCONF_ERR_SCHEMA);
	assert_int_equal(nlines(err), QCONF_MAX_ERRORS + 1);
	assert_non_null(strstr(err, ":2: Element 'interface'"));
	assert_non_null(strstr(err, ":21: Element 'interface'"));
	assert_null(strstr(err, ":22: "));
	assert_non_null(strstr(err, ": too many errors, stopped after 20\n"));
	check_report_shape(err, path);

	/* A small buffer holds whole lines only. */
	assert_int_equal(qconf_load(&c, path, xsd, err, 200), QCONF_ERR_SCHEMA);
	assert_true(strlen(err) < 200);
	assert_true(strlen(err) == 0 || err[strlen(err) - 1] == '\n');
	/* And no buffer at all is fine. */
	assert_int_equal(qconf_load(&c, path, xsd, NULL, 0), QCONF_ERR_SCHEMA);
	unlink(path);
	free(text);
}

/*
 * A report quotes the file; it still holds only printable UTF-8 and
 * newlines, whatever the file held (here a DEL and a broken sequence in
 * the namespace, which libxml2 quotes back).
 */
static void
test_report_printable(void **state)
{
	static struct qconf c;
	static const char text[] =
	    "<quasard xmlns=\"urn:\x7f\xc3(:1\">\n"
	    "  <interface name=\"p0\" reservable=\"1Gbit\"/>\n"
	    "</quasard>\n";
	char path[256], err[ERRLEN];
	const unsigned char *p;

	(void)state;
	tmpfile_with(path, sizeof(path), text, sizeof(text) - 1);
	assert_true(qconf_load(&c, path, xsd, err, sizeof(err)) != QCONF_OK);
	check_report_shape(err, path);
	for (p = (const unsigned char *)err; *p != '\0'; p++)
		assert_true(*p == '\n' || (*p >= ' ' && *p != 0x7f));
	assert_null(strstr(err, "\xc3("));
	unlink(path);
}

/* Paths with XML's special characters survive qconf_print. */
static void
test_print_escapes(void **state)
{
	static struct qconf a, b;
	static const char text[] =
	    "<quasard xmlns=\"" QCONF_NS "\">\n"
	    "  <statedir>/run/q&amp;a&lt;&gt;</statedir>\n"
	    "  <backend instance=\"qa\">\n"
	    "    <routelet path=\"/opt/&quot;x&quot;&apos;y'\"/>\n"
	    "  </backend>\n"
	    "  <interface name=\"p&amp;0\" reservable=\"1Gbit\"/>\n"
	    "</quasard>\n";
	char path[256], p2[256], err[ERRLEN];

	(void)state;
	tmpfile_with(path, sizeof(path), text, sizeof(text) - 1);
	if (qconf_load(&a, path, xsd, err, sizeof(err)) != QCONF_OK) {
		print_error("%s", err);
		fail();
	}
	assert_string_equal(a.statedir, "/run/q&a<>");
	assert_string_equal(a.backend.routelet_path, "/opt/\"x\"'y'");
	assert_string_equal(a.ifs[0].name, "p&0");
	print_to(&a, p2, sizeof(p2));
	assert_int_equal(qconf_load(&b, p2, xsd, err, sizeof(err)), QCONF_OK);
	assert_true(qconf_equal(&a, &b));
	unlink(path);
	unlink(p2);
}

/* ---- pieces ------------------------------------------------------------- */

static void
test_bandwidth(void **state)
{
	static const struct {
		const char	*in;
		int		 ok;
		uint64_t	 bytes;
		const char	*why;
	} cases[] = {
		{ "0bit", 1, 0, NULL },
		{ "8bit", 1, 1, NULL },
		{ "7bit", 1, 0, NULL },		/* rounded down */
		{ "1kbit", 1, 125, NULL },
		{ "1Kbit", 1, 125, NULL },
		{ "1.5kbit", 1, 187, NULL },
		{ "100Mbit", 1, 12500000, NULL },
		{ "100mbit", 1, 12500000, NULL },	/* tc's spelling */
		{ "1.5Gbit", 1, 187500000, NULL },
		{ "0.000000008Gbit", 1, 1, NULL },
		{ "0.8Tbit", 1, 100000000000ull, NULL },
		{ "800Gbit", 1, 100000000000ull, NULL },
		{ "800000000000bit", 1, 100000000000ull, NULL },
		{ "800.000000001Gbit", 0, 0, "too large" },
		{ "1Tbit", 0, 0, "too large" },
		{ "99999999999999999999Gbit", 0, 0, "too large" },
		{ "18446744073709551616bit", 0, 0, "too large" },
		{ "1.1234567891Gbit", 0, 0, "at most 9 digits" },
		{ "", 0, 0, "not a bandwidth" },
		{ "bit", 0, 0, "not a bandwidth" },
		{ "100", 0, 0, "not a bandwidth" },
		{ "100Mbps", 0, 0, "not a bandwidth" },
		{ "100 Mbit", 0, 0, "not a bandwidth" },
		{ "-1bit", 0, 0, "not a bandwidth" },
		{ "+1bit", 0, 0, "not a bandwidth" },
		{ ".5Mbit", 0, 0, "not a bandwidth" },
		{ "5.Mbit", 0, 0, "not a bandwidth" },
		{ "1Mbitx", 0, 0, "not a bandwidth" },
		{ "0x10bit", 0, 0, "not a bandwidth" },
		{ "1Pbit", 0, 0, "not a bandwidth" },
	};
	char err[256];
	uint64_t v;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		v = 12345;
		err[0] = '\0';
		rc = qconf_bw_parse(cases[i].in, &v, err, sizeof(err));
		if ((rc == 0) != cases[i].ok || (cases[i].ok &&
		    v != cases[i].bytes) || (!cases[i].ok &&
		    strstr(err, cases[i].why) == NULL)) {
			print_error("'%s': rc %d v %llu err '%s'\n",
			    cases[i].in, rc, (unsigned long long)v, err);
			fail();
		}
	}
}

static void
test_bandwidth_format(void **state)
{
	static const struct {
		uint64_t	 bytes;
		const char	*out;
	} cases[] = {
		{ 0, "0bit" }, { 1, "8bit" }, { 125, "1kbit" },
		{ 187, "1496bit" }, { 12500000, "100Mbit" },
		{ 187500000, "1500Mbit" }, { 125000000, "1Gbit" },
		{ 100000000000ull, "800Gbit" }, { 125000000000ull, "1Tbit" },
	};
	char buf[32], err[256];
	uint64_t v;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		assert_string_equal(qconf_bw_format(cases[i].bytes, buf,
		    sizeof(buf)), cases[i].out);
		/* What is printed parses back to the same bytes. */
		if (cases[i].bytes <= QCONF_BW_MAX) {
			assert_int_equal(qconf_bw_parse(buf, &v, err,
			    sizeof(err)), 0);
			assert_int_equal(v, cases[i].bytes);
		}
	}
	/* Even the largest value does not wrap. */
	assert_non_null(qconf_bw_format(UINT64_MAX, buf, sizeof(buf)));
}

static void
test_xsd_default(void **state)
{
	char buf[512];

	(void)state;
	assert_int_equal(setenv(QCONF_XSD_ENV, "/x/y.xsd", 1), 0);
	assert_string_equal(qconf_xsd_default(buf, sizeof(buf)), "/x/y.xsd");
	assert_int_equal(unsetenv(QCONF_XSD_ENV), 0);
	qconf_xsd_default(buf, sizeof(buf));
	assert_true(strlen(buf) > 12);
	assert_string_equal(buf + strlen(buf) - 12, "/quasard.xsd");
}

static int
setup(void **state)
{
	const char *root = getenv("QUASAR_SRCDIR");

	(void)state;
	if (root == NULL || *root == '\0')
		root = ".";
	snprintf(xsd, sizeof(xsd), "%s/docs/quasard.xsd", root);
	snprintf(confdir, sizeof(confdir), "%s/tests/conf", root);
	if (access(xsd, R_OK) != 0) {
		fprintf(stderr, "test_qconf: no %s: run from the top of the "
		    "tree or set QUASAR_SRCDIR\n", xsd);
		return -1;
	}
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_minimal),
		cmocka_unit_test(test_good_full),
		cmocka_unit_test(test_good_xen),
		cmocka_unit_test(test_bad_examples),
		cmocka_unit_test(test_every_example_listed),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_xmllint_agrees),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_huge_file),
		cmocka_unit_test(test_not_a_file),
		cmocka_unit_test(test_bad_schema_file),
		cmocka_unit_test(test_xxe),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_too_many_errors),
		cmocka_unit_test(test_report_printable),
		cmocka_unit_test(test_print_escapes),
		cmocka_unit_test(test_bandwidth),
		cmocka_unit_test(test_bandwidth_format),
		cmocka_unit_test(test_xsd_default),
	};
	int rc;

	rc = cmocka_run_group_tests(tests, setup, NULL);
	/* What libxml2 keeps for the process, freed so LeakSanitizer sees
	 * only what qconf might have lost. */
	xmlCleanupParser();
	return rc;
}
