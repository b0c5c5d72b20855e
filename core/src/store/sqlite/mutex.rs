//! SQLite's mutexes, as SQLite's own Unix implementation makes them (POSIX mutexes: plain for
//! the fast and static kinds, recursive for the recursive kind), except that a thread finding
//! one held tries again for a short while before it sleeps.
//!
//! Why: SQLite holds its per-file shared-memory mutex across an `fcntl` on the `-shm` file at
//! the start and end of every read transaction (a fraction of a microsecond). With two reader
//! threads, 93% of their context switches were sleeps on that mutex (27,000 in a 6-second run),
//! each followed by a wake-up that costs far more than the wait would have (an idle virtual CPU
//! takes microseconds to resume). Spinning a little longer than such a section lasts keeps both
//! threads running: 2,600–3,200 switches in the same run.
//!
//! Installed through `SQLITE_CONFIG_MUTEX`, SQLite's documented way to supply mutexes, before
//! SQLite is initialised; when it was already initialised in this process (another library
//! opened a database first) SQLite refuses the call and keeps its own. Not installed on a single
//! CPU, where spinning cannot help.

use std::cell::UnsafeCell;
use std::ffi::c_int;

use rusqlite::ffi;

/// How many times a held mutex is tried again before the thread sleeps on it, with a spin-loop
/// hint between tries: about 3 µs in all on the benchmark machine (README "Threads"), several
/// times what the `-shm` lock's section takes.
const SPINS: u32 = 100;

/// One POSIX mutex, at a fixed address (boxed) for as long as SQLite uses it.
struct Raw(UnsafeCell<libc::pthread_mutex_t>);

// SAFETY: a POSIX mutex is made to be shared between threads; only the pthread functions touch it.
unsafe impl Sync for Raw {}
unsafe impl Send for Raw {}

impl Raw {
    /// A new mutex, recursive or not. `None` when the system refuses to make one.
    fn new(recursive: bool) -> Option<Box<Raw>> {
        let raw = Box::new(Raw(UnsafeCell::new(libc::PTHREAD_MUTEX_INITIALIZER)));
        // SAFETY: initialising a mutex nobody else can see yet, with an attribute object that
        // lives for these calls only.
        unsafe {
            let mut attr: libc::pthread_mutexattr_t = std::mem::zeroed();
            if libc::pthread_mutexattr_init(&mut attr) != 0 {
                return None;
            }
            let kind = if recursive { libc::PTHREAD_MUTEX_RECURSIVE } else { libc::PTHREAD_MUTEX_NORMAL };
            let ok = libc::pthread_mutexattr_settype(&mut attr, kind) == 0
                && libc::pthread_mutex_init(raw.0.get(), &attr) == 0;
            libc::pthread_mutexattr_destroy(&mut attr);
            ok.then_some(raw)
        }
    }
}

/// SQLite's static mutexes (`SQLITE_MUTEX_STATIC_MAIN` = 2 up to `SQLITE_MUTEX_STATIC_VFS3` =
/// 13): plain mutexes from the static initialiser, as SQLite's own, never freed.
static STATICS: [Raw; 12] = [const { Raw(UnsafeCell::new(libc::PTHREAD_MUTEX_INITIALIZER)) }; 12];

fn is_static(m: *const Raw) -> bool {
    STATICS.iter().any(|s| std::ptr::eq(s, m))
}

unsafe extern "C" fn init() -> c_int {
    ffi::SQLITE_OK
}

unsafe extern "C" fn end() -> c_int {
    ffi::SQLITE_OK
}

unsafe extern "C" fn alloc(kind: c_int) -> *mut ffi::sqlite3_mutex {
    let made = match kind {
        ffi::SQLITE_MUTEX_FAST => Raw::new(false),
        ffi::SQLITE_MUTEX_RECURSIVE => Raw::new(true),
        _ => {
            let Some(index) = usize::try_from(kind).ok().and_then(|k| k.checked_sub(2)) else {
                return std::ptr::null_mut();
            };
            return match STATICS.get(index) {
                Some(raw) => (raw as *const Raw).cast_mut().cast(),
                None => std::ptr::null_mut(),
            };
        }
    };
    made.map_or(std::ptr::null_mut(), |raw| Box::into_raw(raw).cast())
}

unsafe extern "C" fn free(m: *mut ffi::sqlite3_mutex) {
    let m = m.cast::<Raw>();
    if m.is_null() || is_static(m) {
        return;
    }
    // SAFETY: `m` came from `alloc`'s `Box::into_raw` and SQLite frees each mutex once, unheld.
    let raw = unsafe { Box::from_raw(m) };
    // SAFETY: an initialised mutex nobody holds or waits on.
    unsafe { libc::pthread_mutex_destroy(raw.0.get()) };
}

unsafe extern "C" fn enter(m: *mut ffi::sqlite3_mutex) {
    let m = m.cast::<Raw>();
    for _ in 0..SPINS {
        // SAFETY: `m` is a mutex `alloc` made, alive while SQLite uses it.
        if unsafe { libc::pthread_mutex_trylock((*m).0.get()) } == 0 {
            return;
        }
        std::hint::spin_loop();
    }
    // SAFETY: as above.
    unsafe { libc::pthread_mutex_lock((*m).0.get()) };
}

unsafe extern "C" fn try_enter(m: *mut ffi::sqlite3_mutex) -> c_int {
    // SAFETY: `m` is a mutex `alloc` made, alive while SQLite uses it.
    if unsafe { libc::pthread_mutex_trylock((*m.cast::<Raw>()).0.get()) } == 0 {
        ffi::SQLITE_OK
    } else {
        ffi::SQLITE_BUSY
    }
}

unsafe extern "C" fn leave(m: *mut ffi::sqlite3_mutex) {
    // SAFETY: `m` is a mutex `alloc` made, held by this thread (SQLite pairs every leave with an
    // enter or a successful try).
    unsafe { libc::pthread_mutex_unlock((*m.cast::<Raw>()).0.get()) };
}

/// The methods handed to SQLite. `xMutexHeld` and `xMutexNotheld` are absent, as in SQLite's
/// own release builds (only its debug builds' assertions call them).
static METHODS: ffi::sqlite3_mutex_methods = ffi::sqlite3_mutex_methods {
    xMutexInit: Some(init),
    xMutexEnd: Some(end),
    xMutexAlloc: Some(alloc),
    xMutexFree: Some(free),
    xMutexEnter: Some(enter),
    xMutexTry: Some(try_enter),
    xMutexLeave: Some(leave),
    xMutexHeld: None,
    xMutexNotheld: None,
};

/// Hand SQLite these mutexes, if it is not initialised yet and the machine has more than one CPU.
/// Call once, before the first connection.
pub(super) fn install() {
    if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
        return;
    }
    // SAFETY: SQLITE_CONFIG_MUTEX takes a pointer to a methods struct, which SQLite copies; it
    // answers SQLITE_MISUSE (ignored: SQLite keeps its own mutexes) once initialised.
    let _ = unsafe { ffi::sqlite3_config(ffi::SQLITE_CONFIG_MUTEX, &METHODS as *const ffi::sqlite3_mutex_methods) };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A mutex `alloc` made, freed at the end of the test.
    struct Made(*mut ffi::sqlite3_mutex);
    // SAFETY: the tests share a mutex between threads, as SQLite does.
    unsafe impl Send for Made {}
    unsafe impl Sync for Made {}

    fn made(kind: c_int) -> Made {
        // SAFETY: `alloc` takes any kind.
        let m = unsafe { alloc(kind) };
        assert!(!m.is_null(), "kind {kind} gives a mutex");
        Made(m)
    }

    fn try_from_other_thread(m: &Made) -> c_int {
        std::thread::scope(|s| {
            s.spawn(move || {
                let m = m;
                // SAFETY: a live mutex; released again when taken.
                let rc = unsafe { try_enter(m.0) };
                if rc == ffi::SQLITE_OK {
                    unsafe { leave(m.0) };
                }
                rc
            })
            .join()
            .expect("thread")
        })
    }

    #[test]
    fn a_fast_mutex_excludes_other_threads_until_left() {
        let m = made(ffi::SQLITE_MUTEX_FAST);
        // SAFETY: the mutex is live until `free` at the end, and each enter is left once.
        unsafe {
            enter(m.0);
            assert_eq!(try_from_other_thread(&m), ffi::SQLITE_BUSY);
            leave(m.0);
            assert_eq!(try_from_other_thread(&m), ffi::SQLITE_OK);
            assert_eq!(try_enter(m.0), ffi::SQLITE_OK);
            leave(m.0);
            free(m.0);
        }
    }

    #[test]
    fn a_recursive_mutex_is_entered_again_by_its_holder() {
        let m = made(ffi::SQLITE_MUTEX_RECURSIVE);
        // SAFETY: as above.
        unsafe {
            enter(m.0);
            assert_eq!(try_enter(m.0), ffi::SQLITE_OK, "the holder enters again");
            leave(m.0);
            assert_eq!(try_from_other_thread(&m), ffi::SQLITE_BUSY, "still held once");
            leave(m.0);
            assert_eq!(try_from_other_thread(&m), ffi::SQLITE_OK);
            free(m.0);
        }
    }

    #[test]
    fn a_waiter_past_its_spins_sleeps_and_gets_the_mutex_when_left() {
        let m = made(ffi::SQLITE_MUTEX_FAST);
        let inside = std::sync::atomic::AtomicUsize::new(0);
        // SAFETY: as above; the holder leaves after the waiter has spun out.
        unsafe { enter(m.0) };
        std::thread::scope(|s| {
            let (m, inside) = (&m, &inside);
            let waiter = s.spawn(move || {
                let m = m;
                unsafe { enter(m.0) };
                inside.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                unsafe { leave(m.0) };
            });
            std::thread::sleep(std::time::Duration::from_millis(50));
            assert_eq!(inside.load(std::sync::atomic::Ordering::SeqCst), 0, "the waiter waits");
            unsafe { leave(m.0) };
            waiter.join().expect("waiter");
        });
        assert_eq!(inside.load(std::sync::atomic::Ordering::SeqCst), 1);
        unsafe { free(m.0) };
    }

    #[test]
    fn many_threads_counting_under_one_mutex_lose_no_update() {
        let m = made(ffi::SQLITE_MUTEX_FAST);
        let count = std::cell::UnsafeCell::new(0u64);
        struct Shared<'a>(&'a std::cell::UnsafeCell<u64>);
        // SAFETY: only touched under the mutex.
        unsafe impl Sync for Shared<'_> {}
        let shared = Shared(&count);
        std::thread::scope(|s| {
            for _ in 0..4 {
                let (m, shared) = (&m, &shared);
                s.spawn(move || {
                    let (m, shared) = (m, shared);
                    for _ in 0..20_000 {
                        // SAFETY: the counter is only read and written between enter and leave.
                        unsafe {
                            enter(m.0);
                            *shared.0.get() += 1;
                            leave(m.0);
                        }
                    }
                });
            }
        });
        assert_eq!(count.into_inner(), 80_000);
        unsafe { free(m.0) };
    }

    #[test]
    fn static_kinds_are_fixed_and_unknown_kinds_refused() {
        // SAFETY: `alloc` takes any kind; statics are never freed (`free` ignores them).
        unsafe {
            let main = alloc(ffi::SQLITE_MUTEX_STATIC_MAIN);
            assert!(!main.is_null());
            assert_eq!(main, alloc(ffi::SQLITE_MUTEX_STATIC_MAIN), "one mutex per static kind");
            assert_ne!(main, alloc(ffi::SQLITE_MUTEX_STATIC_VFS3));
            assert!(!alloc(ffi::SQLITE_MUTEX_STATIC_VFS3).is_null());
            assert!(alloc(ffi::SQLITE_MUTEX_STATIC_VFS3 + 1).is_null());
            assert!(alloc(-1).is_null());
            free(main);
            assert_eq!(try_enter(main), ffi::SQLITE_OK, "a static mutex outlives free");
            leave(main);
        }
    }
}
