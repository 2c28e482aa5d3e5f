//! The chapter's stages as ready-made designs, each with its title and lesson.

use crate::i18n::Key;
use scalelab_design::Design;

pub struct Stage {
    pub title: Key,
    pub lesson: Key,
    json: &'static str,
}

pub const STAGES: &[Stage] = &[
    Stage {
        title: Key::Stage1,
        lesson: Key::Lesson1,
        json: include_str!("../designs/stage01-single-server.json"),
    },
    Stage {
        title: Key::Stage2,
        lesson: Key::Lesson2,
        json: include_str!("../designs/stage02-web-and-data-tiers.json"),
    },
    Stage {
        title: Key::Stage3,
        lesson: Key::Lesson3,
        json: include_str!("../designs/stage03-load-balancer.json"),
    },
    Stage {
        title: Key::Stage4,
        lesson: Key::Lesson4,
        json: include_str!("../designs/stage04-replication.json"),
    },
    Stage {
        title: Key::Stage5,
        lesson: Key::Lesson5,
        json: include_str!("../designs/stage05-cache.json"),
    },
    Stage {
        title: Key::Stage6,
        lesson: Key::Lesson6,
        json: include_str!("../designs/stage06-cdn.json"),
    },
    Stage {
        title: Key::Stage7,
        lesson: Key::Lesson7,
        json: include_str!("../designs/stage07-stateless-web.json"),
    },
    Stage {
        title: Key::Stage8,
        lesson: Key::Lesson8,
        json: include_str!("../designs/stage08-data-centres.json"),
    },
    Stage {
        title: Key::Stage9,
        lesson: Key::Lesson9,
        json: include_str!("../designs/stage09-message-queue.json"),
    },
    Stage {
        title: Key::Stage10,
        lesson: Key::Lesson10,
        json: include_str!("../designs/stage10-metrics-automation.json"),
    },
    Stage {
        title: Key::Stage11,
        lesson: Key::Lesson11,
        json: include_str!("../designs/stage11-sharding.json"),
    },
];

/// Designs beyond the chapter's eleven stages: the components it names without drawing them.
pub const EXTRAS: &[Stage] = &[
    Stage {
        title: Key::ExtraGateway,
        lesson: Key::LessonGateway,
        json: include_str!("../designs/extra-api-gateway.json"),
    },
    Stage {
        title: Key::ExtraWaf,
        lesson: Key::LessonWaf,
        json: include_str!("../designs/extra-waf.json"),
    },
    Stage {
        title: Key::ExtraReplicatedCache,
        lesson: Key::LessonReplicatedCache,
        json: include_str!("../designs/extra-replicated-cache.json"),
    },
    Stage {
        title: Key::ExtraDrStandby,
        lesson: Key::LessonDrStandby,
        json: include_str!("../designs/extra-dr-standby.json"),
    },
];

impl Stage {
    pub fn design(&self) -> Option<Design> {
        Design::from_json(self.json).ok()
    }
}

/// The stage whose design has this name, for the title above the canvas.
pub fn stage_of(design: &Design) -> Option<&'static Stage> {
    // Every render asks: the designs' names are read once, not parsed again each time.
    static NAMES: std::sync::OnceLock<Vec<Option<String>>> = std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| {
        STAGES
            .iter()
            .chain(EXTRAS)
            .map(|s| s.design().map(|d| d.name))
            .collect()
    });
    STAGES
        .iter()
        .chain(EXTRAS)
        .zip(names)
        .find(|(_, name)| name.as_deref() == Some(design.name.as_str()))
        .map(|(stage, _)| stage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stage_design_loads_and_lowers() {
        for (i, stage) in STAGES.iter().chain(EXTRAS).enumerate() {
            let design = stage
                .design()
                .unwrap_or_else(|| panic!("stage {} must parse", i + 1));
            assert!(
                scalelab_design::lower(&design, scalelab_engine::SimDuration::ZERO).is_ok(),
                "stage {} must lower",
                i + 1
            );
        }
    }
}
