//! Inspector texts (field labels, units, option names, diagnostics), Korean and English. Owned
//! by the inspector; part of the one translation module. The Korean terms are the chapter's own.

use crate::i18n::kinds::{kind_name, unit_text};
use crate::i18n::Lang;
use scalelab_design::kinds::{KindTag, Unit};
use scalelab_design::lower::Problem;

/// A parameter's label and unit in one language. The unit may be empty (a count, a switch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldText {
    pub label: &'static str,
    pub unit: &'static str,
}

fn pick<T>(lang: Lang, ko: T, en: T) -> T {
    match lang {
        Lang::Ko => ko,
        Lang::En => en,
    }
}

/// The label and unit of the parameter at `path` (a field name, or `parent.field` inside a
/// nested object such as `profile.at_s`) of a node of kind `kind`, its unit the kind's
/// description's.
/// `None` for a field this build has no text for: the inspector then shows the raw name.
pub fn field_text(lang: Lang, kind: KindTag, path: &str) -> Option<FieldText> {
    // The same name means different things on different kinds: the TTL of a DNS answer, of a
    // cache entry and of an edge copy are three of the chapter's separate ideas.
    let (ko, en) = match (kind, path) {
        (KindTag::Dns, "ttl_s") => (
            "DNS TTL (응답 캐시 유지 시간)",
            "DNS TTL (how long answers are cached)",
        ),
        (KindTag::Cache, "ttl_s") => (
            "만료 정책: TTL (0이면 만료 없음)",
            "Expiry: TTL (0 = never)",
        ),
        (KindTag::Cdn, "ttl_s") => ("CDN TTL (만료 시한)", "CDN TTL (expiry)"),
        (KindTag::Cache, "capacity") => ("캐시 용량", "Cache capacity"),
        (KindTag::Cdn, "capacity") => ("엣지 캐시 용량", "Edge cache capacity"),
        (KindTag::SessionStore, "workers") => ("작업자 수 (동시 처리)", "Workers (in parallel)"),
        (_, "users") => ("사용자 수", "Users"),
        (_, "rate_rps") => ("초당 요청 수", "Request rate"),
        (_, "rtt_ms") => (
            "데이터 센터까지 왕복 지연 (RTT)",
            "Round trip to the data centre (RTT)",
        ),
        (_, "timeout_ms") => ("클라이언트 시간 제한", "Client timeout"),
        (_, "read_fraction") => ("읽기 비율 (나머지는 쓰기)", "Read share (the rest write)"),
        (_, "static_fraction") => ("정적 콘텐츠 요청 비율", "Share of static asset requests"),
        (_, "keys") => ("데이터 키 수", "Distinct data keys"),
        (_, "zipf_alpha") => (
            "인기도 쏠림 (Zipf α, 0이면 균등)",
            "Popularity skew (Zipf α, 0 = uniform)",
        ),
        (_, "static_objects") => ("정적 객체 수", "Static objects"),
        (_, "profile") => ("트래픽 변화", "Traffic profile"),
        (_, "profile.shape") => ("트래픽 변화 형태", "Profile shape"),
        (_, "profile.at_s") => ("시작 시각", "Starts at"),
        (_, "profile.factor") => ("배수", "Factor"),
        (_, "profile.from_s") => ("증가 시작", "Ramp from"),
        (_, "profile.to_s") => ("증가 끝", "Ramp to"),
        (_, "profile.period_s") => ("주기", "Period"),
        (_, "profile.amplitude") => ("진폭", "Amplitude"),
        (_, "profile.duration_s") => ("지속 시간", "Duration"),
        (_, "lookup_ms") => ("DNS 조회 시간", "DNS lookup time"),
        (_, "workers") => ("작업자 수 (동시 처리)", "Workers (in parallel)"),
        (_, "queue_capacity") => ("대기열 용량", "Queue capacity"),
        (_, "service_ms") => ("평균 처리 시간", "Mean service time"),
        (_, "service_shape") => ("처리 시간 분포", "Service-time distribution"),
        (_, "service_cv") => (
            "변동 계수 (로그 정규 분포)",
            "Coefficient of variation (log-normal)",
        ),
        (_, "instance") => ("인스턴스 유형 (비용)", "Instance type (sets the cost)"),
        (_, "sessions") => ("세션 저장 위치", "Where sessions live"),
        (_, "instances") => ("인스턴스 수 (서버 풀)", "Instances (server pool)"),
        (_, "warm") => ("캐시 예열 (warming)", "Cache warming"),
        (_, "autoscale") => ("자동 규모 확장", "Autoscaling"),
        (_, "autoscale.mode") => ("자동 확장 규칙", "Autoscaling rule"),
        (_, "autoscale.min_instances") => ("최소 인스턴스", "Minimum instances"),
        (_, "autoscale.max_instances") => ("최대 인스턴스", "Maximum instances"),
        (_, "autoscale.scale_out_above") => ("이 사용률 위에서 확장", "Scale out above"),
        (_, "autoscale.scale_in_below") => ("이 사용률 아래에서 축소", "Scale in below"),
        (_, "autoscale.interval_s") => ("평가 주기", "Evaluation interval"),
        (_, "autoscale.boot_s") => ("인스턴스 부팅 시간", "Instance boot time"),
        (_, "policy") => ("로드밸런서 알고리즘", "Load-balancing algorithm"),
        (_, "health_interval_s") => ("헬스 체크 주기", "Health-check interval"),
        (_, "health_threshold") => (
            "헬스 체크 실패 허용 횟수",
            "Failed health checks before removal",
        ),
        (_, "sticky") => ("고정 세션 (sticky session)", "Sticky sessions"),
        (_, "eviction") => ("캐시 방출 정책", "Eviction policy"),
        (_, "ttl_reset") => ("조회될 때마다 TTL 갱신", "Reset the TTL on every hit"),
        (_, "read_strategy") => ("캐시 읽기 전략", "Cache read strategy"),
        (_, "write_strategy") => ("캐시 쓰기 전략", "Cache write strategy"),
        (_, "flush_interval_s") => ("나중 쓰기 반영 주기", "Write-back flush interval"),
        (_, "read_ms") => ("읽기 처리 시간", "Read service time"),
        (_, "write_ms") => ("쓰기 처리 시간", "Write service time"),
        (_, "replicas") => ("부 데이터베이스 수 (읽기 전용)", "Read replicas"),
        (_, "replication") => ("다중화 방식", "Replication"),
        (_, "lag_ms") => ("복제 지연", "Replication lag"),
        (_, "failover_s") => ("장애 조치 (주 승격) 지연", "Failover (promotion) delay"),
        (_, "replica_regions") => (
            "부 데이터베이스의 데이터 센터 (쉼표로 구분)",
            "Replicas' data centres (comma-separated)",
        ),
        (_, "edge_rtt_ms") => ("엣지까지 왕복 지연", "Round trip to the edge"),
        (_, "object_kb") => ("객체 크기", "Object size"),
        (_, "invalidation") => ("콘텐츠 무효화 방법", "Invalidation"),
        (_, "purge_delay_s") => ("퍼지 전파 시간", "Purge propagation delay"),
        (_, "consumers") => ("소비자 (작업 서버) 수", "Consumers (workers)"),
        (_, "job_ms") => ("작업 하나의 처리 시간", "Time per job"),
        (_, "publish_ms") => ("발행 시간", "Publish time"),
        (_, "shards") => ("샤드 수", "Shards"),
        (_, "spare_shards") => ("예비 샤드 (재샤딩용)", "Spare shards (for resharding)"),
        (_, "strategy") => ("샤딩 전략", "Sharding strategy"),
        (_, "strategy.kind") => ("샤딩 방식", "Sharding method"),
        (_, "strategy.vnodes") => ("샤드당 가상 노드 수", "Virtual nodes per shard"),
        (_, "hot_keys") => ("유명인사 (핫) 키 수", "Celebrity (hot) keys"),
        (_, "salt") => (
            "키 솔팅 접미사 수 (salting, 1이면 없음)",
            "Salt suffixes per hot key (1 = none)",
        ),
        (_, "migration_rps") => ("재샤딩 키 이동 속도", "Resharding migration rate"),
        (_, "migration_share") => (
            "데이터 이동이 쓸 수 있는 샤드 작업자 비율",
            "Share of a shard's workers migration may hold",
        ),
        (_, "hot_shard") => ("핫 키를 두는 곳", "Where the hot keys live"),
        (_, "response_kb") => ("동적 응답 크기", "Dynamic response size"),
        (_, "static_kb") => (
            "정적 파일 크기 (비우면 CDN의 객체 크기)",
            "Static asset size (empty = the CDN's object size)",
        ),
        (_, "fill_from") => ("캐시 미스를 채울 데이터베이스", "Misses fill from"),
        (_, "item_kb") => ("항목 하나의 메모리", "Memory per cached item"),
        (_, "record_kb") => ("레코드 크기", "Record size"),
        (_, "autoscale.metric") => ("측정 기준", "Measured utilisation"),
        (_, "attack_share") => ("공격 요청 비율", "Share of attack requests"),
        (_, "attack_cost") => (
            "공격 요청 하나의 처리 비용 (보통 요청의 배수)",
            "Cost of an attack request (× a normal one)",
        ),
        (_, "paths") => ("요청 경로 비율", "Request paths and their shares"),
        (_, "routes") => ("경로별 서비스", "Service per path"),
        (_, "default_route") => ("경로가 없을 때 보낼 곳", "Where unrouted paths go"),
        (_, "rate_limit") => ("처리율 제한 장치", "Rate limiter"),
        (_, "rate_limit.kind") => ("제한 단위", "Limit per"),
        (_, "rate_limit.rate_rps") => ("허용 요청 속도 (토큰 보충)", "Allowed rate (token refill)"),
        (_, "rate_limit.burst") => ("버킷 크기 (순간 허용량)", "Bucket size (burst)"),
        (_, "detection") => ("공격 탐지율", "Attacks caught (detection rate)"),
        (_, "false_positive") => (
            "오탐률 (막힌 정상 요청 비율)",
            "False alarms (legitimate requests blocked)",
        ),
        (_, "rules") => ("규칙 수 (월 요금)", "Rules (billed monthly)"),
        _ => return None,
    };
    // The unit is the parameter's own, from the kind's description.
    let unit = kind.spec().param(path).map_or(Unit::None, |p| p.unit());
    Some(FieldText {
        label: pick(lang, ko, en),
        unit: unit_text(unit, lang),
    })
}

/// A sentence under a strategy switch saying what it trades, in the chapter's words.
pub fn field_hint(lang: Lang, kind: KindTag, path: &str) -> Option<&'static str> {
    let (ko, en) = match (kind, path) {
        (KindTag::Cache, "ttl_s") => (
            "너무 짧으면 데이터베이스를 자주 읽고, 너무 길면 원본과 달라진 데이터를 읽습니다.",
            "Too short and the database is read too often; too long and reads go stale.",
        ),
        (KindTag::Dns, "ttl_s") => (
            "데이터 센터 장애 시 트래픽이 옮겨 가기까지 이 시간만큼 걸릴 수 있습니다.",
            "After a data centre fails, clients may keep its address this long.",
        ),
        (_, "sticky") => (
            "같은 사용자를 늘 같은 서버로 보냅니다. 서버가 죽으면 그 사용자들의 세션을 잃습니다.",
            "Sends a user to the same server every time; if it dies, its users' sessions are lost.",
        ),
        (_, "autoscale") => (
            "사용률이 기준을 넘으면 웹 서버를 추가하고, 낮아지면 줄입니다. 새 인스턴스는 부팅이 끝나야 요청을 받습니다.",
            "Adds web servers when utilisation crosses the threshold and removes them when it falls; a new instance serves only once it has booted.",
        ),
        (_, "warm") => (
            "시작할 때와 장애 뒤 돌아올 때 인기 키를 미리 채웁니다. 끄면 빈 캐시가 놓친 요청을 데이터베이스로 쏟아냅니다.",
            "Loads the most popular keys at start and after a crash; without it, a cold cache sends a burst of misses to the database.",
        ),
        (_, "instances") => (
            "같은 서버 여러 대가 하나의 대기열을 나눠 처리합니다. 대수만큼 비용이 듭니다.",
            "Identical servers sharing one queue; each one is billed.",
        ),
        (_, "sessions") => (
            "서버 메모리에 두면 고정 세션이 필요하고, 세션 저장소를 연결하면 웹 계층이 무상태가 됩니다.",
            "In server memory needs sticky sessions; connect a session store for a stateless web tier.",
        ),
        (_, "replication") => (
            "비동기는 쓰기가 빠르지만 주 데이터베이스가 죽으면 복제되지 않은 쓰기를 잃습니다.",
            "Asynchronous writes are fast, but writes not yet replicated are lost if the primary dies.",
        ),
        (_, "write_strategy") => (
            "쓰기 우회는 캐시 사본을 TTL까지 오래된 채로 두고, 쓰기 때 삭제하면 대부분의 오래된 읽기를 막습니다. 나중 쓰기는 빠르지만 캐시가 죽으면 반영되지 않은 쓰기를 잃습니다.",
            "Write-around leaves a cached copy stale until its TTL; deleting it on write avoids most stale reads. Write-back is fast, but buffered writes are lost if the cache crashes.",
        ),
        (_, "invalidation") => (
            "새 버전 배포 뒤 만료 전의 엣지 사본은 오래된 응답을 줍니다. 버저닝은 URL을 바꿔 즉시 반영합니다.",
            "After a deploy, unexpired edge copies serve stale assets; a versioned URL changes at once.",
        ),
        (_, "strategy") => (
            "모듈로는 샤드를 늘리면 거의 모든 키가 옮겨 가고, 안정 해시는 약 1/(k+1)만 옮겨 갑니다.",
            "Modulo moves almost every key when a shard is added; consistent hashing about 1/(k+1).",
        ),
        (_, "salt") => (
            "핫 키에 접미사를 붙여 쓰기를 여러 샤드로 나눕니다. 읽기는 모든 접미사를 모아야 합니다.",
            "Suffixes spread a hot key's writes over shards; reads must gather every suffix.",
        ),
        (_, "policy") => (
            "헬스 체크에 실패한 서버에는 보내지 않습니다.",
            "Servers that fail their health checks get no traffic.",
        ),
        (_, "fill_from") => (
            "부 데이터베이스에서 채우면 복제 지연만큼 오래된 값이 캐시에 남을 수 있고, 주 데이터베이스에서 채우면 최신이지만 주 서버가 바빠집니다.",
            "Filling from replicas can cache a value as old as the replication lag; filling from the primary is fresh but loads it.",
        ),
        (_, "hot_shard") => (
            "전용 샤드는 유명인사 키를 다른 키와 떼어 놓습니다. 그 샤드 하나가 감당할 수 있을 때까지만.",
            "A dedicated shard keeps the celebrity keys away from the others, as long as that one shard can carry them.",
        ),
        (_, "item_kb") => (
            "용량 × 항목 크기가 인스턴스 메모리보다 크면 캐시는 여러 노드의 클러스터가 되고 노드마다 비용이 듭니다.",
            "When capacity × item size exceeds the instance's memory the cache is a cluster of nodes, each billed.",
        ),
        (_, "response_kb") => (
            "사용자에게 보내는 응답은 인터넷 전송 요금(egress)으로 청구됩니다.",
            "Responses sent to users are billed as internet egress.",
        ),
        (_, "autoscale.metric") => (
            "웹 서버는 캐시와 데이터베이스를 기다리는 동안에도 작업자를 붙잡습니다: CPU는 한가해도 작업자 점유율은 높을 수 있습니다.",
            "A web server's worker is held while it waits on the cache and database: CPU may be idle while worker occupancy is high.",
        ),
        _ => return None,
    };
    Some(pick(lang, ko, en))
}

/// The name of one option of a switch (`field` is the path, e.g. `policy` or `profile.shape`;
/// `value` the JSON name). `None` for an option this build has no text for.
pub fn option_text(lang: Lang, field: &str, value: &str) -> Option<&'static str> {
    let (ko, en) = match (field, value) {
        ("policy", "round_robin") => ("라운드 로빈 (round robin)", "Round robin"),
        ("policy", "least_connections") => ("최소 연결 (least connections)", "Least connections"),
        ("policy", "random") => ("무작위 (random)", "Random"),
        ("policy", "ip_hash") => ("IP 해시 (ip hash)", "IP hash"),
        ("policy", "power_of_two") => (
            "둘 중 덜 바쁜 쪽 (power of two choices)",
            "Power of two choices",
        ),
        ("eviction", "lru") => (
            "LRU (가장 오래전에 사용된 것부터)",
            "LRU (least recently used)",
        ),
        ("eviction", "lfu") => (
            "LFU (가장 적게 사용된 것부터)",
            "LFU (least frequently used)",
        ),
        ("eviction", "fifo") => ("FIFO (먼저 들어온 것부터)", "FIFO (first in, first out)"),
        ("read_strategy", "cache_aside") => (
            "읽기 주도형 (cache-aside / look-aside)",
            "Cache-aside (look-aside)",
        ),
        ("read_strategy", "read_through") => ("읽기 관통 (read-through)", "Read-through"),
        ("write_strategy", "write_around") => ("쓰기 우회 (write-around)", "Write-around"),
        ("write_strategy", "write_through") => ("연속 쓰기 (write-through)", "Write-through"),
        ("write_strategy", "write_back") => ("나중 쓰기 (write-back)", "Write-back"),
        ("write_strategy", "invalidate") => (
            "DB에 쓰고 캐시 항목 삭제 (cache-aside)",
            "Write the database, delete the cached copy (cache-aside)",
        ),
        ("replication", "async") => ("비동기 (async)", "Asynchronous"),
        ("replication", "sync") => ("동기 (sync)", "Synchronous"),
        ("invalidation", "ttl") => ("TTL 만료까지 기다림", "Wait for the TTL"),
        ("invalidation", "purge") => ("퍼지 API (purge)", "Purge API"),
        ("invalidation", "versioned") => ("객체 버저닝 (URL ?v=2)", "Versioned URL (?v=2)"),
        ("service_shape", "constant") => ("일정", "Constant"),
        ("service_shape", "exponential") => ("지수 분포", "Exponential"),
        ("service_shape", "log_normal") => ("로그 정규 분포", "Log-normal"),
        ("sessions", "none") => (
            "세션 없음 / 세션 저장소 (무상태)",
            "None / session store (stateless)",
        ),
        ("sessions", "in_server") => (
            "서버 메모리 (상태 유지, 고정 세션 필요)",
            "In server memory (stateful, needs sticky sessions)",
        ),
        ("autoscale.mode", "off") => ("끔 (고정 대수)", "Off (fixed instances)"),
        ("autoscale.mode", "utilization") => ("사용률 기준", "By utilisation"),
        ("profile.shape", "steady") => ("일정", "Steady"),
        ("profile.shape", "step") => ("계단식 증가", "Step"),
        ("profile.shape", "ramp") => ("점진적 증가", "Ramp"),
        ("profile.shape", "daily") => ("하루 주기", "Daily cycle"),
        ("profile.shape", "spike") => ("순간 급증", "Spike"),
        ("strategy.kind", "modulo") => ("모듈로 (key % N)", "Modulo (key % N)"),
        ("strategy.kind", "range") => ("범위 기반 (range)", "Range"),
        ("strategy.kind", "consistent_hash") => {
            ("안정 해시 (consistent hashing)", "Consistent hashing")
        }
        ("strategy.kind", "jump_hash") => ("점프 해시 (jump hash)", "Jump hash"),
        ("rate_limit.kind", "none") => ("제한 없음", "No limit"),
        ("rate_limit.kind", "global") => {
            ("전체 하나의 버킷 (global)", "One bucket for all (global)")
        }
        ("rate_limit.kind", "per_user") => ("사용자마다 버킷 (per user)", "A bucket per user"),
        ("fill_from", "replicas") => (
            "부 데이터베이스 (뒤처진 사본을 채울 수 있음)",
            "Replicas (a lagging one fills a stale copy)",
        ),
        ("fill_from", "primary") => (
            "주 데이터베이스 (최신, 대신 주 서버 부하)",
            "Primary (fresh, but loads the primary)",
        ),
        ("hot_shard", "shared") => (
            "일반 샤드에 함께 (솔팅 시 분산)",
            "On the shards (spread when salted)",
        ),
        ("hot_shard", "dedicated") => ("전용 샤드 하나", "A dedicated shard of their own"),
        ("standby.mode", "hot") => (
            "핫: 전체가 가동 중 (빠른 복구, 비용 전부)",
            "Hot: a full copy running (fast, full cost)",
        ),
        ("standby.mode", "warm") => (
            "웜: 일부만 가동, 나머지는 부팅 (중간)",
            "Warm: part running, the rest boots (in between)",
        ),
        ("standby.mode", "cold") => (
            "콜드: 백업만 보관, 복원에 수십 분 (저렴, 마지막 백업 이후 유실)",
            "Cold: backups only, a restore of minutes (cheap; loses writes since the last backup)",
        ),
        ("autoscale.metric", "cpu") => ("CPU 사용률", "CPU utilisation"),
        ("autoscale.metric", "occupancy") => ("작업자 점유율", "Worker occupancy"),
        _ => return None,
    };
    Some(pick(lang, ko, en))
}

/// The inspector's fixed texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    Panel,
    SelectHint,
    Id,
    Region,
    DefaultRegion,
    StandbyFor,
    NoStandby,
    StandbyMode,
    Parameters,
    Faults,
    Kill,
    Restore,
    Slow,
    Normal,
    KillRegion,
    RestoreRegion,
    Theory,
    Measured,
    Expected,
    CpuUtilization,
    Occupancy,
    OccupancyNote,
    MeanQueue,
    MeanResponse,
    P99Response,
    ArrivalRate,
    HitRatio,
    Unstable,
    NoMeasurement,
    NotANumber,
    Refused,
    IdEmpty,
    IdTaken,
    ProblemsElsewhere,
    QueueModelNote,
    CacheModelNote,
    TtlOnly,
    Computing,
    Notes,
}

pub fn text(lang: Lang, key: Text) -> &'static str {
    use Text::*;
    let (ko, en) = match key {
        Panel => ("속성", "Inspector"),
        SelectHint => (
            "캔버스에서 노드를 하나 선택하면 여기서 매개변수를 바꾸고 장애를 주입할 수 있습니다.",
            "Select one node on the canvas to edit its parameters and inject faults here.",
        ),
        Id => ("이름 (id)", "Name (id)"),
        Region => ("데이터 센터", "Data centre"),
        DefaultRegion => ("기본 (첫 번째 데이터 센터)", "Default (the first data centre)"),
        StandbyFor => (
            "이 데이터 센터: 재해 복구 대기 (대신할 주 데이터 센터)",
            "This data centre: disaster-recovery standby for",
        ),
        NoStandby => ("대기 아님 (평소처럼 요청을 받음)", "No standby (serves as usual)"),
        StandbyMode => ("대기 방식", "Standby mode"),
        Parameters => ("매개변수", "Parameters"),
        Faults => ("장애 주입", "Faults"),
        Kill => ("노드 장애 주입", "Kill node"),
        Restore => ("노드 복구", "Restore node"),
        Slow => ("4배 느리게", "Slow down ×4"),
        Normal => ("정상 속도", "Normal speed"),
        KillRegion => ("데이터 센터 전체 장애", "Fail the whole data centre"),
        RestoreRegion => ("데이터 센터 복구", "Restore the data centre"),
        Theory => ("이론과 시뮬레이션", "Theory beside simulation"),
        Notes => ("알아 둘 점", "Worth knowing"),
        Measured => ("측정값", "Measured"),
        Expected => ("이론값", "Theory"),
        CpuUtilization => ("CPU 사용률", "CPU"),
        Occupancy => ("작업자 점유율", "Worker occupancy"),
        OccupancyNote => (
            "웹 서버의 작업자는 캐시와 데이터베이스의 응답을 기다리는 동안에도 점유되므로, 측정된 점유율은 CPU 시간만 센 이론값보다 높습니다. CPU 사용률은 vCPU 시간 중 계산한 비율입니다.",
            "A web server's worker is also held while it waits on the cache and database, so measured occupancy exceeds the theory, which counts CPU time only. CPU is the share of the vCPUs' time spent computing.",
        ),
        MeanQueue => ("평균 대기열 길이", "Mean queue length"),
        MeanResponse => ("평균 응답 시간 (노드)", "Mean response at the node"),
        P99Response => ("p99 응답 시간 (노드)", "p99 response at the node"),
        ArrivalRate => ("도착률 (측정)", "Arrival rate (measured)"),
        HitRatio => ("캐시 적중률", "Hit ratio"),
        Unstable => ("불안정 (ρ ≥ 1): 대기열이 끝없이 늘어납니다", "unstable (ρ ≥ 1): the queue grows without bound"),
        NoMeasurement => ("측정 구간이 아직 없습니다. 실행하면 나타납니다.", "No window measured yet: start the run."),
        NotANumber => ("숫자가 아닙니다", "not a number"),
        Refused => ("이 값은 받아들일 수 없습니다", "this value is refused"),
        IdEmpty => ("이름이 비어 있으면 안 됩니다", "the id must not be empty"),
        IdTaken => ("다른 노드가 이미 쓰는 이름입니다", "another node already has this id"),
        ProblemsElsewhere => ("이 노드의 다른 문제", "Other problems of this node"),
        QueueModelNote => (
            "M/M/c (얼랭 C): 포아송 도착, 지수 분포 처리 시간, 작업자 c명이 대기열 하나를 공유.",
            "M/M/c (Erlang C): Poisson arrivals, exponential service, c workers sharing one queue.",
        ),
        CacheModelNote => (
            "Zipf 인기도의 독립 참조 모델: LRU는 Che 근사, FIFO는 특성 시간 근사, LFU는 상위 C개 키.",
            "Independent reference model with Zipf popularity: Che's approximation for LRU, the characteristic-time law for FIFO, the top C keys for LFU.",
        ),
        TtlOnly => ("TTL만 고려 (용량 무제한)", "TTL alone (unlimited capacity)"),
        Computing => ("계산할 수 없음", "not computable"),
    };
    pick(lang, ko, en)
}

/// One diagnostic's problem in words, without the node and field (the inspector shows it next
/// to the field). English is the design crate's own text.
pub fn problem_text(lang: Lang, problem: &Problem) -> String {
    if lang == Lang::En {
        // Display of a diagnostic without node and field is exactly the problem's sentence.
        let bare = scalelab_design::Diagnostic {
            node: None,
            field: None,
            problem: problem.clone(),
        };
        return bare.to_string();
    }
    match problem {
        Problem::EmptyId => "이름(id)이 비어 있습니다".into(),
        Problem::DuplicateId => "같은 이름을 쓰는 노드가 또 있습니다".into(),
        Problem::DanglingEdge { missing } => {
            format!("연결이 가리키는 '{missing}' 노드가 없습니다")
        }
        Problem::OutOfRange { value, min, max } => {
            format!("{value}은(는) 허용 범위 {min} ~ {max}를 벗어났습니다")
        }
        Problem::MissingConnection { expected } => {
            let names: Vec<&str> = expected.iter().map(|k| kind_name(*k, lang)).collect();
            format!("{}(으)로 나가는 연결이 필요합니다", names.join(" 또는 "))
        }
        Problem::UnsupportedConnection { from, to } => format!(
            "{}은(는) {}(으)로 요청을 보낼 수 없습니다",
            kind_name(*from, lang),
            kind_name(*to, lang)
        ),
        Problem::TooManyConnections => "같은 역할의 나가는 연결이 둘 이상입니다".into(),
        Problem::UnknownInstance { instance } => {
            format!("알 수 없는 인스턴스 유형 '{instance}'")
        }
        Problem::NoUsers => "트래픽을 보낼 사용자 노드가 없습니다".into(),
        Problem::BadWindow { value } => {
            format!("측정 구간 {value}초는 0.1 ~ 60초를 벗어났습니다")
        }
        Problem::UnknownRegion { region } => format!("알 수 없는 데이터 센터 '{region}'"),
        Problem::UnknownNode { missing } => format!("'{missing}' 노드가 없습니다"),
        Problem::NotAnInstance => {
            "이 가격 항목은 vCPU와 메모리가 있는 인스턴스 유형이 아닙니다".into()
        }
        Problem::BadShardMap => "이 설정으로는 샤드 맵을 만들 수 없습니다".into(),
        Problem::BadStandby { region } => format!(
            "'{region}'은(는) 주 데이터 센터가 될 수 없습니다: 대기 데이터 센터는 대기 중이 아닌 다른 데이터 센터를 대신합니다"
        ),
        Problem::RouteNotConnected { to } => {
            format!("경로가 '{to}'(으)로 가는데, 그 노드와 연결되어 있지 않습니다")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every problem reads in Korean by its variant, with the kinds it names translated: the
    /// Korean text never carries the English sentence (it used to be found by matching it).
    #[test]
    fn every_problem_is_translated_by_its_variant() {
        let problems = [
            Problem::EmptyId,
            Problem::DuplicateId,
            Problem::DanglingEdge {
                missing: "ghost".into(),
            },
            Problem::OutOfRange {
                value: 5.0,
                min: 0.0,
                max: 1.0,
            },
            Problem::MissingConnection {
                expected: &[KindTag::Dns, KindTag::LoadBalancer, KindTag::Server],
            },
            Problem::UnsupportedConnection {
                from: KindTag::Cache,
                to: KindTag::Users,
            },
            Problem::TooManyConnections,
            Problem::UnknownInstance {
                instance: "cray-1".into(),
            },
            Problem::NoUsers,
            Problem::BadWindow { value: 99.0 },
            Problem::UnknownRegion {
                region: "mars".into(),
            },
            Problem::UnknownNode {
                missing: "db/r9".into(),
            },
            Problem::NotAnInstance,
            Problem::BadShardMap,
            Problem::RouteNotConnected { to: "web".into() },
            Problem::BadStandby {
                region: "eu".into(),
            },
        ];
        for problem in problems {
            let (ko, en) = (
                problem_text(Lang::Ko, &problem),
                problem_text(Lang::En, &problem),
            );
            assert!(ko.chars().any(|c| ('가'..='힣').contains(&c)), "{ko}");
            assert_ne!(ko, en);
            assert!(!ko.contains("needs a") && !ko.contains("cannot"), "{ko}");
        }
        let missing = Problem::MissingConnection {
            expected: &[KindTag::LoadBalancer, KindTag::Server],
        };
        assert_eq!(
            problem_text(Lang::En, &missing),
            "needs a connection to a load balancer or server"
        );
        assert!(problem_text(Lang::Ko, &missing).contains("로드밸런서 또는 웹 서버"));
    }
}
