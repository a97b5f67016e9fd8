"""web3.py against `basalt dev`: deploy via constructor transact, call,
transact + receipt, create_filter / get_new_entries, get_logs, a revert.
Usage: python web3_client.py ARTIFACT HTTP_URL"""

import json
import sys
import time

from web3 import Web3
from web3.exceptions import ContractLogicError

REASON = "ERC20: transfer amount exceeds balance"


def check(ok, message):
    if not ok:
        raise AssertionError(f"mismatch: {message}")
    print(f"ok: {message}")


def main():
    artifact_path, url = sys.argv[1], sys.argv[2]
    with open(artifact_path) as f:
        artifact = json.load(f)
    w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 30}))
    check(w3.is_connected(), "is_connected")
    check(w3.eth.chain_id == 31337, "chain id 31337")
    a0, a1, a2 = w3.eth.accounts[:3]

    supply = 1000 * 10**18
    factory = w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
    tx = factory.constructor("Basalt Token", "BSLT", 18, supply).transact({"from": a0})
    deployed = w3.eth.wait_for_transaction_receipt(tx, timeout=30)
    check(deployed["status"] == 1 and deployed["contractAddress"], f"deployed at {deployed['contractAddress']}")
    token = w3.eth.contract(address=deployed["contractAddress"], abi=artifact["abi"])

    check(token.functions.name().call() == "Basalt Token", "call name()")
    check(token.functions.decimals().call() == 18, "call decimals()")
    check(token.functions.balanceOf(a0).call() == supply, "call balanceOf(deployer)")

    future = token.events.Transfer.create_filter(from_block="latest", argument_filters={"to": a1})
    plain = w3.eth.filter({"address": token.address})  # no fromBlock: future logs only
    check(plain.get_new_entries() == [], "raw filter without fromBlock starts empty (future logs only)")

    amount = 5 * 10**18
    tx = token.functions.transfer(a1, amount).transact({"from": a0})
    receipt = w3.eth.wait_for_transaction_receipt(tx, timeout=30)
    check(receipt["status"] == 1 and len(receipt["logs"]) == 1, f"transact transfer mined in block {receipt['blockNumber']}")
    processed = token.events.Transfer().process_receipt(receipt)
    check(processed[0]["args"]["value"] == amount, "receipt log decodes as Transfer")
    check(token.functions.balanceOf(a1).call() == amount, "balanceOf(recipient) after transfer")

    entries, deadline = [], time.monotonic() + 30
    while not entries and time.monotonic() < deadline:
        entries = future.get_new_entries()
        if not entries:
            time.sleep(0.2)
    check(
        len(entries) == 1 and entries[0]["transactionHash"] == tx and entries[0]["args"]["from"] == a0,
        f"create_filter / get_new_entries returns the transfer (got {len(entries)})",
    )
    check(future.get_new_entries() == [], "get_new_entries is empty on the next poll")
    raw = plain.get_new_entries()
    check(len(raw) == 1 and raw[0]["transactionHash"] == tx, f"raw filter sees only the transfer (got {len(raw)})")

    try:
        token.functions.transfer(a2, amount * 2).call({"from": a1})
        check(False, "call beyond the balance reverts")
    except ContractLogicError as e:
        check(REASON in str(e), f"revert surfaces the reason ({e})")
    try:
        token.functions.transfer(a2, amount * 2).transact({"from": a1})
        check(False, "transact beyond the balance reverts")
    except ContractLogicError as e:
        check(REASON in str(e), f"transact revert surfaces the reason ({e})")

    tx2 = token.functions.transfer(a2, 10**18).transact({"from": a1})
    check(w3.eth.wait_for_transaction_receipt(tx2, timeout=30)["status"] == 1, "transfer from the recipient")
    from_a1 = token.events.Transfer.get_logs(from_block=0, argument_filters={"from": a1})
    check(len(from_a1) == 1 and from_a1[0]["transactionHash"] == tx2, f"get_logs argument_filters from (got {len(from_a1)})")
    topic = w3.keccak(text="Transfer(address,address,uint256)")
    mints = w3.eth.get_logs(
        {"address": token.address, "fromBlock": 0, "toBlock": "latest", "topics": [topic, "0x" + "00" * 32]}
    )
    check(len(mints) == 1 and mints[0]["transactionHash"] == deployed["transactionHash"], f"eth.get_logs by topics finds the mint (got {len(mints)})")
    check(w3.eth.uninstall_filter(future.filter_id), "uninstall_filter")
    print("web3.py: all checks passed")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001
        print(f"web3.py test failed: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
