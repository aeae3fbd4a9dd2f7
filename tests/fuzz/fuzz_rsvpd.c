/*
 * quasard's RSVP-TE engine on what arrives at its raw socket: each
 * datagram goes through rio_input(), what rio_recv() does after
 * recvmsg(): the IPv4 header, the decoder, the error a refusal calls for,
 * then Path, Resv, the errors, the tears, ResvConf and Hello into the
 * session state (PSBs, RSBs, neighbours), admission, labels, the
 * best-effort table and the pool (fz_quasard.h: real state, a backend
 * that makes no domains, no socket to send on, a network namespace of the
 * harness's own).  Timers do not run: the input is one instant.
 *
 * Input: datagrams, each a byte (low bit: the port it came in on; high
 * four bits: fz_rsvp.h's repairs), a 16-bit length and its bytes.
 *
 * Invariants: nothing crashes or leaks, and when the router stops
 * (rsvpd_fini, as quasard does) everything is given back: no LSP, no
 * bandwidth or CPU reserved, no best-effort entry left.
 */
#include "fuzz.h"
#include "fz_quasard.h"
#include "fz_rsvp.h"
#include "log.h"

static struct quasard q;
static struct rsvpd rd;
static char dir[64];
static uint8_t dgram[65536];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_rsvpd", LOG_TO_STDERR);
	/* FUZZ_VERBOSE=1 to see the debug lines when replaying */
	log_setverbose(getenv("FUZZ_VERBOSE") != NULL);
	fz_netns("rsvpd");
	fz_state_dir("rsvpd", dir, sizeof(dir));
	fz_quasard_init(&q, dir);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct qstate_file qf;
	struct belfib fib;
	const uint8_t *p;
	char err[256];
	uint8_t flags;
	size_t n;
	unsigned i;

	fz_rsvpd_init(&rd, &q);
	while (fz_left(&f) > 0) {
		flags = fz_u8(&f);
		p = fz_take(&f, fz_u16(&f), &n);
		memcpy(dgram, p, n);
		fz_rsvp_repair((uint8_t)(flags >> 4), dgram, n);
		rio_input(&rd, flags & 1, dgram, n, -1);
	}
	rsvpd_fini(&rd);
	q.rsvp = NULL;

	for (i = 0; i < QD_MAX_LSPS; i++)
		FZ_CHECK(q.lsps[i] == NULL, "lsp %s outlives RSVP",
		    q.lsps[i]->name);
	FZ_CHECK(rd.adm.cpu_used_ppm == 0, "%llu ppm of CPU still reserved",
	    (unsigned long long)rd.adm.cpu_used_ppm);
	for (i = 0; i < rd.adm.nports; i++)
		FZ_CHECK(rd.adm.port[i].reserved == 0 &&
		    rd.adm.port[i].nresv == 0, "port %u: %llu B/s in %u "
		    "reservations still held", i,
		    (unsigned long long)rd.adm.port[i].reserved,
		    rd.adm.port[i].nresv);
	if (qstate_belfib_open(dir, 0, &fib, &qf, err, sizeof(err)) == 0) {
		FZ_CHECK(belfib_count(&fib) == 0, "%u best-effort entries "
		    "left", belfib_count(&fib));
		qstate_file_close(&qf);
		belfib_destroy(&fib);
	}
	FZ_CHECK(pool_used(&q.pool) == 0, "%u routelets in use",
	    pool_used(&q.pool));
	return 0;
}
