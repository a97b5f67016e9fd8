//! The EVM peer alone: revm running the Solidity ERC-20 and compute loop of
//! `fixtures/solidity` (see `basalt_benches::revm_peer`). Each iteration is a
//! full transaction, validated, executed and committed to revm's in-memory
//! database. The side-by-side comparison with Basalt's VM lives in
//! `contracts.rs`; this file checks the peer's own figures on this machine.

use basalt_benches::revm_peer::{Address, RevmCompute, RevmErc20, U256};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn bench_erc20(c: &mut Criterion) {
    let mut token = RevmErc20::new();
    let to = Address::with_last_byte(0x42);
    let one = U256::from(1);
    // The first transfer creates the recipient's balance; measure the steady state.
    token.transfer(to, one).expect("transfer");
    let mut g = c.benchmark_group("revm_peer");
    g.throughput(Throughput::Elements(1));
    g.bench_function("erc20_transfer", |b| b.iter(|| token.transfer(to, one).expect("transfer")));
    g.finish();
}

fn bench_compute(c: &mut Criterion) {
    let mut peer = RevmCompute::new();
    let mut g = c.benchmark_group("revm_peer");
    g.sample_size(30);
    g.bench_function("compute_10k", |b| {
        b.iter(|| peer.compute(std::hint::black_box(10_000)).expect("compute"))
    });
    g.finish();
}

criterion_group!(benches, bench_erc20, bench_compute);
criterion_main!(benches);
