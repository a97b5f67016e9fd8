//! [`JournaledState`]: the mutable overlay over a committed root.

mod commit;
mod journal;

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::mem;
use std::sync::Arc;

use basalt_primitives::{Account, Address, Log, H256, KECCAK_EMPTY, U256};
use tracing::trace;

use crate::backend::StateBackend;
use crate::error::{Error, Result};
use crate::reader::StateReader;

pub use commit::StateChanges;
pub use journal::Checkpoint;
use journal::{JournalEntry, Mark};

const TARGET: &str = "basalt_state";

/// One account as the overlay knows it.
#[derive(Clone, Debug)]
struct AccountEntry {
    /// The account at the base root (`None`: absent), to tell at commit
    /// whether anything changed.
    base: Option<Account>,
    /// The account now (`None`: absent or deleted). Its `storage_root` is the
    /// trie that slots not in `storage` are read from: the base root's, or
    /// the empty root once the account was (re)created.
    current: Option<Account>,
    /// Slots written since the base root, with their current words (zero
    /// words included: they are removed from the trie at commit). Empty
    /// whenever `current` is `None`.
    storage: BTreeMap<H256, H256>,
    /// Changed, or explicitly touched, in this transaction (EIP-161).
    touched: bool,
    /// Created by [`JournaledState::create_account`] in this transaction.
    created: bool,
    /// Self-destructed in this transaction.
    destructed: bool,
}

impl AccountEntry {
    fn loaded(account: Option<Account>) -> Self {
        Self {
            base: account,
            current: account,
            storage: BTreeMap::new(),
            touched: false,
            created: false,
            destructed: false,
        }
    }
}

/// The world state being changed by a block's transactions: a journaled
/// overlay over a committed state root.
///
/// Reads fall through to the committed state (through [`StateReader`]) and
/// are cached; writes stay in the overlay, each recorded in the journal so
/// that [`revert_to`](Self::revert_to) undoes exactly the changes made since
/// its [`Checkpoint`]: balances, nonces, code, existence, storage, logs,
/// touches, self-destruct and creation marks, and warm addresses and slots.
///
/// Lifecycle: for each transaction, change the state under nested
/// checkpoints (one per call frame), then [`finalize_transaction`](Self::finalize_transaction)
/// (applies self-destructs and EIP-161, clears the journal, the access sets
/// and the original values, and hands out the logs). After the block,
/// [`commit`](Self::commit) returns the new state root and the
/// [`StateChanges`] to store.
///
/// Reading methods take `&mut self` because they load accounts, slots and
/// code into the overlay's caches.
#[derive(Debug)]
pub struct JournaledState<B> {
    reader: StateReader<B>,
    /// Every account read or written, by address (ordered: commit walks it).
    accounts: BTreeMap<Address, AccountEntry>,
    /// Code by hash, loaded from the backend or set here.
    code: HashMap<H256, Arc<[u8]>>,
    /// Hashes of code set with [`JournaledState::set_code`]: stored at commit
    /// when a committed account refers to them.
    new_code: BTreeSet<H256>,
    /// Words read from the backend by (storage root, slot). Tries never change,
    /// so entries never go stale.
    storage_cache: HashMap<(H256, H256), H256>,
    journal: Vec<JournalEntry>,
    checkpoints: Vec<Mark>,
    next_checkpoint_id: u64,
    logs: Vec<Log>,
    warm_accounts: HashSet<Address>,
    warm_slots: HashSet<(Address, H256)>,
    /// Word of each slot written in this transaction, as it was before the
    /// transaction's first write to it. Journaled: once that write is
    /// reverted, the current word is the original again.
    tx_original: HashMap<(Address, H256), H256>,
    /// Accounts touched, created or self-destructed in this transaction (a
    /// superset: reverts do not remove them).
    tx_flagged: BTreeSet<Address>,
}

/// The overlay entry of `address`, loading it from `reader` on first use.
///
/// A free function over the two fields, so that callers can still borrow the
/// journal and the other fields while holding the entry.
fn load_entry<'a, B: StateBackend>(
    reader: &StateReader<B>,
    accounts: &'a mut BTreeMap<Address, AccountEntry>,
    address: Address,
) -> Result<&'a mut AccountEntry> {
    match accounts.entry(address) {
        Entry::Occupied(entry) => Ok(entry.into_mut()),
        Entry::Vacant(entry) => {
            let account = reader.account(&address)?;
            Ok(entry.insert(AccountEntry::loaded(account)))
        }
    }
}

/// The current word of `slot` in `entry` (the account at `address`).
fn current_word<B: StateBackend>(
    reader: &StateReader<B>,
    cache: &mut HashMap<(H256, H256), H256>,
    entry: &AccountEntry,
    address: Address,
    slot: H256,
) -> Result<H256> {
    let Some(account) = entry.current else {
        return Ok(H256::zero());
    };
    if let Some(word) = entry.storage.get(&slot) {
        return Ok(*word);
    }
    let key = (account.storage_root, slot);
    if let Some(word) = cache.get(&key) {
        return Ok(*word);
    }
    let word = reader.storage_in(&address, account.storage_root, &slot)?;
    cache.insert(key, word);
    Ok(word)
}

/// Marks `entry` touched for this transaction, journaling the first touch.
fn touch_entry(
    entry: &mut AccountEntry,
    address: Address,
    journal: &mut Vec<JournalEntry>,
    flagged: &mut BTreeSet<Address>,
) {
    if !entry.touched {
        entry.touched = true;
        journal.push(JournalEntry::Touched { address });
        flagged.insert(address);
    }
}

impl<B: StateBackend> JournaledState<B> {
    /// An overlay with no changes over the state with root `root` in `backend`.
    pub fn new(backend: B, root: H256) -> Self {
        Self::from_reader(StateReader::new(backend, root))
    }

    /// An overlay with no changes over `reader`'s state.
    pub fn from_reader(reader: StateReader<B>) -> Self {
        Self {
            reader,
            accounts: BTreeMap::new(),
            code: HashMap::new(),
            new_code: BTreeSet::new(),
            storage_cache: HashMap::new(),
            journal: Vec::new(),
            checkpoints: Vec::new(),
            next_checkpoint_id: 0,
            logs: Vec::new(),
            warm_accounts: HashSet::new(),
            warm_slots: HashSet::new(),
            tx_original: HashMap::new(),
            tx_flagged: BTreeSet::new(),
        }
    }

    /// The committed state under the overlay (unchanged by anything done here).
    pub fn reader(&self) -> &StateReader<B> {
        &self.reader
    }

    /// The root of the committed state under the overlay.
    pub fn base_root(&self) -> H256 {
        self.reader.root()
    }

    // ----- accounts -------------------------------------------------------

    fn current(&mut self, address: Address) -> Result<Option<Account>> {
        Ok(load_entry(&self.reader, &mut self.accounts, address)?.current)
    }

    /// True when an account exists at `address` (empty accounts included).
    pub fn exists(&mut self, address: Address) -> Result<bool> {
        Ok(self.current(address)?.is_some())
    }

    /// True when the account is absent or empty (no nonce, balance or code):
    /// EIP-161's "dead", which is what gas rules for new accounts test.
    pub fn is_dead(&mut self, address: Address) -> Result<bool> {
        Ok(self.current(address)?.is_none_or(|a| a.is_empty()))
    }

    /// The balance (zero for an absent account).
    pub fn balance(&mut self, address: Address) -> Result<U256> {
        Ok(self.current(address)?.map_or(U256::zero(), |a| a.balance))
    }

    /// The nonce (zero for an absent account).
    pub fn nonce(&mut self, address: Address) -> Result<u64> {
        Ok(self.current(address)?.map_or(0, |a| a.nonce))
    }

    /// The code hash ([`KECCAK_EMPTY`] for an account without code and for an
    /// absent one; `EXTCODEHASH`'s zero for dead accounts is the caller's rule).
    pub fn code_hash(&mut self, address: Address) -> Result<H256> {
        Ok(self.current(address)?.map_or(KECCAK_EMPTY, |a| a.code_hash))
    }

    /// The account's code (empty when it has none).
    pub fn code(&mut self, address: Address) -> Result<Arc<[u8]>> {
        let code_hash = self.code_hash(address)?;
        self.code_by_hash(code_hash)
    }

    /// The code with this hash, set in this overlay or committed; fails with
    /// [`Error::MissingCode`] when neither has it.
    pub fn code_by_hash(&mut self, code_hash: H256) -> Result<Arc<[u8]>> {
        if code_hash == KECCAK_EMPTY {
            return Ok(Arc::from(Vec::new()));
        }
        if let Some(code) = self.code.get(&code_hash) {
            return Ok(Arc::clone(code));
        }
        let code: Arc<[u8]> = self.reader.code(&code_hash)?.into();
        self.code.insert(code_hash, Arc::clone(&code));
        Ok(code)
    }

    /// Applies `change` to the account at `address` (a default, empty account
    /// if absent), journals the previous record and touches the account. When
    /// `change` fails nothing is changed.
    fn change_account(
        &mut self,
        address: Address,
        change: impl FnOnce(&mut Account) -> Result<()>,
    ) -> Result<()> {
        let entry = load_entry(&self.reader, &mut self.accounts, address)?;
        let prev = entry.current;
        let mut account = prev.unwrap_or_default();
        change(&mut account)?;
        entry.current = Some(account);
        self.journal.push(JournalEntry::Account { address, prev });
        touch_entry(entry, address, &mut self.journal, &mut self.tx_flagged);
        Ok(())
    }

    /// Sets the balance (creating the account if absent).
    pub fn set_balance(&mut self, address: Address, balance: U256) -> Result<()> {
        self.change_account(address, |a| {
            a.balance = balance;
            Ok(())
        })
    }

    /// Adds `amount` to the balance (creating the account if absent; adding
    /// zero still touches it). Fails with [`Error::BalanceOverflow`], changing
    /// nothing, if the sum exceeds 2^256 - 1.
    pub fn add_balance(&mut self, address: Address, amount: U256) -> Result<()> {
        self.change_account(address, |a| {
            a.balance = a.balance.checked_add(amount).ok_or(Error::BalanceOverflow {
                address,
                balance: a.balance,
                amount,
            })?;
            Ok(())
        })
    }

    /// Takes `amount` from the balance. Fails with
    /// [`Error::InsufficientBalance`], changing nothing, if the balance is lower.
    pub fn sub_balance(&mut self, address: Address, amount: U256) -> Result<()> {
        self.change_account(address, |a| {
            a.balance = a.balance.checked_sub(amount).ok_or(Error::InsufficientBalance {
                address,
                balance: a.balance,
                needed: amount,
            })?;
            Ok(())
        })
    }

    /// Moves `amount` from `from` to `to` (both touched, `to` created if
    /// absent). Checks both sides first: on error nothing is changed.
    pub fn transfer(&mut self, from: Address, to: Address, amount: U256) -> Result<()> {
        let balance = self.balance(from)?;
        if balance < amount {
            return Err(Error::InsufficientBalance { address: from, balance, needed: amount });
        }
        if from != to {
            let to_balance = self.balance(to)?;
            if to_balance.checked_add(amount).is_none() {
                return Err(Error::BalanceOverflow { address: to, balance: to_balance, amount });
            }
        }
        self.sub_balance(from, amount)?;
        self.add_balance(to, amount)
    }

    /// Sets the nonce (creating the account if absent).
    pub fn set_nonce(&mut self, address: Address, nonce: u64) -> Result<()> {
        self.change_account(address, |a| {
            a.nonce = nonce;
            Ok(())
        })
    }

    /// Increments the nonce and returns its value before the increment (the
    /// one a `CREATE` address is derived from). Fails with
    /// [`Error::NonceOverflow`], changing nothing, at `u64::MAX`.
    pub fn increment_nonce(&mut self, address: Address) -> Result<u64> {
        let mut before = 0;
        self.change_account(address, |a| {
            before = a.nonce;
            a.nonce = a.nonce.checked_add(1).ok_or(Error::NonceOverflow { address })?;
            Ok(())
        })?;
        Ok(before)
    }

    /// Sets the account's code (creating the account if absent) and returns
    /// its hash. The code is kept by hash and stored at commit if a committed
    /// account still refers to it.
    pub fn set_code(&mut self, address: Address, code: impl Into<Arc<[u8]>>) -> Result<H256> {
        let code: Arc<[u8]> = code.into();
        let code_hash = basalt_primitives::keccak256(&code);
        self.change_account(address, |a| {
            a.code_hash = code_hash;
            Ok(())
        })?;
        if code_hash != KECCAK_EMPTY {
            self.new_code.insert(code_hash);
            self.code.insert(code_hash, code);
        }
        Ok(code_hash)
    }

    /// Creates an account at `address` for `CREATE`/`CREATE2`: nonce 0, no
    /// code, empty storage (any storage it had is cleared), keeping a balance
    /// sent to the address beforehand; marks it created in this transaction.
    ///
    /// Refusing a creation over an account with code or a nonce (the address
    /// collision rule) is the caller's check.
    pub fn create_account(&mut self, address: Address) -> Result<()> {
        self.change_account(address, |a| {
            *a = Account { balance: a.balance, ..Account::default() };
            Ok(())
        })?;
        let entry = load_entry(&self.reader, &mut self.accounts, address)?;
        if !entry.storage.is_empty() {
            let prev = mem::take(&mut entry.storage);
            self.journal.push(JournalEntry::StorageCleared { address, prev });
        }
        if !entry.created {
            entry.created = true;
            self.journal.push(JournalEntry::Created { address });
            self.tx_flagged.insert(address);
        }
        Ok(())
    }

    /// True when [`create_account`](Self::create_account) created the account
    /// in this transaction (what EIP-6780 asks before a self-destruct).
    pub fn created_in_transaction(&self, address: Address) -> bool {
        self.accounts.get(&address).is_some_and(|e| e.created)
    }

    /// Self-destructs the account: its whole balance goes to `beneficiary`
    /// (burned when the beneficiary is the account itself), and the account
    /// with its storage is deleted when the transaction is finalized. Until
    /// then it stays readable (with a zero balance). Fails with
    /// [`Error::BalanceOverflow`], changing nothing, if the beneficiary
    /// cannot take the balance.
    pub fn self_destruct(&mut self, address: Address, beneficiary: Address) -> Result<()> {
        let balance = self.balance(address)?;
        if beneficiary != address {
            self.add_balance(beneficiary, balance)?;
        }
        self.set_balance(address, U256::zero())?;
        let entry = load_entry(&self.reader, &mut self.accounts, address)?;
        if !entry.destructed {
            entry.destructed = true;
            self.journal.push(JournalEntry::SelfDestructed { address });
            self.tx_flagged.insert(address);
        }
        Ok(())
    }

    /// True when the account self-destructed in this transaction.
    pub fn is_self_destructed(&self, address: Address) -> bool {
        self.accounts.get(&address).is_some_and(|e| e.destructed)
    }

    /// Touches the account without changing it: if it is dead (absent or
    /// empty) when the transaction is finalized, it is deleted (EIP-161).
    pub fn touch(&mut self, address: Address) -> Result<()> {
        let entry = load_entry(&self.reader, &mut self.accounts, address)?;
        touch_entry(entry, address, &mut self.journal, &mut self.tx_flagged);
        Ok(())
    }

    // ----- storage --------------------------------------------------------

    /// The current word at `slot` of the account's storage (zero when unset).
    pub fn storage(&mut self, address: Address, slot: H256) -> Result<H256> {
        let entry = load_entry(&self.reader, &mut self.accounts, address)?;
        current_word(&self.reader, &mut self.storage_cache, entry, address, slot)
    }

    /// The word at `slot` as it was when the transaction started: EIP-2200's
    /// "original value", for pricing `SSTORE`. Like geth, an account created
    /// by [`create_account`](Self::create_account) in this transaction has
    /// empty original storage for the slots not written before its creation.
    pub fn original_storage(&mut self, address: Address, slot: H256) -> Result<H256> {
        match self.tx_original.get(&(address, slot)) {
            Some(word) => Ok(*word),
            None => self.storage(address, slot),
        }
    }

    /// Writes `word` at `slot` (zero clears the slot; the account is created
    /// if absent, and touched) and returns the word it replaces.
    pub fn set_storage(&mut self, address: Address, slot: H256, word: H256) -> Result<H256> {
        let entry = load_entry(&self.reader, &mut self.accounts, address)?;
        let prev_word = current_word(&self.reader, &mut self.storage_cache, entry, address, slot)?;
        if let std::collections::hash_map::Entry::Vacant(original) =
            self.tx_original.entry((address, slot))
        {
            original.insert(prev_word);
            self.journal.push(JournalEntry::OriginalRecorded { address, slot });
        }
        if entry.current.is_none() {
            entry.current = Some(Account::default());
            self.journal.push(JournalEntry::Account { address, prev: None });
        }
        if prev_word != word {
            let prev = entry.storage.insert(slot, word);
            self.journal.push(JournalEntry::Storage { address, slot, prev });
        }
        touch_entry(entry, address, &mut self.journal, &mut self.tx_flagged);
        Ok(prev_word)
    }

    // ----- logs -----------------------------------------------------------

    /// Appends a log to the transaction's logs.
    pub fn push_log(&mut self, log: Log) {
        self.logs.push(log);
        self.journal.push(JournalEntry::Log);
    }

    /// The transaction's logs so far (reverted frames' logs excluded).
    pub fn logs(&self) -> &[Log] {
        &self.logs
    }

    // ----- access sets (EIP-2929) -----------------------------------------

    /// Marks the address warm and returns whether it already was (`false`:
    /// charge the cold access cost). Journaled: a reverted frame's warmings
    /// are undone.
    pub fn access_account(&mut self, address: Address) -> bool {
        let newly = self.warm_accounts.insert(address);
        if newly {
            self.journal.push(JournalEntry::AccountWarmed { address });
        }
        !newly
    }

    /// Marks the storage slot warm and returns whether it already was.
    /// Journaled like [`access_account`](Self::access_account).
    pub fn access_slot(&mut self, address: Address, slot: H256) -> bool {
        let newly = self.warm_slots.insert((address, slot));
        if newly {
            self.journal.push(JournalEntry::SlotWarmed { address, slot });
        }
        !newly
    }

    /// True when the address is warm in this transaction.
    pub fn is_warm_account(&self, address: Address) -> bool {
        self.warm_accounts.contains(&address)
    }

    /// True when the storage slot is warm in this transaction.
    pub fn is_warm_slot(&self, address: Address, slot: H256) -> bool {
        self.warm_slots.contains(&(address, slot))
    }

    // ----- checkpoints ----------------------------------------------------

    /// Opens a checkpoint (one per call frame), nested in the open ones.
    pub fn checkpoint(&mut self) -> Checkpoint {
        let id = self.next_checkpoint_id;
        self.next_checkpoint_id = self.next_checkpoint_id.wrapping_add(1);
        let depth = self.checkpoints.len();
        self.checkpoints.push(Mark { id, journal_len: self.journal.len() });
        Checkpoint { id, depth }
    }

    /// Number of open checkpoints.
    pub fn depth(&self) -> usize {
        self.checkpoints.len()
    }

    /// Checks that `checkpoint` is open and returns its mark.
    fn open_mark(&self, checkpoint: &Checkpoint) -> Result<Mark> {
        match self.checkpoints.get(checkpoint.depth) {
            Some(mark) if mark.id == checkpoint.id => Ok(*mark),
            _ => Err(Error::StaleCheckpoint { id: checkpoint.id, depth: checkpoint.depth }),
        }
    }

    /// Undoes every change made since `checkpoint` was taken, newest first,
    /// and closes it together with the checkpoints opened after it.
    pub fn revert_to(&mut self, checkpoint: Checkpoint) -> Result<()> {
        let mark = self.open_mark(&checkpoint)?;
        self.checkpoints.truncate(checkpoint.depth);
        let undone = self.journal.len().saturating_sub(mark.journal_len);
        while self.journal.len() > mark.journal_len {
            if let Some(entry) = self.journal.pop() {
                self.undo(entry);
            }
        }
        trace!(target: TARGET, depth = checkpoint.depth, undone, "reverted checkpoint");
        Ok(())
    }

    /// Keeps the changes made since `checkpoint` and closes it together with
    /// the checkpoints opened after it; an enclosing checkpoint still reverts them.
    pub fn commit_checkpoint(&mut self, checkpoint: Checkpoint) -> Result<()> {
        self.open_mark(&checkpoint)?;
        self.checkpoints.truncate(checkpoint.depth);
        Ok(())
    }

    fn undo(&mut self, entry: JournalEntry) {
        match entry {
            JournalEntry::Account { address, prev } => {
                if let Some(e) = self.accounts.get_mut(&address) {
                    e.current = prev;
                }
            }
            JournalEntry::Storage { address, slot, prev } => {
                if let Some(e) = self.accounts.get_mut(&address) {
                    match prev {
                        Some(word) => e.storage.insert(slot, word),
                        None => e.storage.remove(&slot),
                    };
                }
            }
            JournalEntry::StorageCleared { address, prev } => {
                if let Some(e) = self.accounts.get_mut(&address) {
                    e.storage = prev;
                }
            }
            JournalEntry::Created { address } => {
                if let Some(e) = self.accounts.get_mut(&address) {
                    e.created = false;
                }
            }
            JournalEntry::SelfDestructed { address } => {
                if let Some(e) = self.accounts.get_mut(&address) {
                    e.destructed = false;
                }
            }
            JournalEntry::Touched { address } => {
                if let Some(e) = self.accounts.get_mut(&address) {
                    e.touched = false;
                }
            }
            JournalEntry::AccountWarmed { address } => {
                self.warm_accounts.remove(&address);
            }
            JournalEntry::SlotWarmed { address, slot } => {
                self.warm_slots.remove(&(address, slot));
            }
            JournalEntry::OriginalRecorded { address, slot } => {
                self.tx_original.remove(&(address, slot));
            }
            JournalEntry::Log => {
                self.logs.pop();
            }
        }
    }

    // ----- transaction boundary -------------------------------------------

    /// Ends the transaction: deletes (with their storage) the accounts that
    /// self-destructed and the touched accounts that are dead (EIP-161),
    /// closes every checkpoint, clears the journal, the warm sets and the
    /// original values, and returns the transaction's logs.
    pub fn finalize_transaction(&mut self) -> Vec<Log> {
        for address in mem::take(&mut self.tx_flagged) {
            let Some(entry) = self.accounts.get_mut(&address) else { continue };
            let dead = entry.current.is_none_or(|a| a.is_empty());
            if entry.destructed || (entry.touched && dead) {
                if entry.current.is_some() {
                    trace!(
                        target: TARGET,
                        ?address,
                        self_destructed = entry.destructed,
                        "deleting account"
                    );
                }
                entry.current = None;
                entry.storage.clear();
            }
            entry.touched = false;
            entry.created = false;
            entry.destructed = false;
        }
        self.journal.clear();
        self.checkpoints.clear();
        self.warm_accounts.clear();
        self.warm_slots.clear();
        self.tx_original.clear();
        mem::take(&mut self.logs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryBackend;
    use basalt_primitives::EMPTY_ROOT;

    fn state() -> JournaledState<MemoryBackend> {
        JournaledState::new(MemoryBackend::new(), EMPTY_ROOT)
    }

    #[test]
    fn only_the_first_touch_of_a_transaction_is_journaled() {
        let mut s = state();
        let a = Address::repeat_byte(1);
        s.add_balance(a, U256::one()).unwrap();
        s.add_balance(a, U256::one()).unwrap();
        s.touch(a).unwrap();
        let touches =
            s.journal.iter().filter(|e| matches!(e, JournalEntry::Touched { .. })).count();
        assert_eq!(touches, 1);
        assert_eq!(s.journal.len(), 3, "two account records and one touch");
    }

    #[test]
    fn writing_the_current_word_journals_no_storage_change() {
        let mut s = state();
        let (a, slot) = (Address::repeat_byte(1), H256::repeat_byte(2));
        s.set_balance(a, U256::one()).unwrap();
        let before = s.journal.len();
        assert_eq!(s.set_storage(a, slot, H256::zero()).unwrap(), H256::zero());
        // Only the original-value record: no storage entry, the account was already touched.
        assert_eq!(s.journal.len(), before + 1);
        assert!(s.accounts[&a].storage.is_empty());
    }

    #[test]
    fn finalize_clears_every_per_transaction_record() {
        let mut s = state();
        let (a, slot) = (Address::repeat_byte(1), H256::repeat_byte(2));
        let _open = s.checkpoint();
        // A nonce keeps the account alive under EIP-161 (storage alone does not).
        s.set_nonce(a, 1).unwrap();
        s.set_storage(a, slot, H256::repeat_byte(3)).unwrap();
        s.access_account(a);
        s.access_slot(a, slot);
        s.push_log(Log::default());
        assert_eq!(s.finalize_transaction().len(), 1);
        assert!(s.journal.is_empty());
        assert!(s.checkpoints.is_empty());
        assert!(s.tx_original.is_empty());
        assert!(s.tx_flagged.is_empty());
        assert!(s.warm_accounts.is_empty() && s.warm_slots.is_empty());
        let entry = &s.accounts[&a];
        assert!(!entry.touched && !entry.created && !entry.destructed);
        assert_eq!(entry.storage.get(&slot), Some(&H256::repeat_byte(3)));
    }

    #[test]
    fn committed_reads_are_cached_by_storage_root() {
        let backend = MemoryBackend::new();
        let (a, slot) = (Address::repeat_byte(1), H256::repeat_byte(2));
        let mut s = JournaledState::new(backend.clone(), EMPTY_ROOT);
        s.set_nonce(a, 1).unwrap();
        s.set_storage(a, slot, H256::repeat_byte(3)).unwrap();
        let (root, changes) = s.commit().unwrap();
        backend.apply(changes);

        let mut s = JournaledState::new(backend, root);
        assert_eq!(s.storage(a, slot).unwrap(), H256::repeat_byte(3));
        assert_eq!(s.storage(a, H256::zero()).unwrap(), H256::zero());
        assert_eq!(s.storage_cache.len(), 2);
        assert_eq!(s.storage(a, slot).unwrap(), H256::repeat_byte(3));
        assert_eq!(s.storage_cache.len(), 2);
    }

    #[test]
    fn reverted_code_is_not_committed() {
        let mut s = state();
        let a = Address::repeat_byte(1);
        s.set_nonce(a, 1).unwrap();
        let cp = s.checkpoint();
        s.set_code(a, b"reverted".to_vec()).unwrap();
        s.revert_to(cp).unwrap();
        s.set_code(Address::repeat_byte(2), b"kept".to_vec()).unwrap();
        let (_, changes) = s.commit().unwrap();
        let code: Vec<_> = changes.code().values().cloned().collect();
        assert_eq!(code, vec![b"kept".to_vec()]);
    }
}
