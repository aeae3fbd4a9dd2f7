/*
 * Helpers shared by the unit tests.  Everything is static inline so each
 * test binary stays one translation unit and needs no prototypes.
 */
#ifndef Q_TESTUTIL_H
#define Q_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * splitmix64: a fixed-seed generator, so a failing random case fails the
 * same way on every run and can be replayed.
 */
static inline uint64_t
tu_rand64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform enough in [0, n) for test inputs; n > 0. */
static inline uint64_t
tu_randn(uint64_t *s, uint64_t n)
{
	return tu_rand64(s) % n;
}

/*
 * A heap copy of exactly len bytes.  Under ASan a read one byte past the
 * end of such a buffer is reported, which a stack array with slack after
 * it would hide.  malloc(0) may return NULL, so ask for one byte then: the
 * code under test must still not read it (len says 0).
 */
static inline uint8_t *
tu_exact(const void *src, size_t len)
{
	uint8_t *p = malloc(len > 0 ? len : 1);

	assert_non_null(p);
	if (len > 0)
		memcpy(p, src, len);
	return p;
}

/* The same for a C string: exactly strlen + 1 bytes. */
static inline char *
tu_exact_str(const char *s)
{
	return (char *)tu_exact(s, strlen(s) + 1);
}

#endif
