fn main() {
    std::process::exit(midclt::run_cli());
}
