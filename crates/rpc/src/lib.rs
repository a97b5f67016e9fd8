//! Basalt's Ethereum JSON-RPC: a jsonrpsee server on one port for HTTP and
//! WebSocket, answering what cast, ethers, viem and web3.py call.
//!
//! ```text
//!  client ─► jsonrpsee (HTTP / WS, limits, batches) ─► UnknownMethod (geth's -32601 text)
//!        ─► namespaces: eth (+ pubsub) net web3 personal txpool evm anvil
//!               │ RpcContext: Chain (reads, state, simulations on blocking threads),
//!               │             TxPool (admission), DevAccounts (signing), filters
//!               └─► BlockProducer (the node's miner): transactions_ready / mine / automine
//!  chain notifications ─► newHeads / logs subscriptions; pool admissions ─► newPendingTransactions
//! ```
//!
//! # Seams
//!
//! - [`BlockProducer`]: the RPC never builds blocks; it tells the node's
//!   miner that transactions wait and forwards the dev methods.
//! - [`RpcContext`]: shared by every namespace; built by the node.
//! - [`RpcError`]: the one conversion from domain errors to JSON-RPC error
//!   objects (EIP-1474 codes, geth's messages; see [`error`]).
//!
//! # Methods
//!
//! | namespace | methods |
//! |---|---|
//! | `web3_` | clientVersion, sha3 |
//! | `net_` | version, listening, peerCount |
//! | `eth_` | chainId, blockNumber, syncing, accounts, coinbase, gasPrice, maxPriorityFeePerGas, feeHistory, getBalance, getTransactionCount, getCode, getStorageAt, getProof, call (with state overrides), estimateGas, sendRawTransaction, sendTransaction, signTransaction, fillTransaction, sign, getBlockByNumber/ByHash, getBlockTransactionCountByNumber/ByHash, getTransactionByHash, getTransactionByBlockNumberAndIndex/BlockHashAndIndex, getTransactionReceipt, getBlockReceipts, getLogs, newFilter, newBlockFilter, newPendingTransactionFilter, getFilterChanges, getFilterLogs, uninstallFilter, subscribe/unsubscribe (newHeads, logs, newPendingTransactions) |
//! | `personal_` | sign |
//! | `txpool_` | status, content, inspect |
//! | `evm_` | mine, setAutomine, setIntervalMining, increaseTime, setNextBlockTimestamp, snapshot, revert |
//! | `anvil_` (and `hardhat_` aliases) | mine, nodeInfo, getAutomine, setAutomine, setBalance, setNonce, setCode, setStorageAt, loadState, impersonateAccount, stopImpersonatingAccount |
//!
//! Dev state writes (`anvil_set*`, `anvil_loadState`) and `evm_revert` go
//! through the producer ([`StatePatch`], [`BlockProducer::rewind`]): a write
//! is sealed into a new block, so every state stays behind a verifiable root.
//! `anvil_loadState` reads Basalt's versioned dump ([`state_dump`]).
//! `anvil_dumpState` is not served: the state trie is keyed by
//! `keccak256(address)` and `keccak256(slot)`, and the node keeps no
//! preimages of those keys, so it cannot list the addresses and slots a
//! dump must name.
//!
//! # Encodings
//!
//! Quantities are `0x`-hex without leading zeros, data even-length `0x`-hex
//! ([`types`]); blocks, transactions, receipts and logs carry every field of
//! the execution-apis spec that clients were seen to need.

pub mod accounts;
pub mod context;
pub mod error;
pub mod filters;
pub mod namespaces;
pub mod network;
pub mod producer;
pub mod server;
pub mod state_dump;
pub mod types;

pub use accounts::DevAccounts;
pub use context::{RpcConfig, RpcContext};
pub use error::{RpcError, RpcResult, StateDumpError};
pub use network::{NetworkAccess, SyncProgress};
pub use producer::{BlockProducer, ProducerFuture, StatePatch};
pub use server::{rpc_module, start_server, ServerLimits};
