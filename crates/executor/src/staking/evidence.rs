//! Equivocation evidence: two headers for one slot, sealed by one validator.
//!
//! The rule itself is the consensus crate's
//! [`verify_equivocation`](basalt_consensus::verify_equivocation), so the engine and the
//! contract cannot disagree on what an equivocation is; this module decodes the calldata's
//! headers and names what was wrong in the revert reason.

use super::StakingParams;
use basalt_consensus::ConsensusError;
use basalt_primitives::{Address, DecodeError, Header};

/// Which of the two evidence headers a problem concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// `headerA`.
    A,
    /// `headerB`.
    B,
}

impl std::fmt::Display for Which {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Which::A => "headerA",
            Which::B => "headerB",
        })
    }
}

/// Why evidence does not prove an equivocation. The message (prefixed `staking: `) is the
/// revert reason `submitEvidence` returns.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EvidenceError {
    /// A header is not a header's RLP.
    #[error("{which} is not an RLP-encoded header: {reason}")]
    Malformed {
        /// Which header.
        which: Which,
        /// The decoder's complaint.
        reason: DecodeError,
    },
    /// The headers decode but do not show an equivocation: a timestamp off a slot start,
    /// different slots, one signed proposal (same seal hash), a seal that does not
    /// recover, or different signers.
    #[error(transparent)]
    NotEquivocation(#[from] ConsensusError),
}

/// What valid evidence proves: `offender` sealed two different proposals for `slot`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Equivocation {
    /// The validator that signed both headers.
    pub offender: Address,
    /// The slot both headers claim.
    pub slot: u64,
}

/// Decodes `header_a` and `header_b` (RLP) and checks that they are two different
/// proposals (different seal hashes) for the same slot, sealed by the same key.
///
/// Different *seal hashes*, not different block hashes: `mixHash`, `nonce` and `seal` are
/// outside the signed message, so anyone could change them on one honest header and get
/// a second block hash with the same signer.
pub fn check_evidence(
    params: &StakingParams,
    header_a: &[u8],
    header_b: &[u8],
) -> Result<Equivocation, EvidenceError> {
    let a = Header::decode_rlp(header_a)
        .map_err(|reason| EvidenceError::Malformed { which: Which::A, reason })?;
    let b = Header::decode_rlp(header_b)
        .map_err(|reason| EvidenceError::Malformed { which: Which::B, reason })?;
    let (offender, slot) =
        basalt_consensus::verify_equivocation(&a, &b, params.genesis_timestamp, params.slot_time)?;
    Ok(Equivocation { offender, slot })
}
