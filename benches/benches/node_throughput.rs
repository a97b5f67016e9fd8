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
//!   over a few seconds;
//! - 1,000 pre-signed ERC-20 `transfer` calls (100 from each dev account, each
//!   to a fresh recipient, so every call writes a new balance slot), the same
//!   way: time to every receipt, tx/s;
//! - `eth_call` of the token's `balanceOf` requests/s from 16 concurrent
//!   clients;
//! - start-up: the time from spawning the node (`basalt dev`, `anvil`) on a
//!   chosen port to its first successful `eth_blockNumber`, polled every
//!   millisecond; the median of STARTS runs.
//!
//! The ERC-20s: on Basalt the wasm token of `contracts/token` (its artifact
//! from `basalt contract build`, `$BASALT_CONTRACTS/Token.json`, built on
//! first use otherwise); anvil runs EVM code only, so there it is
//! `fixtures/solidity/src/ERC20.sol` compiled by solc-js 0.8.30 (optimizer,
//! 200 runs) into the checked-in `fixtures/solidity/build/ERC20.bin` (see
//! that folder's README): the same ABI, constructor and OpenZeppelin
//! semantics. Untimed set-up on each node: dev account 0 deploys the token
//! and gives each other dev account a tenth of the supply; the transfer gas
//! limit is that node's `eth_estimateGas` for one transfer plus 25 %.
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
//! without npm (or with `BENCH_SKIP_ANVIL` set, for quick runs while
//! tuning) only Basalt is measured.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use alloy_sol_types::{SolCall, SolConstructor};
use basalt_benches::node_proc::{
    self, basalt_bin, dev_keys, free_port, result_str, sign_eip1559, spawn, Conn, Node, DEV_KEYS,
};
use basalt_benches::revm_peer::{
    Address as EvmAddress, ERC20Deploy, ERC20_CREATION_HEX, IERC20, INITIAL_SUPPLY, TOKEN_DECIMALS,
    TOKEN_NAME, TOKEN_SYMBOL, U256 as EvmU256,
};
use basalt_primitives::{secret_key_to_address, Address, SigningKey, U256};
use basalt_tests::contracts::artifact;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const ANVIL: &str = "@foundry-rs/anvil-linux-amd64@1.7.1";
const CHAIN_ID: u64 = 31337;
const PER_SENDER: u64 = 200;
const CLIENTS: usize = 16;
const BALANCE_SECONDS: u64 = 5;
const TOKEN_PER_SENDER: u64 = 100;
const STARTS: usize = 7;

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

/// Removes, when dropped, the state folders anvil created under
/// `~/.foundry/anvil/tmp` meanwhile: anvil keeps historical states there
/// (~4 GB for one run of this bench) and leaves them behind when killed.
struct AnvilTmpCleanup {
    dir: PathBuf,
    before: Vec<std::ffi::OsString>,
}

impl AnvilTmpCleanup {
    fn new() -> Self {
        let home = std::env::var("HOME").unwrap_or_default();
        let dir = PathBuf::from(home).join(".foundry/anvil/tmp");
        let before = Self::entries(&dir);
        Self { dir, before }
    }

    fn entries(dir: &std::path::Path) -> Vec<std::ffi::OsString> {
        std::fs::read_dir(dir)
            .map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect())
            .unwrap_or_default()
    }
}

impl Drop for AnvilTmpCleanup {
    fn drop(&mut self) {
        for name in Self::entries(&self.dir) {
            if !self.before.contains(&name) {
                let _ = std::fs::remove_dir_all(self.dir.join(name));
            }
        }
    }
}

struct Signed {
    hash: String,
    raw: String,
}

/// An EIP-1559 transaction (tip 1 gwei, fee cap 20 gwei), signed.
fn sign(
    key: &SigningKey,
    nonce: u64,
    to: Option<Address>,
    value: U256,
    input: Vec<u8>,
    gas: u64,
) -> Signed {
    let signed = sign_eip1559(CHAIN_ID, key, nonce, to, value, input, gas);
    Signed {
        hash: format!("{:?}", signed.hash()),
        raw: format!("0x{}", hex::encode(signed.encode_network())),
    }
}

/// A distinct address per (tag, sender, index).
fn recipient(tag: u8, sender: usize, index: u64) -> Address {
    let mut to = [0u8; 20];
    to[0] = tag;
    to[10] = sender as u8;
    to[12..20].copy_from_slice(&index.to_be_bytes());
    Address::from(to)
}

/// PER_SENDER transfers per dev account, by sender, in nonce order.
fn sign_all() -> Vec<Vec<Signed>> {
    dev_keys()
        .iter()
        .enumerate()
        .map(|(s, key)| {
            (0..PER_SENDER)
                .map(|nonce| {
                    let to = recipient(0xee, s, nonce);
                    sign(key, nonce, Some(to), U256::from(1_000 + nonce), vec![], 21_000)
                })
                .collect()
        })
        .collect()
}

/// The string value of `"field":"…"` in a JSON answer.
fn string_field(answer: &str, field: &str) -> Option<String> {
    let key = format!("\"{field}\":\"");
    let at = answer.find(&key)? + key.len();
    let rest = &answer[at..];
    Some(rest[..rest.find('"')?].to_owned())
}

fn hex_u64(text: &str) -> u64 {
    u64::from_str_radix(text.trim_start_matches("0x"), 16).unwrap()
}

/// Polls for a receipt, nudging anvil's automine with `evm_mine` after 100 ms
/// without a new block; the receipt and the number of nudges.
fn wait_receipt(name: &str, conn: &mut Conn, hash: &str) -> (String, u64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut block = conn.call("eth_blockNumber", "[]");
    let mut since = Instant::now();
    let mut nudges = 0;
    loop {
        let receipt = conn.call("eth_getTransactionReceipt", &format!(r#"["{hash}"]"#));
        if !receipt.contains("\"result\":null") {
            return (receipt, nudges);
        }
        assert!(
            Instant::now() < deadline,
            "{name}: no receipt for {hash}; block {block}, pool {}",
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

/// Sends each sender's transactions from its own thread in nonce order, then
/// waits for every receipt; prints and returns the time from the first send
/// to the last receipt. Every receipt must have status 1 (checked untimed).
fn send_and_wait(name: &str, what: &str, addr: SocketAddr, txs: &[Vec<Signed>]) -> Duration {
    let mut conn = Conn::new(addr);
    let first_block = hex_u64(&result_str(&conn.call("eth_blockNumber", "[]")).unwrap());
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
    let mut nudges = 0;
    for sender in txs {
        nudges += wait_receipt(name, &mut conn, &sender.last().unwrap().hash).1;
    }
    let elapsed = started.elapsed();
    for tx in txs.iter().flatten() {
        let receipt = conn.call("eth_getTransactionReceipt", &format!(r#"["{}"]"#, tx.hash));
        assert!(receipt.contains("\"status\":\"0x1\""), "{name}: {receipt}");
    }
    let blocks = hex_u64(&result_str(&conn.call("eth_blockNumber", "[]")).unwrap()) - first_block;
    let n = txs.iter().map(Vec::len).sum::<usize>();
    println!(
        "{name}: {n} {what} sent in {:.2} s, all receipts after {:.2} s: {:.0} tx/s in {blocks} blocks ({nudges} evm_mine nudges)",
        sent.as_secs_f64(),
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64()
    );
    elapsed
}

/// Requests/s of `method` from CLIENTS keep-alive connections over
/// BALANCE_SECONDS; client `c` sends `params(c)` and checks each answer
/// with `check(c, answer)`.
fn request_rate(
    addr: SocketAddr,
    method: &str,
    params: impl Fn(usize) -> String + Sync,
    check: impl Fn(usize, &str) + Sync,
) -> f64 {
    let stop = AtomicBool::new(false);
    let count = AtomicU64::new(0);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for c in 0..CLIENTS {
            let (stop, count, params, check) = (&stop, &count, &params, &check);
            scope.spawn(move || {
                let mut conn = Conn::new(addr);
                let params = params(c);
                while !stop.load(Ordering::Relaxed) {
                    let answer = conn.call(method, &params);
                    check(c, &answer);
                    count.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        std::thread::sleep(Duration::from_secs(BALANCE_SECONDS));
        stop.store(true, Ordering::Relaxed);
    });
    count.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

fn evm_address(a: Address) -> EvmAddress {
    EvmAddress::from_slice(a.as_bytes())
}

fn transfer_data(to: Address, amount: u64) -> Vec<u8> {
    IERC20::transferCall { to: evm_address(to), amount: EvmU256::from(amount) }.abi_encode()
}

fn balance_of_data(who: Address) -> String {
    format!("0x{}", hex::encode(IERC20::balanceOfCall { account: evm_address(who) }.abi_encode()))
}

/// The token's constructor arguments (same on both nodes).
fn constructor_args() -> Vec<u8> {
    ERC20Deploy::constructorCall {
        name_: TOKEN_NAME.into(),
        symbol_: TOKEN_SYMBOL.into(),
        decimals_: TOKEN_DECIMALS,
        initialSupply: INITIAL_SUPPLY,
    }
    .abi_encode()
}

/// Untimed set-up: dev account 0 deploys `creation` and sends a tenth of
/// the supply to each other dev account. Returns the token's address and
/// the gas limit for one transfer (the node's estimate + 25 %).
fn setup_token(name: &str, addr: SocketAddr, creation: Vec<u8>) -> (Address, u64) {
    let keys = dev_keys();
    let dev: Vec<Address> = keys.iter().map(secret_key_to_address).collect();
    let mut conn = Conn::new(addr);
    let nonce = |conn: &mut Conn, who: Address| {
        hex_u64(
            &result_str(
                &conn.call("eth_getTransactionCount", &format!(r#"["{who:?}", "latest"]"#)),
            )
            .unwrap(),
        )
    };
    let estimate = |conn: &mut Conn, from: Address, to: Option<Address>, data: &[u8]| {
        let to = to.map(|t| format!(r#""to":"{t:?}","#)).unwrap_or_default();
        let call = format!(r#"[{{"from":"{from:?}",{to}"data":"0x{}"}}]"#, hex::encode(data));
        hex_u64(&result_str(&conn.call("eth_estimateGas", &call)).unwrap())
    };
    let deploy_gas = estimate(&mut conn, dev[0], None, &creation) * 5 / 4;
    let first = nonce(&mut conn, dev[0]);
    let deploy = sign(&keys[0], first, None, U256::zero(), creation, deploy_gas);
    conn.call("eth_sendRawTransaction", &format!(r#"["{}"]"#, deploy.raw));
    let (receipt, _) = wait_receipt(name, &mut conn, &deploy.hash);
    assert!(receipt.contains("\"status\":\"0x1\""), "{name}: deploy: {receipt}");
    let token: Address = string_field(&receipt, "contractAddress").unwrap().parse().unwrap();

    let share = INITIAL_SUPPLY / EvmU256::from(10);
    let share_data = |to: Address| IERC20::transferCall { to: evm_address(to), amount: share };
    let share_gas = estimate(&mut conn, dev[0], Some(token), &share_data(dev[1]).abi_encode());
    let mut last = String::new();
    for (i, to) in dev.iter().enumerate().skip(1) {
        let data = share_data(*to).abi_encode();
        let tx =
            sign(&keys[0], first + i as u64, Some(token), U256::zero(), data, share_gas * 5 / 4);
        conn.call("eth_sendRawTransaction", &format!(r#"["{}"]"#, tx.raw));
        last = tx.hash;
    }
    let (receipt, _) = wait_receipt(name, &mut conn, &last);
    assert!(receipt.contains("\"status\":\"0x1\""), "{name}: share: {receipt}");
    let gas = estimate(&mut conn, dev[1], Some(token), &transfer_data(recipient(0xdd, 1, 0), 1));
    println!(
        "{name}: token deployed at {token:?} ({deploy_gas} gas limit); one transfer estimated at {gas} gas"
    );
    (token, gas * 5 / 4)
}

/// TOKEN_PER_SENDER token transfers per dev account (each to a fresh
/// recipient, amount 1,000 + index), by sender, in nonce order from each
/// account's current nonce.
fn sign_token_transfers(addr: SocketAddr, token: Address, gas: u64) -> Vec<Vec<Signed>> {
    let mut conn = Conn::new(addr);
    dev_keys()
        .iter()
        .enumerate()
        .map(|(s, key)| {
            let who = secret_key_to_address(key);
            let first = hex_u64(
                &result_str(
                    &conn.call("eth_getTransactionCount", &format!(r#"["{who:?}", "latest"]"#)),
                )
                .unwrap(),
            );
            (0..TOKEN_PER_SENDER)
                .map(|i| {
                    let data = transfer_data(recipient(0xdd, s, i), 1_000 + i);
                    sign(key, first + i, Some(token), U256::zero(), data, gas)
                })
                .collect()
        })
        .collect()
}

struct Figures {
    tx_per_s: f64,
    transfers_s: f64,
    balance_per_s: f64,
    token_tx_per_s: f64,
    token_s: f64,
    call_per_s: f64,
}

fn measure(name: &str, node: &Node, txs: &[Vec<Signed>], token_creation: Vec<u8>) -> Figures {
    let addr = node.addr;
    let mut conn = Conn::new(addr);
    assert_eq!(result_str(&conn.call("eth_blockNumber", "[]")).as_deref(), Some("0x0"), "{name}");

    let transfers = send_and_wait(name, "transfers", addr, txs);
    let n = txs.iter().map(Vec::len).sum::<usize>();

    let balance_per_s = request_rate(
        addr,
        "eth_getBalance",
        |c| format!(r#"["{:?}", "latest"]"#, recipient(0xee, c % 10, 0)),
        |c, answer| {
            assert_eq!(result_str(answer), Some(format!("{:#x}", 1_000)), "client {c}: {answer}")
        },
    );
    println!(
        "{name}: eth_getBalance with {CLIENTS} concurrent clients: {balance_per_s:.0} requests/s"
    );

    let (token, gas) = setup_token(name, addr, token_creation);
    let token_txs = sign_token_transfers(addr, token, gas);
    let token_n = token_txs.iter().map(Vec::len).sum::<usize>();
    let token_time = send_and_wait(name, "token transfers", addr, &token_txs);
    let call_params = |c: usize| {
        let data = balance_of_data(recipient(0xdd, c % 10, c as u64));
        format!(r#"[{{"to":"{token:?}","data":"{data}"}}, "latest"]"#)
    };
    let call_per_s = request_rate(addr, "eth_call", call_params, |c, answer| {
        let expected = format!("0x{:064x}", 1_000 + c);
        assert_eq!(result_str(answer), Some(expected), "client {c}: {answer}");
    });
    println!(
        "{name}: eth_call balanceOf with {CLIENTS} concurrent clients: {call_per_s:.0} requests/s"
    );

    Figures {
        tx_per_s: n as f64 / transfers.as_secs_f64(),
        transfers_s: transfers.as_secs_f64(),
        balance_per_s,
        token_tx_per_s: token_n as f64 / token_time.as_secs_f64(),
        token_s: token_time.as_secs_f64(),
        call_per_s,
    }
}

/// One `eth_blockNumber` on a fresh connection: whether it answered.
fn block_number_answers(addr: SocketAddr) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(addr) else { return false };
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}"#;
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut answer = String::new();
    stream.write_all(request.as_bytes()).is_ok()
        && stream.read_to_string(&mut answer).is_ok()
        && answer.contains("\"result\":\"0x")
}

/// Median time from spawn to the first answered `eth_blockNumber`, over
/// STARTS runs; `args(port)` are the node's arguments.
fn startup(name: &str, bin: &std::path::Path, args: impl Fn(&str) -> Vec<String>) -> Duration {
    let mut times: Vec<Duration> = (0..STARTS)
        .map(|_| {
            let port = free_port().to_string();
            let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
            let started = Instant::now();
            let mut child = Command::new(bin)
                .args(args(&port))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            while !block_number_answers(addr) {
                assert!(started.elapsed() < Duration::from_secs(30), "{name} did not start");
                std::thread::sleep(Duration::from_millis(1));
            }
            let elapsed = started.elapsed();
            node_proc::stop(&mut child);
            elapsed
        })
        .collect();
    times.sort();
    let median = times[STARTS / 2];
    println!(
        "{name}: ready (first eth_blockNumber) after {:.1} ms median of {STARTS} starts (min {:.1}, max {:.1})",
        median.as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[STARTS - 1].as_secs_f64() * 1e3
    );
    median
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` runs nothing.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let genesis = include_str!("../../genesis/dev.json").to_ascii_lowercase();
    for key in dev_keys() {
        let a = secret_key_to_address(&key);
        assert!(genesis.contains(&hex::encode(a.as_bytes())), "{a:?} is not a dev account");
    }
    let txs = sign_all();
    let wasm_token = artifact("Token").deploy_data(&constructor_args());
    let mut evm_token = hex::decode(ERC20_CREATION_HEX.trim()).unwrap();
    evm_token.extend(constructor_args());

    let basalt_start = startup("basalt", &basalt_bin(), |port| {
        ["dev", "--port", port].map(str::to_owned).to_vec()
    });
    let basalt = spawn(&basalt_bin(), &["dev", "--port", "0"]);
    let ours = Some((measure("basalt", &basalt, &txs, wasm_token), basalt_start));
    drop(basalt);

    let theirs = match anvil_bin() {
        Ok(_) if std::env::var("BENCH_SKIP_ANVIL").is_ok() => {
            println!("anvil not measured: BENCH_SKIP_ANVIL is set");
            None
        }
        Ok(bin) => {
            let _cleanup = AnvilTmpCleanup::new();
            let start = startup("anvil", &bin, |port| {
                ["--host", "127.0.0.1", "--port", port, "--chain-id", "31337"]
                    .map(str::to_owned)
                    .to_vec()
            });
            let port = free_port().to_string();
            let anvil =
                spawn(&bin, &["--host", "127.0.0.1", "--port", &port, "--chain-id", "31337"]);
            Some((measure("anvil", &anvil, &txs, evm_token), start))
        }
        Err(reason) => {
            println!("anvil not measured: {reason}");
            None
        }
    };
    let token_n = DEV_KEYS.len() as u64 * TOKEN_PER_SENDER;
    println!();
    println!(
        "{:<8} {:>12} {:>14} {:>18} {:>16} {:>18} {:>16} {:>12}",
        "node",
        "transfers/s",
        "2000 txs (s)",
        "getBalance req/s",
        "ERC-20 tx/s",
        format!("{token_n} ERC-20 (s)"),
        "eth_call req/s",
        "start (ms)"
    );
    for (name, f) in [("basalt", ours), ("anvil", theirs)] {
        if let Some((f, start)) = f {
            println!(
                "{name:<8} {:>12.0} {:>14.2} {:>18.0} {:>16.0} {:>18.2} {:>16.0} {:>12.1}",
                f.tx_per_s,
                f.transfers_s,
                f.balance_per_s,
                f.token_tx_per_s,
                f.token_s,
                f.call_per_s,
                start.as_secs_f64() * 1e3
            );
        }
    }
}
