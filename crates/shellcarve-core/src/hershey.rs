//! Built-in single-stroke fonts: the Hershey fonts.
//!
//! Each glyph is a set of open polylines that the tool follows with its centre, one
//! pass per stroke — the classic engraving lettering. The data comes from the
//! `vector-text-hershey` crate (Paul Bourke's compilation of the Hershey fonts, with
//! the Latin-1 mapping files `*.hmp`). Its licence asks that [`HERSHEY_CREDIT`] travel
//! with the font data; `shellcarve fonts` prints it and the README repeats it.
//!
//! Hershey coordinates are integers with y pointing down; the capital `H` of every
//! text font spans 21 units in the Roman fonts. We scale so that `H` is the cap height
//! and put its foot on the baseline.

use vector_text_core::Renderer;
use vector_text_hershey::{HersheyFont, HersheyRenderer};

use crate::error::{CoreError, Result};
use crate::math::Point2;

/// The acknowledgement the Hershey font data must carry wherever it is distributed.
pub const HERSHEY_CREDIT: &str = "The Hershey Fonts were originally created by Dr. A. V. Hershey while working at the U. S. National Bureau of Standards. The format of the font data in this distribution was originally created by James Hurt, Cognition, Inc. (data from Paul Bourke's compilation, via the vector-text-hershey crate)";

/// The built-in Hershey text fonts: name (as in `--font hershey:NAME`) and description.
pub const HERSHEY_FONTS: &[(&str, &str)] = &[
    ("romans", "Roman simplex, the classic engraving lettering"),
    ("romand", "Roman duplex (strokes drawn twice, bolder)"),
    ("romanc", "Roman complex"),
    ("romant", "Roman triplex"),
    ("romancs", "Roman complex small"),
    ("romanp", "Roman plain"),
    ("italicc", "Italic complex"),
    ("italiccs", "Italic complex small"),
    ("italict", "Italic triplex"),
    ("scripts", "Script simplex"),
    ("scriptc", "Script complex"),
    ("greeks", "Greek simplex"),
    ("greekc", "Greek complex"),
    ("greekcs", "Greek complex small"),
    ("greekp", "Greek plain"),
    ("cyrilc", "Cyrillic complex"),
    ("gotheng", "Gothic English"),
    ("gothger", "Gothic German"),
    ("gothita", "Gothic Italian"),
];

/// Characters tried, in order, as the probe that measures a glyph's advance.
const PROBES: &str = "|HIl1.";

/// One built-in Hershey font.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct HersheyFace {
    name: &'static str,
}

/// One glyph of a Hershey font in font units, y up, the pen starting at x = 0.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HersheyGlyph {
    /// Open polylines (at least two points each).
    pub(crate) strokes: Vec<Vec<Point2>>,
    /// Distance to the next glyph's origin.
    pub(crate) advance: f64,
}

impl HersheyFace {
    /// The font called `name` (case-insensitive), one of [`HERSHEY_FONTS`].
    pub(crate) fn by_name(name: &str) -> Result<Self> {
        let wanted = name.trim().to_ascii_lowercase();
        HERSHEY_FONTS
            .iter()
            .find(|(n, _)| *n == wanted)
            .map(|(n, _)| Self { name: n })
            .ok_or_else(|| CoreError::BadSpec {
                what: "Hershey font".into(),
                given: name.into(),
                expected: format!(
                    "hershey:NAME with NAME one of {} (see `shellcarve fonts`)",
                    HERSHEY_FONTS
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
    }

    /// The font's name, e.g. `romans`.
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }

    fn font(&self) -> HersheyFont {
        match self.name {
            "romand" => HersheyFont::Romand,
            "romanc" => HersheyFont::Romanc,
            "romant" => HersheyFont::Romant,
            "romancs" => HersheyFont::Romancs,
            "romanp" => HersheyFont::Romanp,
            "italicc" => HersheyFont::Italicc,
            "italiccs" => HersheyFont::Italiccs,
            "italict" => HersheyFont::Italict,
            "scripts" => HersheyFont::Scripts,
            "scriptc" => HersheyFont::Scriptc,
            "greeks" => HersheyFont::Greeks,
            "greekc" => HersheyFont::Greekc,
            "greekcs" => HersheyFont::Greekcs,
            "greekp" => HersheyFont::Greekp,
            "cyrilc" => HersheyFont::Cyrilc,
            "gotheng" => HersheyFont::Gotheng,
            "gothger" => HersheyFont::Gothger,
            "gothita" => HersheyFont::Gothita,
            _ => HersheyFont::Romans,
        }
    }

    /// Raw points (x, y down, pen down) of `text`, glyph after glyph.
    fn render(&self, text: &str) -> Vec<(f64, f64, bool)> {
        HersheyRenderer::render_text(text, self.font())
            .into_iter()
            .map(|p| (f64::from(p.x), f64::from(p.y), p.pen))
            .collect()
    }

    /// The foot of capital `H` (y down): the baseline.
    fn baseline(&self) -> f64 {
        self.render("H")
            .iter()
            .map(|p| p.1)
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// Height of capital `H` in font units (the cap height); 21 for the Roman fonts.
    pub(crate) fn cap_height_units(&self) -> f64 {
        let pts = self.render("H");
        let lo = pts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        let hi = pts.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
        if pts.is_empty() || hi <= lo {
            21.0
        } else {
            hi - lo
        }
    }

    /// The glyph of `ch`, or `None` when the font has none. The library renders whole
    /// strings only, so the advance is measured as the shift of a probe glyph drawn
    /// after `ch`.
    pub(crate) fn glyph(&self, ch: char) -> Option<HersheyGlyph> {
        if u32::from(ch) > 255 || ch.is_control() {
            return None;
        }
        let own = self.render(ch.encode_utf8(&mut [0; 4]));
        let (probe, alone) = PROBES.chars().find_map(|p| {
            let pts = self.render(p.encode_utf8(&mut [0; 4]));
            (!pts.is_empty()).then_some((p, pts))
        })?;
        let both = self.render(&format!("{ch}{probe}"));
        let first_probe = both.get(both.len().checked_sub(alone.len())?)?;
        let advance = first_probe.0 - alone[0].0;
        if own.is_empty() && advance == 0.0 {
            return None;
        }
        let base = self.baseline();
        let mut strokes: Vec<Vec<Point2>> = Vec::new();
        let mut current: Vec<Point2> = Vec::new();
        for (x, y, pen) in own {
            let p = Point2::new(x, base - y);
            if !pen {
                if current.len() >= 2 {
                    strokes.push(std::mem::take(&mut current));
                }
                current.clear();
            }
            if current.last() != Some(&p) {
                current.push(p);
            }
        }
        if current.len() >= 2 {
            strokes.push(current);
        }
        Some(HersheyGlyph { strokes, advance })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_font_has_capitals_and_a_space() {
        for (name, _) in HERSHEY_FONTS {
            let f = HersheyFace::by_name(name).unwrap();
            let h = f.glyph('H').unwrap_or_else(|| panic!("{name}: no H"));
            assert!(!h.strokes.is_empty() && h.advance > 0.0, "{name}");
            let space = f.glyph(' ').unwrap_or_else(|| panic!("{name}: no space"));
            assert!(space.strokes.is_empty() && space.advance > 0.0, "{name}");
            assert!(f.cap_height_units() >= 9.0, "{name}");
        }
    }

    #[test]
    fn roman_simplex_h_is_three_open_strokes_on_the_baseline() {
        let f = HersheyFace::by_name("RomanS").unwrap();
        let h = f.glyph('H').unwrap();
        // Two stems and the bar, each a single segment; nothing closes them.
        assert_eq!(h.strokes.len(), 3);
        assert!(h.strokes.iter().all(|s| s.len() == 2));
        let ys: Vec<f64> = h.strokes.iter().flatten().map(|p| p.y).collect();
        assert_eq!(ys.iter().copied().fold(f64::INFINITY, f64::min), 0.0);
        assert_eq!(ys.iter().copied().fold(f64::NEG_INFINITY, f64::max), 21.0);
        assert_eq!(f.cap_height_units(), 21.0);
        assert_eq!(h.advance, 22.0);
    }

    #[test]
    fn unknown_names_and_characters_are_refused() {
        let err = HersheyFace::by_name("comic").unwrap_err().to_string();
        assert!(err.contains("romans") && err.contains("comic"), "{err}");
        let f = HersheyFace::by_name("romans").unwrap();
        assert!(f.glyph('京').is_none());
        assert!(f.glyph('\u{7}').is_none());
    }
}
