/*
 * quasard's configuration: an XML file (libxml2) validated against
 * docs/quasard.xsd, then checked for what a schema cannot say.  Every
 * error names the file and line: "path:line: message".  Elements,
 * attributes and defaults are documented in docs/quasard-conf.md.
 *
 *   <quasard xmlns="urn:quasar:quasard:1">
 *     <router-id>10.0.0.1</router-id>
 *     <interface name="p0" reservable="100Mbit"/>
 *   </quasard>
 *
 * Loading is safe on hostile input: the file is read whole up to
 * QCONF_FILE_MAX, a DOCTYPE is refused before its internal subset is
 * parsed (so no entity is declared, let alone expanded, and no external
 * file or URL is fetched), and the network is never used.  The result is
 * plain data in fixed-size arrays: nothing to free.
 *
 * Not thread-safe: loading swaps libxml2's global error handlers and
 * external entity loader for its duration.
 */
#ifndef Q_QCONF_H
#define Q_QCONF_H

#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rlconf.h"

#define QCONF_NS		"urn:quasar:quasard:1"

#define QCONF_MAX_IFS		RLCONF_MAX_VIFS	/* a VIF per port */
#define QCONF_MAX_LSPS		64
#define QCONF_MAX_ERRORS	20	/* then "too many errors" */
#define QCONF_FILE_MAX		(1024 * 1024)
#define QCONF_PATH_MAX		256
/* "<statedir>/quasard.sock" must fit a sockaddr_un's 108 bytes. */
#define QCONF_STATEDIR_MAX	94
#define QCONF_NAME_MAX		64	/* an LSP's, as quasard's */
#define QCONF_ID_MAX		33	/* user, instance: 32 + NUL */
#define QCONF_BW_MAX		(100ull * 1000 * 1000 * 1000) /* B/s */

/* The environment variable that overrides the schema's path. */
#define QCONF_XSD_ENV		"QUASARD_XSD"
/* Compiled in by the Makefile: $(PREFIX)/share/quasar/quasard.xsd. */
/* Where make install puts the VIF hotplug script of the xen backend. */
#ifndef QCONF_VIF_SCRIPT_PATH
#define QCONF_VIF_SCRIPT_PATH	"/usr/local/libexec/quasar/vif-quasar"
#endif
#ifndef QCONF_XSD_PATH
#define QCONF_XSD_PATH		"/usr/local/share/quasar/quasard.xsd"
#endif

/* Defaults, documented in docs/quasard-conf.md. */
#define QCONF_DEF_STATEDIR	"/run/quasar"
#define QCONF_DEF_INSTANCE	"quasar"
#define QCONF_DEF_USER		"nobody"
#define QCONF_DEF_ACK_MS	2000
#define QCONF_DEF_MEMORY_MB	128
#define QCONF_DEF_POOL_MIN	1
#define QCONF_DEF_POOL_TARGET	4
#define QCONF_DEF_POOL_MAX	64
#define QCONF_DEF_PING_MS	1000
#define QCONF_DEF_REFRESH_MS	30000	/* RFC 2205 s3.7: R = 30 s */
#define QCONF_DEF_KEEP_MULT	3	/* RFC 2205 s3.7: K = 3 */
#define QCONF_DEF_HELLO_MS	5000
#define QCONF_DEF_HELLO_MISSES	4
#define QCONF_DEF_CPU_BUDGET	80
#define QCONF_DEF_LABEL_MIN	1000	/* 16-999: static LSPs' */
#define QCONF_DEF_LABEL_MAX	1048575
#define QCONF_DEF_WEIGHT	100
#define QCONF_DEF_CAP		0

/* What qconf_load returns. */
enum qconf_rc {
	QCONF_OK = 0,
	QCONF_ERR_FILE = -1,	/* the file or the schema cannot be read */
	QCONF_ERR_XML = -2,	/* not well-formed XML, or a DOCTYPE */
	QCONF_ERR_SCHEMA = -3,	/* refused by docs/quasard.xsd */
	QCONF_ERR_CONF = -4,	/* valid XML, but not a usable config */
};

enum qconf_backend {
	QCONF_BE_LOCAL = 0,
	QCONF_BE_XEN,
};

struct qconf_if {
	char		name[IF_NAMESIZE];
	uint64_t	reservable;	/* bytes/s */
	struct in_addr	address;	/* INADDR_ANY: the kernel's */
	int		hello;		/* RSVP Hellos (RFC 3209 s5) */
	int		line;
};

/* A static QoS LSP, as "quasarctl lsp add" takes one. */
struct qconf_lsp {
	char		name[QCONF_NAME_MAX];
	unsigned	in_port;	/* index into qconf.ifs */
	unsigned	out_port;	/* into qconf.ifs; = conf.out_vif */
	/* op, in-label, out-label, ttl-mode, nh-mac, out-vif, rate, burst,
	 * qlen; gen and src-mac are quasard's to set. */
	struct rlconf	conf;
	uint32_t	weight;		/* CPU weight, 1-10000 */
	uint32_t	cap;		/* percent of one CPU, 0: none */
	int		line;
};

struct qconf {
	struct in_addr	router_id;	/* INADDR_ANY: none */
	char		statedir[QCONF_STATEDIR_MAX + 1];

	struct {
		enum qconf_backend type;
		char	 instance[QCONF_ID_MAX];
		/* "": the routelet beside the quasard binary */
		char	 routelet_path[QCONF_PATH_MAX];
		char	 user[QCONF_ID_MAX];
		unsigned ack_timeout_ms;
		char	 kernel[QCONF_PATH_MAX];	/* xen only */
		char	 ramdisk[QCONF_PATH_MAX];	/* xen only */
		unsigned memory_mb;			/* xen only */
		char	 vif_script[QCONF_PATH_MAX];	/* xen only */
	} backend;

	struct {
		unsigned min, target, max, ping_ms;
	} pool;

	struct {
		unsigned refresh_ms;		/* R */
		unsigned keep_multiplier;	/* K */
		unsigned hello_ms;
		unsigned hello_misses;
	} rsvp;

	struct {
		unsigned cpu_budget_pct;	/* of all the routelets' CPUs */
		unsigned per_packet_ns;		/* 0: measured */
	} admission;

	struct {
		uint32_t min, max;		/* RSVP's incoming labels */
	} labels;

	unsigned	 nifs;
	struct qconf_if	 ifs[QCONF_MAX_IFS];
	unsigned	 nlsps;
	struct qconf_lsp lsps[QCONF_MAX_LSPS];
};

/* Every default; no interfaces. */
void	 qconf_init(struct qconf *c);

/*
 * Loads path, validating it against the schema at xsd_path (NULL: see
 * qconf_xsd_default).  On failure c holds defaults only and err holds
 * every error found, up to QCONF_MAX_ERRORS, one "path:line: message"
 * per line.  Returns an enum qconf_rc.
 */
int	 qconf_load(struct qconf *c, const char *path, const char *xsd_path,
	    char *err, size_t errlen);

/* The effective configuration, defaults spelt out, as a loadable file. */
void	 qconf_print(FILE *fp, const struct qconf *c);

/* 1 if a and b configure the same thing (lines are not compared). */
int	 qconf_equal(const struct qconf *a, const struct qconf *b);

/*
 * The schema to use: $QUASARD_XSD if set; else the one installed beside
 * this executable (<exe>/../share/quasar/quasard.xsd), or the source
 * tree's for a binary still in the build tree (<exe>/../../docs/); else
 * QCONF_XSD_PATH.  Writes the path into buf and returns it.
 */
const char *qconf_xsd_default(char *buf, size_t len);

/* "100Mbit" for 12500000 bytes/s: the largest exact unit. */
const char *qconf_bw_format(uint64_t bytes_per_s, char *buf, size_t len);
/* Parses a bandwidth ("1.5Gbit") to bytes/s, rounded down: 0 or -1. */
int	 qconf_bw_parse(const char *s, uint64_t *bytes_r, char *err,
	    size_t errlen);

int	 qconf_if_find(const struct qconf *c, const char *name);
const char *qconf_backend_name(enum qconf_backend t);

#endif
