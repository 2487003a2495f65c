//! The design an engraving was planned from, on the shell: what the simulated cut is
//! compared with (the report's coverage and overcut, and the difference map).

use shellcarve_core::{Layout2d, OutlineOffset, Strategy, StrategyOptions, SurfaceMap};

/// The intended letter area on the shell and its depth: the laid-out text (centred on
/// x = 0), the map from the text plane onto the shell, the strategy and the tool's
/// cutting radius at the engraving depth.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct IntendedDesign {
    /// The laid-out text (text-plane mm).
    pub layout: Layout2d,
    /// The map from the text plane onto the shell.
    pub map: SurfaceMap,
    /// The strategy, which decides the intended area (glyph interiors for fill,
    /// contours widened by `radius` for outline).
    pub strategy: Strategy,
    /// Where `outline` runs the tool centre: on the contours (the intended area is the
    /// contours widened by `radius`) or inside them (the band `2 × radius` wide inside
    /// each contour).
    pub outline_offset: OutlineOffset,
    /// The tool's cutting radius at the engraving depth (mm).
    pub radius: f64,
    /// The intended depth inside the area (mm). For V-carving this is the depth cap:
    /// narrow strokes are meant to be shallower.
    pub depth: f64,
}

impl shellcarve_sim::IntendedArea for IntendedDesign {
    fn theta_intervals(&self, s: f64) -> Vec<(f64, f64)> {
        let options = StrategyOptions::default()
            .with_strategy(self.strategy)
            .with_outline_offset(self.outline_offset);
        shellcarve_core::intended_intervals_with(
            &self.layout,
            &options,
            self.radius,
            self.map.y_of_s(s),
        )
        .into_iter()
        .map(|(x0, x1)| (self.map.theta_of_x(x0), self.map.theta_of_x(x1)))
        .collect()
    }
}
