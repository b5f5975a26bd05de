#include "loa_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_curve.h"
#include "loa_log.h"
#include "loa_text.h"

int loa_check_page (loa_rpc_ctx *ctx, int has_page, int page_in, int has_per_page, int per_page_in,
                    int default_per_page, int *page, int *per_page)
{
    int bad = 0;
    *page = has_page ? page_in : 1;
    *per_page = has_per_page ? per_page_in : default_per_page;
    if (*page < 1) {
        loa_rpc_field_error (ctx, "page", "phải là số nguyên từ 1 trở lên");
        bad++;
    }
    if (*per_page < 1 || *per_page > LOA_CHECK_MAX_PER_PAGE) {
        loa_rpc_field_error (ctx, "per_page", "phải là số nguyên từ 1 đến 100");
        bad++;
    }
    if (*page > 100000) /* keeps OFFSET within reason */
        *page = 100000;
    return bad;
}

int loa_check_list_page (loa_rpc_ctx *ctx, int page_in, int per_page_in, int default_per_page,
                         int *page, int *per_page)
{
    if (loa_check_page (ctx, page_in != 0, page_in, per_page_in != 0, per_page_in, default_per_page,
                        page, per_page) == 0)
        return 0;
    loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Tham số phân trang không hợp lệ");
    return -1;
}

int loa_check_staff (loa_rpc_ctx *ctx)
{
    if (ctx->caller->user_id != 0)
        return 0;
    loa_rpc_fail (ctx, LOA__STATUS__UNAUTHENTICATED, "Cần đăng nhập");
    return -1;
}

int loa_check_roles (loa_rpc_ctx *ctx, const char *const *roles, const char *denied)
{
    if (loa_check_staff (ctx) != 0)
        return -1;
    for (; *roles; roles++)
        if (loa_rpc_has_role (ctx, *roles))
            return 0;
    loa_rpc_fail (ctx, LOA__STATUS__FORBIDDEN, denied);
    return -1;
}

int loa_check_peer (loa_rpc_ctx *ctx, const char *program)
{
    if (!loa_curve_on () || strcmp (ctx->peer ? ctx->peer : "", program) == 0)
        return 0;
    loa_warn (ctx->request_id, "%s refused to \"%s\" (only %s may call it)", ctx->method,
              ctx->peer ? ctx->peer : "", program);
    loa_rpc_fail (ctx, LOA__STATUS__FORBIDDEN, "Phương thức này chỉ dành cho một dịch vụ nội bộ");
    return -1;
}

int loa_check_role (loa_rpc_ctx *ctx, const char *role, const char *denied)
{
    const char *const roles[] = {role, NULL};
    return loa_check_roles (ctx, roles, denied);
}

/* Adds "<label> <what>" (or "<what>") as the field's error; returns 1. */
static int field_bad (loa_rpc_ctx *ctx, const char *field, const char *label, const char *what)
{
    char msg[256];
    snprintf (msg, sizeof msg, "%s%s%s", label ? label : "", label ? " " : "", what);
    loa_rpc_field_error (ctx, field, msg);
    return 1;
}

int loa_check_text (loa_rpc_ctx *ctx, const char *field, const char *label, const char *value,
                    int required, size_t max_chars, size_t max_bytes)
{
    char what[64];
    if (!value)
        return required ? field_bad (ctx, field, label, "là bắt buộc") : 0;
    if (!loa_utf8_valid (value))
        return field_bad (ctx, field, label, "phải là văn bản UTF-8 hợp lệ");
    if (required && loa_text_blank (value))
        return field_bad (ctx, field, label, "không được để trống");
    if (max_bytes && strlen (value) > max_bytes) {
        snprintf (what, sizeof what, "tối đa %zu KB", max_bytes / 1024);
        return field_bad (ctx, field, label, what);
    }
    if (max_chars && loa_utf8_length (value) > max_chars) {
        snprintf (what, sizeof what, "tối đa %zu ký tự", max_chars);
        return field_bad (ctx, field, label, what);
    }
    return 0;
}

int loa_check_id (loa_rpc_ctx *ctx, int has, int64_t id, const char *detail)
{
    if (has && id > 0)
        return 0;
    loa_rpc_field_error (ctx, "id", "phải là số nguyên dương");
    loa_rpc_fail (ctx, LOA__STATUS__INVALID, detail);
    return -1;
}

int loa_check_date (const char *s)
{
    if (strlen (s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return 0;
    int y = atoi (s), m = atoi (s + 5), d = atoi (s + 8);
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

int loa_check_one_of (const char *s, const char *const *set)
{
    for (; *set; set++)
        if (strcmp (s, *set) == 0)
            return 1;
    return 0;
}
