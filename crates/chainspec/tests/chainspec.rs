//! The genesis format end to end: the dev genesis, geth-shaped files, round trips, and
//! every error path with the field it names.

#![allow(clippy::unwrap_used)]

use basalt_chainspec::{
    ChainSpec, ConsensusConfig, Error, Genesis, GenesisAccount, PosConfig, PowConfig, Validator,
    DEFAULT_BASE_FEE, DEFAULT_BLOCK_REWARD, DEFAULT_EPOCH_LENGTH, DEFAULT_GAS_LIMIT,
    DEFAULT_REPORTER_REWARD_BPS, DEFAULT_SLASH_BPS, DEFAULT_UNBONDING_EPOCHS,
};
use basalt_primitives::{Address, H256, H64, U256};
use serde_json::{json, Value};

/// The ten standard dev accounts ("test test … junk", m/44'/60'/0'/0/i).
const DEV_ADDRESSES: [&str; 10] = [
    "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
    "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
    "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
    "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955",
    "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f",
    "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720",
];

fn minimal() -> Value {
    json!({ "config": { "chainId": 7 } })
}

fn parse(value: &Value) -> Result<ChainSpec, Error> {
    ChainSpec::from_json(&value.to_string())
}

/// `minimal()` with `pointer` (a JSON pointer into the document) set to `value`.
fn with(pointer: &str, value: Value) -> Value {
    let mut doc = minimal();
    set(&mut doc, pointer, value);
    doc
}

fn set(doc: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let mut node = doc;
    for part in parent.split('/').skip(1) {
        node = node.as_object_mut().unwrap().entry(part).or_insert_with(|| json!({}));
    }
    node.as_object_mut().unwrap().insert(key.to_owned(), value);
}

#[test]
fn dev_genesis_is_the_anvil_chain() {
    let spec = ChainSpec::dev();
    assert_eq!(spec.chain_id, 31337);
    assert_eq!(spec.consensus, ConsensusConfig::Instant);
    assert_eq!(spec.genesis.gas_limit, 30_000_000);
    assert_eq!(spec.genesis.base_fee_per_gas, U256::from(1_000_000_000u64));
    assert_eq!(spec.genesis.alloc.len(), 10);
    let ten_thousand_eth = U256::from(10_000u64) * U256::exp10(18);
    for address in DEV_ADDRESSES {
        let account = &spec.genesis.alloc[&address.parse::<Address>().unwrap()];
        assert_eq!(account, &GenesisAccount::with_balance(ten_thousand_eth), "{address}");
    }
    // The compiled-in copy is the file in the repository.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../genesis/dev.json");
    assert_eq!(ChainSpec::from_file(path).unwrap(), spec);
}

#[test]
fn minimal_file_takes_the_defaults() {
    let spec = parse(&minimal()).unwrap();
    assert_eq!(spec.chain_id, 7);
    assert_eq!(spec.consensus, ConsensusConfig::Instant);
    assert_eq!(spec.genesis, Genesis::default());
    assert_eq!(spec.genesis.gas_limit, DEFAULT_GAS_LIMIT);
    assert_eq!(spec.genesis.base_fee_per_gas, U256::from(DEFAULT_BASE_FEE));
}

#[test]
fn geth_genesis_with_every_field_parses() {
    // Chain id as hex, fork fields, every header field in a different number form, an
    // alloc key without 0x in upper case, a balance as a bare JSON number above 2^64.
    let doc = r#"{
        "config": {
            "chainId": "0x539",
            "homesteadBlock": 0, "eip155Block": 0, "londonBlock": 0, "shanghaiTime": 0,
            "terminalTotalDifficulty": 0, "ethash": {}, "blobSchedule": { "cancun": {} },
            "consensus": { "engine": "instant" }
        },
        "nonce": "0x42",
        "timestamp": "1700000000",
        "extraData": "0x626173616c74",
        "gasLimit": 8000000,
        "difficulty": "0x20000",
        "mixHash": "0x1111111111111111111111111111111111111111111111111111111111111111",
        "coinbase": "0x00000000000000000000000000000000000000aa",
        "parentHash": "0x2222222222222222222222222222222222222222222222222222222222222222",
        "number": "0x0",
        "gasUsed": "0x0",
        "baseFeePerGas": null,
        "alloc": {
            "F39FD6E51AAD88F6F4CE6AB8827279CFFFB92266": {
                "balance": 1000000000000000000000000,
                "privateKey": "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
            },
            "0x00000000000000000000000000000000000000c0": {
                "balance": "12345",
                "nonce": 3,
                "code": "0x0061736d01000000",
                "storage": {
                    "0x01": "0x2a",
                    "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff":
                        "0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
                }
            }
        }
    }"#;
    let spec = ChainSpec::from_json(doc).unwrap();
    assert_eq!(spec.chain_id, 1337);
    let g = &spec.genesis;
    assert_eq!(g.nonce, 0x42);
    assert_eq!(g.timestamp, 1_700_000_000);
    assert_eq!(g.extra_data, b"basalt");
    assert_eq!(g.gas_limit, 8_000_000);
    assert_eq!(g.difficulty, U256::from(0x20000u64));
    assert_eq!(g.mix_hash, H256::repeat_byte(0x11));
    assert_eq!(g.coinbase, Address::from_low_u64_be(0xaa));
    assert_eq!(g.parent_hash, H256::repeat_byte(0x22));
    assert_eq!(g.base_fee_per_gas, U256::from(DEFAULT_BASE_FEE), "null means absent");
    let funded = &g.alloc[&DEV_ADDRESSES[0].parse::<Address>().unwrap()];
    assert_eq!(funded.balance, U256::exp10(24));
    let contract = &g.alloc[&Address::from_low_u64_be(0xc0)];
    assert_eq!(contract.balance, U256::from(12345u64));
    assert_eq!(contract.nonce, 3);
    assert_eq!(contract.code, b"\0asm\x01\0\0\0");
    assert_eq!(contract.storage[&H256::from_low_u64_be(1)], H256::from_low_u64_be(42));
    assert_eq!(contract.storage[&H256::repeat_byte(0xff)], H256::repeat_byte(0xee));

    let header = g.header(H256::repeat_byte(0x33));
    assert_eq!(header.state_root, H256::repeat_byte(0x33));
    assert_eq!(header.nonce, H64::from_low_u64_be(0x42));
    assert_eq!(header.beneficiary, g.coinbase);
    assert_eq!(header.extra_data, b"basalt");
    assert_eq!(header.base_fee_per_gas, Some(U256::from(DEFAULT_BASE_FEE)));
    assert_eq!(header.gas_used, 0);
}

#[test]
fn engines_parse_with_their_parameters() {
    let pow = parse(&with(
        "/config/consensus",
        json!({ "engine": "pow", "initialDifficulty": "0x20000", "targetBlockTime": 5 }),
    ))
    .unwrap();
    assert_eq!(
        pow.consensus,
        ConsensusConfig::Pow(PowConfig {
            initial_difficulty: U256::from(0x20000u64),
            target_block_time: 5,
            min_difficulty: U256::one(),
            block_reward: DEFAULT_BLOCK_REWARD,
        })
    );
    let a = Address::repeat_byte(0xa);
    let b = Address::repeat_byte(0xb);
    let pos = parse(&with(
        "/config/consensus",
        json!({ "engine": "pos", "slotTime": 2, "validators": [
            { "address": format!("{a:#x}"), "stake": "1000" },
            { "address": format!("{b:#x}"), "stake": "0x10" },
        ]}),
    ))
    .unwrap();
    let ConsensusConfig::Pos(config) = &pos.consensus else { panic!("not pos") };
    assert_eq!(
        config,
        &PosConfig {
            validators: vec![
                Validator { address: a, stake: U256::from(1000u64) },
                Validator { address: b, stake: U256::from(16u64) },
            ],
            slot_time: 2,
            epoch_length: DEFAULT_EPOCH_LENGTH,
            unbonding_epochs: DEFAULT_UNBONDING_EPOCHS,
            slash_bps: DEFAULT_SLASH_BPS,
            reporter_reward_bps: DEFAULT_REPORTER_REWARD_BPS,
        }
    );
    assert_eq!(config.total_stake(), U256::from(1016u64));
    assert_eq!(pos.consensus.engine_name(), "pos");
}

#[test]
fn specs_round_trip_through_json() {
    let mut storage = std::collections::BTreeMap::new();
    storage.insert(H256::from_low_u64_be(1), H256::from_low_u64_be(2));
    let mut spec = ChainSpec {
        chain_id: u64::MAX,
        genesis: Genesis {
            nonce: u64::MAX,
            timestamp: 99,
            extra_data: vec![0xab; 32],
            gas_limit: 1,
            difficulty: U256::MAX,
            mix_hash: H256::repeat_byte(1),
            coinbase: Address::repeat_byte(2),
            parent_hash: H256::repeat_byte(3),
            number: 4,
            base_fee_per_gas: U256::zero(),
            ..Genesis::default()
        },
        consensus: ConsensusConfig::Pow(PowConfig {
            initial_difficulty: U256::from(10u64),
            target_block_time: 3,
            min_difficulty: U256::from(10u64),
            block_reward: U256::from(7u64),
        }),
    };
    spec.genesis.alloc.insert(
        Address::repeat_byte(9),
        GenesisAccount { balance: U256::MAX, nonce: 5, code: b"\0asm\x01\0\0\0".to_vec(), storage },
    );
    spec.genesis.alloc.insert(Address::zero(), GenesisAccount::default());
    for spec in [
        spec.clone(),
        ChainSpec::dev(),
        ChainSpec {
            consensus: ConsensusConfig::Pos(PosConfig {
                validators: vec![Validator {
                    address: Address::repeat_byte(7),
                    stake: U256::one(),
                }],
                slot_time: 12,
                epoch_length: 4,
                unbonding_epochs: 0,
                slash_bps: 5_000,
                reporter_reward_bps: 0,
            }),
            ..spec
        },
    ] {
        let text = spec.to_json();
        assert_eq!(ChainSpec::from_json(&text).unwrap(), spec, "{text}");
        assert_eq!(text.parse::<ChainSpec>().unwrap(), spec);
    }
}

#[test]
fn from_file_reports_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("genesis.json");
    std::fs::write(&path, minimal().to_string()).unwrap();
    assert_eq!(ChainSpec::from_file(&path).unwrap().chain_id, 7);
    let missing = dir.path().join("missing.json");
    let err = ChainSpec::from_file(&missing).unwrap_err();
    assert!(matches!(&err, Error::Io { path, .. } if path == &missing));
    assert!(err.to_string().contains("missing.json"), "{err}");
}

/// `(document, expected error, text the message must contain)`.
type ErrorCase = (Value, fn(&Error) -> bool, &'static str);

fn error_cases() -> Vec<ErrorCase> {
    let big = format!("0x1{}", "0".repeat(64));
    vec![
        (json!({}), |e| matches!(e, Error::MissingField { field } if field == "config"), "config"),
        (
            json!({ "config": {} }),
            |e| matches!(e, Error::MissingField { field } if field == "config.chainId"),
            "config.chainId",
        ),
        (json!([]), |e| matches!(e, Error::InvalidType { expected: "an object", .. }), "genesis"),
        (with("/config/chainId", json!(0)), |e| matches!(e, Error::ZeroChainId), "chainId"),
        (
            with("/config/chainId", json!("0x1ffffffffffffffff")),
            |e| matches!(e, Error::NumberTooLarge { bits: 64, .. }),
            "config.chainId",
        ),
        (
            with("/config/chainId", json!(-1)),
            |e| matches!(e, Error::InvalidNumber { reason: "negative", .. }),
            "config.chainId",
        ),
        (
            with("/config/chainId", json!(1.5)),
            |e| matches!(e, Error::InvalidNumber { reason: "not an integer", .. }),
            "config.chainId",
        ),
        (
            with("/config/chainId", json!(true)),
            |e| matches!(e, Error::InvalidType { found: "a boolean", .. }),
            "config.chainId",
        ),
        (with("/gasLimit", json!("0x0")), |e| matches!(e, Error::ZeroGasLimit), "gasLimit"),
        (
            with("/gasLimit", json!("0xnope")),
            |e| matches!(e, Error::InvalidNumber { reason: "invalid hex digit", .. }),
            "gasLimit",
        ),
        (with("/gasLimit", json!("0x")), |e| matches!(e, Error::InvalidNumber { .. }), "gasLimit"),
        (
            with("/difficulty", json!(big)),
            |e| matches!(e, Error::NumberTooLarge { bits: 256, .. }),
            "difficulty",
        ),
        (
            with("/extraData", json!(format!("0x{}", "00".repeat(33)))),
            |e| matches!(e, Error::ExtraDataTooLong { len: 33, max: 32 }),
            "extraData",
        ),
        (
            with("/extraData", json!("0x123")),
            |e| matches!(e, Error::InvalidHex { reason: "odd number of digits", .. }),
            "extraData",
        ),
        (
            with("/mixHash", json!("0x1234")),
            |e| matches!(e, Error::InvalidLength { expected: 32, found: 2, .. }),
            "mixHash",
        ),
        (
            with("/parentHash", json!(1)),
            |e| matches!(e, Error::InvalidType { expected: "a string", .. }),
            "parentHash",
        ),
        (
            with("/coinbase", json!("0xzz00000000000000000000000000000000000000")),
            |e| matches!(e, Error::InvalidHex { .. }),
            "coinbase",
        ),
        (
            with("/baseFeePerGas", json!({})),
            |e| matches!(e, Error::InvalidType { .. }),
            "baseFeePerGas",
        ),
        (
            with("/alloc", json!([])),
            |e| matches!(e, Error::InvalidType { expected: "an object", .. }),
            "alloc",
        ),
        (
            with("/alloc", json!({ "0x1234": {} })),
            |e| matches!(e, Error::InvalidLength { expected: 20, .. }),
            "alloc.0x1234",
        ),
        (
            with("/alloc/0x00000000000000000000000000000000000000c0", json!({ "balance": "ten" })),
            |e| matches!(e, Error::InvalidNumber { .. }),
            "alloc.0x00000000000000000000000000000000000000c0.balance",
        ),
        (
            with(
                "/alloc/0x00000000000000000000000000000000000000c0",
                json!({ "nonce": "0x10000000000000000" }),
            ),
            |e| matches!(e, Error::NumberTooLarge { bits: 64, .. }),
            ".nonce",
        ),
        (
            with(
                "/alloc/0x00000000000000000000000000000000000000c0",
                json!({ "code": "0x6080604052" }),
            ),
            |e| matches!(e, Error::CodeNotWasm { .. }),
            "not a wasm module",
        ),
        (
            with(
                "/alloc/0x00000000000000000000000000000000000000c0",
                json!({ "code": "0x0061736" }),
            ),
            |e| matches!(e, Error::InvalidHex { .. }),
            ".code",
        ),
        (
            with(
                "/alloc/0x00000000000000000000000000000000000000c0",
                json!({ "storage": { "1": "0x1" } }),
            ),
            |e| matches!(e, Error::InvalidHex { reason: "missing 0x prefix", .. }),
            ".storage.1",
        ),
        (
            with(
                "/alloc/0x00000000000000000000000000000000000000c0",
                json!({ "storage": { "0x1": 1 } }),
            ),
            |e| matches!(e, Error::InvalidType { .. }),
            ".storage.0x1",
        ),
        (
            with(
                "/alloc/0x00000000000000000000000000000000000000c0",
                json!({ "storage": { "0x1": "0x1", "0x01": "0x2" } }),
            ),
            |e| matches!(e, Error::DuplicateStorageSlot { .. }),
            ".storage.0x1: slot appears more than once",
        ),
        (
            with(
                "/alloc",
                json!({ "0x00000000000000000000000000000000000000c0": {}, "00000000000000000000000000000000000000C0": {} }),
            ),
            |e| matches!(e, Error::DuplicateAccount { .. }),
            "more than once",
        ),
        (
            with("/config/consensus", json!("instant")),
            |e| matches!(e, Error::InvalidType { .. }),
            "config.consensus",
        ),
        (
            with("/config/consensus", json!({})),
            |e| matches!(e, Error::MissingField { field } if field == "config.consensus.engine"),
            "engine",
        ),
        (
            with("/config/consensus", json!({ "engine": "clique" })),
            |e| matches!(e, Error::UnknownEngine { engine } if engine == "clique"),
            "clique",
        ),
        (
            with("/config/consensus", json!({ "engine": 1 })),
            |e| matches!(e, Error::InvalidType { .. }),
            "config.consensus.engine",
        ),
        (
            with("/config/consensus", json!({ "engine": "instant", "period": 1 })),
            |e| matches!(e, Error::UnknownField { .. }),
            "config.consensus.period",
        ),
        (
            with("/config/consensus", json!({ "engine": "pow", "targetBlockTime": 5 })),
            |e| matches!(e, Error::MissingField { .. }),
            "config.consensus.initialDifficulty",
        ),
        (
            with("/config/consensus", json!({ "engine": "pow", "initialDifficulty": 1 })),
            |e| matches!(e, Error::MissingField { .. }),
            "config.consensus.targetBlockTime",
        ),
        (
            with(
                "/config/consensus",
                json!({ "engine": "pow", "initialDifficulty": 1, "targetBlockTime": 0 }),
            ),
            |e| matches!(e, Error::InvalidConsensusParameter { .. }),
            "targetBlockTime: must be at least 1",
        ),
        (
            with(
                "/config/consensus",
                json!({ "engine": "pow", "initialDifficulty": 1, "targetBlockTime": 1, "minDifficulty": 0 }),
            ),
            |e| matches!(e, Error::InvalidConsensusParameter { .. }),
            "minDifficulty",
        ),
        (
            with(
                "/config/consensus",
                json!({ "engine": "pow", "initialDifficulty": 1, "targetBlockTime": 1, "minDifficulty": 2 }),
            ),
            |e| matches!(e, Error::InvalidConsensusParameter { .. }),
            "initialDifficulty: must not be below minDifficulty",
        ),
        (
            with(
                "/config/consensus",
                json!({ "engine": "pow", "initialDifficulty": 1, "targetBlockTime": 1, "difficulty": 2 }),
            ),
            |e| matches!(e, Error::UnknownField { .. }),
            "config.consensus.difficulty",
        ),
        (
            with("/config/consensus", json!({ "engine": "pos", "slotTime": 2, "validators": [] })),
            |e| matches!(e, Error::NoValidators),
            "at least one validator",
        ),
        (
            with("/config/consensus", json!({ "engine": "pos", "slotTime": 2 })),
            |e| matches!(e, Error::MissingField { .. }),
            "config.consensus.validators",
        ),
        (
            with("/config/consensus", json!({ "engine": "pos", "validators": [] })),
            |e| matches!(e, Error::MissingField { .. }),
            "config.consensus.slotTime",
        ),
        (
            with(
                "/config/consensus",
                json!({ "engine": "pos", "slotTime": 0, "validators": [{ "address": "0x000000000000000000000000000000000000000a", "stake": 1 }] }),
            ),
            |e| matches!(e, Error::InvalidConsensusParameter { .. }),
            "slotTime",
        ),
        (
            with(
                "/config/consensus",
                json!({ "engine": "pos", "slotTime": 1, "validators": [{ "address": "0x000000000000000000000000000000000000000a", "stake": 0 }] }),
            ),
            |e| matches!(e, Error::ZeroStake { .. }),
            "zero stake",
        ),
        (
            with(
                "/config/consensus",
                json!({ "engine": "pos", "slotTime": 1, "validators": [{ "address": "0x000000000000000000000000000000000000000a", "stake": 1 }, { "address": "0x000000000000000000000000000000000000000A", "stake": 2 }] }),
            ),
            |e| matches!(e, Error::DuplicateValidator { .. }),
            "more than once",
        ),
        (
            with(
                "/config/consensus",
                json!({ "engine": "pos", "slotTime": 1, "validators": [{ "address": "0x000000000000000000000000000000000000000a", "stake": format!("{:#x}", U256::MAX) }, { "address": "0x000000000000000000000000000000000000000b", "stake": 1 }] }),
            ),
            |e| matches!(e, Error::TotalStakeOverflow),
            "overflows",
        ),
        (
            with(
                "/config/consensus",
                json!({ "engine": "pos", "slotTime": 1, "validators": [{ "address": "0x000000000000000000000000000000000000000a" }] }),
            ),
            |e| matches!(e, Error::MissingField { .. }),
            "config.consensus.validators[0].stake",
        ),
        (
            with(
                "/config/consensus",
                json!({ "engine": "pos", "slotTime": 1, "validators": [{ "address": "0x0a", "stake": 1 }] }),
            ),
            |e| matches!(e, Error::InvalidLength { .. }),
            "config.consensus.validators[0].address",
        ),
        (
            with(
                "/config/consensus",
                json!({ "engine": "pos", "slotTime": 1, "validators": [{ "address": "0x000000000000000000000000000000000000000a", "stake": 1, "weight": 1 }] }),
            ),
            |e| matches!(e, Error::UnknownField { .. }),
            "config.consensus.validators[0].weight",
        ),
        (
            with("/config/consensus", json!({ "engine": "pos", "slotTime": 1, "validators": {} })),
            |e| matches!(e, Error::InvalidType { expected: "an array", .. }),
            "config.consensus.validators",
        ),
    ]
}

#[test]
fn every_error_names_its_field() {
    for (doc, is_expected, text) in error_cases() {
        let err = parse(&doc).expect_err(&doc.to_string());
        assert!(is_expected(&err), "{doc}: got {err:?}");
        assert!(err.to_string().contains(text), "{doc}: message {err} lacks {text:?}");
    }
}

#[test]
fn syntax_errors_and_duplicate_fields() {
    for text in ["", "{", "{\"config\": {\"chainId\": 1}} trailing", "nul"] {
        assert!(matches!(ChainSpec::from_json(text), Err(Error::Json(_))), "{text:?}");
    }
    for (text, field) in [
        (r#"{"config": {"chainId": 1}, "gasLimit": 1, "gasLimit": 2}"#, "gasLimit"),
        (r#"{"config": {"chainId": 1, "chainId": 2}}"#, "config.chainId"),
        (
            r#"{"config": {"chainId": 1, "consensus": {"engine": "pow", "engine": "pos"}}}"#,
            "config.consensus.engine",
        ),
    ] {
        let err = ChainSpec::from_json(text).unwrap_err();
        assert!(
            matches!(&err, Error::DuplicateField { field: f } if f == field),
            "{text}: {err:?}"
        );
    }
}

#[test]
fn validate_catches_hand_built_specs() {
    let mut spec = ChainSpec::dev();
    spec.genesis.alloc.values_mut().next().unwrap().code = vec![1, 2, 3, 4];
    assert!(matches!(spec.validate(), Err(Error::CodeNotWasm { .. })));
    let mut spec = ChainSpec::dev();
    spec.chain_id = 0;
    assert!(matches!(spec.validate(), Err(Error::ZeroChainId)));
    let mut spec = ChainSpec::dev();
    spec.genesis.gas_limit = 0;
    assert!(matches!(spec.validate(), Err(Error::ZeroGasLimit)));
}
