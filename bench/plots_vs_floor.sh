#!/usr/bin/env bash
# Plot list, map data and a plot page against the floor (issue 5): 2,000 plots, 200 teams,
# 1,200 adoptions, 50,000 care logs; target: list >= 0.5 x the floor.
source "$(dirname "$0")/common.sh"
"$BIN/python" bench/seed_plots.py
start_huakai
plot=$(curl -fs "http://127.0.0.1:8802/c/yulin-east/plots" | grep -o '/c/yulin-east/plots/[0-9][0-9]*' | head -1)
floor=$(run floor http://127.0.0.1:8801/)
list=$(run list http://127.0.0.1:8802/c/yulin-east/plots)
search=$(run search "http://127.0.0.1:8802/c/yulin-east/plots?status=adopted&q=%E7%8E%89%E6%9E%97&page=3")
map=$(run map http://127.0.0.1:8802/c/yulin-east/plots/map.json)
page=$(run page "http://127.0.0.1:8802$plot")
cookie=$("$BIN/python" bench/session_cookie.py)
list_in=$(run list_in http://127.0.0.1:8802/c/yulin-east/plots -H "Cookie: $cookie")
echo
printf 'floor (limit_app)   %10.1f req/s   p99 %s\n' "$floor" "$(p99 floor)"
printf 'plot list           %10.1f req/s   p99 %s   ratio %s (target >= 0.5)\n' "$list" "$(p99 list)" "$(ratio "$list" "$floor")"
printf 'list, filtered      %10.1f req/s   p99 %s   ratio %s\n' "$search" "$(p99 search)" "$(ratio "$search" "$floor")"
printf 'map data (JSON)     %10.1f req/s   p99 %s   ratio %s\n' "$map" "$(p99 map)" "$(ratio "$map" "$floor")"
printf 'plot page           %10.1f req/s   p99 %s   ratio %s\n' "$page" "$(p99 page)" "$(ratio "$page" "$floor")"
printf 'list, signed in     %10.1f req/s   p99 %s   ratio %s\n' "$list_in" "$(p99 list_in)" "$(ratio "$list_in" "$floor")"
