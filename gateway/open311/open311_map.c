#include "open311/open311_map.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "loa_text.h"

/* ------------------------------------------------------------ services */

/* Decree 20/2008/NĐ-CP, art. 3 (as amended by 92/2017/NĐ-CP) defines both. */
const o311_service o311_services[] = {
    {"report", "Phản ánh",
     "Phản ánh về quy định hành chính: những vướng mắc cụ thể khi thực hiện; quy định không hợp "
     "pháp, không hợp lý, không đồng bộ, không thống nhất với hệ thống pháp luật (Nghị định "
     "20/2008/NĐ-CP, sửa đổi bởi Nghị định 92/2017/NĐ-CP).",
     "phản ánh, vướng mắc, quy định hành chính, thủ tục hành chính, cải cách hành chính",
     "Phản ánh, kiến nghị về quy định hành chính"},
    {"recommendation", "Kiến nghị",
     "Kiến nghị về quy định hành chính: phương án xử lý những vấn đề đã phản ánh, hoặc sáng kiến "
     "ban hành mới, sửa đổi, bổ sung, thay thế, bãi bỏ quy định hành chính liên quan đến sản "
     "xuất, kinh doanh và đời sống nhân dân (Nghị định 20/2008/NĐ-CP, sửa đổi bởi Nghị định "
     "92/2017/NĐ-CP).",
     "kiến nghị, đề xuất, sáng kiến, quy định hành chính, thủ tục hành chính, cải cách hành chính",
     "Phản ánh, kiến nghị về quy định hành chính"},
};
const size_t o311_n_services = sizeof o311_services / sizeof o311_services[0];

const o311_service *o311_service_find (const char *code)
{
    for (size_t i = 0; code && i < o311_n_services; i++)
        if (strcmp (o311_services[i].code, code) == 0)
            return &o311_services[i];
    return NULL;
}

const o311_attribute o311_attributes[] = {
    {"title", "string", 0, 1,
     "Một dòng, tối đa 300 ký tự. Bỏ trống: lấy dòng đầu tiên của nội dung (description).",
     "Tiêu đề của phản ánh, kiến nghị"},
    {"procedure_code", "string", 0, 2,
     "Mã thủ tục hành chính trên Cổng Dịch vụ công quốc gia, ví dụ 1.001612.",
     "Thủ tục hành chính liên quan (nếu có)"},
    {"regulation_ref", "text", 0, 3,
     "Số, ký hiệu, ngày ban hành của văn bản và điều, khoản, điểm có quy định được phản ánh, "
     "kiến nghị.",
     "Quy định hành chính được phản ánh, kiến nghị (nếu có)"},
    {"organization", "string", 0, 4,
     "Tên đầy đủ của tổ chức, doanh nghiệp; bỏ trống khi gửi với tư cách cá nhân.",
     "Tổ chức, doanh nghiệp gửi phản ánh, kiến nghị (nếu có)"},
};
const size_t o311_n_attributes = sizeof o311_attributes / sizeof o311_attributes[0];

const o311_attribute *o311_attribute_find (const char *code)
{
    for (size_t i = 0; code && i < o311_n_attributes; i++)
        if (strcmp (o311_attributes[i].code, code) == 0)
            return &o311_attributes[i];
    return NULL;
}

/* ------------------------------------------------------------ status */

const char *o311_status (const char *status)
{
    static const char *const open[] = {"received", "assigned", "answered", NULL};
    static const char *const closed[] = {"forwarded", "rejected", "published", "closed", NULL};
    for (int i = 0; status && open[i]; i++)
        if (strcmp (status, open[i]) == 0)
            return "open";
    for (int i = 0; status && closed[i]; i++)
        if (strcmp (status, closed[i]) == 0)
            return "closed";
    return NULL;
}

void o311_status_notes (const char *status, const char *answer, const char *unit_name,
                        const char *forwarded_to, char *out, size_t cap)
{
    const char *s = status ? status : "";
    if (answer && *answer)
        snprintf (out, cap, "%s", answer);
    else if (strcmp (s, "received") == 0)
        snprintf (out, cap, "Đã tiếp nhận, đang xem xét, phân loại.");
    else if (strcmp (s, "assigned") == 0 && unit_name && *unit_name)
        snprintf (out, cap, "Đang được %s xem xét, trả lời.", unit_name);
    else if (strcmp (s, "assigned") == 0)
        snprintf (out, cap, "Đang được xem xét, trả lời.");
    else if (strcmp (s, "answered") == 0)
        snprintf (out, cap, "Đã có dự thảo trả lời, đang chờ phê duyệt.");
    else if (strcmp (s, "published") == 0)
        snprintf (out, cap, "Đã trả lời người gửi; câu trả lời không công bố công khai.");
    else if (strcmp (s, "closed") == 0)
        snprintf (out, cap, "Đã kết thúc xử lý.");
    else if (strcmp (s, "forwarded") == 0 && forwarded_to && *forwarded_to)
        snprintf (out, cap, "Đã chuyển đến %s để xem xét, xử lý theo thẩm quyền.", forwarded_to);
    else if (strcmp (s, "forwarded") == 0)
        snprintf (out, cap, "Đã chuyển đến cơ quan có thẩm quyền để xem xét, xử lý.");
    else if (strcmp (s, "rejected") == 0)
        snprintf (out, cap,
                  "Không tiếp nhận xử lý: không phải phản ánh, kiến nghị về quy định "
                  "hành chính, hoặc thiếu thông tin bắt buộc.");
    else
        snprintf (out, cap, "%s", "");
}

/* ------------------------------------------------------------ title, name */

static int is_space (unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The byte length of the character at s (1 for a broken one). */
static size_t char_len (const char *s)
{
    size_t n = loa_utf8_seq (s);
    return n ? n : 1;
}

void o311_title (const char *description, size_t max_chars, char *out, size_t cap)
{
    out[0] = '\0';
    if (!description || cap < 8 || max_chars < 2)
        return;
    /* The first line holding text, trimmed. */
    const char *b = description, *e = description;
    for (const char *line = description; *line;) {
        size_t n = strcspn (line, "\r\n");
        b = line;
        e = line + n;
        while (b < e && is_space ((unsigned char) *b))
            b++;
        while (e > b && is_space ((unsigned char) e[-1]))
            e--;
        if (e > b)
            break;
        line += n;
        while (*line == '\r' || *line == '\n')
            line++;
        b = e = line;
    }
    /* Copied with each run of blanks made one space, up to one character
     * more than fits (or the buffer's end): then we know it must be cut. */
    size_t o = 0, chars = 0;
    int over = 0;
    for (const char *p = b; p < e;) {
        if (chars == max_chars) {
            over = 1;
            break;
        }
        size_t n = is_space ((unsigned char) *p) ? 1 : char_len (p);
        if (o + n >= cap) {
            over = 1;
            break;
        }
        if (n == 1 && is_space ((unsigned char) *p)) {
            out[o++] = ' ';
            while (p < e && is_space ((unsigned char) *p))
                p++;
        } else {
            memcpy (out + o, p, n);
            o += n;
            p += n;
        }
        chars++;
    }
    out[o] = '\0';
    if (!over)
        return;
    /* Too long: keep max_chars - 1 characters and "…", ending at the last
     * word boundary within them (in the middle of one very long word when
     * there is none). */
    size_t lim = 0;
    for (size_t c = 0; c < max_chars - 1 && lim < o; c++)
        lim += out[lim] == ' ' ? 1 : char_len (out + lim);
    size_t end = lim;
    if (lim < o && out[lim] != ' ') {
        size_t k = lim;
        while (k > 0 && out[k - 1] != ' ')
            k--;
        if (k > 0)
            end = k;
    }
    while (end > 0 && out[end - 1] == ' ')
        end--;
    if (end + 4 > cap) /* only with a buffer smaller than the header asks */
        end = cap - 4;
    while (end > 0 && ((unsigned char) out[end] & 0xC0) == 0x80)
        end--;
    memcpy (out + end, "\xE2\x80\xA6", 4); /* "…" and the NUL */
}

/* Copies s trimmed of blanks at both ends; returns the bytes written. */
static size_t put_trimmed (const char *s, char *out, size_t cap)
{
    if (!s || cap == 0)
        return 0;
    const char *b = s, *e = s + strlen (s);
    while (b < e && is_space ((unsigned char) *b))
        b++;
    while (e > b && is_space ((unsigned char) e[-1]))
        e--;
    size_t n = (size_t) (e - b);
    if (n >= cap)
        n = cap - 1;
    while (n > 0 && n < (size_t) (e - b) && ((unsigned char) b[n] & 0xC0) == 0x80)
        n--; /* never split a character */
    memcpy (out, b, n);
    out[n] = '\0';
    return n;
}

void o311_full_name (const char *first_name, const char *last_name, char *out, size_t cap)
{
    size_t n = put_trimmed (last_name, out, cap);
    out[n] = '\0';
    if (n > 0 && n + 1 < cap) {
        out[n] = ' ';
        size_t m = put_trimmed (first_name, out + n + 1, cap - n - 1);
        out[m ? n + 1 + m : n] = '\0';
    } else if (n == 0) {
        put_trimmed (first_name, out, cap);
    }
}

/* ------------------------------------------------------------ time */

#define US_PER_S 1000000LL
#define US_PER_DAY (86400LL * US_PER_S)
#define LOCAL_OFFSET_S (7 * 3600) /* Asia/Ho_Chi_Minh: +07:00, no daylight saving */

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). */
static int64_t days_from_civil (int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days (int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int) (doy - (153 * mp + 2) / 5 + 1);
    *m = (int) (mp < 10 ? mp + 3 : mp - 9);
    *y = (int) (yoe + era * 400 + (*m <= 2));
}

/* n decimal digits at s into *v; 1 when they are all digits. */
static int digits (const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        *v = *v * 10 + (s[i] - '0');
    }
    return 1;
}

static int valid_date (int y, int m, int d)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

int o311_parse_time (const char *s, int end_of_day, int64_t *us)
{
    int y, mo, d, h, mi, sec = 0;
    if (!s || !digits (s, 4, &y) || s[4] != '-' || !digits (s + 5, 2, &mo) || s[7] != '-' ||
        !digits (s + 8, 2, &d) || !valid_date (y, mo, d))
        return 0;
    int64_t day_us = days_from_civil (y, mo, d) * US_PER_DAY;
    if (s[10] == '\0') {
        *us = day_us - LOCAL_OFFSET_S * US_PER_S + (end_of_day ? US_PER_DAY - 1 : 0);
        return 1;
    }
    const char *p = s + 10;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return 0;
    if (!digits (p + 1, 2, &h) || p[3] != ':' || !digits (p + 4, 2, &mi) || h > 23 || mi > 59)
        return 0;
    p += 6;
    long long frac = 0;
    if (*p == ':') {
        if (!digits (p + 1, 2, &sec) || sec > 60)
            return 0;
        if (sec == 60)
            sec = 59; /* a leap second: the instant before is close enough */
        p += 3;
        if (*p == '.' || *p == ',') {
            int n = 0;
            for (p++; *p >= '0' && *p <= '9'; p++, n++)
                if (n < 6)
                    frac = frac * 10 + (*p - '0');
            if (n == 0)
                return 0;
            for (; n < 6; n++)
                frac *= 10;
        }
    }
    int offset_s;
    if (*p == 'Z' || *p == 'z') {
        offset_s = 0;
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (!digits (p + 1, 2, &oh) || p[3] != ':' || !digits (p + 4, 2, &om) || oh > 23 || om > 59)
            return 0;
        offset_s = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return 0; /* Open311: the zone must be given */
    }
    if (*p)
        return 0;
    *us = day_us + ((int64_t) h * 3600 + mi * 60 + sec - offset_s) * US_PER_S + frac;
    return 1;
}

void o311_format_time (int64_t us, char out[40])
{
    int64_t local = us + LOCAL_OFFSET_S * US_PER_S;
    int64_t days = local >= 0 ? local / US_PER_DAY : -((-local + US_PER_DAY - 1) / US_PER_DAY);
    int64_t rest = local - days * US_PER_DAY;
    int y, m, d;
    civil_from_days (days, &y, &m, &d);
    int64_t secs = rest / US_PER_S, frac = rest % US_PER_S;
    int n = snprintf (out, 40, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, (int) (secs / 3600),
                      (int) (secs / 60 % 60), (int) (secs % 60));
    if (frac)
        n += snprintf (out + n, 40 - (size_t) n, ".%06lld", (long long) frac);
    snprintf (out + n, 40 - (size_t) n, "+07:00");
}

const char *o311_window (const char *start_date, const char *end_date, int64_t now_us,
                         char from[40], char to[40], char *why, size_t why_cap)
{
    static const char *format = "phải là thời điểm theo W3C có múi giờ, ví dụ "
                                "2022-02-01T00:00:00+07:00, hoặc một ngày YYYY-MM-DD";
    const int64_t span = O311_WINDOW_DAYS * US_PER_DAY;
    int has_start = start_date && *start_date, has_end = end_date && *end_date;
    int64_t s = 0, e = 0;
    if (has_start && !o311_parse_time (start_date, 0, &s)) {
        snprintf (why, why_cap, "%s", format);
        return "start_date";
    }
    if (has_end && !o311_parse_time (end_date, 1, &e)) {
        snprintf (why, why_cap, "%s", format);
        return "end_date";
    }
    if (!has_start && !has_end) {
        e = now_us;
        s = now_us - span;
    } else if (!has_end) {
        e = s + span;
    } else if (!has_start) {
        s = e - span;
    } else if (e < s) {
        snprintf (why, why_cap, "phải sau start_date");
        return "end_date";
    } else if (e - s > span) {
        snprintf (why, why_cap, "không được cách start_date quá %d ngày", O311_WINDOW_DAYS);
        return "end_date";
    }
    o311_format_time (s, from);
    o311_format_time (e, to);
    return NULL;
}

/* ------------------------------------------------------------ arguments */

int o311_form_type (const char *ct)
{
    if (!ct)
        return 1;
    static const char type[] = "application/x-www-form-urlencoded";
    size_t n = strcspn (ct, ";");
    while (n && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
        n--;
    if (n != sizeof type - 1 || strncasecmp (ct, type, n) != 0)
        return 0;
    const char *cs = strcasestr (ct, "charset=");
    if (!cs)
        return 1;
    cs += 8;
    if (*cs == '"')
        cs++;
    return strncasecmp (cs, "utf-8", 5) == 0 || strncasecmp (cs, "utf8", 4) == 0;
}

const char *o311_tracking_code (const char *s, char *out, size_t cap)
{
    size_t n = s ? strlen (s) : 0;
    if (n == 0 || n > O311_MAX_CODE || n >= cap)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!isalnum ((unsigned char) s[i]) && s[i] != '.' && s[i] != '-')
            return NULL;
    for (size_t i = 0; i < n; i++)
        out[i] = (char) toupper ((unsigned char) s[i]);
    out[n] = '\0';
    return out;
}

size_t o311_split (char *s, char **items, size_t cap, size_t *total)
{
    size_t n = 0;
    *total = 0;
    for (char *save = NULL, *t = s ? strtok_r (s, ",", &save) : NULL; t;
         t = strtok_r (NULL, ",", &save)) {
        while (*t == ' ')
            t++;
        size_t len = strlen (t);
        while (len && t[len - 1] == ' ')
            t[--len] = '\0';
        if (!len)
            continue;
        (*total)++;
        if (n < cap)
            items[n++] = t;
    }
    return n;
}

/* ------------------------------------------------------------ fields */

const char *o311_field (const char *service_field, int title_given)
{
    static const struct {
        const char *service, *open311;
    } map[] = {
        {"kind", "service_code"},
        {"content", "description"},
        {"submitter", "first_name, last_name, phone, email, address_string"},
        {"submitter.name", "first_name, last_name"},
        {"submitter.address", "address_string"},
        {"submitter.phone", "phone"},
        {"submitter.email", "email"},
        {"submitter.organization", "attribute[organization]"},
        {"procedure_code", "attribute[procedure_code]"},
        {"regulation_ref", "attribute[regulation_ref]"},
        {"attachment_ids", "media_url"},
        {"tracking_code", "service_request_id"},
    };
    if (!service_field)
        return "";
    if (strcmp (service_field, "title") == 0)
        return title_given ? "attribute[title]" : "description";
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp (map[i].service, service_field) == 0)
            return map[i].open311;
    return service_field;
}
