/*
 * Logging in the ldpd shape: warn (with errno), warnx, info, debug, and
 * fatal/fatalx for internal failures only.  Bad input from the network or a
 * user is never fatal: it is logged once at debug or warn, counted, dropped.
 */
#ifndef Q_LOG_H
#define Q_LOG_H

#include <stdarg.h>

#define Q_PRINTF(f, a) __attribute__((format(printf, f, a)))

enum log_dest {
	LOG_TO_STDERR,
	LOG_TO_SYSLOG,
};

void	log_init(const char *progname, enum log_dest dest);
void	log_setverbose(int verbose);
int	log_getverbose(void);

void	log_warn(const char *fmt, ...) Q_PRINTF(1, 2);
void	log_warnx(const char *fmt, ...) Q_PRINTF(1, 2);
void	log_info(const char *fmt, ...) Q_PRINTF(1, 2);
void	log_debug(const char *fmt, ...) Q_PRINTF(1, 2);
_Noreturn void fatal(const char *fmt, ...) Q_PRINTF(1, 2);
_Noreturn void fatalx(const char *fmt, ...) Q_PRINTF(1, 2);

#endif
