//! The multi-threaded proof-of-work miner.
//!
//! [`Miner::seal`] splits the 64-bit nonce space into one contiguous range per thread and
//! runs [`PowSearch::scan`] over it in batches of [`ATTEMPTS_PER_CHECK`] attempts. Between
//! batches a thread checks the caller's abort flag (set it when a new head or new
//! transactions make the candidate stale) and whether another thread has already won, and
//! adds the batch to a shared hash counter behind [`Miner::hashrate`] (`eth_hashrate`).
//! Mining blocks the calling thread: run it off the async runtime.

use crate::pow::PowSearch;
use basalt_primitives::{Header, H64};
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Attempts between two looks at the abort flag: about a millisecond of hashing.
pub const ATTEMPTS_PER_CHECK: u64 = 4096;

/// The span [`Miner::hashrate`] averages over.
pub const HASHRATE_WINDOW: Duration = Duration::from_secs(10);

/// How often the hash counter is sampled while mining.
const SAMPLE_INTERVAL: Duration = Duration::from_millis(250);

/// A proof-of-work miner with a fixed number of threads and a hash-rate meter.
#[derive(Debug)]
pub struct Miner {
    threads: usize,
    meter: HashMeter,
}

impl Miner {
    /// A miner using `threads` threads (at least one).
    pub fn new(threads: usize) -> Self {
        Self { threads: threads.max(1), meter: HashMeter::new(Instant::now()) }
    }

    /// The number of mining threads.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Searches for a nonce that seals `header` at its difficulty (set by
    /// [`Engine::prepare`](crate::Engine::prepare)), returning the header with `nonce` and
    /// `mix_hash` filled in. Returns `None` if `abort` becomes true first (checked every
    /// [`ATTEMPTS_PER_CHECK`] attempts per thread) or, in theory, if the whole nonce space
    /// fails. Blocks the calling thread until then.
    pub fn seal(&self, mut header: Header, abort: &AtomicBool) -> Option<Header> {
        let started = Instant::now();
        let hashes_before = self.meter.total();
        let search = PowSearch::new(header.seal_hash(), header.difficulty);
        let won = AtomicBool::new(false);
        let result = Mutex::new(None);
        let threads = self.threads as u64;
        let span = u64::MAX / threads;
        std::thread::scope(|scope| {
            for index in 0..threads {
                let start = index * span;
                let end = if index + 1 == threads { u64::MAX } else { start + span };
                let (search, won, result) = (&search, &won, &result);
                scope.spawn(move || {
                    let mut cursor = start;
                    while cursor < end {
                        if abort.load(Ordering::Relaxed) || won.load(Ordering::Relaxed) {
                            return;
                        }
                        let batch_end = end.min(cursor.saturating_add(ATTEMPTS_PER_CHECK));
                        if let Some((nonce, hash)) = search.scan(cursor..batch_end) {
                            self.meter.add(nonce - cursor + 1);
                            if !won.swap(true, Ordering::Relaxed) {
                                *result.lock() = Some((nonce, hash));
                            }
                            return;
                        }
                        self.meter.add(batch_end - cursor);
                        cursor = batch_end;
                    }
                });
            }
        });
        let (nonce, hash) = result.into_inner()?;
        header.nonce = H64(nonce.to_be_bytes());
        header.mix_hash = hash;
        tracing::debug!(
            target: "basalt::consensus",
            number = header.number,
            difficulty = %header.difficulty,
            nonce,
            hashes = self.meter.total() - hashes_before,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "sealed a proof-of-work block"
        );
        Some(header)
    }

    /// Hashes per second over the last [`HASHRATE_WINDOW`] (0 when idle that long).
    pub fn hashrate(&self) -> u64 {
        self.meter.rate(Instant::now())
    }

    /// Attempts made since the miner was created.
    pub fn total_hashes(&self) -> u64 {
        self.meter.total()
    }
}

/// A monotonic hash counter sampled over time, for a windowed rate.
#[derive(Debug)]
struct HashMeter {
    total: AtomicU64,
    origin: Instant,
    /// Milliseconds after `origin` of the last sample: lets miners skip the lock.
    last_sample_ms: AtomicU64,
    /// `(when, total)` samples, oldest first; the first may predate the window.
    samples: Mutex<VecDeque<(Instant, u64)>>,
}

impl HashMeter {
    fn new(origin: Instant) -> Self {
        Self {
            total: AtomicU64::new(0),
            origin,
            last_sample_ms: AtomicU64::new(0),
            samples: Mutex::new(VecDeque::from([(origin, 0)])),
        }
    }

    fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    fn add(&self, hashes: u64) {
        self.add_at(hashes, Instant::now());
    }

    fn add_at(&self, hashes: u64, now: Instant) {
        let total = self.total.fetch_add(hashes, Ordering::Relaxed).saturating_add(hashes);
        let ms = u64::try_from(now.saturating_duration_since(self.origin).as_millis())
            .unwrap_or(u64::MAX);
        let last = self.last_sample_ms.load(Ordering::Relaxed);
        let due = u64::try_from(SAMPLE_INTERVAL.as_millis()).unwrap_or(u64::MAX);
        if ms >= last.saturating_add(due)
            && self
                .last_sample_ms
                .compare_exchange(last, ms, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            self.push(now, total);
        }
    }

    /// Records a sample and forgets those no longer needed: the oldest kept sample is the
    /// last one at or before the window's start (the baseline).
    fn push(&self, now: Instant, total: u64) {
        let mut samples = self.samples.lock();
        if samples.back().is_none_or(|&(at, _)| at <= now) {
            samples.push_back((now, total));
        }
        let window_start = now.checked_sub(HASHRATE_WINDOW);
        while samples.len() > 1
            && window_start.is_some_and(|start| samples.get(1).is_some_and(|&(at, _)| at <= start))
        {
            samples.pop_front();
        }
    }

    /// The rate over the window ending at `now`. Between two samples the counter moved by
    /// at most one batch per thread unless mining ran, so the baseline's count stands for
    /// the window's start even when the baseline is older.
    fn rate(&self, now: Instant) -> u64 {
        let total = self.total();
        self.push(now, total);
        let samples = self.samples.lock();
        let Some(&(first_at, first_total)) = samples.front() else { return 0 };
        let start = now.checked_sub(HASHRATE_WINDOW).map_or(first_at, |s| s.max(first_at));
        let seconds = now.saturating_duration_since(start).as_secs_f64();
        if seconds < 0.001 {
            return 0;
        }
        (total.saturating_sub(first_total) as f64 / seconds) as u64
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::pow::{verify_work, PowEngine};
    use crate::rules::test_utils::{child_of, parent, NoStakes};
    use crate::Engine;
    use basalt_chainspec::PowConfig;
    use basalt_primitives::U256;
    use std::sync::Arc;

    #[test]
    fn mined_headers_verify() {
        let engine = PowEngine::new(
            PowConfig {
                initial_difficulty: 50_000.into(),
                target_block_time: 1,
                min_difficulty: 1.into(),
                block_reward: 1.into(),
            },
            9,
        );
        let miner = Miner::new(2);
        let mut p = parent();
        p.difficulty = 50_000.into();
        let abort = AtomicBool::new(false);
        // Three blocks in a row, each on the previous.
        for _ in 0..3 {
            let mut header = child_of(&p, p.timestamp + 1);
            engine.prepare(&p, &mut header).unwrap();
            let sealed = miner.seal(header, &abort).unwrap();
            verify_work(&sealed).unwrap();
            engine.verify_header(&p, &sealed, sealed.timestamp, &NoStakes).unwrap();
            p = sealed;
        }
        assert!(miner.total_hashes() > 0);
    }

    #[test]
    fn abort_stops_every_thread() {
        let miner = Arc::new(Miner::new(2));
        let abort = Arc::new(AtomicBool::new(false));
        // Target 1: no nonce will be found.
        let header = Header { difficulty: U256::MAX, ..Header::default() };
        let handle = {
            let (miner, abort) = (miner.clone(), abort.clone());
            std::thread::spawn(move || miner.seal(header, &abort))
        };
        std::thread::sleep(Duration::from_millis(300));
        abort.store(true, Ordering::Relaxed);
        let started = Instant::now();
        assert_eq!(handle.join().unwrap(), None);
        assert!(started.elapsed() < Duration::from_secs(2));
        assert!(miner.total_hashes() > 0);
        assert!(miner.hashrate() > 0);
    }

    #[test]
    fn hash_meter_averages_over_the_window() {
        let origin = Instant::now();
        let meter = HashMeter::new(origin);
        let at = |ms: u64| origin + Duration::from_millis(ms);
        // 1,000 hashes every 250 ms for 20 s: 4,000 H/s.
        for step in 1..=80u64 {
            meter.add_at(1_000, at(step * 250));
        }
        let rate = meter.rate(at(20_000));
        assert!((3_900..=4_100).contains(&rate), "rate {rate}");
        // Idle for 5 s: half the window had no hashing.
        let rate = meter.rate(at(25_000));
        assert!((1_900..=2_100).contains(&rate), "rate {rate}");
        // Idle for a whole window: zero.
        assert_eq!(meter.rate(at(40_000)), 0);
        // Mining resumes for 2 s at 4,000 H/s after the long pause: 8,000 hashes in 10 s.
        for step in 1..=8u64 {
            meter.add_at(1_000, at(40_000 + step * 250));
        }
        let rate = meter.rate(at(42_000));
        assert!((700..=900).contains(&rate), "rate {rate}");
        assert!(meter.samples.lock().len() < 100);
    }
}
