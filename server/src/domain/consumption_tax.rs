//! Consumption tax under the qualified invoice system (インボイス制度, from 2023-10-01):
//! the issuer's registration number (適格請求書発行事業者登録番号), the tax per rate rounded once
//! per rate per invoice, and the share a buyer may still deduct when the seller is not
//! registered (the transitional measure, 経過措置 of 平成28年改正法附則 52条・53条).
//!
//! Sources: 国税庁「適格請求書等保存方式の概要」, 国税庁 法人番号の指定 (check digit:
//! 法人番号の指定等に関する省令 第2条).
use chrono::NaiveDate;

use super::error::{DomainError, DomainResult};
use super::withholding::PayeeType;

/// A registration number as printed on invoices: `T` and 13 digits. For a corporation the 13
/// digits are its corporate number, whose first digit is a check digit; an individual's number
/// is assigned by the tax office and carries no check digit we can verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationNumber(String);

impl RegistrationNumber {
    /// Parses `T` + 13 ASCII digits (surrounding spaces and hyphens are a common way to write
    /// it and are refused rather than guessed at), verifying a corporation's check digit.
    pub fn parse(text: &str, payee: PayeeType) -> DomainResult<Self> {
        const FIELD: &str = "registrationNumber";
        let digits = text
            .strip_prefix('T')
            .ok_or_else(|| DomainError::bad_input(FIELD, "must be T followed by 13 digits"))?;
        if digits.len() != 13 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::bad_input(
                FIELD,
                "must be T followed by 13 digits",
            ));
        }
        if payee == PayeeType::Corporation && !corporate_check_digit_ok(digits) {
            return Err(DomainError::bad_input(
                FIELD,
                "the check digit does not match a corporate number",
            ));
        }
        Ok(Self(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A corporate number's first digit is `9 − (Σ Pn × Qn mod 9)`, with Pn the n-th of the other
/// 12 digits counted from the right and Qn 1 for odd n, 2 for even n.
fn corporate_check_digit_ok(digits: &str) -> bool {
    let bytes = digits.as_bytes();
    let sum: u32 = bytes[1..]
        .iter()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 2 })
        .sum();
    u32::from(bytes[0] - b'0') == 9 - sum % 9
}

/// The two consumption tax rates an invoice may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TaxRate {
    /// 8 %: the reduced rate (food, newspapers).
    Reduced8,
    /// 10 %: the standard rate, which services such as these fees carry.
    Standard10,
}

impl TaxRate {
    pub fn percent(self) -> i64 {
        match self {
            TaxRate::Reduced8 => 8,
            TaxRate::Standard10 => 10,
        }
    }
}

/// The amounts of one rate on an invoice: the sum of its lines and the tax on that sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateTotal {
    pub rate: TaxRate,
    pub net_yen: i64,
    pub tax_yen: i64,
}

/// Totals per rate of an invoice's lines (`(rate, net amount in yen)`), the tax floored once
/// per rate — a qualified invoice may round only once per rate per invoice, never per line.
/// Rates in ascending order; a rate without lines is left out.
pub fn totals_per_rate(lines: &[(TaxRate, i64)]) -> DomainResult<Vec<RateTotal>> {
    Ok(sum_per_rate(lines)?
        .into_iter()
        .map(|(rate, net_yen)| RateTotal {
            rate,
            net_yen,
            tax_yen: net_yen / 100 * rate.percent() + net_yen % 100 * rate.percent() / 100,
        })
        .collect())
}

/// As [`totals_per_rate`] for lines whose amounts include the tax (税込): the tax within each
/// rate's sum is floor(sum × rate / (100 + rate)), once per rate; `net_yen` is the rest.
pub fn totals_per_rate_included(lines: &[(TaxRate, i64)]) -> DomainResult<Vec<RateTotal>> {
    Ok(sum_per_rate(lines)?
        .into_iter()
        .map(|(rate, gross)| {
            let p = i128::from(rate.percent());
            // At most gross × 10 / 110 < gross: always fits.
            let tax_yen = i64::try_from(i128::from(gross) * p / (100 + p)).unwrap_or(0);
            RateTotal {
                rate,
                net_yen: gross - tax_yen,
                tax_yen,
            }
        })
        .collect())
}

/// The lines' amounts summed per rate, rates ascending; refuses negative amounts and overflow.
fn sum_per_rate(lines: &[(TaxRate, i64)]) -> DomainResult<Vec<(TaxRate, i64)>> {
    let mut sums: Vec<(TaxRate, i64)> = Vec::new();
    for &(rate, amount) in lines {
        if amount < 0 {
            return Err(DomainError::bad_input(
                "lines",
                "an amount cannot be negative",
            ));
        }
        let sum = match sums.iter_mut().find(|(r, _)| *r == rate) {
            Some((_, sum)) => sum,
            None => {
                sums.push((rate, 0));
                let last = sums.len() - 1;
                &mut sums[last].1
            }
        };
        *sum = sum
            .checked_add(amount)
            .ok_or_else(|| DomainError::bad_input("lines", "the total is too large"))?;
    }
    sums.sort_by_key(|(rate, _)| *rate);
    Ok(sums)
}

/// The share (in percent) of the consumption tax on a purchase from a seller who is NOT
/// registered that the buyer may still deduct, by the transaction date: all of it before the
/// qualified invoice system, 80 % to 2026-09-30, 50 % to 2029-09-30, nothing afterwards. A
/// registered seller's invoice is deductible in full and does not use this.
pub fn unregistered_deductible_percent(transaction_date: NaiveDate) -> u8 {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN);
    if transaction_date < day(2023, 10, 1) {
        100
    } else if transaction_date <= day(2026, 9, 30) {
        80
    } else if transaction_date <= day(2029, 9, 30) {
        50
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_numbers_are_t_and_13_digits_with_a_corporate_check_digit() {
        // 国税庁's own corporate number, one with check digit 1, and the example.
        for ok in ["T7000012050002", "T1180301018771", "T7123456789012"] {
            assert!(
                RegistrationNumber::parse(ok, PayeeType::Corporation).is_ok(),
                "{ok}"
            );
            assert!(
                RegistrationNumber::parse(ok, PayeeType::Individual).is_ok(),
                "{ok}"
            );
        }
        // Wrong check digit: refused for a corporation, not verifiable for an individual.
        assert!(RegistrationNumber::parse("T8123456789012", PayeeType::Corporation).is_err());
        assert!(RegistrationNumber::parse("T8123456789012", PayeeType::Individual).is_ok());
        for bad in [
            "",
            "T",
            "7123456789012",
            "t7123456789012",
            "T712345678901",
            "T71234567890123",
            "T 7123456789012",
            "T7123-456789012",
            "T712345678901２",
            "T712345678901a",
            " T7123456789012",
        ] {
            assert!(
                RegistrationNumber::parse(bad, PayeeType::Individual).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn check_digit_rule_on_every_first_digit() {
        // Exactly one first digit fits the other twelve.
        let rest = "123456789012";
        let fits: Vec<u32> = (0..10)
            .filter(|d| corporate_check_digit_ok(&format!("{d}{rest}")))
            .collect();
        assert_eq!(fits, vec![7]);
        // Sum ≡ 0 (mod 9) gives 9.
        assert!(corporate_check_digit_ok("9000000000000"));
        assert!(!corporate_check_digit_ok("0000000000000"));
    }

    #[test]
    fn tax_is_rounded_once_per_rate_not_per_line() {
        let totals =
            totals_per_rate(&[(TaxRate::Standard10, 33_333), (TaxRate::Standard10, 16_667)])
                .unwrap();
        assert_eq!(
            totals,
            vec![RateTotal {
                rate: TaxRate::Standard10,
                net_yen: 50_000,
                tax_yen: 5_000
            }]
        );
        let mixed = totals_per_rate(&[
            (TaxRate::Standard10, 1_999),
            (TaxRate::Reduced8, 1_999),
            (TaxRate::Reduced8, 1),
        ])
        .unwrap();
        assert_eq!(mixed[0].rate, TaxRate::Reduced8);
        assert_eq!((mixed[0].net_yen, mixed[0].tax_yen), (2_000, 160));
        assert_eq!((mixed[1].net_yen, mixed[1].tax_yen), (1_999, 199));
        assert!(totals_per_rate(&[]).unwrap().is_empty());
        assert!(totals_per_rate(&[(TaxRate::Standard10, -1)]).is_err());
        assert!(
            totals_per_rate(&[(TaxRate::Standard10, i64::MAX), (TaxRate::Standard10, 1)]).is_err()
        );
        // Near the top of i64 the tax still does not overflow.
        let top = totals_per_rate(&[(TaxRate::Standard10, i64::MAX)]).unwrap();
        assert_eq!(top[0].tax_yen, i64::MAX / 10);
    }

    #[test]
    fn tax_included_is_taken_out_once_per_rate() {
        let t = totals_per_rate_included(&[(TaxRate::Standard10, 55_000)]).unwrap();
        assert_eq!((t[0].net_yen, t[0].tax_yen), (50_000, 5_000));
        // 50,000 × 10 / 110 = 4,545.45…: floored once over both lines.
        let t = totals_per_rate_included(&[
            (TaxRate::Standard10, 33_333),
            (TaxRate::Standard10, 16_667),
            (TaxRate::Reduced8, 10_800),
        ])
        .unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(
            (t[0].rate, t[0].net_yen, t[0].tax_yen),
            (TaxRate::Reduced8, 10_000, 800)
        );
        assert_eq!((t[1].net_yen, t[1].tax_yen), (45_455, 4_545));
        assert!(totals_per_rate_included(&[(TaxRate::Reduced8, -1)]).is_err());
    }

    #[test]
    fn per_rate_rounding_stays_within_a_yen_per_line_of_per_line_rounding() {
        let mut x: u64 = 42;
        for _ in 0..5_000 {
            let mut lines = Vec::new();
            for _ in 0..(x % 7 + 1) {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1442695040888963407);
                let rate = if x.is_multiple_of(3) {
                    TaxRate::Reduced8
                } else {
                    TaxRate::Standard10
                };
                lines.push((rate, ((x >> 20) % 10_000_000) as i64));
            }
            let per_rate: i64 = totals_per_rate(&lines)
                .unwrap()
                .iter()
                .map(|t| t.tax_yen)
                .sum();
            let per_line: i64 = lines.iter().map(|(r, n)| n * r.percent() / 100).sum();
            assert!(per_rate >= per_line, "{lines:?}");
            assert!(per_rate - per_line <= lines.len() as i64, "{lines:?}");
        }
    }

    #[test]
    fn the_transitional_deduction_follows_the_transaction_date() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(unregistered_deductible_percent(d(2023, 9, 30)), 100);
        assert_eq!(unregistered_deductible_percent(d(2023, 10, 1)), 80);
        assert_eq!(unregistered_deductible_percent(d(2026, 9, 30)), 80);
        assert_eq!(unregistered_deductible_percent(d(2026, 10, 1)), 50);
        assert_eq!(unregistered_deductible_percent(d(2029, 9, 30)), 50);
        assert_eq!(unregistered_deductible_percent(d(2029, 10, 1)), 0);
    }
}
