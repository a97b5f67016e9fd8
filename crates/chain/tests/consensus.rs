//! The chain under proof of work and proof of stake, with the real miner and
//! proposer: blocks seal and import, the retarget holds the block time, and
//! tampered or wrongly signed blocks are rejected without changing anything.
#![allow(clippy::unwrap_used)]

mod common;

use basalt_chain::{BlockError, Chain, ChainError};
use basalt_chainspec::{ChainSpec, ConsensusConfig, PosConfig, PowConfig, Validator};
use basalt_consensus::{
    next_difficulty, proposer_of, ConsensusError, Miner, PosEngine, Proposer, StakeSource,
    STAKING_ADDRESS,
};
use basalt_primitives::{
    secret_key_to_address, sign_transaction, Address, Block, SignedTransaction, Transaction,
    TxEip1559, TxKind, H64, U256,
};
use common::{key, open_spec};
use std::sync::atomic::AtomicBool;

fn pow_spec(target: u64, initial: u64) -> (ChainSpec, PowConfig) {
    let config = PowConfig {
        initial_difficulty: U256::from(initial),
        target_block_time: target,
        min_difficulty: U256::from(1_000),
        block_reward: U256::exp10(18),
    };
    let mut spec = ChainSpec::dev();
    spec.consensus = ConsensusConfig::Pow(config.clone());
    (spec, config)
}

fn consensus_error(result: Result<basalt_chain::ImportOutcome, ChainError>) -> ConsensusError {
    match result {
        Err(ChainError::InvalidBlock(BlockError::Consensus(e))) => e,
        other => panic!("expected a consensus rejection, got {other:?}"),
    }
}

/// 200 blocks mined by the real miner on one thread, with time simulated from
/// the hashes it does (`HASHRATE` per second) so the run is deterministic and
/// fast: the retarget brings the mean block time within ±20% of the target,
/// every block pays its reward, and a second node imports the whole chain.
#[test]
fn pow_mines_200_blocks_and_the_retarget_holds_the_block_time() {
    const HASHRATE: u64 = 20_000;
    const TARGET: u64 = 2;
    // Start near the equilibrium (TARGET seconds of hashing): the rule moves
    // about 1/32 per block, so a start 8x off would take ~100 blocks to settle.
    let (spec, config) = pow_spec(TARGET, HASHRATE * TARGET);
    let dir = tempfile::tempdir().unwrap();
    let chain = open_spec(dir.path(), &spec);
    let miner = Miner::new(1);
    let coinbase = Address::repeat_byte(0xc0);
    let never = AtomicBool::new(false);
    // Simulated clock, in milliseconds.
    let mut now_ms = spec.genesis.timestamp * 1000;
    let mut blocks = Vec::new();
    for _ in 0..200 {
        let parent = chain.head();
        // A miner never stamps ahead of the clock: wait for the next second.
        now_ms = now_ms.max((parent.header.timestamp + 1) * 1000);
        let mut built = chain.build_block([], now_ms / 1000, coinbase).unwrap();
        let before = miner.total_hashes();
        built.block.header = miner.seal(built.block.header.clone(), &never).unwrap();
        now_ms += (miner.total_hashes() - before) * 1000 / HASHRATE;
        blocks.push(built.block.clone());
        chain.commit_built(built).unwrap();
    }
    assert_eq!(chain.head().header.number, 200);
    let headers: Vec<_> = blocks.iter().map(|b| &b.header).collect();
    for pair in headers.windows(2) {
        assert_eq!(
            pair[1].difficulty,
            next_difficulty(&config, pair[0].difficulty, pair[0].timestamp, pair[1].timestamp)
        );
    }
    assert_eq!(headers[0].difficulty, config.initial_difficulty);
    // Settled: the last 150 blocks.
    let span = headers[199].timestamp - headers[49].timestamp;
    let mean = span as f64 / 150.0;
    assert!(
        (mean - TARGET as f64).abs() <= 0.2 * TARGET as f64,
        "mean block time {mean:.2}s vs target {TARGET}s"
    );
    let paid = chain.state_at(&chain.head().header).balance(coinbase).unwrap();
    assert_eq!(paid, U256::exp10(18) * 200);

    let other_dir = tempfile::tempdir().unwrap();
    let other = open_spec(other_dir.path(), &spec);
    for b in &blocks {
        other.import_block(b.clone()).unwrap();
    }
    assert_eq!(other.head(), chain.head());
}

#[test]
fn pow_rejects_tampered_nonce_difficulty_and_timestamp() {
    let (spec, config) = pow_spec(5, 2_000);
    let dir = tempfile::tempdir().unwrap();
    let chain = open_spec(dir.path(), &spec);
    let miner = Miner::new(1);
    let never = AtomicBool::new(false);
    let mut sealed = Vec::new();
    for i in 0..2u64 {
        let mut built = chain.build_block([], 100 + i * 5, Address::zero()).unwrap();
        built.block.header = miner.seal(built.block.header.clone(), &never).unwrap();
        sealed.push(built.block.clone());
        chain.commit_built(built).unwrap();
    }
    let other_dir = tempfile::tempdir().unwrap();
    let other = open_spec(other_dir.path(), &spec);
    other.import_block(sealed[0].clone()).unwrap();
    let good = sealed[1].clone();
    let head = other.head();

    // A nonce that does not reach the target (or no longer matches mixHash).
    let mut bad = good.clone();
    let nonce = u64::from_be_bytes(bad.header.nonce.0).wrapping_add(1);
    bad.header.nonce = H64(nonce.to_be_bytes());
    consensus_error(other.import_block(bad));
    // A difficulty the rule does not give (resealed, so only the rule fails).
    let mut bad: Block = good.clone();
    bad.header.difficulty = config.min_difficulty;
    bad.header = miner.seal(bad.header, &never).unwrap();
    assert!(matches!(
        consensus_error(other.import_block(bad)),
        ConsensusError::WrongDifficulty { .. }
    ));
    // A timestamp not after the parent's.
    let mut bad = good.clone();
    bad.header.timestamp = sealed[0].header.timestamp;
    bad.header.difficulty =
        next_difficulty(&config, sealed[0].header.difficulty, 100, bad.header.timestamp);
    bad.header = miner.seal(bad.header, &never).unwrap();
    consensus_error(other.import_block(bad));
    // Far in the future.
    let mut bad = good.clone();
    bad.header.timestamp = u64::MAX / 2;
    bad.header.difficulty =
        next_difficulty(&config, sealed[0].header.difficulty, 100, bad.header.timestamp);
    bad.header = miner.seal(bad.header, &never).unwrap();
    consensus_error(other.import_block(bad));
    assert_eq!(other.head(), head, "rejected blocks change nothing");
    other.import_block(good.clone()).unwrap();
    assert_eq!(other.head(), chain.head());

    // Orphans (unknown parent) are kept only with real work behind them.
    let third = {
        let mut built = chain.build_block([], 120, Address::zero()).unwrap();
        built.block.header = miner.seal(built.block.header.clone(), &never).unwrap();
        chain.commit_built(built).unwrap();
        let mut built = chain.build_block([], 125, Address::zero()).unwrap();
        built.block.header = miner.seal(built.block.header.clone(), &never).unwrap();
        built.block
    };
    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh = open_spec(fresh_dir.path(), &spec);
    let mut forged = third.clone();
    let nonce = u64::from_be_bytes(forged.header.nonce.0).wrapping_add(1);
    forged.header.nonce = H64(nonce.to_be_bytes());
    consensus_error(fresh.import_block(forged));
    assert_eq!(fresh.orphan_count(), 0, "a forged orphan is not kept");
    assert!(fresh.import_block(third).unwrap().orphan);
    assert_eq!(fresh.orphan_count(), 1, "a sealed orphan waits for its parent");
}

fn pos_spec() -> ChainSpec {
    let mut spec = ChainSpec::dev();
    spec.consensus = ConsensusConfig::Pos(PosConfig {
        validators: (0..4)
            .map(|i| Validator {
                address: secret_key_to_address(&key(i)),
                stake: U256::exp10(18) * (4 - i as u64),
            })
            .collect(),
        slot_time: 1,
        epoch_length: 4,
        unbonding_epochs: 1,
        slash_bps: 10_000,
        reporter_reward_bps: 1_000,
    });
    spec
}

/// Proposes the next block whose proposer is among `signers` (indexes of
/// [`KEYS`]), returning it unimported, with the slot.
fn propose(chain: &Chain, engine: &PosEngine, proposers: &[Proposer]) -> (Block, usize) {
    propose_with(chain, engine, proposers, Vec::new())
}

fn propose_with(
    chain: &Chain,
    engine: &PosEngine,
    proposers: &[Proposer],
    txs: Vec<(SignedTransaction, Address)>,
) -> (Block, usize) {
    let head = chain.head();
    let mut slot = engine.slot_of(head.header.timestamp).unwrap() + 1;
    loop {
        let who = engine.proposer_at(&head.header, slot, &chain.stakes()).unwrap();
        if let Some(i) = proposers.iter().position(|p| p.address() == who) {
            let built = chain.build_block(txs, engine.slot_timestamp(slot), who).unwrap();
            assert!(built.rejected.is_empty(), "{:?}", built.rejected);
            let mut block = built.block;
            block.header = proposers[i].seal(block.header).unwrap();
            return (block, i);
        }
        slot += 1;
    }
}

#[test]
fn pos_blocks_by_the_slot_proposer_import_and_others_are_rejected() {
    let spec = pos_spec();
    let ConsensusConfig::Pos(config) = &spec.consensus else { unreachable!() };
    let engine = PosEngine::new(config.clone(), spec.genesis.timestamp);
    let dir = tempfile::tempdir().unwrap();
    let proposers: Vec<Proposer> = (0..4)
        .map(|i| Proposer::open(key(i), dir.path().join(format!("record-{i}")), 0, 1).unwrap())
        .collect();
    let a_dir = tempfile::tempdir().unwrap();
    let a = open_spec(a_dir.path(), &spec);
    let b_dir = tempfile::tempdir().unwrap();
    let b = open_spec(b_dir.path(), &spec);
    for _ in 0..12 {
        let (block, _) = propose(&a, &engine, &proposers);
        a.import_block(block.clone()).unwrap();
        b.import_block(block).unwrap();
    }
    assert_eq!(a.head(), b.head());
    assert_eq!(a.head().header.number, 12);

    // The next slot's block signed by someone who is not its proposer.
    let head = a.head();
    let slot = engine.slot_of(head.header.timestamp).unwrap() + 1;
    let who = engine.proposer_at(&head.header, slot, &a.stakes()).unwrap();
    let impostor = (0..4).find(|&i| secret_key_to_address(&key(i)) != who).unwrap();
    let impostor_address = secret_key_to_address(&key(impostor));
    let built = a.build_block([], engine.slot_timestamp(slot), impostor_address).unwrap();
    let mut forged = built.block;
    let other_dir = tempfile::tempdir().unwrap();
    let forger = Proposer::open(key(impostor), other_dir.path().join("r"), 0, 1).unwrap();
    forged.header = forger.seal(forged.header).unwrap();
    assert!(matches!(
        consensus_error(a.import_block(forged)),
        ConsensusError::WrongProposer { .. }
    ));
    // The real proposer's block with a damaged signature.
    let (mut block, _) = propose(&a, &engine, &proposers);
    let good = block.clone();
    block.header.seal[10] ^= 1;
    consensus_error(a.import_block(block.clone()));
    block.header.seal.truncate(64);
    consensus_error(a.import_block(block));
    assert_eq!(a.head(), head, "rejected blocks change nothing");
    a.import_block(good).unwrap();
}

/// A newcomer stakes as much as the genesis validators hold together: the
/// epoch it staked in keeps the old set and shares; from the next epoch it is
/// drawn for about half the slots, and its blocks import on another node.
#[test]
fn staking_changes_proposal_shares_from_the_next_epoch() {
    let spec = pos_spec();
    let ConsensusConfig::Pos(config) = &spec.consensus else { unreachable!() };
    let engine = PosEngine::new(config.clone(), spec.genesis.timestamp);
    let dir = tempfile::tempdir().unwrap();
    let proposers: Vec<Proposer> = (0..5)
        .map(|i| Proposer::open(key(i), dir.path().join(format!("record-{i}")), 0, 1).unwrap())
        .collect();
    let newcomer = secret_key_to_address(&key(4));
    let a_dir = tempfile::tempdir().unwrap();
    let a = open_spec(a_dir.path(), &spec);
    let b_dir = tempfile::tempdir().unwrap();
    let b = open_spec(b_dir.path(), &spec);
    let stake = sign_transaction(
        Transaction::Eip1559(TxEip1559 {
            chain_id: spec.chain_id,
            nonce: 0,
            max_priority_fee_per_gas: U256::from(1),
            max_fee_per_gas: U256::from(10_000_000_000u64),
            gas_limit: 300_000,
            to: TxKind::Call(STAKING_ADDRESS),
            value: U256::exp10(18) * 10,
            input: vec![0x3a, 0x4b, 0x66, 0xf1], // stake()
            ..Default::default()
        }),
        &key(4),
    )
    .unwrap();
    let (block, _) = propose_with(&a, &engine, &proposers, vec![(stake, newcomer)]);
    a.import_block(block.clone()).unwrap();
    b.import_block(block).unwrap();
    let receipts = a.receipts(a.head().hash).unwrap().unwrap();
    assert!(receipts[0].receipt.success, "stake() succeeded");

    let head = a.head();
    let epoch = engine.epoch_of(engine.slot_of(head.header.timestamp).unwrap());
    let now = a.stakes().epoch_inputs(&head.header, epoch).unwrap();
    let next = a.stakes().epoch_inputs(&head.header, epoch + 1).unwrap();
    assert!(now.validators.iter().all(|(v, _)| *v != newcomer));
    assert!(next.validators.contains(&(newcomer, U256::exp10(18) * 10)));
    let share = |inputs: &basalt_consensus::EpochInputs| {
        (0..4_000u64).filter(|s| proposer_of(inputs, *s).unwrap() == newcomer).count()
    };
    assert_eq!(share(&now), 0);
    // Half the stake: 2,000 of 4,000 slots, binomial sd ~31.6; allow 4 sd.
    let drawn = share(&next) as i64;
    assert!((drawn - 2_000).abs() <= 127, "newcomer drawn for {drawn} of 4000 slots");

    // Two more epochs of blocks by whoever the draw names: all verify elsewhere.
    let target = engine.slot_timestamp((epoch + 3) * config.epoch_length);
    while a.head().header.timestamp < target {
        let (block, _) = propose(&a, &engine, &proposers);
        a.import_block(block.clone()).unwrap();
        b.import_block(block).unwrap();
    }
    assert_eq!(a.head(), b.head());
}
