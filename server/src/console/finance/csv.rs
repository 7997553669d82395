//! CSV for spreadsheets: UTF-8 with a BOM (so Excel reads it as UTF-8), CRLF line ends,
//! RFC 4180 quoting, and a leading apostrophe on cells a spreadsheet would run as a formula.

/// Builds a CSV document row by row.
pub struct Writer {
    out: String,
}

impl Writer {
    pub fn new() -> Self {
        Self {
            out: String::from("\u{feff}"),
        }
    }

    pub fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) {
        for (i, cell) in cells.into_iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.out.push_str(&cell_text(cell));
        }
        self.out.push_str("\r\n");
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// One cell: `'`-prefixed when it starts with `= + - @` (or a tab or carriage return, which
/// some spreadsheets skip before reading a formula), quoted when it holds a comma, quote or
/// line break.
fn cell_text(cell: &str) -> String {
    let guarded = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::Writer;

    #[test]
    fn bom_crlf_quotes_and_formula_guard() {
        let mut w = Writer::new();
        w.row([
            "a",
            "b,c",
            "say \"hi\"",
            "=SUM(A1)",
            "line\nbreak",
            "-1",
            "@x",
            "+1",
        ]);
        assert_eq!(
            w.finish(),
            "\u{feff}a,\"b,c\",\"say \"\"hi\"\"\",'=SUM(A1),\"line\nbreak\",'-1,'@x,'+1\r\n"
        );
    }
}
