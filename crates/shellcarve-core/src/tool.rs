//! Cutting tools, described by their profile: radius as a function of height above
//! the tip. The simulator and the width rules both read the same profile
//! ([`Tool::profile`]), so a new tool shape needs a profile, not new removal code.

use crate::error::{CoreError, Result};
use crate::surface::fmt_mm;

/// Shank diameter assumed for V-bits and tapered ball mills when none is given (1/8
/// inch, the common size).
pub const DEFAULT_V_SHANK_DIAMETER: f64 = 3.175;

/// A cutting tool. Heights are measured from the tip along the tool axis (mm).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Tool {
    /// A ball-nose end mill of the given diameter.
    Ball {
        /// Diameter (mm).
        diameter: f64,
    },
    /// A flat end mill of the given diameter.
    Flat {
        /// Diameter (mm).
        diameter: f64,
    },
    /// A V-bit (engraving cutter): a cone with a small flat at the tip.
    V {
        /// Included angle of the cone (radians).
        included_angle: f64,
        /// Width of the flat at the tip (mm); 0 for a sharp point.
        tip_width: f64,
        /// Diameter of the shank where the cone ends (mm).
        diameter: f64,
    },
    /// A tapered ball-nose end mill: a ball at the tip, tangent to a cone that widens
    /// to the shank.
    TaperedBall {
        /// Diameter of the ball at the tip (mm).
        tip_diameter: f64,
        /// Included angle of the cone (radians): twice the taper per side.
        included_angle: f64,
        /// Diameter of the shank where the cone ends (mm).
        diameter: f64,
    },
}

/// A tool's shape as a convex solid of revolution about its axis, in pieces (heights
/// above the tip along the axis, radii from the axis, mm):
///
/// 1. optionally a ball: a sphere of radius `ball_radius` centred that far above the
///    tip, which is the tool below `cone_start`;
/// 2. from `cone_start`, a cone whose radius grows from `cone_start_radius` by
///    `cone_slope` per mm of height (the tangent of its half-angle; 0 for a cylinder)
///    until it reaches `shank_radius`;
/// 3. the cylindrical shank of radius `shank_radius` from there up.
///
/// Ball: `ball_radius = r`, cone from `r` with radius `r` and slope 0. Flat: no ball,
/// cylinder from 0. V-bit: no ball, cone from 0 with the tip flat's half-width.
/// Tapered ball: the ball, then the cone from the height where it is tangent to the
/// ball. The simulator removes material for any such profile with the same code.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct ToolProfile {
    /// Radius of the ball at the tip (mm), `None` without one.
    pub ball_radius: Option<f64>,
    /// Height above the tip where the cone (or cylinder) starts (mm).
    pub cone_start: f64,
    /// Radius of the cone at `cone_start` (mm).
    pub cone_start_radius: f64,
    /// Growth of the cone's radius per mm of height: `tan(half-angle)`, 0 for a
    /// cylinder.
    pub cone_slope: f64,
    /// Radius of the shank (mm): the largest radius of the tool.
    pub shank_radius: f64,
}

/// The part of a tilted tool below a flat surface, seen along the surface's normal
/// ([`ToolProfile::tilted_footprint`]), in mm from the point above the tip.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TiltedFootprint {
    /// The least extent along the direction the axis leans toward (negative behind).
    pub low: f64,
    /// The greatest extent along that direction.
    pub high: f64,
    /// The half-width across that direction.
    pub across: f64,
}

impl ToolProfile {
    /// Radius of the solid at height `h` above the tip (mm); non-decreasing in `h`,
    /// 0 below the tip.
    pub fn radius_at(&self, h: f64) -> f64 {
        if h.is_nan() {
            return 0.0;
        }
        let h = h.max(0.0);
        if h < self.cone_start {
            return match self.ball_radius {
                Some(r) => (r * r - (r - h) * (r - h)).max(0.0).sqrt(),
                None => 0.0,
            };
        }
        (self.cone_start_radius + self.cone_slope * (h - self.cone_start)).min(self.shank_radius)
    }

    /// The lowest height above the tip at which the solid is `radius` wide (mm):
    /// the inverse of [`ToolProfile::radius_at`]. `None` when the tool is never that
    /// wide (or `radius` is not a number).
    ///
    /// Two parallel passes `w` apart at the same depth, with the axis along the floor's
    /// normal, leave a ridge `height_at_radius(w / 2)` high between them on a flat
    /// floor: the scallop height (for a ball of radius `r`, `r − √(r² − w²/4)`).
    pub fn height_at_radius(&self, radius: f64) -> Option<f64> {
        if radius.is_nan() || radius > self.shank_radius {
            return None;
        }
        if radius <= 0.0 {
            return Some(0.0);
        }
        if let Some(r) = self.ball_radius {
            if radius <= self.radius_at(self.cone_start) && radius <= r {
                return Some(r - (r * r - radius * radius).max(0.0).sqrt());
            }
        }
        if radius <= self.cone_start_radius {
            return Some(self.cone_start);
        }
        if self.cone_slope > 0.0 {
            return Some(self.cone_start + (radius - self.cone_start_radius) / self.cone_slope);
        }
        None
    }

    /// How far below its tip the solid reaches along a direction `tilt` radians from
    /// its axis (mm, ≥ 0): with the tool held `tilt` off a floor's normal and the tip
    /// at depth `d`, the cut reaches `d` plus this. The largest `ρ(h)·sin φ − h·cos φ`
    /// over the profile, at the tip (a flat end mill's rim, `r·sin φ`), on the ball
    /// (`r·(1 − cos φ)` where the ball spans the angle), or at the ends of the cone.
    /// 0 for a `tilt` that is not a number.
    pub fn reach_below_tip(&self, tilt: f64) -> f64 {
        if tilt.is_nan() {
            return 0.0;
        }
        let (sin, cos) = tilt.abs().min(std::f64::consts::FRAC_PI_2).sin_cos();
        let at = |h: f64| self.radius_at(h) * sin - h * cos;
        let mut best = at(0.0).max(at(self.cone_start)).max(0.0);
        if let Some(r) = self.ball_radius {
            // The ball's point at the angle φ from the tip, where it faces the floor.
            if r * (1.0 - cos) <= self.cone_start {
                best = best.max(r * (1.0 - cos));
            }
        }
        if self.cone_slope > 0.0 && self.shank_radius > self.cone_start_radius {
            let top =
                self.cone_start + (self.shank_radius - self.cone_start_radius) / self.cone_slope;
            best = best.max(at(top));
        }
        best
    }

    /// Where the part of the solid below a flat surface lies, seen along the
    /// surface's normal, with the tip `tip_depth` mm below the surface and the axis
    /// tilted `tilt` radians from the normal: the extent along the direction the axis
    /// leans toward (from the point above the tip), and the half-width across it.
    /// Untilted it is `±ρ(tip_depth)` both ways. The extremes lie on the side curves
    /// of the profile below the surface or where they or the flat bottom cross it;
    /// the side curves are sampled finely (1,000 steps up to where the tool leaves the
    /// surface, their crossings interpolated): sub-micrometre for millimetre tools.
    /// All zero when nothing is below the surface or an input is not a number.
    pub fn tilted_footprint(&self, tilt: f64, tip_depth: f64) -> TiltedFootprint {
        const STEPS: usize = 1000;
        let none = TiltedFootprint::default();
        if !(tilt.is_finite() && tip_depth.is_finite()) {
            return none;
        }
        let (sin, cos) = tilt.abs().min(1.5).sin_cos();
        // Above this height both side curves are above the surface.
        let top = (tip_depth + self.shank_radius * sin) / cos;
        if top.is_nan() || top <= 0.0 {
            return none;
        }
        // The side curves at height h: (h sin ± ρ cos, h cos ∓ ρ sin − tip_depth).
        let side = |h: f64, sign: f64| {
            let r = self.radius_at(h);
            (
                h * sin + sign * r * cos,
                h * cos - sign * r * sin - tip_depth,
            )
        };
        let (mut low, mut high) = (f64::INFINITY, f64::NEG_INFINITY);
        for sign in [1.0, -1.0] {
            let mut last = side(0.0, sign);
            if last.1 <= 0.0 {
                (low, high) = (low.min(last.0), high.max(last.0));
            }
            for k in 1..=STEPS {
                let here = side(top * k as f64 / STEPS as f64, sign);
                if here.1 <= 0.0 {
                    (low, high) = (low.min(here.0), high.max(here.0));
                }
                if (here.1 <= 0.0) != (last.1 <= 0.0) {
                    // The crossing with the surface, between the two samples.
                    let t = last.1 / (last.1 - here.1);
                    let x = last.0 + t * (here.0 - last.0);
                    (low, high) = (low.min(x), high.max(x));
                }
                last = here;
            }
        }
        // The flat bottom (a flat end mill's, a V-bit's tip flat) between the two
        // side curves' first points: where it crosses the surface.
        let (a, b) = (side(0.0, -1.0), side(0.0, 1.0));
        if (a.1 <= 0.0) != (b.1 <= 0.0) {
            let x = a.0 + a.1 / (a.1 - b.1) * (b.0 - a.0);
            (low, high) = (low.min(x), high.max(x));
        }
        if low > high {
            return none;
        }
        TiltedFootprint {
            low,
            high,
            across: if tip_depth > 0.0 {
                self.radius_at(tip_depth / cos)
            } else {
                0.0
            },
        }
    }
}

impl Tool {
    /// Parses `ball:D`, `flat:D`, `v:ANGLE:TIP` (angle in degrees, tip width in mm) or
    /// `taper:TIP:ANGLE[:SHANK]` (tapered ball: tip ball diameter in mm, included angle
    /// in degrees, shank diameter in mm, default [`DEFAULT_V_SHANK_DIAMETER`]).
    pub fn parse(text: &str) -> Result<Self> {
        let bad = || {
            CoreError::BadSpec {
            what: "tool".into(),
            given: text.into(),
            expected:
                "ball:DIAMETER, flat:DIAMETER, v:ANGLE:TIP or taper:TIP:ANGLE[:SHANK] (mm and degrees, e.g. v:30:0.05 or taper:0.2:20)"
                    .into(),
        }
        };
        let t = text.trim().to_ascii_lowercase();
        let mut parts = t.split(':');
        let kind = parts.next().ok_or_else(bad)?;
        let nums: Vec<f64> = parts
            .map(|p| p.trim().parse::<f64>())
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| bad())?;
        let tool = match (kind, nums.as_slice()) {
            ("ball", [d]) => Tool::Ball { diameter: *d },
            ("flat", [d]) => Tool::Flat { diameter: *d },
            ("v", [angle, tip]) => Tool::V {
                included_angle: angle.to_radians(),
                tip_width: *tip,
                diameter: DEFAULT_V_SHANK_DIAMETER,
            },
            ("taper", [tip, angle]) => Tool::TaperedBall {
                tip_diameter: *tip,
                included_angle: angle.to_radians(),
                diameter: DEFAULT_V_SHANK_DIAMETER,
            },
            ("taper", [tip, angle, shank]) => Tool::TaperedBall {
                tip_diameter: *tip,
                included_angle: angle.to_radians(),
                diameter: *shank,
            },
            _ => return Err(bad()),
        };
        tool.validate()
    }

    /// Checks the dimensions and returns the tool.
    pub fn validate(self) -> Result<Self> {
        let check = |name: &str, v: f64, lo: f64, hi: f64| {
            if v.is_finite() && v >= lo && v <= hi {
                Ok(())
            } else {
                Err(CoreError::InvalidParameter {
                    name: name.into(),
                    value: v,
                    expected: format!("a value from {lo} to {hi}"),
                })
            }
        };
        match self {
            Tool::Ball { diameter } | Tool::Flat { diameter } => {
                check("tool diameter (mm)", diameter, 0.005, 50.0)?
            }
            Tool::V {
                included_angle,
                tip_width,
                diameter,
            } => {
                check(
                    "V-bit angle (degrees)",
                    included_angle.to_degrees(),
                    5.0,
                    170.0,
                )?;
                check("V-bit tip width (mm)", tip_width, 0.0, 5.0)?;
                check(
                    "V-bit shank diameter (mm)",
                    diameter,
                    tip_width.max(0.01),
                    50.0,
                )?;
            }
            Tool::TaperedBall {
                tip_diameter,
                included_angle,
                diameter,
            } => {
                check("tapered ball tip diameter (mm)", tip_diameter, 0.005, 50.0)?;
                check(
                    "tapered ball included angle (degrees)",
                    included_angle.to_degrees(),
                    1.0,
                    170.0,
                )?;
                // The ball must fit inside the shank, or the tool is not one solid of
                // the profile's kind.
                check(
                    "tapered ball shank diameter (mm; at least the tip diameter)",
                    diameter,
                    tip_diameter,
                    50.0,
                )?;
            }
        }
        Ok(self)
    }

    /// The tool's shape as pieces of a solid of revolution (see [`ToolProfile`]).
    pub fn profile(&self) -> ToolProfile {
        match *self {
            Tool::Ball { diameter } => {
                let r = diameter / 2.0;
                ToolProfile {
                    ball_radius: Some(r),
                    cone_start: r,
                    cone_start_radius: r,
                    cone_slope: 0.0,
                    shank_radius: r,
                }
            }
            Tool::Flat { diameter } => ToolProfile {
                ball_radius: None,
                cone_start: 0.0,
                cone_start_radius: diameter / 2.0,
                cone_slope: 0.0,
                shank_radius: diameter / 2.0,
            },
            Tool::V {
                included_angle,
                tip_width,
                diameter,
            } => ToolProfile {
                ball_radius: None,
                cone_start: 0.0,
                cone_start_radius: tip_width / 2.0,
                cone_slope: (included_angle / 2.0).tan().max(0.0),
                shank_radius: diameter / 2.0,
            },
            Tool::TaperedBall {
                tip_diameter,
                included_angle,
                diameter,
            } => {
                // A cone of half-angle β tangent to a sphere of radius r centred r
                // above the tip touches it on the circle r·(1 − sin β) above the tip,
                // of radius r·cos β.
                let r = tip_diameter / 2.0;
                let (sin, cos) = (included_angle / 2.0).sin_cos();
                ToolProfile {
                    ball_radius: Some(r),
                    cone_start: r * (1.0 - sin),
                    cone_start_radius: r * cos,
                    cone_slope: (included_angle / 2.0).tan().max(0.0),
                    shank_radius: (diameter / 2.0).max(r),
                }
            }
        }
    }

    /// Radius of the tool's cutting envelope at height `h` above the tip (mm).
    pub fn radius_at(&self, h: f64) -> f64 {
        self.profile().radius_at(h)
    }

    /// Width of the groove the tool cuts at depth `depth` (mm).
    pub fn width_at_depth(&self, depth: f64) -> f64 {
        2.0 * self.radius_at(depth)
    }

    /// The theoretical scallop height of parallel passes `stepover` mm apart cut
    /// `depth` mm deep with the axis along the normal of a flat floor (mm): the ridge
    /// left standing midway between two passes, [`ToolProfile::height_at_radius`] of half
    /// the stepover, and the whole depth when the passes do not meet at the surface.
    /// For a ball of radius `r` this is `r − √(r² − (stepover/2)²)`; for a flat end
    /// mill, 0 at steps up to its diameter.
    pub fn scallop_height(&self, stepover: f64, depth: f64) -> f64 {
        let depth = depth.max(0.0);
        self.profile()
            .height_at_radius(stepover.abs() / 2.0)
            .map_or(depth, |h| h.min(depth))
    }

    /// Largest radius of the tool.
    pub fn max_radius(&self) -> f64 {
        self.profile().shank_radius
    }

    /// Number of flutes assumed for chip-load figures.
    pub fn flutes(&self) -> u32 {
        match self {
            Tool::V { .. } => 1,
            _ => 2,
        }
    }
}

impl std::fmt::Display for Tool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Tool::Ball { diameter } => write!(f, "ball:{}", fmt_mm(diameter)),
            Tool::Flat { diameter } => write!(f, "flat:{}", fmt_mm(diameter)),
            Tool::V {
                included_angle,
                tip_width,
                ..
            } => write!(
                f,
                "v:{}:{}",
                fmt_mm(included_angle.to_degrees()),
                fmt_mm(tip_width)
            ),
            Tool::TaperedBall {
                tip_diameter,
                included_angle,
                diameter,
            } => {
                write!(
                    f,
                    "taper:{}:{}",
                    fmt_mm(tip_diameter),
                    fmt_mm(included_angle.to_degrees())
                )?;
                if (diameter - DEFAULT_V_SHANK_DIAMETER).abs() > 5e-4 {
                    write!(f, ":{}", fmt_mm(diameter))?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v_groove_width_follows_the_design_formula() {
        let t = Tool::parse("v:30:0.05").unwrap();
        let w = 0.05 + 2.0 * 0.35 * (15f64).to_radians().tan();
        assert!((t.width_at_depth(0.35) - w).abs() < 1e-12);
        assert_eq!(t.to_string(), "v:30:0.05");
    }

    /// The reach below the tip of a tilted tool: closed forms, and the largest
    /// `ρ(h)·sin φ − h·cos φ` over a fine sampling of every profile.
    #[test]
    fn reach_below_a_tilted_tip() {
        let tilt = 15f64.to_radians();
        let flat = Tool::parse("flat:0.5").unwrap().profile();
        assert!((flat.reach_below_tip(tilt) - 0.25 * tilt.sin()).abs() < 1e-12);
        let ball = Tool::parse("ball:0.4").unwrap().profile();
        assert!((ball.reach_below_tip(tilt) - 0.2 * (1.0 - tilt.cos())).abs() < 1e-12);
        let sharp = Tool::parse("v:60:0").unwrap().profile();
        assert_eq!(sharp.reach_below_tip(tilt), 0.0);
        for spec in [
            "flat:0.5",
            "ball:0.4",
            "v:60:0",
            "v:30:0.05",
            "v:170:0.1",
            "taper:0.2:20",
            "taper:0.5:30:3",
        ] {
            let p = Tool::parse(spec).unwrap().profile();
            assert_eq!(p.reach_below_tip(0.0), 0.0, "{spec}");
            assert_eq!(p.reach_below_tip(f64::NAN), 0.0, "{spec}");
            for deg in [1.0f64, 5.0, 13.5, 30.0, 60.0, 89.0] {
                let (sin, cos) = deg.to_radians().sin_cos();
                let sampled = (0..=200_000)
                    .map(|k| {
                        let h = k as f64 * 1e-4;
                        p.radius_at(h) * sin - h * cos
                    })
                    .fold(0.0f64, f64::max);
                let exact = p.reach_below_tip(deg.to_radians());
                assert!(
                    exact >= sampled - 1e-12,
                    "{spec} {deg}°: {exact} < {sampled}"
                );
                assert!(
                    exact <= sampled + 1e-4,
                    "{spec} {deg}°: {exact} > {sampled}"
                );
            }
        }
    }

    /// The footprint of tilted tools against closed forms: a V-bit's two flanks cross
    /// the surface at `d/(c − k s)` and `d/(c + k s)` up the axis; a deep ball's
    /// shank crosses at `d·tan φ + r/c` ahead and its ball reaches `r(s − 1)` behind.
    #[test]
    fn tilted_footprints_match_closed_forms() {
        let (d, phi) = (0.39, 16.8f64.to_radians());
        let (s, c) = phi.sin_cos();
        let v = Tool::parse("v:77.5:0").unwrap().profile();
        let k = (77.5f64 / 2.0).to_radians().tan();
        let f = v.tilted_footprint(phi, d);
        let high = d / (c - k * s) * (s + k * c);
        let low = d / (c + k * s) * (s - k * c);
        assert!(
            (f.high - high).abs() < 1e-6 && (f.low - low).abs() < 1e-6,
            "{f:?}"
        );
        assert!((f.across - k * d / c).abs() < 1e-9, "{f:?}");
        let untilted = v.tilted_footprint(0.0, d);
        assert!((untilted.high - k * d).abs() < 1e-9 && (untilted.low + k * d).abs() < 1e-9);

        let r = 0.1;
        let ball = Tool::parse("ball:0.2").unwrap().profile();
        let f = ball.tilted_footprint(phi, 0.35);
        assert!((f.high - (0.35 * phi.tan() + r / c)).abs() < 1e-6, "{f:?}");
        assert!((f.low - r * (s - 1.0)).abs() < 1e-6, "{f:?}");
        assert!((f.across - r).abs() < 1e-12);

        let flat = Tool::parse("flat:0.5").unwrap().profile();
        let f = flat.tilted_footprint(0.0, 0.05);
        assert!(
            (f.high - 0.25).abs() < 1e-12 && (f.low + 0.25).abs() < 1e-12,
            "{f:?}"
        );
        // Tilted and shallow, a flat end mill's low rim is ahead and its side crosses
        // the surface at (d + r s)·tan φ + r c; behind, its bottom face crosses it.
        let (s15, c15) = 15f64.to_radians().sin_cos();
        let (r, d) = (0.25, 0.02);
        let f = flat.tilted_footprint(15f64.to_radians(), d);
        assert!(
            (f.high - ((d + r * s15) * s15 / c15 + r * c15)).abs() < 1e-12,
            "{f:?}"
        );
        // The face runs from (−r c, r s − d) to (r c, −r s − d).
        let t = (r * s15 - d) / (2.0 * r * s15);
        assert!(
            (f.low - (-r * c15 + t * 2.0 * r * c15)).abs() < 1e-12,
            "{f:?}"
        );
        assert_eq!(
            flat.tilted_footprint(f64::NAN, 0.1),
            TiltedFootprint::default()
        );
        assert_eq!(v.tilted_footprint(phi, -1.0), TiltedFootprint::default());
    }

    #[test]
    fn ball_profile() {
        let t = Tool::parse("ball:0.4").unwrap();
        assert_eq!(t.radius_at(0.0), 0.0);
        assert!((t.radius_at(0.2) - 0.2).abs() < 1e-12);
        assert!((t.radius_at(5.0) - 0.2).abs() < 1e-12);
        assert!((t.radius_at(0.1) - (0.04f64 - 0.01).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn bad_tools_are_errors() {
        for t in [
            "ball",
            "ball:-1",
            "ball:NaN",
            "v:30",
            "v:200:0.1",
            "drill:3",
            "flat:1:2",
            "taper:0.2",
            "taper:0.2:0",
            "taper:0.2:200",
            "taper:4:20",
            "taper:0.2:20:1:2",
        ] {
            assert!(Tool::parse(t).is_err(), "{t}");
        }
    }

    #[test]
    fn tapered_ball_profile_is_a_ball_tangent_to_a_cone() {
        let t = Tool::parse("taper:0.2:20").unwrap();
        assert_eq!(t.to_string(), "taper:0.2:20");
        assert_eq!(
            Tool::parse("taper:0.2:20:6").unwrap().to_string(),
            "taper:0.2:20:6"
        );
        let (r, beta) = (0.1f64, 10f64.to_radians());
        let h_t = r * (1.0 - beta.sin());
        // On the ball below the tangent circle.
        for h in [0.0, 0.01, 0.05, h_t - 1e-9] {
            let want = (r * r - (r - h) * (r - h)).sqrt();
            assert!((t.radius_at(h) - want).abs() < 1e-12, "{h}");
        }
        // Continuous and tangent at the circle, then the cone.
        assert!((t.radius_at(h_t) - r * beta.cos()).abs() < 1e-12);
        for h in [h_t, 0.2, 0.35, 1.0] {
            let want = r * beta.cos() + (h - h_t) * beta.tan();
            assert!((t.radius_at(h) - want).abs() < 1e-12, "{h}");
        }
        // The cone is tangent: the slope just below matches tan β.
        let e = 1e-7;
        let slope = (t.radius_at(h_t) - t.radius_at(h_t - e)) / e;
        assert!((slope - beta.tan()).abs() < 1e-5, "{slope}");
        // Up to the shank.
        assert!((t.radius_at(100.0) - DEFAULT_V_SHANK_DIAMETER / 2.0).abs() < 1e-12);
        assert!((t.max_radius() - DEFAULT_V_SHANK_DIAMETER / 2.0).abs() < 1e-12);
        // The inverse.
        for h in [0.0, 0.03, h_t, 0.3, 2.0] {
            let back = t.profile().height_at_radius(t.radius_at(h)).unwrap();
            assert!((back - h).abs() < 1e-9, "{h} {back}");
        }
        assert_eq!(t.profile().height_at_radius(2.0), None);
    }

    #[test]
    fn every_profile_inverts_and_scallops_follow_the_formulas() {
        for spec in [
            "ball:0.4",
            "flat:0.3",
            "v:30:0.05",
            "v:60:0",
            "taper:0.2:20",
        ] {
            let t = Tool::parse(spec).unwrap();
            let p = t.profile();
            let mut last = 0.0;
            for k in 0..=400 {
                let h = k as f64 * 0.005;
                let rho = p.radius_at(h);
                assert!(rho >= last - 1e-15, "{spec} not monotone at {h}");
                last = rho;
                let back = p.height_at_radius(rho).unwrap();
                // The lowest height of that radius: at most h, and as wide.
                assert!(back <= h + 1e-9, "{spec} {h} {back}");
                assert!((p.radius_at(back) - rho).abs() < 1e-9, "{spec} {h}");
            }
        }
        // Ball: r − √(r² − w²/4).
        let ball = Tool::parse("ball:0.2").unwrap();
        let w = 0.07;
        let want = 0.1 - (0.01f64 - w * w / 4.0).sqrt();
        assert!((ball.scallop_height(w, 0.35) - want).abs() < 1e-15);
        // Passes that do not meet leave the whole depth standing.
        assert_eq!(ball.scallop_height(0.5, 0.35), 0.35);
        assert_eq!(
            Tool::parse("flat:0.3").unwrap().scallop_height(0.2, 0.3),
            0.0
        );
        // V-bit: (w/2 − tip/2) / tan(α/2).
        let v = Tool::parse("v:60:0.02").unwrap();
        let want = (0.05 - 0.01) / 30f64.to_radians().tan();
        assert!((v.scallop_height(0.1, 0.35) - want).abs() < 1e-12);
    }
}
