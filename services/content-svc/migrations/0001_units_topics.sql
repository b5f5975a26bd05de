-- Units of the department (phòng, đơn vị thuộc Sở) and the topics of
-- communication. Units are created through units.create so that every unit
-- reaches other services as a unit.created event; topics are reference data
-- from the plan (docs/plan-2022.md §2, II.1.a–i) and are seeded here.
CREATE TABLE units (
    id          bigserial PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9_-]{1,32}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    is_active   boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE topics (
    id         bigserial PRIMARY KEY,
    code       text NOT NULL UNIQUE,
    name       text NOT NULL,
    is_cchc    boolean NOT NULL,
    sort_order int NOT NULL
);

INSERT INTO topics (code, name, is_cchc, sort_order) VALUES
 ('cchc-tam-quan-trong', 'Tầm quan trọng, ý nghĩa, mục tiêu và tác động của cải cách hành chính đến phát triển kinh tế - xã hội', true, 1),
 ('cchc-chu-truong', 'Quan điểm, chủ trương của Đảng, chính sách pháp luật của Nhà nước và sự chỉ đạo của Tỉnh ủy, UBND tỉnh, Giám đốc Sở về cải cách hành chính', true, 2),
 ('cchc-nghi-quyet-tw4', 'Nghị quyết Trung ương 4 khóa XII về tăng cường xây dựng, chỉnh đốn Đảng', true, 3),
 ('cchc-trach-nhiem-nguoi-dung-dau', 'Vai trò, trách nhiệm của cấp ủy đảng, người đứng đầu các phòng, đơn vị trong cải cách hành chính', true, 4),
 ('cchc-chuong-trinh-tong-the', 'Chương trình tổng thể cải cách hành chính nhà nước 2021-2030 (Nghị quyết 76/NQ-CP, Chỉ thị 23/CT-TTg) và Kế hoạch cải cách hành chính tỉnh năm 2022', true, 5),
 ('cchc-chi-so', 'Kết quả các chỉ số PAR INDEX, SIPAS, PCI, ICT INDEX và PAPI', true, 6),
 ('cchc-ket-qua-tai-so', 'Kết quả cải cách hành chính tại Sở: tổ chức bộ máy, công vụ, công chức, tài chính công, hiện đại hóa nền hành chính', true, 7),
 ('cchc-mo-hinh-sang-kien', 'Mô hình, sáng kiến, điển hình tốt trong cải cách hành chính', true, 8),
 ('cchc-nha-nuoc-nhan-dan', 'Mối quan hệ giữa Nhà nước và nhân dân; quyền tham gia và giám sát cải cách hành chính của cá nhân, tổ chức', true, 9),
 ('tin-hoat-dong', 'Tin hoạt động của Sở', false, 10),
 ('dau-tu-phat-trien', 'Thu hút đầu tư và phát triển kinh tế - xã hội', false, 11),
 ('ho-tro-doanh-nghiep', 'Hỗ trợ doanh nghiệp', false, 12);
