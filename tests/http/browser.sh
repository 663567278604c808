#!/bin/sh
# browser.sh: headless Chromium loads the static website served by the unikernel on unix (host sockets,
# 127.0.0.1, a free port), page, style sheet and logo, and saves screenshots (build/http/browser-*.png)
# that tests/http/lib/png_check.py decodes and finds not blank; the same check must call Chromium's
# own blank page and one-colour images blank, so that it could fail.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)
. "$ROOT/tests/http/lib/website.sh"
CHECK="$ROOT/tests/http/lib/png_check.py"
OUT=$ROOT/build/http

ok() { echo "ok - browser/$1"; }
fail() {
    echo "not ok - browser/$1: $2"
    for f in ${3:-}; do
        [ -f "$f" ] && tail -n 15 "$f" | sed 's/^/    | /'
    done
}

command -v chromium >/dev/null 2>&1 || { echo "skip - browser: no chromium (scripts/deps.sh installs it)"; exit 0; }
command -v python3 >/dev/null 2>&1 || { echo "skip - browser: no python3 (scripts/deps.sh installs it)"; exit 0; }
command -v curl >/dev/null 2>&1 || { echo "skip - browser: no curl (scripts/deps.sh installs it)"; exit 0; }

TMP=$(mktemp -d)
WWW=""
finish() {
    [ -n "$WWW" ] && kill "$WWW" 2>/dev/null && wait "$WWW" 2>/dev/null
    rm -rf "$TMP"
}
trap finish EXIT
trap 'finish; exit 130' INT
trap 'finish; exit 143' TERM
mkdir -p "$OUT"

# shot URL FILE: Chromium's screenshot of URL at 1024x768. As root Chromium needs --no-sandbox; a
# profile of its own in TMP leaves the home folder alone; no D-Bus here, which it only complains about.
shot() {
    rm -f "$2"
    timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --user-data-dir="$TMP/profile" --no-first-run --screenshot="$2" --window-size=1024,768 \
        "$1" >>"$TMP/chromium.log" 2>&1
    [ -s "$2" ]
}

# ---- the checker first: it must be able to say "blank" ----
bad=""
for c in ffffff 2a6f97; do
    python3 "$CHECK" --write-solid "$TMP/solid-$c.png" 320 200 "$c" || bad="$bad cannot-write-$c"
    python3 "$CHECK" "$TMP/solid-$c.png" >"$TMP/solid-$c.txt"
    [ $? -eq 1 ] || bad="$bad solid-$c($(cat "$TMP/solid-$c.txt"))"
done
if ! shot about:blank "$TMP/blank.png"; then
    fail "Chromium screenshots about:blank" "no screenshot written" "$TMP/chromium.log"
    exit 1
fi
python3 "$CHECK" "$TMP/blank.png" >"$TMP/blank.txt"
[ $? -eq 1 ] || bad="$bad about:blank($(cat "$TMP/blank.txt"))"
if [ -z "$bad" ]; then
    ok "the checker calls blank: Chromium's about:blank ($(cat "$TMP/blank.txt")), one-colour images"
else
    fail "the checker calls blank pages blank" "it did not for:$bad"
    exit 1
fi

# ---- the website on unix ----
if ! ws_build "$TMP/www" unix; then
    fail "static-website builds on unix" "mirage configure -t unix && make failed" "$TMP/www.log"
    exit 1
fi
PORT=$(ws_free_port)
"$WS_IMAGE" --port="$PORT" --ipv4=127.0.0.1/8 --ipv4-only -l '*:info' >"$TMP/www.log" 2>&1 </dev/null &
WWW=$!
URL=http://127.0.0.1:$PORT
if ! ws_wait_http "$URL/" 20 "$WWW"; then
    fail "static-website serves on 127.0.0.1:$PORT" "no answer" "$TMP/www.log"
    exit 1
fi
ok "static-website serves on 127.0.0.1:$PORT"

# page URL-PATH NAME WHAT: screenshot of the page; not blank.
page() {
    png=$OUT/browser-$2.png
    if ! shot "$URL$1" "$png"; then
        fail "Chromium loads $1" "no screenshot" "$TMP/chromium.log $TMP/www.log"
        return 1
    fi
    python3 "$CHECK" "$png" >"$TMP/check.txt"
    rc=$?
    if [ $rc -eq 0 ]; then
        ok "Chromium renders $1 ($3): not blank, $(cat "$TMP/check.txt"); build/http/browser-$2.png"
    else
        fail "Chromium renders $1 ($3)" "blank or unreadable: $(cat "$TMP/check.txt"); build/http/browser-$2.png"
        return 1
    fi
}
# The access log says what Chromium asked for and got: LOG-LINES MUST-MATCH...
logged() {
    for want in "$@"; do
        grep -q -F "$want" "$TMP/www.log" || { echo "$want"; return 1; }
    done
    return 0
}

page / index "the home page"
missing=$(logged '"GET / HTTP/1.1" 200' '"GET /style.css HTTP/1.1" 200' '"GET /logo.png HTTP/1.1" 200')
if [ -z "$missing" ]; then
    ok "Chromium fetched the page, its style sheet and its logo (200 each in the access log)"
else
    fail "Chromium fetched the page, style sheet and logo" "no access-log line with $missing" "$TMP/www.log"
fi
page /docs/ docs "a folder's index.html"
page /no/such/page.html 404 "the 404 page"
# The style sheet was applied, and the decoder reads pixels right: the 404 page's bottom right
# corner is the page background style.css sets (--foam), not the browser's white.
foam=$(sed -n 's/^ *--foam: *#\([0-9a-fA-F]\{6\}\);.*/\1/p' "$ROOT/examples/static-website/htdocs/style.css" | tr 'A-F' 'a-f')
px=$(python3 "$CHECK" --pixel "$OUT/browser-404.png" 1023 767 2>&1)
if [ -z "$foam" ]; then
    echo "skip - browser/the style sheet is applied: style.css no longer sets --foam: #rrggbb"
elif [ "$px" = "$foam" ]; then
    ok "the style sheet is applied: the 404 page's background is style.css's --foam (#$px)"
else
    fail "the style sheet is applied" "pixel (1023, 767) is '$px', style.css's --foam is '$foam'"
fi
if logged '"GET /no/such/page.html HTTP/1.1" 404' >/dev/null; then
    ok "the missing page was answered 404 (access log)"
else
    fail "the missing page was answered 404" "no such access-log line" "$TMP/www.log"
fi
if ws_alive "$WWW"; then ok "the unikernel still runs"; else
    fail "the unikernel still runs" "it exited" "$TMP/www.log"; fi
exit 0
