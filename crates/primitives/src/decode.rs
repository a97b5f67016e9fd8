//! Strict RLP decoding.
//!
//! The `rlp` crate's [`rlp::Rlp`] is lazy: it looks at an item only when
//! asked, silently ignores bytes after the top item, and stops iterating a
//! list at the first malformed element. Consensus code must instead reject
//! every input that is not the *canonical* encoding of a value, so that one
//! value has exactly one encoding and one hash. This module provides:
//!
//! - [`rlp_strict`]: validates that bytes are exactly one canonical RLP item,
//!   walking every nested item (iteratively: hostile nesting cannot exhaust
//!   the stack);
//! - [`RlpItem`] / [`RlpList`]: a zero-copy reader that checks each header
//!   as it goes, plus typed field readers (integers without leading zeros and
//!   within their width, fixed-size hashes and addresses).
//!
//! The canonical rules enforced everywhere: a single byte below `0x80` is its
//! own encoding; short forms are used for payloads under 56 bytes; long-form
//! lengths have no leading zero; every item fits inside its parent; lists
//! are consumed exactly; integers have no leading zero bytes (zero is the
//! empty string). Every decoder of this crate is built on this reader, so a
//! successful decode re-encodes to the very same bytes.
//!
//! Encoding uses the `rlp` crate's [`rlp::RlpStream`], which always produces
//! the canonical form.

use crate::error::DecodeError;
use ethereum_types::{Address, Bloom, H256, H64, U256};

type Result<T> = core::result::Result<T, DecodeError>;

/// Validates that `bytes` are exactly one canonical RLP item, nested items included.
///
/// Rejects: empty input, trailing bytes, truncated items, items overrunning
/// their parent list, non-canonical single bytes (`0x81 0x05`), long-form
/// lengths below 56 or with leading zeros. Integer-level rules (leading
/// zeros inside a value) depend on the schema and are checked by the typed
/// readers of [`RlpItem`].
pub fn rlp_strict(bytes: &[u8]) -> Result<()> {
    let top = RlpItem::parse_exact(bytes)?;
    if !top.is_list() {
        return Ok(());
    }
    // The remaining, unread payload of every open list, innermost last.
    let mut open: Vec<&[u8]> = vec![top.payload()];
    while let Some(rest) = open.pop() {
        if rest.is_empty() {
            continue;
        }
        let (item, tail) = RlpItem::parse_first(rest)?;
        open.push(tail);
        if item.is_list() {
            open.push(item.payload());
        }
    }
    Ok(())
}

/// One RLP item whose header has been checked: a byte string or a list.
///
/// The item's own header is canonical and its payload lies within the input;
/// nested items are checked when they are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RlpItem<'a> {
    raw: &'a [u8],
    payload: &'a [u8],
    is_list: bool,
}

impl<'a> RlpItem<'a> {
    /// Parses the first item of `buf`, returning it and the bytes after it.
    pub fn parse_first(buf: &'a [u8]) -> Result<(Self, &'a [u8])> {
        let (is_list, header_len, payload_len) = parse_header(buf)?;
        let total = header_len
            .checked_add(payload_len)
            .ok_or(DecodeError::LengthOverflow { len_of_len: header_len })?;
        if total > buf.len() {
            return Err(DecodeError::UnexpectedEnd { needed: total, available: buf.len() });
        }
        let (raw, rest) = buf.split_at(total);
        let payload = raw.get(header_len..).unwrap_or_default();
        Ok((Self { raw, payload, is_list }, rest))
    }

    /// Parses `buf` as exactly one item: trailing bytes are an error.
    ///
    /// Only this item's header is checked here; use [`rlp_strict`] to check
    /// the whole tree up front.
    pub fn parse_exact(buf: &'a [u8]) -> Result<Self> {
        let (item, rest) = Self::parse_first(buf)?;
        if !rest.is_empty() {
            return Err(DecodeError::TrailingBytes { extra: rest.len() });
        }
        Ok(item)
    }

    /// True for a list, false for a byte string.
    pub fn is_list(&self) -> bool {
        self.is_list
    }

    /// The item's payload: the string's bytes, or the list's concatenated items.
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }

    /// The item's full encoding, header included.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// The bytes of a byte string.
    pub fn bytes(&self, field: &'static str) -> Result<&'a [u8]> {
        if self.is_list {
            return Err(DecodeError::ExpectedBytes { field });
        }
        Ok(self.payload)
    }

    /// A list reader over this item's elements.
    pub fn list(&self, field: &'static str) -> Result<RlpList<'a>> {
        if !self.is_list {
            return Err(DecodeError::ExpectedList { field });
        }
        Ok(RlpList { rest: self.payload, what: field })
    }

    /// A list reader, after checking the list has exactly `count` elements.
    pub fn list_exact(&self, what: &'static str, count: usize) -> Result<RlpList<'a>> {
        let list = self.list(what)?;
        let found = list.count_remaining()?;
        if found != count {
            return Err(DecodeError::ItemCount { what, expected: count, found });
        }
        Ok(list)
    }

    /// The big-endian bytes of an integer at most `max` bytes wide, without leading zeros.
    pub fn uint_bytes(&self, field: &'static str, max: usize) -> Result<&'a [u8]> {
        let bytes = self.bytes(field)?;
        if bytes.first() == Some(&0) {
            return Err(DecodeError::LeadingZeros { field });
        }
        if bytes.len() > max {
            return Err(DecodeError::IntegerTooLarge { field, len: bytes.len(), max });
        }
        Ok(bytes)
    }

    /// A canonical integer of at most 64 bits.
    pub fn u64(&self, field: &'static str) -> Result<u64> {
        let bytes = self.uint_bytes(field, 8)?;
        Ok(bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }

    /// A canonical integer of at most 128 bits.
    pub fn u128(&self, field: &'static str) -> Result<u128> {
        let bytes = self.uint_bytes(field, 16)?;
        Ok(bytes.iter().fold(0u128, |acc, b| (acc << 8) | u128::from(*b)))
    }

    /// A canonical integer of at most 256 bits.
    pub fn u256(&self, field: &'static str) -> Result<U256> {
        Ok(U256::from_big_endian(self.uint_bytes(field, 32)?))
    }

    /// A 0/1 flag encoded as an integer (`0x80` or `0x01`).
    pub fn flag(&self, field: &'static str) -> Result<bool> {
        match self.uint_bytes(field, 1)? {
            [] => Ok(false),
            [1] => Ok(true),
            _ => Err(DecodeError::InvalidFlag { field }),
        }
    }

    /// A byte string of exactly `N` bytes.
    pub fn fixed<const N: usize>(&self, field: &'static str) -> Result<[u8; N]> {
        let bytes = self.bytes(field)?;
        <[u8; N]>::try_from(bytes).map_err(|_| DecodeError::WrongLength {
            field,
            expected: N,
            found: bytes.len(),
        })
    }

    /// A 32-byte hash.
    pub fn h256(&self, field: &'static str) -> Result<H256> {
        self.fixed::<32>(field).map(H256)
    }

    /// A 20-byte address.
    pub fn address(&self, field: &'static str) -> Result<Address> {
        self.fixed::<20>(field).map(Address::from)
    }

    /// An 8-byte value (the header's PoW nonce).
    pub fn h64(&self, field: &'static str) -> Result<H64> {
        self.fixed::<8>(field).map(H64)
    }

    /// A 256-byte logs bloom.
    pub fn bloom(&self, field: &'static str) -> Result<Bloom> {
        self.fixed::<256>(field).map(Bloom)
    }
}

/// Reads the elements of an RLP list in order, checking each header.
#[derive(Clone, Debug)]
pub struct RlpList<'a> {
    rest: &'a [u8],
    what: &'static str,
}

impl<'a> RlpList<'a> {
    /// True once every element has been read.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next element; an [`DecodeError::ItemCount`] error if there is none.
    pub fn next_item(&mut self) -> Result<RlpItem<'a>> {
        if self.rest.is_empty() {
            return Err(DecodeError::ItemCount { what: self.what, expected: 1, found: 0 });
        }
        let (item, rest) = RlpItem::parse_first(self.rest)?;
        self.rest = rest;
        Ok(item)
    }

    /// Counts the elements not yet read (checking their headers) without consuming them.
    pub fn count_remaining(&self) -> Result<usize> {
        let mut rest = self.rest;
        let mut count = 0usize;
        while !rest.is_empty() {
            let (_, tail) = RlpItem::parse_first(rest)?;
            rest = tail;
            count = count.saturating_add(1);
        }
        Ok(count)
    }

    /// Reads every remaining element with `read`.
    pub fn map_all<T>(mut self, mut read: impl FnMut(RlpItem<'a>) -> Result<T>) -> Result<Vec<T>> {
        let mut out = Vec::new();
        while !self.is_empty() {
            out.push(read(self.next_item()?)?);
        }
        Ok(out)
    }
}

impl<'a> Iterator for RlpList<'a> {
    type Item = Result<RlpItem<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            None
        } else {
            let item = self.next_item();
            if item.is_err() {
                // Stop after the first error instead of reporting it forever.
                self.rest = &[];
            }
            Some(item)
        }
    }
}

/// Parses an item header: (is_list, header length, payload length). Canonical forms only.
fn parse_header(buf: &[u8]) -> Result<(bool, usize, usize)> {
    let Some(&first) = buf.first() else {
        return Err(DecodeError::Empty);
    };
    match first {
        0x00..=0x7f => Ok((false, 0, 1)),
        0x80..=0xb7 => {
            let len = usize::from(first - 0x80);
            if len == 1 {
                if let Some(&byte) = buf.get(1) {
                    if byte < 0x80 {
                        return Err(DecodeError::NonCanonicalSingleByte { byte });
                    }
                }
            }
            Ok((false, 1, len))
        }
        0xb8..=0xbf => {
            let (header_len, len) = long_length(buf, usize::from(first - 0xb7))?;
            Ok((false, header_len, len))
        }
        0xc0..=0xf7 => Ok((true, 1, usize::from(first - 0xc0))),
        0xf8..=0xff => {
            let (header_len, len) = long_length(buf, usize::from(first - 0xf7))?;
            Ok((true, header_len, len))
        }
    }
}

/// Reads a long-form length of `len_of_len` bytes after the first byte: (header length, length).
fn long_length(buf: &[u8], len_of_len: usize) -> Result<(usize, usize)> {
    let header_len = len_of_len.saturating_add(1);
    let Some(len_bytes) = buf.get(1..header_len) else {
        return Err(DecodeError::UnexpectedEnd { needed: header_len, available: buf.len() });
    };
    if len_bytes.first() == Some(&0) {
        return Err(DecodeError::LengthLeadingZero);
    }
    if len_of_len > core::mem::size_of::<usize>() {
        return Err(DecodeError::LengthOverflow { len_of_len });
    }
    let len = len_bytes.iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
    if len < 56 {
        return Err(DecodeError::NonCanonicalLength { len });
    }
    Ok((header_len, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict(hex_str: &str) -> Result<()> {
        rlp_strict(&hex::decode(hex_str).unwrap())
    }

    #[test]
    fn accepts_canonical_items() {
        for ok in ["80", "00", "7f", "8180", "c0", "c3010203", "c4c2c0c0c0"] {
            assert!(strict(ok).is_ok(), "{ok}");
        }
        let mut long = vec![0xb8, 0x38];
        long.extend([0u8; 56]);
        assert!(rlp_strict(&long).is_ok());
    }

    #[test]
    fn rejects_non_canonical_items() {
        assert_eq!(strict(""), Err(DecodeError::Empty));
        assert_eq!(strict("8100"), Err(DecodeError::NonCanonicalSingleByte { byte: 0 }));
        assert_eq!(strict("b801ff"), Err(DecodeError::NonCanonicalLength { len: 1 }));
        assert_eq!(strict("b800"), Err(DecodeError::LengthLeadingZero));
        assert_eq!(strict("c0c0"), Err(DecodeError::TrailingBytes { extra: 1 }));
        // An inner item overrunning its list.
        assert!(matches!(strict("c28300"), Err(DecodeError::UnexpectedEnd { .. })));
        assert!(matches!(strict("c5010203"), Err(DecodeError::UnexpectedEnd { .. })));
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        // [[[[...[]...]]]] nested 100k deep: a recursive validator would blow the stack.
        let depth = 100_000usize;
        let mut headers = Vec::with_capacity(depth);
        let mut len = 1usize; // the innermost 0xc0
        for _ in 0..depth {
            let h = if len < 56 {
                vec![0xc0 + len as u8]
            } else {
                let be = len.to_be_bytes();
                let skip = be.iter().take_while(|b| **b == 0).count();
                let mut h = vec![0xf7 + (be.len() - skip) as u8];
                h.extend_from_slice(&be[skip..]);
                h
            };
            len += h.len();
            headers.push(h);
        }
        let mut v = Vec::with_capacity(len);
        for h in headers.iter().rev() {
            v.extend_from_slice(h);
        }
        v.push(0xc0);
        assert_eq!(v.len(), len);
        assert!(rlp_strict(&v).is_ok());
        // Cut one byte: now every level is truncated.
        v.pop();
        assert!(rlp_strict(&v).is_err());
    }

    #[test]
    fn integer_readers_are_strict() {
        let item = |h: &str| hex::decode(h).unwrap();
        let v = item("820001");
        let it = RlpItem::parse_exact(&v).unwrap();
        assert_eq!(it.u64("x"), Err(DecodeError::LeadingZeros { field: "x" }));
        let v = item("89010000000000000000");
        let it = RlpItem::parse_exact(&v).unwrap();
        assert_eq!(it.u64("x"), Err(DecodeError::IntegerTooLarge { field: "x", len: 9, max: 8 }));
        assert_eq!(it.u128("x"), Ok(1u128 << 64));
        let v = item("80");
        assert_eq!(RlpItem::parse_exact(&v).unwrap().u64("x"), Ok(0));
        let v = item("00");
        assert_eq!(
            RlpItem::parse_exact(&v).unwrap().u64("x"),
            Err(DecodeError::LeadingZeros { field: "x" })
        );
    }
}
