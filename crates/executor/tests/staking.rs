//! The proof-of-stake staking contract, run natively by the executor: genesis, stake /
//! unstake / withdraw, epochs, slashing, randomness, eth_call, and the PoW block reward.
#![allow(clippy::unwrap_used)]

use alloy_sol_types::{SolCall, SolError, SolEvent};
use basalt_chainspec::{ChainSpec, ConsensusConfig, Genesis, GenesisAccount, PosConfig, Validator};
use basalt_consensus::sign_seal;
use basalt_executor::staking::{
    self, epoch_inputs, genesis_mix, guard_code, staking_params, IStaking, StakingParams,
    DISPATCH_GAS, GUARD_REVERT_REASON, NEW_VALIDATOR_GAS, STAKE_GAS, STAKING_ADDRESS,
    SUBMIT_EVIDENCE_GAS, VALIDATORS_BASE_GAS, VALIDATORS_PER_ENTRY_GAS, VIEW_GAS,
};
use basalt_executor::{
    build_genesis, build_genesis_for, estimate_gas, simulate_call, BlockExecutor, CallRequest,
    ExecutedTx, ExecutionError, GenesisError, StakingError,
};
use basalt_primitives::{
    keccak256, rlp, secret_key_to_address, sign_transaction, signing_key_from_bytes, Address,
    Header, SignedTransaction, SigningKey, Transaction, TxEip1559, TxKind, H256, U256,
};
use basalt_state::{JournaledState, MemoryBackend, StateReader};
use basalt_vm::{BlockEnv, Failure, Status, Vm, VmConfig};
use std::collections::BTreeMap;

type State = JournaledState<MemoryBackend>;

const CHAIN_ID: u64 = 31337;
const GENESIS_TS: u64 = 1_000;
const SLOT_TIME: u64 = 2;
const EPOCH_LENGTH: u64 = 4;
const GWEI: u64 = 1_000_000_000;

fn eth(n: u64) -> U256 {
    U256::from(n) * U256::exp10(18)
}

fn key(byte: u8) -> SigningKey {
    signing_key_from_bytes(&[byte; 32]).unwrap()
}

fn addr(k: &SigningKey) -> Address {
    secret_key_to_address(k)
}

fn a(x: Address) -> alloy_primitives::Address {
    alloy_primitives::Address::from(x.0)
}

fn u(x: alloy_primitives::U256) -> U256 {
    U256::from_big_endian(&x.to_be_bytes::<32>())
}

fn au(x: U256) -> alloy_primitives::U256 {
    alloy_primitives::U256::from_be_bytes(x.to_big_endian())
}

/// The test's actors: two genesis validators, a staker and a reporter.
struct Keys {
    v1: SigningKey,
    v2: SigningKey,
    alice: SigningKey,
    bob: SigningKey,
}

fn keys() -> Keys {
    Keys { v1: key(0xa1), v2: key(0xa2), alice: key(0x11), bob: key(0x22) }
}

fn pos_config(k: &Keys) -> PosConfig {
    PosConfig {
        validators: vec![
            Validator { address: addr(&k.v1), stake: eth(100) },
            Validator { address: addr(&k.v2), stake: eth(50) },
        ],
        slot_time: SLOT_TIME,
        epoch_length: EPOCH_LENGTH,
        unbonding_epochs: 2,
        slash_bps: 5_000,
        reporter_reward_bps: 1_000,
    }
}

fn spec(consensus: ConsensusConfig) -> ChainSpec {
    let k = keys();
    let alloc: BTreeMap<Address, GenesisAccount> = [&k.v1, &k.v2, &k.alice, &k.bob]
        .into_iter()
        .map(|key| (addr(key), GenesisAccount::with_balance(eth(1_000))))
        .collect();
    ChainSpec {
        chain_id: CHAIN_ID,
        genesis: Genesis { timestamp: GENESIS_TS, alloc, ..Genesis::default() },
        consensus,
    }
}

fn pos_spec() -> ChainSpec {
    spec(ConsensusConfig::Pos(pos_config(&keys())))
}

/// A chain of blocks over an in-memory backend: execute, commit, seal, repeat.
struct Chain {
    vm: Vm<State>,
    backend: MemoryBackend,
    head: Header,
    k: Keys,
    coinbase: Address,
}

impl Chain {
    fn new(spec: &ChainSpec) -> Self {
        let genesis = build_genesis_for(spec).unwrap();
        let backend = MemoryBackend::new();
        backend.nodes().insert_nodes(genesis.nodes);
        for (_, code) in genesis.code {
            backend.insert_code(code);
        }
        Self {
            vm: Vm::new(VmConfig::default()).unwrap(),
            backend,
            head: genesis.header,
            k: keys(),
            coinbase: Address::repeat_byte(0xcb),
        }
    }

    fn pos() -> Self {
        Self::new(&pos_spec())
    }

    /// The same chain, to build an alternative next block on (the backend is shared:
    /// it is content-addressed).
    fn fork(&self) -> Self {
        Self {
            vm: self.vm.clone(),
            backend: self.backend.clone(),
            head: self.head.clone(),
            k: keys(),
            coinbase: self.coinbase,
        }
    }

    fn state(&self) -> State {
        JournaledState::new(self.backend.clone(), self.head.state_root)
    }

    fn reader(&self) -> StateReader<MemoryBackend> {
        StateReader::new(self.backend.clone(), self.head.state_root)
    }

    fn env_at(&self, number: u64, slot: u64) -> BlockEnv {
        BlockEnv {
            number,
            timestamp: GENESIS_TS + slot * SLOT_TIME,
            coinbase: self.coinbase,
            gas_limit: 30_000_000,
            base_fee: U256::from(GWEI),
            chain_id: CHAIN_ID,
            ..BlockEnv::default()
        }
    }

    /// The env eth_call uses at the head: the head block's own context.
    fn head_env(&self) -> BlockEnv {
        let slot = (self.head.timestamp - GENESIS_TS) / SLOT_TIME;
        self.env_at(self.head.number, slot)
    }

    fn tx(&self, from: &SigningKey, value: U256, data: Vec<u8>, gas: u64) -> SignedTransaction {
        let nonce = self.state().nonce(addr(from)).unwrap();
        sign_transaction(
            Transaction::Eip1559(TxEip1559 {
                chain_id: CHAIN_ID,
                nonce,
                max_priority_fee_per_gas: U256::from(2 * GWEI),
                max_fee_per_gas: U256::from(10 * GWEI),
                gas_limit: gas,
                to: TxKind::Call(STAKING_ADDRESS),
                value,
                input: data,
                ..TxEip1559::default()
            }),
            from,
        )
        .unwrap()
    }

    /// Executes a block at `slot` with `txs` (each must be valid), sealed by v1 with
    /// `variant` as extra data (so different variants give different seals).
    fn block_with(
        &mut self,
        slot: u64,
        variant: u8,
        txs: Vec<(SignedTransaction, Address)>,
    ) -> Vec<ExecutedTx> {
        let env = self.env_at(self.head.number + 1, slot);
        let mut ex = BlockExecutor::new(self.vm.clone(), self.state(), env.clone());
        ex.begin_block(&self.head).unwrap();
        for (tx, sender) in &txs {
            ex.execute(tx, *sender).unwrap();
        }
        let out = ex.finish();
        let (state_root, changes) = out.state.commit().unwrap();
        self.backend.apply(changes);
        let mut header = Header {
            parent_hash: self.head.hash(),
            beneficiary: env.coinbase,
            state_root,
            receipts_root: out.receipts_root,
            logs_bloom: out.logs_bloom,
            number: env.number,
            gas_limit: env.gas_limit,
            gas_used: out.gas_used,
            timestamp: env.timestamp,
            extra_data: vec![variant],
            base_fee_per_gas: Some(env.base_fee),
            ..Header::default()
        };
        header.seal = sign_seal(&header, &self.k.v1).unwrap();
        self.head = header;
        out.executed
    }

    fn empty_block(&mut self, slot: u64) {
        self.block_with(slot, 0, Vec::new());
    }

    /// One transaction to the staking contract in its own block at `slot`.
    fn send(&mut self, slot: u64, from: &SigningKey, value: U256, data: Vec<u8>) -> ExecutedTx {
        let tx = self.tx(from, value, data, 500_000);
        let mut done = self.block_with(slot, 0, vec![(tx, addr(from))]);
        done.pop().unwrap()
    }

    /// eth_call of `call` at the head.
    fn call<C: SolCall>(&self, call: C) -> Result<C::Return, String> {
        let req = CallRequest {
            to: Some(STAKING_ADDRESS),
            data: call.abi_encode(),
            ..CallRequest::default()
        };
        let result = simulate_call(&self.vm, self.state(), &self.head_env(), &req).1.unwrap();
        match result.outcome.status {
            Status::Success => Ok(C::abi_decode_returns(&result.outcome.output).unwrap()),
            _ => Err(reason(&result.outcome.output)),
        }
    }

    fn stake_of(&self, who: Address) -> U256 {
        u(self.call(IStaking::stakeOfCall { validator: a(who) }).unwrap())
    }

    fn unbonding(&self, who: Address) -> (U256, u64) {
        let r = self.call(IStaking::unbondingCall { validator: a(who) }).unwrap();
        (u(r.amount), r.releaseEpoch)
    }

    fn balance(&self, who: Address) -> U256 {
        self.state().balance(who).unwrap()
    }

    fn inputs(&self, epoch: u64) -> Vec<(Address, U256)> {
        epoch_inputs(&self.reader(), epoch).unwrap().validators
    }

    fn seed(&self, epoch: u64) -> H256 {
        epoch_inputs(&self.reader(), epoch).unwrap().seed
    }

    /// The contract's balance is exactly every bonded and unbonding stake.
    fn assert_funds_accounted(&self) {
        let k = &self.k;
        let held: U256 = [&k.v1, &k.v2, &k.alice, &k.bob]
            .into_iter()
            .map(|key| self.stake_of(addr(key)) + self.unbonding(addr(key)).0)
            .fold(U256::zero(), |s, x| s + x);
        assert_eq!(self.balance(STAKING_ADDRESS), held, "contract balance = bonded + unbonding");
        let bonded: U256 = [&k.v1, &k.v2, &k.alice, &k.bob]
            .into_iter()
            .map(|key| self.stake_of(addr(key)))
            .fold(U256::zero(), |s, x| s + x);
        assert_eq!(u(self.call(IStaking::totalBondedCall {}).unwrap()), bonded);
    }

    /// (storage root, balance) of the staking account.
    fn contract_account(&self) -> (H256, U256) {
        let account = self.reader().account(&STAKING_ADDRESS).unwrap().unwrap();
        (account.storage_root, account.balance)
    }
}

fn reason(output: &[u8]) -> String {
    alloy_sol_types::Revert::abi_decode(output).unwrap().reason
}

fn call_data<C: SolCall>(call: C) -> Vec<u8> {
    call.abi_encode()
}

fn stake() -> Vec<u8> {
    call_data(IStaking::stakeCall {})
}

fn unstake(amount: U256) -> Vec<u8> {
    call_data(IStaking::unstakeCall { amount: au(amount) })
}

fn withdraw() -> Vec<u8> {
    call_data(IStaking::withdrawCall {})
}

fn evidence(h1: &Header, h2: &Header) -> Vec<u8> {
    call_data(IStaking::submitEvidenceCall {
        headerA: rlp::encode(h1).to_vec().into(),
        headerB: rlp::encode(h2).to_vec().into(),
    })
}

fn assert_reverted(done: &ExecutedTx, expected: &str) {
    assert!(!done.receipt.success, "expected a revert with {expected:?}");
    assert_eq!(done.outcome.status, Status::Revert);
    assert!(done.receipt.logs.is_empty());
    let got = reason(&done.outcome.output);
    assert!(got.starts_with("staking: ") && got.contains(expected), "reason {got:?}");
}

/// A header for `slot` sealed by `signer`; `variant` makes distinct blocks.
fn sealed_header(slot: u64, variant: u8, signer: &SigningKey) -> Header {
    let mut h = Header {
        number: slot,
        timestamp: GENESIS_TS + slot * SLOT_TIME,
        gas_limit: 30_000_000,
        extra_data: vec![variant],
        base_fee_per_gas: Some(U256::from(GWEI)),
        ..Header::default()
    };
    h.seal = sign_seal(&h, signer).unwrap();
    h
}

/// The intrinsic gas of a transaction to the staking contract with `data`.
fn intrinsic(data: &[u8]) -> u64 {
    Transaction::Eip1559(TxEip1559 {
        to: TxKind::Call(STAKING_ADDRESS),
        input: data.to_vec(),
        ..TxEip1559::default()
    })
    .intrinsic_gas()
}

/// Sends `data` from `from` at `slot` and checks that it reverts with `expected` and
/// changes nothing but the sender's gas and nonce: the staking account ends exactly as
/// after an empty block at the same slot, and the sender only paid for gas.
fn assert_rejected(chain: &mut Chain, slot: u64, from: &SigningKey, data: Vec<u8>, expected: &str) {
    let sender = addr(from);
    let mut empty = chain.fork();
    empty.empty_block(slot);
    let (nonce, balance) = (chain.state().nonce(sender).unwrap(), chain.balance(sender));
    let done = chain.send(slot, from, U256::zero(), data);
    assert_reverted(&done, expected);
    assert_eq!(
        chain.contract_account(),
        empty.contract_account(),
        "{expected}: contract unchanged"
    );
    assert_eq!(chain.state().nonce(sender).unwrap(), nonce + 1);
    assert_eq!(chain.balance(sender), balance - gas_cost(&done), "{expected}: only gas was paid");
}

fn gas_cost(done: &ExecutedTx) -> U256 {
    done.effective_gas_price * U256::from(done.gas_used)
}

fn topic(x: Address) -> H256 {
    H256::from(x)
}

#[test]
fn genesis_validators_are_active_from_epoch_zero() {
    let chain = Chain::pos();
    let k = &chain.k;
    let (v1, v2) = (addr(&k.v1), addr(&k.v2));
    let mut expected = vec![(v1, eth(100)), (v2, eth(50))];
    expected.sort();
    assert_eq!(chain.inputs(0), expected);
    assert_eq!(chain.inputs(1), expected);
    let mut preimage = genesis_mix(CHAIN_ID).as_bytes().to_vec();
    preimage.extend_from_slice(&0u64.to_be_bytes());
    assert_eq!(chain.seed(0), keccak256(&preimage));
    assert_ne!(chain.seed(0), chain.seed(1));
    assert_ne!(genesis_mix(CHAIN_ID), genesis_mix(CHAIN_ID + 1));

    // The account: guard code, nonce 1, the minted total stake.
    let mut state = chain.state();
    assert_eq!(&*state.code(STAKING_ADDRESS).unwrap(), guard_code());
    assert_eq!(state.nonce(STAKING_ADDRESS).unwrap(), 1);
    assert_eq!(chain.balance(STAKING_ADDRESS), eth(150));
    assert_eq!(
        staking_params(&chain.reader()).unwrap(),
        StakingParams::from_pos(&pos_config(k), GENESIS_TS)
    );

    // The views agree.
    let set = chain.call(IStaking::validatorsCall {}).unwrap();
    let view: Vec<(Address, U256)> =
        set._0.iter().zip(&set._1).map(|(x, s)| (Address::from(x.0 .0), u(*s))).collect();
    assert_eq!(view, expected);
    assert_eq!(chain.call(IStaking::currentEpochCall {}).unwrap(), 0);
    assert_eq!(
        chain.call(IStaking::activeStakeCall { validator: a(v1), epoch: 0 }).unwrap(),
        au(eth(100))
    );
    let seed = chain.call(IStaking::epochSeedCall { epoch: 0 }).unwrap();
    assert_eq!(H256(seed.0), chain.seed(0));
    chain.assert_funds_accounted();
}

#[test]
fn other_engines_have_no_staking_contract() {
    let pow = ConsensusConfig::Pow(basalt_chainspec::PowConfig {
        initial_difficulty: U256::from(0x20000),
        target_block_time: 5,
        min_difficulty: U256::one(),
        block_reward: eth(2),
    });
    for consensus in [ConsensusConfig::Instant, pow] {
        let spec = spec(consensus);
        let built = build_genesis_for(&spec).unwrap();
        assert_eq!(built.header, build_genesis(&spec.genesis).unwrap().header);
        let chain = Chain::new(&spec);
        assert_eq!(chain.reader().account(&STAKING_ADDRESS).unwrap(), None);
        assert!(matches!(epoch_inputs(&chain.reader(), 0), Err(StakingError::NotInstalled)));
    }

    // A PoS genesis may not allocate the contract's address itself.
    let mut spec = pos_spec();
    spec.genesis.alloc.insert(STAKING_ADDRESS, GenesisAccount::with_balance(U256::one()));
    assert!(matches!(
        build_genesis_for(&spec),
        Err(GenesisError::ReservedAddress(x)) if x == STAKING_ADDRESS
    ));
}

#[test]
fn on_other_engines_the_staking_address_is_an_ordinary_account() {
    let mut chain = Chain::new(&spec(ConsensusConfig::Instant));
    let alice = chain.k.alice.clone();
    let root_before = chain.head.state_root;
    chain.empty_block(1);
    assert_eq!(chain.head.state_root, root_before, "begin_block is a no-op without the contract");
    let done = chain.send(2, &alice, eth(1), stake());
    assert!(done.receipt.success);
    assert!(done.receipt.logs.is_empty());
    assert_eq!(done.gas_used, intrinsic(&stake()), "a plain transfer: no code runs");
    assert_eq!(chain.balance(STAKING_ADDRESS), eth(1));
}

#[test]
fn stake_unstake_withdraw_move_balances_and_emit_events() {
    let mut chain = Chain::pos();
    let alice_key = chain.k.alice.clone();
    let alice = addr(&alice_key);
    let alice_before = chain.balance(alice);

    // Stake 10 in epoch 0: active from epoch 1.
    let done = chain.send(1, &alice_key, eth(10), stake());
    assert!(done.receipt.success, "{:?}", done.outcome);
    assert_eq!(done.gas_used, intrinsic(&stake()) + DISPATCH_GAS + STAKE_GAS + NEW_VALIDATOR_GAS);
    let [log] = done.receipt.logs.as_slice() else { panic!("one log") };
    assert_eq!(log.address, STAKING_ADDRESS);
    assert_eq!(log.topics, vec![H256(IStaking::Staked::SIGNATURE_HASH.0), topic(alice)]);
    let event =
        IStaking::Staked::decode_raw_log(log.topics.iter().map(|t| t.0), &log.data).unwrap();
    assert_eq!((u(event.amount), event.activeFromEpoch), (eth(10), 1));
    assert_eq!(chain.balance(alice), alice_before - eth(10) - gas_cost(&done));
    assert_eq!(chain.balance(STAKING_ADDRESS), eth(160));
    assert_eq!(chain.stake_of(alice), eth(10));
    assert_eq!(
        chain.call(IStaking::activeStakeCall { validator: a(alice), epoch: 0 }).unwrap(),
        au(U256::zero())
    );
    assert_eq!(
        chain.call(IStaking::activeStakeCall { validator: a(alice), epoch: 1 }).unwrap(),
        au(eth(10))
    );
    chain.assert_funds_accounted();

    // Unstake 4 in epoch 0: released at epoch 0 + 2 + 1 = 3; the balance stays.
    let done = chain.send(2, &alice_key, U256::zero(), unstake(eth(4)));
    assert!(done.receipt.success);
    let [log] = done.receipt.logs.as_slice() else { panic!("one log") };
    assert_eq!(log.topics, vec![H256(IStaking::Unstaked::SIGNATURE_HASH.0), topic(alice)]);
    let event =
        IStaking::Unstaked::decode_raw_log(log.topics.iter().map(|t| t.0), &log.data).unwrap();
    assert_eq!((u(event.amount), event.releaseEpoch), (eth(4), 3));
    assert_eq!(chain.stake_of(alice), eth(6));
    assert_eq!(chain.unbonding(alice), (eth(4), 3));
    assert_eq!(chain.balance(STAKING_ADDRESS), eth(160));
    chain.assert_funds_accounted();

    // Withdrawing in epoch 2 is too early.
    let before = chain.balance(alice);
    let done = chain.send(8, &alice_key, U256::zero(), withdraw());
    assert_reverted(&done, "unbonding is released at epoch 3, the current epoch is 2");
    assert_eq!(chain.balance(alice), before - gas_cost(&done));
    assert_eq!(chain.unbonding(alice), (eth(4), 3));

    // In epoch 3 it pays out.
    let before = chain.balance(alice);
    let done = chain.send(12, &alice_key, U256::zero(), withdraw());
    assert!(done.receipt.success);
    let [log] = done.receipt.logs.as_slice() else { panic!("one log") };
    assert_eq!(log.topics, vec![H256(IStaking::Withdrawn::SIGNATURE_HASH.0), topic(alice)]);
    let event =
        IStaking::Withdrawn::decode_raw_log(log.topics.iter().map(|t| t.0), &log.data).unwrap();
    assert_eq!(u(event.amount), eth(4));
    assert_eq!(chain.balance(alice), before + eth(4) - gas_cost(&done));
    assert_eq!(chain.balance(STAKING_ADDRESS), eth(156));
    assert_eq!(chain.unbonding(alice), (U256::zero(), 0));
    chain.assert_funds_accounted();
    let done = chain.send(13, &alice_key, U256::zero(), withdraw());
    assert_reverted(&done, "nothing to withdraw");
}

#[test]
fn stake_changes_take_effect_from_the_next_epoch() {
    let mut chain = Chain::pos();
    let (v1_key, alice_key) = (chain.k.v1.clone(), chain.k.alice.clone());
    let (v1, v2, alice) = (addr(&v1_key), addr(&chain.k.v2), addr(&alice_key));
    let sorted = |mut v: Vec<(Address, U256)>| {
        v.sort();
        v
    };

    // Epoch 0: v1 tops up 20, then unstakes 30; alice joins.
    assert!(chain.send(1, &v1_key, eth(20), stake()).receipt.success);
    assert!(chain.send(2, &v1_key, U256::zero(), unstake(eth(30))).receipt.success);
    assert!(chain.send(3, &alice_key, eth(7), stake()).receipt.success);
    assert_eq!(chain.inputs(0), sorted(vec![(v1, eth(100)), (v2, eth(50))]), "epoch 0 is fixed");
    assert_eq!(chain.inputs(1), sorted(vec![(v1, eth(90)), (v2, eth(50)), (alice, eth(7))]));
    let view = chain.call(IStaking::validatorsCall {}).unwrap();
    assert_eq!(view._0.len(), 2, "validators() shows the current epoch's set");

    // Epoch 1: the new set is active; a change now shows from epoch 2 only.
    assert!(chain.send(4, &v1_key, U256::zero(), unstake(eth(10))).receipt.success);
    assert_eq!(chain.inputs(1), sorted(vec![(v1, eth(90)), (v2, eth(50)), (alice, eth(7))]));
    assert_eq!(chain.inputs(2), sorted(vec![(v1, eth(80)), (v2, eth(50)), (alice, eth(7))]));
    let view = chain.call(IStaking::validatorsCall {}).unwrap();
    let view: Vec<(Address, U256)> =
        view._0.iter().zip(&view._1).map(|(x, s)| (Address::from(x.0 .0), u(*s))).collect();
    assert_eq!(view, chain.inputs(1));
    assert_eq!(chain.stake_of(v1), eth(80));

    // Past epochs are not answered.
    assert_eq!(
        chain.call(IStaking::activeStakeCall { validator: a(v1), epoch: 0 }).unwrap_err(),
        "staking: epoch 0 is before the current epoch 1"
    );
    assert!(matches!(
        epoch_inputs(&chain.reader(), 0),
        Err(StakingError::EpochInPast { epoch: 0, state_epoch: 1 })
    ));

    // validators() costs its base plus one charge per listed address (3 listed).
    let req = CallRequest {
        to: Some(STAKING_ADDRESS),
        data: call_data(IStaking::validatorsCall {}),
        ..CallRequest::default()
    };
    let result = simulate_call(&chain.vm, chain.state(), &chain.head_env(), &req).1.unwrap();
    assert_eq!(
        result.gas_used,
        intrinsic(&req.data) + DISPATCH_GAS + VALIDATORS_BASE_GAS + 3 * VALIDATORS_PER_ENTRY_GAS
    );
    chain.assert_funds_accounted();
}

#[test]
fn unbonding_is_released_after_whole_epochs() {
    let mut chain = Chain::pos();
    let v2_key = chain.k.v2.clone();
    let v2 = addr(&v2_key);

    // Unstaking in the last slot of epoch 1 still waits epochs 2 and 3 out.
    assert!(chain.send(7, &v2_key, U256::zero(), unstake(eth(10))).receipt.success);
    assert_eq!(chain.unbonding(v2), (eth(10), 4));
    // A second unstake merges and moves the release to 2 + 2 + 1 = 5.
    assert!(chain.send(9, &v2_key, U256::zero(), unstake(eth(5))).receipt.success);
    assert_eq!(chain.unbonding(v2), (eth(15), 5));
    let done = chain.send(16, &v2_key, U256::zero(), withdraw());
    assert_reverted(&done, "released at epoch 5, the current epoch is 4");
    // Once released, unstaking more would lock it again: refused.
    let done = chain.send(20, &v2_key, U256::zero(), unstake(eth(1)));
    assert_reverted(&done, "withdraw the released unbonding amount first");
    let before = chain.balance(v2);
    let done = chain.send(21, &v2_key, U256::zero(), withdraw());
    assert!(done.receipt.success);
    assert_eq!(chain.balance(v2), before + eth(15) - gas_cost(&done));
    assert_eq!(chain.stake_of(v2), eth(35));
    chain.assert_funds_accounted();

    // Argument checks.
    assert_reverted(&chain.send(22, &v2_key, U256::zero(), unstake(eth(36))), "exceeds the stake");
    assert_reverted(
        &chain.send(23, &v2_key, U256::zero(), unstake(U256::zero())),
        "amount is zero",
    );
    assert_reverted(&chain.send(24, &v2_key, U256::zero(), stake()), "needs a non-zero value");
    let before = chain.balance(v2);
    let done = chain.send(25, &v2_key, eth(1), unstake(eth(1)));
    assert_reverted(&done, "not payable");
    assert_eq!(chain.balance(v2), before - gas_cost(&done), "the value came back");
    assert_reverted(
        &chain.send(26, &v2_key, eth(1), Vec::new()),
        "plain transfers are not accepted",
    );
    assert_reverted(
        &chain.send(27, &v2_key, U256::zero(), vec![1, 2, 3, 4]),
        "unknown function selector 0x01020304",
    );
    let mut truncated = unstake(eth(1));
    truncated.truncate(20);
    assert_reverted(
        &chain.send(28, &v2_key, U256::zero(), truncated),
        "malformed calldata for unstake(uint256)",
    );
    chain.assert_funds_accounted();
}

#[test]
fn evidence_slashes_once_with_reporter_reward_and_burn() {
    let mut chain = Chain::pos();
    let (v1_key, bob_key) = (chain.k.v1.clone(), chain.k.bob.clone());
    let (v1, v2, bob) = (addr(&v1_key), addr(&chain.k.v2), addr(&bob_key));

    // v1: 80 bonded, 20 unbonding.
    assert!(chain.send(1, &v1_key, U256::zero(), unstake(eth(20))).receipt.success);
    let h1 = sealed_header(5, 1, &v1_key);
    let h2 = sealed_header(5, 2, &v1_key);
    let bob_before = chain.balance(bob);
    let data = evidence(&h1, &h2);
    let done = chain.send(2, &bob_key, U256::zero(), data.clone());
    assert!(done.receipt.success, "{:?}", reason(&done.outcome.output));
    assert_eq!(done.gas_used, intrinsic(&data) + DISPATCH_GAS + SUBMIT_EVIDENCE_GAS);

    // 50% of 80 + 50% of 20 = 50 slashed; 10% of it (5) to bob, 45 burned.
    let [log] = done.receipt.logs.as_slice() else { panic!("one log") };
    assert_eq!(log.topics, vec![H256(IStaking::Slashed::SIGNATURE_HASH.0), topic(v1), topic(bob)]);
    let event =
        IStaking::Slashed::decode_raw_log(log.topics.iter().map(|t| t.0), &log.data).unwrap();
    assert_eq!((u(event.amount), event.slot), (eth(50), 5));
    assert_eq!(chain.balance(bob), bob_before + eth(5) - gas_cost(&done));
    assert_eq!(chain.balance(STAKING_ADDRESS), eth(100), "150 - 50: 45 burned, 5 paid");
    assert_eq!(chain.stake_of(v1), eth(40));
    assert_eq!(chain.unbonding(v1).0, eth(10));
    // The current epoch keeps its schedule; the slash shows from the next.
    let mut now = vec![(v1, eth(100)), (v2, eth(50))];
    now.sort();
    assert_eq!(chain.inputs(0), now);
    let mut next = vec![(v1, eth(40)), (v2, eth(50))];
    next.sort();
    assert_eq!(chain.inputs(1), next);
    chain.assert_funds_accounted();

    // The same (validator, slot) cannot slash again, in any order or pairing.
    let h3 = sealed_header(5, 3, &v1_key);
    for (slot, (x, y)) in (3..).zip([(&h1, &h2), (&h2, &h1), (&h1, &h3)]) {
        assert_rejected(&mut chain, slot, &bob_key, evidence(x, y), "for slot 5 was already used");
    }

    // Another slot is another offence: 50% of 40 + 50% of 10 = 25.
    let done = chain.send(
        6,
        &bob_key,
        U256::zero(),
        evidence(&sealed_header(6, 1, &v1_key), &sealed_header(6, 2, &v1_key)),
    );
    assert!(done.receipt.success);
    assert_eq!(chain.balance(STAKING_ADDRESS), eth(75));
    assert_eq!(chain.stake_of(v1), eth(20));
    chain.assert_funds_accounted();
}

#[test]
fn bad_evidence_reverts_and_changes_only_gas_and_nonce() {
    let mut chain = Chain::pos();
    let k = keys();
    let stranger = key(0x77);
    let a5 = sealed_header(5, 1, &k.v1);
    let b5 = sealed_header(5, 2, &k.v1);
    let b6 = sealed_header(6, 2, &k.v1);
    let v2_5 = sealed_header(5, 2, &k.v2);
    let mut mid_slot = sealed_header(5, 2, &k.v1);
    mid_slot.timestamp += 1;
    mid_slot.seal = sign_seal(&mid_slot, &k.v1).unwrap();
    let mut unsealed = b5.clone();
    unsealed.seal = Vec::new();
    // Same signed message, another block hash: not an equivocation.
    let mut remixed = a5.clone();
    remixed.mix_hash = H256::repeat_byte(9);
    assert_ne!(remixed.hash(), a5.hash());
    let stranger_a = sealed_header(5, 1, &stranger);
    let stranger_b = sealed_header(5, 2, &stranger);

    let rlp_of = |h: &Header| rlp::encode(h).to_vec();
    let raw = |x: Vec<u8>, y: Vec<u8>| {
        call_data(IStaking::submitEvidenceCall { headerA: x.into(), headerB: y.into() })
    };
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (evidence(&a5, &b6), "not an equivocation: the headers are for slots 5 and 6"),
        (evidence(&a5, &a5), "both headers sign the same proposal"),
        (evidence(&a5, &remixed), "both headers sign the same proposal"),
        (evidence(&a5, &v2_5), "the headers are signed by"),
        (raw(vec![0xde, 0xad, 0xbe, 0xef], rlp_of(&b5)), "headerA is not an RLP-encoded header"),
        (raw(rlp_of(&a5), Vec::new()), "headerB is not an RLP-encoded header"),
        (evidence(&a5, &mid_slot), "timestamp 1011 is not the start of a slot"),
        (evidence(&a5, &unsealed), "seal is 0 bytes, expected a 65-byte signature"),
        (evidence(&stranger_a, &stranger_b), "has no stake to slash"),
    ];
    for (slot, (data, expected)) in (1..).zip(cases) {
        assert_rejected(&mut chain, slot, &k.bob, data, expected);
    }
    // An offender cannot collect the reporter's reward on itself.
    assert_rejected(&mut chain, 20, &k.v1, evidence(&a5, &b5), "a validator cannot report itself");
    // The contract still has everything.
    assert_eq!(chain.balance(STAKING_ADDRESS), eth(150));
    chain.assert_funds_accounted();
}

/// Builds a chain from genesis with a block at each `(slot, seal variant)`, returning the
/// state reader after each block.
fn run(blocks: &[(u64, u8)]) -> (Chain, Vec<StateReader<MemoryBackend>>) {
    let mut chain = Chain::pos();
    let mut readers = vec![chain.reader()];
    for &(slot, variant) in blocks {
        chain.block_with(slot, variant, Vec::new());
        readers.push(chain.reader());
    }
    (chain, readers)
}

fn seed_from(reader: &StateReader<MemoryBackend>, epoch: u64) -> H256 {
    epoch_inputs(reader, epoch).unwrap().seed
}

#[test]
fn seed_mixes_parent_seals_and_agrees_across_its_window() {
    // Slots 1..=12: epoch 0 = slots 1–3, epoch 1 = 4–7, epoch 2 = 8–11, epoch 3 = 12.
    let base: Vec<(u64, u8)> = (1..=12).map(|s| (s, 0)).collect();
    let (_, states) = run(&base);
    // seed(2) from the parent of epoch 1's first block and from every block of epochs 1–2.
    let seed2 = seed_from(&states[3], 2);
    for reader in &states[3..=11] {
        assert_eq!(seed_from(reader, 2), seed2);
    }
    // seed(3) from the last block of epoch 1 on.
    let seed3 = seed_from(&states[7], 3);
    for reader in &states[7..=12] {
        assert_eq!(seed_from(reader, 3), seed3);
    }
    assert_ne!(seed2, seed3);
    // Seeds of epochs 0 and 1 come from the genesis mix.
    for e in [0u64, 1] {
        let mut preimage = genesis_mix(CHAIN_ID).as_bytes().to_vec();
        preimage.extend_from_slice(&e.to_be_bytes());
        assert_eq!(seed_from(&states[2], e), keccak256(&preimage));
    }

    // Another seal in epoch 0 (block at slot 2, mixed in by slot 3) changes seed(2)...
    let mut other = base.clone();
    other[1].1 = 7;
    let (_, alt) = run(&other);
    assert_ne!(seed_from(&alt[8], 2), seed2);
    // ...and a seal inside epoch 1 (slot 5, mixed in by slot 6) leaves seed(2) alone but
    // changes seed(3).
    let mut other = base.clone();
    other[4].1 = 7;
    let (_, alt) = run(&other);
    assert_eq!(seed_from(&alt[8], 2), seed2);
    assert_ne!(seed_from(&alt[8], 3), seed3);
}

#[test]
fn seed_survives_epochs_without_blocks() {
    // Blocks at slots 1 and 2 (epoch 0), then nothing until slot 21 (epoch 5).
    let (_, states) = run(&[(1, 0), (2, 0), (21, 0), (22, 0), (24, 0), (28, 0)]);
    let parent = &states[2];
    // seed(5) as the engine sees it from the parent of the slot-21 block, and from the
    // blocks of epoch 5.
    let seed5 = seed_from(parent, 5);
    assert_eq!(seed_from(&states[3], 5), seed5);
    assert_eq!(seed_from(&states[4], 5), seed5);
    // seed(6) likewise, also from the first block of epoch 6.
    let seed6 = seed_from(parent, 6);
    for reader in &states[3..=5] {
        assert_eq!(seed_from(reader, 6), seed6);
    }
    // M(3) = M(4) = the mix after slot 2: only the epoch number tells them apart.
    assert_ne!(seed5, seed6);
    let seed7 = seed_from(&states[5], 7);
    assert_eq!(seed_from(&states[6], 7), seed7, "slot 28 is in epoch 7");
}

#[test]
fn validators_without_stake_leave_the_list_at_the_next_epoch() {
    let mut spec = pos_spec();
    if let ConsensusConfig::Pos(pos) = &mut spec.consensus {
        pos.slash_bps = 10_000;
        pos.unbonding_epochs = 0;
    }
    let mut chain = Chain::new(&spec);
    let (alice_key, bob_key, v2_key) =
        (chain.k.alice.clone(), chain.k.bob.clone(), chain.k.v2.clone());
    let list_len = |chain: &Chain| {
        U256::from_big_endian(
            chain
                .reader()
                .storage(&STAKING_ADDRESS, &H256::from_low_u64_be(10))
                .unwrap()
                .as_bytes(),
        )
    };
    assert_eq!(list_len(&chain), U256::from(2));
    assert!(chain.send(1, &alice_key, eth(3), stake()).receipt.success);
    assert_eq!(list_len(&chain), U256::from(3));
    assert!(chain.send(2, &alice_key, U256::zero(), unstake(eth(3))).receipt.success);
    // v2 is slashed to nothing.
    let done = chain.send(
        3,
        &bob_key,
        U256::zero(),
        evidence(&sealed_header(9, 1, &v2_key), &sealed_header(9, 2, &v2_key)),
    );
    assert!(done.receipt.success);
    assert_eq!(chain.stake_of(addr(&v2_key)), U256::zero());
    // Epoch 1: v2 has nothing left and goes; alice still has 3 unbonding.
    chain.empty_block(4);
    assert_eq!(list_len(&chain), U256::from(2));
    assert!(chain.send(5, &alice_key, U256::zero(), withdraw()).receipt.success);
    chain.empty_block(8);
    assert_eq!(list_len(&chain), U256::from(1));
    assert_eq!(chain.inputs(2), vec![(addr(&chain.k.v1), eth(100))]);
    // A leaver can come back.
    assert!(chain.send(9, &alice_key, eth(1), stake()).receipt.success);
    assert_eq!(list_len(&chain), U256::from(2));
    chain.assert_funds_accounted();
}

#[test]
fn eth_call_and_estimate_gas_run_the_native_contract() {
    let chain = Chain::pos();
    let alice = addr(&chain.k.alice);
    let req = CallRequest {
        from: Some(alice),
        to: Some(STAKING_ADDRESS),
        value: eth(1),
        data: stake(),
        ..CallRequest::default()
    };
    let env = chain.head_env();
    let expected = intrinsic(&stake()) + DISPATCH_GAS + STAKE_GAS + NEW_VALIDATOR_GAS;
    let estimate = estimate_gas(&chain.vm, || chain.state(), &env, &req, 1_000_000).unwrap();
    assert_eq!(estimate.unwrap(), expected);
    // One gas less runs out.
    let short = CallRequest { gas: Some(expected - 1), ..req.clone() };
    let (mut state, result) = simulate_call(&chain.vm, chain.state(), &env, &short);
    let result = result.unwrap();
    assert_eq!(result.outcome.status, Status::Failure(Failure::OutOfGas));
    assert_eq!(result.gas_used, expected - 1);
    assert_eq!(state.balance(STAKING_ADDRESS).unwrap(), eth(150), "nothing moved");
    // A reverting call reports its reason.
    let req = CallRequest { value: U256::zero(), data: withdraw(), ..req };
    let failed = estimate_gas(&chain.vm, || chain.state(), &env, &req, 1_000_000).unwrap();
    assert_eq!(reason(&failed.unwrap_err().outcome.output), "staking: nothing to withdraw");
    // Views cost their fixed price.
    let req = CallRequest {
        to: Some(STAKING_ADDRESS),
        data: call_data(IStaking::currentEpochCall {}),
        ..CallRequest::default()
    };
    let result = simulate_call(&chain.vm, chain.state(), &env, &req).1.unwrap();
    assert_eq!(result.gas_used, intrinsic(&req.data) + DISPATCH_GAS + VIEW_GAS);
}

#[test]
fn a_transaction_out_of_gas_keeps_nothing_but_its_fee() {
    let mut chain = Chain::pos();
    let alice_key = chain.k.alice.clone();
    let alice = addr(&alice_key);
    let before = chain.balance(alice);
    let gas = intrinsic(&stake()) + DISPATCH_GAS + STAKE_GAS;
    let tx = chain.tx(&alice_key, eth(5), stake(), gas);
    let done = chain.block_with(1, 0, vec![(tx, alice)]).pop().unwrap();
    assert_eq!(done.outcome.status, Status::Failure(Failure::OutOfGas));
    assert_eq!(done.gas_used, gas, "all gas is consumed");
    assert_eq!(chain.balance(alice), before - gas_cost(&done));
    assert_eq!(chain.stake_of(alice), U256::zero());
    chain.assert_funds_accounted();
}

#[test]
fn contracts_calling_the_staking_address_hit_the_guard() {
    let mut chain = Chain::pos();
    let alice_key = chain.k.alice.clone();
    let alice = addr(&alice_key);
    // Forwards its calldata and value to 0x…1000 and returns the status byte (as a
    // word) followed by the callee's return data.
    let forwarder = wat::parse_str(
        r#"(module
            (import "env" "read_args" (func $read_args (param i32)))
            (import "env" "msg_value" (func $msg_value (param i32)))
            (import "env" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
            (import "env" "read_return_data" (func $rrd (param i32 i32 i32) (result i32)))
            (import "env" "write_result" (func $write (param i32 i32)))
            (memory (export "memory") 1)
            (data (i32.const 18) "\10")
            (func (export "user_entrypoint") (param $len i32) (result i32)
              (local $status i32)
              (call $read_args (i32.const 1024))
              (call $msg_value (i32.const 64))
              (local.set $status (call $call (i32.const 0) (i32.const 1024) (local.get $len)
                                        (i32.const 64) (i64.const -1) (i32.const 128)))
              (i32.store8 (i32.const 4095) (local.get $status))
              (drop (call $rrd (i32.const 4096) (i32.const 0) (i32.load (i32.const 128))))
              (call $write (i32.const 4064) (i32.add (i32.const 32) (i32.load (i32.const 128))))
              (i32.const 0)))"#,
    )
    .unwrap();
    let nonce = chain.state().nonce(alice).unwrap();
    let deploy = sign_transaction(
        Transaction::Eip1559(TxEip1559 {
            chain_id: CHAIN_ID,
            nonce,
            max_priority_fee_per_gas: U256::from(GWEI),
            max_fee_per_gas: U256::from(10 * GWEI),
            gas_limit: 5_000_000,
            to: TxKind::Create,
            input: forwarder,
            ..TxEip1559::default()
        }),
        &alice_key,
    )
    .unwrap();
    let done = chain.block_with(1, 0, vec![(deploy, alice)]).pop().unwrap();
    let contract = done.contract_address.expect("deployed");

    let nonce = chain.state().nonce(alice).unwrap();
    let call = sign_transaction(
        Transaction::Eip1559(TxEip1559 {
            chain_id: CHAIN_ID,
            nonce,
            max_priority_fee_per_gas: U256::from(GWEI),
            max_fee_per_gas: U256::from(10 * GWEI),
            gas_limit: 1_000_000,
            to: TxKind::Call(contract),
            value: eth(3),
            input: stake(),
            ..TxEip1559::default()
        }),
        &alice_key,
    )
    .unwrap();
    let done = chain.block_with(2, 0, vec![(call, alice)]).pop().unwrap();
    assert!(done.receipt.success);
    let output = &done.outcome.output;
    assert_eq!(output[31], 1, "the nested call reverted");
    assert_eq!(reason(&output[32..]), GUARD_REVERT_REASON);
    assert_eq!(chain.balance(contract), eth(3), "the value bounced back to the caller");
    assert_eq!(chain.balance(STAKING_ADDRESS), eth(150));
    assert_eq!(chain.stake_of(contract), U256::zero());
}

#[test]
fn pow_block_reward_is_credited_at_the_end_of_the_block() {
    let spec = spec(ConsensusConfig::Instant);
    let chain = Chain::new(&spec);
    let alice_key = chain.k.alice.clone();
    let alice = addr(&alice_key);
    let coinbase = chain.coinbase;
    let env = chain.env_at(1, 1);

    // Default: no reward.
    let ex = BlockExecutor::new(chain.vm.clone(), chain.state(), env.clone());
    assert_eq!(ex.finish().state.balance(coinbase).unwrap(), U256::zero());

    // With a reward: fees during the block, the reward after the last transaction.
    let mut ex = BlockExecutor::new(chain.vm.clone(), chain.state(), env.clone())
        .with_block_reward(eth(2))
        .unwrap();
    ex.begin_block(&chain.head).unwrap();
    let tx = sign_transaction(
        Transaction::Eip1559(TxEip1559 {
            chain_id: CHAIN_ID,
            max_priority_fee_per_gas: U256::from(2 * GWEI),
            max_fee_per_gas: U256::from(10 * GWEI),
            gas_limit: 21_000,
            to: TxKind::Call(Address::repeat_byte(0x33)),
            value: U256::one(),
            ..TxEip1559::default()
        }),
        &alice_key,
    )
    .unwrap();
    ex.execute(&tx, alice).unwrap();
    let tips = U256::from(21_000 * 2 * GWEI);
    assert_eq!(ex.state().balance(coinbase).unwrap(), tips, "not yet rewarded");
    let mut out = ex.finish();
    assert_eq!(out.state.balance(coinbase).unwrap(), tips + eth(2));

    // An empty block still pays the reward.
    let ex =
        BlockExecutor::new(chain.vm.clone(), chain.state(), env).with_block_reward(eth(2)).unwrap();
    assert_eq!(ex.finish().state.balance(coinbase).unwrap(), eth(2));
}

#[test]
fn begin_block_runs_once_before_the_transactions() {
    let chain = Chain::pos();
    let env = chain.env_at(1, 1);
    let mut ex = BlockExecutor::new(chain.vm.clone(), chain.state(), env.clone());
    ex.begin_block(&chain.head).unwrap();
    assert!(matches!(ex.begin_block(&chain.head), Err(ExecutionError::OutOfOrder(_))));

    let mut ex = BlockExecutor::new(chain.vm.clone(), chain.state(), env);
    let alice_key = chain.k.alice.clone();
    let tx = chain.tx(&alice_key, U256::zero(), call_data(IStaking::currentEpochCall {}), 100_000);
    ex.execute(&tx, addr(&alice_key)).unwrap();
    assert!(matches!(ex.begin_block(&chain.head), Err(ExecutionError::OutOfOrder(_))));
}

#[test]
fn the_last_bonded_stake_cannot_leave() {
    let k = keys();
    let mut pos = pos_config(&k);
    pos.validators.truncate(1);
    let mut chain = Chain::new(&spec(ConsensusConfig::Pos(pos)));
    let v1_key = chain.k.v1.clone();
    assert_eq!(u(chain.call(IStaking::totalBondedCall {}).unwrap()), eth(100));
    assert_rejected(
        &mut chain,
        1,
        &v1_key,
        unstake(eth(100)),
        "cannot unstake the last bonded stake",
    );
    assert!(chain.send(2, &v1_key, U256::zero(), unstake(eth(99))).receipt.success);
    assert_eq!(u(chain.call(IStaking::totalBondedCall {}).unwrap()), eth(1));
    assert_rejected(&mut chain, 3, &v1_key, unstake(eth(1)), "the chain would halt");
    // Once someone else has stake, the last of v1's can go.
    let alice_key = chain.k.alice.clone();
    assert!(chain.send(4, &alice_key, eth(5), stake()).receipt.success);
    assert!(chain.send(5, &v1_key, U256::zero(), unstake(eth(1))).receipt.success);
    assert_eq!(chain.inputs(2), vec![(addr(&alice_key), eth(5))]);
    chain.assert_funds_accounted();
}

#[test]
fn genesis_rejects_invalid_validator_sets() {
    let k = keys();
    let mut pos = pos_config(&k);
    pos.validators.push(pos.validators[0]);
    assert!(matches!(
        staking::genesis_account(&pos, CHAIN_ID, GENESIS_TS),
        Err(StakingError::Genesis(_))
    ));
    let mut pos = pos_config(&k);
    pos.validators[1].stake = U256::zero();
    assert!(staking::genesis_account(&pos, CHAIN_ID, GENESIS_TS).is_err());
}
