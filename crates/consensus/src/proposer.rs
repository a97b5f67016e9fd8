//! The proof-of-stake block signer and its slashing protection.
//!
//! A [`Proposer`] signs headers for its slots with one key, and never signs two proposals
//! for one slot, even across restarts: it keeps the highest slot it ever signed in a
//! record file, refuses any slot at or below it, and makes the new value durable *before*
//! it hands out a seal (write a temporary file, fsync it, rename it over the record, fsync
//! the directory). A crash after the write and before the block is broadcast only costs
//! the slot.
//!
//! The record is 44 bytes: `"BSLTSLP1"` ‖ the signer's address (20) ‖ the highest signed
//! slot (8, big-endian) ‖ the first 8 bytes of keccak256 of the preceding 36. A record for
//! another key, or one that fails its checksum, is an error: the proposer will not start
//! on a record it cannot trust. Two processes must not share a record file.

use crate::{sign_seal, slot_of, ConsensusError, Result};
use basalt_primitives::{keccak256, secret_key_to_address, Address, Header, SigningKey};
use parking_lot::Mutex;
use std::fs::{self, File};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

const RECORD_MAGIC: &[u8; 8] = b"BSLTSLP1";
const RECORD_LEN: usize = 44;

/// Signs proof-of-stake headers with slashing protection. See the [module docs](self).
pub struct Proposer {
    key: SigningKey,
    address: Address,
    genesis_timestamp: u64,
    slot_time: u64,
    record_path: PathBuf,
    /// The highest slot signed, guarded for the whole check-record-sign sequence.
    highest: Mutex<Option<u64>>,
}

impl std::fmt::Debug for Proposer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        f.debug_struct("Proposer")
            .field("address", &self.address)
            .field("record_path", &self.record_path)
            .field("highest_signed_slot", &*self.highest.lock())
            .finish_non_exhaustive()
    }
}

impl Proposer {
    /// A proposer signing with `key` for a chain whose slot 0 starts at `genesis_timestamp`
    /// with `slot_time`-second slots, protected by the record at `record_path` (e.g.
    /// `<datadir>/slashing-protection.bin`; created on first signature, read back if it
    /// exists).
    pub fn open(
        key: SigningKey,
        record_path: impl Into<PathBuf>,
        genesis_timestamp: u64,
        slot_time: u64,
    ) -> Result<Self> {
        let record_path = record_path.into();
        let address = secret_key_to_address(&key);
        let highest = read_record(&record_path, address)?;
        tracing::info!(
            target: "basalt::consensus",
            %address,
            record = %record_path.display(),
            highest_signed_slot = ?highest,
            "proof-of-stake proposer ready"
        );
        Ok(Self {
            key,
            address,
            genesis_timestamp,
            slot_time,
            record_path,
            highest: Mutex::new(highest),
        })
    }

    /// The address blocks are signed with (and must pay).
    pub fn address(&self) -> Address {
        self.address
    }

    /// The highest slot this key has signed, if any.
    pub fn highest_signed_slot(&self) -> Option<u64> {
        *self.highest.lock()
    }

    /// Signs `header` (prepared by [`Engine::prepare`](crate::Engine::prepare), its
    /// beneficiary this proposer, its timestamp a slot start) and returns it with its
    /// seal. Refuses ([`ConsensusError::AlreadySigned`]) any slot at or below the highest
    /// ever signed; records the new slot durably before signing.
    pub fn seal(&self, mut header: Header) -> Result<Header> {
        let slot = slot_of(self.genesis_timestamp, self.slot_time, header.timestamp)
            .ok_or(ConsensusError::NotASlotStart { timestamp: header.timestamp })?;
        if header.beneficiary != self.address {
            return Err(ConsensusError::BeneficiaryNotProposer {
                slot,
                beneficiary: header.beneficiary,
                proposer: self.address,
            });
        }
        let mut highest = self.highest.lock();
        if let Some(highest) = *highest {
            if slot <= highest {
                return Err(ConsensusError::AlreadySigned { slot, highest });
            }
        }
        write_record(&self.record_path, self.address, slot)?;
        *highest = Some(slot);
        header.seal = sign_seal(&header, &self.key)?;
        tracing::debug!(
            target: "basalt::consensus",
            slot,
            number = header.number,
            "signed a proof-of-stake block"
        );
        Ok(header)
    }
}

fn record_error(path: &Path, reason: impl std::fmt::Display) -> ConsensusError {
    ConsensusError::SlashingRecord { path: path.to_owned(), reason: reason.to_string() }
}

fn checksum(body: &[u8]) -> [u8; 8] {
    let mut out = [0u8; 8];
    out.copy_from_slice(&keccak256(body).0[..8]);
    out
}

/// The highest slot in the record at `path`, `None` if there is no record yet.
fn read_record(path: &Path, address: Address) -> Result<Option<u64>> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(record_error(path, e)),
    };
    let Ok(record) = <[u8; RECORD_LEN]>::try_from(bytes.as_slice()) else {
        return Err(record_error(path, format!("{} bytes, expected {RECORD_LEN}", bytes.len())));
    };
    let (body, sum) = record.split_at(RECORD_LEN - 8);
    if &body[..8] != RECORD_MAGIC || sum != checksum(body) {
        return Err(record_error(path, "not a slashing-protection record, or corrupt"));
    }
    let owner = Address::from_slice(&body[8..28]);
    if owner != address {
        return Err(record_error(path, format!("the record is {owner:?}'s, not {address:?}'s")));
    }
    let mut slot = [0u8; 8];
    slot.copy_from_slice(&body[28..36]);
    Ok(Some(u64::from_be_bytes(slot)))
}

/// Durably replaces the record at `path` with `slot`: temp file, fsync, rename, fsync dir.
fn write_record(path: &Path, address: Address, slot: u64) -> Result<()> {
    let mut record = [0u8; RECORD_LEN];
    record[..8].copy_from_slice(RECORD_MAGIC);
    record[8..28].copy_from_slice(address.as_bytes());
    record[28..36].copy_from_slice(&slot.to_be_bytes());
    let sum = checksum(&record[..36]);
    record[36..].copy_from_slice(&sum);

    let file_name = path.file_name().ok_or_else(|| record_error(path, "not a file path"))?;
    let mut temp_name = file_name.to_owned();
    temp_name.push(".tmp");
    let temp = path.with_file_name(temp_name);
    let mut file = File::create(&temp).map_err(|e| record_error(&temp, e))?;
    file.write_all(&record).map_err(|e| record_error(&temp, e))?;
    file.sync_all().map_err(|e| record_error(&temp, e))?;
    drop(file);
    fs::rename(&temp, path).map_err(|e| record_error(path, e))?;
    sync_parent_dir(path)
}

/// Makes a rename in `path`'s directory durable.
#[cfg(unix)]
fn sync_parent_dir(path: &Path) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    File::open(dir).and_then(|d| d.sync_all()).map_err(|e| record_error(dir, e))
}

/// Directories cannot be opened for syncing here; the rename is as durable as the OS makes it.
#[cfg(not(unix))]
fn sync_parent_dir(_path: &Path) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::pos::test_utils::{key, FixedStakes};
    use crate::pos::PosEngine;
    use crate::rules::test_utils::child_of;
    use crate::{seal_signer, Engine};
    use basalt_chainspec::{PosConfig, Validator};
    use basalt_primitives::U256;

    const GENESIS_TS: u64 = 1_000;

    fn header_for(proposer: &Proposer, slot: u64) -> Header {
        Header {
            number: slot,
            timestamp: GENESIS_TS + 2 * slot,
            beneficiary: proposer.address(),
            difficulty: U256::one(),
            ..Header::default()
        }
    }

    #[test]
    fn signs_increasing_slots_only() {
        let dir = tempfile::tempdir().unwrap();
        let proposer = Proposer::open(key(1), dir.path().join("sp.bin"), GENESIS_TS, 2).unwrap();
        assert_eq!(proposer.highest_signed_slot(), None);
        let sealed = proposer.seal(header_for(&proposer, 3)).unwrap();
        assert_eq!(seal_signer(&sealed).unwrap(), proposer.address());
        assert_eq!(proposer.highest_signed_slot(), Some(3));
        // The same slot with other content, and an earlier slot: refused.
        let mut other = header_for(&proposer, 3);
        other.extra_data = b"double".to_vec();
        assert_eq!(
            proposer.seal(other),
            Err(ConsensusError::AlreadySigned { slot: 3, highest: 3 })
        );
        assert_eq!(
            proposer.seal(header_for(&proposer, 2)),
            Err(ConsensusError::AlreadySigned { slot: 2, highest: 3 })
        );
        proposer.seal(header_for(&proposer, 4)).unwrap();
        assert_eq!(proposer.highest_signed_slot(), Some(4));
    }

    #[test]
    fn the_record_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("slashing-protection.bin");
        {
            let proposer = Proposer::open(key(1), &path, GENESIS_TS, 2).unwrap();
            proposer.seal(header_for(&proposer, 7)).unwrap();
        }
        let restarted = Proposer::open(key(1), &path, GENESIS_TS, 2).unwrap();
        assert_eq!(restarted.highest_signed_slot(), Some(7));
        let mut double = header_for(&restarted, 7);
        double.extra_data = b"after restart".to_vec();
        assert_eq!(
            restarted.seal(double),
            Err(ConsensusError::AlreadySigned { slot: 7, highest: 7 })
        );
        restarted.seal(header_for(&restarted, 8)).unwrap();
        assert!(!dir.path().join("slashing-protection.bin.tmp").exists());
        let again = Proposer::open(key(1), &path, GENESIS_TS, 2).unwrap();
        assert_eq!(again.highest_signed_slot(), Some(8));
    }

    #[test]
    fn a_foreign_or_corrupt_record_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sp.bin");
        let proposer = Proposer::open(key(1), &path, GENESIS_TS, 2).unwrap();
        proposer.seal(header_for(&proposer, 1)).unwrap();
        assert!(matches!(
            Proposer::open(key(2), &path, GENESIS_TS, 2),
            Err(ConsensusError::SlashingRecord { .. })
        ));
        let mut bytes = fs::read(&path).unwrap();
        bytes[30] ^= 1;
        fs::write(&path, &bytes).unwrap();
        assert!(matches!(
            Proposer::open(key(1), &path, GENESIS_TS, 2),
            Err(ConsensusError::SlashingRecord { .. })
        ));
        fs::write(&path, b"short").unwrap();
        assert!(matches!(
            Proposer::open(key(1), &path, GENESIS_TS, 2),
            Err(ConsensusError::SlashingRecord { .. })
        ));
    }

    #[test]
    fn refuses_off_slot_timestamps_and_foreign_beneficiaries() {
        let dir = tempfile::tempdir().unwrap();
        let proposer = Proposer::open(key(1), dir.path().join("sp.bin"), GENESIS_TS, 2).unwrap();
        let mut h = header_for(&proposer, 3);
        h.timestamp += 1;
        assert_eq!(proposer.seal(h), Err(ConsensusError::NotASlotStart { timestamp: 1_007 }));
        let mut h = header_for(&proposer, 3);
        h.beneficiary = Address::repeat_byte(5);
        assert!(matches!(proposer.seal(h), Err(ConsensusError::BeneficiaryNotProposer { .. })));
        // Nothing was recorded for the refused attempts.
        assert_eq!(proposer.highest_signed_slot(), None);
        assert!(!dir.path().join("sp.bin").exists());
    }

    #[test]
    fn an_unwritable_record_means_no_seal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-dir").join("sp.bin");
        let proposer = Proposer::open(key(1), &path, GENESIS_TS, 2).unwrap();
        assert!(matches!(
            proposer.seal(header_for(&proposer, 1)),
            Err(ConsensusError::SlashingRecord { .. })
        ));
        assert_eq!(proposer.highest_signed_slot(), None);
    }

    #[test]
    fn proposer_seals_verify_under_the_engine() {
        let stakes = FixedStakes::new(&[1]);
        let (address, stake) = stakes.validators[0];
        let engine = PosEngine::new(
            PosConfig {
                validators: vec![Validator { address, stake }],
                slot_time: 2,
                epoch_length: 4,
                unbonding_epochs: 2,
                slash_bps: 10_000,
                reporter_reward_bps: 1_000,
            },
            GENESIS_TS,
        );
        let dir = tempfile::tempdir().unwrap();
        let proposer = Proposer::open(key(1), dir.path().join("sp.bin"), GENESIS_TS, 2).unwrap();
        let genesis =
            Header { number: 0, timestamp: GENESIS_TS, gas_limit: 30_000_000, ..Header::default() };
        let mut header = child_of(&genesis, engine.slot_timestamp(1));
        header.beneficiary = proposer.address();
        engine.prepare(&genesis, &mut header).unwrap();
        let sealed = proposer.seal(header).unwrap();
        engine.verify_header(&genesis, &sealed, sealed.timestamp, &stakes).unwrap();
    }
}
