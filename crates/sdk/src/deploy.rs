//! Creating contracts from a contract: `create1` / `create2`, the deploy
//! envelope and the CREATE2 address rule.
//!
//! Deployment code is a deploy envelope (`EF 57 41 00 ‖ u32-be len ‖ wasm ‖
//! constructor args`, see [`basalt_vm_abi::deploy`]) or a bare module. The
//! host runs the new contract's `user_constructor` with the args; its revert
//! data comes back as [`CallError::Revert`].
#![allow(unsafe_code)]

use crate::call::CallError;
use crate::crypto::keccak256;
use crate::sys;
use alloc::vec::Vec;
use alloy_primitives::{Address, B256, U256};
use basalt_vm_abi::{encode_deploy_prefix, CallStatus};

/// Builds deployment code: the envelope around `wasm` followed by the
/// ABI-encoded constructor `args` (empty for none). `None` if `wasm` is
/// longer than the envelope's u32 length field can say.
pub fn envelope(wasm: &[u8], args: &[u8]) -> Option<Vec<u8>> {
    let len = u32::try_from(wasm.len()).ok()?;
    let mut code = Vec::with_capacity(8 + wasm.len() + args.len());
    code.extend_from_slice(&encode_deploy_prefix(len));
    code.extend_from_slice(wasm);
    code.extend_from_slice(args);
    Some(code)
}

/// The address `deployer` creates with CREATE2 from `salt` and deployment
/// `code` (the whole envelope, constructor args included, exactly as passed
/// to [`create2`]): `keccak256(0xff ‖ deployer ‖ salt ‖ keccak256(code))[12..]`
/// (EIP-1014). Hashes through the host.
pub fn create2_address(deployer: Address, salt: B256, code: &[u8]) -> Address {
    create2_address_from_hash(deployer, salt, keccak256(code))
}

/// [`create2_address`] from the code's keccak256 instead of the code.
pub fn create2_address_from_hash(deployer: Address, salt: B256, code_hash: B256) -> Address {
    let mut preimage = [0u8; 85];
    preimage[0] = 0xff;
    preimage[1..21].copy_from_slice(deployer.as_slice());
    preimage[21..53].copy_from_slice(salt.as_slice());
    preimage[53..85].copy_from_slice(code_hash.as_slice());
    Address::from_word(keccak256(preimage))
}

fn finish_create(status: u32, contract: Address, return_len: u32) -> Result<Address, CallError> {
    match CallStatus::from_raw(status) {
        Some(CallStatus::Success) => Ok(contract),
        Some(CallStatus::Revert) => {
            Err(CallError::Revert(crate::call::read_return_data(return_len)))
        }
        Some(CallStatus::Failure) | None => Err(CallError::Failure),
    }
}

/// Deploys `code` with `endowment` wei at the CREATE address (this contract
/// and its nonce): EVM `CREATE`. All gas but one 64th is forwarded.
pub fn create1(code: &[u8], endowment: U256) -> Result<Address, CallError> {
    let endowment = crate::word::to_word(&endowment);
    let mut contract = Address::ZERO;
    let mut return_len = 0u32;
    // SAFETY: reads `code.len()` bytes from `code` and 32 from `endowment`;
    // writes 20 bytes to `contract` and a u32 to `return_len`.
    let status = unsafe {
        sys::create1(
            code.as_ptr(),
            code.len(),
            endowment.as_ptr(),
            contract.as_mut_ptr(),
            (&mut return_len as *mut u32).cast(),
        )
    };
    finish_create(status, contract, u32::from_le(return_len))
}

/// Deploys `code` with `endowment` wei at the CREATE2 address
/// [`create2_address`]`(this, salt, code)`: EVM `CREATE2`. Fails (with
/// [`CallError::Failure`]) if a contract already lives there.
pub fn create2(code: &[u8], endowment: U256, salt: B256) -> Result<Address, CallError> {
    let endowment = crate::word::to_word(&endowment);
    let mut contract = Address::ZERO;
    let mut return_len = 0u32;
    // SAFETY: reads `code.len()` bytes from `code` and 32 from each of
    // `endowment` and `salt`; writes 20 bytes to `contract` and a u32 to
    // `return_len`.
    let status = unsafe {
        sys::create2(
            code.as_ptr(),
            code.len(),
            endowment.as_ptr(),
            salt.as_ptr(),
            contract.as_mut_ptr(),
            (&mut return_len as *mut u32).cast(),
        )
    };
    finish_create(status, contract, u32::from_le(return_len))
}

/// Sends this contract's whole balance to `beneficiary`, deletes the contract
/// at the end of the transaction and ends the frame with success: Solidity
/// `selfdestruct(beneficiary)` (pre-EIP-6780 semantics). Never returns.
pub fn self_destruct(beneficiary: Address) -> ! {
    // SAFETY: reads 20 bytes from `beneficiary`; the host ends the frame.
    unsafe { sys::self_destruct(beneficiary.as_ptr()) };
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
    #[cfg(not(target_arch = "wasm32"))]
    unreachable!("self_destruct returned");
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{address, b256, hex};

    /// EIP-1014's published examples (with EVM init code; the rule is the
    /// same for any code bytes).
    #[test]
    fn create2_address_matches_eip1014_examples() {
        assert_eq!(
            create2_address(Address::ZERO, B256::ZERO, &hex!("00")),
            address!("4D1A2e2bB4F88F0250f26Ffff098B0b30B26BF38")
        );
        assert_eq!(
            create2_address(
                address!("deadbeef00000000000000000000000000000000"),
                b256!("000000000000000000000000feed000000000000000000000000000000000000"),
                &hex!("00")
            ),
            address!("D04116cDd17beBE565EB2422F2497E06cC1C9833")
        );
        assert_eq!(
            create2_address(
                address!("00000000000000000000000000000000deadbeef"),
                b256!("00000000000000000000000000000000000000000000000000000000cafebabe"),
                &hex!("deadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef")
            ),
            address!("1d8bfDC5D46DC4f61D6b6115972536eBE6A8854C")
        );
        assert_eq!(
            create2_address(Address::ZERO, B256::ZERO, &[]),
            address!("E33C0C7F7df4809055C3ebA6c09CFe4BaF1BD9e0")
        );
    }

    #[test]
    fn envelope_layout() {
        let code = envelope(b"\0asm\x01\0\0\0", &[0xaa; 32]).unwrap();
        assert_eq!(&code[..8], &[0xEF, 0x57, 0x41, 0x00, 0, 0, 0, 8]);
        assert_eq!(&code[8..16], b"\0asm\x01\0\0\0");
        assert_eq!(&code[16..], &[0xaa; 32]);
        let parsed = basalt_vm_abi::parse_deploy(&code).unwrap();
        assert_eq!(parsed.args, &[0xaa; 32]);
    }
}
