//! The EVM peer of the contract benchmarks: the same contracts, compiled from
//! Solidity, run by revm over an in-memory database.
//!
//! ```text
//!  fixtures/solidity/src/*.sol ──compile.sh (solc-js 0.8.30, checked in)──► build/*.bin
//!                                                                             │ include_str!
//!  RevmErc20 / RevmCompute: deploy once ─► transact_commit per call ◄─────────┘
//!            (revm mainnet EVM, Prague, CacheDB<EmptyDB>, one funded sender)
//! ```
//!
//! Every call is a full transaction through revm's handler (validation, fee
//! deduction, execution, reward, journal finalize) committed to the
//! `CacheDB`, as a node would run it. Calldata is encoded with
//! `alloy-sol-types`. The wasm side runs the Rust contracts with identical
//! logic through Basalt's VM; [`compute_reference`] is the plain Rust model
//! both `compute` implementations must match.

use std::convert::Infallible;

use alloy_sol_types::{sol, Revert, SolCall, SolConstructor, SolError};
use revm::context::result::{EVMError, ExecutionResult, Output};
use revm::context::TxEnv;
use revm::database::InMemoryDB;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Bytes, TxKind};
use revm::state::AccountInfo;
use revm::{Context, ExecuteCommitEvm, ExecuteEvm, MainBuilder, MainContext, MainnetEvm};

pub use revm::primitives::{Address, Log, U256};

sol! {
    /// The ERC-20 of `fixtures/solidity/src/ERC20.sol`.
    interface IERC20 {
        event Transfer(address indexed from, address indexed to, uint256 value);
        event Approval(address indexed owner, address indexed spender, uint256 value);

        function name() external view returns (string memory);
        function symbol() external view returns (string memory);
        function decimals() external view returns (uint8);
        function totalSupply() external view returns (uint256);
        function balanceOf(address account) external view returns (uint256);
        function transfer(address to, uint256 amount) external returns (bool);
        function allowance(address owner, address spender) external view returns (uint256);
        function approve(address spender, uint256 amount) external returns (bool);
        function transferFrom(address from, address to, uint256 amount) external returns (bool);
    }

    /// The constructor of `ERC20.sol` (`sol!` encodes its arguments).
    contract ERC20Deploy {
        constructor(string name_, string symbol_, uint8 decimals_, uint256 initialSupply);
    }

    /// `fixtures/solidity/src/Compute.sol`.
    interface ICompute {
        function compute(uint64 n) external pure returns (uint64 x);
    }
}

pub use IERC20::Transfer as TransferEvent;

/// Creation bytecode of `ERC20.sol` (hex), as compiled by `compile.sh`.
pub const ERC20_CREATION_HEX: &str = include_str!("../fixtures/solidity/build/ERC20.bin");
/// Runtime bytecode of `ERC20.sol` (hex).
pub const ERC20_RUNTIME_HEX: &str = include_str!("../fixtures/solidity/build/ERC20.bin-runtime");
/// Creation bytecode of `Compute.sol` (hex).
pub const COMPUTE_CREATION_HEX: &str = include_str!("../fixtures/solidity/build/Compute.bin");
/// Runtime bytecode of `Compute.sol` (hex).
pub const COMPUTE_RUNTIME_HEX: &str =
    include_str!("../fixtures/solidity/build/Compute.bin-runtime");

/// The account that deploys the contracts and sends every transaction.
pub const SENDER: Address = Address::new([0x5e; 20]);
/// The sender's starting balance: 1,000 ether, enough for any benchmark's fees.
pub const SENDER_BALANCE: U256 = u256(1_000 * 10u128.pow(18));
/// Base fee of the block every transaction runs in (1 gwei); the gas price equals it.
pub const BASE_FEE: u64 = 1_000_000_000;
/// Gas limit of every transaction, and of the block.
pub const GAS_LIMIT: u64 = 30_000_000;
/// The EVM revision: Prague, the `evmVersion` the fixtures are compiled for.
pub const SPEC: SpecId = SpecId::PRAGUE;

/// ERC-20 constructor arguments used by [`RevmErc20::new`].
pub const TOKEN_NAME: &str = "Basalt Bench Token";
/// Symbol of the benchmark token.
pub const TOKEN_SYMBOL: &str = "BBT";
/// Decimals of the benchmark token.
pub const TOKEN_DECIMALS: u8 = 18;
/// Supply minted to [`SENDER`] at deployment: 10^27 base units (10^9 tokens).
pub const INITIAL_SUPPLY: U256 = u256(10u128.pow(27));

/// A `U256` from a `u128`, in const context.
const fn u256(value: u128) -> U256 {
    U256::from_limbs([value as u64, (value >> 64) as u64, 0, 0])
}

/// What can go wrong driving the peer. The fixtures are trusted, so these mean
/// a broken fixture or a bug, and carry what failed.
#[derive(Debug, thiserror::Error)]
pub enum RevmPeerError {
    /// A checked-in bytecode file is not hex.
    #[error("fixture {name} is not valid hex: {source}")]
    FixtureHex {
        /// Which fixture.
        name: &'static str,
        /// The decoding error.
        source: hex::FromHexError,
    },
    /// revm rejected the transaction before running it (nonce, balance, gas limit...).
    #[error("revm rejected the transaction: {0}")]
    Evm(#[from] EVMError<Infallible>),
    /// The call or deployment reverted.
    #[error("reverted after {gas_used} gas: {reason}")]
    Reverted {
        /// The decoded `Error(string)`, or the raw revert data in hex.
        reason: String,
        /// Gas charged.
        gas_used: u64,
    },
    /// Execution halted (out of gas, invalid opcode...), consuming all gas.
    #[error("halted after {gas_used} gas: {reason}")]
    Halted {
        /// revm's halt reason.
        reason: String,
        /// Gas charged.
        gas_used: u64,
    },
    /// A deployment succeeded but returned no contract address.
    #[error("deployment returned no contract address")]
    NoAddress,
    /// Return data did not decode as the function's declared outputs.
    #[error("return data of {function} does not decode: {source}")]
    BadReturn {
        /// The function called.
        function: &'static str,
        /// The decoding error.
        source: alloy_sol_types::Error,
    },
}

/// Result of this module's operations.
pub type Result<T, E = RevmPeerError> = std::result::Result<T, E>;

/// A successful, committed call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallOutcome {
    /// Gas used by the transaction (intrinsic gas included, refunds applied),
    /// as a receipt would report it.
    pub gas_used: u64,
    /// Return data.
    pub output: Bytes,
    /// Logs emitted.
    pub logs: Vec<Log>,
}

type PeerEvm = MainnetEvm<revm::handler::MainnetContext<InMemoryDB>>;

/// One revm instance with [`SENDER`] funded, sending transactions in nonce order.
struct Chain {
    evm: PeerEvm,
    nonce: u64,
}

impl Chain {
    fn new() -> Self {
        let mut db = InMemoryDB::default();
        db.insert_account_info(SENDER, AccountInfo::from_balance(SENDER_BALANCE));
        let ctx = Context::mainnet()
            .with_db(db)
            .modify_cfg_chained(|cfg| cfg.set_spec_and_mainnet_gas_params(SPEC))
            .modify_block_chained(|block| {
                block.basefee = BASE_FEE;
                block.gas_limit = GAS_LIMIT;
                block.number = U256::from(1);
            });
        Self { evm: ctx.build_mainnet(), nonce: 0 }
    }

    fn tx(&self, kind: TxKind, data: Vec<u8>) -> TxEnv {
        TxEnv {
            caller: SENDER,
            kind,
            data: data.into(),
            nonce: self.nonce,
            gas_limit: GAS_LIMIT,
            gas_price: u128::from(BASE_FEE),
            ..TxEnv::default()
        }
    }

    /// Runs a transaction and commits it; fails unless it succeeds.
    fn commit(&mut self, kind: TxKind, data: Vec<u8>) -> Result<(u64, Output, Vec<Log>)> {
        let tx = self.tx(kind, data);
        let result = self.evm.transact_commit(tx)?;
        // A committed transaction, even a reverted one, consumed the nonce.
        self.nonce += 1;
        settle(result)
    }

    /// Runs a call without committing it (a view, as `eth_call`).
    fn view(&mut self, to: Address, data: Vec<u8>) -> Result<Bytes> {
        let tx = self.tx(TxKind::Call(to), data);
        let result = self.evm.transact(tx)?.result;
        let (_, output, _) = settle(result)?;
        Ok(output.into_data())
    }

    fn deploy(&mut self, creation: Vec<u8>) -> Result<Address> {
        let (_, output, _) = self.commit(TxKind::Create, creation)?;
        output.address().copied().ok_or(RevmPeerError::NoAddress)
    }
}

/// Turns an execution result into success parts or a typed failure.
fn settle(result: ExecutionResult) -> Result<(u64, Output, Vec<Log>)> {
    let gas_used = result.tx_gas_used();
    match result {
        ExecutionResult::Success { logs, output, .. } => Ok((gas_used, output, logs)),
        ExecutionResult::Revert { output, .. } => Err(RevmPeerError::Reverted {
            reason: Revert::abi_decode(&output)
                .map(|revert| revert.reason)
                .unwrap_or_else(|_| format!("0x{}", hex::encode(&output))),
            gas_used,
        }),
        ExecutionResult::Halt { reason, .. } => {
            Err(RevmPeerError::Halted { reason: format!("{reason:?}"), gas_used })
        }
    }
}

fn fixture(name: &'static str, hex_text: &str) -> Result<Vec<u8>> {
    hex::decode(hex_text.trim()).map_err(|source| RevmPeerError::FixtureHex { name, source })
}

/// Decodes a call's return data as `C`'s outputs.
fn decode_return<C: SolCall>(data: &[u8]) -> Result<C::Return> {
    C::abi_decode_returns(data)
        .map_err(|source| RevmPeerError::BadReturn { function: C::SIGNATURE, source })
}

/// `ERC20.sol` deployed by [`SENDER`] on revm, which holds [`INITIAL_SUPPLY`].
///
/// ```no_run
/// use basalt_benches::revm_peer::{Address, RevmErc20, U256};
/// let mut token = RevmErc20::new();
/// let gas = token.transfer(Address::with_last_byte(1), U256::from(1)).unwrap();
/// ```
pub struct RevmErc20 {
    chain: Chain,
    token: Address,
}

impl RevmErc20 {
    /// Deploys the token; see [`RevmErc20::try_new`].
    ///
    /// # Panics
    ///
    /// If the checked-in fixture fails to deploy (a broken fixture).
    pub fn new() -> Self {
        Self::try_new().expect("the checked-in ERC20 fixture deploys")
    }

    /// Funds [`SENDER`] and deploys the token with `constructor(TOKEN_NAME,
    /// TOKEN_SYMBOL, TOKEN_DECIMALS, INITIAL_SUPPLY)`, minting to the sender.
    pub fn try_new() -> Result<Self> {
        let mut chain = Chain::new();
        let mut creation = fixture("ERC20.bin", ERC20_CREATION_HEX)?;
        creation.extend(
            ERC20Deploy::constructorCall {
                name_: TOKEN_NAME.into(),
                symbol_: TOKEN_SYMBOL.into(),
                decimals_: TOKEN_DECIMALS,
                initialSupply: INITIAL_SUPPLY,
            }
            .abi_encode(),
        );
        let token = chain.deploy(creation)?;
        Ok(Self { chain, token })
    }

    /// The token's address.
    pub fn address(&self) -> Address {
        self.token
    }

    /// The account that owns the supply and sends every transfer.
    pub fn sender(&self) -> Address {
        SENDER
    }

    /// Executes and commits `transfer(to, amount)` from [`SENDER`]; returns the
    /// gas used. Fails if the transfer reverts or returns `false`.
    pub fn transfer(&mut self, to: Address, amount: U256) -> Result<u64> {
        self.transfer_outcome(to, amount).map(|outcome| outcome.gas_used)
    }

    /// As [`RevmErc20::transfer`], with the return data and logs.
    pub fn transfer_outcome(&mut self, to: Address, amount: U256) -> Result<CallOutcome> {
        let data = IERC20::transferCall { to, amount }.abi_encode();
        let (gas_used, output, logs) = self.chain.commit(TxKind::Call(self.token), data)?;
        let output = output.into_data();
        if !decode_return::<IERC20::transferCall>(&output)? {
            return Err(RevmPeerError::Reverted {
                reason: "transfer returned false".into(),
                gas_used,
            });
        }
        Ok(CallOutcome { gas_used, output, logs })
    }

    /// `balanceOf(account)`, run as a view (not committed).
    pub fn balance_of(&mut self, account: Address) -> Result<U256> {
        let data = IERC20::balanceOfCall { account }.abi_encode();
        let output = self.chain.view(self.token, data)?;
        decode_return::<IERC20::balanceOfCall>(&output)
    }

    /// `totalSupply()`, run as a view (not committed).
    pub fn total_supply(&mut self) -> Result<U256> {
        let output = self.chain.view(self.token, IERC20::totalSupplyCall {}.abi_encode())?;
        decode_return::<IERC20::totalSupplyCall>(&output)
    }
}

impl Default for RevmErc20 {
    fn default() -> Self {
        Self::new()
    }
}

/// `Compute.sol` deployed on revm.
///
/// ```no_run
/// use basalt_benches::revm_peer::{compute_reference, RevmCompute};
/// let mut peer = RevmCompute::new();
/// let (x, _gas) = peer.compute(10_000).unwrap();
/// assert_eq!(x, compute_reference(10_000));
/// ```
pub struct RevmCompute {
    chain: Chain,
    contract: Address,
}

impl RevmCompute {
    /// Deploys the contract; see [`RevmCompute::try_new`].
    ///
    /// # Panics
    ///
    /// If the checked-in fixture fails to deploy (a broken fixture).
    pub fn new() -> Self {
        Self::try_new().expect("the checked-in Compute fixture deploys")
    }

    /// Funds [`SENDER`] and deploys `Compute.sol`.
    pub fn try_new() -> Result<Self> {
        let mut chain = Chain::new();
        let contract = chain.deploy(fixture("Compute.bin", COMPUTE_CREATION_HEX)?)?;
        Ok(Self { chain, contract })
    }

    /// The contract's address.
    pub fn address(&self) -> Address {
        self.contract
    }

    /// Executes and commits `compute(n)` as a transaction; returns the result
    /// and the gas used.
    pub fn compute(&mut self, n: u64) -> Result<(u64, u64)> {
        let data = ICompute::computeCall { n }.abi_encode();
        let (gas_used, output, _) = self.chain.commit(TxKind::Call(self.contract), data)?;
        let x = decode_return::<ICompute::computeCall>(output.data())?;
        Ok((x, gas_used))
    }
}

impl Default for RevmCompute {
    fn default() -> Self {
        Self::new()
    }
}

/// The loop of `Compute.sol`'s `compute(n)` in plain Rust: the value both the
/// EVM and the wasm contract must return.
///
/// Solidity's `unchecked` `uint64` arithmetic wraps; `abi.encodePacked(x)` of a
/// `uint64` is its 8 big-endian bytes; `uint64(uint256(hash))` keeps the hash's
/// low 8 bytes (the last 8, big-endian).
pub fn compute_reference(n: u64) -> u64 {
    let mut x: u64 = 1;
    for i in 0..n {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407)
            .wrapping_add(i);
        x ^= x >> 29;
        if i & 63 == 0 {
            let hash = basalt_primitives::keccak256(x.to_be_bytes());
            let [.., b0, b1, b2, b3, b4, b5, b6, b7] = hash.0;
            x ^= u64::from_be_bytes([b0, b1, b2, b3, b4, b5, b6, b7]);
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_sol_types::SolEvent;

    #[test]
    fn constants_are_what_they_say() {
        assert_eq!(SENDER_BALANCE, U256::from(1_000u64) * U256::from(10u64).pow(U256::from(18)));
        assert_eq!(INITIAL_SUPPLY, U256::from(10u64).pow(U256::from(27)));
    }

    #[test]
    fn runtime_fixtures_match_what_the_constructors_deploy() {
        let token = RevmErc20::new();
        let compute = RevmCompute::new();
        for (db, address, runtime) in [
            (&token.chain.evm.ctx.journaled_state.database, token.token, ERC20_RUNTIME_HEX),
            (
                &compute.chain.evm.ctx.journaled_state.database,
                compute.contract,
                COMPUTE_RUNTIME_HEX,
            ),
        ] {
            let code = db.cache.accounts[&address].info.code.as_ref().unwrap();
            assert_eq!(hex::encode(code.original_byte_slice()), runtime.trim());
        }
    }

    #[test]
    fn erc20_deploys_with_supply_at_the_sender() {
        let mut token = RevmErc20::new();
        assert_eq!(token.total_supply().unwrap(), INITIAL_SUPPLY);
        assert_eq!(token.balance_of(SENDER).unwrap(), INITIAL_SUPPLY);
        let output = token.chain.view(token.token, IERC20::symbolCall {}.abi_encode()).unwrap();
        assert_eq!(decode_return::<IERC20::symbolCall>(&output).unwrap(), TOKEN_SYMBOL);
        let output = token.chain.view(token.token, IERC20::decimalsCall {}.abi_encode()).unwrap();
        assert_eq!(decode_return::<IERC20::decimalsCall>(&output).unwrap(), TOKEN_DECIMALS);
    }

    #[test]
    fn erc20_transfer_moves_balances_and_logs_transfer() {
        let mut token = RevmErc20::new();
        let to = Address::with_last_byte(0x42);
        let amount = U256::from(1_234_567u64);

        let outcome = token.transfer_outcome(to, amount).unwrap();
        assert_eq!(token.balance_of(to).unwrap(), amount);
        assert_eq!(token.balance_of(SENDER).unwrap(), INITIAL_SUPPLY - amount);
        assert_eq!(token.total_supply().unwrap(), INITIAL_SUPPLY);

        assert_eq!(outcome.logs.len(), 1);
        let log = &outcome.logs[0];
        assert_eq!(log.address, token.address());
        let event = TransferEvent::decode_log(log).unwrap();
        assert_eq!((event.from, event.to, event.value), (SENDER, to, amount));
        // A first transfer to a fresh account: 21000 intrinsic + a zero→nonzero SSTORE.
        assert!((40_000..60_000).contains(&outcome.gas_used), "gas {}", outcome.gas_used);

        // Repeated transfers commit (the nonce advances) and keep moving funds.
        let gas = token.transfer(to, amount).unwrap();
        eprintln!("revm ERC-20 transfer: {} gas first, {gas} gas after", outcome.gas_used);
        assert!(gas < outcome.gas_used, "a second transfer to the same account is cheaper");
        assert_eq!(token.balance_of(to).unwrap(), amount * U256::from(2));
    }

    #[test]
    fn erc20_transfer_over_balance_reverts_with_the_reason() {
        let mut token = RevmErc20::new();
        let err =
            token.transfer(Address::with_last_byte(1), INITIAL_SUPPLY + U256::from(1)).unwrap_err();
        match err {
            RevmPeerError::Reverted { reason, .. } => {
                assert_eq!(reason, "ERC20: transfer amount exceeds balance")
            }
            other => panic!("expected a revert, got {other}"),
        }
        // The reverted transaction consumed its nonce; the next one still goes through.
        token.transfer(Address::with_last_byte(1), U256::from(1)).unwrap();
    }

    #[test]
    fn compute_matches_the_reference() {
        let mut peer = RevmCompute::new();
        for n in [0, 1, 2, 63, 64, 65, 1_000] {
            assert_eq!(peer.compute(n).unwrap().0, compute_reference(n), "n = {n}");
        }
        let (x, gas) = peer.compute(10_000).unwrap();
        eprintln!("revm compute(10000) = {x:#x}, {gas} gas");
        assert_eq!(x, compute_reference(10_000));
        assert!(gas > 21_000, "gas {gas}");
    }

    #[test]
    fn compute_reference_known_values() {
        assert_eq!(compute_reference(0), 1);
        // i = 0: x = 1·a + c + 0; x ^= x >> 29; then the keccak step.
        let mut x = 6_364_136_223_846_793_005u64.wrapping_add(1_442_695_040_888_963_407);
        x ^= x >> 29;
        let hash = basalt_primitives::keccak256(x.to_be_bytes());
        x ^= u64::from_be_bytes(hash[24..].try_into().unwrap());
        assert_eq!(compute_reference(1), x);
    }
}
