//! Compiled modules by code hash: a bounded in-memory LRU of ready-to-
//! instantiate `InstancePre`s, backed by artifacts on disk so a restarted
//! node deserialises (~0.1 ms) instead of recompiling (~40 ms).
//!
//! Keys: in memory, the code hash (one `Vm` has one engine and schedule);
//! on disk, the code hash plus the engine's precompile-compatibility hash
//! plus [`VM_VERSION`](crate::config::VM_VERSION) and the gas schedule
//! version, so an artifact built under other settings is never loaded.
//! Each artifact starts with the keccak256 of the rest; a file that fails
//! the check (torn write, corruption) is ignored and recompiled.

use crate::config::VM_VERSION;
use crate::error::ModuleError;
use crate::frame::Frame;
use crate::host::Host;
use crate::{instrument, validate};
use basalt_primitives::{keccak256, H256};
use basalt_vm_abi::{gas::GAS_SCHEDULE_VERSION, CONSTRUCTOR, ENTRYPOINT, MEMORY_EXPORT};
use lru::LruCache;
use parking_lot::Mutex;
use std::hash::{Hash, Hasher};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::Arc;
use tracing::{debug, warn};
use wasmtime::{Engine, InstancePre, Linker, Module, ModuleExport};

const TARGET: &str = "basalt::vm::cache";

/// A module ready to instantiate, with its exports looked up once.
pub(crate) struct Compiled<H: Host + 'static> {
    pub(crate) pre: InstancePre<Frame<H>>,
    pub(crate) entrypoint: ModuleExport,
    pub(crate) constructor: Option<ModuleExport>,
    pub(crate) memory: ModuleExport,
    pub(crate) stack_left: ModuleExport,
}

pub(crate) struct ModuleCache<H: Host + 'static> {
    modules: Mutex<LruCache<H256, Arc<Compiled<H>>>>,
    dir: Option<PathBuf>,
    /// Hex of the engine compatibility hash, VM and gas versions.
    key_suffix: String,
}

impl<H: Host + 'static> ModuleCache<H> {
    pub(crate) fn new(engine: &Engine, capacity: usize, dir: Option<PathBuf>) -> Self {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        let key_suffix = format!("{:016x}-v{VM_VERSION}-g{GAS_SCHEDULE_VERSION}", hasher.finish());
        let capacity = NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN);
        Self { modules: Mutex::new(LruCache::new(capacity)), dir, key_suffix }
    }

    /// The compiled module for `code` (whose hash is `code_hash`): from
    /// memory, else from disk, else validated, instrumented and compiled.
    /// The compiled module for `code_hash`, if it is in memory (no code needed).
    pub(crate) fn cached(&self, code_hash: &H256) -> Option<Arc<Compiled<H>>> {
        self.modules.lock().get(code_hash).cloned()
    }

    pub(crate) fn get(
        &self,
        engine: &Engine,
        linker: &Linker<Frame<H>>,
        code_hash: H256,
        code: &[u8],
    ) -> Result<Arc<Compiled<H>>, ModuleError> {
        if let Some(hit) = self.modules.lock().get(&code_hash) {
            return Ok(hit.clone());
        }
        let module = match self.load_artifact(engine, code_hash) {
            Some(module) => module,
            None => {
                let info = validate::validate(code)?;
                self.compile(engine, code_hash, code, &info)?
            }
        };
        let compiled = Arc::new(prepare(linker, &module)?);
        self.modules.lock().put(code_hash, compiled.clone());
        Ok(compiled)
    }

    /// Compiles an already validated module and stores the artifact.
    pub(crate) fn compile(
        &self,
        engine: &Engine,
        code_hash: H256,
        code: &[u8],
        info: &validate::ModuleInfo,
    ) -> Result<Module, ModuleError> {
        let instrumented = instrument::instrument(code, info).map_err(ModuleError::Compile)?;
        let module = Module::from_binary(engine, &instrumented)
            .map_err(|e| ModuleError::Compile(e.to_string()))?;
        debug!(target: TARGET, ?code_hash, size = code.len(), "compiled module");
        self.store_artifact(code_hash, &module);
        Ok(module)
    }

    /// Inserts a freshly compiled module (a deployment) into memory.
    pub(crate) fn insert(
        &self,
        linker: &Linker<Frame<H>>,
        code_hash: H256,
        module: &Module,
    ) -> Result<Arc<Compiled<H>>, ModuleError> {
        let compiled = Arc::new(prepare(linker, module)?);
        self.modules.lock().put(code_hash, compiled.clone());
        Ok(compiled)
    }

    /// In memory already (no compile, no disk read needed)?
    pub(crate) fn contains(&self, code_hash: &H256) -> bool {
        self.modules.lock().contains(code_hash)
    }

    fn path(&self, code_hash: H256) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.join(format!("{code_hash:x}-{}.cwasm", self.key_suffix)))
    }

    fn load_artifact(&self, engine: &Engine, code_hash: H256) -> Option<Module> {
        let path = self.path(code_hash)?;
        let bytes = std::fs::read(&path).ok()?;
        if bytes.len() < 32 || keccak256(&bytes[32..]).as_bytes() != &bytes[..32] {
            warn!(target: TARGET, path = %path.display(), "ignoring damaged artifact");
            return None;
        }
        // SAFETY: `Module::deserialize` trusts its input to be an artifact
        // wasmtime produced. This file is one this node wrote itself
        // (`store_artifact`) under a key that includes the engine's
        // compatibility hash, and its checksum matched, so it is that
        // artifact, byte for byte.
        #[allow(unsafe_code)]
        let module = unsafe { Module::deserialize(engine, &bytes[32..]) };
        match module {
            Ok(module) => Some(module),
            Err(e) => {
                warn!(target: TARGET, path = %path.display(), error = %e, "ignoring unloadable artifact");
                None
            }
        }
    }

    fn store_artifact(&self, code_hash: H256, module: &Module) {
        let Some(path) = self.path(code_hash) else { return };
        let result = (|| -> std::io::Result<()> {
            let payload = module.serialize().map_err(std::io::Error::other)?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let tmp = path.with_extension("tmp");
            let mut bytes = Vec::with_capacity(32 + payload.len());
            bytes.extend_from_slice(keccak256(&payload).as_bytes());
            bytes.extend_from_slice(&payload);
            std::fs::write(&tmp, &bytes)?;
            std::fs::rename(&tmp, &path)
        })();
        if let Err(e) = result {
            // Only speed is lost: the module is compiled again next time.
            warn!(target: TARGET, path = %path.display(), error = %e, "could not store artifact");
        }
    }
}

fn prepare<H: Host + 'static>(
    linker: &Linker<Frame<H>>,
    module: &Module,
) -> Result<Compiled<H>, ModuleError> {
    let export = |name: &str| {
        module
            .get_export_index(name)
            .ok_or_else(|| ModuleError::Compile(format!("instrumented module lost export {name}")))
    };
    Ok(Compiled {
        entrypoint: export(ENTRYPOINT)?,
        constructor: module.get_export_index(CONSTRUCTOR),
        memory: export(MEMORY_EXPORT)?,
        stack_left: export(instrument::STACK_LEFT_EXPORT)?,
        pre: linker.instantiate_pre(module).map_err(|e| ModuleError::Compile(e.to_string()))?,
    })
}
