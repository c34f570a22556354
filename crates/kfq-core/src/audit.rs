//! 审计 — who changed what, when, from where, from what to what; and the hash chain that makes
//! an altered or removed entry show.
//!
//! Each entry's hash covers the previous entry's hash and every field of its own, so changing,
//! inserting or deleting any entry breaks every hash after it. SM3 (GB/T 32905, as GB/T 39786
//! expects of government systems) by default; SHA-256 by setting.

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use sha2::Digest;

/// One change, as the audit trail keeps it. `before` and `after` are JSON of the object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub at: DateTime<Utc>,
    /// The user (or `cli:<os user>` for the command line).
    pub actor: String,
    /// `create`, `update`, `import`, …
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// Where the request came from (the client's address), when it came over the network.
    pub ip: Option<String>,
}

impl AuditEvent {
    /// The time as stored: whole microseconds, which both engines keep exactly.
    pub fn stored_at(at: DateTime<Utc>) -> DateTime<Utc> {
        at.trunc_subsecs(6)
    }
}

/// The hash function of the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChainHash {
    #[default]
    Sm3,
    Sha256,
}

impl ChainHash {
    /// `sm3` or `sha256` (the `KFQ_AUDIT_HASH` setting); anything else is refused.
    pub fn parse(text: &str) -> Option<ChainHash> {
        match text.trim().to_ascii_lowercase().as_str() {
            "sm3" => Some(ChainHash::Sm3),
            "sha256" | "sha-256" => Some(ChainHash::Sha256),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ChainHash::Sm3 => "sm3",
            ChainHash::Sha256 => "sha256",
        }
    }
}

/// The entry's hash: `<algorithm>:<hex>` over the previous hash and every field, each field
/// length-prefixed so that no two entries read alike.
pub fn chain_hash(algorithm: ChainHash, previous: &str, e: &AuditEvent) -> String {
    let at = AuditEvent::stored_at(e.at).to_rfc3339_opts(SecondsFormat::Micros, true);
    let fields: [Option<&str>; 9] = [
        Some(previous),
        Some(&at),
        Some(&e.actor),
        e.ip.as_deref(),
        Some(&e.action),
        Some(&e.object_type),
        Some(&e.object_id),
        e.before.as_deref(),
        e.after.as_deref(),
    ];
    let mut text = Vec::new();
    for field in fields {
        match field {
            Some(f) => text.extend(format!("{}:", f.len()).bytes().chain(f.bytes())),
            None => text.push(b'-'),
        }
        text.push(b'\n');
    }
    let digest: Vec<u8> = match algorithm {
        ChainHash::Sm3 => sm3::Sm3::digest(&text).to_vec(),
        ChainHash::Sha256 => sha2::Sha256::digest(&text).to_vec(),
    };
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}:{hex}", algorithm.name())
}

/// What checking the chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainCheck {
    /// Every hashed entry follows from the one before; `unchained` entries were recorded before
    /// the chain began (they carry no hash and lie before the first that does).
    Whole { entries: usize, unchained: usize },
    /// The first entry whose hash does not follow: it, or one before it, was altered, inserted or
    /// removed.
    BrokenAt { id: i64, entries_before: usize },
}

/// Checks a trail in its order of recording: `(id, event, stored hash)`. `anchor` is the hash
/// of the last entry retention removed, if it removed any: the first remaining entry must
/// follow from it.
pub fn verify_chain(
    entries: impl IntoIterator<Item = (i64, AuditEvent, Option<String>)>,
    anchor: Option<&str>,
) -> ChainCheck {
    let mut previous: Option<String> = anchor.filter(|h| !h.is_empty()).map(str::to_string);
    let (mut checked, mut unchained) = (0, 0);
    for (id, event, stored) in entries {
        let Some(stored) = stored else {
            if previous.is_none() {
                unchained += 1;
                continue;
            }
            return ChainCheck::BrokenAt {
                id,
                entries_before: checked,
            };
        };
        let algorithm = if stored.starts_with("sha256:") {
            ChainHash::Sha256
        } else {
            ChainHash::Sm3
        };
        let expected = chain_hash(algorithm, previous.as_deref().unwrap_or(""), &event);
        if expected != stored {
            return ChainCheck::BrokenAt {
                id,
                entries_before: checked,
            };
        }
        checked += 1;
        previous = Some(stored);
    }
    ChainCheck::Whole {
        entries: checked,
        unchained,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: u32) -> AuditEvent {
        AuditEvent {
            at: DateTime::from_timestamp(1_700_000_000 + i64::from(n), 123_456_789).unwrap(),
            actor: "lvliang".into(),
            action: "update".into(),
            object_type: "project".into(),
            object_id: format!("LL-{n}"),
            before: Some(r#"{"total_investment_wan":"100"}"#.into()),
            after: Some(r#"{"total_investment_wan":"120"}"#.into()),
            ip: Some("10.1.2.3".into()),
        }
    }

    fn trail(n: u32, algorithm: ChainHash) -> Vec<(i64, AuditEvent, Option<String>)> {
        let mut previous = String::new();
        (1..=n)
            .map(|i| {
                let e = event(i);
                let hash = chain_hash(algorithm, &previous, &e);
                previous = hash.clone();
                (i64::from(i), e, Some(hash))
            })
            .collect()
    }

    #[test]
    fn sm3_is_the_standard_function() {
        // GB/T 32905-2016, example 1: SM3("abc").
        let digest: String = sm3::Sm3::digest(b"abc")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            digest,
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }

    #[test]
    fn a_whole_chain_verifies_and_any_change_names_its_entry() {
        for algorithm in [ChainHash::Sm3, ChainHash::Sha256] {
            let whole = trail(5, algorithm);
            assert_eq!(
                verify_chain(whole.clone(), None),
                ChainCheck::Whole {
                    entries: 5,
                    unchained: 0
                }
            );
            let mut altered = whole.clone();
            altered[2].1.after = Some(r#"{"total_investment_wan":"999"}"#.into());
            assert_eq!(
                verify_chain(altered, None),
                ChainCheck::BrokenAt {
                    id: 3,
                    entries_before: 2
                }
            );
            let mut removed = whole.clone();
            removed.remove(1);
            assert_eq!(
                verify_chain(removed, None),
                ChainCheck::BrokenAt {
                    id: 3,
                    entries_before: 1
                }
            );
            let mut from_elsewhere = whole;
            from_elsewhere[4].1.ip = None;
            assert!(matches!(
                verify_chain(from_elsewhere, None),
                ChainCheck::BrokenAt { id: 5, .. }
            ));
        }
    }

    #[test]
    fn entries_before_the_chain_began_are_counted_not_failed() {
        let mut entries = vec![(0, event(0), None)];
        entries.extend(trail(2, ChainHash::Sm3));
        assert_eq!(
            verify_chain(entries, None),
            ChainCheck::Whole {
                entries: 2,
                unchained: 1
            }
        );
    }

    #[test]
    fn after_retention_the_rest_follows_from_the_anchor_and_only_from_it() {
        let whole = trail(6, ChainHash::Sm3);
        let anchor = whole[2].2.clone();
        let rest = whole[3..].to_vec();
        assert_eq!(
            verify_chain(rest.clone(), anchor.as_deref()),
            ChainCheck::Whole {
                entries: 3,
                unchained: 0
            }
        );
        // Without the anchor, or with a forged one, the first remaining entry does not follow.
        assert!(matches!(
            verify_chain(rest.clone(), None),
            ChainCheck::BrokenAt { id: 4, .. }
        ));
        assert!(matches!(
            verify_chain(rest, whole[1].2.as_deref()),
            ChainCheck::BrokenAt { id: 4, .. }
        ));
    }
}
