#!/usr/bin/env bash
# Makes a wasm32 toolchain for Basalt's contracts available.
#
# Idempotent; runs as root on Debian 12/13 with apt (CI runs it too). Installs
# only what is missing and prints what it found:
#   - rustup with the wasm32-unknown-unknown target installed: used as is,
#     nothing installed;
#   - otherwise Debian's rustc-web, cargo-web, rust-web-src (the Rust compiler,
#     cargo and the standard library's source, for -Zbuild-std) and lld
#     (wasm-ld), installed with apt when missing.
# scripts/wasm-toolchain.sh then gives the build environment.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(rustc-web cargo-web rust-web-src lld)

if command -v rustup >/dev/null 2>&1 &&
  rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "setup: rustup has the wasm32-unknown-unknown target; nothing to install"
else
  echo "setup: rustup has no wasm32-unknown-unknown target; using Debian's Rust (${packages[*]})"
  missing=()
  for p in "${packages[@]}"; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      echo "setup: $p $(dpkg-query -W -f='${Version}' "$p") already installed"
    else
      missing+=("$p")
    fi
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "setup: missing ${missing[*]}; run this script as root" >&2
      exit 1
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "setup: missing ${missing[*]} and no apt-get: install a Rust toolchain with the wasm32-unknown-unknown target" >&2
      exit 1
    fi
    echo "setup: installing ${missing[*]}"
    start=$(date +%s)
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    echo "setup: installed in $(($(date +%s) - start)) s"
  fi
fi

# Fails (with the reason) if the result still cannot build contracts, e.g. a
# distribution whose rustc-web is older than the workspace's rust-version.
scripts/wasm-toolchain.sh --check
