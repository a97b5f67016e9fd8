//! What the typed transactions (EIP-2930, EIP-1559) share: the EIP-2718
//! envelope `type || rlp([fields…, yParity, r, s])` and its signing hash
//! `keccak(type || rlp([fields…]))`.

use crate::decode::RlpList;
use crate::error::DecodeError;
use crate::hash::Keccak256Hasher;
use crate::signature::Signature;
use ethereum_types::H256;
use rlp::RlpStream;

/// `keccak(tx_type || rlp([fields]))`, the fields written by `append`.
pub(super) fn signing_hash(tx_type: u8, fields: usize, append: impl Fn(&mut RlpStream)) -> H256 {
    let mut s = RlpStream::new_list(fields);
    append(&mut s);
    let mut hasher = Keccak256Hasher::new();
    hasher.update([tx_type]).update(s.out());
    hasher.finalize()
}

/// The signed envelope `tx_type || rlp([fields, yParity, r, s])`.
pub(super) fn encode_signed(
    tx_type: u8,
    fields: usize,
    append: impl Fn(&mut RlpStream),
    signature: &Signature,
) -> Vec<u8> {
    let mut s = RlpStream::new_list(fields + 3);
    append(&mut s);
    s.append(&u8::from(signature.y_parity));
    s.append(&signature.r);
    s.append(&signature.s);
    let mut out = vec![tx_type];
    out.extend_from_slice(&s.out());
    out
}

/// Reads the `yParity, r, s` that end a typed transaction's list.
pub(super) fn decode_signature(fields: &mut RlpList<'_>) -> Result<Signature, DecodeError> {
    let y_parity = fields.next_item()?.flag("y parity")?;
    let r = fields.next_item()?.u256("r")?;
    let s = fields.next_item()?.u256("s")?;
    Ok(Signature { r, s, y_parity })
}
