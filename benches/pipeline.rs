//! End-to-end engraving (layout, strategy, planning, post, read-back, simulation at the
//! default 0.01 mm texel, verification) by text length.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use shellcarve::{engrave, EngraveJob, REFERENCE_PHRASE};

fn bench_engrave(c: &mut Criterion) {
    let mut group = c.benchmark_group("engrave_end_to_end");
    group.sample_size(10);
    for chars in [10usize, 30, REFERENCE_PHRASE.len()] {
        let text: String = REFERENCE_PHRASE.chars().take(chars).collect();
        let job = EngraveJob::default().with_text(&text);
        group.bench_with_input(BenchmarkId::from_parameter(chars), &job, |b, job| {
            b.iter(|| engrave(job).expect("reference job engraves"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_engrave);
criterion_main!(benches);
