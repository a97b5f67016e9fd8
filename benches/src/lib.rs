//! Shared fixtures for Basalt's criterion benchmarks (`cargo bench -p basalt-benches`).
//!
//! Benchmarks live in `benches/benches/`, one file per topic; peers (alloy-trie,
//! revm, and later anvil) run side by side in the same process or run so
//! the ratio comes from one measurement.
//!
//! - [`state_entries`]: account entries for the trie benches.
//! - [`node_proc`]: node processes (basalt, anvil) and a JSON-RPC connection.
//! - [`revm_peer`]: the EVM side of the contract benches (ERC-20 transfer,
//!   compute loop) on revm, from Solidity compiled once into
//!   `fixtures/solidity/build/`.

pub mod node_proc;
pub mod revm_peer;

use basalt_primitives::{keccak256, Account, Address, H256, U256};

/// `n` accounts as a state trie would hold them: `(keccak256(address), rlp(account))`,
/// deterministic for a given `n`.
pub fn state_entries(n: u64) -> Vec<(H256, Vec<u8>)> {
    (0..n)
        .map(|i| {
            let address = Address::from_low_u64_be(i + 1);
            let account = Account {
                nonce: i % 7,
                balance: U256::from(i) * U256::exp10(18),
                ..Account::default()
            };
            (keccak256(address.as_bytes()), basalt_primitives::rlp::encode(&account).to_vec())
        })
        .collect()
}
