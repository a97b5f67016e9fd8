//! `Counter`: a `uint256` that can be read, set, incremented and decremented,
//! with an event on every change. Also the child contract the factory
//! deploys.
//!
//! ```solidity
//! constructor(uint256 initial)
//! function get() view returns (uint256)
//! function set(uint256 value)
//! function increment() returns (uint256)   // the new value
//! function decrement() returns (uint256)   // the new value
//! event CountChanged(address indexed by, uint256 oldValue, uint256 newValue)
//! error Underflow()                        // decrement at 0
//! error Overflow()                         // increment at 2^256 - 1
//! ```
//!
//! Storage: slot 0 is the count.
#![cfg_attr(not(test), no_std)]

use basalt_sdk::prelude::*;

/// The counter's storage.
#[basalt_sdk::contract]
pub struct Counter {
    count: Storage<U256>,
}

/// The count changed (constructor excluded).
#[basalt_sdk::event]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountChanged {
    /// Who changed it.
    #[indexed]
    pub by: Address,
    /// The count before.
    pub old_value: U256,
    /// The count after.
    pub new_value: U256,
}

/// Why a change was refused.
#[basalt_sdk::error]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CounterError {
    /// `decrement` at zero.
    Underflow,
    /// `increment` at the largest `uint256`.
    Overflow,
}

#[basalt_sdk::methods(events(CountChanged))]
impl Counter {
    /// Starts the count at `initial`.
    #[constructor]
    pub fn new(&mut self, initial: U256) {
        self.count.set(initial);
    }

    /// The count.
    pub fn get(&self) -> U256 {
        self.count.get()
    }

    /// Sets the count.
    pub fn set(&mut self, value: U256) {
        self.change(value);
    }

    /// Adds one; returns the new count.
    pub fn increment(&mut self) -> Result<U256, CounterError> {
        let next = self.count.get().checked_add(U256::from(1)).ok_or(CounterError::Overflow)?;
        self.change(next);
        Ok(next)
    }

    /// Subtracts one; returns the new count.
    pub fn decrement(&mut self) -> Result<U256, CounterError> {
        let next = self.count.get().checked_sub(U256::from(1)).ok_or(CounterError::Underflow)?;
        self.change(next);
        Ok(next)
    }

    fn change(&mut self, new_value: U256) {
        let old_value = self.count.get();
        self.count.set(new_value);
        CountChanged { by: msg::sender(), old_value, new_value }.emit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use basalt_sdk::sol_types::{sol_data, SolType};
    use basalt_sdk::testing::TestVm;

    #[basalt_sdk::interface]
    trait ICounter {
        fn get(&self) -> U256;
        fn set(&mut self, value: U256);
        fn increment(&mut self) -> U256;
        fn decrement(&mut self) -> U256;
    }

    fn deploy(vm: &TestVm, initial: u64) -> ICounter {
        let args = <(sol_data::Uint<256>,)>::abi_encode_params(&(U256::from(initial),));
        ICounter::new(vm.deploy::<Counter>(&args).unwrap())
    }

    #[test]
    fn counts_and_emits() {
        let vm = TestVm::new();
        let counter = deploy(&vm, 5);
        assert_eq!(counter.get().unwrap(), U256::from(5));
        assert_eq!(counter.increment().unwrap(), U256::from(6));
        assert_eq!(counter.decrement().unwrap(), U256::from(5));
        counter.set(U256::from(42)).unwrap();
        assert_eq!(counter.get().unwrap(), U256::from(42));
        let logs = vm.take_logs();
        assert_eq!(logs.len(), 3);
        let last = CountChanged::decode_log(&logs[2].topics, &logs[2].data).unwrap();
        assert_eq!(
            last,
            CountChanged { by: vm.caller(), old_value: U256::from(5), new_value: U256::from(42) }
        );
    }

    #[test]
    fn underflow_and_overflow_are_custom_errors() {
        let vm = TestVm::new();
        let counter = deploy(&vm, 0);
        let err = counter.decrement().unwrap_err();
        let data = err.revert_data().unwrap();
        assert_eq!(CounterError::abi_decode(data), Some(CounterError::Underflow));
        // keccak256("Underflow()")[..4]
        assert_eq!(data, &[0xca, 0xcc, 0xb6, 0xd9]);
        counter.set(U256::MAX).unwrap();
        let err = counter.increment().unwrap_err();
        assert_eq!(
            CounterError::abi_decode(err.revert_data().unwrap()),
            Some(CounterError::Overflow)
        );
        assert_eq!(counter.get().unwrap(), U256::MAX);
    }

    #[test]
    fn abi() {
        let doc: serde_json::Value = serde_json::from_str(Counter::ABI_JSON).unwrap();
        assert_eq!(doc["contractName"], "Counter");
        let abi = doc["abi"].as_array().unwrap();
        let names: Vec<&str> = abi.iter().filter_map(|e| e["name"].as_str()).collect();
        assert_eq!(
            names,
            ["get", "set", "increment", "decrement", "CountChanged", "Underflow", "Overflow"]
        );
        assert_eq!(abi[0]["type"], "constructor");
        assert_eq!(abi[0]["inputs"][0]["name"], "initial");
        let event = abi.iter().find(|e| e["name"] == "CountChanged").unwrap();
        assert_eq!(event["inputs"][1]["name"], "oldValue");
    }
}
