//! What every namespace shares: the chain, the pool, the block producer, the
//! node's keys, the filters, and the helpers that resolve blocks, read state
//! and admit transactions.

use crate::accounts::DevAccounts;
use crate::error::{RpcError, RpcResult};
use crate::filters::FilterStore;
use crate::producer::BlockProducer;
use crate::types::BlockId;
use basalt_chain::{Chain, SealedHeader, StoredReceipt};
use basalt_primitives::{Account, Address, SignedTransaction, UnprotectedPolicy, H256, U256};
use basalt_txpool::{AccountState, TxPool, TxStatus};
use basalt_vm::BlockEnv;
use parking_lot::Mutex;
use std::collections::HashSet;
use std::sync::Arc;
use tokio::sync::{broadcast, Semaphore};

/// A mined transaction: itself, its stored receipt, its block's header and
/// its index in the block.
pub type MinedTransaction = (SignedTransaction, StoredReceipt, Arc<SealedHeader>, usize);

/// Settings of the RPC layer.
#[derive(Clone, Debug)]
pub struct RpcConfig {
    /// The chain id every transaction must carry.
    pub chain_id: u64,
    /// Whether pre-EIP-155 transactions are accepted over RPC.
    pub unprotected: UnprotectedPolicy,
    /// What `web3_clientVersion` answers.
    pub client_version: String,
    /// Most blocks one `eth_getLogs` may scan.
    pub max_log_block_range: u64,
    /// Most logs one `eth_getLogs` may return.
    pub max_logs: usize,
    /// Most simulations (`eth_call`, `eth_estimateGas`) running at once.
    pub max_concurrent_calls: usize,
    /// The tip `eth_maxPriorityFeePerGas` suggests.
    pub suggested_tip: U256,
}

impl RpcConfig {
    /// Defaults for a chain.
    pub fn new(chain_id: u64) -> Self {
        Self {
            chain_id,
            unprotected: UnprotectedPolicy::Reject,
            client_version: format!("basalt/v{}", env!("CARGO_PKG_VERSION")),
            max_log_block_range: 10_000,
            max_logs: 10_000,
            max_concurrent_calls: 4,
            suggested_tip: U256::from(1_000_000_000u64),
        }
    }
}

/// Shared state of the RPC namespaces.
pub struct RpcContext {
    /// The chain.
    pub chain: Arc<Chain>,
    /// The transaction pool.
    pub pool: Arc<Mutex<TxPool>>,
    /// The block producer (miner).
    pub producer: Arc<dyn BlockProducer>,
    /// Keys the node signs with.
    pub accounts: DevAccounts,
    /// Settings.
    pub config: RpcConfig,
    /// Hashes of transactions that became pending (subscriptions, filters).
    pub pending_txs: broadcast::Sender<H256>,
    /// Installed filters.
    pub filters: FilterStore,
    /// Bounds concurrent simulations (each may run a VM on a blocking thread).
    pub call_permits: Semaphore,
    /// Accounts `eth_sendTransaction` may send from without a key
    /// (`anvil_impersonateAccount`).
    pub impersonated: Mutex<HashSet<Address>>,
    /// `evm_snapshot` ids and the head each saved.
    pub snapshots: Mutex<(u64, std::collections::BTreeMap<u64, H256>)>,
    /// The peer-to-peer network, when the node has one.
    pub network: Option<Arc<dyn crate::NetworkAccess>>,
}

impl std::fmt::Debug for RpcContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RpcContext").field("config", &self.config).finish_non_exhaustive()
    }
}

impl RpcContext {
    /// Builds the context.
    pub fn new(
        chain: Arc<Chain>,
        pool: Arc<Mutex<TxPool>>,
        producer: Arc<dyn BlockProducer>,
        accounts: DevAccounts,
        config: RpcConfig,
    ) -> Self {
        let (pending_txs, _) = broadcast::channel(4096);
        let call_permits = Semaphore::new(config.max_concurrent_calls.max(1));
        Self {
            chain,
            pool,
            producer,
            accounts,
            config,
            pending_txs,
            filters: FilterStore::default(),
            call_permits,
            impersonated: Mutex::new(HashSet::new()),
            snapshots: Mutex::default(),
            network: None,
        }
    }

    /// Attaches the peer-to-peer network (admin methods, gossip of submitted
    /// transactions, sync status).
    pub fn with_network(mut self, network: Arc<dyn crate::NetworkAccess>) -> Self {
        self.network = Some(network);
        self
    }

    /// The header a block id names, if known (`pending` reads the head).
    pub fn header(&self, id: BlockId) -> RpcResult<Option<Arc<SealedHeader>>> {
        Ok(match id {
            BlockId::Latest | BlockId::Pending => Some(self.chain.head()),
            BlockId::Earliest => self.chain.header_by_number(0)?,
            BlockId::Number(n) => self.chain.header_by_number(n)?,
            BlockId::Hash(h) => self.chain.header_by_hash(h)?,
        })
    }

    /// Like [`Self::header`], failing with "header not found".
    pub fn require_header(&self, id: BlockId) -> RpcResult<Arc<SealedHeader>> {
        self.header(id)?.ok_or(RpcError::HeaderNotFound)
    }

    /// The number a block id names (for ranges), clamped to the head.
    pub fn block_number(&self, id: BlockId) -> RpcResult<u64> {
        let head = self.chain.head().header.number;
        Ok(match id {
            BlockId::Latest | BlockId::Pending => head,
            BlockId::Earliest => 0,
            BlockId::Number(n) => n,
            BlockId::Hash(h) => self.require_header(BlockId::Hash(h))?.header.number,
        })
    }

    /// The account at `address` after block `id` (default when absent).
    pub fn account(&self, address: Address, id: BlockId) -> RpcResult<Account> {
        let header = self.require_header(id)?;
        Ok(self.chain.reader_at(&header.header).account(&address)?.unwrap_or_default())
    }

    /// The block environment a simulation at `id` runs in: the block's own
    /// for a mined block, the next block's for `pending`.
    pub fn call_env(&self, id: BlockId) -> RpcResult<(Arc<SealedHeader>, BlockEnv)> {
        let header = self.require_header(id)?;
        let env = if id == BlockId::Pending {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or_default();
            self.chain.child_env(
                &header.header,
                now.max(header.header.timestamp + 1),
                header.header.beneficiary,
            )
        } else {
            let h = &header.header;
            BlockEnv {
                number: h.number,
                timestamp: h.timestamp,
                coinbase: h.beneficiary,
                gas_limit: h.gas_limit,
                base_fee: h.base_fee_per_gas.unwrap_or_default(),
                prevrandao: h.mix_hash,
                chain_id: self.config.chain_id,
            }
        };
        Ok((header, env))
    }

    /// The base fee of the next block.
    pub fn next_base_fee(&self) -> U256 {
        self.chain.child_base_fee(&self.chain.head().header)
    }

    /// The nonce `pending` answers: after the sender's pooled run.
    pub fn pending_nonce(&self, address: Address) -> RpcResult<u64> {
        let state = self.account(address, BlockId::Latest)?.nonce;
        Ok(self.pool.lock().pending_nonce(address, state))
    }

    /// Admits a signed transaction: recover the sender for this chain, check
    /// it against the head's state in the pool, announce it, and let the
    /// producer know (in automine mode this returns once it is mined).
    pub async fn submit(&self, tx: SignedTransaction) -> RpcResult<H256> {
        let sender = tx.recover_sender_for_chain(self.config.chain_id, self.config.unprotected)?;
        self.submit_from(tx, sender).await
    }

    /// [`Self::submit`] with a known sender.
    pub async fn submit_from(&self, tx: SignedTransaction, sender: Address) -> RpcResult<H256> {
        self.admit(tx, sender, true).await
    }

    /// Admits a transaction to the pool; `gossip` says whether to hand it to
    /// the network (not for one that came from there: gossipsub forwards
    /// those itself once validated).
    pub async fn admit(
        &self,
        tx: SignedTransaction,
        sender: Address,
        gossip: bool,
    ) -> RpcResult<H256> {
        let account_at = |head: &SealedHeader| -> RpcResult<_> {
            Ok(self.chain.reader_at(&head.header).account(&sender)?.unwrap_or_default())
        };
        let head = self.chain.head();
        let account = account_at(&head)?;
        let tx_copy = (gossip && self.network.is_some()).then(|| tx.clone());
        let outcome = {
            let mut pool = self.pool.lock();
            // The pool must not see an account older than the head it was last
            // updated to: with the miner's block (and its pool update) landing
            // between the read above and the lock, a stale nonce would make this
            // transaction look like it follows a gap and park it as queued, where
            // nothing would promote it until another block. The pool is updated
            // after the head moves and under this lock, so reading at the current
            // head now is new enough; it is rare, so the read above stays outside.
            let current = self.chain.head();
            let (head, account) = if current.hash == head.hash {
                (head, account)
            } else {
                let account = account_at(&current)?;
                (current, account)
            };
            let base_fee = self.chain.child_base_fee(&head.header);
            pool.add(
                tx,
                sender,
                AccountState { nonce: account.nonce, balance: account.balance },
                base_fee,
            )?
        };
        let hash = outcome.hash;
        if let (Some(network), Some(tx)) = (&self.network, &tx_copy) {
            network.broadcast_transaction(tx);
        }
        if outcome.status == TxStatus::Pending {
            // No subscriber is fine.
            let _ = self.pending_txs.send(hash);
        }
        for promoted in &outcome.promoted {
            let _ = self.pending_txs.send(*promoted);
        }
        if outcome.status == TxStatus::Pending || !outcome.promoted.is_empty() {
            self.producer.transactions_ready().await.map_err(RpcError::Producer)?;
        }
        Ok(hash)
    }

    /// A mined transaction by hash: the transaction, its sender, its block
    /// header and its index.
    pub fn mined_transaction(&self, hash: H256) -> RpcResult<Option<MinedTransaction>> {
        let Some(location) = self.chain.transaction_location(hash)? else { return Ok(None) };
        let Some(header) = self.chain.header_by_hash(location.block_hash)? else { return Ok(None) };
        let index = location.index as usize;
        let body = self.chain.body(location.block_hash)?.unwrap_or_default();
        let receipts = self.chain.receipts(location.block_hash)?.unwrap_or_default();
        match (body.get(index), receipts.get(index)) {
            (Some(tx), Some(r)) => Ok(Some((tx.clone(), r.clone(), header, index))),
            _ => Ok(None),
        }
    }
}
