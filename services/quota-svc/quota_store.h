/* quota_store: all of quota-svc's SQL. */
#ifndef QUOTA_STORE_H
#define QUOTA_STORE_H

#include <libpq-fe.h>
#include <stdint.h>

#include "quota.pb-c.h"

int quota_store_prepare (PGconn *db);

/* Every unit quota knows, ordered by id; free with quota_store_free_units. */
int quota_store_list_units (PGconn *db, Loa__Quota__QuotaUnitList *out);
void quota_store_free_units (Loa__Quota__QuotaUnitList *list);

/* Records what an article event says of `article_id` (event `seq`): its
 * unit, the month of its publication, its CCHC flag and whether it is
 * retracted. Keeps the earliest month ever recorded (the month of first
 * publication); a row already changed by a later event is left alone, so
 * replays change nothing. Runs on the subscriber's connection, inside its
 * transaction (not prepared). 0, -1 (logged) or LOA_DB_RETRY. */
int quota_store_apply_article (PGconn *db, int64_t article_id, int64_t unit_id, const char *month,
                               int is_cchc, int retracted, uint64_t seq);

/* The rules of `month` (the current one) and every row, latest first, into
 * *out (initialised here). 0 or -1; free with quota_store_free_rules
 * either way. */
int quota_store_get_rules (PGconn *db, const char *month, Loa__Quota__QuotaRulesReply *out);

/* Adds the row from `effective_from` (or replaces the row of that month),
 * then reads the rules as quota_store_get_rules does for `month`. */
int quota_store_put_rules (PGconn *db, int min_articles, int min_cchc_articles,
                           const char *effective_from, int64_t user_id, const char *month,
                           Loa__Quota__QuotaRulesReply *out);
void quota_store_free_rules (Loa__Quota__QuotaRulesReply *out);

/* One active unit's figures for a month, and the rule of that month. */
typedef struct {
    int64_t unit_id;
    char *unit_name;
    int64_t articles, cchc_articles;
    int min_articles, min_cchc_articles;
    char *unit_code;
} quota_store_tally;

/* Every active unit's tally for `month` (YYYY-MM), by unit id, units with
 * nothing published included: *rows (caller frees with
 * quota_store_free_tallies), *n. 0 or -1. */
int quota_store_report (PGconn *db, const char *month, quota_store_tally **rows, size_t *n);
void quota_store_free_tallies (quota_store_tally *rows, size_t n);

/* Flags, in one transaction, every active unit that has not met `month`'s
 * rule and was not yet flagged for it, each with a "quota.at_risk" event
 * (QuotaAtRiskEvent) in the outbox: once per unit and month, even with
 * several replicas sweeping. The number flagged now (>= 0), or -1. */
int quota_store_flag_at_risk (PGconn *db, const char *month);

/* Empties the tallies and the units (inside a rebuild's transaction; not
 * prepared). 0, -1 or LOA_DB_RETRY. */
int quota_store_reset (PGconn *db);

/* Articles counted (not retracted) and units known. 0 or -1. */
int quota_store_counts (PGconn *db, int64_t *articles, int64_t *units);

/* A unit's month in the year report: its counts and that month's rule. */
typedef struct {
    int64_t articles, cchc_articles;
    int min_articles, min_cchc_articles;
} quota_store_cell;

/* One active unit's year: months[0] is January. */
typedef struct {
    int64_t unit_id;
    char *unit_name;
    quota_store_cell months[12];
    char *unit_code;
} quota_store_year;

/* Every active unit's twelve months of `year` (2000..9999), by unit id,
 * each month with the rule in force that month, units with nothing
 * published included, in one query: *units (caller frees with
 * quota_store_free_year, whatever the result), *n. 0 or -1. */
int quota_store_report_year (PGconn *db, int year, quota_store_year **units, size_t *n);
void quota_store_free_year (quota_store_year *units, size_t n);

/* Records a media-svc package.published event: package `package_id`'s
 * version `version` of article `article_id`, published in `month`
 * (canceled when its pubStatus is). Idempotent (the earliest month, the
 * greatest version). Not prepared (the subscriber's connection). 0, -1
 * or LOA_DB_RETRY. */
int quota_store_apply_package (PGconn *db, int64_t package_id, int64_t article_id, int version,
                               const char *month, int canceled);

/* Records a package.delivered event (a broadcaster's first receipt of a
 * version), once. Not prepared. 0, -1 or LOA_DB_RETRY. */
int quota_store_apply_delivery (PGconn *db, int64_t package_id, int version, int64_t broadcaster_id,
                                const char *status, const char *month);

/* Empties the media figures (a rebuild from media-svc's events). 0, -1 or
 * LOA_DB_RETRY. */
int quota_store_reset_media (PGconn *db);

/* One unit's media figures in a year. */
typedef struct {
    int64_t unit_id;
    int64_t packages, deliveries;
} quota_store_media;

/* Per unit (by id), the packages first published in `year` from its
 * articles and the receipts (received) of them in `year`: *rows (caller
 * frees with free()), *n. 0 or -1. */
int quota_store_media_year (PGconn *db, int year, quota_store_media **rows, size_t *n);

#endif
