//! The parser never panics: random JSON-ish text, random JSON values in every field, and
//! byte-level mutations of valid genesis files all give `Ok` or a typed `Err`.
//! Whatever parses also survives a round trip.

#![allow(clippy::unwrap_used)]

use basalt_chainspec::ChainSpec;
use proptest::prelude::*;
use serde_json::{json, Value};

/// Text built from the pieces a genesis file is made of.
fn jsonish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just(":".to_owned()),
        Just(",".to_owned()),
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("\"config\"".to_owned()),
        Just("\"chainId\"".to_owned()),
        Just("\"consensus\"".to_owned()),
        Just("\"engine\"".to_owned()),
        Just("\"pos\"".to_owned()),
        Just("\"validators\"".to_owned()),
        Just("\"alloc\"".to_owned()),
        Just("\"balance\"".to_owned()),
        Just("\"storage\"".to_owned()),
        Just("\"code\"".to_owned()),
        Just("\"0x\"".to_owned()),
        Just("-0".to_owned()),
        Just("1e400".to_owned()),
        "[0-9]{1,90}",
        "\"0x[0-9a-fA-Fg]{0,70}\"",
        "\"[ -~]{0,8}\"",
    ];
    prop::collection::vec(token, 0..40).prop_map(|tokens| tokens.concat())
}

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        "[0-9]{0,80}".prop_map(Value::String),
        "0x[0-9a-f]{0,80}".prop_map(Value::String),
        "\\PC{0,10}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z0-9x]{0,42}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Where in a genesis document a random value goes.
const POINTERS: &[&str] = &[
    "/config",
    "/config/chainId",
    "/config/consensus",
    "/config/consensus/engine",
    "/config/consensus/validators",
    "/config/consensus/slotTime",
    "/config/consensus/initialDifficulty",
    "/nonce",
    "/timestamp",
    "/extraData",
    "/gasLimit",
    "/difficulty",
    "/mixHash",
    "/coinbase",
    "/parentHash",
    "/number",
    "/baseFeePerGas",
    "/alloc",
    "/alloc/0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
    "/alloc/0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266/balance",
    "/alloc/0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266/nonce",
    "/alloc/0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266/code",
    "/alloc/0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266/storage",
];

fn base_doc(engine: usize) -> Value {
    let consensus = match engine {
        0 => json!({ "engine": "instant" }),
        1 => json!({ "engine": "pow", "initialDifficulty": "0x100", "targetBlockTime": 5 }),
        _ => json!({ "engine": "pos", "slotTime": 2, "validators": [
            { "address": "0x000000000000000000000000000000000000000a", "stake": "0x1" }
        ]}),
    };
    json!({
        "config": { "chainId": 31337, "consensus": consensus },
        "gasLimit": "0x1c9c380",
        "alloc": { "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266": {
            "balance": "0x21e19e0c9bab2400000",
            "storage": { "0x01": "0x02" }
        } }
    })
}

/// Parses; when it succeeds, the spec must also survive a round trip.
fn check(text: &str) {
    if let Ok(spec) = ChainSpec::from_json(text) {
        assert_eq!(ChainSpec::from_json(&spec.to_json()).unwrap(), spec, "{text}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_jsonish_text_never_panics(text in jsonish()) {
        check(&text);
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        check(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn random_values_in_every_field_never_panic(
        engine in 0usize..3,
        edits in prop::collection::vec((0..POINTERS.len(), any_json()), 1..4),
    ) {
        let mut doc = base_doc(engine);
        for (pointer, value) in edits {
            let (parent, key) = POINTERS[pointer].rsplit_once('/').unwrap();
            if let Some(Value::Object(map)) = doc.pointer_mut(parent) {
                map.insert(key.to_owned(), value);
            }
        }
        check(&doc.to_string());
    }

    #[test]
    fn mutated_dev_genesis_never_panics(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
    ) {
        let mut bytes = ChainSpec::dev().to_json().into_bytes();
        for (index, byte, op) in edits {
            if bytes.is_empty() { break; }
            let at = index.index(bytes.len());
            match op {
                0 => bytes[at] = byte,
                1 => { bytes.remove(at); }
                _ => bytes.insert(at, byte),
            }
        }
        check(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("{{\"config\": {}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(ChainSpec::from_json(&deep).is_err());
    let deep_alloc =
        format!("{{\"config\": {{\"chainId\": 1}}, \"alloc\": {}}}", "{\"a\":".repeat(10_000));
    assert!(ChainSpec::from_json(&deep_alloc).is_err());
}
