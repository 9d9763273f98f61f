#!/usr/bin/env bash
# Renders an HTML report in headless Chromium: a PNG of the page (what a reader sees) and, on
# stdout, the page as the browser built it after its script ran; the browser's console messages
# (script errors, blocked loads) go to the file given as the third argument.
#   scripts/render-html.sh reports/qc.html reports/qc.png [console.log]
#   scripts/render-html.sh http://127.0.0.1:8080/ dashboard.png [console.log]   (a page a server serves)
set -euo pipefail
case "$1" in
  http://*|https://*) url=$1 ;;
  *) url="file://$(realpath "$1")" ;;
esac
png=$2
console=${3:-/dev/null}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "render-html.sh: no Chromium (apt-get install chromium)" >&2; exit 3; }
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions
       --user-data-dir="$(mktemp -d)" --virtual-time-budget=5000)
"$browser" "${flags[@]}" --window-size=1280,${HEIGHT:-9000} --screenshot="$(realpath -m "$png")" "$url" >/dev/null 2>&1
"$browser" "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom "$url" 2>"$console.raw"
grep ':CONSOLE' "$console.raw" > "$console" || true
rm -f "$console.raw"
