//! Which surprising-but-real effects the selected node's settings produce, so the inspector can
//! explain them before the learner is puzzled by the numbers (texts in `i18n::notes`).

use scalelab_design::document::{LbPolicyDoc, ReplicationDoc, WriteStrategyDoc};
use scalelab_design::NodeParams;

/// An explanation the inspector shows under a node's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    /// Least connections favours a server that fails fast.
    LeastConnectionsFailFast,
    /// Sticky sessions burden the balancer and lose sessions with their server.
    StickyBurden,
    /// Asynchronous replication puts unreplicated writes at risk when the primary dies.
    AsyncRisk,
    /// Synchronous replication waits for every replica.
    SyncCost,
    /// Write-around leaves cached copies stale until their TTL.
    WriteAroundStale,
    /// Salting spreads writes but every read gathers from all suffixes.
    SaltFanOut { salt: u32 },
    /// Resharding's copies load the shards.
    MigrationLoad,
}

/// The notes that apply to a node with these parameters, most surprising first.
pub fn notes(params: &NodeParams) -> Vec<Note> {
    let mut out = Vec::new();
    match params {
        NodeParams::LoadBalancer { policy, sticky, .. } => {
            if *policy == LbPolicyDoc::LeastConnections {
                out.push(Note::LeastConnectionsFailFast);
            }
            if *sticky {
                out.push(Note::StickyBurden);
            }
        }
        NodeParams::Database {
            replicas,
            replication,
            ..
        } if *replicas > 0 => out.push(match replication {
            ReplicationDoc::Async => Note::AsyncRisk,
            ReplicationDoc::Sync => Note::SyncCost,
        }),
        NodeParams::Cache { write_strategy, .. }
            if *write_strategy == WriteStrategyDoc::WriteAround =>
        {
            out.push(Note::WriteAroundStale)
        }
        NodeParams::ShardedDatabase {
            salt,
            hot_keys,
            spare_shards,
            ..
        } => {
            if *salt > 1 && *hot_keys > 0 {
                out.push(Note::SaltFanOut { salt: *salt });
            }
            if *spare_shards > 0 {
                out.push(Note::MigrationLoad);
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::notes::note_text;
    use crate::i18n::Lang;
    use scalelab_design::Design;

    fn stage(n: usize) -> Design {
        crate::stages::STAGES[n - 1].design().expect("stage design")
    }

    fn notes_of(design: &Design, id: &str) -> Vec<Note> {
        notes(&design.node(id).expect("node").params)
    }

    /// Each stage whose mechanism surprises has its explanation on the node that causes it.
    #[test]
    fn the_surprising_effects_are_explained_where_they_arise() {
        // The salt is the stage's to tune: the note carries whatever the design says.
        let salt = match stage(11).node("shards").map(|n| &n.params) {
            Some(NodeParams::ShardedDatabase { salt, .. }) => *salt,
            other => panic!("stage 11 has no sharded database: {other:?}"),
        };
        assert!(salt > 1, "stage 11 salts its celebrity key");
        // (stage, node, note expected)
        let cases: [(usize, &str, Note); 4] = [
            (3, "lb", Note::LeastConnectionsFailFast),
            (4, "db", Note::AsyncRisk),
            (11, "shards", Note::MigrationLoad),
            (11, "shards", Note::SaltFanOut { salt }),
        ];
        for (n, id, note) in cases {
            assert!(
                notes_of(&stage(n), id).contains(&note),
                "stage {n} {id}: {:?}",
                notes_of(&stage(n), id)
            );
        }
        assert!(notes_of(&stage(1), "server").is_empty());
    }

    #[test]
    fn every_note_reads_in_both_languages_with_its_numbers() {
        let all = [
            Note::LeastConnectionsFailFast,
            Note::StickyBurden,
            Note::AsyncRisk,
            Note::SyncCost,
            Note::WriteAroundStale,
            Note::SaltFanOut { salt: 4 },
            Note::MigrationLoad,
        ];
        for note in all {
            let (ko, en) = (note_text(Lang::Ko, note), note_text(Lang::En, note));
            assert!(ko.chars().any(|c| ('가'..='힣').contains(&c)), "{ko}");
            assert!(en.is_ascii() && en != ko, "{en}");
            if let Note::SaltFanOut { salt } = note {
                assert!(ko.contains(&salt.to_string()) && en.contains(&salt.to_string()));
            }
        }
    }
}
