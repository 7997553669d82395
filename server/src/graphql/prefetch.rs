//! Look-ahead prefetch for list pages.
//!
//! A page's field resolvers ask the DataLoader for their edges one row at a time, and
//! async-graphql polls at most 32 list items at a time, so a time-window batch splits a 50-row
//! page over several statements. Instead, the resolver that loads a page looks at the selection,
//! loads each selected edge for the whole page at once (one statement per edge, no window) and
//! leaves the rows in the request's loader cache, where the field resolvers find them. (The
//! cache is off for documents that mutate; there a prefetch costs a statement and saves none.)
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use async_graphql::{Context, Lookahead, Value};
use entity::{company, contract, invoice, project};
use sea_orm::DbErr;

use super::context::{access, loader};
use super::errors::gql;
use super::loaders::{
    BidsOfProject, CompanyId, ContractId, Loaders, MilestonesOfContract, PayoutOfInvoice,
    ProjectId, SkillsOfProject, UserId,
};
use super::types::PageArgs;
use crate::domain::bids;
use crate::domain::error::DomainError;
use crate::domain::invoices::InvoiceWithContract;

/// Loads `keys` now, in one batch, bypassing the loader's window.
async fn load_now<K>(
    ctx: &Context<'_>,
    keys: impl IntoIterator<Item = K>,
) -> async_graphql::Result<HashMap<K, <Loaders as Loader<K>>::Value>>
where
    K: Send + Sync + Clone + Eq + Hash + 'static,
    Loaders: Loader<K, Error = Arc<DbErr>>,
{
    let keys: Vec<K> = keys
        .into_iter()
        .collect::<HashSet<K>>()
        .into_iter()
        .collect();
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    loader(ctx).loader().load(&keys).await.map_err(|e| {
        gql(DomainError::Internal(anyhow::anyhow!(
            "prefetching a page's edges: {e}"
        )))
    })
}

/// Leaves loaded rows in the request's loader cache (a no-op where the cache is off).
async fn feed<K>(ctx: &Context<'_>, rows: HashMap<K, <Loaders as Loader<K>>::Value>)
where
    K: Send + Sync + Clone + Eq + Hash + 'static,
    Loaders: Loader<K, Error = Arc<DbErr>>,
{
    if !rows.is_empty() {
        loader(ctx).feed_many(rows).await;
    }
}

/// Loads and caches `keys` when `wanted`.
async fn prefetch<K>(
    ctx: &Context<'_>,
    wanted: bool,
    keys: impl IntoIterator<Item = K>,
) -> async_graphql::Result<()>
where
    K: Send + Sync + Clone + Eq + Hash + 'static,
    Loaders: Loader<K, Error = Arc<DbErr>>,
{
    if wanted {
        let rows = load_now(ctx, keys).await?;
        feed(ctx, rows).await;
    }
    Ok(())
}

/// Caches a company loaded together with the row that points to it.
pub async fn company(ctx: &Context<'_>, row: company::Model) {
    feed(ctx, HashMap::from([(CompanyId(row.id), row)])).await;
}

/// The selection under a connection's `edges { node { … } }`.
pub fn nodes<'a>(ctx: &'a Context<'_>) -> Lookahead<'a> {
    ctx.look_ahead().field("edges").field("node")
}

/// A page of projects: company, skills and the first bids page each.
pub async fn projects(
    ctx: &Context<'_>,
    node: &Lookahead<'_>,
    rows: &[project::Model],
) -> async_graphql::Result<()> {
    futures::try_join!(
        prefetch(
            ctx,
            node.field("company").exists(),
            rows.iter().map(|p| CompanyId(p.company_id)),
        ),
        prefetch(
            ctx,
            node.field("skills").exists(),
            rows.iter().map(|p| SkillsOfProject(p.id)),
        ),
        bids_pages(ctx, node, rows),
    )?;
    Ok(())
}

/// The `bids(first, after)` page of every project, when selected with arguments the resolver
/// will accept (anything else is left to it, so it reports the error).
async fn bids_pages(
    ctx: &Context<'_>,
    node: &Lookahead<'_>,
    rows: &[project::Model],
) -> async_graphql::Result<()> {
    let Some(selection) = node.field("bids").selection_fields().into_iter().next() else {
        return Ok(());
    };
    let Ok(arguments) = selection.arguments() else {
        return Ok(());
    };
    let mut first = None;
    let mut after = None;
    for (name, value) in arguments {
        match (name.as_str(), value) {
            ("first", Value::Number(n)) => first = n.as_i64().and_then(|n| i32::try_from(n).ok()),
            ("after", Value::String(s)) => after = Some(s),
            _ => {}
        }
    }
    let Ok(page) = PageArgs::page(first, after.as_deref()) else {
        return Ok(());
    };
    let access = access(ctx).await?;
    prefetch(
        ctx,
        true,
        rows.iter().map(|p| BidsOfProject {
            project_id: p.id,
            bidder: bids::bidder_scope(access, p),
            page,
        }),
    )
    .await
}

/// Caches the contracts, projects and freelancers loaded with a page of invoices, and returns
/// the invoices.
pub async fn contracts_of_invoices(
    ctx: &Context<'_>,
    rows: Vec<InvoiceWithContract>,
) -> Vec<invoice::Model> {
    let mut invoices = Vec::with_capacity(rows.len());
    let mut contracts = HashMap::new();
    let mut projects = HashMap::new();
    let mut users = HashMap::new();
    for row in rows {
        contracts.insert(ContractId(row.contract.id), row.contract);
        projects.insert(ProjectId(row.project.id), row.project);
        users.insert(UserId(row.freelancer.id), row.freelancer);
        invoices.push(row.invoice);
    }
    feed(ctx, contracts).await;
    feed(ctx, projects).await;
    feed(ctx, users).await;
    invoices
}

/// A page of invoices (contracts come joined to the page, see `contracts_of_invoices`):
/// submitter and payout.
pub async fn invoices(
    ctx: &Context<'_>,
    node: &Lookahead<'_>,
    rows: &[invoice::Model],
) -> async_graphql::Result<()> {
    futures::try_join!(
        prefetch(
            ctx,
            node.field("submittedBy").exists(),
            rows.iter().map(|i| UserId(i.submitted_by)),
        ),
        prefetch(
            ctx,
            node.field("payout").exists(),
            rows.iter().map(|i| PayoutOfInvoice(i.id)),
        ),
    )?;
    Ok(())
}

/// A page of contracts: their milestones, project and freelancer.
pub async fn contracts(
    ctx: &Context<'_>,
    node: &Lookahead<'_>,
    rows: &[contract::Model],
) -> async_graphql::Result<()> {
    futures::try_join!(
        prefetch(
            ctx,
            node.field("milestones").exists(),
            rows.iter().map(|c| MilestonesOfContract(c.id)),
        ),
        prefetch(
            ctx,
            node.field("project").exists(),
            rows.iter().map(|c| ProjectId(c.project_id)),
        ),
        prefetch(
            ctx,
            node.field("freelancer").exists(),
            rows.iter().map(|c| UserId(c.freelancer_id)),
        ),
    )?;
    Ok(())
}
