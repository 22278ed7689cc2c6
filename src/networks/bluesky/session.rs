//! The Bluesky session and how calls are sent (`reference/networks.md` §9,
//! "Access and auth"): `createSession` with the app password on the
//! configured base (the entryway), the PDS read from the answer's `didDoc`
//! (`service[]` entry `#atproto_pds`), later calls on that PDS. On
//! `ExpiredToken` one `refreshSession`, or one new `createSession` when the
//! refresh token is spent too, then the call is sent once more.
//!
//! Most calls go through the shared [`Http`](super::Http) client. Chat calls
//! and reports need the `atproto-proxy` header and some procedures (`muteActor`) answer
//! 200 with no body, which that client reads as a bad payload: those go
//! through [`BlueskyConnector::direct`], with the same retry policy.

use std::time::Duration;

use chrono::Utc;
use serde_json::{Value, json};

use super::{BlueskyConnector, CHAT_PROXY, Secret, Session, err};
use crate::model::Network;
use crate::networks::error::{ConnectorError, ErrorKind};
use crate::networks::http::{Answer, Http, MAX_ATTEMPTS, SHORT_WAIT};
use crate::networks::ratelimit;

/// A request the session layer may have to send twice.
pub(super) struct Call<'a> {
    nsid: &'static str,
    query: Vec<(&'static str, &'a str)>,
    body: Option<Value>,
    /// The service the PDS forwards it to (`atproto-proxy`): chat, or
    /// the moderation service for reports.
    proxy: Option<&'static str>,
    /// A procedure whose success has no JSON body.
    no_output: bool,
}

impl<'a> Call<'a> {
    pub(super) fn get(nsid: &'static str, query: Vec<(&'static str, &'a str)>) -> Call<'a> {
        Call {
            nsid,
            query,
            body: None,
            proxy: None,
            no_output: false,
        }
    }

    pub(super) fn post(nsid: &'static str, body: Value) -> Call<'a> {
        Call {
            body: Some(body),
            ..Call::get(nsid, Vec::new())
        }
    }

    pub(super) fn chat(self) -> Call<'a> {
        self.proxy(CHAT_PROXY)
    }

    pub(super) fn proxy(self, service: &'static str) -> Call<'a> {
        Call {
            proxy: Some(service),
            ..self
        }
    }

    pub(super) fn no_output(self) -> Call<'a> {
        Call {
            no_output: true,
            ..self
        }
    }
}

/// The PDS endpoint in a DID document, if it is one we may send tokens to:
/// https, or http when the configured base is http itself (a local server).
fn pds_endpoint(did_doc: Option<&Value>, base: &str) -> Option<String> {
    let services = did_doc?.get("service")?.as_array()?;
    let endpoint = services.iter().find_map(|s| {
        let id = s.get("id").and_then(Value::as_str)?;
        (id == "#atproto_pds" || id.ends_with("#atproto_pds"))
            .then(|| s.get("serviceEndpoint").and_then(Value::as_str))?
    })?;
    let allowed = endpoint.starts_with("https://")
        || (endpoint.starts_with("http://") && base.starts_with("http://"));
    if !allowed {
        tracing::warn!(endpoint, "bluesky: PDS endpoint ignored (not https)");
        return None;
    }
    Some(endpoint.trim_end_matches('/').to_string())
}

impl BlueskyConnector {
    pub fn new(
        base: &str,
        handle: &str,
        app_password: &str,
    ) -> Result<BlueskyConnector, ConnectorError> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("guichet/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| err(ErrorKind::Transient, format!("HTTP client: {e}")))?;
        Ok(BlueskyConnector {
            base: base.trim_end_matches('/').to_string(),
            handle: handle.trim_start_matches('@').to_string(),
            password: Secret(app_password.to_string()),
            http: Http::new(Network::Bluesky)?,
            client,
            session: std::sync::Arc::new(std::sync::Mutex::new(None)),
            vault: None,
        })
    }

    /// Keeps the session in `vault` between runs (sealed with the app
    /// password), so a restart or a cron run does not log in again.
    pub fn with_vault(
        mut self,
        vault: std::sync::Arc<dyn crate::networks::vault::SessionVault>,
    ) -> BlueskyConnector {
        self.vault = Some(vault);
        self
    }

    fn vault_key(&self) -> String {
        format!("bluesky:{}:{}", self.base, self.handle)
    }

    /// The session a previous run kept, if this app password opens it.
    fn kept(&self) -> Option<Session> {
        let vault = self.vault.as_ref()?;
        let session: Session = crate::networks::vault::kept(
            vault.as_ref(),
            &self.vault_key(),
            &self.password.0,
            &self.handle,
        )?;
        tracing::debug!(handle = %self.handle, "bluesky: using the kept session");
        *self
            .session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(session.clone());
        Some(session)
    }

    fn keep_sealed(&self, session: &Session) {
        let Some(vault) = &self.vault else {
            return;
        };
        crate::networks::vault::keep(
            vault.as_ref(),
            &self.vault_key(),
            &self.password.0,
            &self.handle,
            session,
        );
    }

    /// The URL of `nsid` on `session`'s PDS (or on the base before one).
    fn xrpc(&self, session: Option<&Session>, nsid: &str) -> String {
        let host = session.and_then(|s| s.pds.as_deref()).unwrap_or(&self.base);
        format!("{host}/xrpc/{nsid}")
    }

    fn current(&self) -> Option<Session> {
        self.session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn keep(&self, body: &Value, old_pds: Option<String>) -> Result<Session, ConnectorError> {
        let field = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_string);
        let (Some(access), Some(refresh), Some(did)) =
            (field("accessJwt"), field("refreshJwt"), field("did"))
        else {
            return Err(err(ErrorKind::BadPayload, "the session has no tokens"));
        };
        let pds = pds_endpoint(body.get("didDoc"), &self.base).or(old_pds);
        let session = Session {
            access,
            refresh,
            did,
            pds,
        };
        *self
            .session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(session.clone());
        self.keep_sealed(&session);
        Ok(session)
    }

    /// A session call: no retry (login is rate-limited), our own
    /// classification, no body for `refreshSession`.
    async fn session_call(
        &self,
        url: String,
        bearer: Option<&str>,
        body: Option<&Value>,
        old_pds: Option<String>,
    ) -> Result<Session, ConnectorError> {
        let mut req = self.client.post(url);
        if let Some(token) = bearer {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        let resp = req.send().await.map_err(|e| {
            err(
                ErrorKind::Transient,
                format!("session call failed: {}", e.without_url()),
            )
        })?;
        let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
        let text = resp.text().await.unwrap_or_default();
        let body: Option<Value> = serde_json::from_str(&text).ok();
        let failed = ConnectorError::from_response(
            Network::Bluesky,
            status,
            &headers,
            body.as_ref(),
            Utc::now(),
        );
        match (failed, body) {
            (Some(e), _) => Err(e),
            (None, Some(body)) => self.keep(&body, old_pds),
            (None, None) => Err(err(ErrorKind::BadPayload, "the session is not JSON")),
        }
    }

    async fn login(&self) -> Result<Session, ConnectorError> {
        tracing::debug!(handle = %self.handle, "bluesky: creating a session");
        let body = json!({ "identifier": self.handle, "password": self.password.0 });
        let url = self.xrpc(None, "com.atproto.server.createSession");
        self.session_call(url, None, Some(&body), None).await
    }

    pub(super) async fn open(&self) -> Result<Session, ConnectorError> {
        match self.current().or_else(|| self.kept()) {
            Some(s) => Ok(s),
            None => self.login().await,
        }
    }

    /// After `ExpiredToken`: refresh, or log in again if that fails too.
    async fn renew(&self, stale: &Session) -> Result<Session, ConnectorError> {
        tracing::debug!(handle = %self.handle, "bluesky: refreshing the session");
        let url = self.xrpc(Some(stale), "com.atproto.server.refreshSession");
        let refreshed = self
            .session_call(url, Some(&stale.refresh), None, stale.pds.clone())
            .await;
        match refreshed {
            Err(e) if matches!(e.kind, ErrorKind::AuthExpired | ErrorKind::AuthRevoked) => {
                self.login().await
            }
            other => other,
        }
    }

    async fn send(&self, call: &Call<'_>, session: &Session) -> Result<Answer, ConnectorError> {
        let base = self.xrpc(Some(session), call.nsid);
        let url = if call.query.is_empty() {
            reqwest::Url::parse(&base)
        } else {
            reqwest::Url::parse_with_params(&base, &call.query)
        }
        .map_err(|e| err(ErrorKind::Rejected, format!("bad URL: {e}")))?;
        if call.proxy.is_some() || call.no_output {
            return self.direct(call, url, &session.access).await;
        }
        match &call.body {
            None => self.http.get(url.as_str(), &session.access).await,
            Some(body) => {
                self.http
                    .post_json(url.as_str(), &session.access, body, None)
                    .await
            }
        }
    }

    /// An authenticated call; an expired session is renewed and the call
    /// sent once more.
    pub(super) async fn call(&self, call: Call<'_>) -> Result<Answer, ConnectorError> {
        let session = self.open().await?;
        match self.send(&call, &session).await {
            Err(e) if e.kind == ErrorKind::AuthExpired => {
                let fresh = self.renew(&session).await?;
                self.send(&call, &fresh).await
            }
            other => other,
        }
    }

    /// Sends `call` with our own client: the `atproto-proxy` header,
    /// an empty success body read as `null`. Retries as [`Http`] does: a
    /// transient failure with backoff, a rate limit that lifts soon once.
    async fn direct(
        &self,
        call: &Call<'_>,
        url: reqwest::Url,
        token: &str,
    ) -> Result<Answer, ConnectorError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut req = match &call.body {
                None => self.client.get(url.clone()),
                Some(body) => self.client.post(url.clone()).json(body),
            };
            req = req.bearer_auth(token);
            if let Some(service) = call.proxy {
                req = req.header("atproto-proxy", service);
            }
            let failure = match self.direct_once(req, call.nsid).await {
                Ok(answer) => return Ok(answer),
                Err(e) => e,
            };
            let wait = match &failure.kind {
                ErrorKind::Transient if attempt < MAX_ATTEMPTS => ratelimit::backoff(
                    attempt,
                    Duration::from_millis(250),
                    Duration::from_secs(8),
                    u64::from(attempt) ^ 0x6b73,
                ),
                ErrorKind::RateLimited { until } if attempt < MAX_ATTEMPTS => {
                    match (*until - Utc::now()).to_std() {
                        Ok(d) if d <= SHORT_WAIT => d + Duration::from_millis(50),
                        Err(_) => Duration::from_millis(50),
                        Ok(_) => return Err(failure),
                    }
                }
                _ => return Err(failure),
            };
            tracing::debug!(nsid = call.nsid, attempt, ?wait, error = %failure, "bluesky: retrying");
            tokio::time::sleep(wait).await;
        }
    }

    async fn direct_once(
        &self,
        req: reqwest::RequestBuilder,
        nsid: &str,
    ) -> Result<Answer, ConnectorError> {
        let resp = req.send().await.map_err(|e| {
            err(
                ErrorKind::Transient,
                format!("{nsid} failed: {}", e.without_url()),
            )
        })?;
        let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
        let text = resp.text().await.map_err(|e| {
            err(
                ErrorKind::Transient,
                format!("reading {nsid}: {}", e.without_url()),
            )
        })?;
        let body: Option<Value> = serde_json::from_str(&text).ok();
        let now = Utc::now();
        let rate = ratelimit::parse(Network::Bluesky, &headers, now);
        if let Some(e) =
            ConnectorError::from_response(Network::Bluesky, status, &headers, body.as_ref(), now)
        {
            return Err(e);
        }
        let body = match body {
            Some(body) => body,
            None if text.trim().is_empty() || text.trim() == "OK" => Value::Null,
            None => return Err(err(ErrorKind::BadPayload, format!("{nsid}: not JSON"))),
        };
        Ok(Answer {
            body,
            headers,
            rate,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pds_comes_from_the_did_document() {
        let doc = json!({ "id": "did:plc:x", "service": [
            { "id": "#atproto_labeler", "type": "AtprotoLabeler", "serviceEndpoint": "https://mod.example" },
            { "id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": "https://shiitake.us-east.host.bsky.network/" },
        ]});
        assert_eq!(
            pds_endpoint(Some(&doc), "https://bsky.social").as_deref(),
            Some("https://shiitake.us-east.host.bsky.network")
        );
        let plain = json!({ "service": [{ "id": "did:plc:x#atproto_pds", "serviceEndpoint": "http://pds.example" }] });
        assert_eq!(pds_endpoint(Some(&plain), "https://bsky.social"), None);
        assert!(pds_endpoint(Some(&plain), "http://127.0.0.1:9/bluesky").is_some());
        assert_eq!(pds_endpoint(None, "https://bsky.social"), None);
    }
}
