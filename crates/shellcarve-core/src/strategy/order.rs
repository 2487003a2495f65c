//! Cutting order: strokes chained by nearest neighbour to shorten the rapids.

use super::Stroke;
use crate::math::Point2;

/// Orders strokes to shorten the rapids between them: greedy nearest neighbour from
/// the first stroke's start. An open stroke is entered at whichever end is nearer (and
/// reversed, with its depths, when that is its last point); a closed stroke is entered
/// at its nearest vertex. What is cut does not change, only the order.
pub fn order_strokes(strokes: Vec<Stroke>) -> Vec<Stroke> {
    order_strokes_from(strokes, None)
}

/// Where the tool is after cutting `stroke`: back at the start of a closed stroke, at
/// the last point of an open one.
pub(super) fn end_of(stroke: &Stroke) -> Option<Point2> {
    if stroke.closed {
        stroke.points.first().copied()
    } else {
        stroke.points.last().copied()
    }
}

/// [`order_strokes`] with the tool starting at `at` (`None`: at the first stroke).
pub(super) fn order_strokes_from(strokes: Vec<Stroke>, at: Option<Point2>) -> Vec<Stroke> {
    let mut at = at;
    let mut left: Vec<Option<Stroke>> = strokes.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(left.len());
    loop {
        // (index, entry vertex, reverse?) of the nearest remaining stroke.
        let mut best: Option<(f64, usize, usize, bool)> = None;
        for (k, slot) in left.iter().enumerate() {
            let Some(st) = slot else { continue };
            let Some(here) = at else {
                best = Some((0.0, k, 0, false));
                break;
            };
            let mut consider = |v: usize, rev: bool| {
                if let Some(p) = st.points.get(v) {
                    let d = (p - here).norm_squared();
                    if best.is_none_or(|b| d < b.0) {
                        best = Some((d, k, v, rev));
                    }
                }
            };
            if st.closed {
                (0..st.points.len()).for_each(|v| consider(v, false));
            } else {
                consider(0, false);
                consider(st.points.len().saturating_sub(1), true);
            }
        }
        let Some((_, k, v, rev)) = best else { break };
        let Some(mut st) = left[k].take() else { break };
        if rev {
            st.points.reverse();
            if let Some(d) = st.depths.as_mut() {
                d.reverse();
            }
        } else if st.closed && v > 0 {
            st.points.rotate_left(v);
            if let Some(d) = st.depths.as_mut() {
                d.rotate_left(v);
            }
        }
        at = end_of(&st);
        out.push(st);
    }
    out
}
