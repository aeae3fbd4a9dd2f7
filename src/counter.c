#include <inttypes.h>

#include "counter.h"

void
ctr_dump_text(FILE *f, const struct counter_desc *d, const counter_t *c,
    unsigned n, int skip_zero)
{
	unsigned i;
	uint64_t v;

	for (i = 0; i < n; i++) {
		v = ctr_get(&c[i]);
		if (skip_zero && v == 0)
			continue;
		fprintf(f, "%-16s %12" PRIu64 "  %s\n", d[i].name, v,
		    d[i].desc);
	}
}

void
ctr_dump_json(FILE *f, const struct counter_desc *d, const counter_t *c,
    unsigned n)
{
	unsigned i;

	fputc('{', f);
	for (i = 0; i < n; i++)
		fprintf(f, "%s\"%s\":%" PRIu64, i ? "," : "", d[i].name,
		    ctr_get(&c[i]));
	fputc('}', f);
}
