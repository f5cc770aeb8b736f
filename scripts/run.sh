#!/usr/bin/env bash
# `make run`: start a private TEE instance, run the demo against it, then
# the benchmarks in quick mode. Tables go to the terminal, JSON/CSV and
# plots (gnuplot, SVG and PNG) under results/.
set -euo pipefail

BUILD=${1:-build}
B=$(cd "$BUILD" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RESULTS=$ROOT/results
mkdir -p "$RESULTS"

export EDGETEE_TA_PATH=$B/tas
dir=$(mktemp -d /tmp/edgetee-run-XXXXXX)
cleanup() {
	"$B/bin/edgetee" down --dir "$dir" >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap cleanup EXIT

echo "== starting a TEE instance"
"$B/bin/edgetee" up --dir "$dir" --instance demo
export EDGETEE_SOCKET=$dir/edgeteed.sock

echo
echo "== demo: the hello-world TA (one process per TA instance, sandboxed)"
"$B/bin/edgetee-hello"
"$B/bin/edgetee" status --dir "$dir" --instance demo

echo
echo "== benchmark: invocation path (quick mode; full: edgetee bench invoke)"
"$B/bin/edgetee" bench invoke --quick --json "$RESULTS/invoke.json" --csv "$RESULTS/invoke.csv"
gnuplot -e "datafile='$RESULTS/invoke.csv'; outbase='$RESULTS/invoke'" "$ROOT/bench/invoke.gp"
echo "plots: results/invoke.svg results/invoke.png"

echo
echo "== benchmark: crypto in a TA vs OpenSSL in the REE (quick mode; full: edgetee bench crypto)"
"$B/bin/edgetee" bench crypto --quick --json "$RESULTS/crypto.json"

echo
echo "== benchmark: iperfTZ network throughput (quick mode; full: edgetee bench net)"
"$B/bin/edgetee" bench net --quick --json "$RESULTS/net.json" --plot "$RESULTS"

echo
echo "== benchmark: key-value store, DAIS 2019 (quick mode; full: edgetee bench kv)"
"$B/bin/edgetee" bench kv --quick --json "$RESULTS/kv.json" --plot "$RESULTS"

echo
echo "== benchmark: GP Trusted Storage, xtest WRITE/READ/REWRITE (quick mode; full: edgetee bench storage)"
"$B/bin/edgetee" bench storage --quick --json "$RESULTS/storage.json" --plot "$RESULTS"
