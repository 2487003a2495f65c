//! Toolpaths in the workpiece frame: tool-tip positions with tool axes.

use crate::math::{Isometry3, Point3, UnitVector3};

/// What a move does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveKind {
    /// Positioning at rapid rate, never in material.
    Rapid,
    /// Feeding into the material along the tool axis.
    Plunge,
    /// Cutting along the surface at the engraving depth.
    Cut,
    /// Leaving the material along the tool axis.
    Retract,
}

impl MoveKind {
    /// True for moves made at a programmed feed (everything but rapids).
    pub fn is_feed(self) -> bool {
        !matches!(self, MoveKind::Rapid)
    }
}

/// Where the tool is: tip position and the unit tool axis (from the tip toward the
/// spindle), both in the workpiece frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pose {
    /// Tool tip (mm).
    pub tip: Point3,
    /// Unit vector from the tip toward the spindle.
    pub axis: UnitVector3,
}

impl Pose {
    /// Creates a pose.
    pub fn new(tip: Point3, axis: UnitVector3) -> Self {
        Self { tip, axis }
    }
}

/// One move: the tool goes from the previous pose to `pose`.
#[derive(Debug, Clone, PartialEq)]
pub struct Move {
    /// What the move does.
    pub kind: MoveKind,
    /// The pose at the end of the move.
    pub pose: Pose,
    /// Tip feed relative to the workpiece (mm/min); ignored for rapids.
    pub feed: f64,
    /// Where the move came from: the G-code line number when read back from a program.
    pub line: Option<usize>,
    /// What the move cuts, for comments in the G-code ("glyph 'A' contour 1").
    pub label: Option<String>,
}

impl Move {
    /// A move without source line or label.
    pub fn new(kind: MoveKind, pose: Pose, feed: f64) -> Self {
        Self {
            kind,
            pose,
            feed,
            line: None,
            label: None,
        }
    }
}

/// A sequence of moves. The first move starts wherever the tool was before.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Toolpath {
    /// The moves in order.
    pub moves: Vec<Move>,
}

impl Toolpath {
    /// An empty toolpath.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of moves of a kind.
    pub fn count(&self, kind: MoveKind) -> usize {
        self.moves.iter().filter(|m| m.kind == kind).count()
    }

    /// Iterates over the segments `(from, to)` with `to`'s move, skipping the first
    /// move (whose start is unknown).
    pub fn segments(&self) -> impl Iterator<Item = (&Pose, &Move)> + '_ {
        self.moves.windows(2).map(|w| (&w[0].pose, &w[1]))
    }

    /// The toolpath moved rigidly by `motion`: every tip point and tool axis, e.g. from
    /// an egg's own frame into the workpiece frame where a probe fit placed the egg
    /// (see [`crate::ProbeFit::pose`]). Kinds, feeds, lines and labels are kept.
    pub fn transformed(&self, motion: &Isometry3) -> Toolpath {
        Toolpath {
            moves: self
                .moves
                .iter()
                .map(|m| Move {
                    pose: Pose {
                        tip: motion * m.pose.tip,
                        axis: motion.rotation * m.pose.axis,
                    },
                    ..m.clone()
                })
                .collect(),
        }
    }

    /// Total tip path length of the moves of a kind (mm).
    pub fn length(&self, kind: MoveKind) -> f64 {
        self.segments()
            .filter(|(_, m)| m.kind == kind)
            .map(|(from, m)| (m.pose.tip - from.tip).norm())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::Vector3;

    #[test]
    fn transformed_moves_tips_and_turns_axes_and_inverts() {
        let mut path = Toolpath::new();
        let axis = UnitVector3::new_normalize(Vector3::new(1.0, 0.0, 0.2));
        path.moves.push(Move::new(
            MoveKind::Cut,
            Pose::new(Point3::new(20.0, 1.0, 2.0), axis),
            180.0,
        ));
        let motion = Isometry3::new(Vector3::new(0.3, -0.2, 0.5), Vector3::new(0.01, -0.02, 0.0));
        let moved = path.transformed(&motion);
        let m = &moved.moves[0];
        assert_eq!((m.kind, m.feed), (MoveKind::Cut, 180.0));
        assert!((m.pose.tip - motion * Point3::new(20.0, 1.0, 2.0)).norm() < 1e-12);
        assert!((m.pose.axis.norm() - 1.0).abs() < 1e-12);
        assert!((m.pose.axis.dot(&(motion.rotation * axis)) - 1.0).abs() < 1e-12);
        let back = moved.transformed(&motion.inverse());
        assert!((back.moves[0].pose.tip - path.moves[0].pose.tip).norm() < 1e-12);
        assert!((back.moves[0].pose.axis.into_inner() - axis.into_inner()).norm() < 1e-12);
        assert_eq!(path.transformed(&Isometry3::identity()), path);
    }
}
