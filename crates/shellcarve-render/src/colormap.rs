//! Colour maps and the tiny bitmap font used for scale labels.

/// Viridis (perceptually uniform, colour-blind safe), `t` in [0, 1], as a degree-6
/// polynomial fit of the matplotlib table (Matt Zucker's fit, max error < 1/255).
pub(crate) fn viridis(t: f64) -> [u8; 3] {
    const C: [[f64; 3]; 7] = [
        [
            0.277_727_327_223_417_7,
            0.005_407_344_544_966_578,
            0.334_099_805_335_306_1,
        ],
        [
            0.105_093_043_108_577_4,
            1.404_613_529_898_575,
            1.384_590_162_594_685,
        ],
        [
            -0.330_861_828_725_556_3,
            0.214_847_559_468_213,
            0.095_095_163_028_236_59,
        ],
        [
            -4.634_230_498_983_486,
            -5.799_100_973_351_585,
            -19.332_440_956_279_87,
        ],
        [
            6.228_269_936_347_081,
            14.179_933_366_805_09,
            56.690_552_600_681_05,
        ],
        [
            4.776_384_997_670_288,
            -13.745_145_377_746_01,
            -65.353_032_633_372_34,
        ],
        [
            -5.435_455_855_934_631,
            4.645_852_612_178_535,
            26.312_435_249_583_2,
        ],
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mut out = [0u8; 3];
    for (ch, o) in out.iter_mut().enumerate() {
        let v = C.iter().rev().fold(0.0, |acc, c| acc * t + c[ch]);
        *o = (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    }
    out
}

/// Diverging colour for `t` in [−1, 1]: `zero` at 0, through ColorBrewer RdBu's light
/// blue and red to its dark ends (blue for negative, red for positive).
pub(crate) fn diverging(t: f64, zero: [u8; 3]) -> [u8; 3] {
    const NEG: [[f64; 3]; 2] = [[67.0, 147.0, 195.0], [5.0, 48.0, 97.0]];
    const POS: [[f64; 3]; 2] = [[214.0, 96.0, 77.0], [103.0, 0.0, 31.0]];
    let t = if t.is_finite() {
        t.clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let stops = if t < 0.0 { NEG } else { POS };
    let a = t.abs();
    let z = zero.map(f64::from);
    let (from, to, f) = if a <= 0.5 {
        (z, stops[0], a / 0.5)
    } else {
        (stops[0], stops[1], (a - 0.5) / 0.5)
    };
    std::array::from_fn(|k| (from[k] + (to[k] - from[k]) * f).round() as u8)
}

/// 3×5 glyphs, one row per entry, bit 2 = left column.
fn glyph(c: char) -> Option<[u8; 5]> {
    Some(match c {
        '0' => [0b111, 0b101, 0b101, 0b101, 0b111],
        '1' => [0b010, 0b110, 0b010, 0b010, 0b111],
        '2' => [0b111, 0b001, 0b111, 0b100, 0b111],
        '3' => [0b111, 0b001, 0b011, 0b001, 0b111],
        '4' => [0b101, 0b101, 0b111, 0b001, 0b001],
        '5' => [0b111, 0b100, 0b111, 0b001, 0b111],
        '6' => [0b111, 0b100, 0b111, 0b101, 0b111],
        '7' => [0b111, 0b001, 0b010, 0b010, 0b010],
        '8' => [0b111, 0b101, 0b111, 0b101, 0b111],
        '9' => [0b111, 0b101, 0b111, 0b001, 0b111],
        '.' => [0b000, 0b000, 0b000, 0b000, 0b010],
        '-' => [0b000, 0b000, 0b111, 0b000, 0b000],
        'm' => [0b000, 0b000, 0b110, 0b111, 0b101],
        '+' => [0b000, 0b010, 0b111, 0b010, 0b000],
        'a' => [0b000, 0b011, 0b101, 0b101, 0b011],
        'c' => [0b000, 0b011, 0b100, 0b100, 0b011],
        'd' => [0b001, 0b011, 0b101, 0b101, 0b011],
        'e' => [0b000, 0b010, 0b111, 0b100, 0b011],
        'h' => [0b100, 0b110, 0b101, 0b101, 0b101],
        'i' => [0b010, 0b000, 0b010, 0b010, 0b010],
        'l' => [0b010, 0b010, 0b010, 0b010, 0b001],
        'n' => [0b000, 0b110, 0b101, 0b101, 0b101],
        'o' => [0b000, 0b010, 0b101, 0b101, 0b010],
        'p' => [0b000, 0b110, 0b101, 0b110, 0b100],
        'r' => [0b000, 0b101, 0b110, 0b100, 0b100],
        's' => [0b000, 0b011, 0b110, 0b011, 0b110],
        't' => [0b010, 0b111, 0b010, 0b010, 0b001],
        'u' => [0b000, 0b101, 0b101, 0b101, 0b011],
        'w' => [0b000, 0b101, 0b101, 0b111, 0b101],
        'b' => [0b100, 0b110, 0b101, 0b101, 0b110],
        'f' => [0b011, 0b010, 0b111, 0b010, 0b010],
        'g' => [0b011, 0b101, 0b011, 0b001, 0b110],
        'k' => [0b100, 0b101, 0b110, 0b110, 0b101],
        'z' => [0b000, 0b111, 0b001, 0b010, 0b111],
        ' ' => [0; 5],
        _ => return None,
    })
}

/// Width in pixels of `text` drawn at `scale`.
pub(crate) fn text_width(text: &str, scale: u32) -> u32 {
    (text.chars().count() as u32 * 4).saturating_sub(1) * scale
}

/// Draws `text` with its top-left corner at `(x, y)`; characters without a glyph and
/// pixels off the image are skipped.
pub(crate) fn draw_text(
    img: &mut image::RgbImage,
    x: i64,
    y: i64,
    text: &str,
    scale: u32,
    color: [u8; 3],
) {
    let s = i64::from(scale.max(1));
    for (k, c) in text.chars().enumerate() {
        let Some(rows) = glyph(c) else { continue };
        let x0 = x + k as i64 * 4 * s;
        for (row, bits) in rows.iter().enumerate() {
            for col in 0..3 {
                if bits & (0b100 >> col) == 0 {
                    continue;
                }
                for dy in 0..s {
                    for dx in 0..s {
                        let (px, py) = (x0 + col * s + dx, y + row as i64 * s + dy);
                        if px >= 0
                            && py >= 0
                            && (px as u32) < img.width()
                            && (py as u32) < img.height()
                        {
                            img.put_pixel(px as u32, py as u32, image::Rgb(color));
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viridis_ends() {
        let lo = viridis(0.0);
        let hi = viridis(1.0);
        assert!(
            lo[2] > lo[1] && hi[0] > 200 && hi[1] > 200 && hi[2] < 80,
            "{lo:?} {hi:?}"
        );
        assert_eq!(viridis(f64::NAN), lo);
    }
}
