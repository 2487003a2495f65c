//! The machine-readable report (`--report out.json`).

use std::collections::BTreeMap;

use serde::Serialize;

/// What an engraving or a simulation measured and checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// `engrave` or `simulate`.
    pub command: String,
    /// The engraved text (engrave only).
    pub text: Option<String>,
    /// The font used (engrave only).
    pub font: Option<String>,
    /// The SVG artwork engraved with or instead of the text, and its height (mm).
    pub artwork: Option<ArtworkReport>,
    /// Cap height chosen or given (mm; engrave only).
    pub cap_height_mm: Option<f64>,
    /// Length of the line along the baseline (mm; engrave only).
    pub text_length_mm: Option<f64>,
    /// The shell, e.g. `spheroid:57x43` (the fitted one with a probe fit).
    pub egg: String,
    /// The shell fitted to probed points and where it sits (with `--probe` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe_fit: Option<ProbeFitReport>,
    /// The tool, e.g. `ball:0.2`.
    pub tool: String,
    /// The tool holder checked against the shell: `LENGTHxDIAMETER@STICKOUT` (mm).
    pub holder: String,
    /// The strategy (engrave only).
    pub strategy: Option<String>,
    /// The machine preset.
    pub machine: String,
    /// The G-code dialect.
    pub post: String,
    /// Spindle speed (rpm).
    pub spindle_rpm: f64,
    /// Cutting feed (mm/min; engrave only).
    pub feed_mm_min: Option<f64>,
    /// Chip load per tooth at that feed and speed (mm; engrave only).
    pub chip_load_mm: Option<f64>,
    /// Cutting speed at the tool's widest point in the cut, π·D·n (m/min; engrave
    /// only), D being the cutting diameter at the surface at the engraving depth.
    pub surface_speed_m_min: Option<f64>,
    /// Block counts and path lengths.
    pub moves: MoveCounts,
    /// Simulated depth along the cutting tip paths.
    pub cut_depth_mm: DepthReport,
    /// The depth window `[min, max]` (mm).
    pub depth_window_mm: [f64; 2],
    /// True when only the window's maximum is checked (V-carving, whose depth follows
    /// the letter width by design).
    pub depth_window_max_only: bool,
    /// Cycle time of the program read back (s), from the jerk-limited look-ahead
    /// planner over its joint-space blocks (per-axis speed, acceleration and jerk).
    pub cycle_time_s: f64,
    /// The naive estimate of the same program (s): feed blocks at their feed, rapids
    /// at the axes' top speeds, no acceleration.
    pub naive_cycle_time_s: f64,
    /// Cycle time estimated by the planner (s; engrave only).
    pub planned_cycle_time_s: Option<f64>,
    /// Largest tip deviation from the intended path after subdivision (mm; engrave
    /// only; 0 in TCP mode where the controller moves the tip straight).
    pub max_path_deviation_mm: Option<f64>,
    /// Largest angle between the tool axis and the surface normal the toolpath asks
    /// for (degrees; engrave only): the tilt a four-axis rotary cannot remove off the
    /// egg's equator; on five-axis machines 0, except within the singular cone of the
    /// C axis (text over a pole), where holding C leaves less than the cone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tilt_error_deg: Option<f64>,
    /// Largest distance a tip in the shell was moved where the machine cannot hold
    /// the tool along the normal: across it, to centre the tilted tool's cut on the
    /// letters, and up by half the tool's reach below its tilted tip (mm; engrave
    /// only; 0 on five-axis machines outside the singular cone). See
    /// [`shellcarve_kinematics::lean_toolpath`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_lean_shift_mm: Option<f64>,
    /// Toolpath moves (1-based) slower than their feed because an axis reached its top
    /// speed (engrave only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feed_limited_moves: Option<Vec<usize>>,
    /// Joint ranges per axis.
    pub axis_ranges: BTreeMap<String, AxisRangeReport>,
    /// Smallest fraction of any glyph's area the tool reaches (engrave, fill only).
    pub coverage_min: Option<f64>,
    /// Largest scale distortion of the text-to-surface map over the text band.
    pub map_scale_distortion: Option<f64>,
    /// Per glyph: the largest scale and angle distortion of the map (engrave only).
    pub glyph_distortion: Option<Vec<GlyphDistortionReport>>,
    /// The simulated cut against the intended letter area (engrave only).
    pub design: Option<shellcarve_sim::DesignComparison>,
    /// Scallops left between fill passes on the letter floors, in theory and as
    /// simulated (engrave with the fill strategy only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scallop_mm: Option<ScallopReport>,
    /// The simulation grid.
    pub simulation: SimReport,
    /// Check results.
    pub checks: Checks,
    /// Warnings for the user.
    pub warnings: Vec<String>,
}

/// The scallops of a fill (mm): the ridges left standing between neighbouring passes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ScallopReport {
    /// Largest distance between neighbouring passes the plan allows (mm): the
    /// stepover given, or the default share of the tool's cutting width. Scan lines are
    /// spread evenly over each letter, so most lie a little closer.
    pub stepover: f64,
    /// Scallop height of that stepover on a flat floor with the tool along the normal
    /// (the tool profile's height at half the stepover; for a ball of radius `r`,
    /// `r − √(r² − (stepover/2)²)`).
    pub theoretical: f64,
    /// Largest height of material left above the engraving depth on the letter floors
    /// of the simulated cut: the letters shrunk by the tool's cutting radius and a
    /// texel (see [`shellcarve_sim::measure_scallop`]). Can exceed `theoretical` near
    /// slanted edges, where scan lines end at different places.
    pub measured: f64,
    /// Mean height of material left above the engraving depth on those floors.
    pub measured_mean: f64,
    /// Texels measured.
    pub floor_texels: usize,
}

impl ScallopReport {
    /// The report of a fill with `tool` at `stepover`, `depth` deep, measured as `m`.
    pub fn of(
        tool: &shellcarve_core::Tool,
        stepover: f64,
        depth: f64,
        m: &shellcarve_sim::ScallopMeasurement,
    ) -> Self {
        Self {
            stepover,
            theoretical: tool.scallop_height(stepover, depth),
            measured: m.max_mm,
            measured_mean: m.mean_mm,
            floor_texels: m.samples,
        }
    }
}

/// A shell fitted to probed points (`--probe`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ProbeFitReport {
    /// The probe file.
    pub file: String,
    /// The fitted shell, e.g. `hugelschaffer:57.213x43.101x2.004`.
    pub egg: String,
    /// Number of points.
    pub points: usize,
    /// Root-mean-square distance of the points from the fitted surface (mm).
    pub rms_mm: f64,
    /// Largest distance of a point from the fitted surface (mm).
    pub worst_mm: f64,
    /// The file line of that point.
    pub worst_line: usize,
    /// The egg's centre in the workpiece frame (mm).
    pub centre_mm: [f64; 3],
    /// The egg's axis (toward the pointed end) in the workpiece frame.
    pub axis: [f64; 3],
    /// Angle between the egg's axis and the workpiece Z axis (degrees).
    pub axis_tilt_deg: f64,
    /// Levenberg–Marquardt iterations.
    pub iterations: usize,
    /// Every fitted value with its standard uncertainty.
    pub parameters: Vec<shellcarve_core::FitParameter>,
}

impl ProbeFitReport {
    /// The report of a fit.
    pub fn of(fit: &shellcarve_core::ProbeFit) -> Self {
        let c = fit.centre();
        let a = fit.axis();
        Self {
            file: fit.source.clone(),
            egg: fit.egg.to_string(),
            points: fit.points,
            rms_mm: fit.rms,
            worst_mm: fit.worst,
            worst_line: fit.worst_line,
            centre_mm: [c.x, c.y, c.z],
            axis: [a.x, a.y, a.z],
            axis_tilt_deg: fit.tilt().to_degrees(),
            iterations: fit.iterations,
            parameters: fit.parameters.clone(),
        }
    }

    /// The line of the summary: the fitted shell, residuals and pose.
    pub fn summary(&self) -> String {
        format!(
            "probe fit: {} from {} points, RMS {:.3} mm, worst {:.3} mm (line {} of {}), centre offset ({:.2}, {:.2}, {:.2}) mm, axis tilt {:.2}°",
            self.egg,
            self.points,
            self.rms_mm,
            self.worst_mm,
            self.worst_line,
            self.file,
            self.centre_mm[0],
            self.centre_mm[1],
            self.centre_mm[2],
            self.axis_tilt_deg
        )
    }
}

/// The distortion of the text-to-surface map over one glyph.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GlyphDistortionReport {
    /// The glyph's character.
    pub glyph: String,
    /// The middle of the glyph along the baseline (text-plane mm, 0 = middle of the
    /// line).
    pub x_mm: f64,
    /// Largest scale distortion `|σ − 1|` (0.05 = 5%).
    pub scale: f64,
    /// Largest change of an angle (degrees).
    pub angle_deg: f64,
}

/// Counts of blocks and lengths of tip paths.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MoveCounts {
    /// All motion blocks.
    pub blocks: usize,
    /// Rapid (G0) blocks.
    pub rapid: usize,
    /// Feed (G1/G2/G3) blocks.
    pub feed: usize,
    /// Tip path length at rapid rate (mm).
    pub rapid_length_mm: f64,
    /// Tip path length of cutting moves (mm).
    pub cut_length_mm: f64,
}

/// Depth statistics (mm).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DepthReport {
    /// Shallowest along the cutting tip paths.
    pub min: f64,
    /// Deepest along the cutting tip paths.
    pub max: f64,
    /// Mean along the cutting tip paths.
    pub mean: f64,
    /// Samples taken.
    pub samples: usize,
    /// Deepest texel anywhere on the map.
    pub deepest_anywhere: f64,
}

/// Range of one axis.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AxisRangeReport {
    /// Lowest position.
    pub min: f64,
    /// Highest position.
    pub max: f64,
    /// `mm` or `deg`.
    pub unit: &'static str,
    /// True: joint positions (what the axis limits apply to).
    pub joint: bool,
}

/// The simulation grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimReport {
    /// Texel size (mm).
    pub texel_mm: f64,
    /// Grid origin, size and axes.
    pub grid: shellcarve_sim::GridInfo,
    /// What the grid's rows, columns and values mean; also the layout of the
    /// `--depth-data` array.
    pub axes: GridAxes,
}

/// The meaning of the simulation grid's axes (and of the `--depth-data` `.npy` array,
/// which holds the grid densely).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GridAxes {
    /// Rows (first array index, `height` of them).
    pub rows: &'static str,
    /// Columns (second array index, `width` of them).
    pub columns: &'static str,
    /// The stored values.
    pub values: &'static str,
    /// Shape of the `.npy` array: `[rows, columns]` = `[height, width]`.
    pub npy_shape: [usize; 2],
    /// NumPy dtype of the `.npy` array (little-endian float32).
    pub npy_dtype: &'static str,
}

impl GridAxes {
    /// The axes of a grid.
    pub fn of(grid: &shellcarve_sim::GridInfo) -> Self {
        Self {
            rows: "s: meridian arc length from the baseline parallel in mm, positive toward +Z (the pointed end); row j is at s = s0 + j * texel_mm",
            columns: "theta: longitude in radians from +X toward +Y; column i is at theta = theta0 + i * texel_theta (texel_mm along the baseline parallel of radius baseline_radius); may run past pi by at most one turn",
            values: "cut depth in mm along the outward surface normal, 0 = untouched",
            npy_shape: [grid.height, grid.width],
            npy_dtype: "<f4",
        }
    }
}

/// Check results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Checks {
    /// Simulated depth along the cuts inside the window.
    pub depth_in_window: bool,
    /// No rapid comes too close to the shell.
    pub rapids_clear: bool,
    /// The tool holder stays clear of the shell along the whole motion.
    pub holder_clear: bool,
    /// Every block inside the axis travel.
    pub axis_limits_ok: bool,
    /// Breakthrough check against `--shell-thickness` (absent without it).
    pub breakthrough_ok: Option<bool>,
    /// Nothing is cut farther outside the intended letters than the overcut tolerance
    /// (engrave only).
    pub overcut_ok: Option<bool>,
    /// What failed, in words.
    pub failures: Vec<String>,
}

impl Checks {
    /// True when nothing failed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// SVG artwork in the report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct ArtworkReport {
    /// The file it came from.
    pub file: String,
    /// Its height on the shell (mm).
    pub height_mm: f64,
    /// Filled areas (closed contours).
    pub areas: usize,
    /// Open strokes.
    pub strokes: usize,
}

impl Report {
    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// A short human summary.
    pub fn summary(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        if let Some(p) = &self.probe_fit {
            let _ = writeln!(s, "{}", p.summary());
        }
        if let Some(a) = &self.artwork {
            let _ = writeln!(
                s,
                "artwork {}: {} area(s), {} stroke(s), {:.2} mm tall",
                a.file, a.areas, a.strokes, a.height_mm
            );
        }
        if let (Some(text), Some(cap)) = (
            self.text.as_ref().filter(|t| !t.trim().is_empty()),
            self.cap_height_mm,
        ) {
            let lines = text.lines().count().max(1);
            let _ = writeln!(
                s,
                "engraved {:?}: {} characters{} at cap height {cap:.2} mm ({:.1} mm long) on {}",
                text,
                text.chars().filter(|c| *c != '\n' && *c != '\r').count(),
                if lines > 1 {
                    format!(" in {lines} lines")
                } else {
                    String::new()
                },
                self.text_length_mm.unwrap_or(0.0),
                self.egg
            );
        }
        let _ = writeln!(
            s,
            "tool {}, {}, {} post, machine {}",
            self.tool,
            self.strategy.as_deref().unwrap_or("program read back"),
            self.post,
            self.machine
        );
        let _ = writeln!(
            s,
            "moves: {} blocks ({} rapid, {} feed), cut path {:.0} mm, rapid path {:.0} mm",
            self.moves.blocks,
            self.moves.rapid,
            self.moves.feed,
            self.moves.cut_length_mm,
            self.moves.rapid_length_mm
        );
        let _ = writeln!(
            s,
            "cycle time: {} (jerk-limited look-ahead; distance/feed alone says {})",
            minutes_seconds(self.cycle_time_s),
            minutes_seconds(self.naive_cycle_time_s)
        );
        let window = if self.depth_window_max_only {
            format!(
                "at most {:.3} mm (V-carve depth follows the letter width)",
                self.depth_window_mm[1]
            )
        } else {
            format!(
                "window {:.3}..{:.3} mm",
                self.depth_window_mm[0], self.depth_window_mm[1]
            )
        };
        let _ = writeln!(
            s,
            "simulated depth along the cuts: {:.4}..{:.4} mm (mean {:.4}), {window}",
            self.cut_depth_mm.min, self.cut_depth_mm.max, self.cut_depth_mm.mean,
        );
        for (axis, r) in &self.axis_ranges {
            let _ = write!(s, "{axis} {:.2}..{:.2} {}  ", r.min, r.max, r.unit);
        }
        s.push('\n');
        if let Some(d) = &self.design {
            let _ = writeln!(
                s,
                "against the design: {:.1}% of the letter area cut, {:.4} mm² cut outside it (worst {:.3} mm away)",
                d.coverage * 100.0,
                d.overcut_area_mm2,
                d.worst_overcut_mm
            );
        }
        if let Some(c) = &self.scallop_mm {
            let _ = writeln!(
                s,
                "scallops between fill passes: {:.4} mm in theory at stepover {:.3} mm, {:.4} mm measured on the letter floors (mean {:.4} mm){}",
                c.theoretical,
                c.stepover,
                c.measured,
                c.measured_mean,
                if c.measured > 1.25 * c.theoretical + 0.5e-3 {
                    "; higher where passes end or turn (slanted edges, corners): --finish clears the edges"
                } else {
                    ""
                }
            );
        }
        if self.checks.passed() {
            s.push_str("checks: all passed\n");
        } else {
            for f in &self.checks.failures {
                let _ = writeln!(s, "FAILED: {f}");
            }
        }
        for w in &self.warnings {
            let _ = writeln!(s, "warning: {w}");
        }
        s
    }
}

/// A duration in seconds as `16m 05s`, rounded to the second.
fn minutes_seconds(t: f64) -> String {
    let secs = if t.is_finite() {
        t.max(0.0).round() as u64
    } else {
        0
    };
    format!("{}m {:02}s", secs / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_round_to_the_second_and_carry_into_minutes() {
        assert_eq!(minutes_seconds(16.0 * 60.0 + 59.6), "17m 00s");
        assert_eq!(minutes_seconds(65.2), "1m 05s");
        assert_eq!(minutes_seconds(f64::NAN), "0m 00s");
    }
}
