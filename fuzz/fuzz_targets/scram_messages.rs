#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| midclt::fuzzing::scram_messages(data));
