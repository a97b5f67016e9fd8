#![allow(clippy::unwrap_used)]
//! `basalt contract build` end to end: the real binary builds the fixture
//! contract (tests/fixtures/minimal-contract, no SDK) with the machine's wasm32
//! toolchain and writes the artifact.
//!
//! The fixture builds into this test's own target directory, so it never
//! touches the workspace's.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use basalt_node::contract_build::{check_module, WasmToolchain};
use serde_json::Value;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal-contract")
}

/// Runs `basalt` with the fixture's target directory.
fn basalt(args: &[&std::ffi::OsStr]) -> Output {
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("minimal-contract-target");
    Command::new(env!("CARGO_BIN_EXE_basalt"))
        .args(args)
        .env("CARGO_TARGET_DIR", target_dir)
        .env("RUST_LOG", "basalt=debug")
        .output()
        .unwrap()
}

/// Whether a toolchain exists; prints why the build test cannot run if not.
fn toolchain_or_skip() -> bool {
    match WasmToolchain::detect(&fixture()) {
        Ok(toolchain) => {
            eprintln!("wasm toolchain: {toolchain:?}");
            true
        }
        Err(why) => {
            eprintln!("SKIPPED: {why}");
            false
        }
    }
}

#[test]
fn builds_the_minimal_contract() {
    if !toolchain_or_skip() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let output = basalt(&[
        "contract".as_ref(),
        "build".as_ref(),
        fixture().as_os_str(),
        "--out".as_ref(),
        out.path().as_os_str(),
        "--locked".as_ref(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "basalt contract build failed:\n{stderr}");
    let artifact_path = out.path().join("MinimalContract.json");
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), artifact_path.to_str().unwrap());
    assert!(stderr.contains("stripped custom sections"), "{stderr}");

    let artifact: Value = serde_json::from_slice(&std::fs::read(&artifact_path).unwrap()).unwrap();
    let keys: Vec<&str> = artifact.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 4, "{keys:?}");
    assert_eq!(artifact["contractName"], "MinimalContract");
    assert_eq!(artifact["abi"][0]["name"], "blockNumber");
    assert_eq!(artifact["abi"][1]["type"], "constructor");

    let hex_field = |name: &str| {
        let text = artifact[name].as_str().unwrap();
        hex::decode(text.strip_prefix("0x").unwrap()).unwrap()
    };
    let bytecode = hex_field("bytecode");
    let code = hex_field("deployedBytecode");
    let deploy = basalt_vm_abi::parse_deploy(&bytecode).unwrap();
    assert_eq!(deploy.code, code.as_slice());
    assert!(deploy.args.is_empty());
    assert_eq!(&bytecode[..8], &basalt_vm_abi::encode_deploy_prefix(code.len() as u32));

    // The deployed code has no custom section left and fits the host ABI.
    for payload in wasmparser::Parser::new(0).parse_all(&code) {
        let payload = payload.unwrap();
        if let wasmparser::Payload::CustomSection(section) = payload {
            panic!("custom section {:?} left in the module", section.name());
        }
    }
    let summary = check_module(&code).unwrap();
    let mut imports = summary.imports.clone();
    imports.sort_unstable();
    assert_eq!(imports, ["block_number", "read_args", "write_result"]);
    assert!(summary.has_constructor);
    eprintln!("module: {} bytes, {} pages", summary.size, summary.memory_pages);

    // Rebuilding gives the same bytes.
    let again = basalt(&[
        "contract".as_ref(),
        "build".as_ref(),
        fixture().as_os_str(),
        "-o".as_ref(),
        out.path().join("again").as_os_str(),
    ]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(
        std::fs::read(out.path().join("again/MinimalContract.json")).unwrap(),
        std::fs::read(&artifact_path).unwrap()
    );

    // With binaryen, --wasm-opt gives a module that still fits, and no larger.
    if which::which("wasm-opt").is_err() {
        eprintln!("SKIPPED --wasm-opt: no wasm-opt on PATH (binaryen)");
        return;
    }
    let opt_dir = out.path().join("opt");
    let optimized = basalt(&[
        "contract".as_ref(),
        "build".as_ref(),
        fixture().as_os_str(),
        "--out".as_ref(),
        opt_dir.as_os_str(),
        "--wasm-opt".as_ref(),
        "z".as_ref(),
    ]);
    let stderr = String::from_utf8_lossy(&optimized.stderr);
    assert!(optimized.status.success(), "{stderr}");
    assert!(stderr.contains("ran wasm-opt"), "{stderr}");
    let artifact: Value =
        serde_json::from_slice(&std::fs::read(opt_dir.join("MinimalContract.json")).unwrap())
            .unwrap();
    let opt_code = hex::decode(&artifact["deployedBytecode"].as_str().unwrap()[2..]).unwrap();
    assert!(opt_code.len() <= code.len(), "{} > {}", opt_code.len(), code.len());
    assert!(check_module(&opt_code).unwrap().has_constructor);
}

#[test]
fn fails_clearly_without_a_crate() {
    let dir = tempfile::tempdir().unwrap();
    let output = basalt(&[
        "contract".as_ref(),
        "build".as_ref(),
        dir.path().as_os_str(),
        "--out".as_ref(),
        dir.path().join("out").as_os_str(),
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("has no Cargo.toml"), "{stderr}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn usage_errors_exit_nonzero() {
    let output = basalt(&["contract".as_ref(), "build".as_ref()]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("Usage"));
}
