//! The double-entry ledger: money movements in minor units, debits positive and credits
//! negative, grouped by transaction. A group is written once (its name is its idempotency
//! key) and must sum to zero.
//!
//! Accounts: `platform:stripe` (the platform's Stripe balance), `contract:<id>:escrow`
//! (funds held for a contract), `company:<id>:bank` (manual bank transfers out),
//! `freelancer:<user id>:paid` (money received by an alumnus).
use entity::ledger_entry;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, Statement,
};

use super::error::{DomainError, DomainResult};
use super::now;

/// Writes a balanced group once. Returns false when the group already exists.
pub async fn post(
    db: &impl ConnectionTrait,
    group: &str,
    currency: &str,
    postings: &[(String, i64)],
) -> DomainResult<bool> {
    if postings.iter().map(|(_, amount)| amount).sum::<i64>() != 0 {
        return Err(DomainError::Internal(anyhow::anyhow!(
            "ledger group {group} does not balance"
        )));
    }
    let exists = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::TxnGroup.eq(group))
        .count(db)
        .await?
        > 0;
    if exists {
        return Ok(false);
    }
    let at = now();
    ledger_entry::Entity::insert_many(postings.iter().map(|(account, amount)| {
        ledger_entry::ActiveModel {
            txn_group: Set(group.to_string()),
            account: Set(account.clone()),
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
    let checks: [(&str, &str); 4] = [
        (
            "ledger group does not sum to zero",
            "SELECT txn_group || ' ' || currency AS name, CAST(SUM(amount_minor) AS BIGINT) AS detail FROM ledger_entries \
             GROUP BY txn_group, currency HAVING SUM(amount_minor) <> 0",
        ),
        (
            "invoice has more than one payout",
            "SELECT CAST(invoice_id AS TEXT) AS name, COUNT(*) AS detail FROM payouts GROUP BY invoice_id HAVING COUNT(*) > 1",
        ),
        (
            "paid invoice without a paid payout",
            "SELECT CAST(i.id AS TEXT) AS name, i.amount_minor AS detail FROM invoices i \
             WHERE i.status = 'PAID' AND NOT EXISTS (SELECT 1 FROM payouts p WHERE p.invoice_id = i.id AND p.status = 'PAID')",
        ),
        (
            "paid payout without its ledger group",
            "SELECT CAST(p.id AS TEXT) AS name, p.amount_minor AS detail FROM payouts p WHERE p.status = 'PAID' AND NOT EXISTS \
             (SELECT 1 FROM ledger_entries l WHERE l.txn_group IN ('manual:' || CAST(p.id AS TEXT), 'transfer:' || CAST(p.id AS TEXT)))",
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
