//! Pool limits and policy.

use basalt_primitives::U256;

/// Default [`PoolConfig::max_pending_per_sender`].
pub const DEFAULT_MAX_PENDING_PER_SENDER: usize = 1024;
/// Default [`PoolConfig::max_queued_per_sender`].
pub const DEFAULT_MAX_QUEUED_PER_SENDER: usize = 256;
/// Default [`PoolConfig::max_total`].
pub const DEFAULT_MAX_TOTAL: usize = 8192;
/// Default [`PoolConfig::price_bump_percent`]: geth's `--txpool.pricebump`.
pub const DEFAULT_PRICE_BUMP_PERCENT: u64 = 10;

/// What the pool accepts and how much it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolConfig {
    /// The chain's id: a transaction carrying another one is refused.
    pub chain_id: u64,
    /// The block gas limit: a transaction asking for more is refused.
    pub block_gas_limit: u64,
    /// Most pending (executable) transactions per sender. Executable transactions beyond
    /// this wait in queued until their predecessors are mined.
    pub max_pending_per_sender: usize,
    /// Most queued transactions per sender (nonce gaps, unaffordable, or beyond
    /// `max_pending_per_sender`); more is [`crate::PoolError::AccountLimitExceeded`].
    pub max_queued_per_sender: usize,
    /// Most transactions in the pool; beyond it the cheapest evictable transaction of
    /// another sender makes room, or the newcomer is refused ([`crate::PoolError::PoolFull`]).
    pub max_total: usize,
    /// How much (in percent) a replacement must raise both the fee cap and the tip cap.
    pub price_bump_percent: u64,
    /// The lowest tip cap (`maxPriorityFeePerGas`, or `gasPrice`) accepted; zero accepts all.
    pub min_priority_fee: U256,
}

impl PoolConfig {
    /// The defaults for a chain: geth's 10% price bump, no minimum tip, and the
    /// `DEFAULT_*` limits of this module.
    pub fn new(chain_id: u64, block_gas_limit: u64) -> Self {
        Self {
            chain_id,
            block_gas_limit,
            max_pending_per_sender: DEFAULT_MAX_PENDING_PER_SENDER,
            max_queued_per_sender: DEFAULT_MAX_QUEUED_PER_SENDER,
            max_total: DEFAULT_MAX_TOTAL,
            price_bump_percent: DEFAULT_PRICE_BUMP_PERCENT,
            min_priority_fee: U256::zero(),
        }
    }
}
