//! The Zengin (全銀協) transfer file a Japanese bank accepts for a batch of transfers
//! (総合振込): fixed 120-byte records in Shift_JIS — a header (1), one data record (2) per
//! transfer, a trailer (8) with the count and total, an end record (9) — separated by CRLF.
//! Names are half-width katakana; in Shift_JIS those are single bytes (U+FF61..U+FF9F →
//! 0xA1..0xDF), so every record is exactly 120 bytes and no encoding library is needed.
//!
//! The layout follows the 全銀協 standard format for 総合振込 as banks publish it (e.g. the
//! internet banking manuals of the large banks); what a bank adds (some want no CRLF, a few
//! fill 顧客コード) is left out.
use chrono::NaiveDate;

use super::error::{DomainError, DomainResult};

/// Ordinary (普通) or current (当座) account: the 預金種目 codes 1 and 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountType {
    Ordinary,
    Current,
}

impl AccountType {
    pub fn code(self) -> &'static str {
        match self {
            AccountType::Ordinary => "1",
            AccountType::Current => "2",
        }
    }
}

/// A Japanese bank account, checked once when recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankAccount {
    /// 4 digits (金融機関コード).
    pub bank_code: String,
    /// Half-width katakana, at most 15 characters (as the file holds).
    pub bank_name: String,
    /// 3 digits (支店コード).
    pub branch_code: String,
    pub branch_name: String,
    pub account_type: AccountType,
    /// Up to 7 digits; written zero-padded.
    pub account_number: String,
    /// The holder's name in half-width katakana (口座名義カナ), at most 30 characters.
    pub holder_kana: String,
}

impl BankAccount {
    /// Checks each field against what the file can hold, naming the first that cannot.
    pub fn new(
        bank_code: &str,
        bank_name: &str,
        branch_code: &str,
        branch_name: &str,
        account_type: AccountType,
        account_number: &str,
        holder_kana: &str,
    ) -> DomainResult<Self> {
        digits("bankCode", bank_code, 4, 4)?;
        digits("branchCode", branch_code, 3, 3)?;
        digits("accountNumber", account_number, 1, 7)?;
        kana("bankName", bank_name, 15)?;
        kana("branchName", branch_name, 15)?;
        kana("holderKana", holder_kana, 30)?;
        if holder_kana.trim().is_empty() {
            return Err(DomainError::bad_input("holderKana", "must not be empty"));
        }
        Ok(Self {
            bank_code: bank_code.into(),
            bank_name: bank_name.into(),
            branch_code: branch_code.into(),
            branch_name: branch_name.into(),
            account_type,
            account_number: account_number.into(),
            holder_kana: holder_kana.into(),
        })
    }
}

pub(crate) fn digits(field: &str, value: &str, min: usize, max: usize) -> DomainResult<()> {
    if value.len() < min || value.len() > max || !value.bytes().all(|b| b.is_ascii_digit()) {
        let rule = if min == max {
            format!("must be {max} digits")
        } else {
            format!("must be {min} to {max} digits")
        };
        return Err(DomainError::bad_input(field, rule));
    }
    Ok(())
}

/// The characters a Zengin name field may hold: digits, A–Z, half-width katakana without the
/// small letters (ｧ–ｯ) and the long-vowel mark, the voicing marks, space and ( ) - . / , ｢ ｣ ￥.
fn zengin_char(c: char) -> bool {
    matches!(c,
        '0'..='9' | 'A'..='Z' | ' ' | '(' | ')' | '-' | '.' | '/' | ',' | '\\'
        | '\u{FF62}' | '\u{FF63}' // ｢ ｣
        | '\u{FF66}' // ｦ
        | '\u{FF71}'..='\u{FF9F}') // ｱ..ﾝ ﾞ ﾟ
}

pub(crate) fn kana(field: &str, value: &str, max: usize) -> DomainResult<()> {
    if let Some(bad) = value.chars().find(|c| !zengin_char(*c)) {
        return Err(DomainError::bad_input(
            field,
            format!(
                "must be half-width katakana, digits, A-Z or ( ) - . / (not {bad:?}; small kana \
                 such as ｯ are written large: ﾂ)"
            ),
        ));
    }
    if value.chars().count() > max {
        return Err(DomainError::bad_input(
            field,
            format!("at most {max} characters"),
        ));
    }
    Ok(())
}

/// The company's side of the file: who asks the bank and from which account.
#[derive(Debug, Clone)]
pub struct Requester {
    /// 依頼人コード: the 10-digit code the bank assigned to the company.
    pub code: String,
    /// 依頼人名, half-width katakana.
    pub name_kana: String,
    pub account: BankAccount,
}

/// One transfer: to whom, how much (yen), and the transfer date of the batch.
#[derive(Debug, Clone)]
pub struct Transfer {
    pub to: BankAccount,
    pub amount_yen: i64,
}

/// The file for `transfers` on `date`, as bytes (Shift_JIS, CRLF after each record).
pub fn transfer_file(
    requester: &Requester,
    date: NaiveDate,
    transfers: &[Transfer],
) -> DomainResult<Vec<u8>> {
    digits("requesterCode", &requester.code, 10, 10)?;
    kana("requesterName", &requester.name_kana, 40)?;
    if transfers.is_empty() {
        return Err(DomainError::bad_input("payouts", "no transfer to write"));
    }
    let mut out = Vec::with_capacity((transfers.len() + 3) * 122);
    let a = &requester.account;
    let header = [
        "1".to_string(),
        "21".into(),
        "0".into(),
        requester.code.clone(),
        pad(&requester.name_kana, 40),
        date.format("%m%d").to_string(),
        a.bank_code.clone(),
        pad(&a.bank_name, 15),
        a.branch_code.clone(),
        pad(&a.branch_name, 15),
        a.account_type.code().into(),
        zeros(&a.account_number, 7),
        " ".repeat(17),
    ];
    record(&mut out, &header)?;
    let mut total: i64 = 0;
    for t in transfers {
        if t.amount_yen <= 0 || t.amount_yen > 9_999_999_999 {
            return Err(DomainError::bad_input(
                "amount",
                "a transfer must be between ¥1 and ¥9,999,999,999",
            ));
        }
        total = total
            .checked_add(t.amount_yen)
            .filter(|sum| *sum <= 999_999_999_999)
            .ok_or_else(|| DomainError::bad_input("amount", "the batch total is too large"))?;
        let to = &t.to;
        let data = [
            "2".to_string(),
            to.bank_code.clone(),
            pad(&to.bank_name, 15),
            to.branch_code.clone(),
            pad(&to.branch_name, 15),
            " ".repeat(4),
            to.account_type.code().into(),
            zeros(&to.account_number, 7),
            pad(&to.holder_kana, 30),
            format!("{:010}", t.amount_yen),
            "0".into(),
            " ".repeat(10),
            " ".repeat(10),
            " ".into(),
            " ".into(),
            " ".repeat(7),
        ];
        record(&mut out, &data)?;
    }
    let trailer = [
        "8".to_string(),
        format!("{:06}", transfers.len()),
        format!("{total:012}"),
        " ".repeat(101),
    ];
    record(&mut out, &trailer)?;
    record(&mut out, &["9".to_string(), " ".repeat(119)])?;
    Ok(out)
}

/// `text` left-justified in `width` characters.
fn pad(text: &str, width: usize) -> String {
    let mut s: String = text.chars().take(width).collect();
    let len = s.chars().count();
    s.extend(std::iter::repeat_n(' ', width - len));
    s
}

fn zeros(number: &str, width: usize) -> String {
    format!("{number:0>width$}")
}

/// Appends one record: its fields in Shift_JIS (ASCII as is, half-width katakana as single
/// bytes), which must come to 120 bytes, then CRLF.
fn record(out: &mut Vec<u8>, fields: &[String]) -> DomainResult<()> {
    let start = out.len();
    for c in fields.iter().flat_map(|f| f.chars()) {
        let byte = match c {
            '\\' => 0x5C, // ￥ in Shift_JIS's single-byte half
            c if c.is_ascii() => c as u8,
            c @ '\u{FF61}'..='\u{FF9F}' => (u32::from(c) - 0xFF61 + 0xA1) as u8,
            other => {
                return Err(DomainError::bad_input(
                    "bankAccount",
                    format!("{other:?} cannot be written to a Zengin file"),
                ));
            }
        };
        out.push(byte);
    }
    if out.len() - start != 120 {
        return Err(DomainError::Internal(anyhow::anyhow!(
            "a Zengin record came to {} bytes",
            out.len() - start
        )));
    }
    out.extend_from_slice(b"\r\n");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(holder: &str) -> BankAccount {
        BankAccount::new(
            "0001",
            "ﾐｽﾞﾎ",
            "001",
            "ﾄｳｷﾖｳ",
            AccountType::Ordinary,
            "1234567",
            holder,
        )
        .unwrap()
    }

    /// Shift_JIS bytes back to text for reading a golden file (half-width kana only).
    fn decode(bytes: &[u8]) -> String {
        bytes
            .iter()
            .map(|&b| match b {
                0xA1..=0xDF => char::from_u32(u32::from(b) - 0xA1 + 0xFF61).unwrap(),
                b => b as char,
            })
            .collect()
    }

    #[test]
    fn a_batch_of_two_is_written_as_the_standard_lays_it_out() {
        let requester = Requester {
            code: "1234567890".into(),
            name_kana: "ﾐﾅﾄｼﾖｳｹﾝ(ｶ".into(),
            account: BankAccount::new(
                "0005",
                "ﾐﾂﾋﾞｼUFJ",
                "123",
                "ﾏﾙﾉｳﾁ",
                AccountType::Current,
                "7654321",
                "ﾐﾅﾄｼﾖｳｹﾝ(ｶ",
            )
            .unwrap(),
        };
        let transfers = [
            Transfer {
                to: account("ｻﾄｳ ﾐｻｷ"),
                amount_yen: 89_790,
            },
            Transfer {
                to: BankAccount::new(
                    "0009",
                    "ﾐﾂｲｽﾐﾄﾓ",
                    "456",
                    "ｼﾌﾞﾔ",
                    AccountType::Ordinary,
                    "42",
                    "ﾀｶﾊｼ ｹﾝｼﾞ",
                )
                .unwrap(),
                amount_yen: 1_445_800,
            },
        ];
        let date = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
        let bytes = transfer_file(&requester, date, &transfers).unwrap();
        assert_eq!(bytes.len(), 5 * 122);
        if std::env::var_os("WRITE_ZENGIN_GOLDEN").is_some() {
            std::fs::write("../tests/fixtures/zengin-golden.txt", &bytes).unwrap();
        }
        let text = decode(&bytes);
        let records: Vec<&str> = text.split_terminator("\r\n").collect();
        // Each field at the offset and width the standard gives it (character = byte here).
        let field = |r: usize, start: usize, width: usize| -> String {
            records[r].chars().skip(start).take(width).collect()
        };
        let header = [
            (0, 1, "1"),
            (1, 2, "21"),
            (3, 1, "0"),
            (4, 10, "1234567890"),
            (14, 40, "ﾐﾅﾄｼﾖｳｹﾝ(ｶ"),
            (54, 4, "1210"),
            (58, 4, "0005"),
            (62, 15, "ﾐﾂﾋﾞｼUFJ"),
            (77, 3, "123"),
            (80, 15, "ﾏﾙﾉｳﾁ"),
            (95, 1, "2"),
            (96, 7, "7654321"),
            (103, 17, ""),
        ];
        for (start, width, want) in header {
            assert_eq!(field(0, start, width).trim_end(), want, "header at {start}");
        }
        let data = [
            (0, 1, "2", "2"),
            (1, 4, "0001", "0009"),
            (5, 15, "ﾐｽﾞﾎ", "ﾐﾂｲｽﾐﾄﾓ"),
            (20, 3, "001", "456"),
            (23, 15, "ﾄｳｷﾖｳ", "ｼﾌﾞﾔ"),
            (38, 4, "", ""),
            (42, 1, "1", "1"),
            (43, 7, "1234567", "0000042"),
            (50, 30, "ｻﾄｳ ﾐｻｷ", "ﾀｶﾊｼ ｹﾝｼﾞ"),
            (80, 10, "0000089790", "0001445800"),
            (90, 1, "0", "0"),
            (91, 30, "", ""),
        ];
        for (start, width, first, second) in data {
            assert_eq!(
                field(1, start, width).trim_end(),
                first,
                "data 1 at {start}"
            );
            assert_eq!(
                field(2, start, width).trim_end(),
                second,
                "data 2 at {start}"
            );
        }
        assert_eq!(field(3, 0, 1), "8");
        assert_eq!(field(3, 1, 6), "000002");
        assert_eq!(field(3, 7, 12), "000001535590");
        assert_eq!(field(3, 19, 101).trim_end(), "");
        assert_eq!(field(4, 0, 1), "9");
        assert_eq!(field(4, 1, 119).trim_end(), "");
        // And the whole file, byte for byte, as committed.
        let golden = include_bytes!("../../../tests/fixtures/zengin-golden.txt");
        assert_eq!(bytes.as_slice(), golden.as_slice());
        for r in &records {
            assert_eq!(r.chars().count(), 120);
        }
        // Half-width katakana are single Shift_JIS bytes: ｻ is 0xBB.
        assert_eq!(bytes[122 + 50], 0xBB);
    }

    #[test]
    fn accounts_and_amounts_outside_the_format_are_refused_naming_the_field() {
        let bad = |r: DomainResult<BankAccount>, field: &str| match r {
            Err(DomainError::BadInput { field: f, .. }) => assert_eq!(f, field),
            other => panic!("expected {field} refused, got {other:?}"),
        };
        let t = AccountType::Ordinary;
        bad(
            BankAccount::new("001", "ﾐｽﾞﾎ", "001", "ﾄｳｷﾖｳ", t, "1", "ｻﾄｳ"),
            "bankCode",
        );
        bad(
            BankAccount::new("000A", "ﾐｽﾞﾎ", "001", "ﾄｳｷﾖｳ", t, "1", "ｻﾄｳ"),
            "bankCode",
        );
        bad(
            BankAccount::new("0001", "ﾐｽﾞﾎ", "01", "ﾄｳｷﾖｳ", t, "1", "ｻﾄｳ"),
            "branchCode",
        );
        bad(
            BankAccount::new("0001", "ﾐｽﾞﾎ", "001", "ﾄｳｷﾖｳ", t, "12345678", "ｻﾄｳ"),
            "accountNumber",
        );
        bad(
            BankAccount::new("0001", "ﾐｽﾞﾎ", "001", "ﾄｳｷﾖｳ", t, "", "ｻﾄｳ"),
            "accountNumber",
        );
        bad(
            BankAccount::new("0001", "みずほ", "001", "ﾄｳｷﾖｳ", t, "1", "ｻﾄｳ"),
            "bankName",
        );
        bad(
            BankAccount::new("0001", "ﾐｽﾞﾎ", "001", "ﾄｳｷﾖｳ", t, "1", "佐藤"),
            "holderKana",
        );
        bad(
            BankAccount::new("0001", "ﾐｽﾞﾎ", "001", "ﾄｳｷﾖｳ", t, "1", "ｻｯﾄｳ"),
            "holderKana",
        );
        bad(
            BankAccount::new("0001", "ﾐｽﾞﾎ", "001", "ﾄｳｷﾖｳ", t, "1", "sato"),
            "holderKana",
        );
        bad(
            BankAccount::new("0001", "ﾐｽﾞﾎ", "001", "ﾄｳｷﾖｳ", t, "1", " "),
            "holderKana",
        );
        bad(
            BankAccount::new("0001", "ﾐｽﾞﾎ", "001", "ﾄｳｷﾖｳ", t, "1", &"ｱ".repeat(31)),
            "holderKana",
        );
        assert!(BankAccount::new("0001", "ﾐｽﾞﾎ", "001", "ﾄｳｷﾖｳ", t, "1", &"ｱ".repeat(30)).is_ok());

        let requester = Requester {
            code: "1234567890".into(),
            name_kana: "ｶ)ﾐﾅﾄ".into(),
            account: account("ｶ)ﾐﾅﾄ"),
        };
        let date = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
        assert!(transfer_file(&requester, date, &[]).is_err());
        for amount in [0, -1, 10_000_000_000] {
            let t = [Transfer {
                to: account("ｻﾄｳ"),
                amount_yen: amount,
            }];
            assert!(transfer_file(&requester, date, &t).is_err(), "{amount}");
        }
        let wrong_code = Requester {
            code: "123".into(),
            ..requester
        };
        let t = [Transfer {
            to: account("ｻﾄｳ"),
            amount_yen: 1,
        }];
        assert!(transfer_file(&wrong_code, date, &t).is_err());
    }
}
