//! Verifying Merkle proofs against a root, with no store.

use std::collections::HashMap;

use basalt_primitives::{keccak256, EMPTY_ROOT, H256};

use crate::error::ProofError;
use crate::nibbles::from_bytes;
use crate::node::{decode_node, Child, Node};

/// Checks a proof (as made by [`crate::Trie::prove`] or an Ethereum node's
/// `eth_getProof`) for `key` against `root`.
///
/// Returns `Ok(Some(value))` when the proof shows the key holds `value`,
/// `Ok(None)` when it shows the key is absent, and an error when the proof
/// does not reach a conclusion from `root` (a node is missing, tampered with,
/// or malformed). Proof nodes are untrusted: every one is found by its hash.
pub fn verify_proof<N: AsRef<[u8]>>(
    root: H256,
    key: &[u8],
    proof: &[N],
) -> Result<Option<Vec<u8>>, ProofError> {
    if root == EMPTY_ROOT {
        return Ok(None);
    }
    let by_hash: HashMap<H256, &[u8]> =
        proof.iter().map(|n| (keccak256(n.as_ref()), n.as_ref())).collect();
    let lookup = |hash: H256| -> Result<Node, ProofError> {
        let bytes = by_hash.get(&hash).ok_or(ProofError::MissingNode { hash })?;
        decode_node(bytes).map_err(|reason| ProofError::InvalidNode { hash, reason })
    };

    let path = from_bytes(key);
    let mut rest: &[u8] = &path;
    let mut node = lookup(root)?;
    loop {
        let next = match node {
            Node::Leaf { path: leaf_path, value } => {
                return Ok((leaf_path.as_slice() == rest).then_some(value));
            }
            Node::Extension { path: ext, child } => match rest.strip_prefix(ext.as_slice()) {
                Some(after) => {
                    rest = after;
                    child
                }
                None => return Ok(None),
            },
            Node::Branch { mut children, value } => match rest.split_first() {
                None => return Ok(value),
                Some((&i, after)) => {
                    rest = after;
                    std::mem::take(&mut children[usize::from(i)])
                }
            },
        };
        node = match next {
            Child::Empty => return Ok(None),
            Child::Hash(h) => lookup(h)?,
            Child::Node { node, .. } => *node,
        };
    }
}
