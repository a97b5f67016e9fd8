//! Conversions between basalt's Ethereum types and alloy's, for tests that
//! ABI-encode with alloy-sol-types (an independent Solidity ABI codec).
#![allow(dead_code, unreachable_pub)]

pub fn alloy_address(a: basalt_primitives::Address) -> alloy_primitives::Address {
    alloy_primitives::Address::from_slice(a.as_bytes())
}

pub fn basalt_address(a: alloy_primitives::Address) -> basalt_primitives::Address {
    basalt_primitives::Address::from_slice(a.as_slice())
}

pub fn basalt_h256(b: alloy_primitives::B256) -> basalt_primitives::H256 {
    basalt_primitives::H256::from_slice(b.as_slice())
}

/// Decodes a Solidity `Error(string)` revert.
pub fn revert_reason(output: &[u8]) -> String {
    use alloy_sol_types::SolError;
    alloy_sol_types::Revert::abi_decode(output)
        .map(|r| r.reason)
        .unwrap_or_else(|e| panic!("not an Error(string) revert: {e} ({})", hex::encode(output)))
}
