-- bench/create.lua - POST /api/v1/complaints: a phone intake with a varying
-- customer and text, a unique Idempotency-Key per request, a bearer token.
-- Anything but 201 counts as unexpected.
--   BENCH_SITE_ID  a site id for the body (optional)
--   BENCH_WORKER   which of several wrk processes run side by side this is
--                  (default 0): keys and phones stay apart between them

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

setup = common.setup

local subjects = {
  "保养后发动机异响", "退款迟迟未到账", "维修等待时间过长", "服务人员态度恶劣",
  "快递包裹外包装破损", "赠品承诺未兑现", "发票开具错误", "新车漆面有划痕",
}
local problems = {
  "上周在店里做完保养后，怠速时有明显异响，",
  "退货寄回已经十五天，退款仍未到账，",
  "预约了上午九点保养，等到中午才开始施工，",
  "前台接待态度冷淡，问题没有人解释，",
  "收到的包裹外箱严重变形，里面的配件已摔坏，",
}
local channels = { "phone", "phone", "phone", "walk_in", "web", "email", "social" }
local surnames = { "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴" }
local given = { "伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇" }

local headers, site, run, n, tno

function init(args)
  headers = common.headers()
  headers["Content-Type"] = "application/json"
  site = os.getenv("BENCH_SITE_ID")
  tno = (tonumber(os.getenv("BENCH_WORKER") or "0") * 100) + (tid or 0)
  run = os.time() % 100000000
  n = 0
  math.randomseed(run * 100 + tno)
end

local function pick(t)
  return t[math.random(#t)]
end

function request()
  n = n + 1
  local seq = tno * 10000000 + n
  local body = string.format(
    '{"channel":"%s","received_at":"%s",' ..
    '"customer":{"name":"%s%s","phone":"139%08d","refs":{"plate":"京A%05d"}},' ..
    '"subject":"%s","content":"客户来电反映：%s希望尽快处理。（压测%d-%d）",' ..
    '"demands":"尽快处理并给出说明","severity":%d,"anger":%d%s}',
    pick(channels), os.date("!%Y-%m-%dT%H:%M:%SZ"),
    pick(surnames), pick(given), (run * 7 + seq) % 100000000, seq % 100000,
    pick(subjects), pick(problems), run, seq,
    math.random(1, 3), math.random(1, 5),
    site and (',"site_id":' .. site) or "")
  headers["Idempotency-Key"] = string.format("bench-%d-%d-%d", run, tno, n)
  return wrk.format("POST", "/api/v1/complaints", headers, body)
end

function response(status, headers, body)
  common.check(status, body, 201)
end

done = common.done
