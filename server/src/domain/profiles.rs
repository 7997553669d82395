//! Profiles (issue 13 §2): her headline, bio, skills, languages, availability and links, and
//! who may read them. She always sees her own; a company's staff see it while its roster lists
//! her and she has a live DIRECTORY consent for it; an alumna of the same company sees a peer's
//! name, headline, skills and links only while both consented. Everyone else sees nothing.
use entity::profile::{self, Availability};
use entity::states::ConsentPurpose;
use entity::{profile_skill, user};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};

use super::audit::Subject;
use super::error::{DomainError, DomainResult};
use super::text::{Lines, check_chars};
use super::{Access, audit, consents, now, write_tx};

pub const MAX_SKILLS: usize = 30;
pub const MAX_LANGUAGES: usize = 10;
pub const MAX_LINKS: usize = 10;

/// What `updateProfile` takes, unchecked.
#[derive(Debug, Clone)]
pub struct ProfileInput {
    pub headline: String,
    pub bio: String,
    pub skills: Vec<String>,
    pub languages: Vec<String>,
    pub availability: Availability,
    pub links: Vec<String>,
}

/// A profile with its skills, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub row: profile::Model,
    pub skills: Vec<String>,
}

impl Profile {
    pub fn languages(&self) -> Vec<String> {
        serde_json::from_str(&self.row.languages).unwrap_or_default()
    }

    pub fn links(&self) -> Vec<String> {
        serde_json::from_str(&self.row.links).unwrap_or_default()
    }
}

/// How much of a profile the caller may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Everything: herself, or staff of a company she lets list her.
    Full,
    /// Name, headline, skills and links: a fellow consenting alumna.
    Peer,
}

fn optional(value: &str, field: &str, max_chars: usize, lines: Lines) -> DomainResult<String> {
    let trimmed = value.trim();
    if trimmed.chars().count() > max_chars {
        return Err(DomainError::bad_input(
            field,
            format!("must be at most {max_chars} characters"),
        ));
    }
    check_chars(trimmed, field, lines)?;
    Ok(trimmed.to_string())
}

/// Trims each item, drops empty ones and repeats (case-insensitively when `fold`), bounds the
/// count and the length of each.
fn list(
    items: &[String],
    field: &str,
    max_items: usize,
    max_chars: usize,
    fold: bool,
) -> DomainResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for (i, raw) in items.iter().enumerate() {
        let item = optional(raw, &format!("{field}[{i}]"), max_chars, Lines::Single)?;
        let item = if fold { item.to_lowercase() } else { item };
        if !item.is_empty() && !out.contains(&item) {
            out.push(item);
        }
    }
    if out.len() > max_items {
        return Err(DomainError::bad_input(
            field,
            format!("give at most {max_items}"),
        ));
    }
    Ok(out)
}

fn links(items: &[String]) -> DomainResult<Vec<String>> {
    let links = list(items, "input.links", MAX_LINKS, 500, false)?;
    for (i, link) in links.iter().enumerate() {
        let lower = link.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"));
        if rest.is_none_or(|r| r.is_empty() || r.contains(char::is_whitespace)) {
            return Err(DomainError::bad_input(
                format!("input.links[{i}]"),
                "must be an http:// or https:// address without spaces",
            ));
        }
    }
    Ok(links)
}

/// Creates or replaces the caller's profile (skills lower-cased, so the directory matches them
/// whatever the case), audited.
#[tracing::instrument(skip_all, fields(user = access.user_id()))]
pub async fn update(
    db: &DatabaseConnection,
    access: &Access,
    input: ProfileInput,
) -> DomainResult<Profile> {
    let headline = optional(&input.headline, "input.headline", 200, Lines::Single)?;
    let bio = optional(&input.bio, "input.bio", 4000, Lines::Multi)?;
    let skills = list(&input.skills, "input.skills", MAX_SKILLS, 64, true)?;
    let languages = list(
        &input.languages,
        "input.languages",
        MAX_LANGUAGES,
        40,
        false,
    )?;
    let links = links(&input.links)?;
    let json = |v: &Vec<String>| serde_json::to_string(v).map_err(anyhow::Error::from);
    let (languages, links) = (json(&languages)?, json(&links)?);
    let user_id = access.user_id();
    let tx = write_tx(db).await?;
    let existing = profile::Entity::find()
        .filter(profile::Column::UserId.eq(user_id))
        .one(&tx)
        .await?;
    let row = match existing {
        Some(found) => {
            let mut active: profile::ActiveModel = found.into();
            active.headline = Set(headline);
            active.bio = Set(bio);
            active.availability = Set(input.availability);
            active.languages = Set(languages);
            active.links = Set(links);
            active.updated_at = Set(now());
            active.update(&tx).await?
        }
        None => {
            profile::ActiveModel {
                user_id: Set(user_id),
                headline: Set(headline),
                bio: Set(bio),
                availability: Set(input.availability),
                languages: Set(languages),
                links: Set(links),
                updated_at: Set(now()),
                ..Default::default()
            }
            .insert(&tx)
            .await?
        }
    };
    profile_skill::Entity::delete_many()
        .filter(profile_skill::Column::UserId.eq(user_id))
        .exec(&tx)
        .await?;
    for skill in &skills {
        profile_skill::ActiveModel {
            user_id: Set(user_id),
            skill: Set(skill.clone()),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
    }
    audit::record(
        &tx,
        Some(user_id),
        audit::Change::new("profile.update", Subject::User, user_id),
    )
    .await?;
    tx.commit().await?;
    Ok(Profile { row, skills })
}

/// The stored profiles of `user_ids`, with their skills in the order she gave them.
pub async fn load_many(db: &impl ConnectionTrait, user_ids: &[i64]) -> DomainResult<Vec<Profile>> {
    let rows = profile::Entity::find()
        .filter(profile::Column::UserId.is_in(user_ids.iter().copied()))
        .all(db)
        .await?;
    let skills = profile_skill::Entity::find()
        .filter(profile_skill::Column::UserId.is_in(user_ids.iter().copied()))
        .order_by_asc(profile_skill::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| Profile {
            skills: skills
                .iter()
                .filter(|s| s.user_id == row.user_id)
                .map(|s| s.skill.clone())
                .collect(),
            row,
        })
        .collect())
}

pub async fn load(db: &impl ConnectionTrait, user_id: i64) -> DomainResult<Option<Profile>> {
    Ok(load_many(db, &[user_id]).await?.pop())
}

/// How much of `user_id`'s profile the caller may read, consents read afresh; `None`: nothing.
pub async fn view(
    db: &impl ConnectionTrait,
    access: &Access,
    user_id: i64,
) -> DomainResult<Option<View>> {
    if access.user_id() == user_id {
        return Ok(Some(View::Full));
    }
    let mut peer = false;
    let companies = access
        .staff
        .keys()
        .chain(access.alumni_of.iter())
        .copied()
        .collect::<std::collections::BTreeSet<i64>>();
    for company_id in companies {
        let listed = consents::consenting(db, company_id, ConsentPurpose::Directory).await?;
        if !listed.contains(&user_id) {
            continue;
        }
        if access.is_staff(company_id) {
            return Ok(Some(View::Full));
        }
        if listed.contains(&access.user_id()) {
            peer = true;
        }
    }
    Ok(peer.then_some(View::Peer))
}

/// The user's display name (for pages that list people by id).
pub async fn user(db: &impl ConnectionTrait, user_id: i64) -> DomainResult<user::Model> {
    user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("user"))
}
