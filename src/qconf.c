/*
 * quasard's XML configuration.  See qconf.h for the API and
 * docs/quasard-conf.md for the file.
 *
 * Loading is a ladder, each rung with its own return code:
 *
 *   read     the file whole, at most QCONF_FILE_MAX bytes     QCONF_ERR_FILE
 *   schema   docs/quasard.xsd, read and compiled              QCONF_ERR_FILE
 *   parse    libxml2, no network, no DOCTYPE at all           QCONF_ERR_XML
 *   root     <quasard xmlns="urn:quasar:quasard:1">           QCONF_ERR_SCHEMA
 *   validate xmlSchemaValidateDoc, every error with its line  QCONF_ERR_SCHEMA
 *   walk     the tree into struct qconf, plus the checks a    QCONF_ERR_CONF
 *            schema cannot express, each naming its line
 *
 * The walk does not trust the schema: every value is parsed strictly and
 * bounded again, so a schema that drifts from this file costs a clear
 * error, never memory safety.
 *
 * Why a DOCTYPE is refused outright rather than parsed without entity
 * substitution: entity declarations are where every XML bomb and
 * external-entity read lives, and a configuration needs none.  The
 * refusal happens in the SAX callback that fires when "<!DOCTYPE name"
 * has been read, before the internal subset is looked at.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "mpls.h"
#include "qconf.h"
#include "tbf.h"

/* libxml2 2.12 made the structured error handler take a const error. */
#if LIBXML_VERSION >= 21200
typedef const xmlError qc_xmlerr;
#else
typedef xmlError qc_xmlerr;
#endif

#define QC_PRINTF(f, a)	__attribute__((format(printf, f, a)))
#define QC_VAL_MAX	512	/* longest attribute or text we look at */

/* ---- errors ------------------------------------------------------------- */

struct qc_errent {
	const char	*path;
	long		 line;
	char		 msg[600];
};

/*
 * Errors are kept, then written out sorted by line: the walk visits LSPs
 * after everything they refer to, and cross-element checks come last,
 * but an operator reads a file top to bottom.
 */
struct qc_err {
	const char	*path;	/* of the errors being added now */
	unsigned	 n;	/* errors seen, kept or not */
	struct qc_errent ent[QCONF_MAX_ERRORS];
};

static void
qc_err_init(struct qc_err *e, const char *path)
{
	e->path = path;
	e->n = 0;
}

/* Length of the valid UTF-8 sequence at s (not overlong, no surrogate,
 * at most U+10FFFF), or 0. */
static size_t
qc_utf8_len(const unsigned char *s)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/*
 * One line of printable UTF-8.  libxml2's messages end in a newline and
 * sometimes hold one inside ("Bytes: 0xE9 ..."), they quote the file,
 * which may hold control characters or broken UTF-8 (a report goes to a
 * terminal or syslog), and they name our elements
 * "{urn:quasar:quasard:1}pool", which says nothing an operator needs.
 */
static void
qc_err_clean(char *s)
{
	static const char ns[] = "{" QCONF_NS "}";
	unsigned char *p;
	size_t n, k;
	char *q;

	while ((q = strstr(s, ns)) != NULL)
		memmove(q, q + sizeof(ns) - 1, strlen(q + sizeof(ns) - 1) + 1);
	for (p = (unsigned char *)s; *p != '\0'; p += k) {
		if ((k = qc_utf8_len(p)) == 0) {
			*p = '?';
			k = 1;
		} else if (k == 1 && (*p < ' ' || *p == 0x7f))
			*p = *p == '\n' || *p == '\r' || *p == '\t' ? ' ' : '?';
	}
	n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
}

static void qc_errf(struct qc_err *e, long line, const char *fmt, ...)
    QC_PRINTF(3, 4);

static void
qc_errf(struct qc_err *e, long line, const char *fmt, ...)
{
	struct qc_errent *en;
	va_list ap;

	if (e->n++ >= QCONF_MAX_ERRORS)
		return;
	en = &e->ent[e->n - 1];
	en->path = e->path;
	en->line = line > 0 ? line : 0;
	va_start(ap, fmt);
	vsnprintf(en->msg, sizeof(en->msg), fmt, ap);
	va_end(ap);
	qc_err_clean(en->msg);
}

/* Whole lines only, sorted by line (stable): a line that does not fit
 * is dropped, not cut. */
static void
qc_err_flush(struct qc_err *e, char *buf, size_t len)
{
	struct qc_errent *order[QCONF_MAX_ERRORS], *t;
	char line[sizeof(e->ent[0].msg) + PATH_MAX + 32];
	unsigned i, j, kept = e->n < QCONF_MAX_ERRORS ? e->n :
	    QCONF_MAX_ERRORS;
	size_t used = 0, k;

	if (buf == NULL || len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < kept; i++) {
		order[i] = &e->ent[i];
		for (j = i; j > 0 && order[j - 1]->line > order[j]->line; j--) {
			t = order[j - 1];
			order[j - 1] = order[j];
			order[j] = t;
		}
	}
	for (i = 0; i <= kept; i++) {
		if (i < kept && order[i]->line > 0)
			snprintf(line, sizeof(line), "%s:%ld: %s\n",
			    order[i]->path, order[i]->line, order[i]->msg);
		else if (i < kept)
			snprintf(line, sizeof(line), "%s: %s\n",
			    order[i]->path, order[i]->msg);
		else if (e->n > QCONF_MAX_ERRORS)
			snprintf(line, sizeof(line), "%s: too many errors, "
			    "stopped after %d\n", e->path, QCONF_MAX_ERRORS);
		else
			break;
		k = strlen(line);
		if (used + k >= len)
			continue;
		memcpy(buf + used, line, k + 1);
		used += k;
	}
}

/* libxml2's structured errors: parser, schema compiler and validator. */
static void
qc_xml_error(void *arg, qc_xmlerr *xe)
{
	struct qc_err *e = arg;

	/* Warnings do not fail a document for xmllint either. */
	if (xe == NULL || xe->level == XML_ERR_WARNING ||
	    xe->level == XML_ERR_NONE)
		return;
	qc_errf(e, xe->line, "%s", xe->message != NULL ? xe->message :
	    "unknown XML error");
}

/* For libxml2's unstructured messages: everything we need is structured. */
static void
qc_xml_silent(void *arg, const char *fmt, ...)
{
	(void)arg;
	(void)fmt;
}

/*
 * Nothing in a configuration may come from elsewhere: whatever asks for
 * an external resource (a DTD, an entity, an XInclude) is refused here,
 * behind the DOCTYPE refusal, in case a libxml2 path gets past it.
 */
/* The report of the load in progress, for the loader below: it may be
 * called with a parser context that is not ours. */
static struct qc_err *qc_cur;

static xmlParserInputPtr
qc_no_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	if (qc_cur != NULL)
		qc_errf(qc_cur, ctxt != NULL && ctxt->input != NULL ?
		    ctxt->input->line : 0, "refusing to load external "
		    "resource %s", url != NULL ? url : id != NULL ? id :
		    "(unnamed)");
	return NULL;
}

struct qc_xmlstate {
	xmlStructuredErrorFunc		 serror;
	void				*serror_ctx;
	xmlGenericErrorFunc		 gerror;
	void				*gerror_ctx;
	xmlExternalEntityLoader		 loader;
};

static void
qc_xml_enter(struct qc_xmlstate *s, struct qc_err *e)
{
	xmlInitParser();
	s->serror = xmlStructuredError;
	s->serror_ctx = xmlStructuredErrorContext;
	s->gerror = xmlGenericError;
	s->gerror_ctx = xmlGenericErrorContext;
	s->loader = xmlGetExternalEntityLoader();
	xmlSetStructuredErrorFunc(e, qc_xml_error);
	xmlSetGenericErrorFunc(NULL, qc_xml_silent);
	xmlSetExternalEntityLoader(qc_no_loader);
	qc_cur = e;
}

static void
qc_xml_leave(const struct qc_xmlstate *s)
{
	qc_cur = NULL;
	xmlSetExternalEntityLoader(s->loader);
	xmlSetGenericErrorFunc(s->gerror_ctx, s->gerror);
	xmlSetStructuredErrorFunc(s->serror_ctx, s->serror);
}

/* ---- reading ------------------------------------------------------------ */

/* The whole file, NUL-terminated, at most QCONF_FILE_MAX bytes. */
static char *
qc_read(struct qc_err *e, const char *path, size_t *len_r)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd;

	/* O_NONBLOCK: opening a FIFO would otherwise wait for a writer. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) == -1) {
		qc_errf(e, 0, "%s", strerror(errno));
		return NULL;
	}
	/* A FIFO or a device could stall us or never end. */
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		qc_errf(e, 0, "not a regular file");
		goto fail;
	}
	if (st.st_size > QCONF_FILE_MAX) {
		qc_errf(e, 0, "%jd bytes: larger than the %d bytes a "
		    "configuration may have", (intmax_t)st.st_size,
		    QCONF_FILE_MAX);
		goto fail;
	}
	if ((buf = malloc(QCONF_FILE_MAX + 2)) == NULL) {
		qc_errf(e, 0, "out of memory");
		goto fail;
	}
	/* The size may have changed since fstat: read to the bound. */
	while (len <= QCONF_FILE_MAX) {
		n = read(fd, buf + len, QCONF_FILE_MAX + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			qc_errf(e, 0, "%s", strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > QCONF_FILE_MAX) {
		qc_errf(e, 0, "larger than the %d bytes a configuration may "
		    "have", QCONF_FILE_MAX);
		goto fail;
	}
	buf[len] = '\0';
	close(fd);
	*len_r = len;
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

/*
 * The SAX callback for "<!DOCTYPE ...": stop before the internal subset,
 * so not one entity is declared.
 */
static void
qc_refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *eid,
    const xmlChar *sid)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct qc_err *e = ctxt->_private;

	(void)name;
	(void)eid;
	(void)sid;
	qc_errf(e, ctxt->input != NULL ? ctxt->input->line : 0,
	    "DOCTYPE is not allowed in a configuration (no DTD, no "
	    "entities)");
	xmlStopParser(ctxt);
}

static xmlDocPtr
qc_parse(struct qc_err *e, const char *path, const char *buf, size_t len)
{
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	unsigned before = e->n;

	if ((ctxt = xmlNewParserCtxt()) == NULL) {
		qc_errf(e, 0, "out of memory");
		return NULL;
	}
	ctxt->_private = e;
	/* This context's own copy of the SAX handler (xmlInitParserCtxt). */
	ctxt->sax->internalSubset = qc_refuse_doctype;
	/*
	 * No XML_PARSE_NOENT (substitution), DTDLOAD, DTDATTR, XINCLUDE or
	 * HUGE (which lifts libxml2's size and depth limits).
	 */
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, path, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	    XML_PARSE_BIG_LINES);
	if (doc != NULL && (!ctxt->wellFormed || e->n != before)) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (doc == NULL && e->n == before)
		qc_errf(e, 0, "not a well-formed XML document");
	xmlFreeParserCtxt(ctxt);
	return doc;
}

static xmlSchemaPtr
qc_schema(struct qc_err *e, const char *xsd_path)
{
	xmlSchemaParserCtxtPtr pctxt;
	xmlSchemaPtr schema = NULL;
	const char *cfg = e->path;
	char *buf;
	size_t len;

	/* Its errors name its own file. */
	e->path = xsd_path;
	if ((buf = qc_read(e, xsd_path, &len)) == NULL) {
		qc_errf(e, 0, "the schema is needed to check a configuration: "
		    "install it, or name it with $" QCONF_XSD_ENV);
		goto out;
	}
	if ((pctxt = xmlSchemaNewMemParserCtxt(buf, (int)len)) == NULL) {
		qc_errf(e, 0, "out of memory");
		goto out;
	}
	xmlSchemaSetParserStructuredErrors(pctxt, qc_xml_error, e);
	schema = xmlSchemaParse(pctxt);
	xmlSchemaFreeParserCtxt(pctxt);
	if (schema == NULL)
		qc_errf(e, 0, "not a usable XML schema");
out:
	free(buf);
	e->path = cfg;
	return schema;
}

/* ---- values ------------------------------------------------------------- */

static int
qc_blank(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/*
 * The schema's token types collapse blanks before they check a value, so
 * " 5 " is valid there; take it here too, trimmed.  Returns 1 and the
 * value in buf, 0 if absent, -1 if longer than we would ever accept.
 */
static int
qc_trim_copy(const xmlChar *v, char *buf, size_t len)
{
	const char *s = (const char *)v, *t;
	size_t n;

	while (qc_blank((unsigned char)*s))
		s++;
	t = s + strlen(s);
	while (t > s && qc_blank((unsigned char)t[-1]))
		t--;
	n = (size_t)(t - s);
	if (n >= len)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 1;
}

#define QC_NELEMS_MAX	16

struct qc_walk {
	struct qconf	*c;
	struct qc_err	*e;
	long		 root_line;
	/* The line of each singleton element seen, by qc_elems index. */
	long		 seen[QC_NELEMS_MAX];
	long		 statedir_line;
	long		 backend_line;
	long		 routelet_path_line;
	long		 image_line;
	long		 pool_line;
	long		 labels_line;
	int		 instance_set;
	int		 if_full;	/* "too many interfaces" said */
	int		 lsp_full;
};

static long
qc_line(xmlNode *n)
{
	return xmlGetLineNo(n);
}

static const char *
qc_elname(xmlNode *n)
{
	return (const char *)n->name;
}

/* An attribute, trimmed: 1 present, 0 absent, -1 unusable (reported). */
static int
qc_attr(struct qc_walk *w, xmlNode *n, const char *attr, char *buf,
    size_t len)
{
	xmlChar *v;
	int rc;

	if ((v = xmlGetNoNsProp(n, (const xmlChar *)attr)) == NULL)
		return 0;
	if ((rc = qc_trim_copy(v, buf, len)) == -1)
		qc_errf(w->e, qc_line(n), "%s: %s: value too long",
		    qc_elname(n), attr);
	xmlFree(v);
	return rc;
}

static int
qc_text(struct qc_walk *w, xmlNode *n, char *buf, size_t len)
{
	xmlChar *v;
	int rc;

	if ((v = xmlNodeGetContent(n)) == NULL) {
		buf[0] = '\0';
		return 1;
	}
	if ((rc = qc_trim_copy(v, buf, len)) == -1)
		qc_errf(w->e, qc_line(n), "%s: value too long", qc_elname(n));
	xmlFree(v);
	return rc;
}

/* Decimal digits only: no sign, no blank, no hex; 0 or -1. */
static int
qc_parse_u64(const char *s, uint64_t max, uint64_t *v_r)
{
	uint64_t v = 0;
	const char *p;

	if (*s == '\0')
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v > max)
		return -1;
	*v_r = v;
	return 0;
}

/* An unsigned attribute in [min, max]; absent leaves *v_r as it is. */
static int
qc_uint(struct qc_walk *w, xmlNode *n, const char *attr, unsigned min,
    unsigned max, unsigned *v_r)
{
	char buf[QC_VAL_MAX];
	uint64_t v;
	int rc;

	if ((rc = qc_attr(w, n, attr, buf, sizeof(buf))) <= 0)
		return rc;
	if (qc_parse_u64(buf, max, &v) == -1 || v < min) {
		qc_errf(w->e, qc_line(n), "%s: %s '%s' is not a number in "
		    "%u-%u", qc_elname(n), attr, buf, min, max);
		return -1;
	}
	*v_r = (unsigned)v;
	return 1;
}

static int
qc_bool(struct qc_walk *w, xmlNode *n, const char *attr, int *v_r)
{
	char buf[QC_VAL_MAX];
	int rc;

	if ((rc = qc_attr(w, n, attr, buf, sizeof(buf))) <= 0)
		return rc;
	/* xs:boolean's four spellings. */
	if (strcmp(buf, "true") == 0 || strcmp(buf, "1") == 0)
		*v_r = 1;
	else if (strcmp(buf, "false") == 0 || strcmp(buf, "0") == 0)
		*v_r = 0;
	else {
		qc_errf(w->e, qc_line(n), "%s: %s '%s' is not true or false",
		    qc_elname(n), attr, buf);
		return -1;
	}
	return 1;
}

static const char *
qc_ipv4_problem(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	if ((h >> 24) == 0)
		return "is not a host address (0.0.0.0/8)";
	if ((h >> 24) == 127)
		return "is a loopback address";
	if ((h >> 28) == 14)
		return "is a multicast address";
	if ((h >> 28) == 15)
		return "is a reserved or broadcast address";
	return NULL;
}

static int
qc_ipv4(struct qc_walk *w, xmlNode *n, const char *what, const char *s,
    struct in_addr *a_r)
{
	struct in_addr a;
	const char *why;

	/* inet_pton takes exactly a dotted quad: no leading zeros, no
	 * shorthand like "10.1", unlike inet_aton. */
	if (inet_pton(AF_INET, s, &a) != 1) {
		qc_errf(w->e, qc_line(n), "%s: '%s' is not an IPv4 address",
		    what, s);
		return -1;
	}
	if ((why = qc_ipv4_problem(a)) != NULL) {
		qc_errf(w->e, qc_line(n), "%s: %s %s", what, s, why);
		return -1;
	}
	*a_r = a;
	return 0;
}

/* An absolute path without blanks that fits len bytes with its NUL. */
static int
qc_path(struct qc_walk *w, xmlNode *n, const char *what, const char *s,
    char *dst, size_t len)
{
	const char *p;

	if (s[0] != '/') {
		qc_errf(w->e, qc_line(n), "%s: '%s' is not an absolute path",
		    what, s);
		return -1;
	}
	for (p = s; *p != '\0'; p++)
		if (qc_blank((unsigned char)*p)) {
			qc_errf(w->e, qc_line(n), "%s: '%s' has a blank in it",
			    what, s);
			return -1;
		}
	if (strlen(s) >= len) {
		qc_errf(w->e, qc_line(n), "%s: longer than %zu bytes",
		    what, len - 1);
		return -1;
	}
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

/* A user, cgroup or domain name: [A-Za-z0-9_-][A-Za-z0-9_.-]{0,31}. */
static int
qc_name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= QCONF_ID_MAX || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == '-' || s[i] == '.'))
			return 0;
	return 1;
}

/*
 * What Linux takes as a name (dev_valid_name: under IFNAMSIZ bytes, not
 * "." or "..", no '/', ':' or blank), kept to printable ASCII.
 */
static const char *
qc_ifname_problem(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0)
		return "is empty";
	if (n >= IF_NAMESIZE)
		return "is longer than 15 bytes (IFNAMSIZ)";
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return "is not a name Linux allows";
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] > '~' ||
		    s[i] == '/' || s[i] == ':')
			return "has a character Linux does not allow in one "
			    "(blank, '/', ':', or not printable ASCII)";
	return NULL;
}

/* ---- bandwidth ---------------------------------------------------------- */

int
qconf_bw_parse(const char *s, uint64_t *bytes_r, char *err, size_t errlen)
{
	static const struct {
		char		 prefix;
		uint64_t	 mult;
	} units[] = {
		{ 'k', 1000ull }, { 'K', 1000ull },
		{ 'm', 1000000ull }, { 'M', 1000000ull },
		{ 'g', 1000000000ull }, { 'G', 1000000000ull },
		{ 't', 1000000000000ull }, { 'T', 1000000000000ull },
	};
	const uint64_t maxbits = QCONF_BW_MAX * 8;
	uint64_t ip = 0, fp = 0, fscale = 1, mult = 1, bits;
	const char *p = s;
	int big = 0, nfrac = 0;
	size_t i;

	if (*p < '0' || *p > '9')
		goto bad;
	for (; *p >= '0' && *p <= '9'; p++) {
		/* Keep scanning an overflowing number: it is "too large",
		 * which tells the operator more than "malformed". */
		if (ip > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			big = 1;
		else
			ip = ip * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			goto bad;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (++nfrac > 9) {
				snprintf(err, errlen, "'%s': at most 9 digits "
				    "after the point", s);
				return -1;
			}
			fp = fp * 10 + (uint64_t)(*p - '0');
			fscale *= 10;
		}
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (*p == units[i].prefix) {
			mult = units[i].mult;
			p++;
			break;
		}
	if (strcmp(p, "bit") != 0)
		goto bad;
	if (big || ip > maxbits / mult)
		goto large;
	bits = ip * mult;
	/* Both powers of ten: one divides the other, nothing overflows. */
	if (mult >= fscale)
		bits += fp * (mult / fscale);
	else
		bits += fp / (fscale / mult);
	if (bits > maxbits)
		goto large;
	*bytes_r = bits / 8;
	return 0;
bad:
	snprintf(err, errlen, "'%s' is not a bandwidth: a number and bit, "
	    "kbit, Mbit, Gbit or Tbit (bits per second)", s);
	return -1;
large:
	snprintf(err, errlen, "'%s' is too large: at most %" PRIu64 "Gbit",
	    s, (uint64_t)(maxbits / 1000000000u));
	return -1;
}

const char *
qconf_bw_format(uint64_t bytes, char *buf, size_t len)
{
	static const struct {
		const char	*unit;
		uint64_t	 mult;
	} units[] = {
		{ "Tbit", 1000000000000ull }, { "Gbit", 1000000000ull },
		{ "Mbit", 1000000ull }, { "kbit", 1000ull },
	};
	uint64_t bits;
	size_t i;

	/* Past this, bytes * 8 would wrap: say it in bytes' terms. */
	if (bytes > UINT64_MAX / 8) {
		snprintf(buf, len, "%" PRIu64 "Gbit",
		    (uint64_t)(bytes / 125000000u));
		return buf;
	}
	bits = bytes * 8;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (bits >= units[i].mult && bits % units[i].mult == 0) {
			snprintf(buf, len, "%" PRIu64 "%s",
			    bits / units[i].mult, units[i].unit);
			return buf;
		}
	snprintf(buf, len, "%" PRIu64 "bit", bits);
	return buf;
}

static int
qc_bw(struct qc_walk *w, xmlNode *n, const char *what, const char *attr,
    uint64_t *v_r)
{
	char buf[QC_VAL_MAX], why[QC_VAL_MAX + 100];
	int rc;

	if ((rc = qc_attr(w, n, attr, buf, sizeof(buf))) <= 0)
		return rc;
	if (qconf_bw_parse(buf, v_r, why, sizeof(why)) == -1) {
		qc_errf(w->e, qc_line(n), "%s: %s %s", what, attr, why);
		return -1;
	}
	return 1;
}

/* ---- elements ----------------------------------------------------------- */

static int
qc_el_router_id(struct qc_walk *w, xmlNode *n)
{
	char buf[QC_VAL_MAX];

	if (qc_text(w, n, buf, sizeof(buf)) == -1)
		return -1;
	return qc_ipv4(w, n, "router-id", buf, &w->c->router_id);
}

/*
 * quasard makes its state directory mode 0700 and root's (the control
 * socket lives there): a system directory there would lock everyone out
 * of it.
 */
static int
qc_statedir_ok(struct qc_walk *w, xmlNode *n, const char *s)
{
	static const char *const system[] = {
		"/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64",
		"/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin",
		"/srv", "/sys", "/tmp", "/usr", "/var", "/var/lib",
		"/var/run", "/var/tmp",
	};
	const char *p, *q;
	size_t i, k;

	if (strcmp(s, "/") == 0) {
		qc_errf(w->e, qc_line(n), "statedir: / cannot be one (quasard "
		    "makes its state directory root's alone, mode 0700)");
		return -1;
	}
	for (p = s + 1; ; p = q + 1) {
		q = strchr(p, '/');
		k = q != NULL ? (size_t)(q - p) : strlen(p);
		if (k == 0 || (k == 1 && p[0] == '.') ||
		    (k == 2 && p[0] == '.' && p[1] == '.')) {
			qc_errf(w->e, qc_line(n), "statedir: '%s' has an "
			    "empty, '.' or '..' component", s);
			return -1;
		}
		if (q == NULL)
			break;
	}
	for (i = 0; i < sizeof(system) / sizeof(system[0]); i++)
		if (strcmp(s, system[i]) == 0) {
			qc_errf(w->e, qc_line(n), "statedir: %s is a system "
			    "directory (quasard makes its state directory "
			    "root's alone, mode 0700): use %s/quasar", s, s);
			return -1;
		}
	return 0;
}

static int
qc_el_statedir(struct qc_walk *w, xmlNode *n)
{
	char buf[QC_VAL_MAX];

	if (qc_text(w, n, buf, sizeof(buf)) == -1)
		return -1;
	if (buf[0] == '/' && strlen(buf) > QCONF_STATEDIR_MAX) {
		qc_errf(w->e, qc_line(n), "statedir: longer than %d bytes "
		    "(its control socket's path must fit a UNIX socket "
		    "address)", QCONF_STATEDIR_MAX);
		return -1;
	}
	if (qc_path(w, n, "statedir", buf, w->c->statedir,
	    sizeof(w->c->statedir)) == -1 || qc_statedir_ok(w, n, buf) == -1)
		return -1;
	w->statedir_line = qc_line(n);
	return 0;
}

static int
qc_el_routelet(struct qc_walk *w, xmlNode *n)
{
	char buf[QC_VAL_MAX];
	int rc = 0, r;

	if ((r = qc_attr(w, n, "path", buf, sizeof(buf))) == 1) {
		if (qc_path(w, n, "routelet: path", buf,
		    w->c->backend.routelet_path,
		    sizeof(w->c->backend.routelet_path)) == -1)
			rc = -1;
		else
			w->routelet_path_line = qc_line(n);
	} else if (r == -1)
		rc = -1;
	if ((r = qc_attr(w, n, "user", buf, sizeof(buf))) == 1) {
		if (!qc_name_ok(buf)) {
			qc_errf(w->e, qc_line(n), "routelet: user '%s' is not "
			    "a user name", buf);
			rc = -1;
		} else
			memcpy(w->c->backend.user, buf, strlen(buf) + 1);
	} else if (r == -1)
		rc = -1;
	return rc;
}

static int
qc_el_image(struct qc_walk *w, xmlNode *n)
{
	char buf[QC_VAL_MAX];
	int rc = 0, r;

	w->image_line = qc_line(n);
	if ((r = qc_attr(w, n, "kernel", buf, sizeof(buf))) == 1) {
		if (qc_path(w, n, "image: kernel", buf, w->c->backend.kernel,
		    sizeof(w->c->backend.kernel)) == -1)
			rc = -1;
	} else {
		if (r == 0)
			qc_errf(w->e, qc_line(n), "image: kernel missing");
		rc = -1;
	}
	if ((r = qc_attr(w, n, "ramdisk", buf, sizeof(buf))) == 1) {
		if (qc_path(w, n, "image: ramdisk", buf,
		    w->c->backend.ramdisk,
		    sizeof(w->c->backend.ramdisk)) == -1)
			rc = -1;
	} else {
		if (r == 0)
			qc_errf(w->e, qc_line(n), "image: ramdisk missing");
		rc = -1;
	}
	if (qc_uint(w, n, "memory-mb", 16, 65536,
	    &w->c->backend.memory_mb) == -1)
		rc = -1;
	if ((r = qc_attr(w, n, "vif-script", buf, sizeof(buf))) == 1) {
		if (qc_path(w, n, "image: vif-script", buf,
		    w->c->backend.vif_script,
		    sizeof(w->c->backend.vif_script)) == -1)
			rc = -1;
	} else if (r == -1)
		rc = -1;
	return rc;
}

static int
qc_el_backend(struct qc_walk *w, xmlNode *n)
{
	char buf[QC_VAL_MAX];
	xmlNode *k;
	int rc = 0, r;

	w->backend_line = qc_line(n);
	if ((r = qc_attr(w, n, "type", buf, sizeof(buf))) == 1) {
		if (strcmp(buf, "local") == 0)
			w->c->backend.type = QCONF_BE_LOCAL;
		else if (strcmp(buf, "xen") == 0)
			w->c->backend.type = QCONF_BE_XEN;
		else {
			qc_errf(w->e, qc_line(n), "backend: type '%s' is not "
			    "local or xen", buf);
			rc = -1;
		}
	} else if (r == -1)
		rc = -1;
	if ((r = qc_attr(w, n, "instance", buf, sizeof(buf))) == 1) {
		if (!qc_name_ok(buf)) {
			qc_errf(w->e, qc_line(n), "backend: instance '%s': "
			    "want 1-32 letters, digits, '-', '_' or '.', not "
			    "starting with '.'", buf);
			rc = -1;
		} else {
			memcpy(w->c->backend.instance, buf, strlen(buf) + 1);
			w->instance_set = 1;
		}
	} else if (r == -1)
		rc = -1;
	for (k = n->children; k != NULL; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp(qc_elname(k), "routelet") == 0)
			r = qc_el_routelet(w, k);
		else if (strcmp(qc_elname(k), "ack-timeout") == 0)
			r = qc_uint(w, k, "ms", 10, 600000,
			    &w->c->backend.ack_timeout_ms);
		else if (strcmp(qc_elname(k), "image") == 0)
			r = qc_el_image(w, k);
		else {
			qc_errf(w->e, qc_line(k), "backend: unknown element "
			    "<%s>", qc_elname(k));
			r = -1;
		}
		if (r == -1)
			rc = -1;
	}
	return rc;
}

static int
qc_el_pool(struct qc_walk *w, xmlNode *n)
{
	int rc = 0;

	w->pool_line = qc_line(n);
	if (qc_uint(w, n, "min", 0, 4096, &w->c->pool.min) == -1)
		rc = -1;
	if (qc_uint(w, n, "target", 0, 4096, &w->c->pool.target) == -1)
		rc = -1;
	if (qc_uint(w, n, "max", 1, 4096, &w->c->pool.max) == -1)
		rc = -1;
	if (qc_uint(w, n, "ping-ms", 100, 600000, &w->c->pool.ping_ms) == -1)
		rc = -1;
	return rc;
}

static int
qc_el_rsvp(struct qc_walk *w, xmlNode *n)
{
	int rc = 0;

	if (qc_uint(w, n, "refresh-ms", 1000, 65535000,
	    &w->c->rsvp.refresh_ms) == -1)
		rc = -1;
	if (qc_uint(w, n, "keep-multiplier", 1, 255,
	    &w->c->rsvp.keep_multiplier) == -1)
		rc = -1;
	if (qc_uint(w, n, "hello-ms", 10, 60000, &w->c->rsvp.hello_ms) == -1)
		rc = -1;
	if (qc_uint(w, n, "hello-misses", 2, 255,
	    &w->c->rsvp.hello_misses) == -1)
		rc = -1;
	return rc;
}

static int
qc_el_admission(struct qc_walk *w, xmlNode *n)
{
	char buf[QC_VAL_MAX];
	uint64_t v;
	int rc = 0, r;

	if (qc_uint(w, n, "cpu-budget-percent", 1, 100,
	    &w->c->admission.cpu_budget_pct) == -1)
		rc = -1;
	if ((r = qc_attr(w, n, "per-packet-ns", buf, sizeof(buf))) == 1) {
		if (strcmp(buf, "auto") == 0)
			w->c->admission.per_packet_ns = 0;
		else if (qc_parse_u64(buf, 1000000, &v) == 0 && v > 0)
			w->c->admission.per_packet_ns = (unsigned)v;
		else {
			qc_errf(w->e, qc_line(n), "admission: per-packet-ns "
			    "'%s' is not auto or a number in 1-1000000", buf);
			rc = -1;
		}
	} else if (r == -1)
		rc = -1;
	return rc;
}

static int
qc_el_labels(struct qc_walk *w, xmlNode *n)
{
	unsigned lo = w->c->labels.min, hi = w->c->labels.max;
	int rc = 0;

	w->labels_line = qc_line(n);
	if (qc_uint(w, n, "min", 0, MPLS_LABEL_MAX, &lo) == -1)
		rc = -1;
	if (qc_uint(w, n, "max", 0, MPLS_LABEL_MAX, &hi) == -1)
		rc = -1;
	w->c->labels.min = lo;
	w->c->labels.max = hi;
	return rc;
}

static int
qc_el_interface(struct qc_walk *w, xmlNode *n)
{
	struct qconf *c = w->c;
	struct qconf_if ifc;
	char buf[QC_VAL_MAX], what[IF_NAMESIZE + 16];
	const char *why;
	unsigned i;
	int rc = 0, r;

	memset(&ifc, 0, sizeof(ifc));
	ifc.line = (int)qc_line(n);
	if ((r = qc_attr(w, n, "name", buf, sizeof(buf))) == 1) {
		if ((why = qc_ifname_problem(buf)) != NULL) {
			qc_errf(w->e, qc_line(n), "interface: name '%s' %s",
			    buf, why);
			rc = -1;
		} else
			memcpy(ifc.name, buf, strlen(buf) + 1);
	} else {
		if (r == 0)
			qc_errf(w->e, qc_line(n), "interface: name missing");
		rc = -1;
	}
	snprintf(what, sizeof(what), "interface %s", ifc.name);
	if ((r = qc_bw(w, n, what, "reservable", &ifc.reservable)) == 0)
		qc_errf(w->e, qc_line(n), "interface %s: reservable missing "
		    "(the bandwidth RSVP may reserve on it)", ifc.name);
	if (r != 1)
		rc = -1;
	if ((r = qc_attr(w, n, "address", buf, sizeof(buf))) == 1) {
		if (qc_ipv4(w, n, "interface: address", buf,
		    &ifc.address) == -1)
			rc = -1;
	} else if (r == -1)
		rc = -1;
	if (qc_bool(w, n, "hello", &ifc.hello) == -1)
		rc = -1;
	if (rc == -1)
		return -1;

	for (i = 0; i < c->nifs; i++) {
		if (strcmp(c->ifs[i].name, ifc.name) == 0) {
			qc_errf(w->e, qc_line(n), "interface %s: given twice "
			    "(first at line %d)", ifc.name, c->ifs[i].line);
			return -1;
		}
		if (ifc.address.s_addr != INADDR_ANY &&
		    ifc.address.s_addr == c->ifs[i].address.s_addr) {
			inet_ntop(AF_INET, &ifc.address, buf, sizeof(buf));
			qc_errf(w->e, qc_line(n), "interface %s: address %s "
			    "is %s's too (line %d)", ifc.name, buf,
			    c->ifs[i].name, c->ifs[i].line);
			return -1;
		}
	}
	if (c->nifs == QCONF_MAX_IFS) {
		if (!w->if_full)
			qc_errf(w->e, qc_line(n), "interface %s: more than %d "
			    "interfaces (a routelet has one VIF per port)",
			    ifc.name, QCONF_MAX_IFS);
		w->if_full = 1;
		return -1;
	}
	c->ifs[c->nifs++] = ifc;
	return 0;
}

int
qconf_if_find(const struct qconf *c, const char *name)
{
	unsigned i;

	for (i = 0; i < c->nifs; i++)
		if (strcmp(c->ifs[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* An rlconf key from an attribute, with rlconf's own checks. */
static int
qc_lsp_key(struct qc_walk *w, xmlNode *n, const char *lname,
    struct rlconf *rc, const char *key, int required)
{
	char buf[QC_VAL_MAX], why[300];
	int r;

	if ((r = qc_attr(w, n, key, buf, sizeof(buf))) == 0) {
		if (required)
			qc_errf(w->e, qc_line(n), "lsp %s: %s missing", lname,
			    key);
		return required ? -1 : 0;
	}
	if (r == -1)
		return -1;
	if (rlconf_set(rc, key, buf, why, sizeof(why)) == -1) {
		qc_errf(w->e, qc_line(n), "lsp %s: %s", lname, why);
		return -1;
	}
	return 1;
}

static int
qc_lsp_port(struct qc_walk *w, xmlNode *n, const char *lname,
    const char *attr, unsigned *port_r)
{
	char buf[QC_VAL_MAX];
	int r, i;

	if ((r = qc_attr(w, n, attr, buf, sizeof(buf))) != 1) {
		if (r == 0)
			qc_errf(w->e, qc_line(n), "lsp %s: %s missing", lname,
			    attr);
		return -1;
	}
	if ((i = qconf_if_find(w->c, buf)) < 0) {
		qc_errf(w->e, qc_line(n), "lsp %s: %s %s is not an interface "
		    "of this configuration", lname, attr, buf);
		return -1;
	}
	*port_r = (unsigned)i;
	return 0;
}

static int
qc_el_lsp(struct qc_walk *w, xmlNode *n)
{
	struct qconf *c = w->c;
	struct qconf_lsp l;
	struct rlconf chk;
	char buf[QC_VAL_MAX], why[300], bw1[32], bw2[32];
	char what[QCONF_NAME_MAX + 8];
	const char *nm;
	unsigned i;
	int rc = 0, r;

	memset(&l, 0, sizeof(l));
	rlconf_init(&l.conf);
	l.weight = QCONF_DEF_WEIGHT;
	l.cap = QCONF_DEF_CAP;
	l.line = (int)qc_line(n);
	if ((r = qc_attr(w, n, "name", buf, sizeof(buf))) == 1) {
		int ok = buf[0] != '\0' && strlen(buf) < sizeof(l.name);
		const char *p;

		for (p = buf; ok && *p != '\0'; p++)
			if ((unsigned char)*p <= ' ' ||
			    (unsigned char)*p > '~')
				ok = 0;
		if (!ok) {
			qc_errf(w->e, qc_line(n), "lsp: name '%s': want 1-%zu "
			    "printable ASCII characters, no blank", buf,
			    sizeof(l.name) - 1);
			rc = -1;
		} else
			memcpy(l.name, buf, strlen(buf) + 1);
	} else {
		if (r == 0)
			qc_errf(w->e, qc_line(n), "lsp: name missing");
		rc = -1;
	}
	nm = l.name[0] != '\0' ? l.name : "?";

	if (qc_lsp_port(w, n, nm, "in-port", &l.in_port) == -1)
		rc = -1;
	if (qc_lsp_port(w, n, nm, "out-port", &l.out_port) == -1)
		rc = -1;
	if (qc_lsp_key(w, n, nm, &l.conf, "in-label", 1) == -1)
		rc = -1;
	if (qc_lsp_key(w, n, nm, &l.conf, "op", 1) == -1)
		rc = -1;
	if (qc_lsp_key(w, n, nm, &l.conf, "out-label", 0) == -1)
		rc = -1;
	if (qc_lsp_key(w, n, nm, &l.conf, "nh-mac", 1) == -1)
		rc = -1;
	if (qc_lsp_key(w, n, nm, &l.conf, "ttl-mode", 0) == -1)
		rc = -1;
	if (qc_lsp_key(w, n, nm, &l.conf, "burst", 0) == -1)
		rc = -1;
	if (qc_lsp_key(w, n, nm, &l.conf, "qlen", 0) == -1)
		rc = -1;
	snprintf(what, sizeof(what), "lsp %s", nm);
	if (qc_bw(w, n, what, "rate", &l.conf.rate) == -1)
		rc = -1;
	if (qc_uint(w, n, "weight", 1, 10000, &l.weight) == -1)
		rc = -1;
	if (qc_uint(w, n, "cap", 0, 100, &l.cap) == -1)
		rc = -1;
	if (rc == -1)
		return -1;
	l.conf.out_vif = (uint16_t)l.out_port;
	/* The effective values, defaults included, so quasard gets the
	 * whole configuration and a reload compares equal. */
	l.conf.set |= 1u << RLCONF_K_OUT_VIF | 1u << RLCONF_K_TTL_MODE |
	    1u << RLCONF_K_RATE | 1u << RLCONF_K_BURST | 1u << RLCONF_K_QLEN;

	/* What op needs, as quasard will check it once it adds the two
	 * keys that are its own. */
	chk = l.conf;
	chk.gen = 1;
	memcpy(chk.src_mac, "\x02\x00\x00\x00\x00\x01", ETHER_ADDR_LEN);
	chk.set |= 1u << RLCONF_K_GEN | 1u << RLCONF_K_SRC_MAC;
	if (rlconf_validate(&chk, why, sizeof(why)) == -1) {
		qc_errf(w->e, qc_line(n), "lsp %s: %s", nm, why);
		return -1;
	}
	if (l.conf.rate > c->ifs[l.out_port].reservable) {
		qc_errf(w->e, qc_line(n), "lsp %s: rate %s is more than "
		    "out-port %s can reserve (%s)", nm,
		    qconf_bw_format(l.conf.rate, bw1, sizeof(bw1)),
		    c->ifs[l.out_port].name,
		    qconf_bw_format(c->ifs[l.out_port].reservable, bw2,
		    sizeof(bw2)));
		return -1;
	}
	if (l.conf.in_label >= c->labels.min &&
	    l.conf.in_label <= c->labels.max) {
		qc_errf(w->e, qc_line(n), "lsp %s: in-label %" PRIu32 " is in "
		    "the range RSVP allocates from (labels %" PRIu32 "-%"
		    PRIu32 ")", nm, l.conf.in_label, c->labels.min,
		    c->labels.max);
		return -1;
	}
	for (i = 0; i < c->nlsps; i++) {
		if (strcmp(c->lsps[i].name, l.name) == 0) {
			qc_errf(w->e, qc_line(n), "lsp %s: given twice (first "
			    "at line %d)", nm, c->lsps[i].line);
			return -1;
		}
		if (c->lsps[i].conf.in_label == l.conf.in_label) {
			qc_errf(w->e, qc_line(n), "lsp %s: in-label %" PRIu32
			    " is lsp %s's too (line %d)", nm, l.conf.in_label,
			    c->lsps[i].name, c->lsps[i].line);
			return -1;
		}
	}
	if (c->nlsps == QCONF_MAX_LSPS) {
		if (!w->lsp_full)
			qc_errf(w->e, qc_line(n), "lsp %s: more than %d static "
			    "LSPs", nm, QCONF_MAX_LSPS);
		w->lsp_full = 1;
		return -1;
	}
	c->lsps[c->nlsps++] = l;
	return 0;
}

static const struct qc_elem {
	const char	*name;
	int		 single;	/* at most once */
	int		 pass;		/* 2: after what it names */
	int		(*fn)(struct qc_walk *, xmlNode *);
} qc_elems[] = {
	{ "router-id",	1, 1, qc_el_router_id },
	{ "statedir",	1, 1, qc_el_statedir },
	{ "backend",	1, 1, qc_el_backend },
	{ "pool",	1, 1, qc_el_pool },
	{ "rsvp",	1, 1, qc_el_rsvp },
	{ "admission",	1, 1, qc_el_admission },
	{ "labels",	1, 1, qc_el_labels },
	{ "interface",	0, 1, qc_el_interface },
	{ "lsp",	0, 2, qc_el_lsp },
};

#define QC_NELEMS	(sizeof(qc_elems) / sizeof(qc_elems[0]))
_Static_assert(QC_NELEMS <= QC_NELEMS_MAX, "qc_walk.seen is too small");

static void
qc_walk_pass(struct qc_walk *w, xmlNode *root, int pass)
{
	const struct qc_elem *el;
	xmlNode *n;
	size_t i;

	for (n = root->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		el = NULL;
		/* Ours are in our namespace; a <pool> of another is not. */
		if (n->ns != NULL && n->ns->href != NULL &&
		    strcmp((const char *)n->ns->href, QCONF_NS) == 0)
			for (i = 0; i < QC_NELEMS; i++)
				if (strcmp(qc_elname(n), qc_elems[i].name) == 0)
					el = &qc_elems[i];
		if (el == NULL) {
			if (pass == 1)
				qc_errf(w->e, qc_line(n), "unknown element "
				    "<%s>", qc_elname(n));
			continue;
		}
		if (el->pass != pass)
			continue;
		if (el->single) {
			i = (size_t)(el - qc_elems);
			if (w->seen[i] != 0) {
				qc_errf(w->e, qc_line(n), "<%s> given twice "
				    "(first at line %ld)", el->name,
				    w->seen[i]);
				continue;
			}
			w->seen[i] = qc_line(n);
		}
		(void)el->fn(w, n);
	}
}

/* The checks across elements, once all are read. */
static void
qc_check(struct qc_walk *w)
{
	struct qconf *c = w->c;
	const char *base;
	unsigned i;
	long line;

	if (c->nifs == 0 && !w->if_full)
		qc_errf(w->e, w->root_line, "no <interface>: quasard needs at "
		    "least one port");
	line = w->pool_line > 0 ? w->pool_line : w->root_line;
	if (c->pool.min > c->pool.max || c->pool.target < c->pool.min ||
	    c->pool.target > c->pool.max)
		qc_errf(w->e, line, "pool: want min <= target <= max, have "
		    "%u, %u, %u", c->pool.min, c->pool.target, c->pool.max);
	else if (c->nlsps > c->pool.max)
		qc_errf(w->e, line, "pool: max %u cannot hold the %u static "
		    "LSPs (one routelet each)", c->pool.max, c->nlsps);

	line = w->labels_line > 0 ? w->labels_line : w->root_line;
	if (c->labels.min < MPLS_LABEL_FIRST_UNRESERVED)
		qc_errf(w->e, line, "labels: min %" PRIu32 " is a reserved "
		    "label (0-15, RFC 3032)", c->labels.min);
	else if (c->labels.min > c->labels.max)
		qc_errf(w->e, line, "labels: min %" PRIu32 " is above max %"
		    PRIu32, c->labels.min, c->labels.max);

	if (c->backend.type == QCONF_BE_XEN && c->backend.kernel[0] == '\0')
		qc_errf(w->e, w->backend_line, "backend: xen needs an <image "
		    "kernel=\"...\" ramdisk=\"...\"/> to boot routelets from");
	if (c->backend.type == QCONF_BE_LOCAL && w->image_line > 0)
		qc_errf(w->e, w->image_line, "backend: <image> is for the xen "
		    "backend; a local routelet runs the routelet binary");
	if (c->backend.type == QCONF_BE_XEN && w->routelet_path_line > 0)
		qc_errf(w->e, w->routelet_path_line, "backend: routelet path "
		    "is for the local backend; a xen routelet runs from its "
		    "image");

	/* Cgroups and domains are named after the state directory unless
	 * the operator names them. */
	if (!w->instance_set) {
		base = strrchr(c->statedir, '/');
		base = base != NULL ? base + 1 : c->statedir;
		if (!qc_name_ok(base))
			qc_errf(w->e, w->statedir_line > 0 ? w->statedir_line :
			    w->root_line, "statedir: its last component '%s' "
			    "cannot name cgroups and domains: set <backend "
			    "instance=\"...\">", base);
		else
			memcpy(c->backend.instance, base, strlen(base) + 1);
	}

	/* RSVP's node address: the first interface address by default. */
	for (i = 0; c->router_id.s_addr == INADDR_ANY && i < c->nifs; i++)
		c->router_id = c->ifs[i].address;
}

/* ---- loading ------------------------------------------------------------ */

void
qconf_init(struct qconf *c)
{
	memset(c, 0, sizeof(*c));
	c->router_id.s_addr = INADDR_ANY;
	snprintf(c->statedir, sizeof(c->statedir), "%s", QCONF_DEF_STATEDIR);
	c->backend.type = QCONF_BE_LOCAL;
	snprintf(c->backend.instance, sizeof(c->backend.instance), "%s",
	    QCONF_DEF_INSTANCE);
	snprintf(c->backend.user, sizeof(c->backend.user), "%s",
	    QCONF_DEF_USER);
	c->backend.ack_timeout_ms = QCONF_DEF_ACK_MS;
	c->backend.memory_mb = QCONF_DEF_MEMORY_MB;
	snprintf(c->backend.vif_script, sizeof(c->backend.vif_script), "%s",
	    QCONF_VIF_SCRIPT_PATH);
	c->pool.min = QCONF_DEF_POOL_MIN;
	c->pool.target = QCONF_DEF_POOL_TARGET;
	c->pool.max = QCONF_DEF_POOL_MAX;
	c->pool.ping_ms = QCONF_DEF_PING_MS;
	c->rsvp.refresh_ms = QCONF_DEF_REFRESH_MS;
	c->rsvp.keep_multiplier = QCONF_DEF_KEEP_MULT;
	c->rsvp.hello_ms = QCONF_DEF_HELLO_MS;
	c->rsvp.hello_misses = QCONF_DEF_HELLO_MISSES;
	c->admission.cpu_budget_pct = QCONF_DEF_CPU_BUDGET;
	c->admission.per_packet_ns = 0;
	c->labels.min = QCONF_DEF_LABEL_MIN;
	c->labels.max = QCONF_DEF_LABEL_MAX;
}

static int
qc_root_ok(struct qc_err *e, xmlNode *root)
{
	const char *href;

	if (root == NULL) {
		qc_errf(e, 0, "no root element");
		return 0;
	}
	href = root->ns != NULL && root->ns->href != NULL ?
	    (const char *)root->ns->href : NULL;
	if (strcmp(qc_elname(root), "quasard") != 0 || href == NULL ||
	    strcmp(href, QCONF_NS) != 0) {
		qc_errf(e, qc_line(root), "root element is <%s>%s%s%s, want "
		    "<quasard xmlns=\"" QCONF_NS "\">", qc_elname(root),
		    href != NULL ? " in namespace \"" : " without a namespace",
		    href != NULL ? href : "", href != NULL ? "\"" : "");
		return 0;
	}
	return 1;
}

int
qconf_load(struct qconf *c, const char *path, const char *xsd_path,
    char *err, size_t errlen)
{
	struct qc_xmlstate xs;
	struct qc_err e;
	struct qc_walk w;
	xmlSchemaValidCtxtPtr vctxt = NULL;
	xmlSchemaPtr schema = NULL;
	xmlDocPtr doc = NULL;
	xmlNode *root;
	char xsdbuf[PATH_MAX], *buf = NULL;
	size_t len;
	int rc = QCONF_ERR_FILE, v;

	qconf_init(c);
	qc_err_init(&e, path != NULL ? path : "(null)");
	if (path == NULL) {
		qc_errf(&e, 0, "no configuration file given");
		qc_err_flush(&e, err, errlen);
		return QCONF_ERR_FILE;
	}
	if (xsd_path == NULL)
		xsd_path = qconf_xsd_default(xsdbuf, sizeof(xsdbuf));
	qc_xml_enter(&xs, &e);

	if ((buf = qc_read(&e, path, &len)) == NULL)
		goto out;
	if ((schema = qc_schema(&e, xsd_path)) == NULL)
		goto out;
	rc = QCONF_ERR_XML;
	if ((doc = qc_parse(&e, path, buf, len)) == NULL)
		goto out;
	rc = QCONF_ERR_SCHEMA;
	root = xmlDocGetRootElement(doc);
	if (!qc_root_ok(&e, root))
		goto out;
	if ((vctxt = xmlSchemaNewValidCtxt(schema)) == NULL) {
		qc_errf(&e, 0, "out of memory");
		goto out;
	}
	xmlSchemaSetValidStructuredErrors(vctxt, qc_xml_error, &e);
	if ((v = xmlSchemaValidateDoc(vctxt, doc)) != 0) {
		if (e.n == 0)
			qc_errf(&e, 0, "schema validation failed (%d)", v);
		goto out;
	}

	rc = QCONF_ERR_CONF;
	memset(&w, 0, sizeof(w));
	w.c = c;
	w.e = &e;
	w.root_line = qc_line(root);
	qc_walk_pass(&w, root, 1);
	qc_walk_pass(&w, root, 2);
	qc_check(&w);
	if (e.n == 0)
		rc = QCONF_OK;
out:
	if (vctxt != NULL)
		xmlSchemaFreeValidCtxt(vctxt);
	if (schema != NULL)
		xmlSchemaFree(schema);
	if (doc != NULL)
		xmlFreeDoc(doc);
	free(buf);
	qc_xml_leave(&xs);
	if (rc != QCONF_OK)
		qconf_init(c);
	qc_err_flush(&e, err, errlen);
	return rc;
}

const char *
qconf_xsd_default(char *buf, size_t len)
{
	static const char *const rel[] = {
		"../share/quasar/quasard.xsd",	/* installed beside us */
		"../../docs/quasard.xsd",	/* build/bin, source tree */
	};
	char exe[PATH_MAX], *slash;
	const char *env = getenv(QCONF_XSD_ENV);
	ssize_t n;
	size_t i;

	if (env != NULL && env[0] != '\0') {
		snprintf(buf, len, "%s", env);
		return buf;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++)
			if ((size_t)snprintf(buf, len, "%s/%s", exe, rel[i]) <
			    len && access(buf, R_OK) == 0)
				return buf;
	}
	snprintf(buf, len, "%s", QCONF_XSD_PATH);
	return buf;
}

/* ---- printing ----------------------------------------------------------- */

const char *
qconf_backend_name(enum qconf_backend t)
{
	switch (t) {
	case QCONF_BE_LOCAL:
		return "local";
	case QCONF_BE_XEN:
		return "xen";
	}
	return "?";
}

/* Text for an attribute value or element content. */
static void
qc_put(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		default:
			fputc(*s, fp);
		}
}

static void
qc_put_attr(FILE *fp, const char *name, const char *val)
{
	fprintf(fp, " %s=\"", name);
	qc_put(fp, val);
	fputc('"', fp);
}

void
qconf_print(FILE *fp, const struct qconf *c)
{
	char a[INET_ADDRSTRLEN], bw[32], lab[RLCONF_MAX_LABELS * 8 + 1];
	const struct qconf_lsp *l;
	unsigned i, k;
	size_t off;

	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<quasard xmlns=\"%s\">\n", QCONF_NS);
	if (c->router_id.s_addr != INADDR_ANY)
		fprintf(fp, "  <router-id>%s</router-id>\n",
		    inet_ntop(AF_INET, &c->router_id, a, sizeof(a)));
	fprintf(fp, "  <statedir>");
	qc_put(fp, c->statedir);
	fprintf(fp, "</statedir>\n");

	fprintf(fp, "  <backend type=\"%s\"",
	    qconf_backend_name(c->backend.type));
	qc_put_attr(fp, "instance", c->backend.instance);
	fprintf(fp, ">\n    <routelet");
	if (c->backend.routelet_path[0] != '\0')
		qc_put_attr(fp, "path", c->backend.routelet_path);
	qc_put_attr(fp, "user", c->backend.user);
	fprintf(fp, "/>\n    <ack-timeout ms=\"%u\"/>\n",
	    c->backend.ack_timeout_ms);
	if (c->backend.type == QCONF_BE_XEN) {
		fprintf(fp, "    <image");
		qc_put_attr(fp, "kernel", c->backend.kernel);
		fprintf(fp, "\n          ");
		qc_put_attr(fp, "ramdisk", c->backend.ramdisk);
		fprintf(fp, " memory-mb=\"%u\"\n          ",
		    c->backend.memory_mb);
		qc_put_attr(fp, "vif-script", c->backend.vif_script);
		fprintf(fp, "/>\n");
	}
	fprintf(fp, "  </backend>\n");

	fprintf(fp, "  <pool min=\"%u\" target=\"%u\" max=\"%u\" "
	    "ping-ms=\"%u\"/>\n", c->pool.min, c->pool.target, c->pool.max,
	    c->pool.ping_ms);
	fprintf(fp, "  <rsvp refresh-ms=\"%u\" keep-multiplier=\"%u\" "
	    "hello-ms=\"%u\" hello-misses=\"%u\"/>\n", c->rsvp.refresh_ms,
	    c->rsvp.keep_multiplier, c->rsvp.hello_ms, c->rsvp.hello_misses);
	fprintf(fp, "  <admission cpu-budget-percent=\"%u\" ",
	    c->admission.cpu_budget_pct);
	if (c->admission.per_packet_ns == 0)
		fprintf(fp, "per-packet-ns=\"auto\"/>\n");
	else
		fprintf(fp, "per-packet-ns=\"%u\"/>\n",
		    c->admission.per_packet_ns);
	fprintf(fp, "  <labels min=\"%" PRIu32 "\" max=\"%" PRIu32 "\"/>\n",
	    c->labels.min, c->labels.max);

	for (i = 0; i < c->nifs; i++) {
		fprintf(fp, "  <interface");
		qc_put_attr(fp, "name", c->ifs[i].name);
		fprintf(fp, " reservable=\"%s\"", qconf_bw_format(
		    c->ifs[i].reservable, bw, sizeof(bw)));
		if (c->ifs[i].address.s_addr != INADDR_ANY)
			fprintf(fp, " address=\"%s\"", inet_ntop(AF_INET,
			    &c->ifs[i].address, a, sizeof(a)));
		fprintf(fp, " hello=\"%s\"/>\n",
		    c->ifs[i].hello ? "true" : "false");
	}

	for (i = 0; i < c->nlsps; i++) {
		l = &c->lsps[i];
		fprintf(fp, "  <lsp");
		qc_put_attr(fp, "name", l->name);
		qc_put_attr(fp, "in-port", c->ifs[l->in_port].name);
		fprintf(fp, " in-label=\"%" PRIu32 "\" op=\"%s\"",
		    l->conf.in_label, rl_op_name(l->conf.op));
		if (l->conf.n_out > 0) {
			for (k = 0, off = 0; k < l->conf.n_out; k++)
				off += (size_t)snprintf(lab + off,
				    sizeof(lab) - off, "%s%" PRIu32,
				    k > 0 ? "/" : "", l->conf.out_labels[k]);
			fprintf(fp, " out-label=\"%s\"", lab);
		}
		fprintf(fp, "\n      ");
		qc_put_attr(fp, "out-port", c->ifs[l->out_port].name);
		fprintf(fp, " nh-mac=\"%02x:%02x:%02x:%02x:%02x:%02x\"",
		    l->conf.nh_mac[0], l->conf.nh_mac[1], l->conf.nh_mac[2],
		    l->conf.nh_mac[3], l->conf.nh_mac[4], l->conf.nh_mac[5]);
		fprintf(fp, " ttl-mode=\"%s\"\n      ", l->conf.ttl_mode ==
		    RL_TTL_PIPE ? "pipe" : "uniform");
		fprintf(fp, " rate=\"%s\" burst=\"%" PRIu64 "\" qlen=\"%"
		    PRIu32 "\"", qconf_bw_format(l->conf.rate, bw,
		    sizeof(bw)), l->conf.burst, l->conf.qlen);
		fprintf(fp, " weight=\"%" PRIu32 "\" cap=\"%" PRIu32 "\"/>\n",
		    l->weight, l->cap);
	}
	fprintf(fp, "</quasard>\n");
}

/* ---- comparing ---------------------------------------------------------- */

static int
qc_rlconf_equal(const struct rlconf *a, const struct rlconf *b)
{
	return a->op == b->op && a->in_label == b->in_label &&
	    a->n_out == b->n_out &&
	    memcmp(a->out_labels, b->out_labels,
	    a->n_out * sizeof(a->out_labels[0])) == 0 &&
	    a->ttl_mode == b->ttl_mode &&
	    memcmp(a->nh_mac, b->nh_mac, sizeof(a->nh_mac)) == 0 &&
	    a->out_vif == b->out_vif && a->rate == b->rate &&
	    a->burst == b->burst && a->qlen == b->qlen && a->set == b->set;
}

int
qconf_equal(const struct qconf *a, const struct qconf *b)
{
	unsigned i;

	/* Field by field: struct padding is not part of a configuration. */
	if (a->router_id.s_addr != b->router_id.s_addr ||
	    strcmp(a->statedir, b->statedir) != 0 ||
	    a->backend.type != b->backend.type ||
	    strcmp(a->backend.instance, b->backend.instance) != 0 ||
	    strcmp(a->backend.routelet_path, b->backend.routelet_path) != 0 ||
	    strcmp(a->backend.user, b->backend.user) != 0 ||
	    a->backend.ack_timeout_ms != b->backend.ack_timeout_ms ||
	    strcmp(a->backend.kernel, b->backend.kernel) != 0 ||
	    strcmp(a->backend.ramdisk, b->backend.ramdisk) != 0 ||
	    a->backend.memory_mb != b->backend.memory_mb ||
	    strcmp(a->backend.vif_script, b->backend.vif_script) != 0 ||
	    a->pool.min != b->pool.min || a->pool.target != b->pool.target ||
	    a->pool.max != b->pool.max || a->pool.ping_ms != b->pool.ping_ms ||
	    a->rsvp.refresh_ms != b->rsvp.refresh_ms ||
	    a->rsvp.keep_multiplier != b->rsvp.keep_multiplier ||
	    a->rsvp.hello_ms != b->rsvp.hello_ms ||
	    a->rsvp.hello_misses != b->rsvp.hello_misses ||
	    a->admission.cpu_budget_pct != b->admission.cpu_budget_pct ||
	    a->admission.per_packet_ns != b->admission.per_packet_ns ||
	    a->labels.min != b->labels.min || a->labels.max != b->labels.max ||
	    a->nifs != b->nifs || a->nlsps != b->nlsps)
		return 0;
	for (i = 0; i < a->nifs; i++)
		if (strcmp(a->ifs[i].name, b->ifs[i].name) != 0 ||
		    a->ifs[i].reservable != b->ifs[i].reservable ||
		    a->ifs[i].address.s_addr != b->ifs[i].address.s_addr ||
		    a->ifs[i].hello != b->ifs[i].hello)
			return 0;
	for (i = 0; i < a->nlsps; i++)
		if (strcmp(a->lsps[i].name, b->lsps[i].name) != 0 ||
		    a->lsps[i].in_port != b->lsps[i].in_port ||
		    a->lsps[i].out_port != b->lsps[i].out_port ||
		    a->lsps[i].weight != b->lsps[i].weight ||
		    a->lsps[i].cap != b->lsps[i].cap ||
		    !qc_rlconf_equal(&a->lsps[i].conf, &b->lsps[i].conf))
			return 0;
	return 1;
}
