//! The staking contract's Solidity ABI (via `alloy-sol-types`), and conversions between
//! alloy's value types and Basalt's (`ethereum-types`).

#![allow(missing_docs)] // The `sol!` items are documented by the interface below.

use alloy_sol_types::{sol, SolError, SolEvent};
use basalt_primitives::{Address, Log, H256, U256};

sol! {
    /// The proof-of-stake staking system contract at `0x…1000`.
    ///
    /// Stake changes take effect from the next epoch; unstaked amounts stay slashable for
    /// `unbondingEpochs` whole epochs before `withdraw` pays them out.
    #[derive(Debug, PartialEq, Eq)]
    interface IStaking {
        /// Adds `msg.value` to the sender's stake (active from the next epoch).
        function stake() external payable;
        /// Moves `amount` of the sender's stake into its unbonding entry.
        function unstake(uint256 amount) external;
        /// Pays out the sender's unbonding entry once its release epoch is reached.
        function withdraw() external;
        /// Slashes the validator that sealed two different headers for one slot.
        function submitEvidence(bytes headerA, bytes headerB) external;

        /// The stake as it stands (active from the next epoch on).
        function stakeOf(address validator) external view returns (uint256);
        /// The stake active in `epoch` (the current epoch or later).
        function activeStake(address validator, uint64 epoch) external view returns (uint256);
        /// The validators active in the current epoch and their stakes, sorted by address.
        function validators() external view returns (address[] memory, uint256[] memory);
        /// The sender's unbonding entry: amount and the epoch from which it can be withdrawn.
        function unbonding(address validator) external view returns (uint256 amount, uint64 releaseEpoch);
        /// The sum of every validator's stake as it stands (unbonding amounts excluded).
        function totalBonded() external view returns (uint256);
        /// The epoch of the block being executed.
        function currentEpoch() external view returns (uint64);
        /// The proposer seed of `epoch` (final once epoch `epoch - 2` has ended).
        function epochSeed(uint64 epoch) external view returns (bytes32);

        /// `amount` was added to `validator`'s stake, active from `activeFromEpoch`.
        event Staked(address indexed validator, uint256 amount, uint64 activeFromEpoch);
        /// `amount` left `validator`'s stake; withdrawable from `releaseEpoch`.
        event Unstaked(address indexed validator, uint256 amount, uint64 releaseEpoch);
        /// `amount` of released unbonding stake was paid to `validator`.
        event Withdrawn(address indexed validator, uint256 amount);
        /// `offender` equivocated in `slot`; `amount` was slashed (the reporter's reward
        /// paid to `reporter`, the rest burned).
        event Slashed(address indexed offender, address indexed reporter, uint256 amount, uint64 slot);
    }
}

/// Basalt address → alloy address.
pub(crate) fn to_alloy_address(a: Address) -> alloy_primitives::Address {
    alloy_primitives::Address::from(a.0)
}

/// alloy address → Basalt address.
pub(crate) fn from_alloy_address(a: alloy_primitives::Address) -> Address {
    Address::from(a.0 .0)
}

/// Basalt U256 → alloy U256.
pub(crate) fn to_alloy_u256(v: U256) -> alloy_primitives::U256 {
    alloy_primitives::U256::from_be_bytes(v.to_big_endian())
}

/// alloy U256 → Basalt U256.
pub(crate) fn from_alloy_u256(v: alloy_primitives::U256) -> U256 {
    U256::from_big_endian(&v.to_be_bytes::<32>())
}

/// ABI-encoded `Error(string)`: what a Solidity `revert("…")` returns.
pub(crate) fn revert_data(reason: &str) -> Vec<u8> {
    alloy_sol_types::Revert::from(reason).abi_encode()
}

/// A log of `event` emitted by the contract at `address`.
pub(crate) fn log_of<E: SolEvent>(address: Address, event: &E) -> Log {
    let data = event.encode_log_data();
    Log {
        address,
        topics: data.topics().iter().map(|t| H256(t.0)).collect(),
        data: data.data.to_vec(),
    }
}
