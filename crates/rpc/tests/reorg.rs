//! A reorg seen through the JSON-RPC: `eth_subscribe("logs")` and a polled
//! log filter report the abandoned branch's logs again with `removed: true`,
//! then the winning branch's; `newHeads` announces only the new heads.
#![allow(clippy::unwrap_used, missing_docs)]

use basalt_chain::Chain;
use basalt_chainspec::ChainSpec;
use basalt_primitives::{
    secret_key_to_address, sign_transaction, signing_key_from_bytes, Address, Block,
    SignedTransaction, Transaction, TxEip1559, TxKind, H256, U256,
};
use basalt_rpc::{
    rpc_module, BlockProducer, DevAccounts, ProducerFuture, RpcConfig, RpcContext, StatePatch,
};
use basalt_store::Store;
use basalt_txpool::{PoolConfig, TxPool};
use basalt_vm::{create_address, Vm, VmConfig};
use parking_lot::Mutex;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

const KEY: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/// A producer that produces nothing: blocks arrive by import only.
struct Importer;

fn no<T: Send + 'static>() -> ProducerFuture<T> {
    Box::pin(async { Err("imports only".to_owned()) })
}

impl BlockProducer for Importer {
    fn transactions_ready(&self) -> ProducerFuture<()> {
        Box::pin(async { Ok(()) })
    }
    fn mine(&self, _: u64, _: Option<u64>) -> ProducerFuture<Vec<H256>> {
        no()
    }
    fn apply_patch(&self, _: StatePatch) -> ProducerFuture<H256> {
        no()
    }
    fn rewind(&self, _: H256) -> ProducerFuture<()> {
        no()
    }
    fn set_automine(&self, _: bool) {}
    fn automine(&self) -> bool {
        false
    }
    fn set_interval(&self, _: u64) {}
    fn increase_time(&self, _: u64) -> u64 {
        0
    }
    fn set_next_timestamp(&self, _: u64) {}
}

/// Emits one log whose data is the calldata (topic 0x42…42).
fn log_contract() -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module
  (import "env" "read_args" (func $read_args (param i32)))
  (import "env" "emit_log" (func $emit_log (param i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{topic}")
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 32))
    (call $emit_log (i32.const 0) (i32.add (i32.const 32) (local.get $len)) (i32.const 1))
    (i32.const 0)))"#,
        topic = "\\42".repeat(32)
    ))
    .unwrap()
}

fn tx(nonce: u64, to: Option<Address>, input: Vec<u8>) -> (SignedTransaction, Address) {
    let key = signing_key_from_bytes(&hex::decode(KEY).unwrap()).unwrap();
    let signed = sign_transaction(
        Transaction::Eip1559(TxEip1559 {
            chain_id: 31337,
            nonce,
            max_priority_fee_per_gas: U256::from(1),
            max_fee_per_gas: U256::from(10_000_000_000u64),
            gas_limit: 5_000_000,
            to: to.map_or(TxKind::Create, TxKind::Call),
            input,
            ..Default::default()
        }),
        &key,
    )
    .unwrap();
    (signed, secret_key_to_address(&key))
}

fn open(dir: &std::path::Path) -> Arc<Chain> {
    let store = Arc::new(Store::open(dir).unwrap());
    Arc::new(Chain::open(store, ChainSpec::dev(), Vm::new(VmConfig::default()).unwrap()).unwrap())
}

/// Builds on `chain` and returns the committed block.
fn mine(chain: &Chain, txs: Vec<(SignedTransaction, Address)>, timestamp: u64) -> Block {
    let built = chain.build_block(txs, timestamp, Address::zero()).unwrap();
    assert!(built.rejected.is_empty(), "{:?}", built.rejected);
    let block = built.block.clone();
    chain.commit_built(built).unwrap();
    block
}

/// `(data, removed)` of each log in a JSON array.
fn data_and_removed(logs: &Value) -> Vec<(&str, bool)> {
    logs.as_array()
        .unwrap()
        .iter()
        .map(|l| (l["data"].as_str().unwrap(), l["removed"].as_bool().unwrap()))
        .collect()
}

async fn next(sub: &mut jsonrpsee::core::server::Subscription) -> Value {
    let (value, _) = tokio::time::timeout(Duration::from_secs(10), sub.next::<Value>())
        .await
        .expect("a notification")
        .unwrap()
        .unwrap();
    value
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribers_and_filters_see_removed_logs_of_the_abandoned_branch() {
    let sender =
        secret_key_to_address(&signing_key_from_bytes(&hex::decode(KEY).unwrap()).unwrap());
    let contract = create_address(sender, 0);
    // Branch A: deploy, then one call. Branch B: the same deploy, two calls.
    let (a_dir, b_dir, node_dir) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = open(a_dir.path());
    let deploy = mine(&a, vec![tx(0, None, log_contract())], 10);
    let a2 = mine(&a, vec![tx(1, Some(contract), vec![0xaa])], 20);
    let b = open(b_dir.path());
    b.import_block(deploy.clone()).unwrap();
    let b2 = mine(&b, vec![tx(1, Some(contract), vec![0xbb])], 30);
    let b3 = mine(&b, vec![tx(2, Some(contract), vec![0xcc])], 40);

    let chain = open(node_dir.path());
    let pool = Arc::new(Mutex::new(TxPool::new(PoolConfig::new(31337, 30_000_000))));
    let ctx = Arc::new(RpcContext::new(
        chain.clone(),
        pool,
        Arc::new(Importer),
        DevAccounts::new(Vec::new()),
        RpcConfig::new(31337),
    ));
    let module = rpc_module(ctx).unwrap();
    chain.import_block(deploy).unwrap();
    let mut logs = module.subscribe_unbounded("eth_subscribe", ("logs", json!({}))).await.unwrap();
    let mut heads = module.subscribe_unbounded("eth_subscribe", ("newHeads",)).await.unwrap();
    let filter: Value =
        module.call("eth_newFilter", (json!({ "fromBlock": "latest" }),)).await.unwrap();

    chain.import_block(a2.clone()).unwrap();
    let log = next(&mut logs).await;
    assert_eq!((log["data"].as_str().unwrap(), log["removed"].as_bool().unwrap()), ("0xaa", false));
    assert_eq!(next(&mut heads).await["hash"], json!(format!("{:?}", a2.header.hash())));
    let changes: Value = module.call("eth_getFilterChanges", (filter.clone(),)).await.unwrap();
    let seen = data_and_removed(&changes);
    assert_eq!(seen, vec![("0xaa", false)]);

    // B is heavier: importing b2 ties (lower hash wins), b3 decides.
    chain.import_block(b2.clone()).unwrap();
    chain.import_block(b3.clone()).unwrap();
    assert_eq!(chain.head().hash, b3.header.hash());
    let mut got = Vec::new();
    for _ in 0..3 {
        let log = next(&mut logs).await;
        got.push((log["data"].as_str().unwrap().to_owned(), log["removed"].as_bool().unwrap()));
    }
    assert_eq!(
        got,
        vec![("0xaa".to_owned(), true), ("0xbb".to_owned(), false), ("0xcc".to_owned(), false)]
    );
    let head_hashes: Vec<Value> =
        vec![next(&mut heads).await["hash"].clone(), next(&mut heads).await["hash"].clone()];
    assert_eq!(
        head_hashes,
        vec![json!(format!("{:?}", b2.header.hash())), json!(format!("{:?}", b3.header.hash()))]
    );
    let changes: Value = module.call("eth_getFilterChanges", (filter.clone(),)).await.unwrap();
    let seen = data_and_removed(&changes);
    assert_eq!(seen, vec![("0xaa", true), ("0xbb", false), ("0xcc", false)]);
    // The abandoned block's transaction is no longer found; the new ones are.
    let gone: Value = module
        .call("eth_getTransactionReceipt", (format!("{:?}", a2.transactions[0].hash()),))
        .await
        .unwrap();
    assert!(gone.is_null());
}
