//! Reading one theme value: a colour (palette name, ANSI name, `#rrggbb`,
//! `reset`), a modifier name, and a style (a colour string meaning the
//! foreground, or `{ fg, bg, modifiers = [...] }`).
//!
//! Errors are plain reasons; the caller adds the file, line and key. To
//! accept a new modifier or colour name, extend [`MODIFIERS`] or
//! [`ansi`] and the tests below.

use std::collections::HashMap;

use ratatui::style::{Color, Modifier, Style};
use toml::Value;

/// Modifier names accepted in `modifiers = [...]`.
pub const MODIFIERS: &[(&str, Modifier)] = &[
    ("bold", Modifier::BOLD),
    ("italic", Modifier::ITALIC),
    ("underlined", Modifier::UNDERLINED),
    ("reversed", Modifier::REVERSED),
    ("dim", Modifier::DIM),
    ("crossed_out", Modifier::CROSSED_OUT),
];

const STYLE_FIELDS: [&str; 3] = ["fg", "bg", "modifiers"];

/// A colour written literally: `#rrggbb`, an ANSI name or `reset`.
/// Palette entries must be literal; styles may also name palette entries.
pub fn literal_color(text: &str) -> Result<Color, String> {
    if let Some(hex) = text.strip_prefix('#') {
        return hex_color(hex).ok_or_else(|| format!("bad colour '{text}': expected #rrggbb"));
    }
    ansi(text).ok_or_else(|| {
        format!(
            "unknown colour '{text}': expected #rrggbb, reset or an ANSI name (black, red, green, \
             yellow, blue, magenta, cyan, gray, darkgray, light<colour>, white)"
        )
    })
}

/// A colour in a style: a palette name first, then a literal colour.
pub fn color(text: &str, palette: &HashMap<String, Color>) -> Result<Color, String> {
    if let Some(c) = palette.get(text) {
        return Ok(*c);
    }
    literal_color(text).map_err(|e| {
        if text.starts_with('#') {
            e
        } else {
            format!(
                "unknown colour '{text}': not in [palette], and not #rrggbb, reset or an ANSI name"
            )
        }
    })
}

fn hex_color(hex: &str) -> Option<Color> {
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some(Color::Rgb(byte(0)?, byte(2)?, byte(4)?))
}

fn ansi(text: &str) -> Option<Color> {
    let name: String = text
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    let color = match name.as_str() {
        "reset" => Color::Reset,
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" | "grey" => Color::Gray,
        "darkgray" | "darkgrey" => Color::DarkGray,
        "lightred" => Color::LightRed,
        "lightgreen" => Color::LightGreen,
        "lightyellow" => Color::LightYellow,
        "lightblue" => Color::LightBlue,
        "lightmagenta" => Color::LightMagenta,
        "lightcyan" => Color::LightCyan,
        "white" => Color::White,
        _ => return None,
    };
    Some(color)
}

fn modifier(name: &str) -> Result<Modifier, String> {
    MODIFIERS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, m)| *m)
        .ok_or_else(|| {
            let names: Vec<&str> = MODIFIERS.iter().map(|(n, _)| *n).collect();
            format!(
                "unknown modifier '{name}': expected one of {}",
                names.join(", ")
            )
        })
}

/// True when a table under `[styles]` is a style rather than a group of
/// scopes written as a nested table (`[styles.queue]`, `queue.item = …`).
pub fn is_style_table(table: &toml::Table) -> bool {
    table.is_empty() || table.keys().any(|k| STYLE_FIELDS.contains(&k.as_str()))
}

/// Parses one style value against the resolved palette.
pub fn style(value: &Value, palette: &HashMap<String, Color>) -> Result<Style, String> {
    let text = |v: &Value, field: &str| {
        v.as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("'{field}' must be a colour string"))
    };
    match value {
        Value::String(s) => Ok(Style::default().fg(color(s, palette)?)),
        Value::Table(table) => {
            let mut style = Style::default();
            for (field, v) in table {
                match field.as_str() {
                    "fg" => style = style.fg(color(&text(v, field)?, palette)?),
                    "bg" => style = style.bg(color(&text(v, field)?, palette)?),
                    "modifiers" => {
                        let names = v.as_array().ok_or("'modifiers' must be a list of names")?;
                        for name in names {
                            let name =
                                name.as_str().ok_or("'modifiers' must be a list of names")?;
                            style = style.add_modifier(modifier(name)?);
                        }
                    }
                    other => {
                        return Err(format!(
                            "unknown field '{other}': a style has fg, bg and modifiers"
                        ));
                    }
                }
            }
            Ok(style)
        }
        _ => Err("expected a colour string or { fg, bg, modifiers }".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn palette() -> HashMap<String, Color> {
        HashMap::from([
            ("accent".to_string(), Color::Rgb(0x7a, 0xa2, 0xf7)),
            ("red".to_string(), Color::Rgb(1, 2, 3)),
        ])
    }

    fn parse(src: &str) -> Result<Style, String> {
        let table: toml::Table = toml::from_str(&format!("v = {src}")).unwrap();
        style(&table["v"], &palette())
    }

    #[test]
    fn colours_resolve_palette_first() {
        assert_eq!(
            color("accent", &palette()),
            Ok(Color::Rgb(0x7a, 0xa2, 0xf7))
        );
        assert_eq!(
            color("red", &palette()),
            Ok(Color::Rgb(1, 2, 3)),
            "palette shadows ANSI"
        );
        assert_eq!(color("light_blue", &palette()), Ok(Color::LightBlue));
        assert_eq!(color("DarkGrey", &palette()), Ok(Color::DarkGray));
        assert_eq!(color("#FF8000", &palette()), Ok(Color::Rgb(255, 128, 0)));
        assert_eq!(color("reset", &palette()), Ok(Color::Reset));
        assert!(
            color("#12345", &palette())
                .unwrap_err()
                .starts_with("bad colour '#12345'")
        );
        assert!(
            color("#12345g", &palette())
                .unwrap_err()
                .starts_with("bad colour")
        );
        assert!(
            color("acent", &palette())
                .unwrap_err()
                .contains("not in [palette]")
        );
        assert!(
            literal_color("accent")
                .unwrap_err()
                .starts_with("unknown colour 'accent'")
        );
    }

    #[test]
    fn styles_are_strings_or_tables() {
        assert_eq!(
            parse("\"accent\""),
            Ok(Style::default().fg(Color::Rgb(0x7a, 0xa2, 0xf7)))
        );
        let full =
            parse("{ fg = \"white\", bg = \"#000000\", modifiers = [\"bold\", \"crossed_out\"] }");
        let expected = Style::default()
            .fg(Color::White)
            .bg(Color::Rgb(0, 0, 0))
            .add_modifier(Modifier::BOLD | Modifier::CROSSED_OUT);
        assert_eq!(full, Ok(expected));
        assert!(
            parse("{ modifiers = [\"blod\"] }")
                .unwrap_err()
                .starts_with("unknown modifier 'blod'")
        );
        assert!(parse("{ fgg = \"red\" }").is_err());
        assert!(parse("{ fg = 3 }").is_err());
        assert!(parse("7").is_err());
    }

    #[test]
    fn nested_scope_tables_are_told_apart_from_styles() {
        let t: toml::Table =
            toml::from_str("a = { fg = \"red\" }\nb = { item = \"red\" }").unwrap();
        assert!(is_style_table(t["a"].as_table().unwrap()));
        assert!(!is_style_table(t["b"].as_table().unwrap()));
    }
}
