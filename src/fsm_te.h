/*
 * quasard's RSVP-TE state machines as tables (see fsm.h for the rules):
 *
 *   fsm_he      an LSP this router heads: Path out, Resv back, label kept
 *   fsm_ss      a session at a transit or tail-end router, one per path
 *               state block (PSB): path state, then a reservation
 *   fsm_nb      an RSVP Hello neighbour (RFC 3209 s5)
 *
 * The actions are only numbers here; rsvpd/ holds the functions.  An
 * action may report that it could not do its job by returning a follow-up
 * event (HE_EV_NO_ROUTE, SS_EV_ADMIT_FAIL), which is run through the same
 * table at once, so failures are rows too and the logs show them.
 */
#ifndef Q_FSM_TE_H
#define Q_FSM_TE_H

#include "fsm.h"

/* ---- head-end LSP ----------------------------------------------------- */

#define HE_STATES(X)							\
	X(DOWN,		"down")		/* no Path out; may retry */	\
	X(PATH_SENT,	"path-sent")	/* Path out, no Resv yet */	\
	X(UP,		"up")		/* Resv in, label learned */	\
	X(GONE,		"gone")		/* torn down, to be freed */

#define HE_EVENTS(X)							\
	X(START,	"start")	/* added, or retry timer */	\
	X(NO_ROUTE,	"no-route")	/* action: no next hop */	\
	X(REFRESH,	"refresh")	/* Path refresh timer */	\
	X(RESV,		"resv")		/* new or changed Resv */	\
	X(RESV_REFRESH,	"resv-refresh")	/* the same Resv again */	\
	X(RESV_TEAR,	"resv-tear")					\
	X(RESV_TIMEOUT,	"resv-timeout")	/* reservation state expired */	\
	X(PATH_ERR,	"path-err")	/* an error for this LSP */	\
	X(NBR_DOWN,	"nbr-down")	/* downstream neighbour failed */ \
	X(STOP,		"stop")		/* operator: lsp del */

#define HE_ACTIONS(X)							\
	X(NONE,		"none")						\
	X(SEND_PATH,	"send-path")	/* route, Path out, timers */	\
	X(REFRESH,	"refresh")	/* Path out again */		\
	X(INSTALL,	"install")	/* learn label, RRO; lifetime */ \
	X(KEEP,		"keep")		/* restart the Resv lifetime */	\
	X(UNINSTALL,	"uninstall")	/* forget the label */		\
	X(FAIL,		"fail")		/* PathTear, error, retry */	\
	X(TEAR,		"tear")		/* PathTear, gone */

/* ---- session at a transit or tail-end router -------------------------- */

#define SS_STATES(X)							\
	X(NEW,		"new")		/* PSB just made */		\
	X(PATH,		"path")		/* path state, no reservation */ \
	X(RESV,		"resv")		/* reserved, Resv sent up */	\
	X(DEAD,		"dead")		/* to be freed */

#define SS_EVENTS(X)							\
	X(PATH,		"path")		/* new or changed Path */	\
	X(PATH_REFRESH,	"path-refresh")	/* the same Path again */	\
	X(RESV,		"resv")		/* new or changed Resv */	\
	X(RESV_REFRESH,	"resv-refresh")	/* the same Resv again */	\
	X(ADMIT_FAIL,	"admit-fail")	/* action: refused, error sent */ \
	X(PATH_TEAR,	"path-tear")					\
	X(RESV_TEAR,	"resv-tear")					\
	X(PATH_TIMEOUT,	"path-timeout")	/* path state expired */	\
	X(RESV_TIMEOUT,	"resv-timeout")	/* reservation state expired */	\
	X(PHOP_DOWN,	"phop-down")	/* upstream neighbour failed */	\
	X(NHOP_DOWN,	"nhop-down")	/* downstream neighbour failed */ \
	X(PATH_TIMER,	"path-timer")	/* send Path downstream */	\
	X(RESV_TIMER,	"resv-timer")	/* send Resv upstream */	\
	X(ROUTELET_LOST, "routelet-lost") /* its routelet died, none left */

#define SS_ACTIONS(X)							\
	X(NONE,		"none")						\
	X(FWD_PATH,	"fwd-path")	/* keep, Path down or Resv up */ \
	X(KEEP_PATH,	"keep-path")	/* restart the path lifetime */	\
	X(RESERVE,	"reserve")	/* admit, set up, Resv up */	\
	X(KEEP_RESV,	"keep-resv")	/* restart the resv lifetime */	\
	X(UNRESERVE,	"unreserve")	/* free, ResvTear up */		\
	X(DELETE,	"delete")	/* free all, PathTear down */	\
	X(SEND_PATH,	"send-path")					\
	X(SEND_RESV,	"send-resv")

/* ---- Hello neighbour ---------------------------------------------------- */

#define NB_STATES(X)							\
	X(INIT,		"init")		/* Requests out, nothing heard */ \
	X(UP,		"up")						\
	X(DOWN,		"down")		/* failed; state through it torn */

#define NB_EVENTS(X)							\
	X(REQUEST,	"request")	/* Hello Request, instances ok */ \
	X(ACK,		"ack")		/* Hello Ack, instances ok */	\
	X(RESTARTED,	"restarted")	/* its Src_Instance changed */	\
	X(TIMEOUT,	"timeout")	/* silent for misses x interval */ \
	X(TIMER,	"timer")	/* time to send a Request */

#define NB_ACTIONS(X)							\
	X(NONE,		"none")						\
	X(HEARD,	"heard")	/* restart the failure timer */	\
	X(ANSWER,	"answer")	/* Ack back, and heard */	\
	X(RESTART,	"restart")	/* tear state via it, new instance */ \
	X(FAIL,		"fail")		/* tear state via it */		\
	X(SEND,		"send")		/* Request out, timer again */

#define HE_S_ENUM(n, s)		HE_##n,
#define HE_E_ENUM(n, s)		HE_EV_##n,
#define HE_A_ENUM(n, s)		HE_A_##n,
#define SS_S_ENUM(n, s)		SS_##n,
#define SS_E_ENUM(n, s)		SS_EV_##n,
#define SS_A_ENUM(n, s)		SS_A_##n,
#define NB_S_ENUM(n, s)		NB_##n,
#define NB_E_ENUM(n, s)		NB_EV_##n,
#define NB_A_ENUM(n, s)		NB_A_##n,

enum he_state	{ HE_STATES(HE_S_ENUM) HE_NSTATES };
enum he_event	{ HE_EVENTS(HE_E_ENUM) HE_NEVENTS };
enum he_action	{ HE_ACTIONS(HE_A_ENUM) HE_NACTIONS };
enum ss_state	{ SS_STATES(SS_S_ENUM) SS_NSTATES };
enum ss_event	{ SS_EVENTS(SS_E_ENUM) SS_NEVENTS };
enum ss_action	{ SS_ACTIONS(SS_A_ENUM) SS_NACTIONS };
enum nb_state	{ NB_STATES(NB_S_ENUM) NB_NSTATES };
enum nb_event	{ NB_EVENTS(NB_E_ENUM) NB_NEVENTS };
enum nb_action	{ NB_ACTIONS(NB_A_ENUM) NB_NACTIONS };

extern const struct fsm_table fsm_he;
extern const struct fsm_table fsm_ss;
extern const struct fsm_table fsm_nb;

#endif
