#!/usr/bin/env python3
"""Deploy the example ERC-20 (contracts/token) to a Basalt node with web3.py,
install an HTTP polling filter on its Transfer event, send one transfer and
print the event the filter returns. Exits 0 on success, 1 with a message
otherwise.

    pip install -r scripts/requirements.txt
    python3 scripts/deploy_and_listen.py [ARTIFACT] [HTTP_URL]

ARTIFACT: Token.json, or a directory holding it (default $BASALT_CONTRACTS).
HTTP_URL: default $BASALT_RPC_URL or http://127.0.0.1:8545 (basalt dev's default).
"""

import json
import os
import sys
import time

from web3 import Web3

RECIPIENT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
TIMEOUT_S = 30


def fail(message):
    print(f"deploy_and_listen: {message}", file=sys.stderr)
    sys.exit(1)


def artifact_path(arg):
    base = arg or os.environ.get("BASALT_CONTRACTS")
    if not base:
        fail("give the Token.json artifact path as the first argument or set BASALT_CONTRACTS")
    return os.path.join(base, "Token.json") if os.path.isdir(base) else base


def main():
    args = sys.argv[1:] + [None, None]
    url = args[1] or os.environ.get("BASALT_RPC_URL") or "http://127.0.0.1:8545"
    with open(artifact_path(args[0])) as f:
        artifact = json.load(f)

    w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 30}))
    if not w3.is_connected():
        fail(f"cannot reach {url}")
    print(f"connected to {url}, chain id {w3.eth.chain_id}")
    # basalt dev unlocks its dev accounts: transact() goes through eth_sendTransaction.
    deployer = w3.eth.accounts[0]

    factory = w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
    supply = 1_000_000 * 10**18
    tx_hash = factory.constructor("Basalt Token", "BSLT", 18, supply).transact({"from": deployer})
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=TIMEOUT_S)
    if receipt["status"] != 1:
        fail(f"deployment failed: {receipt}")
    token = w3.eth.contract(address=receipt["contractAddress"], abi=artifact["abi"])
    print(f"deployed {artifact['contractName']} at {token.address}")

    transfers = token.events.Transfer.create_filter(from_block="latest")
    amount = 42 * 10**18
    tx_hash = token.functions.transfer(RECIPIENT, amount).transact({"from": deployer})
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=TIMEOUT_S)
    if receipt["status"] != 1:
        fail(f"transfer failed: {receipt}")

    deadline = time.monotonic() + TIMEOUT_S
    events = []
    while not events:
        if time.monotonic() > deadline:
            fail("no Transfer event within 30 s")
        events = [e for e in transfers.get_new_entries() if e["transactionHash"] == tx_hash]
        if not events:
            time.sleep(0.2)
    event = events[0]
    a = event["args"]
    print(
        f"Transfer(from={a['from']}, to={a['to']}, value={a['value']}) "
        f"in block {event['blockNumber']}, tx {event['transactionHash'].to_0x_hex()}"
    )
    if a["from"] != deployer or a["to"] != RECIPIENT or a["value"] != amount:
        fail(f"unexpected event: expected {deployer} -> {RECIPIENT} of {amount}")
    w3.eth.uninstall_filter(transfers.filter_id)


if __name__ == "__main__":
    try:
        main()
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001 - any failure is a failed run
        fail(f"{type(e).__name__}: {e}")
