-- bench/get.lua - GET /api/v1/complaints/{id} over random ids of the
-- generated range, with a bearer token.
--   BENCH_ID_MIN, BENCH_ID_MAX  the range of ids to read (inclusive)

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

setup = common.setup

local lo, hi, headers

function init(args)
  lo = tonumber(os.getenv("BENCH_ID_MIN") or "1")
  hi = tonumber(os.getenv("BENCH_ID_MAX") or "1000")
  headers = common.headers()
  math.randomseed(os.time() * 1000 + (tid or 0))
end

function request()
  return wrk.format("GET", "/api/v1/complaints/" .. math.random(lo, hi), headers)
end

function response(status, headers, body)
  common.check(status, body, 200)
end

done = common.done
