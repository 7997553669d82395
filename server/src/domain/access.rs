//! What a caller may see: their company roles and the rosters they are on, loaded once per
//! request. Every read goes through these checks; an object the caller may not see is
//! reported as not found, so ids cannot be probed.
use std::collections::{HashMap, HashSet};

use entity::states::{CompanyRole, ProjectVisibility};
use entity::{alumni_record, company_member, project};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

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
        let staff = company_member::Entity::find()
            .filter(company_member::Column::UserId.eq(actor.user_id))
            .all(db)
            .await?
            .into_iter()
            .map(|m| (m.company_id, m.role))
            .collect();
        let alumni_of = if require_verified_email && !actor.email_verified {
            HashSet::new()
        } else {
            alumni_record::Entity::find()
                .filter(alumni_record::Column::Email.eq(actor.email.as_str()))
                .all(db)
                .await?
                .into_iter()
                .map(|r| r.company_id)
                .collect()
        };
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
