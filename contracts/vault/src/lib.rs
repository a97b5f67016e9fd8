//! `Vault`: holds native value for its owner. Anyone may deposit; the owner
//! withdraws, and may destroy the vault, which sends the whole balance to the
//! owner with self-destruct.
//!
//! ```solidity
//! constructor() payable                    // owner = deployer; the value sent is the first deposit
//! function deposit() payable
//! receive() external payable               // a plain transfer is a deposit
//! function withdraw(uint256 amount)        // owner only
//! function destroy()                       // owner only: selfdestruct(owner)
//! function owner() view returns (address)
//! function balance() view returns (uint256)
//! function totalDeposited() view returns (uint256)
//! event Deposit(address indexed from, uint256 amount)
//! event Withdrawal(address indexed to, uint256 amount)
//! event Destroyed(address indexed owner, uint256 amount)
//! error NotOwner(address caller)
//! error InsufficientBalance(uint256 requested, uint256 available)
//! error ZeroDeposit()
//! ```
//!
//! Self-destruct has pre-EIP-6780 semantics on Basalt: code and storage go at
//! the end of the transaction, whenever the contract was created.
#![cfg_attr(not(test), no_std)]

use basalt_sdk::deploy::self_destruct;
use basalt_sdk::prelude::*;

/// The vault's storage.
#[basalt_sdk::contract]
pub struct Vault {
    owner: Storage<Address>,
    total_deposited: Storage<U256>,
}

/// Value came in.
#[basalt_sdk::event]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deposit {
    /// The depositor.
    #[indexed]
    pub from: Address,
    /// Wei deposited.
    pub amount: U256,
}

/// The owner took value out.
#[basalt_sdk::event]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Withdrawal {
    /// The owner.
    #[indexed]
    pub to: Address,
    /// Wei withdrawn.
    pub amount: U256,
}

/// The vault was destroyed.
#[basalt_sdk::event]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Destroyed {
    /// The owner, who received the balance.
    #[indexed]
    pub owner: Address,
    /// Wei sent to the owner.
    pub amount: U256,
}

/// Why a call was refused.
#[basalt_sdk::error]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VaultError {
    /// Only the owner may do this.
    NotOwner {
        /// Who tried.
        caller: Address,
    },
    /// More than the vault holds.
    InsufficientBalance {
        /// Wei asked for.
        requested: U256,
        /// Wei held.
        available: U256,
    },
    /// A deposit of nothing.
    ZeroDeposit,
}

#[basalt_sdk::methods(events(Deposit, Withdrawal, Destroyed))]
impl Vault {
    /// Makes the deployer the owner; value sent is deposited.
    #[constructor]
    #[payable]
    pub fn new(&mut self) {
        let owner = msg::sender();
        self.owner.set(owner);
        let amount = msg::value();
        if !amount.is_zero() {
            self.record_deposit(owner, amount);
        }
    }

    /// Deposits the value sent.
    #[payable]
    pub fn deposit(&mut self) -> Result<(), VaultError> {
        let amount = msg::value();
        if amount.is_zero() {
            return Err(VaultError::ZeroDeposit);
        }
        self.record_deposit(msg::sender(), amount);
        Ok(())
    }

    /// A plain value transfer is a deposit.
    #[receive]
    pub fn receive(&mut self) {
        self.record_deposit(msg::sender(), msg::value());
    }

    /// Sends `amount` wei to the owner.
    pub fn withdraw(&mut self, amount: U256) -> Result<(), VaultError> {
        let owner = self.only_owner()?;
        let available = this::balance();
        if amount > available {
            return Err(VaultError::InsufficientBalance { requested: amount, available });
        }
        Withdrawal { to: owner, amount }.emit();
        basalt_sdk::call::send_value(owner, amount).or_revert();
        Ok(())
    }

    /// Sends the whole balance to the owner and deletes the vault.
    pub fn destroy(&mut self) -> Result<(), VaultError> {
        let owner = self.only_owner()?;
        Destroyed { owner, amount: this::balance() }.emit();
        self_destruct(owner)
    }

    /// The owner.
    pub fn owner(&self) -> Address {
        self.owner.get()
    }

    /// The vault's balance in wei.
    pub fn balance(&self) -> U256 {
        this::balance()
    }

    /// Wei deposited over the vault's life.
    pub fn total_deposited(&self) -> U256 {
        self.total_deposited.get()
    }

    fn only_owner(&self) -> Result<Address, VaultError> {
        let owner = self.owner.get();
        let caller = msg::sender();
        if caller == owner {
            Ok(owner)
        } else {
            Err(VaultError::NotOwner { caller })
        }
    }

    fn record_deposit(&mut self, from: Address, amount: U256) {
        let total = self.total_deposited.get();
        self.total_deposited.set(total.saturating_add(amount));
        Deposit { from, amount }.emit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use basalt_sdk::testing::TestVm;

    #[basalt_sdk::interface]
    trait IVault {
        #[payable]
        fn deposit(&mut self);
        fn withdraw(&mut self, amount: U256);
        fn destroy(&mut self);
        fn owner(&self) -> Address;
        fn balance(&self) -> U256;
        fn total_deposited(&self) -> U256;
    }

    const OWNER: Address = Address::new([0x0A; 20]);
    const GUEST: Address = Address::new([0x6E; 20]);

    fn setup() -> (TestVm, IVault) {
        let vm = TestVm::new();
        vm.set_balance(OWNER, U256::from(1_000));
        vm.set_balance(GUEST, U256::from(1_000));
        vm.set_caller(OWNER);
        let vault = IVault::new(vm.deploy_with_value::<Vault>(&[], U256::from(100)).unwrap());
        (vm, vault)
    }

    fn error_of(err: CallError) -> VaultError {
        VaultError::abi_decode(err.revert_data().unwrap()).unwrap()
    }

    #[test]
    fn deposits_and_withdrawals() {
        let (vm, vault) = setup();
        assert_eq!(vault.owner().unwrap(), OWNER);
        assert_eq!(vault.balance().unwrap(), U256::from(100));
        vm.set_caller(GUEST);
        vault.with_value(U256::from(50)).deposit().unwrap();
        // A plain transfer goes to `receive`.
        vm.call_with_value(vault.address(), &[], U256::from(25)).unwrap();
        assert_eq!(vault.balance().unwrap(), U256::from(175));
        assert_eq!(vault.total_deposited().unwrap(), U256::from(175));
        assert_eq!(error_of(vault.deposit().unwrap_err()), VaultError::ZeroDeposit);
        assert_eq!(
            error_of(vault.withdraw(U256::from(1)).unwrap_err()),
            VaultError::NotOwner { caller: GUEST }
        );

        vm.set_caller(OWNER);
        assert_eq!(
            error_of(vault.withdraw(U256::from(176)).unwrap_err()),
            VaultError::InsufficientBalance {
                requested: U256::from(176),
                available: U256::from(175)
            }
        );
        vault.withdraw(U256::from(75)).unwrap();
        assert_eq!(vm.balance(OWNER), U256::from(975));
        assert_eq!(vault.balance().unwrap(), U256::from(100));
        let deposits: Vec<Deposit> =
            vm.logs().iter().filter_map(|l| Deposit::decode_log(&l.topics, &l.data)).collect();
        assert_eq!(deposits.len(), 3);
        assert_eq!(deposits[2], Deposit { from: GUEST, amount: U256::from(25) });
    }

    #[test]
    fn destroy_sends_everything_to_the_owner() {
        let (vm, vault) = setup();
        vm.set_caller(GUEST);
        vault.with_value(U256::from(50)).deposit().unwrap();
        assert_eq!(error_of(vault.destroy().unwrap_err()), VaultError::NotOwner { caller: GUEST });
        vm.set_caller(OWNER);
        vault.destroy().unwrap();
        assert_eq!(vm.balance(OWNER), U256::from(1_050));
        assert!(!vm.has_code(vault.address()));
        assert_eq!(vm.balance(vault.address()), U256::ZERO);
        let destroyed: Vec<Destroyed> =
            vm.logs().iter().filter_map(|l| Destroyed::decode_log(&l.topics, &l.data)).collect();
        assert_eq!(destroyed, [Destroyed { owner: OWNER, amount: U256::from(150) }]);
    }

    #[test]
    fn abi() {
        let doc: serde_json::Value = serde_json::from_str(Vault::ABI_JSON).unwrap();
        let abi = doc["abi"].as_array().unwrap();
        assert!(abi.contains(&serde_json::json!({"type":"receive","stateMutability":"payable"})));
        let constructor = abi.iter().find(|e| e["type"] == "constructor").unwrap();
        assert_eq!(constructor["stateMutability"], "payable");
        assert_eq!(constructor["payable"], true);
        assert_eq!(abi.iter().filter(|e| e["type"] == "error").count(), 3);
    }
}
