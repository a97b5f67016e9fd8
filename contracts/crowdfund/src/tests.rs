//! The campaign against the real `token` contract, in the SDK's in-process
//! test world.

use super::*;
use basalt_sdk::sol_types::{sol_data, SolType};
use basalt_sdk::testing::TestVm;

#[basalt_sdk::interface]
trait ICrowdfund {
    #[payable]
    fn pledge(&mut self);
    fn pledge_tokens(&mut self, amount: U256);
    fn claim(&mut self);
    fn refund(&mut self);
    fn goal_reached(&self) -> bool;
    fn total_native(&self) -> U256;
    fn total_tokens(&self) -> U256;
    fn pledged_native(&self, backer: Address) -> U256;
    fn pledged_tokens(&self, backer: Address) -> U256;
    fn claimed(&self) -> bool;
    fn owner(&self) -> Address;
}

#[basalt_sdk::interface]
trait IToken {
    fn balance_of(&self, account: Address) -> U256;
    fn approve(&mut self, spender: Address, value: U256) -> bool;
    fn transfer(&mut self, to: Address, value: U256) -> bool;
}

const OWNER: Address = Address::new([0x01; 20]);
const ALICE: Address = Address::new([0xA1; 20]);
const BOB: Address = Address::new([0xB0; 20]);
const START: u64 = 1_700_000_000;
const DEADLINE: u64 = START + 3600;

struct Setup {
    vm: TestVm,
    token: IToken,
    campaign: ICrowdfund,
}

fn setup(goal: u64) -> Setup {
    let vm = TestVm::new();
    vm.set_timestamp(START);
    // Alice holds all the tokens, and some native value; so does Bob.
    vm.set_caller(ALICE);
    let args = <(sol_data::String, sol_data::String, sol_data::Uint<8>, sol_data::Uint<256>)>::abi_encode_params(
        &("Wrapped".to_string(), "WBSLT".to_string(), 18u8, U256::from(1_000u64)),
    );
    let token = IToken::new(vm.deploy::<token::Token>(&args).unwrap());
    token.transfer(BOB, U256::from(100)).unwrap();
    vm.set_balance(ALICE, U256::from(1_000u64));
    vm.set_balance(BOB, U256::from(1_000u64));

    vm.set_caller(OWNER);
    let args = <(sol_data::Address, sol_data::Uint<256>, sol_data::Uint<64>)>::abi_encode_params(
        &(token.address(), U256::from(goal), DEADLINE),
    );
    let campaign = ICrowdfund::new(vm.deploy::<Crowdfund>(&args).unwrap());
    vm.take_logs();
    Setup { vm, token, campaign }
}

fn error_of(err: CallError) -> CrowdfundError {
    CrowdfundError::abi_decode(err.revert_data().expect("a revert")).expect("a campaign error")
}

#[test]
fn successful_campaign_pays_the_owner() {
    let Setup { vm, token, campaign } = setup(500);
    vm.set_caller(ALICE);
    campaign.with_value(U256::from(300)).pledge().unwrap();
    token.approve(campaign.address(), U256::from(250)).unwrap();
    campaign.pledge_tokens(U256::from(250)).unwrap();
    assert_eq!(vm.balance(campaign.address()), U256::from(300));
    assert_eq!(token.balance_of(campaign.address()).unwrap(), U256::from(250));
    assert_eq!(campaign.pledged_native(ALICE).unwrap(), U256::from(300));
    assert_eq!(campaign.pledged_tokens(ALICE).unwrap(), U256::from(250));
    assert!(campaign.goal_reached().unwrap());

    let pledges: Vec<Pledged> =
        vm.take_logs().iter().filter_map(|l| Pledged::decode_log(&l.topics, &l.data)).collect();
    assert_eq!(
        pledges,
        [
            Pledged { backer: ALICE, amount: U256::from(300), native: true },
            Pledged { backer: ALICE, amount: U256::from(250), native: false },
        ]
    );

    // Too early, then not the owner, then the owner.
    vm.set_caller(OWNER);
    assert_eq!(
        error_of(campaign.claim().unwrap_err()),
        CrowdfundError::CampaignNotEnded { deadline: DEADLINE }
    );
    vm.set_timestamp(DEADLINE);
    vm.set_caller(ALICE);
    assert_eq!(error_of(campaign.claim().unwrap_err()), CrowdfundError::NotOwner { caller: ALICE });
    assert_eq!(error_of(campaign.refund().unwrap_err()), CrowdfundError::GoalReached);
    vm.set_caller(OWNER);
    campaign.claim().unwrap();
    assert_eq!(vm.balance(OWNER), U256::from(300));
    assert_eq!(token.balance_of(OWNER).unwrap(), U256::from(250));
    assert!(campaign.claimed().unwrap());
    let claimed: Vec<Claimed> =
        vm.take_logs().iter().filter_map(|l| Claimed::decode_log(&l.topics, &l.data)).collect();
    assert_eq!(
        claimed,
        [Claimed { owner: OWNER, native_amount: U256::from(300), token_amount: U256::from(250) }]
    );
    assert_eq!(error_of(campaign.claim().unwrap_err()), CrowdfundError::AlreadyClaimed);
}

#[test]
fn failed_campaign_refunds_backers() {
    let Setup { vm, token, campaign } = setup(10_000);
    vm.set_caller(ALICE);
    campaign.with_value(U256::from(400)).pledge().unwrap();
    vm.set_caller(BOB);
    token.approve(campaign.address(), U256::from(100)).unwrap();
    campaign.pledge_tokens(U256::from(60)).unwrap();
    campaign.with_value(U256::from(5)).pledge().unwrap();

    vm.set_timestamp(DEADLINE + 1);
    assert_eq!(
        error_of(campaign.with_value(U256::from(1)).pledge().unwrap_err()),
        CrowdfundError::CampaignEnded { deadline: DEADLINE }
    );
    vm.set_caller(OWNER);
    assert_eq!(
        error_of(campaign.claim().unwrap_err()),
        CrowdfundError::GoalNotReached { raised: U256::from(465), goal: U256::from(10_000) }
    );
    assert_eq!(error_of(campaign.refund().unwrap_err()), CrowdfundError::NothingToRefund);

    vm.set_caller(BOB);
    campaign.refund().unwrap();
    assert_eq!(vm.balance(BOB), U256::from(1_000));
    assert_eq!(token.balance_of(BOB).unwrap(), U256::from(100));
    assert_eq!(error_of(campaign.refund().unwrap_err()), CrowdfundError::NothingToRefund);
    vm.set_caller(ALICE);
    campaign.refund().unwrap();
    assert_eq!(vm.balance(ALICE), U256::from(1_000));
    assert_eq!(vm.balance(campaign.address()), U256::ZERO);
}

#[test]
fn token_reverts_bubble_up() {
    let Setup { vm, campaign, .. } = setup(100);
    vm.set_caller(BOB);
    // No allowance: the token's own reason comes back through the campaign.
    let err = campaign.pledge_tokens(U256::from(1)).unwrap_err();
    assert_eq!(err.reason().as_deref(), Some("ERC20: insufficient allowance"));
    assert_eq!(campaign.pledged_tokens(BOB).unwrap(), U256::ZERO);
    assert_eq!(
        error_of(campaign.pledge_tokens(U256::ZERO).unwrap_err()),
        CrowdfundError::ZeroAmount
    );
    assert_eq!(error_of(campaign.pledge().unwrap_err()), CrowdfundError::ZeroAmount);
}

/// A backer whose `receive` re-enters `refund()` and records how that went.
#[basalt_sdk::contract]
pub struct Reenterer {
    campaign: Storage<Address>,
    reentry_error: Storage<FixedBytes<4>>,
}

#[basalt_sdk::methods]
impl Reenterer {
    #[payable]
    pub fn back(&mut self, campaign: Address) {
        self.campaign.set(campaign);
        ICrowdfund::new(campaign).with_value(msg::value()).pledge().or_revert();
    }

    pub fn take_back(&mut self) {
        ICrowdfund::new(self.campaign.get()).refund().or_revert();
    }

    pub fn reentry_error(&self) -> FixedBytes<4> {
        self.reentry_error.get()
    }

    #[receive]
    pub fn receive(&mut self) {
        if let Err(err) = ICrowdfund::new(self.campaign.get()).refund() {
            let data = err.revert_data().unwrap_or_default();
            self.reentry_error.set(FixedBytes::from_slice(&data[..4]));
        }
    }
}

#[basalt_sdk::interface]
trait IReenterer {
    #[payable]
    fn back(&mut self, campaign: Address);
    fn take_back(&mut self);
    fn reentry_error(&self) -> FixedBytes<4>;
}

#[test]
fn reentrancy_is_refused() {
    let Setup { vm, campaign, .. } = setup(10_000);
    vm.set_caller(ALICE);
    let attacker = IReenterer::new(vm.deploy::<Reenterer>(&[]).unwrap());
    attacker.with_value(U256::from(50)).back(campaign.address()).unwrap();
    vm.set_timestamp(DEADLINE);
    attacker.take_back().unwrap();
    // The refund paid once; the nested refund hit the guard.
    assert_eq!(vm.balance(attacker.address()), U256::from(50));
    assert_eq!(vm.balance(campaign.address()), U256::ZERO);
    let reentrancy = CrowdfundError::Reentrancy.selector();
    assert_eq!(attacker.reentry_error().unwrap(), FixedBytes::from(reentrancy));
}

#[test]
fn abi_lists_errors_and_events() {
    let doc: serde_json::Value = serde_json::from_str(Crowdfund::ABI_JSON).unwrap();
    let abi = doc["abi"].as_array().unwrap();
    let count = |ty: &str| abi.iter().filter(|e| e["type"] == ty).count();
    assert_eq!(count("constructor"), 1);
    assert_eq!(count("event"), 3);
    assert_eq!(count("error"), 11);
    let pledge = abi.iter().find(|e| e["name"] == "pledge").unwrap();
    assert_eq!(pledge["stateMutability"], "payable");
    let pledge_tokens = abi.iter().find(|e| e["name"] == "pledgeTokens").unwrap();
    assert_eq!(pledge_tokens["stateMutability"], "nonpayable");
    let ended = abi.iter().find(|e| e["name"] == "CampaignEnded").unwrap();
    assert_eq!(ended["inputs"][0]["type"], "uint64");
    assert_eq!(
        CrowdfundError::GoalNotReached { raised: U256::ZERO, goal: U256::ZERO }.signature(),
        "GoalNotReached(uint256,uint256)"
    );
}
