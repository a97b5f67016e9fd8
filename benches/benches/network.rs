//! Peer-to-peer figures (a benchmark: it prints figures and asserts only
//! correctness), with release `basalt node` processes on 127.0.0.1:
//!
//! - **Sync speed**: a source node (instant engine, `genesis/dev.json`)
//!   builds a 5,000-block chain in which every block carries one ERC-20
//!   `transfer` of the wasm token (`contracts/token`); a fresh node started
//!   with the source as bootnode imports it all. Reported: blocks/s and tx/s
//!   from the fresh node's start to its head equal to the source's.
//! - **Gossip latency**: 5 nodes (node i's bootnode is node i−1; discovery
//!   connects the rest), none producing blocks; 200 transactions sent one at
//!   a time to node A, each timed until node C's `eth_getTransactionByHash`
//!   finds it in C's pool. Reported: median and p99.
//!
//! ```sh
//! cargo build --release -p basalt-node
//! cargo bench -p basalt-benches --bench network
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use alloy_sol_types::{SolCall, SolConstructor};
use basalt_benches::node_proc::{
    basalt_bin, dev_keys, result_str, sign_eip1559, spawn, Conn, Node,
};
use basalt_benches::revm_peer::{
    Address as EvmAddress, ERC20Deploy, IERC20, INITIAL_SUPPLY, TOKEN_DECIMALS, TOKEN_NAME,
    TOKEN_SYMBOL, U256 as EvmU256,
};
use basalt_primitives::{Address, SigningKey, U256};
use basalt_tests::contracts::artifact;
use std::path::Path;
use std::time::{Duration, Instant};

const CHAIN_ID: u64 = 31337;
const SYNC_BLOCKS: u64 = 5_000;
const GOSSIP_TXS: u64 = 200;

fn raw(key: &SigningKey, nonce: u64, to: Option<Address>, input: Vec<u8>, gas: u64) -> String {
    let signed = sign_eip1559(CHAIN_ID, key, nonce, to, U256::zero(), input, gas);
    format!("0x{}", hex::encode(signed.encode_network()))
}

fn send(conn: &mut Conn, raw: &str) -> String {
    result_str(&conn.call("eth_sendRawTransaction", &format!(r#"["{raw}"]"#))).unwrap()
}

fn receipt(conn: &mut Conn, hash: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let answer = conn.call("eth_getTransactionReceipt", &format!(r#"["{hash}"]"#));
        if !answer.contains("\"result\":null") {
            assert!(answer.contains("\"status\":\"0x1\""), "{answer}");
            return answer;
        }
        assert!(Instant::now() < deadline, "no receipt for {hash}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn block_number(conn: &mut Conn) -> u64 {
    let hex = result_str(&conn.call("eth_blockNumber", "[]")).unwrap();
    u64::from_str_radix(hex.trim_start_matches("0x"), 16).unwrap()
}

fn start(bin: &Path, dir: &Path, bootnode: Option<&Node>, extra: &[&str]) -> Node {
    let datadir = dir.display().to_string();
    let genesis = Path::new(env!("CARGO_MANIFEST_DIR")).join("../genesis/dev.json");
    let genesis = genesis.display().to_string();
    let mut args = vec!["node", "--genesis", &genesis, "--datadir", &datadir, "--port", "0"];
    args.extend(["--p2p-port", "0"]);
    let boot;
    if let Some(b) = bootnode {
        boot = b.p2p.clone().expect("a p2p address");
        args.extend(["--bootnodes", &boot]);
    }
    args.extend_from_slice(extra);
    spawn(bin, &args)
}

fn sync_speed(bin: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let source = start(bin, &dir.path().join("source"), None, &[]);
    let mut conn = Conn::new(source.addr);
    let keys = dev_keys();
    // The token, from dev account 0 (untimed).
    let deploy = artifact("Token").deploy_data(
        &ERC20Deploy::constructorCall {
            name_: TOKEN_NAME.into(),
            symbol_: TOKEN_SYMBOL.into(),
            decimals_: TOKEN_DECIMALS,
            initialSupply: INITIAL_SUPPLY,
        }
        .abi_encode(),
    );
    let deploy_raw = raw(&keys[0], 0, None, deploy, 10_000_000);
    let hash = send(&mut conn, &deploy_raw);
    let answer = receipt(&mut conn, &hash);
    let at = answer.find("\"contractAddress\":\"").unwrap() + "\"contractAddress\":\"".len();
    let token: Address = answer[at..at + 42].parse().unwrap();
    // One transfer per block (automine), to a new recipient each time.
    for i in 1..SYNC_BLOCKS {
        let mut to = [0u8; 20];
        to[12..20].copy_from_slice(&i.to_be_bytes());
        let data = IERC20::transferCall { to: EvmAddress::from(to), amount: EvmU256::from(1u64) }
            .abi_encode();
        let tx = raw(&keys[0], i, Some(token), data, 200_000);
        let hash = send(&mut conn, &tx);
        receipt(&mut conn, &hash);
    }
    assert_eq!(block_number(&mut conn), SYNC_BLOCKS);

    let started = Instant::now();
    let fresh = start(bin, &dir.path().join("fresh"), Some(&source), &["--no-mining"]);
    let mut fresh_conn = Conn::new(fresh.addr);
    while block_number(&mut fresh_conn) < SYNC_BLOCKS {
        assert!(started.elapsed() < Duration::from_secs(600), "sync did not finish");
        std::thread::sleep(Duration::from_millis(20));
    }
    let secs = started.elapsed().as_secs_f64();
    let head = |c: &mut Conn| c.call("eth_getBlockByNumber", r#"["latest",false]"#);
    let (a, b) = (head(&mut conn), head(&mut fresh_conn));
    let root = |s: &str| s[s.find("\"stateRoot\"").unwrap()..][..80].to_owned();
    assert_eq!(root(&a), root(&b), "the synced state differs");
    println!(
        "sync: {SYNC_BLOCKS} blocks ({} token transfers) in {secs:.2} s: {:.0} blocks/s, {:.0} tx/s",
        SYNC_BLOCKS - 1,
        SYNC_BLOCKS as f64 / secs,
        (SYNC_BLOCKS - 1) as f64 / secs
    );
}

fn gossip_latency(bin: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let mut nodes: Vec<Node> = Vec::new();
    for i in 0..5 {
        let n = start(bin, &dir.path().join(format!("n{i}")), nodes.last(), &["--no-mining"]);
        nodes.push(n);
    }
    let mut conns: Vec<Conn> = nodes.iter().map(|n| Conn::new(n.addr)).collect();
    let peers = |c: &mut Conn| {
        let hex = result_str(&c.call("net_peerCount", "[]")).unwrap();
        u64::from_str_radix(hex.trim_start_matches("0x"), 16).unwrap()
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while conns.iter_mut().any(|c| peers(c) < 2) {
        assert!(Instant::now() < deadline, "the nodes did not connect");
        std::thread::sleep(Duration::from_millis(100));
    }
    // Let gossipsub build its meshes (heartbeats).
    std::thread::sleep(Duration::from_secs(3));
    let counts: Vec<u64> = conns.iter_mut().map(peers).collect();
    let keys = dev_keys();
    let mut samples = Vec::new();
    for i in 0..GOSSIP_TXS {
        let key = &keys[(i % keys.len() as u64) as usize];
        let tx = raw(key, i / keys.len() as u64, Some(Address::repeat_byte(0x42)), vec![], 21_000);
        let sent = Instant::now();
        let hash = send(&mut conns[0], &tx);
        loop {
            let answer = conns[2].call("eth_getTransactionByHash", &format!(r#"["{hash}"]"#));
            if !answer.contains("\"result\":null") {
                break;
            }
            assert!(sent.elapsed() < Duration::from_secs(30), "node C never saw {hash}");
        }
        samples.push(sent.elapsed());
    }
    samples.sort();
    let pick = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!(
        "gossip latency A -> C (5 nodes, peer counts {counts:?}, {GOSSIP_TXS} txs): median {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pick(0.5).as_secs_f64() * 1e3,
        pick(0.99).as_secs_f64() * 1e3,
        samples.last().unwrap().as_secs_f64() * 1e3
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` runs nothing.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let bin = basalt_bin();
    sync_speed(&bin);
    gossip_latency(&bin);
}
