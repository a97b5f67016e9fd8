//! Every transaction type the clients sign is accepted by `basalt dev`:
//! legacy with EIP-155, legacy without a chain id (pre-EIP-155, which anvil
//! accepts and deterministic-deployment scripts rely on), EIP-2930 with an
//! access list and EIP-1559, signed by ethers v6 (`js/tx_types.mjs`) and by
//! eth-account and sent with web3.py (`py/tx_types.py`), plus
//! `cast send --legacy`. Each client checks status 1 and the receipt's type;
//! this side checks the same transactions again over raw JSON-RPC (receipt
//! and transaction `type`, `v`, `chainId`, access list).
//!
//! `basalt node` keeps geth's default and refuses unprotected transactions
//! unless `--allow-unprotected-txs` is given.

use crate::cast::{cast, cast_binary};
use crate::clients::{node_script, npm_prefix, python, run};
use crate::harness::*;
use basalt_primitives::{sign_transaction, Transaction, TxKind, TxLegacy, U256};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

/// `v` of a pre-EIP-155 signature.
const PRE155_V: [&str; 2] = ["0x1b", "0x1c"];
/// `v` of an EIP-155 signature on chain 31337: 35 + 2 × 31337 + parity.
const EIP155_V: [&str; 2] = ["0xf4f5", "0xf4f6"];

/// The `sent LABEL HASH TYPE` lines a client script printed.
fn sent(out: &str) -> Vec<(String, String, u64)> {
    out.lines()
        .filter_map(|line| line.strip_prefix("sent "))
        .map(|rest| {
            let mut parts = rest.split_whitespace();
            let label = parts.next().unwrap().to_owned();
            let hash = parts.next().unwrap().to_owned();
            let kind = parts.next().unwrap().parse().unwrap();
            (label, hash, kind)
        })
        .collect()
}

/// Checks one mined transaction over raw JSON-RPC, by what its label says it is.
fn check_mined(node: &DevNode, label: &str, hash: &str, kind: u64) {
    let receipt = node.receipt(hash);
    assert_eq!(receipt["status"], "0x1", "{label}: {receipt}");
    assert_eq!(receipt["type"], json!(format!("{kind:#x}")), "{label}: {receipt}");
    let tx = node.call("eth_getTransactionByHash", json!([hash]));
    assert_eq!(tx["type"], receipt["type"], "{label}: {tx}");
    assert_eq!(tx["blockHash"], receipt["blockHash"], "{label}: {tx}");
    let v = tx["v"].as_str().unwrap();
    match label {
        "legacy-pre155" => {
            assert!(PRE155_V.contains(&v), "{label}: v {v}: {tx}");
            assert!(tx.get("chainId").is_none(), "{label}: no chain id: {tx}");
        }
        "legacy-eip155" => {
            assert!(EIP155_V.contains(&v), "{label}: v {v}: {tx}");
            assert_eq!(tx["chainId"], "0x7a69", "{label}: {tx}");
        }
        "eip2930" => {
            assert_eq!(tx["chainId"], "0x7a69", "{label}: {tx}");
            let list = tx["accessList"].as_array().unwrap();
            assert_eq!(list.len(), 1, "{label}: {tx}");
            assert_eq!(
                list[0]["address"].as_str().unwrap().to_lowercase(),
                "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"
            );
            assert_eq!(list[0]["storageKeys"], json!([format!("0x{:064x}", 1)]), "{label}: {tx}");
            assert_eq!(receipt["gasUsed"], "0x62d4", "{label}: 21000 + 2400 + 1900: {receipt}");
            assert!(tx.get("maxFeePerGas").is_none(), "{label}: {tx}");
        }
        "eip1559" => {
            assert_eq!(tx["chainId"], "0x7a69", "{label}: {tx}");
            assert!(tx["maxFeePerGas"].is_string(), "{label}: {tx}");
            assert!(tx["maxPriorityFeePerGas"].is_string(), "{label}: {tx}");
        }
        other => panic!("unexpected label {other}"),
    }
}

/// Every label a client must have sent, with its type.
const EXPECTED: [(&str, u64); 4] =
    [("legacy-eip155", 0), ("legacy-pre155", 0), ("eip2930", 1), ("eip1559", 2)];

fn check_client_output(node: &DevNode, out: &str) {
    assert!(out.contains("all checks passed"), "{out}");
    let sent = sent(out);
    let kinds: Vec<(&str, u64)> = sent.iter().map(|(l, _, k)| (l.as_str(), *k)).collect();
    assert_eq!(kinds, EXPECTED, "{out}");
    for (label, hash, kind) in &sent {
        check_mined(node, label, hash, *kind);
    }
    assert_eq!(node.balance("0x00000000000000000000000000000000000e7e25"), U256::from(10u64));
}

#[test]
fn ethers_signs_every_transaction_type() {
    let prefix = match npm_prefix() {
        Ok(p) => p,
        Err(reason) => return eprintln!("skipping the ethers transaction types test: {reason}"),
    };
    let node = DevNode::start();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rpc/js/tx_types.mjs");
    let out = run("js/tx_types.mjs", node_script(&prefix, &script, &[&node.url()]));
    check_client_output(&node, &out);
    assert!(node.stop(), "basalt dev did not exit cleanly");
}

#[test]
fn web3py_and_eth_account_sign_every_transaction_type() {
    let python = match python() {
        Ok(p) => p,
        Err(reason) => return eprintln!("skipping the web3.py transaction types test: {reason}"),
    };
    let node = DevNode::start();
    let mut command = Command::new(python);
    command
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rpc/py/tx_types.py"))
        .arg(node.url());
    let out = run("py/tx_types.py", command);
    check_client_output(&node, &out);
    assert!(node.stop(), "basalt dev did not exit cleanly");
}

#[test]
fn cast_send_legacy_is_mined_as_type_0() {
    let bin = match cast_binary() {
        Ok(bin) => bin,
        Err(reason) => return eprintln!("skipping the cast --legacy test: {reason}"),
    };
    let node = DevNode::start();
    let url = node.url();
    let out = cast(
        &bin,
        &[
            "send",
            "--legacy",
            "--private-key",
            &format!("0x{DEV_KEY_0}"),
            "--rpc-url",
            &url,
            "--json",
            "--value",
            "777",
            DEV_ADDR_1,
        ],
    );
    let receipt: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(receipt["status"], "0x1", "{out}");
    assert_eq!(receipt["type"], "0x0", "{out}");
    let hash = receipt["transactionHash"].as_str().unwrap();
    check_mined(&node, "legacy-eip155", hash, 0);
    let tx = node.call("eth_getTransactionByHash", json!([hash]));
    assert!(tx["gasPrice"].is_string() && tx.get("maxFeePerGas").is_none(), "{tx}");
    assert_eq!(tx["value"], "0x309", "{tx}");
    assert!(node.stop(), "basalt dev did not exit cleanly");
}

/// A pre-EIP-155 transfer signed here, from dev account 0.
fn unprotected_transfer(nonce: u64) -> Vec<u8> {
    let tx = TxLegacy {
        chain_id: None,
        nonce,
        gas_price: gwei(10),
        gas_limit: 21_000,
        to: TxKind::Call(addr(DEV_ADDR_1)),
        value: U256::from(5u64),
        input: Vec::new(),
    };
    sign_transaction(Transaction::Legacy(tx), &key0()).unwrap().encode_network()
}

/// `basalt dev` accepts a pre-EIP-155 transaction as anvil does; `basalt
/// node` refuses it with geth's message unless `--allow-unprotected-txs`.
#[test]
fn unprotected_transactions_dev_accepts_node_refuses_unless_allowed() {
    let raw = hex0x(&unprotected_transfer(0));

    let dev = DevNode::start();
    let hash = dev.call("eth_sendRawTransaction", json!([raw])).as_str().unwrap().to_owned();
    check_mined(&dev, "legacy-pre155", &hash, 0);
    assert!(dev.stop(), "basalt dev did not exit cleanly");

    let genesis = concat!(env!("CARGO_MANIFEST_DIR"), "/../../genesis/dev.json");
    let dir = tempfile::tempdir().unwrap();
    let datadir = dir.path().to_str().unwrap();
    let strict =
        DevNode::spawn(&["node", "--genesis", genesis, "--datadir", datadir, "--port", "0"]);
    let error = strict.error("eth_sendRawTransaction", json!([raw]));
    assert_eq!(error["code"], -32000, "{error}");
    assert_eq!(
        error["message"], "only replay-protected (EIP-155) transactions allowed over RPC",
        "{error}"
    );
    assert_eq!(strict.nonce(DEV_ADDR_0), 0);
    assert!(strict.stop(), "basalt node did not exit cleanly");

    let allowing = DevNode::spawn(&[
        "node",
        "--genesis",
        genesis,
        "--datadir",
        datadir,
        "--port",
        "0",
        "--allow-unprotected-txs",
    ]);
    let hash = allowing.call("eth_sendRawTransaction", json!([raw])).as_str().unwrap().to_owned();
    check_mined(&allowing, "legacy-pre155", &hash, 0);
    assert!(allowing.stop(), "basalt node did not exit cleanly");
}
