/* fields: reading a handler's JSON body and query (auth_int.h). The body
 * was parsed once by the dispatcher (core/dispatch.h); these read its
 * fields and collect what is wrong with them, to answer it all at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth_int.h"
#include "core/respond.h"
#include "loa_text.h"

const char *auth_password_problem (const char *pw)
{
    if (!loa_utf8_valid (pw))
        return "phải là văn bản UTF-8 hợp lệ";
    if (loa_utf8_length (pw) < MIN_PASSWORD)
        return "phải có ít nhất 10 ký tự";
    if (strlen (pw) > MAX_PASSWORD)
        return "tối đa 256 byte";
    return NULL;
}

void auth_check_password (auth_fields *f, const char *field, const char *pw)
{
    const char *problem = auth_password_problem (pw);
    if (problem)
        auth_fields_error (f, field, problem);
}

void auth_fields_init (auth_fields *f, gw_request *req)
{
    f->json = req->json;
    f->errors = json_array ();
}

void auth_fields_free (auth_fields *f)
{
    json_decref (f->errors);
    f->errors = NULL;
}

void auth_fields_error (auth_fields *f, const char *field, const char *message)
{
    json_array_append_new (f->errors, gw_field_error (field, message));
}

int auth_fields_failed (const auth_fields *f) { return json_array_size (f->errors) > 0; }

void auth_fields_known (auth_fields *f, const char *const *allowed)
{
    const char *k;
    json_t *v;
    json_object_foreach (f->json, k, v)
    {
        int known = 0;
        for (const char *const *a = allowed; *a; a++)
            known |= strcmp (*a, k) == 0;
        if (!known)
            auth_fields_error (f, k, "không được chấp nhận");
    }
}

const char *auth_fields_string (auth_fields *f, const char *field, int required)
{
    json_t *v = json_object_get (f->json, field);
    if (!v || json_is_null (v)) {
        if (required)
            auth_fields_error (f, field, "là bắt buộc");
        return NULL;
    }
    if (!json_is_string (v)) {
        auth_fields_error (f, field, "phải là chuỗi");
        return NULL;
    }
    return json_string_value (v);
}

void auth_fields_query_int (gw_request *req, auth_fields *f, const char *name, int def, int min,
                            int max, int *out)
{
    const char *v = gw_query (req, name);
    *out = def;
    if (!v)
        return;
    char *end;
    long n = strtol (v, &end, 10);
    if (!*v || *end || n < min || n > max) {
        char msg[80];
        snprintf (msg, sizeof msg, "phải là số nguyên từ %d đến %d", min, max);
        auth_fields_error (f, name, msg);
        return;
    }
    *out = (int) n;
}

enum MHD_Result auth_fields_refuse (gw_request *req, auth_fields *f, unsigned status,
                                    const char *detail)
{
    json_t *errors = f->errors;
    f->errors = NULL;
    return gw_respond_problem (req, status, detail, errors);
}
