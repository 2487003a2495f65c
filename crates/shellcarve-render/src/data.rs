//! The depth map as data: a NumPy `.npy` file.

use std::io::Write;
use std::path::Path;

use shellcarve_sim::DepthMap;

use crate::save::write_file_atomic;
use crate::RenderError;

/// Writes `map` in NumPy's `.npy` format, version 1.0: a dense little-endian `float32`
/// array of shape `(rows, columns)` = `(height, width)` in C order. Element `[j, i]` is
/// the cut depth (mm, along the outward normal, 0 = untouched) of texel `(i, j)`, whose
/// centre is `s = s0 + j·texel` (mm, row 0 nearest the blunt end) and
/// `θ = θ0 + i·texel_theta` (radians); the grid is [`DepthMap::info`].
///
/// The format is NumPy's own ("A simple file format for NumPy arrays", NEP 1): the
/// magic `\x93NUMPY`, version bytes 1 0, a little-endian `u16` header length, then an
/// ASCII Python dict padded with spaces and ended by a newline so that the data starts
/// at a multiple of 64 bytes.
pub fn write_depth_npy(map: &DepthMap, w: &mut impl Write) -> std::io::Result<()> {
    let (width, height) = map.dims();
    let mut header =
        format!("{{'descr': '<f4', 'fortran_order': False, 'shape': ({height}, {width}), }}");
    // 10 bytes of magic, version and length before the dict, which ends in '\n'.
    let total = (10 + header.len() + 1).div_ceil(64) * 64;
    while 10 + header.len() + 1 < total {
        header.push(' ');
    }
    header.push('\n');
    w.write_all(b"\x93NUMPY\x01\x00")?;
    w.write_all(&(header.len() as u16).to_le_bytes())?;
    w.write_all(header.as_bytes())?;
    let mut row = Vec::with_capacity(width * 4);
    for j in 0..height {
        row.clear();
        for i in 0..width {
            row.extend_from_slice(&map.depth_at_texel(i, j).to_le_bytes());
        }
        w.write_all(&row)?;
    }
    Ok(())
}

/// Writes [`write_depth_npy`]'s file at `path` atomically.
pub fn save_depth_npy_atomic(map: &DepthMap, path: &Path) -> Result<(), RenderError> {
    write_file_atomic(path, |w| {
        write_depth_npy(map, w).map_err(|source| RenderError::Io {
            path: path.to_path_buf(),
            source,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_npy_header_parses_and_values_round_trip() {
        let mut map = DepthMap::new(-0.5, -1.0, 0.01, 21.5, 130, 70);
        map.raise(3, 0, 0.25);
        map.raise(129, 69, 0.375);
        map.raise(64, 5, 0.1);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("depth.npy");
        save_depth_npy_atomic(&map, &path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[..6], b"\x93NUMPY");
        assert_eq!((bytes[6], bytes[7]), (1, 0));
        let len = usize::from(u16::from_le_bytes([bytes[8], bytes[9]]));
        assert_eq!((10 + len) % 64, 0);
        let dict = std::str::from_utf8(&bytes[10..10 + len]).unwrap();
        assert!(dict.ends_with('\n'));
        assert_eq!(
            dict.trim_end(),
            "{'descr': '<f4', 'fortran_order': False, 'shape': (70, 130), }"
        );
        let data = &bytes[10 + len..];
        assert_eq!(data.len(), 70 * 130 * 4);
        let at = |j: usize, i: usize| {
            let o = 4 * (j * 130 + i);
            f32::from_le_bytes(data[o..o + 4].try_into().unwrap())
        };
        for j in 0..70 {
            for i in 0..130 {
                assert_eq!(at(j, i), map.depth_at_texel(i, j));
            }
        }
        assert_eq!((at(0, 3), at(69, 129), at(5, 64)), (0.25, 0.375, 0.1));
        // An empty map is a valid (0, 0) array.
        let mut out = Vec::new();
        write_depth_npy(&DepthMap::new(0.0, 0.0, 0.01, 1.0, 0, 0), &mut out).unwrap();
        assert_eq!(out.len() % 64, 0);
    }
}
