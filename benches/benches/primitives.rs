//! Primitive benchmarks: keccak256 on 32 bytes (a trie key or storage slot),
//! and sender recovery of a signed EIP-1559 transfer (what every transaction
//! entering the pool costs).

use basalt_primitives::{
    keccak256, sign_transaction, signing_key_from_bytes, AccessList, Address, Transaction,
    TxEip1559, TxKind, U256,
};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn bench_keccak(c: &mut Criterion) {
    let mut g = c.benchmark_group("keccak256");
    g.throughput(Throughput::Elements(1));
    let input = [0x5au8; 32];
    g.bench_function("32_bytes", |b| b.iter(|| keccak256(std::hint::black_box(input))));
    // The same hash through tiny-keccak (what alloy uses), as a reference for this machine.
    g.bench_function("32_bytes_tiny_keccak_reference", |b| {
        b.iter(|| {
            use tiny_keccak::Hasher;
            let mut h = tiny_keccak::Keccak::v256();
            h.update(std::hint::black_box(&input));
            let mut out = [0u8; 32];
            h.finalize(&mut out);
            out
        })
    });
    g.finish();
}

fn bench_recovery(c: &mut Criterion) {
    let key = signing_key_from_bytes(&[0x42; 32]).expect("valid key");
    let tx = Transaction::Eip1559(TxEip1559 {
        chain_id: 31337,
        nonce: 7,
        max_priority_fee_per_gas: U256::from(1_000_000_000u64),
        max_fee_per_gas: U256::from(2_000_000_000u64),
        gas_limit: 21_000,
        to: TxKind::Call(Address::repeat_byte(0x11)),
        value: U256::from(10u64).pow(18.into()),
        input: Vec::new(),
        access_list: AccessList::default(),
    });
    let signed = sign_transaction(tx, &key).expect("signs");
    let mut g = c.benchmark_group("sender_recovery");
    g.throughput(Throughput::Elements(1));
    g.bench_function("eip1559_transfer", |b| {
        b.iter(|| std::hint::black_box(&signed).recover_sender().expect("recovers"))
    });
    g.finish();
}

criterion_group!(benches, bench_keccak, bench_recovery);
criterion_main!(benches);
