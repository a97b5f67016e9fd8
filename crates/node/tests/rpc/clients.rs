//! Real Ethereum client libraries against `basalt dev`: the example scripts
//! in `scripts/` (ethers v6 over WebSocket, web3.py over HTTP polling) and
//! fuller per-client checks (`js/ethers.mjs`, `js/viem.mjs`,
//! `py/web3_client.py`) deploying the example ERC-20 (`contracts/token`).
//!
//! npm packages are installed once (`npm ci` from `scripts/package-lock.json`)
//! into ~/.cache/basalt/npm-clients, web3.py into the venv
//! ~/.cache/basalt/venv-web3. A test is skipped, with the reason printed,
//! only when node/npm or python3 is absent; a failed install fails it.

use crate::harness::DevNode;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

/// Serializes installs between the tests of this binary.
static INSTALL: Mutex<()> = Mutex::new(());

pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn cache_dir() -> PathBuf {
    PathBuf::from(std::env::var("HOME").expect("HOME is set")).join(".cache/basalt")
}

fn have(program: &str, arg: &str) -> bool {
    Command::new(program).arg(arg).output().is_ok_and(|o| o.status.success())
}

/// The Token artifact: `$BASALT_CONTRACTS/Token.json`, else the default
/// folder of `scripts/test.sh`, built there with `basalt contract build` if
/// missing.
pub(crate) fn token_artifact() -> PathBuf {
    let dir = std::env::var_os("BASALT_CONTRACTS").map(PathBuf::from).unwrap_or_else(|| {
        std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo_root().join("target"))
            .join("basalt-contracts")
    });
    let path = dir.join("Token.json");
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    if !path.exists() {
        let status = Command::new(env!("CARGO_BIN_EXE_basalt"))
            .args(["contract", "build"])
            .arg(repo_root().join("contracts/token"))
            .arg("--out")
            .arg(&dir)
            .status()
            .expect("basalt contract build runs");
        assert!(status.success() && path.exists(), "building {} failed", path.display());
    }
    path
}

/// ~/.cache/basalt/npm-clients with ethers and viem installed from the lock
/// file, or why node cannot be used.
pub(crate) fn npm_prefix() -> Result<PathBuf, String> {
    if !have("node", "--version") || !have("npm", "--version") {
        return Err("node or npm is not installed".into());
    }
    let prefix = cache_dir().join("npm-clients");
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let lock = std::fs::read(repo_root().join("scripts/package-lock.json")).unwrap();
    let installed_lock = prefix.join("node_modules/.basalt-package-lock.json");
    if std::fs::read(&installed_lock).ok().as_deref() == Some(&lock[..]) {
        return Ok(prefix);
    }
    std::fs::create_dir_all(&prefix).unwrap();
    for file in ["package.json", "package-lock.json"] {
        std::fs::copy(repo_root().join("scripts").join(file), prefix.join(file)).unwrap();
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--prefix"])
        .arg(&prefix)
        .status()
        .expect("npm runs");
    assert!(status.success(), "npm ci into {} failed", prefix.display());
    std::fs::write(&installed_lock, &lock).unwrap();
    Ok(prefix)
}

/// The python of ~/.cache/basalt/venv-web3 with scripts/requirements.txt
/// installed, or why python cannot be used.
pub(crate) fn python() -> Result<PathBuf, String> {
    if !have("python3", "--version") {
        return Err("python3 is not installed".into());
    }
    let venv = cache_dir().join("venv-web3");
    let python = venv.join("bin/python");
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let requirements = std::fs::read(repo_root().join("scripts/requirements.txt")).unwrap();
    let marker = venv.join(".basalt-requirements.txt");
    if std::fs::read(&marker).ok().as_deref() == Some(&requirements[..]) && python.exists() {
        return Ok(python);
    }
    if !python.exists() {
        let status = Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&venv)
            .status()
            .expect("python3 runs");
        assert!(status.success(), "python3 -m venv {} failed", venv.display());
    }
    let status = Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(repo_root().join("scripts/requirements.txt"))
        .status()
        .expect("pip runs");
    assert!(status.success(), "pip install -r scripts/requirements.txt failed");
    std::fs::write(&marker, &requirements).unwrap();
    Ok(python)
}

/// Runs a client script to completion, prints its output, asserts exit 0;
/// its stdout.
pub(crate) fn run(what: &str, mut command: Command) -> String {
    let Output { status, stdout, stderr } = command.output().expect("client runs");
    let stdout = String::from_utf8_lossy(&stdout).into_owned();
    let stderr = String::from_utf8_lossy(&stderr);
    println!("--- {what} stdout\n{stdout}--- {what} stderr\n{stderr}");
    assert!(status.success(), "{what} exited with {status}:\n{stdout}\n{stderr}");
    stdout
}

/// A node script: copied beside the installed node_modules (ES modules
/// resolve packages from the script's own folder) and run there.
pub(crate) fn node_script(prefix: &Path, source: &Path, args: &[&str]) -> Command {
    let copy = prefix.join(source.file_name().unwrap());
    std::fs::copy(source, &copy).unwrap();
    let mut command = Command::new("node");
    command.arg(&copy).args(args);
    command
}

fn ws_url(node: &DevNode) -> String {
    format!("ws://{}", node.addr)
}

#[test]
fn example_script_ethers_deploys_and_listens() {
    let prefix = match npm_prefix() {
        Ok(p) => p,
        Err(reason) => return eprintln!("skipping the ethers example script: {reason}"),
    };
    let artifact = token_artifact();
    let node = DevNode::start();
    let script = repo_root().join("scripts/deploy-and-listen.mjs");
    let out = run(
        "scripts/deploy-and-listen.mjs",
        node_script(&prefix, &script, &[artifact.to_str().unwrap(), &ws_url(&node)]),
    );
    assert!(out.contains("deployed Token at 0x"), "{out}");
    assert!(
        out.contains("Transfer(from=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266, to=0x70997970C51812dc3A010C7d01b50e0d17dc79C8, value=42000000000000000000)"),
        "{out}"
    );
    assert!(node.stop(), "basalt dev did not exit cleanly");
}

#[test]
fn example_script_web3py_deploys_and_polls() {
    let python = match python() {
        Ok(p) => p,
        Err(reason) => return eprintln!("skipping the web3.py example script: {reason}"),
    };
    let artifact = token_artifact();
    let node = DevNode::start();
    let mut command = Command::new(python);
    command.arg(repo_root().join("scripts/deploy_and_listen.py")).arg(&artifact).arg(node.url());
    let out = run("scripts/deploy_and_listen.py", command);
    assert!(out.contains("deployed Token at 0x"), "{out}");
    assert!(
        out.contains("Transfer(from=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266, to=0x70997970C51812dc3A010C7d01b50e0d17dc79C8, value=42000000000000000000)"),
        "{out}"
    );
    assert!(node.stop(), "basalt dev did not exit cleanly");
}

fn js_client(file: &str) {
    let prefix = match npm_prefix() {
        Ok(p) => p,
        Err(reason) => return eprintln!("skipping {file}: {reason}"),
    };
    let artifact = token_artifact();
    let node = DevNode::start();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rpc/js").join(file);
    let out = run(
        file,
        node_script(&prefix, &script, &[artifact.to_str().unwrap(), &node.url(), &ws_url(&node)]),
    );
    assert!(out.contains("all checks passed"), "{out}");
    assert!(node.stop(), "basalt dev did not exit cleanly");
}

#[test]
fn ethers_v6_deploys_reads_writes_reverts_and_listens() {
    js_client("ethers.mjs");
}

#[test]
fn viem_deploys_reads_writes_reverts_and_watches() {
    js_client("viem.mjs");
}

#[test]
fn web3py_deploys_calls_transacts_and_filters() {
    let python = match python() {
        Ok(p) => p,
        Err(reason) => return eprintln!("skipping the web3.py client test: {reason}"),
    };
    let artifact = token_artifact();
    let node = DevNode::start();
    let mut command = Command::new(python);
    command
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rpc/py/web3_client.py"))
        .arg(&artifact)
        .arg(node.url());
    let out = run("py/web3_client.py", command);
    assert!(out.contains("all checks passed"), "{out}");
    assert!(node.stop(), "basalt dev did not exit cleanly");
}

/// ethers' `contract.on` and viem's `watchContractEvent` over HTTP install
/// `eth_newFilter` without `fromBlock` and expect only future logs (geth,
/// anvil); an explicit `"latest"` still includes the head block.
#[test]
fn new_filter_without_from_block_reports_only_future_logs() {
    use serde_json::json;
    let node = DevNode::start();
    let contract = crate::harness::deploy_log_contract(&node, 0);
    let call = |nonce: u64| {
        let raw = crate::harness::eip1559(
            nonce,
            Some(crate::harness::addr(&contract)),
            0.into(),
            vec![7],
            200_000,
        );
        let hash = node.send_raw(&raw);
        assert_eq!(node.receipt(&hash)["status"], "0x1");
        hash
    };
    let first = call(1);
    let future = node.call("eth_newFilter", json!([{"address": contract}]));
    let inclusive =
        node.call("eth_newFilter", json!([{"address": contract, "fromBlock": "latest"}]));
    assert_eq!(node.call("eth_getFilterChanges", json!([future])), json!([]));
    let head = node.call("eth_getFilterChanges", json!([inclusive]));
    assert_eq!(head[0]["transactionHash"], json!(first), "{head}");
    let second = call(2);
    let changes = node.call("eth_getFilterChanges", json!([future]));
    assert_eq!(changes.as_array().unwrap().len(), 1, "{changes}");
    assert_eq!(changes[0]["transactionHash"], json!(second), "{changes}");
    assert!(node.stop(), "basalt dev did not exit cleanly");
}
