//! Generates `include/bunkerlite.h` from the `ffi` crate with cbindgen; with `--check`, fails when
//! the committed header differs from a fresh generation (the test command runs it that way).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let ffi = root.join("ffi");
    let header = root.join("include/bunkerlite.h");
    let check = std::env::args().any(|a| a == "--check");
    let config = match cbindgen::Config::from_file(ffi.join("cbindgen.toml")) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot read ffi/cbindgen.toml: {e}");
            return ExitCode::FAILURE;
        }
    };
    let bindings = match cbindgen::Builder::new().with_crate(&ffi).with_config(config).generate() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cbindgen failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut fresh = Vec::new();
    bindings.write(&mut fresh);
    if check {
        let committed = std::fs::read(&header).unwrap_or_default();
        if committed != fresh {
            eprintln!("include/bunkerlite.h is stale: run `cargo run -p bunkerlite-header` and commit it");
            return ExitCode::FAILURE;
        }
        println!("include/bunkerlite.h is up to date");
    } else {
        if let Err(e) = std::fs::create_dir_all(root.join("include")).and_then(|_| std::fs::write(&header, &fresh)) {
            eprintln!("cannot write include/bunkerlite.h: {e}");
            return ExitCode::FAILURE;
        }
        println!("wrote include/bunkerlite.h");
    }
    ExitCode::SUCCESS
}
