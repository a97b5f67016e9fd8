//! Chain id, block number, balances, request forms, unknown methods.

use crate::harness::*;
use serde_json::json;
use std::time::{Duration, Instant};

#[test]
fn answers_basic_queries_quickly() {
    let node = DevNode::start();
    let start = Instant::now();
    assert_eq!(node.call("eth_chainId", json!([])), "0x7a69");
    eprintln!(
        "first answer {:?} after start ({:?} to listen)",
        node.started_in + start.elapsed(),
        node.started_in
    );
    assert_eq!(node.call("eth_blockNumber", json!([])), "0x0");
    assert_eq!(node.call("net_version", json!([])), "31337");
    assert_eq!(node.call("eth_syncing", json!([])), false);
    assert!(node.call("web3_clientVersion", json!([])).as_str().unwrap().starts_with("basalt/"));
    // keccak256("") .
    assert_eq!(
        node.call("web3_sha3", json!(["0x"])),
        "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    );
    let ten_thousand_eth =
        basalt_primitives::U256::from(10_000u64) * basalt_primitives::U256::exp10(18);
    assert_eq!(node.balance(DEV_ADDR_0), ten_thousand_eth);
    assert_eq!(node.call("eth_getBalance", json!([DEV_ADDR_0, "latest"])), "0x21e19e0c9bab2400000");
    let accounts = node.call("eth_accounts", json!([]));
    assert_eq!(accounts.as_array().unwrap().len(), 10);
    assert_eq!(accounts[0], DEV_ADDR_0);
    assert_eq!(node.call("eth_getCode", json!([DEV_ADDR_0, "latest"])), "0x");
    assert_eq!(
        node.call("eth_getStorageAt", json!([DEV_ADDR_0, "0x0", "latest"])),
        format!("0x{}", "00".repeat(32))
    );
    let genesis = node.call("eth_getBlockByNumber", json!(["earliest", false]));
    for field in [
        "hash",
        "parentHash",
        "sha3Uncles",
        "miner",
        "stateRoot",
        "transactionsRoot",
        "receiptsRoot",
        "logsBloom",
        "difficulty",
        "number",
        "gasLimit",
        "gasUsed",
        "timestamp",
        "extraData",
        "mixHash",
        "nonce",
        "size",
        "transactions",
        "uncles",
        "baseFeePerGas",
    ] {
        assert!(genesis.get(field).is_some(), "block lacks {field}: {genesis}");
    }
    assert_eq!(genesis["baseFeePerGas"], "0x3b9aca00");
    assert_eq!(genesis["gasLimit"], "0x1c9c380");
    let proof = node.call("eth_getProof", json!([DEV_ADDR_0, [], "latest"]));
    assert_eq!(proof["balance"], "0x21e19e0c9bab2400000");
    assert!(!proof["accountProof"].as_array().unwrap().is_empty());
    let fees = node.call("eth_feeHistory", json!(["0x1", "latest", [5.0, 50.0]]));
    assert_eq!(fees["baseFeePerGas"].as_array().unwrap().len(), 2);
    assert_eq!(fees["reward"].as_array().unwrap().len(), 1);
    assert!(node.call("eth_gasPrice", json!([])).as_str().unwrap().starts_with("0x"));
    assert!(node.started_in < Duration::from_secs(30));
}

#[test]
fn accepts_cast_request_forms_batches_and_reports_unknown_methods() {
    let node = DevNode::start();
    // No params key, null params, id 0.
    let r = node.post(&json!({"jsonrpc": "2.0", "id": 0, "method": "eth_chainId"}));
    assert_eq!(r["id"], 0);
    assert_eq!(r["result"], "0x7a69");
    let r =
        node.post(&json!({"jsonrpc": "2.0", "id": 7, "method": "eth_blockNumber", "params": null}));
    assert_eq!(r["result"], "0x0");
    // A batch.
    let r = node.post(&json!([
        {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"},
        {"jsonrpc": "2.0", "id": 2, "method": "eth_nope", "params": []},
        {"jsonrpc": "2.0", "id": 3, "method": "net_version", "params": []}
    ]));
    let answers = r.as_array().unwrap();
    assert_eq!(answers.len(), 3);
    let by_id = |id: u64| answers.iter().find(|a| a["id"] == id).unwrap().clone();
    assert_eq!(by_id(1)["result"], "0x7a69");
    assert_eq!(by_id(2)["error"]["code"], -32601);
    assert_eq!(by_id(2)["error"]["message"], "the method eth_nope does not exist/is not available");
    assert_eq!(by_id(3)["result"], "31337");
    // Unknown method alone.
    let e = node.error("foo_bar", json!([]));
    assert_eq!(e["code"], -32601);
    assert_eq!(e["message"], "the method foo_bar does not exist/is not available");
    // Bad params.
    assert_eq!(node.error("eth_getBalance", json!(["0x12", "latest"]))["code"], -32602);
    // Unknown block for a state read.
    let e = node.error("eth_getBalance", json!([DEV_ADDR_0, "0x99"]));
    assert_eq!(e["code"], -32000);
    assert_eq!(e["message"], "header not found");
    assert!(node.call("eth_getBlockByNumber", json!(["0x99", false])).is_null());
    // An oversized body is refused, not read.
    let big = format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"web3_sha3\",\"params\":[\"0x{}\"]}}",
        "00".repeat(8 * 1024 * 1024)
    );
    let answer = node.raw_http(&format!(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{big}",
        big.len()
    ));
    assert!(answer.starts_with("HTTP/1.1 413"), "{}", &answer[..answer.len().min(300)]);
    // Browsers: a CORS preflight is answered for any origin.
    let answer = node.raw_http(
        "OPTIONS / HTTP/1.1\r\nHost: x\r\nOrigin: http://localhost:3000\r\n\
         Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n\
         Connection: close\r\n\r\n",
    );
    assert!(answer.to_ascii_lowercase().contains("access-control-allow-origin: *"), "{answer}");
    // Dev methods cast probes.
    assert!(node.call("anvil_nodeInfo", json!([])).get("currentBlockNumber").is_some());
}

#[test]
fn mines_on_demand_and_moves_time() {
    let node = DevNode::start();
    node.call("evm_setNextBlockTimestamp", json!(["0x7fffffff"]));
    assert_eq!(node.call("evm_mine", json!([])), "0x0");
    assert_eq!(node.block_number(), 1);
    let block = node.call("eth_getBlockByNumber", json!(["latest", false]));
    assert_eq!(block["timestamp"], "0x7fffffff");
    node.call("anvil_mine", json!(["0x3"]));
    assert_eq!(node.block_number(), 4);
    node.call("evm_increaseTime", json!([3600]));
    node.call("evm_mine", json!([]));
    let later = node.call("eth_getBlockByNumber", json!(["latest", false]));
    assert!(quantity(&later["timestamp"]) > 0x7fffffff);
    assert_eq!(node.call("anvil_getAutomine", json!([])), true);
}

#[test]
fn anvil_state_methods_write_state_in_a_new_block() {
    let node = DevNode::start();
    let who = "0x00000000000000000000000000000000000000aa";
    node.call("anvil_setBalance", json!([who, "0xde0b6b3a7640000"]));
    assert_eq!(node.call("eth_getBalance", json!([who, "latest"])), "0xde0b6b3a7640000");
    node.call("anvil_setNonce", json!([who, "0x5"]));
    assert_eq!(node.call("eth_getTransactionCount", json!([who, "latest"])), "0x5");
    let slot = format!("0x{}", "00".repeat(31) + "07");
    let word = format!("0x{}", "00".repeat(31) + "2a");
    assert_eq!(node.call("anvil_setStorageAt", json!([who, "0x7", word])), true);
    assert_eq!(node.call("eth_getStorageAt", json!([who, slot, "latest"])), word);
    let code = hex0x(&log_contract());
    node.call("anvil_setCode", json!([who, code]));
    assert_eq!(node.call("eth_getCode", json!([who, "latest"])), code);
    assert_eq!(node.error("anvil_setCode", json!([who, "0x0102"]))["code"], -32602);
    // Each write is its own block, so earlier blocks keep their state.
    assert_eq!(node.block_number(), 4);
    assert_eq!(node.call("eth_getBalance", json!([who, "0x0"])), "0x0");

    // Impersonation: send from an account without its key.
    let e =
        node.error("eth_sendTransaction", json!([{"from": who, "to": DEV_ADDR_1, "value": "0x1"}]));
    assert_eq!(e["code"], -32000);
    node.call("anvil_impersonateAccount", json!([DEV_ADDR_1]));
    let hash =
        node.call("eth_sendTransaction", json!([{"from": DEV_ADDR_1, "to": who, "value": "0x1"}]));
    let receipt = node.receipt(hash.as_str().unwrap());
    assert_eq!(receipt["status"], "0x1");
    assert_eq!(receipt["from"], DEV_ADDR_1);
    node.call("anvil_stopImpersonatingAccount", json!([DEV_ADDR_1]));

    // eth_fillTransaction fills nonce, gas and fees without signing.
    let filled =
        node.call("eth_fillTransaction", json!([{"from": who, "to": DEV_ADDR_1, "value": "0x1"}]));
    assert_eq!(filled["tx"]["nonce"], "0x5");
    assert_eq!(filled["tx"]["gas"], "0x5208");
    assert_eq!(filled["tx"]["type"], "0x2");
    assert!(filled["raw"].as_str().unwrap().starts_with("0x02"));
}

#[test]
fn snapshots_revert_blocks_state_and_transactions() {
    let node = DevNode::start();
    let id = node.call("evm_snapshot", json!([]));
    let before = node.balance(DEV_ADDR_1);
    let hash = node.send_raw(&eip1559(
        0,
        Some(addr(DEV_ADDR_1)),
        basalt_primitives::U256::from(5u64),
        vec![],
        21_000,
    ));
    node.receipt(&hash);
    node.call("evm_mine", json!([]));
    assert_eq!(node.block_number(), 2);
    assert_eq!(node.call("evm_revert", json!([id])), true);
    assert_eq!(node.block_number(), 0);
    assert_eq!(node.balance(DEV_ADDR_1), before);
    assert_eq!(node.nonce(DEV_ADDR_0), 0);
    assert!(node.call("eth_getTransactionReceipt", json!([hash])).is_null());
    // Used up.
    assert_eq!(node.call("evm_revert", json!([id])), false);
    // The chain goes on from there; the same transaction is accepted again.
    let again = node.send_raw(&eip1559(
        0,
        Some(addr(DEV_ADDR_1)),
        basalt_primitives::U256::from(5u64),
        vec![],
        21_000,
    ));
    assert_eq!(again, hash);
    assert_eq!(node.receipt(&again)["blockNumber"], "0x1");
}

#[test]
fn dev_flags_shape_the_chain() {
    let node = DevNode::start_with(&["--accounts", "12", "--balance", "5", "--chain-id", "1337"]);
    assert_eq!(node.call("eth_chainId", json!([])), "0x539");
    let accounts = node.call("eth_accounts", json!([]));
    assert_eq!(accounts.as_array().unwrap().len(), 12);
    // anvil's account 11 of the test mnemonic, derived (BIP-39/32).
    assert_eq!(accounts[11], "0x71be63f3384f5fb98995898a86b02fb2426c5788");
    assert_eq!(node.call("eth_getBalance", json!([accounts[11], "latest"])), "0x4563918244f40000");
}
