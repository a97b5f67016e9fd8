//! Refused transactions: each error's code and message, and no state change.

use crate::harness::*;
use basalt_primitives::{signing_key_from_bytes, SignedTransaction, SECP256K1_HALF_N, U256};
use serde_json::json;

#[test]
fn refused_transactions_change_nothing() {
    let node = DevNode::start();
    let to = Some(addr(DEV_ADDR_1));
    let first = node.send_raw(&eip1559(0, to, U256::one(), vec![], 21_000));
    assert_eq!(node.receipt(&first)["status"], "0x1");
    let balance = node.balance(DEV_ADDR_0);
    let head = node.block_number();

    let send = |raw: Vec<u8>| node.error("eth_sendRawTransaction", json!([hex0x(&raw)]));

    // Nonce too low.
    let e = send(eip1559(0, to, U256::from(2u64), vec![], 21_000));
    assert_eq!(e["code"], -32000);
    assert!(e["message"].as_str().unwrap().starts_with("nonce too low"), "{e}");

    // Wrong chain id.
    let e = send(eip1559_for(1, &key0(), 1, to, U256::one(), vec![], 21_000));
    assert_eq!(e["code"], -32000);
    assert!(e["message"].as_str().unwrap().starts_with("invalid chain id for signer"), "{e}");

    // Insufficient funds: an empty account sends.
    let poor = signing_key_from_bytes(&[7u8; 32]).unwrap();
    let e = send(eip1559_for(CHAIN_ID, &poor, 0, to, U256::one(), vec![], 21_000));
    assert_eq!(e["code"], -32000);
    assert!(
        e["message"].as_str().unwrap().starts_with("insufficient funds for gas * price + value"),
        "{e}"
    );

    // ... and estimating gas for it, with a fee, says so too (not "intrinsic
    // gas too low": the search could not start).
    let poor_addr = format!("{:?}", basalt_primitives::secret_key_to_address(&poor));
    let e = node.error(
        "eth_estimateGas",
        json!([{"from": poor_addr, "to": DEV_ADDR_1, "value": "0x1", "gasPrice": "0x3b9aca00"}]),
    );
    assert_eq!(e["code"], -32000);
    assert!(
        e["message"].as_str().unwrap().starts_with("insufficient funds for gas * price + value"),
        "{e}"
    );
    // Without a fee, the estimate needs no balance (geth and anvil alike).
    let gas = node.call("eth_estimateGas", json!([{"from": poor_addr, "to": DEV_ADDR_1}]));
    assert_eq!(gas, json!("0x5208"));

    // Bad signature: s above n/2.
    let signed = SignedTransaction::decode_network(&eip1559(1, to, U256::one(), vec![], 21_000));
    let (tx, mut signature) = signed.unwrap().into_parts();
    signature.s = SECP256K1_HALF_N + U256::one();
    let e = send(SignedTransaction::new(tx, signature).encode_network());
    assert_eq!(e["code"], -32000);
    assert!(
        e["message"].as_str().unwrap().starts_with("invalid transaction v, r, s values"),
        "{e}"
    );

    // Malformed RLP.
    let e = send(vec![0x02, 0xf8, 0x01]);
    assert_eq!(e["code"], -32700);
    assert!(e["message"].as_str().unwrap().starts_with("failed to decode transaction"), "{e}");
    let e = node.error("eth_sendRawTransaction", json!(["0xzz"]));
    assert_eq!(e["code"], -32602);

    // Intrinsic gas too low.
    let e = send(eip1559(1, to, U256::one(), vec![], 20_000));
    assert_eq!(e["code"], -32000);
    assert!(e["message"].as_str().unwrap().starts_with("intrinsic gas too low"), "{e}");

    assert_eq!(node.balance(DEV_ADDR_0), balance);
    assert_eq!(node.nonce(DEV_ADDR_0), 1);
    assert_eq!(node.block_number(), head);
    assert_eq!(node.call("txpool_status", json!([])), json!({"pending": "0x0", "queued": "0x0"}));

    // Replacement underpriced (automine off keeps the first in the pool).
    node.call("evm_setAutomine", json!([false]));
    node.send_raw(&eip1559(1, to, U256::one(), vec![], 21_000));
    let e = send(eip1559(1, to, U256::from(2u64), vec![], 21_000));
    assert_eq!(
        (e["code"].clone(), e["message"].clone()),
        (json!(-32000), json!("replacement transaction underpriced"))
    );
}
