//! Sessions kept across runs, sealed. A network session (Bluesky's access
//! and refresh tokens) is a secret: it is written only encrypted with
//! XChaCha20-Poly1305, under a key derived (HKDF-SHA256) from the account's
//! own credential, which lives in the user's secret store. Whoever can
//! open a sealed session could log in with that credential anyway, and a
//! changed credential simply fails to open the old session.
//!
//! Keeping the session matters: Bluesky allows 30 logins per 5 minutes and
//! 300 a day, which a `guichet sync` from cron every five minutes would
//! nearly spend by itself.

use std::sync::Arc;

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2::Sha256;

use crate::store::Store;

/// Where sealed sessions are kept.
pub trait SessionVault: Send + Sync + std::fmt::Debug {
    fn load(&self, key: &str) -> Option<Vec<u8>>;
    fn save(&self, key: &str, sealed: &[u8]);
}

/// The store's `sealed` tree as a vault.
#[derive(Clone)]
pub struct StoreVault(pub Arc<dyn Store>);

impl std::fmt::Debug for StoreVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreVault")
    }
}

impl SessionVault for StoreVault {
    fn load(&self, key: &str) -> Option<Vec<u8>> {
        match self.0.sealed(key) {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read a kept session");
                None
            }
        }
    }

    fn save(&self, key: &str, sealed: &[u8]) {
        if let Err(e) = self.0.set_sealed(key, sealed) {
            tracing::warn!(error = %e, "cannot keep the session");
        }
    }
}

const SALT: &[u8] = b"guichet sealed session v1";
const NONCE: usize = 24;

fn cipher(credential: &str, account: &str) -> Option<XChaCha20Poly1305> {
    let mut key = [0u8; 32];
    Hkdf::<Sha256>::new(Some(SALT), credential.as_bytes())
        .expand(account.as_bytes(), &mut key)
        .ok()?;
    Some(XChaCha20Poly1305::new(&key.into()))
}

/// Encrypts `plain` for `account` under a key from `credential`.
pub fn seal(credential: &str, account: &str, plain: &[u8]) -> Option<Vec<u8>> {
    let cipher = cipher(credential, account)?;
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let mut out = nonce.to_vec();
    out.extend(cipher.encrypt(&nonce, plain).ok()?);
    Some(out)
}

/// Decrypts what [`seal`] made; `None` if the credential or the account
/// differ, or the bytes were changed.
pub fn open(credential: &str, account: &str, sealed: &[u8]) -> Option<Vec<u8>> {
    if sealed.len() <= NONCE {
        return None;
    }
    let (nonce, body) = sealed.split_at(NONCE);
    cipher(credential, account)?
        .decrypt(XNonce::from_slice(nonce), body)
        .ok()
}

/// A value a previous run kept sealed under `key`, if `credential` (for
/// `account`) opens it.
pub fn kept<T: serde::de::DeserializeOwned>(
    vault: &dyn SessionVault,
    key: &str,
    credential: &str,
    account: &str,
) -> Option<T> {
    let sealed = vault.load(key)?;
    let plain = open(credential, account, &sealed)?;
    serde_json::from_slice(&plain).ok()
}

/// Keeps `value` sealed under `key` with a key from `credential`.
pub fn keep<T: serde::Serialize>(
    vault: &dyn SessionVault,
    key: &str,
    credential: &str,
    account: &str,
    value: &T,
) {
    match serde_json::to_vec(value)
        .ok()
        .and_then(|plain| seal(credential, account, &plain))
    {
        Some(bytes) => vault.save(key, &bytes),
        None => tracing::warn!(key, "cannot seal the session; it is not kept"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_bytes_open_only_with_the_same_credential_and_account() {
        let plain = b"{\"accessJwt\":\"eyJ-secret\"}";
        let sealed = seal("app-pass", "brand.bsky.social", plain).unwrap();
        assert!(
            !sealed.windows(10).any(|w| w == b"eyJ-secret"),
            "not in clear"
        );
        assert_eq!(
            open("app-pass", "brand.bsky.social", &sealed).as_deref(),
            Some(&plain[..])
        );
        assert_eq!(open("other-pass", "brand.bsky.social", &sealed), None);
        assert_eq!(open("app-pass", "other.bsky.social", &sealed), None);
        let mut tampered = sealed.clone();
        if let Some(last) = tampered.last_mut() {
            *last ^= 1;
        }
        assert_eq!(open("app-pass", "brand.bsky.social", &tampered), None);
        assert_ne!(
            seal("app-pass", "brand.bsky.social", plain).unwrap(),
            sealed,
            "fresh nonce"
        );
    }
}
