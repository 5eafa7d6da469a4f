-- wrk: POSTs prepared OpenID4VP answers, each once (a request accepts one answer).
-- BENCH_PRESENTATIONS_FILE holds one "path<TAB>form body" per line; wrk's threads take
-- every n-th line. A thread stops when its lines run out; done() prints one JSON line.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local count = tonumber(os.getenv("BENCH_WRK_THREADS"))
  prepared = {}
  local index = 0
  for line in io.lines(os.getenv("BENCH_PRESENTATIONS_FILE")) do
    if index % count == id then
      local path, body = line:match("^(%S+)\t(.*)$")
      table.insert(prepared, wrk.format(
        "POST", path, {["Content-Type"] = "application/x-www-form-urlencoded"}, body))
    end
    index = index + 1
  end
  sent = 0
  answered = 0
  refused = 0
end

function request()
  sent = sent + 1
  if sent > #prepared then
    -- Out of answers: this one is a replay (refused, counted apart), and the thread ends.
    wrk.thread:stop()
    return prepared[#prepared]
  end
  return prepared[sent]
end

function response(status, headers, body)
  answered = answered + 1
  if status ~= 200 then
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local refused_total = 0
  for _, thread in ipairs(threads) do
    refused_total = refused_total + thread:get("refused")
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "refused": %d, ' ..
    '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    refused_total, errors.connect, errors.read, errors.write, errors.timeout))
end
