//! Rendering a canned reply for one item: the variables a template sees,
//! the `ask` and `one_of` functions, and [`Wave`], which renders one reply
//! for many items without repeating itself.
//!
//! Alternatives are drawn deterministically: the `j`-th `one_of` call of a
//! render picks `(hash(seed, j) + digit_j(step)) mod n_j`, where `digit_j`
//! is the `j`-th mixed-radix digit of `step` (radices = the numbers of
//! alternatives). A single render uses step 0; a wave walks steps 0, 1, 2…,
//! which visits every combination once before any repeats.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use minijinja::value::{Rest, Value};
use minijinja::{Environment, ErrorKind, UndefinedBehavior};

use super::Canned;
use super::context::context;
use crate::model::Item;
use crate::replies::placeholder;

/// Variables every template may use.
pub const VARIABLES: [&str; 10] = [
    "first_name",
    "handle",
    "author_name",
    "network",
    "brand",
    "agent",
    "signature",
    "link",
    "today",
    "item_text",
];

/// Functions every template may call, besides minijinja's own globals.
pub const FUNCTIONS: [&str; 2] = ["ask", "one_of"];

/// What the caller knows that the item does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vars {
    pub brand: String,
    pub agent: String,
    pub signature: String,
    pub today: NaiveDate,
    /// Values for `ask` placeholders, by label (`order number`) or by the
    /// label with `_` for spaces (`order_number`), as `--var` gives them.
    pub filled: BTreeMap<String, String>,
}

/// Why a reply could not be rendered for an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderError {
    /// The template prints `link` and the item has no permalink.
    NoLink { reply: String },
    /// Any other template failure, placed in the reply's file.
    Template {
        file: PathBuf,
        line: Option<usize>,
        reason: String,
    },
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::NoLink { reply } => write!(
                f,
                "reply '{reply}' uses {{{{ link }}}} but this item has no link; \
                 pick another reply or write the link yourself"
            ),
            RenderError::Template { file, line, reason } => {
                write!(f, "{}", file.display())?;
                if let Some(line) = line {
                    write!(f, ":{line}")?;
                }
                write!(f, ": {reason}")
            }
        }
    }
}

impl std::error::Error for RenderError {}

/// A rendered text and the alternatives drawn for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub text: String,
    /// For each `one_of` call in order: (index picked, alternatives).
    pub picks: Vec<(usize, usize)>,
}

impl Rendered {
    /// How many different combinations of alternatives this render had.
    pub fn combinations(&self) -> u64 {
        self.picks
            .iter()
            .fold(1u64, |acc, (_, n)| acc.saturating_mul(*n as u64))
    }
}

impl Canned {
    /// Renders the reply for `item`: its variant for the item's network,
    /// else the body. Equal seeds give equal texts.
    pub fn render(&self, item: &Item, vars: &Vars, seed: u64) -> Result<String, RenderError> {
        render_step(self, item, vars, seed, 0).map(|r| r.text)
    }
}

/// Renders one reply for many items (a giveaway wave) so that no two texts
/// use the same alternatives while unused combinations remain, and no text
/// repeats an earlier one when another try avoids it.
#[derive(Debug)]
pub struct Wave<'a> {
    canned: &'a Canned,
    vars: &'a Vars,
    seed: u64,
    step: u64,
    seen: std::collections::HashSet<String>,
    last: Option<String>,
}

impl<'a> Wave<'a> {
    pub fn new(canned: &'a Canned, vars: &'a Vars, seed: u64) -> Wave<'a> {
        Wave {
            canned,
            vars,
            seed,
            step: 0,
            seen: Default::default(),
            last: None,
        }
    }

    /// Texts already sent (the outbox): the wave avoids repeating them too,
    /// so replies sent one by one across a day still vary.
    pub fn avoiding(mut self, sent: impl IntoIterator<Item = String>) -> Wave<'a> {
        self.seen.extend(sent);
        self
    }

    /// The next reply of the wave, for `item`.
    pub fn render(&mut self, item: &Item) -> Result<String, RenderError> {
        // Best repeat so far: one that at least differs from the last reply.
        let mut fallback: Option<String> = None;
        let mut tries = 0u64;
        loop {
            let rendered = render_step(self.canned, item, self.vars, self.seed, self.step)?;
            self.step = self.step.wrapping_add(1);
            tries += 1;
            let text = rendered.text.clone();
            if !self.seen.contains(&text) {
                return Ok(self.accept(text));
            }
            let differs = self.last.as_ref() != Some(&text);
            if fallback.is_none() || (differs && fallback.as_ref() == self.last.as_ref()) {
                fallback = Some(text);
            }
            // Every combination was tried for this item: a repeat cannot
            // be avoided.
            if tries >= rendered.combinations().min(MAX_TRIES) {
                let text = fallback.unwrap_or(rendered.text);
                return Ok(self.accept(text));
            }
        }
    }

    fn accept(&mut self, text: String) -> String {
        self.seen.insert(text.clone());
        self.last = Some(text.clone());
        text
    }

    /// Renders the whole batch, one result per item, in order.
    pub fn render_all(
        canned: &Canned,
        items: &[Item],
        vars: &Vars,
        seed: u64,
    ) -> Vec<Result<String, RenderError>> {
        let mut wave = Wave::new(canned, vars, seed);
        items.iter().map(|item| wave.render(item)).collect()
    }
}

const MAX_TRIES: u64 = 64;

/// Renders `canned` for `item` with the alternatives of `step`.
pub(crate) fn render_step(
    canned: &Canned,
    item: &Item,
    vars: &Vars,
    seed: u64,
    step: u64,
) -> Result<Rendered, RenderError> {
    let network = item.remote.network;
    let (key, source) = match canned.variants.get(&network) {
        Some(v) => (network.as_str(), v.as_str()),
        None => ("body", canned.body.as_str()),
    };
    let draw = Arc::new(Mutex::new(Draw {
        seed,
        step,
        radix: 1,
        picks: Vec::new(),
    }));
    let env = environment(vars.filled.clone(), Arc::clone(&draw));
    let ctx = context(canned, item, vars);
    let text = env.render_str(source, ctx).map_err(|e| {
        let uses_link = e
            .range()
            .and_then(|r| source.get(r))
            .is_none_or(|s| s.contains("link"));
        if e.kind() == ErrorKind::UndefinedError && item.remote.permalink.is_none() && uses_link {
            RenderError::NoLink {
                reply: canned.name.clone(),
            }
        } else {
            let start = canned.lines.get(key).copied();
            RenderError::Template {
                file: canned.file.clone(),
                line: match (start, e.line()) {
                    (Some(s), Some(l)) => Some((s + l).saturating_sub(1)),
                    (s, _) => s,
                },
                reason: describe(&e),
            }
        }
    })?;
    let picks = match draw.lock() {
        Ok(d) => d.picks.clone(),
        Err(poisoned) => poisoned.into_inner().picks.clone(),
    };
    Ok(Rendered {
        text: text.trim().to_string(),
        picks,
    })
}

/// A minijinja error in one line a person can read.
pub(crate) fn describe(e: &minijinja::Error) -> String {
    match e.detail() {
        Some(detail) => format!("{}: {detail}", e.kind()),
        None => e.kind().to_string(),
    }
}

/// State of the alternatives drawn during one render.
#[derive(Debug)]
pub(crate) struct Draw {
    seed: u64,
    step: u64,
    radix: u64,
    picks: Vec<(usize, usize)>,
}

impl Draw {
    fn pick(&mut self, n: usize) -> usize {
        let j = self.picks.len() as u64;
        let n64 = n.max(1) as u64;
        let offset = mix(self.seed ^ mix(j.wrapping_add(1))) % n64;
        let digit = (self.step / self.radix) % n64;
        self.radix = self.radix.saturating_mul(n64);
        let picked = ((offset + digit) % n64) as usize;
        self.picks.push((picked, n));
        picked
    }
}

/// splitmix64: a stable, well-spread hash, so a seed renders the same text
/// in every version.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The environment every reply is checked and rendered in.
pub(crate) fn environment(
    filled: BTreeMap<String, String>,
    draw: Arc<Mutex<Draw>>,
) -> Environment<'static> {
    let mut env = Environment::new();
    // Printing an unknown value is an error, `{% if link %}` is not.
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    // `{% if %}` on its own line leaves no blank line behind.
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env.add_function("ask", move |label: String| ask(&filled, &label));
    env.add_function(
        "one_of",
        move |alternatives: Rest<Value>| -> Result<Value, minijinja::Error> {
            if alternatives.is_empty() {
                return Err(minijinja::Error::new(
                    ErrorKind::MissingArgument,
                    "one_of() needs at least one alternative",
                ));
            }
            let picked = match draw.lock() {
                Ok(mut d) => d.pick(alternatives.len()),
                Err(poisoned) => poisoned.into_inner().pick(alternatives.len()),
            };
            Ok(alternatives.get(picked).cloned().unwrap_or_default())
        },
    );
    env
}

/// An environment for load-time checks.
pub(crate) fn check_environment() -> Environment<'static> {
    environment(
        BTreeMap::new(),
        Arc::new(Mutex::new(Draw {
            seed: 0,
            step: 0,
            radix: 1,
            picks: Vec::new(),
        })),
    )
}

fn ask(filled: &BTreeMap<String, String>, label: &str) -> Result<String, minijinja::Error> {
    let label = label.trim();
    if label.is_empty() {
        return Err(minijinja::Error::new(
            ErrorKind::InvalidOperation,
            "ask() needs a label, e.g. ask(\"order number\")",
        ));
    }
    let underscored = label.replace([' ', '-'], "_");
    let found = [
        label.to_string(),
        underscored.clone(),
        underscored.to_lowercase(),
    ]
    .into_iter()
    .find_map(|k| filled.get(&k));
    Ok(match found {
        Some(value) => value.clone(),
        None => placeholder::marker(label),
    })
}
