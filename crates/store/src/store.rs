//! [`Store`]: the handle to the database.

use std::fmt;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Instant;

use basalt_primitives::{H256, U256};
use basalt_trie::{NodeStore, NodeStoreError};
use lru::LruCache;
use parity_db::{ColumnOptions, Db};
use parking_lot::Mutex;
use tracing::{debug, info};

use crate::batch::WriteBatch;
use crate::codec::{
    canonical_key, decode_canonical_key, decode_hash, decode_u32, named_meta_key, StoreMeta,
    TxLocation,
};
use crate::column::{Column, COMPRESSION_THRESHOLD};
use crate::error::{Error, Result};
use crate::SCHEMA_VERSION;

const TARGET: &str = "basalt_store";

/// The node's database: one parity-db database in one directory.
///
/// Cheap to clone (an `Arc` inside); clones share the database and may be used
/// from any thread. Reads see every commit that returned, at once. Writes go
/// through [`Store::commit`], one [`WriteBatch`] per imported block. The
/// database closes, durably, when the last clone is dropped.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    /// `None` only after [`Store::flush`] failed to reopen the database.
    db: RwLock<Option<Db>>,
    /// Recently read trie nodes (see [`Store::trie_node`]).
    nodes: Mutex<LruCache<H256, Arc<[u8]>>>,
}

/// Trie nodes [`Store::trie_node`] keeps in memory: the top levels of the
/// account trie and of busy storage tries, which every state read walks.
/// ~32k nodes of at most 532 bytes: at most ~17 MiB.
const NODE_CACHE_ENTRIES: usize = 32 * 1024;

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("path", &self.inner.path).finish_non_exhaustive()
    }
}

/// The parity-db options of this schema at `path`.
fn db_options(path: &Path) -> parity_db::Options {
    let mut options = parity_db::Options::with_columns(path, 0);
    options.columns = Column::ALL.iter().map(|c| c.options()).collect();
    // Stay on parity-db's crash-safe defaults: the WAL is fsynced before it is
    // applied to the tables, and the tables are fsynced before the WAL is dropped.
    options.sync_wal = true;
    options.sync_data = true;
    // Statistics cost time on every operation and are written to stats.txt on close.
    options.stats = false;
    for column in Column::ALL.into_iter().filter(|c| c.compresses()) {
        options.compression_threshold.insert(column.id(), COMPRESSION_THRESHOLD);
    }
    options
}

impl Store {
    /// Opens the store in the directory `path`, creating the directory and an
    /// empty database if there is none.
    ///
    /// Fails with [`Error::SchemaMismatch`] if the database was written by
    /// another storage schema version, [`Error::UnknownSchema`] if it is not a
    /// Basalt store this build recognises, and [`Error::Db`] if parity-db fails
    /// (for instance because another process has the directory open).
    /// A database left by a crash is recovered first: parity-db replays the
    /// complete commits of its write-ahead log and drops a torn last one.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let options = db_options(&path);
        if let Some(existing) = parity_db::Options::load_metadata(&path)? {
            if existing.columns != options.columns {
                return Err(foreign_layout_error(&path, existing.columns));
            }
        }
        let db = Db::open_or_create(&options)?;
        let created = check_or_write_schema_version(&path, &db)?;
        info!(
            target: TARGET,
            path = %path.display(),
            schema_version = SCHEMA_VERSION,
            created,
            "opened store"
        );
        let nodes = Mutex::new(LruCache::new(
            NonZeroUsize::new(NODE_CACHE_ENTRIES).unwrap_or(NonZeroUsize::MIN),
        ));
        Ok(Store { inner: Arc::new(Inner { path, db: RwLock::new(Some(db)), nodes }) })
    }

    /// The database directory.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Applies every write of `batch` in one parity-db commit: atomically (after
    /// a crash the store holds all of the batch or none of it) but not yet
    /// durably (see [`Store::sync_log`], [`Store::flush`] and the crate docs).
    /// Readers see the batch as soon as this returns. An empty batch does
    /// nothing.
    pub fn commit(&self, batch: WriteBatch) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        {
            // A node is stored under the hash of its RLP, so a cached node
            // can only go stale by being deleted.
            let mut nodes = self.inner.nodes.lock();
            for hash in batch.dereferenced_trie_nodes() {
                nodes.pop(hash);
            }
        }
        let operations = batch.into_operations();
        let count = operations.len();
        self.with_db(|db| Ok(db.commit_changes(operations)?))?;
        debug!(target: TARGET, operations = count, "committed batch");
        Ok(())
    }

    /// Makes every commit that returned before this call durable: when `flush`
    /// returns `Ok`, those commits survive a crash or power loss.
    ///
    /// Unlike [`Store::sync_log`] this covers commits still in parity-db's
    /// queue too: it closes the database, which logs, fsyncs and applies
    /// every pending commit and fsyncs the tables, then reopens it. Readers
    /// and writers of every clone wait meanwhile: about 10 ms on the
    /// development VM after a block's worth of writes, 25–200 ms under a
    /// stream of blocks (see the crate docs). A barrier for genesis and
    /// tests; a running node syncs the log instead.
    ///
    /// If the database cannot be reopened, the error is returned and the store
    /// is closed: every later call fails with [`Error::Closed`].
    pub fn flush(&self) -> Result<()> {
        let started = Instant::now();
        let mut guard = self.inner.db.write().unwrap_or_else(PoisonError::into_inner);
        let db = guard.take().ok_or(Error::Closed)?;
        // parity-db's clean shutdown: write, fsync and enact every queued commit,
        // fsync the tables, then truncate the log.
        drop(db);
        *guard = Some(Db::open(&db_options(&self.inner.path))?);
        debug!(target: TARGET, elapsed_us = started.elapsed().as_micros(), "flushed store");
        Ok(())
    }

    /// Makes every commit parity-db has already written to its log durable,
    /// without closing the database: fsyncs the current log file and hands
    /// it to parity-db's own workers, which apply it to the tables, fsync
    /// those and empty the log for reuse (the path parity-db takes by itself
    /// once a log reaches 64 MiB). Readers and writers do not wait.
    ///
    /// A commit reaches the log within about a millisecond of returning
    /// (parity-db's log thread); one still queued when this runs is covered
    /// by the next call. Nothing logged: a no-op. See the crate docs.
    pub fn sync_log(&self) -> Result<()> {
        self.with_db(|db| Ok(db.flush_logs()?))
    }

    /// The RLP of the trie node with this hash.
    ///
    /// Served from an LRU cache of recently read nodes when it can be: every
    /// state read walks the same top levels of the account trie, and a
    /// parity-db lookup (index probe, value table read) costs several times
    /// a cache hit. Nodes are content-addressed, so only a deletion (a
    /// dereference in [`Store::commit`]) can make an entry stale; commit
    /// drops those. (A read racing with that commit could put one back: a
    /// pruner, when there is one, must drop its nodes after committing.)
    pub fn trie_node(&self, hash: &H256) -> Result<Option<Vec<u8>>> {
        if let Some(node) = self.inner.nodes.lock().get(hash) {
            return Ok(Some(node.to_vec()));
        }
        let node = self.get(Column::TrieNodes, hash.as_bytes())?;
        if let Some(node) = &node {
            self.inner.nodes.lock().put(*hash, Arc::from(node.as_slice()));
        }
        Ok(node)
    }

    /// The contract code with this hash.
    pub fn code(&self, code_hash: &H256) -> Result<Option<Vec<u8>>> {
        self.get(Column::Code, code_hash.as_bytes())
    }

    /// The header RLP of the block with this hash.
    pub fn header(&self, block_hash: &H256) -> Result<Option<Vec<u8>>> {
        self.get(Column::Headers, block_hash.as_bytes())
    }

    /// The body RLP of the block with this hash.
    pub fn body(&self, block_hash: &H256) -> Result<Option<Vec<u8>>> {
        self.get(Column::Bodies, block_hash.as_bytes())
    }

    /// The receipts (RLP list) of the block with this hash.
    pub fn receipts(&self, block_hash: &H256) -> Result<Option<Vec<u8>>> {
        self.get(Column::Receipts, block_hash.as_bytes())
    }

    /// The hash of the canonical block at `number`.
    pub fn canonical_hash(&self, number: u64) -> Result<Option<H256>> {
        let key = canonical_key(number);
        self.get(Column::Canonical, &key)?
            .map(|value| decode_hash(Column::Canonical, &key, &value))
            .transpose()
    }

    /// The highest block number with a canonical entry, and its hash.
    pub fn highest_canonical(&self) -> Result<Option<(u64, H256)>> {
        self.with_db(highest_canonical)
    }

    /// What hashes to `hash`, if stored: the address or storage slot behind a
    /// secure-trie key.
    pub fn preimage(&self, hash: &H256) -> Result<Option<Vec<u8>>> {
        self.get(Column::Preimages, hash.as_bytes())
    }

    /// The total fork-choice weight of a stored block.
    pub fn block_weight(&self, block_hash: &H256) -> Result<Option<U256>> {
        match self.get(Column::BlockWeights, block_hash.as_bytes())? {
            Some(value) if value.len() == 32 => Ok(Some(U256::from_big_endian(&value))),
            Some(value) => Err(Error::Corrupt {
                column: Column::BlockWeights,
                key: block_hash.as_bytes().to_vec(),
                reason: format!("weight is {} bytes, expected 32", value.len()),
            }),
            None => Ok(None),
        }
    }

    /// Where the transaction with this hash is, if a canonical block includes it.
    pub fn tx_location(&self, tx_hash: &H256) -> Result<Option<TxLocation>> {
        let key = tx_hash.as_bytes();
        self.get(Column::TxLocations, key)?.map(|value| TxLocation::decode(key, &value)).transpose()
    }

    /// The hash of the canonical head block.
    pub fn head(&self) -> Result<Option<H256>> {
        self.meta_hash(StoreMeta::Head)
    }

    /// The hash of block 0.
    pub fn genesis_hash(&self) -> Result<Option<H256>> {
        self.meta_hash(StoreMeta::Genesis)
    }

    /// The caller's metadata entry `name` (set with [`WriteBatch::set_meta`]).
    pub fn meta(&self, name: &str) -> Result<Option<Vec<u8>>> {
        self.get(Column::Meta, &named_meta_key(name))
    }

    fn meta_hash(&self, entry: StoreMeta) -> Result<Option<H256>> {
        let key = entry.key();
        self.get(Column::Meta, &key)?
            .map(|value| decode_hash(Column::Meta, &key, &value))
            .transpose()
    }

    fn get(&self, column: Column, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.with_db(|db| Ok(db.get(column.id(), key)?))
    }

    fn with_db<T>(&self, f: impl FnOnce(&Db) -> Result<T>) -> Result<T> {
        let guard = self.inner.db.read().unwrap_or_else(PoisonError::into_inner);
        f(guard.as_ref().ok_or(Error::Closed)?)
    }

    /// Writes raw bytes under a raw key, bypassing the batch encoders: lets
    /// tests plant corrupt values and foreign schema versions.
    #[cfg(test)]
    pub(crate) fn put_raw(&self, column: Column, key: &[u8], value: &[u8]) -> Result<()> {
        let op = parity_db::Operation::Set(key.to_vec(), value.to_vec());
        self.with_db(|db| Ok(db.commit_changes([(column.id(), op)])?))
    }
}

impl NodeStore for Store {
    fn node(&self, hash: &H256) -> Result<Option<Vec<u8>>, NodeStoreError> {
        self.trie_node(hash).map_err(NodeStoreError::new)
    }
}

fn highest_canonical(db: &Db) -> Result<Option<(u64, H256)>> {
    let mut iter = db.iter(Column::Canonical.id())?;
    iter.seek_to_last()?;
    match iter.prev()? {
        None => Ok(None),
        Some((key, value)) => {
            let number = decode_canonical_key(&key)?;
            Ok(Some((number, decode_hash(Column::Canonical, &key, &value)?)))
        }
    }
}

/// Checks the schema version of a database opened with this schema's columns,
/// writing it if the database is new. Returns whether it was new.
fn check_or_write_schema_version(path: &Path, db: &Db) -> Result<bool> {
    let key = StoreMeta::SchemaVersion.key();
    if let Some(value) = db.get(Column::Meta.id(), &key)? {
        let found = decode_u32(Column::Meta, &key, &value)?;
        if found != SCHEMA_VERSION {
            return Err(Error::SchemaMismatch {
                path: path.to_path_buf(),
                found,
                expected: SCHEMA_VERSION,
            });
        }
        return Ok(false);
    }
    // No version: a database just created (or created by a run that crashed
    // before its first commit reached the disk) is empty; anything else is not ours.
    if !is_empty(db)? {
        return Err(Error::UnknownSchema {
            path: path.to_path_buf(),
            expected: SCHEMA_VERSION,
            reason: "it holds data but no schema version".into(),
        });
    }
    let mut batch = WriteBatch::new();
    batch.set_schema_version(SCHEMA_VERSION);
    db.commit_changes(batch.into_operations())?;
    Ok(true)
}

fn is_empty(db: &Db) -> Result<bool> {
    if highest_canonical(db)?.is_some() {
        return Ok(false);
    }
    for column in Column::ALL.into_iter().filter(|c| *c != Column::Canonical) {
        let mut found = false;
        db.iter_column_while(column.id(), |_| {
            found = true;
            false
        })?;
        if found {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The error for a database whose column layout is not this schema's: reads
/// its schema version with its own layout if it has one.
fn foreign_layout_error(path: &Path, columns: Vec<ColumnOptions>) -> Error {
    let layout = format!(
        "its {} columns do not match the {} columns of this schema",
        columns.len(),
        Column::ALL.len()
    );
    let unknown = |reason: String| Error::UnknownSchema {
        path: path.to_path_buf(),
        expected: SCHEMA_VERSION,
        reason,
    };
    match read_foreign_schema_version(path, columns) {
        Ok(Some(found)) if found != SCHEMA_VERSION => {
            Error::SchemaMismatch { path: path.to_path_buf(), found, expected: SCHEMA_VERSION }
        }
        Ok(Some(_)) => unknown(format!("{layout}, yet it records this schema version")),
        Ok(None) => unknown(format!("{layout} and it records no schema version")),
        Err(e) => unknown(format!("{layout} and reading its schema version failed: {e}")),
    }
}

/// Opens a database with its own column layout, read-only, and reads the
/// schema version from column 0 (the metadata column of every schema).
fn read_foreign_schema_version(path: &Path, columns: Vec<ColumnOptions>) -> Result<Option<u32>> {
    let Some(meta) = columns.first() else { return Ok(None) };
    // Our metadata keys are not 32 bytes: a `uniform` column would reject them,
    // and a btree or multitree column 0 is not a Basalt metadata column.
    if meta.uniform || meta.btree_index || meta.multitree {
        return Ok(None);
    }
    let mut options = parity_db::Options::with_columns(path, 0);
    options.columns = columns;
    options.stats = false;
    if !options.is_valid() {
        return Ok(None);
    }
    let db = Db::open_read_only(&options)?;
    let key = StoreMeta::SchemaVersion.key();
    db.get(0, &key)?.map(|value| decode_u32(Column::Meta, &key, &value)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    #[test]
    fn corrupt_values_are_errors_not_panics() {
        let dir = tmp();
        let store = Store::open(dir.path()).unwrap();
        let h = H256::repeat_byte(0xab);
        store.put_raw(Column::Canonical, &canonical_key(3), &[1, 2, 3]).unwrap();
        store.put_raw(Column::TxLocations, h.as_bytes(), &[0; 35]).unwrap();
        store.put_raw(Column::Meta, &StoreMeta::Head.key(), &[0; 33]).unwrap();
        store.put_raw(Column::Meta, &StoreMeta::Genesis.key(), &[]).unwrap();

        let err = store.canonical_hash(3).unwrap_err();
        assert!(
            matches!(&err, Error::Corrupt { column: Column::Canonical, key, .. } if key == &3u64.to_be_bytes())
        );
        assert!(err.to_string().contains("canonical"), "{err}");
        assert!(matches!(store.highest_canonical(), Err(Error::Corrupt { .. })));
        assert!(matches!(
            store.tx_location(&h),
            Err(Error::Corrupt { column: Column::TxLocations, .. })
        ));
        assert!(matches!(store.head(), Err(Error::Corrupt { column: Column::Meta, .. })));
        assert!(matches!(store.genesis_hash(), Err(Error::Corrupt { column: Column::Meta, .. })));
    }

    #[test]
    fn canonical_key_of_wrong_length_is_corrupt() {
        let dir = tmp();
        let store = Store::open(dir.path()).unwrap();
        // Sorts after every 8-byte key, so it is the one `highest_canonical` meets.
        store.put_raw(Column::Canonical, &[0xff; 9], H256::zero().as_bytes()).unwrap();
        assert!(matches!(
            store.highest_canonical(),
            Err(Error::Corrupt { column: Column::Canonical, .. })
        ));
    }

    #[test]
    fn other_schema_version_is_refused() {
        let dir = tmp();
        let store = Store::open(dir.path()).unwrap();
        store
            .put_raw(
                Column::Meta,
                &StoreMeta::SchemaVersion.key(),
                &(SCHEMA_VERSION + 1).to_be_bytes(),
            )
            .unwrap();
        drop(store);
        match Store::open(dir.path()) {
            Err(Error::SchemaMismatch { found, expected, path }) => {
                assert_eq!(found, SCHEMA_VERSION + 1);
                assert_eq!(expected, SCHEMA_VERSION);
                assert_eq!(path, dir.path());
            }
            other => panic!("expected a schema mismatch, got {other:?}"),
        }
        // Refusing changed nothing: the version is still the foreign one.
        assert!(matches!(Store::open(dir.path()), Err(Error::SchemaMismatch { .. })));
    }

    #[test]
    fn truncated_schema_version_is_corrupt() {
        let dir = tmp();
        let store = Store::open(dir.path()).unwrap();
        store.put_raw(Column::Meta, &StoreMeta::SchemaVersion.key(), &[0, 1]).unwrap();
        drop(store);
        assert!(matches!(
            Store::open(dir.path()),
            Err(Error::Corrupt { column: Column::Meta, .. })
        ));
    }

    #[test]
    fn data_without_schema_version_is_refused() {
        let dir = tmp();
        {
            let db = Db::open_or_create(&db_options(dir.path())).unwrap();
            db.commit_changes([(
                Column::Headers.id(),
                parity_db::Operation::Set(vec![1; 32], vec![2; 10]),
            )])
            .unwrap();
        }
        assert!(matches!(Store::open(dir.path()), Err(Error::UnknownSchema { .. })));
    }

    /// A database of another column layout: the version is read with that layout.
    fn foreign_db(dir: &Path, version: Option<u32>) {
        let mut options = parity_db::Options::with_columns(dir, 3);
        options.stats = false;
        let db = Db::open_or_create(&options).unwrap();
        if let Some(v) = version {
            db.commit([(0, StoreMeta::SchemaVersion.key(), Some(v.to_be_bytes().to_vec()))])
                .unwrap();
        }
    }

    #[test]
    fn other_column_layout_reports_its_version() {
        let dir = tmp();
        foreign_db(dir.path(), Some(SCHEMA_VERSION + 7));
        let err = Store::open(dir.path()).unwrap_err();
        assert!(
            matches!(err, Error::SchemaMismatch { found, .. } if found == SCHEMA_VERSION + 7),
            "{err:?}"
        );
        assert!(err.to_string().contains("schema version"), "{err}");
    }

    #[test]
    fn other_column_layout_without_version_is_unknown() {
        let dir = tmp();
        foreign_db(dir.path(), None);
        let err = Store::open(dir.path()).unwrap_err();
        assert!(matches!(err, Error::UnknownSchema { .. }), "{err:?}");
    }

    #[test]
    fn second_open_of_same_directory_fails_cleanly() {
        let dir = tmp();
        let _store = Store::open(dir.path()).unwrap();
        assert!(matches!(Store::open(dir.path()), Err(Error::Db(_))));
    }

    #[test]
    fn store_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<Store>();
    }
}
