//! [`Host`] over basalt-state's journaled overlay: the host the executor and
//! the in-process tests use.

use crate::host::{Host, HostResult};
use basalt_primitives::{Address, Log, H256, U256};
use basalt_state::{Checkpoint, JournaledState, StateBackend};
use std::sync::Arc;

impl<B: StateBackend> Host for JournaledState<B> {
    type Checkpoint = Checkpoint;

    fn checkpoint(&mut self) -> Checkpoint {
        JournaledState::checkpoint(self)
    }

    fn revert(&mut self, checkpoint: Checkpoint) -> HostResult<()> {
        Ok(self.revert_to(checkpoint)?)
    }

    fn commit(&mut self, checkpoint: Checkpoint) -> HostResult<()> {
        Ok(self.commit_checkpoint(checkpoint)?)
    }

    fn is_live(&mut self, address: Address) -> HostResult<bool> {
        Ok(!self.is_dead(address)?)
    }

    fn balance(&mut self, address: Address) -> HostResult<U256> {
        Ok(JournaledState::balance(self, address)?)
    }

    fn nonce(&mut self, address: Address) -> HostResult<u64> {
        Ok(JournaledState::nonce(self, address)?)
    }

    fn set_nonce(&mut self, address: Address, nonce: u64) -> HostResult<()> {
        Ok(JournaledState::set_nonce(self, address, nonce)?)
    }

    fn code_hash(&mut self, address: Address) -> HostResult<H256> {
        // EIP-1052: zero for an account that does not exist (or is empty).
        if self.is_dead(address)? {
            return Ok(H256::zero());
        }
        Ok(JournaledState::code_hash(self, address)?)
    }

    fn code(&mut self, address: Address) -> HostResult<Arc<[u8]>> {
        Ok(JournaledState::code(self, address)?)
    }

    fn transfer(&mut self, from: Address, to: Address, amount: U256) -> HostResult<()> {
        if amount.is_zero() {
            // A zero transfer still touches the recipient (EIP-161).
            return Ok(self.touch(to)?);
        }
        Ok(JournaledState::transfer(self, from, to, amount)?)
    }

    fn create_account(&mut self, address: Address) -> HostResult<()> {
        Ok(JournaledState::create_account(self, address)?)
    }

    fn set_code(&mut self, address: Address, code: Arc<[u8]>) -> HostResult<H256> {
        Ok(JournaledState::set_code(self, address, code)?)
    }

    fn access_account(&mut self, address: Address) -> HostResult<bool> {
        Ok(JournaledState::access_account(self, address))
    }

    fn access_slot(&mut self, address: Address, slot: H256) -> HostResult<bool> {
        Ok(JournaledState::access_slot(self, address, slot))
    }

    fn storage(&mut self, address: Address, slot: H256) -> HostResult<H256> {
        Ok(JournaledState::storage(self, address, slot)?)
    }

    fn original_storage(&mut self, address: Address, slot: H256) -> HostResult<H256> {
        Ok(JournaledState::original_storage(self, address, slot)?)
    }

    fn set_storage(&mut self, address: Address, slot: H256, word: H256) -> HostResult<()> {
        JournaledState::set_storage(self, address, slot, word)?;
        Ok(())
    }

    fn log(&mut self, log: Log) -> HostResult<()> {
        self.push_log(log);
        Ok(())
    }

    fn self_destruct(&mut self, address: Address, beneficiary: Address) -> HostResult<()> {
        Ok(JournaledState::self_destruct(self, address, beneficiary)?)
    }
}
