#include <errno.h>
#include <stdlib.h>

#include "mpls.h"

const char *
mpls_label_name(uint32_t label)
{
	switch (label) {
	case MPLS_LABEL_IPV4NULL:	return "IPv4 Explicit NULL";
	case MPLS_LABEL_RTALERT:	return "Router Alert";
	case MPLS_LABEL_IPV6NULL:	return "IPv6 Explicit NULL";
	case MPLS_LABEL_IMPLNULL:	return "Implicit NULL";
	case MPLS_LABEL_ENTROPY:	return "Entropy Label Indicator";
	case MPLS_LABEL_GAL:		return "GAL";
	case MPLS_LABEL_OAMALERT:	return "OAM Alert";
	case MPLS_LABEL_EXTENSION:	return "Extension";
	default:			return NULL;
	}
}

int
mpls_label_sendable(uint32_t label)
{
	if (!mpls_label_in_range(label))
		return 0;
	return !mpls_label_reserved(label) || label == MPLS_LABEL_IPV4NULL ||
	    label == MPLS_LABEL_IPV6NULL;
}

int
mpls_stack_decode(const uint8_t *p, size_t len, struct mpls_lse *out,
    size_t max)
{
	struct mpls_lse e;
	size_t n = 0;

	while (len >= MPLS_LSE_LEN) {
		mpls_lse_decode(p, &e);
		if (out != NULL && n < max)
			out[n] = e;
		n++;
		if (e.bos)
			return n > (size_t)INT32_MAX ? -1 : (int)n;
		p += MPLS_LSE_LEN;
		len -= MPLS_LSE_LEN;
	}
	return -1;
}

size_t
mpls_stack_encode(uint8_t *p, const struct mpls_lse *in, size_t n)
{
	struct mpls_lse e;
	size_t i;

	for (i = 0; i < n; i++) {
		e = in[i];
		e.bos = (i == n - 1);
		mpls_lse_encode(p + i * MPLS_LSE_LEN, &e);
	}
	return n * MPLS_LSE_LEN;
}

int
mpls_stack_parse(const char *s, uint32_t *labels, size_t max)
{
	const char *p = s;
	char *end;
	unsigned long v;
	size_t n = 0;

	if (*p == '\0')
		return -1;
	for (;;) {
		if (*p < '0' || *p > '9')
			return -1;
		errno = 0;
		v = strtoul(p, &end, 10);
		if (errno != 0 || end == p || v > MPLS_LABEL_MAX ||
		    !mpls_label_sendable((uint32_t)v) || n == max)
			return -1;
		labels[n++] = (uint32_t)v;
		if (*end == '\0')
			return (int)n;
		if (*end != '/')
			return -1;
		p = end + 1;
	}
}
