//! Rendering tests.

use shellcarve_core::Spheroid;
use shellcarve_sim::DepthMap;

use crate::*;

fn brightness(img: &RgbImage, x: u32, y: u32) -> u32 {
    let mut sum = 0;
    for dy in 0..3 {
        for dx in 0..3 {
            let p = img.get_pixel(x + dx - 1, y + dy - 1).0;
            sum += u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2]);
        }
    }
    sum
}

/// A map 4 mm × 4 mm around (0, 0) with dots at two corners; `square` adds a cut
/// 1 mm square 0.3 mm deep in the middle. Both have the same cut extent.
fn map(square: bool) -> DepthMap {
    let texel = 0.02;
    let r0 = 21.5;
    let mut m = DepthMap::new(-2.0 / r0, -2.0, texel, r0, 201, 201);
    m.raise(0, 0, 0.3);
    m.raise(200, 200, 0.3);
    if square {
        for j in 75..126 {
            for i in 75..126 {
                m.raise(i, j, 0.3);
            }
        }
    }
    m
}

#[test]
fn engraved_pixels_are_darker_than_the_shell_around_them() {
    let egg = Spheroid::new(57.0, 43.0).unwrap();
    let opts = ShellViewOptions::default()
        .with_views(Some(1))
        .with_min_px_per_mm(20.0)
        .with_overview(false);
    let cut = render_shell(&egg, &map(true), &opts);
    let plain = render_shell(&egg, &map(false), &opts);
    assert_eq!(cut.dimensions(), plain.dimensions());
    let (w, h) = cut.dimensions();
    // The view is centred on θ = 0 and on the band, whose middle is s = 0.
    let (cx, cy) = (w / 2, h / 2);
    assert!(brightness(&cut, cx, cy) + 150 < brightness(&plain, cx, cy));
    // Well away from the square, the two agree.
    assert_eq!(cut.get_pixel(cx + 35, cy), plain.get_pixel(cx + 35, cy));
    // The magnification reaches the asked least value in the band.
    assert!(f64::from(w) >= 4.0 * 20.0);
}

#[test]
fn views_compose_side_by_side() {
    let egg = Spheroid::new(57.0, 43.0).unwrap();
    let one = render_shell(
        &egg,
        &map(true),
        &ShellViewOptions::default().with_views(Some(1)),
    );
    let two = render_shell(
        &egg,
        &map(true),
        &ShellViewOptions::default().with_views(Some(2)),
    );
    assert!(two.width() > one.width() / 2 + 8 && two.height() >= one.height() / 2);
    let empty = render_shell(
        &egg,
        &DepthMap::new(0.0, 0.0, 0.01, 21.5, 0, 0),
        &ShellViewOptions::default(),
    );
    assert!(empty.width() > 100 && empty.height() > 10);
}

#[test]
fn the_overview_shows_the_whole_egg_above_the_strips() {
    let egg = Spheroid::new(57.0, 43.0).unwrap();
    let opts = ShellViewOptions::default()
        .with_views(Some(2))
        .with_min_px_per_mm(10.0);
    let with = render_shell(&egg, &map(true), &opts);
    let without = render_shell(&egg, &map(true), &opts.clone().with_overview(false));
    // The overview row, about 640 px tall, sits on top.
    assert!(with.height() > without.height() + 500);
    assert!(with.width() >= without.width());
    // The egg fills the top middle: lit shell colour (brownish), not background.
    let shell = ShellViewOptions::default().shell_color;
    let background = ShellViewOptions::default().background;
    let (w, _) = with.dimensions();
    let p = with.get_pixel(w / 2, 8 + 320).0;
    assert_ne!(p, background);
    assert!(p[0] > p[1] && p[1] > p[2], "{p:?}");
    assert!(p[0] > 100 && p[0] <= shell[0].saturating_add(60), "{p:?}");
    // Above the pointed end and beside the egg there is only background.
    assert_eq!(with.get_pixel(w / 2, 9).0, background);
    assert_eq!(with.get_pixel(14, 8 + 320).0, background);
    // The strips below are the same pictures as without the overview.
    let (sw, sh) = without.dimensions();
    let (dx, dy) = ((w - sw) / 2, with.height() - sh);
    for (x, y) in [(sw / 4, sh / 2), (sw / 2, sh / 2), (3 * sw / 4, sh / 3)] {
        assert_eq!(with.get_pixel(dx + x, dy + y), without.get_pixel(x, y));
    }
    // Silhouettes are anti-aliased: some pixels blend shell (blue/red 0.71) and
    // background (blue/red 1.17).
    let mixed = (200..440)
        .step_by(10)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .map(|(x, y)| with.get_pixel(x, y).0)
        .filter(|p| {
            let ratio = f64::from(p[2]) / f64::from(p[0].max(1));
            *p != background && p[0] < 120 && ratio > 0.76 && ratio < 1.12
        })
        .count();
    assert!(mixed >= 12, "{mixed}");
}

#[test]
fn atomic_save_leaves_only_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let img = render_depth_map(&map(true), &DepthMapImageOptions::default());
    // 201 texels wide, widened to the least width that fits the scale bar.
    assert_eq!(img.width(), 360);
    let path = dir.path().join("depth.png");
    save_png_atomic(&img, &path).unwrap();
    let entries: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(entries.len(), 1);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
    let bad = dir.path().join("missing").join("x.png");
    assert!(matches!(
        save_png_atomic(&img, &bad),
        Err(RenderError::Io { .. })
    ));
    assert!(save_png_atomic(&img, std::path::Path::new("/")).is_err());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

/// A map with a 6 mm × 3 mm block cut 0.3 mm deep at θ = 0 (on a shell of baseline
/// radius `r0`), `s` from `s_lo` to `s_lo + 3`; without `block`, only dots at its
/// corners (the same cut extent, so the same views).
fn block_map(r0: f64, s_lo: f64, block: bool) -> DepthMap {
    let texel = 0.05;
    let mut m = DepthMap::new(-3.5 / r0, s_lo - 0.5, texel, r0, 140, 80);
    m.raise(10, 10, 0.3);
    m.raise(129, 69, 0.3);
    if block {
        for j in 10..70 {
            for i in 10..130 {
                m.raise(i, j, 0.3);
            }
        }
    }
    m
}

/// Shell pixels (not background) and the sum of their brightness, in the rectangle
/// `x0..x1`, `y0..y1`.
fn shell_stats(img: &RgbImage, bg: [u8; 3], x0: u32, x1: u32, y0: u32, y1: u32) -> (u32, u64) {
    let mut n = 0;
    let mut sum = 0u64;
    for y in y0..y1 {
        for x in x0..x1 {
            let p = img.get_pixel(x, y).0;
            if p != bg {
                n += 1;
                sum += p.iter().map(|&c| u64::from(c)).sum::<u64>();
            }
        }
    }
    (n, sum)
}

fn spec_options(spec: &str, height: f64) -> ShellViewOptions {
    let mut o = ShellViewOptions::default()
        .with_view_spec(Some(ViewSpec::parse(spec).unwrap()))
        .with_overview_height(height);
    o.labels = false;
    o
}

#[test]
fn the_top_view_is_a_disc_with_the_front_at_the_bottom() {
    let egg = Spheroid::new(57.0, 43.0).unwrap();
    let bg = ShellViewOptions::default().background;
    // The block sits 8–11 mm above the equator, facing θ = 0.
    let cut = render_shell(
        &egg,
        &block_map(21.5, 8.0, true),
        &spec_options("top", 200.0),
    );
    let plain = render_shell(
        &egg,
        &block_map(21.5, 8.0, false),
        &spec_options("top", 200.0),
    );
    let (w, h) = cut.dimensions();
    // One view and gaps of 8 px: a square picture of the round egg seen end on.
    assert_eq!(h, 200 + 16);
    assert!(w.abs_diff(h) <= 1, "{w}×{h}");
    let (n, _) = shell_stats(&plain, bg, 8, w - 8, 8, h - 8);
    let side = f64::from(h - 16);
    // 43 mm across in a frame of 43 mm + 2 × 3.5 % of 57 mm.
    let radius = 0.5 * side * 43.0 / (43.0 + 0.07 * 57.0);
    let disc = std::f64::consts::PI * radius * radius;
    assert!((f64::from(n) - disc).abs() < 0.02 * disc, "{n} vs {disc}");
    // The picture is symmetric left to right about the axis.
    let (left, _) = shell_stats(&plain, bg, 0, w / 2, 0, h);
    let (right, _) = shell_stats(&plain, bg, w - w / 2, w, 0, h);
    assert!(left.abs_diff(right) <= h / 50, "{left} vs {right}");
    // The cut darkens the lower half (the front) and leaves the upper half alone.
    let lower = |img: &RgbImage| shell_stats(img, bg, 0, w, h / 2, h).1;
    let upper = |img: &RgbImage| shell_stats(img, bg, 0, w, 0, h / 2).1;
    assert!(
        lower(&cut) + 3000 < lower(&plain),
        "{} {}",
        lower(&cut),
        lower(&plain)
    );
    assert_eq!(upper(&cut), upper(&plain));
}

#[test]
fn front_and_back_views_see_opposite_sides() {
    let egg = Spheroid::new(57.0, 43.0).unwrap();
    let map = block_map(21.5, -1.5, true);
    let options = spec_options("front,back", 160.0);
    let cut = render_shell(&egg, &map, &options);
    let plain = render_shell(&egg, &block_map(21.5, -1.5, false), &options);
    let (w, h) = cut.dimensions();
    assert!(w > 2 * h / 2 && h == 160 + 16, "{w}×{h}");
    let bg = options.background;
    let half = w / 2;
    // The front (left) shows the darker block in its middle; the back shows no cut.
    let front = |img: &RgbImage| shell_stats(img, bg, 0, half, 0, h).1;
    let back = |img: &RgbImage| shell_stats(img, bg, half, w, 0, h).1;
    assert!(front(&cut) + 2000 < front(&plain));
    assert_eq!(back(&cut), back(&plain));
    // Asking `front` is asking for the automatic overview's view (one view at 15°).
    let auto = render_shell(
        &egg,
        &map,
        &ShellViewOptions::default()
            .with_view_spec(None)
            .with_overview_height(160.0)
            .with_views(Some(1)),
    );
    let front_only = render_shell(
        &egg,
        &map,
        &spec_options("front,strips", 160.0).with_views(Some(1)),
    );
    assert_eq!(auto.dimensions(), front_only.dimensions());
    // Identical but for the label in the corner.
    let (aw, ah) = auto.dimensions();
    let differ = (0..ah)
        .flat_map(|y| (0..aw).map(move |x| (x, y)))
        .filter(|&(x, y)| auto.get_pixel(x, y) != front_only.get_pixel(x, y))
        .count();
    assert!(differ < 400, "{differ}");
}

#[test]
fn a_turntable_is_one_row_that_shrinks_to_the_width_limit() {
    let egg = Spheroid::new(57.0, 43.0).unwrap();
    let map = block_map(21.5, -1.5, true);
    let six = render_shell(&egg, &map, &spec_options("turntable:6", 100.0));
    assert_eq!(six.height(), 100 + 16);
    // Six egg silhouettes, each about 43/61 as wide as tall, with 8 px gaps.
    let one = 100.0 * (43.0 + 0.07 * 57.0) / (57.0 + 0.07 * 57.0);
    let want = 6.0 * (one + 8.0) + 8.0;
    assert!(
        (f64::from(six.width()) - want).abs() < 12.0,
        "{} vs {want}",
        six.width()
    );
    // Forty views at 640 px would be about 22000 px wide: they shrink to fit 4400.
    let many = render_shell(&egg, &map, &spec_options("turntable:40", 640.0));
    assert!(
        many.width() <= 4400 && many.width() > 4000,
        "{}",
        many.width()
    );
    assert!(
        many.height() < 640 && many.height() >= 96,
        "{}",
        many.height()
    );
    // Without `strips` there are no strips; with it they follow below.
    let with = render_shell(&egg, &map, &spec_options("turntable:6,strips", 100.0));
    assert!(with.height() > six.height() + 50);
    let strips_only = render_shell(&egg, &map, &spec_options("strips", 100.0));
    let no_overview = render_shell(
        &egg,
        &map,
        &ShellViewOptions::default().with_overview(false),
    );
    assert_eq!(strips_only.dimensions(), no_overview.dimensions());
}
