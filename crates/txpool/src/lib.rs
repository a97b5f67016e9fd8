//! The transaction pool: pending and queued transactions by sender and nonce,
//! fee ordering, replacement and limits (in the manner of anvil's and reth's pools).
//!
//! ```text
//!  eth_sendRawTransaction / gossip
//!        │ decode, recover_sender_for_chain (caller)
//!        ▼
//!  TxPool::add(tx, sender, account, base_fee) ──► PoolError (geth's wording)
//!        │ already known? chain id, block gas limit, stateless rules, min tip,
//!        │ nonce too low? replacement bump, funds (cumulative), per-sender and
//!        │ global limits (evict another sender's cheapest tail)
//!        ▼
//!  per sender: BTreeMap<nonce, Arc<PooledTx>>
//!        ├── pending: gapless run from the account nonce, affordable, ≤ max_pending
//!        └── queued:  the rest (gap, balance, overflow)       ─► drain_new_pending()
//!        │
//!        ├─► best_transactions(base_fee) ─► block producer (tip order, nonce order)
//!        ▼
//!  on_new_block(mined, accounts, base_fee): drop mined / stale / unpayable,
//!                                           promote and demote
//! ```
//!
//! # Design
//!
//! - **Synchronous core.** [`TxPool`] is plain data with `&mut self` methods and
//!   no runtime, threads or clocks; the node's pool task (or a `Mutex`) owns it.
//!   The caller recovers senders (CPU-heavy, off the lock) and supplies account
//!   state ([`AccountState`]) at the current head, so the pool never reads the
//!   state itself.
//! - **Pending is a prefix.** For each sender the pooled transactions sit in a
//!   nonce-ordered map; the pending ones are always the longest run `nonce,
//!   nonce+1, …` from the account nonce whose cumulative cost
//!   (`value + gas_limit * fee_cap`) fits the balance, capped at
//!   [`PoolConfig::max_pending_per_sender`]. Everything after the run is queued.
//!   Every change re-derives the split, so promotion and demotion cannot drift.
//! - **Admission is all-or-nothing.** [`TxPool::add`] computes the sender's new
//!   layout on a copy, checks every rule, and only then commits.
//! - **Replacement** (same sender and nonce) follows geth: both the fee cap and
//!   the tip cap must rise by at least [`PoolConfig::price_bump_percent`].
//! - **Limits.** Queued transactions are capped per sender; the pool as a whole
//!   at [`PoolConfig::max_total`]. When full, the newcomer may evict the lowest
//!   ranked *highest-nonce* transaction of another sender (queued before pending,
//!   then lowest effective tip), so no remaining transaction ever loses a
//!   predecessor; if nothing ranks below it, the newcomer is refused.
//! - **Ordering.** [`TxPool::best_transactions`] yields pending transactions by
//!   effective tip under a base fee, highest first, ties by arrival, each
//!   sender's in nonce order; transactions whose fee cap is below the base fee
//!   wait (with their successors).
//! - **Notifications** are pulled: [`TxPool::drain_new_pending`] returns the
//!   hashes that became pending since the last call (bounded buffer).
//! - **Determinism.** Senders are kept in a `BTreeMap`, arrival order is a
//!   counter: the same calls give the same order, in tests and on every node.

mod best;
mod config;
mod error;
mod pool;
mod pooled;
mod sender;

pub use best::BestTransactions;
pub use config::{
    PoolConfig, DEFAULT_MAX_PENDING_PER_SENDER, DEFAULT_MAX_QUEUED_PER_SENDER, DEFAULT_MAX_TOTAL,
    DEFAULT_PRICE_BUMP_PERCENT,
};
pub use error::{PoolError, Result};
pub use pool::{AddOutcome, BlockUpdate, PoolContent, PoolStatus, TxPool};
pub use pooled::{AccountState, PooledTx, TxStatus};
