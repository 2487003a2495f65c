//! Material removal on the shell: the tool motion of the reference job simulated at
//! several texel sizes (time grows with the swept area in texels).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use shellcarve::shellcarve_sim::{simulate, SimOptions};
use shellcarve::{engrave, EngraveJob};

fn bench_removal(c: &mut Criterion) {
    let engraving = engrave(&EngraveJob::default()).expect("reference job engraves");
    let sim = &engraving.simulation;
    let tool = shellcarve::DEFAULT_TOOL;
    let mut group = c.benchmark_group("removal_reference_phrase");
    group.sample_size(10);
    for texel in [0.02, 0.01, 0.005] {
        let options = SimOptions::default().with_texel(texel);
        let map = simulate(sim.surface.as_ref(), &tool, &sim.motion, &options).expect("simulates");
        // Texels under the cut footprint: what the work is proportional to.
        group.throughput(Throughput::Elements(map.count_above(0.0) as u64));
        group.bench_with_input(BenchmarkId::new("texel_mm", texel), &options, |b, o| {
            b.iter(|| simulate(sim.surface.as_ref(), &tool, &sim.motion, o).expect("simulates"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_removal);
criterion_main!(benches);
