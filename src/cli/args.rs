//! Command-line arguments (clap derive). Only the shape of the command line
//! lives here; each subcommand's behaviour is in its own module of `cli`.
//! To add a command: a variant of [`Command`], its arguments struct, and an
//! arm in `cli::run`.

use std::path::PathBuf;

use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};

use crate::filter::Sort;

/// A terminal unified social inbox: every comment, mention and DM in one
/// keyboard-driven queue.
#[derive(Debug, Clone, Parser)]
#[command(name = "guichet", version, about, propagate_version = true)]
pub struct Args {
    /// Configuration file (its folder also holds keymap.toml and themes/).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Store directory (overrides `store =` in config.toml).
    #[arg(long, global = true, value_name = "DIR")]
    pub store: Option<PathBuf>,

    /// Log at debug level (to the log file, whose path is printed).
    #[arg(short, long, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Open the inbox in the terminal (the default).
    Tui,
    /// Open the TUI on a throw-away demo inbox (never touches your store).
    Demo(DemoArgs),
    /// Print items matching a view and filter words.
    List(ListArgs),
    /// Print one item with its local state, tags, thread and author history.
    Show(ShowArgs),
    /// Mark items done.
    Done(IdsArgs),
    /// Reopen items (status open).
    Reopen(IdsArgs),
    /// Add a tag to an item.
    Tag(TagArgs),
    /// Remove a tag from an item.
    Untag(UntagArgs),
    /// Assign an item to someone, or to nobody.
    Assign(AssignArgs),
    /// Snooze an item until a time.
    Snooze(SnoozeArgs),
    /// Add a note to an item.
    Note(NoteArgs),
    /// Fill a store with synthetic items (for benchmarks and scale tests).
    Gen(GenArgs),
    /// Check configuration, keymap, theme and store; report every problem.
    Doctor,
    /// Print recent audit lines: who changed what, when.
    Audit(AuditArgs),
    /// The numbers of a period: volumes, response rate and times, SLAs,
    /// escalations, moderation, top authors, engagement.
    Report(ReportArgs),
    /// Sync every configured account once, without the TUI (for cron).
    Sync,
    /// Reply to an item: queued in the outbox, then sent.
    Reply(ReplyArgs),
    /// Answer a public comment with one private message (Facebook, Instagram).
    PrivateReply(ReplyArgs),
    /// Check a reply against the brand guidelines (exit 1 on errors).
    Lint(LintArgs),
    /// Receive hand-off outcomes from colleagues' tools (HTTP).
    ServeCallbacks(ServeCallbacksArgs),
    /// Auto-moderation rules (`rules.toml`).
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Like (favourite) items on their network.
    Like(ActArgs),
    /// Take back a like.
    Unlike(ActArgs),
    /// Hide items from the public on their network.
    Hide(ActArgs),
    /// Show hidden items again.
    Unhide(ActArgs),
    /// Delete items on their network (for everyone).
    Delete(ActArgs),
    /// Block the authors of items on their network.
    Block(ActArgs),
    /// Mute the authors of items on their network.
    Mute(ActArgs),
    /// Mark items as spam on their network (a spam report on Mastodon and
    /// Bluesky, rejected on YouTube, Messenger's spam folder on Facebook).
    Spam(ActArgs),
    /// Report items to their network's moderators (Mastodon, Bluesky).
    ReportItem(ReportItemArgs),
    /// List the configured accounts with their health.
    Accounts(AccountsArgs),
    /// Run the sandbox networks alone, for trying connectors by hand.
    Sandbox(SandboxArgs),
    /// Log in to an account and keep its secret in your secret store.
    #[command(subcommand)]
    Login(LoginCommand),
    /// Shift mode: open the inbox with a shift running (live refresh,
    /// counters, a hand-over note at the end), or print shift notes.
    Shift(ShiftArgs),
}

#[derive(Debug, Clone, ClapArgs)]
pub struct ShiftArgs {
    /// Print the hand-over note of the last finished shift.
    #[arg(long, conflicts_with_all = ["summary", "since"])]
    pub last: bool,
    /// Print a summary of what you did (Markdown) without the TUI and
    /// without saving it, for scripts.
    #[arg(long)]
    pub summary: bool,
    /// With --summary: where the window starts (`8h` ago, `14:00`,
    /// `2026-11-23 08:00`, RFC 3339). Default: 8 hours ago.
    #[arg(long, value_name = "TIME", requires = "summary")]
    pub since: Option<String>,
}

/// Where the secret goes and how guichet reads it back (never a file of ours).
#[derive(Debug, Clone, ClapArgs)]
pub struct SecretArgs {
    /// Command that stores the secret it reads on stdin,
    /// e.g. `pass insert -m guichet/mastodon`.
    #[arg(long, value_name = "CMD")]
    pub store_cmd: String,
    /// Command that prints the secret back; it becomes the account's
    /// `token_cmd`, e.g. `pass show guichet/mastodon`.
    #[arg(long, value_name = "CMD")]
    pub token_cmd: String,
}

#[derive(Debug, Clone, Subcommand)]
pub enum RulesCommand {
    /// Show what the rules of FILE would do to the items in the store,
    /// without doing it.
    Test {
        file: std::path::PathBuf,
        /// At most this many firing lines (the per-rule counts are always complete).
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum LoginCommand {
    /// Register guichet on a Mastodon instance and authorise it in the browser.
    Mastodon {
        /// The instance, e.g. `https://piaille.fr`.
        #[arg(long, value_name = "URL")]
        instance: String,
        #[command(flatten)]
        secret: SecretArgs,
    },
    /// Check a Bluesky app password (read from the terminal, or stdin).
    Bluesky {
        /// Your handle, e.g. `atelierlumen.bsky.social`.
        #[arg(long, value_name = "HANDLE")]
        handle: String,
        /// Where to log in (your PDS or the `bsky.social` entryway).
        #[arg(long, value_name = "URL", default_value = "https://bsky.social")]
        pds: String,
        #[command(flatten)]
        secret: SecretArgs,
    },
    /// TikTok has no CLI login: explains how to get a token, then keeps it.
    /// With the app's --client-id and --client-secret, the token pasted is
    /// the refresh token, checked by refreshing once.
    Tiktok {
        /// The app's App ID; with it, guichet keeps the refresh token and
        /// renews the 24-hour access tokens itself.
        #[arg(long, value_name = "APP_ID", requires = "client_secret")]
        client_id: Option<String>,
        /// The app's secret (goes with --client-id).
        #[arg(long, value_name = "SECRET", requires = "client_id")]
        client_secret: Option<String>,
        /// The API host the refresh is checked against.
        #[arg(
            long,
            value_name = "URL",
            default_value = "https://business-api.tiktok.com"
        )]
        api: String,
        #[command(flatten)]
        secret: SecretArgs,
    },
    /// LinkedIn has no CLI login: explains how to get a token, then keeps it.
    Linkedin {
        #[command(flatten)]
        secret: SecretArgs,
    },
    /// Threads has no CLI login: explains how to get a token, then keeps it.
    Threads {
        #[command(flatten)]
        secret: SecretArgs,
    },
    /// Authorise guichet on X in the browser (OAuth 2.0 with PKCE and a
    /// loopback redirect); the refresh token is what gets stored.
    X {
        /// Your X app's OAuth 2.0 client id (developer portal > Keys and tokens).
        #[arg(long, value_name = "ID")]
        client_id: String,
        /// The loopback port: register `http://127.0.0.1:PORT/callback` as
        /// the app's callback URL (X wants it exact). 0: any free port.
        #[arg(long, default_value_t = 8765)]
        port: u16,
        /// Where the browser authorises guichet.
        #[arg(
            long,
            value_name = "URL",
            default_value = "https://x.com/i/oauth2/authorize"
        )]
        authorize_url: String,
        /// The API, for the token exchange and `/2/users/me`.
        #[arg(long, value_name = "URL", default_value = "https://api.x.com")]
        api: String,
        #[command(flatten)]
        secret: SecretArgs,
    },
    /// YouTube: Google's installed-app OAuth (loopback redirect, PKCE);
    /// the refresh token is what is stored.
    Youtube {
        /// Your Google Cloud project's OAuth client id (type "Desktop app").
        #[arg(long, value_name = "ID")]
        client_id: String,
        /// That client's secret (Google's desktop clients have one).
        #[arg(long, value_name = "SECRET")]
        client_secret: String,
        /// Where the browser authorises guichet.
        #[arg(
            long,
            value_name = "URL",
            default_value = "https://accounts.google.com/o/oauth2/v2/auth"
        )]
        authorize_url: String,
        /// Where the code (and later the refresh token) is exchanged.
        #[arg(
            long,
            value_name = "URL",
            default_value = "https://oauth2.googleapis.com/token"
        )]
        token_url: String,
        /// The API host, for `channels.list?mine=true`.
        #[arg(long, value_name = "URL", default_value = "https://www.googleapis.com")]
        api: String,
        #[command(flatten)]
        secret: SecretArgs,
    },
}

#[derive(Debug, Clone, ClapArgs)]
pub struct ReportItemArgs {
    /// The category: spam, violation, legal (Mastodon), misleading, sexual,
    /// rude (Bluesky) or other.
    #[arg(long, value_name = "CATEGORY")]
    pub reason: String,
    /// A comment for the network's moderators.
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub comment: String,
    #[command(flatten)]
    pub act: ActArgs,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct ActArgs {
    /// Item ids; every one is checked against its network's rules first.
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
    /// Only queue it; the next sync sends it.
    #[arg(long)]
    pub queue_only: bool,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct AccountsArgs {
    /// Do not call the networks; show only what is stored.
    #[arg(long)]
    pub offline: bool,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct DemoArgs {
    /// Keep the demo store in DIR instead of a temporary one.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct ListArgs {
    /// Saved view to start from (default: Inbox, or All when a status word is given).
    #[arg(long, value_name = "NAME")]
    pub view: Option<String>,

    /// Order: oldest, newest, priority, network or due (default: the view's).
    #[arg(long, value_parser = parse_sort)]
    pub sort: Option<Sort>,

    /// Print at most N items.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,

    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,

    /// Filter words: `network:x,bluesky status:new tag:refund unread some text`.
    #[arg(value_name = "FILTER")]
    pub words: Vec<String>,
}

fn parse_sort(s: &str) -> Result<Sort, String> {
    s.parse()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct ShowArgs {
    /// Item id (`network:account:native_id`).
    pub id: String,

    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    pub format: ShowFormat,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct IdsArgs {
    /// Item ids; if one is unknown, nothing changes.
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct TagArgs {
    pub id: String,
    pub tag: String,
    /// Why the tag applies (kept in the tag record).
    #[arg(long, value_name = "TEXT")]
    pub why: Option<String>,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct UntagArgs {
    pub id: String,
    pub tag: String,
    /// Why the tag goes (kept in the item's history).
    #[arg(long, value_name = "TEXT")]
    pub why: Option<String>,
}

#[derive(Debug, Clone, ClapArgs)]
#[command(group(clap::ArgGroup::new("who").required(true).args(["name", "nobody"])))]
pub struct AssignArgs {
    pub id: String,
    /// Who takes the item.
    pub name: Option<String>,
    /// Unassign the item.
    #[arg(long)]
    pub nobody: bool,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct SnoozeArgs {
    pub id: String,
    /// `30m`, `2h`, `3d`, `tomorrow` (09:00 local), `14:00`, `monday`,
    /// `2026-12-01 09:00` or an RFC 3339 time.
    #[arg(long, value_name = "WHEN")]
    pub until: String,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct NoteArgs {
    pub id: String,
    /// The note (several words are joined with spaces).
    #[arg(required = true, value_name = "TEXT")]
    pub text: Vec<String>,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct ReplyArgs {
    pub id: String,
    /// The reply (several words are joined with spaces).
    #[arg(value_name = "TEXT", conflicts_with_all = ["text", "template"])]
    pub words: Vec<String>,
    /// The reply text.
    #[arg(long, value_name = "T", conflicts_with = "template")]
    pub text: Option<String>,
    /// A canned reply, rendered for the item.
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
    /// A placeholder of the canned reply (`--var "order number=CMD-123456"`).
    #[arg(long = "var", value_name = "K=V", requires = "template")]
    pub vars: Vec<String>,
    /// The brand of guidelines.toml to check against (default: config).
    #[arg(long, value_name = "NAME")]
    pub brand: Option<String>,
    /// Send despite brand-guideline errors (recorded in the audit log).
    #[arg(long)]
    pub force: bool,
    /// Only queue it; the next sync sends it.
    #[arg(long)]
    pub queue_only: bool,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct ServeCallbacksArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8787", value_name = "ADDR")]
    pub listen: String,
    /// Require `Authorization: Bearer TOKEN`, TOKEN read from this
    /// environment variable.
    #[arg(long, value_name = "VAR")]
    pub token_env: Option<String>,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct LintArgs {
    /// The network whose rules apply (x, bluesky, mastodon, facebook…).
    #[arg(long, value_name = "NETWORK")]
    pub network: crate::model::Network,
    /// The brand of guidelines.toml (default: config `brand`, else the first).
    #[arg(long, value_name = "NAME")]
    pub brand: Option<String>,
    /// Check it as a direct message (no personal-data rule, DM length).
    #[arg(long)]
    pub dm: bool,
    /// The reply; `-` reads it from stdin.
    #[arg(required = true, value_name = "TEXT")]
    pub text: Vec<String>,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct GenArgs {
    /// How many items to generate.
    #[arg(long, value_name = "N")]
    pub items: usize,

    /// Seed of the generator (same seed, same items).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,

    /// Also write the audit lines a team would have left on the items
    /// (answers, escalations, moderation), so `guichet report` has a
    /// year of history to work on.
    #[arg(long)]
    pub audit: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Markdown, for a message.
    Md,
    /// CSV, one row per day × network (a spreadsheet).
    Csv,
    Json,
    /// One self-contained page with SVG charts.
    Html,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct ReportArgs {
    /// today, this-week, last-7-days, last-30-days, this-month or
    /// YYYY-MM-DD..YYYY-MM-DD (days in the config's `timezone`).
    #[arg(long, default_value = "last-7-days", value_parser = parse_period)]
    pub period: crate::report::Period,
    /// Only these networks (repeat or separate with commas).
    #[arg(long, value_name = "NETWORK", value_delimiter = ',')]
    pub network: Vec<crate::model::Network>,
    /// Only these brand accounts.
    #[arg(long, value_name = "ACCOUNT", value_delimiter = ',')]
    pub account: Vec<String>,
    /// Only these kinds (comment, reply, mention, quote, dm, review).
    #[arg(long, value_name = "KIND", value_delimiter = ',')]
    pub kind: Vec<crate::model::Kind>,
    /// Only items carrying one of these tags.
    #[arg(long, value_name = "TAG", value_delimiter = ',')]
    pub tag: Vec<String>,
    /// Only what this person did (answers, moderation, escalations) and the
    /// items assigned to them.
    #[arg(long, value_name = "NAME")]
    pub agent: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    pub format: ReportFormat,
    /// With --format csv: add one row per item after the daily rows.
    #[arg(long)]
    pub items: bool,
    /// With --format md or json: also the headline numbers of the period
    /// before (the month before for this-month, as many days before
    /// otherwise) and how each changed.
    #[arg(long)]
    pub compare: bool,
    /// Write to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

fn parse_period(s: &str) -> Result<crate::report::Period, String> {
    s.parse()
}

#[derive(Debug, Clone, ClapArgs)]
pub struct AuditArgs {
    /// How many lines, newest first.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub limit: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn global_store_after_subcommand() {
        let a =
            Args::try_parse_from(["guichet", "gen", "--items", "5", "--store", "/tmp/x"]).unwrap();
        assert_eq!(a.store, Some(PathBuf::from("/tmp/x")));
        assert!(matches!(
            a.command,
            Some(Command::Gen(GenArgs {
                items: 5,
                seed: 42,
                audit: false
            }))
        ));
    }

    #[test]
    fn assign_needs_a_name_or_nobody() {
        assert!(Args::try_parse_from(["guichet", "assign", "x:a:1"]).is_err());
        assert!(Args::try_parse_from(["guichet", "assign", "x:a:1", "bob", "--nobody"]).is_err());
        assert!(Args::try_parse_from(["guichet", "assign", "x:a:1", "--nobody"]).is_ok());
    }

    #[test]
    fn list_takes_sort_and_words() {
        let a = Args::try_parse_from(["guichet", "list", "--sort", "newest", "network:x", "colis"])
            .unwrap();
        let Some(Command::List(l)) = a.command else {
            panic!("not list")
        };
        assert_eq!(l.sort, Some(Sort::NewestFirst));
        assert_eq!(l.words, vec!["network:x", "colis"]);
        assert!(Args::try_parse_from(["guichet", "list", "--sort", "random"]).is_err());
    }
}
