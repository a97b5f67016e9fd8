//! The compiled module: read its ABI section, strip custom sections, check it
//! against the host ABI.
//!
//! [`check_module`] tells a contract author, at build time, what the node
//! would refuse at deployment: first the host ABI (imports, exports, start
//! function, memory, size) with messages that name the expected and found
//! signatures, then basalt-vm's own deploy-time validator
//! ([`basalt_vm::validate::validate`]: the wasm feature set, every structural
//! limit, forbidden instructions), so a module that builds is a module that
//! deploys.

use basalt_vm_abi::limits::{MAX_MEMORY_PAGES, MAX_WASM_SIZE};
use basalt_vm_abi::{host_function, ValType, CONSTRUCTOR, ENTRYPOINT, HOST_MODULE, MEMORY_EXPORT};
use wasmparser::types::{EntityType, Types};
use wasmparser::{CompositeInnerType, Encoding, Parser, Payload, Validator};

use crate::error::ModuleError;

/// Name of the custom section that carries a contract's ABI JSON,
/// `{"contractName": "...", "abi": [...]}`, emitted by basalt-sdk's macros.
pub const ABI_SECTION: &str = "basalt.abi";

/// Signature `user_entrypoint` and `user_constructor` must have.
const ENTRY_SIGNATURE: &str = "func (i32) -> i32";

/// What [`strip_custom_sections`] produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stripped {
    /// The module without any custom section.
    pub code: Vec<u8>,
    /// The names of the custom sections removed, in module order.
    pub removed: Vec<String>,
}

/// What [`check_module`] learned about a module that passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleSummary {
    /// Size in bytes.
    pub size: usize,
    /// The host functions imported, in import order.
    pub imports: Vec<&'static str>,
    /// Whether it exports `user_constructor`.
    pub has_constructor: bool,
    /// Initial pages of the exported memory.
    pub memory_pages: u64,
}

/// Returns the payload of the module's one [`ABI_SECTION`] custom section.
///
/// Fails if there is none, if there are several, or if the module does not
/// parse. (wasm-ld merges the sections of the same name from all objects into
/// one, so a built contract has at most one.)
pub fn abi_section(wasm: &[u8]) -> Result<&[u8], ModuleError> {
    let mut found = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::Version { encoding: Encoding::Component, .. } => {
                return Err(ModuleError::Component);
            }
            Payload::CustomSection(section) if section.name() == ABI_SECTION => {
                found.push(section.data());
            }
            _ => {}
        }
    }
    match found.as_slice() {
        [] => Err(ModuleError::MissingAbiSection { section: ABI_SECTION }),
        [data] => Ok(data),
        _ => Err(ModuleError::DuplicateAbiSection { section: ABI_SECTION, count: found.len() }),
    }
}

/// Removes every custom section (`name`, `producers`, `target_features`,
/// [`ABI_SECTION`], DWARF `.debug_*`, any other) and keeps every other
/// section byte for byte, in order.
///
/// Custom sections never affect execution, but they are part of the stored
/// code and its hash: stripping keeps deployments small and the code hash
/// independent of debug info and build paths.
pub fn strip_custom_sections(wasm: &[u8]) -> Result<Stripped, ModuleError> {
    let mut module = wasm_encoder::Module::new();
    let mut removed = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload?;
        match &payload {
            Payload::Version { encoding: Encoding::Component, .. } => {
                return Err(ModuleError::Component);
            }
            Payload::CustomSection(section) => removed.push(section.name().to_owned()),
            _ => {
                if let Some((id, range)) = payload.as_section() {
                    // The parser hands out ranges inside its input.
                    let data = wasm
                        .get(range.clone())
                        .ok_or(ModuleError::SectionOutOfBounds { id, start: range.start })?;
                    module.section(&wasm_encoder::RawSection { id, data });
                }
            }
        }
    }
    Ok(Stripped { code: module.finish(), removed })
}

/// Checks a stripped module against the host ABI:
///
/// - it is a valid core wasm module (wasmparser's validator);
/// - at most [`MAX_WASM_SIZE`] bytes;
/// - no start function;
/// - imports only functions from module `"env"`, each a host function in
///   [`HOST_FUNCTIONS`](basalt_vm_abi::HOST_FUNCTIONS) with its exact
///   signature, each at most once;
/// - exports memory `"memory"` (32-bit, unshared, default page size, at most
///   [`MAX_MEMORY_PAGES`] initial and maximum) and `user_entrypoint:
///   (i32) -> i32`, and, if it exports `user_constructor`, with that signature
///   too. Other exports (rustc's `__data_end`, `__heap_base`) are allowed.
///
/// Then the module must pass [`basalt_vm::validate::validate`], exactly what
/// the node runs on deployment (allowed wasm features: no floats, SIMD,
/// threads...; structural limits; forbidden instructions).
pub fn check_module(wasm: &[u8]) -> Result<ModuleSummary, ModuleError> {
    if wasm.len() > MAX_WASM_SIZE {
        return Err(ModuleError::TooLarge { size: wasm.len(), max: MAX_WASM_SIZE });
    }
    let types = Validator::new().validate_all(wasm)?;
    if let Some(function) = start_function(wasm)? {
        return Err(ModuleError::StartFunction { function });
    }
    let imports = check_imports(&types)?;
    let (has_constructor, memory_pages) = check_exports(&types)?;
    basalt_vm::validate::validate(wasm)?;
    Ok(ModuleSummary { size: wasm.len(), imports, has_constructor, memory_pages })
}

fn start_function(wasm: &[u8]) -> Result<Option<u32>, ModuleError> {
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::Version { encoding: Encoding::Component, .. } => {
                return Err(ModuleError::Component)
            }
            Payload::StartSection { func, .. } => return Ok(Some(func)),
            _ => {}
        }
    }
    Ok(None)
}

fn check_imports(types: &Types) -> Result<Vec<&'static str>, ModuleError> {
    let types = types.as_ref();
    let imports = types.core_imports().ok_or(ModuleError::Component)?;
    let mut names: Vec<&'static str> = Vec::new();
    for (module, name, entity) in imports {
        if module != HOST_MODULE {
            return Err(ModuleError::ForeignImport { module: module.into(), name: name.into() });
        }
        let Some(host) = host_function(name) else {
            return Err(ModuleError::UnknownHostFunction { name: name.into() });
        };
        let type_id = match entity {
            EntityType::Func(id) | EntityType::FuncExact(id) => id,
            other => {
                return Err(ModuleError::NonFunctionImport {
                    name: name.into(),
                    kind: entity_kind(&other),
                })
            }
        };
        let signature = match &types[type_id].composite_type.inner {
            CompositeInnerType::Func(f) => Signature::of(f),
            _ => Signature::Unknown,
        };
        if !signature.matches(host.params, host.results) {
            return Err(ModuleError::ImportSignature {
                name: name.into(),
                expected: Signature::Abi(host.params, host.results).to_string(),
                found: signature.to_string(),
            });
        }
        if names.contains(&host.name) {
            let count = types
                .core_imports()
                .map_or(0, |all| all.filter(|(m, n, _)| *m == module && *n == name).count());
            return Err(ModuleError::DuplicateImport { name: name.into(), count });
        }
        names.push(host.name);
    }
    Ok(names)
}

/// Checks the required exports; returns whether there is a constructor and
/// the memory's initial pages.
fn check_exports(types: &Types) -> Result<(bool, u64), ModuleError> {
    let types = types.as_ref();
    let find = |wanted: &str| {
        types.core_exports().and_then(|mut all| all.find(|(n, _)| *n == wanted).map(|(_, e)| e))
    };

    let memory = match find(MEMORY_EXPORT) {
        None => return Err(ModuleError::MissingExport { name: MEMORY_EXPORT, what: "memory" }),
        Some(EntityType::Memory(memory)) => memory,
        Some(other) => {
            return Err(ModuleError::ExportKind {
                name: MEMORY_EXPORT,
                expected: "memory",
                found: entity_kind(&other),
            })
        }
    };
    let reason = if memory.memory64 {
        Some("is 64-bit; contracts use 32-bit memory".to_owned())
    } else if memory.shared {
        Some("is shared; contracts use unshared memory".to_owned())
    } else if memory.page_size_log2.is_some() {
        Some("declares a custom page size".to_owned())
    } else if memory.initial > u64::from(MAX_MEMORY_PAGES) {
        Some(format!("starts at {} pages; the limit is {MAX_MEMORY_PAGES}", memory.initial))
    } else if memory.maximum.is_some_and(|max| max > u64::from(MAX_MEMORY_PAGES)) {
        Some(format!(
            "declares a maximum of {} pages; the limit is {MAX_MEMORY_PAGES}",
            memory.maximum.unwrap_or_default()
        ))
    } else {
        None
    };
    if let Some(reason) = reason {
        return Err(ModuleError::Memory { reason });
    }

    let mut has_constructor = false;
    for (name, required) in [(ENTRYPOINT, true), (CONSTRUCTOR, false)] {
        let entity = match find(name) {
            None if required => {
                return Err(ModuleError::MissingExport { name, what: ENTRY_SIGNATURE })
            }
            None => continue,
            Some(entity) => entity,
        };
        let type_id = match entity {
            EntityType::Func(id) | EntityType::FuncExact(id) => id,
            other => {
                return Err(ModuleError::ExportKind {
                    name,
                    expected: "function",
                    found: entity_kind(&other),
                })
            }
        };
        let signature = match &types[type_id].composite_type.inner {
            CompositeInnerType::Func(f) => Signature::of(f),
            _ => Signature::Unknown,
        };
        if !signature.matches(&[ValType::I32], &[ValType::I32]) {
            return Err(ModuleError::ExportSignature {
                name,
                expected: ENTRY_SIGNATURE.to_owned(),
                found: signature.to_string(),
            });
        }
        has_constructor |= name == CONSTRUCTOR;
    }
    Ok((has_constructor, memory.initial))
}

fn entity_kind(entity: &EntityType) -> &'static str {
    match entity {
        EntityType::Func(_) | EntityType::FuncExact(_) => "function",
        EntityType::Table(_) => "table",
        EntityType::Memory(_) => "memory",
        EntityType::Global(_) => "global",
        EntityType::Tag(_) => "tag",
    }
}

/// A function signature, for comparing and for messages.
enum Signature<'a> {
    /// As the module declares it.
    Wasm(&'a [wasmparser::ValType], &'a [wasmparser::ValType]),
    /// As the host ABI states it.
    Abi(&'a [ValType], &'a [ValType]),
    /// A type that is not a function type.
    Unknown,
}

impl<'a> Signature<'a> {
    fn of(f: &'a wasmparser::FuncType) -> Self {
        Signature::Wasm(f.params(), f.results())
    }

    fn matches(&self, params: &[ValType], results: &[ValType]) -> bool {
        fn same(wasm: &[wasmparser::ValType], abi: &[ValType]) -> bool {
            wasm.len() == abi.len()
                && wasm.iter().zip(abi).all(|(w, a)| {
                    matches!(
                        (w, a),
                        (wasmparser::ValType::I32, ValType::I32)
                            | (wasmparser::ValType::I64, ValType::I64)
                    )
                })
        }
        match self {
            Signature::Wasm(p, r) => same(p, params) && same(r, results),
            Signature::Abi(p, r) => *p == params && *r == results,
            Signature::Unknown => false,
        }
    }
}

impl std::fmt::Display for Signature<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn list<T: std::fmt::Display>(items: &[T]) -> String {
            let items: Vec<String> = items.iter().map(ToString::to_string).collect();
            format!("({})", items.join(", "))
        }
        match self {
            Signature::Wasm(p, r) => write!(f, "func {} -> {}", list(p), list(r)),
            Signature::Abi(p, r) => write!(f, "func {} -> {}", list(p), list(r)),
            Signature::Unknown => f.write_str("a non-function type"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module that fits the host ABI, with a custom section in the text.
    const GOOD: &str = r#"(module
        (import "env" "read_args" (func (param i32)))
        (import "env" "write_result" (func (param i32 i32)))
        (import "env" "block_number" (func (result i64)))
        (memory (export "memory") 2 16)
        (global (export "__heap_base") i32 (i32.const 1024))
        (func (export "user_entrypoint") (param i32) (result i32)
            (call 0 (i32.const 0))
            (call 1 (i32.const 0) (local.get 0))
            i32.const 0)
        (@custom "basalt.abi" "{\"contractName\":\"Good\",\"abi\":[]}")
        (@custom "producers" "junk")
    )"#;

    fn module(text: &str) -> Vec<u8> {
        wat::parse_str(text).unwrap()
    }

    /// GOOD with one line replaced.
    fn good_with(from: &str, to: &str) -> Vec<u8> {
        assert!(GOOD.contains(from), "{from}");
        module(&GOOD.replace(from, to))
    }

    fn check(wasm: &[u8]) -> Result<ModuleSummary, ModuleError> {
        check_module(&strip_custom_sections(wasm).unwrap().code)
    }

    #[test]
    fn accepts_a_good_module() {
        let summary = check(&module(GOOD)).unwrap();
        assert_eq!(summary.imports, ["read_args", "write_result", "block_number"]);
        assert!(!summary.has_constructor);
        assert_eq!(summary.memory_pages, 2);
    }

    #[test]
    fn accepts_a_constructor_with_the_entry_signature() {
        let wasm = good_with(
            r#"(memory (export "memory") 2 16)"#,
            r#"(memory (export "memory") 2 16)
               (func (export "user_constructor") (param i32) (result i32) i32.const 0)"#,
        );
        assert!(check(&wasm).unwrap().has_constructor);
    }

    #[test]
    fn strip_removes_every_custom_section_and_keeps_the_rest() {
        let wasm = module(GOOD);
        let stripped = strip_custom_sections(&wasm).unwrap();
        assert_eq!(stripped.removed, ["basalt.abi", "producers"]);
        assert!(stripped.code.len() < wasm.len());
        // Nothing custom is left; the other sections are the same bytes.
        let sections = |bytes: &[u8]| -> Vec<(u8, Vec<u8>)> {
            Parser::new(0)
                .parse_all(bytes)
                .filter_map(|p| {
                    let p = p.unwrap();
                    assert!(!matches!(p, Payload::CustomSection(_)));
                    p.as_section().map(|(id, r)| (id, bytes[r].to_vec()))
                })
                .collect()
        };
        let original: Vec<(u8, Vec<u8>)> = Parser::new(0)
            .parse_all(&wasm)
            .filter_map(|p| {
                let p = p.unwrap();
                if matches!(p, Payload::CustomSection(_)) {
                    return None;
                }
                p.as_section().map(|(id, r)| (id, wasm[r].to_vec()))
            })
            .collect();
        assert_eq!(sections(&stripped.code), original);
        // Stripping is idempotent.
        let again = strip_custom_sections(&stripped.code).unwrap();
        assert_eq!(again.code, stripped.code);
        assert!(again.removed.is_empty());
    }

    #[test]
    fn strip_removes_the_name_section() {
        let wasm =
            module(r#"(module $named (func $f (param $x i32)) (memory (export "memory") 1))"#);
        let stripped = strip_custom_sections(&wasm).unwrap();
        assert_eq!(stripped.removed, ["name"]);
    }

    #[test]
    fn reads_the_abi_section() {
        let wasm = module(GOOD);
        assert_eq!(abi_section(&wasm).unwrap(), br#"{"contractName":"Good","abi":[]}"#);
    }

    #[test]
    fn rejects_a_missing_abi_section() {
        let wasm = good_with(r#"(@custom "basalt.abi" "#, r#"(@custom "other.abi" "#);
        assert!(matches!(abi_section(&wasm), Err(ModuleError::MissingAbiSection { .. })));
        let stripped = strip_custom_sections(&module(GOOD)).unwrap().code;
        let err = abi_section(&stripped).unwrap_err();
        assert!(err.to_string().contains("no `basalt.abi` custom section"), "{err}");
    }

    #[test]
    fn rejects_two_abi_sections() {
        let wasm = good_with(r#"(@custom "producers" "junk")"#, r#"(@custom "basalt.abi" "{}")"#);
        assert!(matches!(
            abi_section(&wasm),
            Err(ModuleError::DuplicateAbiSection { count: 2, .. })
        ));
    }

    #[test]
    fn rejects_a_foreign_import() {
        let wasm = good_with(
            r#"(import "env" "block_number" (func (result i64)))"#,
            r#"(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))"#,
        );
        let err = check(&wasm).unwrap_err();
        assert!(
            matches!(&err, ModuleError::ForeignImport { module, name }
                if module == "wasi_snapshot_preview1" && name == "fd_write"),
            "{err}"
        );
    }

    #[test]
    fn rejects_an_unknown_env_function() {
        let wasm = good_with(
            r#"(import "env" "block_number" (func (result i64)))"#,
            r#"(import "env" "abort" (func))"#,
        );
        let err = check(&wasm).unwrap_err();
        assert!(matches!(&err, ModuleError::UnknownHostFunction { name } if name == "abort"));
        assert_eq!(err.to_string(), "imports `env.abort`, which is not a Basalt host function");
    }

    #[test]
    fn rejects_a_wrong_signature() {
        let wasm = good_with(
            r#"(import "env" "block_number" (func (result i64)))"#,
            r#"(import "env" "block_number" (func (result i32)))"#,
        );
        let err = check(&wasm).unwrap_err();
        assert_eq!(
            err.to_string(),
            "imports `env.block_number` as func () -> (i32); the host function is func () -> (i64)"
        );
        let wasm = module(
            r#"(module
                (import "env" "write_result" (func (param i32 i64)))
                (memory (export "memory") 1)
                (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        );
        let err = check(&wasm).unwrap_err();
        assert!(
            matches!(&err, ModuleError::ImportSignature { name, .. } if name == "write_result"),
            "{err}"
        );
    }

    #[test]
    fn rejects_a_non_function_import_and_a_duplicate() {
        let wasm = good_with(
            r#"(import "env" "block_number" (func (result i64)))"#,
            r#"(import "env" "block_number" (global i64))"#,
        );
        assert!(matches!(check(&wasm), Err(ModuleError::NonFunctionImport { kind: "global", .. })));
        let wasm = good_with(
            r#"(import "env" "block_number" (func (result i64)))"#,
            r#"(import "env" "read_args" (func (param i32)))"#,
        );
        assert!(matches!(check(&wasm), Err(ModuleError::DuplicateImport { count: 2, .. })));
    }

    #[test]
    fn rejects_missing_or_mistyped_exports() {
        let wasm = good_with(r#"(export "user_entrypoint")"#, r#"(export "main")"#);
        let err = check(&wasm).unwrap_err();
        assert_eq!(err.to_string(), "does not export `user_entrypoint` (func (i32) -> i32)");

        let wasm = good_with(r#"(memory (export "memory") 2 16)"#, r#"(memory 2 16)"#);
        assert!(matches!(check(&wasm), Err(ModuleError::MissingExport { name: "memory", .. })));

        let wasm = module(
            r#"(module (memory (export "memory") 1)
                (func (export "user_entrypoint") (param i64) (result i32) i32.const 0))"#,
        );
        let err = check(&wasm).unwrap_err();
        assert_eq!(
            err.to_string(),
            "exports `user_entrypoint` as func (i64) -> (i32); it must be func (i32) -> i32"
        );

        let wasm = module(
            r#"(module (memory (export "memory") 1)
                (func (export "user_entrypoint") (param i32) (result i32) i32.const 0)
                (func (export "user_constructor") (param i32) i32.const 0 drop))"#,
        );
        assert!(matches!(
            check(&wasm),
            Err(ModuleError::ExportSignature { name: "user_constructor", .. })
        ));

        let wasm = module(
            r#"(module (memory 1) (global (export "memory") i32 (i32.const 0))
                (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        );
        assert!(matches!(
            check(&wasm),
            Err(ModuleError::ExportKind { name: "memory", found: "global", .. })
        ));
    }

    #[test]
    fn rejects_a_start_function() {
        let wasm = good_with(
            r#"(memory (export "memory") 2 16)"#,
            r#"(memory (export "memory") 2 16) (func $init) (start $init)"#,
        );
        // $init is the first defined function, after the three imports.
        let err = check(&wasm).unwrap_err();
        assert!(matches!(err, ModuleError::StartFunction { function: 3 }), "{err}");
    }

    #[test]
    fn rejects_memory_beyond_the_limits() {
        let wasm =
            good_with(r#"(memory (export "memory") 2 16)"#, r#"(memory (export "memory") 129)"#);
        let err = check(&wasm).unwrap_err();
        assert_eq!(err.to_string(), "exported memory starts at 129 pages; the limit is 128");
        let wasm =
            good_with(r#"(memory (export "memory") 2 16)"#, r#"(memory (export "memory") 2 1000)"#);
        assert!(matches!(check(&wasm), Err(ModuleError::Memory { .. })));
        let wasm =
            good_with(r#"(memory (export "memory") 2 16)"#, r#"(memory (export "memory") i64 2)"#);
        assert!(matches!(check(&wasm), Err(ModuleError::Memory { .. })));
    }

    #[test]
    fn rejects_an_oversized_module() {
        // A data segment pushes the module just past the limit.
        let data = "\\00".repeat(MAX_WASM_SIZE);
        let wasm = good_with(
            r#"(memory (export "memory") 2 16)"#,
            &format!(r#"(memory (export "memory") 3 16) (data (i32.const 0) "{data}")"#),
        );
        let err = check(&wasm).unwrap_err();
        assert!(
            matches!(err, ModuleError::TooLarge { size, max } if size > max && max == MAX_WASM_SIZE),
            "{err}"
        );
        // Custom sections do not count: they are stripped first.
        let padding = "x".repeat(MAX_WASM_SIZE);
        let wasm = good_with(
            r#"(@custom "producers" "junk")"#,
            &format!(r#"(@custom "producers" "{padding}")"#),
        );
        assert!(wasm.len() > MAX_WASM_SIZE);
        assert!(check(&wasm).is_ok());
    }

    #[test]
    fn rejects_what_the_vm_rejects() {
        // Valid wasm that fits the host ABI, but uses floats.
        let wasm = good_with(
            r#"(global (export "__heap_base") i32 (i32.const 1024))"#,
            r#"(global (export "__heap_base") i32 (i32.const 1024))
               (func (result f64) f64.const 1.5)"#,
        );
        let err = check(&wasm).unwrap_err();
        assert!(matches!(err, ModuleError::Vm(_)), "{err}");
        assert!(err.to_string().starts_with("the VM would reject it at deployment: "), "{err}");
    }

    #[test]
    fn rejects_garbage_and_components() {
        assert!(matches!(check_module(b"\0asm\x01\0\0\0\x01"), Err(ModuleError::Invalid(_))));
        assert!(matches!(strip_custom_sections(b"not wasm"), Err(ModuleError::Invalid(_))));
        let component = wat::parse_str("(component)").unwrap();
        assert!(matches!(strip_custom_sections(&component), Err(ModuleError::Component)));
        assert!(matches!(abi_section(&component), Err(ModuleError::Component)));
    }
}
