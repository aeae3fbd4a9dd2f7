/*
 * routelet: the per-flow forwarding engine of a QuaSAR routelet domain.
 *
 *   routelet run ...      forward inside a local routelet domain (run.c)
 *   routelet xen ...      forward inside a Xen routelet domain (xen.c)
 *   routelet replay ...   run the engine over a pcap (replay.c)
 *
 * The engine itself is engine.c and its stages; this file only dispatches.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "routelet.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: routelet run -f ctlfd -n nvifs [-u user] [-v]\n"
	    "       routelet xen [-u user] [-v]\n"
	    "       routelet replay -c conf -r in.pcap -w out.pcap "
	    "[-C n:conf]... [-j] [-v]\n"
	    "       routelet help\n");
}

int
main(int argc, char **argv)
{
	log_init("routelet", LOG_TO_STDERR);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "run") == 0)
		return rl_run_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "xen") == 0)
		return rl_xen_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "replay") == 0)
		return rl_replay_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "routelet: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
