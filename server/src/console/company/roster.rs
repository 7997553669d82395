//! Reading a roster: pasted text or an uploaded CSV, one person a line — a bare email, or
//! `email,name,…` columns (the email first), with an optional header row. Also the multipart
//! body of the upload form, which the CSRF middleware reads too (see `session::csrf`).
use futures::stream;

/// Upload bodies (the roster CSV) are refused above this (1,000 lines of a few columns fit).
pub const MAX_UPLOAD_BYTES: usize = 1024 * 1024;

/// The emails in `text`, in order: the first column of each non-empty line, unquoted; a first
/// line whose first column holds no `@` is a header and skipped. Anything else that is not an
/// email is kept, so the API's refusal names it.
#[cfg(test)]
fn emails(text: &str) -> Vec<String> {
    lines(text).into_iter().map(|l| l.email).collect()
}

/// A multipart form's text fields and files, by field name (each file read as UTF-8, with
/// anything else replaced: only the ASCII email column matters).
pub async fn multipart_fields(
    content_type: &str,
    body: axum::body::Bytes,
) -> Result<Vec<(String, String)>, multer::Error> {
    let boundary = multer::parse_boundary(content_type)?;
    let mut form = multer::Multipart::new(
        stream::once(async move { Ok::<_, std::convert::Infallible>(body) }),
        boundary,
    );
    let mut fields = Vec::new();
    while let Some(field) = form.next_field().await? {
        let name = field.name().unwrap_or_default().to_string();
        let bytes = field.bytes().await?;
        fields.push((name, String::from_utf8_lossy(&bytes).into_owned()));
    }
    Ok(fields)
}

/// One roster line with the tenure columns a header named (`department`, `left_year`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Line {
    pub email: String,
    pub department: Option<String>,
    pub left_year: Option<String>,
}

/// Like [`emails`], with the optional `department` and `left_year` columns read where the
/// header row names them (`部署` and `退職年` too); without a header only the email is read.
pub fn lines(text: &str) -> Vec<Line> {
    let text = text.trim_start_matches('\u{feff}');
    let cells = |line: &str| -> Vec<String> {
        line.split([',', '\t', ';'])
            .map(|c| c.trim().trim_matches('"').trim().to_string())
            .collect()
    };
    let mut columns: (Option<usize>, Option<usize>) = (None, None);
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let row = cells(line);
        let first = row.first().cloned().unwrap_or_default();
        if first.is_empty() {
            continue;
        }
        if i == 0 && !first.contains('@') {
            let find = |names: &[&str]| {
                row.iter()
                    .position(|c| names.contains(&c.to_lowercase().as_str()))
            };
            columns = (
                find(&["department", "部署"]),
                find(&["left_year", "leftyear", "退職年"]),
            );
            continue;
        }
        let cell = |at: Option<usize>| {
            at.and_then(|at| row.get(at))
                .filter(|c| !c.is_empty())
                .cloned()
        };
        out.push(Line {
            email: first,
            department: cell(columns.0),
            left_year: cell(columns.1),
        });
    }
    out
}

/// Whether a request's body is a multipart form.
pub fn is_multipart(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        ct.trim_start()
            .to_ascii_lowercase()
            .starts_with("multipart/form-data")
    })
}

#[cfg(test)]
mod tests {
    use super::{Line, emails, lines};

    #[test]
    fn tenure_columns_are_read_where_the_header_names_them() {
        assert_eq!(
            lines("email,name,department,left_year\na@x.jp,A,Risk,2020\nb@x.jp,B,,\n"),
            vec![
                Line {
                    email: "a@x.jp".into(),
                    department: Some("Risk".into()),
                    left_year: Some("2020".into()),
                },
                Line {
                    email: "b@x.jp".into(),
                    ..Line::default()
                },
            ]
        );
        assert_eq!(lines("c@x.jp,C,IT,2019\n")[0].department, None);
    }

    #[test]
    fn bare_emails_csv_columns_and_an_optional_header() {
        assert_eq!(emails("a@x.jp\n\n  b@x.jp  \r\n"), vec!["a@x.jp", "b@x.jp"]);
        assert_eq!(
            emails("\u{feff}email,name\n\"c@x.jp\",山田 花子\nd@x.jp,佐藤\n"),
            vec!["c@x.jp", "d@x.jp"]
        );
        assert_eq!(
            emails("e@x.jp,E\nnot-an-email\n"),
            vec!["e@x.jp", "not-an-email"]
        );
    }
}
