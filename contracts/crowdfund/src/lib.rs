//! `Crowdfund`: a campaign that collects native value and ERC-20 tokens
//! until a deadline; the owner claims everything if the goal is reached,
//! otherwise every backer takes back what they pledged.
//!
//! It shows cross-contract calls through a typed interface (`IErc20`:
//! `transferFrom` to pull pledged tokens, `transfer` to pay them out), native
//! value transfers, custom errors, and a reentrancy guard on every function
//! that moves funds (state is also updated before any external call).
//!
//! ```solidity
//! constructor(address token, uint256 goal, uint64 deadline)  // owner = deployer
//! function pledge() payable                      // before the deadline
//! function pledgeTokens(uint256 amount)          // before the deadline; needs an allowance
//! function claim()                               // owner, after the deadline, goal reached
//! function refund()                              // backer, after the deadline, goal missed
//! function goalReached() view returns (bool)     // totalNative + totalTokens >= goal
//! function owner() / token() / goal() / deadline() / totalNative() / totalTokens() / claimed() views
//! function pledgedNative(address) / pledgedTokens(address) views
//! event Pledged(address indexed backer, uint256 amount, bool native)
//! event Claimed(address indexed owner, uint256 nativeAmount, uint256 tokenAmount)
//! event Refunded(address indexed backer, uint256 nativeAmount, uint256 tokenAmount)
//! ```
//!
//! The goal counts native wei and token units one for one (think of a token
//! that wraps the native coin). Times are block timestamps: pledging is open
//! while `block.timestamp < deadline`; claim and refund once
//! `block.timestamp >= deadline`.
#![cfg_attr(not(test), no_std)]

use basalt_sdk::prelude::*;

/// The ERC-20 calls the campaign makes.
#[basalt_sdk::interface]
pub trait IErc20 {
    /// Moves the caller's tokens.
    fn transfer(&mut self, to: Address, value: U256) -> bool;
    /// Moves `from`'s tokens using the caller's allowance.
    fn transfer_from(&mut self, from: Address, to: Address, value: U256) -> bool;
}

/// The campaign's storage.
#[basalt_sdk::contract]
pub struct Crowdfund {
    owner: Storage<Address>,
    token: Storage<Address>,
    goal: Storage<U256>,
    deadline: Storage<u64>,
    total_native: Storage<U256>,
    total_tokens: Storage<U256>,
    pledged_native: Mapping<Address, U256>,
    pledged_tokens: Mapping<Address, U256>,
    claimed: Storage<bool>,
    /// Reentrancy lock: true while a guarded function runs.
    locked: Storage<bool>,
}

/// A pledge was made.
#[basalt_sdk::event]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pledged {
    /// The backer.
    #[indexed]
    pub backer: Address,
    /// Wei or token units.
    pub amount: U256,
    /// Whether it was native value (else tokens).
    pub native: bool,
}

/// The owner claimed the funds.
#[basalt_sdk::event]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claimed {
    /// The owner.
    #[indexed]
    pub owner: Address,
    /// Wei paid out.
    pub native_amount: U256,
    /// Tokens paid out.
    pub token_amount: U256,
}

/// A backer took their pledges back.
#[basalt_sdk::event]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refunded {
    /// The backer.
    #[indexed]
    pub backer: Address,
    /// Wei returned.
    pub native_amount: U256,
    /// Tokens returned.
    pub token_amount: U256,
}

/// Why a call was refused.
#[basalt_sdk::error]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CrowdfundError {
    /// Pledging after the deadline.
    CampaignEnded { deadline: u64 },
    /// Claiming or refunding before the deadline.
    CampaignNotEnded { deadline: u64 },
    /// Claiming when the goal was missed.
    GoalNotReached { raised: U256, goal: U256 },
    /// Refunding when the goal was reached.
    GoalReached,
    /// Only the owner may claim.
    NotOwner { caller: Address },
    /// The funds were claimed already.
    AlreadyClaimed,
    /// Nothing pledged by the caller (or refunded already).
    NothingToRefund,
    /// A pledge of zero.
    ZeroAmount,
    /// A guarded function was re-entered.
    Reentrancy,
    /// The token refused a transfer (returned false).
    TokenTransferFailed,
    /// The constructor got a zero token address.
    InvalidToken,
}

#[basalt_sdk::methods(events(Pledged, Claimed, Refunded))]
impl Crowdfund {
    /// Opens a campaign for `goal` until `deadline` (a block timestamp),
    /// accepting `token`; the deployer owns it.
    #[constructor]
    pub fn new(&mut self, token: Address, goal: U256, deadline: u64) -> Result<(), CrowdfundError> {
        if token == Address::ZERO {
            return Err(CrowdfundError::InvalidToken);
        }
        self.owner.set(msg::sender());
        self.token.set(token);
        self.goal.set(goal);
        self.deadline.set(deadline);
        Ok(())
    }

    /// Pledges the value sent.
    #[payable]
    pub fn pledge(&mut self) -> Result<(), CrowdfundError> {
        self.enter()?;
        self.require_open()?;
        let amount = msg::value();
        if amount.is_zero() {
            return Err(CrowdfundError::ZeroAmount);
        }
        let backer = msg::sender();
        let pledged = self.pledged_native.get(backer);
        self.pledged_native.set(backer, pledged.saturating_add(amount));
        let total = self.total_native.get();
        self.total_native.set(total.saturating_add(amount));
        Pledged { backer, amount, native: true }.emit();
        self.exit();
        Ok(())
    }

    /// Pledges `amount` tokens, pulled from the caller with `transferFrom`
    /// (approve the campaign first).
    pub fn pledge_tokens(&mut self, amount: U256) -> Result<(), CrowdfundError> {
        self.enter()?;
        self.require_open()?;
        if amount.is_zero() {
            return Err(CrowdfundError::ZeroAmount);
        }
        let backer = msg::sender();
        let pledged = self.pledged_tokens.get(backer);
        self.pledged_tokens.set(backer, pledged.saturating_add(amount));
        let total = self.total_tokens.get();
        self.total_tokens.set(total.saturating_add(amount));
        // A token revert (no allowance, no balance) is bubbled up as is.
        let moved = self.token_client().transfer_from(backer, this::address(), amount).or_revert();
        if !moved {
            return Err(CrowdfundError::TokenTransferFailed);
        }
        Pledged { backer, amount, native: false }.emit();
        self.exit();
        Ok(())
    }

    /// Pays everything raised to the owner.
    pub fn claim(&mut self) -> Result<(), CrowdfundError> {
        self.enter()?;
        self.require_ended()?;
        let owner = self.owner.get();
        let caller = msg::sender();
        if caller != owner {
            return Err(CrowdfundError::NotOwner { caller });
        }
        if self.claimed.get() {
            return Err(CrowdfundError::AlreadyClaimed);
        }
        let raised = self.raised();
        let goal = self.goal.get();
        if raised < goal {
            return Err(CrowdfundError::GoalNotReached { raised, goal });
        }
        self.claimed.set(true);
        let native_amount = self.total_native.get();
        let token_amount = self.total_tokens.get();
        if !token_amount.is_zero() && !self.token_client().transfer(owner, token_amount).or_revert()
        {
            return Err(CrowdfundError::TokenTransferFailed);
        }
        if !native_amount.is_zero() {
            basalt_sdk::call::send_value(owner, native_amount).or_revert();
        }
        Claimed { owner, native_amount, token_amount }.emit();
        self.exit();
        Ok(())
    }

    /// Returns the caller's pledges when the goal was missed.
    pub fn refund(&mut self) -> Result<(), CrowdfundError> {
        self.enter()?;
        self.require_ended()?;
        if self.raised() >= self.goal.get() {
            return Err(CrowdfundError::GoalReached);
        }
        let backer = msg::sender();
        let native_amount = self.pledged_native.get(backer);
        let token_amount = self.pledged_tokens.get(backer);
        if native_amount.is_zero() && token_amount.is_zero() {
            return Err(CrowdfundError::NothingToRefund);
        }
        // Effects before interactions.
        self.pledged_native.clear(backer);
        self.pledged_tokens.clear(backer);
        if !token_amount.is_zero()
            && !self.token_client().transfer(backer, token_amount).or_revert()
        {
            return Err(CrowdfundError::TokenTransferFailed);
        }
        if !native_amount.is_zero() {
            basalt_sdk::call::send_value(backer, native_amount).or_revert();
        }
        Refunded { backer, native_amount, token_amount }.emit();
        self.exit();
        Ok(())
    }

    /// Whether pledges have reached the goal.
    pub fn goal_reached(&self) -> bool {
        self.raised() >= self.goal.get()
    }

    /// The campaign's owner.
    pub fn owner(&self) -> Address {
        self.owner.get()
    }

    /// The token accepted.
    pub fn token(&self) -> Address {
        self.token.get()
    }

    /// The goal (wei and token units together).
    pub fn goal(&self) -> U256 {
        self.goal.get()
    }

    /// The deadline (block timestamp).
    pub fn deadline(&self) -> u64 {
        self.deadline.get()
    }

    /// Wei pledged in total.
    pub fn total_native(&self) -> U256 {
        self.total_native.get()
    }

    /// Tokens pledged in total.
    pub fn total_tokens(&self) -> U256 {
        self.total_tokens.get()
    }

    /// Wei pledged by `backer` (and not refunded).
    pub fn pledged_native(&self, backer: Address) -> U256 {
        self.pledged_native.get(backer)
    }

    /// Tokens pledged by `backer` (and not refunded).
    pub fn pledged_tokens(&self, backer: Address) -> U256 {
        self.pledged_tokens.get(backer)
    }

    /// Whether the owner has claimed.
    pub fn claimed(&self) -> bool {
        self.claimed.get()
    }

    fn raised(&self) -> U256 {
        self.total_native.get().saturating_add(self.total_tokens.get())
    }

    fn token_client(&self) -> IErc20 {
        IErc20::new(self.token.get())
    }

    fn require_open(&self) -> Result<(), CrowdfundError> {
        let deadline = self.deadline.get();
        if block::timestamp() >= deadline {
            return Err(CrowdfundError::CampaignEnded { deadline });
        }
        Ok(())
    }

    fn require_ended(&self) -> Result<(), CrowdfundError> {
        let deadline = self.deadline.get();
        if block::timestamp() < deadline {
            return Err(CrowdfundError::CampaignNotEnded { deadline });
        }
        Ok(())
    }

    /// Takes the reentrancy lock. A revert anywhere after this undoes the
    /// lock with everything else, so only successful paths call [`exit`].
    fn enter(&mut self) -> Result<(), CrowdfundError> {
        if self.locked.get() {
            return Err(CrowdfundError::Reentrancy);
        }
        self.locked.set(true);
        Ok(())
    }

    /// Releases the reentrancy lock.
    fn exit(&mut self) {
        self.locked.set(false);
    }
}

#[cfg(test)]
mod tests;
