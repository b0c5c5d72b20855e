//! The audit trail: the Action table, the MAC chain and its appends, the buffer of read events
//! waiting for a group commit, and the listing and verification API.

pub(crate) mod action;
pub(crate) mod api;
pub(crate) mod buffer;
pub(crate) mod chain;
mod reconcile;
