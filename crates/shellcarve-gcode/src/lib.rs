//! G-code for shellcarve: post-processors that write a machine program as G-code for a
//! controller dialect, and an RS274/NGC interpreter that reads G-code back, as LinuxCNC
//! does, for simulation and for checking against LinuxCNC's own `rs274`.
//!
//! Units: G-code carries mm (or inches after G20) and degrees; [`MachineProgram`]s carry
//! mm and radians. [`interpret`] gives blocks as [`shellcarve_kinematics::MachineMove`]s
//! (arcs stay arcs: walk them with `shellcarve_kinematics::path_point`); [`canon`] gives LinuxCNC's canonical
//! commands, in the program's units, printable with [`canon_to_string`] in the form
//! `rs274 -g` prints; [`write_canon_from`] prints them while it reads, a block at a
//! time on two threads, for programs of millions of lines.
//!
//! ```
//! use shellcarve_gcode::{emit, interpret, Dialect, InterpretOptions};
//! use shellcarve_kinematics::{ControlMode, Feed, Joints, MachineMove, MachineProgram, Path};
//!
//! let block = |values: [f64; 6], feed: Feed| MachineMove {
//!     target: Joints::new(values),
//!     path: Path::Linear,
//!     feed,
//!     line: None,
//!     comment: None,
//!     cutting: !matches!(feed, Feed::Rapid),
//! };
//! let program = MachineProgram {
//!     mode: ControlMode::Tcp,
//!     moves: vec![
//!         block([21.5, 0.0, 2.0, 1.5708, 0.0, 0.0], Feed::Rapid),
//!         block([21.2, 0.0, 0.0, 1.5708, 0.0, 0.1], Feed::UnitsPerMinute(300.0)),
//!     ],
//!     spindle_rpm: 18_000.0,
//!     tool_number: 1,
//!     header: vec!["shellcarve example".into()],
//! };
//! let text = emit(&program, Dialect::LinuxcncTcp)?;
//! assert!(text.contains("G1 X21.2000 Y0.0000 Z0.0000 A90.0002 C5.7296 F300.0000"));
//!
//! let back = interpret(&text, ControlMode::Tcp, &InterpretOptions::default())?;
//! assert_eq!(back.moves.len(), 2);
//! assert_eq!(back.moves[1].feed, Feed::UnitsPerMinute(300.0));
//! assert!((back.moves[1].target.values[5] - 0.1).abs() < 1e-5);
//! assert_eq!(back.header, program.header);
//! # Ok::<(), shellcarve_gcode::GcodeError>(())
//! ```

mod arc;
mod block;
mod canon;
mod dialect;
mod error;
mod fixed4;
mod interp;
mod lexer;
mod number;
mod post;
mod stream;

pub use canon::{canon_to_string, CanonLine, FeedMode, LengthUnits, Plane};
pub use dialect::{Dialect, DIALECT_NAMES};
pub use error::{GcodeError, Result};
pub use interp::{canon, canon_with, interpret, InterpretOptions};
pub use post::{emit, emit_for_machine, emit_to, COORD_DECIMALS, INVERSE_TIME_DIGITS};
pub use stream::{write_canon_from, write_canon_with};

#[doc(no_inline)]
pub use shellcarve_kinematics::MachineProgram;
