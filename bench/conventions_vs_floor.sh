#!/usr/bin/env bash
# A convention's page (the demo's adopted one: three versions, amendments, comments, a counted
# vote), versions 1 → 3 compared, and the print page, against the floor; anonymous and signed in.
source "$(dirname "$0")/common.sh"
"$BIN/python" bench/seed_conventions.py
start_huakai
page=$(curl -fs "http://127.0.0.1:8802/c/yulin-east/conventions" | grep -o '/c/yulin-east/conventions/[0-9]*' | sort -u | head -1)
floor=$(run floor http://127.0.0.1:8801/)
detail=$(run detail "http://127.0.0.1:8802$page")
compare=$(run compare "http://127.0.0.1:8802$page/compare?old=1&new=3")
printed=$(run printed "http://127.0.0.1:8802$page/print")
cookie=$("$BIN/python" bench/session_cookie.py)
detail_in=$(run detail_in "http://127.0.0.1:8802$page" -H "Cookie: $cookie")
compare_in=$(run compare_in "http://127.0.0.1:8802$page/compare?old=1&new=3" -H "Cookie: $cookie")
echo
printf 'floor (limit_app)      %10.1f req/s   p99 %s\n' "$floor" "$(p99 floor)"
printf 'convention page        %10.1f req/s   p99 %s   ratio %s\n' "$detail" "$(p99 detail)" "$(ratio "$detail" "$floor")"
printf 'versions compared      %10.1f req/s   p99 %s   ratio %s\n' "$compare" "$(p99 compare)" "$(ratio "$compare" "$floor")"
printf 'print page             %10.1f req/s   p99 %s   ratio %s\n' "$printed" "$(p99 printed)" "$(ratio "$printed" "$floor")"
printf 'page, signed in        %10.1f req/s   p99 %s   ratio %s\n' "$detail_in" "$(p99 detail_in)" "$(ratio "$detail_in" "$floor")"
printf 'compared, signed in    %10.1f req/s   p99 %s   ratio %s\n' "$compare_in" "$(p99 compare_in)" "$(ratio "$compare_in" "$floor")"
