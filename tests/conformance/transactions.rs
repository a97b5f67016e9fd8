//! Transaction conformance.
//!
//! 1. ethereum/tests `TransactionTests/**` (40 files). Each case is run
//!    through Basalt's pipeline — strict network decoding, sender recovery
//!    for chain id 1 (the chain the vectors are filled for; pre-EIP-155
//!    transactions accepted, as Ethereum's consensus does), then the
//!    stateless checks — and compared with the newest fork column the file
//!    has. The fork order is Ethereum's; the newest column present is Cancun
//!    in 36 files and Shanghai in the 4 `ttWrongRLP` files, which have no
//!    Cancun column (their expectation is the same in every fork). Cancun's
//!    intrinsic gas is the Shanghai schedule (EIP-3860 included, no Prague
//!    EIP-7623 floor), which is what Basalt computes.
//!    Valid cases must give the same hash, sender and intrinsic gas, and
//!    re-encode to the same bytes. Invalid cases must be rejected, by the
//!    stage that the vector's exception names (decoding, signature, or
//!    stateless checks: see `plausible`). No case is skipped.
//! 2. `Generated/typed_transactions.json` (eth-account): 240 legacy, EIP-155,
//!    EIP-2930 and EIP-1559 transactions: decode, hash, sender, re-encoding,
//!    and re-signing with the secret key reproduces the exact raw bytes
//!    (deterministic RFC 6979 signatures).
#![allow(clippy::unwrap_used)]

use basalt_primitives::{
    keccak256, sign_transaction, signing_key_from_bytes, Address, DecodeError, SignatureError,
    SignedTransaction, Transaction, UnprotectedPolicy, ValidationError, H256,
};
use basalt_tests::{hex_bytes, load_vector, report, vectors_dir};
use std::collections::BTreeMap;
use std::str::FromStr;

/// Ethereum's forks, oldest first, as named in the vectors.
const FORKS: &[&str] = &[
    "Frontier",
    "Homestead",
    "EIP150",
    "EIP158",
    "Byzantium",
    "Constantinople",
    "ConstantinopleFix",
    "Istanbul",
    "Berlin",
    "London",
    "Paris",
    "Shanghai",
    "Cancun",
    "Prague",
    "Osaka",
];

/// The chain id the ethereum/tests vectors are filled for.
const CHAIN_ID: u64 = 1;

/// Where Basalt's pipeline rejected a transaction.
#[derive(Debug)]
enum Rejection {
    Decode(DecodeError),
    Signature(SignatureError),
    Validation(ValidationError),
}

/// What Basalt's pipeline made of a transaction.
struct Accepted {
    tx: SignedTransaction,
    sender: Address,
}

fn run_pipeline(bytes: &[u8]) -> (Option<SignedTransaction>, Result<Accepted, Rejection>) {
    let tx = match SignedTransaction::decode_network(bytes) {
        Ok(tx) => tx,
        Err(e) => return (None, Err(Rejection::Decode(e))),
    };
    let sender = match tx.recover_sender_for_chain(CHAIN_ID, UnprotectedPolicy::Accept) {
        Ok(sender) => sender,
        Err(e) => return (Some(tx), Err(Rejection::Signature(e))),
    };
    if let Err(e) = tx.transaction().validate_stateless() {
        return (Some(tx), Err(Rejection::Validation(e)));
    }
    (Some(tx.clone()), Ok(Accepted { tx, sender }))
}

/// Whether Basalt's rejection is the one the vector's exception describes.
fn plausible(exception: &str, rejection: &Rejection) -> bool {
    use DecodeError as D;
    use Rejection as R;
    use SignatureError as S;
    use ValidationError as V;
    match (exception, rejection) {
        // Bad v, r or s values.
        ("INVALID_SIGNATURE_VRS", R::Decode(D::InvalidV { .. }))
        | (
            "INVALID_SIGNATURE_VRS",
            R::Signature(S::InvalidR { .. } | S::InvalidS { .. } | S::HighS { .. }),
        )
        // r in range but not an x-coordinate, or the recovered point at infinity.
        | ("EC_RECOVERY_FAIL", R::Signature(S::RecoveryFailed | S::InvalidR { .. }))
        // v implying another chain, or no valid chain at all.
        | ("INVALID_CHAINID", R::Signature(S::WrongChainId { .. }))
        | ("INVALID_CHAINID", R::Decode(D::InvalidV { .. } | D::ChainIdTooLarge { .. })) => true,
        ("INVALID_CHAINID", R::Decode(D::IntegerTooLarge { field, .. })) => *field == "v",
        // Stateless checks.
        ("INTRINSIC_GAS_TOO_LOW", R::Validation(V::IntrinsicGasTooLow { .. }))
        | ("NONCE_TOO_BIG", R::Validation(V::NonceMax { .. }))
        | ("GASLIMIT_PRICE_PRODUCT_OVERFLOW", R::Validation(V::GasCostOverflow { .. }))
        | ("PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS_2", R::Validation(V::TipAboveFeeCap { .. }))
        | ("VALUE_OVERFLOW", R::Validation(V::TotalCostOverflow { .. })) => true,
        // Integers wider than their field are rejected when decoding.
        ("NONCE_OVERFLOW", R::Decode(D::IntegerTooLarge { field, .. })) => *field == "nonce",
        ("GASLIMIT_OVERFLOW", R::Decode(D::IntegerTooLarge { field, .. })) => *field == "gas limit",
        ("VALUE_OVERFLOW", R::Decode(D::IntegerTooLarge { field, .. })) => *field == "value",
        ("RLP_LEADING_ZEROS_VALUE", R::Decode(D::LeadingZeros { field })) => *field == "value",
        ("RLP_LEADING_ZEROS_BASEFEE", R::Decode(D::LeadingZeros { field })) => {
            *field == "max fee per gas"
        }
        ("RLP_INVALID_ACCESS_LIST_ADDRESS_TOO_SHORT", R::Decode(D::WrongLength { field, .. })) => {
            *field == "access list address"
        }
        ("RLP_INVALID_ACCESS_LIST_STORAGE_TOO_LONG", R::Decode(D::WrongLength { field, .. })) => {
            *field == "access list storage key"
        }
        ("RLP_INVALID_GASLIMIT", R::Decode(D::ExpectedBytes { field })) => *field == "gas limit",
        ("TYPE_NOT_SUPPORTED", R::Decode(D::UnsupportedType { .. })) => true,
        // Malformed RLP: any decoding error.
        ("RLP_ERROR_SIZE" | "RLP_ERROR_EOF", R::Decode(_)) => true,
        _ => false,
    }
}

/// The vector files under `dir`, relative to the vectors folder, sorted.
fn json_files_under(dir: &str) -> Vec<String> {
    let root = vectors_dir();
    let mut out = Vec::new();
    let mut stack = vec![root.join(dir)];
    while let Some(path) = stack.pop() {
        let entries = std::fs::read_dir(&path)
            .unwrap_or_else(|e| panic!("vector folder {} is missing ({e})", path.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                let rel = path.strip_prefix(&root).unwrap();
                out.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

fn parse_u64(hex_str: &str) -> u64 {
    u64::from_str_radix(hex_str.trim_start_matches("0x"), 16).unwrap()
}

#[test]
fn ethereum_transaction_tests() {
    let files = json_files_under("TransactionTests");
    assert_eq!(files.len(), 40, "expected the 40 TransactionTests files, found {files:?}");
    let mut by_fork: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_stage: BTreeMap<&str, usize> = BTreeMap::new();
    let mut total = 0;
    for file in &files {
        let cases = load_vector(file);
        let cases = cases.as_object().unwrap();
        for (name, case) in cases {
            let results = case["result"].as_object().unwrap();
            for fork in results.keys() {
                assert!(FORKS.contains(&fork.as_str()), "{file}/{name}: unknown fork {fork}");
            }
            let fork = *FORKS.iter().rev().find(|f| results.contains_key(**f)).unwrap();
            *by_fork.entry(fork).or_default() += 1;
            let expected = &results[fork];
            let bytes = hex_bytes(case["txbytes"].as_str().unwrap());
            let (decoded, outcome) = run_pipeline(&bytes);
            let expected_gas = parse_u64(expected["intrinsicGas"].as_str().unwrap());

            match expected.get("exception").and_then(|e| e.as_str()) {
                None => {
                    let accepted = outcome.unwrap_or_else(|r| {
                        panic!("{file}/{name} ({fork}): valid tx rejected: {r:?}")
                    });
                    let want_hash = H256::from_str(expected["hash"].as_str().unwrap()).unwrap();
                    let want_sender =
                        Address::from_str(expected["sender"].as_str().unwrap()).unwrap();
                    assert_eq!(accepted.tx.hash(), want_hash, "{file}/{name}: hash");
                    assert_eq!(accepted.tx.hash(), keccak256(&bytes), "{file}/{name}: hash");
                    assert_eq!(accepted.sender, want_sender, "{file}/{name}: sender");
                    assert_eq!(
                        accepted.tx.transaction().intrinsic_gas(),
                        expected_gas,
                        "{file}/{name}: intrinsic gas"
                    );
                    assert_eq!(accepted.tx.encode_network(), bytes, "{file}/{name}: re-encoding");
                    *by_stage.entry("valid").or_default() += 1;
                }
                Some(exception) => {
                    let rejection = match outcome {
                        Ok(a) => panic!(
                            "{file}/{name} ({fork}): expected {exception}, accepted with sender {:?}",
                            a.sender
                        ),
                        Err(r) => r,
                    };
                    let names: Vec<&str> = exception
                        .split('|')
                        .map(|e| e.trim().trim_start_matches("TransactionException."))
                        .collect();
                    assert!(
                        names.iter().any(|e| plausible(e, &rejection)),
                        "{file}/{name} ({fork}): expected {exception}, rejected with {rejection:?}"
                    );
                    // Where the vector computed intrinsic gas (non-zero), ours must agree.
                    if let (Some(tx), true) = (&decoded, expected_gas != 0) {
                        assert_eq!(
                            tx.transaction().intrinsic_gas(),
                            expected_gas,
                            "{file}/{name}: intrinsic gas"
                        );
                    }
                    let stage = match rejection {
                        Rejection::Decode(_) => "rejected at decoding",
                        Rejection::Signature(_) => "rejected at signature recovery",
                        Rejection::Validation(_) => "rejected at stateless checks",
                    };
                    println!("  {name}: {exception} -> {stage}: {rejection:?}");
                    *by_stage.entry(stage).or_default() += 1;
                }
            }
            total += 1;
        }
        report(file, cases.len());
    }
    println!(
        "TransactionTests: {total} cases; fork columns used: {by_fork:?}; outcomes: {by_stage:?}"
    );
}

#[test]
fn generated_typed_transactions() {
    let file = "Generated/typed_transactions.json";
    let doc = load_vector(file);
    let txs = doc["transactions"].as_array().unwrap();
    assert_eq!(txs.len(), 240);
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for (i, case) in txs.iter().enumerate() {
        let kind = case["kind"].as_str().unwrap();
        let raw = hex_bytes(case["raw"].as_str().unwrap());
        let want_hash = H256::from_str(case["hash"].as_str().unwrap()).unwrap();
        let want_sender = Address::from_str(case["sender"].as_str().unwrap()).unwrap();
        let chain_id = case["chainId"].as_u64();

        let tx = SignedTransaction::decode_network(&raw)
            .unwrap_or_else(|e| panic!("#{i} ({kind}): decode failed: {e}"));
        match (kind, tx.transaction()) {
            ("legacy", Transaction::Legacy(t)) => assert_eq!(t.chain_id, None, "#{i}"),
            ("legacy155", Transaction::Legacy(t)) => assert!(t.chain_id.is_some(), "#{i}"),
            ("eip2930", Transaction::Eip2930(_)) | ("eip1559", Transaction::Eip1559(_)) => {}
            (kind, tx) => panic!("#{i}: kind {kind} decoded as {:?}", tx.tx_type()),
        }
        assert_eq!(tx.chain_id(), chain_id, "#{i} ({kind}): chain id");
        assert_eq!(tx.hash(), want_hash, "#{i} ({kind}): hash");
        assert_eq!(tx.hash(), keccak256(&raw), "#{i} ({kind}): hash of raw");
        let sender = tx
            .recover_sender_for_chain(chain_id.unwrap_or(CHAIN_ID), UnprotectedPolicy::Accept)
            .unwrap_or_else(|e| panic!("#{i} ({kind}): recovery failed: {e}"));
        assert_eq!(sender, want_sender, "#{i} ({kind}): sender");
        assert_eq!(tx.encode_network(), raw, "#{i} ({kind}): re-encoding");

        let key = signing_key_from_bytes(&hex_bytes(case["secretKey"].as_str().unwrap())).unwrap();
        let resigned = sign_transaction(tx.transaction().clone(), &key).unwrap();
        assert_eq!(
            hex::encode(resigned.encode_network()),
            hex::encode(&raw),
            "#{i} ({kind}): re-signing"
        );
        *by_kind.entry(kind.to_string()).or_default() += 1;
    }
    println!("{file}: by kind {by_kind:?}");
    report(file, txs.len());
}
