//! Running contracts in-process: basalt-vm over basalt-state's journaled
//! overlay on an in-memory backend, one message per "transaction".

use basalt_primitives::{Address, Log, H256, U256};
use basalt_state::{JournaledState, MemoryBackend};
use basalt_vm::{Env, Message, MessageKind, Outcome, Status, Vm, VmConfig};

/// The host type of in-process runs.
pub type State = JournaledState<MemoryBackend>;

/// A VM and a state with funded accounts.
pub struct InProcess {
    /// The VM (clone it to share the module cache).
    pub vm: Vm<State>,
    state: Option<State>,
    /// Environment of every message; change it between calls.
    pub env: Env,
    /// Logs of the last message.
    pub logs: Vec<Log>,
}

/// Gas given to each message unless a test says otherwise.
pub const GAS: u64 = 30_000_000;

/// Well-known funded accounts.
pub const ACCOUNTS: [Address; 3] =
    [Address::repeat_byte(0xa1), Address::repeat_byte(0xb2), Address::repeat_byte(0xc3)];

impl InProcess {
    /// A fresh state where [`ACCOUNTS`] hold 1,000 ETH each.
    pub fn new() -> Self {
        Self::with_vm(Vm::new(VmConfig::default()).expect("engine builds"))
    }

    /// As [`new`](Self::new), sharing `vm`'s module cache.
    pub fn with_vm(vm: Vm<State>) -> Self {
        let mut state = JournaledState::new(MemoryBackend::new(), basalt_primitives::EMPTY_ROOT);
        for a in ACCOUNTS {
            state.set_balance(a, U256::exp10(21)).expect("in-memory state");
        }
        let mut env = Env::default();
        env.block.chain_id = 31337;
        env.block.number = 1;
        env.block.timestamp = 1_700_000_000;
        Self { vm, state: Some(state), env, logs: Vec::new() }
    }

    /// The state between messages.
    pub fn state(&mut self) -> &mut State {
        self.state.as_mut().expect("state present between messages")
    }

    /// Takes the state out (e.g. to commit it).
    pub fn into_state(mut self) -> State {
        self.state.take().expect("state present between messages")
    }

    /// Runs `msg` as a whole transaction: the VM, then finalization.
    pub fn run(&mut self, msg: Message) -> Outcome {
        self.env.tx.origin = msg.caller;
        let state = self.state.take().expect("state present between messages");
        let (mut state, result) = self.vm.execute(state, &self.env, msg);
        self.logs = state.finalize_transaction();
        self.state = Some(state);
        result.expect("no fatal VM error in-process")
    }

    /// Deploys `data` (envelope + args) from `from`.
    pub fn deploy(&mut self, from: Address, data: Vec<u8>) -> Outcome {
        self.run(Message {
            caller: from,
            kind: MessageKind::Create { salt: None },
            value: U256::zero(),
            data,
            gas_limit: GAS,
            is_static: false,
        })
    }

    /// Deploys and returns the address, panicking with the outcome on failure.
    pub fn deploy_ok(&mut self, from: Address, data: Vec<u8>) -> Address {
        let out = self.deploy(from, data);
        assert_eq!(out.status, Status::Success, "deployment failed: {out:?}");
        out.created.expect("a successful create has an address")
    }

    /// Calls `to` with `data` and `value`.
    pub fn call(&mut self, from: Address, to: Address, data: Vec<u8>, value: U256) -> Outcome {
        self.run(Message {
            caller: from,
            kind: MessageKind::Call { to },
            value,
            data,
            gas_limit: GAS,
            is_static: false,
        })
    }

    /// A static call (as `eth_call` of a view would be run by a contract).
    pub fn view(&mut self, to: Address, data: Vec<u8>) -> Outcome {
        self.run(Message {
            caller: ACCOUNTS[0],
            kind: MessageKind::Call { to },
            value: U256::zero(),
            data,
            gas_limit: GAS,
            is_static: true,
        })
    }

    /// A storage word.
    pub fn storage(&mut self, address: Address, slot: H256) -> H256 {
        self.state().storage(address, slot).expect("in-memory state")
    }
}

impl Default for InProcess {
    fn default() -> Self {
        Self::new()
    }
}
