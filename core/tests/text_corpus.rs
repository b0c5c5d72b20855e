//! `tokenize_text` on a realistic application log: precision and recall per category.
//!
//! A seeded generator writes lines in the formats applications log in — Python logging, nginx
//! access logs, JSON logs, syslog, chat transcripts — holding personal data (emails, phone
//! numbers written internationally and in national formats, card numbers in several spellings)
//! among what logs are mostly made of (timestamps, dates, times, IPv4 and IPv6 addresses, UUIDs,
//! order ids, HTTP status and size, prices, versions, durations). Each item is known, so after
//! one `tokenize_text` per vault region the test counts, per category, the personal items
//! replaced (recall) and the other items left exactly as written (a false positive is any
//! change). The goals (the table of the book's Tokens chapter): no false positive on any non-personal category, and
//! complete recall of emails, E.164 and formatted national numbers and Luhn-valid cards.
//!
//! `cargo test --release -p bunkerlite --test text_corpus -- --nocapture` prints the table.

mod common;

use bunkerlite::{Caller, MasterKey, Options, Vault};
use serde_json::json;

/// A small deterministic generator (xorshift64*), so the corpus is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// What an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Category {
    Email,
    PhoneE164,
    PhoneNational,
    Card,
    Timestamp,
    Date,
    Time,
    Ipv4,
    Ipv6,
    Uuid,
    OrderId,
    HttpStatusSize,
    Price,
    Version,
    Duration,
}

impl Category {
    fn personal(self) -> bool {
        matches!(self, Category::Email | Category::PhoneE164 | Category::PhoneNational | Category::Card)
    }
    fn name(self) -> &'static str {
        match self {
            Category::Email => "emails",
            Category::PhoneE164 => "phone numbers, international (E.164, spaced or not)",
            Category::PhoneNational => "phone numbers, national formats",
            Category::Card => "card numbers (Luhn-valid; spaced, dashed, plain)",
            Category::Timestamp => "timestamps (ISO 8601, Python logging, nginx, syslog)",
            Category::Date => "dates",
            Category::Time => "times",
            Category::Ipv4 => "IPv4 addresses",
            Category::Ipv6 => "IPv6 addresses",
            Category::Uuid => "UUIDs",
            Category::OrderId => "order and user ids",
            Category::HttpStatusSize => "HTTP status and size",
            Category::Price => "prices",
            Category::Version => "versions",
            Category::Duration => "durations, ports, pids",
        }
    }
}

/// A line and the items it holds.
struct Line {
    text: String,
    items: Vec<(Category, String)>,
}

/// A line under construction: literal text and items appended in order.
struct Builder {
    text: String,
    items: Vec<(Category, String)>,
}

impl Builder {
    fn new() -> Builder {
        Builder { text: String::new(), items: Vec::new() }
    }
    fn t(mut self, s: &str) -> Builder {
        self.text.push_str(s);
        self
    }
    fn i(mut self, c: Category, s: String) -> Builder {
        self.text.push_str(&s);
        self.items.push((c, s));
        self
    }
    fn done(self) -> Line {
        Line { text: self.text, items: self.items }
    }
}

struct Gen {
    rng: Rng,
}

impl Gen {
    fn n(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.rng.below(hi - lo + 1)
    }
    fn email(&mut self) -> String {
        let first = self.rng.pick(&["ann", "bob", "chen", "dana", "emre", "fatima", "goran", "hana", "ivan", "jo"]);
        let last = self.rng.pick(&["lee", "smith", "nguyen", "mueller", "rossi", "kowalski", "garcia", "okafor"]);
        let domain = self.rng.pick(&["example.com", "example.org", "mail.example.net", "corp.example.co.uk"]);
        match self.rng.below(4) {
            0 => format!("{first}.{last}@{domain}"),
            1 => format!("{first}{}@{domain}", self.n(1, 99)),
            2 => format!("{}.{}@{domain}", first.to_uppercase(), last),
            _ => format!("{first}+{}@{domain}", self.rng.pick(&["news", "shop", "test"])),
        }
    }
    fn e164(&mut self) -> String {
        let n = self.n(100_000, 999_999);
        match self.rng.below(6) {
            0 => format!("+49 30 {n}"),
            1 => format!("+4930{n}"),
            2 => format!("+49 151 {}", self.n(10_000_000, 99_999_999)),
            3 => format!("+1 415 555 {:04}", self.n(0, 9999)),
            4 => format!("+44 20 7946 {:04}", self.n(0, 999)),
            _ => format!("+33 6 12 34 {:02} {:02}", self.n(10, 99), self.n(10, 99)),
        }
    }
    /// National numbers as people write them in Germany (the vault's default region).
    fn national(&mut self) -> String {
        let n = self.n(100_000, 999_999);
        match self.rng.below(5) {
            0 => format!("030 {n}"),
            1 => format!("(030) {n}"),
            2 => format!("0151 {} {}", self.n(1000, 9999), self.n(1000, 9999)),
            3 => format!("0151-{}", self.n(10_000_000, 99_999_999)),
            _ => format!("089/{}", self.n(1_000_000, 9_999_999)),
        }
    }
    fn card(&mut self) -> String {
        let (prefix, len) = *[("4", 16), ("51", 16), ("37", 15), ("6011", 16), ("4", 13)]
            .get(self.rng.below(5) as usize)
            .expect("card");
        let digits = common::luhn::complete(prefix, len, || self.rng.below(10) as u32);
        match (self.rng.below(3), len) {
            (0, 16) => digits
                .as_bytes()
                .chunks(4)
                .map(|c| std::str::from_utf8(c).expect("ascii"))
                .collect::<Vec<_>>()
                .join(" "),
            (1, 16) => digits
                .as_bytes()
                .chunks(4)
                .map(|c| std::str::from_utf8(c).expect("ascii"))
                .collect::<Vec<_>>()
                .join("-"),
            _ => digits,
        }
    }
    fn ipv4(&mut self) -> String {
        format!("{}.{}.{}.{}", self.n(1, 223), self.n(0, 255), self.n(0, 255), self.n(1, 254))
    }
    fn ipv6(&mut self) -> String {
        match self.rng.below(2) {
            0 => format!("2001:db8::{:x}:{:x}:{}", self.n(1, 0xffff), self.n(1, 0xffff), self.n(1000, 9999)),
            _ => format!(
                "2001:0db8:{:04}:{:04}:{:04}:{:04}:{:04}:{:04}",
                self.n(0, 9999),
                self.n(0, 9999),
                self.n(0, 9999),
                self.n(0, 9999),
                self.n(0, 9999),
                self.n(0, 9999)
            ),
        }
    }
    fn uuid(&mut self) -> String {
        let h = |g: &mut Gen, n: usize| (0..n).map(|_| format!("{:x}", g.rng.below(16))).collect::<String>();
        format!("{}-{}-4{}-a{}-{}", h(self, 8), h(self, 4), h(self, 3), h(self, 3), h(self, 12))
    }
    fn order_id(&mut self) -> String {
        match self.rng.below(4) {
            0 => format!("ORD-{}", self.n(10_000_000, 99_999_999)),
            1 => format!("user{}", self.n(10_000_000, 99_999_999)),
            2 => format!("INV-2026-{:06}", self.n(0, 999_999)),
            _ => format!("#{}", self.n(1_000_000, 9_999_999)),
        }
    }
    fn date(&mut self) -> String {
        let (d, m) = (self.n(1, 28), self.n(1, 12));
        match self.rng.below(4) {
            0 => format!("2026-{m:02}-{d:02}"),
            1 => format!("{d:02}.{m:02}.2026"),
            2 => format!("{m:02}/{d:02}/2026"),
            _ => format!("{d}/{m}/26"),
        }
    }
    fn time(&mut self) -> String {
        match self.rng.below(3) {
            0 => format!("{:02}:{:02}", self.n(0, 23), self.n(0, 59)),
            1 => format!("{:02}:{:02}:{:02}", self.n(0, 23), self.n(0, 59), self.n(0, 59)),
            _ => format!("{:02}:{:02}:{:02}.{:03}", self.n(0, 23), self.n(0, 59), self.n(0, 59), self.n(0, 999)),
        }
    }
    fn hms(&mut self) -> String {
        format!("{:02}:{:02}:{:02}", self.n(0, 23), self.n(0, 59), self.n(0, 59))
    }
    fn version(&mut self) -> String {
        match self.rng.below(3) {
            0 => format!("{}.{}.{}", self.n(0, 20), self.n(0, 40), self.n(0, 200)),
            1 => format!("v{}.{}", self.n(1, 9), self.n(0, 99)),
            _ => format!("{}.{}.{}.{}", self.n(1, 99), self.n(0, 99), self.n(0, 99), self.n(1000, 9999)),
        }
    }
    fn price(&mut self) -> String {
        match self.rng.below(3) {
            0 => format!("${}.{:02}", self.n(1, 9999), self.n(0, 99)),
            1 => format!("EUR {},{:02}", self.n(1, 99_999), self.n(0, 99)),
            _ => format!("{}.{:02} USD", self.n(100, 1_999_999), self.n(0, 99)),
        }
    }
    fn status_size(&mut self) -> String {
        format!("{} {}", self.rng.pick(&["200", "201", "204", "301", "304", "400", "404", "500"]), self.n(0, 9_999_999))
    }

    /// One personal item of a random kind.
    fn personal(&mut self) -> (Category, String) {
        match self.rng.below(4) {
            0 => (Category::Email, self.email()),
            1 => (Category::PhoneE164, self.e164()),
            2 => (Category::PhoneNational, self.national()),
            _ => (Category::Card, self.card()),
        }
    }

    fn python(&mut self) -> Line {
        let level = self.rng.pick(&["INFO", "WARNING", "DEBUG", "ERROR"]);
        let module = self.rng.pick(&["app.orders", "app.auth", "worker.billing", "api.v2"]);
        let ts = format!("2026-{:02}-{:02} {},{:03}", self.n(1, 12), self.n(1, 28), self.hms(), self.n(0, 999));
        let b = Builder::new().i(Category::Timestamp, ts).t(&format!(" {level} [{module}] "));
        match self.rng.below(5) {
            0 => {
                let (c, p) = self.personal();
                let order = self.order_id();
                let d = self.n(1, 9999);
                b.t("order ")
                    .i(Category::OrderId, order)
                    .t(" placed by ")
                    .i(c, p)
                    .t(" in ")
                    .i(Category::Duration, format!("{d}"))
                    .t(" ms")
                    .done()
            }
            1 => {
                let ip = self.ipv4();
                let v = self.version();
                b.t("client ").i(Category::Ipv4, ip).t(" running ").i(Category::Version, v).t(" connected").done()
            }
            2 => {
                let id = self.uuid();
                let p = self.price();
                b.t("payment ").i(Category::Uuid, id).t(" captured ").i(Category::Price, p).done()
            }
            3 => {
                let (c, p) = self.personal();
                b.t("sending receipt to ").i(c, p).done()
            }
            _ => {
                let date = self.date();
                let t = self.time();
                b.t("report for ").i(Category::Date, date).t(" generated at ").i(Category::Time, t).done()
            }
        }
    }

    fn nginx(&mut self) -> Line {
        let ip = self.ipv4();
        let ts = format!("{:02}/Mar/2026:{} +0000", self.n(1, 28), self.hms());
        let path = self.rng.pick(&["/api/v2/orders", "/checkout", "/static/app.js", "/login"]);
        let order = format!("{}", self.n(10_000_000, 99_999_999));
        let ss = self.status_size();
        let agent = self.rng.pick(&[
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "curl/8.5.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15",
        ]);
        Builder::new()
            .i(Category::Ipv4, ip)
            .t(" - - [")
            .i(Category::Timestamp, ts)
            .t(&format!("] \"GET {path}/"))
            .i(Category::OrderId, order)
            .t(" HTTP/1.1\" ")
            .i(Category::HttpStatusSize, ss)
            .t(&format!(" \"-\" \"{agent}\""))
            .done()
    }

    fn json(&mut self) -> Line {
        let ts = format!("2026-03-{:02}T{}.{:03}Z", self.n(1, 28), self.hms(), self.n(0, 999));
        let id = self.uuid();
        let status = self.rng.pick(&["200", "201", "404", "500"]);
        let bytes = self.n(0, 9_999_999);
        let ip = self.ipv6();
        let b = Builder::new()
            .t("{\"ts\":\"")
            .i(Category::Timestamp, ts)
            .t("\",\"level\":\"info\",\"request_id\":\"")
            .i(Category::Uuid, id)
            .t(&format!("\",\"status\":{status},\"bytes\":"))
            .i(Category::Duration, bytes.to_string())
            .t(",\"ip\":\"")
            .i(Category::Ipv6, ip);
        if self.rng.below(3) == 0 {
            let (c, p) = self.personal();
            b.t("\",\"user\":\"").i(c, p).t("\"}").done()
        } else {
            let v = self.version();
            b.t("\",\"client\":\"web/").i(Category::Version, v).t("\"}").done()
        }
    }

    fn syslog(&mut self) -> Line {
        let ts = format!("Mar {:2} {}", self.n(1, 28), self.hms());
        let pid = self.n(100, 65_000);
        let ip = self.ipv4();
        let port = self.n(1024, 65_535);
        Builder::new()
            .i(Category::Timestamp, ts)
            .t(" web-01 sshd[")
            .i(Category::Duration, pid.to_string())
            .t("]: Accepted publickey for deploy from ")
            .i(Category::Ipv4, ip)
            .t(" port ")
            .i(Category::Duration, port.to_string())
            .t(" ssh2")
            .done()
    }

    fn chat(&mut self) -> Line {
        let t = format!("{:02}:{:02}", self.n(8, 20), self.n(0, 59));
        let who = self.rng.pick(&["Ann", "Agent", "Customer", "Support"]);
        let b = Builder::new().t("[").i(Category::Time, t).t(&format!("] {who}: "));
        match self.rng.below(6) {
            0 => {
                let p = self.national();
                b.t("you can call me on ").i(Category::PhoneNational, p).t(" after six").done()
            }
            1 => {
                let p = self.e164();
                let e = self.email();
                b.t("my number is ").i(Category::PhoneE164, p).t(", or mail ").i(Category::Email, e).done()
            }
            2 => {
                let c = self.card();
                b.t("I paid with ").i(Category::Card, c).t(" yesterday").done()
            }
            3 => {
                let o = self.order_id();
                let p = self.price();
                let d = self.date();
                b.t("your order ")
                    .i(Category::OrderId, o)
                    .t(" of ")
                    .i(Category::Price, p)
                    .t(" ships on ")
                    .i(Category::Date, d)
                    .done()
            }
            4 => {
                let p = self.national();
                b.t("Tel.: ").i(Category::PhoneNational, p).done()
            }
            _ => {
                let v = self.version();
                b.t("please update the app to ").i(Category::Version, v).t(" and restart").done()
            }
        }
    }

    fn line(&mut self) -> Line {
        match self.rng.below(5) {
            0 => self.python(),
            1 => self.nginx(),
            2 => self.json(),
            3 => self.syslog(),
            _ => self.chat(),
        }
    }
}

#[derive(Default, Clone, Copy)]
struct Count {
    total: u64,
    kept: u64,
    replaced: u64,
}

fn vault(region: &str) -> Vault {
    let options = Options::default().default_region(region);
    Vault::open_in_memory(&MasterKey::from_bytes(&[9; 32]).expect("key"), options).expect("open")
}

/// Tokenize every line (one call per line, as a logger would) and count per category.
fn measure(lines: &[Line], region: &str, wrong_tags: &mut u64) -> std::collections::BTreeMap<Category, Count> {
    let v = vault(region);
    let app = Caller::new("app:logs").expect("actor");
    let mut counts = std::collections::BTreeMap::<Category, Count>::new();
    for line in lines {
        let out = v.tokenize_text(&app, &line.text, None).expect("tokenize_text");
        // Items are found in the output in order: each must appear verbatim where a
        // non-personal item stood, and be gone (a placeholder in its place) where a personal one
        // stood.
        let mut rest = out.as_str();
        for (category, item) in &line.items {
            let c = counts.entry(*category).or_default();
            c.total += 1;
            match rest.find(item.as_str()) {
                Some(at) => {
                    c.kept += 1;
                    rest = &rest[at + item.len()..];
                }
                None => c.replaced += 1,
            }
        }
        // Round trip: every placeholder comes back (one value written two ways — in another case
        // or spacing — is one value and comes back as first seen).
        let back = v.detokenize_text(&app, &out, None).expect("detokenize_text");
        assert!(!["[EMAIL:", "[PHONE:", "[CARD:", "[VALUE:"].iter().any(|p| back.contains(p)), "{back}");
        // Each personal item's placeholder carries its kind: the line's placeholders by tag
        // are its personal items by category (nothing else was replaced, checked above).
        for (tag, categories) in [
            ("[EMAIL:", &[Category::Email][..]),
            ("[PHONE:", &[Category::PhoneE164, Category::PhoneNational][..]),
            ("[CARD:", &[Category::Card][..]),
        ] {
            let expected = line.items.iter().filter(|(c, _)| categories.contains(c)).count();
            if out.matches(tag).count() != expected {
                if *wrong_tags < 5 {
                    eprintln!("{} -> {out}", line.text);
                }
                *wrong_tags += 1;
            }
        }
    }
    counts
}

fn corpus(seed: u64, n: usize) -> Vec<Line> {
    let mut g = Gen { rng: Rng(seed) };
    (0..n).map(|_| g.line()).collect()
}

#[test]
fn precision_and_recall_on_a_realistic_log() {
    let lines = corpus(0x5EED_2026, 2_400);
    let bytes: usize = lines.iter().map(|l| l.text.len() + 1).sum();
    let mut wrong_tags = 0;
    let counts = measure(&lines, "DE", &mut wrong_tags);
    println!("{} lines, {} bytes, default_region DE\n", lines.len(), bytes);
    println!("| category | items | replaced | left as written | |");
    println!("|---|---:|---:|---:|---|");
    let mut failures = Vec::new();
    for (category, c) in &counts {
        let (goal, met) = if category.personal() {
            ("recall", c.replaced == c.total)
        } else {
            ("no false positive", c.replaced == 0)
        };
        let rate = if category.personal() { c.replaced } else { c.kept } as f64 / c.total as f64;
        println!("| {} | {} | {} | {} | {goal} {:.1}% |", category.name(), c.total, c.replaced, c.kept, 100.0 * rate);
        if !met {
            failures.push(format!("{}: {} of {} replaced", category.name(), c.replaced, c.total));
        }
    }
    println!("\nLines whose placeholders carry another kind than their items: {wrong_tags}.");
    assert_eq!(wrong_tags, 0, "every placeholder carries its item's kind");
    assert!(counts.values().all(|c| c.total >= 30), "every category is represented");
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn us_numbers_in_their_own_grouping_and_nothing_else() {
    let v = vault("US");
    let app = Caller::new("app").expect("actor");
    for (text, expected) in [
        ("call (415) 555-2671 now", 1),
        ("fax: 415.555.2671", 1),
        ("415-555-2671", 1),
        ("4155552671", 0),
        ("order 4155552671 shipped", 0),
        ("at 10.41.55.52 port 6710", 0),
        ("2026-04-15 05:55:26,71 started", 0),
        ("mobile 4155552671", 1),
    ] {
        let out = v.tokenize_text(&app, text, Some(json!({"detect": ["phone"]}))).expect("tokenize");
        assert_eq!(out.matches("[PHONE:").count(), expected, "{text} -> {out}");
    }
}
