#!/usr/bin/env bash
# Home page requests/s against the floor (../shared/bench/limit_app.py), same run, one worker each.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$PWD/.venv/bin"
FLOOR="$(cd ../shared/bench && pwd)"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

export LIMIT_DB="$tmp/limit.sqlite3"
"$BIN/python" "$FLOOR/limit_app.py"
(cd "$FLOOR" && exec "$BIN/uvicorn" limit_app:app --port 8801 --log-level warning --no-access-log) &
pids+=($!)

export HUAKAI_DATABASE_URL="sqlite://$tmp/huakai.sqlite3"
export HUAKAI_SECRET_KEY="bench-secret-key-0123456789-abcdefghijklmnop"
export HUAKAI_BASE_URL="http://127.0.0.1:8802"
"$BIN/python" bench/seed_demo.py
"$BIN/huakai" serve --port 8802 --no-access-log >"$tmp/huakai.log" 2>&1 &
pids+=($!)

for port in 8801 8802; do
  for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
done

run() {  # name url
  wrk -t1 -c"$CONNECTIONS" -d2s "$2" >/dev/null  # warm-up
  wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "$2" | tee "$tmp/$1.txt" >&2
  awk '/Requests\/sec/ {print $2}' "$tmp/$1.txt"
}
floor=$(run floor http://127.0.0.1:8801/)
home=$(run home http://127.0.0.1:8802/)
p99_floor=$(awk '$1=="99%" {print $2}' "$tmp/floor.txt")
p99_home=$(awk '$1=="99%" {print $2}' "$tmp/home.txt")
echo
printf 'floor (limit_app)   %10.1f req/s   p99 %s\n' "$floor" "$p99_floor"
printf 'huakai home page    %10.1f req/s   p99 %s\n' "$home" "$p99_home"
awk -v a="$home" -v b="$floor" 'BEGIN { printf "ratio home/floor    %10.2f\n", a / b }'
