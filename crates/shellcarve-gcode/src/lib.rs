//! shellcarve-gcode (under construction in this session).
