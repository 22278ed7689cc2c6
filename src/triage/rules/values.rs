//! Typed values of `rules.toml` keys: strings and lists, booleans,
//! counts, similarities, durations, names; each failure is the reason a
//! person reads after the file, line and key.

use toml::Spanned;
use toml::de::DeValue;

pub type Value<'i> = Spanned<DeValue<'i>>;

pub fn string<'a>(v: &'a Value) -> Result<&'a str, String> {
    v.get_ref()
        .as_str()
        .ok_or_else(|| format!("expected a string, found {}", v.get_ref().type_str()))
}

pub fn boolean(v: &Value) -> Result<bool, String> {
    v.get_ref()
        .as_bool()
        .ok_or_else(|| format!("expected true or false, found {}", v.get_ref().type_str()))
}

/// A string or a non-empty array of strings.
pub fn strings(v: &Value) -> Result<Vec<String>, String> {
    let list: Vec<String> = match v.get_ref() {
        DeValue::String(s) => vec![s.to_string()],
        DeValue::Array(items) => items
            .iter()
            .map(|i| string(i).map(str::to_string))
            .collect::<Result<_, _>>()?,
        other => {
            return Err(format!(
                "expected a string or a list, found {}",
                other.type_str()
            ));
        }
    };
    if list.is_empty() {
        return Err("expected at least one value".into());
    }
    Ok(list)
}

pub fn parsed<T: std::str::FromStr<Err = String>>(v: &Value) -> Result<Vec<T>, String> {
    strings(v)?.iter().map(|s| s.parse::<T>()).collect()
}

pub fn langs(v: &Value) -> Result<Vec<String>, String> {
    strings(v)?
        .into_iter()
        .map(|l| {
            let l = l.trim().to_ascii_lowercase();
            let ok = (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_lowercase());
            ok.then_some(l.clone())
                .ok_or_else(|| format!("'{l}' is not a language code (fr, en, es…)"))
        })
        .collect()
}

/// A positive whole number.
pub fn count(v: &Value) -> Result<usize, String> {
    let n = match v.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
        _ => None,
    };
    n.filter(|n| *n >= 1)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| "expected a whole number of at least 1".to_string())
}

pub fn similarity(v: &Value) -> Result<f32, String> {
    let f = match v.get_ref() {
        DeValue::Float(f) => f.as_str().parse::<f32>().ok(),
        DeValue::Integer(i) => i.as_str().parse::<f32>().ok(),
        _ => None,
    };
    f.filter(|f| (0.5..=1.0).contains(f))
        .ok_or_else(|| "expected a similarity from 0.5 to 1 (0.8 is nearly the same)".into())
}

/// A tag or person name: trimmed, non-empty, one line.
pub fn name_value(s: &str) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() || t.chars().any(char::is_control) {
        return Err("expected a non-empty name on one line".into());
    }
    Ok(t.to_string())
}

/// `90s`, `30m`, `6h`, `2d`: from one minute to 30 days.
pub fn duration(s: &str) -> Result<chrono::Duration, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: i64 = digits.parse().map_err(|_| bad_duration(s))?;
    let seconds = match unit.trim() {
        "s" => Some(n),
        "m" | "min" => n.checked_mul(60),
        "h" => n.checked_mul(3_600),
        "d" => n.checked_mul(86_400),
        _ => None,
    }
    .ok_or_else(|| bad_duration(s))?;
    if !(60..=30 * 86_400).contains(&seconds) {
        return Err(format!("'{s}' is out of range (1m to 30d)"));
    }
    Ok(chrono::Duration::seconds(seconds))
}

fn bad_duration(s: &str) -> String {
    format!("'{s}' is not a duration (90s, 30m, 6h, 2d)")
}

/// The shortest way to write a duration back: `6h`, `90m`, `2d`.
pub fn show_duration(d: chrono::Duration) -> String {
    let s = d.num_seconds();
    match s {
        _ if s % 86_400 == 0 => format!("{}d", s / 86_400),
        _ if s % 3_600 == 0 => format!("{}h", s / 3_600),
        _ if s % 60 == 0 => format!("{}m", s / 60),
        _ => format!("{s}s"),
    }
}

/// The one line of a regex error that says what is wrong.
pub fn regex_reason(e: &regex::Error) -> String {
    let text = e.to_string();
    text.lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map_or(text.clone(), |l| {
            l.trim_start_matches("error: ").to_string()
        })
}
