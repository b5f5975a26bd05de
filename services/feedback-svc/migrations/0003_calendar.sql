-- The working-day calendar and the deadline rules of feedback (docs/api/feedback.md
-- "Feedback"; services/common/calendar.h for the arithmetic,
-- services/feedback-svc/deadlines.h for how feedback-svc applies them).
--
-- A day is a working day when it is Monday to Friday and not a holiday or a
-- compensatory day, or when it is a working_saturday. Weekends need no row.
-- Admins correct a year with PUT /api/v1/calendar/{year}.

CREATE TABLE calendar_days (
    date       date PRIMARY KEY,
    type       text NOT NULL CHECK (type IN ('holiday', 'compensatory', 'working_saturday')),
    name       text NOT NULL CHECK (name <> '' AND char_length(name) <= 200),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by bigint NOT NULL DEFAULT 0      -- the admin's user id; 0: this migration
);

-- Each row is in force from effective_from until the next row's
-- effective_from; an item takes the row in force on its day of receipt.
CREATE TABLE deadline_rules (
    id                   bigserial PRIMARY KEY,
    forward_working_days integer NOT NULL CHECK (forward_working_days BETWEEN 1 AND 60),
    answer_working_days  integer NOT NULL CHECK (answer_working_days BETWEEN 1 AND 120),
    cutoff_time          time NOT NULL,
    effective_from       date NOT NULL UNIQUE,
    created_at           timestamptz NOT NULL DEFAULT now(),
    created_by           bigint NOT NULL DEFAULT 0
);

-- Decree 20/2008/NĐ-CP as amended by 92/2017/NĐ-CP: 5 working days to
-- forward what is not the department's, 15 to answer; the one-stop desk's
-- afternoon cut-off 15:00.
INSERT INTO deadline_rules (forward_working_days, answer_working_days, cutoff_time, effective_from)
VALUES (5, 15, '15:00', '2022-01-01');

-- One counter that every write of either table bumps (statement triggers,
-- so that a change made by hand in SQL counts too): each feedback-svc
-- process keeps a copy of both tables and reloads it when the counter it
-- reads differs from the one it loaded (deadlines.c).
CREATE TABLE calendar_version (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version  bigint NOT NULL
);
INSERT INTO calendar_version (version) VALUES (1);

-- SET search_path FROM CURRENT: the trigger finds calendar_version in this
-- schema whatever the search_path of the session that writes.
CREATE FUNCTION calendar_version_bump() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE calendar_version SET version = version + 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER calendar_days_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_days
    FOR EACH STATEMENT EXECUTE FUNCTION calendar_version_bump();
CREATE TRIGGER deadline_rules_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON deadline_rules
    FOR EACH STATEMENT EXECUTE FUNCTION calendar_version_bump();

-- Days off of civil servants (cán bộ, công chức, viên chức), 2022-2027.
-- Labour Code 2019 art. 112: Tết Dương lịch 1/1; Tết Nguyên đán 5 days;
-- Giỗ Tổ Hùng Vương 10/3 lunar; Ngày Chiến thắng 30/4; Quốc tế Lao động
-- 1/5; Quốc khánh 2/9 and one day before or after it. Art. 111: a holiday
-- on a weekend gives a compensatory day on the next working day. The Prime
-- Minister fixes the Tết days and the day next to 2/9 each year, and the
-- Ministry (Labour, then Home Affairs) announces swaps with a working
-- Saturday.
--
-- Conventions of these rows:
-- - Tết: every weekday of the announced break is a holiday (the break's 5
--   days of Tết already count the weekend days it covers).
-- - A fixed-date holiday on a weekend has its own row (type holiday) and
--   its compensatory day on the next free weekday.
-- - A swap: the weekday off is compensatory, the Saturday worked is
--   working_saturday.
-- - Lunar dates by Hồ Ngọc Đức's algorithm for UTC+7 (the Vietnamese
--   calendar): mùng 1 Tết 2022-02-01, 2023-01-22, 2024-02-10, 2025-01-29,
--   2026-02-17, 2027-02-06; 10/3 lunar 2022-04-10, 2023-04-29, 2024-04-18,
--   2025-04-07, 2026-04-26, 2027-04-16.
-- - 2022-2025 as announced (the swaps: 2024 Monday 29/4 for Saturday 4/5,
--   2025 Friday 2/5 for Saturday 26/4). 2026: Tết 16/2-20/2 (29 tháng Chạp
--   to mùng 4), the schedule reported as announced; the day next to 2/9 was
--   not known when this was written: Tuesday 1/9 is an estimate, named
--   "(dự kiến)"; no swap is known for 2026. 2027: nothing announced; the
--   fixed-date holidays and their compensatory days follow from the law,
--   Tết and the day next to 2/9 are estimates named "(dự kiến)": Tết
--   follows 2024, whose mùng 1 was a Saturday too (the second-last day of
--   tháng Chạp to mùng 5), and 2/9 a Thursday takes Friday 3/9.
-- Correct any of it with PUT /api/v1/calendar/{year}.
INSERT INTO calendar_days (date, type, name) VALUES
    -- 2022 (Tết Nhâm Dần)
    ('2022-01-01', 'holiday', 'Tết Dương lịch'),
    ('2022-01-03', 'compensatory', 'Nghỉ bù Tết Dương lịch'),
    ('2022-01-31', 'holiday', 'Tết Nguyên đán'),
    ('2022-02-01', 'holiday', 'Tết Nguyên đán'),
    ('2022-02-02', 'holiday', 'Tết Nguyên đán'),
    ('2022-02-03', 'holiday', 'Tết Nguyên đán'),
    ('2022-02-04', 'holiday', 'Tết Nguyên đán'),
    ('2022-04-10', 'holiday', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)'),
    ('2022-04-11', 'compensatory', 'Nghỉ bù Giỗ Tổ Hùng Vương'),
    ('2022-04-30', 'holiday', 'Ngày Chiến thắng 30/4'),
    ('2022-05-01', 'holiday', 'Quốc tế Lao động 1/5'),
    ('2022-05-02', 'compensatory', 'Nghỉ bù Ngày Chiến thắng 30/4'),
    ('2022-05-03', 'compensatory', 'Nghỉ bù Quốc tế Lao động 1/5'),
    ('2022-09-01', 'holiday', 'Quốc khánh 2/9 (ngày nghỉ liền kề)'),
    ('2022-09-02', 'holiday', 'Quốc khánh 2/9'),
    -- 2023 (Tết Quý Mão)
    ('2023-01-01', 'holiday', 'Tết Dương lịch'),
    ('2023-01-02', 'compensatory', 'Nghỉ bù Tết Dương lịch'),
    ('2023-01-20', 'holiday', 'Tết Nguyên đán'),
    ('2023-01-23', 'holiday', 'Tết Nguyên đán'),
    ('2023-01-24', 'holiday', 'Tết Nguyên đán'),
    ('2023-01-25', 'holiday', 'Tết Nguyên đán'),
    ('2023-01-26', 'holiday', 'Tết Nguyên đán'),
    ('2023-04-29', 'holiday', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)'),
    ('2023-04-30', 'holiday', 'Ngày Chiến thắng 30/4'),
    ('2023-05-01', 'holiday', 'Quốc tế Lao động 1/5'),
    ('2023-05-02', 'compensatory', 'Nghỉ bù Giỗ Tổ Hùng Vương'),
    ('2023-05-03', 'compensatory', 'Nghỉ bù Ngày Chiến thắng 30/4'),
    ('2023-09-01', 'holiday', 'Quốc khánh 2/9 (ngày nghỉ liền kề)'),
    ('2023-09-02', 'holiday', 'Quốc khánh 2/9'),
    ('2023-09-04', 'compensatory', 'Nghỉ bù Quốc khánh 2/9'),
    -- 2024 (Tết Giáp Thìn); Monday 29/4 off, swapped for Saturday 4/5
    ('2024-01-01', 'holiday', 'Tết Dương lịch'),
    ('2024-02-08', 'holiday', 'Tết Nguyên đán'),
    ('2024-02-09', 'holiday', 'Tết Nguyên đán'),
    ('2024-02-12', 'holiday', 'Tết Nguyên đán'),
    ('2024-02-13', 'holiday', 'Tết Nguyên đán'),
    ('2024-02-14', 'holiday', 'Tết Nguyên đán'),
    ('2024-04-18', 'holiday', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)'),
    ('2024-04-29', 'compensatory', 'Nghỉ bù (hoán đổi, làm bù thứ Bảy 04/5/2024)'),
    ('2024-04-30', 'holiday', 'Ngày Chiến thắng 30/4'),
    ('2024-05-01', 'holiday', 'Quốc tế Lao động 1/5'),
    ('2024-05-04', 'working_saturday', 'Làm bù cho ngày 29/4/2024'),
    ('2024-09-02', 'holiday', 'Quốc khánh 2/9'),
    ('2024-09-03', 'holiday', 'Quốc khánh 2/9 (ngày nghỉ liền kề)'),
    -- 2025 (Tết Ất Tỵ); Friday 2/5 off, swapped for Saturday 26/4
    ('2025-01-01', 'holiday', 'Tết Dương lịch'),
    ('2025-01-27', 'holiday', 'Tết Nguyên đán'),
    ('2025-01-28', 'holiday', 'Tết Nguyên đán'),
    ('2025-01-29', 'holiday', 'Tết Nguyên đán'),
    ('2025-01-30', 'holiday', 'Tết Nguyên đán'),
    ('2025-01-31', 'holiday', 'Tết Nguyên đán'),
    ('2025-04-07', 'holiday', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)'),
    ('2025-04-26', 'working_saturday', 'Làm bù cho ngày 02/5/2025'),
    ('2025-04-30', 'holiday', 'Ngày Chiến thắng 30/4'),
    ('2025-05-01', 'holiday', 'Quốc tế Lao động 1/5'),
    ('2025-05-02', 'compensatory', 'Nghỉ bù (hoán đổi, làm bù thứ Bảy 26/4/2025)'),
    ('2025-09-01', 'holiday', 'Quốc khánh 2/9 (ngày nghỉ liền kề)'),
    ('2025-09-02', 'holiday', 'Quốc khánh 2/9'),
    -- 2026 (Tết Bính Ngọ)
    ('2026-01-01', 'holiday', 'Tết Dương lịch'),
    ('2026-02-16', 'holiday', 'Tết Nguyên đán'),
    ('2026-02-17', 'holiday', 'Tết Nguyên đán'),
    ('2026-02-18', 'holiday', 'Tết Nguyên đán'),
    ('2026-02-19', 'holiday', 'Tết Nguyên đán'),
    ('2026-02-20', 'holiday', 'Tết Nguyên đán'),
    ('2026-04-26', 'holiday', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)'),
    ('2026-04-27', 'compensatory', 'Nghỉ bù Giỗ Tổ Hùng Vương'),
    ('2026-04-30', 'holiday', 'Ngày Chiến thắng 30/4'),
    ('2026-05-01', 'holiday', 'Quốc tế Lao động 1/5'),
    ('2026-09-01', 'holiday', 'Quốc khánh 2/9 (ngày nghỉ liền kề, dự kiến)'),
    ('2026-09-02', 'holiday', 'Quốc khánh 2/9'),
    -- 2027 (Tết Đinh Mùi): not announced yet
    ('2027-01-01', 'holiday', 'Tết Dương lịch'),
    ('2027-02-04', 'holiday', 'Tết Nguyên đán (dự kiến)'),
    ('2027-02-05', 'holiday', 'Tết Nguyên đán (dự kiến)'),
    ('2027-02-08', 'holiday', 'Tết Nguyên đán (dự kiến)'),
    ('2027-02-09', 'holiday', 'Tết Nguyên đán (dự kiến)'),
    ('2027-02-10', 'holiday', 'Tết Nguyên đán (dự kiến)'),
    ('2027-04-16', 'holiday', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)'),
    ('2027-04-30', 'holiday', 'Ngày Chiến thắng 30/4'),
    ('2027-05-01', 'holiday', 'Quốc tế Lao động 1/5'),
    ('2027-05-03', 'compensatory', 'Nghỉ bù Quốc tế Lao động 1/5'),
    ('2027-09-02', 'holiday', 'Quốc khánh 2/9'),
    ('2027-09-03', 'holiday', 'Quốc khánh 2/9 (ngày nghỉ liền kề, dự kiến)');
