/* The audit trail in the gateway (decision 0031, docs/api/audit.md): the
 * gateway names its caller before its own writes (users, keys, passwords)
 * and notes logins; GET /api/v1/audit reads the whole trail, every
 * program's, for admins and inspectors, as JSON or CSV. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/auth.h"
#include "auth/auth_int.h"
#include "core/respond.h"
#include "core/services.h"
#include "loa_audit.h"
#include "loa_check.h"
#include "loa_csv.h"
#include "loa_log.h"
#include "quota/quota.h" /* gw_quota_accepts_csv */

void gw_audit_as (gw_request *req, PGconn *db, const char *action)
{
    if (db)
        loa_audit_set_caller (db, &req->caller, req->request_id, action);
}

void gw_audit_done (PGconn *db)
{
    if (db)
        loa_audit_clear (db);
}

void gw_audit_note (gw_request *req, PGconn *db, const char *action, int64_t user_id,
                    const char *changes_json)
{
    if (!db)
        return;
    char id[24] = "";
    if (user_id > 0)
        snprintf (id, sizeof id, "%lld", (long long) user_id);
    /* A login's caller is the account it opens (anonymous when it fails). */
    if (req->caller.user_id > 0 || req->caller.api_key_id > 0)
        loa_audit_set_caller (db, &req->caller, req->request_id, action);
    else if (strcmp (action, "login") == 0)
        loa_audit_set (db, "staff", user_id, req->client_addr, req->request_id, action);
    else
        loa_audit_set (db, "anonymous", 0, req->client_addr, req->request_id, action);
    loa_audit_note (db, "user", id, action, changes_json);
    loa_audit_clear (db);
}

/* ------------------------------------------------------------ the trail */

#define MAX_PER_PAGE 200
#define CSV_ROWS 10000 /* a CSV export: at most this many, newest first */

/* The filters ($1..$7, NULL when absent) and paging ($8 limit, $9 offset).
 * A staff actor's name, or a key's, joined from the gateway's own tables. */
static const char *const LIST_SQL =
    "SELECT a.id, rfc3339(a.at), a.source, a.actor_kind, a.actor_id, "
    "coalesce(CASE a.actor_kind WHEN 'staff' THEN u.full_name WHEN 'api_key' THEN k.name END, ''), "
    "a.client_addr, a.request_id, a.entity, a.entity_id, a.action, a.changes::text, "
    "count(*) OVER () "
    "FROM audit.log a LEFT JOIN users u ON a.actor_kind = 'staff' AND u.id = a.actor_id "
    "LEFT JOIN api_keys k ON a.actor_kind = 'api_key' AND k.id = a.actor_id "
    "WHERE ($1::bigint IS NULL OR (a.actor_id = $1::bigint AND a.actor_kind = "
    "coalesce($2, 'staff'))) AND ($2::text IS NULL OR a.actor_kind = $2) "
    "AND ($3::text IS NULL OR a.entity = $3) AND ($4::text IS NULL OR a.entity_id = $4) "
    "AND ($5::text IS NULL OR a.action = $5 OR left(a.action, length($5) + 1) = $5 || '.') "
    "AND ($6::timestamptz IS NULL OR a.at >= $6::timestamptz) "
    "AND ($7::timestamptz IS NULL OR a.at < $7::timestamptz) "
    "ORDER BY a.at DESC, a.id DESC LIMIT $8::int OFFSET $9::int";

/* A date (YYYY-MM-DD, a day of Asia/Ho_Chi_Minh) or an RFC 3339 time with
 * its zone, as PostgreSQL should read it: the day's start (`end`: the next
 * day's start, so that `to` includes the day). 0, or -1 when malformed. */
static int when (const char *s, int end, char *out, size_t cap)
{
    size_t n = strlen (s);
    if (n == 10 && loa_check_date (s)) {
        /* 24:00 is the next day's start, to PostgreSQL. */
        snprintf (out, cap, "%s %s+07", s, end ? "24:00:00" : "00:00:00");
        return 0;
    }
    int zoned = n >= 20 && n <= 40 && s[10] == 'T' &&
                (s[n - 1] == 'Z' || s[n - 6] == '+' || s[n - 6] == '-');
    for (size_t i = 0; zoned && i < n; i++)
        if (!strchr ("0123456789-:T.Z+", s[i]))
            zoned = 0;
    if (!zoned)
        return -1;
    snprintf (out, cap, "%s", s);
    return 0;
}

/* One of a fixed set of words, or a free word of [a-z0-9_.] (entity,
 * action): 1 when `s` is such a word of at most 64 bytes. */
static int word (const char *s)
{
    size_t n = strlen (s);
    if (!n || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
              s[i] == '.'))
            return 0;
    return 1;
}

/* A query argument or filter as a statement parameter: absent or empty is
 * NULL (no filter). */
static const char *or_null (const char *s) { return s && *s ? s : NULL; }

static json_t *row_json (const PGresult *res, int i)
{
    json_t *changes = json_loads (PQgetvalue (res, i, 11), 0, NULL);
    return json_pack ("{s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "id",
                      (json_int_t) atoll (PQgetvalue (res, i, 0)), "at", PQgetvalue (res, i, 1),
                      "source", PQgetvalue (res, i, 2), "actor_kind", PQgetvalue (res, i, 3),
                      "actor_id", (json_int_t) atoll (PQgetvalue (res, i, 4)), "actor_name",
                      PQgetvalue (res, i, 5), "client_addr", PQgetvalue (res, i, 6), "request_id",
                      PQgetvalue (res, i, 7), "entity", PQgetvalue (res, i, 8), "entity_id",
                      PQgetvalue (res, i, 9), "action", PQgetvalue (res, i, 10), "changes",
                      changes ? changes : json_object ());
}

static enum MHD_Result csv (gw_request *req, const PGresult *res)
{
    static const char *const head[] = {
        "Thời điểm",          "Chương trình",    "Loại người thực hiện",
        "Mã người thực hiện", "Người thực hiện", "Địa chỉ",
        "Mã yêu cầu",         "Đối tượng",       "Mã đối tượng",
        "Thao tác",           "Thay đổi"};
    loa_csv c;
    loa_csv_init (&c);
    for (size_t k = 0; k < sizeof head / sizeof head[0]; k++)
        loa_csv_text (&c, head[k]);
    loa_csv_end_row (&c);
    for (int i = 0; i < PQntuples (res); i++) {
        for (int k = 1; k <= 11; k++) {
            if (k == 4)
                loa_csv_int (&c, atoll (PQgetvalue (res, i, k)));
            else
                loa_csv_text (&c, PQgetvalue (res, i, k));
        }
        loa_csv_end_row (&c);
    }
    size_t len;
    char *doc = loa_csv_take (&c, &len);
    if (!doc)
        return gw_respond_problem (req, 500, "Hết bộ nhớ khi lập tệp CSV", NULL);
    enum MHD_Result rc =
        gw_respond_file (req, 200, "text/csv; charset=utf-8", "nhat-ky-thao-tac.csv", doc, len);
    free (doc);
    return rc;
}

/* GET /api/v1/audit?actor=&actor_kind=&entity=&entity_id=&action=&from=&to=
 * &page=&per_page=[&format=csv] (admin, inspector). */
enum MHD_Result gw_audit_list (gw_request *req)
{
    auth_fields f;
    auth_fields_init (&f, req);
    int page, per_page;
    auth_fields_query_int (req, &f, "page", 1, 1, 1000000, &page);
    auth_fields_query_int (req, &f, "per_page", 50, 1, MAX_PER_PAGE, &per_page);
    const char *actor = gw_query (req, "actor");
    const char *kind = gw_query (req, "actor_kind");
    const char *entity = gw_query (req, "entity");
    const char *entity_id = gw_query (req, "entity_id");
    const char *action = gw_query (req, "action");
    const char *from = gw_query (req, "from");
    const char *to = gw_query (req, "to");
    const char *format = gw_query (req, "format");
    char actor_buf[24] = "", from_buf[48] = "", to_buf[48] = "";
    if (actor && *actor) {
        char *end;
        errno = 0;
        long long v = strtoll (actor, &end, 10);
        if (errno || *end || v <= 0)
            auth_fields_error (&f, "actor", "phải là mã số người dùng hoặc khóa (số nguyên dương)");
        else
            snprintf (actor_buf, sizeof actor_buf, "%lld", v);
    }
    if (kind && *kind && strcmp (kind, "staff") != 0 && strcmp (kind, "api_key") != 0 &&
        strcmp (kind, "system") != 0 && strcmp (kind, "anonymous") != 0)
        auth_fields_error (&f, "actor_kind", "phải là staff, api_key, system hoặc anonymous");
    if (entity && *entity && !word (entity))
        auth_fields_error (&f, "entity", "phải là tên đối tượng (a-z, 0-9, _), ví dụ article");
    if (entity_id && strlen (entity_id) > 64)
        auth_fields_error (&f, "entity_id", "tối đa 64 ký tự");
    if (action && *action && !word (action))
        auth_fields_error (&f, "action",
                           "phải là tên thao tác (a-z, 0-9, _, .), ví dụ articles.publish");
    if (from && *from && when (from, 0, from_buf, sizeof from_buf) != 0)
        auth_fields_error (&f, "from",
                           "phải là ngày YYYY-MM-DD hoặc thời điểm RFC 3339 có múi giờ");
    if (to && *to && when (to, 1, to_buf, sizeof to_buf) != 0)
        auth_fields_error (&f, "to", "phải là ngày YYYY-MM-DD hoặc thời điểm RFC 3339 có múi giờ");
    int as_csv = 0;
    if (format && *format) {
        if (strcmp (format, "csv") == 0)
            as_csv = 1;
        else if (strcmp (format, "json") != 0)
            auth_fields_error (&f, "format", "phải là json hoặc csv");
    } else {
        as_csv = gw_quota_accepts_csv (gw_header (req, "Accept"));
    }
    if (auth_fields_failed (&f))
        return auth_fields_refuse (req, &f, 422, "Tham số không hợp lệ");
    auth_fields_free (&f);

    char limit[24], offset[24];
    snprintf (limit, sizeof limit, "%d", as_csv ? CSV_ROWS : per_page);
    snprintf (offset, sizeof offset, "%lld", as_csv ? 0LL : (long long) (page - 1) * per_page);
    const char *vals[] = {or_null (actor_buf),
                          or_null (kind),
                          or_null (entity),
                          or_null (entity_id),
                          or_null (action),
                          or_null (from_buf),
                          or_null (to_buf),
                          limit,
                          offset};
    PGconn *db = gw_thread_db ();
    PGresult *res = db ? PQexecParams (db, LIST_SQL, 9, NULL, vals, NULL, NULL, 0) : NULL;
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        loa_warn (req->request_id, "audit: the trail could not be read: %s",
                  res ? PQresultErrorMessage (res) : "no database");
        PQclear (res);
        return gw_respond_problem (req, 503, "Không đọc được nhật ký thao tác", NULL);
    }
    enum MHD_Result rc;
    if (as_csv) {
        rc = csv (req, res);
    } else {
        json_t *items = json_array ();
        int n = PQntuples (res);
        for (int i = 0; i < n; i++)
            json_array_append_new (items, row_json (res, i));
        long long total = n ? atoll (PQgetvalue (res, 0, 12)) : 0;
        rc = gw_respond_json (req, 200,
                              json_pack ("{s:o, s:i, s:i, s:I}", "items", items, "page", page,
                                         "per_page", per_page, "total", (json_int_t) total));
    }
    PQclear (res);
    return rc;
}
