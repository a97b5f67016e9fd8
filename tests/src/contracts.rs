//! The example contracts of `contracts/`, as built artifacts.
//!
//! `scripts/test.sh` builds every contract once with `basalt contract build`
//! into `$BASALT_CONTRACTS`; without that variable the first use builds them
//! here (same code path: `basalt_node::contract_build`) into
//! `$CARGO_TARGET_DIR/basalt-contracts` (or `target/basalt-contracts`).

use basalt_node::contract_build::{build_contract, BuildOptions};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Environment variable naming the folder of built artifacts.
pub const CONTRACTS_ENV: &str = "BASALT_CONTRACTS";

/// The contract crates, in `contracts/`.
pub const CONTRACT_CRATES: &[&str] =
    &["counter", "token", "crowdfund", "factory", "vault", "compute"];

/// A built contract: the JSON artifact `basalt contract build` writes.
#[derive(Clone, Debug)]
pub struct Artifact {
    /// `contractName`.
    pub name: String,
    /// The Solidity JSON ABI.
    pub abi: serde_json::Value,
    /// Deploy envelope prefix + module (append constructor args).
    pub bytecode: Vec<u8>,
    /// The bare module, as stored on chain.
    pub deployed_bytecode: Vec<u8>,
}

impl Artifact {
    /// The deploy data for constructor `args` (ABI-encoded, may be empty).
    pub fn deploy_data(&self, args: &[u8]) -> Vec<u8> {
        let mut data = self.bytecode.clone();
        data.extend_from_slice(args);
        data
    }
}

/// The repository's `contracts/` folder.
pub fn contracts_source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts")
}

fn artifacts_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        if let Some(dir) = std::env::var_os(CONTRACTS_ENV) {
            return PathBuf::from(dir);
        }
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
        let out = target.join("basalt-contracts");
        for name in CONTRACT_CRATES {
            let options = BuildOptions {
                crate_dir: contracts_source_dir().join(name),
                out_dir: out.clone(),
                wasm_opt: None,
                locked: false,
            };
            if let Err(e) = build_contract(&options) {
                panic!("building contracts/{name} failed: {e} (run scripts/setup.sh for the wasm toolchain)");
            }
        }
        out
    })
}

/// Loads the artifact `<name>.json` (e.g. `"Token"`), building the contracts
/// first if needed.
///
/// # Panics
/// When the artifact is missing or malformed: the test cannot run without it.
pub fn artifact(name: &str) -> Artifact {
    let path = artifacts_dir().join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("artifact {} missing ({e}); set {CONTRACTS_ENV}", path.display())
    });
    let json: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("artifact {} is not JSON: {e}", path.display()));
    let hex_field = |field: &str| {
        let s = json[field].as_str().unwrap_or_else(|| panic!("{name}.json lacks {field}"));
        crate::hex_bytes(s)
    };
    Artifact {
        name: json["contractName"].as_str().unwrap_or(name).to_owned(),
        abi: json["abi"].clone(),
        bytecode: hex_field("bytecode"),
        deployed_bytecode: hex_field("deployedBytecode"),
    }
}
