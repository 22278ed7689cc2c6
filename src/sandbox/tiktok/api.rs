//! The TikTok sandbox's endpoints: profile, videos, comments, replies and
//! the comment writes (`reference/networks.md` §5 table), answering the
//! envelope's `data` or an error `(code, message)`.

use super::*;

type Answer = Result<Value, (i64, String)>;

fn bad(message: impl Into<String>) -> (i64, String) {
    (BAD_PARAM, message.into())
}

fn no_comment(id: &str) -> (i64, String) {
    bad(format!("Comment {id} does not exist."))
}

/// `cursor` as an offset (the documented example sends a number).
fn offset(p: &Params) -> Result<usize, (i64, String)> {
    match p.str("cursor") {
        None => Ok(0),
        Some(c) => c.parse().map_err(|_| bad("Invalid cursor.")),
    }
}

fn max_count(p: &Params, default: usize, max: usize) -> Result<usize, (i64, String)> {
    match p.num("max_count") {
        None => Ok(default),
        Some(n) if (1..=max as i64).contains(&n) => Ok(n as usize),
        Some(_) => Err(bad(format!("max_count must be between 1 and {max}."))),
    }
}

/// One page of `all` from `cursor`, as `{key: [...], cursor, has_more}`.
fn page(all: Vec<Value>, key: &str, from: usize, size: usize) -> Value {
    let start = from.min(all.len());
    let end = (start + size).min(all.len());
    let mut data = serde_json::Map::new();
    data.insert(key.to_string(), Value::Array(all[start..end].to_vec()));
    data.insert("cursor".into(), json!(end));
    data.insert("has_more".into(), json!(end < all.len()));
    Value::Object(data)
}

impl Comment {
    fn json(&self, st: &AccountState) -> Value {
        if let Some(raw) = &self.raw {
            return raw.clone();
        }
        let replies = st
            .comments
            .iter()
            .filter(|c| c.parent.as_deref() == Some(&self.id))
            .count();
        let mut v = json!({
            "comment_id": self.id, "video_id": self.video,
            "create_time": self.created.timestamp().to_string(), "text": self.text,
            "likes": self.likes, "replies": replies, "liked": self.liked,
            "pinned": self.pinned, "owner": self.owner,
            "status": if self.hidden { "HIDDEN" } else { "PUBLIC" },
            "username": self.from.username, "display_name": self.from.display_name,
            "profile_image": format!("https://p16-sign.tiktokcdn.com/avt/{}.jpeg?x-expires=1789550321", self.from.username),
            "unique_identifier": self.from.unique_identifier,
        });
        if let Some(parent) = &self.parent {
            v["parent_comment_id"] = json!(parent);
        }
        v
    }
}

/// The comments matching `keep`, sorted as the request asks.
fn sorted<'a>(
    st: &'a AccountState,
    p: &Params,
    keep: impl Fn(&Comment) -> bool,
) -> Result<Vec<&'a Comment>, (i64, String)> {
    let public = match p.str("status").as_deref() {
        None | Some("ALL") => false,
        Some("PUBLIC") => true,
        Some(s) => return Err(bad(format!("Invalid status: {s}."))),
    };
    let mut list: Vec<&Comment> = st
        .comments
        .iter()
        .filter(|c| keep(c) && !(public && c.hidden))
        .collect();
    let reply_count = |c: &Comment| {
        st.comments
            .iter()
            .filter(|r| r.parent.as_deref() == Some(&c.id))
            .count()
    };
    match p.str("sort_field").as_deref() {
        Some("likes") => list.sort_by_key(|c| (c.likes, c.created)),
        Some("replies") => list.sort_by_key(|c| (reply_count(c), c.created)),
        _ => list.sort_by_key(|c| c.created),
    }
    // `desc` and `smart` (TikTok's own order) read newest first.
    if p.str("sort_order").as_deref() != Some("asc") {
        list.reverse();
    }
    Ok(list)
}

pub(super) fn route(
    app: &TikTok,
    st: &mut AccountState,
    method: &str,
    path: &str,
    p: &Params,
) -> Answer {
    match (method, path) {
        ("GET", "business/get") => Ok(json!({
            "username": st.me.username, "display_name": st.me.display_name,
            "profile_image": "https://p16-sign.tiktokcdn.com/avt/brand.jpeg",
        })),
        ("GET", "business/video/list") => videos(app, st, p),
        ("GET", "business/comment/list") => comments(app, st, p),
        ("GET", "business/comment/reply/list") => replies(app, st, p),
        ("POST", "business/comment/reply/create") => reply(st, p),
        ("POST", "business/comment/like") => {
            let id = p.str("comment_id").unwrap_or_default();
            let like = match p.str("action").as_deref() {
                Some("like" | "LIKE") => true,
                Some("unlike" | "UNLIKE") => false,
                _ => return Err(bad("action must be like or unlike.")),
            };
            let c = st.live_mut(&id).ok_or_else(|| no_comment(&id))?;
            if c.liked != like {
                c.liked = like;
                c.likes = if like {
                    c.likes + 1
                } else {
                    c.likes.saturating_sub(1)
                };
            }
            Ok(json!({}))
        }
        ("POST", "business/comment/hide") => {
            let id = p.str("comment_id").unwrap_or_default();
            let video = p.str("video_id").unwrap_or_default();
            let hide = match p.str("action").as_deref() {
                Some("HIDE") => true,
                Some("UNHIDE") => false,
                _ => return Err(bad("action must be HIDE or UNHIDE.")),
            };
            let c = st.live_mut(&id).ok_or_else(|| no_comment(&id))?;
            if c.video != video {
                return Err(bad("The comment does not belong to this video."));
            }
            c.hidden = hide;
            Ok(json!({}))
        }
        ("POST", "business/comment/delete") => {
            let id = p.str("comment_id").unwrap_or_default();
            let c = st.live(&id).ok_or_else(|| no_comment(&id))?;
            if !c.owner {
                return Err((
                    NO_PERMISSION,
                    "Only comments posted by this account can be deleted.".into(),
                ));
            }
            st.comments
                .retain(|c| c.id != id && c.parent.as_deref() != Some(id.as_str()));
            Ok(json!({}))
        }
        _ => Err(bad(format!("Invalid request path: {method} /{path}/."))),
    }
}

fn videos(app: &TikTok, st: &AccountState, p: &Params) -> Answer {
    let fields: Vec<String> = match p.json("fields") {
        Some(Value::Array(f)) => f
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => return Err(bad("fields must be a JSON array of strings.")),
    };
    if !fields.iter().any(|f| f == "item_id") {
        return Err(bad("fields must include item_id."));
    }
    let mut videos = st.videos.clone();
    videos.sort_by_key(|v| std::cmp::Reverse(v.created));
    let all = videos
        .iter()
        .map(|v| {
            let full = json!({
                "item_id": v.id, "caption": v.caption,
                "create_time": v.created.timestamp(), "share_url": v.share_url,
            });
            let obj: serde_json::Map<String, Value> = fields
                .iter()
                .filter_map(|f| full.get(f).map(|x| (f.clone(), x.clone())))
                .collect();
            Value::Object(obj)
        })
        .collect();
    let size = app.page_size(max_count(p, 20, 20)?);
    Ok(page(all, "videos", offset(p)?, size))
}

fn comments(app: &TikTok, st: &AccountState, p: &Params) -> Answer {
    let video = p
        .str("video_id")
        .ok_or_else(|| bad("video_id is required."))?;
    if !st.videos.iter().any(|v| v.id == video) {
        return Err(bad(format!("Video {video} does not exist.")));
    }
    let only: Option<Vec<String>> = match p.json("comment_ids") {
        None => None,
        Some(Value::Array(ids)) if ids.len() <= 30 => Some(
            ids.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
        ),
        Some(_) => return Err(bad("comment_ids must be a JSON array of at most 30 ids.")),
    };
    let with_replies = p.bool("include_replies") == Some(true);
    let list = sorted(st, p, |c| {
        c.video == video
            && c.parent.is_none()
            && only.as_ref().is_none_or(|ids| ids.contains(&c.id))
    })?;
    let all = list
        .iter()
        .map(|c| {
            let mut v = c.json(st);
            if with_replies && c.raw.is_none() {
                // At most three replies inlined (§5), oldest first.
                let mut replies: Vec<&Comment> = st
                    .comments
                    .iter()
                    .filter(|r| r.parent.as_deref() == Some(&c.id))
                    .collect();
                replies.sort_by_key(|r| r.created);
                v["reply_list"] = replies.iter().take(3).map(|r| r.json(st)).collect();
            }
            v
        })
        .collect();
    let size = app.page_size(max_count(p, 20, 30)?);
    Ok(page(all, "comments", offset(p)?, size))
}

fn replies(app: &TikTok, st: &AccountState, p: &Params) -> Answer {
    let id = p
        .str("comment_id")
        .ok_or_else(|| bad("comment_id is required."))?;
    let parent = st.live(&id).ok_or_else(|| no_comment(&id))?;
    if parent.hidden {
        return Err(bad("Replies of a hidden comment cannot be listed."));
    }
    if p.str("video_id").as_deref() != Some(parent.video.as_str()) {
        return Err(bad("The comment does not belong to this video."));
    }
    let list = sorted(st, p, |c| c.parent.as_deref() == Some(id.as_str()))?;
    let all = list.iter().map(|c| c.json(st)).collect();
    let size = app.page_size(max_count(p, 20, 30)?);
    Ok(page(all, "comments", offset(p)?, size))
}

fn reply(st: &mut AccountState, p: &Params) -> Answer {
    let text = p.str("text").unwrap_or_default();
    if text.trim().is_empty() {
        return Err(bad("text is required."));
    }
    if text.chars().count() > 150 {
        return Err(bad("text must be at most 150 characters."));
    }
    let id = p.str("comment_id").unwrap_or_default();
    let target = st.live(&id).ok_or_else(|| no_comment(&id))?;
    if p.str("video_id").as_deref() != Some(target.video.as_str()) {
        return Err(bad("The comment does not belong to this video."));
    }
    // One level of replies: an answer to a reply joins its thread.
    let parent = target.parent.clone().unwrap_or_else(|| target.id.clone());
    let video = target.video.clone();
    let me = st.me.clone();
    let new = st.add(&video, Some(&parent), me, true, &text, Utc::now());
    Ok(json!({
        "comment_id": new, "parent_comment_id": parent, "video_id": video,
        "create_time": Utc::now().timestamp().to_string(), "text": text,
        "unique_identifier": st.me.unique_identifier,
    }))
}

impl AccountState {
    pub(super) fn live(&self, id: &str) -> Option<&Comment> {
        self.comments.iter().find(|c| c.id == id && c.raw.is_none())
    }

    fn live_mut(&mut self, id: &str) -> Option<&mut Comment> {
        self.comments
            .iter_mut()
            .find(|c| c.id == id && c.raw.is_none())
    }

    /// A 19-digit id no seeded item uses.
    pub(super) fn next_id(&mut self) -> String {
        self.next += 1;
        self.next.to_string()
    }

    pub(super) fn add(
        &mut self,
        video: &str,
        parent: Option<&str>,
        from: Writer,
        owner: bool,
        text: &str,
        at: DateTime<Utc>,
    ) -> String {
        let id = self.next_id();
        self.comments.push(Comment {
            id: id.clone(),
            video: video.to_string(),
            parent: parent.map(str::to_string),
            from,
            owner,
            text: text.to_string(),
            created: at,
            hidden: false,
            likes: 0,
            liked: false,
            pinned: false,
            raw: None,
        });
        id
    }
}
