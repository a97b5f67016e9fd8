//! Proof-of-work hashing: raw keccak256 of 40 bytes (what one attempt hashes) beside the
//! miner's inner attempt loop on one thread (`PowSearch::scan`, one keccak-f permutation
//! per nonce on a pre-laid-out state), and the multi-threaded `Miner`'s hash rate.
//!
//! The inner loop should run at least 90% of the raw keccak256 rate: the comparison of
//! the two `pow_hashing` figures is the point of this bench.

use basalt_consensus::{Miner, PowSearch};
use basalt_primitives::{keccak256, Header, U256};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Nonces per `scan` call in the single-thread bench.
const SCAN_BATCH: u64 = 4096;
/// The fewest attempts one timed miner run makes.
const MIN_RUN: u64 = 1 << 18;

fn bench_pow_hashing(c: &mut Criterion) {
    let seal_hash = keccak256(b"a candidate header");
    let mut g = c.benchmark_group("pow_hashing");
    g.throughput(Throughput::Elements(1));
    let mut input = [0u8; 40];
    input[..32].copy_from_slice(seal_hash.as_bytes());
    g.bench_function("keccak256_40_bytes", |b| b.iter(|| keccak256(black_box(&input))));

    // An impossible target, so the loop never stops early: every nonce is one attempt.
    let search = PowSearch::new(seal_hash, U256::MAX);
    g.throughput(Throughput::Elements(SCAN_BATCH));
    let mut start = 0u64;
    g.bench_function("miner_inner_loop_1_thread", |b| {
        b.iter(|| {
            let found = search.scan(black_box(start..start + SCAN_BATCH));
            start += SCAN_BATCH;
            found
        })
    });
    g.finish();
}

/// Runs `miner` on an unsealable header for at least `hashes` attempts (and at least
/// [`MIN_RUN`], so thread start-up does not dominate) and returns the time scaled to
/// exactly `hashes` (the miner stops on batch boundaries, so it overshoots a little).
fn mine_for(miner: &Miner, hashes: u64) -> Duration {
    let target = hashes.max(MIN_RUN);
    let header = Header { difficulty: U256::MAX, ..Header::default() };
    let abort = AtomicBool::new(false);
    let before = miner.total_hashes();
    let started = Instant::now();
    let elapsed = std::thread::scope(|scope| {
        scope.spawn(|| {
            while miner.total_hashes() - before < target {
                std::thread::sleep(Duration::from_micros(200));
            }
            abort.store(true, Ordering::Relaxed);
        });
        let sealed = miner.seal(header, &abort);
        assert!(sealed.is_none(), "target 1 cannot be met");
        started.elapsed()
    });
    let done = (miner.total_hashes() - before).max(1);
    elapsed.mul_f64(hashes as f64 / done as f64)
}

fn bench_miner(c: &mut Criterion) {
    let mut g = c.benchmark_group("miner");
    g.throughput(Throughput::Elements(1));
    g.sample_size(10);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for threads in [1, cores].into_iter().collect::<std::collections::BTreeSet<_>>() {
        let miner = Miner::new(threads);
        g.bench_function(format!("{threads}_threads"), |b| {
            b.iter_custom(|iters| mine_for(&miner, iters))
        });
        eprintln!("miner with {threads} threads: eth_hashrate {} H/s", miner.hashrate());
    }
    g.finish();
}

criterion_group!(benches, bench_pow_hashing, bench_miner);
criterion_main!(benches);
