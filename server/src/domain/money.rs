//! Money parsed once at the edge: exact decimal strings to `i64` minor units, never a float.
use super::error::{DomainError, DomainResult};
use super::text::quote;

/// Supported ISO 4217 currencies and their minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Currency {
    Jpy,
    Usd,
    Eur,
    Gbp,
    Aud,
    Cad,
    Chf,
    Cny,
    Hkd,
    Sgd,
    Krw,
    Twd,
}

impl Currency {
    pub const ALL: [Currency; 12] = [
        Self::Jpy,
        Self::Usd,
        Self::Eur,
        Self::Gbp,
        Self::Aud,
        Self::Cad,
        Self::Chf,
        Self::Cny,
        Self::Hkd,
        Self::Sgd,
        Self::Krw,
        Self::Twd,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Jpy => "JPY",
            Self::Usd => "USD",
            Self::Eur => "EUR",
            Self::Gbp => "GBP",
            Self::Aud => "AUD",
            Self::Cad => "CAD",
            Self::Chf => "CHF",
            Self::Cny => "CNY",
            Self::Hkd => "HKD",
            Self::Sgd => "SGD",
            Self::Krw => "KRW",
            Self::Twd => "TWD",
        }
    }

    /// ISO 4217 exponent.
    pub fn minor_units(self) -> u32 {
        match self {
            Self::Jpy | Self::Krw => 0,
            _ => 2,
        }
    }

    pub fn from_code(code: &str) -> DomainResult<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.code() == code)
            .ok_or_else(|| {
                DomainError::Internal(anyhow::anyhow!("unknown stored currency {code:?}"))
            })
    }
}

/// The largest amount accepted, in minor units: far above any side job, far below `i64::MAX`,
/// so sums of many invoices cannot overflow.
pub const MAX_MINOR: i64 = 1_000_000_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    /// Parses a plain decimal such as `"250000"` or `"1200.50"`: digits, at most one dot and
    /// no more fraction digits than the currency has minor units. Signs, exponents, spaces
    /// and zero are refused; `field` names the offending input in the error.
    pub fn parse(amount: &str, currency: Currency, field: &str) -> DomainResult<Self> {
        let bad = |message: String| DomainError::bad_input(field, message);
        let (whole, fraction) = match amount.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (amount, None),
        };
        let digits_only = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits_only(whole) || fraction.is_some_and(|f| !digits_only(f)) {
            return Err(bad(format!(
                "{} is not a plain decimal amount such as \"1200.50\"",
                quote(amount)
            )));
        }
        let fraction = fraction.unwrap_or("");
        let exponent = currency.minor_units();
        if fraction.len() > exponent as usize {
            return Err(bad(format!(
                "{} allows {exponent} decimal places, got {}",
                currency.code(),
                quote(amount)
            )));
        }
        let too_large = || bad(format!("{} is too large", quote(amount)));
        if whole.len() > 19 {
            return Err(too_large());
        }
        let mut minor: i64 = 0;
        let padded = format!("{whole}{fraction:0<width$}", width = exponent as usize);
        for b in padded.bytes() {
            minor = minor
                .checked_mul(10)
                .and_then(|m| m.checked_add(i64::from(b - b'0')))
                .ok_or_else(too_large)?;
        }
        if minor > MAX_MINOR {
            return Err(too_large());
        }
        if minor == 0 {
            return Err(bad("amount must be greater than zero".to_string()));
        }
        Ok(Self { minor, currency })
    }

    pub fn from_stored(minor: i64, currency: &str) -> DomainResult<Self> {
        Ok(Self {
            minor,
            currency: Currency::from_code(currency)?,
        })
    }

    /// The exact decimal string, with exactly the currency's minor digits.
    pub fn to_decimal_string(self) -> String {
        let exponent = self.currency.minor_units();
        if exponent == 0 {
            return self.minor.to_string();
        }
        let scale = 10_i64.pow(exponent);
        format!(
            "{}.{:0width$}",
            self.minor / scale,
            self.minor % scale,
            width = exponent as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_amounts_round_trip() {
        let usd = Money::parse("1200.50", Currency::Usd, "amount").unwrap();
        assert_eq!(usd.minor, 120050);
        assert_eq!(usd.to_decimal_string(), "1200.50");
        let usd = Money::parse("7.5", Currency::Usd, "amount").unwrap();
        assert_eq!(usd.to_decimal_string(), "7.50");
        let jpy = Money::parse("250000", Currency::Jpy, "amount").unwrap();
        assert_eq!(jpy.minor, 250000);
        assert_eq!(jpy.to_decimal_string(), "250000");
    }

    #[test]
    fn malformed_amounts_are_bad_input() {
        for (amount, currency) in [
            ("12.5", Currency::Jpy),
            ("-1", Currency::Jpy),
            ("1e3", Currency::Jpy),
            ("abc", Currency::Jpy),
            ("", Currency::Jpy),
            (" 1", Currency::Jpy),
            ("1.", Currency::Usd),
            (".5", Currency::Usd),
            ("0", Currency::Jpy),
            ("1.234", Currency::Usd),
            ("99999999999999999999", Currency::Jpy),
            ("9223372036854775807", Currency::Jpy),
            ("+5", Currency::Jpy),
        ] {
            let err = Money::parse(amount, currency, "input.amount").unwrap_err();
            assert_eq!(err.code(), "BAD_USER_INPUT", "{amount:?}");
        }
    }
}
