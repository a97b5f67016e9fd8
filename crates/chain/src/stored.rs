//! How blocks and receipts are laid out in the store's columns.
//!
//! - header column: the header's RLP;
//! - body column: RLP list of the transactions (block-body form);
//! - receipts column: RLP list of `[receipt (EIP-2718 bytes), sender,
//!   gas_used, contract_address (empty or 20 bytes)]`, so RPC answers need no
//!   sender recovery.

use basalt_primitives::{
    rlp::{Encodable, RlpStream},
    Address, DecodeError, Receipt, RlpItem, SignedTransaction,
};

/// A receipt with what RPC needs beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredReceipt {
    /// The consensus receipt.
    pub receipt: Receipt,
    /// The transaction's sender.
    pub sender: Address,
    /// Gas used by this transaction alone.
    pub gas_used: u64,
    /// The created contract, for a successful create.
    pub contract_address: Option<Address>,
}

impl Encodable for StoredReceipt {
    fn rlp_append(&self, s: &mut RlpStream) {
        s.begin_list(4);
        s.append(&self.receipt.encode());
        s.append(&self.sender);
        s.append(&self.gas_used);
        match &self.contract_address {
            Some(a) => s.append(a),
            None => s.append_empty_data(),
        };
    }
}

impl StoredReceipt {
    fn from_item(item: RlpItem<'_>) -> Result<Self, DecodeError> {
        let mut f = item.list_exact("stored receipt", 4)?;
        let receipt = Receipt::decode(f.next_item()?.bytes("receipt")?)?;
        let sender = f.next_item()?.address("sender")?;
        let gas_used = f.next_item()?.u64("gas_used")?;
        let ca = f.next_item()?;
        let contract_address = if ca.bytes("contract_address")?.is_empty() {
            None
        } else {
            Some(ca.address("contract_address")?)
        };
        Ok(Self { receipt, sender, gas_used, contract_address })
    }
}

/// Encodes a block's receipts for the store.
pub fn encode_receipts(receipts: &[StoredReceipt]) -> Vec<u8> {
    let mut s = RlpStream::new();
    s.append_list(receipts);
    s.out().to_vec()
}

/// Decodes a block's stored receipts.
pub fn decode_receipts(bytes: &[u8]) -> Result<Vec<StoredReceipt>, DecodeError> {
    RlpItem::parse_exact(bytes)?.list("receipts")?.map_all(StoredReceipt::from_item)
}

/// Encodes a block body (its transactions).
pub fn encode_body(txs: &[SignedTransaction]) -> Vec<u8> {
    let mut s = RlpStream::new();
    s.append_list(txs);
    s.out().to_vec()
}

/// Decodes a stored block body.
pub fn decode_body(bytes: &[u8]) -> Result<Vec<SignedTransaction>, DecodeError> {
    RlpItem::parse_exact(bytes)?.list("body")?.map_all(SignedTransaction::from_body_item)
}
