//! Gives the shared library a versioned name (soname / install name), the way cargo-c and libtool
//! do: `libbunkerlite.so.<major>` from 1.0 on, `libbunkerlite.so.0.<minor>` before it, since a
//! 0.x minor release may break the ABI. `scripts/install-c.sh` installs the library under that
//! name with the usual symlinks.
use std::env;

fn main() {
    let major: u64 = env::var("CARGO_PKG_VERSION_MAJOR").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    let minor = env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_else(|_| "0".into());
    let abi = if major == 0 { format!("0.{minor}") } else { major.to_string() };
    match env::var("CARGO_CFG_TARGET_OS").as_deref() {
        Ok("linux" | "android" | "freebsd" | "netbsd" | "openbsd" | "dragonfly") => {
            println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libbunkerlite.so.{abi}");
        }
        Ok("macos" | "ios") => {
            println!("cargo:rustc-cdylib-link-arg=-Wl,-install_name,@rpath/libbunkerlite.{abi}.dylib");
        }
        _ => {}
    }
    println!("cargo:rerun-if-changed=build.rs");
}
