//! Every user-visible string, in Korean and English, behind one closed key enum: a missing
//! translation is a compile error, not a blank label.

pub mod dashboard;
pub mod inspector;

use scalelab_design::DecodeError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ko,
    En,
}

impl Lang {
    /// The browser's preferred language: Korean if it starts with `ko`, English otherwise.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("ko") {
            Lang::Ko
        } else {
            Lang::En
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }
    pub fn other(self) -> Lang {
        match self {
            Lang::Ko => Lang::En,
            Lang::En => Lang::Ko,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    AppTitle,
    Tagline,
    StageSingleServer,
    StageLesson,
    Start,
    Pause,
    Step,
    Reset,
    Speed,
    SpeedMax,
    Users,
    RequestsPerSecond,
    Capacity,
    LatencyChart,
    ThroughputChart,
    Window,
    SimTime,
    Throughput,
    Errors,
    Timeouts,
    Rejected,
    NodeDown,
    NoRoute,
    Utilization,
    Queue,
    Cost,
    PerHour,
    PerMonth,
    Language,
    KindUsers,
    KindDns,
    KindServer,
    KindLoadBalancer,
    KindSessionStore,
    KindCache,
    KindDatabase,
    KindCdn,
    KindQueue,
    KindShardedDatabase,
    ServerRoles,
    LinkBroken,
    LinkTooNew,
    LinkDamaged,
    LinkInvalid,
    DefaultLoaded,
    RestoreSaved,
    Dismiss,
    InvalidDesign,
    KillServer,
    RestoreServer,
    Idle,
    Running,
    Paused,
    WorkerFailed,
    TableView,
}

/// The text of `key` in `lang`.
pub fn t(lang: Lang, key: Key) -> &'static str {
    use Key::*;
    let (ko, en) = match key {
        AppTitle => ("ScaleLab", "ScaleLab"),
        Tagline => ("사용자 수에 따른 규모 확장성 시뮬레이터", "Scale from zero to millions of users, simulated"),
        StageSingleServer => ("1단계: 단일 서버", "Stage 1: single server"),
        StageLesson => (
            "웹 앱, 데이터베이스, 캐시가 전부 한 서버에서 실행된다. 트래픽을 용량 너머로 올리면 p99가 먼저 치솟고, 이어서 요청이 시간 초과된다. 서버가 죽으면 모든 것이 멈춘다 (단일 장애 지점).",
            "Web app, database and cache all run on one server. Push traffic past its capacity: p99 climbs first, then requests time out. Kill the server and everything stops (a single point of failure).",
        ),
        Start => ("시작", "Start"),
        Pause => ("일시정지", "Pause"),
        Step => ("한 구간", "Step"),
        Reset => ("초기화", "Reset"),
        Speed => ("속도", "Speed"),
        SpeedMax => ("최대", "max"),
        Users => ("사용자 수", "Users"),
        RequestsPerSecond => ("초당 요청 수", "Requests per second"),
        Capacity => ("서버 용량", "Server capacity"),
        LatencyChart => ("응답 지연 (ms): p50 · p95 · p99", "Latency (ms): p50 · p95 · p99"),
        ThroughputChart => ("처리량과 오류 (초당)", "Throughput and errors (per second)"),
        Window => ("구간", "window"),
        SimTime => ("시뮬레이션 시간", "Simulated time"),
        Throughput => ("처리량", "Throughput"),
        Errors => ("오류", "Errors"),
        Timeouts => ("시간 초과", "timeouts"),
        Rejected => ("거부(큐 가득 참)", "rejected (queue full)"),
        NodeDown => ("서버 다운", "node down"),
        NoRoute => ("경로 없음", "no route"),
        Utilization => ("사용률", "Utilisation"),
        Queue => ("대기열", "Queue"),
        Cost => ("비용", "Cost"),
        PerHour => ("시간당", "per hour"),
        PerMonth => ("월", "per month"),
        Language => ("English", "한국어"),
        KindUsers => ("사용자", "Users"),
        KindDns => ("DNS", "DNS"),
        KindServer => ("웹 서버", "Web server"),
        KindLoadBalancer => ("로드밸런서", "Load balancer"),
        KindSessionStore => ("세션 저장소", "Session store"),
        KindCache => ("캐시", "Cache"),
        KindDatabase => ("데이터베이스 (주 + 부)", "Database (primary + replicas)"),
        KindCdn => ("CDN", "CDN"),
        KindQueue => ("메시지 큐 + 작업 서버", "Message queue + workers"),
        KindShardedDatabase => ("샤딩된 데이터베이스", "Sharded database"),
        ServerRoles => ("웹 앱 · DB · 캐시", "web app · DB · cache"),
        LinkBroken => ("링크에 ScaleLab 설계가 없습니다.", "The link does not contain a ScaleLab design."),
        LinkTooNew => (
            "이 링크는 더 새로운 버전의 ScaleLab에서 만들어졌습니다.",
            "The link was made by a newer version of ScaleLab.",
        ),
        LinkDamaged => ("링크가 잘렸거나 손상되었습니다.", "The link is truncated or damaged."),
        LinkInvalid => ("링크의 설계가 올바르지 않습니다.", "The link holds an invalid design."),
        DefaultLoaded => ("기본 설계(단일 서버)를 불러왔습니다.", "The default design (single server) is loaded."),
        RestoreSaved => ("마지막 설계 복원", "Restore my last design"),
        Dismiss => ("닫기", "Dismiss"),
        InvalidDesign => ("이 설계는 시뮬레이션할 수 없습니다:", "This design cannot be simulated:"),
        KillServer => ("서버 장애 주입", "Kill server"),
        RestoreServer => ("서버 복구", "Restore server"),
        Idle => ("대기", "idle"),
        Running => ("실행 중", "running"),
        Paused => ("일시정지됨", "paused"),
        TableView => ("표로 보기 (최근 30구간)", "Table view (last 30 windows)"),
        WorkerFailed => ("시뮬레이션 워커를 시작하지 못했습니다.", "The simulation worker could not start."),
    };
    match lang {
        Lang::Ko => ko,
        Lang::En => en,
    }
}

/// The translated name of a node's kind.
pub fn kind_key(params: &scalelab_design::NodeParams) -> Key {
    use scalelab_design::NodeParams::*;
    match params {
        Users { .. } => Key::KindUsers,
        Dns { .. } => Key::KindDns,
        Server { .. } => Key::KindServer,
        LoadBalancer { .. } => Key::KindLoadBalancer,
        SessionStore { .. } => Key::KindSessionStore,
        Cache { .. } => Key::KindCache,
        Database { .. } => Key::KindDatabase,
        Cdn { .. } => Key::KindCdn,
        Queue { .. } => Key::KindQueue,
        ShardedDatabase { .. } => Key::KindShardedDatabase,
    }
}

/// The message shown for a link that could not be read.
pub fn decode_error(lang: Lang, err: &DecodeError) -> &'static str {
    match err {
        DecodeError::UnknownPrefix => t(lang, Key::LinkBroken),
        DecodeError::TooNew { .. } => t(lang, Key::LinkTooNew),
        DecodeError::Base64 | DecodeError::Inflate => t(lang, Key::LinkDamaged),
        DecodeError::Document(_) => t(lang, Key::LinkInvalid),
    }
}
