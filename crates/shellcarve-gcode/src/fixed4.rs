//! Printing a number with four decimals, byte for byte as Rust's `format!("{:.4}", x)`
//! (and C's `printf("%.4f")`, which `rs274` uses) print it, without the general
//! float-formatting machinery.
//!
//! Both round the exact binary value of `x`, with ties (values exactly halfway between
//! two multiples of 0.0001, such as 0.03125) going to the even last digit, and both keep
//! the sign of negative values that round to zero (`-0.0000`).
//!
//! Two ways to the rounded `|x| · 10^4`: for `|x|` below 10^7, the floating-point
//! product `y` is within 2^-17 of the exact one, so whenever `y`'s fraction is not
//! within 2^-12 of one half, the exact product rounds the way `y` does. Otherwise,
//! writing `x = m · 2^e` (`m` below 2^53), `x · 10^4 = m · 10^4 · 2^e` is an integer
//! below 2^67 shifted by `e`: a 128-bit product and a shift give it exactly.

/// Room for the digits of any `u64` (20), a point and a sign.
const MAX_LEN: usize = 24;

/// "00", "01", … "99": two digits at a time.
const DIGIT_PAIRS: &[u8; 200] = b"\
    0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// Magnitudes below this take the short path: `|x| · 10^4` < 2^37, so its floating-point
/// product is within 2^-17 (half an ulp) of the exact one, and the whole part has at
/// most 7 digits.
const SHORT_LIMIT: f64 = 1e7;

/// How far from one half the fraction of the floating-point product must be for it to
/// round as the exact product does (far more than the 2^-17 it can be off by).
const HALF_MARGIN: f64 = 1.0 / 4096.0;

/// Appends `x` to `out` exactly as `format!("{:.4}", x)` would print it.
#[inline(always)]
pub(crate) fn push_fixed4(out: &mut Vec<u8>, x: f64) {
    let magnitude = x.abs();
    if magnitude < SHORT_LIMIT {
        let y = magnitude * 10_000.0;
        // 0 <= y < 2^37: the cast is the floor, and the fraction is exact.
        let below = y as i64;
        let frac = y - below as f64;
        let q = if frac < 0.5 - HALF_MARGIN {
            below.unsigned_abs()
        } else if frac > 0.5 + HALF_MARGIN {
            below.unsigned_abs() + 1
        } else {
            match near_half(x) {
                Some(q) => q,
                None => return push_other(out, x),
            }
        };
        let whole = q / 10_000;
        if whole < 10_000_000 {
            return push_short(out, x.is_sign_negative(), whole as u32, (q % 10_000) as u32);
        }
    }
    push_other(out, x);
}

/// The exact rounding, for products too near a half to trust the floating-point one.
#[cold]
#[inline(never)]
fn near_half(x: f64) -> Option<u64> {
    scaled(x)
}

/// [`push_fixed4`] for large magnitudes, NaN and infinities.
#[cold]
#[inline(never)]
fn push_other(out: &mut Vec<u8>, x: f64) {
    match scaled(x) {
        Some(q) => push_long(out, x.is_sign_negative(), q / 10_000, (q % 10_000) as u32),
        // NaN, infinities and magnitudes of 2^64 / 10^4 and more: the general path.
        None => {
            use std::io::Write as _;
            // Writing to a Vec cannot fail.
            let _ = write!(out, "{x:.4}");
        }
    }
}

/// '0' in each byte.
const ASCII_ZEROS: u64 = 0x3030_3030_3030_3030;

/// Appends `[-]whole.frac` for `whole` < 10^7 and `frac` < 10^4, the usual case: the
/// text is put together in registers and stored at once (writing a small buffer byte by
/// byte and copying it out stalls the CPU's store-to-load forwarding).
#[inline(always)]
fn push_short(out: &mut Vec<u8>, negative: bool, whole: u32, frac: u32) {
    // Most coordinates have at most four digits before the point: the cheaper split.
    let digits = if whole < 10_000 {
        u64::from(four_digits(whole)) << 32
    } else {
        eight_digits(whole)
    };
    // Leading zero digits are the low zero bytes (at least one, as whole < 10^7); keep
    // at least one digit.
    let mut len = 8 - (digits.trailing_zeros() / 8).min(7) as usize;
    let mut head = (digits + ASCII_ZEROS) >> (8 * (8 - len));
    if negative {
        head = (head << 8) | u64::from(b'-');
        len += 1;
    }
    let tail = u64::from(b'.') | (u64::from(four_digits(frac) + 0x3030_3030) << 8);
    let text = u128::from(head) | (u128::from(tail) << (8 * len));
    let start = out.len();
    out.extend_from_slice(&text.to_le_bytes());
    out.truncate(start + len + 5);
}

/// The eight decimal digits of `n` < 10^8 (with leading zeros), one a byte, the first in
/// the low byte: split into halves, quarters and single digits, each lane at once,
/// dividing by multiplying (x / 100 = x · 10486 / 2^20 for x < 10^4, y / 10 =
/// y · 103 / 2^10 for y < 100; checked for every n in the tests).
#[inline]
fn eight_digits(n: u32) -> u64 {
    let n = u64::from(n);
    let v = (n / 10_000) | ((n % 10_000) << 32);
    let hundreds = ((v * 10_486) >> 20) & 0x0000_007f_0000_007f;
    let v = hundreds | ((v - hundreds * 100) << 16);
    let tens = ((v * 103) >> 10) & 0x000f_000f_000f_000f;
    tens | ((v - tens * 10) << 8)
}

/// The four decimal digits of `n` < 10^4, one a byte, as [`eight_digits`] makes them.
#[inline]
fn four_digits(n: u32) -> u32 {
    let hundreds = (n * 10_486) >> 20;
    let v = hundreds | ((n - hundreds * 100) << 16);
    let tens = ((v * 103) >> 10) & 0x000f_000f;
    tens | ((v - tens * 10) << 8)
}

/// Appends `[-]whole.frac` for any whole part, digit pair by digit pair.
fn push_long(out: &mut Vec<u8>, negative: bool, whole: u64, frac: u32) {
    let mut buf = [0u8; MAX_LEN];
    let mut len = 0;
    if negative {
        buf[0] = b'-';
        len = 1;
    }
    len = put_u64(&mut buf, len, whole);
    if let Some(tail) = buf.get_mut(len..len + 5) {
        tail[0] = b'.';
        tail[1..3].copy_from_slice(pair(u64::from(frac / 100)));
        tail[3..5].copy_from_slice(pair(u64::from(frac % 100)));
    }
    append(out, &buf, len + 5);
}

/// Appends the decimal digits of `v`.
pub(crate) fn push_u64(out: &mut Vec<u8>, v: u64) {
    let mut buf = [0u8; MAX_LEN];
    let len = put_u64(&mut buf, 0, v);
    append(out, &buf, len);
}

/// Appends the first `len` bytes of `buf`. Copying the whole fixed-size buffer and
/// cutting it back is cheaper than a copy of variable length.
fn append(out: &mut Vec<u8>, buf: &[u8; MAX_LEN], len: usize) {
    let start = out.len();
    out.extend_from_slice(buf);
    out.truncate(start + len);
}

/// The two ASCII digits of `n % 100`.
fn pair(n: u64) -> &'static [u8] {
    let i = (n % 100) as usize * 2;
    DIGIT_PAIRS.get(i..i + 2).unwrap_or(b"00")
}

/// Writes the decimal digits of `v` into `buf` from index `at` on and returns the index
/// after them (`at` + at most 20 fits `buf` when `at` is at most 1).
fn put_u64(buf: &mut [u8; MAX_LEN], at: usize, mut v: u64) -> usize {
    let end = at + v.checked_ilog10().map_or(1, |l| l as usize + 1);
    let mut p = end;
    while v >= 100 {
        p -= 2;
        if let Some(d) = buf.get_mut(p..p + 2) {
            d.copy_from_slice(pair(v));
        }
        v /= 100;
    }
    if v >= 10 {
        if let Some(d) = buf.get_mut(p - 2..p) {
            d.copy_from_slice(pair(v));
        }
    } else if let Some(d) = buf.get_mut(p - 1) {
        *d = b'0' + v as u8;
    }
    end
}

/// `|x| · 10^4` rounded to the nearest integer, ties to even, when it is finite and
/// fits in a `u64`.
fn scaled(x: f64) -> Option<u64> {
    let bits = x.to_bits();
    let exp_bits = (bits >> 52) & 0x7ff;
    let fraction = bits & ((1u64 << 52) - 1);
    if exp_bits == 0x7ff {
        return None;
    }
    // x = mantissa · 2^exp, exactly.
    let (mantissa, exp) = if exp_bits == 0 {
        (fraction, -1074i64)
    } else {
        (fraction | (1u64 << 52), exp_bits as i64 - 1075)
    };
    let n = u128::from(mantissa) * 10_000;
    let q = if exp >= 0 {
        // An integer: fits when shifting left loses nothing and stays below 2^64.
        if exp >= 64 || (n >> (64 - exp)) != 0 {
            return None;
        }
        n << exp
    } else {
        let shift = exp.unsigned_abs();
        if shift >= 128 {
            // n < 2^67, so |x| · 10^4 < 2^-61: rounds to zero, never a tie.
            0
        } else {
            let q = n >> shift;
            let rest = n & ((1u128 << shift) - 1);
            let half = 1u128 << (shift - 1);
            if rest > half || (rest == half && q & 1 == 1) {
                q + 1
            } else {
                q
            }
        }
    };
    u64::try_from(q).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fixed4(x: f64) -> String {
        let mut v = Vec::new();
        push_fixed4(&mut v, x);
        String::from_utf8(v).unwrap()
    }

    fn check(x: f64) {
        assert_eq!(fixed4(x), format!("{x:.4}"), "bits {:#x}", x.to_bits());
    }

    #[test]
    fn ties_signs_and_edges() {
        for x in [
            0.0,
            -0.0,
            0.5,
            -0.5,
            0.03125,
            0.09375,
            -0.03125,
            0.00005,
            -0.00005,
            0.00015,
            0.00025,
            -0.00001,
            1.00005,
            21.5,
            90.0093,
            26649.1731,
            0.1 + 0.2,
            1e-300,
            -1e-300,
            f64::MIN_POSITIVE,
            5e-324,
            -5e-324,
            1844674407370955.0,
            1844674407370955.2,
            1844674407370956.0,
            99_999_999.999_94,
            99_999_999.999_96,
            -99_999_999.999_95,
            100_000_000.0,
            123_456_789.5,
            1e15,
            9007199254740993.0,
            4.5e15,
            1e300,
            -1e300,
            f64::MAX,
            f64::MIN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ] {
            check(x);
        }
    }

    #[test]
    fn every_tie_of_a_fine_binary_grid() {
        // k / 2^10 hits exact ties of the fourth decimal (k · 10^4 / 2^10 = x.5) often.
        for k in -200_000i64..200_000 {
            check(k as f64 / 1024.0);
            check(k as f64 / 32.0 + 0.00005);
        }
    }

    #[test]
    fn eight_digits_of_every_number() {
        // Every n below 10^8 in release builds; a stride through them otherwise.
        let step = if cfg!(debug_assertions) { 997 } else { 1 };
        for n in (0..100_000_000u32)
            .step_by(step)
            .chain(99_999_990..100_000_000)
        {
            let text = (eight_digits(n) + ASCII_ZEROS).to_le_bytes();
            assert_eq!(text, *format!("{n:08}").as_bytes(), "{n}");
        }
    }

    #[test]
    fn four_digits_of_every_number() {
        for n in 0..10_000u32 {
            let text = (four_digits(n) + 0x3030_3030).to_le_bytes();
            assert_eq!(text, *format!("{n:04}").as_bytes(), "{n}");
        }
    }

    #[test]
    fn near_the_short_limit_and_halves() {
        for x in [
            9_999_999.999_94,
            9_999_999.999_95,
            9_999_999.999_96,
            -9_999_999.999_96,
            1e7,
            0.000_05,
            0.500_05,
            2.000_05,
            1_234.567_85,
        ] {
            check(x);
            check(f64::from_bits(x.to_bits() + 1));
            check(f64::from_bits(x.to_bits() - 1));
        }
    }

    #[test]
    fn integers() {
        let mut v = Vec::new();
        for n in [0u64, 7, 10, 99, 1000, 18_000, u64::MAX] {
            v.clear();
            push_u64(&mut v, n);
            assert_eq!(v, n.to_string().into_bytes());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn matches_format_on_any_bits(bits in any::<u64>()) {
            check(f64::from_bits(bits));
        }

        #[test]
        fn matches_format_on_four_decimals(n in -10_000_000_000i64..10_000_000_000, half in any::<bool>()) {
            // Decimals as a CAM post writes them, and their halfway points.
            let x = n as f64 / 10_000.0 + if half { 0.00005 } else { 0.0 };
            check(x);
            check(-x);
        }

        #[test]
        fn matches_format_on_binary_fractions(n in any::<i32>(), shift in 0u32..40) {
            check(f64::from(n) / f64::from(1u32 << (shift % 31)) / f64::from(1u32 << (shift / 31 * 9)));
        }
    }
}
