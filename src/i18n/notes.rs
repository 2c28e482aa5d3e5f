//! The inspector's explanations of surprising-but-real effects, in the chapter's words, Korean
//! and English. Owned by `crate::notes`, which decides when each applies.

use crate::i18n::Lang;
use crate::notes::Note;

/// The sentence for `note`, with its numbers filled in.
pub fn note_text(lang: Lang, note: Note) -> String {
    let (ko, en) = match note {
        Note::LeastConnectionsFailFast => (
            "최소 연결(least connections)은 열린 연결이 가장 적은 서버를 고릅니다. 죽었거나 오류를 바로 돌려주는 서버는 연결을 오래 잡지 않아 늘 가장 한가해 보이므로 오히려 더 많은 요청을 받습니다. 헬스 체크가 그 서버를 빼기 전까지는 오류가 그쪽으로 몰립니다.".to_string(),
            "Least connections picks the server with the fewest open connections. A server that fails fast (dead, or answering errors at once) never holds a connection for long, so it always looks the least busy and gets more requests, not fewer: errors pile onto it until health checks take it out.".to_string(),
        ),
        Note::StickyBurden => (
            "고정 세션(sticky session)은 사용자를 처음 서버에 묶어 둡니다. 로드밸런서가 사용자마다 서버를 기억해야 하고, 그 서버가 죽으면 세션을 잃습니다.".to_string(),
            "Sticky sessions tie each user to the server they first reached: the balancer must remember it per user, and when that server dies the session is lost.".to_string(),
        ),
        Note::AsyncRisk => (
            "비동기 다중화: 쓰기는 주 서버에서 바로 확인되고 부 서버에는 지연(lag) 뒤에 도착합니다. 주 서버가 죽는 순간 아직 복제되지 않은 쓰기는 위험(at risk)해지고, 부 서버가 승격되면 사라집니다.".to_string(),
            "Asynchronous replication: a write is acknowledged at the primary and reaches the replicas after a lag. When the primary dies, the writes not yet replicated are at risk at once, and lost when a replica is promoted.".to_string(),
        ),
        Note::SyncCost => (
            "동기 다중화: 쓰기는 모든 부 서버가 받았다고 답한 뒤에야 확인됩니다 (네트워크 왕복 + 적용 시간). 주 서버가 죽어도 잃는 쓰기는 없지만 쓰기 지연이 늘고, 멀리 있는 부 서버일수록 더 느려집니다.".to_string(),
            "Synchronous replication: a write is acknowledged only when every replica has confirmed it (a network round trip plus its apply time). No write is lost when the primary dies, but writes are slower, the more so the farther the replica.".to_string(),
        ),
        Note::WriteAroundStale => (
            "쓰기 우회(write-around): 쓰기는 데이터베이스에만 갑니다. 캐시에 남은 사본은 만료(TTL)될 때까지 옛 값을 돌려주므로, TTL이 길수록 낡은 읽기(stale read)가 늘어납니다.".to_string(),
            "Write-around: writes go to the database only. A copy already cached keeps answering the old value until its TTL ends, so the longer the TTL, the more stale reads.".to_string(),
        ),
        Note::SaltFanOut { salt } => (
            format!("키 솔팅: 유명인사 키의 쓰기가 접미사 {salt}개로 나뉘어 여러 샤드에 퍼집니다. 그 대가로 그 키를 한 번 읽을 때마다 {salt}개 샤드를 모두 읽어 모아야 합니다(scatter-gather). 읽기가 많은 키라면 가장 바쁜 샤드의 부하가 오히려 늘 수 있습니다."),
            format!("Salting: a celebrity key's writes are spread over {salt} suffixes on several shards. The price: every read of that key gathers from all {salt} of them (scatter-gather), so for a key that is mostly read, the busiest shard can get busier, not quieter."),
        ),
        Note::MigrationLoad => (
            "재샤딩: 새 샤드로 옮겨 가는 키의 복사본도 샤드가 처리하는 쓰기입니다. 이주 속도(migration_rps)로 조절되며, 빠를수록 빨리 끝나지만 받는 샤드가 붐빕니다. 모듈로 해시는 거의 모든 키를, 안정 해시는 약 1/(k+1)만 옮깁니다.".to_string(),
            "Resharding: the copies of keys moving to their new shard are writes the shards must serve. They are throttled by the migration rate: faster finishes sooner but crowds the shard receiving them. Modulo moves almost every key, consistent hashing about 1/(k+1).".to_string(),
        ),
    };
    match lang {
        Lang::Ko => ko,
        Lang::En => en,
    }
}
