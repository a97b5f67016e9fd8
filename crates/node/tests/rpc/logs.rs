//! A contract that emits logs: deployment, eth_call (and its revert),
//! eth_getLogs, polled filters and WebSocket subscriptions.

use crate::harness::*;
use basalt_primitives::U256;
use serde_json::{json, Value};

fn topic() -> String {
    format!("{LOG_TOPIC:?}")
}

#[test]
fn contract_logs_reach_get_logs_filters_and_receipts() {
    let node = DevNode::start();
    let contract = deploy_log_contract(&node, 0);
    assert!(node
        .call("eth_getCode", json!([contract, "latest"]))
        .as_str()
        .unwrap()
        .starts_with("0x0061736d"));
    // A filter made before the log, from "latest": sees the head at creation on.
    let filter = node.call("eth_newFilter", json!([{"fromBlock": "latest", "address": contract}]));
    let blocks = node.call("eth_newBlockFilter", json!([]));

    let out = node
        .call("eth_call", json!([{"to": contract, "input": "0x0203", "data": "0x0203"}, "latest"]));
    assert_eq!(out, topic());
    let gas = quantity(&node.call(
        "eth_estimateGas",
        json!([{"from": DEV_ADDR_0, "to": contract, "data": "0x0203"}, "latest"]),
    ));
    assert!(gas > 21_000);

    let hash = node.send_raw(&eip1559(1, Some(addr(&contract)), U256::zero(), vec![2, 3], 200_000));
    let receipt = node.receipt(&hash);
    assert_eq!(receipt["status"], "0x1");
    let log = &receipt["logs"][0];
    assert_eq!(log["address"], contract);
    assert_eq!(log["topics"], json!([topic()]));
    assert_eq!(log["data"], "0x0203");
    assert_eq!(log["logIndex"], "0x0");
    assert_eq!(log["transactionHash"], hash);
    assert_eq!(log["removed"], false);

    let all = node.call("eth_getLogs", json!([{"fromBlock": "0x0", "toBlock": "latest"}]));
    assert_eq!(all.as_array().unwrap().len(), 1);
    let by_topic = node.call(
        "eth_getLogs",
        json!([{"fromBlock": "earliest", "topics": [[format!("0x{}", "11".repeat(32)), topic()]]}]),
    );
    assert_eq!(by_topic.as_array().unwrap().len(), 1);
    let none = node.call("eth_getLogs", json!([{"fromBlock": "0x0", "topics": [null, topic()]}]));
    assert_eq!(none, json!([]));
    let by_hash = node.call("eth_getLogs", json!([{"blockHash": receipt["blockHash"]}]));
    assert_eq!(by_hash.as_array().unwrap().len(), 1);
    let other = node.call("eth_getLogs", json!([{"fromBlock": "0x0", "address": [DEV_ADDR_1]}]));
    assert_eq!(other, json!([]));
    let e =
        node.error("eth_getLogs", json!([{"blockHash": receipt["blockHash"], "fromBlock": "0x0"}]));
    assert_eq!(e["code"], -32602);
    let by_hash_filter = node.call("eth_newFilter", json!([{"blockHash": receipt["blockHash"]}]));
    assert_eq!(
        node.call("eth_getFilterLogs", json!([by_hash_filter])).as_array().unwrap().len(),
        1
    );

    let changes = node.call("eth_getFilterChanges", json!([filter]));
    assert_eq!(changes.as_array().unwrap().len(), 1, "{changes}");
    assert_eq!(node.call("eth_getFilterChanges", json!([filter])), json!([]));
    assert_eq!(node.call("eth_getFilterLogs", json!([filter])).as_array().unwrap().len(), 1);
    let new_blocks = node.call("eth_getFilterChanges", json!([blocks]));
    assert_eq!(new_blocks, json!([receipt["blockHash"]]));
    assert_eq!(node.call("eth_uninstallFilter", json!([filter])), true);
    assert_eq!(node.call("eth_uninstallFilter", json!([filter])), false);
    let e = node.error("eth_getFilterChanges", json!([filter]));
    assert_eq!(
        (e["code"].clone(), e["message"].clone()),
        (json!(-32000), json!("filter not found"))
    );
}

#[test]
fn eth_call_revert_is_code_3_with_data() {
    let node = DevNode::start();
    let contract = deploy_log_contract(&node, 0);
    let e = node.error("eth_call", json!([{"to": contract, "data": "0x01"}, "latest"]));
    assert_eq!(e["code"], 3);
    assert_eq!(e["message"], "execution reverted: nope");
    let data = e["data"].as_str().unwrap();
    assert!(data.starts_with("0x08c379a0"), "{data}");
    let e = node
        .error("eth_estimateGas", json!([{"from": DEV_ADDR_0, "to": contract, "data": "0x01"}]));
    assert_eq!(e["code"], 3);
    assert_eq!(e["message"], "execution reverted: nope");
    // A reverting transaction is mined with status 0 and no logs.
    let hash = node.send_raw(&eip1559(1, Some(addr(&contract)), U256::zero(), vec![1], 200_000));
    let receipt = node.receipt(&hash);
    assert_eq!(receipt["status"], "0x0");
    assert_eq!(receipt["logs"], json!([]));
}

#[test]
fn websocket_subscriptions_deliver_heads_logs_and_pending() {
    let node = DevNode::start();
    let contract = deploy_log_contract(&node, 0);
    let mut ws = node.ws();
    let mut notes: Vec<Value> = Vec::new();
    let heads = ws.request("eth_subscribe", json!(["newHeads"]), &mut notes)["result"].clone();
    let logs = ws.request(
        "eth_subscribe",
        json!(["logs", {"address": contract, "topics": [topic()]}]),
        &mut notes,
    )["result"]
        .clone();
    let pending = ws.request("eth_subscribe", json!(["newPendingTransactions"]), &mut notes)
        ["result"]
        .clone();
    assert!(heads.as_str().unwrap().starts_with("0x"), "{heads}");
    // Over WebSocket too: a plain request.
    assert_eq!(ws.request("eth_chainId", json!([]), &mut notes)["result"], "0x7a69");

    let snapshot = node.call("evm_snapshot", json!([]));
    let hash = node.send_raw(&eip1559(1, Some(addr(&contract)), U256::zero(), vec![9], 200_000));
    let mut seen = (false, false, false);
    let mut got = notes;
    while !(seen.0 && seen.1 && seen.2) {
        got.push(ws.notification());
        for n in got.drain(..) {
            let sub = &n["params"]["subscription"];
            let result = &n["params"]["result"];
            if *sub == heads {
                assert_eq!(result["number"], "0x2");
                seen.0 = true;
            } else if *sub == logs {
                assert_eq!(result["transactionHash"], hash);
                assert_eq!(result["data"], "0x09");
                assert_eq!(result["logIndex"], "0x0");
                seen.1 = true;
            } else if *sub == pending {
                assert_eq!(*result, json!(hash));
                seen.2 = true;
            }
        }
    }
    // Reverting the block sends its logs again, marked removed.
    assert_eq!(node.call("evm_revert", json!([snapshot])), true);
    loop {
        let n = ws.notification();
        if n["params"]["subscription"] == logs {
            assert_eq!(n["params"]["result"]["removed"], true);
            assert_eq!(n["params"]["result"]["transactionHash"], hash);
            break;
        }
    }
    let mut rest = Vec::new();
    assert_eq!(ws.request("eth_unsubscribe", json!([heads]), &mut rest)["result"], true);
    let e = ws.request("eth_subscribe", json!(["syncing"]), &mut rest);
    assert!(e.get("error").is_some(), "{e}");
}

#[test]
fn eth_call_takes_state_overrides() {
    let node = DevNode::start();
    let empty = "0x00000000000000000000000000000000000000bb";
    assert_eq!(node.call("eth_call", json!([{"to": empty, "data": "0x05"}, "latest"])), "0x");
    let code = hex0x(&log_contract());
    let out = node.call(
        "eth_call",
        json!([{"to": empty, "data": "0x05"}, "latest", {empty: {"code": code, "balance": "0x1", "stateDiff": {}}}]),
    );
    assert_eq!(out, topic());
    // The override left no trace.
    assert_eq!(node.call("eth_getCode", json!([empty, "latest"])), "0x");
    let e = node.error("eth_call", json!([{"to": empty}, "latest", {empty: {"bogus": 1}}]));
    assert_eq!(e["code"], -32602);
    // hardhat_* aliases reach the anvil methods.
    node.call("hardhat_setBalance", json!([empty, "0x10"]));
    assert_eq!(node.call("eth_getBalance", json!([empty, "latest"])), "0x10");
}
