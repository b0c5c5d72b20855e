//! Paging of listings: a page size and a cursor that the previous page returned, so that paging
//! returns each item exactly once even while new items are appended.

use serde::Serialize;

use crate::error::{Error, Result};

/// Most items one page may hold.
pub const MAX_PAGE: u64 = 1000;
/// The page size when the caller names none.
pub const DEFAULT_PAGE: u64 = 100;

/// Which page of a listing to return: the first (no cursor), or the one after the page whose
/// `next` cursor is given. Items are listed newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// Items per page, 1–1000 ([`DEFAULT_PAGE`] when `None`).
    pub limit: Option<u64>,
    /// The `next` cursor of the previous page; `None` for the first page.
    pub cursor: Option<String>,
}

impl PageRequest {
    /// The first page, of `limit` items.
    pub fn first(limit: u64) -> PageRequest {
        PageRequest { limit: Some(limit), cursor: None }
    }

    /// The page after the one that returned `cursor`, of `limit` items.
    pub fn after(cursor: impl Into<String>, limit: u64) -> PageRequest {
        PageRequest { limit: Some(limit), cursor: Some(cursor.into()) }
    }

    /// The page size, checked.
    pub(crate) fn limit(&self) -> Result<u64> {
        match self.limit {
            None => Ok(DEFAULT_PAGE),
            Some(l) if (1..=MAX_PAGE).contains(&l) => Ok(l),
            Some(_) => Err(Error::invalid(format!("limit must be between 1 and {MAX_PAGE}"))),
        }
    }

    /// The position the cursor names in a listing ordered by a descending sequence number: list
    /// items strictly below it. Cursors are opaque to callers.
    pub(crate) fn before_seq(&self) -> Result<Option<u64>> {
        match &self.cursor {
            None => Ok(None),
            Some(c) => seq_cursor(c).map(Some),
        }
    }
}

impl PageRequest {
    /// The position the cursor names in a listing ordered by an ascending sequence number (the
    /// consent outbox): list items strictly after it.
    pub(crate) fn after_seq(&self) -> Result<Option<u64>> {
        self.before_seq()
    }
}

/// The cursor that continues an ascending listing after the item with sequence number `seq`
/// (the same encoding as [`cursor_before`]: a cursor names a position; the listing's order gives
/// the direction).
pub(crate) fn cursor_after(seq: u64) -> String {
    cursor_before(seq)
}

/// The `next` of an ascending page that holds `shown` of the `total` items left after its cursor,
/// the last with sequence number `last`: the cursor after it while items remain, else none.
pub(crate) fn next_after(shown: usize, total: u64, last: Option<i64>) -> Option<String> {
    match last {
        Some(seq) if (shown as u64) < total => Some(cursor_after(seq as u64)),
        _ => None,
    }
}

fn seq_cursor(cursor: &str) -> Result<u64> {
    let bad = || Error::invalid("cursor is not one this vault returned");
    let digits = cursor.strip_prefix("s").ok_or_else(bad)?;
    if digits.is_empty() || digits.len() > 19 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    // Sequence numbers are stored as SQLite integers (i64): a cursor past them names nothing.
    let seq: i64 = digits.parse().map_err(|_| bad())?;
    u64::try_from(seq).map_err(|_| bad())
}

/// The cursor that continues a descending listing after the item with sequence number `seq`.
pub(crate) fn cursor_before(seq: u64) -> String {
    format!("s{seq}")
}

/// A page of a listing, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Page_of_{T}"))]
pub struct Page<T> {
    /// How many items the whole listing holds.
    pub total: u64,
    /// This page's items.
    pub items: Vec<T>,
    /// The cursor of the next page, or `None` when this page is the last.
    pub next: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_cursors() {
        assert_eq!(PageRequest::default().limit().expect("default"), DEFAULT_PAGE);
        assert!(PageRequest::first(0).limit().is_err());
        assert!(PageRequest::first(MAX_PAGE + 1).limit().is_err());
        assert_eq!(PageRequest::after(cursor_before(42), 5).before_seq().expect("cursor"), Some(42));
        assert_eq!(PageRequest::after("s9223372036854775807", 5).before_seq().expect("max"), Some(i64::MAX as u64));
        for bad in
            ["", "s", "42", "s-1", "sx", "s99999999999999999999", "s9223372036854775808", "s18446744073709551615"]
        {
            assert!(PageRequest::after(bad, 5).before_seq().is_err(), "{bad}");
        }
    }
}
