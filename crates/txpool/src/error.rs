//! Errors of the transaction pool.
//!
//! Ethereum clients classify a rejected `eth_sendRawTransaction` by the
//! error's *text* (ethers, cast and viem match substrings such as "nonce too
//! low" or "replacement transaction underpriced"), so every variant's
//! `Display` starts with go-ethereum's exact wording, and adds detail after a
//! colon where geth does. The RPC layer maps variants to JSON-RPC codes; the
//! structured fields are for it and for logs.

use basalt_primitives::{Address, ValidationError, H256, U256};

/// Result with this crate's [`PoolError`].
pub type Result<T, E = PoolError> = core::result::Result<T, E>;

/// Why the pool refused a transaction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// The pool already holds a transaction with this hash.
    #[error("already known")]
    AlreadyKnown {
        /// The transaction's hash.
        hash: H256,
    },
    /// The transaction is signed for another chain (the caller normally catches this at
    /// sender recovery; the pool checks again).
    #[error("invalid chain id for signer: have {found} want {expected}")]
    WrongChainId {
        /// The pool's chain id.
        expected: u64,
        /// The transaction's chain id.
        found: u64,
    },
    /// The transaction asks for more gas than a block holds.
    #[error("exceeds block gas limit")]
    ExceedsBlockGasLimit {
        /// The transaction's gas limit.
        gas_limit: u64,
        /// The block gas limit.
        block_gas_limit: u64,
    },
    /// The transaction breaks a stateless rule (intrinsic gas, fee cap order, nonce cap,
    /// cost overflow); the message is geth's for the same rule.
    #[error("{}", validation_message(.0))]
    Invalid(ValidationError),
    /// The transaction's tip cap is below the pool's minimum.
    #[error("transaction underpriced: gas tip cap {tip_cap}, minimum needed {minimum}")]
    Underpriced {
        /// `maxPriorityFeePerGas`, or `gasPrice` for the fixed-price types.
        tip_cap: U256,
        /// [`crate::PoolConfig::min_priority_fee`].
        minimum: U256,
    },
    /// The nonce was already used by a mined transaction.
    #[error("nonce too low: address {sender:?}, tx: {nonce} state: {state_nonce}")]
    NonceTooLow {
        /// The sender.
        sender: Address,
        /// The transaction's nonce.
        nonce: u64,
        /// The sender's account nonce.
        state_nonce: u64,
    },
    /// A transaction with the same sender and nonce is pooled and this one does not raise
    /// both fee caps by the configured bump.
    #[error("replacement transaction underpriced")]
    ReplacementUnderpriced {
        /// The pooled transaction it would replace.
        existing: H256,
    },
    /// The sender cannot pay `value + gas_limit * max_fee` on top of its earlier pooled
    /// transactions.
    #[error(
        "insufficient funds for gas * price + value: address {sender:?} have {balance} want {cost}"
    )]
    InsufficientFunds {
        /// The sender.
        sender: Address,
        /// Its balance.
        balance: U256,
        /// The cost of this transaction plus its pooled predecessors'.
        cost: U256,
    },
    /// The sender has as many non-executable (queued) transactions as the pool keeps
    /// per sender.
    #[error("account limit exceeded: address {sender:?} has {limit} queued transactions")]
    AccountLimitExceeded {
        /// The sender.
        sender: Address,
        /// [`crate::PoolConfig::max_queued_per_sender`].
        limit: usize,
    },
    /// The pool is full and holds nothing cheaper that may be evicted.
    #[error("txpool is full")]
    PoolFull {
        /// [`crate::PoolConfig::max_total`].
        max_total: usize,
    },
}

/// geth's wording for the stateless rules (`core.ErrIntrinsicGas`, `core.ErrTipAboveFeeCap`,
/// `core.ErrNonceMax`, `core.ErrInsufficientFunds`).
fn validation_message(error: &ValidationError) -> String {
    match error {
        ValidationError::NonceMax { nonce } => format!("nonce has max value: nonce: {nonce}"),
        ValidationError::TipAboveFeeCap { max_priority_fee_per_gas, max_fee_per_gas } => format!(
            "max priority fee per gas higher than max fee per gas: maxPriorityFeePerGas: \
             {max_priority_fee_per_gas}, maxFeePerGas: {max_fee_per_gas}"
        ),
        ValidationError::GasCostOverflow { .. } | ValidationError::TotalCostOverflow { .. } => {
            "insufficient funds for gas * price + value: cost overflows 256 bits".to_owned()
        }
        ValidationError::IntrinsicGasTooLow { gas_limit, intrinsic_gas } => {
            format!("intrinsic gas too low: gas {gas_limit}, minimum needed {intrinsic_gas}")
        }
    }
}

impl From<ValidationError> for PoolError {
    fn from(error: ValidationError) -> Self {
        Self::Invalid(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_start_with_geths_wording() {
        let sender = Address::repeat_byte(1);
        let cases: [(PoolError, &str); 12] = [
            (PoolError::AlreadyKnown { hash: H256::zero() }, "already known"),
            (PoolError::WrongChainId { expected: 1, found: 2 }, "invalid chain id for signer"),
            (
                PoolError::ExceedsBlockGasLimit { gas_limit: 2, block_gas_limit: 1 },
                "exceeds block gas limit",
            ),
            (
                ValidationError::IntrinsicGasTooLow { gas_limit: 1, intrinsic_gas: 21_000 }.into(),
                "intrinsic gas too low",
            ),
            (
                ValidationError::TipAboveFeeCap {
                    max_priority_fee_per_gas: 2.into(),
                    max_fee_per_gas: 1.into(),
                }
                .into(),
                "max priority fee per gas higher than max fee per gas",
            ),
            (ValidationError::NonceMax { nonce: u64::MAX }.into(), "nonce has max value"),
            (
                ValidationError::TotalCostOverflow { value: U256::MAX }.into(),
                "insufficient funds for gas * price + value",
            ),
            (
                PoolError::Underpriced { tip_cap: 0.into(), minimum: 1.into() },
                "transaction underpriced",
            ),
            (PoolError::NonceTooLow { sender, nonce: 0, state_nonce: 1 }, "nonce too low"),
            (
                PoolError::ReplacementUnderpriced { existing: H256::zero() },
                "replacement transaction underpriced",
            ),
            (
                PoolError::InsufficientFunds { sender, balance: 0.into(), cost: 1.into() },
                "insufficient funds for gas * price + value",
            ),
            (PoolError::PoolFull { max_total: 0 }, "txpool is full"),
        ];
        for (error, prefix) in cases {
            assert!(error.to_string().starts_with(prefix), "{error}");
        }
        let limit = PoolError::AccountLimitExceeded { sender, limit: 3 };
        assert!(limit.to_string().starts_with("account limit exceeded"));
        assert_eq!(
            PoolError::NonceTooLow { sender, nonce: 0, state_nonce: 1 }.to_string(),
            "nonce too low: address 0x0101010101010101010101010101010101010101, tx: 0 state: 1"
        );
    }
}
