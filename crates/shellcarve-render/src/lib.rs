//! shellcarve-render (under construction in this session).
