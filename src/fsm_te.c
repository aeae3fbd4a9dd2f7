/*
 * quasard's RSVP-TE state machines: the rows.  See fsm_te.h for what each
 * machine is, and rsvpd/ for the actions.
 */
#include "fsm_te.h"

#define NAME(n, s)	s,
#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const he_states[] = { HE_STATES(NAME) };
static const char *const he_events[] = { HE_EVENTS(NAME) };
static const char *const he_actions[] = { HE_ACTIONS(NAME) };
static const char *const ss_states[] = { SS_STATES(NAME) };
static const char *const ss_events[] = { SS_EVENTS(NAME) };
static const char *const ss_actions[] = { SS_ACTIONS(NAME) };
static const char *const nb_states[] = { NB_STATES(NAME) };
static const char *const nb_events[] = { NB_EVENTS(NAME) };
static const char *const nb_actions[] = { NB_ACTIONS(NAME) };

/*
 * Head-end.  A PathErr or a failed neighbour takes the LSP down: the Path
 * state downstream is torn and the Path is tried again after a while (an
 * admission failure may clear, a route may come back).  Losing only the
 * reservation (ResvTear, Resv timeout) keeps the Path going: a new Resv
 * brings the LSP back up.
 */
static const struct fsm_row he_rows[] = {
	{ HE_DOWN,	HE_EV_START,	HE_A_SEND_PATH,	HE_PATH_SENT },
	{ HE_DOWN,	HE_EV_NO_ROUTE,	HE_A_FAIL,	HE_DOWN },
	{ HE_DOWN,	HE_EV_STOP,	HE_A_TEAR,	HE_GONE },
	{ HE_PATH_SENT,	HE_EV_NO_ROUTE,	HE_A_FAIL,	HE_DOWN },
	{ HE_PATH_SENT,	HE_EV_REFRESH,	HE_A_REFRESH,	FSM_SAME },
	{ HE_PATH_SENT,	HE_EV_RESV,	HE_A_INSTALL,	HE_UP },
	{ HE_PATH_SENT,	HE_EV_RESV_REFRESH, HE_A_INSTALL, HE_UP },
	{ HE_PATH_SENT,	HE_EV_PATH_ERR,	HE_A_FAIL,	HE_DOWN },
	{ HE_PATH_SENT,	HE_EV_NBR_DOWN,	HE_A_FAIL,	HE_DOWN },
	{ HE_PATH_SENT,	HE_EV_STOP,	HE_A_TEAR,	HE_GONE },
	{ HE_UP,	HE_EV_NO_ROUTE,	HE_A_FAIL,	HE_DOWN },
	{ HE_UP,	HE_EV_REFRESH,	HE_A_REFRESH,	FSM_SAME },
	{ HE_UP,	HE_EV_RESV,	HE_A_INSTALL,	FSM_SAME },
	{ HE_UP,	HE_EV_RESV_REFRESH, HE_A_KEEP,	FSM_SAME },
	{ HE_UP,	HE_EV_RESV_TEAR, HE_A_UNINSTALL, HE_PATH_SENT },
	{ HE_UP,	HE_EV_RESV_TIMEOUT, HE_A_UNINSTALL, HE_PATH_SENT },
	{ HE_UP,	HE_EV_PATH_ERR,	HE_A_FAIL,	HE_DOWN },
	{ HE_UP,	HE_EV_NBR_DOWN,	HE_A_FAIL,	HE_DOWN },
	{ HE_UP,	HE_EV_STOP,	HE_A_TEAR,	HE_GONE },
};

/*
 * Session at a transit or tail-end.  Path state comes first; a Resv on it
 * reserves (an admission failure leaves the state as it was: an error went
 * out and nothing changed); losing the reservation falls back to path
 * state; losing the path state loses everything.
 */
static const struct fsm_row ss_rows[] = {
	{ SS_NEW,	SS_EV_PATH,	SS_A_FWD_PATH,	SS_PATH },
	{ SS_PATH,	SS_EV_PATH,	SS_A_FWD_PATH,	FSM_SAME },
	{ SS_PATH,	SS_EV_PATH_REFRESH, SS_A_KEEP_PATH, FSM_SAME },
	{ SS_PATH,	SS_EV_RESV,	SS_A_RESERVE,	SS_RESV },
	{ SS_PATH,	SS_EV_RESV_REFRESH, SS_A_RESERVE, SS_RESV },
	{ SS_PATH,	SS_EV_ADMIT_FAIL, SS_A_NONE,	SS_PATH },
	{ SS_PATH,	SS_EV_RESV_TEAR, SS_A_NONE,	FSM_SAME },
	{ SS_PATH,	SS_EV_PATH_TIMER, SS_A_SEND_PATH, FSM_SAME },
	{ SS_RESV,	SS_EV_PATH,	SS_A_FWD_PATH,	FSM_SAME },
	{ SS_RESV,	SS_EV_PATH_REFRESH, SS_A_KEEP_PATH, FSM_SAME },
	{ SS_RESV,	SS_EV_RESV,	SS_A_RESERVE,	FSM_SAME },
	{ SS_RESV,	SS_EV_RESV_REFRESH, SS_A_KEEP_RESV, FSM_SAME },
	{ SS_RESV,	SS_EV_ADMIT_FAIL, SS_A_NONE,	SS_RESV },
	{ SS_RESV,	SS_EV_RESV_TEAR, SS_A_UNRESERVE, SS_PATH },
	{ SS_RESV,	SS_EV_RESV_TIMEOUT, SS_A_UNRESERVE, SS_PATH },
	{ SS_RESV,	SS_EV_NHOP_DOWN, SS_A_UNRESERVE, SS_PATH },
	{ SS_RESV,	SS_EV_ROUTELET_LOST, SS_A_UNRESERVE, SS_PATH },
	{ SS_RESV,	SS_EV_PATH_TIMER, SS_A_SEND_PATH, FSM_SAME },
	{ SS_RESV,	SS_EV_RESV_TIMER, SS_A_SEND_RESV, FSM_SAME },
	{ SS_PATH,	SS_EV_NHOP_DOWN, SS_A_NONE,	FSM_SAME },
	{ SS_NEW,	SS_EV_PATH_TEAR, SS_A_DELETE,	SS_DEAD },
	{ SS_PATH,	SS_EV_PATH_TEAR, SS_A_DELETE,	SS_DEAD },
	{ SS_RESV,	SS_EV_PATH_TEAR, SS_A_DELETE,	SS_DEAD },
	{ SS_PATH,	SS_EV_PATH_TIMEOUT, SS_A_DELETE, SS_DEAD },
	{ SS_RESV,	SS_EV_PATH_TIMEOUT, SS_A_DELETE, SS_DEAD },
	{ SS_PATH,	SS_EV_PHOP_DOWN, SS_A_DELETE,	SS_DEAD },
	{ SS_RESV,	SS_EV_PHOP_DOWN, SS_A_DELETE,	SS_DEAD },
};

/*
 * Hello (RFC 3209 s5.3).  Any Hello with the right instances is news of
 * the neighbour; a Request is answered.  A neighbour never heard from is
 * not declared dead (it may not do Hellos); one heard from and then silent
 * is, and so is one whose instance changed (it restarted).
 */
static const struct fsm_row nb_rows[] = {
	{ NB_INIT,	NB_EV_REQUEST,	NB_A_ANSWER,	NB_UP },
	{ NB_INIT,	NB_EV_ACK,	NB_A_HEARD,	NB_UP },
	{ NB_INIT,	NB_EV_RESTARTED, NB_A_RESTART,	NB_UP },
	{ NB_INIT,	NB_EV_TIMEOUT,	NB_A_NONE,	FSM_SAME },
	{ NB_UP,	NB_EV_REQUEST,	NB_A_ANSWER,	FSM_SAME },
	{ NB_UP,	NB_EV_ACK,	NB_A_HEARD,	FSM_SAME },
	{ NB_UP,	NB_EV_RESTARTED, NB_A_RESTART,	FSM_SAME },
	{ NB_UP,	NB_EV_TIMEOUT,	NB_A_FAIL,	NB_DOWN },
	{ NB_DOWN,	NB_EV_REQUEST,	NB_A_ANSWER,	NB_UP },
	{ NB_DOWN,	NB_EV_ACK,	NB_A_HEARD,	NB_UP },
	{ NB_DOWN,	NB_EV_RESTARTED, NB_A_RESTART,	NB_UP },
	{ NB_DOWN,	NB_EV_TIMEOUT,	NB_A_NONE,	FSM_SAME },
	{ FSM_ANY,	NB_EV_TIMER,	NB_A_SEND,	FSM_SAME },
};

#define TABLE(n, pfx)							\
const struct fsm_table fsm_##n = {					\
	#n, n##_rows, NITEMS(n##_rows),					\
	n##_states, NITEMS(n##_states),					\
	n##_events, NITEMS(n##_events),					\
	n##_actions, NITEMS(n##_actions),				\
}

TABLE(he, HE);
TABLE(ss, SS);
TABLE(nb, NB);
