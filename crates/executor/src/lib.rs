//! Basalt's executor: one transaction and one block.
//!
//! ```text
//!  SignedTransaction + sender ──► BlockExecutor::execute
//!      validity: chain id, stateless rules (intrinsic gas, fee caps),
//!                block gas left, fee cap ≥ base fee, nonce, EOA sender,
//!                balance ≥ gas_limit × fee_cap + value
//!      buy gas at the effective price ─► nonce+1 (calls; creates: the VM)
//!      warm sender, recipient, coinbase, access list (EIP-2929/2930/3651)
//!      Vm::execute(message) ─► refund (≤ used/5, EIP-3529) ─► return unused gas
//!      tip × gas_used to the coinbase; base fee × gas_used burned
//!      receipt (status, cumulative gas, logs, bloom)
//!  BlockExecutor::finish ─► block reward to the coinbase (PoW), receipts root,
//!                           bloom, gas used, state to commit
//! ```
//!
//! Before the first transaction, [`BlockExecutor::begin_block`] runs the
//! block-start hook of the proof-of-stake staking contract ([`staking`]): a
//! system contract at [`staking::STAKING_ADDRESS`] that this crate runs
//! natively for transactions and `eth_call` when the state holds it (only a
//! proof-of-stake genesis, [`build_genesis_for`], creates it). The PoS engine
//! reads each epoch's validator set and seed with [`staking::epoch_inputs`].
//!
//! An invalid transaction ([`InvalidTransaction`]) leaves the state exactly
//! as it was and is not included; an included transaction always pays for
//! its gas and bumps the nonce, whether its message succeeds, reverts or
//! fails. [`simulate_call`] and [`estimate_gas`] serve `eth_call` and
//! `eth_estimateGas` with the same pricing. [`next_base_fee`] is EIP-1559's
//! update rule; [`transactions_root`] and [`receipts_root`] are Ethereum's
//! index-keyed tries.

mod block;
mod call;
mod error;
mod genesis;
pub mod staking;

pub use block::{
    bloom_of, next_base_fee, receipts_root, transactions_root, BlockExecutor, BlockOutput,
    ExecutedTx, BASE_FEE_MAX_CHANGE_DENOMINATOR, ELASTICITY_MULTIPLIER, MAX_REFUND_QUOTIENT,
};
pub use call::{estimate_gas, intrinsic_gas, simulate_call, CallError, CallRequest, CallResult};
pub use error::{ExecutionError, InvalidTransaction, Result, TxError};
pub use genesis::{build_genesis, build_genesis_for, GenesisBlock, GenesisError};
pub use staking::{epoch_inputs, StakingError, StakingParams};
