//! `qala`: thin entry point; everything lives in the library so tests use the same code.

fn main() -> std::process::ExitCode {
    qala::cli::main()
}
