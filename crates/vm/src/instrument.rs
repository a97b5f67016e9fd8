//! The rewriting pass run on every validated module before it is compiled.
//!
//! The stored code (what `eth_getCode` returns, what the code hash covers)
//! is the contract's own module; what wasmtime compiles is this pass's
//! output, a pure function of that module. It adds:
//!
//! - **A deterministic stack budget.** A mutable global, exported as
//!   [`STACK_LEFT_EXPORT`], holds the stack slots left. Every defined
//!   function starts by checking `left >= cost` (else it calls the
//!   `stack_exhausted` hook, which fails the frame) and subtracting its
//!   `cost`; it adds `cost` back on every way out. `cost` is
//!   [`FRAME_BASE_SLOTS`](crate::validate::FRAME_BASE_SLOTS) + params +
//!   locals + the function's maximum operand-stack height, all measured by
//!   the validator, so the budget bounds the native stack wasmtime can use
//!   whatever the compiler does with it: recursion fails at the same depth on
//!   every run, machine and optimisation level. The host sets the global
//!   before each call: a nested call gets what its caller has left, so the
//!   budget holds for the whole call tree of a transaction.
//!   To catch every exit, the original body is wrapped in a `block` with the
//!   function's result type: a branch to the function's label now lands at
//!   the end of that block, where the release code runs; each `return` gets
//!   the release code in front of it.
//! - **Metered memory growth.** Before each `memory.grow` the pass inserts a
//!   call to the `memory_grow` hook, which charges
//!   [`MEMORY_PAGE_GAS`](basalt_vm_abi::gas::MEMORY_PAGE_GAS) per page that
//!   will be granted and passes the page count through. (wasmtime's own
//!   per-page fuel cost is a `u8`, far below a page's price.)
//! - **An exact fuel check on every exit.** wasmtime checks fuel only at
//!   function entries and loop headers; the release code ends with an empty
//!   `loop`, so no function returns having overdrawn its fuel, and the gas
//!   at the out-of-gas boundary is exact (gas N succeeds, N - 1 fails).
//! - All custom sections are dropped (names, producers, debug info).
//!
//! The two hooks are imported from module [`HOOK_MODULE`], which a contract
//! can never import itself (validation allows only `env`); function indices
//! of the module's own functions shift by two.

use crate::validate::ModuleInfo;
use wasm_encoder::reencode::{self, Reencode};
use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, EntityType, ExportKind, ExportSection, Function,
    GlobalSection, GlobalType, ImportSection, Instruction, Module, SectionId, TypeSection, ValType,
};
use wasmparser::{FunctionBody, Operator};

/// Module name of the VM's internal hooks.
pub const HOOK_MODULE: &str = "basalt";
/// Hook `memory_grow(pages: i32) -> i32`.
pub const HOOK_MEMORY_GROW: &str = "memory_grow";
/// Hook `stack_exhausted()`.
pub const HOOK_STACK_EXHAUSTED: &str = "stack_exhausted";
/// Export name of the stack-budget global.
pub const STACK_LEFT_EXPORT: &str = "basalt_stack_left";

/// Rewrites a validated module (see the module docs).
pub fn instrument(wasm: &[u8], info: &ModuleInfo) -> Result<Vec<u8>, String> {
    let mut pass = Pass {
        info,
        next_body: 0,
        grow_type: info.types,
        void_type: info.types + 1,
        grow_hook: info.imported_functions,
        exhausted_hook: info.imported_functions + 1,
        stack_global: info.globals,
        imports_done: false,
        globals_done: false,
    };
    let mut module = Module::new();
    pass.parse_core_module(&mut module, wasmparser::Parser::new(0), wasm)
        .map_err(|e| e.to_string())?;
    Ok(module.finish())
}

struct Pass<'a> {
    info: &'a ModuleInfo,
    next_body: usize,
    grow_type: u32,
    void_type: u32,
    grow_hook: u32,
    exhausted_hook: u32,
    stack_global: u32,
    imports_done: bool,
    globals_done: bool,
}

type Error = reencode::Error<std::convert::Infallible>;

/// Position of a section in the binary's required order.
fn order(id: SectionId) -> u8 {
    match id {
        SectionId::Custom => 0,
        SectionId::Type => 1,
        SectionId::Import => 2,
        SectionId::Function => 3,
        SectionId::Table => 4,
        SectionId::Memory => 5,
        SectionId::Tag => 6,
        SectionId::Global => 7,
        SectionId::Export => 8,
        SectionId::Start => 9,
        SectionId::Element => 10,
        SectionId::DataCount => 11,
        SectionId::Code => 12,
        SectionId::Data => 13,
    }
}

impl Pass<'_> {
    fn add_imports(&mut self, imports: &mut ImportSection) {
        imports.import(HOOK_MODULE, HOOK_MEMORY_GROW, EntityType::Function(self.grow_type));
        imports.import(HOOK_MODULE, HOOK_STACK_EXHAUSTED, EntityType::Function(self.void_type));
        self.imports_done = true;
    }

    fn add_global(&mut self, globals: &mut GlobalSection) {
        globals.global(
            GlobalType { val_type: ValType::I32, mutable: true, shared: false },
            &ConstExpr::i32_const(0),
        );
        self.globals_done = true;
    }

    fn release(&self, f: &mut Function, cost: i32) {
        f.instruction(&Instruction::GlobalGet(self.stack_global));
        f.instruction(&Instruction::I32Const(cost));
        f.instruction(&Instruction::I32Add);
        f.instruction(&Instruction::GlobalSet(self.stack_global));
        // An empty loop: wasmtime checks fuel at every loop header, and
        // otherwise only at function entry, so without this a function could
        // return having spent a little more fuel than it had. With it, every
        // exit is checked and gas at the out-of-gas boundary is exact.
        f.instruction(&Instruction::Loop(BlockType::Empty));
        f.instruction(&Instruction::End);
    }
}

impl Reencode for Pass<'_> {
    type Error = std::convert::Infallible;

    fn function_index(&mut self, func: u32) -> Result<u32, Error> {
        Ok(if func < self.info.imported_functions { func } else { func + 2 })
    }

    fn parse_custom_section(
        &mut self,
        _module: &mut Module,
        _section: wasmparser::CustomSectionReader<'_>,
    ) -> Result<(), Error> {
        Ok(())
    }

    fn parse_type_section(
        &mut self,
        types: &mut TypeSection,
        section: wasmparser::TypeSectionReader<'_>,
    ) -> Result<(), Error> {
        reencode::utils::parse_type_section(self, types, section)?;
        types.ty().function([ValType::I32], [ValType::I32]);
        types.ty().function([], []);
        Ok(())
    }

    fn parse_import_section(
        &mut self,
        imports: &mut ImportSection,
        section: wasmparser::ImportSectionReader<'_>,
    ) -> Result<(), Error> {
        reencode::utils::parse_import_section(self, imports, section)?;
        self.add_imports(imports);
        Ok(())
    }

    fn parse_global_section(
        &mut self,
        globals: &mut GlobalSection,
        section: wasmparser::GlobalSectionReader<'_>,
    ) -> Result<(), Error> {
        reencode::utils::parse_global_section(self, globals, section)?;
        self.add_global(globals);
        Ok(())
    }

    fn parse_export_section(
        &mut self,
        exports: &mut ExportSection,
        section: wasmparser::ExportSectionReader<'_>,
    ) -> Result<(), Error> {
        reencode::utils::parse_export_section(self, exports, section)?;
        exports.export(STACK_LEFT_EXPORT, ExportKind::Global, self.stack_global);
        Ok(())
    }

    fn intersperse_section_hook(
        &mut self,
        module: &mut Module,
        _after: Option<SectionId>,
        before: Option<SectionId>,
    ) -> Result<(), Error> {
        let passing = |id: SectionId| before.is_none_or(|b| order(b) > order(id));
        if !self.imports_done && passing(SectionId::Import) {
            let mut imports = ImportSection::new();
            self.add_imports(&mut imports);
            module.section(&imports);
        }
        if !self.globals_done && passing(SectionId::Global) {
            let mut globals = GlobalSection::new();
            self.add_global(&mut globals);
            module.section(&globals);
        }
        Ok(())
    }

    fn parse_function_body(
        &mut self,
        code: &mut CodeSection,
        func: FunctionBody<'_>,
    ) -> Result<(), Error> {
        let index = self.next_body;
        self.next_body += 1;
        let cost = self.info.frame_costs.get(index).copied().unwrap_or(u32::MAX);
        let cost = i32::try_from(cost).unwrap_or(i32::MAX);
        let block_type = match self.info.results.get(index).copied().flatten() {
            None => BlockType::Empty,
            Some(ty) => BlockType::Result(self.val_type(ty)?),
        };
        let mut f = self.new_function_with_parsed_locals(&func)?;
        // Claim: if left < cost { stack_exhausted() } ; left -= cost
        f.instruction(&Instruction::GlobalGet(self.stack_global));
        f.instruction(&Instruction::I32Const(cost));
        f.instruction(&Instruction::I32LtU);
        f.instruction(&Instruction::If(BlockType::Empty));
        f.instruction(&Instruction::Call(self.exhausted_hook));
        f.instruction(&Instruction::Unreachable);
        f.instruction(&Instruction::End);
        f.instruction(&Instruction::GlobalGet(self.stack_global));
        f.instruction(&Instruction::I32Const(cost));
        f.instruction(&Instruction::I32Sub);
        f.instruction(&Instruction::GlobalSet(self.stack_global));
        f.instruction(&Instruction::Block(block_type));
        let mut reader = func.get_operators_reader()?;
        while !reader.eof() {
            let op = reader.read()?;
            match op {
                Operator::Return => {
                    self.release(&mut f, cost);
                    f.instruction(&Instruction::Return);
                }
                Operator::MemoryGrow { .. } => {
                    f.instruction(&Instruction::Call(self.grow_hook));
                    f.instruction(&self.instruction(op)?);
                }
                // The body's final `end` now closes the wrapping block.
                op => {
                    f.instruction(&self.instruction(op)?);
                }
            }
        }
        self.release(&mut f, cost);
        f.instruction(&Instruction::End);
        code.function(&f);
        Ok(())
    }
}
