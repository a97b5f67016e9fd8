//! The guard module: the code stored at [`STAKING_ADDRESS`](basalt_consensus::STAKING_ADDRESS).
//!
//! The executor runs the staking contract natively for top-level transactions and
//! `eth_call`; the VM has no native-contract hook, so a call *from a wasm contract* would
//! otherwise reach an account without code, succeed with empty return data and strand any
//! value it carried. The account therefore holds this tiny module, which reverts every call
//! with `Error("staking: …")`: value sent by a contract bounces back and the caller sees
//! why. Its presence is also how the executor recognises a proof-of-stake state
//! ([`is_guard_code_hash`]).
//!
//! The bytes are assembled here (no wasm toolchain at build time) and checked against the
//! same module written in WAT by this file's tests, and validated and run through the VM
//! by the crate's integration tests.

use basalt_primitives::{keccak256, H256};
use std::sync::LazyLock;

/// The revert reason of every call that reaches the guard module.
pub const GUARD_REVERT_REASON: &str =
    "staking: contracts cannot call the staking contract; send a transaction or use eth_call";

struct Guard {
    code: Vec<u8>,
    hash: H256,
}

static GUARD: LazyLock<Guard> = LazyLock::new(|| {
    let code = assemble(&super::abi::revert_data(GUARD_REVERT_REASON));
    let hash = keccak256(&code);
    Guard { code, hash }
});

/// The guard module's bytes (a bare wasm module).
pub fn guard_code() -> &'static [u8] {
    &GUARD.code
}

/// keccak256 of [`guard_code`].
pub fn guard_code_hash() -> H256 {
    GUARD.hash
}

/// Whether `hash` is the guard module's code hash.
pub(crate) fn is_guard_code_hash(hash: H256) -> bool {
    hash == GUARD.hash
}

/// Unsigned LEB128.
fn leb128(mut value: u32, out: &mut Vec<u8>) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Signed LEB128 of a non-negative `i32` (the immediate of `i32.const`).
fn sleb128(value: u32, out: &mut Vec<u8>) {
    let mut value = i64::from(value);
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        let done = value == 0 && byte & 0x40 == 0;
        out.push(if done { byte } else { byte | 0x80 });
        if done {
            return;
        }
    }
}

fn section(id: u8, content: &[u8], out: &mut Vec<u8>) {
    out.push(id);
    leb128(u32::try_from(content.len()).expect("guard sections are a few hundred bytes"), out);
    out.extend_from_slice(content);
}

fn name(text: &str, out: &mut Vec<u8>) {
    leb128(u32::try_from(text.len()).expect("short names"), out);
    out.extend_from_slice(text.as_bytes());
}

/// The module, in WAT:
///
/// ```text
/// (module
///   (import "env" "write_result" (func (param i32 i32)))
///   (memory (export "memory") 1)
///   (func (export "user_entrypoint") (param i32) (result i32)
///     (call 0 (i32.const 0) (i32.const <len>))
///     (i32.const 1))
///   (data (i32.const 0) "<revert data>"))
/// ```
fn assemble(revert: &[u8]) -> Vec<u8> {
    let len = u32::try_from(revert.len()).expect("the revert data is a few hundred bytes");
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    // Types: 0 = (i32, i32) -> (), 1 = (i32) -> i32.
    section(1, &[2, 0x60, 2, 0x7f, 0x7f, 0, 0x60, 1, 0x7f, 1, 0x7f], &mut wasm);
    let mut imports = vec![1];
    name("env", &mut imports);
    name("write_result", &mut imports);
    imports.extend_from_slice(&[0x00, 0]);
    section(2, &imports, &mut wasm);
    section(3, &[1, 1], &mut wasm);
    // One memory, 1 page minimum, no maximum.
    section(5, &[1, 0x00, 1], &mut wasm);
    let mut exports = vec![2];
    name("memory", &mut exports);
    exports.extend_from_slice(&[0x02, 0]);
    name("user_entrypoint", &mut exports);
    exports.extend_from_slice(&[0x00, 1]);
    section(7, &exports, &mut wasm);
    // No locals; i32.const 0; i32.const len; call 0; i32.const 1; end.
    let mut body = vec![0, 0x41, 0, 0x41];
    sleb128(len, &mut body);
    body.extend_from_slice(&[0x10, 0, 0x41, 1, 0x0b]);
    let mut code = vec![1];
    leb128(u32::try_from(body.len()).expect("a short body"), &mut code);
    code.extend_from_slice(&body);
    section(10, &code, &mut wasm);
    // One active segment in memory 0 at offset (i32.const 0).
    let mut data = vec![1, 0x00, 0x41, 0, 0x0b];
    leb128(len, &mut data);
    data.extend_from_slice(revert);
    section(11, &data, &mut wasm);
    wasm
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_assembled_module_is_the_wat_module() {
        let revert = crate::staking::abi::revert_data(GUARD_REVERT_REASON);
        let escaped: String = revert.iter().map(|b| format!("\\{b:02x}")).collect();
        let wat = format!(
            r#"(module
                (import "env" "write_result" (func (param i32 i32)))
                (memory (export "memory") 1)
                (func (export "user_entrypoint") (param i32) (result i32)
                  (call 0 (i32.const 0) (i32.const {}))
                  (i32.const 1))
                (data (i32.const 0) "{escaped}"))"#,
            revert.len()
        );
        assert_eq!(guard_code(), wat::parse_str(wat).unwrap().as_slice());
        assert_eq!(guard_code_hash(), keccak256(guard_code()));
    }

    #[test]
    fn leb128_encodings() {
        let enc = |v: u32, signed: bool| {
            let mut out = Vec::new();
            if signed {
                sleb128(v, &mut out)
            } else {
                leb128(v, &mut out)
            }
            out
        };
        assert_eq!(enc(0, false), [0]);
        assert_eq!(enc(127, false), [0x7f]);
        assert_eq!(enc(128, false), [0x80, 1]);
        assert_eq!(enc(63, true), [0x3f]);
        assert_eq!(enc(64, true), [0xc0, 0]);
        assert_eq!(enc(196, true), [0xc4, 1]);
    }
}
