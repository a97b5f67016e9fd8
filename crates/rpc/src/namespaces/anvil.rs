//! The `anvil_` dev namespace: what cast and scripts probe and use.

use crate::context::RpcContext;
use crate::error::{RpcError, RpcResult, StateDumpError};
use crate::namespaces::evm::small;
use crate::producer::StatePatch;
use crate::state_dump::StateDump;
use crate::types::{Bytes, Quantity};
use basalt_primitives::{keccak256, Address, H256};
use jsonrpsee::core::async_trait;
use jsonrpsee::proc_macros::rpc;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::sync::Arc;
use tracing::debug;

const TARGET: &str = "basalt::rpc";

/// The `anvil_` methods.
#[rpc(server, namespace = "anvil")]
pub trait AnvilApi {
    /// Mines `blocks` blocks (default 1), `interval` seconds apart.
    #[method(name = "mine", aliases = ["hardhat_mine"])]
    async fn mine(&self, blocks: Option<Quantity>, interval: Option<Quantity>) -> RpcResult<()>;
    /// Node facts (what cast probes).
    #[method(name = "nodeInfo")]
    fn node_info(&self) -> RpcResult<Value>;
    /// Whether automine is on.
    #[method(name = "getAutomine", aliases = ["hardhat_getAutomine"])]
    fn get_automine(&self) -> RpcResult<bool>;
    /// Turns automine on or off.
    #[method(name = "setAutomine")]
    fn set_automine(&self, enabled: bool) -> RpcResult<()>;
    /// Sets a balance (sealed into a new block).
    #[method(name = "setBalance", aliases = ["hardhat_setBalance"])]
    async fn set_balance(&self, address: Address, balance: Quantity) -> RpcResult<()>;
    /// Sets a nonce (sealed into a new block).
    #[method(name = "setNonce", aliases = ["hardhat_setNonce"])]
    async fn set_nonce(&self, address: Address, nonce: Quantity) -> RpcResult<()>;
    /// Sets code: a bare wasm module, validated first (sealed into a new block).
    #[method(name = "setCode", aliases = ["hardhat_setCode"])]
    async fn set_code(&self, address: Address, code: Bytes) -> RpcResult<()>;
    /// Sets a storage word (sealed into a new block).
    #[method(name = "setStorageAt", aliases = ["hardhat_setStorageAt"])]
    async fn set_storage_at(
        &self,
        address: Address,
        slot: Quantity,
        value: H256,
    ) -> RpcResult<bool>;
    /// Writes every account of a state dump ([`crate::state_dump`]) into
    /// one new block; answers true. Nothing is written when any part of the
    /// dump is invalid.
    #[method(name = "loadState")]
    async fn load_state(&self, dump: String) -> RpcResult<bool>;
    /// Every account of the state at the head, as a dump `anvil_loadState`
    /// reads ([`crate::state_dump`]).
    #[method(name = "dumpState", aliases = ["hardhat_dumpState"])]
    async fn dump_state(&self) -> RpcResult<String>;
    /// Lets `eth_sendTransaction` send from `address` without its key.
    #[method(name = "impersonateAccount", aliases = ["hardhat_impersonateAccount"])]
    fn impersonate_account(&self, address: Address) -> RpcResult<()>;
    /// Ends an impersonation.
    #[method(name = "stopImpersonatingAccount", aliases = ["hardhat_stopImpersonatingAccount"])]
    fn stop_impersonating_account(&self, address: Address) -> RpcResult<()>;
}

/// The `anvil_` implementation.
#[derive(Debug, Clone)]
pub struct AnvilApi {
    ctx: Arc<RpcContext>,
}

impl AnvilApi {
    /// Over the shared context.
    pub fn new(ctx: Arc<RpcContext>) -> Self {
        Self { ctx }
    }

    async fn patch(&self, patch: StatePatch) -> RpcResult<()> {
        self.ctx.producer.apply_patch(patch).await.map_err(RpcError::Producer)?;
        Ok(())
    }
}

#[async_trait]
impl AnvilApiServer for AnvilApi {
    async fn mine(&self, blocks: Option<Quantity>, interval: Option<Quantity>) -> RpcResult<()> {
        let blocks = blocks.map(|b| small(b, "blocks")).transpose()?.unwrap_or(1).max(1);
        let interval = interval.map(|i| small(i, "interval")).transpose()?;
        match interval {
            None => {
                self.ctx.producer.mine(blocks, None).await.map_err(RpcError::Producer)?;
            }
            Some(step) => {
                for _ in 0..blocks {
                    let ts = self.ctx.chain.head().header.timestamp.saturating_add(step.max(1));
                    self.ctx.producer.mine(1, Some(ts)).await.map_err(RpcError::Producer)?;
                }
            }
        }
        Ok(())
    }

    fn node_info(&self) -> RpcResult<Value> {
        let head = self.ctx.chain.head();
        Ok(json!({
            "currentBlockNumber": format!("{:#x}", head.header.number),
            "currentBlockTimestamp": head.header.timestamp,
            "currentBlockHash": format!("{:?}", head.hash),
            "chainId": self.ctx.config.chain_id,
            "hardFork": "london",
            "transactionOrder": "fees",
            "environment": {
                "baseFee": format!("{:#x}", self.ctx.next_base_fee()),
                "chainId": self.ctx.config.chain_id,
                "gasLimit": format!("{:#x}", head.header.gas_limit),
                "gasPrice": format!("{:#x}", self.ctx.next_base_fee()),
            },
            "forkConfig": {},
            "network": "basalt",
            "clientVersion": self.ctx.config.client_version,
        }))
    }

    fn get_automine(&self) -> RpcResult<bool> {
        Ok(self.ctx.producer.automine())
    }

    fn set_automine(&self, enabled: bool) -> RpcResult<()> {
        self.ctx.producer.set_automine(enabled);
        Ok(())
    }

    async fn set_balance(&self, address: Address, balance: Quantity) -> RpcResult<()> {
        self.patch(StatePatch::Balance(address, balance.0)).await
    }

    async fn set_nonce(&self, address: Address, nonce: Quantity) -> RpcResult<()> {
        self.patch(StatePatch::Nonce(address, small(nonce, "nonce")?)).await
    }

    async fn set_code(&self, address: Address, code: Bytes) -> RpcResult<()> {
        if !code.0.is_empty() {
            let chain = self.ctx.chain.clone();
            let module = code.0.clone();
            tokio::task::spawn_blocking(move || chain.vm().prepare(&module))
                .await
                .map_err(|e| RpcError::Task(e.to_string()))?
                .map_err(|e| RpcError::InvalidParams(format!("invalid contract code: {e}")))?;
        }
        self.patch(StatePatch::Code(address, code.0)).await
    }

    async fn set_storage_at(
        &self,
        address: Address,
        slot: Quantity,
        value: H256,
    ) -> RpcResult<bool> {
        self.patch(StatePatch::Storage(address, H256(slot.0.to_big_endian()), value)).await?;
        Ok(true)
    }

    async fn load_state(&self, dump: String) -> RpcResult<bool> {
        let dump = StateDump::decode(&dump)?;
        let chain = self.ctx.chain.clone();
        // Every module is checked before anything is written (once per code hash).
        let dump = tokio::task::spawn_blocking(move || {
            let mut checked = HashSet::new();
            for (address, account) in &dump.accounts {
                let code = &account.code.0;
                if code.is_empty() || !checked.insert(keccak256(code)) {
                    continue;
                }
                chain.vm().prepare(code).map_err(|e| StateDumpError::InvalidCode {
                    address: *address,
                    reason: e.to_string(),
                })?;
            }
            Ok::<_, StateDumpError>(dump)
        })
        .await
        .map_err(|e| RpcError::Task(e.to_string()))??;
        let accounts = dump.accounts.len();
        self.patch(dump.into_patch()).await?;
        debug!(target: TARGET, accounts, "loaded a state dump");
        Ok(true)
    }

    async fn dump_state(&self) -> RpcResult<String> {
        let chain = self.ctx.chain.clone();
        tokio::task::spawn_blocking(move || {
            let head = chain.head();
            StateDump::from_store(chain.store(), &head).map(|dump| dump.encode())
        })
        .await
        .map_err(|e| RpcError::Task(e.to_string()))?
        .map_err(RpcError::Execution)
    }

    fn impersonate_account(&self, address: Address) -> RpcResult<()> {
        self.ctx.impersonated.lock().insert(address);
        Ok(())
    }

    fn stop_impersonating_account(&self, address: Address) -> RpcResult<()> {
        self.ctx.impersonated.lock().remove(&address);
        Ok(())
    }
}
