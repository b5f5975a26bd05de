/* openapi_own: the operations of the routes whose handlers make their own
 * JSON (the gateway's accounts, keys and audit trail; the media routes that
 * send files or stored ninjs documents; the operations endpoints), for the
 * OpenAPI document (openapi.c). The route table says who may call and how;
 * this says what goes in and comes out, as JSON Schema text kept beside the
 * handlers' json_pack calls that it describes (auth/store.c gw_user_json,
 * auth/keys.c, auth/audit.c, media/feeds.c, ops/ops.c). tests/openapi
 * checks the document, and every e2e response against it. */
#include <string.h>

#include "ops/openapi_int.h"

#define TS "{\"type\": \"string\", \"format\": \"date-time\"}"
#define TS_OR_NULL "{\"type\": [\"string\", \"null\"], \"format\": \"date-time\"}"
#define ROLES                                                                                      \
    "{\"type\": \"array\", \"items\": {\"type\": \"string\", \"enum\": [\"admin\", \"reviewer\", " \
    "\"editor\", \"inspector\", \"handler\", \"leader\"]}}"
#define USER "{\"$ref\": \"#/components/schemas/User\"}"
#define PAGE_PARAMS                                                                                \
    "{\"name\": \"page\", \"in\": \"query\", \"schema\": {\"type\": \"integer\", \"minimum\": "    \
    "1, \"default\": 1}}, {\"name\": \"per_page\", \"in\": \"query\", \"schema\": {\"type\": "     \
    "\"integer\", \"minimum\": 1, \"maximum\": 100, \"default\": 20}}"
#define LIST_OF(item)                                                                              \
    "{\"type\": \"object\", \"required\": [\"items\", \"page\", \"per_page\", \"total\"], "        \
    "\"properties\": {\"items\": {\"type\": \"array\", \"items\": " item "}, \"page\": "           \
    "{\"type\": \"integer\"}, \"per_page\": {\"type\": \"integer\"}, \"total\": {\"type\": "       \
    "\"integer\"}}}"
#define NINJS "{\"$ref\": \"#/components/schemas/NinjsDocument\"}"
#define ATTACHMENT                                                                                 \
    "{\"type\": \"object\", \"required\": [\"id\", \"mime\", \"size\"], \"properties\": "          \
    "{\"id\": {\"type\": \"integer\"}, \"mime\": {\"type\": \"string\", \"enum\": "                \
    "[\"image/jpeg\", \"image/png\", \"application/pdf\"]}, \"size\": {\"type\": \"integer\", "    \
    "\"maximum\": 10485760}}}"
#define FILE_BODY "{\"type\": \"string\", \"format\": \"binary\"}"

/* Schemas the operations below share (components/schemas). */
const char gw_openapi_own_schemas[] =
    "{\"User\": {\"type\": \"object\", \"title\": \"Tài khoản cán bộ\", \"description\": \"A "
    "staff account (never its password).\", \"required\": [\"id\", \"username\", \"full_name\", "
    "\"email\", \"unit_id\", \"roles\", \"active\", \"created_at\", \"updated_at\", "
    "\"must_change_password\"], \"properties\": {\"id\": {\"type\": \"integer\"}, \"username\": "
    "{\"type\": \"string\", \"pattern\": \"^[a-z0-9._-]{3,64}$\"}, \"full_name\": {\"type\": "
    "\"string\"}, \"email\": {\"type\": \"string\", \"description\": \"empty when not given\"}, "
    "\"unit_id\": {\"type\": [\"integer\", \"null\"]}, \"roles\": " ROLES
    ", \"active\": {\"type\": \"boolean\"}, \"created_at\": " TS ", \"updated_at\": " TS
    ", \"must_change_password\": {\"type\": \"boolean\"}}},"
    "\"ApiKey\": {\"type\": \"object\", \"title\": \"Khóa API\", \"description\": \"A client "
    "application's key; only its prefix is kept readable.\", \"required\": [\"id\", \"name\", "
    "\"kind\", \"prefix\", \"created_at\", \"expires_at\"], \"properties\": {\"id\": {\"type\": "
    "\"integer\"}, \"name\": {\"type\": \"string\"}, \"kind\": {\"type\": \"string\", \"enum\": "
    "[\"broadcaster\", \"open311_client\"]}, \"prefix\": {\"type\": \"string\"}, "
    "\"created_at\": " TS ", \"expires_at\": " TS_OR_NULL ", \"revoked_at\": " TS_OR_NULL
    ", \"last_used_at\": " TS_OR_NULL
    ", \"revoked\": {\"type\": \"boolean\"}, \"api_key\": {\"type\": \"string\", \"description\": "
    "\"the key itself, in the answer to its creation only\"}}},"
    "\"AuditEntry\": {\"type\": \"object\", \"title\": \"Một dòng nhật ký thao tác\", "
    "\"required\": [\"id\", \"at\", \"source\", \"actor_kind\", \"actor_id\", \"actor_name\", "
    "\"client_addr\", \"request_id\", \"entity\", \"entity_id\", \"action\", \"changes\"], "
    "\"properties\": {\"id\": {\"type\": \"integer\"}, \"at\": " TS ", \"source\": {\"type\": "
    "\"string\", \"description\": \"the program that wrote it\"}, \"actor_kind\": {\"type\": "
    "\"string\"}, \"actor_id\": {\"type\": \"integer\"}, \"actor_name\": {\"type\": \"string\"}, "
    "\"client_addr\": {\"type\": \"string\"}, \"request_id\": {\"type\": \"string\"}, \"entity\": "
    "{\"type\": \"string\"}, \"entity_id\": {\"type\": \"string\"}, \"action\": {\"type\": "
    "\"string\"}, \"changes\": {\"type\": \"object\", \"description\": \"the columns changed: "
    "old and new values\"}}},"
    "\"NinjsDocument\": {\"type\": \"object\", \"title\": \"Tài liệu ninjs\", \"description\": "
    "\"An IPTC ninjs 3.2 document (or 2.3 on request): the schemas are "
    "http://www.iptc.org/std/ninjs/ninjs-schema_3.2.json and ninjs-schema_2.3.json; the tests "
    "validate every document against them.\", \"required\": [\"uri\"], \"properties\": {\"uri\": "
    "{\"type\": \"string\", \"format\": \"uri\"}, \"version\": {\"type\": \"string\"}, "
    "\"versionCreated\": " TS ", \"versioncreated\": " TS ", \"language\": {\"type\": "
    "\"string\"}, \"pubStatus\": {\"type\": \"string\", \"enum\": [\"usable\", \"withheld\", "
    "\"canceled\"]}, \"pubstatus\": {\"type\": \"string\", \"enum\": [\"usable\", \"withheld\", "
    "\"canceled\"]}}}}";

static const gw_openapi_own ops[] = {
    {"GET", "/healthz", "Liveness", "The process answers: always 200 while it runs.", "200",
     "{\"type\": \"object\", \"required\": [\"status\"], \"properties\": {\"status\": {\"const\": "
     "\"ok\"}}}",
     NULL, NULL},
    {"GET", "/readyz", "Readiness",
     "200 when this gateway can serve: its database and the services it routes to; 503 (same "
     "body) naming what is unavailable. `?all=1` asks for every service.",
     "200",
     "{\"type\": \"object\", \"required\": [\"status\", \"checks\"], \"properties\": {\"status\": "
     "{\"type\": \"string\"}, \"checks\": {\"type\": \"object\", \"additionalProperties\": "
     "{\"type\": \"string\"}}}}",
     NULL, NULL},
    {"GET", "/api/v1/status", "Tình trạng hệ thống",
     "For operators (admin): every service's replicas, each pinged at its own address (500 ms), "
     "with its version, its database, whether it holds the outbox relay's lock, and for each "
     "subscription the producer's last event applied there and the lag behind the producer. "
     "`status` is `degraded` while any replica does not answer.",
     "200",
     "{\"type\": \"object\", \"required\": [\"status\", \"gateway\", \"services\"], "
     "\"properties\": {\"status\": {\"type\": \"string\", \"enum\": [\"ok\", "
     "\"degraded\"]}, \"gateway\": {\"type\": \"object\", \"required\": [\"version\"], "
     "\"properties\": {\"version\": {\"type\": \"string\"}}}, \"services\": {\"type\": "
     "\"array\", \"items\": {\"type\": \"object\", \"required\": [\"name\", "
     "\"replicas_up\", \"replicas_total\", \"replicas\"], \"properties\": {\"name\": "
     "{\"type\": \"string\"}, \"replicas_up\": {\"type\": \"integer\"}, "
     "\"replicas_total\": {\"type\": \"integer\"}, \"replicas\": {\"type\": \"array\", "
     "\"items\": {\"type\": \"object\", \"required\": [\"address\", \"up\"], "
     "\"properties\": {\"address\": {\"type\": \"string\"}, \"up\": {\"type\": "
     "\"boolean\"}, \"error\": {\"type\": \"string\"}, \"version\": {\"type\": "
     "\"string\"}, \"database_ok\": {\"type\": \"boolean\"}, \"relay_active\": "
     "{\"type\": \"boolean\"}, \"subscriptions\": {\"type\": \"array\", \"items\": "
     "{\"type\": \"object\", \"required\": [\"producer\", \"applied_seq\", \"lag\"], "
     "\"properties\": {\"producer\": {\"type\": \"string\"}, \"applied_seq\": {\"type\": "
     "\"integer\"}, \"lag\": {\"type\": \"integer\"}}}}}}}}}}}}",
     NULL, NULL},
    {"GET", "/metrics", "Prometheus metrics",
     "Prometheus text exposition; a bearer token of LOA_METRICS_TOKEN when one is set.", "200",
     "text/plain", NULL, NULL},
    {"GET", "/api/v1/openapi.json", "Tài liệu OpenAPI",
     "This document: OpenAPI 3.1, made from the route table and the messages' descriptors.", "200",
     "{\"type\": \"object\", \"required\": [\"openapi\", \"info\", \"paths\"]}", NULL, NULL},
    {"GET", "/api/v1/status", "Tình trạng hệ thống",
     "Each service's replicas pinged at their own addresses: version, database, relay and the "
     "event lag per subscription; `degraded` when a replica does not answer.",
     "200",
     "{\"type\": \"object\", \"required\": [\"status\", \"gateway\", \"services\"], "
     "\"properties\": {\"status\": {\"type\": \"string\", \"enum\": [\"ok\", \"degraded\"]}, "
     "\"gateway\": {\"type\": \"object\", \"required\": [\"version\"], \"properties\": "
     "{\"version\": {\"type\": \"string\"}}}, \"services\": {\"type\": \"array\", \"items\": "
     "{\"type\": \"object\", \"required\": [\"name\", \"replicas_up\", \"replicas_total\", "
     "\"replicas\"], \"properties\": {\"name\": {\"type\": \"string\"}, \"replicas_up\": "
     "{\"type\": \"integer\"}, \"replicas_total\": {\"type\": \"integer\"}, \"replicas\": "
     "{\"type\": \"array\", \"items\": {\"type\": \"object\", \"required\": [\"address\", "
     "\"up\"], \"properties\": {\"address\": {\"type\": \"string\"}, \"up\": {\"type\": "
     "\"boolean\"}, \"error\": {\"type\": \"string\"}, \"version\": {\"type\": \"string\"}, "
     "\"database_ok\": {\"type\": \"boolean\"}, \"relay_active\": {\"type\": \"boolean\"}, "
     "\"subscriptions\": {\"type\": \"array\", \"items\": {\"type\": \"object\", "
     "\"required\": [\"producer\", \"applied_seq\", \"lag\"], \"properties\": {\"producer\": "
     "{\"type\": \"string\"}, \"applied_seq\": {\"type\": \"integer\"}, \"lag\": {\"type\": "
     "\"integer\"}}}}}}}}}}}}",
     NULL, NULL},
    {"POST", "/api/v1/auth/login", "Đăng nhập",
     "A bearer token for a staff account; repeated failures from one address or for one account "
     "are throttled (429 with Retry-After).",
     "200",
     "{\"type\": \"object\", \"required\": [\"token\", \"expires_at\", \"user\"], \"properties\": "
     "{\"token\": {\"type\": \"string\"}, \"expires_at\": " TS ", \"user\": " USER "}}",
     "{\"type\": \"object\", \"additionalProperties\": false, \"required\": [\"username\", "
     "\"password\"], \"properties\": {\"username\": {\"type\": \"string\"}, \"password\": "
     "{\"type\": \"string\"}}, \"examples\": [{\"username\": \"thanhtra1\", \"password\": "
     "\"mật-khẩu-dài-đủ-12\"}]}",
     NULL},
    {"POST", "/api/v1/auth/logout", "Đăng xuất", "Revokes the token sent.", "204", NULL, NULL,
     NULL},
    {"POST", "/api/v1/auth/password", "Đổi mật khẩu",
     "Changes the caller's password; every other session of the account ends.", "204", NULL,
     "{\"type\": \"object\", \"additionalProperties\": false, \"required\": "
     "[\"current_password\", \"new_password\"], \"properties\": {\"current_password\": {\"type\": "
     "\"string\"}, \"new_password\": {\"type\": \"string\", \"minLength\": 12}}}",
     NULL},
    {"GET", "/api/v1/auth/me", "Tài khoản đang đăng nhập", "The caller's account.", "200", USER,
     NULL, NULL},
    {"GET", "/api/v1/users", "Danh sách tài khoản", "Staff accounts, by username.", "200",
     LIST_OF (USER), NULL, "[" PAGE_PARAMS "]"},
    {"POST", "/api/v1/users", "Tạo tài khoản", "A new staff account.", "201", USER,
     "{\"type\": \"object\", \"additionalProperties\": false, \"required\": [\"username\", "
     "\"password\"], \"properties\": {\"username\": {\"type\": \"string\", \"pattern\": "
     "\"^[a-z0-9._-]{3,64}$\"}, \"password\": {\"type\": \"string\", \"minLength\": 12}, "
     "\"full_name\": {\"type\": \"string\", \"maxLength\": 200}, \"email\": {\"type\": "
     "\"string\", \"format\": \"email\"}, \"unit_id\": {\"type\": [\"integer\", \"null\"]}, "
     "\"roles\": " ROLES "}, \"examples\": [{\"username\": \"bientap.tuphap\", \"password\": "
     "\"mật-khẩu-dài-đủ-12\", \"full_name\": \"Nguyễn Thị Hoa\", \"unit_id\": 3, \"roles\": "
     "[\"editor\"]}]}",
     NULL},
    {"GET", "/api/v1/users/{id}", "Một tài khoản", NULL, "200", USER, NULL, NULL},
    {"PATCH", "/api/v1/users/{id}", "Sửa tài khoản",
     "Roles, unit, `active`, name, e-mail or password; at least one active admin remains.", "200",
     USER,
     "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {\"password\": "
     "{\"type\": \"string\", \"minLength\": 12}, \"full_name\": {\"type\": \"string\", "
     "\"maxLength\": 200}, \"email\": {\"type\": \"string\", \"format\": \"email\"}, \"unit_id\": "
     "{\"type\": [\"integer\", \"null\"]}, \"roles\": " ROLES ", \"active\": {\"type\": "
     "\"boolean\"}}}",
     NULL},
    {"POST", "/api/v1/users/{id}/password-reset", "Cấp mật khẩu một lần",
     "A one-time password for the account (shown once); the user must choose a new password.",
     "200",
     "{\"type\": \"object\", \"required\": [\"one_time_password\", \"user\"], \"properties\": "
     "{\"one_time_password\": {\"type\": \"string\"}, \"user\": " USER "}}",
     NULL, NULL},
    {"GET", "/api/v1/staff", "Tên cán bộ", "The names and units of the accounts named by `ids`.",
     "200",
     "{\"type\": \"object\", \"required\": [\"items\"], \"properties\": {\"items\": {\"type\": "
     "\"array\", \"items\": {\"type\": \"object\", \"required\": [\"id\", \"full_name\", "
     "\"unit_id\"], \"properties\": {\"id\": {\"type\": \"integer\"}, \"full_name\": {\"type\": "
     "\"string\"}, \"unit_id\": {\"type\": \"integer\"}}}}}}",
     NULL,
     "[{\"name\": \"ids\", \"in\": \"query\", \"required\": true, \"description\": \"user ids, "
     "comma-separated (at most 100)\", \"schema\": {\"type\": \"string\", \"pattern\": "
     "\"^[0-9]+(,[0-9]+)*$\"}}]"},
    {"GET", "/api/v1/api-keys", "Khóa API", "Every key, revoked ones too (never the key itself).",
     "200", LIST_OF ("{\"$ref\": \"#/components/schemas/ApiKey\"}"), NULL, NULL},
    {"POST", "/api/v1/api-keys", "Tạo khóa API",
     "A key for a client application; `api_key` is shown in this answer only.", "201",
     "{\"$ref\": \"#/components/schemas/ApiKey\"}",
     "{\"type\": \"object\", \"additionalProperties\": false, \"required\": [\"name\", \"kind\"], "
     "\"properties\": {\"name\": {\"type\": \"string\"}, \"kind\": {\"type\": \"string\", "
     "\"enum\": [\"broadcaster\", \"open311_client\"]}, \"expires_at\": " TS "}}",
     NULL},
    {"DELETE", "/api/v1/api-keys", "Thu hồi khóa API", "Revokes the key `?id=`.", "204", NULL, NULL,
     "[{\"name\": \"id\", \"in\": \"query\", \"required\": true, \"schema\": {\"type\": "
     "\"integer\"}}]"},
    {"DELETE", "/api/v1/api-keys/{id}", "Thu hồi khóa API", "Revokes the key.", "204", NULL, NULL,
     NULL},
    {"GET", "/api/v1/audit", "Nhật ký thao tác",
     "The append-only trail of staff and key actions, newest first; `format=csv` gives CSV.", "200",
     LIST_OF ("{\"$ref\": \"#/components/schemas/AuditEntry\"}"), NULL,
     "[{\"name\": \"actor\", \"in\": \"query\", \"schema\": {\"type\": \"integer\"}}, {\"name\": "
     "\"actor_kind\", \"in\": \"query\", \"schema\": {\"type\": \"string\"}}, {\"name\": "
     "\"entity\", \"in\": \"query\", \"schema\": {\"type\": \"string\"}}, {\"name\": "
     "\"entity_id\", \"in\": \"query\", \"schema\": {\"type\": \"string\"}}, {\"name\": "
     "\"action\", \"in\": \"query\", \"schema\": {\"type\": \"string\"}}, {\"name\": \"from\", "
     "\"in\": \"query\", \"schema\": {\"type\": \"string\", \"format\": \"date\"}}, {\"name\": "
     "\"to\", \"in\": \"query\", \"schema\": {\"type\": \"string\", \"format\": \"date\"}}, "
     "{\"name\": \"format\", \"in\": \"query\", \"schema\": {\"type\": \"string\", \"enum\": "
     "[\"json\", \"csv\"]}}, " PAGE_PARAMS "]",
     0, "text/csv"},
    {"GET", "/api/v1/assets/{id}", "Tệp ảnh, video",
     "The asset's bytes: Range, ETag, Repr-Digest; public once attached to a published article.",
     "200", "image/* video/* audio/mpeg", NULL, NULL},
    {"GET", "/api/v1/feedback/attachments/{id}", "Tệp đính kèm phản ánh",
     "A citizen's attachment, for staff who may see the item.", "200",
     "image/jpeg image/png application/pdf", NULL, NULL},
    {"GET", "/api/v1/plans/attachments/{id}", "Tệp minh chứng báo cáo",
     "A file of an activity report, for staff.", "200", "image/jpeg image/png application/pdf",
     NULL, NULL},
    {"POST", "/api/v1/feedback/attachments", "Tải lên tệp đính kèm phản ánh",
     "A citizen's file (JPEG, PNG or PDF, typed from its bytes, at most 10 MB); its id then goes "
     "in the submission's attachment_ids. Never its digest nor its address.",
     "201", ATTACHMENT, NULL, NULL, 1},
    {"POST", "/api/v1/plans/attachments", "Tải lên tệp minh chứng",
     "A staff member's file for an activity report, as citizens' attachments.", "201", ATTACHMENT,
     NULL, NULL, 1},
    {"POST", "/api/v1/broadcasters/{id}/key", "Cấp khóa API mới cho đài",
     "A new key for the broadcaster (shown once); the old one is revoked.", "200",
     "{\"allOf\": [{\"$ref\": \"#/components/schemas/loa.media.Broadcaster\"}, {\"type\": "
     "\"object\", "
     "\"required\": [\"api_key\"], \"properties\": {\"api_key\": {\"type\": \"string\"}}}]}",
     NULL, NULL},
    {"DELETE", "/api/v1/broadcasters/{broadcaster_id}/webhook", "Xóa webhook của đài", NULL, "204",
     NULL, NULL, NULL},
    {"GET", "/api/v1/media/packages/{id}/versions/{v}", "Tài liệu ninjs của một phiên bản",
     "Immutable once made.", "200", NINJS, NULL, NULL},
    {"GET", "/api/v1/media/feed", "Luồng gói tin của đài",
     "This broadcaster's package versions in publication order, oldest first; `Link: <...>; "
     "rel=\"next\"` names the next page.",
     "200",
     "{\"type\": \"object\", \"required\": [\"items\", \"next_cursor\", \"ninjs_version\"], "
     "\"properties\": {\"items\": {\"type\": \"array\", \"items\": " NINJS
     "}, \"next_cursor\": {\"type\": \"string\"}, \"ninjs_version\": {\"type\": \"string\", "
     "\"enum\": [\"3.2\", \"2.3\"]}}}",
     NULL,
     "[{\"name\": \"cursor\", \"in\": \"query\", \"schema\": {\"type\": \"string\"}}, {\"name\": "
     "\"limit\", \"in\": \"query\", \"schema\": {\"type\": \"integer\", \"minimum\": 1, "
     "\"maximum\": 100}}]"},
};

const gw_openapi_own *gw_openapi_own_find (const char *method, const char *pattern)
{
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp (ops[i].method, method) == 0 && strcmp (ops[i].pattern, pattern) == 0)
            return &ops[i];
    return NULL;
}
