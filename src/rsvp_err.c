/*
 * Names: decode reasons (the counters' descriptions), error codes and
 * values; and which decode failures call for an error message.
 */
#include "rsvp.h"

const struct counter_desc rsvp_reason_desc[RSVP_R_COUNT] = {
#define RSVP_REASON_DESC(n, d)	{ #n, d },
	RSVP_REASONS(RSVP_REASON_DESC)
#undef RSVP_REASON_DESC
};

const char *
rsvp_reason_str(enum rsvp_reason r)
{
	if ((unsigned)r >= RSVP_R_COUNT)
		return "unknown reason";
	return rsvp_reason_desc[r].desc;
}

const char *
rsvp_error_name(uint8_t code)
{
	switch (code) {
#define RSVP_ERRCODE_CASE(n, v, s)	case v: return s;
	RSVP_ERRCODES(RSVP_ERRCODE_CASE)
#undef RSVP_ERRCODE_CASE
	default:
		return "unknown error code";
	}
}

const char *
rsvp_error_value_name(uint8_t code, uint16_t value)
{
#define RSVP_ERRV_CASE(n, v, s)	case v: return s;
	switch (code) {
	case RSVP_ERR_ADMISSION:
		/* Globally defined sub-codes only when ssur = 0000. */
		switch (value) {
		RSVP_ERRV_ADMISSION(RSVP_ERRV_CASE)
		default:
			return NULL;
		}
	case RSVP_ERR_TRAFFIC:
		switch (value) {
		RSVP_ERRV_TRAFFIC(RSVP_ERRV_CASE)
		default:
			return NULL;
		}
	case RSVP_ERR_ROUTING:
		switch (value) {
		RSVP_ERRV_ROUTING(RSVP_ERRV_CASE)
		default:
			return NULL;
		}
	case RSVP_ERR_NOTIFY:
		switch (value) {
		RSVP_ERRV_NOTIFY(RSVP_ERRV_CASE)
		default:
			return NULL;
		}
	default:
		return NULL;
	}
#undef RSVP_ERRV_CASE
}

int
rsvp_derr_errspec(const struct rsvp_derr *e, uint8_t *code_r,
    uint16_t *value_r)
{
	uint8_t code = 0;
	uint16_t value = 0;

	switch (e->reason) {
	case RSVP_R_unknown_class:
		/* RFC 2205 B: the value is the object's Class-Num, C-Type. */
		code = RSVP_ERR_UNKNOWN_CLASS;
		value = (uint16_t)(e->class_num << 8 | e->ctype);
		break;
	case RSVP_R_unknown_ctype:
		code = RSVP_ERR_UNKNOWN_CTYPE;
		value = (uint16_t)(e->class_num << 8 | e->ctype);
		break;
	case RSVP_R_bad_tspec:
		code = RSVP_ERR_TRAFFIC;
		value = RSVP_ERRV_TC_BAD_TSPEC;
		break;
	case RSVP_R_bad_flowspec:
		code = RSVP_ERR_TRAFFIC;
		value = RSVP_ERRV_TC_BAD_FLOWSPEC;
		break;
	case RSVP_R_bad_service:
		code = RSVP_ERR_TRAFFIC;
		value = RSVP_ERRV_TC_SERVICE_UNSUPPORTED;
		break;
	case RSVP_R_bad_adspec:
		code = RSVP_ERR_TRAFFIC;
		value = RSVP_ERRV_TC_BAD_ADSPEC;
		break;
	case RSVP_R_bad_style:
		code = RSVP_ERR_STYLE_UNKNOWN;
		break;
	case RSVP_R_bad_label:
		code = RSVP_ERR_ROUTING;
		value = RSVP_ERRV_RP_BAD_LABEL;
		break;
	case RSVP_R_sub_len:
	case RSVP_R_sub_size:
	case RSVP_R_sub_prefix:
	case RSVP_R_sub_full:
		/* RFC 3209 s4.3.4: an ERO we cannot follow; a bad RRO
		 * only loses the message. */
		if (e->class_num != RSVP_CLASS_EXPLICIT_ROUTE)
			return 0;
		code = RSVP_ERR_ROUTING;
		value = RSVP_ERRV_RP_BAD_ERO;
		break;
	case RSVP_R_ok:
	case RSVP_R_short:
	case RSVP_R_bad_version:
	case RSVP_R_bad_type:
	case RSVP_R_len_over:
	case RSVP_R_len_under:
	case RSVP_R_len_align:
	case RSVP_R_bad_checksum:
	case RSVP_R_obj_len_small:
	case RSVP_R_obj_len_align:
	case RSVP_R_obj_past_end:
	case RSVP_R_obj_size:
	case RSVP_R_not_allowed:
	case RSVP_R_duplicate:
	case RSVP_R_missing:
	case RSVP_R_fwd_full:
	case RSVP_R_adspec_full:
	case RSVP_R_bad_flowdesc:
	case RSVP_R_flowdesc_full:
	case RSVP_R_bad_sattr:
	case RSVP_R_no_space:
	case RSVP_R_too_long:
	case RSVP_R_bad_value:
	case RSVP_R_ip_short:
	case RSVP_R_ip_version:
	case RSVP_R_ip_hlen:
	case RSVP_R_ip_len:
	case RSVP_R_ip_checksum:
	case RSVP_R_ip_proto:
	case RSVP_R_ip_fragment:
	case RSVP_R_ip_option:
	case RSVP_R_COUNT:
	default:
		return 0;
	}
	*code_r = code;
	*value_r = value;
	return 1;
}
