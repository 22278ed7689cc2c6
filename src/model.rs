//! Domain types shared by every layer: items, their identity, authors, and the
//! local state a community manager adds on top of what a network gives us.
//!
//! An [`Item`] is split in two on purpose: [`Remote`] holds what the network
//! says (it is replaced on every re-sync), [`Local`] holds what we decided
//! (status, tags, notes…; a re-sync never touches it). Adding a network means
//! adding a [`Network`] variant and its badge; adding a field means choosing
//! which half it belongs to and bumping the store schema (see `store::migrate`).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Every network guichet reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Network {
    Facebook,
    Instagram,
    X,
    YouTube,
    TikTok,
    LinkedIn,
    Threads,
    Mastodon,
    Bluesky,
}

impl Network {
    pub const ALL: [Network; 9] = [
        Network::Facebook,
        Network::Instagram,
        Network::X,
        Network::YouTube,
        Network::TikTok,
        Network::LinkedIn,
        Network::Threads,
        Network::Mastodon,
        Network::Bluesky,
    ];

    /// Stable lowercase name, used in ids, config files and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Network::Facebook => "facebook",
            Network::Instagram => "instagram",
            Network::X => "x",
            Network::YouTube => "youtube",
            Network::TikTok => "tiktok",
            Network::LinkedIn => "linkedin",
            Network::Threads => "threads",
            Network::Mastodon => "mastodon",
            Network::Bluesky => "bluesky",
        }
    }

    /// Two-letter badge drawn in the queue.
    pub fn badge(self) -> &'static str {
        match self {
            Network::Facebook => "FB",
            Network::Instagram => "IG",
            Network::X => "X ",
            Network::YouTube => "YT",
            Network::TikTok => "TT",
            Network::LinkedIn => "IN",
            Network::Threads => "TH",
            Network::Mastodon => "MA",
            Network::Bluesky => "BS",
        }
    }

    pub fn index(self) -> u8 {
        self as u8
    }

    pub fn from_index(i: u8) -> Option<Network> {
        Network::ALL.get(usize::from(i)).copied()
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Network {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        let found = Network::ALL.into_iter().find(|n| n.as_str() == lower);
        if let Some(n) = found {
            return Ok(n);
        }
        match lower.as_str() {
            "twitter" => Ok(Network::X),
            "fb" => Ok(Network::Facebook),
            "ig" => Ok(Network::Instagram),
            "yt" => Ok(Network::YouTube),
            "bsky" => Ok(Network::Bluesky),
            _ => Err(format!(
                "unknown network '{s}' (expected one of: {})",
                Network::ALL.map(Network::as_str).join(", ")
            )),
        }
    }
}

/// What sort of inbox item this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Kind {
    Comment,
    Reply,
    Mention,
    Quote,
    DirectMessage,
    Review,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Comment,
        Kind::Reply,
        Kind::Mention,
        Kind::Quote,
        Kind::DirectMessage,
        Kind::Review,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Comment => "comment",
            Kind::Reply => "reply",
            Kind::Mention => "mention",
            Kind::Quote => "quote",
            Kind::DirectMessage => "dm",
            Kind::Review => "review",
        }
    }

    pub fn index(self) -> u8 {
        self as u8
    }

    pub fn from_index(i: u8) -> Option<Kind> {
        Kind::ALL.get(usize::from(i)).copied()
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        match lower.as_str() {
            "direct_message" | "direct-message" | "message" => return Ok(Kind::DirectMessage),
            _ => {}
        }
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == lower)
            .ok_or_else(|| {
                format!(
                    "unknown kind '{s}' (expected one of: {})",
                    Kind::ALL.map(Kind::as_str).join(", ")
                )
            })
    }
}

/// Where an item stands in the community manager's workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    New,
    Open,
    Answered,
    Done,
    Snoozed { until: DateTime<Utc> },
    Escalated,
}

/// A status without its payload, for filters and compact rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum StatusKind {
    New,
    Open,
    Answered,
    Done,
    Snoozed,
    Escalated,
}

impl StatusKind {
    pub const ALL: [StatusKind; 6] = [
        StatusKind::New,
        StatusKind::Open,
        StatusKind::Answered,
        StatusKind::Done,
        StatusKind::Snoozed,
        StatusKind::Escalated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StatusKind::New => "new",
            StatusKind::Open => "open",
            StatusKind::Answered => "answered",
            StatusKind::Done => "done",
            StatusKind::Snoozed => "snoozed",
            StatusKind::Escalated => "escalated",
        }
    }

    pub fn index(self) -> u8 {
        self as u8
    }

    pub fn from_index(i: u8) -> Option<StatusKind> {
        StatusKind::ALL.get(usize::from(i)).copied()
    }

    /// Still waits for the community manager (the default queue shows these).
    pub fn is_unanswered(self) -> bool {
        matches!(self, StatusKind::New | StatusKind::Open)
    }
}

impl fmt::Display for StatusKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StatusKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        StatusKind::ALL
            .into_iter()
            .find(|k| k.as_str() == lower)
            .ok_or_else(|| {
                format!(
                    "unknown status '{s}' (expected one of: {})",
                    StatusKind::ALL.map(StatusKind::as_str).join(", ")
                )
            })
    }
}

impl Status {
    pub fn kind(&self) -> StatusKind {
        match self {
            Status::New => StatusKind::New,
            Status::Open => StatusKind::Open,
            Status::Answered => StatusKind::Answered,
            Status::Done => StatusKind::Done,
            Status::Snoozed { .. } => StatusKind::Snoozed,
            Status::Escalated => StatusKind::Escalated,
        }
    }

    /// The status as the queue should treat it at `now`: a snooze that has
    /// expired counts as open again.
    pub fn effective(&self, now: DateTime<Utc>) -> StatusKind {
        match self {
            Status::Snoozed { until } if *until <= now => StatusKind::Open,
            other => other.kind(),
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Snoozed { until } => {
                write!(f, "snoozed until {}", until.format("%Y-%m-%d %H:%M"))
            }
            other => f.write_str(other.kind().as_str()),
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    pub fn index(self) -> u8 {
        self as u8
    }

    pub fn from_index(i: u8) -> Option<Priority> {
        Priority::ALL.get(usize::from(i)).copied()
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Priority {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Priority::ALL
            .into_iter()
            .find(|p| p.as_str() == lower)
            .ok_or_else(|| format!("unknown priority '{s}' (expected low, normal, high or urgent)"))
    }
}

/// `network:account:native_id`. The native id may itself contain colons
/// (Bluesky `at://` URIs), so only the first two separators count.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ItemId(String);

impl ItemId {
    pub fn new(network: Network, account: &str, native_id: &str) -> ItemId {
        ItemId(format!("{}:{account}:{native_id}", network.as_str()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn network(&self) -> Option<Network> {
        self.0.split(':').next().and_then(|n| n.parse().ok())
    }
}

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for ItemId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.splitn(3, ':');
        let (Some(net), Some(account), Some(native)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(format!(
                "'{s}' is not an item id (expected network:account:native_id)"
            ));
        };
        let network: Network = net.parse()?;
        if account.is_empty() || native.is_empty() {
            return Err(format!(
                "'{s}' is not an item id (empty account or native id)"
            ));
        }
        Ok(ItemId::new(network, account, native))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Author {
    pub id: String,
    pub handle: String,
    pub display_name: String,
    pub profile_url: Option<String>,
    pub followers: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Engagement {
    pub likes: Option<u64>,
    pub replies: Option<u64>,
    pub shares: Option<u64>,
}

/// The brand's own post (or conversation) an item hangs under, for context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PostRef {
    pub id: String,
    pub text: String,
    pub permalink: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
}

/// What the network tells us. Replaced wholesale on re-sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remote {
    pub network: Network,
    pub account: String,
    pub native_id: String,
    pub kind: Kind,
    /// Conversation or root post this item belongs to (same for all replies).
    pub thread_id: Option<String>,
    /// Native id of the item this one answers, when it answers one.
    pub parent_id: Option<String>,
    pub post: Option<PostRef>,
    pub author: Author,
    pub text: String,
    pub lang: Option<String>,
    pub created_at: DateTime<Utc>,
    pub permalink: Option<String>,
    pub engagement: Engagement,
    /// True when the brand itself wrote this (our earlier replies in a thread).
    pub from_us: bool,
    /// The moderation state the network reports (hidden, liked by us…).
    pub moderation: Moderation,
}

/// What the brand has done to an item on the network, as the network says
/// (a re-sync replaces it; a confirmed outbox action updates it at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Moderation {
    /// Hidden from the public (Meta hide, Bluesky thread-gate, YouTube held).
    pub hidden: bool,
    /// Liked / favourited by the brand account.
    pub liked: bool,
    /// Deleted on the network: kept here for the record.
    pub deleted: bool,
}

impl Remote {
    pub fn id(&self) -> ItemId {
        ItemId::new(self.network, &self.account, &self.native_id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub by: String,
    pub at: DateTime<Utc>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastAction {
    pub what: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// What we decided about an item. A re-sync never touches it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Local {
    pub status: Status,
    pub priority: Priority,
    pub tags: Vec<String>,
    pub assignee: Option<String>,
    pub notes: Vec<Note>,
    pub read: bool,
    pub last_action: Option<LastAction>,
}

impl Default for Local {
    fn default() -> Self {
        Local {
            status: Status::New,
            priority: Priority::Normal,
            tags: Vec::new(),
            assignee: None,
            notes: Vec::new(),
            read: false,
            last_action: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub id: ItemId,
    pub remote: Remote,
    pub local: Local,
}

impl Item {
    pub fn new(remote: Remote) -> Item {
        let id = remote.id();
        Item {
            id,
            remote,
            local: Local::default(),
        }
    }

    /// The key that groups an item with its thread (`Store::thread`): the
    /// declared thread, or the item itself when it starts one.
    pub fn thread_key(&self) -> String {
        let thread = self
            .remote
            .thread_id
            .as_deref()
            .unwrap_or(&self.remote.native_id);
        format!(
            "{}:{}:{}",
            self.remote.network.as_str(),
            self.remote.account,
            thread
        )
    }

    /// The key that groups an author's items (`Store::by_author`).
    pub fn author_key(&self) -> String {
        format!("{}:{}", self.remote.network.as_str(), self.remote.author.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_id_keeps_colons_in_native_id() {
        let id: ItemId = "bluesky:brand.bsky.social:at://did:plc:x/app.bsky.feed.post/1"
            .parse()
            .unwrap();
        assert_eq!(id.network(), Some(Network::Bluesky));
        assert_eq!(
            id.as_str(),
            "bluesky:brand.bsky.social:at://did:plc:x/app.bsky.feed.post/1"
        );
    }

    #[test]
    fn item_id_rejects_garbage() {
        assert!("nope".parse::<ItemId>().is_err());
        assert!("myspace:a:b".parse::<ItemId>().is_err());
        assert!("x::b".parse::<ItemId>().is_err());
    }

    #[test]
    fn names_round_trip() {
        for n in Network::ALL {
            assert_eq!(n.as_str().parse::<Network>().unwrap(), n);
            assert_eq!(Network::from_index(n.index()), Some(n));
        }
        for k in Kind::ALL {
            assert_eq!(k.as_str().parse::<Kind>().unwrap(), k);
        }
        for s in StatusKind::ALL {
            assert_eq!(s.as_str().parse::<StatusKind>().unwrap(), s);
        }
        assert_eq!("twitter".parse::<Network>().unwrap(), Network::X);
    }

    #[test]
    fn expired_snooze_counts_as_open() {
        let now = Utc::now();
        let past = Status::Snoozed {
            until: now - chrono::Duration::minutes(1),
        };
        let future = Status::Snoozed {
            until: now + chrono::Duration::minutes(1),
        };
        assert_eq!(past.effective(now), StatusKind::Open);
        assert_eq!(future.effective(now), StatusKind::Snoozed);
    }
}
