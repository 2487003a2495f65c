//! The error type of `shellcarve-sim`.

use thiserror::Error;

/// Everything that can stop a simulation.
///
/// Each variant names the offending input and, where there is one, the fix.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SimError {
    /// A simulation option is out of range, NaN or infinite.
    #[error("simulation option {name} = {value} is invalid: {expected}")]
    InvalidOption {
        /// Option name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What is expected instead.
        expected: String,
    },
    /// A pose of the motion has a non-finite coordinate or a zero tool axis.
    #[error("move {index}{} has a non-finite tip or tool axis; the motion is corrupt", line_suffix(*line))]
    BadPose {
        /// Index of the move in the motion.
        index: usize,
        /// Its source line, when known.
        line: Option<usize>,
    },
    /// The tool's dimensions are invalid.
    #[error("invalid tool {tool}: {reason}")]
    InvalidTool {
        /// The tool description.
        tool: String,
        /// What is wrong.
        reason: String,
    },
    /// The simulator has no solid model for this tool's profile (it models a ball at
    /// the tip, then a cone widening into a cylindrical shank, as a convex solid).
    #[error("the simulator cannot model the tool {tool}: its profile is not a tip ball, cone and shank making one convex solid; use a ball, flat, V or tapered ball tool")]
    UnsupportedTool {
        /// The tool description.
        tool: String,
    },
    /// The depth map would need more memory than allowed.
    #[error("the depth map would need {tiles} tiles of {tile_texels} texels (limit {max_tiles}) at a texel of {texel} mm{}; use a coarser texel, raise SimOptions::max_tiles, or check for moves through the shell (see check_rapids)", culprit(*first_move_everywhere))]
    GridTooLarge {
        /// Tiles the cut footprint touches.
        tiles: usize,
        /// The limit from the options.
        max_tiles: usize,
        /// Texels per tile.
        tile_texels: usize,
        /// The texel size (mm).
        texel: f64,
        /// The first move whose footprint covers the whole shell (it passes deep
        /// through it), when there is one.
        first_move_everywhere: Option<usize>,
    },
    /// A holder description could not be read.
    #[error("cannot understand holder {given:?}: expected LENGTHxDIAMETER or LENGTHxDIAMETER@STICKOUT in mm, e.g. 40x16@15 (a 16 mm collet nut 40 mm long, 15 mm of tool out)")]
    BadHolder {
        /// The text given.
        given: String,
    },
    /// A box stock description could not be read.
    #[error("cannot understand stock {given:?}: {reason}; expected box:XxYxZ in mm, e.g. box:30x20x5 (30 mm along X, 20 mm along Y, 5 mm thick)")]
    BadStock {
        /// The text given.
        given: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A move of a three-axis program tilts the tool away from +Z.
    #[error("a three-axis Z-map needs the tool along +Z; {} tilts it ({angle_deg:.3}° from +Z)", where_(*index, *line))]
    TiltedAxis {
        /// Index of the move in the motion.
        index: usize,
        /// Its source line, when known.
        line: Option<usize>,
        /// Angle between the tool axis and +Z (degrees).
        angle_deg: f64,
    },
    /// The rayon thread pool could not be built.
    #[error("cannot start {threads} simulation threads: {reason}")]
    ThreadPool {
        /// Threads asked for.
        threads: usize,
        /// What rayon said.
        reason: String,
    },
}

fn line_suffix(line: Option<usize>) -> String {
    line.map(|l| format!(" (line {l})")).unwrap_or_default()
}

fn where_(index: usize, line: Option<usize>) -> String {
    line.map_or_else(|| format!("move {index}"), |l| format!("program line {l}"))
}

fn culprit(m: Option<usize>) -> String {
    m.map(|m| format!("; move {m} passes deep through the shell"))
        .unwrap_or_default()
}
