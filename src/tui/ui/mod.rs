//! Drawing: the top-level layout and the shared helpers. Every view reads
//! `&AppState` and asks the theme for styles by meaning; nothing here
//! changes state or holds a colour.
//!
//! Layout: a title bar, the shift bar (while a shift runs), the sidebar of views (wide terminals), the queue or
//! the open item, the status bar; popups on top. To add a region, give it a
//! module with a `render(frame, area, &Ctx)` and place it here.

mod author;
mod canned;
mod composer;
mod detail;
mod popups;
mod queue;
mod reports;
mod shift;
pub mod sidebar;
mod statusbar;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::state::{AppState, Overlay};
use crate::keymap::Keymap;
use crate::theme::Theme;

/// Below this size we draw a message instead of a broken layout.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;
/// The sidebar shows from this width on.
const SIDEBAR_MIN_WIDTH: u16 = 100;
const SIDEBAR_WIDTH: u16 = 24;

/// What every view needs to draw.
pub struct Ctx<'a> {
    pub state: &'a AppState,
    pub keymap: &'a Keymap,
    pub theme: &'a Theme,
}

impl Ctx<'_> {
    pub fn style(&self, scope: &str) -> Style {
        self.theme.style(scope)
    }
}

struct Areas {
    title: Rect,
    /// The shift bar, while a shift runs.
    shift: Option<Rect>,
    sidebar: Option<Rect>,
    main: Rect,
    status: Rect,
}

fn areas(area: Rect, state: &AppState) -> Areas {
    let shift_lines = u16::from(state.shift.is_some());
    let [title, shift, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(shift_lines),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let shift = state.shift.is_some().then_some(shift);
    if state.sidebar && area.width >= SIDEBAR_MIN_WIDTH {
        let [side, main] =
            Layout::horizontal([Constraint::Length(SIDEBAR_WIDTH), Constraint::Min(1)]).areas(body);
        Areas {
            title,
            shift,
            sidebar: Some(side),
            main,
            status,
        }
    } else {
        Areas {
            title,
            shift,
            sidebar: None,
            main: body,
            status,
        }
    }
}

/// Rows of the queue that fit on screen (the header line excluded).
pub fn queue_height(area: Rect, state: &AppState) -> usize {
    usize::from(areas(area, state).main.height.saturating_sub(1)).max(1)
}

pub fn render(frame: &mut Frame, state: &AppState, keymap: &Keymap, theme: &Theme) {
    let area = frame.area();
    let ctx = Ctx {
        state,
        keymap,
        theme,
    };
    frame.render_widget(Paragraph::new("").style(ctx.style("ui.text")), area);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, &ctx);
        return;
    }
    let a = areas(area, state);
    statusbar::render_title(frame, a.title, &ctx);
    if let (Some(bar), Some(running)) = (a.shift, &state.shift) {
        shift::bar(frame, bar, &ctx, running);
    }
    if let Some(side) = a.sidebar {
        sidebar::render(frame, side, &ctx);
    }
    match (&state.composer, &state.detail) {
        (Some(c), _) => composer::render(frame, a.main, &ctx, c),
        (None, Some(detail)) => detail::render(frame, a.main, &ctx, detail),
        (None, None) => queue::render(frame, a.main, &ctx),
    }
    statusbar::render(frame, a.status, &ctx);
    for overlay in &state.overlays {
        match overlay {
            Overlay::Help { scroll } => popups::help(frame, area, &ctx, *scroll),
            Overlay::Palette(p) => popups::palette(frame, area, &ctx, p),
            Overlay::Picker(p) => popups::picker(frame, area, &ctx, p),
            Overlay::Prompt(p) => popups::prompt(frame, a.status, &ctx, p),
            Overlay::Canned(p) => canned::picker(frame, area, &ctx, p),
            Overlay::Drafts(d) => canned::drafts(frame, area, &ctx, d),
            Overlay::Attention(list) => canned::attention(frame, area, &ctx, list),
            Overlay::Shift(note) => shift::note(frame, area, &ctx, note),
            Overlay::Reports(view) => reports::render(frame, area, &ctx, view),
        }
    }
    if !state.which_key.is_empty() {
        popups::which_key(frame, area, &ctx);
    }
}

fn too_small(frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let msg = format!(
        "guichet needs at least {MIN_WIDTH}×{MIN_HEIGHT}; this terminal is {}×{}. Enlarge it, or press q to quit.",
        area.width, area.height
    );
    let lines: Vec<Line> = crate::text::wrap(&msg, usize::from(area.width.max(1)))
        .into_iter()
        .map(|l| Line::styled(l, ctx.style("ui.warning")))
        .collect();
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines), area);
}

/// A centred rectangle of at most `w`×`h` inside `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// A span of sanitized text fitted to `cols` columns, the last of which is
/// always a blank separating it from the next column.
pub fn cell(text: &str, cols: usize, style: Style) -> Span<'static> {
    let mut s = crate::text::pad(&crate::text::one_line(text), cols.saturating_sub(1));
    if cols > 0 {
        s.push(' ');
    }
    Span::styled(s, style)
}

/// Short age: `42s`, `5m`, `3h`, `2d`, `6w`.
pub fn age(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3_600 => format!("{}m", s / 60),
        3_600..86_400 => format!("{}h", s / 3_600),
        86_400..1_209_600 => format!("{}d", s / 86_400),
        _ => format!("{}w", s / 604_800),
    }
}

/// First key bound to `action` in `mode`, else in global.
pub fn key_for(
    ctx: &Ctx,
    mode: crate::action::Mode,
    action: crate::action::Action,
) -> Option<String> {
    ctx.keymap
        .keys_for(mode, action)
        .into_iter()
        .next()
        .or_else(|| {
            ctx.keymap
                .keys_for(crate::action::Mode::Global, action)
                .into_iter()
                .next()
        })
}
