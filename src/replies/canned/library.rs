//! The reply library: the embedded examples, then the team folder, then
//! the agent's own folder, merged by name (a later scope replaces an
//! earlier one). Loading collects every error of every file and never
//! panics; files not ending in `.toml` and hidden entries (`.git`) are
//! skipped.
//!
//! To ship a new example reply, add its file under `library/<lang>/` and a
//! line to [`EXAMPLES`]; the tests render every example on every network it
//! claims.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{Canned, Scope, file};
use crate::config::{ConfigError, ConfigErrors};

macro_rules! example {
    ($path:literal) => {
        ($path, include_str!(concat!("library/", $path)))
    };
}

/// The embedded example library, by path under `library/`.
pub const EXAMPLES: &[(&str, &str)] = &[
    example!("en/complaint-apology.toml"),
    example!("en/delivery-delay.toml"),
    example!("en/giveaway-entry.toml"),
    example!("en/move-to-dm.toml"),
    example!("en/opening-hours.toml"),
    example!("en/out-of-stock.toml"),
    example!("en/product-question.toml"),
    example!("en/refund-request.toml"),
    example!("en/thanks.toml"),
    example!("en/ugc-permission.toml"),
    example!("fr/autorisation-ugc.toml"),
    example!("fr/concours-participation.toml"),
    example!("fr/horaires.toml"),
    example!("fr/merci.toml"),
    example!("fr/passer-en-mp.toml"),
    example!("fr/question-produit.toml"),
    example!("fr/reclamation-excuses.toml"),
    example!("fr/remboursement.toml"),
    example!("fr/retard-livraison.toml"),
    example!("fr/rupture-stock.toml"),
];

/// Deepest folder nesting read, so a symlink loop cannot hang start-up.
const MAX_DEPTH: usize = 8;

/// Every reply an agent can pick, each name once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Library {
    replies: Vec<Canned>,
}

impl Library {
    /// The embedded examples only.
    pub fn example() -> Library {
        let (replies, errors) = read_examples();
        // Shipped files are tested to load; should one ever fail, the rest
        // still serve.
        for e in &errors {
            tracing::warn!("example reply: {e}");
        }
        Library::merge(vec![replies])
    }

    /// Examples, then the team folder, then the agent's folder. A missing
    /// personal folder is fine (nothing written yet); a team folder named
    /// in the config but missing is an error.
    pub fn load(personal: Option<&Path>, shared: Option<&Path>) -> Result<Library, ConfigErrors> {
        let (examples, mut errors) = read_examples();
        let mut sets = vec![examples];
        if let Some(dir) = shared {
            if dir.is_dir() {
                sets.push(collect(read_dir(dir, Scope::Shared), &mut errors));
            } else {
                errors.push(ConfigError::new(
                    dir,
                    "team replies folder not found (check the shared replies path in the config)",
                ));
            }
        }
        if let Some(dir) = personal {
            if dir.is_dir() {
                sets.push(collect(read_dir(dir, Scope::Personal), &mut errors));
            } else if dir.exists() {
                errors.push(ConfigError::new(
                    dir,
                    "personal replies path is a file, not a folder",
                ));
            }
        }
        if errors.is_empty() {
            Ok(Library::merge(sets))
        } else {
            Err(ConfigErrors(errors))
        }
    }

    /// Builds a library from replies already read, one set per scope in
    /// increasing precedence.
    pub fn merge(sets: Vec<Vec<Canned>>) -> Library {
        let mut by_name: BTreeMap<String, Canned> = BTreeMap::new();
        for set in sets {
            for mut canned in set {
                if let Some(old) = by_name.get(&canned.name) {
                    canned.overrides = Some(old.scope);
                }
                by_name.insert(canned.name.clone(), canned);
            }
        }
        let mut replies: Vec<Canned> = by_name.into_values().collect();
        replies.sort_by(|a, b| {
            (&a.lang, &a.category, &a.title, &a.name).cmp(&(
                &b.lang,
                &b.category,
                &b.title,
                &b.name,
            ))
        });
        Library { replies }
    }

    pub fn get(&self, name: &str) -> Option<&Canned> {
        self.replies.iter().find(|c| c.name == name)
    }

    /// Every reply, by language, category and title.
    pub fn all(&self) -> &[Canned] {
        &self.replies
    }
}

fn collect(
    result: Result<Vec<Canned>, ConfigErrors>,
    errors: &mut Vec<ConfigError>,
) -> Vec<Canned> {
    match result {
        Ok(replies) => replies,
        Err(ConfigErrors(found)) => {
            errors.extend(found);
            Vec::new()
        }
    }
}

fn read_examples() -> (Vec<Canned>, Vec<ConfigError>) {
    let sources = EXAMPLES
        .iter()
        .map(|(path, text)| (Path::new("<example>").join(path), (*text).to_string()))
        .collect();
    parse_all(sources, Scope::Example)
}

/// Reads every `.toml` file under `dir` (recursively) as replies of
/// `scope`; all problems are returned together.
pub fn read_dir(dir: &Path, scope: Scope) -> Result<Vec<Canned>, ConfigErrors> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    walk(dir, 0, &mut files, &mut errors);
    let mut sources = Vec::new();
    for path in files {
        match std::fs::read_to_string(&path) {
            Ok(text) => sources.push((path, text)),
            Err(e) => errors.push(ConfigError::new(&path, format!("cannot read: {e}"))),
        }
    }
    let (replies, parse_errors) = parse_all(sources, scope);
    errors.extend(parse_errors);
    if errors.is_empty() {
        Ok(replies)
    } else {
        Err(ConfigErrors(errors))
    }
}

fn walk(dir: &Path, depth: usize, files: &mut Vec<PathBuf>, errors: &mut Vec<ConfigError>) {
    if depth > MAX_DEPTH {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(ConfigError::new(dir, format!("cannot read folder: {e}")));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk(&path, depth + 1, files, errors);
        } else if path.extension().is_some_and(|e| e == "toml") {
            files.push(path);
        }
    }
}

/// Parses each file; a name used twice in one scope is an error on the
/// second file.
fn parse_all(sources: Vec<(PathBuf, String)>, scope: Scope) -> (Vec<Canned>, Vec<ConfigError>) {
    let mut replies: Vec<Canned> = Vec::new();
    let mut errors = Vec::new();
    for (path, text) in sources {
        match file::parse(&path, &text, scope) {
            Ok(canned) => match replies.iter().find(|c| c.name == canned.name) {
                Some(first) => errors.push(ConfigError::at_key(
                    &path,
                    &text,
                    None,
                    "name",
                    format!(
                        "reply name '{}' is already used by {}",
                        canned.name,
                        first.file.display()
                    ),
                )),
                None => replies.push(canned),
            },
            Err(found) => errors.extend(found),
        }
    }
    (replies, errors)
}
