#!/usr/bin/env bash
# Runs Basalt's whole test suite: format check, clippy with warnings denied, every test.
# Idempotent; safe on a fresh machine. Build output is cached outside the clone
# (CARGO_TARGET_DIR, default ~/.cache/basalt/target) so repeated runs are fast.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/basalt/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# No incremental caches: every clean clone (a new path) would add gigabytes of
# them to the shared target directory, and a one-shot test run gains nothing.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
# The official Ethereum vectors live beside the repository (shared/vectors);
# BASALT_VECTORS overrides the path.
export BASALT_VECTORS="${BASALT_VECTORS:-$(cd .. && pwd)/shared/vectors}"
if [ ! -d "$BASALT_VECTORS" ]; then
  echo "test vectors not found at $BASALT_VECTORS (set BASALT_VECTORS)" >&2
  exit 1
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy (warnings denied)"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== wasm toolchain (scripts/setup.sh: installs Debian's rustc-web when needed)"
scripts/setup.sh

echo "== example contracts (basalt contract build, into \$BASALT_CONTRACTS)"
export BASALT_CONTRACTS="${BASALT_CONTRACTS:-$CARGO_TARGET_DIR/basalt-contracts}"
cargo build -q -p basalt-node --locked
for dir in contracts/*/; do
  [ -f "$dir/Cargo.toml" ] || continue
  "$CARGO_TARGET_DIR/debug/basalt" contract build "$dir" --out "$BASALT_CONTRACTS" --locked
done

echo "== cargo test"
# The filters after tee fail when nothing matches, and with pipefail a failing
# cargo fails the whole pipeline: take cargo's own status from PIPESTATUS, with
# errexit off so the script gets to read it. --no-fail-fast runs every test
# binary, so one failure does not hide others.
set +e
cargo test --workspace --locked --no-fail-fast -- --nocapture 2>&1 | tee "${TMPDIR:-/tmp}/basalt-test.log" | grep -vE '^\s*$' | grep -E '^(test |running|test result|     Running|[A-Za-z]+/.*: [0-9]+ cases|failures|---- )|panicked'
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  echo "cargo test failed (full log: ${TMPDIR:-/tmp}/basalt-test.log)" >&2
  tail -n 60 "${TMPDIR:-/tmp}/basalt-test.log" >&2
  exit "$status"
fi
echo "== contracts/ host tests (the SDK's native test world)"
set +e
(cd contracts && cargo test --locked --no-fail-fast 2>&1) | tee "${TMPDIR:-/tmp}/basalt-contracts-test.log" | grep -E '^(test result|failures|---- )|panicked'
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  echo "contracts/ tests failed (full log: ${TMPDIR:-/tmp}/basalt-contracts-test.log)" >&2
  tail -n 60 "${TMPDIR:-/tmp}/basalt-contracts-test.log" >&2
  exit "$status"
fi
passed=$(cat "${TMPDIR:-/tmp}/basalt-test.log" "${TMPDIR:-/tmp}/basalt-contracts-test.log" | grep -Eo 'test result: ok\. [0-9]+ passed' | awk '{s+=$4} END {print s+0}')
echo "summary: $passed passed, 0 failed"
