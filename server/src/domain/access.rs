//! What a caller may see: their company roles and the rosters they are on, loaded once per
//! request. Every read goes through these checks; an object the caller may not see is
//! reported as not found, so ids cannot be probed.
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use entity::project;
use entity::states::{CompanyRole, ProjectVisibility};
use sea_orm::{ActiveEnum, ConnectionTrait, DbBackend, QueryResult, Statement, Value};

use super::Actor;
use super::error::{DomainError, DomainResult};

#[derive(Debug, Clone)]
pub struct Access {
    pub actor: Actor,
    /// Company id → the caller's role there.
    pub staff: HashMap<i64, CompanyRole>,
    /// Companies whose alumni roster lists the caller's email.
    pub alumni_of: HashSet<i64>,
}

impl Access {
    /// The caller behind a session token, with their roles and roster entries, in one
    /// statement (every authenticated request needs all three). `None` when the token matches no
    /// unexpired session. With `require_verified_email`, a roster match counts only once the
    /// email is verified.
    pub async fn for_token(
        db: &impl ConnectionTrait,
        token_hash: &str,
        require_verified_email: bool,
    ) -> DomainResult<Option<Self>> {
        let [hash, at] = match db.get_database_backend() {
            DbBackend::Postgres => ["$1", "$2"],
            _ => ["?", "?"],
        };
        let me = format!(
            "u.id IN (SELECT s.user_id FROM sessions s \
             WHERE s.token_hash = {hash} AND s.expires_at > {at})"
        );
        let values = vec![token_hash.into(), super::now().into()];
        Self::fetch(db, &me, values, require_verified_email).await
    }

    /// The access of a user by id (the domain layer's callers have no session).
    pub async fn load(
        db: &impl ConnectionTrait,
        user_id: i64,
        require_verified_email: bool,
    ) -> DomainResult<Self> {
        let id = match db.get_database_backend() {
            DbBackend::Postgres => "$1",
            _ => "?",
        };
        Self::fetch(
            db,
            &format!("u.id = {id}"),
            vec![user_id.into()],
            require_verified_email,
        )
        .await?
        .ok_or(DomainError::NotFound("user"))
    }

    /// The user `me` picks out of `users u` (its placeholders bound to `values`), with roles and
    /// roster entries.
    async fn fetch(
        db: &impl ConnectionTrait,
        me: &str,
        mut values: Vec<Value>,
        require_verified_email: bool,
    ) -> DomainResult<Option<Self>> {
        let backend = db.get_database_backend();
        values.push((!require_verified_email).into());
        let unverified_ok = match backend {
            DbBackend::Postgres => format!("${}", values.len()),
            _ => "?".to_string(),
        };
        // A member row per role, at least one row for a user with none (LEFT JOIN), then a
        // row per roster entry; a roster row has no role.
        let sql = format!(
            "WITH me AS (SELECT u.id, u.email, u.email_verified_at FROM users u WHERE {me}) \
             SELECT me.id, me.email, me.email_verified_at, m.company_id, m.role \
             FROM me LEFT JOIN company_members m ON m.user_id = me.id \
             UNION ALL SELECT me.id, me.email, me.email_verified_at, a.company_id, NULL \
             FROM me JOIN alumni_records a ON a.email = me.email \
             AND (me.email_verified_at IS NOT NULL OR {unverified_ok})"
        );
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let verified_at: Option<DateTime<Utc>> = first.try_get_by_index(2)?;
        let actor = Actor {
            user_id: first.try_get_by_index(0)?,
            email: first.try_get_by_index(1)?,
            email_verified: verified_at.is_some(),
        };
        Self::from_rows(actor, &rows).map(Some)
    }

    /// Reads the `(company_id, role)` pair of each row: a role makes the actor staff, no role
    /// means a roster entry, no company (the outer join's filler) means nothing.
    fn from_rows(actor: Actor, rows: &[QueryResult]) -> DomainResult<Self> {
        let mut staff = HashMap::new();
        let mut alumni_of = HashSet::new();
        for row in rows {
            let Some(company_id) = row.try_get_by_index::<Option<i64>>(3)? else {
                continue;
            };
            match row.try_get_by_index::<Option<String>>(4)? {
                Some(role) => {
                    staff.insert(company_id, CompanyRole::try_from_value(&role)?);
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

    /// Requires one of `roles` at a company: NOT_FOUND when the caller cannot see the company
    /// at all (so ids cannot be probed), FORBIDDEN when they lack the role.
    pub fn require_company_role(
        &self,
        company_id: i64,
        roles: &[CompanyRole],
        action: &str,
    ) -> DomainResult<()> {
        if !self.can_see_company(company_id) {
            return Err(DomainError::NotFound("company"));
        }
        self.require_role(company_id, roles, action)
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
                    .map(|r| r.to_value())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ))),
        }
    }
}
