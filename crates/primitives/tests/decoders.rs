//! Property tests for every decoder of the crate.
//!
//! - Random bytes and random mutations of valid encodings never panic any decoder.
//! - Whatever a decoder accepts re-encodes to exactly the input (strictness: one
//!   value, one encoding).
//! - Transactions, headers, blocks, receipts, logs and accounts round-trip.
#![allow(clippy::unwrap_used)]

use basalt_primitives::{
    rlp, rlp_strict, sign_transaction, signing_key_from_bytes, AccessList, AccessListItem, Account,
    Address, Block, Bloom, Header, Log, Receipt, Signature, SignedTransaction, Transaction,
    TxEip1559, TxEip2930, TxKind, TxLegacy, TxType, H256, H64, U256,
};
use proptest::prelude::*;

fn arb_u256() -> impl Strategy<Value = U256> {
    prop_oneof![
        Just(U256::zero()),
        any::<u64>().prop_map(U256::from),
        any::<[u8; 32]>().prop_map(|b| U256::from_big_endian(&b)),
    ]
}

fn arb_address() -> impl Strategy<Value = Address> {
    any::<[u8; 20]>().prop_map(Address::from)
}

fn arb_h256() -> impl Strategy<Value = H256> {
    any::<[u8; 32]>().prop_map(H256)
}

fn arb_kind() -> impl Strategy<Value = TxKind> {
    prop_oneof![Just(TxKind::Create), arb_address().prop_map(TxKind::Call)]
}

fn arb_bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..80)
}

fn arb_access_list() -> impl Strategy<Value = AccessList> {
    proptest::collection::vec(
        (arb_address(), proptest::collection::vec(arb_h256(), 0..3))
            .prop_map(|(address, storage_keys)| AccessListItem { address, storage_keys }),
        0..3,
    )
    .prop_map(AccessList)
}

fn arb_transaction() -> impl Strategy<Value = Transaction> {
    let legacy = (
        proptest::option::of(any::<u64>()),
        any::<u64>(),
        arb_u256(),
        any::<u64>(),
        arb_kind(),
        arb_u256(),
        arb_bytes(),
    )
        .prop_map(|(chain_id, nonce, gas_price, gas_limit, to, value, input)| {
            Transaction::Legacy(TxLegacy {
                chain_id,
                nonce,
                gas_price,
                gas_limit,
                to,
                value,
                input,
            })
        });
    let eip2930 = (
        any::<u64>(),
        any::<u64>(),
        arb_u256(),
        any::<u64>(),
        arb_kind(),
        arb_u256(),
        arb_bytes(),
        arb_access_list(),
    )
        .prop_map(|(chain_id, nonce, gas_price, gas_limit, to, value, input, access_list)| {
            Transaction::Eip2930(TxEip2930 {
                chain_id,
                nonce,
                gas_price,
                gas_limit,
                to,
                value,
                input,
                access_list,
            })
        });
    let eip1559 = (
        (any::<u64>(), any::<u64>(), arb_u256(), arb_u256(), any::<u64>()),
        (arb_kind(), arb_u256(), arb_bytes(), arb_access_list()),
    )
        .prop_map(
            |(
                (chain_id, nonce, max_priority_fee_per_gas, max_fee_per_gas, gas_limit),
                (to, value, input, access_list),
            )| {
                Transaction::Eip1559(TxEip1559 {
                    chain_id,
                    nonce,
                    max_priority_fee_per_gas,
                    max_fee_per_gas,
                    gas_limit,
                    to,
                    value,
                    input,
                    access_list,
                })
            },
        );
    prop_oneof![legacy, eip2930, eip1559]
}

fn arb_signature() -> impl Strategy<Value = Signature> {
    (arb_u256(), arb_u256(), any::<bool>()).prop_map(|(r, s, y_parity)| Signature {
        r,
        s,
        y_parity,
    })
}

fn arb_signed() -> impl Strategy<Value = SignedTransaction> {
    (arb_transaction(), arb_signature()).prop_map(|(tx, sig)| SignedTransaction::new(tx, sig))
}

fn arb_log() -> impl Strategy<Value = Log> {
    (arb_address(), proptest::collection::vec(arb_h256(), 0..5), arb_bytes())
        .prop_map(|(address, topics, data)| Log { address, topics, data })
}

fn arb_header() -> impl Strategy<Value = Header> {
    (
        (arb_h256(), arb_address(), arb_h256(), arb_u256(), any::<u64>(), any::<u64>()),
        (any::<u64>(), any::<u64>(), arb_bytes(), arb_h256(), any::<u64>()),
        (proptest::option::of(arb_u256()), arb_bytes(), any::<bool>()),
    )
        .prop_map(
            |(
                (parent_hash, beneficiary, state_root, difficulty, number, gas_limit),
                (gas_used, timestamp, extra_data, mix_hash, nonce),
                (base_fee_per_gas, seal, bloom_bit),
            )| {
                let mut logs_bloom = Bloom::zero();
                if bloom_bit {
                    logs_bloom.0[17] = 0x40;
                }
                Header {
                    parent_hash,
                    beneficiary,
                    state_root,
                    logs_bloom,
                    difficulty,
                    number,
                    gas_limit,
                    gas_used,
                    timestamp,
                    extra_data,
                    mix_hash,
                    nonce: H64(nonce.to_be_bytes()),
                    base_fee_per_gas,
                    seal,
                    ..Default::default()
                }
            },
        )
}

fn arb_block() -> impl Strategy<Value = Block> {
    (arb_header(), proptest::collection::vec(arb_signed(), 0..4))
        .prop_map(|(header, transactions)| Block { header, transactions })
}

fn arb_receipt() -> impl Strategy<Value = Receipt> {
    (
        prop_oneof![Just(TxType::Legacy), Just(TxType::Eip2930), Just(TxType::Eip1559)],
        any::<bool>(),
        any::<u64>(),
        proptest::collection::vec(arb_log(), 0..3),
    )
        .prop_map(|(ty, success, gas, logs)| Receipt::new(ty, success, gas, logs))
}

fn arb_account() -> impl Strategy<Value = Account> {
    (any::<u64>(), arb_u256(), arb_h256(), arb_h256()).prop_map(
        |(nonce, balance, storage_root, code_hash)| Account {
            nonce,
            balance,
            storage_root,
            code_hash,
        },
    )
}

/// One random edit of `bytes`: flip a byte, insert, delete, truncate or append.
fn mutate(bytes: &[u8], op: u8, at: usize, value: u8) -> Vec<u8> {
    let mut out = bytes.to_vec();
    if out.is_empty() {
        out.push(value);
        return out;
    }
    let at = at % out.len();
    match op % 5 {
        0 => out[at] ^= value | 1,
        1 => out.insert(at, value),
        2 => {
            out.remove(at);
        }
        3 => out.truncate(at),
        _ => out.push(value),
    }
    out
}

/// Runs every decoder on `bytes`; each must return (not panic), and whatever it accepts must
/// re-encode to exactly `bytes`.
fn all_decoders_are_total_and_strict(bytes: &[u8]) {
    let _ = rlp_strict(bytes);
    if let Ok(tx) = SignedTransaction::decode_network(bytes) {
        assert_eq!(tx.encode_network(), bytes);
        assert!(rlp_strict(bytes).is_ok() || bytes[0] < 0x80);
        // Recovery and checks must not panic on anything that decodes either.
        let _ = tx.recover_sender();
        let _ = tx.transaction().validate_stateless();
    }
    if let Ok(block) = Block::decode_rlp(bytes) {
        assert_eq!(rlp::encode(&block).to_vec(), bytes);
    }
    if let Ok(header) = Header::decode_rlp(bytes) {
        assert_eq!(rlp::encode(&header).to_vec(), bytes);
    }
    if let Ok(receipt) = Receipt::decode(bytes) {
        assert_eq!(receipt.encode(), bytes);
    }
    if let Ok(account) = Account::decode_rlp(bytes) {
        assert_eq!(rlp::encode(&account).to_vec(), bytes);
    }
    if let Ok(log) = Log::decode_rlp(bytes) {
        assert_eq!(rlp::encode(&log).to_vec(), bytes);
    }
    // The rlp-crate entry points delegate to the strict decoders.
    let _ = rlp::decode::<Block>(bytes);
    let _ = rlp::decode::<Header>(bytes);
    let _ = rlp::decode::<Account>(bytes);
    let _ = rlp::decode::<Log>(bytes);
    let _ = rlp::decode::<SignedTransaction>(bytes);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        all_decoders_are_total_and_strict(&bytes);
    }

    #[test]
    fn random_bytes_after_a_type_byte_never_panic(
        ty in 0u8..4,
        bytes in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let mut input = vec![ty];
        input.extend(bytes);
        all_decoders_are_total_and_strict(&input);
    }

    #[test]
    fn mutated_transactions_never_panic(
        tx in arb_signed(),
        edits in proptest::collection::vec((any::<u8>(), any::<usize>(), any::<u8>()), 1..4),
    ) {
        let mut bytes = tx.encode_network();
        for (op, at, value) in edits {
            bytes = mutate(&bytes, op, at, value);
        }
        all_decoders_are_total_and_strict(&bytes);
    }

    #[test]
    fn mutated_blocks_headers_receipts_never_panic(
        block in arb_block(),
        receipt in arb_receipt(),
        account in arb_account(),
        log in arb_log(),
        edits in proptest::collection::vec((any::<u8>(), any::<usize>(), any::<u8>()), 1..4),
    ) {
        for encoding in [
            rlp::encode(&block).to_vec(),
            rlp::encode(&block.header).to_vec(),
            receipt.encode(),
            rlp::encode(&account).to_vec(),
            rlp::encode(&log).to_vec(),
        ] {
            let mut bytes = encoding;
            for (op, at, value) in &edits {
                bytes = mutate(&bytes, *op, *at, *value);
            }
            all_decoders_are_total_and_strict(&bytes);
        }
    }

    #[test]
    fn transactions_round_trip(tx in arb_signed()) {
        let raw = tx.encode_network();
        let decoded = SignedTransaction::decode_network(&raw).unwrap();
        prop_assert_eq!(&decoded, &tx);
        prop_assert_eq!(decoded.hash(), basalt_primitives::keccak256(&raw));
        // Block-body form.
        let body = rlp::encode(&tx);
        prop_assert_eq!(rlp::decode::<SignedTransaction>(&body).unwrap(), tx);
    }

    #[test]
    fn signed_transactions_recover_their_signer(
        tx in arb_transaction(),
        secret in any::<[u8; 32]>(),
    ) {
        let Ok(key) = signing_key_from_bytes(&secret) else { return Ok(()) };
        let signed = sign_transaction(tx, &key).unwrap();
        let decoded = SignedTransaction::decode_network(&signed.encode_network()).unwrap();
        prop_assert_eq!(
            decoded.recover_sender().unwrap(),
            basalt_primitives::secret_key_to_address(&key)
        );
    }

    #[test]
    fn blocks_headers_receipts_accounts_logs_round_trip(
        block in arb_block(),
        receipt in arb_receipt(),
        account in arb_account(),
        log in arb_log(),
    ) {
        prop_assert_eq!(Block::decode_rlp(&rlp::encode(&block)).unwrap(), block.clone());
        prop_assert_eq!(Header::decode_rlp(&rlp::encode(&block.header)).unwrap(), block.header);
        prop_assert_eq!(Receipt::decode(&receipt.encode()).unwrap(), receipt);
        prop_assert_eq!(Account::decode_rlp(&rlp::encode(&account)).unwrap(), account);
        prop_assert_eq!(Log::decode_rlp(&rlp::encode(&log)).unwrap(), log);
    }
}
