#!/bin/sh
# Renders the HTML report of the sample batch in headless Chromium and saves the page as
# docs/report.png (the screenshot README.md shows). Needs Debian's chromium and a Chinese font:
#   apt-get install chromium fonts-noto-cjk
# The flags keep Chromium off the network: the report must render with none.
set -eu
cd "$(dirname "$0")/.."
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target/release/xuanti rank data/sample/submissions.csv --per-unit 2 --report "$work/report.html" \
    -o "$work/ranked.csv"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --hide-scrollbars --window-size=1280,1700 \
    --screenshot="$PWD/docs/report.png" "file://$work/report.html" 2>/dev/null
echo "docs/report.png written"
