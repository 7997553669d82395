//! The console's two languages: Fluent catalogues (`server/locales/{ja,en}/*.ftl`, one per
//! area of the console, embedded), the choice from the `boomerang_lang` cookie or else `Accept-Language`, and the
//! lookup every page uses. No user-visible string lives in the page code.
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::{LanguageIdentifier, langid};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locale {
    Ja,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Ja, Locale::En];

    /// The tag used in `lang=""`, the cookie and the switch links.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Ja => "ja",
            Locale::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.split(['-', '_']).next()?.trim();
        if primary.eq_ignore_ascii_case("ja") {
            Some(Locale::Ja)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Locale::En)
        } else {
            None
        }
    }

    /// The best of our languages for an `Accept-Language` header: the highest `q` among the
    /// ranges we speak (the first listed among equals); Japanese when it names neither, as
    /// Boomerang's users are Japanese companies and their alumni.
    pub fn negotiate(accept_language: Option<&str>) -> Locale {
        let mut best: Option<(f32, Locale)> = None;
        for range in accept_language.unwrap_or_default().split(',') {
            let mut parts = range.split(';');
            let Some(locale) = parts.next().and_then(Locale::from_tag) else {
                continue;
            };
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, locale));
            }
        }
        best.map_or(Locale::Ja, |(_, locale)| locale)
    }

    fn bundle(self) -> &'static FluentBundle<FluentResource> {
        match self {
            Locale::Ja => &JA,
            Locale::En => &EN,
        }
    }

    /// The message `id`; the id itself (and a warning in the log) when the catalogue lacks it,
    /// which the catalogue test prevents.
    pub fn t(self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with one argument.
    pub fn t1(self, id: &str, name: &str, value: &str) -> String {
        self.tn(id, &[(name, value)])
    }

    /// The message `id` with several arguments.
    pub fn tn(self, id: &str, values: &[(&str, &str)]) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in values {
            args.set(*name, arg(value));
        }
        self.format(id, Some(&args))
    }

    fn format(self, id: &str, args: Option<&FluentArgs>) -> String {
        let bundle = self.bundle();
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            tracing::warn!(id, locale = self.tag(), "console message missing");
            return id.to_string();
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(
                id,
                locale = self.tag(),
                ?errors,
                "console message did not format"
            );
        }
        text.into_owned()
    }
}

/// An argument as Fluent should see it: a whole number written plainly ("3", not "03" or
/// "+3") as a number, so that catalogues can choose plural forms (`[one] 1 bid`); anything else
/// (dates, names, account numbers with leading zeros) as text.
fn arg(value: &str) -> FluentValue<'_> {
    match value.parse::<i64>() {
        Ok(n) if n.to_string() == value => FluentValue::from(n),
        _ => FluentValue::from(value),
    }
}

/// The catalogues of one language, one file per area of the console (so that work on one
/// area does not touch another's file).
macro_rules! catalogues {
    ($lang:literal) => {
        &[
            include_str!(concat!("../../locales/", $lang, "/console.ftl")),
            include_str!(concat!("../../locales/", $lang, "/marketplace.ftl")),
            include_str!(concat!("../../locales/", $lang, "/engagements.ftl")),
            include_str!(concat!("../../locales/", $lang, "/finance.ftl")),
            include_str!(concat!("../../locales/", $lang, "/company.ftl")),
            include_str!(concat!("../../locales/", $lang, "/bank.ftl")),
            include_str!(concat!("../../locales/", $lang, "/reports.ftl")),
            include_str!(concat!("../../locales/", $lang, "/directory.ftl")),
            include_str!(concat!("../../locales/", $lang, "/events.ftl")),
            include_str!(concat!("../../locales/", $lang, "/news_rehire.ftl")),
            include_str!(concat!("../../locales/", $lang, "/notifications.ftl")),
        ]
    };
}

const JA_FTL: &[&str] = catalogues!("ja");
const EN_FTL: &[&str] = catalogues!("en");

static JA: LazyLock<FluentBundle<FluentResource>> = LazyLock::new(|| bundle(langid!("ja"), JA_FTL));
static EN: LazyLock<FluentBundle<FluentResource>> = LazyLock::new(|| bundle(langid!("en"), EN_FTL));

fn bundle(lang: LanguageIdentifier, sources: &[&str]) -> FluentBundle<FluentResource> {
    let mut bundle = FluentBundle::new_concurrent(vec![lang]);
    // No Unicode isolation marks around arguments: they would show up in copied text and
    // the pages are left-to-right only.
    bundle.set_use_isolating(false);
    for source in sources {
        let resource =
            FluentResource::try_new(source.to_string()).unwrap_or_else(|(partial, errors)| {
                tracing::error!(?errors, "a console catalogue has syntax errors");
                partial
            });
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::error!(?errors, "a console catalogue has duplicate messages");
        }
    }
    bundle
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message id of one language's catalogues, one list per file, sorted.
    fn ids(sources: &[&str]) -> Vec<Vec<String>> {
        sources
            .iter()
            .map(|source| {
                let resource = FluentResource::try_new(source.to_string())
                    .unwrap_or_else(|(_, errors)| panic!("catalogue does not parse: {errors:?}"));
                let mut ids: Vec<String> = resource
                    .entries()
                    .filter_map(|entry| match entry {
                        fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                        _ => None,
                    })
                    .collect();
                ids.sort();
                ids
            })
            .collect()
    }

    #[test]
    fn both_languages_parse_and_hold_the_same_messages_in_the_same_files() {
        assert_eq!(ids(JA_FTL), ids(EN_FTL));
        let all: Vec<String> = ids(JA_FTL).concat();
        assert!(all.len() > 20);
        let mut unique = all.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            all.len(),
            "a message id is defined in two files"
        );
    }

    #[test]
    fn accept_language_picks_the_best_language_we_speak() {
        assert_eq!(Locale::negotiate(None), Locale::Ja);
        assert_eq!(Locale::negotiate(Some("en-US,en;q=0.9")), Locale::En);
        assert_eq!(
            Locale::negotiate(Some("fr, en;q=0.5, ja;q=0.8")),
            Locale::Ja
        );
        assert_eq!(Locale::negotiate(Some("de")), Locale::Ja);
        assert_eq!(Locale::negotiate(Some("ja;q=0, en")), Locale::En);
    }

    #[test]
    fn counts_choose_the_plural_form_in_english() {
        assert_eq!(
            Locale::En.t1("marketplace-bids-count", "count", "1"),
            "1 bid"
        );
        assert_eq!(
            Locale::En.t1("marketplace-bids-count", "count", "2"),
            "2 bids"
        );
        assert_eq!(
            Locale::En.t1("marketplace-bids-count", "count", "0"),
            "0 bids"
        );
        assert_eq!(
            Locale::Ja.t1("marketplace-bids-count", "count", "1"),
            "提案 1 件"
        );
        // Text that only looks like a number stays text.
        assert!(matches!(arg("007"), FluentValue::String(_)));
        assert!(matches!(arg("12"), FluentValue::Number(_)));
    }

    #[test]
    fn messages_take_arguments() {
        assert_eq!(
            Locale::En.t1("home-greeting", "name", "Aiko"),
            "Signed in as Aiko"
        );
        assert!(
            Locale::Ja
                .t1("home-greeting", "name", "愛子")
                .starts_with("愛子 さん")
        );
    }
}
