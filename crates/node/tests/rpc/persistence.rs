//! `basalt node`: a persistent chain continues from its stored head after a
//! clean restart; `basalt dev --datadir` too.

use crate::harness::*;
use basalt_primitives::U256;
use serde_json::json;

#[test]
fn node_restarts_from_its_stored_head() {
    let dir = tempfile::tempdir().unwrap();
    let datadir = dir.path().join("data");
    let genesis = concat!(env!("CARGO_MANIFEST_DIR"), "/../../genesis/dev.json");
    let args =
        ["node", "--genesis", genesis, "--datadir", datadir.to_str().unwrap(), "--port", "0"];

    let node = DevNode::spawn(&args);
    assert_eq!(node.call("eth_accounts", json!([])), json!([]));
    let hash = node.send_raw(&eip1559(0, Some(addr(DEV_ADDR_1)), U256::from(7u64), vec![], 21_000));
    let receipt = node.receipt(&hash);
    let head = node.call("eth_getBlockByNumber", json!(["latest", false]));
    assert!(node.stop(), "clean exit on SIGTERM");

    let node = DevNode::spawn(&args);
    assert_eq!(node.call("eth_getBlockByNumber", json!(["latest", false]))["hash"], head["hash"]);
    assert_eq!(
        node.call("eth_getTransactionReceipt", json!([hash]))["blockHash"],
        receipt["blockHash"]
    );
    assert_eq!(node.nonce(DEV_ADDR_0), 1);
    // It goes on from there.
    let next = node.send_raw(&eip1559(1, Some(addr(DEV_ADDR_1)), U256::from(7u64), vec![], 21_000));
    assert_eq!(node.receipt(&next)["blockNumber"], "0x2");
    assert!(node.stop());
}
