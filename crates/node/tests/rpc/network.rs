//! Several real `basalt node` processes on 127.0.0.1 forming a network:
//! gossip, discovery, sync (also after kill -9), partition and heal, and a
//! misbehaving peer (an in-process libp2p node built on basalt-network).
//!
//! The tests here run one at a time (`SERIAL`): each starts several nodes,
//! and proof-of-work / proof-of-stake timing suffers when they overlap.

use crate::clients::repo_root;
use crate::consensus::{block, genesis_with};
use crate::harness::{
    addr, eip1559_for, gwei, log_contract, quantity, DevNode, DEV_ADDR_1, LOG_TOPIC,
};
use basalt_network::{ChainView, GossipKind, NetworkConfig, Status, SyncRequest, SyncResponse};
use basalt_primitives::{signing_key_from_bytes, Block, Header, SignedTransaction, H256, U256};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The first four dev accounts' keys (the "test … junk" mnemonic).
const DEV_KEYS: [&str; 4] = [
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
];
const DEV_ADDRS: [&str; 4] = [
    "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
    "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
    "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
    "0x90f79bf6eb2c4f870365e785982e1f101e93b906",
];

fn dev_genesis() -> PathBuf {
    repo_root().join("genesis/dev.json")
}

fn node(genesis: &Path, datadir: &Path, bootnode: Option<&DevNode>, extra: &[&str]) -> DevNode {
    let mut args = vec![
        "node".to_string(),
        "--genesis".into(),
        genesis.display().to_string(),
        "--datadir".into(),
        datadir.display().to_string(),
        "--port".into(),
        "0".into(),
    ];
    if let Some(boot) = bootnode {
        args.push("--bootnodes".into());
        args.push(boot.p2p.clone().expect("the bootnode prints its p2p address"));
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let n = DevNode::spawn(&args);
    assert!(n.p2p.is_some(), "basalt node prints 'P2P listening on'");
    n
}

fn wait_until(what: &str, timeout: Duration, mut ok: impl FnMut() -> bool) {
    let started = Instant::now();
    while !ok() {
        assert!(started.elapsed() < timeout, "timed out after {timeout:?} waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn head(n: &DevNode) -> (u64, String) {
    let b = n.call("eth_getBlockByNumber", json!(["latest", false]));
    (quantity(&b["number"]), b["hash"].as_str().unwrap().to_owned())
}

fn peer_count(n: &DevNode) -> u64 {
    quantity(&n.call("net_peerCount", json!([])))
}

fn key(i: usize) -> basalt_primitives::SigningKey {
    signing_key_from_bytes(&hex::decode(DEV_KEYS[i]).unwrap()).unwrap()
}

fn transfer(chain_id: u64, from: usize, nonce: u64) -> Vec<u8> {
    eip1559_for(
        chain_id,
        &key(from),
        nonce,
        Some(addr(DEV_ADDR_1)),
        U256::from(1_000u64),
        vec![],
        21_000,
    )
}

/// 3 proof-of-work nodes, 2 mining: a transaction sent to the one that does
/// not mine is gossiped, mined, and its receipt is the same on all three;
/// the nodes find each other beyond their bootnode and their heads converge.
#[test]
fn pow_three_nodes_gossip_mine_and_converge() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let genesis = genesis_with(
        dir.path(),
        "pow.json",
        json!({"initialDifficulty": "0x20000", "minDifficulty": "0x1000", "targetBlockTime": 1}),
    );
    let follower = node(&genesis, &dir.path().join("n0"), None, &[]);
    let miner1 = node(
        &genesis,
        &dir.path().join("n1"),
        Some(&follower),
        &["--mine", "--miner.threads", "1"],
    );
    let miner2 = node(
        &genesis,
        &dir.path().join("n2"),
        Some(&follower),
        &["--mine", "--miner.threads", "1"],
    );
    let nodes = [&follower, &miner1, &miner2];
    // The miners know only the follower; Kademlia introduces them to each other.
    wait_until("every node to have 2 peers", Duration::from_secs(60), || {
        nodes.iter().all(|n| peer_count(n) == 2)
    });
    let info = follower.call("admin_nodeInfo", json!([]));
    assert_eq!(info["enode"].as_str(), follower.p2p.as_deref());
    assert_eq!(follower.call("admin_peers", json!([])).as_array().unwrap().len(), 2);

    wait_until("a few mined blocks", Duration::from_secs(60), || follower.block_number() >= 3);
    let hash = follower.send_raw(&transfer(31338, 0, 0));
    let receipt = follower.receipt(&hash);
    assert_eq!(receipt["status"], "0x1");
    for n in &nodes[1..] {
        let mut r = Value::Null;
        wait_until("the receipt on every node", Duration::from_secs(30), || {
            r = n.call("eth_getTransactionReceipt", json!([hash]));
            !r.is_null()
        });
        assert_eq!(r["blockHash"], receipt["blockHash"]);
    }
    // Heads converge: at some moment all three report the same head, and
    // every block up to it is the same everywhere.
    wait_until("equal heads", Duration::from_secs(60), || {
        let heads: Vec<_> = nodes.iter().map(|n| head(n)).collect();
        heads.windows(2).all(|w| w[0] == w[1])
    });
    let (top, _) = head(&follower);
    for number in 1..=top.min(20) {
        let hashes: Vec<Value> = nodes.iter().map(|n| block(n, number)["hash"].clone()).collect();
        assert!(hashes.windows(2).all(|w| w[0] == w[1]), "block {number}: {hashes:?}");
    }
}

/// 4 proof-of-stake nodes, one validator each with stakes 4:3:2:1: all agree
/// on every block, and the blocks each proposed track its stake.
#[test]
fn pos_four_validators_agree_and_share_by_stake() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let genesis = genesis_with(dir.path(), "pos.json", json!({"slotTime": 1, "epochLength": 8}));
    let mut nodes: Vec<DevNode> = Vec::new();
    for (i, validator_key) in DEV_KEYS.iter().enumerate() {
        let key_file = dir.path().join(format!("validator{i}.key"));
        std::fs::write(&key_file, validator_key).unwrap();
        let key_arg = key_file.display().to_string();
        let n = node(
            &genesis,
            &dir.path().join(format!("n{i}")),
            nodes.first(),
            &["--validator-key", &key_arg],
        );
        nodes.push(n);
    }
    wait_until("a connected network", Duration::from_secs(30), || {
        nodes.iter().all(|n| peer_count(n) >= 1)
    });
    const BLOCKS: u64 = 60;
    wait_until("60 blocks on every node", Duration::from_secs(180), || {
        nodes.iter().all(|n| n.block_number() >= BLOCKS)
    });
    let mut counts = [0u64; 4];
    for number in 1..=BLOCKS {
        let blocks: Vec<Value> = nodes.iter().map(|n| block(n, number)).collect();
        for b in &blocks[1..] {
            assert_eq!(b["hash"], blocks[0]["hash"], "block {number} differs between nodes");
        }
        let miner = blocks[0]["miner"].as_str().unwrap().to_lowercase();
        let who = DEV_ADDRS.iter().position(|a| *a == miner).expect("a validator proposed it");
        counts[who] += 1;
    }
    eprintln!("pos: blocks proposed by stake 4:3:2:1 validators over {BLOCKS} blocks: {counts:?}");
    let stakes = [4.0, 3.0, 2.0, 1.0];
    for (i, count) in counts.iter().enumerate() {
        let share = *count as f64 / BLOCKS as f64;
        let expected = stakes[i] / 10.0;
        // Binomial spread over 60 blocks is ≤ 0.064; 0.2 is over 3 sigma.
        assert!(
            (share - expected).abs() <= 0.2,
            "validator {i} proposed {count} of {BLOCKS} (expected share {expected}): {counts:?}"
        );
    }
    assert!(counts[0] > counts[3], "4x the stake proposes more: {counts:?}");
}

/// Builds `blocks` blocks on an instant-engine node: some with transfers,
/// the rest empty (`anvil_mine`).
fn grow(n: &DevNode, transfers: u64, empty: u64) {
    let start = n.nonce(crate::harness::DEV_ADDR_0);
    for i in 0..transfers {
        let hash = n.send_raw(&transfer(31337, 0, start + i));
        // One block per transfer (automine): wait for it.
        n.receipt(&hash);
    }
    if empty > 0 {
        n.call("anvil_mine", json!([format!("{empty:#x}")]));
    }
}

/// A node started after 500 blocks syncs to the head with the same state
/// root; a node killed with SIGKILL mid-sync resumes after a restart.
#[test]
fn late_node_syncs_and_resumes_after_kill() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let genesis = dev_genesis();
    let source = node(&genesis, &dir.path().join("source"), None, &[]);
    grow(&source, 40, 460);
    assert_eq!(source.block_number(), 500);

    let late = node(&genesis, &dir.path().join("late"), Some(&source), &["--no-mining"]);
    wait_until("the late node to sync", Duration::from_secs(120), || late.block_number() == 500);
    for number in [1, 40, 250, 500] {
        let (a, b) = (block(&source, number), block(&late, number));
        assert_eq!(a["hash"], b["hash"], "block {number}");
        assert_eq!(a["stateRoot"], b["stateRoot"], "block {number}");
    }
    assert_eq!(late.balance(DEV_ADDR_1), source.balance(DEV_ADDR_1));
    assert_eq!(late.call("eth_syncing", json!([])), json!(false));

    // A longer chain, so the next node is still syncing when it is killed.
    grow(&source, 0, 4500);
    let target = source.block_number();
    let datadir = dir.path().join("killed");
    let victim = node(&genesis, &datadir, Some(&source), &["--no-mining"]);
    let mut seen = 0;
    let mut saw_progress = false;
    wait_until("the sync to start", Duration::from_secs(60), || {
        seen = victim.block_number();
        if let Some(p) = victim.call("eth_syncing", json!([])).as_object() {
            saw_progress = quantity(&p["highestBlock"]) == target;
        }
        seen > 0
    });
    assert!(seen < target, "sync finished before the kill ({seen}); grow the chain");
    victim.kill9();
    // The restarted node has two full peers: ranges come from both.
    let both = format!("{},{}", source.p2p.clone().unwrap(), late.p2p.clone().unwrap());
    let victim = node(&genesis, &datadir, None, &["--no-mining", "--bootnodes", &both]);
    let resumed_at = victim.block_number();
    wait_until("the restarted node to finish", Duration::from_secs(180), || {
        victim.block_number() == target
    });
    let (a, b) = (block(&source, target), block(&victim, target));
    assert_eq!(a["hash"], b["hash"]);
    assert_eq!(a["stateRoot"], b["stateRoot"]);
    eprintln!(
        "sync: killed at {seen}, restarted at {resumed_at}, finished at {target}; eth_syncing seen: {saw_progress}"
    );
}

fn log_filter_changes(n: &DevNode, id: &Value) -> Vec<Value> {
    n.call("eth_getFilterChanges", json!([id])).as_array().unwrap().clone()
}

/// Two sides that cannot reach each other grow their own branches; when they
/// connect, every node ends on the heavier branch and the lighter side's
/// logs are reported removed. `admin_removePeer` keeps a peer out until
/// `admin_addPeer`.
#[test]
fn partition_heals_onto_the_heavier_branch() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let genesis = dev_genesis();
    // Instant engine: the producers mine on demand, so which side is heavier
    // is decided by the test, not by luck.
    let a1 = node(&genesis, &dir.path().join("a1"), None, &[]);
    let a2 = node(&genesis, &dir.path().join("a2"), Some(&a1), &["--no-mining"]);
    let b1 = node(&genesis, &dir.path().join("b1"), None, &[]);
    let b2 = node(&genesis, &dir.path().join("b2"), Some(&b1), &["--no-mining"]);
    wait_until("each side connected", Duration::from_secs(30), || {
        [&a1, &a2, &b1, &b2].iter().all(|n| peer_count(n) == 1)
    });

    // Side B: a contract that logs, a filter on the follower, a logging call.
    let deploy =
        b1.send_raw(&eip1559_for(31337, &key(0), 0, None, U256::zero(), log_contract(), 2_000_000));
    let contract = b1.receipt(&deploy)["contractAddress"].as_str().unwrap().to_owned();
    wait_until("b2 to see the deployment", Duration::from_secs(30), || b2.block_number() == 1);
    let filter = b2.call("eth_newFilter", json!([{"address": contract, "fromBlock": "latest"}]));
    let call = b1.send_raw(&eip1559_for(
        31337,
        &key(0),
        1,
        Some(addr(&contract)),
        U256::zero(),
        vec![7],
        200_000,
    ));
    let receipt = b1.receipt(&call);
    assert_eq!(receipt["status"], "0x1");
    wait_until("b2 to see the call", Duration::from_secs(30), || b2.block_number() == 2);
    let logs = log_filter_changes(&b2, &filter);
    assert_eq!(logs.len(), 1, "{logs:?}");
    assert_eq!(logs[0]["removed"], false);
    assert_eq!(logs[0]["topics"][0], json!(LOG_TOPIC));

    // Side A: a heavier branch (more blocks; the instant engine weighs blocks).
    a1.call("anvil_mine", json!(["0x14"]));
    wait_until("a2 to follow a1", Duration::from_secs(30), || a2.block_number() == 20);
    assert_ne!(head(&a1).1, head(&b1).1);

    // Heal.
    assert_eq!(b1.call("admin_addPeer", json!([a1.p2p.clone().unwrap()])), json!(true));
    // Every node ends on side A's branch. (b1 then re-mines the abandoned
    // transactions, which returned to its pool, on top of it: the heads may
    // move past block 20 together.)
    let (a_number, a_hash) = head(&a1);
    wait_until("every node on the heavier branch", Duration::from_secs(60), || {
        let heads: Vec<_> = [&a1, &a2, &b1, &b2].iter().map(|n| head(n)).collect();
        heads.windows(2).all(|w| w[0] == w[1])
            && [&a1, &a2, &b1, &b2]
                .iter()
                .all(|n| block(n, a_number)["hash"].as_str() == Some(a_hash.as_str()))
    });
    let removed = log_filter_changes(&b2, &filter);
    assert!(
        removed.iter().any(|l| l["removed"] == true && l["transactionHash"] == json!(call)),
        "the abandoned branch's log is reported removed: {removed:?}"
    );
    // The abandoned transactions went back to the pools; b1 mines again on
    // the winning branch only when asked, so they wait there.

    // admin_removePeer: b1 drops a1 and refuses it, even though discovery
    // knows it; admin_addPeer lets it back.
    let a1_id = a1.call("admin_nodeInfo", json!([]))["id"].as_str().unwrap().to_owned();
    let b1_peers = || -> Vec<String> {
        b1.call("admin_peers", json!([]))
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(b1_peers().contains(&a1_id));
    assert_eq!(b1.call("admin_removePeer", json!([a1_id])), json!(true));
    wait_until("a1 gone from b1's peers", Duration::from_secs(10), || !b1_peers().contains(&a1_id));
    std::thread::sleep(Duration::from_secs(12));
    assert!(!b1_peers().contains(&a1_id), "a removed peer stays out");
    assert_eq!(b1.call("admin_addPeer", json!([a1.p2p.clone().unwrap()])), json!(true));
    wait_until("a1 back", Duration::from_secs(20), || b1_peers().contains(&a1_id));
    let bad = b1.error("admin_addPeer", json!(["not a multiaddr"]));
    assert_eq!(bad["code"], -32602, "{bad}");
}

/// A view of "our chain" for the misbehaving peer: just genesis, or (a
/// liar) a far heavier chain whose headers are made up.
struct GenesisOnly {
    chain_id: u64,
    genesis: H256,
    liar: bool,
}

impl ChainView for GenesisOnly {
    fn status(&self) -> Status {
        Status {
            chain_id: self.chain_id,
            genesis: self.genesis,
            head_hash: if self.liar { H256::repeat_byte(0x11) } else { self.genesis },
            head_number: if self.liar { 1_000 } else { 0 },
            total_weight: if self.liar { U256::from(1_000_000u64) } else { U256::one() },
        }
    }
    fn headers_by_number(&self, start: u64, count: u32) -> Vec<Header> {
        if !self.liar {
            return Vec::new();
        }
        (start..start + u64::from(count))
            .map(|number| Header { number, gas_limit: 30_000_000, ..Header::default() })
            .collect()
    }
    fn headers_by_hash(&self, _: H256, _: u32) -> Vec<Header> {
        Vec::new()
    }
    fn bodies(&self, _: &[H256]) -> Vec<Vec<SignedTransaction>> {
        Vec::new()
    }
}

fn admin_peer_ids(n: &DevNode) -> Vec<String> {
    n.call("admin_peers", json!([]))
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Connects an in-process libp2p peer to `target`, gossips what `bad(i)`
/// makes until the node drops it; how many messages that took.
fn misbehave(target: &DevNode, genesis: H256, bad: impl Fn(u64) -> (GossipKind, Vec<u8>)) -> u64 {
    misbehave_as(target, genesis, false, bad)
}

/// Starts an in-process libp2p node on 127.0.0.1 (chain 31337) serving
/// `view`, with `target` as its bootnode.
async fn join_as_peer(
    target: &DevNode,
    genesis: H256,
    view: Arc<dyn ChainView>,
) -> basalt_network::NetworkHandle {
    let (net, _events) = basalt_network::start(
        NetworkConfig {
            key: basalt_network::Keypair::generate_ed25519(),
            listen_ip: "127.0.0.1".parse().unwrap(),
            port: 0,
            bootnodes: vec![target.p2p.clone().unwrap().parse().unwrap()],
            chain_id: 31337,
            genesis_hash: genesis,
            max_peers: 8,
        },
        view,
    )
    .await
    .unwrap();
    net
}

fn misbehave_as(
    target: &DevNode,
    genesis: H256,
    liar: bool,
    bad: impl Fn(u64) -> (GossipKind, Vec<u8>),
) -> u64 {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let net =
            join_as_peer(target, genesis, Arc::new(GenesisOnly { chain_id: 31337, genesis, liar }))
                .await;
        let me = net.local().peer_id.to_string();
        let deadline = Instant::now() + Duration::from_secs(30);
        while !admin_peer_ids(target).contains(&me) {
            assert!(Instant::now() < deadline, "the node never listed the peer");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // The node answers sync requests while we are connected; a burst
        // beyond what it serves at once per peer is refused, not punished.
        let node_id = net.peers()[0].peer_id;
        let status = net.request(node_id, SyncRequest::Status).await.unwrap();
        assert!(matches!(status, SyncResponse::Status(s) if s.genesis == genesis));
        let burst = (0..64).map(|_| net.request(node_id, SyncRequest::Bodies(vec![genesis; 128])));
        for answer in futures::future::join_all(burst).await {
            match answer.unwrap() {
                SyncResponse::Bodies(b) => assert_eq!(b.len(), 128, "genesis has an empty body"),
                SyncResponse::Refused(why) => assert!(why.contains("too many"), "{why}"),
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(admin_peer_ids(target).contains(&me), "a busy peer is not dropped");
        let mut sent = 0;
        while admin_peer_ids(target).contains(&me) {
            assert!(Instant::now() < deadline, "the node kept a misbehaving peer");
            let (kind, data) = bad(sent);
            if !data.is_empty() {
                net.publish(kind, data);
                sent += 1;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        // Banned: a new dial is refused.
        net.add_peer(target.p2p.clone().unwrap().parse().unwrap()).await.unwrap();
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert!(!admin_peer_ids(target).contains(&me), "a banned peer cannot come back");
        assert_eq!(net.peer_count(), 0);
        net.shutdown();
        sent
    })
}

/// A peer that gossips invalid transactions or an invalid block is scored
/// down and disconnected; the node's chain and service are unaffected.
#[test]
fn misbehaving_peers_are_scored_down_and_dropped() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let n = node(&dev_genesis(), &dir.path().join("honest"), None, &[]);
    let genesis: H256 = block(&n, 0)["hash"].as_str().unwrap().parse().unwrap();
    let before = head(&n);

    // Transactions signed for another chain: each costs 25 of 100.
    let sent = misbehave(&n, genesis, |i| {
        (
            GossipKind::Transaction,
            eip1559_for(999, &key(0), i, Some(addr(DEV_ADDR_1)), U256::one(), vec![], 21_000),
        )
    });
    assert!(sent >= 4, "dropped after {sent} invalid transactions; 4 should be needed");

    // A block that does not verify (wrong base fee, state root): one is enough.
    let bogus = Block {
        header: Header {
            parent_hash: genesis,
            number: 1,
            gas_limit: 30_000_000,
            timestamp: 1,
            base_fee_per_gas: Some(gwei(1)),
            state_root: H256::repeat_byte(0xbb),
            ..Header::default()
        },
        transactions: vec![],
    };
    let bytes = basalt_primitives::rlp::encode(&bogus).to_vec();
    let sent = misbehave(&n, genesis, |_| (GossipKind::Block, bytes.clone()));
    assert!(sent >= 1);
    // Undecodable gossip: also one.
    let sent = misbehave(&n, genesis, |i| (GossipKind::Block, vec![0xde, 0xad, i as u8]));
    assert!(sent >= 1);

    // A peer claiming a heavier chain and serving made-up headers: the sync
    // driver finds no common block with it, blames it, and drops it.
    misbehave_as(&n, genesis, true, |_| (GossipKind::Block, Vec::new()));

    assert_eq!(head(&n), before, "nothing invalid entered the chain");
    let hash = n.send_raw(&transfer(31337, 0, 0));
    assert_eq!(n.receipt(&hash)["status"], "0x1", "the node still works");
}

/// A first port of `n` consecutive ports free right now.
fn free_ports(n: u16) -> u16 {
    loop {
        let base = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        if base > 65_000 {
            continue;
        }
        if (1..n).all(|i| std::net::TcpListener::bind(("127.0.0.1", base + i)).is_ok()) {
            return base;
        }
    }
}

fn rpc(url: &str, method: &str) -> Option<Value> {
    let out = std::process::Command::new("curl")
        .args(["-s", "-m", "2", "-H", "content-type: application/json", "-d"])
        .arg(json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": []}).to_string())
        .arg(url)
        .output()
        .ok()?;
    serde_json::from_slice::<Value>(&out.stdout).ok().map(|v| v["result"].clone())
}

/// `scripts/devnet.sh --nodes 3 --genesis genesis/pow.json` starts three
/// connected nodes (two mining), prints their RPC URLs, and stops them all
/// on SIGTERM.
#[test]
fn devnet_script_starts_and_stops_a_network() {
    use std::io::BufRead as _;
    let _serial = serial();
    let (rpc_port, p2p_port) = (free_ports(3), free_ports(3));
    let mut child = std::process::Command::new("bash")
        .arg(repo_root().join("scripts/devnet.sh"))
        .args(["--nodes", "3", "--genesis", "genesis/pow.json"])
        .args(["--rpc-port", &rpc_port.to_string(), "--p2p-port", &p2p_port.to_string()])
        .env("BASALT_BIN", env!("CARGO_BIN_EXE_basalt"))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut urls = Vec::new();
    while urls.len() < 3 {
        let line = lines.next().expect("devnet.sh prints a line per node").unwrap();
        let url = line.split_whitespace().find(|w| w.starts_with("http://")).map(str::to_owned);
        urls.extend(url);
    }
    for (i, url) in urls.iter().enumerate() {
        assert_eq!(url, &format!("http://127.0.0.1:{}", rpc_port + i as u16));
        assert_eq!(rpc(url, "eth_chainId"), Some(json!("0x7a6a")));
    }
    wait_until("a connected, mining devnet", Duration::from_secs(60), || {
        urls.iter().all(|u| rpc(u, "net_peerCount").is_some_and(|c| c != json!("0x0")))
            && rpc(&urls[0], "eth_blockNumber").is_some_and(|n| n != json!("0x0"))
    });
    std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "devnet.sh did not stop");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "{status}");
    for url in &urls {
        assert!(rpc(url, "eth_blockNumber").is_none(), "{url} still answers");
    }
}

/// A transaction submitted while a node has no peers reaches the network
/// when a peer connects: the follower offers its pending transactions to new
/// peers, the producer mines it, the follower imports the block.
#[test]
fn pending_transactions_reach_peers_that_connect_later() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let genesis = dev_genesis();
    let follower = node(&genesis, &dir.path().join("follower"), None, &["--no-mining"]);
    let hash = follower.send_raw(&transfer(31337, 0, 0));
    std::thread::sleep(Duration::from_millis(500));
    assert!(follower.call("eth_getTransactionReceipt", json!([hash])).is_null());
    let producer = node(&genesis, &dir.path().join("producer"), Some(&follower), &[]);
    let receipt = follower.receipt(&hash);
    assert_eq!(receipt["status"], "0x1");
    assert_eq!(
        producer.call("eth_getTransactionReceipt", json!([hash]))["blockHash"],
        receipt["blockHash"]
    );
}

/// A peer's chain held in this process (for [`orphans_make_the_node_fetch_their_ancestors`]):
/// it reports only genesis in its status, so the node never range-syncs from
/// it, but serves its headers and bodies.
struct QuietChain(Arc<basalt_chain::Chain>);

impl ChainView for QuietChain {
    fn status(&self) -> Status {
        Status {
            chain_id: 31337,
            genesis: self.0.genesis_hash(),
            head_hash: self.0.genesis_hash(),
            head_number: 0,
            total_weight: U256::one(),
        }
    }
    fn headers_by_number(&self, _: u64, _: u32) -> Vec<Header> {
        Vec::new()
    }
    fn headers_by_hash(&self, hash: H256, count: u32) -> Vec<Header> {
        let mut out = Vec::new();
        let mut next = hash;
        while out.len() < count as usize {
            let Some(h) = self.0.header_by_hash(next).unwrap() else { break };
            next = h.header.parent_hash;
            out.push(h.header.clone());
            if h.header.number == 0 {
                break;
            }
        }
        out
    }
    fn bodies(&self, hashes: &[H256]) -> Vec<Vec<SignedTransaction>> {
        hashes.iter().map_while(|h| self.0.body(*h).unwrap()).collect()
    }
}

/// A gossiped block whose parent the node lacks makes it fetch the missing
/// ancestors by hash from the sender and import the whole branch (no range
/// sync involved: the sender's status claims nothing above genesis).
#[test]
fn orphans_make_the_node_fetch_their_ancestors() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let genesis = dev_genesis();
    let n = node(&genesis, &dir.path().join("node"), None, &["--no-mining"]);
    // Three blocks on the same genesis, built in this process; one carries a transfer.
    let spec = basalt_chainspec::ChainSpec::from_file(&genesis).unwrap();
    let store = Arc::new(basalt_store::Store::open(dir.path().join("peer")).unwrap());
    let vm = basalt_vm::Vm::new(basalt_vm::VmConfig::default()).unwrap();
    let chain = Arc::new(basalt_chain::Chain::open(store, spec, vm).unwrap());
    let builder = chain.clone();
    let blocks: Vec<Block> = std::thread::Builder::new()
        .stack_size(72 << 20)
        .spawn(move || {
            let tx = SignedTransaction::decode_network(&transfer(31337, 0, 0)).unwrap();
            let sender = tx.recover_sender().unwrap();
            let mut blocks = Vec::new();
            for i in 0..3u64 {
                let txs = if i == 1 { vec![(tx.clone(), sender)] } else { vec![] };
                let head = builder.head().header.timestamp;
                let built = builder.build_block(txs, head + 1, Default::default()).unwrap();
                blocks.push(built.block.clone());
                builder.commit_built(built).unwrap();
            }
            blocks
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(blocks[1].transactions.len(), 1);
    let tip = blocks[2].hash();

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let net = join_as_peer(&n, chain.genesis_hash(), Arc::new(QuietChain(chain.clone()))).await;
        let tip_block = basalt_primitives::rlp::encode(&blocks[2]).to_vec();
        let deadline = Instant::now() + Duration::from_secs(30);
        // Only the tip is gossiped; its parents must be fetched.
        while head(&n).1 != format!("{tip:?}") {
            assert!(Instant::now() < deadline, "the node did not fetch the orphan's ancestors");
            net.publish(GossipKind::Block, tip_block.clone());
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        net.shutdown();
    });
    for b in &blocks {
        assert_eq!(block(&n, b.header.number)["hash"], json!(format!("{:?}", b.hash())));
    }
    assert_eq!(
        n.balance(DEV_ADDR_1),
        chain.reader_at(&chain.head().header).account(&addr(DEV_ADDR_1)).unwrap().unwrap().balance
    );
}
