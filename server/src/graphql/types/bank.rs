//! Bank accounts and Zengin transfer batches (issue 12 §8).
use async_graphql::{Context, Enum, ID, Object};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{bank_account, company_bank_account, transfer_batch};

use super::Payout;
use crate::domain::invoices::FINANCE;
use crate::domain::transfer_batches::{self, Blocked};
use crate::graphql::context::{access, db};
use crate::graphql::errors::OrGql;
use crate::graphql::ids;
use crate::graphql::scalars::Money;

/// 預金種目.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::bank_account::AccountType")]
pub enum BankAccountType {
    /// 普通.
    Ordinary,
    /// 当座.
    Current,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::transfer_batch::TransferBatchStatus")]
pub enum TransferBatchStatus {
    /// The file was downloaded; the transfer is not recorded yet.
    Open,
    /// `markTransferBatchPaid` recorded the bank's execution.
    Paid,
    /// A later file took over some of its payouts: do not send it to the bank.
    Superseded,
}

/// Why a payout cannot go into a transfer file.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferBlock {
    /// The freelancer has recorded no bank account.
    NoBankAccount,
    /// Zengin transfers are in yen.
    NotYen,
    /// Nobody handles the payment of their own invoice.
    OwnInvoice,
}

impl From<Blocked> for TransferBlock {
    fn from(b: Blocked) -> Self {
        match b {
            Blocked::NoBankAccount => Self::NoBankAccount,
            Blocked::NotYen => Self::NotYen,
            Blocked::OwnInvoice => Self::OwnInvoice,
        }
    }
}

/// The last four digits, the rest masked.
fn masked(number: &str) -> String {
    let keep = number.len().saturating_sub(4);
    format!("{}{}", "*".repeat(keep), &number[keep..])
}

/// A freelancer's bank account; only she reads it.
pub struct BankAccount(pub bank_account::Model);

#[Object]
impl BankAccount {
    /// 金融機関コード (4 digits).
    async fn bank_code(&self) -> &str {
        &self.0.bank_code
    }
    /// Half-width katakana.
    async fn bank_name(&self) -> &str {
        &self.0.bank_name
    }
    /// 支店コード (3 digits).
    async fn branch_code(&self) -> &str {
        &self.0.branch_code
    }
    async fn branch_name(&self) -> &str {
        &self.0.branch_name
    }
    async fn account_type(&self) -> BankAccountType {
        self.0.account_type.into()
    }
    async fn account_number(&self) -> &str {
        &self.0.account_number
    }
    /// The number with all but its last four digits masked, for display.
    async fn masked_account_number(&self) -> String {
        masked(&self.0.account_number)
    }
    /// 口座名義（カナ）, half-width katakana.
    async fn holder_kana(&self) -> &str {
        &self.0.holder_kana
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// The account a company pays from, with its consignor code; ADMIN and FINANCE read it.
pub struct CompanyBankAccount(pub company_bank_account::Model);

#[Object]
impl CompanyBankAccount {
    /// 委託者コード (10 digits) assigned by the bank.
    async fn consignor_code(&self) -> &str {
        &self.0.consignor_code
    }
    /// 委託者名, half-width katakana.
    async fn consignor_name(&self) -> &str {
        &self.0.consignor_name
    }
    async fn bank_code(&self) -> &str {
        &self.0.bank_code
    }
    async fn bank_name(&self) -> &str {
        &self.0.bank_name
    }
    async fn branch_code(&self) -> &str {
        &self.0.branch_code
    }
    async fn branch_name(&self) -> &str {
        &self.0.branch_name
    }
    async fn account_type(&self) -> BankAccountType {
        self.0.account_type.into()
    }
    async fn account_number(&self) -> &str {
        &self.0.account_number
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A Zengin 総合振込 file finance downloaded, and whether it is recorded as paid.
pub struct TransferBatch(pub transfer_batch::Model);

#[Object]
impl TransferBatch {
    async fn id(&self) -> ID {
        ids::encode("TransferBatch", self.0.id)
    }
    async fn transfer_date(&self) -> NaiveDate {
        self.0.transfer_date
    }
    async fn status(&self) -> TransferBatchStatus {
        self.0.status.into()
    }
    async fn payout_count(&self) -> i32 {
        self.0.payout_count
    }
    /// The sum of the transfers; the company bears the bank's fee.
    async fn total(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.total_minor, &self.0.currency).gql()
    }
    /// The bank reference, once paid.
    async fn reference(&self) -> Option<&str> {
        self.0.reference.as_deref()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn paid_at(&self) -> Option<DateTime<Utc>> {
        self.0.paid_at
    }
    /// The payouts the file pays.
    async fn payouts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Payout>> {
        Ok(transfer_batches::payouts_of(db(ctx), self.0.id)
            .await
            .gql()?
            .into_iter()
            .map(Payout)
            .collect())
    }
    /// The file as downloaded: Shift_JIS bytes, base64-encoded (standard alphabet). It holds
    /// the freelancers' bank accounts, so only the company's FINANCE staff read it (null for
    /// its ADMINs).
    async fn file_base64(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        let access = access(ctx).await?;
        let finance = access
            .staff
            .get(&self.0.company_id)
            .is_some_and(|r| FINANCE.contains(r));
        Ok(finance.then(|| STANDARD.encode(&self.0.file)))
    }
    /// A name for the file: `zengin-YYYYMMDD-<batch>.txt`.
    async fn file_name(&self) -> String {
        file_name(&self.0)
    }
}

pub fn file_name(batch: &transfer_batch::Model) -> String {
    format!(
        "zengin-{}-{}.txt",
        batch.transfer_date.format("%Y%m%d"),
        batch.id
    )
}

/// An approved manual payout and, when it cannot go into a file, why.
pub struct TransferCandidate(pub entity::payout::Model, pub Option<Blocked>);

#[Object]
impl TransferCandidate {
    async fn payout(&self) -> Payout {
        Payout(self.0.clone())
    }
    /// Null when the payout can be transferred.
    async fn blocked(&self) -> Option<TransferBlock> {
        self.1.map(Into::into)
    }

    /// The OPEN file the payout is already in, if any: a new file takes it over, and that
    /// earlier file can then no longer be recorded as paid.
    async fn batch_id(&self) -> Option<ID> {
        self.0.batch_id.map(|id| ids::encode("TransferBatch", id))
    }
}

/// The batch written, and the chosen payouts left out of it.
pub struct CreatedTransferBatch(pub transfer_batch::Model, pub Vec<TransferCandidate>);

#[Object]
impl CreatedTransferBatch {
    async fn batch(&self) -> TransferBatch {
        TransferBatch(self.0.clone())
    }
    async fn blocked(&self) -> &[TransferCandidate] {
        &self.1
    }
}
