//! The trie: lookups, updates and commits over a [`NodeStore`].

use std::mem;

use basalt_primitives::{keccak256, EMPTY_ROOT, H256};

use crate::error::{Result, TrieError};
use crate::nibbles::{common_prefix, from_bytes, Nibbles};
use crate::node::{
    decode_node, lookup_step, reference_at, settle, write_branch, write_extension, write_leaf,
    Child, ChildRef, Node, Step,
};
use crate::store::{NodeSet, NodeStore};

/// A Merkle-Patricia trie rooted at some state of a [`NodeStore`].
///
/// Nodes are loaded from the store lazily, only along the paths that are read
/// or changed. Changes stay in memory until [`Trie::commit`], which returns the
/// new root and the nodes to write; nothing in the store is ever modified, so
/// every root committed before stays readable.
///
/// Keys are arbitrary byte strings; an empty value is the same as no value
/// (inserting one removes the key), as in Ethereum.
#[derive(Debug)]
pub struct Trie<S> {
    store: S,
    root: Child,
}

impl<S: NodeStore> Trie<S> {
    /// An empty trie whose nodes, once committed, go to `store`.
    pub fn new(store: S) -> Self {
        Self { store, root: Child::Empty }
    }

    /// The trie with the given root in `store`. Opening never fails: a root
    /// that is not in the store shows up as [`TrieError::MissingNode`] on first use.
    pub fn open(store: S, root: H256) -> Self {
        let root = if root == EMPTY_ROOT { Child::Empty } else { Child::Hash(root) };
        Self { store, root }
    }

    /// The store behind this trie.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// True when the trie holds no key.
    pub fn is_empty(&self) -> bool {
        self.root == Child::Empty
    }

    /// The value stored under `key`.
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let path = from_bytes(key);
        get_in_child(&self.store, &self.root, &path)
    }

    /// Sets `key` to `value`; an empty value removes the key.
    pub fn insert(&mut self, key: &[u8], value: impl Into<Vec<u8>>) -> Result<()> {
        let value = value.into();
        if value.is_empty() {
            return self.remove(key);
        }
        let path = from_bytes(key);
        insert_in_child(&self.store, &mut self.root, &path, value)?;
        Ok(())
    }

    /// Removes `key`; removing an absent key changes nothing.
    pub fn remove(&mut self, key: &[u8]) -> Result<()> {
        let path = from_bytes(key);
        remove_in_child(&self.store, &mut self.root, &path)?;
        Ok(())
    }

    /// The root hash of the trie as it is now, committed or not.
    ///
    /// Computing it hashes every node changed since the last commit without
    /// remembering the result; prefer [`Trie::commit`] when the nodes are kept.
    pub fn root_hash(&self) -> H256 {
        match &self.root {
            Child::Empty => EMPTY_ROOT,
            Child::Hash(h) | Child::Node { hash: Some(h), .. } => *h,
            Child::Node { node, hash: None } => {
                let mut buf = Vec::with_capacity(1024);
                encode_node(node, &mut buf);
                keccak256(&buf)
            }
        }
    }

    /// Hashes every node changed since the last commit and returns the new
    /// root with the nodes to write to the store (each new node once).
    ///
    /// The trie keeps working from memory afterwards, so the caller may write
    /// the nodes whenever it likes. The root node is always part of a commit
    /// that changed it, even when its RLP is shorter than 32 bytes, so that
    /// [`Trie::open`] can find it by hash.
    pub fn commit(&mut self) -> (H256, NodeSet) {
        let mut set = NodeSet::new();
        let root = match &mut self.root {
            Child::Empty => EMPTY_ROOT,
            Child::Hash(h) | Child::Node { hash: Some(h), .. } => *h,
            Child::Node { node, hash } => {
                let mut buf = Vec::with_capacity(1024);
                commit_node(node, &mut buf, &mut set);
                let h = keccak256(&buf);
                set.push(h, buf);
                // The root wrapper never moves under another node, so caching
                // its hash is sound even for a root under 32 bytes.
                *hash = Some(h);
                h
            }
        };
        (root, set)
    }

    /// The Merkle proof for `key`: the RLP of every node on the path from the
    /// root towards the key that is referenced by hash (the root always),
    /// root first, as `eth_getProof` returns it. It proves the value when the
    /// key is present and its absence otherwise; see [`crate::verify_proof`].
    pub fn prove(&self, key: &[u8]) -> Result<Vec<Vec<u8>>> {
        let path = from_bytes(key);
        let mut proof = Vec::new();
        prove_child(&self.store, &self.root, &path, true, &mut proof)?;
        Ok(proof)
    }
}

/// Loads and decodes the node stored under `hash`.
pub(crate) fn load<S: NodeStore>(store: &S, hash: &H256) -> Result<Node> {
    let bytes = store.node(hash)?.ok_or(TrieError::MissingNode { hash: *hash })?;
    decode_node(&bytes).map_err(|reason| TrieError::InvalidNode { hash: *hash, reason })
}

fn get_in_child<S: NodeStore>(store: &S, child: &Child, path: &[u8]) -> Result<Option<Vec<u8>>> {
    match child {
        Child::Empty => Ok(None),
        Child::Hash(h) => get_stored(store, *h, path),
        Child::Node { node, .. } => get_in_node(store, node, path),
    }
}

/// [`get_in_child`] below a stored node: walks the nodes' RLP with
/// [`lookup_step`] instead of decoding them; a node it cannot read is
/// decoded, so a malformed one gets [`decode_node`]'s error.
fn get_stored<S: NodeStore>(store: &S, mut hash: H256, path: &[u8]) -> Result<Option<Vec<u8>>> {
    let mut at = 0;
    loop {
        let bytes = store.node(&hash)?.ok_or(TrieError::MissingNode { hash })?;
        let mut node: &[u8] = &bytes;
        let next = loop {
            match lookup_step(node, &path[at..]) {
                Some(Step::Value(value)) => return Ok(Some(value.to_vec())),
                Some(Step::Absent) => return Ok(None),
                Some(Step::Inline(raw, used)) => {
                    node = raw;
                    at += used;
                }
                Some(Step::Hash(child, used)) => {
                    at += used;
                    break child;
                }
                None => {
                    let decoded = decode_node(node)
                        .map_err(|reason| TrieError::InvalidNode { hash, reason })?;
                    return get_in_node(store, &decoded, &path[at..]);
                }
            }
        };
        hash = next;
    }
}

fn get_in_node<S: NodeStore>(store: &S, node: &Node, path: &[u8]) -> Result<Option<Vec<u8>>> {
    match node {
        Node::Leaf { path: leaf_path, value } => {
            Ok((leaf_path.as_slice() == path).then(|| value.clone()))
        }
        Node::Extension { path: ext, child } => match path.strip_prefix(ext.as_slice()) {
            Some(rest) => get_in_child(store, child, rest),
            None => Ok(None),
        },
        Node::Branch { children, value } => match path.split_first() {
            None => Ok(value.clone()),
            Some((&i, rest)) => get_in_child(store, &children[usize::from(i)], rest),
        },
    }
}

/// A node that owns nothing, used while a node is being rebuilt in place.
fn placeholder() -> Node {
    Node::Leaf { path: Nibbles::new(), value: Vec::new() }
}

/// Puts `value` under `rest` in a branch being built: as its value when
/// `rest` is empty, else as a leaf under the child `rest[0]`.
fn place(
    children: &mut [Child; 16],
    branch_value: &mut Option<Vec<u8>>,
    rest: &[u8],
    value: Vec<u8>,
) {
    match rest.split_first() {
        None => *branch_value = Some(value),
        Some((&i, tail)) => {
            children[usize::from(i)] = Child::new(Node::Leaf { path: tail.into(), value })
        }
    }
}

/// `node` under an extension with `prefix`, or `node` itself for an empty prefix.
fn under_prefix(prefix: &[u8], node: Node) -> Node {
    if prefix.is_empty() {
        node
    } else {
        Node::Extension { path: prefix.into(), child: Child::new(node) }
    }
}

fn insert_in_child<S: NodeStore>(
    store: &S,
    child: &mut Child,
    path: &[u8],
    value: Vec<u8>,
) -> Result<bool> {
    match child {
        Child::Empty => {
            *child = Child::new(Node::Leaf { path: path.into(), value });
            Ok(true)
        }
        Child::Hash(h) => {
            let mut node = load(store, h)?;
            let changed = insert_in_node(store, &mut node, path, value)?;
            if changed {
                *child = Child::new(node);
            }
            Ok(changed)
        }
        Child::Node { node, hash } => {
            let changed = insert_in_node(store, node, path, value)?;
            if changed {
                *hash = None;
            }
            Ok(changed)
        }
    }
}

fn insert_in_node<S: NodeStore>(
    store: &S,
    node: &mut Node,
    path: &[u8],
    value: Vec<u8>,
) -> Result<bool> {
    match node {
        Node::Leaf { path: leaf_path, value: leaf_value } => {
            if leaf_path.as_slice() == path {
                if *leaf_value == value {
                    return Ok(false);
                }
                *leaf_value = value;
                return Ok(true);
            }
            let Node::Leaf { path: leaf_path, value: leaf_value } =
                mem::replace(node, placeholder())
            else {
                unreachable!("matched a leaf above")
            };
            let c = common_prefix(&leaf_path, path);
            let mut children: Box<[Child; 16]> = Box::default();
            let mut branch_value = None;
            place(&mut children, &mut branch_value, &leaf_path[c..], leaf_value);
            place(&mut children, &mut branch_value, &path[c..], value);
            *node = under_prefix(&path[..c], Node::Branch { children, value: branch_value });
            Ok(true)
        }
        Node::Extension { path: ext, child } => {
            let c = common_prefix(ext, path);
            if c == ext.len() {
                return insert_in_child(store, child, &path[c..], value);
            }
            let Node::Extension { path: ext, child } = mem::replace(node, placeholder()) else {
                unreachable!("matched an extension above")
            };
            // The paths part at nibble c: a branch there holds the rest of the
            // extension on one side and the new value on the other.
            let mut children: Box<[Child; 16]> = Box::default();
            let ext_rest = &ext[c + 1..];
            children[usize::from(ext[c])] = if ext_rest.is_empty() {
                child
            } else {
                Child::new(Node::Extension { path: ext_rest.into(), child })
            };
            let mut branch_value = None;
            place(&mut children, &mut branch_value, &path[c..], value);
            *node = under_prefix(&ext[..c], Node::Branch { children, value: branch_value });
            Ok(true)
        }
        Node::Branch { children, value: branch_value } => match path.split_first() {
            None => {
                if branch_value.as_ref() == Some(&value) {
                    return Ok(false);
                }
                *branch_value = Some(value);
                Ok(true)
            }
            Some((&i, rest)) => insert_in_child(store, &mut children[usize::from(i)], rest, value),
        },
    }
}

/// What a removal did to a subtree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Removal {
    /// The key was not there.
    Unchanged,
    /// The subtree changed and still holds keys.
    Changed,
    /// The subtree is now empty.
    Emptied,
}

fn remove_in_child<S: NodeStore>(store: &S, child: &mut Child, path: &[u8]) -> Result<Removal> {
    let outcome = match child {
        Child::Empty => Removal::Unchanged,
        Child::Hash(h) => {
            let mut node = load(store, h)?;
            let outcome = remove_in_node(store, &mut node, path)?;
            if outcome == Removal::Changed {
                *child = Child::new(node);
            }
            outcome
        }
        Child::Node { node, hash } => {
            let outcome = remove_in_node(store, node, path)?;
            if outcome == Removal::Changed {
                *hash = None;
            }
            outcome
        }
    };
    if outcome == Removal::Emptied {
        *child = Child::Empty;
    }
    Ok(outcome)
}

fn remove_in_node<S: NodeStore>(store: &S, node: &mut Node, path: &[u8]) -> Result<Removal> {
    match node {
        Node::Leaf { path: leaf_path, .. } => {
            Ok(if leaf_path.as_slice() == path { Removal::Emptied } else { Removal::Unchanged })
        }
        Node::Extension { path: ext, child } => {
            let Some(rest) = path.strip_prefix(ext.as_slice()) else {
                return Ok(Removal::Unchanged);
            };
            match remove_in_child(store, child, rest)? {
                Removal::Unchanged => Ok(Removal::Unchanged),
                Removal::Emptied => Ok(Removal::Emptied),
                Removal::Changed => {
                    let Node::Extension { path: ext, child } = mem::replace(node, placeholder())
                    else {
                        unreachable!("matched an extension above")
                    };
                    *node = join_under_prefix(store, ext, child)?;
                    Ok(Removal::Changed)
                }
            }
        }
        Node::Branch { children, value } => {
            match path.split_first() {
                None => {
                    if value.take().is_none() {
                        return Ok(Removal::Unchanged);
                    }
                }
                Some((&i, rest)) => {
                    match remove_in_child(store, &mut children[usize::from(i)], rest)? {
                        Removal::Unchanged => return Ok(Removal::Unchanged),
                        // The branch keeps the same entries: nothing to restructure.
                        Removal::Changed => return Ok(Removal::Changed),
                        Removal::Emptied => {}
                    }
                }
            }
            // An entry of the branch is gone: a branch needs two entries.
            let mut occupied = children.iter().enumerate().filter(|(_, c)| **c != Child::Empty);
            let first = occupied.next().map(|(i, _)| i);
            let more = occupied.next().is_some();
            match (first, more, value.is_some()) {
                (None, _, false) => Ok(Removal::Emptied),
                (None, _, true) => {
                    let value = value.take().unwrap_or_default();
                    *node = Node::Leaf { path: Nibbles::new(), value };
                    Ok(Removal::Changed)
                }
                (Some(i), false, false) => {
                    let child = mem::take(&mut children[i]);
                    let nibble = u8::try_from(i).expect("a branch has 16 children");
                    *node = join_under_prefix(store, Nibbles::from_slice(&[nibble]), child)?;
                    Ok(Removal::Changed)
                }
                _ => Ok(Removal::Changed),
            }
        }
    }
}

/// The canonical node for `child` placed under the path `prefix`: a leaf or
/// extension child absorbs the prefix, a branch gets an extension above it.
fn join_under_prefix<S: NodeStore>(store: &S, mut prefix: Nibbles, child: Child) -> Result<Node> {
    let node = match child {
        Child::Empty => unreachable!("a removal that empties a child reports Emptied"),
        Child::Hash(h) => {
            let node = load(store, &h)?;
            if matches!(node, Node::Branch { .. }) {
                return Ok(Node::Extension { path: prefix, child: Child::Hash(h) });
            }
            node
        }
        Child::Node { node, hash } => {
            if matches!(*node, Node::Branch { .. }) {
                return Ok(Node::Extension { path: prefix, child: Child::Node { node, hash } });
            }
            *node
        }
    };
    Ok(match node {
        Node::Leaf { path, value } => {
            prefix.extend_from_slice(&path);
            Node::Leaf { path: prefix, value }
        }
        Node::Extension { path, child } => {
            prefix.extend_from_slice(&path);
            Node::Extension { path: prefix, child }
        }
        Node::Branch { .. } => unreachable!("branches returned above"),
    })
}

/// Appends the RLP of a node to `buf`, hashing changed children without recording them.
pub(crate) fn encode_node(node: &Node, buf: &mut Vec<u8>) {
    let start = buf.len();
    match node {
        Node::Leaf { path, value } => write_leaf(buf, path, value),
        Node::Extension { path, child } => {
            let r = child_ref(child, buf);
            let written = buf.len();
            write_extension(buf, path, &r);
            settle(buf, start, written);
        }
        Node::Branch { children, value } => {
            let refs = children.each_ref().map(|c| child_ref(c, buf));
            let written = buf.len();
            write_branch(buf, &refs, value.as_deref());
            settle(buf, start, written);
        }
    }
}

fn child_ref(child: &Child, buf: &mut Vec<u8>) -> ChildRef {
    match child {
        Child::Empty => ChildRef::Empty,
        Child::Hash(h) | Child::Node { hash: Some(h), .. } => ChildRef::Hash(*h),
        Child::Node { node, hash: None } => {
            let pos = buf.len();
            encode_node(node, buf);
            reference_at(buf, pos, |_, _| {})
        }
    }
}

/// [`encode_node`], also recording every changed node referenced by hash in
/// `set` and remembering its hash.
fn commit_node(node: &mut Node, buf: &mut Vec<u8>, set: &mut NodeSet) {
    let start = buf.len();
    match node {
        Node::Leaf { path, value } => write_leaf(buf, path, value),
        Node::Extension { path, child } => {
            let r = commit_child(child, buf, set);
            let written = buf.len();
            write_extension(buf, path, &r);
            settle(buf, start, written);
        }
        Node::Branch { children, value } => {
            let refs = children.each_mut().map(|c| commit_child(c, buf, set));
            let written = buf.len();
            write_branch(buf, &refs, value.as_deref());
            settle(buf, start, written);
        }
    }
}

fn commit_child(child: &mut Child, buf: &mut Vec<u8>, set: &mut NodeSet) -> ChildRef {
    match child {
        Child::Empty => ChildRef::Empty,
        Child::Hash(h) | Child::Node { hash: Some(h), .. } => ChildRef::Hash(*h),
        Child::Node { node, hash } => {
            let pos = buf.len();
            commit_node(node, buf, set);
            let r = reference_at(buf, pos, |h, rlp| set.push(h, rlp.to_vec()));
            if let ChildRef::Hash(h) = r {
                *hash = Some(h);
            }
            r
        }
    }
}

fn prove_child<S: NodeStore>(
    store: &S,
    child: &Child,
    path: &[u8],
    is_root: bool,
    proof: &mut Vec<Vec<u8>>,
) -> Result<()> {
    match child {
        Child::Empty => Ok(()),
        Child::Hash(h) => {
            let bytes = store.node(h)?.ok_or(TrieError::MissingNode { hash: *h })?;
            let node = decode_node(&bytes)
                .map_err(|reason| TrieError::InvalidNode { hash: *h, reason })?;
            proof.push(bytes);
            prove_node(store, &node, path, proof)
        }
        Child::Node { node, .. } => {
            let mut rlp = Vec::new();
            encode_node(node, &mut rlp);
            if is_root || rlp.len() >= 32 {
                proof.push(rlp);
            }
            prove_node(store, node, path, proof)
        }
    }
}

fn prove_node<S: NodeStore>(
    store: &S,
    node: &Node,
    path: &[u8],
    proof: &mut Vec<Vec<u8>>,
) -> Result<()> {
    match node {
        Node::Leaf { .. } => Ok(()),
        Node::Extension { path: ext, child } => match path.strip_prefix(ext.as_slice()) {
            Some(rest) => prove_child(store, child, rest, false, proof),
            None => Ok(()),
        },
        Node::Branch { children, .. } => match path.split_first() {
            None => Ok(()),
            Some((&i, rest)) => prove_child(store, &children[usize::from(i)], rest, false, proof),
        },
    }
}
