//! Dashboard texts (chart titles, series, table headers), Korean and English. Owned by the
//! dashboard; part of the one translation module.

use super::Lang;

/// Every string the dashboard shows. A closed enum, so a missing translation does not compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    // Chart titles.
    LatencyTitle,
    ThroughputTitle,
    HitRatioTitle,
    UtilizationTitle,
    QueueTitle,
    ReplicationTitle,
    JobsTitle,
    CostTitle,
    // Axes and labels.
    Window,
    SimTime,
    Milliseconds,
    PerSecond,
    ErrorsPerSecond,
    Percent,
    Requests,
    Instances,
    Writes,
    Jobs,
    DollarsPerHour,
    DollarsPerMonth,
    // Series.
    Throughput,
    Timeout,
    Rejected,
    NoRoute,
    NodeDown,
    RateLimited,
    Blocked,
    CacheHits,
    CdnHits,
    ReplicationLag,
    Unreplicated,
    Backlog,
    JobP50,
    JobP99,
    PerHour,
    PerMonth,
    // Live numbers.
    Errors,
    Busiest,
    Cost,
    CostPerMonth,
    CostPerMillion,
    PerMillion,
    // The bill.
    BillTitle,
    BillLine,
    BillHint,
    BillByNode,
    Share,
    Total,
    Node,
    // Tables and export.
    TableView,
    TableOf,
    ExportCsv,
    CsvReady,
    NoData,
    ShowPercentile,
    HoverHint,
    // The chapter's mechanisms, counted since the run started.
    TallyTitle,
    StaleReads,
    StaleReadsHelp,
    LostWrites,
    LostWritesHelp,
    WritesAtRisk,
    WritesAtRiskHelp,
    GatherReads,
    GatherReadsHelp,
    MigrationTime,
    MigrationTimeHelp,
    LostSessions,
    LostSessionsHelp,
    StaleResponses,
    StaleResponsesHelp,
    StampedeReads,
    StampedeReadsHelp,
    KeysMoved,
    KeysMovedHelp,
    InstancesLaunched,
    InstancesRetired,
    AutoscaleHelp,
}

/// The text of `key` in `lang`.
pub fn text(lang: Lang, key: Text) -> &'static str {
    use Text::*;
    let (ko, en) = match key {
        LatencyTitle => ("응답 지연 (ms)", "Latency (ms)"),
        ThroughputTitle => (
            "처리량과 원인별 오류 (초당)",
            "Throughput and errors by cause (per second)",
        ),
        HitRatioTitle => ("캐시 · CDN 적중률 (%)", "Cache and CDN hit ratio (%)"),
        UtilizationTitle => (
            "노드별 부하: CPU 사용률과 작업자 점유율 중 큰 값 (%)",
            "Load per node: the busier of CPU and worker occupancy (%)",
        ),
        QueueTitle => (
            "노드별 대기열 길이 (평균)",
            "Queue depth per node (time-averaged)",
        ),
        ReplicationTitle => (
            "복제 지연과 미복제 쓰기",
            "Replication lag and unreplicated writes",
        ),
        JobsTitle => (
            "메시지 큐 적체와 작업 지연",
            "Message-queue backlog and job latency",
        ),
        CostTitle => ("비용 ($/시간 · $/월)", "Cost ($/hour and $/month)"),
        Window => ("구간", "window"),
        SimTime => ("시뮬레이션 시간 (s)", "Simulated time (s)"),
        Milliseconds => ("ms", "ms"),
        PerSecond => ("초당 요청", "requests/s"),
        ErrorsPerSecond => ("초당 오류", "errors/s"),
        Percent => ("%", "%"),
        Requests => ("요청 수", "requests"),
        Instances => ("인스턴스", "instances"),
        Writes => ("쓰기 수", "writes"),
        Jobs => ("작업 수", "jobs"),
        DollarsPerHour => ("$/시간", "$/hour"),
        DollarsPerMonth => ("$/월", "$/month"),
        Throughput => ("처리량", "throughput"),
        Timeout => ("시간 초과", "timeout"),
        Rejected => ("거부(큐 가득 참)", "rejected (queue full)"),
        NoRoute => ("경로 없음", "no route"),
        NodeDown => ("노드 다운", "node down"),
        RateLimited => ("처리율 제한(429)", "rate limited (429)"),
        Blocked => ("WAF 차단(403)", "blocked by the WAF (403)"),
        CacheHits => ("캐시 적중률", "cache hits"),
        CdnHits => ("CDN 적중률", "CDN hits"),
        ReplicationLag => ("복제 지연 (ms)", "replication lag (ms)"),
        Unreplicated => ("미복제 쓰기", "unreplicated writes"),
        Backlog => ("큐 적체 (작업)", "backlog (jobs)"),
        JobP50 => ("작업 지연 p50 (ms)", "job latency p50 (ms)"),
        JobP99 => ("작업 지연 p99 (ms)", "job latency p99 (ms)"),
        PerHour => ("시간당", "per hour"),
        PerMonth => ("월", "per month"),
        Errors => ("오류", "Errors"),
        Busiest => ("최고 사용률", "Busiest node"),
        Cost => ("시간당 비용", "Cost per hour"),
        CostPerMonth => ("월 비용", "Cost per month"),
        CostPerMillion => ("요청 백만 건당 비용", "Cost per million requests"),
        PerMillion => ("/ 백만 요청", "per million requests"),
        BillTitle => (
            "청구서 (최근 구간의 속도로)",
            "The bill (at the latest window's pace)",
        ),
        BillLine => ("항목", "Line"),
        BillHint => (
            "항목에 마우스를 올리면 그 비용을 낸 노드가 보입니다.",
            "Hover over a line to see which nodes it comes from.",
        ),
        BillByNode => ("노드별 청구서", "The bill by node"),
        Share => ("비중", "Share"),
        Total => ("합계", "Total"),
        Node => ("노드", "Node"),
        TableView => ("표로 보기 (최근 30구간)", "Table view (last 30 windows)"),
        TableOf => ("표로 보기", "Table view"),
        ExportCsv => ("CSV로 내보내기 (전체 구간)", "Export CSV (all windows)"),
        CsvReady => ("CSV 다시 받기", "Download the CSV again"),
        NoData => (
            "아직 데이터가 없습니다. 시작을 누르세요.",
            "No data yet: press Start.",
        ),
        ShowPercentile => ("표시할 백분위수", "Percentiles shown"),
        HoverHint => (
            "차트 위에 마우스를 올리거나 화살표 키로 값을 봅니다.",
            "Hover over a chart, or focus it and use the arrow keys, to read values.",
        ),
        TallyTitle => ("실행 시작 이후 누적", "Since the run started"),
        StaleReads => ("오래된 데이터 읽기", "Stale reads"),
        StaleReadsHelp => (
            "읽기를 시작하기 전에 확인된 쓰기보다 오래된 값을 돌려준 읽기: 복제 지연이나 캐시와 데이터베이스의 불일치 때문입니다.",
            "Reads that returned a value older than a write acknowledged before the read started: replication lag, or a cache that disagrees with the database.",
        ),
        LostWrites => ("유실된 쓰기", "Lost writes"),
        LostWritesHelp => (
            "확인된 뒤 사라진 쓰기: 복제되기 전에 주 데이터베이스가 죽었거나, 나중 쓰기 캐시가 반영 전에 죽었습니다.",
            "Acknowledged writes that are gone: the primary died before replicating them, or a write-back cache died before flushing them.",
        ),
        WritesAtRisk => ("위험에 처한 쓰기", "Writes at risk"),
        WritesAtRiskHelp => (
            "주 데이터베이스가 죽을 때 가장 앞선 부 데이터베이스에도 없던 확인된 쓰기: 그 부 서버가 승격되면 유실되고, 주 서버가 먼저 돌아오면 남습니다.",
            "Acknowledged writes the most up-to-date replica lacked when the primary died: lost if that replica is promoted, kept if the primary comes back first.",
        ),
        GatherReads => ("솔팅 모아 읽기", "Gather reads"),
        GatherReadsHelp => (
            "솔팅된 핫 키를 읽으려고 첫 샤드 외에 더 읽은 샤드 수: 쓰기를 분산한 대가입니다.",
            "Extra shard reads that reading a salted hot key gathered, beyond the first: the price of spreading its writes.",
        ),
        MigrationTime => ("재샤딩 이동 시간", "Migration time"),
        MigrationTimeHelp => (
            "재샤딩으로 키를 새 샤드로 옮기는 데 걸린 시뮬레이션 시간: 옮길 키가 많을수록 깁니다.",
            "Simulated time a resharding spent copying keys to their new shards: the more keys move, the longer.",
        ),
        LostSessions => ("강제 재로그인", "Forced logins"),
        LostSessionsHelp => (
            "세션이 사라져 다시 로그인해야 했던 사용자: 세션을 가진 서버가 죽었거나 다른 서버로 보내졌습니다.",
            "Users who had to log in again because their session was gone: its server died, or they were sent to another one.",
        ),
        StaleResponses => ("오래된 CDN 응답", "Stale CDN responses"),
        StaleResponsesHelp => (
            "새 버전을 배포한 뒤에도 엣지에 남은 옛 사본으로 응답한 정적 요청입니다.",
            "Static requests answered from an edge copy older than the deployed version.",
        ),
        StampedeReads => ("캐시 스탬피드 중복 읽기", "Stampede reads"),
        StampedeReadsHelp => (
            "같은 키를 데이터베이스에서 이미 읽는 중인데 또 놓친 요청: 인기 키가 만료되거나 캐시가 비었을 때 모두 데이터베이스로 몰립니다.",
            "Misses for a key already being read from the database: when a hot key expires or the cache is cold, all of them hit the database.",
        ),
        KeysMoved => ("이동한 키", "Keys moved"),
        KeysMovedHelp => (
            "재샤딩으로 샤드가 바뀐 키: 모듈로는 거의 전부, 안정 해시는 약 1/(k+1)입니다.",
            "Keys whose shard changed in a resharding: almost all with modulo, about 1/(k+1) with consistent hashing.",
        ),
        InstancesLaunched => ("추가된 인스턴스", "Instances launched"),
        InstancesRetired => ("줄어든 인스턴스", "Instances retired"),
        AutoscaleHelp => (
            "자동 확장이 사용률에 따라 띄우거나 내린 웹 서버 인스턴스입니다.",
            "Web server instances the autoscaler launched or retired as utilisation changed.",
        ),
    };
    match lang {
        Lang::Ko => ko,
        Lang::En => en,
    }
}

/// The name of a line of the bill (the engine's `Bill::lines` names).
pub fn bill_line_text(lang: Lang, key: &str) -> &'static str {
    let (ko, en) = match key {
        "instances" => (
            "인스턴스 (서버 · DB · 캐시 · LB · DNS 고정비)",
            "Instances (servers, databases, caches, LB and DNS fees)",
        ),
        "internet_egress" => (
            "인터넷 전송 (원본 → 사용자)",
            "Internet egress (origin to users)",
        ),
        "cdn_egress" => ("CDN 전송 (엣지 → 사용자)", "CDN egress (edge to users)"),
        "cdn_requests" => ("CDN 요청 요금", "CDN request fees"),
        "cross_region" => ("데이터 센터 간 전송", "Transfer between data centres"),
        "lb_capacity" => ("로드밸런서 용량 (LCU)", "Load balancer capacity (LCU)"),
        "queue_requests" => ("메시지 큐 요청", "Message queue requests"),
        "dns_queries" => ("DNS 조회", "DNS queries"),
        "waf_requests" => ("WAF 검사 요청", "WAF requests inspected"),
        _ => return "?",
    };
    match lang {
        Lang::Ko => ko,
        Lang::En => en,
    }
}
