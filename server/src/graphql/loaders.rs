//! Per-request DataLoaders: every list-to-object edge batches into one query per level.
use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::{
    audit_event, bid, bid_milestone, company, contract, contract_terms, invoice, invoice_line,
    milestone, payout, project, project_skill, review, user,
};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement, Value,
};

use crate::domain::audit::Subject;
use crate::domain::page::{Page, Paged};
use crate::domain::reviews::{self, Rating};

/// A request's loaders. Rows stay cached for the request (off for documents that mutate, see
/// `http::graphql`), so a page's prefetched edges are not loaded again.
pub type RequestLoader = DataLoader<Loaders, HashMapCache>;

pub struct Loaders {
    db: DatabaseConnection,
}

impl Loaders {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

type LoadResult<K, V> = Result<HashMap<K, V>, Arc<DbErr>>;

/// Loads rows by primary key.
macro_rules! by_id {
    ($key:ident, $entity:ident) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub i64);

        impl Loader<$key> for Loaders {
            type Value = $entity::Model;
            type Error = Arc<DbErr>;

            async fn load(&self, keys: &[$key]) -> LoadResult<$key, $entity::Model> {
                let rows = $entity::Entity::find()
                    .filter($entity::Column::Id.is_in(keys.iter().map(|k| k.0)))
                    .all(&self.db)
                    .await?;
                Ok(rows.into_iter().map(|row| ($key(row.id), row)).collect())
            }
        }
    };
}

by_id!(UserId, user);
by_id!(BidId, bid);
by_id!(CompanyId, company);
by_id!(ProjectId, project);
by_id!(ContractId, contract);
by_id!(InvoiceId, invoice);
by_id!(MilestoneId, milestone);

/// A contract's milestones, in position order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MilestonesOfContract(pub i64);

impl Loader<MilestonesOfContract> for Loaders {
    type Value = Vec<milestone::Model>;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[MilestonesOfContract],
    ) -> LoadResult<MilestonesOfContract, Vec<milestone::Model>> {
        let rows = milestone::Entity::find()
            .filter(milestone::Column::ContractId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(milestone::Column::ContractId)
            .order_by_asc(milestone::Column::Position)
            .all(&self.db)
            .await?;
        let mut out: HashMap<MilestonesOfContract, Vec<milestone::Model>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            out.entry(MilestonesOfContract(row.contract_id))
                .or_default()
                .push(row);
        }
        Ok(out)
    }
}

/// Every version of a contract's statement of terms, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TermsOfContract(pub i64);

impl Loader<TermsOfContract> for Loaders {
    type Value = Vec<contract_terms::Model>;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[TermsOfContract],
    ) -> LoadResult<TermsOfContract, Vec<contract_terms::Model>> {
        let rows = contract_terms::Entity::find()
            .filter(contract_terms::Column::ContractId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(contract_terms::Column::ContractId)
            .order_by_asc(contract_terms::Column::Version)
            .all(&self.db)
            .await?;
        let mut out: HashMap<TermsOfContract, Vec<contract_terms::Model>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            out.entry(TermsOfContract(row.contract_id))
                .or_default()
                .push(row);
        }
        Ok(out)
    }
}

/// An invoice's lines, in position order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LinesOfInvoice(pub i64);

impl Loader<LinesOfInvoice> for Loaders {
    type Value = Vec<invoice_line::Model>;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[LinesOfInvoice],
    ) -> LoadResult<LinesOfInvoice, Vec<invoice_line::Model>> {
        let rows = invoice_line::Entity::find()
            .filter(invoice_line::Column::InvoiceId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(invoice_line::Column::InvoiceId)
            .order_by_asc(invoice_line::Column::Position)
            .all(&self.db)
            .await?;
        let mut out: HashMap<LinesOfInvoice, Vec<invoice_line::Model>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            out.entry(LinesOfInvoice(row.invoice_id))
                .or_default()
                .push(row);
        }
        Ok(out)
    }
}

/// The milestones a bid proposed, in position order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProposalOfBid(pub i64);

impl Loader<ProposalOfBid> for Loaders {
    type Value = Vec<bid_milestone::Model>;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[ProposalOfBid],
    ) -> LoadResult<ProposalOfBid, Vec<bid_milestone::Model>> {
        let rows = bid_milestone::Entity::find()
            .filter(bid_milestone::Column::BidId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(bid_milestone::Column::BidId)
            .order_by_asc(bid_milestone::Column::Position)
            .all(&self.db)
            .await?;
        let mut out: HashMap<ProposalOfBid, Vec<bid_milestone::Model>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            out.entry(ProposalOfBid(row.bid_id)).or_default().push(row);
        }
        Ok(out)
    }
}

/// The payout of an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PayoutOfInvoice(pub i64);

impl Loader<PayoutOfInvoice> for Loaders {
    type Value = payout::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[PayoutOfInvoice]) -> LoadResult<PayoutOfInvoice, payout::Model> {
        let rows = payout::Entity::find()
            .filter(payout::Column::InvoiceId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| (PayoutOfInvoice(row.invoice_id), row))
            .collect())
    }
}

/// The contract of a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ContractOfProject(pub i64);

impl Loader<ContractOfProject> for Loaders {
    type Value = contract::Model;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[ContractOfProject],
    ) -> LoadResult<ContractOfProject, contract::Model> {
        let rows = contract::Entity::find()
            .filter(contract::Column::ProjectId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| (ContractOfProject(row.project_id), row))
            .collect())
    }
}

/// Whether an account exists for an email (a roster entry's owner has signed up). Roster emails
/// and account emails are both stored normalised, so they compare as they are.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccountForEmail(pub String);

impl Loader<AccountForEmail> for Loaders {
    type Value = bool;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[AccountForEmail]) -> LoadResult<AccountForEmail, bool> {
        let rows = user::Entity::find()
            .filter(user::Column::Email.is_in(keys.iter().map(|k| k.0.as_str())))
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| (AccountForEmail(row.email), true))
            .collect())
    }
}

/// A project's skills, in the order given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SkillsOfProject(pub i64);

impl Loader<SkillsOfProject> for Loaders {
    type Value = Vec<String>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[SkillsOfProject]) -> LoadResult<SkillsOfProject, Vec<String>> {
        let rows = project_skill::Entity::find()
            .filter(project_skill::Column::ProjectId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(project_skill::Column::Id)
            .all(&self.db)
            .await?;
        let mut out: HashMap<SkillsOfProject, Vec<String>> = HashMap::new();
        for row in rows {
            out.entry(SkillsOfProject(row.project_id))
                .or_default()
                .push(row.skill);
        }
        Ok(out)
    }
}

/// How many bids each project has had, in one grouped count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BidCountOfProject(pub i64);

impl Loader<BidCountOfProject> for Loaders {
    type Value = i32;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[BidCountOfProject]) -> LoadResult<BidCountOfProject, i32> {
        let rows: Vec<(i64, i64)> = bid::Entity::find()
            .select_only()
            .column(bid::Column::ProjectId)
            .column_as(bid::Column::Id.count(), "n")
            .filter(bid::Column::ProjectId.is_in(keys.iter().map(|k| k.0)))
            .group_by(bid::Column::ProjectId)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(project_id, n)| {
                (
                    BidCountOfProject(project_id),
                    i32::try_from(n).unwrap_or(i32::MAX),
                )
            })
            .collect())
    }
}

/// The reviews of a contract (at most one per side), before the viewer's visibility applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReviewsOfContract(pub i64);

impl Loader<ReviewsOfContract> for Loaders {
    type Value = Vec<review::Model>;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[ReviewsOfContract],
    ) -> LoadResult<ReviewsOfContract, Vec<review::Model>> {
        let rows = review::Entity::find()
            .filter(review::Column::ContractId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(review::Column::Id)
            .all(&self.db)
            .await?;
        let mut out: HashMap<ReviewsOfContract, Vec<review::Model>> = HashMap::new();
        for row in rows {
            out.entry(ReviewsOfContract(row.contract_id))
                .or_default()
                .push(row);
        }
        Ok(out)
    }
}

/// A user's rating from the companies' published reviews; users without one are absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RatingOf(pub i64);

impl Loader<RatingOf> for Loaders {
    type Value = Rating;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[RatingOf]) -> LoadResult<RatingOf, Rating> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        Ok(reviews::ratings_of(&self.db, &ids)
            .await?
            .into_iter()
            .map(|(user_id, rating)| (RatingOf(user_id), rating))
            .collect())
    }
}

/// The audit trail of one object, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AuditOf {
    pub subject: Subject,
    pub object_id: i64,
}

impl Loader<AuditOf> for Loaders {
    type Value = Vec<audit_event::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[AuditOf]) -> LoadResult<AuditOf, Vec<audit_event::Model>> {
        let mut out: HashMap<AuditOf, Vec<audit_event::Model>> = HashMap::new();
        for (subject, ids) in group(keys, |k| (k.subject, k.object_id)) {
            let rows = audit_event::Entity::find()
                .filter(audit_event::Column::ObjectType.eq(subject.as_str()))
                .filter(audit_event::Column::ObjectId.is_in(ids))
                .order_by_asc(audit_event::Column::Id)
                .all(&self.db)
                .await?;
            for row in rows {
                out.entry(AuditOf {
                    subject,
                    object_id: row.object_id,
                })
                .or_default()
                .push(row);
            }
        }
        Ok(out)
    }
}

/// One page of a project's bids; `bidder` narrows it to one bidder's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BidsOfProject {
    pub project_id: i64,
    pub bidder: Option<i64>,
    pub page: Page,
}

/// Each bid comes with its bidder: resolving hundreds of `bidder` edges outlasts a loader's
/// batching window (async-graphql polls at most 32 list items at a time), so a page loads its
/// bidders itself — one more statement per page, however many bids.
impl Loader<BidsOfProject> for Loaders {
    type Value = Paged<(bid::Model, user::Model)>;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[BidsOfProject],
    ) -> LoadResult<BidsOfProject, Paged<(bid::Model, user::Model)>> {
        let mut out = HashMap::new();
        for ((bidder, page), project_ids) in group(keys, |k| ((k.bidder, k.page), k.project_id)) {
            let filter = bidder.map(|b| ("bidder_id", b));
            let rows: Vec<bid::Model> = paged_children::<bid::Entity>(
                &self.db,
                "bids",
                "project_id",
                &project_ids,
                filter,
                page,
            )
            .await?;
            let bidder_ids: Vec<i64> = rows.iter().map(|b| b.bidder_id).collect();
            let bidders: HashMap<i64, user::Model> = if bidder_ids.is_empty() {
                HashMap::new()
            } else {
                user::Entity::find()
                    .filter(user::Column::Id.is_in(bidder_ids))
                    .all(&self.db)
                    .await?
                    .into_iter()
                    .map(|u| (u.id, u))
                    .collect()
            };
            let rows: Vec<(bid::Model, user::Model)> = rows
                .into_iter()
                .filter_map(|b| bidders.get(&b.bidder_id).cloned().map(|u| (b, u)))
                .collect();
            for (project_id, paged) in split_pages(rows, |(b, _)| b.project_id, &project_ids, page)
            {
                out.insert(
                    BidsOfProject {
                        project_id,
                        bidder,
                        page,
                    },
                    paged,
                );
            }
        }
        Ok(out)
    }
}

/// One page of a contract's invoices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InvoicesOfContract {
    pub contract_id: i64,
    pub page: Page,
}

impl Loader<InvoicesOfContract> for Loaders {
    type Value = Paged<invoice::Model>;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[InvoicesOfContract],
    ) -> LoadResult<InvoicesOfContract, Paged<invoice::Model>> {
        let mut out = HashMap::new();
        for (page, contract_ids) in group(keys, |k| (k.page, k.contract_id)) {
            let rows: Vec<invoice::Model> = paged_children::<invoice::Entity>(
                &self.db,
                "invoices",
                "contract_id",
                &contract_ids,
                None,
                page,
            )
            .await?;
            for (contract_id, paged) in split_pages(rows, |i| i.contract_id, &contract_ids, page) {
                out.insert(InvoicesOfContract { contract_id, page }, paged);
            }
        }
        Ok(out)
    }
}

/// Groups keys that can share one query.
fn group<K, G: Eq + std::hash::Hash, I>(
    keys: &[K],
    split: impl Fn(&K) -> (G, I),
) -> HashMap<G, Vec<I>> {
    let mut groups: HashMap<G, Vec<I>> = HashMap::new();
    for key in keys {
        let (g, item) = split(key);
        groups.entry(g).or_default().push(item);
    }
    groups
}

/// Newest-first pages of children for many parents in one statement: a window function
/// numbers each parent's rows so every parent gets at most `page.limit()` of them.
async fn paged_children<E: EntityTrait>(
    db: &DatabaseConnection,
    table: &str,
    parent_column: &str,
    parent_ids: &[i64],
    equals: Option<(&str, i64)>,
    page: Page,
) -> Result<Vec<E::Model>, DbErr> {
    let backend = db.get_database_backend();
    let mut values: Vec<Value> = Vec::new();
    let mut placeholder = |value: Value| {
        values.push(value);
        match backend {
            DbBackend::Postgres => format!("${}", values.len()),
            _ => "?".to_string(),
        }
    };
    let parents: Vec<String> = parent_ids
        .iter()
        .map(|id| placeholder((*id).into()))
        .collect();
    let mut conditions = format!("t.{parent_column} IN ({})", parents.join(", "));
    if let Some((column, value)) = equals {
        conditions.push_str(&format!(" AND t.{column} = {}", placeholder(value.into())));
    }
    if let Some(after) = page.after {
        conditions.push_str(&format!(" AND t.id < {}", placeholder(after.into())));
    }
    let limit = placeholder((page.limit() as i64).into());
    let sql = format!(
        "SELECT * FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY t.{parent_column} ORDER BY t.id DESC) AS page_rank \
         FROM {table} t WHERE {conditions}) ranked WHERE page_rank <= {limit} ORDER BY id DESC"
    );
    E::find()
        .from_raw_sql(Statement::from_sql_and_values(backend, sql, values))
        .all(db)
        .await
}

/// Splits rows of many parents into one page per parent (empty pages included).
fn split_pages<M>(
    rows: Vec<M>,
    parent_of: impl Fn(&M) -> i64,
    parent_ids: &[i64],
    page: Page,
) -> Vec<(i64, Paged<M>)> {
    let mut by_parent: HashMap<i64, Vec<M>> =
        parent_ids.iter().map(|id| (*id, Vec::new())).collect();
    for row in rows {
        by_parent.entry(parent_of(&row)).or_default().push(row);
    }
    by_parent
        .into_iter()
        .map(|(id, rows)| (id, Paged::from_fetch(rows, page)))
        .collect()
}
