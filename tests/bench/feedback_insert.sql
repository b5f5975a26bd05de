-- pgbench script: one feedback submission as feedback-svc writes it
-- (services/feedback-svc/feedback_store.c, create_tx), into the scratch
-- tables of feedback_tables.sql: the item (RETURNING what the 201 carries),
-- its first history row and its feedback.received event, in one
-- transaction. The texts are those tests/bench/feedback.lua sends.
\set r random(1, 9000000000000000000)
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
    to_timestamp(extract(epoch FROM clock_timestamp())), current_date,
    current_date + 7 + interval '1 day' - interval '1 second',
    current_date + 21 + interval '1 day' - interval '1 second')
ON CONFLICT (tracking_code) DO NOTHING
RETURNING id, feedback.rfc3339(received_at) AS received_at, feedback.rfc3339(due_at) AS due_at \gset
INSERT INTO bench.feedback_history (feedback_id, action, from_status, to_status, actor_id,
    unit_id, reason)
VALUES (:id, 'received', '', 'received', 0, NULL::bigint, '');
INSERT INTO bench.outbox (topic, payload)
VALUES ('feedback.received', -- about the size of the protobuf event
        '\x08d20f121650414b4e2e32303232303231352e4142434445461a0e7265636f6d6d656e646174696f6e2208726563656976656432193230323230323135543038303030302b30373a30303a19323032323033303732333539353920b2b030373a30304203776562'::bytea);
END;
