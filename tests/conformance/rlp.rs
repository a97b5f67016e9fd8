//! RLP conformance: ethereum/tests `RLPTests/rlptest.json` and `RLPTests/invalidRLPTest.json`.
//!
//! Valid cases: every `in` encodes to `out` through the `rlp` crate the way
//! Basalt uses it (integers as minimal big-endian, strings as bytes, lists
//! nested), `out` passes [`rlp_strict`], and decoding `out` with Basalt's
//! strict reader gives back the structure of `in`.
//! Invalid cases: [`rlp_strict`] rejects every `out`.
#![allow(clippy::unwrap_used)]

use basalt_primitives::rlp::RlpStream;
use basalt_primitives::{rlp_strict, RlpItem, U256};
use basalt_tests::{hex_bytes, load_vector, report};
use serde_json::Value;

/// An RLP value: a byte string or a list.
#[derive(Debug, PartialEq, Eq)]
enum Tree {
    Bytes(Vec<u8>),
    List(Vec<Tree>),
}

/// Minimal big-endian bytes of a non-negative decimal number of any size.
fn decimal_to_be_bytes(decimal: &str) -> Vec<u8> {
    let mut be: Vec<u8> = Vec::new();
    for c in decimal.chars() {
        let mut carry = c.to_digit(10).unwrap_or_else(|| panic!("bad decimal {decimal:?}"));
        for byte in be.iter_mut().rev() {
            let v = u32::from(*byte) * 10 + carry;
            *byte = (v & 0xff) as u8;
            carry = v >> 8;
        }
        while carry > 0 {
            be.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let skip = be.iter().take_while(|b| **b == 0).count();
    be.split_off(skip)
}

/// The structure an `in` value denotes.
fn expected_tree(v: &Value) -> Tree {
    match v {
        Value::String(s) => match s.strip_prefix('#') {
            Some(decimal) => Tree::Bytes(decimal_to_be_bytes(decimal)),
            None => Tree::Bytes(s.as_bytes().to_vec()),
        },
        Value::Number(n) => {
            let n = n.as_u64().unwrap_or_else(|| panic!("non-u64 number {n}"));
            let be = n.to_be_bytes();
            let skip = be.iter().take_while(|b| **b == 0).count();
            Tree::Bytes(be[skip..].to_vec())
        }
        Value::Array(items) => Tree::List(items.iter().map(expected_tree).collect()),
        other => panic!("unexpected RLP test input {other}"),
    }
}

/// Encodes an `in` value with the rlp crate, using the Rust type Basalt would use.
fn encode(v: &Value, s: &mut RlpStream) {
    match v {
        Value::String(text) => match text.strip_prefix('#') {
            Some(decimal) => match U256::from_dec_str(decimal) {
                Ok(n) => {
                    s.append(&n);
                }
                // 2^256 does not fit any Basalt integer: encode its bytes as a string.
                Err(_) => {
                    s.append(&decimal_to_be_bytes(decimal));
                }
            },
            None => {
                s.append(&text.as_str());
            }
        },
        Value::Number(n) => {
            s.append(&n.as_u64().unwrap());
        }
        Value::Array(items) => {
            s.begin_list(items.len());
            for item in items {
                encode(item, s);
            }
        }
        other => panic!("unexpected RLP test input {other}"),
    }
}

/// Decodes with Basalt's strict reader.
fn decode_tree(item: RlpItem<'_>) -> Tree {
    if item.is_list() {
        Tree::List(item.list("list").unwrap().map(|child| decode_tree(child.unwrap())).collect())
    } else {
        Tree::Bytes(item.bytes("string").unwrap().to_vec())
    }
}

#[test]
fn valid_rlp_encodes_and_decodes() {
    let file = "RLPTests/rlptest.json";
    let cases = load_vector(file);
    let cases = cases.as_object().unwrap();
    let mut wide = 0;
    for (name, case) in cases {
        let input = &case["in"];
        let out = hex_bytes(case["out"].as_str().unwrap());

        let mut s = RlpStream::new();
        encode(input, &mut s);
        assert_eq!(hex::encode(s.out()), hex::encode(&out), "{name}: encoding");

        assert_eq!(rlp_strict(&out), Ok(()), "{name}: strict validation");
        let decoded = decode_tree(RlpItem::parse_exact(&out).unwrap());
        assert_eq!(decoded, expected_tree(input), "{name}: decoding");

        if let Some(decimal) = input.as_str().and_then(|s| s.strip_prefix('#')) {
            if U256::from_dec_str(decimal).is_err() {
                wide += 1;
            }
        }
    }
    println!("{file}: {wide} integer(s) wider than 256 bits encoded as byte strings");
    report(file, cases.len());
}

#[test]
fn invalid_rlp_is_rejected() {
    let file = "RLPTests/invalidRLPTest.json";
    let cases = load_vector(file);
    let cases = cases.as_object().unwrap();
    for (name, case) in cases {
        assert_eq!(case["in"], "INVALID", "{name}");
        let out = hex_bytes(case["out"].as_str().unwrap());
        let err = rlp_strict(&out);
        assert!(err.is_err(), "{name}: {} accepted", hex::encode(&out));
        println!("  {name}: {}", err.unwrap_err());
    }
    report(file, cases.len());
}

#[test]
fn decimal_conversion_is_right() {
    assert_eq!(decimal_to_be_bytes("0"), Vec::<u8>::new());
    assert_eq!(decimal_to_be_bytes("256"), vec![1, 0]);
    assert_eq!(
        decimal_to_be_bytes("83729609699884896815286331701780722"),
        hex_bytes("102030405060708090a0b0c0d0e0f2")
    );
}
