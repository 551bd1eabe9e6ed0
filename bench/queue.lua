-- bench/queue.lua - a department's work queue, as a manager opens it:
-- GET /api/v1/complaints?sort=due&status=assigned,in_progress&department_id=N&limit=50,
-- rotating over the departments.
--   BENCH_DEPTS  comma-separated department ids (default "1")

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

setup = common.setup

local reqs = {}
local n = 0

function init(args)
  local headers = common.headers()
  for id in string.gmatch(os.getenv("BENCH_DEPTS") or "1", "%d+") do
    table.insert(reqs, wrk.format("GET",
      "/api/v1/complaints?sort=due&status=assigned,in_progress&department_id=" ..
      id .. "&limit=50", headers))
  end
  n = tid or 0 -- threads start on different departments
end

function request()
  n = n + 1
  return reqs[n % #reqs + 1]
end

function response(status, headers, body)
  common.check(status, body, 200)
end

done = common.done
