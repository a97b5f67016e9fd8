//! Keys the node holds (the dev accounts): `eth_accounts`, `eth_sign`,
//! `personal_sign`, `eth_signTypedData_v4`, `eth_signTransaction`,
//! `eth_sendTransaction`.

use crate::error::{RpcError, RpcResult};
use basalt_primitives::{
    keccak256, secret_key_to_address, sign_transaction, Address, Signature, SignedTransaction,
    SigningKey, Transaction, H256,
};
use std::sync::Arc;

/// The node's signing keys, in the order `eth_accounts` lists them.
#[derive(Clone, Default)]
pub struct DevAccounts {
    keys: Arc<Vec<(Address, SigningKey)>>,
}

impl std::fmt::Debug for DevAccounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.keys.iter().map(|(a, _)| a)).finish()
    }
}

impl DevAccounts {
    /// Holds `keys`.
    pub fn new(keys: Vec<SigningKey>) -> Self {
        Self { keys: Arc::new(keys.into_iter().map(|k| (secret_key_to_address(&k), k)).collect()) }
    }

    /// The addresses.
    pub fn addresses(&self) -> Vec<Address> {
        self.keys.iter().map(|(a, _)| *a).collect()
    }

    fn key(&self, address: Address) -> RpcResult<&SigningKey> {
        self.keys
            .iter()
            .find(|(a, _)| *a == address)
            .map(|(_, k)| k)
            .ok_or(RpcError::UnknownAccount(address))
    }

    /// Whether the node holds the key of `address`.
    pub fn contains(&self, address: Address) -> bool {
        self.keys.iter().any(|(a, _)| *a == address)
    }

    /// EIP-191 personal message signature: 65 bytes `r ‖ s ‖ v` (v = 27/28).
    pub fn sign_message(&self, address: Address, message: &[u8]) -> RpcResult<Vec<u8>> {
        let mut prefixed = format!("\x19Ethereum Signed Message:\n{}", message.len()).into_bytes();
        prefixed.extend_from_slice(message);
        self.sign_hash(address, keccak256(&prefixed))
    }

    /// Signs EIP-712 typed data (`eth_signTypedData_v4`): the JSON object
    /// `{types, primaryType, domain, message}` that wallets and ethers/viem
    /// send, hashed with alloy's EIP-712 implementation.
    pub fn sign_typed_data(
        &self,
        address: Address,
        data: &serde_json::Value,
    ) -> RpcResult<Vec<u8>> {
        // Clients send the object itself or the object as a JSON string.
        let typed: alloy_dyn_abi::TypedData = match data {
            serde_json::Value::String(text) => serde_json::from_str(text),
            other => serde_json::from_value(other.clone()),
        }
        .map_err(|e| RpcError::InvalidParams(format!("typed data: {e}")))?;
        let hash = typed
            .eip712_signing_hash()
            .map_err(|e| RpcError::InvalidParams(format!("typed data: {e}")))?;
        self.sign_hash(address, H256::from_slice(hash.as_slice()))
    }

    /// Signs a 32-byte hash with the key of `address`: `r ‖ s ‖ v` (v = 27/28).
    fn sign_hash(&self, address: Address, hash: H256) -> RpcResult<Vec<u8>> {
        let key = self.key(address)?;
        let sig = Signature::sign_hash(hash, key).map_err(|e| RpcError::Signing(e.to_string()))?;
        let mut out = Vec::with_capacity(65);
        out.extend_from_slice(&sig.r.to_big_endian());
        out.extend_from_slice(&sig.s.to_big_endian());
        out.push(27 + u8::from(sig.y_parity));
        Ok(out)
    }

    /// Signs a transaction with the key of `address`.
    pub fn sign_transaction(
        &self,
        address: Address,
        tx: Transaction,
    ) -> RpcResult<SignedTransaction> {
        sign_transaction(tx, self.key(address)?).map_err(|e| RpcError::Signing(e.to_string()))
    }
}
