//! Font to flattened layout: the reference phrase shaped (rustybuzz) and its outlines
//! flattened to polylines at several chord tolerances, at the reference job's cap
//! height. Throughput counts the glyphs laid out.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use shellcarve::shellcarve_core::{layout_text, Font, LayoutOptions, DEFAULT_FLATTEN_TOL};
use shellcarve::REFERENCE_PHRASE;

mod common;

fn bench_layout(c: &mut Criterion) {
    let font = Font::embedded();
    let cap = common::reference_cap_height(common::surface().as_ref());
    let mut group = c.benchmark_group("layout_reference_phrase");
    group.sample_size(10);
    // Ten times coarser than the default, the default, ten times finer.
    for tol in [
        10.0 * DEFAULT_FLATTEN_TOL,
        DEFAULT_FLATTEN_TOL,
        0.1 * DEFAULT_FLATTEN_TOL,
    ] {
        let options = LayoutOptions::default().with_tolerance(tol);
        let layout = layout_text(&font, REFERENCE_PHRASE, cap, &options).expect("lays out");
        group.throughput(Throughput::Elements(layout.glyphs.len() as u64));
        group.bench_with_input(BenchmarkId::new("chord_tol_mm", tol), &options, |b, o| {
            b.iter(|| layout_text(&font, REFERENCE_PHRASE, cap, o).expect("lays out"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_layout);
criterion_main!(benches);
