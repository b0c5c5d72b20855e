//! Passwordless login codes, as NIST SP 800-63B-4 and OWASP ASVS 5.0 (6.5.1, 6.5.3–6.5.5, 6.6.2,
//! 6.6.3, 6.3.8) ask: a code of 6–8 digits from the OS CSPRNG, stored only as an HMAC bound to
//! its login attempt (a random id the browser holds in a `__Host-` cookie), valid at most 10
//! minutes, accepted once (compare-and-delete under the lock), voided by a newer code, killed
//! after 5 wrong entries; 100 consecutive failures lock the subject, with a growing back-off from
//! the 10th; a resend cooldown, and per-identity and per-client rate limits. Unknown identities
//! get an attempt too (with no code that can match), so nothing tells them apart.
//!
//! The state is in memory: a restart voids every pending code and resets the counters.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// How long a code is valid.
pub const CODE_TTL: Duration = Duration::from_secs(600);
/// Wrong entries that kill a code.
pub const MAX_WRONG: u32 = 5;
/// Consecutive failures after which a subject is locked.
pub const LOCK_AFTER: u32 = 100;
/// Consecutive failures from which each further try waits (2, 4, 8 … seconds, at most an hour).
pub const BACKOFF_FROM: u32 = 10;
/// The least time between two codes for one identity.
pub const RESEND_COOLDOWN: Duration = Duration::from_secs(30);
/// Codes sent per identity per hour.
pub const PER_IDENTITY_PER_HOUR: u32 = 10;
/// Login starts per client address per hour, by default (`portal.logins_per_client_per_hour`).
pub const PER_CLIENT_PER_HOUR: u32 = 60;

/// Why a login step was refused: a wrong code (whatever the reason) or a rate limit (which
/// applies alike to known and unknown identities).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The code is wrong, expired, used, voided, or belongs to another attempt.
    Invalid,
    /// Too many tries: wait.
    Wait,
}

/// A code to deliver, with the subject it is for.
pub struct Issued {
    /// The attempt id for the cookie.
    pub attempt: String,
    /// The code and the subject's token, when the identity is known (unknown: nothing to send).
    pub delivery: Option<(Zeroizing<String>, String)>,
}

struct Attempt {
    identity: [u8; 32],
    subject: Option<String>,
    mac: [u8; 32],
    expires: Instant,
    wrong: u32,
}

#[derive(Default)]
struct Failures {
    consecutive: u32,
    last: Option<Instant>,
}

struct Window {
    start: Instant,
    count: u32,
    last: Instant,
}

/// Every pending login.
pub struct Logins {
    key: Zeroizing<[u8; 32]>,
    digits: u32,
    per_client: u32,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    attempts: HashMap<String, Attempt>,
    failures: HashMap<String, Failures>,
    identities: HashMap<[u8; 32], Window>,
    clients: HashMap<IpAddr, Window>,
}

impl Logins {
    /// A store with a fresh random key; codes of `digits` (6–8) digits; `per_client` login
    /// starts per client address per hour.
    pub fn new(digits: u32, per_client: u32) -> Result<Logins, String> {
        if !(6..=8).contains(&digits) {
            return Err("portal.code_digits must be between 6 and 8".into());
        }
        let mut key = Zeroizing::new([0u8; 32]);
        getrandom::fill(&mut key[..]).map_err(|_| "the operating system's random source failed".to_string())?;
        Ok(Logins { key, digits, per_client, state: Mutex::new(State::default()) })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock leaves counters, never a half-checked code: keep going.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts a login for `identity` (normalised by the caller) from `client`, for `subject` when
    /// the identity is known. The same work and answer either way.
    pub fn start(
        &self,
        identity: &str,
        client: IpAddr,
        subject: Option<String>,
        now: Instant,
    ) -> Result<Issued, Refusal> {
        let identity = self.mac(b"identity", identity.as_bytes());
        let mut state = self.lock();
        state.sweep(now);
        hit(&mut state.clients, client, now, self.per_client, Duration::ZERO)?;
        hit(&mut state.identities, identity, now, PER_IDENTITY_PER_HOUR, RESEND_COOLDOWN)?;
        // A subject backing off or locked is sent nothing, with the same answer as an unknown
        // identity (its state tells nobody whether the address is known).
        let subject = subject.filter(|s| state.failures.get(s).is_none_or(|f| f.check(now).is_ok()));
        // A new code voids the identity's older ones.
        state.attempts.retain(|_, a| a.identity != identity);
        let attempt = random_id().map_err(|()| Refusal::Wait)?;
        let code = self.code().map_err(|()| Refusal::Wait)?;
        let mac = self.mac(attempt.as_bytes(), code.as_bytes());
        state.attempts.insert(
            attempt.clone(),
            Attempt { identity, subject: subject.clone(), mac, expires: now + CODE_TTL, wrong: 0 },
        );
        Ok(Issued { attempt, delivery: subject.map(|s| (code, s)) })
    }

    /// Checks `code` for `attempt`: the subject's token once, then never again.
    pub fn finish(&self, attempt: &str, code: &str, now: Instant) -> Result<String, Refusal> {
        let presented = self.mac(attempt.as_bytes(), code.trim().as_bytes());
        let mut state = self.lock();
        let Some(a) = state.attempts.get_mut(attempt) else { return Err(Refusal::Invalid) };
        if a.expires <= now {
            state.attempts.remove(attempt);
            return Err(Refusal::Invalid);
        }
        let subject = a.subject.clone();
        if subject.as_ref().and_then(|s| state.failures.get(s)).is_some_and(|f| f.check(now).is_err()) {
            return Err(Refusal::Invalid);
        }
        let Some(a) = state.attempts.get_mut(attempt) else { return Err(Refusal::Invalid) };
        let right = bool::from(presented.ct_eq(&a.mac)) && subject.is_some();
        if right {
            state.attempts.remove(attempt);
            if let Some(s) = &subject {
                state.failures.remove(s);
            }
            return subject.ok_or(Refusal::Invalid);
        }
        a.wrong += 1;
        if a.wrong >= MAX_WRONG {
            state.attempts.remove(attempt);
        }
        if let Some(s) = subject {
            let f = state.failures.entry(s).or_default();
            f.consecutive += 1;
            f.last = Some(now);
        }
        Err(Refusal::Invalid)
    }

    fn code(&self) -> Result<Zeroizing<String>, ()> {
        let modulus = 10u32.pow(self.digits);
        // Rejection sampling: no bias toward low codes.
        let limit = u32::MAX - u32::MAX % modulus;
        loop {
            let mut b = [0u8; 4];
            getrandom::fill(&mut b).map_err(|_| ())?;
            let n = u32::from_le_bytes(b);
            if n < limit {
                return Ok(Zeroizing::new(format!("{:0width$}", n % modulus, width = self.digits as usize)));
            }
        }
    }

    fn mac(&self, context: &[u8], value: &[u8]) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key[..]).expect("HMAC takes any key length");
        mac.update(&(context.len() as u64).to_be_bytes());
        mac.update(context);
        mac.update(value);
        mac.finalize().into_bytes().into()
    }
}

impl Failures {
    fn check(&self, now: Instant) -> Result<(), Refusal> {
        if self.consecutive >= LOCK_AFTER {
            return Err(Refusal::Wait);
        }
        if self.consecutive >= BACKOFF_FROM {
            let wait = Duration::from_secs(1u64 << (self.consecutive - BACKOFF_FROM + 1).min(12))
                .min(Duration::from_secs(3600));
            if self.last.is_some_and(|last| now < last + wait) {
                return Err(Refusal::Wait);
            }
        }
        Ok(())
    }
}

impl State {
    fn sweep(&mut self, now: Instant) {
        self.attempts.retain(|_, a| a.expires > now);
        let hour = Duration::from_secs(3600);
        self.identities.retain(|_, w| now < w.start + hour);
        self.clients.retain(|_, w| now < w.start + hour);
    }
}

/// Counts one event in a fixed one-hour window; refuses past `max` or within `cooldown` of the last.
fn hit<K: std::hash::Hash + Eq>(
    map: &mut HashMap<K, Window>,
    key: K,
    now: Instant,
    max: u32,
    cooldown: Duration,
) -> Result<(), Refusal> {
    let w = map.entry(key).or_insert(Window { start: now, count: 0, last: now });
    if w.count > 0 && now < w.last + cooldown {
        return Err(Refusal::Wait);
    }
    if w.count >= max {
        return Err(Refusal::Wait);
    }
    w.count += 1;
    w.last = now;
    Ok(())
}

/// 128 random bits, hex.
pub fn random_id() -> Result<String, ()> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|_| ())?;
    Ok(hex::encode(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    fn issue(l: &Logins, id: &str, now: Instant) -> (String, String) {
        let issued = l.start(id, CLIENT, Some(format!("subject-{id}")), now).expect("issued");
        let (code, _) = issued.delivery.expect("known");
        (issued.attempt, code.to_string())
    }

    #[test]
    fn a_code_works_once_for_its_attempt_only() {
        let l = Logins::new(6, PER_CLIENT_PER_HOUR).expect("store");
        let now = Instant::now();
        let (a1, c1) = issue(&l, "ann", now);
        assert_eq!(c1.len(), 6);
        let (a2, c2) = issue(&l, "bob", now);
        assert_eq!(l.finish(&a2, &c1, now), Err(Refusal::Invalid), "another attempt's code");
        assert_eq!(l.finish(&a1, &c1, now), Ok("subject-ann".into()));
        assert_eq!(l.finish(&a1, &c1, now), Err(Refusal::Invalid), "used");
        assert_eq!(l.finish(&a2, &c2, now), Ok("subject-bob".into()));
    }

    #[test]
    fn codes_expire_and_a_new_code_voids_the_old() {
        let l = Logins::new(8, PER_CLIENT_PER_HOUR).expect("store");
        let now = Instant::now();
        let (a1, c1) = issue(&l, "ann", now);
        assert_eq!(c1.len(), 8);
        assert_eq!(l.finish(&a1, &c1, now + CODE_TTL), Err(Refusal::Invalid), "expired");
        let later = now + RESEND_COOLDOWN;
        let (a2, c2) = issue(&l, "ann", later);
        let (a3, c3) = issue(&l, "ann", later + RESEND_COOLDOWN);
        assert_eq!(l.finish(&a2, &c2, later + RESEND_COOLDOWN), Err(Refusal::Invalid), "voided");
        assert_eq!(l.finish(&a3, &c3, later + RESEND_COOLDOWN), Ok("subject-ann".into()));
    }

    #[test]
    fn five_wrong_entries_kill_the_code() {
        let l = Logins::new(6, PER_CLIENT_PER_HOUR).expect("store");
        let now = Instant::now();
        let (a, c) = issue(&l, "ann", now);
        let wrong = if c == "000000" { "000001" } else { "000000" };
        for _ in 0..MAX_WRONG {
            assert_eq!(l.finish(&a, wrong, now), Err(Refusal::Invalid));
        }
        assert_eq!(l.finish(&a, &c, now), Err(Refusal::Invalid), "dead after 5 wrong");
    }

    #[test]
    fn consecutive_failures_back_off_then_lock() {
        let l = Logins::new(6, PER_CLIENT_PER_HOUR).expect("store");
        let mut t = Instant::now();
        for _ in 0..BACKOFF_FROM {
            let (a, _) = issue(&l, "ann", t);
            assert_eq!(l.finish(&a, "x", t), Err(Refusal::Invalid));
            t += RESEND_COOLDOWN;
        }
        let last = t - RESEND_COOLDOWN;
        l.lock().identities.clear(); // the rate limits are another test's
        let ann = || Some("subject-ann".to_string());
        let early = l.start("ann", CLIENT, ann(), last + Duration::from_secs(1)).expect("same answer");
        assert!(early.delivery.is_none(), "backing off: nothing sent");
        l.lock().identities.clear();
        let (a, c) = issue(&l, "ann", last + Duration::from_secs(3));
        assert_eq!(l.finish(&a, &c, last + Duration::from_secs(3)), Ok("subject-ann".into()), "after the wait");
        l.lock().failures.entry("subject-ann".into()).or_default().consecutive = LOCK_AFTER;
        l.lock().identities.clear();
        let far = last + Duration::from_secs(86_400);
        assert!(l.start("ann", CLIENT, ann(), far).expect("same answer").delivery.is_none(), "locked: nothing sent");
    }

    #[test]
    fn unknown_identities_get_an_attempt_that_never_succeeds() {
        let l = Logins::new(6, PER_CLIENT_PER_HOUR).expect("store");
        let now = Instant::now();
        let issued = l.start("nobody", CLIENT, None, now).expect("same path");
        assert!(issued.delivery.is_none());
        for code in ["000000", "123456"] {
            assert_eq!(l.finish(&issued.attempt, code, now), Err(Refusal::Invalid));
        }
    }

    #[test]
    fn rate_limits_per_identity_and_per_client() {
        let l = Logins::new(6, PER_CLIENT_PER_HOUR).expect("store");
        let now = Instant::now();
        issue(&l, "ann", now);
        assert_eq!(l.start("ann", CLIENT, None, now + Duration::from_secs(1)).err(), Some(Refusal::Wait), "cooldown");
        let mut t = now;
        for i in 1..PER_IDENTITY_PER_HOUR {
            t += RESEND_COOLDOWN;
            assert!(l.start("ann", CLIENT, None, t).is_ok(), "send {i}");
        }
        assert_eq!(l.start("ann", CLIENT, None, t + RESEND_COOLDOWN).err(), Some(Refusal::Wait), "hourly cap");
        let other = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));
        for i in 0..PER_CLIENT_PER_HOUR {
            assert!(l.start(&format!("id{i}"), other, None, now).is_ok());
        }
        assert_eq!(l.start("fresh", other, None, now).err(), Some(Refusal::Wait), "per client");
    }

    #[test]
    fn codes_are_uniform_digits() {
        let l = Logins::new(6, PER_CLIENT_PER_HOUR).expect("store");
        let mut seen = [0u32; 10];
        for _ in 0..2_000 {
            for d in l.code().expect("code").bytes() {
                seen[(d - b'0') as usize] += 1;
            }
        }
        assert!(seen.iter().all(|&n| n > 900), "{seen:?}");
    }
}
