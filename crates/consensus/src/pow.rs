//! Proof of work: the hash, the target and the difficulty rule.
//!
//! # Work
//!
//! `pow_hash = keccak256(seal_hash ‖ nonce)`, where `seal_hash` is
//! [`Header::seal_hash`] (every field but `mix_hash`, `nonce` and `seal`) and `nonce` the
//! header's 8 `nonce` bytes, i.e. the attempt counter in big-endian. The 40-byte input fits
//! one keccak256 block, so an attempt costs one keccak-f\[1600\] permutation
//! ([`PowSearch`] lays the state out once and only rewrites the nonce lane). A header is
//! sealed when `mix_hash == pow_hash` and, read as a big-endian integer,
//! `pow_hash <= 2^256 / difficulty` ([`pow_target`]), so `difficulty` is the expected number
//! of attempts per block. Difficulty 1 accepts every hash.
//!
//! # Difficulty
//!
//! Block 1 (the child of genesis) has `initialDifficulty`. Every later block adjusts its
//! parent's difficulty `D` by the parent-to-child timestamp gap `Δ` (whole seconds, at
//! least 1) against the target `T = targetBlockTime`, in exact integers:
//!
//! ```text
//! x     = 10·T + 1 − 10·Δ                     (tenths of a second; > 0: faster than aimed)
//! x     = max(x, −5·T·Q)                      (at most halve per block; Q = 32)
//! step  = ⌊D·|x| / (10·T·Q)⌋, at least 1 if x ≠ 0
//! D'    = D + step if x > 0, D − step if x < 0, D if x = 0
//! D'    = max(D', minDifficulty)
//! ```
//!
//! i.e. `D' ≈ D·(1 + (T + 0.1 − Δ)/(T·Q))`: a proportional controller whose fixed point
//! is a mean gap of `T + 0.1` s. Integer timestamps do not bias it (the gaps telescope to
//! the wall-clock span), but the rule that a child's timestamp exceeds its parent's does:
//! every gap is at least 1 s, so with `T = 1` a rule neutral at `Δ = T` could never raise
//! the difficulty, blocks would come ever faster and timestamps would run ahead of the
//! clock. Aiming a tenth of a second above `T` makes a minimum gap always push the
//! difficulty up and keeps the settled rate below one block per second (mean gap ≈ 1.1 s
//! for `T = 1`, within 1–3 % of `T` for `T ≥ 5`; see the simulation test). `Q = 32` moves
//! the difficulty by about 1/32 per block per target's worth of error: a 2× hashrate
//! change is absorbed within some 25 blocks. The step never truncates to zero, so a tiny
//! difficulty still moves, and the result never falls below `minDifficulty` (≥ 1).
//!
//! With `T = 1` blocks arrive about once a second at random while timestamps advance by
//! at least a whole second per block, so timestamps run a few seconds ahead of the clock
//! on average (now and then more than [`MAX_FUTURE_DRIFT`](crate::MAX_FUTURE_DRIFT)): a
//! producer should wait rather than build a child whose timestamp would be more than
//! `MAX_FUTURE_DRIFT` ahead of its clock, since peers (and its own import) refuse it
//! until then. From `T = 2` the lead stays within a few seconds.

use crate::rules::{check_common, check_no_seal, check_not_in_future, clear_seal_fields};
use crate::{ConsensusError, Engine, Result, StakeSource};
use basalt_chainspec::PowConfig;
use basalt_primitives::{Header, H256, U256};
use ethereum_types::U512;
use keccak::{Keccak, State1600};
use std::ops::Range;

/// The difficulty adjustment's quotient `Q` (see the [module docs](self)).
pub const DIFFICULTY_ADJUSTMENT_QUOTIENT: u64 = 32;

/// Bytes hashed per attempt: the 32-byte seal hash and the 8-byte nonce.
pub const POW_INPUT_LEN: usize = 40;

/// The proof-of-work hash of a seal hash and a nonce: `keccak256(seal_hash ‖ nonce_be)`.
pub fn pow_hash(seal_hash: H256, nonce: u64) -> H256 {
    PowSearch::new(seal_hash, U256::one()).hash(nonce)
}

/// The largest valid proof-of-work hash for `difficulty`: `⌊2^256 / difficulty⌋`, computed
/// without overflow. Difficulty 0 and 1 give `2^256 − 1`: every hash passes (the rule
/// never yields 0; verification rejects it as a wrong difficulty first).
pub fn pow_target(difficulty: U256) -> U256 {
    if difficulty <= U256::one() {
        return U256::MAX;
    }
    // 2^256 = MAX + 1, so ⌊2^256 / d⌋ = ⌊MAX / d⌋ + 1 exactly when d divides MAX + 1.
    let quotient = U256::MAX / difficulty;
    let remainder = U256::MAX % difficulty;
    if remainder + U256::one() == difficulty {
        quotient + U256::one()
    } else {
        quotient
    }
}

/// The difficulty of a block at `timestamp` whose parent has `parent_difficulty` and
/// `parent_timestamp`, by the rule in the [module docs](self). Blocks after the first only;
/// the first has `config.initial_difficulty`.
pub fn next_difficulty(
    config: &PowConfig,
    parent_difficulty: U256,
    parent_timestamp: u64,
    timestamp: u64,
) -> U256 {
    let target = i128::from(config.target_block_time.max(1));
    let gap = i128::from(timestamp.saturating_sub(parent_timestamp));
    let quotient = i128::from(DIFFICULTY_ADJUSTMENT_QUOTIENT);
    // Tenths of a second ahead of the aim (T + 0.1 s); bounded so a step is at most D/2.
    let x = (10 * target + 1 - 10 * gap).max(-5 * target * quotient);
    let denominator = U512::from(10 * target.unsigned_abs() * quotient.unsigned_abs());
    let step = parent_difficulty.full_mul(U256::from(x.unsigned_abs())) / denominator;
    // The quotient is at most D/2 < 2^256: the conversion cannot fail.
    let mut step = U256::try_from(step).unwrap_or(U256::MAX);
    if step.is_zero() && x != 0 {
        step = U256::one();
    }
    let next = if x > 0 {
        parent_difficulty.saturating_add(step)
    } else {
        parent_difficulty.saturating_sub(step)
    };
    next.max(config.min_difficulty).max(U256::one())
}

/// A proof-of-work search over one seal hash: the keccak state of `seal_hash ‖ nonce` laid
/// out once (with keccak256's padding), so that each attempt copies 200 bytes, writes the
/// nonce lane and runs one keccak-f\[1600\] permutation, with no allocation.
#[derive(Clone, Debug)]
pub struct PowSearch {
    template: State1600,
    target: U256,
    /// The target's most significant 64 bits: most attempts fail on this one comparison.
    target_top: u64,
}

/// keccak256's rate in 64-bit lanes (136 bytes).
const RATE_LANES: usize = 17;
/// The lane holding input bytes 32..40, the nonce.
const NONCE_LANE: usize = 4;

impl PowSearch {
    /// A search for a nonce that seals `seal_hash` at `difficulty`.
    pub fn new(seal_hash: H256, difficulty: U256) -> Self {
        let mut template: State1600 = [0; 25];
        for (lane, chunk) in template.iter_mut().zip(seal_hash.0.chunks_exact(8)) {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(chunk);
            *lane = u64::from_le_bytes(bytes);
        }
        // keccak256 padding (pad10*1 with the 0x01 domain byte) right after the 40 bytes,
        // and the final bit at the end of the 136-byte rate.
        template[POW_INPUT_LEN / 8] ^= 0x01;
        template[RATE_LANES - 1] ^= 0x80 << 56;
        let target = pow_target(difficulty);
        Self { template, target, target_top: target.0[3] }
    }

    /// The proof-of-work hash of `nonce` (one attempt).
    pub fn hash(&self, nonce: u64) -> H256 {
        let mut state = self.template;
        state[NONCE_LANE] = u64::from_le_bytes(nonce.to_be_bytes());
        Keccak::new().with_f1600(|f1600| f1600(&mut state));
        state_to_hash(&state)
    }

    /// Tries the nonces of `nonces` in order; the first that meets the target, with its
    /// hash, or `None`. This is the miner's inner loop.
    pub fn scan(&self, nonces: Range<u64>) -> Option<(u64, H256)> {
        let mut found = None;
        Keccak::new().with_f1600(|f1600| {
            for nonce in nonces {
                let mut state = self.template;
                state[NONCE_LANE] = u64::from_le_bytes(nonce.to_be_bytes());
                f1600(&mut state);
                // The hash's first 8 bytes, big-endian, are its top 64 bits.
                if u64::from_be_bytes(state[0].to_le_bytes()) <= self.target_top {
                    let hash = state_to_hash(&state);
                    if U256::from_big_endian(hash.as_bytes()) <= self.target {
                        found = Some((nonce, hash));
                        break;
                    }
                }
            }
        });
        found
    }
}

/// The first 32 bytes of the squeezed state: the keccak256 output.
fn state_to_hash(state: &State1600) -> H256 {
    let mut hash = H256::zero();
    for (chunk, lane) in hash.0.chunks_exact_mut(8).zip(state) {
        chunk.copy_from_slice(&lane.to_le_bytes());
    }
    hash
}

/// The proof-of-work engine. See the [module docs](self) for the hash and the difficulty
/// rule; on top of the common rules ([`crate::rules`]) a header's timestamp is strictly
/// after its parent's and at most [`MAX_FUTURE_DRIFT`](crate::MAX_FUTURE_DRIFT) seconds
/// ahead of the clock, its seal is empty, and each block weighs its difficulty and mints
/// `blockReward`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PowEngine {
    config: PowConfig,
    genesis_number: u64,
}

impl PowEngine {
    /// The engine for `config` on a chain whose genesis block has number `genesis_number`
    /// (whose child gets `initial_difficulty`).
    pub fn new(config: PowConfig, genesis_number: u64) -> Self {
        Self { config, genesis_number }
    }

    /// The parameters.
    pub fn config(&self) -> &PowConfig {
        &self.config
    }

    /// The difficulty of a child of `parent` at `timestamp`.
    pub fn difficulty_for(&self, parent: &Header, timestamp: u64) -> U256 {
        if parent.number == self.genesis_number {
            self.config.initial_difficulty.max(U256::one())
        } else {
            next_difficulty(&self.config, parent.difficulty, parent.timestamp, timestamp)
        }
    }
}

/// Checks that `header`'s `mix_hash` is its proof-of-work hash and that it meets the target
/// of its difficulty.
pub fn verify_work(header: &Header) -> Result<()> {
    let hash = pow_hash(header.seal_hash(), u64::from_be_bytes(header.nonce.0));
    if header.mix_hash != hash {
        return Err(ConsensusError::WrongMixHash { expected: hash, got: header.mix_hash });
    }
    if U256::from_big_endian(hash.as_bytes()) > pow_target(header.difficulty) {
        return Err(ConsensusError::InsufficientWork { hash, difficulty: header.difficulty });
    }
    Ok(())
}

impl Engine for PowEngine {
    fn name(&self) -> &'static str {
        "pow"
    }

    fn prepare(&self, parent: &Header, header: &mut Header) -> Result<()> {
        header.difficulty = self.difficulty_for(parent, header.timestamp);
        clear_seal_fields(header);
        Ok(())
    }

    fn verify_header(
        &self,
        parent: &Header,
        header: &Header,
        now: u64,
        _stakes: &dyn StakeSource,
    ) -> Result<()> {
        check_common(parent, header)?;
        if header.timestamp <= parent.timestamp {
            return Err(ConsensusError::TimestampNotAfterParent {
                parent: parent.timestamp,
                timestamp: header.timestamp,
            });
        }
        check_not_in_future(header, now)?;
        let expected = self.difficulty_for(parent, header.timestamp);
        if header.difficulty != expected {
            return Err(ConsensusError::WrongDifficulty { expected, got: header.difficulty });
        }
        check_no_seal(header)?;
        verify_work(header)
    }

    fn verify_standalone(&self, header: &Header, now: u64) -> Result<()> {
        check_not_in_future(header, now)?;
        let floor = self.config.min_difficulty.max(U256::one());
        if header.difficulty < floor {
            return Err(ConsensusError::WrongDifficulty {
                expected: floor,
                got: header.difficulty,
            });
        }
        check_no_seal(header)?;
        verify_work(header)
    }

    fn weight(&self, header: &Header) -> U256 {
        header.difficulty
    }

    fn block_reward(&self, _header: &Header) -> U256 {
        self.config.block_reward
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::rules::test_utils::{child_of, parent, NoStakes};
    use basalt_primitives::keccak256;
    use basalt_primitives::H64;

    fn config(target_block_time: u64) -> PowConfig {
        PowConfig {
            initial_difficulty: 100_000.into(),
            target_block_time,
            min_difficulty: 1.into(),
            block_reward: U256::from(2u64) * U256::exp10(18),
        }
    }

    #[test]
    fn pow_hash_is_keccak_of_seal_hash_and_big_endian_nonce() {
        let seal_hash = keccak256(b"a header");
        let search = PowSearch::new(seal_hash, 1.into());
        for nonce in [0u64, 1, 0xff, 0x0102_0304_0506_0708, u64::MAX] {
            let mut input = seal_hash.0.to_vec();
            input.extend_from_slice(&nonce.to_be_bytes());
            assert_eq!(input.len(), POW_INPUT_LEN);
            assert_eq!(search.hash(nonce), keccak256(&input));
            assert_eq!(pow_hash(seal_hash, nonce), keccak256(&input));
        }
    }

    #[test]
    fn target_is_two_to_the_256_over_difficulty() {
        let exact = |d: U256| {
            let two_256 = U512::one() << 256;
            U256::try_from(two_256 / U512::from(d)).unwrap()
        };
        assert_eq!(pow_target(0.into()), U256::MAX);
        assert_eq!(pow_target(1.into()), U256::MAX);
        assert_eq!(pow_target(2.into()), U256::one() << 255);
        assert_eq!(pow_target(U256::one() << 200), U256::one() << 56);
        for d in [3u64, 7, 1000, 131_072, u64::MAX] {
            assert_eq!(pow_target(d.into()), exact(d.into()), "difficulty {d}");
        }
        assert_eq!(pow_target(U256::MAX), U256::one());
        assert_eq!(pow_target(U256::MAX - 1), U256::one());
    }

    #[test]
    fn scan_finds_the_first_nonce_under_the_target() {
        let seal_hash = keccak256(b"scan");
        let difficulty = U256::from(16);
        let search = PowSearch::new(seal_hash, difficulty);
        let (nonce, hash) = search.scan(0..10_000).unwrap();
        assert_eq!(hash, pow_hash(seal_hash, nonce));
        assert!(U256::from_big_endian(hash.as_bytes()) <= pow_target(difficulty));
        for earlier in 0..nonce {
            let h = pow_hash(seal_hash, earlier);
            assert!(U256::from_big_endian(h.as_bytes()) > pow_target(difficulty));
        }
        // Difficulty 1: the first nonce tried wins; an impossible target never does.
        assert_eq!(PowSearch::new(seal_hash, 1.into()).scan(5..9).unwrap().0, 5);
        assert_eq!(PowSearch::new(seal_hash, U256::MAX).scan(0..1000), None);
    }

    #[test]
    fn difficulty_rule_steps() {
        let c = config(5);
        let d = U256::from(3_200_000u64);
        // Δ = T: x = +1 → D·1/1600.
        assert_eq!(next_difficulty(&c, d, 100, 105), d + 2_000);
        // Δ = 1: x = 41.
        assert_eq!(next_difficulty(&c, d, 100, 101), d + 82_000);
        // Δ = 6: x = −9.
        assert_eq!(next_difficulty(&c, d, 100, 106), d - 18_000);
        // A very long gap halves at most.
        assert_eq!(next_difficulty(&c, d, 100, 100_000), d / 2);
        // Never below the floor, never stuck at a tiny value.
        let floored = PowConfig { min_difficulty: 3_000_000.into(), ..c.clone() };
        assert_eq!(next_difficulty(&floored, d, 100, 100_000), U256::from(3_000_000));
        assert_eq!(next_difficulty(&c, 1.into(), 100, 101), U256::from(2));
        assert_eq!(next_difficulty(&c, 1.into(), 100, 200), U256::from(1));
        // Huge difficulties saturate instead of overflowing.
        assert_eq!(next_difficulty(&c, U256::MAX, 100, 101), U256::MAX);
    }

    /// Splitmix64: a tiny deterministic generator for the simulations.
    struct SplitMix(u64);
    impl SplitMix {
        fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }
        /// Uniform in [0, 1).
        fn unit(&mut self) -> f64 {
            (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
        }
        /// Exponential with the given mean.
        fn exponential(&mut self, mean: f64) -> f64 {
            -(1.0 - self.unit()).ln() * mean
        }
    }

    struct Settled {
        mean_interval: f64,
        mean_timestamp_gap: f64,
        max_lead: f64,
        final_difficulty: f64,
    }

    /// Mines `blocks` blocks through the engine's own rule with a fixed hashrate: each
    /// block's time is exponential with mean difficulty / hashrate, and its timestamp is
    /// set when mining starts, as a miner would: `max(⌊now⌋, parent + 1)`. Statistics cover
    /// the second half.
    fn simulate(target: u64, hashrate: f64, blocks: usize, seed: u64) -> Settled {
        let engine = PowEngine::new(config(target), 0);
        let mut rng = SplitMix(seed);
        let mut parent =
            Header { number: 0, timestamp: 1_000_000, gas_limit: 30_000_000, ..Header::default() };
        let mut now = parent.timestamp as f64;
        let (mut intervals, mut gaps, mut max_lead) = (0.0, 0u64, 0.0f64);
        let settle = blocks / 2;
        for i in 0..blocks {
            let timestamp = (now.floor() as u64).max(parent.timestamp + 1);
            // Only the fields the rule reads: number, timestamp, difficulty.
            let mut header = Header { number: parent.number + 1, timestamp, ..Header::default() };
            engine.prepare(&parent, &mut header).unwrap();
            let difficulty = header.difficulty.as_u128() as f64;
            let interval = rng.exponential(difficulty / hashrate);
            now += interval;
            if i >= settle {
                intervals += interval;
                gaps += header.timestamp - parent.timestamp;
                max_lead = max_lead.max(header.timestamp as f64 - now);
            }
            parent = header;
        }
        let n = (blocks - settle) as f64;
        Settled {
            mean_interval: intervals / n,
            mean_timestamp_gap: gaps as f64 / n,
            max_lead,
            final_difficulty: parent.difficulty.as_u128() as f64,
        }
    }

    #[test]
    fn difficulty_settles_within_20_percent_of_the_target() {
        for target in [1u64, 2, 5] {
            let mut settled_difficulty = Vec::new();
            // The initial difficulty (100,000) is 10× too high for the slow miner and 10×
            // too low for the fast one.
            for (hashrate, seed) in [(10_000.0, 1u64), (1_000_000.0, 2)] {
                let s = simulate(target, hashrate, 40_000, seed * 100 + target);
                let t = target as f64;
                eprintln!(
                    "T={target}s hashrate={hashrate}: mean interval {:.3}s, mean timestamp \
                     gap {:.3}s, max timestamp lead {:.1}s",
                    s.mean_interval, s.mean_timestamp_gap, s.max_lead
                );
                for mean in [s.mean_interval, s.mean_timestamp_gap] {
                    assert!(
                        (0.8 * t..=1.2 * t).contains(&mean),
                        "T={target}s hashrate={hashrate}: settled mean {mean:.3}s"
                    );
                }
                settled_difficulty.push(s.final_difficulty);
            }
            // The difficulty follows the hashrate (100×), give or take its noise.
            let ratio = settled_difficulty[1] / settled_difficulty[0];
            assert!((50.0..200.0).contains(&ratio), "T={target}s: difficulty ratio {ratio:.1}");
        }
    }

    #[test]
    fn first_block_gets_the_initial_difficulty() {
        let engine = PowEngine::new(config(2), 0);
        let genesis = Header { number: 0, difficulty: 7.into(), ..Header::default() };
        let mut child = child_of(&genesis, 5);
        engine.prepare(&genesis, &mut child).unwrap();
        assert_eq!(child.difficulty, U256::from(100_000));
        let mut grandchild = child_of(&child, 6);
        engine.prepare(&child, &mut grandchild).unwrap();
        assert_eq!(grandchild.difficulty, next_difficulty(engine.config(), 100_000.into(), 5, 6));
    }

    /// A sealed child of [`parent`] at difficulty ~2^12, mined on one thread.
    fn sealed_child(engine: &PowEngine, parent: &Header, timestamp: u64) -> Header {
        let mut header = child_of(parent, timestamp);
        engine.prepare(parent, &mut header).unwrap();
        let search = PowSearch::new(header.seal_hash(), header.difficulty);
        let (nonce, hash) = search.scan(0..u64::MAX).unwrap();
        header.nonce = H64(nonce.to_be_bytes());
        header.mix_hash = hash;
        header
    }

    fn small_engine() -> PowEngine {
        PowEngine::new(PowConfig { initial_difficulty: 4096.into(), ..config(2) }, 0)
    }

    #[test]
    fn standalone_check_needs_real_work_at_or_above_the_minimum() {
        let engine = small_engine();
        let mut p = parent();
        p.difficulty = 4096.into();
        let h = sealed_child(&engine, &p, 1_002);
        engine.verify_standalone(&h, 1_002).unwrap();
        let mut t = h.clone();
        t.nonce = H64((u64::from_be_bytes(h.nonce.0) + 1).to_be_bytes());
        assert!(engine.verify_standalone(&t, 1_002).is_err(), "no work behind the nonce");
        // A claimed difficulty below the floor is refused even with work.
        let floored = PowEngine::new(
            PowConfig { min_difficulty: 1_000_000.into(), ..engine.config().clone() },
            0,
        );
        assert!(matches!(
            floored.verify_standalone(&h, 1_002),
            Err(ConsensusError::WrongDifficulty { .. })
        ));
        assert!(matches!(
            engine.verify_standalone(&h, 1_002 - 16),
            Err(ConsensusError::TimestampInFuture { .. })
        ));
    }

    #[test]
    fn sealed_headers_verify_and_tampering_is_caught() {
        let engine = small_engine();
        let mut p = parent();
        p.difficulty = 4096.into();
        let now = 1_002;
        let h = sealed_child(&engine, &p, 1_002);
        engine.verify_header(&p, &h, now, &NoStakes).unwrap();

        // Another nonce: the mix hash no longer matches.
        let mut t = h.clone();
        t.nonce = H64((u64::from_be_bytes(h.nonce.0) + 1).to_be_bytes());
        assert!(matches!(
            engine.verify_header(&p, &t, now, &NoStakes),
            Err(ConsensusError::WrongMixHash { .. })
        ));
        // ... and with its own mix hash it (almost surely) misses the target.
        t.mix_hash = pow_hash(t.seal_hash(), u64::from_be_bytes(t.nonce.0));
        assert!(matches!(
            engine.verify_header(&p, &t, now, &NoStakes),
            Err(ConsensusError::InsufficientWork { .. })
        ));
        // A wrong difficulty.
        let mut t = h.clone();
        t.difficulty = t.difficulty + 1;
        assert_eq!(
            engine.verify_header(&p, &t, now, &NoStakes),
            Err(ConsensusError::WrongDifficulty { expected: h.difficulty, got: t.difficulty })
        );
        // Timestamps: not after the parent, too far ahead of the clock.
        let t = sealed_child(&engine, &p, 1_000);
        assert_eq!(
            engine.verify_header(&p, &t, now, &NoStakes),
            Err(ConsensusError::TimestampNotAfterParent { parent: 1_000, timestamp: 1_000 })
        );
        let t = sealed_child(&engine, &p, now + 16);
        assert!(matches!(
            engine.verify_header(&p, &t, now, &NoStakes),
            Err(ConsensusError::TimestampInFuture { .. })
        ));
        let t = sealed_child(&engine, &p, now + 15);
        engine.verify_header(&p, &t, now, &NoStakes).unwrap();
        // Gas limit out of bounds.
        let mut t = child_of(&p, 1_002);
        t.gas_limit = p.gas_limit + p.gas_limit / 1024;
        engine.prepare(&p, &mut t).unwrap();
        assert!(matches!(
            engine.verify_header(&p, &t, now, &NoStakes),
            Err(ConsensusError::GasLimitChangeTooLarge { .. })
        ));
        // A seal on a proof-of-work header.
        let mut t = h.clone();
        t.seal = vec![0; 65];
        assert_eq!(
            engine.verify_header(&p, &t, now, &NoStakes),
            Err(ConsensusError::UnexpectedSeal { len: 65 })
        );
    }

    #[test]
    fn work_below_the_target_is_rejected() {
        // A header "sealed" without searching: nonce 0 at a large difficulty.
        let mut header = Header { difficulty: U256::one() << 64, ..Header::default() };
        header.mix_hash = pow_hash(header.seal_hash(), 0);
        assert_eq!(
            verify_work(&header),
            Err(ConsensusError::InsufficientWork {
                hash: header.mix_hash,
                difficulty: header.difficulty
            })
        );
        header.difficulty = U256::one();
        header.mix_hash = pow_hash(header.seal_hash(), 0);
        verify_work(&header).unwrap();
    }
}
