#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "loa_calendar.h"
#include "suites.h"

/* The day of a date the test knows to be real. */
static int32_t D (const char *s)
{
    int32_t day = 0;
    ck_assert_msg (loa_calendar_parse_date (s, &day) == 0, "bad test date %s", s);
    return day;
}

/* Unix seconds of a local (UTC+7) date and time. */
static int64_t at (const char *date, int h, int m, int s)
{
    return (int64_t) D (date) * 86400 + h * 3600 + m * 60 + s - 7 * 3600;
}

static void expect_date (int32_t day, const char *want)
{
    char buf[LOA_CALENDAR_DATE_SIZE];
    ck_assert_str_eq (loa_calendar_format_date (day, buf), want);
}

/* The special days of 2022 that docs/api/feedback.md's examples cross (the seeded year). */
static void calendar_2022 (loa_calendar *cal)
{
    const loa_calendar_day days[] = {
        {D ("2022-01-01"), LOA_CALENDAR_HOLIDAY},
        {D ("2022-01-03"), LOA_CALENDAR_COMPENSATORY},
        {D ("2022-02-04"), LOA_CALENDAR_HOLIDAY}, /* given out of order on purpose */
        {D ("2022-01-31"), LOA_CALENDAR_HOLIDAY},
        {D ("2022-02-01"), LOA_CALENDAR_HOLIDAY},
        {D ("2022-02-02"), LOA_CALENDAR_HOLIDAY},
        {D ("2022-02-03"), LOA_CALENDAR_HOLIDAY},
        {D ("2022-04-10"), LOA_CALENDAR_HOLIDAY},
        {D ("2022-04-11"), LOA_CALENDAR_COMPENSATORY},
        {D ("2022-04-30"), LOA_CALENDAR_HOLIDAY},
        {D ("2022-05-01"), LOA_CALENDAR_HOLIDAY},
        {D ("2022-05-02"), LOA_CALENDAR_COMPENSATORY},
        {D ("2022-05-03"), LOA_CALENDAR_COMPENSATORY},
        {D ("2022-09-01"), LOA_CALENDAR_HOLIDAY},
        {D ("2022-09-02"), LOA_CALENDAR_HOLIDAY},
    };
    ck_assert_int_eq (loa_calendar_init (cal, days, sizeof days / sizeof days[0]), 0);
}

/* 2024's swap: Mon 29/4 off, Sat 4/5 worked instead; 30/4 and 1/5. */
static void calendar_2024 (loa_calendar *cal)
{
    const loa_calendar_day days[] = {
        {D ("2024-04-29"), LOA_CALENDAR_COMPENSATORY},
        {D ("2024-04-30"), LOA_CALENDAR_HOLIDAY},
        {D ("2024-05-01"), LOA_CALENDAR_HOLIDAY},
        {D ("2024-05-04"), LOA_CALENDAR_WORKING_SATURDAY},
    };
    ck_assert_int_eq (loa_calendar_init (cal, days, 4), 0);
}

static int32_t add (const loa_calendar *cal, const char *from, int n)
{
    int32_t out = 0;
    ck_assert_int_eq (loa_calendar_add (cal, D (from), n, &out), 0);
    return out;
}

START_TEST (dates_parse_strictly)
{
    int32_t day = 123;
    ck_assert_int_eq (loa_calendar_parse_date ("1970-01-01", &day), 0);
    ck_assert_int_eq (day, 0);
    ck_assert_int_eq (D ("2022-01-01"), 18993);
    ck_assert_int_eq (D ("2024-02-29"), D ("2024-02-28") + 1);
    ck_assert_int_eq (D ("2000-03-01"), D ("2000-02-29") + 1);
    const char *bad[] = {"2022-02-29",  "2100-02-29",  "2022-13-01",  "2022-00-10",
                         "2022-04-31",  "2022-01-00",  "2022-1-01",   "2022-01-1",
                         " 2022-01-01", "2022-01-01 ", "2022-01-011", "2022/01/01",
                         "1899-12-31",  "+022-01-01",  "abcd-ef-gh",  "",
                         "2022-01",     "20220101"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        day = 123;
        ck_assert_msg (loa_calendar_parse_date (bad[i], &day) == -1, "accepted [%s]", bad[i]);
        ck_assert_int_eq (day, 123);
    }
    ck_assert_int_eq (loa_calendar_parse_date (NULL, &day), -1);
    ck_assert_int_eq (loa_calendar_parse_date ("9999-12-31", &day), 0);
    expect_date (day, "9999-12-31");
}
END_TEST

START_TEST (dates_round_trip)
{
    /* Every day from 1600 to 2400 and back, and the calendar's edges. */
    int32_t first = loa_calendar_from_ymd (1600, 1, 1), last = loa_calendar_from_ymd (2400, 12, 31);
    int py = 1599, pm = 12, pd = 31;
    for (int32_t d = first; d <= last; d++) {
        int y, m, md;
        loa_calendar_to_ymd (d, &y, &m, &md);
        ck_assert_int_eq (loa_calendar_from_ymd (y, m, md), d);
        /* Each day follows the one before: the next day of its month, or
         * the first of the next month after the last day of a month. */
        char prev[48], text[48];
        snprintf (prev, sizeof prev, "%04d-%02d-%02d", py, pm, pd + 1);
        int32_t parsed;
        if (md == 1) {
            ck_assert_int_eq (loa_calendar_parse_date (prev, &parsed) == 0 && py >= 1900, 0);
            ck_assert_int_eq (m, pm == 12 ? 1 : pm + 1);
            ck_assert_int_eq (y, pm == 12 ? py + 1 : py);
        } else {
            ck_assert_int_eq (y * 10000 + m * 100 + md, py * 10000 + pm * 100 + pd + 1);
        }
        if (y >= 1900 && y <= 9999) { /* what the parser takes */
            snprintf (text, sizeof text, "%04d-%02d-%02d", y, m, md);
            ck_assert_int_eq (loa_calendar_parse_date (text, &parsed), 0);
            ck_assert_int_eq (parsed, d);
            ck_assert_str_eq (loa_calendar_format_date (d, prev), text);
        }
        py = y;
        pm = m;
        pd = md;
    }
    expect_date (0, "1970-01-01");
    expect_date (-1, "1969-12-31");
    expect_date (D ("2027-02-06"), "2027-02-06");
    int y, m, md;
    loa_calendar_to_ymd (INT32_MIN, &y, &m, &md);
    ck_assert_int_eq (loa_calendar_from_ymd (y, m, md), INT32_MIN);
    loa_calendar_to_ymd (INT32_MAX, &y, &m, &md);
    ck_assert_int_eq (loa_calendar_from_ymd (y, m, md), INT32_MAX);
}
END_TEST

START_TEST (weekdays)
{
    ck_assert_int_eq (loa_calendar_weekday (0), 4); /* Thursday 1 January 1970 */
    ck_assert_int_eq (loa_calendar_weekday (-1), 3);
    ck_assert_int_eq (loa_calendar_weekday (D ("2022-01-28")), 5); /* Friday */
    ck_assert_int_eq (loa_calendar_weekday (D ("2024-05-04")), 6); /* Saturday */
    ck_assert_int_eq (loa_calendar_weekday (D ("2027-02-07")), 0); /* Sunday */
    ck_assert_int_eq (loa_calendar_weekday (INT32_MIN) >= 0, 1);
    ck_assert_int_eq (loa_calendar_weekday (INT32_MAX) <= 6, 1);
}
END_TEST

START_TEST (init_copies_sorts_and_refuses_duplicates)
{
    loa_calendar cal = {0};
    calendar_2022 (&cal);
    ck_assert_uint_eq (cal.n, 15);
    for (size_t i = 1; i < cal.n; i++)
        ck_assert_int_lt (cal.days[i - 1].day, cal.days[i].day);
    loa_calendar_clear (&cal);
    loa_calendar_clear (&cal); /* idempotent */
    ck_assert_ptr_null (cal.days);
    ck_assert_uint_eq (cal.n, 0);

    loa_calendar_day dup[] = {{D ("2022-09-02"), LOA_CALENDAR_HOLIDAY},
                              {D ("2022-09-01"), LOA_CALENDAR_HOLIDAY},
                              {D ("2022-09-02"), LOA_CALENDAR_COMPENSATORY}};
    ck_assert_int_eq (loa_calendar_init (&cal, dup, 3), -1);
    ck_assert_ptr_null (cal.days);
    ck_assert_uint_eq (cal.n, 0);
    loa_calendar_day bad_type[] = {{D ("2022-09-02"), (loa_calendar_type) 7}};
    ck_assert_int_eq (loa_calendar_init (&cal, bad_type, 1), -1);
    ck_assert_int_eq (loa_calendar_init (&cal, NULL, 0), 0);
    /* The input is copied: changing it afterwards changes nothing. */
    ck_assert_int_eq (loa_calendar_init (&cal, dup, 2), 0);
    dup[0].type = LOA_CALENDAR_WORKING_SATURDAY;
    ck_assert_int_eq (loa_calendar_special (&cal, D ("2022-09-02")), LOA_CALENDAR_HOLIDAY);
    loa_calendar_clear (&cal);
}
END_TEST

START_TEST (working_days)
{
    loa_calendar cal = {0};
    ck_assert_int_eq (loa_calendar_is_working (&cal, D ("2022-01-28")), 1); /* empty: Fri */
    ck_assert_int_eq (loa_calendar_is_working (&cal, D ("2022-01-29")), 0); /* Sat */
    ck_assert_int_eq (loa_calendar_is_working (&cal, D ("2022-01-30")), 0); /* Sun */
    calendar_2022 (&cal);
    ck_assert_int_eq (loa_calendar_is_working (&cal, D ("2022-02-01")), 0); /* Tết */
    ck_assert_int_eq (loa_calendar_is_working (&cal, D ("2022-04-11")), 0); /* nghỉ bù */
    ck_assert_int_eq (loa_calendar_is_working (&cal, D ("2022-04-12")), 1);
    ck_assert_int_eq (loa_calendar_is_working (&cal, D ("2022-04-10")), 0); /* Sun holiday */
    ck_assert_int_eq (loa_calendar_special (&cal, D ("2022-04-12")), 0);
    ck_assert_int_eq (loa_calendar_special (&cal, D ("2022-04-11")), LOA_CALENDAR_COMPENSATORY);
    loa_calendar_clear (&cal);
    calendar_2024 (&cal);
    ck_assert_int_eq (loa_calendar_is_working (&cal, D ("2024-05-04")), 1); /* làm bù */
    ck_assert_int_eq (loa_calendar_is_working (&cal, D ("2024-05-05")), 0);
    ck_assert_int_eq (loa_calendar_is_working (&cal, D ("2024-04-29")), 0);
    loa_calendar_clear (&cal);
}
END_TEST

START_TEST (api_examples_of_2022)
{
    loa_calendar cal = {0};
    calendar_2022 (&cal);
    /* docs/api/feedback.md: Fri 28/1 + 1 = Mon 7/2 (Tết); Fri 8/4 + 1 = Tue 12/4 (Giỗ Tổ,
     * compensatory Mon 11/4); Fri 29/4 + 1 = Wed 4/5. */
    expect_date (add (&cal, "2022-01-28", 1), "2022-02-07");
    expect_date (add (&cal, "2022-04-08", 1), "2022-04-12");
    expect_date (add (&cal, "2022-04-29", 1), "2022-05-04");
    /* The legal limits from a Friday before Tết: 5 and 15 working days. */
    expect_date (add (&cal, "2022-01-28", 5), "2022-02-11");
    expect_date (add (&cal, "2022-01-28", 15), "2022-02-25");
    /* n = 0 is the day itself, even a day off. */
    expect_date (add (&cal, "2022-02-01", 0), "2022-02-01");
    expect_date (add (&cal, "2022-12-30", 1), "2023-01-02"); /* past the known days */
    expect_date (add (&cal, "2021-12-31", 1), "2022-01-04"); /* 1/1 Sat, bù Mon 3/1 */
    expect_date (add (&cal, "2022-08-31", 1), "2022-09-05");
    int32_t out = 42;
    ck_assert_int_eq (loa_calendar_add (&cal, D ("2022-01-28"), -1, &out), -1);
    ck_assert_int_eq (out, 42);
    ck_assert_int_eq (loa_calendar_add (&cal, INT32_MAX - 1, 5, &out), -1);
    ck_assert_int_eq (out, 42);
    loa_calendar_clear (&cal);
}
END_TEST

START_TEST (working_saturdays_count)
{
    loa_calendar cal = {0};
    calendar_2024 (&cal);
    expect_date (add (&cal, "2024-04-26", 1), "2024-05-02"); /* Fri → Thu: 29/4–1/5 off */
    expect_date (add (&cal, "2024-04-26", 2), "2024-05-03");
    expect_date (add (&cal, "2024-04-26", 3), "2024-05-04"); /* the working Saturday */
    expect_date (add (&cal, "2024-04-26", 4), "2024-05-06");
    expect_date (add (&cal, "2024-05-03", 1), "2024-05-04");
    ck_assert_int_eq (loa_calendar_between (&cal, D ("2024-05-03"), D ("2024-05-06")), 2);
    /* Received on the working Saturday before the cut-off: registered then. */
    ck_assert_int_eq (loa_calendar_registered_day (&cal, at ("2024-05-04", 10, 0, 0), 900),
                      D ("2024-05-04"));
    ck_assert_int_eq (loa_calendar_registered_day (&cal, at ("2024-05-05", 10, 0, 0), 900),
                      D ("2024-05-06"));
    loa_calendar_clear (&cal);
}
END_TEST

START_TEST (cutoff_and_receipt)
{
    loa_calendar cal = {0};
    calendar_2022 (&cal);
    const int cutoff = 15 * 60;
    /* Thu 27/1/2022: before 15:00 it counts from that day; at 15:00
     * exactly and after, from the next working day (Fri 28/1). */
    ck_assert_int_eq (loa_calendar_registered_day (&cal, at ("2022-01-27", 14, 59, 59), cutoff),
                      D ("2022-01-27"));
    ck_assert_int_eq (loa_calendar_registered_day (&cal, at ("2022-01-27", 15, 0, 0), cutoff),
                      D ("2022-01-28"));
    ck_assert_int_eq (loa_calendar_registered_day (&cal, at ("2022-01-27", 15, 0, 1), cutoff),
                      D ("2022-01-28"));
    ck_assert_int_eq (loa_calendar_registered_day (&cal, at ("2022-01-27", 0, 0, 0), cutoff),
                      D ("2022-01-27"));
    ck_assert_int_eq (loa_calendar_registered_day (&cal, at ("2022-01-27", 23, 59, 59), cutoff),
                      D ("2022-01-28"));
    /* Fri 28/1 after the cut-off: the next working day is after Tết. */
    ck_assert_int_eq (loa_calendar_registered_day (&cal, at ("2022-01-28", 16, 0, 0), cutoff),
                      D ("2022-02-07"));
    /* A weekend or a holiday, at any hour: the next working day. */
    ck_assert_int_eq (loa_calendar_registered_day (&cal, at ("2022-01-08", 9, 0, 0), cutoff),
                      D ("2022-01-10"));
    ck_assert_int_eq (loa_calendar_registered_day (&cal, at ("2022-01-09", 8, 0, 0), cutoff),
                      D ("2022-01-10"));
    ck_assert_int_eq (loa_calendar_registered_day (&cal, at ("2022-02-01", 8, 0, 0), cutoff),
                      D ("2022-02-07"));
    /* The local day, not the UTC one: 23:30 UTC on 27/1 is 06:30 on 28/1. */
    int64_t utc_late = (int64_t) D ("2022-01-27") * 86400 + 23 * 3600 + 30 * 60;
    ck_assert_int_eq (loa_calendar_local_day (utc_late), D ("2022-01-28"));
    ck_assert_int_eq (loa_calendar_registered_day (&cal, utc_late, cutoff), D ("2022-01-28"));
    /* Another cut-off: 16:30. */
    ck_assert_int_eq (loa_calendar_registered_day (&cal, at ("2022-01-27", 16, 29, 59), 990),
                      D ("2022-01-27"));
    loa_calendar_clear (&cal);
}
END_TEST

START_TEST (local_days)
{
    ck_assert_int_eq (loa_calendar_local_day (0), 0); /* 07:00 local */
    ck_assert_int_eq (loa_calendar_local_day (-7 * 3600), 0); /* local midnight */
    ck_assert_int_eq (loa_calendar_local_day (-7 * 3600 - 1), -1);
    ck_assert_int_eq (loa_calendar_local_day (17 * 3600 - 1), 0);
    ck_assert_int_eq (loa_calendar_local_day (17 * 3600), 1);
    /* 2022-02-15T08:00:00+07:00 */
    ck_assert_int_eq (loa_calendar_local_day (1644886800), D ("2022-02-15"));
}
END_TEST

START_TEST (between_is_the_inverse_of_add)
{
    loa_calendar cal = {0};
    calendar_2022 (&cal);
    ck_assert_int_eq (loa_calendar_between (&cal, D ("2022-01-28"), D ("2022-02-07")), 1);
    ck_assert_int_eq (loa_calendar_between (&cal, D ("2022-01-28"), D ("2022-01-28")), 0);
    ck_assert_int_eq (loa_calendar_between (&cal, D ("2022-02-07"), D ("2022-01-28")), 0);
    ck_assert_int_eq (loa_calendar_between (&cal, D ("2022-04-08"), D ("2022-04-12")), 1);
    for (int32_t from = D ("2021-12-20"); from <= D ("2023-01-10"); from++) {
        int64_t brute = 0;
        for (int n = 0; n <= 40; n++) {
            int32_t to = 0;
            ck_assert_int_eq (loa_calendar_add (&cal, from, n, &to), 0);
            ck_assert_int_eq (loa_calendar_between (&cal, from, to), n);
            ck_assert_int_eq (n == 0 || loa_calendar_is_working (&cal, to), 1);
        }
        /* And against counting day by day, across years and specials. */
        for (int32_t to = from + 1; to <= from + 400; to++) {
            brute += loa_calendar_is_working (&cal, to);
            if ((to - from) % 37 == 0)
                ck_assert_int_eq (loa_calendar_between (&cal, from, to), brute);
        }
    }
    /* Far from 1970, on both sides, an empty calendar. */
    loa_calendar empty = {0};
    int32_t to = 0;
    ck_assert_int_eq (loa_calendar_add (&empty, D ("1900-01-01"), 1000, &to), 0);
    ck_assert_int_eq (loa_calendar_between (&empty, D ("1900-01-01"), to), 1000);
    ck_assert_int_eq (loa_calendar_between (&empty, D ("1900-01-01"), D ("1900-01-08")), 5);
    ck_assert_int_eq (loa_calendar_between (&empty, D ("9999-01-01"), D ("9999-01-08")), 5);
    int64_t n_weekdays = 0;
    for (int32_t d = -99999; d <= 100000; d++)
        n_weekdays += loa_calendar_weekday (d) >= 1 && loa_calendar_weekday (d) <= 5;
    ck_assert_int_eq (loa_calendar_between (&empty, -100000, 100000), n_weekdays);
    loa_calendar_clear (&cal);
}
END_TEST

START_TEST (type_names)
{
    ck_assert_int_eq (loa_calendar_type_parse ("holiday"), LOA_CALENDAR_HOLIDAY);
    ck_assert_int_eq (loa_calendar_type_parse ("compensatory"), LOA_CALENDAR_COMPENSATORY);
    ck_assert_int_eq (loa_calendar_type_parse ("working_saturday"), LOA_CALENDAR_WORKING_SATURDAY);
    ck_assert_int_eq (loa_calendar_type_parse ("Holiday"), 0);
    ck_assert_int_eq (loa_calendar_type_parse (""), 0);
    ck_assert_int_eq (loa_calendar_type_parse (NULL), 0);
    ck_assert_str_eq (loa_calendar_type_name (LOA_CALENDAR_WORKING_SATURDAY), "working_saturday");
    ck_assert_str_eq (loa_calendar_type_name ((loa_calendar_type) 0), "");
}
END_TEST

Suite *calendar_suite (void)
{
    Suite *s = suite_create ("calendar");
    TCase *tc = tcase_create ("working days");
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, dates_parse_strictly);
    tcase_add_test (tc, dates_round_trip);
    tcase_add_test (tc, weekdays);
    tcase_add_test (tc, init_copies_sorts_and_refuses_duplicates);
    tcase_add_test (tc, working_days);
    tcase_add_test (tc, api_examples_of_2022);
    tcase_add_test (tc, working_saturdays_count);
    tcase_add_test (tc, cutoff_and_receipt);
    tcase_add_test (tc, local_days);
    tcase_add_test (tc, between_is_the_inverse_of_add);
    tcase_add_test (tc, type_names);
    suite_add_tcase (s, tc);
    return s;
}
