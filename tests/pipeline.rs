//! The whole pipeline on short phrases: depth window, tool axes on the normal, rapids
//! clear of the shell, and LinuxCNC's interpreter agreeing with ours on the program.

use shellcarve::shellcarve_core::{MoveKind, TextHeight, Tool};
use shellcarve::shellcarve_gcode::{canon, canon_to_string, Dialect};
use shellcarve::{engrave, EngraveJob, Error};

mod common;

/// Runs LinuxCNC's interpreter on a program, which must accept it; returns its
/// canonical output.
fn rs274(gcode: &str) -> String {
    common::rs274(gcode).unwrap_or_else(|e| panic!("rs274 rejected the program: {e}"))
}

fn short_job(text: &str) -> EngraveJob {
    EngraveJob::default()
        .with_text(text)
        .with_height(TextHeight::CapHeight(3.0))
}

/// Every check passes, the cut depth stays in the 0.30..0.40 mm window, over 90% of the
/// intended area is cut and nothing lies beyond the grid's rounding outside it.
fn assert_cut_as_designed(r: &shellcarve::Report) {
    assert!(r.checks.passed(), "{:?}", r.checks);
    assert!(
        r.cut_depth_mm.min >= 0.30 && r.cut_depth_mm.max <= 0.40,
        "{:?}",
        r.cut_depth_mm
    );
    let d = r
        .design
        .as_ref()
        .expect("an engraving has a design comparison");
    assert!(d.coverage > 0.9 && d.worst_overcut_mm <= 0.021, "{d:?}");
}

#[test]
fn short_phrase_is_cut_inside_the_depth_window_in_both_dialects() {
    for dialect in [Dialect::LinuxcncTcp, Dialect::LinuxcncJoint] {
        let job = short_job("Egg 10").with_dialect(dialect);
        let e = engrave(&job).unwrap();
        let r = e.report();
        assert!(
            r.cut_depth_mm.samples > 1000,
            "{dialect}: {:?}",
            r.cut_depth_mm
        );
        assert!(
            r.cut_depth_mm.min >= 0.30 && r.cut_depth_mm.max <= 0.40,
            "{dialect}: {:?}",
            r.cut_depth_mm
        );
        // The simulated floor sits at the commanded depth to well under the window.
        assert!(
            (r.cut_depth_mm.mean - 0.35).abs() < 0.01,
            "{dialect}: {:?}",
            r.cut_depth_mm
        );
        assert!(r.checks.passed(), "{:?}", r.checks);
        assert!(r.cycle_time_s > 1.0);
        // Against the design: the letters are cut, and nothing more than the grid's own
        // rounding outside them.
        let d = r.design.unwrap();
        assert!(d.coverage > 0.9, "{dialect}: {d:?}");
        assert!(d.worst_overcut_mm <= 0.021, "{dialect}: {d:?}");
        assert!(
            d.overcut_area_mm2 < 0.01 * d.intended_area_mm2,
            "{dialect}: {d:?}"
        );
        rs274(&e.gcode);
    }
}

#[test]
fn tool_axis_follows_the_normal_and_rapids_clear_the_shell() {
    for dialect in [Dialect::LinuxcncTcp, Dialect::LinuxcncJoint] {
        let e = engrave(&short_job("AC").with_dialect(dialect)).unwrap();
        let surface = e.simulation.surface.as_ref();
        let motion = &e.simulation.motion;
        let mut cuts = 0;
        for (from, m) in motion.segments() {
            match m.kind {
                MoveKind::Cut => {
                    let c = surface.closest(&m.pose.tip);
                    let angle = surface.normal(c.coord).angle(&m.pose.axis).to_degrees();
                    assert!(angle < 0.5, "{dialect}: axis {angle}° off the normal");
                    cuts += 1;
                }
                MoveKind::Rapid => {
                    for k in 0..=50 {
                        let t = k as f64 / 50.0;
                        let q = from.tip + (m.pose.tip - from.tip) * t;
                        let d = surface.closest(&q).signed_distance;
                        assert!(d > 0.15, "{dialect}: rapid at {d} mm from the shell");
                    }
                }
                _ => {}
            }
        }
        assert!(cuts > 100);
    }
}

fn rs274_moves(text: &str) -> Vec<(String, Vec<f64>)> {
    text.lines()
        .filter_map(|l| {
            let body = l.split_once("N..... ")?.1.trim();
            let (name, rest) = body.split_once('(')?;
            if !matches!(
                name,
                "STRAIGHT_TRAVERSE" | "STRAIGHT_FEED" | "ARC_FEED" | "SET_FEED_RATE"
            ) {
                return None;
            }
            let nums = rest
                .trim_end_matches(')')
                .split(',')
                .filter_map(|n| n.trim().parse::<f64>().ok())
                .collect();
            Some((name.to_string(), nums))
        })
        .collect()
}

fn ours(text: &str) -> Vec<(String, Vec<f64>)> {
    let printed = canon_to_string(&canon(text).unwrap());
    let with_prefix: String = printed
        .lines()
        .map(|l| format!("    1 N..... {l}\n"))
        .collect();
    rs274_moves(&with_prefix)
}

/// LinuxCNC's interpreter reads `gcode` as ours does, move for move, to the four
/// decimals both print.
fn assert_linuxcnc_agrees(gcode: &str, what: &str) {
    let theirs = rs274_moves(&rs274(gcode));
    let mine = ours(gcode);
    assert_eq!(
        theirs.len(),
        mine.len(),
        "{what}: canonical line counts differ"
    );
    assert!(mine.len() > 100, "{what}: {} moves", mine.len());
    for (a, b) in theirs.iter().zip(&mine) {
        assert_eq!(a.0, b.0);
        assert_eq!(a.1.len(), b.1.len());
        for (x, y) in a.1.iter().zip(&b.1) {
            assert!(
                (x - y).abs() <= 1e-4 * x.abs().max(1.0),
                "{what}: {} {:?} vs {:?}",
                a.0,
                a.1,
                b.1
            );
        }
    }
}

#[test]
fn linuxcnc_reads_our_programs_as_we_do() {
    for dialect in [Dialect::LinuxcncTcp, Dialect::LinuxcncJoint] {
        let e = engrave(&short_job("Hi").with_dialect(dialect)).unwrap();
        assert_linuxcnc_agrees(&e.gcode, &dialect.to_string());
    }
}

#[test]
fn text_over_the_pointed_pole_holds_c_in_the_singular_cone_and_the_window() {
    use shellcarve::shellcarve_core::{MapKind, PoleEnd, SurfaceCoord};
    // The I's stroke runs straight over the pole; the crosses stand either side.
    let mut job = short_job("+I+");
    job.engrave.map = MapKind::Pole(PoleEnd::Pointed);
    for dialect in [Dialect::LinuxcncTcp, Dialect::LinuxcncJoint] {
        let e = engrave(&job.clone().with_dialect(dialect)).unwrap();
        let r = e.report();
        assert_cut_as_designed(r);
        let egg = job.egg.build().unwrap();
        let pole = egg.point(SurfaceCoord::new(0.0, egg.s_range().1));
        // Fill passes cross the pole: some cut tip lies within a stepover of the axis.
        let nearest = e
            .toolpath
            .moves
            .iter()
            .filter(|m| m.kind == MoveKind::Cut)
            .map(|m| m.pose.tip.x.hypot(m.pose.tip.y))
            .fold(f64::INFINITY, f64::min);
        assert!(
            nearest < 0.05,
            "{dialect}: nearest cut {nearest} mm from the axis"
        );
        assert!(
            e.toolpath
                .moves
                .iter()
                .filter(|m| m.kind == MoveKind::Cut)
                .all(|m| m.pose.tip.z < pole.z - 0.3),
            "{dialect}: every cut at least 0.3 mm under the pole"
        );
        // There the normal is within the 1° singular cone of the C axis: C is held
        // rather than spun, which tilts the tool off the normal by less than the cone
        // while the tip stays on its path.
        let tilt = r.max_tilt_error_deg.unwrap();
        assert!(tilt > 0.0 && tilt < 1.0, "{dialect}: tilt error {tilt}°");
        assert!(r.max_path_deviation_mm.unwrap() < 0.002, "{dialect}: {r:?}");
        assert_linuxcnc_agrees(&e.gcode, &format!("pole, {dialect}"));
    }
}

#[test]
fn bad_inputs_are_clear_errors() {
    let missing = engrave(&short_job("Egg 京")).unwrap_err().to_string();
    assert!(missing.contains("U+4EAC"), "{missing}");

    let long =
        "A very long line of text that cannot possibly go around a chicken egg at five millimetres";
    let err = engrave(&short_job(long).with_height(TextHeight::CapHeight(5.0)))
        .unwrap_err()
        .to_string();
    assert!(err.contains("mm long") && err.contains("135.1"), "{err}");

    let mut job = short_job("Egg");
    job.shell_thickness = Some(0.35);
    assert!(matches!(engrave(&job), Err(Error::Breakthrough { .. })));

    let wide = short_job("Egg").with_tool(Tool::Ball { diameter: 1.0 });
    let err = engrave(&wide).unwrap_err().to_string();
    assert!(err.contains("narrower tool"), "{err}");

    let mut nan = short_job("Egg");
    nan.engrave = nan.engrave.clone().with_depth(f64::NAN);
    assert!(engrave(&nan).unwrap_err().to_string().contains("depth"));
}

#[test]
fn shell_thickness_guard_passes_a_goose_egg() {
    let mut job = short_job("Egg");
    job.shell_thickness = Some(0.53);
    let e = engrave(&job).unwrap();
    assert_eq!(e.report().checks.breakthrough_ok, Some(true));
    assert!(!e
        .report()
        .warnings
        .iter()
        .any(|w| w.contains("--shell-thickness")));
    let plain = engrave(&short_job("Egg")).unwrap();
    assert!(plain
        .report()
        .warnings
        .iter()
        .any(|w| w.contains("--shell-thickness")));
}

#[test]
fn reference_phrase_shrinks_to_fit_and_passes_every_check() {
    // The reference job with a coarser simulation grid to keep the test quick.
    let mut job = EngraveJob::default();
    job.sim = job.sim.clone().with_texel(0.04);
    let e = engrave(&job).unwrap();
    let r = e.report();
    let cap = r.cap_height_mm.unwrap();
    let length = r.text_length_mm.unwrap();
    let circumference = std::f64::consts::PI * 43.0;
    assert!(cap < 5.0 && cap > 2.0, "{cap}");
    assert!(
        length <= 0.85 * circumference && length > 0.84 * circumference,
        "{length}"
    );
    assert!(r.summary().contains(&format!("cap height {cap:.2} mm")));
    assert!(r.checks.passed(), "{:?}", r.checks);
    assert!(r.cut_depth_mm.min >= 0.30 && r.cut_depth_mm.max <= 0.40);
    assert!(r.coverage_min.unwrap() > 0.85);
}

#[test]
fn a_font_file_from_disk_engraves() {
    let path = std::path::Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    let font = shellcarve::shellcarve_core::Font::from_file(path, 0)
        .expect("DejaVuSans.ttf is missing: run `bash .ci/setup` (fonts-dejavu-core)");
    let mut job = short_job("Egg");
    job.font = font;
    let e = engrave(&job).unwrap();
    assert_eq!(e.report().font.as_deref(), Some("DejaVuSans.ttf"));
    assert!(e.report().checks.passed());
    rs274(&e.gcode);
}

#[test]
fn text_on_the_back_of_the_egg_across_the_seam_passes() {
    // Centred on θ = 180°, the line crosses θ = ±π, where longitudes wrap.
    for lon in [180.0f64, -170.0] {
        let mut job = short_job("Egg");
        job.engrave.theta_center = lon.to_radians();
        let e = engrave(&job).unwrap();
        let r = e.report();
        assert!(
            r.cut_depth_mm.min >= 0.30 && r.cut_depth_mm.max <= 0.40,
            "{lon}: {:?}",
            r.cut_depth_mm
        );
        let d = r.design.unwrap();
        assert!(
            d.coverage > 0.9 && d.worst_overcut_mm <= 0.021,
            "{lon}: {d:?}"
        );
    }
}

#[test]
fn real_egg_shapes_hold_the_depth_window() {
    use shellcarve::shellcarve_core::{Baseline, EggSpec, MapKind};
    for (egg, baseline, map) in [
        (
            "narushin:57x43x2.5x33",
            Baseline::MaxBreadth,
            MapKind::ArcLength,
        ),
        ("goose", Baseline::Z(10.0), MapKind::Conformal),
    ] {
        let mut job = short_job("Egg 3");
        job.egg = EggSpec::parse(egg).unwrap();
        job.engrave = job.engrave.clone().with_baseline(baseline).with_map(map);
        job.sim = job.sim.clone().with_texel(0.02);
        let e = engrave(&job).unwrap_or_else(|err| panic!("{egg}: {err}"));
        let r = e.report();
        assert_eq!(r.egg, egg);
        assert!(r.checks.passed(), "{egg}: {:?}", r.checks);
        assert!(
            r.cut_depth_mm.samples > 500
                && r.cut_depth_mm.min >= 0.30
                && r.cut_depth_mm.max <= 0.40,
            "{egg}: {:?}",
            r.cut_depth_mm
        );
        let glyphs = r.glyph_distortion.as_ref().unwrap();
        assert_eq!(glyphs.len(), 4, "{egg}: {glyphs:?}");
        if map == MapKind::Conformal {
            assert!(glyphs.iter().all(|g| g.angle_deg < 1e-6), "{glyphs:?}");
        }
        // Every cut sits on the shell at the commanded depth.
        let surface = job.egg.build().unwrap();
        for m in e.toolpath.moves.iter().filter(|m| m.kind == MoveKind::Cut) {
            let d = -surface.closest(&m.pose.tip).signed_distance;
            assert!((d - 0.35).abs() < 1e-6, "{egg}: {d}");
        }
    }
    // The goose preset's typical shell thickness goes into the warning.
    let mut job = short_job("E");
    job.egg = EggSpec::parse("goose").unwrap();
    let e = engrave(&job).unwrap();
    assert!(
        e.report()
            .warnings
            .iter()
            .any(|w| w.contains("goose") && w.contains("0.50")),
        "{:?}",
        e.report().warnings
    );
}

#[test]
fn chinese_phrase_from_a_cjk_collection_holds_the_depth_window() {
    // Noto Sans CJK Bold (Debian fonts-noto-cjk): face 2 of the collection is the
    // Simplified Chinese one ("Noto Sans CJK SC Bold"). At a 4 mm cap height (the
    // ideographs stand about 4.8 mm tall) its thinnest strokes still take the default
    // 0.2 mm ball; the Regular face would need more than 5 mm.
    let path = std::path::Path::new("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc");
    let bytes = std::fs::read(path)
        .expect("NotoSansCJK-Bold.ttc is missing: run `bash .ci/setup` (fonts-noto-cjk)");
    assert!(shellcarve::shellcarve_core::Font::face_count(&bytes) > 2);
    let font = shellcarve::shellcarve_core::Font::from_file(path, 2).unwrap();
    let mut job = short_job("京津冀协同发展十周年").with_height(TextHeight::CapHeight(4.0));
    job.font = font;
    job.sim = job.sim.clone().with_texel(0.02);
    let e = engrave(&job).unwrap();
    let r = e.report();
    assert!(r.checks.passed(), "{:?}", r.checks);
    assert!(
        r.cut_depth_mm.samples > 1000 && r.cut_depth_mm.min >= 0.30 && r.cut_depth_mm.max <= 0.40,
        "{:?}",
        r.cut_depth_mm
    );
    assert_eq!(r.glyph_distortion.as_ref().unwrap().len(), 10);
    assert!(r.coverage_min.unwrap() >= 0.85, "{:?}", r.coverage_min);
    assert!(
        !r.warnings.iter().any(|w| w.contains("reaches only")),
        "{:?}",
        r.warnings
    );
    let d = r.design.as_ref().unwrap();
    assert!(d.coverage > 0.9 && d.worst_overcut_mm <= 0.045, "{d:?}");
}

#[test]
fn vcarve_cuts_shallow_edges_and_a_capped_floor_without_overcut() {
    use shellcarve::shellcarve_core::{Strategy, StrategyOptions};
    let mut job = short_job("E").with_tool(Tool::parse("v:60:0").unwrap());
    job.strategy = StrategyOptions::default().with_strategy(Strategy::VCarve);
    job.sim = job.sim.clone().with_texel(0.02);
    let e = engrave(&job).unwrap();
    let r = e.report();
    assert!(r.checks.passed(), "{:?}", r.checks);
    // Depth varies by design: shallow at the letter's edges, the cap (--depth) where
    // it is wide; only the window's maximum applies.
    assert!(r.cut_depth_mm.max <= 0.40, "{:?}", r.cut_depth_mm);
    assert!(r.cut_depth_mm.min < 0.1, "{:?}", r.cut_depth_mm);
    assert!(
        (r.cut_depth_mm.max - 0.35).abs() < 0.01,
        "{:?}",
        r.cut_depth_mm
    );
    let d = r.design.as_ref().unwrap();
    assert!(d.coverage > 0.9 && d.worst_overcut_mm <= 0.045, "{d:?}");
    // Other tools are refused with the fix.
    let mut ball = job.clone().with_tool(Tool::Ball { diameter: 0.2 });
    ball.sim = job.sim.clone();
    let err = engrave(&ball).unwrap_err().to_string();
    assert!(err.contains("v:ANGLE:TIP"), "{err}");
}

#[test]
fn two_lines_engrave_one_below_the_other() {
    let mut job = short_job("Egg\nHen");
    job.sim = job.sim.clone().with_texel(0.02);
    let e = engrave(&job).unwrap();
    let r = e.report();
    assert!(r.checks.passed(), "{:?}", r.checks);
    assert_eq!(r.glyph_distortion.as_ref().unwrap().len(), 6);
    // The second line sits below the baseline parallel (toward −Z on the default egg).
    let surface = job.egg.build().unwrap();
    let s: Vec<f64> = e
        .toolpath
        .moves
        .iter()
        .filter(|m| m.kind == MoveKind::Cut)
        .map(|m| surface.closest(&m.pose.tip).coord.s)
        .collect();
    let lowest = s.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(lowest < -1.6 * 3.0 + 0.5, "{lowest}");
}

#[test]
fn hershey_text_engraves_one_pass_per_stroke_inside_the_depth_window() {
    use shellcarve::shellcarve_core::{Font, Strategy, StrategyOptions};
    let mut job = short_job("Egg 10").with_tool(Tool::parse("v:30:0.05").unwrap());
    job.font = Font::hershey("romans").unwrap();
    job.strategy = StrategyOptions::default().with_strategy(Strategy::Centerline);
    let e = engrave(&job).unwrap();
    let r = e.report();
    assert_cut_as_designed(r);
    // Every plunge starts one stroke: E 4, g 2 + 2, 1 1, 0 1 — stroke ends meet only
    // where the font draws them so, and each is cut once.
    // (The approach and the plunge are two moves of kind Plunge: count entries.)
    let plunges = e
        .toolpath
        .moves
        .windows(2)
        .filter(|w| w[0].kind != MoveKind::Plunge && w[1].kind == MoveKind::Plunge)
        .count();
    assert_eq!(plunges, 10, "one plunge per Hershey stroke");
    rs274(&e.gcode);
    // An outline font: one groove along the medial axis of each stroke, inside the
    // letters, and one plunge per skeleton branch rather than per contour.
    let mut outline = short_job("Egg").with_tool(Tool::parse("v:30:0.05").unwrap());
    outline.strategy = StrategyOptions::default().with_strategy(Strategy::Centerline);
    let e = engrave(&outline).unwrap();
    let r = e.report();
    assert!(r.checks.passed(), "{:?}", r.checks);
    assert!(r.cut_depth_mm.min >= 0.30 && r.cut_depth_mm.max <= 0.40);
    let d = r.design.unwrap();
    assert!(d.worst_overcut_mm <= 0.021, "{d:?}");
    assert!(
        d.coverage > 0.1 && d.coverage < 0.6,
        "a skeleton, not a fill: {d:?}"
    );
    assert!(
        r.warnings.iter().any(|w| w.contains("skeleton")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn svg_artwork_beside_the_text_is_cut_to_its_shape() {
    use shellcarve::shellcarve_core::Artwork;
    let star = r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
      <path d="M50 5 L61 38 L96 38 L68 59 L79 93 L50 72 L21 93 L32 59 L4 38 L39 38 Z"/>
      <path d="M0 100 H100" stroke="black" fill="none"/></svg>"#;
    let mut job = short_job("Egg");
    job.artwork = Some(Artwork::from_svg_bytes(star.as_bytes(), "star.svg").unwrap());
    let e = engrave(&job).unwrap();
    let r = e.report();
    // The star's area is filled and its base line cut along: the design comparison
    // covers both, with nothing cut beyond the grid's rounding outside them.
    assert_cut_as_designed(r);
    let a = r.artwork.as_ref().unwrap();
    assert_eq!((a.areas, a.strokes, a.height_mm), (1, 1, 3.0));
    // Text, gap (half the cap height) and the artwork, whose box is 100 × 95 units
    // (star top at y = 5, base line at 100) scaled to 3 mm tall.
    let text_only = engrave(&short_job("Egg")).unwrap();
    let grown = r.text_length_mm.unwrap() - text_only.report().text_length_mm.unwrap();
    assert!((grown - (1.5 + 3.0 * 100.0 / 95.0)).abs() < 1e-9, "{grown}");
}

#[test]
fn text_along_the_meridian_reads_upward_inside_the_depth_window() {
    use shellcarve::shellcarve_core::{Baseline, TextDirection};
    let mut job = short_job("UP 1");
    job.engrave.direction = TextDirection::Meridian;
    job.engrave.baseline = Baseline::Latitude(10f64.to_radians());
    let e = engrave(&job).unwrap();
    let r = e.report();
    assert_cut_as_designed(r);
    // The first letter is cut lowest on the egg and the last highest: the line runs
    // up the meridian. Its letters stand on the meridian at longitude 0 and reach
    // toward −θ (to the left seen from outside), a cap height across.
    let cuts: Vec<_> = e
        .toolpath
        .moves
        .iter()
        .filter(|m| m.kind == MoveKind::Cut)
        .collect();
    let label_z = |prefix: &str| {
        let zs: Vec<f64> = e
            .toolpath
            .moves
            .iter()
            .filter(|m| m.label.as_deref().is_some_and(|l| l.starts_with(prefix)))
            .map(|m| m.pose.tip.z)
            .collect();
        zs.iter().sum::<f64>() / zs.len().max(1) as f64
    };
    assert!(label_z("glyph 0") < label_z("glyph 2"), "U below 1");
    let ys: Vec<f64> = cuts.iter().map(|m| m.pose.tip.y).collect();
    let (lo, hi) = (
        ys.iter().copied().fold(f64::INFINITY, f64::min),
        ys.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    assert!(hi < 0.2 && lo > -3.3, "{lo}..{hi}");
    rs274(&e.gcode);
}

#[test]
fn short_text_on_a_patch_holds_the_window_and_keeps_lengths_from_its_centre() {
    use shellcarve::shellcarve_core::{Baseline, MapKind, SurfaceCoord};
    let mut job = short_job("Hi 7");
    job.engrave.map = MapKind::Patch;
    job.engrave.baseline = Baseline::Latitude(25f64.to_radians());
    job.engrave.theta_center = 0.5;
    let e = engrave(&job).unwrap();
    let r = e.report();
    assert_cut_as_designed(r);
    // The block is centred on the patch's centre: the cut tips lie around it, none
    // farther along the surface than the block's half-diagonal plus the tool.
    let egg = job.egg.build().unwrap();
    let map =
        shellcarve::shellcarve_core::SurfaceMap::from_options(egg.as_ref(), &job.engrave).unwrap();
    let centre = egg.point(SurfaceCoord::new(0.5, map.s0()));
    let half_diag = (0.5 * r.text_length_mm.unwrap()).hypot(1.6);
    for m in e.toolpath.moves.iter().filter(|m| m.kind == MoveKind::Cut) {
        let on = egg.closest(&m.pose.tip).point;
        assert!((on - centre).norm() < half_diag + 0.2, "{on}");
    }
    rs274(&e.gcode);
}

#[test]
fn fills_report_their_scallops_and_a_tapered_ball_engraves() {
    use shellcarve::shellcarve_core::{Strategy, StrategyOptions};
    // 'I' of the embedded sans is a rectangle: between its scan lines the measured
    // scallop is the formula's (lines spread evenly, so no higher), within the texel
    // sampling of the ridge's crest (slope × texel / 2).
    for spec in ["ball:0.2", "taper:0.2:20"] {
        let tool = Tool::parse(spec).unwrap();
        let job = short_job("I").with_tool(tool);
        let e = engrave(&job).unwrap();
        let r = e.report();
        assert!(r.checks.passed(), "{spec}: {:?}", r.checks);
        assert_eq!(r.tool, spec);
        let c = r.scallop_mm.unwrap();
        let depth = job.engrave.depth;
        let step = job.strategy.fill_stepover(&tool, depth).unwrap();
        assert_eq!(c.stepover, step);
        let ball_r = 0.1f64;
        let half = step / 2.0;
        let formula = ball_r - (ball_r * ball_r - half * half).sqrt();
        // The tapered ball's ball reaches r·cos 10° = 0.098 mm out: the ridge is on it.
        assert!((c.theoretical - formula).abs() < 1e-12, "{spec}: {c:?}");
        let texel = job.sim.texel;
        let slope = half / (ball_r * ball_r - half * half).sqrt();
        eprintln!("{spec}: {c:?}");
        assert!(c.floor_texels > 1000, "{spec}: {c:?}");
        assert!(
            c.measured <= c.theoretical + 0.5e-3 && c.measured > 0.5 * c.theoretical,
            "{spec}: {c:?} (sampling {:.1e})",
            slope * texel / 2.0
        );
        assert!(r.summary().contains("scallops between fill passes"));
        assert!(r.to_json().contains("\"scallop_mm\""));
    }
    // Not a fill: no scallop figure, and the JSON does not mention it.
    let mut outline = short_job("I");
    outline.strategy = StrategyOptions::default().with_strategy(Strategy::Outline);
    let r = engrave(&outline).unwrap().simulation.report;
    assert!(r.scallop_mm.is_none());
    assert!(!r.to_json().contains("scallop"));
}
