//! `Token`: an ERC-20 whose ABI is exactly the standard one (EIP-20), with
//! OpenZeppelin's revert reasons as `Error(string)`.
//!
//! ```solidity
//! constructor(string name, string symbol, uint8 decimals, uint256 initialSupply)  // minted to the deployer
//! function name() view returns (string)
//! function symbol() view returns (string)
//! function decimals() view returns (uint8)
//! function totalSupply() view returns (uint256)
//! function balanceOf(address account) view returns (uint256)
//! function transfer(address to, uint256 value) returns (bool)
//! function allowance(address owner, address spender) view returns (uint256)
//! function approve(address spender, uint256 value) returns (bool)
//! function transferFrom(address from, address to, uint256 value) returns (bool)
//! event Transfer(address indexed from, address indexed to, uint256 value)
//! event Approval(address indexed owner, address indexed spender, uint256 value)
//! ```
//!
//! Reverts: "ERC20: transfer to the zero address", "ERC20: transfer from the
//! zero address", "ERC20: transfer amount exceeds balance", "ERC20: approve to
//! the zero address", "ERC20: insufficient allowance", "ERC20: mint to the
//! zero address", "ERC20: total supply overflow".
//!
//! An allowance of `2^256 - 1` is infinite: `transferFrom` does not lower it
//! (OpenZeppelin's rule). `transferFrom` does not emit `Approval`.
//!
//! Storage: slot 0 name, 1 symbol, 2 decimals, 3 totalSupply, 4 balances
//! (`mapping(address => uint256)`), 5 allowances (`mapping(address =>
//! mapping(address => uint256))`), the order of OpenZeppelin's ERC20 fields
//! with `decimals` stored (no packing).
#![cfg_attr(not(test), no_std)]

use basalt_sdk::prelude::*;

/// The token's storage.
#[basalt_sdk::contract]
pub struct Token {
    name: Storage<String>,
    symbol: Storage<String>,
    decimals: Storage<u8>,
    total_supply: Storage<U256>,
    balances: Mapping<Address, U256>,
    allowances: Mapping<Address, Mapping<Address, U256>>,
}

/// Tokens moved (`from` zero: minted).
#[basalt_sdk::event]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transfer {
    /// The sender (zero for a mint).
    #[indexed]
    pub from: Address,
    /// The recipient.
    #[indexed]
    pub to: Address,
    /// The amount.
    pub value: U256,
}

/// An allowance was set.
#[basalt_sdk::event]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approval {
    /// The owner of the tokens.
    #[indexed]
    pub owner: Address,
    /// Who may spend them.
    #[indexed]
    pub spender: Address,
    /// The allowance.
    pub value: U256,
}

/// A revert reason (`Error(string)`).
type Reason = &'static str;

#[basalt_sdk::methods(events(Transfer, Approval))]
impl Token {
    /// Sets the metadata and mints `initial_supply` to the deployer.
    #[constructor]
    pub fn new(
        &mut self,
        name: String,
        symbol: String,
        decimals: u8,
        initial_supply: U256,
    ) -> Result<(), Reason> {
        self.name.set(name);
        self.symbol.set(symbol);
        self.decimals.set(decimals);
        self.mint(msg::sender(), initial_supply)
    }

    /// The token's name.
    pub fn name(&self) -> String {
        self.name.get()
    }

    /// The token's symbol.
    pub fn symbol(&self) -> String {
        self.symbol.get()
    }

    /// Decimals of the display unit.
    pub fn decimals(&self) -> u8 {
        self.decimals.get()
    }

    /// All tokens in existence.
    pub fn total_supply(&self) -> U256 {
        self.total_supply.get()
    }

    /// `account`'s balance.
    pub fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(account)
    }

    /// Moves `value` of the caller's tokens to `to`.
    pub fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Reason> {
        self.move_tokens(msg::sender(), to, value)?;
        Ok(true)
    }

    /// How much `spender` may still move of `owner`'s tokens.
    pub fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.allowances.at(owner).get(spender)
    }

    /// Lets `spender` move up to `value` of the caller's tokens.
    pub fn approve(&mut self, spender: Address, value: U256) -> Result<bool, Reason> {
        if spender == Address::ZERO {
            return Err("ERC20: approve to the zero address");
        }
        let owner = msg::sender();
        self.allowances.at_mut(owner).set(spender, value);
        Approval { owner, spender, value }.emit();
        Ok(true)
    }

    /// Moves `value` of `from`'s tokens to `to`, spending the caller's
    /// allowance.
    pub fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<bool, Reason> {
        let spender = msg::sender();
        let allowed = self.allowances.at(from).get(spender);
        if allowed != U256::MAX {
            let left = allowed.checked_sub(value).ok_or("ERC20: insufficient allowance")?;
            self.allowances.at_mut(from).set(spender, left);
        }
        self.move_tokens(from, to, value)?;
        Ok(true)
    }

    fn move_tokens(&mut self, from: Address, to: Address, value: U256) -> Result<(), Reason> {
        if from == Address::ZERO {
            return Err("ERC20: transfer from the zero address");
        }
        if to == Address::ZERO {
            return Err("ERC20: transfer to the zero address");
        }
        let from_balance = self.balances.get(from);
        let left =
            from_balance.checked_sub(value).ok_or("ERC20: transfer amount exceeds balance")?;
        self.balances.set(from, left);
        // Cannot overflow: the sum of all balances is the total supply.
        let to_balance = self.balances.get(to);
        self.balances.set(to, to_balance.wrapping_add(value));
        Transfer { from, to, value }.emit();
        Ok(())
    }

    fn mint(&mut self, to: Address, value: U256) -> Result<(), Reason> {
        if to == Address::ZERO {
            return Err("ERC20: mint to the zero address");
        }
        let supply =
            self.total_supply.get().checked_add(value).ok_or("ERC20: total supply overflow")?;
        self.total_supply.set(supply);
        let balance = self.balances.get(to);
        self.balances.set(to, balance.wrapping_add(value));
        Transfer { from: Address::ZERO, to, value }.emit();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use basalt_sdk::sol_types::{sol_data, SolType};
    use basalt_sdk::testing::TestVm;
    use serde_json::Value;

    #[basalt_sdk::interface]
    trait IErc20 {
        fn name(&self) -> String;
        fn symbol(&self) -> String;
        fn decimals(&self) -> u8;
        fn total_supply(&self) -> U256;
        fn balance_of(&self, account: Address) -> U256;
        fn allowance(&self, owner: Address, spender: Address) -> U256;
        fn transfer(&mut self, to: Address, value: U256) -> bool;
        fn approve(&mut self, spender: Address, value: U256) -> bool;
        fn transfer_from(&mut self, from: Address, to: Address, value: U256) -> bool;
    }

    const ALICE: Address = Address::new([0xA1; 20]);
    const BOB: Address = Address::new([0xB0; 20]);
    const CAROL: Address = Address::new([0xC0; 20]);

    fn deploy(vm: &TestVm, supply: U256) -> IErc20 {
        let args = <(sol_data::String, sol_data::String, sol_data::Uint<8>, sol_data::Uint<256>)>::abi_encode_params(
            &("Basalt".to_string(), "BSLT".to_string(), 18u8, supply),
        );
        vm.set_caller(ALICE);
        IErc20::new(vm.deploy::<Token>(&args).unwrap())
    }

    /// The standard ERC-20 ABI (EIP-20 with OpenZeppelin's parameter names).
    const STANDARD: &str = r#"[
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

    fn normalize(entries: &[Value]) -> Vec<Value> {
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
        let mut out: Vec<Value> = entries.iter().map(strip).collect();
        out.sort_by_key(|e| format!("{}:{}", e["type"], e["name"]));
        out
    }

    #[test]
    fn abi_is_the_standard_erc20_abi_plus_the_constructor() {
        let doc: Value = serde_json::from_str(Token::ABI_JSON).unwrap();
        assert_eq!(doc["contractName"], "Token");
        let ours = doc["abi"].as_array().unwrap();
        let (constructor, rest): (Vec<Value>, Vec<Value>) =
            ours.iter().cloned().partition(|e| e["type"] == "constructor");
        let standard: Value = serde_json::from_str(STANDARD).unwrap();
        assert_eq!(normalize(&rest), normalize(standard.as_array().unwrap()));
        assert_eq!(constructor.len(), 1);
        let types: Vec<&str> = constructor[0]["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["string", "string", "uint8", "uint256"]);
        assert_eq!(hex(&Token::TRANSFER_SELECTOR), "a9059cbb");
        assert_eq!(hex(&Token::BALANCE_OF_SELECTOR), "70a08231");
        assert_eq!(
            hex(Transfer::TOPIC0.as_slice()),
            "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
        );
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn erc20_behaviour() {
        let vm = TestVm::new();
        let supply = U256::from(1_000_000u64);
        let token = deploy(&vm, supply);
        let logs = vm.take_logs();
        assert_eq!(
            Transfer::decode_log(&logs[0].topics, &logs[0].data),
            Some(Transfer { from: Address::ZERO, to: ALICE, value: supply })
        );
        assert_eq!(token.name().unwrap(), "Basalt");
        assert_eq!(token.symbol().unwrap(), "BSLT");
        assert_eq!(token.decimals().unwrap(), 18);
        assert_eq!(token.total_supply().unwrap(), supply);
        assert_eq!(token.balance_of(ALICE).unwrap(), supply);

        assert!(token.transfer(BOB, U256::from(100)).unwrap());
        assert_eq!(token.balance_of(BOB).unwrap(), U256::from(100));
        let logs = vm.take_logs();
        assert_eq!(
            Transfer::decode_log(&logs[0].topics, &logs[0].data),
            Some(Transfer { from: ALICE, to: BOB, value: U256::from(100) })
        );

        // Allowances.
        assert!(token.approve(CAROL, U256::from(60)).unwrap());
        let logs = vm.take_logs();
        assert_eq!(
            Approval::decode_log(&logs[0].topics, &logs[0].data),
            Some(Approval { owner: ALICE, spender: CAROL, value: U256::from(60) })
        );
        vm.set_caller(CAROL);
        assert!(token.transfer_from(ALICE, BOB, U256::from(50)).unwrap());
        assert_eq!(token.allowance(ALICE, CAROL).unwrap(), U256::from(10));
        let err = token.transfer_from(ALICE, BOB, U256::from(11)).unwrap_err();
        assert_eq!(err.reason().as_deref(), Some("ERC20: insufficient allowance"));

        // An infinite allowance is not spent.
        vm.set_caller(ALICE);
        token.approve(CAROL, U256::MAX).unwrap();
        vm.set_caller(CAROL);
        token.transfer_from(ALICE, CAROL, U256::from(5)).unwrap();
        assert_eq!(token.allowance(ALICE, CAROL).unwrap(), U256::MAX);
        assert_eq!(token.balance_of(CAROL).unwrap(), U256::from(5));
    }

    #[test]
    fn reverts_carry_openzeppelin_reasons_and_undo_everything() {
        let vm = TestVm::new();
        let token = deploy(&vm, U256::from(10));
        vm.take_logs();
        let reason = |r: Result<bool, CallError>| r.unwrap_err().reason().unwrap();
        assert_eq!(
            reason(token.transfer(BOB, U256::from(11))),
            "ERC20: transfer amount exceeds balance"
        );
        assert_eq!(
            reason(token.transfer(Address::ZERO, U256::from(1))),
            "ERC20: transfer to the zero address"
        );
        assert_eq!(
            reason(token.approve(Address::ZERO, U256::from(1))),
            "ERC20: approve to the zero address"
        );
        assert!(vm.logs().is_empty());
        assert_eq!(token.balance_of(ALICE).unwrap(), U256::from(10));

        // Minting to the zero address fails the deployment.
        let args = <(sol_data::String, sol_data::String, sol_data::Uint<8>, sol_data::Uint<256>)>::abi_encode_params(
            &(String::new(), String::new(), 0u8, U256::from(1)),
        );
        vm.set_caller(Address::ZERO);
        let err = vm.deploy::<Token>(&args).unwrap_err();
        assert_eq!(err.reason().as_deref(), Some("ERC20: mint to the zero address"));

        // Value sent to a non-payable function reverts with empty data.
        vm.set_caller(ALICE);
        vm.set_balance(ALICE, U256::from(1));
        let err = vm
            .call_with_value(
                token.address(),
                &IErc20::transfer_calldata(BOB, U256::from(1)),
                U256::from(1),
            )
            .unwrap_err();
        assert_eq!(err, CallError::Revert(Vec::new()));
    }

    #[test]
    fn long_names_use_the_long_string_layout() {
        let vm = TestVm::new();
        let long = "A token with a name longer than thirty-one bytes".to_string();
        let args = <(sol_data::String, sol_data::String, sol_data::Uint<8>, sol_data::Uint<256>)>::abi_encode_params(
            &(long.clone(), "L".to_string(), 6u8, U256::from(1)),
        );
        let token = IErc20::new(vm.deploy::<Token>(&args).unwrap());
        assert_eq!(token.name().unwrap(), long);
        assert_eq!(
            vm.storage(token.address(), U256::ZERO),
            B256::from(U256::from(long.len() * 2 + 1))
        );
    }
}
