#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| midclt::fuzzing::truenas_cli_args(data));
