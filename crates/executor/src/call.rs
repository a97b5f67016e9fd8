//! Calls that change nothing: `eth_call` and `eth_estimateGas`.
//!
//! A simulated call runs like a transaction (intrinsic gas, value transfer,
//! create address from the sender's nonce) but skips the nonce check and
//! charges gas only when a price is given, as geth does. The state it runs
//! on is the caller's to throw away. A call to the staking contract of a
//! proof-of-stake state runs it natively, exactly as a transaction would
//! (see [`crate::staking`]).

use crate::block::MAX_REFUND_QUOTIENT;
use crate::staking::{self, STAKING_ADDRESS};
use basalt_primitives::{AccessList, Address, Transaction, TxEip1559, TxKind, U256};
use basalt_state::{JournaledState, StateBackend};
use basalt_vm::{BlockEnv, Env, Message, MessageKind, Outcome, Status, TxEnv, Vm, VmError};

/// An `eth_call` / `eth_estimateGas` request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallRequest {
    /// Sender (zero address when absent).
    pub from: Option<Address>,
    /// Callee; `None` simulates a create.
    pub to: Option<Address>,
    /// Gas limit (block gas limit when absent).
    pub gas: Option<u64>,
    /// Price per gas (zero when absent: no fee is charged).
    pub gas_price: Option<U256>,
    /// Value sent.
    pub value: U256,
    /// Calldata or deploy data.
    pub data: Vec<u8>,
    /// EIP-2930 access list.
    pub access_list: Option<AccessList>,
}

/// Why a simulated call could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The gas limit is below the intrinsic gas.
    #[error("intrinsic gas too low: have {gas}, want {intrinsic}")]
    IntrinsicGas {
        /// Gas given.
        gas: u64,
        /// Gas needed before execution.
        intrinsic: u64,
    },
    /// The sender cannot pay the value and the fee.
    #[error(
        "insufficient funds for gas * price + value: address {from:?} have {balance} want {needed}"
    )]
    InsufficientFunds {
        /// Sender.
        from: Address,
        /// Balance.
        balance: U256,
        /// Needed.
        needed: U256,
    },
    /// The transaction would need more gas than the block allows.
    #[error("gas required exceeds allowance ({0})")]
    GasExceedsAllowance(u64),
    /// The state or the VM failed.
    #[error(transparent)]
    Vm(#[from] VmError),
    /// The state failed.
    #[error(transparent)]
    State(#[from] basalt_state::Error),
    /// The staking contract's storage could not be read (boxed: it is large and rare).
    #[error(transparent)]
    Staking(Box<crate::staking::StakingError>),
}

impl From<crate::staking::StakingError> for CallError {
    fn from(e: crate::staking::StakingError) -> Self {
        CallError::Staking(Box::new(e))
    }
}

/// What a simulated call did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallResult {
    /// The VM's outcome.
    pub outcome: Outcome,
    /// Gas used, after refunds, including intrinsic gas.
    pub gas_used: u64,
}

/// The gas a transaction with `req`'s fields pays before running.
pub fn intrinsic_gas(req: &CallRequest) -> u64 {
    // The pricing of a request equals a transaction's with the same fields.
    Transaction::Eip1559(TxEip1559 {
        to: req.to.map_or(TxKind::Create, TxKind::Call),
        input: req.data.clone(),
        access_list: req.access_list.clone().unwrap_or_default(),
        ..TxEip1559::default()
    })
    .intrinsic_gas()
}

/// Runs `req` on `state` and returns the state (with the call's effects,
/// which the caller discards) and the result.
pub fn simulate_call<B: StateBackend + 'static>(
    vm: &Vm<JournaledState<B>>,
    mut state: JournaledState<B>,
    block: &BlockEnv,
    req: &CallRequest,
) -> (JournaledState<B>, Result<CallResult, CallError>) {
    let from = req.from.unwrap_or_default();
    let gas = req.gas.unwrap_or(block.gas_limit);
    let intrinsic = intrinsic_gas(req);
    if gas < intrinsic {
        return (state, Err(CallError::IntrinsicGas { gas, intrinsic }));
    }
    let price = req.gas_price.unwrap_or_default();
    let fee = price.saturating_mul(U256::from(gas));
    let needed = fee.saturating_add(req.value);
    let balance = match state.balance(from) {
        Ok(b) => b,
        Err(e) => return (state, Err(e.into())),
    };
    if balance < needed {
        return (state, Err(CallError::InsufficientFunds { from, balance, needed }));
    }
    let prepared = (|| -> basalt_state::Result<MessageKind> {
        state.sub_balance(from, fee)?;
        state.access_account(from);
        state.access_account(block.coinbase);
        Ok(match req.to {
            Some(to) => {
                state.access_account(to);
                state.increment_nonce(from)?;
                MessageKind::Call { to }
            }
            None => MessageKind::Create { salt: None },
        })
    })();
    let kind = match prepared {
        Ok(kind) => kind,
        Err(e) => return (state, Err(e.into())),
    };
    if let Some(list) = &req.access_list {
        for item in &list.0 {
            state.access_account(item.address);
            for key in &item.storage_keys {
                state.access_slot(item.address, *key);
            }
        }
    }
    let msg = Message {
        caller: from,
        kind,
        value: req.value,
        data: req.data.clone(),
        gas_limit: gas - intrinsic,
        is_static: false,
    };
    let native = match req.to {
        Some(to) if to == STAKING_ADDRESS => match staking::is_installed(&mut state) {
            Ok(installed) => installed,
            Err(e) => return (state, Err(e.into())),
        },
        _ => false,
    };
    let (state, result) = if native {
        let result = staking::execute(&mut state, block, from, msg.value, &msg.data, msg.gas_limit);
        (state, result.map_err(CallError::from))
    } else {
        let env = Env { block: block.clone(), tx: TxEnv { origin: from, gas_price: price } };
        let (state, result) = vm.execute(state, &env, msg);
        (state, result.map_err(CallError::from))
    };
    let outcome = match result {
        Ok(o) => o,
        Err(e) => return (state, Err(e)),
    };
    let used = gas - outcome.gas_left;
    let refund =
        u64::try_from(outcome.gas_refund.max(0)).unwrap_or(0).min(used / MAX_REFUND_QUOTIENT);
    (state, Ok(CallResult { outcome, gas_used: used - refund }))
}

/// The smallest gas limit with which `req` succeeds (binary search between
/// the intrinsic gas and `cap`), as `eth_estimateGas`. `fresh_state` gives a
/// new overlay on the block's state for each attempt. A call that reverts or
/// fails even at `cap` returns that outcome.
pub fn estimate_gas<B: StateBackend + 'static>(
    vm: &Vm<JournaledState<B>>,
    fresh_state: impl Fn() -> JournaledState<B>,
    block: &BlockEnv,
    req: &CallRequest,
    cap: u64,
) -> Result<Result<u64, CallResult>, CallError> {
    let attempt = |gas: u64| -> Result<CallResult, CallError> {
        let req = CallRequest { gas: Some(gas), ..req.clone() };
        simulate_call(vm, fresh_state(), block, &req).1
    };
    let top = attempt(cap)?;
    if top.outcome.status != Status::Success {
        return Ok(Err(top));
    }
    let mut lo = intrinsic_gas(req).saturating_sub(1);
    // The gas used is a lower bound: anything below it cannot succeed.
    lo = lo.max(top.gas_used.saturating_sub(1));
    let mut hi = cap;
    while lo + 1 < hi {
        let mid = lo + (hi - lo) / 2;
        match attempt(mid) {
            Ok(r) if r.outcome.status == Status::Success => hi = mid,
            Ok(_) | Err(CallError::IntrinsicGas { .. }) => lo = mid,
            Err(e) => return Err(e),
        }
    }
    Ok(Ok(hi))
}
