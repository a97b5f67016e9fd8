//! Helpers the chain's test files share: dev keys, opening a chain on a
//! folder, signed transfers.
#![allow(clippy::unwrap_used, dead_code)]

use basalt_chain::Chain;
use basalt_chainspec::ChainSpec;
use basalt_primitives::{
    secret_key_to_address, sign_transaction, signing_key_from_bytes, Address, SignedTransaction,
    SigningKey, Transaction, TxEip1559, TxKind, U256,
};
use basalt_store::Store;
use basalt_vm::{Vm, VmConfig};
use std::sync::Arc;

/// The first five standard dev keys (the "test test … junk" mnemonic), funded by `ChainSpec::dev()`.
pub(crate) const KEYS: [&str; 5] = [
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
];

/// Dev key `i`.
pub(crate) fn key(i: usize) -> SigningKey {
    signing_key_from_bytes(&hex::decode(KEYS[i]).unwrap()).unwrap()
}

/// The chain of `spec` on a store in `dir`.
pub(crate) fn open_spec(dir: &std::path::Path, spec: &ChainSpec) -> Chain {
    let store = Arc::new(Store::open(dir).unwrap());
    Chain::open(store, spec.clone(), Vm::new(VmConfig::default()).unwrap()).unwrap()
}

/// The dev chain on a store in `dir`.
pub(crate) fn open(dir: &std::path::Path) -> Chain {
    open_spec(dir, &ChainSpec::dev())
}

/// A signed EIP-1559 transfer of `value` wei from dev key `from` (chain 31337), with its sender.
pub(crate) fn transfer(
    from: usize,
    nonce: u64,
    to: Address,
    value: u64,
) -> (SignedTransaction, Address) {
    let key = key(from);
    let tx = sign_transaction(
        Transaction::Eip1559(TxEip1559 {
            chain_id: 31337,
            nonce,
            max_priority_fee_per_gas: U256::from(1),
            max_fee_per_gas: U256::from(10_000_000_000u64),
            gas_limit: 21_000,
            to: TxKind::Call(to),
            value: U256::from(value),
            ..Default::default()
        }),
        &key,
    )
    .unwrap();
    (tx, secret_key_to_address(&key))
}
