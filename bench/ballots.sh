#!/usr/bin/env bash
# Ballot submissions per second, one uvicorn worker on SQLite, 64 voters at once (issue 4:
# target >= 500/s and p95 < 50 ms). Each request is a real POST of a ballot by a signed-in
# verified voter: session, CSRF, rules, the transaction and the receipt page.
#
# Two runs: (1) capacity: 64 connections posting back to back, the most the worker manages;
# (2) latency at a steady rate: the same 64 voters each pausing PACE_MS (about 110 ms) between
# ballots, which offers about 500 ballots/s. With 64 voters posting back to back, Little's law
# makes any p95 under 50 ms impossible below 1,280/s, so the latency target is read at 500/s.
source "$(dirname "$0")/common.sh"
export VOTERS_FILE="$tmp/voters.tsv"
export BALLOTS_PATH=$("$BIN/python" bench/seed_ballots.py "$VOTERS_FILE" | tail -1)
start_huakai
# The floor page in the same run, as a measure of how fast the machine is just now: the same
# commit gives figures a third apart on a shared machine.
CONNECTIONS=64 run floor http://127.0.0.1:8801/ 2>/dev/null >"$tmp/floor.rps"
wrk -t2 -c64 -d2s -s bench/ballots.lua http://127.0.0.1:8802 >/dev/null
wrk -t2 -c64 -d"$DURATION" --latency -s bench/ballots.lua http://127.0.0.1:8802 | tee "$tmp/ballots.txt"
PACE_MS="${PACE_MS:-110}" wrk -t2 -c64 -d"$DURATION" --latency -s bench/ballots.lua \
  http://127.0.0.1:8802 | tee "$tmp/paced.txt"
echo
printf 'ballots, capacity  %10.1f req/s   %s   (target >= 500/s)\n' \
  "$(awk '/Requests\/sec/ {print $2}' "$tmp/ballots.txt")" "$(grep '^p95' "$tmp/ballots.txt" | head -1)"
printf 'ballots, paced     %10.1f req/s   %s   (target p95 < 50 ms at 64 voters)\n' \
  "$(awk '/Requests\/sec/ {print $2}' "$tmp/paced.txt")" "$(grep '^p95' "$tmp/paced.txt" | head -1)"
printf 'floor, same run     %10.1f req/s   (the machine just now; not a target)\n' "$(cat "$tmp/floor.rps")"
sqlite3 "$tmp/huakai.sqlite3" "select count(*) || ' ballots stored, ' || max(ballot_count) || ' counted' from ballot, voting_round where voting_round.id = ballot.round_id" 2>/dev/null || true
