//! Running node processes from the benches: spawn `basalt` (or anvil) and
//! wait for its address, talk JSON-RPC over one keep-alive HTTP connection.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use basalt_primitives::{
    sign_transaction, signing_key_from_bytes, Address, SignedTransaction, SigningKey, Transaction,
    TxEip1559, TxKind, U256,
};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The ten standard dev keys (mnemonic "test test ... junk").
pub const DEV_KEYS: [&str; 10] = [
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

/// Stops `child`: SIGTERM, up to 5 s for a clean exit (a `basalt dev`
/// removes its temporary datadir then; SIGKILL would leave it behind),
/// then SIGKILL.
pub fn stop(child: &mut Child) {
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while std::time::Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// A node process; dropping it stops it (see [`stop`]).
pub struct Node {
    child: Child,
    /// Where its JSON-RPC listens.
    pub addr: SocketAddr,
    /// `basalt node`: its peer-to-peer multiaddr ("P2P listening on").
    pub p2p: Option<String>,
}

impl Drop for Node {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

/// Runs `bin args` and waits for "Listening on ADDR" on stdout.
pub fn spawn(bin: &Path, args: &[&str]) -> Node {
    let mut child = Command::new(bin)
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let (p2p_tx, p2p_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(addr) = line.strip_prefix("P2P listening on ") {
                let _ = p2p_tx.send(addr.trim().to_owned());
            } else if let Some(at) = line.find("Listening on ") {
                let _ = tx.send(line[at + "Listening on ".len()..].trim().to_owned());
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(addr) => Node { child, addr: addr.parse().unwrap(), p2p: p2p_rx.try_recv().ok() },
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{} did not print its address", bin.display());
        }
    }
}

/// The basalt binary: `$BASALT_BIN`, else `basalt` beside the bench's target directory.
pub fn basalt_bin() -> PathBuf {
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

/// A keep-alive HTTP/1.1 JSON-RPC connection.
pub struct Conn {
    reader: BufReader<TcpStream>,
    addr: SocketAddr,
}

impl Conn {
    /// Connects.
    pub fn new(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_nodelay(true).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        Self { reader: BufReader::new(stream), addr }
    }

    /// POSTs a JSON-RPC call; the raw JSON answer.
    pub fn call(&mut self, method: &str, params: &str) -> String {
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
pub fn result_str(answer: &str) -> Option<String> {
    let at = answer.find("\"result\":")? + "\"result\":".len();
    let rest = answer[at..].trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

/// The dev keys, parsed.
pub fn dev_keys() -> Vec<SigningKey> {
    DEV_KEYS.iter().map(|k| signing_key_from_bytes(&hex::decode(k).unwrap()).unwrap()).collect()
}

/// A port free right now on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// An EIP-1559 transaction on `chain_id` (tip 1 gwei, fee cap 20 gwei), signed.
pub fn sign_eip1559(
    chain_id: u64,
    key: &SigningKey,
    nonce: u64,
    to: Option<Address>,
    value: U256,
    input: Vec<u8>,
    gas: u64,
) -> SignedTransaction {
    let tx = TxEip1559 {
        chain_id,
        nonce,
        max_priority_fee_per_gas: U256::from(1_000_000_000u64),
        max_fee_per_gas: U256::from(20_000_000_000u64),
        gas_limit: gas,
        to: to.map_or(TxKind::Create, TxKind::Call),
        value,
        input,
        access_list: Default::default(),
    };
    sign_transaction(Transaction::Eip1559(tx), key).unwrap()
}
