//! Starts `basalt dev`, talks JSON-RPC to it over HTTP and WebSocket, signs
//! transactions with the dev keys.

use basalt_primitives::{
    sign_transaction, signing_key_from_bytes, Address, SigningKey, Transaction, TxEip1559, TxKind,
    U256,
};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const DEV_KEY_0: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
pub const DEV_ADDR_0: &str = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
pub const DEV_ADDR_1: &str = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
pub const CHAIN_ID: u64 = 31337;

/// A running `basalt dev`; dropping it stops the process.
pub struct DevNode {
    child: Child,
    pub addr: SocketAddr,
    pub started_in: Duration,
    /// `basalt node`: the multiaddr peers dial ("P2P listening on ...").
    pub p2p: Option<String>,
}

impl DevNode {
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    pub fn start_with(extra: &[&str]) -> Self {
        let mut args = vec!["dev", "--port", "0"];
        args.extend_from_slice(extra);
        Self::spawn(&args)
    }

    /// Runs `basalt <args>` (which must print "Listening on ADDR"). A
    /// `basalt node` without `--p2p-port` gets a free one.
    pub fn spawn(args: &[&str]) -> Self {
        Self::spawn_logged(args, "warn")
    }

    /// [`Self::spawn`] with `RUST_LOG` set to `log`.
    pub fn spawn_logged(args: &[&str], log: &str) -> Self {
        let started = Instant::now();
        let mut args: Vec<&str> = args.to_vec();
        if args.first() == Some(&"node") && !args.contains(&"--p2p-port") {
            args.extend(["--p2p-port", "0"]);
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_basalt"))
            .args(&args)
            .env("RUST_LOG", log)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("basalt starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let (p2p_tx, p2p_rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(addr) = line.strip_prefix("Listening on ") {
                    let _ = tx.send(addr.trim().to_owned());
                } else if let Some(addr) = line.strip_prefix("P2P listening on ") {
                    let _ = p2p_tx.send(addr.trim().to_owned());
                }
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(a) => a.parse().unwrap(),
            Err(_) => {
                let _ = child.kill();
                panic!("basalt did not print its address");
            }
        };
        // The P2P line comes before the RPC one.
        let p2p = p2p_rx.try_recv().ok();
        Self { child, addr, started_in: started.elapsed(), p2p }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// POSTs a JSON body and returns the parsed JSON answer.
    pub fn post(&self, body: &Value) -> Value {
        let body = body.to_string();
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        write!(
            stream,
            "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
            self.addr,
            body.len(),
            body
        )
        .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let text = String::from_utf8(raw).unwrap();
        let (head, payload) = text.split_once("\r\n\r\n").unwrap();
        let payload = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
            dechunk(payload)
        } else {
            payload.to_owned()
        };
        serde_json::from_str(&payload).unwrap_or_else(|e| panic!("{e}: {head}\n{payload}"))
    }

    /// Sends raw HTTP; the raw answer.
    pub fn raw_http(&self, request: &str) -> String {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        // The server may answer (and close) before it has read everything.
        let _ = stream.write_all(request.as_bytes());
        let mut raw = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = stream.read(&mut buf) {
            raw.extend_from_slice(&buf[..n]);
        }
        String::from_utf8_lossy(&raw).into_owned()
    }

    /// One request; the whole response object.
    pub fn request(&self, method: &str, params: Value) -> Value {
        self.post(&json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}))
    }

    /// One request that must succeed; its result.
    pub fn call(&self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// One request that must fail; its error object.
    pub fn error(&self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(response.get("result").is_none(), "{method} should fail: {response}");
        response["error"].clone()
    }

    pub fn block_number(&self) -> u64 {
        quantity(&self.call("eth_blockNumber", json!([])))
    }

    pub fn balance(&self, address: &str) -> U256 {
        U256::from_str_radix(
            self.call("eth_getBalance", json!([address, "latest"]))
                .as_str()
                .unwrap()
                .trim_start_matches("0x"),
            16,
        )
        .unwrap()
    }

    pub fn nonce(&self, address: &str) -> u64 {
        quantity(&self.call("eth_getTransactionCount", json!([address, "latest"])))
    }

    /// Sends a raw transaction that must be accepted; its hash.
    pub fn send_raw(&self, raw: &[u8]) -> String {
        self.call("eth_sendRawTransaction", json!([hex0x(raw)])).as_str().unwrap().to_owned()
    }

    pub fn receipt(&self, hash: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let r = self.call("eth_getTransactionReceipt", json!([hash]));
            if !r.is_null() {
                return r;
            }
            assert!(Instant::now() < deadline, "no receipt for {hash}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Opens a WebSocket to the node.
    pub fn ws(&self) -> Ws {
        let stream = TcpStream::connect(self.addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let (socket, _) = tungstenite::client(format!("ws://{}", self.addr), stream).unwrap();
        Ws { socket, next_id: 1 }
    }
}

impl DevNode {
    /// Sends SIGTERM and waits for a clean exit; whether it exited with 0.
    pub fn stop(mut self) -> bool {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl DevNode {
    /// SIGKILL (no shutdown at all), and waits for the process to be gone.
    pub fn kill9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for DevNode {
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        // SIGTERM first (a clean shutdown), then kill if it does not exit.
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A WebSocket JSON-RPC connection.
pub struct Ws {
    socket: tungstenite::WebSocket<TcpStream>,
    next_id: u64,
}

impl Ws {
    fn next_json(&mut self) -> Value {
        loop {
            match self.socket.read().unwrap() {
                tungstenite::Message::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
                tungstenite::Message::Close(_) => panic!("socket closed"),
                _ => continue,
            }
        }
    }

    /// A request; its response (notifications met on the way are kept).
    pub fn request(&mut self, method: &str, params: Value, notes: &mut Vec<Value>) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.socket.send(tungstenite::Message::Text(body.to_string().into())).unwrap();
        loop {
            let v = self.next_json();
            if v["id"] == json!(id) {
                return v;
            }
            notes.push(v);
        }
    }

    /// The next subscription notification.
    pub fn notification(&mut self) -> Value {
        loop {
            let v = self.next_json();
            if v["method"] == "eth_subscription" {
                return v;
            }
        }
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        body = &rest[n + 2..];
    }
    out
}

pub fn quantity(v: &Value) -> u64 {
    u64::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

pub fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

pub fn key0() -> SigningKey {
    signing_key_from_bytes(&hex::decode(DEV_KEY_0).unwrap()).unwrap()
}

pub fn addr(text: &str) -> Address {
    text.parse().unwrap()
}

pub fn gwei(n: u64) -> U256 {
    U256::from(n) * U256::exp10(9)
}

/// A signed EIP-1559 transaction from dev account 0.
pub fn eip1559(nonce: u64, to: Option<Address>, value: U256, input: Vec<u8>, gas: u64) -> Vec<u8> {
    eip1559_for(CHAIN_ID, &key0(), nonce, to, value, input, gas)
}

pub fn eip1559_for(
    chain_id: u64,
    key: &SigningKey,
    nonce: u64,
    to: Option<Address>,
    value: U256,
    input: Vec<u8>,
    gas: u64,
) -> Vec<u8> {
    let tx = TxEip1559 {
        chain_id,
        nonce,
        max_priority_fee_per_gas: gwei(1),
        max_fee_per_gas: gwei(10),
        gas_limit: gas,
        to: to.map_or(TxKind::Create, TxKind::Call),
        value,
        input,
        access_list: Default::default(),
    };
    sign_transaction(Transaction::Eip1559(tx), key).unwrap().encode_network()
}

/// A contract that, called with calldata `d`, emits one log (topic
/// [`LOG_TOPIC`], data `d`) and returns the topic; with `d[0] == 1` it
/// reverts with `Error("nope")` instead.
pub fn log_contract() -> Vec<u8> {
    let mut revert = vec![0x08, 0xc3, 0x79, 0xa0];
    revert.extend_from_slice(&[0u8; 31]);
    revert.push(0x20);
    revert.extend_from_slice(&[0u8; 31]);
    revert.push(4);
    let mut reason = b"nope".to_vec();
    reason.resize(32, 0);
    revert.extend_from_slice(&reason);
    let escape = |bytes: &[u8]| bytes.iter().map(|b| format!("\\{b:02x}")).collect::<String>();
    let wat = format!(
        r#"(module
  (import "env" "read_args" (func $read_args (param i32)))
  (import "env" "write_result" (func $write_result (param i32 i32)))
  (import "env" "emit_log" (func $emit_log (param i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{topic}")
  (data (i32.const 4096) "{revert}")
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 32))
    (if (i32.and (i32.gt_u (local.get $len) (i32.const 0)) (i32.eq (i32.load8_u (i32.const 32)) (i32.const 1)))
      (then
        (call $write_result (i32.const 4096) (i32.const {revert_len}))
        (return (i32.const 1))))
    (call $emit_log (i32.const 0) (i32.add (i32.const 32) (local.get $len)) (i32.const 1))
    (call $write_result (i32.const 0) (i32.const 32))
    (i32.const 0)))"#,
        topic = escape(LOG_TOPIC.as_bytes()),
        revert = escape(&revert),
        revert_len = revert.len(),
    );
    wat::parse_str(wat).unwrap()
}

pub const LOG_TOPIC: basalt_primitives::H256 = basalt_primitives::H256([0x42; 32]);

/// Deploys [`log_contract`] from dev account 0 at `nonce`; its address.
pub fn deploy_log_contract(node: &DevNode, nonce: u64) -> String {
    let hash = node.send_raw(&eip1559(nonce, None, U256::zero(), log_contract(), 5_000_000));
    let receipt = node.receipt(&hash);
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    receipt["contractAddress"].as_str().unwrap().to_owned()
}
