"""Checks eth_getProof answers independently with the `trie` package.

Usage: verify_proof.py INPUT.json, where INPUT is
{"stateRoot": "0x..", "proofs": [<eth_getProof result>, ...]}.

For each proof: walks accountProof from stateRoot to keccak(address) with
trie.HexaryTrie.get_from_proof, decodes the RLP account [nonce, balance,
storageHash, codeHash] and checks it equals the RPC's fields (an absent
account must be reported as the empty account); then each storageProof
from storageHash to keccak(key), whose RLP value must equal the RPC's value.
Prints one JSON object per proof with what the proofs themselves prove;
exits non-zero on any mismatch or bad proof.
"""

import json
import sys

import rlp
from eth_hash.auto import keccak
from trie import HexaryTrie

EMPTY_ROOT = keccak(rlp.encode(b""))
KECCAK_EMPTY = keccak(b"")


def unhex(text):
    text = text[2:] if text.startswith("0x") else text
    if len(text) % 2:
        text = "0" + text
    return bytes.fromhex(text)


def quantity(text):
    return int(text, 16)


def prove(root, key, proof):
    nodes = [rlp.decode(unhex(node)) for node in proof]
    return HexaryTrie.get_from_proof(root, keccak(key), nodes)


def fail(message):
    print(f"proof mismatch: {message}", file=sys.stderr)
    sys.exit(1)


def check(state_root, answer):
    address = unhex(answer["address"])
    if len(address) != 20:
        fail(f"address {answer['address']}")
    raw = prove(state_root, address, answer["accountProof"])
    if raw == b"":
        exists = False
        nonce, balance, storage_hash, code_hash = 0, 0, EMPTY_ROOT, KECCAK_EMPTY
    else:
        exists = True
        fields = rlp.decode(raw)
        if len(fields) != 4:
            fail(f"{answer['address']}: account has {len(fields)} fields")
        nonce = int.from_bytes(fields[0], "big")
        balance = int.from_bytes(fields[1], "big")
        storage_hash, code_hash = bytes(fields[2]), bytes(fields[3])
    rpc = (
        quantity(answer["nonce"]),
        quantity(answer["balance"]),
        unhex(answer["storageHash"]),
        unhex(answer["codeHash"]),
    )
    if (nonce, balance, storage_hash, code_hash) != rpc:
        fail(
            f"{answer['address']}: proven {(nonce, balance, storage_hash.hex(), code_hash.hex())}"
            f" but the RPC says {(rpc[0], rpc[1], rpc[2].hex(), rpc[3].hex())}"
        )
    storage = {}
    for slot in answer["storageProof"]:
        key = unhex(slot["key"]).rjust(32, b"\0")
        raw_value = prove(storage_hash, key, slot["proof"])
        value = int.from_bytes(rlp.decode(raw_value), "big") if raw_value else 0
        if value != quantity(slot["value"]):
            fail(f"{answer['address']} slot {slot['key']}: proven {value:#x}, RPC {slot['value']}")
        storage["0x" + key.hex()] = hex(value)
    return {
        "address": "0x" + address.hex(),
        "exists": exists,
        "nonce": hex(nonce),
        "balance": hex(balance),
        "storageHash": "0x" + storage_hash.hex(),
        "codeHash": "0x" + code_hash.hex(),
        "storage": storage,
    }


def main():
    with open(sys.argv[1]) as f:
        data = json.load(f)
    state_root = unhex(data["stateRoot"])
    out = [check(state_root, answer) for answer in data["proofs"]]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
