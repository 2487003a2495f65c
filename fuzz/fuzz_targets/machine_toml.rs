//! Fuzz target: see `entry::machine_toml`.
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entry::machine_toml(data));
