//! Ranked rows → .xlsx (rust_xlsxwriter, constant-memory mode: rows go to a temporary file as
//! they are written, so a large ranking does not sit in memory twice). The layout is for
//! reading in Excel or WPS: a frozen, filterable header row, widths by what a column holds,
//! the score as a percentage, wrapped reasons and the top of the list on a coloured band.

use std::io::Write;

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use super::{ColumnKind, Table};

/// The most rows a worksheet holds, header included.
pub const MAX_ROWS: usize = 1_048_576;
/// The most characters a cell holds: Excel's 32,767, counted as UTF-16 units, so that a
/// character beyond the basic plane (an emoji, 𠮷) counts twice.
pub const MAX_CELL_CHARS: usize = 32_767;

/// The fill of the marked top rows (light amber).
const MARK_FILL: u32 = 0xFFF2CC;
/// The fill of the header row (light grey).
const HEADER_FILL: u32 = 0xD9D9D9;

fn io(e: XlsxError) -> std::io::Error {
    match e {
        XlsxError::IoError(io) => io,
        other => std::io::Error::other(other.to_string()),
    }
}

/// The cell formats of one kind of column, plain and marked.
struct Formats {
    plain: Format,
    marked: Format,
}

impl Formats {
    fn new(kind: ColumnKind) -> Formats {
        let base = match kind {
            ColumnKind::Rank => Format::new().set_align(FormatAlign::Center),
            ColumnKind::Percent => Format::new().set_num_format("0.0%"),
            ColumnKind::Number => Format::new().set_num_format("0.000"),
            ColumnKind::Wrapped => Format::new().set_text_wrap().set_align(FormatAlign::Top),
            ColumnKind::Short | ColumnKind::Text => Format::new().set_align(FormatAlign::Top),
        };
        let marked = base.clone().set_background_color(Color::RGB(MARK_FILL));
        let marked = if kind == ColumnKind::Rank {
            marked.set_bold()
        } else {
            marked
        };
        Formats {
            plain: base,
            marked,
        }
    }
}

/// Column width in Excel's character units.
fn width(kind: ColumnKind) -> f64 {
    match kind {
        ColumnKind::Rank => 6.0,
        ColumnKind::Percent => 8.0,
        ColumnKind::Number => 9.0,
        ColumnKind::Short => 16.0,
        ColumnKind::Wrapped => 60.0,
        ColumnKind::Text => 40.0,
    }
}

/// Cuts `cell` to what a worksheet cell holds; `true` when it was cut.
fn fit(cell: &str) -> (&str, bool) {
    let mut units = 0;
    for (at, c) in cell.char_indices() {
        units += c.len_utf16();
        if units >= MAX_CELL_CHARS {
            return (&cell[..at], true);
        }
    }
    (cell, false)
}

/// Writes `table` with `rows` to `w`; returns how many cells were cut to 32,767 characters.
pub(crate) fn write(
    w: impl Write + Send,
    table: &Table,
    rows: impl Iterator<Item = std::io::Result<Vec<String>>>,
) -> std::io::Result<usize> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet_with_constant_memory().map_err(io)?;
    sheet.set_name("排序").map_err(io)?;
    let kind = |c: usize| table.kinds.get(c).copied().unwrap_or(ColumnKind::Text);
    let columns = table.header.len();
    for c in 0..columns {
        sheet
            .set_column_width(c as u16, width(kind(c)))
            .map_err(io)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(io)?;
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_background_color(Color::RGB(HEADER_FILL))
        .set_border_bottom(FormatBorder::Thin);
    for (c, h) in table.header.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, fit(h).0, &head)
            .map_err(io)?;
    }
    let formats: Vec<Formats> = (0..columns).map(|c| Formats::new(kind(c))).collect();
    let mut cut = 0;
    let mut last = 0u32;
    for (i, row) in rows.enumerate() {
        let row = row?;
        let r = (i + 1) as u32;
        last = r;
        let marked = i < table.marked;
        for (c, cell) in row.iter().enumerate().take(columns) {
            let f = &formats[c];
            let f = if marked { &f.marked } else { &f.plain };
            let col = c as u16;
            let number = match kind(c) {
                ColumnKind::Rank | ColumnKind::Percent | ColumnKind::Number => {
                    cell.parse::<f64>().ok().filter(|v| v.is_finite())
                }
                _ => None,
            };
            match number {
                Some(v) => sheet.write_number_with_format(r, col, v, f),
                None if cell.is_empty() && !marked => continue,
                None => {
                    let (text, was_cut) = fit(cell);
                    cut += usize::from(was_cut);
                    sheet.write_string_with_format(r, col, text, f)
                }
            }
            .map_err(io)?;
        }
    }
    if columns > 0 {
        sheet
            .autofilter(0, 0, last, (columns - 1) as u16)
            .map_err(io)?;
    }
    workbook.save_to_writer(w).map_err(io)?;
    Ok(cut)
}

/// A blank form: `columns` as a bold, frozen header row with room to type under it, and a
/// second sheet of notes (`notes`: a column name and what goes in it, one per row).
pub fn template(columns: &[(&str, f64)], notes: &[(&str, &str)]) -> std::io::Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let head = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_background_color(Color::RGB(HEADER_FILL))
        .set_border_bottom(FormatBorder::Thin);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    // Text cells: a typed 编号 of 007 or a phone number stays as typed, not the number 7.
    let text = wrap.clone().set_num_format("@");
    let sheet = workbook.add_worksheet();
    sheet.set_name("申报表").map_err(io)?;
    for (c, (name, width)) in columns.iter().enumerate() {
        let c = c as u16;
        sheet.set_column_width(c, *width).map_err(io)?;
        sheet.set_column_format(c, &text).map_err(io)?;
        sheet
            .write_string_with_format(0, c, *name, &head)
            .map_err(io)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(io)?;
    let notes_sheet = workbook.add_worksheet();
    notes_sheet.set_name("填写说明").map_err(io)?;
    notes_sheet.set_column_width(0, 14).map_err(io)?;
    notes_sheet.set_column_width(1, 80).map_err(io)?;
    notes_sheet
        .write_string_with_format(0, 0, "列", &head)
        .map_err(io)?;
    notes_sheet
        .write_string_with_format(0, 1, "填写内容", &head)
        .map_err(io)?;
    for (r, (name, note)) in notes.iter().enumerate() {
        let r = r as u32 + 1;
        notes_sheet.write_string(r, 0, *name).map_err(io)?;
        notes_sheet
            .write_string_with_format(r, 1, *note, &wrap)
            .map_err(io)?;
    }
    workbook.save_to_buffer().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_is_cut_by_utf16_units_so_emoji_fit_too() {
        let units = |s: &str| s.chars().map(char::len_utf16).sum::<usize>();
        let plain = "字".repeat(40_000);
        let (cut, was_cut) = fit(&plain);
        assert!(was_cut && units(cut) < MAX_CELL_CHARS && units(cut) > MAX_CELL_CHARS - 2);
        let emoji = "😀".repeat(20_000);
        let (cut, was_cut) = fit(&emoji);
        assert!(was_cut && units(cut) < MAX_CELL_CHARS, "{}", units(cut));
        // A whole workbook with such a cell is written.
        let table = Table {
            header: vec!["text".into()],
            kinds: vec![ColumnKind::Text],
            marked: 0,
            rows: 1,
        };
        let mut out = Vec::new();
        let n = write(&mut out, &table, std::iter::once(Ok(vec![emoji.clone()]))).unwrap();
        assert_eq!(n, 1);
        assert_eq!(fit("短"), ("短", false));
    }
}
