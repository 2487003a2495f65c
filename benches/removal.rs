//! Material removal on the shell: the tool motion of the reference job simulated at
//! several texel sizes (time grows with the swept area in texels), and at the default
//! 0.01 mm texel on one and on two threads (the result is the same bytes either way).
//! Throughput counts the texels under the cut footprint (measured at 0.01 mm, scaled
//! by the texel area for the other sizes).
//!
//! Then the three-axis Z-map (`simulate --stock`) on a hatch of short moves like
//! `benches/compare.sh`'s FreeCAD comparison (0.2 mm ball, 0.35 mm deep, 0.02 mm
//! texel, 200 rows over 20 × 10 mm), by move count and by thread count; throughput in
//! moves. Run with a filter (`removal_threads`, `texel_mm/0.02`, `zmap`) to time a
//! part.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use shellcarve::shellcarve_core::{
    Move, MoveKind, Point3, Pose, Tool, Toolpath, UnitVector3, Vector3,
};
use shellcarve::shellcarve_sim::{simulate, simulate_zmap, BoxStock, SimOptions, DEFAULT_TEXEL};
use shellcarve::{engrave, EngraveJob};

fn bench_removal(c: &mut Criterion) {
    let engraving = engrave(&EngraveJob::default()).expect("reference job engraves");
    let sim = &engraving.simulation;
    let tool = shellcarve::DEFAULT_TOOL;
    let mut group = c.benchmark_group("removal_reference_phrase");
    group.sample_size(10);
    // Texels under the cut footprint at the default texel: what the work is
    // proportional to. Other texel sizes scale it by the texel area, which saves a
    // (slow) simulation per size before the timing starts.
    let texels = sim.depth_map.count_above(0.0) as f64;
    for texel in [0.02, 0.01, 0.005] {
        let options = SimOptions::default().with_texel(texel);
        let scale = (DEFAULT_TEXEL / texel).powi(2);
        group.throughput(Throughput::Elements((texels * scale).round() as u64));
        group.bench_with_input(BenchmarkId::new("texel_mm", texel), &options, |b, o| {
            b.iter(|| simulate(sim.surface.as_ref(), &tool, &sim.motion, o).expect("simulates"))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("removal_threads");
    group.sample_size(10);
    for threads in [1usize, 2] {
        let options = SimOptions::default()
            .with_texel(DEFAULT_TEXEL)
            .with_threads(Some(threads));
        group.throughput(Throughput::Elements(texels.round() as u64));
        group.bench_with_input(BenchmarkId::new("threads", threads), &options, |b, o| {
            b.iter(|| simulate(sim.surface.as_ref(), &tool, &sim.motion, o).expect("simulates"))
        });
    }
    group.finish();
}

/// A zig-zag hatch of `moves` vertical-tool moves 0.35 mm below the top of a
/// 22 × 12 mm stock: 200 rows 20 mm long, 0.05 mm apart.
fn hatch(moves: usize) -> Toolpath {
    const ROWS: usize = 200;
    let per_row = moves.div_ceil(ROWS).max(2);
    let mut path = Toolpath::new();
    for i in 0..moves {
        let (row, k) = (i / per_row, i % per_row);
        let t = k as f64 / (per_row - 1) as f64;
        let t = if row % 2 == 0 { t } else { 1.0 - t };
        path.moves.push(Move::new(
            MoveKind::Cut,
            Pose::new(
                Point3::new(1.0 + 20.0 * t, 1.0 + 0.05 * row as f64, -0.35),
                UnitVector3::new_normalize(Vector3::z()),
            ),
            180.0,
        ));
    }
    path
}

fn bench_zmap(c: &mut Criterion) {
    let stock = BoxStock::new(22.0, 12.0, 3.0).expect("stock");
    let tool = Tool::parse("ball:0.2").expect("tool");
    let mut group = c.benchmark_group("zmap_hatch");
    for moves in [50_000usize, 200_000] {
        let path = hatch(moves);
        for threads in [1usize, 2] {
            let options = SimOptions::default()
                .with_texel(0.02)
                .with_threads(Some(threads));
            group.throughput(Throughput::Elements(moves as u64));
            group.bench_with_input(
                BenchmarkId::new(format!("moves_threads_{threads}"), moves),
                &options,
                |b, o| b.iter(|| simulate_zmap(&stock, &tool, &path, o).expect("simulates")),
            );
        }
    }
    group.finish();
}

criterion_group!(benches, bench_removal, bench_zmap);
criterion_main!(benches);
