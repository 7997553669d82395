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
        let records = alumni::add(db(ctx), access, company_id, &input.emails)
            .await
            .gql()?;
        Ok(records.into_iter().map(AlumniRecord).collect())
    }
}
