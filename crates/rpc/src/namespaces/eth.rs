//! The `eth_` namespace: chain and state queries, simulations, transaction
//! submission and signing, blocks, transactions, receipts, logs and polled
//! filters. Subscriptions are in [`super::pubsub`].

use crate::context::RpcContext;
use crate::error::{RpcError, RpcResult};
use crate::filters::{drain_removed, FilterKind};
use crate::namespaces::pubsub::block_logs;
use crate::types::{
    block_receipts, to_access_list, BlockId, BlockNumberOrTag, Bytes, FeeHistory, FilterSpec,
    Quantity, RpcAccountProof, RpcBlock, RpcLog, RpcReceipt, RpcStorageProof, RpcTransaction,
    StateOverride, TransactionRequest, TxPosition,
};
use basalt_chain::{ChainState, NewBlock, SealedHeader};
use basalt_executor::{estimate_gas, simulate_call, CallRequest};
use basalt_primitives::{
    keccak256, Address, Signature, SignedTransaction, Transaction, TxEip1559, TxKind, TxLegacy,
    H256, U256, U64,
};
use basalt_vm::{Failure, Status};
use jsonrpsee::core::async_trait;
use jsonrpsee::proc_macros::rpc;
use serde_json::Value;
use std::sync::Arc;

/// The `eth_` methods.
#[rpc(server, namespace = "eth")]
pub trait EthApi {
    /// EIP-155 chain id.
    #[method(name = "chainId")]
    fn chain_id(&self) -> RpcResult<U64>;
    /// Head block number.
    #[method(name = "blockNumber")]
    fn block_number(&self) -> RpcResult<U64>;
    /// `false`, or the progress of the sync in progress (`startingBlock`,
    /// `currentBlock`, `highestBlock`).
    #[method(name = "syncing")]
    fn syncing(&self) -> RpcResult<serde_json::Value>;
    /// The node's accounts.
    #[method(name = "accounts")]
    fn accounts(&self) -> RpcResult<Vec<Address>>;
    /// The beneficiary of produced blocks.
    #[method(name = "coinbase")]
    fn coinbase(&self) -> RpcResult<Address>;
    /// Whether the node produces blocks.
    #[method(name = "mining")]
    fn mining(&self) -> RpcResult<bool>;
    /// Hashes per second of the node's proof-of-work miner.
    #[method(name = "hashrate")]
    fn hashrate(&self) -> RpcResult<U64>;
    /// Legacy gas price suggestion: next base fee + suggested tip.
    #[method(name = "gasPrice")]
    fn gas_price(&self) -> RpcResult<U256>;
    /// Suggested tip.
    #[method(name = "maxPriorityFeePerGas")]
    fn max_priority_fee_per_gas(&self) -> RpcResult<U256>;
    /// Base fees, gas ratios and tip percentiles of recent blocks.
    #[method(name = "feeHistory")]
    async fn fee_history(
        &self,
        block_count: Quantity,
        newest: BlockNumberOrTag,
        percentiles: Option<Vec<f64>>,
    ) -> RpcResult<FeeHistory>;
    /// Balance at a block.
    #[method(name = "getBalance")]
    async fn balance(&self, address: Address, block: Option<BlockId>) -> RpcResult<U256>;
    /// Nonce at a block (`pending` counts pooled transactions).
    #[method(name = "getTransactionCount")]
    async fn transaction_count(&self, address: Address, block: Option<BlockId>) -> RpcResult<U64>;
    /// Code at a block.
    #[method(name = "getCode")]
    async fn code(&self, address: Address, block: Option<BlockId>) -> RpcResult<Bytes>;
    /// A storage word at a block.
    #[method(name = "getStorageAt")]
    async fn storage_at(
        &self,
        address: Address,
        slot: Quantity,
        block: Option<BlockId>,
    ) -> RpcResult<H256>;
    /// EIP-1186 account and storage proof.
    #[method(name = "getProof")]
    async fn proof(
        &self,
        address: Address,
        slots: Vec<H256>,
        block: Option<BlockId>,
    ) -> RpcResult<RpcAccountProof>;
    /// Runs a call without a transaction.
    #[method(name = "call")]
    async fn call(
        &self,
        request: TransactionRequest,
        block: Option<BlockId>,
        overrides: Option<StateOverride>,
    ) -> RpcResult<Bytes>;
    /// The gas a transaction needs.
    #[method(name = "estimateGas")]
    async fn estimate_gas(
        &self,
        request: TransactionRequest,
        block: Option<BlockId>,
    ) -> RpcResult<U64>;
    /// Submits a signed transaction.
    #[method(name = "sendRawTransaction")]
    async fn send_raw_transaction(&self, raw: Bytes) -> RpcResult<H256>;
    /// Signs with a node key and submits.
    #[method(name = "sendTransaction")]
    async fn send_transaction(&self, request: TransactionRequest) -> RpcResult<H256>;
    /// Signs with a node key; returns the raw transaction.
    #[method(name = "signTransaction")]
    async fn sign_transaction(&self, request: TransactionRequest) -> RpcResult<Bytes>;
    /// Fills a request's missing fields (nonce, gas, fees, chain id) and
    /// returns the unsigned transaction (`{raw, tx}`, as geth).
    #[method(name = "fillTransaction")]
    async fn fill_transaction(&self, request: TransactionRequest) -> RpcResult<FilledTransaction>;
    /// EIP-191 signature of `message` by a node key.
    #[method(name = "sign")]
    fn sign(&self, address: Address, message: Bytes) -> RpcResult<Bytes>;

    /// EIP-712 typed data signed by a node-held key (the object, or the
    /// object as a JSON string, as ethers and viem send it).
    #[method(name = "signTypedData_v4")]
    fn sign_typed_data_v4(&self, address: Address, data: serde_json::Value) -> RpcResult<Bytes>;
    /// A block by number.
    #[method(name = "getBlockByNumber")]
    async fn block_by_number(
        &self,
        block: BlockNumberOrTag,
        full: Option<bool>,
    ) -> RpcResult<Option<RpcBlock>>;
    /// A block by hash.
    #[method(name = "getBlockByHash")]
    async fn block_by_hash(&self, hash: H256, full: Option<bool>) -> RpcResult<Option<RpcBlock>>;
    /// Transaction count of a block by number.
    #[method(name = "getBlockTransactionCountByNumber")]
    async fn block_tx_count_by_number(&self, block: BlockNumberOrTag) -> RpcResult<Option<U64>>;
    /// Transaction count of a block by hash.
    #[method(name = "getBlockTransactionCountByHash")]
    async fn block_tx_count_by_hash(&self, hash: H256) -> RpcResult<Option<U64>>;
    /// A transaction by hash (mined or pooled).
    #[method(name = "getTransactionByHash")]
    async fn transaction_by_hash(&self, hash: H256) -> RpcResult<Option<RpcTransaction>>;
    /// A transaction by block number and index.
    #[method(name = "getTransactionByBlockNumberAndIndex")]
    async fn transaction_by_number_and_index(
        &self,
        block: BlockNumberOrTag,
        index: Quantity,
    ) -> RpcResult<Option<RpcTransaction>>;
    /// A transaction by block hash and index.
    #[method(name = "getTransactionByBlockHashAndIndex")]
    async fn transaction_by_hash_and_index(
        &self,
        hash: H256,
        index: Quantity,
    ) -> RpcResult<Option<RpcTransaction>>;
    /// A receipt.
    #[method(name = "getTransactionReceipt")]
    async fn transaction_receipt(&self, hash: H256) -> RpcResult<Option<RpcReceipt>>;
    /// All receipts of a block.
    #[method(name = "getBlockReceipts")]
    async fn block_receipts(&self, block: BlockId) -> RpcResult<Option<Vec<RpcReceipt>>>;
    /// Logs matching a filter.
    #[method(name = "getLogs")]
    async fn logs(&self, filter: FilterSpec) -> RpcResult<Vec<RpcLog>>;
    /// Installs a log filter.
    #[method(name = "newFilter")]
    fn new_filter(&self, filter: FilterSpec) -> RpcResult<U256>;
    /// Installs a block filter.
    #[method(name = "newBlockFilter")]
    fn new_block_filter(&self) -> RpcResult<U256>;
    /// Installs a pending-transaction filter.
    #[method(name = "newPendingTransactionFilter")]
    fn new_pending_transaction_filter(&self) -> RpcResult<U256>;
    /// What a filter saw since the last poll.
    #[method(name = "getFilterChanges")]
    async fn filter_changes(&self, id: Quantity) -> RpcResult<Value>;
    /// All logs of a log filter.
    #[method(name = "getFilterLogs")]
    async fn filter_logs(&self, id: Quantity) -> RpcResult<Vec<RpcLog>>;
    /// Removes a filter.
    #[method(name = "uninstallFilter")]
    fn uninstall_filter(&self, id: Quantity) -> RpcResult<bool>;
}

/// `eth_fillTransaction`'s answer.
#[derive(Clone, Debug, serde::Serialize)]
pub struct FilledTransaction {
    /// The unsigned transaction's encoding (zero signature).
    pub raw: Bytes,
    /// The filled transaction.
    pub tx: RpcTransaction,
}

/// The `eth_` implementation.
#[derive(Debug, Clone)]
pub struct EthApi {
    ctx: Arc<RpcContext>,
}

impl EthApi {
    /// Over the shared context.
    pub fn new(ctx: Arc<RpcContext>) -> Self {
        Self { ctx }
    }
}

fn u64_param(q: Quantity, what: &str) -> RpcResult<u64> {
    if q.0 > U256::from(u64::MAX) {
        return Err(RpcError::InvalidParams(format!("{what} out of range")));
    }
    Ok(q.0.as_u64())
}

/// The executor's request from the JSON one.
fn call_request(req: &TransactionRequest) -> RpcResult<CallRequest> {
    let gas = req.gas.map(|g| u64_param(g, "gas")).transpose()?;
    let gas_price = req.gas_price.or(req.max_fee_per_gas).map(|q| q.0);
    Ok(CallRequest {
        from: req.from,
        to: req.to,
        gas,
        gas_price,
        value: req.value.map(|q| q.0).unwrap_or_default(),
        data: req.calldata(),
        access_list: req.access_list.as_deref().map(to_access_list),
    })
}

/// Writes `eth_call` overrides into the state the call runs on.
fn apply_overrides(state: &mut ChainState, overrides: &StateOverride) -> RpcResult<()> {
    for (address, o) in overrides {
        if o.state.is_some() && o.state_diff.is_some() {
            return Err(RpcError::InvalidParams(format!(
                "account {address:?} has both state and stateDiff"
            )));
        }
        if let Some(slots) = &o.state {
            // A fresh account clears the storage; keep what is not overridden.
            let (balance, nonce, code) =
                (state.balance(*address)?, state.nonce(*address)?, state.code(*address)?);
            state.create_account(*address)?;
            state.set_balance(*address, balance)?;
            state.set_nonce(*address, nonce)?;
            if !code.is_empty() {
                state.set_code(*address, code)?;
            }
            for (slot, word) in slots {
                state.set_storage(*address, *slot, *word)?;
            }
        }
        if let Some(balance) = o.balance {
            state.set_balance(*address, balance.0)?;
        }
        if let Some(nonce) = o.nonce {
            state.set_nonce(*address, u64_param(nonce, "nonce")?)?;
        }
        if let Some(code) = &o.code {
            state.set_code(*address, code.0.clone())?;
        }
        for (slot, word) in o.state_diff.iter().flatten() {
            state.set_storage(*address, *slot, *word)?;
        }
    }
    state.finalize_transaction();
    Ok(())
}

fn failure_error(status: &Status, output: Vec<u8>) -> RpcError {
    match status {
        Status::Revert => RpcError::Revert { data: output },
        Status::Failure(f) => RpcError::Execution(failure_message(f)),
        Status::Success => RpcError::Execution("execution succeeded".into()),
    }
}

fn failure_message(f: &Failure) -> String {
    f.to_string()
}

impl EthApi {
    async fn simulate(
        &self,
        req: &TransactionRequest,
        block: BlockId,
        overrides: Option<StateOverride>,
    ) -> RpcResult<Vec<u8>> {
        let call = call_request(req)?;
        let (header, env) = self.ctx.call_env(block)?;
        let _permit =
            self.ctx.call_permits.acquire().await.map_err(|e| RpcError::Task(e.to_string()))?;
        let chain = self.ctx.chain.clone();
        let result = tokio::task::spawn_blocking(move || -> RpcResult<_> {
            let mut state = chain.state_at(&header.header);
            if let Some(overrides) = &overrides {
                apply_overrides(&mut state, overrides)?;
            }
            Ok(simulate_call(chain.vm(), state, &env, &call).1?)
        })
        .await
        .map_err(|e| RpcError::Task(e.to_string()))??;
        match result.outcome.status {
            Status::Success => Ok(result.outcome.output),
            status => Err(failure_error(&status, result.outcome.output)),
        }
    }

    async fn estimate(&self, req: &TransactionRequest, block: BlockId) -> RpcResult<u64> {
        let call = call_request(req)?;
        let (header, env) = self.ctx.call_env(block)?;
        let mut cap = call.gas.unwrap_or(env.gas_limit);
        if let (Some(price), Some(from)) = (call.gas_price, call.from) {
            if !price.is_zero() {
                let balance = self.ctx.account(from, block)?.balance;
                let allowance = balance.saturating_sub(call.value) / price;
                // Not even the intrinsic gas is affordable: geth's error, not
                // a search that cannot start.
                let intrinsic = basalt_executor::intrinsic_gas(&call);
                if balance < call.value || allowance < U256::from(intrinsic) {
                    return Err(RpcError::Call(Box::new(
                        basalt_executor::CallError::InsufficientFunds {
                            from,
                            balance,
                            needed: call
                                .value
                                .saturating_add(price.saturating_mul(intrinsic.into())),
                        },
                    )));
                }
                if allowance < U256::from(cap) {
                    cap = allowance.as_u64();
                }
            }
        }
        let _permit =
            self.ctx.call_permits.acquire().await.map_err(|e| RpcError::Task(e.to_string()))?;
        let chain = self.ctx.chain.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            estimate_gas(chain.vm(), || chain.state_at(&header.header), &env, &call, cap)
        })
        .await
        .map_err(|e| RpcError::Task(e.to_string()))??;
        match outcome {
            Ok(gas) => Ok(gas),
            Err(result) => match result.outcome.status {
                Status::Failure(Failure::OutOfGas) => {
                    Err(RpcError::Execution(format!("gas required exceeds allowance ({cap})")))
                }
                status => Err(failure_error(&status, result.outcome.output)),
            },
        }
    }

    /// Fills a request's missing fields for a node key and builds the
    /// unsigned transaction (EIP-1559 unless a gas price is given).
    async fn fill(
        &self,
        req: TransactionRequest,
        need_key: bool,
    ) -> RpcResult<(Address, Transaction)> {
        let from = req.from.ok_or_else(|| RpcError::InvalidParams("missing from".into()))?;
        if need_key
            && !self.ctx.accounts.contains(from)
            && !self.ctx.impersonated.lock().contains(&from)
        {
            return Err(RpcError::UnknownAccount(from));
        }
        let chain_id = self.ctx.config.chain_id;
        if let Some(id) = req.chain_id {
            if id.0 != U256::from(chain_id) {
                return Err(RpcError::InvalidParams(format!(
                    "chainId {} does not match the node's {chain_id}",
                    id.0
                )));
            }
        }
        let nonce = match req.nonce {
            Some(n) => u64_param(n, "nonce")?,
            None => self.ctx.pending_nonce(from)?,
        };
        let gas = match req.gas {
            Some(g) => u64_param(g, "gas")?,
            None => self.estimate(&req, BlockId::Pending).await?,
        };
        let to = req.to.map_or(TxKind::Create, TxKind::Call);
        let value = req.value.map(|q| q.0).unwrap_or_default();
        let input = req.calldata();
        let tx = if let (Some(price), None) = (req.gas_price, req.max_fee_per_gas) {
            Transaction::Legacy(TxLegacy {
                chain_id: Some(chain_id),
                nonce,
                gas_price: price.0,
                gas_limit: gas,
                to,
                value,
                input,
            })
        } else {
            let base = self.ctx.next_base_fee();
            let tip =
                req.max_priority_fee_per_gas.map(|q| q.0).unwrap_or(self.ctx.config.suggested_tip);
            let max_fee = req
                .max_fee_per_gas
                .map(|q| q.0)
                .unwrap_or_else(|| base.saturating_mul(2.into()).saturating_add(tip));
            Transaction::Eip1559(TxEip1559 {
                chain_id,
                nonce,
                max_priority_fee_per_gas: tip.min(max_fee),
                max_fee_per_gas: max_fee,
                gas_limit: gas,
                to,
                value,
                input,
                access_list: req.access_list.as_deref().map(to_access_list).unwrap_or_default(),
            })
        };
        Ok((from, tx))
    }

    fn block_json(
        &self,
        header: Option<Arc<SealedHeader>>,
        full: bool,
    ) -> RpcResult<Option<RpcBlock>> {
        let Some(header) = header else { return Ok(None) };
        let txs = self.ctx.chain.body(header.hash)?.unwrap_or_default();
        let senders: Vec<Address> = if full {
            self.ctx
                .chain
                .receipts(header.hash)?
                .unwrap_or_default()
                .iter()
                .map(|r| r.sender)
                .collect()
        } else {
            Vec::new()
        };
        Ok(Some(RpcBlock::new(&header, &txs, &senders, full)))
    }

    fn tx_in_block(
        &self,
        header: Option<Arc<SealedHeader>>,
        index: Quantity,
    ) -> RpcResult<Option<RpcTransaction>> {
        let Some(header) = header else { return Ok(None) };
        let index = u64_param(index, "index")? as usize;
        let txs = self.ctx.chain.body(header.hash)?.unwrap_or_default();
        let receipts = self.ctx.chain.receipts(header.hash)?.unwrap_or_default();
        Ok(match (txs.get(index), receipts.get(index)) {
            (Some(tx), Some(r)) => Some(RpcTransaction::new(
                tx,
                r.sender,
                Some(TxPosition {
                    block_hash: header.hash,
                    block_number: header.header.number,
                    index: index as u64,
                    base_fee: header.header.base_fee_per_gas,
                }),
            )),
            _ => None,
        })
    }

    /// Logs of blocks `from..=to` matching `spec`, within the limits.
    /// Scans on a blocking thread: a wide range reads many blocks.
    pub(crate) async fn logs_in_range(
        &self,
        spec: &FilterSpec,
        from: u64,
        to: u64,
    ) -> RpcResult<Vec<RpcLog>> {
        if to < from {
            return Ok(Vec::new());
        }
        if to - from >= self.ctx.config.max_log_block_range {
            return Err(RpcError::LimitExceeded(format!(
                "exceed maximum block range: {}",
                self.ctx.config.max_log_block_range
            )));
        }
        let chain = self.ctx.chain.clone();
        let spec = spec.clone();
        let entries = tokio::task::spawn_blocking(move || {
            chain
                .logs(from, to, |b| spec.bloom_may_match(b), |l| spec.matches(l))
                .map_err(RpcError::from)
        })
        .await
        .map_err(|e| RpcError::Task(e.to_string()))??;
        if entries.len() > self.ctx.config.max_logs {
            return Err(RpcError::LimitExceeded(format!(
                "query returned more than {} results",
                self.ctx.config.max_logs
            )));
        }
        Ok(entries.iter().map(RpcLog::from).collect())
    }

    fn spec_range(&self, spec: &FilterSpec) -> RpcResult<(u64, u64)> {
        if let Some(hash) = spec.block_hash {
            if spec.from_block.is_some() || spec.to_block.is_some() {
                return Err(RpcError::InvalidParams(
                    "cannot specify both blockHash and fromBlock/toBlock".into(),
                ));
            }
            let n = self.ctx.require_header(BlockId::Hash(hash))?.header.number;
            return Ok((n, n));
        }
        let from = self.ctx.block_number(spec.from_block.unwrap_or_default())?;
        let to = self.ctx.block_number(spec.to_block.unwrap_or_default())?;
        Ok((from, to.min(self.ctx.chain.head().header.number)))
    }
}

#[async_trait]
impl EthApiServer for EthApi {
    fn chain_id(&self) -> RpcResult<U64> {
        Ok(self.ctx.config.chain_id.into())
    }

    fn block_number(&self) -> RpcResult<U64> {
        Ok(self.ctx.chain.head().header.number.into())
    }

    fn syncing(&self) -> RpcResult<serde_json::Value> {
        match self.ctx.network.as_ref().and_then(|n| n.sync_progress()) {
            Some(progress) => {
                Ok(serde_json::to_value(progress).unwrap_or(serde_json::Value::Bool(false)))
            }
            None => Ok(serde_json::Value::Bool(false)),
        }
    }

    fn accounts(&self) -> RpcResult<Vec<Address>> {
        Ok(self.ctx.accounts.addresses())
    }

    fn coinbase(&self) -> RpcResult<Address> {
        Ok(self.ctx.producer.coinbase().unwrap_or(self.ctx.chain.head().header.beneficiary))
    }

    fn mining(&self) -> RpcResult<bool> {
        Ok(self.ctx.producer.mining())
    }

    fn hashrate(&self) -> RpcResult<U64> {
        Ok(self.ctx.producer.hashrate().into())
    }

    fn gas_price(&self) -> RpcResult<U256> {
        Ok(self.ctx.next_base_fee().saturating_add(self.ctx.config.suggested_tip))
    }

    fn max_priority_fee_per_gas(&self) -> RpcResult<U256> {
        Ok(self.ctx.config.suggested_tip)
    }

    async fn fee_history(
        &self,
        block_count: Quantity,
        newest: BlockNumberOrTag,
        percentiles: Option<Vec<f64>>,
    ) -> RpcResult<FeeHistory> {
        let count = u64_param(block_count, "blockCount")?.clamp(0, 1024);
        if let Some(p) = &percentiles {
            if p.iter().any(|x| !(0.0..=100.0).contains(x)) || p.windows(2).any(|w| w[0] > w[1]) {
                return Err(RpcError::InvalidParams("invalid reward percentiles".into()));
            }
        }
        let newest = self.ctx.block_number(newest.0)?.min(self.ctx.chain.head().header.number);
        let oldest = (newest + 1).saturating_sub(count);
        let mut base_fees = Vec::new();
        let mut ratios = Vec::new();
        let mut rewards = Vec::new();
        let mut last = None;
        for n in oldest..=newest {
            if count == 0 {
                break;
            }
            let Some(header) = self.ctx.chain.header_by_number(n)? else { break };
            let h = &header.header;
            let base = h.base_fee_per_gas.unwrap_or_default();
            base_fees.push(base);
            ratios.push(if h.gas_limit == 0 {
                0.0
            } else {
                h.gas_used as f64 / h.gas_limit as f64
            });
            if let Some(p) = &percentiles {
                let txs = self.ctx.chain.body(header.hash)?.unwrap_or_default();
                let receipts = self.ctx.chain.receipts(header.hash)?.unwrap_or_default();
                let mut tips: Vec<(U256, u64)> = txs
                    .iter()
                    .zip(&receipts)
                    .map(|(tx, r)| {
                        (
                            tx.transaction().effective_gas_price(Some(base)).saturating_sub(base),
                            r.gas_used,
                        )
                    })
                    .collect();
                tips.sort();
                let total: u64 = tips.iter().map(|t| t.1).sum();
                let row = p
                    .iter()
                    .map(|pct| {
                        if tips.is_empty() {
                            return U256::zero();
                        }
                        let threshold = (total as f64 * pct / 100.0) as u64;
                        let mut acc = 0u64;
                        for (tip, gas) in &tips {
                            acc += gas;
                            if acc >= threshold {
                                return *tip;
                            }
                        }
                        tips.last().map(|t| t.0).unwrap_or_default()
                    })
                    .collect();
                rewards.push(row);
            }
            last = Some(header);
        }
        if let Some(last) = last {
            base_fees.push(self.ctx.chain.child_base_fee(&last.header));
        }
        Ok(FeeHistory {
            oldest_block: oldest.into(),
            base_fee_per_gas: base_fees,
            gas_used_ratio: ratios,
            reward: percentiles.map(|_| rewards),
        })
    }

    async fn balance(&self, address: Address, block: Option<BlockId>) -> RpcResult<U256> {
        Ok(self.ctx.account(address, block.unwrap_or_default())?.balance)
    }

    async fn transaction_count(&self, address: Address, block: Option<BlockId>) -> RpcResult<U64> {
        match block.unwrap_or_default() {
            BlockId::Pending => Ok(self.ctx.pending_nonce(address)?.into()),
            id => Ok(self.ctx.account(address, id)?.nonce.into()),
        }
    }

    async fn code(&self, address: Address, block: Option<BlockId>) -> RpcResult<Bytes> {
        let header = self.ctx.require_header(block.unwrap_or_default())?;
        let reader = self.ctx.chain.reader_at(&header.header);
        let account = reader.account(&address)?.unwrap_or_default();
        Ok(Bytes(reader.code(&account.code_hash)?))
    }

    async fn storage_at(
        &self,
        address: Address,
        slot: Quantity,
        block: Option<BlockId>,
    ) -> RpcResult<H256> {
        let header = self.ctx.require_header(block.unwrap_or_default())?;
        let slot = H256(slot.0.to_big_endian());
        Ok(self.ctx.chain.reader_at(&header.header).storage(&address, &slot)?)
    }

    async fn proof(
        &self,
        address: Address,
        slots: Vec<H256>,
        block: Option<BlockId>,
    ) -> RpcResult<RpcAccountProof> {
        if slots.len() > 1024 {
            return Err(RpcError::LimitExceeded("at most 1024 storage keys".into()));
        }
        let header = self.ctx.require_header(block.unwrap_or_default())?;
        let proof = self.ctx.chain.reader_at(&header.header).proof(&address, &slots)?;
        let account = proof.account.unwrap_or_default();
        Ok(RpcAccountProof {
            address,
            account_proof: proof.account_proof.iter().cloned().map(Bytes).collect(),
            balance: account.balance,
            code_hash: account.code_hash,
            nonce: account.nonce.into(),
            storage_hash: proof.storage_root(),
            storage_proof: proof
                .storage_proofs
                .iter()
                .map(|s| RpcStorageProof {
                    key: s.slot,
                    value: U256::from_big_endian(s.value.as_bytes()),
                    proof: s.proof.iter().cloned().map(Bytes).collect(),
                })
                .collect(),
        })
    }

    async fn call(
        &self,
        request: TransactionRequest,
        block: Option<BlockId>,
        overrides: Option<StateOverride>,
    ) -> RpcResult<Bytes> {
        Ok(Bytes(self.simulate(&request, block.unwrap_or_default(), overrides).await?))
    }

    async fn estimate_gas(
        &self,
        request: TransactionRequest,
        block: Option<BlockId>,
    ) -> RpcResult<U64> {
        Ok(self.estimate(&request, block.unwrap_or(BlockId::Pending)).await?.into())
    }

    async fn send_raw_transaction(&self, raw: Bytes) -> RpcResult<H256> {
        let tx = SignedTransaction::decode_network(&raw.0)?;
        self.ctx.submit(tx).await
    }

    async fn send_transaction(&self, request: TransactionRequest) -> RpcResult<H256> {
        let (from, tx) = self.fill(request, true).await?;
        let signed = if self.ctx.accounts.contains(from) {
            self.ctx.accounts.sign_transaction(from, tx)?
        } else {
            // Impersonated: a placeholder signature, unique per sender and
            // nonce; the pool and the block take the sender as given.
            let mut seed = from.as_bytes().to_vec();
            seed.extend_from_slice(&tx.nonce().to_be_bytes());
            let r = U256::from_big_endian(keccak256(seed).as_bytes());
            SignedTransaction::new(tx, Signature { r, s: U256::one(), y_parity: false })
        };
        self.ctx.submit_from(signed, from).await
    }

    async fn sign_transaction(&self, request: TransactionRequest) -> RpcResult<Bytes> {
        let (from, tx) = self.fill(request, true).await?;
        Ok(Bytes(self.ctx.accounts.sign_transaction(from, tx)?.encode_network()))
    }

    async fn fill_transaction(&self, request: TransactionRequest) -> RpcResult<FilledTransaction> {
        let (from, tx) = self.fill(request, false).await?;
        let unsigned = SignedTransaction::new(tx, Signature::default());
        Ok(FilledTransaction {
            raw: Bytes(unsigned.encode_network()),
            tx: RpcTransaction::new(&unsigned, from, None),
        })
    }

    fn sign(&self, address: Address, message: Bytes) -> RpcResult<Bytes> {
        Ok(Bytes(self.ctx.accounts.sign_message(address, &message.0)?))
    }

    fn sign_typed_data_v4(&self, address: Address, data: serde_json::Value) -> RpcResult<Bytes> {
        Ok(Bytes(self.ctx.accounts.sign_typed_data(address, &data)?))
    }

    async fn block_by_number(
        &self,
        block: BlockNumberOrTag,
        full: Option<bool>,
    ) -> RpcResult<Option<RpcBlock>> {
        self.block_json(self.ctx.header(block.0)?, full.unwrap_or(false))
    }

    async fn block_by_hash(&self, hash: H256, full: Option<bool>) -> RpcResult<Option<RpcBlock>> {
        self.block_json(self.ctx.chain.header_by_hash(hash)?, full.unwrap_or(false))
    }

    async fn block_tx_count_by_number(&self, block: BlockNumberOrTag) -> RpcResult<Option<U64>> {
        let Some(h) = self.ctx.header(block.0)? else { return Ok(None) };
        Ok(Some((self.ctx.chain.body(h.hash)?.unwrap_or_default().len() as u64).into()))
    }

    async fn block_tx_count_by_hash(&self, hash: H256) -> RpcResult<Option<U64>> {
        let Some(h) = self.ctx.chain.header_by_hash(hash)? else { return Ok(None) };
        Ok(Some((self.ctx.chain.body(h.hash)?.unwrap_or_default().len() as u64).into()))
    }

    async fn transaction_by_hash(&self, hash: H256) -> RpcResult<Option<RpcTransaction>> {
        if let Some((tx, receipt, header, index)) = self.ctx.mined_transaction(hash)? {
            return Ok(Some(RpcTransaction::new(
                &tx,
                receipt.sender,
                Some(TxPosition {
                    block_hash: header.hash,
                    block_number: header.header.number,
                    index: index as u64,
                    base_fee: header.header.base_fee_per_gas,
                }),
            )));
        }
        Ok(self
            .ctx
            .pool
            .lock()
            .get(&hash)
            .map(|p| RpcTransaction::new(p.transaction(), p.sender(), None)))
    }

    async fn transaction_by_number_and_index(
        &self,
        block: BlockNumberOrTag,
        index: Quantity,
    ) -> RpcResult<Option<RpcTransaction>> {
        self.tx_in_block(self.ctx.header(block.0)?, index)
    }

    async fn transaction_by_hash_and_index(
        &self,
        hash: H256,
        index: Quantity,
    ) -> RpcResult<Option<RpcTransaction>> {
        self.tx_in_block(self.ctx.chain.header_by_hash(hash)?, index)
    }

    async fn transaction_receipt(&self, hash: H256) -> RpcResult<Option<RpcReceipt>> {
        let Some(location) = self.ctx.chain.transaction_location(hash)? else { return Ok(None) };
        let Some(header) = self.ctx.chain.header_by_hash(location.block_hash)? else {
            return Ok(None);
        };
        let txs = self.ctx.chain.body(header.hash)?.unwrap_or_default();
        let receipts = self.ctx.chain.receipts(header.hash)?.unwrap_or_default();
        Ok(block_receipts(&header, &txs, &receipts).into_iter().nth(location.index as usize))
    }

    async fn block_receipts(&self, block: BlockId) -> RpcResult<Option<Vec<RpcReceipt>>> {
        let Some(header) = self.ctx.header(block)? else { return Ok(None) };
        let txs = self.ctx.chain.body(header.hash)?.unwrap_or_default();
        let receipts = self.ctx.chain.receipts(header.hash)?.unwrap_or_default();
        Ok(Some(block_receipts(&header, &txs, &receipts)))
    }

    async fn logs(&self, filter: FilterSpec) -> RpcResult<Vec<RpcLog>> {
        let (from, to) = self.spec_range(&filter)?;
        self.logs_in_range(&filter, from, to).await
    }

    fn new_filter(&self, filter: FilterSpec) -> RpcResult<U256> {
        let head = self.ctx.chain.head().header.number;
        let (start, next, to) = if filter.block_hash.is_some() {
            let (n, _) = self.spec_range(&filter)?;
            (n, n, Some(n))
        } else {
            // No `fromBlock`: changes are future logs only (geth, anvil);
            // ethers' `contract.on` over HTTP relies on it. An explicit
            // "latest" includes the head block, as anvil does.
            let (start, next) = match filter.from_block {
                None => (head, head + 1),
                Some(BlockId::Latest) | Some(BlockId::Pending) => (head, head),
                Some(id) => {
                    let n = self.ctx.block_number(id)?;
                    (n, n)
                }
            };
            let to = match filter.to_block {
                None | Some(BlockId::Latest) | Some(BlockId::Pending) => None,
                Some(id) => Some(self.ctx.block_number(id)?),
            };
            (start, next, to)
        };
        self.ctx
            .filters
            .install(FilterKind::Logs {
                spec: filter,
                start,
                next,
                to,
                events: self.ctx.chain.subscribe(),
            })
            .ok_or_else(|| RpcError::LimitExceeded("too many filters".into()))
    }

    fn new_block_filter(&self) -> RpcResult<U256> {
        let next = self.ctx.chain.head().header.number + 1;
        self.ctx
            .filters
            .install(FilterKind::Blocks { next, events: self.ctx.chain.subscribe() })
            .ok_or_else(|| RpcError::LimitExceeded("too many filters".into()))
    }

    fn new_pending_transaction_filter(&self) -> RpcResult<U256> {
        let receiver = self.ctx.pending_txs.subscribe();
        self.ctx
            .filters
            .install(FilterKind::PendingTransactions { receiver })
            .ok_or_else(|| RpcError::LimitExceeded("too many filters".into()))
    }

    async fn filter_changes(&self, id: Quantity) -> RpcResult<Value> {
        let head = self.ctx.chain.head().header.number;
        enum Poll {
            Blocks(u64, u64),
            Logs(FilterSpec, u64, u64, Vec<Arc<NewBlock>>),
            Pending(Vec<H256>),
        }
        let poll = self
            .ctx
            .filters
            .with(id.0, |f| match &mut f.kind {
                FilterKind::Blocks { next, events } => {
                    drain_removed(events, next);
                    let from = *next;
                    *next = head + 1;
                    Poll::Blocks(from, head)
                }
                FilterKind::Logs { spec, next, to, events, .. } => {
                    let removed = drain_removed(events, next);
                    let from = *next;
                    let until = to.map_or(head, |t| t.min(head));
                    *next = (*next).max(until + 1);
                    Poll::Logs(spec.clone(), from, until, removed)
                }
                FilterKind::PendingTransactions { receiver } => {
                    let mut hashes = Vec::new();
                    loop {
                        match receiver.try_recv() {
                            Ok(h) => hashes.push(h),
                            Err(tokio::sync::broadcast::error::TryRecvError::Lagged(_)) => continue,
                            Err(_) => break,
                        }
                    }
                    Poll::Pending(hashes)
                }
            })
            .ok_or(RpcError::FilterNotFound)?;
        let value = match poll {
            Poll::Blocks(from, to) => {
                let mut hashes = Vec::new();
                for n in from..=to {
                    if let Some(h) = self.ctx.chain.header_by_number(n)? {
                        hashes.push(h.hash);
                    }
                }
                serde_json::to_value(hashes)
            }
            Poll::Logs(spec, from, to, removed) => {
                let mut logs: Vec<RpcLog> =
                    removed.iter().flat_map(|block| block_logs(block, &spec)).collect();
                logs.extend(self.logs_in_range(&spec, from, to).await?);
                serde_json::to_value(logs)
            }
            Poll::Pending(hashes) => serde_json::to_value(hashes),
        };
        value.map_err(|e| RpcError::Task(e.to_string()))
    }

    async fn filter_logs(&self, id: Quantity) -> RpcResult<Vec<RpcLog>> {
        let spec = self
            .ctx
            .filters
            .with(id.0, |f| match &f.kind {
                FilterKind::Logs { spec, start, to, .. } => Some((spec.clone(), *start, *to)),
                _ => None,
            })
            .flatten()
            .ok_or(RpcError::FilterNotFound)?;
        let (spec, from, to) = spec;
        let head = self.ctx.chain.head().header.number;
        self.logs_in_range(&spec, from, to.map_or(head, |t| t.min(head))).await
    }

    fn uninstall_filter(&self, id: Quantity) -> RpcResult<bool> {
        Ok(self.ctx.filters.uninstall(id.0))
    }
}
