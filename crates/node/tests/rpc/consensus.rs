//! `basalt node` under proof of work (`--mine`) and proof of stake
//! (`--validator-key`): the nodes produce blocks by their engine's rules, and
//! cast and ethers read and transact against them.

use crate::cast::{cast, cast_binary};
use crate::clients::{node_script, npm_prefix, repo_root, run};
use crate::harness::{quantity, DevNode, DEV_ADDR_0, DEV_ADDR_1, DEV_KEY_0};
use basalt_chainspec::{ChainSpec, ConsensusConfig};
use basalt_consensus::pow::next_difficulty;
use basalt_primitives::U256;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A copy of `genesis/<name>` with `config.consensus` fields overridden.
pub(crate) fn genesis_with(dir: &Path, name: &str, overrides: Value) -> PathBuf {
    let text = std::fs::read_to_string(repo_root().join("genesis").join(name)).unwrap();
    let mut genesis: Value = serde_json::from_str(&text).unwrap();
    for (key, value) in overrides.as_object().unwrap() {
        genesis["config"]["consensus"][key] = value.clone();
    }
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(&genesis).unwrap()).unwrap();
    path
}

fn wait_for_block(node: &DevNode, number: u64, timeout: Duration) {
    let started = Instant::now();
    while node.block_number() < number {
        assert!(started.elapsed() < timeout, "no block {number} within {timeout:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

pub(crate) fn block(node: &DevNode, number: u64) -> Value {
    node.call("eth_getBlockByNumber", json!([format!("{number:#x}"), false]))
}

fn big(v: &Value) -> U256 {
    U256::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

/// cast and ethers each send a transfer and see it mined.
fn clients_transact(node: &DevNode, chain_id: u64) {
    let url = node.url();
    if let Ok(bin) = cast_binary() {
        assert_eq!(cast(&bin, &["chain-id", "--rpc-url", &url]), chain_id.to_string());
        let sent = cast(
            &bin,
            &[
                "send",
                DEV_ADDR_1,
                "--value",
                "1000",
                "--private-key",
                &format!("0x{DEV_KEY_0}"),
                "--rpc-url",
                &url,
                "--json",
                "--timeout",
                "90",
            ],
        );
        let receipt: Value = serde_json::from_str(&sent).unwrap();
        assert_eq!(receipt["status"], "0x1", "{sent}");
        let hash = receipt["transactionHash"].as_str().unwrap();
        let status = cast(&bin, &["receipt", hash, "status", "--rpc-url", &url]);
        assert!(status.starts_with('1') || status == "true", "{status}");
    } else {
        eprintln!("cast unavailable: skipping its part");
    }
    match npm_prefix() {
        Ok(prefix) => {
            let script =
                Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rpc/js/engine_smoke.mjs");
            let out = run(
                "engine_smoke.mjs",
                node_script(&prefix, &script, &[&url, &format!("0x{DEV_KEY_0}"), DEV_ADDR_1]),
            );
            let result: Value = serde_json::from_str(out.trim().lines().last().unwrap()).unwrap();
            assert_eq!(result["chainId"], chain_id.to_string());
            assert_eq!(result["status"], 1);
            assert_eq!(result["gained"], "500000000000000000");
        }
        Err(reason) => eprintln!("ethers unavailable: skipping its part: {reason}"),
    }
}

#[test]
fn pow_node_mines_by_the_difficulty_rule_and_serves_clients() {
    let dir = tempfile::tempdir().unwrap();
    let genesis = genesis_with(
        dir.path(),
        "pow.json",
        json!({ "targetBlockTime": 1, "initialDifficulty": "0x8000", "minDifficulty": "0x1000" }),
    );
    let spec = ChainSpec::from_file(&genesis).unwrap();
    let ConsensusConfig::Pow(config) = &spec.consensus else { panic!("pow") };
    let datadir = dir.path().join("data");
    let node = DevNode::spawn(&[
        "node",
        "--genesis",
        genesis.to_str().unwrap(),
        "--datadir",
        datadir.to_str().unwrap(),
        "--port",
        "0",
        "--mine",
        "--miner.threads",
        "1",
    ]);
    wait_for_block(&node, 6, Duration::from_secs(90));
    assert_eq!(node.call("eth_mining", json!([])), json!(true));
    assert_eq!(node.call("eth_coinbase", json!([])), json!(DEV_ADDR_0));
    assert!(quantity(&node.call("eth_hashrate", json!([]))) > 0);
    clients_transact(&node, spec.chain_id);

    // Every header's difficulty is the rule's output, and every block pays
    // the coinbase.
    let head = node.block_number();
    let mut parent = block(&node, 0);
    for number in 1..=head {
        let b = block(&node, number);
        let expected = if number == 1 {
            config.initial_difficulty
        } else {
            next_difficulty(
                config,
                big(&parent["difficulty"]),
                quantity(&parent["timestamp"]),
                quantity(&b["timestamp"]),
            )
        };
        assert_eq!(big(&b["difficulty"]), expected, "block {number}");
        assert!(quantity(&b["timestamp"]) > quantity(&parent["timestamp"]));
        assert_eq!(b["miner"], json!(DEV_ADDR_0));
        assert_ne!(b["mixHash"], parent["mixHash"]);
        parent = b;
    }
    // The dev methods are refused with the engine's name.
    let error = node.error("evm_mine", json!([]));
    assert!(error["message"].as_str().unwrap().contains("pow"), "{error}");
    assert!(node.stop(), "the node did not exit cleanly");
}

#[test]
fn pos_validator_proposes_in_its_slots_and_serves_clients() {
    let dir = tempfile::tempdir().unwrap();
    // genesis/pos.json as shipped, with one-second slots to keep the test short.
    let genesis = genesis_with(dir.path(), "pos.json", json!({ "slotTime": 1 }));
    let spec = ChainSpec::from_file(&genesis).unwrap();
    let key_file = dir.path().join("validator.key");
    std::fs::write(&key_file, format!("0x{DEV_KEY_0}\n")).unwrap();
    let datadir = dir.path().join("data");
    let args = [
        "node",
        "--genesis",
        genesis.to_str().unwrap(),
        "--datadir",
        datadir.to_str().unwrap(),
        "--port",
        "0",
        "--validator-key",
        key_file.to_str().unwrap(),
    ];
    let node = DevNode::spawn(&args);
    wait_for_block(&node, 3, Duration::from_secs(90));
    assert_eq!(node.call("eth_coinbase", json!([])), json!(DEV_ADDR_0));
    clients_transact(&node, spec.chain_id);
    // Every block is the validator's, at a slot start, with a 65-byte seal
    // (the RPC shows headers as Ethereum's; the seal itself is checked on
    // import), and slots only move forward.
    let head = node.block_number();
    let mut last_ts = 0;
    for number in 1..=head {
        let b = block(&node, number);
        assert_eq!(b["miner"], json!(DEV_ADDR_0));
        assert_eq!(b["difficulty"], json!("0x1"));
        let ts = quantity(&b["timestamp"]);
        assert!(ts > last_ts);
        last_ts = ts;
    }
    assert!(node.stop(), "the node did not exit cleanly");
    assert!(datadir.join("slashing-protection.bin").exists());

    // A restart continues from the stored head and keeps proposing.
    let node = DevNode::spawn(&args);
    assert!(node.block_number() >= head);
    wait_for_block(&node, head + 1, Duration::from_secs(60));
    assert!(node.stop(), "the node did not exit cleanly");
}
