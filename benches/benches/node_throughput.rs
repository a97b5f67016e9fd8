//! Node throughput, Basalt beside anvil on the same machine in one run (a
//! benchmark: it prints figures and asserts only correctness):
//!
//! - 2,000 pre-signed EIP-1559 value transfers from the ten dev accounts
//!   (200 each, one sending thread per account) through
//!   `eth_sendRawTransaction` with automine: the time from the first send
//!   to every receipt, as tx/s (anvil's automine can leave transactions in
//!   its pool until another arrives: after 100 ms without a new block the
//!   bench sends `evm_mine`, and reports how many times it did);
//! - `eth_getBalance` requests/s from 16 concurrent keep-alive HTTP clients
//!   over a few seconds.
//!
//! Build the node first, then run:
//!
//! ```sh
//! cargo build --release -p basalt-node
//! cargo bench -p basalt-benches --bench node_throughput
//! ```
//!
//! The basalt binary is `$BASALT_BIN`, else `basalt` beside the bench's
//! target directory. anvil is the npm package
//! `@foundry-rs/anvil-linux-amd64` installed once into
//! ~/.cache/basalt/npm-anvil (its own prefix: `npm install --no-save` prunes
//! whatever else a prefix holds, which would remove the cast tests' package);
//! without npm only Basalt is measured.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use basalt_primitives::{
    secret_key_to_address, sign_transaction, signing_key_from_bytes, Address, Transaction,
    TxEip1559, TxKind, U256,
};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

const ANVIL: &str = "@foundry-rs/anvil-linux-amd64@1.7.1";
const CHAIN_ID: u64 = 31337;
const PER_SENDER: u64 = 200;
const CLIENTS: usize = 16;
const BALANCE_SECONDS: u64 = 5;

/// The ten standard dev keys (mnemonic "test test ... junk").
const DEV_KEYS: [&str; 10] = [
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
    "92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
    "4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
    "dbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
    "2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
];

/// A node process; dropping it kills it.
struct Node {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `bin args` and waits for "Listening on ADDR" on stdout.
fn spawn(bin: &PathBuf, args: &[&str]) -> Node {
    let mut child = Command::new(bin)
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(at) = line.find("Listening on ") {
                let _ = tx.send(line[at + "Listening on ".len()..].trim().to_owned());
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(addr) => Node { child, addr: addr.parse().unwrap() },
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{} did not print its address", bin.display());
        }
    }
}

fn basalt_bin() -> PathBuf {
    let bin = std::env::var_os("BASALT_BIN").map(PathBuf::from).unwrap_or_else(|| {
        // target/release/deps/node_throughput-HASH -> target/release/basalt
        let exe = std::env::current_exe().unwrap();
        exe.parent().unwrap().parent().unwrap().join("basalt")
    });
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build --release -p basalt-node` first (or set BASALT_BIN)",
        bin.display()
    );
    bin
}

fn anvil_bin() -> Result<PathBuf, String> {
    let home = std::env::var("HOME").map_err(|_| "HOME is not set".to_owned())?;
    let prefix = PathBuf::from(home).join(".cache/basalt/npm-anvil");
    let bin = prefix.join("node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
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
        .arg(ANVIL)
        .status()
        .map_err(|e| e.to_string())?;
    assert!(status.success() && bin.exists(), "npm install {ANVIL} failed");
    Ok(bin)
}

/// A keep-alive HTTP/1.1 JSON-RPC connection.
struct Conn {
    reader: BufReader<TcpStream>,
    addr: SocketAddr,
}

impl Conn {
    fn new(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_nodelay(true).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        Self { reader: BufReader::new(stream), addr }
    }

    /// POSTs a JSON-RPC call; the raw JSON answer.
    fn call(&mut self, method: &str, params: &str) -> String {
        let body = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"{method}","params":{params}}}"#);
        let request = format!(
            "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        self.reader.get_mut().write_all(request.as_bytes()).unwrap();
        let mut length = None;
        loop {
            let mut line = String::new();
            assert!(self.reader.read_line(&mut line).unwrap() > 0, "connection closed");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let lower = line.to_ascii_lowercase();
            if let Some(n) = lower.strip_prefix("content-length:") {
                length = Some(n.trim().parse::<usize>().unwrap());
            }
            assert!(!lower.starts_with("transfer-encoding"), "unexpected {line}");
        }
        let mut body = vec![0u8; length.expect("Content-Length")];
        self.reader.read_exact(&mut body).unwrap();
        let text = String::from_utf8(body).unwrap();
        assert!(!text.contains("\"error\""), "{method}: {text}");
        text
    }
}

/// The string value of `"result"` in a JSON-RPC answer (null: None).
fn result_str(answer: &str) -> Option<String> {
    let at = answer.find("\"result\":")? + "\"result\":".len();
    let rest = answer[at..].trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

struct Signed {
    hash: String,
    raw: String,
}

/// PER_SENDER transfers per dev account, by sender, in nonce order.
fn sign_all() -> Vec<Vec<Signed>> {
    DEV_KEYS
        .iter()
        .enumerate()
        .map(|(s, key)| {
            let key = signing_key_from_bytes(&hex::decode(key).unwrap()).unwrap();
            (0..PER_SENDER)
                .map(|nonce| {
                    let mut to = [0u8; 20];
                    to[0] = 0xee;
                    to[10] = s as u8;
                    to[12..20].copy_from_slice(&nonce.to_be_bytes());
                    let tx = TxEip1559 {
                        chain_id: CHAIN_ID,
                        nonce,
                        max_priority_fee_per_gas: U256::from(1_000_000_000u64),
                        max_fee_per_gas: U256::from(20_000_000_000u64),
                        gas_limit: 21_000,
                        to: TxKind::Call(Address::from(to)),
                        value: U256::from(1_000 + nonce),
                        input: vec![],
                        access_list: Default::default(),
                    };
                    let signed = sign_transaction(Transaction::Eip1559(tx), &key).unwrap();
                    Signed {
                        hash: format!("{:?}", signed.hash()),
                        raw: format!("0x{}", hex::encode(signed.encode_network())),
                    }
                })
                .collect()
        })
        .collect()
}

struct Figures {
    tx_per_s: f64,
    transfers_s: f64,
    balance_per_s: f64,
}

fn measure(name: &str, node: &Node, txs: &[Vec<Signed>]) -> Figures {
    let addr = node.addr;
    let mut conn = Conn::new(addr);
    assert_eq!(result_str(&conn.call("eth_blockNumber", "[]")).as_deref(), Some("0x0"), "{name}");

    // Transfers: one thread per sender, nonce order; then every receipt.
    let started = Instant::now();
    std::thread::scope(|scope| {
        for sender in txs {
            scope.spawn(move || {
                let mut conn = Conn::new(addr);
                for tx in sender {
                    let answer = conn.call("eth_sendRawTransaction", &format!(r#"["{}"]"#, tx.raw));
                    assert_eq!(result_str(&answer).as_deref(), Some(tx.hash.as_str()), "{answer}");
                }
            });
        }
    });
    let sent = started.elapsed();
    // anvil's automine can leave transactions that arrived while it was
    // mining in its pool until the next one comes: after 100 ms without a
    // new block, `evm_mine` nudges it (counted, and reported).
    let mut nudges = 0;
    for sender in txs {
        let last = &sender.last().unwrap().hash;
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut block = conn.call("eth_blockNumber", "[]");
        let mut since = Instant::now();
        while conn
            .call("eth_getTransactionReceipt", &format!(r#"["{last}"]"#))
            .contains("\"result\":null")
        {
            assert!(
                Instant::now() < deadline,
                "{name}: no receipt for {last}; block {block}, pool {}",
                conn.call("txpool_status", "[]")
            );
            std::thread::sleep(Duration::from_millis(2));
            let now = conn.call("eth_blockNumber", "[]");
            if now != block {
                (block, since) = (now, Instant::now());
            } else if since.elapsed() > Duration::from_millis(100) {
                conn.call("evm_mine", "[]");
                nudges += 1;
                since = Instant::now();
            }
        }
    }
    let elapsed = started.elapsed();
    // Untimed: every receipt is there and succeeded.
    for tx in txs.iter().flatten() {
        let receipt = conn.call("eth_getTransactionReceipt", &format!(r#"["{}"]"#, tx.hash));
        assert!(receipt.contains("\"status\":\"0x1\""), "{name}: {receipt}");
    }
    let n = txs.iter().map(Vec::len).sum::<usize>();
    println!(
        "{name}: {n} transfers sent in {:.2} s, all receipts after {:.2} s: {:.0} tx/s ({nudges} evm_mine nudges)",
        sent.as_secs_f64(),
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64()
    );

    // eth_getBalance under concurrency.
    let stop = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    std::thread::scope(|scope| {
        for c in 0..CLIENTS {
            let (stop, count) = (stop.clone(), count.clone());
            scope.spawn(move || {
                let mut conn = Conn::new(addr);
                let zeros = "00".repeat(9);
                let who = format!(r#"["0xee{zeros}{:02x}{zeros}", "latest"]"#, c % 10);
                while !stop.load(Ordering::Relaxed) {
                    let answer = conn.call("eth_getBalance", &who);
                    assert!(answer.contains("\"result\""), "{answer}");
                    count.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        std::thread::sleep(Duration::from_secs(BALANCE_SECONDS));
        stop.store(true, Ordering::Relaxed);
    });
    let rate = count.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    println!("{name}: eth_getBalance with {CLIENTS} concurrent clients: {rate:.0} requests/s");
    Figures {
        tx_per_s: n as f64 / elapsed.as_secs_f64(),
        transfers_s: elapsed.as_secs_f64(),
        balance_per_s: rate,
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` runs nothing.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dev_addresses: Vec<Address> = DEV_KEYS
        .iter()
        .map(|k| secret_key_to_address(&signing_key_from_bytes(&hex::decode(k).unwrap()).unwrap()))
        .collect();
    let genesis = include_str!("../../genesis/dev.json").to_ascii_lowercase();
    for a in &dev_addresses {
        assert!(genesis.contains(&hex::encode(a.as_bytes())), "{a:?} is not a dev account");
    }
    let txs = sign_all();

    let basalt = spawn(&basalt_bin(), &["dev", "--port", "0"]);
    let ours = Some(measure("basalt", &basalt, &txs));
    drop(basalt);

    let theirs = match anvil_bin() {
        Ok(bin) => {
            let port = free_port().to_string();
            let anvil =
                spawn(&bin, &["--host", "127.0.0.1", "--port", &port, "--chain-id", "31337"]);
            Some(measure("anvil", &anvil, &txs))
        }
        Err(reason) => {
            println!("anvil not measured: {reason}");
            None
        }
    };
    println!();
    println!(
        "{:<8} {:>12} {:>14} {:>18}",
        "node", "transfers/s", "2000 txs (s)", "getBalance req/s"
    );
    for (name, f) in [("basalt", ours), ("anvil", theirs)] {
        if let Some(f) = f {
            println!(
                "{name:<8} {:>12.0} {:>14.2} {:>18.0}",
                f.tx_per_s, f.transfers_s, f.balance_per_s
            );
        }
    }
}
