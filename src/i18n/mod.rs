//! Every user-visible string, in Korean and English, behind one closed key enum: a missing
//! translation is a compile error, not a blank label.

pub mod course;
pub mod dashboard;
pub mod embed;
pub mod events;
pub mod inspector;
pub mod kinds;
pub mod notes;
pub mod screen;
pub mod screen2;
pub mod worker;

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
    Start,
    Pause,
    Step,
    Reset,
    Speed,
    SpeedMax,
    Users,
    RequestsPerSecond,
    Capacity,
    NodeDown,
    Utilization,
    Cpu,
    Occupancy,
    Queue,
    Language,
    ServerRoles,
    LinkBroken,
    LinkTooNew,
    LinkDamaged,
    LinkTooLarge,
    DesignTooBig,
    DesignTooBigHint,
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
    Stage1,
    Stage2,
    Stage3,
    Stage4,
    Stage5,
    Stage6,
    Stage7,
    Stage8,
    Stage9,
    Stage10,
    Stage11,
    ExtraGateway,
    ExtraWaf,
    ExtraReplicatedCache,
    ExtraDrStandby,
    BeyondTheChapter,
    Lesson1,
    Lesson2,
    Lesson3,
    Lesson4,
    Lesson5,
    Lesson6,
    Lesson7,
    Lesson8,
    Lesson9,
    Lesson10,
    Lesson11,
    LessonGateway,
    LessonWaf,
    LessonReplicatedCache,
    LessonDrStandby,
    CustomDesign,
    Stages,
    Palette,
    PaletteHint,
    AddDataCentre,
    DataCentre,
    FailDataCentre,
    RestoreDataCentre,
    Undo,
    Redo,
    Delete,
    Duplicate,
    ZoomIn,
    ZoomOut,
    ZoomFit,
    Shortcuts,
    ShortcutsTitle,
    ConnectRefused,
    ConnectHint,
    EditorLabel,
    Close,
    DetailSticky,
    DetailHit,
    DetailWorkers,
    DetailInstances,
    DetailBooting,
    DetailAutoscale,
    DetailConsumers,
    DetailRoutes,
    DetailWaf,
    HintEdge,
    DetailShards,
    NewDesign,
    HintSpof,
    HintMoreServers,
    HintBooting,
    HintAutoscaleMax,
    HintScaleOut,
    HintDatabase,
    HintStore,
    HintQueue,
    HintHotShard,
    HintFailFast,
    HintFailFastLeastConnections,
    HintMigration,
    HintFailover,
    Hints,
    EditMode,
    EditModeHint,
    EditRestart,
    EditNextWindow,
    Spike,
    SpikeHint,
    HelpSelectAll,
    HelpNudge,
    HelpChoose,
    HelpConnect,
    HelpZoom,
    HelpPan,
    HelpEscape,
}

/// The text of `key` in `lang`.
pub fn t(lang: Lang, key: Key) -> &'static str {
    use Key::*;
    let (ko, en) = match key {
        AppTitle => ("ScaleLab", "ScaleLab"),
        Tagline => ("사용자 수에 따른 규모 확장성 시뮬레이터", "Scale from zero to millions of users, simulated"),
        Start => ("시작", "Start"),
        Pause => ("일시정지", "Pause"),
        Step => ("한 구간", "Step"),
        Reset => ("초기화", "Reset"),
        Speed => ("속도", "Speed"),
        SpeedMax => ("최대", "max"),
        Users => ("사용자 수", "Users"),
        RequestsPerSecond => ("초당 요청 수", "Requests per second"),
        Capacity => ("서버 용량", "Server capacity"),
        NodeDown => ("서버 다운", "node down"),
        Utilization => ("사용률", "Utilisation"),
        Cpu => ("CPU 사용률", "CPU"),
        Occupancy => ("작업자 점유율", "worker occupancy"),
        Queue => ("대기열", "Queue"),
        Language => ("English", "한국어"),
        ServerRoles => ("웹 앱 · DB · 캐시", "web app · DB · cache"),
        LinkBroken => ("링크에 ScaleLab 설계가 없습니다.", "The link does not contain a ScaleLab design."),
        LinkTooNew => (
            "이 링크는 더 새로운 버전의 ScaleLab에서 만들어졌습니다.",
            "The link was made by a newer version of ScaleLab.",
        ),
        LinkDamaged => ("링크가 잘렸거나 손상되었습니다.", "The link is truncated or damaged."),
        DesignTooBig => (
            "이 설계는 브라우저가 감당할 수 있는 것보다 많은 메모리나 계산이 필요해 열지 않았습니다. 지금 설계는 그대로입니다.",
            "This design needs more memory or work than a browser tab can give, so it was not opened; the current design stays.",
        ),
        DesignTooBigHint => (
            "원인: {parameter} (들어가는 최댓값 {largest}).",
            "It is driven by {parameter} (the largest value that fits: {largest}).",
        ),
        LinkTooLarge => (
            "링크에 담긴 설계가 너무 큽니다 (링크 하나에 1 MiB까지). 파일로 주고받으세요.",
            "The link holds too large a design (a link carries up to 1 MiB); share it as a file.",
        ),
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
        Stage1 => ("1단계: 단일 서버", "Stage 1: single server"),
        Stage2 => ("2단계: 웹 계층과 데이터 계층 분리", "Stage 2: separate web and data tiers"),
        Stage3 => ("3단계: 로드밸런서와 수평적 규모 확장", "Stage 3: load balancer and scale-out"),
        Stage4 => ("4단계: 데이터베이스 다중화", "Stage 4: database replication"),
        Stage5 => ("5단계: 캐시 계층", "Stage 5: cache tier"),
        Stage6 => ("6단계: CDN", "Stage 6: CDN"),
        Stage7 => ("7단계: 무상태 웹 계층", "Stage 7: stateless web tier"),
        Stage8 => ("8단계: 다중 데이터 센터", "Stage 8: multiple data centres"),
        Stage9 => ("9단계: 메시지 큐", "Stage 9: message queue"),
        Stage10 => ("10단계: 로그, 메트릭, 자동화", "Stage 10: logs, metrics, automation"),
        Stage11 => ("11단계: 데이터베이스 샤딩", "Stage 11: database sharding"),
        ExtraGateway => ("더 보기: API 게이트웨이와 처리율 제한", "Extra: API gateway and rate limiter"),
        ExtraWaf => ("더 보기: 웹 방화벽 (WAF)", "Extra: a web application firewall (WAF)"),
        ExtraReplicatedCache => ("더 보기: 다중화된 캐시와 세션 저장소", "Extra: a replicated cache and session store"),
        ExtraDrStandby => ("더 보기: 재해 복구 대기 데이터 센터", "Extra: a disaster-recovery standby data centre"),
        BeyondTheChapter => ("1장 너머", "Beyond the chapter"),
        LessonGateway => (
            "API 게이트웨이가 경로별로 요청을 서비스(/feed, /profile)에 나눈다. 사용자 5명짜리 악성 클라이언트가 /feed에 초당 3 000건을 쏟는다. 사용자별 처리율 제한 장치(토큰 버킷)가 그 요청만 429로 거절해 feed 서버 CPU는 54%, p99는 약 51 ms로 평소와 같다. 바꿔 볼 것: rate_limit none (feed 서버 CPU 100%, p99 627 ms, 대기열이 넘쳐 정상 요청까지 거절), rate_limit global 1 600 req/s (부하는 막지만 정상 사용자의 /profile 요청도 27 077건에서 9 661건으로 줄어든다).",
            "An API gateway routes requests by path to two services (/feed, /profile). An abusive client of 5 users floods /feed with 3 000 req/s. A per-user rate limiter (a token bucket each) refuses only its requests with 429: the feed servers stay at 54 % CPU and p99 near 51 ms, as without the abuser. Toggles: rate_limit none (feed CPU 100 %, p99 627 ms, full queues reject legitimate requests too); rate_limit global at 1 600 req/s (the load is capped, but legitimate /profile requests served fall from 27 077 to 9 661).",
        ),
        LessonWaf => (
            "요청의 30%가 공격이고, 공격 하나는 웹 서버에서 보통 요청의 4배 일을 시킨다. 로드밸런서 앞의 WAF가 공격의 95%를 막아 웹 계층 CPU가 95%에서 38%로, p99가 84 ms에서 46 ms로 준다. 대가는 요청당 검사 요금이다: 시간당 $11.36이 $14.71이 된다. 바꿔 볼 것: 사용자를 WAF 대신 로드밸런서에 바로 연결, detection을 낮추기, false_positive를 올리기 (정상 요청도 403으로 막힌다).",
            "30 % of requests are attacks, each costing a web server four times a normal request. A WAF in front of the load balancer blocks 95 % of them: web CPU falls from 95 % to 38 % and p99 from 84 to 46 ms. The price is a fee per request inspected: $11.36/h becomes $14.71/h. Toggles: connect the users straight to the load balancer; lower detection; raise false_positive (legitimate requests get 403 too).",
        ),
        LessonReplicatedCache => (
            "캐시도 단일 장애 지점이 될 수 있다. 30초에 캐시 주 노드가, 60초에 세션 저장소가 죽는다. 복제본이 있으면 failover_s 뒤 내용을 그대로 가진 채 승격되어 적중률이 70%로 유지되고, 데이터베이스 질의는 초당 약 2 700건, 오류 0, 잃은 세션 0. 바꿔 볼 것: 캐시와 세션 저장소의 replicas 0 (적중률 0, 데이터베이스 질의 초당 7 000건, 오류 12%, 세션 10 000개를 잃고 세션 저장소가 죽은 뒤에는 모든 요청이 실패).",
            "A cache can be a single point of failure too. At 30 s the cache's primary dies, at 60 s the session store's. With a replica each is promoted after failover_s with its contents: the hit rate holds at 70 %, the database sees about 2 700 queries/s, no errors, no lost sessions. Toggle: replicas 0 on the cache and the session store (hit rate 0, 7 000 database queries/s, 12 % errors, 10 000 sessions lost, and every request fails once the session store is gone).",
        ),
        LessonDrStandby => (
            "60초에 데이터 센터 us가 통째로 멈춘다. 대기 데이터 센터 dr이 헬스 체크로 장애를 확인하고 넘겨받는다. 핫 스탠바이(이미 가동 중)는 80초 만에 복구하고 쓰기 16건을 잃지만 대기 중에도 시간당 $0.58가 든다. 바꿔 볼 것: 데이터 센터 dr의 대기 방식 warm (111초, 시간당 $0.29: 서버가 부팅해야 한다), cold (381초, 마지막 백업 이후 쓰기 12 108건 유실, 백업 저장 요금만).",
            "At 60 s data centre us stops entirely. The standby data centre dr notices by health checks and takes over. A hot standby (already running) recovers in 80 s and loses 16 writes, but costs $0.58/h while it waits. Toggles: data centre dr's standby mode warm (111 s, $0.29/h: its servers must boot); cold (381 s, 12 108 writes since the last backup lost, only backup storage billed).",
        ),
        Lesson1 => (
            "웹 앱, 데이터베이스, 캐시가 한 서버(m5.large, vCPU 2개)에서 돈다. 트래픽이 50에서 150 req/s로 오르면 p99가 먼저 치솟고 이어서 요청이 시간 초과된다. 바꿔 볼 것: 서버의 instance를 m5.xlarge로 (수직적 규모 확장): 실패 약 1 950건이 0이 되고 비용은 두 배. 가장 큰 m5.24xlarge에도 한계가 있다. 100초에 서버가 죽으면 모든 것이 멈춘다 (단일 장애 지점).",
            "Web app, database and cache run on one server (m5.large, 2 vCPUs). As traffic ramps from 50 to 150 req/s, p99 climbs first, then requests time out. Toggle: the server's instance to m5.xlarge (scale up): about 1 950 failed requests become 0, at twice the cost; even m5.24xlarge has a ceiling. At 100 s the server dies and everything stops (a single point of failure).",
        ),
        Lesson2 => (
            "웹 서버와 데이터베이스를 분리하면 계층별 사용률이 따로 보인다. 바꿔 볼 것: 데이터베이스의 read_ms와 write_ms를 4배로: 사용률이 14%에서 54%로 오르며 병목이 그쪽으로 옮겨 간다. 웹 서버 instances를 2로 하면 웹 계층의 CPU 사용률이 20%에서 10%로 준다.",
            "With web server and database on their own nodes, each tier's utilisation shows on its own. Toggle: the database's read_ms and write_ms ×4: its utilisation goes from 14 % to 54 % and the bottleneck moves there. Web instances 2 halves the web tier's CPU (20 % to 10 %).",
        ),
        Lesson3 => (
            "로드밸런서 뒤에 웹 서버 3대 (수평적 규모 확장). 30초에 web1이 죽고 60초에 돌아온다: 헬스 체크(5초마다, 3회 실패)가 빼기 전까지 약 17 600건이 실패한다. 바꿔 볼 것: health_interval_s 1, health_threshold 1: 실패 1건. 최소 연결 정책은 바로 실패하는 서버에 오히려 더 많이 보낸다 (라운드 로빈이면 약 10 000건).",
            "Three web servers behind a load balancer (scale out). web1 dies at 30 s and returns at 60 s: about 17 600 requests fail until health checks (every 5 s, 3 failures) take it out. Toggle: health_interval_s 1 and health_threshold 1: 1 failure. Least connections sends a fast-failing server more, not less (round robin: about 10 000).",
        ),
        Lesson4 => (
            "쓰기는 주 데이터베이스, 읽기는 부 데이터베이스 2대로 간다 (주 서버 사용률 36%에서 9%로). 40초에 주 서버가 죽으면 아직 복제되지 않은 쓰기 64건이 곧바로 위험해지고, 10초 뒤 부 서버가 승격될 때 사라진다 (비동기 다중화). 바꿔 볼 것: replication을 sync로: 잃는 쓰기 0, 대신 쓰기마다 부 서버의 확인을 기다린다.",
            "Writes go to the primary, reads to two replicas (the primary's utilisation falls from 36 % to 9 %). At 40 s the primary dies: 64 writes not yet replicated are at risk at once and lost when a replica is promoted 10 s later (asynchronous replication). Toggle: replication sync: no write is lost, and every write waits for the replicas' acknowledgement.",
        ),
        Lesson5 => (
            "캐시 적중률(약 70%, Che 근사와 일치)은 키의 인기도(Zipf), 용량, 방출 정책, TTL에서 나오고, 데이터베이스 부하는 그만큼 준다. 쓰기는 캐시의 사본을 지우고(invalidate) 누락은 주 서버에서 채우므로 낡은 읽기는 0. 바꿔 볼 것: write_strategy를 write_around로, ttl_s를 3600으로 하거나 fill_from을 replicas로 (지연된 부 서버가 옛 값을 채워 낡은 읽기 약 11만 건). 캐시를 죽이면 모든 읽기가 데이터베이스로 몰리고, 대기하던 부 서버가 받아 낸다.",
            "The hit ratio (about 70 %, as Che's approximation predicts) emerges from key popularity (Zipf), capacity, eviction and TTL, and database load falls by it. Writes delete the cached copy (invalidate) and misses read the primary, so no read is stale. Toggles: write_strategy write_around with ttl_s 3600, or fill_from replicas (lagging replicas refill old values: about 113 000 stale reads). Kill the cache and every read lands on the database, where the standing-by replicas take them.",
        ),
        Lesson6 => (
            "정적 파일은 CDN 엣지(왕복 10 ms)에서 나온다: p50이 151 ms에서 10 ms로, 원본 부하와 원본 전송료(egress)도 준다. 30초에 새 버전을 purge로 배포하면 purge 지연 10초 동안 낡은 파일 약 18 000건이 나간다. 바꿔 볼 것: invalidation을 versioned로: 낡은 파일 0. users에서 cdn으로 가는 연결을 지우면 원본이 전송료를 모두 낸다.",
            "Static assets come from CDN edges (10 ms away): p50 falls from 151 ms to 10 ms, and origin load and origin egress on the bill fall too. At 30 s a new version is deployed by purge: about 18 000 stale assets are served during the 10 s purge delay. Toggle: invalidation versioned: none. Delete the users → cdn connection and the origin pays all the egress.",
        ),
        Lesson7 => (
            "세션이 공유 세션 저장소에 있어 웹 계층이 무상태다: 30초에 web0이 죽어도 강제 로그인 0. 바꿔 볼 것: 로드밸런서의 sticky를 켜고 웹 서버의 sessions를 in_server로: 죽은 서버의 사용자들이 다시 로그인해야 한다 (약 1 700명). 세션 저장소를 죽이면 모든 요청이 실패한다: 저장소도 다중화해야 한다.",
            "Sessions live in a shared store, so the web tier is stateless: when web0 dies at 30 s nobody is logged out. Toggle: sticky on the balancer and sessions in_server on the web servers: the dead server's users must log in again (about 1 700). Kill the session store and every request fails: it must be replicated too.",
        ),
        Lesson8 => (
            "GeoDNS가 사용자를 가까운 데이터 센터로 보내고, 읽기는 자기 지역의 부 데이터베이스가 맡는다. 30초에 eu가 장애 나면 DNS TTL(30초)이 지난 뒤에야 eu 사용자가 us로 옮겨 간다: 그 사이 약 8 000건이 실패하고, 누구도 빨라지지 않는다 (p50 42 ms에서 70 ms로). 바꿔 볼 것: DNS ttl_s를 300으로 (실패 약 61 000건), replication을 sync로 (쓰기마다 대양을 왕복: p99 151 ms에서 232 ms로).",
            "GeoDNS sends users to the nearest data centre, and reads go to a replica in their own region. At 30 s eu fails: its users move to us only once the DNS TTL (30 s) has passed, about 8 000 requests failing meanwhile, and nobody gets faster (p50 42 ms to 70 ms). Toggles: DNS ttl_s 300 (about 61 000 failures); replication sync (every write crosses the ocean: p99 151 ms to 232 ms).",
        ),
        Lesson9 => (
            "생산자(웹 서버)는 큐에 작업을 넣고 바로 응답한다. 평소에는 작업 서버가 따라간다 (사용률 약 62%). 10~20초의 트래픽 급증과 30~38초에 20배 느려진 작업 서버로 백로그가 약 1 000, 1 850개까지 쌓였다가 0으로 줄어든다. 잃는 작업은 없고 생산자의 p99는 그대로다. 바꿔 볼 것: consumers를 두 배로 (급증에도 백로그 없음), 큐를 죽이기 (발행이 거부된다).",
            "Producers (the web server) enqueue a job and answer at once; at the base rate the workers keep up (about 62 % busy). A burst at 10–20 s and workers 20× slower at 30–38 s grow the backlog to about 1 000 and 1 850 jobs; it drains to 0, no job is lost, and the producers' p99 stays flat. Toggles: twice the consumers (no backlog in the burst); kill the queue (publishes are refused).",
        ),
        Lesson10 => (
            "호스트, 계층, 비즈니스 지표를 본다. 60초부터 트래픽이 3배가 되면 자동 확장이 CPU 사용률 70% 위에서 웹 서버를 추가한다. 새 인스턴스가 부팅하는 30초 동안 대기열이 차고 요청이 거부되다가 잦아든다. 바꿔 볼 것: autoscale을 끄면 실패가 두 배 넘게 는다. 규칙의 metric을 occupancy로 하면 느린 데이터베이스를 기다리는 시간까지 바쁨으로 세어 서버를 헛되이 늘린다.",
            "Watch host, tier and business metrics. From 60 s traffic triples and the autoscaler adds web servers above 70 % CPU; while they boot (30 s) the queue fills and requests are rejected, then it calms. Toggles: autoscale off (over twice the failures); the rule's metric occupancy (time waiting on a slow database counts as busy, and servers are added for nothing).",
        ),
        Lesson11 => (
            "샤딩 키로 데이터를 샤드 4개에 나눈다. 유명인사의 키(팬들의 좋아요와 댓글, 쓰기 80%)는 솔트 16개로 쓰기를 퍼뜨린다: 가장 바쁜 샤드의 사용률이 58%에서 41%로 주는 대신, 그 키를 읽을 때마다 모든 샤드에서 모아야 한다(gather reads). 40초에 다섯 번째 샤드가 들어온다: 안정 해시는 키의 약 1/5만 옮기고, 조절된 이주는 사용자 요청을 해치지 않는다. 바꿔 볼 것: salt 1, hot_shard dedicated, strategy modulo (키 대부분이 옮겨지고 이주가 두 배 넘게 걸린다).",
            "Data is split over 4 shards by a shard key. The celebrity's key (fans' likes and comments, 80 % writes) is salted 16 ways: its writes spread and the hottest shard cools from 58 % to 41 %, while every read of it gathers from all shards (gather reads). At 40 s a fifth shard joins: consistent hashing moves about a fifth of the keys, and the throttled migration spares user requests. Toggles: salt 1; hot_shard dedicated; strategy modulo (most keys move and the migration takes over twice as long).",
        ),
        CustomDesign => ("직접 만든 설계", "Custom design"),
        Stages => ("단계", "Stage"),
        Palette => ("구성 요소", "Components"),
        PaletteHint => ("캔버스로 끌어다 놓거나 눌러서 추가", "Drag onto the canvas, or press to add"),
        AddDataCentre => ("데이터 센터 추가", "Add data centre"),
        DataCentre => ("데이터 센터", "Data centre"),
        FailDataCentre => ("데이터 센터 장애", "Fail data centre"),
        RestoreDataCentre => ("데이터 센터 복구", "Restore data centre"),
        Undo => ("실행 취소", "Undo"),
        Redo => ("다시 실행", "Redo"),
        Delete => ("삭제", "Delete"),
        Duplicate => ("복제", "Duplicate"),
        ZoomIn => ("확대", "Zoom in"),
        ZoomOut => ("축소", "Zoom out"),
        ZoomFit => ("화면에 맞춤", "Fit to view"),
        Shortcuts => ("단축키", "Shortcuts"),
        ShortcutsTitle => ("키보드 단축키", "Keyboard shortcuts"),
        ConnectRefused => ("연결할 수 없습니다", "Connection refused"),
        ConnectHint => ("연결할 대상 노드를 선택하세요 (Esc 취소)", "Select the node to connect to (Esc cancels)"),
        EditorLabel => ("아키텍처 캔버스", "Architecture canvas"),
        Close => ("닫기", "Close"),
        DetailSticky => ("고정 세션", "sticky"),
        DetailHit => ("적중", "hit"),
        DetailWorkers => ("작업자 {n}", "{n} workers"),
        DetailInstances => ("인스턴스 {n}대", "{n} instances"),
        DetailBooting => ("{n}대 부팅 중", "{n} booting"),
        DetailAutoscale => ("자동 확장 {min}–{max}대", "autoscaling {min}–{max}"),
        DetailConsumers => ("소비자 {n}", "{n} consumers"),
        DetailRoutes => ("경로 {n}개", "{n} routes"),
        DetailWaf => ("탐지 {d}% · 오탐 {f}%", "detects {d}% · false alarms {f}%"),
        HintEdge => (
            "'{node}' 사용률 {util}%: 모든 요청이 이 관문을 지나갑니다. 작업자를 늘리거나 더 큰 인스턴스로 올리세요.",
            "'{node}' is at {util}%: every request passes this front door; give it more workers or a bigger instance.",
        ),
        DetailShards => ("샤드 {n} · 유명인사 키 {hot}", "{n} shards · hot keys {hot}"),
        NewDesign => ("새 설계", "New design"),
        HintSpof => (
            "'{node}'이(가) 죽었고 대신할 노드가 없습니다: 단일 장애 지점입니다. 다중화하세요.",
            "'{node}' is down and nothing takes over: a single point of failure. Add redundancy.",
        ),
        HintMoreServers => (
            "웹 서버 '{node}' 사용률 {util}%: 로드밸런서 뒤에 서버를 더 추가하세요 (수평적 규모 확장).",
            "Web server '{node}' is at {util}%: add more servers behind the load balancer (scale out).",
        ),
        HintBooting => (
            "서버 풀 '{node}' 사용률 {util}%: 자동 확장이 띄운 인스턴스가 아직 부팅 중입니다. 부팅이 끝날 때까지 대기열이 쌓입니다.",
            "Server pool '{node}' is at {util}%: the instances the autoscaler launched are still booting, and the queue grows until they serve.",
        ),
        HintAutoscaleMax => (
            "서버 풀 '{node}' 사용률 {util}%: 자동 확장이 최대 인스턴스 수에 닿았습니다. 최대값을 올리세요.",
            "Server pool '{node}' is at {util}%: the autoscaler has reached its maximum instances; raise the maximum.",
        ),
        HintScaleOut => (
            "서버 '{node}' 사용률 {util}%: 로드밸런서를 두고 서버를 늘리거나(수평적 규모 확장) 더 큰 서버로 바꾸세요(수직적 규모 확장).",
            "Server '{node}' is at {util}%: put a load balancer in front and scale out, or scale up to a bigger server.",
        ),
        HintDatabase => (
            "데이터베이스 '{node}' 사용률 {util}%: 읽기용 부 데이터베이스를 추가하거나 앞에 캐시를 두세요.",
            "Database '{node}' is at {util}%: add read replicas or put a cache in front of it.",
        ),
        HintStore => (
            "'{node}' 사용률 {util}%: 작업자나 노드를 늘리세요.",
            "'{node}' is at {util}%: give it more workers or nodes.",
        ),
        HintQueue => (
            "'{node}'의 작업 서버 사용률 {util}%: 소비자를 늘리지 않으면 백로그가 쌓입니다.",
            "The workers of '{node}' are at {util}%: add consumers or the backlog keeps growing.",
        ),
        HintHotShard => (
            "샤드 '{node}'가 포화 상태입니다: 유명인사 키라면 salting으로 분산하거나 재샤딩하세요.",
            "Shard '{node}' is saturated: salt a celebrity key to spread it, or reshard.",
        ),
        HintFailFast => (
            "'{node}'이(가) 죽었지만 헬스 체크가 빼기 전까지 로드밸런서가 계속 요청을 보내 실패합니다: 검사 간격 × 임계값만큼 걸립니다.",
            "'{node}' is down, but the load balancer keeps sending it requests, which fail, until health checks take it out (interval × threshold).",
        ),
        HintFailFastLeastConnections => (
            "'{node}'이(가) 죽었지만 헬스 체크가 빼기 전까지 요청을 받습니다. 최소 연결(least connections)은 바로 실패해 연결이 늘 비어 있는 이 서버에 오히려 더 많이 보냅니다.",
            "'{node}' is down but gets requests until health checks take it out, and least connections sends it more than the others: it fails fast, so it always has the fewest open connections.",
        ),
        HintMigration => (
            "재샤딩 중: 이번 구간에 키 {n}개를 새 샤드로 복사했습니다. 복사본도 샤드가 처리하는 쓰기 부하입니다.",
            "Resharding: {n} keys were copied to their new shard in this window; the copies are writes the shards must serve.",
        ),
        HintFailover => (
            "주 데이터베이스 '{node}'이(가) 죽었습니다: 장애 조치 지연({s}초) 뒤 부 서버 하나가 주 서버로 승격되어 쓰기를 받습니다.",
            "Primary database '{node}' is down: after the failover delay ({s} s) a replica is promoted and takes the writes.",
        ),
        Hints => ("힌트", "Hints"),
        EditMode => ("실행 중 편집", "Edits while running"),
        EditModeHint => (
            "처음부터 다시 실행하거나, 지금 구간이 끝난 뒤 새 설계로 이어서 실행합니다 (대기열과 캐시는 비어서 시작).",
            "Restart the run, or continue the timeline with the new design from the next window (queues and caches start empty).",
        ),
        EditRestart => ("다시 시작", "restart the run"),
        EditNextWindow => ("다음 구간부터 적용", "apply from the next window"),
        Spike => ("트래픽 급증 ×3", "Spike ×3"),
        SpikeHint => ("10초(시뮬레이션 시간) 동안 트래픽을 세 배로", "Triple the traffic for ten simulated seconds"),
        HelpSelectAll => ("모두 선택", "Select all"),
        HelpNudge => ("선택한 노드 이동 (격자 단위)", "Nudge the selection (one grid step)"),
        HelpChoose => ("노드로 이동 · 선택 (연결 중이면 대상으로 연결)", "Move to a node · select it (or finish a connection)"),
        HelpConnect => ("선택한 노드에서 연결 시작", "Start a connection from the selected node"),
        HelpZoom => ("확대 / 축소 / 원래 크기", "Zoom in / out / reset"),
        HelpPan => ("화면 이동 (선택이 없을 때 화살표)", "Pan (arrows when nothing is selected)"),
        HelpEscape => ("선택 해제 · 취소", "Clear selection · cancel"),
        WorkerFailed => ("시뮬레이션 워커를 시작하지 못했습니다.", "The simulation worker could not start."),
    };
    match lang {
        Lang::Ko => ko,
        Lang::En => en,
    }
}

/// A design problem in words, naming the node and the field.
pub fn diagnostic(lang: Lang, diag: &scalelab_design::Diagnostic) -> String {
    if lang == Lang::En {
        return diag.to_string();
    }
    // Translated by the problem's variant, never by its English text.
    let problem = inspector::problem_text(lang, &diag.problem);
    match (&diag.node, diag.field) {
        (Some(node), Some(field)) => format!("노드 '{node}', 필드 '{field}': {problem}"),
        (Some(node), None) => format!("노드 '{node}': {problem}"),
        _ => problem,
    }
}

/// The message shown for a link that could not be read.
pub fn decode_error(lang: Lang, err: &DecodeError) -> &'static str {
    match err {
        DecodeError::UnknownPrefix => t(lang, Key::LinkBroken),
        DecodeError::TooNew { .. } => t(lang, Key::LinkTooNew),
        DecodeError::Base64 | DecodeError::Inflate | DecodeError::Checksum => {
            t(lang, Key::LinkDamaged)
        }
        DecodeError::TooLarge { .. } => t(lang, Key::LinkTooLarge),
        DecodeError::Document(_) => t(lang, Key::LinkInvalid),
    }
}
