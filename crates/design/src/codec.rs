//! The design in a URL fragment: JSON, deflated, base64url, behind a prefix naming both.
//!
//! `#v1.z.<payload>`: `v1` is the document version the payload was written with, `z` says raw
//! deflate + base64url without padding. The fragment never reaches a server.

use crate::document::{Design, ParseError, CURRENT_VERSION};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// A decoded fragment may inflate to at most this many bytes: a hostile link cannot exhaust
/// memory with a deflate bomb.
const MAX_INFLATED_BYTES: usize = 1 << 20;

/// Why a fragment could not be turned into a design. Each variant gets its own message in the UI.
#[derive(Debug, Clone, PartialEq)]
pub enum DecodeError {
    /// The fragment does not start with a prefix this app knows.
    UnknownPrefix,
    /// The link was made by a newer version of the app.
    TooNew { found: u64, supported: u32 },
    /// The payload is not valid base64url (typically a truncated or edited link).
    Base64,
    /// The payload does not inflate (truncated or corrupted).
    Inflate,
    /// The inflated text is not a design document.
    Document(String),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::UnknownPrefix => write!(f, "the link does not contain a ScaleLab design"),
            DecodeError::TooNew { found, supported } => {
                write!(f, "the link was made with design version {found}; this app reads up to {supported}")
            }
            DecodeError::Base64 => write!(f, "the link is damaged (not valid base64url)"),
            DecodeError::Inflate => write!(
                f,
                "the link is truncated or damaged (it does not decompress)"
            ),
            DecodeError::Document(msg) => write!(f, "the link holds an invalid design: {msg}"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Encodes a design as a URL fragment (without the leading `#`).
pub fn encode_fragment(design: &Design) -> String {
    let json = design.to_json();
    let deflated = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9);
    format!("v{CURRENT_VERSION}.z.{}", URL_SAFE_NO_PAD.encode(deflated))
}

/// Decodes a fragment (with or without the leading `#`) into a design, migrating older versions.
pub fn decode_fragment(fragment: &str) -> Result<Design, DecodeError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment).trim();
    let rest = fragment
        .strip_prefix('v')
        .ok_or(DecodeError::UnknownPrefix)?;
    let (version, rest) = rest.split_once('.').ok_or(DecodeError::UnknownPrefix)?;
    let version: u64 = version.parse().map_err(|_| DecodeError::UnknownPrefix)?;
    let payload = rest.strip_prefix("z.").ok_or(DecodeError::UnknownPrefix)?;
    if version > CURRENT_VERSION as u64 {
        return Err(DecodeError::TooNew {
            found: version,
            supported: CURRENT_VERSION,
        });
    }
    let deflated = URL_SAFE_NO_PAD
        .decode(payload.as_bytes())
        .map_err(|_| DecodeError::Base64)?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, MAX_INFLATED_BYTES)
        .map_err(|_| DecodeError::Inflate)?;
    let text = String::from_utf8(json).map_err(|_| DecodeError::Inflate)?;
    Design::from_json(&text).map_err(|e| match e {
        ParseError::TooNew { found, supported } => DecodeError::TooNew { found, supported },
        other => DecodeError::Document(other.to_string()),
    })
}
