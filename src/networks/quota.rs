//! YouTube's daily quota (networks.md §4): unit costs per call and a ledger
//! that knows when the day resets (midnight Pacific), so sync can pace itself
//! and the account screen can show what is left.
//!
//! To account for a new endpoint, add a [`YouTubeCall`] variant with its
//! documented cost. Other networks have no unit quota (their budgets are
//! rate limits, see `ratelimit.rs`).

use chrono::{DateTime, Utc};

use super::ratelimit::next_pacific_midnight;

/// Default allocation per project per day.
pub const YOUTUBE_DAILY_UNITS: u32 = 10_000;

/// The calls guichet makes, with their documented unit costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YouTubeCall {
    CommentThreadsList,
    CommentsList,
    CommentsInsert,
    CommentsUpdate,
    SetModerationStatus,
    CommentsDelete,
    CommentThreadsInsert,
    /// `channels.list?mine=true` (login finds the channel).
    ChannelsList,
}

impl YouTubeCall {
    pub fn cost(self) -> u32 {
        match self {
            YouTubeCall::CommentThreadsList
            | YouTubeCall::CommentsList
            | YouTubeCall::ChannelsList => 1,
            YouTubeCall::CommentsInsert
            | YouTubeCall::CommentsUpdate
            | YouTubeCall::SetModerationStatus
            | YouTubeCall::CommentsDelete
            | YouTubeCall::CommentThreadsInsert => 50,
        }
    }
}

/// Units spent today. Every request counts, even a failed one (§4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaDay {
    pub daily: u32,
    pub used: u32,
    pub resets_at: DateTime<Utc>,
}

impl QuotaDay {
    pub fn new(daily: u32, now: DateTime<Utc>) -> QuotaDay {
        QuotaDay {
            daily,
            used: 0,
            resets_at: next_pacific_midnight(now),
        }
    }

    /// Starts a fresh day if the reset has passed.
    fn roll(&mut self, now: DateTime<Utc>) {
        if now >= self.resets_at {
            *self = QuotaDay::new(self.daily, now);
        }
    }

    pub fn remaining(&mut self, now: DateTime<Utc>) -> u32 {
        self.roll(now);
        self.daily.saturating_sub(self.used)
    }

    /// What an earlier run recorded, carried over while its day lasts:
    /// units spent in this process and before both count.
    pub fn carry_over(&mut self, saved: &QuotaDay, now: DateTime<Utc>) {
        self.roll(now);
        if saved.resets_at == self.resets_at {
            self.used = self.used.max(saved.used).min(self.daily.max(saved.used));
        }
    }

    /// `resets_at used daily`, as kept in the store between runs.
    pub fn to_record(&self) -> String {
        format!(
            "{} {} {}",
            self.resets_at.to_rfc3339(),
            self.used,
            self.daily
        )
    }

    pub fn from_record(s: &str) -> Option<QuotaDay> {
        let mut parts = s.split_whitespace();
        let resets_at = DateTime::parse_from_rfc3339(parts.next()?)
            .ok()?
            .with_timezone(&Utc);
        let used = parts.next()?.parse().ok()?;
        let daily = parts.next()?.parse().ok()?;
        Some(QuotaDay {
            daily,
            used,
            resets_at,
        })
    }

    /// Records `call` if it fits; otherwise says when the quota returns.
    pub fn spend(&mut self, call: YouTubeCall, now: DateTime<Utc>) -> Result<(), DateTime<Utc>> {
        self.roll(now);
        if self.used.saturating_add(call.cost()) > self.daily {
            return Err(self.resets_at);
        }
        self.used += call.cost();
        Ok(())
    }
}

#[cfg(test)]
mod carry_tests {
    use super::*;

    #[test]
    fn a_saved_day_carries_over_until_its_reset() {
        let now = Utc::now();
        let mut saved = QuotaDay::new(10_000, now);
        saved.used = 4_200;
        let back = QuotaDay::from_record(&saved.to_record());
        assert_eq!(back, Some(saved));
        let mut fresh = QuotaDay::new(10_000, now);
        fresh.used = 50;
        fresh.carry_over(&saved, now);
        assert_eq!(fresh.used, 4_200);
        let mut tomorrow = QuotaDay::new(10_000, saved.resets_at + chrono::Duration::hours(1));
        tomorrow.carry_over(&saved, saved.resets_at + chrono::Duration::hours(1));
        assert_eq!(tomorrow.used, 0, "yesterday's spending is gone");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn documented_costs() {
        assert_eq!(YouTubeCall::CommentThreadsList.cost(), 1);
        assert_eq!(YouTubeCall::CommentsInsert.cost(), 50);
        assert_eq!(YouTubeCall::SetModerationStatus.cost(), 50);
    }

    #[test]
    fn a_day_holds_200_replies_then_waits_for_pacific_midnight() {
        let now = at("2026-09-14T19:00:00Z");
        let mut day = QuotaDay::new(YOUTUBE_DAILY_UNITS, now);
        for _ in 0..200 {
            day.spend(YouTubeCall::CommentsInsert, now).unwrap();
        }
        assert_eq!(day.remaining(now), 0);
        // 10,000 / 50 = 200 replies; the 201st waits for 00:00 PDT = 07:00 UTC.
        assert_eq!(
            day.spend(YouTubeCall::CommentsInsert, now),
            Err(at("2026-09-15T07:00:00Z"))
        );
        let tomorrow = at("2026-09-15T07:00:00Z");
        assert_eq!(day.remaining(tomorrow), 10_000);
        assert!(day.spend(YouTubeCall::CommentThreadsList, tomorrow).is_ok());
        assert_eq!(day.remaining(tomorrow), 9_999);
    }
}
