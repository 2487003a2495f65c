//! Strategy plus mapping onto the surface: the fill strokes of prefixes of the reference
//! phrase (layout done beforehand) planned and mapped onto the default egg as a
//! workpiece-frame toolpath. Throughput counts the toolpath's points (moves).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

mod common;

fn bench_strategy(c: &mut Criterion) {
    let surface = common::surface();
    let cap = common::reference_cap_height(surface.as_ref());
    let mut group = c.benchmark_group("strategy_and_map_fill");
    group.sample_size(10);
    for chars in common::text_lengths() {
        let layout = common::layout(&common::phrase_prefix(chars), cap);
        let points = common::toolpath(surface.as_ref(), &layout).moves.len();
        group.throughput(Throughput::Elements(points as u64));
        group.bench_with_input(BenchmarkId::new("chars", chars), &layout, |b, layout| {
            b.iter(|| common::toolpath(surface.as_ref(), layout))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_strategy);
criterion_main!(benches);
