#!/usr/bin/env bash
# compare.sh: shellcarve side by side with other tools (issue 6, "Performance").
#
# Usage:  benches/compare.sh [PART...]      (from anywhere; PART defaults to all)
#
#   gcode     Reading G-code. Writes a 1,000,000-block five-axis program
#             (`G1 X Y Z A C F`, our own post via examples/gcode_program.rs) and times
#             LinuxCNC's `rs274 -g` and `shellcarve gcode canon` on the same file, both
#             writing their canonical commands. Prints lines per second of each and the
#             ratio (target: ours >= 20x rs274). Checks both read the same number of
#             STRAIGHT_FEEDs.
#   removal   Material removal of the reference job's motion at 0.01 mm
#             (examples/removal_scaling.rs, only the simulation timed): 1 thread against
#             2 threads (target speed-up >= 1.8x), then a shorter text against the
#             whole phrase at 2 threads: time per swept texel should stay the same
#             (linear in swept area; within 25% counts as linear here).
#   freecad   FreeCAD's PathSimulator (a height map) against our simulator on a
#             200,000-block three-axis program (a zig-zag hatch, 0.2 mm ball, 0.35 mm
#             deep) on a 0.02 mm grid: ours cuts it on the egg's side with the tool
#             held along +Y; FreeCAD cuts the same moves flattened onto a box stock
#             (X, Z -> X, Y; depth below the egg's surface -> Z below the stock top).
#             Prints blocks per second of each and the ratio. Then the same flat
#             program through the Z-map of `shellcarve simulate --stock box:22x12x3`
#             (exact depths per texel; timed in one process like FreeCAD's, by
#             examples/removal_scaling.rs): seconds against FreeCAD's (target >= 10x),
#             and the area cut and volume removed by each, from FreeCAD's result
#             mesh (untimed), to show both did the whole job. Needs `freecadcmd`
#             (Debian: apt-get install freecad-python3).
#   inkscape  Text to G-code: the reference phrase through Inkscape's Hershey Text
#             (HersheySans1) and gcodetools (orientation points, tool, Path to Gcode),
#             against ours in Hershey simplex Roman, centerline
#             (examples/text_to_gcode.rs: layout, strategy, map onto the egg, IK, post;
#             no simulation); then the issue's target, the README's reference job
#             (engrave, simulate at 0.01 mm, preview and depth map) as a whole process,
#             and the same job in Hershey simplex Roman, centerline. Inkscape 1.2 offers extensions as command-line actions
#             only with a window, so the extension scripts are run the way Inkscape
#             runs them (python3 in its extensions directory, one SVG in, one out).
#             Needs inkscape (with gcodetools, as Debian's inkscape 1.2 has) and the
#             system python3 with lxml, cssselect and numpy.
#
# A part whose tool is missing prints that it was skipped and why, and the script
# goes on. Environment: LINES (default 1000000) blocks of the five-axis program,
# FREECAD_BLOCKS (default 200000), KEEP=1 keeps the scratch directory, CARGO (cargo).
# The machine should be otherwise idle: every figure is one wall-clock run (the
# removal runs, FreeCAD's PathSim and the Z-map take the fastest of REPEAT runs in one
# process, default 3).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CARGO=${CARGO:-cargo}
LINES=${LINES:-1000000}
FREECAD_BLOCKS=${FREECAD_BLOCKS:-200000}
REPEAT=${REPEAT:-3}
PARTS=("$@")
[[ ${#PARTS[@]} -eq 0 ]] && PARTS=(gcode removal freecad inkscape)

WORK=$(mktemp -d -t shellcarve-compare.XXXXXX)
if [[ ${KEEP:-0} != 1 ]]; then
    trap 'rm -rf "$WORK"' EXIT
else
    echo "scratch directory: $WORK"
fi

BIN=$ROOT/target/release
EX=$BIN/examples

# Seconds since the epoch, with nanoseconds.
now() { date +%s.%N; }
# Float arithmetic: calc 'EXPR'.
calc() { awk "BEGIN { printf \"%.6g\", $1 }"; }
# key=value field of a `key=value ...` line: field KEY LINE.
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }
skip() { echo "  skipped: $*"; }

build() {
    echo "== building (release): shellcarve and the comparison examples"
    (cd "$ROOT" && "$CARGO" build --release --quiet --bin shellcarve \
        --example gcode_program --example removal_scaling --example text_to_gcode)
}

part_gcode() {
    echo "== G-code reading: $LINES-block five-axis program"
    if ! command -v rs274 >/dev/null; then
        skip "LinuxCNC's rs274 is not installed (Debian: linuxcnc-uspace)"
        return
    fi
    local prog=$WORK/five_axis.ngc
    "$EX/gcode_program" "$LINES" "$prog"
    local lines
    lines=$(wc -l <"$prog")

    local t0 t1 rs ours
    t0=$(now)
    HOME=$(mktemp -d -p "$WORK") rs274 -g "$prog" "$WORK/rs274.txt" </dev/null >/dev/null 2>&1
    t1=$(now)
    rs=$(calc "$t1 - $t0")
    t0=$(now)
    "$BIN/shellcarve" gcode canon "$prog" >"$WORK/ours.txt"
    t1=$(now)
    ours=$(calc "$t1 - $t0")

    local n_rs n_ours
    n_rs=$(grep -c STRAIGHT_FEED "$WORK/rs274.txt" || true)
    n_ours=$(grep -c STRAIGHT_FEED "$WORK/ours.txt" || true)
    printf '  rs274 -g:               %8.3f s  %12.0f lines/s  (%s STRAIGHT_FEED)\n' \
        "$rs" "$(calc "$lines / $rs")" "$n_rs"
    printf '  shellcarve gcode canon: %8.3f s  %12.0f lines/s  (%s STRAIGHT_FEED)\n' \
        "$ours" "$(calc "$lines / $ours")" "$n_ours"
    local ratio
    ratio=$(calc "$rs / $ours")
    printf '  ratio: %.1fx (target >= 20x): %s\n' "$ratio" \
        "$(awk "BEGIN { print ($ratio >= 20) ? \"met\" : \"NOT met\" }")"
    [[ $n_rs == "$n_ours" ]] || echo "  warning: the two read different numbers of feeds"
}

part_removal() {
    echo "== material removal of the reference job's motion at 0.01 mm"
    local one two
    one=$("$EX/removal_scaling" --threads 1 --texel 0.01 --repeat "$REPEAT")
    two=$("$EX/removal_scaling" --threads 2 --texel 0.01 --repeat "$REPEAT")
    echo "  1 thread:  $one"
    echo "  2 threads: $two"
    local s1 s2 speedup
    s1=$(field seconds "$one")
    s2=$(field seconds "$two")
    speedup=$(calc "$s1 / $s2")
    printf '  speed-up 1 -> 2 threads: %.2fx (target >= 1.8x): %s\n' "$speedup" \
        "$(awk "BEGIN { print ($speedup >= 1.8) ? \"met\" : \"NOT met\" }")"

    local short per_short per_long ratio
    short=$("$EX/removal_scaling" --threads 2 --texel 0.01 --chars 30 --repeat "$REPEAT")
    echo "  30 chars:  $short"
    per_short=$(calc "$(field seconds "$short") / $(field swept "$short") * 1e9")
    per_long=$(calc "$s2 / $(field swept "$two") * 1e9")
    ratio=$(calc "$per_long / $per_short")
    printf '  time per swept texel: %.0f ns (30 chars), %.0f ns (whole phrase), ratio %.2f: %s\n' \
        "$per_short" "$per_long" "$ratio" \
        "$(awk "BEGIN { print ($ratio > 0.8 && $ratio < 1.25) ? \"linear\" : \"NOT linear\" }")"
}

part_freecad() {
    echo "== FreeCAD PathSimulator: $FREECAD_BLOCKS-block three-axis program, 0.02 mm grid"
    local fc
    fc=$(command -v freecadcmd || command -v FreeCADCmd || true)
    if [[ -z $fc ]]; then
        skip "freecadcmd is not installed (Debian: apt-get install freecad-python3)"
        return
    fi
    local prog=$WORK/three_axis.ngc
    "$EX/gcode_program" --three-axis "$FREECAD_BLOCKS" "$prog"

    local ours
    ours=$("$EX/removal_scaling" --program "$prog" --texel 0.02 --repeat "$REPEAT")
    echo "  shellcarve: $ours"

    cat >"$WORK/pathsim.py" <<'PY'
# Our three-axis program, flattened, through FreeCAD's PathSimulator.
import math, os, re, time
import FreeCAD, Part, Path, PathSimulator
from FreeCAD import Vector, Placement, Rotation

prog, res = os.environ["SC_PROGRAM"], float(os.environ["SC_RES"])
A, C = 21.5, 28.5  # the default egg: spheroid 57 x 43 mm

def surface_y(x, z):
    r = A * math.sqrt(max(0.0, 1.0 - (z / C) ** 2))
    return math.sqrt(max(0.0, r * r - x * x))

t0 = time.time()
cmds, pos = [], {"X": 0.0, "Y": 0.0, "Z": 0.0}
word = re.compile(r"([XYZ])(-?[0-9.]+)")
for line in open(prog):
    if not line.startswith(("G0 ", "G1 ")):
        continue
    for k, v in word.findall(line):
        pos[k] = float(v)
    x, y, z = pos["X"], pos["Y"], pos["Z"]
    cmds.append(Path.Command(line[:2], {"X": x, "Y": z, "Z": y - surface_y(x, z)}))
t1 = time.time()
# The same flattened program as G-code for shellcarve's Z-map: the block's corner at
# the origin (stock box:22x12x3, top at Z = 0).
with open(os.environ["SC_FLAT"], "w") as out:
    out.write("G21 G90 G94\nF180\n")
    for c in cmds:
        p = c.Parameters
        out.write("%s X%.4f Y%.4f Z%.4f\n" % (c.Name, p["X"] + 11.0, p["Y"] + 6.0, p["Z"]))
    out.write("M2\n")

stock = Part.makeBox(22.0, 12.0, 3.0, Vector(-11.0, -6.0, -3.0))  # top at Z = 0
tool = Part.makeCylinder(0.1, 10.0, Vector(0, 0, 0.1)).fuse(
    Part.makeSphere(0.1, Vector(0, 0, 0.1)))  # 0.2 mm ball, tip at the origin
best = None
for _ in range(int(os.environ.get("SC_REPEAT", "1"))):
    sim = PathSimulator.PathSim()
    sim.BeginSimulation(stock, res)
    sim.SetToolShape(tool, res)
    place = Placement(Vector(cmds[0].Parameters["X"], cmds[0].Parameters["Y"], 5.0), Rotation())
    t2 = time.time()
    for c in cmds:
        place = sim.ApplyCommand(place, c)
    t3 = time.time()
    best = t3 - t2 if best is None else min(best, t3 - t2)
# Not timed: that FreeCAD did the whole job. Its result mesh (the height map
# tessellated, neighbouring cells merged within one grid step of height) gives the
# area cut below the top face and the volume removed, to set beside ours. (Each move
# is applied: run one move at a time, every 0.02 mm step adds its 0.2 x 0.02 mm².)
vol, cut = 0.0, 0.0
for mesh in sim.GetResultMesh():
    for f in mesh.Facets:
        p = [Vector(*q) for q in f.Points]
        vol += p[0].dot(p[1].cross(p[2])) / 6.0
        if f.Normal.z > 0.99 and p[0].z < -1e-4:
            cut += f.Area
# (A new line first: the mesh code leaves its progress line unfinished.)
print("\nblocks=%d read_s=%.3f setup_s=%.3f seconds=%.3f blocks_per_s=%.0f cut_area=%.3f removed=%.4f"
      % (len(cmds), t1 - t0, t2 - t1, best, len(cmds) / best, cut, 22 * 12 * 3 - vol))
PY
    local theirs
    theirs=$(cd "$WORK" && HOME=$(mktemp -d -p "$WORK") SC_PROGRAM="$prog" SC_RES=0.02 \
        SC_FLAT="$WORK/flat.ngc" SC_REPEAT="$REPEAT" "$fc" "$WORK/pathsim.py" 2>&1 |
        grep '^blocks=' || true)
    if [[ -z $theirs ]]; then
        skip "FreeCAD's PathSimulator script failed (run with KEEP=1 and try $WORK/pathsim.py)"
        return
    fi
    echo "  FreeCAD:    $theirs"
    local ratio
    ratio=$(calc "$(field seconds "$theirs") / $(field seconds "$ours")")
    printf '  speed of shellcarve against FreeCAD (simulation only): %.3gx (%s)\n' "$ratio" \
        "$(awk "BEGIN { print ($ratio >= 1) ? \"ours faster\" : \"FreeCAD faster\" }")"
    # Like for like: the same flat program through shellcarve's Z-map (exact depths
    # per texel, where FreeCAD's are within half a grid cell), timed as FreeCAD's is:
    # simulate_zmap alone (not reading the G-code), in one process, the fastest of
    # REPEAT runs. One `shellcarve simulate --stock` process gives the area and volume
    # (and its own time, a single cold run).
    local zmap zs
    zs=$(field seconds "$("$EX/removal_scaling" --program "$WORK/flat.ngc" \
        --stock box:22x12x3 --tool ball:0.2 --texel 0.02 --repeat "$REPEAT" || true)")
    zmap=$("$BIN/shellcarve" simulate "$WORK/flat.ngc" --stock box:22x12x3 \
        --tool ball:0.2 --texel 0.02 2>/dev/null || true)
    if [[ -z $zs || -z $zmap ]]; then
        skip "shellcarve simulate --stock failed on the flat program"
        return
    fi
    local area removed
    area=$(sed -n 's/^cut area: \([0-9.]*\) mm².*/\1/p' <<<"$zmap")
    removed=$(sed -n 's/.*removed volume: \([0-9.]*\) mm³.*/\1/p' <<<"$zmap")
    echo "  shellcarve Z-map, same flat program: seconds=$zs cut_area=$area removed=$removed (one cold process: $(sed -n 's/^simulated in \([0-9.]*\) s$/\1/p' <<<"$zmap") s)"
    # The same job: both cut the same area (FreeCAD's volume is smaller, its tool
    # profile being sampled on the grid and its mesh merging cells within a step).
    local fa
    fa=$(field cut_area "$theirs")
    awk -v a="$area" -v b="$fa" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.01 * a) }' ||
        echo "  warning: the cut areas differ by more than 1% ($area against $fa mm²)"
    ratio=$(calc "$(field seconds "$theirs") / $zs")
    printf '  speed of the Z-map against FreeCAD (simulation only): %.3gx (%s; target >= 10x: %s)\n' \
        "$ratio" "$(awk "BEGIN { print ($ratio >= 1) ? \"ours faster\" : \"FreeCAD faster\" }")" \
        "$(awk "BEGIN { print ($ratio >= 10) ? \"met\" : \"NOT met\" }")"
}

part_inkscape() {
    echo "== text to G-code: Inkscape Hershey Text + gcodetools against shellcarve"
    local ext=/usr/share/inkscape/extensions
    local gct=$ext/other/gcodetools/gcodetools.py
    local py=/usr/bin/python3
    if ! command -v inkscape >/dev/null || [[ ! -f $ext/hershey.py ]]; then
        skip "inkscape is not installed (Debian: apt-get install inkscape)"
        return
    fi
    if [[ ! -f $gct ]]; then
        skip "this Inkscape has no gcodetools extension ($gct)"
        return
    fi
    if ! "$py" -c 'import lxml, cssselect, numpy' 2>/dev/null; then
        skip "$py lacks lxml, cssselect or numpy (Debian: python3-lxml python3-cssselect python3-numpy)"
        return
    fi
    local phrase="10th Anniversary of Beijing-Tianjin-Hebei Coordinated Development"
    # Cap height about 2.18 mm, as the reference job picks: HersheySans1 caps are
    # 0.662 em.
    cat >"$WORK/phrase.svg" <<SVG
<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     width="130mm" height="20mm" viewBox="0 0 130 20">
  <g id="layer1" inkscape:groupmode="layer" inkscape:label="Layer 1">
    <text id="phrase" x="2" y="10" style="font-size:3.29px;font-family:sans-serif">$phrase</text>
  </g>
</svg>
SVG
    local t0 t1 ink
    t0=$(now)
    (
        cd "$ext" && export PYTHONPATH=$ext HOME=$WORK
        "$py" hershey.py --fontface=HersheySans1 "$WORK/phrase.svg" >"$WORK/hershey.svg"
        "$py" "$gct" --active-tab=orientation --Zsurface=0 --Zdepth=-0.35 \
            "$WORK/hershey.svg" >"$WORK/oriented.svg"
        "$py" "$gct" --active-tab=tools_library --tools-library-type=cone \
            "$WORK/oriented.svg" >"$WORK/tooled.svg"
        "$py" "$gct" --active-tab=path-to-gcode --directory="$WORK" --filename=inkscape.ngc \
            --add-numeric-suffix-to-filename=false --Zsafe=2 --unit="G21 (All units in mm)" \
            --path-to-gcode-depth-function=d --biarc-tolerance=1 --min-arc-radius=0.05 \
            --postprocessor=" " "$WORK/tooled.svg" >"$WORK/gcode.svg"
    ) 2>"$WORK/inkscape.log" || true
    t1=$(now)
    ink=$(calc "$t1 - $t0")
    if [[ ! -s $WORK/inkscape.ngc ]]; then
        skip "Hershey Text + gcodetools wrote no G-code (see $WORK/inkscape.log with KEEP=1)"
        return
    fi
    local ink_lines ink_feeds
    ink_lines=$(wc -l <"$WORK/inkscape.ngc")
    ink_feeds=$(grep -cE '^G0?1 ' "$WORK/inkscape.ngc" || true)
    printf '  Inkscape (4 extension runs):  %7.3f s  %6d lines, %5d G1 (flat, three-axis)\n' \
        "$ink" "$ink_lines" "$ink_feeds"
    local ours full
    t0=$(now)
    ours=$("$EX/text_to_gcode" --font hershey:romans --strategy centerline --repeat 1 \
        --output "$WORK/shellcarve.ngc" "$phrase")
    t1=$(now)
    full=$(calc "$t1 - $t0")
    printf '  shellcarve (in-process):      %7.3f s  %6d lines, %5d G1 (on the egg, five-axis)\n' \
        "$(field seconds "$ours")" "$(field lines "$ours")" "$(field feed_blocks "$ours")"
    printf '  shellcarve (whole process):   %7.3f s\n' "$full"
    printf '  ratio (Inkscape / shellcarve, whole processes): %.1fx\n' "$(calc "$ink / $full")"
    # The issue's target: the reference job itself (engrave, simulate at 0.01 mm,
    # two pictures), which does far more than the Inkscape pipeline. Timed as the
    # README runs it, and the same with the Hershey font and centerline strategy.
    local job hershey
    t0=$(now)
    (cd "$WORK" && "$BIN/shellcarve" engrave "$phrase" -o job.ngc --preview job.png \
        --depth-map job-depth.png --report job.json >/dev/null 2>&1)
    t1=$(now)
    job=$(calc "$t1 - $t0")
    t0=$(now)
    (cd "$WORK" && "$BIN/shellcarve" engrave "$phrase" --font hershey:romans \
        --strategy centerline --tool v:30:0.05 -o hershey.ngc --preview hershey.png \
        --depth-map hershey-depth.png --report hershey.json >/dev/null 2>&1)
    t1=$(now)
    hershey=$(calc "$t1 - $t0")
    printf '  reference job (README main command, with simulation and 2 pictures): %7.3f s\n' "$job"
    printf '  the same in hershey:romans, centerline, v:30:0.05:                   %7.3f s\n' "$hershey"
    printf '  ratio (Inkscape / reference job): %.2fx (%s); Hershey job: %.2fx\n' \
        "$(calc "$ink / $job")" \
        "$(awk "BEGIN { print ($ink > $job) ? \"target met\" : \"target not met\" }")" \
        "$(calc "$ink / $hershey")"
}

build
for part in "${PARTS[@]}"; do
    case $part in
        gcode | removal | freecad | inkscape) "part_$part" ;;
        *)
            echo "unknown part $part (gcode, removal, freecad, inkscape)" >&2
            exit 2
            ;;
    esac
done
