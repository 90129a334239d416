-- wrk script for bench/wrk.ts: every request carries the next session's
-- cookie (round robin over a file of "sid=…" lines), like the issue's load.
--   wrk … -s bench/wrk/rotate.lua <url> -- <mode> <path> <cookies-file> [product ids, comma-separated] [key prefix]
-- mode "get": GET <path>.  mode "add": POST <path> {"productId":…,"quantity":1}
-- with an Idempotency-Key per request (as the shop's own client sends), the
-- product advancing once per pass over the sessions so adds spread over the
-- catalog and every session stays far inside the cart's limits.
-- done() prints one JSON line: counts, wrk's socket errors, non-2xx, latency (µs).

local threads = {}
local nextId = 0

function setup(thread)
  thread:set("tid", nextId)
  nextId = nextId + 1
  table.insert(threads, thread)
end

local mode, path, prefix, host
local cookies = {}
local products = {}
local counter = 0
non2xx = 0
statuses = ""
local statusCounts = {}

function init(args)
  mode = args[1]
  path = args[2]
  for line in io.lines(args[3]) do
    if #line > 0 then cookies[#cookies + 1] = line end
  end
  if args[4] and #args[4] > 0 then
    for id in string.gmatch(args[4], "%d+") do products[#products + 1] = id end
  end
  prefix = (args[5] or "bench") .. "-" .. tid
  host = wrk.host
  if wrk.port then host = host .. ":" .. wrk.port end
  -- Threads start at different sessions.
  counter = tid * 7
end

function request()
  counter = counter + 1
  local n = #cookies
  local cookie = cookies[counter % n + 1]
  if mode == "add" then
    local product = products[math.floor(counter / n) % #products + 1]
    local body = '{"productId":' .. product .. ',"quantity":1}'
    return wrk.format("POST", path, {
      ["Host"] = host,
      ["Cookie"] = cookie,
      ["Content-Type"] = "application/json",
      ["Idempotency-Key"] = prefix .. "-" .. counter,
    }, body)
  end
  return wrk.format("GET", path, { ["Host"] = host, ["Cookie"] = cookie, ["Accept"] = "text/html,application/json" })
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    local key = tostring(status)
    statusCounts[key] = (statusCounts[key] or 0) + 1
    local parts = {}
    for k, v in pairs(statusCounts) do parts[#parts + 1] = '"' .. k .. '":' .. v end
    statuses = table.concat(parts, ",")
  end
end

function done(summary, latency, requests)
  local bad = 0
  local merged = {}
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
    local s = thread:get("statuses") or ""
    for k, v in string.gmatch(s, '"(%d+)":(%d+)') do merged[k] = (merged[k] or 0) + tonumber(v) end
  end
  local parts = {}
  for k, v in pairs(merged) do parts[#parts + 1] = '"' .. k .. '":' .. v end
  local e = summary.errors
  io.write(string.format(
    '{"wrk":1,"requests":%d,"durationUs":%d,"bytes":%d,"non2xx":%d,"statusCounts":{%s},' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latencyUs":{"min":%d,"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes, bad, table.concat(parts, ","),
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
