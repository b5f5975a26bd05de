/* loa_check: the field checks services' RPC handlers share (content-svc's
 * units, articles, notices, procedures; feedback-svc's intake). Each adds a field error
 * (Vietnamese, naming the field) to the call's reply when the value is bad; the handler fails the
 * call once all fields are checked, so that a client learns every problem at once. */
#ifndef LOA_CHECK_H
#define LOA_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "loa_rpc_server.h"

#define LOA_CHECK_MAX_PER_PAGE 100

/* page/per_page into *page, *per_page: 1 and `default_per_page` when not
 * given (`has_*` 0). Returns the number of field errors added. */
int loa_check_page (loa_rpc_ctx *ctx, int has_page, int page_in, int has_per_page, int per_page_in,
                    int default_per_page, int *page, int *per_page);

/* A list request's page and per_page in proto3 form (0: not given) into
 * *page, *per_page; 0, or -1 after failing the call (INVALID, the fields
 * named). */
int loa_check_list_page (loa_rpc_ctx *ctx, int page_in, int per_page_in, int default_per_page,
                         int *page, int *per_page);

/* 0 when the caller is logged in (staff, whatever the roles); else fails
 * the call with 401 and returns -1. */
int loa_check_staff (loa_rpc_ctx *ctx);

/* 0 when the caller is logged in and holds `role`; else fails the call
 * (401 anonymous, 403 with `denied`) and returns -1. */
int loa_check_role (loa_rpc_ctx *ctx, const char *role, const char *denied);

/* The same for any one of `roles` (NULL-terminated). */
int loa_check_roles (loa_rpc_ctx *ctx, const char *const *roles, const char *denied);

/* 0 when the call comes from program `program` ("notify-svc"), as its
 * CURVE key names it (ctx->peer), or when CURVE is off (development: no
 * program has an identity then); else fails the call with 403 and returns
 * -1. For the methods one program alone may call, whatever caller it
 * names (personal data a service hands to another). */
int loa_check_peer (loa_rpc_ctx *ctx, const char *program);

/* A text field: NULL is "absent" (an error only when `required`); present,
 * it must be valid UTF-8, not blank when required, at most `max_bytes`
 * bytes (0: no limit) and `max_chars` characters (0: no limit). `label`
 * (may be NULL) starts each message ("Tiêu đề tối đa 300 ký tự"). Returns
 * 1 when a field error was added, else 0. */
int loa_check_text (loa_rpc_ctx *ctx, const char *field, const char *label, const char *value,
                    int required, size_t max_chars, size_t max_bytes);

/* A positive id that must be present (PATCH and action requests): 0, or
 * -1 after failing the call with `detail`. */
int loa_check_id (loa_rpc_ctx *ctx, int has, int64_t id, const char *detail);

/* 1 when `s` is a real date written YYYY-MM-DD (years 1900 to 9999). */
int loa_check_date (const char *s);

/* 1 when `s` is one of the NULL-terminated `set`. */
int loa_check_one_of (const char *s, const char *const *set);

#endif
