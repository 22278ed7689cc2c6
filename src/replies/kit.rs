//! [`Kit`]: what replying needs at hand, loaded once from the configuration:
//! the canned-reply library (example, team, personal), the brand's
//! guidelines, and the brand/agent variables of templates. The TUI and the
//! CLI share it, so both check replies the same way.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use chrono::NaiveDate;

use super::canned::{Library, Vars};
use super::lint::{Brands, Context, Finding, Guidelines};
use crate::config::{Config, ConfigError, ConfigErrors};
use crate::model::{Kind, Network};

pub struct Kit {
    pub library: Library,
    pub brands: Brands,
    /// The brand replies are checked against (a key of `brands`).
    pub brand: Option<String>,
    pub agent: String,
    pub signature: String,
}

impl fmt::Debug for Kit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Kit")
            .field("replies", &self.library.all().len())
            .field("brand", &self.brand)
            .field("agent", &self.agent)
            .finish_non_exhaustive()
    }
}

impl Kit {
    /// The embedded example library and guidelines, first brand.
    pub fn example() -> Kit {
        let brands = Brands::example();
        let brand = brands.names().first().map(|s| s.to_string());
        Kit {
            library: Library::example(),
            brands,
            brand,
            agent: "me".to_string(),
            signature: "me".to_string(),
        }
    }

    /// The library and guidelines named by `config`: `guidelines.toml` in
    /// the config folder when it exists (else the shipped example), the
    /// personal replies in `replies/` beside it, the team folder when set.
    pub fn load(config: &Config) -> Result<Kit, ConfigErrors> {
        let mut errors = Vec::new();
        let file = config.dir.join("guidelines.toml");
        let brands = if file.exists() {
            Brands::load(&file).unwrap_or_else(|e| {
                errors.push(e);
                Brands::example()
            })
        } else {
            Brands::example()
        };
        let personal = config.dir.join("replies");
        let library = Library::load(Some(&personal), config.team_replies.as_deref())
            .unwrap_or_else(|e| {
                errors.extend(e.0);
                Library::example()
            });
        let brand = match &config.brand {
            Some(name) => {
                if brands.get(name).is_none() {
                    let source = config
                        .file
                        .as_ref()
                        .and_then(|p| std::fs::read_to_string(p).ok())
                        .unwrap_or_default();
                    let path = config.file.clone().unwrap_or_else(|| file.clone());
                    errors.push(ConfigError::at_key(
                        &path,
                        &source,
                        None,
                        "brand",
                        format!(
                            "no brand '{name}' in {} (brands: {})",
                            shown(&file),
                            brands.names().join(", ")
                        ),
                    ));
                }
                Some(name.clone())
            }
            None => brands.names().first().map(|s| s.to_string()),
        };
        if !errors.is_empty() {
            return Err(ConfigErrors(errors));
        }
        Ok(Kit {
            library,
            brands,
            brand,
            agent: config.agent.clone(),
            signature: config
                .signature
                .clone()
                .unwrap_or_else(|| config.agent.clone()),
        })
    }

    /// The same kit checking against another brand (the CLI's `--brand`).
    pub fn with_brand(mut self, name: &str) -> Result<Kit, String> {
        if self.brands.get(name).is_none() {
            return Err(format!(
                "no brand '{name}' in the guidelines (brands: {})",
                self.brands.names().join(", ")
            ));
        }
        self.brand = Some(name.to_string());
        Ok(self)
    }

    pub fn guidelines(&self) -> Option<&Guidelines> {
        self.brand.as_deref().and_then(|b| self.brands.get(b))
    }

    /// Every finding on `text` as a reply on `network` to an item of
    /// `kind`; `public` is false for DMs and private replies. `lang` is
    /// the reply's language when known (a canned reply's), else it is
    /// detected from the text. The agent's own signature counts as a
    /// sign-off.
    pub fn lint(
        &self,
        text: &str,
        network: Network,
        kind: Kind,
        public: bool,
        lang: Option<&str>,
    ) -> Vec<Finding> {
        let ctx = Context {
            network,
            kind,
            public,
            lang: lang
                .map(str::to_string)
                .or_else(|| crate::lang::detect(text)),
        };
        let signed =
            !self.signature.trim().is_empty() && text.trim_end().ends_with(self.signature.trim());
        self.guidelines()
            .map(|g| g.lint(text, &ctx))
            .unwrap_or_default()
            .into_iter()
            .filter(|f| !(signed && f.rule == "signoff"))
            .collect()
    }

    /// Template variables for today, with placeholders the agent filled.
    pub fn vars(&self, today: NaiveDate, filled: BTreeMap<String, String>) -> Vars {
        Vars {
            brand: self
                .guidelines()
                .map(|g| g.name.clone())
                .or_else(|| self.brand.clone())
                .unwrap_or_default(),
            agent: self.agent.clone(),
            signature: self.signature.clone(),
            today,
            filled,
        }
    }
}

/// A shared [`Kit`] that effects can carry: equal when it is the same kit.
#[derive(Debug, Clone)]
pub struct KitRef(pub std::sync::Arc<Kit>);

impl PartialEq for KitRef {
    fn eq(&self, other: &KitRef) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for KitRef {}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Author, Item, Network, Remote};

    fn item(network: Network, kind: Kind, lang: &str) -> Item {
        let mut remote = Remote {
            network,
            account: "atelier".into(),
            native_id: "1".into(),
            kind,
            thread_id: None,
            parent_id: None,
            post: None,
            author: Author {
                id: "a".into(),
                handle: "julie.martin".into(),
                display_name: "Julie Martin".into(),
                profile_url: None,
                followers: None,
            },
            text: "Bonjour".into(),
            lang: Some(lang.into()),
            created_at: chrono::DateTime::UNIX_EPOCH,
            permalink: Some("https://example.org/p/1".into()),
            engagement: Default::default(),
            from_us: false,
            moderation: Default::default(),
        };
        remote.text = "Question".into();
        Item::new(remote)
    }

    /// The shipped canned replies follow the shipped brand guidelines on
    /// every network they claim: no error, no warning, no typography note.
    #[test]
    fn the_example_replies_follow_the_example_guidelines() {
        let kit = Kit::example();
        let vars = kit.vars(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default(),
            BTreeMap::from([
                ("numéro de commande".to_string(), "CMD-123456".to_string()),
                ("order number".to_string(), "CMD-123456".to_string()),
            ]),
        );
        let mut problems = Vec::new();
        for canned in kit.library.all() {
            let networks = if canned.networks.is_empty() {
                crate::model::Network::ALL.to_vec()
            } else {
                canned.networks.clone()
            };
            for network in networks {
                let kind = match canned.kind {
                    Some(crate::replies::canned::ReplyKind::Dm) => Kind::DirectMessage,
                    _ => Kind::Comment,
                };
                let it = item(network, kind, &canned.lang);
                let Ok(text) = canned.render(&it, &vars, 0) else {
                    continue;
                };
                let public = kind != Kind::DirectMessage;
                for f in kit.lint(&text, network, kind, public, Some(&canned.lang)) {
                    if f.rule != "placeholder" {
                        problems.push(format!(
                            "{} on {network}: [{}] {} in {text:?}",
                            canned.name, f.rule, f.message
                        ));
                    }
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
