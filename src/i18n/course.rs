//! The course's texts in Korean and English: each stage's briefing in the chapter's words, its
//! steps ("do X, watch Y"), its debrief and the next stage's problem; the panel's labels.

use crate::course::{Metric, Tally};
use crate::i18n::Lang;

/// One stage's texts; `steps` pairs what to do with what to watch, one per step of the lesson.
pub struct StageText {
    pub briefing: &'static str,
    pub steps: &'static [(&'static str, &'static str)],
    /// What changed, and the switch the debrief's design made.
    pub debrief: &'static str,
    /// The problem the next stage solves.
    pub next: &'static str,
}

pub fn stage(lang: Lang, index: usize) -> &'static StageText {
    let table = match lang {
        Lang::Ko => &KO,
        Lang::En => &EN,
    };
    &table[index.min(table.len() - 1)]
}

static EN: [StageText; 11] = [
    StageText {
        briefing: "Everything runs on one server: web app, database and cache. Users find it through DNS. It is simple, and it has a ceiling: about 100 requests per second on this m5.large, and nothing behind it when it fails.",
        steps: &[
            ("Press Start.", "throughput follows the 50 req/s load."),
            ("Raise the traffic to 90 req/s or more with the slider.", "p99 climbs above 150 ms while throughput still grows: queueing before saturation."),
            ("Press “Kill server”.", "every request fails: a single point of failure."),
            ("Scale up: pick m5.xlarge as the server's instance, and set the traffic back to 50 req/s.", "the server's load falls under 35 %: twice the vCPUs, half the load."),
        ],
        debrief: "Scaling up (vertical scaling) doubled the vCPUs and so the capacity, at twice the instance price. It has a hard limit (even 96 vCPUs meet a load they cannot carry) and the server is still a single point of failure.",
        next: "Next: when web traffic and data compete on one box, split them into a web tier and a data tier that scale on their own.",
    },
    StageText {
        briefing: "The web tier and the data tier are separate nodes now, so each has its own load and can be scaled on its own.",
        steps: &[
            ("Press Start.", "throughput follows the 400 req/s load."),
            ("Make the database 4× slower: set its read_ms to 2.5.", "the database's load passes 40 %: the bottleneck moves to the data tier."),
            ("Set read_ms back to 0.625, the web server's instances to 2, and the traffic to 1 600 req/s.", "four times the traffic, and the web tier's load stays under half."),
        ],
        debrief: "With the tiers apart, the web tier grew on its own: two web instances carried four times the traffic while the database stayed where it was.",
        next: "Next: users still reach one web server directly. A load balancer spreads them over several and survives the loss of one.",
    },
    StageText {
        briefing: "A load balancer spreads traffic over three web servers (scaling out). web1 dies at 30 s; the balancer's health checks must notice and take it out.",
        steps: &[
            ("Press Start.", "throughput follows the 3 000 req/s load."),
            ("Select web2 and kill it.", "requests sent to it fail until health checks take it out."),
            ("Select the load balancer and check health every 1 s (health_interval_s 1).", "when web1 dies at 30 s, fewer than 5 000 requests fail: it is taken out within seconds."),
        ],
        debrief: "Health checks every second, failing after one miss, take a dead server out at once: the errors of web1's death all but vanish. Least connections even sends a fast-failing server more requests until then.",
        next: "Next: the database is still one machine. Replicate it: the primary takes writes, replicas take reads.",
    },
    StageText {
        briefing: "The database has a primary and two replicas. The primary takes the writes and the replicas the reads. At 40 s the primary dies and a replica is promoted after 10 s.",
        steps: &[
            ("Press Start.", "the replicas take the reads; throughput follows the load."),
            ("Let it run past 40 s.", "writes acknowledged by the primary but not yet replicated are lost in the failover."),
            ("Select the database and switch replication to sync.", "the failover at 40 s loses no write."),
        ],
        debrief: "Synchronous replication acknowledges a write only once every replica has it, so the promotion loses nothing. The price is a slower write.",
        next: "Next: reads still reach the database every time. A cache keeps the popular keys in memory.",
    },
    StageText {
        briefing: "A cache in front of the database serves 10 000 req/s. Its hit ratio comes from the keys, its capacity and its eviction; its write strategy decides whether a read can be stale.",
        steps: &[
            ("Press Start.", "the cache's hit ratio passes 60 %."),
            ("Select the cache and fill misses from the replicas (fill_from replicas).", "stale reads appear: a replica lags behind the write."),
            ("Switch the write strategy to write_around.", "stale reads: a cached copy keeps its old value until its TTL ends."),
            ("Go back to invalidate and the primary, and raise the capacity to 30 000 keys.", "the hit ratio passes 75 %."),
        ],
        debrief: "A bigger cache holds more of the popular keys, so more reads hit and fewer reach the database; deleting the cached copy on write and filling from the primary keeps every read fresh.",
        next: "Next: static assets cross the ocean on every request. A CDN serves them from an edge near the user.",
    },
    StageText {
        briefing: "Static assets come from a CDN's edges. At 30 s a deploy publishes new assets by purging the edges; the purge takes 10 s to land.",
        steps: &[
            ("Press Start and let it run past 30 s.", "stale assets are served until the purge lands."),
            ("Select the CDN and kill it.", "clients fall back to the origin: the web servers' CPU passes 40 %."),
            ("Switch the CDN's invalidation to versioned.", "the deploy at 30 s serves no stale asset."),
        ],
        debrief: "Versioned URLs name a new file for every deploy, so no edge can serve an old one: no stale asset, no purge to wait for.",
        next: "Next: sessions kept in a web server's memory die with it. Move state out of the web tier.",
    },
    StageText {
        briefing: "The web tier is stateless: sessions live in a shared store, so any server can serve any user. web0 dies at 30 s.",
        steps: &[
            ("Press Start.", "throughput follows the 2 000 req/s load."),
            ("Select the session store and kill it.", "every request fails: the shared store is now a dependency that must itself be replicated."),
            ("Check health every 1 s and take a server out after one miss (health_interval_s 1, health_threshold 1).", "when web0 dies at 30 s, the error rate stays under 0.2 %: no session is lost and its users move at once."),
        ],
        debrief: "With sessions in a shared store nobody has to log in again when a server dies, and with fast health checks hardly a request fails: any server can take any user.",
        next: "Next: one data centre is one place to fail. Serve users from two, routed by GeoDNS.",
    },
    StageText {
        briefing: "Two data centres, us and eu, each with its web tier and a database replica; GeoDNS sends users to the nearest. eu fails at 30 s, and users keep its address until the DNS TTL ends.",
        steps: &[
            ("Press Start and let it run past 30 s.", "eu's users fail until their DNS answers expire."),
            ("Select DNS and set ttl_s to 300.", "more than 5 000 requests fail: users stay on the dead data centre for longer."),
            ("Set ttl_s to 5.", "over the first minute the error rate stays under 2 %: users leave the dead data centre within seconds."),
        ],
        debrief: "A short DNS TTL moves users off a failed data centre within seconds, at the price of more DNS lookups.",
        next: "Next: slow work done inside a request makes users wait. A message queue hands it to workers.",
    },
    StageText {
        briefing: "Web servers publish jobs to a message queue and workers consume them. A burst doubles the traffic at 10 s; at 30 s the workers turn 20× slower for 8 s.",
        steps: &[
            ("Press Start and let it run past 15 s.", "the burst builds a backlog of more than 300 jobs."),
            ("Select the queue and kill it.", "publishes are refused."),
            ("Set the queue's consumers to 32.", "the burst's backlog stays under 50 jobs."),
        ],
        debrief: "Producers and consumers scale apart: twice the workers absorbed the burst, and producers never slowed down while jobs waited.",
        next: "Next: at this size, someone must watch the metrics and add servers. Automate it.",
    },
    StageText {
        briefing: "Traffic triples at 60 s for two minutes. The web pool is fixed at four instances: nothing grows it. Watch each tier's own numbers (per host and per tier, as the chapter's dashboards do): the first bottleneck is not the last.",
        steps: &[
            ("Press Start and let it run past 65 s.", "the fixed pool rejects requests during the spike."),
            ("Set the web pool's instances to 12.", "requests still fail in the spike: the web tier has room now, and the database's queue fills (every miss reads the primary)."),
            ("Keep 12 instances and let the cache fill misses from the replicas (fill_from replicas).", "through the spike the error rate stays under 0.1 %."),
            ("Set the pool's autoscale mode to utilization.", "the autoscaler launches instances when the spike comes."),
        ],
        debrief: "The per-tier metrics showed the bottleneck move from the web tier to the database; spreading reads over the replicas removed it. Then the autoscaler, kept at six instances for headroom (instances boot for 30 s), carried the spike with about 9 machines on average instead of 12 all day.",
        next: "Next: the database outgrows one machine. Shard it.",
    },
    StageText {
        briefing: "The data is split over four shards by consistent hashing; a celebrity key is salted over 16 suffixes. A fifth shard joins at 40 s.",
        steps: &[
            ("Press Start and let it run past 45 s.", "keys move to the new shard."),
            ("Select the sharded database and set salt to 1.", "the celebrity's shard passes 45 % while the others idle."),
            ("Set salt back to 16 and shards to 6.", "the hottest shard stays under 35 %."),
        ],
        debrief: "More shards spread the keys thinner, and salting spreads the celebrity's writes, so no shard runs hot. Consistent hashing moved only about 1/(k+1) of the keys when a shard joined.",
        next: "That is the chapter. Open the sandbox and build your own.",
    },
];

static KO: [StageText; 11] = [
    StageText {
        briefing: "모든 것이 서버 한 대에서 돌아갑니다: 웹 앱, 데이터베이스, 캐시. 사용자는 DNS로 서버를 찾습니다. 단순하지만 한계가 있습니다: 이 m5.large는 초당 약 100개 요청이 최대이고, 죽으면 대신할 서버가 없습니다.",
        steps: &[
            ("시작을 누르세요.", "처리량이 초당 50개 부하를 따라갑니다."),
            ("슬라이더로 트래픽을 초당 90개 이상으로 올리세요.", "처리량이 아직 늘어나는 동안 p99가 150 ms 넘게 치솟습니다: 포화 전의 대기열."),
            ("“서버 죽이기”를 누르세요.", "모든 요청이 실패합니다: 단일 장애 지점."),
            ("수직적 규모 확장: 서버의 인스턴스를 m5.xlarge로 고르고 트래픽을 초당 50개로 되돌리세요.", "서버 부하가 35 % 아래로 내려갑니다: vCPU가 두 배이니 부하는 절반입니다."),
        ],
        debrief: "수직적 규모 확장(scale up)으로 vCPU와 용량이 두 배가 되었고, 인스턴스 값도 두 배가 되었습니다. 여기에는 한계가 있고(96 vCPU도 감당 못 할 부하가 옵니다) 서버는 여전히 단일 장애 지점입니다.",
        next: "다음: 웹 트래픽과 데이터가 한 서버를 두고 다투면, 따로 확장되는 웹 계층과 데이터 계층으로 나눕니다.",
    },
    StageText {
        briefing: "웹 계층과 데이터 계층이 다른 노드가 되어 계층마다 부하가 따로 보이고 따로 확장할 수 있습니다.",
        steps: &[
            ("시작을 누르세요.", "처리량이 초당 400개 부하를 따라갑니다."),
            ("데이터베이스를 4배 느리게: read_ms를 2.5로 바꾸세요.", "데이터베이스 부하가 40 %를 넘습니다: 병목이 데이터 계층으로 옮겨 갑니다."),
            ("read_ms를 0.625로 되돌리고, 웹 서버의 instances를 2로, 트래픽을 초당 1 600개로 올리세요.", "트래픽은 네 배인데 웹 계층의 부하는 절반 아래입니다."),
        ],
        debrief: "계층을 나누니 웹 계층만 따로 늘릴 수 있었습니다: 웹 인스턴스 두 대가 네 배의 트래픽을 받았고 데이터베이스는 그대로였습니다.",
        next: "다음: 사용자가 아직 웹 서버 한 대에 바로 붙습니다. 로드밸런서가 여러 대에 나누고 한 대를 잃어도 버팁니다.",
    },
    StageText {
        briefing: "로드밸런서가 웹 서버 세 대에 트래픽을 나눕니다(수평적 규모 확장). 30초에 web1이 죽습니다: 헬스 체크가 알아채고 빼 주어야 합니다.",
        steps: &[
            ("시작을 누르세요.", "처리량이 초당 3 000개 부하를 따라갑니다."),
            ("web2를 골라 죽이세요.", "헬스 체크가 빼 줄 때까지 그쪽 요청이 실패합니다."),
            ("로드밸런서를 골라 헬스 체크를 1초마다 하세요 (health_interval_s 1).", "30초에 web1이 죽어도 실패한 요청이 5 000개 미만입니다: 몇 초 안에 빠집니다."),
        ],
        debrief: "1초마다 검사하고 한 번 실패하면 빼는 헬스 체크는 죽은 서버를 바로 빼 줍니다: web1 장애의 오류가 거의 사라졌습니다. 그 전까지 최소 연결 정책은 바로 실패하는 서버에 오히려 더 보냅니다.",
        next: "다음: 데이터베이스는 아직 한 대입니다. 다중화하세요: 주 서버는 쓰기, 부 서버는 읽기.",
    },
    StageText {
        briefing: "데이터베이스에 주 서버 하나와 부 서버 둘이 있습니다. 주 서버는 쓰기를, 부 서버는 읽기를 맡습니다. 40초에 주 서버가 죽고 10초 뒤 부 서버가 승격됩니다.",
        steps: &[
            ("시작을 누르세요.", "부 서버가 읽기를 맡고 처리량이 부하를 따라갑니다."),
            ("40초가 지나도록 두세요.", "주 서버가 확인했지만 아직 복제되지 않은 쓰기가 장애 조치에서 사라집니다."),
            ("데이터베이스를 골라 replication을 sync로 바꾸세요.", "40초의 장애 조치에서 잃는 쓰기가 없습니다."),
        ],
        debrief: "동기 다중화는 모든 부 서버가 받은 뒤에야 쓰기를 확인하므로 승격에서 잃는 쓰기가 없습니다. 대가는 느려진 쓰기입니다.",
        next: "다음: 읽기가 매번 데이터베이스에 갑니다. 캐시가 인기 있는 키를 메모리에 둡니다.",
    },
    StageText {
        briefing: "데이터베이스 앞의 캐시가 초당 10 000개 요청을 받습니다. 적중률은 키와 용량과 방출 정책에서 나오고, 쓰기 전략이 읽기가 낡을 수 있는지를 정합니다.",
        steps: &[
            ("시작을 누르세요.", "캐시 적중률이 60 %를 넘습니다."),
            ("캐시를 골라 미스를 부 서버에서 채우세요 (fill_from replicas).", "낡은 읽기가 나타납니다: 부 서버가 쓰기보다 늦습니다."),
            ("쓰기 전략을 write_around로 바꾸세요.", "낡은 읽기: 캐시 사본이 TTL이 끝날 때까지 옛 값을 줍니다."),
            ("invalidate와 primary로 되돌리고 용량을 30 000개 키로 늘리세요.", "적중률이 75 %를 넘습니다."),
        ],
        debrief: "캐시가 크면 인기 있는 키를 더 많이 담아 더 많이 맞고 데이터베이스에 덜 갑니다. 쓸 때 캐시 사본을 지우고 주 서버에서 채우면 모든 읽기가 최신입니다.",
        next: "다음: 정적 파일이 요청마다 대양을 건넙니다. CDN이 사용자 가까운 에지에서 줍니다.",
    },
    StageText {
        briefing: "정적 파일은 CDN 에지에서 나갑니다. 30초에 배포가 에지를 비우는(purge) 방식으로 새 파일을 냅니다. purge는 10초 뒤에 반영됩니다.",
        steps: &[
            ("시작을 누르고 30초가 지나도록 두세요.", "purge가 반영될 때까지 낡은 파일이 나갑니다."),
            ("CDN을 골라 죽이세요.", "클라이언트가 원본으로 우회합니다: 웹 서버 CPU가 40 %를 넘습니다."),
            ("CDN의 invalidation을 versioned로 바꾸세요.", "30초의 배포에서 낡은 파일을 하나도 주지 않습니다."),
        ],
        debrief: "버전이 붙은 URL은 배포마다 새 파일 이름을 쓰므로 어떤 에지도 옛 파일을 줄 수 없습니다: 낡은 파일도, 기다릴 purge도 없습니다.",
        next: "다음: 웹 서버 메모리의 세션은 서버와 함께 죽습니다. 상태를 웹 계층 밖으로 옮기세요.",
    },
    StageText {
        briefing: "웹 계층이 무상태입니다: 세션은 공유 저장소에 있어 어느 서버나 어느 사용자든 받을 수 있습니다. 30초에 web0이 죽습니다.",
        steps: &[
            ("시작을 누르세요.", "처리량이 초당 2 000개 부하를 따라갑니다."),
            ("세션 저장소를 골라 죽이세요.", "모든 요청이 실패합니다: 공유 저장소는 이제 그 자체로 다중화해야 할 의존성입니다."),
            ("헬스 체크를 1초마다 하고 한 번 실패하면 빼세요 (health_interval_s 1, health_threshold 1).", "30초에 web0이 죽어도 오류율이 0.2 % 아래입니다: 잃는 세션 없이 사용자가 바로 옮겨 갑니다."),
        ],
        debrief: "세션이 공유 저장소에 있으니 서버가 죽어도 아무도 다시 로그인하지 않고, 빠른 헬스 체크로 실패하는 요청도 거의 없습니다: 어느 서버든 어느 사용자든 받습니다.",
        next: "다음: 데이터 센터 하나는 한 곳의 장애입니다. GeoDNS로 두 곳에서 서비스하세요.",
    },
    StageText {
        briefing: "us와 eu 두 데이터 센터에 웹 계층과 데이터베이스 부 서버가 하나씩 있고, GeoDNS가 사용자를 가까운 곳으로 보냅니다. 30초에 eu가 장애 나고, 사용자는 DNS TTL이 끝날 때까지 그 주소를 씁니다.",
        steps: &[
            ("시작을 누르고 30초가 지나도록 두세요.", "eu 사용자의 요청이 DNS 응답이 만료될 때까지 실패합니다."),
            ("DNS를 골라 ttl_s를 300으로 바꾸세요.", "5 000개 넘는 요청이 실패합니다: 사용자가 죽은 데이터 센터에 더 오래 남습니다."),
            ("ttl_s를 5로 바꾸세요.", "첫 1분 동안 오류율이 2 % 아래입니다: 사용자가 몇 초 안에 죽은 데이터 센터를 떠납니다."),
        ],
        debrief: "DNS TTL이 짧으면 장애 난 데이터 센터에서 몇 초 안에 사용자를 옮깁니다. 대가는 더 잦은 DNS 조회입니다.",
        next: "다음: 요청 안에서 하는 느린 작업은 사용자를 기다리게 합니다. 메시지 큐가 작업 서버에 넘깁니다.",
    },
    StageText {
        briefing: "웹 서버가 메시지 큐에 작업을 발행하고 작업 서버가 소비합니다. 10초에 트래픽이 두 배로 몰리고, 30초부터 8초 동안 작업 서버가 20배 느려집니다.",
        steps: &[
            ("시작을 누르고 15초가 지나도록 두세요.", "몰린 트래픽이 300개 넘는 작업 백로그를 쌓습니다."),
            ("큐를 골라 죽이세요.", "발행이 거부됩니다."),
            ("큐의 consumers를 32로 바꾸세요.", "몰릴 때의 백로그가 50개 아래로 유지됩니다."),
        ],
        debrief: "생산자와 소비자는 따로 확장됩니다: 작업 서버를 두 배로 늘리니 몰린 트래픽을 흡수했고, 작업이 기다리는 동안에도 생산자는 느려지지 않았습니다.",
        next: "다음: 이 규모에서는 누군가 메트릭을 보고 서버를 늘려야 합니다. 자동화하세요.",
    },
    StageText {
        briefing: "60초부터 2분 동안 트래픽이 세 배가 됩니다. 웹 서버 풀은 네 대로 고정되어 있어 아무것도 늘려 주지 않습니다. 계층마다의 숫자(장이 말하는 호스트별, 계층별 메트릭)를 지켜보세요: 첫 병목이 마지막 병목은 아닙니다.",
        steps: &[
            ("시작을 누르고 65초가 지나도록 두세요.", "고정된 풀이 급증 동안 요청을 거부합니다."),
            ("웹 풀의 instances를 12로 바꾸세요.", "급증 동안 여전히 요청이 실패합니다: 웹 계층은 여유가 생겼고, 이번엔 데이터베이스의 큐가 찹니다 (모든 캐시 미스가 주 서버를 읽습니다)."),
            ("instances는 12로 두고 캐시가 미스를 부 서버에서 채우게 하세요 (fill_from replicas).", "급증 내내 오류율이 0.1 % 아래입니다."),
            ("풀의 autoscale mode를 utilization으로 바꾸세요.", "급증이 오면 자동 규모 확장이 인스턴스를 띄웁니다."),
        ],
        debrief: "계층별 메트릭이 병목이 웹 계층에서 데이터베이스로 옮겨 가는 것을 보여 주었고, 읽기를 부 서버로 나누자 병목이 사라졌습니다. 그다음 여유로 여섯 대를 유지한 자동 규모 확장이(인스턴스는 30초 동안 부팅합니다) 하루 종일 12대 대신 평균 9대쯤으로 급증을 견뎠습니다.",
        next: "다음: 데이터베이스가 한 대를 넘어섭니다. 샤딩하세요.",
    },
    StageText {
        briefing: "데이터가 안정 해시로 샤드 네 개에 나뉘어 있고, 유명인사 키는 접미사 16개로 솔팅되어 있습니다. 40초에 다섯 번째 샤드가 합류합니다.",
        steps: &[
            ("시작을 누르고 45초가 지나도록 두세요.", "키가 새 샤드로 옮겨 갑니다."),
            ("샤딩된 데이터베이스를 골라 salt를 1로 바꾸세요.", "유명인사의 샤드가 45 %를 넘고 나머지는 한가합니다."),
            ("salt를 16으로 되돌리고 shards를 6으로 바꾸세요.", "가장 바쁜 샤드가 35 % 아래에 머뭅니다."),
        ],
        debrief: "샤드가 많으면 키가 더 얇게 퍼지고, 솔팅이 유명인사의 쓰기를 나누어 뜨거운 샤드가 없습니다. 샤드가 합류할 때 안정 해시는 키의 약 1/(k+1)만 옮겼습니다.",
        next: "이 장의 끝입니다. 샌드박스를 열어 직접 만들어 보세요.",
    },
];

/// The panel's labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ui {
    Course,
    Outline,
    Sandbox,
    SandboxHint,
    Briefing,
    Steps,
    Goal,
    GoalSpan,
    Target,
    Actual,
    Done,
    Waiting,
    Watching,
    Watch,
    Solution,
    Running,
    Met,
    Missed,
    Debrief,
    YourRun,
    NextStage,
    Finished,
    Restart,
    StepLink,
}

pub fn ui(lang: Lang, key: Ui) -> &'static str {
    let (ko, en) = match key {
        Ui::Course => ("코스", "Course"),
        Ui::Outline => ("장 목차", "The chapter"),
        Ui::Sandbox => ("샌드박스", "Sandbox"),
        Ui::SandboxHint => (
            "자유롭게 설계하세요. 단계를 고르면 코스가 다시 이끕니다.",
            "Design freely. Pick a stage and the course leads again.",
        ),
        Ui::Briefing => ("브리핑", "Briefing"),
        Ui::Steps => ("단계", "Steps"),
        Ui::Goal => ("목표", "Goal"),
        Ui::GoalSpan => (
            "시뮬레이션 시간 {from}–{to}초 동안",
            "over simulated seconds {from}–{to}",
        ),
        Ui::Target => ("목표값", "target"),
        Ui::Actual => ("실제", "actual"),
        Ui::Done => ("완료", "done"),
        Ui::Waiting => ("할 일", "to do"),
        Ui::Watching => ("지켜보는 중", "watching"),
        Ui::Watch => ("지켜볼 것", "watch"),
        Ui::Solution => ("이 설계를 열기", "Open this design"),
        Ui::Running => ("진행 중", "running"),
        Ui::Met => ("달성", "met"),
        Ui::Missed => ("미달", "missed"),
        Ui::Debrief => ("디브리핑", "Debrief"),
        Ui::YourRun => ("내 실행의 숫자", "Your run's numbers"),
        Ui::NextStage => ("다음 단계", "Next stage"),
        Ui::Finished => ("끝낸 단계", "finished"),
        Ui::Restart => ("처음부터", "Start over"),
        Ui::StepLink => ("이 단계로 가는 링크", "Link to this step"),
    };
    match lang {
        Lang::Ko => ko,
        Lang::En => en,
    }
}

/// A metric's name in a goal row or a debrief.
pub fn metric(lang: Lang, metric: Metric) -> String {
    let (ko, en): (&str, &str) = match metric {
        Metric::ErrorRate => ("오류율", "error rate"),
        Metric::WorstP99Ms => ("p99 (가장 나쁜 1초)", "p99 (worst second)"),
        Metric::ThroughputRps => ("처리량", "throughput"),
        Metric::CostPerHour => ("비용", "cost"),
        Metric::HitRatio => ("캐시 적중률", "cache hit ratio"),
        Metric::PeakBacklog => ("최대 작업 백로그", "peak job backlog"),
        Metric::HottestMember(_) => ("가장 바쁜 샤드의 부하", "hottest shard's load"),
        Metric::Utilization(node) => {
            return match lang {
                Lang::Ko => format!("{node} 부하"),
                Lang::En => format!("{node}'s load"),
            }
        }
        Metric::MeanInstances(node) => {
            return match lang {
                Lang::Ko => format!("{node}의 평균 인스턴스 수"),
                Lang::En => format!("{node}'s mean instances"),
            }
        }
        Metric::Count(tally) => match tally {
            Tally::Failed => ("실패한 요청", "failed requests"),
            Tally::StaleReads => ("낡은 읽기", "stale reads"),
            Tally::StaleResponses => ("낡은 CDN 응답", "stale CDN responses"),
            Tally::LostWrites => ("잃은 쓰기", "lost writes"),
            Tally::LostSessions => ("강제 로그인", "forced logins"),
            Tally::KeysMoved => ("옮긴 키", "keys moved"),
            Tally::InstancesLaunched => ("띄운 인스턴스", "instances launched"),
        },
    };
    match lang {
        Lang::Ko => ko.to_string(),
        Lang::En => en.to_string(),
    }
}

/// A metric's value with its unit.
pub fn value(metric: Metric, v: f64) -> String {
    match metric {
        Metric::ErrorRate
        | Metric::HitRatio
        | Metric::HottestMember(_)
        | Metric::Utilization(_) => {
            format!("{:.2} %", v * 100.0)
        }
        Metric::WorstP99Ms => format!("{v:.0} ms"),
        Metric::MeanInstances(_) => format!("{v:.1}"),
        Metric::ThroughputRps => format!("{v:.0} req/s"),
        Metric::CostPerHour => format!("${v:.2}/h"),
        Metric::PeakBacklog | Metric::Count(_) => format!("{v:.0}"),
    }
}

/// The "find the limit" panel's texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lt {
    Title,
    Hint,
    TargetP99,
    TargetErrors,
    Find,
    Cancel,
    Running,
    Result,
    Failed,
    Offered,
    Throughput,
    Errors,
    Busiest,
    Meets,
    Yes,
    No,
    Curve,
    Knee,
}

pub fn limit_text(lang: Lang, key: Lt) -> &'static str {
    let (ko, en) = match key {
        Lt::Title => ("한계 찾기", "Find the limit"),
        Lt::Hint => ("부하를 단계마다 올리며(각 단계는 시뮬레이션 시간 30초 + 준비 15초, 예정된 장애는 빼고) 목표가 깨지는 곳을 찾습니다.", "Raises the offered load step by step (each step 30 simulated seconds after a 15 s warm-up, scheduled faults left out) until a target breaks."),
        Lt::TargetP99 => ("p99 목표 (ms)", "p99 target (ms)"),
        Lt::TargetErrors => ("오류율 목표 (%)", "error-rate target (%)"),
        Lt::Find => ("한계 찾기", "Find the limit"),
        Lt::Cancel => ("멈추기", "Stop"),
        Lt::Running => ("찾는 중… {n}단계 끝", "Searching… {n} steps done"),
        Lt::Result => ("한계: {limit} · 처음 포화된 노드: {first}", "Limit: {limit} · first saturated: {first}"),
        Lt::Failed => ("한계를 찾을 수 없습니다:", "Cannot find the limit:"),
        Lt::Offered => ("제시 부하 (req/s)", "offered (req/s)"),
        Lt::Throughput => ("처리량", "throughput"),
        Lt::Errors => ("오류율", "errors"),
        Lt::Busiest => ("가장 바쁜 노드", "busiest node"),
        Lt::Meets => ("목표 달성", "meets targets"),
        Lt::Yes => ("예", "yes"),
        Lt::No => ("아니요", "no"),
        Lt::Curve => ("지연–처리량 곡선", "latency–throughput curve"),
        Lt::Knee => ("무릎", "knee"),
    };
    match lang {
        Lang::Ko => ko,
        Lang::En => en,
    }
}

/// One challenge's texts: its name and the problem with its budget.
pub struct ChallengeText {
    pub title: &'static str,
    pub problem: &'static str,
}

pub fn challenge_text(lang: Lang, index: usize) -> &'static ChallengeText {
    let table = match lang {
        Lang::Ko => &CHALLENGES_KO,
        Lang::En => &CHALLENGES_EN,
    };
    &table[index.min(table.len() - 1)]
}

static CHALLENGES_EN: [ChallengeText; 3] = [
    ChallengeText {
        title: "Serve two regions",
        problem: "50 000 users send 2 000 req/s, half of them from eu, half from us, 40 ms apart. One web server in us serves them all. Keep p99 at 100 ms or less and errors at 0.1 % or less, at full throughput, for at most $10.50/h.",
    },
    ChallengeText {
        title: "Lose a data centre, lose no writes",
        problem: "Two data centres serve 2 000 req/s; the database's primary lives in us. At 30 s the us data centre fails. Lose no acknowledged write, keep errors over the run at 2 % or less, for at most $13/h.",
    },
    ChallengeText {
        title: "Absorb a ×10 spike",
        problem: "1 000 req/s become 10 000 from 30 s to 60 s. Through the spike keep errors at 0.1 % or less and p99 at 300 ms or less, for at most $22.50/h (the balancer bills every request served).",
    },
];

static CHALLENGES_KO: [ChallengeText; 3] = [
    ChallengeText {
        title: "두 지역에 서비스하기",
        problem: "사용자 50 000명이 초당 2 000개 요청을 보냅니다. 절반은 eu, 절반은 us에 있고 두 곳은 40 ms 떨어져 있습니다. 지금은 us의 웹 서버 한 대가 모두를 받습니다. 처리량을 다 내면서 p99 100 ms 이하, 오류율 0.1 % 이하를 시간당 $10.50 이하로 지키세요.",
    },
    ChallengeText {
        title: "데이터 센터를 잃어도 쓰기는 잃지 않기",
        problem: "데이터 센터 두 곳이 초당 2 000개 요청을 받고, 데이터베이스의 주 서버는 us에 있습니다. 30초에 us 데이터 센터가 멈춥니다. 확인된 쓰기를 하나도 잃지 말고, 실행 전체의 오류율을 2 % 이하로, 시간당 $13 이하로 지키세요.",
    },
    ChallengeText {
        title: "×10 급증 흡수하기",
        problem: "초당 1 000개 요청이 30초부터 60초까지 10 000개가 됩니다. 급증 내내 오류율 0.1 % 이하, p99 300 ms 이하를 시간당 $22.50 이하로 지키세요 (로드밸런서는 처리한 요청마다 비용을 받습니다).",
    },
];

/// The challenges' labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ct {
    Challenges,
    Problem,
    ScriptNote,
    Script,
    ScriptTarget,
    Kept,
    Changed,
    Shared,
    MetTitle,
    Share,
    LinkLabel,
    Mixed,
}

pub fn challenge_ui(lang: Lang, key: Ct) -> &'static str {
    let (ko, en) = match key {
        Ct::Challenges => ("도전 과제", "Challenges"),
        Ct::Problem => ("문제", "Problem"),
        Ct::ScriptNote => (
            "설계는 마음대로 고치세요. 사용자 노드의 트래픽과 예정된 장애는 과제의 것이라 그대로 두어야 합니다 (장애가 멈추는 데이터 센터에도 무언가 남아 있어야 합니다).",
            "Edit the design freely. The users nodes' traffic and the scheduled faults belong to the challenge and must stay as they are (and a data centre a fault stops must still hold something).",
        ),
        Ct::Script => ("과제의 트래픽과 장애", "the challenge's traffic and faults"),
        Ct::ScriptTarget => ("그대로", "as set"),
        Ct::Kept => ("그대로임", "kept"),
        Ct::Changed => ("바뀜", "changed"),
        Ct::Shared => (
            "공유된 결과를 다시 확인합니다: 링크의 설계를 시드 {seed}로 지금 실행합니다. 링크가 주장하는 점수는 읽지 않습니다.",
            "Re-checking a shared result: the link's design runs now with seed {seed}. Nothing the link claims is read.",
        ),
        Ct::MetTitle => ("과제 달성", "Challenge met"),
        Ct::Share => ("결과 공유", "Share result"),
        Ct::LinkLabel => ("결과 링크 (복사됨)", "Result link (copied)"),
        Ct::Mixed => (
            "이 실행에는 실행 중에 적용한 편집이 섞여 있어 판정할 수 없습니다. 초기화하고 다시 실행하세요.",
            "This run mixes edits applied mid-run, so it cannot be judged. Reset and run again.",
        ),
    };
    match lang {
        Lang::Ko => ko,
        Lang::En => en,
    }
}
