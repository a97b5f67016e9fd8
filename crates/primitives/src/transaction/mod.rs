//! Transactions: Ethereum's legacy (with or without EIP-155), EIP-2930 and EIP-1559.
//!
//! ```text
//!  unsigned             signing hash (what the key signs)
//!  Transaction ───────► legacy pre-155: keccak(rlp([nonce, gasPrice, gas, to, value, data]))
//!     │                 legacy EIP-155: keccak(rlp([..same 6.., chainId, 0, 0]))
//!     │ sign            typed:          keccak(type || rlp([fields...]))
//!     ▼
//!  SignedTransaction ─► network form (eth_sendRawTransaction, tx hash = keccak of it):
//!                         legacy: rlp([nonce, gasPrice, gas, to, value, data, v, r, s])
//!                         typed:  type || rlp([fields..., yParity, r, s])  (EIP-2718)
//!                       block-body form: legacy as the list itself, typed as an RLP
//!                         byte string holding the network form
//! ```
//!
//! Decoding is strict (see [`crate::decode`]): one canonical encoding per
//! transaction, integers within their field (nonce and gas 64 bits, value
//! and fees 256 bits, chain id 64 bits), `to` empty or 20 bytes, access-list
//! addresses 20 bytes and keys 32 bytes, exact item counts, no trailing
//! bytes. Signature rules live in [`SignedTransaction`], stateless validity
//! rules (EIP-2681, fee caps, cost overflow, intrinsic gas) in
//! [`validation`].

mod access_list;
mod eip1559;
mod eip2930;
mod envelope;
mod legacy;
mod signed;
pub mod validation;

pub use access_list::{AccessList, AccessListItem};
pub use eip1559::TxEip1559;
pub use eip2930::TxEip2930;
pub use legacy::TxLegacy;
pub use signed::{sign_transaction, SignedTransaction, UnprotectedPolicy};

use crate::decode::RlpItem;
use crate::error::DecodeError;
use ethereum_types::{Address, H256, U256};
use rlp::{Encodable, RlpStream};

/// The EIP-2718 transaction (and receipt) type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TxType {
    /// Untyped legacy transaction (type 0 in JSON-RPC).
    #[default]
    Legacy = 0,
    /// EIP-2930: access lists.
    Eip2930 = 1,
    /// EIP-1559: fee market.
    Eip1559 = 2,
}

impl TxType {
    /// The type byte (0 for legacy, which has no type byte on the wire).
    pub fn as_u8(self) -> u8 {
        self as u8
    }
}

impl TryFrom<u8> for TxType {
    type Error = DecodeError;

    fn try_from(ty: u8) -> Result<Self, DecodeError> {
        match ty {
            0 => Ok(Self::Legacy),
            1 => Ok(Self::Eip2930),
            2 => Ok(Self::Eip1559),
            _ => Err(DecodeError::UnsupportedType { ty }),
        }
    }
}

/// What a transaction does: create a contract or call an account.
///
/// On the wire `to` is the empty string for a create and exactly 20 bytes for a call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum TxKind {
    /// Deploy a contract; the input is the deploy envelope.
    #[default]
    Create,
    /// Call (or pay) this account.
    Call(Address),
}

impl TxKind {
    /// The callee, or `None` for a create.
    pub fn to(&self) -> Option<Address> {
        match self {
            Self::Create => None,
            Self::Call(address) => Some(*address),
        }
    }

    /// True for a contract creation.
    pub fn is_create(&self) -> bool {
        matches!(self, Self::Create)
    }

    /// Reads `to` strictly: empty or exactly 20 bytes.
    pub(crate) fn from_item(item: RlpItem<'_>) -> Result<Self, DecodeError> {
        let bytes = item.bytes("to")?;
        match bytes.len() {
            0 => Ok(Self::Create),
            20 => Ok(Self::Call(Address::from_slice(bytes))),
            found => Err(DecodeError::InvalidTo { found }),
        }
    }
}

impl From<Option<Address>> for TxKind {
    fn from(to: Option<Address>) -> Self {
        to.map_or(Self::Create, Self::Call)
    }
}

impl Encodable for TxKind {
    fn rlp_append(&self, s: &mut RlpStream) {
        // Inside `rlp_append`, scalars go through the encoder: `s.append` would count the
        // item twice.
        match self {
            Self::Create => s.encoder().encode_value(&[]),
            Self::Call(address) => s.encoder().encode_value(address.as_bytes()),
        }
    }
}

/// An unsigned transaction of any supported type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Transaction {
    /// Legacy, with or without EIP-155 replay protection.
    Legacy(TxLegacy),
    /// EIP-2930 (type 1).
    Eip2930(TxEip2930),
    /// EIP-1559 (type 2).
    Eip1559(TxEip1559),
}

impl Transaction {
    /// The EIP-2718 type.
    pub fn tx_type(&self) -> TxType {
        match self {
            Self::Legacy(_) => TxType::Legacy,
            Self::Eip2930(_) => TxType::Eip2930,
            Self::Eip1559(_) => TxType::Eip1559,
        }
    }

    /// The chain id; `None` for a legacy transaction without EIP-155.
    pub fn chain_id(&self) -> Option<u64> {
        match self {
            Self::Legacy(tx) => tx.chain_id,
            Self::Eip2930(tx) => Some(tx.chain_id),
            Self::Eip1559(tx) => Some(tx.chain_id),
        }
    }

    /// The sender's nonce.
    pub fn nonce(&self) -> u64 {
        match self {
            Self::Legacy(tx) => tx.nonce,
            Self::Eip2930(tx) => tx.nonce,
            Self::Eip1559(tx) => tx.nonce,
        }
    }

    /// The gas limit.
    pub fn gas_limit(&self) -> u64 {
        match self {
            Self::Legacy(tx) => tx.gas_limit,
            Self::Eip2930(tx) => tx.gas_limit,
            Self::Eip1559(tx) => tx.gas_limit,
        }
    }

    /// Create or call.
    pub fn kind(&self) -> TxKind {
        match self {
            Self::Legacy(tx) => tx.to,
            Self::Eip2930(tx) => tx.to,
            Self::Eip1559(tx) => tx.to,
        }
    }

    /// The callee, or `None` for a create.
    pub fn to(&self) -> Option<Address> {
        self.kind().to()
    }

    /// The value transferred, in wei.
    pub fn value(&self) -> U256 {
        match self {
            Self::Legacy(tx) => tx.value,
            Self::Eip2930(tx) => tx.value,
            Self::Eip1559(tx) => tx.value,
        }
    }

    /// The calldata (for a create: the deploy envelope).
    pub fn input(&self) -> &[u8] {
        match self {
            Self::Legacy(tx) => &tx.input,
            Self::Eip2930(tx) => &tx.input,
            Self::Eip1559(tx) => &tx.input,
        }
    }

    /// The access list (`None` for legacy).
    pub fn access_list(&self) -> Option<&AccessList> {
        match self {
            Self::Legacy(_) => None,
            Self::Eip2930(tx) => Some(&tx.access_list),
            Self::Eip1559(tx) => Some(&tx.access_list),
        }
    }

    /// The most the sender pays per gas: `gasPrice`, or `maxFeePerGas` for EIP-1559.
    pub fn max_fee_per_gas(&self) -> U256 {
        match self {
            Self::Legacy(tx) => tx.gas_price,
            Self::Eip2930(tx) => tx.gas_price,
            Self::Eip1559(tx) => tx.max_fee_per_gas,
        }
    }

    /// `maxPriorityFeePerGas` for EIP-1559; `None` for the fixed-price types.
    pub fn max_priority_fee_per_gas(&self) -> Option<U256> {
        match self {
            Self::Eip1559(tx) => Some(tx.max_priority_fee_per_gas),
            _ => None,
        }
    }

    /// The price per gas actually paid under `base_fee` (EIP-1559):
    /// `min(maxFee, baseFee + maxPriorityFee)` for type 2, `gasPrice` otherwise.
    pub fn effective_gas_price(&self, base_fee: Option<U256>) -> U256 {
        match (self, base_fee) {
            (Self::Eip1559(tx), Some(base_fee)) => {
                tx.max_fee_per_gas.min(base_fee.saturating_add(tx.max_priority_fee_per_gas))
            }
            _ => self.max_fee_per_gas(),
        }
    }

    /// The hash the sender signs (see the module docs for each type's preimage).
    pub fn signing_hash(&self) -> H256 {
        match self {
            Self::Legacy(tx) => tx.signing_hash(),
            Self::Eip2930(tx) => tx.signing_hash(),
            Self::Eip1559(tx) => tx.signing_hash(),
        }
    }
}

impl From<TxLegacy> for Transaction {
    fn from(tx: TxLegacy) -> Self {
        Self::Legacy(tx)
    }
}

impl From<TxEip2930> for Transaction {
    fn from(tx: TxEip2930) -> Self {
        Self::Eip2930(tx)
    }
}

impl From<TxEip1559> for Transaction {
    fn from(tx: TxEip1559) -> Self {
        Self::Eip1559(tx)
    }
}
