# Shared by the *_vs_floor.sh benchmarks: serve the floor and Huakai side by side, one uvicorn
# worker each, and load them with wrk in the same run. Source it; then call start_huakai
# (after seeding) and run NAME URL, which prints requests/s.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
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

start_huakai() {
  "$BIN/huakai" serve --port 8802 --no-access-log >"$tmp/huakai.log" 2>&1 &
  pids+=($!)
  for port in 8801 8802; do
    for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
  done
}

run() {  # name url [wrk options...] -> requests/s on stdout, wrk's report on stderr
  local name=$1 url=$2
  shift 2
  wrk -t1 -c"$CONNECTIONS" -d2s "$@" "$url" >/dev/null
  wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" | tee "$tmp/$name.txt" >&2
  awk '/Requests\/sec/ {print $2}' "$tmp/$name.txt"
}

p99() { awk '$1=="99%" {print $2}' "$tmp/$1.txt"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
