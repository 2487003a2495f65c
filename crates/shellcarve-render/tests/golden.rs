//! Golden pictures: each renderer draws a synthetic depth map (filled by code, no
//! G-code) and the picture is compared with `tests/golden/NAME.png` pixel by pixel,
//! allowing each channel to differ by [`CHANNEL_TOLERANCE`] levels on all but
//! [`MAX_BAD_FRACTION`] of the pixels. On a mismatch the new picture is written next
//! to the golden as `NAME.new.png`.
//!
//! Regenerate with
//! `SHELLCARVE_UPDATE_GOLDEN=1 cargo test -p shellcarve-render --test golden`, then
//! look at every changed picture before committing it.

use std::path::{Path, PathBuf};

use shellcarve_core::Spheroid;
use shellcarve_render::{
    render_depth_map, render_difference_map, render_shell, save_png_atomic, BandImageOptions,
    DepthMapImageOptions, RgbImage, ShellViewOptions, ViewSpec,
};
use shellcarve_sim::DepthMap;

/// Largest difference of one channel that still counts as the same (levels of 255).
const CHANNEL_TOLERANCE: u8 = 3;
/// Largest fraction of pixels allowed beyond [`CHANNEL_TOLERANCE`].
const MAX_BAD_FRACTION: f64 = 0.001;
/// Set to 1 to rewrite the goldens instead of comparing with them.
const UPDATE_VAR: &str = "SHELLCARVE_UPDATE_GOLDEN";

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("golden")
}

/// Compares `got` with `want`: `Err` says how they differ.
fn compare(got: &RgbImage, want: &RgbImage) -> Result<(), String> {
    if got.dimensions() != want.dimensions() {
        return Err(format!(
            "the picture is {:?} px, the golden {:?} px",
            got.dimensions(),
            want.dimensions()
        ));
    }
    let mut bad = 0usize;
    let mut worst = (0u8, 0u32, 0u32);
    for ((x, y, a), b) in got.enumerate_pixels().zip(want.pixels()) {
        let d =
            a.0.iter()
                .zip(b.0)
                .map(|(p, q)| p.abs_diff(q))
                .max()
                .unwrap_or(0);
        if d > CHANNEL_TOLERANCE {
            bad += 1;
        }
        if d > worst.0 {
            worst = (d, x, y);
        }
    }
    let total = got.width() as usize * got.height() as usize;
    let allowed = (MAX_BAD_FRACTION * total as f64).floor() as usize;
    if bad > allowed {
        return Err(format!(
            "{bad} of {total} pixels differ by more than {CHANNEL_TOLERANCE} levels \
             (at most {allowed} may); the largest difference is {} levels at ({}, {})",
            worst.0, worst.1, worst.2
        ));
    }
    Ok(())
}

/// Checks `img` against the golden `NAME.png`, or rewrites the golden when
/// `SHELLCARVE_UPDATE_GOLDEN=1`.
fn check_golden(name: &str, img: &RgbImage) {
    let dir = golden_dir();
    let golden = dir.join(format!("{name}.png"));
    let new = dir.join(format!("{name}.new.png"));
    if std::env::var(UPDATE_VAR).is_ok_and(|v| v == "1") {
        save_png_atomic(img, &golden).unwrap();
        let _ = std::fs::remove_file(&new);
        eprintln!(
            "rewrote {}; look at it before committing it",
            golden.display()
        );
        return;
    }
    let result = match image::open(&golden) {
        Ok(want) => compare(img, &want.to_rgb8()),
        Err(e) => Err(format!("cannot read the golden: {e}")),
    };
    match result {
        Ok(()) => {
            let _ = std::fs::remove_file(&new);
        }
        Err(why) => {
            save_png_atomic(img, &new).unwrap();
            panic!(
                "{name}: the picture does not match {}: {why}.\nThe new picture is {}; \
                 look at both, and if the new one is right, run \
                 `{UPDATE_VAR}=1 cargo test -p shellcarve-render --test golden` to make it \
                 the golden.",
                golden.display(),
                new.display()
            );
        }
    }
}

/// Stroke letters on a 3 × 6 mm box, as polylines `(x, y)` in mm.
fn letter(c: char) -> Vec<Vec<(f64, f64)>> {
    match c {
        'H' => vec![
            vec![(0.0, 0.0), (0.0, 6.0)],
            vec![(3.0, 0.0), (3.0, 6.0)],
            vec![(0.0, 3.0), (3.0, 3.0)],
        ],
        'E' => vec![
            vec![(3.0, 6.0), (0.0, 6.0), (0.0, 0.0), (3.0, 0.0)],
            vec![(0.0, 3.0), (2.2, 3.0)],
        ],
        'L' => vec![vec![(0.0, 6.0), (0.0, 0.0), (3.0, 0.0)]],
        'O' => vec![(0..=40)
            .map(|k| {
                let a = std::f64::consts::TAU * f64::from(k) / 40.0;
                (1.5 + 1.5 * a.cos(), 3.0 + 3.0 * a.sin())
            })
            .collect()],
        _ => Vec::new(),
    }
}

/// Distance from `p` to the segment `a`–`b`.
fn segment_distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p.0 - a.0 - t * dx).hypot(p.1 - a.1 - t * dy)
}

/// A depth map of `text` cut with a 0.8 mm ball 0.35 mm deep, the text centred on
/// θ = 0 with its middle at `s_mid` (mm), on a shell whose baseline radius is `r0`.
fn text_map(text: &str, r0: f64, s_mid: f64) -> DepthMap {
    const DEPTH: f64 = 0.35;
    const BALL: f64 = 0.4;
    const TEXEL: f64 = 0.05;
    let strokes: Vec<Vec<(f64, f64)>> = text
        .chars()
        .enumerate()
        .flat_map(|(k, c)| {
            letter(c).into_iter().map(move |line| {
                line.into_iter()
                    .map(|(x, y)| (x + 4.5 * k as f64, y))
                    .collect()
            })
        })
        .collect();
    let width_mm = 4.5 * text.chars().count() as f64 - 1.5;
    let (w, h) = ((width_mm + 2.0) / TEXEL, 8.0 / TEXEL);
    let (w, h) = (w.ceil() as usize, h.ceil() as usize);
    let x0 = -0.5 * width_mm - 1.0;
    let mut map = DepthMap::new(x0 / r0, s_mid - 4.0, TEXEL, r0, w, h);
    for j in 0..h {
        for i in 0..w {
            let p = (
                x0 + i as f64 * TEXEL + 0.5 * width_mm,
                j as f64 * TEXEL - 1.0,
            );
            let d = strokes
                .iter()
                .flat_map(|line| line.windows(2).map(|s| segment_distance(p, s[0], s[1])))
                .fold(f64::INFINITY, f64::min);
            if d < BALL {
                let depth = DEPTH - (BALL - (BALL * BALL - d * d).sqrt());
                map.raise(i, j, depth as f32);
            }
        }
    }
    map
}

/// A depth map with a ring, a groove whose depth rises along θ and a row of dots.
fn pattern_map() -> DepthMap {
    let texel = 0.05;
    let r0 = 21.5;
    let (w, h) = (240usize, 100usize);
    let mut map = DepthMap::new(-6.0 / r0, -2.5, texel, r0, w, h);
    for j in 0..h {
        for i in 0..w {
            let (x, y) = (i as f64 * texel, j as f64 * texel);
            // Ring of radius 1.6 mm round (2.5, 2.5), 0.3 mm deep, 0.5 mm wide.
            let ring = ((x - 2.5).hypot(y - 2.5) - 1.6).abs();
            if ring < 0.25 {
                map.raise(i, j, (0.3 * (1.0 - (ring / 0.25).powi(2))) as f32);
            }
            // Groove along θ at s = 1 mm above the bottom, deeper to the right.
            if (6.0..11.5).contains(&x) && (y - 1.0).abs() < 0.3 {
                map.raise(i, j, (0.05 + 0.35 * (x - 6.0) / 5.5) as f32);
            }
            // Dots 0.2 mm deep on a 1 mm pitch along s = 3.5 mm.
            let dot = (x - 6.5 - (x - 6.5).round()).hypot(y - 3.5);
            if (6.0..11.8).contains(&x) && dot < 0.2 {
                map.raise(i, j, 0.2);
            }
        }
    }
    map
}

/// A 30 mm sphere with "HELLO" above the equator, from the front and from the top.
fn sphere_front_top() -> RgbImage {
    let sphere = Spheroid::new(30.0, 30.0).unwrap();
    let map = text_map("HELLO", 15.0, 5.0);
    let options = ShellViewOptions::default()
        .with_view_spec(Some(ViewSpec::parse("front,top").unwrap()))
        .with_overview_height(220.0);
    render_shell(&sphere, &map, &options)
}

#[test]
fn depth_map_golden() {
    let img = render_depth_map(&pattern_map(), &DepthMapImageOptions::default());
    check_golden("depth_map", &img);
}

#[test]
fn sphere_front_top_golden() {
    check_golden("sphere_front_top", &sphere_front_top());
}

#[test]
fn egg_turntable_golden() {
    let egg = Spheroid::new(57.0, 43.0).unwrap();
    let map = text_map("HELLO", 21.5, 0.0);
    let options = ShellViewOptions::default()
        .with_view_spec(Some(ViewSpec::parse("turntable:6").unwrap()))
        .with_overview_height(130.0);
    check_golden("egg_turntable", &render_shell(&egg, &map, &options));
}

#[test]
fn egg_automatic_preview_golden() {
    // The default choice (one overview above the zoomed strips), small.
    let egg = Spheroid::new(57.0, 43.0).unwrap();
    let map = text_map("HELLO", 21.5, 0.0);
    let options = ShellViewOptions::default()
        .with_overview_height(200.0)
        .with_min_px_per_mm(7.0);
    check_golden("egg_automatic", &render_shell(&egg, &map, &options));
}

#[test]
fn difference_map_golden() {
    // Intended: a bar 8 mm long and 1 mm tall, 0.3 mm deep. Cut: the bar shifted
    // 0.5 mm along θ, 0.25 mm deep on its left half and 0.36 mm on its right half.
    let r0 = 21.5;
    let texel = 0.05;
    let mut map = DepthMap::new(-5.0 / r0, -1.5, texel, r0, 200, 60);
    for j in 0..60 {
        for i in 0..200 {
            let (x, s) = (-5.0 + i as f64 * texel, -1.5 + j as f64 * texel);
            if (-3.5..4.5).contains(&x) && (-0.5..0.5).contains(&s) {
                map.raise(i, j, if x < 0.5 { 0.25 } else { 0.36 });
            }
        }
    }
    let intended = move |s: f64| {
        if (-0.5..0.5).contains(&s) {
            vec![(-4.0 / r0, 4.0 / r0)]
        } else {
            Vec::new()
        }
    };
    let img = render_difference_map(&map, &intended, 0.3, &BandImageOptions::default());
    check_golden("difference_map", &img);
}

#[test]
fn rendering_does_not_depend_on_the_thread_count() {
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(sphere_front_top)
    };
    let one = on(1);
    assert!(one.as_raw() == on(3).as_raw(), "1 and 3 threads differ");
    let depth = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| render_depth_map(&pattern_map(), &DepthMapImageOptions::default()))
    };
    assert!(depth(1).as_raw() == depth(4).as_raw());
}

#[test]
fn the_comparison_allows_small_differences_on_few_pixels() {
    let a = RgbImage::from_pixel(100, 100, image::Rgb([100, 100, 100]));
    let mut b = a.clone();
    // Every pixel within the channel tolerance: the same.
    for p in b.pixels_mut() {
        p.0[1] = 103;
    }
    assert!(compare(&b, &a).is_ok());
    // Ten pixels (0.1 %) far off: still the same; eleven: different.
    for k in 0..10 {
        b.put_pixel(k, 0, image::Rgb([0, 0, 0]));
    }
    assert!(compare(&b, &a).is_ok());
    b.put_pixel(50, 50, image::Rgb([100, 100, 104]));
    let err = compare(&b, &a).unwrap_err();
    assert!(
        err.contains("11 of 10000 pixels") && err.contains("100 levels"),
        "{err}"
    );
    let small = RgbImage::new(10, 10);
    assert!(compare(&small, &a).unwrap_err().contains("(10, 10)"));
}
