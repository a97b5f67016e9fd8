//! Reading JSON values the way geth's genesis does, with the field's path in every error.
//!
//! Values are taken as [`RawValue`]s (their exact text), so that:
//!
//! - a quantity written as a bare JSON number above 2^64 (geth accepts
//!   `"balance": 1000000000000000000000000`) parses exactly instead of
//!   through `f64`;
//! - the type of a value is checked here, where the field's name is known,
//!   instead of in a derive that only knows line and column.
//!
//! Conventions (geth's `math.HexOrDecimal256` / `HexOrDecimal64` and `hexutil`):
//!
//! | kind | accepted |
//! |---|---|
//! | quantity | non-negative JSON integer; string `"0x…"` hex (any case, leading zeros allowed, at least one digit); string of decimal digits; `""` (zero) |
//! | bytes | string of an even number of hex digits, `0x` optional; `""` is empty |
//! | address / hash | bytes of exactly 20 / 32 bytes |
//! | storage word | `0x`-prefixed hex of at most 256 bits, left-padded to 32 bytes |
//!
//! Nothing here panics: integer parsing is checked, slicing goes through `get`.

use crate::error::{Error, Result};
use basalt_primitives::{Address, H256, U256};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

/// Longest value text quoted back in an error.
const MAX_QUOTED: usize = 80;

/// An object's entries in document order: keys unescaped, values unparsed.
struct Entries<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> core::result::Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = Entries<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> core::result::Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor)
    }
}

/// The JSON type of a raw value, for error messages.
pub(crate) fn kind(raw: &RawValue) -> &'static str {
    match raw.get().as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

fn invalid_type(raw: &RawValue, field: &str, expected: &'static str) -> Error {
    Error::InvalidType { field: field.to_owned(), expected, found: kind(raw) }
}

/// `text`, shortened for an error message.
fn quote(text: &str) -> String {
    if text.len() <= MAX_QUOTED {
        return text.to_owned();
    }
    let mut end = MAX_QUOTED;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", text.get(..end).unwrap_or_default())
}

/// The whole document, as one raw value.
pub(crate) fn document(json: &str) -> Result<&RawValue> {
    Ok(serde_json::from_str(json)?)
}

/// An object's entries in document order.
pub(crate) fn object<'a>(raw: &'a RawValue, field: &str) -> Result<Vec<(String, &'a RawValue)>> {
    if kind(raw) != "an object" {
        return Err(invalid_type(raw, field, "an object"));
    }
    Ok(serde_json::from_str::<Entries<'a>>(raw.get())?.0)
}

/// An array's elements.
pub(crate) fn array<'a>(raw: &'a RawValue, field: &str) -> Result<Vec<&'a RawValue>> {
    if kind(raw) != "an array" {
        return Err(invalid_type(raw, field, "an array"));
    }
    Ok(serde_json::from_str(raw.get())?)
}

/// A string, unescaped.
pub(crate) fn string(raw: &RawValue, field: &str) -> Result<String> {
    if kind(raw) != "a string" {
        return Err(invalid_type(raw, field, "a string"));
    }
    Ok(serde_json::from_str(raw.get())?)
}

/// Fails with [`Error::DuplicateField`] when `key` was already seen in this object.
pub(crate) fn check_unique(seen: &mut Vec<String>, key: &str, field: String) -> Result<()> {
    if seen.iter().any(|k| k == key) {
        return Err(Error::DuplicateField { field });
    }
    seen.push(key.to_owned());
    Ok(())
}

/// A quantity of up to 256 bits (see the module docs for the accepted forms).
pub(crate) fn u256(raw: &RawValue, field: &str) -> Result<U256> {
    match kind(raw) {
        "a string" => parse_quantity_str(&string(raw, field)?, field),
        "a number" => parse_json_integer(raw.get(), field),
        _ => Err(invalid_type(raw, field, "a number, a decimal string or 0x-prefixed hex")),
    }
}

/// A quantity of up to 64 bits.
pub(crate) fn u64(raw: &RawValue, field: &str) -> Result<u64> {
    let value = u256(raw, field)?;
    if value > U256::from(u64::MAX) {
        return Err(Error::NumberTooLarge {
            field: field.to_owned(),
            value: quote(raw.get()),
            bits: 64,
        });
    }
    Ok(value.low_u64())
}

fn parse_json_integer(text: &str, field: &str) -> Result<U256> {
    let invalid =
        |reason| Error::InvalidNumber { field: field.to_owned(), value: quote(text), reason };
    if text.starts_with('-') {
        return Err(invalid("negative"));
    }
    if text.contains(['.', 'e', 'E']) {
        return Err(invalid("not an integer"));
    }
    parse_digits(text, 10, field)
}

/// Parses geth's string quantity: `""` is zero, `0x…` is hex, otherwise decimal.
pub(crate) fn parse_quantity_str(text: &str, field: &str) -> Result<U256> {
    if text.is_empty() {
        return Ok(U256::zero());
    }
    match strip_hex_prefix(text) {
        Some("") => Err(Error::InvalidNumber {
            field: field.to_owned(),
            value: quote(text),
            reason: "0x with no digits",
        }),
        Some(digits) => parse_digits(digits, 16, field),
        None => parse_digits(text, 10, field),
    }
}

/// Accumulates digits in `radix` (10 or 16) with checked arithmetic.
fn parse_digits(digits: &str, radix: u32, field: &str) -> Result<U256> {
    let mut value = U256::zero();
    for c in digits.chars() {
        let Some(digit) = c.to_digit(radix) else {
            return Err(Error::InvalidNumber {
                field: field.to_owned(),
                value: quote(digits),
                reason: if radix == 16 {
                    "invalid hex digit"
                } else {
                    "expected decimal digits or 0x-prefixed hex"
                },
            });
        };
        value = value
            .checked_mul(U256::from(radix))
            .and_then(|v| v.checked_add(U256::from(digit)))
            .ok_or_else(|| Error::NumberTooLarge {
                field: field.to_owned(),
                value: quote(digits),
                bits: 256,
            })?;
    }
    Ok(value)
}

fn strip_hex_prefix(text: &str) -> Option<&str> {
    text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"))
}

/// Hex bytes from a string, `0x` optional.
pub(crate) fn parse_bytes_str(text: &str, field: &str) -> Result<Vec<u8>> {
    let digits = strip_hex_prefix(text).unwrap_or(text);
    hex::decode(digits).map_err(|e| Error::InvalidHex {
        field: field.to_owned(),
        reason: match e {
            hex::FromHexError::OddLength => "odd number of digits",
            hex::FromHexError::InvalidHexCharacter { .. } => "invalid hex digit",
            hex::FromHexError::InvalidStringLength => "wrong length",
        },
    })
}

/// Hex bytes from a JSON string.
pub(crate) fn bytes(raw: &RawValue, field: &str) -> Result<Vec<u8>> {
    parse_bytes_str(&string(raw, field)?, field)
}

fn fixed<const N: usize>(text: &str, field: &str) -> Result<[u8; N]> {
    let bytes = parse_bytes_str(text, field)?;
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| Error::InvalidLength {
        field: field.to_owned(),
        expected: N,
        found: bytes.len(),
    })
}

/// A 20-byte address from a string (`0x` optional; no EIP-55 checksum check, like geth).
pub(crate) fn parse_address_str(text: &str, field: &str) -> Result<Address> {
    Ok(Address::from(fixed::<20>(text, field)?))
}

/// A 20-byte address from a JSON string.
pub(crate) fn address(raw: &RawValue, field: &str) -> Result<Address> {
    parse_address_str(&string(raw, field)?, field)
}

/// A 32-byte hash from a JSON string.
pub(crate) fn h256(raw: &RawValue, field: &str) -> Result<H256> {
    Ok(H256::from(fixed::<32>(&string(raw, field)?, field)?))
}

/// A storage key or value: `0x`-prefixed hex of at most 256 bits, left-padded to 32 bytes.
pub(crate) fn parse_word_str(text: &str, field: &str) -> Result<H256> {
    let Some(digits) = strip_hex_prefix(text) else {
        return Err(Error::InvalidHex { field: field.to_owned(), reason: "missing 0x prefix" });
    };
    if digits.is_empty() {
        return Err(Error::InvalidHex { field: field.to_owned(), reason: "0x with no digits" });
    }
    let value = parse_digits(digits, 16, field)?;
    Ok(H256(value.to_big_endian()))
}

/// A storage value from a JSON string.
pub(crate) fn word(raw: &RawValue, field: &str) -> Result<H256> {
    parse_word_str(&string(raw, field)?, field)
}

/// Writes a quantity as geth does: `0x`-prefixed minimal hex.
pub(crate) fn quantity_hex(value: impl fmt::LowerHex) -> String {
    format!("{value:#x}")
}

/// Writes bytes as `0x`-prefixed hex.
pub(crate) fn bytes_hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(json: &str) -> Box<RawValue> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn quantities_take_every_geth_form() {
        let big = "1000000000000000000000000";
        for (json, want) in [
            ("0", U256::zero()),
            ("31337", U256::from(31337u64)),
            (big, U256::from_dec_str(big).unwrap()),
            ("\"\"", U256::zero()),
            ("\"0x0\"", U256::zero()),
            ("\"0x00ff\"", U256::from(255u64)),
            ("\"0XFf\"", U256::from(255u64)),
            ("\"0x1\"", U256::one()),
            ("\"1000\"", U256::from(1000u64)),
        ] {
            assert_eq!(u256(&raw(json), "f").unwrap(), want, "{json}");
        }
        let max = format!("\"{:#x}\"", U256::MAX);
        assert_eq!(u256(&raw(&max), "f").unwrap(), U256::MAX);
    }

    #[test]
    fn bad_quantities_name_the_field() {
        for json in ["-1", "1.5", "1e3", "\"0x\"", "\"0xg\"", "\"12a\"", "\"-1\"", "\" 1\""] {
            let err = u256(&raw(json), "gasLimit").unwrap_err();
            assert!(
                matches!(&err, Error::InvalidNumber { field, .. } if field == "gasLimit"),
                "{json}: {err}"
            );
        }
        for json in ["true", "null", "[]", "{}"] {
            assert!(matches!(u256(&raw(json), "x"), Err(Error::InvalidType { .. })), "{json}");
        }
        let over = format!("\"0x1{}\"", "0".repeat(64));
        assert!(matches!(u256(&raw(&over), "x"), Err(Error::NumberTooLarge { bits: 256, .. })));
        assert!(matches!(
            u64(&raw("18446744073709551616"), "x"),
            Err(Error::NumberTooLarge { bits: 64, .. })
        ));
        assert_eq!(u64(&raw("18446744073709551615"), "x").unwrap(), u64::MAX);
    }

    #[test]
    fn bytes_addresses_and_words() {
        assert_eq!(parse_bytes_str("0x", "f").unwrap(), Vec::<u8>::new());
        assert_eq!(parse_bytes_str("", "f").unwrap(), Vec::<u8>::new());
        assert_eq!(parse_bytes_str("0x0aFF", "f").unwrap(), vec![0x0a, 0xff]);
        assert_eq!(parse_bytes_str("0aff", "f").unwrap(), vec![0x0a, 0xff]);
        assert!(matches!(
            parse_bytes_str("0x123", "f"),
            Err(Error::InvalidHex { reason: "odd number of digits", .. })
        ));
        assert!(matches!(
            parse_bytes_str("0xzz", "f"),
            Err(Error::InvalidHex { reason: "invalid hex digit", .. })
        ));
        assert!(matches!(
            parse_address_str("0x1234", "coinbase"),
            Err(Error::InvalidLength { expected: 20, found: 2, .. })
        ));
        assert_eq!(parse_word_str("0x1", "s").unwrap(), H256::from_low_u64_be(1));
        assert!(matches!(parse_word_str("1", "s"), Err(Error::InvalidHex { .. })));
        assert!(matches!(parse_word_str("0x", "s"), Err(Error::InvalidHex { .. })));
    }

    #[test]
    fn long_values_are_shortened_in_errors() {
        let long = format!("\"{}\"", "9".repeat(1000));
        let Error::NumberTooLarge { value, .. } = u256(&raw(&long), "f").unwrap_err() else {
            panic!("expected NumberTooLarge");
        };
        assert!(value.chars().count() <= MAX_QUOTED + 1);
    }
}
