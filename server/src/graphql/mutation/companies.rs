use async_graphql::{Context, ID, InputObject, Object};

use crate::domain::{alumni, companies};
use crate::graphql::context::{access, db};
use crate::graphql::errors::OrGql;
use crate::graphql::ids;
use crate::graphql::scalars::CompanyRole;
use crate::graphql::types::{AlumniRecord, Company, CompanyMember};

#[derive(Default)]
pub struct CompanyMutation;

#[derive(InputObject)]
pub struct CreateCompanyInput {
    pub name: String,
}

#[derive(InputObject)]
pub struct AddCompanyMemberInput {
    pub company_id: ID,
    /// The email of an existing account.
    pub email: String,
    pub role: CompanyRole,
}

#[derive(InputObject)]
pub struct AddAlumniInput {
    pub company_id: ID,
    /// Emails without tenure; may be empty when `entries` is given.
    #[graphql(default)]
    pub emails: Vec<String>,
    /// Emails with the tenure the roster records (department, leaving year).
    pub entries: Option<Vec<RosterEntryInput>>,
}

#[derive(InputObject)]
pub struct RosterEntryInput {
    pub email: String,
    pub department: Option<String>,
    pub left_year: Option<i32>,
}

#[derive(InputObject)]
pub struct RemoveCompanyMemberInput {
    pub company_id: ID,
    /// The member's account email.
    pub email: String,
}

#[derive(InputObject)]
pub struct RemoveAlumniInput {
    pub company_id: ID,
    /// Emails not on the roster are ignored.
    pub emails: Vec<String>,
}

#[Object]
impl CompanyMutation {
    /// Creates a company; the caller becomes its ADMIN.
    async fn create_company(
        &self,
        ctx: &Context<'_>,
        input: CreateCompanyInput,
    ) -> async_graphql::Result<Company> {
        Ok(Company(
            companies::create(db(ctx), access(ctx).await?, &input.name)
                .await
                .gql()?,
        ))
    }

    /// Adds a staff member or changes their role. ADMIN only.
    async fn add_company_member(
        &self,
        ctx: &Context<'_>,
        input: AddCompanyMemberInput,
    ) -> async_graphql::Result<CompanyMember> {
        let access = access(ctx).await?;
        let company_id = ids::decode(&input.company_id, "Company", "company").gql()?;
        let member =
            companies::add_member(db(ctx), access, company_id, &input.email, input.role.into())
                .await
                .gql()?;
        Ok(CompanyMember(member))
    }

    /// Adds emails to the alumni roster (up to 1,000 at a time). ADMIN only.
    async fn add_alumni(
        &self,
        ctx: &Context<'_>,
        input: AddAlumniInput,
    ) -> async_graphql::Result<Vec<AlumniRecord>> {
        let access = access(ctx).await?;
        let company_id = ids::decode(&input.company_id, "Company", "company").gql()?;
        let mut emails = input.emails;
        let mut tenure = vec![alumni::Tenure::default(); emails.len()];
        for (i, entry) in input.entries.unwrap_or_default().into_iter().enumerate() {
            let field = format!("input.entries[{i}]");
            tenure.push(
                alumni::parse_tenure(entry.department.as_deref(), entry.left_year, &field).gql()?,
            );
            emails.push(entry.email);
        }
        let records = alumni::add_with_tenure(db(ctx), access, company_id, &emails, &tenure)
            .await
            .gql()?;
        Ok(records.into_iter().map(AlumniRecord).collect())
    }

    /// Removes a member from the staff; their rights end with their next request. ADMIN only;
    /// the last ADMIN cannot be removed (CONFLICT). Returns the membership as it was.
    async fn remove_company_member(
        &self,
        ctx: &Context<'_>,
        input: RemoveCompanyMemberInput,
    ) -> async_graphql::Result<CompanyMember> {
        let access = access(ctx).await?;
        let company_id = ids::decode(&input.company_id, "Company", "company").gql()?;
        let member = companies::remove_member(db(ctx), access, company_id, &input.email)
            .await
            .gql()?;
        Ok(CompanyMember(member))
    }

    /// Takes emails off the alumni roster (up to 1,000 at a time); returns the entries removed.
    /// Their pending bids on projects they can no longer see are WITHDRAWN; contracts they hold
    /// continue. ADMIN only.
    async fn remove_alumni(
        &self,
        ctx: &Context<'_>,
        input: RemoveAlumniInput,
    ) -> async_graphql::Result<Vec<AlumniRecord>> {
        let access = access(ctx).await?;
        let company_id = ids::decode(&input.company_id, "Company", "company").gql()?;
        let records = alumni::remove(db(ctx), access, company_id, &input.emails)
            .await
            .gql()?;
        Ok(records.into_iter().map(AlumniRecord).collect())
    }
}
