//! One key press with its modifiers ([`KeyChord`]), as written in keymap
//! files (`ctrl-r`, `G`, `shift-tab`, `f5`) and as crossterm reports it.
//!
//! Both directions normalise the same way, so a file chord and a terminal
//! event compare equal: SHIFT on a character is folded into the character
//! (`shift-g` = `G`, and crossterm's `Char('G')` + SHIFT = `G`), `shift-tab`
//! is `BackTab`, and only CONTROL, ALT and SHIFT are kept. A sequence is
//! chords separated by spaces (`"g g"`). To support a new named key, add it
//! to both [`named_key`] and the `Display` impl, then to the round-trip test.

use std::fmt;
use std::str::FromStr;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A normalised key press: build it with [`KeyChord::new`], parse it, or
/// convert a terminal event with [`KeyChord::from_event`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

/// Why a chord or a sequence could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChordError {
    #[error("empty key sequence")]
    Empty,
    #[error(
        "unknown key '{0}': use one character or a name (enter, esc, tab, shift-tab, space, \
         backspace, delete, insert, up, down, left, right, home, end, pageup, pagedown, f1-f12), \
         optionally after ctrl-, alt- or shift-"
    )]
    UnknownKey(String),
}

const MODIFIER_PREFIXES: [(&str, KeyModifiers); 3] = [
    ("ctrl-", KeyModifiers::CONTROL),
    ("alt-", KeyModifiers::ALT),
    ("shift-", KeyModifiers::SHIFT),
];

impl KeyChord {
    /// Builds a chord, applying the normalisation described in the module
    /// header so that equal key presses compare equal.
    pub fn new(code: KeyCode, mods: KeyModifiers) -> KeyChord {
        let mut mods = mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let shift = mods.contains(KeyModifiers::SHIFT);
        let code = match code {
            KeyCode::Char(c) if shift => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::Char(upper(c))
            }
            KeyCode::Tab if shift => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        KeyChord { code, mods }
    }

    /// A chord with no modifiers.
    pub fn plain(code: KeyCode) -> KeyChord {
        KeyChord::new(code, KeyModifiers::NONE)
    }

    /// The chord a terminal key event stands for (the event kind is the
    /// caller's business: it should only pass presses and repeats).
    pub fn from_event(event: &KeyEvent) -> KeyChord {
        KeyChord::new(event.code, event.modifiers)
    }

    /// True for a key that types a character in a text field: a character
    /// with neither CONTROL nor ALT.
    pub fn is_printable(&self) -> bool {
        matches!(self.code, KeyCode::Char(_))
            && !self
                .mods
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    }
}

/// Uppercases a character when that gives exactly one character.
fn upper(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// The key code for a name written in a keymap file (without modifiers).
fn named_key(name: &str) -> Option<KeyCode> {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return (!c.is_control()).then_some(KeyCode::Char(c));
    }
    let lower = name.to_ascii_lowercase();
    let code = match lower.as_str() {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "space" => KeyCode::Char(' '),
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "insert" | "ins" => KeyCode::Insert,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pageup" | "pgup" => KeyCode::PageUp,
        "pagedown" | "pgdown" | "pgdn" => KeyCode::PageDown,
        _ => {
            let n: u8 = lower.strip_prefix('f')?.parse().ok()?;
            return (1..=24).contains(&n).then_some(KeyCode::F(n));
        }
    };
    Some(code)
}

impl FromStr for KeyChord {
    type Err = ChordError;

    fn from_str(s: &str) -> Result<KeyChord, ChordError> {
        if s.is_empty() {
            return Err(ChordError::Empty);
        }
        let mut rest = s;
        let mut mods = KeyModifiers::NONE;
        'strip: loop {
            for (prefix, m) in MODIFIER_PREFIXES {
                let head = rest.get(..prefix.len());
                if rest.len() > prefix.len() && head.is_some_and(|h| h.eq_ignore_ascii_case(prefix))
                {
                    mods |= m;
                    rest = &rest[prefix.len()..];
                    continue 'strip;
                }
            }
            break;
        }
        let code = named_key(rest).ok_or_else(|| ChordError::UnknownKey(s.to_string()))?;
        Ok(KeyChord::new(code, mods))
    }
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            // `ctrl-shift-r` reads better than `ctrl-R`; a bare `G` stays `G`.
            KeyCode::Char(c) if c.is_ascii_uppercase() && !self.mods.is_empty() => {
                write!(f, "shift-{}", c.to_ascii_lowercase())
            }
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Delete => f.write_str("delete"),
            KeyCode::Insert => f.write_str("insert"),
            KeyCode::Up => f.write_str("up"),
            KeyCode::Down => f.write_str("down"),
            KeyCode::Left => f.write_str("left"),
            KeyCode::Right => f.write_str("right"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pageup"),
            KeyCode::PageDown => f.write_str("pagedown"),
            KeyCode::F(n) => write!(f, "f{n}"),
            // Keys we never bind (media, lock keys) still need a readable name.
            other => write!(f, "<{}>", format!("{other:?}").to_ascii_lowercase()),
        }
    }
}

/// Parses a space-separated sequence such as `"g g"` or `"ctrl-x ctrl-s"`.
pub fn parse_sequence(s: &str) -> Result<Vec<KeyChord>, ChordError> {
    let keys = s
        .split_whitespace()
        .map(KeyChord::from_str)
        .collect::<Result<Vec<_>, _>>()?;
    if keys.is_empty() {
        return Err(ChordError::Empty);
    }
    Ok(keys)
}

/// Formats a sequence the way keymap files write it.
pub fn format_sequence(keys: &[KeyChord]) -> String {
    keys.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyEventKind, KeyEventState};

    fn chord(s: &str) -> KeyChord {
        s.parse().unwrap()
    }

    fn event(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent {
            code,
            modifiers,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        }
    }

    #[test]
    fn canonical_names_round_trip() {
        let names = [
            "a",
            "G",
            "enter",
            "esc",
            "tab",
            "shift-tab",
            "space",
            "backspace",
            "delete",
            "insert",
            "up",
            "down",
            "left",
            "right",
            "home",
            "end",
            "pageup",
            "pagedown",
            "f1",
            "f12",
            "ctrl-r",
            "alt-enter",
            "ctrl-shift-a",
            "ctrl-alt-x",
            "shift-up",
            "/",
            "?",
            ":",
            "[",
            "]",
            "-",
            "ctrl--",
            "1",
            "é",
        ];
        for name in names {
            assert_eq!(chord(name).to_string(), name, "round trip of {name}");
            assert_eq!(chord(&chord(name).to_string()), chord(name));
        }
    }

    #[test]
    fn shift_is_folded_into_characters() {
        assert_eq!(chord("shift-g"), chord("G"));
        assert_eq!(chord("G").mods, KeyModifiers::NONE);
        assert_eq!(chord("ctrl-shift-a"), chord("ctrl-A"));
        assert_eq!(chord("shift-?"), chord("?"));
        // Terminals report an uppercase letter with SHIFT set, or not at all.
        let shifted = KeyChord::from_event(&event(KeyCode::Char('G'), KeyModifiers::SHIFT));
        assert_eq!(shifted, chord("G"));
        let kitty = KeyChord::from_event(&event(KeyCode::Char('g'), KeyModifiers::SHIFT));
        assert_eq!(kitty, chord("G"));
        let plain = KeyChord::from_event(&event(KeyCode::Char('G'), KeyModifiers::NONE));
        assert_eq!(plain, chord("G"));
        let question = KeyChord::from_event(&event(KeyCode::Char('?'), KeyModifiers::SHIFT));
        assert_eq!(question, chord("?"));
    }

    #[test]
    fn backtab_is_shift_tab() {
        let back = KeyChord::from_event(&event(KeyCode::BackTab, KeyModifiers::SHIFT));
        assert_eq!(back, chord("shift-tab"));
        assert_eq!(back.to_string(), "shift-tab");
        assert_eq!(chord("backtab"), back);
        let tab = KeyChord::from_event(&event(KeyCode::Tab, KeyModifiers::SHIFT));
        assert_eq!(tab, back);
    }

    #[test]
    fn events_match_file_chords() {
        let ctrl_r = KeyChord::from_event(&event(KeyCode::Char('r'), KeyModifiers::CONTROL));
        assert_eq!(ctrl_r, chord("ctrl-r"));
        let with_super = KeyChord::from_event(&event(
            KeyCode::Enter,
            KeyModifiers::ALT | KeyModifiers::SUPER,
        ));
        assert_eq!(with_super, chord("alt-enter"));
        assert_eq!(
            KeyChord::from_event(&event(KeyCode::F(5), KeyModifiers::NONE)),
            chord("f5")
        );
    }

    #[test]
    fn names_are_case_insensitive_but_letters_are_not() {
        assert_eq!(chord("Enter"), chord("enter"));
        assert_eq!(chord("CTRL-r"), chord("ctrl-r"));
        assert_ne!(chord("g"), chord("G"));
    }

    #[test]
    fn bad_chords_are_rejected() {
        for bad in ["", "entr", "ctrl-", "f0", "f99", "ctrl-foo", "\t"] {
            assert!(bad.parse::<KeyChord>().is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn sequences_split_on_spaces() {
        let seq = parse_sequence("g  g").unwrap();
        assert_eq!(seq, vec![chord("g"), chord("g")]);
        assert_eq!(format_sequence(&seq), "g g");
        assert_eq!(parse_sequence("   "), Err(ChordError::Empty));
        assert!(parse_sequence("z nope").is_err());
    }

    #[test]
    fn printable_means_typed_as_text() {
        assert!(chord("a").is_printable());
        assert!(chord("G").is_printable());
        assert!(chord("space").is_printable());
        assert!(!chord("ctrl-w").is_printable());
        assert!(!chord("enter").is_printable());
    }
}
