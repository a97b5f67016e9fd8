//! Storage slots are derived as Solidity derives them. Expected slots were
//! computed with Python's `eth-hash` (keccak256 of the documented
//! preimages) and are checked in.

#![allow(missing_docs, clippy::unwrap_used)]

use basalt_sdk::b256;
use basalt_sdk::prelude::*;
use basalt_sdk::storage::{slot, slot_add, StorageHandle, StorageVec};
use basalt_sdk::testing::{TestVm, DEFAULT_CALLER};

const HARDHAT0: Address = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
const HARDHAT1: Address = address!("70997970C51812dc3A010C7d01b50e0d17dc79C8");

/// The word at `slot` of the base frame's account (where these tests write).
fn word(vm: &TestVm, slot: impl Into<B256>) -> B256 {
    vm.storage(DEFAULT_CALLER, slot)
}

#[test]
fn mapping_slots() {
    let vm = TestVm::new();
    let mut balances: Mapping<Address, U256> = StorageHandle::at(slot(4));
    // keccak256(pad32(0xf39f…) ‖ pad32(4))
    let expected = b256!("499528c51356648db37e43952de9993f4899b24e72b85c8d22f7efa043247ceb");
    assert_eq!(balances.slot_of(HARDHAT0), expected);
    balances.set(HARDHAT0, U256::from(77));
    assert_eq!(word(&vm, expected), w(77));
    assert_eq!(balances.get(HARDHAT0), U256::from(77));
    assert_eq!(balances.get(HARDHAT1), U256::ZERO);
    balances.clear(HARDHAT0);
    assert_eq!(word(&vm, expected), B256::ZERO);

    // mapping(address => mapping(address => uint)) at slot 5:
    // keccak256(pad32(0x7099…) ‖ keccak256(pad32(0xf39f…) ‖ pad32(5)))
    let mut allowances: Mapping<Address, Mapping<Address, U256>> = StorageHandle::at(slot(5));
    allowances.at_mut(HARDHAT0).set(HARDHAT1, U256::from(9));
    let nested = b256!("402082279f432e6751fc40836b96cf83032101eff288c4e5851a371cac15e5a3");
    assert_eq!(allowances.at(HARDHAT0).slot_of(HARDHAT1), nested);
    assert_eq!(word(&vm, nested), w(9));

    // string keys are hashed unpadded: keccak256("abc" ‖ pad32(6)).
    let names: Mapping<String, U256> = StorageHandle::at(slot(6));
    assert_eq!(
        names.slot_of("abc".to_string()),
        b256!("c40200de306afd0f12d4484923ae7e41d6285ed64a65b7a8070305be7df663c3")
    );

    // signed keys are sign-extended: keccak256(0xff…ff ‖ pad32(1)).
    let by_int: Mapping<i8, bool> = StorageHandle::at(slot(1));
    assert_eq!(
        by_int.slot_of(-1i8),
        b256!("c39d774f18115b85b81494d65e588b565d73abc969333d1da7b0a0eb0729accd")
    );
}

#[test]
fn dynamic_arrays() {
    let vm = TestVm::new();
    let mut xs: StorageVec<U256> = StorageHandle::at(slot(2));
    assert!(xs.is_empty());
    xs.push(U256::from(10));
    xs.push(U256::from(20));
    assert_eq!(xs.len(), 2);
    // Length at slot 2, elements from keccak256(pad32(2)).
    let data = b256!("405787fa12a823e0f2b7631cc41b3ba8828b3321ca811111fa75cd3aa3bb5ace");
    assert_eq!(xs.element_slot(0), data);
    assert_eq!(word(&vm, U256::from(2)), w(2));
    assert_eq!(word(&vm, slot_add(data, 1)), w(20));
    assert_eq!(xs.get(1), Some(U256::from(20)));
    assert_eq!(xs.get(2), None);
    xs.set(0, U256::from(11));
    assert_eq!(xs.pop(), Some(U256::from(20)));
    assert_eq!(word(&vm, slot_add(data, 1)), B256::ZERO);
    assert_eq!(xs.get(0), Some(U256::from(11)));
    assert_eq!(xs.len(), 1);

    // An array of mappings.
    let mut ledgers: StorageVec<Mapping<Address, U256>> = StorageHandle::at(slot(9));
    ledgers.grow().set(HARDHAT0, U256::from(1));
    assert_eq!(ledgers.at(0).unwrap().get(HARDHAT0), U256::from(1));
    assert!(ledgers.at(1).is_none());
}

#[test]
fn strings_use_the_short_and_long_layouts() {
    let vm = TestVm::new();
    let mut s: Storage<String> = StorageHandle::at(slot(3));
    s.set("hello".to_string());
    let mut short = [0u8; 32];
    short[..5].copy_from_slice(b"hello");
    short[31] = 10;
    assert_eq!(word(&vm, U256::from(3)).0, short);
    assert_eq!(s.get(), "hello");

    // 40 bytes: slot = 2·40 + 1, data from keccak256(pad32(3)).
    let long = "abcdefghijklmnopqrstuvwxyz0123456789ABCD".to_string();
    s.set(long.clone());
    assert_eq!(word(&vm, U256::from(3)), w(81));
    let data = b256!("c2575a0e9e593c00f959f8c92f12db2869c3395a3b0502d05e2516446f71f85b");
    assert_eq!(&word(&vm, data).0, b"abcdefghijklmnopqrstuvwxyz012345");
    let mut tail = [0u8; 32];
    tail[..8].copy_from_slice(b"6789ABCD");
    assert_eq!(word(&vm, slot_add(data, 1)).0, tail);
    assert_eq!(s.get(), long);

    // Exactly 31 and 32 bytes: the boundary between the layouts.
    let s31 = "x".repeat(31);
    s.set(s31.clone());
    assert_eq!(word(&vm, U256::from(3)).0[31], 62);
    assert_eq!(s.get(), s31);
    // Going short cleared the old data words.
    assert_eq!(word(&vm, data), B256::ZERO);
    assert_eq!(word(&vm, slot_add(data, 1)), B256::ZERO);
    let s32 = "y".repeat(32);
    s.set(s32.clone());
    assert_eq!(word(&vm, U256::from(3)), w(65));
    assert_eq!(s.get(), s32);
    s.clear();
    assert_eq!(word(&vm, U256::from(3)), B256::ZERO);
    assert_eq!(word(&vm, data), B256::ZERO);
    assert_eq!(s.get(), "");

    let mut b: Storage<Bytes> = StorageHandle::at(slot(8));
    b.set(Bytes::from(vec![1u8; 70]));
    assert_eq!(b.get().len(), 70);
}

#[basalt_sdk::storage]
pub struct Position {
    owner: Storage<Address>,
    amount: Storage<U256>,
}

#[basalt_sdk::contract]
pub struct Layout {
    flag: Storage<bool>,
    small: Storage<u8>,
    position: Position,
    positions: Mapping<u64, Position>,
    tag: Storage<FixedBytes<4>>,
    delta: Storage<i16>,
}

#[test]
fn fields_take_consecutive_slots_without_packing() {
    let vm = TestVm::new();
    assert_eq!(<Position as StorageHandle>::SLOTS, 2);
    assert_eq!(<Layout as StorageHandle>::SLOTS, 7);
    let mut layout = <Layout as StorageHandle>::at(B256::ZERO);
    layout.flag.set(true);
    layout.small.set(0xab);
    layout.position.owner.set(HARDHAT0);
    layout.position.amount.set(U256::from(5));
    layout.tag.set(basalt_sdk::fixed_bytes!("aabbccdd"));
    layout.delta.set(-2);
    assert_eq!(word(&vm, U256::from(0)), w(1));
    assert_eq!(word(&vm, U256::from(1)), w(0xab));
    assert_eq!(word(&vm, U256::from(2)), HARDHAT0.into_word());
    assert_eq!(word(&vm, U256::from(3)), w(5));
    // Slot 4 is the mapping's own (stays zero); bytes4 is low-order aligned;
    // int16 -2 is stored as its 16-bit two's complement.
    assert_eq!(word(&vm, U256::from(5)), w(0xaabbccddu64));
    assert_eq!(word(&vm, U256::from(6)), w(0xfffeu64));
    assert_eq!(layout.delta.get(), -2);

    // A struct as a mapping value: fields from keccak256(pad32(7) ‖ pad32(4)) on.
    let mut position = layout.positions.at_mut(7u64);
    position.owner.set(HARDHAT0);
    position.amount.set(U256::from(3));
    let slot = b256!("beb3bad75134cb432e5707980e3245c52c5998a1125ee30f2f0dbf3925b1e551");
    assert_eq!(layout.positions.slot_of(7u64), slot);
    assert_eq!(word(&vm, slot), HARDHAT0.into_word());
    assert_eq!(word(&vm, slot_add(slot, 1)), w(3));
    assert_eq!(word(&vm, U256::from(4)), B256::ZERO);
}

/// A number as a storage word.
fn w(n: u64) -> B256 {
    B256::from(U256::from(n))
}
