//! The `shellcarve` command-line program.
fn main() {}
