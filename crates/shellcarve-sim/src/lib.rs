//! shellcarve-sim (under construction in this session).
