#include "feedback_rpc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.pb-c.h"
#include "calendar_rpc.h"
#include "feedback_edit.pb-c.h"
#include "feedback_rpc_int.h"
#include "feedback_store.h"
#include "loa_attachments.h"
#include "loa_calendar.h"
#include "loa_check.h"
#include "loa_config.h"
#include "loa_endpoints.h"
#include "loa_log.h"
#include "loa_rpc_client.h"
#include "loa_rpc_thread.h"
#include "loa_text.h"
#include "media.pb-c.h"

/* Sizes (docs/api/feedback.md and what a careful operator would want). */
#define MAX_TITLE_CHARS 300
#define MAX_CONTENT_CHARS 20000
#define MAX_NAME_CHARS 200
#define MAX_ADDRESS_CHARS 500
#define MAX_PHONE_CHARS 32
#define MAX_EMAIL_CHARS 254
#define MAX_ORG_CHARS 300
#define MAX_REF_CHARS 500
#define MAX_CODE_CHARS 100
#define MAX_ATTACHMENTS 5
#define MAX_COMMENT_CHARS 2000
#define MAX_DESK_CHARS 100
#define MAX_CODES 100
#define MAX_PAGE_SIZE 1000

static const char *const KINDS[] = {"report", "recommendation", NULL};

const char *const fb_channels[] = {"web", "open311", "walk_in", "phone", "letter", "email", NULL};

/* The channels staff record items from (the reception office, the phone,
 * the post, e-mail). */
static const char *const STAFF_CHANNELS[] = {"walk_in", "phone", "letter", "email", NULL};

/* ------------------------------------------------------------ shared */

int fb_field (loa_rpc_ctx *ctx, const char *name, const char *message)
{
    loa_rpc_field_error (ctx, name, message);
    return 1;
}

int fb_bad_date (loa_rpc_ctx *ctx, const char *name, const char *value)
{
    return value && !loa_check_date (value)
               ? fb_field (ctx, name, "phải là ngày có thật, dạng YYYY-MM-DD")
               : 0;
}

const loa_rpc_store_answer fb_item_answers[] = {
    {LOA_STORE_NOT_FOUND, "Không tìm thấy phản ánh, kiến nghị"},
    {LOA_STORE_FORBIDDEN, "Phản ánh, kiến nghị này không thuộc đơn vị của bạn"},
    {LOA_STORE_WRONG_STATE,
     "Thao tác không áp dụng được ở trạng thái hiện tại của phản ánh, kiến nghị"},
    {LOA_STORE_INVALID, FB_BAD_INPUT, "unit_id", /* accept's unit */
     "Đơn vị không tồn tại hoặc đã ngừng hoạt động"},
    {LOA_STORE_OK},
};

/* ------------------------------------------------------------ checks */

/* 8 to 15 digits, with the usual separators. */
static int phone_ok (const char *s)
{
    int digits = 0;
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (!strchr (" +-.()", *p))
            return 0;
    }
    return digits >= 8 && digits <= 15;
}

/* local@domain.tld, no spaces, one @. */
static int email_ok (const char *s)
{
    const char *at = strchr (s, '@');
    if (!at || at == s || strchr (at + 1, '@') || strpbrk (s, " \t\r\n<>,;\"'"))
        return 0;
    const char *dot = strrchr (at + 1, '.');
    return dot && dot > at + 1 && dot[1] != '\0';
}

/* ... and of an item the public knows by its tracking code. */
static const loa_rpc_store_answer TRACK_ANSWERS[] = {
    {LOA_STORE_NOT_FOUND, "Không tìm thấy mã theo dõi"},
    {LOA_STORE_OK},
};

/* Today (Asia/Ho_Chi_Minh) as YYYY-MM-DD, or 1 January of this year. */
static void local_date (int jan1, char out[LOA_CALENDAR_DATE_SIZE])
{
    loa_calendar_format_date (loa_calendar_local_day (time (NULL)), out);
    if (jan1)
        memcpy (out + 5, "01-01", 5);
}

/* ------------------------------------------------------------ intake */

/* The citizen's attachments `ids` (checked: 1..5, positive, distinct)
 * claimed from media-svc for an id reserved for the item (*id): each must
 * be a citizen's upload and no other item's. *atts (n) gets what the
 * item keeps of them, pointing into *claimed (media-svc's answer, the
 * caller's: free it with __free_unpacked). 0, or
 * -1 with the call failed: 422 naming attachment_ids for each refused id,
 * 503 when media-svc does not answer. An item that then fails to be filed
 * leaves its attachments claimed by an id never used (they stay, unread). */
static int claim_attachments (loa_rpc_ctx *ctx, const int64_t *ids, size_t n, int64_t *id,
                              fb_attachment *atts, Loa__Media__CitizenAttachmentList **claimed)
{
    if (feedback_store_next_id (ctx->db, id) != 0) {
        loa_rpc_fail (ctx, LOA__STATUS__UNAVAILABLE, "Không truy cập được cơ sở dữ liệu");
        return -1;
    }
    Loa__Media__CitizenAttachmentList *list = loa_attachments_claim (ctx, ids, n, *id, 0);
    if (!list)
        return -1;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        const Loa__Media__CitizenAttachment *found = loa_attachments_find (list, ids[i]);
        char msg[200];
        if (!found || strcmp (found->kind, "feedback") != 0)
            snprintf (msg, sizeof msg,
                      "không có tệp đính kèm mã số %lld (tệp gửi lên quá một ngày mà chưa dùng "
                      "sẽ bị xoá; hãy gửi lại tệp)",
                      (long long) ids[i]);
        else if (found->feedback_id != *id)
            snprintf (msg, sizeof msg,
                      "tệp đính kèm mã số %lld đã được dùng cho một phản ánh, kiến nghị khác",
                      (long long) ids[i]);
        else {
            atts[i] = (fb_attachment){found->id, found->size, found->sha256, found->mime};
            continue;
        }
        bad += fb_field (ctx, "attachment_ids", msg);
    }
    if (bad) {
        loa__media__citizen_attachment_list__free_unpacked (list, NULL);
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Tệp đính kèm không dùng được");
        return -1;
    }
    *claimed = list;
    return 0;
}

/* The channel and the day of receipt of an item recorded by staff: only a
 * handler or an inspector may give them (another member of staff is refused
 * 403, naming the field; the public and Open311 clients 422), the channel
 * one of STAFF_CHANNELS, the day a real date not after today. *channel,
 * *received_on and *recorded_by are set for such an item; field errors
 * count in *bad. 0, or -1 when the call was failed (403). */
static int staff_intake (loa_rpc_ctx *ctx, const Loa__Feedback__CreateFeedbackRequest *in,
                         const char **channel, int32_t *received_on, int64_t *recorded_by, int *bad)
{
    int recorder = ctx->caller->user_id > 0 &&
                   (loa_rpc_has_role (ctx, "handler") || loa_rpc_has_role (ctx, "inspector"));
    if (!recorder) {
        /* web and open311 are the service's to set: one may repeat its own. */
        int own = in->channel && strcmp (in->channel, *channel) == 0;
        const char *field = in->channel && !own ? "channel"
                            : in->received_at   ? "received_at"
                                                : NULL;
        if (!field)
            return 0;
        if (ctx->caller->user_id > 0) {
            loa_rpc_field_error (ctx, field,
                                 "Chỉ cán bộ xử lý hoặc Thanh tra ghi nhận được phản ánh, kiến "
                                 "nghị tiếp nhận trực tiếp, qua điện thoại, thư hoặc thư điện tử");
            loa_rpc_fail (ctx, LOA__STATUS__FORBIDDEN,
                          "Bạn không có quyền ghi nhận phản ánh, kiến nghị theo kênh này");
            return -1;
        }
        *bad += fb_field (ctx, field,
                          strcmp (field, "channel") == 0
                              ? "Kênh tiếp nhận do hệ thống xác định; không gửi trường này"
                              : "Ngày tiếp nhận do hệ thống xác định; không gửi trường này");
        return 0;
    }
    if (!in->channel && !in->received_at)
        return 0; /* staff using the web form: a web item */
    if (!in->channel) {
        *bad += fb_field (ctx, "channel",
                          "Kênh tiếp nhận là bắt buộc khi có ngày tiếp nhận: walk_in (trực tiếp), "
                          "phone (điện thoại), letter (thư), email (thư điện tử)");
    } else if (!loa_check_one_of (in->channel, STAFF_CHANNELS)) {
        *bad += fb_field (ctx, "channel",
                          "Kênh tiếp nhận phải là walk_in (trực tiếp), phone (điện thoại), letter "
                          "(thư) hoặc email (thư điện tử)");
    }
    int32_t day = 0;
    if (!in->received_at)
        *bad += fb_field (ctx, "received_at", "Ngày tiếp nhận là bắt buộc (YYYY-MM-DD)");
    else if (!loa_check_date (in->received_at) ||
             loa_calendar_parse_date (in->received_at, &day) != 0)
        *bad +=
            fb_field (ctx, "received_at", "Ngày tiếp nhận phải là ngày có thật, dạng YYYY-MM-DD");
    else if (day > loa_calendar_local_day (time (NULL)))
        *bad += fb_field (ctx, "received_at", "Ngày tiếp nhận không được sau ngày hôm nay");
    *channel = in->channel ? in->channel : "";
    *received_on = day;
    *recorded_by = ctx->caller->user_id;
    return 0;
}

static void feedback_items_create (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Feedback__CreateFeedbackRequest *in =
        (const Loa__Feedback__CreateFeedbackRequest *) msg;
    const Loa__Feedback__SubmitterInput *s = in->submitter;
    const char *channel = ctx->caller->api_key_id > 0 ? "open311" : "web";
    int bad = 0;
    if (!in->kind)
        bad += fb_field (ctx, "kind",
                         "Loại là bắt buộc: report (phản ánh) hoặc recommendation "
                         "(kiến nghị)");
    else if (!loa_check_one_of (in->kind, KINDS))
        bad += fb_field (ctx, "kind",
                         "Loại phải là report (phản ánh) hoặc recommendation (kiến nghị)");
    bad += loa_check_text (ctx, "title", "Tiêu đề", in->title, 1, MAX_TITLE_CHARS, 0);
    bad += loa_check_text (ctx, "content", "Nội dung", in->content, 1, MAX_CONTENT_CHARS, 0);
    /* No anonymous intake (Decree 20/2008, art. 9). */
    const char *name = s ? s->name : NULL, *address = s ? s->address : NULL;
    const char *phone = s ? s->phone : NULL, *email = s ? s->email : NULL;
    bad +=
        loa_check_text (ctx, "submitter.name", "Họ và tên người gửi", name, 1, MAX_NAME_CHARS, 0);
    bad += loa_check_text (ctx, "submitter.address", "Địa chỉ người gửi", address, 1,
                           MAX_ADDRESS_CHARS, 0);
    if (!loa_check_text (ctx, "submitter.phone", "Số điện thoại", phone, 1, MAX_PHONE_CHARS, 0)) {
        if (!phone_ok (phone))
            bad +=
                fb_field (ctx, "submitter.phone",
                          "Số điện thoại không hợp lệ (8 đến 15 chữ số, có thể có +, -, dấu cách)");
    } else {
        bad++;
    }
    if (!loa_check_text (ctx, "submitter.email", "Thư điện tử", email, 1, MAX_EMAIL_CHARS, 0)) {
        if (!email_ok (email))
            bad +=
                fb_field (ctx, "submitter.email", "Thư điện tử không hợp lệ (ví dụ: ten@mien.vn)");
    } else {
        bad++;
    }
    if (s)
        bad += loa_check_text (ctx, "submitter.organization", "Tên tổ chức", s->organization, 0,
                               MAX_ORG_CHARS, 0);
    bad += loa_check_text (ctx, "procedure_code", "Mã thủ tục", in->procedure_code, 0,
                           MAX_CODE_CHARS, 0);
    bad += loa_check_text (ctx, "regulation_ref", "Quy định được phản ánh", in->regulation_ref, 0,
                           MAX_REF_CHARS, 0);
    if (in->n_attachment_ids > MAX_ATTACHMENTS)
        bad += fb_field (ctx, "attachment_ids", "Tối đa 5 tệp đính kèm");
    for (size_t i = 0; i < in->n_attachment_ids && i < MAX_ATTACHMENTS; i++) {
        int dup = 0;
        for (size_t j = 0; j < i; j++)
            dup |= in->attachment_ids[j] == in->attachment_ids[i];
        if (in->attachment_ids[i] <= 0 || dup) {
            bad += fb_field (ctx, "attachment_ids",
                             "Mã tệp đính kèm phải là số nguyên dương, mỗi tệp một lần");
            break;
        }
    }
    int32_t received_on = 0;
    int64_t recorded_by = 0;
    if (staff_intake (ctx, in, &channel, &received_on, &recorded_by, &bad) != 0)
        return;
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Phản ánh, kiến nghị chưa hợp lệ");
        return;
    }
    fb_new n = {.kind = in->kind,
                .title = in->title,
                .content = in->content,
                .name = name,
                .address = address,
                .phone = phone,
                .email = email,
                .organization = s ? s->organization : NULL,
                .procedure_code = in->procedure_code,
                .regulation_ref = in->regulation_ref,
                .attachment_ids = in->attachment_ids,
                .n_attachments = in->n_attachment_ids,
                .channel = channel,
                .api_key_id = ctx->caller->api_key_id,
                .recorded_by = recorded_by,
                .received_on = received_on};
    Loa__Media__CitizenAttachmentList *claimed = NULL;
    fb_attachment atts[MAX_ATTACHMENTS];
    if (in->n_attachment_ids > 0) {
        if (claim_attachments (ctx, in->attachment_ids, in->n_attachment_ids, &n.id, atts,
                               &claimed) != 0)
            goto out;
        n.attachments = atts;
    }
    Loa__Feedback__FeedbackReceipt out;
    loa_store_status st = feedback_store_create (ctx->db, &n, &out);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, fb_item_answers);
        goto out;
    }
    loa_rpc_ok (ctx, LOA__STATUS__CREATED, &out.base);
    feedback_store_free_receipt (&out);
out:
    if (claimed)
        loa__media__citizen_attachment_list__free_unpacked (claimed, NULL);
}

/* ------------------------------------------------------------ public */

/* PAKN.YYYYMMDD.XXXXXX, upper-cased in place into buf. */
static int code_ok (const char *code, char buf[32])
{
    size_t n = strlen (code);
    if (n != 20)
        return 0;
    for (size_t i = 0; i < n; i++)
        buf[i] = (char) (code[i] >= 'a' && code[i] <= 'z' ? code[i] - 32 : code[i]);
    buf[n] = '\0';
    if (strncmp (buf, "PAKN.", 5) != 0 || buf[13] != '.')
        return 0;
    for (int i = 5; i < 13; i++)
        if (buf[i] < '0' || buf[i] > '9')
            return 0;
    for (int i = 14; i < 20; i++)
        if (!strchr ("0123456789ABCDEFGHJKMNPQRSTVWXYZ", buf[i]))
            return 0;
    return 1;
}

/* A public number (an item's id, 1 to 15 digits) as given, or 0. */
static int64_t public_number (const char *s)
{
    size_t n = strspn (s, "0123456789");
    if (n == 0 || n > 15 || s[n])
        return 0;
    return strtoll (s, NULL, 10);
}

static void feedback_items_track (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Feedback__TrackRequest *in = (const Loa__Feedback__TrackRequest *) msg;
    char code[32];
    if (!in->tracking_code || !code_ok (in->tracking_code, code)) {
        /* Not a code at all: as unknown as a code never issued. */
        loa_rpc_fail (ctx, LOA__STATUS__NOT_FOUND, "Không tìm thấy mã theo dõi");
        return;
    }
    Loa__Feedback__FeedbackPublic out;
    loa_store_status st = feedback_store_track (ctx->db, code, &out);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, TRACK_ANSWERS);
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    feedback_store_free_public (&out);
}

static void feedback_items_rate (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Feedback__RateRequest *in = (const Loa__Feedback__RateRequest *) msg;
    char code[32];
    if (!in->tracking_code || !code_ok (in->tracking_code, code)) {
        loa_rpc_fail (ctx, LOA__STATUS__NOT_FOUND, "Không tìm thấy mã theo dõi");
        return;
    }
    int bad = 0;
    if (!in->has_score || in->score < 1 || in->score > 5)
        bad += fb_field (ctx, "score", "Điểm đánh giá phải là số nguyên từ 1 đến 5");
    int has_phone = in->phone && !loa_text_blank (in->phone);
    int has_email = in->email && !loa_text_blank (in->email);
    if (!has_phone && !has_email)
        bad += fb_field (ctx, "phone",
                         "Cần số điện thoại hoặc thư điện tử đã dùng khi gửi phản ánh, kiến nghị");
    bad += loa_check_text (ctx, "phone", "Số điện thoại", in->phone, 0, MAX_PHONE_CHARS, 0);
    bad += loa_check_text (ctx, "email", "Thư điện tử", in->email, 0, MAX_EMAIL_CHARS, 0);
    bad += loa_check_text (ctx, "comment", "Nhận xét", in->comment, 0, MAX_COMMENT_CHARS, 0);
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Đánh giá chưa hợp lệ");
        return;
    }
    Loa__Feedback__FeedbackPublic out;
    loa_store_status st =
        feedback_store_rate (ctx->db, code, has_phone ? in->phone : NULL,
                             has_email ? in->email : NULL, in->score, in->comment, &out);
    static const loa_rpc_store_answer RATE_ANSWERS[] = {
        {LOA_STORE_NOT_FOUND, "Không tìm thấy mã theo dõi"},
        {LOA_STORE_FORBIDDEN, "Số điện thoại hoặc thư điện tử không khớp với người gửi"},
        {LOA_STORE_WRONG_STATE, "Chỉ đánh giá được khi câu trả lời đã công bố"},
        {LOA_STORE_CONFLICT, "Phản ánh, kiến nghị này đã được đánh giá"},
        {LOA_STORE_OK},
    };
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, RATE_ANSWERS);
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__CREATED, &out.base);
    feedback_store_free_public (&out);
}

/* Splits a comma-separated list into up to `max` trimmed items in place. */
static size_t split_list (char *s, const char **items, size_t max)
{
    size_t n = 0;
    char *save = NULL;
    for (char *tok = strtok_r (s, ",", &save); tok && n < max + 1;
         tok = strtok_r (NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        size_t len = strlen (tok);
        while (len && tok[len - 1] == ' ')
            tok[--len] = '\0';
        if (len)
            items[n++] = tok;
    }
    return n;
}

static void feedback_items_public_list (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Feedback__PublicListRequest *in = (const Loa__Feedback__PublicListRequest *) msg;
    fb_public_filter f = {.page = in->has_page ? in->page : 1,
                          .page_size = in->has_page_size ? in->page_size : 50};
    int bad = 0;
    if (f.page < 1)
        bad += fb_field (ctx, "page", "phải là số nguyên từ 1 trở lên");
    if (f.page_size < 1 || f.page_size > MAX_PAGE_SIZE)
        bad += fb_field (ctx, "page_size", "phải là số nguyên từ 1 đến 1000");
    if (f.page > 100000)
        f.page = 100000;
    char *codes_buf = NULL, *status_buf = NULL;
    const char *tokens[MAX_CODES + 1], *codes[MAX_CODES];
    char upper[MAX_CODES][32];
    int64_t numbers[MAX_CODES];
    if (in->service_request_id &&
        (bad += loa_check_text (ctx, "service_request_id", NULL, in->service_request_id, 0, 2500,
                                0)) == 0) {
        codes_buf = strdup (in->service_request_id);
        size_t n = codes_buf ? split_list (codes_buf, tokens, MAX_CODES) : 0;
        if (n > MAX_CODES)
            bad += fb_field (ctx, "service_request_id", "Tối đa 100 mã trong một lần tra cứu");
        /* A tracking code, or a public number (the id, digits only); unknown
         * or malformed ones simply match nothing. */
        for (size_t i = 0; i < n && i < MAX_CODES; i++) {
            int64_t id = public_number (tokens[i]);
            if (id > 0)
                numbers[f.n_numbers++] = id;
            else
                codes[f.n_codes++] = code_ok (tokens[i], upper[i]) ? upper[i] : "";
        }
        f.codes = codes;
        f.numbers = numbers;
    }
    if (in->service_code) {
        if (!loa_check_one_of (in->service_code, KINDS))
            bad += fb_field (ctx, "service_code", "phải là report hoặc recommendation");
        f.kind = in->service_code;
    }
    if (in->status && (bad += loa_check_text (ctx, "status", NULL, in->status, 0, 100, 0)) == 0) {
        const char *st[4];
        int open = 0, closed = 0;
        status_buf = strdup (in->status);
        size_t n = status_buf ? split_list (status_buf, st, 3) : 0;
        for (size_t i = 0; i < n && i < 4; i++) {
            if (strcmp (st[i], "open") == 0)
                open = 1;
            else if (strcmp (st[i], "closed") == 0)
                closed = 1;
            else
                bad += fb_field (ctx, "status", "phải là open hoặc closed");
        }
        /* Open311 has two states; ours map onto them. Both: no filter. */
        static const char *const OPEN[] = {"received", "assigned", "answered"};
        static const char *const CLOSED[] = {"forwarded", "rejected", "published", "closed"};
        if (open != closed) {
            f.statuses = open ? OPEN : CLOSED;
            f.n_statuses = open ? 3 : 4;
        }
    }
    bad += loa_check_text (ctx, "start_date", NULL, in->start_date, 0, 40, 0);
    bad += loa_check_text (ctx, "end_date", NULL, in->end_date, 0, 40, 0);
    f.start = in->start_date;
    f.end = in->end_date;
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, FB_BAD_INPUT);
        goto out;
    }
    Loa__Feedback__FeedbackPublicList list = LOA__FEEDBACK__FEEDBACK_PUBLIC_LIST__INIT;
    loa_store_status st = feedback_store_public_list (ctx->db, &f, &list);
    if (st == LOA_STORE_OK) {
        loa_rpc_ok (ctx, LOA__STATUS__OK, &list.base);
        feedback_store_free_public_list (&list);
    } else {
        /* INVALID: PostgreSQL could not read a date (either may be the one). */
        static const char WHEN[] = "phải là thời điểm RFC 3339 hoặc YYYY-MM-DD";
        static const loa_rpc_store_answer LIST_ANSWERS[] = {
            {LOA_STORE_INVALID, FB_BAD_INPUT, "end_date", WHEN},
            {LOA_STORE_OK},
        };
        if (st == LOA_STORE_INVALID)
            loa_rpc_field_error (ctx, "start_date", WHEN);
        loa_rpc_fail_store (ctx, st, LIST_ANSWERS);
    }
out:
    free (codes_buf);
    free (status_buf);
}

/* ------------------------------------------------------------ reports */

/* from/to of a period (defaults: 1 January of this year, today) into the
 * buffers; 1 when a field error was added. */
static int period (loa_rpc_ctx *ctx, const char *in_from, const char *in_to,
                   char from[LOA_CALENDAR_DATE_SIZE], char to[LOA_CALENDAR_DATE_SIZE])
{
    int bad = fb_bad_date (ctx, "from", in_from) + fb_bad_date (ctx, "to", in_to);
    if (bad)
        return bad;
    if (in_from)
        snprintf (from, LOA_CALENDAR_DATE_SIZE, "%s", in_from);
    else
        local_date (1, from);
    if (in_to)
        snprintf (to, LOA_CALENDAR_DATE_SIZE, "%s", in_to);
    else
        local_date (0, to);
    if (strcmp (from, to) > 0)
        return fb_field (ctx, "to", "Ngày kết thúc phải không sớm hơn ngày bắt đầu");
    return 0;
}

static void feedback_items_stats (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Feedback__StatsRequest *in = (const Loa__Feedback__StatsRequest *) msg;
    static const char *const STATS_READERS[] = {"inspector", "leader", NULL};
    if (loa_check_roles (ctx, STATS_READERS, "Chỉ Thanh tra và lãnh đạo xem được thống kê") != 0)
        return;
    char from[LOA_CALENDAR_DATE_SIZE], to[LOA_CALENDAR_DATE_SIZE];
    int bad = period (ctx, in->from, in->to, from, to);
    if (in->has_unit_id && in->unit_id <= 0)
        bad += fb_field (ctx, "unit_id", "phải là số nguyên dương");
    if (in->channel && !loa_check_one_of (in->channel, fb_channels))
        bad += fb_field (ctx, "channel",
                         "phải là một trong: web, open311, walk_in, phone, letter, email");
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Tham số không hợp lệ");
        return;
    }
    Loa__Feedback__Stats out;
    loa_store_status st = feedback_store_stats (
        ctx->db, from, to, in->has_unit_id ? in->unit_id : 0, in->channel, &out);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, fb_item_answers);
        return;
    }
    out.from = strdup (from);
    out.to = strdup (to);
    out.channel = strdup (in->channel ? in->channel : "");
    if (!out.from || !out.to || !out.channel) {
        loa_rpc_fail (ctx, LOA__STATUS__INTERNAL, NULL);
    } else {
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    }
    feedback_store_free_stats (&out);
}

/* ------------------------------------------------------------ answers */

#define MAX_ANSWERS_QUERY_CHARS 200

static void feedback_items_answers (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Feedback__AnswersRequest *in = (const Loa__Feedback__AnswersRequest *) msg;
    fb_answers_filter f = {.q = in->q && !loa_text_blank (in->q) ? in->q : NULL};
    int bad = loa_check_page (ctx, in->has_page, in->page, in->has_per_page, in->per_page, 20,
                              &f.page, &f.per_page);
    if (in->has_unit_id && in->unit_id <= 0)
        bad += fb_field (ctx, "unit_id", "phải là số nguyên dương");
    bad += loa_check_text (ctx, "q", "Từ khoá", in->q, 0, MAX_ANSWERS_QUERY_CHARS, 0);
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Tham số không hợp lệ");
        return;
    }
    f.unit_id = in->has_unit_id ? in->unit_id : 0;
    Loa__Feedback__PublishedAnswerList out = LOA__FEEDBACK__PUBLISHED_ANSWER_LIST__INIT;
    loa_store_status st = feedback_store_answers (ctx->db, &f, &out);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, fb_item_answers);
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    feedback_store_free_answers (&out);
}

static void feedback_items_answers_get (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Feedback__FeedbackIdRequest *in = (const Loa__Feedback__FeedbackIdRequest *) msg;
    static const loa_rpc_store_answer ANSWER_ANSWERS[] = {
        {LOA_STORE_NOT_FOUND, "Không tìm thấy câu trả lời đã công bố"},
        {LOA_STORE_OK},
    };
    Loa__Feedback__PublishedAnswer out;
    loa_store_status st = in->has_id && in->id > 0
                              ? feedback_store_answer_get (ctx->db, in->id, &out)
                              : LOA_STORE_NOT_FOUND;
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, ANSWER_ANSWERS);
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    feedback_store_free_answer (&out);
}

static void feedback_ratings_create (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Feedback__CreateDeskRatingRequest *in =
        (const Loa__Feedback__CreateDeskRatingRequest *) msg;
    int bad = loa_check_text (ctx, "desk", "Quầy", in->desk, 0, MAX_DESK_CHARS, 0);
    bad += loa_check_text (ctx, "staff_code", "Mã cán bộ", in->staff_code, 0, MAX_DESK_CHARS, 0);
    int has_desk = in->desk && !loa_text_blank (in->desk);
    int has_staff = in->staff_code && !loa_text_blank (in->staff_code);
    if (!bad && !has_desk && !has_staff)
        bad += fb_field (ctx, "desk", "Cần quầy (desk) hoặc mã cán bộ (staff_code) được đánh giá");
    if (!in->has_score || in->score < 1 || in->score > 5)
        bad += fb_field (ctx, "score", "Điểm đánh giá phải là số nguyên từ 1 đến 5");
    bad += loa_check_text (ctx, "comment", "Nhận xét", in->comment, 0, MAX_COMMENT_CHARS, 0);
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Đánh giá chưa hợp lệ");
        return;
    }
    Loa__Feedback__DeskRating out;
    loa_store_status st = feedback_store_desk_rate (ctx->db, has_desk ? in->desk : NULL,
                                                    has_staff ? in->staff_code : NULL, in->score,
                                                    in->comment, ctx->caller->client_addr, &out);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, fb_item_answers);
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__CREATED, &out.base);
    feedback_store_free_desk_rating (&out);
}

static void feedback_ratings_summary (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Feedback__PeriodRequest *in = (const Loa__Feedback__PeriodRequest *) msg;
    char from[LOA_CALENDAR_DATE_SIZE], to[LOA_CALENDAR_DATE_SIZE];
    if (period (ctx, in->from, in->to, from, to)) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Tham số không hợp lệ");
        return;
    }
    Loa__Feedback__RatingSummary out;
    loa_store_status st = feedback_store_rating_summary (ctx->db, from, to, &out);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, fb_item_answers);
        return;
    }
    out.from = from;
    out.to = to;
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    out.from = out.to = (char *) protobuf_c_empty_string;
    feedback_store_free_rating_summary (&out);
}

/* ------------------------------------------------------------ the table */

#define IN(name) &loa__feedback__##name##__descriptor

const loa_rpc_method feedback_methods[] = {
    /* Feedback (feedback_rpc.c, feedback_flow_rpc.c) */
    {"feedback.create", IN (create_feedback_request), feedback_items_create},
    {"feedback.track", IN (track_request), feedback_items_track},
    {"feedback.rate", IN (rate_request), feedback_items_rate},
    {"feedback.public_list", IN (public_list_request), feedback_items_public_list},
    {"feedback.list", IN (feedback_list_request), feedback_items_list},
    {"feedback.get", IN (feedback_id_request), feedback_items_get},
    {"feedback.contact", IN (feedback_id_request), feedback_items_contact},
    {"feedback.digest", NULL, feedback_items_digest},
    {"feedback.accept", IN (accept_request), feedback_items_accept},
    {"feedback.forward", IN (forward_request), feedback_items_forward},
    {"feedback.reject", IN (reject_request), feedback_items_reject},
    {"feedback.answer", IN (answer_request), feedback_items_answer},
    {"feedback.approve", IN (reason_request), feedback_items_approve},
    {"feedback.return", IN (reason_request), feedback_items_return},
    {"feedback.close", IN (reason_request), feedback_items_close},
    {"feedback.stats", IN (stats_request), feedback_items_stats},
    {"feedback.answers", IN (answers_request), feedback_items_answers},
    {"feedback.answers.get", IN (feedback_id_request), feedback_items_answers_get},
    {"feedback.attachments.get", IN (feedback_id_request), feedback_items_attachment_get},
    {"ratings.create", IN (create_desk_rating_request), feedback_ratings_create},
    {"ratings.summary", IN (period_request), feedback_ratings_summary},
    /* Calendar and deadlines (calendar_rpc.c) */
    {"calendar.get", IN (calendar_year_request), feedback_calendar_get},
    {"calendar.put", IN (calendar_put_request), feedback_calendar_put},
    {"calendar.add", IN (calendar_add_request), feedback_calendar_add},
    {"deadlines.get", NULL, feedback_deadlines_get},
    {"deadlines.put", IN (deadline_rules_input), feedback_deadlines_put},
    {"deadlines.for", IN (deadlines_for_request), feedback_deadlines_for},
    {NULL, NULL, NULL},
};
