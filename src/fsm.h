/*
 * Table-driven state machines, the ldpd way: a machine is a list of rows
 * {state, event, action, next state} with a name for every state, event
 * and action, so each transition can be logged by name and an event no
 * row expects is logged and ignored instead of doing something by
 * accident.
 *
 * The first row whose state (or FSM_ANY) and event match is taken, so
 * specific rows go before FSM_ANY ones.  next may be FSM_SAME.  Actions are
 * numbers: the caller keeps the functions in an array indexed by them, so
 * the tables are plain data that unit tests check on their own.
 */
#ifndef Q_FSM_H
#define Q_FSM_H

#include <stddef.h>
#include <stdint.h>

#define FSM_ANY		0xffu	/* row state: matches every state */
#define FSM_SAME	0xffu	/* row next: stay in the current state */

struct fsm_row {
	uint8_t		state;
	uint8_t		event;
	uint8_t		action;
	uint8_t		next;
};

struct fsm_table {
	const char		 *name;
	const struct fsm_row	 *rows;
	unsigned		  nrows;
	const char *const	 *states;
	unsigned		  nstates;
	const char *const	 *events;
	unsigned		  nevents;
	const char *const	 *actions;
	unsigned		  nactions;
};

/* The row for event in state, or NULL: unexpected, to be ignored. */
const struct fsm_row *fsm_find(const struct fsm_table *t, unsigned state,
		    unsigned event);
/* The state after row r is taken in state. */
unsigned	 fsm_next(const struct fsm_row *r, unsigned state);

/*
 * Whether the table is sound: every number in range, every name given,
 * and no (state, event) pair with two rows that could both apply first
 * (a specific row after an FSM_ANY row for the same event is unreachable).
 * 0, or -1 with the first fault in err.
 */
int		 fsm_validate(const struct fsm_table *t, char *err,
		    size_t errlen);

const char	*fsm_state_name(const struct fsm_table *t, unsigned s);
const char	*fsm_event_name(const struct fsm_table *t, unsigned e);
const char	*fsm_action_name(const struct fsm_table *t, unsigned a);

#endif
