//! The language of a text when the network does not say (most comment APIs
//! give none), so views such as "Complaints FR" work on every network.
//! Detection is whatlang's (trigram statistics) among the languages a brand
//! inbox meets; an unsure guess is not made.

/// ISO 639-1 code of `text`'s language, when detection is confident.
pub fn detect(text: &str) -> Option<String> {
    // Mentions, links and hashtags say nothing about the language.
    let words: String = text
        .split_whitespace()
        .filter(|w| !w.starts_with('@') && !w.starts_with('#') && !w.contains("://"))
        .collect::<Vec<_>>()
        .join(" ");
    if words.chars().filter(|c| c.is_alphabetic()).count() < 12 {
        return None;
    }
    let info = detector().detect(&words)?;
    // whatlang's own "reliable" flag refuses most one-sentence comments;
    // among the languages a brand meets, a third of the confidence is
    // already a clear lead.
    if info.confidence() < MIN_CONFIDENCE {
        return None;
    }
    Some(iso_639_1(info.lang().code()).to_string())
}

const MIN_CONFIDENCE: f64 = 0.3;

/// Detection among the languages of `iso_639_1`'s table: fewer look-alike
/// candidates make short texts decidable.
fn detector() -> whatlang::Detector {
    use whatlang::Lang::*;
    whatlang::Detector::with_allowlist(vec![
        Eng, Fra, Spa, Deu, Ita, Por, Nld, Pol, Swe, Dan, Nob, Fin, Tur, Rus, Ukr, Ara, Jpn, Cmn,
        Kor,
    ])
}

/// Two-letter codes for the languages a brand inbox meets most; others
/// keep whatlang's three-letter code.
fn iso_639_1(code: &str) -> &str {
    match code {
        "eng" => "en",
        "fra" => "fr",
        "spa" => "es",
        "deu" => "de",
        "ita" => "it",
        "por" => "pt",
        "nld" => "nl",
        "pol" => "pl",
        "swe" => "sv",
        "dan" => "da",
        "nob" => "no",
        "fin" => "fi",
        "tur" => "tr",
        "rus" => "ru",
        "ukr" => "uk",
        "ara" => "ar",
        "jpn" => "ja",
        "cmn" => "zh",
        "kor" => "ko",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_french_and_english_and_declines_short_texts() {
        assert_eq!(
            detect("Bonjour, ma commande n'est toujours pas arrivée, pouvez-vous vérifier ?")
                .as_deref(),
            Some("fr")
        );
        assert_eq!(
            detect("@atelier Hi there, my candle arrived broken and I would like a refund please")
                .as_deref(),
            Some("en")
        );
        assert_eq!(detect("🔥🔥🔥 @brand"), None);
        assert_eq!(detect("ok merci"), None);
    }
}
