//! The Rust side of the bindings benchmark (`bench/bindings.sh`): batched create and get by token
//! on a vault file, the same workload `bench/bindings.py` and `bench/bindings.mjs` run. Prints one
//! JSON line of microseconds.

use std::hint::black_box;
use std::time::Instant;

mod common;

use common::profile;

use bunkerlite::{Caller, Lookup, MasterKey, Options, Vault};
use serde_json::{json, Value};

const BATCHES: usize = 20;
const BATCH: usize = 1000;
const GETS: usize = 10_000;
/// Passes over the gets; the best one counts (short passes dodge the VM's noise and the audit flusher).
const PASSES: usize = 20;
/// Token batches: this many calls of `tokenize_many` and `detokenize_many`, of this many values.
const TOKEN_BATCHES: usize = 5;
const BATCH_TOKENS: usize = 10_000;
const TOKEN_PASSES: usize = 3;

fn main() {
    let app = Caller::new("app:bench").expect("actor");
    let dir = tempfile::tempdir_in(std::env::var("BUNKERLITE_BENCH_DIR").unwrap_or_else(|_| ".".into())).expect("dir");
    let vault = Vault::open(dir.path().join("calls.db"), &MasterKey::generate().expect("key"), Options::default())
        .expect("open");
    let batches: Vec<Vec<Value>> = (0..BATCHES).map(|b| (b * BATCH..(b + 1) * BATCH).map(profile).collect()).collect();
    let start = Instant::now();
    let mut tokens = Vec::new();
    for batch in batches {
        tokens.extend(vault.create_subjects(&app, batch).expect("create"));
    }
    let create_us = start.elapsed().as_secs_f64() * 1e6 / (BATCHES * BATCH) as f64;
    let lookups: Vec<Lookup> = (0..GETS).map(|i| Lookup::token(tokens[(i * 7919) % tokens.len()].as_str())).collect();
    // Best of PASSES passes, as in the Python and Node runs.
    let get_us = (0..PASSES)
        .map(|_| {
            let start = Instant::now();
            for l in &lookups {
                black_box(vault.get_subject(&app, l).expect("get"));
            }
            start.elapsed().as_secs_f64() * 1e6 / GETS as f64
        })
        .fold(f64::INFINITY, f64::min);
    // The same reads as the bindings make them: the subject as JSON text, no `Value`.
    let get_text_us = (0..PASSES)
        .map(|_| {
            let start = Instant::now();
            for l in &lookups {
                black_box(bunkerlite::bridge::get_subject_json(&vault, &app, l).expect("get"));
            }
            start.elapsed().as_secs_f64() * 1e6 / GETS as f64
        })
        .fold(f64::INFINITY, f64::min);
    // Token batches: TOKEN_BATCHES calls of tokenize_many and of detokenize_many, BATCH_TOKENS each.
    let values: Vec<String> = (0..TOKEN_BATCHES * BATCH_TOKENS).map(|i| format!("tok-value-{i}")).collect();
    let start = Instant::now();
    let mut vaulted = Vec::with_capacity(values.len());
    for chunk in values.chunks(BATCH_TOKENS) {
        let batch = vault.tokenize_many(&app, chunk, None, false).expect("tokenize");
        vaulted.extend(batch.items.into_iter().map(|i| i.token.expect("token")));
    }
    let tokenize_us = start.elapsed().as_secs_f64() * 1e6 / values.len() as f64;
    // Best of TOKEN_PASSES passes over the batches, as in the Python and Node runs.
    let detokenize_us = (0..TOKEN_PASSES)
        .map(|_| {
            let start = Instant::now();
            for chunk in vaulted.chunks(BATCH_TOKENS) {
                black_box(vault.detokenize_many(&app, chunk, None, false).expect("detokenize"));
            }
            start.elapsed().as_secs_f64() * 1e6 / values.len() as f64
        })
        .fold(f64::INFINITY, f64::min);
    vault.close().expect("close");
    println!(
        "{}",
        json!({"lang": "rust", "create_batched_us": create_us, "get_by_token_us": get_us, "get_text_us": get_text_us,
               "tokenize_batched_us": tokenize_us, "detokenize_batched_us": detokenize_us})
    );
}
