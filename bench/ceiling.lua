-- bench/ceiling.lua - GET /api/v1/version: a route that touches no store, so
-- its rate is the ceiling of the HTTP stack the other scripts share. Sends no
-- credentials (authenticating would read the store).

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

setup = common.setup

local req

function init(args)
  req = wrk.format("GET", "/api/v1/version", { ["Accept"] = "application/json" })
end

function request()
  return req
end

function response(status, headers, body)
  common.check(status, body, 200)
end

done = common.done
