//! Material removal on the shell: the tool motion of the reference job simulated at
//! several texel sizes (time grows with the swept area in texels), and at the default
//! 0.01 mm texel on one and on two threads (the result is the same bytes either way).
//! Throughput counts the texels under the cut footprint (measured at 0.01 mm, scaled
//! by the texel area for the other sizes). One sample takes seconds to a minute, so
//! run it with `-- --warm-up-time 1 --measurement-time 3` and a filter
//! (`removal_threads`, `texel_mm/0.02`) to time a part.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use shellcarve::shellcarve_sim::{simulate, SimOptions, DEFAULT_TEXEL};
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

criterion_group!(benches, bench_removal);
criterion_main!(benches);
