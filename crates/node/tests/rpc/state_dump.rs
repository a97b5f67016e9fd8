//! `anvil_dumpState` / `anvil_loadState` with Basalt's versioned dump
//! (`basalt_rpc::state_dump`): the node's dump of its accounts (an ERC-20 with its storage, EOAs with
//! nonces, a patched account), read back over JSON-RPC, loaded into a fresh
//! node gives the same balances, nonces, code and storage, and the token
//! keeps working there; bad input is refused with invalid-params and
//! changes nothing.

use crate::harness::*;
use basalt_primitives::{keccak256, Address, H256, U256};
use basalt_rpc::state_dump::{DumpedAccount, DumpedBlock, StateDump, STATE_DUMP_VERSION};
use serde_json::{json, Value};

const NAME: &str = "Basalt State Dump Round Trip Token";
const SYMBOL: &str = "BSDT";
const OTHER: &str = "0x00000000000000000000000000000000000d0d0d";

fn word(n: U256) -> [u8; 32] {
    n.to_big_endian()
}

fn address_word(a: Address) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[12..].copy_from_slice(a.as_bytes());
    w
}

fn abi_string(s: &str) -> Vec<u8> {
    let mut out = word(U256::from(s.len())).to_vec();
    let mut data = s.as_bytes().to_vec();
    data.resize(s.len().div_ceil(32) * 32, 0);
    out.extend_from_slice(&data);
    out
}

/// `constructor(string name, string symbol, uint8 decimals, uint256 supply)`, ABI-encoded.
fn constructor_args(name: &str, symbol: &str, decimals: u8, supply: U256) -> Vec<u8> {
    let name = abi_string(name);
    let symbol = abi_string(symbol);
    let mut out = Vec::new();
    out.extend_from_slice(&word(U256::from(0x80)));
    out.extend_from_slice(&word(U256::from(0x80 + name.len())));
    out.extend_from_slice(&word(U256::from(decimals)));
    out.extend_from_slice(&word(supply));
    out.extend_from_slice(&name);
    out.extend_from_slice(&symbol);
    out
}

fn calldata(selector: [u8; 4], words: &[[u8; 32]]) -> String {
    let mut data = selector.to_vec();
    for w in words {
        data.extend_from_slice(w);
    }
    hex0x(&data)
}

fn balance_of(who: Address) -> String {
    calldata([0x70, 0xa0, 0x82, 0x31], &[address_word(who)])
}

fn eth_call(node: &DevNode, to: &str, data: &str) -> Value {
    node.call("eth_call", json!([{"to": to, "data": data}, "latest"]))
}

/// Deploys the Token artifact from dev account 0 (nonce 0); its address.
fn deploy_token(node: &DevNode, supply: U256) -> String {
    let artifact: Value =
        serde_json::from_str(&std::fs::read_to_string(crate::clients::token_artifact()).unwrap())
            .unwrap();
    let mut code =
        hex::decode(artifact["bytecode"].as_str().unwrap().trim_start_matches("0x")).unwrap();
    code.extend_from_slice(&constructor_args(NAME, SYMBOL, 18, supply));
    let hash = node.send_raw(&eip1559(0, None, U256::zero(), code, 10_000_000));
    let receipt = node.receipt(&hash);
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    receipt["contractAddress"].as_str().unwrap().to_owned()
}

/// The token's slots: name and symbol (long name: two data words at
/// keccak256(0)), decimals, totalSupply, and `balances[holder]`
/// (`keccak256(pad32(holder) ‖ 4)`).
fn token_slots(holders: &[Address]) -> Vec<H256> {
    let name_data = keccak256(word(U256::zero()));
    let mut slots: Vec<H256> = (0..4u64).map(H256::from_low_u64_be).collect();
    slots.push(name_data);
    slots.push(H256(word(U256::from_big_endian(name_data.as_bytes()) + U256::one())));
    for holder in holders {
        let mut preimage = address_word(*holder).to_vec();
        preimage.extend_from_slice(&word(U256::from(4)));
        slots.push(keccak256(preimage));
    }
    slots
}

fn h256(v: &Value) -> H256 {
    v.as_str().unwrap().parse().unwrap()
}

/// Reads `address` (with `slots`) over JSON-RPC as a dump entry.
fn read_account(node: &DevNode, address: Address, slots: &[H256]) -> DumpedAccount {
    let a = format!("{address:?}");
    let code = node.call("eth_getCode", json!([a, "latest"]));
    let storage = slots
        .iter()
        .map(|slot| (*slot, h256(&node.call("eth_getStorageAt", json!([a, slot, "latest"])))))
        .filter(|(_, w)| !w.is_zero())
        .collect();
    DumpedAccount {
        nonce: node.nonce(&a).into(),
        balance: node.balance(&a),
        code: serde_json::from_value(code).unwrap(),
        storage,
    }
}

fn read_dump(node: &DevNode, accounts: &[(Address, Vec<H256>)]) -> StateDump {
    let head = node.call("eth_getBlockByNumber", json!(["latest", false]));
    StateDump {
        version: STATE_DUMP_VERSION,
        block: DumpedBlock {
            number: quantity(&head["number"]).into(),
            timestamp: quantity(&head["timestamp"]).into(),
            hash: h256(&head["hash"]),
        },
        accounts: accounts
            .iter()
            .map(|(address, slots)| (*address, read_account(node, *address, slots)))
            .collect(),
    }
}

#[test]
fn load_state_copies_accounts_code_and_storage_into_a_fresh_node() {
    let source = DevNode::start();
    let supply = U256::from(1_000_000u64) * U256::exp10(18);
    let token = deploy_token(&source, supply);
    let (dev0, dev1, other) = (addr(DEV_ADDR_0), addr(DEV_ADDR_1), addr(OTHER));
    // Tokens to dev 1, ether to a fresh address, a patched nonce and slot.
    let moved = U256::from(12_345u64);
    let transfer = calldata([0xa9, 0x05, 0x9c, 0xbb], &[address_word(dev1), word(moved)]);
    let hash = source.send_raw(&eip1559(
        1,
        Some(addr(&token)),
        U256::zero(),
        hex::decode(&transfer[2..]).unwrap(),
        500_000,
    ));
    assert_eq!(source.receipt(&hash)["status"], "0x1");
    let hash = source.send_raw(&eip1559(2, Some(other), U256::from(777u64), vec![], 21_000));
    assert_eq!(source.receipt(&hash)["status"], "0x1");
    source.call("anvil_setNonce", json!([OTHER, "0x9"]));
    let extra_slot = H256::from_low_u64_be(0xbeef);
    source.call("anvil_setStorageAt", json!([OTHER, "0xbeef", H256::from_low_u64_be(5)]));

    let accounts = vec![
        (addr(&token), token_slots(&[dev0, dev1])),
        (dev0, vec![]),
        (dev1, vec![]),
        (other, vec![extra_slot]),
    ];
    let dump = read_dump(&source, &accounts);
    assert_eq!(dump.accounts[&addr(&token)].storage.len(), 8, "{dump:?}");
    assert_eq!(dump.accounts[&dev0].nonce, 3.into());
    // The node's own dump lists every account, the ones read above included.
    let text = source.call("anvil_dumpState", json!([])).as_str().unwrap().to_owned();
    let full = StateDump::decode(&text).unwrap();
    assert_eq!(full.block, dump.block);
    for (address, account) in &dump.accounts {
        assert_eq!(&full.accounts[address], account, "{address:?}");
    }
    assert!(full.accounts.len() >= 12, "ten dev accounts, the token, {OTHER}: {full:?}");

    let target = DevNode::start();
    let before = target.block_number();
    assert_eq!(target.call("anvil_loadState", json!([text])), json!(true));
    assert_eq!(target.block_number(), before + 1, "one block holds the whole load");
    assert_eq!(read_dump(&target, &accounts).accounts, dump.accounts);
    let reloaded = target.call("anvil_dumpState", json!([]));
    let reloaded = StateDump::decode(reloaded.as_str().unwrap()).unwrap();
    for (address, account) in &full.accounts {
        assert_eq!(&reloaded.accounts[address], account, "{address:?}");
    }
    for (address, slots) in &accounts {
        let a = format!("{address:?}");
        for slot in slots {
            assert_eq!(
                target.call("eth_getStorageAt", json!([a, slot, "latest"])),
                source.call("eth_getStorageAt", json!([a, slot, "latest"])),
                "{a} slot {slot:?}"
            );
        }
    }
    // The token answers on the new node as on the old one.
    for data in [
        balance_of(dev0),
        balance_of(dev1),
        calldata([0x18, 0x16, 0x0d, 0xdd], &[]),
        calldata([0x06, 0xfd, 0xde, 0x03], &[]),
        calldata([0x95, 0xd8, 0x9b, 0x41], &[]),
    ] {
        assert_eq!(eth_call(&target, &token, &data), eth_call(&source, &token, &data), "{data}");
    }
    assert_eq!(
        eth_call(&target, &token, &balance_of(dev1)),
        json!(format!("0x{}", hex::encode(word(moved))))
    );
    // And it keeps working: dev 0 goes on at its dumped nonce.
    let back = calldata([0xa9, 0x05, 0x9c, 0xbb], &[address_word(other), word(U256::from(5u64))]);
    let hash = target.send_raw(&eip1559(
        3,
        Some(addr(&token)),
        U256::zero(),
        hex::decode(&back[2..]).unwrap(),
        500_000,
    ));
    let receipt = target.receipt(&hash);
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    assert_eq!(receipt["logs"].as_array().unwrap().len(), 1, "{receipt}");
    assert_eq!(
        eth_call(&target, &token, &balance_of(other)),
        json!(format!("0x{}", hex::encode(word(U256::from(5u64)))))
    );
    assert!(source.stop() && target.stop(), "a node did not exit cleanly");
}

#[test]
fn load_state_refuses_bad_input_and_changes_nothing() {
    let node = DevNode::start();
    let hex_of = |json: &str| hex0x(json.as_bytes());
    let good_account = json!({"nonce": "0x5", "balance": "0x64"});
    let dump = |version: Value, accounts: Value| {
        hex_of(
            &json!({
                "version": version,
                "block": {"number": "0x1", "timestamp": "0x2", "hash": H256::zero()},
                "accounts": accounts,
            })
            .to_string(),
        )
    };
    let cases = [
        (json!("0xnot hex"), "not hex"),
        (json!("hello"), "not hex"),
        (json!(hex_of("{\"version\": 1, \"block\": ")), "not JSON"),
        (json!(dump(json!(2), json!({OTHER: good_account}))), "unsupported version 2"),
        (json!(hex_of(r#"{"accounts": {}}"#)), "no \"version\" field"),
        (
            json!(dump(json!(1), json!({OTHER: {"nonce": "0x5", "balance": "lots"}}))),
            "malformed version 1 document",
        ),
        (
            json!(dump(
                json!(1),
                json!({OTHER: good_account, DEV_ADDR_1: {"nonce": "0x1", "balance": "0x1", "code": "0xdeadbeef"}})
            )),
            "is not a valid contract",
        ),
        (json!({"version": 1}), "invalid type"),
    ];
    let head = node.block_number();
    let balance = node.balance(DEV_ADDR_1);
    for (param, message) in cases {
        let error = node.error("anvil_loadState", json!([param]));
        assert_eq!(error["code"], -32602, "{param}: {error}");
        // jsonrpsee words its own parameter errors in `data`.
        let text = format!(
            "{} {}",
            error["message"].as_str().unwrap_or_default(),
            error["data"].as_str().unwrap_or_default()
        );
        assert!(text.contains(message), "{param}: {error}");
    }
    assert_eq!(node.block_number(), head, "nothing was sealed");
    assert_eq!(node.balance(OTHER), U256::zero());
    assert_eq!(node.nonce(OTHER), 0);
    assert_eq!(node.balance(DEV_ADDR_1), balance);
    // The same document with the bad code left out loads.
    let fine = dump(json!(1), json!({OTHER: good_account}));
    assert_eq!(node.call("anvil_loadState", json!([fine])), json!(true));
    assert_eq!((node.nonce(OTHER), node.balance(OTHER)), (5, U256::from(100u64)));
    assert!(node.stop(), "basalt dev did not exit cleanly");
}
