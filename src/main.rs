//! The `pioneer` command line: parses arguments, runs the library, prints and
//! sets the exit code (0 ok, 1 failure while running, 2 bad input). Nothing
//! else in the crate prints or exits.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
