//! Finding the toolchain that builds contracts for `wasm32-unknown-unknown`.
//!
//! The same logic as `scripts/wasm-toolchain.sh` (keep the two in agreement):
//!
//! 1. rustup with the `wasm32-unknown-unknown` target installed: plain
//!    `cargo build --release --target wasm32-unknown-unknown` (prebuilt core),
//!    `RUSTC` = `rustup which rustc`.
//! 2. Debian's rustc-web / cargo-web / rust-web-src + lld: `/usr/bin/cargo`
//!    with `RUSTC=/usr/bin/rustc` (at least the workspace's rust-version),
//!    `RUSTC_BOOTSTRAP=1` and `-Zbuild-std=core,alloc` (the library source
//!    under the sysroot), linked by `wasm-ld`.
//! 3. Neither: an error that says what is missing and to run
//!    `scripts/setup.sh`.
//!
//! Both link with a small shadow stack, `-zstack-size` =
//! `BASALT_WASM_STACK_SIZE` (default 64 KiB; rustc's default is 1 MiB = 16
//! pages, and every page costs gas at instantiation). `RUSTFLAGS` is set (and
//! `CARGO_ENCODED_RUSTFLAGS` removed, since it would win) so a caller's flags
//! for the host do not leak into the contract.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{BuildError, Result};

/// The target contracts are built for.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Default shadow-stack size in bytes (`BASALT_WASM_STACK_SIZE` overrides it).
pub const DEFAULT_STACK_SIZE: u32 = 64 * 1024;

/// The oldest rustc that builds contracts: the workspace's rust-version.
const MIN_RUSTC: &str = env!("CARGO_PKG_RUST_VERSION");

/// Where Debian installs rustc-web's compiler and cargo-web's cargo.
const DEBIAN_RUSTC: &str = "/usr/bin/rustc";
const DEBIAN_CARGO: &str = "/usr/bin/cargo";

/// Which of the two supported toolchains was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToolchainKind {
    /// rustup with the wasm32 target installed.
    Rustup,
    /// Debian's rustc-web packages, building core and alloc from source.
    Debian,
}

impl std::fmt::Display for ToolchainKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ToolchainKind::Rustup => "rustup",
            ToolchainKind::Debian => "debian",
        })
    }
}

/// A toolchain that builds contracts, and how to call its cargo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WasmToolchain {
    /// Which one.
    pub kind: ToolchainKind,
    /// The cargo to run.
    pub cargo: PathBuf,
    /// The rustc cargo must use (`RUSTC`).
    pub rustc: PathBuf,
    /// `RUSTFLAGS` for the build.
    pub rustflags: String,
    /// Whether `RUSTC_BOOTSTRAP=1` is needed (for `-Zbuild-std`).
    pub bootstrap: bool,
    /// Arguments after `cargo build --release`: the target, and `-Zbuild-std`
    /// for the Debian toolchain.
    pub cargo_flags: Vec<String>,
    /// The linker, when it is not rustc's own (`rust-lld`).
    pub wasm_ld: Option<PathBuf>,
}

impl WasmToolchain {
    /// Finds a toolchain for building the crate in `dir` (rustup resolves
    /// toolchain overrides, such as `rust-toolchain.toml`, from there).
    pub fn detect(dir: &Path) -> Result<Self> {
        let stack = stack_size()?;
        if rustup_has_wasm_target(dir) {
            let rustc =
                command_stdout(Command::new("rustup").args(["which", "rustc"]).current_dir(dir))
                    .map(|out| PathBuf::from(out.trim()))
                    .or_else(|| which::which("rustc").ok())
                    .unwrap_or_else(|| PathBuf::from("rustc"));
            return Ok(Self {
                kind: ToolchainKind::Rustup,
                cargo: which::which("cargo").unwrap_or_else(|_| PathBuf::from("cargo")),
                rustc,
                rustflags: format!("-C link-arg=-zstack-size={stack}"),
                bootstrap: false,
                cargo_flags: vec!["--target".into(), WASM_TARGET.into()],
                wasm_ld: None,
            });
        }
        let why = "rustup has no wasm32-unknown-unknown target";
        let wasm_ld = detect_debian()
            .map_err(|missing| BuildError::NoToolchain { why: format!("{why}; {missing}") })?;
        let linker = wasm_ld.display().to_string();
        Ok(Self {
            kind: ToolchainKind::Debian,
            cargo: DEBIAN_CARGO.into(),
            rustc: DEBIAN_RUSTC.into(),
            rustflags: format!(
                "-C linker={linker} -C linker-flavor=wasm-ld -C link-arg=-zstack-size={stack}"
            ),
            bootstrap: true,
            cargo_flags: vec![
                "--target".into(),
                WASM_TARGET.into(),
                "-Zbuild-std=core,alloc".into(),
            ],
            wasm_ld: Some(wasm_ld),
        })
    }

    /// A `cargo` command with this toolchain's environment, run in `dir`.
    /// Add the subcommand and its arguments.
    pub fn cargo(&self, dir: &Path) -> Command {
        let mut command = Command::new(&self.cargo);
        command
            .current_dir(dir)
            .env("RUSTC", &self.rustc)
            .env("RUSTFLAGS", &self.rustflags)
            .env_remove("CARGO_ENCODED_RUSTFLAGS");
        if self.bootstrap {
            command.env("RUSTC_BOOTSTRAP", "1");
        } else {
            command.env_remove("RUSTC_BOOTSTRAP");
        }
        command
    }

    /// The rustc's `--version` line, for logs.
    pub fn rustc_version(&self) -> Option<String> {
        command_stdout(Command::new(&self.rustc).arg("--version")).map(|v| v.trim().to_owned())
    }
}

/// `BASALT_WASM_STACK_SIZE`, or the default.
fn stack_size() -> Result<u32> {
    match std::env::var("BASALT_WASM_STACK_SIZE") {
        Ok(value) => value.trim().parse().map_err(|_| BuildError::BadStackSize { value }),
        Err(std::env::VarError::NotPresent) => Ok(DEFAULT_STACK_SIZE),
        Err(std::env::VarError::NotUnicode(value)) => {
            Err(BuildError::BadStackSize { value: value.to_string_lossy().into_owned() })
        }
    }
}

/// Whether `rustup target list --installed` (run in `dir`) lists the target.
fn rustup_has_wasm_target(dir: &Path) -> bool {
    command_stdout(Command::new("rustup").args(["target", "list", "--installed"]).current_dir(dir))
        .is_some_and(|out| out.lines().any(|line| line.trim() == WASM_TARGET))
}

/// Checks the Debian toolchain; returns the wasm-ld to use, or what is missing.
fn detect_debian() -> std::result::Result<PathBuf, String> {
    let executable = |p: &str| Path::new(p).is_file();
    if !executable(DEBIAN_CARGO) || !executable(DEBIAN_RUSTC) {
        return Err(format!(
            "{DEBIAN_CARGO} or {DEBIAN_RUSTC} missing (Debian rustc-web, cargo-web)"
        ));
    }
    let version = command_stdout(Command::new(DEBIAN_RUSTC).arg("--version"))
        .and_then(|line| line.split_whitespace().nth(1).map(str::to_owned))
        .unwrap_or_default();
    if !version_at_least(&version, MIN_RUSTC) {
        let shown = if version.is_empty() { "unknown" } else { &version };
        return Err(format!("{DEBIAN_RUSTC} is {shown}, contracts need >= {MIN_RUSTC}"));
    }
    let sysroot = command_stdout(Command::new(DEBIAN_RUSTC).args(["--print", "sysroot"]))
        .map(|s| PathBuf::from(s.trim()))
        .unwrap_or_default();
    let library = sysroot.join("lib/rustlib/src/rust/library/core");
    if !library.is_dir() {
        return Err(format!(
            "no library source under {} (Debian rust-web-src)",
            sysroot.join("lib/rustlib/src").display()
        ));
    }
    find_wasm_ld().ok_or_else(|| "no wasm-ld (Debian lld)".to_owned())
}

/// `wasm-ld` on PATH, else the newest versioned one lld packages install
/// (`/usr/bin/wasm-ld-NN`, `/usr/lib/llvm-NN/bin/wasm-ld`).
fn find_wasm_ld() -> Option<PathBuf> {
    if let Ok(path) = which::which("wasm-ld") {
        return Some(path);
    }
    let mut candidates: Vec<(u32, PathBuf)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/usr/bin") {
        for entry in entries.flatten() {
            let name = entry.file_name();
            if let Some(version) = numbered(&name, "wasm-ld-") {
                candidates.push((version, entry.path()));
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir("/usr/lib") {
        for entry in entries.flatten() {
            let name = entry.file_name();
            if let Some(version) = numbered(&name, "llvm-") {
                candidates.push((version, entry.path().join("bin/wasm-ld")));
            }
        }
    }
    candidates.sort();
    candidates.into_iter().rev().map(|(_, path)| path).find(|path| path.is_file())
}

/// `NN` of a file name `<prefix>NN`.
fn numbered(name: &OsStr, prefix: &str) -> Option<u32> {
    name.to_str()?.strip_prefix(prefix)?.parse().ok()
}

/// Whether dotted version `have` (e.g. `1.96.0`) is at least `need` (`1.95`).
fn version_at_least(have: &str, need: &str) -> bool {
    fn parts(v: &str) -> Option<Vec<u64>> {
        // Drop a pre-release or build suffix (`1.96.0-beta.1`, `1.96.0+dfsg`).
        let core = v.split(['-', '+']).next()?;
        core.split('.').map(|p| p.parse().ok()).collect()
    }
    match (parts(have), parts(need)) {
        (Some(mut have), Some(mut need)) => {
            let len = have.len().max(need.len());
            have.resize(len, 0);
            need.resize(len, 0);
            have >= need
        }
        _ => false,
    }
}

/// Runs a command; its standard output if it ran and succeeded.
fn command_stdout(command: &mut Command) -> Option<String> {
    let output = command.stderr(std::process::Stdio::null()).output().ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        assert!(version_at_least("1.96.0", "1.95"));
        assert!(version_at_least("1.95.0", "1.95"));
        assert!(version_at_least("1.100.0", "1.95"));
        assert!(version_at_least("1.96.0-beta.2", "1.95"));
        assert!(!version_at_least("1.94.1", "1.95"));
        assert!(!version_at_least("1.9.0", "1.95"));
        assert!(!version_at_least("", "1.95"));
        assert!(!version_at_least("unknown", "1.95"));
    }

    #[test]
    fn numbered_names() {
        assert_eq!(numbered(OsStr::new("wasm-ld-14"), "wasm-ld-"), Some(14));
        assert_eq!(numbered(OsStr::new("llvm-19"), "llvm-"), Some(19));
        assert_eq!(numbered(OsStr::new("wasm-ld"), "wasm-ld-"), None);
        assert_eq!(numbered(OsStr::new("llvm-config"), "llvm-"), None);
    }

    #[test]
    fn min_rustc_is_the_workspace_rust_version() {
        assert!(version_at_least(MIN_RUSTC, "1.95"));
    }
}
