#!/bin/sh
# run-main.sh: the main job (`make run`): configure, build and run the hello
# example on the unix target with the tree's own mirage. The static website
# takes its place once the HTTP issue lands.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$ROOT/build/bin:$PATH"
cd "$ROOT/examples/hello"
mirage configure -t unix
make --no-print-directory
exec ./dist/hello "$@"
