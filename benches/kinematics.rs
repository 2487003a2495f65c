//! Inverse kinematics plus subdivision: the toolpaths of prefixes of the reference
//! phrase planned for the `xyzac-trt` machine (IK, unwinding, subdivision to the path
//! tolerance, feeds, cycle time); throughput counts the toolpath poses planned. Then
//! the controller's side: the read-back program sampled as the controller interpolates
//! it (forward kinematics); throughput counts the poses sampled.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use shellcarve::shellcarve_gcode::{interpret, InterpretOptions};
use shellcarve::shellcarve_kinematics::{plan_program, sample_motion, PlanOptions, SampleOptions};

mod common;

fn bench_kinematics(c: &mut Criterion) {
    let surface = common::surface();
    let machine = common::machine();
    let cap = common::reference_cap_height(surface.as_ref());
    let plan_options = PlanOptions::default().with_mode(common::DIALECT.control_mode());
    let mut inputs = Vec::new();
    for chars in common::text_lengths() {
        let layout = common::layout(&common::phrase_prefix(chars), cap);
        let toolpath = common::toolpath(surface.as_ref(), &layout);
        let gcode = common::gcode(machine.as_ref(), &toolpath);
        inputs.push((chars, toolpath, gcode));
    }

    let mut group = c.benchmark_group("ik_and_subdivision");
    group.sample_size(10);
    for (chars, toolpath, _) in &inputs {
        group.throughput(Throughput::Elements(toolpath.moves.len() as u64));
        group.bench_with_input(BenchmarkId::new("chars", chars), toolpath, |b, t| {
            b.iter(|| plan_program(machine.as_ref(), t, &plan_options).expect("reachable"))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("controller_sampling");
    group.sample_size(10);
    let read = InterpretOptions::default().with_dialect(common::DIALECT);
    for (chars, _, gcode) in &inputs {
        let program = interpret(gcode, common::DIALECT.control_mode(), &read).expect("reads");
        let samples = common::motion(machine.as_ref(), gcode).moves.len();
        group.throughput(Throughput::Elements(samples as u64));
        group.bench_with_input(BenchmarkId::new("chars", chars), &program, |b, p| {
            b.iter(|| {
                sample_motion(machine.as_ref(), p, &SampleOptions::default()).expect("samples")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_kinematics);
criterion_main!(benches);
