/*
 * Time in nanoseconds on CLOCK_MONOTONIC.  Code that needs time takes "now"
 * as an argument (or a struct q_clock), so tests and the pcap replay can run
 * it on a clock of their own.
 */
#ifndef Q_CLOCK_H
#define Q_CLOCK_H

#include <stdint.h>
#include <time.h>

#define NSEC_PER_SEC	UINT64_C(1000000000)
#define NSEC_PER_MSEC	UINT64_C(1000000)
#define NSEC_PER_USEC	UINT64_C(1000)

struct q_clock {
	uint64_t	(*now)(void *arg);
	void		 *arg;
};

static inline uint64_t
clock_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static inline uint64_t
q_clock_now(const struct q_clock *c)
{
	return c->now(c->arg);
}

#endif
