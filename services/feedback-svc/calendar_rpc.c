#include "calendar_rpc.h"

#include <stdio.h>
#include <string.h>

#include "calendar_store.h"
#include "deadlines.h"
#include "loa_calendar.h"
#include "loa_check.h"

#define ADMIN_ONLY "Chỉ quản trị viên được thực hiện thao tác này"
#define MIN_YEAR 1900
#define MAX_YEAR 9999
#define MAX_DAYS 366
#define MAX_NAME_CHARS 200
#define MAX_ADD_DAYS 1000
#define BAD_DATE "phải là một ngày có thật, dạng YYYY-MM-DD"

/* 1 when year is one the calendar takes, else a field error on `field`. */
static int year_ok (loa_rpc_ctx *ctx, const char *field, int year)
{
    if (year >= MIN_YEAR && year <= MAX_YEAR)
        return 1;
    loa_rpc_field_error (ctx, field, "Năm phải là số từ 1900 đến 9999");
    return 0;
}

/* ------------------------------------------------------------ calendar */

void feedback_calendar_get (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Feedback__CalendarYearRequest *in = (const Loa__Feedback__CalendarYearRequest *) msg;
    if (!year_ok (ctx, "year", in->year)) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Năm không hợp lệ");
        return;
    }
    Loa__Feedback__CalendarYear out;
    if (calendar_store_get_year (ctx->db, in->year, &out) == 0)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, LOA_STORE_ERROR, NULL);
    calendar_store_free_year (&out);
}

/* Checks days[i] of a replacement of `year`; `seen` holds the days of the
 * entries before it (-1 where that entry's date was bad). Returns the
 * number of problems. */
static int check_day (loa_rpc_ctx *ctx, int year, const Loa__Feedback__CalendarDay *d, size_t i,
                      int32_t *seen)
{
    char field[48], what[96];
    int bad = 0;
    loa_calendar_type type = loa_calendar_type_parse (d->type);
    seen[i] = -1;
    snprintf (field, sizeof field, "days[%zu].type", i);
    if (!type) {
        loa_rpc_field_error (ctx, field,
                             "Loại ngày phải là một trong: holiday (ngày lễ, Tết), compensatory "
                             "(nghỉ bù), working_saturday (làm bù)");
        bad++;
    }
    snprintf (field, sizeof field, "days[%zu].name", i);
    bad += loa_check_text (ctx, field, "Tên ngày", d->name, 1, MAX_NAME_CHARS, 0);
    snprintf (field, sizeof field, "days[%zu].date", i);
    int32_t day;
    int y, m, md;
    if (loa_calendar_parse_date (d->date, &day) != 0) {
        loa_rpc_field_error (ctx, field, "Ngày " BAD_DATE);
        return bad + 1;
    }
    loa_calendar_to_ymd (day, &y, &m, &md);
    if (y != year) {
        snprintf (what, sizeof what, "Ngày phải thuộc năm %d", year);
        loa_rpc_field_error (ctx, field, what);
        return bad + 1;
    }
    for (size_t k = 0; k < i; k++)
        if (seen[k] == day) {
            snprintf (what, sizeof what, "Ngày %s đã có ở days[%zu]", d->date, k);
            loa_rpc_field_error (ctx, field, what);
            return bad + 1;
        }
    seen[i] = day;
    int wd = loa_calendar_weekday (day);
    if (type == LOA_CALENDAR_WORKING_SATURDAY && wd != 6 && wd != 0) {
        loa_rpc_field_error (ctx, field, "Ngày làm bù phải là thứ Bảy hoặc Chủ nhật");
        bad++;
    } else if (type == LOA_CALENDAR_COMPENSATORY && (wd == 6 || wd == 0)) {
        loa_rpc_field_error (ctx, field, "Ngày nghỉ bù phải là một ngày từ thứ Hai đến thứ Sáu");
        bad++;
    }
    return bad;
}

void feedback_calendar_put (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Feedback__CalendarPutRequest *in = (const Loa__Feedback__CalendarPutRequest *) msg;
    if (loa_check_role (ctx, "admin", ADMIN_ONLY) != 0)
        return;
    int bad = !year_ok (ctx, "year", in->year);
    if (in->n_days > MAX_DAYS) {
        loa_rpc_field_error (ctx, "days", "Tối đa 366 ngày trong một năm");
        bad++;
    } else if (!bad) {
        int32_t seen[MAX_DAYS];
        for (size_t i = 0; i < in->n_days; i++)
            bad += check_day (ctx, in->year, in->days[i], i, seen);
    }
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Lịch ngày nghỉ không hợp lệ");
        return;
    }
    Loa__Feedback__CalendarYear out;
    if (calendar_store_put_year (ctx->db, in->year, in->days, in->n_days, ctx->caller->user_id,
                                 &out) == 0) {
        fb_deadlines_changed ();
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    } else
        loa_rpc_fail_store (ctx, LOA_STORE_ERROR, NULL);
    calendar_store_free_year (&out);
}

void feedback_calendar_add (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Feedback__CalendarAddRequest *in = (const Loa__Feedback__CalendarAddRequest *) msg;
    int bad = 0;
    int32_t from = 0;
    if (in->maybe_from_case != LOA__FEEDBACK__CALENDAR_ADD_REQUEST__MAYBE_FROM_FROM) {
        loa_rpc_field_error (ctx, "from", "Ngày bắt đầu là bắt buộc");
        bad++;
    } else if (loa_calendar_parse_date (in->from, &from) != 0) {
        loa_rpc_field_error (ctx, "from", "Ngày bắt đầu " BAD_DATE);
        bad++;
    }
    if (in->maybe_working_days_case !=
        LOA__FEEDBACK__CALENDAR_ADD_REQUEST__MAYBE_WORKING_DAYS_WORKING_DAYS) {
        loa_rpc_field_error (ctx, "working_days", "Số ngày làm việc là bắt buộc");
        bad++;
    } else if (in->working_days < 0 || in->working_days > MAX_ADD_DAYS) {
        loa_rpc_field_error (ctx, "working_days", "Số ngày làm việc phải từ 0 đến 1000");
        bad++;
    }
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Tham số tính ngày làm việc không hợp lệ");
        return;
    }
    int32_t day;
    if (fb_calendar_add (ctx->db, from, in->working_days, &day) != 0) {
        loa_rpc_fail_store (ctx, LOA_STORE_ERROR, NULL);
        return;
    }
    int y, m, md;
    loa_calendar_to_ymd (day, &y, &m, &md);
    if (y > MAX_YEAR) {
        loa_rpc_field_error (ctx, "working_days", "Kết quả vượt quá năm 9999");
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Tham số tính ngày làm việc không hợp lệ");
        return;
    }
    char from_s[LOA_CALENDAR_DATE_SIZE], date_s[LOA_CALENDAR_DATE_SIZE];
    Loa__Feedback__CalendarAdd out = LOA__FEEDBACK__CALENDAR_ADD__INIT;
    out.from = loa_calendar_format_date (from, from_s);
    out.working_days = in->working_days;
    out.date = loa_calendar_format_date (day, date_s);
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
}

/* ------------------------------------------------------------ deadline rules */

void feedback_deadlines_get (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    (void) msg;
    if (ctx->caller->user_id == 0) {
        loa_rpc_fail (ctx, LOA__STATUS__UNAUTHENTICATED, "Cần đăng nhập");
        return;
    }
    Loa__Feedback__DeadlineRulesReply out;
    if (calendar_store_get_rules (ctx->db, &out) == 0)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, LOA_STORE_ERROR, NULL);
    calendar_store_free_rules (&out);
}

/* 1 when `s` is exactly "HH:MM", 00:00 to 23:59. */
static int hhmm_ok (const char *s)
{
    if (strlen (s) != 5 || s[2] != ':')
        return 0;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9'))
            return 0;
    return (s[0] - '0') * 10 + (s[1] - '0') < 24 && s[3] < '6';
}

void feedback_deadlines_put (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Feedback__DeadlineRulesInput *in = (const Loa__Feedback__DeadlineRulesInput *) msg;
    if (loa_check_role (ctx, "admin", ADMIN_ONLY) != 0)
        return;
    int bad = 0;
    int has_fwd =
        in->maybe_forward_working_days_case ==
        LOA__FEEDBACK__DEADLINE_RULES_INPUT__MAYBE_FORWARD_WORKING_DAYS_FORWARD_WORKING_DAYS;
    int has_ans =
        in->maybe_answer_working_days_case ==
        LOA__FEEDBACK__DEADLINE_RULES_INPUT__MAYBE_ANSWER_WORKING_DAYS_ANSWER_WORKING_DAYS;
    if (!has_fwd) {
        loa_rpc_field_error (ctx, "forward_working_days", "Thời hạn chuyển phản ánh là bắt buộc");
        bad++;
    } else if (in->forward_working_days < 1 || in->forward_working_days > 60) {
        loa_rpc_field_error (ctx, "forward_working_days",
                             "Thời hạn chuyển phản ánh phải từ 1 đến 60 ngày làm việc");
        bad++;
    }
    if (!has_ans) {
        loa_rpc_field_error (ctx, "answer_working_days", "Thời hạn trả lời là bắt buộc");
        bad++;
    } else if (in->answer_working_days < 1 || in->answer_working_days > 120) {
        loa_rpc_field_error (ctx, "answer_working_days",
                             "Thời hạn trả lời phải từ 1 đến 120 ngày làm việc");
        bad++;
    }
    if (!bad && in->forward_working_days > in->answer_working_days) {
        loa_rpc_field_error (ctx, "forward_working_days",
                             "Thời hạn chuyển phản ánh không được dài hơn thời hạn trả lời");
        bad++;
    }
    if (!*in->cutoff_time) {
        loa_rpc_field_error (ctx, "cutoff_time", "Giờ chốt tiếp nhận là bắt buộc");
        bad++;
    } else if (!hhmm_ok (in->cutoff_time)) {
        loa_rpc_field_error (ctx, "cutoff_time",
                             "Giờ chốt tiếp nhận phải có dạng HH:MM, từ 00:00 đến 23:59");
        bad++;
    }
    int32_t from;
    if (!*in->effective_from) {
        loa_rpc_field_error (ctx, "effective_from", "Ngày áp dụng là bắt buộc");
        bad++;
    } else if (loa_calendar_parse_date (in->effective_from, &from) != 0) {
        loa_rpc_field_error (ctx, "effective_from", "Ngày áp dụng " BAD_DATE);
        bad++;
    }
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Quy định thời hạn không hợp lệ");
        return;
    }
    Loa__Feedback__DeadlineRulesReply out;
    if (calendar_store_put_rules (ctx->db, in->forward_working_days, in->answer_working_days,
                                  in->cutoff_time, in->effective_from, ctx->caller->user_id,
                                  &out) == 0) {
        fb_deadlines_changed ();
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    } else
        loa_rpc_fail_store (ctx, LOA_STORE_ERROR, NULL);
    calendar_store_free_rules (&out);
}

void feedback_deadlines_for (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Feedback__DeadlinesForRequest *in = (const Loa__Feedback__DeadlinesForRequest *) msg;
    /* 1900-01-01 to 9998-12-31 (room for the deadlines), in Unix seconds. */
    const int64_t lo = -2208988800LL, hi = 253370764800LL;
    if (in->maybe_received_unix_case !=
            LOA__FEEDBACK__DEADLINES_FOR_REQUEST__MAYBE_RECEIVED_UNIX_RECEIVED_UNIX ||
        in->received_unix < lo || in->received_unix >= hi) {
        loa_rpc_field_error (ctx, "received_unix",
                             "Thời điểm tiếp nhận là bắt buộc (giây Unix, năm 1900 đến 9998)");
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Thời điểm tiếp nhận không hợp lệ");
        return;
    }
    fb_due due;
    if (fb_deadlines_for (ctx->db, in->received_unix, &due) != 0) {
        loa_rpc_fail_store (ctx, LOA_STORE_ERROR, NULL);
        return;
    }
    char received[32], reg[LOA_CALENDAR_DATE_SIZE], fwd[LOA_CALENDAR_DATE_SIZE],
        ans[LOA_CALENDAR_DATE_SIZE], cutoff[8];
    int64_t local = in->received_unix + LOA_CALENDAR_UTC_OFFSET_S;
    int32_t day = loa_calendar_local_day (in->received_unix);
    int64_t sec = local - (int64_t) day * 86400;
    char date[LOA_CALENDAR_DATE_SIZE];
    snprintf (received, sizeof received, "%sT%02d:%02d:%02d+07:00",
              loa_calendar_format_date (day, date), (int) (sec / 3600), (int) (sec / 60 % 60),
              (int) (sec % 60));
    snprintf (cutoff, sizeof cutoff, "%02d:%02d", due.cutoff_minutes / 60 % 100,
              due.cutoff_minutes % 60);
    Loa__Feedback__DeadlinesFor out = LOA__FEEDBACK__DEADLINES_FOR__INIT;
    out.received_at = received;
    out.registered_on = loa_calendar_format_date (due.registered_on, reg);
    out.forward_due_on = loa_calendar_format_date (due.forward_due_on, fwd);
    out.answer_due_on = loa_calendar_format_date (due.answer_due_on, ans);
    out.forward_working_days = due.forward_working_days;
    out.answer_working_days = due.answer_working_days;
    out.cutoff_time = cutoff;
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
}
