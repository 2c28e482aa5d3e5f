//! The palette: every node kind the engine simulates, in the design crate's order, each starting
//! from its description's default node (`scalelab_design::kinds`).

use scalelab_design::{KindTag, NodeParams};

/// The kinds the palette offers, in order.
pub fn kinds() -> impl Iterator<Item = KindTag> {
    KindTag::ALL.into_iter()
}

/// The kind named `tag` (a palette item's `data-kind`, a dropped drag's data).
pub fn find(tag: &str) -> Option<KindTag> {
    KindTag::from_name(tag)
}

/// The parameters a new node of this kind starts with.
pub fn default_params(tag: KindTag) -> NodeParams {
    tag.spec().default_params()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind is offered once, and a dragged kind's name finds it again.
    #[test]
    fn the_palette_offers_every_kind_once() {
        let offered: Vec<KindTag> = kinds().collect();
        assert_eq!(offered.len(), KindTag::ALL.len());
        for tag in offered {
            assert_eq!(find(tag.as_str()), Some(tag));
            assert_eq!(default_params(tag).tag(), tag);
        }
        assert_eq!(find("gateway"), None);
    }
}
