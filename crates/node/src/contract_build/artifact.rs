//! The ABI JSON a contract carries, and the artifact file the build writes.

use std::path::{Path, PathBuf};

use basalt_vm_abi::encode_deploy_prefix;
use basalt_vm_abi::limits::MAX_WASM_SIZE;
use serde::{Deserialize, Serialize};

use crate::error::{BuildError, ModuleError, Result};

/// The content of a contract's `basalt.abi` custom section:
/// `{"contractName": "...", "abi": [...]}` (other fields are ignored).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractAbi {
    /// The contract's name; also the artifact's file name.
    pub contract_name: String,
    /// The Solidity ABI: an array of function, event, error and constructor
    /// entries, as solc writes it.
    pub abi: Vec<serde_json::Value>,
}

impl ContractAbi {
    /// Parses and checks the section's bytes (UTF-8 JSON). The error says
    /// what is wrong.
    pub fn parse(section: &[u8]) -> std::result::Result<Self, String> {
        let abi: Self = serde_json::from_slice(section).map_err(|e| e.to_string())?;
        if !is_identifier(&abi.contract_name) {
            return Err(format!(
                "contractName {:?} is not an identifier ([A-Za-z_$][A-Za-z0-9_$]*)",
                abi.contract_name
            ));
        }
        if let Some(entry) = abi.abi.iter().find(|entry| !entry.is_object()) {
            return Err(format!("abi entry {entry} is not an object"));
        }
        Ok(abi)
    }
}

/// A Solidity-style identifier; safe as a file name on every platform.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// A built contract as Hardhat and Foundry users load it:
/// `ContractFactory(abi, bytecode).deploy(args)` appends the ABI-encoded
/// constructor arguments to `bytecode`, which is exactly a Basalt deployment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractArtifact {
    /// The contract's name.
    pub contract_name: String,
    /// The Solidity ABI.
    pub abi: Vec<serde_json::Value>,
    /// Deployment data without constructor arguments: `0x` ‖ hex(deploy
    /// envelope prefix ‖ module).
    pub bytecode: String,
    /// The code stored on chain (`eth_getCode`): `0x` ‖ hex(module).
    pub deployed_bytecode: String,
}

impl ContractArtifact {
    /// The artifact for a module; fails only if it is larger than
    /// [`MAX_WASM_SIZE`] (which a module that passed
    /// [`check_module`](super::check_module) never is).
    pub fn new(abi: ContractAbi, wasm: &[u8]) -> std::result::Result<Self, ModuleError> {
        let too_large = || ModuleError::TooLarge { size: wasm.len(), max: MAX_WASM_SIZE };
        if wasm.len() > MAX_WASM_SIZE {
            return Err(too_large());
        }
        let len = u32::try_from(wasm.len()).map_err(|_| too_large())?;
        let mut bytecode = encode_deploy_prefix(len).to_vec();
        bytecode.extend_from_slice(wasm);
        Ok(Self {
            contract_name: abi.contract_name,
            abi: abi.abi,
            bytecode: format!("0x{}", hex::encode(bytecode)),
            deployed_bytecode: format!("0x{}", hex::encode(wasm)),
        })
    }

    /// Writes `<dir>/<contractName>.json` (pretty, newline-terminated),
    /// creating `dir` if needed; returns the path.
    pub fn write(&self, dir: &Path) -> Result<PathBuf> {
        std::fs::create_dir_all(dir)
            .map_err(|source| BuildError::Io { path: dir.to_owned(), source })?;
        let path = dir.join(format!("{}.json", self.contract_name));
        let mut json =
            serde_json::to_string_pretty(self).expect("an artifact serializes: strings and JSON");
        json.push('\n');
        std::fs::write(&path, json)
            .map_err(|source| BuildError::Io { path: path.clone(), source })?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_abi_section() {
        let abi = ContractAbi::parse(
            br#"{"contractName":"Token","abi":[{"type":"function","name":"f"}],"extra":1}"#,
        )
        .unwrap();
        assert_eq!(abi.contract_name, "Token");
        assert_eq!(abi.abi.len(), 1);
    }

    #[test]
    fn rejects_bad_abi_sections() {
        for (section, why) in [
            (&b"\xff"[..], "expected value"),
            (br#"{"abi":[]}"#, "missing field `contractName`"),
            (br#"{"contractName":"T"}"#, "missing field `abi`"),
            (br#"{"contractName":"T","abi":{}}"#, "invalid type"),
            (br#"{"contractName":"../x","abi":[]}"#, "not an identifier"),
            (br#"{"contractName":"","abi":[]}"#, "not an identifier"),
            (br#"{"contractName":"1x","abi":[]}"#, "not an identifier"),
            (br#"{"contractName":"T","abi":[1]}"#, "not an object"),
        ] {
            let err = ContractAbi::parse(section).unwrap_err();
            assert!(err.contains(why), "{err} (wanted {why})");
        }
    }

    #[test]
    fn artifact_bytecode_is_the_envelope() {
        let abi = ContractAbi { contract_name: "T".into(), abi: vec![] };
        let wasm = b"\0asm\x01\0\0\0";
        let artifact = ContractArtifact::new(abi.clone(), wasm).unwrap();
        assert_eq!(artifact.deployed_bytecode, "0x0061736d01000000");
        assert_eq!(artifact.bytecode, "0xef574100000000080061736d01000000");
        let bytecode = hex::decode(&artifact.bytecode[2..]).unwrap();
        let deploy = basalt_vm_abi::parse_deploy(&bytecode).unwrap();
        assert_eq!((deploy.code, deploy.args), (&wasm[..], &b""[..]));
        let huge = vec![0; MAX_WASM_SIZE + 1];
        assert!(matches!(ContractArtifact::new(abi, &huge), Err(ModuleError::TooLarge { .. })));
    }

    #[test]
    fn writes_the_json_shape() {
        let dir = tempfile::tempdir().unwrap();
        let abi =
            ContractAbi::parse(br#"{"contractName":"T","abi":[{"type":"fallback"}]}"#).unwrap();
        let path = ContractArtifact::new(abi, b"\0asm\x01\0\0\0")
            .unwrap()
            .write(&dir.path().join("out"))
            .unwrap();
        assert_eq!(path, dir.path().join("out/T.json"));
        let text = std::fs::read_to_string(&path).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 4);
        assert_eq!(json["contractName"], "T");
        assert_eq!(json["abi"][0]["type"], "fallback");
        assert_eq!(json["deployedBytecode"], "0x0061736d01000000");
        assert!(text.ends_with("}\n"));
    }
}
