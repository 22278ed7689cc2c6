//! What a report is asked: the window, the filters, and the settings that
//! shape its numbers (zone, business hours, tag SLAs).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::hours::{BusinessHours, Clock};
use super::period::Window;
use crate::model::{Kind, Network};
use crate::store::Row;
use crate::store::rows::Interner;
use crate::triage::tags::Tags;

/// Narrows a report. Empty lists mean "all".
///
/// `network`, `account`, `kind` and `tag` keep the items that match (a tag
/// is one the item carries now). `agent` keeps what one person did: the
/// items assigned to them or that they acted on, the answers they gave,
/// the moderation and escalations they did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFilter {
    pub networks: Vec<Network>,
    pub accounts: Vec<String>,
    pub kinds: Vec<Kind>,
    pub tags: Vec<String>,
    pub agent: Option<String>,
}

impl ReportFilter {
    /// The item passes the network, account, kind and tag filters.
    pub fn matches(&self, row: &Row, names: &Interner) -> bool {
        (self.networks.is_empty() || self.networks.contains(&row.network))
            && (self.accounts.is_empty()
                || self
                    .accounts
                    .iter()
                    .any(|a| a == names.account_name(row.account)))
            && (self.kinds.is_empty() || self.kinds.contains(&row.kind))
            && (self.tags.is_empty()
                || names
                    .tag_set(row.tags)
                    .iter()
                    .any(|t| self.tags.iter().any(|x| x == names.tag_name(*t))))
    }

    /// `who` did it, or no agent is asked for.
    pub fn by_agent(&self, who: &str) -> bool {
        self.agent.as_deref().is_none_or(|a| a == who)
    }

    /// Words for a report header: `network x · agent camille`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        let join = |v: Vec<String>| v.join(",");
        if !self.networks.is_empty() {
            parts.push(format!(
                "network {}",
                join(self.networks.iter().map(|n| n.to_string()).collect())
            ));
        }
        if !self.accounts.is_empty() {
            parts.push(format!("account {}", self.accounts.join(",")));
        }
        if !self.kinds.is_empty() {
            parts.push(format!(
                "kind {}",
                join(self.kinds.iter().map(|k| k.to_string()).collect())
            ));
        }
        if !self.tags.is_empty() {
            parts.push(format!("tag {}", self.tags.join(",")));
        }
        if let Some(a) = &self.agent {
            parts.push(format!("agent {a}"));
        }
        if parts.is_empty() {
            "everything".to_string()
        } else {
            parts.join(" · ")
        }
    }
}

/// What shapes the numbers, from config.toml and tags.toml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub zone: Tz,
    pub hours: Option<BusinessHours>,
    pub tags: Arc<Tags>,
}

impl Settings {
    pub fn clock(&self) -> Clock {
        Clock {
            zone: self.zone,
            hours: self.hours.clone(),
        }
    }

    /// From the configuration (its zone and business hours) and tags.toml.
    pub fn from_config(config: &crate::config::Config, tags: Arc<Tags>) -> Settings {
        Settings {
            zone: config.timezone,
            hours: config.business_hours.clone(),
            tags,
        }
    }
}

/// One report's question.
#[derive(Debug, Clone)]
pub struct Query {
    pub window: Window,
    /// What the period is called in the output (`last 7 days`).
    pub label: String,
    /// The moment the report looks from: answers and outcomes that came
    /// after the window but before this still count for its items, and a
    /// timer not met by then is breached if its due time has passed.
    pub as_of: DateTime<Utc>,
    pub filter: ReportFilter,
}
