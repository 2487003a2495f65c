//! Options of [`crate::simulate`].

use std::sync::Arc;

use crate::SimError;

/// A progress callback for long simulations: called with `(done, total)` units of
/// work (tiles of the depth map) from the worker threads, in no particular order of
/// threads but with `done` counting up to `total`. Keeps the library free of any
/// terminal code: the CLI fills it with a progress bar.
#[derive(Clone)]
pub struct Progress(Arc<dyn Fn(usize, usize) + Send + Sync>);

impl Progress {
    /// Wraps a callback.
    pub fn new(f: impl Fn(usize, usize) + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }

    /// Reports `done` of `total`.
    pub fn report(&self, done: usize, total: usize) {
        (self.0)(done, total);
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress(..)")
    }
}

impl PartialEq for Progress {
    /// The same callback (not merely an equal one).
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Default texel size (mm): 10 µm, fine enough to resolve a 0.05 mm V-bit flat.
pub const DEFAULT_TEXEL: f64 = 0.01;
/// Default margin around the cut footprint (mm).
pub const DEFAULT_MARGIN: f64 = 0.5;
/// Default largest turn of the tool axis treated as one fixed-orientation sweep
/// (radians; 0.25°). At 0.4 mm from the tip (deeper than any engraving) the mean
/// orientation is then within 0.4 mm × 0.125° ≈ 0.87 µm of the true one, a tenth of
/// the default texel (see [`SimOptions::max_axis_turn`] for the bound). Each halving
/// of the turn halves the bound and roughly doubles the simulation's time.
pub const DEFAULT_MAX_AXIS_TURN: f64 = 0.25 * std::f64::consts::PI / 180.0;
/// Default modelled tool length from the tip (mm): the cutting part plus enough shank
/// to reach any material a tilted or misplaced tool could touch near the surface.
pub const DEFAULT_TOOL_LENGTH: f64 = 10.0;
/// Default limit on allocated tiles (64×64 texels of 4 bytes: 16 KiB each), 512 MiB.
pub const DEFAULT_MAX_TILES: usize = 32_768;

/// Options of the material-removal simulation.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SimOptions {
    /// Texel size along the meridian and along the baseline parallel (mm).
    /// Default [`DEFAULT_TEXEL`].
    pub texel: f64,
    /// Untouched margin kept around the cut footprint (mm). Default [`DEFAULT_MARGIN`].
    pub margin: f64,
    /// Largest tool-axis turn within one sweep (radians); moves that turn more are
    /// sub-stepped (tip linear, axis by slerp) into equal steps of at most this turn
    /// `Δ`, and each sub-step is swept at its mean orientation. Default
    /// [`DEFAULT_MAX_AXIS_TURN`] (0.25°).
    ///
    /// Error bound: within a sub-step the true axis is within `Δ/2` of the mean one, so
    /// a point of the tool at distance `D` from the tip is within `D·Δ/2` of where the
    /// sub-step puts it, and the simulated cut surface within `D·Δ/2` of the true one
    /// (measured along the cut surface's normal), `D` being the farthest the tool
    /// points that reach the material lie from the tip. A texel's depth is off by at
    /// most `D·Δ/2 / cos γ`, `γ` the angle between the texel's normal and the cut
    /// surface's normal there: on floors (γ ≈ 0) the bound itself. At the default and
    /// `D` = 0.4 mm (a 0.2 mm ball 0.2 mm deep, or any cut up to 0.4 mm deep with a
    /// pointed tool) that is 0.87 µm; to hold a bound `ε`, take `Δ = 2ε / D`. Moves
    /// with a fixed orientation are exact whatever this is.
    pub max_axis_turn: f64,
    /// Modelled length of the tool from its tip (mm). Default [`DEFAULT_TOOL_LENGTH`].
    pub tool_length: f64,
    /// Threads to use; `None` uses rayon's global pool. The result is the same bytes
    /// at any thread count.
    pub threads: Option<usize>,
    /// Largest number of 64×64 tiles the cut footprint may touch. Default
    /// [`DEFAULT_MAX_TILES`].
    pub max_tiles: usize,
    /// Called as tiles are done; `None` (the default) reports nothing.
    pub progress: Option<Progress>,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            texel: DEFAULT_TEXEL,
            margin: DEFAULT_MARGIN,
            max_axis_turn: DEFAULT_MAX_AXIS_TURN,
            tool_length: DEFAULT_TOOL_LENGTH,
            threads: None,
            max_tiles: DEFAULT_MAX_TILES,
            progress: None,
        }
    }
}

impl SimOptions {
    /// Sets the texel size (mm).
    pub fn with_texel(mut self, texel: f64) -> Self {
        self.texel = texel;
        self
    }

    /// Sets the margin around the footprint (mm).
    pub fn with_margin(mut self, margin: f64) -> Self {
        self.margin = margin;
        self
    }

    /// Sets the largest axis turn per sweep (radians).
    pub fn with_max_axis_turn(mut self, radians: f64) -> Self {
        self.max_axis_turn = radians;
        self
    }

    /// Sets the modelled tool length (mm).
    pub fn with_tool_length(mut self, length: f64) -> Self {
        self.tool_length = length;
        self
    }

    /// Sets the thread count (`None`: rayon's global pool).
    pub fn with_threads(mut self, threads: Option<usize>) -> Self {
        self.threads = threads;
        self
    }

    /// Sets the tile limit.
    pub fn with_max_tiles(mut self, max_tiles: usize) -> Self {
        self.max_tiles = max_tiles;
        self
    }

    /// Sets the progress callback.
    pub fn with_progress(mut self, progress: Option<Progress>) -> Self {
        self.progress = progress;
        self
    }

    pub(crate) fn validate(&self) -> Result<(), SimError> {
        let check = |name: &'static str, v: f64, lo: f64, hi: f64| {
            if v.is_finite() && v >= lo && v <= hi {
                Ok(())
            } else {
                Err(SimError::InvalidOption {
                    name,
                    value: v,
                    expected: format!("a number from {lo} to {hi}"),
                })
            }
        };
        check("texel (mm)", self.texel, 1e-4, 10.0)?;
        check("margin (mm)", self.margin, 0.0, 100.0)?;
        check("max_axis_turn (rad)", self.max_axis_turn, 1e-6, 0.5)?;
        check("tool_length (mm)", self.tool_length, 0.01, 1000.0)?;
        if let Some(t) = self.threads {
            check("threads", t as f64, 1.0, 1024.0)?;
        }
        Ok(())
    }
}
