#!/bin/sh
# run-main.sh: the main job (`make run`, after the tree is built): configure and
# build examples/static-website for the unix target with the tree's own
# mirage, in a copy under build/run/ (the example folder stays clean), and
# serve it on the host's sockets (no root needed) until Ctrl-C.
# PORT (default 8080) chooses the port; arguments go to the unikernel
# (e.g. `sh scripts/run-main.sh -l access:warning`).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${PORT:-8080}
export PATH="$ROOT/build/bin:$PATH"
if [ ! -x "$ROOT/build/bin/mirage" ]; then
    echo "run-main: no build/bin/mirage: run make first (make run does)" >&2
    exit 1
fi
case $PORT in
'' | *[!0-9]*)
    echo "run-main: PORT=$PORT is not a port number" >&2
    exit 1
    ;;
esac

DIR="$ROOT/build/run/static-website"
rm -rf "$DIR"
mkdir -p "$DIR"
cp -a "$ROOT/examples/static-website/." "$DIR/"
cd "$DIR"
mirage configure -t unix >configure.log 2>&1 || { cat configure.log >&2; exit 1; }
make --no-print-directory >build.log 2>&1 || { tail -n 30 build.log >&2; exit 1; }

# A port already taken would only show as an error line of the unikernel.
if command -v ss >/dev/null 2>&1 && ss -ltnH "sport = :$PORT" 2>/dev/null | grep -q .; then
    echo "run-main: port $PORT is already in use; choose another: make run PORT=8081" >&2
    exit 1
fi
echo "Serving on http://127.0.0.1:$PORT/ — open it in a browser (Ctrl-C stops it)"
exec ./dist/www --port="$PORT" "$@"
