use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, ID, InputObject, Object};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;
use entity::{invoice, user};
use sea_orm::EntityTrait;

use super::context::{access, db, req};
use super::errors::{OrGql, gql};
use super::ids;
use super::prefetch;
use super::scalars::{
    ContractStatus, InvoiceStatus, Money, PayoutStatus, ProjectCategory, ProjectStatus,
};
use super::types::{
    AlumniRecord, Bid, Company, CompanyMember, Contract, Invoice, Milestone, Node, PageArgs,
    Payout, Project, User, connection,
};
use crate::domain::error::{DomainError, DomainResult};
use crate::domain::page::{Page, Paged};
use crate::domain::{alumni, bids, companies, contracts, invoices, milestones, payouts, projects};

#[derive(Default)]
pub struct Query;

#[derive(InputObject, Debug, Default)]
pub struct ProjectFilter {
    pub status: Option<ProjectStatus>,
    pub category: Option<ProjectCategory>,
    pub company_id: Option<ID>,
    /// Matches one of the project's skills, ignoring case.
    pub skill: Option<String>,
    /// Words the title or description contains, ignoring case.
    pub text: Option<String>,
}

#[derive(InputObject, Debug, Default)]
pub struct ContractFilter {
    pub company_id: Option<ID>,
    pub status: Option<ContractStatus>,
}

#[derive(InputObject, Debug, Default)]
pub struct InvoiceFilter {
    pub company_id: Option<ID>,
    pub status: Option<InvoiceStatus>,
    /// true: only invoices past their due date and neither PAID nor REJECTED; false: the others.
    pub overdue: Option<bool>,
    /// Only invoices due strictly before this day.
    pub due_before: Option<NaiveDate>,
    /// NEWEST (the default) or DUE_DATE; a cursor continues only the order it came from.
    pub order_by: Option<InvoiceOrder>,
}

/// The order of the invoice queue.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum InvoiceOrder {
    /// Newest first.
    #[default]
    Newest,
    /// Earliest payment due date first.
    DueDate,
}

#[derive(InputObject, Debug, Default)]
pub struct PayoutFilter {
    pub company_id: Option<ID>,
    pub status: Option<PayoutStatus>,
}

/// A due-date cursor: the last row's due date and id.
fn due_cursor(invoice: &invoice::Model) -> String {
    URL_SAFE_NO_PAD.encode(format!("due:{}:{}", invoice.payment_due_date, invoice.id))
}

fn decode_due_cursor(after: Option<&str>) -> DomainResult<Option<(NaiveDate, i64)>> {
    after
        .map(|c| {
            URL_SAFE_NO_PAD
                .decode(c)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|s| {
                    let rest = s.strip_prefix("due:")?;
                    let (day, id) = rest.split_once(':')?;
                    Some((day.parse().ok()?, id.parse().ok()?))
                })
                .ok_or_else(|| {
                    DomainError::bad_input("after", "not a cursor of the DUE_DATE order")
                })
        })
        .transpose()
}

/// The domain's filter (and, for DUE_DATE, its cursor) from the API's.
fn invoice_filter(
    filter: Option<InvoiceFilter>,
    after: Option<&str>,
) -> async_graphql::Result<(invoices::InvoiceFilter, Page)> {
    let filter = filter.unwrap_or_default();
    let (order, page) = match filter.order_by.unwrap_or_default() {
        InvoiceOrder::Newest => (
            invoices::InvoiceOrder::Newest,
            ids::decode_cursor(after).gql()?,
        ),
        InvoiceOrder::DueDate => (
            invoices::InvoiceOrder::DueDate {
                after: decode_due_cursor(after).gql()?,
            },
            None,
        ),
    };
    Ok((
        invoices::InvoiceFilter {
            company_id: company_id(filter.company_id.as_ref())?,
            status: filter.status.map(Into::into),
            overdue: filter.overdue,
            due_before: filter.due_before,
            order,
        },
        Page {
            first: 0,
            after: page,
        },
    ))
}

fn company_id(id: Option<&ID>) -> async_graphql::Result<Option<i64>> {
    id.map(|id| ids::decode(id, "Company", "company"))
        .transpose()
        .gql()
}

#[Object(name = "CoreQuery")]
impl Query {
    /// The caller, or null when anonymous.
    async fn viewer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(actor) = req(ctx).actor() else {
            return Ok(None);
        };
        let found = user::Entity::find_by_id(actor.user_id)
            .one(db(ctx))
            .await
            .map_err(|e| gql(e.into()))?;
        Ok(found.map(User::caller))
    }

    /// Any object the caller may see, by its global id.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Node>> {
        let access = access(ctx).await?;
        let db = db(ctx);
        let Some((type_name, key)) = ids::decode_any(&id) else {
            return Ok(None);
        };
        let found = match type_name.as_str() {
            "User" if key == access.user_id() => user::Entity::find_by_id(key)
                .one(db)
                .await
                .map_err(|e| gql(e.into()))?
                .map(|u| Node::User(User::new(u))),
            "Company" => Some(Node::Company(Company(
                companies::get(db, access, key).await.gql()?,
            ))),
            "CompanyMember" => Some(Node::CompanyMember(CompanyMember(
                companies::member(db, access, key).await.gql()?,
            ))),
            "AlumniRecord" => Some(Node::AlumniRecord(AlumniRecord(
                alumni::record(db, access, key).await.gql()?,
            ))),
            "Project" => Some(Node::Project(Project(
                projects::get(db, access, key).await.gql()?,
            ))),
            "Bid" => Some(Node::Bid(Bid::new(bids::get(db, access, key).await.gql()?))),
            "Contract" => Some(Node::Contract(Contract(
                contracts::get(db, access, key).await.gql()?,
            ))),
            "Invoice" => Some(Node::Invoice(Invoice(
                invoices::get(db, access, key).await.gql()?,
            ))),
            "Payout" => Some(Node::Payout(Payout(
                payouts::get(db, access, key).await.gql()?,
            ))),
            "Milestone" => Some(Node::Milestone(Milestone(
                milestones::get(db, access, key).await.gql()?,
            ))),
            _ => None,
        };
        found
            .map(Some)
            .ok_or_else(|| gql(DomainError::NotFound("node")))
    }

    async fn company(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Company>> {
        let key = ids::decode(&id, "Company", "company").gql()?;
        Ok(Some(Company(
            companies::get(db(ctx), access(ctx).await?, key)
                .await
                .gql()?,
        )))
    }

    async fn project(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Project>> {
        let key = ids::decode(&id, "Project", "project").gql()?;
        let access = access(ctx).await?;
        if ctx.look_ahead().field("company").exists() {
            let (project, company) = projects::get_with_company(db(ctx), access, key)
                .await
                .gql()?;
            prefetch::company(ctx, company).await;
            return Ok(Some(Project(project)));
        }
        Ok(Some(Project(
            projects::get(db(ctx), access, key).await.gql()?,
        )))
    }

    /// Projects the caller may see, newest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn projects(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<ProjectFilter>,
    ) -> async_graphql::Result<Connection<String, Project>> {
        let page = PageArgs::page(first, after.as_deref()).gql()?;
        let filter = filter.unwrap_or_default();
        let filter = projects::ProjectFilter {
            status: filter.status.map(Into::into),
            category: filter.category.map(Into::into),
            company_id: company_id(filter.company_id.as_ref())?,
            skill: filter.skill,
            text: filter.text,
        };
        let paged = projects::list(db(ctx), access(ctx).await?, &filter, page)
            .await
            .gql()?;
        prefetch::projects(ctx, &prefetch::nodes(ctx), &paged.rows).await?;
        Ok(connection(paged, page.after, |p| p.id, Project))
    }

    async fn bid(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Bid>> {
        let key = ids::decode(&id, "Bid", "bid").gql()?;
        Ok(Some(Bid::new(
            bids::get(db(ctx), access(ctx).await?, key).await.gql()?,
        )))
    }

    async fn contract(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Contract>> {
        let key = ids::decode(&id, "Contract", "contract").gql()?;
        Ok(Some(Contract(
            contracts::get(db(ctx), access(ctx).await?, key)
                .await
                .gql()?,
        )))
    }

    /// The caller's contracts as freelancer and those of the companies they staff.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn contracts(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<ContractFilter>,
    ) -> async_graphql::Result<Connection<String, Contract>> {
        let page = PageArgs::page(first, after.as_deref()).gql()?;
        let filter = filter.unwrap_or_default();
        let filter = contracts::ContractFilter {
            company_id: company_id(filter.company_id.as_ref())?,
            status: filter.status.map(Into::into),
        };
        let paged = contracts::list(db(ctx), access(ctx).await?, &filter, page)
            .await
            .gql()?;
        prefetch::contracts(ctx, &prefetch::nodes(ctx), &paged.rows).await?;
        Ok(connection(paged, page.after, |c| c.id, Contract))
    }

    async fn invoice(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Invoice>> {
        let key = ids::decode(&id, "Invoice", "invoice").gql()?;
        Ok(Some(Invoice(
            invoices::get(db(ctx), access(ctx).await?, key)
                .await
                .gql()?,
        )))
    }

    /// The finance queue: invoices of the companies the caller staffs (and their own), newest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn invoices(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<InvoiceFilter>,
    ) -> async_graphql::Result<Connection<String, Invoice>> {
        let (filter, cursor) = invoice_filter(filter, after.as_deref())?;
        let page = Page::new(first, cursor.after).gql()?;
        let access = access(ctx).await?;
        let node = prefetch::nodes(ctx);
        let paged = if node.field("contract").exists() {
            let paged = invoices::list_with_contracts(db(ctx), access, &filter, page)
                .await
                .gql()?;
            Paged {
                rows: prefetch::contracts_of_invoices(ctx, paged.rows).await,
                has_next: paged.has_next,
            }
        } else {
            invoices::list(db(ctx), access, &filter, page).await.gql()?
        };
        prefetch::invoices(ctx, &node, &paged.rows).await?;
        if let invoices::InvoiceOrder::DueDate { after } = filter.order {
            let mut conn = Connection::new(after.is_some(), paged.has_next);
            conn.edges.extend(
                paged
                    .rows
                    .into_iter()
                    .map(|row| Edge::new(due_cursor(&row), Invoice(row))),
            );
            return Ok(conn);
        }
        Ok(connection(paged, page.after, |i| i.id, Invoice))
    }

    /// The company's invoices past their due date and not PAID or REJECTED, earliest due first
    /// (at most 500). FINANCE or ADMIN of the company.
    async fn overdue_invoices(
        &self,
        ctx: &Context<'_>,
        company_id: ID,
    ) -> async_graphql::Result<Vec<Invoice>> {
        let company_id = ids::decode(&company_id, "Company", "company").gql()?;
        let rows = invoices::overdue(db(ctx), access(ctx).await?, company_id)
            .await
            .gql()?;
        Ok(rows.into_iter().map(Invoice).collect())
    }

    /// The sum of the totals (`Invoice.total`: the amount plus any consumption tax added on
    /// top) per currency of every invoice the filter selects (all pages), ordered by currency
    /// code. The same visibility as `invoices`.
    async fn invoice_totals(
        &self,
        ctx: &Context<'_>,
        filter: Option<InvoiceFilter>,
    ) -> async_graphql::Result<Vec<Money>> {
        let (filter, _) = invoice_filter(filter, None)?;
        let totals = invoices::totals(db(ctx), access(ctx).await?, &filter)
            .await
            .gql()?;
        totals
            .into_iter()
            .map(|m| Money::from_stored(m.minor, m.currency.code()).gql())
            .collect()
    }

    /// Payouts, newest first: those of the companies where the caller is FINANCE or ADMIN,
    /// and the caller's own.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn payouts(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<PayoutFilter>,
    ) -> async_graphql::Result<Connection<String, Payout>> {
        let page = PageArgs::page(first, after.as_deref()).gql()?;
        let filter = filter.unwrap_or_default();
        let filter = payouts::PayoutFilter {
            company_id: company_id(filter.company_id.as_ref())?,
            status: filter.status.map(Into::into),
        };
        let paged = payouts::list(db(ctx), access(ctx).await?, &filter, page)
            .await
            .gql()?;
        Ok(connection(paged, page.after, |p| p.id, Payout))
    }

    async fn payout(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Payout>> {
        let key = ids::decode(&id, "Payout", "payout").gql()?;
        Ok(Some(Payout(
            payouts::get(db(ctx), access(ctx).await?, key).await.gql()?,
        )))
    }
}
