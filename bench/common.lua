-- bench/common.lua - what every Redress wrk script shares: per-thread ids,
-- counting unexpected statuses, and one machine-readable result line.
--
-- Loaded by each script with dofile() from the script's own directory.
-- Settings come from the environment (bench/run.sh sets them):
--   BENCH_NAME   the label of the result line
--   BENCH_TOKEN  an API token, sent as "Authorization: Bearer ..." when set
--   BENCH_QUANTILES=1  also print the latency distribution as 1,000
--                quantiles, so that bench/run.sh can merge the runs of
--                several wrk processes driving several nodes at once

local M = {}

local threads = {}
local next_tid = 0

-- setup() runs in the main Lua state once per wrk thread, before init().
function M.setup(thread)
  next_tid = next_tid + 1
  thread:set("tid", next_tid)
  table.insert(threads, thread)
end

-- Headers every request carries.
function M.headers()
  local h = { ["Accept"] = "application/json" }
  local token = os.getenv("BENCH_TOKEN")
  if token and token ~= "" then
    h["Authorization"] = "Bearer " .. token
  end
  return h
end

-- Counts a response whose status is not `want` (per thread, in globals that
-- done() reads back with thread:get), keeping the first one for the report.
function M.check(status, body, want)
  if status ~= want then
    bad = (bad or 0) + 1
    if first_bad == nil then
      first_bad = tostring(status) .. " " .. string.sub(body or "", 1, 300)
    end
  end
end

-- done() runs in the main state: prints wrk's figures and the script's own
-- count of unexpected statuses as one line for bench/run.sh to parse.
function M.done(summary, latency, requests)
  local name = os.getenv("BENCH_NAME") or "bench"
  local secs = summary.duration / 1e6
  local total_bad, sample = 0, nil
  for _, t in ipairs(threads) do
    total_bad = total_bad + (t:get("bad") or 0)
    sample = sample or t:get("first_bad")
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH name=%s requests=%d seconds=%.2f rps=%.1f p50_ms=%.3f p90_ms=%.3f " ..
    "p99_ms=%.3f max_ms=%.3f unexpected=%d errors_connect=%d errors_read=%d " ..
    "errors_write=%d errors_status=%d errors_timeout=%d\n",
    name, summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, total_bad,
    e.connect, e.read, e.write, e.status, e.timeout))
  if os.getenv("BENCH_QUANTILES") == "1" then
    local q = {}
    for i = 1, 999 do
      q[i] = string.format("%.3f", latency:percentile(i / 10) / 1000)
    end
    io.write("BENCH_QUANTILES name=" .. name .. " ms=" .. table.concat(q, ",") .. "\n")
  end
  if sample then
    io.write(string.format("BENCH_SAMPLE name=%s first unexpected response: %s\n",
                           name, (sample:gsub("\n", " "))))
  end
end

return M
