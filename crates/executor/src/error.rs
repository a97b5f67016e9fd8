//! Why a transaction cannot be included, and fatal execution failures.

use basalt_primitives::{Address, ValidationError, U256};

/// Result of an execution step.
pub type Result<T, E = ExecutionError> = std::result::Result<T, E>;

/// A transaction that cannot be included in the block: the state is left
/// exactly as it was. Messages follow geth's wording, which clients match.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InvalidTransaction {
    /// Signed for another chain.
    #[error("invalid chain id: have {got}, want {expected}")]
    WrongChainId {
        /// The chain id in the transaction.
        got: u64,
        /// This chain's id.
        expected: u64,
    },
    /// A stateless rule failed (intrinsic gas, fee caps, overflow).
    #[error(transparent)]
    Stateless(#[from] ValidationError),
    /// The nonce was already used.
    #[error("nonce too low: address {sender:?}, tx: {tx} state: {state}")]
    NonceTooLow {
        /// Sender.
        sender: Address,
        /// Transaction nonce.
        tx: u64,
        /// Account nonce.
        state: u64,
    },
    /// The nonce leaves a gap.
    #[error("nonce too high: address {sender:?}, tx: {tx} state: {state}")]
    NonceTooHigh {
        /// Sender.
        sender: Address,
        /// Transaction nonce.
        tx: u64,
        /// Account nonce.
        state: u64,
    },
    /// The sender cannot pay `gas_limit * fee_cap + value`.
    #[error("insufficient funds for gas * price + value: address {sender:?} have {balance} want {needed}")]
    InsufficientFunds {
        /// Sender.
        sender: Address,
        /// Its balance.
        balance: U256,
        /// What the transaction may cost.
        needed: U256,
    },
    /// The fee cap is below the block's base fee.
    #[error(
        "max fee per gas less than block base fee: maxFeePerGas: {fee_cap}, baseFee: {base_fee}"
    )]
    FeeCapTooLow {
        /// The transaction's cap.
        fee_cap: U256,
        /// The block's base fee.
        base_fee: U256,
    },
    /// Not enough gas left in the block.
    #[error("gas limit reached: transaction wants {wanted}, block has {available} left")]
    BlockGasLimit {
        /// The transaction's gas limit.
        wanted: u64,
        /// Gas left in the block.
        available: u64,
    },
    /// The sender is a contract (EIP-3607).
    #[error("sender not an eoa: address {0:?}")]
    SenderNotEoa(Address),
}

/// A failure that stops block execution: the state backend failed.
#[derive(Debug, thiserror::Error)]
pub enum ExecutionError {
    /// The VM or the state failed fatally.
    #[error(transparent)]
    Vm(#[from] basalt_vm::VmError),
    /// The state failed.
    #[error(transparent)]
    State(#[from] basalt_state::Error),
    /// The staking contract's storage could not be read or written (boxed: it is large
    /// and rare).
    #[error(transparent)]
    Staking(Box<crate::staking::StakingError>),
    /// A block-level step was asked for at the wrong point of the block.
    #[error("{0}")]
    OutOfOrder(&'static str),
}

impl From<crate::staking::StakingError> for ExecutionError {
    fn from(e: crate::staking::StakingError) -> Self {
        ExecutionError::Staking(Box::new(e))
    }
}

/// Either an invalid transaction or a fatal error.
#[derive(Debug, thiserror::Error)]
pub enum TxError {
    /// The transaction cannot be included.
    #[error(transparent)]
    Invalid(#[from] InvalidTransaction),
    /// Execution failed fatally.
    #[error(transparent)]
    Fatal(#[from] ExecutionError),
}

impl From<basalt_state::Error> for TxError {
    fn from(e: basalt_state::Error) -> Self {
        TxError::Fatal(e.into())
    }
}
