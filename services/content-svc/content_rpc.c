#include "content_rpc.h"

#include <string.h>

#include "article_rpc.h"
#include "articles_edit.pb-c.h"
#include "catalog_rpc.h"
#include "content_store.h"
#include "loa_check.h"
#include "loa_text.h"

#define DEFAULT_PER_PAGE 100 /* units and topics are short reference lists */

/* page/per_page of a list request; 0, or -1 after failing the call. */
static int page_args (loa_rpc_ctx *ctx, const Loa__Content__ListRequest *in, int *page,
                      int *per_page)
{
    return loa_check_list_page (ctx, in ? in->page : 0, in ? in->per_page : 0, DEFAULT_PER_PAGE,
                                page, per_page);
}

/* Staff-only writes: 0 when the caller is an admin, else fails the call. */
static int require_admin (loa_rpc_ctx *ctx)
{
    return loa_check_role (ctx, "admin", "Chỉ quản trị viên được thực hiện thao tác này");
}

static const loa_rpc_store_answer UNIT_ANSWERS[] = {
    {LOA_STORE_NOT_FOUND, "Không tìm thấy đơn vị"},
    {LOA_STORE_CONFLICT, "Mã đơn vị đã tồn tại", "code"},
    {LOA_STORE_OK},
};

static int code_ok (const char *code)
{
    size_t n = strlen (code);
    if (n < 1 || n > 32)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = code[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

/* Checks the fields of a unit that are present; `creating` makes code and
 * name required. Returns the number of problems (each added to the reply). */
static int check_unit_fields (loa_rpc_ctx *ctx, const char *code, const char *name,
                              const char *description, int creating)
{
    int bad = 0;
    if (code || creating) {
        if (loa_text_blank (code)) {
            loa_rpc_field_error (ctx, "code", "Mã đơn vị là bắt buộc");
            bad++;
        } else if (!code_ok (code)) {
            loa_rpc_field_error (
                ctx, "code",
                "Mã đơn vị chỉ gồm chữ in hoa không dấu, chữ số, '-' hoặc '_', tối đa 32 ký tự");
            bad++;
        }
    }
    if (name || creating)
        bad += loa_check_text (ctx, "name", "Tên đơn vị", name, 1, 200, 0);
    bad += loa_check_text (ctx, "description", "Mô tả", description, 0, 2000, 0);
    return bad;
}

static void content_units_list (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    int page, per_page;
    if (page_args (ctx, (const Loa__Content__ListRequest *) msg, &page, &per_page) != 0)
        return;
    Loa__Content__UnitList out = LOA__CONTENT__UNIT_LIST__INIT;
    loa_store_status st = content_store_list_units (ctx->db, page, per_page, &out);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, UNIT_ANSWERS);
    content_store_free_units (&out);
}

static void content_topics_list (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    int page, per_page;
    if (page_args (ctx, (const Loa__Content__ListRequest *) msg, &page, &per_page) != 0)
        return;
    Loa__Content__TopicList out = LOA__CONTENT__TOPIC_LIST__INIT;
    loa_store_status st = content_store_list_topics (ctx->db, page, per_page, &out);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, UNIT_ANSWERS);
    content_store_free_topics (&out);
}

static void content_units_get (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Content__IdRequest *in = (const Loa__Content__IdRequest *) msg;
    Loa__Content__Unit out;
    loa_store_status st = content_store_get_unit (ctx->db, in->id, &out);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, UNIT_ANSWERS);
    content_store_free_unit (&out);
}

static void content_units_create (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Content__CreateUnitRequest *in = (const Loa__Content__CreateUnitRequest *) msg;
    if (require_admin (ctx) != 0)
        return;
    if (check_unit_fields (ctx, in->code, in->name, in->description, 1)) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Dữ liệu đơn vị không hợp lệ");
        return;
    }
    Loa__Content__Unit out;
    loa_store_status st = content_store_create_unit (ctx->db, in, &out);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, UNIT_ANSWERS);
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__CREATED, &out.base);
    content_store_free_unit (&out);
}

static void content_units_update (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Content__UpdateUnitRequest *in = (const Loa__Content__UpdateUnitRequest *) msg;
    if (require_admin (ctx) != 0)
        return;
    if (loa_check_id (ctx, in->has_id, in->id, "Thiếu mã số đơn vị") != 0)
        return;
    if (check_unit_fields (ctx, in->code, in->name, in->description, 0)) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Dữ liệu đơn vị không hợp lệ");
        return;
    }
    Loa__Content__Unit out;
    loa_store_status st = content_store_update_unit (ctx->db, in, &out);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, UNIT_ANSWERS);
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    content_store_free_unit (&out);
}

const loa_rpc_method content_methods[] = {
    {"units.list", &loa__content__list_request__descriptor, content_units_list},
    {"units.get", &loa__content__id_request__descriptor, content_units_get},
    {"units.create", &loa__content__create_unit_request__descriptor, content_units_create},
    {"units.update", &loa__content__update_unit_request__descriptor, content_units_update},
    {"topics.list", &loa__content__list_request__descriptor, content_topics_list},
    {"articles.list", &loa__content__article_list_request__descriptor, content_articles_list},
    {"articles.get", &loa__content__article_ref__descriptor, content_articles_get},
    {"articles.history", &loa__content__article_ref__descriptor, content_articles_history},
    {"articles.create", &loa__content__create_article_request__descriptor, content_articles_create},
    {"articles.update", &loa__content__update_article_request__descriptor, content_articles_update},
    {"articles.submit", &loa__content__article_action_request__descriptor, content_articles_submit},
    {"articles.publish", &loa__content__article_action_request__descriptor,
     content_articles_publish},
    {"articles.reject", &loa__content__article_action_request__descriptor, content_articles_reject},
    {"articles.retract", &loa__content__article_action_request__descriptor,
     content_articles_retract},
    {"articles.revise", &loa__content__create_revision_request__descriptor,
     content_articles_revise},
    /* Notices and procedures (catalog_rpc.c) */
    {"notices.list", &loa__content__notice_list_request__descriptor, content_notices_list},
    {"notices.get", &loa__content__notice_id_request__descriptor, content_notices_get},
    {"notices.create", &loa__content__create_notice_request__descriptor, content_notices_create},
    {"notices.update", &loa__content__update_notice_request__descriptor, content_notices_update},
    {"notices.preview", &loa__content__notice_preview_request__descriptor, content_notices_preview},
    {"procedures.list", &loa__content__procedure_list_request__descriptor, content_procedures_list},
    {"procedures.get", &loa__content__procedure_id_request__descriptor, content_procedures_get},
    {"procedures.versions", &loa__content__procedure_id_request__descriptor,
     content_procedures_versions},
    {"procedures.create", &loa__content__create_procedure_request__descriptor,
     content_procedures_create},
    {"procedures.amend", &loa__content__amend_procedure_request__descriptor,
     content_procedures_amend},
    {NULL, NULL, NULL},
};
