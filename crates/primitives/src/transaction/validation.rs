//! Stateless transaction validity: rules that need neither state nor the block.
//!
//! Applied by the pool on admission and by the executor before running a
//! transaction, after decoding and sender recovery:
//!
//! 1. EIP-2681: `nonce < 2^64 - 1` (the sender's nonce must stay incrementable);
//! 2. EIP-1559: `maxPriorityFeePerGas <= maxFeePerGas`;
//! 3. `gasLimit * feeCap` and `gasLimit * feeCap + value` fit in 256 bits
//!    (the most the sender can be charged must be representable);
//! 4. `gasLimit >= intrinsic_gas()`.
//!
//! # Intrinsic gas (Ethereum's Shanghai / Cancun schedule)
//!
//! | item | gas |
//! |---|---|
//! | every transaction | 21 000 |
//! | contract creation (`to` empty) | + 32 000 |
//! | each zero calldata byte | + 4 |
//! | each non-zero calldata byte | + 16 (EIP-2028) |
//! | each access-list address | + 2 400 (EIP-2930) |
//! | each access-list storage key | + 1 900 (EIP-2930) |
//! | creation: each 32-byte word of initcode, rounded up | + 2 (EIP-3860) |
//!
//! Prague's EIP-7623 calldata floor is *not* applied: Basalt follows the
//! Cancun schedule. EIP-3860's 49 152-byte initcode cap is not enforced
//! here either: Basalt's initcode is a wasm deploy envelope, whose size limit
//! is a chain parameter the executor enforces.
//!
//! The sum saturates at `u64::MAX` (no transaction can carry that much gas,
//! so a saturated value always fails check 4).

use super::Transaction;
use crate::error::ValidationError;

/// Gas every transaction pays.
pub const TX_BASE_GAS: u64 = 21_000;
/// Extra gas for a contract creation.
pub const TX_CREATE_GAS: u64 = 32_000;
/// Gas per zero byte of calldata.
pub const TX_DATA_ZERO_GAS: u64 = 4;
/// Gas per non-zero byte of calldata (EIP-2028).
pub const TX_DATA_NON_ZERO_GAS: u64 = 16;
/// Gas per access-list address (EIP-2930).
pub const ACCESS_LIST_ADDRESS_GAS: u64 = 2_400;
/// Gas per access-list storage key (EIP-2930).
pub const ACCESS_LIST_STORAGE_KEY_GAS: u64 = 1_900;
/// Gas per 32-byte word of initcode in a creation (EIP-3860).
pub const INITCODE_WORD_GAS: u64 = 2;

fn to_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

impl Transaction {
    /// The gas charged before execution starts (see the module docs for the schedule).
    pub fn intrinsic_gas(&self) -> u64 {
        let input = self.input();
        let zeros = to_u64(input.iter().filter(|b| **b == 0).count());
        let non_zeros = to_u64(input.len()).saturating_sub(zeros);
        let mut gas = TX_BASE_GAS
            .saturating_add(zeros.saturating_mul(TX_DATA_ZERO_GAS))
            .saturating_add(non_zeros.saturating_mul(TX_DATA_NON_ZERO_GAS));
        if self.kind().is_create() {
            let words = to_u64(input.len().div_ceil(32));
            gas = gas
                .saturating_add(TX_CREATE_GAS)
                .saturating_add(words.saturating_mul(INITCODE_WORD_GAS));
        }
        if let Some(list) = self.access_list() {
            gas = gas
                .saturating_add(
                    to_u64(list.address_count()).saturating_mul(ACCESS_LIST_ADDRESS_GAS),
                )
                .saturating_add(
                    to_u64(list.storage_key_count()).saturating_mul(ACCESS_LIST_STORAGE_KEY_GAS),
                );
        }
        gas
    }

    /// Applies the stateless rules in the order listed in the module docs.
    pub fn validate_stateless(&self) -> Result<(), ValidationError> {
        let nonce = self.nonce();
        if nonce == u64::MAX {
            return Err(ValidationError::NonceMax { nonce });
        }
        let max_fee_per_gas = self.max_fee_per_gas();
        if let Some(max_priority_fee_per_gas) = self.max_priority_fee_per_gas() {
            if max_priority_fee_per_gas > max_fee_per_gas {
                return Err(ValidationError::TipAboveFeeCap {
                    max_priority_fee_per_gas,
                    max_fee_per_gas,
                });
            }
        }
        let gas_limit = self.gas_limit();
        let gas_cost = max_fee_per_gas
            .checked_mul(gas_limit.into())
            .ok_or(ValidationError::GasCostOverflow { gas_limit, fee_cap: max_fee_per_gas })?;
        let value = self.value();
        if gas_cost.checked_add(value).is_none() {
            return Err(ValidationError::TotalCostOverflow { value });
        }
        let intrinsic_gas = self.intrinsic_gas();
        if gas_limit < intrinsic_gas {
            return Err(ValidationError::IntrinsicGasTooLow { gas_limit, intrinsic_gas });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transaction::{AccessList, AccessListItem, TxEip1559, TxKind, TxLegacy};
    use ethereum_types::{Address, H256, U256};

    fn call(input: Vec<u8>) -> TxLegacy {
        TxLegacy {
            gas_limit: 1_000_000,
            to: TxKind::Call(Address::repeat_byte(1)),
            input,
            ..Default::default()
        }
    }

    #[test]
    fn intrinsic_gas_follows_the_schedule() {
        assert_eq!(Transaction::from(call(vec![])).intrinsic_gas(), 21_000);
        assert_eq!(Transaction::from(call(vec![0, 1, 0, 2])).intrinsic_gas(), 21_000 + 8 + 32);
        // Create with 33 bytes of initcode: 2 words.
        let create = TxLegacy { to: TxKind::Create, ..call(vec![1; 33]) };
        assert_eq!(Transaction::from(create).intrinsic_gas(), 21_000 + 33 * 16 + 32_000 + 4);
        let with_list = TxEip1559 {
            access_list: AccessList(vec![
                AccessListItem { address: Address::zero(), storage_keys: vec![H256::zero(); 2] },
                AccessListItem { address: Address::zero(), storage_keys: vec![] },
            ]),
            ..Default::default()
        };
        assert_eq!(
            Transaction::from(with_list).intrinsic_gas(),
            21_000 + 32_000 + 2 * 2_400 + 2 * 1_900
        );
    }

    #[test]
    fn stateless_rules_reject_in_order() {
        let ok = Transaction::from(call(vec![]));
        assert_eq!(ok.validate_stateless(), Ok(()));
        let nonce = Transaction::from(TxLegacy { nonce: u64::MAX, ..call(vec![]) });
        assert!(matches!(nonce.validate_stateless(), Err(ValidationError::NonceMax { .. })));
        let tip = Transaction::from(TxEip1559 {
            max_priority_fee_per_gas: 2.into(),
            max_fee_per_gas: 1.into(),
            gas_limit: 21_000,
            ..Default::default()
        });
        assert!(matches!(tip.validate_stateless(), Err(ValidationError::TipAboveFeeCap { .. })));
        let product = Transaction::from(TxLegacy { gas_price: U256::MAX, ..call(vec![]) });
        assert!(matches!(
            product.validate_stateless(),
            Err(ValidationError::GasCostOverflow { .. })
        ));
        let total = Transaction::from(TxLegacy {
            gas_price: U256::one(),
            value: U256::MAX,
            ..call(vec![])
        });
        assert!(matches!(
            total.validate_stateless(),
            Err(ValidationError::TotalCostOverflow { .. })
        ));
        let low = Transaction::from(TxLegacy { gas_limit: 20_999, ..call(vec![]) });
        assert_eq!(
            low.validate_stateless(),
            Err(ValidationError::IntrinsicGasTooLow { gas_limit: 20_999, intrinsic_gas: 21_000 })
        );
    }
}
