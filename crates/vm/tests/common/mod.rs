//! Shared harness of the VM's integration tests: a VM over an in-memory
//! journaled state, and WAT modules that import every host function.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use basalt_primitives::{Address, H256, U256};
use basalt_state::{JournaledState, MemoryBackend};
use basalt_vm::{Env, Message, MessageKind, Outcome, Status, Vm, VmConfig};
use basalt_vm_abi::{ValType, HOST_FUNCTIONS};

pub type State = JournaledState<MemoryBackend>;

/// A VM and a state, with helpers to deploy and call.
pub struct Harness {
    pub vm: Vm<State>,
    state: Option<State>,
    pub env: Env,
    pub backend: MemoryBackend,
    /// Logs of the last transaction.
    pub logs: Vec<basalt_primitives::Log>,
}

pub const ALICE: Address = Address::repeat_byte(0xa1);
pub const BOB: Address = Address::repeat_byte(0xb0);
pub const GAS: u64 = 10_000_000;

impl Harness {
    pub fn new() -> Self {
        Self::with_config(VmConfig::default())
    }

    pub fn with_config(config: VmConfig) -> Self {
        let backend = MemoryBackend::new();
        let mut state = JournaledState::new(backend.clone(), basalt_primitives::EMPTY_ROOT);
        state.set_balance(ALICE, U256::exp10(24)).unwrap();
        state.set_balance(BOB, U256::exp10(24)).unwrap();
        let mut env = Env::default();
        env.tx.origin = ALICE;
        env.block.chain_id = 31337;
        Self { vm: Vm::new(config).unwrap(), state: Some(state), env, backend, logs: Vec::new() }
    }

    pub fn state(&mut self) -> &mut State {
        self.state.as_mut().unwrap()
    }

    pub fn take_state(&mut self) -> State {
        self.state.take().unwrap()
    }

    /// Runs one message as a transaction (finalized afterwards).
    pub fn run(&mut self, msg: Message) -> Outcome {
        let state = self.state.take().unwrap();
        let (mut state, result) = self.vm.execute(state, &self.env, msg);
        self.logs = state.finalize_transaction();
        self.state = Some(state);
        result.unwrap()
    }

    pub fn create(&mut self, from: Address, data: Vec<u8>, gas: u64) -> Outcome {
        self.run(Message {
            caller: from,
            kind: MessageKind::Create { salt: None },
            value: U256::zero(),
            data,
            gas_limit: gas,
            is_static: false,
        })
    }

    /// Deploys `wat` (constructor args appended), panicking on failure.
    pub fn deploy(&mut self, wat: &str, args: &[u8]) -> Address {
        let mut data = wat::parse_str(wat).unwrap();
        if !args.is_empty() {
            let wasm = data;
            data = basalt_vm_abi::encode_deploy_prefix(wasm.len() as u32).to_vec();
            data.extend_from_slice(&wasm);
            data.extend_from_slice(args);
        }
        let out = self.create(ALICE, data, GAS);
        assert_eq!(out.status, Status::Success, "deploy failed: {out:?}");
        out.created.unwrap()
    }

    pub fn call(&mut self, to: Address, data: &[u8], gas: u64) -> Outcome {
        self.call_from(ALICE, to, data, U256::zero(), gas)
    }

    pub fn call_from(
        &mut self,
        from: Address,
        to: Address,
        data: &[u8],
        value: U256,
        gas: u64,
    ) -> Outcome {
        self.run(Message {
            caller: from,
            kind: MessageKind::Call { to },
            value,
            data: data.to_vec(),
            gas_limit: gas,
            is_static: false,
        })
    }

    pub fn storage(&mut self, address: Address, slot: u64) -> H256 {
        self.state().storage(address, word(slot)).unwrap()
    }
}

pub fn word(n: u64) -> H256 {
    H256::from_low_u64_be(n)
}

/// The WAT import declarations of every host function, as `$name`.
pub fn imports() -> String {
    let ty = |t: &ValType| match t {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
    };
    HOST_FUNCTIONS
        .iter()
        .map(|f| {
            let params: Vec<_> = f.params.iter().map(ty).collect();
            let results: Vec<_> = f.results.iter().map(ty).collect();
            format!(
                "(import \"env\" \"{0}\" (func ${0} (param {1}) (result {2})))\n",
                f.name,
                params.join(" "),
                results.join(" ")
            )
        })
        .collect()
}

/// A contract whose entrypoint body is `body` (it must leave an i32 status),
/// with one page of memory, `extra` module fields, and every host import.
pub fn contract(body: &str, extra: &str) -> String {
    format!(
        "(module\n{}\n(memory (export \"memory\") 1)\n{extra}\n(func (export \"user_entrypoint\") (param $len i32) (result i32)\n{body}))",
        imports()
    )
}

/// Returns `len` bytes at `ptr` as the result and succeeds.
pub fn ret(ptr: u32, len: u32) -> String {
    format!("(call $write_result (i32.const {ptr}) (i32.const {len})) (i32.const 0)")
}
