//! Each node kind's name and one-line description, and the parameters' units, in Korean and
//! English: exhaustive over `KindTag` and `Unit`, so a new kind without its texts does not compile.

use crate::i18n::Lang;
use scalelab_design::kinds::{KindTag, Unit};

/// The kind's name as the palette, canvas and messages show it.
pub fn kind_name(tag: KindTag, lang: Lang) -> &'static str {
    let (ko, en) = match tag {
        KindTag::Users => ("사용자", "Users"),
        KindTag::Dns => ("DNS", "DNS"),
        KindTag::Cdn => ("CDN", "CDN"),
        KindTag::LoadBalancer => ("로드밸런서", "Load balancer"),
        KindTag::Server => ("웹 서버", "Web server"),
        KindTag::SessionStore => ("세션 저장소", "Session store"),
        KindTag::Cache => ("캐시", "Cache"),
        KindTag::Database => ("데이터베이스", "Database"),
        KindTag::ShardedDatabase => ("샤딩된 데이터베이스", "Sharded database"),
        KindTag::Queue => ("메시지 큐 + 작업 서버", "Message queue + workers"),
        KindTag::ApiGateway => ("API 게이트웨이", "API gateway"),
        KindTag::Waf => ("웹 방화벽 (WAF)", "Web application firewall (WAF)"),
    };
    pick(lang, ko, en)
}

/// What the kind does, in one line (the palette item's tooltip).
pub fn kind_blurb(tag: KindTag, lang: Lang) -> &'static str {
    let (ko, en) = match tag {
        KindTag::Users => (
            "요청을 보내는 사용자 집단: 요청 수, 지연, 읽기·쓰기 비율, 인기 키.",
            "A population sending requests: rate, latency, reads and writes, popular keys.",
        ),
        KindTag::Dns => (
            "사이트 이름을 서버 주소로 바꿔 줍니다. 응답은 TTL 동안 캐시됩니다.",
            "Turns the site's name into a server's address; answers are cached for the TTL.",
        ),
        KindTag::Cdn => (
            "정적 콘텐츠를 사용자 가까이에 캐시하는 엣지 서버.",
            "Edge servers that cache static assets close to the users.",
        ),
        KindTag::LoadBalancer => (
            "요청을 여러 웹 서버에 나누고 죽은 서버를 빼냅니다.",
            "Spreads requests over web servers and takes dead ones out.",
        ),
        KindTag::Server => (
            "웹 앱을 실행합니다: 작업자, 대기열, 처리 시간, 자동 규모 확장.",
            "Runs the web app: workers, a queue, a service time, autoscaling.",
        ),
        KindTag::SessionStore => (
            "세션을 한곳에 두어 웹 계층을 무상태로 만듭니다.",
            "Keeps sessions in one shared place so the web tier is stateless.",
        ),
        KindTag::Cache => (
            "자주 읽는 데이터를 메모리에 두어 데이터베이스 부하를 줄입니다.",
            "Keeps frequently read data in memory to spare the database.",
        ),
        KindTag::Database => (
            "주 데이터베이스와 읽기 전용 부 데이터베이스들 (다중화).",
            "A primary and its read replicas (replication).",
        ),
        KindTag::ShardedDatabase => (
            "샤드 키로 데이터를 여러 샤드에 나눠 저장합니다.",
            "Splits the data over shards by a shard key.",
        ),
        KindTag::Queue => (
            "작업을 큐에 넣고 작업 서버가 나중에 처리합니다.",
            "Puts jobs on a queue for workers to process later.",
        ),
        KindTag::ApiGateway => (
            "경로별로 요청을 여러 서비스에 보내고, 처리율 제한 장치(토큰 버킷)로 폭주를 막습니다.",
            "Routes requests by path to several services; its rate limiter (a token bucket) stops a flood.",
        ),
        KindTag::Waf => (
            "모든 요청을 검사해 공격을 막습니다. 탐지율과 오탐률, 요청당 비용이 있습니다.",
            "Inspects every request and blocks attacks, at a detection rate, a false-alarm rate and a price per request.",
        ),
    };
    pick(lang, ko, en)
}

/// A parameter's unit as written after its label; empty for a plain number.
pub fn unit_text(unit: Unit, lang: Lang) -> &'static str {
    let (ko, en) = match unit {
        Unit::None => ("", ""),
        Unit::Ms => ("ms", "ms"),
        Unit::S => ("s", "s"),
        Unit::Rps => ("요청/s", "req/s"),
        Unit::KeysPerS => ("키/s", "keys/s"),
        Unit::Kb => ("KB", "KB"),
        Unit::Share => ("0–1", "0–1"),
        Unit::Factor => ("×", "×"),
        Unit::People => ("명", "people"),
        Unit::Keys => ("개", "keys"),
        Unit::Objects => ("개", "objects"),
        Unit::Requests => ("요청", "requests"),
        Unit::Replicas => ("대", "replicas"),
        Unit::Checks => ("회", "checks"),
    };
    pick(lang, ko, en)
}

fn pick(lang: Lang, ko: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ko => ko,
        Lang::En => en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hangul(s: &str) -> bool {
        s.chars().any(|c| ('가'..='힣').contains(&c))
    }

    /// Every kind reads in both languages: names and descriptions are there, and where Korean
    /// has a word (not an acronym such as DNS or CDN) it is not the English one.
    #[test]
    fn every_kind_has_a_korean_and_an_english_name_and_description() {
        for tag in KindTag::ALL {
            let (ko, en) = (kind_name(tag, Lang::Ko), kind_name(tag, Lang::En));
            assert!(!ko.is_empty() && !en.is_empty(), "{tag}");
            assert!(!hangul(en), "{tag}: {en}");
            if ko != en {
                assert!(hangul(ko), "{tag}: {ko}");
            } else {
                assert!(
                    ko.chars().all(|c| c.is_ascii_uppercase()),
                    "{tag}: {ko} is an acronym"
                );
            }
            let (ko, en) = (kind_blurb(tag, Lang::Ko), kind_blurb(tag, Lang::En));
            assert!(
                hangul(ko) && !hangul(en) && en.len() > 20,
                "{tag}: {ko} / {en}"
            );
        }
        // Names tell kinds apart.
        for lang in [Lang::Ko, Lang::En] {
            let mut names: Vec<_> = KindTag::ALL.iter().map(|t| kind_name(*t, lang)).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), KindTag::ALL.len(), "{lang:?}");
        }
    }
}
