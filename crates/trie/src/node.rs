//! Trie nodes in memory and their RLP form.
//!
//! A node is a leaf `[hp(path, leaf), value]`, an extension
//! `[hp(path, ext), child]` or a branch `[c0, …, c15, value]`. A child is
//! referenced by `keccak256(rlp)` when its RLP is 32 bytes or longer and
//! embedded whole otherwise.

use std::ops::Range;

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

/// How a parent refers to a child in its RLP, while the parent is being encoded.
pub(crate) enum ChildRef {
    Empty,
    Hash(H256),
    /// An embedded child whose RLP sits at this range of the encoding buffer.
    Inline(Range<usize>),
}

impl ChildRef {
    fn encoded_len(&self) -> usize {
        match self {
            ChildRef::Empty => 1,
            ChildRef::Hash(_) => 33,
            ChildRef::Inline(range) => range.len(),
        }
    }

    fn write(&self, buf: &mut Vec<u8>) {
        match self {
            ChildRef::Empty => buf.push(0x80),
            ChildRef::Hash(h) => {
                buf.push(0x80 + 32);
                buf.extend_from_slice(h.as_bytes());
            }
            ChildRef::Inline(range) => buf.extend_from_within(range.clone()),
        }
    }
}

/// Moves a node written at `buf[written..]` down to `start`, over the
/// embedded children it copied from `buf[start..written]`.
pub(crate) fn settle(buf: &mut Vec<u8>, start: usize, written: usize) {
    let len = buf.len() - written;
    buf.copy_within(written.., start);
    buf.truncate(start + len);
}

/// The reference to the node just encoded at `buf[pos..]`: embedded when its
/// RLP is under 32 bytes; otherwise hashed, handed to `record` with its RLP,
/// and removed from the buffer.
pub(crate) fn reference_at(
    buf: &mut Vec<u8>,
    pos: usize,
    record: impl FnOnce(H256, &[u8]),
) -> ChildRef {
    if buf.len() - pos < 32 {
        return ChildRef::Inline(pos..buf.len());
    }
    let h = keccak256(&buf[pos..]);
    record(h, &buf[pos..]);
    buf.truncate(pos);
    ChildRef::Hash(h)
}

/// Length of the RLP string encoding of `len` bytes whose first byte is `first`.
fn string_len(len: usize, first: Option<u8>) -> usize {
    match (len, first) {
        (1, Some(b)) if b < 0x80 => 1,
        (l, _) => header_len(l) + l,
    }
}

fn header_len(payload: usize) -> usize {
    if payload <= 55 {
        1
    } else {
        1 + be_len(payload)
    }
}

fn be_len(n: usize) -> usize {
    (usize::BITS as usize / 8) - (n.leading_zeros() as usize / 8)
}

fn write_header(buf: &mut Vec<u8>, len: usize, short_base: u8) {
    if len <= 55 {
        buf.push(short_base + len as u8);
    } else {
        let n = be_len(len);
        buf.push(short_base + 55 + n as u8);
        buf.extend_from_slice(&len.to_be_bytes()[usize::BITS as usize / 8 - n..]);
    }
}

fn write_string(buf: &mut Vec<u8>, bytes: &[u8]) {
    match bytes {
        [b] if *b < 0x80 => buf.push(*b),
        _ => {
            write_header(buf, bytes.len(), 0x80);
            buf.extend_from_slice(bytes);
        }
    }
}

/// Encoded length of a hex-prefix path as an RLP string. A one-byte encoding
/// is always below 0x80 (its flag nibble is at most 3), so it stands alone.
fn path_len(path: &[u8]) -> usize {
    let hp = hex_prefix_len(path.len());
    if hp == 1 {
        1
    } else {
        header_len(hp) + hp
    }
}

fn write_path(buf: &mut Vec<u8>, path: &[u8], leaf: bool) {
    let hp = hex_prefix_len(path.len());
    if hp > 1 {
        write_header(buf, hp, 0x80);
    }
    encode_hex_prefix(path, leaf, buf);
}

/// Appends the RLP of a leaf node.
pub(crate) fn write_leaf(buf: &mut Vec<u8>, path: &[u8], value: &[u8]) {
    let payload = path_len(path) + string_len(value.len(), value.first().copied());
    write_header(buf, payload, 0xc0);
    write_path(buf, path, true);
    write_string(buf, value);
}

/// Appends the RLP of an extension node; an inline child must already sit in `buf`.
pub(crate) fn write_extension(buf: &mut Vec<u8>, path: &[u8], child: &ChildRef) {
    let payload = path_len(path) + child.encoded_len();
    write_header(buf, payload, 0xc0);
    write_path(buf, path, false);
    child.write(buf);
}

/// Appends the RLP of a branch node; inline children must already sit in `buf`.
pub(crate) fn write_branch(buf: &mut Vec<u8>, children: &[ChildRef; 16], value: Option<&[u8]>) {
    let value = value.unwrap_or(&[]);
    let payload = children.iter().map(ChildRef::encoded_len).sum::<usize>()
        + string_len(value.len(), value.first().copied());
    write_header(buf, payload, 0xc0);
    for c in children {
        c.write(buf);
    }
    write_string(buf, value);
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

/// Where a lookup goes from one node, read straight from the node's RLP
/// (see [`lookup_step`]).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Step<'a> {
    /// The path ends here, at this value.
    Value(&'a [u8]),
    /// No value under the path.
    Absent,
    /// Continue at the stored node with this hash, after `usize` more nibbles.
    Hash(H256, usize),
    /// Continue at this embedded node's RLP, after `usize` more nibbles.
    Inline(&'a [u8], usize),
}

/// One RLP item at the start of `bytes`: whether it is a list, its payload
/// and what follows it. `None` when the header is malformed or runs past
/// the end.
fn split_item(bytes: &[u8]) -> Option<(bool, &[u8], &[u8])> {
    let info = basalt_primitives::rlp::PayloadInfo::from(bytes).ok()?;
    let end = info.header_len.checked_add(info.value_len)?;
    if end > bytes.len() {
        return None;
    }
    Some((bytes[0] >= 0xc0, &bytes[info.header_len..end], &bytes[end..]))
}

/// The `i`-th nibble of a hex-prefix encoded path whose nibbles start at
/// nibble `start` of `hp` (1 when the length is odd, 2 when even).
fn hp_nibble(hp: &[u8], start: usize, i: usize) -> u8 {
    let n = start + i;
    let byte = hp[n / 2];
    if n.is_multiple_of(2) {
        byte >> 4
    } else {
        byte & 0x0f
    }
}

/// A child reference inside a branch or extension, as a [`Step`] after
/// `consumed` nibbles. `None` when it is no valid reference.
fn child_step<'a>(
    is_list: bool,
    raw: &'a [u8],
    payload: &'a [u8],
    consumed: usize,
) -> Option<Step<'a>> {
    if is_list {
        return (raw.len() < 32).then_some(Step::Inline(raw, consumed));
    }
    match payload.len() {
        0 => Some(Step::Absent),
        32 => Some(Step::Hash(H256::from_slice(payload), consumed)),
        _ => None,
    }
}

/// One step of a lookup of `path` (nibbles) in the node whose RLP is
/// `bytes`, without decoding the node: reads only the items on the path and
/// allocates nothing. Reads are most of what a node does with the trie, and
/// building a [`Node`] (sixteen children of a branch, owned paths and
/// values) for one child was most of their cost.
///
/// `None` when the RLP is not a well-formed node; [`decode_node`] then says
/// exactly what is wrong. Agrees with [`decode_node`] + a walk of the
/// decoded node on every well-formed node (tested below).
pub(crate) fn lookup_step<'a>(bytes: &'a [u8], path: &[u8]) -> Option<Step<'a>> {
    let (is_list, payload, rest) = split_item(bytes)?;
    if !is_list || !rest.is_empty() {
        return None;
    }
    let (first_list, first, after_first) = split_item(payload)?;
    let (second_list, second, after_second) = split_item(after_first)?;
    if after_second.is_empty() {
        // Leaf or extension: [hp(path), value or child].
        if first_list || first.is_empty() {
            return None;
        }
        let flag = first[0] >> 4;
        if flag > 3 || (flag & 1 == 0 && first[0] & 0x0f != 0) {
            return None;
        }
        let leaf = flag & 2 != 0;
        let start = if flag & 1 != 0 { 1 } else { 2 };
        let len = first.len() * 2 - start;
        let matches = |n: usize| (0..n).all(|i| hp_nibble(first, start, i) == path[i]);
        if leaf {
            if second_list || second.is_empty() {
                return None;
            }
            let found = path.len() == len && matches(len);
            return Some(if found { Step::Value(second) } else { Step::Absent });
        }
        if len == 0 {
            return None;
        }
        if path.len() < len || !matches(len) {
            return Some(Step::Absent);
        }
        let raw = &after_first[..after_first.len() - after_second.len()];
        return match child_step(second_list, raw, second, len)? {
            Step::Absent => None,
            step => Some(step),
        };
    }
    // Branch: sixteen children and a value.
    let wanted = path.first().map(|&n| usize::from(n));
    let mut items = payload;
    let mut step = None;
    for i in 0..17 {
        let (list, item, rest) = split_item(items)?;
        let raw = &items[..items.len() - rest.len()];
        if i < 16 {
            if Some(i) == wanted {
                step = Some(child_step(list, raw, item, 1)?);
            } else if !list && !item.is_empty() && item.len() != 32 {
                return None;
            }
        } else {
            if list || !rest.is_empty() {
                return None;
            }
            if wanted.is_none() {
                step = Some(if item.is_empty() { Step::Absent } else { Step::Value(item) });
            }
        }
        items = rest;
    }
    step
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

    fn leaf(path: &[u8], value: &[u8]) -> Vec<u8> {
        let mut buf = Vec::new();
        write_leaf(&mut buf, path, value);
        buf
    }

    /// An extension over nibbles 1, 2, 3 to the node hashed 0x0707….
    fn sample_extension() -> Vec<u8> {
        let mut ext = Vec::new();
        write_extension(&mut ext, &[1, 2, 3], &ChildRef::Hash(H256::repeat_byte(7)));
        ext
    }

    /// A branch with value "v", an embedded leaf ([5] → "a") under 3 and
    /// the node hashed 0x0909… under 9: `(the embedded leaf, the branch)`.
    fn sample_branch() -> (Vec<u8>, Vec<u8>) {
        // An embedded leaf sits in the buffer before its parent branch.
        let mut buf = leaf(&[5], b"a");
        let inline_len = buf.len();
        let mut refs: [ChildRef; 16] = std::array::from_fn(|_| ChildRef::Empty);
        refs[3] = ChildRef::Inline(0..inline_len);
        refs[9] = ChildRef::Hash(H256::repeat_byte(9));
        write_branch(&mut buf, &refs, Some(b"v"));
        let branch = buf.split_off(inline_len);
        (buf, branch)
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
            for cut in 0..=path.len() {
                assert_eq!(leaf(&path[cut..], value), reference_leaf(&path[cut..], value));
            }
        }
    }

    #[test]
    fn lookup_step_reads_each_kind_of_node() {
        let leaf_rlp = leaf(&[6, 4, 6, 15], b"puppy");
        assert_eq!(lookup_step(&leaf_rlp, &[6, 4, 6, 15]), Some(Step::Value(b"puppy")));
        assert_eq!(lookup_step(&leaf_rlp, &[6, 4, 6]), Some(Step::Absent));
        assert_eq!(lookup_step(&leaf_rlp, &[6, 4, 6, 15, 0]), Some(Step::Absent));
        assert_eq!(lookup_step(&leaf(&[], b"x"), &[]), Some(Step::Value(b"x")));

        let ext = sample_extension();
        assert_eq!(lookup_step(&ext, &[1, 2, 3, 4]), Some(Step::Hash(H256::repeat_byte(7), 3)));
        assert_eq!(lookup_step(&ext, &[1, 2]), Some(Step::Absent));
        assert_eq!(lookup_step(&ext, &[1, 2, 4]), Some(Step::Absent));

        let (inline, branch) = sample_branch();
        assert_eq!(lookup_step(&branch, &[]), Some(Step::Value(b"v")));
        assert_eq!(lookup_step(&branch, &[3, 5]), Some(Step::Inline(&inline, 1)));
        assert_eq!(lookup_step(&branch, &[9]), Some(Step::Hash(H256::repeat_byte(9), 1)));
        assert_eq!(lookup_step(&branch, &[4, 1]), Some(Step::Absent));
    }

    #[test]
    fn lookup_step_refuses_what_decode_refuses() {
        let mut short_hash = RlpStream::new_list(17);
        short_hash.append(&vec![1u8; 31]);
        for _ in 0..16 {
            short_hash.append_empty_data();
        }
        let mut sixteen = RlpStream::new_list(16);
        for _ in 0..16 {
            sixteen.append_empty_data();
        }
        let mut trailing = leaf(&[1], b"x");
        trailing.push(0);
        let mut bad_flag = RlpStream::new_list(2);
        bad_flag.append(&vec![0x40u8]).append(&b"x".as_slice());
        for bad in [
            short_hash.out().to_vec(),
            sixteen.out().to_vec(),
            trailing,
            bad_flag.out().to_vec(),
            vec![0x83, 1, 2, 3],
            vec![0xc5, 0x01],
            vec![],
        ] {
            assert_eq!(lookup_step(&bad, &[1, 2]), None, "{bad:?}");
            assert!(decode_node(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn nodes_round_trip_through_decode() {
        let leaf_rlp = leaf(&from_bytes(b"dog"), b"puppy");
        let (_, branch) = sample_branch();
        for rlp in [leaf_rlp, sample_extension(), branch] {
            let node = decode_node(&rlp).unwrap();
            let mut again = Vec::new();
            match &node {
                Node::Leaf { path, value } => write_leaf(&mut again, path, value),
                Node::Extension { path, child: Child::Hash(h) } => {
                    write_extension(&mut again, path, &ChildRef::Hash(*h))
                }
                Node::Branch { children, value } => {
                    assert!(matches!(&children[3], Child::Node { .. }));
                    assert_eq!(children[9], Child::Hash(H256::repeat_byte(9)));
                    assert_eq!(value.as_deref(), Some(&b"v"[..]));
                    again = rlp.clone();
                }
                other => panic!("unexpected {other:?}"),
            }
            assert_eq!(again, rlp);
        }
    }

    #[test]
    fn malformed_nodes_are_rejected() {
        let mut trailing = leaf(&[1, 2], b"value");
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
