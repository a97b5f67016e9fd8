//! Events (indexed dynamic fields, anonymous events), custom errors (struct
//! and enum, word and dynamic fields), and the special entry points
//! (receive, fallback, renamed functions). Hashes were computed with Python's
//! `eth-hash` and are checked in.

#![allow(missing_docs, clippy::unwrap_used)]

use basalt_sdk::prelude::*;
use basalt_sdk::sol_types::{sol_data, SolType};
use basalt_sdk::testing::TestVm;
use basalt_sdk::{b256, Contract};

#[basalt_sdk::event]
#[derive(Debug, PartialEq)]
pub struct Named {
    #[indexed]
    pub name: String,
    #[indexed]
    pub id: u64,
    pub data: Bytes,
}

#[basalt_sdk::event(anonymous)]
#[derive(Debug, PartialEq)]
pub struct Anon {
    #[indexed]
    pub who: Address,
    pub flag: bool,
}

#[basalt_sdk::error]
#[derive(Debug, PartialEq)]
pub struct Unauthorized {
    pub account: Address,
    pub needed: U256,
}

#[basalt_sdk::error]
#[derive(Debug, PartialEq)]
pub enum Mixed {
    Plain,
    Tuple(String, u8),
    Named { flag: bool },
}

#[test]
fn events() {
    let vm = TestVm::new();
    assert_eq!(Named::SIGNATURE, "Named(string,uint64,bytes)");
    assert_eq!(
        Named::TOPIC0,
        b256!("06c74acc41c5521fc6187140a4cc4f90c490abd50352a3234b997beab612053b")
    );
    let event = Named { name: "alice".into(), id: 9, data: Bytes::from_static(b"xyz") };
    event.emit();
    let logs = vm.take_logs();
    assert_eq!(logs[0].address, vm.caller());
    // An indexed string is its keccak256.
    assert_eq!(
        logs[0].topics,
        [
            Named::TOPIC0,
            b256!("9c0257114eb9399a2985f8e75dad7600c5d89fe3824ffa99ec1c3eb8bf3b0501"),
            B256::from(U256::from(9)),
        ]
    );
    assert_eq!(
        logs[0].data,
        <(sol_data::Bytes,)>::abi_encode_params(&(Bytes::from_static(b"xyz"),))
    );

    let anon = Anon { who: Address::repeat_byte(3), flag: true };
    const { assert!(Anon::ANONYMOUS) };
    anon.emit();
    let logs = vm.take_logs();
    assert_eq!(logs[0].topics, [Address::repeat_byte(3).into_word()]);
    assert_eq!(Anon::decode_log(&logs[0].topics, &logs[0].data), Some(anon));
    assert_eq!(Anon::decode_log(&[], &logs[0].data), None);
    let entry: serde_json::Value = serde_json::from_str(Anon::ABI_ENTRY).unwrap();
    assert_eq!(entry["anonymous"], true);
    assert_eq!(entry["inputs"][0]["indexed"], true);
    assert_eq!(entry["inputs"][1]["indexed"], false);
}

#[test]
fn custom_errors() {
    assert_eq!(Unauthorized::SIGNATURE, "Unauthorized(address,uint256)");
    assert_eq!(hex::encode(Unauthorized::SELECTOR), "da472023");
    let err = Unauthorized { account: Address::repeat_byte(1), needed: U256::from(5) };
    let data = err.abi_encode();
    let mut expected = hex::decode("da472023").unwrap();
    expected.extend(<(sol_data::Address, sol_data::Uint<256>)>::abi_encode_params(&(
        Address::repeat_byte(1),
        U256::from(5),
    )));
    assert_eq!(data, expected);
    assert_eq!(Unauthorized::abi_decode(&data), Some(err));
    assert_eq!(Unauthorized::abi_decode(&data[..30]), None);

    assert_eq!(hex::encode(Mixed::Plain.abi_encode()), "4cfa3fcd");
    let tuple = Mixed::Tuple("hi".into(), 7);
    let data = tuple.abi_encode();
    assert_eq!(hex::encode(&data[..4]), "8f3709fa");
    assert_eq!(
        &data[4..],
        <(sol_data::String, sol_data::Uint<8>)>::abi_encode_params(&("hi".to_string(), 7u8))
    );
    assert_eq!(Mixed::abi_decode(&data), Some(tuple));
    let named = Mixed::Named { flag: true };
    assert_eq!(hex::encode(named.selector()), "fb30f198");
    assert_eq!(named.signature(), "Named(bool)");
    assert_eq!(Mixed::abi_decode(&named.abi_encode()), Some(named));
    assert_eq!(Mixed::abi_decode(&[0, 0, 0, 0]), None);
    let entries: serde_json::Value =
        serde_json::from_str(&format!("[{}]", Mixed::ABI_ENTRIES)).unwrap();
    assert_eq!(entries.as_array().unwrap().len(), 3);
    assert_eq!(entries[1]["inputs"][0]["name"], "");
    assert_eq!(entries[2]["inputs"][0]["name"], "flag");
}

#[basalt_sdk::contract]
pub struct Catchall {
    received: Storage<U256>,
    last_input: Storage<Bytes>,
}

#[basalt_sdk::methods(errors(Unauthorized), events(Anon))]
impl Catchall {
    pub fn received(&self) -> U256 {
        self.received.get()
    }

    #[selector(name = "renamed")]
    pub fn something_else(&self) -> u8 {
        7
    }

    pub fn guarded(&self) -> Result<(), Unauthorized> {
        Err(Unauthorized { account: msg::sender(), needed: U256::from(1) })
    }

    #[receive]
    pub fn receive(&mut self) {
        let total = self.received.get() + msg::value();
        self.received.set(total);
    }

    #[fallback]
    #[payable]
    pub fn fallback(&mut self, input: &[u8]) -> Vec<u8> {
        self.last_input.set(Bytes::copy_from_slice(input));
        input.iter().rev().copied().collect()
    }
}

#[test]
fn receive_fallback_and_renamed_functions() {
    let vm = TestVm::new();
    vm.set_balance(vm.caller(), U256::from(100));
    let c = vm.deploy::<Catchall>(&[]).unwrap();
    // Empty calldata with value: receive.
    assert_eq!(vm.call_with_value(c, &[], U256::from(30)).unwrap(), Vec::<u8>::new());
    assert_eq!(vm.balance(c), U256::from(30));
    let out = vm.call(c, &Catchall::RECEIVED_SELECTOR).unwrap();
    assert_eq!(U256::from_be_slice(&out), U256::from(30));
    // Unknown selector (or short calldata): the fallback, with the calldata, raw output.
    assert_eq!(
        vm.call_with_value(c, &[1, 2, 3, 4, 5], U256::from(1)).unwrap(),
        vec![5, 4, 3, 2, 1]
    );
    assert_eq!(vm.call(c, &[9]).unwrap(), vec![9]);
    // Renamed: selector of renamed().
    assert_eq!(hex::encode(Catchall::SOMETHING_ELSE_SELECTOR), "9779da60");
    let out = vm.call(c, &Catchall::SOMETHING_ELSE_SELECTOR).unwrap();
    assert_eq!(U256::from_be_slice(&out), U256::from(7));
    // Custom errors from a Result.
    let err = vm.call(c, &Catchall::GUARDED_SELECTOR).unwrap_err();
    assert_eq!(
        Unauthorized::abi_decode(err.revert_data().unwrap()),
        Some(Unauthorized { account: vm.caller(), needed: U256::from(1) })
    );
    // A view called with value: non-payable, reverts empty.
    assert_eq!(
        vm.call_with_value(c, &Catchall::RECEIVED_SELECTOR, U256::from(1)).unwrap_err(),
        CallError::Revert(Vec::new())
    );

    let doc: serde_json::Value = serde_json::from_str(Catchall::ABI_JSON).unwrap();
    let abi = doc["abi"].as_array().unwrap();
    assert!(abi.contains(&serde_json::json!({"type":"receive","stateMutability":"payable"})));
    assert!(abi.contains(&serde_json::json!({"type":"fallback","stateMutability":"payable"})));
    assert!(abi.iter().any(|e| e["name"] == "renamed" && e["outputs"][0]["type"] == "uint8"));
    // The error type appears once although named twice (Result and errors(...)).
    assert_eq!(abi.iter().filter(|e| e["type"] == "error").count(), 1);
    assert_eq!(abi.iter().filter(|e| e["type"] == "event").count(), 1);
    const { assert!(!Catchall::HAS_CONSTRUCTOR) };
    // Without a constructor, deployment arguments are refused.
    assert!(Catchall::construct(&[1]).is_err());
}
