//! Texts of the event cursor and the chart tabs, Korean and English.

use crate::i18n::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// An event log entry's hint: choosing it marks its moment on the charts.
    ShowMoment,
    /// The cursor line an event entry draws on a chart.
    Moment,
    /// The tab list of the secondary charts.
    MoreCharts,
}

pub fn text(lang: Lang, key: Text) -> &'static str {
    let (ko, en) = match key {
        Text::ShowMoment => (
            "차트에서 이 시각을 표시하고 노드를 선택",
            "mark this moment on the charts and select its node",
        ),
        Text::Moment => ("사건 시각", "event moment"),
        Text::MoreCharts => ("다른 차트", "More charts"),
    };
    match lang {
        Lang::Ko => ko,
        Lang::En => en,
    }
}
