//! Nibble paths and their hex-prefix encoding (Ethereum yellow paper, appendix C).

use smallvec::SmallVec;

/// A path of nibbles (values 0..16). 64 nibbles (a 32-byte key) fit without allocating.
pub(crate) type Nibbles = SmallVec<[u8; 64]>;

/// Splits bytes into nibbles, high nibble first.
pub(crate) fn from_bytes(key: &[u8]) -> Nibbles {
    let mut out = Nibbles::with_capacity(key.len() * 2);
    for b in key {
        out.push(b >> 4);
        out.push(b & 0x0f);
    }
    out
}

/// Length of the common prefix of two nibble paths.
pub(crate) fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Appends the hex-prefix encoding of `path` to `out`. The flag nibble is
/// `2 * leaf + odd`; an even path is followed by a zero nibble.
pub(crate) fn encode_hex_prefix(path: &[u8], leaf: bool, out: &mut Vec<u8>) {
    let flag = if leaf { 0x20 } else { 0x00 };
    let mut rest = path;
    if let [first, tail @ ..] = path {
        if path.len() % 2 == 1 {
            out.push(flag | 0x10 | first);
            rest = tail;
        } else {
            out.push(flag);
        }
    } else {
        out.push(flag);
    }
    for pair in rest.chunks_exact(2) {
        out.push((pair[0] << 4) | pair[1]);
    }
}

/// Length in bytes of the hex-prefix encoding of a path of `nibbles` nibbles.
pub(crate) fn hex_prefix_len(nibbles: usize) -> usize {
    nibbles / 2 + 1
}

/// Decodes a hex-prefix encoded path: `(nibbles, is_leaf)`, or `None` when malformed.
pub(crate) fn decode_hex_prefix(bytes: &[u8]) -> Option<(Nibbles, bool)> {
    let (&first, rest) = bytes.split_first()?;
    let flag = first >> 4;
    if flag > 3 {
        return None;
    }
    let leaf = flag & 2 != 0;
    let odd = flag & 1 != 0;
    let mut out = Nibbles::with_capacity(rest.len() * 2 + 1);
    if odd {
        out.push(first & 0x0f);
    } else if first & 0x0f != 0 {
        return None;
    }
    for b in rest {
        out.push(b >> 4);
        out.push(b & 0x0f);
    }
    Some((out, leaf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_prefix_matches_yellow_paper_examples() {
        let cases: &[(&[u8], bool, &[u8])] = &[
            (&[1, 2, 3, 4, 5], false, &[0x11, 0x23, 0x45]),
            (&[0, 1, 2, 3, 4, 5], false, &[0x00, 0x01, 0x23, 0x45]),
            (&[0, 0xf, 1, 0xc, 0xb, 8], true, &[0x20, 0x0f, 0x1c, 0xb8]),
            (&[0xf, 1, 0xc, 0xb, 8], true, &[0x3f, 0x1c, 0xb8]),
            (&[], true, &[0x20]),
        ];
        for (path, leaf, want) in cases {
            let mut out = Vec::new();
            encode_hex_prefix(path, *leaf, &mut out);
            assert_eq!(&out[..], *want);
            assert_eq!(out.len(), hex_prefix_len(path.len()));
            let (back, back_leaf) = decode_hex_prefix(&out).unwrap();
            assert_eq!(&back[..], *path);
            assert_eq!(back_leaf, *leaf);
        }
    }

    #[test]
    fn malformed_hex_prefix_is_rejected() {
        assert!(decode_hex_prefix(&[]).is_none());
        assert!(decode_hex_prefix(&[0x40]).is_none());
        assert!(decode_hex_prefix(&[0x01]).is_none());
        assert!(decode_hex_prefix(&[0x21, 0x00]).is_none());
    }
}
