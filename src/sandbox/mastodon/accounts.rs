//! The accounts the sandboxed instance knows: registered on first sight
//! (as an instance fetches a remote account), local ones written `user`,
//! remote ones `user@domain`; and the mentions a posted text resolves to,
//! which decide who a direct status reaches.

use super::*;

impl Instance {
    /// The account `acct` (`user` for a local one, `user@domain`),
    /// registered on first sight as the instance would fetch it.
    pub(super) fn account(&mut self, acct: &str, display_name: &str) -> Account {
        let acct = self.local_acct(acct.trim_start_matches('@'));
        if acct == self.me.acct {
            return self.me.clone();
        }
        let next = 200_000 + self.accounts.len();
        self.accounts
            .entry(acct.clone())
            .or_insert_with(|| Account {
                id: next.to_string(),
                acct: acct.clone(),
                display_name: if display_name.is_empty() {
                    acct.clone()
                } else {
                    display_name.to_string()
                },
            })
            .clone()
    }

    /// `user@this-host` is the local `user`.
    pub(super) fn local_acct(&self, acct: &str) -> String {
        match acct.split_once('@') {
            Some((user, host)) if host.eq_ignore_ascii_case(&self.host) => user.to_string(),
            _ => acct.to_string(),
        }
    }

    pub(super) fn account_by_id(&self, id: &str) -> Option<&Account> {
        if self.me.id == id {
            return Some(&self.me);
        }
        self.accounts.values().find(|a| a.id == id)
    }

    /// The known accounts a text mentions (`@user`, `@user@domain`), as
    /// the instance resolves them when a status is posted.
    pub(super) fn mentions_in(&self, text: &str) -> Vec<Account> {
        let mut found: Vec<Account> = Vec::new();
        for word in text.split_whitespace() {
            let Some(acct) = word.strip_prefix('@') else {
                continue;
            };
            let acct = self.local_acct(acct.trim_end_matches(|c: char| c.is_ascii_punctuation()));
            let account = if acct == self.me.acct {
                Some(&self.me)
            } else {
                self.accounts.get(&acct)
            };
            if let Some(a) = account
                && !found.iter().any(|f| f.id == a.id)
            {
                found.push(a.clone());
            }
        }
        found
    }
}
