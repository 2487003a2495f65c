//! Engraves synthetic letters, circles and straight grooves on a chicken-egg spheroid,
//! simulates the cut and writes the depth map and the shaded views as PNGs.
//!
//! `cargo run -p shellcarve-render --example preview -- [OUT_DIR] [TOOL]`
//! (defaults: /tmp and v:30:0.05).

use std::f64::consts::PI;
use std::path::PathBuf;
use std::time::Instant;

use shellcarve_core::{Move, MoveKind, Pose, Spheroid, Surface, SurfaceCoord, Tool, Toolpath};
use shellcarve_render::{
    render_depth_map, render_shell, save_png_atomic, DepthMapImageOptions, ShellViewOptions,
};
use shellcarve_sim::{breakthrough, check_rapids, depth_along_cuts, simulate, SimOptions};

const DEPTH: f64 = 0.35;
const HEIGHT: f64 = 2.0;

/// Crude stroke letters on a 1 × 2 box (x, y), as polylines.
fn letter(c: char) -> Vec<Vec<(f64, f64)>> {
    let v = |pts: &[(f64, f64)]| pts.iter().map(|&(x, y)| (x, y)).collect::<Vec<_>>();
    match c {
        'H' => vec![
            v(&[(0.0, 0.0), (0.0, 2.0)]),
            v(&[(1.0, 0.0), (1.0, 2.0)]),
            v(&[(0.0, 1.0), (1.0, 1.0)]),
        ],
        'E' => vec![
            v(&[(1.0, 2.0), (0.0, 2.0), (0.0, 0.0), (1.0, 0.0)]),
            v(&[(0.0, 1.0), (0.7, 1.0)]),
        ],
        'L' => vec![v(&[(0.0, 2.0), (0.0, 0.0), (1.0, 0.0)])],
        'O' => vec![(0..=48)
            .map(|k| {
                let a = 2.0 * PI * k as f64 / 48.0;
                (0.5 + 0.5 * a.cos(), 1.0 + a.sin())
            })
            .collect()],
        'C' => vec![(0..=36)
            .map(|k| {
                let a = PI / 4.0 + 1.5 * PI * k as f64 / 36.0;
                (0.5 + 0.5 * a.cos(), 1.0 + a.sin())
            })
            .collect()],
        'A' => vec![
            v(&[(0.0, 0.0), (0.5, 2.0), (1.0, 0.0)]),
            v(&[(0.25, 1.0), (0.75, 1.0)]),
        ],
        'R' => vec![
            v(&[
                (0.0, 0.0),
                (0.0, 2.0),
                (0.7, 2.0),
                (1.0, 1.7),
                (1.0, 1.3),
                (0.7, 1.0),
                (0.0, 1.0),
            ]),
            v(&[(0.5, 1.0), (1.0, 0.0)]),
        ],
        'V' => vec![v(&[(0.0, 2.0), (0.5, 0.0), (1.0, 2.0)])],
        '1' => vec![
            v(&[(0.2, 1.6), (0.6, 2.0), (0.6, 0.0)]),
            v(&[(0.2, 0.0), (1.0, 0.0)]),
        ],
        '0' => vec![
            v(&[(0.0, 0.0), (0.0, 2.0), (1.0, 2.0), (1.0, 0.0), (0.0, 0.0)]),
            v(&[(0.0, 0.0), (1.0, 2.0)]),
        ],
        _ => vec![],
    }
}

/// Adds one stroke (text-plane polyline in mm) to the toolpath: rapid above its start,
/// plunge, cuts sampled every 0.05 mm along the surface, retract.
fn stroke(path: &mut Toolpath, egg: &dyn Surface, pts: &[(f64, f64)]) {
    let r0 = egg.baseline_radius();
    let pose = |x: f64, y: f64, off: f64| {
        let (p, n) = egg.point_normal(SurfaceCoord::new(x / r0, y));
        Pose::new(p + n.into_inner() * off, n)
    };
    let Some(&(x0, y0)) = pts.first() else { return };
    // Travel at 1 mm clearance along the surface (a straight chord would dip into it).
    if let Some(last) = path.moves.last() {
        let c = egg.closest(&last.pose.tip).coord;
        let (lx, ly) = (c.theta * r0, c.s);
        let n = ((x0 - lx).hypot(y0 - ly).ceil() as usize).max(1);
        for k in 1..n {
            let t = k as f64 / n as f64;
            path.moves.push(Move::new(
                MoveKind::Rapid,
                pose(lx + t * (x0 - lx), ly + t * (y0 - ly), 1.0),
                0.0,
            ));
        }
    }
    path.moves
        .push(Move::new(MoveKind::Rapid, pose(x0, y0, 1.0), 0.0));
    path.moves
        .push(Move::new(MoveKind::Plunge, pose(x0, y0, -DEPTH), 100.0));
    for w in pts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = (b.0 - a.0).hypot(b.1 - a.1);
        let n = ((len / 0.05).ceil() as usize).max(1);
        for k in 1..=n {
            let t = k as f64 / n as f64;
            path.moves.push(Move::new(
                MoveKind::Cut,
                pose(a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1), -DEPTH),
                300.0,
            ));
        }
    }
    let &(x1, y1) = pts.last().unwrap_or(&(x0, y0));
    path.moves
        .push(Move::new(MoveKind::Retract, pose(x1, y1, 1.0), 300.0));
}

fn word(path: &mut Toolpath, egg: &dyn Surface, text: &str, x_start: f64, scale: f64) {
    let mut x = x_start;
    for c in text.chars() {
        for pl in letter(c) {
            let pts: Vec<(f64, f64)> = pl
                .iter()
                .map(|&(u, v)| (x + u * scale * 0.8, (v - 1.0) * scale * HEIGHT / 2.0))
                .collect();
            stroke(path, egg, &pts);
        }
        x += 1.4 * scale;
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().unwrap_or_else(|| "/tmp".into()));
    let tool = Tool::parse(&args.next().unwrap_or_else(|| "v:30:0.05".into()))?;
    let egg = Spheroid::new(57.0, 43.0)?;
    let r0 = egg.baseline_radius();
    let mut path = Toolpath::new();
    // Reads left to right in +θ: a word, a circle, words, straight grooves, digits.
    word(&mut path, &egg, "HELLO", -2.0 * r0, 1.0);
    let circle: Vec<(f64, f64)> = (0..=96)
        .map(|k| {
            let a = 2.0 * PI * k as f64 / 96.0;
            (-r0 + 0.9 * a.cos(), 0.9 * a.sin())
        })
        .collect();
    stroke(&mut path, &egg, &circle);
    word(&mut path, &egg, "CARVE", -3.0, 1.0);
    for k in 0..4 {
        let x = 1.0 * r0 + k as f64 * 0.5;
        stroke(&mut path, &egg, &[(x, -1.0), (x + 0.3 * k as f64, 1.0)]);
    }
    word(&mut path, &egg, "10", 2.0 * r0, 1.0);
    println!(
        "tool {tool}, {} moves, cut length {:.1} mm",
        path.moves.len(),
        path.length(MoveKind::Cut)
    );

    let t = Instant::now();
    let map = simulate(&egg, &tool, &path, &SimOptions::default())?;
    let secs = t.elapsed().as_secs_f64();
    let info = map.info();
    let cut = map.count_above(0.0);
    println!(
        "simulate: {secs:.2} s, grid {}×{} texels, {} tiles allocated ({} MiB), {} cut texels ({:.2} M texels/s cut)",
        info.width, info.height, info.tiles_allocated, info.bytes >> 20, cut, cut as f64 / secs / 1e6
    );
    println!(
        "depth along cuts: {:?}",
        depth_along_cuts(&map, &egg, &path)
    );
    println!(
        "breakthrough at 0.35 mm shell: {:?}",
        breakthrough(&map, 0.35, 0.05)
    );
    println!(
        "rapid findings (< 0.5 mm): {}",
        check_rapids(&egg, &path, 0.5).len()
    );

    let t = Instant::now();
    let img = render_depth_map(&map, &DepthMapImageOptions::default());
    save_png_atomic(&img, &out.join("shellcarve_depth.png"))?;
    println!(
        "depth map {}×{} in {:.2} s",
        img.width(),
        img.height(),
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let img = render_shell(&egg, &map, &ShellViewOptions::default());
    save_png_atomic(&img, &out.join("shellcarve_shell.png"))?;
    println!(
        "shell views {}×{} in {:.2} s",
        img.width(),
        img.height(),
        t.elapsed().as_secs_f64()
    );
    // A full-resolution crop of the first strip (without the overview above), to judge
    // legibility.
    let strips = render_shell(
        &egg,
        &map,
        &ShellViewOptions::default().with_overview(false),
    );
    let crop = image::imageops::crop_imm(&strips, 0, 0, strips.width().min(1100), strips.height())
        .to_image();
    save_png_atomic(&crop, &out.join("shellcarve_shell_crop.png"))?;
    Ok(())
}
