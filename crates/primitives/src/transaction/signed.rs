//! Signed transactions: encodings, hash, sender recovery and signing.

use super::{Transaction, TxEip1559, TxEip2930, TxLegacy};
use crate::decode::RlpItem;
use crate::error::{DecodeError, SignatureError, ValidationError};
use crate::hash::keccak256;
use crate::signature::Signature;
use ethereum_types::{Address, H256};
use k256::ecdsa::SigningKey;
use rlp::{Decodable, DecoderError, Encodable, Rlp, RlpStream};

/// What to do with a legacy transaction that has no EIP-155 chain id.
///
/// Such a transaction can be replayed on every chain that accepts it.
/// Ethereum's consensus still accepts them (they stay valid in blocks), while
/// geth's RPC refuses them by default (`--rpc.allow-unprotected-txs` off).
/// Basalt leaves the choice to the caller: block import should `Accept`
/// (consensus must not depend on a node's local policy), the RPC and the
/// pool may `Reject`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnprotectedPolicy {
    /// Accept pre-EIP-155 legacy transactions.
    Accept,
    /// Refuse them with [`SignatureError::Unprotected`].
    Reject,
}

/// A transaction with its signature and its hash (keccak256 of the network form), computed
/// once.
///
/// Fields are private so the cached hash always matches the contents.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SignedTransaction {
    tx: Transaction,
    signature: Signature,
    hash: H256,
}

impl SignedTransaction {
    /// Joins a transaction and its signature (no checks: see [`Self::recover_sender`]).
    pub fn new(tx: Transaction, signature: Signature) -> Self {
        let mut signed = Self { tx, signature, hash: H256::zero() };
        signed.hash = keccak256(signed.encode_network());
        signed
    }

    /// The unsigned transaction.
    pub fn transaction(&self) -> &Transaction {
        &self.tx
    }

    /// The signature.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// The transaction hash: keccak256 of [`Self::encode_network`].
    pub fn hash(&self) -> H256 {
        self.hash
    }

    /// Splits into the transaction and its signature.
    pub fn into_parts(self) -> (Transaction, Signature) {
        (self.tx, self.signature)
    }

    /// The network form, as `eth_sendRawTransaction` takes it: the RLP list for legacy,
    /// `type || rlp(fields)` (the EIP-2718 envelope) for typed transactions.
    pub fn encode_network(&self) -> Vec<u8> {
        match &self.tx {
            Transaction::Legacy(tx) => {
                let mut s = RlpStream::new();
                tx.encode_signed(&self.signature, &mut s);
                s.out().to_vec()
            }
            Transaction::Eip2930(tx) => tx.encode_signed(&self.signature),
            Transaction::Eip1559(tx) => tx.encode_signed(&self.signature),
        }
    }

    /// Decodes the network form strictly.
    ///
    /// A first byte `>= 0xc0` starts a legacy RLP list; `0x01` and `0x02` are typed
    /// envelopes; any other first byte is [`DecodeError::UnsupportedType`]. Trailing bytes,
    /// non-canonical RLP, integers with leading zeros or wider than their field, wrong item
    /// counts, a `to` that is neither empty nor 20 bytes and a legacy `v` that is neither
    /// 27/28 nor `>= 35` are all errors. Signature values are checked at recovery.
    pub fn decode_network(bytes: &[u8]) -> Result<Self, DecodeError> {
        let (tx, signature) = match bytes.first().copied() {
            None => return Err(DecodeError::Empty),
            Some(0xc0..) => {
                let (tx, signature) = TxLegacy::decode_signed(RlpItem::parse_exact(bytes)?)?;
                (Transaction::Legacy(tx), signature)
            }
            Some(ty) => {
                let body = RlpItem::parse_exact(bytes.get(1..).unwrap_or_default());
                match ty {
                    TxEip2930::TX_TYPE => {
                        let (tx, signature) = TxEip2930::decode_signed(body?)?;
                        (Transaction::Eip2930(tx), signature)
                    }
                    TxEip1559::TX_TYPE => {
                        let (tx, signature) = TxEip1559::decode_signed(body?)?;
                        (Transaction::Eip1559(tx), signature)
                    }
                    ty => return Err(DecodeError::UnsupportedType { ty }),
                }
            }
        };
        // Strict decoding guarantees `bytes` is the canonical encoding: hash it as is.
        Ok(Self { tx, signature, hash: keccak256(bytes) })
    }

    /// Decodes one element of a block's transaction list: a legacy transaction is the RLP
    /// list itself, a typed one an RLP byte string holding its envelope.
    pub fn from_body_item(item: RlpItem<'_>) -> Result<Self, DecodeError> {
        if item.is_list() {
            return Self::decode_network(item.raw());
        }
        let envelope = item.payload();
        match envelope.first() {
            None => Err(DecodeError::Empty),
            Some(0xc0..) => Err(DecodeError::Envelope {
                what: "block transaction",
                reason: "legacy transaction wrapped in a byte string",
            }),
            Some(_) => Self::decode_network(envelope),
        }
    }

    /// The chain id the transaction is signed for (`None`: legacy without EIP-155).
    pub fn chain_id(&self) -> Option<u64> {
        self.tx.chain_id()
    }

    /// True unless this is a legacy transaction without EIP-155 replay protection.
    pub fn is_replay_protected(&self) -> bool {
        self.chain_id().is_some()
    }

    /// Applies the transaction's stateless validity rules (see [`super::validation`]).
    pub fn validate_stateless(&self) -> Result<(), ValidationError> {
        self.tx.validate_stateless()
    }

    /// Recovers the sender, checking the signature values (`1 <= r < n`, `1 <= s <= n/2`).
    ///
    /// No chain-id check: use [`Self::recover_sender_for_chain`] for anything received.
    pub fn recover_sender(&self) -> Result<Address, SignatureError> {
        self.signature.recover_address(self.tx.signing_hash())
    }

    /// Recovers the sender of a transaction that must belong to chain `expected`.
    ///
    /// A transaction with another chain id fails with [`SignatureError::WrongChainId`];
    /// a pre-EIP-155 legacy transaction is accepted or refused as `unprotected` says.
    pub fn recover_sender_for_chain(
        &self,
        expected: u64,
        unprotected: UnprotectedPolicy,
    ) -> Result<Address, SignatureError> {
        match self.chain_id() {
            Some(found) if found != expected => {
                return Err(SignatureError::WrongChainId { expected, found });
            }
            None if unprotected == UnprotectedPolicy::Reject => {
                return Err(SignatureError::Unprotected);
            }
            _ => {}
        }
        self.recover_sender()
    }
}

/// Signs `tx` with `key` (deterministic RFC 6979, low-s), giving the same bytes as
/// eth-account, ethers or cast would for the same key and fields.
pub fn sign_transaction(
    tx: Transaction,
    key: &SigningKey,
) -> Result<SignedTransaction, SignatureError> {
    let signature = Signature::sign_hash(tx.signing_hash(), key)?;
    Ok(SignedTransaction::new(tx, signature))
}

/// The block-body form (see [`SignedTransaction::from_body_item`]).
impl Encodable for SignedTransaction {
    fn rlp_append(&self, s: &mut RlpStream) {
        match &self.tx {
            Transaction::Legacy(tx) => tx.encode_signed(&self.signature, s),
            Transaction::Eip2930(_) | Transaction::Eip1559(_) => {
                // The encoder, not `s.append`, which would count the item twice.
                s.encoder().encode_value(&self.encode_network());
            }
        }
    }
}

/// The block-body form, strictly.
impl Decodable for SignedTransaction {
    fn decode(rlp: &Rlp<'_>) -> Result<Self, DecoderError> {
        Ok(Self::from_body_item(RlpItem::parse_exact(rlp.as_raw())?)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::{secret_key_to_address, signing_key_from_bytes};
    use crate::transaction::{TxKind, TxLegacy};
    use ethereum_types::U256;

    /// The worked example of EIP-155.
    #[test]
    fn eip155_example() {
        let key = signing_key_from_bytes(&[0x46; 32]).unwrap();
        let tx = TxLegacy {
            chain_id: Some(1),
            nonce: 9,
            gas_price: U256::from(20_000_000_000u64),
            gas_limit: 21_000,
            to: TxKind::Call(Address::repeat_byte(0x35)),
            value: U256::from(10u64).pow(18.into()),
            input: vec![],
        };
        assert_eq!(
            hex::encode(tx.signing_hash()),
            "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53"
        );
        let signed = sign_transaction(tx.into(), &key).unwrap();
        let raw = signed.encode_network();
        assert_eq!(
            hex::encode(&raw),
            "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83"
        );
        let decoded = SignedTransaction::decode_network(&raw).unwrap();
        assert_eq!(decoded, signed);
        assert_eq!(decoded.hash(), keccak256(&raw));
        let sender = secret_key_to_address(&key);
        assert_eq!(decoded.recover_sender(), Ok(sender));
        assert_eq!(decoded.recover_sender_for_chain(1, UnprotectedPolicy::Reject), Ok(sender));
        assert_eq!(
            decoded.recover_sender_for_chain(2, UnprotectedPolicy::Accept),
            Err(SignatureError::WrongChainId { expected: 2, found: 1 })
        );
    }

    #[test]
    fn unprotected_policy_is_the_callers_choice() {
        let key = signing_key_from_bytes(&[7; 32]).unwrap();
        let tx = TxLegacy { gas_limit: 21_000, ..Default::default() };
        let signed = sign_transaction(tx.into(), &key).unwrap();
        assert!(!signed.is_replay_protected());
        let sender = secret_key_to_address(&key);
        assert_eq!(signed.recover_sender_for_chain(1, UnprotectedPolicy::Accept), Ok(sender));
        assert_eq!(
            signed.recover_sender_for_chain(1, UnprotectedPolicy::Reject),
            Err(SignatureError::Unprotected)
        );
    }

    #[test]
    fn network_decoding_rejects_unknown_types_and_wrapping() {
        assert_eq!(SignedTransaction::decode_network(&[]), Err(DecodeError::Empty));
        assert_eq!(
            SignedTransaction::decode_network(&[0x03, 0xc0]),
            Err(DecodeError::UnsupportedType { ty: 3 })
        );
        assert_eq!(
            SignedTransaction::decode_network(&[0x80]),
            Err(DecodeError::UnsupportedType { ty: 0x80 })
        );
        // A legacy transaction wrapped in a byte string is not a valid block-body element.
        let key = signing_key_from_bytes(&[7; 32]).unwrap();
        let signed = sign_transaction(TxLegacy::default().into(), &key).unwrap();
        let wrapped = rlp::encode(&signed.encode_network());
        assert!(matches!(
            SignedTransaction::from_body_item(RlpItem::parse_exact(&wrapped).unwrap()),
            Err(DecodeError::Envelope { .. })
        ));
    }
}
