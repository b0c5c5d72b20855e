//! Helpers shared by the integration tests: keys, temporary vault files, raw file access, and
//! child processes (the test binary re-run on one ignored entry-point test), and the scan of
//! files for plaintext in every encoding a leak could take.
#![allow(dead_code)]

pub mod luhn;
pub mod ops;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine as _;
use bunkerlite::{MasterKey, Options, Vault};
use sha2::{Digest, Sha256};

pub fn key(byte: u8) -> MasterKey {
    MasterKey::from_bytes(&[byte; 32]).expect("32 bytes")
}

pub struct TempVault {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

pub fn temp_vault() -> TempVault {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("vault.db");
    TempVault { dir, path }
}

pub fn open(path: &Path, key_byte: u8) -> Vault {
    Vault::open(path, &key(key_byte), Options::default()).expect("open")
}

/// The vault file and its sidecars that exist.
pub fn files(path: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", path.display())))
        .filter(|p| p.exists())
        .collect()
}

/// Hashes of the vault file and its sidecars (name → sha256), for "nothing was written".
pub fn hashes(path: &Path) -> Vec<(PathBuf, String)> {
    files(path)
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).expect("read");
            let h = hex::encode(Sha256::digest(&bytes));
            (p, h)
        })
        .collect()
}

/// Each of the vault file and its sidecars with its bytes.
pub fn files_bytes(path: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files(path).into_iter().map(|p| (p.clone(), std::fs::read(&p).expect("read"))).collect()
}

/// All bytes of the vault file and its sidecars.
pub fn all_bytes(path: &Path) -> Vec<u8> {
    files(path).into_iter().flat_map(|p| std::fs::read(p).expect("read")).collect()
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// A raw SQLite connection to the vault file, bypassing bunkerlite (the attacker's view).
pub fn raw(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("raw open")
}

/// A command that re-runs this test binary on the ignored test `entry`, with `env` set.
pub fn child(entry: &str, env: &[(&str, String)]) -> Command {
    let exe = std::env::current_exe().expect("test binary path");
    let mut cmd = Command::new(exe);
    cmd.args([entry, "--exact", "--ignored", "--nocapture", "--test-threads=1", "-q"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::inherit());
    cmd
}

/// What racing child processes reported: each `W i` (won) or `L i` (lost) line of their output as
/// `(i, won)`; fails if a child failed.
pub fn race_outcomes(children: Vec<std::process::Child>) -> Vec<(usize, bool)> {
    use std::io::{BufRead, BufReader};
    let mut results = Vec::new();
    for mut child in children {
        let out = child.stdout.take().expect("stdout");
        for line in BufReader::new(out).lines() {
            let line = line.expect("line");
            if let Some((tag, i)) = line.split_once(' ') {
                if tag == "W" || tag == "L" {
                    results.push((i.parse().expect("index"), tag == "W"));
                }
            }
        }
        assert!(child.wait().expect("wait").success(), "a racing process failed");
    }
    results
}

/// A small deterministic generator (xorshift) so failures can be replayed from the printed seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn from_time() -> Rng {
        let seed =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_nanos() as u64 | 1;
        eprintln!("rng seed {seed}");
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A caller acting as `actor` (no purpose).
pub fn c(actor: &str) -> bunkerlite::Caller {
    bunkerlite::Caller::new(actor).expect("a valid actor")
}

/// Every encoding of `s` an accidental leak could take.
pub fn encodings(s: &str) -> Vec<Vec<u8>> {
    vec![
        s.as_bytes().to_vec(),
        s.to_lowercase().into_bytes(),
        hex::encode(s).into_bytes(),
        base64::engine::general_purpose::STANDARD.encode(s).trim_end_matches('=').as_bytes().to_vec(),
    ]
}

/// Fail if any encoding of any needle occurs in `bytes`: one pass per distinct needle length.
pub fn assert_absent(bytes: &[u8], needles: &[String], when: &str) {
    let mut by_len: HashMap<usize, HashSet<Vec<u8>>> = HashMap::new();
    for n in needles {
        for enc in encodings(n) {
            by_len.entry(enc.len()).or_default().insert(enc);
        }
    }
    for (len, set) in &by_len {
        if let Some(hit) = bytes.windows(*len).find(|w| set.contains(*w)) {
            panic!("{when}: a canary was found on disk: {}", String::from_utf8_lossy(hit));
        }
    }
}
