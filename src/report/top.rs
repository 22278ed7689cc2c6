//! The top authors of a report: most active, most negative, influencers,
//! picked from the per-author sums without sorting every author, with
//! their handles read from one stored item each.

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use super::accum::AuthorAcc;
use super::engine::TOP;
use super::metrics::{AuthorRow, Authors};
use crate::model::Network;
use crate::store::{Store, StoreError};

/// The top authors of each list, with their handles read from one item
/// of each (a few dozen reads, not one per item). Ties go to whoever
/// wrote to the brand first in the period (the lower seq).
pub(super) fn authors(
    accs: FxHashMap<u64, AuthorAcc>,
    store: &dyn Store,
) -> Result<Authors, StoreError> {
    let all: Vec<AuthorAcc> = accs.into_values().filter(|a| a.network.is_some()).collect();
    let top = |key: &dyn Fn(&AuthorAcc) -> (i64, i64), keep: &dyn Fn(&AuthorAcc) -> bool| {
        let mut v: Vec<&AuthorAcc> = all.iter().filter(|a| keep(a)).collect();
        let order = |a: &&AuthorAcc, b: &&AuthorAcc| {
            key(b).cmp(&key(a)).then(a.first_seq.cmp(&b.first_seq))
        };
        if v.len() > TOP {
            v.select_nth_unstable_by(TOP, order);
            v.truncate(TOP);
        }
        v.sort_by(order);
        v
    };
    let as_i64 = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let followers = |a: &AuthorAcc| {
        a.followers
            .map_or(-1, |f| i64::try_from(f).unwrap_or(i64::MAX))
    };
    let lists = [
        top(&|a| (as_i64(a.items), 0), &|_| true),
        top(&|a| (as_i64(a.negative), -a.score), &|a| a.negative > 0),
        top(&|a| (followers(a), 0), &|a| a.followers.is_some()),
    ];
    let mut handles: HashMap<u32, String> = HashMap::new();
    let mut rows = |list: &[&AuthorAcc]| -> Result<Vec<AuthorRow>, StoreError> {
        let mut out = Vec::with_capacity(list.len());
        for a in list {
            let handle = match handles.get(&a.first_seq) {
                Some(h) => h.clone(),
                None => {
                    let h = store
                        .get(a.first_seq)?
                        .map(|item| item.remote.author.handle)
                        .unwrap_or_default();
                    handles.insert(a.first_seq, h.clone());
                    h
                }
            };
            out.push(AuthorRow {
                network: a.network.unwrap_or(Network::Facebook),
                handle,
                items: a.items,
                negative: a.negative,
                score: a.score,
                followers: a.followers,
            });
        }
        Ok(out)
    };
    let [active, negative, influencers] = &lists;
    Ok(Authors {
        most_active: rows(active)?,
        most_negative: rows(negative)?,
        influencers: rows(influencers)?,
    })
}
