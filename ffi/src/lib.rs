//! bunkerlite's C ABI: converts arguments, calls the core crate, maps errors. No domain logic.
//! The operations' entry points (`ops/`, one module per area) are generated from the one declaration of each
//! operation (`tools/gen`); the lifecycle, keys and errors are written here.
//!
//! Ownership and threading rules are written on each function and carried into
//! `include/bunkerlite.h` by cbindgen.

mod convert;
mod error;
mod handles;
mod keys;
mod ops;
mod vault;

pub use convert::bl_string_free;
pub use error::*;
pub use handles::{bl_caller, bl_key, bl_vault};
pub use keys::*;
pub use ops::*;
pub use vault::*;
