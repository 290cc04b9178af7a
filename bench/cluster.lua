-- wrk script for bench/cluster.sh: thread i sends every request to node i mod N of the
-- comma-separated NODES (host:port), so the nodes share the load round-robin by thread,
-- and `done` prints how many good responses each node gave.
local nodes = {}
for n in string.gmatch(os.getenv("NODES") or "", "[^,]+") do
  table.insert(nodes, n)
end
local threads = {}

function setup(thread)
  local i = #threads % #nodes + 1
  local host, port = nodes[i]:match("^([^:]+):(%d+)$")
  thread.addr = wrk.lookup(host, port)[1]
  thread:set("node", i)
  table.insert(threads, thread)
end

function init(args)
  ok = 0
  bad = 0
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  else
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local per, failed = {}, 0
  for _, t in ipairs(threads) do
    local i = t:get("node")
    per[i] = (per[i] or 0) + t:get("ok")
    failed = failed + t:get("bad")
  end
  local secs = summary.duration / 1e6
  for i = 1, #nodes do
    io.write(string.format("node %d %s %.0f\n", i, nodes[i], (per[i] or 0) / secs))
  end
  io.write(string.format("non200 %d\n", failed))
  io.write(string.format("p99ms %.2f\n", latency:percentile(99) / 1000))
end
