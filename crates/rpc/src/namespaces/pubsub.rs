//! `eth_subscribe` / `eth_unsubscribe` (WebSocket): `newHeads`, `logs`,
//! `newPendingTransactions`. Each subscription is a task that follows the
//! chain's bounded broadcast; a lagging one skips what it missed rather than
//! holding the chain back. Only future events are sent. Logs of blocks that
//! leave the chain (`evm_revert`) come again with `removed: true`.

use crate::context::RpcContext;
use crate::error::RpcError;
use crate::types::{FilterSpec, RpcHeader, RpcLog};
use basalt_chain::{LogEntry, NewBlock};
use jsonrpsee::core::{async_trait, SubscriptionResult};
use jsonrpsee::proc_macros::rpc;
use jsonrpsee::{PendingSubscriptionSink, SubscriptionMessage, SubscriptionSink};
use serde::Serialize;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

/// The subscription methods of `eth_`.
#[rpc(server, namespace = "eth")]
pub trait EthPubSubApi {
    /// Subscribes to `newHeads`, `logs` (with an optional filter) or
    /// `newPendingTransactions`.
    #[subscription(name = "subscribe" => "subscription", unsubscribe = "unsubscribe", item = serde_json::Value)]
    async fn subscribe(&self, kind: String, params: Option<FilterSpec>) -> SubscriptionResult;
}

/// The subscription implementation.
#[derive(Debug, Clone)]
pub struct EthPubSub {
    ctx: Arc<RpcContext>,
}

impl EthPubSub {
    /// Over the shared context.
    pub fn new(ctx: Arc<RpcContext>) -> Self {
        Self { ctx }
    }
}

async fn send<T: Serialize>(sink: &SubscriptionSink, item: &T) -> bool {
    match serde_json::value::to_raw_value(item) {
        Ok(raw) => sink.send(SubscriptionMessage::from(raw)).await.is_ok(),
        Err(_) => false,
    }
}

#[async_trait]
impl EthPubSubApiServer for EthPubSub {
    async fn subscribe(
        &self,
        pending: PendingSubscriptionSink,
        kind: String,
        params: Option<FilterSpec>,
    ) -> SubscriptionResult {
        match kind.as_str() {
            "newHeads" | "logs" => {
                let mut blocks = self.ctx.chain.subscribe();
                let sink = pending.accept().await?;
                let spec = params.unwrap_or_default();
                let heads = kind == "newHeads";
                tokio::spawn(async move {
                    loop {
                        let block = tokio::select! {
                            _ = sink.closed() => break,
                            block = blocks.recv() => block,
                        };
                        let block = match block {
                            Ok(block) => block,
                            Err(RecvError::Lagged(_)) => continue,
                            Err(RecvError::Closed) => break,
                        };
                        if heads {
                            // Blocks leaving the chain are not heads; their replacements are.
                            if !block.removed
                                && !send(&sink, &RpcHeader::from(block.header.as_ref())).await
                            {
                                break;
                            }
                            continue;
                        }
                        for log in block_logs(&block, &spec) {
                            if !send(&sink, &log).await {
                                return;
                            }
                        }
                    }
                });
            }
            "newPendingTransactions" => {
                let mut hashes = self.ctx.pending_txs.subscribe();
                let sink = pending.accept().await?;
                tokio::spawn(async move {
                    loop {
                        let hash = tokio::select! {
                            _ = sink.closed() => break,
                            hash = hashes.recv() => hash,
                        };
                        match hash {
                            Ok(hash) => {
                                if !send(&sink, &hash).await {
                                    break;
                                }
                            }
                            Err(RecvError::Lagged(_)) => continue,
                            Err(RecvError::Closed) => break,
                        }
                    }
                });
            }
            other => {
                pending
                    .reject(RpcError::InvalidParams(format!("unsupported subscription: {other}")))
                    .await;
            }
        }
        Ok(())
    }
}

/// The logs of a chain notification that match `spec`, flagged `removed` when
/// the block left the canonical chain.
pub(crate) fn block_logs(block: &NewBlock, spec: &FilterSpec) -> Vec<RpcLog> {
    if !spec.bloom_may_match(&block.header.header.logs_bloom) {
        return Vec::new();
    }
    block
        .logs()
        .filter(|(_, _, _, log)| spec.matches(log))
        .map(|(tx_index, tx_hash, log_index, log)| {
            let entry = LogEntry {
                log: log.clone(),
                block_number: block.header.header.number,
                block_hash: block.header.hash,
                transaction_hash: tx_hash,
                transaction_index: tx_index as u64,
                log_index: log_index as u64,
            };
            RpcLog { removed: block.removed, ..RpcLog::from(&entry) }
        })
        .collect()
}
