//! Group commit: requests that arrive while the store is writing wait for the next write and
//! go in it together — one SQLite transaction (one sync to disk) or one round of ClickHouse
//! inserts for all of them, instead of one each. Each request still gets its own outcome, and
//! only once its beacons are durable.

use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::{Batch, InsertOutcome, ListQuery, ProcessingEvent, Store, StoredBeacon};
use crate::error::Error;
use crate::report::{Filter, ReportInput};
use crate::validate::Beacon;

/// Most requests written together.
const MAX_JOBS: usize = 256;

/// One request waiting to be written.
struct Job {
    received_ms: i64,
    portal: String,
    beacons: Vec<Beacon>,
    reply: Sender<Result<InsertOutcome, Error>>,
}

/// A store whose inserts are grouped by a writer thread.
#[derive(Debug)]
pub struct GroupCommit {
    inner: Arc<dyn Store>,
    jobs: Mutex<Sender<Job>>,
}

impl GroupCommit {
    /// Wraps `inner`; the writer waits up to `linger` after the first waiting request for more
    /// to join (0 for SQLite, whose write is the wait; a few ms for ClickHouse, which prefers
    /// fewer, larger inserts).
    pub fn new(inner: Arc<dyn Store>, linger: Duration) -> GroupCommit {
        let (jobs, queue) = channel::<Job>();
        let writer = inner.clone();
        std::thread::Builder::new()
            .name("journey-collector-writer".into())
            .spawn(move || write_loop(&*writer, &queue, linger))
            .expect("the writer thread starts");
        GroupCommit {
            inner,
            jobs: Mutex::new(jobs),
        }
    }
}

/// Takes the waiting requests, writes them together, answers each; until the senders are gone.
fn write_loop(store: &dyn Store, queue: &Receiver<Job>, linger: Duration) {
    while let Ok(first) = queue.recv() {
        let mut jobs = vec![first];
        let until = Instant::now() + linger;
        while jobs.len() < MAX_JOBS {
            match queue.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) if linger.is_zero() => break,
                Err(_) => match queue.recv_timeout(until.saturating_duration_since(Instant::now()))
                {
                    Ok(job) => jobs.push(job),
                    Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
                },
            }
        }
        let batches: Vec<Batch<'_>> = jobs
            .iter()
            .map(|j| Batch {
                received_ms: j.received_ms,
                portal: &j.portal,
                beacons: &j.beacons,
            })
            .collect();
        let outcomes = store.insert_many(&batches);
        for (job, outcome) in jobs.iter().zip(outcomes) {
            let _ = job.reply.send(outcome); // the request may have given up
        }
    }
}

impl Store for GroupCommit {
    fn insert_many(&self, batches: &[Batch<'_>]) -> Vec<Result<InsertOutcome, Error>> {
        let replies: Vec<_> = batches
            .iter()
            .map(|b| {
                let (reply, answer) = channel();
                let job = Job {
                    received_ms: b.received_ms,
                    portal: b.portal.to_owned(),
                    beacons: b.beacons.to_vec(),
                    reply,
                };
                let sent = self
                    .jobs
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .send(job);
                (sent, answer)
            })
            .collect();
        replies
            .into_iter()
            .map(|(sent, answer)| match sent {
                Ok(()) => answer
                    .recv()
                    .unwrap_or_else(|_| Err(Error::Store("the writer thread stopped".into()))),
                Err(_) => Err(Error::Store("the writer thread stopped".into())),
            })
            .collect()
    }

    fn list(&self, query: &ListQuery) -> Result<Vec<StoredBeacon>, Error> {
        self.inner.list(query)
    }

    fn report_input(&self, filter: &Filter) -> Result<ReportInput, Error> {
        self.inner.report_input(filter)
    }

    fn insert_processing(&self, events: &[ProcessingEvent]) -> Result<InsertOutcome, Error> {
        self.inner.insert_processing(events)
    }

    fn ping(&self) -> Result<(), Error> {
        self.inner.ping()
    }

    fn describe(&self) -> String {
        self.inner.describe()
    }
}
