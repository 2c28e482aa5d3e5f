//! The worker-restart notice, in Korean and English.

use crate::i18n::Lang;

/// Headline of the notice shown when the simulation worker died and a new one was started.
pub fn restarted(lang: Lang) -> &'static str {
    match lang {
        Lang::Ko => "시뮬레이션 워커가 멈춰서 새로 시작했습니다.",
        Lang::En => "The simulation worker stopped and was restarted.",
    }
}

/// What the user keeps and what is lost.
pub fn restarted_hint(lang: Lang) -> &'static str {
    match lang {
        Lang::Ko => "설계는 그대로이고, 실행은 0초부터 다시 시작합니다. 재생을 누르세요.",
        Lang::En => "Your design is kept; the run starts again from zero. Press play.",
    }
}
