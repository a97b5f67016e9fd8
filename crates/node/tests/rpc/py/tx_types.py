"""eth-account signs and web3.py sends every transaction type against
`basalt dev`: legacy with EIP-155, legacy without a chain id (pre-EIP-155),
EIP-2930 with an access list, EIP-1559. Each must be mined with status 1 and
the receipt's type must match. Prints one line per transaction,
`sent LABEL HASH TYPE`, for the Rust side to check over raw JSON-RPC too.
Usage: python tx_types.py HTTP_URL"""

import sys

from eth_account import Account
from web3 import Web3

KEY1 = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
TO = Web3.to_checksum_address("0x00000000000000000000000000000000000e7e25")
LISTED = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"


def check(ok, message):
    if not ok:
        raise AssertionError(f"mismatch: {message}")
    print(f"ok: {message}")


def main():
    w3 = Web3(Web3.HTTPProvider(sys.argv[1], request_kwargs={"timeout": 30}))
    check(w3.is_connected(), "is_connected")
    account = Account.from_key(KEY1)
    chain_id = w3.eth.chain_id
    gas_price = w3.eth.gas_price
    check(chain_id == 31337 and gas_price > 0, f"chain id {chain_id}, gas price {gas_price}")
    nonce = w3.eth.get_transaction_count(account.address, "pending")

    def send(label, tx, expected_type):
        nonlocal nonce
        signed = account.sign_transaction({"nonce": nonce, "to": TO, **tx})
        nonce += 1
        sent = w3.eth.send_raw_transaction(signed.raw_transaction)
        check(sent == signed.hash, f"{label}: node's hash is keccak256(raw)")
        receipt = w3.eth.wait_for_transaction_receipt(sent, timeout=30, poll_latency=0.1)
        check(receipt["status"] == 1, f"{label}: mined with status 1 in block {receipt['blockNumber']}")
        check(receipt["type"] == expected_type, f"{label}: receipt type {receipt['type']} is {expected_type}")
        print(f"sent {label} 0x{bytes(sent).hex()} {expected_type}")
        return signed, receipt

    send("legacy-eip155", {"value": 1, "gas": 21000, "gasPrice": gas_price, "chainId": chain_id}, 0)

    # No chainId: eth-account signs the 6-field pre-EIP-155 payload (v = 27/28).
    signed, _ = send("legacy-pre155", {"value": 2, "gas": 21000, "gasPrice": gas_price}, 0)
    check(signed.v in (27, 28), f"pre-EIP-155 signature v={signed.v}")

    access_list = [{"address": LISTED, "storageKeys": ["0x" + "00" * 31 + "01"]}]
    _, receipt = send(
        "eip2930",
        {"type": 1, "value": 3, "gas": 50000, "gasPrice": gas_price, "chainId": chain_id, "accessList": access_list},
        1,
    )
    check(receipt["gasUsed"] == 25300, f"type 1 gas used {receipt['gasUsed']} = 21000 + 2400 + 1900")

    base_fee = w3.eth.get_block("latest")["baseFeePerGas"]
    tip = w3.eth.max_priority_fee
    send(
        "eip1559",
        {
            "type": 2,
            "value": 4,
            "gas": 21000,
            "maxFeePerGas": 2 * base_fee + tip,
            "maxPriorityFeePerGas": tip,
            "chainId": chain_id,
        },
        2,
    )

    check(w3.eth.get_balance(TO) == 10, "recipient holds 1 + 2 + 3 + 4 wei")
    print("all checks passed")


if __name__ == "__main__":
    main()
