//! Finding personal data in free text: emails, phone numbers, card numbers and listed literal
//! values, as spans of the text with the tag of their placeholder.
//!
//! Precision is the point as much as recall: an application log is mostly timestamps, dates,
//! times, IP addresses, UUIDs, ids, versions and HTTP statuses, and every one of them taken for a
//! phone number is a value vaulted for nothing and a log line made unreadable. Phone numbers
//! follow libphonenumber's `PhoneNumberMatcher` leniencies and Presidio's context words:
//!
//! - a digit run is never glued to its surroundings: not inside a word or an id (`ORD-4821…`,
//!   `user4821…`), not part of a dotted or coloned run (`203.5.136.53`, `09:26:53,589`,
//!   `1.2.3`), not shaped like a date or a time;
//! - a number written internationally (`+49 …`, `0049 …`) must be valid;
//! - a national number must be valid for the vault's `default_region` and either be written in
//!   that region's own grouping (`030 901820`, `(415) 555-2671`: the digit groups of the
//!   national format, or coarser groups made of them — STRICT_GROUPING) or follow a context word
//!   (`tel`, `phone`, `call`, `mobile`, …) closely on its line.
//!
//! Cards are 12–19 digits (spaces or dashes between) starting with a network's digit (1–6),
//! Luhn-valid, with the same glue rules.
//! Spans are merged in one sorted pass: overlapping items become one span, tagged as the larger
//! of them (a listed name inside an email takes the whole address with it).

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;

use super::format::luhn_valid;
use super::text::Detect;
use crate::normalize::{self, normalize, Region, Rule};

/// A span of the text to replace, and the tag of its placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) tag: &'static str,
}

/// The shortest listed value, in characters: shorter ones match inside every word.
pub(crate) const MIN_VALUE_CHARS: usize = 2;

fn email_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)+")
            .expect("email pattern")
    })
}

fn card_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\d(?:[ \-]?\d){11,18}").expect("card pattern"))
}

fn phone_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // A run of digits with the separators phone numbers are written with (at most two between
    // digits), at least 7 digits, optionally after `+` or an opening parenthesis.
    RE.get_or_init(|| Regex::new(r"(?:\+|\()?\d(?:[ \-./()]{0,2}\d){6,16}").expect("phone pattern"))
}

/// Whether a candidate starts like a date: `2026-03-14`, `14.03.2026`, `03/14/26` (digit
/// groups of 4-2-2 or 2-2-2/4 digits, any of `-./` between, the same separator twice).
fn starts_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    let run = |from: usize| b[from.min(b.len())..].iter().take_while(|c| c.is_ascii_digit()).count();
    let first = run(0);
    let Some(&sep) = b.get(first) else { return false };
    if !matches!(sep, b'-' | b'.' | b'/') {
        return false;
    }
    let second = run(first + 1);
    if b.get(first + 1 + second) != Some(&sep) {
        return false;
    }
    let third = run(first + second + 2);
    match first {
        4 => (1..=2).contains(&second) && (1..=2).contains(&third),
        1 | 2 => (1..=2).contains(&second) && matches!(third, 2 | 4),
        _ => false,
    }
}

/// Words after which a number is a phone number even without its national grouping (lower
/// case; matched at a word start, at most [`CONTEXT_WINDOW`] bytes before the number).
const CONTEXT_WORDS: &[&str] = &[
    "tel",
    "phone",
    "call",
    "mobile",
    "mob",
    "cell",
    "fax",
    "sms",
    "whatsapp",
    "signal",
    "telegram",
    "dial",
    "ring",
    "contact",
    "reach",
    "number",
    "telefon",
    "handy",
    "téléphone",
    "portable",
    "móvil",
    "telefono",
    "cellulare",
];
const CONTEXT_WINDOW: usize = 32;

/// Whether `b` (a byte of the text) makes a run glued to a neighbour: a letter, a digit or `_`.
fn wordy(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Whether the digits at `start..end` of `text` stand apart from what surrounds them: not
/// inside a word or an id, not part of a dotted, coloned or dashed run. `key: value` and
/// `key=value` are apart (a colon after a digit is a time).
fn apart(text: &[u8], start: usize, end: usize) -> bool {
    if start > 0 {
        let before = text[start - 1];
        let earlier = if start > 1 { Some(text[start - 2]) } else { None };
        if wordy(before) {
            return false;
        }
        match before {
            b':' | b'=' if earlier.is_some_and(|e| e.is_ascii_digit()) => return false,
            b'.' | b'-' | b'/' | b'#' | b'@' | b'+' | b',' | b'\\' if earlier.is_some_and(wordy) => return false,
            _ => {}
        }
    }
    if end < text.len() {
        let after = text[end];
        let later = text.get(end + 1).copied();
        if wordy(after) {
            return false;
        }
        if matches!(after, b'.' | b':' | b',' | b'-' | b'/' | b'@' | b'\\') && later.is_some_and(wordy) {
            return false;
        }
    }
    true
}

/// Whether a context word ends shortly before `start` on the same line.
fn has_context(text: &str, start: usize) -> bool {
    let from = start.saturating_sub(CONTEXT_WINDOW);
    let from = (from..start).find(|&i| text.is_char_boundary(i)).unwrap_or(start);
    let window = &text[from..start];
    let window = window.rsplit('\n').next().unwrap_or(window).to_lowercase();
    CONTEXT_WORDS
        .iter()
        .any(|w| window.match_indices(w).any(|(at, _)| at == 0 || !window.as_bytes()[at - 1].is_ascii_alphabetic()))
}

/// The digit groups of `s` (runs of digits between separators).
fn groups(s: &str) -> Vec<&str> {
    s.split(|c: char| !c.is_ascii_digit()).filter(|g| !g.is_empty()).collect()
}

/// Whether `written` is grouped as the number's national format groups it, or coarser (each
/// written group is a run of whole formatted groups) — with at least two groups.
fn grouped_like(written: &[&str], formatted: &[&str]) -> bool {
    if written.len() < 2 || written.concat() != formatted.concat() {
        return false;
    }
    let mut at = 0;
    for g in written {
        let mut len = 0;
        while len < g.len() {
            match formatted.get(at) {
                Some(f) => len += f.len(),
                None => return false,
            }
            at += 1;
        }
        if len != g.len() {
            return false;
        }
    }
    at == formatted.len()
}

/// Whether the candidate `span` (at `start` in `text`) is a phone number.
fn is_phone(text: &str, start: usize, span: &str, region: Option<Region>) -> bool {
    let digits = span.bytes().filter(u8::is_ascii_digit).count();
    if !(7..=17).contains(&digits) || starts_like_date(span.trim_start_matches(['(', '+'])) {
        return false;
    }
    // Dots between short groups are addresses and versions (203.5.136.53, 1.20.3.4567).
    let dotted = groups(span);
    if span.contains('.') && dotted.len() >= 3 && dotted.iter().all(|g| g.len() <= 3) {
        return false;
    }
    let international = span.starts_with('+') || span.starts_with("00");
    if international {
        return normalize("text", Rule::Phone, span, region).is_ok();
    }
    let Some(region) = region else { return false };
    // The number must be grouped as people in the region write one — an area code after the
    // national prefix (`030 901820`, `0151 1234 5678`) or in parentheses, or the groups of the
    // region's national format (or coarser ones) — or follow a context word. The grouping is
    // looked at on the text first: most digit runs of a log fail there, before any parsing.
    let written = groups(span);
    let prefix = normalize::national_prefix(region);
    let after_prefix = prefix.is_some_and(|(p, _)| written[0].starts_with(p));
    let shaped = written.len() >= 2
        && written[1..].iter().all(|g| g.len() >= 2)
        && (after_prefix || span.starts_with('(') || !prefix.is_some_and(|(_, in_format)| in_format));
    if !shaped {
        return has_context(text, start) && normalize::phone_national(span, region).is_some();
    }
    let Some(national) = normalize::phone_national(span, region) else { return false };
    let area_code = (2..=5).contains(&written[0].len()) && after_prefix || span.starts_with('(');
    area_code || grouped_like(&written, &groups(&national)) || has_context(text, start)
}

/// A candidate's span with parentheses balanced: a `(` it does not close is left out in front,
/// and a `)` it does not open is left out at the end.
fn balanced(text: &str, mut start: usize, mut end: usize) -> (usize, usize) {
    let open = text[start..end].matches('(').count();
    let close = text[start..end].matches(')').count();
    if open > close && text[start..end].starts_with('(') {
        start += 1;
    }
    if close > open && text[start..end].ends_with(')') {
        end -= 1;
    }
    (start, end)
}

/// Where `text` holds personal data of the kinds in `detect` or one of `values` (each at least
/// [`MIN_VALUE_CHARS`] characters; the caller checks), merged so that no two spans overlap.
pub(crate) fn find(text: &str, detect: &[Detect], values: &[String], region: Option<Region>) -> Vec<Found> {
    let bytes = text.as_bytes();
    let mut spans: Vec<Found> = Vec::new();
    spans.extend(value_spans(text, values).into_iter().map(|(start, end)| Found { start, end, tag: "VALUE" }));
    if detect.contains(&Detect::Email) && text.contains('@') {
        for m in email_re().find_iter(text) {
            if normalize("text", Rule::Email, m.as_str(), None).is_ok() {
                spans.push(Found { start: m.start(), end: m.end(), tag: "EMAIL" });
            }
        }
    }
    if detect.contains(&Detect::Card) {
        for m in card_re().find_iter(text) {
            if !apart(bytes, m.start(), m.end()) {
                continue;
            }
            let digits: Vec<u8> = m.as_str().bytes().filter(u8::is_ascii_digit).collect();
            // Card numbers start with their network's digit (ISO/IEC 7812: 1 to 6 for airlines,
            // travel, banking and merchandising); a number starting with 0 is a phone number
            // or an id, whatever its Luhn digit says.
            if (12..=19).contains(&digits.len()) && (b'1'..=b'6').contains(&digits[0]) && luhn_valid(&digits) {
                spans.push(Found { start: m.start(), end: m.end(), tag: "CARD" });
            }
        }
    }
    if detect.contains(&Detect::Phone) {
        for m in phone_re().find_iter(text) {
            let (start, end) = balanced(text, m.start(), m.end());
            let span = &text[start..end];
            // A separator left at the end belongs to the text ("… 901820.").
            let span = span.trim_end_matches(|c: char| !c.is_ascii_digit() && c != ')');
            let end = start + span.len();
            if apart(bytes, start, end) && is_phone(text, start, span, region) {
                spans.push(Found { start, end, tag: "PHONE" });
            }
        }
    }
    merge(spans)
}

/// Where the listed `values` occur in `text`, overlapping occurrences merged (`Ann Lee` and
/// `Lee Smith` in `Ann Lee Smith` are one span). One pass of an Aho-Corasick automaton over the
/// text; occurrences come ordered by their end, and each is merged into the spans found so far
/// at once (a longer one may cover several), so memory stays proportional to the spans.
fn value_spans(text: &str, values: &[String]) -> Vec<(usize, usize)> {
    let patterns: Vec<&str> = values.iter().map(String::as_str).filter(|v| !v.is_empty()).collect();
    if patterns.is_empty() {
        return Vec::new();
    }
    let Ok(matcher) = AhoCorasick::builder().match_kind(MatchKind::Standard).build(&patterns) else {
        return Vec::new();
    };
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for m in matcher.find_overlapping_iter(text) {
        let (mut start, mut end) = (m.start(), m.end());
        while let Some(&(s, e)) = spans.last() {
            if start >= e {
                break;
            }
            start = start.min(s);
            end = end.max(e);
            spans.pop();
        }
        spans.push((start, end));
    }
    spans
}

/// Merge overlapping spans in one sorted pass: each group of overlapping spans becomes their
/// union, tagged as its longest member (the first found of equal ones: values, then emails,
/// cards, phones).
fn merge(mut spans: Vec<Found>) -> Vec<Found> {
    // Stable: among spans starting together, the longer first, then the order found.
    spans.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out: Vec<Found> = Vec::with_capacity(spans.len());
    let mut longest = 0usize;
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start < last.end => {
                if s.end - s.start > longest {
                    longest = s.end - s.start;
                    last.tag = s.tag;
                }
                last.end = last.end.max(s.end);
            }
            _ => {
                longest = s.end - s.start;
                out.push(s);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(text: &str, values: &[&str], region: Option<&str>) -> Vec<(String, &'static str)> {
        let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        let region = region.and_then(|r| crate::normalize::parse_region(r).ok());
        find(text, &Detect::ALL, &values, region)
            .into_iter()
            .map(|f| (text[f.start..f.end].to_owned(), f.tag))
            .collect()
    }

    #[test]
    fn finds_each_kind_once() {
        let t = "Ann (ann.lee@example.com, +49 30 901820) paid with 4111 1111 1111 1111; call 030 901820.";
        assert_eq!(
            tags(t, &["Ann"], Some("DE")),
            vec![
                ("Ann".into(), "VALUE"),
                ("ann.lee@example.com".into(), "EMAIL"),
                ("+49 30 901820".into(), "PHONE"),
                ("4111 1111 1111 1111".into(), "CARD"),
                ("030 901820".into(), "PHONE"),
            ]
        );
    }

    #[test]
    fn leaves_what_is_not_personal_data() {
        for t in [
            "order 4111111111111112 at 2026-11-29 (29.11.2026, 11/29/2026), version 1.2.3, 12345 items",
            "2026-03-14 09:26:53,589 INFO worker started",
            "client 203.5.136.53 port 44321",
            "ORD-48213957 shipped",
            "HTTP/1.1\" 201 74494 \"-\"",
            "id 550e8400-e29b-41d4-a716-446655440000 done",
            "ts=2026-03-14T09:26:53.589Z status=200 bytes=74494",
            "release 10.20.30.4567 and 2.0.11",
            "user48213957 logged in",
            "took 030901820 ms",
        ] {
            assert_eq!(tags(t, &[], Some("DE")), vec![], "{t}");
        }
    }

    #[test]
    fn national_numbers_need_their_grouping_or_a_context_word() {
        assert_eq!(tags("ring 030901820 now", &[], Some("DE")).len(), 1);
        assert_eq!(tags("030 901820", &[], Some("DE")).len(), 1);
        assert_eq!(tags("0151 1234 5678", &[], Some("DE")).len(), 1);
        assert_eq!(tags("0151-12345678", &[], Some("DE")).len(), 1);
        assert_eq!(tags("(030) 901820", &[], Some("DE")), vec![("(030) 901820".into(), "PHONE")]);
        assert_eq!(tags("30 901820", &[], Some("DE")), vec![]);
        assert_eq!(tags("(415) 555-2671", &[], Some("US")), vec![("(415) 555-2671".into(), "PHONE")]);
        assert_eq!(tags("415-555-2671", &[], Some("US")).len(), 1);
        assert_eq!(tags("Tel.: 4155552671", &[], Some("US")).len(), 1);
        assert_eq!(tags("4155552671", &[], Some("US")), vec![]);
        // Internationally written numbers need no region and no context.
        assert_eq!(tags("+1 415 555 2671", &[], None).len(), 1);
        assert_eq!(tags("tel:+4930901820", &[], None).len(), 1);
    }

    #[test]
    fn overlapping_spans_merge_and_the_larger_item_wins() {
        assert_eq!(
            tags("mail Ann.Lee@Example.com today", &["Ann"], None),
            vec![("Ann.Lee@Example.com".into(), "EMAIL")]
        );
        assert_eq!(tags("Ann Lee Smith", &["Ann Lee", "Lee Smith"], None), vec![("Ann Lee Smith".into(), "VALUE")]);
        // Occurrences that overlap each other are one span; separate ones stay separate.
        assert_eq!(find(&"a".repeat(10_000), &[], &["aa".to_owned()], None).len(), 1);
        assert_eq!(find(&"aa ".repeat(5_000), &[], &["aa".to_owned()], None).len(), 5_000);
    }

    #[test]
    fn dates_are_told_apart() {
        for d in ["2026-03-14", "2026-3-4 10", "14.03.2026", "03/14/26", "1/2/2026"] {
            assert!(starts_like_date(d), "{d}");
        }
        for d in ["030 901820", "0151-12345678", "2026-03/14", "12345-12-12", "089/1234567"] {
            assert!(!starts_like_date(d), "{d}");
        }
    }

    #[test]
    fn grouping_rules() {
        assert!(grouped_like(&["030", "901820"], &["030", "901820"]));
        assert!(!grouped_like(&["0151", "1234", "5678"], &["0151", "12345678"]));
        assert!(grouped_like(&["415", "5552671"], &["415", "555", "2671"]));
        assert!(!grouped_like(&["4155552671"], &["415", "555", "2671"]));
        assert!(!grouped_like(&["201", "74494"], &["0201", "74494"]));
    }
}
