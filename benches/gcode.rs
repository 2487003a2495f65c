//! G-code emit and interpret on a generated five-axis program (`G1 X Y Z A C F`, the
//! tool walking a helix around an egg-sized shell with the tool axis on its normal) of
//! 100,000 and 1,000,000 blocks. Throughput counts lines and bytes of the G-code text:
//! criterion prints both lines/s and MB/s. `canon` reads the text into canonical
//! commands; `canon_text` also prints them, streaming, as `shellcarve gcode canon` does
//! (the command `benches/compare.sh` times against LinuxCNC's `rs274`).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use shellcarve::shellcarve_gcode::{
    canon, emit, interpret, write_canon_from, Dialect, InterpretOptions,
};
use shellcarve::shellcarve_kinematics::{
    ControlMode, Feed, Joints, MachineMove, MachineProgram, Path,
};

/// A TCP program of `blocks` cutting moves: a helix of 0.01 mm steps on a 21.5 mm
/// radius, rising 0.5 mm a turn, the A axis rocking about 90° and C following the
/// longitude (unwound, so it keeps turning).
fn five_axis_program(blocks: usize) -> MachineProgram {
    let moves = (0..blocks)
        .map(|i| {
            let theta = i as f64 * 0.01 / 21.5;
            let z = -5.0 + (0.5 * theta / std::f64::consts::TAU) % 10.0;
            let a = std::f64::consts::FRAC_PI_2 + 0.05 * (7.0 * theta).sin();
            MachineMove {
                target: Joints::new([21.5 * theta.cos(), 21.5 * theta.sin(), z, a, 0.0, theta]),
                path: Path::Linear,
                feed: Feed::UnitsPerMinute(180.0),
                line: None,
                comment: None,
                cutting: true,
            }
        })
        .collect();
    MachineProgram {
        mode: ControlMode::Tcp,
        moves,
        spindle_rpm: 18_000.0,
        tool_number: 1,
        header: vec!["shellcarve bench: five-axis helix".into()],
    }
}

fn bench_gcode(c: &mut Criterion) {
    let dialect = Dialect::LinuxcncTcp;
    let read = InterpretOptions::default().with_dialect(dialect);
    let mut group = c.benchmark_group("gcode");
    group.sample_size(10);
    for blocks in [100_000usize, 1_000_000] {
        let program = five_axis_program(blocks);
        let text = emit(&program, dialect).expect("emits");
        group.throughput(Throughput::ElementsAndBytes {
            elements: text.lines().count() as u64,
            bytes: text.len() as u64,
        });
        group.bench_with_input(BenchmarkId::new("emit", blocks), &program, |b, p| {
            b.iter(|| emit(p, dialect).expect("emits"))
        });
        group.bench_with_input(BenchmarkId::new("interpret", blocks), &text, |b, t| {
            b.iter(|| interpret(t, ControlMode::Tcp, &read).expect("reads"))
        });
        group.bench_with_input(BenchmarkId::new("canon", blocks), &text, |b, t| {
            b.iter(|| canon(t).expect("reads"))
        });
        group.bench_with_input(BenchmarkId::new("canon_text", blocks), &text, |b, t| {
            b.iter(|| write_canon_from(t.as_bytes(), &read, std::io::sink()).expect("reads"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_gcode);
criterion_main!(benches);
