-- wrk script for `make load`: each wrk thread walks its own stretch of a list of paths (one a
-- line), so no path is asked twice in a run; prints one line of figures at the end.
--   wrk -t THREADS ... -s bin/load.d/mix.lua URL -- PATHS_FILE LABEL THREADS
local paths = {}
label = "mix"  -- globals: done() reads them from the threads
local counter = 0
local threads = {}
statuses = {}  -- a global: done() reads it from each thread

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    table.insert(paths, line)
  end
  label = args[2] or label
  -- Thread N starts at the Nth of THREADS equal stretches (its own Lua state knows no other).
  counter = id * math.floor(#paths / tonumber(args[3] or 1))
  statuses = {}
end

function request()
  local path = paths[(counter % #paths) + 1]
  counter = counter + 1
  return wrk.format("GET", path)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local codes = {}
  label = threads[1]:get("label")
  for _, thread in ipairs(threads) do
    local seen = thread:get("statuses")
    for status, count in pairs(seen) do
      codes[status] = (codes[status] or 0) + count
    end
  end
  local listed = {}
  for status, count in pairs(codes) do
    table.insert(listed, string.format("%d:%d", status, count))
  end
  table.sort(listed)
  local errors = summary.errors
  local socket_errors = errors.connect + errors.read + errors.write + errors.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT %s requests=%d rps=%.1f p50_ms=%.1f p99_ms=%.1f http_errors=%d socket_errors=%d statuses=%s\n",
    label, summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors.status, socket_errors, table.concat(listed, ",")))
end
