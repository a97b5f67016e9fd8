#!/usr/bin/env bash
# Starts a local multi-node Basalt network on 127.0.0.1 and keeps it running
# until Ctrl-C or SIGTERM, then stops every node.
#
#   scripts/devnet.sh --nodes 3 --genesis genesis/pow.json
#
# - proof of work: every node but the first mines (one thread each);
# - proof of stake: node i validates with the dev key of the genesis's i-th
#   validator (the validators must be dev accounts of the "test ... junk"
#   mnemonic); nodes beyond the validator count follow;
# - instant: the first node mines on every transaction, the others follow.
# Node 0 is every other node's bootnode; Kademlia introduces the rest.
# Prints one line per node: "node <i>  http://127.0.0.1:<rpc port>  <p2p multiaddr>".
#
# Options: --nodes N (default 3), --genesis FILE (default genesis/pow.json),
# --rpc-port P (first RPC port, default 8545), --p2p-port P (first p2p port,
# default 30303), --datadir DIR (default: a temporary directory, deleted at
# exit). BASALT_BIN overrides the binary (default: a release build via cargo).
set -euo pipefail
cd "$(dirname "$0")/.."

nodes=3
genesis=genesis/pow.json
rpc_port=8545
p2p_port=30303
datadir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes="$2"; shift 2 ;;
    --genesis) genesis="$2"; shift 2 ;;
    --rpc-port) rpc_port="$2"; shift 2 ;;
    --p2p-port) p2p_port="$2"; shift 2 ;;
    --datadir) datadir="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "devnet.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$nodes" in ''|*[!0-9]*) echo "devnet.sh: --nodes needs a number" >&2; exit 2 ;; esac
[ "$nodes" -ge 1 ] || { echo "devnet.sh: --nodes must be at least 1" >&2; exit 2; }
[ -f "$genesis" ] || { echo "devnet.sh: no genesis file $genesis" >&2; exit 2; }

if [ -z "${BASALT_BIN:-}" ]; then
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/basalt/target}"
  cargo build -q --release -p basalt-node
  BASALT_BIN="$CARGO_TARGET_DIR/release/basalt"
fi

cleanup_dir=""
if [ -z "$datadir" ]; then
  datadir="$(mktemp -d "${TMPDIR:-/tmp}/basalt-devnet.XXXXXX")"
  cleanup_dir="$datadir"
fi
mkdir -p "$datadir"

# The dev accounts (anvil's and Hardhat's "test test ... junk" mnemonic).
dev_key() {
  case "$1" in
    0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266) echo ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 ;;
    0x70997970c51812dc3a010c7d01b50e0d17dc79c8) echo 59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d ;;
    0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc) echo 5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a ;;
    0x90f79bf6eb2c4f870365e785982e1f101e93b906) echo 7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6 ;;
    0x15d34aaf54267db7d7c367839aaf71a00a2c6a65) echo 47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a ;;
    0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc) echo 8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba ;;
    0x976ea74026e726554db657fa54763abd0c3a0aa9) echo 92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e ;;
    0x14dc79964da2c08b23698b3d3cc7ca32193d9955) echo 4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356 ;;
    0x23618e81e3f5cdf7f54c3d65f7fbc0abf5b21e8f) echo dbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97 ;;
    0xa0ee7a142d267c1f36714e4a8f75612f20a79720) echo 2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6 ;;
    *) return 1 ;;
  esac
}

engine="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["config"].get("consensus",{}).get("engine","instant"))' "$genesis")"
validators=()
if [ "$engine" = pos ]; then
  while read -r address; do validators+=("$address"); done < <(python3 -c '
import json, sys
for v in json.load(open(sys.argv[1]))["config"]["consensus"]["validators"]:
    print(v["address"].lower())' "$genesis")
fi

pids=()
# Stops every node (SIGTERM: each flushes its database) and exits with $1.
stop_all() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$cleanup_dir" ]; then rm -rf "$cleanup_dir"; fi
  echo "devnet stopped" >&2
  exit "$1"
}
trap 'stop_all $?' EXIT
trap 'stop_all 0' INT TERM

bootnode=""
for ((i = 0; i < nodes; i++)); do
  dir="$datadir/node$i"
  mkdir -p "$dir"
  args=(node --genesis "$genesis" --datadir "$dir" --port $((rpc_port + i)) --p2p-port $((p2p_port + i)))
  [ -n "$bootnode" ] && args+=(--bootnodes "$bootnode")
  case "$engine" in
    pow) [ "$i" -gt 0 ] && args+=(--mine --miner.threads 1) ;;
    pos)
      if [ "$i" -lt "${#validators[@]}" ]; then
        key="$(dev_key "${validators[$i]}")" || { echo "devnet.sh: validator ${validators[$i]} is not a dev account" >&2; exit 1; }
        echo "$key" > "$dir/validator.key"
        chmod 600 "$dir/validator.key"
        args+=(--validator-key "$dir/validator.key")
      fi ;;
    *) [ "$i" -gt 0 ] && args+=(--no-mining) ;;
  esac
  "$BASALT_BIN" "${args[@]}" > "$dir/stdout.log" 2> "$dir/node.log" &
  pids+=($!)
  # Wait for the node's RPC line (its P2P line comes first).
  for _ in $(seq 1 300); do
    grep -q '^Listening on ' "$dir/stdout.log" 2>/dev/null && break
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "devnet.sh: node $i exited; its log:" >&2; tail -n 20 "$dir/node.log" >&2; exit 1
    fi
    sleep 0.1
  done
  p2p="$(sed -n 's/^P2P listening on //p' "$dir/stdout.log" | head -n 1)"
  [ -n "$p2p" ] || { echo "devnet.sh: node $i did not start; see $dir/node.log" >&2; exit 1; }
  [ -z "$bootnode" ] && bootnode="$p2p"
  echo "node $i  http://127.0.0.1:$((rpc_port + i))  $p2p"
done
echo "devnet running ($engine, $nodes nodes, data in $datadir); Ctrl-C stops it"
wait -n "${pids[@]}" || true
echo "devnet.sh: a node exited; stopping the others" >&2
exit 1
