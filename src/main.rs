fn main() {
    std::process::exit(midclt::app::main());
}
