-- The benchmark's articles: 10,000 published articles spread over every
-- unit, topic and the last 10,000 hours, with Vietnamese titles and bodies
-- of a realistic size (about 2 KB). Loaded straight into content-svc's
-- schema, as a restore would: the workflow itself is what the end-to-end
-- tests exercise; here only the reads are measured.
SET search_path = content, public;
INSERT INTO articles (slug, unit_id, title, summary, body, body_html, topic_ids, is_cchc, status,
                      author_id, created_at, updated_at, published_at)
SELECT 'bench-bai-viet-' || g,
       u.ids[1 + g % array_length(u.ids, 1)],
       p.phrase || ': bản tin số ' || g,
       'Tóm tắt bản tin số ' || g || ' về ' || lower(p.phrase),
       repeat(p.phrase || ' tại Sở Kế hoạch và Đầu tư, kết quả triển khai và kế hoạch năm tới. ', 20),
       '<p>' || repeat(p.phrase || ' tại Sở Kế hoạch và Đầu tư, kết quả triển khai và kế hoạch năm tới. ', 20) || '</p>',
       ARRAY[(g % 12) + 1]::bigint[],
       (g % 12) < 9,
       'published', 1,
       now() - g * interval '1 hour', now() - g * interval '1 hour', now() - g * interval '1 hour'
FROM generate_series(1, 10000) AS g
CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM units) AS u
CROSS JOIN LATERAL (SELECT (ARRAY['Cải cách hành chính', 'Đăng ký kinh doanh qua mạng',
                                  'Thu hút đầu tư', 'Chuyển đổi số trong cơ quan nhà nước',
                                  'Hỗ trợ doanh nghiệp nhỏ và vừa', 'Một cửa liên thông',
                                  'Chỉ số PAR INDEX và SIPAS'])[1 + g % 7] AS phrase) AS p;
VACUUM ANALYZE articles;
