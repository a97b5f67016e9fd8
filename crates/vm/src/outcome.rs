//! What running a message gives: an explicit success / revert / failure,
//! the output, the gas left and the refund counter.

use crate::error::ModuleError;
use basalt_primitives::{Address, H256, U256};

/// A message to run: the transaction's own call or create, or one the VM
/// makes for a contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Who sends it (`msg.sender` of the frame).
    pub caller: Address,
    /// Call or create.
    pub kind: MessageKind,
    /// Value moved from `caller` to the target.
    pub value: U256,
    /// Calldata, or for a create the deploy data (envelope or bare module,
    /// then constructor arguments).
    pub data: Vec<u8>,
    /// Gas the frame may use.
    pub gas_limit: u64,
    /// Whether state changes are forbidden (`STATICCALL`).
    pub is_static: bool,
}

/// The kind of a [`Message`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageKind {
    /// Call the contract (or account) at `to`.
    Call {
        /// The callee.
        to: Address,
    },
    /// Create a contract. Without a salt the address is Ethereum's `CREATE`
    /// address of `caller` and its current nonce; with one, the `CREATE2`
    /// address over the whole deploy data. Either way the caller's nonce is
    /// incremented first, as the `CREATE` opcodes do (a create transaction's
    /// nonce increment is this one: the executor must not add another).
    Create {
        /// The `CREATE2` salt.
        salt: Option<H256>,
    },
}

/// How a frame ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Returned normally: its changes stand.
    Success,
    /// Reverted on purpose: its changes are undone, unused gas returned, and
    /// the output is the revert data.
    Revert,
    /// Failed: its changes are undone and, unless the failure happened
    /// before the frame started ([`Failure::keeps_gas`]), all its gas is
    /// consumed.
    Failure(Failure),
}

impl Status {
    /// Whether the frame succeeded.
    pub fn is_success(&self) -> bool {
        matches!(self, Status::Success)
    }
}

/// Why a frame failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// Ran out of gas, in wasm or in a host function.
    #[error("out of gas")]
    OutOfGas,
    /// Used up the transaction's deterministic wasm stack budget.
    #[error("wasm stack budget exhausted")]
    StackExhausted,
    /// The call would nest deeper than 1024 frames (gas is kept).
    #[error("call depth limit reached")]
    CallDepth,
    /// The caller cannot pay the value (gas is kept).
    #[error("insufficient balance for the value")]
    InsufficientBalance,
    /// The caller's nonce is at its maximum (gas is kept).
    #[error("nonce overflow")]
    NonceOverflow,
    /// A create's address already holds code or a nonce.
    #[error("contract address collision")]
    AddressCollision,
    /// A state change was attempted in a static call.
    #[error("state change in a static call")]
    StaticViolation,
    /// The deployed module was rejected.
    #[error("invalid module: {0}")]
    InvalidModule(ModuleError),
    /// Constructor arguments were given to a module without a constructor.
    #[error("constructor arguments given to a module without user_constructor")]
    UnexpectedConstructorArgs,
    /// The deploy data is larger than the limit.
    #[error("deploy data of {size} bytes exceeds the limit of {max}")]
    InitcodeTooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// The entrypoint returned, or `exit_early` was given, a status other
    /// than 0 or 1.
    #[error("bad exit status {0}")]
    BadExitStatus(i64),
    /// A host function was called with arguments it cannot accept (a
    /// pointer outside memory, more than 4 topics, ...).
    #[error("bad host call: {0}")]
    BadHostCall(&'static str),
    /// The module trapped (unreachable, out-of-bounds access, division by
    /// zero, ...).
    #[error("trap: {0}")]
    Trap(String),
}

impl Failure {
    /// Failures found before the frame ran return the frame's gas to the
    /// caller, as the EVM does for depth and balance checks.
    pub fn keeps_gas(&self) -> bool {
        matches!(self, Failure::CallDepth | Failure::InsufficientBalance | Failure::NonceOverflow)
    }
}

/// The result of running a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// How it ended.
    pub status: Status,
    /// Return data (success) or revert data (revert); empty on failure.
    pub output: Vec<u8>,
    /// Gas not used.
    pub gas_left: u64,
    /// The refund counter (EIP-2200/3529) of this frame and its successful
    /// children; the executor caps it at a fifth of the gas used.
    pub gas_refund: i64,
    /// The address of the created contract, on a successful create.
    pub created: Option<Address>,
}

impl Outcome {
    pub(crate) fn failure(failure: Failure, gas_limit: u64) -> Self {
        let gas_left = if failure.keeps_gas() { gas_limit } else { 0 };
        Self {
            status: Status::Failure(failure),
            output: Vec::new(),
            gas_left,
            gas_refund: 0,
            created: None,
        }
    }

    pub(crate) fn success(output: Vec<u8>, gas_left: u64, gas_refund: i64) -> Self {
        Self { status: Status::Success, output, gas_left, gas_refund, created: None }
    }

    /// Gas used out of `gas_limit`.
    pub fn gas_used(&self, gas_limit: u64) -> u64 {
        gas_limit.saturating_sub(self.gas_left)
    }
}
