//! Trie nodes in memory and their RLP form.
//!
//! A node is a leaf `[hp(path, leaf), value]`, an extension
//! `[hp(path, ext), child]` or a branch `[c0, …, c15, value]`. A child is
//! referenced by `keccak256(rlp)` when its RLP is 32 bytes or longer and
//! embedded whole otherwise.

use basalt_primitives::rlp::Rlp;
use basalt_primitives::{keccak256, H256};

use crate::error::NodeDecodeError;
use crate::nibbles::{decode_hex_prefix, encode_hex_prefix, hex_prefix_len, Nibbles};

/// A decoded trie node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Node {
    Leaf { path: Nibbles, value: Vec<u8> },
    Extension { path: Nibbles, child: Child },
    Branch { children: Box<[Child; 16]>, value: Option<Vec<u8>> },
}

/// A reference from a parent to a subtree.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum Child {
    /// No subtree.
    #[default]
    Empty,
    /// A subtree in the store, not loaded.
    Hash(H256),
    /// A subtree in memory. `hash` is `Some` while the node is unchanged since
    /// it was loaded from, or committed to, the store under that hash.
    Node { node: Box<Node>, hash: Option<H256> },
}

impl Child {
    /// A new (uncommitted) node.
    pub(crate) fn new(node: Node) -> Self {
        Child::Node { node: Box::new(node), hash: None }
    }
}

/// How a parent refers to a child in its RLP.
pub(crate) enum ChildRef {
    Empty,
    Hash(H256),
    Inline(Vec<u8>),
}

impl ChildRef {
    /// The reference for a node whose RLP is `rlp`.
    pub(crate) fn for_rlp(rlp: Vec<u8>) -> Self {
        if rlp.len() < 32 {
            ChildRef::Inline(rlp)
        } else {
            ChildRef::Hash(keccak256(&rlp))
        }
    }

    fn encoded_len(&self) -> usize {
        match self {
            ChildRef::Empty => 1,
            ChildRef::Hash(_) => 33,
            ChildRef::Inline(rlp) => rlp.len(),
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        match self {
            ChildRef::Empty => out.push(0x80),
            ChildRef::Hash(h) => {
                out.push(0x80 + 32);
                out.extend_from_slice(h.as_bytes());
            }
            ChildRef::Inline(rlp) => out.extend_from_slice(rlp),
        }
    }
}

/// Length of the RLP string encoding of `len` bytes whose first byte is `first`.
fn string_len(len: usize, first: Option<u8>) -> usize {
    match (len, first) {
        (1, Some(b)) if b < 0x80 => 1,
        (l, _) if l <= 55 => 1 + l,
        (l, _) => 1 + be_len(l) + l,
    }
}

fn be_len(n: usize) -> usize {
    (usize::BITS as usize / 8) - (n.leading_zeros() as usize / 8)
}

fn write_header(out: &mut Vec<u8>, len: usize, short_base: u8) {
    if len <= 55 {
        out.push(short_base + len as u8);
    } else {
        let n = be_len(len);
        out.push(short_base + 55 + n as u8);
        out.extend_from_slice(&len.to_be_bytes()[usize::BITS as usize / 8 - n..]);
    }
}

fn write_string(out: &mut Vec<u8>, bytes: &[u8]) {
    match bytes {
        [b] if *b < 0x80 => out.push(*b),
        _ => {
            write_header(out, bytes.len(), 0x80);
            out.extend_from_slice(bytes);
        }
    }
}

fn write_list_header(out: &mut Vec<u8>, payload: usize) {
    write_header(out, payload, 0xc0);
}

fn write_path(out: &mut Vec<u8>, path: &[u8], leaf: bool) {
    let mut hp = Vec::with_capacity(hex_prefix_len(path.len()));
    encode_hex_prefix(path, leaf, &mut hp);
    write_string(out, &hp);
}

fn path_len(path: &[u8], leaf: bool) -> usize {
    let len = hex_prefix_len(path.len());
    let first = if leaf { 0x20 } else { 0x00 } | if path.len() % 2 == 1 { 0x10 } else { 0 };
    string_len(len, Some(first))
}

/// RLP of a leaf node.
pub(crate) fn rlp_leaf(path: &[u8], value: &[u8]) -> Vec<u8> {
    let payload = path_len(path, true) + string_len(value.len(), value.first().copied());
    let mut out = Vec::with_capacity(payload + 4);
    write_list_header(&mut out, payload);
    write_path(&mut out, path, true);
    write_string(&mut out, value);
    out
}

/// RLP of an extension node.
pub(crate) fn rlp_extension(path: &[u8], child: &ChildRef) -> Vec<u8> {
    let payload = path_len(path, false) + child.encoded_len();
    let mut out = Vec::with_capacity(payload + 4);
    write_list_header(&mut out, payload);
    write_path(&mut out, path, false);
    child.write(&mut out);
    out
}

/// RLP of a branch node.
pub(crate) fn rlp_branch(children: &[ChildRef; 16], value: Option<&[u8]>) -> Vec<u8> {
    let value = value.unwrap_or(&[]);
    let payload = children.iter().map(ChildRef::encoded_len).sum::<usize>()
        + string_len(value.len(), value.first().copied());
    let mut out = Vec::with_capacity(payload + 4);
    write_list_header(&mut out, payload);
    for c in children {
        c.write(&mut out);
    }
    write_string(&mut out, value);
    out
}

/// Decodes the RLP of one node. Embedded children are decoded too.
pub(crate) fn decode_node(bytes: &[u8]) -> Result<Node, NodeDecodeError> {
    let rlp = Rlp::new(bytes);
    let info = rlp.payload_info()?;
    if info.header_len + info.value_len != bytes.len() {
        return Err(NodeDecodeError::TrailingBytes);
    }
    if !rlp.is_list() {
        return Err(NodeDecodeError::ItemCount(0));
    }
    match rlp.item_count()? {
        2 => {
            let path_item = rlp.at(0)?;
            if !path_item.is_data() {
                return Err(NodeDecodeError::BadPath);
            }
            let (path, leaf) =
                decode_hex_prefix(path_item.data()?).ok_or(NodeDecodeError::BadPath)?;
            let second = rlp.at(1)?;
            if leaf {
                if !second.is_data() {
                    return Err(NodeDecodeError::NotCanonical("leaf value is a list"));
                }
                let value = second.data()?;
                if value.is_empty() {
                    return Err(NodeDecodeError::NotCanonical("leaf with an empty value"));
                }
                Ok(Node::Leaf { path, value: value.to_vec() })
            } else {
                if path.is_empty() {
                    return Err(NodeDecodeError::EmptyExtension);
                }
                let child = decode_child(&second)?;
                if child == Child::Empty {
                    return Err(NodeDecodeError::NotCanonical("extension without a child"));
                }
                Ok(Node::Extension { path, child })
            }
        }
        17 => {
            let mut children: Box<[Child; 16]> = Box::default();
            for (i, slot) in children.iter_mut().enumerate() {
                *slot = decode_child(&rlp.at(i)?)?;
            }
            let value_item = rlp.at(16)?;
            if !value_item.is_data() {
                return Err(NodeDecodeError::NotCanonical("branch value is a list"));
            }
            let value = value_item.data()?;
            let value = (!value.is_empty()).then(|| value.to_vec());
            Ok(Node::Branch { children, value })
        }
        n => Err(NodeDecodeError::ItemCount(n)),
    }
}

fn decode_child(item: &Rlp<'_>) -> Result<Child, NodeDecodeError> {
    if item.is_list() {
        let raw = item.as_raw();
        if raw.len() >= 32 {
            return Err(NodeDecodeError::BadReference);
        }
        return Ok(Child::new(decode_node(raw)?));
    }
    match item.data()? {
        [] => Ok(Child::Empty),
        hash if hash.len() == 32 => Ok(Child::Hash(H256::from_slice(hash))),
        _ => Err(NodeDecodeError::BadReference),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nibbles::from_bytes;
    use basalt_primitives::rlp::RlpStream;

    fn reference_leaf(path: &[u8], value: &[u8]) -> Vec<u8> {
        let mut hp = Vec::new();
        encode_hex_prefix(path, true, &mut hp);
        let mut s = RlpStream::new_list(2);
        s.append(&hp).append(&value);
        s.out().to_vec()
    }

    #[test]
    fn leaf_rlp_matches_rlp_crate() {
        for (key, value) in [
            (&b""[..], &b"x"[..]),
            (b"a", b"\x01"),
            (b"do", b"verb"),
            (b"horse", &[0x90; 60][..]),
            (&[0xab; 32], &[0x11; 100][..]),
        ] {
            let path = from_bytes(key);
            assert_eq!(rlp_leaf(&path, value), reference_leaf(&path, value));
            for cut in 0..path.len() {
                assert_eq!(rlp_leaf(&path[cut..], value), reference_leaf(&path[cut..], value));
            }
        }
    }

    #[test]
    fn nodes_round_trip_through_decode() {
        let leaf = rlp_leaf(&from_bytes(b"dog"), b"puppy");
        let ext = rlp_extension(&[1, 2, 3], &ChildRef::Hash(H256::repeat_byte(7)));
        let mut refs: [ChildRef; 16] = std::array::from_fn(|_| ChildRef::Empty);
        refs[3] = ChildRef::Inline(rlp_leaf(&[5], b"a"));
        refs[9] = ChildRef::Hash(H256::repeat_byte(9));
        let branch = rlp_branch(&refs, Some(b"v"));
        for rlp in [leaf, ext, branch] {
            let node = decode_node(&rlp).unwrap();
            let again = match &node {
                Node::Leaf { path, value } => rlp_leaf(path, value),
                Node::Extension { path, child: Child::Hash(h) } => {
                    rlp_extension(path, &ChildRef::Hash(*h))
                }
                Node::Branch { value, .. } => rlp_branch(&refs, value.as_deref()),
                other => panic!("unexpected {other:?}"),
            };
            assert_eq!(again, rlp);
        }
    }

    #[test]
    fn malformed_nodes_are_rejected() {
        let leaf = rlp_leaf(&[1, 2], b"value");
        let mut trailing = leaf.clone();
        trailing.push(0);
        assert_eq!(decode_node(&trailing), Err(NodeDecodeError::TrailingBytes));
        assert!(decode_node(&[0xc1, 0x80]).is_err());
        assert!(decode_node(&[0x83, 1, 2, 3]).is_err());
        assert!(decode_node(&[]).is_err());
        // A child reference of 5 bytes is neither a hash nor an embedded node.
        let mut s = RlpStream::new_list(2);
        s.append(&vec![0x11u8]).append(&vec![1u8, 2, 3, 4, 5]);
        assert_eq!(decode_node(&s.out()), Err(NodeDecodeError::BadReference));
    }
}
