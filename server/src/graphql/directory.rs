//! The alumni directory's API (issue 13 §1–§3): profiles, the consented directory,
//! `inviteToBid`, "what this company holds about me" and the deletion request. Thin: the rules
//! are in `domain::{profiles, directory}`.
use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::{access, db};
use super::errors::OrGql;
use super::ids;
use super::types::{AlumniRecord, Company, Consent, PageArgs, Rating, User, connection, load_one};
use crate::domain::directory::{self, DeletionItem, DeletionReport, Entry, Filter, Holdings};
use crate::domain::profiles::{self, ProfileInput, View};
use crate::graphql::loaders::CompanyId;

/// Whether she is looking for work.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::profile::Availability")]
pub enum Availability {
    OpenToSideJobs,
    OpenToRehire,
    NotNow,
}

/// A profile as the caller may read it: a fellow alumna sees the headline, skills and links
/// only (the other fields are null).
pub struct Profile {
    pub profile: profiles::Profile,
    pub view: View,
}

#[Object]
impl Profile {
    async fn headline(&self) -> &str {
        &self.profile.row.headline
    }

    /// Lower-cased.
    async fn skills(&self) -> &[String] {
        &self.profile.skills
    }

    async fn links(&self) -> Vec<String> {
        self.profile.links()
    }

    async fn bio(&self) -> Option<&str> {
        (self.view == View::Full).then_some(self.profile.row.bio.as_str())
    }

    async fn languages(&self) -> Option<Vec<String>> {
        (self.view == View::Full).then(|| self.profile.languages())
    }

    async fn availability(&self) -> Option<Availability> {
        (self.view == View::Full).then_some(self.profile.row.availability.into())
    }

    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        (self.view == View::Full).then_some(self.profile.row.updated_at)
    }
}

/// The profile of `user_id` as the caller may read it; null when she may not.
pub async fn profile_of(ctx: &Context<'_>, user_id: i64) -> async_graphql::Result<Option<Profile>> {
    let Ok(access) = access(ctx).await else {
        return Ok(None);
    };
    let Some(view) = profiles::view(db(ctx), access, user_id).await.gql()? else {
        return Ok(None);
    };
    let profile = profiles::load(db(ctx), user_id).await.gql()?;
    Ok(profile.map(|profile| Profile { profile, view }))
}

/// One alumna in a company's directory. Staff see her tenure, rating and their own company's
/// `wouldRehire` flags; a fellow alumna sees name, headline, skills and links only.
pub struct Alumni(Entry);

#[Object]
impl Alumni {
    async fn id(&self) -> ID {
        ids::encode("User", self.0.user.id)
    }

    async fn user(&self) -> User {
        User::new(self.0.user.clone())
    }

    async fn display_name(&self) -> &str {
        &self.0.user.display_name
    }

    async fn profile(&self) -> Option<Profile> {
        self.0.profile.clone().map(|profile| Profile {
            profile,
            view: self.0.view,
        })
    }

    /// Her department as the roster records it; staff only.
    async fn department(&self) -> Option<&str> {
        (self.0.view == View::Full)
            .then_some(self.0.record.department.as_deref())
            .flatten()
    }

    /// The year she left, as the roster records it; staff only.
    async fn left_year(&self) -> Option<i32> {
        (self.0.view == View::Full)
            .then_some(self.0.record.left_year)
            .flatten()
    }

    /// Staff only.
    async fn rating(&self) -> Option<Rating> {
        self.0.rating.map(Into::into)
    }

    /// This company's own reviews' "would rehire", newest first; staff only (another company's
    /// flags are never shown).
    async fn would_rehire(&self) -> Option<&[bool]> {
        (self.0.view == View::Full).then_some(self.0.would_rehire.as_slice())
    }
}

#[derive(InputObject, Default)]
pub struct AlumniFilter {
    pub skill: Option<String>,
    pub availability: Option<Availability>,
    pub department: Option<String>,
    pub left_year: Option<i32>,
    /// Staff only; ignored for alumni.
    pub min_rating: Option<f64>,
}

/// One kind of record the company holds about her, with how long it must be kept.
#[derive(SimpleObject)]
pub struct HeldRecords {
    /// BID, CONTRACT, INVOICE, PAYOUT, REVIEW (more kinds as the network grows).
    pub kind: String,
    pub count: i32,
    pub ids: Vec<ID>,
    /// The statutory period and its ground; null when nothing requires keeping it.
    pub retention: Option<String>,
}

/// What one company can see about the caller.
pub struct HeldData(Holdings);

#[Object]
impl HeldData {
    async fn company(&self, ctx: &Context<'_>) -> async_graphql::Result<Company> {
        Ok(Company(
            load_one(ctx, CompanyId(self.0.company_id), "company").await?,
        ))
    }

    /// Her entry on its roster with the tenure it records; null when none.
    async fn roster_entry(&self) -> Option<AlumniRecord> {
        self.0.roster.clone().map(AlumniRecord)
    }

    /// Every consent she gave it, live and withdrawn.
    async fn consents(&self) -> Vec<Consent> {
        self.0.consents.iter().cloned().map(Consent).collect()
    }

    /// Her profile as its staff see it now; null while she is not listed.
    async fn profile_shown(&self) -> Option<Profile> {
        self.0.profile_shown.clone().map(|profile| Profile {
            profile,
            view: View::Full,
        })
    }

    async fn records(&self) -> Vec<HeldRecords> {
        self.0
            .groups
            .iter()
            .map(|g| HeldRecords {
                kind: g.kind.to_string(),
                count: i32::try_from(g.ids.len()).unwrap_or(i32::MAX),
                ids: g
                    .ids
                    .iter()
                    .map(|id| ids::encode(type_of(g.kind), *id))
                    .collect(),
                retention: g.retention.map(str::to_string),
            })
            .collect()
    }
}

fn type_of(kind: &str) -> &'static str {
    match kind {
        "BID" => "Bid",
        "CONTRACT" => "Contract",
        "INVOICE" => "Invoice",
        "PAYOUT" => "Payout",
        "REVIEW" => "Review",
        _ => "Record",
    }
}

#[derive(SimpleObject)]
pub struct DeletionLine {
    /// ROSTER_ENTRY, PROFILE_VISIBILITY, CONSENT, PENDING_BID (deleted); CONTRACT, INVOICE,
    /// PAYOUT, REVIEW, CONSENT_HISTORY (kept).
    pub kind: String,
    pub count: i32,
    /// Why and how long it is kept; null for what was deleted.
    pub reason: Option<String>,
}

#[derive(SimpleObject)]
pub struct DeletionResult {
    pub deleted: Vec<DeletionLine>,
    pub kept: Vec<DeletionLine>,
}

fn lines(items: Vec<DeletionItem>) -> Vec<DeletionLine> {
    items
        .into_iter()
        .map(|i| DeletionLine {
            kind: i.kind.to_string(),
            count: i32::try_from(i.count).unwrap_or(i32::MAX),
            reason: i.reason.map(str::to_string),
        })
        .collect()
}

impl From<DeletionReport> for DeletionResult {
    fn from(r: DeletionReport) -> Self {
        Self {
            deleted: lines(r.deleted),
            kept: lines(r.kept),
        }
    }
}

#[derive(Default)]
pub struct DirectoryQuery;

#[Object]
impl DirectoryQuery {
    /// The company's alumni who consented to its directory, newest account first. Its staff
    /// (ADMIN, MEMBER, FINANCE) see profiles, tenure, ratings and their own `wouldRehire`
    /// flags; an alumna who consented herself sees her consenting peers.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn alumni_directory(
        &self,
        ctx: &Context<'_>,
        company_id: ID,
        filter: Option<AlumniFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Alumni>> {
        let access = access(ctx).await?;
        let company_id = ids::decode(&company_id, "Company", "company").gql()?;
        let page = PageArgs::page(first, after.as_deref()).gql()?;
        let f = filter.unwrap_or_default();
        let filter = Filter {
            skill: f.skill,
            availability: f.availability.map(Into::into),
            department: f.department,
            left_year: f.left_year,
            min_rating: f.min_rating,
        };
        let paged = directory::list(db(ctx), access, company_id, &filter, page)
            .await
            .gql()?;
        Ok(connection(paged, page.after, |e| e.user.id, Alumni))
    }

    /// Everything the company can see about the caller, and how long each kind is kept.
    async fn my_data_at(
        &self,
        ctx: &Context<'_>,
        company_id: ID,
    ) -> async_graphql::Result<HeldData> {
        let access = access(ctx).await?;
        let company_id = ids::decode(&company_id, "Company", "company").gql()?;
        Ok(HeldData(
            directory::held_by(db(ctx), access, company_id)
                .await
                .gql()?,
        ))
    }
}

#[derive(InputObject)]
pub struct UpdateProfileInput {
    pub headline: String,
    pub bio: String,
    pub skills: Vec<String>,
    pub languages: Vec<String>,
    pub availability: Availability,
    /// http(s) addresses.
    pub links: Vec<String>,
}

#[derive(InputObject)]
pub struct InviteToBidInput {
    pub project_id: ID,
    pub user_ids: Vec<ID>,
}

#[derive(InputObject)]
pub struct RequestDeletionInput {
    pub company_id: ID,
}

#[derive(Default)]
pub struct DirectoryMutation;

#[Object]
impl DirectoryMutation {
    /// Creates or replaces the caller's profile.
    async fn update_profile(
        &self,
        ctx: &Context<'_>,
        input: UpdateProfileInput,
    ) -> async_graphql::Result<Profile> {
        let access = access(ctx).await?;
        let profile = profiles::update(
            db(ctx),
            access,
            ProfileInput {
                headline: input.headline,
                bio: input.bio,
                skills: input.skills,
                languages: input.languages,
                availability: input.availability.into(),
                links: input.links,
            },
        )
        .await
        .gql()?;
        Ok(Profile {
            profile,
            view: View::Full,
        })
    }

    /// Invites alumni listed in the company's directory to bid on one of its OPEN projects
    /// (ADMIN, MEMBER); each gets a notification. Returns who was invited.
    async fn invite_to_bid(
        &self,
        ctx: &Context<'_>,
        input: InviteToBidInput,
    ) -> async_graphql::Result<Vec<User>> {
        let access = access(ctx).await?;
        let project_id = ids::decode(&input.project_id, "Project", "project").gql()?;
        let mut users = Vec::with_capacity(input.user_ids.len());
        for id in &input.user_ids {
            users.push((ids::decode(id, "User", "user").gql()?, id.to_string()));
        }
        let invited = directory::invite_to_bid(db(ctx), access, project_id, &users)
            .await
            .gql()?;
        Ok(invited.into_iter().map(User::new).collect())
    }

    /// Her request that the company delete what it holds about her: the roster entry, her
    /// profile's visibility, consents and pending bids go; contracts, invoices, payouts and
    /// reviews stay for their statutory period. The answer says which and why.
    async fn request_deletion(
        &self,
        ctx: &Context<'_>,
        input: RequestDeletionInput,
    ) -> async_graphql::Result<DeletionResult> {
        let access = access(ctx).await?;
        let company_id = ids::decode(&input.company_id, "Company", "company").gql()?;
        Ok(directory::request_deletion(db(ctx), access, company_id)
            .await
            .gql()?
            .into())
    }
}
