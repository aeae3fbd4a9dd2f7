/*
 * Table-driven state machines: see fsm.h.
 */
#include <stdio.h>

#include "fsm.h"

const struct fsm_row *
fsm_find(const struct fsm_table *t, unsigned state, unsigned event)
{
	unsigned i;

	for (i = 0; i < t->nrows; i++)
		if ((t->rows[i].state == state ||
		    t->rows[i].state == FSM_ANY) && t->rows[i].event == event)
			return &t->rows[i];
	return NULL;
}

unsigned
fsm_next(const struct fsm_row *r, unsigned state)
{
	return r->next == FSM_SAME ? state : r->next;
}

int
fsm_validate(const struct fsm_table *t, char *err, size_t errlen)
{
	const struct fsm_row *r, *o;
	unsigned i, j;

	for (i = 0; i < t->nstates; i++)
		if (t->states[i] == NULL) {
			snprintf(err, errlen, "%s: state %u has no name",
			    t->name, i);
			return -1;
		}
	for (i = 0; i < t->nevents; i++)
		if (t->events[i] == NULL) {
			snprintf(err, errlen, "%s: event %u has no name",
			    t->name, i);
			return -1;
		}
	for (i = 0; i < t->nactions; i++)
		if (t->actions[i] == NULL) {
			snprintf(err, errlen, "%s: action %u has no name",
			    t->name, i);
			return -1;
		}
	for (i = 0; i < t->nrows; i++) {
		r = &t->rows[i];
		if ((r->state != FSM_ANY && r->state >= t->nstates) ||
		    r->event >= t->nevents || r->action >= t->nactions ||
		    (r->next != FSM_SAME && r->next >= t->nstates)) {
			snprintf(err, errlen, "%s: row %u: value out of range",
			    t->name, i);
			return -1;
		}
		for (j = 0; j < i; j++) {
			o = &t->rows[j];
			if (o->event == r->event && (o->state == r->state ||
			    o->state == FSM_ANY)) {
				snprintf(err, errlen, "%s: row %u (%s, %s) is "
				    "shadowed by row %u", t->name, i,
				    fsm_state_name(t, r->state),
				    fsm_event_name(t, r->event), j);
				return -1;
			}
		}
	}
	return 0;
}

const char *
fsm_state_name(const struct fsm_table *t, unsigned s)
{
	if (s == FSM_ANY)
		return "any";
	return s < t->nstates ? t->states[s] : "?";
}

const char *
fsm_event_name(const struct fsm_table *t, unsigned e)
{
	return e < t->nevents ? t->events[e] : "?";
}

const char *
fsm_action_name(const struct fsm_table *t, unsigned a)
{
	return a < t->nactions ? t->actions[a] : "?";
}
