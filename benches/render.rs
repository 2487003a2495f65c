//! Rendering: the shaded, ray-cast view of the engraved reference job (whole-egg
//! overview above the zoomed strips of the band) at several resolutions, and whole-egg
//! views only (oblique and along the axis, every pixel supersampled on the band) at
//! several view sets. Throughput counts the pixels of the picture.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use shellcarve::shellcarve_render::{
    render_shell, ShellViewOptions, ViewSpec, DEFAULT_MIN_PX_PER_MM,
};
use shellcarve::{engrave, EngraveJob};

fn bench_render(c: &mut Criterion) {
    let engraving = engrave(&EngraveJob::default()).expect("reference job engraves");
    let sim = &engraving.simulation;
    let mut group = c.benchmark_group("render_shaded_view");
    group.sample_size(10);
    // A quarter of the default resolution, half of it, the default.
    for px_per_mm in [
        DEFAULT_MIN_PX_PER_MM / 4.0,
        DEFAULT_MIN_PX_PER_MM / 2.0,
        DEFAULT_MIN_PX_PER_MM,
    ] {
        let options = ShellViewOptions::default().with_min_px_per_mm(px_per_mm);
        let image = render_shell(sim.surface.as_ref(), &sim.depth_map, &options);
        group.throughput(Throughput::Elements(
            u64::from(image.width()) * u64::from(image.height()),
        ));
        group.bench_with_input(
            BenchmarkId::new("min_px_per_mm", px_per_mm),
            &options,
            |b, o| b.iter(|| render_shell(sim.surface.as_ref(), &sim.depth_map, o)),
        );
    }
    group.finish();
    // Whole-egg views without the strips: rays that climb or fall through the shell.
    let mut group = c.benchmark_group("render_whole_egg_views");
    group.sample_size(10);
    for spec in ["front,top", "turntable:8"] {
        let views = ViewSpec::parse(spec).expect("view spec parses");
        let options = ShellViewOptions::default().with_view_spec(Some(views));
        let image = render_shell(sim.surface.as_ref(), &sim.depth_map, &options);
        group.throughput(Throughput::Elements(
            u64::from(image.width()) * u64::from(image.height()),
        ));
        group.bench_with_input(BenchmarkId::new("views", spec), &options, |b, o| {
            b.iter(|| render_shell(sim.surface.as_ref(), &sim.depth_map, o))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_render);
criterion_main!(benches);
