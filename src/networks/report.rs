//! Reports to a network's moderators, and what "mark spam" means where.
//!
//! Only Mastodon (`POST /api/v1/reports`, §8) and Bluesky
//! (`com.atproto.moderation.createReport`, §9) have a report call a brand
//! can use; each takes its own list of categories and its own comment
//! length. [`Report`] is what the outbox stores: a category from
//! [`ReportReason`] and the comment for the moderators. [`Report::check`]
//! refuses, before anything is queued, a category the network does not
//! have or a comment it would reject.
//!
//! "Mark spam" ([`Act::Spam`](super::connector::Act::Spam)) is a report
//! with the spam category on Mastodon and Bluesky, YouTube's `rejected`
//! moderation status (its `markAsSpam` is deprecated), and Messenger's
//! `MOVE_TO_SPAM` on Facebook conversations. To give another network a
//! report call, add its categories to [`reasons`] and its limit to
//! [`comment_limit`], then the connector's `report`.

use serde::{Deserialize, Serialize};
use unicode_segmentation::UnicodeSegmentation;

use super::refusals::name;
use crate::model::Network;

/// Why an item is reported: the union of the networks' categories.
/// Stored in the outbox: append new variants at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReportReason {
    Spam,
    /// Breaks the server's rules or the network's terms.
    Violation,
    /// Illegal content (Mastodon).
    Legal,
    /// Misleading (Bluesky).
    Misleading,
    /// Unwanted sexual content (Bluesky).
    Sexual,
    /// Rude, harassing (Bluesky).
    Rude,
    Other,
}

impl ReportReason {
    pub const ALL: [ReportReason; 7] = [
        ReportReason::Spam,
        ReportReason::Violation,
        ReportReason::Legal,
        ReportReason::Misleading,
        ReportReason::Sexual,
        ReportReason::Rude,
        ReportReason::Other,
    ];

    /// The word typed in the prompt and the CLI, and Mastodon's `category`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportReason::Spam => "spam",
            ReportReason::Violation => "violation",
            ReportReason::Legal => "legal",
            ReportReason::Misleading => "misleading",
            ReportReason::Sexual => "sexual",
            ReportReason::Rude => "rude",
            ReportReason::Other => "other",
        }
    }

    pub fn parse(word: &str) -> Option<ReportReason> {
        let word = word.trim().to_lowercase();
        ReportReason::ALL.into_iter().find(|r| r.as_str() == word)
    }

    /// Bluesky's `reasonType` token (`com.atproto.moderation.defs#reason…`).
    pub fn bluesky_type(self) -> &'static str {
        match self {
            ReportReason::Spam => "com.atproto.moderation.defs#reasonSpam",
            ReportReason::Violation | ReportReason::Legal => {
                "com.atproto.moderation.defs#reasonViolation"
            }
            ReportReason::Misleading => "com.atproto.moderation.defs#reasonMisleading",
            ReportReason::Sexual => "com.atproto.moderation.defs#reasonSexual",
            ReportReason::Rude => "com.atproto.moderation.defs#reasonRude",
            ReportReason::Other => "com.atproto.moderation.defs#reasonOther",
        }
    }
}

/// The categories `network`'s report call takes (empty: no report call).
pub fn reasons(network: Network) -> &'static [ReportReason] {
    use ReportReason::*;
    match network {
        // §8: `category` is spam|legal|violation|other.
        Network::Mastodon => &[Spam, Violation, Legal, Other],
        // §9: reasonSpam, Violation, Misleading, Sexual, Rude, Other.
        Network::Bluesky => &[Spam, Violation, Misleading, Sexual, Rude, Other],
        _ => &[],
    }
}

/// The longest comment `network` accepts, and in what unit.
pub fn comment_limit(network: Network) -> Option<(usize, &'static str)> {
    match network {
        // §8: "comment (≤1000 chars default)".
        Network::Mastodon => Some((1000, "characters")),
        // §9: "reason": ≤2000 graphemes.
        Network::Bluesky => Some((2000, "graphemes")),
        _ => None,
    }
}

/// A report as the outbox keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Report {
    pub reason: ReportReason,
    /// For the network's moderators (may be empty).
    pub comment: String,
}

impl Report {
    pub fn new(reason: ReportReason, comment: &str) -> Report {
        Report {
            reason,
            comment: crate::text::sanitize(comment.trim(), true).into_owned(),
        }
    }

    /// Why `network` would refuse this report, in words for the user.
    pub fn check(&self, network: Network) -> Result<(), String> {
        let n = name(network);
        let allowed = reasons(network);
        if allowed.is_empty() {
            return Err(format!("{n}'s API has no report call."));
        }
        if !allowed.contains(&self.reason) {
            let words: Vec<&str> = allowed.iter().map(|r| r.as_str()).collect();
            return Err(format!(
                "{n} has no '{}' report category: {}.",
                self.reason.as_str(),
                words.join(", ")
            ));
        }
        if let Some((limit, unit)) = comment_limit(network) {
            let length = match network {
                Network::Bluesky => self.comment.graphemes(true).count(),
                _ => self.comment.chars().count(),
            };
            if length > limit {
                return Err(format!(
                    "{n} takes a report comment of at most {limit} {unit}; this one has {length}."
                ));
            }
        }
        Ok(())
    }

    /// One line for the audit and the outbox list: `spam: "buys followers"`.
    pub fn describe(&self) -> String {
        if self.comment.is_empty() {
            self.reason.as_str().to_string()
        } else {
            format!(
                "{}: \"{}\"",
                self.reason.as_str(),
                crate::text::one_line(&self.comment)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_follow_each_networks_api() {
        assert_eq!(ReportReason::parse(" Spam "), Some(ReportReason::Spam));
        assert_eq!(ReportReason::parse("nonsense"), None);
        for r in ReportReason::ALL {
            assert_eq!(ReportReason::parse(r.as_str()), Some(r));
        }
        let ok = |n, r| Report::new(r, "").check(n);
        assert!(ok(Network::Mastodon, ReportReason::Legal).is_ok());
        assert!(ok(Network::Bluesky, ReportReason::Rude).is_ok());
        assert_eq!(
            ok(Network::Mastodon, ReportReason::Rude).unwrap_err(),
            "Mastodon has no 'rude' report category: spam, violation, legal, other."
        );
        assert_eq!(
            ok(Network::X, ReportReason::Spam).unwrap_err(),
            "X's API has no report call."
        );
        assert_eq!(
            ReportReason::Rude.bluesky_type(),
            "com.atproto.moderation.defs#reasonRude"
        );
    }

    #[test]
    fn comments_are_counted_as_each_network_counts() {
        let long = "é".repeat(1001);
        let m = Report::new(ReportReason::Spam, &long).check(Network::Mastodon);
        assert_eq!(
            m.unwrap_err(),
            "Mastodon takes a report comment of at most 1000 characters; this one has 1001."
        );
        assert!(
            Report::new(ReportReason::Spam, &long)
                .check(Network::Bluesky)
                .is_ok()
        );
        // A family emoji is one grapheme of several code points.
        let family = "👨\u{200d}👩\u{200d}👧".repeat(2000);
        assert!(
            Report::new(ReportReason::Other, &family)
                .check(Network::Bluesky)
                .is_ok()
        );
        assert!(
            Report::new(ReportReason::Other, &format!("{family}!"))
                .check(Network::Bluesky)
                .is_err()
        );
    }

    #[test]
    fn comments_are_sanitized_and_described_on_one_line() {
        let r = Report::new(ReportReason::Spam, "  buys\u{1b}[31m followers\nfast ");
        assert!(!r.comment.contains('\u{1b}'));
        assert!(r.describe().starts_with("spam: \"buys"));
        assert!(!r.describe().contains('\n'));
        assert_eq!(Report::new(ReportReason::Other, "").describe(), "other");
    }
}
