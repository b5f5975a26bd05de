-- wrk script of the feedback row of `make bench`: POST /api/v1/feedback
-- with a valid submission (Vietnamese text, every required field), each from
-- its client address in X-Forwarded-For (the bench stack trusts it): a new
-- address every PER_ADDRESS requests, so the gateway's intake throttle
-- (20 per 10 minutes per address by default) counts every request but never
-- refuses one. Only 201 counts as success: done() prints one LOA_RESULT line
-- with the other answers in not201 (tests/bench/run.sh fails on any).
--
-- Arguments (after --): RUN, a number from 0 to 15 that keeps the addresses
-- of one wrk run apart from another's (a warm-up and its measurement).

local PER_ADDRESS = 8
local threads = {}
local next_id = 0

function setup(thread)
    thread:set("id", next_id)
    next_id = next_id + 1
    table.insert(threads, thread)
end

local title = "Kiến nghị đơn giản hóa thủ tục đăng ký thành lập doanh nghiệp số "
local body_head = '{"kind":"recommendation","title":"'
local body_tail = '","content":"Đề nghị Sở Kế hoạch và Đầu tư cho phép nộp hồ sơ đăng ký doanh nghiệp'
    .. ' hoàn toàn qua mạng, bỏ yêu cầu nộp bản giấy khi đã ký số, và công khai thời hạn giải quyết'
    .. ' từng bước trên cổng thông tin.","submitter":{"name":"Nguyễn Thị Hương",'
    .. '"address":"Số 12 đường Lê Lợi, phường Thạch Thang, quận Hải Châu, Đà Nẵng",'
    .. '"phone":"0905 123 456","email":"huong.nguyen@example.vn"}}'

local run, n = 0, 0
local headers = {}
not201 = 0 -- a global: done() reads it from each thread with thread:get

function init(args)
    run = tonumber(args[1] or "0") % 16
    headers["Content-Type"] = "application/json"
    headers["Accept"] = "application/json"
    headers["Host"] = wrk.headers["Host"]
end

function request()
    -- 10.<run, thread>.<hi>.<lo>: 65,536 addresses per thread and run.
    local a = math.floor(n / PER_ADDRESS) % 65536
    headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", (run * 16 + id) % 256,
        math.floor(a / 256), a % 256)
    n = n + 1
    return wrk.format("POST", "/api/v1/feedback", headers, body_head .. title .. n .. body_tail)
end

function response(status, hdrs, body)
    if status ~= 201 then
        not201 = not201 + 1
    end
end

function done(summary, latency, requests)
    local bad = 0
    for _, t in ipairs(threads) do
        bad = bad + (t:get("not201") or 0)
    end
    local e = summary.errors
    io.write(string.format(
        "LOA_RESULT rps=%.1f p50=%d p99=%d requests=%d socket_errors=%d non2xx=%d not201=%d\n",
        summary.requests / (summary.duration / 1e6),
        latency:percentile(50), latency:percentile(99), summary.requests,
        e.connect + e.read + e.write + e.timeout, e.status, bad))
end
