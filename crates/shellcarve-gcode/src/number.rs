//! Reading a G-code number (`[+-]digits[.digits]`) into the nearest `f64`, exactly as
//! `str::parse::<f64>` reads it, by Clinger's fast path: the usual short decimals only.
//!
//! When the digits, read as a whole number `m`, stay at most 2^53 and there are at most
//! 22 of them after the point (`k`), both `m` and `10^k` are exact `f64`s and one IEEE
//! division `m / 10^k` is correctly rounded (W. D. Clinger, "How to read floating point
//! numbers accurately", PLDI 1990). Longer numbers are left to the caller.

/// Powers of ten exactly representable in an `f64`.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Largest whole number below which every integer is an exact `f64`.
const EXACT_INT: u64 = 1 << 53;

/// Most digits read: any 19 digits fit a `u64`.
const MAX_DIGITS: usize = 19;

/// A number at the start of `s`: an optional sign, digits with at most one point, at
/// least one digit, ending at the end of `s` or before any other byte. Returns its value
/// and its length in bytes; `None` when `s` does not start with a number, or with one
/// too long for the fast path (more than 19 digits, or more than 2^53 without its
/// point, or more than 22 decimals), which `str::parse` then has to read.
#[inline]
pub(crate) fn scan_number(s: &[u8]) -> Option<(f64, usize)> {
    let (negative, start) = match s.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let mut mantissa: u64 = 0;
    let mut i = digits(s, start, &mut mantissa);
    let whole = i - start;
    let mut decimals = 0;
    if s.get(i) == Some(&b'.') {
        let after_point = i + 1;
        i = digits(s, after_point, &mut mantissa);
        decimals = i - after_point;
    }
    let count = whole + decimals;
    if count == 0 || count > MAX_DIGITS || mantissa > EXACT_INT {
        return None;
    }
    let value = mantissa as f64 / POW10.get(decimals)?;
    Some((if negative { -value } else { value }, i))
}

/// Reads the decimal digits from `s[i..]` into `mantissa` (wrapping past 19 digits,
/// which the caller refuses) and returns the index after them.
#[inline]
fn digits(s: &[u8], mut i: usize, mantissa: &mut u64) -> usize {
    while let Some(d) = s.get(i).map(|b| b.wrapping_sub(b'0')).filter(|&d| d < 10) {
        *mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d));
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Whenever the fast path reads `s`, it reads it whole and as `str::parse` does.
    fn check(s: &str) -> bool {
        let Some((v, len)) = scan_number(s.as_bytes()) else {
            return false;
        };
        assert_eq!(len, s.len(), "{s}");
        let std: f64 = s.parse().unwrap();
        assert_eq!(v.to_bits(), std.to_bits(), "{s}");
        true
    }

    #[test]
    fn forms_and_long_numbers() {
        for s in [
            "0",
            "-0",
            "+0.0",
            "-.5",
            "1.",
            ".5",
            "21.5000",
            "-4.9999",
            "26649.1731",
            "0.1",
            "9007199254740992",
            "1234567.890123456",
        ] {
            assert!(check(s), "{s}");
        }
        for s in [
            "9007199254740993",
            "90071992547409931",
            "0.30000000000000004",
            "1234567890.123456789",
            "1.0000000000000000000000001",
            "123456789012345678901234567890.5",
            "0.00000000000000000000000000000000000001",
        ] {
            assert!(!check(s), "{s}");
        }
        assert_eq!(scan_number(b"1.5.2"), Some((1.5, 3)));
        assert_eq!(scan_number(b"12X"), Some((12.0, 2)));
        assert_eq!(scan_number(b"-"), None);
        assert_eq!(scan_number(b"."), None);
        assert_eq!(scan_number(b"X1"), None);
        assert_eq!(
            scan_number(b"1234567.8901234 "),
            Some((1234567.8901234, 15))
        );
    }

    proptest! {
        #[test]
        fn matches_std(int in "[+-]?[0-9]{0,20}", frac in proptest::option::of("[0-9]{0,25}")) {
            let s = match frac {
                Some(f) => format!("{int}.{f}"),
                None => int,
            };
            // Up to 15 digits always take the fast path; more may.
            let digits = s.bytes().filter(u8::is_ascii_digit).count();
            let read = check(&s);
            prop_assert!(read || !(1..=15).contains(&digits));
        }
    }
}
