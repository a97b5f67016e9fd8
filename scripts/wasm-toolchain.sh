#!/usr/bin/env bash
# Finds the toolchain that builds Basalt contracts for wasm32 and gives its
# environment. `basalt contract build` follows the same logic.
#
#   source scripts/wasm-toolchain.sh        export the env into this shell
#                                           (RUSTFLAGS/RUSTC_BOOTSTRAP included:
#                                           use a shell dedicated to contracts)
#   scripts/wasm-toolchain.sh               print `export ...` lines (for eval)
#   scripts/wasm-toolchain.sh --check       say what was found; exit 1 if none
#   scripts/wasm-toolchain.sh build [ARGS]  run the release wasm build of the
#                                           crate in the current directory
#
# Order of preference:
#   1. rustup with the wasm32-unknown-unknown target installed: plain
#      `cargo build --target wasm32-unknown-unknown` (prebuilt core).
#   2. Debian's rustc-web/cargo-web/rust-web-src + lld (scripts/setup.sh
#      installs them): /usr/bin/cargo and /usr/bin/rustc called by full path
#      (rustup's shims come first on PATH), core/alloc built from source with
#      -Zbuild-std (RUSTC_BOOTSTRAP=1), linked by wasm-ld.
#
# Both link with a small shadow stack (BASALT_WASM_STACK_SIZE, default 64 KiB;
# rustc's default is 1 MiB = 16 pages of memory, and every page costs gas at
# instantiation).
#
# Exported: CARGO RUSTC RUSTFLAGS [RUSTC_BOOTSTRAP] BASALT_WASM_TOOLCHAIN
# (rustup|debian) BASALT_WASM_TARGET BASALT_WASM_CARGO_FLAGS (target and
# build-std flags to append to `cargo build --release`).

_basalt_wasm_find_wasm_ld() {
  local c
  if c=$(command -v wasm-ld 2>/dev/null); then
    echo "$c"
    return 0
  fi
  # lld-NN ships /usr/bin/wasm-ld-NN and /usr/lib/llvm-NN/bin/wasm-ld; take the newest.
  for c in $(ls -1 /usr/bin/wasm-ld-[0-9]* /usr/lib/llvm-*/bin/wasm-ld 2>/dev/null | sort -V -r); do
    if [ -x "$c" ]; then
      echo "$c"
      return 0
    fi
  done
  return 1
}

# Prints the minimum rustc version: the workspace's rust-version.
_basalt_wasm_min_rustc() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." 2>/dev/null && pwd)"
  sed -n 's/^rust-version *= *"\([0-9.]*\)".*/\1/p' "$root/Cargo.toml" 2>/dev/null | head -n 1 | grep . || echo 1.95
}

# version_ge A B: A >= B (dotted versions).
_basalt_wasm_version_ge() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]
}

# Sets _BW_* variables for the toolchain found; returns 1 (with a reason on
# stderr) when there is none.
_basalt_wasm_detect() {
  local stack="${BASALT_WASM_STACK_SIZE:-65536}"
  _BW_TARGET=wasm32-unknown-unknown
  _BW_WHY=""
  if command -v rustup >/dev/null 2>&1 &&
    rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    _BW_TOOLCHAIN=rustup
    _BW_CARGO="$(command -v cargo)"
    _BW_RUSTC="$(rustup which rustc 2>/dev/null || command -v rustc)"
    _BW_RUSTFLAGS="-C link-arg=-zstack-size=$stack"
    _BW_BOOTSTRAP=""
    _BW_CARGO_FLAGS="--target $_BW_TARGET"
    _BW_WASM_LD=""
    return 0
  fi
  _BW_WHY="rustup has no wasm32-unknown-unknown target"
  local min version sysroot wasm_ld
  min="$(_basalt_wasm_min_rustc)"
  if [ ! -x /usr/bin/cargo ] || [ ! -x /usr/bin/rustc ]; then
    _BW_WHY="$_BW_WHY; /usr/bin/cargo or /usr/bin/rustc missing (Debian rustc-web, cargo-web)"
    return 1
  fi
  version="$(/usr/bin/rustc --version 2>/dev/null | awk '{print $2}')"
  if ! _basalt_wasm_version_ge "${version:-0}" "$min"; then
    _BW_WHY="$_BW_WHY; /usr/bin/rustc is ${version:-unknown}, the workspace needs >= $min"
    return 1
  fi
  sysroot="$(/usr/bin/rustc --print sysroot 2>/dev/null)"
  if [ ! -d "$sysroot/lib/rustlib/src/rust/library/core" ]; then
    _BW_WHY="$_BW_WHY; no library source under $sysroot/lib/rustlib/src (Debian rust-web-src)"
    return 1
  fi
  if ! wasm_ld="$(_basalt_wasm_find_wasm_ld)"; then
    _BW_WHY="$_BW_WHY; no wasm-ld (Debian lld)"
    return 1
  fi
  _BW_TOOLCHAIN=debian
  _BW_CARGO=/usr/bin/cargo
  _BW_RUSTC=/usr/bin/rustc
  _BW_RUSTFLAGS="-C linker=$wasm_ld -C linker-flavor=wasm-ld -C link-arg=-zstack-size=$stack"
  _BW_BOOTSTRAP=1
  _BW_CARGO_FLAGS="--target $_BW_TARGET -Zbuild-std=core,alloc"
  _BW_WASM_LD="$wasm_ld"
  return 0
}

_basalt_wasm_summary() {
  echo "wasm toolchain: $_BW_TOOLCHAIN ($("$_BW_RUSTC" --version 2>/dev/null))" >&2
  echo "  CARGO=$_BW_CARGO RUSTC=$_BW_RUSTC" >&2
  [ -n "${_BW_WASM_LD:-}" ] && echo "  wasm-ld: $_BW_WASM_LD ($("$_BW_WASM_LD" --version 2>/dev/null | head -n 1))" >&2
  echo "  build: $_BW_CARGO build --release $_BW_CARGO_FLAGS" >&2
}

_basalt_wasm_exports() {
  printf 'export CARGO=%q\n' "$_BW_CARGO"
  printf 'export RUSTC=%q\n' "$_BW_RUSTC"
  printf 'export RUSTFLAGS=%q\n' "$_BW_RUSTFLAGS"
  if [ -n "$_BW_BOOTSTRAP" ]; then
    printf 'export RUSTC_BOOTSTRAP=%q\n' "$_BW_BOOTSTRAP"
  else
    echo 'unset RUSTC_BOOTSTRAP'
  fi
  printf 'export BASALT_WASM_TOOLCHAIN=%q\n' "$_BW_TOOLCHAIN"
  printf 'export BASALT_WASM_TARGET=%q\n' "$_BW_TARGET"
  printf 'export BASALT_WASM_CARGO_FLAGS=%q\n' "$_BW_CARGO_FLAGS"
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # Sourced: export into the caller's shell; never exit it.
  if _basalt_wasm_detect; then
    eval "$(_basalt_wasm_exports)"
    _basalt_wasm_summary
  else
    echo "no wasm32 toolchain: $_BW_WHY. Run scripts/setup.sh (as root)." >&2
    return 1
  fi
else
  set -euo pipefail
  if ! _basalt_wasm_detect; then
    echo "no wasm32 toolchain: $_BW_WHY. Run scripts/setup.sh (as root)." >&2
    exit 1
  fi
  case "${1:-}" in
    "")
      _basalt_wasm_exports
      ;;
    --check)
      _basalt_wasm_summary
      ;;
    build)
      shift
      eval "$(_basalt_wasm_exports)"
      # shellcheck disable=SC2086 # BASALT_WASM_CARGO_FLAGS is a word list.
      exec "$CARGO" build --release $BASALT_WASM_CARGO_FLAGS "$@"
      ;;
    *)
      echo "usage: $0 [--check | build [cargo args...]]  (or source it)" >&2
      exit 2
      ;;
  esac
fi
