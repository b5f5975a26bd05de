#include "quota_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

quota_status quota_report_status (const quota_store_cell *c, const char *month, const char *now)
{
    if (c->articles >= c->min_articles && c->cchc_articles >= c->min_cchc_articles)
        return QUOTA_MET;
    int cmp = strcmp (month, now);
    return cmp < 0 ? QUOTA_MISSED : cmp == 0 ? QUOTA_PENDING : QUOTA_NOT_DUE;
}

int quota_report_at_risk (quota_status s, const char *month, const char *now, int mday)
{
    return s != QUOTA_MET && strcmp (month, now) == 0 && mday >= QUOTA_AT_RISK_FROM_DAY;
}

const char *quota_status_name (quota_status s)
{
    switch (s) {
    case QUOTA_MET: return "met";
    case QUOTA_MISSED: return "missed";
    case QUOTA_NOT_DUE: return "not_due";
    case QUOTA_PENDING: break;
    }
    return "pending";
}

const char *quota_status_label (quota_status s)
{
    switch (s) {
    case QUOTA_MET: return "Đạt";
    case QUOTA_MISSED: return "Không đạt";
    case QUOTA_NOT_DUE: return "Chưa đến hạn";
    case QUOTA_PENDING: break;
    }
    return "Chưa đạt";
}

int quota_report_parse_year (const char *s, int *year)
{
    if (!s || strlen (s) != 4)
        return 0;
    int y = 0;
    for (int i = 0; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        y = y * 10 + (s[i] - '0');
    }
    if (y < QUOTA_FIRST_YEAR)
        return 0;
    *year = y;
    return 1;
}

void quota_report_month_name (int year, int m, char out[8])
{
    /* By hand, as quota_month does: the values are in range. */
    out[0] = (char) ('0' + year / 1000 % 10);
    out[1] = (char) ('0' + year / 100 % 10);
    out[2] = (char) ('0' + year / 10 % 10);
    out[3] = (char) ('0' + year % 10);
    out[4] = '-';
    out[5] = (char) ('0' + m / 10 % 10);
    out[6] = (char) ('0' + m % 10);
    out[7] = '\0';
}

void quota_report_year_counts (const quota_store_year *u, int year, const char *now,
                               quota_year_counts *out)
{
    memset (out, 0, sizeof *out);
    for (int m = 1; m <= 12; m++) {
        const quota_store_cell *c = &u->months[m - 1];
        char month[8];
        quota_report_month_name (year, m, month);
        out->articles += c->articles;
        out->cchc_articles += c->cchc_articles;
        int cmp = strcmp (month, now);
        quota_status s = quota_report_status (c, month, now);
        if (cmp < 0 || (cmp == 0 && s == QUOTA_MET)) {
            out->months_elapsed++;
            if (s == QUOTA_MET)
                out->months_met++;
            else
                out->months_missed++;
        }
    }
}

double quota_report_percent (int64_t part, int64_t whole)
{
    if (whole <= 0)
        return 0;
    /* Per mille rounded half up, in integers (exact, and no libm). */
    int64_t permille = (part * 2000 + whole) / (2 * whole);
    return (double) permille / 10.0;
}

char *quota_report_month_csv (const char *month, const char *now, int mday,
                              const quota_store_tally *rows, size_t n, size_t *len)
{
    static const char *const header[] = {"Mã đơn vị",     "Tên đơn vị",  "Tháng",
                                         "Số bài",        "Số bài CCHC", "Định mức",
                                         "Định mức CCHC", "Kết quả",     "Nguy cơ không đạt"};
    loa_csv c;
    loa_csv_init (&c);
    for (size_t i = 0; i < sizeof header / sizeof header[0]; i++)
        loa_csv_text (&c, header[i]);
    loa_csv_end_row (&c);
    for (size_t i = 0; i < n; i++) {
        const quota_store_tally *t = &rows[i];
        quota_store_cell cell = {t->articles, t->cchc_articles, t->min_articles,
                                 t->min_cchc_articles};
        quota_status s = quota_report_status (&cell, month, now);
        loa_csv_text (&c, t->unit_code);
        loa_csv_text (&c, t->unit_name);
        loa_csv_text (&c, month);
        loa_csv_int (&c, t->articles);
        loa_csv_int (&c, t->cchc_articles);
        loa_csv_int (&c, t->min_articles);
        loa_csv_int (&c, t->min_cchc_articles);
        loa_csv_text (&c, quota_status_label (s));
        loa_csv_text (&c, quota_report_at_risk (s, month, now, mday) ? "Có" : "Không");
        loa_csv_end_row (&c);
    }
    return loa_csv_take (&c, len);
}

char *quota_report_year_csv (int year, const char *now, const quota_store_year *units, size_t n,
                             size_t *len)
{
    loa_csv c;
    loa_csv_init (&c);
    loa_csv_text (&c, "Mã đơn vị");
    loa_csv_text (&c, "Tên đơn vị");
    for (int m = 1; m <= 12; m++) {
        static const char *const what[] = {"Số bài", "Số bài CCHC", "Kết quả"};
        for (int k = 0; k < 3; k++) {
            char label[64];
            snprintf (label, sizeof label, "T%02d/%04d %s", m, year, what[k]);
            loa_csv_text (&c, label);
        }
    }
    loa_csv_text (&c, "Số tháng đạt");
    loa_csv_text (&c, "Số tháng không đạt");
    loa_csv_text (&c, "Số tháng đã xét");
    loa_csv_end_row (&c);
    for (size_t i = 0; i < n; i++) {
        const quota_store_year *u = &units[i];
        loa_csv_text (&c, u->unit_code);
        loa_csv_text (&c, u->unit_name);
        for (int m = 1; m <= 12; m++) {
            char month[8];
            quota_report_month_name (year, m, month);
            const quota_store_cell *cell = &u->months[m - 1];
            loa_csv_int (&c, cell->articles);
            loa_csv_int (&c, cell->cchc_articles);
            loa_csv_text (&c, quota_status_label (quota_report_status (cell, month, now)));
        }
        quota_year_counts yc;
        quota_report_year_counts (u, year, now, &yc);
        loa_csv_int (&c, yc.months_met);
        loa_csv_int (&c, yc.months_missed);
        loa_csv_int (&c, yc.months_elapsed);
        loa_csv_end_row (&c);
    }
    return loa_csv_take (&c, len);
}
