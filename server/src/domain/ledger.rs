//! The double-entry ledger: money movements in minor units, debits positive and credits
//! negative, grouped by transaction. A group is written once (its key is its idempotency
//! key) and must sum to zero.
//!
//! Account and group keys are built only by [`Account`] and [`Group`], which both the writers
//! and `check` use, so the books and their audit cannot drift apart.
use std::fmt;

use chrono::NaiveDate;

use entity::ledger_entry;
use entity::states::{InvoiceStatus, PayoutStatus};
use sea_orm::{
    ActiveEnum, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, Statement,
};

use super::error::{DomainError, DomainResult};
use super::now;

/// A ledger account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Account {
    /// The platform's Stripe balance.
    PlatformStripe,
    /// Funds held on the platform for a contract.
    Escrow { contract_id: i64 },
    /// The company's bank account, for transfers finance makes by hand.
    CompanyBank { company_id: i64 },
    /// Money an alumnus received.
    FreelancerPaid { user_id: i64 },
    /// Withholding income tax a freelancer's payments had withheld on her behalf.
    FreelancerWithheld { user_id: i64 },
    /// Withholding a company owes the tax office, due on `due` (the 10th of the month after
    /// the payment).
    WithholdingPayable { company_id: i64, due: NaiveDate },
    /// A reversal of a transfer whose contract is unknown.
    Reversed { payout_id: i64 },
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PlatformStripe => write!(f, "platform:stripe"),
            Self::Escrow { contract_id } => write!(f, "contract:{contract_id}:escrow"),
            Self::CompanyBank { company_id } => write!(f, "company:{company_id}:bank"),
            Self::FreelancerPaid { user_id } => write!(f, "freelancer:{user_id}:paid"),
            Self::FreelancerWithheld { user_id } => write!(f, "freelancer:{user_id}:withheld"),
            Self::WithholdingPayable { company_id, due } => {
                write!(f, "company:{company_id}:withholding:{due}")
            }
            Self::Reversed { payout_id } => write!(f, "payout:{payout_id}:reversed"),
        }
    }
}

/// A ledger transaction; its key makes a repeated write (a replayed webhook, a retried job)
/// a no-op.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Group {
    /// A contract's escrow funded by a PaymentIntent.
    Funding { payment_intent_id: String },
    /// A payout paid through a Stripe transfer.
    Transfer { payout_id: i64 },
    /// A payout paid by bank transfer and recorded by finance.
    Manual { payout_id: i64 },
    /// A transfer's reversed total grew to `reversed_total`.
    Reversal {
        transfer_id: String,
        reversed_total: i64,
    },
    /// The escrow an ended contract no longer owes, refunded to the company through Stripe:
    /// at most one per contract (the Stripe idempotency key is `refund:<contract id>` too).
    Refund { contract_id: i64 },
}

impl Group {
    const TRANSFER: &str = "transfer";
    const MANUAL: &str = "manual";
    const REFUND: &str = "refund";

    /// The groups that settle a payout: exactly one of them exists for a paid payout.
    const SETTLEMENTS: [&str; 2] = [Self::TRANSFER, Self::MANUAL];
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Funding { payment_intent_id } => write!(f, "funding:{payment_intent_id}"),
            Self::Transfer { payout_id } => write!(f, "{}:{payout_id}", Self::TRANSFER),
            Self::Manual { payout_id } => write!(f, "{}:{payout_id}", Self::MANUAL),
            Self::Reversal {
                transfer_id,
                reversed_total,
            } => write!(f, "reversal:{transfer_id}:{reversed_total}"),
            Self::Refund { contract_id } => write!(f, "{}:{contract_id}", Self::REFUND),
        }
    }
}

/// Moves `amount_minor` from `from` to `to`: the two postings of a simple movement.
pub fn movement(from: Account, to: Account, amount_minor: i64) -> [(Account, i64); 2] {
    [(to, amount_minor), (from, -amount_minor)]
}

/// Writes a balanced group once. Returns false when the group already exists.
pub async fn post(
    db: &impl ConnectionTrait,
    group: &Group,
    currency: &str,
    postings: &[(Account, i64)],
) -> DomainResult<bool> {
    if postings.iter().map(|(_, amount)| amount).sum::<i64>() != 0 {
        return Err(DomainError::Internal(anyhow::anyhow!(
            "ledger group {group} does not balance"
        )));
    }
    let key = group.to_string();
    let exists = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::TxnGroup.eq(key.as_str()))
        .count(db)
        .await?
        > 0;
    if exists {
        return Ok(false);
    }
    let at = now();
    ledger_entry::Entity::insert_many(postings.iter().map(|(account, amount)| {
        ledger_entry::ActiveModel {
            txn_group: Set(key.clone()),
            account: Set(account.to_string()),
            currency: Set(currency.to_string()),
            amount_minor: Set(*amount),
            created_at: Set(at),
            ..Default::default()
        }
    }))
    .exec(db)
    .await?;
    Ok(true)
}

#[derive(Debug, FromQueryResult)]
struct Offending {
    name: String,
    detail: i64,
}

/// Every broken invariant, one line each; empty when the books are sound.
pub async fn check(db: &impl ConnectionTrait) -> DomainResult<Vec<String>> {
    let backend = db.get_database_backend();
    let paid_payout = PayoutStatus::Paid.to_value();
    let paid_invoice = InvoiceStatus::Paid.to_value();
    let settlement_keys = Group::SETTLEMENTS
        .map(|prefix| format!("'{prefix}:' || CAST(p.id AS TEXT)"))
        .join(", ");
    let refund = Group::REFUND;
    let checks: [(&str, String); 7] = [
        (
            "ledger group does not sum to zero",
            "SELECT txn_group || ' ' || currency AS name, CAST(SUM(amount_minor) AS BIGINT) AS detail FROM ledger_entries \
             GROUP BY txn_group, currency HAVING SUM(amount_minor) <> 0"
                .to_string(),
        ),
        (
            "invoice has more than one payout",
            "SELECT CAST(invoice_id AS TEXT) AS name, COUNT(*) AS detail FROM payouts GROUP BY invoice_id HAVING COUNT(*) > 1"
                .to_string(),
        ),
        (
            "paid invoice without a paid payout",
            format!(
                "SELECT CAST(i.id AS TEXT) AS name, i.amount_minor AS detail FROM invoices i \
                 WHERE i.status = '{paid_invoice}' AND NOT EXISTS \
                 (SELECT 1 FROM payouts p WHERE p.invoice_id = i.id AND p.status = '{paid_payout}')"
            ),
        ),
        (
            "paid payout without its ledger group",
            format!(
                "SELECT CAST(p.id AS TEXT) AS name, p.amount_minor AS detail FROM payouts p \
                 WHERE p.status = '{paid_payout}' AND NOT EXISTS \
                 (SELECT 1 FROM ledger_entries l WHERE l.txn_group IN ({settlement_keys}))"
            ),
        ),
        (
            "refunded contract without its refund group",
            format!(
                "SELECT CAST(c.id AS TEXT) AS name, c.amount_minor - c.accepted_minor AS detail \
                 FROM contracts c WHERE c.refund_id IS NOT NULL AND NOT EXISTS \
                 (SELECT 1 FROM ledger_entries l WHERE l.txn_group = '{refund}:' || CAST(c.id AS TEXT))"
            ),
        ),
        (
            "payout is not its invoice's total less withholding",
            "SELECT CAST(p.id AS TEXT) AS name, i.total_minor - p.amount_minor - p.withholding_minor AS detail \
             FROM payouts p JOIN invoices i ON i.id = p.invoice_id \
             WHERE p.amount_minor + p.withholding_minor <> i.total_minor OR p.withholding_minor <> i.withholding_minor"
                .to_string(),
        ),
        (
            "paid payout's withholding is not the company's liability",
            format!(
                "SELECT CAST(p.id AS TEXT) AS name, p.withholding_minor AS detail FROM payouts p \
                 WHERE p.status = '{paid_payout}' AND p.withholding_minor > 0 AND NOT EXISTS \
                 (SELECT 1 FROM ledger_entries l WHERE l.txn_group IN ({settlement_keys}) \
                 AND l.account LIKE 'company:' || CAST(p.company_id AS TEXT) || ':withholding:%' \
                 AND l.amount_minor = -p.withholding_minor)"
            ),
        ),
    ];
    let mut problems = Vec::new();
    for (what, sql) in checks {
        let rows = Offending::find_by_statement(Statement::from_string(backend, sql))
            .all(db)
            .await?;
        problems.extend(
            rows.into_iter()
                .map(|r| format!("{what}: {} ({})", r.name, r.detail)),
        );
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::{Account, Group};
    use chrono::NaiveDate;

    /// The stored keys are data: changing one would orphan every existing entry.
    #[test]
    fn keys_keep_their_stored_form() {
        assert_eq!(Account::PlatformStripe.to_string(), "platform:stripe");
        assert_eq!(
            Account::Escrow { contract_id: 7 }.to_string(),
            "contract:7:escrow"
        );
        assert_eq!(
            Account::CompanyBank { company_id: 3 }.to_string(),
            "company:3:bank"
        );
        assert_eq!(
            Account::FreelancerPaid { user_id: 9 }.to_string(),
            "freelancer:9:paid"
        );
        assert_eq!(
            Account::FreelancerWithheld { user_id: 9 }.to_string(),
            "freelancer:9:withheld"
        );
        assert_eq!(
            Account::WithholdingPayable {
                company_id: 3,
                due: NaiveDate::from_ymd_opt(2026, 12, 10).unwrap()
            }
            .to_string(),
            "company:3:withholding:2026-12-10"
        );
        assert_eq!(
            Account::Reversed { payout_id: 4 }.to_string(),
            "payout:4:reversed"
        );
        assert_eq!(
            Group::Funding {
                payment_intent_id: "pi_1".into()
            }
            .to_string(),
            "funding:pi_1"
        );
        assert_eq!(Group::Transfer { payout_id: 5 }.to_string(), "transfer:5");
        assert_eq!(Group::Manual { payout_id: 5 }.to_string(), "manual:5");
        assert_eq!(
            Group::Reversal {
                transfer_id: "tr_1".into(),
                reversed_total: 300
            }
            .to_string(),
            "reversal:tr_1:300"
        );
        assert_eq!(Group::Refund { contract_id: 8 }.to_string(), "refund:8");
    }
}
