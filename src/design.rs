//! The design an engraving was planned from, on the shell: what the simulated cut is
//! compared with (the report's coverage and overcut, and the difference map).

use shellcarve_core::{
    Layout2d, MapKind, OutlineOffset, Strategy, StrategyOptions, SurfaceMap, TextDirection,
    TextLine,
};

/// The intended letter area on the shell and its depth: the laid-out text (centred on
/// x = 0), the map from the text plane onto the shell, the strategy and the tool's
/// cutting radius at the engraving depth.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct IntendedDesign {
    /// The laid-out text (text-plane mm).
    pub layout: Layout2d,
    /// The layout as the grid's parallels read it (see [`SurfaceMap::line_at`]): the
    /// layout itself for text along a parallel, with x and y swapped for text along a
    /// meridian (whose parallels cross the text plane along vertical lines), drawn
    /// in the surface plane for the patch map, and the layout itself for a pole map
    /// (whose parallels are circles about the origin).
    pub plane: Layout2d,
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

impl IntendedDesign {
    /// The design of `layout` mapped by `map`, for `strategy` with a tool of cutting
    /// radius `radius` at the intended `depth`.
    pub fn new(
        layout: Layout2d,
        map: SurfaceMap,
        strategy: &StrategyOptions,
        radius: f64,
        depth: f64,
    ) -> Self {
        let plane = if map.kind() == MapKind::Patch {
            map.to_surface_plane(&layout)
        } else if map.direction() == TextDirection::Meridian {
            layout.transposed()
        } else {
            layout.clone()
        };
        Self {
            plane,
            layout,
            map,
            strategy: strategy.strategy,
            outline_offset: strategy.outline_offset,
            radius,
            depth,
        }
    }
}

impl shellcarve_sim::IntendedArea for IntendedDesign {
    fn theta_intervals(&self, s: f64) -> Vec<(f64, f64)> {
        let options = StrategyOptions::default()
            .with_strategy(self.strategy)
            .with_outline_offset(self.outline_offset);
        let line = self.map.line_at(s);
        let along = match line {
            TextLine::Horizontal { y, .. } => {
                shellcarve_core::intended_intervals_with(&self.plane, &options, self.radius, y)
            }
            TextLine::Vertical { x, .. } => {
                shellcarve_core::intended_intervals_with(&self.plane, &options, self.radius, x)
            }
            TextLine::Circle { rho, .. } => {
                shellcarve_core::intended_arcs_with(&self.plane, &options, self.radius, rho)
            }
        };
        along
            .into_iter()
            .map(|(a, b)| line.theta_interval(a, b))
            .collect()
    }
}
