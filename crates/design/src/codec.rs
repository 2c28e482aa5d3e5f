//! The design in a URL fragment: JSON, compressed, base64url, behind a prefix naming both.
//!
//! `#v1.c.<payload>`: `v1` is the document version the payload was written with, `c` says zlib
//! (deflate with an Adler-32 checksum) + base64url without padding, so a link changed by one
//! character is refused instead of decoding to another valid design. Links written before the
//! checksum (`z`: raw deflate) still open. The fragment never reaches a server.

use crate::document::{Design, ParseError, CURRENT_VERSION};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use miniz_oxide::inflate::TINFLStatus;

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
    /// The payload inflates, but not to what was checksummed: the link was edited or damaged.
    Checksum,
    /// The payload inflates to more than the largest design a link may carry.
    TooLarge { limit: usize },
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
            DecodeError::Checksum => write!(
                f,
                "the link was changed or damaged (its checksum does not match)"
            ),
            DecodeError::TooLarge { limit } => write!(
                f,
                "the link holds more than {} KiB of design, the most a link may carry",
                limit / 1024
            ),
            DecodeError::Document(msg) => write!(f, "the link holds an invalid design: {msg}"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Why a design could not be put in a link.
#[derive(Debug, Clone, PartialEq)]
pub enum EncodeError {
    /// The design would not read back as itself (a number that is not finite, such as a NaN
    /// left by an edit, has no JSON form).
    NotRoundTrip,
}

impl std::fmt::Display for EncodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EncodeError::NotRoundTrip => write!(
                f,
                "the design has a number that cannot be written to a link (not finite)"
            ),
        }
    }
}

impl std::error::Error for EncodeError {}

/// Encodes a design as a URL fragment (without the leading `#`), checking that it decodes to the
/// same design.
pub fn encode_fragment(design: &Design) -> Result<String, EncodeError> {
    let json = design.to_json();
    if Design::from_json(&json).as_ref() != Ok(design) {
        return Err(EncodeError::NotRoundTrip);
    }
    let compressed = miniz_oxide::deflate::compress_to_vec_zlib(json.as_bytes(), 9);
    Ok(format!(
        "v{CURRENT_VERSION}.c.{}",
        URL_SAFE_NO_PAD.encode(compressed)
    ))
}

/// Decodes a fragment (with or without the leading `#`) into a design, migrating older versions.
pub fn decode_fragment(fragment: &str) -> Result<Design, DecodeError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment).trim();
    let rest = fragment
        .strip_prefix('v')
        .ok_or(DecodeError::UnknownPrefix)?;
    let (version, rest) = rest.split_once('.').ok_or(DecodeError::UnknownPrefix)?;
    // Exactly the digits `encode_fragment` writes: no sign, no leading zero, no version 0.
    let canonical = !version.is_empty()
        && version.bytes().all(|b| b.is_ascii_digit())
        && !version.starts_with('0');
    let version: u64 = match version.parse() {
        Ok(v) if canonical => v,
        _ => return Err(DecodeError::UnknownPrefix),
    };
    let (checked, payload) = if let Some(p) = rest.strip_prefix("c.") {
        (true, p)
    } else if let Some(p) = rest.strip_prefix("z.") {
        (false, p)
    } else {
        return Err(DecodeError::UnknownPrefix);
    };
    if version > CURRENT_VERSION as u64 {
        return Err(DecodeError::TooNew {
            found: version,
            supported: CURRENT_VERSION,
        });
    }
    let compressed = URL_SAFE_NO_PAD
        .decode(payload.as_bytes())
        .map_err(|_| DecodeError::Base64)?;
    let inflated = if checked {
        miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&compressed, MAX_INFLATED_BYTES)
    } else {
        miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, MAX_INFLATED_BYTES)
    };
    let json = inflated.map_err(|e| match e.status {
        TINFLStatus::HasMoreOutput => DecodeError::TooLarge {
            limit: MAX_INFLATED_BYTES,
        },
        TINFLStatus::Adler32Mismatch => DecodeError::Checksum,
        _ => DecodeError::Inflate,
    })?;
    let text = String::from_utf8(json).map_err(|_| DecodeError::Inflate)?;
    Design::from_json(&text).map_err(|e| match e {
        ParseError::TooNew { found, supported } => DecodeError::TooNew { found, supported },
        other => DecodeError::Document(other.to_string()),
    })
}
