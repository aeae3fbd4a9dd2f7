/*
 * demux.stats as its readers see it (src/dxstats.c): the JSON of a port
 * name is valid whatever bytes the name holds (found by
 * tests/fuzz/fuzz_qstate: bytes above 0x7e went out raw, and a name that
 * is not UTF-8 made the whole dump unreadable to a JSON parser).
 */
#include <stdio.h>
#include <unistd.h>

#include "testutil.h"

#include "dxstats.h"

static void
test_json_names(void **state)
{
	char path[] = "/tmp/quasar-test-dxstats.XXXXXX", *buf = NULL;
	const struct dxstats *rd;
	struct dxstats *st;
	size_t len = 0;
	FILE *mem;
	int fd, tmp;

	(void)state;
	assert_true((tmp = mkstemp(path)) != -1);
	close(tmp);
	assert_non_null(st = dxstats_create(path, &fd));
	st->nports = 2;
	memcpy(st->port[0].name, "p\xc3\xa9\x80\x7f", 6);
	memcpy(st->port[1].name, "q\"\\\x01", 5);
	dxstats_publish(st);
	assert_non_null(rd = dxstats_open(path));
	assert_non_null(mem = open_memstream(&buf, &len));
	dxstats_dump_json(mem, rd);
	fclose(mem);
	assert_non_null(strstr(buf, "\"name\":\"p\\u00c3\\u00a9\\u0080"
	    "\\u007f\""));
	assert_non_null(strstr(buf, "\"name\":\"q\\\"\\\\\\u0001\""));
	free(buf);
	dxstats_unmap(rd);
	dxstats_close(st, fd);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
