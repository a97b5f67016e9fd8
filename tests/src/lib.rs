//! Basalt's cross-crate tests.
//!
//! - `conformance/`: the official Ethereum test vectors from `../shared/vectors`
//!   (overridable with `BASALT_VECTORS`) run against Basalt's primitives and trie.
//!
//! - `contracts/`: the example contracts of `contracts/` run in-process
//!   through basalt-state and basalt-vm ([`inproc`], [`contracts`]).
//!
//! This library holds what those tests share: finding and loading vector files
//! and contract artifacts. A missing vector file or artifact is an error,
//! never a silent skip.

pub mod contracts;
pub mod inproc;

use std::path::PathBuf;

/// Environment variable that overrides where the vectors live.
pub const VECTORS_ENV: &str = "BASALT_VECTORS";

/// The vectors folder: `$BASALT_VECTORS`, else `shared/vectors` beside the repository.
pub fn vectors_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(VECTORS_ENV) {
        return PathBuf::from(dir);
    }
    // tests/ sits in the repository root; shared/ sits beside the repository.
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors")
}

/// Reads and parses one vector file, relative to [`vectors_dir`].
///
/// # Panics
/// When the file is missing or not JSON: a missing vector is a failing test.
pub fn load_vector(relative: &str) -> serde_json::Value {
    let path = vectors_dir().join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "vector file {} is missing ({e}); set {VECTORS_ENV} to the vectors folder",
            path.display()
        )
    });
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("vector file {} is not valid JSON: {e}", path.display()))
}

/// Decodes `0x`-prefixed (or bare) hex, panicking with the offending text on bad input.
pub fn hex_bytes(s: &str) -> Vec<u8> {
    let s = s.strip_prefix("0x").unwrap_or(s);
    hex::decode(s).unwrap_or_else(|e| panic!("bad hex in vector {s:?}: {e}"))
}

/// Prints how many cases of a vector file ran, so the test log shows every file was exercised.
pub fn report(file: &str, cases: usize) {
    assert!(cases > 0, "vector file {file} yielded no cases");
    println!("{file}: {cases} cases");
}
