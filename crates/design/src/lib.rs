//! The shareable design: the one versioned document a user edits, saves and shares.
//!
//! Only this crate knows serde formats. A [`Design`] is parsed (and migrated when old) by
//! [`Design::from_json`], checked and lowered into the engine's runtime [`scalelab_engine::Model`]
//! by [`lower`], which reports every problem as a [`Diagnostic`] naming the node and the field,
//! and travels in URLs through [`codec`]. [`mod@sweep`] finds the offered rate at which a design
//! stops meeting a target.

pub mod bounds;
pub mod budget;
pub mod codec;
pub mod document;
pub mod kinds;
pub mod lower;
pub mod pretty;
pub mod sweep;
mod tagged;

pub use codec::{decode_fragment, encode_fragment, DecodeError, EncodeError};
pub use document::{
    Design, EdgeDoc, FaultAction, FaultDoc, LinkDoc, NodeDoc, NodeParams, RegionDoc, ServiceShape,
    CURRENT_VERSION,
};
pub use kinds::{KindSpec, KindTag, ParamSpec};
pub use lower::{lower, Diagnostic, Lowered};
pub use sweep::{sweep, Sweep, SweepError, SweepOptions, SweepOutcome, SweepPoint};
