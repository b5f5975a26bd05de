#include "quota_month.h"

#include <string.h>

#include "loa_calendar.h"

/* `n` digits of `s` as a number, or -1 when one is not a digit. */
static int digits (const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static void format_month (int year, int month, char out[QUOTA_MONTH_SIZE])
{
    /* By hand: year and month are in range (calendar.h), and printf's
     * truncation warnings cannot know it. */
    out[0] = (char) ('0' + year / 1000 % 10);
    out[1] = (char) ('0' + year / 100 % 10);
    out[2] = (char) ('0' + year / 10 % 10);
    out[3] = (char) ('0' + year % 10);
    out[4] = '-';
    out[5] = (char) ('0' + month / 10 % 10);
    out[6] = (char) ('0' + month % 10);
    out[7] = '\0';
}

int quota_month_of (const char *ts, char out[QUOTA_MONTH_SIZE])
{
    if (!ts || strlen (ts) < 20)
        return -1;
    int y = digits (ts, 4), mo = digits (ts + 5, 2), d = digits (ts + 8, 2);
    int h = digits (ts + 11, 2), mi = digits (ts + 14, 2), s = digits (ts + 17, 2);
    if (ts[4] != '-' || ts[7] != '-' || (ts[10] != 'T' && ts[10] != 't' && ts[10] != ' ') ||
        ts[13] != ':' || ts[16] != ':')
        return -1;
    if (y < 1900 || y > 9998 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 ||
        mi > 59 || s < 0 || s > 60)
        return -1;
    char date[11];
    memcpy (date, ts, 10);
    date[10] = '\0';
    int32_t day;
    if (loa_calendar_parse_date (date, &day) != 0)
        return -1;
    const char *p = ts + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    int64_t offset;
    if ((p[0] == 'Z' || p[0] == 'z') && p[1] == '\0') {
        offset = 0;
    } else if ((p[0] == '+' || p[0] == '-') && strlen (p) == 6 && p[3] == ':') {
        int oh = digits (p + 1, 2), om = digits (p + 4, 2);
        if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return -1;
        offset = (int64_t) (oh * 3600 + om * 60) * (p[0] == '-' ? -1 : 1);
    } else {
        return -1;
    }
    int64_t unix_s = (int64_t) day * 86400 + h * 3600 + mi * 60 + s - offset;
    int mday;
    quota_month_at (unix_s, out, &mday);
    return 0;
}

int quota_month_valid (const char *s)
{
    if (!s || strlen (s) != 7 || s[4] != '-')
        return 0;
    int y = digits (s, 4), m = digits (s + 5, 2);
    return y >= 1900 && m >= 1 && m <= 12;
}

void quota_month_at (int64_t unix_s, char out[QUOTA_MONTH_SIZE], int *mday)
{
    int year, month;
    loa_calendar_to_ymd (loa_calendar_local_day (unix_s), &year, &month, mday);
    format_month (year, month, out);
}
