//! Speed of the brand-guideline linter, which runs on every keystroke of
//! the reply composer: a typical 300-character French reply (Maison
//! Lumière, with a few findings) and an English one (Spoke & Sprocket),
//! both against the shipped example guidelines; and loading that file.
//!
//! `cargo bench --bench lint`. The target is well under 1 ms per lint.

#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use guichet::model::{Kind, Network};
use guichet::replies::lint::{Brands, Context, EXAMPLE};

const FRENCH: &str = "Bonjour Claire,\nMerci pour ton message ! Votre lampe Turquoise \
    est bien partie ce matin (commande CMD-123456), suivi sur https://www.laposte.fr/suivi \
    à partir de 10:30. Pas de souci pour l'échange : notre SAV vous répond au \
    09 69 32 15 15. C'est VRAIMENT un plaisir !! 💡✨\nL'équipe Atelier Lumen";

const ENGLISH: &str = "Hi Sam,\nThanks for your message! Your MTB service is booked for \
    10:30 on Friday; no worries if you need to move it, details are on \
    https://spokeandsprocket.co.uk/booking?id=42 and in our FAQ. Unfortunately the \
    BMX parts are late, we will call you on +44 20 7946 0958 ASAP 🙂\nCheers";

fn ctx(network: Network) -> Context {
    Context {
        network,
        kind: Kind::Comment,
        public: true,
        lang: None,
    }
}

fn lint(c: &mut Criterion) {
    let brands = Brands::example();
    let lumen = brands.get("lumen").expect("example brand lumen");
    let spoke = brands.get("spoke").expect("example brand spoke");
    let fr = lumen.lint(FRENCH, &ctx(Network::Facebook));
    let en = spoke.lint(ENGLISH, &ctx(Network::Facebook));
    println!(
        "french reply: {} chars, {} findings; english reply: {} chars, {} findings",
        FRENCH.chars().count(),
        fr.len(),
        ENGLISH.chars().count(),
        en.len()
    );

    let mut group = c.benchmark_group("lint");
    group.bench_function("french_300_chars", |b| {
        b.iter(|| lumen.lint(black_box(FRENCH), &ctx(Network::Facebook)))
    });
    group.bench_function("english_300_chars", |b| {
        b.iter(|| spoke.lint(black_box(ENGLISH), &ctx(Network::Facebook)))
    });
    group.bench_function("load_example", |b| {
        b.iter(|| Brands::parse(black_box(EXAMPLE), Path::new("guidelines.example.toml")))
    });
    group.finish();
}

criterion_group!(benches, lint);
criterion_main!(benches);
