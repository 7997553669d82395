use async_graphql::{ID, Interface};

use super::{
    AlumniRecord, Bid, Company, CompanyMember, Contract, Invoice, Milestone, Payout, Project, User,
};

/// Any object with a global id; `node(id:)` resolves those the caller may see.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID"))]
pub enum Node {
    User(User),
    Company(Company),
    CompanyMember(CompanyMember),
    AlumniRecord(AlumniRecord),
    Project(Project),
    Bid(Bid),
    Contract(Contract),
    Invoice(Invoice),
    Payout(Payout),
    Milestone(Milestone),
}
