-- Month-end submissions for wrk: each request is a zone clerk's PATCH of one figure of their
-- zone's monthly return, from the version the return is at (as the page sends it).
--
--   KFQ_TARGETS=targets.txt KFQ_MONTH=2026-11 KFQ_THREADS=2 \
--     wrk -t2 -c4 -d10s --latency -s scripts/wrk/monthly-fill.lua http://127.0.0.1:18080
--
-- targets.txt: one line per zone, "zone_id project_id version token" — a project the zone
-- reports that month, the return's version, an API token of the zone's clerk
-- (scripts/bench-writes.sh writes it). Thread k of n takes every n-th zone and goes round them in turn: its j-th pass
-- over its zones writes at version + j, so no request is refused as stale while each thread
-- holds more zones than connections.
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  mine = {}
  local threads = tonumber(os.getenv("KFQ_THREADS") or "1")
  local i = 0
  for line in io.lines(os.getenv("KFQ_TARGETS")) do
    local zone, project, version, token = line:match("^(%d+)%s+(%d+)%s+(%d+)%s+(%S+)")
    if zone then
      if i % threads == id then
        mine[#mine + 1] = {
          zone = zone, project = project, version = tonumber(version),
          headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" },
        }
      end
      i = i + 1
    end
  end
  -- wrk calls the first thread's request() once more before the run, to check it builds a
  -- request: that call must not count as a pass, or that thread's first zone falls a version
  -- behind and is refused as stale from then on.
  sent = (id == 0) and -1 or 0
  month = os.getenv("KFQ_MONTH") or "2026-11"
end

function request()
  local pass = math.max(sent, 0)
  local target = mine[(pass % #mine) + 1]
  local version = target.version + math.floor(pass / #mine)
  sent = sent + 1
  local body = string.format(
    '{"version":%d,"figures":[{"project_id":%s,"invested_wan":"%d.%02d","progress":"wrk %d"}]}',
    version, target.project, 100 + sent % 9000, sent % 100, sent)
  return wrk.format("PATCH", "/api/v1/monthly/" .. target.zone .. "/" .. month, target.headers, body)
end

-- The first few refusals, so that a run that measured errors says which.
shown = 0
function response(status, headers, body)
  if status ~= 200 and shown < 3 then
    shown = shown + 1
    io.stderr:write(status .. " " .. body:sub(1, 300) .. "\n")
  end
end
