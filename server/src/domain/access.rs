//! What a caller may see: their company roles and the rosters they are on, loaded once per
//! request. Every read goes through these checks; an object the caller may not see is
//! reported as not found, so ids cannot be probed.
use std::collections::{HashMap, HashSet};

use entity::project;
use entity::states::{CompanyRole, ProjectVisibility};
use sea_orm::{ActiveEnum, ConnectionTrait, DbBackend, Statement};

use super::Actor;
use crate::error::{DomainError, DomainResult};

#[derive(Debug, Clone)]
pub struct Access {
    pub actor: Actor,
    /// Company id → the caller's role there.
    pub staff: HashMap<i64, CompanyRole>,
    /// Companies whose alumni roster lists the caller's email.
    pub alumni_of: HashSet<i64>,
}

impl Access {
    /// With `require_verified_email`, a roster match counts only once the email is verified.
    pub async fn load(
        db: &impl ConnectionTrait,
        actor: Actor,
        require_verified_email: bool,
    ) -> DomainResult<Self> {
        // Roles and roster entries in one statement; a roster row has no role.
        let roster_email = if require_verified_email && !actor.email_verified {
            ""
        } else {
            actor.email.as_str()
        };
        let backend = db.get_database_backend();
        let sql = match backend {
            DbBackend::Postgres => {
                "SELECT company_id, role FROM company_members WHERE user_id = $1 \
                 UNION ALL SELECT company_id, NULL FROM alumni_records WHERE email = $2"
            }
            _ => {
                "SELECT company_id, role FROM company_members WHERE user_id = ? \
                 UNION ALL SELECT company_id, NULL FROM alumni_records WHERE email = ?"
            }
        };
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [actor.user_id.into(), roster_email.into()],
            ))
            .await?;
        let mut staff = HashMap::new();
        let mut alumni_of = HashSet::new();
        for row in rows {
            let company_id: i64 = row.try_get_by_index(0)?;
            match row.try_get_by_index::<Option<String>>(1)? {
                Some(role) => {
                    let role = CompanyRole::try_from_value(&role)?;
                    staff.insert(company_id, role);
                }
                None => {
                    alumni_of.insert(company_id);
                }
            }
        }
        Ok(Self {
            actor,
            staff,
            alumni_of,
        })
    }

    pub fn user_id(&self) -> i64 {
        self.actor.user_id
    }

    pub fn is_staff(&self, company_id: i64) -> bool {
        self.staff.contains_key(&company_id)
    }

    /// A verified alumnus is on at least one roster.
    pub fn is_alumnus(&self) -> bool {
        !self.alumni_of.is_empty()
    }

    pub fn can_see_company(&self, company_id: i64) -> bool {
        self.is_staff(company_id) || self.alumni_of.contains(&company_id)
    }

    pub fn can_see_project(&self, project: &project::Model) -> bool {
        self.can_see_company(project.company_id)
            || (project.visibility == ProjectVisibility::AllAlumni && self.is_alumnus())
    }

    /// Contracts, invoices and payouts: the company's staff and the freelancer.
    pub fn can_see_engagement(&self, company_id: i64, freelancer_id: i64) -> bool {
        self.is_staff(company_id) || freelancer_id == self.user_id()
    }

    /// Requires one of `roles` at `company_id`. Callers first check that the object is
    /// visible at all (answering `NOT_FOUND` otherwise), so this only ever forbids.
    pub fn require_role(
        &self,
        company_id: i64,
        roles: &[CompanyRole],
        action: &str,
    ) -> DomainResult<()> {
        match self.staff.get(&company_id) {
            Some(role) if roles.contains(role) => Ok(()),
            _ => Err(DomainError::forbidden(format!(
                "{action} requires the {} role at this company",
                roles
                    .iter()
                    .map(|r| role_name(*r))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ))),
        }
    }
}

pub fn role_name(role: CompanyRole) -> &'static str {
    match role {
        CompanyRole::Admin => "ADMIN",
        CompanyRole::Member => "MEMBER",
        CompanyRole::Finance => "FINANCE",
    }
}
