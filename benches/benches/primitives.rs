//! Hashing benchmarks: keccak256 on 32 bytes (a trie key or storage slot).

use basalt_primitives::keccak256;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn bench_keccak(c: &mut Criterion) {
    let mut g = c.benchmark_group("keccak256");
    g.throughput(Throughput::Elements(1));
    let input = [0x5au8; 32];
    g.bench_function("32_bytes", |b| b.iter(|| keccak256(std::hint::black_box(input))));
    g.finish();
}

criterion_group!(benches, bench_keccak);
criterion_main!(benches);
