/* users: staff accounts and the staff directory (auth.h;
 * docs/api/auth.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth_int.h"
#include "auth/store.h"
#include "content.pb-c.h"
#include "core/call.h"
#include "core/respond.h"
#include "core/services.h"
#include "loa_log.h"
#include "loa_text.h"

static const char invalid_user[] = "Dữ liệu tài khoản không hợp lệ";

static enum MHD_Result no_user (gw_request *req)
{
    return gw_respond_problem (req, 404, "Không tìm thấy tài khoản", NULL);
}

int auth_valid_username (const char *s)
{
    size_t n = strlen (s);
    if (n < 3 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
              s[i] == '_' || s[i] == '-'))
            return 0;
    return 1;
}

/* An address notify-svc can mail (loa_email_ok), or "". */
static void check_email (auth_fields *f, const char *email)
{
    if (email && *email && !loa_email_ok (email))
        auth_fields_error (f, "email", "không phải một địa chỉ thư điện tử (ten@co-quan.gov.vn)");
}

static void check_full_name (auth_fields *f, const char *full_name)
{
    if (full_name && (!loa_utf8_valid (full_name) || loa_utf8_length (full_name) > 200))
        auth_fields_error (f, "full_name", "tối đa 200 ký tự UTF-8");
}

/* roles: an array of known role names -> a PostgreSQL array literal in
 * `out`; errors recorded. */
static void read_roles (auth_fields *f, json_t *v, char *out, size_t cap)
{
    if (!json_is_array (v)) {
        auth_fields_error (f, "roles", "phải là một mảng tên vai trò");
        return;
    }
    size_t o = 0;
    unsigned seen = 0;
    out[o++] = '{';
    size_t i;
    json_t *r;
    json_array_foreach (v, i, r)
    {
        unsigned bit = 0;
        const char *name = json_is_string (r) ? json_string_value (r) : "";
        for (size_t k = 0; k < auth_n_roles; k++)
            if (strcmp (name, auth_roles[k].name) == 0)
                bit = auth_roles[k].bit;
        if (!bit) {
            auth_fields_error (f, "roles",
                               "vai trò không hợp lệ (một trong: admin, reviewer, editor, "
                               "inspector, handler, leader)");
            return;
        }
        if (seen & bit)
            continue;
        seen |= bit;
        o += (size_t) snprintf (out + o, cap - o, "%s%s", o > 1 ? "," : "", name);
    }
    snprintf (out + o, cap - o, "}");
}

/* unit_id: null/0 for none, else a unit content-svc knows. Returns 0 ok,
 * -1 with an error recorded, -2 when content-svc cannot answer. */
static int check_unit (gw_request *req, auth_fields *f, json_t *v, int64_t *unit_id)
{
    *unit_id = 0;
    if (!v || json_is_null (v))
        return 0;
    if (!json_is_integer (v) || json_integer_value (v) < 0) {
        auth_fields_error (f, "unit_id", "phải là số nguyên dương hoặc null");
        return -1;
    }
    *unit_id = json_integer_value (v);
    if (*unit_id == 0)
        return 0;
    Loa__Content__IdRequest in = LOA__CONTENT__ID_REQUEST__INIT;
    in.id = *unit_id;
    Loa__Status st = gw_call_status (req, GW_CONTENT, "units.get", &in.base, 0);
    if (st == LOA__STATUS__NOT_FOUND) {
        auth_fields_error (f, "unit_id", "đơn vị không tồn tại");
        return -1;
    }
    return st == LOA__STATUS__OK ? 0 : -2;
}

static enum MHD_Result content_down (gw_request *req)
{
    return gw_respond_problem (req, 503, "Dịch vụ content-svc tạm thời không sẵn sàng", NULL);
}

enum MHD_Result gw_users_list (gw_request *req)
{
    auth_fields f;
    auth_fields_init (&f, req);
    int page, per_page;
    auth_fields_query_int (req, &f, "page", 1, 1, 1000000, &page);
    auth_fields_query_int (req, &f, "per_page", 20, 1, 100, &per_page);
    if (auth_fields_failed (&f))
        return auth_fields_refuse (req, &f, 400, "Tham số không hợp lệ");
    auth_fields_free (&f);
    PGconn *db = gw_thread_db ();
    json_t *items = NULL;
    long long total = 0;
    if (!db || gw_store_users_list (db, page, per_page, &items, &total) != GW_STORE_OK)
        return gw_respond_problem (req, 503, "Cơ sở dữ liệu không sẵn sàng", NULL);
    return gw_respond_json (req, 200,
                            json_pack ("{s:o, s:i, s:i, s:I}", "items", items, "page", page,
                                       "per_page", per_page, "total", (json_int_t) total));
}

/* GET /api/v1/staff?ids=1,2,3 (staff): the names of colleagues, for the
 * console to show who did each step of a history (feedback, articles) that
 * carries only user ids. Only the name and unit: never a username, roles
 * or whether the account is active. At most 100 ids. */
enum MHD_Result gw_staff_names (gw_request *req)
{
    enum { MAX_IDS = 100 };
    auth_fields f;
    auth_fields_init (&f, req);
    const char *ids = gw_query (req, "ids");
    char literal[MAX_IDS * 21 + 3];
    size_t o = 0, count = 0;
    literal[o++] = '{';
    const char *p = ids ? ids : "";
    while (*p && !auth_fields_failed (&f)) {
        char *end;
        errno = 0;
        long long v = (*p >= '0' && *p <= '9') ? strtoll (p, &end, 10) : -1;
        if (v <= 0 || errno || (*end != ',' && *end != '\0'))
            auth_fields_error (
                &f, "ids", "phải là các mã số người dùng (số nguyên dương) cách nhau bởi dấu phẩy");
        else if (++count > MAX_IDS)
            auth_fields_error (&f, "ids", "tối đa 100 mã số");
        else {
            o += (size_t) snprintf (literal + o, sizeof literal - o, "%s%lld", count > 1 ? "," : "",
                                    v);
            p = *end ? end + 1 : end;
        }
    }
    if (!count && !auth_fields_failed (&f))
        auth_fields_error (&f, "ids", "là bắt buộc");
    if (auth_fields_failed (&f))
        return auth_fields_refuse (req, &f, 400, "Tham số không hợp lệ");
    auth_fields_free (&f);
    literal[o++] = '}';
    literal[o] = '\0';
    PGconn *db = gw_thread_db ();
    json_t *items = NULL;
    if (!db || gw_store_staff_names (db, literal, &items) != GW_STORE_OK)
        return gw_respond_problem (req, 503, "Cơ sở dữ liệu không sẵn sàng", NULL);
    return gw_respond_json (req, 200, json_pack ("{s:o}", "items", items));
}

/* A new account while its password is hashed on the pool. */
typedef struct {
    auth_pw_job pw; /* first */
    const char *username, *full_name, *email;
    int64_t unit_id;
    char roles[96];
} create_job;

static enum MHD_Result user_hashed (gw_request *req);

enum MHD_Result gw_users_create (gw_request *req)
{
    auth_fields f;
    auth_fields_init (&f, req);
    static const char *const keys[] = {"username", "password", "full_name", "unit_id",
                                       "roles",    "email",    NULL};
    auth_fields_known (&f, keys);
    const char *username = auth_fields_string (&f, "username", 1);
    const char *password = auth_fields_string (&f, "password", 1);
    const char *full_name = auth_fields_string (&f, "full_name", 0);
    const char *email = auth_fields_string (&f, "email", 0);
    json_t *roles_v = json_object_get (f.json, "roles");
    if (auth_fields_failed (&f))
        return auth_fields_refuse (req, &f, 400, invalid_user);
    if (!auth_valid_username (username))
        auth_fields_error (&f, "username", "gồm 3–64 ký tự a-z, 0-9, '.', '_' hoặc '-'");
    auth_check_password (&f, "password", password);
    check_full_name (&f, full_name);
    check_email (&f, email);
    char roles[96] = "{}";
    if (roles_v)
        read_roles (&f, roles_v, roles, sizeof roles);
    int64_t unit_id = 0;
    if (check_unit (req, &f, json_object_get (f.json, "unit_id"), &unit_id) == -2) {
        auth_fields_free (&f);
        return content_down (req);
    }
    if (auth_fields_failed (&f))
        return auth_fields_refuse (req, &f, 422, invalid_user);
    auth_fields_free (&f);
    create_job *j = (create_job *) auth_pw_new (sizeof *j, NULL, NULL, password);
    if (j) {
        j->username = username; /* in req->json, which lives as long as the request */
        j->full_name = full_name ? full_name : "";
        j->email = email ? email : "";
        j->unit_id = unit_id;
        memcpy (j->roles, roles, sizeof j->roles);
    }
    enum MHD_Result rc;
    auth_pw_run (req, (auth_pw_job *) j, user_hashed, &rc);
    return rc;
}

static enum MHD_Result user_create_answer (gw_request *req, create_job *j)
{
    PGconn *db = gw_thread_db ();
    if (!db || !j->pw.ok)
        return gw_respond_problem (req, 503, NULL, NULL);
    gw_user u;
    gw_audit_as (req, db, "users.create");
    int st = gw_store_user_create (db, j->username, j->full_name, j->unit_id, j->roles, j->pw.made,
                                   j->email, &u);
    gw_audit_done (db);
    if (st == GW_STORE_CONFLICT)
        return gw_respond_invalid (req, 409, "Tên đăng nhập đã tồn tại", "username",
                                   "tên đăng nhập đã tồn tại");
    if (st != GW_STORE_OK)
        return gw_respond_problem (req, 503, NULL, NULL);
    loa_info (req->request_id, "auth: user %lld created by %lld", (long long) u.id,
              (long long) req->caller.user_id);
    char location[64];
    snprintf (location, sizeof location, "/api/v1/users/%lld", (long long) u.id);
    return gw_respond_created (req, gw_user_json (&u), location);
}

static enum MHD_Result user_hashed (gw_request *req)
{
    enum MHD_Result rc;
    create_job *j = (create_job *) auth_pw_take (req, &rc);
    if (!j)
        return rc;
    rc = user_create_answer (req, j);
    auth_pw_free (&j->pw);
    return rc;
}

enum MHD_Result gw_users_get (gw_request *req)
{
    int64_t id = gw_param_id (req, "id", INT64_MAX);
    if (!id)
        return no_user (req);
    PGconn *db = gw_thread_db ();
    gw_user u;
    int found = db ? gw_store_user_get (db, id, &u) : -1;
    if (found < 0)
        return gw_respond_problem (req, 503, NULL, NULL);
    if (!found)
        return no_user (req);
    return gw_respond_json (req, 200, gw_user_json (&u));
}

/* The changes a PATCH asks for, into *ch (`roles` its buffer); -2 when
 * content-svc cannot check the unit; errors recorded. */
static int read_change (gw_request *req, auth_fields *f, gw_user_change *ch, char roles[96],
                        const char **password)
{
    if (*password)
        auth_check_password (f, "password", *password);
    check_full_name (f, ch->full_name);
    check_email (f, ch->email);
    json_t *roles_v = json_object_get (f->json, "roles");
    if (roles_v) {
        read_roles (f, roles_v, roles, 96);
        ch->roles = roles;
    }
    json_t *unit_v = json_object_get (f->json, "unit_id");
    if (unit_v) {
        ch->has_unit_id = 1;
        if (check_unit (req, f, unit_v, &ch->unit_id) == -2)
            return -2;
    }
    json_t *active = json_object_get (f->json, "active");
    if (active) {
        ch->has_active = 1;
        ch->active = json_is_true (active);
    }
    return 0;
}

/* A change of an account while its new password is hashed on the pool. */
typedef struct {
    auth_pw_job pw; /* first */
    int64_t id;
    gw_user_change ch;
    char roles[96];
} update_job;

/* Stores the change (with its hash, if any) and answers. */
static enum MHD_Result user_update_answer (gw_request *req, PGconn *db, int64_t id,
                                           const gw_user_change *ch)
{
    gw_user u;
    gw_audit_as (req, db, "users.update");
    int st = gw_store_user_update (db, id, ch, &u);
    gw_audit_done (db);
    if (st != GW_STORE_OK)
        return gw_respond_problem (req, st == GW_STORE_NOT_FOUND ? 404 : 503, NULL, NULL);
    /* A disabled account or a new password ends the account's sessions. */
    if ((ch->has_active && !ch->active) || ch->password_hash)
        gw_store_sessions_end (db, id);
    loa_info (req->request_id, "auth: user %lld changed by %lld", (long long) id,
              (long long) req->caller.user_id);
    return gw_respond_json (req, 200, gw_user_json (&u));
}

static enum MHD_Result user_update_hashed (gw_request *req);

enum MHD_Result gw_users_update (gw_request *req)
{
    int64_t id = gw_param_id (req, "id", INT64_MAX);
    if (!id)
        return no_user (req);
    auth_fields f;
    auth_fields_init (&f, req);
    static const char *const keys[] = {"password", "full_name", "unit_id", "roles",
                                       "active",   "email",     NULL};
    auth_fields_known (&f, keys);
    gw_user_change ch = {0};
    const char *password = auth_fields_string (&f, "password", 0);
    ch.full_name = auth_fields_string (&f, "full_name", 0);
    ch.email = auth_fields_string (&f, "email", 0);
    json_t *active = json_object_get (f.json, "active");
    if (active && !json_is_boolean (active))
        auth_fields_error (&f, "active", "phải là true hoặc false");
    if (auth_fields_failed (&f))
        return auth_fields_refuse (req, &f, 400, invalid_user);
    char roles[96];
    if (read_change (req, &f, &ch, roles, &password) == -2) {
        auth_fields_free (&f);
        return content_down (req);
    }
    if (auth_fields_failed (&f))
        return auth_fields_refuse (req, &f, 422, invalid_user);
    auth_fields_free (&f);
    PGconn *db = gw_thread_db ();
    gw_user before;
    int found = db ? gw_store_user_get (db, id, &before) : -1;
    if (found <= 0)
        return found < 0 ? gw_respond_problem (req, 503, NULL, NULL) : no_user (req);
    /* The department always keeps one active admin. */
    int was_admin = before.active && strstr (before.roles, "admin") != NULL;
    int stays_admin = (ch.has_active ? ch.active : before.active) &&
                      (ch.roles ? strstr (ch.roles, "admin") != NULL : was_admin);
    if (was_admin && !stays_admin && gw_store_other_admins (db, id) == 0)
        return gw_respond_problem (req, 409, "Phải còn ít nhất một quản trị viên đang hoạt động",
                                   NULL);
    if (!password)
        return user_update_answer (req, db, id, &ch);
    /* The new password is hashed on the pool first. */
    update_job *j = (update_job *) auth_pw_new (sizeof *j, NULL, NULL, password);
    if (j) {
        j->id = id;
        j->ch = ch;
        if (ch.roles) {
            memcpy (j->roles, roles, sizeof j->roles);
            j->ch.roles = j->roles;
        }
    }
    enum MHD_Result rc;
    auth_pw_run (req, (auth_pw_job *) j, user_update_hashed, &rc);
    return rc;
}

static enum MHD_Result user_update_hashed (gw_request *req)
{
    enum MHD_Result rc;
    update_job *j = (update_job *) auth_pw_take (req, &rc);
    if (!j)
        return rc;
    PGconn *db = gw_thread_db ();
    if (!db || !j->pw.ok) {
        rc = gw_respond_problem (req, 503, NULL, NULL);
    } else {
        j->ch.password_hash = j->pw.made;
        rc = user_update_answer (req, db, j->id, &j->ch);
    }
    auth_pw_free (&j->pw);
    return rc;
}

/* A reset's one-time password: 16 of 31 letters and digits without the
 * look-alikes (0/o, 1/l/i), in four groups of four, easy to read out over
 * the phone; about 79 bits. */
static void one_time_password (char out[20])
{
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i && i % 4 == 0)
            out[o++] = '-';
        out[o++] = alphabet[randombytes_uniform ((uint32_t) (sizeof alphabet - 1))];
    }
    out[o] = '\0';
}

/* A reset while its one-time password is hashed on the pool (pw.make
 * keeps the password itself, wiped with the job). */
typedef struct {
    auth_pw_job pw; /* first */
    int64_t id;
} reset_job;

static enum MHD_Result reset_hashed (gw_request *req);

/* POST /api/v1/users/{id}/password-reset (admin): a one-time password,
 * shown in the answer this once; the account's sessions end, and its next
 * login may only change it (auth/identity.c). Not one's own account: that
 * is POST /api/v1/auth/password, proven by the current password. */
enum MHD_Result gw_users_password_reset (gw_request *req)
{
    int64_t id = gw_param_id (req, "id", INT64_MAX);
    if (!id)
        return no_user (req);
    if (id == req->caller.user_id)
        return gw_respond_problem (req, 409,
                                   "Không cấp mật khẩu một lần cho chính tài khoản của mình; "
                                   "hãy dùng trang Đổi mật khẩu",
                                   NULL);
    PGconn *db = gw_thread_db ();
    gw_user u;
    int found = db ? gw_store_user_get (db, id, &u) : -1;
    if (found <= 0)
        return found < 0 ? gw_respond_problem (req, 503, NULL, NULL) : no_user (req);
    char otp[20];
    one_time_password (otp);
    reset_job *j = (reset_job *) auth_pw_new (sizeof *j, NULL, NULL, otp);
    sodium_memzero (otp, sizeof otp);
    if (j)
        j->id = id;
    enum MHD_Result rc;
    auth_pw_run (req, (auth_pw_job *) j, reset_hashed, &rc);
    return rc;
}

static enum MHD_Result reset_answer (gw_request *req, reset_job *j)
{
    PGconn *db = gw_thread_db ();
    if (!db || !j->pw.ok)
        return gw_respond_problem (req, 503, NULL, NULL);
    gw_user u;
    gw_audit_as (req, db, "users.password_reset");
    int st = gw_store_password_reset (db, j->id, j->pw.made, &u);
    gw_audit_done (db);
    if (st == GW_STORE_NOT_FOUND)
        return no_user (req);
    if (st != GW_STORE_OK)
        return gw_respond_problem (req, 503, NULL, NULL);
    loa_info (req->request_id, "auth: user %lld given a one-time password by %lld; sessions ended",
              (long long) j->id, (long long) req->caller.user_id);
    return gw_respond_json (
        req, 200,
        json_pack ("{s:s, s:o}", "one_time_password", j->pw.make, "user", gw_user_json (&u)));
}

static enum MHD_Result reset_hashed (gw_request *req)
{
    enum MHD_Result rc;
    reset_job *j = (reset_job *) auth_pw_take (req, &rc);
    if (!j)
        return rc;
    rc = reset_answer (req, j);
    auth_pw_free (&j->pw);
    return rc;
}
