//! What the benches share: the realistic profile (also written in bench/bindings.* and
//! bench/peers/, which must stay the same shape).
// Each bench uses the part it needs.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Operations per second: `n` of them in `d`.
pub fn per_sec(d: Duration, n: usize) -> f64 {
    n as f64 / d.as_secs_f64()
}

/// How long `f(0)`, …, `f(n - 1)` take, one after another.
pub fn timed(n: usize, mut f: impl FnMut(usize)) -> Duration {
    let start = Instant::now();
    for i in 0..n {
        f(i);
    }
    start.elapsed()
}

#[path = "../../tests/common/luhn.rs"]
pub mod luhn;

/// A realistic profile of ~350 bytes of JSON: email and phone (indexed), a nested address and
/// preferences, ordinary fields.
pub fn profile(i: usize) -> Value {
    profile_with_email(i, format!("user{i}@example.org"))
}

/// [`profile`] with the given email (the vault bench gives subjects emails in random order).
pub fn profile_with_email(i: usize, email: String) -> Value {
    json!({
        "email": email,
        "phone": format!("+49 151 {}", 10_000_000 + (i as u64 * 48_271 + 12_345) % 90_000_000),
        "name": format!("Person Number {i}"),
        "address": {"street": format!("{} Long Example Street", i % 997), "city": "Berlin", "zip": format!("{:05}", i % 99_999), "country": "DE"},
        "birthdate": "1987-06-05",
        "preferences": {"newsletter": i % 2 == 0, "language": "de", "theme": "dark"},
        "note": "customer since 2019, prefers contact by email, VIP tier"
    })
}
