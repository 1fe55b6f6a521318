#!/usr/bin/env bash
# Ballot submissions per second, one uvicorn worker on SQLite, 64 voters at once (issue 4:
# target >= 500/s and p95 < 50 ms). Each request is a real POST of a ballot by a signed-in
# verified voter: session, CSRF, rules, the transaction and the receipt page.
source "$(dirname "$0")/common.sh"
export VOTERS_FILE="$tmp/voters.tsv"
export BALLOTS_PATH=$("$BIN/python" bench/seed_ballots.py "$VOTERS_FILE" | tail -1)
start_huakai
wrk -t2 -c64 -d2s -s bench/ballots.lua http://127.0.0.1:8802 >/dev/null
wrk -t2 -c64 -d"$DURATION" --latency -s bench/ballots.lua http://127.0.0.1:8802 | tee "$tmp/ballots.txt"
echo
printf 'ballots            %10.1f req/s   %s   (target >= 500/s, p95 < 50 ms)\n' \
  "$(awk '/Requests\/sec/ {print $2}' "$tmp/ballots.txt")" "$(grep '^p95' "$tmp/ballots.txt" | head -1)"
sqlite3 "$tmp/huakai.sqlite3" "select count(*) || ' ballots stored, ' || max(ballot_count) || ' counted' from ballot, voting_round where voting_round.id = ballot.round_id" 2>/dev/null || true
