//! Polled filters (`eth_newFilter`, `eth_newBlockFilter`,
//! `eth_newPendingTransactionFilter`): each keeps a cursor and expires after
//! [`FILTER_TIMEOUT`] without a poll, as geth's do.

use crate::types::FilterSpec;
use basalt_chain::NewBlock;
use basalt_primitives::{H256, U256};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// A filter not polled for this long is removed (geth: 5 minutes).
pub const FILTER_TIMEOUT: Duration = Duration::from_secs(300);

/// Most filters installed at once.
pub const MAX_FILTERS: usize = 10_000;

/// What a filter watches.
#[derive(Debug)]
pub enum FilterKind {
    /// New blocks: the next block number to report.
    Blocks {
        /// First block not yet reported.
        next: u64,
        /// Chain notifications: a reorg below `next` rewinds it.
        events: broadcast::Receiver<Arc<NewBlock>>,
    },
    /// Logs matching a spec, from a block on.
    Logs {
        /// The criteria.
        spec: FilterSpec,
        /// First block of the filter (`latest` resolved at creation).
        start: u64,
        /// First block not yet scanned.
        next: u64,
        /// Last block (None follows the head).
        to: Option<u64>,
        /// Chain notifications: logs of blocks that left the chain below `next`
        /// are reported again with `removed: true`, and `next` rewinds.
        events: broadcast::Receiver<Arc<NewBlock>>,
    },
    /// Hashes of transactions that became pending.
    PendingTransactions {
        /// Announcements since the last poll.
        receiver: broadcast::Receiver<H256>,
    },
}

/// An installed filter.
#[derive(Debug)]
pub struct Filter {
    /// What it watches.
    pub kind: FilterKind,
    /// Last poll (or creation).
    pub last_poll: Instant,
}

/// The installed filters by id.
#[derive(Debug, Default)]
pub struct FilterStore {
    inner: Mutex<(u64, HashMap<U256, Filter>)>,
}

impl FilterStore {
    /// Installs a filter and returns its id; `None` when too many are installed.
    pub fn install(&self, kind: FilterKind) -> Option<U256> {
        let mut inner = self.inner.lock();
        Self::expire(&mut inner.1);
        if inner.1.len() >= MAX_FILTERS {
            return None;
        }
        inner.0 += 1;
        let id = U256::from(inner.0);
        inner.1.insert(id, Filter { kind, last_poll: Instant::now() });
        Some(id)
    }

    /// Removes a filter; whether it existed.
    pub fn uninstall(&self, id: U256) -> bool {
        self.inner.lock().1.remove(&id).is_some()
    }

    /// Runs `f` on the filter (marking it polled); `None` when unknown or expired.
    pub fn with<T>(&self, id: U256, f: impl FnOnce(&mut Filter) -> T) -> Option<T> {
        let mut inner = self.inner.lock();
        Self::expire(&mut inner.1);
        let filter = inner.1.get_mut(&id)?;
        filter.last_poll = Instant::now();
        Some(f(filter))
    }

    fn expire(filters: &mut HashMap<U256, Filter>) {
        filters.retain(|_, f| f.last_poll.elapsed() < FILTER_TIMEOUT);
    }
}

/// Drains a filter's chain notifications: every block that left the chain at
/// or below `next - 1` (already reported) is returned, newest first, and
/// `next` moves back to the lowest of them so their replacements are
/// reported. The channel is bounded: a filter polled so rarely that more than
/// its capacity (1,024 blocks) passed loses the oldest notifications, which
/// is logged.
pub fn drain_removed(
    events: &mut broadcast::Receiver<Arc<NewBlock>>,
    next: &mut u64,
) -> Vec<Arc<NewBlock>> {
    let mut removed = Vec::new();
    loop {
        match events.try_recv() {
            Ok(block) if block.removed && block.header.header.number < *next => {
                *next = (*next).min(block.header.header.number);
                removed.push(block);
            }
            Ok(_) => {}
            Err(broadcast::error::TryRecvError::Lagged(missed)) => {
                tracing::warn!(target: "basalt::rpc", missed, "a polled filter missed chain notifications");
            }
            Err(_) => break,
        }
    }
    removed
}
