//! Errors of the node's library code. The binary wraps them in `anyhow` at the
//! top; each variant says what failed and carries the facts to fix it.

use std::path::PathBuf;

/// A contract module that does not fit the host ABI, or cannot be read.
///
/// Found by [`check_module`](crate::contract_build::check_module) and the
/// custom-section helpers of [`crate::contract_build`].
#[derive(Debug, thiserror::Error)]
pub enum ModuleError {
    /// The bytes are not a well-formed, valid WebAssembly module.
    #[error("not a valid wasm module: {0}")]
    Invalid(#[from] wasmparser::BinaryReaderError),
    /// The bytes are a WebAssembly component, not a core module.
    #[error("a wasm component, not a core module: contracts are core wasm modules")]
    Component,
    /// The parser reported a section outside the module's bytes (cannot
    /// happen with a correct parser; reported rather than panicking).
    #[error("section {id} at offset {start} lies outside the module")]
    SectionOutOfBounds {
        /// The section id.
        id: u8,
        /// Where it was said to start.
        start: usize,
    },
    /// The module has no `basalt.abi` custom section.
    #[error(
        "no `{section}` custom section: the contract's ABI JSON is missing (basalt-sdk's \
         contract macro emits it; check the crate uses it and is built as a cdylib)"
    )]
    MissingAbiSection {
        /// The section name looked for.
        section: &'static str,
    },
    /// The module has more than one `basalt.abi` custom section.
    #[error("{count} `{section}` custom sections: a contract crate must define exactly one ABI")]
    DuplicateAbiSection {
        /// The section name.
        section: &'static str,
        /// How many were found.
        count: usize,
    },
    /// The stripped module is larger than a deployable one may be.
    #[error("module is {size} bytes after stripping custom sections; the limit is {max} bytes")]
    TooLarge {
        /// Size of the stripped module.
        size: usize,
        /// [`basalt_vm_abi::limits::MAX_WASM_SIZE`].
        max: usize,
    },
    /// The module declares a start function, which would run at instantiation
    /// outside any call frame.
    #[error("module declares a start function (index {function}); contracts may not")]
    StartFunction {
        /// The start function's index.
        function: u32,
    },
    /// An import from a module other than `env`.
    #[error("imports `{module}.{name}`: contracts may import only from module \"env\"")]
    ForeignImport {
        /// The import's module.
        module: String,
        /// The import's name.
        name: String,
    },
    /// An `env` import that is not a host function.
    #[error("imports `env.{name}`, which is not a Basalt host function")]
    UnknownHostFunction {
        /// The import's name.
        name: String,
    },
    /// An `env` import of a memory, table, global or tag.
    #[error("imports `env.{name}` as a {kind}; only host functions may be imported")]
    NonFunctionImport {
        /// The import's name.
        name: String,
        /// What was imported instead of a function.
        kind: &'static str,
    },
    /// A host function imported with the wrong signature.
    #[error("imports `env.{name}` as {found}; the host function is {expected}")]
    ImportSignature {
        /// The host function.
        name: String,
        /// Its signature in the host ABI, e.g. `(i32, i32) -> ()`.
        expected: String,
        /// The signature the module declares.
        found: String,
    },
    /// A host function imported twice.
    #[error("imports `env.{name}` {count} times; each host function at most once")]
    DuplicateImport {
        /// The host function.
        name: String,
        /// How many times.
        count: usize,
    },
    /// A required export is missing.
    #[error("does not export `{name}` ({what})")]
    MissingExport {
        /// The export's name.
        name: &'static str,
        /// What it must be, e.g. `func (i32) -> i32`.
        what: &'static str,
    },
    /// An export has the wrong kind.
    #[error("exports `{name}` as a {found}; it must be a {expected}")]
    ExportKind {
        /// The export's name.
        name: &'static str,
        /// The kind it must be.
        expected: &'static str,
        /// The kind it is.
        found: &'static str,
    },
    /// An exported function has the wrong signature.
    #[error("exports `{name}` as {found}; it must be {expected}")]
    ExportSignature {
        /// The export's name.
        name: &'static str,
        /// The required signature.
        expected: String,
        /// The signature the module declares.
        found: String,
    },
    /// The node's own deploy-time validator (basalt-vm) rejects the module:
    /// a feature contracts may not use (floats, SIMD, ...), a structural
    /// limit, or a forbidden instruction.
    #[error("the VM would reject it at deployment: {0}")]
    Vm(#[from] basalt_vm::ModuleError),
    /// The exported memory does not fit the limits.
    #[error("exported memory {reason}")]
    Memory {
        /// What is wrong with it.
        reason: String,
    },
}

/// Why `basalt contract build` failed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// No toolchain can build wasm32 contracts on this machine.
    #[error("no wasm32 toolchain: {why}. Run scripts/setup.sh (as root) to install one")]
    NoToolchain {
        /// What was looked for and not found.
        why: String,
    },
    /// `BASALT_WASM_STACK_SIZE` is set but not a number of bytes.
    #[error("BASALT_WASM_STACK_SIZE={value:?} is not a stack size in bytes")]
    BadStackSize {
        /// The variable's value.
        value: String,
    },
    /// The crate directory has no `Cargo.toml`.
    #[error("{} has no Cargo.toml: pass the contract crate's directory", dir.display())]
    NoManifest {
        /// The directory given.
        dir: PathBuf,
    },
    /// A program could not be started.
    #[error("could not run {program}: {source}")]
    Spawn {
        /// The program.
        program: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A command ran and failed.
    #[error("`{command}` failed ({status}){}", stderr_tail(stderr))]
    CommandFailed {
        /// The command line.
        command: String,
        /// Its exit status.
        status: std::process::ExitStatus,
        /// Its captured standard error, if it was captured.
        stderr: String,
    },
    /// `cargo metadata` printed something that is not its JSON.
    #[error("cannot read `cargo metadata` output: {0}")]
    Metadata(#[source] serde_json::Error),
    /// The manifest is a virtual workspace or names another package.
    #[error("{} is not a package manifest (a virtual workspace?)", manifest.display())]
    NotAPackage {
        /// The manifest.
        manifest: PathBuf,
    },
    /// The package has no cdylib target, so cargo makes no `.wasm`.
    #[error(
        "package {package} has no cdylib target: add `[lib] crate-type = [\"cdylib\"]` to its \
         Cargo.toml"
    )]
    NoCdylib {
        /// The package name.
        package: String,
    },
    /// cargo succeeded but the expected `.wasm` is not there.
    #[error("cargo built {package} but {} does not exist", path.display())]
    WasmNotFound {
        /// The package name.
        package: String,
        /// Where the module was expected.
        path: PathBuf,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// `--wasm-opt` was asked for but binaryen's `wasm-opt` is not on PATH.
    #[error("--wasm-opt needs binaryen's wasm-opt on PATH (Debian: apt-get install binaryen)")]
    WasmOptNotFound,
    /// The module does not fit the host ABI.
    #[error("{}: {source}", wasm.display())]
    Module {
        /// The module checked.
        wasm: PathBuf,
        /// What is wrong.
        source: ModuleError,
    },
    /// The `basalt.abi` section is not the expected JSON.
    #[error("the basalt.abi section of {} is not valid ABI JSON: {reason}", wasm.display())]
    AbiJson {
        /// The module read.
        wasm: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
}

/// Result of the node's library code.
pub type Result<T, E = BuildError> = std::result::Result<T, E>;

/// The last lines of a command's standard error, for an error message.
fn stderr_tail(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.trim_end().lines().collect();
    if lines.is_empty() {
        return String::new();
    }
    let tail = &lines[lines.len().saturating_sub(20)..];
    format!(":\n{}", tail.join("\n"))
}
