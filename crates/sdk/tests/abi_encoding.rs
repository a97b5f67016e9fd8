//! The dispatcher decodes calldata and encodes return data exactly as
//! Solidity does. Expected bytes were produced by Python's `eth-abi` 6.0
//! (`encode(types, values)`) and selectors by keccak256 of the signatures;
//! they are checked in here, not recomputed.

#![allow(missing_docs, clippy::unwrap_used)]

use basalt_sdk::prelude::*;
use basalt_sdk::testing::TestVm;
use basalt_sdk::Contract;

#[basalt_sdk::contract]
pub struct Kitchen;

#[basalt_sdk::methods]
impl Kitchen {
    pub fn echo_bool(b: bool) -> bool {
        b
    }

    pub fn echo_types(
        a: Address,
        x: u8,
        y: i8,
        z: I256,
        f: FixedBytes<4>,
    ) -> (Address, u8, i8, I256, FixedBytes<4>) {
        (a, x, y, z, f)
    }

    pub fn concat(s: String, b: Bytes) -> (String, Bytes) {
        let mut b = b.to_vec();
        b.push(1);
        (s + "!", b.into())
    }

    pub fn sum(xs: Vec<U256>) -> U256 {
        xs.iter().fold(U256::ZERO, |acc, x| acc.wrapping_add(*x))
    }

    pub fn pairs(ps: Vec<(Address, U256)>) -> (u64, U256) {
        (ps.len() as u64, ps.iter().map(|p| p.1).fold(U256::ZERO, |a, b| a + b))
    }

    pub fn fixed(xs: [u16; 3]) -> [u16; 3] {
        [xs[2], xs[1], xs[0]]
    }

    /// One output of tuple type is a 1-tuple of the tuple in Rust.
    pub fn nested(x: (bool, (String, u32))) -> ((bool, (String, u32)),) {
        let (flag, (s, n)) = x;
        ((!flag, (s.repeat(2), n + 1)),)
    }

    pub fn words(n: u64) -> Vec<String> {
        (0..n).map(|i| format!("w{i}")).collect()
    }
}

fn call(selector: &str, args: &str) -> Vec<u8> {
    let mut calldata = hex::decode(selector).unwrap();
    calldata.extend(hex::decode(args).unwrap());
    Kitchen::dispatch(&calldata).expect("call succeeds")
}

#[test]
fn selectors_are_keccak_of_signatures() {
    assert_eq!(hex::encode(Kitchen::ECHO_BOOL_SELECTOR), "efe4d607");
    assert_eq!(hex::encode(Kitchen::ECHO_TYPES_SELECTOR), "061340cf");
    assert_eq!(hex::encode(Kitchen::CONCAT_SELECTOR), "63901a9a");
    assert_eq!(hex::encode(Kitchen::SUM_SELECTOR), "0194db8e");
    assert_eq!(hex::encode(Kitchen::PAIRS_SELECTOR), "97d80ebb");
    assert_eq!(hex::encode(Kitchen::FIXED_SELECTOR), "0a9198ca");
    assert_eq!(hex::encode(Kitchen::NESTED_SELECTOR), "96b72b6b");
    assert_eq!(hex::encode(Kitchen::WORDS_SELECTOR), "fdfee646");
}

#[test]
fn value_types() {
    let _vm = TestVm::new();
    assert_eq!(
        hex::encode(call(
            "efe4d607",
            "0000000000000000000000000000000000000000000000000000000000000001"
        )),
        "0000000000000000000000000000000000000000000000000000000000000001"
    );
    // address, uint8 255, int8 -2, int256 -(2^200), bytes4 0xaabbccdd.
    let args = concat!(
        "00000000000000000000000000000000000000000000000000000000deadbeef",
        "00000000000000000000000000000000000000000000000000000000000000ff",
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe",
        "ffffffffffffff00000000000000000000000000000000000000000000000000",
        "aabbccdd00000000000000000000000000000000000000000000000000000000",
    );
    assert_eq!(hex::encode(call("061340cf", args)), args);
}

#[test]
fn dynamic_types() {
    let _vm = TestVm::new();
    // concat("héllo", bytes(range(40))) -> ("héllo!", bytes(range(40)) + 0x01)
    let args = concat!(
        "0000000000000000000000000000000000000000000000000000000000000040",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "0000000000000000000000000000000000000000000000000000000000000006",
        "68c3a96c6c6f0000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000028",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        "2021222324252627000000000000000000000000000000000000000000000000",
    );
    let expected = concat!(
        "0000000000000000000000000000000000000000000000000000000000000040",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "0000000000000000000000000000000000000000000000000000000000000007",
        "68c3a96c6c6f2100000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000029",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        "2021222324252627010000000000000000000000000000000000000000000000",
    );
    assert_eq!(hex::encode(call("63901a9a", args)), expected);

    // sum([1, 2, 2^255]) = 2^255 + 3
    let args = concat!(
        "0000000000000000000000000000000000000000000000000000000000000020",
        "0000000000000000000000000000000000000000000000000000000000000003",
        "0000000000000000000000000000000000000000000000000000000000000001",
        "0000000000000000000000000000000000000000000000000000000000000002",
        "8000000000000000000000000000000000000000000000000000000000000000",
    );
    assert_eq!(
        hex::encode(call("0194db8e", args)),
        "8000000000000000000000000000000000000000000000000000000000000003"
    );

    // words(2) = ["w0", "w1"]
    let expected = concat!(
        "0000000000000000000000000000000000000000000000000000000000000020",
        "0000000000000000000000000000000000000000000000000000000000000002",
        "0000000000000000000000000000000000000000000000000000000000000040",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "0000000000000000000000000000000000000000000000000000000000000002",
        "7730000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000002",
        "7731000000000000000000000000000000000000000000000000000000000000",
    );
    assert_eq!(
        hex::encode(call(
            "fdfee646",
            "0000000000000000000000000000000000000000000000000000000000000002"
        )),
        expected
    );
}

#[test]
fn arrays_and_tuples() {
    let _vm = TestVm::new();
    // pairs([(0x..01, 5), (0x..02, 7)]) -> (2, 12)
    let args = concat!(
        "0000000000000000000000000000000000000000000000000000000000000020",
        "0000000000000000000000000000000000000000000000000000000000000002",
        "0000000000000000000000000000000000000000000000000000000000000001",
        "0000000000000000000000000000000000000000000000000000000000000005",
        "0000000000000000000000000000000000000000000000000000000000000002",
        "0000000000000000000000000000000000000000000000000000000000000007",
    );
    assert_eq!(
        hex::encode(call("97d80ebb", args)),
        concat!(
            "0000000000000000000000000000000000000000000000000000000000000002",
            "000000000000000000000000000000000000000000000000000000000000000c",
        )
    );
    // fixed([1, 2, 65535]) -> [65535, 2, 1]
    let args = concat!(
        "0000000000000000000000000000000000000000000000000000000000000001",
        "0000000000000000000000000000000000000000000000000000000000000002",
        "000000000000000000000000000000000000000000000000000000000000ffff",
    );
    assert_eq!(
        hex::encode(call("0a9198ca", args)),
        concat!(
            "000000000000000000000000000000000000000000000000000000000000ffff",
            "0000000000000000000000000000000000000000000000000000000000000002",
            "0000000000000000000000000000000000000000000000000000000000000001",
        )
    );
    // nested((true, ("x", 7))) -> ((false, ("xx", 8)))
    let args = concat!(
        "0000000000000000000000000000000000000000000000000000000000000020",
        "0000000000000000000000000000000000000000000000000000000000000001",
        "0000000000000000000000000000000000000000000000000000000000000040",
        "0000000000000000000000000000000000000000000000000000000000000040",
        "0000000000000000000000000000000000000000000000000000000000000007",
        "0000000000000000000000000000000000000000000000000000000000000001",
        "7800000000000000000000000000000000000000000000000000000000000000",
    );
    assert_eq!(
        hex::encode(call("96b72b6b", args)),
        concat!(
            "0000000000000000000000000000000000000000000000000000000000000020",
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0000000000000000000000000000000000000000000000000000000000000040",
            "0000000000000000000000000000000000000000000000000000000000000040",
            "0000000000000000000000000000000000000000000000000000000000000008",
            "0000000000000000000000000000000000000000000000000000000000000002",
            "7878000000000000000000000000000000000000000000000000000000000000",
        )
    );
}

#[test]
fn malformed_calldata_reverts_with_empty_data() {
    let _vm = TestVm::new();
    let revert = |calldata: &str| Kitchen::dispatch(&hex::decode(calldata).unwrap()).unwrap_err();
    // bool must be 0 or 1.
    assert!(revert("efe4d6070000000000000000000000000000000000000000000000000000000000000002")
        .is_empty());
    // An address with dirty high bits.
    let mut dirty = String::from("061340cf");
    dirty.push_str("ff000000000000000000000000000000000000000000000000000000deadbeef");
    dirty.push_str(&"00".repeat(32 * 4));
    assert!(revert(&dirty).is_empty());
    // uint8 out of range.
    let mut wide = String::from("061340cf");
    wide.push_str(&"00".repeat(32));
    wide.push_str("0000000000000000000000000000000000000000000000000000000000000100");
    wide.push_str(&"00".repeat(32 * 3));
    assert!(revert(&wide).is_empty());
    // Truncated arguments.
    assert!(revert("efe4d607000000").is_empty());
    // An offset pointing past the end.
    assert!(revert("0194db8e00000000000000000000000000000000000000000000000000000000000000ff")
        .is_empty());
    // Unknown selector, and calldata shorter than a selector (no fallback/receive).
    assert!(revert("12345678").is_empty());
    assert!(revert("12").is_empty());
    assert!(revert("").is_empty());
    // Trailing bytes after valid arguments are accepted, as by Solidity.
    let ok = Kitchen::dispatch(
        &hex::decode(
            "efe4d6070000000000000000000000000000000000000000000000000000000000000001ffff",
        )
        .unwrap(),
    );
    assert!(ok.is_ok());
}

#[test]
fn pure_and_view_mutabilities_in_the_abi() {
    let abi: serde_json::Value = serde_json::from_str(Kitchen::ABI_JSON).unwrap();
    assert_eq!(abi["contractName"], "Kitchen");
    let entries = abi["abi"].as_array().unwrap();
    assert_eq!(entries.len(), 8);
    assert!(entries.iter().all(|e| e["stateMutability"] == "pure"));
    let pairs = entries.iter().find(|e| e["name"] == "pairs").unwrap();
    assert_eq!(pairs["inputs"][0]["type"], "tuple[]");
    assert_eq!(pairs["inputs"][0]["components"][0]["type"], "address");
    let nested = entries.iter().find(|e| e["name"] == "nested").unwrap();
    assert_eq!(nested["outputs"].as_array().unwrap().len(), 1);
    assert_eq!(nested["outputs"][0]["type"], "tuple");
    assert_eq!(nested["outputs"][0]["components"][1]["components"][0]["type"], "string");
    let fixed = entries.iter().find(|e| e["name"] == "fixed").unwrap();
    assert_eq!(fixed["inputs"][0]["type"], "uint16[3]");
}
