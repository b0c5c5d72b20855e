//! The writer connection and group commit: writes of several threads that arrive while one is
//! running share its transaction and its commit (one fsync for the group instead of one each).
//!
//! A write takes the writer; if no transaction is open it begins one (`BEGIN IMMEDIATE`) and is
//! the group's first member, otherwise it joins the open one inside a savepoint of its own.
//! When its work is done and another thread is waiting for the writer, it leaves the
//! transaction open for that thread and waits for the group's commit; when nobody is waiting,
//! it commits the group and wakes the members. A member returns only after the commit that
//! holds its changes (durable with `synchronous=FULL`), with its own result: a member whose work
//! fails rolls back to its savepoint and the others' changes stay; a failed commit fails every
//! member of the group. Nothing of a group is visible to readers before its commit.
//!
//! Every other use of the writer connection first commits a group left open for it
//! ([`Store::settled_writer`]), so outside a write the writer is never inside a transaction.

use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::MutexGuard;

use rusqlite::Connection;

use super::{lock, try_lock, Db, Store, Tx};
use crate::error::{Error, ErrorKind, Result};

/// Members of one group at most: a bound on how long the first one waits for its commit.
const MAX_MEMBERS: usize = 64;
/// Failed groups remembered for their members to look up.
const FAILURES_KEPT: usize = 256;

/// The writer connection and the state of its group transaction.
pub(super) struct Writer {
    pub(super) conn: Connection,
    /// Members of the open group so far.
    members: usize,
    /// The last group begun, and the last one settled (committed or rolled back): groups settle
    /// in the order they begin, so a group is open while `begun > settled`.
    begun: u64,
    settled: u64,
    /// Groups whose commit failed, with the error every member of them gets.
    failed: VecDeque<(u64, Error)>,
}

impl Writer {
    pub(super) fn new(conn: Connection) -> Writer {
        Writer { conn, members: 0, begun: 0, settled: 0, failed: VecDeque::new() }
    }

    /// The group whose transaction is open, left for a waiting thread to join.
    fn open(&self) -> Option<u64> {
        (self.begun > self.settled).then_some(self.begun)
    }
}

impl Store {
    /// The writer, counted as wanted while this thread waits for it (a member that sees it
    /// wanted leaves its group's transaction open for this thread).
    pub(super) fn writer(&self) -> MutexGuard<'_, Writer> {
        self.wanting.fetch_add(1, Ordering::SeqCst);
        let w = lock(&self.writer);
        self.wanting.fetch_sub(1, Ordering::SeqCst);
        w
    }

    /// The writer outside any transaction: a group left open for this thread is committed
    /// first (its members get the outcome).
    pub(super) fn settled_writer(&self) -> MutexGuard<'_, Writer> {
        let mut w = self.writer();
        // A failed commit is reported to the group's members; this caller goes on.
        drop(self.commit_group(&mut w));
        w
    }

    /// Commit the open group, if any, and wake its members.
    fn commit_group(&self, w: &mut Writer) -> Result<()> {
        let Some(group) = w.open() else { return Ok(()) };
        let result = if w.conn.is_autocommit() {
            // SQLite rolled the transaction back itself (an I/O error, a full disk) during a
            // member's statement: every member's changes are gone.
            Err(Error::new(ErrorKind::Storage, "the transaction of this write was rolled back by the database"))
        } else {
            w.conn.execute_batch("COMMIT").map_err(Error::from)
        };
        if let Err(e) = &result {
            if !w.conn.is_autocommit() {
                drop(w.conn.execute_batch("ROLLBACK"));
            }
            w.failed.push_back((group, e.clone()));
            if w.failed.len() > FAILURES_KEPT {
                w.failed.pop_front();
            }
        }
        self.settle(w, group);
        result
    }

    fn settle(&self, w: &mut Writer, group: u64) {
        w.members = 0;
        w.settled = group;
        self.committed.notify_all();
    }

    /// Run `f` as one member of a group transaction (see the module documentation). File
    /// stores only; an in-memory store has no other connection to hide a transaction from.
    pub(super) fn write_grouped<T>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let member = Member::join(self, self.writer())?;
        let out = f(&Db::of(&member.conn));
        member.leave(out)
    }

    /// [`write_grouped`](Self::write_grouped) if the writer is free now; `None` (nothing done)
    /// when another thread holds it or a group waits for a thread to join it (joining would
    /// mean waiting for that group's commit).
    pub(super) fn write_grouped_unless_busy<T>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<Option<T>> {
        let Some(w) = try_lock(&self.writer).filter(|w| w.open().is_none()) else { return Ok(None) };
        let member = Member::join(self, w)?;
        let out = f(&Db::of(&member.conn));
        member.leave(out).map(Some)
    }
}

/// One write inside a group transaction. Dropped without [`leave`](Member::leave) (a panic in
/// its work), it rolls its own changes back and hands the group on as `leave` would.
struct Member<'s> {
    store: &'s Store,
    w: Option<MutexGuard<'s, Writer>>,
    group: u64,
    /// The member that began the transaction: it holds the writer from `BEGIN` to its end, so
    /// nobody else has joined while its work runs, and it rolls back the whole transaction.
    first: bool,
}

impl<'s> std::ops::Deref for Member<'s> {
    type Target = Writer;
    fn deref(&self) -> &Writer {
        self.w.as_ref().expect("held until the member leaves")
    }
}

impl<'s> Member<'s> {
    /// Join (or begin) the group with the writer `w`, just taken.
    fn join(store: &'s Store, mut w: MutexGuard<'s, Writer>) -> Result<Member<'s>> {
        if let Some(group) = w.open() {
            // A transaction SQLite already rolled back is not joined: `SAVEPOINT` outside one
            // would begin a new transaction, and the group's commit would then report the lost
            // changes of its earlier members as committed.
            if w.members < MAX_MEMBERS && !w.conn.is_autocommit() {
                if let Err(e) = w.conn.execute_batch("SAVEPOINT member") {
                    // The group cannot take this write; it must not stay open for nobody.
                    drop(store.commit_group(&mut w));
                    return Err(e.into());
                }
                w.members += 1;
                return Ok(Member { store, w: Some(w), group, first: false });
            }
            drop(store.commit_group(&mut w));
        }
        w.conn.execute_batch("BEGIN IMMEDIATE")?;
        w.begun += 1;
        let group = w.begun;
        w.members = 1;
        Ok(Member { store, w: Some(w), group, first: true })
    }

    /// End this member's work with its outcome `out`: keep or undo its changes, then hand the
    /// transaction to a waiting thread (and wait for the group's commit) or commit it.
    fn leave<T>(mut self, out: Result<T>) -> Result<T> {
        let mut w = self.w.take().expect("held until the member leaves");
        let out = match out {
            Ok(v) if self.first => Ok(v),
            Ok(v) => match w.conn.execute_batch("RELEASE member") {
                Ok(()) => Ok(v),
                Err(e) => {
                    undo_member(&w.conn);
                    Err(e.into())
                }
            },
            Err(e) if self.first => {
                // Nobody joined while this work ran: the transaction holds only its changes.
                drop(w.conn.execute_batch("ROLLBACK"));
                self.store.settle(&mut w, self.group);
                return Err(e);
            }
            Err(e) => {
                undo_member(&w.conn);
                Err(e)
            }
        };
        if self.store.wanting.load(Ordering::SeqCst) > 0 && w.members < MAX_MEMBERS {
            // Another thread waits for the writer: it joins this transaction (or commits it).
            let v = out?;
            while w.settled < self.group {
                w = self.store.committed.wait(w).unwrap_or_else(|p| p.into_inner());
            }
            return match w.failed.iter().find(|(g, _)| *g == self.group) {
                Some((_, e)) => Err(e.clone()),
                None => Ok(v),
            };
        }
        let committed = self.store.commit_group(&mut w);
        let v = out?;
        committed.map(|()| v)
    }
}

/// Undo a joined member's changes and end its savepoint.
fn undo_member(conn: &Connection) {
    drop(conn.execute_batch("ROLLBACK TO member; RELEASE member"));
}

impl Drop for Member<'_> {
    fn drop(&mut self) {
        let Some(mut w) = self.w.take() else { return };
        // Unwinding from a panic in the member's work: its changes are undone; the group goes on.
        if self.first {
            drop(w.conn.execute_batch("ROLLBACK"));
            self.store.settle(&mut w, self.group);
            return;
        }
        undo_member(&w.conn);
        if self.store.wanting.load(Ordering::SeqCst) == 0 {
            drop(self.store.commit_group(&mut w));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;
    use std::time::Duration;

    use super::super::{lock, Settings, Store};
    use crate::error::{Error, ErrorKind, Result};

    fn store(dir: &tempfile::TempDir) -> Store {
        let settings = Settings { synchronous_full: true, busy_timeout: Duration::from_secs(5), cache_kib: 1024 };
        let store = Store::open_file(&dir.path().join("g.db"), settings).expect("open");
        lock(&store.writer).conn.execute_batch("CREATE TABLE t (x INTEGER)").expect("table");
        store
    }

    fn rows(store: &Store) -> Vec<i64> {
        store
            .read(|db| {
                let mut stmt = db.conn.prepare("SELECT x FROM t ORDER BY x")?;
                let xs = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
                Ok(xs)
            })
            .expect("rows")
    }

    fn insert(tx: &super::Tx<'_>, x: i64) -> Result<()> {
        tx.conn.execute("INSERT INTO t VALUES (?1)", [x])?;
        Ok(())
    }

    /// Thread A's write waits, inside its transaction, until thread B waits for the writer, so
    /// B joins A's group; B's write does `second`. Returns both outcomes and the group count.
    fn pair(store: &Store, second: impl FnOnce(&super::Tx<'_>) -> Result<()> + Send) -> (Result<()>, Result<()>, u64) {
        let begun = lock(&store.writer).begun;
        let inside = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            let a = s.spawn(|| {
                store.write(|tx| {
                    insert(tx, 1)?;
                    inside.store(true, Ordering::SeqCst);
                    while store.wanting.load(Ordering::SeqCst) == 0 {
                        std::thread::yield_now();
                    }
                    Ok(())
                })
            });
            // B starts once A holds the writer (A's row is inserted, not committed).
            while !inside.load(Ordering::SeqCst) {
                std::thread::yield_now();
            }
            let b = s.spawn(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| store.write(second))));
            let a = a.join().expect("a");
            let b = b.join().expect("b thread").unwrap_or_else(|_| Err(Error::internal("panicked")));
            (a, b, lock(&store.writer).begun - begun)
        })
    }

    #[test]
    fn members_of_a_group_commit_together_and_keep_their_own_outcome() {
        let dir = tempfile::tempdir().expect("dir");
        let store = store(&dir);
        // Both succeed: one group, both rows.
        let (a, b, groups) = pair(&store, |tx| insert(tx, 2));
        assert!(a.is_ok() && b.is_ok());
        assert_eq!(groups, 1, "B joined A's transaction");
        assert_eq!(rows(&store), [1, 2]);
        // B fails: its row is undone, A's stays.
        let (a, b, groups) = pair(&store, |tx| {
            insert(tx, 3)?;
            Err(Error::invalid("refused"))
        });
        assert!(a.is_ok());
        assert_eq!(b.expect_err("b").kind(), ErrorKind::InvalidInput);
        assert_eq!(groups, 1);
        assert_eq!(rows(&store), [1, 1, 2]);
        // B panics in its work: the same, and the writer is usable afterwards.
        let (a, b, groups) = pair(&store, |tx| {
            insert(tx, 4)?;
            panic!("a bug in a write");
        });
        assert!(a.is_ok());
        assert_eq!(b.expect_err("b").kind(), ErrorKind::Internal);
        assert_eq!(groups, 1);
        assert_eq!(rows(&store), [1, 1, 1, 2]);
        store.write(|tx| insert(tx, 5)).expect("alone");
        assert_eq!(rows(&store), [1, 1, 1, 2, 5]);
        assert!(lock(&store.writer).conn.is_autocommit(), "no transaction left open");
    }

    #[test]
    fn a_transaction_the_database_rolled_back_fails_every_member() {
        use std::sync::atomic::AtomicBool;
        let dir = tempfile::tempdir().expect("dir");
        let store = store(&dir);
        let wait_for_waiter = || {
            while store.wanting.load(Ordering::SeqCst) == 0 {
                std::thread::yield_now();
            }
        };
        let (inside_a, inside_b) = (AtomicBool::new(false), AtomicBool::new(false));
        let (a, b, c) = std::thread::scope(|s| {
            // A begins the group and waits for B; B's statement ends the transaction, as SQLite
            // does itself on an I/O error or a full disk, and B waits for C; C comes last.
            let a = s.spawn(|| {
                store.write(|tx| {
                    insert(tx, 1)?;
                    inside_a.store(true, Ordering::SeqCst);
                    wait_for_waiter();
                    Ok(())
                })
            });
            while !inside_a.load(Ordering::SeqCst) {
                std::thread::yield_now();
            }
            let b = s.spawn(|| {
                store.write(|tx| {
                    insert(tx, 2)?;
                    tx.conn.execute_batch("ROLLBACK")?;
                    inside_b.store(true, Ordering::SeqCst);
                    wait_for_waiter();
                    Ok(())
                })
            });
            while !inside_b.load(Ordering::SeqCst) {
                std::thread::yield_now();
            }
            let c = s.spawn(|| store.write(|tx| insert(tx, 3)));
            (a.join().expect("a"), b.join().expect("b"), c.join().expect("c"))
        });
        // A's insert went with the transaction: A must not be told it committed.
        assert_eq!(a.expect_err("a").kind(), ErrorKind::Storage);
        assert!(b.is_err());
        c.expect("c begins a transaction of its own");
        assert_eq!(rows(&store), [3]);
        assert!(lock(&store.writer).conn.is_autocommit());
    }

    #[test]
    fn a_failing_first_member_rolls_back_alone_and_many_threads_lose_nothing() {
        let dir = tempfile::tempdir().expect("dir");
        let store = store(&dir);
        let e = store
            .write(|tx| -> Result<()> {
                insert(tx, 9)?;
                Err(Error::invalid("no"))
            })
            .expect_err("fails");
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(rows(&store).is_empty());
        // Eight threads, every third write of each fails: exactly the others are there.
        std::thread::scope(|s| {
            for t in 0..8i64 {
                let store = &store;
                s.spawn(move || {
                    for i in 0..60i64 {
                        let x = t * 1000 + i;
                        let r = store.write(|tx| {
                            insert(tx, x)?;
                            if i % 3 == 2 {
                                return Err(Error::invalid("no"));
                            }
                            Ok(())
                        });
                        assert_eq!(r.is_ok(), i % 3 != 2, "{x}");
                    }
                });
            }
        });
        let expected: Vec<i64> =
            (0..8).flat_map(|t| (0..60).filter(|i| i % 3 != 2).map(move |i| t * 1000 + i)).collect();
        assert_eq!(rows(&store), expected);
        assert!(lock(&store.writer).conn.is_autocommit());
    }
}
