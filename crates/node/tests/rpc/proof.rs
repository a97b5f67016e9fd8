//! eth_getProof checked independently: the proofs are walked from the
//! block's stateRoot by the Python `trie` package (py/verify_proof.py),
//! installed once into ~/.cache/basalt/venv. Skipped, with the reason
//! printed, only when python3 is absent; a failed install fails the test.

use crate::harness::*;
use basalt_primitives::{keccak256, U256};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Command;

const PACKAGES: &[&str] = &["trie==4.0.0", "eth-hash[pycryptodome]>=0.5,<1"];
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rpc/py/verify_proof.py");

/// A python with `trie` and a keccak backend, or why there is none.
fn python_with_trie() -> Result<PathBuf, String> {
    if Command::new("python3").arg("--version").output().is_err() {
        return Err("python3 is not installed".into());
    }
    let home = std::env::var("HOME").map_err(|_| "HOME is not set".to_owned())?;
    let venv = PathBuf::from(home).join(".cache/basalt/venv");
    let python = venv.join("bin/python");
    let ready = |python: &PathBuf| {
        Command::new(python)
            .args(["-c", "import trie, rlp; from eth_hash.auto import keccak; keccak(b'')"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if ready(&python) {
        return Ok(python);
    }
    if !python.exists() {
        let status = Command::new("python3").arg("-m").arg("venv").arg(&venv).status().unwrap();
        assert!(status.success(), "python3 -m venv {} failed", venv.display());
    }
    let status = Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
        .args(PACKAGES)
        .status()
        .unwrap();
    assert!(status.success() && ready(&python), "pip install {PACKAGES:?} failed");
    Ok(python)
}

/// Stores calldata word 1 at the slot given by calldata word 0.
fn storage_contract() -> Vec<u8> {
    wat::parse_str(
        r#"(module
  (import "env" "read_args" (func $read_args (param i32)))
  (import "env" "storage_store_bytes32" (func $store (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (call $store (i32.const 0) (i32.const 32))
    (i32.const 0)))"#,
    )
    .unwrap()
}

fn word(n: u64) -> [u8; 32] {
    U256::from(n).to_big_endian()
}

#[test]
fn get_proof_verifies_against_the_state_root_with_py_trie() {
    let python = match python_with_trie() {
        Ok(p) => p,
        Err(reason) => {
            eprintln!("skipping the eth_getProof check: {reason}");
            return;
        }
    };
    let node = DevNode::start();
    let fresh = "0x00000000000000000000000000000000000c0ffe";
    let absent = "0x000000000000000000000000000000000000dead";
    for (nonce, to, value) in [(0, DEV_ADDR_1, 1_000u64), (1, fresh, 12_345)] {
        let hash =
            node.send_raw(&eip1559(nonce, Some(addr(to)), U256::from(value), vec![], 21_000));
        assert_eq!(node.receipt(&hash)["status"], "0x1");
    }
    let hash = node.send_raw(&eip1559(2, None, U256::zero(), storage_contract(), 5_000_000));
    let receipt = node.receipt(&hash);
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    let contract = receipt["contractAddress"].as_str().unwrap().to_owned();
    let writes = [(1u64, 0x1234u64), (0xabcdef, 7)];
    for (i, (slot, value)) in writes.iter().enumerate() {
        let mut input = word(*slot).to_vec();
        input.extend_from_slice(&word(*value));
        let raw = eip1559(3 + i as u64, Some(addr(&contract)), U256::zero(), input, 200_000);
        let receipt = node.receipt(&node.send_raw(&raw));
        assert_eq!(receipt["status"], "0x1", "{receipt}");
    }
    let slot = |n: u64| hex0x(&word(n));
    assert_eq!(
        node.call("eth_getStorageAt", json!([contract, slot(1), "latest"])),
        hex0x(&word(0x1234))
    );

    let head = node.call("eth_getBlockByNumber", json!(["latest", false]));
    let proofs: Vec<Value> = [
        (DEV_ADDR_0, vec![]),
        (DEV_ADDR_1, vec![]),
        (fresh, vec![slot(0)]),
        (&contract, vec![slot(1), slot(0xabcdef), slot(2)]),
        (absent, vec![slot(0)]),
    ]
    .into_iter()
    .map(|(a, keys)| node.call("eth_getProof", json!([a, keys, "latest"])))
    .collect();
    // Still the same head: the proofs are of its state.
    assert_eq!(node.call("eth_getBlockByNumber", json!(["latest", false]))["hash"], head["hash"]);

    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("proofs.json");
    let body = json!({"stateRoot": head["stateRoot"], "proofs": proofs});
    std::fs::write(&input, body.to_string()).unwrap();
    let out = Command::new(&python).arg(SCRIPT).arg(&input).output().unwrap();
    assert!(
        out.status.success(),
        "verify_proof.py: {}\n{}\ninput: {body}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let proven: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(proven.len(), 5);

    // What the proofs prove, against the plain RPC reads.
    for (p, a) in proven.iter().zip([DEV_ADDR_0, DEV_ADDR_1, fresh, contract.as_str()]) {
        assert_eq!(p["exists"], true, "{p}");
        assert_eq!(p["address"], a.to_lowercase());
        assert_eq!(p["balance"], node.call("eth_getBalance", json!([a, "latest"])), "{p}");
        assert_eq!(p["nonce"], node.call("eth_getTransactionCount", json!([a, "latest"])), "{p}");
        let code = node.call("eth_getCode", json!([a, "latest"]));
        let code = hex::decode(code.as_str().unwrap().trim_start_matches("0x")).unwrap();
        assert_eq!(p["codeHash"], format!("{:?}", keccak256(&code)), "{p}");
    }
    assert_eq!(proven[0]["nonce"], "0x5");
    assert_eq!(proven[2]["balance"], "0x3039");
    let empty_root = format!("{:?}", basalt_primitives::EMPTY_ROOT);
    assert_eq!(proven[2]["storageHash"], empty_root);
    assert_eq!(proven[2]["storage"][slot(0)], "0x0");
    let storage = &proven[3]["storage"];
    assert_ne!(proven[3]["storageHash"], empty_root);
    assert_eq!(storage[slot(1)], "0x1234");
    assert_eq!(storage[slot(0xabcdef)], "0x7");
    assert_eq!(storage[slot(2)], "0x0");
    // The absent account: an exclusion proof, reported as the empty account.
    assert_eq!(proven[4]["exists"], false, "{}", proven[4]);
    assert!(!proofs[4]["accountProof"].as_array().unwrap().is_empty());
    assert_eq!(proven[4]["storage"][slot(0)], "0x0");
}
