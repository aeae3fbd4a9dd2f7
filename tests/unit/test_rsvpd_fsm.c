/*
 * quasard's state machine tables (src/fsm_te.c) and the table machinery
 * (src/fsm.c): the tables are sound, every state can be left the way the
 * protocol needs (teardown, timeout, neighbour failure), and the
 * transitions the RFCs call for are the ones in the rows.
 */
#include <stdio.h>

#include "testutil.h"

#include "fsm_te.h"

struct want {
	unsigned	state, event, action, next;
};

static void
expect(const struct fsm_table *t, const struct want *w, size_t n)
{
	const struct fsm_row *r;
	size_t i;

	for (i = 0; i < n; i++) {
		r = fsm_find(t, w[i].state, w[i].event);
		if (r == NULL)
			fail_msg("%s: no row for (%s, %s)", t->name,
			    fsm_state_name(t, w[i].state),
			    fsm_event_name(t, w[i].event));
		if (r->action != w[i].action ||
		    fsm_next(r, w[i].state) != w[i].next)
			fail_msg("%s: (%s, %s) -> %s, %s; want %s, %s",
			    t->name, fsm_state_name(t, w[i].state),
			    fsm_event_name(t, w[i].event),
			    fsm_action_name(t, r->action),
			    fsm_state_name(t, fsm_next(r, w[i].state)),
			    fsm_action_name(t, w[i].action),
			    fsm_state_name(t, w[i].next));
	}
}

static void
test_tables_valid(void **state)
{
	const struct fsm_table *t[] = { &fsm_he, &fsm_ss, &fsm_nb };
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < nitems(t); i++)
		if (fsm_validate(t[i], err, sizeof(err)) == -1)
			fail_msg("%s", err);
	assert_int_equal(fsm_he.nstates, HE_NSTATES);
	assert_int_equal(fsm_ss.nevents, SS_NEVENTS);
	assert_int_equal(fsm_nb.nactions, NB_NACTIONS);
	assert_string_equal(fsm_state_name(&fsm_he, HE_PATH_SENT),
	    "path-sent");
	assert_string_equal(fsm_event_name(&fsm_ss, SS_EV_PATH_TIMEOUT),
	    "path-timeout");
	assert_string_equal(fsm_action_name(&fsm_nb, NB_A_RESTART),
	    "restart");
	assert_string_equal(fsm_state_name(&fsm_nb, 200), "?");
}

/* The validator catches what it says it catches. */
static void
test_validate_rejects(void **state)
{
	static const char *const s[] = { "a", "b" };
	static const char *const e[] = { "x", "y" };
	static const char *const a[] = { "none", "do" };
	static const struct fsm_row dup[] = {
		{ FSM_ANY, 0, 1, FSM_SAME },
		{ 1, 0, 0, 0 },		/* shadowed by the FSM_ANY row */
	};
	static const struct fsm_row range[] = {
		{ 0, 2, 1, 0 },		/* event 2 does not exist */
	};
	static const struct fsm_row ok[] = {
		{ 1, 0, 0, 0 },
		{ FSM_ANY, 0, 1, FSM_SAME },	/* after: fine */
	};
	struct fsm_table t = { "t", dup, 2, s, 2, e, 2, a, 2 };
	char err[256];

	(void)state;
	assert_int_equal(fsm_validate(&t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "shadowed"));
	t.rows = range;
	t.nrows = 1;
	assert_int_equal(fsm_validate(&t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "out of range"));
	t.rows = ok;
	t.nrows = 2;
	assert_int_equal(fsm_validate(&t, err, sizeof(err)), 0);
	/* the specific row first, the wildcard for the rest */
	assert_int_equal(fsm_find(&t, 1, 0)->action, 0);
	assert_int_equal(fsm_find(&t, 0, 0)->action, 1);
	assert_int_equal(fsm_next(fsm_find(&t, 0, 0), 0), 0);
	assert_null(fsm_find(&t, 0, 1));
}

static void
test_headend(void **state)
{
	static const struct want w[] = {
		{ HE_DOWN, HE_EV_START, HE_A_SEND_PATH, HE_PATH_SENT },
		{ HE_PATH_SENT, HE_EV_NO_ROUTE, HE_A_FAIL, HE_DOWN },
		/* no route on the first try: the same failure, from down */
		{ HE_DOWN, HE_EV_NO_ROUTE, HE_A_FAIL, HE_DOWN },
		{ HE_PATH_SENT, HE_EV_REFRESH, HE_A_REFRESH, HE_PATH_SENT },
		{ HE_PATH_SENT, HE_EV_RESV, HE_A_INSTALL, HE_UP },
		/* admission failure downstream: tear, retry later */
		{ HE_PATH_SENT, HE_EV_PATH_ERR, HE_A_FAIL, HE_DOWN },
		{ HE_UP, HE_EV_RESV_REFRESH, HE_A_KEEP, HE_UP },
		{ HE_UP, HE_EV_RESV, HE_A_INSTALL, HE_UP },
		/* losing the reservation keeps the Path going */
		{ HE_UP, HE_EV_RESV_TEAR, HE_A_UNINSTALL, HE_PATH_SENT },
		{ HE_UP, HE_EV_RESV_TIMEOUT, HE_A_UNINSTALL, HE_PATH_SENT },
		{ HE_UP, HE_EV_NBR_DOWN, HE_A_FAIL, HE_DOWN },
		{ HE_UP, HE_EV_STOP, HE_A_TEAR, HE_GONE },
		{ HE_DOWN, HE_EV_STOP, HE_A_TEAR, HE_GONE },
	};
	unsigned s;

	(void)state;
	expect(&fsm_he, w, nitems(w));
	/* every live state can be stopped; nothing leaves "gone" */
	for (s = 0; s < HE_NSTATES; s++) {
		if (s == HE_GONE)
			continue;
		assert_non_null(fsm_find(&fsm_he, s, HE_EV_STOP));
	}
	for (s = 0; s < HE_NEVENTS; s++)
		assert_null(fsm_find(&fsm_he, HE_GONE, s));
	/* unexpected events are not rows: a Resv for an LSP that is down */
	assert_null(fsm_find(&fsm_he, HE_DOWN, HE_EV_RESV));
	assert_null(fsm_find(&fsm_he, HE_UP, HE_EV_START));
}

static void
test_session(void **state)
{
	static const struct want w[] = {
		{ SS_NEW, SS_EV_PATH, SS_A_FWD_PATH, SS_PATH },
		{ SS_PATH, SS_EV_PATH_REFRESH, SS_A_KEEP_PATH, SS_PATH },
		{ SS_PATH, SS_EV_RESV, SS_A_RESERVE, SS_RESV },
		/* refused: an error went out, nothing changed */
		{ SS_PATH, SS_EV_ADMIT_FAIL, SS_A_NONE, SS_PATH },
		{ SS_RESV, SS_EV_ADMIT_FAIL, SS_A_NONE, SS_RESV },
		{ SS_RESV, SS_EV_RESV_REFRESH, SS_A_KEEP_RESV, SS_RESV },
		{ SS_RESV, SS_EV_RESV_TEAR, SS_A_UNRESERVE, SS_PATH },
		{ SS_RESV, SS_EV_RESV_TIMEOUT, SS_A_UNRESERVE, SS_PATH },
		{ SS_RESV, SS_EV_NHOP_DOWN, SS_A_UNRESERVE, SS_PATH },
		{ SS_RESV, SS_EV_RESV_TIMER, SS_A_SEND_RESV, SS_RESV },
		{ SS_RESV, SS_EV_PATH_TIMER, SS_A_SEND_PATH, SS_RESV },
		{ SS_RESV, SS_EV_PATH_TEAR, SS_A_DELETE, SS_DEAD },
		{ SS_RESV, SS_EV_PATH_TIMEOUT, SS_A_DELETE, SS_DEAD },
		{ SS_PATH, SS_EV_PHOP_DOWN, SS_A_DELETE, SS_DEAD },
	};
	unsigned s;

	(void)state;
	expect(&fsm_ss, w, nitems(w));
	/* every live state ends on a PathTear and on a path timeout (soft
	 * state: nothing lives forever without refreshes) */
	for (s = SS_PATH; s <= SS_RESV; s++) {
		assert_int_equal(fsm_next(fsm_find(&fsm_ss, s,
		    SS_EV_PATH_TEAR), s), SS_DEAD);
		assert_int_equal(fsm_next(fsm_find(&fsm_ss, s,
		    SS_EV_PATH_TIMEOUT), s), SS_DEAD);
		assert_int_equal(fsm_next(fsm_find(&fsm_ss, s,
		    SS_EV_PHOP_DOWN), s), SS_DEAD);
	}
	/* a reservation's every way out goes through unreserve */
	assert_int_equal(fsm_find(&fsm_ss, SS_RESV, SS_EV_ROUTELET_LOST)->
	    action, SS_A_UNRESERVE);
	assert_int_equal(fsm_find(&fsm_ss, SS_RESV, SS_EV_PATH_TEAR)->action,
	    SS_A_DELETE);
	/* nothing happens to dead state */
	for (s = 0; s < SS_NEVENTS; s++)
		assert_null(fsm_find(&fsm_ss, SS_DEAD, s));
	/* a Resv before any Path is not a row: answered with an error
	 * elsewhere, never reserved */
	assert_null(fsm_find(&fsm_ss, SS_NEW, SS_EV_RESV));
}

static void
test_hello(void **state)
{
	static const struct want w[] = {
		{ NB_INIT, NB_EV_REQUEST, NB_A_ANSWER, NB_UP },
		{ NB_INIT, NB_EV_ACK, NB_A_HEARD, NB_UP },
		/* never heard: not declared dead */
		{ NB_INIT, NB_EV_TIMEOUT, NB_A_NONE, NB_INIT },
		{ NB_UP, NB_EV_TIMEOUT, NB_A_FAIL, NB_DOWN },
		{ NB_UP, NB_EV_RESTARTED, NB_A_RESTART, NB_UP },
		{ NB_DOWN, NB_EV_ACK, NB_A_HEARD, NB_UP },
		{ NB_DOWN, NB_EV_TIMEOUT, NB_A_NONE, NB_DOWN },
	};
	unsigned s;

	(void)state;
	expect(&fsm_nb, w, nitems(w));
	for (s = 0; s < NB_NSTATES; s++) {
		assert_int_equal(fsm_find(&fsm_nb, s, NB_EV_TIMER)->action,
		    NB_A_SEND);
		assert_int_equal(fsm_next(fsm_find(&fsm_nb, s,
		    NB_EV_TIMER), s), s);
		/* a Request is answered in every state */
		assert_int_equal(fsm_find(&fsm_nb, s, NB_EV_REQUEST)->action,
		    NB_A_ANSWER);
	}
}

/* Every (state, event) of each table is a row or deliberately absent:
 * walk them all and count, so a new event without rows shows here. */
static void
test_coverage(void **state)
{
	unsigned s, e, rows = 0;

	(void)state;
	for (s = 0; s < SS_NSTATES; s++)
		for (e = 0; e < SS_NEVENTS; e++)
			rows += fsm_find(&fsm_ss, s, e) != NULL;
	assert_int_equal(rows, fsm_ss.nrows);
	rows = 0;
	for (s = 0; s < HE_NSTATES; s++)
		for (e = 0; e < HE_NEVENTS; e++)
			rows += fsm_find(&fsm_he, s, e) != NULL;
	assert_int_equal(rows, fsm_he.nrows);
	rows = 0;
	for (s = 0; s < NB_NSTATES; s++)
		for (e = 0; e < NB_NEVENTS; e++)
			rows += fsm_find(&fsm_nb, s, e) != NULL;
	/* the FSM_ANY timer row serves all three states */
	assert_int_equal(rows, fsm_nb.nrows - 1 + NB_NSTATES);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_valid),
		cmocka_unit_test(test_validate_rejects),
		cmocka_unit_test(test_headend),
		cmocka_unit_test(test_session),
		cmocka_unit_test(test_hello),
		cmocka_unit_test(test_coverage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
