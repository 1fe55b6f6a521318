#!/usr/bin/env bash
# Proposal list and proposal page against the floor (../shared/bench/limit_app.py): 500
# proposals, 50,000 supports, same run, one uvicorn worker each, wrk -t1 -c32.
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
export HUAKAI_MEDIA_ROOT="$tmp/media"
"$BIN/python" bench/seed_proposals.py
"$BIN/huakai" serve --port 8802 --no-access-log >"$tmp/huakai.log" 2>&1 &
pids+=($!)

for port in 8801 8802; do
  for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
done
proposal=$(curl -fs "http://127.0.0.1:8802/c/yulin-east/proposals" | grep -o '/c/yulin-east/proposals/[0-9]*' | head -1)

run() {  # name url
  wrk -t1 -c"$CONNECTIONS" -d2s "$2" >/dev/null
  wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "$2" | tee "$tmp/$1.txt" >&2
  awk '/Requests\/sec/ {print $2}' "$tmp/$1.txt"
}
floor=$(run floor http://127.0.0.1:8801/)
list=$(run list http://127.0.0.1:8802/c/yulin-east/proposals)
page=$(run page "http://127.0.0.1:8802$proposal")
echo
printf 'floor (limit_app)   %10.1f req/s\n' "$floor"
printf 'proposal list       %10.1f req/s   ratio %.2f (target >= 0.5)\n' "$list" "$(awk -v a="$list" -v b="$floor" 'BEGIN{print a/b}')"
printf 'proposal page       %10.1f req/s   ratio %.2f (target >= 0.4)\n' "$page" "$(awk -v a="$page" -v b="$floor" 'BEGIN{print a/b}')"
