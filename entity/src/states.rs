//! Stored state and role enums, kept as short strings so both databases read them alike.
use sea_orm::entity::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum CompanyRole {
    #[sea_orm(string_value = "ADMIN")]
    Admin,
    #[sea_orm(string_value = "MEMBER")]
    Member,
    #[sea_orm(string_value = "FINANCE")]
    Finance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ProjectVisibility {
    #[sea_orm(string_value = "COMPANY_ALUMNI")]
    CompanyAlumni,
    #[sea_orm(string_value = "ALL_ALUMNI")]
    AllAlumni,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ProjectCategory {
    #[sea_orm(string_value = "DATA_ANALYSIS")]
    DataAnalysis,
    #[sea_orm(string_value = "MARKETING")]
    Marketing,
    #[sea_orm(string_value = "DESIGN")]
    Design,
    #[sea_orm(string_value = "ENGINEERING")]
    Engineering,
    #[sea_orm(string_value = "WRITING")]
    Writing,
    #[sea_orm(string_value = "CONSULTING")]
    Consulting,
    #[sea_orm(string_value = "TRANSLATION")]
    Translation,
    /// Lectures and talks, such as speaking at a recruiting seminar.
    #[sea_orm(string_value = "LECTURE")]
    Lecture,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ProjectStatus {
    #[sea_orm(string_value = "OPEN")]
    Open,
    #[sea_orm(string_value = "AWARDED")]
    Awarded,
    #[sea_orm(string_value = "CLOSED")]
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum BidStatus {
    #[sea_orm(string_value = "PENDING")]
    Pending,
    #[sea_orm(string_value = "ACCEPTED")]
    Accepted,
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
    #[sea_orm(string_value = "WITHDRAWN")]
    Withdrawn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ContractStatus {
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    #[sea_orm(string_value = "COMPLETED")]
    Completed,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum InvoiceStatus {
    #[sea_orm(string_value = "SUBMITTED")]
    Submitted,
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
    #[sea_orm(string_value = "PAID")]
    Paid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum PayoutStatus {
    #[sea_orm(string_value = "PENDING")]
    Pending,
    #[sea_orm(string_value = "PROCESSING")]
    Processing,
    #[sea_orm(string_value = "PAID")]
    Paid,
    #[sea_orm(string_value = "FAILED")]
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum PaymentProvider {
    #[sea_orm(string_value = "manual")]
    Manual,
    #[sea_orm(string_value = "stripe")]
    Stripe,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum FundingStatus {
    #[sea_orm(string_value = "UNFUNDED")]
    Unfunded,
    #[sea_orm(string_value = "FUNDED")]
    Funded,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum JobStatus {
    #[sea_orm(string_value = "PENDING")]
    Pending,
    #[sea_orm(string_value = "RUNNING")]
    Running,
    #[sea_orm(string_value = "DONE")]
    Done,
    #[sea_orm(string_value = "FAILED")]
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum MilestoneStatus {
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    #[sea_orm(string_value = "SUBMITTED")]
    Submitted,
    #[sea_orm(string_value = "CHANGES_REQUESTED")]
    ChangesRequested,
    #[sea_orm(string_value = "ACCEPTED")]
    Accepted,
    #[sea_orm(string_value = "PAID")]
    Paid,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ReviewSide {
    #[sea_orm(string_value = "COMPANY")]
    Company,
    #[sea_orm(string_value = "FREELANCER")]
    Freelancer,
}

/// Why a mail is sent: it carries a verification or a password-reset link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum MailPurpose {
    #[sea_orm(string_value = "verify")]
    Verify,
    #[sea_orm(string_value = "reset")]
    Reset,
    /// One notification, mailed as it happens.
    #[sea_orm(string_value = "notification")]
    Notification,
    /// One day's digest of notifications.
    #[sea_orm(string_value = "digest")]
    Digest,
}

/// Who a freelancer is in law: the Freelance Act protects individuals without employees and
/// one-person corporations (特定受託事業者); withholding applies to individuals only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum PayeeType {
    #[sea_orm(string_value = "INDIVIDUAL")]
    Individual,
    #[sea_orm(string_value = "INDIVIDUAL_WITH_EMPLOYEES")]
    IndividualWithEmployees,
    #[sea_orm(string_value = "ONE_PERSON_CORPORATION")]
    OnePersonCorporation,
    #[sea_orm(string_value = "CORPORATION")]
    Corporation,
}

/// What an alumna lets one company use her data for (APPI: consent per purpose).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ConsentPurpose {
    /// Listed in the company's alumni directory, and seen by its other consenting alumni.
    #[sea_orm(string_value = "DIRECTORY")]
    Directory,
    /// Receives the company's news.
    #[sea_orm(string_value = "NEWS")]
    News,
    /// Sees and applies to its rehire openings.
    #[sea_orm(string_value = "REHIRE")]
    Rehire,
    /// Invited to its events.
    #[sea_orm(string_value = "EVENTS")]
    Events,
}

/// How a kind of notification reaches a person besides the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum NotificationDelivery {
    #[sea_orm(string_value = "EMAIL")]
    Email,
    #[sea_orm(string_value = "OFF")]
    Off,
    #[sea_orm(string_value = "DAILY_DIGEST")]
    DailyDigest,
}

/// What kind of event a company holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum EventKind {
    /// A graduate recruiting seminar, where alumni speak to students.
    #[sea_orm(string_value = "RECRUITING_SEMINAR")]
    RecruitingSeminar,
    #[sea_orm(string_value = "ALUMNI_MEETUP")]
    AlumniMeetup,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// Where a speaker invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum SpeakerInvitationStatus {
    #[sea_orm(string_value = "INVITED")]
    Invited,
    #[sea_orm(string_value = "ACCEPTED")]
    Accepted,
    #[sea_orm(string_value = "DECLINED")]
    Declined,
}
