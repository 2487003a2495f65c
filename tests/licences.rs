//! A `cargo deny`-style licence check: every crate in the dependency graph (for this
//! host, normal, build and dev dependencies) must be available under a licence on the
//! allow list below, read from its SPDX expression, or be one of the reviewed crates
//! that ship a licence file instead. A new dependency under another licence fails
//! here, naming the crate and its licence, until someone reviews it.
//!
//! (Advisories are not checked: the RustSec database lives on GitHub, which this
//! project's build machines cannot reach.)

use std::process::Command;

/// Licences the project accepts in its dependencies (permissive, compatible with our
/// MIT OR Apache-2.0).
const ALLOWED: &[&str] = &[
    "MIT",
    "Apache-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "Zlib",
    "0BSD",
    "Unlicense",
    "CC0-1.0",
    "BSL-1.0",
    "Unicode-3.0",
    "Unicode-DFS-2016",
];

/// Exceptions allowed after `WITH`.
const ALLOWED_EXCEPTIONS: &[&str] = &["LLVM-exception"];

/// Crates without an SPDX expression whose licence file was read and accepted.
const REVIEWED_LICENCE_FILES: &[(&str, &str)] = &[(
    "vector-text-hershey",
    "the Hershey font licence: any use, provided the credit to A. V. Hershey and James Hurt travels with the data (HERSHEY_CREDIT, printed by `shellcarve fonts` and in the README)",
)];

/// Evaluates an SPDX licence expression (`A OR B`, `A AND B`, parentheses, `WITH`,
/// and the old `A/B` spelling of OR) against the allow list.
fn acceptable(expr: &str) -> Result<bool, String> {
    let spaced = expr
        .replace('(', " ( ")
        .replace(')', " ) ")
        .replace('/', " OR ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut pos = 0;
    let value = or_expr(&tokens, &mut pos)?;
    if pos != tokens.len() {
        return Err(format!("unexpected {:?}", tokens[pos]));
    }
    Ok(value)
}

fn or_expr(t: &[&str], pos: &mut usize) -> Result<bool, String> {
    let mut v = and_expr(t, pos)?;
    while t.get(*pos) == Some(&"OR") {
        *pos += 1;
        v |= and_expr(t, pos)?;
    }
    Ok(v)
}

fn and_expr(t: &[&str], pos: &mut usize) -> Result<bool, String> {
    let mut v = atom(t, pos)?;
    while t.get(*pos) == Some(&"AND") {
        *pos += 1;
        v &= atom(t, pos)?;
    }
    Ok(v)
}

fn atom(t: &[&str], pos: &mut usize) -> Result<bool, String> {
    match t.get(*pos) {
        Some(&"(") => {
            *pos += 1;
            let v = or_expr(t, pos)?;
            if t.get(*pos) != Some(&")") {
                return Err("unbalanced parenthesis".into());
            }
            *pos += 1;
            Ok(v)
        }
        Some(id) => {
            *pos += 1;
            let mut ok = ALLOWED.contains(id);
            if t.get(*pos) == Some(&"WITH") {
                let exception = t.get(*pos + 1).ok_or("WITH without an exception")?;
                ok &= ALLOWED_EXCEPTIONS.contains(exception);
                *pos += 2;
            }
            Ok(ok)
        }
        None => Err("expression ends early".into()),
    }
}

#[test]
fn the_expression_reader_follows_spdx() {
    assert_eq!(acceptable("MIT OR Apache-2.0"), Ok(true));
    assert_eq!(acceptable("(MIT OR Apache-2.0) AND Unicode-3.0"), Ok(true));
    assert_eq!(acceptable("MIT AND GPL-3.0"), Ok(false));
    assert_eq!(acceptable("GPL-3.0 OR MIT/Apache-2.0"), Ok(true));
    assert_eq!(
        acceptable("Apache-2.0 WITH LLVM-exception OR GPL-2.0"),
        Ok(true)
    );
    assert_eq!(
        acceptable("GPL-2.0 WITH Classpath-exception-2.0"),
        Ok(false)
    );
    assert!(acceptable("(MIT").is_err());
}

#[test]
fn every_dependency_has_an_accepted_licence() {
    let host = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("-vV")
        .output()
        .expect("rustc -vV runs");
    let host = String::from_utf8_lossy(&host.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .expect("rustc -vV names the host");
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--filter-platform"])
        .arg(&host)
        .arg("--manifest-path")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let packages = meta["packages"].as_array().unwrap();
    assert!(packages.len() > 50, "only {} packages", packages.len());
    let mut refused = Vec::new();
    for p in packages {
        let name = p["name"].as_str().unwrap_or("?");
        let version = p["version"].as_str().unwrap_or("?");
        match p["license"].as_str() {
            Some(expr) => match acceptable(expr) {
                Ok(true) => {}
                Ok(false) => refused.push(format!("{name} {version}: {expr}")),
                Err(e) => refused.push(format!("{name} {version}: unreadable {expr:?} ({e})")),
            },
            None if REVIEWED_LICENCE_FILES.iter().any(|(n, _)| *n == name) => {}
            None => refused.push(format!(
                "{name} {version}: no SPDX licence (file {:?}); read it and add it to REVIEWED_LICENCE_FILES if acceptable",
                p["license_file"].as_str()
            )),
        }
    }
    assert!(
        refused.is_empty(),
        "dependencies under licences not on the allow list:\n{}",
        refused.join("\n")
    );
}
