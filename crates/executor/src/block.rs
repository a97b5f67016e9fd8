//! One block: transactions in order over a journaled state, receipts,
//! roots, and the EIP-1559 base fee.
//!
//! Block-level steps around the transactions:
//! - [`BlockExecutor::begin_block`], before the first transaction: the staking
//!   contract's randomness hook (a no-op on states without it, see [`crate::staking`]);
//! - [`BlockExecutor::with_block_reward`]: the proof-of-work reward, credited to the
//!   coinbase by [`BlockExecutor::finish`] after the last transaction.

use crate::error::{ExecutionError, InvalidTransaction, TxError};
use crate::staking::{self, STAKING_ADDRESS};
use basalt_primitives::{
    logs_bloom, Address, Bloom, Header, Log, Receipt, SignedTransaction, TxKind, H256, U256,
};
use basalt_state::{JournaledState, StateBackend};
use basalt_trie::ordered_trie_root;
use basalt_vm::{BlockEnv, Env, Message, MessageKind, Outcome, Status, TxEnv, Vm};
use tracing::trace;

const TARGET: &str = "basalt::executor";

/// EIP-1559: the base fee changes by at most 1/8 per block.
pub const BASE_FEE_MAX_CHANGE_DENOMINATOR: u64 = 8;
/// EIP-1559: the gas target is half the gas limit.
pub const ELASTICITY_MULTIPLIER: u64 = 2;
/// EIP-3529: refunds are capped at a fifth of the gas used.
pub const MAX_REFUND_QUOTIENT: u64 = 5;

/// The base fee of the block after `parent` (EIP-1559's update rule).
pub fn next_base_fee(parent_gas_used: u64, parent_gas_limit: u64, parent_base_fee: U256) -> U256 {
    let target = parent_gas_limit / ELASTICITY_MULTIPLIER;
    if target == 0 || parent_gas_used == target {
        return parent_base_fee;
    }
    let denominator = U256::from(target) * U256::from(BASE_FEE_MAX_CHANGE_DENOMINATOR);
    if parent_gas_used > target {
        let delta = U256::from(parent_gas_used - target);
        let change = (parent_base_fee * delta / denominator).max(U256::one());
        parent_base_fee.saturating_add(change)
    } else {
        let delta = U256::from(target - parent_gas_used);
        let change = parent_base_fee * delta / denominator;
        parent_base_fee.saturating_sub(change)
    }
}

/// Root of the block's transactions trie (index-keyed, EIP-2718 encodings).
pub fn transactions_root<'a>(txs: impl IntoIterator<Item = &'a SignedTransaction>) -> H256 {
    let encoded: Vec<Vec<u8>> = txs.into_iter().map(SignedTransaction::encode_network).collect();
    ordered_trie_root(encoded.iter().map(Vec::as_slice))
}

/// Root of the block's receipts trie.
pub fn receipts_root<'a>(receipts: impl IntoIterator<Item = &'a Receipt>) -> H256 {
    let encoded: Vec<Vec<u8>> = receipts.into_iter().map(Receipt::encode).collect();
    ordered_trie_root(encoded.iter().map(Vec::as_slice))
}

/// What one included transaction did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutedTx {
    /// The transaction hash.
    pub hash: H256,
    /// The recovered sender.
    pub sender: Address,
    /// Its receipt (cumulative gas within the block).
    pub receipt: Receipt,
    /// Gas it used (after refunds).
    pub gas_used: u64,
    /// Price per gas it paid.
    pub effective_gas_price: U256,
    /// The created contract, for a successful create.
    pub contract_address: Option<Address>,
    /// The VM's outcome (status, output or revert data).
    pub outcome: Outcome,
}

/// Everything a finished block produced.
#[derive(Debug)]
pub struct BlockOutput<B> {
    /// The state with every transaction applied (not yet committed).
    pub state: JournaledState<B>,
    /// The included transactions' results, in order.
    pub executed: Vec<ExecutedTx>,
    /// Total gas used.
    pub gas_used: u64,
    /// Union of the receipts' blooms.
    pub logs_bloom: Bloom,
    /// Receipts trie root.
    pub receipts_root: H256,
}

/// Runs transactions one by one on top of a state, as a block does.
pub struct BlockExecutor<B: StateBackend + 'static> {
    vm: Vm<JournaledState<B>>,
    state: Option<JournaledState<B>>,
    block: BlockEnv,
    gas_used: u64,
    executed: Vec<ExecutedTx>,
    /// Credited to the coinbase at the end of the block.
    block_reward: U256,
    /// Whether [`Self::begin_block`] ran.
    begun: bool,
}

impl<B: StateBackend + 'static> BlockExecutor<B> {
    /// Starts a block over `state` (no block reward; call [`Self::begin_block`] before the
    /// first transaction on chains that may hold the staking contract).
    pub fn new(vm: Vm<JournaledState<B>>, state: JournaledState<B>, block: BlockEnv) -> Self {
        Self {
            vm,
            state: Some(state),
            block,
            gas_used: 0,
            executed: Vec::new(),
            block_reward: U256::zero(),
            begun: false,
        }
    }

    /// Credits `reward` wei to the block's coinbase at the end of the block, after the
    /// last transaction's fees (the proof-of-work block reward; zero by default). The
    /// coinbase account is loaded now, so that [`Self::finish`] cannot fail; that load is
    /// the only error.
    pub fn with_block_reward(mut self, reward: U256) -> Result<Self, ExecutionError> {
        let coinbase = self.block.coinbase;
        self.state().balance(coinbase)?;
        self.block_reward = reward;
        Ok(self)
    }

    /// The block-start step, before any transaction: when the state holds the staking
    /// contract, mixes `parent`'s seal into its randomness and rolls its epoch snapshots
    /// to this block's epoch (from the block's timestamp); otherwise does nothing. Fails
    /// with [`ExecutionError::OutOfOrder`] after a transaction or a second time.
    pub fn begin_block(&mut self, parent: &Header) -> Result<(), ExecutionError> {
        if self.begun || !self.executed.is_empty() {
            return Err(ExecutionError::OutOfOrder(
                "begin_block must run once, before the block's first transaction",
            ));
        }
        self.begun = true;
        let timestamp = self.block.timestamp;
        let state = self.state();
        if staking::begin_block(state, timestamp, &parent.seal)? {
            // A block-level change: close it like a transaction (no logs), so the first
            // transaction starts with fresh original values and warm sets.
            state.finalize_transaction();
        }
        Ok(())
    }

    /// The block environment.
    pub fn block(&self) -> &BlockEnv {
        &self.block
    }

    /// Gas used so far.
    pub fn gas_used(&self) -> u64 {
        self.gas_used
    }

    /// Results so far.
    pub fn executed(&self) -> &[ExecutedTx] {
        &self.executed
    }

    /// The state as it stands between transactions.
    pub fn state(&mut self) -> &mut JournaledState<B> {
        self.state.as_mut().expect("the state is only out during a VM call")
    }

    /// Validates and runs one transaction from `sender` (already recovered).
    /// An invalid transaction changes nothing and is not included.
    pub fn execute(
        &mut self,
        tx: &SignedTransaction,
        sender: Address,
    ) -> Result<&ExecutedTx, TxError> {
        let executed = self.run(tx, sender)?;
        self.gas_used += executed.gas_used;
        self.executed.push(executed);
        Ok(self.executed.last().expect("just pushed"))
    }

    fn run(&mut self, signed: &SignedTransaction, sender: Address) -> Result<ExecutedTx, TxError> {
        let tx = signed.transaction();
        let block = self.block.clone();
        if let Some(chain_id) = tx.chain_id() {
            if chain_id != block.chain_id {
                return Err(InvalidTransaction::WrongChainId {
                    got: chain_id,
                    expected: block.chain_id,
                }
                .into());
            }
        }
        tx.validate_stateless().map_err(InvalidTransaction::from)?;
        let available = block.gas_limit.saturating_sub(self.gas_used);
        if tx.gas_limit() > available {
            return Err(
                InvalidTransaction::BlockGasLimit { wanted: tx.gas_limit(), available }.into()
            );
        }
        let fee_cap = tx.max_fee_per_gas();
        if fee_cap < block.base_fee {
            return Err(
                InvalidTransaction::FeeCapTooLow { fee_cap, base_fee: block.base_fee }.into()
            );
        }
        let state = self.state();
        let nonce = state.nonce(sender)?;
        if tx.nonce() < nonce {
            return Err(
                InvalidTransaction::NonceTooLow { sender, tx: tx.nonce(), state: nonce }.into()
            );
        }
        if tx.nonce() > nonce {
            return Err(
                InvalidTransaction::NonceTooHigh { sender, tx: tx.nonce(), state: nonce }.into()
            );
        }
        if state.code_hash(sender)? != basalt_primitives::KECCAK_EMPTY {
            return Err(InvalidTransaction::SenderNotEoa(sender).into());
        }
        let gas_limit = tx.gas_limit();
        // validate_stateless proved these products fit.
        let max_cost = fee_cap * U256::from(gas_limit) + tx.value();
        let balance = state.balance(sender)?;
        if balance < max_cost {
            return Err(InvalidTransaction::InsufficientFunds {
                sender,
                balance,
                needed: max_cost,
            }
            .into());
        }

        // From here the transaction is included, whatever its message does.
        let price = tx.effective_gas_price(Some(block.base_fee));
        state.sub_balance(sender, price * U256::from(gas_limit))?;
        let kind = match tx.kind() {
            TxKind::Call(to) => {
                state.increment_nonce(sender)?;
                MessageKind::Call { to }
            }
            // The VM's create increments the nonce it derives the address from.
            TxKind::Create => MessageKind::Create { salt: None },
        };
        warm_up(state, sender, tx.to(), block.coinbase, tx.access_list());
        let msg = Message {
            caller: sender,
            kind,
            value: tx.value(),
            data: tx.input().to_vec(),
            gas_limit: gas_limit - tx.intrinsic_gas(),
            is_static: false,
        };
        let native = match msg.kind {
            MessageKind::Call { to } if to == STAKING_ADDRESS => {
                staking::is_installed(state).map_err(|e| TxError::Fatal(ExecutionError::from(e)))?
            }
            _ => false,
        };
        let outcome = if native {
            staking::execute(state, &block, sender, msg.value, &msg.data, msg.gas_limit)
                .map_err(ExecutionError::from)?
        } else {
            let env = Env { block: block.clone(), tx: TxEnv { origin: sender, gas_price: price } };
            let state = self.state.take().expect("state present between transactions");
            let (state, result) = self.vm.execute(state, &env, msg);
            self.state = Some(state);
            result.map_err(ExecutionError::from)?
        };

        let used_before_refund = gas_limit - outcome.gas_left;
        let refund = u64::try_from(outcome.gas_refund.max(0))
            .unwrap_or(0)
            .min(used_before_refund / MAX_REFUND_QUOTIENT);
        let gas_used = used_before_refund - refund;
        let state = self.state();
        state.add_balance(sender, price * U256::from(gas_limit - gas_used))?;
        let tip = price.saturating_sub(block.base_fee);
        state.add_balance(block.coinbase, tip * U256::from(gas_used))?;
        let logs: Vec<Log> = state.finalize_transaction();
        let success = outcome.status == Status::Success;
        let receipt = Receipt::new(
            tx.tx_type(),
            success,
            self.gas_used + gas_used,
            if success { logs } else { Vec::new() },
        );
        trace!(target: TARGET, hash = ?signed.hash(), ?sender, gas_used, success, "executed transaction");
        Ok(ExecutedTx {
            hash: signed.hash(),
            sender,
            receipt,
            gas_used,
            effective_gas_price: price,
            contract_address: if success { outcome.created } else { None },
            outcome,
        })
    }

    /// Ends the block: credits the block reward (if any) to the coinbase, then the
    /// receipts root and bloom, and the state to commit.
    pub fn finish(mut self) -> BlockOutput<B> {
        if !self.block_reward.is_zero() {
            let coinbase = self.block.coinbase;
            let reward = self.block_reward;
            let state = self.state();
            // `with_block_reward` loaded the account, so neither call reads the backend;
            // a balance at 2^256 − 1 keeps what fits.
            let balance = state.balance(coinbase).expect("the coinbase was loaded up front");
            state
                .set_balance(coinbase, balance.saturating_add(reward))
                .expect("writing a loaded account cannot fail");
            state.finalize_transaction();
        }
        let receipts_root = receipts_root(self.executed.iter().map(|e| &e.receipt));
        let logs_bloom = self.executed.iter().fold(Bloom::zero(), |mut acc, e| {
            acc.accrue_bloom(&e.receipt.logs_bloom);
            acc
        });
        BlockOutput {
            state: self.state.take().expect("state present after the last transaction"),
            executed: self.executed,
            gas_used: self.gas_used,
            logs_bloom,
            receipts_root,
        }
    }
}

/// EIP-2929 / 2930 / 3651: the sender, the recipient, the coinbase and the
/// access list start warm.
fn warm_up<B: StateBackend>(
    state: &mut JournaledState<B>,
    sender: Address,
    to: Option<Address>,
    coinbase: Address,
    access_list: Option<&basalt_primitives::AccessList>,
) {
    state.access_account(sender);
    state.access_account(coinbase);
    if let Some(to) = to {
        state.access_account(to);
    }
    for item in access_list.map(|l| l.0.as_slice()).unwrap_or_default() {
        state.access_account(item.address);
        for key in &item.storage_keys {
            state.access_slot(item.address, *key);
        }
    }
}

/// The bloom of a set of logs (re-exported for callers building headers).
pub fn bloom_of<'a>(logs: impl IntoIterator<Item = &'a Log>) -> Bloom {
    logs_bloom(logs)
}
