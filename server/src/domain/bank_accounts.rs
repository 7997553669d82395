//! Bank accounts for Zengin transfers (issue 12 §8): the freelancer's own account, which she
//! alone reads in full, and the account a company pays from with its consignor code, which
//! its ADMIN and FINANCE staff set and read. Finance never reads a freelancer's account
//! through the API: it reaches them only inside the transfer file of the company's payouts.
//!
//! What a person types in full-width (ヤマダ　タロウ, ｙａｍａｄａ, ひらがな, small ッ) is
//! converted to what the file holds (ﾔﾏﾀﾞ ﾀﾛｳ, YAMADA, ﾋﾗｶﾞﾅ, large ﾂ) before the check;
//! anything else (kanji, symbols) is refused naming the field.
use entity::bank_account::{self, AccountType};
use entity::company_bank_account;
use entity::states::CompanyRole;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::audit::Subject;
use super::error::{DomainError, DomainResult};
use super::zengin;
use super::{Access, audit, now, write_tx};

/// Who may set and read the company's paying account.
pub const PAYERS: &[CompanyRole] = &[CompanyRole::Admin, CompanyRole::Finance];

/// The fields of an account as typed, before conversion and checks.
#[derive(Debug, Clone)]
pub struct AccountInput {
    pub bank_code: String,
    pub bank_name: String,
    pub branch_code: String,
    pub branch_name: String,
    pub account_type: AccountType,
    pub account_number: String,
}

/// Full-width katakana (small ones large), hiragana, full-width Latin letters and digits,
/// lower-case letters and the long-vowel mark, as the half-width characters a Zengin name
/// field holds. Characters with no such form are kept, for the check to refuse.
pub fn to_zengin_kana(input: &str) -> String {
    const FULL: &str = "ァアィイゥウェエォオカキクケコサシスセソタチッツテトナニヌネノハヒフヘホマミムメモャヤュユョヨラリルレロヮワヰヱヲンヵヶ";
    const HALF: &str = "ｱｱｲｲｳｳｴｴｵｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾔﾕﾕﾖﾖﾗﾘﾙﾚﾛﾜﾜｲｴｦﾝｶｹ";
    const VOICED: &str = "ガギグゲゴザジズゼゾダヂヅデドバビブベボ";
    const SEMI_VOICED: &str = "パピプペポ";
    const SMALL_HALF: &str = "ｧｨｩｪｫｬｭｮｯ";
    const LARGE_HALF: &str = "ｱｲｳｴｵﾔﾕﾖﾂ";
    let half_of = |c: char| {
        FULL.chars()
            .position(|f| f == c)
            .and_then(|i| HALF.chars().nth(i))
    };
    let mut out = String::with_capacity(input.len());
    for c in input.trim().chars() {
        // Hiragana ぁ..ゖ sit 0x60 below their katakana.
        let c = match c {
            'ぁ'..='ゖ' => char::from_u32(u32::from(c) + 0x60).unwrap_or(c),
            _ => c,
        };
        // Full-width ASCII ！..～ sit 0xFEE0 above ASCII.
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        };
        match c {
            'a'..='z' => out.push(c.to_ascii_uppercase()),
            'ー' | 'ｰ' | '−' | '‐' => out.push('-'),
            '・' | '･' => out.push('.'),
            '「' => out.push('｢'),
            '」' => out.push('｣'),
            'ヴ' => out.push_str("ｳﾞ"),
            '゛' => out.push('ﾞ'),
            '゜' => out.push('ﾟ'),
            c if VOICED.contains(c) => {
                let base = char::from_u32(u32::from(c) - 1).and_then(half_of);
                out.extend(base);
                out.push('ﾞ');
            }
            c if SEMI_VOICED.contains(c) => {
                let base = char::from_u32(u32::from(c) - 2).and_then(half_of);
                out.extend(base);
                out.push('ﾟ');
            }
            c if SMALL_HALF.contains(c) => {
                let i = SMALL_HALF.chars().position(|s| s == c);
                out.extend(i.and_then(|i| LARGE_HALF.chars().nth(i)));
            }
            c => match half_of(c) {
                Some(h) => out.push(h),
                None => out.push(c),
            },
        }
    }
    out
}

fn zengin_type(t: AccountType) -> zengin::AccountType {
    match t {
        AccountType::Ordinary => zengin::AccountType::Ordinary,
        AccountType::Current => zengin::AccountType::Current,
    }
}

/// The field names of `zengin` as the GraphQL input names them.
fn as_input(err: DomainError) -> DomainError {
    match err {
        DomainError::BadInput { field, message } => DomainError::BadInput {
            field: format!("input.{field}"),
            message,
        },
        other => other,
    }
}

/// Converts and checks an account; `holder` is the holder's name (kana) as typed.
fn checked(input: &AccountInput, holder: &str) -> DomainResult<zengin::BankAccount> {
    zengin::BankAccount::new(
        input.bank_code.trim(),
        &to_zengin_kana(&input.bank_name),
        input.branch_code.trim(),
        &to_zengin_kana(&input.branch_name),
        zengin_type(input.account_type),
        input.account_number.trim(),
        holder,
    )
    .map_err(as_input)
}

pub fn to_zengin(row: &bank_account::Model) -> zengin::BankAccount {
    zengin::BankAccount {
        bank_code: row.bank_code.clone(),
        bank_name: row.bank_name.clone(),
        branch_code: row.branch_code.clone(),
        branch_name: row.branch_name.clone(),
        account_type: zengin_type(row.account_type),
        account_number: row.account_number.clone(),
        holder_kana: row.holder_kana.clone(),
    }
}

pub fn requester(row: &company_bank_account::Model) -> zengin::Requester {
    zengin::Requester {
        code: row.consignor_code.clone(),
        name_kana: row.consignor_name.clone(),
        account: zengin::BankAccount {
            bank_code: row.bank_code.clone(),
            bank_name: row.bank_name.clone(),
            branch_code: row.branch_code.clone(),
            branch_name: row.branch_name.clone(),
            account_type: zengin_type(row.account_type),
            account_number: row.account_number.clone(),
            holder_kana: row.consignor_name.chars().take(30).collect(),
        },
    }
}

/// The user's own account.
pub async fn of_user(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> DomainResult<Option<bank_account::Model>> {
    Ok(bank_account::Entity::find()
        .filter(bank_account::Column::UserId.eq(user_id))
        .one(db)
        .await?)
}

/// Records or replaces the caller's own bank account.
#[tracing::instrument(skip_all, fields(user = access.user_id()))]
pub async fn set_own(
    db: &DatabaseConnection,
    access: &Access,
    input: &AccountInput,
    holder_kana: &str,
) -> DomainResult<bank_account::Model> {
    let account = checked(input, &to_zengin_kana(holder_kana))?;
    let user_id = access.user_id();
    let tx = write_tx(db).await?;
    let at = now();
    let existing = of_user(&tx, user_id).await?;
    let row = bank_account::ActiveModel {
        id: existing.as_ref().map_or(Default::default(), |e| Set(e.id)),
        user_id: Set(user_id),
        bank_code: Set(account.bank_code),
        bank_name: Set(account.bank_name),
        branch_code: Set(account.branch_code),
        branch_name: Set(account.branch_name),
        account_type: Set(input.account_type),
        account_number: Set(account.account_number),
        holder_kana: Set(account.holder_kana),
        created_at: Set(existing.as_ref().map_or(at, |e| e.created_at)),
        updated_at: Set(at),
    };
    let saved = match existing {
        Some(_) => bank_account::Entity::update(row).exec(&tx).await?,
        None => {
            bank_account::Entity::insert(row)
                .exec_with_returning(&tx)
                .await?
        }
    };
    // The account's number is not written to the audit trail: the event says it changed.
    audit::record(
        &tx,
        Some(user_id),
        audit::Change::new("bank_account.set", Subject::User, user_id),
    )
    .await?;
    tx.commit().await?;
    Ok(saved)
}

/// The company's paying account; ADMIN and FINANCE only.
pub async fn of_company(
    db: &impl ConnectionTrait,
    access: &Access,
    company_id: i64,
) -> DomainResult<Option<company_bank_account::Model>> {
    access.require_company_role(company_id, PAYERS, "reading the company's bank account")?;
    Ok(company_bank_account::Entity::find()
        .filter(company_bank_account::Column::CompanyId.eq(company_id))
        .one(db)
        .await?)
}

/// Records or replaces the account the company pays from. ADMIN or FINANCE.
#[tracing::instrument(skip_all, fields(user = access.user_id(), company_id))]
pub async fn set_company(
    db: &DatabaseConnection,
    access: &Access,
    company_id: i64,
    consignor_code: &str,
    consignor_name: &str,
    input: &AccountInput,
) -> DomainResult<company_bank_account::Model> {
    access.require_company_role(company_id, PAYERS, "setting the company's bank account")?;
    let consignor_code = consignor_code.trim();
    let consignor_name = to_zengin_kana(consignor_name);
    zengin::digits("consignorCode", consignor_code, 10, 10).map_err(as_input)?;
    zengin::kana("consignorName", &consignor_name, 40).map_err(as_input)?;
    if consignor_name.trim().is_empty() {
        return Err(DomainError::bad_input(
            "input.consignorName",
            "must not be empty",
        ));
    }
    let holder: String = consignor_name.chars().take(30).collect();
    let account = checked(input, &holder)?;
    let tx = write_tx(db).await?;
    let at = now();
    let existing = company_bank_account::Entity::find()
        .filter(company_bank_account::Column::CompanyId.eq(company_id))
        .one(&tx)
        .await?;
    let row = company_bank_account::ActiveModel {
        id: existing.as_ref().map_or(Default::default(), |e| Set(e.id)),
        company_id: Set(company_id),
        consignor_code: Set(consignor_code.to_string()),
        consignor_name: Set(consignor_name),
        bank_code: Set(account.bank_code),
        bank_name: Set(account.bank_name),
        branch_code: Set(account.branch_code),
        branch_name: Set(account.branch_name),
        account_type: Set(input.account_type),
        account_number: Set(account.account_number),
        created_at: Set(existing.as_ref().map_or(at, |e| e.created_at)),
        updated_at: Set(at),
    };
    let saved = match existing {
        Some(_) => company_bank_account::Entity::update(row).exec(&tx).await?,
        None => {
            company_bank_account::Entity::insert(row)
                .exec_with_returning(&tx)
                .await?
        }
    };
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("company.bank_account.set", Subject::Company, company_id),
    )
    .await?;
    tx.commit().await?;
    Ok(saved)
}

#[cfg(test)]
mod tests {
    use super::to_zengin_kana;

    #[test]
    fn full_width_becomes_half_width() {
        assert_eq!(to_zengin_kana("ヤマダ　タロウ"), "ﾔﾏﾀﾞ ﾀﾛｳ");
        assert_eq!(to_zengin_kana("みずほ"), "ﾐｽﾞﾎ");
        assert_eq!(to_zengin_kana("パーソル"), "ﾊﾟ-ｿﾙ");
        assert_eq!(to_zengin_kana("キッチン"), "ｷﾂﾁﾝ");
        assert_eq!(to_zengin_kana("ｷｯﾁﾝ"), "ｷﾂﾁﾝ");
        assert_eq!(to_zengin_kana("ｙａｍａｄａ１"), "YAMADA1");
        assert_eq!(to_zengin_kana("ヴィ"), "ｳﾞｲ");
        assert_eq!(to_zengin_kana("山田"), "山田");
    }
}
