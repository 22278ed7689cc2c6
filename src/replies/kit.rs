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
    /// `kind`; `public` is false for DMs and private replies.
    pub fn lint(&self, text: &str, network: Network, kind: Kind, public: bool) -> Vec<Finding> {
        let ctx = Context {
            network,
            kind,
            public,
        };
        self.guidelines()
            .map(|g| g.lint(text, &ctx))
            .unwrap_or_default()
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
