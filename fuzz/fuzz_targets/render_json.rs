#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| midclt::fuzzing::render_json(data));
