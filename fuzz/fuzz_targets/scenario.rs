//! Fuzz target `scenario`: see fuzz/harness.rs (the logic) and fuzz/README.md.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::scenario(data));
