//! Any bytes through the decoder and the CSV reader: rows or an error, never a panic. The
//! first byte picks the options (lossy or strict, a forced encoding, a delimiter, skipping
//! bad rows), the rest is the file.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use xuanti::read::{BatchReader, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, file)) = data.split_first() else {
        return;
    };
    let options = ReadOptions {
        lossy: mode & 1 != 0,
        skip_bad_rows: mode & 2 != 0,
        encoding: match (mode >> 2) & 3 {
            1 => Some(encoding_rs_label("gbk")),
            2 => Some(encoding_rs_label("utf-16le")),
            _ => None,
        },
        delimiter: (mode & 16 != 0).then_some(b';'),
        ..ReadOptions::default()
    };
    let source = Box::new(std::io::Cursor::new(file.to_vec()));
    if let Ok(mut reader) = BatchReader::from_source(Path::new("fuzz.csv"), source, &options) {
        let width = reader.headers.len();
        while let Ok(rows) = reader.next_rows(7) {
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                assert_eq!(row.cells.len(), width, "a row of another width got through");
                let _ = reader.columns.submission(row);
            }
        }
        let _ = reader.take_warnings();
    }
});

fn encoding_rs_label(label: &str) -> &'static xuanti::read::Encoding {
    xuanti::read::Encoding::for_label(label.as_bytes()).expect("a known label")
}
