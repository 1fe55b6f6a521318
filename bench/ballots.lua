-- Each request casts (or changes) one voter's ballot: voters and their ballots come from the
-- file bench/seed_ballots.py wrote; wrk's threads take turns through them.
local voters = {}
local path = os.getenv("BALLOTS_PATH")

function init(args)
  for line in io.lines(os.getenv("VOTERS_FILE")) do
    local cookie, body = line:match("([^\t]+)\t(.+)")
    voters[#voters + 1] = { cookie = cookie, body = body }
  end
end

-- PACE_MS set: each connection is a voter who, after the receipt, thinks for about that long
-- (uniformly 0.5x to 1.5x) before the next ballot; so 64 voters offer a steady rate instead of
-- the server's maximum, and latency is measured at that rate.
local pace = tonumber(os.getenv("PACE_MS") or "")
if pace then
  function delay()
    return math.random(math.floor(pace / 2), math.floor(pace * 3 / 2))
  end
end

local n = 0
function request()
  n = n + 1
  local v = voters[(n % #voters) + 1]
  return wrk.format("POST", path, {
    ["Cookie"] = v.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Origin"] = "http://127.0.0.1:8802",
  }, v.body)
end

function done(summary, latency, requests)
  io.write(string.format("p95 %.2f ms\n", latency:percentile(95) / 1000))
  io.write(string.format("non-2xx %d\n", summary.errors.status))
end
