//! Withholding income tax on fees paid to individuals (源泉徴収, Income Tax Act art. 204):
//! 10.21 % of a payment up to ¥1,000,000 and 20.42 % of the part above it (both rates include
//! the 2.1 % reconstruction surtax), fractions of a yen discarded. The rule is a pure function
//! so that invoices, the payout and the ledger take the same number.
//!
//! Sources: 国税庁 タックスアンサー No.2795 / No.2792 (原稿料や講演料などの源泉徴収).
use chrono::{Datelike, NaiveDate};

use super::error::{DomainError, DomainResult};

/// The threshold above which the higher rate applies, in yen.
const THRESHOLD_YEN: i64 = 1_000_000;
/// Tax on a payment of exactly the threshold: floor(1,000,000 × 10.21 %).
const TAX_AT_THRESHOLD: i64 = 102_100;

/// Who is paid: only individuals are withheld from under art. 204 for these fees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayeeType {
    Individual,
    Corporation,
}

/// What the withholding is computed on, from one payment (per invoice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payment {
    /// The fee before consumption tax, in yen.
    pub fee_yen: i64,
    /// The consumption tax on the invoice, in yen.
    pub consumption_tax_yen: i64,
    /// Whether the invoice shows the consumption tax separately from the fee. When it does,
    /// the tax is left out of the base (国税庁 消費税等の取扱い, 平元直法6-1); otherwise the
    /// whole amount is the base.
    pub tax_shown_separately: bool,
}

/// The withholding on `payment` to `payee` when the fee is subject to it, in yen; zero for
/// a corporation or a fee not subject. Refuses negative amounts.
pub fn withholding_yen(payee: PayeeType, subject: bool, payment: Payment) -> DomainResult<i64> {
    if payment.fee_yen < 0 || payment.consumption_tax_yen < 0 {
        return Err(DomainError::bad_input(
            "amount",
            "a payment cannot be negative",
        ));
    }
    if payee == PayeeType::Corporation || !subject {
        return Ok(0);
    }
    let base = if payment.tax_shown_separately {
        payment.fee_yen
    } else {
        payment
            .fee_yen
            .checked_add(payment.consumption_tax_yen)
            .ok_or_else(|| DomainError::bad_input("amount", "too large"))?
    };
    Ok(on_base(base))
}

/// The day withholding on a payment made on `paid_on` must reach the tax office: the 10th of
/// the following month (Income Tax Act art. 212). The semiannual special rule (納期の特例) for
/// small payers is the company's own arrangement with its tax office and is not applied.
pub fn remittance_due(paid_on: NaiveDate) -> NaiveDate {
    let (year, month) = if paid_on.month() == 12 {
        (paid_on.year() + 1, 1)
    } else {
        (paid_on.year(), paid_on.month() + 1)
    };
    NaiveDate::from_ymd_opt(year, month, 10).unwrap_or(paid_on)
}

/// The tax on a base of `yen` (≥ 0): integer arithmetic in basis points, floored once.
fn on_base(yen: i64) -> i64 {
    let yen = i128::from(yen);
    let tax = if yen <= i128::from(THRESHOLD_YEN) {
        yen * 1021 / 10_000
    } else {
        (yen - i128::from(THRESHOLD_YEN)) * 2042 / 10_000 + i128::from(TAX_AT_THRESHOLD)
    };
    // The tax is at most ~20 % of an i64, so it always fits.
    i64::try_from(tax).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn individual(fee: i64, tax: i64, separately: bool) -> i64 {
        withholding_yen(
            PayeeType::Individual,
            true,
            Payment {
                fee_yen: fee,
                consumption_tax_yen: tax,
                tax_shown_separately: separately,
            },
        )
        .unwrap()
    }

    #[test]
    fn withholding_is_due_on_the_tenth_of_the_next_month() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(remittance_due(day(2026, 11, 26)), day(2026, 12, 10));
        assert_eq!(remittance_due(day(2026, 12, 31)), day(2027, 1, 10));
        assert_eq!(remittance_due(day(2027, 1, 1)), day(2027, 2, 10));
    }

    #[test]
    fn worked_examples() {
        // ¥1,500,000 + ¥150,000 tax shown separately: 102,100 + 500,000 × 20.42 %.
        assert_eq!(individual(1_500_000, 150_000, true), 204_200);
        assert_eq!(
            1_500_000 + 150_000 - individual(1_500_000, 150_000, true),
            1_445_800
        );
        // A ¥50,000 design fee plus ¥5,000 tax shown separately.
        assert_eq!(individual(50_000, 5_000, true), 5_105);
        // ¥55,000 with the tax not shown separately: the whole is the base, 5,615.5 floored.
        assert_eq!(individual(50_000, 5_000, false), 5_615);
        // The threshold itself and one yen either side.
        assert_eq!(individual(1_000_000, 0, true), 102_100);
        assert_eq!(individual(999_999, 0, true), 102_099);
        assert_eq!(individual(1_000_001, 0, true), 102_100);
        assert_eq!(individual(1_000_005, 0, true), 102_101);
        assert_eq!(individual(0, 0, true), 0);
        assert_eq!(individual(9, 0, true), 0);
        assert_eq!(individual(10, 0, true), 1);
    }

    #[test]
    fn never_for_a_corporation_or_a_fee_not_subject() {
        let payment = Payment {
            fee_yen: 500_000,
            consumption_tax_yen: 50_000,
            tax_shown_separately: true,
        };
        assert_eq!(
            withholding_yen(PayeeType::Corporation, true, payment).unwrap(),
            0
        );
        assert_eq!(
            withholding_yen(PayeeType::Individual, false, payment).unwrap(),
            0
        );
        assert_eq!(
            withholding_yen(PayeeType::Individual, true, payment).unwrap(),
            51_050
        );
    }

    #[test]
    fn negative_or_overflowing_amounts_are_refused() {
        for (fee, tax) in [(-1, 0), (0, -1)] {
            let payment = Payment {
                fee_yen: fee,
                consumption_tax_yen: tax,
                tax_shown_separately: true,
            };
            assert!(withholding_yen(PayeeType::Individual, true, payment).is_err());
        }
        let payment = Payment {
            fee_yen: i64::MAX,
            consumption_tax_yen: 1,
            tax_shown_separately: false,
        };
        assert!(withholding_yen(PayeeType::Individual, true, payment).is_err());
    }

    #[test]
    fn withholding_never_exceeds_the_fee_and_never_falls_as_the_fee_grows() {
        // A deterministic sweep (a linear congruential sequence) over small and huge fees.
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut previous = (0, 0);
        let mut fees: Vec<i64> = (0..2_000).collect();
        for _ in 0..20_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            fees.push((x >> 14) as i64 % 1_000_000_000_000_000);
        }
        fees.sort_unstable();
        for fee in fees {
            let tax = individual(fee, 0, true);
            assert!(tax >= 0 && tax <= fee, "fee {fee}: tax {tax}");
            assert!(
                tax >= previous.1 || fee < previous.0,
                "not monotonic at {fee}"
            );
            previous = (fee, tax);
        }
    }
}
