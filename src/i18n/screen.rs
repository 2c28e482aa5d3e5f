//! The screen's own texts (layout, canvas guidance, request flow, units), Korean and English.

use crate::i18n::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// The picker's entry and note for the default design, a steady stage 1 without its script.
    DefaultPicker,
    DefaultNote,
    /// What an empty or unfinished canvas needs first.
    FirstAddUsers,
    FirstAddServer,
    FirstConnect,
    Inspector,
    Close,
    AddComponent,
    FlowLegend,
    PinchHint,
    /// Short unit and badge words.
    PerSecond,
    /// The short link to a main chart's table view.
    Table,
    Seconds,
}

pub fn text(lang: Lang, key: Text) -> &'static str {
    use Text::*;
    let (ko, en) = match key {
        DefaultPicker => (
            "1단계: 단일 서버 (일정한 트래픽)",
            "Stage 1: single server (steady)",
        ),
        DefaultNote => (
            "일정한 트래픽에 예정된 사건이 없는 연습판입니다. 트래픽 증가와 서버 장애가 들어 있는 원래 1단계는 목록에서 고르세요.",
            "A steady practice board: no ramp, no scripted crash. Pick “Stage 1” in the list for the stage with both.",
        ),
        FirstAddUsers => (
            "먼저 ‘사용자’를 추가하세요: 요청을 보내는 쪽입니다.",
            "Start by adding Users: they send the requests.",
        ),
        FirstAddServer => (
            "이제 ‘웹 서버’를 추가하세요: 요청에 답하는 쪽입니다.",
            "Now add a Web server: it answers the requests.",
        ),
        FirstConnect => (
            "사용자 오른쪽의 둥근 포트에서 서버로 끌어 연결하세요 (또는 노드를 고르고 C, 대상을 고르고 Enter).",
            "Connect them: drag from the round port on the right of Users to the server (or select Users, press C, choose the server and press Enter).",
        ),
        Inspector => ("속성", "Inspector"),
        Close => ("닫기", "Close"),
        AddComponent => ("구성 요소 추가", "Add a component"),
        FlowLegend => (
            "점 하나하나가 요청입니다: 처리량만큼 흐르고, 실패하면 빨간색, 캐시 적중은 초록색으로 캐시에서 되돌아옵니다.",
            "Dots are requests, flowing at the pace of the throughput: red ones fail, green ones are cache hits turning back at the cache.",
        ),
        PinchHint => (
            "두 손가락으로 확대·축소, 빈 곳을 끌어 이동",
            "Pinch to zoom, drag empty space to pan",
        ),
        PerSecond => ("건/초", "req/s"),
        Table => ("표", "Table"),
        Seconds => ("초", "s"),
    };
    match lang {
        Lang::Ko => ko,
        Lang::En => en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_is_in_both_languages() {
        use Text::*;
        for key in [
            DefaultPicker,
            DefaultNote,
            FirstAddUsers,
            FirstAddServer,
            FirstConnect,
            Inspector,
            Close,
            AddComponent,
            FlowLegend,
            PinchHint,
            PerSecond,
            Table,
            Seconds,
        ] {
            let (ko, en) = (text(Lang::Ko, key), text(Lang::En, key));
            assert!(!ko.is_empty() && !en.is_empty() && ko != en, "{key:?}");
        }
    }
}
