//! Shared helpers: dev keys, signed transactions, a pool on the dev chain.

#![allow(dead_code)]

use basalt_primitives::{
    secret_key_to_address, sign_transaction, signing_key_from_bytes, Address, SignedTransaction,
    SigningKey, Transaction, TxEip1559, TxKind, TxLegacy, U256,
};
use basalt_txpool::{AccountState, PoolConfig, TxPool};

pub(crate) const CHAIN_ID: u64 = 31337;
pub(crate) const BLOCK_GAS_LIMIT: u64 = 30_000_000;
pub(crate) const GWEI: u64 = 1_000_000_000;

/// Private keys of the first standard dev accounts ("test test … junk").
const DEV_KEYS: [&str; 4] = [
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
];

pub(crate) fn key(i: usize) -> SigningKey {
    let mut bytes = [0u8; 32];
    for (j, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&DEV_KEYS[i][2 * j..2 * j + 2], 16).unwrap();
    }
    signing_key_from_bytes(&bytes).unwrap()
}

pub(crate) fn addr(i: usize) -> Address {
    secret_key_to_address(&key(i))
}

pub(crate) fn gwei(n: u64) -> U256 {
    U256::from(n) * U256::from(GWEI)
}

pub(crate) fn sign(i: usize, tx: impl Into<Transaction>) -> SignedTransaction {
    sign_transaction(tx.into(), &key(i)).unwrap()
}

/// A 21,000-gas EIP-1559 transfer of `value` wei from dev account `i`.
pub(crate) fn eip1559_value(
    i: usize,
    nonce: u64,
    max_fee: U256,
    tip: U256,
    value: U256,
) -> SignedTransaction {
    sign(
        i,
        TxEip1559 {
            chain_id: CHAIN_ID,
            nonce,
            max_priority_fee_per_gas: tip,
            max_fee_per_gas: max_fee,
            gas_limit: 21_000,
            to: TxKind::Call(Address::repeat_byte(0xee)),
            value,
            ..Default::default()
        },
    )
}

/// A 21,000-gas EIP-1559 transfer of nothing from dev account `i`.
pub(crate) fn eip1559(i: usize, nonce: u64, max_fee: U256, tip: U256) -> SignedTransaction {
    eip1559_value(i, nonce, max_fee, tip, U256::zero())
}

/// A 21,000-gas EIP-155 legacy transfer of nothing from dev account `i`.
pub(crate) fn legacy(i: usize, nonce: u64, gas_price: U256) -> SignedTransaction {
    sign(
        i,
        TxLegacy {
            chain_id: Some(CHAIN_ID),
            nonce,
            gas_price,
            gas_limit: 21_000,
            to: TxKind::Call(Address::repeat_byte(0xee)),
            value: U256::zero(),
            input: vec![],
        },
    )
}

/// 10,000 ETH at nonce 0.
pub(crate) fn rich() -> AccountState {
    AccountState { nonce: 0, balance: U256::from(10_000u64) * U256::exp10(18) }
}

pub(crate) fn pool() -> TxPool {
    TxPool::new(PoolConfig::new(CHAIN_ID, BLOCK_GAS_LIMIT))
}

pub(crate) fn pool_with(config: impl FnOnce(&mut PoolConfig)) -> TxPool {
    let mut c = PoolConfig::new(CHAIN_ID, BLOCK_GAS_LIMIT);
    config(&mut c);
    TxPool::new(c)
}
