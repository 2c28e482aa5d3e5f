//! The engine's events in the chapter's words, Korean and English: a chart marker's short label,
//! the event log's sentence, and the log's own texts. Owned by `crate::events`.

use crate::i18n::Lang;
use scalelab_engine::{Command, EventKind, SimEvent, StandbyMode};

/// The log's texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    Title,
    Empty,
    Dropped,
    /// "select {node} on the canvas"
    SelectNode,
}

pub fn text(lang: Lang, key: Text) -> &'static str {
    let (ko, en) = match key {
        Text::Title => ("무슨 일이 있었나 (사건 기록)", "What happened (event log)"),
        Text::Empty => (
            "아직 사건이 없습니다. 장애, 헬스 체크, 장애 조치, 트래픽 변화가 여기에 시간 순서로 나옵니다.",
            "Nothing has happened yet. Faults, health checks, failovers and traffic changes appear here in time order.",
        ),
        Text::Dropped => ("개의 사건은 생략되었습니다", "more events were left out"),
        Text::SelectNode => ("캔버스에서 선택", "select on the canvas"),
    };
    match lang {
        Lang::Ko => ko,
        Lang::En => en,
    }
}

/// The traffic slider's note beside the base rate: what the profile offers now.
pub fn offered(lang: Lang) -> &'static str {
    match lang {
        Lang::Ko => "지금 실제 요청률",
        Lang::En => "offered now",
    }
}

/// How the events name engine nodes and data centres.
pub trait Names {
    fn node(&self, id: u32) -> String;
    fn region(&self, id: u16) -> String;
}

fn pick(lang: Lang, ko: String, en: String) -> String {
    match lang {
        Lang::Ko => ko,
        Lang::En => en,
    }
}

fn num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// A marker's label: a word or two.
pub fn short(lang: Lang, e: &SimEvent, names: &dyn Names) -> String {
    let node = e.node.map(|n| names.node(n)).unwrap_or_default();
    let (ko, en) = match &e.what {
        EventKind::Fault { command, .. } => match command {
            Command::SetRate { .. } => ("요청률".to_string(), "rate".to_string()),
            Command::Kill { .. } => (format!("{node} ✕"), format!("{node} ✕")),
            Command::Restore { .. } => (format!("{node} ↺"), format!("{node} ↺")),
            Command::Slow { .. } => (format!("{node} 느림"), format!("{node} slow")),
            Command::KillRegion { region } => (
                format!("{} ✕", names.region(*region)),
                format!("{} ✕", names.region(*region)),
            ),
            Command::RestoreRegion { region } => (
                format!("{} ↺", names.region(*region)),
                format!("{} ↺", names.region(*region)),
            ),
            Command::Partition { .. } => ("단절".into(), "partition".into()),
            Command::Heal { .. } => ("복구".into(), "heal".into()),
            Command::Deploy { .. } => ("배포".into(), "deploy".into()),
            Command::Reshard { .. } => ("재샤딩".into(), "reshard".into()),
        },
        EventKind::TargetOut { target } => {
            let t = names.node(*target);
            (format!("{t} 제외"), format!("{t} out"))
        }
        EventKind::TargetIn { target } => {
            let t = names.node(*target);
            (format!("{t} 복귀"), format!("{t} in"))
        }
        EventKind::Failover { .. } => ("장애 조치".into(), "failover".into()),
        EventKind::Launched { count } => (format!("+{count} 시작"), format!("+{count} launch")),
        EventKind::Booted { count } => (format!("+{count} 부팅"), format!("+{count} booted")),
        EventKind::Retired { count } => (format!("−{count}"), format!("−{count} retired")),
        EventKind::Purged => ("퍼지".into(), "purge".into()),
        EventKind::ReshardStarted { .. } => ("이동 시작".into(), "moving".into()),
        EventKind::ReshardFinished { .. } => ("이동 끝".into(), "moved".into()),
        EventKind::RateStep { factor, .. } => {
            (format!("×{}", num(*factor)), format!("×{}", num(*factor)))
        }
        EventKind::RampStarted { .. } => ("증가 시작".into(), "ramp".into()),
        EventKind::RampEnded { .. } => ("증가 끝".into(), "ramp end".into()),
        EventKind::SpikeStarted { factor, .. } => (
            format!("급증 ×{}", num(*factor)),
            format!("spike ×{}", num(*factor)),
        ),
        EventKind::SpikeEnded { .. } => ("급증 끝".into(), "spike end".into()),
        EventKind::Saturated { .. } => (format!("{node} 포화"), format!("{node} full")),
        EventKind::Recovered { .. } => (format!("{node} 회복"), format!("{node} ok")),
        EventKind::Rejecting => (format!("{node} 거절"), format!("{node} rejects")),
        EventKind::TimeoutsStarted => ("시간 초과".into(), "timeouts".into()),
        EventKind::DeadDnsTarget { .. } => ("DNS TTL".into(), "DNS TTL".into()),
        EventKind::Stampede { .. } => ("쇄도".into(), "stampede".into()),
        EventKind::ReplicaPromoted { .. } => ("복제본 승격".into(), "replica up".into()),
        EventKind::StandbyActivated { .. } => ("대기 DC 가동".into(), "standby on".into()),
        EventKind::StandbyProvisioned => ("복원 끝".into(), "restored".into()),
        EventKind::StandbyServing { .. } => ("복구".into(), "recovered".into()),
    };
    pick(lang, ko, en)
}

/// The event log's sentence, without its time.
pub fn sentence(lang: Lang, e: &SimEvent, names: &dyn Names) -> String {
    let node = e.node.map(|n| names.node(n)).unwrap_or_default();
    let (ko, en) = match &e.what {
        EventKind::Fault { command, scheduled } => {
            let (ko, en) = fault(command, &node, names);
            if *scheduled {
                (ko, en)
            } else {
                (format!("{ko} (직접 실행)"), format!("{en} (live)"))
            }
        }
        EventKind::TargetOut { target } => {
            let t = names.node(*target);
            (
                format!("로드밸런서 '{node}'의 헬스 체크가 '{t}'을(를) 대상에서 뺐습니다"),
                format!("the load balancer '{node}' took '{t}' out after failed health checks"),
            )
        }
        EventKind::TargetIn { target } => {
            let t = names.node(*target);
            (
                format!("로드밸런서 '{node}'의 헬스 체크가 '{t}'을(를) 다시 넣었습니다"),
                format!("the load balancer '{node}' put '{t}' back after passing health checks"),
            )
        }
        EventKind::Failover {
            promoted,
            writes_lost,
            writes_at_risk,
        } => {
            let p = names.node(*promoted);
            (
                format!("'{node}' 장애 조치: 부 서버 '{p}'이(가) 주 서버로 승격되었습니다. 쓰기 {writes_lost}건 유실 (위험했던 쓰기 {writes_at_risk}건)"),
                format!("'{node}' failed over: replica '{p}' was promoted to primary; {writes_lost} writes lost ({writes_at_risk} were at risk)"),
            )
        }
        EventKind::Launched { count } => (
            format!("'{node}'의 자동 확장이 인스턴스 {count}대를 시작했습니다"),
            format!("the autoscaler launched {count} instance(s) of '{node}'"),
        ),
        EventKind::Booted { count } => (
            format!("'{node}'의 인스턴스 {count}대가 부팅을 마치고 요청을 받습니다"),
            format!("{count} instance(s) of '{node}' finished booting and take requests"),
        ),
        EventKind::Retired { count } => (
            format!("'{node}'의 자동 확장이 인스턴스 {count}대를 줄였습니다"),
            format!("the autoscaler retired {count} instance(s) of '{node}'"),
        ),
        EventKind::Purged => (
            format!("'{node}'의 퍼지가 끝났습니다: 엣지의 사본이 모두 지워졌습니다"),
            format!("the purge of '{node}' landed: every edge copy is gone"),
        ),
        EventKind::ReshardStarted { shard, keys_moved } => {
            let s = names.node(*shard);
            (
                format!("'{node}'이(가) 샤드 '{s}'을(를) 더해 재샤딩을 시작했습니다: 키 {keys_moved}개를 옮깁니다"),
                format!("'{node}' started resharding onto '{s}': {keys_moved} keys to move"),
            )
        }
        EventKind::ReshardFinished { keys_moved } => (
            format!("'{node}'의 재샤딩이 끝났습니다 (키 {keys_moved}개 이동)"),
            format!("'{node}' finished resharding ({keys_moved} keys moved)"),
        ),
        EventKind::RateStep { factor, rate_rps } => (
            format!("트래픽이 ×{}로 뛰어 초당 {rate_rps:.0}건이 되었습니다", num(*factor)),
            format!("traffic stepped ×{} to {rate_rps:.0} req/s", num(*factor)),
        ),
        EventKind::RampStarted { factor, rate_rps } => (
            format!("트래픽이 ×{}(초당 {rate_rps:.0}건)까지 늘기 시작했습니다", num(*factor)),
            format!("traffic started ramping up ×{} towards {rate_rps:.0} req/s", num(*factor)),
        ),
        EventKind::RampEnded { rate_rps, .. } => (
            format!("트래픽 증가가 초당 {rate_rps:.0}건에서 멈췄습니다"),
            format!("the ramp ended at {rate_rps:.0} req/s"),
        ),
        EventKind::SpikeStarted { factor, rate_rps } => (
            format!("트래픽이 ×{}로 급증했습니다 (초당 {rate_rps:.0}건)", num(*factor)),
            format!("traffic spiked ×{} to {rate_rps:.0} req/s", num(*factor)),
        ),
        EventKind::SpikeEnded { rate_rps } => (
            format!("급증이 끝나 초당 {rate_rps:.0}건으로 돌아왔습니다"),
            format!("the spike ended: back to {rate_rps:.0} req/s"),
        ),
        EventKind::Saturated { utilization } => (
            format!("'{node}'이(가) 포화되었습니다 (한 구간 내내 {:.0}% 사용): 처리량의 한계입니다", utilization * 100.0),
            format!("'{node}' saturated ({:.0}% busy for a whole window): the tier's limit", utilization * 100.0),
        ),
        EventKind::Recovered { utilization } => (
            format!("'{node}'이(가) 회복되었습니다 ({:.0}% 사용)", utilization * 100.0),
            format!("'{node}' recovered ({:.0}% busy)", utilization * 100.0),
        ),
        EventKind::Rejecting => (
            format!("'{node}'의 대기열이 가득 차 요청을 거절하기 시작했습니다"),
            format!("the queue of '{node}' filled up: it started rejecting requests"),
        ),
        EventKind::TimeoutsStarted => (
            "요청이 시간 초과되기 시작했습니다".to_string(),
            "requests started timing out".to_string(),
        ),
        EventKind::DeadDnsTarget { dns } => {
            let d = names.node(*dns);
            (
                format!("DNS TTL: '{d}'의 캐시된 응답 때문에 사용자가 죽은 '{node}'(으)로 계속 요청을 보냅니다"),
                format!("DNS TTL: users whose cached answer from '{d}' names '{node}' keep sending requests to it, though it is dead"),
            )
        }
        EventKind::Stampede { reads } => (
            format!("'{node}'에 캐시 쇄도(stampede): 이미 읽는 중인 키에 캐시 미스 {reads}건이 몰려 데이터베이스로 갔습니다"),
            format!("cache stampede at '{node}': {reads} misses piled onto keys already being read from the database"),
        ),
        EventKind::ReplicaPromoted {
            promoted,
            entries_lost,
        } => {
            let p = names.node(*promoted);
            (
                format!("'{node}' 장애 조치: 복제본 '{p}'이(가) 내용을 그대로 가진 채 승격되었습니다 (아직 복제되지 않은 변경 {entries_lost}건 유실)"),
                format!("'{node}' failed over: replica '{p}' took over with its contents ({entries_lost} changes not yet copied were lost)"),
            )
        }
        EventKind::StandbyActivated { mode } => {
            let (ko_mode, en_mode) = match mode {
                StandbyMode::Hot => ("핫 스탠바이: 이미 돌고 있어 DNS만 바꿉니다", "hot: already running, only DNS changes"),
                StandbyMode::Warm => ("웜 스탠바이: 나머지 서버가 부팅합니다", "warm: the rest of its servers boot"),
                StandbyMode::Cold => ("콜드 스탠바이: 백업에서 새로 구축합니다", "cold: built anew from the last backup"),
            };
            (
                format!("헬스 체크가 주 데이터 센터의 장애를 확인해 재해 복구 대기 데이터 센터 '{node}'을(를) 가동했습니다 ({ko_mode})"),
                format!("health checks found the primary data centre dead and activated the disaster-recovery standby '{node}' ({en_mode})"),
            )
        }
        EventKind::StandbyProvisioned => (
            format!("'{node}'의 복원이 끝났습니다: 마지막 백업의 데이터로 요청을 받습니다"),
            format!("'{node}' finished its restore: it serves from the last backup's data"),
        ),
        EventKind::StandbyServing { recovery_s } => (
            format!("대기 데이터 센터 '{node}'이(가) 정상 응답합니다: 장애 후 {recovery_s:.0}초 만에 복구"),
            format!("the standby '{node}' serves normally: recovered {recovery_s:.0} s after the failure"),
        ),
    };
    pick(lang, ko, en)
}

fn fault(command: &Command, node: &str, names: &dyn Names) -> (String, String) {
    match *command {
        Command::SetRate { rps, .. } => (
            format!("요청률을 초당 {rps:.0}건으로 바꿨습니다"),
            format!("the rate was set to {rps:.0} req/s"),
        ),
        Command::Kill { .. } => (
            format!("'{node}'이(가) 죽었습니다"),
            format!("'{node}' died"),
        ),
        Command::Restore { .. } => (
            format!("'{node}'이(가) 다시 살아났습니다"),
            format!("'{node}' came back"),
        ),
        Command::Slow { factor, .. } => (
            format!("'{node}'이(가) ×{}만큼 느려졌습니다", num(factor)),
            format!("'{node}' slowed down ×{}", num(factor)),
        ),
        Command::KillRegion { region } => {
            let r = names.region(region);
            (
                format!("데이터 센터 '{r}'이(가) 멈췄습니다"),
                format!("data centre '{r}' failed"),
            )
        }
        Command::RestoreRegion { region } => {
            let r = names.region(region);
            (
                format!("데이터 센터 '{r}'이(가) 돌아왔습니다"),
                format!("data centre '{r}' came back"),
            )
        }
        Command::Partition { a, b } => {
            let (a, b) = (names.region(a), names.region(b));
            (
                format!("'{a}'와(과) '{b}' 사이 네트워크가 끊겼습니다"),
                format!("the network between '{a}' and '{b}' was cut"),
            )
        }
        Command::Heal { a, b } => {
            let (a, b) = (names.region(a), names.region(b));
            (
                format!("'{a}'와(과) '{b}' 사이 네트워크가 복구되었습니다"),
                format!("the network between '{a}' and '{b}' was repaired"),
            )
        }
        Command::Deploy { .. } => (
            format!("'{node}' 뒤에 새 버전을 배포했습니다"),
            format!("a new version was deployed behind '{node}'"),
        ),
        Command::Reshard { .. } => (
            format!("'{node}'에 샤드 추가를 요청했습니다"),
            format!("'{node}' was told to add a shard"),
        ),
    }
}

/// What a later event adds to a kill: "; the load balancer took it out at 40.0 s".
pub fn followed_by(lang: Lang, later: &SimEvent, names: &dyn Names) -> Option<String> {
    let t = later.at_s;
    match &later.what {
        EventKind::TargetOut { .. } => Some(pick(
            lang,
            format!("로드밸런서가 {t:.1}초에 대상에서 뺐습니다"),
            format!("the load balancer took it out at {t:.1} s"),
        )),
        EventKind::Failover { promoted, .. } => {
            let p = names.node(*promoted);
            Some(pick(
                lang,
                format!("{t:.1}초에 '{p}'이(가) 승격되었습니다"),
                format!("'{p}' was promoted at {t:.1} s"),
            ))
        }
        _ => None,
    }
}
