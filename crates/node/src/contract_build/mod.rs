//! `basalt contract build`: a contract crate in, a deployable artifact out.
//!
//! ```text
//!  crate dir ──► WasmToolchain::detect (rustup wasm32 target | Debian rustc-web + build-std)
//!      │
//!      ├─ cargo metadata ─► package, cdylib name, target dir ─► <target>/wasm32-unknown-unknown/release/<lib>.wasm
//!      └─ cargo build --release --target wasm32-unknown-unknown --lib
//!                                  │
//!   module bytes ─► abi_section("basalt.abi") ─► ContractAbi {contractName, abi}
//!                ─► [wasm-opt -Oz|-O3]  (only with --wasm-opt)
//!                ─► strip_custom_sections ─► check_module (host ABI, limits)
//!                ─► ContractArtifact {contractName, abi, bytecode = 0x‖prefix‖wasm, deployedBytecode = 0x‖wasm}
//!                ─► <out>/<contractName>.json
//! ```
//!
//! # Determinism
//!
//! For a given toolchain (rustc, cargo, wasm-ld, and wasm-opt if asked for),
//! crate sources, `Cargo.lock` and path, the artifact is the same bytes:
//! rustc's codegen is deterministic, the custom sections (which may carry
//! paths and producer versions) are removed, and nothing else is added.
//! Panic messages compiled into a contract may contain source paths; contracts
//! built for size use `panic = "abort"` and avoid formatting them.
//!
//! # wasm-opt
//!
//! Off unless `--wasm-opt` names a level: whether binaryen happens to be on
//! PATH must not change what a build produces. With it, `wasm-opt` runs on the
//! linked module before stripping (it reads the `target_features` section to
//! know which proposals the module uses); binaryen is deterministic for a
//! given version, which the log records.

mod artifact;
mod module;
mod toolchain;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tracing::{debug, info};

pub use artifact::{ContractAbi, ContractArtifact};
pub use module::{
    abi_section, check_module, strip_custom_sections, ModuleSummary, Stripped, ABI_SECTION,
};
pub use toolchain::{ToolchainKind, WasmToolchain, DEFAULT_STACK_SIZE, WASM_TARGET};

use crate::error::{BuildError, ModuleError, Result};

const LOG: &str = "basalt::contract";

/// A binaryen optimization level for `--wasm-opt`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum WasmOptLevel {
    /// `-Oz`: smallest code (the usual choice: deployment gas is per byte).
    #[value(name = "z")]
    Oz,
    /// `-Os`: small code.
    #[value(name = "s")]
    Os,
    /// `-O3`: fastest code.
    #[value(name = "3")]
    O3,
}

impl WasmOptLevel {
    fn flag(self) -> &'static str {
        match self {
            WasmOptLevel::Oz => "-Oz",
            WasmOptLevel::Os => "-Os",
            WasmOptLevel::O3 => "-O3",
        }
    }
}

/// What to build and where to write it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildOptions {
    /// The contract crate's directory (holding its `Cargo.toml`).
    pub crate_dir: PathBuf,
    /// Where `<contractName>.json` goes; created if missing.
    pub out_dir: PathBuf,
    /// Run binaryen's `wasm-opt` at this level.
    pub wasm_opt: Option<WasmOptLevel>,
    /// Pass `--locked` to cargo (fail if `Cargo.lock` needs changing).
    pub locked: bool,
}

/// A contract that was built and written.
#[derive(Clone, Debug, PartialEq)]
pub struct BuiltContract {
    /// The artifact written.
    pub artifact: ContractArtifact,
    /// Where it was written.
    pub artifact_path: PathBuf,
    /// The module cargo produced (before stripping).
    pub wasm_path: PathBuf,
    /// The toolchain used.
    pub toolchain: ToolchainKind,
    /// The checked, stripped module.
    pub summary: ModuleSummary,
}

/// Builds the contract crate in `options.crate_dir` and writes its artifact.
pub fn build_contract(options: &BuildOptions) -> Result<BuiltContract> {
    let dir = std::fs::canonicalize(&options.crate_dir)
        .map_err(|source| BuildError::Io { path: options.crate_dir.clone(), source })?;
    let manifest = dir.join("Cargo.toml");
    if !manifest.is_file() {
        return Err(BuildError::NoManifest { dir });
    }
    let toolchain = WasmToolchain::detect(&dir)?;
    info!(
        target: LOG,
        toolchain = %toolchain.kind,
        rustc = toolchain.rustc_version().as_deref().unwrap_or("unknown"),
        "building contract in {}",
        dir.display()
    );

    let target = locate_module(&toolchain, &dir, &manifest)?;
    let mut build = toolchain.cargo(&dir);
    build.args(["build", "--release"]).args(&toolchain.cargo_flags);
    build.arg("--manifest-path").arg(&manifest).arg("--lib");
    if options.locked {
        build.arg("--locked");
    }
    debug!(target: LOG, ?build, "running cargo");
    // cargo's progress and diagnostics go straight to the user's terminal.
    run(&mut build, false)?;
    if !target.wasm.is_file() {
        return Err(BuildError::WasmNotFound { package: target.package, path: target.wasm });
    }

    let wasm = std::fs::read(&target.wasm)
        .map_err(|source| BuildError::Io { path: target.wasm.clone(), source })?;
    let packaged = package_module(&target.wasm, &wasm, options.wasm_opt)?;
    let artifact_path = packaged.artifact.write(&options.out_dir)?;
    info!(
        target: LOG,
        contract = %packaged.artifact.contract_name,
        bytes = packaged.summary.size,
        imports = packaged.summary.imports.len(),
        constructor = packaged.summary.has_constructor,
        "wrote {}",
        artifact_path.display()
    );
    Ok(BuiltContract {
        artifact: packaged.artifact,
        artifact_path,
        wasm_path: target.wasm,
        toolchain: toolchain.kind,
        summary: packaged.summary,
    })
}

/// A module turned into an artifact by [`package_module`].
#[derive(Clone, Debug, PartialEq)]
pub struct Packaged {
    /// The artifact.
    pub artifact: ContractArtifact,
    /// The checked, stripped module's facts.
    pub summary: ModuleSummary,
}

/// The steps after cargo: read the ABI section, optionally run wasm-opt,
/// strip custom sections, check against the host ABI, make the artifact.
/// `path` names the module in messages.
pub fn package_module(
    path: &Path,
    wasm: &[u8],
    wasm_opt: Option<WasmOptLevel>,
) -> Result<Packaged> {
    let module_error = |source: ModuleError| BuildError::Module { wasm: path.to_owned(), source };
    let section = abi_section(wasm).map_err(module_error)?;
    let abi = ContractAbi::parse(section)
        .map_err(|reason| BuildError::AbiJson { wasm: path.to_owned(), reason })?;

    let optimized = match wasm_opt {
        Some(level) => Some(run_wasm_opt(wasm, level)?),
        None => None,
    };
    let stripped =
        strip_custom_sections(optimized.as_deref().unwrap_or(wasm)).map_err(module_error)?;
    debug!(target: LOG, removed = ?stripped.removed, "stripped custom sections");
    let summary = check_module(&stripped.code).map_err(module_error)?;
    let artifact = ContractArtifact::new(abi, &stripped.code).map_err(module_error)?;
    Ok(Packaged { artifact, summary })
}

/// Runs binaryen's `wasm-opt` on a module; returns the optimized bytes.
fn run_wasm_opt(wasm: &[u8], level: WasmOptLevel) -> Result<Vec<u8>> {
    let program = which::which("wasm-opt").map_err(|_| BuildError::WasmOptNotFound)?;
    let version = Command::new(&program)
        .arg("--version")
        .output()
        .ok()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_default();
    let temp = tempfile::tempdir()
        .map_err(|source| BuildError::Io { path: std::env::temp_dir(), source })?;
    let input = temp.path().join("in.wasm");
    let output = temp.path().join("out.wasm");
    std::fs::write(&input, wasm)
        .map_err(|source| BuildError::Io { path: input.clone(), source })?;
    let mut command = Command::new(&program);
    command.arg(&input).arg(level.flag()).arg("-o").arg(&output);
    run(&mut command, true)?;
    let optimized =
        std::fs::read(&output).map_err(|source| BuildError::Io { path: output.clone(), source })?;
    info!(target: LOG, %version, level = level.flag(), before = wasm.len(), after = optimized.len(), "ran wasm-opt");
    Ok(optimized)
}

/// Where cargo puts the crate's module.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ModuleTarget {
    package: String,
    wasm: PathBuf,
}

/// Asks `cargo metadata` for the package at `manifest`, its cdylib target and
/// the target directory (which honours `CARGO_TARGET_DIR` and cargo config).
fn locate_module(toolchain: &WasmToolchain, dir: &Path, manifest: &Path) -> Result<ModuleTarget> {
    let mut command = toolchain.cargo(dir);
    command
        .args(["metadata", "--format-version", "1", "--no-deps", "--manifest-path"])
        .arg(manifest);
    let stdout = run(&mut command, true)?;
    let metadata: cargo_metadata::Metadata =
        serde_json::from_str(&stdout).map_err(BuildError::Metadata)?;
    module_target(&metadata, manifest)
}

fn module_target(metadata: &cargo_metadata::Metadata, manifest: &Path) -> Result<ModuleTarget> {
    let same_file =
        |p: &Path| p == manifest || std::fs::canonicalize(p).is_ok_and(|p| p.as_path() == manifest);
    let package = metadata
        .packages
        .iter()
        .find(|p| same_file(p.manifest_path.as_std_path()))
        .ok_or_else(|| BuildError::NotAPackage { manifest: manifest.to_owned() })?;
    let lib = package
        .targets
        .iter()
        .find(|t| t.kind.contains(&cargo_metadata::TargetKind::CDyLib))
        .ok_or_else(|| BuildError::NoCdylib { package: package.name.to_string() })?;
    let file = format!("{}.wasm", lib.name.replace('-', "_"));
    let wasm = metadata.target_directory.as_std_path().join(WASM_TARGET).join("release").join(file);
    Ok(ModuleTarget { package: package.name.to_string(), wasm })
}

/// Runs a command to completion. With `capture`, returns its standard output
/// and puts its standard error into the failure; otherwise both are inherited.
fn run(command: &mut Command, capture: bool) -> Result<String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let line = std::iter::once(program.clone())
        .chain(command.get_args().map(|a| a.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(" ");
    let spawn_error = |source| BuildError::Spawn { program: program.clone(), source };
    if capture {
        let output = command.stdin(Stdio::null()).output().map_err(spawn_error)?;
        if !output.status.success() {
            return Err(BuildError::CommandFailed {
                command: line,
                status: output.status,
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            });
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        let status = command.stdin(Stdio::null()).status().map_err(spawn_error)?;
        if !status.success() {
            return Err(BuildError::CommandFailed { command: line, status, stderr: String::new() });
        }
        Ok(String::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const METADATA: &str = r#"{
        "packages": [{
            "name": "my-token", "version": "0.1.0", "id": "path+file:///c/my-token#0.1.0",
            "license": null, "license_file": null, "description": null, "source": null,
            "dependencies": [], "features": {}, "manifest_path": "/c/my-token/Cargo.toml",
            "targets": [{
                "kind": ["cdylib", "rlib"], "crate_types": ["cdylib", "rlib"], "name": "my-token",
                "src_path": "/c/my-token/src/lib.rs", "edition": "2021", "doc": true,
                "doctest": false, "test": true
            }],
            "categories": [], "keywords": [], "readme": null, "repository": null,
            "homepage": null, "documentation": null, "edition": "2021", "links": null,
            "publish": null, "authors": [], "metadata": null
        }],
        "workspace_members": ["path+file:///c/my-token#0.1.0"],
        "workspace_default_members": ["path+file:///c/my-token#0.1.0"],
        "resolve": null,
        "target_directory": "/tmp/t",
        "version": 1,
        "workspace_root": "/c/my-token",
        "metadata": null
    }"#;

    #[test]
    fn module_path_from_metadata() {
        let metadata: cargo_metadata::Metadata = serde_json::from_str(METADATA).unwrap();
        let target = module_target(&metadata, Path::new("/c/my-token/Cargo.toml")).unwrap();
        assert_eq!(target.package, "my-token");
        assert_eq!(target.wasm, Path::new("/tmp/t/wasm32-unknown-unknown/release/my_token.wasm"));
        assert!(matches!(
            module_target(&metadata, Path::new("/c/other/Cargo.toml")),
            Err(BuildError::NotAPackage { .. })
        ));
        let rlib_only = METADATA.replace(r#"["cdylib", "rlib"]"#, r#"["lib"]"#);
        let metadata: cargo_metadata::Metadata = serde_json::from_str(&rlib_only).unwrap();
        let err = module_target(&metadata, Path::new("/c/my-token/Cargo.toml")).unwrap_err();
        assert!(err.to_string().contains("no cdylib target"), "{err}");
    }

    #[test]
    fn package_module_reports_the_module_path() {
        let wasm = wat::parse_str(r#"(module (memory (export "memory") 1))"#).unwrap();
        let err = package_module(Path::new("x.wasm"), &wasm, None).unwrap_err();
        assert!(err.to_string().starts_with("x.wasm: no `basalt.abi` custom section"), "{err}");
    }
}
