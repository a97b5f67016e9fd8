//! Errors of the RPC layer and the one place that turns them into JSON-RPC
//! error objects (EIP-1474 codes, geth's messages, which clients match).
//!
//! | error | code | message |
//! |---|---|---|
//! | [`RpcError::InvalidParams`], [`RpcError::StateDump`] | -32602 | what is wrong |
//! | [`RpcError::Revert`] | 3 | `execution reverted[: <reason>]`, data = revert bytes |
//! | [`RpcError::Pool`], [`RpcError::Signature`], [`RpcError::Call`], [`RpcError::Execution`], [`RpcError::UnknownAccount`], [`RpcError::HeaderNotFound`], [`RpcError::FilterNotFound`], [`RpcError::Unprotected`], [`RpcError::Unsupported`] | -32000 | geth's text |
//! | [`RpcError::Decode`] | -32700 | `failed to decode transaction: …` |
//! | [`RpcError::LimitExceeded`] | -32005 | the limit |
//! | [`RpcError::Chain`], [`RpcError::State`], [`RpcError::Producer`], [`RpcError::Signing`], [`RpcError::Task`] | -32603 | the failure |

use basalt_primitives::{DecodeError, SignatureError};
use basalt_txpool::PoolError;
use jsonrpsee::types::ErrorObjectOwned;

/// Result of an RPC handler.
pub type RpcResult<T> = Result<T, RpcError>;

/// Everything an RPC method can fail with.
#[derive(Debug, thiserror::Error)]
pub enum RpcError {
    /// A parameter is malformed or out of range.
    #[error("invalid params: {0}")]
    InvalidParams(String),
    /// A call reverted; carries the revert data.
    #[error("execution reverted")]
    Revert {
        /// The revert data (ABI-encoded error).
        data: Vec<u8>,
    },
    /// A call failed without reverting (out of gas, trap, …).
    #[error("{0}")]
    Execution(String),
    /// The pool refused a transaction.
    #[error(transparent)]
    Pool(Box<PoolError>),
    /// A raw transaction does not decode.
    #[error("failed to decode transaction: {0}")]
    Decode(Box<DecodeError>),
    /// A transaction's signature is unusable or for another chain.
    #[error("{}", signature_message(.0))]
    Signature(Box<SignatureError>),
    /// A pre-EIP-155 transaction while the node refuses them.
    #[error("only replay-protected (EIP-155) transactions allowed over RPC")]
    Unprotected,
    /// `eth_call` / `eth_estimateGas` could not run.
    #[error(transparent)]
    Call(Box<basalt_executor::CallError>),
    /// A signing method named an account the node holds no key for.
    #[error("unknown account {0:?}")]
    UnknownAccount(basalt_primitives::Address),
    /// The requested block is not known.
    #[error("header not found")]
    HeaderNotFound,
    /// The filter id is unknown or expired.
    #[error("filter not found")]
    FilterNotFound,
    /// The node lacks the part the method needs (`admin_*` without a network).
    #[error("{0}")]
    Unsupported(String),
    /// A query asks for too much.
    #[error("{0}")]
    LimitExceeded(String),
    /// The chain's store failed.
    #[error("chain: {0}")]
    Chain(Box<basalt_chain::ChainError>),
    /// The state failed.
    #[error("state: {0}")]
    State(Box<basalt_state::Error>),
    /// The block producer failed or is gone.
    #[error("block producer: {0}")]
    Producer(String),
    /// Signing failed.
    #[error("signing failed: {0}")]
    Signing(String),
    /// A blocking task (simulation, log scan) panicked or was cancelled, or
    /// an answer could not be serialized.
    #[error("internal task failed: {0}")]
    Task(String),
    /// A state dump given to `anvil_loadState` cannot be read.
    #[error("invalid state dump: {0}")]
    StateDump(#[from] StateDumpError),
}

/// Why a state dump ([`crate::state_dump`]) cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum StateDumpError {
    /// The dump is not `0x`-hex.
    #[error("not hex: {0}")]
    NotHex(#[source] hex::FromHexError),
    /// The hex does not hold a JSON document.
    #[error("not JSON: {0}")]
    NotJson(#[source] serde_json::Error),
    /// The document has no `version`.
    #[error("no \"version\" field (this node reads version {supported})")]
    MissingVersion {
        /// The version this node reads.
        supported: u64,
    },
    /// The document has a version this node does not read.
    #[error("unsupported version {found} (this node reads version {supported})")]
    UnsupportedVersion {
        /// The document's `version`, as written.
        found: String,
        /// The version this node reads.
        supported: u64,
    },
    /// The document has the right version but not the right shape.
    #[error("malformed version {version} document: {source}")]
    Malformed {
        /// The document's version.
        version: u64,
        /// What serde found wrong.
        #[source]
        source: serde_json::Error,
    },
    /// An account's code is not a module the VM accepts.
    #[error("code of {address:?} is not a valid contract: {reason}")]
    InvalidCode {
        /// The account.
        address: basalt_primitives::Address,
        /// What the VM found wrong.
        reason: String,
    },
}

fn signature_message(e: &SignatureError) -> String {
    match e {
        SignatureError::WrongChainId { expected, found } => {
            format!("invalid chain id for signer: have {found} want {expected}")
        }
        SignatureError::Unprotected => {
            "only replay-protected (EIP-155) transactions allowed over RPC".to_owned()
        }
        _ => format!("invalid transaction v, r, s values: {e}"),
    }
}

impl From<SignatureError> for RpcError {
    fn from(e: SignatureError) -> Self {
        match e {
            SignatureError::Unprotected => Self::Unprotected,
            e => Self::Signature(Box::new(e)),
        }
    }
}

macro_rules! boxed_from {
    ($($variant:ident($ty:ty)),* $(,)?) => {
        $(impl From<$ty> for RpcError {
            fn from(e: $ty) -> Self {
                Self::$variant(Box::new(e))
            }
        })*
    };
}

boxed_from!(
    Pool(PoolError),
    Decode(DecodeError),
    Call(basalt_executor::CallError),
    Chain(basalt_chain::ChainError),
    State(basalt_state::Error),
);

/// The message of a revert: `execution reverted`, with the reason when the
/// data is an ABI-encoded `Error(string)`.
pub fn revert_message(data: &[u8]) -> String {
    match decode_revert_reason(data) {
        Some(reason) => format!("execution reverted: {reason}"),
        None => "execution reverted".to_owned(),
    }
}

/// Decodes `Error(string)` (selector 0x08c379a0) revert data.
pub fn decode_revert_reason(data: &[u8]) -> Option<String> {
    let body = data.strip_prefix(&[0x08, 0xc3, 0x79, 0xa0])?;
    let word = |i: usize| -> Option<usize> {
        let w = body.get(i * 32..(i + 1) * 32)?;
        if w[..24].iter().any(|b| *b != 0) {
            return None;
        }
        let mut n = [0u8; 8];
        n.copy_from_slice(&w[24..]);
        usize::try_from(u64::from_be_bytes(n)).ok()
    };
    let offset = word(0)?;
    let len_bytes = body.get(offset..offset.checked_add(32)?)?;
    if len_bytes[..24].iter().any(|b| *b != 0) {
        return None;
    }
    let mut n = [0u8; 8];
    n.copy_from_slice(&len_bytes[24..]);
    let len = usize::try_from(u64::from_be_bytes(n)).ok()?;
    let start = offset.checked_add(32)?;
    let text = body.get(start..start.checked_add(len)?)?;
    String::from_utf8(text.to_vec()).ok()
}

impl RpcError {
    /// The JSON-RPC code of this error.
    pub fn code(&self) -> i32 {
        match self {
            Self::InvalidParams(_) | Self::StateDump(_) => -32602,
            Self::Revert { .. } => 3,
            Self::Decode(_) => -32700,
            Self::LimitExceeded(_) => -32005,
            Self::Chain(_)
            | Self::State(_)
            | Self::Producer(_)
            | Self::Signing(_)
            | Self::Task(_) => -32603,
            Self::Execution(_)
            | Self::Pool(_)
            | Self::Signature(_)
            | Self::Unprotected
            | Self::Call(_)
            | Self::UnknownAccount(_)
            | Self::HeaderNotFound
            | Self::FilterNotFound
            | Self::Unsupported(_) => -32000,
        }
    }
}

impl From<RpcError> for ErrorObjectOwned {
    fn from(e: RpcError) -> Self {
        let code = e.code();
        match e {
            RpcError::Revert { data } => ErrorObjectOwned::owned(
                code,
                revert_message(&data),
                Some(format!("0x{}", hex::encode(&data))),
            ),
            e => ErrorObjectOwned::owned(code, e.to_string(), None::<()>),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_string(reason: &str) -> Vec<u8> {
        let mut out = vec![0x08, 0xc3, 0x79, 0xa0];
        let mut word = [0u8; 32];
        word[31] = 0x20;
        out.extend_from_slice(&word);
        let mut len = [0u8; 32];
        len[31] = reason.len() as u8;
        out.extend_from_slice(&len);
        let mut text = reason.as_bytes().to_vec();
        text.resize(reason.len().div_ceil(32) * 32, 0);
        out.extend_from_slice(&text);
        out
    }

    #[test]
    fn reverts_carry_reason_and_data() {
        let data = error_string("not owner");
        let obj = ErrorObjectOwned::from(RpcError::Revert { data: data.clone() });
        assert_eq!(obj.code(), 3);
        assert_eq!(obj.message(), "execution reverted: not owner");
        let text = obj.data().unwrap().get().to_owned();
        assert_eq!(text, format!("\"0x{}\"", hex::encode(&data)));
        assert_eq!(revert_message(&[1, 2, 3]), "execution reverted");
    }

    #[test]
    fn pool_errors_keep_geths_text() {
        let obj = ErrorObjectOwned::from(RpcError::from(PoolError::AlreadyKnown {
            hash: Default::default(),
        }));
        assert_eq!(obj.code(), -32000);
        assert_eq!(obj.message(), "already known");
    }
}
