//! bunkerlite's C ABI: converts arguments, calls the core crate, maps errors. No domain logic.
//!
//! Ownership and threading rules are written on each function and carried into
//! `include/bunkerlite.h` by cbindgen.

mod audit;
mod convert;
mod error;
mod handles;
mod keys;
mod subjects;
mod vault;

pub use audit::*;
pub use convert::bl_string_free;
pub use error::*;
pub use handles::{bl_key, bl_vault};
pub use keys::*;
pub use subjects::*;
pub use vault::*;
