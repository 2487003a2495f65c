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
