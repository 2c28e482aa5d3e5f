//! Reading the engine's internally tagged enums (`{"command": "kill", "node": 3}`) without
//! serde's `Content` buffer.
//!
//! serde derives an internally tagged enum's reader through its private `Content` buffer, a
//! second copy of the reading code in every wasm bundle. Each enum here keeps its derived
//! writer and reads through a derived struct of its tag and every variant's fields (each
//! optional), which needs no buffer: the object is read once, in any key order, and the
//! variant built from the fields its tag names. The worker reads its messages the same way.

use serde::de::{
    self, value::MapAccessDeserializer, Deserialize, Deserializer, MapAccess, Visitor,
};
use std::fmt;
use std::marker::PhantomData;

/// A field the tag's variant needs was absent.
pub struct Missing(pub &'static str);

/// The field `name` of the tag's variant, which must be present.
pub fn need<T>(value: Option<T>, name: &'static str) -> Result<T, Missing> {
    value.ok_or(Missing(name))
}

/// Reads an object as `F` (the tag and all fields) and builds the variant from it; anything but
/// an object is refused as "expected `expecting`", serde's wording for a tagged enum.
pub fn deserialize<'de, D, F, T>(
    deserializer: D,
    expecting: &'static str,
    build: fn(F) -> Result<T, Missing>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    F: Deserialize<'de>,
{
    deserializer.deserialize_map(FieldsVisitor {
        expecting,
        build,
        fields: PhantomData,
    })
}

struct FieldsVisitor<F, T> {
    expecting: &'static str,
    build: fn(F) -> Result<T, Missing>,
    fields: PhantomData<F>,
}

impl<'de, F: Deserialize<'de>, T> Visitor<'de> for FieldsVisitor<F, T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.expecting)
    }

    // Built inside the visitor, so that a parser that knows where it is adds the position.
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        let fields = F::deserialize(MapAccessDeserializer::new(map))?;
        (self.build)(fields).map_err(|Missing(name)| de::Error::missing_field(name))
    }
}
