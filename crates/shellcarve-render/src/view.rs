//! Camera directions of the whole-egg views: named views (`front`, `top`, …),
//! `az:DEG[:EL]` for any direction, and `turntable:N` strips.

use std::f64::consts::FRAC_PI_2;
use std::fmt;
use std::str::FromStr;

use crate::RenderError;

/// Elevation of the side views (`front`, `back`, `left`, `right`, `az:DEG`,
/// `turntable:N`) above the equator plane, in degrees: enough for the egg to read as a
/// solid. The automatic overview uses it too.
pub const DEFAULT_VIEW_ELEVATION_DEG: f64 = 15.0;

/// Most whole-egg views one [`ViewSpec`] may ask for (a `turntable:N` counts N).
pub const MAX_VIEWS: usize = 72;

/// What a view specification may contain, for error messages.
const ACCEPTED: &str = "give a comma-separated list of front, back, left, right, top, \
bottom, az:DEG or az:DEG:EL (degrees; EL from -90 to 90, default 15), turntable:N \
(N from 1 to 72) and strips (the zoomed strips of the engraved band), for example \
front,back,top or turntable:8";

/// The direction an orthographic whole-egg view looks from.
///
/// Azimuths are relative to the front: the longitude the engraved text is centred on
/// (θ = 0 for the default placement). Positive azimuths turn the camera toward +θ,
/// the direction the text reads in, so `right` (+90°) looks at where the line
/// continues to the right. The picture keeps +Z (the pointed end) up in side views;
/// `top` looks down the +Z axis with the front at the bottom of the picture, and
/// `bottom` looks up the axis with the front at the top.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct View {
    /// Camera longitude relative to the front (radians), positive toward +θ.
    pub azimuth: f64,
    /// Camera elevation above the equator plane (radians), from −π/2 (looking up the
    /// axis from below the blunt end) to π/2 (looking down the axis at the pointed
    /// end). Values beyond are clamped when rendering.
    pub elevation: f64,
}

impl View {
    /// The front view: the text's centre longitude, [`DEFAULT_VIEW_ELEVATION_DEG`] up.
    pub fn front() -> Self {
        Self::new(0.0, DEFAULT_VIEW_ELEVATION_DEG.to_radians())
    }

    /// The back view, opposite the front.
    pub fn back() -> Self {
        Self::new(180f64.to_radians(), DEFAULT_VIEW_ELEVATION_DEG.to_radians())
    }

    /// The left view: 90° from the front, against the reading direction.
    pub fn left() -> Self {
        Self::new(-FRAC_PI_2, DEFAULT_VIEW_ELEVATION_DEG.to_radians())
    }

    /// The right view: 90° from the front, along the reading direction.
    pub fn right() -> Self {
        Self::new(FRAC_PI_2, DEFAULT_VIEW_ELEVATION_DEG.to_radians())
    }

    /// Looking down the +Z axis at the pointed end, the front at the bottom.
    pub fn top() -> Self {
        Self::new(0.0, FRAC_PI_2)
    }

    /// Looking up the Z axis at the blunt end, the front at the top.
    pub fn bottom() -> Self {
        Self::new(0.0, -FRAC_PI_2)
    }

    /// A view from `azimuth` (relative to the front) and `elevation`, both in radians.
    pub fn new(azimuth: f64, elevation: f64) -> Self {
        Self { azimuth, elevation }
    }

    /// The view's name when it is one of the named views.
    fn name(&self) -> Option<&'static str> {
        let named = [
            ("front", Self::front()),
            ("back", Self::back()),
            ("left", Self::left()),
            ("right", Self::right()),
            ("top", Self::top()),
            ("bottom", Self::bottom()),
        ];
        named
            .into_iter()
            .find(|(_, v)| {
                let daz = (self.azimuth - v.azimuth).to_degrees().rem_euclid(360.0);
                daz.min(360.0 - daz) < 1e-9 && (self.elevation - v.elevation).abs() < 1e-9
            })
            .map(|(name, _)| name)
    }

    /// The label drawn in the view's corner: its name, or `az DEG` (and `el DEG` when
    /// the elevation is not the default), in whole degrees.
    pub(crate) fn label(&self) -> String {
        if let Some(name) = self.name() {
            return name.to_string();
        }
        let az = self.azimuth.to_degrees().round() as i64;
        // Azimuth in (−180, 180].
        let az = 180 - (180 - az).rem_euclid(360);
        let el = self.elevation.to_degrees();
        if (el - DEFAULT_VIEW_ELEVATION_DEG).abs() < 1e-9 {
            format!("az {az}")
        } else {
            format!("az {az} el {}", el.round() as i64)
        }
    }
}

impl fmt::Display for View {
    /// The view as [`ViewSpec::parse`] reads it: a name or `az:DEG[:EL]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(name) = self.name() {
            return f.write_str(name);
        }
        let az = self.azimuth.to_degrees();
        let el = self.elevation.to_degrees();
        if (el - DEFAULT_VIEW_ELEVATION_DEG).abs() < 1e-9 {
            write!(f, "az:{az}")
        } else {
            write!(f, "az:{az}:{el}")
        }
    }
}

/// Which pictures a shaded preview holds: whole-egg views, in order, on one row, and
/// whether the zoomed strips of the engraved band follow below them.
///
/// Parsed from a comma-separated list such as `front,back,top`, `turntable:8` or
/// `front,strips`:
///
/// - `front`, `back`, `left`, `right`: side views from the text's centre longitude,
///   the opposite side, and 90° against or along the reading direction, all
///   [`DEFAULT_VIEW_ELEVATION_DEG`] above the equator plane;
/// - `top`, `bottom`: down the +Z axis at the pointed end, and up it at the blunt end;
/// - `az:DEG` or `az:DEG:EL`: any direction, in degrees from the front (positive along
///   the reading direction) and above the equator plane (−90 to 90, default 15);
/// - `turntable:N`: N views evenly spaced in azimuth all around the egg, starting at
///   the front, at the default elevation (1 ≤ N ≤ [`MAX_VIEWS`]);
/// - `strips`: the zoomed strips of the engraved band under the row of views.
///
/// Names are case-insensitive and spaces around entries are ignored.
///
/// ```
/// use shellcarve_render::{View, ViewSpec};
///
/// let spec = ViewSpec::parse("front, back ,top").unwrap();
/// assert_eq!(spec.views, vec![View::front(), View::back(), View::top()]);
/// assert!(!spec.strips);
/// assert_eq!(ViewSpec::parse("turntable:12").unwrap().views.len(), 12);
/// assert!(ViewSpec::parse("side").is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ViewSpec {
    /// The whole-egg views, left to right.
    pub views: Vec<View>,
    /// Draw the zoomed strips of the engraved band below the views.
    pub strips: bool,
}

impl ViewSpec {
    /// The given whole-egg views, without the zoomed strips.
    pub fn new(views: Vec<View>) -> Self {
        Self {
            views,
            strips: false,
        }
    }

    /// `n` views evenly spaced in azimuth around the egg, starting at the front, at
    /// the default elevation (a turntable strip).
    pub fn turntable(n: usize) -> Self {
        Self::new(turntable(n))
    }

    /// Adds or removes the zoomed strips of the engraved band below the views.
    pub fn with_strips(mut self, strips: bool) -> Self {
        self.strips = strips;
        self
    }

    /// Parses a comma-separated list of views (see [`ViewSpec`]). The error names the
    /// entry that is not understood and lists what is accepted.
    pub fn parse(spec: &str) -> Result<Self, RenderError> {
        let bad = |entry: &str, problem: String| RenderError::InvalidViewSpec {
            entry: entry.to_string(),
            problem,
            accepted: ACCEPTED,
        };
        if spec.trim().is_empty() {
            return Err(bad(spec, "the list of views is empty".into()));
        }
        let mut out = Self::new(Vec::new());
        for raw in spec.split(',') {
            let entry = raw.trim();
            if entry.is_empty() {
                return Err(bad(spec, "an entry of the list is empty".into()));
            }
            match parse_entry(entry).map_err(|problem| bad(entry, problem))? {
                Entry::Views(views) => out.views.extend(views),
                Entry::Strips => out.strips = true,
            }
            if out.views.len() > MAX_VIEWS {
                let problem = format!("the list asks for more than {MAX_VIEWS} views");
                return Err(bad(entry, problem));
            }
        }
        Ok(out)
    }
}

/// One entry of a view specification.
enum Entry {
    Views(Vec<View>),
    Strips,
}

/// Reads one entry (trimmed, not empty); `Err` says what is wrong with it.
fn parse_entry(entry: &str) -> Result<Entry, String> {
    let lower = entry.to_ascii_lowercase();
    let mut parts = lower.split(':');
    let head = parts.next().unwrap_or_default();
    let args: Vec<&str> = parts.collect();
    let named = match head {
        "front" => Some(View::front()),
        "back" => Some(View::back()),
        "left" => Some(View::left()),
        "right" => Some(View::right()),
        "top" => Some(View::top()),
        "bottom" => Some(View::bottom()),
        _ => None,
    };
    if named.is_some() || head == "strips" {
        if !args.is_empty() {
            return Err(format!("`{head}` takes no value after `:`"));
        }
        return Ok(named.map_or(Entry::Strips, |v| Entry::Views(vec![v])));
    }
    match head {
        "az" => {
            let number = |s: &str, what: &str| {
                s.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| format!("the {what} `{s}` is not a number of degrees"))
            };
            let (az, el) = match args.as_slice() {
                [az] => (number(az, "azimuth")?, DEFAULT_VIEW_ELEVATION_DEG),
                [az, el] => (number(az, "azimuth")?, number(el, "elevation")?),
                _ => {
                    return Err(
                        "`az` takes an azimuth and an optional elevation, as az:45 or az:45:30"
                            .into(),
                    )
                }
            };
            if !(-90.0..=90.0).contains(&el) {
                return Err(format!("the elevation {el}° is outside -90° to 90°"));
            }
            Ok(Entry::Views(vec![View::new(
                az.to_radians(),
                el.to_radians(),
            )]))
        }
        "turntable" => match args.as_slice() {
            [n] => n
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_VIEWS).contains(n))
                .map(|n| Entry::Views(turntable(n))),
            _ => None,
        }
        .ok_or_else(|| {
            format!("`turntable` needs a number of views from 1 to {MAX_VIEWS}, as turntable:8")
        }),
        _ => Err("it is not a view name".into()),
    }
}

impl FromStr for ViewSpec {
    type Err = RenderError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for ViewSpec {
    /// The specification as [`ViewSpec::parse`] reads it (turntables written out as
    /// their `az:` views).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for view in &self.views {
            if !first {
                f.write_str(",")?;
            }
            write!(f, "{view}")?;
            first = false;
        }
        if self.strips {
            f.write_str(if first { "strips" } else { ",strips" })?;
        }
        Ok(())
    }
}

/// `n` views evenly spaced in azimuth from the front, at the default elevation.
fn turntable(n: usize) -> Vec<View> {
    (0..n)
        .map(|k| {
            View::new(
                (360.0 * k as f64 / n as f64).to_radians(),
                DEFAULT_VIEW_ELEVATION_DEG.to_radians(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(spec: &str) -> String {
        ViewSpec::parse(spec).unwrap_err().to_string()
    }

    #[test]
    fn names_parse_to_their_directions() {
        let spec = ViewSpec::parse("front,back,left,right,top,bottom").unwrap();
        let el = DEFAULT_VIEW_ELEVATION_DEG.to_radians();
        let want = [
            (0.0, el),
            (180.0, el),
            (-90.0, el),
            (90.0, el),
            (0.0, 90.0f64.to_radians()),
            (0.0, -90.0f64.to_radians()),
        ];
        assert_eq!(spec.views.len(), 6);
        for (v, (az, el)) in spec.views.iter().zip(want) {
            assert!((v.azimuth - f64::to_radians(az)).abs() < 1e-12, "{v:?}");
            assert!((v.elevation - el).abs() < 1e-12, "{v:?}");
        }
        assert!(!spec.strips);
        // Case and spaces do not matter; `strips` adds the zoomed strips.
        let spec = ViewSpec::parse(" Front , TOP,strips ").unwrap();
        assert_eq!(spec.views, vec![View::front(), View::top()]);
        assert!(spec.strips);
        assert_eq!(
            "front".parse::<ViewSpec>().unwrap().views,
            vec![View::front()]
        );
        let only = ViewSpec::parse("strips").unwrap();
        assert!(only.views.is_empty() && only.strips);
    }

    #[test]
    fn azimuth_and_elevation_in_degrees() {
        let spec = ViewSpec::parse("az:45,az:-30:60,az:400:-90,az:12.5:0").unwrap();
        let deg = |v: &View| (v.azimuth.to_degrees(), v.elevation.to_degrees());
        let got: Vec<(f64, f64)> = spec.views.iter().map(deg).collect();
        let want = [(45.0, 15.0), (-30.0, 60.0), (400.0, -90.0), (12.5, 0.0)];
        for (g, w) in got.iter().zip(want) {
            assert!(
                (g.0 - w.0).abs() < 1e-9 && (g.1 - w.1).abs() < 1e-9,
                "{g:?}"
            );
        }
        // az:0 is the front, az:180 the back; az:0:90 is the top.
        let same = ViewSpec::parse("az:0,az:180,az:0:90").unwrap();
        assert_eq!(same.views[0].label(), "front");
        assert_eq!(same.views[1].label(), "back");
        assert_eq!(same.views[2].label(), "top");
        assert_eq!(spec.views[0].label(), "az 45");
        assert_eq!(spec.views[1].label(), "az -30 el 60");
        assert_eq!(spec.views[2].label(), "az 40 el -90");
        assert_eq!(
            ViewSpec::parse("az:360:-90").unwrap().views[0].label(),
            "bottom"
        );
        assert_eq!(spec.views[3].label(), "az 13 el 0");
        // Display round-trips.
        let text = spec.to_string();
        assert_eq!(ViewSpec::parse(&text).unwrap().views.len(), 4);
        assert_eq!(
            ViewSpec::parse("front,top,strips").unwrap().to_string(),
            "front,top,strips"
        );
    }

    #[test]
    fn turntables_spread_views_evenly() {
        let spec = ViewSpec::parse("turntable:8").unwrap();
        assert_eq!(spec, ViewSpec::turntable(8));
        assert_eq!(spec.views.len(), 8);
        for (k, v) in spec.views.iter().enumerate() {
            assert!((v.azimuth.to_degrees() - 45.0 * k as f64).abs() < 1e-9);
            assert!((v.elevation.to_degrees() - DEFAULT_VIEW_ELEVATION_DEG).abs() < 1e-12);
        }
        assert_eq!(spec.views[0], View::front());
        assert_eq!(spec.views[4].label(), "back");
        assert_eq!(spec.views[1].label(), "az 45");
        assert_eq!(spec.views[5].label(), "az -135");
        // A turntable combines with other views.
        let mixed = ViewSpec::parse("top,turntable:4").unwrap();
        assert_eq!(mixed.views.len(), 5);
        assert_eq!(ViewSpec::parse("turntable:72").unwrap().views.len(), 72);
    }

    #[test]
    fn errors_name_the_entry_and_list_what_is_accepted() {
        let e = err("front,side");
        assert!(e.contains("`side`") && e.contains("not a view name"), "{e}");
        for name in [
            "front",
            "back",
            "left",
            "right",
            "top",
            "bottom",
            "az:DEG",
            "turntable:N",
            "strips",
        ] {
            assert!(e.contains(name), "{e} lacks {name}");
        }
        assert!(err("").contains("empty"));
        assert!(err("front,,top").contains("empty"));
        assert!(err("az:north").contains("azimuth `north`"));
        assert!(err("az:10:x").contains("elevation `x`"));
        assert!(err("az:10:91").contains("outside -90° to 90°"));
        assert!(err("az").contains("az:45:30"));
        assert!(err("az:1:2:3").contains("az:45:30"));
        assert!(err("az:nan").contains("not a number"));
        assert!(err("az:inf").contains("not a number"));
        assert!(err("turntable").contains("from 1 to 72"));
        assert!(err("turntable:0").contains("from 1 to 72"));
        assert!(err("turntable:73").contains("from 1 to 72"));
        assert!(err("turntable:-2").contains("from 1 to 72"));
        assert!(err("turntable:4.5").contains("from 1 to 72"));
        assert!(err("top:3").contains("takes no value"));
        assert!(err("strips:2").contains("takes no value"));
        assert!(err("turntable:40,turntable:40").contains("more than 72 views"));
    }
}
