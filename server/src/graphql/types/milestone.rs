//! Milestones of a contract, and the milestones a bid proposes.
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{bid_milestone, milestone};

use super::{AuditEvent, Contract, load_one, load_opt};
use crate::domain::audit::Subject;
use crate::graphql::errors::OrGql;
use crate::graphql::ids;
use crate::graphql::loaders::{AuditOf, ContractId};
use crate::graphql::scalars::{MilestoneStatus, Money};

pub struct Milestone(pub milestone::Model);

#[Object]
impl Milestone {
    pub async fn id(&self) -> ID {
        ids::encode("Milestone", self.0.id)
    }

    /// 1-based order within the contract.
    async fn position(&self) -> i32 {
        self.0.position
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    async fn amount(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.amount_minor, &self.0.currency).gql()
    }

    async fn due_date(&self) -> Option<NaiveDate> {
        self.0.due_date
    }

    async fn status(&self) -> MilestoneStatus {
        self.0.status.into()
    }

    /// The freelancer's note with the latest delivery.
    async fn delivery_note(&self) -> Option<&str> {
        self.0.delivery_note.as_deref()
    }

    /// The latest delivery's links.
    async fn delivery_links(&self) -> Vec<String> {
        self.0
            .delivery_links
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default()
    }

    /// Why the company asked for changes, the latest time it did.
    async fn changes_reason(&self) -> Option<&str> {
        self.0.changes_reason.as_deref()
    }

    /// When the latest delivery was submitted.
    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.0.submitted_at
    }

    /// The inspection date: when the company accepted the delivery, or when its review window
    /// closed for an automatic acceptance.
    async fn accepted_at(&self) -> Option<DateTime<Utc>> {
        self.0.accepted_at
    }

    /// While SUBMITTED: when the delivery is accepted unless the company acts first.
    async fn auto_accept_at(&self) -> Option<DateTime<Utc>> {
        self.0.auto_accept_at
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn contract(&self, ctx: &Context<'_>) -> async_graphql::Result<Contract> {
        Ok(Contract(
            load_one(ctx, ContractId(self.0.contract_id), "contract").await?,
        ))
    }

    /// Every state change of the milestone, oldest first.
    async fn audit_trail(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AuditEvent>> {
        let events = load_opt(
            ctx,
            AuditOf {
                subject: Subject::Milestone,
                object_id: self.0.id,
            },
            "audit trail",
        )
        .await?;
        Ok(events
            .unwrap_or_default()
            .into_iter()
            .map(AuditEvent)
            .collect())
    }
}

/// A milestone as a bid proposes it; accepting the bid copies it onto the contract.
pub struct ProposedMilestone {
    pub row: bid_milestone::Model,
    pub currency: String,
}

#[Object]
impl ProposedMilestone {
    async fn position(&self) -> i32 {
        self.row.position
    }

    async fn title(&self) -> &str {
        &self.row.title
    }

    async fn amount(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.row.amount_minor, &self.currency).gql()
    }

    async fn due_date(&self) -> Option<NaiveDate> {
        self.row.due_date
    }
}
