//! Sandbox sessions and identity: `createSession` (app password; the
//! answer's `didDoc` names this server as the account's PDS, or the
//! endpoint a test set), `refreshSession` (the refresh token is spent once
//! used), `resolveHandle` and `getProfile` (with `viewer.muted` and
//! `viewer.blocking`).

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Value, json};

use super::{
    APP_PASSWORD, APP_PASSWORD_NO_DM, Auth, Bluesky, Pds, bearer, error, gate, ok, pairs, param,
};

/// The account's DID document, with this server (as the client reached
/// it) as `#atproto_pds`.
fn did_doc(st: &Pds, headers: &HeaderMap) -> Option<Value> {
    let endpoint = match &st.pds_endpoint {
        Some(e) => e.clone(),
        None => {
            let host = headers.get("host").and_then(|h| h.to_str().ok())?;
            format!("http://{host}/bluesky")
        }
    };
    Some(json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": st.me.did,
        "alsoKnownAs": [format!("at://{}", st.me.handle)],
        "verificationMethod": [{
            "id": format!("{}#atproto", st.me.did), "type": "Multikey",
            "controller": st.me.did, "publicKeyMultibase": "zQ3shSandboxKeyNotForUse",
        }],
        "service": [{
            "id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": endpoint,
        }],
    }))
}

fn session_body(st: &mut Pds, headers: &HeaderMap, dm: bool) -> Value {
    let n = st.tick();
    let (access, refresh) = (format!("sbx-access-{n}"), format!("sbx-refresh-{n}"));
    if !dm {
        st.no_dm.insert(access.clone());
        st.no_dm.insert(refresh.clone());
    }
    st.access.insert(access.clone(), false);
    st.refresh.insert(refresh.clone(), false);
    let mut body = json!({
        "accessJwt": access, "refreshJwt": refresh, "handle": st.me.handle, "did": st.me.did,
        "active": true, "emailConfirmed": true,
    });
    if let Some(doc) = did_doc(st, headers) {
        body["didDoc"] = doc;
    }
    body
}

pub(super) async fn create_session(
    State(app): State<Bluesky>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Err(resp) = gate(&app, &headers, Auth::None).await {
        return resp;
    }
    let input: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let id = input.get("identifier").and_then(Value::as_str);
    let password = input.get("password").and_then(Value::as_str);
    let body = {
        let mut st = app.lock();
        let me = id.is_some_and(|i| i == st.me.handle || i == st.me.did);
        if !me || !matches!(password, Some(APP_PASSWORD | APP_PASSWORD_NO_DM)) {
            return error(
                401,
                "AuthenticationRequired",
                "Invalid identifier or password",
            );
        }
        session_body(&mut st, &headers, password == Some(APP_PASSWORD))
    };
    ok(&app, body)
}

pub(super) async fn refresh_session(State(app): State<Bluesky>, headers: HeaderMap) -> Response {
    if let Err(resp) = gate(&app, &headers, Auth::Refresh).await {
        return resp;
    }
    let body = {
        let mut st = app.lock();
        // The old refresh token is spent once used; the scope carries over.
        let old = bearer(&headers).unwrap_or_default().to_string();
        st.refresh.insert(old.clone(), true);
        let dm = !st.no_dm.contains(&old);
        session_body(&mut st, &headers, dm)
    };
    ok(&app, body)
}

pub(super) async fn resolve_handle(
    State(app): State<Bluesky>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Err(resp) = gate(&app, &headers, Auth::None).await {
        return resp;
    }
    let q = pairs(raw);
    let handle = param(&q, "handle").unwrap_or_default().to_ascii_lowercase();
    let did = app.lock().profiles.get(&handle).map(|p| p.did.clone());
    match did {
        Some(did) => ok(&app, json!({ "did": did })),
        None => error(400, "InvalidRequest", "Unable to resolve handle"),
    }
}

pub(super) async fn get_profile(
    State(app): State<Bluesky>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Err(resp) = gate(&app, &headers, Auth::Access).await {
        return resp;
    }
    let q = pairs(raw);
    let actor = param(&q, "actor").unwrap_or_default();
    let body = {
        let st = app.lock();
        let Some(p) = st.actor(actor) else {
            return error(400, "InvalidRequest", "Profile not found");
        };
        let mut viewer = json!({ "muted": st.muted.contains(&p.did), "blockedBy": false });
        if let Some((_, uri)) = st.blocks().into_iter().find(|(did, _)| *did == p.did) {
            viewer["blocking"] = json!(uri);
        }
        let mut view = p.json();
        view["viewer"] = viewer;
        view
    };
    ok(&app, body)
}
