//! The `midclt` command: everything is in the library, see `midclt::run_cli`.

fn main() {
    std::process::exit(midclt::run_cli());
}
