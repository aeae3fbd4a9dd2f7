/*
 * quasarctl: talks to quasard's control socket, one request per run.
 *
 *   quasarctl [-S statedir] [-j] <command> [args...]
 *
 * The words are sent as one line; the reply's first line says ok or
 * error.  Exit codes: 0 done, 1 quasard said no, 2 usage, 3 quasard is not
 * there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define CTL_DEFAULT_STATEDIR	"/run/quasar"

static void
usage(void)
{
	fprintf(stderr,
	    "usage: quasarctl [-S statedir] [-j] command [args...]\n"
	    "  pool show | pool resize <min> <target> <max>\n"
	    "  routelet show | routelet pause|unpause|stats <id>\n"
	    "  lsp show | lsp del <name>\n"
	    "  lsp add <name> to=<ip> rate=<B/s> [burst=] [peak=] "
	    "[service=cl|gs|be]\n"
	    "          [ero=<ip>[,loose]/...] [label=explicit-null]   "
	    "(signalled, head-end)\n"
	    "  lsp add <name> in-label=<l> in-port=<p> op=swap|pop|push "
	    "[out-label=] nh-mac=\n"
	    "          out-port=<p> [rate=] [burst=] [weight=] [cap=]   "
	    "(static)\n"
	    "  lsp set <name> key=value...\n"
	    "  rsvp show sessions|psb|rsb|neighbors|counters | rsvp counters "
	    "reset\n"
	    "  demux show\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct sockaddr_un sun;
	const char *dir = CTL_DEFAULT_STATEDIR;
	char line[4096], *buf = NULL, *nb, *nl;
	size_t off = 0, got = 0, cap = 0;
	ssize_t n;
	int ch, fd, json = 0, i, ok;

	while ((ch = getopt(argc, argv, "jS:")) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'S':
			dir = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind == argc)
		usage();
	off = (size_t)snprintf(line, sizeof(line), "%s", json ? "-j " : "");
	for (i = optind; i < argc; i++) {
		if (strchr(argv[i], '\n') != NULL || off + strlen(argv[i]) + 2 >
		    sizeof(line)) {
			fprintf(stderr, "quasarctl: request too long\n");
			return 2;
		}
		off += (size_t)snprintf(line + off, sizeof(line) - off, "%s%s",
		    i > optind ? " " : "", argv[i]);
	}
	line[off++] = '\n';

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if ((size_t)snprintf(sun.sun_path, sizeof(sun.sun_path),
	    "%s/quasard.sock", dir) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "quasarctl: %s: path too long\n", dir);
		return 2;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "quasarctl: cannot reach quasard at %s: %s\n"
		    "quasarctl: is it running? start it with: quasard -S %s "
		    "-i <port>...\n", sun.sun_path, strerror(errno), dir);
		return 3;
	}
	if (write(fd, line, off) != (ssize_t)off) {
		fprintf(stderr, "quasarctl: write: %s\n", strerror(errno));
		return 3;
	}
	/* Replies grow with the router: read until quasard closes. */
	for (;;) {
		if (cap - got < 4096) {
			if (cap > (64u << 20) ||
			    (nb = realloc(buf, cap * 2 + 8192)) == NULL) {
				fprintf(stderr, "quasarctl: reply too large\n");
				return 3;
			}
			buf = nb;
			cap = cap * 2 + 8192;
		}
		if ((n = read(fd, buf + got, cap - got - 1)) <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (buf == NULL)
		return 3;
	buf[got] = '\0';
	if ((nl = strchr(buf, '\n')) == NULL) {
		fprintf(stderr, "quasarctl: no answer from quasard\n");
		return 3;
	}
	*nl = '\0';
	ok = strcmp(buf, "ok") == 0;
	if (!ok)
		fprintf(stderr, "quasarctl: %s%s\n", buf, nl + 1);
	else
		fputs(nl + 1, stdout);
	free(buf);
	return ok ? 0 : 1;
}
