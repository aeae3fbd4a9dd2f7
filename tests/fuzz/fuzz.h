/*
 * What the libFuzzer harnesses share (tests/fuzz/README.md): a reader that
 * takes bytes off the input and gives zeros past its end, and a check that
 * aborts, so a broken invariant is a crash libFuzzer keeps.
 */
#ifndef Q_FUZZ_H
#define Q_FUZZ_H

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * The message goes to the sanitizers' report too: tests/fuzz/run closes
 * the harness's stderr (the product's own warnings would slow it down),
 * and libFuzzer keeps the report's descriptor open for the crash.
 */
void	__sanitizer_report_error_summary(const char *);

#define FZ_CHECK(cond, ...) do {					\
	if (!(cond)) {							\
		char fz_msg_[512];					\
		int fz_n_ = snprintf(fz_msg_, sizeof(fz_msg_),		\
		    "%s:%d: %s: ", __FILE__, __LINE__, #cond);		\
		if (fz_n_ > 0 && (size_t)fz_n_ < sizeof(fz_msg_))	\
			snprintf(fz_msg_ + fz_n_, sizeof(fz_msg_) -	\
			    (size_t)fz_n_, __VA_ARGS__);		\
		fprintf(stderr, "%s\n", fz_msg_);			\
		__sanitizer_report_error_summary(fz_msg_);		\
		abort();						\
	}								\
} while (0)

struct fz {
	const uint8_t	*p;
	size_t		 len;
};

static inline size_t
fz_left(const struct fz *f)
{
	return f->len;
}

static inline uint8_t
fz_u8(struct fz *f)
{
	uint8_t v = 0;

	if (f->len > 0) {
		v = f->p[0];
		f->p++;
		f->len--;
	}
	return v;
}

static inline uint16_t
fz_u16(struct fz *f)
{
	uint16_t hi = fz_u8(f);

	return (uint16_t)(hi << 8 | fz_u8(f));
}

static inline uint32_t
fz_u32(struct fz *f)
{
	uint32_t hi = fz_u16(f);

	return hi << 16 | fz_u16(f);
}

/* Up to n bytes off the input; *got_r says how many there were. */
static inline const uint8_t *
fz_take(struct fz *f, size_t n, size_t *got_r)
{
	const uint8_t *q = f->p;

	if (n > f->len)
		n = f->len;
	f->p += n;
	f->len -= n;
	*got_r = n;
	return q;
}

/* A NUL-terminated copy of n bytes (the caller frees it). */
static inline char *
fz_strndup(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	if (n > 0)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/*
 * A state directory of the harness's own, /dev/shm/quasar-fuzz-<name>.<pid>.
 * libFuzzer ends a timed run without atexit handlers, so each start first
 * removes the directories of this harness whose process is gone.
 */
static inline void
fz_state_dir(const char *name, char *dir, size_t len)
{
	char prefix[64], path[512];
	struct dirent *de, *fe;
	DIR *d, *f;
	long pid;

	snprintf(prefix, sizeof(prefix), "quasar-fuzz-%s.", name);
	if ((d = opendir("/dev/shm")) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
				continue;
			pid = strtol(de->d_name + strlen(prefix), NULL, 10);
			if (pid <= 0 || kill((pid_t)pid, 0) == 0 ||
			    errno != ESRCH)
				continue;
			snprintf(path, sizeof(path), "/dev/shm/%s",
			    de->d_name);
			if ((f = opendir(path)) != NULL) {
				while ((fe = readdir(f)) != NULL) {
					snprintf(path, sizeof(path),
					    "/dev/shm/%s/%s", de->d_name,
					    fe->d_name);
					(void)unlink(path);
				}
				closedir(f);
			}
			snprintf(path, sizeof(path), "/dev/shm/%s",
			    de->d_name);
			(void)rmdir(path);
		}
		closedir(d);
	}
	snprintf(dir, len, "/dev/shm/%s%d", prefix, (int)getpid());
	if (mkdir(dir, 0700) == -1)
		abort();
}

#endif
