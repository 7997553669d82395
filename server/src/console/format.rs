//! How the console writes money, dates and times for its visitor: money per currency
//! (¥280,000, $1,200.50) from the API's exact decimal strings, never through a float; dates as
//! each language writes them (2026年11月26日 / Nov 26, 2026); times in the visitor's time zone
//! (Asia/Tokyo unless they chose another), with its abbreviation.
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use super::i18n::Locale;

/// The time zone of a visitor who has not chosen one: Boomerang's users are in Japan.
pub const DEFAULT_TZ: Tz = chrono_tz::Asia::Tokyo;

/// A `Money` object of the API (`{ amount: "1200.50", currencyCode: "USD" }`) as a person
/// reads it; an empty string for anything else (a field the viewer may not see is null).
pub fn money(value: &Value) -> String {
    match (value["amount"].as_str(), value["currencyCode"].as_str()) {
        (Some(amount), Some(currency)) => amount_in(amount, currency),
        _ => String::new(),
    }
}

/// `amount` (an exact decimal string such as "-1200.5") in `currency` (ISO 4217), digits
/// grouped by thousands, the currency's symbol in front (its code for those without a
/// well-known one).
pub fn amount_in(amount: &str, currency: &str) -> String {
    let (sign, digits) = match amount.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", amount),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let grouped = group_thousands(whole);
    let symbol = match currency {
        "JPY" => "¥".to_string(),
        "USD" => "$".to_string(),
        "EUR" => "€".to_string(),
        "GBP" => "£".to_string(),
        other => format!("{other} "),
    };
    if fraction.is_empty() {
        format!("{sign}{symbol}{grouped}")
    } else {
        format!("{sign}{symbol}{grouped}.{fraction}")
    }
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A `NaiveDate` of the API ("2026-11-26") as the language writes a date; the input itself
/// when it is not a date, empty for null.
pub fn date(locale: Locale, value: &Value) -> String {
    let Some(text) = value.as_str() else {
        return String::new();
    };
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(date) => write_date(locale, date),
        Err(_) => text.to_string(),
    }
}

fn write_date(locale: Locale, date: NaiveDate) -> String {
    match locale {
        Locale::Ja => date.format("%Y年%-m月%-d日").to_string(),
        Locale::En => date.format("%b %-d, %Y").to_string(),
    }
}

/// A `DateTime` of the API (RFC 3339) in the visitor's time zone, to the minute; the input
/// itself when it does not parse, empty for null.
pub fn date_time(locale: Locale, tz: Tz, value: &Value) -> String {
    let Some(text) = value.as_str() else {
        return String::new();
    };
    let Ok(at) = DateTime::parse_from_rfc3339(text) else {
        return text.to_string();
    };
    let local = at.with_timezone(&Utc).with_timezone(&tz);
    match locale {
        Locale::Ja => local.format("%Y年%-m月%-d日 %H:%M %Z").to_string(),
        Locale::En => local.format("%b %-d, %Y, %-I:%M %p %Z").to_string(),
    }
}

/// The day a `DateTime` of the API falls on in the visitor's time zone, written as a date.
pub fn day_of(locale: Locale, tz: Tz, value: &Value) -> String {
    match value.as_str().map(DateTime::parse_from_rfc3339) {
        Some(Ok(at)) => write_date(locale, at.with_timezone(&tz).date_naive()),
        Some(Err(_)) => value.as_str().unwrap_or_default().to_string(),
        None => String::new(),
    }
}

/// A time zone name from a cookie or form (IANA, e.g. "Europe/London"); `None` when unknown.
pub fn parse_tz(name: &str) -> Option<Tz> {
    name.parse::<Tz>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn money_is_written_per_currency_exactly() {
        let m = |a: &str, c: &str| money(&json!({"amount": a, "currencyCode": c}));
        assert_eq!(m("280000", "JPY"), "¥280,000");
        assert_eq!(m("1200.50", "USD"), "$1,200.50");
        assert_eq!(m("0", "JPY"), "¥0");
        assert_eq!(m("999", "JPY"), "¥999");
        assert_eq!(m("1000", "JPY"), "¥1,000");
        assert_eq!(m("-1234567.05", "EUR"), "-€1,234,567.05");
        assert_eq!(m("99999999999999.99", "GBP"), "£99,999,999,999,999.99");
        assert_eq!(m("12.30", "AUD"), "AUD 12.30");
        assert_eq!(money(&Value::Null), "");
        assert_eq!(money(&json!({"amount": "1"})), "");
    }

    #[test]
    fn dates_are_written_as_each_language_writes_them() {
        let d = json!("2026-11-06");
        assert_eq!(date(Locale::Ja, &d), "2026年11月6日");
        assert_eq!(date(Locale::En, &d), "Nov 6, 2026");
        assert_eq!(date(Locale::En, &Value::Null), "");
        assert_eq!(date(Locale::En, &json!("soon")), "soon");
    }

    #[test]
    fn times_are_shown_in_the_visitors_time_zone() {
        // 15:30 UTC is already the next day in Tokyo.
        let t = json!("2026-11-26T15:30:00+00:00");
        assert_eq!(
            date_time(Locale::Ja, DEFAULT_TZ, &t),
            "2026年11月27日 00:30 JST"
        );
        assert_eq!(
            date_time(Locale::En, DEFAULT_TZ, &t),
            "Nov 27, 2026, 12:30 AM JST"
        );
        let london = parse_tz("Europe/London").unwrap();
        assert_eq!(
            date_time(Locale::En, london, &t),
            "Nov 26, 2026, 3:30 PM GMT"
        );
        assert_eq!(day_of(Locale::Ja, DEFAULT_TZ, &t), "2026年11月27日");
        assert_eq!(day_of(Locale::En, london, &t), "Nov 26, 2026");
        assert!(parse_tz("Mars/Olympus").is_none());
        assert_eq!(date_time(Locale::Ja, DEFAULT_TZ, &Value::Null), "");
    }
}
