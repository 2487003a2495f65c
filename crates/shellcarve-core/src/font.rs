//! Fonts: TrueType/OpenType files (and collections) read with ttf-parser, shaped with
//! rustybuzz; an embedded default so that no system font is needed; and the built-in
//! single-stroke Hershey fonts (see `hershey.rs`).

use std::sync::Arc;

use crate::error::{CoreError, Result};
use crate::hershey::HersheyFace;

/// Name of the embedded default font.
pub const EMBEDDED_FONT_NAME: &str = "DejaVu Sans Bold (embedded)";

#[derive(Clone)]
enum FontData {
    Static(&'static [u8]),
    Owned(Arc<Vec<u8>>),
}

impl FontData {
    fn bytes(&self) -> &[u8] {
        match self {
            FontData::Static(b) => b,
            FontData::Owned(v) => v.as_slice(),
        }
    }
}

/// Where a font's glyphs come from.
#[derive(Clone)]
enum Source {
    /// A TrueType/OpenType file and the face in it.
    Outline { data: FontData, index: u32 },
    /// A built-in single-stroke font.
    Hershey(HersheyFace),
}

/// A font: an outline font (the bytes of a TrueType/OpenType file and the face to
/// use), or a built-in single-stroke Hershey font.
///
/// Parsing is checked once on creation; shaping re-reads the tables on demand
/// (ttf-parser is zero-copy, so that is cheap).
#[derive(Clone)]
pub struct Font {
    source: Source,
    name: String,
}

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Font");
        d.field("name", &self.name);
        match &self.source {
            Source::Outline { data, index } => {
                d.field("index", index).field("bytes", &data.bytes().len())
            }
            Source::Hershey(_) => d.field("single_stroke", &true),
        };
        d.finish()
    }
}

impl Font {
    /// The embedded default: DejaVu Sans Bold (from the `dejavu` crate; its licence
    /// permits embedding). Bold, because engraved strokes on an egg are only a few
    /// tenths of a millimetre wide and thin strokes cannot be cut legibly.
    pub fn embedded() -> Self {
        Self {
            source: Source::Outline {
                data: FontData::Static(dejavu::sans::bold()),
                index: 0,
            },
            name: EMBEDDED_FONT_NAME.to_string(),
        }
    }

    /// A built-in single-stroke Hershey font by name (`romans`, `scripts`, ... — see
    /// [`crate::HERSHEY_FONTS`]).
    pub fn hershey(name: &str) -> Result<Self> {
        let face = HersheyFace::by_name(name)?;
        Ok(Self {
            name: format!("hershey:{}", face.name()),
            source: Source::Hershey(face),
        })
    }

    /// Reads a font as the command line names it: `hershey:NAME` for a built-in
    /// single-stroke font, otherwise the path of a font file with `index` the face in
    /// a collection.
    pub fn from_spec(spec: &str, index: u32) -> Result<Self> {
        match spec.strip_prefix("hershey:") {
            Some(name) => Self::hershey(name),
            None => Self::from_file(std::path::Path::new(spec), index),
        }
    }

    /// True for single-stroke fonts, whose glyphs are open strokes rather than areas.
    pub fn is_single_stroke(&self) -> bool {
        matches!(self.source, Source::Hershey(_))
    }

    pub(crate) fn hershey_face(&self) -> Option<HersheyFace> {
        match self.source {
            Source::Hershey(f) => Some(f),
            Source::Outline { .. } => None,
        }
    }

    /// Reads a font file; `index` selects the face in a collection (`.ttc`), 0 otherwise.
    pub fn from_file(path: &std::path::Path, index: u32) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|error| CoreError::FontIo {
            path: path.display().to_string(),
            error,
        })?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        Self::from_bytes(bytes, index, &name)
    }

    /// Uses font bytes already in memory.
    pub fn from_bytes(bytes: Vec<u8>, index: u32, name: &str) -> Result<Self> {
        let font = Self {
            source: Source::Outline {
                data: FontData::Owned(Arc::new(bytes)),
                index,
            },
            name: name.to_string(),
        };
        font.face()?;
        Ok(font)
    }

    /// Number of faces in font file bytes: the count of a collection, 1 for a single
    /// valid font, 0 for anything else.
    pub fn face_count(bytes: &[u8]) -> u32 {
        match ttf_parser::fonts_in_collection(bytes) {
            Some(n) => n,
            None => u32::from(ttf_parser::Face::parse(bytes, 0).is_ok()),
        }
    }

    /// The full name of every face in font file bytes (index order); a face without
    /// a readable name is listed as `face N`. Empty for anything that is not a font.
    pub fn face_names(bytes: &[u8]) -> Vec<String> {
        (0..Self::face_count(bytes))
            .map(|i| {
                ttf_parser::Face::parse(bytes, i)
                    .ok()
                    .and_then(|f| {
                        f.names()
                            .into_iter()
                            .filter(|n| n.name_id == ttf_parser::name_id::FULL_NAME)
                            .find_map(|n| n.to_string())
                    })
                    .unwrap_or_else(|| format!("face {i}"))
            })
            .collect()
    }

    /// The font's name as given (file name or the embedded font's name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The face index in its file (0 for a built-in font).
    pub fn index(&self) -> u32 {
        match self.source {
            Source::Outline { index, .. } => index,
            Source::Hershey(_) => 0,
        }
    }

    pub(crate) fn face(&self) -> Result<rustybuzz::Face<'_>> {
        let (data, index) = match &self.source {
            Source::Outline { data, index } => (data.bytes(), *index),
            Source::Hershey(_) => {
                return Err(CoreError::FontParse {
                    name: self.name.clone(),
                    index: 0,
                    reason: "a single-stroke font has no outline tables".into(),
                })
            }
        };
        match rustybuzz::Face::from_slice(data, index) {
            Some(face) => Ok(face),
            None => {
                let faces = ttf_parser::fonts_in_collection(data);
                let reason = match (faces, ttf_parser::Face::parse(data, index)) {
                    (Some(n), _) if index >= n => {
                        format!(
                            "the collection has {n} faces (0..{}); pick one with --font-index",
                            n.saturating_sub(1)
                        )
                    }
                    (_, Err(e)) => e.to_string(),
                    (_, Ok(_)) => "the shaping tables could not be read".to_string(),
                };
                Err(CoreError::FontParse {
                    name: self.name.clone(),
                    index,
                    reason,
                })
            }
        }
    }

    /// Height of capital letters in font units: the OS/2 cap height where present,
    /// otherwise the height of 'H', otherwise 70% of the em.
    pub(crate) fn cap_height_units(face: &ttf_parser::Face<'_>) -> f64 {
        if let Some(h) = face.capital_height().filter(|h| *h > 0) {
            return f64::from(h);
        }
        face.glyph_index('H')
            .and_then(|g| face.glyph_bounding_box(g))
            .map(|b| f64::from(b.y_max))
            .filter(|h| *h > 0.0)
            .unwrap_or(0.7 * f64::from(face.units_per_em()))
    }
}

impl Default for Font {
    fn default() -> Self {
        Self::embedded()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_font_parses_and_has_caps() {
        let f = Font::embedded();
        let face = f.face().unwrap();
        let cap = Font::cap_height_units(&face);
        let upem = f64::from(face.units_per_em());
        assert!(cap > 0.6 * upem && cap < 0.8 * upem, "{cap} / {upem}");
    }

    #[test]
    fn face_names_are_read() {
        assert_eq!(Font::face_names(dejavu::sans::bold()), ["DejaVu Sans Bold"]);
        assert!(Font::face_names(&[1, 2, 3]).is_empty());
    }

    #[test]
    fn garbage_is_a_clear_error() {
        let err = Font::from_bytes(vec![0, 1, 2, 3, 4, 5], 0, "junk.ttf").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("junk.ttf") && msg.contains("not a valid"),
            "{msg}"
        );
        let err = Font::from_file(std::path::Path::new("/nonexistent/font.ttf"), 0).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/font.ttf"));
    }

    #[test]
    fn face_index_out_of_range_is_an_error() {
        let bytes = dejavu::sans::bold().to_vec();
        assert!(Font::from_bytes(bytes, 3, "DejaVuSans-Bold.ttf").is_err());
    }
}
