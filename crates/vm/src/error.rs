//! Errors of the VM: why a module is rejected at deployment, and the fatal
//! failures that abort a whole transaction.

/// Result of a VM operation that can fail fatally.
pub type Result<T, E = VmError> = std::result::Result<T, E>;

/// Why a module cannot be deployed. A rejected module is a failed
/// deployment (the creating frame fails with this reason), never a panic.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ModuleError {
    /// The deploy data is not an envelope or a bare module.
    #[error("bad deploy data: {0}")]
    Envelope(#[from] basalt_vm_abi::EnvelopeError),
    /// The module is larger than the limit.
    #[error("module is {size} bytes, the limit is {max}")]
    TooLarge {
        /// Module size in bytes.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// Not valid wasm under the allowed features (floats, SIMD, threads and
    /// the like are reported here by the parser).
    #[error("invalid module at byte {offset}: {reason}")]
    Invalid {
        /// The parser's message.
        reason: String,
        /// Byte offset of the problem.
        offset: usize,
    },
    /// An import that is not one of the host functions.
    #[error("forbidden import {module}.{name}: only the host functions of module \"env\" may be imported")]
    ForbiddenImport {
        /// Import module name.
        module: String,
        /// Import field name.
        name: String,
    },
    /// A host function imported with the wrong signature.
    #[error("import env.{name} has the wrong signature")]
    ImportSignature {
        /// The host function.
        name: String,
    },
    /// A required export is missing.
    #[error("missing export \"{name}\"")]
    MissingExport {
        /// The export's name.
        name: &'static str,
    },
    /// A reserved export has the wrong kind or type.
    #[error("export \"{name}\" has the wrong kind or type")]
    ExportType {
        /// The export's name.
        name: String,
    },
    /// The module has a start function (it would run outside any call).
    #[error("modules with a start function are not allowed")]
    StartFunction,
    /// The memory's initial size exceeds the page limit.
    #[error("memory of {pages} pages exceeds the limit of {max}")]
    MemoryTooLarge {
        /// Requested pages.
        pages: u64,
        /// The limit.
        max: u64,
    },
    /// More of something than the limits allow.
    #[error("{count} {what} exceed the limit of {max}")]
    TooMany {
        /// What was counted.
        what: &'static str,
        /// How many there are.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// An instruction contracts may not use.
    #[error("forbidden instruction {operator} at byte {offset}")]
    ForbiddenOperator {
        /// The instruction.
        operator: &'static str,
        /// Byte offset.
        offset: usize,
    },
    /// A construct contracts may not use.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// The module passed validation but could not be instrumented or
    /// compiled (a bug or an engine limit, reported rather than hidden).
    #[error("module could not be compiled: {0}")]
    Compile(String),
}

/// A fatal failure: the transaction cannot be executed at all (as opposed
/// to a contract failing, which is an [`Outcome`](crate::Outcome)).
#[derive(Debug, thiserror::Error)]
pub enum VmError {
    /// The host (state backend) failed: data missing or damaged.
    #[error("host: {0}")]
    Host(#[source] crate::HostError),
    /// The wasmtime engine could not be configured or instantiate a module
    /// for a reason unrelated to the contract (resource exhaustion).
    #[error("engine: {0}")]
    Engine(String),
    /// A contract already in the state no longer validates or compiles
    /// (the state was written by an incompatible VM).
    #[error("stored code {code_hash:?} cannot be loaded: {reason}")]
    StoredCode {
        /// Hash of the code.
        code_hash: basalt_primitives::H256,
        /// Why.
        reason: ModuleError,
    },
}
