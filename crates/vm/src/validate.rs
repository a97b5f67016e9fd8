//! Deploy-time validation of a contract module.
//!
//! Runs once, when code is deployed (and again, cheaply, before a module is
//! compiled from the state after a restart). A module passes only if it is
//! valid wasm under [`features`] (no floats, no SIMD, no threads, no GC,
//! no memory64, no tail calls, no exceptions), fits every limit in
//! [`basalt_vm_abi::limits`], imports only known `env` functions with their
//! exact signatures, exports `memory` and `user_entrypoint` (and optionally
//! `user_constructor`) with the right types, has no start function, and uses
//! no table-mutating instruction. Each failure is a [`ModuleError`] naming
//! the reason; nothing here panics on any input (a proptest feeds it random
//! and mutated bytes).
//!
//! Validation also measures what the instrumentation pass needs: each
//! function's frame cost for the deterministic stack budget (see
//! [`crate::instrument`]).

use crate::error::ModuleError;
use basalt_vm_abi::{host_function, limits, CONSTRUCTOR, ENTRYPOINT, HOST_MODULE, MEMORY_EXPORT};
use wasmparser::{
    CompositeInnerType, ExternalKind, FuncValidatorAllocations, Operator, Parser, Payload, TypeRef,
    ValType, Validator, WasmFeatures,
};

/// Stack slots every frame costs beyond its params, locals and operand
/// stack: return address, frame pointer, spilled callee-saved registers.
pub const FRAME_BASE_SLOTS: u32 = 4;

/// The wasm features a contract may use; the engine is configured with the
/// same set so the two can never disagree.
///
/// On: what rustc's wasm32 output needs — mutable globals, sign extension,
/// multi-value (block types only: functions with more than one result are
/// rejected below), bulk memory, reference types (rustc encodes
/// `call_indirect` the reference-types way; table mutation is rejected
/// below; `funcref` only, no `externref`). Off: floats (determinism: no NaN payload questions at all, and
/// contracts do integer and fixed-point maths as Solidity does), SIMD,
/// threads, GC, exceptions, memory64, multi-memory, tail calls.
pub fn features() -> WasmFeatures {
    WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::MULTI_VALUE
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::REFERENCE_TYPES
        | WasmFeatures::CALL_INDIRECT_OVERLONG
        | WasmFeatures::BULK_MEMORY_OPT
}

/// What validation learned about a module, for instrumentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleInfo {
    /// Number of imported functions (all from `env`).
    pub imported_functions: u32,
    /// Number of entries in the type section.
    pub types: u32,
    /// Number of globals (none may be imported).
    pub globals: u32,
    /// Per defined function: its frame cost in stack slots.
    pub frame_costs: Vec<u32>,
    /// Per defined function: its single result type, if any.
    pub results: Vec<Option<ValType>>,
    /// Whether the module exports `user_constructor`.
    pub has_constructor: bool,
    /// Initial memory size in pages.
    pub initial_pages: u32,
}

/// Validates `wasm` as a deployable contract module.
pub fn validate(wasm: &[u8]) -> Result<ModuleInfo, ModuleError> {
    if wasm.len() > limits::MAX_WASM_SIZE {
        return Err(ModuleError::TooLarge { size: wasm.len(), max: limits::MAX_WASM_SIZE });
    }
    let mut validator = Validator::new_with_features(features());
    let mut allocs = FuncValidatorAllocations::default();
    let mut info = ModuleInfo {
        imported_functions: 0,
        types: 0,
        globals: 0,
        frame_costs: Vec::new(),
        results: Vec::new(),
        has_constructor: false,
        initial_pages: 0,
    };
    // Function types by type index: (params, results).
    let mut type_shapes: Vec<(Vec<ValType>, Vec<ValType>)> = Vec::new();
    // Type index of every function, imported first.
    let mut func_types: Vec<u32> = Vec::new();
    let mut memories = 0u32;
    let mut tables = 0u32;
    let mut entrypoint_ok = false;
    let mut memory_exported = false;
    let mut defined_index = 0usize;

    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(invalid)?;
        let valid = validator.payload(&payload).map_err(invalid)?;
        match &payload {
            Payload::TypeSection(reader) => {
                for group in reader.clone() {
                    for sub in group.map_err(invalid)?.into_types() {
                        match &sub.composite_type.inner {
                            CompositeInnerType::Func(f) => {
                                type_shapes.push((f.params().to_vec(), f.results().to_vec()))
                            }
                            _ => return Err(ModuleError::Forbidden("non-function types")),
                        }
                    }
                }
                info.types = u32::try_from(type_shapes.len()).unwrap_or(u32::MAX);
            }
            Payload::ImportSection(reader) => {
                for import in reader.clone().into_imports() {
                    let import = import.map_err(invalid)?;
                    check_import(&import, &type_shapes)?;
                    if let TypeRef::Func(ty) = import.ty {
                        func_types.push(ty);
                        info.imported_functions += 1;
                    }
                }
                if info.imported_functions as usize > limits::MAX_IMPORTS {
                    return Err(ModuleError::TooMany {
                        what: "imports",
                        count: info.imported_functions as usize,
                        max: limits::MAX_IMPORTS,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader.clone() {
                    func_types.push(ty.map_err(invalid)?);
                }
                let defined = func_types.len().saturating_sub(info.imported_functions as usize);
                if defined > limits::MAX_FUNCTIONS as usize {
                    return Err(ModuleError::TooMany {
                        what: "functions",
                        count: defined,
                        max: limits::MAX_FUNCTIONS as usize,
                    });
                }
                for &ty in &func_types[info.imported_functions as usize..] {
                    let results = &type_shapes
                        .get(ty as usize)
                        .ok_or(ModuleError::Forbidden("bad type index"))?
                        .1;
                    if results.len() > 1 {
                        return Err(ModuleError::Forbidden("functions with more than one result"));
                    }
                    info.results.push(results.first().copied());
                }
            }
            Payload::TableSection(reader) => {
                for table in reader.clone() {
                    let table = table.map_err(invalid)?;
                    tables += 1;
                    if table.ty.initial > u64::from(limits::MAX_TABLE_ELEMENTS)
                        || table
                            .ty
                            .maximum
                            .is_some_and(|m| m > u64::from(limits::MAX_TABLE_ELEMENTS))
                    {
                        return Err(ModuleError::TooMany {
                            what: "table elements",
                            count: usize::try_from(
                                table.ty.initial.max(table.ty.maximum.unwrap_or(0)),
                            )
                            .unwrap_or(usize::MAX),
                            max: limits::MAX_TABLE_ELEMENTS as usize,
                        });
                    }
                }
                if tables > limits::MAX_TABLES {
                    return Err(ModuleError::TooMany {
                        what: "tables",
                        count: tables as usize,
                        max: limits::MAX_TABLES as usize,
                    });
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader.clone() {
                    let memory = memory.map_err(invalid)?;
                    memories += 1;
                    let max = u64::from(limits::MAX_MEMORY_PAGES);
                    if memory.initial > max {
                        return Err(ModuleError::MemoryTooLarge { pages: memory.initial, max });
                    }
                    info.initial_pages = u32::try_from(memory.initial).unwrap_or(u32::MAX);
                }
            }
            Payload::GlobalSection(reader) => {
                info.globals = reader.count();
                if info.globals > limits::MAX_GLOBALS {
                    return Err(ModuleError::TooMany {
                        what: "globals",
                        count: info.globals as usize,
                        max: limits::MAX_GLOBALS as usize,
                    });
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader.clone() {
                    let export = export.map_err(invalid)?;
                    match (export.name, export.kind) {
                        (name, ExternalKind::Func) if name == ENTRYPOINT || name == CONSTRUCTOR => {
                            let ty = func_types.get(export.index as usize).copied();
                            let shape = ty.and_then(|t| type_shapes.get(t as usize));
                            let ok = matches!(shape, Some((p, r))
                                if p.as_slice() == [ValType::I32] && r.as_slice() == [ValType::I32]);
                            if !ok {
                                return Err(ModuleError::ExportType { name: name.to_owned() });
                            }
                            if name == ENTRYPOINT {
                                entrypoint_ok = true;
                            } else {
                                info.has_constructor = true;
                            }
                        }
                        (name, ExternalKind::Memory) if name == MEMORY_EXPORT => {
                            memory_exported = true;
                        }
                        (name, _)
                            if name == ENTRYPOINT
                                || name == CONSTRUCTOR
                                || name == MEMORY_EXPORT =>
                        {
                            return Err(ModuleError::ExportType { name: name.to_owned() });
                        }
                        _ => {}
                    }
                }
            }
            Payload::StartSection { .. } => return Err(ModuleError::StartFunction),
            Payload::CodeSectionEntry(body) => {
                let Some(wasmparser::ValidPayload::Func(func, _)) = Some(valid) else {
                    return Err(ModuleError::Forbidden("code entry without a function"));
                };
                let mut fv = func.into_validator(std::mem::take(&mut allocs));
                let params = func_types
                    .get(info.imported_functions as usize + defined_index)
                    .and_then(|t| type_shapes.get(*t as usize))
                    .map_or(0, |(p, _)| u32::try_from(p.len()).unwrap_or(u32::MAX));
                let mut locals = params;
                let mut reader = body.get_locals_reader().map_err(invalid)?;
                for _ in 0..reader.get_count() {
                    let offset = reader.original_position();
                    let (count, ty) = reader.read().map_err(invalid)?;
                    locals = locals.saturating_add(count);
                    if locals > limits::MAX_FUNCTION_LOCALS {
                        return Err(ModuleError::TooMany {
                            what: "locals in a function",
                            count: locals as usize,
                            max: limits::MAX_FUNCTION_LOCALS as usize,
                        });
                    }
                    fv.define_locals(offset, count, ty).map_err(invalid)?;
                }
                let mut ops = body.get_operators_reader().map_err(invalid)?;
                let mut max_height = 0u32;
                while !ops.eof() {
                    let offset = ops.original_position();
                    let op = ops.read().map_err(invalid)?;
                    if let Some(name) = forbidden_operator(&op) {
                        return Err(ModuleError::ForbiddenOperator { operator: name, offset });
                    }
                    fv.op(offset, &op).map_err(invalid)?;
                    max_height = max_height.max(fv.operand_stack_height());
                }
                ops.finish().map_err(invalid)?;
                allocs = fv.into_allocations();
                // `locals` counts the parameters too.
                let cost = FRAME_BASE_SLOTS.saturating_add(locals).saturating_add(max_height);
                info.frame_costs.push(cost);
                defined_index += 1;
            }
            _ => {}
        }
    }
    if memories != 1 {
        return Err(ModuleError::Forbidden("a module must define exactly one memory"));
    }
    if !memory_exported {
        return Err(ModuleError::MissingExport { name: MEMORY_EXPORT });
    }
    if !entrypoint_ok {
        return Err(ModuleError::MissingExport { name: ENTRYPOINT });
    }
    Ok(info)
}

fn check_import(
    import: &wasmparser::Import<'_>,
    types: &[(Vec<ValType>, Vec<ValType>)],
) -> Result<(), ModuleError> {
    let forbidden = || ModuleError::ForbiddenImport {
        module: import.module.to_owned(),
        name: import.name.to_owned(),
    };
    if import.module != HOST_MODULE {
        return Err(forbidden());
    }
    let TypeRef::Func(ty) = import.ty else {
        return Err(forbidden());
    };
    let host = host_function(import.name).ok_or_else(forbidden)?;
    let (params, results) = types.get(ty as usize).ok_or_else(forbidden)?;
    let params: Option<Vec<_>> = params.iter().map(|t| abi_type(*t)).collect();
    let results: Option<Vec<_>> = results.iter().map(|t| abi_type(*t)).collect();
    match (params, results) {
        (Some(p), Some(r)) if host.matches(&p, &r) => Ok(()),
        _ => Err(ModuleError::ImportSignature { name: import.name.to_owned() }),
    }
}

fn abi_type(ty: ValType) -> Option<basalt_vm_abi::ValType> {
    match ty {
        ValType::I32 => Some(basalt_vm_abi::ValType::I32),
        ValType::I64 => Some(basalt_vm_abi::ValType::I64),
        _ => None,
    }
}

/// Instructions valid under [`features`] that contracts may still not use:
/// anything that grows or rewrites a table at run time (the indirect-call
/// table is fixed at instantiation, as CosmWasm's gatekeeper requires).
fn forbidden_operator(op: &Operator<'_>) -> Option<&'static str> {
    Some(match op {
        Operator::TableGrow { .. } => "table.grow",
        Operator::TableSet { .. } => "table.set",
        Operator::TableFill { .. } => "table.fill",
        Operator::TableCopy { .. } => "table.copy",
        Operator::TableInit { .. } => "table.init",
        Operator::ElemDrop { .. } => "elem.drop",
        _ => return None,
    })
}

fn invalid(e: wasmparser::BinaryReaderError) -> ModuleError {
    ModuleError::Invalid { reason: e.message().to_owned(), offset: e.offset() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn valid_module() -> Vec<u8> {
        wat::parse_str(
            r#"(module
                (import "env" "read_args" (func $read_args (param i32)))
                (import "env" "write_result" (func $write_result (param i32 i32)))
                (memory (export "memory") 1)
                (global $g (mut i32) (i32.const 5))
                (table 2 funcref) (elem (i32.const 0) $a $b)
                (type $t (func (param i32) (result i32)))
                (func $a (param i32) (result i32) (local.get 0))
                (func $b (param i32) (result i32) (i32.add (local.get 0) (global.get $g)))
                (func (export "user_entrypoint") (param $len i32) (result i32)
                    (call $read_args (i32.const 0))
                    (drop (call_indirect (type $t) (i32.const 3) (i32.load8_u (i32.const 0))))
                    (call $write_result (i32.const 0) (local.get $len))
                    (i32.const 0)))"#,
        )
        .unwrap()
    }

    #[test]
    fn measures_frames_and_shapes() {
        let info = validate(&valid_module()).unwrap();
        assert_eq!(info.imported_functions, 2);
        assert_eq!(info.frame_costs.len(), 3);
        assert_eq!(info.results, vec![Some(ValType::I32); 3]);
        assert!(!info.has_constructor);
        // $a: 4 base + 1 param + stack height 1.
        assert_eq!(info.frame_costs[0], FRAME_BASE_SLOTS + 2);
        // The instrumented module is valid wasm under the same features.
        let out = crate::instrument::instrument(&valid_module(), &info).unwrap();
        let mut v = Validator::new_with_features(features());
        v.validate_all(&out).unwrap();
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Random bytes never panic the validator.
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let mut b = b"\0asm\x01\0\0\0".to_vec();
            b.extend_from_slice(&bytes);
            let _ = validate(&bytes);
            let _ = validate(&b);
        }

        /// Mutations of a valid module either fail cleanly or validate, and
        /// what validates also instruments into a valid module.
        #[test]
        fn mutated_modules_fail_cleanly(edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6)) {
            let mut m = valid_module();
            for (i, byte) in edits {
                let at = i.index(m.len());
                m[at] = byte;
            }
            if let Ok(info) = validate(&m) {
                let out = crate::instrument::instrument(&m, &info).unwrap();
                let mut v = Validator::new_with_features(features());
                prop_assert!(v.validate_all(&out).is_ok());
            }
        }
    }
}
