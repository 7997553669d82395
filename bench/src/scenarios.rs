//! The five scenarios: the GraphQL document, the baseline route, and the next request.
use std::sync::atomic::{AtomicI64, Ordering};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::seed::{Seeded, bidder_company, token};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    ProjectPage,
    CompanyDashboard,
    FinanceQueue,
    PlaceBid,
    AcceptBid,
}

pub const ALL: [Scenario; 5] = [
    Scenario::ProjectPage,
    Scenario::CompanyDashboard,
    Scenario::FinanceQueue,
    Scenario::PlaceBid,
    Scenario::AcceptBid,
];

// Fields are selected in alphabetical order, so the baseline's JSON objects serialise alike.
const PROJECT_PAGE: &str = "query($id: ID!) { project(id: $id) { budget { amount currencyCode } company { id name } id status title } }";
const COMPANY_DASHBOARD: &str = "query($c: ID!) { projects(first: 50, filter: {companyId: $c}) { edges { node { bids(first: 20) { edges { node { amount { amount currencyCode } bidder { displayName } } } } id title } } } }";
const FINANCE_QUEUE: &str = "query($c: ID!) { invoices(first: 50, filter: {companyId: $c, status: SUBMITTED}) { edges { node { amount { amount currencyCode } contract { freelancer { displayName } project { title } } id } } } }";
const PLACE_BID: &str = "mutation($p: ID!) { placeBid(input: {projectId: $p, amount: {amount: \"90000\", currencyCode: JPY}, deliveryDays: 7, proposal: \"Bench\"}) { id status } }";
const ACCEPT_BID: &str = "mutation($b: ID!) { acceptBid(id: $b) { id status } }";

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Self::ProjectPage => "project_page",
            Self::CompanyDashboard => "company_dashboard",
            Self::FinanceQueue => "finance_queue",
            Self::PlaceBid => "place_bid",
            Self::AcceptBid => "accept_bid",
        }
    }

    pub fn is_mutation(self) -> bool {
        matches!(self, Self::PlaceBid | Self::AcceptBid)
    }

    /// The key every valid answer carries under `data`.
    pub fn root(self) -> &'static str {
        match self {
            Self::ProjectPage => "project",
            Self::CompanyDashboard => "projects",
            Self::FinanceQueue => "invoices",
            Self::PlaceBid => "placeBid",
            Self::AcceptBid => "acceptBid",
        }
    }
}

fn gid(type_name: &str, key: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{type_name}:{key}"))
}

/// Shared across server and baseline runs, so a mutation never reuses a project or bidder.
pub struct State {
    pub seeded: Seeded,
    next_bidder: AtomicI64,
    next_accept: AtomicI64,
    counter: AtomicI64,
    targets_by_company: Vec<Vec<i64>>,
}

impl State {
    pub fn new(seeded: Seeded) -> Self {
        let mut targets_by_company = vec![Vec::new(); seeded.companies as usize + 1];
        for (project, company) in &seeded.bid_targets {
            targets_by_company[*company as usize].push(*project);
        }
        Self {
            seeded,
            next_bidder: AtomicI64::new(0),
            next_accept: AtomicI64::new(0),
            counter: AtomicI64::new(0),
            targets_by_company,
        }
    }

    /// A cheap spread of request parameters (a counter through a multiplicative hash).
    fn pick(&self, n: i64) -> i64 {
        let i = self.counter.fetch_add(1, Ordering::Relaxed) as u64;
        (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 16) as i64 % n.max(1)
    }

    /// How many requests a mutation scenario can make in all (each uses up a fresh row).
    pub fn pool(&self, scenario: Scenario) -> Option<u64> {
        match scenario {
            Scenario::PlaceBid => Some(self.seeded.bidder_pool as u64),
            Scenario::AcceptBid => Some(self.seeded.accept_pool.len() as u64),
            _ => None,
        }
    }

    /// The next request: bearer token and JSON body; `None` once a mutation pool is used up.
    pub fn request(&self, scenario: Scenario) -> Option<(String, Value)> {
        let s = &self.seeded;
        let (tok, query, variables) = match scenario {
            Scenario::ProjectPage => {
                let project = s.first_project + self.pick(s.projects);
                let company = 1 + (project - 1) % s.companies;
                let alumnus = (company - 1) + self.pick(s.alumni / s.companies) * s.companies;
                (
                    token("alumnus", alumnus),
                    PROJECT_PAGE,
                    json!({ "id": gid("Project", project) }),
                )
            }
            Scenario::CompanyDashboard => {
                let company = 1 + self.pick(s.companies);
                (
                    token("admin", company),
                    COMPANY_DASHBOARD,
                    json!({ "c": gid("Company", company) }),
                )
            }
            Scenario::FinanceQueue => {
                let company = 1 + self.pick(s.companies);
                (
                    token("finance", company),
                    FINANCE_QUEUE,
                    json!({ "c": gid("Company", company) }),
                )
            }
            Scenario::PlaceBid => {
                let bidder = self.next_bidder.fetch_add(1, Ordering::Relaxed);
                if bidder >= s.bidder_pool {
                    return None;
                }
                let targets = &self.targets_by_company[bidder_company(s, bidder) as usize];
                let project = *targets.get(self.pick(targets.len() as i64) as usize)?;
                (
                    token("bidder", bidder),
                    PLACE_BID,
                    json!({ "p": gid("Project", project) }),
                )
            }
            Scenario::AcceptBid => {
                let next = self.next_accept.fetch_add(1, Ordering::Relaxed) as usize;
                let (bid, _, company) = *s.accept_pool.get(next)?;
                (
                    token("admin", company),
                    ACCEPT_BID,
                    json!({ "b": gid("Bid", bid) }),
                )
            }
        };
        Some((tok, json!({ "query": query, "variables": variables })))
    }
}
