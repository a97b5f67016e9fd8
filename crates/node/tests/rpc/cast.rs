//! Smoke test with the real `cast` (npm package `@foundry-rs/cast-linux-amd64`,
//! installed once into ~/.cache/basalt/npm). Skipped, with the reason
//! printed, only when npm is absent; a failed install fails the test.

use crate::harness::*;
use std::path::PathBuf;
use std::process::Command;

const PACKAGE: &str = "@foundry-rs/cast-linux-amd64@1.7.1";

pub(crate) fn cast_binary() -> Result<PathBuf, String> {
    let home = std::env::var("HOME").map_err(|_| "HOME is not set".to_owned())?;
    let prefix = PathBuf::from(home).join(".cache/basalt/npm");
    let bin = prefix.join("node_modules/@foundry-rs/cast-linux-amd64/bin/cast");
    if bin.exists() {
        return Ok(bin);
    }
    if Command::new("npm").arg("--version").output().is_err() {
        return Err("npm is not installed".into());
    }
    std::fs::create_dir_all(&prefix).map_err(|e| e.to_string())?;
    let status = Command::new("npm")
        .args(["install", "--no-save", "--no-audit", "--no-fund", "--prefix"])
        .arg(&prefix)
        .arg(PACKAGE)
        .status()
        .map_err(|e| e.to_string())?;
    assert!(status.success() && bin.exists(), "npm install {PACKAGE} failed");
    Ok(bin)
}

pub(crate) fn cast(bin: &PathBuf, args: &[&str]) -> String {
    let out = Command::new(bin).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "cast {args:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn cast_reads_sends_and_gets_receipts() {
    let bin = match cast_binary() {
        Ok(bin) => bin,
        Err(reason) => {
            eprintln!("skipping the cast smoke test: {reason}");
            return;
        }
    };
    let node = DevNode::start();
    let url = node.url();
    assert_eq!(cast(&bin, &["chain-id", "--rpc-url", &url]), "31337");
    assert_eq!(cast(&bin, &["block-number", "--rpc-url", &url]), "0");
    assert_eq!(cast(&bin, &["balance", DEV_ADDR_0, "--rpc-url", &url]), "10000000000000000000000");
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
        ],
    );
    let receipt: serde_json::Value = serde_json::from_str(&sent).unwrap();
    assert_eq!(receipt["status"], "0x1", "{sent}");
    let hash = receipt["transactionHash"].as_str().unwrap();
    let status = cast(&bin, &["receipt", hash, "status", "--rpc-url", &url]);
    assert!(status.starts_with('1') || status == "true", "{status}");
    assert_eq!(cast(&bin, &["block-number", "--rpc-url", &url]), "1");
    let tx = cast(&bin, &["tx", hash, "--rpc-url", &url, "--json"]);
    assert!(tx.contains(&DEV_ADDR_1.to_lowercase()[2..]), "{tx}");
}

/// The token artifact deployed and used with cast alone: `send --create`
/// with constructor arguments, `call`, `send` to a method, `receipt`,
/// `logs`, `block`, `nonce`.
#[test]
fn cast_deploys_and_uses_the_token_artifact() {
    let bin = match cast_binary() {
        Ok(bin) => bin,
        Err(reason) => {
            eprintln!("skipping the cast token test: {reason}");
            return;
        }
    };
    let artifact: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(crate::clients::token_artifact()).unwrap())
            .unwrap();
    let bytecode = artifact["bytecode"].as_str().unwrap();
    let node = DevNode::start();
    let url = node.url();
    let key = format!("0x{DEV_KEY_0}");
    let deployed = cast(
        &bin,
        &[
            // Options first: `--create` takes the rest as code, signature and arguments.
            "send",
            "--private-key",
            &key,
            "--rpc-url",
            &url,
            "--json",
            "--create",
            bytecode,
            "constructor(string,string,uint8,uint256)",
            "Cast Token",
            "CT",
            "18",
            "1000000",
        ],
    );
    let receipt: serde_json::Value = serde_json::from_str(&deployed).unwrap();
    assert_eq!(receipt["status"], "0x1", "{deployed}");
    let token = receipt["contractAddress"].as_str().unwrap().to_owned();
    let call = |sig: &str, args: &[&str]| {
        let mut a = vec!["call", token.as_str(), sig];
        a.extend_from_slice(args);
        a.extend_from_slice(&["--rpc-url", &url]);
        // cast appends a scientific form to numbers ("1000000 [1e6]").
        cast(&bin, &a).split(" [").next().unwrap_or_default().to_owned()
    };
    assert_eq!(call("name()(string)", &[]), "\"Cast Token\"");
    assert_eq!(call("balanceOf(address)(uint256)", &[DEV_ADDR_0]), "1000000");
    let sent = cast(
        &bin,
        &[
            "send",
            &token,
            "transfer(address,uint256)",
            DEV_ADDR_1,
            "250",
            "--private-key",
            &key,
            "--rpc-url",
            &url,
            "--json",
        ],
    );
    let receipt: serde_json::Value = serde_json::from_str(&sent).unwrap();
    assert_eq!(receipt["status"], "0x1", "{sent}");
    let hash = receipt["transactionHash"].as_str().unwrap();
    assert!(cast(&bin, &["receipt", hash, "--rpc-url", &url]).contains("status"));
    assert_eq!(call("balanceOf(address)(uint256)", &[DEV_ADDR_1]), "250");
    let logs = cast(
        &bin,
        &[
            "logs",
            "--from-block",
            "0",
            "--address",
            &token,
            "Transfer(address indexed,address indexed,uint256)",
            "--rpc-url",
            &url,
            "--json",
        ],
    );
    let logs: serde_json::Value = serde_json::from_str(&logs).unwrap();
    assert_eq!(logs.as_array().unwrap().len(), 2, "mint and transfer: {logs}");
    let block = cast(&bin, &["block", "latest", "--rpc-url", &url, "--json"]);
    let block: serde_json::Value = serde_json::from_str(&block).unwrap();
    assert_eq!(block["number"], "0x2");
    assert_eq!(cast(&bin, &["nonce", DEV_ADDR_0, "--rpc-url", &url]), "2");
    // A revert comes back from cast as an error carrying the reason.
    let out = Command::new(&bin)
        .args([
            "call",
            &token,
            "transferFrom(address,address,uint256)",
            DEV_ADDR_0,
            DEV_ADDR_1,
            "1",
        ])
        .args(["--rpc-url", &url])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("insufficient allowance"), "{err}");
}
