//! shellcarve: engrave text onto egg shells with five-axis CNC machines.
