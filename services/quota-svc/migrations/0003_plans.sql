-- The year's communication plan (kế hoạch tuyên truyền) and its activities
-- (the annex's rows), with what the units report having done for each.
-- A plan per year. Units are quota's mirror (units, from content events):
-- an activity's lead may be known only by its code until the unit's event
-- arrives (lead_unit_id NULL), then quota_events resolves it
-- (plan_store_resolve_leads).
CREATE TABLE plans (
    id           bigserial PRIMARY KEY,
    year         integer NOT NULL UNIQUE CHECK (year BETWEEN 2000 AND 2100),
    title        text NOT NULL,
    document_ref text NOT NULL DEFAULT '',
    summary      text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   bigint NOT NULL DEFAULT 0,      -- 0: the seed
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- partner_units: units of the department that take part (they may report);
-- partners_note: partners outside it, in words ("Sở Nội vụ").
CREATE TABLE plan_activities (
    id             bigserial PRIMARY KEY,
    plan_id        bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    position       integer NOT NULL CHECK (position > 0),
    form           text NOT NULL,
    content        text NOT NULL,
    schedule       text NOT NULL DEFAULT '',
    lead_unit_id   bigint,
    lead_unit_code text,
    partner_units  bigint[] NOT NULL DEFAULT '{}',
    partners_note  text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plan_activities_plan ON plan_activities (plan_id, position);
CREATE INDEX plan_activities_unresolved ON plan_activities (lead_unit_code)
    WHERE lead_unit_id IS NULL;

-- What a unit did for an activity, on which day; evidence as links and
-- media-svc attachment ids.
CREATE TABLE activity_reports (
    id             bigserial PRIMARY KEY,
    activity_id    bigint NOT NULL REFERENCES plan_activities (id) ON DELETE CASCADE,
    unit_id        bigint NOT NULL,
    done_on        date NOT NULL,
    description    text NOT NULL,
    evidence_links text[] NOT NULL DEFAULT '{}',
    attachment_ids bigint[] NOT NULL DEFAULT '{}',
    created_by     bigint NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activity_reports_activity ON activity_reports (activity_id, done_on);

-- The 2022 plan of Sở Kế hoạch và Đầu tư Bắc Ninh and its annex's five rows
-- (seed/ke-hoach-tuyen-truyen-cchc-2022.txt).
WITH p AS (
    INSERT INTO plans (year, title, document_ref, summary) VALUES (
        2022,
        'Kế hoạch tuyên truyền cải cách hành chính năm 2022',
        'Kế hoạch số .../KH-KHĐT tháng 02/2022 của Sở Kế hoạch và Đầu tư',
        'Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh ban hành Kế hoạch tuyên truyền công tác cải cách hành chính năm 2022, căn cứ Kế hoạch số 22/KH-UBND của UBND tỉnh Bắc Ninh về Kế hoạch cải cách hành chính tỉnh Bắc Ninh năm 2022 và Kế hoạch số 2717/KH-KHĐT ngày 30/12/2021 của Sở. Thanh tra Sở chủ trì, phối hợp với các phòng, đơn vị thực hiện; kinh phí từ nguồn kinh phí CCHC trong dự toán ngân sách hằng năm của Sở.')
    RETURNING id
)
INSERT INTO plan_activities (plan_id, position, form, content, schedule, lead_unit_code, partners_note)
SELECT p.id, a.position, a.form, a.content, 'Thường xuyên trong năm', a.lead, a.partners
FROM p, (VALUES
    (1,
     'Niêm yết công khai tại: Trụ sở cơ quan; Cổng thông tin điện tử; Trung tâm Hành chính công tỉnh',
     '+ Chức năng, nhiệm vụ, quyền hạn, cơ cấu tổ chức.
+ Số điện thoại đường dây nóng, địa chỉ email nhận phản ánh, kiến nghị.
+ Bộ thủ tục hành chính thuộc thẩm quyền giải quyết được Chủ tịch UBND tỉnh Quyết định công bố.
+ Đánh giá cán bộ, công chức làm việc tại Bộ phận tiếp nhận và trả kết quả và cán bộ, công chức liên quan đến việc giải quyết các thủ tục hành chính.',
     'TTRA', ''),
    (2,
     'Lồng ghép tuyên truyền về cải cách hành chính (CCHC)',
     'Lồng ghép với công tác:
+ Kiểm tra cải cách hành chính.
+ Tập huấn cải cách hành chính.
+ Giao ban, hội nghị tổng kết, triển khai nhiệm vụ công tác.',
     'TTRA', 'Các phòng, đơn vị liên quan'),
    (3,
     'Cổng thông tin điện tử của Sở',
     '+ Xây dựng, cập nhật tin, bài, hình ảnh về CCHC tuyên truyền trên Cổng thông tin điện tử.
+ Cập nhật, đăng tải bộ thủ tục hành chính của Sở mới ban hành hoặc sửa đổi, bổ sung theo Quyết định của Chủ tịch UBND tỉnh.
+ Thông tin tuyên truyền về các TTHC đầu tư công thực hiện giải quyết trực tuyến từ năm 2021.',
     'TTRA', 'Các phòng, đơn vị liên quan'),
    (4,
     'Phương tiện thông tin đại chúng',
     '+ Xây dựng, cập nhật tin, bài, hình ảnh về CCHC tuyên truyền.
+ Chuyển tải các thông tin, hoạt động về công tác CCHC, kết quả giải quyết TTHC.',
     'TTRA', 'Sở Nội vụ, các cơ quan, đơn vị có liên quan'),
    (5,
     'Phối hợp với Đài Phát thanh và Truyền hình tỉnh',
     '+ Kết hợp thông tin về các chủ trương, chính sách liên quan đến CCHC.
+ Biểu dương các mô hình, cơ chế quản lý hiệu quả, sáng kiến CCHC (nếu có); tin bài và video về công tác tiếp nhận và trả kết quả 4 tại chỗ tại Trung tâm Hành chính công tỉnh.',
     'DKKD', 'Đài Phát thanh và Truyền hình tỉnh')
) AS a (position, form, content, lead, partners);

-- Units already mirrored (an upgrade of a running system) resolve at once.
UPDATE plan_activities a SET lead_unit_id = u.unit_id
FROM units u WHERE a.lead_unit_id IS NULL AND a.lead_unit_code = u.code;
