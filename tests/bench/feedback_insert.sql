-- pgbench script: one feedback submission as feedback-svc writes it
-- (services/feedback-svc/feedback_store.c: create_tx, statements fb_insert
-- and fb_history_add, then loa_outbox_add), into the scratch tables of
-- feedback_tables.sql: the item (RETURNING what the 201 carries), its first
-- history row and its feedback.received event, in one transaction. The
-- texts are those tests/bench/feedback.lua sends. Not here: the service's
-- read of calendar_version (at most once a second). pgbench makes 5 round
-- trips; the service, its transaction pipelined (docs/performance.md), 2 (3
-- with the calendar's version).
\set r random(1, 9000000000000000000)
\set day 20419
BEGIN;
INSERT INTO bench.feedback (tracking_code, kind, title, content, submitter_name,
    submitter_address, submitter_phone, submitter_email, submitter_org, phone_digits,
    email_lower, procedure_code, regulation_ref, attachment_ids, channel, api_key_id,
    received_at, registered_on, forward_due_at, due_at)
VALUES ('PAKN.BENCH.' || :r, 'recommendation',
    'Kiến nghị đơn giản hóa thủ tục đăng ký thành lập doanh nghiệp số ' || :client_id,
    'Đề nghị Sở Kế hoạch và Đầu tư cho phép nộp hồ sơ đăng ký doanh nghiệp hoàn toàn qua mạng, bỏ yêu cầu nộp bản giấy khi đã ký số, và công khai thời hạn giải quyết từng bước trên cổng thông tin.',
    'Nguyễn Thị Hương', 'Số 12 đường Lê Lợi, phường Thạch Thang, quận Hải Châu, Đà Nẵng',
    '0905 123 456', 'huong.nguyen@example.vn', '', '0905123456', lower('huong.nguyen@example.vn'),
    '', '', '{}'::bigint[], 'web', NULL::bigint,
    to_timestamp(extract(epoch FROM clock_timestamp())::double precision),
    (date '1970-01-01' + :day::integer),
    ((date '1970-01-01' + (:day + 7)::integer + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' - interval '1 second'),
    ((date '1970-01-01' + (:day + 21)::integer + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' - interval '1 second'))
ON CONFLICT (tracking_code) DO NOTHING
RETURNING id, feedback.rfc3339(received_at) AS received_at, feedback.rfc3339(due_at) AS due_at \gset
INSERT INTO bench.feedback_history (feedback_id, action, from_status, to_status, actor_id,
    unit_id, reason, answer)
VALUES (:id, 'received', '', 'received', 0, NULL::bigint, '', '');
INSERT INTO bench.outbox (topic, payload)
VALUES ('feedback.received', -- the size of the protobuf event
        '\xb8c9f98d2a45d9e5ecfff1df8f45fa07ff27d5a0b0999218edf46fe08df2e3e156bd7ac69d8057237bed69f3befecfc38b47f9ae38ad2ec116b398e82c86bee8c2c73106f724aa5fdd5d9a6c45b09d88032b95e1d02e4312033ff64ea3be1d356cea35dee2d752517c884812815662da13a8b009eab25210e568676ab6a72302b61c7e50f4c271b90863e2b2'::bytea);
END;
