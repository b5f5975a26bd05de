#include "catalog_rpc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_store.h"
#include "loa_check.h"
#include "loa_markdown.h"
#include "loa_text.h"

#define DEFAULT_PER_PAGE 20
#define MAX_QUERY_CHARS 200
#define ADMIN_ONLY "Chỉ quản trị viên được thực hiện thao tác này"
#define MAX_BODY_BYTES (100 * 1024) /* a notice's Markdown */

static const char *const notice_kinds[] = {
    "organization", "hotline", "procedure_set", "staff_evaluation", "other", NULL,
};
static const char *const procedure_statuses[] = {"active", "abolished", NULL};

/* ------------------------------------------------------------ notices */

static const loa_rpc_store_answer NOTICE_ANSWERS[] = {
    {LOA_STORE_NOT_FOUND, "Không tìm thấy thông báo"},
    {LOA_STORE_OK},
};

/* Checks the fields of a notice that are present; `creating` makes kind
 * and title required. Returns the number of problems. */
static int check_notice (loa_rpc_ctx *ctx, const char *kind, const char *title, const char *body,
                         int creating)
{
    int bad = 0;
    if ((kind || creating) && (!kind || !loa_check_one_of (kind, notice_kinds))) {
        loa_rpc_field_error (ctx, "kind",
                             "Loại thông báo phải là một trong: organization, hotline, "
                             "procedure_set, staff_evaluation, other");
        bad++;
    }
    if (title || creating)
        bad += loa_check_text (ctx, "title", "Tiêu đề", title, 1, 300, 0);
    bad += loa_check_text (ctx, "body", "Nội dung", body, 0, 0, MAX_BODY_BYTES);
    return bad;
}

void content_notices_list (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Content__NoticeListRequest *in = (const Loa__Content__NoticeListRequest *) msg;
    catalog_notice_filter f = {.kind = in->kind,
                               .q = loa_text_blank (in->q) ? "" : in->q,
                               .include_inactive = loa_rpc_has_role (ctx, "admin")};
    int bad = loa_check_page (ctx, in->page != 0, in->page, in->per_page != 0, in->per_page,
                              DEFAULT_PER_PAGE, &f.page, &f.per_page);
    if (*f.kind && !loa_check_one_of (f.kind, notice_kinds)) {
        loa_rpc_field_error (ctx, "kind",
                             "Loại thông báo phải là một trong: organization, hotline, "
                             "procedure_set, staff_evaluation, other");
        bad++;
    }
    bad += loa_check_text (ctx, "q", "Từ khóa tìm kiếm", f.q, 0, MAX_QUERY_CHARS, 0);
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Tham số tìm kiếm không hợp lệ");
        return;
    }
    Loa__Content__NoticeList out;
    loa_store_status st = catalog_store_list_notices (ctx->db, &f, &out);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, NOTICE_ANSWERS);
    catalog_store_free_notices (&out);
}

void content_notices_get (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Content__NoticeIdRequest *in = (const Loa__Content__NoticeIdRequest *) msg;
    Loa__Content__Notice out;
    loa_store_status st =
        catalog_store_get_notice (ctx->db, in->id, loa_rpc_has_role (ctx, "admin"), &out);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, NOTICE_ANSWERS);
    catalog_store_free_notice (&out);
}

/* The safe HTML of a notice's body (caller frees), or NULL after failing
 * the call. */
static char *render_body (loa_rpc_ctx *ctx, const char *body)
{
    char *html = loa_markdown_html (body, strlen (body));
    if (!html)
        loa_rpc_fail (ctx, LOA__STATUS__INTERNAL, "Không chuyển được nội dung sang HTML");
    return html;
}

void content_notices_create (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Content__CreateNoticeRequest *in = (const Loa__Content__CreateNoticeRequest *) msg;
    if (loa_check_role (ctx, "admin", ADMIN_ONLY) != 0)
        return;
    if (check_notice (ctx, in->kind, in->title, in->body, 1)) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Dữ liệu thông báo không hợp lệ");
        return;
    }
    char *html = render_body (ctx, in->body ? in->body : "");
    if (!html)
        return;
    Loa__Content__Notice out;
    loa_store_status st = catalog_store_create_notice (ctx->db, in, html, &out);
    free (html);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__CREATED, &out.base);
    else
        loa_rpc_fail_store (ctx, st, NOTICE_ANSWERS);
    catalog_store_free_notice (&out);
}

void content_notices_update (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Content__UpdateNoticeRequest *in = (const Loa__Content__UpdateNoticeRequest *) msg;
    if (loa_check_role (ctx, "admin", ADMIN_ONLY) != 0)
        return;
    if (loa_check_id (ctx, in->has_id, in->id, "Thiếu mã số thông báo") != 0)
        return;
    if (check_notice (ctx, in->kind, in->title, in->body, 0)) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Dữ liệu thông báo không hợp lệ");
        return;
    }
    char *html = NULL; /* only a new body is rendered */
    if (in->body && !(html = render_body (ctx, in->body)))
        return;
    Loa__Content__Notice out;
    loa_store_status st = catalog_store_update_notice (ctx->db, in, html, &out);
    free (html);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, NOTICE_ANSWERS);
    catalog_store_free_notice (&out);
}

/* What a notice's body would look like, for the console's preview: the same
 * checks and renderer as notices.create, and no write. */
void content_notices_preview (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Content__NoticePreviewRequest *in = (const Loa__Content__NoticePreviewRequest *) msg;
    if (loa_check_role (ctx, "admin", ADMIN_ONLY) != 0)
        return;
    if (loa_check_text (ctx, "body", "Nội dung", in->body, 0, 0, MAX_BODY_BYTES)) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Dữ liệu thông báo không hợp lệ");
        return;
    }
    char *html = render_body (ctx, in->body ? in->body : "");
    if (!html)
        return;
    Loa__Content__NoticePreview out = LOA__CONTENT__NOTICE_PREVIEW__INIT;
    out.html = html;
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    free (html);
}

/* ------------------------------------------------------------ procedures */

static const loa_rpc_store_answer PROCEDURE_ANSWERS[] = {
    {LOA_STORE_NOT_FOUND, "Không tìm thấy thủ tục hành chính"},
    {LOA_STORE_CONFLICT, "Mã thủ tục đã tồn tại", "code"},
    {LOA_STORE_OK},
};

/* A code of the national database ("1.001612", "2.002154"): letters
 * without marks, digits, '.', '-', '_'; 1 to 32 characters. */
static int code_ok (const char *code)
{
    size_t n = strlen (code);
    if (n < 1 || n > 32)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = code[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

/* The fields of a procedure as a create or an amendment gives them: NULL
 * strings and has_* = 0 are absent. */
typedef struct {
    const char *code, *name, *field, *decision_no, *decision_date, *fee, *status;
    int has_processing_days, processing_days;
    int has_online_level, online_level;
} procedure_fields;

/* The procedure_fields of a create or an amendment request (the same
 * fields, two message types). */
#define PROCEDURE_FIELDS(in)                                                                       \
    {                                                                                              \
        (in)->code, (in)->name, (in)->field, (in)->decision_no, (in)->decision_date, (in)->fee,    \
            (in)->status, (in)->has_processing_days, (in)->processing_days,                        \
            (in)->has_online_level, (in)->online_level                                             \
    }

/* Checks the fields present; `creating` makes code and name required.
 * Returns the number of problems (each a field error). */
static int check_procedure (loa_rpc_ctx *ctx, const procedure_fields *p, int creating)
{
    int bad = 0;
    if (p->code || creating) {
        if (loa_text_blank (p->code)) {
            loa_rpc_field_error (ctx, "code", "Mã thủ tục là bắt buộc");
            bad++;
        } else if (!code_ok (p->code)) {
            loa_rpc_field_error (ctx, "code",
                                 "Mã thủ tục chỉ gồm chữ cái không dấu, chữ số, '.', '-' hoặc "
                                 "'_', tối đa 32 ký tự (ví dụ 1.001612)");
            bad++;
        }
    }
    if (p->name || creating)
        bad += loa_check_text (ctx, "name", "Tên thủ tục", p->name, 1, 500, 0);
    if (p->field)
        bad += loa_check_text (ctx, "field", "Lĩnh vực", p->field, 0, 200, 0);
    if (p->decision_no)
        bad +=
            loa_check_text (ctx, "decision_no", "Số quyết định công bố", p->decision_no, 0, 100, 0);
    if (p->decision_date && !loa_check_date (p->decision_date)) {
        loa_rpc_field_error (ctx, "decision_date",
                             "Ngày quyết định phải là một ngày có thật, dạng YYYY-MM-DD");
        bad++;
    }
    if (p->has_processing_days && (p->processing_days < 0 || p->processing_days > 3650)) {
        loa_rpc_field_error (ctx, "processing_days",
                             "Thời hạn giải quyết phải là số ngày làm việc từ 0 đến 3650");
        bad++;
    }
    if (p->fee)
        bad += loa_check_text (ctx, "fee", "Phí, lệ phí", p->fee, 0, 1000, 0);
    if (p->has_online_level && (p->online_level < 1 || p->online_level > 4)) {
        loa_rpc_field_error (ctx, "online_level", "Mức độ dịch vụ công trực tuyến phải từ 1 đến 4");
        bad++;
    }
    if (p->status && !loa_check_one_of (p->status, procedure_statuses)) {
        loa_rpc_field_error (ctx, "status",
                             "Trạng thái phải là active (đang áp dụng) hoặc abolished (đã bãi bỏ)");
        bad++;
    }
    return bad;
}

void content_procedures_list (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Content__ProcedureListRequest *in = (const Loa__Content__ProcedureListRequest *) msg;
    catalog_procedure_filter f = {.q = loa_text_blank (in->q) ? "" : in->q,
                                  .field = loa_text_blank (in->field) ? "" : in->field,
                                  .status = in->status};
    int bad = loa_check_page (ctx, in->page != 0, in->page, in->per_page != 0, in->per_page,
                              DEFAULT_PER_PAGE, &f.page, &f.per_page);
    bad += loa_check_text (ctx, "q", "Từ khóa tìm kiếm", f.q, 0, MAX_QUERY_CHARS, 0);
    bad += loa_check_text (ctx, "field", "Lĩnh vực", f.field, 0, 200, 0);
    if (*f.status && !loa_check_one_of (f.status, procedure_statuses)) {
        loa_rpc_field_error (ctx, "status", "Trạng thái phải là active hoặc abolished");
        bad++;
    }
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Tham số tìm kiếm không hợp lệ");
        return;
    }
    Loa__Content__ProcedureList out;
    loa_store_status st = catalog_store_list_procedures (ctx->db, &f, &out);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, PROCEDURE_ANSWERS);
    catalog_store_free_procedures (&out);
}

void content_procedures_get (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Content__ProcedureIdRequest *in = (const Loa__Content__ProcedureIdRequest *) msg;
    Loa__Content__Procedure out;
    loa_store_status st = catalog_store_get_procedure (ctx->db, in->id, &out);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, PROCEDURE_ANSWERS);
    catalog_store_free_procedure (&out);
}

void content_procedures_versions (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Content__ProcedureIdRequest *in = (const Loa__Content__ProcedureIdRequest *) msg;
    Loa__Content__ProcedureVersionList out;
    loa_store_status st = catalog_store_list_versions (ctx->db, in->id, &out);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, PROCEDURE_ANSWERS);
    catalog_store_free_versions (&out);
}

void content_procedures_create (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Content__CreateProcedureRequest *in =
        (const Loa__Content__CreateProcedureRequest *) msg;
    if (loa_check_role (ctx, "admin", ADMIN_ONLY) != 0)
        return;
    procedure_fields p = PROCEDURE_FIELDS (in);
    if (check_procedure (ctx, &p, 1)) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Dữ liệu thủ tục hành chính không hợp lệ");
        return;
    }
    Loa__Content__Procedure out;
    loa_store_status st = catalog_store_create_procedure (ctx->db, in, &out);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__CREATED, &out.base);
    else
        loa_rpc_fail_store (ctx, st, PROCEDURE_ANSWERS);
    catalog_store_free_procedure (&out);
}

void content_procedures_amend (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Content__AmendProcedureRequest *in =
        (const Loa__Content__AmendProcedureRequest *) msg;
    if (loa_check_role (ctx, "admin", ADMIN_ONLY) != 0)
        return;
    if (loa_check_id (ctx, in->has_id, in->id, "Thiếu mã số thủ tục") != 0)
        return;
    procedure_fields p = PROCEDURE_FIELDS (in);
    int bad = check_procedure (ctx, &p, 0);
    if (in->reason)
        bad += loa_check_text (ctx, "reason", "Lý do sửa đổi", in->reason, 0, 2000, 0);
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Dữ liệu sửa đổi thủ tục không hợp lệ");
        return;
    }
    /* An amendment that changes nothing would only copy a version. */
    if (!p.code && !p.name && !p.field && !p.decision_no && !p.decision_date && !p.fee &&
        !p.status && !p.has_processing_days && !p.has_online_level) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Sửa đổi phải nêu ít nhất một trường");
        return;
    }
    Loa__Content__Procedure out;
    loa_store_status st = catalog_store_amend_procedure (ctx->db, in, &out);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, PROCEDURE_ANSWERS);
    catalog_store_free_procedure (&out);
}
