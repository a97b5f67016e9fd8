//! An ERC-20 written with the SDK: its selectors, event topics and ABI JSON
//! are the standard ones, and it behaves as OpenZeppelin's does, driven
//! through a typed `#[interface]` client in the in-process test world.

#![allow(missing_docs, clippy::unwrap_used)]

use basalt_sdk::prelude::*;
use basalt_sdk::sol_types::{sol_data, SolType};
use basalt_sdk::testing::TestVm;
use serde_json::Value;

#[basalt_sdk::contract]
pub struct Erc20 {
    name: Storage<String>,
    symbol: Storage<String>,
    decimals: Storage<u8>,
    total_supply: Storage<U256>,
    balances: Mapping<Address, U256>,
    allowances: Mapping<Address, Mapping<Address, U256>>,
}

#[basalt_sdk::event]
pub struct Transfer {
    #[indexed]
    pub from: Address,
    #[indexed]
    pub to: Address,
    pub value: U256,
}

#[basalt_sdk::event]
pub struct Approval {
    #[indexed]
    pub owner: Address,
    #[indexed]
    pub spender: Address,
    pub value: U256,
}

#[basalt_sdk::methods(events(Transfer, Approval))]
impl Erc20 {
    #[constructor]
    pub fn new(&mut self, name: String, symbol: String, decimals: u8, initial_supply: U256) {
        self.name.set(name);
        self.symbol.set(symbol);
        self.decimals.set(decimals);
        self.total_supply.set(initial_supply);
        let owner = msg::sender();
        self.balances.set(owner, initial_supply);
        Transfer { from: Address::ZERO, to: owner, value: initial_supply }.emit();
    }

    pub fn name(&self) -> String {
        self.name.get()
    }

    pub fn symbol(&self) -> String {
        self.symbol.get()
    }

    pub fn decimals(&self) -> u8 {
        self.decimals.get()
    }

    pub fn total_supply(&self) -> U256 {
        self.total_supply.get()
    }

    pub fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(account)
    }

    pub fn transfer(&mut self, to: Address, value: U256) -> Result<bool, &'static str> {
        self.move_tokens(msg::sender(), to, value)?;
        Ok(true)
    }

    pub fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.allowances.at(owner).get(spender)
    }

    pub fn approve(&mut self, spender: Address, value: U256) -> Result<bool, &'static str> {
        if spender == Address::ZERO {
            return Err("ERC20: approve to the zero address");
        }
        let owner = msg::sender();
        self.allowances.at_mut(owner).set(spender, value);
        Approval { owner, spender, value }.emit();
        Ok(true)
    }

    pub fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<bool, &'static str> {
        let spender = msg::sender();
        let allowed = self.allowances.at(from).get(spender);
        if allowed != U256::MAX {
            let left = allowed.checked_sub(value).ok_or("ERC20: insufficient allowance")?;
            self.allowances.at_mut(from).set(spender, left);
        }
        self.move_tokens(from, to, value)?;
        Ok(true)
    }

    fn move_tokens(&mut self, from: Address, to: Address, value: U256) -> Result<(), &'static str> {
        if to == Address::ZERO {
            return Err("ERC20: transfer to the zero address");
        }
        let balance = self.balances.get(from);
        let left = balance.checked_sub(value).ok_or("ERC20: transfer amount exceeds balance")?;
        self.balances.set(from, left);
        let to_balance = self.balances.get(to);
        self.balances.set(to, to_balance + value);
        Transfer { from, to, value }.emit();
        Ok(())
    }
}

#[basalt_sdk::interface]
trait IErc20 {
    fn name(&self) -> String;
    fn decimals(&self) -> u8;
    fn total_supply(&self) -> U256;
    fn balance_of(&self, account: Address) -> U256;
    fn allowance(&self, owner: Address, spender: Address) -> U256;
    fn transfer(&mut self, to: Address, value: U256) -> bool;
    fn approve(&mut self, spender: Address, value: U256) -> bool;
    fn transfer_from(&mut self, from: Address, to: Address, value: U256) -> bool;
}

/// The standard ERC-20 ABI (EIP-20, with OpenZeppelin's parameter names).
const STANDARD_ERC20_ABI: &str = r#"[
  {"type":"function","name":"name","inputs":[],"outputs":[{"name":"","type":"string"}],"stateMutability":"view"},
  {"type":"function","name":"symbol","inputs":[],"outputs":[{"name":"","type":"string"}],"stateMutability":"view"},
  {"type":"function","name":"decimals","inputs":[],"outputs":[{"name":"","type":"uint8"}],"stateMutability":"view"},
  {"type":"function","name":"totalSupply","inputs":[],"outputs":[{"name":"","type":"uint256"}],"stateMutability":"view"},
  {"type":"function","name":"balanceOf","inputs":[{"name":"account","type":"address"}],"outputs":[{"name":"","type":"uint256"}],"stateMutability":"view"},
  {"type":"function","name":"transfer","inputs":[{"name":"to","type":"address"},{"name":"value","type":"uint256"}],"outputs":[{"name":"","type":"bool"}],"stateMutability":"nonpayable"},
  {"type":"function","name":"allowance","inputs":[{"name":"owner","type":"address"},{"name":"spender","type":"address"}],"outputs":[{"name":"","type":"uint256"}],"stateMutability":"view"},
  {"type":"function","name":"approve","inputs":[{"name":"spender","type":"address"},{"name":"value","type":"uint256"}],"outputs":[{"name":"","type":"bool"}],"stateMutability":"nonpayable"},
  {"type":"function","name":"transferFrom","inputs":[{"name":"from","type":"address"},{"name":"to","type":"address"},{"name":"value","type":"uint256"}],"outputs":[{"name":"","type":"bool"}],"stateMutability":"nonpayable"},
  {"type":"event","name":"Transfer","inputs":[{"name":"from","type":"address","indexed":true},{"name":"to","type":"address","indexed":true},{"name":"value","type":"uint256","indexed":false}],"anonymous":false},
  {"type":"event","name":"Approval","inputs":[{"name":"owner","type":"address","indexed":true},{"name":"spender","type":"address","indexed":true},{"name":"value","type":"uint256","indexed":false}],"anonymous":false}
]"#;

/// Drops `internalType` (optional, compiler-specific) and sorts entries, so
/// two ABIs compare by meaning.
fn normalize(abi: &Value) -> Vec<Value> {
    fn strip(v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .filter(|(k, _)| *k != "internalType")
                    .map(|(k, v)| (k.clone(), strip(v)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(strip).collect()),
            other => other.clone(),
        }
    }
    let mut entries: Vec<Value> = abi.as_array().unwrap().iter().map(strip).collect();
    entries.sort_by_key(|e| format!("{}:{}", e["type"], e["name"]));
    entries
}

const ALICE: Address = Address::new([0xA1; 20]);
const BOB: Address = Address::new([0xB0; 20]);

fn deploy(vm: &TestVm, supply: u64) -> Address {
    let args = <(sol_data::String, sol_data::String, sol_data::Uint<8>, sol_data::Uint<256>)>::abi_encode_params(
        &("Basalt".to_string(), "BSLT".to_string(), 18u8, U256::from(supply)),
    );
    vm.set_caller(ALICE);
    vm.deploy::<Erc20>(&args).unwrap()
}

#[test]
fn selectors_and_topics_are_the_standard_ones() {
    assert_eq!(hex::encode(Erc20::TRANSFER_SELECTOR), "a9059cbb");
    assert_eq!(hex::encode(Erc20::BALANCE_OF_SELECTOR), "70a08231");
    assert_eq!(hex::encode(Erc20::APPROVE_SELECTOR), "095ea7b3");
    assert_eq!(hex::encode(Erc20::TRANSFER_FROM_SELECTOR), "23b872dd");
    assert_eq!(hex::encode(Erc20::ALLOWANCE_SELECTOR), "dd62ed3e");
    assert_eq!(hex::encode(Erc20::TOTAL_SUPPLY_SELECTOR), "18160ddd");
    assert_eq!(hex::encode(Erc20::NAME_SELECTOR), "06fdde03");
    assert_eq!(hex::encode(Erc20::SYMBOL_SELECTOR), "95d89b41");
    assert_eq!(hex::encode(Erc20::DECIMALS_SELECTOR), "313ce567");
    assert_eq!(IErc20::TRANSFER_SELECTOR, Erc20::TRANSFER_SELECTOR);
    assert_eq!(Transfer::SIGNATURE, "Transfer(address,address,uint256)");
    assert_eq!(
        hex::encode(Transfer::TOPIC0),
        "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
    );
    assert_eq!(
        hex::encode(Approval::TOPIC0),
        "8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925"
    );
}

#[test]
fn abi_json_is_the_standard_erc20_abi() {
    let doc: Value = serde_json::from_str(Erc20::ABI_JSON).unwrap();
    assert_eq!(doc["contractName"], "Erc20");
    let ours = doc["abi"].as_array().unwrap();
    let constructor: Vec<&Value> = ours.iter().filter(|e| e["type"] == "constructor").collect();
    assert_eq!(constructor.len(), 1);
    let inputs: Vec<(&str, &str)> = constructor[0]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["name"].as_str().unwrap(), i["type"].as_str().unwrap()))
        .collect();
    assert_eq!(
        inputs,
        [
            ("name", "string"),
            ("symbol", "string"),
            ("decimals", "uint8"),
            ("initialSupply", "uint256")
        ]
    );
    assert_eq!(constructor[0]["stateMutability"], "nonpayable");
    let without_constructor =
        Value::Array(ours.iter().filter(|e| e["type"] != "constructor").cloned().collect());
    let standard: Value = serde_json::from_str(STANDARD_ERC20_ABI).unwrap();
    assert_eq!(normalize(&without_constructor), normalize(&standard));
    // internalType, when present, repeats the type for elementary types.
    let transfer = ours.iter().find(|e| e["name"] == "transfer").unwrap();
    assert_eq!(transfer["inputs"][0]["internalType"], "address");
    // The interface's ABI is the functions it lists.
    let iface: Value = serde_json::from_str(IErc20::ABI_JSON).unwrap();
    assert_eq!(iface.as_array().unwrap().len(), 8);
}

#[test]
fn transfers_approvals_and_events() {
    let vm = TestVm::new();
    let token = IErc20::new(deploy(&vm, 1000));
    let logs = vm.take_logs();
    assert_eq!(logs.len(), 1);
    let minted = Transfer::decode_log(&logs[0].topics, &logs[0].data).unwrap();
    assert_eq!((minted.from, minted.to, minted.value), (Address::ZERO, ALICE, U256::from(1000)));

    assert_eq!(token.name().unwrap(), "Basalt");
    assert_eq!(token.decimals().unwrap(), 18);
    assert_eq!(token.total_supply().unwrap(), U256::from(1000));
    assert!(token.transfer(BOB, U256::from(300)).unwrap());
    assert_eq!(token.balance_of(ALICE).unwrap(), U256::from(700));
    assert_eq!(token.balance_of(BOB).unwrap(), U256::from(300));

    let logs = vm.take_logs();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].address, token.address());
    assert_eq!(logs[0].topics[0], Transfer::TOPIC0);
    assert_eq!(logs[0].topics[1], ALICE.into_word());
    assert_eq!(logs[0].topics[2], BOB.into_word());
    assert_eq!(U256::from_be_slice(&logs[0].data), U256::from(300));

    // Bob spends Alice's tokens through an allowance.
    assert!(token.approve(BOB, U256::from(50)).unwrap());
    let approval = vm.take_logs();
    let approval = Approval::decode_log(&approval[0].topics, &approval[0].data).unwrap();
    assert_eq!((approval.owner, approval.spender, approval.value), (ALICE, BOB, U256::from(50)));
    vm.set_caller(BOB);
    assert!(token.transfer_from(ALICE, BOB, U256::from(20)).unwrap());
    assert_eq!(token.allowance(ALICE, BOB).unwrap(), U256::from(30));
    let err = token.transfer_from(ALICE, BOB, U256::from(31)).unwrap_err();
    assert_eq!(err.reason().as_deref(), Some("ERC20: insufficient allowance"));
    assert_eq!(token.balance_of(BOB).unwrap(), U256::from(320));
}

#[test]
fn reverts_undo_state_and_carry_reasons() {
    let vm = TestVm::new();
    let token = IErc20::new(deploy(&vm, 10));
    vm.take_logs();
    let err = token.transfer(BOB, U256::from(11)).unwrap_err();
    assert_eq!(err.reason().as_deref(), Some("ERC20: transfer amount exceeds balance"));
    let err = token.transfer(Address::ZERO, U256::from(1)).unwrap_err();
    assert_eq!(err.reason().as_deref(), Some("ERC20: transfer to the zero address"));
    assert!(vm.logs().is_empty());
    assert_eq!(token.balance_of(ALICE).unwrap(), U256::from(10));

    // Value sent to a non-payable method: revert with empty data, no state change.
    vm.set_balance(ALICE, U256::from(5));
    let calldata = IErc20::transfer_calldata(BOB, U256::from(1));
    let err = vm.call_with_value(token.address(), &calldata, U256::from(1)).unwrap_err();
    assert_eq!(err, CallError::Revert(Vec::new()));
    assert_eq!(vm.balance(ALICE), U256::from(5));
    assert_eq!(token.balance_of(BOB).unwrap(), U256::ZERO);

    // An unknown selector reverts with empty data.
    assert_eq!(vm.call(token.address(), &[1, 2, 3, 4]).unwrap_err(), CallError::Revert(Vec::new()));
}

#[test]
fn storage_layout_is_solidity_s() {
    let vm = TestVm::new();
    let token = deploy(&vm, 1000);
    // Slot 0: "Basalt" (short string: data left-aligned, 2·len in the last byte).
    let mut name = [0u8; 32];
    name[..6].copy_from_slice(b"Basalt");
    name[31] = 12;
    assert_eq!(vm.storage(token, U256::from(0)).0, name);
    assert_eq!(vm.storage(token, U256::from(2)), w(18));
    assert_eq!(vm.storage(token, U256::from(3)), w(1000));
    // balances (slot 4) of ALICE: keccak256(pad32(ALICE) ‖ pad32(4)).
    let mut preimage = ALICE.into_word().to_vec();
    preimage.extend_from_slice(&U256::from(4).to_be_bytes::<32>());
    let slot = basalt_sdk::primitives::keccak256(&preimage);
    assert_eq!(vm.storage(token, slot), w(1000));
}

/// A number as a storage word.
fn w(n: u64) -> B256 {
    B256::from(U256::from(n))
}
