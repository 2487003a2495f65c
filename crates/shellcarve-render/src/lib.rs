//! PNG previews of simulated engravings: the unwrapped depth map in a colour map with a
//! scale bar, and ray-cast shaded views of the shell with the engraving (whole-egg
//! views, automatic or chosen with a [`ViewSpec`] such as `front,back,top` or
//! `turntable:8`, above overlapping zoomed strips of the engraved band).
//!
//! Units are millimetres and radians; surfaces and depth maps come from
//! `shellcarve-core` and `shellcarve-sim` (workpiece frame W, surface coordinates
//! (θ, s)). Pictures are `image::RgbImage`; [`save_png_atomic`] writes them without
//! ever leaving a partial file.
//!
//! # Example
//!
//! ```
//! use shellcarve_core::Spheroid;
//! use shellcarve_render::{render_depth_map, render_shell, DepthMapImageOptions, ShellViewOptions};
//! use shellcarve_sim::DepthMap;
//!
//! let egg = Spheroid::new(57.0, 43.0).unwrap();
//! let mut map = DepthMap::new(-0.05, -0.5, 0.01, 21.5, 200, 100);
//! for i in 20..180 {
//!     map.raise(i, 50, 0.3);
//! }
//! let flat = render_depth_map(&map, &DepthMapImageOptions::default());
//! assert!(flat.width() >= 200);
//! let shaded = render_shell(&egg, &map, &ShellViewOptions::default().with_min_px_per_mm(8.0));
//! assert!(shaded.width() > 0);
//! ```

mod colormap;
mod data;
mod depth_image;
mod difference;
mod error;
mod meridian;
mod mesh;
mod sampler;
mod save;
mod shell;
mod view;

pub use data::{save_depth_npy_atomic, write_depth_npy};
pub use depth_image::{render_depth_map, DepthMapImageOptions, DEFAULT_MAX_IMAGE_WIDTH};
pub use difference::{render_difference_map, render_overlay, BandImageOptions};
pub use error::RenderError;
pub use mesh::{
    save_mesh_atomic, shell_mesh, Mesh, MeshFormat, MeshOptions, DEFAULT_COARSE_S,
    DEFAULT_COARSE_THETA_DEG, DEFAULT_MAX_TRIANGLES, DEFAULT_MESH_TEXEL,
};
pub use save::{encode_png, save_encoded_png_atomic, save_png_atomic, EncodedPng};
pub use shell::{render_shell, ShellViewOptions, DEFAULT_MIN_PX_PER_MM, DEFAULT_OVERVIEW_HEIGHT};
pub use view::{View, ViewSpec, DEFAULT_VIEW_ELEVATION_DEG, MAX_VIEWS};

/// The image type the renderers return (8-bit RGB).
pub use image::RgbImage;

#[cfg(test)]
mod tests;
