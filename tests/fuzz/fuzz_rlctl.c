/*
 * A local routelet's control channel (src/rlctl.h, routelet/run.c's
 * run_ctl): what it does with each datagram from dom0, configurations
 * applied to a real engine.
 *
 * Input: datagrams, each a length byte and its bytes (a NUL in them is
 * sent as it is, as a SEQPACKET datagram would carry it).
 *
 * Invariants: every request gets one answer, and only one of the answers
 * the protocol has; "ack g" means the engine now runs g, "nak" leaves it
 * on what it ran.
 */
#include <inttypes.h>

#include "fuzz.h"
#include "log.h"
#include "rlctl.h"
#include "run.h"

static struct run r;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	run_init(&r);
	if (pkt_pool_init(&r.pool, 64) == -1)
		abort();
	r.pool_ok = 1;
	r.nvifs = 2;
	log_setverbose(0);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	char msg[RLCTL_MSG_MAX + 1], reply[RLCTL_MSG_MAX];
	const uint8_t *p;
	uint64_t before, g;
	size_t n;
	char *end;

	if (rl_engine_init(&r.eng, &r.pool) == -1)
		abort();
	memset(r.ctr, 0, sizeof(r.ctr));
	while (fz_left(&f) > 0) {
		p = fz_take(&f, fz_u8(&f), &n);
		memcpy(msg, p, n);
		msg[n] = '\0';
		before = rl_engine_gen(&r.eng);
		memset(reply, 0xa5, sizeof(reply));
		run_ctl(&r, msg, n, reply, sizeof(reply));
		FZ_CHECK(memchr(reply, '\0', sizeof(reply)) != NULL,
		    "the answer is not a string");
		if (strncmp(reply, "ack ", 4) == 0) {
			g = strtoull(reply + 4, &end, 10);
			FZ_CHECK(*end == '\0' && g == rl_engine_gen(&r.eng) &&
			    g > before, "'%s', the engine runs %" PRIu64,
			    reply, rl_engine_gen(&r.eng));
		} else {
			FZ_CHECK(rl_engine_gen(&r.eng) == before,
			    "'%.40s' and the generation moved", reply);
			FZ_CHECK(strncmp(reply, "nak ", 4) == 0 ||
			    strncmp(reply, "pong ", 5) == 0 ||
			    strncmp(reply, "stats\n", 6) == 0 ||
			    strncmp(reply, "err ", 4) == 0,
			    "no such answer: '%.40s'", reply);
		}
	}
	rl_engine_destroy(&r.eng);
	FZ_CHECK(r.pool.nfree == r.pool.size, "frames lost");
	return 0;
}
