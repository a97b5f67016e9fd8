//! `Compute`: a CPU benchmark, the same function as its Solidity twin run on
//! revm, so the two can be compared result for result and gas for gas.
//!
//! ```solidity
//! function compute(uint64 n) pure returns (uint64 x)
//! ```
//!
//! ```text
//! x = 1
//! for i in 0..n:
//!     x = x * 6364136223846793005 + 1442695040888963407 + i   (mod 2^64)
//!     x ^= x >> 29
//!     if i & 63 == 0:
//!         x ^= u64::from_be_bytes(keccak256(x.to_be_bytes())[24..32])
//! return x
//! ```
//!
//! keccak256 goes through the host, as Solidity's `keccak256` is an opcode.
#![cfg_attr(not(test), no_std)]

use basalt_sdk::crypto::keccak256;

/// No storage.
#[basalt_sdk::contract]
pub struct Compute;

#[basalt_sdk::methods]
impl Compute {
    /// The benchmark loop (see the crate docs).
    pub fn compute(n: u64) -> u64 {
        let mut x: u64 = 1;
        for i in 0..n {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407)
                .wrapping_add(i);
            x ^= x >> 29;
            if i & 63 == 0 {
                let hash = keccak256(x.to_be_bytes());
                let mut low = [0u8; 8];
                low.copy_from_slice(&hash[24..32]);
                x ^= u64::from_be_bytes(low);
            }
        }
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use basalt_sdk::primitives::keccak256 as reference_keccak;
    use basalt_sdk::Contract;

    /// The loop written independently (reference keccak, no SDK).
    fn reference(n: u64) -> u64 {
        let mut x: u64 = 1;
        for i in 0..n {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407)
                .wrapping_add(i);
            x ^= x >> 29;
            if i & 63 == 0 {
                let h = reference_keccak(x.to_be_bytes());
                x ^= u64::from_be_bytes(h[24..32].try_into().unwrap());
            }
        }
        x
    }

    #[test]
    fn matches_the_reference_through_the_abi() {
        let _vm = basalt_sdk::testing::TestVm::new();
        for n in [0u64, 1, 2, 63, 64, 65, 1000] {
            let mut calldata = Compute::COMPUTE_SELECTOR.to_vec();
            let mut arg = [0u8; 32];
            arg[24..].copy_from_slice(&n.to_be_bytes());
            calldata.extend_from_slice(&arg);
            let out = Compute::dispatch(&calldata).unwrap();
            assert_eq!(out.len(), 32);
            assert_eq!(&out[..24], &[0u8; 24]);
            assert_eq!(u64::from_be_bytes(out[24..].try_into().unwrap()), reference(n), "n = {n}");
        }
        // Values from an independent Python implementation (eth-hash keccak).
        assert_eq!(reference(0), 1);
        assert_eq!(reference(1), 7345952301819220844);
        assert_eq!(reference(64), 8284789563977159497);
        assert_eq!(reference(1000), 12344503913170985796);
    }

    #[test]
    fn selector_and_abi() {
        // keccak256("compute(uint64)")[..4]
        assert_eq!(Compute::COMPUTE_SELECTOR, [0x2b, 0x64, 0x6c, 0x3f]);
        assert!(Compute::ABI_JSON.contains(r#""stateMutability":"pure""#));
    }
}
