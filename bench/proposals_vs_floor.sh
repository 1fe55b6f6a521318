#!/usr/bin/env bash
# Proposal list and proposal page against the floor: 500 proposals, 50,000 supports.
source "$(dirname "$0")/common.sh"
"$BIN/python" bench/seed_proposals.py
start_huakai
proposal=$(curl -fs "http://127.0.0.1:8802/c/yulin-east/proposals" | grep -o '/c/yulin-east/proposals/[0-9]*' | head -1)
floor=$(run floor http://127.0.0.1:8801/)
list=$(run list http://127.0.0.1:8802/c/yulin-east/proposals)
page=$(run page "http://127.0.0.1:8802$proposal")
# The same two pages for a signed-in resident: rendered afresh on every request.
cookie=$("$BIN/python" bench/session_cookie.py)
list_in=$(run list_in http://127.0.0.1:8802/c/yulin-east/proposals -H "Cookie: $cookie")
page_in=$(run page_in "http://127.0.0.1:8802$proposal" -H "Cookie: $cookie")
echo
printf 'floor (limit_app)   %10.1f req/s   p99 %s\n' "$floor" "$(p99 floor)"
printf 'proposal list       %10.1f req/s   p99 %s   ratio %s (target >= 0.5)\n' "$list" "$(p99 list)" "$(ratio "$list" "$floor")"
printf 'proposal page       %10.1f req/s   p99 %s   ratio %s (target >= 0.4)\n' "$page" "$(p99 page)" "$(ratio "$page" "$floor")"
printf 'list, signed in     %10.1f req/s   p99 %s   ratio %s\n' "$list_in" "$(p99 list_in)" "$(ratio "$list_in" "$floor")"
printf 'page, signed in     %10.1f req/s   p99 %s   ratio %s\n' "$page_in" "$(p99 page_in)" "$(ratio "$page_in" "$floor")"
