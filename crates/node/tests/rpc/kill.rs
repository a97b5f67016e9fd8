//! `basalt node` killed with SIGKILL: every block whose receipt was served
//! more than a second before the kill survives it whole (head, balances,
//! receipts, logs); a block killed right after its receipt is either there
//! whole or not at all, and the database always opens again.

use crate::harness::*;
use basalt_primitives::U256;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

const GENESIS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../genesis/dev.json");

/// `basalt node` on `datadir`, through the shared harness.
fn start(datadir: &Path) -> DevNode {
    let dir = datadir.to_str().expect("temp dirs are UTF-8");
    DevNode::spawn(&["node", "--genesis", GENESIS, "--datadir", dir, "--port", "0"])
}

fn head(node: &DevNode) -> Value {
    node.call("eth_getBlockByNumber", json!(["latest", false]))
}

const FRESH: &str = "0x00000000000000000000000000000000000beef0";

/// Everything a restart must give back about the chain so far.
fn snapshot(node: &DevNode, hashes: &[String], contract: &str) -> Value {
    let head = head(node);
    let blocks: Vec<Value> = (0..=quantity(&head["number"]))
        .map(|n| node.call("eth_getBlockByNumber", json!([format!("{n:#x}"), true])))
        .collect();
    let receipts: Vec<Value> =
        hashes.iter().map(|h| node.call("eth_getTransactionReceipt", json!([h]))).collect();
    let balances: Vec<Value> = [DEV_ADDR_0, DEV_ADDR_1, FRESH, contract]
        .iter()
        .map(|a| node.call("eth_getBalance", json!([a, "latest"])))
        .collect();
    json!({
        "head": head,
        "blocks": blocks,
        "receipts": receipts,
        "balances": balances,
        "nonce": node.nonce(DEV_ADDR_0),
        "code": node.call("eth_getCode", json!([contract, "latest"])),
        "logs": node.call("eth_getLogs", json!([{"fromBlock": "0x0", "toBlock": "latest"}])),
        "contractLogs": node.call("eth_getLogs", json!([{"fromBlock": "earliest", "address": contract}])),
    })
}

#[test]
fn sigkill_keeps_every_block_served_a_second_before_and_never_half_a_block() {
    let dir = tempfile::tempdir().unwrap();
    let datadir = dir.path().join("data");

    // Round 1: several blocks, a quiet second, then SIGKILL.
    let node = start(&datadir);
    let deploy = node.send_raw(&eip1559(0, None, U256::zero(), log_contract(), 5_000_000));
    let receipt = node.receipt(&deploy);
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    let contract = receipt["contractAddress"].as_str().unwrap().to_owned();
    let mut hashes = vec![deploy];
    for nonce in 1..=6u64 {
        let raw = match nonce {
            2 | 5 => eip1559(
                nonce,
                Some(addr(&contract)),
                U256::zero(),
                vec![0xaa, nonce as u8],
                200_000,
            ),
            4 => eip1559(nonce, Some(addr(FRESH)), U256::from(1_000_000u64), vec![], 21_000),
            _ => eip1559(nonce, Some(addr(DEV_ADDR_1)), U256::from(nonce * 1000), vec![], 21_000),
        };
        let hash = node.send_raw(&raw);
        assert_eq!(node.receipt(&hash)["status"], "0x1");
        hashes.push(hash);
    }
    let before = snapshot(&node, &hashes, &contract);
    assert_eq!(before["head"]["number"], "0x7");
    assert_eq!(before["contractLogs"].as_array().unwrap().len(), 2, "{before}");
    std::thread::sleep(Duration::from_millis(1500));
    node.kill9();

    let node = start(&datadir);
    let after = snapshot(&node, &hashes, &contract);
    for key in ["head", "blocks", "receipts", "balances", "nonce", "code", "logs", "contractLogs"] {
        assert_eq!(after[key], before[key], "{key} differs after SIGKILL");
    }

    // Quick kills: SIGKILL right after the receipt. The block is kept
    // whole or lost whole; the chain goes on from whichever head is there.
    let mut node = node;
    let (mut kept, mut lost) = (0, 0);
    for round in 0..6u64 {
        let old_head = head(&node);
        let nonce = node.nonce(DEV_ADDR_0);
        let raw = if round % 2 == 0 {
            eip1559(nonce, Some(addr(FRESH)), U256::from(1 + round), vec![], 21_000)
        } else {
            eip1559(nonce, Some(addr(&contract)), U256::zero(), vec![0xbb, round as u8], 200_000)
        };
        let hash = node.send_raw(&raw);
        let served = node.receipt(&hash);
        let fresh_balance = node.call("eth_getBalance", json!([FRESH, "latest"]));
        node.kill9();

        node = start(&datadir);
        let head = head(&node);
        let old_number = quantity(&old_head["number"]);
        let number = quantity(&head["number"]);
        if number == old_number {
            lost += 1;
            assert_eq!(head, old_head, "round {round}: same number, another block");
            assert_eq!(node.call("eth_getTransactionReceipt", json!([hash])), Value::Null);
            assert_eq!(node.call("eth_getTransactionByHash", json!([hash])), Value::Null);
            assert_eq!(
                node.call("eth_getBlockByNumber", json!([format!("{:#x}", number + 1), false])),
                Value::Null
            );
            assert_eq!(node.nonce(DEV_ADDR_0), nonce);
        } else {
            assert_eq!(number, old_number + 1, "round {round}: head {head}");
            kept += 1;
            assert_eq!(head["hash"], served["blockHash"], "round {round}");
            assert_eq!(head["parentHash"], old_head["hash"]);
            assert_eq!(head["transactions"], json!([hash]));
            assert_eq!(node.call("eth_getTransactionReceipt", json!([hash])), served);
            let logs = node.call("eth_getLogs", json!([{"blockHash": head["hash"]}]));
            assert_eq!(logs, served["logs"], "round {round}");
            assert_eq!(served["logs"].as_array().unwrap().len(), (round % 2) as usize);
            assert_eq!(node.nonce(DEV_ADDR_0), nonce + 1);
            assert_eq!(node.call("eth_getBalance", json!([FRESH, "latest"])), fresh_balance);
        }
        // The blocks of round 1 are all still there.
        let first = node.call("eth_getBlockByNumber", json!(["0x7", false]));
        assert_eq!(first["hash"], before["head"]["hash"], "round {round}");
        assert_eq!(
            node.call("eth_getTransactionReceipt", json!([hashes[5]])),
            before["receipts"][5]
        );
    }
    eprintln!("quick SIGKILL rounds: {kept} blocks kept, {lost} lost whole");
    // It goes on from there.
    let nonce = node.nonce(DEV_ADDR_0);
    let hash = node.send_raw(&eip1559(nonce, Some(addr(DEV_ADDR_1)), U256::one(), vec![], 21_000));
    let mined = quantity(&node.receipt(&hash)["blockNumber"]);
    assert_eq!(mined, quantity(&head(&node)["number"]));
    node.kill9();
}
