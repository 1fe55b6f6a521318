#!/usr/bin/env bash
# Home page requests/s against the floor (../shared/bench/limit_app.py), same run, one worker each.
source "$(dirname "$0")/common.sh"
"$BIN/python" bench/seed_demo.py
start_huakai
floor=$(run floor http://127.0.0.1:8801/)
home=$(run home http://127.0.0.1:8802/)
echo
printf 'floor (limit_app)   %10.1f req/s   p99 %s\n' "$floor" "$(p99 floor)"
printf 'huakai home page    %10.1f req/s   p99 %s   ratio %s\n' "$home" "$(p99 home)" "$(ratio "$home" "$floor")"
