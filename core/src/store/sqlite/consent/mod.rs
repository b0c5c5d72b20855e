//! The consent tables, one file per part of the consent area's store: the catalogue, the
//! agreements, the outbox.

mod catalogue;
mod decisions;
mod outbox;
