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
    // Tables and export.
    TableView,
    TableOf,
    ExportCsv,
    CsvReady,
    NoData,
    ShowPercentile,
    HoverHint,
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
        UtilizationTitle => ("노드별 사용률 (%)", "Utilisation per node (%)"),
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
        Cost => ("비용", "Cost"),
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
    };
    match lang {
        Lang::Ko => ko,
        Lang::En => en,
    }
}
