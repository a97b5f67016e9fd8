//! The `txpool_` namespace (geth's shapes).

use crate::context::RpcContext;
use crate::error::RpcResult;
use crate::types::RpcTransaction;
use basalt_primitives::{Address, U64};
use basalt_txpool::PooledTx;
use jsonrpsee::proc_macros::rpc;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Pending and queued counts.
#[derive(Clone, Debug, Serialize)]
pub struct TxPoolStatus {
    /// Executable transactions.
    pub pending: U64,
    /// Waiting transactions.
    pub queued: U64,
}

/// Pooled transactions by sender and nonce.
#[derive(Clone, Debug, Serialize)]
pub struct TxPoolContent<T> {
    /// Executable transactions.
    pub pending: BTreeMap<Address, BTreeMap<String, T>>,
    /// Waiting transactions.
    pub queued: BTreeMap<Address, BTreeMap<String, T>>,
}

/// The `txpool_` methods.
#[rpc(server, namespace = "txpool")]
pub trait TxPoolApi {
    /// Counts.
    #[method(name = "status")]
    fn status(&self) -> RpcResult<TxPoolStatus>;
    /// Every pooled transaction.
    #[method(name = "content")]
    fn content(&self) -> RpcResult<TxPoolContent<RpcTransaction>>;
    /// A one-line summary of every pooled transaction.
    #[method(name = "inspect")]
    fn inspect(&self) -> RpcResult<TxPoolContent<String>>;
}

/// The `txpool_` implementation.
#[derive(Debug, Clone)]
pub struct TxPoolApi {
    ctx: Arc<RpcContext>,
}

impl TxPoolApi {
    /// Over the shared context.
    pub fn new(ctx: Arc<RpcContext>) -> Self {
        Self { ctx }
    }

    fn map<T>(&self, f: impl Fn(&PooledTx) -> T) -> TxPoolContent<T> {
        let content = self.ctx.pool.lock().content();
        let convert = |side: BTreeMap<Address, BTreeMap<u64, Arc<PooledTx>>>| {
            side.into_iter()
                .map(|(a, txs)| {
                    (a, txs.into_iter().map(|(n, tx)| (n.to_string(), f(&tx))).collect())
                })
                .collect()
        };
        TxPoolContent { pending: convert(content.pending), queued: convert(content.queued) }
    }
}

impl TxPoolApiServer for TxPoolApi {
    fn status(&self) -> RpcResult<TxPoolStatus> {
        let s = self.ctx.pool.lock().status();
        Ok(TxPoolStatus { pending: (s.pending as u64).into(), queued: (s.queued as u64).into() })
    }

    fn content(&self) -> RpcResult<TxPoolContent<RpcTransaction>> {
        Ok(self.map(|tx| RpcTransaction::new(tx.transaction(), tx.sender(), None)))
    }

    fn inspect(&self) -> RpcResult<TxPoolContent<String>> {
        Ok(self.map(|tx| {
            let inner = tx.transaction().transaction();
            let to = inner.to().map_or("contract creation".to_owned(), |a| format!("{a:?}"));
            format!(
                "{to}: {} wei + {} gas × {} wei",
                inner.value(),
                inner.gas_limit(),
                inner.max_fee_per_gas()
            )
        }))
    }
}
