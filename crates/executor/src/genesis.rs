//! Genesis → block 0: the state tries and the header of a chain's first
//! block, built straight from the genesis file's `alloc`.
//!
//! [`build_genesis_for`] builds a chain spec's block 0: for a proof-of-stake chain it adds
//! the staking contract's account ([`crate::staking::genesis_account`]) to the `alloc`
//! first.
//!
//! The tries are built with the one-pass sorted builder, not through the
//! journaled overlay, so every allocated account is in the state exactly as
//! written (an overlay commit would drop empty accounts under EIP-161; geth
//! keeps them at genesis, and so do we).

use crate::staking::{self, StakingError, STAKING_ADDRESS};
use basalt_chainspec::{ChainSpec, ConsensusConfig, Genesis};
use basalt_primitives::{keccak256, Account, Header, H256, KECCAK_EMPTY};
use basalt_state::encode_storage_value;
use basalt_trie::{root_from_sorted, NodeSet};
use basalt_vm::ModuleError;

/// Why a genesis cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum GenesisError {
    /// An account's code is not a deployable module.
    #[error("genesis account {address:?}: code rejected: {reason}")]
    InvalidCode {
        /// The account.
        address: basalt_primitives::Address,
        /// Why the VM rejects it.
        reason: ModuleError,
    },
    /// A proof-of-stake genesis file allocates the staking contract's address itself.
    #[error("genesis alloc sets {0:?}, the staking contract's address, which a proof-of-stake genesis fills in")]
    ReservedAddress(basalt_primitives::Address),
    /// The staking contract's genesis account could not be built.
    #[error(transparent)]
    Staking(#[from] StakingError),
}

/// Block 0 and what the store needs to hold it.
#[derive(Debug)]
pub struct GenesisBlock {
    /// The header (its hash is the genesis hash).
    pub header: Header,
    /// Every trie node of the state and storage tries.
    pub nodes: NodeSet,
    /// Contract code by hash.
    pub code: Vec<(H256, Vec<u8>)>,
    /// The addresses and storage slots behind the tries' hashed keys.
    pub preimages: Vec<(H256, Vec<u8>)>,
}

/// Builds block 0 of the chain `spec` describes: [`build_genesis`] of its genesis, with the
/// staking contract's account added for a proof-of-stake chain (the validators' total stake
/// is minted into it). Instant and proof-of-work chains get exactly [`build_genesis`].
pub fn build_genesis_for(spec: &ChainSpec) -> Result<GenesisBlock, GenesisError> {
    let ConsensusConfig::Pos(pos) = &spec.consensus else {
        return build_genesis(&spec.genesis);
    };
    if spec.genesis.alloc.contains_key(&STAKING_ADDRESS) {
        return Err(GenesisError::ReservedAddress(STAKING_ADDRESS));
    }
    let account = staking::genesis_account(pos, spec.chain_id, spec.genesis.timestamp)?;
    let mut genesis = spec.genesis.clone();
    genesis.alloc.insert(STAKING_ADDRESS, account);
    build_genesis(&genesis)
}

/// Builds block 0 of `genesis`. Account code must pass the VM's deployment
/// validation, as any deployed contract does.
pub fn build_genesis(genesis: &Genesis) -> Result<GenesisBlock, GenesisError> {
    let mut nodes = NodeSet::default();
    let mut code = Vec::new();
    let mut preimages = Vec::new();
    let mut accounts = Vec::with_capacity(genesis.alloc.len());
    for (address, acc) in &genesis.alloc {
        let code_hash = if acc.code.is_empty() {
            KECCAK_EMPTY
        } else {
            basalt_vm::validate::validate(&acc.code)
                .map_err(|reason| GenesisError::InvalidCode { address: *address, reason })?;
            let hash = keccak256(&acc.code);
            code.push((hash, acc.code.clone()));
            hash
        };
        let mut slots: Vec<(H256, Vec<u8>)> = acc
            .storage
            .iter()
            .filter(|(_, v)| !v.is_zero())
            .map(|(k, v)| (keccak256(k.as_bytes()), encode_storage_value(v)))
            .collect();
        preimages
            .extend(acc.storage.keys().map(|k| (keccak256(k.as_bytes()), k.as_bytes().to_vec())));
        preimages.push((keccak256(address.as_bytes()), address.as_bytes().to_vec()));
        slots.sort_by_key(|e| e.0);
        let storage_root =
            root_from_sorted(&slots, Some(&mut nodes)).expect("hashed keys are unique once sorted");
        let account = Account { nonce: acc.nonce, balance: acc.balance, storage_root, code_hash };
        accounts.push((
            keccak256(address.as_bytes()),
            basalt_primitives::rlp::encode(&account).to_vec(),
        ));
    }
    accounts.sort_by_key(|e| e.0);
    let state_root = root_from_sorted(&accounts, Some(&mut nodes))
        .expect("hashed addresses are unique once sorted");
    Ok(GenesisBlock { header: genesis.header(state_root), nodes, code, preimages })
}
