#!/usr/bin/env bash
# make bench-service: `greenlight serve` (release, SQLite, two workers) with 10 000 queued jobs
# while 50 API clients (wrk) ask for jobs, queue listings, a file's history, metrics, the
# dashboard and submit more, for 30 s. Prints the API's latency percentiles (p99 must stay under
# 100 ms), how many jobs the workers finished meanwhile, and the server's memory before, at its
# highest and after. BENCH_DATABASE=postgres://… runs the same against PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${BENCH_JOBS:-10000}
clients=${BENCH_CLIENTS:-50}
seconds=${BENCH_SECONDS:-30}
swift build -c release --product greenlight >/dev/null
bin="$(swift build -c release --show-bin-path)/greenlight"
. scripts/service-lib.sh
# A hundred names for one short clip (hard links): jobs go round them, as a facility's files do,
# so no one file's history grows with the whole benchmark.
cp sample-media/static-noise.mp4 "$work/root/clip-000.mp4"
for i in $(seq -w 1 99); do ln "$work/root/clip-000.mp4" "$work/root/clip-0$i.mp4"; done
store=(--data "$work/data")
[ -z "${BENCH_DATABASE:-}" ] || store=(--database "$BENCH_DATABASE")
start_serve "$bin" --root "$work/root" "${store[@]}" --workers "${BENCH_WORKERS:-2}"
rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status"; }
echo "bench-service: greenlight serve on $base, $( [ -z "${BENCH_DATABASE:-}" ] && echo SQLite || echo PostgreSQL ), ${BENCH_WORKERS:-2} workers; memory at start $(rss) MB"

python3 - "$base" "$work/root" "$jobs" <<'PY'
import json, sys, time, urllib.request
from concurrent.futures import ThreadPoolExecutor
base, root, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def submit(i):
    body = json.dumps({"paths": [f"{root}/clip-{i % 100:03d}.mp4"]}).encode()
    t = time.perf_counter()
    r = urllib.request.urlopen(urllib.request.Request(base + "/api/v1/jobs", data=body, headers={"Content-Type": "application/json"}))
    assert r.status == 201
    return time.perf_counter() - t
t0 = time.perf_counter()
with ThreadPoolExecutor(16) as pool:
    lat = sorted(pool.map(submit, range(n)))
print(f"bench-service: {n} jobs queued in {time.perf_counter() - t0:.1f} s (POST p50 {lat[len(lat)//2]*1000:.1f} ms, p99 {lat[int(len(lat)*0.99)]*1000:.1f} ms)")
PY
done_before=$(curl -s "$base/metrics" | awk '/^greenlight_jobs\{state="done"\}/ {print int($2)}')
cat > "$work/mix.lua" <<LUA
math.randomseed(20261206)
local n = $jobs
local root = "$work/root"
request = function()
  local r = math.random(1, 100)
  if r <= 55 then return wrk.format("GET", "/api/v1/jobs/" .. math.random(1, n))
  elseif r <= 75 then return wrk.format("GET", "/api/v1/jobs?state=queued&limit=20")
  elseif r <= 85 then return wrk.format("GET", string.format("/api/v1/files?path=%s/clip-%03d.mp4", root, math.random(0, 99)))
  elseif r <= 92 then return wrk.format("GET", "/metrics")
  elseif r <= 97 then return wrk.format("POST", "/api/v1/jobs", {["Content-Type"] = "application/json"},
                                        string.format('{"paths": ["%s/clip-%03d.mp4"], "priority": -1}', root, math.random(0, 99)))
  else return wrk.format("GET", "/") end
end
LUA
peak=$(rss)
( while kill -0 "$pid" 2>/dev/null; do r=$(rss); [ "$r" -gt "$peak" ] && peak=$r; echo "$peak" > "$work/peak"; sleep 0.5; done ) &
[ -z "${BENCH_PERF:-}" ] || (sleep 5; perf record -g -p "$pid" -o /tmp/bench-perf.data -- sleep 10 >/dev/null 2>&1) &
wrk -t2 -c"$clients" -d"${seconds}s" --latency -s "$work/mix.lua" "$base" > "$work/wrk.log"
sed -n '/Latency Distribution/,/99%/p;/Requests\/sec/p;/Non-2xx/p;/Socket errors/p' "$work/wrk.log" | sed 's/^/bench-service: /'
p99=$(awk '/ 99% / {print $2}' "$work/wrk.log")
done_after=$(curl -s "$base/metrics" | awk '/^greenlight_jobs\{state="done"\}/ {print int($2)}')
queued=$(curl -s "$base/metrics" | awk '/^greenlight_queue_depth/ {print int($2)}')
echo "bench-service: workers finished $((done_after - done_before)) jobs during the ${seconds} s; $queued still queued"
echo "bench-service: server memory: highest $(cat "$work/peak") MB, now $(rss) MB"
awk -v p="$p99" 'BEGIN {
  v = p + 0; if (p ~ /us$/) v /= 1000; else if (p ~ /ms$/) v = v; else if (p ~ /s$/) v *= 1000
  printf "bench-service: API p99 %.1f ms: %s (target under 100 ms)\n", v, (v < 100 ? "met" : "MISSED")
}'
