//! `Factory`: deploys child contracts with CREATE2 and predicts their
//! addresses.
//!
//! A contract cannot read its own or another contract's code through the host
//! ABI, and embedding a child's wasm at build time would tie this crate's
//! build to another's. So the factory takes the child's deployment code as an
//! argument: the deploy envelope (`EF 57 41 00 ‖ u32-be len ‖ wasm ‖
//! constructor args`), exactly the `bytecode ‖ args` a client would send to
//! deploy the child directly (for the counter: its artifact's `bytecode`
//! followed by the ABI-encoded initial count). The child's address is the
//! EIP-1014 rule over that whole envelope:
//! `keccak256(0xff ‖ factory ‖ salt ‖ keccak256(code))[12..]`.
//!
//! ```solidity
//! function deploy(bytes code, bytes32 salt) payable returns (address child)   // msg.value endows the child
//! function predict(bytes code, bytes32 salt) view returns (address)
//! function predictFromHash(bytes32 codeHash, bytes32 salt) view returns (address)
//! function childCount() view returns (uint256)
//! function childAt(uint256 index) view returns (address)                     // reverts Panic(0x32) past the end
//! function isChild(address account) view returns (bool)
//! event ChildDeployed(address indexed child, bytes32 indexed salt, bytes32 codeHash, uint256 endowment)
//! error DeploymentFailed(bytes32 salt)   // create2 failed: address taken, bad module, out of gas
//! ```
//!
//! A child whose constructor reverts makes `deploy` revert with the child's
//! revert data, as Solidity's `new C{salt: s}(...)` does.
#![cfg_attr(not(test), no_std)]

use basalt_sdk::deploy::{create2, create2_address, create2_address_from_hash};
use basalt_sdk::prelude::*;
use basalt_sdk::sol_types::PanicKind;

/// The factory's storage.
#[basalt_sdk::contract]
pub struct Factory {
    children: StorageVec<Address>,
    is_child: Mapping<Address, bool>,
}

/// A child was deployed.
#[basalt_sdk::event]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildDeployed {
    /// The child's address.
    #[indexed]
    pub child: Address,
    /// The CREATE2 salt.
    #[indexed]
    pub salt: B256,
    /// keccak256 of the deployment code (the envelope).
    pub code_hash: B256,
    /// Wei sent to the child.
    pub endowment: U256,
}

/// The CREATE2 itself failed (not a constructor revert).
#[basalt_sdk::error]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeploymentFailed {
    /// The salt used.
    pub salt: B256,
}

#[basalt_sdk::methods(events(ChildDeployed))]
impl Factory {
    /// Deploys `code` (a deploy envelope with the child's constructor args)
    /// at its CREATE2 address for `salt`, endowed with the value sent.
    #[payable]
    pub fn deploy(&mut self, code: Bytes, salt: B256) -> Result<Address, DeploymentFailed> {
        let endowment = msg::value();
        let child = match create2(&code, endowment, salt) {
            Ok(child) => child,
            // The constructor reverted: pass its reason on.
            Err(err @ CallError::Revert(_)) => revert_with(&err),
            Err(_) => return Err(DeploymentFailed { salt }),
        };
        self.children.push(child);
        self.is_child.set(child, true);
        let code_hash = crypto::keccak256(&code);
        ChildDeployed { child, salt, code_hash, endowment }.emit();
        Ok(child)
    }

    /// Where [`deploy`](Self::deploy) would put `code` with `salt`.
    pub fn predict(&self, code: Bytes, salt: B256) -> Address {
        create2_address(this::address(), salt, &code)
    }

    /// [`predict`](Self::predict) from the code's keccak256.
    pub fn predict_from_hash(&self, code_hash: B256, salt: B256) -> Address {
        create2_address_from_hash(this::address(), salt, code_hash)
    }

    /// How many children were deployed.
    pub fn child_count(&self) -> U256 {
        U256::from(self.children.len())
    }

    /// The `index`-th child.
    pub fn child_at(&self, index: U256) -> Address {
        let child = u64::try_from(index).ok().and_then(|i| self.children.get(i));
        child.unwrap_or_else(|| revert_with(&PanicKind::ArrayOutOfBounds))
    }

    /// Whether `account` was deployed by this factory.
    pub fn is_child(&self, account: Address) -> bool {
        self.is_child.get(account)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use basalt_sdk::deploy::envelope;
    use basalt_sdk::sol_types::{sol_data, SolType};
    use basalt_sdk::testing::TestVm;
    use counter::Counter;

    #[basalt_sdk::interface]
    trait IFactory {
        #[payable]
        fn deploy(&mut self, code: Bytes, salt: B256) -> Address;
        fn predict(&self, code: Bytes, salt: B256) -> Address;
        fn predict_from_hash(&self, code_hash: B256, salt: B256) -> Address;
        fn child_count(&self) -> U256;
        fn child_at(&self, index: U256) -> Address;
        fn is_child(&self, account: Address) -> bool;
    }

    #[basalt_sdk::interface]
    trait ICounter {
        fn get(&self) -> U256;
        fn increment(&mut self) -> U256;
    }

    /// Stands in for the counter's wasm module: the test world runs the
    /// compiled `Counter` for it.
    const COUNTER_MODULE: &[u8] = b"\0asm\x01\0\0\0 counter stand-in";

    fn counter_code(initial: u64) -> Bytes {
        let args = <(sol_data::Uint<256>,)>::abi_encode_params(&(U256::from(initial),));
        envelope(COUNTER_MODULE, &args).unwrap().into()
    }

    fn setup() -> (TestVm, IFactory) {
        let vm = TestVm::new();
        vm.register::<Counter>(COUNTER_MODULE);
        let factory = IFactory::new(vm.deploy::<Factory>(&[]).unwrap());
        (vm, factory)
    }

    #[test]
    fn deploys_counters_where_predicted() {
        let (vm, factory) = setup();
        let salt = B256::repeat_byte(7);
        let code = counter_code(41);
        let predicted = factory.predict(code.clone(), salt).unwrap();
        // EIP-1014, computed independently of the contract.
        assert_eq!(predicted, factory.address().create2_from_code(salt, &code));
        let hash = basalt_sdk::primitives::keccak256(&code);
        assert_eq!(factory.predict_from_hash(hash, salt).unwrap(), predicted);

        // The counter's constructor is not payable: endowing it reverts the
        // deployment with the child's (empty) revert data, as in Solidity.
        vm.set_balance(vm.caller(), U256::from(10));
        let err = factory.with_value(U256::from(3)).deploy(code.clone(), salt).unwrap_err();
        assert_eq!(err, CallError::Revert(Vec::new()));
        assert_eq!(vm.balance(vm.caller()), U256::from(10));

        let child = factory.deploy(code.clone(), salt).unwrap();
        assert_eq!(child, predicted);
        let counter = ICounter::new(child);
        assert_eq!(counter.get().unwrap(), U256::from(41));
        assert_eq!(counter.increment().unwrap(), U256::from(42));

        let logs = vm.take_logs();
        let event =
            logs.iter().find_map(|l| ChildDeployed::decode_log(&l.topics, &l.data)).unwrap();
        assert_eq!(event, ChildDeployed { child, salt, code_hash: hash, endowment: U256::ZERO });
        assert_eq!(factory.child_count().unwrap(), U256::from(1));
        assert_eq!(factory.child_at(U256::ZERO).unwrap(), child);
        assert!(factory.is_child(child).unwrap());
        assert!(!factory.is_child(factory.address()).unwrap());
        let err = factory.child_at(U256::from(1)).unwrap_err();
        assert_eq!(basalt_sdk::error::decode_panic(err.revert_data().unwrap()), Some(0x32));

        // Another salt (or other constructor args) gives another child.
        let other = factory.deploy(counter_code(41), B256::repeat_byte(8)).unwrap();
        assert_ne!(other, child);
        assert_eq!(
            factory.deploy(counter_code(0), salt).unwrap(),
            factory.predict(counter_code(0), salt).unwrap()
        );
    }

    #[test]
    fn failures() {
        let (_vm, factory) = setup();
        let salt = B256::repeat_byte(1);
        factory.deploy(counter_code(1), salt).unwrap();
        // The address is taken.
        let err = factory.deploy(counter_code(1), salt).unwrap_err();
        assert_eq!(
            DeploymentFailed::abi_decode(err.revert_data().unwrap()),
            Some(DeploymentFailed { salt })
        );
        // Not a module the world knows (on the node: not valid wasm).
        let err = factory.deploy(Bytes::from_static(b"junk"), salt).unwrap_err();
        assert_eq!(
            DeploymentFailed::abi_decode(err.revert_data().unwrap()),
            Some(DeploymentFailed { salt })
        );
        assert_eq!(factory.child_count().unwrap(), U256::from(1));
    }

    #[test]
    fn abi() {
        let doc: serde_json::Value = serde_json::from_str(Factory::ABI_JSON).unwrap();
        let abi = doc["abi"].as_array().unwrap();
        let deploy = abi.iter().find(|e| e["name"] == "deploy").unwrap();
        assert_eq!(deploy["stateMutability"], "payable");
        assert_eq!(deploy["inputs"][0]["type"], "bytes");
        assert_eq!(deploy["inputs"][1]["type"], "bytes32");
        assert!(abi.iter().any(|e| e["name"] == "predictFromHash"));
        assert!(abi.iter().any(|e| e["type"] == "error" && e["name"] == "DeploymentFailed"));
    }
}
