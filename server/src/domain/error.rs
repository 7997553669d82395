//! The domain error: what went wrong in terms a client can act on.
//! Translated once, at the GraphQL edge, into `extensions.code`.
use sea_orm::{DbErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("authentication required")]
    Unauthenticated,
    #[error("{0}")]
    InvalidCredentials(&'static str),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{field}: {message}")]
    BadInput { field: String, message: String },
    #[error("{0}")]
    Conflict(String),
    #[error("too many attempts; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// A conflict that clears by itself (an outside service is still busy with the same
    /// request): `CONFLICT` with a `retryAfter` hint.
    #[error("{message}")]
    Busy {
        message: String,
        retry_after_secs: u64,
    },
    #[error("internal error: {0}")]
    Internal(#[from] anyhow::Error),
}

pub type DomainResult<T> = Result<T, DomainError>;

/// Starts the message of the database trigger (engagements migration) that keeps a contract's
/// `invoiced_minor <= accepted_minor <= amount_minor`.
const ACCEPTED_WORK_TRIGGER: &str = "contracts_accepted_work";

impl DomainError {
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadInput {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict(message.into())
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden(message.into())
    }

    /// The client-facing code, as listed in DESIGN.md.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated | Self::InvalidCredentials(_) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::BadInput { .. } => "BAD_USER_INPUT",
            Self::Conflict(_) | Self::Busy { .. } => "CONFLICT",
            Self::RateLimited { .. } => "RATE_LIMITED",
            Self::Internal(_) => "INTERNAL_SERVER_ERROR",
        }
    }
}

impl From<DbErr> for DomainError {
    /// A unique violation that slipped past the code checks is a lost race: report it as the
    /// conflict it is. Everything else is internal and keeps its context for the log.
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                Self::conflict("the change conflicts with a concurrent one; reload and retry")
            }
            _ if err.to_string().contains(ACCEPTED_WORK_TRIGGER) => Self::conflict(
                "only accepted work can be invoiced, and no more than the contract amount can be accepted",
            ),
            _ => Self::Internal(anyhow::Error::new(err).context("database")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_accepted_work_trigger_is_a_conflict() {
        let err = DomainError::from(DbErr::Custom(
            "error returned from database: contracts_accepted_work: invoiced <= accepted <= amount"
                .into(),
        ));
        assert_eq!(err.code(), "CONFLICT");
        assert!(
            err.to_string()
                .contains("only accepted work can be invoiced")
        );
        let other = DomainError::from(DbErr::Custom("disk full".into()));
        assert_eq!(other.code(), "INTERNAL_SERVER_ERROR");
    }
}
